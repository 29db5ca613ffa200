"""RFID two-way authentication and the signed operation record (white paper section 2.2.1).

A reader proves to a tag that it holds a valid Access-Pass (issued by the tag's owner for the reader's
key) and the key behind it; the tag proves its identity by signing. Each read or write yields an
``OperationRecord`` signed by both, which the chain verifies. The messages, encodings and what each
check defeats are written down in ``docs/hardware.md``.

Record encoding (``OperationRecord.encode``), all integers big-endian, 154-byte fixed body:

    version u8 (=1) | chain_id u64 | tag_id bytes32 | epc bytes12 (the tag's SGTIN-96) | reader_id bytes32
    | timestamp u64 (unix seconds) | counter u64 | operation u8 (1 read, 2 write) | data_hash bytes32
    | tag_nonce bytes16 | reader_nonce bytes16

followed by ``tag_sig_len u8 | tag_signature | reader_sig_len u8 | reader_signature``, each length 64
(P-256) or 65 (secp256k1), so a whole record is 296 to 298 bytes. The EPC rides in every record, signed
by the tag, so ``walton trace EPC`` finds a tag's records from the logs (and notices two keys claiming
one EPC, a cloned tag). The tag signs
``keccak256("WALTON-RFID-TAG-v1" || body)``, the reader ``keccak256("WALTON-RFID-READER-v1" || body)``:
the chain id inside the body stops cross-chain replay, the two domains stop one signature being
passed off as the other party's.
"""

import itertools
import os
from dataclasses import dataclass, field, replace
from enum import IntEnum

from eth_hash.auto import keccak

from walton.hardware.identity import SIGNATURE_LENGTHS, DeviceKey, KeyType, device_id, verify_signature

RECORD_VERSION = 1
NONCE_LENGTH = 16
EPC_LENGTH = 12
BODY_LENGTH = 1 + 8 + 32 + EPC_LENGTH + 32 + 8 + 8 + 1 + 32 + NONCE_LENGTH + NONCE_LENGTH
MIN_RECORD_LENGTH = BODY_LENGTH + 2 + 64 + 64
MAX_RECORD_LENGTH = BODY_LENGTH + 2 + 65 + 65
TAG_DOMAIN = b"WALTON-RFID-TAG-v1"
READER_DOMAIN = b"WALTON-RFID-READER-v1"
AUTH_DOMAIN = b"WALTON-RFID-AUTH-v1"
ACCESS_PASS_DOMAIN = b"WALTON-RFID-ACCESS-PASS-v1"
U64_MAX = 2**64 - 1
_SIGNATURE_SIZES = set(SIGNATURE_LENGTHS.values())


class Operation(IntEnum):
    READ = 1
    WRITE = 2


class ProtocolError(ValueError):
    """A step of the RFID handshake refused: the message names the check that failed."""


def _u64(name: str, value: int) -> bytes:
    if not 0 <= value <= U64_MAX:
        raise ValueError(f"{name} must fit in 64 bits, got {value}")
    return value.to_bytes(8, "big")


def _fixed(name: str, value: bytes, length: int) -> bytes:
    if not isinstance(value, bytes) or len(value) != length:
        raise ValueError(f"{name} must be {length} bytes")
    return value


