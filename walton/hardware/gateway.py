"""Gateway batching: many device stamps anchored under one Merkle root in one transaction.

Tree (keccak256, indexed, not sorted): a leaf hashes as ``keccak(0x00 || leaf)`` and an inner node as
``keccak(0x01 || left || right)``; the distinct prefixes mean an inner node can never pass for a leaf
(no second preimage), and leaves are exactly 32 bytes. The leaf level is padded to a power of two with
``EMPTY = keccak(0x02)``, which no leaf hashes to, so a proof is just the siblings from the leaf upward,
its length is the tree depth, and the leaf's index says left or right at each level.

The leaves of a gateway batch are the devices' ``stamp_digest`` values (each binds device, sequence,
timestamp, stamp and chain). The gateway, itself a registered device, signs ``batch_digest``; the
manifest (every leaf's device id, sequence, timestamp, stamp and device signature, canonical CBOR) goes
to the off-chain store and its keccak256 into the batch digest, so anyone can find a stamp's batch entry,
rebuild its proof and check the device's own signature.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import cbor2
from eth_hash.auto import keccak

from walton.hardware.sensor import U64_MAX, stamp_digest

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY = keccak(b"\x02")
MAX_DEPTH = 32
BATCH_DOMAIN = b"WALTON-GATEWAY-BATCH-v1"


def _leaf_hash(leaf: bytes) -> bytes:
    if len(leaf) != 32:
        raise ValueError(f"a Merkle leaf is 32 bytes, got {len(leaf)}")
    return keccak(LEAF_PREFIX + leaf)


def _levels(leaves: Sequence[bytes]) -> list[list[bytes]]:
    if not leaves:
        raise ValueError("a Merkle tree needs at least one leaf")
    if len(leaves) > 2**MAX_DEPTH:
        raise ValueError(f"at most 2**{MAX_DEPTH} leaves")
    level = [_leaf_hash(leaf) for leaf in leaves]
    width = 1
    while width < len(level):
        width *= 2
    level += [EMPTY] * (width - len(level))
    levels = [level]
    while len(level) > 1:
        level = [keccak(NODE_PREFIX + level[i] + level[i + 1]) for i in range(0, len(level), 2)]
        levels.append(level)
    return levels


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    return _levels(leaves)[-1][0]


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The sibling hashes from leaf ``index`` up to the root."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf index {index} out of range for {len(leaves)} leaves")
    proof = []
    for level in _levels(leaves)[:-1]:
        proof.append(level[index ^ 1])
        index //= 2
    return proof


def verify_inclusion(leaf: bytes, index: int, proof: Sequence[bytes], root: bytes) -> bool:
    """True when ``proof`` links ``leaf`` at ``index`` to ``root``; never raises."""
    if len(leaf) != 32 or len(root) != 32 or len(proof) > MAX_DEPTH or not 0 <= index < 2 ** len(proof):
        return False
    node = keccak(LEAF_PREFIX + leaf)
    for sibling in proof:
        if len(sibling) != 32:
            return False
        node = keccak(NODE_PREFIX + (sibling + node if index & 1 else node + sibling))
        index //= 2
    return node == root


def batch_digest(gateway_id: bytes, sequence: int, root: bytes, count: int, manifest: bytes, chain_id: int) -> bytes:
    """What the gateway signs: keccak256(domain || chain_id u64 || gateway_id || sequence u64 || root
    || count u32 || manifest hash), all fixed width. ``manifest`` is keccak256 of the manifest bytes."""
    if len(gateway_id) != 32 or len(root) != 32 or len(manifest) != 32:
        raise ValueError("gateway id, root and manifest hash are 32 bytes each")
    if not 0 <= sequence <= U64_MAX or not 0 <= chain_id <= U64_MAX or not 0 < count < 2**32:
        raise ValueError("sequence and chain id must fit in 64 bits, count in 1..2**32-1")
    return keccak(
        BATCH_DOMAIN
        + chain_id.to_bytes(8, "big")
        + gateway_id
        + sequence.to_bytes(8, "big")
        + root
        + count.to_bytes(4, "big")
        + manifest
    )


@dataclass(frozen=True)
class BatchEntry:
    """One device stamp in a batch, with the device's own signature over its ``stamp_digest``."""

    device_id: bytes
    sequence: int
    timestamp: int
    stamp: bytes
    signature: bytes

    def leaf(self, chain_id: int) -> bytes:
        return stamp_digest(self.device_id, self.sequence, self.timestamp, self.stamp, chain_id)


def encode_manifest(entries: Sequence[BatchEntry]) -> bytes:
    """Canonical CBOR array of [device_id, sequence, timestamp, stamp, signature], in leaf order."""
    return cbor2.dumps([[e.device_id, e.sequence, e.timestamp, e.stamp, e.signature] for e in entries], canonical=True)


def decode_manifest(data: bytes) -> list[BatchEntry]:
    """Parse a manifest; ValueError when it is not one."""
    try:
        rows = cbor2.loads(data)
    except (cbor2.CBORDecodeError, ValueError, TypeError, RecursionError) as error:
        raise ValueError(f"manifest is not valid CBOR: {error}") from None
    if not isinstance(rows, list) or not rows:
        raise ValueError("manifest must be a non-empty CBOR array")
    entries = []
    for row in rows:
        if (
            not isinstance(row, list)
            or len(row) != 5
            or not all(isinstance(row[i], bytes) for i in (0, 3, 4))
            or not all(type(row[i]) is int for i in (1, 2))
        ):
            raise ValueError("manifest rows are [device_id, sequence, timestamp, stamp, signature]")
        entries.append(BatchEntry(*row))
    return entries
