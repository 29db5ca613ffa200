"""Events the node's processes exchange over the lahja bus."""

from dataclasses import dataclass
from typing import Any

from lahja import BaseEvent, BaseRequestResponseEvent


@dataclass
class RpcResponse(BaseEvent):
    """A method's JSON-ready result, or a JSON-RPC error object (``code``, ``message``, ``data``)."""

    result: Any = None
    error: dict[str, Any] | None = None


@dataclass
class RpcRequest(BaseRequestResponseEvent[RpcResponse]):
    """One JSON-RPC call, forwarded by the RPC process to the chain process that answers it."""

    method: str
    params: Any

    @staticmethod
    def expected_response_type() -> type[RpcResponse]:
        return RpcResponse


# -- subscriptions (eth_subscribe over WebSocket) ---------------------------------------------------
#
# The RPC process tells the chain process which feeds its subscriptions need (``FeedDemand``, a
# request, so a feed is on before eth_subscribe answers); the chain process broadcasts only those,
# and only while an endpoint is subscribed to the event on the bus.

FEED_HEADS = "newHeads"  # NewCanonicalBlock.header
FEED_LOGS = "logs"  # NewCanonicalBlock.logs and .removed_logs
FEED_PENDING = "newPendingTransactions"  # NewPendingTransaction.hash
FEED_PENDING_FULL = "newPendingTransactions:full"  # NewPendingTransaction.transaction


@dataclass
class FeedDemandAck(BaseEvent):
    """``listening``: the chain process sees the RPC process subscribed to the feed events on the bus."""

    listening: bool


@dataclass
class FeedDemand(BaseRequestResponseEvent[FeedDemandAck]):
    """The feeds (``FEED_*``) the RPC process's subscriptions need now; replaces the previous demand."""

    feeds: frozenset[str]

    @staticmethod
    def expected_response_type() -> type[FeedDemandAck]:
        return FeedDemandAck


@dataclass
class NewCanonicalBlock(BaseEvent):
    """A block became canonical (one event per block, in chain order).

    ``header`` is geth's newHeads object (eth_getBlockByNumber's fields without the body: no size,
    transactions or uncles), None unless FEED_HEADS is demanded. ``logs`` are the block's logs as
    eth_getLogs gives them and ``removed_logs`` those of the blocks this one's import took off the
    canonical chain (``"removed": true``, oldest block first), both empty unless FEED_LOGS is demanded.
    """

    number: int
    header: dict[str, Any] | None
    logs: list[dict[str, Any]]
    removed_logs: list[dict[str, Any]]


@dataclass
class NewPendingTransaction(BaseEvent):
    """A transaction entered the pool: its hash, and its eth_getTransactionByHash object when
    FEED_PENDING_FULL is demanded."""

    hash: str
    transaction: dict[str, Any] | None = None
