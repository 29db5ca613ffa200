"""Child chains for the cross-chain precompile tests: a real WPoC dev chain mined in memory, authority headers.

The WPoC child is a dev chain whose blocks are built, X11-sealed and imported like the node's miner
does; proofs come from its database's tries, as ``eth_getProof`` builds them.
"""

from collections.abc import Sequence
from typing import Any

import rlp
from eth.abc import BlockAPI, BlockHeaderAPI, SignedTransactionAPI
from eth.vm.forks.prague.blocks import PragueBlockHeader
from eth_hash.auto import keccak
from eth_keys.datatypes import PrivateKey
from eth_typing import Address, BlockNumber
from trie import HexaryTrie

from walton.consensus.authority import genesis_extra_data, sign_header
from walton.vm.forks.iot.mining import FixedCandidates, apply_seal, build_block, coinbase_balance_at_head, find_seal
from walton.vm.precompiles.trie_proofs import prove_account


def mine(chain: Any, coinbase: Address, transactions: Sequence[SignedTransactionAPI] = ()) -> BlockAPI:
    """Build, seal and import the next block of a WPoC (IoT fork) chain."""
    head = chain.get_canonical_head()
    built = build_block(chain, FixedCandidates(transactions), coinbase, head.timestamp + 10)
    assert len(built.included) == len(transactions), built.rejected
    seal = find_seal(built.block, coinbase_balance_at_head(chain, coinbase), 0, 200_000)
    assert seal is not None
    block = apply_seal(built.block, seal)
    chain.import_block(block)
    return block


def encode_proof(nodes: Sequence[Any]) -> bytes:
    """eth_getProof's node list (each node RLP-encoded), wrapped in one RLP list: what PROOF takes."""
    return rlp.encode([rlp.encode(node) for node in nodes])


def trie_proof(chain: Any, root: bytes, key: bytes) -> bytes:
    return encode_proof(HexaryTrie(chain.chaindb.db, root).get_proof(key))


def account_proof(chain: Any, state_root: bytes, address: Address) -> bytes:
    return trie_proof(chain, state_root, keccak(address))


def storage_proof(chain: Any, state_root: bytes, address: Address, slot: bytes) -> bytes:
    storage_root = prove_account(state_root, address, account_proof(chain, state_root, address)).storage_root
    return trie_proof(chain, storage_root, keccak(slot))


def coinbase_proofs(chain: Any, headers: Sequence[BlockHeaderAPI]) -> list[bytes]:
    """For each header, the proof of its coinbase account in its parent's state."""
    proofs = []
    for header in headers:
        parent = chain.get_block_header_by_hash(header.parent_hash)
        proofs.append(account_proof(chain, parent.state_root, header.coinbase))
    return proofs


def authority_genesis(members: Sequence[Address]) -> BlockHeaderAPI:
    return PragueBlockHeader(
        difficulty=1,
        block_number=BlockNumber(0),
        gas_limit=30_000_000,
        timestamp=1_700_000_000,
        extra_data=genesis_extra_data(members),
        nonce=b"\0" * 8,
    )


def authority_child(
    parent: BlockHeaderAPI, key: PrivateKey, announce: Sequence[Address] = (), **changes: Any
) -> BlockHeaderAPI:
    """The next authority header after ``parent``, signed by ``key`` (announcing a new member set if given)."""
    fields = {
        "parent_hash": parent.hash,
        "block_number": parent.block_number + 1,
        "timestamp": parent.timestamp + 5,
        "extra_data": b"".join(announce),
        "difficulty": 1,
        "nonce": b"\0" * 8,
        "state_root": keccak(parent.hash),  # any root: anchors check the seal, not the state transition
        **changes,
    }
    return sign_header(parent.copy(**fields), key)
