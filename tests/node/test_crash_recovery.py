"""SIGKILL a mining node and an importing node at random moments; the database is always consistent.

The default run kills a few times; ``WALTON_LONG=1`` (``make test-long``) kills at least 50 times.
After the last restart every canonical block is re-imported, with full validation, into a fresh
in-memory chain, which must arrive at the same head hash and state root.
"""

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from eth.db.atomic import AtomicDB
from eth.db.chain import ChainDB
from eth_account import Account
from eth_typing import BlockNumber
from trie import HexaryTrie

from tests.node.nodeproc import NodeProcess, rpc
from tests.shared import shared_fixture
from walton.db.rocks import RocksDB
from walton.node.chains import canonical_blocks
from walton.vm.networks.dev import DEV_CHAIN_ID, DevChain, build_dev_chain, dev_accounts

LONG_RUN = os.environ.get("WALTON_LONG") == "1"
KILLS = 50 if LONG_RUN else 3

pytestmark = pytest.mark.timeout(3600 if LONG_RUN else 600)


def send_transfer(url: str, index: int, nonce: int) -> None:
    sender = dev_accounts()[index]
    transaction = {
        "chainId": DEV_CHAIN_ID,
        "nonce": nonce,
        "to": dev_accounts()[9].address,
        "value": 1000 + nonce,
        "gas": 21000,
        "maxFeePerGas": 10**11,
        "maxPriorityFeePerGas": 10**9,
    }
    raw = Account.sign_transaction(transaction, sender.private_key).raw_transaction
    rpc(url, "eth_sendRawTransaction", ["0x" + raw.hex()])


def replay_into_fresh_chain(datadir: Path) -> tuple[bytes, bytes]:
    """Re-import every stored canonical block with full validation; the fresh chain's head hash and root."""
    store = RocksDB(datadir / "chaindata", read_only=True)
    try:
        stored = ChainDB(store)
        head = stored.get_canonical_head()
        fresh = build_dev_chain(AtomicDB())
        assert fresh.get_canonical_head().hash == stored.get_canonical_block_hash(BlockNumber(0))
        for block in canonical_blocks(stored, DevChain):
            fresh.import_block(block)
        fresh_head = fresh.get_canonical_head()
        assert fresh_head.hash == head.hash
        assert fresh_head.state_root == head.state_root
        return head.hash, head.state_root
    finally:
        store.close()


def test_killed_mining_node_restarts_consistent(tmp_path: Path) -> None:
    datadir = tmp_path / "datadir"
    rng = random.Random(20261122)
    highest_seen = 0
    nonces = {index: 0 for index in (6, 7)}
    for _kill in range(KILLS):
        node = NodeProcess(datadir, "--dev.period", "0.3")
        node.wait_ready()
        head = int(rpc(node.url, "eth_blockNumber")["result"], 16)
        assert head >= highest_seen, f"head went back from {highest_seen} to {head}"
        for index in nonces:
            address = dev_accounts()[index].address
            nonces[index] = int(rpc(node.url, "eth_getTransactionCount", [address, "latest"])["result"], 16)
            send_transfer(node.url, index, nonces[index])
        highest_seen = int(rpc(node.url, "eth_blockNumber")["result"], 16)
        node.kill_after(rng.uniform(0.1, 2.0))
    final = NodeProcess(datadir, "--dev.period", "0")
    final.wait_ready()
    final_head = int(rpc(final.url, "eth_blockNumber")["result"], 16)
    assert final.stop() == 0
    assert final_head >= highest_seen
    replay_into_fresh_chain(datadir)


def wait_until_exists(path: Path, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, f"the import exited with {process.returncode} before opening its database"
        assert time.monotonic() < deadline, f"{path} did not appear within {timeout}s"
        time.sleep(0.05)


def test_killed_import_resumes_to_gwtcs_head(tmp_path: Path) -> None:
    """`walton import --datadir` of a real Gwtc chain, SIGKILLed at random points, then resumed."""
    chain_dir = shared_fixture("waltonchain", "chains", "dev-prev1")
    summary = json.loads((chain_dir / "summary.json").read_text())
    datadir = tmp_path / "importing"
    command = [sys.executable, "-m", "walton.cli", "import", "--genesis", str(chain_dir / "genesis.json")]
    command += ["--no-progress", "--datadir", str(datadir), str(chain_dir / "chain.rlp")]
    rng = random.Random(7)
    heads = []
    for _kill in range(KILLS):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Kill during the import, not during Python's start-up (which takes seconds on a loaded machine).
        wait_until_exists(datadir / "chaindata" / "CURRENT", process)
        time.sleep(rng.uniform(0.2, 3.0))
        process.kill()
        process.wait()
        store = RocksDB(datadir / "chaindata", read_only=True)
        try:
            head = ChainDB(store).get_canonical_head()
            assert HexaryTrie(store, head.state_root).root_node is not None  # the head's state is all there
            heads.append(head.block_number)
        finally:
            store.close()
    finished = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result["hash"] == summary["head"]["hash"]
    assert result["stateRoot"] == summary["head"]["stateRoot"]
    assert heads == sorted(heads)
