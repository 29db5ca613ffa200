"""Cross-chain proofs, client side: fetch them from a child node over JSON-RPC and check them here.

A datum of a child chain is proven against one of its block headers:

* a storage value (a stamp kept in a contract or precompile's storage) by the account proof and
  the storage proof of EIP-1186 (``eth_getProof``) against the header's state root;
* a receipt (its logs) or a transaction by a proof in the block's receipt or transaction trie,
  keyed by ``rlp(index)``, against the header's receipts or transactions root.

The proofs are built from data the child node serves and then checked locally against the header
(whose hash is checked too), so a node that serves wrong data is caught before anything is sent
to another chain. On the parent or a sibling, the PROOF precompile (0x111) checks the same nodes
against the header anchored there: the encodings below (``rlp([node, node, ...])``) are what its
``verifyStorage``/``verifyReceipt``/``verifyTransaction`` take.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import rlp
from eth.constants import BLANK_ROOT_HASH
from eth_hash.auto import keccak
from eth_typing import Address, Hash32
from eth_utils import to_bytes, to_checksum_address
from trie import HexaryTrie
from web3 import Web3

from walton.vm.precompiles.trie_proofs import ProofError as TrieProofError
from walton.vm.precompiles.trie_proofs import prove_account, prove_indexed, prove_storage

HASH_LENGTH = 32
T = TypeVar("T")
STATE_ROOT_INDEX = 3  # in the RLP list of a header: parent, ommers, coinbase, state, transactions, receipts, ...
TRANSACTIONS_ROOT_INDEX = 4
RECEIPTS_ROOT_INDEX = 5


class ProofError(ValueError):
    """A proof that does not prove what it claims, or data a node served that does not match its header."""


def _checked(check: Callable[[], T]) -> T:
    """Run one of the PROOF precompile's own checks (``trie_proofs``), its refusal as a ``ProofError``."""
    try:
        return check()
    except TrieProofError as exc:
        raise ProofError(f"invalid proof: {exc}") from None


def trie_proof_nodes(trie: HexaryTrie, key: bytes) -> tuple[bytes, ...]:
    """The proof of ``key`` as geth lists it: the root and every node not embedded in its parent."""
    encoded = [bytes(rlp.encode(node)) for node in trie.get_proof(key)]
    return tuple(node for position, node in enumerate(encoded) if position == 0 or len(node) >= HASH_LENGTH)


def index_key(index: int) -> bytes:
    """The key of a block's ``index``-th transaction or receipt in its trie."""
    return bytes(rlp.encode(index))


def index_trie(items: Sequence[bytes]) -> HexaryTrie:
    """The trie of a block's transactions or receipts (consensus encodings keyed by their index)."""
    trie = HexaryTrie({}, BLANK_ROOT_HASH)
    for index, item in enumerate(items):
        trie[index_key(index)] = item
    return trie


def encode_proof(nodes: Sequence[bytes]) -> bytes:
    """The form the PROOF precompile takes: ``rlp([node, node, ...])``."""
    return bytes(rlp.encode(list(nodes)))


@dataclass(frozen=True)
class HeaderRoots:
    """The roots of a child block header whose hash was checked against its RLP."""

    block_hash: Hash32
    number: int
    state_root: Hash32
    transactions_root: Hash32
    receipts_root: Hash32
    raw: bytes


def header_roots(raw_header: bytes) -> HeaderRoots:
    try:
        fields = rlp.decode(raw_header)
        return HeaderRoots(
            block_hash=Hash32(keccak(raw_header)),
            number=int.from_bytes(fields[8], "big"),
            state_root=Hash32(fields[STATE_ROOT_INDEX]),
            transactions_root=Hash32(fields[TRANSACTIONS_ROOT_INDEX]),
            receipts_root=Hash32(fields[RECEIPTS_ROOT_INDEX]),
            raw=raw_header,
        )
    except (rlp.DecodingError, IndexError, TypeError) as exc:
        raise ProofError(f"not an RLP block header: {exc}") from None


def fetch_header(w3: Web3, block: int | bytes) -> HeaderRoots:
    """A header's RLP from the node (``debug_getRawHeader``) by number or hash; by hash, checked to hash to it."""
    param = hex(block) if isinstance(block, int) else "0x" + bytes(block).hex()
    result = w3.provider.make_request("debug_getRawHeader", [param])  # type: ignore[arg-type]
    if result.get("error") or not result.get("result"):
        raise ProofError(f"no header for block {param}: {result.get('error', 'not found')}")
    roots = header_roots(to_bytes(hexstr=result["result"]))
    if isinstance(block, bytes) and roots.block_hash != block:
        raise ProofError(f"the node served a header that does not hash to {param}")
    return roots


