"""JSON-RPC methods on a dev chain: encodings, block parameters, errors, calls, estimation, fees, web3.py."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import rlp
from eth._utils.address import generate_contract_address
from eth.consensus.noproof import NoProofConsensus
from eth.db.atomic import AtomicDB
from eth_account import Account
from eth_hash.auto import keccak
from eth_typing import Address
from eth_utils import encode_hex, to_canonical_address, to_checksum_address

from walton.node.backend import NetworkInfo, NodeBackend
from walton.node.db import BlockWriteDB
from walton.node.filters import FilterManager
from walton.node.rpc import methods
from walton.node.rpc.errors import (
    EXECUTION_REVERTED,
    INTERNAL_ERROR,
    INVALID_PARAMS,
    METHOD_NOT_FOUND,
    SERVER_ERROR,
    ExecutionReverted,
    InvalidRequest,
    ParseError,
    RPCError,
    RpcError,
    decode_revert_reason,
)
from walton.node.rpc.methods import METHODS, WALTON_METHODS, dispatch, walton_method
from walton.node.txpool import TxPool
from walton.vm.networks import dev

GWEI = 10**9
CHAIN_ID = dev.DEV_CHAIN_ID
ACCOUNTS = dev.dev_accounts()
KEYS = [account.private_key for account in ACCOUNTS]
ADDRESSES = [Address(to_canonical_address(account.address)) for account in ACCOUNTS]
HEX_ADDRESSES = [encode_hex(address) for address in ADDRESSES]
COINBASE = Address(b"\xc0" * 20)
ZERO_HASH = "0x" + "00" * 32

UnsealedVM = dev.DevVM.configure(__name__="UnsealedDevVM", consensus_class=NoProofConsensus)
UnsealedChain = dev.DevChain.configure(__name__="UnsealedDevChain", vm_configuration=((0, UnsealedVM),))


# -- a tiny EVM assembler -------------------------------------------------------------------------

OPCODES = {
    "STOP": 0x00,
    "ADD": 0x01,
    "CALLER": 0x33,
    "CALLDATALOAD": 0x35,
    "CALLDATASIZE": 0x36,
    "CODECOPY": 0x39,
    "DUP1": 0x80,
    "NUMBER": 0x43,
    "BASEFEE": 0x48,
    "MSTORE": 0x52,
    "SLOAD": 0x54,
    "SSTORE": 0x55,
    "JUMP": 0x56,
    "JUMPI": 0x57,
    "JUMPDEST": 0x5B,
    "LOG2": 0xA2,
    "RETURN": 0xF3,
    "REVERT": 0xFD,
    "INVALID": 0xFE,
}


def assemble(*items: Any) -> bytes:
    """Opcode names, ``int`` for a PUSH1, ``("push32", int)``, ``("label", name)``, ``("ref", name)``, bytes."""

    def size(item: Any) -> int:
        if isinstance(item, str):
            return 1
        if isinstance(item, int):
            return 2
        if isinstance(item, bytes):
            return len(item)
        return {"label": 0, "ref": 3, "push32": 33}[item[0]]

    labels, offset = {}, 0
    for item in items:
        if isinstance(item, tuple) and item[0] == "label":
            labels[item[1]] = offset
        offset += size(item)
    code = b""
    for item in items:
        if isinstance(item, str):
            code += bytes([OPCODES[item]])
        elif isinstance(item, int):
            code += bytes([0x60, item])
        elif isinstance(item, bytes):
            code += item
        elif item[0] == "ref":
            code += b"\x61" + labels[item[1]].to_bytes(2, "big")
        elif item[0] == "push32":
            code += b"\x7f" + item[1].to_bytes(32, "big")
    return code


def initcode(runtime: bytes) -> bytes:
    """CODECOPY the runtime that follows these 13 bytes, RETURN it."""
    return b"\x61" + len(runtime).to_bytes(2, "big") + b"\x80\x61\x00\x0d\x60\x00\x39\x60\x00\xf3" + runtime


STORED_TOPIC = int.from_bytes(keccak(b"Stored(uint256)"), "big")
# Without calldata: return slot 0. With: store calldata[0:32] in slot 0, log it (topics: Stored, caller).
STORAGE_RUNTIME = assemble(
    "CALLDATASIZE", ("ref", "store"), "JUMPI",
    0, "SLOAD", 0, "MSTORE", 32, 0, "RETURN",
    ("label", "store"), "JUMPDEST",
    0, "CALLDATALOAD", "DUP1", 0, "SSTORE",
    0, "MSTORE", "CALLER", ("push32", STORED_TOPIC), 32, 0, "LOG2", "STOP",
)  # fmt: skip
REVERT_REASON = "nope"
REVERT_DATA = (
    bytes.fromhex("08c379a0")
    + (32).to_bytes(32, "big")
    + len(REVERT_REASON).to_bytes(32, "big")
    + REVERT_REASON.encode().ljust(32, b"\x00")
)
REVERTER_RUNTIME = assemble(
    len(REVERT_DATA), ("ref", "data"), 0, "CODECOPY", len(REVERT_DATA), 0, "REVERT", ("label", "data"), REVERT_DATA
)
INVALID_RUNTIME = assemble("INVALID")
LOOP_RUNTIME = assemble(("label", "top"), "JUMPDEST", ("ref", "top"), "JUMP")
BAD_JUMP_RUNTIME = assemble(0, "JUMP")
# Returns block.number and block.basefee: the call's block context.
CONTEXT_RUNTIME = assemble("NUMBER", 0, "MSTORE", "BASEFEE", 32, "MSTORE", 64, 0, "RETURN")


# -- a node ---------------------------------------------------------------------------------------


class Node:
    def __init__(self) -> None:
        db = BlockWriteDB(AtomicDB())
        chain = UnsealedChain.from_genesis(db, dev.DEV_GENESIS_PARAMS, dev.dev_genesis_state())
        self.backend = NodeBackend(
            chain=chain,
            db=db,
            network=NetworkInfo("dev", CHAIN_ID, CHAIN_ID),
            txpool=TxPool(chain),
            filters=FilterManager(chain),
            coinbase=COINBASE,
            mining=True,
        )
        self.nonces = [0] * len(KEYS)

    @property
    def chain(self) -> Any:
        return self.backend.chain

    def call(self, method: str, *params: Any) -> Any:
        """The method's result, after a JSON round trip (it must be JSON-ready)."""
        return json.loads(json.dumps(dispatch(self.backend, method, list(params))))

    def error(self, method: str, *params: Any) -> dict[str, Any]:
        with pytest.raises(RPCError) as info:
            dispatch(self.backend, method, list(params))
        return info.value.to_dict()

    def sign(self, sender: int = 0, **fields: Any) -> str:
        transaction: dict[str, Any] = {
            "type": 2,
            "nonce": self.nonces[sender],
            "maxFeePerGas": 10 * GWEI,
            "maxPriorityFeePerGas": GWEI,
            "gas": 21000,
            "to": ACCOUNTS[9].address,
            "value": 0,
            "chainId": CHAIN_ID,
        }
        transaction.update(fields)
        if isinstance(transaction.get("to"), str):
            transaction["to"] = to_checksum_address(transaction["to"])
        if transaction.get("type") == 0:
            del transaction["type"], transaction["maxFeePerGas"], transaction["maxPriorityFeePerGas"]
            transaction.setdefault("gasPrice", 10 * GWEI)
        elif transaction.get("type") == 1:
            del transaction["maxFeePerGas"], transaction["maxPriorityFeePerGas"]
            transaction.setdefault("gasPrice", 10 * GWEI)
        if fields.get("nonce") is None:
            self.nonces[sender] += 1
        return encode_hex(bytes(Account.sign_transaction(transaction, KEYS[sender]).raw_transaction))

    def send(self, sender: int = 0, **fields: Any) -> str:
        transaction_hash: str = self.call("eth_sendRawTransaction", self.sign(sender, **fields))
        return transaction_hash

    def mine(self) -> Any:
        """Build the head's child from the pool's best transactions and import it."""
        chain = self.chain
        parent = chain.get_canonical_head()
        header = chain.create_header_from_parent(parent, timestamp=parent.timestamp + 12, coinbase=COINBASE)
        vm = chain.get_vm(header)
        transactions = list(self.backend.txpool.best_transactions())
        template = vm.get_block_class()(header, transactions=transactions, uncles=[], withdrawals=[])
        block = vm.import_block(template).block
        self.backend.import_block(block)
        return block

    def deploy(self, runtime: bytes, sender: int = 0) -> str:
        address = encode_hex(generate_contract_address(ADDRESSES[sender], self.nonces[sender]))
        self.send(sender, to=None, data=initcode(runtime), gas=500_000)
        return address


