"""Walton's versions of the opcodes whose cost or balance handling differs from Ethereum's.

Each fork's table (``<fork>/opcodes.py``) is py-evm's table for the same fork with the entries
built here put on top. The call classes subclass py-evm's and change only the constants
(``CallValueTransferGas``, ``CallNewAccountGas``, ``CallStipend``); ``SELFDESTRUCT`` credits the
beneficiary with ``AddBalance`` (coin-age accrual) and clears the account with Gwtc's ``Suicide``
(balance and coin age 0).
"""

import copy
import functools
from collections.abc import Callable
from typing import Any

from eth import constants
from eth._utils.address import force_bytes_to_address
from eth.abc import ComputationAPI, OpcodeAPI
from eth.exceptions import Halt, WriteProtection
from eth.vm import mnemonics, opcode_values
from eth.vm.logic import call
from eth.vm.logic.call import CallParams, compute_eip150_msg_gas
from eth_typing import Address

from walton.vm.forks.gwtc import gas

OpcodeTable = dict[int, OpcodeAPI]


# -- calls -----------------------------------------------------------------------------------------
def _pre_eip150_msg_gas(extra_gas: int, gas_param: int, value: int) -> tuple[int, int]:
    """(child gas, total charged): the requested gas plus ``CallStipend`` when value moves."""
    return gas_param + (gas.CALL_STIPEND if value else 0), gas_param + extra_gas


class GwtcCall(call.Call):
    def compute_msg_extra_gas(self, computation: ComputationAPI, gas_param: int, to: Address, value: int) -> int:
        transfer_fee = gas.CALL_VALUE_TRANSFER_GAS if value else 0
        new_account_fee = 0 if computation.state.account_exists(to) else gas.CALL_NEW_ACCOUNT_GAS
        return transfer_fee + new_account_fee

    def compute_msg_gas(self, computation: ComputationAPI, gas_param: int, to: Address, value: int) -> tuple[int, int]:
        return _pre_eip150_msg_gas(self.compute_msg_extra_gas(computation, gas_param, to, value), gas_param, value)


class GwtcCallCode(call.CallCode):
    def compute_msg_extra_gas(self, computation: ComputationAPI, gas_param: int, to: Address, value: int) -> int:
        return gas.CALL_VALUE_TRANSFER_GAS if value else 0

    def compute_msg_gas(self, computation: ComputationAPI, gas_param: int, to: Address, value: int) -> tuple[int, int]:
        return _pre_eip150_msg_gas(self.compute_msg_extra_gas(computation, gas_param, to, value), gas_param, value)


def _eip150_msg_gas(
    opcode: call.BaseCall, computation: ComputationAPI, gas_param: int, to: Address, value: int
) -> tuple[int, int]:
    return compute_eip150_msg_gas(
        computation=computation,
        gas=gas_param,
        extra_gas=opcode.compute_msg_extra_gas(computation, gas_param, to, value),
        value=value,
        mnemonic=opcode.mnemonic,
        callstipend=gas.CALL_STIPEND,
    )


class GwtcCallEIP150(call.CallEIP150):
    compute_msg_extra_gas = GwtcCall.compute_msg_extra_gas  # type: ignore[assignment]

    def compute_msg_gas(self, computation: ComputationAPI, gas_param: int, to: Address, value: int) -> tuple[int, int]:
        return _eip150_msg_gas(self, computation, gas_param, to, value)


class GwtcCallCodeEIP150(call.CallCodeEIP150):
    compute_msg_extra_gas = GwtcCallCode.compute_msg_extra_gas  # type: ignore[assignment]

    def compute_msg_gas(self, computation: ComputationAPI, gas_param: int, to: Address, value: int) -> tuple[int, int]:
        return _eip150_msg_gas(self, computation, gas_param, to, value)


class GwtcCallEIP161(GwtcCallEIP150):
    def compute_msg_extra_gas(self, computation: ComputationAPI, gas_param: int, to: Address, value: int) -> int:
        state = computation.state
        dead = not state.account_exists(to) or state.account_is_empty(to)  # Gwtc emptiness: coin age too
        transfer_fee = gas.CALL_VALUE_TRANSFER_GAS if value else 0
        new_account_fee = gas.CALL_NEW_ACCOUNT_GAS if dead and value else 0
        return transfer_fee + new_account_fee


