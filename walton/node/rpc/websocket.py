"""JSON-RPC over WebSocket (geth's ``--ws``): wsproto over trio streams, and eth_subscribe.

Each text or binary message is one JSON-RPC body, answered by ``handle_body`` as an HTTP body is
(same envelopes, batch limit and errors; responses are text messages). A message larger than the
request size limit closes its connection with 1009 "message too big"; a frame that breaks the
WebSocket protocol closes it with wsproto's code (1002, or 1007 for text that is not UTF-8).
Pings are answered; a connection quiet for PING_INTERVAL seconds is pinged, and dropped when
nothing comes back within PONG_TIMEOUT (a client that vanished). A close frame is answered.

A connection writes from its own queue in its own task, so nothing waits for a slow client: one
that lets OUTBOX_LIMIT messages pile up, or takes more than SEND_TIMEOUT to take one, is
disconnected. Requests of one connection run concurrently (at most CONCURRENT_CALLS), as geth's do.

Browsers' pages may only connect from geth's default origins (``http://localhost`` and
``http://HOSTNAME``, any port); clients that send no Origin header, as non-browser clients do, are
not checked.

Subscriptions, as geth's: ``eth_subscribe("newHeads")`` (headers), ``eth_subscribe("logs",
criteria)`` (each matching log of each new canonical block, and logs of blocks a reorganisation
removed with ``"removed": true``), ``eth_subscribe("newPendingTransactions"[, true])`` (hashes, or
transaction objects). The chain process broadcasts what the subscriptions need over the bus
(``walton.node.events``); ``SubscriptionHub`` tells it which feeds are needed and hands each
subscriber its notifications, ``{"jsonrpc":"2.0","method":"eth_subscription","params":
{"subscription":ID,"result":...}}``. No notification comes before its eth_subscribe response, and
a connection's subscriptions end with it.
"""

import contextlib
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import h11
import trio
from eth_typing import Address, Hash32
from wsproto import ConnectionType, WSConnection
from wsproto.connection import ConnectionState
from wsproto.events import (
    AcceptConnection,
    BytesMessage,
    CloseConnection,
    Event,
    Ping,
    RejectConnection,
    RejectData,
    Request,
    TextMessage,
)
from wsproto.frame_protocol import CloseReason
from wsproto.utilities import LocalProtocolError, RemoteProtocolError

from walton.node.events import (
    FEED_HEADS,
    FEED_LOGS,
    FEED_PENDING,
    FEED_PENDING_FULL,
    NewCanonicalBlock,
    NewPendingTransaction,
    RpcResponse,
)
from walton.node.filters import InvalidBlockRange, LogCriteria, new_filter_id, parse_log_criteria
from walton.node.rpc.errors import (
    METHOD_NOT_FOUND,
    InternalError,
    InvalidArgument,
    InvalidParams,
    RPCError,
    ServerError,
)
from walton.node.rpc.server import (
    READ_CHUNK,
    Call,
    ServerLimits,
    SubscriptionNotFound,
    handle_body,
    is_subscribe,
    is_unsubscribe,
    json_type,
    serve_tcp,
    unsubscribe_id,
)

logger = logging.getLogger("walton.rpc")

HANDSHAKE_TIMEOUT = 10.0
PING_INTERVAL = 30.0  # geth's wsPingInterval
PONG_TIMEOUT = 30.0  # geth's wsPongTimeout
SEND_TIMEOUT = 10.0  # one message to one client
CLOSE_TIMEOUT = 2.0  # the closing handshake, then the socket is closed regardless
OUTBOX_LIMIT = 4096  # messages waiting for one client
CONCURRENT_CALLS = 16  # requests of one connection in progress at once
MAX_SUBSCRIPTIONS = 1024  # per connection
MAX_DRAIN_BYTES = 8 * 1024 * 1024  # read while waiting for the peer's close frame

SUBSCRIPTION_KINDS = ("newHeads", "logs", "newPendingTransactions")

