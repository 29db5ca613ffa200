"""Opening a node's chain: create it from its network's genesis on first start, reopen it after."""

from dataclasses import dataclass

from eth.abc import AtomicDatabaseAPI, ChainAPI
from eth.db.chain import ChainDB
from eth.exceptions import CanonicalHeadNotFound

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
