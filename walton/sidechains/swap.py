"""Atomic swaps between two chains through their SWAP precompiles (0x112), driven over JSON-RPC.

Alice gives ``give`` on chain A and gets ``get`` on chain B from Bob:

1. Alice picks a 32-byte secret and locks ``give`` on A for Bob under ``sha256(secret)``, deadline T1.
2. Bob checks Alice's lock (recipient, amount, hash lock, deadline), then locks ``get`` on B for
   Alice under the same hash lock with deadline T2, earlier than T1 by a full ``window``.
3. Alice checks Bob's lock and claims it on B with the secret, which reveals it on chain B.
4. Bob (or any relayer) reads the secret from B's ``Claimed`` event and claims Alice's lock on A.

If Bob never locks, Alice refunds on A after T1. If Alice never claims on B, Bob refunds on B
after T2 and Alice refunds on A after T1. Once the secret is public Bob has until T1, a whole
window after the last moment Alice could claim, to claim on A. Every check a party makes
reads the chains, never the other party's word.

Deadlines are in each chain's own time (its latest block timestamp), which can run ahead of the
wall clock on a fast dev chain.
"""

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.logs import DISCARD
from web3.types import TxReceipt

from walton.sidechains.sender import ChainCallError, Sender, chain_time, precompile, wait_for_chain_time
from walton.vm.precompiles.swaps import CLAIMED, LOCKED, REFUNDED, SWAPS

STATE_NAMES = {0: "unknown", LOCKED: "locked", CLAIMED: "claimed", REFUNDED: "refunded"}
POLL = 0.2


class SwapError(RuntimeError):
    """A swap step that cannot go on: a refused call, or a counterparty lock that is not what was agreed."""


class Outcome(Enum):
    SWAPPED = "swapped"  # both claimed: each party has what it agreed to
    REFUNDED = "refunded"  # both refunded: each party has what it put in


@dataclass(frozen=True)
class SwapInfo:
    swap_id: bytes
    sender: ChecksumAddress
    recipient: ChecksumAddress
    amount: int
    hash_lock: bytes
    deadline: int
    state: int

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, str(self.state))


def new_secret() -> tuple[bytes, bytes]:
    """A fresh 32-byte preimage and its hash lock."""
    secret = os.urandom(32)
    return secret, hashlib.sha256(secret).digest()


class SwapChain:
    """The SWAP precompile of one chain, read and called with one key."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self.w3: Web3 = sender.w3
        self.contract = precompile(self.w3, SWAPS)

    @property
    def name(self) -> str:
        return self.sender.name

    def now(self) -> int:
        return chain_time(self.w3)

    def info(self, swap_id: bytes) -> SwapInfo:
        sender, recipient, amount, hash_lock, deadline, state = self.contract.functions.swap(swap_id).call()
        return SwapInfo(swap_id, sender, recipient, amount, bytes(hash_lock), deadline, state)

    def lock(self, hash_lock: bytes, recipient: str, amount: int, deadline: int) -> tuple[SwapInfo, TxReceipt]:
        function = self.contract.functions.lock(hash_lock, to_checksum_address(recipient), deadline)
        receipt = self._transact(function, amount)
        [event] = self.contract.events.Locked().process_receipt(receipt, errors=DISCARD)
        return self.info(bytes(event["args"]["swapId"])), receipt

    def claim(self, swap_id: bytes, preimage: bytes) -> TxReceipt:
        return self._transact(self.contract.functions.claim(swap_id, preimage))

    def refund(self, swap_id: bytes) -> TxReceipt:
        return self._transact(self.contract.functions.refund(swap_id))

    def _transact(self, function: ContractFunction, value: int = 0) -> TxReceipt:
        try:
            return self.sender.transact(function, value)
        except ChainCallError as exc:
            raise SwapError(str(exc)) from None

    def find_lock(self, hash_lock: bytes, recipient: str, from_block: int) -> SwapInfo | None:
        """A lock for ``recipient`` under ``hash_lock`` since ``from_block``, still locked."""
        logs = self.contract.events.Locked().get_logs(
            from_block=from_block, argument_filters={"recipient": to_checksum_address(recipient)}
        )
        for log in logs:
            if bytes(log["args"]["hashLock"]) == hash_lock:
                info = self.info(bytes(log["args"]["swapId"]))
                if info.state == LOCKED:
                    return info
        return None

    def revealed_secret(self, swap_id: bytes, from_block: int) -> bytes | None:
        """The preimage a ``Claimed`` event of ``swap_id`` revealed, if it was claimed."""
        logs = self.contract.events.Claimed().get_logs(from_block=from_block, argument_filters={"swapId": swap_id})
        return bytes(logs[0]["args"]["preimage"]) if logs else None

    def refund_when_due(self, swap: SwapInfo, timeout: float) -> TxReceipt:
        """Wait for the chain to reach the swap's deadline, then refund it."""
        wait_for_chain_time(self.w3, swap.deadline, timeout)
        return self.refund(swap.swap_id)


