"""Fork choice: the canonical head follows the most total difficulty, whatever order blocks arrive in."""

from eth.abc import BlockAPI, ChainAPI
from eth.db.atomic import AtomicDB
from eth_utils import to_canonical_address

from walton.node.backend import NetworkInfo, NodeBackend
from walton.node.db import BlockWriteDB
from walton.vm.forks.iot.mining import FixedCandidates, apply_seal, build_block, coinbase_balance_at_head, find_seal
from walton.vm.networks.dev import DEV_CHAIN_ID, build_dev_chain, dev_accounts


def mine_branch(length: int, coinbase_index: int, spacing: int) -> list[BlockAPI]:
    """A branch from the dev genesis, mined on its own chain (different coinbase and timestamps)."""
    chain = build_dev_chain(BlockWriteDB(AtomicDB()))
    coinbase = to_canonical_address(dev_accounts()[coinbase_index].address)
    blocks = []
    for _ in range(length):
        built = build_block(chain, FixedCandidates(()), coinbase, chain.get_canonical_head().timestamp + spacing)
        seal = find_seal(built.block, coinbase_balance_at_head(chain, coinbase), 0, 100_000)
        assert seal is not None
        block = apply_seal(built.block, seal)
        chain.import_block(block)
        blocks.append(block)
    return blocks


def new_backend() -> tuple[NodeBackend, ChainAPI]:
    db = BlockWriteDB(AtomicDB())
    chain = build_dev_chain(db)
    backend = NodeBackend.serving(chain, db, NetworkInfo("dev", DEV_CHAIN_ID, DEV_CHAIN_ID))
    return backend, chain


def test_longer_branch_with_more_difficulty_becomes_canonical_in_either_order() -> None:
    short, long = mine_branch(2, 1, 1), mine_branch(3, 2, 2)
    for first, second in ((short, long), (long, short)):
        backend, chain = new_backend()
        for block in first + second:
            backend.import_block(block)
        assert chain.get_canonical_head().hash == long[-1].hash
        assert chain.get_score(long[-1].hash) > chain.get_score(short[-1].hash)
        for block in long:
            assert chain.get_canonical_block_hash(block.number) == block.hash


def test_reorg_reports_the_new_canonical_blocks() -> None:
    short, long = mine_branch(1, 1, 1), mine_branch(2, 2, 2)
    backend, chain = new_backend()
    backend.import_block(short[0])
    assert backend.import_block(long[0]) == ()  # equal weight: the first seen stays canonical
    assert chain.get_canonical_head().hash == short[0].hash
    assert [block.hash for block in backend.import_block(long[1])] == [long[0].hash, long[1].hash]