@dataclass(frozen=True)
class OperationRecord:
    """One read or write of a tag by a reader, signed by both; see the module docstring for the layout."""

    chain_id: int
    tag_id: bytes
    epc: bytes
    reader_id: bytes
    timestamp: int
    counter: int
    operation: Operation
    data_hash: bytes
    tag_nonce: bytes
    reader_nonce: bytes
    tag_signature: bytes = b""
    reader_signature: bytes = b""

    def body(self) -> bytes:
        """The signed part: every field but the signatures, fixed width."""
        if self.operation not in (Operation.READ, Operation.WRITE):
            raise ValueError(f"operation must be 1 (read) or 2 (write), got {self.operation}")
        return b"".join(
            (
                bytes([RECORD_VERSION]),
                _u64("chain_id", self.chain_id),
                _fixed("tag_id", self.tag_id, 32),
                _fixed("epc", self.epc, EPC_LENGTH),
                _fixed("reader_id", self.reader_id, 32),
                _u64("timestamp", self.timestamp),
                _u64("counter", self.counter),
                bytes([int(self.operation)]),
                _fixed("data_hash", self.data_hash, 32),
                _fixed("tag_nonce", self.tag_nonce, NONCE_LENGTH),
                _fixed("reader_nonce", self.reader_nonce, NONCE_LENGTH),
            )
        )

    def tag_digest(self) -> bytes:
        return keccak(TAG_DOMAIN + self.body())

    def reader_digest(self) -> bytes:
        return keccak(READER_DOMAIN + self.body())

    def encode(self) -> bytes:
        for name, signature in (("tag_signature", self.tag_signature), ("reader_signature", self.reader_signature)):
            if len(signature) not in _SIGNATURE_SIZES:
                raise ValueError(f"{name} must be 64 or 65 bytes, got {len(signature)}")
        return (
            self.body()
            + bytes([len(self.tag_signature)])
            + self.tag_signature
            + bytes([len(self.reader_signature)])
            + self.reader_signature
        )

    @classmethod
    def decode(cls, data: bytes) -> "OperationRecord":
        """Parse ``encode``'s output; ValueError naming the problem on anything malformed."""
        if not MIN_RECORD_LENGTH <= len(data) <= MAX_RECORD_LENGTH:
            raise ValueError(
                f"an operation record is {MIN_RECORD_LENGTH} to {MAX_RECORD_LENGTH} bytes, got {len(data)}"
            )
        if data[0] != RECORD_VERSION:
            raise ValueError(f"unknown operation record version {data[0]}")
        fields = []
        offset = 1
        for width in (8, 32, EPC_LENGTH, 32, 8, 8, 1, 32, NONCE_LENGTH, NONCE_LENGTH):
            fields.append(data[offset : offset + width])
            offset += width
        chain_id, tag_id, epc, reader_id, timestamp, counter, operation, data_hash, tag_nonce, reader_nonce = fields
        if operation[0] not in (Operation.READ, Operation.WRITE):
            raise ValueError(f"operation must be 1 (read) or 2 (write), got {operation[0]}")
        signatures = []
        for name in ("tag", "reader"):
            length = data[offset] if offset < len(data) else 0
            if length not in _SIGNATURE_SIZES or offset + 1 + length > len(data):
                raise ValueError(f"{name} signature length must be 64 or 65 and within the record, got {length}")
            signatures.append(data[offset + 1 : offset + 1 + length])
            offset += 1 + length
        if offset != len(data):
            raise ValueError(f"operation record length {len(data)} does not match its signature lengths")
        return cls(
            chain_id=int.from_bytes(chain_id, "big"),
            tag_id=tag_id,
            epc=epc,
            reader_id=reader_id,
            timestamp=int.from_bytes(timestamp, "big"),
            counter=int.from_bytes(counter, "big"),
            operation=Operation(operation[0]),
            data_hash=data_hash,
            tag_nonce=tag_nonce,
            reader_nonce=reader_nonce,
            tag_signature=signatures[0],
            reader_signature=signatures[1],
        )

    def signatures_valid(
        self, tag_key_type: int, tag_public_key: bytes, reader_key_type: int, reader_public_key: bytes
    ) -> bool:
        """Both signatures check against the given keys (the ones the registry holds for the two ids)."""
        return verify_signature(
            tag_key_type, tag_public_key, self.tag_digest(), self.tag_signature
        ) and verify_signature(reader_key_type, reader_public_key, self.reader_digest(), self.reader_signature)


@dataclass(frozen=True)
class AccessPass:
    """The tag owner's permission for one reader key: what the reader shows a tag before anything else."""

    chain_id: int
    issuer_id: bytes
    reader_id: bytes
    reader_key_type: KeyType
    reader_public_key: bytes
    expires: int
    signature: bytes = b""

    def digest(self) -> bytes:
        return keccak(
            ACCESS_PASS_DOMAIN
            + _u64("chain_id", self.chain_id)
            + _fixed("issuer_id", self.issuer_id, 32)
            + _fixed("reader_id", self.reader_id, 32)
            + bytes([int(self.reader_key_type)])
            + _fixed("reader_public_key", self.reader_public_key, 64)
            + _u64("expires", self.expires)
        )

    @classmethod
    def issue(
        cls, issuer: DeviceKey, reader_key_type: KeyType, reader_public_key: bytes, expires: int, chain_id: int
    ) -> "AccessPass":
        unsigned = cls(
            chain_id,
            issuer.device_id,
            device_id(reader_key_type, reader_public_key),
            reader_key_type,
            reader_public_key,
            expires,
        )
        return replace(unsigned, signature=issuer.sign(unsigned.digest()))


