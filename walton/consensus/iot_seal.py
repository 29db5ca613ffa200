"""WPoC sealing on the IoT fork: Walton's V3-phase X11 seal with the PoW digest in ``mixHash``.

The rules are Gwtc's from HardForkV3 on (order from ``sha256(be(N) || "HardForkV3")``, target
``TargetDiff(coinbase balance, 2^256 // D)``, result strictly below the target), with one
change: ``mixHash`` carries the 32-byte X11 result instead of zeros, so PREVRANDAO reads
randomness the miner could not choose freely.
"""

from dataclasses import dataclass
from typing import Any

import rlp
from eth.abc import BlockHeaderAPI
from eth_hash.auto import keccak

from walton.consensus.difficulty import calc_difficulty
from walton.consensus.forks import WaltonForkHeights
from walton.consensus.order import order_hash, x11_order
from walton.consensus.seal import (
    InvalidDifficultyError,
    InvalidMixDigestError,
    InvalidProofOfWorkError,
    TargetOverflowError,
    base_target,
    seal_input,
)
from walton.consensus.stake import target_diff
from walton.consensus.x11 import x11

# Every IoT block is in the V3 phase; the V2 difficulty lock would only concern block 0 (genesis).
IOT_HEIGHTS = WaltonForkHeights(v1=0, v2=0, v3=0)
TWO_POW_256 = 2**256
NONCE_LIMIT = 2**64
UNSEALED_FIELDS = frozenset({"mix_hash", "nonce"})


def seal_hash(header: BlockHeaderAPI) -> bytes:
    """keccak256 of the header's RLP without mixHash and nonce: what the proof of work covers."""
    header_any: Any = header
    names = header_any._meta.field_names
    serialized = type(header).serialize(header)
    sealed_items = [item for name, item in zip(names, serialized, strict=True) if name not in UNSEALED_FIELDS]
    return keccak(rlp.encode(sealed_items))


def iot_difficulty(
    parent_number: int, parent_difficulty: int, parent_timestamp: int, timestamp: int, minimum: int
) -> int:
    """Walton's phase-two difficulty after a parent with these fields, floored at the network's minimum."""
    return calc_difficulty(parent_number, parent_difficulty, parent_timestamp, timestamp, IOT_HEIGHTS, minimum)


def iot_order(number: int) -> str:
    return x11_order(order_hash(number, b"\x00" * 32, IOT_HEIGHTS))


def iot_target(difficulty: int, coinbase_balance: int) -> int:
    """The stake-weighted target: between 1x and 8x ``2^256 // D`` by the coinbase's balance."""
    return target_diff(coinbase_balance, base_target(difficulty))


def iot_pow(seal_hash: bytes, nonce: int, number: int) -> bytes:
    return x11(seal_input(seal_hash, nonce), iot_order(number))


def verify_iot_seal(
    number: int, difficulty: int, seal_hash: bytes, nonce: int, mix_hash: bytes, coinbase_balance: int
) -> None:
    """Raise a ``SealError`` naming the broken rule, or return if the seal is valid."""
    if difficulty <= 0:
        raise InvalidDifficultyError(f"difficulty {difficulty}")
    target = iot_target(difficulty, coinbase_balance)
    if target >= TWO_POW_256:
        raise TargetOverflowError(f"target {target:#x} >= 2^256")
    result = iot_pow(seal_hash, nonce, number)
    if bytes(mix_hash) != result:
        raise InvalidMixDigestError(f"mixHash must be the X11 result 0x{result.hex()}, got 0x{bytes(mix_hash).hex()}")
    if int.from_bytes(result, "big") >= target:
        raise InvalidProofOfWorkError(f"X11 result 0x{result.hex()} is not below target {target:#066x}")


@dataclass(frozen=True)
class Seal:
    nonce: int
    mix_hash: bytes


def search_seal(
    number: int, difficulty: int, seal_hash: bytes, coinbase_balance: int, start_nonce: int, attempts: int
) -> Seal | None:
    """Try ``attempts`` nonces from ``start_nonce``; the first that seals the header, or None."""
    target = iot_target(difficulty, coinbase_balance)
    order = iot_order(number)
    for offset in range(attempts):
        nonce = (start_nonce + offset) % NONCE_LIMIT
        result = x11(seal_input(seal_hash, nonce), order)
        if int.from_bytes(result, "big") < target:
            return Seal(nonce, result)
    return None
