"""The eleven sphlib 512-bit hash functions and Waltonchain's ordered X11 chain.

Letters are Gwtc's (``crypto/x11``): A=BLAKE, B=CubeHash, C=ECHO, D=BMW, E=JH, F=Grøstl,
G=Luffa, H=Skein, I=SIMD, J=Keccak, K=SHAvite-3. Each function maps bytes to a 64-byte digest.
``x11`` chains them in a given order, each step hashing the previous 64-byte output, and
returns the first 32 bytes of the last one. The primitives sit behind ``HASHES`` so a
compiled implementation can replace them without touching callers.
"""

from collections.abc import Callable, Mapping

from walton.consensus.x11.blake import blake512
from walton.consensus.x11.bmw import bmw512
from walton.consensus.x11.cubehash import cubehash512
from walton.consensus.x11.echo import echo512
from walton.consensus.x11.groestl import groestl512
from walton.consensus.x11.jh import jh512
from walton.consensus.x11.keccak import keccak512
from walton.consensus.x11.luffa import luffa512
from walton.consensus.x11.shavite import shavite512
from walton.consensus.x11.simd import simd512
from walton.consensus.x11.skein import skein512

HashFunction = Callable[[bytes], bytes]

HASHES: Mapping[str, HashFunction] = {
    "A": blake512,
    "B": cubehash512,
    "C": echo512,
    "D": bmw512,
    "E": jh512,
    "F": groestl512,
    "G": luffa512,
    "H": skein512,
    "I": simd512,
    "J": keccak512,
    "K": shavite512,
}

DEFAULT_ORDER = "ABCDEFGHIJK"
DASH_ORDER = "ADFHEJGBKIC"


def x11_chain(data: bytes, order: str = DEFAULT_ORDER) -> bytes:
    """The full 64-byte output of the chain: each letter's function applied to the previous output."""
    try:
        functions = [HASHES[letter] for letter in order]
    except KeyError as exc:
        raise ValueError(f"X11 order {order!r} has a letter outside A..K: {exc.args[0]!r}") from None
    digest = data
    for function in functions:
        digest = function(digest)
    return digest


def x11(data: bytes, order: str = DEFAULT_ORDER) -> bytes:
    """The 32-byte X11 result the seal check compares: the first half of the chain's last digest."""
    return x11_chain(data, order)[:32]


__all__ = ["DASH_ORDER", "DEFAULT_ORDER", "HASHES", "x11", "x11_chain"]
