"""eth_getProof (EIP-1186) on a dev chain: proofs checked against the state trie, for present and absent data."""

from typing import Any

import pytest
import rlp
from eth.constants import BLANK_ROOT_HASH
from eth_hash.auto import keccak
from eth_utils import decode_hex, encode_hex, to_canonical_address
from trie import HexaryTrie
from web3 import Web3

from tests.node.test_rpc_methods import ADDRESSES, HEX_ADDRESSES, Node, assemble
from tests.sidechains.test_proofs import BackendProvider
from walton.node.rpc.errors import INVALID_PARAMS
from walton.sidechains.proofs import encode_proof
from walton.vm.precompiles.trie_proofs import ProofError, prove_value

# SSTORE(calldata[0:32], calldata[32:64])
SETTER_RUNTIME = assemble(32, "CALLDATALOAD", 0, "CALLDATALOAD", "SSTORE", "STOP")
SLOTS = {slot: slot * 1000 + 7 for slot in range(1, 40)}
ABSENT = "0x" + "ab" * 20


def store(node: Node, contract: str, slot: int, value: int) -> None:
    node.send(0, to=contract, data=(slot.to_bytes(32, "big") + value.to_bytes(32, "big")).hex(), gas=60_000)


@pytest.fixture(scope="module")
def chain() -> tuple[Node, str]:
    node = Node()
    contract = encode_hex(bytes(to_canonical_address(node.deploy(SETTER_RUNTIME))))
    node.mine()
    for slot, value in SLOTS.items():
        store(node, contract, slot, value)
    node.mine()  # block 2
    store(node, contract, 1, 5)
    node.mine()  # block 3: slot 1 changed
    return node, contract


def nodes(proof: list[str]) -> list[bytes]:
    return [decode_hex(node) for node in proof]


def verify_trie_proof(root: bytes, key: bytes, proof: list[bytes]) -> bytes:
    """What the PROOF precompile's verifier reads under ``key``."""
    return prove_value(root, key, encode_proof(proof))


def state_root(node: Node, block: str = "latest") -> bytes:
    return decode_hex(node.call("eth_getBlockByNumber", block, False)["stateRoot"])


def test_account_and_storage_proofs_verify(chain: tuple[Node, str]) -> None:
    node, contract = chain
    keys = [hex(slot) for slot in (1, 2, 39)]
    result = node.call("eth_getProof", contract, keys, "latest")
    root = state_root(node)
    account = verify_trie_proof(root, keccak(decode_hex(contract)), nodes(result["accountProof"]))
    nonce, balance, storage_root, code_hash = rlp.decode(account)
    assert encode_hex(storage_root) == result["storageHash"]
    assert encode_hex(code_hash) == result["codeHash"] == encode_hex(keccak(SETTER_RUNTIME))
    assert int(result["nonce"], 16) == int.from_bytes(nonce, "big") == 1
    assert int(result["balance"], 16) == int.from_bytes(balance, "big") == 0
    # py-evm's own trie reads the same values from the proof nodes
    decoded = [rlp.decode(n) for n in nodes(result["accountProof"])]
    assert HexaryTrie.get_from_proof(root, keccak(decode_hex(contract)), decoded) == account
    expected = {1: 5, 2: SLOTS[2], 39: SLOTS[39]}
    for entry in result["storageProof"]:
        slot = int(entry["key"], 16)
        assert int(entry["value"], 16) == expected[slot]
        leaf = verify_trie_proof(storage_root, keccak(slot.to_bytes(32, "big")), nodes(entry["proof"]))
        assert int.from_bytes(rlp.decode(leaf), "big") == expected[slot]
        assert len(entry["proof"]) > 1  # 39 slots: the storage trie has branches


def test_absent_slot_and_absent_account(chain: tuple[Node, str]) -> None:
    node, contract = chain
    result = node.call("eth_getProof", contract, ["0x" + "99" * 32], "latest")
    entry = result["storageProof"][0]
    assert entry["value"] == "0x0"
    storage_root = decode_hex(result["storageHash"])
    assert verify_trie_proof(storage_root, keccak(b"\x99" * 32), nodes(entry["proof"])) == b""

    absent = node.call("eth_getProof", ABSENT, ["0x1"], "latest")
    assert absent["balance"] == "0x0" and absent["nonce"] == "0x0"
    assert absent["storageHash"] == encode_hex(BLANK_ROOT_HASH)
    assert absent["codeHash"] == encode_hex(keccak(b""))
    assert absent["storageProof"][0]["proof"] == []
    assert verify_trie_proof(state_root(node), keccak(decode_hex(ABSENT)), nodes(absent["accountProof"])) == b""


