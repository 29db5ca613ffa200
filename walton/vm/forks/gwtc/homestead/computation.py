"""Homestead computation: a code deposit that runs out of gas fails the creation and reverts it."""

from eth.vm.forks.homestead.computation import HomesteadComputation

from walton.vm.forks.gwtc.computation import GwtcComputationMixin
from walton.vm.forks.gwtc.frontier.computation import GWTC_FRONTIER_PRECOMPILES
from walton.vm.forks.gwtc.homestead.opcodes import GWTC_HOMESTEAD_OPCODES


class GwtcHomesteadComputation(GwtcComputationMixin, HomesteadComputation):
    homestead_create = True
    opcodes = GWTC_HOMESTEAD_OPCODES
    _precompiles = GWTC_FRONTIER_PRECOMPILES  # type: ignore[assignment]


__all__ = ["GwtcHomesteadComputation"]
