"""Random input never gets past the wire decoders as anything but their own error (or a valid decode)."""

import contextlib

import rlp
from eth_keys.datatypes import PrivateKey
from eth_utils import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.node.p2p import eip8_vectors as vectors
from walton.node.p2p import base, discovery, ecies, rlpx

KEY = PrivateKey(bytes.fromhex(vectors.STATIC_KEY_B))
FUZZ = settings(max_examples=150, deadline=None)

# Nested RLP items: byte strings (short, and sometimes 4/16/64 bytes like IPs and ids) and lists of them.
rlp_items = st.recursive(
    st.one_of(st.binary(max_size=20), st.binary(min_size=4, max_size=4), st.binary(min_size=64, max_size=64)),
    lambda children: st.lists(children, max_size=6),
    max_leaves=20,
)


@FUZZ
@given(st.binary(max_size=1400))
def test_discovery_garbage(data: bytes) -> None:
    with contextlib.suppress(discovery.DiscoveryPacketError):
        discovery.decode_packet(data)


@FUZZ
@given(st.sampled_from([200, 201, 202, 203, 7]), rlp_items, st.binary(max_size=8))
def test_discovery_signed_nonsense(type_byte: int, payload: object, trailing: bytes) -> None:
    """Correctly signed and hashed packets with arbitrary payloads: decoded or refused, nothing else."""
    data = bytes([type_byte]) + rlp.encode(payload) + trailing
    signature = KEY.sign_msg_hash(keccak(data)).to_bytes()
    packet = keccak(signature + data) + signature + data
    try:
        decoded = discovery.decode_packet(packet, now=0)
    except discovery.DiscoveryPacketError:
        return
    assert decoded.sender == KEY.public_key


@FUZZ
@given(st.one_of(st.binary(max_size=300), rlp_items.map(rlp.encode)))
def test_hello_and_disconnect_garbage(payload: bytes) -> None:
    with contextlib.suppress(rlpx.RLPxError):
        base.Hello.decode(payload)
    reason = base.decode_disconnect(payload)
    assert isinstance(reason, int)


@FUZZ
@given(st.binary(max_size=700))
def test_handshake_garbage(packet: bytes) -> None:
    for decode in (rlpx.decode_auth, rlpx.decode_ack):
        with contextlib.suppress(rlpx.RLPxError):
            decode(KEY, packet)


@FUZZ
@given(rlp_items, st.binary(max_size=120))
def test_handshake_bodies_that_decrypt(body: object, padding: bytes) -> None:
    """Auth/ack bodies that pass ECIES (so only our parsing stands between them and the key schedule)."""
    plain = rlp.encode(body) + padding
    prefix = (len(plain) + ecies.CIPHERTEXT_OVERHEAD).to_bytes(2, "big")
    packet = prefix + ecies.encrypt(KEY.public_key, plain, prefix)
    for decode in (rlpx.decode_auth, rlpx.decode_ack):
        with contextlib.suppress(rlpx.RLPxError):
            decode(KEY, packet)


@FUZZ
@given(st.binary(min_size=1, max_size=300))
def test_frame_contents_garbage(frame: bytes) -> None:
    """What a frame holds once its MAC checks: the message code and, with snappy, the compressed payload."""
    with contextlib.suppress(rlpx.RLPxError):
        rlpx._split_code(frame)
    with contextlib.suppress(rlpx.RLPxError):
        rlpx._decompress(frame, 1 << 16)
