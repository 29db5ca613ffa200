import itertools
import os
import time

import pytest
import trio
from eth_keys.datatypes import PrivateKey
from eth_utils import keccak

from tests.node.p2p import eip8_vectors as vectors
from walton.node.p2p import discovery
from walton.node.p2p.discovery import (
    ETHEREUM_PACKET_TYPES,
    WALTON_PACKET_TYPES,
    DiscoveryPacketError,
    DiscoveryService,
    Endpoint,
    FindNode,
    Neighbors,
    Ping,
    Pong,
    decode_packet,
    encode_packet,
)
from walton.node.p2p.enode import ENode

VECTOR_KEY = PrivateKey(bytes.fromhex(vectors.STATIC_KEY_B))
BEFORE_EXPIRY = vectors.DISCOVERY_EXPIRATION - 1


def _ping() -> Ping:
    return Ping(4, Endpoint("127.0.0.1", 10101, 10101), Endpoint("10.0.0.2", 10102, 10103), int(time.time()) + 20)


# --- packets ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["PING_V4", "PING_V555", "PONG", "FINDNODE", "NEIGHBOURS"])
def test_eip8_discovery_vectors_decode_with_ethereum_types(name: str) -> None:
    """EIP-8's packets (extra list elements, trailing data) decode; the signer is the published key."""
    packet = decode_packet(bytes.fromhex(getattr(vectors, name)), ETHEREUM_PACKET_TYPES, now=BEFORE_EXPIRY)
    assert packet.sender == VECTOR_KEY.public_key
    assert packet.message.expiration == vectors.DISCOVERY_EXPIRATION
    message = packet.message
    if name == "PING_V4":
        assert message == Ping(
            4, Endpoint("127.0.0.1", 3322, 5544), Endpoint("::1", 2222, 3333), vectors.DISCOVERY_EXPIRATION
        )
    elif name == "PING_V555":
        assert isinstance(message, Ping) and message.version == 555
    elif name == "PONG":
        assert isinstance(message, Pong) and message.ping_hash.hex().startswith("fbc914b1")
    elif name == "FINDNODE":
        assert message == FindNode(VECTOR_KEY.public_key.to_bytes(), vectors.DISCOVERY_EXPIRATION)
    else:
        assert isinstance(message, Neighbors)
        assert [(n.host, n.udp_port, n.tcp_port) for n in message.nodes] == [
            ("99.33.22.55", 4444, 4445),
            ("1.2.3.4", 1, 1),
            ("2001:db8:3c4d:15::abcd:ef12", 3333, 3333),
            ("2001:db8:85a3:8d3:1319:8a2e:370:7348", 999, 1000),
        ]


def test_ethereum_packets_are_not_walton_packets() -> None:
    """Gwtc's type bytes keep the two discovery networks apart, in both directions."""
    for name in ("PING_V4", "PONG", "FINDNODE", "NEIGHBOURS"):
        with pytest.raises(DiscoveryPacketError, match="unknown packet type"):
            decode_packet(bytes.fromhex(getattr(vectors, name)), WALTON_PACKET_TYPES, now=BEFORE_EXPIRY)
    walton_ping = encode_packet(VECTOR_KEY, _ping(), WALTON_PACKET_TYPES)
    with pytest.raises(DiscoveryPacketError, match="unknown packet type"):
        decode_packet(walton_ping, ETHEREUM_PACKET_TYPES)


@pytest.mark.parametrize("types", [WALTON_PACKET_TYPES, ETHEREUM_PACKET_TYPES])
def test_packets_round_trip_with_signature_recovery(types: discovery.PacketTypes) -> None:
    key = PrivateKey(os.urandom(32))
    expiration = int(time.time()) + 20
    node = ENode(PrivateKey(os.urandom(32)).public_key, "2001:db8::1", 10101, 10102)
    messages = [
        _ping(),
        Pong(Endpoint("10.1.2.3", 1, 2), b"\x11" * 32, expiration),
        FindNode(node.node_id, expiration),
        Neighbors((node,) * discovery.MAX_NEIGHBORS, expiration),
    ]
    for message, type_byte in zip(messages, (types.ping, types.pong, types.find_node, types.neighbors), strict=True):
        packet = encode_packet(key, message, types)
        assert packet[97] == type_byte
        assert len(packet) <= discovery.MAX_PACKET_SIZE
        decoded = decode_packet(packet, types)
        assert (decoded.sender, decoded.hash, decoded.message) == (key.public_key, packet[:32], message)


