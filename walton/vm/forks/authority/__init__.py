"""The authority fork: the IoT fork with blocks sealed in turn by a fixed, vote-changed set of members.

Permissioned child chains (the white paper's Fabric-like template) run it. Everything in the EVM
is the IoT fork's (Prague plus Walton's precompiles), with the membership-vote precompile added
at 0x120. What differs is at the block level:

- the seal is the in-turn member's signature in extra_data (``walton.consensus.authority``), the
  member set read from the parent's state (the membership precompile's storage); the header after
  a membership change must announce the new set, and no other header may announce one;
- difficulty 1, zero nonce and mixHash;
- only members may send transactions: the state refuses others, so a block carrying one is invalid;
- the coinbase earns the network's configured block reward (none by default).
"""

from typing import Any, cast

from eth.abc import BlockAPI, BlockHeaderAPI, ConsensusAPI, ConsensusContextAPI, SignedTransactionAPI
from eth.consensus.context import ConsensusContext
from eth.constants import EMPTY_UNCLE_HASH
from eth.db.account import AccountDB
from eth.db.chain import ChainDB
from eth.vm.forks.paris import ParisVM
from eth_typing import Address
from eth_utils import ValidationError

from walton.consensus.authority import (
    AUTHORITY_DIFFICULTY,
    AUTHORITY_SIGNATURE_LENGTH,
    ZERO_MIX_HASH,
    ZERO_NONCE,
    header_authorities,
    verify_authority_header,
)
from walton.vm.forks.iot import IoTComputation, IoTState, IoTVM
from walton.vm.forks.iot.headers import create_iot_header_from_parent
from walton.vm.precompiles.membership import MAX_MEMBERS, MEMBERSHIP, is_member, sealing_rule


class AuthorityComputation(IoTComputation):
    """The IoT computation plus the membership vote."""

    _precompiles = {**IoTComputation._precompiles, MEMBERSHIP.address: MEMBERSHIP}


class AuthorityState(IoTState):
    computation_class = AuthorityComputation

    def sender_refusal(self, sender: Address) -> str | None:
        """Why ``sender`` may not submit transactions here, or None if it may."""
        if is_member(self.get_storage, sender):
            return None
        return f"sender 0x{bytes(sender).hex()} is not a member of this permissioned chain: only members may transact"

    def validate_transaction(self, transaction: SignedTransactionAPI) -> None:
        super().validate_transaction(transaction)
        refusal = self.sender_refusal(Address(transaction.sender))
        if refusal is not None:
            raise ValidationError(refusal)


class AuthorityConsensus(ConsensusAPI):
    """The in-turn member's signature, with the member set and any required announcement from the parent's state."""

    def __init__(self, context: ConsensusContextAPI) -> None:
        self._db = cast(ConsensusContext, context).db

    def validate_seal(self, header: BlockHeaderAPI) -> None:
        parent = ChainDB(self._db).get_block_header_by_hash(header.parent_hash)
        sealers, must_announce = sealing_rule(AccountDB(self._db, parent.state_root).get_storage, parent.block_number)
        verify_authority_header(header, parent, sealers)
        announced = header_authorities(header)
        if announced != must_announce:
            if must_announce is None:
                raise ValidationError(f"block {header.block_number}: announces a member set with no change voted")
            raise ValidationError(
                f"block {header.block_number}: must announce the member set voted in block {parent.block_number}"
            )

    def validate_seal_extension(self, header: BlockHeaderAPI, parents: Any) -> None:
        """Nothing beyond validate_seal: the member set comes from state, not from older headers."""

    @classmethod
    def get_fee_recipient(cls, header: BlockHeaderAPI) -> Address:
        return header.coinbase


class AuthorityVM(IoTVM):
    fork = "authority"
    _state_class = AuthorityState
    consensus_class = AuthorityConsensus  # type: ignore[assignment]  # IoTVM types it as its WPoC engine
    extra_data_max_bytes = 20 * MAX_MEMBERS + AUTHORITY_SIGNATURE_LENGTH
    # Wei paid to each block's coinbase; networks configure it (``AuthorityVM.configure(block_reward=...)``).
    block_reward: int = 0

    @classmethod
    def create_header_from_parent(cls, parent_header: BlockHeaderAPI | None, **header_params: Any) -> BlockHeaderAPI:
        header_params.setdefault("difficulty", AUTHORITY_DIFFICULTY)
        header_params.setdefault("nonce", ZERO_NONCE)
        header_params.setdefault("mix_hash", ZERO_MIX_HASH)
        return create_iot_header_from_parent(parent_header, AUTHORITY_DIFFICULTY, **header_params)

    @classmethod
    def validate_header(cls, header: BlockHeaderAPI, parent_header: BlockHeaderAPI) -> None:
        # Paris's checks without its proof-of-stake ones; the seal rules are the consensus class's.
        super(ParisVM, cls).validate_header(header, parent_header)  # type: ignore[misc]  # AuthorityVM is a ParisVM
        if header.uncles_hash != EMPTY_UNCLE_HASH:
            raise ValidationError("authority blocks have no uncles")

    def _assign_block_rewards(self, block: BlockAPI) -> None:
        if self.block_reward:
            self.state.delta_balance(block.header.coinbase, self.block_reward)


__all__ = ["AuthorityComputation", "AuthorityConsensus", "AuthorityState", "AuthorityVM"]
