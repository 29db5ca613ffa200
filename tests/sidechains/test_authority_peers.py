"""A permissioned child chain whose three members run three separate `walton node` processes.

Each node holds one member's key (``--authority-key``) and seals only that member's turns; the
others' blocks arrive over devp2p (NewBlock / NewBlockHashes, or a sync). The nodes are connected
with ``admin_addPeer`` on free ports without discovery; a fourth node with no key follows the chain.
"""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import rlp
import trio
from eth.db.atomic import AtomicDB
from eth.vm.forks.prague.blocks import PragueBlockHeader
from eth_account import Account
from eth_keys.datatypes import PrivateKey

from tests.node.nodeproc import NodeProcess, call, rpc, wait_for
from tests.node.p2p.hostile import Hostile, copy_chain, misbehave_until_dropped
from walton.consensus.authority import header_signer
from walton.node.db import BlockWriteDB
from walton.node.p2p.eth import (
    NEW_BLOCK,
    BlockCodec,
)
from walton.sidechains.templates import ChildTemplate, generate_keys, key_address, render_config, write_key_file
from walton.vm.forks.authority.mining import seal_authority_block
from walton.vm.forks.iot.mining import FixedCandidates, build_block
from walton.vm.networks.child import load_child_network

pytestmark = [pytest.mark.timeout(400), pytest.mark.xdist_group("authority-peers")]

CHAIN_ID = 7301
WAIT = 120.0  # generous: a loaded 2-core machine
BLOCKS = 6  # two full rounds of the three members


def number(node: NodeProcess) -> int:
    return int(call(node, "eth_blockNumber"), 16)


def transfer(key: PrivateKey, nonce: int) -> str:
    signed = Account.sign_transaction(
        {
            "to": "0x" + "42" * 20,
            "value": 1,
            "gas": 21_000,
            "maxFeePerGas": 10**10,
            "maxPriorityFeePerGas": 10**9,
            "nonce": nonce,
            "chainId": CHAIN_ID,
        },
        key.to_bytes(),
    )
    return "0x" + bytes(signed.raw_transaction).hex()


def signer_of(node: NodeProcess, block: int) -> bytes:
    raw = bytes.fromhex(call(node, "debug_getRawHeader", hex(block))[2:])
    return bytes(header_signer(rlp.decode(raw, sedes=PragueBlockHeader)))


def send_out_of_turn_block(node: NodeProcess, config: Path, key: PrivateKey) -> str:
    """Join ``node`` as a peer, copy its chain, and send it the next block sealed by ``key`` (not in turn).

    Returns our peer id prefix, for the ban line in the node's log."""
    chain = load_child_network(config).open_chain(BlockWriteDB(AtomicDB()))
    codec = BlockCodec(chain)
    hostile = Hostile(node)

    async def session() -> None:
        peer = await hostile.join()

        async def send_out_of_turn() -> None:
            await copy_chain(peer, chain, codec)
            head = chain.get_canonical_head()
            built = build_block(chain, FixedCandidates([]), key_address(key), head.timestamp + 1)
            forged = seal_authority_block(built.block, key, None)
            await peer.send(NEW_BLOCK, codec.encode_new_block(forged, head.block_number + 10))

        await misbehave_until_dropped(peer, send_out_of_turn)

    trio.run(session)
    return hostile.short_id


def member_node(tmp_path: Path, index: int, config: Path, *p2p: str) -> NodeProcess:
    """Member ``index``'s node: its own data directory and only its own key."""
    key_file = tmp_path / f"member-{index}.keys"
    args = ("--authority-key", str(key_file), "--dev.period", "1")
    return NodeProcess(tmp_path / f"member-{index}", *args, *p2p, network=("--network", str(config)))


@pytest.fixture
def members(tmp_path: Path) -> Iterator[tuple[list[PrivateKey], list[NodeProcess]]]:
    """Three member nodes of one authority chain, each with one member's key, all connected, and an
    observer's node with no key (the fourth)."""
    keys = list(generate_keys(3))
    addresses = tuple(key_address(key) for key in keys)
    config = tmp_path / "child.toml"
    alloc = {address: 10**24 for address in addresses}
    config.write_text(render_config(ChildTemplate("peers", CHAIN_ID, "authority", addresses, alloc=alloc)))
    for index, key in enumerate(keys):
        write_key_file(tmp_path / f"member-{index}.keys", [key])
    nodes = [member_node(tmp_path, index, config) for index in range(3)]
    nodes.append(NodeProcess(tmp_path / "observer", network=("--network", str(config))))
    try:
        for node in nodes:
            node.wait_ready()
        enodes = [call(node, "admin_nodeInfo")["enode"] for node in nodes]
        assert call(nodes[1], "admin_addPeer", enodes[0]) is True
        assert call(nodes[2], "admin_addPeer", enodes[0]) is True
        assert call(nodes[2], "admin_addPeer", enodes[1]) is True
        assert call(nodes[3], "admin_addPeer", enodes[0]) is True
        assert call(nodes[3], "admin_addPeer", enodes[1]) is True
        yield keys, nodes
    finally:
        statuses = [node.stop() for node in nodes]
    assert statuses == [0, 0, 0, 0], "\n".join(node.output()[-4000:] for node in nodes)


