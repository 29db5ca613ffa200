"""Frontier state: coin age on balance operations, Gwtc's state transition."""

from eth.vm.forks.frontier.state import FrontierState, FrontierTransactionExecutor

from walton.vm.forks.gwtc.frontier.computation import GwtcFrontierComputation
from walton.vm.forks.gwtc.state import GwtcStateMixin, GwtcTransactionExecutorMixin


class GwtcFrontierTransactionExecutor(GwtcTransactionExecutorMixin, FrontierTransactionExecutor):
    pass


class GwtcFrontierState(GwtcStateMixin, FrontierState):
    computation_class = GwtcFrontierComputation
    transaction_executor_class = GwtcFrontierTransactionExecutor


__all__ = ["GwtcFrontierState", "GwtcFrontierTransactionExecutor"]
