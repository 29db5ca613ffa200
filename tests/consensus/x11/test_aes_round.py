"""The shared AES round (``aes_round``) against FIPS-197's published example."""

import struct

from walton.consensus.x11.aes_round import SBOX, T0, T1, T2, T3, aes_round

_WORDS = struct.Struct("<4I")


def _round(state_hex: str) -> str:
    """One unkeyed AES round on a 16-byte state given and returned as FIPS-197 hex (column-major bytes)."""
    return _WORDS.pack(*aes_round(*_WORDS.unpack(bytes.fromhex(state_hex)))).hex()


def test_sbox_matches_fips197_figure7() -> None:
    # FIPS-197, Figure 7: S-box row 0 and a few other entries; section 5.1.1 example S(0x53) = 0xed.
    assert SBOX[:16].hex() == "637c777bf26b6fc53001672bfed7ab76"
    assert SBOX[0x53] == 0xED
    assert SBOX[0xFF] == 0x16
    assert sorted(SBOX) == list(range(256))


def test_tables_are_rotations() -> None:
    for a in (0, 1, 0x53, 0xFF):
        w = T0[a]
        assert T1[a] == ((w << 8) | (w >> 24)) & 0xFFFFFFFF
        assert T2[a] == ((w << 16) | (w >> 16)) & 0xFFFFFFFF
        assert T3[a] == ((w << 24) | (w >> 8)) & 0xFFFFFFFF


def test_fips197_appendix_b_round_1() -> None:
    # FIPS-197, Appendix B (cipher example): round 1 starts from 193de3bea0f4e22b9ac68d2ae9f84808;
    # after SubBytes, ShiftRows and MixColumns the state is 046681e5e0cb199a48f8d37a2806264c, and with
    # round key a0fafe1788542cb123a339392a6c7605 round 2 starts from a49c7ff2689f352b6b5bea43026a5049.
    after_mix = _round("193de3bea0f4e22b9ac68d2ae9f84808")
    assert after_mix == "046681e5e0cb199a48f8d37a2806264c"
    key = bytes.fromhex("a0fafe1788542cb123a339392a6c7605")
    assert bytes(a ^ b for a, b in zip(bytes.fromhex(after_mix), key, strict=True)).hex() == (
        "a49c7ff2689f352b6b5bea43026a5049"
    )
    # Same appendix, round 2: a49c7ff2689f352b6b5bea43026a5049 -> after MixColumns
    # 584dcaf11b4b5aacdbe7caa81b6bb0e5.
    assert _round("a49c7ff2689f352b6b5bea43026a5049") == "584dcaf11b4b5aacdbe7caa81b6bb0e5"


def _expand_key_128(key: bytes) -> list[int]:
    """FIPS-197 section 5.2 key expansion of a 128-bit key into 44 little-endian column words."""
    w = list(_WORDS.unpack(key))
    rcon = 1
    for i in range(4, 44):
        t = w[i - 1]
        if i % 4 == 0:
            t = ((t >> 8) | (t << 24)) & 0xFFFFFFFF  # RotWord
            t = int.from_bytes(bytes(SBOX[b] for b in t.to_bytes(4, "little")), "little")  # SubWord
            t ^= rcon
            rcon = (rcon << 1) ^ (0x11B if rcon & 0x80 else 0)
        w.append(w[i - 4] ^ t)
    return w


def test_fips197_appendix_c1_full_cipher() -> None:
    # FIPS-197, Appendix C.1 (AES-128): rounds 1-9 through aes_round, the last round by hand.
    w = _expand_key_128(bytes.fromhex("000102030405060708090a0b0c0d0e0f"))
    plaintext = bytes.fromhex("00112233445566778899aabbccddeeff")
    state = [p ^ k for p, k in zip(_WORDS.unpack(plaintext), w[0:4], strict=True)]
    for rnd in range(1, 10):
        state = [x ^ k for x, k in zip(aes_round(*state), w[4 * rnd : 4 * rnd + 4], strict=True)]
    sub = bytes(SBOX[b] for b in _WORDS.pack(*state))
    shifted = bytes(sub[(i + 4 * (i % 4)) % 16] for i in range(16))
    ciphertext = bytes(a ^ b for a, b in zip(shifted, _WORDS.pack(*w[40:44]), strict=True))
    assert ciphertext.hex() == "69c4e0d86a7b0430d8cdb78070b4c55a"
