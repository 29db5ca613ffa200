"""Luffa-512, as sphlib's ``sph_luffa512`` computes it (the X11 "luffa" step).

This is the round-2 SHA-3 submission of Luffa by De Cannière, Sato and Watanabe (specification
version 2.0, the version with the permutation tweaks): five 256-bit chaining blocks V_0..V_4 of eight
32-bit big-endian words, 32-byte message blocks mixed in by the message injection MI (w = 5), then the
five 8-step permutations Q_0..Q_4 (tweak, then SubCrumb, MixWord, AddConstant each step). After the
padding block, two blank rounds (message zero) each output the XOR of the five blocks: 256 + 256
bits. Specification: "Hash Function Luffa, Specification Ver. 2.0" (Hitachi, 15 September 2009;
the NIST SHA-3 round-2 submission), sections 3.1-3.3 (padding, MI for w = 5, finalization), 4 (the
permutation and its tweak) and appendices A-B (starting variables, step constants, copied below).

Pure Python, five-way parallel: word i of the five chaining blocks shares one 160-bit "slot" (block
j in bits 32j..32j+31), and the eight slots form two 640-bit ints, u = words 0..3 and v = words 4..7.
SubCrumb then runs once per step for all five permutations, MixWord once for all four word pairs and
five permutations (32-bit rotations lane-wise, with masks), and MI works on whole slots.
"""

_M32 = 0xFFFFFFFF
_LANES = 5
_M160 = (1 << (32 * _LANES)) - 1
_REPEAT = sum(1 << (32 * j) for j in range(_LANES))  # x * _REPEAT copies a 32-bit x into every lane

# Starting variables V_0..V_4 (appendix A), eight words each.
_V_INIT = (
    (0x6D251E69, 0x44B051E0, 0x4EAA6FB4, 0xDBF78465, 0x6E292011, 0x90152DF4, 0xEE058139, 0xDEF610BB),
    (0xC3B44B95, 0xD9D2F256, 0x70EEE9A0, 0xDE099FA3, 0x5D9B0557, 0x8FC944B3, 0xCF1CCF0E, 0x746CD581),
    (0xF7EFC89D, 0x5DBA5781, 0x04016CE5, 0xAD659C05, 0x0306194F, 0x666D1836, 0x24AA230A, 0x8B264AE7),
    (0x858075D5, 0x36D79CCE, 0xE571F7D7, 0x204B1F67, 0x35870C6A, 0x57E9E923, 0x14BCB808, 0x7CDE72CE),
    (0x6C68E9BE, 0x5EC41E22, 0xC825B7C7, 0xAFFB4363, 0xF5DF3999, 0x0FC688F1, 0xB07224CC, 0x03E86CEA),
)

# Step constants of Q_j (appendix B, w = 5): the words added to word 0 and word 4 in steps 0..7.
_C_WORD0 = (
    (0x303994A6, 0xC0E65299, 0x6CC33A12, 0xDC56983E, 0x1E00108F, 0x7800423D, 0x8F5B7882, 0x96E1DB12),
    (0xB6DE10ED, 0x70F47AAE, 0x0707A3D4, 0x1C1E8F51, 0x707A3D45, 0xAEB28562, 0xBACA1589, 0x40A46F3E),
    (0xFC20D9D2, 0x34552E25, 0x7AD8818F, 0x8438764A, 0xBB6DE032, 0xEDB780C8, 0xD9847356, 0xA2C78434),
    (0xB213AFA5, 0xC84EBE95, 0x4E608A22, 0x56D858FE, 0x343B138F, 0xD0EC4E3D, 0x2CEB4882, 0xB3AD2208),
    (0xF0D2E9E3, 0xAC11D7FA, 0x1BCB66F2, 0x6F2D9BC9, 0x78602649, 0x8EDAE952, 0x3B6BA548, 0xEDAE9520),
)
_C_WORD4 = (
    (0xE0337818, 0x441BA90D, 0x7F34D442, 0x9389217F, 0xE5A8BCE6, 0x5274BAF4, 0x26889BA7, 0x9A226E9D),
    (0x01685F3D, 0x05A17CF4, 0xBD09CACA, 0xF4272B28, 0x144AE5CC, 0xFAA7AE2B, 0x2E48F1C1, 0xB923C704),
    (0xE25E72C1, 0xE623BB72, 0x5C58A4A4, 0x1E38E2E7, 0x78E38B9D, 0x27586719, 0x36EDA57F, 0x703AACE7),
    (0xE028C9BF, 0x44756F91, 0x7E8FCE32, 0x956548BE, 0xFE191BE2, 0x3CB226E5, 0x5944A28E, 0xA1C4C355),
    (0x5090D577, 0x2D1925AB, 0xB46496AC, 0xD1925AB0, 0x29131AB6, 0x0FC053C3, 0x3F014F0C, 0xFC053C31),
)


