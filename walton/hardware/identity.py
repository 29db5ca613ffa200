"""Device identities: key pairs on secp256k1 or P-256, signatures over 32-byte digests, device ids.

Both curves use the same wire shapes so the chain can reject wrong lengths cheaply: a public key is
64 bytes (x || y, big-endian, no prefix); a secp256k1 signature is 65 bytes r || s || v with v in
{0, 1}; a P-256 signature is 64 bytes r || s. Signatures are low-s on both curves (s <= n/2) and
``verify_signature`` refuses high-s ones, so a signature cannot be re-shaped into a second valid one.
P-256 exists for devices whose secure element only does NIST curves.
"""

import os
from enum import IntEnum

import coincurve
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)
from eth_hash.auto import keccak

# Group orders (SEC 2).
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

PUBLIC_KEY_LENGTH = 64
DIGEST_LENGTH = 32
DEVICE_ID_DOMAIN = b"WALTON-DEVICE-ID-v1"
_PREHASHED = ec.ECDSA(Prehashed(hashes.SHA256()))


class KeyType(IntEnum):
    """The curve of a device key; the number is what records and the registry store."""

    SECP256K1 = 1
    P256 = 2


SIGNATURE_LENGTHS = {KeyType.SECP256K1: 65, KeyType.P256: 64}


class DeviceKey:
    """A device's private key: what a tag, reader, sensor or gateway holds in its secure element."""

    def __init__(self, key_type: KeyType, private_bytes: bytes) -> None:
        if len(private_bytes) != 32:
            raise ValueError(f"a private key is 32 bytes, got {len(private_bytes)}")
        secret = int.from_bytes(private_bytes, "big")
        order = SECP256K1_ORDER if key_type == KeyType.SECP256K1 else P256_ORDER
        if not 0 < secret < order:
            raise ValueError("private key out of range for the curve")
        self.key_type = KeyType(key_type)
        self.private_bytes = private_bytes
        if self.key_type == KeyType.SECP256K1:
            self._k1 = coincurve.PrivateKey(private_bytes)
            self.public_key: bytes = self._k1.public_key.format(compressed=False)[1:]
        else:
            self._p256 = ec.derive_private_key(secret, ec.SECP256R1())
            numbers = self._p256.public_key().public_numbers()
            self.public_key = numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")

    @classmethod
    def generate(cls, key_type: KeyType) -> "DeviceKey":
        order = SECP256K1_ORDER if key_type == KeyType.SECP256K1 else P256_ORDER
        while True:
            candidate = os.urandom(32)
            if 0 < int.from_bytes(candidate, "big") < order:
                return cls(key_type, candidate)

    @classmethod
    def from_bytes(cls, key_type: KeyType, private_bytes: bytes) -> "DeviceKey":
        return cls(key_type, private_bytes)

    @property
    def device_id(self) -> bytes:
        return device_id(self.key_type, self.public_key)

    def sign(self, digest: bytes) -> bytes:
        """Sign a 32-byte digest: 65 bytes r||s||v (secp256k1) or 64 bytes r||s (P-256), low-s."""
        if len(digest) != DIGEST_LENGTH:
            raise ValueError(f"a digest is 32 bytes, got {len(digest)}")
        if self.key_type == KeyType.SECP256K1:
            return self._k1.sign_recoverable(digest, hasher=None)  # libsecp256k1 always emits low-s
        r, s = decode_dss_signature(self._p256.sign(digest, _PREHASHED))
        if s > P256_ORDER // 2:
            s = P256_ORDER - s
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def p256_verify(digest: bytes, r: int, s: int, x: int, y: int) -> bool:
    """Plain ECDSA P-256 check (any s in range, as RIP-7212 accepts); False for off-curve keys."""
    if not (0 < r < P256_ORDER and 0 < s < P256_ORDER):
        return False
    try:
        key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        key.verify(encode_dss_signature(r, s), digest, _PREHASHED)
    except (ValueError, InvalidSignature):
        return False
    return True


def verify_signature(key_type: int, public_key: bytes, digest: bytes, signature: bytes) -> bool:
    """True when ``signature`` is a low-s signature of ``digest`` by ``public_key``; never raises."""
    if len(public_key) != PUBLIC_KEY_LENGTH or len(digest) != DIGEST_LENGTH:
        return False
    if key_type == KeyType.SECP256K1:
        if len(signature) != 65 or signature[64] > 1:
            return False
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:64], "big")
        if not (0 < r < SECP256K1_ORDER and 0 < s <= SECP256K1_ORDER // 2):
            return False
        try:
            recovered = coincurve.PublicKey.from_signature_and_message(signature, digest, hasher=None)
        except (ValueError, TypeError):
            return False
        return recovered.format(compressed=False)[1:] == public_key
    if key_type == KeyType.P256:
        if len(signature) != 64:
            return False
        s = int.from_bytes(signature[32:], "big")
        if s > P256_ORDER // 2:
            return False
        x = int.from_bytes(public_key[:32], "big")
        y = int.from_bytes(public_key[32:], "big")
        return p256_verify(digest, int.from_bytes(signature[:32], "big"), s, x, y)
    return False


def device_id(key_type: int, public_key: bytes) -> bytes:
    """keccak256(domain || key type byte || 64-byte public key): 32 bytes, for every kind of device.

    Tags too: a tag's id is derived from its key, and its EPC is a separate attribute bound to that id
    when the tag is registered, so re-keying a tag gives it a new id while the EPC stays.
    """
    if len(public_key) != PUBLIC_KEY_LENGTH:
        raise ValueError(f"a public key is 64 bytes (x || y), got {len(public_key)}")
    return keccak(DEVICE_ID_DOMAIN + bytes([int(key_type)]) + public_key)
