"""The gateway batch precompile (0x104): one signed Merkle root for many device stamps.

A gateway (the white paper's mobile full node equipment) is itself a registered device. It collects
stamps with their devices' signatures, builds a Merkle tree over their ``stamp_digest`` values
(``walton.hardware.gateway``), puts the manifest (every entry with its device signature) in the
off-chain store and signs ``batch_digest`` (chain id, gateway, batch sequence, root, count, manifest
hash). ``recordBatch`` accepts the root only when the gateway is registered and not revoked, signed
with its registered key, the batch sequence is strictly above its last one and the root was not
recorded before; then ``verifyInclusion`` (a view) answers whether a leaf is in a recorded batch.
The gateway vouches for the device signatures in its batch; anyone can re-check them from the
manifest.
"""

from typing import Any

from walton.hardware.gateway import MAX_DEPTH, batch_digest, verify_inclusion
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

GATEWAY_BATCHES_ADDRESS = 0x104
# verifyInclusion hashes one 65-byte node a proof element: keccak's 30 + 6 for each of 3 words.
PROOF_WORD_GAS = 48

BatchRecorded = Event(
    "BatchRecorded(bytes32 gateway, bytes32 root, uint64 sequence, uint32 count, bytes32 manifest, bytes signature)",
    indexed=2,
)


def _sequence_slot(gateway: bytes) -> bytes:
    return storage_slot("batch-sequence", gateway)


def _root_slots(root: bytes) -> tuple[bytes, bytes]:
    """The gateway that signed ``root``, and its count and block number packed in one word."""
    return storage_slot("batch-gateway", root), storage_slot("batch", root)


def _record_batch(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    gateway, sequence, root, count, manifest, signature = arguments
    entry = active_device(call, gateway, "gateway")
    last = call.load(_sequence_slot(gateway))
    if sequence <= last:
        raise PrecompileRevert(f"batch sequence {sequence} is not above the gateway's last recorded {last} (replay)")
    if not 0 < count <= 2**MAX_DEPTH:
        raise PrecompileRevert(f"batch count must be 1 to 2**{MAX_DEPTH}, got {count}")
    gateway_slot, batch_slot = _root_slots(root)
    if call.load(batch_slot):
        raise PrecompileRevert(f"root 0x{root.hex()} is already recorded")
    try:
        digest = batch_digest(gateway, sequence, root, count, manifest, call.chain_id)
    except ValueError as error:
        raise PrecompileRevert(f"cannot form the batch digest: {error}") from None
    check_signature(call, entry, digest, signature, "gateway")
    call.store(_sequence_slot(gateway), sequence)
    call.store(gateway_slot, int.from_bytes(gateway, "big"))
    call.store(batch_slot, call.block_number << 32 | count)
    call.emit(BatchRecorded, gateway, root, sequence, count, manifest, bytes(signature))
    return ()


def _batch_of(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    gateway_slot, batch_slot = _root_slots(arguments[0])
    packed = call.load(batch_slot)
    return call.load(gateway_slot).to_bytes(32, "big"), packed & 0xFFFFFFFF, packed >> 32


def _verify_inclusion(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    root, leaf, index, proof = arguments
    if len(proof) > MAX_DEPTH:
        return (False,)
    count = call.load(_root_slots(root)[1]) & 0xFFFFFFFF
    return (index < count and verify_inclusion(leaf, index, proof, root),)


def _last_batch_sequence(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    return (call.load(_sequence_slot(arguments[0])),)


# The log's data: sequence, count, manifest, the signature's offset and length, 65 bytes in 3 words.
_LOG_DATA_BYTES = 32 * 8

GATEWAY_BATCHES = StatefulPrecompile(
    "GATEWAY_BATCHES",
    GATEWAY_BATCHES_ADDRESS,
    [
        Function(
            "recordBatch(bytes32 gateway, uint64 sequence, bytes32 root, uint32 count, bytes32 manifest,"
            " bytes signature)",
            gas=5 * SLOT_READ_GAS + 3 * SLOT_NEW_GAS + log_gas(3, _LOG_DATA_BYTES),
            handler=_record_batch,
            mutates=True,
            gas_per_word=INPUT_WORD_GAS,
        ),
        Function(
            "verifyInclusion(bytes32 root, bytes32 leaf, uint256 index, bytes32[] proof) returns (bool)",
            gas=SLOT_READ_GAS,
            handler=_verify_inclusion,
            gas_per_word=PROOF_WORD_GAS,
            malformed_result=(False,),
        ),
        Function(
            "batchOf(bytes32 root) returns (bytes32 gateway, uint32 count, uint64 blockNumber)",
            gas=2 * SLOT_READ_GAS,
            handler=_batch_of,
        ),
        Function(
            "lastBatchSequence(bytes32 gateway) returns (uint64)", gas=SLOT_READ_GAS, handler=_last_batch_sequence
        ),
    ],
    [BatchRecorded],
)
