"""Uncles (spec §6.1): still allowed and fully validated as in go-ethereum 1.7.1, but never rewarded."""

import pytest
from eth_typing import Address

from tests.vm.gwtc.devchain import MINER, DevChain
from walton.consensus.rewards import block_reward
from walton.vm.forks.gwtc.chain import BlockRejected

UNCLE_MINER = Address(b"\xdd" * 20)


def _with_sibling() -> tuple[DevChain, object]:
    chain = DevChain()
    genesis = chain.head
    first = chain.mine()
    sibling = chain.build(parent=genesis, coinbase=UNCLE_MINER, timestamp=first.header.timestamp + 1)
    chain.chain.import_block(sibling)  # a side chain: same height, not canonical
    assert chain.head.hash == first.hash
    return chain, sibling


def test_uncle_is_accepted_and_gets_no_reward() -> None:
    chain, sibling = _with_sibling()
    miner_before = chain.account(MINER).balance
    block = chain.build(uncles=[sibling.header])
    chain.chain.import_block(block)
    assert chain.head.hash == block.hash
    assert chain.chain.get_block_by_hash(block.hash).uncles == (sibling.header,)
    # No uncle reward and no nephew bonus: the uncle's coinbase owns nothing at the head.
    assert not chain.exists(UNCLE_MINER)
    assert chain.account(MINER).balance == miner_before + block_reward(2, miner_before)


def test_uncle_included_twice_is_refused() -> None:
    chain, sibling = _with_sibling()
    chain.chain.import_block(chain.build(uncles=[sibling.header]))
    with pytest.raises(BlockRejected, match="duplicate uncle") as caught:
        chain.chain.import_block(chain.build(uncles=[sibling.header]))
    assert caught.value.rule == "uncles"


def test_ancestor_as_uncle_is_refused() -> None:
    chain = DevChain()
    chain.mine()
    ancestor = chain.mine()
    with pytest.raises(BlockRejected, match="uncle is ancestor"):
        chain.chain.import_block(chain.build(uncles=[ancestor.header]))


def test_uncle_with_a_bad_seal_is_refused() -> None:
    chain, sibling = _with_sibling()
    broken = sibling.header.copy(mix_hash=b"\x01" * 32)
    with pytest.raises(BlockRejected, match="invalid mix digest"):
        chain.chain.import_block(chain.build(uncles=[broken]))