def _lanes(words: tuple[int, ...]) -> int:
    """Pack one 32-bit word per chaining block into a 160-bit int, block j in lane j."""
    return sum(w << (32 * j) for j, w in enumerate(words))


def _spread(lane_pattern: int) -> int:
    """A 160-bit pattern repeated in the four 160-bit slots of a half-state (640 bits)."""
    return sum(lane_pattern << (160 * k) for k in range(4))


def _half_states(words: list[int]) -> tuple[int, int]:
    """Eight lane-packed words w0..w7 as the two half-states (w0..w3, w4..w7), word k in slot k."""
    return (
        words[0] | words[1] << 160 | words[2] << 320 | words[3] << 480,
        words[4] | words[5] << 160 | words[6] << 320 | words[7] << 480,
    )


_M640 = (1 << 640) - 1
_LANE0 = _spread(_M32)  # lane 0 of every slot
_LANES0TO3 = _spread((1 << 128) - 1)
_LANES1TO4 = _spread(_M160 ^ _M32)
_SLOTS1AND3 = (1 << 160) | (1 << 480)  # t * _SLOTS1AND3 puts a one-slot value t into slots 1 and 3

# Per step: (word-0 constants of the five permutations, word-4 constants), lane-packed in slot 0.
_STEP_CONSTANTS: tuple[tuple[int, int], ...] = tuple(
    (_lanes(tuple(c[r] for c in _C_WORD0)), _lanes(tuple(c[r] for c in _C_WORD4))) for r in range(8)
)

_IV: tuple[int, int] = _half_states([_lanes(tuple(v[i] for v in _V_INIT)) for i in range(8)])


def _rotation_masks(n: int) -> tuple[int, int]:
    """Masks for a lane-wise left rotation by n: bits kept after << n, bits brought in by >> (32 - n)."""
    return _spread(((_M32 << n) & _M32) * _REPEAT), _spread(((1 << n) - 1) * _REPEAT)


_H2, _L2 = _rotation_masks(2)
_H14, _L14 = _rotation_masks(14)
_H10, _L10 = _rotation_masks(10)
_H1, _L1 = _rotation_masks(1)


def _tweak_stage(n: int) -> tuple[int, int, int, int]:
    """Rotation by n (n = 1, 2, 4) of the lanes j whose index has the bit n set.

    The tweak rotates words 4..7 of V_j left by j bits; lane j gets the rotations its binary digits
    select. Returns (n, bits left alone, bits kept after << n, bits brought in by >> (32 - n)).
    """
    selected = _spread(sum(_M32 << (32 * j) for j in range(_LANES) if j & n))
    high, low = _rotation_masks(n)
    return n, _M640 ^ selected, high & selected, low & selected


_TWEAK = tuple(_tweak_stage(n) for n in (1, 2, 4))


# ---------------------------------------------------------------------------------------------------
# The state is two 640-bit ints u = (w0, w1, w2, w3) and v = (w4, w5, w6, w7), each w a 160-bit slot
# of five 32-bit lanes (word i of V_0..V_4).


def _times2(u: int, v: int) -> tuple[int, int]:
    """Multiplication by x of the 8-word vectors over GF(2^32)^8 (the M2 of MI), lane-wise.

    (w0, .., w7) -> (w7, w0 ^ w7, w1, w2 ^ w7, w3 ^ w7, w4, w5, w6).
    """
    top = v >> 480
    return (
        (((u << 160) & _M640) | top) ^ (top * _SLOTS1AND3),
        (((v << 160) & _M640) | (u >> 480)) ^ top,
    )


def _fold(half: int) -> int:
    """XOR of the five lanes of every slot, left in lane 0 of the slot."""
    x = half ^ (half >> 64)
    return (x ^ (x >> 32) ^ (half >> 128)) & _LANE0


def _inject(u: int, v: int, mu: int, mv: int) -> tuple[int, int]:
    """The message injection MI for w = 5 (section 3.2.3); (mu, mv) the message words in lane 0."""
    # V_j ^= 2 * (V_0 ^ ... ^ V_4), for every j.
    au, av = _times2(_fold(u), _fold(v))
    u ^= au * _REPEAT
    v ^= av * _REPEAT
    # V_j <- 2 * V_j ^ V_(j+1) for every j (V_0 giving the temporary b, V_4 using V_0) ...
    du, dv = _times2(u, v)
    u = du ^ ((u >> 32) & _LANES0TO3) ^ ((u & _LANE0) << 128)
    v = dv ^ ((v >> 32) & _LANES0TO3) ^ ((v & _LANE0) << 128)
    # ... then V_j <- 2 * V_j ^ V_(j-1) (V_0 = 2 * b ^ V_4, V_1 = 2 * V_1 ^ b).
    du, dv = _times2(u, v)
    u = du ^ ((u << 32) & _LANES1TO4) ^ ((u >> 128) & _LANE0)
    v = dv ^ ((v << 32) & _LANES1TO4) ^ ((v >> 128) & _LANE0)
    # V_j ^= M * x^j: Horner's rule, so that lane j ends up holding M times x^j.
    pu, pv = mu, mv
    for _ in range(_LANES - 1):
        pu, pv = _times2(pu, pv)
        pu = (pu << 32) | mu
        pv = (pv << 32) | mv
    return u ^ pu, v ^ pv


