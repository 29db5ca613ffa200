"""The RFID handshake step by step, the operation record's encoding, and each attack the protocol defeats."""

import dataclasses
import os
from typing import Any

import pytest
from eth_hash.auto import keccak

from walton.hardware.epc import sgtin96_hex
from walton.hardware.identity import DeviceKey, KeyType
from walton.hardware.rfid import (
    MAX_RECORD_LENGTH,
    MIN_RECORD_LENGTH,
    AccessPass,
    Operation,
    OperationRecord,
    ProtocolError,
    Reader,
    Tag,
    history_problems,
    run_operation,
)

CHAIN_ID = 1337
NOW = 1_700_000_000
EPC = bytes.fromhex(sgtin96_hex("urn:epc:id:sgtin:0614141.812345.6789"))


def make_parties(
    tag_curve: KeyType = KeyType.SECP256K1, reader_curve: KeyType = KeyType.P256
) -> tuple[DeviceKey, Tag, Reader]:
    issuer = DeviceKey.generate(KeyType.SECP256K1)
    tag = Tag(DeviceKey.generate(tag_curve), EPC, issuer.key_type, issuer.public_key, CHAIN_ID)
    reader_key = DeviceKey.generate(reader_curve)
    access_pass = AccessPass.issue(issuer, reader_key.key_type, reader_key.public_key, NOW + 3600, CHAIN_ID)
    return issuer, tag, Reader(reader_key, access_pass)


def keys_of(tag: Tag, reader: Reader) -> tuple[KeyType, bytes, KeyType, bytes]:
    return tag.key.key_type, tag.key.public_key, reader.key.key_type, reader.key.public_key


@pytest.mark.parametrize("tag_curve", [KeyType.SECP256K1, KeyType.P256])
@pytest.mark.parametrize("reader_curve", [KeyType.SECP256K1, KeyType.P256])
def test_write_then_read_yields_two_signed_records(tag_curve: KeyType, reader_curve: KeyType) -> None:
    _, tag, reader = make_parties(tag_curve, reader_curve)
    written, first = run_operation(reader, tag, Operation.WRITE, NOW, b"lot 42, 2 degC")
    read, second = run_operation(reader, tag, Operation.READ, NOW + 5)
    assert written == read == b"lot 42, 2 degC"
    assert (first.counter, second.counter) == (1, 2)
    assert first.operation == Operation.WRITE and second.operation == Operation.READ
    assert first.data_hash == second.data_hash == keccak(b"lot 42, 2 degC")
    for record in (first, second):
        assert record.tag_id == tag.tag_id and record.reader_id == reader.reader_id and record.epc == EPC
        assert record.signatures_valid(*keys_of(tag, reader))
        assert OperationRecord.decode(record.encode()) == record
        assert MIN_RECORD_LENGTH <= len(record.encode()) <= MAX_RECORD_LENGTH
    assert history_problems([first, second]) == []


def test_forged_access_pass_is_refused() -> None:
    _, tag, reader = make_parties()
    stranger = DeviceKey.generate(KeyType.SECP256K1)
    forged = AccessPass.issue(stranger, reader.key.key_type, reader.key.public_key, NOW + 3600, CHAIN_ID)
    with pytest.raises(ProtocolError, match="not issued by this tag's owner"):
        tag.challenge(Reader(reader.key, forged).hello(), NOW)
    # The owner's pass with the reader key swapped: the owner's signature no longer covers it.
    other_key = DeviceKey.generate(KeyType.P256)
    swapped = dataclasses.replace(reader.access_pass, reader_public_key=other_key.public_key)
    with pytest.raises(ProtocolError, match="access pass signature is invalid"):
        tag.challenge(Reader(other_key, swapped).hello(), NOW)


