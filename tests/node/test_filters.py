"""Filters and eth_getLogs: criteria parsing, matching by address and topics, block ranges, expiry."""

from typing import Any

import pytest
from eth._utils.address import generate_contract_address
from eth.consensus.noproof import NoProofConsensus
from eth.db.atomic import AtomicDB
from eth_account import Account
from eth_typing import Address, Hash32
from eth_utils import encode_hex, to_canonical_address

from walton.node import filters
from walton.node.backend import NetworkInfo, NodeBackend
from walton.node.db import BlockWriteDB
from walton.node.filters import (
    FILTER_TIMEOUT,
    FilterManager,
    FilterNotFound,
    LogCriteria,
    find_logs,
    new_filter_id,
    parse_log_criteria,
)
from walton.node.rpc.errors import INVALID_PARAMS, LIMIT_EXCEEDED, SERVER_ERROR, InvalidArgument, RPCError
from walton.node.txpool import TxPool
from walton.vm.networks import dev

GWEI = 10**9
CHAIN_ID = dev.DEV_CHAIN_ID
ACCOUNTS = dev.dev_accounts()
KEYS = [account.private_key for account in ACCOUNTS]
ADDRESSES = [Address(to_canonical_address(account.address)) for account in ACCOUNTS]
COINBASE = Address(b"\xc0" * 20)

UnsealedVM = dev.DevVM.configure(__name__="UnsealedDevVM", consensus_class=NoProofConsensus)
UnsealedChain = dev.DevChain.configure(__name__="UnsealedDevChain", vm_configuration=((0, UnsealedVM),))

# A contract that logs LOG2(data = calldata[0:32], topics = [calldata[32:64], caller]):
#   PUSH1 0 CALLDATALOAD PUSH1 0 MSTORE CALLER PUSH1 32 CALLDATALOAD PUSH1 32 PUSH1 0 LOG2 STOP
LOGGER_RUNTIME = bytes.fromhex("6000356000523360203560206000a200")
# Its deployment: CODECOPY the runtime that follows 11 bytes of init code and RETURN it.
LOGGER_INITCODE = bytes.fromhex("601080600b6000396000f3") + LOGGER_RUNTIME

TOPIC_A = Hash32(b"\xaa" * 32)
TOPIC_B = Hash32(b"\xbb" * 32)
TOPIC_C = Hash32(b"\xcc" * 32)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def topic_of(address: bytes) -> Hash32:
    return Hash32(address.rjust(32, b"\x00"))


