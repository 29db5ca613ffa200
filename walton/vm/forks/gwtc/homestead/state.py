"""Homestead state (signature low-s rule from py-evm) with Gwtc's state transition."""

from eth.vm.forks.homestead.state import HomesteadState, HomesteadTransactionExecutor

from walton.vm.forks.gwtc.homestead.computation import GwtcHomesteadComputation
from walton.vm.forks.gwtc.state import GwtcStateMixin, GwtcTransactionExecutorMixin


class GwtcHomesteadTransactionExecutor(GwtcTransactionExecutorMixin, HomesteadTransactionExecutor):
    pass


class GwtcHomesteadState(GwtcStateMixin, HomesteadState):
    computation_class = GwtcHomesteadComputation
    transaction_executor_class = GwtcHomesteadTransactionExecutor


__all__ = ["GwtcHomesteadState", "GwtcHomesteadTransactionExecutor"]
