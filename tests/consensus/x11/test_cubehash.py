"""CubeHash16/32-512 (``sph_cubehash512``) against the Gwtc vectors and published known answers."""

from typing import Any

import pytest

from tests.consensus.x11 import primitive_vectors
from walton.consensus.x11 import cubehash as cubehash_module
from walton.consensus.x11.cubehash import cubehash512


@pytest.mark.parametrize("vector", primitive_vectors("cubehash"))
def test_gwtc_vectors(vector: dict[str, Any]) -> None:
    assert vector["letter"] == "B"
    data = bytes.fromhex(vector["input"][2:])
    assert len(data) == vector["inputLength"]
    assert cubehash512(data).hex() == vector["output"][2:]


# Published CubeHash16/32-512 known answers, as checked by sphlib's unit tests (sphlib 3.0,
# test_cubehash.c / CubeHash512Test.java) over the byte-aligned ShortMsgKAT_512 messages of the SHA-3
# submission package (Len = 0, 8, 16, 24 bits). The empty-message digest is also the one published
# for CubeHash16/32-512 on cubehash.cr.yp.to.
KNOWN_ANSWERS = [
    (
        b"",
        "4a1d00bbcfcb5a9562fb981e7f7db3350fe2658639d948b9d57452c22328bb32"
        "f468b072208450bad5ee178271408be0b16e5633ac8a1e3cf9864cfbfc8e043a",
    ),
    (
        bytes.fromhex("cc"),
        "5c3019f2abc3471ed3a19648071cf2311503dc4202508f8d3efcb1023fd89550"
        "5c4d634c1ae9d9f81de6394690366154c715bf8d68242b2c64e1ebb1e538b330",
    ),
    (
        bytes.fromhex("41fb"),
        "7c38a32185665d3806ff1d0d7b278abe0b759230e4db6f78a80efc2cbfd50ce6"
        "aac477240e1b38888156b4e00946d1fd8e2e853f88c0ea6e29d4326003a67fa1",
    ),
    (
        bytes.fromhex("1f877c"),
        "9d626b36a1e9a849b5f1b2594b53f761ba3b3e2734cd9812849b7510fc284efc"
        "0474e4ad40de57361f695f15b8d79a7f7c8a3ae5c48ac94900bc2132340e77c5",
    ),
]


@pytest.mark.parametrize(("message", "digest"), KNOWN_ANSWERS, ids=[f"{len(m)}-bytes" for m, _ in KNOWN_ANSWERS])
def test_known_answers(message: bytes, digest: str) -> None:
    assert cubehash512(message).hex() == digest


def test_initial_value_matches_sphlib() -> None:
    # The IV is computed at import from (h/8, b, r) and 10r rounds; sphlib's IV512 starts 0x2AEA2A61,
    # 0x50F494D4 and ends 0x7795D246, 0xD43E3B44 (words x0, x1 and x30, x31).
    iv_low, iv_high = cubehash_module._IV_A, cubehash_module._IV_B
    low = iv_low & 0xFFFFFFFF, (iv_low >> 64) & 0xFFFFFFFF
    high = (iv_high >> (64 * 14)) & 0xFFFFFFFF, iv_high >> (64 * 15)
    assert low == (0x2AEA2A61, 0x50F494D4)
    assert high == (0x7795D246, 0xD43E3B44)


def test_digest_size_and_block_boundaries() -> None:
    digests = {cubehash512(bytes(n)) for n in (0, 1, 31, 32, 33, 63, 64, 65)}
    assert len(digests) == 8
    assert all(len(d) == 64 for d in digests)
