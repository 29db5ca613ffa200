"""EIP-150 computation."""

from eth.vm.forks.tangerine_whistle.computation import TangerineWhistleComputation

from walton.vm.forks.gwtc.computation import GwtcComputationMixin
from walton.vm.forks.gwtc.frontier.computation import GWTC_FRONTIER_PRECOMPILES
from walton.vm.forks.gwtc.tangerine_whistle.opcodes import GWTC_TANGERINE_WHISTLE_OPCODES


class GwtcTangerineWhistleComputation(GwtcComputationMixin, TangerineWhistleComputation):
    homestead_create = True
    opcodes = GWTC_TANGERINE_WHISTLE_OPCODES
    _precompiles = GWTC_FRONTIER_PRECOMPILES  # type: ignore[assignment]


__all__ = ["GwtcTangerineWhistleComputation"]
