"""Building and sealing IoT-fork blocks: what a miner does before the block goes through import."""

from collections.abc import Iterable
from dataclasses import dataclass

from eth.abc import BlockAPI, ChainAPI, SignedTransactionAPI
from eth_typing import Address
from eth_utils import ValidationError

from walton.consensus.iot_seal import Seal, search_seal
from walton.vm.forks.iot.headers import seal_hash


@dataclass(frozen=True)
class BuiltBlock:
    block: BlockAPI
    included: tuple[SignedTransactionAPI, ...]
    rejected: tuple[tuple[SignedTransactionAPI, str], ...]


def build_block(
    chain: ChainAPI, candidates: Iterable[SignedTransactionAPI], coinbase: Address, timestamp: int
) -> BuiltBlock:
    """Execute candidates on the head's state in order, keep those that are valid, finalize (unsealed)."""
    parent = chain.get_canonical_head()
    header = chain.create_header_from_parent(parent, coinbase=coinbase, timestamp=timestamp)
    vm = chain.get_vm(header)
    included: list[SignedTransactionAPI] = []
    rejected: list[tuple[SignedTransactionAPI, str]] = []
    receipts = []
    for transaction in candidates:
        if header.gas_used + transaction.gas > header.gas_limit:
            continue
        try:  # an invalid transaction is refused before it changes any state
            receipt, _computation = vm.apply_transaction(header, transaction)
        except ValidationError as exc:
            rejected.append((transaction, str(exc)))
            continue
        header = vm.increment_blob_gas_used(vm.add_receipt_to_header(header, receipt), transaction)
        receipts.append(receipt)
        included.append(transaction)
    block = vm.set_block_transactions_and_withdrawals(vm.get_block(), header, included, receipts)
    return BuiltBlock(vm.finalize_block(block).block, tuple(included), tuple(rejected))


def find_seal(block: BlockAPI, coinbase_balance: int, start_nonce: int, attempts: int) -> Seal | None:
    """A nonce and mixHash that seal ``block`` (its coinbase holding ``coinbase_balance`` at the parent), or None."""
    header = block.header
    number, difficulty = header.block_number, header.difficulty
    return search_seal(number, difficulty, seal_hash(header), coinbase_balance, start_nonce, attempts)


def apply_seal(block: BlockAPI, seal: Seal) -> BlockAPI:
    return block.copy(header=block.header.copy(nonce=seal.nonce.to_bytes(8, "big"), mix_hash=seal.mix_hash))


def coinbase_balance_at_head(chain: ChainAPI, coinbase: Address) -> int:
    """The balance the seal's stake factor uses: the coinbase's in the parent (head) state."""
    balance: int = chain.get_vm(chain.get_canonical_head()).state.get_balance(coinbase)
    return balance
