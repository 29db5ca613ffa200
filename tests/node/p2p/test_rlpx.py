import os
from collections.abc import Awaitable, Callable

import pytest
import trio
import trio.testing
from eth_keys.datatypes import PrivateKey, PublicKey
from eth_utils import keccak

from tests.node.p2p import eip8_vectors as vectors
from tests.node.p2p import loopback
from tests.node.p2p.loopback import run_pair
from walton.node.p2p import ecies, rlpx

KEY_A = PrivateKey(bytes.fromhex(vectors.STATIC_KEY_A))
KEY_B = PrivateKey(bytes.fromhex(vectors.STATIC_KEY_B))
EPHEMERAL_A = PrivateKey(bytes.fromhex(vectors.EPHEMERAL_KEY_A))
EPHEMERAL_B = PrivateKey(bytes.fromhex(vectors.EPHEMERAL_KEY_B))


# --- the published EIP-8 vectors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("packet", "eip8", "version"), [(vectors.AUTH_1, False, 4), (vectors.AUTH_2, True, 4), (vectors.AUTH_3, True, 56)]
)
def test_eip8_auth_vectors(packet: str, eip8: bool, version: int) -> None:
    auth = rlpx.decode_auth(KEY_B, bytes.fromhex(packet))
    assert (auth.eip8, auth.version) == (eip8, version)
    assert auth.remote_public_key == KEY_A.public_key
    assert auth.remote_ephemeral_key == EPHEMERAL_A.public_key
    assert auth.nonce.hex() == vectors.NONCE_A


@pytest.mark.parametrize(
    ("packet", "eip8", "version"), [(vectors.ACK_1, False, 4), (vectors.ACK_2, True, 4), (vectors.ACK_3, True, 57)]
)
def test_eip8_ack_vectors(packet: str, eip8: bool, version: int) -> None:
    ack = rlpx.decode_ack(KEY_A, bytes.fromhex(packet))
    assert (ack.eip8, ack.version) == (eip8, version)
    assert ack.remote_ephemeral_key == EPHEMERAL_B.public_key
    assert ack.nonce.hex() == vectors.NONCE_B


def _vector_secrets(initiator: bool) -> rlpx.Secrets:
    return rlpx.derive_secrets(
        initiator=initiator,
        ephemeral_key=EPHEMERAL_A if initiator else EPHEMERAL_B,
        remote_ephemeral_key=(EPHEMERAL_B if initiator else EPHEMERAL_A).public_key,
        initiator_nonce=bytes.fromhex(vectors.NONCE_A),
        recipient_nonce=bytes.fromhex(vectors.NONCE_B),
        auth_packet=bytes.fromhex(vectors.AUTH_2),
        ack_packet=bytes.fromhex(vectors.ACK_2),
    )


def test_eip8_derived_secrets_and_ingress_mac() -> None:
    b = _vector_secrets(initiator=False)
    assert b.aes_secret.hex() == vectors.AES_SECRET
    assert b.mac_secret.hex() == vectors.MAC_SECRET
    b.ingress_mac.update(b"foo")
    assert b.ingress_mac.digest().hex() == vectors.INGRESS_MAC_FOO
    # A's egress MAC is B's ingress MAC.
    a = _vector_secrets(initiator=True)
    assert (a.aes_secret, a.mac_secret) == (b.aes_secret, b.mac_secret)
    a.egress_mac.update(b"foo")
    assert a.egress_mac.digest().hex() == vectors.INGRESS_MAC_FOO


def test_our_auth_and_ack_decode_on_the_other_side() -> None:
    nonce = os.urandom(32)
    auth = rlpx.decode_auth(KEY_B, rlpx.make_auth(KEY_A, KEY_B.public_key, EPHEMERAL_A, nonce))
    assert (auth.eip8, auth.nonce, auth.remote_ephemeral_key) == (True, nonce, EPHEMERAL_A.public_key)
    for eip8 in (False, True):
        packet = rlpx.make_ack(KEY_A.public_key, EPHEMERAL_B, nonce, eip8)
        assert len(packet) == rlpx.LEGACY_ACK_SIZE or eip8
        ack = rlpx.decode_ack(KEY_A, packet)
        assert (ack.eip8, ack.nonce, ack.remote_ephemeral_key) == (eip8, nonce, EPHEMERAL_B.public_key)