class Deployed:
    """A chain with contracts deployed (block 1), a stored value and a transfer (block 2)."""

    def __init__(self) -> None:
        self.node = node = Node()
        self.storage = node.deploy(STORAGE_RUNTIME)
        self.reverter = node.deploy(REVERTER_RUNTIME)
        self.invalid = node.deploy(INVALID_RUNTIME)
        self.loop = node.deploy(LOOP_RUNTIME)
        self.context = node.deploy(CONTEXT_RUNTIME)
        self.bad_jump = node.deploy(BAD_JUMP_RUNTIME)
        self.block1 = node.mine()
        self.store_hash = node.send(
            1,
            to=self.storage,
            data=(42).to_bytes(32, "big").hex(),
            gas=100_000,
            maxFeePerGas=30 * GWEI,
            maxPriorityFeePerGas=20 * GWEI,
        )
        self.legacy_hash = node.send(2, type=0, value=12345)
        self.access_list_hash = node.send(
            3, type=1, gas=30000, accessList=[{"address": self.storage, "storageKeys": [ZERO_HASH]}]
        )
        self.block2 = node.mine()


@pytest.fixture(scope="module")
def deployed() -> Deployed:
    return Deployed()


@pytest.fixture
def node() -> Node:
    return Node()


def hex_int(value: str) -> int:
    return int(value, 16)


# -- dispatch and params --------------------------------------------------------------------------


def test_unknown_method(node: Node) -> None:
    assert node.error("eth_nope") == {
        "code": METHOD_NOT_FOUND,
        "message": "the method eth_nope does not exist/is not available",
    }
    assert node.error("walton_coinAge")["code"] == METHOD_NOT_FOUND  # no coin age on the IoT fork


def test_params_must_be_an_array_of_the_right_length(node: Node) -> None:
    with pytest.raises(RPCError) as info:
        dispatch(node.backend, "eth_blockNumber", {"a": 1})
    assert info.value.to_dict() == {"code": INVALID_PARAMS, "message": "non-array args"}
    assert dispatch(node.backend, "eth_blockNumber", None) == "0x0"
    assert node.error("eth_blockNumber", 1) == {"code": INVALID_PARAMS, "message": "too many arguments, want at most 0"}
    assert node.error("eth_getBalance", HEX_ADDRESSES[0]) == {
        "code": INVALID_PARAMS,
        "message": "missing value for required argument 1",
    }
    assert node.error("eth_getBalance", HEX_ADDRESSES[0], None)["message"] == "missing value for required argument 1"
    assert node.error("eth_getBalance", HEX_ADDRESSES[0], "latest", 1)["message"] == (
        "too many arguments, want at most 2"
    )


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        ("eth_getBalance", [ADDRESSES[0].hex(), "latest"], "invalid argument 0: hex string without 0x prefix"),
        ("eth_getBalance", ["0x1234", "latest"], "invalid argument 0: hex string has length 4, want 40 for"),
        ("eth_getBalance", [5, "latest"], "invalid argument 0: json: cannot unmarshal number into Go value"),
        ("eth_getBalance", ["0x" + "zz" * 20, "latest"], "invalid argument 0: invalid hex string"),
        ("eth_getBalance", [HEX_ADDRESSES[0], "0x01"], "invalid argument 1: block number: hex number with leading"),
        ("eth_getBalance", [HEX_ADDRESSES[0], "newest"], "invalid argument 1: block number: hex string without 0x"),
        ("eth_getBalance", [HEX_ADDRESSES[0], 7], "invalid argument 1: json: cannot unmarshal number"),
        ("eth_getBalance", [HEX_ADDRESSES[0], {"blockHash": ZERO_HASH, "blockNumber": "0x0"}], "cannot specify both"),
        ("eth_getBalance", [HEX_ADDRESSES[0], {"blockNumber": "0x0", "x": 1}], "unknown field 'x'"),
        ("eth_getBalance", [HEX_ADDRESSES[0], {"requireCanonical": True}], "either blockNumber or blockHash"),
        ("eth_getBlockByNumber", ["latest", "yes"], "invalid argument 1: json: cannot unmarshal string into Go value"),
        ("eth_getBlockByHash", ["0x12", False], "invalid argument 0: hex string has length 2, want 64"),
        ("web3_sha3", ["0x123"], "invalid argument 0: hex string of odd length"),
        ("eth_getTransactionByBlockNumberAndIndex", ["0x0", "0x"], 'invalid argument 1: hex string "0x"'),
        ("eth_getTransactionByBlockNumberAndIndex", ["0x0", "0x1" + "0" * 16], "hex number > 64 bits"),
        ("eth_getStorageAt", [HEX_ADDRESSES[0], "0x" + "00" * 33, "latest"], "hex string too long"),
        ("eth_getStorageAt", [HEX_ADDRESSES[0], "0xzz", "latest"], "unable to decode storage key: hex string invalid"),
        ("eth_call", ["0x00"], "invalid argument 0: json: cannot unmarshal string into Go value of type ethapi"),
        ("eth_call", [{"too": HEX_ADDRESSES[0]}], "invalid argument 0: unknown field 'too' in call object"),
        ("eth_call", [{"data": "0x01", "input": "0x02"}], 'both "data" and "input" are set and not equal'),
        ("eth_call", [{"gasPrice": "0x1", "maxFeePerGas": "0x1"}], "both gasPrice and (maxFeePerGas or"),
        ("eth_call", [{"maxFeePerGas": "0x1", "maxPriorityFeePerGas": "0x2"}], "maxFeePerGas (1) < maxPriorityFee"),
        ("eth_call", [{"blobVersionedHashes": [ZERO_HASH]}], "blob transactions are not supported in calls"),
        ("eth_feeHistory", [True, "latest"], "invalid argument 0: json: cannot unmarshal bool"),
        ("eth_feeHistory", ["ten", "latest"], "invalid argument 0: invalid block count 'ten'"),
        ("eth_feeHistory", [1, "latest", [50, 10]], "invalid reward percentile: #0:50.000000 >= #1:10.000000"),
        ("eth_feeHistory", [1, "latest", [101]], "invalid reward percentile: 101.000000"),
        ("eth_feeHistory", [1, "latest", "50"], "reward percentiles must be an array of numbers"),
        ("eth_getFilterChanges", [12], "invalid argument 0: json: cannot unmarshal number into Go value of type"),
        ("eth_getLogs", [{"topics": [None] * 5}], "exceed max topics"),
    ],
)
def test_params_are_validated_strictly(node: Node, method: str, params: list[Any], message: str) -> None:
    error = node.error(method, *params)
    assert error["code"] == INVALID_PARAMS
    assert message in error["message"]


