"""Homestead's table (adds DELEGATECALL, whose cost uses no changed constant) with Frontier's Walton changes."""

from eth.vm.forks.homestead.opcodes import HOMESTEAD_OPCODES

from walton.vm.forks.gwtc.frontier.opcodes import GWTC_FRONTIER_UPDATES
from walton.vm.forks.gwtc.opcodes import OpcodeTable, with_opcodes

GWTC_HOMESTEAD_UPDATES: OpcodeTable = dict(GWTC_FRONTIER_UPDATES)
GWTC_HOMESTEAD_OPCODES: OpcodeTable = with_opcodes(HOMESTEAD_OPCODES, GWTC_HOMESTEAD_UPDATES)

__all__ = ["GWTC_HOMESTEAD_OPCODES", "GWTC_HOMESTEAD_UPDATES"]
