"""The ``eth`` wire protocol, versions 62 and 63, as Gwtc speaks it: messages, decoding, and answers.

Message payloads are RLP lists. Headers and blocks are decoded with the classes of the fork at
their height on the node's chain (``BlockCodec``): Gwtc's 17-field header on Gwtc networks, the
IoT (Prague) header on IoT networks. Anything that does not decode raises ``ProtocolError``; the
peer that sent it is disconnected. Requests from peers are answered from our database with geth's
limits (``MAX_*`` per request and a soft response size).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import rlp
from eth.abc import BlockAPI, BlockHeaderAPI, ChainAPI, ReceiptAPI
from eth.exceptions import BlockNotFound, HeaderNotFound
from eth_hash.auto import keccak
from eth_typing import BlockNumber, Hash32
from eth_utils import ValidationError

ETH_VERSIONS = (63, 62)  # ours, best first
MESSAGE_COUNTS = {62: 8, 63: 17}  # message codes each version reserves (offsets of the next protocol)

STATUS = 0x00
NEW_BLOCK_HASHES = 0x01
TRANSACTIONS = 0x02
GET_BLOCK_HEADERS = 0x03
BLOCK_HEADERS = 0x04
GET_BLOCK_BODIES = 0x05
BLOCK_BODIES = 0x06
NEW_BLOCK = 0x07
GET_NODE_DATA = 0x0D
NODE_DATA = 0x0E
GET_RECEIPTS = 0x0F
RECEIPTS = 0x10

MESSAGE_NAMES = {
    STATUS: "Status",
    NEW_BLOCK_HASHES: "NewBlockHashes",
    TRANSACTIONS: "Transactions",
    GET_BLOCK_HEADERS: "GetBlockHeaders",
    BLOCK_HEADERS: "BlockHeaders",
    GET_BLOCK_BODIES: "GetBlockBodies",
    BLOCK_BODIES: "BlockBodies",
    NEW_BLOCK: "NewBlock",
    GET_NODE_DATA: "GetNodeData",
    NODE_DATA: "NodeData",
    GET_RECEIPTS: "GetReceipts",
    RECEIPTS: "Receipts",
}
# Each request's response code (eth/62-63 have no request ids: a response answers the one open request).
RESPONSE_OF = {
    GET_BLOCK_HEADERS: BLOCK_HEADERS,
    GET_BLOCK_BODIES: BLOCK_BODIES,
    GET_NODE_DATA: NODE_DATA,
    GET_RECEIPTS: RECEIPTS,
}

# geth's serving limits (eth/downloader MaxHeaderFetch etc., eth/handler softResponseLimit).
MAX_HEADERS = 192
MAX_BODIES = 128
MAX_NODE_DATA = 384
MAX_RECEIPTS = 256
SOFT_RESPONSE_LIMIT = 2 * 1024 * 1024
MAX_MESSAGE_SIZE = 10 * 1024 * 1024  # geth's protocolMaxMsgSize

_T = TypeVar("_T")


class ProtocolError(Exception):
    """A peer broke the protocol (undecodable or out-of-place message): disconnect it."""


def _int(value: Any, what: str) -> int:
    if not isinstance(value, bytes) or value[:1] == b"\x00":
        raise ProtocolError(f"{what}: expected a canonical integer")
    return int.from_bytes(value, "big")


def _hash(value: Any, what: str) -> Hash32:
    if not isinstance(value, bytes) or len(value) != 32:
        raise ProtocolError(f"{what}: expected a 32-byte hash")
    return Hash32(value)


def _list(value: Any, what: str, length: int | None = None) -> list[Any]:
    if not isinstance(value, list):
        raise ProtocolError(f"{what}: expected a list")
    if length is not None and len(value) != length:
        raise ProtocolError(f"{what}: expected {length} items, got {len(value)}")
    return value


def split_payload(payload: bytes, name: str) -> Any:
    """The payload as nested lists of byte strings; ``ProtocolError`` if it is not one RLP item."""
    try:
        return rlp.decode(payload, strict=True)
    except (rlp.DecodingError, rlp.DeserializationError) as exc:
        raise ProtocolError(f"{name}: undecodable RLP: {exc}") from exc


@dataclass(frozen=True)
class Status:
    version: int
    network_id: int
    total_difficulty: int
    head_hash: Hash32
    genesis_hash: Hash32

    def encode(self) -> bytes:
        return bytes(
            rlp.encode([self.version, self.network_id, self.total_difficulty, self.head_hash, self.genesis_hash])
        )

    @classmethod
    def decode(cls, payload: bytes) -> "Status":
        items = _list(split_payload(payload, "Status"), "Status")
        if len(items) < 5:
            raise ProtocolError("Status: too few fields")
        return cls(
            _int(items[0], "Status.version"),
            _int(items[1], "Status.networkId"),
            _int(items[2], "Status.td"),
            _hash(items[3], "Status.head"),
            _hash(items[4], "Status.genesis"),
        )


@dataclass(frozen=True)
class GetBlockHeaders:
    """``origin`` is a block hash or number; ``skip`` blocks between each; ``reverse`` towards genesis."""

    origin: Hash32 | int
    amount: int
    skip: int = 0
    reverse: bool = False

    def encode(self) -> bytes:
        return bytes(rlp.encode([self.origin, self.amount, self.skip, int(self.reverse)]))

    @classmethod
    def decode(cls, payload: bytes) -> "GetBlockHeaders":
        items = _list(split_payload(payload, "GetBlockHeaders"), "GetBlockHeaders", 4)
        raw_origin = items[0]
        if not isinstance(raw_origin, bytes):
            raise ProtocolError("GetBlockHeaders.origin: expected a hash or a number")
        origin: Hash32 | int = (
            _hash(raw_origin, "origin") if len(raw_origin) == 32 else _int(raw_origin, "GetBlockHeaders.origin")
        )
        reverse = _int(items[3], "GetBlockHeaders.reverse")
        if reverse > 1:
            raise ProtocolError("GetBlockHeaders.reverse: expected a boolean")
        return cls(origin, _int(items[1], "GetBlockHeaders.amount"), _int(items[2], "skip"), bool(reverse))


def encode_hashes(hashes: Sequence[Hash32]) -> bytes:
    """GetBlockBodies, GetNodeData and GetReceipts: a list of hashes."""
    return bytes(rlp.encode(list(hashes)))


def decode_hashes(payload: bytes, name: str) -> list[Hash32]:
    return [_hash(item, name) for item in _list(split_payload(payload, name), name)]


def encode_new_block_hashes(announcements: Sequence[tuple[Hash32, int]]) -> bytes:
    return bytes(rlp.encode([[block_hash, number] for block_hash, number in announcements]))


def decode_new_block_hashes(payload: bytes) -> list[tuple[Hash32, int]]:
    result = []
    for item in _list(split_payload(payload, "NewBlockHashes"), "NewBlockHashes"):
        pair = _list(item, "NewBlockHashes item", 2)
        result.append((_hash(pair[0], "NewBlockHashes.hash"), _int(pair[1], "NewBlockHashes.number")))
    return result


def encode_transactions(raw_transactions: Sequence[bytes]) -> bytes:
    """Transactions: legacy ones as their RLP lists, typed ones (EIP-2718) as byte strings, as in block bodies."""
    items = [raw if raw[:1] and raw[0] < 0xC0 else rlp.decode(raw) for raw in raw_transactions]
    return bytes(rlp.encode(items))


def decode_transactions(payload: bytes) -> list[bytes]:
    """Each transaction's raw encoding, as ``eth_sendRawTransaction`` takes it."""
    result = []
    for item in _list(split_payload(payload, "Transactions"), "Transactions"):
        result.append(item if isinstance(item, bytes) else bytes(rlp.encode(item)))
    return result


