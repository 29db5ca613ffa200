"""Object-layer precompiles: what a signature check costs against ecrecover, stamps per second, gas per stamp.

Everything runs in process on a dev chain state, each figure against a baseline measured in the same
run. Baseline and candidate run back to back in every round, and the ratio printed is the median of
the rounds' ratios, so load from other jobs on the machine moves both alike:

- signature price: ``verify_signature`` (what every device precompile calls) on secp256k1 and P-256
  keys against py-evm's ``ecrecover`` precompile function on a real computation; 3000 (ecrecover's
  gas) times the time ratio is what a check should cost (``SIGNATURE_GAS`` in
  ``walton.vm.precompiles.device_registry`` cites these ratios);
- stamps verified per second: ``recordStamp`` applied as a message to the dev state (registry
  reads, digest, signature, storage, log; the state reverted after each) against ecrecover messages;
- gas per stamp on chain: one ``recordStamp`` transaction per stamp, against gateway batches of
  100 and 1000 stamps under one root (one ``recordBatch`` transaction each);
- raw-data store puts per second (1 KiB and 64 KiB packets, ``walton.node.rawdata``), against the
  chain database's synced write of the same bytes (what a block import does once per block), to show
  the store does not weigh on the chain process.
"""

import argparse
import functools
import itertools
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from eth.precompiles.ecrecover import ecrecover
from eth.vm.message import Message
from eth.vm.transaction_context import BaseTransactionContext
from eth_keys import keys
from eth_typing import Address

from tests.vm.precompiles.device_chain import OWNERS, DeviceChain, batch_arguments, stamp_arguments
from walton.db.rocks import RocksDB
from walton.hardware.identity import DeviceKey, KeyType, verify_signature
from walton.node.rawdata import MAX_RAW_DATA_BYTES, RawDataStore
from walton.vm.precompiles.device_registry import SIGNATURE_GAS
from walton.vm.precompiles.gateway_batches import GATEWAY_BATCHES
from walton.vm.precompiles.sensor_stamps import SENSOR_STAMPS

ECRECOVER_GAS = 3000
ECRECOVER_ADDRESS = Address((1).to_bytes(20, "big"))
DIGEST = bytes(range(32))


