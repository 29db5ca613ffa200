"""Waltonchain fork heights.

Gwtc hard-codes its three forks as global constants (``params/protocol_params.go``), not in the
chain config, so they apply to every network. The shared test chains were mined by patched
builds with moved heights, which is why a validator takes them as a value instead of
importing constants.
"""

from dataclasses import dataclass
from typing import Literal

Phase = Literal["preV1", "V1", "V2", "V3"]

PHASES: tuple[Phase, ...] = ("preV1", "V1", "V2", "V3")


@dataclass(frozen=True)
class WaltonForkHeights:
    """The block numbers at which Gwtc's consensus rules switch, plus the V2 difficulty lock value.

    ``v1``: X11 order from ``sha256(be(N))``; TxNumber stops scaling the target.
    ``v2``: order-hash prefix quirk; target scaled by coinbase balance; block ``v2`` must have
    difficulty ``v2_difficulty``.
    ``v3``: order hash ``sha256(be(N) || "HardForkV3")``; new difficulty formula.
    """

    v1: int = 149500
    v2: int = 175366
    v3: int = 221500
    v2_difficulty: int = 4332176356141

    def __post_init__(self) -> None:
        # Gwtc's if/else chains assume ordered heights; misordered ones have no defined meaning.
        if not 0 <= self.v1 <= self.v2 <= self.v3:
            raise ValueError(f"fork heights must satisfy 0 <= v1 <= v2 <= v3, got {self.v1}, {self.v2}, {self.v3}")
        if self.v2_difficulty <= 0:
            raise ValueError(f"the HardForkV2 difficulty must be positive, got {self.v2_difficulty}")

    def phase(self, number: int) -> Phase:
        """The rule set of block ``number``, named as the shared fixtures name it (``phase`` in blocks.json)."""
        if number < 0:
            raise ValueError(f"block number must be non-negative, got {number}")
        if number >= self.v3:
            return "V3"
        if number >= self.v2:
            return "V2"
        if number >= self.v1:
            return "V1"
        return "preV1"


MAINNET_FORK_HEIGHTS = WaltonForkHeights()

__all__ = ["MAINNET_FORK_HEIGHTS", "PHASES", "Phase", "WaltonForkHeights"]
