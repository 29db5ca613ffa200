"""The chain process's state: one chain on one database, its transaction pool and filters.

Every block, mined here or received, enters through ``NodeBackend.import_block``: full
validation by the chain's VM and consensus, then one atomic database write, then the pool and
the filters hear about it. JSON-RPC handlers (``walton.node.rpc.methods``) read from here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from eth.abc import BlockAPI, BlockHeaderAPI, ChainAPI
from eth.constants import ZERO_ADDRESS
from eth_typing import Address

from walton import __version__
from walton.node.db import BlockWriteDB
from walton.node.filters import FilterManager
from walton.node.rawdata import RawDataStore
from walton.node.txpool import TxPool

CLIENT_VERSION = f"walton/v{__version__}/python"


@dataclass
class NetworkInfo:
    """What identifies the network a node runs: for eth_chainId, net_version and the logs."""

    name: str
    chain_id: int
    network_id: int


class PeerNetwork(Protocol):
    """What JSON-RPC reads of the peer-to-peer component (``net_peerCount``, ``admin_*``)."""

    def peer_count(self) -> int: ...

    def sync_status(self) -> dict[str, int] | None: ...

    def node_info(self) -> dict[str, Any]: ...

    def peers_info(self) -> list[dict[str, Any]]: ...

    def add_static(self, url: str) -> Any: ...


@dataclass
class NodeBackend:
    chain: ChainAPI
    db: BlockWriteDB
    network: NetworkInfo
    txpool: TxPool
    filters: FilterManager
    coinbase: Address
    mining: bool = False
    client_version: str = CLIENT_VERSION
    rawdata: RawDataStore | None = None  # the off-chain raw-data store, when the node keeps one
    network_service: PeerNetwork | None = None  # set when the node runs peer-to-peer networking
    # Called with each block that became canonical, after the pool and filters (the peer-to-peer component announces).
    block_listeners: list[Callable[[BlockAPI], None]] = field(default_factory=list)

    @classmethod
    def serving(cls, chain: ChainAPI, db: BlockWriteDB, network: NetworkInfo) -> "NodeBackend":
        """A backend with a fresh pool and filters and no miner: to serve or import a chain."""
        return cls(chain, db, network, TxPool(chain), FilterManager(chain), ZERO_ADDRESS)

    def head(self) -> BlockHeaderAPI:
        return self.chain.get_canonical_head()

    def import_block(self, block: BlockAPI) -> tuple[BlockAPI, ...]:
        """Validate and store a block in one atomic write; returns the blocks that became canonical."""
        with self.db.block_write():
            result = self.chain.import_block(block, perform_validation=True)
        for new_block in result.new_canonical_blocks:
            receipts = new_block.get_receipts(self.chain.chaindb)
            self.txpool.remove_included(new_block)
            self.filters.on_new_block(new_block, tuple(receipts))
            for listener in self.block_listeners:
                listener(new_block)
        return result.new_canonical_blocks
