"""PROOF (0x111): a child's storage value, receipt and transaction proven on the parent against an anchored header."""

import hashlib
from dataclasses import dataclass
from typing import Any

import pytest
import rlp
from eth.vm.message import Message
from eth.vm.transaction_context import BaseTransactionContext
from eth_abi import decode
from trie import HexaryTrie

from tests.vm.precompiles.child_chains import account_proof, coinbase_proofs, mine, storage_proof, trie_proof
from tests.vm.precompiles.dev_calls import ADDRESSES, new_chain, returned, send, signed
from walton.consensus.labor import PROOF_CREDIT
from walton.vm.networks.dev import DEV_MINIMUM_DIFFICULTY
from walton.vm.precompiles.abi import storage_slot
from walton.vm.precompiles.anchors import ANCHORS, WPOC
from walton.vm.precompiles.crosschain_proofs import PROOFS
from walton.vm.precompiles.labor import LABOR
from walton.vm.precompiles.swaps import LOCKED, SWAPS

CHILD = 7002
RELAYER, VERIFIER = 3, 4
PREIMAGE = b"\x11" * 32


@dataclass(frozen=True)
class Child:
    chain: Any
    swap_id: bytes


@pytest.fixture(scope="module")
def child() -> Any:
    """A WPoC child whose block 1 locks a swap: SWAP storage, a receipt with a Locked log, a transaction."""
    chain = new_chain()
    deadline = chain.get_canonical_head().timestamp + 10**6
    lock = signed(chain, SWAPS, "lock", hashlib.sha256(PREIMAGE).digest(), ADDRESSES[1], deadline, value=5)
    mine(chain, ADDRESSES[2], [lock])
    (locked,) = chain.get_transaction_receipt(lock.hash).logs
    return Child(chain, locked.topics[1].to_bytes(32, "big"))


@pytest.fixture
def parent(child: Child) -> Any:
    """A parent chain with the child's block 1 anchored."""
    parent = new_chain()
    genesis, one = (child.chain.get_canonical_block_header_by_number(n) for n in (0, 1))
    send(parent, ANCHORS, "registerChain", CHILD, rlp.encode(genesis), WPOC, [], DEV_MINIMUM_DIFFICULTY)
    anchored = send(
        parent, ANCHORS, "submitHeaders", CHILD, [rlp.encode(one)], coinbase_proofs(child.chain, [one]), sender=RELAYER
    )
    assert anchored.ok, anchored.reason
    return parent


def _block(child: Child) -> Any:
    return child.chain.get_canonical_block_header_by_number(1)


def _storage_arguments(child: Child, slot: bytes | None = None) -> list[Any]:
    header = _block(child)
    slot = slot or storage_slot("swap.state", child.swap_id)
    return [
        CHILD,
        header.hash,
        SWAPS.address,
        slot,
        account_proof(child.chain, header.state_root, SWAPS.address),
        storage_proof(child.chain, header.state_root, SWAPS.address, slot),
    ]


def _credit(parent: Any, who: int) -> int:
    return int(returned(LABOR, "credit", send(parent, LABOR, "credit", ADDRESSES[who]))[0])


def test_a_child_storage_value_is_proven_and_credited_once(child: Child, parent: Any) -> None:
    arguments = _storage_arguments(child)
    outcome = send(parent, PROOFS, "verifyStorage", *arguments, sender=VERIFIER)
    assert returned(PROOFS, "verifyStorage", outcome) == (LOCKED,)
    assert _credit(parent, VERIFIER) == PROOF_CREDIT
    again = send(parent, PROOFS, "verifyStorage", *arguments, sender=VERIFIER)
    assert returned(PROOFS, "verifyStorage", again) == (LOCKED,)
    assert _credit(parent, VERIFIER) == PROOF_CREDIT  # replaying a proof earns nothing
    unset = _storage_arguments(child, b"\x09" * 32)  # an absent slot is proven 0
    assert returned(PROOFS, "verifyStorage", send(parent, PROOFS, "verifyStorage", *unset)) == (0,)


def test_receipts_and_transactions_are_proven_against_the_anchored_roots(child: Child, parent: Any) -> None:
    header = _block(child)
    db = child.chain.chaindb.db
    key = rlp.encode(0)
    receipt = send(
        parent, PROOFS, "verifyReceipt", CHILD, header.hash, 0, trie_proof(child.chain, header.receipt_root, key)
    )
    assert returned(PROOFS, "verifyReceipt", receipt) == (HexaryTrie(db, header.receipt_root)[key],)
    (encoded_receipt,) = returned(PROOFS, "verifyReceipt", receipt)
    assert rlp.decode(encoded_receipt)[3][0][0] == SWAPS.address  # the Locked log of the child's SWAP
    proof = trie_proof(child.chain, header.transaction_root, key)
    transaction = send(parent, PROOFS, "verifyTransaction", CHILD, header.hash, 0, proof)
    (encoded_transaction,) = returned(PROOFS, "verifyTransaction", transaction)
    assert encoded_transaction == rlp.encode(child.chain.get_canonical_block_by_number(1).transactions[0])
    absent = send(
        parent, PROOFS, "verifyReceipt", CHILD, header.hash, 1, trie_proof(child.chain, header.receipt_root, b"\x01")
    )
    assert "the proof shows no receipt at index 1" in absent.reason


def test_wrong_proofs_and_unanchored_blocks_are_refused(child: Child, parent: Any) -> None:
    arguments = _storage_arguments(child)
    header = _block(child)
    nodes = rlp.decode(arguments[5])
    tampered_node = nodes[-1][:-1] + bytes([nodes[-1][-1] ^ 1])
    cases = [
        ([*arguments[:5], rlp.encode([*nodes[:-1], tampered_node])], "PROOF: invalid proof"),
        ([*arguments[:4], b"\x00", arguments[5]], "PROOF: invalid proof"),
        ([*arguments[:4], arguments[5], arguments[4]], "PROOF: invalid proof"),
        ([*arguments[:4], rlp.encode([b"\x01" * 40]), arguments[5]], "PROOF: invalid proof"),
        ([arguments[0], b"\x07" * 32, *arguments[2:]], "PROOF: not anchored"),
        ([CHILD + 1, *arguments[1:]], "PROOF: not anchored"),
        ([arguments[0], child.chain.get_canonical_block_header_by_number(0).hash, *arguments[2:]], "invalid proof"),
    ]
    for call_arguments, reason in cases:
        outcome = send(parent, PROOFS, "verifyStorage", *call_arguments, sender=VERIFIER)
        assert reason in outcome.reason, (reason, outcome.reason)
    receipt_proof = trie_proof(child.chain, header.receipt_root, rlp.encode(0))
    as_transaction = send(parent, PROOFS, "verifyTransaction", CHILD, header.hash, 0, receipt_proof)
    assert "PROOF: invalid proof" in as_transaction.reason
    assert _credit(parent, VERIFIER) == 0


def test_static_calls_verify_without_crediting(child: Child, parent: Any) -> None:
    state = parent.get_vm().state
    message = Message(
        gas=1_000_000,
        to=PROOFS.address,
        sender=ADDRESSES[VERIFIER],
        value=0,
        data=PROOFS.calldata("verifyStorage", *_storage_arguments(child)),
        code=b"",
        is_static=True,
        code_address=PROOFS.address,
    )
    computation = state.computation_class.apply_message(state, message, BaseTransactionContext(1, ADDRESSES[VERIFIER]))
    assert computation.is_success and decode(["uint256"], computation.output) == (LOCKED,)
    assert not computation.get_log_entries()
