"""The object-layer precompiles on a dev chain: every accepted path and every refusal, with signed transactions."""

import os
from dataclasses import replace
from typing import Any

import pytest
from eth_abi import encode
from eth_utils import to_checksum_address
from hexbytes import HexBytes
from web3 import Web3

from tests.vm.precompiles.device_chain import (
    EPC,
    OWNERS,
    DeviceChain,
    batch_arguments,
    signed_record,
    stamp_arguments,
)
from walton.hardware.gateway import batch_digest, inclusion_proof
from walton.hardware.identity import DeviceKey, KeyType
from walton.vm.networks.dev import DEV_CHAIN_ID
from walton.vm.precompiles.device_registry import (
    DEVICE_REGISTRY,
    DeviceRegistered,
    DeviceRevoked,
    KeyRotated,
    key_binding_digest,
)
from walton.vm.precompiles.gateway_batches import GATEWAY_BATCHES, BatchRecorded
from walton.vm.precompiles.rfid_records import RFID_RECORDS, TIME_WINDOW, OperationRecorded
from walton.vm.precompiles.sensor_stamps import FUTURE_WINDOW, SENSOR_STAMPS, StampRecorded

BOTH_CURVES = [KeyType.SECP256K1, KeyType.P256]


def _topic(value: bytes) -> int:
    return int.from_bytes(value.rjust(32, b"\0"), "big")


@pytest.fixture
def chain() -> DeviceChain:
    return DeviceChain()


# -- device registry (0x101) ---------------------------------------------------------------------


@pytest.mark.parametrize("key_type", BOTH_CURVES)
def test_register_rotate_revoke_with_events(chain: DeviceChain, key_type: KeyType) -> None:
    key = DeviceKey.generate(key_type)
    owner = OWNERS[0].public_key.to_canonical_address()
    registered = chain.register(key)
    assert registered.ok
    (log,) = registered.receipt.logs
    assert log.address == DEVICE_REGISTRY.address
    assert log.topics == (_topic(DeviceRegistered.topic), _topic(key.device_id), _topic(owner))
    assert chain.view(DEVICE_REGISTRY, "deviceOf", key.device_id) == (
        "0x" + owner.hex(),
        key_type,
        key.public_key,
        True,
        False,
    )
    assert chain.view(DEVICE_REGISTRY, "isActive", key.device_id) == (True,)

    new_key = DeviceKey.generate(KeyType.P256)
    rotated = chain.rotate(key.device_id, new_key)
    assert rotated.ok and rotated.receipt.logs[0].topics[:2] == (_topic(KeyRotated.topic), _topic(key.device_id))
    assert chain.view(DEVICE_REGISTRY, "deviceOf", key.device_id)[1:3] == (KeyType.P256, new_key.public_key)

    revoked = chain.send(DEVICE_REGISTRY, "revoke", key.device_id)
    assert revoked.ok and revoked.receipt.logs[0].topics[0] == _topic(DeviceRevoked.topic)
    assert chain.view(DEVICE_REGISTRY, "deviceOf", key.device_id)[3:] == (False, True)
    assert chain.view(DEVICE_REGISTRY, "isActive", key.device_id) == (False,)


def test_registry_refusals(chain: DeviceChain) -> None:
    key = DeviceKey.generate(KeyType.SECP256K1)
    other = DeviceKey.generate(KeyType.SECP256K1)
    sender = OWNERS[0].public_key.to_canonical_address()
    proof = key.sign(key_binding_digest(DEV_CHAIN_ID, key.device_id, sender, key.key_type, key.public_key))
    foreign = other.sign(key_binding_digest(DEV_CHAIN_ID, key.device_id, sender, key.key_type, key.public_key))
    other_chain = key.sign(key_binding_digest(1, key.device_id, sender, key.key_type, key.public_key))
    off_curve = (5).to_bytes(32, "big") * 2
    cases = [
        ((3, key.public_key, proof), "unknown key type 3"),
        ((1, key.public_key[:63], proof), "public key must be 64 bytes"),
        ((1, key.public_key, foreign), "bad proof of possession"),
        ((1, key.public_key, other_chain), "bad proof of possession"),
        ((1, key.public_key, proof[:64]), "bad proof of possession"),
        ((1, off_curve, proof), "bad proof of possession"),
        ((2, off_curve, proof[:64]), "bad proof of possession"),
    ]
    for arguments, reason in cases:
        outcome = chain.send(DEVICE_REGISTRY, "register", *arguments)
        assert not outcome.ok and reason in outcome.reason and not outcome.receipt.logs
    # A proof made for one owner does not let another account register the device.
    stolen = chain.send(DEVICE_REGISTRY, "register", 1, key.public_key, proof, owner=1)
    assert "bad proof of possession" in stolen.reason
    assert chain.register(key).ok
    assert "already registered" in chain.register(key).reason

    assert "only the owner" in chain.rotate(key.device_id, other, owner=1).reason
    assert "only the owner" in chain.send(DEVICE_REGISTRY, "revoke", key.device_id, owner=1).reason
    unknown = os.urandom(32)
    assert "is not registered" in chain.send(DEVICE_REGISTRY, "revoke", unknown).reason
    assert "is not registered" in chain.rotate(unknown, other).reason
    assert chain.send(DEVICE_REGISTRY, "revoke", key.device_id).ok
    assert "is revoked" in chain.send(DEVICE_REGISTRY, "revoke", key.device_id).reason
    assert "is revoked" in chain.rotate(key.device_id, other).reason
    assert "was revoked and cannot be registered again" in chain.register(key).reason
    assert chain.view(DEVICE_REGISTRY, "deviceOf", unknown)[3:] == (False, False)


