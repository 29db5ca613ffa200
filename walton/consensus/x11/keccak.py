"""Keccak-512, as sphlib's ``sph_keccak512`` computes it (the X11 "keccak" step).

This is the final-round (version 3) SHA-3 submission of Bertoni, Daemen, Peeters and Van Assche:
Keccak-f[1600] with rate 576 bits and capacity 1024 bits, and the ORIGINAL multi-rate padding
(first pad byte 0x01), not the FIPS 202 SHA3-512 domain-separated padding (0x06); the two give
different digests. Specification: "The Keccak reference", version 3.0 (14 Jan 2011), and the
Keccak submission's KeccakKAT-3 ShortMsgKAT_512.txt.

Computed by pycryptodome's ``Crypto.Hash.keccak`` (a project dependency through
``eth-hash[pycryptodome]``), which implements exactly that original Keccak.
"""

from Crypto.Hash import keccak as _keccak


def keccak512(data: bytes) -> bytes:
    """Keccak-512 digest (64 bytes) of ``data``, as ``sph_keccak512`` computes it."""
    return _keccak.new(digest_bits=512, data=data).digest()
