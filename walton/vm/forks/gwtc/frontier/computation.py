"""Frontier computation: Gwtc's call/create semantics, Walton's opcode costs and precompile prices."""

from eth._utils.address import force_bytes_to_address
from eth.vm.forks.frontier.computation import FrontierComputation
from eth_typing import Address

from walton.vm.forks.gwtc import gas
from walton.vm.forks.gwtc.computation import GwtcComputationMixin
from walton.vm.forks.gwtc.frontier.opcodes import GWTC_FRONTIER_OPCODES

GWTC_FRONTIER_PRECOMPILES: dict[Address, gas.Precompile] = {
    force_bytes_to_address(b"\x01"): gas.ecrecover_precompile,
    force_bytes_to_address(b"\x02"): gas.sha256_precompile,
    force_bytes_to_address(b"\x03"): gas.ripemd160_precompile,
    force_bytes_to_address(b"\x04"): gas.identity_precompile,
}


class GwtcFrontierComputation(GwtcComputationMixin, FrontierComputation):
    opcodes = GWTC_FRONTIER_OPCODES
    _precompiles = GWTC_FRONTIER_PRECOMPILES  # type: ignore[assignment]


__all__ = ["GWTC_FRONTIER_PRECOMPILES", "GwtcFrontierComputation"]