def test_unexpected_failures_are_internal_errors(node: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> int:
        raise KeyError("lost")

    monkeypatch.setattr(node.backend, "head", broken)
    error = node.error("eth_blockNumber")
    assert error == {"code": INTERNAL_ERROR, "message": "internal error: KeyError: 'lost'"}


def test_error_classes() -> None:
    assert ParseError().to_dict() == {"code": -32700, "message": "parse error"}
    assert InvalidRequest().to_dict() == {"code": -32600, "message": "invalid request"}
    assert RpcError is RPCError
    reverted = ExecutionReverted(REVERT_DATA)
    assert reverted.as_error() == {"code": 3, "message": "execution reverted: nope", "data": encode_hex(REVERT_DATA)}
    assert ExecutionReverted(b"").to_dict() == {"code": 3, "message": "execution reverted", "data": "0x"}
    panic = bytes.fromhex("4e487b71") + (0x11).to_bytes(32, "big")
    assert decode_revert_reason(panic) == "arithmetic underflow or overflow"
    assert decode_revert_reason(bytes.fromhex("4e487b71") + (0x99).to_bytes(32, "big")) == "unknown panic code: 0x99"
    assert decode_revert_reason(bytes.fromhex("deadbeef")) is None
    assert decode_revert_reason(REVERT_DATA[:40]) is None


# -- simple methods -----------------------------------------------------------------------------


def test_node_information(node: Node) -> None:
    assert node.call("web3_clientVersion").startswith("walton/v")
    assert node.call("web3_sha3", "0x68656c6c6f20776f726c64") == (
        "0x47173285a8d7341e5e972fc677286384f802f8ef42a5ec5f03bbfa254cb01fad"
    )
    assert node.call("web3_sha3", "0x") == encode_hex(keccak(b""))
    assert node.call("net_version") == "1337"
    assert node.call("net_listening") is True
    assert node.call("net_peerCount") == "0x0"
    assert node.call("eth_chainId") == "0x539"
    assert node.call("eth_blockNumber") == "0x0"
    assert node.call("eth_syncing") is False
    assert node.call("eth_mining") is True
    assert node.call("eth_coinbase") == "0x" + "c0" * 20
    assert node.call("eth_accounts") == []
    assert node.call("walton_network") == {
        "name": "dev",
        "chainId": "0x539",
        "networkId": "1337",
        "fork": "iot",
        "head": {"number": "0x0", "hash": encode_hex(node.chain.get_canonical_head().hash)},
    }


def test_walton_methods_can_be_extended(node: Node) -> None:
    @walton_method("walton_echo", methods.Param(methods.decode_quantity))
    def walton_echo(backend: NodeBackend, value: int) -> str:
        return hex(value * 2)

    try:
        assert node.call("walton_echo", "0x21") == "0x42"
        assert "walton_echo" in WALTON_METHODS and "walton_echo" not in METHODS
    finally:
        del WALTON_METHODS["walton_echo"]
    with pytest.raises(ValueError):
        walton_method("eth_other")


# -- state ----------------------------------------------------------------------------------------


def test_balances_and_nonces_at_blocks(deployed: Deployed) -> None:
    node = deployed.node
    genesis_balance = hex(dev.DEV_ACCOUNT_BALANCE)
    assert node.call("eth_getBalance", HEX_ADDRESSES[2], "earliest") == genesis_balance
    assert node.call("eth_getBalance", HEX_ADDRESSES[2], "0x1") == genesis_balance
    latest = hex_int(node.call("eth_getBalance", HEX_ADDRESSES[2], "latest"))
    receipt = node.call("eth_getTransactionReceipt", deployed.legacy_hash)
    paid = hex_int(receipt["gasUsed"]) * hex_int(receipt["effectiveGasPrice"])
    assert latest == dev.DEV_ACCOUNT_BALANCE - 12345 - paid
    for tag in ("pending", "safe", "finalized"):
        assert node.call("eth_getBalance", HEX_ADDRESSES[2], tag) == hex(latest)
    assert node.call("eth_getTransactionCount", HEX_ADDRESSES[0], "earliest") == "0x0"
    assert node.call("eth_getTransactionCount", HEX_ADDRESSES[0], "latest") == "0x6"
    assert node.error("eth_getBalance", HEX_ADDRESSES[0], "0x10") == {
        "code": SERVER_ERROR,
        "message": "header not found",
    }


def test_eip1898_block_objects(deployed: Deployed) -> None:
    node = deployed.node
    block1 = encode_hex(deployed.block1.hash)
    by_hash = node.call("eth_getTransactionCount", HEX_ADDRESSES[1], {"blockHash": block1})
    assert by_hash == "0x0"
    assert node.call("eth_getTransactionCount", HEX_ADDRESSES[1], {"blockHash": block1, "requireCanonical": True}) == (
        "0x0"
    )
    assert node.call("eth_getTransactionCount", HEX_ADDRESSES[1], {"blockNumber": "0x2"}) == "0x1"
    assert node.call("eth_getTransactionCount", HEX_ADDRESSES[1], block1) == "0x0"  # a bare hash
    assert node.error("eth_getBalance", HEX_ADDRESSES[0], {"blockHash": ZERO_HASH}) == {
        "code": SERVER_ERROR,
        "message": "header for hash not found",
    }


def test_require_canonical_refuses_a_side_block(node: Node) -> None:
    chain = node.chain
    genesis = chain.get_canonical_head()
    side_header = chain.create_header_from_parent(genesis, timestamp=genesis.timestamp + 30, coinbase=COINBASE)
    vm = chain.get_vm(side_header)
    side = vm.import_block(vm.get_block_class()(side_header, transactions=[], uncles=[], withdrawals=[])).block
    node.mine()
    node.mine()  # the main chain is longer: the side block stays off it
    with node.backend.db.block_write():
        chain.import_block(side)
    assert chain.get_canonical_block_by_number(1).hash != side.hash
    side_hash = encode_hex(side.hash)
    assert node.call("eth_getBalance", HEX_ADDRESSES[0], {"blockHash": side_hash}) == hex(dev.DEV_ACCOUNT_BALANCE)
    assert node.error("eth_getBalance", HEX_ADDRESSES[0], {"blockHash": side_hash, "requireCanonical": True}) == {
        "code": SERVER_ERROR,
        "message": "hash is not currently canonical",
    }
    assert node.call("eth_getBlockByHash", side_hash, False)["hash"] == side_hash


def test_pending_nonce_counts_the_pool(node: Node) -> None:
    node.send(0)
    node.send(0)
    node.send(0, nonce=5)  # queued: not counted
    assert node.call("eth_getTransactionCount", HEX_ADDRESSES[0], "latest") == "0x0"
    assert node.call("eth_getTransactionCount", HEX_ADDRESSES[0], "pending") == "0x2"


def test_code_and_storage(deployed: Deployed) -> None:
    node = deployed.node
    assert node.call("eth_getCode", deployed.storage, "latest") == encode_hex(STORAGE_RUNTIME)
    assert node.call("eth_getCode", deployed.storage, "earliest") == "0x"
    assert node.call("eth_getCode", HEX_ADDRESSES[0], "latest") == "0x"
    assert node.call("eth_getStorageAt", deployed.storage, "0x0", "latest") == encode_hex((42).to_bytes(32, "big"))
    assert node.call("eth_getStorageAt", deployed.storage, "0x0", "0x1") == ZERO_HASH
    assert node.call("eth_getStorageAt", deployed.storage, ZERO_HASH, "latest") == encode_hex((42).to_bytes(32, "big"))
    assert node.call("eth_getStorageAt", deployed.storage, "0x1", "latest") == ZERO_HASH


# -- blocks and transactions -----------------------------------------------------------------------


def test_blocks_by_number_and_hash(deployed: Deployed) -> None:
    node = deployed.node
    block = node.call("eth_getBlockByNumber", "0x2", False)
    header = deployed.block2.header
    assert block["number"] == "0x2" and block["hash"] == encode_hex(deployed.block2.hash)
    assert block["parentHash"] == encode_hex(deployed.block1.hash)
    assert block["miner"] == "0x" + "c0" * 20
    assert block["transactions"] == [deployed.store_hash, deployed.legacy_hash, deployed.access_list_hash]
    assert block["baseFeePerGas"] == hex(header.base_fee_per_gas)
    assert block["gasUsed"] == hex(header.gas_used) and block["gasLimit"] == hex(header.gas_limit)
    assert len(block["logsBloom"]) == 2 + 512 and len(block["nonce"]) == 2 + 16
    assert block["size"] == hex(len(rlp.encode(deployed.block2)))
    assert block["uncles"] == [] and block["withdrawals"] == []
    for key in ("stateRoot", "transactionsRoot", "receiptsRoot", "sha3Uncles", "mixHash", "withdrawalsRoot"):
        assert len(block[key]) == 66
    for key in ("blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot", "requestsHash", "difficulty", "timestamp"):
        assert key in block
    assert node.call("eth_getBlockByHash", block["hash"], False) == block
    assert node.call("eth_getBlockByNumber", "latest", False) == block
    assert node.call("eth_getBlockByNumber", "earliest", False)["number"] == "0x0"
    assert node.call("eth_getBlockByNumber", "finalized", False) == block
    assert node.call("eth_getBlockByNumber", "0x3", False) is None
    assert node.call("eth_getBlockByHash", ZERO_HASH, True) is None
    full = node.call("eth_getBlockByNumber", "0x2", True)
    assert [tx["hash"] for tx in full["transactions"]] == block["transactions"]
    assert full["transactions"][1]["transactionIndex"] == "0x1"
    assert full["transactions"][1]["blockHash"] == block["hash"]


def test_pending_block(deployed: Deployed) -> None:
    pending = deployed.node.call("eth_getBlockByNumber", "pending", True)
    assert pending["number"] == "0x3"
    assert pending["parentHash"] == encode_hex(deployed.block2.hash)
    assert pending["hash"] is None and pending["nonce"] is None and pending["miner"] is None
    assert pending["transactions"] == []
    assert deployed.node.call("eth_getBlockTransactionCountByNumber", "pending") == "0x0"
    assert deployed.node.call("eth_getTransactionByBlockNumberAndIndex", "pending", "0x0") is None


def test_transaction_counts_and_by_index(deployed: Deployed) -> None:
    node = deployed.node
    block_hash = encode_hex(deployed.block2.hash)
    assert node.call("eth_getBlockTransactionCountByNumber", "0x2") == "0x3"
    assert node.call("eth_getBlockTransactionCountByNumber", "0x0") == "0x0"
    assert node.call("eth_getBlockTransactionCountByNumber", "0x9") is None
    assert node.call("eth_getBlockTransactionCountByHash", block_hash) == "0x3"
    assert node.call("eth_getBlockTransactionCountByHash", ZERO_HASH) is None
    second = node.call("eth_getTransactionByBlockNumberAndIndex", "0x2", "0x1")
    assert second == node.call("eth_getTransactionByHash", deployed.legacy_hash)
    assert node.call("eth_getTransactionByBlockNumberAndIndex", "0x2", "0x3") is None
    assert node.call("eth_getTransactionByBlockNumberAndIndex", "0x7", "0x0") is None
    assert node.call("eth_getTransactionByBlockHashAndIndex", block_hash, "0x2")["hash"] == deployed.access_list_hash


def test_transaction_objects_by_type(deployed: Deployed) -> None:
    node = deployed.node
    base_fee = deployed.block2.header.base_fee_per_gas
    dynamic = node.call("eth_getTransactionByHash", deployed.store_hash)
    assert dynamic["type"] == "0x2" and dynamic["chainId"] == "0x539"
    assert dynamic["maxFeePerGas"] == hex(30 * GWEI) and dynamic["maxPriorityFeePerGas"] == hex(20 * GWEI)
    assert dynamic["gasPrice"] == hex(base_fee + 20 * GWEI)  # the effective price once mined
    assert dynamic["from"] == HEX_ADDRESSES[1] and dynamic["to"] == deployed.storage
    assert dynamic["input"] == encode_hex((42).to_bytes(32, "big"))
    assert dynamic["accessList"] == [] and dynamic["yParity"] in ("0x0", "0x1") and dynamic["v"] == dynamic["yParity"]
    assert dynamic["blockNumber"] == "0x2" and dynamic["transactionIndex"] == "0x0" and dynamic["nonce"] == "0x0"
    legacy = node.call("eth_getTransactionByHash", deployed.legacy_hash)
    assert legacy["type"] == "0x0" and legacy["gasPrice"] == hex(10 * GWEI) and legacy["value"] == hex(12345)
    assert hex_int(legacy["v"]) in (CHAIN_ID * 2 + 35, CHAIN_ID * 2 + 36) and legacy["chainId"] == "0x539"
    assert "yParity" not in legacy and "maxFeePerGas" not in legacy and "accessList" not in legacy
    access = node.call("eth_getTransactionByHash", deployed.access_list_hash)
    assert access["type"] == "0x1" and access["accessList"] == [
        {"address": deployed.storage, "storageKeys": [ZERO_HASH]}
    ]
    assert "maxFeePerGas" not in access
    creation = node.call("eth_getTransactionByBlockNumberAndIndex", "0x1", "0x0")
    assert creation["to"] is None
    for tx in (dynamic, legacy, access, creation):
        assert tx["r"].startswith("0x") and not tx["r"].startswith("0x0") and tx["s"].startswith("0x")
    assert node.call("eth_getTransactionByHash", ZERO_HASH) is None


def test_set_code_transaction_object(node: Node) -> None:
    authorization = Account.sign_authorization({"chainId": CHAIN_ID, "address": ADDRESSES[5], "nonce": 1}, KEYS[0])
    transaction_hash = node.send(0, type=4, gas=100_000, to=ACCOUNTS[0].address, authorizationList=[authorization])
    pending = node.call("eth_getTransactionByHash", transaction_hash)
    assert pending["type"] == "0x4"
    assert pending["authorizationList"] == [
        {
            "chainId": "0x539",
            "address": HEX_ADDRESSES[5],
            "nonce": "0x1",
            "yParity": hex(authorization.y_parity),
            "r": hex(authorization.r),
            "s": hex(authorization.s),
        }
    ]
    node.mine()
    assert node.call("eth_getTransactionReceipt", transaction_hash)["status"] == "0x1"
    delegated = node.call("eth_getCode", HEX_ADDRESSES[0], "latest")
    assert delegated == "0xef0100" + ADDRESSES[5].hex()


def test_pending_transaction_object(node: Node) -> None:
    transaction_hash = node.send(0, maxFeePerGas=7 * GWEI)
    pending = node.call("eth_getTransactionByHash", transaction_hash)
    assert pending["blockHash"] is None and pending["blockNumber"] is None and pending["transactionIndex"] is None
    assert pending["gasPrice"] == hex(7 * GWEI)  # the fee cap until mined
    assert node.call("eth_getTransactionReceipt", transaction_hash) is None


def test_receipts(deployed: Deployed) -> None:
    node = deployed.node
    block2 = deployed.block2
    base_fee = block2.header.base_fee_per_gas
    store = node.call("eth_getTransactionReceipt", deployed.store_hash)
    assert store["status"] == "0x1" and store["type"] == "0x2" and store["contractAddress"] is None
    assert store["from"] == HEX_ADDRESSES[1] and store["to"] == deployed.storage
    assert store["blockHash"] == encode_hex(block2.hash) and store["blockNumber"] == "0x2"
    assert store["effectiveGasPrice"] == hex(base_fee + 20 * GWEI)
    assert store["cumulativeGasUsed"] == store["gasUsed"]
    assert len(store["logsBloom"]) == 2 + 512 and store["logsBloom"] != "0x" + "00" * 256
    (log,) = store["logs"]
    assert log["address"] == deployed.storage and log["data"] == encode_hex((42).to_bytes(32, "big"))
    assert log["topics"] == [encode_hex(STORED_TOPIC.to_bytes(32, "big")), "0x" + "00" * 12 + ADDRESSES[1].hex()]
    assert log["transactionHash"] == deployed.store_hash and log["logIndex"] == "0x0" and log["removed"] is False
    legacy = node.call("eth_getTransactionReceipt", deployed.legacy_hash)
    assert legacy["type"] == "0x0" and legacy["gasUsed"] == "0x5208" and legacy["effectiveGasPrice"] == hex(10 * GWEI)
    assert hex_int(legacy["cumulativeGasUsed"]) == hex_int(store["gasUsed"]) + 21000
    assert legacy["logs"] == [] and legacy["logsBloom"] == "0x" + "00" * 256 and legacy["transactionIndex"] == "0x1"
    creation = node.call(
        "eth_getTransactionReceipt", node.call("eth_getBlockByNumber", "0x1", False)["transactions"][0]
    )
    assert creation["contractAddress"] == deployed.storage and creation["to"] is None
    receipts = node.call("eth_getBlockReceipts", "0x2")
    assert [r["transactionHash"] for r in receipts] == [
        deployed.store_hash,
        deployed.legacy_hash,
        deployed.access_list_hash,
    ]
    assert node.call("eth_getBlockReceipts", {"blockHash": encode_hex(block2.hash)}) == receipts
    assert node.call("eth_getBlockReceipts", "0x9") is None


def test_failed_transaction_receipt_has_status_zero(node: Node) -> None:
    reverter = node.deploy(REVERTER_RUNTIME)
    node.mine()
    failed = node.send(0, to=reverter, gas=100_000)
    node.mine()
    receipt = node.call("eth_getTransactionReceipt", failed)
    assert receipt["status"] == "0x0" and receipt["logs"] == []


# -- sending -------------------------------------------------------------------------------------


def test_send_raw_transaction(node: Node) -> None:
    watcher = node.call("eth_newPendingTransactionFilter")
    raw = node.sign(0)
    transaction_hash = node.call("eth_sendRawTransaction", raw)
    assert transaction_hash == encode_hex(keccak(bytes.fromhex(raw[2:])))
    assert node.call("eth_getFilterChanges", watcher) == [transaction_hash]
    assert node.error("eth_sendRawTransaction", raw) == {"code": SERVER_ERROR, "message": "already known"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"nonce": 0, "gas": 20000}, "intrinsic gas too low: gas 20000, minimum needed 21000"),
        ({"nonce": 0, "chainId": 1}, "invalid sender: invalid chain id for signer: have 1 want 1337"),
        ({"nonce": 0, "maxPriorityFeePerGas": 0}, "transaction underpriced: gas tip cap 0, minimum needed 1"),
        ({"nonce": 0, "gas": 31_000_000}, "exceeds block gas limit"),
        ({"nonce": 0, "maxFeePerGas": 10**14, "gas": 10**5}, "tx fee (10.00 ether) exceeds the configured cap"),
        ({"nonce": 0, "value": 10**30}, "insufficient funds for gas * price + value: balance"),
    ],
)
def test_send_raw_transaction_rejections(node: Node, fields: dict[str, Any], message: str) -> None:
    error = node.error("eth_sendRawTransaction", node.sign(0, **fields))
    assert error["code"] == SERVER_ERROR
    assert error["message"].startswith(message)


