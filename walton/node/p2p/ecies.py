"""ECIES as RLPx uses it (go-ethereum's `crypto/ecies` with secp256k1, AES-128-CTR and HMAC-SHA256).

Ciphertext layout: ``0x04 || R (64) || iv (16) || c || HMAC-SHA256(kM, iv || c || shared_mac_data)`` with
``c = AES-128-CTR(kE, iv, m)``, where ``R`` is an ephemeral public key and ``kE || kM'`` come from the NIST SP 800-56
concatenation KDF over the ECDH x coordinate, with ``kM = sha256(kM')``.
"""

from __future__ import annotations

import hashlib
import hmac
import os

import coincurve
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from eth_keys.datatypes import PrivateKey, PublicKey

CIPHERTEXT_OVERHEAD = 65 + 16 + 32


class DecryptionError(Exception):
    """A ciphertext that is malformed, not for this key, or fails its MAC."""


def ecdh(private_key: PrivateKey, public_key: PublicKey) -> bytes:
    """The raw shared x coordinate (32 bytes), unhashed, as go-ethereum's `GenerateShared` returns it."""
    point = coincurve.PublicKey(b"\x04" + public_key.to_bytes()).multiply(private_key.to_bytes())
    return point.format(compressed=False)[1:33]


def concat_kdf(secret: bytes, length: int) -> bytes:
    """NIST SP 800-56 concatenation KDF with SHA-256 and an empty shared info, as RLPx uses it."""
    out = b""
    counter = 1
    while len(out) < length:
        out += hashlib.sha256(counter.to_bytes(4, "big") + secret).digest()
        counter += 1
    return out[:length]


def _derive(shared: bytes) -> tuple[bytes, bytes]:
    key = concat_kdf(shared, 32)
    return key[:16], hashlib.sha256(key[16:]).digest()


def _aes128_ctr(key: bytes, iv: bytes, data: bytes) -> bytes:
    encryptor = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def encrypt(
    public_key: PublicKey,
    plaintext: bytes,
    shared_mac_data: bytes = b"",
    *,
    ephemeral_key: PrivateKey | None = None,
    iv: bytes | None = None,
) -> bytes:
    """Encrypt for `public_key`; `ephemeral_key` and `iv` are only fixed by tests that need a deterministic output."""
    ephemeral = ephemeral_key or PrivateKey(os.urandom(32))
    iv = iv if iv is not None else os.urandom(16)
    enc_key, mac_key = _derive(ecdh(ephemeral, public_key))
    ciphertext = _aes128_ctr(enc_key, iv, plaintext)
    tag = hmac.new(mac_key, iv + ciphertext + shared_mac_data, hashlib.sha256).digest()
    return b"\x04" + ephemeral.public_key.to_bytes() + iv + ciphertext + tag


def decrypt(private_key: PrivateKey, ciphertext: bytes, shared_mac_data: bytes = b"") -> bytes:
    """Decrypt a message for `private_key`; raises DecryptionError for anything that does not check out."""
    if len(ciphertext) < CIPHERTEXT_OVERHEAD:
        raise DecryptionError(f"ECIES ciphertext too short ({len(ciphertext)} bytes)")
    if ciphertext[0] != 0x04:
        raise DecryptionError("ECIES ciphertext does not start with an uncompressed public key")
    try:
        ephemeral_public = PublicKey(ciphertext[1:65])
        shared = ecdh(private_key, ephemeral_public)
    except Exception as exc:  # an invalid curve point comes in many exception types from the backends
        raise DecryptionError(f"ECIES ephemeral key is not a valid secp256k1 point: {exc}") from exc
    enc_key, mac_key = _derive(shared)
    iv = ciphertext[65:81]
    body = ciphertext[81:-32]
    expected = hmac.new(mac_key, iv + body + shared_mac_data, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, ciphertext[-32:]):
        raise DecryptionError("ECIES MAC mismatch")
    return _aes128_ctr(enc_key, iv, body)