def test_state_changes_refused_in_static_calls(chain: DeviceChain) -> None:
    key = DeviceKey.generate(KeyType.SECP256K1)
    chain.register(key)
    data = DEVICE_REGISTRY.function("revoke").selector + key.device_id
    computation = chain.message(DEVICE_REGISTRY.address, data, is_static=True)
    assert computation.is_error
    assert chain.view(DEVICE_REGISTRY, "isActive", key.device_id) == (True,)


# -- RFID operation records (0x102) --------------------------------------------------------------


@pytest.fixture
def rfid(chain: DeviceChain) -> tuple[DeviceKey, DeviceKey]:
    tag, reader = DeviceKey.generate(KeyType.P256), DeviceKey.generate(KeyType.SECP256K1)
    assert chain.register(tag).ok and chain.register(reader).ok
    return tag, reader


def test_operation_recorded_with_tag_and_reader_topics(chain: DeviceChain, rfid: tuple[DeviceKey, DeviceKey]) -> None:
    tag, reader = rfid
    record = signed_record(tag, reader, counter=1, timestamp=chain.timestamp)
    outcome = chain.send(RFID_RECORDS, "recordOperation", record.encode())
    assert outcome.ok
    (log,) = outcome.receipt.logs
    assert log.address == RFID_RECORDS.address
    epc_topic = int.from_bytes(EPC.ljust(32, b"\0"), "big")  # bytes12 topics are left-aligned
    assert log.topics == (
        _topic(OperationRecorded.topic),
        _topic(tag.device_id),
        _topic(reader.device_id),
        epc_topic,
    )
    assert record.encode() in log.data and record.data_hash in log.data
    assert chain.view(RFID_RECORDS, "lastCounter", tag.device_id) == (1,)
    assert chain.send(RFID_RECORDS, "recordOperation", signed_record(tag, reader, 5, chain.timestamp).encode()).ok
    assert chain.view(RFID_RECORDS, "lastCounter", tag.device_id) == (5,)


def test_operation_refusals(chain: DeviceChain, rfid: tuple[DeviceKey, DeviceKey]) -> None:
    tag, reader = rfid
    now = chain.timestamp
    stranger = DeviceKey.generate(KeyType.SECP256K1)
    good = signed_record(tag, reader, counter=3, timestamp=now)
    swapped = replace(good, tag_signature=good.reader_signature, reader_signature=good.tag_signature)
    cases = [
        (b"", "malformed operation record"),
        (good.encode()[:-1], "malformed operation record"),
        (b"\x02" + good.encode()[1:], "malformed operation record"),
        (signed_record(tag, reader, 3, now, chain_id=1).encode(), "record is for chain 1"),
        (signed_record(stranger, reader, 3, now).encode(), "tag 0x"),
        (signed_record(tag, stranger, 3, now).encode(), "reader 0x"),
        (signed_record(tag, reader, 3, now - TIME_WINDOW - 1).encode(), "more than 600s"),
        (signed_record(tag, reader, 3, now + TIME_WINDOW + 1).encode(), "more than 600s"),
        (replace(good, tag_signature=reader.sign(good.tag_digest())).encode(), "bad tag signature"),
        (replace(good, reader_signature=tag.sign(good.reader_digest())).encode(), "bad reader signature"),
        (swapped.encode(), "bad tag signature"),
        (replace(good, counter=4).encode(), "bad tag signature"),  # tampered after signing
        (signed_record(tag, reader, 0, now).encode(), "counter 0 is not above"),
    ]
    for data, reason in cases:
        outcome = chain.send(RFID_RECORDS, "recordOperation", data)
        assert not outcome.ok and reason in outcome.reason, (reason, outcome.reason)
        assert not outcome.receipt.logs
    assert chain.send(RFID_RECORDS, "recordOperation", good.encode()).ok
    replay = chain.send(RFID_RECORDS, "recordOperation", good.encode())
    assert "counter 3 is not above the tag's last recorded 3" in replay.reason
    older = chain.send(RFID_RECORDS, "recordOperation", signed_record(tag, reader, 2, now).encode())
    assert "counter 2 is not above" in older.reason


