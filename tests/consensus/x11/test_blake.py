"""BLAKE-512 (``sph_blake512``) against the Gwtc vectors and the BLAKE submission's own examples."""

from typing import Any

import pytest

from tests.consensus.x11 import primitive_vectors
from walton.consensus.x11.blake import blake512


@pytest.mark.parametrize("vector", primitive_vectors("blake"))
def test_gwtc_vectors(vector: dict[str, Any]) -> None:
    assert vector["letter"] == "A"
    data = bytes.fromhex(vector["input"][2:])
    assert len(data) == vector["inputLength"]
    assert blake512(data).hex() == vector["output"][2:]


# Published BLAKE-512 known answers (final-round BLAKE, 16 rounds, salt zero).
KNOWN_ANSWERS = [
    # Empty message: BLAKE submission, ShortMsgKAT_512.txt, Len = 0.
    (
        b"",
        "a8cfbbd73726062df0c6864dda65defe58ef0cc52a5625090fa17601e1eecd1b"
        "628e94f396ae402a00acc9eab77b4d4c2e852aaaa25a636d80af3fc7913ef5b8",
    ),
    # "SHA-3 proposal BLAKE" (blake.pdf), Appendix A, BLAKE-512 one-block message: one byte 0x00.
    (
        bytes(1),
        "97961587f6d970faba6d2478045de6d1fabd09b61ae50932054d52bc29d31be4"
        "ff9102b9f69e2bbdb83be13d4b9c06091e5fa0b48bd081b634058be0ec49beb3",
    ),
    # blake.pdf, Appendix A, BLAKE-512 two-block message: 144 bytes 0x00 (1152 bits).
    (
        bytes(144),
        "313717d608e9cf758dcb1eb0f0c3cf9fc150b2d500fb33f51c52afc99d358a2f"
        "1374b8a38bba7974e7f6ef79cab16f22ce1e649d6e01ad9589c213045d545dde",
    ),
    # Larry Bugbee's blake.py test values (blake_test.py): 111 zero bytes, where the padding's
    # opening and closing 1 bits share the byte 0x81, and 112 zero bytes, whose padding spills
    # into a second block that holds no message bits and so is counted as zero.
    (
        bytes(111),
        "125695c5cc01de48d8b107c101778fc447a55ad3440a17dc153c6c652faecdbf"
        "017aed68f4f48826b9dfc413ef8f14ae7dfd8b74a0afcf47b61ce7dcb1058976",
    ),
    (
        bytes(112),
        "aa42836448c9db34e0e45a49f916b54c25c9eefe3f9f65db0c13654bcbd9a938"
        "c24251f3bedb7105fa4ea54292ce9ebf5adea15ce530fb71cdf409387a78c6ff",
    ),
]


@pytest.mark.parametrize(("message", "digest"), KNOWN_ANSWERS, ids=[f"{len(m)}-bytes" for m, _ in KNOWN_ANSWERS])
def test_known_answers(message: bytes, digest: str) -> None:
    assert blake512(message).hex() == digest


def test_digest_size() -> None:
    for n in (0, 1, 63, 64, 65, 127, 128, 129, 200):
        assert len(blake512(bytes(range(n)))) == 64