def test_send_raw_transaction_refuses_unprotected_and_undecodable(node: Node) -> None:
    unprotected = Account.sign_transaction(
        {"nonce": 0, "gasPrice": 10 * GWEI, "gas": 21000, "to": ACCOUNTS[1].address, "value": 0}, KEYS[0]
    )
    assert node.error("eth_sendRawTransaction", encode_hex(bytes(unprotected.raw_transaction))) == {
        "code": SERVER_ERROR,
        "message": "only replay-protected (EIP-155) transactions allowed over RPC",
    }
    error = node.error("eth_sendRawTransaction", "0x02c0")
    assert error["code"] == SERVER_ERROR and error["message"].startswith("rlp: ")


def test_nonce_too_low_after_inclusion(node: Node) -> None:
    node.send(0)
    node.mine()
    assert node.error("eth_sendRawTransaction", node.sign(0, nonce=0, value=1)) == {
        "code": SERVER_ERROR,
        "message": "nonce too low: next nonce 1, tx nonce 0",
    }


# -- calls and estimation ----------------------------------------------------------------------------


def test_call_returns_data(deployed: Deployed) -> None:
    node = deployed.node
    assert node.call("eth_call", {"to": deployed.storage}, "latest") == encode_hex((42).to_bytes(32, "big"))
    assert node.call("eth_call", {"to": deployed.storage}) == encode_hex((42).to_bytes(32, "big"))
    assert node.call("eth_call", {"to": deployed.storage}, "0x1") == ZERO_HASH
    assert node.call("eth_call", {"to": deployed.storage, "input": "0x"}, {"blockNumber": "0x2"}) == encode_hex(
        (42).to_bytes(32, "big")
    )
    assert node.call("eth_call", {"to": HEX_ADDRESSES[5], "value": "0x1", "from": HEX_ADDRESSES[0]}) == "0x"