def test_rotated_and_revoked_keys(chain: DeviceChain, rfid: tuple[DeviceKey, DeviceKey]) -> None:
    tag, reader = rfid
    new_reader = DeviceKey.generate(KeyType.P256)
    assert chain.rotate(reader.device_id, new_reader).ok
    old = signed_record(tag, reader, 1, chain.timestamp)
    assert "bad reader signature" in chain.send(RFID_RECORDS, "recordOperation", old.encode()).reason
    # The reader keeps its id; records are now signed with its new key.
    renewed = signed_record(tag, new_reader, 1, chain.timestamp, reader_id=reader.device_id)
    assert chain.send(RFID_RECORDS, "recordOperation", renewed.encode()).ok
    assert chain.send(DEVICE_REGISTRY, "revoke", tag.device_id).ok
    later = signed_record(tag, new_reader, 2, chain.timestamp, reader_id=reader.device_id)
    assert "is revoked" in chain.send(RFID_RECORDS, "recordOperation", later.encode()).reason


# -- sensor stamps (0x103) -----------------------------------------------------------------------


@pytest.mark.parametrize("key_type", BOTH_CURVES)
def test_stamp_recorded(chain: DeviceChain, key_type: KeyType) -> None:
    sensor = DeviceKey.generate(key_type)
    assert chain.register(sensor).ok
    arguments = stamp_arguments(sensor, 1, 1234)
    outcome = chain.send(SENSOR_STAMPS, "recordStamp", *arguments)
    assert outcome.ok
    (log,) = outcome.receipt.logs
    assert log.topics == (_topic(StampRecorded.topic), _topic(sensor.device_id), _topic(arguments[3]))
    assert arguments[4] in log.data
    assert chain.view(SENSOR_STAMPS, "lastSequence", sensor.device_id) == (1,)
    assert chain.view(SENSOR_STAMPS, "stampBlock", arguments[3]) == (chain.state.block_number,)
    assert chain.view(SENSOR_STAMPS, "stampBlock", os.urandom(32)) == (0,)


def test_stamp_refusals(chain: DeviceChain) -> None:
    sensor, other = DeviceKey.generate(KeyType.SECP256K1), DeviceKey.generate(KeyType.P256)
    assert chain.register(sensor).ok
    first = stamp_arguments(sensor, 5, 1000)
    device, sequence, timestamp, stamp, signature = first
    cases = [
        (stamp_arguments(other, 1, 1000), "is not registered"),
        ((device, sequence, timestamp, stamp, signature[:64]), "bad device signature"),
        ((device, sequence, timestamp, stamp, b""), "bad device signature"),
        ((device, sequence, timestamp + 1, stamp, signature), "bad device signature"),
        ((device, sequence, timestamp, os.urandom(32), signature), "bad device signature"),
        ((device, 0, timestamp, stamp, signature), "sequence 0 is not above"),
        (stamp_arguments(sensor, 5, chain.timestamp + FUTURE_WINDOW + 1), "ahead of the block"),
    ]
    for arguments, reason in cases:
        outcome = chain.send(SENSOR_STAMPS, "recordStamp", *arguments)
        assert not outcome.ok and reason in outcome.reason, (reason, outcome.reason)
    assert chain.send(SENSOR_STAMPS, "recordStamp", *first).ok
    assert (
        "sequence 5 is not above the device's last recorded 5"
        in chain.send(SENSOR_STAMPS, "recordStamp", *first).reason
    )
    assert "already recorded" in chain.send(SENSOR_STAMPS, "recordStamp", *stamp_arguments(sensor, 6, 9, stamp)).reason
    assert chain.send(DEVICE_REGISTRY, "revoke", device).ok
    assert "is revoked" in chain.send(SENSOR_STAMPS, "recordStamp", *stamp_arguments(sensor, 7, 9)).reason


