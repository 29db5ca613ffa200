"""Block-level rules shared by the legacy Gwtc forks (``GwtcVMMixin``, put in front of a py-evm VM).

* header: Gwtc's 17-field header, difficulty from ``calc_difficulty`` (no bomb, no uncle term),
  the phase-dependent gas-limit bound, extra data at most 32 bytes (spec §2, §5, §7.1);
* seal: ``GwtcWPoCConsensus`` (X11, stake factors, V2 lock; spec §3-§4);
* rewards: ``block_reward(N, coinbase balance after the block's transactions)`` credited with
  ``AddBalance`` (coin-age accrual), then the coinbase's coin age is set to 0; no uncle or nephew
  rewards (spec §6);
* import re-executes the block with the header fields Gwtc takes from the block (including
  ``coin_age`` and ``tx_number``, which are part of the block hash);
* the DAO fork does not exist.

Fork heights are a class attribute (``fork_heights``), set per network with ``VM.configure``.
"""

from typing import Any, ClassVar, cast

import rlp
from eth.abc import (
    BlockAndMetaWitness,
    BlockAPI,
    BlockHeaderAPI,
    ConsensusAPI,
    SignedTransactionAPI,
    VirtualMachineAPI,
)
from eth.constants import MAX_UNCLES
from eth.db.trie import make_trie_root_and_nodes
from eth_hash.auto import keccak
from eth_utils import ValidationError

from walton.consensus.forks import MAINNET_FORK_HEIGHTS, WaltonForkHeights
from walton.consensus.rewards import block_reward
from walton.vm.forks.gwtc.consensus import GwtcWPoCConsensus
from walton.vm.forks.gwtc.headers import (
    MAX_EXTRA_DATA_BYTES,
    GwtcBlockHeader,
    create_header_from_parent,
    header_difficulty,
    verify_header_against_parent,
)


