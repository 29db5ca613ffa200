"""IoT fork headers: Prague's header with a proof-of-work seal (difficulty, nonce, mixHash)."""

from typing import Any

from eth.abc import BlockHeaderAPI
from eth.vm.forks.prague.headers import create_prague_header_from_parent

# The seal hash and difficulty rule are pure functions, shared with the anchor precompile.
from walton.consensus.iot_seal import iot_difficulty, seal_hash

SEAL_FIELDS = ("difficulty", "nonce", "mix_hash")
_create_prague_header = create_prague_header_from_parent()


def expected_difficulty(parent: BlockHeaderAPI, timestamp: int, minimum: int) -> int:
    """Walton's phase-two difficulty, floored at the network's minimum."""
    return iot_difficulty(parent.block_number, parent.difficulty, parent.timestamp, timestamp, minimum)


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


__all__ = ["SEAL_FIELDS", "create_iot_header_from_parent", "expected_difficulty", "seal_hash"]
