"""JSON-RPC 2.0 over HTTP, on trio and h11: envelopes, batches, size limits, errors as geth gives them.

The server knows nothing of the chain: each call goes to ``call(method, params)``, which in the
node forwards it over the event bus to the chain process. What every transport shares is here too:
``handle_body`` (one request body in, one response body out), ``ServerLimits``, ``serve_tcp``, and
geth's transport-level handling of ``*_subscribe`` and ``*_unsubscribe``, which HTTP refuses
(``walton.node.rpc.websocket`` serves them).
"""

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import h11
import trio

from walton.node.events import RpcResponse
from walton.node.rpc.errors import METHOD_NOT_FOUND, InvalidArgument, InvalidParams, RPCError, ServerError

logger = logging.getLogger("walton.rpc")

Call = Callable[[str, Any], Awaitable[RpcResponse]]

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INTERNAL_ERROR = -32603
MAX_HEADER_BYTES = 16 * 1024
READ_CHUNK = 64 * 1024
IDLE_TIMEOUT = 60.0
# After refusing an oversized body, read (and discard) this much of it at most, so the client sees
# the 413 response instead of a reset connection; then close.
DRAIN_LIMIT = 64 * 1024 * 1024
DRAIN_TIMEOUT = 10.0


@dataclass(frozen=True)
class ServerLimits:
    max_request_bytes: int  # a request body (HTTP) or message (WebSocket) larger than this is refused
    max_batch: int


def _error(request_id: Any, code: int, message: str, data: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


# -- subscriptions: geth's rpc package handles them, not the API -------------------------------------

SUBSCRIBE_SUFFIX = "_subscribe"
UNSUBSCRIBE_SUFFIX = "_unsubscribe"


class NotificationsUnsupported(RPCError):
    """geth's ``rpc.ErrNotificationsUnsupported``: a subscription over a transport without notifications."""

    code = METHOD_NOT_FOUND
    default_message = "notifications not supported"


class SubscriptionNotFound(ServerError):
    default_message = "subscription not found"


def is_subscribe(method: str) -> bool:
    return method.endswith(SUBSCRIBE_SUFFIX)


def is_unsubscribe(method: str) -> bool:
    return method.endswith(UNSUBSCRIBE_SUFFIX)


def json_type(value: Any) -> str:
    """A JSON value's type as Go's encoding/json names it in its errors."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def unsubscribe_id(params: Any) -> str:
    """The subscription id ``*_unsubscribe`` takes, with geth's errors for anything else."""
    if not isinstance(params, list):
        raise InvalidParams("non-array args")
    if len(params) > 1:
        raise InvalidParams("too many arguments, want at most 1")
    if not params or params[0] is None:
        raise InvalidParams("missing value for required argument 0")
    if not isinstance(params[0], str):
        raise InvalidArgument(0, f"json: cannot unmarshal {json_type(params[0])} into Go value of type rpc.ID")
    return params[0]


def without_subscriptions(call: Call) -> Call:
    """``call`` for a transport without notifications (HTTP), as geth answers there: ``*_subscribe`` is
    "notifications not supported" (-32601) and ``*_unsubscribe`` finds no subscription (-32000)."""

    async def refusing_subscriptions(method: str, params: Any) -> RpcResponse:
        try:
            if is_subscribe(method):
                raise NotificationsUnsupported()
            if is_unsubscribe(method):
                unsubscribe_id(params)
                raise SubscriptionNotFound()
        except RPCError as exc:
            return RpcResponse(error=exc.as_error())
        return await call(method, params)

    return refusing_subscriptions


async def _answer_one(message: Any, call: Call) -> dict[str, Any] | None:
    """The response object for one request object, or None for a notification."""
    if not isinstance(message, dict):
        return _error(None, INVALID_REQUEST, "invalid request")
    request_id = message.get("id")
    is_notification = "id" not in message
    if not isinstance(request_id, str | int | type(None)) or isinstance(request_id, bool):
        return _error(None, INVALID_REQUEST, "invalid request: id must be a string, a number or null")
    if message.get("jsonrpc") != "2.0":
        return _error(request_id, INVALID_REQUEST, 'invalid request: "jsonrpc" must be "2.0"')
    method = message.get("method")
    if not isinstance(method, str):
        return _error(request_id, INVALID_REQUEST, 'invalid request: "method" must be a string')
    params = message.get("params", [])
    if not isinstance(params, list | dict):
        return _error(request_id, INVALID_REQUEST, 'invalid request: "params" must be an array or an object')
    if is_notification and is_subscribe(method):
        return None  # geth: a subscription needs an id to report to, and a notification gets no answer
    try:
        response = await call(method, params)
    except trio.TooSlowError:
        response = RpcResponse(error={"code": INTERNAL_ERROR, "message": "request timed out"})
    if is_notification:
        return None
    if response.error is not None:
        return {"jsonrpc": "2.0", "id": request_id, "error": response.error}
    return {"jsonrpc": "2.0", "id": request_id, "result": response.result}


async def handle_body(body: bytes, call: Call, limits: ServerLimits) -> bytes | None:
    """The response body for a JSON-RPC request body or message (None when only notifications were sent)."""
    try:
        message = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return json.dumps(_error(None, PARSE_ERROR, f"parse error: {exc}")).encode()
    if isinstance(message, list):
        if not message:
            return json.dumps(_error(None, INVALID_REQUEST, "empty batch")).encode()
        if len(message) > limits.max_batch:
            return json.dumps(
                _error(None, INVALID_REQUEST, f"batch too large: {len(message)} > {limits.max_batch} requests")
            ).encode()
        answers = [await _answer_one(item, call) for item in message]
        responses = [answer for answer in answers if answer is not None]
        return json.dumps(responses).encode() if responses else None
    answer = await _answer_one(message, call)
    return json.dumps(answer).encode() if answer is not None else None


def _response(status: int, body: bytes, content_type: bytes = b"application/json") -> tuple[h11.Response, bytes]:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    return h11.Response(status_code=status, headers=headers), body


async def _send(stream: trio.SocketStream, connection: h11.Connection, status: int, body: bytes) -> None:
    response, payload = _response(status, body)
    await stream.send_all(connection.send(response))
    await stream.send_all(connection.send(h11.Data(data=payload)))
    await stream.send_all(connection.send(h11.EndOfMessage()))


async def _read_event(stream: trio.SocketStream, connection: h11.Connection) -> Any:
    while True:
        event = connection.next_event()
        if event is not h11.NEED_DATA:
            return event
        with trio.fail_after(IDLE_TIMEOUT):
            data = await stream.receive_some(READ_CHUNK)
        connection.receive_data(data)


async def _refuse_oversized(stream: trio.SocketStream, connection: h11.Connection, size: str) -> None:
    await _send(stream, connection, 413, f"content length too large: {size}".encode())
    drained = 0
    with trio.move_on_after(DRAIN_TIMEOUT):
        while drained < DRAIN_LIMIT:
            data = await stream.receive_some(READ_CHUNK)
            if not data:
                break
            drained += len(data)


async def _serve_connection(stream: trio.SocketStream, call: Call, limits: ServerLimits) -> None:
    connection = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEADER_BYTES)
    while True:
        event = await _read_event(stream, connection)
        if isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
            return
        if not isinstance(event, h11.Request):
            return
        declared = dict(event.headers).get(b"content-length")
        if event.method != b"POST":
            await _send(stream, connection, 405, b'{"error": "JSON-RPC requests must be POSTed"}')
        elif declared is not None and int(declared) > limits.max_request_bytes:
            await _refuse_oversized(stream, connection, declared.decode())
            return
        else:
            body = bytearray()
            too_large = False
            while True:
                part = await _read_event(stream, connection)
                if isinstance(part, h11.Data):
                    body += part.data
                    if len(body) > limits.max_request_bytes:
                        too_large = True
                        break
                elif isinstance(part, h11.EndOfMessage):
                    break
                else:
                    return
            if too_large:
                await _refuse_oversized(stream, connection, f"more than {limits.max_request_bytes} bytes")
                return
            answer = await handle_body(bytes(body), call, limits)
            await _send(stream, connection, 200, answer or b"")
        if connection.our_state is h11.MUST_CLOSE:
            return
        connection.start_next_cycle()


