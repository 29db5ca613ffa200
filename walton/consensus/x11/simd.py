"""SIMD-512, the tenth hash of the X11 chain (between SHAvite-3 and ECHO), in pure Python.

This is ``sph_simd512`` of sphlib (and so of Dash's and Waltonchain's X11): the *tweaked* round-2
SIMD of the NIST SHA-3 competition, specified in G. Leurent, C. Bouillaguet and P.-A. Fouque,
"SIMD Is a Message Digest" (round-2 submission package, 2009).  In short:

* the message is cut in 128-byte blocks, the last one zero-padded; one more block, holding the
  message length in bits (64-bit little-endian), is then compressed with the "final" expansion;
* message expansion: the block's bytes are the coefficients of a polynomial M(X), and
  y[i] = M(beta^i) + beta^(255 i) (+ beta^(253 i) for the final block) modulo 257 for i < 256, with
  beta = 41 of order 256 (a number-theoretic transform).  Each y[i] is centred into [-128, 128];
  pairs of them times 185 (rounds 0-1) or 233 (rounds 2-3) give the 16-bit halves of the expanded
  32-bit words, which the steps take in the permuted order of the specification;
* compression: the 32-word state (rows A, B, C, D of eight words) is XORed with the block, goes
  through 4 rounds of 8 modular Feistel steps (IF then MAJ boolean functions, rotations, additions
  of a XOR-permuted column), then 4 more steps keyed by the previous chaining value (the
  feed-forward).  The digest is the first 16 state words, little-endian;
* the initial value is the compression of the string "SIMD-512 v1.1" from the all-zero state (it is
  derived that way here, at import time).

For speed the eight columns of a row are packed in one Python integer, one 64-bit lane per 32-bit
word so that additions do not carry across columns.  The transform is four packed 64-lane dot
products (one per residue class of the byte index modulo 4) joined by a radix-4 butterfly with
omega = beta^64 = 16; its reduction modulo 257 and the building of the expanded words are done on
all 256 lanes at once with masks and shifts.
"""

import struct
from collections.abc import Sequence
from functools import lru_cache
from operator import mul

__all__ = ["simd512"]

_P = 257
_BETA = 41  # of order 256 modulo 257
_OMEGA = pow(_BETA, 64, _P)  # 16, a 4th root of unity: omega^2 = -1
_M32 = 0xFFFFFFFF

_BLOCK_WORDS = struct.Struct("<32I")
_MESSAGE_LANES = struct.Struct("<32Q")
_DIGEST_LANES = struct.Struct("<16Q")
_DIGEST_WORDS = struct.Struct("<16I")


def _pack(values: Sequence[int], width: int) -> int:
    """Pack values into one integer, value k in bits [k * width, (k + 1) * width)."""
    acc = 0
    for k, value in enumerate(values):
        acc |= value << (k * width)
    return acc


# ---------------------------------------------------------------------------------------------
# Message expansion: the transform modulo 257, in lanes of 32 bits
# ---------------------------------------------------------------------------------------------

_LANE = 32
_QUARTER = 64  # lanes of one packed quarter: y[i + 64 t] for i < 64 is lane i of quarter t
_QUARTER_BITS = _LANE * _QUARTER


def _lanes(value: int, count: int) -> int:
    """The same value in ``count`` lanes of 32 bits."""
    return _pack([value] * count, _LANE)


# _COLUMNS[c][m]: lane i holds beta^(i (4 m + c)), the weight of byte 4 m + c in y[i], i < 64.
_COLUMNS: tuple[tuple[int, ...], ...] = tuple(
    tuple(_pack([pow(_BETA, i * (4 * m + c), _P) for i in range(_QUARTER)], _LANE) for m in range(32)) for c in range(4)
)
# The tweak terms X^255 (every block) and X^253 (final block) are in residue classes 3 and 1.
_TWEAK_255 = _pack([pow(_BETA, 255 * i, _P) for i in range(_QUARTER)], _LANE)
_TWEAK_253 = _pack([pow(_BETA, 253 * i, _P) for i in range(_QUARTER)], _LANE)

