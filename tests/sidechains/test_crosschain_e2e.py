"""A parent chain and two permissioned child chains as real `walton node` processes on loopback.

The relayer anchors each child's headers on the parent and on the sibling; a stamp stored on child 1
is proven on the parent and on child 2 against the anchored header, by eth_call and in a
transaction. Swaps run parent <-> child and child <-> child: completed, refunded when a party
stalls (never claims, or cannot lock), finished by the relayer carrying the secret, and through
`walton swap` as two processes. A lying relayer (forged headers, wrong proofs, wrong secrets) is
refused with the chain's reason. Balances show nothing lost or paid twice.
"""

import hashlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rlp
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_hash.auto import keccak
from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address
from web3 import Web3
from web3.exceptions import ContractLogicError
from web3.types import TxReceipt

from tests.node.nodeproc import free_port
from tests.node.test_rpc_methods import assemble, initcode
from walton.sidechains.cluster import Cluster
from walton.sidechains.proofs import encode_proof, fetch_header, get_receipt_proof, get_storage_proof
from walton.sidechains.relayer import Relayer
from walton.sidechains.sender import ChainCallError, Sender, connect, precompile
from walton.sidechains.swap import Outcome, SwapChain, SwapError, new_secret, run_swap
from walton.vm.networks.dev import dev_accounts
from walton.vm.precompiles.crosschain_proofs import PROOFS
from walton.vm.precompiles.swaps import CLAIMED, REFUNDED, SWAPS

pytestmark = [pytest.mark.xdist_group("sidechains-e2e")]

WTC = 10**18
# The stamp registry: SSTORE(calldata[0:32] = stamp hash, calldata[32:64] = record)
REGISTRY_RUNTIME = assemble(32, "CALLDATALOAD", 0, "CALLDATALOAD", "SSTORE", "STOP")
STAMP = keccak(b"sensor 17: 21.5 C at 2026-11-22T12:00Z")
RECORD = 0xC0FFEE
SWAP_ADDRESS = to_checksum_address(SWAPS.address)