def test_expired_or_foreign_chain_access_pass_is_refused() -> None:
    issuer, tag, reader = make_parties()
    with pytest.raises(ProtocolError, match="expired"):
        tag.challenge(reader.hello(), NOW + 3601)
    foreign = AccessPass.issue(issuer, reader.key.key_type, reader.key.public_key, NOW + 3600, CHAIN_ID + 1)
    with pytest.raises(ProtocolError, match="another chain"):
        tag.challenge(Reader(reader.key, foreign).hello(), NOW)


def test_reader_without_the_pass_key_is_refused() -> None:
    """A copied Access-Pass is useless without its key: the key proof fails."""
    _, tag, reader = make_parties()
    thief = Reader(DeviceKey.generate(KeyType.P256), reader.access_pass)
    challenge = tag.challenge(thief.hello(), NOW)
    request = thief.request(challenge, Operation.READ, NOW)
    with pytest.raises(ProtocolError, match="key proof"):
        tag.perform(request)
    assert tag.counter == 0


def test_proof_over_a_stale_challenge_is_refused() -> None:
    """Message 3 recorded in one session and replayed in the next does not sign the new nonce."""
    _, tag, reader = make_parties()
    challenge = tag.challenge(reader.hello(), NOW)
    old_request = reader.request(challenge, Operation.WRITE, NOW, b"genuine")
    tag.perform(old_request)
    with pytest.raises(ProtocolError, match="no pending challenge"):
        tag.perform(old_request)
    tag.challenge(reader.hello(), NOW + 1)  # a fresh session: new nonces
    with pytest.raises(ProtocolError, match="key proof"):
        tag.perform(dataclasses.replace(old_request, data=b"forged"))
    assert tag.memory == b"genuine"


def test_impostor_tag_is_detected_by_the_reader() -> None:
    """A tag that copies another's id (and EPC) but not its key cannot sign as it."""
    issuer, genuine, reader = make_parties()
    impostor = Tag(
        DeviceKey.generate(KeyType.SECP256K1),
        EPC,
        issuer.key_type,
        issuer.public_key,
        CHAIN_ID,
        tag_id=genuine.tag_id,
    )
    registered = (genuine.key.key_type, genuine.key.public_key)
    challenge = impostor.challenge(reader.hello(), NOW)
    data, half_signed = impostor.perform(reader.request(challenge, Operation.READ, NOW))
    with pytest.raises(ProtocolError, match="tag signature is invalid"):
        reader.countersign(data, half_signed, registered)
    # Without a registry key the reader insists the presented key is the one the id was derived from.
    challenge = impostor.challenge(reader.hello(), NOW)
    data, half_signed = impostor.perform(reader.request(challenge, Operation.READ, NOW))
    with pytest.raises(ProtocolError, match="does not match its id"):
        reader.countersign(data, half_signed)


def test_reader_checks_data_hash_and_nonces() -> None:
    _, tag, reader = make_parties()
    challenge = tag.challenge(reader.hello(), NOW)
    data, half_signed = tag.perform(reader.request(challenge, Operation.WRITE, NOW, b"x"))
    with pytest.raises(ProtocolError, match="data hash"):
        reader.countersign(b"y", half_signed)
    challenge = tag.challenge(reader.hello(), NOW)
    data, half_signed = tag.perform(reader.request(challenge, Operation.READ, NOW))
    with pytest.raises(ProtocolError, match="nonces"):
        reader.countersign(data, dataclasses.replace(half_signed, reader_nonce=os.urandom(16)))


