"""Byzantium state."""

from eth.vm.forks.byzantium.state import ByzantiumState

from walton.vm.forks.gwtc.byzantium.computation import GwtcByzantiumComputation
from walton.vm.forks.gwtc.spurious_dragon.state import GwtcSpuriousDragonTransactionExecutor
from walton.vm.forks.gwtc.state import GwtcStateMixin


class GwtcByzantiumState(GwtcStateMixin, ByzantiumState):
    computation_class = GwtcByzantiumComputation
    transaction_executor_class = GwtcSpuriousDragonTransactionExecutor


__all__ = ["GwtcByzantiumState"]
