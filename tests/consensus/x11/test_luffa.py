"""Luffa-512 (``sph_luffa512``) against the shared X11 vectors and the Luffa submission's known answers."""

from typing import Any

import pytest

from tests.consensus.x11 import primitive_vectors
from walton.consensus.x11.luffa import luffa512


@pytest.mark.parametrize("vector", primitive_vectors("luffa"))
def test_shared_vectors(vector: dict[str, Any]) -> None:
    assert vector["letter"] == "G"
    data = bytes.fromhex(vector["input"][2:])
    assert len(data) == vector["inputLength"]
    assert luffa512(data).hex() == vector["output"][2:]


# Published Luffa-512 known answers: the Luffa round-2 (specification 2.0) submission package,
# ShortMsgKAT_512.txt, byte-aligned entries (sphlib's test_luffa.c carries the same values).
KNOWN_ANSWERS = [
    # Len = 0.
    (
        b"",
        "6e7de4501189b3ca58f3ac114916654bbcd4922024b4cc1cd764acfe8ab4b780"
        "5df133eab345ffdb1c414564c924f48e0a301824e2ac4c34bd4efde2e43da90e",
    ),
    # Len = 8, Msg = CC.
    (
        bytes.fromhex("cc"),
        "91f1b09b2842871bc2f069e5d278d2d707ddafabfe3ced5154faf841e9678190"
        "8290e6533d146183e8b7ec298f6da20e0cfb1d41f4f711a3050faa8dd4641f7f",
    ),
    # Len = 16, Msg = 41FB.
    (
        bytes.fromhex("41fb"),
        "3448d8766e1c8cf84ca83d0882305a8ebcab3f9c5b87f8f1bb94ec8abbe86320"
        "e6d33024fbe9363595ed3b36bf49a5440a1248f0606940aec1321fc74dbb6be5",
    ),
    # Len = 512: a 64-byte message, the length X11 hands to every step after the first.
    (
        bytes.fromhex(
            "e926ae8b0af6e53176dbffcc2a6b88c6bd765f939d3d178a9bde9ef3aa131c61"
            "e31c1e42cdfaf4b4dcde579a37e150efbef5555b4c1cb40439d835a724e2fae7"
        ),
        "e18b08234bed8586b8d40314dc2854086d8d85ddf83b321800b4039bf162fc4a"
        "b9229ca3d34f5c554e8409ef70a50c13164d00094142a6139b36e3ab911c81de",
    ),
]


@pytest.mark.parametrize(("message", "digest"), KNOWN_ANSWERS, ids=[f"{len(m)}-bytes" for m, _ in KNOWN_ANSWERS])
def test_known_answers(message: bytes, digest: str) -> None:
    assert luffa512(message).hex() == digest


def test_digest_size() -> None:
    for n in (0, 1, 31, 32, 33, 63, 64, 65, 200):
        assert len(luffa512(bytes(range(n)))) == 64
