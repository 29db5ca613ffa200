"""Node discovery v4 over UDP, with Gwtc's packet-type bytes (ping 200, pong 201, findnode 202, neighbors 203).

A packet is ``hash (32) || signature (65) || type (1) || rlp(payload)`` where the signature covers
``keccak256(type || payload)`` and the hash covers everything after it; the sender is the key the signature
recovers. Gwtc changed only the type bytes (Ethereum uses 1-4), so the two networks ignore each other.

As go-ethereum 1.7.1 does, we only answer findnode for a node that has proved its address (it answered our ping with
a pong: a bond), and we only keep bonded nodes in the Kademlia table. A node that pings us gets a pong and, if not yet
bonded, a ping back.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import rlp
import trio
from eth_keys.datatypes import PrivateKey, PublicKey, Signature
from eth_utils import keccak

from walton.node.p2p.enode import ENode, public_key_from_id

logger = logging.getLogger("walton.p2p.discovery")

DISCOVERY_VERSION = 4
MAX_PACKET_SIZE = 1280
EXPIRATION = 20  # seconds a packet stays valid
BUCKET_SIZE = 16
BUCKET_COUNT = 256
ALPHA = 3  # parallel findnode requests in a lookup
MAX_NEIGHBORS = 12  # nodes per neighbors packet, so that it stays under 1280 bytes even with IPv6 endpoints
MAX_FINDNODE_FAILURES = 5
BOND_EXPIRATION = 24 * 3600  # a pong older than this no longer counts as proof of the address
_HEADER_SIZE = 32 + 65


@dataclass(frozen=True)
class PacketTypes:
    ping: int
    pong: int
    find_node: int
    neighbors: int


WALTON_PACKET_TYPES = PacketTypes(ping=200, pong=201, find_node=202, neighbors=203)
ETHEREUM_PACKET_TYPES = PacketTypes(ping=1, pong=2, find_node=3, neighbors=4)


class DiscoveryPacketError(Exception):
    """A packet that is malformed, wrongly signed, tampered with, or expired; the service drops it."""


@dataclass(frozen=True)
class Endpoint:
    ip: str
    udp_port: int
    tcp_port: int

    def to_rlp(self) -> list[Any]:
        return [ipaddress.ip_address(self.ip).packed, self.udp_port, self.tcp_port]


@dataclass(frozen=True)
class Ping:
    version: int
    sender: Endpoint
    recipient: Endpoint
    expiration: int


@dataclass(frozen=True)
class Pong:
    recipient: Endpoint
    ping_hash: bytes
    expiration: int


@dataclass(frozen=True)
class FindNode:
    target: bytes
    expiration: int


@dataclass(frozen=True)
class Neighbors:
    nodes: tuple[ENode, ...]
    expiration: int


Message = Ping | Pong | FindNode | Neighbors


@dataclass(frozen=True)
class Packet:
    sender: PublicKey
    hash: bytes
    message: Message


def _expiration() -> int:
    return int(time.time()) + EXPIRATION


def _payload(message: Message) -> list[Any]:
    if isinstance(message, Ping):
        return [message.version, message.sender.to_rlp(), message.recipient.to_rlp(), message.expiration]
    if isinstance(message, Pong):
        return [message.recipient.to_rlp(), message.ping_hash, message.expiration]
    if isinstance(message, FindNode):
        return [message.target, message.expiration]
    nodes = [[ipaddress.ip_address(n.host).packed, n.udp_port, n.tcp_port, n.node_id] for n in message.nodes]
    return [nodes, message.expiration]


def encode_packet(private_key: PrivateKey, message: Message, types: PacketTypes = WALTON_PACKET_TYPES) -> bytes:
    """Sign and frame one message; the packet's first 32 bytes are its hash (which a pong echoes)."""
    type_byte = {Ping: types.ping, Pong: types.pong, FindNode: types.find_node, Neighbors: types.neighbors}
    data = bytes([type_byte[type(message)]]) + rlp.encode(_payload(message))
    signature = private_key.sign_msg_hash(keccak(data)).to_bytes()
    packet = keccak(signature + data) + signature + data
    if len(packet) > MAX_PACKET_SIZE:
        raise ValueError(f"discovery packet of {len(packet)} bytes exceeds {MAX_PACKET_SIZE}")
    return packet


