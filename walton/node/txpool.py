"""The transaction pool: what geth's legacy pool accepts, keeps, orders and evicts, with geth's messages.

A raw transaction enters through ``TxPool.add``, which checks it the way geth's pool does, in
geth's order: size, decoding, type, init code size, block gas limit, fee caps, signature and
chain id, intrinsic gas (with EIP-3860 and EIP-7623), the pool's minimum tip, the next block's base
fee, then against the head's state (nonce, balance, including what the sender's pending
transactions already spend), replacement of the same sender and nonce, and the pool's limits.
A rejection is a ``TxPoolError`` whose message is geth's (``"nonce too low: next nonce 3, tx nonce
1"``), which the JSON-RPC layer returns as a -32000 error.

Each sender's transactions are *pending* when their nonces run without a gap from the account
nonce at the head, *queued* otherwise. The miner takes ``best_transactions``: pending
transactions by effective tip at the block's base fee, each sender's in nonce order. After each
new head (``remove_included``) the pool drops what the block included, and re-validates the rest
against the new state: stale nonces and transactions the sender can no longer pay for go.

Limits (geth's defaults): 128 KiB a transaction; 5,120 slots (32 KiB each) in all, of which at most
1,024 for queued transactions; 64 queued transactions an account; pending transactions past 4,096
are trimmed from the accounts holding more than 16. A full pool evicts its lowest-paying
transactions for a better-paying one, and refuses one that pays no more than the cheapest.
"""

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from eth.abc import BlockAPI, BlockHeaderAPI, ChainAPI, SignedTransactionAPI, StateAPI, VirtualMachineAPI
from eth.constants import CREATE_CONTRACT_ADDRESS, SECPK1_N
from eth.vm import forks as pyevm
from eth.vm.forks.shanghai.constants import MAX_INITCODE_SIZE
from eth_hash.auto import keccak
from eth_typing import Address, BlockNumber, Hash32
from eth_utils import ValidationError, encode_hex

from walton.vm.forks.authority import AuthorityState
from walton.vm.validation import (
    UINT64_MAX,
    UINT256_CEILING,
    InvalidTransaction,
    decode_transaction,
    floor_data_gas,
    intrinsic_gas,
    validate_transaction_fields,
)

logger = logging.getLogger("walton.txpool")

TX_SLOT_SIZE = 32 * 1024
TX_MAX_SIZE = 4 * TX_SLOT_SIZE  # 128 KiB, geth's txMaxSize
TX_GAS = 21000

LEGACY_TX_TYPE = 0
ACCESS_LIST_TX_TYPE = 1
DYNAMIC_FEE_TX_TYPE = 2
BLOB_TX_TYPE = 3
SET_CODE_TX_TYPE = 4
POOL_TX_TYPES = frozenset({LEGACY_TX_TYPE, ACCESS_LIST_TX_TYPE, DYNAMIC_FEE_TX_TYPE, SET_CODE_TX_TYPE})

# geth's messages (core/error.go, core/txpool/errors.go, core/txpool/legacypool, core/types).
ERR_ALREADY_KNOWN = "already known"
ERR_INVALID_SENDER = "invalid sender"
ERR_INVALID_CHAIN_ID = "invalid chain id for signer"
ERR_INVALID_SIG = "invalid transaction v, r, s values"
ERR_UNDERPRICED = "transaction underpriced"
ERR_REPLACE_UNDERPRICED = "replacement transaction underpriced"
ERR_ACCOUNT_LIMIT = "account limit exceeded"
ERR_GAS_LIMIT = "exceeds block gas limit"
ERR_OVERSIZED = "oversized data"
ERR_POOL_FULL = "txpool is full"
ERR_NONCE_TOO_LOW = "nonce too low"
ERR_NONCE_MAX = "nonce has max value"
ERR_INSUFFICIENT_FUNDS = "insufficient funds for gas * price + value"
ERR_INTRINSIC_GAS = "intrinsic gas too low"
ERR_FLOOR_DATA_GAS = "insufficient gas for floor data gas cost"
ERR_TX_TYPE = "transaction type not supported"
ERR_TIP_ABOVE_FEE_CAP = "max priority fee per gas higher than max fee per gas"
ERR_FEE_CAP_VERY_HIGH = "max fee per gas higher than 2^256-1"
ERR_TIP_VERY_HIGH = "max priority fee per gas higher than 2^256-1"
ERR_FEE_CAP_TOO_LOW = "max fee per gas less than block base fee"
ERR_INITCODE_SIZE = "max initcode size exceeded"
ERR_EMPTY_AUTH_LIST = "set code tx must have at least one authorization tuple"