def check_lock(lock: SwapInfo, recipient: str, amount: int, hash_lock: bytes, not_after: int | None) -> None:
    """Refuse a counterparty's lock that is not what was agreed (a party checks before it acts on it)."""
    if lock.state != LOCKED:
        raise SwapError(f"swap 0x{lock.swap_id.hex()} is {lock.state_name}, not locked")
    if lock.recipient.lower() != recipient.lower():
        raise SwapError(f"swap 0x{lock.swap_id.hex()} pays {lock.recipient}, not {recipient}")
    if lock.amount < amount:
        raise SwapError(f"swap 0x{lock.swap_id.hex()} locks {lock.amount}, less than the agreed {amount}")
    if lock.hash_lock != hash_lock:
        raise SwapError(f"swap 0x{lock.swap_id.hex()} has another hash lock")
    if not_after is not None and lock.deadline > not_after:
        raise SwapError(f"swap 0x{lock.swap_id.hex()} has deadline {lock.deadline}, later than {not_after}")


@dataclass
class SwapResult:
    outcome: Outcome
    hash_lock: bytes
    lock_a: SwapInfo
    lock_b: SwapInfo | None
    seconds: float


def run_swap(
    chain_a: SwapChain,
    chain_b: SwapChain,
    give: int,
    get: int,
    window: int = 6,
    alice_claims: bool = True,
    report: Callable[[str], None] = print,
    timeout: float = 120.0,
) -> SwapResult:
    """A whole swap with one process playing both parties: Alice is ``chain_a``'s key, Bob ``chain_b``'s.

    ``alice_claims=False`` plays a stalled Alice who never claims: both sides then refund. If Bob's
    lock or Alice's claim is refused, the locks made so far are refunded after their deadlines.
    """
    started = time.monotonic()
    alice, bob = chain_a.sender.address, chain_b.sender.address
    secret, hash_lock = new_secret()
    report(f"hash lock 0x{hash_lock.hex()} (Alice keeps the secret)")
    deadline_a = chain_a.now() + 2 * window
    lock_a, _ = chain_a.lock(hash_lock, bob, give, deadline_a)
    report(f"1. Alice locked {give} on {chain_a.name} for Bob: swap 0x{lock_a.swap_id.hex()}, deadline {deadline_a}")

    try:
        check_lock(chain_a.info(lock_a.swap_id), bob, give, hash_lock, None)
        deadline_b = chain_b.now() + window
        lock_b, _ = chain_b.lock(hash_lock, alice, get, deadline_b)
    except SwapError as exc:
        report(f"2. Bob did not lock: {exc}")
        chain_a.refund_when_due(lock_a, timeout)
        report(f"3. Alice refunded her lock on {chain_a.name}")
        return SwapResult(Outcome.REFUNDED, hash_lock, lock_a, None, time.monotonic() - started)
    report(f"2. Bob locked {get} on {chain_b.name} for Alice: swap 0x{lock_b.swap_id.hex()}, deadline {deadline_b}")

    check_lock(chain_b.info(lock_b.swap_id), alice, get, hash_lock, None)
    if not alice_claims:
        report("3. Alice does not claim: both sides wait for their deadlines")
        return _refund_both(chain_a, chain_b, lock_a, lock_b, report, timeout, started)
    try:
        claim_b = chain_b.claim(lock_b.swap_id, secret)
    except SwapError as exc:
        report(f"3. Alice could not claim: {exc}")
        return _refund_both(chain_a, chain_b, lock_a, lock_b, report, timeout, started)
    report(f"3. Alice claimed {get} on {chain_b.name}, revealing the secret (block {claim_b['blockNumber']})")
    revealed = chain_b.revealed_secret(lock_b.swap_id, claim_b["blockNumber"])
    if revealed is None:
        raise SwapError(f"no Claimed event for swap 0x{lock_b.swap_id.hex()} on {chain_b.name}")
    if chain_a.info(lock_a.swap_id).state == LOCKED:
        chain_a.claim(lock_a.swap_id, revealed)
        report(f"4. Bob claimed {give} on {chain_a.name} with the revealed secret")
    else:
        report(f"4. Alice's lock on {chain_a.name} was already claimed for Bob (by a relayer)")
    final = chain_a.info(lock_a.swap_id)
    if final.state != CLAIMED:
        raise SwapError(f"swap 0x{lock_a.swap_id.hex()} ended {final.state_name}")
    return SwapResult(Outcome.SWAPPED, hash_lock, lock_a, lock_b, time.monotonic() - started)


