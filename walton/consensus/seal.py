"""Gwtc's seal check (``VerifySeal`` in ``consensus/ethash/consensus.go``) as pure functions, spec §3.

A header is sealed when ``X11_order(seal_hash || be8(nonce) || 24 zero bytes)``, read as a
256-bit big-endian integer, is strictly below ``2^256 // difficulty`` scaled by the stake factors,
and its mixHash is 32 zero bytes. The checks run, and fail, in Gwtc's order with Gwtc's error
texts, so a rejection here reads like the same rejection in a Gwtc log.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from walton.consensus.forks import Phase, WaltonForkHeights
from walton.consensus.order import order_hash as compute_order_hash
from walton.consensus.order import x11_order
from walton.consensus.stake import coin_age_root, target_diff
from walton.consensus.x11 import x11

TWO_POW_256 = 2**256
NONCE_LIMIT = 2**64
NONCE_EPOCH_LENGTH = 30000  # ethash epoch length: the only remnant of the DAG
NONCE_EPOCH_LIMIT = 2048  # ethash cache-size table bound: blocks from epoch 2048 on are rejected
TX_NUMBER_SCALE = 5 * 10**18
ZERO_HASH = bytes(32)
SEAL_INPUT_PADDING = bytes(24)


class SealError(ValueError):
    """A header whose seal Gwtc would reject; ``gwtc_error`` is Gwtc's own error text."""

    gwtc_error: ClassVar[str] = "invalid seal"

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"{self.gwtc_error}: {detail}" if detail else self.gwtc_error)


class InvalidDifficultyError(SealError):
    """Gwtc's ``errInvalidDifficulty``: difficulty <= 0."""

    gwtc_error = "non-positive difficulty"


class DifficultyLockError(InvalidDifficultyError):
    """Block HardForkV2 with a difficulty other than HardForkV2diff; Gwtc reports it as errInvalidDifficulty."""


class NonceOutOfRangeError(SealError):
    """Block in ethash epoch 2048 or later (N >= 61,440,000): Gwtc's ``errNonceOutOfRange``."""

    gwtc_error = "nonce out of range"


class InvalidMixDigestError(SealError):
    """mixHash other than 32 zero bytes (Gwtc's X11 "digest" is always zero): ``errInvalidMixDigest``."""

    gwtc_error = "invalid mix digest"


class InvalidProofOfWorkError(SealError):
    """X11 result not strictly below the target: ``errInvalidPoW``."""

    gwtc_error = "invalid proof-of-work"


class TargetOverflowError(SealError):
    """Target >= 2^256. Gwtc has no error for it: ``FullTo32`` panics and the node crashes,
    so no Gwtc node ever accepted such a block and it must be rejected."""

    gwtc_error = "proof-of-work target out of range"


def seal_input(seal_hash: bytes, nonce: int) -> bytes:
    """The 64 bytes X11 hashes (``myx11``): seal hash, nonce as 8 bytes big-endian, 24 zero bytes."""
    if len(seal_hash) != 32:
        raise ValueError(f"seal hash must be 32 bytes, got {len(seal_hash)}")
    if not 0 <= nonce < NONCE_LIMIT:
        raise ValueError(f"nonce must fit in 8 bytes, got {nonce}")
    return bytes(seal_hash) + nonce.to_bytes(8, "big") + SEAL_INPUT_PADDING


def base_target(difficulty: int) -> int:
    """``2^256 // D``: go-ethereum 1.7.1's ``maxUint256`` is 2^256 itself, not 2^256 - 1."""
    if difficulty <= 0:
        raise InvalidDifficultyError(f"difficulty {difficulty}")
    return TWO_POW_256 // difficulty


@dataclass(frozen=True)
class TargetBreakdown:
    """How the target of one header was built; a factor is ``None`` where its phase does not use it."""

    base_target: int
    coin_age_factor: int | None  # Sqrt(header.CoinAge, 6), before V2; applied only when > 0
    balance_scaled: bool  # TargetDiff(coinbase balance, .) applied, from V2
    tx_number_factor: int | None  # Sqrt(TxNumber * 5e18, 6), before V1; applied only when > 0
    target: int


def target_breakdown(
    number: int,
    difficulty: int,
    coin_age: int,
    tx_number: int,
    coinbase_balance: int,
    heights: WaltonForkHeights,
) -> TargetBreakdown:
    """The target of §3.5 with its parts, in Gwtc's order: coin age or balance first, then TxNumber."""
    target = base = base_target(difficulty)
    coin_age_factor: int | None = None
    tx_number_factor: int | None = None
    if number < heights.v2:
        coin_age_factor = coin_age_root(coin_age)
        if coin_age_factor > 0:
            target *= coin_age_factor
    else:
        target = target_diff(coinbase_balance, target)
    if number < heights.v1:
        tx_number_factor = coin_age_root(tx_number * TX_NUMBER_SCALE)
        if tx_number_factor > 0:
            target *= tx_number_factor
    return TargetBreakdown(base, coin_age_factor, number >= heights.v2, tx_number_factor, target)


