"""Stake factors (spec §4.4-4.5) against Gwtc's ``Sqrt(x, 6)`` and ``TargetDiff`` vectors."""

from typing import Any

import pytest

from tests.shared import shared_vector_params
from walton.consensus.stake import (
    POS_PHASE_ONE_BALANCE,
    POS_PHASE_TWO_BALANCE,
    coin_age_root,
    target_diff,
)

WTC = 10**18
DAY = 86400
TWO_POW_256 = 2**256


def quantity(value: str) -> int:
    return int(value, 16)


@pytest.mark.parametrize(
    "vector",
    shared_vector_params(("waltonchain", "sqrt6.json"), keep=lambda vector: True, id_of=lambda vector: vector["x"]),
)
def test_gwtc_sqrt6_vectors(vector: Any) -> None:
    assert quantity(vector["exp"]) == 6  # Gwtc only ever calls Sqrt with exp = 6
    assert coin_age_root(quantity(vector["x"])) == quantity(vector["result"])


@pytest.mark.parametrize(
    "vector",
    shared_vector_params(
        ("waltonchain", "target_diff.json"),
        keep=lambda vector: True,
        id_of=lambda vector: f"balance{vector['balance']}-difficulty{vector['difficulty']}",
    ),
)
def test_gwtc_target_diff_vectors(vector: Any) -> None:
    target = quantity(vector["target"])
    # The vectors' input target is (2^256 - 1) // difficulty; TargetDiff takes it as given.
    assert target == (TWO_POW_256 - 1) // quantity(vector["difficulty"])
    result = target_diff(quantity(vector["balance"]), target)
    assert result == quantity(vector["result"])
    if vector["resultFull32"] is None:  # FullTo32 panics in Gwtc: the target does not fit 32 bytes
        assert result >= TWO_POW_256
    else:
        assert result < TWO_POW_256
        assert result.to_bytes(32, "big") == bytes.fromhex(vector["resultFull32"][2:])


@pytest.mark.parametrize(
    ("coin_age", "expected"),
    [
        (1 * WTC * 30 * DAY, 1),
        (5000 * WTC * DAY, 3),
        (5000 * WTC * 365 * DAY, 11),
        (1_000_000 * WTC * DAY, 12),
        (1_000_000 * WTC * 30 * DAY, 23),  # not monotonic: 30 days beat 365 days
        (1_000_000 * WTC * 365 * DAY, 17),
        (86400000000000000000000000, 3),  # Appendix A: 1000 WTC for one day
        (0, 0),
        (10**14 - 1, 0),
    ],
)
def test_coin_age_root_spec_examples(coin_age: int, expected: int) -> None:
    assert coin_age_root(coin_age) == expected


def test_tx_number_factor_range() -> None:
    """§4.3: Sqrt(TxNumber * 5e18, 6) is 0 below 21475 and 1 up to about 1.37 million."""
    scale = 5 * 10**18
    assert coin_age_root(21474 * scale) == 0
    assert coin_age_root(21475 * scale) == 1
    assert coin_age_root(1374389 * scale) == 1
    assert coin_age_root(1374390 * scale) == 2


def test_coin_age_root_rejects_negative() -> None:
    with pytest.raises(ValueError):
        coin_age_root(-1)


def test_target_diff_phases() -> None:
    target = (TWO_POW_256 - 1) // 131072
    micro = 10**12  # TargetDiff's balance unit in wei
    assert target_diff(0, target) == target // POS_PHASE_ONE_BALANCE + target
    # Wei below a whole 10^-6 WTC are dropped before anything else.
    assert target_diff(micro - 1, target) == target_diff(0, target)
    assert target_diff(5000 * WTC - 1, target) == (target // POS_PHASE_ONE_BALANCE) * POS_PHASE_ONE_BALANCE + target
    assert target_diff(5000 * WTC, target) == 4 * target  # the jump to exactly x4
    assert target_diff(5000 * WTC + micro, target) == (
        target // (POS_PHASE_TWO_BALANCE - POS_PHASE_ONE_BALANCE)
    ) * 4 + (4 * target)
    assert target_diff(500_000 * WTC - micro, target) < 8 * target
    assert target_diff(500_000 * WTC, target) == 8 * target
    assert target_diff(10**30, target) == 8 * target


def test_target_diff_truncates_before_multiplying() -> None:
    """(target // P1) * (b + 1), not target * (b + 1) // P1: the two differ and Gwtc does the former."""
    target = 2**256 // 3
    balance = 1234 * WTC
    b = balance // 10**12
    gwtc = (target // POS_PHASE_ONE_BALANCE) * (b + 1) + target
    assert target_diff(balance, target) == gwtc
    assert gwtc != target * (b + 1) // POS_PHASE_ONE_BALANCE + target


def test_target_diff_rejects_negative() -> None:
    with pytest.raises(ValueError):
        target_diff(-1, 10)
    with pytest.raises(ValueError):
        target_diff(1, -10)
