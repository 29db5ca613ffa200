"""The device registry precompile (0x101): who owns a device and which key it signs with.

Every RFID tag, reader, sensor and gateway that signs data for the chain is registered here: its
device id (``walton.hardware.identity.device_id`` of the key it is registered with; it stays the
device's id when the key is rotated), its key type (``KeyType``: 1 secp256k1, 2 P-256), its 64-byte
public key ``x‖y`` and its owner, the account that registered it. Only the owner may rotate the key
or revoke the device; a revoked device stays revoked (its id cannot be registered again), so records
signed by it are refused forever after.

Registering needs a proof of possession: the device signs ``key_binding_digest`` (chain id, device
id, owner, key), so nobody can register, and then revoke, a device whose key they do not hold.
Rotating to a new key needs the same proof from the new key.

State lives in the precompile's own account, rather than a contract deployed at genesis, so the
record and stamp precompiles (0x102-0x104) read it directly and every network on the IoT fork
has it from block 0 without a genesis allocation.
"""

from typing import Any

from eth_hash.auto import keccak
from eth_typing import Address

from walton.hardware.identity import PUBLIC_KEY_LENGTH, KeyType, device_id, verify_signature
from walton.vm.precompiles.abi import storage_slot
from walton.vm.precompiles.stateful import Call, Event, Function, PrecompileRevert, StatefulPrecompile

DEVICE_REGISTRY_ADDRESS = 0x101

ACTIVE = 1
REVOKED = 2

# Gas of one signature check, per key type: 3000 (ecrecover's price) times the time of
# ``verify_signature`` over the time of py-evm's ecrecover precompile function, as
# `python -m benchmarks.hardware` measures them (both back to back in each round, median of the rounds'
# ratios). Measured on the shared 2-core machine: secp256k1 0.57 to 0.72 (coincurve recovery and
# compare), P-256 0.99 to 1.12 (OpenSSL through ``cryptography``), over six runs; the prices take the
# highest ratio, rounded up to the next 100.
SIGNATURE_GAS: dict[int, int] = {KeyType.SECP256K1: 2200, KeyType.P256: 3400}
MAX_SIGNATURE_GAS = max(SIGNATURE_GAS.values())

# State growth and logs are priced as the EVM prices them (SSTORE set/reset, LOG), since the precompile
# writes storage and logs directly: a new slot 20,000, an updated one 5,000, a log 375 + 375 a topic
# + 8 a data byte.
SLOT_NEW_GAS = 20_000
SLOT_UPDATE_GAS = 5_000
SLOT_READ_GAS = 2_100
# Decoding the ABI input (arguments of any length) costs a memory copy's 3 gas a word.
INPUT_WORD_GAS = 3


def log_gas(topics: int, data_bytes: int) -> int:
    return 375 + 375 * topics + 8 * data_bytes


KEY_BINDING_DOMAIN = b"WALTON-DEVICE-KEY-BINDING-v1"  # named like the device layer's domains


def key_binding_digest(chain_id: int, device: bytes, owner: bytes, key_type: int, public_key: bytes) -> bytes:
    """What a device key signs to be registered or rotated in: binds it to one device, owner and chain."""
    fields = chain_id.to_bytes(32, "big") + device + owner + key_type.to_bytes(1, "big") + public_key
    return keccak(KEY_BINDING_DOMAIN + fields)


def _record_slot(device: bytes) -> bytes:
    return storage_slot("device", device)


def _key_slot(device: bytes, half: int) -> bytes:
    return storage_slot("key", device, half)


def _pack(owner: bytes, key_type: int, status: int) -> int:
    return int.from_bytes(owner, "big") << 16 | key_type << 8 | status


class DeviceEntry:
    """One device as the registry stores it: an owner, a key type and status in one slot, the key in two."""

    def __init__(self, packed: int, x: int, y: int) -> None:
        self.owner = Address((packed >> 16).to_bytes(20, "big"))
        self.key_type = (packed >> 8) & 0xFF
        self.status = packed & 0xFF
        self.public_key = x.to_bytes(32, "big") + y.to_bytes(32, "big")


def read_device(call: Call, device: bytes) -> DeviceEntry:
    """The registry's entry for ``device`` (status 0 when never registered), from any precompile."""
    registry = Address(DEVICE_REGISTRY_ADDRESS.to_bytes(20, "big"))
    packed = call.load_from(registry, _record_slot(device))
    if packed == 0:
        return DeviceEntry(0, 0, 0)
    x = call.load_from(registry, _key_slot(device, 0))
    y = call.load_from(registry, _key_slot(device, 1))
    return DeviceEntry(packed, x, y)


def active_device(call: Call, device: bytes, role: str) -> DeviceEntry:
    """The entry of a registered, unrevoked device, or a refusal naming the role and the reason."""
    entry = read_device(call, device)
    if entry.status == 0:
        raise PrecompileRevert(f"{role} 0x{device.hex()} is not registered")
    if entry.status == REVOKED:
        raise PrecompileRevert(f"{role} 0x{device.hex()} is revoked")
    return entry


def check_signature(call: Call, entry: DeviceEntry, digest: bytes, signature: bytes, role: str) -> None:
    """Charge the key type's measured price, then refuse unless ``signature`` is the device's over ``digest``."""
    call.charge(SIGNATURE_GAS[entry.key_type], f"{role} signature check")
    if not verify_signature(entry.key_type, entry.public_key, digest, signature):
        raise PrecompileRevert(f"bad {role} signature")


