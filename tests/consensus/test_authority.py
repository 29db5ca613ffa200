"""Authority sealing (walton.consensus.authority): signatures, turn order, parent links, announced member sets."""

import pytest
from eth.abc import BlockHeaderAPI
from eth.vm.forks.prague.blocks import PragueBlockHeader
from eth_keys import keys
from eth_typing import Address
from eth_utils import ValidationError

from walton.consensus.authority import (
    AUTHORITY_SIGNATURE_LENGTH,
    authority_seal_hash,
    genesis_extra_data,
    header_authorities,
    header_signer,
    sign_header,
    verify_authority_header,
)

KEYS = [keys.PrivateKey(bytes([i + 1]) * 32) for i in range(4)]
MEMBERS = tuple(Address(key.public_key.to_canonical_address()) for key in KEYS[:3])
OUTSIDER = KEYS[3]


def header(number: int, parent: BlockHeaderAPI | None = None, **fields: object) -> BlockHeaderAPI:
    params: dict[str, object] = {
        "difficulty": 1,
        "nonce": b"\x00" * 8,
        "mix_hash": b"\x00" * 32,
        "block_number": number,
        "gas_limit": 30_000_000,
        "timestamp": 1_000 + number,
        "parent_hash": parent.hash if parent is not None else b"\x00" * 32,
    }
    params.update(fields)
    return PragueBlockHeader(**params)  # type: ignore[arg-type]


GENESIS = header(0, extra_data=genesis_extra_data(MEMBERS))


def test_genesis_announces_first_members() -> None:
    assert header_authorities(GENESIS) == MEMBERS


def test_sign_and_recover() -> None:
    signed = sign_header(header(1, GENESIS), KEYS[1])
    assert len(signed.extra_data) == AUTHORITY_SIGNATURE_LENGTH
    assert header_signer(signed) == MEMBERS[1]
    assert header_authorities(signed) is None
    # The seal hash ignores the signature but covers every other field.
    assert authority_seal_hash(signed) == authority_seal_hash(sign_header(header(1, GENESIS), KEYS[2]))
    assert authority_seal_hash(signed) != authority_seal_hash(sign_header(header(1, GENESIS, gas_used=1), KEYS[1]))


def test_in_turn_member_accepted_and_set_unchanged() -> None:
    block1 = sign_header(header(1, GENESIS), KEYS[1])
    assert verify_authority_header(block1, GENESIS, MEMBERS) == MEMBERS
    block2 = sign_header(header(2, block1), KEYS[2])
    assert verify_authority_header(block2, block1, MEMBERS) == MEMBERS


def test_announced_set_is_returned_and_signed() -> None:
    new_set = (*MEMBERS, Address(OUTSIDER.public_key.to_canonical_address()))
    block1 = sign_header(header(1, GENESIS, extra_data=b"".join(new_set)), KEYS[1])
    assert verify_authority_header(block1, GENESIS, MEMBERS) == new_set
    # Tampering with the announced set breaks the signature: the recovered signer changes.
    forged = block1.copy(extra_data=b"".join(MEMBERS[:2]) + block1.extra_data[-AUTHORITY_SIGNATURE_LENGTH:])
    with pytest.raises(ValidationError, match="turn"):
        verify_authority_header(forged, GENESIS, MEMBERS)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: sign_header(header(1, GENESIS), KEYS[2]), "0x.*'s turn"),
        (lambda: sign_header(header(1, GENESIS), OUTSIDER), r"not a member\)"),
        (lambda: sign_header(header(1, GENESIS, difficulty=2), KEYS[1]), "difficulty 1"),
        (lambda: sign_header(header(1, GENESIS, nonce=b"\x00" * 7 + b"\x01"), KEYS[1]), "zero nonce"),
        (lambda: sign_header(header(1, GENESIS, timestamp=1_000), KEYS[1]), "not after its parent"),
        (lambda: sign_header(header(2, GENESIS), KEYS[2]), "cannot follow"),
        (lambda: sign_header(header(1, None), KEYS[1]), "parent hash"),
        (lambda: header(1, GENESIS, extra_data=b"\x01" * 10), "too short"),
        (lambda: header(1, GENESIS, extra_data=b"\x00" * 65), "invalid authority signature"),
        (lambda: sign_header(header(1, GENESIS, extra_data=b"\x01" * 21), KEYS[1]), "not a list of 20-byte"),
        (lambda: sign_header(header(1, GENESIS, extra_data=MEMBERS[0] * 2), KEYS[1]), "repeats"),
    ],
)
def test_bad_headers_rejected(make: object, message: str) -> None:
    bad = make()  # type: ignore[operator]
    with pytest.raises(ValidationError, match=message):
        verify_authority_header(bad, GENESIS, MEMBERS)


def test_genesis_extra_data_refuses_bad_sets() -> None:
    with pytest.raises(ValueError, match="at least one"):
        genesis_extra_data(())
    with pytest.raises(ValueError, match="repeats"):
        genesis_extra_data((MEMBERS[0], MEMBERS[0]))
