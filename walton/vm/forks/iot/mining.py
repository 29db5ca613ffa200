"""Building and sealing IoT-fork blocks: what a miner does before the block goes through import."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from eth.abc import BlockAPI, ChainAPI, SignedTransactionAPI
from eth_typing import Address
from eth_utils import ValidationError

from walton.consensus.iot_seal import Seal, search_seal
from walton.vm.forks.iot.headers import seal_hash


class Candidates(Protocol):
    """Transactions offered to a block, in the order to try them."""

    def __iter__(self) -> Iterator[SignedTransactionAPI]: ...

    def skip_sender(self, sender: Address) -> None:
        """Offer no more of this sender's transactions: a later nonce cannot follow a refused one."""


class FixedCandidates:
    """A fixed list of candidates (tests, replays)."""

    def __init__(self, transactions: Iterable[SignedTransactionAPI]) -> None:
        self._transactions = list(transactions)
        self._skipped: set[Address] = set()

    def __iter__(self) -> Iterator[SignedTransactionAPI]:
        return (tx for tx in self._transactions if tx.sender not in self._skipped)

    def skip_sender(self, sender: Address) -> None:
        self._skipped.add(sender)


@dataclass(frozen=True)
class BuiltBlock:
    block: BlockAPI
    included: tuple[SignedTransactionAPI, ...]
    rejected: tuple[tuple[SignedTransactionAPI, str], ...]


def build_block(chain: ChainAPI, candidates: Candidates, coinbase: Address, timestamp: int) -> BuiltBlock:
    """Execute candidates on the head's state in order, keep those that are valid, finalize (unsealed).

    The steps are the ones import runs (pre-processing, transactions, post-processing,
    finalization), so the block imports to the same state it was built with.
    """
    parent = chain.get_canonical_head()
    header = chain.create_header_from_parent(parent, coinbase=coinbase, timestamp=timestamp)
    vm: Any = chain.get_vm(header)  # a fork VM: block_preprocessing and friends are not on VirtualMachineAPI
    vm.block_preprocessing(vm.get_block())
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
            candidates.skip_sender(transaction.sender)
            continue
        header = vm.increment_blob_gas_used(vm.add_receipt_to_header(header, receipt), transaction)
        receipts.append(receipt)
        included.append(transaction)
    block = vm.set_block_transactions_and_withdrawals(vm.get_block(), header, included, receipts)
    block = vm.block_postprocessing(block)
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
