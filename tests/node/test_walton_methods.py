"""walton_* JSON-RPC methods: WPoC seals of IoT and Gwtc blocks, coin age of Gwtc accounts."""

import json

import pytest
from eth.db.atomic import AtomicDB

import walton.node.rpc.walton_methods  # noqa: F401  (registers the walton_* methods)
from tests.shared import shared_fixture
from walton.consensus.forks import WaltonForkHeights
from walton.node.backend import NetworkInfo, NodeBackend
from walton.node.db import BlockWriteDB
from walton.node.rpc.errors import RPCError
from walton.node.rpc.methods import dispatch
from walton.vm.forks.gwtc.chainfile import decode_block, split_rlp_stream
from walton.vm.forks.iot.mining import FixedCandidates, apply_seal, build_block, coinbase_balance_at_head, find_seal
from walton.vm.networks import load_network
from walton.vm.networks.dev import DEV_CHAIN_ID, build_dev_chain, dev_accounts


@pytest.fixture(scope="module")
def gwtc_backend() -> tuple[NodeBackend, dict]:  # type: ignore[type-arg]
    chain_dir = shared_fixture("waltonchain", "chains", "dev-postv3")
    summary = json.loads((chain_dir / "summary.json").read_text())
    heights = summary["forkHeights"]
    network = load_network(
        chain_dir / "genesis.json",
        WaltonForkHeights(
            heights["HardForkV1"], heights["HardForkV2"], heights["HardForkV3"], heights["HardForkV2diff"]
        ),
    )
    db = BlockWriteDB(AtomicDB())
    chain = network.open_chain(db)
    backend = NodeBackend.serving(chain, db, NetworkInfo(network.name, network.chain_id, network.chain_id))
    for raw in list(split_rlp_stream((chain_dir / "chain.rlp").read_bytes()))[1:]:
        backend.import_block(decode_block(raw, network.chain_class))
    return backend, summary


def test_coin_age_matches_gwtc(gwtc_backend: tuple[NodeBackend, dict]) -> None:  # type: ignore[type-arg]
    backend, summary = gwtc_backend
    for address, account in summary["accountsAtHead"].items():
        answer = dispatch(backend, "walton_getCoinAge", [address, "latest"])
        assert answer["coinAge"] == account["coinAge"]
        assert answer["fuBlockTime"] == account["fuBlockTime"]
        assert answer["balance"] == account["balance"]


def test_gwtc_seal_report(gwtc_backend: tuple[NodeBackend, dict]) -> None:  # type: ignore[type-arg]
    backend, _summary = gwtc_backend
    seal = dispatch(backend, "walton_getSeal", ["0x5"])
    assert seal["rules"] == "Gwtc WPoC" and seal["phase"] == "V3" and seal["valid"] is True
    assert int(seal["x11Result"], 16) < int(seal["target"], 16)
    assert len(seal["order"]) == 11
    with pytest.raises(RPCError, match="genesis"):
        dispatch(backend, "walton_getSeal", ["0x0"])


def test_iot_seal_report_and_no_coin_age() -> None:
    db = BlockWriteDB(AtomicDB())
    chain = build_dev_chain(db)
    backend = NodeBackend.serving(chain, db, NetworkInfo("dev", DEV_CHAIN_ID, DEV_CHAIN_ID))
    miner = bytes.fromhex(dev_accounts()[0].address[2:])
    built = build_block(chain, FixedCandidates(()), miner, chain.get_canonical_head().timestamp + 1)
    seal = find_seal(built.block, coinbase_balance_at_head(chain, miner), 0, 100_000)
    assert seal is not None
    backend.import_block(apply_seal(built.block, seal))
    report = dispatch(backend, "walton_getSeal", ["latest"])
    assert report["rules"] == "IoT WPoC" and report["valid"] is True
    assert report["x11Result"] == "0x" + seal.mix_hash.hex()
    assert dispatch(backend, "walton_getSeal", ["0x99"]) is None
    with pytest.raises(RPCError, match="no coin age"):
        dispatch(backend, "walton_getCoinAge", [dev_accounts()[0].address])
