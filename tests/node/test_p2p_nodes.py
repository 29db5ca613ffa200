"""Several real `walton node --dev` processes on loopback: full sync, propagation, relayed transactions,
hostile peers, and a node killed in the middle of its sync.

Node A mines only when transactions arrive (``--dev.period 0``), so the head stands still between
transactions and all nodes can be compared at ``latest``. B and C run ``--dev --nomine``.
"""

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

from tests.node.nodeproc import NodeProcess, rpc
from walton.vm.networks.dev import DEV_CHAIN_ID, dev_accounts

pytestmark = [pytest.mark.timeout(600), pytest.mark.xdist_group("p2p-nodes")]

RECIPIENT = "0x" + "42" * 20
WAIT = 180.0  # generous: a loaded 2-core machine


def call(node: NodeProcess, method: str, *params: Any) -> Any:
    response = rpc(node.url, method, list(params))
    assert "error" not in response, (method, response)
    return response["result"]


def wait_for(condition: Callable[[], bool], what: str, nodes: tuple[NodeProcess, ...], timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    logs = "\n\n".join(f"--- {node.datadir.name}\n{node.output()[-6000:]}" for node in nodes)
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


def head(node: NodeProcess) -> dict[str, Any]:
    block: dict[str, Any] = call(node, "eth_getBlockByNumber", "latest", False)
    return block


def send_raw(node: NodeProcess, nonce: int, value: int = 1) -> str:
    account = dev_accounts()[2]
    transaction = {
        "nonce": nonce,
        "gas": 21000,
        "to": RECIPIENT,
        "value": value,
        "chainId": DEV_CHAIN_ID,
        "maxFeePerGas": 10**10,
        "maxPriorityFeePerGas": 10**9,
    }
    raw = Account.sign_transaction(transaction, account.private_key).raw_transaction
    tx_hash: str = call(node, "eth_sendRawTransaction", "0x" + bytes(raw).hex())
    return tx_hash


def mined(node: NodeProcess, tx_hash: str) -> bool:
    return call(node, "eth_getTransactionReceipt", tx_hash) is not None


def enode_of(node: NodeProcess) -> str:
    info: dict[str, Any] = call(node, "admin_nodeInfo")
    return str(info["enode"])


@pytest.fixture(scope="module")
def miner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    """Node A with three blocks, each holding one transaction."""
    node = NodeProcess(tmp_path_factory.mktemp("p2p") / "a", "--dev.period", "0")
    node.wait_ready()
    for nonce in range(3):
        tx_hash = send_raw(node, nonce)
        wait_for(lambda tx_hash=tx_hash: mined(node, tx_hash), f"transaction {nonce} mined on A", (node,))
    yield node
    assert node.stop() == 0, node.output()


def test_node_info_reports_the_enode_and_ports(miner: NodeProcess) -> None:
    info = call(miner, "admin_nodeInfo")
    port = info["ports"]["listener"]
    assert port > 0 and info["ports"]["discovery"] == 0  # --nodiscover
    assert info["enode"] == f"enode://{info['id']}@127.0.0.1:{port}"
    assert info["enode"] in miner.output()  # logged at start
    assert info["protocols"]["eth"]["network"] == DEV_CHAIN_ID
    assert info["protocols"]["eth"]["genesis"] == call(miner, "eth_getBlockByNumber", "0x0", False)["hash"]
    bad = rpc(miner.url, "admin_addPeer", ["enode://1234@127.0.0.1:1"])
    assert bad["error"]["code"] == -32602


def test_two_nodes_sync_follow_and_relay_a_transaction(miner: NodeProcess, tmp_path: Path) -> None:
    a = miner
    b = NodeProcess(tmp_path / "b", "--nomine", "--staticnodes", enode_of(a))
    c = NodeProcess(tmp_path / "c", "--nomine")
    nodes = (a, b, c)
    try:
        b.wait_ready()
        c.wait_ready()
        assert call(c, "admin_addPeer", enode_of(b)) is True  # C reaches A only through B
        target = head(a)
        wait_for(lambda: all(head(n)["hash"] == target["hash"] for n in (b, c)), "B and C synced to A", nodes)
        assert [int(call(n, "net_peerCount"), 16) for n in nodes] == [1, 2, 1]
        peers_of_b = call(b, "admin_peers")
        assert {peer["network"]["inbound"] for peer in peers_of_b} == {True, False}
        assert all(peer["protocols"]["eth"]["version"] == 63 for peer in peers_of_b)

        # A transaction sent to C travels C -> B -> A, is mined on A, and the block comes back.
        tx_hash = send_raw(c, int(call(a, "eth_getTransactionCount", dev_accounts()[2].address, "latest"), 16))
        wait_for(lambda: mined(a, tx_hash), "C's transaction mined on A", nodes)
        final = head(a)
        wait_for(lambda: all(head(n)["hash"] == final["hash"] for n in (b, c)), "B and C follow A's new block", nodes)
        assert {head(n)["stateRoot"] for n in nodes} == {final["stateRoot"]}
        assert len({call(n, "eth_getBalance", RECIPIENT, "latest") for n in nodes}) == 1
        assert mined(c, tx_hash) and mined(b, tx_hash)
    finally:
        statuses = [node.stop() for node in (b, c)]
    assert statuses == [0, 0], b.output() + c.output()
