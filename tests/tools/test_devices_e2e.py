"""End to end: devices played against a real `walton node --dev` process through the CLI's code path.

1000 sensor readings (most anchored by a gateway under Merkle roots, a sample stamped directly) and
200 RFID operations go to the node; every one is then verified from the chain and the off-chain store;
tampered packets, record fields and signatures are detected; every replay is refused on chain with the
precompile's reason.
"""

import dataclasses
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from eth_hash.auto import keccak

from tests.node.nodeproc import NodeProcess
from walton import cli
from walton.hardware.epc import sgtin96_pure_uri
from walton.hardware.identity import DeviceKey, KeyType
from walton.hardware.rfid import Operation, OperationRecord, ProtocolError, run_operation
from walton.hardware.sensor import decode_packet, encode_packet
from walton.tools.device_sim import (
    GAS,
    ChainClient,
    RfidFleet,
    StampIndex,
    failures,
    mined_ok,
    register_devices,
    trace_epc,
    verify_stamp,
)
from walton.vm.networks.dev import dev_accounts
from walton.vm.precompiles.device_registry import key_binding_digest

pytestmark = [pytest.mark.timeout(600), pytest.mark.xdist_group("devices-node")]

SENSOR_READINGS = 1000
DIRECT_STAMPS = 50
RFID_OPERATIONS = 200
TAGS = 8


@dataclasses.dataclass
class Run:
    node: NodeProcess
    client: ChainClient
    sensors: dict[str, Any]
    rfid: dict[str, Any]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    base = tmp_path_factory.mktemp("devices")
    node = NodeProcess(base / "data", "--dev.period", "0")
    try:
        node.wait_ready()
        key = dev_accounts(1)[0].private_key
        sensors_out, rfid_out = base / "sensors.json", base / "rfid.json"
        common = ["--rpc", node.url, "--from-key", key, "--quiet"]
        sensor_args = ["--kind", "sensor", "--count", str(SENSOR_READINGS), "--gateway", "--batch-size", "400"]
        sensor_args += ["--direct", str(DIRECT_STAMPS), "--out", str(sensors_out)]
        assert cli.main(["device", "simulate", *sensor_args, *common]) == 0
        rfid_args = ["--kind", "rfid", "--count", str(RFID_OPERATIONS), "--devices", str(TAGS), "--out", str(rfid_out)]
        assert cli.main(["device", "simulate", *rfid_args, *common]) == 0
        yield Run(
            node, ChainClient(node.url, key), json.loads(sensors_out.read_text()), json.loads(rfid_out.read_text())
        )
    finally:
        node.stop()


def test_simulations_are_mined_without_failures(run: Run) -> None:
    assert run.sensors["failed"] == [] and run.rfid["failed"] == []
    assert len(run.sensors["stamps"]) == SENSOR_READINGS
    # 50 direct stamps plus 950 batched under three roots (400 + 400 + 150): 53 transactions for 1000 readings.
    assert run.sensors["transactions"] == DIRECT_STAMPS + 3
    assert len(run.sensors["batches"]) == 3
    assert run.rfid["transactions"] == RFID_OPERATIONS and len(run.rfid["epcs"]) == TAGS


def test_every_stamp_verifies_from_chain_and_store(run: Run) -> None:
    modes = {"direct": 0, "batch": 0}
    index = StampIndex(run.client)
    run.client.prefetch_raw([bytes.fromhex(stamp[2:]) for stamp in run.sensors["stamps"]])
    for stamp in run.sensors["stamps"]:
        verdict = verify_stamp(run.client, bytes.fromhex(stamp[2:]), index)
        assert verdict.ok, verdict.as_json()
        modes[verdict.details["mode"]] += 1
    assert modes == {"direct": DIRECT_STAMPS, "batch": SENSOR_READINGS - DIRECT_STAMPS}


def test_every_rfid_operation_is_in_a_verified_trace(run: Run) -> None:
    total = 0
    for epc in run.rfid["epcs"]:
        verdict = trace_epc(run.client, epc)
        assert verdict.ok, verdict.problems
        counters = [op["counter"] for op in verdict.details["operations"]]
        assert counters == list(range(1, len(counters) + 1))
        total += len(counters)
    assert total == RFID_OPERATIONS