def test_every_tampered_field_breaks_both_signatures() -> None:
    _, tag, reader = make_parties()
    _, record = run_operation(reader, tag, Operation.WRITE, NOW, b"payload")
    changes: dict[str, Any] = {
        "chain_id": CHAIN_ID + 1,
        "tag_id": os.urandom(32),
        "epc": bytes(12),
        "reader_id": os.urandom(32),
        "timestamp": NOW + 1,
        "counter": record.counter + 1,
        "operation": Operation.READ,
        "data_hash": keccak(b"other"),
        "tag_nonce": os.urandom(16),
        "reader_nonce": os.urandom(16),
    }
    assert set(changes) | {"tag_signature", "reader_signature"} == {f.name for f in dataclasses.fields(record)}
    for name, value in changes.items():
        tampered = dataclasses.replace(record, **{name: value})
        tag_type, tag_key, reader_type, reader_key = keys_of(tag, reader)
        assert not tampered.signatures_valid(tag_type, tag_key, reader_type, reader_key), name
        assert not tampered.signatures_valid(tag_type, tag_key, tag_type, tag_key), name
    for name in ("tag_signature", "reader_signature"):
        signature = getattr(record, name)
        flipped = signature[:10] + bytes([signature[10] ^ 1]) + signature[11:]
        assert not dataclasses.replace(record, **{name: flipped}).signatures_valid(*keys_of(tag, reader))


def test_record_cannot_be_attributed_to_another_reader_or_tag() -> None:
    _issuer, tag, reader = make_parties()
    _, record = run_operation(reader, tag, Operation.READ, NOW)
    _, other_tag, other_reader = make_parties()
    # Same signatures, other ids: checked against the other parties' registered keys, they fail.
    moved = dataclasses.replace(record, reader_id=other_reader.reader_id)
    assert not moved.signatures_valid(tag.key.key_type, tag.key.public_key, *keys_of(other_tag, other_reader)[2:])
    moved = dataclasses.replace(record, tag_id=other_tag.tag_id)
    assert not moved.signatures_valid(*keys_of(other_tag, reader))
    # Signatures swapped between roles fail: the two digests are domain-separated.
    swapped = dataclasses.replace(record, reader_signature=record.tag_signature)
    assert not swapped.signatures_valid(tag.key.key_type, tag.key.public_key, tag.key.key_type, tag.key.public_key)


def test_replayed_and_reordered_records_show_in_the_history() -> None:
    _, tag, reader = make_parties()
    records = [run_operation(reader, tag, Operation.READ, NOW + i)[1] for i in range(3)]
    assert history_problems(records) == []
    assert history_problems([*records, records[1]]) == ["counter 2 follows 3: replayed or re-ordered"]
    assert history_problems([records[0], records[2], records[1]]) == ["counter 2 follows 3: replayed or re-ordered"]
    _, other_tag, other_reader = make_parties()
    _, foreign = run_operation(other_reader, other_tag, Operation.READ, NOW)
    assert "in the history of" in history_problems([records[0], foreign])[0]


def test_decode_refuses_malformed_records() -> None:
    _, tag, reader = make_parties(KeyType.SECP256K1, KeyType.SECP256K1)
    encoded = run_operation(reader, tag, Operation.READ, NOW)[1].encode()
    body_end = MIN_RECORD_LENGTH - 2 - 128
    cases = {
        "empty": b"",
        "truncated": encoded[:-1],
        "extended": encoded + b"\x00",
        "version": b"\x02" + encoded[1:],
        "operation": encoded[: body_end - 65] + b"\x03" + encoded[body_end - 64 :],
        "signature length": encoded[:body_end] + b"\x40" + encoded[body_end + 1 :],
    }
    messages = {
        "empty": "bytes, got 0",
        "truncated": "signature length|does not match",
        "extended": "bytes, got",
        "version": "unknown operation record version 2",
        "operation": "operation must be 1",
        "signature length": "signature length|does not match",
    }
    for name, data in cases.items():
        with pytest.raises(ValueError, match=messages[name]):
            OperationRecord.decode(data)


def test_encode_refuses_wrong_widths() -> None:
    _, tag, reader = make_parties()
    record = run_operation(reader, tag, Operation.READ, NOW)[1]
    with pytest.raises(ValueError, match="tag_id must be 32 bytes"):
        dataclasses.replace(record, tag_id=b"\x01").encode()
    with pytest.raises(ValueError, match="counter must fit in 64 bits"):
        dataclasses.replace(record, counter=2**64).encode()
    with pytest.raises(ValueError, match="reader_signature must be 64 or 65"):
        dataclasses.replace(record, reader_signature=b"").encode()
