"""Network definitions: a genesis, a fork schedule, WPoC fork heights and ids, as one ``Network``.

``load_network(name_or_genesis_path, heights=...)`` accepts a built-in network name (``mainnet``)
or the path of a Gwtc genesis file, exactly as given to ``gwtc init``; ``load_any_network`` also
accepts a child-chain TOML config (``walton.vm.networks.child``). The fork schedule comes from
the file's chain config (Frontier from 0, then Homestead, EIP-150, EIP-155/158, Byzantium at their
blocks); the WPoC fork heights (HardForkV1/V2/V3 and the V2 difficulty) are not part of the chain
config in Gwtc and default to mainnet's.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from eth.abc import AtomicDatabaseAPI, VirtualMachineAPI
from eth.exceptions import CanonicalHeadNotFound
from eth_typing import BlockNumber, Hash32

from walton.consensus.forks import MAINNET_FORK_HEIGHTS, WaltonForkHeights
from walton.vm.forks.gwtc import (
    GwtcByzantiumVM,
    GwtcFrontierVM,
    GwtcHomesteadVM,
    GwtcSpuriousDragonVM,
    GwtcTangerineWhistleVM,
)
from walton.vm.forks.gwtc.chain import GwtcChain
from walton.vm.forks.gwtc.headers import GwtcBlockHeader
from walton.vm.networks.child import ChildNetwork, is_child_config, load_child_network
from walton.vm.networks.genesis import ChainConfig, GenesisError, GwtcGenesis, load_genesis, parse_genesis
from walton.vm.networks.mainnet import MAINNET_GENESIS, MAINNET_GENESIS_HASH, MAINNET_NETWORK_ID

VMSchedule = tuple[tuple[BlockNumber, type[VirtualMachineAPI]], ...]


class GenesisMismatch(ValueError):
    """The database (or a chain file) starts with another genesis block than the network's."""


def vm_schedule(
    config: ChainConfig, heights: WaltonForkHeights = MAINNET_FORK_HEIGHTS, lenient_balance: bool = False
) -> VMSchedule:
    """The ``vm_configuration`` of a chain config: legacy Gwtc forks at the config's blocks.

    py-evm's Spurious Dragon carries EIP-155 and EIP-158 together, so the two blocks must be equal
    (they are in every Gwtc config).
    """
    if config.eip155_block != config.eip158_block:
        raise GenesisError(
            f"eip155Block ({config.eip155_block}) and eip158Block ({config.eip158_block}) differ: "
            "walton runs EIP-155 and EIP-158 as one fork"
        )
    steps: list[tuple[int | None, Any]] = [
        (0, GwtcFrontierVM),
        (config.homestead_block, GwtcHomesteadVM),
        (config.eip150_block, GwtcTangerineWhistleVM),
        (config.eip158_block, GwtcSpuriousDragonVM),
        (config.byzantium_block, GwtcByzantiumVM),
    ]
    schedule: list[tuple[BlockNumber, type[VirtualMachineAPI]]] = []
    last = -1
    for block, vm_class in steps:
        if block is None:
            continue
        if block < last:
            raise GenesisError(f"fork blocks out of order: {vm_class.__name__} at {block} before {last}")
        configured = vm_class.with_heights(heights, lenient_balance=lenient_balance)
        if schedule and schedule[-1][0] == block:
            schedule[-1] = (BlockNumber(block), configured)
        else:
            schedule.append((BlockNumber(block), configured))
        last = block
    return tuple(schedule)