def auth_digest(chain_id: int, tag_id: bytes, reader_id: bytes, tag_nonce: bytes, reader_nonce: bytes) -> bytes:
    """What a reader signs to prove it holds the Access-Pass key, bound to this tag's fresh challenge."""
    return keccak(AUTH_DOMAIN + _u64("chain_id", chain_id) + tag_id + reader_id + tag_nonce + reader_nonce)


@dataclass(frozen=True)
class ReaderHello:
    """Message 1, reader to tag: the Access-Pass and the reader's fresh nonce."""

    access_pass: AccessPass
    reader_nonce: bytes


@dataclass(frozen=True)
class TagChallenge:
    """Message 2, tag to reader: who the tag is, its fresh nonce and the counter the operation will carry."""

    tag_id: bytes
    epc: bytes
    tag_key_type: KeyType
    tag_public_key: bytes
    tag_nonce: bytes
    counter: int


@dataclass(frozen=True)
class OperationRequest:
    """Message 3, reader to tag: the operation, the reader's clock, data to write, and the key proof."""

    operation: Operation
    timestamp: int
    data: bytes
    proof: bytes


@dataclass
class Tag:
    """A tag: its key, EPC, memory, monotonic counter, and the public key of the owner who issues passes."""

    key: DeviceKey
    epc: bytes
    issuer_key_type: KeyType
    issuer_public_key: bytes
    chain_id: int
    memory: bytes = b""
    counter: int = 0
    tag_id: bytes = b""
    _pending: tuple[ReaderHello, bytes] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        """The id defaults to the one the first key gives; a tag whose key was rotated keeps its old id."""
        _fixed("epc", self.epc, EPC_LENGTH)
        self.tag_id = self.tag_id or self.key.device_id

    def challenge(self, hello: ReaderHello, now: int) -> TagChallenge:
        """Step 2: check the Access-Pass (owner's signature, this chain, not expired), answer with a nonce."""
        access_pass = hello.access_pass
        if len(hello.reader_nonce) != NONCE_LENGTH:
            raise ProtocolError(f"reader nonce must be {NONCE_LENGTH} bytes")
        if access_pass.chain_id != self.chain_id:
            raise ProtocolError("access pass is for another chain")
        if access_pass.issuer_id != device_id(self.issuer_key_type, self.issuer_public_key):
            raise ProtocolError("access pass was not issued by this tag's owner")
        if not verify_signature(
            self.issuer_key_type, self.issuer_public_key, access_pass.digest(), access_pass.signature
        ):
            raise ProtocolError("access pass signature is invalid")
        if access_pass.expires < now:
            raise ProtocolError("access pass has expired")
        tag_nonce = os.urandom(NONCE_LENGTH)
        self._pending = (hello, tag_nonce)
        return TagChallenge(self.tag_id, self.epc, self.key.key_type, self.key.public_key, tag_nonce, self.counter + 1)

    def perform(self, request: OperationRequest) -> tuple[bytes, OperationRecord]:
        """Step 4: check the reader's key proof over this session's nonces, do the operation, sign the record.

        Returns the data read or written and the record carrying the tag's signature. The session's nonce
        is used once: a second request (a replayed message 3) finds no pending session.
        """
        if self._pending is None:
            raise ProtocolError("no pending challenge: the reader must start a fresh session")
        hello, tag_nonce = self._pending
        self._pending = None
        access_pass = hello.access_pass
        digest = auth_digest(self.chain_id, self.tag_id, access_pass.reader_id, tag_nonce, hello.reader_nonce)
        if not verify_signature(access_pass.reader_key_type, access_pass.reader_public_key, digest, request.proof):
            raise ProtocolError("reader's key proof does not sign this session's challenge with the pass key")
        if request.operation == Operation.WRITE:
            self.memory = request.data
        self.counter += 1
        unsigned = OperationRecord(
            chain_id=self.chain_id,
            tag_id=self.tag_id,
            epc=self.epc,
            reader_id=access_pass.reader_id,
            timestamp=request.timestamp,
            counter=self.counter,
            operation=request.operation,
            data_hash=keccak(self.memory),
            tag_nonce=tag_nonce,
            reader_nonce=hello.reader_nonce,
        )
        return self.memory, replace(unsigned, tag_signature=self.key.sign(unsigned.tag_digest()))


