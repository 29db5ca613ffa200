"""Devices played against a running node over JSON-RPC (web3.py), and the verifiers that check their data.

An off-chain actor, as the white paper's devices and gateways are: it signs with ``walton.hardware``,
sends transactions to the object layer's precompiles (addresses and ABIs from
``walton.vm.precompiles.devices``), uploads raw packets to the node's store (``walton_putRawData``) and
never touches a node's internals. Transactions are sent in bulk (one JSON-RPC batch, the sender's nonces
counted locally) before their receipts are awaited, so a simulation is bound by the node, not by
round trips.

The verifiers (``verify_stamp``, ``trace_epc``) trust nothing but the chain: raw data is re-hashed,
signatures are checked against the key the registry held for the device when the record was mined
(from the registry's ``DeviceRegistered``/``KeyRotated`` logs), and batched stamps are proven against
their recorded root by the gateway precompile's own ``verifyInclusion``.
"""

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from eth_abi import decode
from eth_account import Account
from eth_hash.auto import keccak
from eth_utils import to_checksum_address
from hexbytes import HexBytes
from tqdm import tqdm
from web3 import HTTPProvider, Web3
from web3.contract import Contract
from web3.types import RPCEndpoint

from walton.hardware.epc import sgtin96_hex, sgtin96_pure_uri, sgtin_uri
from walton.hardware.epcis import event_hash, object_event
from walton.hardware.gateway import (
    BatchEntry,
    batch_digest,
    decode_manifest,
    encode_manifest,
    inclusion_proof,
    merkle_root,
)
from walton.hardware.identity import DeviceKey, KeyType, verify_signature
from walton.hardware.rfid import AccessPass, Operation, OperationRecord, Reader, Tag, history_problems, run_operation
from walton.hardware.sensor import MAX_PACKET_SIZE, decode_packet, encode_packet, stamp_digest, stamp_of
from walton.vm.precompiles.device_registry import key_binding_digest
from walton.vm.precompiles.devices import DEVICE_REGISTRY, GATEWAY_BATCHES, RFID_RECORDS, SENSOR_STAMPS
from walton.vm.precompiles.stateful import StatefulPrecompile

T = TypeVar("T")
RECEIPT_TIMEOUT = 300.0
# Transactions and uploads go to the node in JSON-RPC batches of this size (the node's limit is 1000).
RPC_BATCH = 200
# Gas limits: the precompiles' prices with room to spare (they charge a fixed price plus a per-word
# charge, so the real use is close to these and unused gas is refunded).
GAS = {"register": 250_000, "revoke": 100_000, "record": 200_000, "stamp": 150_000, "batch": 200_000}


class ChainError(RuntimeError):
    """The node refused or did not answer: the message says what and why."""


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


def _bytes(value: Any) -> bytes:
    return bytes(HexBytes(value))


