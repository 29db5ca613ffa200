"""Property tests: any input to any object-layer precompile ends in success or a reasoned revert, within its gas bound.

Inputs are random bytes, a valid selector with random argument bytes, and a valid selector with
well-formed ABI arguments of random value. Whatever comes in, the call must not raise anything but
the computation's own error handling, must not end in any error other than a revert, and must not
use more gas than the function's fixed price, its per-word charge and the signature checks it may
add (two for an RFID record, one elsewhere).
"""

from typing import Any

import pytest
from eth.exceptions import Revert
from eth_abi import encode
from eth_abi.tools import get_abi_strategy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.vm.precompiles.device_chain import DeviceChain, signed_record
from walton.hardware.identity import DeviceKey, KeyType
from walton.vm.precompiles.device_registry import MAX_SIGNATURE_GAS
from walton.vm.precompiles.devices import (
    DEVICE_PRECOMPILES,
    DEVICE_REGISTRY,
    GATEWAY_BATCHES,
    RFID_RECORDS,
    SENSOR_STAMPS,
)
from walton.vm.precompiles.stateful import Function, StatefulPrecompile

GAS = 10_000_000
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
IDS = [precompile.name for precompile in DEVICE_PRECOMPILES]


@pytest.fixture(scope="module")
def chain() -> DeviceChain:
    return DeviceChain()


def _bound(precompile: StatefulPrecompile, data: bytes) -> int:
    function = precompile.functions.get(data[:4])
    if function is None:
        return 0
    checks = 2 if precompile is RFID_RECORDS else 1
    surcharge = checks * MAX_SIGNATURE_GAS if function.mutates else 0
    return function.gas + function.gas_per_word * ((len(data) + 31) // 32) + surcharge


def _check(chain: DeviceChain, precompile: StatefulPrecompile, data: bytes) -> None:
    computation: Any = chain.message(precompile.address, data, gas=GAS)
    if computation.is_error:
        assert isinstance(computation.error, Revert), computation.error
    used = GAS - computation.get_gas_remaining()
    assert used <= _bound(precompile, data), (used, _bound(precompile, data))


def _well_formed(function: Function) -> st.SearchStrategy[bytes]:
    kinds = [parameter.type for parameter in function.parameters]
    values = st.tuples(*(get_abi_strategy(kind) for kind in kinds))
    return values.map(lambda arguments: function.selector + encode(kinds, list(arguments)))


@pytest.mark.parametrize("precompile", DEVICE_PRECOMPILES, ids=IDS)
@FUZZ
@given(data=st.binary(max_size=700))
def test_random_bytes(chain: DeviceChain, precompile: StatefulPrecompile, data: bytes) -> None:
    _check(chain, precompile, data)


@pytest.mark.parametrize("precompile", DEVICE_PRECOMPILES, ids=IDS)
@FUZZ
@given(choice=st.data(), tail=st.binary(max_size=700))
def test_valid_selectors_with_random_arguments(
    chain: DeviceChain, precompile: StatefulPrecompile, choice: st.DataObject, tail: bytes
) -> None:
    selector = choice.draw(st.sampled_from(sorted(precompile.functions)))
    _check(chain, precompile, selector + tail)


@pytest.mark.parametrize("precompile", DEVICE_PRECOMPILES, ids=IDS)
@FUZZ
@given(choice=st.data())
def test_well_formed_arguments_of_random_value(
    chain: DeviceChain, precompile: StatefulPrecompile, choice: st.DataObject
) -> None:
    function = choice.draw(st.sampled_from(list(precompile.functions.values())))
    _check(chain, precompile, choice.draw(_well_formed(function)))


@pytest.fixture(scope="module")
def devices(chain: DeviceChain) -> dict[str, DeviceKey]:
    keys = {"tag": DeviceKey.generate(KeyType.P256), "reader": DeviceKey.generate(KeyType.SECP256K1)}
    keys["sensor"] = DeviceKey.generate(KeyType.SECP256K1)
    keys["gateway"] = DeviceKey.generate(KeyType.P256)
    for key in keys.values():
        assert chain.register(key).ok
    return keys


SIGNATURES = st.one_of(st.binary(min_size=64, max_size=65), st.binary(max_size=200))


@FUZZ
@given(key_type=st.integers(0, 255), public_key=st.binary(min_size=64, max_size=64), proof=SIGNATURES)
def test_registration_with_random_keys_and_proofs(
    chain: DeviceChain, key_type: int, public_key: bytes, proof: bytes
) -> None:
    _check(chain, DEVICE_REGISTRY, DEVICE_REGISTRY.calldata("register", key_type, public_key, proof))


@FUZZ
@given(
    sequence=st.integers(0, 2**64 - 1),
    timestamp=st.integers(0, 2**64 - 1),
    stamp=st.binary(min_size=32, max_size=32),
    signature=SIGNATURES,
)
def test_stamps_of_a_registered_device_with_random_signatures(
    chain: DeviceChain, devices: dict[str, DeviceKey], sequence: int, timestamp: int, stamp: bytes, signature: bytes
) -> None:
    arguments = (devices["sensor"].device_id, sequence, timestamp, stamp, signature)
    _check(chain, SENSOR_STAMPS, SENSOR_STAMPS.calldata("recordStamp", *arguments))


@FUZZ
@given(
    sequence=st.integers(0, 2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    count=st.integers(0, 2**32 - 1),
    signature=SIGNATURES,
)
def test_batches_of_a_registered_gateway_with_random_signatures(
    chain: DeviceChain, devices: dict[str, DeviceKey], sequence: int, root: bytes, count: int, signature: bytes
) -> None:
    arguments = (devices["gateway"].device_id, sequence, root, count, bytes(32), signature)
    _check(chain, GATEWAY_BATCHES, GATEWAY_BATCHES.calldata("recordBatch", *arguments))


@FUZZ
@given(counter=st.integers(0, 2**64 - 1), tag_signature=SIGNATURES, reader_signature=SIGNATURES, flip=st.integers())
def test_records_of_registered_devices_with_random_signatures(
    chain: DeviceChain,
    devices: dict[str, DeviceKey],
    counter: int,
    tag_signature: bytes,
    reader_signature: bytes,
    flip: int,
) -> None:
    record = signed_record(devices["tag"], devices["reader"], counter, chain.timestamp)
    encoded = bytearray(record.encode())
    if tag_signature and reader_signature:  # random signatures in place of the real ones
        body = bytes(encoded[: len(encoded) - len(record.tag_signature) - len(record.reader_signature) - 2])
        encoded = bytearray(
            body + bytes([len(tag_signature) % 256]) + tag_signature + bytes([len(reader_signature) % 256])
        )
        encoded += reader_signature
    else:  # one flipped bit anywhere in a genuine record
        encoded[flip % len(encoded)] ^= 1 << (flip % 8)
    _check(chain, RFID_RECORDS, RFID_RECORDS.calldata("recordOperation", bytes(encoded)))
