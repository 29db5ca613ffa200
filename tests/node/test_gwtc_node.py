"""A node on a Gwtc network: `walton import` fills a data directory, `walton node` serves it."""

from pathlib import Path

import pytest
from web3 import HTTPProvider, Web3

from tests.node.nodeproc import NodeProcess, import_gwtc_dev_phases, rpc

pytestmark = pytest.mark.timeout(300)


def test_imported_gwtc_chain_is_served_with_coin_age(tmp_path: Path) -> None:
    datadir = tmp_path / "gwtc"
    summary, heights, genesis = import_gwtc_dev_phases(datadir)

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
        seal = rpc(node.url, "walton_getSeal", [hex(summary["forkHeights"]["HardForkV2"])])["result"]
        assert seal["valid"] is True and seal["phase"] == "V2"
    finally:
        assert node.stop() == 0