# -- gateway batches (0x104) ---------------------------------------------------------------------


def test_batch_recorded_and_inclusion_proofs(chain: DeviceChain) -> None:
    gateway, sensor = DeviceKey.generate(KeyType.P256), DeviceKey.generate(KeyType.SECP256K1)
    assert chain.register(gateway).ok and chain.register(sensor).ok
    arguments, leaves = batch_arguments(gateway, sensor, sequence=1, count=5)
    outcome = chain.send(GATEWAY_BATCHES, "recordBatch", *arguments)
    assert outcome.ok
    root = arguments[2]
    (log,) = outcome.receipt.logs
    assert log.topics == (_topic(BatchRecorded.topic), _topic(gateway.device_id), _topic(root))
    block = chain.state.block_number
    assert chain.view(GATEWAY_BATCHES, "batchOf", root) == (gateway.device_id, 5, block)
    assert chain.view(GATEWAY_BATCHES, "lastBatchSequence", gateway.device_id) == (1,)
    for index, leaf in enumerate(leaves):
        proof = inclusion_proof(leaves, index)
        assert chain.view(GATEWAY_BATCHES, "verifyInclusion", root, leaf, index, proof) == (True,)
    proof = inclusion_proof(leaves, 2)
    false_cases = [
        (root, leaves[2], 3, proof),  # wrong index
        (root, leaves[3], 2, proof),  # wrong leaf
        (root, leaves[2], 2, [proof[0], os.urandom(32), proof[2]]),  # wrong sibling
        (os.urandom(32), leaves[2], 2, proof),  # root never recorded
        (root, leaves[2], 2, proof * 11),  # longer than any tree
        (root, leaves[2], 2 + 2**64, proof),
    ]
    for case in false_cases:
        assert chain.view(GATEWAY_BATCHES, "verifyInclusion", *case) == (False,)
    # Index 6 is a padding position inside the tree but past the batch's count.
    padded = inclusion_proof([*leaves, leaves[0], leaves[0]], 6)
    assert chain.view(GATEWAY_BATCHES, "verifyInclusion", root, leaves[0], 6, padded) == (False,)


def test_batch_refusals(chain: DeviceChain) -> None:
    gateway, sensor = DeviceKey.generate(KeyType.SECP256K1), DeviceKey.generate(KeyType.SECP256K1)
    assert chain.register(gateway).ok
    arguments, _ = batch_arguments(gateway, sensor, sequence=2, count=3)
    gateway_id, sequence, root, count, manifest, signature = arguments
    stranger_batch, _ = batch_arguments(sensor, sensor, sequence=1, count=3)
    cases = [
        (stranger_batch, "gateway 0x"),
        ((gateway_id, sequence, root, 4, manifest, signature), "bad gateway signature"),
        ((gateway_id, sequence, root, count, os.urandom(32), signature), "bad gateway signature"),
        ((gateway_id, sequence, root, count, manifest, signature[:10]), "bad gateway signature"),
        ((gateway_id, sequence, root, 0, manifest, signature), "batch count must be 1"),
        ((gateway_id, 0, root, count, manifest, signature), "batch sequence 0 is not above"),
    ]
    for case, reason in cases:
        outcome = chain.send(GATEWAY_BATCHES, "recordBatch", *case)
        assert not outcome.ok and reason in outcome.reason, (reason, outcome.reason)
    assert chain.send(GATEWAY_BATCHES, "recordBatch", *arguments).ok
    assert "batch sequence 2 is not above" in chain.send(GATEWAY_BATCHES, "recordBatch", *arguments).reason
    again, _ = batch_arguments(gateway, sensor, sequence=3, count=3)
    assert chain.send(DEVICE_REGISTRY, "revoke", gateway_id).ok
    assert "is revoked" in chain.send(GATEWAY_BATCHES, "recordBatch", *again).reason


def test_same_root_is_recorded_once(chain: DeviceChain) -> None:
    gateway, sensor = DeviceKey.generate(KeyType.SECP256K1), DeviceKey.generate(KeyType.SECP256K1)
    assert chain.register(gateway).ok
    arguments, _ = batch_arguments(gateway, sensor, sequence=1, count=2)
    assert chain.send(GATEWAY_BATCHES, "recordBatch", *arguments).ok
    gateway_id, _, root, count, manifest, _ = arguments
    signature = gateway.sign(batch_digest(gateway_id, 2, root, count, manifest, DEV_CHAIN_ID))
    outcome = chain.send(GATEWAY_BATCHES, "recordBatch", gateway_id, 2, root, count, manifest, signature)
    assert "already recorded" in outcome.reason


