"""Byzantium table: STATICCALL, REVERT and RETURNDATA* from py-evm, Walton's costs, static-call write guards."""

from eth import constants
from eth.vm import mnemonics, opcode_values
from eth.vm.forks.byzantium.opcodes import BYZANTIUM_OPCODES
from eth.vm.forks.tangerine_whistle.constants import GAS_CALL_EIP150, GAS_SELFDESTRUCT_EIP150
from eth.vm.logic import system
from eth.vm.opcode import as_opcode

from walton.vm.forks.gwtc import gas
from walton.vm.forks.gwtc.opcodes import (
    LOGS,
    GwtcCallByzantium,
    GwtcStaticCall,
    OpcodeTable,
    ensure_no_static,
    opcode_class,
    selfdestruct_eip161,
    with_opcodes,
)
from walton.vm.forks.gwtc.spurious_dragon.opcodes import GWTC_SPURIOUS_DRAGON_UPDATES

GWTC_BYZANTIUM_UPDATES: OpcodeTable = {
    **GWTC_SPURIOUS_DRAGON_UPDATES,
    opcode_values.RETURNDATACOPY: as_opcode(gas.returndatacopy, mnemonics.RETURNDATACOPY, constants.GAS_VERYLOW),
    opcode_values.CREATE: opcode_class(system.CreateByzantium, mnemonics.CREATE, gas.CREATE_GAS),
    opcode_values.CALL: opcode_class(GwtcCallByzantium, mnemonics.CALL, GAS_CALL_EIP150),
    opcode_values.STATICCALL: opcode_class(GwtcStaticCall, mnemonics.STATICCALL, GAS_CALL_EIP150),
    opcode_values.SSTORE: as_opcode(ensure_no_static(gas.sstore), mnemonics.SSTORE, constants.GAS_NULL),
    opcode_values.SELFDESTRUCT: as_opcode(
        ensure_no_static(selfdestruct_eip161), mnemonics.SELFDESTRUCT, GAS_SELFDESTRUCT_EIP150
    ),
    **{
        value: as_opcode(ensure_no_static(logic), name, gas.LOG_GAS)
        for (value, name), logic in zip(LOGS, gas.LOG_FUNCTIONS, strict=True)
    },
}
GWTC_BYZANTIUM_OPCODES: OpcodeTable = with_opcodes(BYZANTIUM_OPCODES, GWTC_BYZANTIUM_UPDATES)

__all__ = ["GWTC_BYZANTIUM_OPCODES", "GWTC_BYZANTIUM_UPDATES"]
