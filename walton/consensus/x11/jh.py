"""JH-512, as sphlib's ``sph_jh512`` computes it (the X11 "jh" step).

This is the final-round (round 3, 42-round E8) SHA-3 submission of JH by Hongjun Wu: a 1024-bit state,
64-byte message blocks XORed into the first half of the state before the bijection E8 and into the
second half after it, and the last 512 bits of the state as the digest. Specification: "The Hash
Function JH" (Hongjun Wu, version of 16 January 2011, https://www3.ntu.edu.sg/home/wuhj/research/jh/),
sections 4 (S-boxes, linear transformation L, permutation P_d, round constants), 5-6 (compression
function F8, padding, initial value) and 7 (the bit-slice form of E8 used here).

Pure Python, bit-sliced: the state is eight 128-bit words H0..H7 (big-endian, as the bytes of the
state); each round applies the two S-boxes to the bit-planes (H0, H2, H4, H6) and (H1, H3, H5, H7),
the linear transformation L between them, then the swap W_(r mod 7) on the odd words. The even and
odd word of each pair are packed into one 256-bit Python int (even word on top), so every S-box and
L step works on both halves of the state at once.

Nothing is tabulated: the 42 round constants are derived at import time from the spec's first
constant (the fraction of sqrt(2)) with its generator (the round function of E6 under constant zero),
and rearranged into the bit-slice order by following each 4-bit element through the rounds; the
initial value is H(0) = F8(H(-1), 0), where H(-1) holds the digest size 512 in its first two bytes.
"""

_M128 = (1 << 128) - 1
_M256 = (1 << 256) - 1

# ---------------------------------------------------------------------------------------------------
# Import-time derivation of the constants from the element-wise description of the specification.

# The two 4-bit S-boxes S0 and S1 (section 4.1). Only S0 is looked up (to generate the constants);
# the bit-sliced circuit in _e8 computes S0 where the constant bit is 0 and S1 where it is 1.
_S = (
    (9, 0, 4, 11, 13, 12, 3, 15, 1, 10, 2, 6, 7, 5, 8, 14),
    (3, 12, 6, 13, 5, 7, 1, 9, 15, 2, 0, 4, 11, 10, 14, 8),
)

# The round constant of round 0: the first 256 bits of the fraction of sqrt(2) (section 4.6).
_C0 = 0x6A09E667F3BCC908B2FB1366EA957D3E3ADEC17512775099DA2F590B0667322A

_ROUNDS = 42


def _times2(a: int) -> int:
    """Multiplication by x in GF(2^4) modulo x^4 + x + 1 (the MDS code of L)."""
    return ((a << 1) ^ (a >> 3) ^ ((a >> 2) & 2)) & 0xF


