"""The shared Gwtc chains (dev-prev1, dev-phases, dev-postv3) for tests: networks, blocks and imports.

Everything is read from the shared fixtures folder through ``tests.shared``; tests skip where it is
absent. Imports are cached per process, since several tests look at the same imported chain.
"""

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth.abc import BlockAPI
from eth.db.atomic import AtomicDB

from tests.shared import load_shared_json, shared_fixture
from walton.consensus.forks import WaltonForkHeights
from walton.fixtures_path import shared_fixtures_dir
from walton.vm.forks.gwtc.chain import GwtcChain
from walton.vm.forks.gwtc.chainfile import decode_block, split_rlp_stream
from walton.vm.networks import Network, load_network

CHAIN_NAMES = ("dev-prev1", "dev-phases", "dev-postv3")


def chain_params() -> list[Any]:
    """pytest params over the shared chains; skipped placeholders when the fixtures are absent."""
    params = []
    for name in CHAIN_NAMES:
        folder = shared_fixtures_dir() / "waltonchain" / "chains" / name
        if folder.exists():
            params.append(pytest.param(name, id=name))
        else:
            params.append(pytest.param(name, id=name, marks=pytest.mark.skip(reason=f"shared chain {folder} absent")))
    return params


def quantity(value: str) -> int:
    return int(value, 16)


def hex_bytes(value: str) -> bytes:
    return bytes.fromhex(value.removeprefix("0x"))


def heights_of(summary: dict[str, Any]) -> WaltonForkHeights:
    heights = summary["forkHeights"]
    return WaltonForkHeights(
        heights["HardForkV1"], heights["HardForkV2"], heights["HardForkV3"], heights["HardForkV2diff"]
    )


@dataclass(frozen=True)
class ChainFixture:
    name: str
    folder: Path
    summary: dict[str, Any]
    blocks: list[dict[str, Any]]
    network: Network
    raw_blocks: tuple[bytes, ...]

    @property
    def genesis_path(self) -> Path:
        return self.folder / "genesis.json"

    @property
    def chain_path(self) -> Path:
        return self.folder / "chain.rlp"

    @property
    def heights(self) -> WaltonForkHeights:
        return self.network.heights

    def height_options(self) -> list[str]:
        heights = self.heights
        return [
            "--hardfork-v1",
            str(heights.v1),
            "--hardfork-v2",
            str(heights.v2),
            "--hardfork-v3",
            str(heights.v3),
            "--hardfork-v2-difficulty",
            str(heights.v2_difficulty),
        ]

    def block(self, number: int) -> BlockAPI:
        return decode_block(self.raw_blocks[number], self.network.chain_class)

    def fresh_chain(self, up_to: int = 0) -> GwtcChain:
        """A new in-memory chain holding the genesis and blocks 1..``up_to``."""
        chain = self.network.open_chain(AtomicDB())
        for number in range(1, up_to + 1):
            chain.import_block(self.block(number))
        return chain


@functools.cache
def _load(name: str) -> ChainFixture:
    folder = shared_fixture("waltonchain", "chains", name)
    summary = load_shared_json("waltonchain", "chains", name, "summary.json")
    blocks = load_shared_json("waltonchain", "chains", name, "blocks.json")["blocks"]
    network = load_network(folder / "genesis.json", heights=heights_of(summary))
    raw = tuple(split_rlp_stream((folder / "chain.rlp").read_bytes()))
    return ChainFixture(name, folder, summary, blocks, network, raw)


def chain_fixture(name: str) -> ChainFixture:
    return _load(name)


@functools.cache
def _imported(name: str) -> GwtcChain:
    fixture = _load(name)
    return fixture.fresh_chain(len(fixture.raw_blocks) - 1)


def imported_chain(name: str) -> GwtcChain:
    """The whole shared chain imported with full validation (cached per process; do not modify)."""
    return _imported(name)