SetDemand = Callable[[frozenset[str]], Awaitable[None]]


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def notification(subscription_id: str, result_json: str) -> str:
    """geth's notification envelope around an already-serialised result."""
    return (
        '{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":'
        + json.dumps(subscription_id)
        + ',"result":'
        + result_json
        + "}}"
    )


# -- subscriptions ------------------------------------------------------------------------------


@dataclass(eq=False)
class Subscription:
    id: str
    kind: str  # one of SUBSCRIPTION_KINDS
    connection: "WsConnection"
    criteria: LogCriteria | None = None  # logs
    full: bool = False  # newPendingTransactions: transaction objects instead of hashes
    # Notifications held until the eth_subscribe response is queued; None once it is.
    held: list[str] | None = field(default_factory=list)

    def feeds(self) -> frozenset[str]:
        if self.kind == "newHeads":
            return frozenset({FEED_HEADS})
        if self.kind == "logs":
            return frozenset({FEED_LOGS})
        return frozenset({FEED_PENDING, FEED_PENDING_FULL} if self.full else {FEED_PENDING})

    def notify(self, result_json: str) -> None:
        payload = notification(self.id, result_json)
        if self.held is None:
            self.connection.send_message(payload)
        elif len(self.held) < OUTBOX_LIMIT:
            self.held.append(payload)
        else:
            self.connection.overflow()

    def activate(self) -> None:
        held, self.held = self.held or [], None
        for payload in held:
            self.connection.send_message(payload)

    def matches_log(self, number: int, address: bytes, topics: tuple[bytes, ...]) -> bool:
        """geth's live log filter: addresses, topics, and numeric fromBlock/toBlock bounds."""
        criteria = self.criteria
        if criteria is None:
            return False
        if isinstance(criteria.from_block, int) and number < criteria.from_block:
            return False
        if isinstance(criteria.to_block, int) and number > criteria.to_block:
            return False
        return criteria.matches(address, topics)


def _check_live_range(criteria: LogCriteria) -> None:
    """geth's ``SubscribeLogs``: new logs from now on, or within a numeric range, never pending ones.
    (A ``blockHash`` is not a bound there: geth ignores it in a subscription, and so does this.)"""

    def bound(value: int | str | None) -> int | str:
        return "latest" if value is None else value

    begin, end = bound(criteria.from_block), bound(criteria.to_block)
    if "pending" in (begin, end):
        raise ServerError("pending logs are not supported")
    if begin == "latest" and end == "latest":
        return
    if isinstance(begin, int) and (end == "latest" or (isinstance(end, int) and end >= begin)):
        return
    raise InvalidBlockRange()


def parse_subscription(method: str, params: Any) -> tuple[str, LogCriteria | None, bool]:
    """(kind, log criteria, full transactions) of an ``*_subscribe`` call, with geth's errors."""
    if not isinstance(params, list):
        raise InvalidParams("non-array args")
    if not params or not isinstance(params[0], str):
        raise InvalidParams("expected subscription name as first argument")
    name, args = params[0], params[1:]
    namespace = method.split("_", 1)[0]
    if namespace != "eth" or name not in SUBSCRIPTION_KINDS:
        raise _NoSuchSubscription(name, namespace)
    if name == "newHeads":
        if args:
            raise InvalidParams("too many arguments, want at most 1")
        return name, None, False
    if len(args) > 1:
        raise InvalidParams("too many arguments, want at most 2")
    if name == "logs":
        if not args:
            raise InvalidParams("missing value for required argument 1")
        criteria = parse_log_criteria(args[0], 1)
        _check_live_range(criteria)
        return name, criteria, False
    full = args[0] if args else None
    if full is not None and not isinstance(full, bool):
        raise InvalidArgument(1, f"json: cannot unmarshal {json_type(full)} into Go value of type bool")
    return name, None, bool(full)


class _NoSuchSubscription(RPCError):
    code = METHOD_NOT_FOUND

    def __init__(self, name: str, namespace: str) -> None:
        super().__init__(f"no {json.dumps(name)} subscription in {namespace} namespace")


