"""SIMD-512 (``sph_simd512``, tweaked round-2 SIMD) against the Gwtc vectors and the submission's KATs."""

from typing import Any

import pytest

from tests.consensus.x11 import primitive_vectors
from walton.consensus.x11.simd import _IV, simd512


@pytest.mark.parametrize("vector", primitive_vectors("simd"))
def test_gwtc_vectors(vector: dict[str, Any]) -> None:
    assert vector["letter"] == "I"
    data = bytes.fromhex(vector["input"][2:])
    assert len(data) == vector["inputLength"]
    assert simd512(data).hex() == vector["output"][2:]


# SIMD submission to the NIST SHA-3 competition, ShortMsgKAT_512.txt (byte-aligned entries, Len in
# bits).  These are the KATs of the tweaked round-2 SIMD, the version sphlib implements: the same
# code matches them, the Gwtc X11 vectors and the submission's MonteCarlo_512.txt below.  The
# digests were taken as reproduced in the test suite of a public Go port of SIMD (the official KAT
# file itself was not at hand); the Len = 0 digest is also the one of sphlib's own test data.
SHORT_MSG_KAT_512 = [
    pytest.param(
        "",
        "51a5af7e243cd9a5989f7792c880c4c3168c3d60c4518725fe5757d1f7a69c63"
        "66977eaba7905ce2da5d7cfd07773725f0935b55f3efb954996689a49b6d29e0",
        id="Len=0",
    ),
    pytest.param(
        "cc",
        "6fd2d5e6104bd3966283321234cd40f4ed380cb53a03911b610746466c10a93e"
        "41c9b745c79dfde3275980fe82fc8372efc406a9b0bdc8c63a375954e63436e2",
        id="Len=8",
    ),
    pytest.param(
        "41fb",
        "6dae77bb11d866244840b90196d8268d7b4564593fcaf1ce925e672eb878f8c0"
        "ac4fdbe547c4524275a5c982a483c97d4d92ef975447f454c2049139c71bd13c",
        id="Len=16",
    ),
    pytest.param(
        "1f877c",
        "a15ef9ab0143bf37807c1d5f654106fe1e877adf94aed7e1746f452374359e90"
        "4f3f996812e6ab16ffcc7c358357dc4e97fbaaaaefdeb02b8e12d59c88be44bd",
        id="Len=24",
    ),
    pytest.param(
        "c1ecfdfc",
        "a4e5c8f1b1ed3dd14ccaba9f2d974d529e97acc476fe6fe2f0a2ace9272be664"
        "52096b561e57541cf16c85a6565401f55bbf9bac0dfc6f957d63966112ef1aa7",
        id="Len=32",
    ),
    pytest.param(
        "1f66ab4185ed9b6375",
        "26999df82b465a272d5cf97114876dc7fc356126bb129026d800234c5fd20930"
        "e9cd1dc57633c5bbde62a282eca53c861353543b7cdbb2ea7ee041d77f5dd659",
        id="Len=72",
    ),
    pytest.param(
        "a746273228122f381c3b46e4f1",
        "76aa046b22a8ea25a7e90c32ee755b285c246e9bb7be9f7b95cd0f7cf8d2edf7"
        "9ae910b28c81640844fa076e24a9bd7e7042d17600eb132058d92f12e453e698",
        id="Len=104",
    ),
    pytest.param(
        "fc424eeb27c18a11c01f39c555d8b78a805b88dba1dc2a42ed5e2c0ec737ff68"
        "b2456d80eb85e11714fa3f8eabfb906d3c17964cb4f5e76b29c1765db03d91be37fc",
        "b70db1d13a6ba7c7b2d64a67003059be0180c0ffd4417fd319c4f77d11ac6a46"
        "809abe7753f8c219e9c34b7a3cab980e87787429b0a31d687c90a495ada04eb6",
        id="Len=528",
    ),
    pytest.param(
        "7a6a4f4fdc59a1d223381ae5af498d74b7252ecf59e389e49130c7eaee626e7b"
        "d9897effd92017f4ccde66b0440462cdedfd352d8153e6a4c8d7a0812f701cc7"
        "37b5178c2556f07111200eb627dbc299caa792dfa58f35935299fa3a3519e9b0"
        "3166dffa159103ffa35e8577f7c0a86c6b46fe13db8e2cdd9dcfba85bdddcce0"
        "a7a8e155f81f712d8e9fe646153d3d22c811bd39f830433b2213dd46301941b5"
        "9293fd0a33e2b63adbd95239bc01315c46fdb678875b3c81e053a40f581cfbec"
        "24a1404b1671a1b88a6d06120229518fb13a74ca0ac5ae",
        "cabe9ac40d1d515894082106599daeeb141bdd70affdd517ba3b2ae3ee796fba"
        "2ffbbeb2b93dc68d2c0c67f836a44e77e8c4ad2e54332d9ba43596471f74f762",
        id="Len=1720",
    ),
]


