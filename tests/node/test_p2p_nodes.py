"""Several real `walton node --dev` processes on loopback: full sync, propagation, relayed transactions,
hostile peers, and a node killed in the middle of its sync.

Node A mines only when transactions arrive (``--dev.period 0``), so the head stands still between
transactions and all nodes can be compared at ``latest``. B and C run ``--dev --nomine``.
"""

import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rlp
import trio
from eth.db.atomic import AtomicDB
from eth_account import Account
from eth_typing import Hash32
from eth_utils import to_canonical_address

from tests.node.devchain import sealed_block
from tests.node.nodeproc import WAIT_TIMEOUT, NodeProcess, call, enode_of, import_gwtc_dev_phases, rpc, wait_for
from tests.node.p2p.hostile import Hostile, copy_chain, misbehave_until_dropped, wait_disconnected
from walton.node.db import BlockWriteDB
from walton.node.p2p import base, rlpx
from walton.node.p2p.eth import (
    BLOCK_HEADERS,
    NEW_BLOCK,
    BlockCodec,
)
from walton.node.p2p.peer import HandshakeFailed
from walton.vm.networks.dev import DEV_CHAIN_ID, build_dev_chain, dev_accounts
from walton.vm.validation import decode_transaction

pytestmark = [pytest.mark.timeout(600), pytest.mark.xdist_group("p2p-nodes")]

RECIPIENT = "0x" + "42" * 20
KILL_CHAIN_LENGTH = 20  # blocks B syncs when it is killed (about 2 s of import)


def head(node: NodeProcess) -> dict[str, Any]:
    block: dict[str, Any] = call(node, "eth_getBlockByNumber", "latest", False)
    return block


def signed_raw(account_index: int, nonce: int, value: int = 1) -> str:
    account = dev_accounts()[account_index]
    transaction = {
        "nonce": nonce,
        "gas": 21000,
        "to": RECIPIENT,
        "value": value,
        "chainId": DEV_CHAIN_ID,
        "maxFeePerGas": 10**10,
        "maxPriorityFeePerGas": 10**9,
    }
    return "0x" + bytes(Account.sign_transaction(transaction, account.private_key).raw_transaction).hex()


def send_raw(node: NodeProcess, nonce: int) -> str:
    tx_hash: str = call(node, "eth_sendRawTransaction", signed_raw(2, nonce))
    return tx_hash


def mined(node: NodeProcess, tx_hash: str) -> bool:
    return call(node, "eth_getTransactionReceipt", tx_hash) is not None


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
        wait_for(
            lambda: all(head(n)["hash"] == final["hash"] for n in (b, c)),
            "B and C follow A's new block",
            nodes,
        )
        assert {head(n)["stateRoot"] for n in nodes} == {final["stateRoot"]}
        assert len({call(n, "eth_getBalance", RECIPIENT, "latest") for n in nodes}) == 1
        assert mined(c, tx_hash) and mined(b, tx_hash)
    finally:
        statuses = [node.stop() for node in (b, c)]
    assert statuses == [0, 0], b.output() + c.output()


# -- hostile peers: written on the wire API, they break the rules and must be dropped and banned -------


def wait_for_log(node: NodeProcess, text: str) -> str:
    wait_for(lambda: text in node.output(), f"log line {text!r}", (node,), timeout=60)
    return next(line for line in node.output().splitlines() if text in line)


def test_wrong_genesis_is_refused_and_banned(miner: NodeProcess) -> None:
    hostile = Hostile(miner)

    async def session() -> None:
        with pytest.raises(HandshakeFailed, match="genesis"):  # our side notices too, after the node said its Status
            await hostile.join(genesis=Hash32(b"\x01" * 32))

    trio.run(session)
    line = wait_for_log(miner, f"Dropped peer {hostile.short_id}")
    assert "genesis" in line


def test_garbage_gets_a_peer_banned(miner: NodeProcess) -> None:
    hostile = Hostile(miner)

    async def session() -> None:
        junk = await trio.open_tcp_stream(hostile.target.host, hostile.target.tcp_port)  # not even RLPx
        await junk.send_all(secrets.token_bytes(400))
        await junk.aclose()
        peer = await hostile.join()  # the listener carries on
        await peer.send(NEW_BLOCK, b"\xff\x00 this is not rlp")
        await wait_disconnected(peer)
        with pytest.raises((rlpx.RLPxError, base.PeerDisconnected)):  # banned: refused at once
            await hostile.join()

    trio.run(session)
    assert "NewBlock: undecodable RLP" in wait_for_log(miner, f"Banned peer {hostile.short_id}")
    wait_for(lambda: int(call(miner, "net_peerCount"), 16) == 0, "the hostile peer gone", (miner,))


def test_unrequested_response_gets_a_peer_banned(miner: NodeProcess) -> None:
    hostile = Hostile(miner)

    async def session() -> None:
        peer = await hostile.join()
        await peer.send(BLOCK_HEADERS, rlp.encode([]))
        await wait_disconnected(peer)

    trio.run(session)
    assert "unrequested BlockHeaders" in wait_for_log(miner, f"Banned peer {hostile.short_id}")


