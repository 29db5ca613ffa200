"""Coin age in account state (spec §4.2, §6.3, §8.3) on blocks built, sealed and imported on a dev chain.

Each block below is executed by the Gwtc VMs, re-sealed and imported with full validation; the
expectations are the formulas of the spec: at the first balance operation of a block (zero amounts
included) ``coinAge += balance * (T - fuBlockTime)`` and ``fuBlockTime = T``.
"""

import pytest
from eth_typing import Address

from tests.vm.gwtc.devchain import (
    ADDRESSES,
    GAS_PRICE,
    GENESIS_TIME,
    MINER,
    REVERT,
    STOP,
    WTC,
    DevChain,
    call_code,
    contract_address,
    deploy_code,
    dev_network,
    selfdestruct_on_calldata,
    selfdestruct_to,
)
from walton.consensus.rewards import block_reward
from walton.vm.forks.gwtc.accounts import GwtcPanic
from walton.vm.forks.gwtc.chain import BlockRejected

A, B, C, D = ADDRESSES
START = 1_000_000 * WTC


def fresh(tag: int) -> Address:
    return Address(bytes([0xA0, tag]) + bytes(18))


def test_genesis_alloc_has_zero_coin_age_at_genesis_time() -> None:
    chain = DevChain()
    account = chain.account(A)
    assert (account.balance, account.coin_age, account.fu_block_time) == (START, 0, GENESIS_TIME)


def test_first_balance_operation_of_a_block_accrues() -> None:
    chain = DevChain()
    t1 = GENESIS_TIME + 100
    chain.mine([chain.transaction(0, B, value=5 * WTC)], timestamp=t1)
    sender, recipient = chain.account(A), chain.account(B)
    # The sender accrues at the gas purchase, on its balance before the block.
    assert sender.coin_age == START * (t1 - GENESIS_TIME)
    assert sender.fu_block_time == t1
    assert recipient.coin_age == START * (t1 - GENESIS_TIME)
    assert recipient.balance == START + 5 * WTC
    t2 = t1 + 30
    # Two operations on B in one block: only the first accrues (T is the same for the whole block).
    chain.mine([chain.transaction(0, B, value=WTC), chain.transaction(1, C, value=WTC)], timestamp=t2)
    recipient = chain.account(B)
    assert recipient.coin_age == START * (t1 - GENESIS_TIME) + (START + 5 * WTC) * (t2 - t1)
    assert recipient.fu_block_time == t2


def test_zero_value_transfer_touches_the_recipient() -> None:
    chain = DevChain()
    t1 = GENESIS_TIME + 50
    chain.mine([chain.transaction(0, C, value=0, data=b"\x01\x02")], timestamp=t1)
    touched = chain.account(C)
    assert touched.balance == START
    assert touched.coin_age == START * (t1 - GENESIS_TIME)
    assert touched.fu_block_time == t1
    assert chain.account(D).fu_block_time == GENESIS_TIME  # untouched


def test_zero_value_transaction_to_a_missing_account_after_eip158_leaves_nothing() -> None:
    chain = DevChain()
    chain.mine([chain.transaction(0, fresh(1), value=0)])
    assert not chain.exists(fresh(1))


def test_zero_value_transaction_to_a_missing_account_before_eip158_creates_it() -> None:
    """Frontier rules: the recipient is created and its fuBlockTime written, so the state root changes."""
    chain = DevChain(dev_network(byzantium=None, eip158=None, homestead=None))
    t1 = GENESIS_TIME + 20
    chain.mine([chain.transaction(0, fresh(2), value=0)], timestamp=t1)
    assert chain.exists(fresh(2))
    account = chain.account(fresh(2))
    assert (account.balance, account.nonce, account.coin_age, account.fu_block_time) == (0, 0, 0, t1)


def test_zero_value_call_opcode() -> None:
    """CALL with value 0 to an existing account runs Transfer (accrual); to a missing one it does nothing."""
    chain = DevChain()
    runtime = call_code(D, 0) + call_code(fresh(3), 0) + STOP
    caller = contract_address(A, 0)
    chain.mine([chain.transaction(0, b"", data=deploy_code(runtime))])
    t2 = chain.head.timestamp + 40
    chain.mine([chain.transaction(0, caller)], timestamp=t2)
    touched = chain.account(D)
    assert touched.fu_block_time == t2
    assert touched.coin_age == START * (t2 - GENESIS_TIME)
    assert not chain.exists(fresh(3))


