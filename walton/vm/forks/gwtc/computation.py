"""Message execution shared by the legacy Gwtc forks: go-ethereum 1.7.1's ``EVM.Call`` and
``EVM.Create`` with Gwtc's balance operations, and Walton's memory gas.

``GwtcComputationMixin`` goes in front of a py-evm fork computation class. Per fork it reads two
switches: ``homestead_create`` (a failed code deposit is an error that reverts the creation, as in
Homestead) and ``eip158`` (new contracts start with nonce 1, code size is limited to
``MAX_CODE_SIZE``, and a zero-value ``CALL`` to a missing non-precompile account does nothing).
"""

from typing import TYPE_CHECKING, Any, ClassVar

from eth.abc import ComputationAPI, MessageAPI, StateAPI, TransactionContextAPI
from eth.constants import STACK_DEPTH_LIMIT
from eth.exceptions import OutOfGas, StackDepthLimit
from eth.typing import BytesOrView
from eth.validation import validate_uint256
from eth_typing import Address

from walton.vm.forks.gwtc.gas import CREATE_DATA_GAS, MAX_CODE_SIZE, memory_gas_cost
from walton.vm.forks.gwtc.messages import GwtcMessage, runs_transfer

if TYPE_CHECKING:
    from walton.vm.forks.gwtc.state import GwtcStateMixin

    ComputationBase = ComputationAPI
else:
    ComputationBase = object


def _gwtc(state: StateAPI) -> "GwtcStateMixin":
    return state  # type: ignore[return-value]


class GwtcComputationMixin(ComputationBase):
    homestead_create: ClassVar[bool] = False
    eip158: ClassVar[bool] = False

    @classmethod
    def apply_message(
        cls,
        state: StateAPI,
        message: MessageAPI,
        transaction_context: TransactionContextAPI,
        parent_computation: ComputationAPI | None = None,
    ) -> ComputationAPI:
        """``EVM.Call`` (and the callee side of ``CALLCODE``/``DELEGATECALL``/``STATICCALL``)."""
        if message.depth > STACK_DEPTH_LIMIT:
            raise StackDepthLimit("Stack depth limit reached")
        gwtc = _gwtc(state)
        if runs_transfer(message):
            to = message.storage_address
            if not state.account_exists(to):
                if cls.eip158 and message.value == 0 and to not in cls.get_precompiles():
                    # EIP-158: nothing to create and nothing to move; Gwtc returns before Transfer.
                    return cls(state, message, transaction_context)
                snapshot = state.snapshot()
                gwtc.create_account(to)
            else:
                snapshot = state.snapshot()
            gwtc.transfer(message.sender, to, message.value)
        else:
            snapshot = state.snapshot()
        computation = cls.apply_computation(
            state,
            message,
            transaction_context,
            parent_computation=parent_computation,  # type: ignore[call-arg]
        )
        if computation.is_error:
            state.revert(snapshot)
        else:
            state.commit(snapshot)
        return computation

    @classmethod
    def apply_create_message(
        cls,
        state: StateAPI,
        message: MessageAPI,
        transaction_context: TransactionContextAPI,
        parent_computation: ComputationAPI | None = None,
    ) -> ComputationAPI:
        """``EVM.Create`` from the snapshot on: ``CreateAccount`` (keeps balance and coin age,
        fuBlockTime 0), nonce 1 from EIP-158, ``Transfer`` (any value), init code, code deposit."""
        gwtc = _gwtc(state)
        address = message.storage_address
        snapshot = state.snapshot()
        gwtc.create_account(address)
        if cls.eip158:
            state.set_nonce(address, 1)
        gwtc.transfer(message.sender, address, message.value)
        computation = cls.apply_computation(
            state,
            message,
            transaction_context,
            parent_computation=parent_computation,  # type: ignore[call-arg]
        )
        if computation.is_error:
            state.revert(snapshot)
            return computation
        code = computation.output
        if cls.eip158 and len(code) > MAX_CODE_SIZE:
            computation.error = OutOfGas(f"max code size exceeded: {len(code)} > {MAX_CODE_SIZE}")
            state.revert(snapshot)
            return computation
        if code:
            try:
                computation.consume_gas(len(code) * CREATE_DATA_GAS, reason="Write contract code for CREATE")
            except OutOfGas as error:
                if cls.homestead_create:
                    computation.error = error
                    state.revert(snapshot)
                    return computation
                # Frontier: ErrCodeStoreOutOfGas keeps the account, without code and without error.
                computation.output = b""
                state.commit(snapshot)
                return computation
            state.set_code(address, code)
        state.commit(snapshot)
        return computation

    def prepare_child_message(
        self,
        gas: int,
        to: Address,
        value: int,
        data: BytesOrView,
        code: bytes,
        **kwargs: Any,
    ) -> MessageAPI:
        """py-evm's child message, marked with whether Gwtc runs ``Transfer`` for it.

        py-evm's ``CALL`` and ``CREATE`` give no ``sender`` (it defaults to the caller), its
        ``CALLCODE`` and ``DELEGATECALL`` give one, and only ``CALL``/``CALLCODE`` move value.
        """
        gwtc_transfer = bool(kwargs.get("should_transfer_value", True)) and "sender" not in kwargs
        kwargs.setdefault("sender", self.msg.storage_address)
        return GwtcMessage(
            gas=gas,
            to=to,
            value=value,
            data=data,
            code=code,
            depth=self.msg.depth + 1,
            gwtc_transfer=gwtc_transfer,
            **kwargs,
        )

    def extend_memory(self, start_position: int, size: int) -> None:
        """Memory expansion at ``MemoryGas`` = 1 per word plus words² / 512."""
        validate_uint256(start_position, title="Memory start position")
        validate_uint256(size, title="Memory size")
        if not size:
            return
        memory = self._memory
        before_cost = memory_gas_cost(len(memory))
        after_size = start_position + size
        after_cost = memory_gas_cost(after_size)
        if before_cost < after_cost:
            self._gas_meter.consume_gas(
                after_cost - before_cost, reason=f"Expanding memory {len(memory)} -> {after_size}"
            )
        memory.extend(start_position, size)


__all__ = ["GwtcComputationMixin"]
