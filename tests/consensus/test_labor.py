"""The Proof of Labor rule: master-node tiers, bounded bonus, credit spent and decayed."""

import pytest

from walton.consensus.labor import (
    GUARDIAN_MASTER_NODE_BALANCE,
    HALF_LIFE_BLOCKS,
    NO_BONUS,
    SUPER_MASTER_NODE_BALANCE,
    LaborBonus,
    decayed_credit,
    labor_bonus,
    master_node_tier,
)
from walton.consensus.rewards import BASE_REWARD, MASTER_NODE_BALANCE, block_reward


@pytest.mark.parametrize(
    ("balance", "tier"),
    [
        (0, None),
        (MASTER_NODE_BALANCE - 1, None),
        (MASTER_NODE_BALANCE, "MN"),
        (GUARDIAN_MASTER_NODE_BALANCE - 1, "MN"),
        (GUARDIAN_MASTER_NODE_BALANCE, "GMN"),
        (SUPER_MASTER_NODE_BALANCE, "SMN"),
        (10**9 * 10**18, "SMN"),
    ],
)
def test_tiers_follow_the_master_node_balances(balance: int, tier: str | None) -> None:
    found = master_node_tier(balance)
    assert (found.name if found else None) == tier


def test_the_bonus_is_bounded_by_the_tier_and_spends_what_it_uses() -> None:
    reward = BASE_REWARD
    assert labor_bonus(reward, MASTER_NODE_BALANCE, 3) == LaborBonus(reward * 3 // 100, 3)
    assert labor_bonus(reward, MASTER_NODE_BALANCE, 10**6) == LaborBonus(reward * 10 // 100, 10)  # +10 % at most
    assert labor_bonus(reward, GUARDIAN_MASTER_NODE_BALANCE, 10**6) == LaborBonus(reward * 20 // 100, 20)
    assert labor_bonus(reward, SUPER_MASTER_NODE_BALANCE, 10**6) == LaborBonus(reward * 40 // 100, 40)


def test_no_credit_no_master_node_or_no_reward_changes_nothing() -> None:
    assert labor_bonus(BASE_REWARD, SUPER_MASTER_NODE_BALANCE, 0) == NO_BONUS
    assert labor_bonus(BASE_REWARD, MASTER_NODE_BALANCE - 1, 10**6) == NO_BONUS  # credit kept for later
    assert labor_bonus(0, SUPER_MASTER_NODE_BALANCE, 10**6) == NO_BONUS
    late = block_reward(10**12, SUPER_MASTER_NODE_BALANCE)  # the schedule has run out
    assert labor_bonus(late, SUPER_MASTER_NODE_BALANCE, 10**6) == NO_BONUS


def test_credit_halves_every_half_life_and_runs_out() -> None:
    assert decayed_credit(100, 0) == 100
    assert decayed_credit(100, HALF_LIFE_BLOCKS - 1) == 100
    assert decayed_credit(100, HALF_LIFE_BLOCKS) == 50
    assert decayed_credit(100, 3 * HALF_LIFE_BLOCKS) == 12
    assert decayed_credit(100, 7 * HALF_LIFE_BLOCKS) == 0
    with pytest.raises(ValueError):
        decayed_credit(-1, 0)