def test_call_runs_in_the_blocks_context(deployed: Deployed) -> None:
    node = deployed.node
    base_fee = deployed.block2.header.base_fee_per_gas
    unpriced = node.call("eth_call", {"to": deployed.context}, "0x2")
    assert unpriced == encode_hex((2).to_bytes(32, "big") + (0).to_bytes(32, "big"))  # geth: base fee 0 if unpriced
    priced = node.call("eth_call", {"to": deployed.context, "from": HEX_ADDRESSES[0], "gasPrice": hex(base_fee)}, "0x2")
    assert priced == encode_hex((2).to_bytes(32, "big") + base_fee.to_bytes(32, "big"))


def test_call_can_deploy(deployed: Deployed) -> None:
    assert deployed.node.call("eth_call", {"data": encode_hex(initcode(STORAGE_RUNTIME))}) == encode_hex(
        STORAGE_RUNTIME
    )


def test_call_reverts_with_data(deployed: Deployed) -> None:
    error = deployed.node.error("eth_call", {"to": deployed.reverter}, "latest")
    assert error == {"code": EXECUTION_REVERTED, "message": "execution reverted: nope", "data": encode_hex(REVERT_DATA)}


def test_call_failures(deployed: Deployed) -> None:
    node = deployed.node
    assert node.error("eth_call", {"to": deployed.invalid}) == {
        "code": SERVER_ERROR,
        "message": "invalid opcode: INVALID",
    }
    assert node.error("eth_call", {"to": deployed.bad_jump}) == {
        "code": SERVER_ERROR,
        "message": "invalid jump destination",
    }
    assert node.error("eth_call", {"to": deployed.loop, "gas": "0x100000"}) == {
        "code": SERVER_ERROR,
        "message": "out of gas",
    }
    poor = "0x" + "77" * 20
    error = node.error("eth_call", {"from": poor, "to": deployed.storage, "gasPrice": hex(10 * GWEI), "gas": "0x5208"})
    assert error == {
        "code": SERVER_ERROR,
        "message": f"err: insufficient funds for gas * price + value: address {poor} have 0 want {21000 * 10 * GWEI} "
        "(supplied gas 21000)",
    }
    error = node.error("eth_call", {"to": deployed.storage, "maxPriorityFeePerGas": "0x1"})  # fee cap 0, as geth
    assert error["message"].startswith("err: max priority fee per gas higher than max fee per gas: address 0x000")
    error = node.error("eth_call", {"to": deployed.storage, "maxFeePerGas": "0x1", "maxPriorityFeePerGas": "0x1"})
    assert error["code"] == SERVER_ERROR and "max fee per gas less than block base fee" in error["message"]
    assert node.error("eth_call", {"to": deployed.storage, "gas": "0x5000"})["message"] == (
        "err: intrinsic gas too low: have 20480, want 21000 (supplied gas 20480)"
    )
    assert node.error("eth_call", {"to": deployed.storage, "chainId": "0x1"})["message"] == (
        "err: chainId does not match node's (have=1, want=1337) (supplied gas 50000000)"
    )
    assert node.error("eth_call", {"to": deployed.storage}, "0x99") == {
        "code": SERVER_ERROR,
        "message": "header not found",
    }


