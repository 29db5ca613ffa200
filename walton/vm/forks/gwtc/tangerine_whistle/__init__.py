"""Gwtc's EIP-150 rules (mainnet block 2)."""

from eth.vm.forks.tangerine_whistle import TangerineWhistleVM

from walton.vm.forks.gwtc.homestead.blocks import GwtcHomesteadBlock
from walton.vm.forks.gwtc.tangerine_whistle.state import GwtcTangerineWhistleState
from walton.vm.forks.gwtc.vm import GwtcVMMixin


class GwtcTangerineWhistleVM(GwtcVMMixin, TangerineWhistleVM):  # type: ignore[misc]
    fork = "gwtc-tangerine-whistle"
    block_class = GwtcHomesteadBlock
    _state_class = GwtcTangerineWhistleState


__all__ = ["GwtcTangerineWhistleVM"]