ConnectionHandler = Callable[[trio.SocketStream], Awaitable[None]]


async def serve_tcp(
    handle: ConnectionHandler,
    host: str,
    port: int,
    scheme: str,
    connection_errors: tuple[type[Exception], ...],
    task_status: Any = trio.TASK_STATUS_IGNORED,
) -> None:
    """Run ``handle`` for each connection to host:port until cancelled; ``connection_errors`` end a
    connection quietly (logged at debug), and the stream is closed whatever happens."""

    async def on_connection(stream: trio.SocketStream) -> None:
        try:
            await handle(stream)
        except connection_errors as exc:
            logger.debug("%s connection dropped: %s", scheme, exc)
        finally:
            await stream.aclose()

    listeners = await trio.open_tcp_listeners(port, host=host)
    logger.info("%s JSON-RPC server started on %s://%s:%d", scheme.upper(), scheme, host, port)
    task_status.started(listeners)
    await trio.serve_listeners(on_connection, listeners)


async def serve_http(
    call: Call,
    host: str,
    port: int,
    limits: ServerLimits,
    task_status: Any = trio.TASK_STATUS_IGNORED,
) -> None:
    """Serve JSON-RPC over HTTP on host:port until cancelled."""
    call = without_subscriptions(call)

    async def serve(stream: trio.SocketStream) -> None:
        await _serve_connection(stream, call, limits)

    errors = (h11.RemoteProtocolError, trio.BrokenResourceError, trio.TooSlowError, ValueError)
    await serve_tcp(serve, host, port, "http", errors, task_status=task_status)
