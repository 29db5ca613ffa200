"""Gwtc's 17-field block header (spec §2), its strict RLP decoding, and the header rules of §5 and §7.1.

The header is go-ethereum 1.7.1's with two extra fields: ``CoinAge`` (a big integer right after
``Bloom``) and ``TxNumber`` (a uint64, last). The block hash covers all 17 fields; the seal hash
(``HashNoNonce``) covers the 13 Ethereum seal fields plus ``TxNumber``, but not ``CoinAge``,
``MixDigest`` or ``Nonce``.

Decoding follows Go's ``rlp`` package field by field, so a malformed header is refused with the
words Gwtc prints (``rlp: input string too short for common.Hash, decoding into
(types.Header).MixDigest`` for an Ethereum 15-field header, for example).
"""

from collections.abc import Sequence
from typing import Any, cast, overload

import rlp
from eth.abc import BlockHeaderAPI
from eth.constants import BLANK_ROOT_HASH, EMPTY_UNCLE_HASH, GENESIS_PARENT_HASH, ZERO_ADDRESS, ZERO_HASH32
from eth.rlp.sedes import uint256
from eth_hash.auto import keccak
from eth_typing import Address, BlockNumber, Hash32
from eth_utils import ValidationError, encode_hex
from rlp.sedes import Binary, big_endian_int, binary

from walton.consensus.difficulty import calc_difficulty
from walton.consensus.forks import WaltonForkHeights

HEADER_FIELD_COUNT = 17
MAX_EXTRA_DATA_BYTES = 32  # params.MaximumExtraDataSize
GAS_LIMIT_BOUND_DIVISOR = 2048  # params.GasLimitBoundDivisor (Ethereum 1024)
MIN_GAS_LIMIT = 78_000_000_000  # params.MinGasLimit, before HardForkV3
MIN_GAS_LIMIT_V3 = 150_000_000  # params.MinGasLimitV3, from HardForkV3
TARGET_GAS_LIMIT = MIN_GAS_LIMIT  # params.TargetGasLimit = GenesisGasLimit
TARGET_GAS_LIMIT_V3 = MIN_GAS_LIMIT_V3
MAX_GAS_LIMIT = 2**63 - 1  # the 1.7.1 "invalid gasLimit" cap
UINT64_MAX = 2**64 - 1

hash32 = Binary.fixed_length(32)
address20 = Binary.fixed_length(20)
nonce8 = Binary.fixed_length(8)


class Uint64Sedes(rlp.sedes.BigEndianInt):
    """A canonical big-endian integer of at most 8 bytes (Go ``uint64``)."""

    def serialize(self, obj: int) -> bytes:
        if not 0 <= obj <= UINT64_MAX:
            raise rlp.SerializationError(f"uint64 out of range: {obj}", obj)
        result: bytes = super().serialize(obj)
        return result

    def deserialize(self, serial: bytes) -> int:
        if len(serial) > 8:
            raise rlp.DeserializationError("input string too long for uint64", serial)
        result: int = super().deserialize(serial)
        return result


uint64 = Uint64Sedes()


class GwtcMiningHeader(rlp.Serializable):
    """The 14 fields ``HashNoNonce`` hashes: Ethereum's seal fields followed by ``TxNumber``."""

    fields = [
        ("parent_hash", hash32),
        ("uncles_hash", hash32),
        ("coinbase", address20),
        ("state_root", hash32),
        ("transaction_root", hash32),
        ("receipt_root", hash32),
        ("bloom", uint256),
        ("difficulty", big_endian_int),
        ("block_number", big_endian_int),
        ("gas_limit", big_endian_int),
        ("gas_used", big_endian_int),
        ("timestamp", big_endian_int),
        ("extra_data", binary),
        ("tx_number", uint64),
    ]


_MINING_FIELDS = tuple(name for name, _ in GwtcMiningHeader._meta.fields)


