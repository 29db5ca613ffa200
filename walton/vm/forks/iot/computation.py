"""The IoT fork's computation: Prague's opcodes and precompiles plus Walton's precompile registry."""

from collections.abc import Callable, Mapping

from eth._utils.address import force_bytes_to_address
from eth.abc import ComputationAPI
from eth.vm.forks.prague.computation import PragueComputation

from walton.vm.precompiles.p256 import P256_VERIFY_ADDRESS, p256_verify

Precompile = Callable[[ComputationAPI], ComputationAPI]

# Walton's own precompiles, at addresses Ethereum's precompile range (0x01..0x11) does not use.
WALTON_PRECOMPILES: Mapping[int, Precompile] = {
    P256_VERIFY_ADDRESS: p256_verify,
}


def _precompile_map(registry: Mapping[int, Precompile]) -> dict[bytes, Precompile]:
    return {force_bytes_to_address(address.to_bytes(2, "big")): fn for address, fn in registry.items()}


class IoTComputation(PragueComputation):
    """Prague's EVM with Walton's precompiles added."""

    _precompiles = {**PragueComputation.get_precompiles(), **_precompile_map(WALTON_PRECOMPILES)}
