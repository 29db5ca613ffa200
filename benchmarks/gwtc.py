"""Legacy Gwtc rules: X11 hashes per second, seals verified per second, blocks imported per second.

Workloads (all from the shared fixtures, so the numbers are comparable between runs):

* X11: ``x11(seal_input(seal_hash, nonce), order)`` over the seal inputs and orders of every block of
  the three shared chains (pure-Python sphlib ports), as many passes as ``--rounds``;
* seals: ``GwtcWPoCConsensus.validate_seal`` on every header of the three chains (order derivation,
  one X11, target with stake factors; from V2 a coinbase-balance read from the parent state);
* import: each chain file decoded and imported into a fresh in-memory chain with full validation
  (header, seal, body, execution, state and receipt roots), and, as the baseline measured in the
  same run, the same import without the header/seal/state checks (execution only): the ratio shows
  what validation costs on top of execution. No stock py-evm figure exists for Gwtc blocks.

Prints the median (min, max) over rounds.
"""

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

from eth.consensus.context import ConsensusContext
from eth.db.atomic import AtomicDB

from walton.consensus.forks import WaltonForkHeights
from walton.consensus.order import block_order
from walton.consensus.seal import seal_input
from walton.consensus.x11 import x11
from walton.fixtures_path import FIXTURES_ENV, shared_fixtures_dir
from walton.vm.forks.gwtc.chainfile import decode_block, split_rlp_stream
from walton.vm.forks.gwtc.consensus import GwtcWPoCConsensus
from walton.vm.networks import Network, load_network

CHAINS = ("dev-prev1", "dev-phases", "dev-postv3")


def load_chains() -> list[tuple[str, Network, list[bytes]]]:
    loaded = []
    for name in CHAINS:
        folder = shared_fixtures_dir() / "waltonchain" / "chains" / name
        if not folder.exists():
            sys.exit(f"shared chain {folder} not found: set {FIXTURES_ENV}")
        heights = json.loads((folder / "summary.json").read_text())["forkHeights"]
        network = load_network(
            folder / "genesis.json",
            heights=WaltonForkHeights(
                heights["HardForkV1"], heights["HardForkV2"], heights["HardForkV3"], heights["HardForkV2diff"]
            ),
        )
        loaded.append((name, network, list(split_rlp_stream((folder / "chain.rlp").read_bytes()))))
    return loaded


def timed(rounds: int, work: Callable[[], int]) -> list[float]:
    """Items per second for each round of ``work`` (which returns the number of items it did)."""
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        count = work()
        rates.append(count / (time.perf_counter() - started))
    return rates


def summary(label: str, rates: list[float], unit: str) -> str:
    return f"{label:38s} {statistics.median(rates):9.1f} {unit}/s  (min {min(rates):.1f}, max {max(rates):.1f})"


def import_all(chains: list[tuple[str, Network, list[bytes]]], validate: bool) -> int:
    count = 0
    for _, network, raw_blocks in chains:
        chain = network.open_chain(AtomicDB())
        for raw in raw_blocks[1:]:
            chain.import_block(decode_block(raw, network.chain_class), perform_validation=validate)
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    chains = load_chains()

    seal_work: list[tuple[bytes, str]] = []
    headers = []
    for _, network, raw_blocks in chains:
        chain = network.open_chain(AtomicDB())
        consensus = GwtcWPoCConsensus.configured(network.heights)(ConsensusContext(chain.chaindb.db))
        for raw in raw_blocks[1:]:
            block = decode_block(raw, network.chain_class)
            header = block.header
            order = block_order(header.block_number, header.mining_hash, network.heights)
            seal_work.append((seal_input(header.mining_hash, int.from_bytes(header.nonce, "big")), order))
            chain.import_block(block)
            headers.append((consensus, header))
    transactions = sum(
        len(decode_block(raw, net.chain_class).transactions) for _, net, blocks in chains for raw in blocks
    )
    print(
        f"workload: {len(headers)} blocks, {transactions} transactions from {', '.join(CHAINS)}; "
        f"{args.rounds} rounds; Python {sys.version.split()[0]}"
    )

    def hash_all() -> int:
        for data, order in seal_work:
            x11(data, order)
        return len(seal_work)

    def verify_all() -> int:
        for consensus, header in headers:
            consensus.validate_seal(header)
        return len(headers)

    x11_rates = timed(args.rounds, hash_all)
    seal_rates = timed(args.rounds, verify_all)
    full_rates = timed(args.rounds, lambda: import_all(chains, validate=True))
    execution_rates = timed(args.rounds, lambda: import_all(chains, validate=False))
    print(summary("X11 hashes (11 sph-512 each)", x11_rates, "hash"))
    print(summary("seals verified (WPoC validate_seal)", seal_rates, "header"))
    print(summary("blocks imported, full validation", full_rates, "block"))
    print(summary("blocks imported, execution only", execution_rates, "block"))
    ratios = [full / bare for full, bare in zip(full_rates, execution_rates, strict=True)]
    print(f"ratio full/execution-only import: median {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