def test_funded_account_proof(chain: tuple[Node, str]) -> None:
    node, _ = chain
    result = node.call("eth_getProof", HEX_ADDRESSES[5], [], "latest")
    account = verify_trie_proof(state_root(node), keccak(ADDRESSES[5]), nodes(result["accountProof"]))
    assert int.from_bytes(rlp.decode(account)[1], "big") == int(result["balance"], 16) > 0
    assert result["storageProof"] == []


def test_proof_at_an_older_block(chain: tuple[Node, str]) -> None:
    node, contract = chain
    old = node.call("eth_getProof", contract, ["0x1"], "0x2")
    new = node.call("eth_getProof", contract, ["0x1"], "latest")
    assert int(old["storageProof"][0]["value"], 16) == SLOTS[1]
    assert int(new["storageProof"][0]["value"], 16) == 5
    leaf = verify_trie_proof(
        decode_hex(old["storageHash"]), keccak((1).to_bytes(32, "big")), nodes(old["storageProof"][0]["proof"])
    )
    assert int.from_bytes(rlp.decode(leaf), "big") == SLOTS[1]
    by_hash = node.call("eth_getBlockByNumber", "0x2", False)["hash"]
    assert node.call("eth_getProof", contract, ["0x1"], {"blockHash": by_hash}) == old


def test_tampered_or_truncated_proofs_are_refused(chain: tuple[Node, str]) -> None:
    node, contract = chain
    result = node.call("eth_getProof", contract, ["0x2"], "latest")
    proof = nodes(result["storageProof"][0]["proof"])
    root = decode_hex(result["storageHash"])
    key = keccak((2).to_bytes(32, "big"))
    with pytest.raises(ProofError, match="does not match root"):
        verify_trie_proof(root, key, proof[:-1])
    tampered = [*proof[:-1], proof[-1][:-1] + bytes([proof[-1][-1] ^ 1])]
    with pytest.raises(ProofError, match="does not match root"):
        verify_trie_proof(root, key, tampered)
    # the proof of slot 2 does not prove slot 3's value: its path leaves the proven nodes
    with pytest.raises(ProofError):
        verify_trie_proof(root, keccak((3).to_bytes(32, "big")), proof)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([HEX_ADDRESSES[0], "0x1", "latest"], "cannot unmarshal string into Go value of type []string"),
        ([HEX_ADDRESSES[0], ["0x" + "00" * 33], "latest"], "hex string too long"),
        ([HEX_ADDRESSES[0], []], "missing value for required argument 2"),
    ],
)
def test_bad_parameters(chain: tuple[Node, str], params: list[Any], message: str) -> None:
    node, _ = chain
    error = node.error("eth_getProof", *params)
    assert error["code"] == INVALID_PARAMS and message in error["message"]


def test_raw_header_receipts_and_transactions(chain: tuple[Node, str]) -> None:
    node, _ = chain
    block = node.call("eth_getBlockByNumber", "0x2", False)
    raw_header = decode_hex(node.call("debug_getRawHeader", "0x2"))
    assert encode_hex(keccak(raw_header)) == block["hash"]
    receipts = [decode_hex(r) for r in node.call("debug_getRawReceipts", block["hash"])]
    transactions = [
        decode_hex(node.call("eth_getRawTransactionByBlockHashAndIndex", block["hash"], hex(i)))
        for i in range(len(block["transactions"]))
    ]
    assert len(receipts) == len(transactions) == len(SLOTS)
    assert [encode_hex(keccak(t)) for t in transactions] == block["transactions"]
    assert node.call("eth_getRawTransactionByBlockHashAndIndex", block["hash"], hex(len(SLOTS))) is None
    assert node.call("debug_getRawHeader", "0x99") is None


def test_web3_reads_the_proof(chain: tuple[Node, str]) -> None:
    """web3.py's ``get_proof`` result formatters accept the answer's shape."""
    node, contract = chain
    w3 = Web3(BackendProvider(node))
    proof = w3.eth.get_proof(Web3.to_checksum_address(contract), [1, 2], "latest")  # type: ignore[call-arg, arg-type]  # web3 types the Method as one tuple
    assert proof["nonce"] == 1 and proof["balance"] == 0
    assert [int.from_bytes(entry["value"], "big") for entry in proof["storageProof"]] == [5, SLOTS[2]]
    assert bytes(proof["storageHash"]) == decode_hex(node.call("eth_getProof", contract, [], "latest")["storageHash"])
