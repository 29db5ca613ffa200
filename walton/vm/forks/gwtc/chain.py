"""A py-evm chain for the legacy Gwtc forks, importing blocks in Gwtc's order with Gwtc's error words.

``GwtcChainDB`` stores and reads the 17-field header (py-evm's ``ChainDB`` decodes Ethereum's).
``GwtcChain.import_block`` follows ``BlockChain.insertChain`` of go-ethereum 1.7.1 for one block:

1. header (``verifyHeader``: extra data, timestamp, difficulty, gas limit and used, number) and
   seal (``VerifySeal`` through the VM's consensus class);
2. body (``ValidateBody``: uncles with ``VerifyUncles``, uncle hash, transaction root);
3. execution (transactions, then rewards);
4. result (``ValidateState``: gas used, bloom, receipt root, state root).

Every rejection raises ``BlockRejected`` carrying the block number, hash and Gwtc's reason.
"""

from collections.abc import Iterable
from typing import Any, cast

import rlp
from eth.abc import AtomicDatabaseAPI, BlockAPI, BlockHeaderAPI, BlockImportResult, DatabaseAPI
from eth.chains.base import Chain
from eth.constants import EMPTY_UNCLE_HASH, MAX_UNCLE_DEPTH, MAX_UNCLES
from eth.db.chain import ChainDB
from eth.db.trie import make_trie_root_and_nodes
from eth.exceptions import BlockNotFound, HeaderNotFound
from eth_bloom import BloomFilter
from eth_hash.auto import keccak
from eth_typing import Hash32
from eth_utils import ValidationError, encode_hex
from rlp.sedes import CountableList

from walton.consensus.wpoc import SealValidationError
from walton.vm.forks.gwtc.headers import GwtcBlockHeader, decode_header, headers_differ

UNCLES_SEDES = CountableList(GwtcBlockHeader)


class BlockRejected(ValidationError):
    """A block Gwtc rejects: ``number``, ``hash`` and ``reason`` (Gwtc's words where Gwtc has them)."""

    def __init__(self, number: int, block_hash: bytes, reason: str, rule: str) -> None:
        super().__init__(f"block {number} {encode_hex(block_hash)}: {reason}")
        self.number = number
        self.block_hash = block_hash
        self.reason = reason
        self.rule = rule


class GwtcChainDB(ChainDB):
    """py-evm's ``ChainDB`` with Gwtc's 17-field header for headers and uncles."""

    @staticmethod
    def _get_block_header_by_hash(db: DatabaseAPI, block_hash: Hash32) -> BlockHeaderAPI:
        try:
            encoded = db[block_hash]
        except KeyError:
            raise HeaderNotFound(f"No header with hash {encode_hex(block_hash)} found") from None
        return decode_header(encoded)

    def get_block_uncles(self, uncles_hash: Hash32) -> tuple[BlockHeaderAPI, ...]:
        if uncles_hash == EMPTY_UNCLE_HASH:
            return ()
        try:
            encoded = self.db[uncles_hash]
        except KeyError as exc:
            raise HeaderNotFound(f"No uncles found for hash {uncles_hash!r}") from exc
        return tuple(rlp.decode(encoded, sedes=UNCLES_SEDES))

    @staticmethod
    def _persist_uncles(db: DatabaseAPI, uncles: tuple[BlockHeaderAPI, ...]) -> Hash32:
        encoded = rlp.encode(uncles, sedes=UNCLES_SEDES)
        uncles_hash = cast(Hash32, keccak(encoded))
        db.set(uncles_hash, encoded)
        return uncles_hash