class Node:
    """A dev chain with a deployed logging contract, blocks made on demand."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        db = BlockWriteDB(AtomicDB())
        chain = UnsealedChain.from_genesis(db, dev.DEV_GENESIS_PARAMS, dev.dev_genesis_state())
        self.clock = clock or FakeClock()
        self.backend = NodeBackend(
            chain=chain,
            db=db,
            network=NetworkInfo("dev", CHAIN_ID, CHAIN_ID),
            txpool=TxPool(chain),
            filters=FilterManager(chain, clock=self.clock),
            coinbase=COINBASE,
        )
        self.nonces = [0] * len(KEYS)
        self.logger = Address(generate_contract_address(ADDRESSES[0], 0))
        self.mine([self.transaction(0, to=None, data=LOGGER_INITCODE, gas=200_000)])
        assert chain.get_vm().state.get_code(self.logger) == LOGGER_RUNTIME

    @property
    def chain(self) -> Any:
        return self.backend.chain

    def transaction(self, sender: int, **fields: Any) -> Any:
        transaction = {
            "type": 2,
            "nonce": self.nonces[sender],
            "maxFeePerGas": 10 * GWEI,
            "maxPriorityFeePerGas": GWEI,
            "gas": 100_000,
            "to": self.logger,
            "value": 0,
            "chainId": CHAIN_ID,
        }
        transaction.update(fields)
        self.nonces[sender] += 1
        raw = bytes(Account.sign_transaction(transaction, KEYS[sender]).raw_transaction)
        return self.chain.get_vm().get_transaction_builder().decode(raw)

    def log_call(self, sender: int, value: int, topic: bytes) -> Any:
        return self.transaction(sender, data=value.to_bytes(32, "big") + topic)

    def mine(self, transactions: list[Any]) -> Any:
        chain = self.chain
        parent = chain.get_canonical_head()
        header = chain.create_header_from_parent(parent, timestamp=parent.timestamp + 12, coinbase=COINBASE)
        vm = chain.get_vm(header)
        template = vm.get_block_class()(header, transactions=transactions, uncles=[], withdrawals=[])
        block = vm.import_block(template).block
        self.backend.import_block(block)
        return block


@pytest.fixture(scope="module")
def node() -> Node:
    """Blocks 2-4 carry logs: block 2 from senders 1 and 2 with topic A and B, block 3 empty, block 4 topic C."""
    node = Node()
    node.mine([node.log_call(1, 1, TOPIC_A), node.log_call(2, 2, TOPIC_B)])
    node.mine([])
    node.mine([node.log_call(1, 3, TOPIC_C)])
    return node


def values(logs: list[dict[str, Any]]) -> list[int]:
    return [int(log["data"], 16) for log in logs]


# -- criteria ---------------------------------------------------------------------------------


def test_parse_criteria() -> None:
    criteria = parse_log_criteria(
        {
            "fromBlock": "0x1",
            "toBlock": "latest",
            "address": "0x" + "11" * 20,
            "topics": [None, ["0x" + "aa" * 32, "0x" + "bb" * 32], "0x" + "cc" * 32, None],
        }
    )
    assert criteria.from_block == 1 and criteria.to_block == "latest"
    assert criteria.addresses == (b"\x11" * 20,)
    assert criteria.topics == (None, (TOPIC_A, TOPIC_B), (TOPIC_C,), None)
    assert parse_log_criteria({"address": ["0x" + "11" * 20, "0x" + "22" * 20]}).addresses == (
        b"\x11" * 20,
        b"\x22" * 20,
    )
    assert parse_log_criteria(None) == LogCriteria()
    assert parse_log_criteria({"topics": [[], ["0x" + "aa" * 32, None]]}).topics == (None, None)
    by_hash = parse_log_criteria({"blockHash": "0x" + "ab" * 32})
    assert by_hash.block_hash == b"\xab" * 32 and by_hash.from_block is None


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ({"blockHash": "0x" + "ab" * 32, "fromBlock": "0x1"}, "cannot specify both BlockHash and FromBlock/ToBlock"),
        ({"address": "0x1234"}, "address: hex string has length 4, want 40"),
        ({"address": ["0x" + "11" * 20, 5]}, "address at index 1 must be a hex string"),
        ({"topics": ["0x" + "aa" * 31]}, "topic 0: hex string has length 62, want 64"),
        ({"topics": [None] * 5}, "exceed max topics"),
        ({"topics": "0x00"}, "topics must be an array"),
        ({"fromBlock": "1"}, "fromBlock: hex string without 0x prefix"),
        ({"fromBlock": "0x01"}, "fromBlock: hex number with leading zero digits"),
        ({"toBlock": "newest"}, "toBlock: hex string without 0x prefix"),
        ({"toBlock": 5}, "toBlock must be a hex number or a block tag"),
        ({"fromBlock": "0x8000000000000000"}, "block number larger than int64"),
        ({"limit": 5}, "unknown field 'limit'"),
        ("latest", "filter must be an object"),
    ],
)
def test_bad_criteria_are_invalid_params(criteria: Any, message: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        parse_log_criteria(criteria, 0)
    assert info.value.code == INVALID_PARAMS
    assert info.value.message.startswith("invalid argument 0: ")
    assert message in info.value.message


def test_matching_by_address_and_positional_topics() -> None:
    address, other = b"\x11" * 20, b"\x22" * 20
    topics = (TOPIC_A, TOPIC_B)
    assert LogCriteria().matches(address, topics)
    assert LogCriteria(addresses=(address,)).matches(address, topics)
    assert LogCriteria(addresses=(other, address)).matches(address, topics)
    assert not LogCriteria(addresses=(other,)).matches(address, topics)
    assert LogCriteria(topics=((TOPIC_A,),)).matches(address, topics)
    assert not LogCriteria(topics=((TOPIC_B,),)).matches(address, topics)
    assert LogCriteria(topics=(None, (TOPIC_B,))).matches(address, topics)
    assert LogCriteria(topics=((TOPIC_C, TOPIC_A), (TOPIC_C, TOPIC_B))).matches(address, topics)
    assert not LogCriteria(topics=(None, None, (TOPIC_A,))).matches(address, topics)  # more topics than the log
    assert not LogCriteria(topics=(None, None, None)).matches(address, topics)  # geth: even as wildcards
    assert LogCriteria(topics=(None, None)).matches(address, topics)


def test_bloom_rules_out_blocks(node: Node) -> None:
    block2 = node.chain.get_canonical_block_header_by_number(2)
    block3 = node.chain.get_canonical_block_header_by_number(3)
    assert LogCriteria(addresses=(node.logger,)).bloom_may_match(block2.bloom)
    assert not LogCriteria(addresses=(node.logger,)).bloom_may_match(block3.bloom)
    assert LogCriteria(topics=((TOPIC_C, TOPIC_A),)).bloom_may_match(block2.bloom)
    assert not LogCriteria(topics=((TOPIC_C,),)).bloom_may_match(block2.bloom)


# -- eth_getLogs ------------------------------------------------------------------------------


def test_find_logs_over_a_range(node: Node) -> None:
    logs = find_logs(node.chain, LogCriteria(from_block="earliest", to_block="latest"))
    assert values(logs) == [1, 2, 3]
    assert [log["logIndex"] for log in logs] == ["0x0", "0x1", "0x0"]
    assert [log["transactionIndex"] for log in logs] == ["0x0", "0x1", "0x0"]
    assert values(find_logs(node.chain, LogCriteria(from_block=2, to_block=2))) == [1, 2]
    assert values(find_logs(node.chain, LogCriteria(from_block=3))) == [3]  # toBlock defaults to latest
    assert values(find_logs(node.chain, LogCriteria())) == [3]  # both default to latest
    assert values(find_logs(node.chain, LogCriteria(from_block=2, to_block=100))) == [1, 2, 3]  # clamped to head
    assert find_logs(node.chain, LogCriteria(from_block=50, to_block=60)) == []
    assert values(find_logs(node.chain, {"fromBlock": "0x2", "toBlock": "0x2"})) == [1, 2]  # a filter object


def test_find_logs_by_address_and_topics(node: Node) -> None:
    everything = LogCriteria(from_block=0, to_block="latest")

    def matching(**fields: Any) -> list[int]:
        criteria = LogCriteria(**{**everything.__dict__, **fields})
        return values(find_logs(node.chain, criteria))

    assert matching(addresses=(node.logger,)) == [1, 2, 3]
    assert matching(addresses=(Address(b"\x99" * 20),)) == []
    assert matching(topics=((TOPIC_A,),)) == [1]
    assert matching(topics=((TOPIC_A, TOPIC_C),)) == [1, 3]
    assert matching(topics=(None, (topic_of(ADDRESSES[1]),))) == [1, 3]
    assert matching(topics=((TOPIC_B,), (topic_of(ADDRESSES[1]),))) == []


def test_find_logs_by_block_hash(node: Node) -> None:
    block2 = node.chain.get_canonical_block_header_by_number(2)
    logs = find_logs(node.chain, LogCriteria(block_hash=block2.hash))
    assert values(logs) == [1, 2]
    assert {log["blockHash"] for log in logs} == {encode_hex(block2.hash)}
    with pytest.raises(RPCError) as info:
        find_logs(node.chain, LogCriteria(block_hash=Hash32(b"\x01" * 32)))
    assert (info.value.code, info.value.message) == (SERVER_ERROR, "unknown block")


def test_find_logs_reads_receipts_only_where_the_bloom_allows(node: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    original = filters.block_logs

    def spy(chain: Any, header: Any) -> Any:
        read.append(header.block_number)
        return original(chain, header)

    monkeypatch.setattr(filters, "block_logs", spy)
    assert values(find_logs(node.chain, LogCriteria(from_block=0, topics=((TOPIC_C,),)))) == [3]
    assert read == [4]


def test_find_logs_range_errors(node: Node) -> None:
    with pytest.raises(RPCError) as info:
        find_logs(node.chain, LogCriteria(from_block=3, to_block=2))
    assert (info.value.code, info.value.message) == (SERVER_ERROR, "invalid block range params")
    with pytest.raises(RPCError) as info:
        find_logs(node.chain, LogCriteria(from_block=0, to_block="latest"), max_block_range=3)
    assert (info.value.code, info.value.message) == (LIMIT_EXCEEDED, "query exceeds max block range 3")


def test_log_objects(node: Node) -> None:
    log = find_logs(node.chain, LogCriteria(from_block=4, to_block=4))[0]
    block = node.chain.get_canonical_block_by_number(4)
    assert log == {
        "address": encode_hex(node.logger),
        "topics": [encode_hex(TOPIC_C), encode_hex(topic_of(ADDRESSES[1]))],
        "data": encode_hex((3).to_bytes(32, "big")),
        "blockNumber": "0x4",
        "transactionHash": encode_hex(block.transactions[0].hash),
        "transactionIndex": "0x0",
        "blockHash": encode_hex(block.hash),
        "blockTimestamp": hex(block.header.timestamp),
        "logIndex": "0x0",
        "removed": False,
    }


# -- installed filters --------------------------------------------------------------------------


def test_block_filter_collects_new_block_hashes() -> None:
    node = Node()
    manager = node.backend.filters
    filter_id = manager.new_block_filter()
    assert manager.get_changes(filter_id) == []
    first, second = node.mine([]), node.mine([])
    assert manager.get_changes(filter_id) == [encode_hex(first.hash), encode_hex(second.hash)]
    assert manager.get_changes(filter_id) == []


def test_pending_transaction_filter() -> None:
    node = Node()
    manager = node.backend.filters
    filter_id = manager.new_pending_transaction_filter()
    manager.on_new_pending_transaction(Hash32(b"\x12" * 32))
    assert manager.get_changes(filter_id) == ["0x" + "12" * 32]
    assert manager.get_changes(filter_id) == []


def test_log_filter_collects_matching_logs_of_new_blocks() -> None:
    node = Node()
    manager = node.backend.filters
    node.mine([node.log_call(1, 10, TOPIC_A)])  # before the filter: not reported
    by_topic = manager.new_filter(LogCriteria(topics=((TOPIC_A,),)))
    by_dict = manager.new_filter({"address": encode_hex(node.logger)})
    bounded = manager.new_filter(LogCriteria(from_block=0, to_block=3))
    node.mine([node.log_call(1, 11, TOPIC_A), node.log_call(2, 12, TOPIC_B)])  # block 3
    node.mine([node.log_call(2, 13, TOPIC_A)])  # block 4
    assert values(manager.get_changes(by_topic)) == [11, 13]
    assert values(manager.get_changes(by_dict)) == [11, 12, 13]
    assert values(manager.get_changes(bounded)) == [11, 12]
    assert manager.get_changes(by_topic) == []
    # eth_getFilterLogs runs the whole query, old blocks included.
    assert values(manager.get_filter_logs(by_topic)) == [13]  # from/to default to latest
    assert values(manager.get_filter_logs(bounded)) == [10, 11, 12]


def test_filters_expire_unless_polled() -> None:
    clock = FakeClock()
    node = Node(clock)
    manager = node.backend.filters
    polled, idle = manager.new_block_filter(), manager.new_block_filter()
    clock.now += FILTER_TIMEOUT - 1
    manager.get_changes(polled)
    clock.now += 2
    assert len(manager) == 1
    with pytest.raises(FilterNotFound) as info:
        manager.get_changes(idle)
    assert info.value.to_dict() == {"code": SERVER_ERROR, "message": "filter not found"}
    manager.get_changes(polled)


def test_uninstall_and_unknown_filters() -> None:
    node = Node()
    manager = node.backend.filters
    filter_id = manager.new_block_filter()
    assert manager.uninstall(filter_id) is True
    assert manager.uninstall(filter_id) is False
    with pytest.raises(FilterNotFound):
        manager.get_changes(filter_id)
    block_filter = manager.new_block_filter()
    with pytest.raises(FilterNotFound):
        manager.get_filter_logs(block_filter)


def test_filter_ids_are_geth_style() -> None:
    ids = {new_filter_id() for _ in range(50)}
    assert len(ids) == 50
    for filter_id in ids:
        assert filter_id.startswith("0x") and not filter_id.startswith("0x0") and len(filter_id) <= 34
        int(filter_id, 16)
