"""Gwtc's Frontier rules (mainnet block 0): py-evm's Frontier with Walton's header, account, gas and rewards."""

from eth.vm.forks.frontier import FrontierVM

from walton.vm.forks.gwtc.frontier.blocks import GwtcFrontierBlock
from walton.vm.forks.gwtc.frontier.state import GwtcFrontierState
from walton.vm.forks.gwtc.vm import GwtcVMMixin


class GwtcFrontierVM(GwtcVMMixin, FrontierVM):  # type: ignore[misc]
    fork = "gwtc-frontier"
    block_class = GwtcFrontierBlock
    _state_class = GwtcFrontierState


__all__ = ["GwtcFrontierVM"]
