"""Skein-512-512, as sphlib's ``sph_skein512`` computes it (the X11 "skein" step).

This is the final (version 1.3) SHA-3 submission of Ferguson, Lucks, Schneier, Whiting, Bellare,
Kohno, Callas and Walker: the Unique Block Iteration (UBI) chaining mode over the tweakable block
cipher Threefish-512 (72 rounds, a subkey injected every 4 rounds), with 64-byte blocks of
little-endian words, a configuration block for a 512-bit output, one message UBI and one output
UBI. Version 1.3 differs from 1.2 only in the key-schedule parity constant (0x1BD11BDAA9FC1A22
instead of 0x5555555555555555); the Threefish-512 rotation constants are the ones of 1.2/1.3
(46, 36, 19, 37, ...), not those of 1.1. Specification: "The Skein Hash Function Family",
version 1.3 (1 Oct 2010): Threefish, UBI and simple Skein hashing in its specification chapter.

Pure Python: eight Threefish rounds are unrolled over local variables and run nine times; the
initial chaining value is derived from the configuration block once, at import time.
"""

import struct

_M = 0xFFFFFFFFFFFFFFFF

# Key-schedule parity constant C_240 of Skein 1.3 (Skein 1.1 and 1.2 used 0x5555555555555555).
_C240 = 0x1BD11BDAA9FC1A22

# Tweak word T1 fields: block type (bits 120..125 of the tweak) and the first/final flags.
_FIRST = 1 << 62
_FINAL = 1 << 63
_TYPE_CFG = 4 << 56
_TYPE_MSG = 48 << 56
_TYPE_OUT = 63 << 56

_BLOCK = struct.Struct("<8Q")
_ZERO_BLOCK: tuple[int, ...] = (0,) * 8