@dataclass(frozen=True)
class Network:
    """One network: its genesis, chain class (fork schedule + seal rules) and ids."""

    name: str
    genesis: GwtcGenesis
    heights: WaltonForkHeights
    network_id: int
    chain_class: type[GwtcChain]
    expected_genesis_hash: Hash32 | None = None
    _genesis_header: list[GwtcBlockHeader] = field(default_factory=list, repr=False, compare=False)

    @property
    def chain_id(self) -> int:
        return self.genesis.config.chain_id

    def genesis_header(self) -> GwtcBlockHeader:
        if not self._genesis_header:
            self._genesis_header.append(self.genesis.header())
        return self._genesis_header[0]

    @property
    def genesis_hash(self) -> Hash32:
        return self.genesis_header().hash

    def open_chain(self, db: AtomicDatabaseAPI) -> GwtcChain:
        """The chain on ``db``: initialised with this genesis when empty, else checked against it."""
        chaindb = self.chain_class.get_chaindb_class()(db)
        try:
            chaindb.get_canonical_head()
        except CanonicalHeadNotFound:
            state_root = self.genesis.apply_state(db)
            header = self.genesis.header(state_root)
            return cast(GwtcChain, self.chain_class.from_genesis_header(db, header))
        stored = chaindb.get_canonical_block_hash(BlockNumber(0))
        if stored != self.genesis_hash:
            raise GenesisMismatch(
                f"database genesis 0x{stored.hex()} is not the genesis of {self.name} (0x{self.genesis_hash.hex()})"
            )
        return self.chain_class(db)


def build_network(
    name: str,
    genesis: GwtcGenesis,
    heights: WaltonForkHeights = MAINNET_FORK_HEIGHTS,
    network_id: int | None = None,
    expected_genesis_hash: Hash32 | None = None,
    lenient_balance: bool = False,
) -> Network:
    schedule = vm_schedule(genesis.config, heights, lenient_balance)
    chain_class = GwtcChain.configure(
        __name__=f"GwtcChain[{name}]",
        vm_configuration=schedule,
        chain_id=genesis.config.chain_id,
        network_id=genesis.config.chain_id if network_id is None else network_id,
    )
    network = Network(
        name=name,
        genesis=genesis,
        heights=heights,
        network_id=chain_class.network_id,
        chain_class=chain_class,
        expected_genesis_hash=expected_genesis_hash,
    )
    if expected_genesis_hash is not None and network.genesis_hash != expected_genesis_hash:
        raise GenesisMismatch(
            f"{name}: genesis hash 0x{network.genesis_hash.hex()} is not 0x{expected_genesis_hash.hex()}"
        )
    return network


BUILTIN_NETWORKS: dict[str, tuple[dict[str, object], int, Hash32]] = {
    "mainnet": (MAINNET_GENESIS, MAINNET_NETWORK_ID, MAINNET_GENESIS_HASH),
}


def load_network(
    name_or_genesis_path: str | Path,
    heights: WaltonForkHeights | None = None,
    network_id: int | None = None,
    lenient_balance: bool = False,
) -> Network:
    """A built-in network by name, or the network of a Gwtc genesis file.

    ``heights`` defaults to mainnet's WPoC fork heights (Gwtc applies them to every network);
    ``network_id`` to the built-in network's or, for a genesis file, to its chain id.
    """
    heights = heights or MAINNET_FORK_HEIGHTS
    key = str(name_or_genesis_path)
    if key in BUILTIN_NETWORKS:
        raw, default_network_id, expected = BUILTIN_NETWORKS[key]
        return build_network(
            key,
            parse_genesis(raw),
            heights,
            default_network_id if network_id is None else network_id,
            expected_genesis_hash=expected,
            lenient_balance=lenient_balance,
        )
    if is_child_config(key):
        raise GenesisError(f"{key} is a child-chain config, not a Gwtc genesis: open it with load_any_network")
    path = Path(name_or_genesis_path)
    if not path.exists():
        known = ", ".join(sorted(BUILTIN_NETWORKS))
        raise FileNotFoundError(f"{key}: neither a built-in network ({known}) nor a genesis file")
    return build_network(path.stem, load_genesis(path), heights, network_id, lenient_balance=lenient_balance)


def load_any_network(
    name_or_path: str | Path, heights: WaltonForkHeights | None = None, network_id: int | None = None
) -> Network | ChildNetwork:
    """``load_network``, or a child chain's network when given a child-chain ``.toml`` config."""
    if is_child_config(name_or_path):
        return load_child_network(name_or_path)
    return load_network(name_or_path, heights, network_id)


def network_names() -> Sequence[str]:
    return sorted(BUILTIN_NETWORKS)


__all__ = [
    "BUILTIN_NETWORKS",
    "ChildNetwork",
    "GenesisMismatch",
    "Network",
    "build_network",
    "load_any_network",
    "load_network",
    "network_names",
    "vm_schedule",
]
