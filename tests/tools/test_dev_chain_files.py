"""`walton export` / `walton import` on dev-network data directories: round trip and a refused bad block."""

import json
from pathlib import Path

import pytest
from eth_utils import to_canonical_address

from walton.cli import main
from walton.db.rocks import RocksDB
from walton.node.config import chaindata_path
from walton.node.db import BlockWriteDB
from walton.vm.forks.iot.mining import FixedCandidates, apply_seal, build_block, coinbase_balance_at_head, find_seal
from walton.vm.networks.dev import build_dev_chain, dev_accounts


def mine_dev_datadir(datadir: Path, blocks: int) -> str:
    store = RocksDB(chaindata_path(datadir))
    try:
        db = BlockWriteDB(store)
        chain = build_dev_chain(db)
        miner = to_canonical_address(dev_accounts()[0].address)
        for _ in range(blocks):
            built = build_block(chain, FixedCandidates(()), miner, chain.get_canonical_head().timestamp + 1)
            seal = find_seal(built.block, coinbase_balance_at_head(chain, miner), 0, 100_000)
            assert seal is not None
            with db.block_write():
                chain.import_block(apply_seal(built.block, seal))
        return "0x" + chain.get_canonical_head().hash.hex()
    finally:
        store.close()


def last_json(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    result: dict[str, object] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return result


def test_export_then_import_reaches_the_same_head(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = mine_dev_datadir(tmp_path / "mined", 4)
    chain_file = tmp_path / "dev.rlp"
    assert main(["export", "--network", "dev", "--datadir", str(tmp_path / "mined"), str(chain_file)]) == 0
    exported = last_json(capsys)
    assert exported["hash"] == head and exported["blocks"] == 5
    assert main(["import", "--network", "dev", "--datadir", str(tmp_path / "copy"), str(chain_file)]) == 0
    imported = last_json(capsys)
    assert imported == {key: exported[key] for key in ("number", "hash", "stateRoot")}


def test_a_tampered_block_stops_the_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine_dev_datadir(tmp_path / "mined", 3)
    chain_file = tmp_path / "dev.rlp"
    assert main(["export", "--network", "dev", "--datadir", str(tmp_path / "mined"), str(chain_file)]) == 0
    capsys.readouterr()
    data = bytearray(chain_file.read_bytes())
    data[-40] ^= 0xFF  # inside the last block
    chain_file.write_bytes(bytes(data))
    assert main(["import", "--network", "dev", "--datadir", str(tmp_path / "copy"), str(chain_file)]) == 1
    result = last_json(capsys)
    assert result["number"] == 3 and "error" in result
    head = result["head"]
    assert isinstance(head, dict) and head["number"] == 2