@pytest.mark.parametrize(("message", "digest"), SHORT_MSG_KAT_512)
def test_short_msg_kat(message: str, digest: str) -> None:
    assert simd512(bytes.fromhex(message)).hex() == digest


# SIMD submission, MonteCarlo_512.txt ("Algorithm Name: SIMD, Principal Submitter: Gaetan Leurent"):
# the seed and the first two checkpoints.  The SHA-3 competition's Monte Carlo test hashes a
# 1024-bit message 1000 times per checkpoint, each time shifting the digest in at the front.
MONTE_CARLO_SEED = (
    "6cd4c0c5cb2ca2a0f1d1aecebac03b52e64ea03d1a1654372936545b92bbc548"
    "4a59db74bb60f9c40ceb1a5aa35a6fafe80349e14c253a4e8b1d77612ddd81ac"
    "e926ae8b0af6e53176dbffcc2a6b88c6bd765f939d3d178a9bde9ef3aa131c61"
    "e31c1e42cdfaf4b4dcde579a37e150efbef5555b4c1cb40439d835a724e2fae7"
)
MONTE_CARLO_CHECKPOINTS = [
    "0732ae2c8ce7d6b6d540a5fa59130f24852fbc88502dd20c7f235151af0e5673"
    "66f0446c23e7bc383f2b159e304a8d4e5b511f46d04a7df73160ac25d27e2851",
    "4cb24c0d6a6f6d2a148d4597c16c6ef081cf9962e2a6f8bb74a2e21fe8e4c8c6"
    "775ca5def4066387feb8a0c22febe346f28326290346e7f23fdceef349939c3c",
]


def test_monte_carlo() -> None:
    message = bytes.fromhex(MONTE_CARLO_SEED)
    for expected in MONTE_CARLO_CHECKPOINTS:
        for _ in range(1000):
            digest = simd512(message)
            message = digest + message[:64]
        assert digest.hex() == expected


# IV512 of the specification (and of sphlib's simd.c), which the module derives at import time as
# the compression of "SIMD-512 v1.1" from the zero state.
SPEC_IV_512 = [
    0x0BA16B95, 0x72F999AD, 0x9FECC2AE, 0xBA3264FC, 0x5E894929, 0x8E9F30E5, 0x2F1DAA37, 0xF0F2C558,
    0xAC506643, 0xA90635A5, 0xE25B878B, 0xAAB7878F, 0x88817F7A, 0x0A02892B, 0x559A7550, 0x598F657E,
    0x7EEF60A1, 0x6B70E3E8, 0x9C1714D1, 0xB958E2A8, 0xAB02675E, 0xED1C014F, 0xCD8D65BB, 0xFDB7A257,
    0x09254899, 0xD699C7BC, 0x9019B6DC, 0x2B9022E4, 0x8FA14956, 0x21BF9BD3, 0xB94D0943, 0x6FFDDC22,
]  # fmt: skip


def test_derived_iv_is_the_specification_iv() -> None:
    words = [(row >> (64 * j)) & 0xFFFFFFFF for row in _IV for j in range(8)]
    assert words == SPEC_IV_512
