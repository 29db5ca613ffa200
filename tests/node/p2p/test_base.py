import pytest
import rlp
import trio

from tests.node.p2p import eip8_vectors as vectors
from tests.node.p2p.loopback import KEY_A, KEY_B, run_pair
from walton.node.p2p import base
from walton.node.p2p.base import DisconnectReason, Hello, PeerDisconnected
from walton.node.p2p.rlpx import ConnectionClosed, RLPxConnection, RLPxError

CAPS = (("eth", 62), ("eth", 63))


def _hello(key_node_id: bytes, version: int = base.BASE_PROTOCOL_VERSION) -> Hello:
    return Hello(version, "walton/v0.1.0/linux-x86_64/python3.11", CAPS, 10101, key_node_id)


HELLO_A = _hello(KEY_A.public_key.to_bytes())
HELLO_B = _hello(KEY_B.public_key.to_bytes())


def test_eip8_hello_vector_decodes_ignoring_extra_elements() -> None:
    hello = Hello.decode(bytes.fromhex(vectors.HELLO_V22))
    assert hello.version == 0x37  # the vector's bytes say 55 (EIP-8's text says 22); either way, higher than ours
    assert hello.client_id == "kneth/v0.91/plan9"
    assert hello.capabilities == (("eth", 61), ("mork", 22))
    assert hello.listen_port == 9999
    assert hello.node_id.hex().startswith("fda1cff674c90c9a")


def test_hello_round_trip_and_malformed_hellos() -> None:
    assert Hello.decode(HELLO_A.encode()) == HELLO_A
    for payload in (b"", b"\xc0", rlp.encode([5, b"x", [], 1]), rlp.encode([5, b"x", [b"eth"], 1, b"\x01" * 64])):
        with pytest.raises(RLPxError, match="malformed Hello"):
            Hello.decode(payload)
    with pytest.raises(RLPxError, match="64 bytes"):
        Hello.decode(rlp.encode([5, b"x", [], 1, b"\x01" * 63]))


def test_shared_capabilities_offsets() -> None:
    assert base.shared_capabilities(CAPS, [("eth", 63), ("les", 1)]) == [("eth", 63, 0x10)]
    assert base.shared_capabilities(CAPS, [("eth", 62)]) == [("eth", 62, 0x10)]
    assert base.shared_capabilities(CAPS, [("eth", 61), ("shh", 5)]) == []
    lengths = {("aaa", 1): 5, ("eth", 62): 8, ("eth", 63): 17, ("zzz", 2): 3}
    ours = [("zzz", 2), ("eth", 63), ("aaa", 1), ("eth", 62)]
    theirs = [("eth", 62), ("zzz", 2), ("aaa", 1), ("aaa", 2)]
    # In name order from 0x10, each protocol taking its message count: aaa/1 (5 ids), eth/62 (8 ids), zzz/2.
    assert base.shared_capabilities(ours, theirs, lengths) == [("aaa", 1, 0x10), ("eth", 62, 0x15), ("zzz", 2, 0x1D)]


async def _exchange(dialer: RLPxConnection, listener: RLPxConnection, ours: Hello, theirs: Hello) -> Hello:
    """Both sides send their Hello at once; returns what the dialer received."""
    received: list[Hello] = []

    async def listener_side() -> None:
        assert await base.exchange_hello(listener, theirs) == ours

    async with trio.open_nursery() as nursery:
        nursery.start_soon(listener_side)
        received.append(await base.exchange_hello(dialer, ours))
    return received[0]


def test_hello_exchange_enables_snappy_at_version_5() -> None:
    async def check(dialer: RLPxConnection, listener: RLPxConnection) -> None:
        assert await _exchange(dialer, listener, HELLO_A, HELLO_B) == HELLO_B
        assert dialer.snappy and listener.snappy
        async with trio.open_nursery() as nursery:
            nursery.start_soon(dialer.send_message, 0x13, b"\x00" * 10_000)
            assert await listener.receive_message() == (0x13, b"\x00" * 10_000)

    run_pair(check)


def test_hello_exchange_with_a_version_4_peer_stays_uncompressed() -> None:
    async def check(dialer: RLPxConnection, listener: RLPxConnection) -> None:
        await _exchange(dialer, listener, HELLO_A, _hello(KEY_B.public_key.to_bytes(), version=4))
        assert not dialer.snappy and not listener.snappy

    run_pair(check)


def test_disconnect_instead_of_hello() -> None:
    async def check(dialer: RLPxConnection, listener: RLPxConnection) -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(base.disconnect, listener, DisconnectReason.TOO_MANY_PEERS)
            with pytest.raises(PeerDisconnected) as info:
                await base.exchange_hello(dialer, HELLO_A)
        assert info.value.reason == DisconnectReason.TOO_MANY_PEERS
        assert "TOO_MANY_PEERS" in str(info.value)

    run_pair(check)


@pytest.mark.parametrize(
    ("code", "payload", "error"),
    [
        (0x10, b"\xc0", "expected Hello"),
        (base.HELLO, b"\xc3\x01\x02\x03", "malformed Hello"),
        (base.HELLO, HELLO_A.encode(), "differs from the key"),  # B claims A's node id
    ],
)
def test_bad_hellos_raise_rlpx_error(code: int, payload: bytes, error: str) -> None:
    async def check(dialer: RLPxConnection, listener: RLPxConnection) -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(listener.send_message, code, payload)
            with pytest.raises(RLPxError, match=error):
                await base.exchange_hello(dialer, HELLO_A)

    run_pair(check)


def test_silent_peer_times_out_in_hello() -> None:
    async def check(dialer: RLPxConnection, listener: RLPxConnection) -> None:
        with pytest.raises(RLPxError, match="no Hello"):
            await base.exchange_hello(dialer, HELLO_A, timeout=0.3)

    run_pair(check)


def test_ping_pong_and_disconnect_reasons() -> None:
    async def check(dialer: RLPxConnection, listener: RLPxConnection) -> None:
        await _exchange(dialer, listener, HELLO_A, HELLO_B)
        await base.ping(dialer)
        code, payload = await listener.receive_message()
        assert code == base.PING
        assert await base.handle_base_message(listener, code, payload)
        assert await dialer.receive_message() == (base.PONG, b"\xc0")
        assert await base.handle_base_message(dialer, base.PONG, b"\xc0")
        assert not await base.handle_base_message(dialer, 0x10, b"\xc0")
        assert await base.handle_base_message(dialer, 0x0F, b"")  # reserved ids are ignored
        with pytest.raises(RLPxError, match="second Hello"):
            await base.handle_base_message(dialer, base.HELLO, HELLO_B.encode())
        # Reasons come as [reason] or bare, and may be unknown numbers.
        for payload, reason in ((rlp.encode([4]), 4), (rlp.encode(9), 9), (b"", 0), (rlp.encode([0x42]), 0x42)):
            with pytest.raises(PeerDisconnected) as info:
                await base.handle_base_message(dialer, base.DISCONNECT, payload)
            assert info.value.reason == reason
        assert isinstance(base.decode_disconnect(rlp.encode([4])), DisconnectReason)
        await base.disconnect(listener, DisconnectReason.SUBPROTOCOL_ERROR)
        code, payload = await dialer.receive_message()
        with pytest.raises(PeerDisconnected) as info:
            await base.handle_base_message(dialer, code, payload)
        assert info.value.reason is DisconnectReason.SUBPROTOCOL_ERROR
        with pytest.raises(ConnectionClosed):
            await dialer.receive_message()

    run_pair(check)