def _ubi_block(h: tuple[int, ...], m: tuple[int, ...], position: int, t1: int) -> tuple[int, ...]:
    """One UBI step: Threefish-512 with key ``h`` and tweak (position, t1) of ``m``, XOR ``m``."""
    h0, h1, h2, h3, h4, h5, h6, h7 = h
    k = [h0, h1, h2, h3, h4, h5, h6, h7, _C240 ^ h0 ^ h1 ^ h2 ^ h3 ^ h4 ^ h5 ^ h6 ^ h7] * 3
    t0 = position & _M
    t = [t0, t1, t0 ^ t1] * 7
    x0, x1, x2, x3, x4, x5, x6, x7 = m
    # Threefish-512 only ever rotates the odd words; the even words are only added to and XORed
    # into odd words that are then masked, so they are left unreduced (they grow by a few bits at
    # most) and masked once at the end.
    for s in range(0, 18, 2):
        # inject subkey s
        x0 += k[s + 0]
        x1 = (x1 + k[s + 1]) & _M
        x2 += k[s + 2]
        x3 = (x3 + k[s + 3]) & _M
        x4 += k[s + 4]
        x5 = (x5 + k[s + 5] + t[s]) & _M
        x6 += k[s + 6] + t[s + 1]
        x7 = (x7 + k[s + 7] + s) & _M
        # round 0 of 8
        x0 += x1
        x1 = (((x1 << 46) | (x1 >> 18)) ^ x0) & _M
        x2 += x3
        x3 = (((x3 << 36) | (x3 >> 28)) ^ x2) & _M
        x4 += x5
        x5 = (((x5 << 19) | (x5 >> 45)) ^ x4) & _M
        x6 += x7
        x7 = (((x7 << 37) | (x7 >> 27)) ^ x6) & _M
        # round 1 of 8
        x2 += x1
        x1 = (((x1 << 33) | (x1 >> 31)) ^ x2) & _M
        x4 += x7
        x7 = (((x7 << 27) | (x7 >> 37)) ^ x4) & _M
        x6 += x5
        x5 = (((x5 << 14) | (x5 >> 50)) ^ x6) & _M
        x0 += x3
        x3 = (((x3 << 42) | (x3 >> 22)) ^ x0) & _M
        # round 2 of 8
        x4 += x1
        x1 = (((x1 << 17) | (x1 >> 47)) ^ x4) & _M
        x6 += x3
        x3 = (((x3 << 49) | (x3 >> 15)) ^ x6) & _M
        x0 += x5
        x5 = (((x5 << 36) | (x5 >> 28)) ^ x0) & _M
        x2 += x7
        x7 = (((x7 << 39) | (x7 >> 25)) ^ x2) & _M
        # round 3 of 8
        x6 += x1
        x1 = (((x1 << 44) | (x1 >> 20)) ^ x6) & _M
        x0 += x7
        x7 = (((x7 << 9) | (x7 >> 55)) ^ x0) & _M
        x2 += x5
        x5 = (((x5 << 54) | (x5 >> 10)) ^ x2) & _M
        x4 += x3
        x3 = (((x3 << 56) | (x3 >> 8)) ^ x4) & _M
        # inject subkey s+1
        x0 += k[s + 1]
        x1 = (x1 + k[s + 2]) & _M
        x2 += k[s + 3]
        x3 = (x3 + k[s + 4]) & _M
        x4 += k[s + 5]
        x5 = (x5 + k[s + 6] + t[s + 1]) & _M
        x6 += k[s + 7] + t[s + 2]
        x7 = (x7 + k[s + 8] + s + 1) & _M
        # round 4 of 8
        x0 += x1
        x1 = (((x1 << 39) | (x1 >> 25)) ^ x0) & _M
        x2 += x3
        x3 = (((x3 << 30) | (x3 >> 34)) ^ x2) & _M
        x4 += x5
        x5 = (((x5 << 34) | (x5 >> 30)) ^ x4) & _M
        x6 += x7
        x7 = (((x7 << 24) | (x7 >> 40)) ^ x6) & _M
        # round 5 of 8
        x2 += x1
        x1 = (((x1 << 13) | (x1 >> 51)) ^ x2) & _M
        x4 += x7
        x7 = (((x7 << 50) | (x7 >> 14)) ^ x4) & _M
        x6 += x5
        x5 = (((x5 << 10) | (x5 >> 54)) ^ x6) & _M
        x0 += x3
        x3 = (((x3 << 17) | (x3 >> 47)) ^ x0) & _M
        # round 6 of 8
        x4 += x1
        x1 = (((x1 << 25) | (x1 >> 39)) ^ x4) & _M
        x6 += x3
        x3 = (((x3 << 29) | (x3 >> 35)) ^ x6) & _M
        x0 += x5
        x5 = (((x5 << 39) | (x5 >> 25)) ^ x0) & _M
        x2 += x7
        x7 = (((x7 << 43) | (x7 >> 21)) ^ x2) & _M
        # round 7 of 8
        x6 += x1
        x1 = (((x1 << 8) | (x1 >> 56)) ^ x6) & _M
        x0 += x7
        x7 = (((x7 << 35) | (x7 >> 29)) ^ x0) & _M
        x2 += x5
        x5 = (((x5 << 56) | (x5 >> 8)) ^ x2) & _M
        x4 += x3
        x3 = (((x3 << 22) | (x3 >> 42)) ^ x4) & _M
    # final subkey 18: key words 0..7, tweak words 0 and 1
    return (
        ((x0 + h0) & _M) ^ m[0],
        ((x1 + h1) & _M) ^ m[1],
        ((x2 + h2) & _M) ^ m[2],
        ((x3 + h3) & _M) ^ m[3],
        ((x4 + h4) & _M) ^ m[4],
        ((x5 + h5 + t0) & _M) ^ m[5],
        ((x6 + h6 + t1) & _M) ^ m[6],
        ((x7 + h7 + 18) & _M) ^ m[7],
    )


# Chaining value after the configuration block: schema "SHA3", version 1, output length 512 bits,
# no tree parameters, processed by UBI under the all-zero key.
_IV: tuple[int, ...] = _ubi_block(
    _ZERO_BLOCK, (0x0000000133414853, 512, 0, 0, 0, 0, 0, 0), 32, _TYPE_CFG | _FIRST | _FINAL
)


def skein512(data: bytes) -> bytes:
    """Skein-512-512 digest (64 bytes) of ``data``, as ``sph_skein512`` computes it."""
    h = _IV
    n = len(data)
    # Every block but the last is a full one; the last (zero-padded, or all zeros for an empty
    # message) carries the final flag. The tweak position counts message bytes, not padding.
    last = (n - 1) // 64 if n else 0
    t1 = _TYPE_MSG | _FIRST
    for i in range(last):
        h = _ubi_block(h, _BLOCK.unpack_from(data, 64 * i), 64 * (i + 1), t1)
        t1 = _TYPE_MSG
    tail = data[64 * last :]
    h = _ubi_block(h, _BLOCK.unpack(tail + bytes(64 - len(tail))), n, t1 | _FINAL)
    # Output transform: UBI of the 8-byte counter 0 (zero-padded to one block).
    h = _ubi_block(h, _ZERO_BLOCK, 8, _TYPE_OUT | _FIRST | _FINAL)
    return _BLOCK.pack(*h)
