"""EIP-150 table: py-evm's repriced IO opcodes, with Walton's constants for CREATE, calls and copies."""

from eth.vm import mnemonics, opcode_values
from eth.vm.forks.tangerine_whistle.constants import GAS_CALL_EIP150, GAS_EXTCODE_EIP150, GAS_SELFDESTRUCT_EIP150
from eth.vm.forks.tangerine_whistle.opcodes import TANGERINE_WHISTLE_OPCODES
from eth.vm.logic import system
from eth.vm.opcode import as_opcode

from walton.vm.forks.gwtc import gas
from walton.vm.forks.gwtc.homestead.opcodes import GWTC_HOMESTEAD_UPDATES
from walton.vm.forks.gwtc.opcodes import (
    GwtcCallCodeEIP150,
    GwtcCallEIP150,
    OpcodeTable,
    opcode_class,
    selfdestruct_eip150,
    with_opcodes,
)

GWTC_TANGERINE_WHISTLE_UPDATES: OpcodeTable = {
    **GWTC_HOMESTEAD_UPDATES,
    opcode_values.EXTCODECOPY: as_opcode(gas.extcodecopy, mnemonics.EXTCODECOPY, GAS_EXTCODE_EIP150),
    opcode_values.CREATE: opcode_class(system.CreateEIP150, mnemonics.CREATE, gas.CREATE_GAS),
    opcode_values.CALL: opcode_class(GwtcCallEIP150, mnemonics.CALL, GAS_CALL_EIP150),
    opcode_values.CALLCODE: opcode_class(GwtcCallCodeEIP150, mnemonics.CALLCODE, GAS_CALL_EIP150),
    opcode_values.SELFDESTRUCT: as_opcode(selfdestruct_eip150, mnemonics.SELFDESTRUCT, GAS_SELFDESTRUCT_EIP150),
}
GWTC_TANGERINE_WHISTLE_OPCODES: OpcodeTable = with_opcodes(TANGERINE_WHISTLE_OPCODES, GWTC_TANGERINE_WHISTLE_UPDATES)

__all__ = ["GWTC_TANGERINE_WHISTLE_OPCODES", "GWTC_TANGERINE_WHISTLE_UPDATES"]
