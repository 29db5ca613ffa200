"""Gwtc's block reward (``getReward``, spec §6.2).

Only the miner is paid: uncles get nothing and there is no inclusion bonus. From block 200,001 a
coinbase holding at least 5,000 WTC (a "master node") earns 0.5 WTC more. Every two years the
reward shrinks by 0.75, computed by Gwtc in float64; ``halving_discount`` reproduces that float
arithmetic with integers, rounding for rounding, so no platform float behaviour is involved.
"""

WTC = 10**18
ONE_YEAR_BLOCKS = 2 * 60 * 24 * 365  # 1,051,200 blocks of 30 s

MASTER_NODE_BALANCE = 5000 * WTC  # AddedRewardForMN = 5000 WTC
MASTER_NODE_BONUS = WTC // 2

EARLY_REWARDS: tuple[tuple[int, int], ...] = (
    (40_000, WTC // 10),  # N <= 40,000: 0.1 WTC
    (100_000, WTC),  # N <= 100,000: 1 WTC
    (200_000, 2 * WTC),  # N <= 200,000: 2 WTC
)
BASE_REWARD = 5 * WTC // 2  # 2.5 WTC from block 200,001
DISCOUNT_SCALE = 100_000

_DOUBLE_MANTISSA_BITS = 53


def _round_to_double(mantissa: int, exponent: int) -> tuple[int, int]:
    """Round ``mantissa * 2**exponent`` to a 53-bit mantissa, ties to even (IEEE 754 default)."""
    excess = mantissa.bit_length() - _DOUBLE_MANTISSA_BITS
    if excess <= 0:
        return mantissa, exponent
    quotient, remainder = divmod(mantissa, 1 << excess)
    half = 1 << (excess - 1)
    if remainder > half or (remainder == half and quotient & 1):
        quotient += 1
    exponent += excess
    if quotient.bit_length() > _DOUBLE_MANTISSA_BITS:  # rounded up to 2^53: still exact after the shift
        quotient >>= 1
        exponent += 1
    return quotient, exponent


def halving_discount(k: int) -> int:
    """``int64(d)`` where ``d = float64(100000)`` multiplied ``k`` times by 0.75, bit-exact.

    Each float multiplication by 0.75 is the exact product ``d * 3 / 4`` rounded once to 53 bits;
    dividing by 4 only moves the exponent, so the value is tracked as ``mantissa * 2**exponent``
    and rounded like IEEE 754. For k <= 26 this is ``100000 * 3**k // 4**k``; it stays equal to that
    up to k = 33 (spec §6.2). Once the value is below 1 it truncates to 0 for every larger k,
    so the loop stops there (k >= 41) and no subnormal numbers arise.
    """
    if k < 0:
        raise ValueError(f"discount exponent must be non-negative, got {k}")
    mantissa, exponent = DISCOUNT_SCALE, 0
    for _ in range(k):
        if exponent < 0 and mantissa >> -exponent == 0:
            return 0
        mantissa, exponent = _round_to_double(mantissa * 3, exponent)
        exponent -= 2
    return mantissa << exponent if exponent >= 0 else mantissa >> -exponent


def block_reward(number: int, coinbase_balance: int) -> int:
    """Gwtc's ``getReward(N, balance)`` in wei.

    ``coinbase_balance`` is the coinbase balance after the block's transactions and fees, before the
    reward (spec §6.1). The master-node bonus exists only from block 200,001.
    """
    if number < 0:
        raise ValueError(f"block number must be non-negative, got {number}")
    for last_block, reward in EARLY_REWARDS:
        if number <= last_block:
            return reward
    base = BASE_REWARD + (MASTER_NODE_BONUS if coinbase_balance >= MASTER_NODE_BALANCE else 0)
    years = number // ONE_YEAR_BLOCKS
    if years < 2:
        return base
    return (base // DISCOUNT_SCALE) * halving_discount(years // 2)


__all__ = [
    "BASE_REWARD",
    "MASTER_NODE_BALANCE",
    "MASTER_NODE_BONUS",
    "ONE_YEAR_BLOCKS",
    "WTC",
    "block_reward",
    "halving_discount",
]
