"""Proof of Labor (PoL) on the IoT fork: relaying earns credit, master nodes turn credit into reward.

The third leg of WPoC. Work that only counts when the chain itself verified it earns labor
credit (the precompiles at 0x110/0x111 record it in the LABOR precompile's storage, 0x113):

- anchoring a child-chain header on this chain: ``HEADER_CREDIT`` per header accepted (every
  header is checked: parent link, authority signature or X11 seal; each one can be anchored once);
- verifying a cross-chain proof in a transaction: ``PROOF_CREDIT`` per datum, once per
  (chain, block, kind, key), so replaying a proof earns nothing.

Credit halves every ``HALF_LIFE_BLOCKS`` blocks it sits unused, so it cannot be hoarded forever.
A block's coinbase that is a master node (balance tiers below, measured like the master-node
bonus of ``walton.consensus.rewards``) spends up to its tier's cap of credit on each block it
mines, and earns ``reward * spent / 100`` more: +10 % (MN), +20 % (GMN) or +40 % (SMN) of the
block reward at most. With no credit, or below 5,000 WTC, nothing changes and nothing is spent.
The bonus raises the reward rather than easing the X11 target, so a seal stays a function of the
header and the coinbase balance alone: the parent chain's anchor precompile checks a WPoC child's
seal with one account proof.
"""

from dataclasses import dataclass

from walton.consensus.rewards import MASTER_NODE_BALANCE, WTC

HEADER_CREDIT = 1
PROOF_CREDIT = 1
HALF_LIFE_BLOCKS = 2880  # a day of 30-second blocks
BONUS_PERCENT_PER_CREDIT = 1

GUARDIAN_MASTER_NODE_BALANCE = 10_000 * WTC
SUPER_MASTER_NODE_BALANCE = 100_000 * WTC


@dataclass(frozen=True)
class Tier:
    name: str
    minimum_balance: int
    credit_cap: int  # credit a coinbase of this tier spends at most per block


# Highest first. Balances follow Waltonchain's master nodes: MN 5,000 WTC (Gwtc's AddedRewardForMN),
# GMN 10,000 WTC and SMN 100,000 WTC (the Guardian/Super Master Node holdings).
TIERS = (
    Tier("SMN", SUPER_MASTER_NODE_BALANCE, 40),
    Tier("GMN", GUARDIAN_MASTER_NODE_BALANCE, 20),
    Tier("MN", MASTER_NODE_BALANCE, 10),
)


def master_node_tier(balance: int) -> Tier | None:
    """The master-node tier of a coinbase holding ``balance`` wei, or None below 5,000 WTC."""
    return next((tier for tier in TIERS if balance >= tier.minimum_balance), None)


def decayed_credit(credit: int, elapsed_blocks: int) -> int:
    """Credit left after ``elapsed_blocks`` unused: halved every ``HALF_LIFE_BLOCKS`` (rounded down)."""
    if credit < 0 or elapsed_blocks < 0:
        raise ValueError(f"credit {credit} and elapsed blocks {elapsed_blocks} must be non-negative")
    return credit >> (elapsed_blocks // HALF_LIFE_BLOCKS)


@dataclass(frozen=True)
class LaborBonus:
    bonus: int  # wei added to the block reward
    spent: int  # credit consumed


NO_BONUS = LaborBonus(0, 0)


def labor_bonus(reward: int, coinbase_balance: int, credit: int) -> LaborBonus:
    """What a block's coinbase earns on top of ``reward`` for its (decayed) ``credit``, and what it spends."""
    tier = master_node_tier(coinbase_balance)
    if tier is None or credit <= 0 or reward <= 0:
        return NO_BONUS
    spent = min(credit, tier.credit_cap)
    return LaborBonus(reward * spent * BONUS_PERCENT_PER_CREDIT // 100, spent)


__all__ = [
    "GUARDIAN_MASTER_NODE_BALANCE",
    "HALF_LIFE_BLOCKS",
    "HEADER_CREDIT",
    "NO_BONUS",
    "PROOF_CREDIT",
    "SUPER_MASTER_NODE_BALANCE",
    "TIERS",
    "LaborBonus",
    "Tier",
    "decayed_credit",
    "labor_bonus",
    "master_node_tier",
]