def test_bad_packets_are_refused() -> None:
    packet = bytearray(encode_packet(VECTOR_KEY, _ping()))
    bad_hash = bytearray(packet)
    bad_hash[0] ^= 1
    with pytest.raises(DiscoveryPacketError, match="hash"):
        decode_packet(bytes(bad_hash))
    bad_payload = bytearray(packet)
    bad_payload[-1] ^= 1
    with pytest.raises(DiscoveryPacketError, match="hash"):
        decode_packet(bytes(bad_payload))
    # A signature with a bad recovery id, hash recomputed so that only the signature is wrong.
    body = packet[32:96] + b"\x07" + packet[97:]
    with pytest.raises(DiscoveryPacketError, match="signature"):
        decode_packet(keccak(body) + body)
    # A changed s still recovers a key, but another one: the packet is not attributed to the signer.
    tampered_sig = bytearray(packet[32:])
    tampered_sig[40] ^= 1
    assert decode_packet(keccak(bytes(tampered_sig)) + bytes(tampered_sig)).sender != VECTOR_KEY.public_key
    expired = encode_packet(VECTOR_KEY, Ping(4, _ping().sender, _ping().recipient, int(time.time()) - 1))
    with pytest.raises(DiscoveryPacketError, match="expired"):
        decode_packet(expired)
    with pytest.raises(DiscoveryPacketError, match="too short"):
        decode_packet(bytes(packet[:98]))
    with pytest.raises(DiscoveryPacketError, match="exceeds"):
        decode_packet(bytes(packet) + b"\x00" * 1280)
    not_rlp = b"\xc8" + b"\xff" * 3
    with pytest.raises(DiscoveryPacketError):
        decode_packet(keccak(packet[32:97] + not_rlp) + packet[32:97] + not_rlp)


def test_routing_table_buckets_and_closest() -> None:
    own = PrivateKey(b"\x01" * 32).public_key.to_bytes()
    table = discovery.RoutingTable(own)
    assert table.add(ENode(PrivateKey(b"\x01" * 32).public_key, "10.0.0.1", 1, 1)) is None
    assert table.nodes() == []  # never ourselves
    far: list[ENode] = []  # nodes at the largest distance (about half of all ids), all in the last bucket
    seed = 2
    while len(far) < discovery.BUCKET_SIZE + 1:
        node = ENode(PrivateKey(seed.to_bytes(32, "big")).public_key, "10.0.0.1", 1, 1)
        seed += 1
        if discovery.log_distance(own, node.node_id) == 256:
            far.append(node)
    for node in far[:-1]:
        assert table.add(node) is None
    # A full bucket keeps its nodes and names the oldest one, which the service then pings before replacing it.
    assert table.add(far[-1]) == far[0]
    assert table.get(far[-1].node_id) is None
    # Seeing a node again makes it the most recent.
    assert table.add(far[0]) is None
    assert table.buckets[255][-1] == far[0]
    assert table.add(far[-1]) == far[1]
    target = far[5].node_id
    closest = table.closest(target, 4)
    assert closest[0] == far[5]
    distances = [int.from_bytes(keccak(n.node_id), "big") ^ int.from_bytes(keccak(target), "big") for n in closest]
    assert distances == sorted(distances)
    table.remove(far[5].node_id)
    assert table.get(far[5].node_id) is None
    assert len(table.nodes()) == discovery.BUCKET_SIZE - 1


def test_relay_rules_keep_private_addresses_private() -> None:
    assert discovery.relayable("127.0.0.1", "127.0.0.1")
    assert not discovery.relayable("8.8.8.8", "127.0.0.1")
    assert not discovery.relayable("192.168.1.5", "127.0.0.1")
    assert discovery.relayable("192.168.1.5", "10.0.0.7")
    assert discovery.relayable("127.0.0.1", "10.0.0.7")
    assert not discovery.relayable("8.8.8.8", "10.0.0.7")
    assert discovery.relayable("8.8.8.8", "47.88.226.40")
    assert discovery.relayable("10.0.0.1", "47.88.226.40")
    assert not discovery.relayable("8.8.8.8", "0.0.0.0")
    assert not discovery.relayable("8.8.8.8", "224.0.0.1")
    assert not discovery.relayable("2001:db8::1", "::1")


# --- services on loopback --------------------------------------------------------------------------------------------


def test_three_services_find_each_other_through_one_bootnode() -> None:
    keys = [PrivateKey(os.urandom(32)) for _ in range(3)]

    async def main() -> None:
        with trio.fail_after(30):
            async with trio.open_nursery() as nursery:
                boot = DiscoveryService(keys[0], "127.0.0.1", 0, [], lookup_interval=0.5)
                await nursery.start(boot.run)
                boot_enode = ENode(keys[0].public_key, "127.0.0.1", boot.port, boot.port)
                services = [boot]
                for key in keys[1:]:
                    service = DiscoveryService(key, "127.0.0.1", 0, [boot_enode], lookup_interval=0.5)
                    await nursery.start(service.run)
                    services.append(service)
                while True:
                    known = [{n.node_id for n in s.known_nodes()} for s in services]
                    if all(
                        known[i] == {k.public_key.to_bytes() for k in keys} - {keys[i].public_key.to_bytes()}
                        for i in range(3)
                    ):
                        break
                    await trio.sleep(0.1)
                # Endpoints are the real sockets, so the peer pool could dial them.
                by_id = {n.node_id: n for n in services[1].known_nodes()}
                assert by_id[keys[2].public_key.to_bytes()].udp_port == services[2].port
                found = await services[1].lookup(keys[2].public_key.to_bytes())
                assert found[0].node_id == keys[2].public_key.to_bytes()
                nursery.cancel_scope.cancel()

    trio.run(main)