class GwtcBlockHeader(rlp.Serializable, BlockHeaderAPI):
    """Gwtc's ``types.Header``: 17 fields, ``coin_age`` after ``bloom`` and ``tx_number`` last."""

    fields = [
        ("parent_hash", hash32),
        ("uncles_hash", hash32),
        ("coinbase", address20),
        ("state_root", hash32),
        ("transaction_root", hash32),
        ("receipt_root", hash32),
        ("bloom", uint256),
        ("coin_age", big_endian_int),
        ("difficulty", big_endian_int),
        ("block_number", big_endian_int),
        ("gas_limit", big_endian_int),
        ("gas_used", big_endian_int),
        ("timestamp", big_endian_int),
        ("extra_data", binary),
        ("mix_hash", hash32),
        ("nonce", nonce8),
        ("tx_number", uint64),
    ]

    @overload
    def __init__(self, **kwargs: Any) -> None: ...

    @overload
    def __init__(
        self,
        difficulty: int,
        block_number: BlockNumber,
        gas_limit: int,
        timestamp: int = 0,
        coinbase: Address = ZERO_ADDRESS,
        parent_hash: Hash32 = ZERO_HASH32,
        uncles_hash: Hash32 = EMPTY_UNCLE_HASH,
        state_root: Hash32 = BLANK_ROOT_HASH,
        transaction_root: Hash32 = BLANK_ROOT_HASH,
        receipt_root: Hash32 = BLANK_ROOT_HASH,
        bloom: int = 0,
        gas_used: int = 0,
        extra_data: bytes = b"",
        mix_hash: Hash32 = ZERO_HASH32,
        nonce: bytes = bytes(8),
        coin_age: int = 0,
        tx_number: int = 0,
    ) -> None: ...

    def __init__(  # type: ignore[misc]
        self,
        difficulty: int,
        block_number: BlockNumber,
        gas_limit: int,
        timestamp: int = 0,
        coinbase: Address = ZERO_ADDRESS,
        parent_hash: Hash32 = ZERO_HASH32,
        uncles_hash: Hash32 = EMPTY_UNCLE_HASH,
        state_root: Hash32 = BLANK_ROOT_HASH,
        transaction_root: Hash32 = BLANK_ROOT_HASH,
        receipt_root: Hash32 = BLANK_ROOT_HASH,
        bloom: int = 0,
        gas_used: int = 0,
        extra_data: bytes = b"",
        mix_hash: Hash32 = ZERO_HASH32,
        nonce: bytes = bytes(8),
        coin_age: int = 0,
        tx_number: int = 0,
    ) -> None:
        super().__init__(
            parent_hash=parent_hash,
            uncles_hash=uncles_hash,
            coinbase=coinbase,
            state_root=state_root,
            transaction_root=transaction_root,
            receipt_root=receipt_root,
            bloom=bloom,
            coin_age=coin_age,
            difficulty=difficulty,
            block_number=block_number,
            gas_limit=gas_limit,
            gas_used=gas_used,
            timestamp=timestamp,
            extra_data=extra_data,
            mix_hash=mix_hash,
            nonce=nonce,
            tx_number=tx_number,
        )

    def __str__(self) -> str:
        return f"<GwtcBlockHeader #{self.block_number} {encode_hex(self.hash)[2:10]}>"

    _hash: Hash32 | None = None

    @property
    def hash(self) -> Hash32:
        """``keccak256(rlp(all 17 fields))``."""
        if self._hash is None:
            self._hash = cast(Hash32, keccak(rlp.encode(self)))
        return self._hash

    @property
    def mining_hash(self) -> Hash32:
        """The seal hash, Gwtc's ``HashNoNonce``: 14 fields, ``TxNumber`` last, no ``CoinAge``."""
        values = [getattr(self, name) for name in _MINING_FIELDS]
        return cast(Hash32, keccak(rlp.encode(values, GwtcMiningHeader)))

    @property
    def seal_hash(self) -> Hash32:
        return self.mining_hash

    @property
    def nonce_int(self) -> int:
        return int.from_bytes(self.nonce, "big")

    @property
    def hex_hash(self) -> str:
        return encode_hex(self.hash)

    @property
    def is_genesis(self) -> bool:
        return self.parent_hash == GENESIS_PARENT_HASH and self.block_number == 0

    @property
    def base_fee_per_gas(self) -> int:
        raise AttributeError("Gwtc headers have no base fee")

    @property
    def withdrawals_root(self) -> Hash32 | None:
        raise AttributeError("Gwtc headers have no withdrawals root")

    @property
    def blob_gas_used(self) -> int:
        raise AttributeError("Gwtc headers have no blob gas")

    @property
    def excess_blob_gas(self) -> int:
        raise AttributeError("Gwtc headers have no blob gas")

    @property
    def parent_beacon_block_root(self) -> Hash32 | None:
        raise AttributeError("Gwtc headers have no beacon root")


# -- strict, Go-style decoding ---------------------------------------------------------------------
class RLPDecodeError(ValidationError):
    """A byte string Gwtc's ``rlp`` package refuses; the message is Go's."""


