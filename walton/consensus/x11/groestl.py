"""Grøstl-512, as sphlib's ``sph_groestl512`` computes it (the X11 "groestl" step).

This is the final-round ("tweaked", round 3) SHA-3 submission of Grøstl by Gauravaram, Knudsen,
Matusiewicz, Mendel, Rechberger, Schläffer and Thomsen: a wide-pipe Merkle-Damgård hash over a
1024-bit state (an 8x16 byte matrix, filled column by column), with the compression function
f(h, m) = P(h ^ m) ^ Q(m) ^ h built from two 14-round AES-like permutations P_1024 and Q_1024, and the
output transformation trunc_512(P(h) ^ h). Specification: "Grøstl - a SHA-3 candidate", version 2.0.1
of 2 March 2011 (https://www.groestl.info/Groestl.pdf), section 3: compression and output
transformation, the permutations (AddRoundConstant, SubBytes, ShiftBytes, MixBytes) with the tweaked
round constants of the final round, the initial values and the padding.

Pure Python with T-tables: the AES S-box is computed from its definition at import time and folded
with each column of the MixBytes matrix into eight tables of 64-bit column words (row 0 in the top
byte). One round XORs its constant into the state (kept as one 1024-bit int), splits it into its 128
bytes, and builds every output column from eight table look-ups; the ShiftBytes shift vector is
written into which byte each look-up reads.
"""

import struct

from walton.consensus.x11.aes_round import SBOX, gf_mul

# ---------------------------------------------------------------------------------------------------
# Tables built at import time.


# First row of the circulant MixBytes matrix B = circ(02, 02, 03, 04, 05, 03, 05, 07).
_MIX_ROW = (2, 2, 3, 4, 5, 3, 5, 7)


def _tables() -> tuple[list[int], ...]:
    """T_i[x]: the output column (as a 64-bit word) that input byte x in row i contributes to.

    Row r of MixBytes' output is sum_i B[r][i] * S(a_i) with B[r][i] = _MIX_ROW[(i - r) mod 8], so
    T_i is T_0 with its rows moved down by i: T_0 rotated right by 8 * i bits.
    """
    t0 = []
    for x in range(256):
        word = 0
        for r in range(8):
            word = (word << 8) | gf_mul(_MIX_ROW[-r % 8], SBOX[x])
        t0.append(word)
    mask = (1 << 64) - 1
    return tuple([((w >> (8 * i)) | (w << (64 - 8 * i))) & mask for w in t0] for i in range(8))


_T = _tables()


def _round_constants(for_q: bool) -> tuple[int, ...]:
    """AddRoundConstant of each round r, as a 1024-bit int in the state's byte order.

    P_1024 XORs (j << 4) ^ r into row 0 of column j; Q_1024 XORs 0xff into every byte and, in row 7 of
    column j, (j << 4) ^ 0xff ^ r instead.
    """
    constants = []
    for r in range(14):
        matrix = bytearray(b"\xff" * 128 if for_q else bytes(128))
        for j in range(16):
            if for_q:
                matrix[8 * j + 7] = (j << 4) ^ 0xFF ^ r
            else:
                matrix[8 * j] = (j << 4) ^ r
        constants.append(int.from_bytes(matrix, "big"))
    return tuple(constants)


_RC_P = _round_constants(False)
_RC_Q = _round_constants(True)

_COLUMNS = struct.Struct(">16Q")

# Initial value of Grøstl-512: the digest size in bits in the last bytes of the state.
_IV = 512

_M512 = (1 << 512) - 1

# ---------------------------------------------------------------------------------------------------
# The permutations: byte b_(8c + r) is row r of column c; output column j of a round reads row i
# from column (j + shift_i) mod 16 (ShiftBytes), through table T_i (SubBytes and MixBytes).


