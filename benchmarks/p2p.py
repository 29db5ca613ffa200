"""Full sync over loopback: blocks per second a fresh `walton node` syncs from another, against `walton import`.

A dev chain of N blocks, each with T transfers, is mined in process into a data directory and
exported to an RLP file. Then, in the same run:

- baseline: ``walton import --network dev`` of that file into an empty data directory (in process:
  the same validation and one atomic RocksDB write per block, no networking);
- sync: node A serves the data directory (``--nomine``), node B starts empty with A as its static
  peer and syncs (RLPx, eth/63 headers and bodies, the same import path). The rate is taken from
  B's log, from "Syncing with peer" to "Sync ... done" (B is asked to peer with ``admin_addPeer``
  once both nodes are up); the wall time from that call to B's last block is printed too.

The machine is shared, so each is measured ``--rounds`` times and the best counts.

Run: ``python -m benchmarks.p2p [--blocks 40] [--txs 8] [--rounds 3]``.
"""

import argparse
import contextlib
import io
import re
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path

from eth_account import Account
from eth_typing import BlockNumber
from eth_utils import to_canonical_address

from tests.node.nodeproc import NodeProcess, rpc
from walton.cli import main as walton_main
from walton.db.rocks import RocksDB
from walton.node.config import chaindata_path
from walton.node.db import BlockWriteDB
from walton.vm.forks.iot.mining import FixedCandidates, apply_seal, build_block, coinbase_balance_at_head, find_seal
from walton.vm.networks.dev import DEV_CHAIN_ID, build_dev_chain, dev_accounts
from walton.vm.validation import decode_transaction

LOG_TIME = re.compile(r"\[\d\d-\d\d\|(\d\d:\d\d:\d\d\.\d+)\]")


def mine_source(datadir: Path, blocks: int, transfers: int) -> None:
    """``blocks`` sealed dev blocks, each with ``transfers`` value transfers from distinct dev accounts."""
    store = RocksDB(chaindata_path(datadir))
    try:
        db = BlockWriteDB(store)
        chain = build_dev_chain(db)
        coinbase = to_canonical_address(dev_accounts()[0].address)
        senders = dev_accounts()[1 : 1 + transfers]
        for number in range(blocks):
            vm_class = chain.get_vm_class_for_block_number(BlockNumber(number + 1))
            transactions = []
            for index, sender in enumerate(senders):
                fields = {
                    "nonce": number,
                    "gas": 21000,
                    "to": "0x" + f"{index + 1:040x}",
                    "value": 1 + number,
                    "chainId": DEV_CHAIN_ID,
                    "maxFeePerGas": 10**10,
                    "maxPriorityFeePerGas": 10**9,
                }
                raw = bytes(Account.sign_transaction(fields, sender.private_key).raw_transaction)
                transactions.append(decode_transaction(vm_class, raw))
            timestamp = chain.get_canonical_head().timestamp + 1
            built = build_block(chain, FixedCandidates(transactions), coinbase, timestamp)
            assert len(built.block.transactions) == transfers, built.rejected
            seal = find_seal(built.block, coinbase_balance_at_head(chain, coinbase), 0, 1_000_000)
            assert seal is not None
            with db.block_write():
                chain.import_block(apply_seal(built.block, seal))
    finally:
        store.close()


def log_seconds(line: str) -> float:
    match = LOG_TIME.search(line)
    assert match is not None, line
    moment = datetime.strptime(match[1], "%H:%M:%S.%f")
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def sync_rates(source: Path, targets: list[Path], blocks: int) -> list[tuple[float, float]]:
    """Per fresh node in ``targets``: blocks/s of its sync from A (from its log), and the wall time from
    admin_addPeer to its last block."""
    a = NodeProcess(source, "--nomine")
    results = []
    try:
        a.wait_ready()
        enode = rpc(a.url, "admin_nodeInfo")["result"]["enode"]
        for target in targets:
            b = NodeProcess(target, "--nomine")
            try:
                b.wait_ready()  # both nodes fully up (their start-up would compete with the sync for the CPU)
                started = time.perf_counter()
                assert rpc(b.url, "admin_addPeer", [enode])["result"] is True
                while int(rpc(b.url, "eth_blockNumber")["result"], 16) < blocks:
                    time.sleep(0.05)
                wall = time.perf_counter() - started
                deadline = time.monotonic() + 30
                while "done: imported=" not in b.output() and time.monotonic() < deadline:
                    time.sleep(0.05)
                lines = b.output().splitlines()
                begin = log_seconds(next(line for line in lines if "Syncing with peer" in line))
                end = log_seconds(next(line for line in lines if "done: imported=" in line))
                results.append((blocks / (end - begin), wall))
            finally:
                b.stop()
    finally:
        a.stop()
    return results


def import_rate(chain_file: Path, target: Path, blocks: int) -> float:
    """``walton import`` into a data directory initialised beforehand (as the synced node's is at start)."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert walton_main(["init", "--dev", "--datadir", str(target)]) == 0
        started = time.perf_counter()
        status = walton_main(["import", "--network", "dev", "--datadir", str(target), str(chain_file)])
        elapsed = time.perf_counter() - started
    assert status == 0
    return blocks / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=40)
    parser.add_argument("--txs", type=int, default=8, help="transfers per block (at most 19)")
    parser.add_argument("--rounds", type=int, default=3, help="syncs and imports measured; the best of each counts")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="walton-bench-p2p-"))
    try:
        mine_source(work / "source", args.blocks, args.txs)
        chain_file = work / "chain.rlp"
        with contextlib.redirect_stdout(io.StringIO()):
            export = ["export", "--network", "dev", "--datadir", str(work / "source"), str(chain_file)]
            assert walton_main(export) == 0
        imports = [import_rate(chain_file, work / f"imported-{n}", args.blocks) for n in range(args.rounds)]
        syncs = sync_rates(work / "source", [work / f"synced-{n}" for n in range(args.rounds)], args.blocks)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    synced, wall = max(syncs)
    baseline = max(imports)
    print(
        f"full sync:   {synced:8.2f} blocks/s over loopback ({args.blocks} blocks x {args.txs} transfers; "
        f"{wall:.1f}s wall from admin_addPeer to the last block; all rounds: "
        f"{', '.join(f'{rate:.1f}' for rate, _ in syncs)})"
    )
    print(
        f"walton import: {baseline:6.2f} blocks/s of the same blocks from a file "
        f"(all rounds: {', '.join(f'{rate:.1f}' for rate in imports)})"
    )
    print(f"ratio sync/import: {synced / baseline:.3f} (best against best)")


if __name__ == "__main__":
    main()
