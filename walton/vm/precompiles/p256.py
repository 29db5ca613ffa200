"""P-256 (secp256r1) signature verification, as RIP-7212 specifies it.

Input is 160 bytes: message hash, r, s, public key x, public key y (32 bytes each,
big-endian). Output is 32 bytes ending in 0x01 when the signature is valid, and empty
otherwise (wrong length, r or s out of range, a point off the curve, a bad signature).
Gas is 3450 whatever the outcome. Curve arithmetic is the ``cryptography`` package's.
"""

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature
from eth.abc import ComputationAPI

P256_VERIFY_ADDRESS = 0x100
P256_VERIFY_GAS = 3450
INPUT_LENGTH = 160
VALID = (1).to_bytes(32, "big")

# Group order of P-256 (SEC 2, secp256r1 n).
CURVE_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_PREHASHED_SHA256 = ec.ECDSA(Prehashed(hashes.SHA256()))


def verify_p256(message_hash: bytes, r: int, s: int, x: int, y: int) -> bool:
    """True when (r, s) is a valid P-256 signature of the 32-byte hash by the key (x, y)."""
    if not (0 < r < CURVE_ORDER and 0 < s < CURVE_ORDER):
        return False
    try:
        public_key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except ValueError:  # not a point on the curve (the point at infinity included)
        return False
    try:
        public_key.verify(encode_dss_signature(r, s), message_hash, _PREHASHED_SHA256)
    except InvalidSignature:
        return False
    return True


def p256_verify(computation: ComputationAPI) -> ComputationAPI:
    """The precompile: charge RIP-7212's gas, return 32-byte 1 on success, nothing on failure."""
    computation.consume_gas(P256_VERIFY_GAS, reason="P256VERIFY precompile")
    data = computation.msg.data_as_bytes
    if len(data) != INPUT_LENGTH:
        computation.output = b""
        return computation
    r, s, x, y = (int.from_bytes(data[offset : offset + 32], "big") for offset in range(32, 160, 32))
    computation.output = VALID if verify_p256(data[:32], r, s, x, y) else b""
    return computation