def _permute(u: int, v: int) -> tuple[int, int]:
    """Tweak, then the five permutations Q_0..Q_4 in parallel (8 steps each)."""
    # Tweak: words 4..7 of V_j rotated left by j bits.
    for n, kept, high, low in _TWEAK:
        v = (v & kept) | ((v << n) & high) | ((v >> (32 - n)) & low)
    m = _M160
    h2, l2, h14, l14, h10, l10, h1, l1 = _H2, _L2, _H14, _L14, _H10, _L10, _H1, _L1
    for c0, c4 in _STEP_CONSTANTS:
        w0 = u & m
        w1 = (u >> 160) & m
        w2 = (u >> 320) & m
        w3 = u >> 480
        w4 = v & m
        w5 = (v >> 160) & m
        w6 = (v >> 320) & m
        w7 = v >> 480
        # SubCrumb on (w0, w1, w2, w3): the 4-bit S-box on (bit of w3 .. bit of w0), w0 the low bit;
        # the instruction sequence is the one of the specification (section 4.2).
        t = w0
        w0 |= w1
        w2 ^= w3
        w1 ^= m
        w0 ^= w3
        w3 &= t
        w1 ^= w3
        w3 ^= w2
        w2 &= w0
        w0 ^= m
        w2 ^= w1
        w1 |= w3
        t ^= w1
        w3 ^= w2
        w2 &= w1
        w1 ^= w0
        w0 = t
        # SubCrumb on (w5, w6, w7, w4).
        t = w5
        w5 |= w6
        w7 ^= w4
        w6 ^= m
        w5 ^= w4
        w4 &= t
        w6 ^= w4
        w4 ^= w7
        w7 &= w5
        w5 ^= m
        w7 ^= w6
        w6 |= w4
        t ^= w6
        w4 ^= w7
        w7 &= w6
        w6 ^= w5
        w5 = t
        # MixWord on the pairs (w0, w4), (w1, w5), (w2, w6), (w3, w7), all four at once: rotations
        # by 2, 14, 10 and 1; then AddConstant on w0 and w4.
        u = w0 | w1 << 160 | w2 << 320 | w3 << 480
        v = w4 | w5 << 160 | w6 << 320 | w7 << 480
        v ^= u
        u = ((u << 2) & h2) ^ ((u >> 30) & l2) ^ v
        v = ((v << 14) & h14) ^ ((v >> 18) & l14) ^ u
        u = ((u << 10) & h10) ^ ((u >> 22) & l10) ^ v
        v = (((v << 1) & h1) ^ ((v >> 31) & l1)) ^ c4
        u ^= c0
    return u, v


def _output(u: int, v: int) -> bytes:
    """The 256-bit output of a blank round: V_0 ^ V_1 ^ V_2 ^ V_3 ^ V_4, big-endian words."""
    out = 0
    for half in (_fold(u), _fold(v)):
        for k in range(4):
            out = (out << 32) | ((half >> (160 * k)) & _M32)
    return out.to_bytes(32, "big")


def luffa512(data: bytes) -> bytes:
    """Luffa-512 digest (64 bytes) of ``data``, byte-for-byte as ``sph_luffa512`` / ``..._close``."""
    # Padding: 0x80 then zeros up to a whole number of 32-byte blocks (always at least one byte).
    padded = data + b"\x80" + bytes(-(len(data) + 1) % 32)
    m32 = _M32
    u, v = _IV
    for offset in range(0, len(padded), 32):
        block = int.from_bytes(padded[offset : offset + 32], "big")
        mu = (block >> 224) | ((block >> 192) & m32) << 160 | ((block >> 160) & m32) << 320
        mu |= ((block >> 128) & m32) << 480
        mv = ((block >> 96) & m32) | ((block >> 64) & m32) << 160 | ((block >> 32) & m32) << 320
        mv |= (block & m32) << 480
        u, v = _permute(*_inject(u, v, mu, mv))
    # Two blank rounds, each giving 256 bits of the digest.
    u, v = _permute(*_inject(u, v, 0, 0))
    first = _output(u, v)
    u, v = _permute(*_inject(u, v, 0, 0))
    return first + _output(u, v)