def test_commands_as_a_user_runs_them(run: Run) -> None:
    """The real `walton` commands in subprocesses: text and JSON output, exit status by verdict."""

    def walton(*argv: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "walton.cli", *argv, "--rpc", run.node.url]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    direct, batched = run.sensors["stamps"][0], run.sensors["stamps"][-1]
    shown = walton("stamp", "verify", direct)
    assert shown.returncode == 0 and "VERIFIED" in shown.stdout and "mode: direct" in shown.stdout
    shown = walton("stamp", "verify", batched, "--json")
    data = json.loads(shown.stdout)
    assert shown.returncode == 0 and data["ok"] and data["mode"] == "batch"
    shown = walton("trace", run.rfid["epcs"][0], "--json", "--epcis")
    data = json.loads(shown.stdout)
    assert shown.returncode == 0 and data["ok"]
    assert all(op["epcis"]["eventID"].startswith("ni:///sha-256;") for op in data["operations"])
    shown = walton("stamp", "verify", "0x" + "00" * 32)
    assert shown.returncode == 1 and "NOT VERIFIED" in shown.stdout
    shown = walton("stamp", "verify", "0x1234")
    assert shown.returncode == 2 and "32 bytes" in shown.stderr


def test_tampered_raw_packet_is_detected(run: Run) -> None:
    for stamp in (run.sensors["stamps"][0], run.sensors["stamps"][-1]):
        packet = run.client.get_raw(bytes.fromhex(stamp[2:]))
        assert packet is not None
        decoded = decode_packet(packet)
        readings = {**decoded.readings, "temperature": (99.9, "Cel")}
        forged = encode_packet(decoded.device_id, decoded.sequence, decoded.timestamp, readings)
        forged_stamp = run.client.put_raw_all([forged])[0]
        verdict = verify_stamp(run.client, forged_stamp)
        assert not verdict.ok
        assert verdict.checks["stamp recorded"] is False


def _refusals(client: ChainClient, calls: list[tuple[Any, int]]) -> list[str]:
    hashes = client.send_all(calls)
    receipts = client.wait(hashes)
    assert not any(mined_ok(receipt) for receipt in receipts)
    return [failure["reason"] for failure in failures(client, hashes, receipts)]


def test_every_replay_is_refused_on_chain(run: Run) -> None:
    """Copy recorded stamps, batches and RFID records from the chain's logs and send them again."""
    client = run.client
    stamp_logs = client.stamps.events.StampRecorded.get_logs(from_block=0)
    batch_logs = client.batches.events.BatchRecorded.get_logs(from_block=0)
    record_logs = client.records.events.OperationRecorded.get_logs(from_block=0)
    assert len(stamp_logs) == DIRECT_STAMPS and len(batch_logs) == 3 and len(record_logs) == RFID_OPERATIONS
    calls: list[tuple[Any, int]] = []
    for log in stamp_logs:
        args = log["args"]
        function = client.stamps.functions.recordStamp(
            args["device"], args["sequence"], args["timestamp"], args["stamp"], args["signature"]
        )
        calls.append((function, GAS["stamp"]))
    for log in batch_logs:
        args = log["args"]
        function = client.batches.functions.recordBatch(
            args["gateway"], args["sequence"], args["root"], args["count"], args["manifest"], args["signature"]
        )
        calls.append((function, GAS["batch"]))
    for log in record_logs:
        calls.append((client.records.functions.recordOperation(log["args"]["record"]), GAS["record"]))
    reasons = _refusals(client, calls)
    assert len(reasons) == len(calls)
    assert all("replay" in reason for reason in reasons), {reason for reason in reasons if "replay" not in reason}


