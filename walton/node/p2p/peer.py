"""One connected peer speaking ``eth``: the handshake, requests with timeouts, and a ban list.

eth/62-63 requests carry no ids, so a peer has at most one open request of each kind; a response
with none open is unrequested and breaks the protocol. A request that gets no answer in time
raises ``trio.TooSlowError`` and the caller drops the peer and asks another.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import trio
from eth_keys.datatypes import PrivateKey
from eth_typing import Hash32
from eth_utils import encode_hex

from walton.node.p2p import base
from walton.node.p2p.base import DisconnectReason, Hello
from walton.node.p2p.eth import (
    ETH_VERSIONS,
    MAX_MESSAGE_SIZE,
    MESSAGE_COUNTS,
    MESSAGE_NAMES,
    RESPONSE_OF,
    STATUS,
    ProtocolError,
    Status,
)
from walton.node.p2p.rlpx import RLPxConnection

logger = logging.getLogger("walton.p2p")

HANDSHAKE_TIMEOUT = 15.0
REQUEST_TIMEOUT = 15.0
KNOWN_LIMIT = 4096  # block and transaction hashes remembered per peer (not re-sent to it)


class HandshakeFailed(Exception):
    """The peer is not one of ours (other network, genesis or protocol); ``reason`` says why."""

    def __init__(self, message: str, reason: DisconnectReason) -> None:
        super().__init__(message)
        self.reason = reason


class KnownSet:
    """A bounded set of hashes, oldest forgotten first."""

    def __init__(self, limit: int = KNOWN_LIMIT) -> None:
        self.limit = limit
        self._items: OrderedDict[bytes, None] = OrderedDict()

    def add(self, item: bytes) -> None:
        self._items[item] = None
        self._items.move_to_end(item)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def __contains__(self, item: object) -> bool:
        return item in self._items


MessageHandler = Callable[["Peer", int, bytes], Awaitable[None]]


@dataclass
class Peer:
    connection: RLPxConnection
    hello: Hello
    eth_version: int
    offset: int  # the message code of eth's Status on this connection
    status: Status
    host: str
    port: int
    inbound: bool
    request_timeout: float = REQUEST_TIMEOUT
    head_hash: Hash32 = field(init=False)
    total_difficulty: int = field(init=False)
    known_blocks: KnownSet = field(default_factory=KnownSet)
    known_transactions: KnownSet = field(default_factory=KnownSet)
    connected_at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.head_hash = self.status.head_hash
        self.total_difficulty = self.status.total_difficulty
        self._pending: dict[int, trio.MemorySendChannel[bytes]] = {}
        self._request_locks: dict[int, trio.Lock] = {code: trio.Lock() for code in RESPONSE_OF}
        self._send_lock = trio.Lock()
        self.closed = False

    @property
    def node_id(self) -> bytes:
        return bytes(self.hello.node_id)

    @property
    def enode(self) -> str:
        return f"enode://{self.node_id.hex()}@{self.host}:{self.port}"

    def __str__(self) -> str:
        return f"{self.node_id.hex()[:16]}@{self.host}:{self.port}"

    async def send(self, code: int, payload: bytes) -> None:
        async with self._send_lock:
            await self.connection.send_message(self.offset + code, payload)

    async def request(self, code: int, payload: bytes) -> bytes:
        """Send request ``code`` and return the payload of its response (``trio.TooSlowError`` after
        ``request_timeout``)."""
        response_code = RESPONSE_OF[code]
        async with self._request_locks[code]:
            send, receive = trio.open_memory_channel[bytes](1)
            self._pending[response_code] = send
            try:
                await self.send(code, payload)
                with trio.fail_after(self.request_timeout):
                    return await receive.receive()
            finally:
                self._pending.pop(response_code, None)

    async def run(self, handler: MessageHandler) -> None:
        """Read messages until the connection ends: base-protocol ones answered here, responses routed to
        their open request, the rest given to ``handler``. Raises ``ProtocolError`` on a broken message."""
        while True:
            code, payload = await self.connection.receive_message()
            if code < base.SUBPROTOCOL_OFFSET:
                await base.handle_base_message(self.connection, code, payload)
                continue
            eth_code = code - self.offset
            if not 0 <= eth_code < MESSAGE_COUNTS[self.eth_version] or eth_code not in MESSAGE_NAMES:
                raise ProtocolError(f"unknown message code {code:#x}")
            if len(payload) > MAX_MESSAGE_SIZE:
                raise ProtocolError(f"{MESSAGE_NAMES[eth_code]} of {len(payload)} bytes is over the limit")
            if eth_code == STATUS:
                raise ProtocolError("Status after the handshake")
            if eth_code in RESPONSE_OF.values():
                waiting = self._pending.pop(eth_code, None)
                if waiting is None:
                    raise ProtocolError(f"unrequested {MESSAGE_NAMES[eth_code]}")
                waiting.send_nowait(payload)
                continue
            await handler(self, eth_code, payload)

    async def disconnect(self, reason: DisconnectReason) -> None:
        """Say goodbye (best effort) and close the connection."""
        if self.closed:
            return
        self.closed = True
        with trio.move_on_after(2):
            try:
                await base.disconnect(self.connection, reason)
            except Exception as exc:  # the connection may already be gone
                logger.debug("Disconnect to %s failed: %s", self, exc)
        with trio.move_on_after(2):
            await self.connection.aclose()


def our_hello(private_key: PrivateKey, client_id: str, listen_port: int) -> Hello:
    return Hello(
        version=base.BASE_PROTOCOL_VERSION,
        client_id=client_id,
        capabilities=tuple(("eth", version) for version in ETH_VERSIONS),
        listen_port=listen_port,
        node_id=private_key.public_key.to_bytes(),
    )


async def _receive_status(connection: RLPxConnection, offset: int) -> Status:
    while True:
        code, payload = await connection.receive_message()
        if code < base.SUBPROTOCOL_OFFSET:
            await base.handle_base_message(connection, code, payload)
            continue
        if code != offset + STATUS:
            raise HandshakeFailed(f"expected Status, got message {code:#x}", DisconnectReason.BREACH_OF_PROTOCOL)
        try:
            return Status.decode(payload)
        except ProtocolError as exc:
            raise HandshakeFailed(str(exc), DisconnectReason.BREACH_OF_PROTOCOL) from exc


async def handshake(
    connection: RLPxConnection,
    hello: Hello,
    status: Callable[[int], Status],
    host: str,
    port: int,
    inbound: bool,
) -> Peer:
    """Hello, then eth Status both ways; the peer, or ``HandshakeFailed`` (after disconnecting it).

    ``status(version)`` builds our Status for the eth version both sides share.
    """
    with trio.fail_after(HANDSHAKE_TIMEOUT):
        theirs = await base.exchange_hello(connection, hello)
        shared = [entry for entry in base.shared_capabilities(hello.capabilities, theirs.capabilities)]
        eth = sorted((entry for entry in shared if entry[0] == "eth"), key=lambda entry: entry[1], reverse=True)
        if not eth:
            await base.disconnect(connection, DisconnectReason.USELESS_PEER)
            raise HandshakeFailed("no shared eth version", DisconnectReason.USELESS_PEER)
        _, version, offset = eth[0]
        ours = status(version)
        await connection.send_message(offset + STATUS, ours.encode())
        try:
            their_status = await _receive_status(connection, offset)
            if their_status.version != version:
                raise HandshakeFailed(
                    f"Status version {their_status.version}, agreed {version}", DisconnectReason.BREACH_OF_PROTOCOL
                )
            if their_status.network_id != ours.network_id:
                raise HandshakeFailed(
                    f"network id {their_status.network_id}, ours {ours.network_id}", DisconnectReason.USELESS_PEER
                )
            if their_status.genesis_hash != ours.genesis_hash:
                raise HandshakeFailed(
                    f"genesis {encode_hex(their_status.genesis_hash)}, ours {encode_hex(ours.genesis_hash)}",
                    DisconnectReason.USELESS_PEER,
                )
        except HandshakeFailed as exc:
            with trio.move_on_after(2):
                await base.disconnect(connection, exc.reason)
            raise
    return Peer(connection, theirs, version, offset, their_status, host, port, inbound)


class BanList:
    """Peers that misbehaved, by node id, until their ban expires."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._until: dict[bytes, float] = {}

    def ban(self, node_id: bytes) -> None:
        self._until[node_id] = self.clock() + self.seconds

    def is_banned(self, node_id: bytes) -> bool:
        until = self._until.get(node_id)
        if until is None:
            return False
        if self.clock() >= until:
            del self._until[node_id]
            return False
        return True
