"""Cross-chain figures on a local cluster (a parent and two child chains, real `walton node` processes).

* anchors per second: child headers the relayer fetches, submits and gets included on the parent
  (ANCHOR checks each header's parent link and seal), end to end over JSON-RPC; the baseline,
  measured in the same run, is plain value transfers sent to the parent and waited for, one at a
  time like the relayer's submissions;
* proof verification: the gas PROOF's ``verifyStorage`` charges for a real child storage proof
  (its base, per-word and anchor-read charges; and a whole transaction's ``eth_estimateGas``)
  against the 3,000 of an ecrecover call, and the time of the verifier itself
  (``walton.vm.precompiles.trie_proofs``, in process) against an ecrecover (coincurve, as py-evm's
  ECRECOVER precompile) on the same machine;
* swap latency: a whole swap parent <-> child (two locks, two claims, each checked) from start to
  end, against the latency of one transfer on the same chains.

``python -m benchmarks.sidechains [--template authority|wpoc] [--headers N] [--swaps N]``
"""

import argparse
import socket
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_hash.auto import keccak
from eth_keys import keys
from eth_utils import to_checksum_address
from web3 import Web3

from walton.sidechains.cluster import Cluster
from walton.sidechains.proofs import get_storage_proof
from walton.sidechains.relayer import Relayer
from walton.sidechains.sender import Sender, connect, precompile
from walton.sidechains.swap import SwapChain, run_swap
from walton.vm.networks.dev import dev_accounts
from walton.vm.precompiles.abi import storage_slot
from walton.vm.precompiles.crosschain_proofs import ANCHOR_READ_GAS, PROOFS
from walton.vm.precompiles.swaps import SWAPS
from walton.vm.precompiles.trie_proofs import prove_account, prove_storage

WTC = 10**18
ECRECOVER_GAS = 3_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def transfer_latency(w3: Web3, account: LocalAccount, count: int) -> float:
    """Median seconds from sending a plain transfer to its receipt."""
    times = []
    for _ in range(count):
        transaction: dict[str, Any] = {
            "to": account.address,
            "value": 1,
            "gas": 21_000,
            "nonce": w3.eth.get_transaction_count(account.address, "pending"),
            "chainId": w3.eth.chain_id,
            "maxFeePerGas": 2 * w3.eth.get_block("latest")["baseFeePerGas"] + 10**9,
            "maxPriorityFeePerGas": 10**9,
        }
        started = time.perf_counter()
        signed = account.sign_transaction(transaction)
        w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction), poll_latency=0.05)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def anchors_per_second(relayer: Relayer, headers: int) -> tuple[float, int]:
    """Headers of child 1 anchored on the parent per second, once the child has ``headers`` unanchored."""
    child, parent = relayer.children[0], relayer.parent
    if relayer.anchored_head(parent, child) is None:
        relayer.register(parent, child)
    anchored, _ = relayer.anchored_head(parent, child) or (0, b"")
    while child.w3.eth.block_number < anchored + headers:
        time.sleep(0.2)
    started = time.perf_counter()
    done = 0
    while done < headers:
        done += relayer.relay_headers(child, parent)
    return done / (time.perf_counter() - started), done