def encode_blobs(blobs: Sequence[bytes]) -> bytes:
    """NodeData: a list of byte strings."""
    return bytes(rlp.encode(list(blobs)))


def decode_blobs(payload: bytes) -> list[bytes]:
    items = _list(split_payload(payload, "NodeData"), "NodeData")
    if not all(isinstance(item, bytes) for item in items):
        raise ProtocolError("NodeData: expected byte strings")
    return items


def header_class_of(block_class: type[BlockAPI]) -> Any:
    """The sedes of a block class's header field: the fork's header class."""
    return dict(block_class._meta.fields)["header"]  # type: ignore[attr-defined]


def encode_receipt(receipt: ReceiptAPI) -> Any:
    """A receipt as block bodies carry it: an RLP list, or (typed receipts) a byte string."""
    encoded = receipt.encode()
    return encoded if encoded[0] < 0xC0 else rlp.decode(encoded)


class BlockCodec:
    """Headers, bodies and blocks of one chain's fork schedule, to and from their wire form."""

    def __init__(self, chain: ChainAPI | type[ChainAPI]) -> None:
        self.chain = chain
        forks = [vm_class for _, vm_class in chain.vm_configuration]
        self.header_classes = list(dict.fromkeys(header_class_of(vm.get_block_class()) for vm in forks))

    def block_class(self, number: int) -> Any:
        """The fork's block class (an ``rlp.Serializable``, which ``BlockAPI`` does not declare)."""
        return self.chain.get_vm_class_for_block_number(BlockNumber(number)).get_block_class()

    def decode_header(self, item: Any) -> BlockHeaderAPI:
        """A header item (a list of byte strings) with the header class of the fork at its height."""
        fields = _list(item, "header")
        for header_class in self.header_classes:
            if len(fields) != len(header_class._meta.fields):
                continue
            try:
                header: BlockHeaderAPI = header_class.deserialize(fields)
            except (rlp.DeserializationError, TypeError, ValueError) as exc:
                raise ProtocolError(f"header: {exc}") from exc
            if header_class_of(self.block_class(header.block_number)) is not header_class:
                raise ProtocolError(f"header {header.block_number}: not the header of the fork at its height")
            return header
        raise ProtocolError(f"header: no fork of this network has {len(fields)}-field headers")

    def encode_headers(self, headers: Sequence[BlockHeaderAPI]) -> bytes:
        return bytes(rlp.encode([type(header).serialize(header) for header in headers]))

    def decode_headers(self, payload: bytes) -> list[BlockHeaderAPI]:
        return [self.decode_header(item) for item in _list(split_payload(payload, "BlockHeaders"), "BlockHeaders")]

    @staticmethod
    def body_items(block: BlockAPI) -> list[Any]:
        """A block's body: its serialized fields after the header (transactions, uncles, and withdrawals on
        Shanghai-and-later forks)."""
        block_class: Any = type(block)
        return list(block_class.serialize(block))[1:]

    def encode_bodies(self, blocks: Sequence[BlockAPI]) -> bytes:
        return bytes(rlp.encode([self.body_items(block) for block in blocks]))

    def decode_bodies(self, payload: bytes) -> list[list[Any]]:
        """The bodies as item lists; ``assemble`` pairs one with its header."""
        return [_list(item, "BlockBodies item") for item in _list(split_payload(payload, "BlockBodies"), "BlockBodies")]

    def assemble(self, header: BlockHeaderAPI, body: list[Any]) -> BlockAPI:
        """The block of ``header`` with a peer's ``body``; ``ProtocolError`` if the body is not that block's."""
        block_class = self.block_class(header.block_number)
        serialized_header = type(header).serialize(header)
        try:
            block: BlockAPI = block_class.deserialize([serialized_header, *body])
        except (rlp.DeserializationError, rlp.DecodingError, TypeError, ValueError, ValidationError) as exc:
            raise ProtocolError(f"body of block {header.block_number}: {exc}") from exc
        return block

    def encode_new_block(self, block: BlockAPI, total_difficulty: int) -> bytes:
        return bytes(rlp.encode([block, total_difficulty]))

    def decode_new_block(self, payload: bytes) -> tuple[BlockAPI, int]:
        items = _list(split_payload(payload, "NewBlock"), "NewBlock", 2)
        block_items = _list(items[0], "NewBlock.block")
        if not block_items:
            raise ProtocolError("NewBlock.block: empty")
        header = self.decode_header(block_items[0])
        return self.assemble(header, block_items[1:]), _int(items[1], "NewBlock.td")

    @staticmethod
    def encode_receipts(receipt_lists: Sequence[Sequence[ReceiptAPI]]) -> bytes:
        return bytes(rlp.encode([[encode_receipt(receipt) for receipt in receipts] for receipts in receipt_lists]))


