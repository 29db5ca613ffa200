"""The 17-field Gwtc header (spec §2): header_rlp.json vectors, the §2.6 vector, strict decoding."""

from typing import Any

import pytest
import rlp

from tests.shared import shared_vector_params
from tests.vm.gwtc.chains import hex_bytes, quantity
from walton.vm.forks.gwtc.headers import GwtcBlockHeader, RLPDecodeError, decode_header

ZERO32 = bytes(32)


def header_from_vector_fields(fields: dict[str, Any]) -> GwtcBlockHeader:
    return GwtcBlockHeader(
        parent_hash=hex_bytes(fields["parentHash"]),
        uncles_hash=hex_bytes(fields["sha3Uncles"]),
        coinbase=hex_bytes(fields["miner"]),
        state_root=hex_bytes(fields["stateRoot"]),
        transaction_root=hex_bytes(fields["transactionsRoot"]),
        receipt_root=hex_bytes(fields["receiptsRoot"]),
        bloom=quantity(fields["logsBloom"]),
        coin_age=quantity(fields["coinAge"]),
        difficulty=quantity(fields["difficulty"]),
        block_number=quantity(fields["number"]),
        gas_limit=quantity(fields["gasLimit"]),
        gas_used=quantity(fields["gasUsed"]),
        timestamp=quantity(fields["timestamp"]),
        extra_data=hex_bytes(fields["extraData"]),
        mix_hash=hex_bytes(fields["mixHash"]),
        nonce=hex_bytes(fields["nonce"]),
        tx_number=quantity(fields["txNumber"]),
    )


HEADER_VECTORS = shared_vector_params(
    ("waltonchain", "header_rlp.json"), keep=lambda vector: True, id_of=lambda vector: vector["label"].split(" ")[0]
)


@pytest.mark.parametrize("vector", HEADER_VECTORS)
def test_header_vector_decodes_and_hashes(vector: Any) -> None:
    encoded = hex_bytes(vector["rlp"])
    header = decode_header(encoded)
    assert header.hash == hex_bytes(vector["hash"])
    assert header.mining_hash == hex_bytes(vector["hashNoNonce"])
    assert rlp.encode(header) == encoded


@pytest.mark.parametrize("vector", HEADER_VECTORS)
def test_header_vector_fields_encode_to_the_rlp(vector: Any) -> None:
    header = header_from_vector_fields(vector["header"])
    assert rlp.encode(header) == hex_bytes(vector["rlp"])
    assert header.hash == hex_bytes(vector["hash"])
    assert header.mining_hash == hex_bytes(vector["hashNoNonce"])


def spec_vector_header(**changes: Any) -> GwtcBlockHeader:
    """The header of spec §2.6."""
    fields: dict[str, Any] = {
        "parent_hash": ZERO32,
        "uncles_hash": ZERO32,
        "coinbase": bytes(20),
        "state_root": ZERO32,
        "transaction_root": ZERO32,
        "receipt_root": ZERO32,
        "bloom": 0,
        "coin_age": 123456789,
        "difficulty": 131072,
        "block_number": 5,
        "gas_limit": 78_000_000_000,
        "gas_used": 0,
        "timestamp": 1556106651,
        "extra_data": b"gwtc",
        "mix_hash": ZERO32,
        "nonce": bytes.fromhex("1122334455667788"),
        "tx_number": 7,
    }
    fields.update(changes)
    return GwtcBlockHeader(**fields)


def test_spec_section_2_6_vector() -> None:
    header = spec_vector_header()
    assert header.hex_hash == "0x337e297fc4091383e9a14a4c0b94e14d287fec23ff4245fa7e49dbe3bec9ef9a"
    assert header.mining_hash.hex() == "fb92d4ab9557673268fd8f87215828e856d721644bfc9af899e79e36734772e2"


def test_seal_hash_covers_tx_number_but_not_coin_age_mix_or_nonce() -> None:
    header = spec_vector_header()
    assert spec_vector_header(coin_age=1).mining_hash == header.mining_hash
    assert spec_vector_header(mix_hash=b"\x01" * 32).mining_hash == header.mining_hash
    assert spec_vector_header(nonce=bytes(8)).mining_hash == header.mining_hash
    assert spec_vector_header(tx_number=8).mining_hash != header.mining_hash
    # ... while the block hash covers all 17 fields.
    assert spec_vector_header(coin_age=1).hash != header.hash
    assert spec_vector_header(tx_number=8).hash != header.hash


def test_zero_coin_age_encodes_like_nil() -> None:
    """Go encodes a nil CoinAge as 0x80, the same bytes as 0: item 7 of the header list."""
    encoded = rlp.encode(spec_vector_header(coin_age=0))
    assert rlp.decode(encoded)[7] == b""
    assert decode_header(encoded).coin_age == 0


def _items(header: GwtcBlockHeader) -> list[bytes]:
    return list(rlp.decode(rlp.encode(header)))


def test_ethereum_15_field_header_is_refused_at_mix_digest() -> None:
    items = _items(spec_vector_header())
    ethereum = items[:7] + items[8:16]  # drop CoinAge and TxNumber
    with pytest.raises(RLPDecodeError, match=r"input string too short for common.Hash.*MixDigest"):
        decode_header(rlp.encode(ethereum))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda items: items[:16], "too few elements"),
        (lambda items: [*items, b""], "too many elements"),
        (lambda items: [*items[:8], b"\x00\x01", *items[9:]], "non-canonical integer"),
        (lambda items: [*items[:16], b"\x01" * 9], "input string too long for uint64"),
        (lambda items: [*items[:15], b"\x01" * 7, items[16]], "input string too short for types.BlockNonce"),
        (lambda items: [*items[:2], b"\x01" * 21, *items[3:]], "input string too long for common.Address"),
        (lambda items: [*items[:6], b"\x00" * 255, *items[7:]], "too short for types.Bloom"),
    ],
    ids=[
        "16-items",
        "18-items",
        "leading-zero-difficulty",
        "txnumber-9-bytes",
        "short-nonce",
        "long-coinbase",
        "bloom",
    ],
)
def test_strict_decoding(mutate: Any, message: str) -> None:
    with pytest.raises(RLPDecodeError, match=message):
        decode_header(rlp.encode(mutate(_items(spec_vector_header()))))


def test_non_canonical_length_prefix_is_refused() -> None:
    encoded = bytearray(rlp.encode(spec_vector_header(block_number=5)))
    # Re-encode the single byte 0x05 (block number) as a one-byte string 0x81 0x05.
    items = _items(spec_vector_header(block_number=5))
    payload = (
        b"".join(rlp.encode(item) for item in items[:9])
        + b"\x81\x05"
        + b"".join(rlp.encode(item) for item in items[10:])
    )
    bad = rlp.codec.length_prefix(len(payload), 0xC0) + payload
    assert bytes(encoded) != bad
    with pytest.raises(RLPDecodeError):
        decode_header(bad)
