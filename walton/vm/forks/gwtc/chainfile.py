"""Gwtc chain files (``gwtc export`` / ``gwtc import``): concatenated RLP blocks ``[header, txs, uncles]``.

Blocks are decoded strictly, as Go decodes ``types.Block`` (17-field headers, canonical integers,
fixed-length hashes), with the transaction type of the fork the block number falls in.
"""

from collections.abc import Iterable, Iterator
from typing import Any

import rlp
from eth.abc import BlockAPI, ChainAPI

from walton.vm.forks.gwtc.headers import RLPDecodeError, decode_header_item, split_rlp

BLOCK_CONTEXT = "(types.Block)(types.extblock)"
UINT64_MAX = 2**64 - 1


def _item_length(data: bytes, offset: int) -> int:
    """Total length (prefix + payload) of the RLP item starting at ``offset``."""
    first = data[offset]
    if first < 0x80:
        return 1
    if first <= 0xB7:
        return 1 + first - 0x80
    if first <= 0xBF:
        size_length = first - 0xB7
        size = int.from_bytes(data[offset + 1 : offset + 1 + size_length], "big")
        return 1 + size_length + size
    if first <= 0xF7:
        return 1 + first - 0xC0
    size_length = first - 0xF7
    size = int.from_bytes(data[offset + 1 : offset + 1 + size_length], "big")
    return 1 + size_length + size


def split_rlp_stream(data: bytes) -> Iterator[bytes]:
    """The top-level RLP items of a concatenated stream, in order."""
    offset = 0
    while offset < len(data):
        length = _item_length(data, offset)
        if offset + length > len(data):
            raise RLPDecodeError(
                f"rlp: value size exceeds available input length (item at byte {offset} needs {length} bytes, "
                f"{len(data) - offset} left)"
            )
        yield data[offset : offset + length]
        offset += length


def decode_block(raw: bytes, chain_class: type[ChainAPI] | Any) -> BlockAPI:
    """Decode one block RLP with the block and transaction classes of its fork on ``chain_class``."""
    item = split_rlp(raw)
    if not isinstance(item, list):
        raise RLPDecodeError("rlp: expected input list for types.extblock")
    if len(item) < 3:
        raise RLPDecodeError(f"rlp: too few elements for types.extblock, decoding into {BLOCK_CONTEXT}")
    if len(item) > 3:
        raise RLPDecodeError(f"rlp: input list has too many elements for types.extblock, decoding into {BLOCK_CONTEXT}")
    raw_header, raw_transactions, raw_uncles = item
    header = decode_header_item(raw_header, f"{BLOCK_CONTEXT}.Header(types.Header)")
    block_class = chain_class.get_vm_class_for_block_number(header.block_number).get_block_class()
    transaction_class = block_class.get_transaction_builder()
    if not isinstance(raw_transactions, list):
        raise RLPDecodeError(f"rlp: expected input list for []*types.Transaction, decoding into {BLOCK_CONTEXT}.Txs")
    if not isinstance(raw_uncles, list):
        raise RLPDecodeError(f"rlp: expected input list for []*types.Header, decoding into {BLOCK_CONTEXT}.Uncles")
    transactions = []
    for index, raw_transaction in enumerate(raw_transactions):
        where = f"{BLOCK_CONTEXT}.Txs[{index}](types.txdata)"
        if not isinstance(raw_transaction, list) or any(not isinstance(field, bytes) for field in raw_transaction):
            raise RLPDecodeError(f"rlp: expected a list of strings for types.txdata, decoding into {where}")
        try:
            transaction = transaction_class.deserialize(raw_transaction)
        except (rlp.DeserializationError, rlp.DecodingError, TypeError, ValueError) as exc:
            raise RLPDecodeError(f"rlp: {exc}, decoding into {where}") from exc
        if transaction.nonce > UINT64_MAX:
            raise RLPDecodeError(f"rlp: input string too long for uint64, decoding into {where}.AccountNonce")
        transactions.append(transaction)
    uncles = [
        decode_header_item(raw_uncle, f"{BLOCK_CONTEXT}.Uncles[{index}](types.Header)")
        for index, raw_uncle in enumerate(raw_uncles)
    ]
    block: BlockAPI = block_class(header=header, transactions=transactions, uncles=uncles)
    return block


def encode_block(block: BlockAPI) -> bytes:
    return bytes(rlp.encode(block))


def write_chain_file(blocks: Iterable[BlockAPI], path: Any) -> int:
    """Write ``blocks`` as a Gwtc chain file; returns the number written."""
    count = 0
    with open(path, "wb") as handle:
        for block in blocks:
            handle.write(encode_block(block))
            count += 1
    return count


__all__ = ["decode_block", "encode_block", "split_rlp_stream", "write_chain_file"]
