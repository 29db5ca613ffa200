"""X11 order per block (spec §3.3-3.4) against Gwtc's getX11Order vectors and the spec's examples."""

import hashlib
import random
from typing import Any, NamedTuple

import pytest

from tests.shared import shared_vector_params
from walton.consensus.forks import MAINNET_FORK_HEIGHTS, PHASES, WaltonForkHeights
from walton.consensus.order import (
    DISCARD,
    block_order,
    number_bytes,
    order_hash,
    raw_order,
    replacement_letter,
    x11_order,
)

# Any seal hash: from V1 on the order must not depend on it.
OTHER_SEAL_HASH = bytes(range(32))


def hex_bytes(value: str) -> bytes:
    return bytes.fromhex(value.removeprefix("0x"))


def vector_id(vector: Any) -> str:
    number = vector["number"]
    return f"{vector['phase']}-{int(number, 16) if number is not None else vector['orderHash'][:14]}"


@pytest.mark.parametrize(
    "vector", shared_vector_params(("waltonchain", "x11_order.json"), keep=lambda vector: True, id_of=vector_id)
)
def test_gwtc_order_vectors(vector: Any) -> None:
    expected_hash = hex_bytes(vector["orderHash"])
    assert x11_order(expected_hash) == vector["order"]
    if vector["number"] is None:  # a raw hash: only getX11Order is exercised
        assert vector["phase"] == "raw"
        return
    number = int(vector["number"], 16)
    assert MAINNET_FORK_HEIGHTS.phase(number) == vector["phase"]
    if vector["phase"] == "preV1":
        # Before V1 the order hash is the seal hash; the vector's synthetic hash stands for it.
        seal_hash = expected_hash
    else:
        seal_hash = OTHER_SEAL_HASH
        assert number_bytes(number) == hex_bytes(vector["numberBytes"])
    assert order_hash(number, seal_hash, MAINNET_FORK_HEIGHTS) == expected_hash
    assert block_order(number, seal_hash, MAINNET_FORK_HEIGHTS) == vector["order"]


class OrderExample(NamedTuple):
    """A row of x11-order-examples.md (orders produced by Gwtc); pre-V1 order hashes are template seal hashes."""

    number: int
    phase: str
    order_hash: str
    raw_letters: str
    byte11: int
    replacement: str
    order: str


