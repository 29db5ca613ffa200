"""SHAvite-3-512 (``sph_shavite512``), the eleventh hash of the X11 chain.

Specified in E. Biham and O. Dunkelman, "The SHAvite-3 Hash Function" (tweaked version of the SHA-3
round-2 submission): the compression function C512 is a 14-round Feistel-like construction on four
128-bit blocks, whose round function applies four keyed AES rounds, with a 448-word key schedule
expanded from the 1024-bit message block, the 128-bit bit counter and a zero salt. This module follows
sphlib's ``shavite.c``, which implements the specification (sphlib notes that the round-2 reference code
and its published vectors used big-endian AES tables by mistake); the byte order, padding and counter
handling below are sphlib's:

* message words are little-endian; the digest is the 16 chaining words, little-endian;
* the counter is the number of message bits up to and including the block; it is zero for a final
  block that holds no message bits;
* the last block carries 0x80, zeros, the total bit count as a 128-bit little-endian integer at byte
  110 and the digest size (512) as a 16-bit little-endian integer at byte 126; when fewer than 18 bytes
  are left after the 0x80 byte, that block is compressed first and a fresh zero block carries the
  count and size.
"""

import struct

from walton.consensus.x11.aes_round import aes_round

__all__ = ["shavite512"]

_BLOCK_BYTES = 128
_LENGTH_OFFSET = 110  # where the 128-bit bit count goes in the last block
_DIGEST_BITS = 512
_ROUNDS = 14
_MASK32 = 0xFFFFFFFF

# The 512-bit initial value (the specification's IV for a 512-bit digest).
_IV: tuple[int, ...] = (
    0x72FCCDD8, 0x79CA4727, 0x128A077B, 0x40D55AEC,
    0xD1901A06, 0x430AE307, 0xB29F5CD1, 0xDF07FBFC,
    0x8E45D73D, 0x681AB538, 0xBDE86578, 0xDD577E47,
    0xE275EADE, 0x502D9FCD, 0xB9357178, 0x022A4B9A,
)  # fmt: skip

_WORDS = struct.Struct("<32I")
_DIGEST = struct.Struct("<16I")

# The counter words c0..c3 (c0 least significant) are XORed into four places of the key schedule, each
# time into four consecutive words and in its own order, the last word complemented:
#   round 1, key words 0..3:    c0, c1, c2, ~c3
#   round 5, key words 4..7:    c3, c2, c1, ~c0
#   round 9, key words 28..31:  c2, c3, c0, ~c1
#   round 13, key words 24..27: c1, c0, c3, ~c2
_COUNTER_SLOTS: dict[int, tuple[int, tuple[int, int, int, int]]] = {
    1: (0, (0, 1, 2, 3)),
    5: (4, (3, 2, 1, 0)),
    9: (28, (2, 3, 0, 1)),
    13: (24, (1, 0, 3, 2)),
}


