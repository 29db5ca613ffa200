"""Gwtc's EIP-155/EIP-158 rules (mainnet block 3)."""

from eth.vm.forks.spurious_dragon import SpuriousDragonVM

from walton.vm.forks.gwtc.spurious_dragon.blocks import GwtcSpuriousDragonBlock
from walton.vm.forks.gwtc.spurious_dragon.state import GwtcSpuriousDragonState
from walton.vm.forks.gwtc.vm import GwtcVMMixin


class GwtcSpuriousDragonVM(GwtcVMMixin, SpuriousDragonVM):  # type: ignore[misc]
    fork = "gwtc-spurious-dragon"
    block_class = GwtcSpuriousDragonBlock
    _state_class = GwtcSpuriousDragonState


__all__ = ["GwtcSpuriousDragonVM"]
