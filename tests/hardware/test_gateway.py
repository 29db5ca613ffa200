"""Gateway Merkle trees: proofs for every leaf, and forged proofs refused."""

import os

import cbor2
import pytest
from eth_hash.auto import keccak

from walton.hardware.gateway import (
    LEAF_PREFIX,
    NODE_PREFIX,
    BatchEntry,
    batch_digest,
    decode_manifest,
    encode_manifest,
    inclusion_proof,
    merkle_root,
    verify_inclusion,
)


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 13, 100])
def test_every_leaf_proves_its_inclusion(count: int) -> None:
    leaves = [os.urandom(32) for _ in range(count)]
    root = merkle_root(leaves)
    for index, leaf in enumerate(leaves):
        proof = inclusion_proof(leaves, index)
        assert verify_inclusion(leaf, index, proof, root)


def test_wrong_index_sibling_leaf_or_root_fails() -> None:
    leaves = [os.urandom(32) for _ in range(6)]
    root = merkle_root(leaves)
    proof = inclusion_proof(leaves, 2)
    assert not verify_inclusion(leaves[2], 3, proof, root)
    assert not verify_inclusion(leaves[2], 2 + 8, proof, root)  # beyond the tree the proof describes
    assert not verify_inclusion(leaves[2], -1, proof, root)
    for position in range(len(proof)):
        forged = list(proof)
        forged[position] = os.urandom(32)
        assert not verify_inclusion(leaves[2], 2, forged, root)
    assert not verify_inclusion(os.urandom(32), 2, proof, root)
    assert not verify_inclusion(leaves[2], 2, proof, os.urandom(32))
    assert not verify_inclusion(leaves[2], 2, proof[:-1], root)
    assert not verify_inclusion(leaves[2], 2, [*proof, os.urandom(32)], root)
    assert not verify_inclusion(leaves[2][:31], 2, proof, root)
    assert not verify_inclusion(leaves[2], 2, [p[:31] for p in proof], root)


def test_inner_node_cannot_pass_for_a_leaf() -> None:
    """Second preimage: present the two children of a level-1 node as one 64-byte 'leaf', or that node
    itself as a leaf of a shorter proof. Prefixes and the 32-byte leaf rule refuse both."""
    leaves = [os.urandom(32) for _ in range(4)]
    root = merkle_root(leaves)
    left = keccak(LEAF_PREFIX + leaves[0])
    right = keccak(LEAF_PREFIX + leaves[1])
    inner = keccak(NODE_PREFIX + left + right)
    upper_sibling = inclusion_proof(leaves, 0)[1]
    assert not verify_inclusion(inner, 0, [upper_sibling], root)
    assert not verify_inclusion(left + right, 0, [upper_sibling], root)
    # A tree whose leaves are the level-1 nodes has a different root.
    assert merkle_root([inner, keccak(NODE_PREFIX + keccak(LEAF_PREFIX + leaves[2]) + right)]) != root


def test_padding_and_order_matter() -> None:
    leaves = [os.urandom(32) for _ in range(3)]
    assert merkle_root(leaves) != merkle_root([*leaves, leaves[-1]])  # no duplicate-last-leaf ambiguity
    assert merkle_root(leaves) != merkle_root(list(reversed(leaves)))
    with pytest.raises(ValueError, match="at least one leaf"):
        merkle_root([])
    with pytest.raises(ValueError, match="32 bytes"):
        merkle_root([b"short"])
    with pytest.raises(ValueError, match="out of range"):
        inclusion_proof(leaves, 3)


def test_manifest_round_trip_and_batch_digest() -> None:
    entries = [BatchEntry(os.urandom(32), i + 1, 1000 + i, os.urandom(32), os.urandom(65)) for i in range(3)]
    data = encode_manifest(entries)
    assert decode_manifest(data) == entries
    with pytest.raises(ValueError, match="manifest"):
        decode_manifest(b"\xa0")
    with pytest.raises(ValueError, match="manifest rows"):
        decode_manifest(cbor2.dumps([[1, 2]]))
    leaves = [entry.leaf(1337) for entry in entries]
    root = merkle_root(leaves)
    digest = batch_digest(os.urandom(32), 1, root, 3, keccak(data), 1337)
    assert len(digest) == 32
    with pytest.raises(ValueError, match="count"):
        batch_digest(os.urandom(32), 1, root, 0, keccak(data), 1337)