class ChainClient:
    """One sender account talking to one node: contracts for the four precompiles, bulk sending, receipts."""

    def __init__(self, rpc_url: str, from_key: str | None = None, timeout: float = 60.0) -> None:
        self.provider = HTTPProvider(rpc_url, request_kwargs={"timeout": timeout})
        self.w3 = Web3(self.provider)
        try:
            self.chain_id = self.w3.eth.chain_id
        except (OSError, ValueError) as error:
            raise ChainError(f"no node answers at {rpc_url}: {error}") from None
        self.registry = self._contract(DEVICE_REGISTRY)
        self.records = self._contract(RFID_RECORDS)
        self.stamps = self._contract(SENSOR_STAMPS)
        self.batches = self._contract(GATEWAY_BATCHES)
        self.account = Account.from_key(from_key) if from_key else None
        self._nonce: int | None = None
        self._gas_price: int | None = None
        self._keys: dict[bytes, list[tuple[int, int, bytes]]] = {}
        self._raw: dict[bytes, bytes] = {}

    def _contract(self, precompile: StatefulPrecompile) -> Contract:
        return self.w3.eth.contract(address=to_checksum_address(precompile.address), abi=precompile.abi())

    @property
    def sender(self) -> bytes:
        if self.account is None:
            raise ChainError("this command sends transactions: give --from-key")
        return _bytes(self.account.address)

    # -- sending --------------------------------------------------------------------------------------

    def _signed(self, contract_function: Any, gas: int) -> bytes:
        if self.account is None:
            raise ChainError("this command sends transactions: give --from-key")
        if self._nonce is None:
            self._nonce = self.w3.eth.get_transaction_count(self.account.address, "pending")
            self._gas_price = 2 * self.w3.eth.gas_price
        transaction = {
            "to": contract_function.address,
            "data": contract_function._encode_transaction_data(),
            "gas": gas,
            "gasPrice": self._gas_price,
            "nonce": self._nonce,
            "chainId": self.chain_id,
            "value": 0,
        }
        self._nonce += 1
        return bytes(self.account.sign_transaction(transaction).raw_transaction)

    def send_all(self, calls: Sequence[tuple[Any, int]], progress: tqdm | None = None) -> list[bytes]:
        """Sign every (contract function, gas) and send them in JSON-RPC batches; the transaction hashes."""
        hashes: list[bytes] = []
        for chunk in _chunks(calls, RPC_BATCH):
            raw = [self._signed(function, gas) for function, gas in chunk]
            answers = self.batch([("eth_sendRawTransaction", [_hex(tx)]) for tx in raw])
            hashes.extend(_bytes(answer) for answer in answers)
            if progress is not None:
                progress.update(len(raw))
        return hashes

    def send(self, contract_function: Any, gas: int) -> bytes:
        return self.send_all([(contract_function, gas)])[0]

    def answers(self, requests: Sequence[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
        """One JSON-RPC batch; the raw answers (``result`` or ``error``) in request order."""
        answers = self.provider.make_batch_request([(RPCEndpoint(m), p) for m, p in requests])
        if not isinstance(answers, list):
            raise ChainError(f"node refused the batch: {answers.get('error')}")
        return [dict(answer) for answer in sorted(answers, key=lambda a: int(a["id"] or 0))]

    def batch(self, requests: Sequence[tuple[str, list[Any]]]) -> list[Any]:
        """One JSON-RPC batch; the results in order, or ChainError naming the first refusal."""
        results = []
        for (method, _), answer in zip(requests, self.answers(requests), strict=True):
            if "error" in answer:
                raise ChainError(f"{method} refused: {answer['error'].get('message')}")
            results.append(answer["result"])
        return results

    def wait(self, hashes: Sequence[bytes], progress: tqdm | None = None) -> list[dict[str, Any]]:
        """Every receipt, polling in batches until all are mined or RECEIPT_TIMEOUT passes."""
        receipts: dict[bytes, dict[str, Any]] = {}
        deadline = time.monotonic() + RECEIPT_TIMEOUT
        while len(receipts) < len(hashes):
            missing = [h for h in hashes if h not in receipts]
            for chunk in _chunks(missing, RPC_BATCH):
                answers = self.batch([("eth_getTransactionReceipt", [_hex(h)]) for h in chunk])
                for tx_hash, answer in zip(chunk, answers, strict=True):
                    if answer is not None:
                        receipts[tx_hash] = answer
                        if progress is not None:
                            progress.update(1)
            if len(receipts) < len(hashes):
                if time.monotonic() > deadline:
                    raise ChainError(f"{len(hashes) - len(receipts)} transactions not mined in {RECEIPT_TIMEOUT}s")
                time.sleep(0.2)
        return [receipts[h] for h in hashes]

    def revert_reasons(self, hashes: Sequence[bytes]) -> list[str]:
        """Why mined transactions failed: each replayed with eth_call, first at the latest state (where a
        replay is still refused for the same reason), then at its block's parent state."""
        reasons: list[str | None] = [None] * len(hashes)
        transactions = self.batch([("eth_getTransactionByHash", [_hex(h)]) for h in hashes])
        for block_of in (lambda tx: "latest", lambda tx: hex(int(tx["blockNumber"], 16) - 1)):
            pending = [i for i, reason in enumerate(reasons) if reason is None]
            calls = [
                ("eth_call", [{k: transactions[i][k] for k in ("from", "to", "input")}, block_of(transactions[i])])
                for i in pending
            ]
            for i, answer in zip(pending, self.answers(calls) if calls else [], strict=True):
                if "error" in answer:
                    reasons[i] = str(answer["error"].get("message", "")).removeprefix("execution reverted: ")
        return [reason or "transaction failed without a reason" for reason in reasons]

    def view(self, contract_function: Any) -> Any:
        """A view call in one request (web3's ``.call()`` adds validation round trips): the decoded result."""
        request = {"to": contract_function.address, "data": contract_function._encode_transaction_data()}
        answer = self.batch([("eth_call", [request, "latest"])])[0]
        values = decode([output["type"] for output in contract_function.abi["outputs"]], _bytes(answer))
        return values[0] if len(values) == 1 else values

    # -- the off-chain store --------------------------------------------------------------------------

    def put_raw_all(self, blobs: Sequence[bytes], progress: tqdm | None = None) -> list[bytes]:
        stamps: list[bytes] = []
        for chunk in _chunks(blobs, RPC_BATCH):
            answers = self.batch([("walton_putRawData", [_hex(blob)]) for blob in chunk])
            for blob, answer in zip(chunk, answers, strict=True):
                if _bytes(answer) != keccak(blob):
                    raise ChainError(f"store answered stamp {answer} for data hashing to {_hex(keccak(blob))}")
                stamps.append(_bytes(answer))
            if progress is not None:
                progress.update(len(chunk))
        return stamps

    def prefetch_raw(self, stamps: Sequence[bytes]) -> None:
        """Fetch many stamps' raw data in JSON-RPC batches ahead of verifying them one by one."""
        wanted = [stamp for stamp in stamps if stamp not in self._raw]
        for chunk in _chunks(wanted, RPC_BATCH):
            for stamp, answer in zip(chunk, self.batch([("walton_getRawData", [_hex(s)]) for s in chunk]), strict=True):
                if answer is not None:
                    self._raw[stamp] = _bytes(answer)

    def get_raw(self, stamp: bytes) -> bytes | None:
        """Raw data by stamp; data found is kept, as its key is its hash (callers re-check the hash)."""
        if stamp not in self._raw:
            answer = self.batch([("walton_getRawData", [_hex(stamp)])])[0]
            if answer is None:
                return None
            self._raw[stamp] = _bytes(answer)
        return self._raw[stamp]

    # -- the registry ---------------------------------------------------------------------------------

    def register_call(self, key: DeviceKey) -> tuple[Any, int]:
        digest = key_binding_digest(self.chain_id, key.device_id, self.sender, key.key_type, key.public_key)
        function = self.registry.functions.register(int(key.key_type), key.public_key, key.sign(digest))
        return function, GAS["register"]

    def keys_of(self, device: bytes) -> list[tuple[int, int, bytes]]:
        """(block number, key type, public key) of every key the registry gave ``device``, oldest first."""
        if device not in self._keys:
            history = []
            for event in (self.registry.events.DeviceRegistered, self.registry.events.KeyRotated):
                for log in event.get_logs(from_block=0, argument_filters={"device": device}):
                    args = log["args"]
                    history.append((log["blockNumber"], log["logIndex"], args["keyType"], bytes(args["publicKey"])))
            self._keys[device] = [(block, kind, key) for block, _, kind, key in sorted(history)]
        return self._keys[device]

    def key_at(self, device: bytes, block: int) -> tuple[int, bytes] | None:
        """The key the registry held for ``device`` when ``block`` was mined (None if not registered yet)."""
        current = None
        for registered_block, key_type, public_key in self.keys_of(device):
            if registered_block <= block:
                current = (key_type, public_key)
        return current

    def signed_by(self, device: bytes, block: int, digest: bytes, signature: bytes) -> bool:
        key = self.key_at(device, block)
        return key is not None and verify_signature(key[0], key[1], digest, signature)


def mined_ok(receipt: dict[str, Any]) -> bool:
    """A raw JSON-RPC receipt's status is 0x1."""
    return int(receipt["status"], 16) == 1


def failures(client: ChainClient, hashes: Sequence[bytes], receipts: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """The failed transactions with their precompile's reasons."""
    failed = [tx_hash for tx_hash, receipt in zip(hashes, receipts, strict=True) if not mined_ok(receipt)]
    reasons: list[str] = []
    for chunk in _chunks(failed, RPC_BATCH):
        reasons += client.revert_reasons(chunk)
    return [{"tx": _hex(tx_hash), "reason": reason} for tx_hash, reason in zip(failed, reasons, strict=True)]


# -- simulation ------------------------------------------------------------------------------------------


@dataclass
class SimulationResult:
    """What a simulation did: enough for the verifiers (stamps, EPCs) and for throughput figures."""

    kind: str
    devices: int
    submitted: int
    transactions: int
    failed: list[dict[str, str]]
    seconds: float
    stamps: list[str] = field(default_factory=list)
    epcs: list[str] = field(default_factory=list)
    records: list[str] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "devices": self.devices,
            "submitted": self.submitted,
            "transactions": self.transactions,
            "failed": self.failed,
            "seconds": round(self.seconds, 3),
            "perSecond": round(self.submitted / self.seconds, 1) if self.seconds else None,
            "stamps": self.stamps,
            "epcs": self.epcs,
            "records": self.records,
            "batches": self.batches,
        }


def _curve(index: int) -> KeyType:
    """Alternate the curves so every run exercises both."""
    return KeyType.SECP256K1 if index % 2 == 0 else KeyType.P256


def register_devices(client: ChainClient, keys: Sequence[DeviceKey], quiet: bool = True) -> None:
    """Register every key (proof of possession included) and wait; ChainError with reasons if any fails."""
    calls = [client.register_call(key) for key in keys]
    with tqdm(total=2 * len(calls), desc="register", unit="tx", disable=quiet) as progress:
        hashes = client.send_all(calls, progress)
        receipts = client.wait(hashes, progress)
    failed = failures(client, hashes, receipts)
    if failed:
        raise ChainError(f"registration failed: {failed[0]['reason']}")


def _bar(total: int, desc: str, quiet: bool) -> tqdm:
    return tqdm(total=total, desc=desc, unit="tx", disable=quiet)


def simulate_sensors(
    client: ChainClient,
    count: int,
    devices: int = 4,
    gateway: bool = False,
    batch_size: int = 400,
    direct: int = 0,
    quiet: bool = True,
) -> SimulationResult:
    """``devices`` sensors take ``count`` readings between them; each packet goes to the store and its
    signed stamp on chain: directly (one transaction each), or with ``gateway`` through a gateway that
    anchors up to ``batch_size`` stamps under one Merkle root (``direct`` of them still sent directly)."""
    started = time.monotonic()
    sensors = [DeviceKey.generate(_curve(i)) for i in range(devices)]
    gateway_key = DeviceKey.generate(KeyType.SECP256K1)
    register_devices(client, [*sensors, gateway_key] if gateway else sensors, quiet)
    sequences = dict.fromkeys((key.device_id for key in sensors), 0)
    packets: list[bytes] = []
    entries: list[BatchEntry] = []
    now = int(time.time())
    for index in range(count):
        sensor = sensors[index % devices]
        sequences[sensor.device_id] += 1
        sequence = sequences[sensor.device_id]
        readings = {
            "temperature": (round(20 + (index % 50) / 10, 1), "Cel"),
            "humidity": (40 + index % 30, "%"),
        }
        packet = encode_packet(sensor.device_id, sequence, now, readings)
        stamp = stamp_of(packet)
        signature = sensor.sign(stamp_digest(sensor.device_id, sequence, now, stamp, client.chain_id))
        packets.append(packet)
        entries.append(BatchEntry(sensor.device_id, sequence, now, stamp, signature))
    calls: list[tuple[Any, int]] = []
    direct_entries = entries if not gateway else entries[: min(direct, count)]
    batched_entries = [] if not gateway else entries[len(direct_entries) :]
    for entry in direct_entries:
        function = client.stamps.functions.recordStamp(
            entry.device_id, entry.sequence, entry.timestamp, entry.stamp, entry.signature
        )
        calls.append((function, GAS["stamp"]))
    manifests: list[bytes] = []
    roots: list[str] = []
    for batch_number, start in enumerate(range(0, len(batched_entries), batch_size), start=1):
        chunk = batched_entries[start : start + batch_size]
        manifest = encode_manifest(chunk)
        if len(manifest) > MAX_PACKET_SIZE:
            raise ValueError(
                f"a manifest of {len(chunk)} stamps is {len(manifest)} bytes, more than the store's {MAX_PACKET_SIZE}:"
                f" use a batch size of at most {MAX_PACKET_SIZE * len(chunk) // len(manifest)}"
            )
        root = merkle_root([entry.leaf(client.chain_id) for entry in chunk])
        digest = batch_digest(gateway_key.device_id, batch_number, root, len(chunk), keccak(manifest), client.chain_id)
        function = client.batches.functions.recordBatch(
            gateway_key.device_id, batch_number, root, len(chunk), keccak(manifest), gateway_key.sign(digest)
        )
        calls.append((function, GAS["batch"]))
        manifests.append(manifest)
        roots.append(_hex(root))
    with tqdm(total=len(packets) + len(manifests), desc="upload", unit="blob", disable=quiet) as progress:
        client.put_raw_all([*packets, *manifests], progress)
    with _bar(2 * len(calls), f"stamps ({len(calls)} tx)", quiet) as progress:
        hashes = client.send_all(calls, progress)
        receipts = client.wait(hashes, progress)
    return SimulationResult(
        kind="sensor",
        devices=len(sensors) + (1 if gateway else 0),
        submitted=count,
        transactions=len(calls),
        failed=failures(client, hashes, receipts),
        seconds=time.monotonic() - started,
        stamps=[_hex(entry.stamp) for entry in entries],
        batches=roots,
    )


@dataclass
class RfidFleet:
    """An owner's tags and readers: the owner issues the readers' Access-Passes and provisions the tags."""

    tags: list[Tag]
    readers: list[Reader]

    @classmethod
    def create(cls, chain_id: int, tags: int, readers: int, company_prefix: str = "0614141") -> "RfidFleet":
        issuer = DeviceKey.generate(KeyType.SECP256K1)
        expires = int(time.time()) + 24 * 3600
        reader_list = []
        for index in range(readers):
            key = DeviceKey.generate(_curve(index + 1))
            reader_list.append(Reader(key, AccessPass.issue(issuer, key.key_type, key.public_key, expires, chain_id)))
        serial_base = int.from_bytes(DeviceKey.generate(KeyType.SECP256K1).public_key[:4], "big")
        tag_list = []
        for index in range(tags):
            epc = sgtin_uri(company_prefix, "812345", serial_base + index)
            key = DeviceKey.generate(_curve(index))
            tag_list.append(Tag(key, bytes.fromhex(sgtin96_hex(epc)), issuer.key_type, issuer.public_key, chain_id))
        return cls(tag_list, reader_list)


def simulate_rfid(
    client: ChainClient, count: int, tags: int = 8, readers: int = 3, quiet: bool = True
) -> SimulationResult:
    """Readers operate on tags ``count`` times (a write on each tag's first touch, then reads and writes),
    each a full two-way handshake, and every operation record goes on chain."""
    started = time.monotonic()
    fleet = RfidFleet.create(client.chain_id, tags, readers)
    register_devices(client, [tag.key for tag in fleet.tags] + [reader.key for reader in fleet.readers], quiet)
    records: list[OperationRecord] = []
    for index in range(count):
        tag = fleet.tags[index % tags]
        reader = fleet.readers[index % readers]
        if tag.counter == 0 or index % 5 == 0:
            _, record = run_operation(reader, tag, Operation.WRITE, int(time.time()), f"reading {index}".encode())
        else:
            _, record = run_operation(reader, tag, Operation.READ, int(time.time()))
        records.append(record)
    calls = [(client.records.functions.recordOperation(record.encode()), GAS["record"]) for record in records]
    with _bar(2 * len(calls), f"records ({len(calls)} tx)", quiet) as progress:
        hashes = client.send_all(calls, progress)
        receipts = client.wait(hashes, progress)
    return SimulationResult(
        kind="rfid",
        devices=tags + readers,
        submitted=count,
        transactions=len(calls),
        failed=failures(client, hashes, receipts),
        seconds=time.monotonic() - started,
        epcs=[sgtin96_pure_uri(tag.epc.hex().upper()) for tag in fleet.tags],
        records=[_hex(record.encode()) for record in records],
    )


# -- verification ----------------------------------------------------------------------------------------


@dataclass
class Verdict:
    """A verifier's answer: every check by name, and whether all held."""

    subject: str
    checks: dict[str, bool] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def check(self, name: str, passed: bool, problem: str) -> bool:
        self.checks[name] = passed
        if not passed:
            self.problems.append(problem)
        return passed

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(self.checks.values()) and not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "ok": self.ok,
            "checks": self.checks,
            **self.details,
            "problems": self.problems,
        }


class StampIndex:
    """The chain's stamp records and gateway batches (with their manifests from the store), read from the
    logs once, so verifying many stamps costs a few calls each rather than a scan each."""

    def __init__(self, client: ChainClient) -> None:
        self.direct = {
            bytes(log["args"]["stamp"]): log for log in client.stamps.events.StampRecorded.get_logs(from_block=0)
        }
        self.batched: dict[bytes, tuple[Any, list[BatchEntry], list[bytes], int]] = {}
        for log in client.batches.events.BatchRecorded.get_logs(from_block=0):
            manifest_hash = bytes(log["args"]["manifest"])
            manifest = client.get_raw(manifest_hash)
            if manifest is None or keccak(manifest) != manifest_hash:
                continue  # the batch stays on chain, but nobody can prove a stamp in it without its manifest
            try:
                entries = decode_manifest(manifest)
            except ValueError:
                continue
            leaves = [entry.leaf(client.chain_id) for entry in entries]
            for position, entry in enumerate(entries):
                self.batched.setdefault(entry.stamp, (log, entries, leaves, position))


def verify_stamp(client: ChainClient, stamp: bytes, index: StampIndex | None = None) -> Verdict:
    """Check a stamp end to end: the raw packet from the store hashes to it, it is recorded on chain
    (directly, or in a gateway batch with a valid inclusion proof), and the device that the packet names
    signed it with the key the registry held for it at that block."""
    verdict = Verdict(_hex(stamp))
    packet = client.get_raw(stamp)
    if not verdict.check("raw data in store", packet is not None, "the off-chain store has no data for this stamp"):
        return verdict
    assert packet is not None
    if not verdict.check("raw data hashes to stamp", keccak(packet) == stamp, "raw data does not hash to the stamp"):
        return verdict
    try:
        decoded = decode_packet(packet)
    except ValueError as error:
        verdict.check("packet is canonical", False, str(error))
        return verdict
    verdict.checks["packet is canonical"] = True
    verdict.details.update(
        device=_hex(decoded.device_id),
        sequence=decoded.sequence,
        timestamp=decoded.timestamp,
        readings={name: list(value) for name, value in decoded.readings.items()},
    )
    index = index or StampIndex(client)
    if stamp in index.direct:
        log = index.direct[stamp]
        args = log["args"]
        verdict.details.update(mode="direct", block=log["blockNumber"], tx=_hex(bytes(log["transactionHash"])))
        verdict.check(
            "on-chain record matches packet",
            bytes(args["device"]) == decoded.device_id
            and args["sequence"] == decoded.sequence
            and args["timestamp"] == decoded.timestamp,
            "the chain recorded this stamp for another device, sequence or time",
        )
        verdict.check(
            "stamp recorded",
            client.view(client.stamps.functions.stampBlock(stamp)) == log["blockNumber"],
            "the stamp precompile does not hold this stamp",
        )
        signature = bytes(args["signature"])
    else:
        found = index.batched.get(stamp)
        if not verdict.check("stamp recorded", found is not None, "no stamp record or gateway batch holds this stamp"):
            return verdict
        assert found is not None
        log, entries, leaves, position = found
        entry = entries[position]
        verdict.details.update(
            mode="batch",
            block=log["blockNumber"],
            tx=_hex(bytes(log["transactionHash"])),
            root=_hex(bytes(log["args"]["root"])),
            index=position,
            gateway=_hex(bytes(log["args"]["gateway"])),
        )
        verdict.check(
            "batch entry matches packet",
            (entry.device_id, entry.sequence, entry.timestamp)
            == (decoded.device_id, decoded.sequence, decoded.timestamp),
            "the gateway's manifest lists this stamp for another device, sequence or time",
        )
        root = bytes(log["args"]["root"])
        proof = inclusion_proof(leaves, position)
        included = client.view(client.batches.functions.verifyInclusion(root, leaves[position], position, proof))
        verdict.check("inclusion proof verified on chain", bool(included), "the batch root does not include this stamp")
        gateway_digest = batch_digest(
            bytes(log["args"]["gateway"]),
            log["args"]["sequence"],
            root,
            log["args"]["count"],
            bytes(log["args"]["manifest"]),
            client.chain_id,
        )
        verdict.check(
            "gateway signature",
            client.signed_by(
                bytes(log["args"]["gateway"]), log["blockNumber"], gateway_digest, bytes(log["args"]["signature"])
            ),
            "the batch is not signed by the gateway's registered key",
        )
        signature = entry.signature
    digest = stamp_digest(decoded.device_id, decoded.sequence, decoded.timestamp, stamp, client.chain_id)
    verdict.check(
        "device signature",
        client.signed_by(decoded.device_id, verdict.details["block"], digest, signature),
        "the stamp is not signed by the device's registered key",
    )
    return verdict


def _pure_uri(epc: str) -> str:
    """An EPC given as a pure-identity URI, a tag URI or 24 hex digits, as its pure identity."""
    text = epc.strip()
    if text.startswith("urn:"):
        return sgtin96_pure_uri(sgtin96_hex(text))
    return sgtin96_pure_uri(text.removeprefix("0x").upper())


def _record_uri(record: OperationRecord) -> str | None:
    try:
        return sgtin96_pure_uri(record.epc.hex().upper())
    except ValueError:
        return None


def trace_epc(client: ChainClient, epc: str, as_epcis: bool = False) -> Verdict:
    """The history of one tag from the chain's OperationRecorded logs, every record re-verified: both
    signatures by the keys registered at that block, the log matching the record, counters rising."""
    epc_uri = _pure_uri(epc)
    verdict = Verdict(epc_uri)
    operations: list[dict[str, Any]] = []
    by_tag: dict[bytes, list[OperationRecord]] = {}
    # The EPC topic holds the tag's 96 bits, filter value included: ask for the identity under all eight.
    encodings = [bytes.fromhex(sgtin96_hex(epc_uri, filter_value)) for filter_value in range(8)]
    logs = client.records.events.OperationRecorded.get_logs(from_block=0, argument_filters={"epc": encodings})
    for log in logs:
        args = log["args"]
        try:
            record = OperationRecord.decode(bytes(args["record"]))
        except ValueError:
            continue
        if _record_uri(record) != epc_uri:  # the filter value may differ; the identity may not
            continue
        block = log["blockNumber"]
        matches_log = (
            bytes(args["tag"]) == record.tag_id
            and bytes(args["epc"]) == record.epc
            and bytes(args["reader"]) == record.reader_id
            and args["counter"] == record.counter
            and args["timestamp"] == record.timestamp
            and bytes(args["dataHash"]) == record.data_hash
        )
        tag_ok = client.signed_by(record.tag_id, block, record.tag_digest(), record.tag_signature)
        reader_ok = client.signed_by(record.reader_id, block, record.reader_digest(), record.reader_signature)
        chain_ok = record.chain_id == client.chain_id
        position = len(operations)
        verdict.check(f"record {position} matches its log", matches_log, f"record {position}: log fields differ")
        verdict.check(f"record {position} tag signature", tag_ok, f"record {position}: tag signature invalid")
        verdict.check(f"record {position} reader signature", reader_ok, f"record {position}: reader signature invalid")
        verdict.check(f"record {position} chain id", chain_ok, f"record {position}: for chain {record.chain_id}")
        by_tag.setdefault(record.tag_id, []).append(record)
        operation: dict[str, Any] = {
            "counter": record.counter,
            "operation": record.operation.name.lower(),
            "time": datetime.fromtimestamp(record.timestamp, UTC).isoformat(),
            "tag": _hex(record.tag_id),
            "reader": _hex(record.reader_id),
            "dataHash": _hex(record.data_hash),
            "block": block,
            "tx": _hex(bytes(log["transactionHash"])),
            "verified": matches_log and tag_ok and reader_ok and chain_ok,
        }
        if as_epcis:
            event = object_event(
                [epc_uri],
                datetime.fromtimestamp(record.timestamp, UTC),
                biz_step="inspecting" if record.operation == Operation.READ else "encoding",
            )
            operation["epcis"] = {**event, "eventID": event_hash(event)}
        operations.append(operation)
    verdict.check("history found", bool(operations), "no operation record on chain carries this EPC")
    if len(by_tag) > 1:
        verdict.problems.append(f"{len(by_tag)} different tags signed records for this EPC: a cloned EPC")
    for records in by_tag.values():
        verdict.problems.extend(history_problems(records))
    verdict.details.update(tags=[_hex(tag) for tag in by_tag], operations=operations)
    return verdict


def save_json(path: Path | None, data: Any) -> None:
    if path is not None:
        path.write_text(json.dumps(data, indent=2))
