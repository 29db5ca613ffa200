"""SWAP (0x112): hash-time-locked swaps of the chain's native token.

``lock`` holds the value sent under ``hashLock = sha256(preimage)`` for ``recipient`` until
``deadline`` (unix seconds, compared with the block timestamp). Before the deadline anyone may
``claim`` with the 32-byte preimage, paying the recipient (so a relayer can finish a swap for a
party that is offline); at or after it anyone may ``refund``, paying the sender back. Each swap
ends exactly once, claimed or refunded: its state moves 1 -> 2 or 1 -> 3 and never back, and the
value leaves the precompile's balance only on that move. sha256 (not keccak) so the same lock can be
mirrored on chains and tools that only offer sha256, as HTLCs usually are.
"""

import hashlib
from typing import Any

from eth_abi import encode
from eth_hash.auto import keccak
from eth_typing import Address

from walton.vm.precompiles.abi import storage_slot
from walton.vm.precompiles.stateful import Call, Event, Function, PrecompileRevert, StatefulPrecompile

SWAP_ADDRESS = 0x112
NONE, LOCKED, CLAIMED, REFUNDED = 0, 1, 2, 3
STATE_NAMES = {NONE: "unknown", LOCKED: "locked", CLAIMED: "claimed", REFUNDED: "refunded"}
_FIELDS = ("sender", "recipient", "amount", "hashLock", "deadline", "state")

# Priced like the same work in a contract: a fresh SSTORE is 22,100 gas (cold), a rewrite 5,000,
# a cold SLOAD 2,100, a value transfer to an existing account 9,000.
LOCK_GAS = 6 * 22_100 + 5_000 + 3_000  # six swap fields, the sender's nonce, the id hash and event
CLAIM_GAS = 6 * 2_100 + 5_000 + 9_000 + 500  # read the swap, mark it claimed, pay, sha256
REFUND_GAS = 6 * 2_100 + 5_000 + 9_000
SWAP_READ_GAS = 6 * 2_100

Locked = Event(
    "Locked(bytes32 swapId, address sender, address recipient, uint256 amount, bytes32 hashLock, uint256 deadline)",
    indexed=3,
)
Claimed = Event("Claimed(bytes32 swapId, bytes32 preimage)", indexed=1)
Refunded = Event("Refunded(bytes32 swapId)", indexed=1)


def _slot(swap_id: bytes, field: str) -> bytes:
    return storage_slot(f"swap.{field}", swap_id)


def _address(value: str) -> Address:
    return Address(bytes.fromhex(value[2:]))


def _load(call: Call, swap_id: bytes) -> dict[str, int]:
    return {field: call.load(_slot(swap_id, field)) for field in _FIELDS}


def _locked(call: Call, swap_id: bytes) -> dict[str, int]:
    """The swap's fields, if it is still locked; otherwise a refusal naming its state."""
    swap = _load(call, swap_id)
    if swap["state"] != LOCKED:
        raise PrecompileRevert(f"SWAP: swap 0x{swap_id.hex()} is {STATE_NAMES[swap['state']]}, not locked")
    return swap


def _pay(call: Call, to: int, amount: int) -> None:
    state = call.computation.state
    state.delta_balance(call.address, -amount)
    state.delta_balance(Address(to.to_bytes(20, "big")), amount)


def _lock(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    hash_lock, recipient_text, deadline = arguments
    recipient = _address(recipient_text)
    if call.value == 0:
        raise PrecompileRevert("SWAP: lock needs a non-zero value")
    if recipient == b"\0" * 20:
        raise PrecompileRevert("SWAP: recipient is the zero address")
    if deadline <= call.timestamp:
        raise PrecompileRevert(f"SWAP: deadline {deadline} is not after the block time {call.timestamp}")
    nonce_slot = storage_slot("swap.nonce", call.sender)
    nonce = call.load(nonce_slot)
    chain_id = call.computation.state.execution_context.chain_id
    values = [chain_id, call.sender, recipient, call.value, hash_lock, deadline, nonce]
    swap_id = keccak(encode(["uint256", "address", "address", "uint256", "bytes32", "uint256", "uint256"], values))
    call.store(nonce_slot, nonce + 1)
    fields = {
        "sender": int.from_bytes(call.sender, "big"),
        "recipient": int.from_bytes(recipient, "big"),
        "amount": call.value,
        "hashLock": int.from_bytes(hash_lock, "big"),
        "deadline": deadline,
        "state": LOCKED,
    }
    for field, value in fields.items():
        call.store(_slot(swap_id, field), value)
    call.emit(Locked, swap_id, call.sender, recipient, call.value, hash_lock, deadline)
    return (swap_id,)


def _claim(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    swap_id, preimage = arguments
    swap = _locked(call, swap_id)
    if call.timestamp >= swap["deadline"]:
        raise PrecompileRevert(f"SWAP: swap 0x{swap_id.hex()} expired at {swap['deadline']}, it can only be refunded")
    if int.from_bytes(hashlib.sha256(preimage).digest(), "big") != swap["hashLock"]:
        raise PrecompileRevert("SWAP: wrong preimage: its sha256 is not the swap's hash lock")
    call.store(_slot(swap_id, "state"), CLAIMED)
    _pay(call, swap["recipient"], swap["amount"])
    call.emit(Claimed, swap_id, preimage)
    return ()


def _refund(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    (swap_id,) = arguments
    swap = _locked(call, swap_id)
    if call.timestamp < swap["deadline"]:
        raise PrecompileRevert(
            f"SWAP: swap 0x{swap_id.hex()} can be refunded from {swap['deadline']}, the block time is {call.timestamp}"
        )
    call.store(_slot(swap_id, "state"), REFUNDED)
    _pay(call, swap["sender"], swap["amount"])
    call.emit(Refunded, swap_id)
    return ()


def _swap(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    (swap_id,) = arguments
    swap = _load(call, swap_id)
    return (
        swap["sender"].to_bytes(20, "big"),
        swap["recipient"].to_bytes(20, "big"),
        swap["amount"],
        swap["hashLock"].to_bytes(32, "big"),
        swap["deadline"],
        swap["state"],
    )


SWAPS = StatefulPrecompile(
    "SWAP",
    SWAP_ADDRESS,
    [
        Function(
            "lock(bytes32 hashLock, address recipient, uint256 deadline) returns (bytes32 swapId)",
            gas=LOCK_GAS,
            handler=_lock,
            mutates=True,
            payable=True,
        ),
        Function("claim(bytes32 swapId, bytes32 preimage)", gas=CLAIM_GAS, handler=_claim, mutates=True),
        Function("refund(bytes32 swapId)", gas=REFUND_GAS, handler=_refund, mutates=True),
        Function(
            "swap(bytes32 swapId) returns (address sender, address recipient, uint256 amount, bytes32 hashLock, "
            "uint256 deadline, uint8 state)",
            gas=SWAP_READ_GAS,
            handler=_swap,
        ),
    ],
    [Locked, Claimed, Refunded],
)

__all__ = ["CLAIMED", "LOCKED", "NONE", "REFUNDED", "SWAPS", "SWAP_ADDRESS", "Claimed", "Locked", "Refunded"]
