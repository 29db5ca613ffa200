"""BLAKE-512, as sphlib's ``sph_blake512`` computes it (the X11 "blake" step).

This is the final-round (version 1.3) SHA-3 submission of BLAKE by Aumasson, Henzen, Meier and
Phan: 16 rounds of the ChaCha-like G function over a 4x4 state of 64-bit words, salt zero, 128-byte
blocks of big-endian words, the SHA-512 initial value, and a 128-bit bit counter that is zero for a
final block holding no message bits. Specification: "SHA-3 proposal BLAKE", version 1.3
(https://131002.net/blake/blake.pdf), the BLAKE-512 section and its padding rules.

Pure Python: 64-bit words are Python ints taken modulo 2**64, masked only where a rotation needs
them reduced; one round is unrolled and the message/constant pairs each round reads are
precomputed at import time.
"""

import struct

_M = 0xFFFFFFFFFFFFFFFF

# Initial value: the SHA-512 one.
_IV: tuple[int, ...] = (
    0x6A09E667F3BCC908,
    0xBB67AE8584CAA73B,
    0x3C6EF372FE94F82B,
    0xA54FF53A5F1D36F1,
    0x510E527FADE682D1,
    0x9B05688C2B3E6C1F,
    0x1F83D9ABFB41BD6B,
    0x5BE0CD19137E2179,
)

# The sixteen constants c_0..c_15 (leading digits of pi).
_C: tuple[int, ...] = (
    0x243F6A8885A308D3,
    0x13198A2E03707344,
    0xA4093822299F31D0,
    0x082EFA98EC4E6C89,
    0x452821E638D01377,
    0xBE5466CF34E90C6C,
    0xC0AC29B7C97C50DD,
    0x3F84D5B5B5470917,
    0x9216D5D98979FB1B,
    0xD1310BA698DFB5AC,
    0x2FFD72DBD01ADFB7,
    0xB8E1AFED6A267E96,
    0xBA7C9045F12C7F99,
    0x24A19947B3916CF7,
    0x0801F2E2858EFC16,
    0x636920D871574E69,
)

# The ten message permutations sigma_0..sigma_9; round r uses sigma_(r mod 10).
_SIGMA: tuple[tuple[int, ...], ...] = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    (14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3),
    (11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4),
    (7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8),
    (9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13),
    (2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9),
    (12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11),
    (13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10),
    (6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5),
    (10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0),
)

_ROUNDS = 16


