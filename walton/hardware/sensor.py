"""Sensor data packets and stamps.

A reading becomes a canonical packet: deterministic CBOR (RFC 8949 core deterministic encoding, via
``cbor2`` with ``canonical=True``) of the map ``{"d": device id (32 bytes), "s": sequence, "t": unix
seconds, "r": {name: [value, unit]}}``. The same reading always gives the same bytes, so its keccak256 (the
stamp) identifies it. The device signs ``stamp_digest``, which binds the stamp to the device, its sequence
number, its timestamp and the chain; the stamp and signature go on chain, the packet to the off-chain
store (``walton_putRawData``), keyed by the same stamp.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

import cbor2
from eth_hash.auto import keccak

STAMP_DOMAIN = b"WALTON-SENSOR-STAMP-v1"
MAX_PACKET_SIZE = 64 * 1024
U64_MAX = 2**64 - 1

Value = int | float


@dataclass(frozen=True)
class SensorPacket:
    device_id: bytes
    sequence: int
    timestamp: int
    readings: dict[str, tuple[Value, str]]


def _check_header(device_id: bytes, sequence: int, timestamp: int) -> None:
    if not isinstance(device_id, bytes) or len(device_id) != 32:
        raise ValueError("device id must be 32 bytes")
    for name, value in (("sequence", sequence), ("timestamp", timestamp)):
        if type(value) is not int or not 0 <= value <= U64_MAX:
            raise ValueError(f"{name} must be an integer in 0..2**64-1, got {value!r}")


def _check_readings(readings: Mapping[str, tuple[Value, str]]) -> None:
    if not readings:
        raise ValueError("a packet needs at least one reading")
    for name, reading in readings.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"reading names must be non-empty strings, got {name!r}")
        if not isinstance(reading, tuple | list) or len(reading) != 2:
            raise ValueError(f"reading {name!r} must be (value, unit)")
        value, unit = reading
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"reading {name!r} value must be a number, got {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"reading {name!r} value must be finite")
        if not isinstance(unit, str):
            raise ValueError(f"reading {name!r} unit must be a string (UCUM code), got {unit!r}")


def encode_packet(device_id: bytes, sequence: int, timestamp: int, readings: Mapping[str, tuple[Value, str]]) -> bytes:
    """The canonical CBOR packet of one reading; ValueError on anything that has no canonical form."""
    _check_header(device_id, sequence, timestamp)
    _check_readings(readings)
    body = {"d": device_id, "s": sequence, "t": timestamp, "r": {k: [v, u] for k, (v, u) in readings.items()}}
    packet = cbor2.dumps(body, canonical=True)
    if len(packet) > MAX_PACKET_SIZE:
        raise ValueError(f"packet is {len(packet)} bytes, more than the store's {MAX_PACKET_SIZE}")
    return packet


def decode_packet(packet: bytes) -> SensorPacket:
    """Parse a packet and insist it is canonical (re-encodes to the same bytes); ValueError otherwise."""
    try:
        body = cbor2.loads(packet)
    except (cbor2.CBORDecodeError, ValueError, TypeError, RecursionError) as error:
        raise ValueError(f"packet is not valid CBOR: {error}") from None
    if not isinstance(body, dict) or set(body) != {"d", "s", "t", "r"} or not isinstance(body["r"], dict):
        raise ValueError('packet must be a CBOR map with exactly the keys "d", "s", "t", "r"')
    readings = {}
    for name, reading in body["r"].items():
        if not isinstance(reading, list) or len(reading) != 2:
            raise ValueError(f"reading {name!r} must be [value, unit]")
        readings[name] = (reading[0], reading[1])
    decoded = SensorPacket(body["d"], body["s"], body["t"], readings)
    if encode_packet(decoded.device_id, decoded.sequence, decoded.timestamp, readings) != packet:
        raise ValueError("packet is not in canonical CBOR form")
    return decoded


def stamp_of(packet: bytes) -> bytes:
    """The data stamp: keccak256 of the packet bytes, also the packet's key in the off-chain store."""
    return keccak(packet)


def stamp_digest(device_id: bytes, sequence: int, timestamp: int, stamp: bytes, chain_id: int) -> bytes:
    """What the device signs: keccak256(domain || chain_id u64 || device_id || sequence u64 || timestamp u64
    || stamp)."""
    _check_header(device_id, sequence, timestamp)
    if len(stamp) != 32:
        raise ValueError("stamp must be 32 bytes")
    if not 0 <= chain_id <= U64_MAX:
        raise ValueError("chain id must fit in 64 bits")
    return keccak(
        STAMP_DOMAIN
        + chain_id.to_bytes(8, "big")
        + device_id
        + sequence.to_bytes(8, "big")
        + timestamp.to_bytes(8, "big")
        + stamp
    )