class TxPoolError(ValueError):
    """A transaction the pool refuses; ``str()`` is geth's message for the same refusal."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TxPoolConfig:
    """geth's ``--txpool.*`` settings, with geth's defaults."""

    price_limit: int = 1  # least tip (wei) a transaction must offer
    price_bump: int = 10  # percent a replacement must add to both fee cap and tip
    account_slots: int = 16  # pending transactions an account keeps when the pool trims
    global_slots: int = 4096 + 1024  # slots for pending transactions
    account_queue: int = 64  # queued transactions an account may have
    global_queue: int = 1024  # slots for queued transactions
    lifetime: float = 3 * 3600.0  # seconds a queued transaction may wait


@dataclass(eq=False)
class PooledTransaction:
    transaction: SignedTransactionAPI
    raw: bytes
    hash: Hash32
    sender: Address
    nonce: int
    gas: int
    fee_cap: int
    tip_cap: int
    cost: int
    slots: int
    sequence: int
    added_at: float

    def effective_tip(self, base_fee: int) -> int:
        return min(self.tip_cap, self.fee_cap - base_fee)

    def price_key(self, base_fee: int) -> tuple[int, int]:
        """What makes one transaction pay more than another: effective tip first, then fee cap."""
        return (self.effective_tip(base_fee), self.fee_cap)


def transaction_type(transaction: SignedTransactionAPI) -> int:
    return transaction.type_id or LEGACY_TX_TYPE


def fee_cap_of(transaction: SignedTransactionAPI) -> int:
    if transaction_type(transaction) in (LEGACY_TX_TYPE, ACCESS_LIST_TX_TYPE):
        return int(transaction.gas_price)
    return int(transaction.max_fee_per_gas)


def tip_cap_of(transaction: SignedTransactionAPI) -> int:
    if transaction_type(transaction) in (LEGACY_TX_TYPE, ACCESS_LIST_TX_TYPE):
        return int(transaction.gas_price)
    return int(transaction.max_priority_fee_per_gas)


def _valid_signature_values(transaction: SignedTransactionAPI) -> bool:
    """geth's ``ValidateSignatureValues`` with Homestead's low-s rule."""
    r, s = transaction.r, transaction.s
    if transaction_type(transaction) != LEGACY_TX_TYPE and transaction.y_parity not in (0, 1):
        return False
    return 0 < r < SECPK1_N and 0 < s <= SECPK1_N // 2


def num_slots(size: int) -> int:
    return (size + TX_SLOT_SIZE - 1) // TX_SLOT_SIZE


class BestTransactions(Iterator[SignedTransactionAPI]):
    """Executable transactions, best effective tip first, each sender's in nonce order (geth's miner order).

    A sender whose next transaction pays less than the base fee, or does not fit in the gas left,
    contributes nothing more: its later nonces cannot go before it. ``gas_remaining`` starts at the
    block's gas limit and goes down by each yielded transaction's gas limit; a consumer that
    executes the transactions may set it to what is really left. ``skip_sender`` drops the rest of
    a sender's transactions, for when the one just yielded could not be included.
    """

    def __init__(self, by_sender: dict[Address, list[PooledTransaction]], base_fee: int, gas_limit: int) -> None:
        self.base_fee = base_fee
        self.gas_remaining = gas_limit
        self._queues = {sender: txs for sender, txs in by_sender.items() if txs}
        self._positions = dict.fromkeys(self._queues, 0)
        self._heap: list[tuple[int, int, Address]] = []
        self._skipped: set[Address] = set()
        for sender in self._queues:
            self._push(sender)

    def _push(self, sender: Address) -> None:
        position = self._positions[sender]
        queue = self._queues[sender]
        if position >= len(queue) or sender in self._skipped:
            return
        entry = queue[position]
        if entry.fee_cap < self.base_fee:
            return
        heapq.heappush(self._heap, (-entry.effective_tip(self.base_fee), entry.sequence, sender))

    def skip_sender(self, sender: Address) -> None:
        self._skipped.add(sender)

    def __iter__(self) -> "BestTransactions":
        return self

    def __next__(self) -> SignedTransactionAPI:
        while self._heap and self.gas_remaining >= TX_GAS:
            _, _, sender = heapq.heappop(self._heap)
            if sender in self._skipped:
                continue
            entry = self._queues[sender][self._positions[sender]]
            if entry.gas > self.gas_remaining:
                continue  # does not fit: neither does anything after it from this sender
            self._positions[sender] += 1
            self.gas_remaining -= entry.gas
            self._push(sender)
            return entry.transaction
        raise StopIteration


@dataclass
class _Account:
    transactions: dict[int, PooledTransaction] = field(default_factory=dict)
    last_activity: float = 0.0


class TxPool:
    """Pending and queued transactions of one chain, validated as geth's pool validates them."""

    def __init__(
        self,
        chain: ChainAPI,
        config: TxPoolConfig | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.chain = chain
        self.config = config or TxPoolConfig()
        self.clock = clock
        self.listeners: list[Callable[[SignedTransactionAPI], None]] = []
        self._lock = threading.RLock()
        self._all: dict[Hash32, PooledTransaction] = {}
        self._accounts: dict[Address, _Account] = {}
        self._sequence = itertools.count()
        self._head: BlockHeaderAPI | None = None
        self._state: StateAPI | None = None
        self._next_header: BlockHeaderAPI | None = None

    # -- head and state ----------------------------------------------------------------------

    def _sync_head(self) -> None:
        head = self.chain.get_canonical_head()
        if self._head is None or head.hash != self._head.hash:
            self._reset(head)

    def _head_state(self) -> StateAPI:
        assert self._state is not None
        return self._state

    def _vm_class(self) -> type[VirtualMachineAPI]:
        assert self._head is not None
        return self.chain.get_vm_class_for_block_number(BlockNumber(self._head.block_number + 1))

    def next_base_fee(self) -> int:
        """The base fee of the block built on the head (0 before London)."""
        with self._lock:
            self._sync_head()
            assert self._next_header is not None
            return int(getattr(self._next_header, "base_fee_per_gas", 0) or 0)

    def _reset(self, head: BlockHeaderAPI) -> None:
        """Take a new head: drop stale nonces and transactions the senders can no longer pay for."""
        self._head = head
        self._state = self.chain.get_vm(head).state
        self._next_header = self.chain.create_header_from_parent(head)
        now = self.clock()
        state = self._state
        for sender in list(self._accounts):
            account = self._accounts[sender]
            nonce = state.get_nonce(sender)
            balance = state.get_balance(sender)
            for entry in list(account.transactions.values()):
                if entry.nonce < nonce:
                    self._remove(entry, "stale nonce")
                elif entry.cost > balance:
                    self._remove(entry, "insufficient funds at the new head")
                elif entry.gas > head.gas_limit:
                    self._remove(entry, "exceeds the block gas limit at the new head")
            for entry in self._queued_of(sender):
                if now - entry.added_at > self.config.lifetime:
                    self._remove(entry, "queued for longer than the pool's lifetime")

    # -- bookkeeping -----------------------------------------------------------------------

    def _remove(self, entry: PooledTransaction, reason: str) -> None:
        self._all.pop(entry.hash, None)
        account = self._accounts.get(entry.sender)
        if account is not None and account.transactions.get(entry.nonce) is entry:
            del account.transactions[entry.nonce]
            if not account.transactions:
                del self._accounts[entry.sender]
        logger.debug("Dropped transaction hash=%s reason=%s", encode_hex(entry.hash), reason)

    def _state_nonce(self, sender: Address) -> int:
        return int(self._head_state().get_nonce(sender))

    def _split(self, sender: Address) -> tuple[list[PooledTransaction], list[PooledTransaction]]:
        """A sender's transactions as (pending, queued), each in nonce order."""
        account = self._accounts.get(sender)
        if account is None:
            return [], []
        nonce = self._state_nonce(sender)
        pending: list[PooledTransaction] = []
        while nonce in account.transactions:
            pending.append(account.transactions[nonce])
            nonce += 1
        queued = sorted(
            (entry for entry in account.transactions.values() if entry.nonce >= nonce), key=lambda e: e.nonce
        )
        return pending, queued

    def _pending_of(self, sender: Address) -> list[PooledTransaction]:
        return self._split(sender)[0]

    def _queued_of(self, sender: Address) -> list[PooledTransaction]:
        return self._split(sender)[1]

    def _slots(self) -> int:
        return sum(entry.slots for entry in self._all.values())

    # -- validation ----------------------------------------------------------------------------

    def _decode(self, raw: bytes) -> SignedTransactionAPI:
        if not raw:
            raise TxPoolError("typed transaction too short")
        if raw[0] < 0x80 and raw[0] not in POOL_TX_TYPES:
            if raw[0] == BLOB_TX_TYPE:
                raise TxPoolError(f"{ERR_TX_TYPE}: tx type {BLOB_TX_TYPE} not supported by this pool")
            raise TxPoolError(ERR_TX_TYPE)
        try:
            return decode_transaction(self._vm_class(), raw)
        except InvalidTransaction as exc:
            raise TxPoolError(f"rlp: {exc}") from exc
        except Exception as exc:  # pyrlp and py-evm raise several kinds for undecodable bytes
            raise TxPoolError(f"rlp: invalid transaction encoding: {type(exc).__name__}: {exc}") from exc

    def _validate_basics(self, transaction: SignedTransactionAPI, raw: bytes) -> PooledTransaction:
        """geth's ValidateTransaction: everything that does not depend on the sender's account."""
        assert self._head is not None and self._next_header is not None
        vm_class = self._vm_class()
        tx_type = transaction_type(transaction)
        if tx_type == SET_CODE_TX_TYPE and not issubclass(vm_class, pyevm.PragueVM):
            raise TxPoolError(f"{ERR_TX_TYPE}: type {tx_type} rejected, pool not yet in Prague")
        is_create = transaction.to == CREATE_CONTRACT_ADDRESS
        if is_create and issubclass(vm_class, pyevm.ShanghaiVM) and len(transaction.data) > MAX_INITCODE_SIZE:
            raise TxPoolError(f"{ERR_INITCODE_SIZE}: code size {len(transaction.data)}, limit {MAX_INITCODE_SIZE}")
        if transaction.gas > self._head.gas_limit:
            raise TxPoolError(ERR_GAS_LIMIT)
        fee_cap, tip_cap = fee_cap_of(transaction), tip_cap_of(transaction)
        if fee_cap >= UINT256_CEILING:
            raise TxPoolError(ERR_FEE_CAP_VERY_HIGH)
        if tip_cap >= UINT256_CEILING:
            raise TxPoolError(ERR_TIP_VERY_HIGH)
        if fee_cap < tip_cap:
            raise TxPoolError(ERR_TIP_ABOVE_FEE_CAP)
        chain_id = self.chain.chain_id
        if transaction.chain_id is not None and transaction.chain_id != chain_id:
            raise TxPoolError(
                f"{ERR_INVALID_SENDER}: {ERR_INVALID_CHAIN_ID}: have {transaction.chain_id} want {chain_id}"
            )
        if not _valid_signature_values(transaction):
            raise TxPoolError(f"{ERR_INVALID_SENDER}: {ERR_INVALID_SIG}")
        try:
            transaction.check_signature_validity()
            sender = Address(transaction.sender)
        except Exception as exc:  # a bad signature fails in eth-keys or in py-evm's validation
            raise TxPoolError(f"{ERR_INVALID_SENDER}: {exc}") from exc
        if transaction.nonce >= UINT64_MAX:
            raise TxPoolError(ERR_NONCE_MAX)
        required = intrinsic_gas(vm_class, transaction)
        if transaction.gas < required:
            raise TxPoolError(f"{ERR_INTRINSIC_GAS}: gas {transaction.gas}, minimum needed {required}")
        if issubclass(vm_class, pyevm.PragueVM):
            floor = floor_data_gas(transaction)
            if transaction.gas < floor:
                raise TxPoolError(f"{ERR_FLOOR_DATA_GAS}: gas {transaction.gas}, minimum needed {floor}")
        if tip_cap < self.config.price_limit:
            raise TxPoolError(f"{ERR_UNDERPRICED}: gas tip cap {tip_cap}, minimum needed {self.config.price_limit}")
        if tx_type == SET_CODE_TX_TYPE and not transaction.authorization_list:
            raise TxPoolError(ERR_EMPTY_AUTH_LIST)
        base_fee = getattr(self._next_header, "base_fee_per_gas", None)
        if base_fee is not None and fee_cap < base_fee:
            raise TxPoolError(
                f"{ERR_FEE_CAP_TOO_LOW}: address {encode_hex(sender)}, maxFeePerGas: {fee_cap}, baseFee: {base_fee}"
            )
        try:  # the project's stateless rules and py-evm's own field checks, as a backstop
            validate_transaction_fields(vm_class, transaction, chain_id)
            transaction.validate()
        except (InvalidTransaction, ValidationError) as exc:
            raise TxPoolError(str(exc)) from exc
        return PooledTransaction(
            transaction=transaction,
            raw=raw,
            hash=Hash32(keccak(raw)),
            sender=sender,
            nonce=transaction.nonce,
            gas=transaction.gas,
            fee_cap=fee_cap,
            tip_cap=tip_cap,
            cost=transaction.gas * fee_cap + transaction.value,
            slots=num_slots(len(raw)),
            sequence=next(self._sequence),
            added_at=self.clock(),
        )

    def _validate_with_state(self, entry: PooledTransaction) -> PooledTransaction | None:
        """geth's ValidateTransactionWithState and replacement rule; returns the transaction replaced."""
        state = self._head_state()
        if isinstance(state, AuthorityState):  # permissioned child chains: members only
            refusal = state.sender_refusal(entry.sender)
            if refusal is not None:
                raise TxPoolError(refusal)
        next_nonce = state.get_nonce(entry.sender)
        if next_nonce > entry.nonce:
            raise TxPoolError(f"{ERR_NONCE_TOO_LOW}: next nonce {next_nonce}, tx nonce {entry.nonce}")
        balance = state.get_balance(entry.sender)
        if balance < entry.cost:
            raise TxPoolError(
                f"{ERR_INSUFFICIENT_FUNDS}: balance {balance}, tx cost {entry.cost}, overshot {entry.cost - balance}"
            )
        spent = sum(pending.cost for pending in self._pending_of(entry.sender))
        account = self._accounts.get(entry.sender)
        previous = account.transactions.get(entry.nonce) if account is not None else None
        if previous is not None:
            bump = entry.cost - previous.cost
            if balance < spent + bump:
                raise TxPoolError(
                    f"{ERR_INSUFFICIENT_FUNDS}: balance {balance}, queued cost {spent}, tx bumped {bump}, "
                    f"overshot {spent + bump - balance}"
                )
            self._check_replacement(previous, entry)
        elif balance < spent + entry.cost:
            raise TxPoolError(
                f"{ERR_INSUFFICIENT_FUNDS}: balance {balance}, queued cost {spent}, tx cost {entry.cost}, "
                f"overshot {spent + entry.cost - balance}"
            )
        return previous

    def _check_replacement(self, old: PooledTransaction, new: PooledTransaction) -> None:
        """geth's price bump: both caps strictly higher, and each by at least ``price_bump`` percent."""
        bump = 100 + self.config.price_bump
        if new.fee_cap <= old.fee_cap or new.tip_cap <= old.tip_cap:
            raise TxPoolError(ERR_REPLACE_UNDERPRICED)
        if new.fee_cap < old.fee_cap * bump // 100 or new.tip_cap < old.tip_cap * bump // 100:
            raise TxPoolError(ERR_REPLACE_UNDERPRICED)

    # -- limits ------------------------------------------------------------------------------

    def _make_room(self, entry: PooledTransaction, replaced: PooledTransaction | None) -> None:
        """A full pool evicts its cheapest transactions for a better-paying one (geth's pricedList)."""
        capacity = self.config.global_slots + self.config.global_queue
        freed = replaced.slots if replaced is not None else 0
        if self._slots() - freed + entry.slots <= capacity:
            return
        base_fee = self.next_base_fee()
        candidates = sorted(
            (other for other in self._all.values() if other is not replaced),
            key=lambda other: (other.price_key(base_fee), -other.sequence),
        )
        if not candidates or entry.price_key(base_fee) <= candidates[0].price_key(base_fee):
            raise TxPoolError(ERR_UNDERPRICED)
        needed = self._slots() - freed + entry.slots - capacity
        victims: list[PooledTransaction] = []
        for other in candidates:
            if needed <= 0:
                break
            if other.price_key(base_fee) >= entry.price_key(base_fee):
                break
            victims.append(other)
            needed -= other.slots
        if needed > 0:
            raise TxPoolError(ERR_POOL_FULL)
        for victim in victims:
            self._remove(victim, "evicted by a better-paying transaction")

    def _enforce_limits(self, entry: PooledTransaction) -> None:
        """Per-account queue, global queue and global pending limits, as geth's promote/truncate steps."""
        queued = self._queued_of(entry.sender)
        while len(queued) > self.config.account_queue:
            self._remove(queued.pop(), "account queue limit")
        pending_by_sender = {sender: self._pending_of(sender) for sender in self._accounts}
        total_pending = sum(entry.slots for txs in pending_by_sender.values() for entry in txs)
        while total_pending > self.config.global_slots:
            sender = max(pending_by_sender, key=lambda s: len(pending_by_sender[s]))
            txs = pending_by_sender[sender]
            if len(txs) <= self.config.account_slots:
                break
            victim = txs.pop()
            total_pending -= victim.slots
            self._remove(victim, "pending limit")
        total_queued = sum(entry.slots for sender in self._accounts for entry in self._queued_of(sender))
        while total_queued > self.config.global_queue:
            senders = [sender for sender in self._accounts if self._queued_of(sender)]
            oldest = min(senders, key=lambda s: self._accounts[s].last_activity)
            victim = self._queued_of(oldest)[-1]
            total_queued -= victim.slots
            self._remove(victim, "global queue limit")

    # -- public API --------------------------------------------------------------------------

    def add(self, raw: bytes) -> Hash32:
        """Validate and pool a raw transaction; its hash, or ``TxPoolError`` with geth's message."""
        raw = bytes(raw)
        with self._lock:
            self._sync_head()
            if len(raw) > TX_MAX_SIZE:
                raise TxPoolError(f"{ERR_OVERSIZED}: transaction size {len(raw)}, limit {TX_MAX_SIZE}")
            if Hash32(keccak(raw)) in self._all:
                raise TxPoolError(ERR_ALREADY_KNOWN)
            transaction = self._decode(raw)
            entry = self._validate_basics(transaction, raw)
            replaced = self._validate_with_state(entry)
            self._make_room(entry, replaced)
            if replaced is not None:
                self._remove(replaced, f"replaced by {encode_hex(entry.hash)}")
            self._all[entry.hash] = entry
            account = self._accounts.setdefault(entry.sender, _Account())
            account.transactions[entry.nonce] = entry
            account.last_activity = entry.added_at
            self._enforce_limits(entry)
            if entry.hash not in self._all:
                raise TxPoolError(f"{ERR_ACCOUNT_LIMIT}: pooled {len(self._queued_of(entry.sender))} queued txs")
        logger.debug("Pooled transaction hash=%s sender=%s nonce=%d", encode_hex(entry.hash), entry.sender, entry.nonce)
        for listener in self.listeners:
            listener(transaction)
        return entry.hash

    def get(self, transaction_hash: Hash32) -> SignedTransactionAPI | None:
        with self._lock:
            entry = self._all.get(transaction_hash)
            return entry.transaction if entry is not None else None

    def get_raw(self, transaction_hash: Hash32) -> bytes | None:
        with self._lock:
            entry = self._all.get(transaction_hash)
            return entry.raw if entry is not None else None

    def __contains__(self, transaction_hash: object) -> bool:
        with self._lock:
            return transaction_hash in self._all

    def __len__(self) -> int:
        with self._lock:
            return len(self._all)

    def nonce_for(self, address: Address) -> int:
        """The next nonce of ``address`` counting its pending transactions (eth_getTransactionCount "pending")."""
        with self._lock:
            self._sync_head()
            return self._state_nonce(address) + len(self._pending_of(address))

    def pending(self) -> dict[Address, list[SignedTransactionAPI]]:
        """Executable transactions by sender, each list in nonce order from the account nonce."""
        with self._lock:
            self._sync_head()
            result = {sender: [e.transaction for e in self._pending_of(sender)] for sender in self._accounts}
            return {sender: txs for sender, txs in result.items() if txs}

    def queued(self) -> dict[Address, list[SignedTransactionAPI]]:
        """Transactions waiting for a nonce gap to close, by sender, in nonce order."""
        with self._lock:
            self._sync_head()
            result = {sender: [e.transaction for e in self._queued_of(sender)] for sender in self._accounts}
            return {sender: txs for sender, txs in result.items() if txs}

    def pending_count(self) -> int:
        with self._lock:
            self._sync_head()
            return sum(len(self._pending_of(sender)) for sender in self._accounts)

    def queued_count(self) -> int:
        with self._lock:
            self._sync_head()
            return sum(len(self._queued_of(sender)) for sender in self._accounts)

    def best_transactions(
        self, base_fee: int | BlockHeaderAPI | None = None, gas_limit: int | None = None
    ) -> BestTransactions:
        """Pending transactions for a block: by effective tip at ``base_fee``, senders' nonces in order.

        ``base_fee`` may be the parent header of the block to build instead of a number: the base fee
        and gas limit are then those of the block built on it. Without either, the block on the head.
        """
        with self._lock:
            self._sync_head()
            if base_fee is None or not isinstance(base_fee, int):
                parent = base_fee if base_fee is not None else self._head
                assert parent is not None
                header = self.chain.create_header_from_parent(parent)
                base_fee = int(getattr(header, "base_fee_per_gas", 0) or 0)
                if gas_limit is None:
                    gas_limit = header.gas_limit
            if gas_limit is None:
                assert self._next_header is not None
                gas_limit = self._next_header.gas_limit
            by_sender = {sender: self._pending_of(sender) for sender in self._accounts}
            return BestTransactions(by_sender, base_fee, gas_limit)

    def drop(self, transaction_hash: Hash32, reason: str = "dropped") -> bool:
        """Remove one transaction (the miner found it invalid); its sender's later nonces become queued."""
        with self._lock:
            entry = self._all.get(transaction_hash)
            if entry is None:
                return False
            self._remove(entry, reason)
            return True

    def remove_included(self, block: BlockAPI) -> None:
        """Forget the block's transactions, then re-validate the rest against the new head."""
        with self._lock:
            for transaction in block.transactions:
                entry = self._all.get(transaction.hash)
                if entry is not None:
                    self._remove(entry, f"included in block {block.number}")
            self._reset(self.chain.get_canonical_head())