# (field, Go type name, kind, fixed length) in RLP order, as ``types.Header`` declares them.
_GO_HEADER_FIELDS: tuple[tuple[str, str, str, str, int], ...] = (
    ("parent_hash", "ParentHash", "common.Hash", "bytes", 32),
    ("uncles_hash", "UncleHash", "common.Hash", "bytes", 32),
    ("coinbase", "Coinbase", "common.Address", "bytes", 20),
    ("state_root", "Root", "common.Hash", "bytes", 32),
    ("transaction_root", "TxHash", "common.Hash", "bytes", 32),
    ("receipt_root", "ReceiptHash", "common.Hash", "bytes", 32),
    ("bloom", "Bloom", "types.Bloom", "bytes", 256),
    ("coin_age", "CoinAge", "*big.Int", "bigint", 0),
    ("difficulty", "Difficulty", "*big.Int", "bigint", 0),
    ("block_number", "Number", "*big.Int", "bigint", 0),
    ("gas_limit", "GasLimit", "*big.Int", "bigint", 0),
    ("gas_used", "GasUsed", "*big.Int", "bigint", 0),
    ("timestamp", "Time", "*big.Int", "bigint", 0),
    ("extra_data", "Extra", "[]uint8", "string", 0),
    ("mix_hash", "MixDigest", "common.Hash", "bytes", 32),
    ("nonce", "Nonce", "types.BlockNonce", "bytes", 8),
    ("tx_number", "TxNumber", "uint64", "uint64", 0),
)


def _go_error(message: str, go_type: str, context: str) -> RLPDecodeError:
    return RLPDecodeError(f"rlp: {message} for {go_type}, decoding into {context}")


def decode_header_item(item: Any, context: str = "(types.Header)") -> GwtcBlockHeader:
    """Decode an already RLP-split header item (a list of byte strings) as Go decodes ``types.Header``."""
    if not isinstance(item, list):
        raise RLPDecodeError(f"rlp: expected input list for types.Header, decoding into {context}")
    values: dict[str, Any] = {}
    for index, (name, go_name, go_type, kind, length) in enumerate(_GO_HEADER_FIELDS):
        where = f"{context}.{go_name}"
        if index >= len(item):
            raise RLPDecodeError(f"rlp: too few elements for types.Header, decoding into {context}")
        raw = item[index]
        if not isinstance(raw, bytes):
            raise _go_error("expected input string or byte", go_type, where)
        if kind == "bytes":
            if len(raw) < length:
                raise _go_error("input string too short", go_type, where)
            if len(raw) > length:
                raise _go_error("input string too long", go_type, where)
            values[name] = int.from_bytes(raw, "big") if name == "bloom" else raw
        elif kind == "string":
            values[name] = raw
        else:
            if raw[:1] == b"\x00":
                raise _go_error("non-canonical integer (leading zero bytes)", go_type, where)
            if kind == "uint64" and len(raw) > 8:
                raise _go_error("input string too long", go_type, where)
            values[name] = int.from_bytes(raw, "big")
    if len(item) > HEADER_FIELD_COUNT:
        raise RLPDecodeError(f"rlp: input list has too many elements for types.Header, decoding into {context}")
    return GwtcBlockHeader(**values)


def split_rlp(data: bytes) -> Any:
    """``rlp.decode`` without sedes (canonical prefixes enforced), with Go's wording for failures."""
    try:
        return rlp.decode(data, strict=True)
    except rlp.DecodingError as exc:
        raise RLPDecodeError(f"rlp: {exc}") from exc


def decode_header(data: bytes) -> GwtcBlockHeader:
    """Decode the RLP of one header, strictly (17 items, fixed lengths, canonical integers)."""
    return decode_header_item(split_rlp(data))


def encode_header(header: BlockHeaderAPI) -> bytes:
    return bytes(rlp.encode(header))


# -- header rules -------------------------------------------------------------------------------
def min_gas_limit(number: int, heights: WaltonForkHeights) -> int:
    """The gas-limit floor of block ``number`` (§7.1): 78e9 before HardForkV3, 1.5e8 from it."""
    return MIN_GAS_LIMIT_V3 if number >= heights.v3 else MIN_GAS_LIMIT


def gas_limit_error(gas_limit: int, parent_gas_limit: int, number: int, heights: WaltonForkHeights) -> str | None:
    """Gwtc's ``verifyHeader`` gas-limit bound, or ``None`` when it holds: ``|gl - parent| < parent // 2048``
    and ``gl >= MinGasLimit(phase)``. The text is Gwtc's."""
    limit = parent_gas_limit // GAS_LIMIT_BOUND_DIVISOR
    if abs(gas_limit - parent_gas_limit) >= limit or gas_limit < min_gas_limit(number, heights):
        return f"invalid gas limit: have {gas_limit}, want {parent_gas_limit} += {limit}"
    return None


