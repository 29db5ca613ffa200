"""EIP-150 state."""

from eth.vm.forks.tangerine_whistle.state import TangerineWhistleState

from walton.vm.forks.gwtc.homestead.state import GwtcHomesteadTransactionExecutor
from walton.vm.forks.gwtc.state import GwtcStateMixin
from walton.vm.forks.gwtc.tangerine_whistle.computation import GwtcTangerineWhistleComputation


class GwtcTangerineWhistleState(GwtcStateMixin, TangerineWhistleState):
    computation_class = GwtcTangerineWhistleComputation
    transaction_executor_class = GwtcHomesteadTransactionExecutor


__all__ = ["GwtcTangerineWhistleState"]