class GwtcChain(Chain):
    """A chain of legacy Gwtc forks; subclasses set ``vm_configuration`` and ``chain_id``."""

    chaindb_class = GwtcChainDB
    network_id: int = 0

    def __init__(self, base_db: AtomicDatabaseAPI) -> None:
        super().__init__(base_db)

    # -- Gwtc's import order ------------------------------------------------------------------------
    def import_block(self, block: BlockAPI, perform_validation: bool = True) -> BlockImportResult:
        number, block_hash = block.number, block.hash

        def reject(reason: str, rule: str) -> BlockRejected:
            return BlockRejected(number, block_hash, reason, rule)

        try:
            parent = self.get_block_header_by_hash(block.header.parent_hash)
        except HeaderNotFound:
            raise reject("unknown ancestor", "parent") from None
        if perform_validation:
            self._validate_header_and_seal(block.header, parent, reject)
            self._validate_body(block, reject)

        base_header = self.create_header_from_parent(parent).copy(gas_used=block.header.gas_used)
        vm = self.get_vm(base_header)
        try:
            result = vm.import_block(block)
        except ValidationError as exc:
            raise reject(str(exc), "transaction") from exc
        local = result.block
        if perform_validation:
            self._validate_state(block, local, reject)
        new_hashes, old_hashes = self.chaindb.persist_block(local)
        return BlockImportResult(
            local,
            tuple(self.get_block_by_hash(block_hash) for block_hash in new_hashes),
            tuple(self.get_block_by_hash(block_hash) for block_hash in old_hashes),
            result.meta_witness,
        )

    def _validate_header_and_seal(self, header: BlockHeaderAPI, parent: BlockHeaderAPI, reject: Any) -> None:
        vm_class = self.get_vm_class_for_block_number(header.block_number)
        try:
            vm_class.validate_header(header, parent)
        except ValidationError as exc:
            raise reject(str(exc), _header_rule(str(exc))) from exc
        try:
            self.validate_seal(header)
        except SealValidationError as exc:
            raise reject(str(exc), "seal") from exc

    def _validate_body(self, block: BlockAPI, reject: Any) -> None:
        try:
            self.validate_uncles(block)
        except ValidationError as exc:
            raise reject(str(exc), "uncles") from exc
        uncles_hash = keccak(rlp.encode(block.uncles))
        if uncles_hash != block.header.uncles_hash:
            raise reject(
                f"uncle root hash mismatch: have {uncles_hash.hex()}, want {block.header.uncles_hash.hex()}",
                "uncle hash",
            )
        tx_root, _ = make_trie_root_and_nodes(block.transactions)
        if tx_root != block.header.transaction_root:
            raise reject(
                f"transaction root hash mismatch: have {tx_root.hex()}, want {block.header.transaction_root.hex()}",
                "transaction root",
            )

    def _validate_state(self, proposed: BlockAPI, local: BlockAPI, reject: Any) -> None:
        remote, mine = proposed.header, local.header
        if remote.gas_used != mine.gas_used:
            raise reject(f"invalid gas used (remote: {remote.gas_used} local: {mine.gas_used})", "gas used")
        if remote.bloom != mine.bloom:
            raise reject(f"invalid bloom (remote: {int(remote.bloom):0512x}  local: {int(mine.bloom):0512x})", "bloom")
        if remote.receipt_root != mine.receipt_root:
            raise reject(
                f"invalid receipt root hash (remote: {remote.receipt_root.hex()} local: {mine.receipt_root.hex()})",
                "receipt root",
            )
        if remote.state_root != mine.state_root:
            raise reject(
                f"invalid merkle root (remote: {remote.state_root.hex()} local: {mine.state_root.hex()})",
                "state root",
            )
        if local != proposed:
            fields = ", ".join(headers_differ(remote, mine)) or "body"
            raise reject(f"locally executed block differs from the proposed block in: {fields}", "block")

    # -- uncles (go-ethereum 1.7.1 VerifyUncles) -------------------------------------------------------
    def validate_uncles(self, block: BlockAPI) -> None:
        if len(block.uncles) > MAX_UNCLES:
            raise ValidationError("too many uncles")
        if not block.uncles:
            return
        ancestors: dict[bytes, BlockHeaderAPI] = {}
        seen_uncles: set[bytes] = set()
        parent_hash = block.header.parent_hash
        for _ in range(MAX_UNCLE_DEPTH):
            try:
                ancestor = self.get_block_by_hash(parent_hash)
            except (HeaderNotFound, BlockNotFound):
                break
            ancestors[ancestor.hash] = ancestor.header
            seen_uncles.update(uncle.hash for uncle in ancestor.uncles)
            parent_hash = ancestor.header.parent_hash
        ancestors[block.hash] = block.header
        seen_uncles.add(block.hash)
        for uncle in block.uncles:
            if uncle.hash in seen_uncles:
                raise ValidationError("duplicate uncle")
            seen_uncles.add(uncle.hash)
            if uncle.hash in ancestors:
                raise ValidationError("uncle is ancestor")
            uncle_parent = ancestors.get(uncle.parent_hash)
            if uncle_parent is None or uncle.parent_hash == block.header.parent_hash:
                raise ValidationError("uncle's parent is not ancestor")
            vm_class = self.get_vm_class_for_block_number(uncle.block_number)
            vm_class.validate_uncle(block, uncle, uncle_parent)
            self.validate_seal(uncle)

    def validate_block(self, block: BlockAPI) -> None:
        if block.is_genesis:
            raise ValidationError("Cannot validate genesis block this way")
        parent = self.get_block_header_by_hash(block.header.parent_hash)

        def reject(reason: str, rule: str) -> BlockRejected:
            return BlockRejected(block.number, block.hash, reason, rule)

        self._validate_header_and_seal(block.header, parent, reject)
        self._validate_body(block, reject)

    # -- reading ------------------------------------------------------------------------------------
    def iter_canonical_blocks(self, start: int = 0) -> Iterable[BlockAPI]:
        head = self.get_canonical_head().block_number
        for number in range(start, head + 1):
            yield self.get_canonical_block_by_number(number)  # type: ignore[arg-type]


def _header_rule(message: str) -> str:
    for prefix, rule in (
        ("extra-data too long", "extra data"),
        ("timestamp", "timestamp"),
        ("invalid difficulty", "difficulty"),
        ("invalid gasLimit", "gas limit"),
        ("invalid gasUsed", "gas used"),
        ("invalid gas limit", "gas limit"),
        ("invalid block number", "number"),
    ):
        if message.startswith(prefix):
            return rule
    return "header"


def bloom_of(receipts: Iterable[Any]) -> int:
    bloom = BloomFilter()
    for receipt in receipts:
        bloom |= receipt.bloom
    return int(bloom)


__all__ = ["BlockRejected", "GwtcChain", "GwtcChainDB"]
