"""Byzantium computation: precompiles 0x05-0x08 (modexp at its EIP-198 price, bn256 at Walton's prices)."""

from eth._utils.address import force_bytes_to_address
from eth.vm.forks.byzantium.computation import ByzantiumComputation
from eth_typing import Address

from walton.vm.forks.gwtc import gas
from walton.vm.forks.gwtc.byzantium.opcodes import GWTC_BYZANTIUM_OPCODES
from walton.vm.forks.gwtc.computation import GwtcComputationMixin
from walton.vm.forks.gwtc.frontier.computation import GWTC_FRONTIER_PRECOMPILES

GWTC_BYZANTIUM_PRECOMPILES: dict[Address, gas.Precompile] = {
    **GWTC_FRONTIER_PRECOMPILES,
    force_bytes_to_address(b"\x05"): gas.modexp_precompile,
    force_bytes_to_address(b"\x06"): gas.ecadd_precompile,
    force_bytes_to_address(b"\x07"): gas.ecmul_precompile,
    force_bytes_to_address(b"\x08"): gas.ecpairing_precompile,
}


class GwtcByzantiumComputation(GwtcComputationMixin, ByzantiumComputation):
    homestead_create = True
    eip158 = True
    opcodes = GWTC_BYZANTIUM_OPCODES
    _precompiles = GWTC_BYZANTIUM_PRECOMPILES


__all__ = ["GWTC_BYZANTIUM_PRECOMPILES", "GwtcByzantiumComputation"]
