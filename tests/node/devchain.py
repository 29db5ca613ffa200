"""In-memory dev chains for node tests: a serving backend, and sealed blocks mined on a chain's head."""

from collections.abc import Sequence

from eth.abc import BlockAPI, ChainAPI
from eth.db.atomic import AtomicDB
from eth_typing import Address, BlockNumber
from eth_utils import to_canonical_address

from walton.node.backend import NetworkInfo, NodeBackend
from walton.node.db import BlockWriteDB
from walton.vm.forks.iot.mining import FixedCandidates, apply_seal, build_block, coinbase_balance_at_head, find_seal
from walton.vm.networks.dev import DEV_CHAIN_ID, build_dev_chain, dev_accounts
from walton.vm.validation import decode_transaction


def dev_backend() -> NodeBackend:
    """A backend serving a fresh in-memory dev chain (``backend.chain``)."""
    db = BlockWriteDB(AtomicDB())
    return NodeBackend.serving(build_dev_chain(db), db, NetworkInfo("dev", DEV_CHAIN_ID, DEV_CHAIN_ID))


def sealed_block(chain: ChainAPI, coinbase: Address, transactions: Sequence[bytes] = (), spacing: int = 1) -> BlockAPI:
    """A block on ``chain``'s head, ``spacing`` seconds after it, holding the raw ``transactions``: sealed, not
    imported."""
    vm_class = chain.get_vm_class_for_block_number(BlockNumber(chain.get_canonical_head().block_number + 1))
    candidates = FixedCandidates([decode_transaction(vm_class, raw) for raw in transactions])
    built = build_block(chain, candidates, coinbase, chain.get_canonical_head().timestamp + spacing)
    seal = find_seal(built.block, coinbase_balance_at_head(chain, coinbase), 0, 100_000)
    assert seal is not None
    return apply_seal(built.block, seal)


def mine(
    chain: ChainAPI, count: int, coinbase_index: int = 0, spacing: int = 1, transactions: Sequence[bytes] = ()
) -> list[BlockAPI]:
    """``count`` blocks by dev account ``coinbase_index``, each imported on ``chain``; the raw ``transactions`` go in
    the first."""
    coinbase = to_canonical_address(dev_accounts()[coinbase_index].address)
    blocks = []
    for number in range(count):
        block = sealed_block(chain, coinbase, transactions if number == 0 else (), spacing)
        chain.import_block(block)
        blocks.append(block)
    return blocks


def mine_branch(length: int, coinbase_index: int, spacing: int, transactions: Sequence[bytes] = ()) -> list[BlockAPI]:
    """A branch from the dev genesis, mined on its own chain (different coinbase and timestamps)."""
    return mine(build_dev_chain(BlockWriteDB(AtomicDB())), length, coinbase_index, spacing, transactions)