def _p(state: int) -> int:
    """The permutation P_1024 (14 rounds, shift vector 0, 1, 2, 3, 4, 5, 6, 11)."""
    t0, t1, t2, t3, t4, t5, t6, t7 = _T
    pack = _COLUMNS.pack
    from_bytes = int.from_bytes
    for constant in _RC_P:  # one line of b names per column, rows 0..7
        (
            b0, b1, b2, b3, b4, b5, b6, b7,
            b8, b9, b10, b11, b12, b13, b14, b15,
            b16, b17, b18, b19, b20, b21, b22, b23,
            b24, b25, b26, b27, b28, b29, b30, b31,
            b32, b33, b34, b35, b36, b37, b38, b39,
            b40, b41, b42, b43, b44, b45, b46, b47,
            b48, b49, b50, b51, b52, b53, b54, b55,
            b56, b57, b58, b59, b60, b61, b62, b63,
            b64, b65, b66, b67, b68, b69, b70, b71,
            b72, b73, b74, b75, b76, b77, b78, b79,
            b80, b81, b82, b83, b84, b85, b86, b87,
            b88, b89, b90, b91, b92, b93, b94, b95,
            b96, b97, b98, b99, b100, b101, b102, b103,
            b104, b105, b106, b107, b108, b109, b110, b111,
            b112, b113, b114, b115, b116, b117, b118, b119,
            b120, b121, b122, b123, b124, b125, b126, b127,
        ) = (state ^ constant).to_bytes(128, "big")  # fmt: skip
        c0 = t0[b0] ^ t1[b9] ^ t2[b18] ^ t3[b27] ^ t4[b36] ^ t5[b45] ^ t6[b54] ^ t7[b95]
        c1 = t0[b8] ^ t1[b17] ^ t2[b26] ^ t3[b35] ^ t4[b44] ^ t5[b53] ^ t6[b62] ^ t7[b103]
        c2 = t0[b16] ^ t1[b25] ^ t2[b34] ^ t3[b43] ^ t4[b52] ^ t5[b61] ^ t6[b70] ^ t7[b111]
        c3 = t0[b24] ^ t1[b33] ^ t2[b42] ^ t3[b51] ^ t4[b60] ^ t5[b69] ^ t6[b78] ^ t7[b119]
        c4 = t0[b32] ^ t1[b41] ^ t2[b50] ^ t3[b59] ^ t4[b68] ^ t5[b77] ^ t6[b86] ^ t7[b127]
        c5 = t0[b40] ^ t1[b49] ^ t2[b58] ^ t3[b67] ^ t4[b76] ^ t5[b85] ^ t6[b94] ^ t7[b7]
        c6 = t0[b48] ^ t1[b57] ^ t2[b66] ^ t3[b75] ^ t4[b84] ^ t5[b93] ^ t6[b102] ^ t7[b15]
        c7 = t0[b56] ^ t1[b65] ^ t2[b74] ^ t3[b83] ^ t4[b92] ^ t5[b101] ^ t6[b110] ^ t7[b23]
        c8 = t0[b64] ^ t1[b73] ^ t2[b82] ^ t3[b91] ^ t4[b100] ^ t5[b109] ^ t6[b118] ^ t7[b31]
        c9 = t0[b72] ^ t1[b81] ^ t2[b90] ^ t3[b99] ^ t4[b108] ^ t5[b117] ^ t6[b126] ^ t7[b39]
        c10 = t0[b80] ^ t1[b89] ^ t2[b98] ^ t3[b107] ^ t4[b116] ^ t5[b125] ^ t6[b6] ^ t7[b47]
        c11 = t0[b88] ^ t1[b97] ^ t2[b106] ^ t3[b115] ^ t4[b124] ^ t5[b5] ^ t6[b14] ^ t7[b55]
        c12 = t0[b96] ^ t1[b105] ^ t2[b114] ^ t3[b123] ^ t4[b4] ^ t5[b13] ^ t6[b22] ^ t7[b63]
        c13 = t0[b104] ^ t1[b113] ^ t2[b122] ^ t3[b3] ^ t4[b12] ^ t5[b21] ^ t6[b30] ^ t7[b71]
        c14 = t0[b112] ^ t1[b121] ^ t2[b2] ^ t3[b11] ^ t4[b20] ^ t5[b29] ^ t6[b38] ^ t7[b79]
        c15 = t0[b120] ^ t1[b1] ^ t2[b10] ^ t3[b19] ^ t4[b28] ^ t5[b37] ^ t6[b46] ^ t7[b87]
        state = from_bytes(pack(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15), "big")
    return state


