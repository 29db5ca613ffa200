"""The object layer's precompiles in one place: addresses and ABIs for the IoT fork and for clients.

| address | precompile | module |
|---|---|---|
| 0x101 | device registry: register, rotate key, revoke | ``device_registry`` |
| 0x102 | RFID operation records: both signatures, per-tag counter, time window | ``rfid_records`` |
| 0x103 | sensor stamps: device signature, per-device sequence | ``sensor_stamps`` |
| 0x104 | gateway batches: signed Merkle roots, inclusion proofs | ``gateway_batches`` |

Off-chain actors load ``precompile.abi()`` into a web3.py contract at ``precompile.address``.
"""

from walton.vm.precompiles.device_registry import DEVICE_REGISTRY, key_binding_digest
from walton.vm.precompiles.gateway_batches import GATEWAY_BATCHES
from walton.vm.precompiles.rfid_records import RFID_RECORDS
from walton.vm.precompiles.sensor_stamps import SENSOR_STAMPS
from walton.vm.precompiles.stateful import StatefulPrecompile

DEVICE_PRECOMPILES: tuple[StatefulPrecompile, ...] = (DEVICE_REGISTRY, RFID_RECORDS, SENSOR_STAMPS, GATEWAY_BATCHES)

__all__ = [
    "DEVICE_PRECOMPILES",
    "DEVICE_REGISTRY",
    "GATEWAY_BATCHES",
    "RFID_RECORDS",
    "SENSOR_STAMPS",
    "key_binding_digest",
]