def test_garbage_handshake_packets_raise_rlpx_error() -> None:
    for packet in (b"", os.urandom(rlpx.LEGACY_AUTH_SIZE), b"\x01\x00" + os.urandom(254)):
        with pytest.raises(rlpx.RLPxError):
            rlpx.decode_auth(KEY_B, packet)
        with pytest.raises(rlpx.RLPxError):
            rlpx.decode_ack(KEY_A, packet)
    # Well encrypted, but not RLP / wrong shape inside.
    prefix = (300 + ecies.CIPHERTEXT_OVERHEAD).to_bytes(2, "big")
    with pytest.raises(rlpx.RLPxError, match=r"RLP|list"):
        rlpx.decode_auth(KEY_B, prefix + ecies.encrypt(KEY_B.public_key, b"\xff" * 300, prefix))


class _ConstantMac:
    """go-ethereum's test stub for a MAC state: absorbs nothing, always digests to 0x01 * 32."""

    def update(self, data: bytes) -> None:
        pass

    def digest(self) -> bytes:
        return b"\x01" * 32


def test_go_ethereum_golden_frame() -> None:
    """go-ethereum's frame vector (p2p/rlpx_test.go): AES and MAC secrets keccak256(b""), a stub MAC, code 8."""
    golden = bytes.fromhex(
        "00828ddae471818bb0bfa6b551d1cb42"
        "01010101010101010101010101010101"
        "ba628a4ba590cb43f7848f41c4382885"
        "01010101010101010101010101010101"
    )
    empty_hash = keccak(b"")

    def connection() -> rlpx.RLPxConnection:
        secrets = rlpx.Secrets(empty_hash, empty_hash, _ConstantMac(), _ConstantMac())
        return rlpx.RLPxConnection(trio.testing.memory_stream_pair()[0], secrets, KEY_B.public_key)

    assert connection().encode_frame(8, bytes.fromhex("c401020304")) == golden
    reader = connection()
    assert reader.decode_frame(reader.decode_header(golden[:32]), golden[32:]) == (8, bytes.fromhex("c401020304"))


# --- a real loopback connection -------------------------------------------------------------------------------------


def _run(test: Callable[[rlpx.RLPxConnection, rlpx.RLPxConnection], Awaitable[None]], **limits: int) -> None:
    async def limited(dialer: rlpx.RLPxConnection, listener: rlpx.RLPxConnection) -> None:
        for conn in (dialer, listener):
            conn.max_message_size = limits.get("max_message_size", conn.max_message_size)
        await test(dialer, listener)

    run_pair(limited)


@pytest.mark.parametrize("compressed", [False, True])
def test_frames_round_trip_both_ways(compressed: bool) -> None:
    big = os.urandom(1 << 19) * 2  # 1 MiB, half of it repeated so snappy has something to do

    async def check(dialer: rlpx.RLPxConnection, listener: rlpx.RLPxConnection) -> None:
        assert dialer.remote_public_key == loopback.KEY_B.public_key
        assert listener.remote_public_key == loopback.KEY_A.public_key
        if compressed:
            dialer.enable_snappy()
            listener.enable_snappy()
        messages = [
            (0x00, b"\xc0"),
            (0x10, b"\x82ab"),
            (0x7F, b""),
            (0x80, b"x" * 15),
            (0x1234, b"y" * 17),
            (0x11, big),
        ]
        for sender, receiver in ((dialer, listener), (listener, dialer)):
            async with trio.open_nursery() as nursery:
                for code, payload in messages:
                    nursery.start_soon(sender.send_message, code, payload)
                    assert await receiver.receive_message() == (code, payload)

    _run(check)


@pytest.mark.parametrize("where", ["header", "header-mac", "body", "frame-mac"])
def test_tampered_frames_are_refused(where: str) -> None:
    async def check(dialer: rlpx.RLPxConnection, listener: rlpx.RLPxConnection) -> None:
        frame = bytearray(dialer.encode_frame(0x10, b"\x83abc" + b"z" * 40))
        index = {"header": 3, "header-mac": 20, "body": 40, "frame-mac": len(frame) - 1}[where]
        frame[index] ^= 0x01
        await dialer.stream.send_all(bytes(frame))
        with pytest.raises(rlpx.RLPxError, match="MAC"):
            await listener.receive_message()

    _run(check)


def test_oversized_frame_header_is_refused_before_reading_the_body() -> None:
    async def check(dialer: rlpx.RLPxConnection, listener: rlpx.RLPxConnection) -> None:
        dialer.max_message_size = 1 << 20
        frame = dialer.encode_frame(0x10, b"a" * 5000)
        await dialer.stream.send_all(frame[:32])  # the header only: a reader that waited for the body would hang
        with pytest.raises(rlpx.RLPxError, match="exceeds"):
            await listener.receive_message()

    _run(check, max_message_size=4096)