# -- answering peers' requests from the database --------------------------------------------------


def _header_or_none(chain: ChainAPI, origin: Hash32 | int) -> BlockHeaderAPI | None:
    try:
        if isinstance(origin, bytes):
            return chain.get_block_header_by_hash(origin)
        return chain.get_canonical_block_header_by_number(BlockNumber(origin))
    except (HeaderNotFound, BlockNotFound):
        return None


def answer_headers(chain: ChainAPI, request: GetBlockHeaders) -> list[BlockHeaderAPI]:
    """At most ``MAX_HEADERS`` canonical headers from ``origin`` (a hash origin must itself be canonical)."""
    headers: list[BlockHeaderAPI] = []
    header = _header_or_none(chain, request.origin)
    if header is None:
        return headers
    if isinstance(request.origin, bytes) and _header_or_none(chain, header.block_number) != header:
        return headers
    size = 0
    number = int(header.block_number)
    step = (request.skip + 1) * (-1 if request.reverse else 1)
    while len(headers) < min(request.amount, MAX_HEADERS) and size < SOFT_RESPONSE_LIMIT:
        current = _header_or_none(chain, number)
        if current is None:
            break
        headers.append(current)
        size += len(rlp.encode(current))
        number += step
        if number < 0:
            break
    return headers


def _answer_by_key(
    keys: Sequence[Hash32], limit: int, lookup: Callable[[Hash32], _T | None], size_of: Callable[[_T], int]
) -> list[_T]:
    """``lookup`` of the first ``limit`` keys, in order, ``None`` ones left out, until ``SOFT_RESPONSE_LIMIT``."""
    found: list[_T] = []
    size = 0
    for key in keys[:limit]:
        if size >= SOFT_RESPONSE_LIMIT:
            break
        item = lookup(key)
        if item is None:
            continue
        found.append(item)
        size += size_of(item)
    return found