def test_estimate_gas(deployed: Deployed) -> None:
    node = deployed.node
    transfer = {"from": HEX_ADDRESSES[0], "to": HEX_ADDRESSES[1], "value": "0x1"}
    assert node.call("eth_estimateGas", transfer) == "0x5208"
    assert node.call("eth_estimateGas", transfer, "latest") == "0x5208"
    store = {"from": HEX_ADDRESSES[4], "to": deployed.storage, "data": encode_hex((7).to_bytes(32, "big"))}
    estimate = hex_int(node.call("eth_estimateGas", store))
    # Slot 0 holds 42: a non-zero to non-zero write (5,000 gas), plus calldata and the log.
    assert 21000 + 5000 < estimate < 50_000
    creation = hex_int(
        node.call("eth_estimateGas", {"from": HEX_ADDRESSES[4], "data": encode_hex(initcode(STORAGE_RUNTIME))})
    )
    assert creation > 53000


def test_estimated_gas_is_enough_and_close(node: Node) -> None:
    storage = node.deploy(STORAGE_RUNTIME)
    node.mine()
    call = {"from": HEX_ADDRESSES[1], "to": storage, "data": encode_hex((9).to_bytes(32, "big"))}
    estimate = hex_int(node.call("eth_estimateGas", call))
    transaction_hash = node.send(1, to=storage, data=(9).to_bytes(32, "big").hex(), gas=estimate)
    node.mine()
    receipt = node.call("eth_getTransactionReceipt", transaction_hash)
    assert receipt["status"] == "0x1"
    used = hex_int(receipt["gasUsed"])
    assert used <= estimate <= used * 1.1
    # On the state the transaction ran on, a little less gas than it used fails.
    low = {**call, "gas": hex(used - 3000)}
    assert node.error("eth_call", low, "0x1")["message"] == "out of gas"