def _compress(h: list[int], block: bytes, counter: int) -> None:
    """C512: mix the 128-byte ``block`` into the chaining words ``h`` (in place), bit count ``counter``."""
    aes = aes_round
    rk = list(_WORDS.unpack(block))  # the 32 key words of the current round; round 0 uses the message
    c = (
        counter & _MASK32,
        (counter >> 32) & _MASK32,
        (counter >> 64) & _MASK32,
        (counter >> 96) & _MASK32,
    )
    p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, pa, pb, pc, pd, pe, pf = h
    for rnd in range(_ROUNDS):
        if rnd & 1:
            # Nonlinear expansion: each group of four words is an AES round of the group 32 words back
            # (rotated by one word), XORed with the group just before it.
            prev0, prev1, prev2, prev3 = rk[28], rk[29], rk[30], rk[31]
            slot = _COUNTER_SLOTS.get(rnd)
            for g in range(0, 32, 4):
                y0, y1, y2, y3 = aes(rk[g + 1], rk[g + 2], rk[g + 3], rk[g])
                prev0 = y0 ^ prev0
                prev1 = y1 ^ prev1
                prev2 = y2 ^ prev2
                prev3 = y3 ^ prev3
                if slot is not None and slot[0] == g:
                    o = slot[1]
                    prev0 ^= c[o[0]]
                    prev1 ^= c[o[1]]
                    prev2 ^= c[o[2]]
                    prev3 ^= c[o[3]] ^ _MASK32
                rk[g], rk[g + 1], rk[g + 2], rk[g + 3] = prev0, prev1, prev2, prev3
        elif rnd:
            # Linear expansion: word v is word v-32 XOR word v-7 (in place, lowest index first).
            for v in range(32):
                rk[v] ^= rk[v - 7]
        # Feistel step on the block pairs (P0, P1) and (P2, P3): P0 ^= F(P1) with key words 0..15,
        # P2 ^= F(P3) with key words 16..31; F is four AES rounds, each preceded by a key XOR.
        x0, x1, x2, x3 = aes(p4 ^ rk[0], p5 ^ rk[1], p6 ^ rk[2], p7 ^ rk[3])
        x0, x1, x2, x3 = aes(x0 ^ rk[4], x1 ^ rk[5], x2 ^ rk[6], x3 ^ rk[7])
        x0, x1, x2, x3 = aes(x0 ^ rk[8], x1 ^ rk[9], x2 ^ rk[10], x3 ^ rk[11])
        x0, x1, x2, x3 = aes(x0 ^ rk[12], x1 ^ rk[13], x2 ^ rk[14], x3 ^ rk[15])
        p0 ^= x0
        p1 ^= x1
        p2 ^= x2
        p3 ^= x3
        x0, x1, x2, x3 = aes(pc ^ rk[16], pd ^ rk[17], pe ^ rk[18], pf ^ rk[19])
        x0, x1, x2, x3 = aes(x0 ^ rk[20], x1 ^ rk[21], x2 ^ rk[22], x3 ^ rk[23])
        x0, x1, x2, x3 = aes(x0 ^ rk[24], x1 ^ rk[25], x2 ^ rk[26], x3 ^ rk[27])
        x0, x1, x2, x3 = aes(x0 ^ rk[28], x1 ^ rk[29], x2 ^ rk[30], x3 ^ rk[31])
        p8 ^= x0
        p9 ^= x1
        pa ^= x2
        pb ^= x3
        # Rotate the blocks: (P0, P1, P2, P3) <- (P3, P0, P1, P2).
        p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, pa, pb, pc, pd, pe, pf = (
            pc, pd, pe, pf, p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, pa, pb
        )  # fmt: skip
    for i, p in enumerate((p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, pa, pb, pc, pd, pe, pf)):
        h[i] ^= p


def shavite512(data: bytes) -> bytes:
    """SHAvite-3-512 of ``data`` (byte-aligned, no salt), as ``sph_shavite512`` computes it."""
    data = bytes(data)
    h = list(_IV)
    full = len(data) - len(data) % _BLOCK_BYTES
    for offset in range(0, full, _BLOCK_BYTES):
        _compress(h, data[offset : offset + _BLOCK_BYTES], 8 * (offset + _BLOCK_BYTES))
    rest = data[full:]
    bit_count = 8 * len(data)
    trailer = bit_count.to_bytes(16, "little") + _DIGEST_BITS.to_bytes(2, "little")
    if not rest:
        # No message bits left: the padding block is compressed with a zero counter.
        _compress(h, b"\x80" + bytes(_LENGTH_OFFSET - 1) + trailer, 0)
    elif len(rest) < _LENGTH_OFFSET:
        _compress(h, rest + b"\x80" + bytes(_LENGTH_OFFSET - 1 - len(rest)) + trailer, bit_count)
    else:
        _compress(h, rest + b"\x80" + bytes(_BLOCK_BYTES - 1 - len(rest)), bit_count)
        _compress(h, bytes(_LENGTH_OFFSET) + trailer, 0)
    return _DIGEST.pack(*h)