@dataclass(frozen=True)
class StorageProof:
    """A storage value of an account on a child chain, with the proof nodes against a block's state root."""

    block_hash: Hash32
    state_root: Hash32
    account: Address
    slot: bytes
    value: int
    account_proof: tuple[bytes, ...]
    storage_proof: tuple[bytes, ...]

    def verify(self) -> int:
        """The value the proofs show under the state root, checked as PROOF's ``verifyStorage`` checks it."""
        account = _checked(lambda: prove_account(self.state_root, self.account, self.encoded_account_proof))
        value = _checked(lambda: prove_storage(account.storage_root, self.slot, self.encoded_storage_proof))
        if value != self.value:
            raise ProofError(f"invalid proof: it shows value {value}, not {self.value}")
        return value

    @property
    def encoded_account_proof(self) -> bytes:
        return encode_proof(self.account_proof)

    @property
    def encoded_storage_proof(self) -> bytes:
        return encode_proof(self.storage_proof)


@dataclass(frozen=True)
class ItemProof:
    """A block's ``index``-th receipt or transaction (its consensus encoding) with its trie proof."""

    block_hash: Hash32
    root: Hash32
    index: int
    item: bytes
    nodes: tuple[bytes, ...]
    kind: str  # "receipt" or "transaction"

    def verify(self) -> bytes:
        proven = _checked(lambda: prove_indexed(self.root, self.index, self.encoded_proof, self.kind))
        if proven != self.item:
            raise ProofError("invalid proof: the proven item differs from the claimed one")
        return proven

    @property
    def encoded_proof(self) -> bytes:
        return encode_proof(self.nodes)


def get_storage_proof(w3: Web3, account: Address | str, slot: int | bytes, block_hash: bytes) -> StorageProof:
    """Fetch ``eth_getProof`` for one slot at a block and check it against the block's header."""
    header = fetch_header(w3, block_hash)
    slot_bytes = slot.to_bytes(32, "big") if isinstance(slot, int) else bytes(slot).rjust(32, b"\x00")
    address = Address(to_bytes(hexstr=account) if isinstance(account, str) else bytes(account))
    result = w3.provider.make_request(
        "eth_getProof",  # type: ignore[arg-type]
        [to_checksum_address(address), ["0x" + slot_bytes.hex()], {"blockHash": "0x" + block_hash.hex()}],
    )
    if result.get("error"):
        raise ProofError(f"eth_getProof failed: {result['error']}")
    answer = result["result"]
    entry = answer["storageProof"][0]
    proof = StorageProof(
        block_hash=header.block_hash,
        state_root=header.state_root,
        account=address,
        slot=slot_bytes,
        value=int(entry["value"], 16),
        account_proof=tuple(to_bytes(hexstr=node) for node in answer["accountProof"]),
        storage_proof=tuple(to_bytes(hexstr=node) for node in entry["proof"]),
    )
    proof.verify()
    return proof


def _item_proof(header: HeaderRoots, items: Sequence[bytes], index: int, root: Hash32, what: str) -> ItemProof:
    if not 0 <= index < len(items):
        raise ProofError(f"block {header.number} has no {what} {index} (it has {len(items)})")
    trie = index_trie(items)
    if trie.root_hash != root:
        raise ProofError(f"the node's {what}s of block {header.number} do not match the header's root")
    nodes = trie_proof_nodes(trie, index_key(index))
    proof = ItemProof(header.block_hash, root, index, items[index], nodes, what)
    proof.verify()
    return proof


def get_receipt_proof(w3: Web3, block_hash: bytes, index: int) -> ItemProof:
    """The block's ``index``-th receipt with its proof against the header's receipts root."""
    header = fetch_header(w3, block_hash)
    result = w3.provider.make_request("debug_getRawReceipts", ["0x" + block_hash.hex()])  # type: ignore[arg-type]
    if result.get("error") or result.get("result") is None:
        raise ProofError(f"debug_getRawReceipts failed: {result.get('error', 'block not found')}")
    receipts = [to_bytes(hexstr=item) for item in result["result"]]
    return _item_proof(header, receipts, index, header.receipts_root, "receipt")


def get_transaction_proof(w3: Web3, block_hash: bytes, index: int) -> ItemProof:
    """The block's ``index``-th transaction with its proof against the header's transactions root."""
    header = fetch_header(w3, block_hash)
    count = w3.eth.get_block_transaction_count(Hash32(block_hash))
    transactions = []
    for position in range(count):
        result = w3.provider.make_request(
            "eth_getRawTransactionByBlockHashAndIndex",  # type: ignore[arg-type]
            ["0x" + block_hash.hex(), hex(position)],
        )
        if result.get("error") or not result.get("result"):
            raise ProofError(f"no transaction {position} in block {header.number}")
        transactions.append(to_bytes(hexstr=result["result"]))
    return _item_proof(header, transactions, index, header.transactions_root, "transaction")