def _permutation(d: int) -> list[int]:
    """P_d = phi_d . P'_d . pi_d on 2**d elements, as the list ``src`` with new[i] = old[src[i]]."""
    n = 1 << d
    pi = list(range(n))
    for i in range(0, n, 4):  # pi_d: swap the last two elements of every group of four
        pi[i + 2], pi[i + 3] = pi[i + 3], pi[i + 2]
    p_prime = [0] * n  # P'_d: even-indexed elements to the first half, odd-indexed to the second
    for i in range(n // 2):
        p_prime[i] = pi[2 * i]
        p_prime[i + n // 2] = pi[2 * i + 1]
    phi = list(p_prime)  # phi_d: swap the elements of each pair in the second half
    for i in range(n // 2, n, 2):
        phi[i], phi[i + 1] = p_prime[i + 1], p_prime[i]
    return phi


def _bitslice_round_constants() -> tuple[int, ...]:
    """The 42 constants of E8, each as (even-plane constant << 128) | odd-plane constant.

    Element k of the specification's state (k = 0..255) starts, after the initial grouping, at bit
    k // 2 (counted from the most significant bit) of the even planes (H0, H2, H4, H6) when k is even
    and of the odd planes (H1, H3, H5, H7) when k is odd. The specification then permutes elements
    with P8 every round, while the bit-slice form leaves them in place except for the swap W_(r mod 7)
    of the odd planes; following every element through both shows where the S-box selector bit of
    element k must sit in round r. (After 42 = 6 * 7 rounds the two layouts coincide again, which is
    why no final de-grouping is needed.)
    """
    p6 = _permutation(6)
    p8 = _permutation(8)
    nibbles = [(_C0 >> (252 - 4 * i)) & 0xF for i in range(64)]
    where = [(k & 1, k >> 1) for k in range(256)]  # element k -> (plane group, bit from the top)
    constants = []
    for r in range(_ROUNDS):
        planes = [0, 0]
        for k, (group, bit) in enumerate(where):
            if (nibbles[k >> 2] >> (3 - (k & 3))) & 1:
                planes[group] |= 1 << (127 - bit)
        constants.append((planes[0] << 128) | planes[1])
        shift = 1 << (r % 7)
        where = [(g, b ^ shift) if g else (g, b) for g, b in (where[src] for src in p8)]
        # Next constant: one round of E6 with every S-box S0 (section 4.6).
        nibbles = [_S[0][v] for v in nibbles]
        for i in range(0, 64, 2):
            nibbles[i + 1] ^= _times2(nibbles[i])
            nibbles[i] ^= _times2(nibbles[i + 1])
        nibbles = [nibbles[src] for src in p6]
    return tuple(constants)


def _swap_mask(k: int) -> int:
    """Bits of a 128-bit word whose index has bit k clear: W_k swaps each of them with bit + 2**k."""
    return sum(1 << i for i in range(128) if not (i >> k) & 1)


# Per round: (constant, swap distance, swap mask) for the delta swap W_(r mod 7) of the odd planes.
_SCHEDULE: tuple[tuple[int, int, int], ...] = tuple(
    (c, 1 << (r % 7), _swap_mask(r % 7)) for r, c in enumerate(_bitslice_round_constants())
)


# ---------------------------------------------------------------------------------------------------
# The bijection E8, bit-sliced.


def _e8(x0: int, x1: int, x2: int, x3: int) -> tuple[int, int, int, int]:
    """E8 on the state (H0:H1, H2:H3, H4:H5, H6:H7), each argument a pair of 128-bit words."""
    m128 = _M128
    m256 = _M256
    for c, n, m in _SCHEDULE:
        # S-boxes: S_c applied to every 4-bit element (x0, x1, x2, x3), most significant bit in x0.
        x3 ^= m256
        x0 ^= c & ~x2
        t = c ^ (x0 & x1)
        x0 ^= x2 & x3
        x3 ^= ~x1 & x2
        x1 ^= x0 & x2
        x2 ^= x0 & ~x3
        x0 ^= x1 | x3
        x3 ^= x1 & x2
        x1 ^= t & x0
        x2 ^= t
        # L: B ^= 2*A then A ^= 2*B, A the even element (high halves) and B the odd one (low halves).
        x0 ^= x1 >> 128
        x1 ^= x2 >> 128
        x2 ^= (x3 ^ x0) >> 128
        x3 ^= x0 >> 128
        x0 ^= (x1 & m128) << 128
        x1 ^= (x2 & m128) << 128
        x2 ^= ((x3 ^ x0) & m128) << 128
        x3 ^= (x0 & m128) << 128
        # W_(r mod 7) on the odd planes: swap the bit pairs (i, i + n) for i in the mask.
        t = ((x0 >> n) ^ x0) & m
        x0 ^= t | (t << n)
        t = ((x1 >> n) ^ x1) & m
        x1 ^= t | (t << n)
        t = ((x2 >> n) ^ x2) & m
        x2 ^= t | (t << n)
        t = ((x3 >> n) ^ x3) & m
        x3 ^= t | (t << n)
    return x0, x1, x2, x3


# H(0) = F8(H(-1), 0), H(-1) holding 512 in its first 16 bits (section 6.3).
_IV = _e8(512 << 240, 0, 0, 0)


def jh512(data: bytes) -> bytes:
    """JH-512 digest (64 bytes) of ``data``, byte-for-byte as ``sph_jh512`` / ``sph_jh512_close``."""
    length = len(data)
    # Padding (section 6.1, as sphlib does it for whole bytes): 0x80, zeros, the 128-bit big-endian
    # bit length; one 64-byte padding block when the message fills whole blocks, else up to two.
    zeros = 47 if length % 64 == 0 else 111 - length % 64
    padded = b"".join((data, b"\x80", bytes(zeros), (length << 3).to_bytes(16, "big")))
    x0, x1, x2, x3 = _IV
    m256 = _M256
    e8 = _e8
    for offset in range(0, len(padded), 64):
        block = int.from_bytes(padded[offset : offset + 64], "big")
        high = block >> 256
        low = block & m256
        x0, x1, x2, x3 = e8(x0 ^ high, x1 ^ low, x2, x3)
        x2 ^= high
        x3 ^= low
    return ((x2 << 256) | x3).to_bytes(64, "big")