def test_an_invalid_block_gets_a_peer_banned(miner: NodeProcess) -> None:
    """A correctly sealed block on the node's head whose body is not the header's: import fails, peer banned."""
    hostile = Hostile(miner)
    chain = build_dev_chain(BlockWriteDB(AtomicDB()))
    codec = BlockCodec(chain)

    async def session() -> None:
        peer = await hostile.join()

        async def send_forged_block() -> None:
            await copy_chain(peer, chain, codec)
            sealed = sealed_block(chain, to_canonical_address(dev_accounts()[5].address))
            vm_class = chain.get_vm_class_for_block_number(sealed.number)
            stray = decode_transaction(vm_class, bytes.fromhex(signed_raw(5, 0)[2:]))
            forged = sealed.copy(transactions=[stray])  # same sealed header, a body that is not its own
            await peer.send(NEW_BLOCK, codec.encode_new_block(forged, 10**9))

        await misbehave_until_dropped(peer, send_forged_block)

    trio.run(session)
    assert "invalid block" in wait_for_log(miner, f"Banned peer {hostile.short_id}")


def test_a_node_killed_in_its_sync_restarts_consistent_and_completes(tmp_path: Path) -> None:
    """B is SIGKILLed while it syncs A's chain; A and C carry on, and B, restarted, finishes the sync."""
    a = NodeProcess(tmp_path / "a", "--dev.period", "0.05")
    nodes: tuple[NodeProcess, ...] = (a,)
    b = c = None
    try:
        a.wait_ready()
        wait_for(lambda: int(call(a, "eth_blockNumber"), 16) >= KILL_CHAIN_LENGTH, "A's chain", nodes)
        b = NodeProcess(tmp_path / "b", "--nomine", "--staticnodes", enode_of(a))
        c = NodeProcess(tmp_path / "c", "--nomine", "--staticnodes", enode_of(a))
        nodes = (a, b, c)
        deadline = time.monotonic() + WAIT_TIMEOUT
        while "Syncing with peer" not in b.output():  # the chain process syncs before JSON-RPC is up
            assert time.monotonic() < deadline and b.process.poll() is None, b.output()
            time.sleep(0.05)
        b.kill()
        c.wait_ready()
        b = NodeProcess(tmp_path / "b", "--nomine", "--staticnodes", enode_of(a))
        nodes = (a, b, c)
        b.wait_ready()
        reopened = re.search(r"Reopened chain network=dev chainid=\d+ head=(\d+)", b.output())
        assert reopened is not None, b.output()
        assert int(reopened[1]) < KILL_CHAIN_LENGTH, "B finished its sync before it was killed"

        def agree() -> bool:
            number = int(call(a, "eth_blockNumber"), 16) - 2  # A keeps mining: compare just below its head
            blocks = [call(node, "eth_getBlockByNumber", hex(number), False) for node in nodes]
            return (
                all(block is not None and block["stateRoot"] == blocks[0]["stateRoot"] for block in blocks)
                and len({block["hash"] for block in blocks}) == 1
            )

        wait_for(agree, "B (restarted) and C synced to A", nodes)
    finally:
        statuses = [node.stop() for node in nodes]
    assert statuses == [0] * len(nodes), "\n".join(node.output() for node in nodes)


def test_a_node_finds_its_peer_through_a_discovery_bootnode(miner: NodeProcess, tmp_path: Path) -> None:
    """A discovering node (its own bootnode) and a node that only knows it as --bootnodes: they meet and sync."""
    a = NodeProcess(tmp_path / "a", "--nomine", p2p=("--port", "0"))
    nodes: tuple[NodeProcess, ...] = (a,)
    try:
        a.wait_ready()
        assert call(a, "admin_nodeInfo")["ports"]["discovery"] > 0
        b = NodeProcess(tmp_path / "b", "--nomine", p2p=("--port", "0", "--bootnodes", enode_of(a)))
        nodes = (a, b)
        b.wait_ready()
        wait_for(lambda: int(call(b, "net_peerCount"), 16) == 1, "B connected to A found by discovery", nodes)
        assert call(b, "admin_peers")[0]["id"] == call(a, "admin_nodeInfo")["id"]
        # Now A meets the miner too, and B gets the miner's chain through A.
        assert call(a, "admin_addPeer", enode_of(miner)) is True
        target = head(miner)["hash"]
        wait_for(lambda: head(b)["hash"] == target, "B synced the miner's chain through A", (*nodes, miner))
    finally:
        statuses = [node.stop() for node in nodes]
    assert statuses == [0] * len(nodes), "\n".join(node.output() for node in nodes)


def test_a_gwtc_network_node_syncs_gwtc_blocks_from_another(tmp_path: Path) -> None:
    """Two `walton node --network genesis.json` processes: A serves Gwtc's own dev-phases chain (imported with
    `walton import`), B syncs it over eth/63 with the 17-field header and agrees on head, balances and coin age."""
    summary, heights, genesis = import_gwtc_dev_phases(tmp_path / "a")
    a = NodeProcess(tmp_path / "a", *heights, network=("--network", genesis))
    nodes: tuple[NodeProcess, ...] = (a,)
    try:
        a.wait_ready()
        assert call(a, "admin_nodeInfo")["protocols"]["eth"]["network"] == summary["chainId"]
        b = NodeProcess(tmp_path / "b", *heights, "--staticnodes", enode_of(a), network=("--network", genesis))
        nodes = (a, b)
        b.wait_ready()
        wait_for(lambda: head(b)["hash"] == summary["head"]["hash"], "B synced the Gwtc chain", nodes)
        for address, account in summary["accountsAtHead"].items():
            assert call(b, "eth_getBalance", address, "latest") == hex(int(account["balance"], 16))
            assert call(b, "walton_getCoinAge", address, "latest")["coinAge"] == account["coinAge"]
    finally:
        statuses = [node.stop() for node in nodes]
    assert statuses == [0] * len(nodes), "\n".join(node.output() for node in nodes)
