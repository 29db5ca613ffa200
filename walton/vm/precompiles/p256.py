"""P-256 (secp256r1) signature verification, as RIP-7212 specifies it.

Input is 160 bytes: message hash, r, s, public key x, public key y (32 bytes each,
big-endian). Output is 32 bytes ending in 0x01 when the signature is valid, and empty
otherwise (wrong length, r or s out of range, a point off the curve, a bad signature).
Gas is 3450 whatever the outcome. The check is the device layer's (``walton.hardware.identity``,
the ``cryptography`` package's curve arithmetic), so devices and the chain agree on every key.
"""

from eth.abc import ComputationAPI

from walton.hardware.identity import p256_verify as verify_p256

P256_VERIFY_ADDRESS = 0x100
P256_VERIFY_GAS = 3450
INPUT_LENGTH = 160
VALID = (1).to_bytes(32, "big")


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
