"""Walton's Prague: py-evm's Prague with its system contracts run as the final EIPs specify.

py-evm writes the parent hash into EIP-2935's history contract directly, and only when the
contract's code equals one particular bytecode; Prague as deployed on mainnet instead calls each
system contract (EIP-2935 history at block start; EIP-7002 withdrawal and EIP-7251 consolidation
requests at block end) from the system address, whatever code is deployed there. The addresses
are class attributes, so a network can configure its own. Fixtures:
``blockchain_test_from_state_test`` cases of execution-spec-tests for Prague.
"""

from typing import Any

from eth.abc import BlockAPI, ComputationAPI
from eth.constants import SYSTEM_ADDRESS, SYSTEM_MESSAGE_GAS
from eth.vm import forks as pyevm
from eth.vm.forks.prague.constants import (
    CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS,
    CONSOLIDATION_REQUEST_TYPE,
    HISTORY_STORAGE_ADDRESS,
    WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS,
    WITHDRAWAL_REQUEST_TYPE,
)
from eth_typing import Address

from walton.vm.forks.ethereum import conformant

ConformantPragueVM: Any = conformant(pyevm.PragueVM, "ConformantPragueVM")


class PragueVM(ConformantPragueVM):
    history_storage_address: Address = HISTORY_STORAGE_ADDRESS
    withdrawal_request_address: Address = WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS
    consolidation_request_address: Address = CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS

    def system_call(self, address: Address, data: bytes) -> ComputationAPI | None:
        """Call a system contract from the system address (no gas charged to anyone); None if it has no code."""
        code = self.state.get_code(address)
        if not code:
            return None
        return self.execute_bytecode(
            origin=SYSTEM_ADDRESS,
            gas_price=0,
            gas=SYSTEM_MESSAGE_GAS,
            to=address,
            sender=SYSTEM_ADDRESS,
            value=0,
            data=data,
            code=code,
            code_address=address,
        )

    def block_preprocessing(self, block: BlockAPI) -> None:
        # Cancun's pre-processing (EIP-4788 beacon roots), without py-evm's Prague history write.
        super(pyevm.PragueVM, self).block_preprocessing(block)  # type: ignore[misc]  # self is a PragueVM
        self.system_call(self.history_storage_address, block.header.parent_hash)

    def process_withdrawal_request_data(self, block: BlockAPI) -> None:
        computation = self.system_call(self.withdrawal_request_address, b"")
        if computation is not None and computation.output:
            block.block_requests.append(WITHDRAWAL_REQUEST_TYPE + computation.output)

    def process_consolidation_request_data(self, block: BlockAPI) -> None:
        computation = self.system_call(self.consolidation_request_address, b"")
        if computation is not None and computation.output:
            block.block_requests.append(CONSOLIDATION_REQUEST_TYPE + computation.output)
