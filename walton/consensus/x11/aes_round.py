"""One AES round (SubBytes, ShiftRows, MixColumns; no AddRoundKey) on 32-bit little-endian column words.

AES is specified in FIPS-197. SHAvite-3 and ECHO use the bare AES round as a building block; this module
is the one helper both share. The 128-bit AES state is four 32-bit words, word ``c`` holding column ``c``
with its row-0 byte in the low 8 bits (the byte order in which the state bytes sit in memory, read as
little-endian words), which is how sphlib's ``AES_ROUND_NOKEY_LE`` sees it.

The S-box is computed from its definition (inverse in GF(2^8) followed by the affine map) and the four
T-tables (S-box composed with one column of MixColumns) are built from it once, at import time.
"""

from collections.abc import Callable

__all__ = ["SBOX", "T0", "T1", "T2", "T3", "aes_round", "gf_mul"]

_AES_POLY = 0x11B  # x^8 + x^4 + x^3 + x + 1


def gf_mul(a: int, b: int) -> int:
    """Product in GF(2^8) modulo the AES polynomial (Grøstl uses the same field)."""
    result = 0
    while b:
        if b & 1:
            result ^= a
        a <<= 1
        if a & 0x100:
            a ^= _AES_POLY
        b >>= 1
    return result


def _build_sbox() -> bytes:
    """The AES S-box: multiplicative inverse (0 maps to 0), then the affine map of FIPS-197 section 5.1.1."""
    # 3 generates the multiplicative group of GF(2^8): invert through its powers.
    power = [0] * 255
    log = [0] * 256
    x = 1
    for i in range(255):
        power[i] = x
        log[x] = i
        x = gf_mul(x, 3)
    inverse = [0] + [power[(255 - log[a]) % 255] for a in range(1, 256)]
    box = bytearray(256)
    for a in range(256):
        x = inverse[a]
        s = x
        for shift in range(1, 5):
            s ^= ((x << shift) | (x >> (8 - shift))) & 0xFF
        box[a] = s ^ 0x63
    return bytes(box)


SBOX: bytes = _build_sbox()


def _rotl32(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


def _build_tables() -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """T0[a] is the output column contributed by a row-0 input byte ``a``: bytes (2s, s, s, 3s), s = S(a).

    A byte in row ``r`` contributes the same column rotated down by ``r`` rows, i.e. T0 rotated left by
    ``8 * r`` bits in the little-endian word layout.
    """
    t0 = tuple(gf_mul(s, 2) | (s << 8) | (s << 16) | (gf_mul(s, 3) << 24) for s in SBOX)
    t1 = tuple(_rotl32(w, 8) for w in t0)
    t2 = tuple(_rotl32(w, 16) for w in t0)
    t3 = tuple(_rotl32(w, 24) for w in t0)
    return t0, t1, t2, t3


T0, T1, T2, T3 = _build_tables()


def _make_aes_round() -> Callable[[int, int, int, int], tuple[int, int, int, int]]:
    # The tables are bound as closure variables: cheaper to reach than module globals in a hot loop.
    t0, t1, t2, t3 = T0, T1, T2, T3

    def aes_round(x0: int, x1: int, x2: int, x3: int) -> tuple[int, int, int, int]:
        """One unkeyed AES round on the column words ``x0..x3``; returns the four new column words.

        ShiftRows moves row ``r`` left by ``r`` columns, so output column ``c`` takes its row-``r`` byte
        from input column ``c + r``; XOR the round key into the result for a keyed round.
        """
        return (
            t0[x0 & 0xFF] ^ t1[(x1 >> 8) & 0xFF] ^ t2[(x2 >> 16) & 0xFF] ^ t3[x3 >> 24],
            t0[x1 & 0xFF] ^ t1[(x2 >> 8) & 0xFF] ^ t2[(x3 >> 16) & 0xFF] ^ t3[x0 >> 24],
            t0[x2 & 0xFF] ^ t1[(x3 >> 8) & 0xFF] ^ t2[(x0 >> 16) & 0xFF] ^ t3[x1 >> 24],
            t0[x3 & 0xFF] ^ t1[(x0 >> 8) & 0xFF] ^ t2[(x1 >> 16) & 0xFF] ^ t3[x2 >> 24],
        )

    return aes_round


aes_round = _make_aes_round()