class GwtcVMMixin:
    """Walton's block rules; combine as ``class GwtcXVM(GwtcVMMixin, py-evm XVM)``."""

    fork_heights: ClassVar[WaltonForkHeights] = MAINNET_FORK_HEIGHTS
    consensus_class: type[ConsensusAPI] = GwtcWPoCConsensus.configured(MAINNET_FORK_HEIGHTS)
    extra_data_max_bytes: ClassVar[int] = MAX_EXTRA_DATA_BYTES
    support_dao_fork = False

    @classmethod
    def with_heights(cls, heights: WaltonForkHeights, lenient_balance: bool = False) -> type[VirtualMachineAPI]:
        """This fork with a network's fork heights, for the header rules and the seal check alike."""
        configured: type[VirtualMachineAPI] = cls.configure(  # type: ignore[attr-defined]
            __name__=cls.__name__,
            fork_heights=heights,
            consensus_class=GwtcWPoCConsensus.configured(heights, lenient_balance=lenient_balance),
        )
        return configured

    # -- headers ----------------------------------------------------------------------------------
    @classmethod
    def create_header_from_parent(cls, parent_header: BlockHeaderAPI | None, **header_params: Any) -> GwtcBlockHeader:
        return create_header_from_parent(parent_header, cls.fork_heights, **header_params)

    @classmethod
    def create_genesis_header(cls, **genesis_params: Any) -> GwtcBlockHeader:
        return create_header_from_parent(None, cls.fork_heights, **genesis_params)

    @classmethod
    def compute_difficulty(cls, parent_header: BlockHeaderAPI, timestamp: int) -> int:
        return header_difficulty(parent_header, timestamp, cls.fork_heights)

    def configure_header(self: Any, **header_params: Any) -> BlockHeaderAPI:
        header = self.get_header()
        if "timestamp" in header_params and header.block_number > 0 and "difficulty" not in header_params:
            parent = self.chaindb.get_block_header_by_hash(header.parent_hash)
            header_params["difficulty"] = header_difficulty(parent, header_params["timestamp"], self.fork_heights)
        configured: BlockHeaderAPI = header.copy(**header_params)
        return configured

    @classmethod
    def validate_header(cls, header: BlockHeaderAPI, parent_header: BlockHeaderAPI) -> None:
        """Gwtc's ``verifyHeader`` (without the seal, which the consensus class checks)."""
        if parent_header is None:
            raise ValidationError("Must have access to parent header to validate current header")
        verify_header_against_parent(header, parent_header, cls.fork_heights)

    @classmethod
    def validate_gas(cls, header: BlockHeaderAPI, parent_header: BlockHeaderAPI) -> None:
        verify_header_against_parent(header, parent_header, cls.fork_heights)

    @classmethod
    def validate_uncle(cls, block: BlockAPI, uncle: BlockHeaderAPI, uncle_parent: BlockHeaderAPI) -> None:
        verify_header_against_parent(uncle, uncle_parent, cls.fork_heights, uncle=True)

    def validate_transaction_against_header(
        self, base_header: BlockHeaderAPI, transaction: SignedTransactionAPI
    ) -> None:
        if base_header.gas_used + transaction.gas > base_header.gas_limit:
            raise ValidationError(
                f"gas limit reached: transaction gas {transaction.gas}, block gas used {base_header.gas_used}, "
                f"limit {base_header.gas_limit}"
            )

    def apply_transaction(self: Any, header: BlockHeaderAPI, transaction: SignedTransactionAPI) -> Any:
        """py-evm's ``apply_transaction`` with the transaction named in a rejection."""
        try:
            return super().apply_transaction(header, transaction)  # type: ignore[misc]
        except ValidationError as exc:
            raise exc.__class__(f"transaction {transaction.hash.hex()}: {exc}") from exc

    # -- rewards ----------------------------------------------------------------------------------
    @staticmethod
    def get_block_reward() -> int:
        return 0  # Walton's reward depends on the height and balance: see _assign_block_rewards

    @staticmethod
    def get_uncle_reward(block_number: int, uncle: BlockHeaderAPI) -> int:
        return 0

    @classmethod
    def get_nephew_reward(cls) -> int:
        return 0

    def _assign_block_rewards(self: Any, block: BlockAPI) -> None:
        """``AccumulateRewards``: reward by height and coinbase balance, ``AddBalance``, coin age 0."""
        state = self.state
        coinbase = block.header.coinbase
        reward = block_reward(block.number, state.get_balance(coinbase))
        state.delta_balance(coinbase, reward)
        state.set_coin_age(coinbase, 0)

    # -- import -----------------------------------------------------------------------------------
    def import_block(self: Any, block: BlockAPI) -> BlockAndMetaWitness:
        """Execute ``block`` on its parent's state, taking from it every header field Gwtc takes."""
        if self.get_block().number != block.number:
            raise ValidationError(
                f"This VM can only import blocks at number #{self.get_block().number}, "
                f"the attempted block was #{block.number}"
            )
        proposed = cast(GwtcBlockHeader, block.header)
        header = self.get_header().copy(
            coinbase=proposed.coinbase,
            difficulty=proposed.difficulty,
            gas_limit=proposed.gas_limit,
            timestamp=proposed.timestamp,
            extra_data=proposed.extra_data,
            mix_hash=proposed.mix_hash,
            nonce=proposed.nonce,
            coin_age=proposed.coin_age,
            tx_number=proposed.tx_number,
            uncles_hash=keccak(rlp.encode(block.uncles)),
            gas_used=0,
        )
        self._block = self.get_block().copy(header=header, uncles=block.uncles)
        execution_context = self.create_execution_context(header, self.previous_hashes, self.chain_context)
        self._state = self.get_state_class()(self.chaindb.db, execution_context, header.state_root)
        new_header, receipts, _ = self.apply_all_transactions(block.transactions, header)
        filled = self.set_block_transactions_and_withdrawals(self.get_block(), new_header, block.transactions, receipts)
        result: BlockAndMetaWitness = self.mine_block(filled)
        return result

    def validate_block(self: Any, block: BlockAPI) -> None:
        """Structure checks of a locally built block; the chain class checks the rest in Gwtc's order."""
        if not isinstance(block, self.get_block_class()):
            raise ValidationError(f"This vm ({self!r}) is not equipped to validate a block of type {block!r}")
        if len(block.header.extra_data) > self.extra_data_max_bytes:
            raise ValidationError(f"extra-data too long: {len(block.header.extra_data)} > {self.extra_data_max_bytes}")
        if len(block.uncles) > MAX_UNCLES:
            raise ValidationError("too many uncles")
        tx_root, _ = make_trie_root_and_nodes(block.transactions)
        if tx_root != block.header.transaction_root:
            raise ValidationError(
                f"transaction root hash mismatch: have {tx_root.hex()}, want {block.header.transaction_root.hex()}"
            )


__all__ = ["GwtcVMMixin"]
