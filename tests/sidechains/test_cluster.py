"""`walton cluster up` and ``Cluster`` with real node processes on loopback: ids, sealing, members only, clean stop."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from eth_abi import encode
from eth_account import Account
from eth_typing import Address

from tests.node.nodeproc import free_port
from walton.node.miner import load_authority_keys
from walton.sidechains.cluster import Cluster, ClusterError, rpc_call
from walton.vm.networks.dev import dev_accounts
from walton.vm.precompiles.membership import ADD, MEMBERSHIP_ADDRESS, proposal_id
from walton.vm.precompiles.membership import MEMBERSHIP as MEMBERSHIP_PRECOMPILE

MEMBERSHIP = "0x" + MEMBERSHIP_ADDRESS.hex()
MEMBERSHIP_SELECTORS = {f.name: f.selector for f in MEMBERSHIP_PRECOMPILE.functions.values()}

pytestmark = [pytest.mark.timeout(400), pytest.mark.xdist_group("cluster")]


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a node's process group: its launcher, chain and RPC processes."""
    members = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            members.append(int(stat_file.parent.name))
    return members


def no_process_left(pgids: list[int]) -> bool:
    """True once every node's process group is gone (an orphan is reaped by init a moment after its exit)."""
    deadline = time.monotonic() + 10
    while any(group_members(pgid) for pgid in pgids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def raw_rpc(url: str, method: str, params: list[Any]) -> dict[str, Any]:
    import urllib.request

    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def transfer(key: str, chain_id: int, nonce: int = 0, to: str | None = None, data: bytes = b"") -> str:
    account = Account.from_key(key)
    signed = account.sign_transaction(
        {
            "to": to or account.address,
            "value": 0 if data else 1,
            "data": data,
            "gas": 600_000 if data else 21_000,
            "maxFeePerGas": 10**10,
            "maxPriorityFeePerGas": 10**9,
            "nonce": nonce,
            "chainId": chain_id,
        }
    )
    return "0x" + signed.raw_transaction.hex()


def sealed(url: str, raw: str) -> dict[str, Any]:
    """Send a raw transaction and wait for its receipt."""
    tx_hash = rpc_call(url, "eth_sendRawTransaction", [raw])
    receipt: dict[str, Any] = wait_for(lambda: rpc_call(url, "eth_getTransactionReceipt", [tx_hash]), what="receipt")
    return receipt


def wait_for(condition: Any, timeout: float = 60.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_cluster_up_runs_parent_and_two_authority_children(tmp_path: Path) -> None:
    base = free_port()
    command = [sys.executable, "-m", "walton.cli", "cluster", "up", "--children", "2", "--datadir", str(tmp_path)]
    command += ["--base-port", str(base), "--period", "1"]
    cluster = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    nodes: list[dict[str, Any]] = []
    try:
        assert cluster.stdout is not None
        for line in cluster.stdout:
            entry = json.loads(line)
            if entry.get("status") == "running":
                break
            nodes.append(entry)
        assert [node["name"] for node in nodes] == ["parent", "child-1", "child-2"]
        # Every chain answers with its own chain id.
        chain_ids = [int(rpc_call(node["rpc"], "eth_chainId"), 16) for node in nodes]
        assert chain_ids == [node["chainId"] for node in nodes] and len(set(chain_ids)) == 3
        child = nodes[1]
        # The authority child seals blocks, each by its in-turn member, with difficulty 1.
        wait_for(lambda: int(rpc_call(child["rpc"], "eth_blockNumber"), 16) >= 3, what="child blocks")
        members = child["members"]
        for number in (1, 2, 3):
            block = rpc_call(child["rpc"], "eth_getBlockByNumber", [hex(number), False])
            assert int(block["difficulty"], 16) == 1
            assert block["miner"].lower() == members[number % len(members)]
        # A prefunded dev account is not a member: its transaction is refused with a clear error.
        refused = raw_rpc(child["rpc"], "eth_sendRawTransaction", [transfer(dev_accounts()[0].private_key, 7001)])
        assert "not a member of this permissioned chain" in refused["error"]["message"]
        # Calls stay open to anyone: they change nothing.
        is_member = MEMBERSHIP_SELECTORS["isMember"] + encode(["address"], [dev_accounts()[0].address])
        call = {"from": dev_accounts()[0].address, "to": MEMBERSHIP, "data": "0x" + is_member.hex()}
        assert int(rpc_call(child["rpc"], "eth_call", [call, "latest"]), 16) == 0
        assert int(rpc_call(child["rpc"], "eth_estimateGas", [call]), 16) > 21_000
        # A member's transaction is sealed.
        keys = ["0x" + key.to_bytes().hex() for key in load_authority_keys(Path(child["config"]).with_suffix(".keys"))]
        assert sealed(child["rpc"], transfer(keys[0], 7001))["status"] == "0x1"
        # Two of three members vote the dev account in; the next header announces the four members.
        # Its key goes into the node's key file first: the node re-reads it, and seals the newcomer's turns.
        newcomer = dev_accounts()[0].address
        with Path(child["config"]).with_suffix(".keys").open("a") as key_file:
            key_file.write(dev_accounts()[0].private_key + "\n")
        propose = MEMBERSHIP_SELECTORS["propose"] + encode(["bool", "address"], [True, newcomer])
        assert sealed(child["rpc"], transfer(keys[0], 7001, 1, MEMBERSHIP, propose))["status"] == "0x1"
        proposal = proposal_id(0, ADD, Address(bytes.fromhex(newcomer[2:])))
        vote = MEMBERSHIP_SELECTORS["vote"] + encode(["bytes32"], [proposal])
        voted = sealed(child["rpc"], transfer(keys[1], 7001, 0, MEMBERSHIP, vote))
        assert voted["status"] == "0x1" and len(voted["logs"]) == 2  # Voted, MembershipChanged
        announcing = int(voted["blockNumber"], 16) + 1
        wait_for(lambda: int(rpc_call(child["rpc"], "eth_blockNumber"), 16) >= announcing, what="the next block")
        extra = bytes.fromhex(rpc_call(child["rpc"], "eth_getBlockByNumber", [hex(announcing), False])["extraData"][2:])
        assert extra[:-65] == b"".join(bytes.fromhex(m[2:]) for m in [*members, newcomer.lower()])
        assert sealed(child["rpc"], transfer(dev_accounts()[0].private_key, 7001))["status"] == "0x1"
        # Turns follow the four members, the newcomer's sealed with the key added to the file.
        wait_for(lambda: int(rpc_call(child["rpc"], "eth_blockNumber"), 16) >= announcing + 4, what="four turns")
        signers = {
            rpc_call(child["rpc"], "eth_getBlockByNumber", [hex(number), False])["miner"]
            for number in range(announcing + 1, announcing + 5)
        }
        assert signers == {*members, newcomer.lower()}
        # The sibling child runs its own chain: its genesis differs.
        genesis = [rpc_call(node["rpc"], "eth_getBlockByNumber", ["0x0", False])["hash"] for node in nodes]
        assert len(set(genesis)) == 3
    finally:
        cluster.send_signal(signal.SIGTERM)
        output, _ = cluster.communicate(timeout=120)
    stopped = json.loads(output.strip().splitlines()[-1])
    assert stopped == {"status": "stopped", "exit": {"parent": 0, "child-1": 0, "child-2": 0}}
    assert cluster.returncode == 0
    assert no_process_left([node["pid"] for node in nodes])


def test_cluster_api_with_a_wpoc_child(tmp_path: Path) -> None:
    with Cluster(tmp_path, children=1, template="wpoc", ports=[free_port(), free_port()], block_period=1) as cluster:
        child = cluster.children[0]
        assert child.template == "wpoc" and child.member_keys == ()
        assert int(rpc_call(child.rpc_url, "eth_chainId"), 16) == 7001
        wait_for(lambda: int(rpc_call(child.rpc_url, "eth_blockNumber"), 16) >= 1, what="a mined WPoC block")
        block = rpc_call(child.rpc_url, "eth_getBlockByNumber", ["0x1", False])
        assert int(block["difficulty"], 16) >= 512  # an X11 proof of work, not an authority seal
        assert block["miner"] == dev_accounts()[0].address.lower()
        pids = [node.process.pid for node in cluster.nodes if node.process is not None]
    assert no_process_left(pids)
    # The directory's child is a WPoC chain: starting it as another template is refused before any process starts.
    with pytest.raises(ClusterError, match=r"child-1\.toml is a wpoc child; use --template wpoc"):
        Cluster(tmp_path, children=1, template="authority", ports=[free_port(), free_port()]).start()