# The butterfly keeps lanes non-negative (and below 2^32) with biases that are multiples of 257.
_CLASS_MAX = 32 * 255 * 256 + 256  # largest lane of one class sum: 32 bytes, weights <= 256, tweak
_BIAS1 = _lanes(_P * -(-_CLASS_MAX // _P), _QUARTER)
_BIAS2 = _lanes(_P * -(-2 * _CLASS_MAX // _P), _QUARTER)
_BIAS3 = _lanes(_P * -(-_OMEGA * (2 * _CLASS_MAX + _P) // _P), _QUARTER)

# Exact reduction modulo 257 of 256 lanes, using 256 = -1 (mod 257).
_ALL = 256
_BYTES = _lanes(0xFF, _ALL)
_REDUCE1_BIAS = _lanes(2 * _P, _ALL)  # b0 - b1 + b2 - b3 + 514 is in [4, 1024]
_REDUCE2_BIAS = _lanes(_P, _ALL)  # (r & 255) - (r >> 8) + 257 is in [253, 512]
_AT_LEAST_257 = _lanes(0x10000 - _P, _ALL)  # bit 16 of lane + this is set iff lane >= 257
_ABOVE_128 = _lanes(0x10000 - 129, _ALL)  # bit 16 of lane + this is set iff lane > 128
_ONES = _lanes(1, _ALL)
_HALVES = _lanes(0xFFFF, _ALL)
# A residue v in [0, 256] stands for c = v - 257 [v > 128] in [-128, 128]; the halves of the
# expanded words are c k modulo 2^16 = v k + (-257 k mod 2^16) [v > 128], for k = 185 or 233.
_FIX_185 = (-_P * 185) % 0x10000
_FIX_233 = (-_P * 233) % 0x10000
# 32-bit words in the low halves of 64-bit lanes: the row format of the Feistel steps.
_WORDS_128 = _pack([_M32] * 128, 64)
_WORDS_64 = _pack([_M32] * 64, 64)

# Row z (64 bytes at 64 z) of the packed expanded words is the specification's block z of eight
# words: rows 0-15 hold y[2 k] + 2^16 y[2 k + 1] (times 185), rows 16-23 y[e] + 2^16 y[e + 128] for
# even e and rows 24-31 the same for odd e (times 233).  The 32 steps take them in this order:
_STEP_ROWS = (
    (4, 6, 0, 2, 7, 5, 3, 1),
    (15, 11, 12, 8, 9, 13, 10, 14),
    (17, 18, 23, 20, 22, 21, 16, 19),
    (30, 24, 25, 31, 27, 29, 28, 26),
)
_ROW_OFFSETS = tuple(64 * z for rows in _STEP_ROWS for z in rows)


def _expand(block: bytes, final: bool) -> list[int]:
    """The 36 packed rows a block (up to 128 bytes, implicitly zero-padded) brings to a compression.

    Rows 0-31 are the expanded words of steps 0-31; rows 32-35 are the block itself, as rows
    A, B, C, D to XOR into the state.
    """
    s0 = sum(map(mul, block[0::4], _COLUMNS[0]))
    s1 = sum(map(mul, block[1::4], _COLUMNS[1]), _TWEAK_253 if final else 0)
    s2 = sum(map(mul, block[2::4], _COLUMNS[2]))
    s3 = sum(map(mul, block[3::4], _COLUMNS[3]), _TWEAK_255)
    # y[i + 64 t] = s0 + omega^t s1 + omega^2t s2 + omega^3t s3, with omega = 16 and omega^2 = -1.
    a = s0 + s2
    b = s0 - s2 + _BIAS1
    c = s1 + s3
    d = (s1 - s3 + _BIAS1) << 4
    y = (
        (a + c)
        | (b + d) << _QUARTER_BITS
        | (a - c + _BIAS2) << (2 * _QUARTER_BITS)
        | (b - d + _BIAS3) << (3 * _QUARTER_BITS)
    )
    r = (y & _BYTES) + (y >> 16 & _BYTES) + _REDUCE1_BIAS - (y >> 8 & _BYTES) - (y >> 24 & _BYTES)
    r = (r & _BYTES) + _REDUCE2_BIAS - (r >> 8 & _BYTES)
    v = r - _P * ((r + _AT_LEAST_257) >> 16 & _ONES)  # residues in [0, 256]
    negative = (v + _ABOVE_128) >> 16 & _ONES
    h185 = (v * 185 + negative * _FIX_185) & _HALVES
    h233 = (v * 233 + negative * _FIX_233) & _HALVES
    # Rounds 0-1: y[2 k] and y[2 k + 1] are the two halves of 64-bit lane k.
    words01 = (h185 | h185 >> 16) & _WORDS_128
    # Rounds 2-3: put y[e + 128] above y[e], then even e (round 2) and odd e (round 3) apart.
    paired = h233 | (h233 >> (128 * _LANE)) << 16
    words23 = (paired & _WORDS_64) | (paired >> 32 & _WORDS_64) << (64 * 64)
    raw = (words01 | words23 << (128 * 64)).to_bytes(2048, "little")
    from_bytes = int.from_bytes
    rows = [from_bytes(raw[k : k + 64], "little") for k in _ROW_OFFSETS]
    message = _MESSAGE_LANES.pack(*_BLOCK_WORDS.unpack(bytes(block).ljust(128, b"\x00")))
    rows.extend(from_bytes(message[k : k + 64], "little") for k in range(0, 256, 64))
    return rows


# ---------------------------------------------------------------------------------------------
# Compression: Feistel steps on packed rows of eight 64-bit lanes
# ---------------------------------------------------------------------------------------------

_ROW_MASK = _pack([_M32] * 8, 64)  # low 32 bits of each of the eight 64-bit lanes
_ROTATIONS = ((3, 23, 17, 27), (28, 19, 22, 7), (29, 9, 15, 5), (4, 13, 10, 25))
_COLUMN_XOR = (1, 6, 2, 3, 5, 7, 4)  # step t adds column j ^ _COLUMN_XOR[t % 7] of the rotated A

# (rotation r, 32 - r, rotation s, 32 - s, IF (else MAJ), swap stages (shift, kept columns))
_Step = tuple[int, int, int, int, bool, tuple[tuple[int, int], ...]]


def _swap(bit: int) -> tuple[int, int]:
    """(shift, mask) exchanging columns j and j ^ 2^bit of a packed row."""
    distance = 1 << bit
    return 64 * distance, _pack([0 if j & distance else _M32 for j in range(8)], 64)


def _step(t: int) -> _Step:
    rotations = _ROTATIONS[min(t // 8, 3)]  # the 4 feed-forward steps reuse the last round's
    r = rotations[t % 4]
    s = rotations[(t + 1) % 4]
    xor = _COLUMN_XOR[t % 7]
    return (r, 32 - r, s, 32 - s, t >= 32 or t % 8 < 4, tuple(_swap(k) for k in range(3) if xor >> k & 1))


_STEPS: tuple[_Step, ...] = tuple(_step(t) for t in range(36))

_Rows = tuple[int, int, int, int]


def _compress(state: _Rows, expanded: Sequence[int]) -> _Rows:
    """One compression: state XOR block, 32 message steps, 4 feed-forward steps."""
    mask = _ROW_MASK
    a = state[0] ^ expanded[32]
    b = state[1] ^ expanded[33]
    c = state[2] ^ expanded[34]
    d = state[3] ^ expanded[35]
    for (r, r_back, s, s_back, use_if, swaps), w in zip(_STEPS, (*expanded[:32], *state), strict=True):
        rotated = ((a << r) | (a >> r_back)) & mask
        f = (((b ^ c) & a) ^ c) if use_if else ((a & b) | ((a | b) & c))
        t = (d + w + f) & mask
        permuted = rotated
        for shift, keep in swaps:
            permuted = (permuted >> shift & keep) | (permuted & keep) << shift
        d = c
        c = b
        b = rotated
        a = ((((t << s) | (t >> s_back)) & mask) + permuted) & mask
    return (a, b, c, d)


@lru_cache(maxsize=64)
def _final_block(bit_length: int) -> tuple[int, ...]:
    """The expanded final block; it depends only on the message length."""
    return tuple(_expand((bit_length & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little"), True))


_IV: _Rows = _compress((0, 0, 0, 0), _expand(b"SIMD-512 v1.1", False))


def simd512(data: bytes) -> bytes:
    """SIMD-512 digest (64 bytes) of ``data``, as sphlib's ``sph_simd512``."""
    state = _IV
    length = len(data)
    for start in range(0, length, 128):
        state = _compress(state, _expand(data[start : start + 128], False))
    a, b, _, _ = _compress(state, _final_block(8 * length))
    return _DIGEST_WORDS.pack(*_DIGEST_LANES.unpack(a.to_bytes(64, "little") + b.to_bytes(64, "little")))