ORDER_EXAMPLES = [
    OrderExample(
        1,
        "preV1",
        "2fe5851ad29d1549a0d3c381ecbb77ef6a85e97090f868c5cf3fc79329a84770",
        "DJBEBDKHGCI",
        129,
        "G",
        "DJBEBDKHGCI",
    ),
    OrderExample(
        2,
        "preV1",
        "a18e58c6838f5db9f10ad4f821c515886662fbe3cd4e064abbc769cf3266280b",
        "HKAAKAFJKKD",
        248,
        "D",
        "HKAADAFJDDD",
    ),
    OrderExample(
        100,
        "preV1",
        "e3ea3b58cd7b04e84ad448f0524aab2be2685a53949a84d738c94d97a3fa7bab",
        "HDEAHCEBIDG",
        240,
        "A",
        "HDEAHCEBIDG",
    ),
    OrderExample(
        40000,
        "preV1",
        "ef18c59df53196492a541856e48b250b064d6b3ef63f9ea7ffd4112299df43fb",
        "ICKDDFHHJHC",
        86,
        "D",
        "ICKDDFHHJHD",
    ),
    OrderExample(
        100000,
        "preV1",
        "ac02e0742ccea53539febe965330de5c94f649ffaba6953019b39891c18612a8",
        "HCEGAIAJCBD",
        150,
        "A",
        "HCEGAIAJABD",
    ),
    OrderExample(
        149499,
        "preV1",
        "8b855b7708f14922d20fda6590ddc212c687faa7d5a907366dd35576af81ad60",
        "HBDJIKHBBEJ",
        101,
        "B",
        "HBDJIKHBBEB",
    ),
    OrderExample(
        149500,
        "V1",
        "e86e6ca84ed37d005c1a544486b894d03358744ac833c6d468895c27e71510dd",
        "BAJDBCEAEEH",
        68,
        "D",
        "BAJDBCEAEEH",
    ),
    OrderExample(
        149501,
        "V1",
        "5f4747c6806822baf5fe4c5ad96a4212660717d0e491dfad2868241be4914997",
        "HFFAHFBKDBK",
        90,
        "A",
        "HFAAHABKDBA",
    ),
    OrderExample(
        150000,
        "V1",
        "7634beb939621185844db81700dcdbaea5ab791caedaa2b59dbea6fb0849013d",
        "IIDJCKGBAAI",
        23,
        "B",
        "IBDJCKGBAAB",
    ),
    OrderExample(
        160000,
        "V1",
        "0c4d61dae7c94a135733bcde93e51bb1df709289d5786cbe6dca3168f884e78e",
        "BAJJADIIKHB",
        222,
        "A",
        "BAJAADIAKHB",
    ),
    OrderExample(
        175365,
        "V1",
        "255e1cc99d696cbc1ae1f10ab1512c8c9bf592adc757931338f025ba43d8a897",
        "EGGDDGJBEFK",
        10,
        "E",
        "EGGDDGJBEFK",
    ),
    OrderExample(
        175366,
        "V2",
        "48617264466f726b56322d2049d3b8f89b57e6d15e3cee97fdab0e11468103c8692349ecd30a755a6b11",
        "GJEBEBEIJGB",
        32,
        "D",
        "GJEBEBEIDGB",
    ),
    OrderExample(
        175367,
        "V2",
        "48617264466f726b56326cf487c53595d27e3f304bb95d9ad2ddd16b5c8eed052ba4ebb5685016a59580",
        "GJEBEBEIJGJ",
        244,
        "E",
        "GJEBEBEIEGE",
    ),
    OrderExample(
        200000,
        "V2",
        "48617264466f726b5632b4b4a4f7cadab2125b5949012c0a3c45d53ce255c09591fc25b13e9f2a0b2408",
        "GJEBEBEIJGE",
        180,
        "A",
        "GJEBEBEIAGE",
    ),
    OrderExample(
        221499,
        "V2",
        "48617264466f726b56323cc9eda5811aad73652dbab6c9eb0bf67ac6737b50e5c2b3fabc442bc08d0e9c",
        "GJEBEBEIJGF",
        201,
        "G",
        "GJEBEBEIGGF",
    ),
    OrderExample(
        221500,
        "V3",
        "6f98336a27d1e9e8b0bf33d1b81a28723f63c0e1738eb924c5019a088824b621",
        "BJHHGACBAEH",
        209,
        "B",
        "BJHHGACBAEH",
    ),
    OrderExample(
        221501,
        "V3",
        "346b964210d99419634a8e2bd1751cf4b530600726cbc3ec7eb3ef45727669e2",
        "IIHAFIFDAIK",
        43,
        "H",
        "IHHAFHHDAHK",
    ),
    OrderExample(
        250000,
        "V3",
        "3ef9ecd38af53c29144f370861557782ff11d8ccc9ecd9c78b1641d312323d2f",
        "HHFCGDFIJCA",
        8,
        "D",
        "HHFCGDDIJDA",
    ),
    OrderExample(
        300000,
        "V3",
        "99c2e1cac64beaf40973fa16b1a97ce010cc89ed42138a7960d624821f2b001a",
        "KHFEAJDCJFI",
        22,
        "E",
        "KHFEAJDCEEI",
    ),
    OrderExample(
        1000000,
        "V3",
        "aa277c6a016b7964b4472e3f92af59dc666002e84a9e6a9676ea14d3a89a2d66",
        "FGDHBIABEFC",
        63,
        "G",
        "FGDHBIABEGC",
    ),
    OrderExample(
        2000000,
        "V3",
        "fe16f4ab3f7d617a5c4509d5846911ebdc186252e64aa274db072545644d7105",
        "BACGIEJBEDJ",
        213,
        "G",
        "BACGIEJBEDG",
    ),
    OrderExample(
        5000000,
        "V3",
        "fad76d5461b13da01381e76d1a0d3b6e82a4fb59dd882cdd1099f72461ae9ca6",
        "IGKHJBGGIIA",
        109,
        "H",
        "IGKHJBGGHHA",
    ),
    OrderExample(
        10000000,
        "V3",
        "1897fc44c3dcb037f662e453395a67e6b0ed0b5eb1f632097ad6fc7b5a4ca7bb",
        "CIKCIAAAEKI",
        83,
        "B",
        "CIKBBAAAEBB",
    ),
]


@pytest.mark.parametrize("example", ORDER_EXAMPLES, ids=lambda example: f"{example.phase}-{example.number}")
def test_order_examples(example: OrderExample) -> None:
    expected_hash = bytes.fromhex(example.order_hash)
    assert MAINNET_FORK_HEIGHTS.phase(example.number) == example.phase
    seal_hash = expected_hash if example.phase == "preV1" else OTHER_SEAL_HASH
    assert order_hash(example.number, seal_hash, MAINNET_FORK_HEIGHTS) == expected_hash
    assert expected_hash[11] == example.byte11
    assert raw_order(expected_hash) == example.raw_letters
    assert replacement_letter(expected_hash) == example.replacement
    assert x11_order(expected_hash) == example.order
    assert block_order(example.number, seal_hash, MAINNET_FORK_HEIGHTS) == example.order


def test_order_hash_constructions() -> None:
    """The four §3.3 constructions, spelled out once, at the mainnet boundaries."""
    seal_hash = hashlib.sha256(b"some header").digest()
    heights = MAINNET_FORK_HEIGHTS
    assert order_hash(149499, seal_hash, heights) == seal_hash
    assert order_hash(149500, seal_hash, heights) == hashlib.sha256(bytes.fromhex("0247fc")).digest()
    assert order_hash(175365, seal_hash, heights) == hashlib.sha256(bytes.fromhex("02ad05")).digest()
    v2_hash = order_hash(175366, seal_hash, heights)
    assert len(v2_hash) == 42
    assert v2_hash == b"HardForkV2" + hashlib.sha256(bytes.fromhex("02ad06")).digest()
    assert order_hash(221499, seal_hash, heights)[:10] == b"HardForkV2"
    assert order_hash(221500, seal_hash, heights) == hashlib.sha256(bytes.fromhex("03613c") + b"HardForkV3").digest()


