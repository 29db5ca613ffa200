"""LABOR (0x113) and Proof of Labor in the IoT fork: anchoring earns credit, a master node's mined block spends it."""

from typing import Any

import rlp
from eth_abi import decode

from tests.vm.precompiles.child_chains import authority_child, authority_genesis, mine
from tests.vm.precompiles.dev_calls import ADDRESSES, KEYS, new_chain, returned, send, signed
from walton.consensus.labor import HALF_LIFE_BLOCKS, HEADER_CREDIT, labor_bonus
from walton.consensus.rewards import block_reward
from walton.vm.precompiles.anchors import ANCHORS, AUTHORITY
from walton.vm.precompiles.labor import LABOR, LaborCredited, read_credit, write_credit

CHILD = 7003
RELAYER, OTHER_MINER = 0, 9
HEADERS = 15


def _anchor_transactions(chain: Any) -> list[Any]:
    """Register an authority child and anchor ``HEADERS`` of its headers, from RELAYER."""
    genesis = authority_genesis([ADDRESSES[5]])
    headers, header = [], genesis
    for _ in range(HEADERS):
        header = authority_child(header, KEYS[5])
        headers.append(rlp.encode(header))
    register = signed(chain, ANCHORS, "registerChain", CHILD, rlp.encode(genesis), AUTHORITY, [], sender=RELAYER)
    submit = signed(chain, ANCHORS, "submitHeaders", CHILD, headers, [], sender=RELAYER, gas=5_000_000, nonce_offset=1)
    return [register, submit]


def test_anchoring_credits_the_relayer_with_an_event() -> None:
    chain = new_chain()
    genesis = authority_genesis([ADDRESSES[5]])
    send(chain, ANCHORS, "registerChain", CHILD, rlp.encode(genesis), AUTHORITY, [])
    one = authority_child(genesis, KEYS[5])
    outcome = send(chain, ANCHORS, "submitHeaders", CHILD, [rlp.encode(one)], [], sender=RELAYER)
    (credited,) = [log for log in outcome.receipt.logs if log.address == LABOR.address]
    assert credited.topics == (int.from_bytes(LaborCredited.topic, "big"), int.from_bytes(ADDRESSES[RELAYER], "big"))
    assert decode(["uint256", "uint256"], credited.data) == (HEADER_CREDIT, HEADER_CREDIT)
    assert returned(LABOR, "credit", send(chain, LABOR, "credit", ADDRESSES[RELAYER])) == (HEADER_CREDIT,)
    assert returned(LABOR, "credit", send(chain, LABOR, "credit", ADDRESSES[1])) == (0,)


def test_credit_decays_while_unused() -> None:
    chain = new_chain()
    vm = chain.get_vm()
    head = chain.get_canonical_head()

    def state_at(number: int) -> Any:
        return vm.build_state(chain.chaindb.db, head.copy(block_number=number), vm.chain_context)

    state = state_at(10)
    write_credit(state, ADDRESSES[1], 40)
    state.persist()
    later = head.copy(state_root=state.state_root)
    for elapsed, expected in [(0, 40), (HALF_LIFE_BLOCKS, 20), (2 * HALF_LIFE_BLOCKS + 5, 10), (10**6, 0)]:
        at = vm.build_state(chain.chaindb.db, later.copy(block_number=10 + elapsed), vm.chain_context)
        assert read_credit(at, ADDRESSES[1]) == expected


def test_a_master_node_miner_spends_credit_for_a_bounded_bonus_and_others_are_unchanged() -> None:
    chain = new_chain()
    mine(chain, ADDRESSES[OTHER_MINER], _anchor_transactions(chain))
    state = chain.get_vm().state
    credit = read_credit(state, ADDRESSES[RELAYER])
    assert credit == HEADERS * HEADER_CREDIT
    other_before = state.get_balance(ADDRESSES[OTHER_MINER])
    mine(chain, ADDRESSES[OTHER_MINER])  # no credit: exactly Walton's reward, LABOR untouched
    assert chain.get_vm().state.get_balance(ADDRESSES[OTHER_MINER]) == other_before + block_reward(2, other_before)
    assert read_credit(chain.get_vm().state, ADDRESSES[OTHER_MINER]) == 0

    balance = chain.get_vm().state.get_balance(ADDRESSES[RELAYER])
    block = mine(chain, ADDRESSES[RELAYER])  # imported: the bonus is part of the validated state transition
    reward = block_reward(block.number, balance)
    expected = labor_bonus(reward, balance, credit)
    assert expected.bonus > 0 and 0 < expected.spent < credit  # capped by the tier, the rest kept
    after = chain.get_vm().state
    assert after.get_balance(ADDRESSES[RELAYER]) == balance + reward + expected.bonus
    assert read_credit(after, ADDRESSES[RELAYER]) == credit - expected.spent
