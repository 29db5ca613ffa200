"""The per-block X11 order (Gwtc ``VerifySeal`` order hash and ``getX11Order``), spec §3.3-3.4.

Each Waltonchain block chains the eleven hash functions in its own order. The order comes from
an "order hash" whose construction changed at every fork; only its first 12 bytes matter.
"""

import hashlib

from walton.consensus.forks import WaltonForkHeights

ORDER_LENGTH = 11
META = "ABCDEFGHIJK"
DISCARD = "CFIJK"
REPLACE = "AHDGEB"
V2_PREFIX = b"HardForkV2"
V3_SUFFIX = b"HardForkV3"
SEAL_HASH_LENGTH = 32


def number_bytes(number: int) -> bytes:
    """``be(N)``: Go's ``big.Int.Bytes()``, the minimal big-endian encoding (empty for 0)."""
    if number < 0:
        raise ValueError(f"block number must be non-negative, got {number}")
    return number.to_bytes((number.bit_length() + 7) // 8, "big")


def order_hash(number: int, seal_hash: bytes, heights: WaltonForkHeights) -> bytes:
    """The bytes ``getX11Order`` reads for block ``number`` (§3.3).

    preV1: the seal hash itself; V1: ``sha256(be(N))``; V2: ``"HardForkV2" || sha256(be(N))``
    (42 bytes: Gwtc passes the label to ``Sum`` as the output prefix instead of hashing it; the
    quirk is consensus); V3: ``sha256(be(N) || "HardForkV3")``.
    """
    if len(seal_hash) != SEAL_HASH_LENGTH:
        raise ValueError(f"seal hash must be {SEAL_HASH_LENGTH} bytes, got {len(seal_hash)}")
    phase = heights.phase(number)
    if phase == "preV1":
        return bytes(seal_hash)
    encoded = number_bytes(number)
    if phase == "V1":
        return hashlib.sha256(encoded).digest()
    if phase == "V2":
        return V2_PREFIX + hashlib.sha256(encoded).digest()
    return hashlib.sha256(encoded + V3_SUFFIX).digest()


def _check_order_hash(order_hash: bytes) -> None:
    if len(order_hash) < ORDER_LENGTH + 1:
        raise ValueError(f"order hash must have at least {ORDER_LENGTH + 1} bytes, got {len(order_hash)}")


def raw_order(order_hash: bytes) -> str:
    """The letters before de-duplication: ``META[h[i] % 11]`` for i = 0..10."""
    _check_order_hash(order_hash)
    return "".join(META[byte % len(META)] for byte in order_hash[:ORDER_LENGTH])


def replacement_letter(order_hash: bytes) -> str:
    """The letter that replaces repeated C, F, I, J, K: ``REPLACE[h[11] % 6]``."""
    _check_order_hash(order_hash)
    return REPLACE[order_hash[ORDER_LENGTH] % len(REPLACE)]


def x11_order(order_hash: bytes) -> str:
    """Gwtc's ``getX11Order(h, 11)`` (§3.4).

    C, F, I, J and K keep only their first occurrence; every later one becomes the replacement
    letter. Replacement letters are never discarded ones, so A, B, D, E, G and H may repeat.
    """
    letters = list(raw_order(order_hash))
    replacement = replacement_letter(order_hash)
    for discarded in DISCARD:
        seen = False
        for index, letter in enumerate(letters):
            if letter != discarded:
                continue
            if seen:
                letters[index] = replacement
            seen = True
    return "".join(letters)


def block_order(number: int, seal_hash: bytes, heights: WaltonForkHeights) -> str:
    """The X11 order of block ``number`` with seal hash ``seal_hash``."""
    return x11_order(order_hash(number, seal_hash, heights))


__all__ = [
    "DISCARD",
    "META",
    "REPLACE",
    "block_order",
    "number_bytes",
    "order_hash",
    "raw_order",
    "replacement_letter",
    "x11_order",
]