def test_v2_orders_share_their_prefix() -> None:
    """The V2 quirk makes every V2 order start with GJEBEBEI and carry G at position 9 (§3.4 examples)."""
    for number in range(175366, 175466):
        order = block_order(number, OTHER_SEAL_HASH, MAINNET_FORK_HEIGHTS)
        assert order.startswith("GJEBEBEI")
        assert order[9] == "G"


def test_number_bytes_is_minimal_big_endian() -> None:
    assert number_bytes(0) == b""
    assert number_bytes(1) == b"\x01"
    assert number_bytes(255) == b"\xff"
    assert number_bytes(256) == b"\x01\x00"
    with pytest.raises(ValueError):
        number_bytes(-1)


def test_block_zero_v1_hashes_the_empty_string() -> None:
    """be(0) is empty, so with V1 at 0 block 0's order hash is sha256 of nothing (and V3: of the label)."""
    v1_only = WaltonForkHeights(v1=0, v2=10, v3=20)
    assert order_hash(0, OTHER_SEAL_HASH, v1_only) == hashlib.sha256(b"").digest()
    all_v3 = WaltonForkHeights(v1=0, v2=0, v3=0)
    assert order_hash(0, OTHER_SEAL_HASH, all_v3) == hashlib.sha256(b"HardForkV3").digest()


def test_order_follows_custom_heights() -> None:
    """Same number, different heights: the construction follows the heights, not the mainnet constants."""
    moved = WaltonForkHeights(v1=20, v2=40, v3=60)
    assert order_hash(19, OTHER_SEAL_HASH, moved) == OTHER_SEAL_HASH
    assert order_hash(20, OTHER_SEAL_HASH, moved) == hashlib.sha256(b"\x14").digest()
    assert order_hash(40, OTHER_SEAL_HASH, moved) == b"HardForkV2" + hashlib.sha256(b"\x28").digest()
    assert order_hash(60, OTHER_SEAL_HASH, moved) == hashlib.sha256(b"\x3c" + b"HardForkV3").digest()
    assert order_hash(60, OTHER_SEAL_HASH, MAINNET_FORK_HEIGHTS) == OTHER_SEAL_HASH


def test_discarded_letters_appear_at_most_once() -> None:
    """C, F, I, J, K keep only their first occurrence; other letters may repeat; length stays 11."""
    rng = random.Random(7)
    for _ in range(500):
        hash_bytes = rng.randbytes(32)
        order = x11_order(hash_bytes)
        raw = raw_order(hash_bytes)
        assert len(order) == 11
        for letter in DISCARD:
            assert order.count(letter) <= 1
            assert (letter in order) == (letter in raw)
        for position, (before, after) in enumerate(zip(raw, order, strict=True)):
            if before != after:
                assert before in DISCARD and before in raw[:position]
                assert after == replacement_letter(hash_bytes)


def test_only_the_first_twelve_bytes_matter() -> None:
    hash_bytes = hashlib.sha256(b"x").digest()
    assert x11_order(hash_bytes[:12]) == x11_order(hash_bytes) == x11_order(hash_bytes[:12] + bytes(30))


def test_malformed_inputs() -> None:
    with pytest.raises(ValueError):
        x11_order(bytes(11))
    with pytest.raises(ValueError):
        order_hash(1, bytes(31), MAINNET_FORK_HEIGHTS)


@pytest.mark.parametrize(
    ("number", "phase"),
    [
        (0, "preV1"),
        (149499, "preV1"),
        (149500, "V1"),
        (175365, "V1"),
        (175366, "V2"),
        (221499, "V2"),
        (221500, "V3"),
        (10**9, "V3"),
    ],
)
def test_mainnet_phases(number: int, phase: str) -> None:
    assert MAINNET_FORK_HEIGHTS.phase(number) == phase
    assert phase in PHASES


def test_fork_heights_values_and_validation() -> None:
    assert WaltonForkHeights(149500, 175366, 221500, 4332176356141) == MAINNET_FORK_HEIGHTS
    same = WaltonForkHeights(v1=0, v2=0, v3=0)
    assert {same.phase(number) for number in range(5)} == {"V3"}
    with pytest.raises(ValueError):
        WaltonForkHeights(v1=50, v2=40, v3=60)
    with pytest.raises(ValueError):
        WaltonForkHeights(v1=-1, v2=40, v3=60)
    with pytest.raises(ValueError):
        WaltonForkHeights(v2_difficulty=0)
    with pytest.raises(ValueError):
        MAINNET_FORK_HEIGHTS.phase(-1)
