"""Fork choice: the canonical head follows the most total difficulty, whatever order blocks arrive in."""

from tests.node.devchain import dev_backend, mine_branch


def test_longer_branch_with_more_difficulty_becomes_canonical_in_either_order() -> None:
    short, long = mine_branch(2, 1, 1), mine_branch(3, 2, 2)
    for first, second in ((short, long), (long, short)):
        backend = dev_backend()
        chain = backend.chain
        for block in first + second:
            backend.import_block(block)
        assert chain.get_canonical_head().hash == long[-1].hash
        assert chain.get_score(long[-1].hash) > chain.get_score(short[-1].hash)
        for block in long:
            assert chain.get_canonical_block_hash(block.number) == block.hash


def test_reorg_reports_the_new_canonical_blocks() -> None:
    short, long = mine_branch(1, 1, 1), mine_branch(2, 2, 2)
    backend = dev_backend()
    chain = backend.chain
    backend.import_block(short[0])
    assert backend.import_block(long[0]) == ()  # equal weight: the first seen stays canonical
    assert chain.get_canonical_head().hash == short[0].hash
    assert [block.hash for block in backend.import_block(long[1])] == [long[0].hash, long[1].hash]
