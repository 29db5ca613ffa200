"""Device records ingested per second end to end: simulator -> node -> mined -> verified.

Starts a real `walton node --dev` process and drives it over JSON-RPC with the simulator
(`walton.tools.device_sim`, the code path of `walton device simulate`), then verifies every record from
the chain and the off-chain store as `walton stamp verify` and `walton trace` do. The baseline, measured
in the same run through the same node and the same bulk sending, is plain value transfers (signed,
sent, mined). Figures:

- sensor readings stamped directly (one transaction each), verified;
- sensor readings anchored by a gateway (Merkle batches of 400), verified;
- RFID operations (full handshake, one record transaction each), verified by trace;

each as records per second and as a ratio to transfers per second. Registration of the devices is
included in each figure (a handful of transactions).

    python -m benchmarks.devices [--count N]
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from eth_account import Account

from tests.node.nodeproc import NodeProcess
from walton.tools.device_sim import (
    RPC_BATCH,
    ChainClient,
    StampIndex,
    simulate_rfid,
    simulate_sensors,
    trace_epc,
    verify_stamp,
)
from walton.vm.networks.dev import dev_accounts


def transfers_per_second(client: ChainClient, sender_key: str, count: int) -> float:
    """Plain 1-wei transfers signed, sent in JSON-RPC batches and waited for: the baseline."""
    sender = Account.from_key(sender_key)
    nonce = client.w3.eth.get_transaction_count(sender.address, "pending")
    gas_price = 2 * client.w3.eth.gas_price
    recipient = dev_accounts(3)[2].address
    started = time.monotonic()
    raw = [
        sender.sign_transaction(
            {
                "to": recipient,
                "value": 1,
                "gas": 21_000,
                "gasPrice": gas_price,
                "nonce": nonce + i,
                "chainId": client.chain_id,
            }
        ).raw_transaction
        for i in range(count)
    ]
    hashes: list[bytes] = []
    for start in range(0, count, RPC_BATCH):
        answers = client.batch([("eth_sendRawTransaction", ["0x" + tx.hex()]) for tx in raw[start : start + RPC_BATCH]])
        hashes += [bytes.fromhex(answer[2:]) for answer in answers]
    receipts = client.wait(hashes)
    assert all(int(receipt["status"], 16) == 1 for receipt in receipts)
    return count / (time.monotonic() - started)


def sensors_per_second(client: ChainClient, count: int, gateway: bool) -> float:
    started = time.monotonic()
    result = simulate_sensors(client, count, gateway=gateway, batch_size=400)
    assert not result.failed, result.failed[:3]
    index = StampIndex(client)
    client.prefetch_raw([bytes.fromhex(stamp[2:]) for stamp in result.stamps])
    for stamp in result.stamps:
        assert verify_stamp(client, bytes.fromhex(stamp[2:]), index).ok
    return count / (time.monotonic() - started)


def rfid_per_second(client: ChainClient, count: int) -> float:
    started = time.monotonic()
    result = simulate_rfid(client, count)
    assert not result.failed, result.failed[:3]
    verified = 0
    for epc in result.epcs:
        verdict = trace_epc(client, epc)
        assert verdict.ok, verdict.problems
        verified += len(verdict.details["operations"])
    assert verified == count
    return count / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="records per figure (default 200)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="walton-bench-devices-"))
    node = NodeProcess(workdir / "data", "--dev.period", "0")
    try:
        node.wait_ready()
        accounts = dev_accounts(2)
        client = ChainClient(node.url, accounts[0].private_key)
        baseline = transfers_per_second(client, accounts[1].private_key, args.count)
        print(f"baseline: plain transfers, sent -> mined:           {baseline:8.1f} tx/s")
        figures = {
            "sensor stamps, direct, sent -> mined -> verified": sensors_per_second(client, args.count, False),
            "sensor stamps, gateway batches, -> verified": sensors_per_second(client, args.count, True),
            "RFID records, handshake -> mined -> traced": rfid_per_second(client, args.count),
        }
        for name, rate in figures.items():
            print(f"{name:<52} {rate:8.1f} /s  ({rate / baseline:.2f}x transfers)")
    finally:
        node.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
