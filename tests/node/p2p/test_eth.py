"""eth/62-63 messages: round trips for both header families, geth's serving limits, refused garbage."""

from collections.abc import Iterator
from typing import Any

import pytest
import rlp
from eth.abc import BlockAPI, BlockHeaderAPI, ChainAPI
from eth.db.atomic import AtomicDB
from eth.exceptions import HeaderNotFound
from eth_account import Account
from eth_hash.auto import keccak
from eth_typing import BlockNumber, Hash32

from tests.node.devchain import mine
from walton.node.db import BlockWriteDB
from walton.node.p2p.eth import (
    MAX_BODIES,
    MAX_HEADERS,
    MAX_NODE_DATA,
    MAX_RECEIPTS,
    SOFT_RESPONSE_LIMIT,
    BlockCodec,
    GetBlockHeaders,
    ProtocolError,
    Status,
    answer_bodies,
    answer_headers,
    answer_node_data,
    answer_receipts,
    decode_blobs,
    decode_hashes,
    decode_new_block_hashes,
    decode_transactions,
    encode_blobs,
    encode_hashes,
    encode_new_block_hashes,
    encode_transactions,
)
from walton.vm.networks import load_network
from walton.vm.networks.dev import DEV_CHAIN_ID, build_dev_chain, dev_accounts

RECIPIENT = "0x" + "22" * 20


def signed(nonce: int, typed: bool) -> bytes:
    account = dev_accounts()[1]
    fields: dict[str, object] = {"nonce": nonce, "gas": 21000, "to": RECIPIENT, "value": 1, "chainId": DEV_CHAIN_ID}
    if typed:
        fields.update(maxFeePerGas=10**10, maxPriorityFeePerGas=10**9)
    else:
        fields["gasPrice"] = 10**10
    return bytes(Account.sign_transaction(fields, account.private_key).raw_transaction)


@pytest.fixture(scope="module")
def dev_chain() -> Iterator[ChainAPI]:
    """A dev chain of three blocks; block 1 holds a legacy and an EIP-1559 transaction."""
    chain = build_dev_chain(BlockWriteDB(AtomicDB()))
    mine(chain, 3, transactions=[signed(0, False), signed(1, True)])
    yield chain


def blocks_of(chain: ChainAPI) -> list[BlockAPI]:
    head = chain.get_canonical_head().block_number
    return [chain.get_canonical_block_by_number(BlockNumber(n)) for n in range(head + 1)]


def test_status_round_trip_and_refusals() -> None:
    status = Status(63, 15, 2**70, Hash32(b"\x01" * 32), Hash32(b"\x02" * 32))
    assert Status.decode(status.encode()) == status
    with pytest.raises(ProtocolError):
        Status.decode(b"\xff\x00garbage")
    with pytest.raises(ProtocolError):
        Status.decode(rlp.encode([63, 15, 1, b"\x01" * 31, b"\x02" * 32]))  # short head hash
    with pytest.raises(ProtocolError):
        Status.decode(rlp.encode([63, 15]))


def test_get_block_headers_round_trip() -> None:
    for request in (GetBlockHeaders(Hash32(b"\x07" * 32), 5, 1, True), GetBlockHeaders(1234, 192, 0, False)):
        assert GetBlockHeaders.decode(request.encode()) == request
    with pytest.raises(ProtocolError):
        GetBlockHeaders.decode(rlp.encode([1, 2, 3]))
    with pytest.raises(ProtocolError):
        GetBlockHeaders.decode(rlp.encode([[1], 2, 3, 0]))


def test_dev_headers_bodies_and_new_block_round_trip(dev_chain: ChainAPI) -> None:
    codec = BlockCodec(dev_chain)
    blocks = blocks_of(dev_chain)
    headers = [block.header for block in blocks]
    assert codec.decode_headers(codec.encode_headers(headers)) == headers
    bodies = codec.decode_bodies(codec.encode_bodies(blocks))
    assert [codec.assemble(block.header, body) for block, body in zip(blocks, bodies, strict=True)] == blocks
    assert len(blocks[1].transactions) == 2
    block, total_difficulty = codec.decode_new_block(codec.encode_new_block(blocks[1], 12345))
    assert block == blocks[1] and block.hash == blocks[1].hash and total_difficulty == 12345


def test_gwtc_headers_round_trip_with_the_17_field_header() -> None:
    network = load_network("mainnet")
    chain = network.open_chain(BlockWriteDB(AtomicDB()))
    codec = BlockCodec(chain)
    genesis = chain.get_canonical_head()
    decoded = codec.decode_headers(codec.encode_headers([genesis]))
    assert decoded == [genesis] and len(rlp.decode(codec.encode_headers([genesis]))[0]) == 17
    dev_codec = BlockCodec(build_dev_chain(BlockWriteDB(AtomicDB())))
    with pytest.raises(ProtocolError, match="no fork of this network has 17-field headers"):
        dev_codec.decode_headers(codec.encode_headers([genesis]))