@dataclass
class _Log:
    """A log of a NewCanonicalBlock event, decoded once for matching, serialised once for sending."""

    obj: dict[str, Any]
    number: int
    address: Address
    topics: tuple[Hash32, ...]
    _json: str | None = None

    @classmethod
    def of(cls, obj: dict[str, Any]) -> "_Log":
        address = Address(bytes.fromhex(obj["address"][2:]))
        topics = tuple(Hash32(bytes.fromhex(topic[2:])) for topic in obj["topics"])
        return cls(obj, int(obj["blockNumber"], 16), address, topics)

    def serialised(self) -> str:
        if self._json is None:
            self._json = compact_json(self.obj)
        return self._json


class SubscriptionHub:
    """Every WebSocket subscription of the RPC process, and the feeds they need from the chain process.

    ``set_demand`` tells the chain process which feeds (``FEED_*``) to broadcast; a new subscription
    waits for it, so nothing it should see is broadcast without it. ``on_block`` and ``on_pending``
    take the bus events and never wait: a subscriber's notifications go to its connection's queue.
    """

    def __init__(self, set_demand: SetDemand) -> None:
        self._set_demand = set_demand
        self._subscriptions: dict[str, Subscription] = {}
        self._demand_sent: frozenset[str] = frozenset()
        self._demand_lock = trio.Lock()
        self._demand_dropped = trio.Event()

    def __len__(self) -> int:
        return len(self._subscriptions)

    def demand(self) -> frozenset[str]:
        return frozenset().union(*(subscription.feeds() for subscription in self._subscriptions.values()))

    async def sync_demand(self) -> None:
        async with self._demand_lock:
            wanted = self.demand()
            if wanted != self._demand_sent:
                await self._set_demand(wanted)
                self._demand_sent = wanted

    async def run(self) -> None:
        """Withdraw the demand for feeds nobody needs any more (after unsubscriptions and closed sockets)."""
        while True:
            await self._demand_dropped.wait()
            self._demand_dropped = trio.Event()
            try:
                await self.sync_demand()
            except Exception as exc:
                logger.warning("Could not update the subscription feeds: %s", exc)

    async def subscribe(self, connection: "WsConnection", method: str, params: Any) -> Subscription:
        kind, criteria, full = parse_subscription(method, params)
        if len(connection.subscriptions) >= MAX_SUBSCRIPTIONS:
            raise ServerError(f"too many subscriptions on this connection (limit {MAX_SUBSCRIPTIONS})")
        subscription_id = new_filter_id()
        while subscription_id in self._subscriptions:
            subscription_id = new_filter_id()
        subscription = Subscription(subscription_id, kind, connection, criteria, full)
        self._subscriptions[subscription_id] = subscription
        connection.subscriptions.add(subscription_id)
        try:
            await self.sync_demand()
        except Exception as exc:
            self._remove(subscription_id)
            logger.warning("Could not switch on the %s feed: %s", kind, exc)
            raise InternalError(f"could not start the subscription: {exc or type(exc).__name__}") from exc
        except BaseException:
            self._remove(subscription_id)
            raise
        logger.debug("New %s subscription id=%s", kind, subscription_id)
        return subscription

    def _remove(self, subscription_id: str) -> None:
        subscription = self._subscriptions.pop(subscription_id, None)
        if subscription is not None:
            subscription.connection.subscriptions.discard(subscription_id)
            self._demand_dropped.set()

    def unsubscribe(self, connection: "WsConnection", subscription_id: str) -> bool:
        """geth: only the connection that made a subscription can end it."""
        if subscription_id not in connection.subscriptions:
            raise SubscriptionNotFound()
        self._remove(subscription_id)
        return True

    def drop(self, connection: "WsConnection") -> None:
        for subscription_id in list(connection.subscriptions):
            self._remove(subscription_id)

    def _of_kind(self, kind: str) -> list[Subscription]:
        return [subscription for subscription in self._subscriptions.values() if subscription.kind == kind]

    def on_block(self, event: NewCanonicalBlock) -> None:
        try:
            if event.header is not None:
                heads = self._of_kind("newHeads")
                if heads:
                    header_json = compact_json(event.header)
                    for subscription in heads:
                        subscription.notify(header_json)
            log_subscriptions = self._of_kind("logs")
            if log_subscriptions and (event.logs or event.removed_logs):
                logs = [_Log.of(obj) for obj in (*event.removed_logs, *event.logs)]
                for subscription in log_subscriptions:
                    for log in logs:
                        if subscription.matches_log(log.number, log.address, log.topics):
                            subscription.notify(log.serialised())
        except Exception:
            logger.exception("Could not notify the subscribers of block %d", event.number)

    def on_pending(self, event: NewPendingTransaction) -> None:
        try:
            hash_json = compact_json(event.hash)
            full_json = compact_json(event.transaction) if event.transaction is not None else None
            for subscription in self._of_kind("newPendingTransactions"):
                if not subscription.full:
                    subscription.notify(hash_json)
                elif full_json is not None:  # None only while the full feed is being switched on
                    subscription.notify(full_json)
        except Exception:
            logger.exception("Could not notify the subscribers of transaction %s", event.hash)


