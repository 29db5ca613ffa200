"""SWAP (0x112): every path of a hash-time-locked swap, on a dev chain with signed transactions."""

import hashlib
from typing import Any

import pytest
from eth_abi import decode, encode
from eth_hash.auto import keccak

from tests.vm.precompiles.dev_calls import ADDRESSES, new_chain, returned, send, set_time
from walton.vm.networks.dev import DEV_CHAIN_ID
from walton.vm.precompiles.swaps import CLAIMED, LOCKED, NONE, REFUNDED, SWAPS, Claimed, Locked, Refunded

SENDER, RECIPIENT, RELAYER = 0, 1, 2
PREIMAGE = b"\x42" * 32
HASH_LOCK = hashlib.sha256(PREIMAGE).digest()
NOW = 1_800_000_000
DEADLINE = NOW + 3600
AMOUNT = 7 * 10**18


@pytest.fixture
def chain() -> Any:
    chain = new_chain()
    set_time(chain, NOW)
    return chain


def _lock(chain: Any, amount: int = AMOUNT, deadline: int = DEADLINE) -> bytes:
    outcome = send(chain, SWAPS, "lock", HASH_LOCK, ADDRESSES[RECIPIENT], deadline, sender=SENDER, value=amount)
    (swap_id,) = returned(SWAPS, "lock", outcome)
    return bytes(swap_id)


def _state(chain: Any, swap_id: bytes) -> int:
    outcome = send(chain, SWAPS, "swap", swap_id, sender=RELAYER)
    return int(returned(SWAPS, "swap", outcome)[5])


def _balance(chain: Any, index: int) -> int:
    return int(chain.get_vm().state.get_balance(ADDRESSES[index]))


def test_lock_holds_the_value_under_an_id_derived_from_its_terms(chain: Any) -> None:
    outcome = send(chain, SWAPS, "lock", HASH_LOCK, ADDRESSES[RECIPIENT], DEADLINE, sender=SENDER, value=AMOUNT)
    (swap_id,) = returned(SWAPS, "lock", outcome)
    terms = [DEV_CHAIN_ID, ADDRESSES[SENDER], ADDRESSES[RECIPIENT], AMOUNT, HASH_LOCK, DEADLINE, 0]
    types = ["uint256", "address", "address", "uint256", "bytes32", "uint256", "uint256"]
    assert swap_id == keccak(encode(types, terms))
    assert chain.get_vm().state.get_balance(SWAPS.address) == AMOUNT
    (log,) = outcome.receipt.logs
    assert log.topics[0] == int.from_bytes(Locked.topic, "big")
    assert log.topics[1:] == (
        int.from_bytes(swap_id, "big"),
        int.from_bytes(ADDRESSES[SENDER], "big"),
        int.from_bytes(ADDRESSES[RECIPIENT], "big"),
    )
    assert decode(["uint256", "bytes32", "uint256"], log.data) == (AMOUNT, HASH_LOCK, DEADLINE)
    sender, recipient, amount, hash_lock, deadline, state = returned(SWAPS, "swap", send(chain, SWAPS, "swap", swap_id))
    assert (amount, hash_lock, deadline, state) == (AMOUNT, HASH_LOCK, DEADLINE, LOCKED)
    assert (sender.lower(), recipient.lower()) == ("0x" + ADDRESSES[SENDER].hex(), "0x" + ADDRESSES[RECIPIENT].hex())
    assert _lock(chain) != swap_id  # the same terms again: a new nonce, a new swap


def test_claim_before_the_deadline_pays_the_recipient_once(chain: Any) -> None:
    swap_id = _lock(chain)
    recipient_before = _balance(chain, RECIPIENT)
    set_time(chain, DEADLINE - 1)
    claim = send(chain, SWAPS, "claim", swap_id, PREIMAGE, sender=RELAYER)  # a relayer claims for the recipient
    assert claim.ok, claim.reason
    assert _balance(chain, RECIPIENT) == recipient_before + AMOUNT
    assert chain.get_vm().state.get_balance(SWAPS.address) == 0
    (log,) = claim.receipt.logs
    assert log.topics == (int.from_bytes(Claimed.topic, "big"), int.from_bytes(swap_id, "big"))
    assert decode(["bytes32"], log.data) == (PREIMAGE,)  # the secret is public now: the other side claims with it
    assert _state(chain, swap_id) == CLAIMED
    again = send(chain, SWAPS, "claim", swap_id, PREIMAGE, sender=RECIPIENT)
    assert "is claimed, not locked" in again.reason
    set_time(chain, DEADLINE)
    refund = send(chain, SWAPS, "refund", swap_id, sender=SENDER)
    assert "is claimed, not locked" in refund.reason
    assert chain.get_vm().state.get_balance(SWAPS.address) == 0  # nothing paid twice


def test_refund_only_from_the_deadline_then_never_a_claim(chain: Any) -> None:
    swap_id = _lock(chain)
    sender_after_lock = _balance(chain, SENDER)
    set_time(chain, DEADLINE - 1)
    early = send(chain, SWAPS, "refund", swap_id, sender=RELAYER)
    assert f"can be refunded from {DEADLINE}" in early.reason
    set_time(chain, DEADLINE)
    late_claim = send(chain, SWAPS, "claim", swap_id, PREIMAGE, sender=RECIPIENT)
    assert "expired" in late_claim.reason
    refund = send(chain, SWAPS, "refund", swap_id, sender=RELAYER)
    assert refund.ok, refund.reason
    assert _balance(chain, SENDER) == sender_after_lock + AMOUNT
    (log,) = refund.receipt.logs
    assert log.topics == (int.from_bytes(Refunded.topic, "big"), int.from_bytes(swap_id, "big"))
    assert _state(chain, swap_id) == REFUNDED
    assert "is refunded, not locked" in send(chain, SWAPS, "claim", swap_id, PREIMAGE, sender=RECIPIENT).reason
    assert "is refunded, not locked" in send(chain, SWAPS, "refund", swap_id, sender=RELAYER).reason
    assert _balance(chain, SENDER) == sender_after_lock + AMOUNT


def test_bad_locks_and_claims_are_refused_and_change_nothing(chain: Any) -> None:
    swap_id = _lock(chain)
    wrong = send(chain, SWAPS, "claim", swap_id, b"\x43" * 32, sender=RECIPIENT)
    assert "wrong preimage" in wrong.reason and not wrong.receipt.logs
    assert _state(chain, swap_id) == LOCKED
    unknown = send(chain, SWAPS, "claim", b"\x01" * 32, PREIMAGE, sender=RECIPIENT)
    assert "is unknown, not locked" in unknown.reason
    assert _state(chain, b"\x01" * 32) == NONE
    before = _balance(chain, SENDER)
    zero = send(chain, SWAPS, "lock", HASH_LOCK, ADDRESSES[RECIPIENT], DEADLINE, sender=SENDER, value=0)
    assert "non-zero value" in zero.reason
    past = send(chain, SWAPS, "lock", HASH_LOCK, ADDRESSES[RECIPIENT], NOW, sender=SENDER, value=1)
    assert "is not after the block time" in past.reason
    nobody = send(chain, SWAPS, "lock", HASH_LOCK, b"\0" * 20, DEADLINE, sender=SENDER, value=1)
    assert "zero address" in nobody.reason
    assert before - _balance(chain, SENDER) < 10**16  # only gas was paid for the refused calls
    assert chain.get_vm().state.get_balance(SWAPS.address) == AMOUNT