def compute_gas_limit(parent: BlockHeaderAPI, heights: WaltonForkHeights) -> int:
    """The miner's gas-limit strategy (``core.CalcGasLimit``, not consensus), with Walton's constants."""
    number = parent.block_number + 1
    minimum, target = (
        (MIN_GAS_LIMIT_V3, TARGET_GAS_LIMIT_V3) if number >= heights.v3 else (MIN_GAS_LIMIT, TARGET_GAS_LIMIT)
    )
    contrib = (parent.gas_used + parent.gas_used // 2) // GAS_LIMIT_BOUND_DIVISOR
    decay = parent.gas_limit // GAS_LIMIT_BOUND_DIVISOR - 1
    limit = max(parent.gas_limit - decay + contrib, minimum)
    if limit < target:
        limit = min(parent.gas_limit + decay, target)
    return limit


def header_difficulty(parent: BlockHeaderAPI, timestamp: int, heights: WaltonForkHeights) -> int:
    return calc_difficulty(parent.block_number, parent.difficulty, parent.timestamp, timestamp, heights)


def verify_header_against_parent(
    header: BlockHeaderAPI, parent: BlockHeaderAPI, heights: WaltonForkHeights, uncle: bool = False
) -> None:
    """Gwtc's ``verifyHeader`` without the seal, in Gwtc's order and with Gwtc's error texts.

    The future-block check (``block in the future``) depends on the local clock, not on the chain,
    and is left out: historic and test chains carry any timestamps.
    """
    if len(header.extra_data) > MAX_EXTRA_DATA_BYTES:
        raise ValidationError(f"extra-data too long: {len(header.extra_data)} > {MAX_EXTRA_DATA_BYTES}")
    if uncle and header.timestamp > 2**256 - 1:
        raise ValidationError("timestamp too big")
    if header.timestamp <= parent.timestamp:
        raise ValidationError("timestamp equals parent's")
    expected = header_difficulty(parent, header.timestamp, heights)
    if header.difficulty != expected:
        raise ValidationError(f"invalid difficulty: have {header.difficulty}, want {expected}")
    if header.gas_limit > MAX_GAS_LIMIT:
        raise ValidationError(f"invalid gasLimit: have {header.gas_limit}, max {MAX_GAS_LIMIT}")
    if header.gas_used > header.gas_limit:
        raise ValidationError(f"invalid gasUsed: have {header.gas_used}, gasLimit {header.gas_limit}")
    error = gas_limit_error(header.gas_limit, parent.gas_limit, parent.block_number + 1, heights)
    if error is not None:
        raise ValidationError(error)
    if header.block_number - parent.block_number != 1:
        raise ValidationError("invalid block number")


def create_header_from_parent(
    parent: BlockHeaderAPI | None, heights: WaltonForkHeights, **params: Any
) -> GwtcBlockHeader:
    """A new header on ``parent`` (or a genesis header when ``parent`` is None) with Gwtc's
    difficulty and the miner's gas limit filled in unless given."""
    if parent is None:
        params.setdefault("difficulty", 131072)
        params.setdefault("block_number", 0)
        params.setdefault("gas_limit", MIN_GAS_LIMIT)
        params.setdefault("timestamp", 0)
        return GwtcBlockHeader(**params)
    params.setdefault("timestamp", parent.timestamp + 1)
    params.setdefault("difficulty", header_difficulty(parent, params["timestamp"], heights))
    params.setdefault("gas_limit", compute_gas_limit(parent, heights))
    params.setdefault("parent_hash", parent.hash)
    params.setdefault("block_number", parent.block_number + 1)
    params.setdefault("state_root", parent.state_root)
    return GwtcBlockHeader(**params)


def headers_differ(left: BlockHeaderAPI, right: BlockHeaderAPI) -> Sequence[str]:
    """Names of the fields where two Gwtc headers differ (for error messages)."""
    return [name for name, _ in GwtcBlockHeader._meta.fields if getattr(left, name) != getattr(right, name)]


__all__ = [
    "GAS_LIMIT_BOUND_DIVISOR",
    "MAX_EXTRA_DATA_BYTES",
    "MIN_GAS_LIMIT",
    "MIN_GAS_LIMIT_V3",
    "GwtcBlockHeader",
    "GwtcMiningHeader",
    "RLPDecodeError",
    "compute_gas_limit",
    "create_header_from_parent",
    "decode_header",
    "decode_header_item",
    "encode_header",
    "gas_limit_error",
    "header_difficulty",
    "headers_differ",
    "min_gas_limit",
    "split_rlp",
    "verify_header_against_parent",
]
