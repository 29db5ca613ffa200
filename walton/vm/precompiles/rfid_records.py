"""The RFID operation record precompile (0x102): verify a tag read or write signed by tag and reader, record it.

``recordOperation(bytes record)`` takes ``walton.hardware.rfid.OperationRecord.encode()`` and accepts it
only when every check holds, each refusal reverting with its reason:

- the record decodes (fixed-width body, signature lengths 64 or 65) and names this chain's id;
- tag and reader are registered in the device registry (0x101) and not revoked, and each signed its
  digest (``tag_digest``/``reader_digest``) with the key the registry holds for it now;
- the counter is strictly above the last one recorded for the tag (a replayed or re-ordered record
  is refused);
- the record's timestamp is within ``TIME_WINDOW`` seconds of the block's timestamp.

Accepted records raise the tag's counter and log ``OperationRecorded`` with the tag id, the reader
id and the tag's EPC (SGTIN-96, 12 bytes, left-aligned in its topic) as topics, so ``walton trace``
filters on either the tag or its EPC, and the whole record in the data, so anyone can re-check both
signatures from the log alone.
"""

from typing import Any

from walton.hardware.rfid import MAX_RECORD_LENGTH, OperationRecord
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

RFID_RECORDS_ADDRESS = 0x102
# How far a record's timestamp may be from the block's, either way: readers' clocks drift, and a
# record waits in the pool before it is mined.
TIME_WINDOW = 600

OperationRecorded = Event(
    "OperationRecorded(bytes32 tag, bytes32 reader, bytes12 epc, uint64 counter, uint64 timestamp,"
    " bytes32 dataHash, uint8 operation, bytes record)",
    indexed=3,
)


def _counter_slot(tag: bytes) -> bytes:
    return storage_slot("counter", tag)


def _decoded(data: bytes, chain_id: int) -> OperationRecord:
    try:
        record = OperationRecord.decode(data)
    except ValueError as error:
        raise PrecompileRevert(f"malformed operation record: {error}") from None
    if record.chain_id != chain_id:
        raise PrecompileRevert(f"record is for chain {record.chain_id}, this is chain {chain_id}")
    return record


def _record_operation(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    (data,) = arguments
    record = _decoded(data, call.chain_id)
    tag = active_device(call, record.tag_id, "tag")
    reader = active_device(call, record.reader_id, "reader")
    if abs(record.timestamp - call.timestamp) > TIME_WINDOW:
        raise PrecompileRevert(
            f"record timestamp {record.timestamp} is more than {TIME_WINDOW}s from the block's {call.timestamp}"
        )
    last = call.load(_counter_slot(record.tag_id))
    if record.counter <= last:
        raise PrecompileRevert(f"counter {record.counter} is not above the tag's last recorded {last} (replay)")
    check_signature(call, tag, record.tag_digest(), record.tag_signature, "tag")
    check_signature(call, reader, record.reader_digest(), record.reader_signature, "reader")
    call.store(_counter_slot(record.tag_id), record.counter)
    call.emit(
        OperationRecorded,
        record.tag_id,
        record.reader_id,
        record.epc,
        record.counter,
        record.timestamp,
        record.data_hash,
        int(record.operation),
        bytes(data),
    )
    return ()


def _last_counter(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    return (call.load(_counter_slot(arguments[0])),)


# The log's data: five words, the record's offset and length, the record padded to whole words.
_LOG_DATA_BYTES = 32 * 7 + (MAX_RECORD_LENGTH + 31) // 32 * 32

RFID_RECORDS = StatefulPrecompile(
    "RFID_RECORDS",
    RFID_RECORDS_ADDRESS,
    [
        Function(
            "recordOperation(bytes record)",
            gas=7 * SLOT_READ_GAS + SLOT_NEW_GAS + log_gas(4, _LOG_DATA_BYTES),
            handler=_record_operation,
            mutates=True,
            gas_per_word=INPUT_WORD_GAS,
        ),
        Function("lastCounter(bytes32 tag) returns (uint64)", gas=SLOT_READ_GAS, handler=_last_counter),
    ],
    [OperationRecorded],
)
