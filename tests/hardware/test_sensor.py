"""Sensor packets are deterministic canonical CBOR; stamps and stamp digests detect any change."""

import os

import cbor2
import pytest

from walton.hardware.identity import DeviceKey, KeyType, verify_signature
from walton.hardware.sensor import decode_packet, encode_packet, stamp_digest, stamp_of

DEVICE = bytes(range(32))
READINGS = {"temperature": (21.5, "Cel"), "humidity": (48, "%"), "pressure": (101.325, "kPa")}


def test_packet_is_deterministic_whatever_the_reading_order() -> None:
    first = encode_packet(DEVICE, 7, 1_700_000_000, READINGS)
    again = encode_packet(DEVICE, 7, 1_700_000_000, dict(reversed(list(READINGS.items()))))
    assert first == again
    assert stamp_of(first) == stamp_of(again)
    assert len(stamp_of(first)) == 32


def test_packet_round_trips() -> None:
    packet = encode_packet(DEVICE, 7, 1_700_000_000, READINGS)
    decoded = decode_packet(packet)
    assert (decoded.device_id, decoded.sequence, decoded.timestamp) == (DEVICE, 7, 1_700_000_000)
    assert decoded.readings == READINGS


def test_any_change_changes_the_stamp() -> None:
    base = stamp_of(encode_packet(DEVICE, 7, 1_700_000_000, READINGS))
    variants = [
        encode_packet(bytes(32), 7, 1_700_000_000, READINGS),
        encode_packet(DEVICE, 8, 1_700_000_000, READINGS),
        encode_packet(DEVICE, 7, 1_700_000_001, READINGS),
        encode_packet(DEVICE, 7, 1_700_000_000, {**READINGS, "temperature": (21.6, "Cel")}),
        encode_packet(DEVICE, 7, 1_700_000_000, {**READINGS, "temperature": (21.5, "K")}),
    ]
    assert len({base, *(stamp_of(v) for v in variants)}) == len(variants) + 1


def test_non_canonical_or_malformed_packets_are_refused() -> None:
    packet = encode_packet(DEVICE, 7, 1_700_000_000, READINGS)
    body = cbor2.loads(packet)
    # The same content with keys in insertion order rather than canonical order.
    reordered = cbor2.dumps({"t": body["t"], "s": body["s"], "d": body["d"], "r": body["r"]})
    with pytest.raises(ValueError, match="canonical"):
        decode_packet(reordered)
    with pytest.raises(ValueError, match="not valid CBOR"):
        decode_packet(b"\x83\x01")
    with pytest.raises(ValueError, match="exactly the keys"):
        decode_packet(cbor2.dumps({"d": DEVICE}, canonical=True))
    flipped = packet[:-1] + bytes([packet[-1] ^ 1])
    assert stamp_of(flipped) != stamp_of(packet)


def test_bad_readings_are_refused() -> None:
    for readings, message in [
        ({}, "at least one"),
        ({"t": (float("nan"), "Cel")}, "finite"),
        ({"t": ("hot", "Cel")}, "must be a number"),
        ({"t": (True, "Cel")}, "must be a number"),
        ({"t": (1, 2)}, "unit must be a string"),
        ({"": (1, "Cel")}, "non-empty"),
    ]:
        with pytest.raises(ValueError, match=message):
            encode_packet(DEVICE, 1, 1, readings)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="device id must be 32 bytes"):
        encode_packet(DEVICE[:31], 1, 1, READINGS)
    with pytest.raises(ValueError, match="sequence must be an integer"):
        encode_packet(DEVICE, -1, 1, READINGS)
    with pytest.raises(ValueError, match="more than the store"):
        encode_packet(DEVICE, 1, 1, {"blob": (1, "x" * 70_000)})


@pytest.mark.parametrize("key_type", [KeyType.SECP256K1, KeyType.P256])
def test_stamp_digest_binds_device_sequence_time_stamp_and_chain(key_type: KeyType) -> None:
    key = DeviceKey.generate(key_type)
    stamp = stamp_of(encode_packet(key.device_id, 1, 100, READINGS))
    digest = stamp_digest(key.device_id, 1, 100, stamp, 1337)
    signature = key.sign(digest)
    assert verify_signature(key_type, key.public_key, digest, signature)
    for other in [
        stamp_digest(os.urandom(32), 1, 100, stamp, 1337),
        stamp_digest(key.device_id, 2, 100, stamp, 1337),
        stamp_digest(key.device_id, 1, 101, stamp, 1337),
        stamp_digest(key.device_id, 1, 100, os.urandom(32), 1337),
        stamp_digest(key.device_id, 1, 100, stamp, 1),
    ]:
        assert not verify_signature(key_type, key.public_key, other, signature)