def test_body_of_another_block_or_garbage_is_refused(dev_chain: ChainAPI) -> None:
    codec = BlockCodec(dev_chain)
    blocks = blocks_of(dev_chain)
    with pytest.raises(ProtocolError):
        codec.decode_bodies(b"\x01\x02\x03")
    with pytest.raises(ProtocolError):
        codec.assemble(blocks[1].header, [b"not a list", [], []])
    with pytest.raises(ProtocolError):
        codec.decode_headers(rlp.encode([[b"\x01"] * 5]))


def test_transactions_keep_legacy_and_typed_encodings() -> None:
    raws = [signed(0, False), signed(1, True)]
    payload = encode_transactions(raws)
    items = rlp.decode(payload)
    assert isinstance(items[0], list) and isinstance(items[1], bytes)  # as block bodies carry them
    assert decode_transactions(payload) == raws


def test_hash_lists_announcements_and_node_data_round_trip() -> None:
    hashes = [Hash32(bytes([n]) * 32) for n in range(3)]
    assert decode_hashes(encode_hashes(hashes), "GetBlockBodies") == hashes
    announcements = [(hashes[0], 7), (hashes[1], 8)]
    assert decode_new_block_hashes(encode_new_block_hashes(announcements)) == announcements
    assert decode_blobs(encode_blobs([b"a", b"bc"])) == [b"a", b"bc"]
    with pytest.raises(ProtocolError):
        decode_hashes(rlp.encode([b"short"]), "GetBlockBodies")


def test_header_requests_follow_origin_skip_and_direction(dev_chain: ChainAPI) -> None:
    blocks = blocks_of(dev_chain)
    numbers = [h.block_number for h in answer_headers(dev_chain, GetBlockHeaders(0, 10))]
    assert numbers == [0, 1, 2, 3]
    reverse = answer_headers(dev_chain, GetBlockHeaders(blocks[3].hash, 3, 1, True))
    assert [h.block_number for h in reverse] == [3, 1]
    assert answer_headers(dev_chain, GetBlockHeaders(Hash32(b"\x00" * 32), 5)) == []
    assert answer_headers(dev_chain, GetBlockHeaders(99, 5)) == []


def test_serving_limits_are_enforced(dev_chain: ChainAPI) -> None:
    head = dev_chain.get_canonical_head()
    # A request for more than the limit gets at most the limit (checked with a repeated-hash request).
    assert len(answer_bodies(dev_chain, [head.hash] * (MAX_BODIES + 50))) == MAX_BODIES
    assert len(answer_receipts(dev_chain, [head.hash] * (MAX_RECEIPTS + 50))) == MAX_RECEIPTS
    assert len(answer_node_data(dev_chain, [head.state_root] * (MAX_NODE_DATA + 50))) == MAX_NODE_DATA
    assert len(answer_headers(dev_chain, GetBlockHeaders(0, 10_000))) <= MAX_HEADERS
    unknown = Hash32(b"\x33" * 32)
    assert answer_bodies(dev_chain, [unknown]) == [] and answer_receipts(dev_chain, [unknown]) == []
    assert answer_node_data(dev_chain, [unknown]) == []


def test_receipts_and_node_data_answer_from_the_database(dev_chain: ChainAPI) -> None:
    block = dev_chain.get_canonical_block_by_number(BlockNumber(1))
    [receipts] = answer_receipts(dev_chain, [block.hash])
    assert len(receipts) == 2
    encoded = rlp.decode(BlockCodec.encode_receipts([receipts]))
    assert isinstance(encoded[0][0], list) and isinstance(encoded[0][1], bytes)  # legacy list, typed bytes
    [root_node] = answer_node_data(dev_chain, [block.header.state_root])
    assert keccak(root_node) == block.header.state_root


class LongChainStub:
    """A stand-in (this test's only mock) for a chain of a million blocks: header n is genesis renumbered,
    so the header limit and the soft response size can be checked without mining."""

    def __init__(self, template: BlockHeaderAPI, extra_data: bytes = b"") -> None:
        self.template = template.copy(extra_data=extra_data)

    def get_canonical_block_header_by_number(self, number: BlockNumber) -> BlockHeaderAPI:
        if not 0 <= number < 1_000_000:
            raise HeaderNotFound(number)
        return self.template.copy(block_number=number)


def test_header_requests_stop_at_the_limit_and_the_soft_size(dev_chain: ChainAPI) -> None:
    genesis = dev_chain.get_canonical_block_header_by_number(BlockNumber(0))
    stub: Any = LongChainStub(genesis)
    headers = answer_headers(stub, GetBlockHeaders(1000, 100_000))
    assert len(headers) == MAX_HEADERS and headers[-1].block_number == 1000 + MAX_HEADERS - 1
    skipped = answer_headers(stub, GetBlockHeaders(1000, 10, skip=99, reverse=True))
    assert [header.block_number for header in skipped] == [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]
    big: Any = LongChainStub(genesis, extra_data=b"\x00" * 32 * 1024)  # 32 KiB headers
    sizes = [len(rlp.encode(header)) for header in answer_headers(big, GetBlockHeaders(0, MAX_HEADERS))]
    assert len(sizes) < MAX_HEADERS and sum(sizes[:-1]) < SOFT_RESPONSE_LIMIT <= sum(sizes)  # stops once past 2 MiB
