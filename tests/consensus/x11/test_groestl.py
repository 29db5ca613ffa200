"""Grøstl-512 (``sph_groestl512``) against the shared X11 vectors and the submission's known answers."""

from typing import Any

import pytest

from tests.consensus.x11 import primitive_vectors
from walton.consensus.x11.groestl import groestl512


@pytest.mark.parametrize("vector", primitive_vectors("groestl"))
def test_shared_vectors(vector: dict[str, Any]) -> None:
    assert vector["letter"] == "F"
    data = bytes.fromhex(vector["input"][2:])
    assert len(data) == vector["inputLength"]
    assert groestl512(data).hex() == vector["output"][2:]


# The NIST ShortMsgKAT message of Len = 1024 (the same message in every candidate's KAT files).
_MSG_1024 = bytes.fromhex(
    "2b6db7ced8665ebe9deb080295218426bdaa7c6da9add2088932cdffbaa1c141"
    "29bccdd70f369efb149285858d2b1d155d14de2fdb680a8b027284055182a0ca"
    "e275234cc9c92863c1b4ab66f304cf0621cd54565f5bff461d3b461bd40df281"
    "98e3732501b4860eadd503d26d6e69338f4e0456e9e9baf3d827ae685fb1d817"
)

# Published Grøstl-512 known answers: the Grøstl round-3 (final, tweaked) submission package
# (www.groestl.info/Groestl.zip), KAT_MCT/ShortMsgKAT_512.txt, byte-aligned entries.
KNOWN_ANSWERS = [
    # Len = 0.
    (
        b"",
        "6d3ad29d279110eef3adbd66de2a0345a77baede1557f5d099fce0c03d6dc2ba"
        "8e6d4a6633dfbd66053c20faa87d1a11f39a7fbe4a6c2f009801370308fc4ad8",
    ),
    # Len = 8, Msg = CC.
    (
        bytes.fromhex("cc"),
        "b23eeeb675c272c6e37a6ee9ab4dc505c9d6a10020f6bed3948205d04cdd1e90"
        "b06e494d186ef4f19266d7da200c89dc009e2b1a538cdea199e773fc076f802e",
    ),
    # Len = 24, Msg = 1F877C.
    (
        bytes.fromhex("1f877c"),
        "413907c17d8ca9e5477de5491914dc4eb621f35c96267f8e807affc0335dd8f6"
        "781c053ced249ff3c8c5a4d4ac62fe3d9e6660b30cc09621de7162e6c271d3c7",
    ),
    # Len = 1024: one whole 128-byte block, so the padding takes a block of its own.
    (
        _MSG_1024,
        "ff410b511135dbc0b8644c28efa3ec632326feb98e50edc6390c441610d7c514"
        "acdf0a61a0bf01aa9dc1f55d92e085248eba1c24ee23978b4986af41c13a6176",
    ),
]


@pytest.mark.parametrize(("message", "digest"), KNOWN_ANSWERS, ids=[f"{len(m)}-bytes" for m, _ in KNOWN_ANSWERS])
def test_known_answers(message: bytes, digest: str) -> None:
    assert groestl512(message).hex() == digest


def test_digest_size() -> None:
    for n in (0, 1, 119, 120, 127, 128, 129, 247, 248, 256):
        assert len(groestl512(bytes(n))) == 64
