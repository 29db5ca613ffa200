"""Sealing authority blocks: the in-turn member signs the block the miner built, announcing any new member set."""

from collections.abc import Mapping

from eth.abc import BlockAPI, ChainAPI
from eth.db.account import AccountDB
from eth_keys.datatypes import PrivateKey
from eth_typing import Address

from walton.consensus.authority import in_turn_authority, sign_header
from walton.vm.precompiles.membership import sealing_rule


def next_sealer(chain: ChainAPI) -> tuple[Address, tuple[Address, ...] | None]:
    """Who seals the block after the head, and the member set that block must announce (None: none)."""
    head = chain.get_canonical_head()
    sealers, announce = sealing_rule(AccountDB(chain.chaindb.db, head.state_root).get_storage, head.block_number)
    return in_turn_authority(head.block_number + 1, sealers), announce


def seal_authority_block(block: BlockAPI, key: PrivateKey, announce: tuple[Address, ...] | None) -> BlockAPI:
    """``block`` (built on the head, with the sealer as coinbase) with the announcement and ``key``'s signature."""
    unsigned = block.header.copy(extra_data=b"".join(announce or ()))
    return block.copy(header=sign_header(unsigned, key))


def keys_by_address(keys: list[PrivateKey]) -> Mapping[Address, PrivateKey]:
    return {Address(key.public_key.to_canonical_address()): key for key in keys}
