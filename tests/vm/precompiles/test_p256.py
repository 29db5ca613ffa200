"""RIP-7212 P-256 verification: the published vectors, RIP-7212's failure modes, and real signatures."""

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature
from eth._utils.address import force_bytes_to_address
from eth.vm.message import Message

from walton.vm.forks import get_fork
from walton.vm.precompiles.p256 import P256_VERIFY_ADDRESS, P256_VERIFY_GAS, VALID, p256_verify

# Wycheproof ecdsa_secp256r1_sha256_p1363_test.json, as RIP-7212's reference vectors
# (go-ethereum core/vm/testdata/precompiles/p256Verify.json) carry them.
HASH = "bb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca605023"
KEY = (
    "2927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838"
    "c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e"
)
RIP7212_VECTORS = [
    (  # #1: signature malleability (valid)
        HASH
        + "2ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18"
        + "4cd60b855d442f5b3c7b11eb6c4e0ae7525fe710fab9aa7c77a67f79e6fadd76"
        + KEY,
        True,
    ),
    (  # #3: r modified by adding the group order
        HASH
        + "d45c5740946b2a147f59262ee6f5bc90bd01ed280528b62b3aed5fc93f06f739"
        + "b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db"
        + KEY,
        False,
    ),
    (  # #9: r = s = 0
        HASH + "00" * 64 + KEY,
        False,
    ),
    (  # #11: r = 0, s = n
        HASH + "00" * 32 + "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551" + KEY,
        False,
    ),
]


class FakeMessage:
    """Stands in for an EVM message in unit tests: only the call data matters to the precompile."""

    def __init__(self, data: bytes) -> None:
        self.data_as_bytes = data


class FakeComputation:
    """A unit-test stand-in for a computation: records gas consumed and the output."""

    def __init__(self, data: bytes) -> None:
        self.msg = FakeMessage(data)
        self.gas_used = 0
        self.output = b"unset"

    def consume_gas(self, amount: int, reason: str) -> None:
        self.gas_used += amount


def run_precompile(data: bytes) -> FakeComputation:
    computation = FakeComputation(data)
    p256_verify(computation)  # type: ignore[arg-type]
    return computation


@pytest.mark.parametrize(("input_hex", "valid"), RIP7212_VECTORS)
def test_rip7212_vectors(input_hex: str, valid: bool) -> None:
    computation = run_precompile(bytes.fromhex(input_hex))
    assert computation.output == (VALID if valid else b"")
    assert computation.gas_used == P256_VERIFY_GAS


@pytest.mark.parametrize("length", [0, 1, 159, 161, 192])
def test_wrong_input_length_fails_and_charges_gas(length: int) -> None:
    data = (bytes.fromhex(RIP7212_VECTORS[0][0]) * 2)[:length]
    computation = run_precompile(data)
    assert computation.output == b""
    assert computation.gas_used == P256_VERIFY_GAS


def test_point_not_on_curve_fails() -> None:
    good = bytearray.fromhex(RIP7212_VECTORS[0][0])
    good[-1] ^= 1  # y + 1 is not on the curve for this x
    assert run_precompile(bytes(good)).output == b""


def test_point_at_infinity_fails() -> None:
    data = bytes.fromhex(RIP7212_VECTORS[0][0])[:96] + b"\x00" * 64
    assert run_precompile(data).output == b""


def test_real_signature_roundtrip() -> None:
    private_key = ec.derive_private_key(0xC0FFEE, ec.SECP256R1())
    digest = hashes.Hash(hashes.SHA256())
    digest.update(b"walton sensor reading")
    message_hash = digest.finalize()
    r, s = decode_dss_signature(private_key.sign(message_hash, ec.ECDSA(Prehashed(hashes.SHA256()))))
    numbers = private_key.public_key().public_numbers()
    data = b"".join(v.to_bytes(32, "big") for v in (r, s, numbers.x, numbers.y))
    assert run_precompile(message_hash + data).output == VALID
    tampered = bytes([message_hash[0] ^ 1]) + message_hash[1:]
    assert run_precompile(tampered + data).output == b""


def test_registered_on_iot_fork_only() -> None:
    address = force_bytes_to_address(P256_VERIFY_ADDRESS.to_bytes(2, "big"))
    iot_precompiles = get_fork("IoT").get_state_class().computation_class.get_precompiles()
    assert iot_precompiles[address] is p256_verify
    cancun_precompiles = get_fork("Cancun").get_state_class().computation_class.get_precompiles()
    assert address not in cancun_precompiles


def test_message_class_has_data_as_bytes() -> None:
    """The fake above mirrors the one attribute of py-evm's Message the precompile reads."""
    message = Message(gas=0, to=b"\x00" * 20, sender=b"\x00" * 20, value=0, data=b"ab", code=b"")
    assert message.data_as_bytes == b"ab"
