"""Skein-512-512 (``sph_skein512``, Skein 1.3) against the Gwtc vectors and the Skein 1.3 paper."""

from typing import Any

import pytest

from tests.consensus.x11 import primitive_vectors
from walton.consensus.x11.skein import _IV, skein512


@pytest.mark.parametrize("vector", primitive_vectors("skein"))
def test_gwtc_vectors(vector: dict[str, Any]) -> None:
    assert vector["letter"] == "H"
    data = bytes.fromhex(vector["input"][2:])
    assert len(data) == vector["inputLength"]
    assert skein512(data).hex() == vector["output"][2:]


def _descending(n: int) -> bytes:
    """The Skein paper's test messages: bytes 0xff, 0xfe, 0xfd, ..."""
    return bytes(0xFF - i for i in range(n))


KNOWN_ANSWERS = [
    # Empty message: Skein 1.3 submission, ShortMsgKAT_512.txt, Len = 0.
    pytest.param(
        b"",
        "bc5b4c50925519c290cc634277ae3d6257212395cba733bbad37a4af0fa06af4"
        "1fca7903d06564fea7a2d3730dbdb80c1f85562dfcc070334ea4d1d9e72cba7a",
        id="empty",
    ),
    # "The Skein Hash Function Family" version 1.3, Appendix C.2 (Skein-512-512): one byte 0xff,
    # one full block 0xff..0xc0 and two full blocks 0xff..0x80.
    pytest.param(
        _descending(1),
        "71b7bce6fe6452227b9ced6014249e5bf9a9754c3ad618ccc4e0aae16b316cc8"
        "ca698d864307ed3e80b6ef1570812ac5272dc409b5a012df2a579102f340617a",
        id="C.2-one-byte",
    ),
    pytest.param(
        _descending(64),
        "45863ba3be0c4dfc27e75d358496f4ac9a736a505d9313b42b2f5eada79fc17f"
        "63861e947afb1d056aa199575ad3f8c9a3cc1780b5e5fa4cae050e989876625b",
        id="C.2-one-block",
    ),
    pytest.param(
        _descending(128),
        "91cca510c263c4ddd010530a33073309628631f308747e1bcbaa90e451cab92e"
        "5188087af4188773a332303e6667a7a210856f742139000071f48e8ba2a5adb7",
        id="C.2-two-blocks",
    ),
]


@pytest.mark.parametrize(("message", "digest"), KNOWN_ANSWERS)
def test_known_answers(message: bytes, digest: str) -> None:
    assert skein512(message).hex() == digest


def test_initial_chaining_value() -> None:
    # Skein 1.3, Appendix B: the Skein-512-512 chaining value after the configuration block.
    assert _IV == (
        0x4903ADFF749C51CE,
        0x0D95DE399746DF03,
        0x8FD1934127C79BCE,
        0x9A255629FF352CB1,
        0x5DB62599DF6CA7B0,
        0xEABE394CA9D5C3F4,
        0x991112C71A75B523,
        0xAE18A40B660FCC33,
    )


def test_digest_size() -> None:
    for n in (0, 1, 63, 64, 65, 127, 128, 129, 200):
        assert len(skein512(bytes(range(n)))) == 64
