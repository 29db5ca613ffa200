"""The IoT fork's computation: walton's Prague computation plus Walton's precompile registry."""

from collections.abc import Callable, Mapping
from typing import Any

from eth._utils.address import force_bytes_to_address
from eth.abc import ComputationAPI
from eth_typing import Address

from walton.vm.forks.prague import PragueVM
from walton.vm.precompiles.anchors import ANCHOR_ADDRESS, ANCHORS
from walton.vm.precompiles.crosschain_proofs import PROOF_ADDRESS, PROOFS
from walton.vm.precompiles.devices import DEVICE_PRECOMPILES
from walton.vm.precompiles.labor import LABOR, LABOR_ADDRESS
from walton.vm.precompiles.p256 import P256_VERIFY_ADDRESS, p256_verify
from walton.vm.precompiles.swaps import SWAP_ADDRESS, SWAPS

Precompile = Callable[[ComputationAPI], Any]
PragueComputation = PragueVM.get_state_class().computation_class

# Walton's own precompiles, at addresses Ethereum's precompile range (0x01..0x11) does not use.
WALTON_PRECOMPILES: Mapping[int, Precompile] = {
    P256_VERIFY_ADDRESS: p256_verify,
    **{int.from_bytes(precompile.address, "big"): precompile for precompile in DEVICE_PRECOMPILES},
    ANCHOR_ADDRESS: ANCHORS,
    PROOF_ADDRESS: PROOFS,
    SWAP_ADDRESS: SWAPS,
    LABOR_ADDRESS: LABOR,
}


def _precompile_map(registry: Mapping[int, Precompile]) -> dict[Address, Precompile]:
    return {force_bytes_to_address(address.to_bytes(2, "big")): fn for address, fn in registry.items()}


class IoTComputation(PragueComputation):  # type: ignore[misc, valid-type]
    """Prague's EVM with Walton's precompiles added."""

    _precompiles: dict[Address, Precompile] = {
        **PragueComputation.get_precompiles(),
        **_precompile_map(WALTON_PRECOMPILES),
    }