# -- connections --------------------------------------------------------------------------------


def default_origins() -> tuple[str, ...]:
    """geth's allowed origins when ``--ws.origins`` is not given."""
    return ("http://localhost", f"http://{socket.gethostname().lower()}")


def origin_allowed(origin: str, allowed: tuple[str, ...]) -> bool:
    """geth's ``ruleAllowsOrigin``: scheme and host must match, and the port when the rule has one."""
    try:
        browser = urlsplit(origin.strip().lower())
        browser_port = browser.port
    except ValueError:
        return False
    for rule in allowed:
        wanted = urlsplit(rule)
        if wanted.scheme and wanted.scheme != browser.scheme:
            continue
        if wanted.hostname and wanted.hostname != browser.hostname:
            continue
        if wanted.port is not None and wanted.port != browser_port:
            continue
        return True
    return False


@dataclass(frozen=True)
class _Close:
    """How a connection ends: the close frame to send (no code: none), or the peer's to answer."""

    code: int | None = None
    reason: str = ""
    answer: CloseConnection | None = None


class WsConnection:
    def __init__(self, stream: trio.SocketStream, forward: Call, hub: SubscriptionHub, limits: ServerLimits) -> None:
        self.stream = stream
        self.forward = forward
        self.hub = hub
        self.limits = limits
        self.subscriptions: set[str] = set()
        self.ws = WSConnection(ConnectionType.SERVER)
        self._outbox, self._outbox_reader = trio.open_memory_channel[str](OUTBOX_LIMIT)
        self._write_lock = trio.Lock()
        self._write_interrupted = False  # a send was cancelled midway: the stream is no place for a frame
        self._calls = trio.Semaphore(CONCURRENT_CALLS)
        self._scope: trio.CancelScope | None = None
        self._close: _Close | None = None

    # -- ending -----------------------------------------------------------------------------------

    def _finish(self, close: _Close) -> None:
        """End the connection (the first reason given is the one that counts)."""
        if self._close is None:
            self._close = close
        if self._scope is not None:
            self._scope.cancel()

    def overflow(self) -> None:
        if self._close is None:
            logger.info("Dropping a WebSocket client that does not read its messages")
        self._finish(_Close(CloseReason.POLICY_VIOLATION, "too many unread messages"))

    def send_message(self, payload: str) -> None:
        """Queue a message for the client, never waiting: a full queue ends the connection."""
        if self._close is not None:
            return
        try:
            self._outbox.send_nowait(payload)
        except trio.WouldBlock:
            self.overflow()

    # -- the stream -------------------------------------------------------------------------------

    async def _send(self, event: Event) -> None:
        async with self._write_lock:
            data = self.ws.send(event)
            self._write_interrupted = True
            await self.stream.send_all(data)
            self._write_interrupted = False

    async def _reject(self, status: int, reason: str) -> None:
        body = reason.encode()
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        try:
            data = self.ws.send(RejectConnection(status_code=status, headers=headers, has_body=True))
            data += self.ws.send(RejectData(data=body, body_finished=True))
        except (LocalProtocolError, h11.LocalProtocolError):
            return
        with trio.move_on_after(CLOSE_TIMEOUT):
            await self.stream.send_all(data)

    async def _handshake(self) -> bool:
        with trio.move_on_after(HANDSHAKE_TIMEOUT):
            while True:
                data = await self.stream.receive_some(READ_CHUNK)
                if not data:
                    return False
                try:
                    self.ws.receive_data(data)
                except RemoteProtocolError as exc:
                    await self._reject(400, f"WebSocket handshake failed: {exc}\n")
                    return False
                for event in self.ws.events():
                    if not isinstance(event, Request):
                        continue
                    origin = next((value for name, value in event.extra_headers if name.lower() == b"origin"), None)
                    if origin is not None and not origin_allowed(origin.decode("latin-1"), default_origins()):
                        logger.warning("Rejected WebSocket connection origin=%s", origin.decode("latin-1"))
                        await self._reject(403, "origin not allowed\n")
                        return False
                    await self._send(AcceptConnection())
                    return True
        return False

    # -- the tasks --------------------------------------------------------------------------------

    async def _write_loop(self) -> None:
        try:
            async for payload in self._outbox_reader:
                with trio.fail_after(SEND_TIMEOUT):
                    await self._send(TextMessage(data=payload))
        except trio.TooSlowError:
            logger.info("Dropping a WebSocket client that takes more than %ss to take a message", SEND_TIMEOUT)
            self._finish(_Close())
        except (trio.BrokenResourceError, trio.ClosedResourceError, LocalProtocolError):
            self._finish(_Close())

    async def _read_loop(self, nursery: trio.Nursery) -> None:
        try:
            self._finish(await self._read_messages(nursery))
        except (trio.BrokenResourceError, trio.ClosedResourceError, trio.TooSlowError, LocalProtocolError):
            self._finish(_Close())

    async def _read_messages(self, nursery: trio.Nursery) -> _Close:
        message = bytearray()
        awaiting_pong = False
        while True:
            with trio.move_on_after(PONG_TIMEOUT if awaiting_pong else PING_INTERVAL) as quiet:
                data = await self.stream.receive_some(READ_CHUNK)
            if quiet.cancelled_caught:
                if awaiting_pong:
                    logger.debug("WebSocket client did not answer a ping; dropping it")
                    return _Close()
                with trio.fail_after(SEND_TIMEOUT):
                    await self._send(Ping(b"walton"))
                awaiting_pong = True
                continue
            awaiting_pong = False
            if not data:
                return _Close()
            self.ws.receive_data(data)
            for event in self.ws.events():
                if isinstance(event, TextMessage | BytesMessage):
                    message += event.data.encode() if isinstance(event, TextMessage) else event.data
                    if len(message) > self.limits.max_request_bytes:
                        return _Close(CloseReason.MESSAGE_TOO_BIG, "message too big")
                    if event.message_finished:
                        await self._calls.acquire()
                        nursery.start_soon(self._answer, bytes(message))
                        message = bytearray()
                elif isinstance(event, Ping):
                    with trio.fail_after(SEND_TIMEOUT):
                        await self._send(event.response())
                elif isinstance(event, CloseConnection):
                    if self.ws.state is ConnectionState.REMOTE_CLOSING:
                        return _Close(answer=event)
                    # wsproto's verdict on a frame that breaks the protocol
                    logger.debug("WebSocket protocol error: %s %s", event.code, event.reason)
                    return _Close(event.code, event.reason or "")

    def _call(self, started: list[Subscription]) -> Call:
        async def call(method: str, params: Any) -> RpcResponse:
            try:
                if is_subscribe(method):
                    subscription = await self.hub.subscribe(self, method, params)
                    started.append(subscription)
                    return RpcResponse(result=subscription.id)
                if is_unsubscribe(method):
                    return RpcResponse(result=self.hub.unsubscribe(self, unsubscribe_id(params)))
            except RPCError as exc:
                return RpcResponse(error=exc.as_error())
            return await self.forward(method, params)

        return call

    async def _answer(self, body: bytes) -> None:
        try:
            started: list[Subscription] = []
            answer = await handle_body(body, self._call(started), self.limits)
            if answer is not None:
                self.send_message(answer.decode())
            for subscription in started:  # after the response: geth's order
                subscription.activate()
        except Exception:
            logger.exception("WebSocket request failed")
            self._finish(_Close(CloseReason.INTERNAL_ERROR, "internal error"))
        finally:
            self._calls.release()

    async def _closing_handshake(self) -> None:
        close = self._close
        if close is None or self._write_interrupted or (close.code is None and close.answer is None):
            return
        with trio.move_on_after(CLOSE_TIMEOUT):
            if close.answer is not None:
                await self._send(close.answer.response())
                return
            await self._send(CloseConnection(code=close.code or CloseReason.NORMAL_CLOSURE, reason=close.reason))
            # Wait for the peer's close frame, reading what it still sends: closing a socket with
            # unread data resets it, and the peer might not see ours.
            drained = 0
            while drained < MAX_DRAIN_BYTES:
                data = await self.stream.receive_some(READ_CHUNK)
                if not data:
                    return
                drained += len(data)
                self.ws.receive_data(data)
                if any(isinstance(event, CloseConnection) for event in self.ws.events()):
                    return

    async def _going_away(self) -> None:
        """Tell the client the server is going away, if that can be done within a moment."""
        if self._write_interrupted or self.ws.state is not ConnectionState.OPEN:
            return
        errors = (trio.BrokenResourceError, trio.ClosedResourceError, LocalProtocolError)
        with (
            trio.CancelScope(deadline=trio.current_time() + CLOSE_TIMEOUT / 4, shield=True),
            contextlib.suppress(*errors),
        ):
            await self._send(CloseConnection(code=CloseReason.GOING_AWAY, reason="server stopping"))

    async def serve(self) -> None:
        if not await self._handshake():
            return
        try:
            async with trio.open_nursery() as nursery:
                self._scope = nursery.cancel_scope
                nursery.start_soon(self._write_loop)
                nursery.start_soon(self._read_loop, nursery)
        finally:
            self.hub.drop(self)
            if self._close is None:  # the server is stopping
                await self._going_away()
        with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError, LocalProtocolError):
            await self._closing_handshake()


WS_CONNECTION_ERRORS: tuple[type[Exception], ...] = (
    trio.BrokenResourceError,
    trio.ClosedResourceError,
    trio.TooSlowError,
    LocalProtocolError,
    RemoteProtocolError,
    h11.ProtocolError,
    OSError,
    ValueError,
)


async def serve_ws(
    call: Call,
    hub: SubscriptionHub,
    host: str,
    port: int,
    limits: ServerLimits,
    task_status: Any = trio.TASK_STATUS_IGNORED,
) -> None:
    """Serve JSON-RPC over WebSocket on host:port until cancelled; ``call`` answers everything but
    the subscription methods, which ``hub`` serves."""

    async def serve(stream: trio.SocketStream) -> None:
        try:
            await WsConnection(stream, call, hub, limits).serve()
        except WS_CONNECTION_ERRORS:
            raise  # the peer's doing: serve_tcp logs it at debug level
        except Exception:
            logger.exception("WebSocket connection failed")  # a fault here: one connection ends, the server stays

    await serve_tcp(serve, host, port, "ws", WS_CONNECTION_ERRORS, task_status=task_status)