def proof_cost(relayer: Relayer, member: LocalAccount, rounds: int) -> dict[str, float]:
    """Gas and time of verifying a child storage proof (a SWAP nonce of ``member`` on child 1), and of an ecrecover."""
    child1 = relayer.children[0]
    swaps = SwapChain(Sender(child1.w3, member, "child1"))
    swaps.lock(keccak(b"benchmark"), member.address, 1, swaps.now() + 3600)
    block = child1.w3.eth.get_block("latest")
    relayer.sync(timeout=300)
    account = to_checksum_address(SWAPS.address)
    slot = storage_slot("swap.nonce", bytes.fromhex(member.address[2:]))
    proof = get_storage_proof(child1.w3, account, slot, bytes(block["hash"]))
    arguments = [child1.chain_id, bytes(block["hash"]), account, slot]
    arguments += [proof.encoded_account_proof, proof.encoded_storage_proof]
    contract = precompile(relayer.parent.w3, PROOFS)
    function = contract.functions.verifyStorage(*arguments)
    assert function.call() == proof.value > 0
    data = bytes.fromhex(contract.encode_abi("verifyStorage", args=arguments)[2:])
    verify = PROOFS.functions[data[:4]]
    gas = verify.gas + verify.gas_per_word * ((len(data) - 4 + 31) // 32) + ANCHOR_READ_GAS  # a static call's charge
    transaction_gas = function.estimate_gas()

    started = time.perf_counter()
    for _ in range(rounds):
        proven = prove_account(proof.state_root, proof.account, proof.encoded_account_proof)
        prove_storage(proven.storage_root, proof.slot, proof.encoded_storage_proof)
    verify_time = (time.perf_counter() - started) / rounds

    key = keys.PrivateKey(b"\x01" * 32)
    message = keccak(b"ecrecover baseline")
    signature = key.sign_msg_hash(message)
    started = time.perf_counter()
    for _ in range(rounds):
        signature.recover_public_key_from_msg_hash(message)
    ecrecover_time = (time.perf_counter() - started) / rounds
    proof_bytes = len(proof.encoded_account_proof) + len(proof.encoded_storage_proof)
    return {
        "gas": gas,
        "transaction_gas": transaction_gas,
        "verify_s": verify_time,
        "ecrecover_s": ecrecover_time,
        "proof_bytes": proof_bytes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", choices=("authority", "wpoc"), default="authority")
    parser.add_argument("--headers", type=int, default=40, help="headers to anchor for the rate")
    parser.add_argument("--swaps", type=int, default=3, help="swaps to time")
    parser.add_argument("--rounds", type=int, default=200, help="in-process verifications to time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        ports = [free_port() for _ in range(3)]
        with Cluster(Path(folder), children=2, template=args.template, block_period=0.5, ports=ports) as cluster:
            dev = [Account.from_key(account.private_key) for account in dev_accounts()]
            if args.template == "authority":
                member1 = Account.from_key(cluster.children[0].member_keys[1].to_bytes())
                relayer_keys: list[LocalAccount | None] = [
                    Account.from_key(node.member_keys[0].to_bytes()) for node in cluster.children
                ]
            else:
                member1, relayer_keys = dev[4], []
            relayer = Relayer(
                dev[8], cluster.parent.rpc_url, [node.rpc_url for node in cluster.children], child_accounts=relayer_keys
            )
            parent, child1 = connect(cluster.parent.rpc_url), connect(cluster.children[0].rpc_url)

            transfer_s = transfer_latency(parent, dev[5], 10)
            anchors, count = anchors_per_second(relayer, args.headers)
            cost = proof_cost(relayer, member1, args.rounds)
            swap_times = []
            for _ in range(args.swaps):
                on_parent = SwapChain(Sender(parent, dev[1], "parent"))
                on_child = SwapChain(Sender(child1, member1, "child1"))
                result = run_swap(on_parent, on_child, WTC, WTC, window=20, report=lambda line: None)
                swap_times.append(result.seconds)
            child_transfer_s = transfer_latency(child1, member1, 10)

    swap_s = statistics.median(swap_times)
    print(f"children: {args.template}")
    print(f"anchors:        {anchors:8.1f} headers/s anchored on the parent ({count} headers, relayer end to end)")
    print(f"  vs transfers: {anchors * transfer_s:8.1f}x the {1 / transfer_s:.1f} transfers/s sent one at a time")
    print(f"proof gas:      {cost['gas']:8.0f} verifyStorage charges ({cost['proof_bytes']} proof bytes)")
    print(f"  transaction:  {cost['transaction_gas']:8.0f} gas for a transaction with it (intrinsic, calldata, credit)")
    print(f"  vs ecrecover: {cost['gas'] / ECRECOVER_GAS:8.1f}x its {ECRECOVER_GAS} gas")
    print(f"proof time:     {cost['verify_s'] * 1e6:8.0f} us to verify in process")
    print(f"  vs ecrecover: {cost['verify_s'] / cost['ecrecover_s']:8.1f}x its {cost['ecrecover_s'] * 1e6:.0f} us")
    print(f"swap latency:   {swap_s:8.2f} s parent <-> child, median of {len(swap_times)} (4 transactions)")
    baseline = (transfer_s + child_transfer_s) / 2
    print(f"  vs transfer:  {swap_s / baseline:8.1f}x one transfer's {baseline:.2f} s")


if __name__ == "__main__":
    main()