def test_unknown_selectors_and_short_input_revert_with_reasons(chain: DeviceChain) -> None:
    for precompile in (DEVICE_REGISTRY, RFID_RECORDS, SENSOR_STAMPS, GATEWAY_BATCHES):
        for data in (b"", b"\x01\x02", b"\xde\xad\xbe\xef" + encode(["uint256"], [1])):
            outcome = chain.send_data(precompile.address, data)
            assert "unknown function selector" in outcome.reason
        malformed = chain.send_data(precompile.address, next(iter(precompile.functions)) + b"\x00" * 7)
        assert "malformed arguments" in malformed.reason


def _web3_log(log: Any) -> dict[str, Any]:
    """A py-evm log entry in the shape web3.py gets from eth_getLogs."""
    return {
        "address": to_checksum_address(log.address),
        "topics": [HexBytes(topic.to_bytes(32, "big")) for topic in log.topics],
        "data": HexBytes(log.data),
        "blockNumber": 1,
        "blockHash": HexBytes(bytes(32)),
        "transactionHash": HexBytes(bytes(32)),
        "transactionIndex": 0,
        "logIndex": 0,
        "removed": False,
    }


def test_web3_decodes_every_event_with_the_published_abi(chain: DeviceChain) -> None:
    w3 = Web3()
    tag, reader = DeviceKey.generate(KeyType.P256), DeviceKey.generate(KeyType.SECP256K1)
    registered = chain.register(tag)
    chain.register(reader)
    registry = w3.eth.contract(address=to_checksum_address(DEVICE_REGISTRY.address), abi=DEVICE_REGISTRY.abi())
    event = registry.events.DeviceRegistered().process_log(_web3_log(registered.receipt.logs[0]))
    assert event["args"]["device"] == tag.device_id and event["args"]["publicKey"] == tag.public_key

    record = signed_record(tag, reader, 1, chain.timestamp)
    recorded = chain.send(RFID_RECORDS, "recordOperation", record.encode())
    records = w3.eth.contract(address=to_checksum_address(RFID_RECORDS.address), abi=RFID_RECORDS.abi())
    args = records.events.OperationRecorded().process_log(_web3_log(recorded.receipt.logs[0]))["args"]
    assert (args["tag"], args["reader"], args["epc"], args["counter"]) == (tag.device_id, reader.device_id, EPC, 1)
    assert args["record"] == record.encode()
    # web3's own calldata encoding reaches the precompile unchanged.
    data = records.encode_abi("recordOperation", [signed_record(tag, reader, 2, chain.timestamp).encode()])
    assert chain.send_data(RFID_RECORDS.address, HexBytes(data)).ok

    stamps = w3.eth.contract(address=to_checksum_address(SENSOR_STAMPS.address), abi=SENSOR_STAMPS.abi())
    arguments = stamp_arguments(reader, 1, 5)
    stamped = chain.send(SENSOR_STAMPS, "recordStamp", *arguments)
    args = stamps.events.StampRecorded().process_log(_web3_log(stamped.receipt.logs[0]))["args"]
    assert (args["device"], args["stamp"], args["sequence"], args["signature"]) == (
        arguments[0],
        arguments[3],
        1,
        arguments[4],
    )

    batches = w3.eth.contract(address=to_checksum_address(GATEWAY_BATCHES.address), abi=GATEWAY_BATCHES.abi())
    batch, _ = batch_arguments(tag, reader, 1, 4, first_sequence=10)
    recorded_batch = chain.send(GATEWAY_BATCHES, "recordBatch", *batch)
    args = batches.events.BatchRecorded().process_log(_web3_log(recorded_batch.receipt.logs[0]))["args"]
    assert (args["gateway"], args["root"], args["count"]) == (tag.device_id, batch[2], 4)


def test_verdict_views_answer_false_for_arguments_that_do_not_decode(chain: DeviceChain) -> None:
    for precompile, name in ((GATEWAY_BATCHES, "verifyInclusion"), (DEVICE_REGISTRY, "isActive")):
        for tail in (b"", b"\x01" * 7, encode(["uint256", "uint256"], [1, 2**200])):
            computation = chain.message(precompile.address, precompile.function(name).selector + tail, is_static=True)
            assert computation.is_success and computation.output == encode(["bool"], [False])
