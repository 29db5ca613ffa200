"""Block rewards (spec §6.2) against Gwtc's ``getReward`` vectors, and the float discount emulation."""

from typing import Any

import pytest

from tests.shared import shared_vector_params
from walton.consensus.rewards import (
    MASTER_NODE_BALANCE,
    MASTER_NODE_BONUS,
    ONE_YEAR_BLOCKS,
    WTC,
    block_reward,
    halving_discount,
)


def quantity(value: str) -> int:
    return int(value, 16)


@pytest.mark.parametrize(
    "vector",
    shared_vector_params(
        ("waltonchain", "get_reward.json"),
        keep=lambda vector: True,
        id_of=lambda vector: f"block{quantity(vector['block'])}-balance{vector['balance']}",
    ),
)
def test_gwtc_get_reward_vectors(vector: Any) -> None:
    number = quantity(vector["block"])
    assert number // ONE_YEAR_BLOCKS == quantity(vector["years"])
    assert block_reward(number, quantity(vector["balance"])) == quantity(vector["reward"])


@pytest.mark.parametrize(
    ("number", "plain", "master_node"),
    [
        (1, 10**17, 10**17),
        (40000, 10**17, 10**17),
        (40001, 10**18, 10**18),
        (100000, 10**18, 10**18),
        (100001, 2 * 10**18, 2 * 10**18),
        (200000, 2 * 10**18, 2 * 10**18),  # no master-node bonus up to 200,000
        (200001, 25 * 10**17, 3 * 10**18),
        (2102399, 25 * 10**17, 3 * 10**18),
        (2102400, 1875 * 10**15, 225 * 10**16),
        (4204799, 1875 * 10**15, 225 * 10**16),
        (4204800, 140625 * 10**13, 16875 * 10**14),
        (6307200, 1054675 * 10**12, 126561 * 10**13),
        (8409600, 791 * 10**15, 9492 * 10**14),
    ],
)
def test_spec_reward_table(number: int, plain: int, master_node: int) -> None:
    assert block_reward(number, MASTER_NODE_BALANCE - 1) == plain
    assert block_reward(number, MASTER_NODE_BALANCE) == master_node


def test_master_node_constants() -> None:
    assert MASTER_NODE_BALANCE == 5000 * WTC
    assert MASTER_NODE_BONUS == 5 * 10**17
    assert ONE_YEAR_BLOCKS == 1_051_200


def float_discount(k: int) -> int:
    """Gwtc's loop, in Python floats (IEEE 754 doubles): the reference for the integer emulation."""
    discount = 100000.0
    for _ in range(k):
        discount *= 0.75
    return int(discount)


@pytest.mark.parametrize("k", range(0, 120))
def test_halving_discount_matches_float64(k: int) -> None:
    assert halving_discount(k) == float_discount(k)


def test_halving_discount_closed_form_and_end() -> None:
    """Spec §6.2: floor(100000 * 3^k / 4^k) for every k <= 33; zero from k = 41 on."""
    for k in range(34):
        assert halving_discount(k) == 100000 * 3**k // 4**k
    assert halving_discount(40) == 1
    assert halving_discount(41) == 0
    assert halving_discount(10**6) == 0
    with pytest.raises(ValueError):
        halving_discount(-1)


def test_reward_ends_at_k_41() -> None:
    last_paying = 82 * ONE_YEAR_BLOCKS - 1  # years 81, k = 40
    assert block_reward(last_paying, 0) == 25 * 10**12 * 1
    assert block_reward(last_paying + 1, 0) == 0  # N = 86,198,400
    assert block_reward(last_paying + 1, MASTER_NODE_BALANCE) == 0
    assert block_reward(10**12, 0) == 0


def test_block_zero_and_negative() -> None:
    assert block_reward(0, 0) == 10**17
    with pytest.raises(ValueError):
        block_reward(-1, 0)