@dataclass
class Reader:
    """A reader: its key and the Access-Pass its tags' owner gave it."""

    key: DeviceKey
    access_pass: AccessPass
    _session: tuple[bytes, TagChallenge | None] | None = field(default=None, init=False, repr=False)

    @property
    def reader_id(self) -> bytes:
        return self.key.device_id

    def hello(self) -> ReaderHello:
        """Step 1: present the pass with a fresh nonce."""
        nonce = os.urandom(NONCE_LENGTH)
        self._session = (nonce, None)
        return ReaderHello(self.access_pass, nonce)

    def request(
        self, challenge: TagChallenge, operation: Operation, timestamp: int, data: bytes = b""
    ) -> OperationRequest:
        """Step 3: sign the tag's fresh nonce (with ours) to prove we hold the pass key."""
        if self._session is None:
            raise ProtocolError("no session: call hello() first")
        reader_nonce = self._session[0]
        self._session = (reader_nonce, challenge)
        digest = auth_digest(
            self.access_pass.chain_id, challenge.tag_id, self.reader_id, challenge.tag_nonce, reader_nonce
        )
        return OperationRequest(
            operation, timestamp, data if operation == Operation.WRITE else b"", self.key.sign(digest)
        )

    def countersign(
        self, data: bytes, record: OperationRecord, expected_key: tuple[KeyType, bytes] | None = None
    ) -> OperationRecord:
        """Step 5: check the tag's signature, nonces, counter and data hash, then add the reader's signature.

        ``expected_key`` is the tag key the reader trusts (from the registry); without it the key the tag
        presented in step 2 is used, and must be the one the tag id was derived from.
        """
        session, self._session = self._session, None
        challenge = session[1] if session is not None else None
        if session is None or challenge is None:
            raise ProtocolError("no challenge received in this session")
        reader_nonce = session[0]
        if expected_key is None:
            expected_key = (challenge.tag_key_type, challenge.tag_public_key)
            if device_id(*expected_key) != challenge.tag_id:
                raise ProtocolError("tag's public key does not match its id")
        key_type, public_key = expected_key
        if record.tag_id != challenge.tag_id or record.epc != challenge.epc or record.reader_id != self.reader_id:
            raise ProtocolError("record names another tag, EPC or reader")
        if record.tag_nonce != challenge.tag_nonce or record.reader_nonce != reader_nonce:
            raise ProtocolError("record does not carry this session's nonces")
        if record.counter != challenge.counter:
            raise ProtocolError(f"tag counter {record.counter} differs from the announced {challenge.counter}")
        if record.data_hash != keccak(data):
            raise ProtocolError("data hash does not match the data the tag returned")
        if not verify_signature(key_type, public_key, record.tag_digest(), record.tag_signature):
            raise ProtocolError("tag signature is invalid: the tag did not prove its identity")
        return replace(record, reader_signature=self.key.sign(record.reader_digest()))


def run_operation(
    reader: Reader,
    tag: Tag,
    operation: Operation,
    timestamp: int,
    data: bytes = b"",
    tag_key: tuple[KeyType, bytes] | None = None,
) -> tuple[bytes, OperationRecord]:
    """The whole handshake between a reader and a tag in one place: what a simulator plays per operation.
    ``tag_key`` is the key the reader trusts for the tag (the registry's), as in ``Reader.countersign``."""
    challenge = tag.challenge(reader.hello(), timestamp)
    request = reader.request(challenge, operation, timestamp, data)
    result, half_signed = tag.perform(request)
    return result, reader.countersign(result, half_signed, tag_key)


def history_problems(records: list[OperationRecord]) -> list[str]:
    """What is wrong with one tag's records in the order the chain holds them: a counter that does not rise
    (a replayed or re-ordered record), or a record of another tag mixed in. Empty when the history is sound."""
    problems = []
    for previous, record in itertools.pairwise(records):
        if record.tag_id != previous.tag_id:
            problems.append(f"record of tag 0x{record.tag_id.hex()} in the history of 0x{previous.tag_id.hex()}")
        elif record.counter <= previous.counter:
            problems.append(f"counter {record.counter} follows {previous.counter}: replayed or re-ordered")
    return problems