class GwtcCallByzantium(GwtcCallEIP161):
    def get_call_params(self, computation: ComputationAPI) -> CallParams:
        params = super().get_call_params(computation)
        if computation.msg.is_static and params[1] != 0:
            raise WriteProtection("Cannot modify state while inside of a STATICCALL context")
        return params


class GwtcStaticCall(GwtcCallEIP161):
    get_call_params = call.StaticCall.get_call_params


# -- self-destruct -----------------------------------------------------------------------------------
def _selfdestruct(computation: ComputationAPI, beneficiary: Address) -> None:
    state: Any = computation.state
    own_address = computation.msg.storage_address
    state.delta_balance(beneficiary, state.get_balance(own_address))  # AddBalance: accrues
    state.suicide(own_address)  # balance and coin age 0, no accrual
    computation.register_account_for_deletion(beneficiary)
    raise Halt("SELFDESTRUCT")


def selfdestruct(computation: ComputationAPI) -> None:
    _selfdestruct(computation, force_bytes_to_address(computation.stack_pop1_bytes()))


def selfdestruct_eip150(computation: ComputationAPI) -> None:
    beneficiary = force_bytes_to_address(computation.stack_pop1_bytes())
    if not computation.state.account_exists(beneficiary):
        computation.consume_gas(constants.GAS_SELFDESTRUCT_NEWACCOUNT, reason=mnemonics.SELFDESTRUCT)
    _selfdestruct(computation, beneficiary)


def selfdestruct_eip161(computation: ComputationAPI) -> None:
    beneficiary = force_bytes_to_address(computation.stack_pop1_bytes())
    state = computation.state
    dead = not state.account_exists(beneficiary) or state.account_is_empty(beneficiary)
    if dead and state.get_balance(computation.msg.storage_address):
        computation.consume_gas(constants.GAS_SELFDESTRUCT_NEWACCOUNT, reason=mnemonics.SELFDESTRUCT)
    _selfdestruct(computation, beneficiary)


def ensure_no_static(opcode_fn: Callable[[ComputationAPI], None]) -> Callable[[ComputationAPI], None]:
    @functools.wraps(opcode_fn)
    def inner(computation: ComputationAPI) -> None:
        if computation.msg.is_static:
            raise WriteProtection("Cannot modify state while inside of a STATICCALL context")
        opcode_fn(computation)

    return inner


LOGS = (
    (opcode_values.LOG0, mnemonics.LOG0),
    (opcode_values.LOG1, mnemonics.LOG1),
    (opcode_values.LOG2, mnemonics.LOG2),
    (opcode_values.LOG3, mnemonics.LOG3),
    (opcode_values.LOG4, mnemonics.LOG4),
)


def opcode_class(cls: type, name: str, gas_cost: int) -> OpcodeAPI:
    """An instance of a py-evm ``Opcode`` class configured with a mnemonic and constant gas."""
    configured: Any = cls.configure(__name__=f"opcode:{name}", mnemonic=name, gas_cost=gas_cost)  # type: ignore[attr-defined]
    instance: OpcodeAPI = configured()
    return instance


def with_opcodes(base: OpcodeTable, updates: OpcodeTable) -> OpcodeTable:
    """A copy of py-evm's ``base`` table with Walton's ``updates`` on top."""
    return {**copy.deepcopy(base), **updates}


__all__ = [
    "LOGS",
    "GwtcCall",
    "GwtcCallByzantium",
    "GwtcCallCode",
    "GwtcCallCodeEIP150",
    "GwtcCallEIP150",
    "GwtcCallEIP161",
    "GwtcStaticCall",
    "OpcodeTable",
    "ensure_no_static",
    "opcode_class",
    "selfdestruct",
    "selfdestruct_eip150",
    "selfdestruct_eip161",
    "with_opcodes",
]