def test_create_at_a_funded_address_keeps_balance_and_coin_age_and_accrues_from_time_zero() -> None:
    chain = DevChain()
    target = contract_address(A, 2)
    t1, t2, t3 = GENESIS_TIME + 10, GENESIS_TIME + 20, GENESIS_TIME + 40
    chain.mine([chain.transaction(0, target, value=3 * WTC)], timestamp=t1)
    chain.mine([chain.transaction(0, target, value=2 * WTC)], timestamp=t2)
    before = chain.account(target)
    assert (before.balance, before.coin_age, before.fu_block_time) == (5 * WTC, 3 * WTC * (t2 - t1), t2)
    chain.mine([chain.transaction(0, b"", value=WTC, data=deploy_code(STOP))], timestamp=t3)
    created = chain.account(target)
    # CreateAccount keeps balance and coin age but sets fuBlockTime to 0; Transfer then accrues from 0.
    assert created.balance == 6 * WTC
    assert created.coin_age == 3 * WTC * (t2 - t1) + 5 * WTC * t3
    assert created.fu_block_time == t3
    assert created.nonce == 1
    assert chain.accounts().get_code(target) == STOP


def test_selfdestruct_credits_the_beneficiary_with_accrual_and_deletes_the_account() -> None:
    chain = DevChain()
    doomed = contract_address(A, 0)
    doomed_new = contract_address(A, 1)
    t1 = GENESIS_TIME + 10
    chain.mine(
        [
            chain.transaction(0, b"", value=7, data=deploy_code(selfdestruct_to(B))),
            chain.transaction(0, b"", value=9, data=deploy_code(selfdestruct_to(fresh(4)))),
        ],
        timestamp=t1,
    )
    t2 = t1 + 25
    chain.mine([chain.transaction(2, doomed), chain.transaction(2, doomed_new)], timestamp=t2)
    assert not chain.exists(doomed) and not chain.exists(doomed_new)
    beneficiary = chain.account(B)
    assert beneficiary.balance == START + 7
    assert beneficiary.coin_age == START * (t2 - GENESIS_TIME)
    assert beneficiary.fu_block_time == t2
    new_beneficiary = chain.account(fresh(4))
    assert (new_beneficiary.balance, new_beneficiary.coin_age, new_beneficiary.fu_block_time) == (9, 0, t2)


def test_revert_undoes_the_accrual() -> None:
    chain = DevChain()
    reverting = contract_address(A, 0)
    passing = contract_address(A, 1)
    t1 = GENESIS_TIME + 10
    chain.mine(
        [
            chain.transaction(0, b"", value=10, data=deploy_code(call_code(C, 1) + REVERT)),
            chain.transaction(0, b"", value=10, data=deploy_code(call_code(D, 1) + STOP)),
        ],
        timestamp=t1,
    )
    t2 = t1 + 60
    chain.mine([chain.transaction(1, reverting), chain.transaction(1, passing)], timestamp=t2)
    reverted, credited = chain.account(C), chain.account(D)
    assert (reverted.balance, reverted.coin_age, reverted.fu_block_time) == (START, 0, GENESIS_TIME)
    assert credited.balance == START + 1
    assert credited.fu_block_time == t2
    assert credited.coin_age == START * (t2 - GENESIS_TIME)
    # The reverted call's contract keeps its funds and its own fuBlockTime of the deployment block.
    assert chain.account(reverting).balance == 10
    assert chain.account(reverting).fu_block_time == t1


def _selfdestruct_then_revert(chain: DevChain) -> tuple[Address, Address]:
    target = contract_address(A, 0)
    outer = contract_address(A, 1)
    chain.mine(
        [
            chain.transaction(0, b"", value=5, data=deploy_code(selfdestruct_on_calldata(B))),
            chain.transaction(0, b"", data=deploy_code(call_code(target, 0, args_size=1) + REVERT)),
        ]
    )
    return target, outer


