"""Waltonchain's stake ("labor") factors on the proof-of-work target, spec §4.4-4.5."""

COIN_AGE_UNIT = 10**14
COIN_AGE_ROOT_EXP = 6
COIN_AGE_ROOT_DIVISOR = 32

# TargetDiff works in units of 10^-6 WTC (balance in wei // 10^12).
BALANCE_UNIT = 10**12
POS_PHASE_ONE_BALANCE = 5_000_000_000  # 5,000 WTC in 10^-6 WTC (POSPhaseOneBalance)
POS_PHASE_TWO_BALANCE = 500_000_000_000  # 500,000 WTC in 10^-6 WTC (POSPhaseTwoBalance)
_POS_PHASE_TWO_SPAN = POS_PHASE_TWO_BALANCE - POS_PHASE_ONE_BALANCE


def coin_age_root(x: int) -> int:
    """Gwtc's ``Sqrt(x, 6)`` (``consensus/ethash/algorithm.go``): **not** a square (or sixth) root.

    ``n = x // 10^14``; ``y = n >> (bitlen(n) * 5 // 6)``; result ``y // 32``. A crude, non-monotonic
    sixth-root-like value that multiplies the target before V2 (header CoinAge) and before V1
    (TxNumber * 5e18) when it is positive. Named for what it is used on, not what Gwtc calls it.
    """
    if x < 0:
        raise ValueError(f"coin age must be non-negative, got {x}")
    n = x // COIN_AGE_UNIT
    shift = n.bit_length() * (COIN_AGE_ROOT_EXP - 1) // COIN_AGE_ROOT_EXP
    return (n >> shift) // COIN_AGE_ROOT_DIVISOR


def target_diff(balance: int, target: int) -> int:
    """Gwtc's ``TargetDiff``: the V2+ target scaled by the coinbase balance (§4.5).

    About x1 to x2 for 0 to 5,000 WTC, exactly x4 at 5,000 WTC, about x4 to x8 up to 500,000 WTC,
    x8 above. The integer divisions truncate before multiplying, exactly in Gwtc's order, so the
    result is bit-exact; do not simplify the expressions.
    """
    if balance < 0:
        raise ValueError(f"balance must be non-negative, got {balance}")
    if target < 0:
        raise ValueError(f"target must be non-negative, got {target}")
    b = balance // BALANCE_UNIT
    if b < POS_PHASE_ONE_BALANCE:
        return (target // POS_PHASE_ONE_BALANCE) * (b + 1) + target
    if b == POS_PHASE_ONE_BALANCE:
        return target * 4
    if b < POS_PHASE_TWO_BALANCE:
        return (target // _POS_PHASE_TWO_SPAN) * (4 * (b - POS_PHASE_ONE_BALANCE)) + 4 * target
    return target * 8


__all__ = [
    "BALANCE_UNIT",
    "COIN_AGE_UNIT",
    "POS_PHASE_ONE_BALANCE",
    "POS_PHASE_TWO_BALANCE",
    "coin_age_root",
    "target_diff",
]