def _check_shape(key_type: int, public_key: bytes) -> None:
    if key_type not in SIGNATURE_GAS:
        raise PrecompileRevert(f"unknown key type {key_type} (1 secp256k1, 2 P-256)")
    if len(public_key) != PUBLIC_KEY_LENGTH:
        raise PrecompileRevert(f"public key must be {PUBLIC_KEY_LENGTH} bytes (x‖y), got {len(public_key)}")


def _checked_key(call: Call, device: bytes, key_type: int, public_key: bytes, proof: bytes) -> None:
    _check_shape(key_type, public_key)
    call.charge(SIGNATURE_GAS[key_type], "key proof of possession")
    digest = key_binding_digest(call.chain_id, device, call.sender, key_type, public_key)
    if not verify_signature(key_type, public_key, digest, proof):
        raise PrecompileRevert("bad proof of possession: the key must sign key_binding_digest")


def _store_key(call: Call, device: bytes, public_key: bytes) -> None:
    call.store(_key_slot(device, 0), int.from_bytes(public_key[:32], "big"))
    call.store(_key_slot(device, 1), int.from_bytes(public_key[32:], "big"))


def _owned(call: Call, device: bytes) -> DeviceEntry:
    entry = active_device(call, device, "device")
    if entry.owner != call.sender:
        raise PrecompileRevert(f"only the owner 0x{entry.owner.hex()} may change device 0x{device.hex()}")
    return entry


DeviceRegistered = Event("DeviceRegistered(bytes32 device, address owner, uint8 keyType, bytes publicKey)", indexed=2)
KeyRotated = Event("KeyRotated(bytes32 device, uint8 keyType, bytes publicKey)", indexed=1)
DeviceRevoked = Event("DeviceRevoked(bytes32 device, address owner)", indexed=1)


def _register(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    key_type, public_key, proof = arguments
    _check_shape(key_type, public_key)
    device = device_id(key_type, public_key)
    status = read_device(call, device).status
    if status == REVOKED:
        raise PrecompileRevert(f"device 0x{device.hex()} was revoked and cannot be registered again")
    if status == ACTIVE:
        raise PrecompileRevert(f"device 0x{device.hex()} is already registered")
    _checked_key(call, device, key_type, public_key, proof)
    call.store(_record_slot(device), _pack(call.sender, key_type, ACTIVE))
    _store_key(call, device, public_key)
    call.emit(DeviceRegistered, device, call.sender, key_type, public_key)
    return (device,)


def _rotate_key(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    device, key_type, public_key, proof = arguments
    _owned(call, device)
    _checked_key(call, device, key_type, public_key, proof)
    call.store(_record_slot(device), _pack(call.sender, key_type, ACTIVE))
    _store_key(call, device, public_key)
    call.emit(KeyRotated, device, key_type, public_key)
    return ()


def _revoke(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    (device,) = arguments
    entry = _owned(call, device)
    call.store(_record_slot(device), _pack(entry.owner, entry.key_type, REVOKED))
    call.emit(DeviceRevoked, device, entry.owner)
    return ()


def _device_of(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    entry = read_device(call, arguments[0])
    public_key = entry.public_key if entry.status else b""
    return entry.owner, entry.key_type, public_key, entry.status == ACTIVE, entry.status == REVOKED


def _is_active(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    return (read_device(call, arguments[0]).status == ACTIVE,)


_KEY_EVENT_BYTES = 32 * 4 + PUBLIC_KEY_LENGTH  # keyType, offset, length, key

DEVICE_REGISTRY = StatefulPrecompile(
    "DEVICE_REGISTRY",
    DEVICE_REGISTRY_ADDRESS,
    [
        Function(
            "register(uint8 keyType, bytes publicKey, bytes proof) returns (bytes32 device)",
            gas=SLOT_READ_GAS + 3 * SLOT_NEW_GAS + log_gas(3, _KEY_EVENT_BYTES),
            handler=_register,
            mutates=True,
            gas_per_word=INPUT_WORD_GAS,
        ),
        Function(
            "rotateKey(bytes32 device, uint8 keyType, bytes publicKey, bytes proof)",
            gas=SLOT_READ_GAS + 3 * SLOT_UPDATE_GAS + log_gas(2, _KEY_EVENT_BYTES),
            handler=_rotate_key,
            mutates=True,
            gas_per_word=INPUT_WORD_GAS,
        ),
        Function(
            "revoke(bytes32 device)",
            gas=SLOT_READ_GAS + SLOT_UPDATE_GAS + log_gas(2, 32),
            handler=_revoke,
            mutates=True,
        ),
        Function(
            "deviceOf(bytes32 device)"
            " returns (address owner, uint8 keyType, bytes publicKey, bool active, bool revoked)",
            gas=3 * SLOT_READ_GAS,
            handler=_device_of,
        ),
        Function(
            "isActive(bytes32 device) returns (bool)",
            gas=SLOT_READ_GAS,
            handler=_is_active,
            malformed_result=(False,),
        ),
    ],
    [DeviceRegistered, KeyRotated, DeviceRevoked],
)