def test_service_ignores_garbage_and_the_other_network() -> None:
    """Garbage, Ethereum-typed packets and findnode from unbonded nodes get no answer; the service keeps serving."""
    key, stranger = PrivateKey(os.urandom(32)), PrivateKey(os.urandom(32))

    async def main() -> None:
        with trio.fail_after(20):
            async with trio.open_nursery() as nursery:
                service = DiscoveryService(key, "127.0.0.1", 0, [], lookup_interval=3600)
                await nursery.start(service.run)
                sock = trio.socket.socket(trio.socket.AF_INET, trio.socket.SOCK_DGRAM)
                await sock.bind(("127.0.0.1", 0))
                target = ("127.0.0.1", service.port)
                for junk in (
                    b"",
                    b"\x00" * 50,
                    os.urandom(1500),
                    encode_packet(stranger, _ping(), ETHEREUM_PACKET_TYPES),
                ):
                    await sock.sendto(junk, target)
                await sock.sendto(encode_packet(stranger, FindNode(b"\x00" * 64, int(time.time()) + 20)), target)
                with trio.move_on_after(0.5) as quiet:
                    await sock.recvfrom(2048)
                assert quiet.cancelled_caught, "answered garbage, the other network or an unbonded findnode"
                ping = encode_packet(stranger, _ping())
                await sock.sendto(ping, target)
                data, _ = await sock.recvfrom(2048)
                pong = decode_packet(data)
                assert isinstance(pong.message, Pong) and pong.message.ping_hash == ping[:32]
                assert pong.sender == key.public_key
                sock.close()
                nursery.cancel_scope.cancel()

    trio.run(main)


def test_full_bucket_replaces_its_oldest_node_when_that_one_is_dead() -> None:
    """16 unreachable nodes fill a bucket; a live node landing in it replaces the oldest after a failed ping."""
    key = PrivateKey(b"\x11" * 32)
    own = key.public_key.to_bytes()
    far_keys = (PrivateKey(seed.to_bytes(32, "big")) for seed in range(2, 10_000))
    at_256 = (k for k in far_keys if discovery.log_distance(own, k.public_key.to_bytes()) == 256)
    far = list(itertools.islice(at_256, discovery.BUCKET_SIZE + 1))

    async def main() -> None:
        with trio.fail_after(20):
            async with trio.open_nursery() as nursery:
                service = DiscoveryService(key, "127.0.0.1", 0, [], lookup_interval=3600, request_timeout=0.3)
                await nursery.start(service.run)
                live = DiscoveryService(far[0], "127.0.0.1", 0, [], lookup_interval=3600, request_timeout=0.3)
                await nursery.start(live.run)
                dead = [ENode(k.public_key, "127.0.0.1", 9, 9) for k in far[1 : 1 + discovery.BUCKET_SIZE]]
                for node in dead:  # the discard port: pings go nowhere
                    service.table.add(node)
                assert await service.bond(ENode(far[0].public_key, "127.0.0.1", live.port, live.port))
                for _ in range(50):
                    if service.table.get(far[0].public_key.to_bytes()) is not None:
                        break
                    await trio.sleep(0.1)
                bucket = [n.node_id for n in service.table.buckets[255]]
                assert far[0].public_key.to_bytes() in bucket
                assert dead[0].node_id not in bucket
                assert len(bucket) == discovery.BUCKET_SIZE
                nursery.cancel_scope.cancel()

    trio.run(main)


def test_a_node_that_stops_answering_findnode_leaves_the_table() -> None:
    key, gone = PrivateKey(os.urandom(32)), PrivateKey(os.urandom(32))

    async def main() -> None:
        with trio.fail_after(20):
            async with trio.open_nursery() as nursery:
                service = DiscoveryService(key, "127.0.0.1", 0, [], lookup_interval=3600, request_timeout=0.05)
                await nursery.start(service.run)
                node = ENode(gone.public_key, "127.0.0.1", 9, 9)
                service.table.add(node)
                for attempt in range(discovery.MAX_FINDNODE_FAILURES):
                    assert service.table.get(node.node_id) is not None, attempt
                    assert await service.find_node(node, os.urandom(64)) == []
                assert service.table.get(node.node_id) is None
                nursery.cancel_scope.cancel()

    trio.run(main)
