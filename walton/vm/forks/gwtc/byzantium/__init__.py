"""Gwtc's Byzantium rules (mainnet block 4 on): py-evm's Byzantium without its reward and bomb, Walton's rest."""

from eth.vm.forks.byzantium import ByzantiumVM

from walton.vm.forks.gwtc.byzantium.blocks import GwtcByzantiumBlock
from walton.vm.forks.gwtc.byzantium.state import GwtcByzantiumState
from walton.vm.forks.gwtc.vm import GwtcVMMixin


class GwtcByzantiumVM(GwtcVMMixin, ByzantiumVM):  # type: ignore[misc]
    fork = "gwtc-byzantium"
    block_class = GwtcByzantiumBlock
    _state_class = GwtcByzantiumState


__all__ = ["GwtcByzantiumVM"]
