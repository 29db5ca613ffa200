"""The IoT fork: Ethereum Prague at the EVM level, Walton's rules at the block level.

New Walton networks (the dev network, child chains) run it. Its EVM is exactly Prague's, so
Ethereum's Prague fixtures pass on it; Walton's precompiles sit at addresses Ethereum does not
use (docs/forks.md has the address map). Blocks are sealed with WPoC (X11 proof of work with a
stake-weighted target, ``walton.consensus.iot_seal``), difficulty follows Walton's phase-two
rule down to a per-network minimum, and the coinbase earns Walton's block reward. Withdrawals,
the beacon root and requests stay empty.
"""

from typing import Any

from eth.abc import BlockAPI, BlockHeaderAPI
from eth.constants import EMPTY_UNCLE_HASH
from eth.vm.forks.paris import ParisVM
from eth_utils import ValidationError

from walton.consensus.difficulty import MINIMUM_DIFFICULTY
from walton.consensus.labor import labor_bonus
from walton.consensus.rewards import block_reward
from walton.vm.forks.iot.computation import WALTON_PRECOMPILES, IoTComputation
from walton.vm.forks.iot.consensus import IoTSealConsensus
from walton.vm.forks.iot.headers import create_iot_header_from_parent, expected_difficulty, seal_hash
from walton.vm.forks.iot.state import IoTState
from walton.vm.forks.prague import PragueVM
from walton.vm.precompiles.labor import read_credit, write_credit


class IoTVM(PragueVM):
    fork = "iot"
    _state_class = IoTState
    consensus_class = IoTSealConsensus
    # Networks set their own floor (``IoTVM.configure(minimum_difficulty=...)``); Gwtc's is the default.
    minimum_difficulty: int = MINIMUM_DIFFICULTY

    @classmethod
    def create_header_from_parent(cls, parent_header: BlockHeaderAPI | None, **header_params: Any) -> BlockHeaderAPI:
        return create_iot_header_from_parent(parent_header, cls.minimum_difficulty, **header_params)

    @classmethod
    def validate_header(cls, header: BlockHeaderAPI, parent_header: BlockHeaderAPI) -> None:
        # Skip Paris's proof-of-stake checks (difficulty 0, nonce 0), keep every check before them.
        super(ParisVM, cls).validate_header(header, parent_header)  # type: ignore[misc]  # IoTVM is a ParisVM
        expected = expected_difficulty(parent_header, header.timestamp, cls.minimum_difficulty)
        if header.difficulty != expected:
            raise ValidationError(f"invalid difficulty: have {header.difficulty}, want {expected}")
        if header.uncles_hash != EMPTY_UNCLE_HASH:
            raise ValidationError("IoT blocks have no uncles")

    def _assign_block_rewards(self, block: BlockAPI) -> None:
        """Walton's reward schedule (with the master-node bonus) to the coinbase, plus its Proof of Labor bonus.

        A master-node coinbase spends labor credit for a bounded bonus (``walton.consensus.labor``);
        without credit nothing is read back or written beyond the plain reward.
        """
        coinbase = block.header.coinbase
        balance = self.state.get_balance(coinbase)
        reward = block_reward(block.number, balance)
        credit = read_credit(self.state, coinbase)
        labor = labor_bonus(reward, balance, credit)
        if labor.spent:
            write_credit(self.state, coinbase, credit - labor.spent)
        self.state.delta_balance(coinbase, reward + labor.bonus)


__all__ = ["WALTON_PRECOMPILES", "IoTComputation", "IoTState", "IoTVM", "seal_hash"]
