"""What a node runs with: the options of ``walton node`` resolved into one value passed to every process."""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from walton.consensus.forks import MAINNET_FORK_HEIGHTS, WaltonForkHeights

DEFAULT_HTTP_ADDR = "127.0.0.1"
DEFAULT_HTTP_PORT = 8545
DEFAULT_WS_ADDR = "127.0.0.1"
DEFAULT_WS_PORT = 8546
# Requests larger than this are refused before parsing (geth's default body limit is 5 MiB).
DEFAULT_MAX_REQUEST_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_BATCH = 1000
DEFAULT_P2P_PORT = 10101
DEFAULT_MAX_PEERS = 25


def default_data_root() -> Path:
    """The user's data folder for walton (XDG on Linux, Application Support on macOS, APPDATA on Windows)."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "walton"
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", Path.home())) / "walton"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "walton"


def chaindata_path(datadir: Path) -> Path:
    """Where a data directory keeps its RocksDB (shared by ``walton node``, ``init``, ``import``, ``export``)."""
    return datadir / "chaindata"


@dataclass(frozen=True)
class NodeConfig:
    network: str  # "dev", "mainnet", a path to a Gwtc genesis.json or to a child-chain .toml
    datadir: Path
    http_addr: str = DEFAULT_HTTP_ADDR
    http_port: int = DEFAULT_HTTP_PORT
    mine: bool = False
    etherbase: str | None = None
    # Seconds between blocks when nothing is pending (0: mine only when transactions arrive).
    block_period: float = 5.0
    verbosity: str = "info"
    log_json: bool = False
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    max_batch: int = DEFAULT_MAX_BATCH
    # Gwtc's HardForkV1/V2/V3 heights and V2 difficulty, for Gwtc networks (genesis files of test chains).
    fork_heights: WaltonForkHeights = MAINNET_FORK_HEIGHTS
    ws: bool = False  # JSON-RPC over WebSocket too, with eth_subscribe
    ws_addr: str = DEFAULT_WS_ADDR
    ws_port: int = DEFAULT_WS_PORT
    # Member keys (one hex key a line) that seal a permissioned child chain's blocks in their turns.
    authority_key: Path | None = None
    # Peer-to-peer networking: TCP/UDP port (0 picks a free one), discovery v4 seeds, peers always dialled.
    p2p_port: int = DEFAULT_P2P_PORT
    max_peers: int = DEFAULT_MAX_PEERS
    discovery: bool = True
    bootnodes: tuple[str, ...] = ()
    static_nodes: tuple[str, ...] = ()
    nodekey: Path | None = None  # file with the node's hex private key (default: DATADIR/nodekey, made once)
    external_ip: str | None = None  # the address in our enode URL (--nat extip:IP; default 127.0.0.1)

    @property
    def chaindata(self) -> Path:
        return chaindata_path(self.datadir)

    @property
    def nodekey_path(self) -> Path:
        return self.nodekey if self.nodekey is not None else self.datadir / "nodekey"

    @property
    def ipc_dir(self) -> Path:
        return self.datadir / "ipc"