def _q(state: int) -> int:
    """The permutation Q_1024 (14 rounds, shift vector 1, 3, 5, 11, 0, 2, 4, 6)."""
    t0, t1, t2, t3, t4, t5, t6, t7 = _T
    pack = _COLUMNS.pack
    from_bytes = int.from_bytes
    for constant in _RC_Q:  # one line of b names per column, rows 0..7
        (
            b0, b1, b2, b3, b4, b5, b6, b7,
            b8, b9, b10, b11, b12, b13, b14, b15,
            b16, b17, b18, b19, b20, b21, b22, b23,
            b24, b25, b26, b27, b28, b29, b30, b31,
            b32, b33, b34, b35, b36, b37, b38, b39,
            b40, b41, b42, b43, b44, b45, b46, b47,
            b48, b49, b50, b51, b52, b53, b54, b55,
            b56, b57, b58, b59, b60, b61, b62, b63,
            b64, b65, b66, b67, b68, b69, b70, b71,
            b72, b73, b74, b75, b76, b77, b78, b79,
            b80, b81, b82, b83, b84, b85, b86, b87,
            b88, b89, b90, b91, b92, b93, b94, b95,
            b96, b97, b98, b99, b100, b101, b102, b103,
            b104, b105, b106, b107, b108, b109, b110, b111,
            b112, b113, b114, b115, b116, b117, b118, b119,
            b120, b121, b122, b123, b124, b125, b126, b127,
        ) = (state ^ constant).to_bytes(128, "big")  # fmt: skip
        c0 = t0[b8] ^ t1[b25] ^ t2[b42] ^ t3[b91] ^ t4[b4] ^ t5[b21] ^ t6[b38] ^ t7[b55]
        c1 = t0[b16] ^ t1[b33] ^ t2[b50] ^ t3[b99] ^ t4[b12] ^ t5[b29] ^ t6[b46] ^ t7[b63]
        c2 = t0[b24] ^ t1[b41] ^ t2[b58] ^ t3[b107] ^ t4[b20] ^ t5[b37] ^ t6[b54] ^ t7[b71]
        c3 = t0[b32] ^ t1[b49] ^ t2[b66] ^ t3[b115] ^ t4[b28] ^ t5[b45] ^ t6[b62] ^ t7[b79]
        c4 = t0[b40] ^ t1[b57] ^ t2[b74] ^ t3[b123] ^ t4[b36] ^ t5[b53] ^ t6[b70] ^ t7[b87]
        c5 = t0[b48] ^ t1[b65] ^ t2[b82] ^ t3[b3] ^ t4[b44] ^ t5[b61] ^ t6[b78] ^ t7[b95]
        c6 = t0[b56] ^ t1[b73] ^ t2[b90] ^ t3[b11] ^ t4[b52] ^ t5[b69] ^ t6[b86] ^ t7[b103]
        c7 = t0[b64] ^ t1[b81] ^ t2[b98] ^ t3[b19] ^ t4[b60] ^ t5[b77] ^ t6[b94] ^ t7[b111]
        c8 = t0[b72] ^ t1[b89] ^ t2[b106] ^ t3[b27] ^ t4[b68] ^ t5[b85] ^ t6[b102] ^ t7[b119]
        c9 = t0[b80] ^ t1[b97] ^ t2[b114] ^ t3[b35] ^ t4[b76] ^ t5[b93] ^ t6[b110] ^ t7[b127]
        c10 = t0[b88] ^ t1[b105] ^ t2[b122] ^ t3[b43] ^ t4[b84] ^ t5[b101] ^ t6[b118] ^ t7[b7]
        c11 = t0[b96] ^ t1[b113] ^ t2[b2] ^ t3[b51] ^ t4[b92] ^ t5[b109] ^ t6[b126] ^ t7[b15]
        c12 = t0[b104] ^ t1[b121] ^ t2[b10] ^ t3[b59] ^ t4[b100] ^ t5[b117] ^ t6[b6] ^ t7[b23]
        c13 = t0[b112] ^ t1[b1] ^ t2[b18] ^ t3[b67] ^ t4[b108] ^ t5[b125] ^ t6[b14] ^ t7[b31]
        c14 = t0[b120] ^ t1[b9] ^ t2[b26] ^ t3[b75] ^ t4[b116] ^ t5[b5] ^ t6[b22] ^ t7[b39]
        c15 = t0[b0] ^ t1[b17] ^ t2[b34] ^ t3[b83] ^ t4[b124] ^ t5[b13] ^ t6[b30] ^ t7[b47]
        state = from_bytes(pack(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15), "big")
    return state


def groestl512(data: bytes) -> bytes:
    """Grøstl-512 digest (64 bytes) of ``data``, byte-for-byte as ``sph_groestl512`` / ``..._close``."""
    length = len(data)
    # Padding: 0x80, zeros, then the 64-bit big-endian count of 128-byte blocks including padding.
    blocks = (length + 9 + 127) // 128
    padded = b"".join((data, b"\x80", bytes(blocks * 128 - length - 9), blocks.to_bytes(8, "big")))
    h = _IV
    p = _p
    q = _q
    for offset in range(0, len(padded), 128):
        m = int.from_bytes(padded[offset : offset + 128], "big")
        h ^= p(h ^ m) ^ q(m)
    return ((p(h) ^ h) & _M512).to_bytes(64, "big")