def _rate(function: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return calls / (time.perf_counter() - start)


def compare(
    baseline: Callable[[], Any], candidate: Callable[[], Any], calls: int, rounds: int
) -> tuple[float, float, float]:
    """Median calls/s of the baseline and the candidate, and the median of the rounds' time ratios
    (candidate time over baseline time), each round running both back to back."""
    base_rates, rates, ratios = [], [], []
    for _ in range(rounds):
        base_rate, rate = _rate(baseline, calls), _rate(candidate, calls)
        base_rates.append(base_rate)
        rates.append(rate)
        ratios.append(base_rate / rate)
    return statistics.median(base_rates), statistics.median(rates), statistics.median(ratios)


def ecrecover_input() -> bytes:
    signature = keys.PrivateKey(bytes(31) + b"\x07").sign_msg_hash(DIGEST)
    v, r, s = signature.vrs
    return DIGEST + (v + 27).to_bytes(32, "big") + r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _context() -> BaseTransactionContext:
    return BaseTransactionContext(1, Address(OWNERS[0].public_key.to_canonical_address()))


def _message(to: Address, data: bytes) -> Message:
    sender = Address(OWNERS[0].public_key.to_canonical_address())
    return Message(gas=10**9, to=to, sender=sender, value=0, data=data, code=b"", code_address=to)


def signature_prices(chain: DeviceChain, calls: int, rounds: int) -> None:
    state = chain.state
    computation = state.computation_class(state, _message(ECRECOVER_ADDRESS, ecrecover_input()), _context())
    baseline = functools.partial(ecrecover, computation)
    for key_type in (KeyType.SECP256K1, KeyType.P256):
        key = DeviceKey.generate(key_type)
        check = functools.partial(verify_signature, key_type, key.public_key, DIGEST, key.sign(DIGEST))
        base_rate, rate, ratio = compare(baseline, check, calls, rounds)
        assert computation.output, "the ecrecover baseline must recover an address"
        print(
            f"verify_signature {key_type.name:9}: {rate:8.0f} calls/s, ecrecover {base_rate:8.0f}/s:"
            f" time ratio {ratio:.2f} -> {ratio * ECRECOVER_GAS:5.0f} gas (charged {SIGNATURE_GAS[key_type]})"
        )


def _apply(state: Any, message: Message) -> None:
    """One message on ``state``, undone afterwards so every call sees the same state."""
    snapshot = state.snapshot()
    computation = state.computation_class.apply_message(state, message, _context())
    assert computation.is_success, computation.error
    state.revert(snapshot)


def stamps_per_second(chain: DeviceChain, calls: int, rounds: int) -> None:
    for key_type in (KeyType.SECP256K1, KeyType.P256):
        sensor = DeviceKey.generate(key_type)
        assert chain.register(sensor).ok
        state = chain.state
        baseline = functools.partial(_apply, state, _message(ECRECOVER_ADDRESS, ecrecover_input()))
        data = SENSOR_STAMPS.calldata("recordStamp", *stamp_arguments(sensor, 1, 1000))
        stamp = functools.partial(_apply, state, _message(SENSOR_STAMPS.address, data))
        base_rate, rate, ratio = compare(baseline, stamp, calls, rounds)
        print(
            f"recordStamp messages, {key_type.name:9}: {rate:8.0f} stamps/s, ecrecover messages {base_rate:8.0f}/s:"
            f" {1 / ratio:.2f}x"
        )


def gas_per_stamp(chain: DeviceChain) -> None:
    sensor, gateway = DeviceKey.generate(KeyType.SECP256K1), DeviceKey.generate(KeyType.SECP256K1)
    assert chain.register(sensor).ok and chain.register(gateway).ok
    direct = []
    for sequence in range(1, 11):
        outcome = chain.send(SENSOR_STAMPS, "recordStamp", *stamp_arguments(sensor, sequence, 1000 + sequence))
        assert outcome.ok, outcome.reason
        direct.append(outcome.transaction_gas)
    single = statistics.median(direct)
    print(f"gas per stamp, one recordStamp tx each: {single:9.0f}")
    for batch_sequence, count in enumerate((100, 1000), start=1):
        arguments, _ = batch_arguments(gateway, sensor, batch_sequence, count, first_sequence=100 + count)
        outcome = chain.send(GATEWAY_BATCHES, "recordBatch", *arguments)
        assert outcome.ok, outcome.reason
        gas = outcome.transaction_gas
        print(
            f"gas per stamp, batches of {count:4}:        {gas / count:9.1f}"
            f"  ({gas} for the batch: {single * count / gas:.0f}x cheaper)"
        )


def _put(store: RawDataStore, packets: Iterator[bytes]) -> None:
    store.put(next(packets))


def _chain_write(chaindb: RocksDB, packets: Iterator[bytes]) -> None:
    chaindb[os.urandom(32)] = next(packets)


def rawdata_puts(calls: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = RawDataStore(Path(folder) / "rawdata")
        chaindb = RocksDB(Path(folder) / "chaindata")
        try:
            for size in (1024, MAX_RAW_DATA_BYTES):
                packets = itertools.cycle([os.urandom(size) for _ in range(calls)])
                baseline = functools.partial(_chain_write, chaindb, packets)
                put = functools.partial(_put, store, packets)
                base_rate, rate, ratio = compare(baseline, put, calls, rounds)
                print(
                    f"raw-data puts, {size // 1024:2} KiB: {rate:8.0f} puts/s,"
                    f" chain database synced writes {base_rate:6.0f}/s: {1 / ratio:.1f}x"
                )
        finally:
            store.close()
            chaindb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    chain = DeviceChain()
    signature_prices(chain, options.calls, options.rounds)
    stamps_per_second(chain, options.calls // 4, options.rounds)
    gas_per_stamp(chain)
    rawdata_puts(options.calls // 10, options.rounds)


if __name__ == "__main__":
    main()