def _bytes(item: Any) -> bytes:
    if not isinstance(item, bytes):
        raise DiscoveryPacketError("expected a string, got a list")
    return item


def _uint(item: Any, bits: int = 64) -> int:
    data = _bytes(item)
    if len(data) * 8 > bits:
        raise DiscoveryPacketError(f"integer wider than {bits} bits")
    return int.from_bytes(data, "big")


def _ip(item: Any) -> str:
    data = _bytes(item)
    if len(data) not in (4, 16):
        raise DiscoveryPacketError(f"IP address of {len(data)} bytes")
    return str(ipaddress.ip_address(data))


def _endpoint(item: Any) -> Endpoint:
    if not isinstance(item, list) or len(item) < 3:
        raise DiscoveryPacketError("endpoint is not [ip, udp, tcp]")
    # Some clients send an empty IP when they do not know their own; the sender's address comes from the socket.
    ip = _ip(item[0]) if item[0] else "0.0.0.0"
    return Endpoint(ip, _uint(item[1], 16), _uint(item[2], 16))


def _list(items: Any, count: int) -> list[Any]:
    if not isinstance(items, list) or len(items) < count:
        raise DiscoveryPacketError(f"payload is not a list of at least {count} items")
    return items


def _neighbor(item: Any) -> ENode | None:
    """One entry of a neighbors packet, or None if its id or address is unusable (the rest of the packet still counts,
    as in go-ethereum)."""
    fields = _list(item, 4)
    try:
        public_key = public_key_from_id(_bytes(fields[3]))
        node = ENode(public_key, _ip(fields[0]), tcp_port=_uint(fields[2], 16), udp_port=_uint(fields[1], 16))
    except (ValueError, DiscoveryPacketError) as exc:
        logger.debug("discovery: unusable neighbor entry: %s", exc)
        return None
    ip = ipaddress.ip_address(node.host)
    if node.udp_port == 0 or ip.is_unspecified or ip.is_multicast:
        return None
    return node


def decode_packet(packet: bytes, types: PacketTypes = WALTON_PACKET_TYPES, *, now: float | None = None) -> Packet:
    """Check hash, signature and expiration and decode the payload (extra list items and trailing data ignored).

    Raises DiscoveryPacketError for anything else, including packet types of the other network.
    """
    if len(packet) > MAX_PACKET_SIZE:
        raise DiscoveryPacketError(f"packet of {len(packet)} bytes exceeds {MAX_PACKET_SIZE}")
    if len(packet) < _HEADER_SIZE + 2:
        raise DiscoveryPacketError(f"packet of {len(packet)} bytes is too short")
    packet_hash, signature, data = packet[:32], packet[32:97], packet[97:]
    if keccak(packet[32:]) != packet_hash:
        raise DiscoveryPacketError("packet hash mismatch")
    try:
        sender = Signature(signature).recover_public_key_from_msg_hash(keccak(data))
    except Exception as exc:  # eth-keys raises BadSignature or ValueError depending on what is wrong
        raise DiscoveryPacketError(f"bad packet signature: {exc}") from exc
    try:
        payload = rlp.decode(data[1:], strict=False)
    except rlp.exceptions.DecodingError as exc:
        raise DiscoveryPacketError(f"bad RLP payload: {exc}") from exc
    type_byte = data[0]
    message: Message
    if type_byte == types.ping:
        items = _list(payload, 4)
        message = Ping(_uint(items[0]), _endpoint(items[1]), _endpoint(items[2]), _uint(items[3]))
    elif type_byte == types.pong:
        items = _list(payload, 3)
        message = Pong(_endpoint(items[0]), _bytes(items[1]), _uint(items[2]))
    elif type_byte == types.find_node:
        items = _list(payload, 2)
        message = FindNode(_bytes(items[0]), _uint(items[1]))
        if len(message.target) != 64:
            raise DiscoveryPacketError("findnode target is not 64 bytes")
    elif type_byte == types.neighbors:
        items = _list(payload, 2)
        if not isinstance(items[0], list):
            raise DiscoveryPacketError("neighbors is not a list of nodes")
        nodes = (_neighbor(item) for item in items[0])
        message = Neighbors(tuple(node for node in nodes if node is not None), _uint(items[1]))
    else:
        raise DiscoveryPacketError(f"unknown packet type {type_byte}")
    if message.expiration < (time.time() if now is None else now):
        raise DiscoveryPacketError("packet expired")
    return Packet(sender, packet_hash, message)


