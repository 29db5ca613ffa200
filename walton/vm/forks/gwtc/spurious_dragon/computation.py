"""EIP-158 computation: new contracts get nonce 1, code size at most ``MAX_CODE_SIZE`` (196608),
zero-value CALLs to missing accounts do nothing."""

from eth.vm.forks.spurious_dragon.computation import SpuriousDragonComputation

from walton.vm.forks.gwtc.computation import GwtcComputationMixin
from walton.vm.forks.gwtc.frontier.computation import GWTC_FRONTIER_PRECOMPILES
from walton.vm.forks.gwtc.spurious_dragon.opcodes import GWTC_SPURIOUS_DRAGON_OPCODES


class GwtcSpuriousDragonComputation(GwtcComputationMixin, SpuriousDragonComputation):
    homestead_create = True
    eip158 = True
    opcodes = GWTC_SPURIOUS_DRAGON_OPCODES
    _precompiles = GWTC_FRONTIER_PRECOMPILES  # type: ignore[assignment]


__all__ = ["GwtcSpuriousDragonComputation"]
