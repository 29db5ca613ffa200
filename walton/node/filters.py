"""Log, block and pending-transaction filters (eth_newFilter and friends) and eth_getLogs.

A filter collects what happened since it was last polled: new block hashes, new pending
transaction hashes, or the logs of new blocks that match its criteria. Filters nobody polls for
five minutes are removed (geth's timeout). ``find_logs`` answers eth_getLogs: it walks the block
range, skips blocks whose header bloom rules out a match, and reads receipts only for the rest.

Criteria are geth's: ``address`` one address or a list (any of them), ``topics`` by position with
``null`` as a wildcard and a list as "any of these", and either a block range (``fromBlock`` and
``toBlock``: a hex number or "earliest", "latest", "pending", "safe", "finalized") or one
``blockHash``. This node has no pending block and no finality gadget, so "pending", "safe" and
"finalized" are the head.
"""

import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth.abc import BlockAPI, BlockHeaderAPI, ChainAPI, ReceiptAPI
from eth.exceptions import BlockNotFound, HeaderNotFound
from eth_bloom import BloomFilter
from eth_typing import Address, BlockNumber, Hash32
from eth_utils import encode_hex

from walton.node.rpc.errors import InvalidArgument, LimitExceeded, ServerError

FILTER_TIMEOUT = 5 * 60.0  # seconds, geth's filter deadline
MAX_BLOCK_RANGE = 10_000
MAX_TOPICS = 4
BLOCK_TAGS = frozenset({"earliest", "latest", "pending", "safe", "finalized"})

BlockSpec = int | str  # a block number or one of BLOCK_TAGS
TopicFilter = tuple[Hash32, ...] | None  # None matches any topic in its position


class FilterNotFound(ServerError):
    def __init__(self) -> None:
        super().__init__("filter not found")


class InvalidBlockRange(ServerError):
    def __init__(self) -> None:
        super().__init__("invalid block range params")


class UnknownBlock(ServerError):
    def __init__(self) -> None:
        super().__init__("unknown block")


_HEX = re.compile(r"^0x[0-9a-fA-F]*$")


def _hex_bytes(value: Any, length: int, what: str, index: int) -> bytes:
    if not isinstance(value, str):
        raise InvalidArgument(index, f"{what} must be a hex string, got {type(value).__name__}")
    if not value.startswith(("0x", "0X")):
        raise InvalidArgument(index, f"{what}: hex string without 0x prefix")
    if not _HEX.match("0x" + value[2:]):
        raise InvalidArgument(index, f"{what}: invalid hex string")
    if len(value) - 2 != 2 * length:
        raise InvalidArgument(index, f"{what}: hex string has length {len(value) - 2}, want {2 * length}")
    return bytes.fromhex(value[2:])


def parse_block_spec(value: Any, what: str, index: int) -> BlockSpec:
    """A block number (hex quantity) or tag, as geth's ``rpc.BlockNumber`` decodes it."""
    if not isinstance(value, str):
        raise InvalidArgument(index, f"{what} must be a hex number or a block tag, got {type(value).__name__}")
    if value in BLOCK_TAGS:
        return value
    if not value.startswith(("0x", "0X")):
        raise InvalidArgument(index, f"{what}: hex string without 0x prefix")
    digits = value[2:]
    if not digits:
        raise InvalidArgument(index, f'{what}: hex string "0x"')
    if not re.fullmatch(r"[0-9a-fA-F]+", digits):
        raise InvalidArgument(index, f"{what}: invalid hex string")
    if len(digits) > 1 and digits[0] == "0":
        raise InvalidArgument(index, f"{what}: hex number with leading zero digits")
    number = int(digits, 16)
    if number >= 2**63:
        raise InvalidArgument(index, f"{what}: block number larger than int64")
    return number