def test_reverted_selfdestruct_leaves_fu_block_time_zero() -> None:
    """Gwtc's Suicide journal entry lacks fuBlockTime: undoing it leaves nil, stored as 0."""
    chain = DevChain()
    target, outer = _selfdestruct_then_revert(chain)
    before = chain.account(target)
    t2 = chain.head.timestamp + 10
    # tx 1 touches the target (fuBlockTime = T); tx 2 self-destructs it inside a frame that reverts.
    chain.mine([chain.transaction(1, target), chain.transaction(1, outer)], timestamp=t2)
    after = chain.account(target)
    assert after.balance == 5
    assert after.coin_age == before.coin_age + 5 * (t2 - before.fu_block_time)
    assert after.fu_block_time == 0
    assert chain.accounts().get_code(target) == selfdestruct_on_calldata(B)
    # A later block accrues from time 0, as for any account loaded with fuBlockTime 0.
    t3 = t2 + 10
    chain.mine([chain.transaction(1, target, value=1)], timestamp=t3)
    assert chain.account(target).coin_age == after.coin_age + 5 * t3


def test_balance_operation_after_a_reverted_selfdestruct_in_the_same_block_is_refused() -> None:
    """Gwtc panics on it (nil fuBlockTime), so no such block exists on a Gwtc chain."""
    chain = DevChain()
    target, outer = _selfdestruct_then_revert(chain)
    with pytest.raises(GwtcPanic):
        chain.mine([chain.transaction(1, target), chain.transaction(1, outer), chain.transaction(2, target, value=1)])


def test_coinbase_coin_age_is_reset_after_the_reward() -> None:
    chain = DevChain()
    block = chain.mine([chain.transaction(0, B, value=WTC)])
    miner = chain.account(MINER)
    fee = 5000 * GAS_PRICE
    assert miner.balance == fee + block_reward(1, fee)
    assert (miner.coin_age, miner.fu_block_time) == (0, block.header.timestamp)
    t2 = block.header.timestamp + 100
    chain.mine([], timestamp=t2)  # an empty block: the reward's AddBalance accrues, then the reset
    miner = chain.account(MINER)
    assert (miner.coin_age, miner.fu_block_time) == (0, t2)
    after_first = fee + block_reward(1, fee)
    assert miner.balance == after_first + block_reward(2, after_first)


def test_empty_means_coin_age_zero_too() -> None:
    """EIP-158: a touched account with balance 0 but coin age > 0 is not empty, so it stays, and a
    value CALL to it pays no new-account gas (6000), while one to an empty account does."""
    chain = DevChain()
    aged, empty = fresh(5), fresh(6)
    probe_aged, probe_empty = contract_address(A, 0), contract_address(A, 1)
    chain.mine(
        [
            chain.transaction(0, b"", value=10, data=deploy_code(call_code(aged, 1) + STOP)),
            chain.transaction(0, b"", value=10, data=deploy_code(call_code(empty, 1) + STOP)),
        ]
    )
    header = chain.chain.create_header_from_parent(chain.head, timestamp=chain.head.timestamp + 10, coinbase=MINER)
    vm = chain.chain.get_vm(header)
    state = vm.state
    state.set_coin_age(aged, 5)
    state.set_coin_age(fresh(7), 5)
    assert not state.account_is_empty(aged) and state.get_balance(aged) == 0
    vm.apply_transaction(header, chain.transaction(1, fresh(7), value=0))
    assert state.account_exists(fresh(7))  # touched, coin age 5: kept
    vm.apply_transaction(header, chain.transaction(1, fresh(8), value=0))
    assert not state.account_exists(fresh(8))  # touched and empty: deleted
    probes = [chain.transaction(1, probe) for probe in (probe_aged, probe_empty)]
    gas_used = []
    for transaction in probes:
        _, computation = vm.apply_transaction(header, transaction)
        assert computation.is_success
        gas_used.append(transaction.gas - computation.get_gas_remaining())
    assert gas_used[1] - gas_used[0] == 6000
    assert state.get_balance(aged) == 1 and state.get_balance(empty) == 1


def test_block_with_changed_timestamp_has_another_state_root() -> None:
    chain = DevChain()
    chain.mine([chain.transaction(0, B, value=WTC)])
    other = DevChain()
    other.mine([other.transaction(0, B, value=WTC)], timestamp=chain.head.timestamp + 1)
    assert other.head.state_root != chain.head.state_root


def test_dev_chain_rejects_a_block_with_wrong_coinbase_state() -> None:
    chain = DevChain()
    block = chain.mine([])
    tampered = block.copy(header=block.header.copy(state_root=b"\x11" * 32))
    with pytest.raises(BlockRejected):
        chain.chain.import_block(tampered)
