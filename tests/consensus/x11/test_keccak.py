"""Keccak-512 (``sph_keccak512``, original Keccak padding) against the Gwtc vectors and KeccakKAT-3."""

import hashlib
from typing import Any

import pytest

from tests.consensus.x11 import primitive_vectors
from walton.consensus.x11.keccak import keccak512


@pytest.mark.parametrize("vector", primitive_vectors("keccak"))
def test_gwtc_vectors(vector: dict[str, Any]) -> None:
    assert vector["letter"] == "J"
    data = bytes.fromhex(vector["input"][2:])
    assert len(data) == vector["inputLength"]
    assert keccak512(data).hex() == vector["output"][2:]


# Keccak submission, "Keccak: Known-answer and Monte Carlo test results" version 3.0 (KeccakKAT-3),
# ShortMsgKAT_512.txt, Len = 0, 8 and 16.
KNOWN_ANSWERS = [
    pytest.param(
        b"",
        "0eab42de4c3ceb9235fc91acffe746b29c29a8c366b7c60e4e67c466f36a4304"
        "c00fa9caf9d87976ba469bcbe06713b435f091ef2769fb160cdab33d3670680e",
        id="len0",
    ),
    pytest.param(
        bytes.fromhex("cc"),
        "8630c13cbd066ea74bbe7fe468fec1dee10edc1254fb4c1b7c5fd69b646e4416"
        "0b8ce01d05a0908ca790dfb080f4b513bc3b6225ece7a810371441a5ac666eb9",
        id="len8",
    ),
    pytest.param(
        bytes.fromhex("41fb"),
        "551da6236f8b96fce9f97f1190e901324f0b45e06dbbb5cdb8355d6ed1dc34b3"
        "f0eae7dcb68622ff232fa3cece0d4616cdeb3931f93803662a28df1cd535b731",
        id="len16",
    ),
]


@pytest.mark.parametrize(("message", "digest"), KNOWN_ANSWERS)
def test_known_answers(message: bytes, digest: str) -> None:
    assert keccak512(message).hex() == digest


def test_is_not_fips202_sha3() -> None:
    # SHA3-512 pads with 0x06 instead of Keccak's 0x01, so the digests must differ.
    for message in (b"", b"abc", bytes(72)):
        assert keccak512(message) != hashlib.sha3_512(message).digest()


def test_digest_size() -> None:
    for n in (0, 1, 63, 64, 65, 127, 128, 129, 200):
        assert len(keccak512(bytes(range(n)))) == 64
