"""A node on a Gwtc network: `walton import` fills a data directory, `walton node` serves it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from web3 import HTTPProvider, Web3

from tests.node.nodeproc import NodeProcess, rpc
from tests.shared import shared_fixture

pytestmark = pytest.mark.timeout(300)


def test_imported_gwtc_chain_is_served_with_coin_age(tmp_path: Path) -> None:
    chain_dir = shared_fixture("waltonchain", "chains", "dev-phases")
    summary = json.loads((chain_dir / "summary.json").read_text())
    fork = summary["forkHeights"]
    heights = ["--hardfork-v1", str(fork["HardForkV1"]), "--hardfork-v2", str(fork["HardForkV2"])]
    heights += ["--hardfork-v3", str(fork["HardForkV3"]), "--hardfork-v2-difficulty", str(fork["HardForkV2diff"])]
    genesis = str(chain_dir / "genesis.json")
    datadir = tmp_path / "gwtc"
    command = [sys.executable, "-m", "walton.cli", "import", "--genesis", genesis, *heights, "--no-progress"]
    imported = subprocess.run(
        [*command, "--datadir", str(datadir), str(chain_dir / "chain.rlp")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert imported.returncode == 0, imported.stderr

    node = NodeProcess(datadir, *heights, network=("--network", genesis))
    node.wait_ready()
    try:
        w3 = Web3(HTTPProvider(node.url))
        assert w3.eth.chain_id == summary["chainId"]
        head = w3.eth.get_block("latest")
        assert head.hash.to_0x_hex() == summary["head"]["hash"]
        for address, account in summary["accountsAtHead"].items():
            assert w3.eth.get_balance(Web3.to_checksum_address(address)) == int(account["balance"], 16)
            coin_age = rpc(node.url, "walton_getCoinAge", [address, "latest"])["result"]
            assert coin_age["coinAge"] == account["coinAge"]
        seal = rpc(node.url, "walton_getSeal", [hex(fork["HardForkV2"])])["result"]
        assert seal["valid"] is True and seal["phase"] == "V2"
    finally:
        assert node.stop() == 0