def log_distance(a: bytes, b: bytes) -> int:
    """Kademlia distance of two node ids: the bit length of keccak(a) ^ keccak(b) (0 for the same node)."""
    return (int.from_bytes(keccak(a), "big") ^ int.from_bytes(keccak(b), "big")).bit_length()


class RoutingTable:
    """Bonded nodes in 256 buckets by log distance from us; each bucket keeps at most 16, most recently seen last."""

    def __init__(self, self_id: bytes) -> None:
        self.self_id = self_id
        self.buckets: list[list[ENode]] = [[] for _ in range(BUCKET_COUNT)]

    def _bucket(self, node_id: bytes) -> list[ENode]:
        return self.buckets[log_distance(self.self_id, node_id) - 1]

    def add(self, node: ENode) -> ENode | None:
        """Add or refresh `node`; if its bucket is full, leave it out and return the bucket's oldest node."""
        if node.node_id == self.self_id:
            return None
        bucket = self._bucket(node.node_id)
        for index, existing in enumerate(bucket):
            if existing.node_id == node.node_id:
                del bucket[index]
                bucket.append(node)
                return None
        if len(bucket) < BUCKET_SIZE:
            bucket.append(node)
            return None
        return bucket[0]

    def remove(self, node_id: bytes) -> None:
        if node_id != self.self_id:
            bucket = self._bucket(node_id)
            bucket[:] = [node for node in bucket if node.node_id != node_id]

    def get(self, node_id: bytes) -> ENode | None:
        if node_id == self.self_id:
            return None
        return next((node for node in self._bucket(node_id) if node.node_id == node_id), None)

    def nodes(self) -> list[ENode]:
        return [node for bucket in self.buckets for node in bucket]

    def closest(self, target: bytes, count: int = BUCKET_SIZE) -> list[ENode]:
        """The `count` nodes closest to `target` (a node id) by XOR distance of their keccak hashes."""
        target_hash = int.from_bytes(keccak(target), "big")
        return sorted(self.nodes(), key=lambda n: int.from_bytes(keccak(n.node_id), "big") ^ target_hash)[:count]


@dataclass
class _NeighborsRequest:
    nodes: list[ENode] = field(default_factory=list)
    done: trio.Event = field(default_factory=trio.Event)