def test_tampered_reordered_and_misattributed_records_are_refused(run: Run) -> None:
    client = run.client
    fleet = RfidFleet.create(client.chain_id, tags=2, readers=2)
    register_devices(client, [t.key for t in fleet.tags] + [r.key for r in fleet.readers])
    now = int(client.w3.eth.get_block("latest")["timestamp"])
    tag, other_tag = fleet.tags
    reader, other_reader = fleet.readers
    first = run_operation(reader, tag, Operation.WRITE, now, b"batch 7")[1]
    second = run_operation(reader, tag, Operation.READ, now)[1]
    third = run_operation(reader, tag, Operation.READ, now)[1]
    foreign = run_operation(other_reader, other_tag, Operation.READ, now)[1]

    def flip(signature: bytes) -> bytes:
        return signature[:5] + bytes([signature[5] ^ 1]) + signature[6:]

    forged: list[tuple[OperationRecord, str]] = [
        (dataclasses.replace(first, data_hash=keccak(b"batch 8")), "bad tag signature"),
        (dataclasses.replace(first, timestamp=now + 1), "bad tag signature"),
        (dataclasses.replace(first, tag_signature=flip(first.tag_signature)), "bad tag signature"),
        (dataclasses.replace(first, reader_signature=flip(first.reader_signature)), "bad reader signature"),
        (dataclasses.replace(first, reader_id=other_reader.reader_id), "bad tag signature"),
        (dataclasses.replace(foreign, tag_id=tag.tag_id), "bad tag signature"),
        (dataclasses.replace(first, reader_signature=foreign.reader_signature), "bad reader signature"),
        (dataclasses.replace(first, chain_id=client.chain_id + 1), "record is for chain"),
        (dataclasses.replace(first, timestamp=now - 3600), "more than"),
    ]
    calls = [(client.records.functions.recordOperation(r.encode()), GAS["record"]) for r, _ in forged]
    reasons = _refusals(client, calls)
    for (_, expected), reason in zip(forged, reasons, strict=True):
        assert expected in reason, (expected, reason)
    # Genuine records in the wrong order: the third goes in, then the second is refused as a replay.
    calls = [(client.records.functions.recordOperation(r.encode()), GAS["record"]) for r in (first, third)]
    receipts = client.wait(client.send_all(calls))
    assert all(mined_ok(receipt) for receipt in receipts)
    reasons = _refusals(client, [(client.records.functions.recordOperation(second.encode()), GAS["record"])])
    assert "replay" in reasons[0]


def test_trace_survives_key_rotation_and_revoked_devices_are_refused(run: Run) -> None:
    """Records signed before a tag's key rotation still verify (the verifier uses the key registered at
    each record's block); after rotation the tag signs with its new key under its old id; a revoked
    reader's records are refused."""
    client = run.client
    fleet = RfidFleet.create(client.chain_id, tags=1, readers=2)
    register_devices(client, [fleet.tags[0].key] + [r.key for r in fleet.readers])
    tag, (reader, doomed) = fleet.tags[0], fleet.readers
    now = int(client.w3.eth.get_block("latest")["timestamp"])
    before = run_operation(reader, tag, Operation.WRITE, now, b"before rotation")[1]
    assert all(
        mined_ok(r)
        for r in client.wait(
            client.send_all([(client.records.functions.recordOperation(before.encode()), GAS["record"])])
        )
    )

    new_key = DeviceKey.generate(KeyType.P256)
    proof = new_key.sign(
        key_binding_digest(client.chain_id, tag.tag_id, client.sender, new_key.key_type, new_key.public_key)
    )
    rotate = client.registry.functions.rotateKey(tag.tag_id, int(new_key.key_type), new_key.public_key, proof)
    revoke = client.registry.functions.revoke(doomed.reader_id)
    assert all(mined_ok(r) for r in client.wait(client.send_all([(rotate, GAS["register"]), (revoke, GAS["revoke"])])))

    rotated = dataclasses.replace(tag, key=new_key)
    registered = (new_key.key_type, new_key.public_key)
    after = run_operation(reader, rotated, Operation.READ, now, tag_key=registered)[1]
    with pytest.raises(ProtocolError, match="tag signature is invalid"):  # a reader that checks the registry
        run_operation(reader, tag, Operation.READ, now, tag_key=registered)
    stale = run_operation(reader, tag, Operation.READ, now)[1]  # a careless reader: old key, counter 3
    assert all(
        mined_ok(r)
        for r in client.wait(
            client.send_all([(client.records.functions.recordOperation(after.encode()), GAS["record"])])
        )
    )
    refused = run_operation(doomed, rotated, Operation.READ, now, tag_key=registered)[1]
    reasons = _refusals(
        client,
        [(client.records.functions.recordOperation(r.encode()), GAS["record"]) for r in (stale, refused)],
    )
    assert "bad tag signature" in reasons[0]
    assert "is revoked" in reasons[1]

    verdict = trace_epc(client, sgtin96_pure_uri(tag.epc.hex().upper()))
    assert verdict.ok, verdict.problems
    assert [op["counter"] for op in verdict.details["operations"]] == [1, 2]