def _round_inputs(sigma: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """(message index, constant) of the 16 words x_0..x_15 one round adds, in the order used.

    G_i adds m[s(2i)] ^ c[s(2i+1)] first and m[s(2i+1)] ^ c[s(2i)] second.
    """
    pairs: list[tuple[int, int]] = []
    for i in range(8):
        j, k = sigma[2 * i], sigma[2 * i + 1]
        pairs.append((j, _C[k]))
        pairs.append((k, _C[j]))
    return tuple(pairs)


_SCHEDULE: tuple[tuple[tuple[int, int], ...], ...] = tuple(_round_inputs(_SIGMA[r % 10]) for r in range(_ROUNDS))

_BLOCK = struct.Struct(">16Q")
_DIGEST = struct.Struct(">8Q")


def _compress(h: list[int], m: tuple[int, ...], counter: int) -> None:
    """Compress one block (16 words ``m``) into the chaining value ``h`` in place."""
    v0, v1, v2, v3, v4, v5, v6, v7 = h
    v8, v9, v10, v11 = _C[0], _C[1], _C[2], _C[3]  # salt is zero
    t0 = counter & _M
    t1 = counter >> 64
    v12 = t0 ^ _C[4]
    v13 = t0 ^ _C[5]
    v14 = t1 ^ _C[6]
    v15 = t1 ^ _C[7]
    # The state words are kept only modulo 2**64: sums and rotation outputs are left unreduced
    # (a rotation written as (t >> r) | (t << (64 - r)) is the true rotation plus a multiple of
    # 2**64), and only the values about to be rotated are masked.
    for pairs in _SCHEDULE:
        x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15 = [m[j] ^ c for j, c in pairs]
        # G0
        v0 += v4 + x0
        t = (v12 ^ v0) & _M
        v12 = (t >> 32) | (t << 32)
        v8 += v12
        t = (v4 ^ v8) & _M
        v4 = (t >> 25) | (t << 39)
        v0 += v4 + x1
        t = (v12 ^ v0) & _M
        v12 = (t >> 16) | (t << 48)
        v8 += v12
        t = (v4 ^ v8) & _M
        v4 = (t >> 11) | (t << 53)
        # G1
        v1 += v5 + x2
        t = (v13 ^ v1) & _M
        v13 = (t >> 32) | (t << 32)
        v9 += v13
        t = (v5 ^ v9) & _M
        v5 = (t >> 25) | (t << 39)
        v1 += v5 + x3
        t = (v13 ^ v1) & _M
        v13 = (t >> 16) | (t << 48)
        v9 += v13
        t = (v5 ^ v9) & _M
        v5 = (t >> 11) | (t << 53)
        # G2
        v2 += v6 + x4
        t = (v14 ^ v2) & _M
        v14 = (t >> 32) | (t << 32)
        v10 += v14
        t = (v6 ^ v10) & _M
        v6 = (t >> 25) | (t << 39)
        v2 += v6 + x5
        t = (v14 ^ v2) & _M
        v14 = (t >> 16) | (t << 48)
        v10 += v14
        t = (v6 ^ v10) & _M
        v6 = (t >> 11) | (t << 53)
        # G3
        v3 += v7 + x6
        t = (v15 ^ v3) & _M
        v15 = (t >> 32) | (t << 32)
        v11 += v15
        t = (v7 ^ v11) & _M
        v7 = (t >> 25) | (t << 39)
        v3 += v7 + x7
        t = (v15 ^ v3) & _M
        v15 = (t >> 16) | (t << 48)
        v11 += v15
        t = (v7 ^ v11) & _M
        v7 = (t >> 11) | (t << 53)
        # G4
        v0 += v5 + x8
        t = (v15 ^ v0) & _M
        v15 = (t >> 32) | (t << 32)
        v10 += v15
        t = (v5 ^ v10) & _M
        v5 = (t >> 25) | (t << 39)
        v0 += v5 + x9
        t = (v15 ^ v0) & _M
        v15 = (t >> 16) | (t << 48)
        v10 += v15
        t = (v5 ^ v10) & _M
        v5 = (t >> 11) | (t << 53)
        # G5
        v1 += v6 + x10
        t = (v12 ^ v1) & _M
        v12 = (t >> 32) | (t << 32)
        v11 += v12
        t = (v6 ^ v11) & _M
        v6 = (t >> 25) | (t << 39)
        v1 += v6 + x11
        t = (v12 ^ v1) & _M
        v12 = (t >> 16) | (t << 48)
        v11 += v12
        t = (v6 ^ v11) & _M
        v6 = (t >> 11) | (t << 53)
        # G6
        v2 += v7 + x12
        t = (v13 ^ v2) & _M
        v13 = (t >> 32) | (t << 32)
        v8 += v13
        t = (v7 ^ v8) & _M
        v7 = (t >> 25) | (t << 39)
        v2 += v7 + x13
        t = (v13 ^ v2) & _M
        v13 = (t >> 16) | (t << 48)
        v8 += v13
        t = (v7 ^ v8) & _M
        v7 = (t >> 11) | (t << 53)
        # G7
        v3 += v4 + x14
        t = (v14 ^ v3) & _M
        v14 = (t >> 32) | (t << 32)
        v9 += v14
        t = (v4 ^ v9) & _M
        v4 = (t >> 25) | (t << 39)
        v3 += v4 + x15
        t = (v14 ^ v3) & _M
        v14 = (t >> 16) | (t << 48)
        v9 += v14
        t = (v4 ^ v9) & _M
        v4 = (t >> 11) | (t << 53)
    h[0] = (h[0] ^ v0 ^ v8) & _M
    h[1] = (h[1] ^ v1 ^ v9) & _M
    h[2] = (h[2] ^ v2 ^ v10) & _M
    h[3] = (h[3] ^ v3 ^ v11) & _M
    h[4] = (h[4] ^ v4 ^ v12) & _M
    h[5] = (h[5] ^ v5 ^ v13) & _M
    h[6] = (h[6] ^ v6 ^ v14) & _M
    h[7] = (h[7] ^ v7 ^ v15) & _M


def blake512(data: bytes) -> bytes:
    """BLAKE-512 digest (64 bytes) of ``data``, as ``sph_blake512`` computes it."""
    h = list(_IV)
    n = len(data)
    full = n // 128
    for i in range(full):
        _compress(h, _BLOCK.unpack_from(data, 128 * i), 1024 * (i + 1))
    rest = n - 128 * full
    bits = 8 * n
    length = bits.to_bytes(16, "big")
    # A block holding message bits is counted with every message bit so far; a block of padding
    # alone is counted as zero.
    tail_counter = bits if rest else 0
    if rest < 112:
        if rest == 111:  # the opening 1 bit and the closing 1 bit share one byte
            block = data[128 * full :] + b"\x81" + length
        else:
            block = data[128 * full :] + b"\x80" + bytes(110 - rest) + b"\x01" + length
        _compress(h, _BLOCK.unpack(block), tail_counter)
    else:
        block = data[128 * full :] + b"\x80" + bytes(127 - rest)
        _compress(h, _BLOCK.unpack(block), bits)
        _compress(h, _BLOCK.unpack(bytes(111) + b"\x01" + length), 0)
    return _DIGEST.pack(*h)
