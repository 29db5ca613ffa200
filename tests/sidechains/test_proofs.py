"""Client-side cross-chain proofs: storage, receipt and transaction proofs built over JSON-RPC and checked locally.

The chain is an in-process dev node; web3.py reaches it through ``BackendProvider``, which runs the
node's real JSON-RPC dispatch (no network, the same handlers a node process serves).
"""

import json
from typing import Any

import pytest
import rlp
from eth_hash.auto import keccak
from eth_utils import decode_hex, to_canonical_address
from web3 import Web3
from web3.providers.base import BaseProvider
from web3.types import RPCEndpoint, RPCResponse

from tests.node.test_rpc_methods import STORAGE_RUNTIME, STORED_TOPIC, Node
from walton.node.rpc.errors import RPCError
from walton.node.rpc.methods import dispatch
from walton.sidechains.proofs import (
    ProofError,
    encode_proof,
    get_receipt_proof,
    get_storage_proof,
    get_transaction_proof,
)
from walton.vm.precompiles.trie_proofs import ProofError as TrieProofError
from walton.vm.precompiles.trie_proofs import prove_indexed


class BackendProvider(BaseProvider):
    """web3.py provider that answers through the node's JSON-RPC dispatch; ``corrupt`` alters chosen answers."""

    def __init__(self, node: Node) -> None:
        super().__init__()
        self.node = node
        self.corrupt: dict[str, Any] = {}

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        try:
            result = json.loads(json.dumps(dispatch(self.node.backend, method, list(params))))
        except RPCError as exc:
            return {"jsonrpc": "2.0", "id": 1, "error": exc.to_dict()}  # type: ignore[typeddict-item]
        if method in self.corrupt:
            result = self.corrupt[method](result)
        return {"jsonrpc": "2.0", "id": 1, "result": result}

    def is_connected(self, show_traceback: bool = False) -> bool:
        return True


@pytest.fixture(scope="module")
def chain() -> tuple[Node, str, bytes]:
    node = Node()
    contract = node.deploy(STORAGE_RUNTIME)
    node.mine()
    for sender in range(1, 8):  # seven stores and a transfer in one block: a receipt trie with branches
        node.send(sender, to=contract, data=(sender * 11).to_bytes(32, "big").hex(), gas=100_000)
    node.send(0, type=0, value=1)
    block = node.mine()
    return node, contract, bytes(block.hash)


@pytest.fixture
def w3(chain: tuple[Node, str, bytes]) -> Web3:
    return Web3(BackendProvider(chain[0]))


def test_storage_proof(chain: tuple[Node, str, bytes], w3: Web3) -> None:
    node, contract, block_hash = chain
    proof = get_storage_proof(w3, contract, 0, block_hash)
    assert proof.value == 77  # the last store in the block
    assert proof.state_root == decode_hex(node.call("eth_getBlockByHash", "0x" + block_hash.hex(), False)["stateRoot"])
    assert proof.verify() == 77
    assert [bytes(item) for item in rlp.decode(proof.encoded_storage_proof)] == list(proof.storage_proof)
    absent = get_storage_proof(w3, contract, 5, block_hash)
    assert absent.value == 0 and absent.verify() == 0


def test_receipt_proofs(chain: tuple[Node, str, bytes], w3: Web3) -> None:
    node, contract, block_hash = chain
    served = node.call("eth_getBlockReceipts", "0x" + block_hash.hex())
    for index in range(8):
        proof = get_receipt_proof(w3, block_hash, index)
        assert proof.verify() == proof.item
        assert [bytes(item) for item in rlp.decode(proof.encoded_proof)] == list(proof.nodes)
    stored = next(index for index, receipt in enumerate(served) if receipt["logs"])
    receipt = get_receipt_proof(w3, block_hash, stored).item
    assert receipt[0] == 2  # a typed (EIP-1559) receipt: type byte + RLP
    status, _, _, logs = rlp.decode(receipt[1:])
    assert status == b"\x01"
    [(address, topics, data)] = logs
    assert address == to_canonical_address(contract)
    assert int.from_bytes(topics[0], "big") == STORED_TOPIC
    assert int.from_bytes(data, "big") == int(served[stored]["logs"][0]["data"], 16)
    legacy = next(index for index, receipt in enumerate(served) if receipt["type"] == "0x0")
    assert get_receipt_proof(w3, block_hash, legacy).item[0] >= 0xC0  # the legacy transfer's receipt is plain RLP


def test_transaction_proofs(chain: tuple[Node, str, bytes], w3: Web3) -> None:
    node, _, block_hash = chain
    hashes = node.call("eth_getBlockByHash", "0x" + block_hash.hex(), False)["transactions"]
    for index, transaction_hash in enumerate(hashes):
        proof = get_transaction_proof(w3, block_hash, index)
        assert "0x" + keccak(proof.item).hex() == transaction_hash


def test_wrong_data_from_the_node_is_caught(chain: tuple[Node, str, bytes], w3: Web3) -> None:
    _, contract, block_hash = chain
    provider: Any = w3.provider
    provider.corrupt["debug_getRawReceipts"] = lambda receipts: [*receipts[:-1], receipts[0]]
    with pytest.raises(ProofError, match="do not match the header's root"):
        get_receipt_proof(w3, block_hash, 0)
    lie = {"value": "0x1"}
    provider.corrupt = {"eth_getProof": lambda answer: {**answer, "storageProof": [answer["storageProof"][0] | lie]}}
    with pytest.raises(ProofError, match="it shows value 77, not 1"):
        get_storage_proof(w3, contract, 0, block_hash)
    provider.corrupt = {"debug_getRawHeader": lambda raw: raw[:-2] + ("00" if raw[-2:] != "00" else "01")}
    with pytest.raises(ProofError, match="does not hash to"):
        get_storage_proof(w3, contract, 0, block_hash)
    provider.corrupt = {}
    with pytest.raises(ProofError, match="has no receipt 8"):
        get_receipt_proof(w3, block_hash, 8)
    with pytest.raises(ProofError, match="no header for block"):
        get_receipt_proof(w3, b"\x12" * 32, 0)


def test_a_receipt_proof_does_not_prove_another_index(chain: tuple[Node, str, bytes], w3: Web3) -> None:
    _, _, block_hash = chain
    proof = get_receipt_proof(w3, block_hash, 1)
    with pytest.raises(TrieProofError):
        prove_indexed(proof.root, 6, encode_proof(proof.nodes), "receipt")
