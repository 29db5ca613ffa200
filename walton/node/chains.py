"""Opening a node's chain: create it from its network's genesis on first start, reopen it after."""

from collections.abc import Iterator
from dataclasses import dataclass

from eth.abc import AtomicDatabaseAPI, BlockAPI, ChainAPI, ChainDatabaseAPI
from eth.db.chain import ChainDB
from eth.exceptions import CanonicalHeadNotFound
from eth_typing import BlockNumber

from walton.consensus.forks import MAINNET_FORK_HEIGHTS, WaltonForkHeights
from walton.node.backend import NetworkInfo
from walton.vm.networks import load_network
from walton.vm.networks.child import is_child_config, load_child_network
from walton.vm.networks.dev import DEV_CHAIN_ID, DevChain, build_dev_chain


@dataclass(frozen=True)
class OpenedChain:
    chain: ChainAPI
    network: NetworkInfo
    created: bool
    # The miner seals IoT-fork blocks; Gwtc networks (difficulty >= 131072) are too hard for pure Python.
    can_mine: bool
    # Permissioned child chains are sealed by member signatures (``walton node --authority-key``), not WPoC.
    authority: bool = False


def has_chain(db: AtomicDatabaseAPI) -> bool:
    try:
        ChainDB(db).get_canonical_head()
    except CanonicalHeadNotFound:
        return False
    return True


def canonical_blocks(chaindb: ChainDatabaseAPI, chain_class: type[ChainAPI], first: int = 1) -> Iterator[BlockAPI]:
    """Every canonical block from ``first`` to the head, as stored, each with the block class of its fork."""
    head = chaindb.get_canonical_head().block_number
    for number in range(first, head + 1):
        header = chaindb.get_canonical_block_header_by_number(BlockNumber(number))
        block_class = chain_class.get_vm_class_for_block_number(header.block_number).get_block_class()
        transactions = chaindb.get_block_transactions(header, block_class.get_transaction_builder())
        yield block_class(header, transactions, chaindb.get_block_uncles(header.uncles_hash))


def open_chain(network: str, db: AtomicDatabaseAPI, heights: WaltonForkHeights = MAINNET_FORK_HEIGHTS) -> OpenedChain:
    """The chain of ``network`` (``dev``, a built-in Gwtc network such as ``mainnet``, a Gwtc genesis.json
    path with Gwtc's fork ``heights``, or a child-chain .toml config) in ``db``: created from genesis when the
    database is empty."""
    created = not has_chain(db)
    if network == "dev":
        chain = build_dev_chain(db) if created else DevChain(db)
        return OpenedChain(chain, NetworkInfo("dev", DEV_CHAIN_ID, DEV_CHAIN_ID), created, can_mine=True)
    if is_child_config(network):
        child = load_child_network(network)
        info = NetworkInfo(child.name, child.chain_id, child.network_id)
        return OpenedChain(child.open_chain(db), info, created, can_mine=True, authority=child.is_authority)
    gwtc_network = load_network(network, heights)
    info = NetworkInfo(gwtc_network.name, gwtc_network.chain_id, gwtc_network.network_id)
    return OpenedChain(gwtc_network.open_chain(db), info, created, can_mine=False)
