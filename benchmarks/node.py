"""Node throughput: JSON-RPC requests per second, transactions mined end to end, blocks imported.

Starts a real `walton node --dev` process and talks to it over HTTP, as web3.py would. Each
figure is printed with a baseline measured in the same run:

- eth_blockNumber / eth_call over HTTP and the event bus, against the same method called in
  process (what the RPC process and the bus cost);
- transactions per second from eth_sendRawTransaction to receipt (absolute: mining included);
- blocks per second imported through the node's path (RocksDB, one atomic write per block, WPoC
  seal checks), against py-evm's own ``Chain.import_block`` of the same blocks on an in-memory
  database without seal checks.
"""

import http.client
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from eth.consensus.noproof import NoProofConsensus
from eth.db.atomic import AtomicDB
from eth.db.chain import ChainDB
from eth_account import Account
from eth_typing import BlockNumber

from tests.node.nodeproc import NodeProcess
from walton.db.rocks import RocksDB
from walton.node.backend import NetworkInfo, NodeBackend
from walton.node.chains import canonical_blocks
from walton.node.db import BlockWriteDB
from walton.node.rpc.methods import dispatch
from walton.vm.networks.dev import (
    DEV_CHAIN_ID,
    DEV_GENESIS_PARAMS,
    DevChain,
    build_dev_chain,
    dev_accounts,
    dev_genesis_state,
)

# A contract whose every call returns 42: PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN.
RUNTIME = bytes.fromhex("602a60005260206000f3")
INIT = bytes.fromhex("600a600c600039600a6000f3") + RUNTIME


class Client:
    """One keep-alive HTTP connection speaking JSON-RPC."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.next_id = 0

    def call(self, method: str, params: list[Any]) -> Any:
        self.next_id += 1
        body = json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        self.connection.request("POST", "/", body, {"Content-Type": "application/json"})
        answer = json.loads(self.connection.getresponse().read())
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def timed(function: Any, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        function()
    return rate(count, time.perf_counter() - started)


def send(client: Client, index: int, nonce: int, **fields: Any) -> str:
    transaction = {
        "chainId": DEV_CHAIN_ID,
        "nonce": nonce,
        "gas": 100_000,
        "maxFeePerGas": 10**11,
        "maxPriorityFeePerGas": 10**9,
        "value": 0,
        **fields,
    }
    raw = Account.sign_transaction(transaction, dev_accounts()[index].private_key).raw_transaction
    result: str = client.call("eth_sendRawTransaction", ["0x" + raw.hex()])
    return result


def wait_receipt(client: Client, tx_hash: str) -> dict[str, Any]:
    while True:
        receipt = client.call("eth_getTransactionReceipt", [tx_hash])
        if receipt is not None:
            return dict(receipt)
        time.sleep(0.05)


def in_process_backend(datadir: Path) -> tuple[NodeBackend, RocksDB]:
    """The stopped node's database, opened read-only as the chain process would serve it."""
    store = RocksDB(datadir / "chaindata", read_only=True)
    db = BlockWriteDB(store)
    chain = DevChain(db)
    info = NetworkInfo("dev", DEV_CHAIN_ID, DEV_CHAIN_ID)
    return NodeBackend.serving(chain, db, info), store


def import_rates(datadir: Path, work: Path) -> tuple[float, float, int]:
    """Blocks/s through the node's import path and through py-evm's plain in-memory import."""
    store = RocksDB(datadir / "chaindata", read_only=True)
    blocks = list(canonical_blocks(ChainDB(store), DevChain))
    store.close()

    target = RocksDB(work / "import")
    db = BlockWriteDB(target)
    chain = build_dev_chain(db)
    info = NetworkInfo("dev", DEV_CHAIN_ID, DEV_CHAIN_ID)
    backend = NodeBackend.serving(chain, db, info)
    started = time.perf_counter()
    for block in blocks:
        backend.import_block(block)
    node_rate = rate(len(blocks), time.perf_counter() - started)
    target.close()

    plain_vm = DevChain.get_vm_class_for_block_number(BlockNumber(1)).configure(consensus_class=NoProofConsensus)
    plain_chain = DevChain.configure(vm_configuration=((0, plain_vm),)).from_genesis(
        AtomicDB(), DEV_GENESIS_PARAMS, dev_genesis_state()
    )
    started = time.perf_counter()
    for block in blocks:
        plain_chain.import_block(block)
    plain_rate = rate(len(blocks), time.perf_counter() - started)
    return node_rate, plain_rate, len(blocks)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="walton-bench-"))
    node = NodeProcess(work / "datadir", "--dev.period", "0")
    try:
        node.wait_ready()
        client = Client(node.port)
        deploy = wait_receipt(client, send(client, 0, 0, data="0x" + INIT.hex(), gas=200_000))
        contract = deploy["contractAddress"]
        call = {"to": contract, "data": "0x"}
        assert int(client.call("eth_call", [call, "latest"]), 16) == 42

        http_block_number = timed(lambda: client.call("eth_blockNumber", []), 500)
        http_call = timed(lambda: client.call("eth_call", [call, "latest"]), 300)

        transactions = 120
        senders = range(1, 7)
        started = time.perf_counter()
        hashes = [send(client, index, nonce) for nonce in range(transactions // len(senders)) for index in senders]
        for tx_hash in hashes:
            wait_receipt(client, tx_hash)
        tps = rate(transactions, time.perf_counter() - started)
        blocks = int(client.call("eth_blockNumber", []), 16)
    finally:
        node.stop()

    backend, store = in_process_backend(work / "datadir")
    direct_block_number = timed(lambda: dispatch(backend, "eth_blockNumber", []), 2000)
    direct_call = timed(lambda: dispatch(backend, "eth_call", [call, "latest"]), 300)
    store.close()
    node_import, plain_import, imported = import_rates(work / "datadir", work)
    shutil.rmtree(work, ignore_errors=True)

    for name, over_http, direct in (
        ("eth_blockNumber", http_block_number, direct_block_number),
        ("eth_call", http_call, direct_call),
    ):
        print(
            f"{name + ':':16s} {over_http:8.0f} req/s HTTP ({direct:.0f}/s in process, ratio {over_http / direct:.3f})"
        )
    print(f"transactions:    {tps:8.1f} tx/s sent -> receipt ({transactions} transfers, {blocks} blocks mined)")
    print(
        f"block import:    {node_import:8.1f} blocks/s node path: RocksDB, one atomic write, WPoC seal "
        f"({plain_import:.1f}/s py-evm in memory, no seal check; "
        f"ratio {node_import / plain_import:.3f}; {imported} blocks)"
    )


if __name__ == "__main__":
    main()