def test_estimate_gas_errors(deployed: Deployed) -> None:
    node = deployed.node
    assert node.error("eth_estimateGas", {"to": deployed.reverter}) == {
        "code": EXECUTION_REVERTED,
        "message": "execution reverted: nope",
        "data": encode_hex(REVERT_DATA),
    }
    assert node.error("eth_estimateGas", {"to": deployed.invalid}) == {
        "code": SERVER_ERROR,
        "message": "invalid opcode: INVALID",
    }
    assert node.error("eth_estimateGas", {"to": deployed.loop, "gas": "0x30000"}) == {
        "code": SERVER_ERROR,
        "message": f"gas required exceeds allowance ({0x30000})",
    }
    poor = "0x" + "77" * 20
    assert node.error("eth_estimateGas", {"from": poor, "to": HEX_ADDRESSES[0], "value": "0x1", "gasPrice": "0x1"}) == {
        "code": SERVER_ERROR,
        "message": "insufficient funds for transfer",
    }
    # A fee cap the balance covers only for 30,000 gas caps the search there.
    rich = {"from": HEX_ADDRESSES[4], "to": deployed.loop, "maxFeePerGas": hex(dev.DEV_ACCOUNT_BALANCE // 30_000)}
    assert node.error("eth_estimateGas", rich)["message"] == "gas required exceeds allowance (30000)"


# -- fees -------------------------------------------------------------------------------------------


def test_gas_price_and_tip(node: Node) -> None:
    next_base_fee = node.backend.txpool.next_base_fee()
    assert node.call("eth_maxPriorityFeePerGas") == hex(GWEI)
    assert node.call("eth_gasPrice") == hex(next_base_fee + GWEI)
    for tip in (2, 3, 5):
        node.send(tip, maxPriorityFeePerGas=tip * GWEI)
    node.mine()
    # geth's index into the sorted samples [1, 2, 3, 5] gwei: (4 - 1) * 60 // 100 = 1.
    assert node.call("eth_maxPriorityFeePerGas") == hex(2 * GWEI)


def test_fee_history(deployed: Deployed) -> None:
    node = deployed.node
    block2 = deployed.block2
    history = node.call("eth_feeHistory", "0x2", "latest", [0, 10, 100])
    assert history["oldestBlock"] == "0x1"
    header1 = deployed.block1.header
    expected_next = node.backend.txpool.next_base_fee()
    assert history["baseFeePerGas"] == [
        hex(header1.base_fee_per_gas),
        hex(block2.header.base_fee_per_gas),
        hex(expected_next),
    ]
    assert history["gasUsedRatio"] == [
        header1.gas_used / header1.gas_limit,
        block2.header.gas_used / block2.header.gas_limit,
    ]
    assert history["baseFeePerBlobGas"] == ["0x1", "0x1", "0x1"] and history["blobGasUsedRatio"] == [0.0, 0.0]
    base_fee = block2.header.base_fee_per_gas
    # Block 2's tips: 10 gwei - base fee for the legacy and access-list ones, 20 gwei for the store (most gas).
    assert history["reward"][1] == [hex(10 * GWEI - base_fee), hex(10 * GWEI - base_fee), hex(20 * GWEI)]
    assert history["reward"][0] == [hex(GWEI)] * 3  # block 1: the deployments
    assert node.call("eth_feeHistory", 10, "0x1")["oldestBlock"] == "0x0"
    assert "reward" not in node.call("eth_feeHistory", "0x1", "latest")
    assert node.call("eth_feeHistory", "0", "latest") == {"oldestBlock": "0x0", "baseFeePerGas": [], "gasUsedRatio": []}
    assert node.call("eth_feeHistory", 1, "earliest", [25])["reward"] == [["0x0"]]
    assert node.error("eth_feeHistory", 1, "0x9") == {
        "code": SERVER_ERROR,
        "message": "request beyond head block: requested 9, head 2",
    }


# -- logs and filters over RPC -------------------------------------------------------------------------


def test_get_logs_and_filters(node: Node) -> None:
    storage = node.deploy(STORAGE_RUNTIME)
    node.mine()
    log_filter = node.call("eth_newFilter", {"address": storage})
    block_filter = node.call("eth_newBlockFilter")
    node.send(1, to=storage, data=(5).to_bytes(32, "big").hex(), gas=100_000)
    block = node.mine()
    logs = node.call("eth_getLogs", {"fromBlock": "earliest", "topics": [encode_hex(STORED_TOPIC.to_bytes(32, "big"))]})
    assert [log["data"] for log in logs] == [encode_hex((5).to_bytes(32, "big"))]
    assert node.call("eth_getFilterChanges", log_filter) == logs
    assert node.call("eth_getFilterChanges", log_filter) == []
    assert node.call("eth_getFilterLogs", log_filter) == logs
    assert node.call("eth_getFilterChanges", block_filter) == [encode_hex(block.hash)]
    assert node.call("eth_getLogs", {"blockHash": encode_hex(block.hash), "address": [HEX_ADDRESSES[0]]}) == []
    assert node.call("eth_uninstallFilter", log_filter) is True
    assert node.call("eth_uninstallFilter", log_filter) is False
    assert node.error("eth_getFilterChanges", log_filter) == {"code": SERVER_ERROR, "message": "filter not found"}
    assert node.error("eth_getLogs", {"fromBlock": "0x2", "toBlock": "0x1"}) == {
        "code": SERVER_ERROR,
        "message": "invalid block range params",
    }


# -- web3.py --------------------------------------------------------------------------------------------


@pytest.fixture
def w3(node: Node) -> Iterator[Any]:
    web3 = pytest.importorskip("web3")
    from web3.providers.base import JSONBaseProvider

    class DispatchProvider(JSONBaseProvider):
        """web3.py talking JSON to ``dispatch``, as it would to the node over HTTP."""

        def make_request(self, method: Any, params: Any) -> Any:
            request = json.loads(self.encode_rpc_request(method, params))
            response: dict[str, Any] = {"jsonrpc": "2.0", "id": request["id"]}
            try:
                response["result"] = dispatch(node.backend, request["method"], request["params"])
            except RPCError as exc:
                response["error"] = exc.to_dict()
            return self.decode_rpc_response(json.dumps(response).encode())

        def is_connected(self, show_traceback: bool = False) -> bool:
            return True

    yield web3.Web3(DispatchProvider())


def test_web3_reads_what_the_node_writes(node: Node, w3: Any) -> None:
    from web3.exceptions import ContractLogicError

    assert w3.eth.chain_id == CHAIN_ID and w3.is_connected()
    storage = node.deploy(STORAGE_RUNTIME)
    reverter = node.deploy(REVERTER_RUNTIME)
    node.mine()
    sender = Account.from_key(KEYS[1])
    transaction = {
        "to": w3.to_checksum_address(storage),
        "data": (77).to_bytes(32, "big"),
        "nonce": w3.eth.get_transaction_count(sender.address, "pending"),
        "gas": w3.eth.estimate_gas(
            {"from": sender.address, "to": w3.to_checksum_address(storage), "data": "0x" + "11" * 32}
        ),
        "maxFeePerGas": w3.eth.gas_price * 2,
        "maxPriorityFeePerGas": w3.eth.max_priority_fee,
        "chainId": w3.eth.chain_id,
    }
    transaction_hash = w3.eth.send_raw_transaction(sender.sign_transaction(transaction).raw_transaction)
    assert w3.eth.get_transaction(transaction_hash)["blockNumber"] is None
    node.mine()
    receipt = w3.eth.get_transaction_receipt(transaction_hash)
    assert receipt["status"] == 1 and receipt["blockNumber"] == 2 and len(receipt["logs"]) == 1
    block = w3.eth.get_block("latest", full_transactions=True)
    assert block["number"] == 2 and block["transactions"][0]["hash"] == transaction_hash
    assert w3.eth.get_block(block["hash"])["transactions"] == [transaction_hash]
    assert w3.eth.call({"to": w3.to_checksum_address(storage)}) == (77).to_bytes(32, "big")
    assert w3.eth.get_storage_at(w3.to_checksum_address(storage), 0) == (77).to_bytes(32, "big")
    assert w3.eth.get_code(w3.to_checksum_address(storage)) == STORAGE_RUNTIME
    assert w3.eth.get_balance(sender.address) < dev.DEV_ACCOUNT_BALANCE
    logs = w3.eth.get_logs({"fromBlock": 0, "address": w3.to_checksum_address(storage)})
    assert logs[0]["transactionHash"] == transaction_hash
    history = w3.eth.fee_history(2, "latest", [50])
    assert history["oldestBlock"] == 1 and len(history["baseFeePerGas"]) == 3
    assert w3.eth.get_transaction_by_block(2, 0)["hash"] == transaction_hash
    assert w3.eth.get_block_transaction_count(2) == 1
    assert w3.eth.syncing is False and w3.eth.block_number == 2 and w3.net.version == "1337"
    with pytest.raises(ContractLogicError) as info:
        w3.eth.call({"to": w3.to_checksum_address(reverter)})
    assert "nope" in str(info.value) and info.value.data == encode_hex(REVERT_DATA)
    block_filter = w3.eth.filter("latest")
    node.mine()
    assert len(block_filter.get_new_entries()) == 1


def test_every_listed_method_is_registered() -> None:
    listed = {
        "web3_clientVersion", "web3_sha3", "net_version", "net_listening", "net_peerCount", "eth_chainId",
        "eth_blockNumber", "eth_getBalance", "eth_getTransactionCount", "eth_getCode", "eth_getStorageAt",
        "eth_call", "eth_estimateGas", "eth_gasPrice", "eth_maxPriorityFeePerGas", "eth_feeHistory",
        "eth_sendRawTransaction", "eth_getTransactionByHash", "eth_getTransactionReceipt", "eth_getBlockByNumber",
        "eth_getBlockByHash", "eth_getBlockTransactionCountByNumber", "eth_getBlockTransactionCountByHash",
        "eth_getTransactionByBlockNumberAndIndex", "eth_getLogs", "eth_newFilter", "eth_newBlockFilter",
        "eth_newPendingTransactionFilter", "eth_getFilterChanges", "eth_getFilterLogs", "eth_uninstallFilter",
        "eth_syncing", "eth_mining", "eth_coinbase", "eth_accounts",
    }  # fmt: skip
    assert listed <= set(METHODS)
    assert "walton_network" in WALTON_METHODS
    handler: Callable[..., Any] = METHODS["eth_chainId"]
    assert handler.__name__ == "eth_chain_id"


def test_web3_result_formatters_accept_every_shape(deployed: Deployed, node: Node) -> None:
    pytest.importorskip("web3")
    from web3._utils.method_formatters import PYTHONIC_RESULT_FORMATTERS
    from web3._utils.rpc_abi import RPC

    chain = deployed.node
    formatters = PYTHONIC_RESULT_FORMATTERS
    for transaction_hash in (deployed.store_hash, deployed.legacy_hash, deployed.access_list_hash):
        transaction = formatters[RPC.eth_getTransactionByHash](chain.call("eth_getTransactionByHash", transaction_hash))
        assert transaction["hash"].to_0x_hex() == transaction_hash and transaction["blockNumber"] == 2
        receipt = formatters[RPC.eth_getTransactionReceipt](chain.call("eth_getTransactionReceipt", transaction_hash))
        assert receipt["status"] == 1 and receipt["blockNumber"] == 2
    for full in (False, True):
        block = formatters[RPC.eth_getBlockByNumber](chain.call("eth_getBlockByNumber", "0x2", full))
        assert block["number"] == 2 and len(block["transactions"]) == 3
    pending = formatters[RPC.eth_getBlockByNumber](chain.call("eth_getBlockByNumber", "pending", False))
    assert pending["number"] == 3 and pending["hash"] is None
    history = formatters[RPC.eth_feeHistory](chain.call("eth_feeHistory", 2, "latest", [10, 90]))
    assert history["oldestBlock"] == 1 and len(history["reward"]) == 2
    assert formatters[RPC.eth_getBlockReceipts](chain.call("eth_getBlockReceipts", "0x2"))[1]["gasUsed"] == 21000
    # A pooled set-code transaction, on a chain of its own.
    authorization = Account.sign_authorization({"chainId": CHAIN_ID, "address": ADDRESSES[5], "nonce": 0}, KEYS[6])
    set_code = node.send(6, type=4, gas=100_000, authorizationList=[authorization])
    pooled = formatters[RPC.eth_getTransactionByHash](node.call("eth_getTransactionByHash", set_code))
    assert pooled["blockHash"] is None and pooled["authorizationList"][0]["nonce"] == 0
    assert pooled["authorizationList"][0]["address"] == ACCOUNTS[5].address
