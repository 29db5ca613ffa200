"""CubeHash16/32-512 (``sph_cubehash512``), the second hash of the X11 chain.

Specified in D. J. Bernstein, "CubeHash specification (2.B.1)", SHA-3 round-2 submission (CubeHash16/32:
r = 16 rounds per 32-byte block, h = 512 output bits, 10r = 160 initialization and finalization rounds),
and implemented by sphlib's ``cubehash.c``.

The state is 32 little-endian 32-bit words x[00000]..x[11111]. This module keeps each half of the state
(x[0....] and x[1....], sixteen words each) in one Python integer, word ``i`` in bits ``64*i .. 64*i+31``
of its half. Adding, rotating and XORing all sixteen words is then a handful of big-integer operations
(carries and rotated-out bits land in the empty upper 32 bits of each 64-bit lane and are masked away),
and the round's word swaps are swaps of bit blocks.
"""

__all__ = ["cubehash512"]

_ROUNDS = 16  # r
_BLOCK_BYTES = 32  # b
_HASH_BITS = 512  # h
_FINAL_ROUNDS = 10 * _ROUNDS

_LANE = 64  # bits per word lane
_WORDS = 16  # words per half-state
_WORD_MASK = 0xFFFFFFFF


def _lane_mask(pattern: int, lanes: tuple[int, ...]) -> int:
    """``pattern`` placed in each of the given lanes."""
    mask = 0
    for lane in lanes:
        mask |= pattern << (_LANE * lane)
    return mask


_ALL = tuple(range(_WORDS))
_M32 = _lane_mask(_WORD_MASK, _ALL)  # the 32 live bits of every lane
# Lanes whose index has bit k clear, for swapping word i with word i ^ (1 << k) of a half-state:
# ((x & low) << 64 * 2**k) | ((x >> 64 * 2**k) & low).
_LOW8, _LOW4, _LOW2, _LOW1 = (_lane_mask(_WORD_MASK, tuple(i for i in _ALL if not i & step)) for step in (8, 4, 2, 1))
_SHIFT8, _SHIFT4, _SHIFT2, _SHIFT1 = (_LANE * step for step in (8, 4, 2, 1))


def _rounds(a: int, b: int, count: int) -> tuple[int, int]:
    """``count`` CubeHash rounds on the halves ``a`` = x[0jklm] and ``b`` = x[1jklm]."""
    m = _M32
    low8, low4, low2, low1 = _LOW8, _LOW4, _LOW2, _LOW1
    s8, s4, s2, s1 = _SHIFT8, _SHIFT4, _SHIFT2, _SHIFT1
    for _ in range(count):
        # Add x[0jklm] into x[1jklm]; rotate x[0jklm] left by 7; swap x[00klm] with x[01klm]. The swap's
        # masks also clear the bits the rotation pushed out of each word.
        b = (b + a) & m
        a = (a << 7) | (a >> 25)
        a = ((a & low8) << s8) | ((a >> s8) & low8)
        # XOR x[1jklm] into x[0jklm]; swap x[1jk0m] with x[1jk1m].
        a ^= b
        b = ((b & low2) << s2) | ((b >> s2) & low2)
        # Add x[0jklm] into x[1jklm]; rotate x[0jklm] left by 11; swap x[0j0lm] with x[0j1lm].
        b = (b + a) & m
        a = (a << 11) | (a >> 21)
        a = ((a & low4) << s4) | ((a >> s4) & low4)
        # XOR x[1jklm] into x[0jklm]; swap x[1jkl0] with x[1jkl1].
        a ^= b
        b = ((b & low1) << s1) | ((b >> s1) & low1)
    return a, b


def _spread(words: bytes) -> int:
    """Little-endian 32-bit words, ``len(words) // 4`` of them, placed one per 64-bit lane."""
    wide = bytearray(2 * len(words))
    for j in range(4):
        wide[j::8] = words[j::4]
    return int.from_bytes(wide, "little")


def _gather(x: int) -> bytes:
    """The sixteen words of a half-state as 64 little-endian bytes (inverse of :func:`_spread`)."""
    wide = x.to_bytes(_WORDS * 8, "little")
    out = bytearray(_WORDS * 4)
    for j in range(4):
        out[j::4] = wide[j::8]
    return bytes(out)


def _initial_state() -> tuple[int, int]:
    """x0 = h/8, x1 = b, x2 = r, all other words 0, then 10r rounds (the specification's IV)."""
    a = (_HASH_BITS // 8) | (_BLOCK_BYTES << _LANE) | (_ROUNDS << (2 * _LANE))
    return _rounds(a, 0, _FINAL_ROUNDS)


_IV_A, _IV_B = _initial_state()
_LAST_WORD_ONE = 1 << (_LANE * 15)  # the final step XORs 1 into x[11111], the last word of the upper half


def cubehash512(data: bytes) -> bytes:
    """CubeHash16/32-512 of ``data`` (byte-aligned), as ``sph_cubehash512`` computes it."""
    # Padding: one 0x80 byte, then zeros up to a whole 32-byte block.
    padded = bytes(data) + b"\x80"
    padded += bytes(-len(padded) % _BLOCK_BYTES)
    a, b = _IV_A, _IV_B
    for offset in range(0, len(padded), _BLOCK_BYTES):
        a ^= _spread(padded[offset : offset + _BLOCK_BYTES])
        a, b = _rounds(a, b, _ROUNDS)
    b ^= _LAST_WORD_ONE
    a, _ = _rounds(a, b, _FINAL_ROUNDS)
    return _gather(a)
