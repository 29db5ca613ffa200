"""EIP-158 state: touched accounts that are empty (coin age included) are deleted after each transaction."""

from eth.vm.forks.spurious_dragon.state import SpuriousDragonState, SpuriousDragonTransactionExecutor

from walton.vm.forks.gwtc.spurious_dragon.computation import GwtcSpuriousDragonComputation
from walton.vm.forks.gwtc.state import GwtcStateMixin, GwtcTransactionExecutorMixin


class GwtcSpuriousDragonTransactionExecutor(GwtcTransactionExecutorMixin, SpuriousDragonTransactionExecutor):
    eip158 = True


class GwtcSpuriousDragonState(GwtcStateMixin, SpuriousDragonState):
    computation_class = GwtcSpuriousDragonComputation
    transaction_executor_class = GwtcSpuriousDragonTransactionExecutor


__all__ = ["GwtcSpuriousDragonState", "GwtcSpuriousDragonTransactionExecutor"]