@dataclass(frozen=True)
class LogCriteria:
    """What a log filter or eth_getLogs matches (geth's ``FilterCriteria``)."""

    from_block: BlockSpec | None = None
    to_block: BlockSpec | None = None
    block_hash: Hash32 | None = None
    addresses: tuple[Address, ...] = ()
    topics: tuple[TopicFilter, ...] = ()

    def matches(self, address: bytes, topics: Sequence[bytes]) -> bool:
        """geth's rule: a log with fewer topics than the filter has positions never matches, wildcards or not."""
        if self.addresses and address not in self.addresses:
            return False
        if len(self.topics) > len(topics):
            return False
        for wanted, topic in zip(self.topics, topics, strict=False):
            if wanted is not None and topic not in wanted:
                return False
        return True

    def bloom_may_match(self, bloom: int) -> bool:
        """False when the header bloom proves no log of the block matches."""
        bloom_filter = BloomFilter(bloom)
        if self.addresses and not any(address in bloom_filter for address in self.addresses):
            return False
        for wanted in self.topics:
            if wanted is not None and not any(topic in bloom_filter for topic in wanted):
                return False
        return True


FILTER_KEYS = frozenset({"fromBlock", "toBlock", "blockHash", "address", "topics"})


def parse_log_criteria(obj: Any, index: int = 0) -> LogCriteria:
    """A filter object from JSON-RPC params, with geth's errors (-32602) for what does not decode."""
    if obj is None:
        obj = {}
    if not isinstance(obj, dict):
        raise InvalidArgument(index, f"filter must be an object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - FILTER_KEYS)
    if unknown:
        raise InvalidArgument(index, f"unknown field {unknown[0]!r} in filter")
    block_hash = None
    if obj.get("blockHash") is not None:
        if obj.get("fromBlock") is not None or obj.get("toBlock") is not None:
            raise InvalidArgument(index, "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other")
        block_hash = Hash32(_hex_bytes(obj["blockHash"], 32, "blockHash", index))
    from_block = parse_block_spec(obj["fromBlock"], "fromBlock", index) if obj.get("fromBlock") is not None else None
    to_block = parse_block_spec(obj["toBlock"], "toBlock", index) if obj.get("toBlock") is not None else None
    raw_addresses = obj.get("address")
    addresses: tuple[Address, ...] = ()
    if isinstance(raw_addresses, list):
        addresses = tuple(
            Address(_hex_bytes(item, 20, f"address at index {position}", index))
            for position, item in enumerate(raw_addresses)
        )
    elif raw_addresses is not None:
        addresses = (Address(_hex_bytes(raw_addresses, 20, "address", index)),)
    raw_topics = obj.get("topics")
    topics: list[TopicFilter] = []
    if raw_topics is not None:
        if not isinstance(raw_topics, list):
            raise InvalidArgument(index, "topics must be an array")
        if len(raw_topics) > MAX_TOPICS:
            raise InvalidArgument(index, f"exceed max topics: {len(raw_topics)} > {MAX_TOPICS}")
        for position, topic in enumerate(raw_topics):
            if topic is None:
                topics.append(None)
            elif isinstance(topic, list):
                if not topic or any(item is None for item in topic):
                    topics.append(None)  # geth: an empty or null-containing OR-list matches anything
                else:
                    topics.append(tuple(Hash32(_hex_bytes(item, 32, f"topic {position}", index)) for item in topic))
            else:
                topics.append((Hash32(_hex_bytes(topic, 32, f"topic {position}", index)),))
    return LogCriteria(from_block, to_block, block_hash, addresses, tuple(topics))


@dataclass(frozen=True)
class LogEntry:
    address: Address
    topics: tuple[Hash32, ...]
    data: bytes
    block_number: int
    block_hash: Hash32
    block_timestamp: int
    transaction_hash: Hash32
    transaction_index: int
    log_index: int

    def to_json(self) -> dict[str, Any]:
        return {
            "address": encode_hex(self.address),
            "topics": [encode_hex(topic) for topic in self.topics],
            "data": encode_hex(self.data),
            "blockNumber": hex(self.block_number),
            "transactionHash": encode_hex(self.transaction_hash),
            "transactionIndex": hex(self.transaction_index),
            "blockHash": encode_hex(self.block_hash),
            "blockTimestamp": hex(self.block_timestamp),
            "logIndex": hex(self.log_index),
            "removed": False,
        }


def logs_of_receipts(
    header: BlockHeaderAPI, transaction_hashes: Sequence[Hash32], receipts: Sequence[ReceiptAPI]
) -> list[LogEntry]:
    """Every log of a block, with its position in the block and in its transaction."""
    entries = []
    log_index = 0
    for transaction_index, (transaction_hash, receipt) in enumerate(zip(transaction_hashes, receipts, strict=True)):
        for log in receipt.logs:
            entries.append(
                LogEntry(
                    address=Address(log.address),
                    topics=tuple(Hash32(topic.to_bytes(32, "big")) for topic in log.topics),
                    data=bytes(log.data),
                    block_number=header.block_number,
                    block_hash=header.hash,
                    block_timestamp=header.timestamp,
                    transaction_hash=transaction_hash,
                    transaction_index=transaction_index,
                    log_index=log_index,
                )
            )
            log_index += 1
    return entries


def block_logs(chain: ChainAPI, header: BlockHeaderAPI) -> list[LogEntry]:
    """The logs of a stored block, read from its receipts."""
    vm_class = chain.get_vm_class(header)
    receipts = chain.chaindb.get_receipts(header, vm_class.get_receipt_builder())
    hashes = chain.chaindb.get_block_transaction_hashes(header)
    return logs_of_receipts(header, hashes, receipts)


def resolve_block_spec(chain: ChainAPI, spec: BlockSpec | None) -> int:
    """A filter's block number: tags resolve against the head (no pending block, no finality)."""
    if spec is None or (isinstance(spec, str) and spec != "earliest"):
        return int(chain.get_canonical_head().block_number)
    if spec == "earliest":
        return 0
    return int(spec)


def find_logs(
    chain: ChainAPI, criteria: LogCriteria | dict[str, Any], max_block_range: int = MAX_BLOCK_RANGE
) -> list[dict[str, Any]]:
    """eth_getLogs: the logs matching ``criteria`` (parsed, or a filter object), as JSON-RPC log objects.

    At most ``max_block_range`` blocks are searched; a larger range is a -32005 error, so one call
    cannot make the node read receipts for the whole chain.
    """
    if not isinstance(criteria, LogCriteria):
        criteria = parse_log_criteria(criteria)
    if criteria.block_hash is not None:
        try:
            header = chain.get_block_header_by_hash(criteria.block_hash)
        except HeaderNotFound:
            raise UnknownBlock() from None
        return [entry.to_json() for entry in _matching(chain, criteria, (header,))]
    head = int(chain.get_canonical_head().block_number)
    begin = resolve_block_spec(chain, criteria.from_block)
    end = resolve_block_spec(chain, criteria.to_block)
    if begin > end:
        raise InvalidBlockRange()
    if begin > head:
        return []
    end = min(end, head)
    if end - begin + 1 > max_block_range:
        raise LimitExceeded(f"query exceeds max block range {max_block_range}")
    headers = (chain.get_canonical_block_header_by_number(BlockNumber(number)) for number in range(begin, end + 1))
    return [entry.to_json() for entry in _matching(chain, criteria, headers)]


def _matching(chain: ChainAPI, criteria: LogCriteria, headers: Iterable[BlockHeaderAPI]) -> Iterable[LogEntry]:
    for header in headers:
        if not criteria.bloom_may_match(header.bloom):
            continue
        try:
            entries = block_logs(chain, header)
        except (BlockNotFound, HeaderNotFound, KeyError):
            continue
        yield from (entry for entry in entries if criteria.matches(entry.address, entry.topics))


def new_filter_id() -> str:
    """geth's ``rpc.NewID``: 16 random bytes in hex, leading zeros trimmed."""
    digits = secrets.token_hex(16).lstrip("0") or "0"
    return "0x" + digits


@dataclass
class _Filter:
    kind: str  # "logs", "blocks" or "transactions"
    deadline: float
    criteria: LogCriteria | None = None
    changes: list[Any] = field(default_factory=list)


class FilterManager:
    """The installed filters of one node and what each has collected since it was last polled."""

    def __init__(
        self, chain: ChainAPI, timeout: float = FILTER_TIMEOUT, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.chain = chain
        self.timeout = timeout
        self.clock = clock
        self._filters: dict[str, _Filter] = {}
        self._lock = threading.RLock()

    def __len__(self) -> int:
        with self._lock:
            self.prune()
            return len(self._filters)

    def prune(self) -> None:
        """Remove the filters not polled within the timeout."""
        now = self.clock()
        with self._lock:
            for filter_id in [fid for fid, f in self._filters.items() if f.deadline <= now]:
                del self._filters[filter_id]

    def _install(self, kind: str, criteria: LogCriteria | None = None) -> str:
        with self._lock:
            self.prune()
            filter_id = new_filter_id()
            while filter_id in self._filters:
                filter_id = new_filter_id()
            self._filters[filter_id] = _Filter(kind, self.clock() + self.timeout, criteria)
            return filter_id

    def _get(self, filter_id: str) -> _Filter:
        self.prune()
        found = self._filters.get(filter_id) if isinstance(filter_id, str) else None
        if found is None:
            raise FilterNotFound()
        return found

    def new_filter(self, criteria: LogCriteria | dict[str, Any] | None) -> str:
        """A log filter: ``get_changes`` returns the matching logs of blocks imported from now on."""
        if not isinstance(criteria, LogCriteria):
            criteria = parse_log_criteria(criteria)
        return self._install("logs", criteria)

    def new_block_filter(self) -> str:
        return self._install("blocks")

    def new_pending_transaction_filter(self) -> str:
        return self._install("transactions")

    def get_changes(self, filter_id: str) -> list[Any]:
        """What the filter collected since the last poll (log objects, or block or transaction hashes)."""
        with self._lock:
            found = self._get(filter_id)
            changes, found.changes = found.changes, []
            found.deadline = self.clock() + self.timeout
            return changes

    def get_filter_logs(self, filter_id: str) -> list[dict[str, Any]]:
        """Every log matching a log filter's criteria, as eth_getLogs would return them."""
        with self._lock:
            found = self._get(filter_id)
            if found.criteria is None:
                raise FilterNotFound()
            criteria = found.criteria
        return find_logs(self.chain, criteria)

    def uninstall(self, filter_id: str) -> bool:
        with self._lock:
            self.prune()
            return self._filters.pop(filter_id, None) is not None

    def on_new_block(self, block: BlockAPI, receipts: Sequence[ReceiptAPI]) -> None:
        """A block became canonical: block filters get its hash, log filters its matching logs."""
        with self._lock:
            self.prune()
            if not self._filters:
                return
            header = block.header
            entries: list[LogEntry] | None = None
            for found in self._filters.values():
                if found.kind == "blocks":
                    found.changes.append(encode_hex(header.hash))
                elif found.kind == "logs" and found.criteria is not None:
                    criteria = found.criteria
                    if not _in_live_range(criteria, header.block_number):
                        continue
                    if entries is None:
                        hashes = [transaction.hash for transaction in block.transactions]
                        entries = logs_of_receipts(header, hashes, receipts)
                    found.changes.extend(
                        entry.to_json() for entry in entries if criteria.matches(entry.address, entry.topics)
                    )

    def on_new_pending_transaction(self, transaction_hash: Hash32) -> None:
        with self._lock:
            self.prune()
            for found in self._filters.values():
                if found.kind == "transactions":
                    found.changes.append(encode_hex(transaction_hash))


def _in_live_range(criteria: LogCriteria, number: int) -> bool:
    """A log filter's numeric bounds apply to new blocks too; tags (and a block hash) do not bound them."""
    if criteria.block_hash is not None:
        return False
    if isinstance(criteria.from_block, int) and number < criteria.from_block:
        return False
    return not (isinstance(criteria.to_block, int) and number > criteria.to_block)
