"""The sensor stamp precompile (0x103): verify a device's signed data stamp and record it.

A sensor's packet stays off chain (the node's raw-data store); its stamp, keccak256 of the packet,
comes here with the device's signature over ``walton.hardware.sensor.stamp_digest`` (chain id,
device, sequence, timestamp, stamp). ``recordStamp`` accepts it only when the device is registered
and not revoked, the signature is by the key the registry holds for it, the sequence is strictly
above the device's last recorded one (no replay, no re-ordering), the timestamp is not more than
``FUTURE_WINDOW`` seconds ahead of the block (devices may upload readings they buffered long
ago, but not readings from the future), and the stamp was not recorded before.

Accepted stamps log ``StampRecorded`` (device and stamp as topics, the signature in the data) and
``stampBlock(stamp)`` answers the block that recorded them.
"""

from typing import Any

from walton.hardware.sensor import stamp_digest
from walton.vm.precompiles.abi import storage_slot
from walton.vm.precompiles.device_registry import (
    INPUT_WORD_GAS,
    SLOT_NEW_GAS,
    SLOT_READ_GAS,
    active_device,
    check_signature,
    log_gas,
)
from walton.vm.precompiles.stateful import Call, Event, Function, PrecompileRevert, StatefulPrecompile

SENSOR_STAMPS_ADDRESS = 0x103
FUTURE_WINDOW = 600

StampRecorded = Event(
    "StampRecorded(bytes32 device, bytes32 stamp, uint64 sequence, uint64 timestamp, bytes signature)", indexed=2
)


def _sequence_slot(device: bytes) -> bytes:
    return storage_slot("sequence", device)


def _stamp_slot(stamp: bytes) -> bytes:
    return storage_slot("stamp", stamp)


def _record_stamp(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    device, sequence, timestamp, stamp, signature = arguments
    entry = active_device(call, device, "device")
    last = call.load(_sequence_slot(device))
    if sequence <= last:
        raise PrecompileRevert(f"sequence {sequence} is not above the device's last recorded {last} (replay)")
    if timestamp > call.timestamp + FUTURE_WINDOW:
        raise PrecompileRevert(f"stamp timestamp {timestamp} is ahead of the block's {call.timestamp}")
    if call.load(_stamp_slot(stamp)):
        raise PrecompileRevert(f"stamp 0x{stamp.hex()} is already recorded")
    try:
        digest = stamp_digest(device, sequence, timestamp, stamp, call.chain_id)
    except ValueError as error:  # only a chain id beyond 64 bits, which no Walton network has
        raise PrecompileRevert(f"cannot form the stamp digest: {error}") from None
    check_signature(call, entry, digest, signature, "device")
    call.store(_sequence_slot(device), sequence)
    call.store(_stamp_slot(stamp), call.block_number)
    call.emit(StampRecorded, device, stamp, sequence, timestamp, bytes(signature))
    return ()


def _last_sequence(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    return (call.load(_sequence_slot(arguments[0])),)


def _stamp_block(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    return (call.load(_stamp_slot(arguments[0])),)


# The log's data: sequence, timestamp, the signature's offset and length, a 65-byte signature in 3 words.
_LOG_DATA_BYTES = 32 * 7

SENSOR_STAMPS = StatefulPrecompile(
    "SENSOR_STAMPS",
    SENSOR_STAMPS_ADDRESS,
    [
        Function(
            "recordStamp(bytes32 device, uint64 sequence, uint64 timestamp, bytes32 stamp, bytes signature)",
            gas=5 * SLOT_READ_GAS + 2 * SLOT_NEW_GAS + log_gas(3, _LOG_DATA_BYTES),
            handler=_record_stamp,
            mutates=True,
            gas_per_word=INPUT_WORD_GAS,
        ),
        Function("lastSequence(bytes32 device) returns (uint64)", gas=SLOT_READ_GAS, handler=_last_sequence),
        Function("stampBlock(bytes32 stamp) returns (uint64)", gas=SLOT_READ_GAS, handler=_stamp_block),
    ],
    [StampRecorded],
)