class Chains:
    """The running cluster, web3 handles and the keys each party uses on each chain."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.parent = connect(cluster.parent.rpc_url)
        self.child1 = connect(cluster.children[0].rpc_url)
        self.child2 = connect(cluster.children[1].rpc_url)
        self.ids = [node.chain_id for node in cluster.children]
        dev = [Account.from_key(account.private_key) for account in dev_accounts()]
        self.dev = dev
        # on a permissioned child only members send transactions
        self.members1 = [Account.from_key(key.to_bytes()) for key in cluster.children[0].member_keys]
        self.members2 = [Account.from_key(key.to_bytes()) for key in cluster.children[1].member_keys]
        self.relayer = Relayer(
            dev[8],  # not the parent's coinbase, whose labor credit block rewards spend
            cluster.parent.rpc_url,
            [node.rpc_url for node in cluster.children],
            child_accounts=[self.members1[0], self.members2[0]],
        )
        self.swap_balances = {name: self.swap_balance(w3) for name, w3 in self.by_name.items()}

    @property
    def by_name(self) -> dict[str, Web3]:
        return {"parent": self.parent, "child1": self.child1, "child2": self.child2}

    def swap_balance(self, w3: Web3) -> int:
        return w3.eth.get_balance(SWAP_ADDRESS)


@pytest.fixture(scope="module")
def chains(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chains]:
    datadir: Path = tmp_path_factory.mktemp("cluster")
    ports = [free_port() for _ in range(3)]
    with Cluster(datadir, children=2, template="authority", block_period=1.0, ports=ports) as cluster:
        yield Chains(cluster)
        assert not cluster.failed()


def send(w3: Web3, account: LocalAccount, to: str | None, data: bytes) -> TxReceipt:
    transaction: dict[str, Any] = {
        "from": account.address,
        "data": data,
        "nonce": w3.eth.get_transaction_count(account.address, "pending"),
        "chainId": w3.eth.chain_id,
        "gas": 300_000,
        "maxFeePerGas": 2 * w3.eth.get_block("latest")["baseFeePerGas"] + 10**9,
        "maxPriorityFeePerGas": 10**9,
    }
    if to is not None:
        transaction["to"] = to
    signed = account.sign_transaction(transaction)
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction), timeout=60)
    assert receipt["status"] == 1
    return receipt


def tips_earned(w3: Web3, address: ChecksumAddress, first: int, last: int) -> int:
    """Priority fees paid to ``address`` as the sealer of blocks ``first..last`` (members seal their own chain)."""
    earned = 0
    for number in range(first, last + 1):
        block = w3.eth.get_block(number)
        if block["miner"] == address:
            for receipt in w3.eth.get_block_receipts(number):
                earned += receipt["gasUsed"] * (receipt["effectiveGasPrice"] - block["baseFeePerGas"])
    return earned


class Balances:
    """Balances of accounts on chains, then their changes net of gas paid and tips earned as a sealer."""

    def __init__(self, entries: dict[str, tuple[Web3, ChecksumAddress]]) -> None:
        self.entries = entries
        self.before = {name: w3.eth.get_balance(address) for name, (w3, address) in entries.items()}
        self.first = {name: w3.eth.block_number + 1 for name, (w3, _) in entries.items()}

    def change(self, name: str, fees_paid: int = 0) -> int:
        w3, address = self.entries[name]
        tips = tips_earned(w3, address, self.first[name], w3.eth.block_number)
        return w3.eth.get_balance(address) - self.before[name] + fees_paid - tips


def test_child_stamp_is_proven_on_the_parent_and_the_sibling(chains: Chains) -> None:
    member = chains.members1[1]
    deployed = send(chains.child1, member, None, initcode(REGISTRY_RUNTIME))
    registry = str(deployed["contractAddress"])
    stamped = send(chains.child1, member, registry, STAMP + RECORD.to_bytes(32, "big"))
    block_hash = bytes(stamped["blockHash"])

    chains.relayer.sync(timeout=120)
    for target in (chains.relayer.parent, chains.relayer.children[1]):
        number, _ = chains.relayer.anchored_head(target, chains.relayer.children[0]) or (-1, b"")
        assert number >= int(stamped["blockNumber"])

    proof = get_storage_proof(chains.child1, registry, STAMP, block_hash)
    assert proof.value == RECORD
    arguments = (chains.ids[0], block_hash, registry, STAMP, proof.encoded_account_proof, proof.encoded_storage_proof)
    for w3, account in ((chains.parent, chains.dev[3]), (chains.child2, chains.members2[1])):
        proofs = precompile(w3, PROOFS)
        assert proofs.functions.verifyStorage(*arguments).call() == RECORD  # a user's eth_call
        receipt = Sender(w3, account).transact(proofs.functions.verifyStorage(*arguments))  # a transaction using it
        assert receipt["status"] == 1

    # the stamp transaction itself, by its receipt, on the parent
    index = int(stamped["transactionIndex"])
    receipt_proof = get_receipt_proof(chains.child1, block_hash, index)
    proofs = precompile(chains.parent, PROOFS)
    proven = proofs.functions.verifyReceipt(chains.ids[0], block_hash, index, receipt_proof.encoded_proof).call()
    assert bytes(proven) == receipt_proof.item
    assert chains.relayer.credit()["parent"] > 0  # anchoring earned labor credit


def test_a_lying_relayer_is_refused(chains: Chains) -> None:
    relayer = chains.relayer
    parent, child1 = relayer.parent, relayer.children[0]
    relayer.sync(timeout=120)
    anchored, _ = relayer.anchored_head(parent, child1) or (-1, b"")
    deadline = time.monotonic() + 30
    while chains.child1.eth.block_number < anchored + 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    # a forged header: another state root under the member's signature
    fields = rlp.decode(fetch_header(chains.child1, anchored + 1).raw)
    fields[3] = keccak(b"forged state")
    with pytest.raises(ChainCallError, match="header 0 refused: "):
        relayer.submit_headers(parent, chains.ids[0], [rlp.encode(fields)], [b""])
    # a header that does not extend the anchored head
    skipping = fetch_header(chains.child1, anchored + 2).raw
    with pytest.raises(ChainCallError, match=r"header 0 refused: .*parent"):
        relayer.submit_headers(parent, chains.ids[0], [skipping], [b""])
    assert (relayer.anchored_head(parent, child1) or (-1, b""))[0] == anchored  # nothing forged was anchored

    # wrong proofs: a tampered node, the proof of another slot, a block that was never anchored
    block_hash = bytes(chains.child1.eth.get_block(anchored)["hash"])
    registry_proof = get_storage_proof(chains.child1, to_checksum_address(PROOFS.address), 0, block_hash)
    proofs = precompile(chains.parent, PROOFS)
    account_nodes = list(registry_proof.account_proof)
    account_nodes[-1] = account_nodes[-1][:-1] + bytes([account_nodes[-1][-1] ^ 1])
    account = to_checksum_address(PROOFS.address)
    with pytest.raises(ContractLogicError, match="PROOF: invalid proof"):
        proofs.functions.verifyStorage(
            chains.ids[0], block_hash, account, b"\0" * 32, encode_proof(account_nodes), b"\xc0"
        ).call()
    with pytest.raises(ContractLogicError, match="PROOF: not anchored"):
        proofs.functions.verifyStorage(
            chains.ids[0], keccak(b"no such block"), account, b"\0" * 32, registry_proof.encoded_account_proof, b"\xc0"
        ).call()

    # a wrong secret, an early refund, a second claim: SWAP refuses each
    alice = SwapChain(Sender(chains.parent, chains.dev[5], "parent"))
    secret, hash_lock = new_secret()
    lock, _ = alice.lock(hash_lock, chains.dev[6].address, WTC, alice.now() + 30)
    with pytest.raises(SwapError, match="wrong preimage"):
        alice.claim(lock.swap_id, b"\x01" * 32)
    with pytest.raises(SwapError, match="can be refunded from"):
        alice.refund(lock.swap_id)
    alice.claim(lock.swap_id, secret)
    with pytest.raises(SwapError, match="is claimed, not locked"):
        alice.claim(lock.swap_id, secret)
    assert alice.info(lock.swap_id).state == CLAIMED


def test_swap_parent_to_child_completes(chains: Chains) -> None:
    alice, bob = chains.dev[1], chains.members1[2]
    on_parent = SwapChain(Sender(chains.parent, alice, "parent"))
    on_child = SwapChain(Sender(chains.child1, bob, "child1"))
    balances = Balances(
        {
            "alice_parent": (chains.parent, alice.address),
            "bob_parent": (chains.parent, bob.address),
            "alice_child": (chains.child1, alice.address),
            "bob_child": (chains.child1, bob.address),
        }
    )
    result = run_swap(on_parent, on_child, give=3 * WTC, get=5 * WTC, window=15, report=lambda line: None)
    assert result.outcome is Outcome.SWAPPED
    # each party has exactly what it agreed to, besides the gas it paid (and tips it earned sealing)
    assert balances.change("bob_parent") == 3 * WTC
    assert balances.change("alice_child") == 5 * WTC
    assert balances.change("alice_parent", on_parent.sender.fees_paid) == -3 * WTC
    assert balances.change("bob_child", on_child.sender.fees_paid) == -5 * WTC
    assert on_parent.info(result.lock_a.swap_id).state == CLAIMED
    with pytest.raises(SwapError, match="not locked"):  # never both: a claimed swap cannot be refunded
        on_parent.refund(result.lock_a.swap_id)


def test_swap_child_to_child_completes(chains: Chains) -> None:
    alice, bob = chains.members1[2], chains.members2[2]
    on_child1 = SwapChain(Sender(chains.child1, alice, "child1"))
    on_child2 = SwapChain(Sender(chains.child2, bob, "child2"))
    balances = Balances(
        {
            "alice_1": (chains.child1, alice.address),
            "bob_1": (chains.child1, bob.address),
            "alice_2": (chains.child2, alice.address),
            "bob_2": (chains.child2, bob.address),
        }
    )
    result = run_swap(on_child1, on_child2, give=7 * WTC, get=WTC, window=15, report=lambda line: None)
    assert result.outcome is Outcome.SWAPPED
    assert balances.change("bob_1") == 7 * WTC
    assert balances.change("alice_2") == WTC
    assert balances.change("alice_1", on_child1.sender.fees_paid) == -7 * WTC
    assert balances.change("bob_2", on_child2.sender.fees_paid) == -WTC


def test_swap_child_to_child_refunds_when_the_counterparty_never_claims(chains: Chains) -> None:
    alice, bob = chains.members1[1], chains.members2[2]
    on_child1 = SwapChain(Sender(chains.child1, alice, "child1"))
    on_child2 = SwapChain(Sender(chains.child2, bob, "child2"))
    balances = Balances({"alice": (chains.child1, alice.address), "bob": (chains.child2, bob.address)})
    result = run_swap(on_child1, on_child2, give=2 * WTC, get=WTC, window=4, alice_claims=False, report=lambda x: None)
    assert result.outcome is Outcome.REFUNDED
    assert result.lock_b is not None
    assert on_child1.info(result.lock_a.swap_id).state == REFUNDED
    assert on_child2.info(result.lock_b.swap_id).state == REFUNDED
    # everyone has back what they put in, less gas
    assert balances.change("alice", on_child1.sender.fees_paid) == 0
    assert balances.change("bob", on_child2.sender.fees_paid) == 0
    with pytest.raises(SwapError, match="is refunded, not locked"):  # refunded once, never claimed after
        on_child2.claim(result.lock_b.swap_id, b"\0" * 32)


def test_alice_is_refunded_when_bob_cannot_lock(chains: Chains) -> None:
    """Bob is no member of child 1, so the child refuses his lock: Alice gets hers back after its deadline."""
    alice, outsider = chains.dev[6], chains.dev[9]
    on_parent = SwapChain(Sender(chains.parent, alice, "parent"))
    on_child = SwapChain(Sender(chains.child1, outsider, "child1"))
    balances = Balances({"alice": (chains.parent, alice.address)})
    lines: list[str] = []
    result = run_swap(on_parent, on_child, give=WTC, get=WTC, window=3, report=lines.append)
    assert result.outcome is Outcome.REFUNDED and result.lock_b is None
    assert any("Bob did not lock" in line and "only members may transact" in line for line in lines), lines
    assert on_parent.info(result.lock_a.swap_id).state == REFUNDED
    assert balances.change("alice", on_parent.sender.fees_paid) == 0


def test_the_relayer_carries_a_secret_child_to_parent(chains: Chains) -> None:
    alice, bob_parent, bob_child = chains.dev[2], chains.dev[7], chains.members2[1]
    on_parent = SwapChain(Sender(chains.parent, alice, "parent"))
    on_child = SwapChain(Sender(chains.child2, bob_child, "child2"))
    secret, hash_lock = new_secret()
    balances = Balances({"bob": (chains.parent, bob_parent.address)})
    lock_a, _ = on_parent.lock(hash_lock, bob_parent.address, 4 * WTC, on_parent.now() + 40)
    lock_b, _ = on_child.lock(hash_lock, alice.address, WTC, on_child.now() + 20)
    on_child.claim(lock_b.swap_id, secret)  # Alice's claim reveals the secret on child 2; Bob stays offline
    assert hashlib.sha256(secret).digest() == hash_lock
    assert chains.relayer.relay_secrets() == 1
    assert on_parent.info(lock_a.swap_id).state == CLAIMED
    assert balances.change("bob") == 4 * WTC
    assert chains.relayer.relay_secrets() == 0  # nothing is claimed twice


def key_file(folder: Path, name: str, account: LocalAccount) -> str:
    path = folder / f"{name}.key"
    path.write_text(account.key.hex() + "\n")
    return str(path)


def walton(*arguments: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "walton.cli", *arguments]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_walton_swap_two_parties_and_walton_relay(chains: Chains, tmp_path: Path) -> None:
    """`walton swap` as two processes, one per party (parent <-> child 1), then `walton relay --once`."""
    alice, bob = chains.members1[1], chains.members1[2]  # members of child 1, funded on the parent here
    for account in (alice, bob):
        send_value(chains.parent, chains.dev[4], account.address, 10 * WTC)
    parent_url, child_url = chains.cluster.parent.rpc_url, chains.cluster.children[0].rpc_url
    balances = Balances({"bob_parent": (chains.parent, bob.address), "alice_child": (chains.child1, alice.address)})
    initiator = walton(
        "swap", "--from-rpc", parent_url, "--to-rpc", child_url, "--give", "1wtc", "--get", "2wtc",
        "--key", key_file(tmp_path, "alice", alice), "--counterparty", bob.address, "--window", "15",
    )  # fmt: skip
    assert initiator.stdout is not None
    hash_lock = None
    lines = []
    for line in initiator.stdout:
        lines.append(line)
        if "--hash-lock" in line:
            hash_lock = line.split("--hash-lock", 1)[1].strip()
            break
    assert hash_lock is not None, "".join(lines)
    responder = walton(
        "swap", "--from-rpc", child_url, "--to-rpc", parent_url, "--give", "2wtc", "--get", "1wtc",
        "--key", key_file(tmp_path, "bob", bob), "--counterparty", alice.address, "--hash-lock", hash_lock,
        "--window", "15",
    )  # fmt: skip
    bob_output, _ = responder.communicate(timeout=120)
    alice_output, _ = initiator.communicate(timeout=120)
    assert initiator.returncode == 0 and responder.returncode == 0, "".join(lines) + alice_output + bob_output
    assert "swapped" in alice_output and "swapped" in bob_output
    # each received what was agreed, less the gas of the one claim each sent there
    assert WTC - 10**15 < balances.change("bob_parent") < WTC
    assert 2 * WTC - 10**15 < balances.change("alice_child") < 2 * WTC

    relay = walton(
        "relay", "--once", "--parent", parent_url, "--child", child_url,
        "--child", chains.cluster.children[1].rpc_url, "--key", key_file(tmp_path, "relayer", chains.dev[8]),
        "--child-key", key_file(tmp_path, "m1", chains.members1[0]),
        "--child-key", key_file(tmp_path, "m2", chains.members2[0]),
    )  # fmt: skip
    output, _ = relay.communicate(timeout=120)
    assert relay.returncode == 0, output
    assert "headers anchored" in output


def send_value(w3: Web3, account: LocalAccount, to: str, value: int) -> None:
    transaction: dict[str, Any] = {
        "to": to,
        "value": value,
        "gas": 21_000,
        "nonce": w3.eth.get_transaction_count(account.address, "pending"),
        "chainId": w3.eth.chain_id,
        "maxFeePerGas": 2 * w3.eth.get_block("latest")["baseFeePerGas"] + 10**9,
        "maxPriorityFeePerGas": 10**9,
    }
    signed = account.sign_transaction(transaction)
    assert w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction))["status"] == 1


def test_nothing_is_left_in_the_swap_precompiles(chains: Chains) -> None:
    for name, w3 in chains.by_name.items():
        assert chains.swap_balance(w3) == chains.swap_balances[name], name