def _refund_both(
    chain_a: SwapChain,
    chain_b: SwapChain,
    lock_a: SwapInfo,
    lock_b: SwapInfo,
    report: Callable[[str], None],
    timeout: float,
    started: float,
) -> SwapResult:
    """The stalled ending: Bob refunds on B after T2, then Alice on A after T1."""
    chain_b.refund_when_due(lock_b, timeout)
    report(f"4. Bob refunded his lock on {chain_b.name}")
    chain_a.refund_when_due(lock_a, timeout)
    report(f"5. Alice refunded her lock on {chain_a.name}")
    return SwapResult(Outcome.REFUNDED, lock_a.hash_lock, lock_a, lock_b, time.monotonic() - started)


def run_initiator(
    chain_a: SwapChain,
    chain_b: SwapChain,
    counterparty: str,
    give: int,
    get: int,
    window: int,
    report: Callable[[str], None] = print,
    timeout: float = 120.0,
) -> SwapResult:
    """Alice's side of a two-party swap: lock on A, wait for Bob's lock on B, claim it; refund on a stall."""
    started = time.monotonic()
    secret, hash_lock = new_secret()
    deadline_a = chain_a.now() + 3 * window  # the responder needs 2 windows left: its own, then one to claim here
    start_b = chain_b.w3.eth.block_number
    lock_a, _ = chain_a.lock(hash_lock, counterparty, give, deadline_a)
    report(f"locked {give} on {chain_a.name}: swap 0x{lock_a.swap_id.hex()}, deadline {deadline_a}")
    report(f"tell the counterparty: --hash-lock 0x{hash_lock.hex()}")
    limit = time.monotonic() + timeout
    while chain_a.now() < deadline_a - 2 * window and time.monotonic() < limit:
        lock_b = chain_b.find_lock(hash_lock, chain_a.sender.address, start_b)
        if lock_b is not None:
            check_lock(lock_b, chain_a.sender.address, get, hash_lock, None)
            chain_b.claim(lock_b.swap_id, secret)
            report(f"claimed {lock_b.amount} on {chain_b.name}: swap 0x{lock_b.swap_id.hex()}")
            return SwapResult(Outcome.SWAPPED, hash_lock, lock_a, lock_b, time.monotonic() - started)
        time.sleep(POLL)
    report("the counterparty did not lock in time: refunding")
    chain_a.refund_when_due(lock_a, timeout)
    report(f"refunded {give} on {chain_a.name}")
    return SwapResult(Outcome.REFUNDED, hash_lock, lock_a, None, time.monotonic() - started)


def run_responder(
    chain_a: SwapChain,
    chain_b: SwapChain,
    counterparty: str,
    give: int,
    get: int,
    hash_lock: bytes,
    window: int,
    report: Callable[[str], None] = print,
    timeout: float = 120.0,
) -> SwapResult:
    """Bob's side: ``chain_a`` is where Bob gives (and locks), ``chain_b`` where Alice locked for him.

    Bob waits for Alice's lock on B, checks it, locks on A with a deadline a window before hers,
    waits for her claim on A to reveal the secret, and claims on B with it; refunds on a stall.
    """
    started = time.monotonic()
    me = chain_a.sender.address
    limit = time.monotonic() + timeout
    lock_b = None
    while lock_b is None:
        lock_b = chain_b.find_lock(hash_lock, me, 0)
        if lock_b is None:
            if time.monotonic() > limit:
                raise SwapError(f"no lock for {me} under 0x{hash_lock.hex()} on {chain_b.name} within {timeout:.0f}s")
            time.sleep(POLL)
    check_lock(lock_b, me, get, hash_lock, None)
    if lock_b.sender.lower() != counterparty.lower():
        raise SwapError(f"swap 0x{lock_b.swap_id.hex()} was locked by {lock_b.sender}, not {counterparty}")
    remaining = lock_b.deadline - chain_b.now()
    if remaining < 2 * window:
        raise SwapError(f"Alice's lock expires in {remaining}s: too soon for a lock of mine and a window to claim hers")
    deadline_a = chain_a.now() + window
    start_a = chain_a.w3.eth.block_number
    lock_a, _ = chain_a.lock(hash_lock, counterparty, give, deadline_a)
    report(f"locked {give} on {chain_a.name}: swap 0x{lock_a.swap_id.hex()}, deadline {deadline_a}")
    while True:
        due = chain_a.now() >= deadline_a  # read before the secret: a claim can land until the deadline
        secret = chain_a.revealed_secret(lock_a.swap_id, start_a)
        if secret is not None:
            if chain_b.info(lock_b.swap_id).state == LOCKED:
                chain_b.claim(lock_b.swap_id, secret)
            report(f"claimed {lock_b.amount} on {chain_b.name} with the revealed secret")
            return SwapResult(Outcome.SWAPPED, hash_lock, lock_a, lock_b, time.monotonic() - started)
        if due:
            break
        time.sleep(POLL)
    chain_a.refund_when_due(lock_a, timeout)
    report(f"the counterparty did not claim: refunded {give} on {chain_a.name}")
    return SwapResult(Outcome.REFUNDED, hash_lock, lock_a, lock_b, time.monotonic() - started)
