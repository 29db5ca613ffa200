"""EIP-158 table: CALL's new-account surcharge and SELFDESTRUCT's only for dead accounts (Gwtc emptiness)."""

from eth.vm import mnemonics, opcode_values
from eth.vm.forks.spurious_dragon.opcodes import SPURIOUS_DRAGON_OPCODES
from eth.vm.forks.tangerine_whistle.constants import GAS_CALL_EIP150, GAS_SELFDESTRUCT_EIP150
from eth.vm.opcode import as_opcode

from walton.vm.forks.gwtc.opcodes import GwtcCallEIP161, OpcodeTable, opcode_class, selfdestruct_eip161, with_opcodes
from walton.vm.forks.gwtc.tangerine_whistle.opcodes import GWTC_TANGERINE_WHISTLE_UPDATES

GWTC_SPURIOUS_DRAGON_UPDATES: OpcodeTable = {
    **GWTC_TANGERINE_WHISTLE_UPDATES,
    opcode_values.CALL: opcode_class(GwtcCallEIP161, mnemonics.CALL, GAS_CALL_EIP150),
    opcode_values.SELFDESTRUCT: as_opcode(selfdestruct_eip161, mnemonics.SELFDESTRUCT, GAS_SELFDESTRUCT_EIP150),
}
GWTC_SPURIOUS_DRAGON_OPCODES: OpcodeTable = with_opcodes(SPURIOUS_DRAGON_OPCODES, GWTC_SPURIOUS_DRAGON_UPDATES)

__all__ = ["GWTC_SPURIOUS_DRAGON_OPCODES", "GWTC_SPURIOUS_DRAGON_UPDATES"]
