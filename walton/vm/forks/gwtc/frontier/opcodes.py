"""Frontier's opcode table with Walton's gas constants (SHA3, copies, SSTORE, LOGn, CREATE, calls) and
Gwtc's SELFDESTRUCT."""

from eth import constants
from eth.vm import mnemonics, opcode_values
from eth.vm.forks.frontier.opcodes import FRONTIER_OPCODES
from eth.vm.logic import system
from eth.vm.opcode import as_opcode

from walton.vm.forks.gwtc import gas
from walton.vm.forks.gwtc.opcodes import (
    LOGS,
    GwtcCall,
    GwtcCallCode,
    OpcodeTable,
    opcode_class,
    selfdestruct,
    with_opcodes,
)

GWTC_FRONTIER_UPDATES: OpcodeTable = {
    opcode_values.SHA3: as_opcode(gas.sha3, mnemonics.SHA3, gas.SHA3_GAS),
    opcode_values.CALLDATACOPY: as_opcode(gas.calldatacopy, mnemonics.CALLDATACOPY, constants.GAS_VERYLOW),
    opcode_values.CODECOPY: as_opcode(gas.codecopy, mnemonics.CODECOPY, constants.GAS_VERYLOW),
    opcode_values.EXTCODECOPY: as_opcode(gas.extcodecopy, mnemonics.EXTCODECOPY, constants.GAS_EXTCODE),
    opcode_values.SSTORE: as_opcode(gas.sstore, mnemonics.SSTORE, constants.GAS_NULL),
    opcode_values.CREATE: opcode_class(system.Create, mnemonics.CREATE, gas.CREATE_GAS),
    opcode_values.CALL: opcode_class(GwtcCall, mnemonics.CALL, constants.GAS_CALL),
    opcode_values.CALLCODE: opcode_class(GwtcCallCode, mnemonics.CALLCODE, constants.GAS_CALL),
    opcode_values.SELFDESTRUCT: as_opcode(selfdestruct, mnemonics.SELFDESTRUCT, constants.GAS_SELFDESTRUCT),
    **{
        value: as_opcode(logic, name, gas.LOG_GAS) for (value, name), logic in zip(LOGS, gas.LOG_FUNCTIONS, strict=True)
    },
}

GWTC_FRONTIER_OPCODES: OpcodeTable = with_opcodes(FRONTIER_OPCODES, GWTC_FRONTIER_UPDATES)

__all__ = ["GWTC_FRONTIER_OPCODES", "GWTC_FRONTIER_UPDATES"]
