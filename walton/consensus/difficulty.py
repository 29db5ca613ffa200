"""Gwtc's ``CalcDifficulty`` (spec §5): two phases, no uncle term, no difficulty bomb."""

from walton.consensus.forks import WaltonForkHeights

MINIMUM_DIFFICULTY = 131072
DIFFICULTY_BOUND_DIVISOR = 2048
MAX_DOWNWARD_STEPS = -99


def calc_difficulty(
    parent_number: int,
    parent_difficulty: int,
    parent_time: int,
    time: int,
    heights: WaltonForkHeights,
    minimum: int = MINIMUM_DIFFICULTY,
) -> int:
    """The difficulty a child of the given parent, with timestamp ``time``, must carry.

    Phase one (``parent_number + 1 < v3``): ``x = max(3 - dt // 10, -99)``, equilibrium at 30-39 s.
    Phase two: ``dt -= 3`` when ``dt >= 5``, then ``x = max(3 - dt // 8, -99)``.
    Both: ``D = parent + (parent // 2048) * x``, at least ``minimum`` (Gwtc: 131072; networks of
    the IoT fork may set their own, e.g. the dev network's is low enough for a CPU). Header validation requires
    ``time > parent_time``; floor division here equals Go's Euclidean ``big.Int.Div`` anyway.
    """
    dt = time - parent_time
    if parent_number + 1 < heights.v3:
        x = 3 - dt // 10
    else:
        if dt >= 5:
            dt -= 3
        x = 3 - dt // 8
    x = max(x, MAX_DOWNWARD_STEPS)
    difficulty = parent_difficulty + (parent_difficulty // DIFFICULTY_BOUND_DIVISOR) * x
    return max(difficulty, minimum)


__all__ = ["DIFFICULTY_BOUND_DIVISOR", "MINIMUM_DIFFICULTY", "calc_difficulty"]
