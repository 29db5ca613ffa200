"""ECHO-512 (``sph_echo512``) against the Gwtc vectors and published known answers."""

from typing import Any

import pytest

from tests.consensus.x11 import primitive_vectors
from walton.consensus.x11.echo import echo512


@pytest.mark.parametrize("vector", primitive_vectors("echo"))
def test_gwtc_vectors(vector: dict[str, Any]) -> None:
    assert vector["letter"] == "C"
    data = bytes.fromhex(vector["input"][2:])
    assert len(data) == vector["inputLength"]
    assert echo512(data).hex() == vector["output"][2:]


# Published ECHO-512 known answers, as checked by sphlib's unit tests (sphlib 3.0, test_echo.c /
# ECHO512Test.java) over the byte-aligned ShortMsgKAT_512 messages of the SHA-3 submission package
# (byte lengths 0, 1, 2 and 126).
KNOWN_ANSWERS = [
    (
        b"",
        "158f58cc79d300a9aa292515049275d051a28ab931726d0ec44bdd9faef4a702"
        "c36db9e7922fff077402236465833c5cc76af4efc352b4b44c7fa15aa0ef234e",
    ),
    (
        bytes.fromhex("cc"),
        "dfce37ca6f32ba4c3a72e77bca20e511a39b31a6075815f083db2ecfd5c32cfd"
        "6a4e0dd9bd51921199758edd2fe8ed0fa31e06aa821c7030653d15408e8728dd",
    ),
    (
        bytes.fromhex("41fb"),
        "ed784a0fad759baa6504c30c46ace26a24cc982f1df81d3833eb7fa0b9d82afe"
        "4bc33a211bdec1e4b29ce0a30fc9e2d71b947b2ec1b23d4787ad3578836b8481",
    ),
    # 126 bytes: the padding leaves no room for the 18-byte trailer, so a second block (with a zero
    # counter) carries it.
    (
        bytes.fromhex(
            "0e3ab0e054739b00cdb6a87bd12cae024b54cb5e550e6c425360c2e87e59401f5ec24ef0314855f0f56c47695d56a7fb"
            "1417693af2a1ed5291f2fee95f75eed54a1b1c2e81226fbff6f63ade584911c71967a8eb70933bc3f5d15bc91b5c2644"
            "d9516d3c3a8c154ee48e118bd1442c043c7a0dba5ac5b1d5360aae5b9065"
        ),
        "74f481c6d3bc06dd2a009c898483137cd191ebd7b6ccacc311675c83d68483bf"
        "b25e80635ef081296d984a8d7fe9f9f0fae766e016f6c2484deb5f49417d2d87",
    ),
]


@pytest.mark.parametrize(("message", "digest"), KNOWN_ANSWERS, ids=[f"{len(m)}-bytes" for m, _ in KNOWN_ANSWERS])
def test_known_answers(message: bytes, digest: str) -> None:
    assert echo512(message).hex() == digest


def test_digest_size_and_block_boundaries() -> None:
    lengths = (0, 1, 109, 110, 127, 128, 129, 237, 238, 256)
    digests = {echo512(bytes(n)) for n in lengths}
    assert len(digests) == len(lengths)
    assert all(len(d) == 64 for d in digests)
