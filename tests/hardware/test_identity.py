"""Device keys on both curves: signing, verification, and every malformed input refused without raising."""

import os

import pytest

from walton.hardware.identity import (
    P256_ORDER,
    SECP256K1_ORDER,
    DeviceKey,
    KeyType,
    device_id,
    verify_signature,
)

CURVES = [KeyType.SECP256K1, KeyType.P256]


@pytest.mark.parametrize("key_type", CURVES)
def test_sign_and_verify(key_type: KeyType) -> None:
    key = DeviceKey.generate(key_type)
    digest = os.urandom(32)
    signature = key.sign(digest)
    assert len(key.public_key) == 64
    assert len(signature) == (65 if key_type == KeyType.SECP256K1 else 64)
    assert verify_signature(key_type, key.public_key, digest, signature)
    assert not verify_signature(key_type, key.public_key, os.urandom(32), signature)
    assert not verify_signature(key_type, DeviceKey.generate(key_type).public_key, digest, signature)
    # The same key on the other curve, or an unknown key type, is refused.
    assert not verify_signature(3 - key_type, key.public_key, digest, signature)
    assert not verify_signature(7, key.public_key, digest, signature)


@pytest.mark.parametrize("key_type", CURVES)
def test_key_round_trips_through_private_bytes(key_type: KeyType) -> None:
    key = DeviceKey.generate(key_type)
    again = DeviceKey.from_bytes(key_type, key.private_bytes)
    assert again.public_key == key.public_key
    assert again.device_id == device_id(key_type, key.public_key)


@pytest.mark.parametrize("key_type", CURVES)
def test_signatures_are_low_s_and_high_s_is_refused(key_type: KeyType) -> None:
    key = DeviceKey.generate(key_type)
    order = SECP256K1_ORDER if key_type == KeyType.SECP256K1 else P256_ORDER
    for _ in range(8):
        digest = os.urandom(32)
        signature = key.sign(digest)
        s = int.from_bytes(signature[32:64], "big")
        assert s <= order // 2
        flipped = signature[:32] + (order - s).to_bytes(32, "big") + signature[64:]
        if key_type == KeyType.SECP256K1:
            flipped = flipped[:64] + bytes([signature[64] ^ 1])
        assert not verify_signature(key_type, key.public_key, digest, flipped)


@pytest.mark.parametrize("key_type", CURVES)
def test_malformed_inputs_return_false(key_type: KeyType) -> None:
    key = DeviceKey.generate(key_type)
    digest = os.urandom(32)
    signature = key.sign(digest)
    assert not verify_signature(key_type, key.public_key[:63], digest, signature)
    assert not verify_signature(key_type, key.public_key, digest[:31], signature)
    assert not verify_signature(key_type, key.public_key, digest, signature[:-1])
    assert not verify_signature(key_type, key.public_key, digest, signature + b"\x00")
    assert not verify_signature(key_type, b"\x00" * 64, digest, signature)  # the point (0, 0) is on neither curve
    assert not verify_signature(key_type, b"\xff" * 64, digest, signature)
    assert not verify_signature(key_type, key.public_key, digest, b"\x00" * len(signature))
    assert not verify_signature(key_type, key.public_key, digest, b"\xff" * len(signature))


def test_secp256k1_recovery_id_must_be_0_or_1() -> None:
    key = DeviceKey.generate(KeyType.SECP256K1)
    digest = os.urandom(32)
    signature = key.sign(digest)
    assert not verify_signature(KeyType.SECP256K1, key.public_key, digest, signature[:64] + bytes([signature[64] + 27]))


def test_bad_private_keys_and_digests_are_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        DeviceKey(KeyType.P256, b"\x01" * 31)
    with pytest.raises(ValueError, match="out of range"):
        DeviceKey(KeyType.SECP256K1, SECP256K1_ORDER.to_bytes(32, "big"))
    with pytest.raises(ValueError, match="out of range"):
        DeviceKey(KeyType.P256, bytes(32))
    with pytest.raises(ValueError, match="digest is 32 bytes"):
        DeviceKey.generate(KeyType.P256).sign(b"short")


def test_device_id_depends_on_curve_and_key() -> None:
    key = DeviceKey.generate(KeyType.SECP256K1)
    assert len(key.device_id) == 32
    assert device_id(KeyType.SECP256K1, key.public_key) != device_id(KeyType.P256, key.public_key)
    with pytest.raises(ValueError, match="64 bytes"):
        device_id(KeyType.SECP256K1, key.public_key[1:])
