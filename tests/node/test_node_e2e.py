"""End to end: a real `walton node --dev` process and web3.py over real HTTP, as a user's script would."""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vyper
from eth_account import Account
from web3 import HTTPProvider, Web3

from tests.node.nodeproc import NodeProcess, rpc
from walton.vm.networks.dev import DEV_ACCOUNT_BALANCE, DEV_CHAIN_ID, dev_accounts

pytestmark = pytest.mark.timeout(600)

STORE_CONTRACT = """
# pragma version ~=0.4.3
event Stored:
    who: indexed(address)
    amount: uint256

stored: public(uint256)

@deploy
@payable
def __init__():
    self.stored = 7

@external
def store(amount: uint256):
    assert amount != 13, "unlucky"
    self.stored = amount
    log Stored(who=msg.sender, amount=amount)
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    process = NodeProcess(tmp_path_factory.mktemp("e2e") / "datadir", "--dev.period", "0")
    process.wait_ready()
    yield process
    assert process.stop() == 0, process.output()


@pytest.fixture(scope="module")
def w3(node: NodeProcess) -> Web3:
    return Web3(HTTPProvider(node.url))


def send(w3: Web3, account_index: int, **fields: Any) -> Any:
    """Sign with a dev key, send the raw transaction, wait for the receipt."""
    key = dev_accounts()[account_index].private_key
    sender = Account.from_key(key).address
    transaction = {
        "chainId": w3.eth.chain_id,
        "nonce": w3.eth.get_transaction_count(sender, "pending"),
        "maxFeePerGas": w3.eth.gas_price * 2,
        "maxPriorityFeePerGas": w3.eth.max_priority_fee,
        **fields,
    }
    if "gas" not in transaction:
        transaction["gas"] = w3.eth.estimate_gas({**transaction, "from": sender})
    signed = Account.sign_transaction(transaction, key)
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    return w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120, poll_latency=0.2)


def test_identity_and_prefunded_accounts(w3: Web3) -> None:
    assert w3.is_connected()
    assert w3.eth.chain_id == DEV_CHAIN_ID
    assert w3.net.version == str(DEV_CHAIN_ID)
    assert w3.client_version.startswith("walton/")
    assert w3.provider.make_request("eth_mining", [])["result"] is True
    for account in dev_accounts()[2:5]:
        assert w3.eth.get_balance(account.address) == DEV_ACCOUNT_BALANCE


def test_transfer_updates_balances_and_nonce(w3: Web3) -> None:
    sender, recipient = dev_accounts()[5].address, dev_accounts()[6].address
    receipt = send(w3, 5, to=recipient, value=10**18)
    assert receipt.status == 1
    assert w3.eth.get_balance(recipient) == DEV_ACCOUNT_BALANCE + 10**18
    fee = receipt.gasUsed * receipt.effectiveGasPrice
    assert w3.eth.get_balance(sender) == DEV_ACCOUNT_BALANCE - 10**18 - fee
    assert w3.eth.get_transaction_count(sender) == 1
    block = w3.eth.get_block(receipt.blockNumber, full_transactions=True)
    assert block.transactions[0]["hash"] == receipt.transactionHash


def test_vyper_contract_deploy_transact_logs_and_filters(w3: Web3) -> None:
    compiled = vyper.compile_code(STORE_CONTRACT, output_formats=["bytecode", "abi"])
    factory = w3.eth.contract(abi=compiled["abi"], bytecode=compiled["bytecode"])
    deploy = send(w3, 1, data=factory.constructor().data_in_transaction)
    assert deploy.status == 1 and deploy.contractAddress
    contract = w3.eth.contract(address=deploy.contractAddress, abi=compiled["abi"])
    assert contract.functions.stored().call() == 7
    assert w3.eth.get_code(deploy.contractAddress) != b""

    log_filter = contract.events.Stored.create_filter(from_block="latest")
    block_filter = w3.eth.filter("latest")
    receipt = send(w3, 1, to=contract.address, data=contract.encode_abi("store", [42]))
    assert receipt.status == 1
    assert contract.functions.stored().call() == 42
    assert w3.eth.get_storage_at(contract.address, 0) == (42).to_bytes(32, "big")

    events = log_filter.get_new_entries()
    assert [(event.args.who, event.args.amount) for event in events] == [(dev_accounts()[1].address, 42)]
    assert receipt.blockHash in block_filter.get_new_entries()
    logs = w3.eth.get_logs({"fromBlock": deploy.blockNumber, "address": contract.address})
    assert len(logs) == 1 and logs[0]["transactionHash"] == receipt.transactionHash
    decoded = contract.events.Stored().process_receipt(receipt)
    assert decoded[0].args.amount == 42
    assert w3.eth.uninstall_filter(log_filter.filter_id) is True


def test_reverted_call_reports_the_reason(w3: Web3) -> None:
    compiled = vyper.compile_code(STORE_CONTRACT, output_formats=["bytecode", "abi"])
    deploy = send(w3, 2, data=compiled["bytecode"])
    contract = w3.eth.contract(address=deploy.contractAddress, abi=compiled["abi"])
    with pytest.raises(Exception, match="unlucky"):
        contract.functions.store(13).call()


def post(node: NodeProcess, body: bytes) -> tuple[int, Any]:
    request = urllib.request.Request(node.url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber"', -32700),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_noSuchThing", "params": []}', -32601),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": ["0x1234", "latest"]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": [1, 2, 3, 4]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": ["0xdeadbeef"]}', None),
        (b'{"id": 1, "method": "eth_blockNumber"}', -32600),
        (b"[]", -32600),
    ],
)
def test_bad_requests_get_json_rpc_errors(node: NodeProcess, body: bytes, code: int | None) -> None:
    status, answer = post(node, body)
    assert status == 200
    assert "error" in answer, answer
    if code is not None:
        assert answer["error"]["code"] == code, answer
    assert rpc(node.url, "eth_chainId")["result"] == hex(DEV_CHAIN_ID)


def test_batch_requests(node: NodeProcess) -> None:
    body = json.dumps(
        [
            {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
            {"jsonrpc": "2.0", "id": "two", "method": "net_version", "params": []},
            {"jsonrpc": "2.0", "id": 3, "method": "nope", "params": []},
        ]
    ).encode()
    status, answer = post(node, body)
    assert status == 200
    assert [item["id"] for item in answer] == [1, "two", 3]
    assert answer[0]["result"] == hex(DEV_CHAIN_ID) and answer[1]["result"] == str(DEV_CHAIN_ID)
    assert answer[2]["error"]["code"] == -32601


def test_oversized_request_is_refused(node: NodeProcess) -> None:
    huge = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": ["x" * (6 * 1024 * 1024)]})
    status, _answer = post(node, huge.encode())
    assert status == 413
    assert rpc(node.url, "eth_chainId")["result"] == hex(DEV_CHAIN_ID)


def test_restart_resumes_the_same_chain(tmp_path: Path) -> None:
    datadir = tmp_path / "datadir"
    first = NodeProcess(datadir, "--dev.period", "0.5")
    first.wait_ready()
    w3 = Web3(HTTPProvider(first.url))
    receipt = send(w3, 3, to=dev_accounts()[4].address, value=12345)
    head = w3.eth.get_block("latest")
    assert first.stop() == 0
    assert "Node stopped" in first.output()

    second = NodeProcess(datadir, "--dev.period", "0")
    second.wait_ready()
    try:
        w3 = Web3(HTTPProvider(second.url))
        assert w3.eth.get_block(head.number).hash == head.hash
        assert w3.eth.get_transaction_receipt(receipt.transactionHash).status == 1
        assert w3.eth.get_balance(dev_accounts()[4].address) == DEV_ACCOUNT_BALANCE + 12345
    finally:
        assert second.stop() == 0