def test_members_on_separate_nodes_seal_in_turn_and_agree(
    members: tuple[list[PrivateKey], list[NodeProcess]], tmp_path: Path
) -> None:
    keys, nodes = members
    everyone = tuple(nodes)
    addresses = [key_address(key) for key in keys]
    wait_for(
        lambda: all(number(node) >= BLOCKS for node in nodes), f"{BLOCKS} blocks on every node", everyone, timeout=WAIT
    )

    # Each block is signed by its in-turn member, so every node sealed its member's turns.
    for block in range(1, BLOCKS + 1):
        assert signer_of(nodes[0], block) == addresses[block % 3]
        assert call(nodes[1], "eth_getBlockByNumber", hex(block), False)["miner"] == "0x" + addresses[block % 3].hex()
    for index, node in enumerate(nodes[:3]):
        assert f"signer=0x{addresses[index].hex()}" in node.output(), "a member's node sealed its turns"

    assert "Sealed block" not in nodes[3].output()  # the observer follows, it does not seal

    # All four agree on the chain: same hash and state root at a common height.
    common = min(number(node) for node in nodes)
    blocks = [call(node, "eth_getBlockByNumber", hex(common), False) for node in nodes]
    assert len({(block["hash"], block["stateRoot"]) for block in blocks}) == 1

    # Members' transactions sent to one node (a member's, or the observer's) are relayed, mined by whichever
    # member is in turn, and seen by all.
    tx_hashes = [
        call(nodes[0], "eth_sendRawTransaction", transfer(keys[2], 0)),
        call(nodes[3], "eth_sendRawTransaction", transfer(keys[1], 0)),
    ]

    def mined_everywhere() -> bool:
        return all(call(node, "eth_getTransactionReceipt", h) is not None for node in nodes for h in tx_hashes)

    wait_for(mined_everywhere, "the members' transactions mined on every node", everyone, timeout=WAIT)
    for tx_hash in tx_hashes:
        receipts = [call(node, "eth_getTransactionReceipt", tx_hash) for node in nodes]
        assert {(r["blockHash"], r["status"]) for r in receipts} == {(receipts[0]["blockHash"], "0x1")}

    # A non-member's transaction is refused by every node.
    outsider = generate_keys(1)[0]
    for node in nodes:
        refused = rpc(node.url, "eth_sendRawTransaction", [transfer(outsider, 0)])
        assert "not a member of this permissioned chain" in refused["error"]["message"]

    # Later blocks still agree on hash and state root.
    target = max(number(node) for node in nodes) + 3
    wait_for(
        lambda: all(number(node) >= target for node in nodes), f"block {target} on every node", everyone, timeout=WAIT
    )
    blocks = [call(node, "eth_getBlockByNumber", hex(target), False) for node in nodes]
    assert len({(block["hash"], block["stateRoot"]) for block in blocks}) == 1

    # Member 2's node stops: the chain halts at member 2's next turn (no out-of-turn sealing) ...
    assert nodes[2].stop() == 0

    def halted_before_member_2() -> bool:
        heads = {number(node) for node in nodes[:2]}
        return len(heads) == 1 and (heads.pop() + 1) % 3 == 2

    wait_for(halted_before_member_2, "the chain halted before member 2's turn", everyone, timeout=WAIT)
    halted = number(nodes[0])
    # A member may not seal another's turn: its block, sent by a peer, is refused and the peer banned.
    peer_id = send_out_of_turn_block(nodes[0], tmp_path / "child.toml", keys[0])
    wait_for(
        lambda: f"Banned peer {peer_id}" in nodes[0].output(),
        "the out-of-turn block's peer banned",
        everyone,
        timeout=WAIT,
    )
    banned = next(line for line in nodes[0].output().splitlines() if f"Banned peer {peer_id}" in line)
    assert f"but it is 0x{addresses[2].hex()}'s turn" in banned, banned
    time.sleep(2)
    assert [number(node) for node in nodes[:2]] == [halted, halted]
    # ... and goes on when it is back: restarted on its data directory, it catches up and seals its turn.
    enodes = [call(node, "admin_nodeInfo")["enode"] for node in nodes[:2]]
    nodes[2] = member_node(tmp_path, 2, tmp_path / "child.toml", "--staticnodes", ",".join(enodes))
    everyone = tuple(nodes)
    nodes[2].wait_ready()
    target = halted + 3
    wait_for(
        lambda: all(number(node) >= target for node in nodes),
        f"block {target} after the restart",
        everyone,
        timeout=WAIT,
    )
    assert signer_of(nodes[1], halted + 1) == addresses[2]
    blocks = [call(node, "eth_getBlockByNumber", hex(target), False) for node in nodes]
    assert len({(block["hash"], block["stateRoot"]) for block in blocks}) == 1
