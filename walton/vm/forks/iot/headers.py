"""IoT fork headers: Prague's header with a proof-of-work seal (difficulty, nonce, mixHash)."""

from typing import Any

import rlp
from eth.abc import BlockHeaderAPI
from eth.vm.forks.prague.headers import create_prague_header_from_parent
from eth_hash.auto import keccak

from walton.consensus.difficulty import calc_difficulty
from walton.consensus.iot_seal import IOT_HEIGHTS

SEAL_FIELDS = ("difficulty", "nonce", "mix_hash")
UNSEALED_FIELDS = frozenset({"mix_hash", "nonce"})
_create_prague_header = create_prague_header_from_parent()


def seal_hash(header: BlockHeaderAPI) -> bytes:
    """keccak256 of the header's RLP without mixHash and nonce: what the proof of work covers."""
    header_any: Any = header
    names = header_any._meta.field_names
    serialized = type(header).serialize(header)
    sealed_items = [item for name, item in zip(names, serialized, strict=True) if name not in UNSEALED_FIELDS]
    return keccak(rlp.encode(sealed_items))


def expected_difficulty(parent: BlockHeaderAPI, timestamp: int, minimum: int) -> int:
    """Walton's phase-two difficulty, floored at the network's minimum."""
    return calc_difficulty(parent.block_number, parent.difficulty, parent.timestamp, timestamp, IOT_HEIGHTS, minimum)


def create_iot_header_from_parent(
    parent: BlockHeaderAPI | None, minimum_difficulty: int, **header_params: Any
) -> BlockHeaderAPI:
    """Prague's header, then Walton's seal fields: difficulty from the parent, nonce/mixHash as given."""
    seal = {name: header_params.pop(name) for name in SEAL_FIELDS if name in header_params}
    header = _create_prague_header(parent, **header_params)
    if "difficulty" not in seal:
        if parent is None:
            raise ValueError("a genesis header needs an explicit difficulty")
        seal["difficulty"] = expected_difficulty(parent, header.timestamp, minimum_difficulty)
    return header.copy(**seal)
