"""ECHO-512 (``sph_echo512``), the third hash of the X11 chain.

Specified in R. Benadjila, O. Billet, H. Gilbert, G. Macario-Rat, T. Peyrin, M. Robshaw and Y. Seurin,
"SHA-3 Proposal: ECHO" (version 2.0, SHA-3 round 2), and implemented by sphlib's ``echo.c``. The state is
a 4x4 matrix of 128-bit cells; cell ``4 * column + row`` holds 16 bytes. A compression runs ten rounds of

* BIG.SubWords: two AES rounds on each cell, the first keyed with a 128-bit counter that starts at the
  block's bit count and goes up by one per cell (carrying over rounds), the second keyed with the salt,
  which is zero here;
* BIG.ShiftRows: row ``r`` of cells moves ``r`` columns to the left;
* BIG.MixColumns: the AES MixColumns matrix applied, byte position by byte position, to the four cells
  of each column;

and then folds the state into the 1024-bit chaining value V: V ^= M ^ W[0..7] ^ W[8..15], M being the
message block. Sphlib's byte order and padding: V starts as eight cells holding 512 (the digest size);
the 128-byte block is V's cells 8..15; the counter is the number of message bits up to and including
the block, zero for a final block with no message bits; the last block carries 0x80, zeros, the digest
size as a 16-bit little-endian integer at byte 110 and the total bit count as a 128-bit little-endian
integer at byte 112, in a fresh zero block when fewer than 18 bytes are left after the 0x80 byte. The
digest is the first 64 bytes of V.

SubWords goes through the shared T-table AES round (on 32-bit words); ShiftRows is folded into where
SubWords writes its output, and MixColumns works on the whole state as one 2048-bit integer, doing the
GF(2^8) doubling of all 256 bytes at once.
"""

import struct

from walton.consensus.x11.aes_round import aes_round

__all__ = ["echo512"]

_BLOCK_BYTES = 128
_TRAILER_OFFSET = 110  # digest size (2 bytes) then bit count (16 bytes) in the last block
_DIGEST_BITS = 512
_ROUNDS = 10
_CELLS = 16
_MASK32 = 0xFFFFFFFF
_MASK1024 = (1 << 1024) - 1

_STATE = struct.Struct("<64I")

# BIG.ShiftRows: the cell in row r, column c moves to column (c - r) mod 4. SubWords reads cell ``i // 4``
# at words i..i+3 and writes it at words j..j+3 of the shifted state.
_MOVES = tuple((4 * cell, 4 * (4 * ((cell // 4 - cell % 4) % 4) + cell % 4)) for cell in range(_CELLS))


def _repeat(pattern: int, width: int, count: int) -> int:
    """``pattern`` repeated ``count`` times every ``width`` bits."""
    value = 0
    for i in range(count):
        value |= pattern << (width * i)
    return value


# Byte-wise doubling in GF(2^8) of the whole 256-byte state.
_LOW7 = _repeat(0x7F, 8, 256)
_ONES = _repeat(0x01, 8, 256)
# Within each 512-bit column (cells a, b, c, d from the low end): cells b, c, d and cell a, for moving
# every cell of a column one place down (a <- b, b <- c, c <- d, d <- a); and likewise two places.
_COL_LOW3 = _repeat((1 << 384) - 1, 512, 4)
_COL_TOP1 = _repeat(((1 << 128) - 1) << 384, 512, 4)
_COL_LOW2 = _repeat((1 << 256) - 1, 512, 4)
_COL_TOP2 = _repeat(((1 << 256) - 1) << 256, 512, 4)


def _mix_columns(s: int) -> int:
    """BIG.MixColumns on the state as a 2048-bit little-endian integer (cell ``i`` at bits 128*i..).

    For each column (a, b, c, d) of cells, with t = (a^b, b^c, c^d, d^a) and 2t the byte-wise doubling:
    a' = 2a ^ 3b ^ c ^ d = 2t_a ^ b ^ (c ^ d), and so on round the column.
    """
    r1 = ((s >> 128) & _COL_LOW3) | ((s << 384) & _COL_TOP1)  # (b, c, d, a)
    t = s ^ r1
    doubled = ((t & _LOW7) << 1) ^ (((t >> 7) & _ONES) * 0x1B)
    r2 = ((t >> 256) & _COL_LOW2) | ((t << 256) & _COL_TOP2)  # (c^d, d^a, a^b, b^c)
    return doubled ^ r1 ^ r2


def _compress(v: int, block: bytes, counter: int) -> int:
    """One ECHO-512 compression of the 128-byte ``block`` into the 1024-bit chaining value ``v``."""
    aes = aes_round
    moves = _MOVES
    mask = _MASK32
    state = v | (int.from_bytes(block, "little") << 1024)
    w = list(_STATE.unpack(state.to_bytes(256, "little")))
    out = [0] * 64
    k = counter  # the 128-bit key of the next cell is k mod 2^128
    mixed = state
    for _ in range(_ROUNDS):
        for i, j in moves:
            x0, x1, x2, x3 = aes(*w[i : i + 4])
            x0 ^= k & mask
            x1 ^= (k >> 32) & mask
            x2 ^= (k >> 64) & mask
            x3 ^= (k >> 96) & mask
            out[j : j + 4] = aes(x0, x1, x2, x3)
            k += 1
        mixed = _mix_columns(int.from_bytes(_STATE.pack(*out), "little"))
        w = list(_STATE.unpack(mixed.to_bytes(256, "little")))
    final = state ^ mixed
    return (final ^ (final >> 1024)) & _MASK1024


_IV = _repeat(_DIGEST_BITS, 128, 8)


def echo512(data: bytes) -> bytes:
    """ECHO-512 of ``data`` (byte-aligned, zero salt), as ``sph_echo512`` computes it."""
    data = bytes(data)
    v = _IV
    full = len(data) - len(data) % _BLOCK_BYTES
    for offset in range(0, full, _BLOCK_BYTES):
        v = _compress(v, data[offset : offset + _BLOCK_BYTES], 8 * (offset + _BLOCK_BYTES))
    rest = data[full:]
    bit_count = 8 * len(data)
    trailer = _DIGEST_BITS.to_bytes(2, "little") + bit_count.to_bytes(16, "little")
    # The block holding the 0x80 byte is keyed with the bit count, or zero if it holds no message bit.
    counter = bit_count if rest else 0
    if len(rest) < _TRAILER_OFFSET:
        v = _compress(v, rest + b"\x80" + bytes(_TRAILER_OFFSET - 1 - len(rest)) + trailer, counter)
    else:
        v = _compress(v, rest + b"\x80" + bytes(_BLOCK_BYTES - 1 - len(rest)), counter)
        v = _compress(v, bytes(_TRAILER_OFFSET) + trailer, 0)
    return v.to_bytes(128, "little")[:64]
