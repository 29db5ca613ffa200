"""Authority sealing for permissioned child chains: members seal blocks in turn with their keys.

A header is sealed by appending the in-turn member's secp256k1 signature (65 bytes, r || s || v
with v in {0, 1}) to ``extra_data``. The signature covers ``authority_seal_hash``: the header's
RLP with that trailing signature removed, so every other field (including any member set the
header announces) is signed. ``extra_data`` before the signature holds either nothing or a new
member set as 20-byte addresses; the genesis header carries the first member set followed by 65
zero bytes in place of a signature.

Turn order: block ``n`` is sealed by ``authorities[n % len(authorities)]``, with the member set
in force at its parent. Difficulty is always 1 and nonce/mixHash are zero: there is no work,
only signatures.

These are pure functions on py-evm headers, so both the chain (walton.vm) and the parent's
anchor precompile verify child headers with the same code.
"""

from collections.abc import Sequence

import rlp
from eth.abc import BlockHeaderAPI
from eth_hash.auto import keccak
from eth_keys import keys
from eth_keys.datatypes import PrivateKey
from eth_keys.exceptions import BadSignature
from eth_keys.exceptions import ValidationError as KeysValidationError
from eth_typing import Address
from eth_utils import ValidationError

AUTHORITY_SIGNATURE_LENGTH = 65
ADDRESS_LENGTH = 20
AUTHORITY_DIFFICULTY = 1
ZERO_NONCE = b"\x00" * 8
ZERO_MIX_HASH = b"\x00" * 32


def _unsigned_extra_data(header: BlockHeaderAPI) -> bytes:
    extra = header.extra_data
    if len(extra) < AUTHORITY_SIGNATURE_LENGTH:
        raise ValidationError(
            f"block {header.block_number}: extra_data holds {len(extra)} bytes, "
            f"too short for a {AUTHORITY_SIGNATURE_LENGTH}-byte authority signature"
        )
    return extra[:-AUTHORITY_SIGNATURE_LENGTH]


def authority_seal_hash(header: BlockHeaderAPI) -> bytes:
    """keccak256 of the header's RLP with the trailing signature cut from ``extra_data``: what members sign."""
    unsigned = header.copy(extra_data=_unsigned_extra_data(header))
    return keccak(rlp.encode(unsigned))


def sign_header(header: BlockHeaderAPI, private_key: PrivateKey) -> BlockHeaderAPI:
    """``header`` with its signature appended to ``extra_data`` (whatever ``extra_data`` holds is signed too)."""
    placeholder = header.copy(extra_data=header.extra_data + b"\x00" * AUTHORITY_SIGNATURE_LENGTH)
    signature = private_key.sign_msg_hash(authority_seal_hash(placeholder))
    return header.copy(extra_data=header.extra_data + signature.to_bytes())


def header_signer(header: BlockHeaderAPI) -> Address:
    """The address whose key signed ``header``; ValidationError when the signature is missing or malformed."""
    signature_bytes = header.extra_data[-AUTHORITY_SIGNATURE_LENGTH:]
    seal = authority_seal_hash(header)  # raises when extra_data is too short
    try:
        signature = keys.Signature(signature_bytes)
        public_key = signature.recover_public_key_from_msg_hash(seal)
    except (BadSignature, KeysValidationError) as exc:
        raise ValidationError(f"block {header.block_number}: invalid authority signature: {exc}") from exc
    return Address(public_key.to_canonical_address())


def header_authorities(header: BlockHeaderAPI) -> tuple[Address, ...] | None:
    """The member set ``header`` announces (addresses before its signature), or None when it announces none."""
    body = _unsigned_extra_data(header)
    if not body:
        return None
    if len(body) % ADDRESS_LENGTH:
        raise ValidationError(
            f"block {header.block_number}: extra_data before the signature is {len(body)} bytes, "
            f"not a list of {ADDRESS_LENGTH}-byte member addresses"
        )
    members = tuple(Address(body[i : i + ADDRESS_LENGTH]) for i in range(0, len(body), ADDRESS_LENGTH))
    if len(set(members)) != len(members):
        raise ValidationError(f"block {header.block_number}: the announced member set repeats an address")
    return members


def genesis_extra_data(members: Sequence[Address]) -> bytes:
    """A genesis header's extra_data: the first member set, then an empty (zero) signature slot."""
    if not members:
        raise ValueError("an authority chain needs at least one member")
    if len(set(members)) != len(members):
        raise ValueError("the member set repeats an address")
    return b"".join(members) + b"\x00" * AUTHORITY_SIGNATURE_LENGTH


def in_turn_authority(number: int, authorities: Sequence[Address]) -> Address:
    if not authorities:
        raise ValidationError("the authority set is empty")
    return authorities[number % len(authorities)]


def verify_authority_header(
    header: BlockHeaderAPI, parent: BlockHeaderAPI, authorities: Sequence[Address]
) -> tuple[Address, ...]:
    """Check ``header`` extends ``parent`` and is sealed by its in-turn member; return the next member set.

    ``authorities`` is the member set in force at ``parent``. The result is the set ``header``
    announces, if any, else ``authorities`` unchanged.
    """
    number = header.block_number
    if header.parent_hash != parent.hash:
        raise ValidationError(f"block {number}: parent hash {header.parent_hash.hex()} is not {parent.hash.hex()}")
    if number != parent.block_number + 1:
        raise ValidationError(f"block {number} cannot follow block {parent.block_number}")
    if header.timestamp <= parent.timestamp:
        raise ValidationError(
            f"block {number}: timestamp {header.timestamp} is not after its parent's {parent.timestamp}"
        )
    if header.difficulty != AUTHORITY_DIFFICULTY:
        raise ValidationError(f"block {number}: authority blocks have difficulty 1, not {header.difficulty}")
    if header.nonce != ZERO_NONCE or header.mix_hash != ZERO_MIX_HASH:
        raise ValidationError(f"block {number}: authority blocks have a zero nonce and mixHash")
    announced = header_authorities(header)
    signer = header_signer(header)
    expected = in_turn_authority(number, authorities)
    if signer != expected:
        member = "a member" if signer in authorities else "not a member"
        raise ValidationError(
            f"block {number}: sealed by 0x{signer.hex()} ({member}), but it is 0x{expected.hex()}'s turn"
        )
    return announced if announced is not None else tuple(authorities)
