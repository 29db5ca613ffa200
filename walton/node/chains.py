"""Opening a node's chain: create it from its network's genesis on first start, reopen it after."""

from dataclasses import dataclass

from eth.abc import AtomicDatabaseAPI, ChainAPI
from eth.db.chain import ChainDB
from eth.exceptions import CanonicalHeadNotFound

from walton.node.backend import NetworkInfo
from walton.vm.networks.dev import DEV_CHAIN_ID, DevChain, build_dev_chain


@dataclass(frozen=True)
class OpenedChain:
    chain: ChainAPI
    network: NetworkInfo
    created: bool


def has_chain(db: AtomicDatabaseAPI) -> bool:
    try:
        ChainDB(db).get_canonical_head()
    except CanonicalHeadNotFound:
        return False
    return True


def open_chain(network: str, db: AtomicDatabaseAPI) -> OpenedChain:
    """The chain of ``network`` in ``db``; raises ValueError for a network this node cannot run."""
    if network == "dev":
        created = not has_chain(db)
        chain = build_dev_chain(db) if created else DevChain(db)
        return OpenedChain(chain, NetworkInfo("dev", DEV_CHAIN_ID, DEV_CHAIN_ID), created)
    raise ValueError(f"unknown network {network!r}: expected dev, mainnet or a path to a genesis.json")