def pow_target(
    number: int,
    difficulty: int,
    coin_age: int,
    tx_number: int,
    coinbase_balance: int,
    heights: WaltonForkHeights,
) -> int:
    """The integer the X11 result must be strictly below (may be >= 2^256; ``verify_seal`` rejects that).

    ``coin_age`` is the header's CoinAge (used before V2), ``tx_number`` the header's TxNumber (before
    V1), ``coinbase_balance`` the coinbase balance in the parent's post-state (from V2, spec §4.6).
    """
    return target_breakdown(number, difficulty, coin_age, tx_number, coinbase_balance, heights).target


def _check_seal(
    number: int,
    difficulty: int,
    mix_hash: bytes,
    heights: WaltonForkHeights,
    target_of: Callable[[], int],
    result_of: Callable[[], bytes],
) -> None:
    """Gwtc's checks in Gwtc's order (§3.6); the X11 result and target are computed only when reached."""
    if number == heights.v2 and difficulty != heights.v2_difficulty:
        raise DifficultyLockError(
            f"HardForkV2 block {number} must have difficulty {heights.v2_difficulty}, got {difficulty}"
        )
    if number // NONCE_EPOCH_LENGTH >= NONCE_EPOCH_LIMIT:
        raise NonceOutOfRangeError(f"block {number} is in ethash epoch {number // NONCE_EPOCH_LENGTH} (limit 2047)")
    if difficulty <= 0:
        raise InvalidDifficultyError(f"difficulty {difficulty}")
    if mix_hash != ZERO_HASH:
        raise InvalidMixDigestError(f"mixHash must be 32 zero bytes, got 0x{bytes(mix_hash).hex()}")
    result = result_of()
    target = target_of()
    if target >= TWO_POW_256:
        raise TargetOverflowError(f"target {target:#x} >= 2^256 (Gwtc panics in FullTo32)")
    if int.from_bytes(result, "big") >= target:
        raise InvalidProofOfWorkError(f"X11 result 0x{result.hex()} is not below target {target:#066x}")


def verify_seal(
    number: int,
    difficulty: int,
    seal_hash: bytes,
    nonce: int,
    mix_hash: bytes,
    coin_age: int,
    tx_number: int,
    coinbase_balance: int,
    heights: WaltonForkHeights,
) -> None:
    """Raise the ``SealError`` Gwtc's ``VerifySeal`` would report, or return if the seal is valid.

    The argument meanings are those of ``pow_target``; ``seal_hash`` is the header's ``HashNoNonce``.
    Malformed inputs (wrong seal hash length, nonce beyond 8 bytes) raise a plain ``ValueError``.
    """
    data = seal_input(seal_hash, nonce)
    _check_seal(
        number,
        difficulty,
        mix_hash,
        heights,
        target_of=lambda: pow_target(number, difficulty, coin_age, tx_number, coinbase_balance, heights),
        result_of=lambda: x11(data, x11_order(compute_order_hash(number, seal_hash, heights))),
    )


@dataclass(frozen=True)
class SealReport:
    """Everything about one seal check, for a debugging command; ``error`` is ``None`` when valid."""

    number: int
    phase: Phase
    difficulty: int
    seal_hash: bytes
    nonce: int
    mix_hash: bytes
    order_hash: bytes
    order: str
    x11_result: bytes
    target: TargetBreakdown | None  # None when the difficulty is not positive
    error: SealError | None

    @property
    def valid(self) -> bool:
        return self.error is None

    @property
    def verdict(self) -> str:
        """``"valid"`` or the error message (Gwtc's text first)."""
        return "valid" if self.error is None else str(self.error)


def inspect_seal(
    number: int,
    difficulty: int,
    seal_hash: bytes,
    nonce: int,
    mix_hash: bytes,
    coin_age: int,
    tx_number: int,
    coinbase_balance: int,
    heights: WaltonForkHeights,
) -> SealReport:
    """Compute every intermediate value of the seal check and the verdict ``verify_seal`` would give.

    Unlike ``verify_seal`` it always computes the X11 result, even when an earlier check fails.
    """
    block_order_hash = compute_order_hash(number, seal_hash, heights)
    order = x11_order(block_order_hash)
    result = x11(seal_input(seal_hash, nonce), order)
    breakdown = (
        target_breakdown(number, difficulty, coin_age, tx_number, coinbase_balance, heights) if difficulty > 0 else None
    )
    error: SealError | None = None
    try:
        _check_seal(
            number,
            difficulty,
            mix_hash,
            heights,
            target_of=lambda: breakdown.target if breakdown is not None else base_target(difficulty),
            result_of=lambda: result,
        )
    except SealError as exc:
        error = exc
    return SealReport(
        number=number,
        phase=heights.phase(number),
        difficulty=difficulty,
        seal_hash=bytes(seal_hash),
        nonce=nonce,
        mix_hash=bytes(mix_hash),
        order_hash=block_order_hash,
        order=order,
        x11_result=result,
        target=breakdown,
        error=error,
    )


__all__ = [
    "DifficultyLockError",
    "InvalidDifficultyError",
    "InvalidMixDigestError",
    "InvalidProofOfWorkError",
    "NonceOutOfRangeError",
    "SealError",
    "SealReport",
    "TargetBreakdown",
    "TargetOverflowError",
    "base_target",
    "inspect_seal",
    "pow_target",
    "seal_input",
    "target_breakdown",
    "verify_seal",
]