def _block_or_none(chain: ChainAPI, block_hash: Hash32) -> BlockAPI | None:
    try:
        return chain.get_block_by_hash(block_hash)
    except (HeaderNotFound, BlockNotFound):
        return None


def answer_bodies(chain: ChainAPI, hashes: Sequence[Hash32]) -> list[BlockAPI]:
    """The blocks we have among the first ``MAX_BODIES`` hashes, in order, unknown ones left out."""
    return _answer_by_key(
        hashes, MAX_BODIES, lambda block_hash: _block_or_none(chain, block_hash), lambda block: len(rlp.encode(block))
    )


def answer_node_data(chain: ChainAPI, hashes: Sequence[Hash32]) -> list[bytes]:
    """Trie nodes and code by hash, at most ``MAX_NODE_DATA``: only values stored under their own keccak."""
    db = chain.chaindb.db

    def stored_under_own_hash(key: Hash32) -> bytes | None:
        try:
            value = db[key]
        except KeyError:
            return None
        return value if keccak(value) == key else None

    return _answer_by_key(hashes, MAX_NODE_DATA, stored_under_own_hash, len)


def answer_receipts(chain: ChainAPI, hashes: Sequence[Hash32]) -> list[list[ReceiptAPI]]:
    """The receipts of the blocks we have among the first ``MAX_RECEIPTS`` hashes."""

    def receipts_of(block_hash: Hash32) -> list[ReceiptAPI] | None:
        block = _block_or_none(chain, block_hash)
        return None if block is None else list(block.get_receipts(chain.chaindb))

    return _answer_by_key(
        hashes,
        MAX_RECEIPTS,
        receipts_of,
        lambda receipts: len(rlp.encode([encode_receipt(receipt) for receipt in receipts])),
    )