class DiscoveryService:
    """Discovery v4 on one UDP socket: answers pings and findnode, bonds with bootnodes, runs periodic lookups."""

    def __init__(
        self,
        private_key: PrivateKey,
        address: str,
        port: int,
        bootnodes: Sequence[ENode],
        packet_types: PacketTypes = WALTON_PACKET_TYPES,
        *,
        tcp_port: int | None = None,
        request_timeout: float = 0.5,
        lookup_interval: float = 60.0,
    ) -> None:
        self.private_key = private_key
        self.node_id = private_key.public_key.to_bytes()
        self.address = address
        self.port = port
        self.tcp_port = port if tcp_port is None else tcp_port
        self.bootnodes = [node for node in bootnodes if node.node_id != self.node_id]
        self.packet_types = packet_types
        self.request_timeout = request_timeout
        self.lookup_interval = lookup_interval
        self.table = RoutingTable(self.node_id)
        self._socket: Any = None
        self._nursery: trio.Nursery | None = None
        self._last_pong: dict[bytes, float] = {}  # when each node last answered our ping
        self._last_ping: dict[bytes, float] = {}  # when each node last pinged us
        self._pending_pongs: dict[bytes, tuple[bytes, trio.Event]] = {}  # ping hash -> (node id, answered)
        self._pinged_by: dict[bytes, trio.Event] = {}  # node id -> set when that node pings us
        self._neighbors: dict[bytes, _NeighborsRequest] = {}  # node id -> findnode in flight
        self._findnode_failures: dict[bytes, int] = {}  # node id -> findnode requests unanswered in a row

    # --- public API ---------------------------------------------------------------------------------------------

    async def run(self, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
        """Bind the UDP socket (reporting started once bound), then serve and look up until cancelled."""
        family = trio.socket.AF_INET6 if ":" in self.address else trio.socket.AF_INET
        sock = trio.socket.socket(family, trio.socket.SOCK_DGRAM)
        try:
            await sock.bind((self.address, self.port))
        except OSError as exc:
            sock.close()
            raise OSError(f"discovery cannot bind UDP {self.address}:{self.port}: {exc}") from exc
        self.port = sock.getsockname()[1]
        if self.tcp_port == 0:
            self.tcp_port = self.port
        self._socket = sock
        try:
            async with trio.open_nursery() as nursery:
                self._nursery = nursery
                nursery.start_soon(self._receive_loop)
                nursery.start_soon(self._refresh_loop)
                task_status.started()
        finally:
            self._nursery = None
            self._socket = None
            sock.close()

    def known_nodes(self) -> list[ENode]:
        """Bonded nodes (they answered our ping), for the peer pool to dial."""
        return self.table.nodes()

    async def lookup(self, target: bytes | None = None) -> list[ENode]:
        """Iterative Kademlia lookup of `target` (a random id if None): the closest bonded nodes found."""
        if self._socket is None:
            raise RuntimeError("discovery is not running")
        target = target if target is not None else os.urandom(64)
        if not self.table.nodes():
            await self._bond_all(self.bootnodes)
        target_hash = int.from_bytes(keccak(target), "big")

        def distance(node: ENode) -> int:
            return int.from_bytes(keccak(node.node_id), "big") ^ target_hash

        closest = self.table.closest(target)
        seen = {node.node_id for node in closest} | {self.node_id}
        asked: set[bytes] = set()
        while True:
            batch = [node for node in closest if node.node_id not in asked][:ALPHA]
            if not batch:
                break
            asked.update(node.node_id for node in batch)
            found = await self._find_nodes(batch, target)
            new = []
            for node in found:
                if node.node_id not in seen:
                    seen.add(node.node_id)
                    new.append(node)
            bonded = await self._bond_all(new)
            closest = sorted(closest + bonded, key=distance)[:BUCKET_SIZE]
        return closest

    # --- requests -----------------------------------------------------------------------------------------------

    async def ping(self, node: ENode) -> bool:
        """Ping `node` and wait for its pong; on success the node is bonded and goes into the table."""
        ours = Endpoint(self._our_ip(), self.port, self.tcp_port)
        packet = encode_packet(
            self.private_key,
            Ping(DISCOVERY_VERSION, ours, Endpoint(node.host, node.udp_port, node.tcp_port), _expiration()),
            self.packet_types,
        )
        # Signatures are deterministic: two pings to a node within one second are the same packet and share a pong.
        shared = self._pending_pongs.get(packet[:32])
        answered = shared[1] if shared is not None else trio.Event()
        if shared is None:
            self._pending_pongs[packet[:32]] = (node.node_id, answered)
        try:
            await self._send(packet, node)
            with trio.move_on_after(self.request_timeout):
                await answered.wait()
        finally:
            if shared is None:
                del self._pending_pongs[packet[:32]]
        if not answered.is_set():
            return False
        self._last_pong[node.node_id] = time.monotonic()
        self._add(node)
        return True

    async def find_node(self, node: ENode, target: bytes) -> list[ENode]:
        """Ask `node` for its neighbours of `target`; what arrives within the request timeout (up to 16 nodes).

        A node that leaves MAX_FINDNODE_FAILURES requests in a row unanswered leaves the table, as in go-ethereum.
        """
        if node.node_id in self._neighbors:
            return []
        request = _NeighborsRequest()
        self._neighbors[node.node_id] = request
        try:
            await self._send(encode_packet(self.private_key, FindNode(target, _expiration()), self.packet_types), node)
            with trio.move_on_after(self.request_timeout):
                await request.done.wait()
        finally:
            del self._neighbors[node.node_id]
        if request.nodes or request.done.is_set():
            self._findnode_failures.pop(node.node_id, None)
        else:
            failures = self._findnode_failures[node.node_id] = self._findnode_failures.get(node.node_id, 0) + 1
            if failures >= MAX_FINDNODE_FAILURES:
                logger.debug("discovery: dropping %s after %d unanswered findnode", node, failures)
                self.table.remove(node.node_id)
                self._last_pong.pop(node.node_id, None)
                del self._findnode_failures[node.node_id]
        return request.nodes

    async def _find_nodes(self, nodes: Sequence[ENode], target: bytes) -> list[ENode]:
        """find_node on several nodes at once; their answers, concatenated."""
        found: list[ENode] = []

        async def ask(node: ENode) -> None:
            found.extend(await self.find_node(node, target))

        async with trio.open_nursery() as nursery:
            for node in nodes:
                nursery.start_soon(ask, node)
        return found

    def _is_bonded(self, node_id: bytes) -> bool:
        last = self._last_pong.get(node_id)
        return last is not None and time.monotonic() - last < BOND_EXPIRATION

    async def bond(self, node: ENode) -> bool:
        """Make sure both sides have proved their address: ping unless bonded, then wait for the node's own ping.

        The remote answers findnode only once it has bonded with us (its ping, our pong), as go-ethereum requires.
        """
        if node.node_id == self.node_id:
            return False
        if self._is_bonded(node.node_id):
            self._add(node)
            return True
        pinged = self._pinged_by.setdefault(node.node_id, trio.Event())
        if not await self.ping(node):
            return False
        last_ping = self._last_ping.get(node.node_id)
        if last_ping is None or time.monotonic() - last_ping > BOND_EXPIRATION:
            with trio.move_on_after(self.request_timeout):
                await pinged.wait()
        if self._pinged_by.get(node.node_id) is pinged:
            del self._pinged_by[node.node_id]
        return True

    async def _bond_all(self, nodes: Sequence[ENode]) -> list[ENode]:
        bonded: list[ENode] = []

        async def one(node: ENode) -> None:
            if await self.bond(node):
                bonded.append(node)

        async with trio.open_nursery() as nursery:
            for node in nodes:
                nursery.start_soon(one, node)
        return bonded

    def _add(self, node: ENode) -> None:
        oldest = self.table.add(node)
        if oldest is not None and self._nursery is not None:
            self._nursery.start_soon(self._replace_if_dead, oldest, node)

    async def _replace_if_dead(self, oldest: ENode, candidate: ENode) -> None:
        """A full bucket keeps its oldest node while that node still answers, as Kademlia prefers long-lived nodes."""
        if not await self.ping(oldest):
            self.table.remove(oldest.node_id)
            self._last_pong.pop(oldest.node_id, None)
            self.table.add(candidate)

    # --- the socket ---------------------------------------------------------------------------------------------

    def _our_ip(self) -> str:
        """The address we announce in pings; receivers go by the packet's source address anyway."""
        return self.address or "0.0.0.0"

    async def _send(self, packet: bytes, node: ENode) -> None:
        if self._socket is None:
            return
        try:
            await self._socket.sendto(packet, (node.host, node.udp_port))
        except OSError as exc:
            logger.debug("discovery: cannot send to %s:%d: %s", node.host, node.udp_port, exc)

    async def _receive_loop(self) -> None:
        while True:
            try:
                data, address = await self._socket.recvfrom(MAX_PACKET_SIZE * 2)
            except OSError as exc:  # e.g. ICMP port unreachable reported on the next read
                logger.debug("discovery: receive error: %s", exc)
                continue
            try:
                packet = decode_packet(data, self.packet_types)
            except DiscoveryPacketError as exc:
                logger.debug("discovery: dropped packet from %s: %s", address, exc)
                continue
            try:
                await self._handle(packet, address[0], address[1])
            except (ValueError, DiscoveryPacketError) as exc:
                logger.debug("discovery: cannot handle packet from %s: %s", address, exc)

    async def _refresh_loop(self) -> None:
        """Bond with the bootnodes and look ourselves up now, then look up random targets periodically."""
        target: bytes | None = self.node_id
        while True:
            await self.lookup(target)
            await trio.sleep(self.lookup_interval * random.uniform(0.75, 1.25))
            self._forget_stale()
            target = None

    def _forget_stale(self) -> None:
        """Drop ping/pong times that no longer count, so that a flood of one-off senders does not grow memory."""
        horizon = time.monotonic() - BOND_EXPIRATION
        for times in (self._last_ping, self._last_pong):
            for node_id in [node_id for node_id, when in times.items() if when < horizon]:
                del times[node_id]

    async def _handle(self, packet: Packet, ip: str, udp_port: int) -> None:
        node_id = packet.sender.to_bytes()
        if node_id == self.node_id:
            return
        message = packet.message
        if isinstance(message, Ping):
            await self._reply(
                Pong(Endpoint(ip, udp_port, message.sender.tcp_port), packet.hash, _expiration()), ip, udp_port
            )
            self._last_ping[node_id] = time.monotonic()
            self._pinged_by.pop(node_id, trio.Event()).set()
            node = ENode(packet.sender, ip, message.sender.tcp_port, udp_port)
            if self._is_bonded(node_id):
                self._add(node)
            elif self._nursery is not None:
                self._nursery.start_soon(self.ping, node)
        elif isinstance(message, Pong):
            pending = self._pending_pongs.get(message.ping_hash)
            if pending is not None and pending[0] == node_id:
                pending[1].set()
        elif isinstance(message, FindNode):
            if not self._is_bonded(node_id):
                logger.debug("discovery: findnode from unbonded node %s ignored", node_id.hex()[:16])
                return
            closest = [node for node in self.table.closest(message.target) if relayable(ip, node.host)]
            for start in range(0, max(len(closest), 1), MAX_NEIGHBORS):
                chunk = tuple(closest[start : start + MAX_NEIGHBORS])
                await self._reply(Neighbors(chunk, _expiration()), ip, udp_port)
        else:
            request = self._neighbors.get(node_id)
            if request is None:
                return
            request.nodes.extend(message.nodes[: BUCKET_SIZE - len(request.nodes)])
            # Replies come in chunks of MAX_NEIGHBORS; a shorter chunk is the last one.
            if len(request.nodes) >= BUCKET_SIZE or len(message.nodes) < MAX_NEIGHBORS:
                request.done.set()

    async def _reply(self, message: Message, ip: str, udp_port: int) -> None:
        packet = encode_packet(self.private_key, message, self.packet_types)
        try:
            await self._socket.sendto(packet, (ip, udp_port))
        except OSError as exc:
            logger.debug("discovery: cannot reply to %s:%d: %s", ip, udp_port, exc)


def relayable(requester_ip: str, node_ip: str) -> bool:
    """Whether to tell a requester about a node: no loopback addresses to remote hosts, no LAN ones to the Internet.

    go-ethereum's netutil.CheckRelayIP applies the same rule, so that private addresses do not leak and peers are not
    sent to addresses they cannot reach.
    """
    requester, node = ipaddress.ip_address(requester_ip), ipaddress.ip_address(node_ip)
    if node.is_unspecified or node.is_multicast:
        return False
    if node.is_loopback and not requester.is_loopback:
        return False
    return not (node.is_private and not node.is_loopback and not (requester.is_private or requester.is_loopback))
