"""Difficulty (spec §5) against Gwtc's ``CalcDifficulty`` vectors and the three shared chains."""

from itertools import pairwise
from typing import Any

import pytest

from tests.shared import load_shared_json, shared_vector_params
from walton.consensus.difficulty import DIFFICULTY_BOUND_DIVISOR, MINIMUM_DIFFICULTY, calc_difficulty
from walton.consensus.forks import MAINNET_FORK_HEIGHTS, WaltonForkHeights

CHAINS = ("dev-phases", "dev-postv3", "dev-prev1")


def quantity(value: str) -> int:
    return int(value, 16)


def vector_id(vector: Any) -> str:
    dt = quantity(vector["childTime"]) - quantity(vector["parentTime"])
    return f"parent{quantity(vector['parentNumber'])}-D{quantity(vector['parentDifficulty'])}-dt{dt}"


@pytest.mark.parametrize(
    "vector",
    shared_vector_params(("waltonchain", "calc_difficulty.json"), keep=lambda vector: True, id_of=vector_id),
)
def test_gwtc_calc_difficulty_vectors(vector: Any) -> None:
    parent_number = quantity(vector["parentNumber"])
    assert vector["formula"] == ("one" if parent_number + 1 < MAINNET_FORK_HEIGHTS.v3 else "two")
    difficulty = calc_difficulty(
        parent_number,
        quantity(vector["parentDifficulty"]),
        quantity(vector["parentTime"]),
        quantity(vector["childTime"]),
        MAINNET_FORK_HEIGHTS,
    )
    assert difficulty == quantity(vector["difficulty"])


def test_constants() -> None:
    assert MINIMUM_DIFFICULTY == 131072
    assert DIFFICULTY_BOUND_DIVISOR == 2048


@pytest.mark.parametrize(
    ("dt", "x"),
    [(1, 3), (9, 3), (10, 2), (29, 1), (30, 0), (39, 0), (40, -1), (1020, -99), (1029, -99), (10**6, -99)],
)
def test_phase_one_buckets(dt: int, x: int) -> None:
    parent = 10**12
    assert calc_difficulty(100, parent, 1000, 1000 + dt, MAINNET_FORK_HEIGHTS) == parent + (parent // 2048) * x


@pytest.mark.parametrize(
    ("dt", "x"),
    # dt < 5 is used as is (dt // 8 = 0); from 5 on, dt - 3: equilibrium for raw dt 27..34.
    [(1, 3), (4, 3), (5, 3), (10, 3), (11, 2), (26, 1), (27, 0), (34, 0), (35, -1), (10**6, -99)],
)
def test_phase_two_buckets(dt: int, x: int) -> None:
    parent = 10**12
    parent_number = MAINNET_FORK_HEIGHTS.v3 - 1  # child 221500: the first phase-two block
    assert (
        calc_difficulty(parent_number, parent, 1000, 1000 + dt, MAINNET_FORK_HEIGHTS) == parent + (parent // 2048) * x
    )


def test_phase_switch_uses_child_number_and_custom_heights() -> None:
    parent, dt = 10**12, 10  # phase one: x = 3 - 10 // 10 = 2; phase two: x = 3 - (10 - 3) // 8 = 3
    one = parent + (parent // 2048) * 2
    two = parent + (parent // 2048) * 3
    assert calc_difficulty(221498, parent, 0, dt, MAINNET_FORK_HEIGHTS) == one
    assert calc_difficulty(221499, parent, 0, dt, MAINNET_FORK_HEIGHTS) == two
    moved = WaltonForkHeights(v1=20, v2=40, v3=60)
    assert calc_difficulty(58, parent, 0, dt, moved) == one
    assert calc_difficulty(59, parent, 0, dt, moved) == two


def test_minimum_difficulty_clamp() -> None:
    assert calc_difficulty(0, MINIMUM_DIFFICULTY, 0, 10**6, MAINNET_FORK_HEIGHTS) == MINIMUM_DIFFICULTY
    assert calc_difficulty(10**6, MINIMUM_DIFFICULTY, 0, 10**6, MAINNET_FORK_HEIGHTS) == MINIMUM_DIFFICULTY
    # Below 2048 the step is zero, and the clamp lifts small parents to the minimum.
    assert calc_difficulty(0, 1000, 0, 1, MAINNET_FORK_HEIGHTS) == MINIMUM_DIFFICULTY


def chain_params() -> list[Any]:
    return [pytest.param(chain, id=chain) for chain in CHAINS]


@pytest.mark.parametrize("chain", chain_params())
def test_shared_chain_difficulties(chain: str) -> None:
    """Every block of the shared chains carries CalcDifficulty(parent) under the chain's own heights."""
    data = load_shared_json("waltonchain", "chains", chain, "blocks.json")
    forks = data["forkHeights"]
    heights = WaltonForkHeights(forks["HardForkV1"], forks["HardForkV2"], forks["HardForkV3"], forks["HardForkV2diff"])
    headers = [block["header"] for block in data["blocks"]]
    assert len(headers) > 1
    for parent, header in pairwise(headers):
        expected = calc_difficulty(
            quantity(parent["number"]),
            quantity(parent["difficulty"]),
            quantity(parent["timestamp"]),
            quantity(header["timestamp"]),
            heights,
        )
        assert quantity(header["difficulty"]) == expected, f"block {quantity(header['number'])}"
