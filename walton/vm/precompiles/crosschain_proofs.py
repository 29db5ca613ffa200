"""PROOF (0x111): prove a child chain's data against a header anchored by ANCHOR (0x110).

A contract or user on this chain learns a child's storage value, receipt or transaction without
trusting whoever brings it: the proof is checked against the roots of a header ANCHOR accepted
(authority signatures or X11 seal checked there). Proofs are ``eth_getProof``'s node lists, each
wrapped in one RLP list (see ``walton.vm.precompiles.trie_proofs``).

The functions are views (STATICCALL is fine). Called in a transaction, a proof also earns its
sender labor credit, once per datum: each (chain, block, kind, key) is remembered, so replaying
the same proof earns nothing.

Gas: 3,000 plus 400 per 32-byte word of calldata (``trie_proofs.PROOF_GAS_PER_WORD``, measured:
an account plus storage proof of 3.3 KB verifies in the time of 13.7 ecrecovers, 41,000 gas), plus
the anchored-header reads (4 x 2,100) and, when credited, the credit writes.
"""

from collections.abc import Callable
from typing import Any

from eth_hash.auto import keccak
from eth_typing import Address

from walton.consensus.labor import PROOF_CREDIT
from walton.vm.precompiles.abi import storage_slot
from walton.vm.precompiles.anchors import AnchoredHeader, anchored_header
from walton.vm.precompiles.labor import add_credit
from walton.vm.precompiles.stateful import Call, Function, Handler, PrecompileRevert, StatefulPrecompile
from walton.vm.precompiles.trie_proofs import (
    PROOF_GAS_PER_WORD,
    ProofError,
    prove_account,
    prove_indexed,
    prove_storage,
)

PROOF_ADDRESS = 0x111
BASE_GAS = 3_000
SSTORE_SET_GAS = 22_100
ANCHOR_READ_GAS = 4 * 2_100


def _anchored(call: Call, chain_id: int, block_hash: bytes) -> AnchoredHeader:
    call.charge(ANCHOR_READ_GAS, "anchored header")
    header = anchored_header(call.computation.state, chain_id, block_hash)
    if header is None:
        raise PrecompileRevert(f"PROOF: not anchored: block 0x{block_hash.hex()} of chain {chain_id}")
    return header


def _credit_once(call: Call, chain_id: int, block_hash: bytes, kind: str, key: bytes) -> None:
    """Labor credit for the first verification of this datum in a transaction (never under STATICCALL)."""
    if call.computation.msg.is_static:
        return
    slot = storage_slot("proof.credited", chain_id, block_hash, keccak(kind.encode() + key))
    if call.load(slot):
        return
    call.charge(SSTORE_SET_GAS, "proof credited")
    call.store(slot, 1)
    add_credit(call, call.sender, PROOF_CREDIT)


def _verify_storage(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    chain_id, block_hash, account_text, slot, account_proof, storage_proof = arguments
    header = _anchored(call, chain_id, block_hash)
    account = Address(bytes.fromhex(account_text[2:]))
    try:
        storage_root = prove_account(header.state_root, account, account_proof).storage_root
        value = prove_storage(storage_root, slot, storage_proof)
    except ProofError as error:
        raise PrecompileRevert(f"PROOF: invalid proof: {error}") from None
    _credit_once(call, chain_id, block_hash, "storage", account + slot)
    return (value,)


def _indexed(kind: str, root_of: Callable[[AnchoredHeader], bytes]) -> Handler:
    """The handler proving the item at an index of a block's ``kind`` trie (transactions or receipts)."""

    def handler(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
        chain_id, block_hash, index, proof = arguments
        header = _anchored(call, chain_id, block_hash)
        try:
            item = prove_indexed(root_of(header), index, proof, kind)
        except ProofError as error:
            raise PrecompileRevert(f"PROOF: invalid proof: {error}") from None
        _credit_once(call, chain_id, block_hash, kind, index.to_bytes(32, "big"))
        return (item,)

    return handler


PROOFS = StatefulPrecompile(
    "PROOF",
    PROOF_ADDRESS,
    [
        Function(
            "verifyStorage(uint256 chainId, bytes32 blockHash, address account, bytes32 slot, bytes accountProof, "
            "bytes storageProof) returns (uint256 value)",
            gas=BASE_GAS,
            handler=_verify_storage,
            gas_per_word=PROOF_GAS_PER_WORD,
        ),
        Function(
            "verifyReceipt(uint256 chainId, bytes32 blockHash, uint256 index, bytes receiptProof) "
            "returns (bytes receipt)",
            gas=BASE_GAS,
            handler=_indexed("receipt", lambda header: header.receipts_root),
            gas_per_word=PROOF_GAS_PER_WORD,
        ),
        Function(
            "verifyTransaction(uint256 chainId, bytes32 blockHash, uint256 index, bytes transactionProof) "
            "returns (bytes transaction)",
            gas=BASE_GAS,
            handler=_indexed("transaction", lambda header: header.transactions_root),
            gas_per_word=PROOF_GAS_PER_WORD,
        ),
    ],
)

__all__ = ["PROOFS", "PROOF_ADDRESS"]
