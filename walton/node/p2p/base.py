"""The devp2p base protocol (version 5): Hello, Disconnect, Ping and Pong, and capability negotiation.

Message ids 0x00-0x0f belong to this protocol; sub-protocols (Gwtc's `eth` 62/63) follow from 0x10 in the order of
their names, each taking as many ids as it has messages. Snappy compression starts after the Hello exchange when both
sides announce version 5 or later, as go-ethereum 1.7.1 does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import rlp
import trio

from walton.node.p2p.rlpx import ConnectionClosed, RLPxConnection, RLPxError

BASE_PROTOCOL_VERSION = 5
SNAPPY_PROTOCOL_VERSION = 5
HELLO = 0x00
DISCONNECT = 0x01
PING = 0x02
PONG = 0x03
SUBPROTOCOL_OFFSET = 0x10
# How many message ids each sub-protocol version takes; offsets of later protocols depend on them.
PROTOCOL_LENGTHS: Mapping[tuple[str, int], int] = {("eth", 62): 8, ("eth", 63): 17}
_EMPTY_LIST = rlp.encode([])


class DisconnectReason(IntEnum):
    REQUESTED = 0x00
    TCP_ERROR = 0x01
    BREACH_OF_PROTOCOL = 0x02
    USELESS_PEER = 0x03
    TOO_MANY_PEERS = 0x04
    ALREADY_CONNECTED = 0x05
    INCOMPATIBLE_VERSION = 0x06
    INVALID_IDENTITY = 0x07
    CLIENT_QUITTING = 0x08
    UNEXPECTED_IDENTITY = 0x09
    CONNECTED_TO_SELF = 0x0A
    TIMEOUT = 0x0B
    SUBPROTOCOL_ERROR = 0x10


class PeerDisconnected(Exception):
    """The peer sent Disconnect; `reason` is a DisconnectReason, or the bare number if it is not a known one."""

    def __init__(self, reason: DisconnectReason | int) -> None:
        self.reason = reason
        name = reason.name if isinstance(reason, DisconnectReason) else f"unknown reason {reason}"
        super().__init__(f"peer disconnected: {name}")


@dataclass(frozen=True)
class Hello:
    version: int
    client_id: str
    capabilities: tuple[tuple[str, int], ...]
    listen_port: int
    node_id: bytes

    def encode(self) -> bytes:
        caps = [[name.encode("ascii"), version] for name, version in self.capabilities]
        return rlp.encode([self.version, self.client_id.encode("utf-8"), caps, self.listen_port, self.node_id])

    @classmethod
    def decode(cls, payload: bytes) -> Hello:
        """Decode a Hello, ignoring extra list elements (EIP-8); raises RLPxError on anything malformed."""
        try:
            items = rlp.decode(payload, strict=False)
            if not isinstance(items, list) or len(items) < 5:
                raise ValueError("not a list of at least 5 items")
            version, client_id, caps, listen_port, node_id = items[:5]
            if not isinstance(caps, list) or not all(isinstance(c, list) and len(c) >= 2 for c in caps):
                raise ValueError("capabilities are not a list of [name, version] pairs")
            if not isinstance(node_id, bytes) or len(node_id) != 64:
                raise ValueError("node id is not 64 bytes")
            return cls(
                version=_uint(version),
                client_id=_bytes(client_id).decode("utf-8", errors="replace"),
                capabilities=tuple((_bytes(c[0]).decode("ascii"), _uint(c[1])) for c in caps),
                listen_port=_uint(listen_port),
                node_id=node_id,
            )
        except (rlp.exceptions.DecodingError, ValueError) as exc:
            raise RLPxError(f"malformed Hello: {exc}") from exc


def _bytes(item: Any) -> bytes:
    if not isinstance(item, bytes):
        raise ValueError("expected a string, got a list")
    return item


def _uint(item: Any) -> int:
    return int.from_bytes(_bytes(item), "big")


def shared_capabilities(
    ours: Iterable[tuple[str, int]],
    theirs: Iterable[tuple[str, int]],
    lengths: Mapping[tuple[str, int], int] = PROTOCOL_LENGTHS,
) -> list[tuple[str, int, int]]:
    """(name, highest common version, message-id offset) per shared protocol, offsets from 0x10 in name order."""
    common = set(ours) & set(theirs)
    best: dict[str, int] = {}
    for name, version in common:
        best[name] = max(version, best.get(name, version))
    result = []
    offset = SUBPROTOCOL_OFFSET
    for name in sorted(best):
        result.append((name, best[name], offset))
        offset += lengths[(name, best[name])]
    return result


def decode_disconnect(payload: bytes) -> DisconnectReason | int:
    """The reason in a Disconnect payload: `[reason]` as specified, or a bare reason as some clients send it."""
    try:
        item = rlp.decode(payload, strict=False) if payload else []
    except rlp.exceptions.DecodingError:
        return DisconnectReason.REQUESTED
    if isinstance(item, list):
        item = item[0] if item else b""
    value = int.from_bytes(item, "big") if isinstance(item, bytes) else 0
    try:
        return DisconnectReason(value)
    except ValueError:
        return value


async def exchange_hello(conn: RLPxConnection, ours: Hello, *, timeout: float = 10) -> Hello:
    """Send our Hello and read the peer's; switch on snappy when both versions are >= 5.

    A Disconnect instead of the Hello raises PeerDisconnected; anything else, or nothing within `timeout`, RLPxError.
    """
    await conn.send_message(HELLO, ours.encode())
    try:
        with trio.fail_after(timeout):
            code, payload = await conn.receive_message()
    except trio.TooSlowError as exc:
        raise RLPxError(f"no Hello within {timeout}s") from exc
    if code == DISCONNECT:
        raise PeerDisconnected(decode_disconnect(payload))
    if code != HELLO:
        raise RLPxError(f"expected Hello, got message {code:#x}")
    theirs = Hello.decode(payload)
    if theirs.node_id != conn.remote_public_key.to_bytes():
        raise RLPxError("Hello node id differs from the key of the handshake")
    if ours.version >= SNAPPY_PROTOCOL_VERSION and theirs.version >= SNAPPY_PROTOCOL_VERSION:
        conn.enable_snappy()
    return theirs


async def disconnect(conn: RLPxConnection, reason: DisconnectReason) -> None:
    """Tell the peer why we leave (best effort: the link may already be gone) and close the connection."""
    try:
        with trio.move_on_after(2):
            await conn.send_message(DISCONNECT, rlp.encode([int(reason)]))
    except ConnectionClosed:
        pass
    finally:
        await conn.aclose()


async def handle_base_message(conn: RLPxConnection, code: int, payload: bytes) -> bool:
    """Handle a base-protocol message: Ping gets a Pong, Disconnect raises PeerDisconnected.

    Returns False for sub-protocol ids (>= 0x10) so the caller dispatches those; a repeated Hello is a protocol breach.
    Other ids below 0x10 are reserved and ignored, as go-ethereum does.
    """
    if code >= SUBPROTOCOL_OFFSET:
        return False
    if code == PING:
        await conn.send_message(PONG, _EMPTY_LIST)
    elif code == DISCONNECT:
        raise PeerDisconnected(decode_disconnect(payload))
    elif code == HELLO:
        raise RLPxError("unexpected second Hello")
    return True


async def ping(conn: RLPxConnection) -> None:
    """Send a Ping; the peer's Pong arrives through receive_message and handle_base_message."""
    await conn.send_message(PING, _EMPTY_LIST)
