import hashlib
import os

import pytest
from eth_keys.datatypes import PrivateKey

from tests.node.p2p import eip8_vectors as vectors
from walton.node.p2p import ecies

KEY = PrivateKey(bytes.fromhex(vectors.STATIC_KEY_B))


def test_round_trip_with_and_without_shared_mac_data() -> None:
    for message in (b"", b"x", os.urandom(1000)):
        assert ecies.decrypt(KEY, ecies.encrypt(KEY.public_key, message)) == message
        sealed = ecies.encrypt(KEY.public_key, message, b"\x01\x02")
        assert len(sealed) == len(message) + ecies.CIPHERTEXT_OVERHEAD
        assert ecies.decrypt(KEY, sealed, b"\x01\x02") == message
        with pytest.raises(ecies.DecryptionError, match="MAC"):
            ecies.decrypt(KEY, sealed, b"\x01\x03")


def test_decrypts_the_published_legacy_auth() -> None:
    """EIP-8's Auth1 is a plain ECIES ciphertext: 194 bytes ending in the zero token flag."""
    plain = ecies.decrypt(KEY, bytes.fromhex(vectors.AUTH_1))
    assert len(plain) == 194
    assert plain[161:193].hex() == vectors.NONCE_A
    assert plain[-1] == 0


def test_refuses_tampering_wrong_key_and_garbage() -> None:
    sealed = bytearray(ecies.encrypt(KEY.public_key, b"secret message"))
    for index in (70, 90, len(sealed) - 1):
        tampered = bytearray(sealed)
        tampered[index] ^= 1
        with pytest.raises(ecies.DecryptionError):
            ecies.decrypt(KEY, bytes(tampered))
    with pytest.raises(ecies.DecryptionError, match="MAC"):
        ecies.decrypt(PrivateKey(b"\x07" * 32), bytes(sealed))
    with pytest.raises(ecies.DecryptionError, match="too short"):
        ecies.decrypt(KEY, b"\x04" + b"\x00" * 50)
    with pytest.raises(ecies.DecryptionError, match="uncompressed"):
        ecies.decrypt(KEY, b"\x05" + bytes(sealed[1:]))
    with pytest.raises(ecies.DecryptionError, match="not a valid secp256k1 point"):
        ecies.decrypt(KEY, b"\x04" + b"\xff" * 64 + bytes(sealed[65:]))


def test_concat_kdf_matches_its_definition() -> None:
    secret = b"\x11" * 32
    expected = (
        hashlib.sha256(b"\x00\x00\x00\x01" + secret).digest() + hashlib.sha256(b"\x00\x00\x00\x02" + secret).digest()
    )
    assert ecies.concat_kdf(secret, 40) == expected[:40]