def test_snappy_bomb_is_refused_before_decompressing() -> None:
    async def check(dialer: rlpx.RLPxConnection, listener: rlpx.RLPxConnection) -> None:
        dialer.enable_snappy()
        listener.enable_snappy()
        dialer.max_message_size = 1 << 20
        await dialer.send_message(0x10, b"\x00" * 100_000)  # a few KiB on the wire, 100 kB once decompressed
        with pytest.raises(rlpx.RLPxError, match="decompresses"):
            await listener.receive_message()

    _run(check, max_message_size=50_000)


def test_sending_over_the_limit_is_refused() -> None:
    async def check(dialer: rlpx.RLPxConnection, listener: rlpx.RLPxConnection) -> None:
        with pytest.raises(rlpx.RLPxError, match="exceeds"):
            await dialer.send_message(0x10, b"a" * (rlpx.MAX_MESSAGE_SIZE + 1))

    _run(check)


def test_eof_raises_connection_closed() -> None:
    async def check(dialer: rlpx.RLPxConnection, listener: rlpx.RLPxConnection) -> None:
        await dialer.aclose()
        with pytest.raises(rlpx.ConnectionClosed):
            await listener.receive_message()

    _run(check)


def test_legacy_auth_gets_a_legacy_ack_and_a_working_session() -> None:
    """A pre-EIP-8 dialer (307-byte auth) is still served, with a 210-byte ack."""

    async def main() -> None:
        with trio.fail_after(10):
            left, right = trio.testing.memory_stream_pair()
            ephemeral, nonce = PrivateKey(os.urandom(32)), os.urandom(32)
            signature = ephemeral.sign_msg_hash(rlpx._xor(ecies.ecdh(KEY_A, KEY_B.public_key), nonce))
            body = signature.to_bytes() + keccak(ephemeral.public_key.to_bytes()) + KEY_A.public_key.to_bytes()
            auth = ecies.encrypt(KEY_B.public_key, body + nonce + b"\x00")
            assert len(auth) == rlpx.LEGACY_AUTH_SIZE
            async with trio.open_nursery() as nursery:
                nursery.start_soon(left.send_all, auth)
                listener = await rlpx.respond(right, KEY_B, timeout=5)
            ack_packet = await left.receive_some(rlpx.LEGACY_ACK_SIZE)
            assert len(ack_packet) == rlpx.LEGACY_ACK_SIZE
            ack = rlpx.decode_ack(KEY_A, ack_packet)
            assert not ack.eip8
            secrets = rlpx.derive_secrets(
                initiator=True,
                ephemeral_key=ephemeral,
                remote_ephemeral_key=ack.remote_ephemeral_key,
                initiator_nonce=nonce,
                recipient_nonce=ack.nonce,
                auth_packet=auth,
                ack_packet=ack_packet,
            )
            dialer = rlpx.RLPxConnection(left, secrets, KEY_B.public_key)
            async with trio.open_nursery() as nursery:
                nursery.start_soon(dialer.send_message, 0x10, b"\x01")
                assert await listener.receive_message() == (0x10, b"\x01")

    trio.run(main)


@pytest.mark.parametrize("garbage", [b"", b"\x00" * 10, b"\xff" * 400, b"\x01\x40" + b"\x00" * 305])
def test_garbage_instead_of_auth_is_refused_within_the_timeout(garbage: bytes) -> None:
    async def main() -> None:
        listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
        port = listeners[0].socket.getsockname()[1]
        client = await trio.open_tcp_stream("127.0.0.1", port)
        server = await listeners[0].accept()
        await client.send_all(garbage)  # and then keep the socket open, silent
        start = trio.current_time()
        with pytest.raises(rlpx.RLPxError):
            await rlpx.respond(server, KEY_B, timeout=0.5)
        assert trio.current_time() - start < 2
        for resource in (client, server, listeners[0]):
            await resource.aclose()

    trio.run(main)


def test_dialing_a_wrong_key_fails_cleanly() -> None:
    """The listener cannot decrypt an auth made for another key: the dialer sees the connection close."""

    async def main() -> None:
        listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
        port = listeners[0].socket.getsockname()[1]

        async def accept() -> None:
            stream = await listeners[0].accept()
            with pytest.raises(rlpx.RLPxError):
                await rlpx.respond(stream, KEY_B, timeout=2)
            await stream.aclose()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(accept)
            with pytest.raises(rlpx.RLPxError):
                await rlpx.connect("127.0.0.1", port, KEY_A, PrivateKey(b"\x05" * 32).public_key, timeout=2)
        await listeners[0].aclose()

    trio.run(main)


def test_dialing_a_key_off_the_curve_is_an_rlpx_error() -> None:
    async def main() -> None:
        left, _right = trio.testing.memory_stream_pair()
        with pytest.raises(rlpx.RLPxError, match="cannot dial"):
            await rlpx.initiate(left, KEY_A, PublicKey(b"\xff" * 64))

    trio.run(main)
