"""Gwtc's Homestead rules (mainnet block 1). The DAO fork does not exist in Gwtc."""

from eth.vm.forks.homestead import HomesteadVM

from walton.vm.forks.gwtc.homestead.blocks import GwtcHomesteadBlock
from walton.vm.forks.gwtc.homestead.state import GwtcHomesteadState
from walton.vm.forks.gwtc.vm import GwtcVMMixin


class GwtcHomesteadVM(GwtcVMMixin, HomesteadVM):  # type: ignore[misc]
    fork = "gwtc-homestead"
    block_class = GwtcHomesteadBlock
    _state_class = GwtcHomesteadState
    support_dao_fork = False


__all__ = ["GwtcHomesteadVM"]
