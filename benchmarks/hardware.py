"""Object-layer precompiles: what a signature check costs against ecrecover, stamps per second, gas per stamp.

Everything runs in process on a dev chain state, with py-evm's ecrecover precompile (3000 gas) as
the baseline measured in the same run:

- signature price: ``verify_signature`` (what every device precompile calls) on secp256k1 and P-256
  keys against py-evm's ``ecrecover`` function on a real computation, each over ``--calls`` calls;
  3000 times the time ratio is the gas a check should cost (``SIGNATURE_GAS`` in
  ``walton.vm.precompiles.device_registry`` cites these ratios);
- stamps verified per second: ``recordStamp`` applied as a message to the dev state (registry
  reads, digest, signature, storage, log; state reverted after each) against ecrecover messages;
- gas per stamp on chain: one ``recordStamp`` transaction per stamp, against gateway batches of
  100 and 1000 stamps under one root (one ``recordBatch`` transaction each).

Prints the median of ``--rounds`` rounds.
"""

import argparse
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

from eth.precompiles.ecrecover import ecrecover
from eth.vm.message import Message
from eth.vm.transaction_context import BaseTransactionContext
from eth_keys import keys
from eth_typing import Address

from tests.vm.precompiles.device_chain import OWNERS, DeviceChain, batch_arguments, calldata, stamp_arguments
from walton.hardware.identity import DeviceKey, KeyType, verify_signature
from walton.vm.precompiles.device_registry import SIGNATURE_GAS
from walton.vm.precompiles.gateway_batches import GATEWAY_BATCHES
from walton.vm.precompiles.sensor_stamps import SENSOR_STAMPS

ECRECOVER_GAS = 3000
ECRECOVER_ADDRESS = Address((1).to_bytes(20, "big"))
DIGEST = bytes(range(32))


def per_second(function: Callable[[], Any], calls: int, rounds: int) -> float:
    """Median calls per second of ``function`` over ``rounds`` rounds of ``calls`` calls."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        rates.append(calls / (time.perf_counter() - start))
    return statistics.median(rates)


def ecrecover_input() -> bytes:
    signature = keys.PrivateKey(bytes(31) + b"\x07").sign_msg_hash(DIGEST)
    v, r, s = signature.vrs
    return DIGEST + (v + 27).to_bytes(32, "big") + r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _message(to: Address, data: bytes) -> Message:
    sender = Address(OWNERS[0].public_key.to_canonical_address())
    return Message(gas=10**9, to=to, sender=sender, value=0, data=data, code=b"", code_address=to)


def signature_prices(chain: DeviceChain, calls: int, rounds: int) -> None:
    state = chain.state
    computation = state.computation_class(state, _message(ECRECOVER_ADDRESS, ecrecover_input()), _context())
    baseline = per_second(lambda: ecrecover(computation), calls, rounds)
    assert computation.output, "the ecrecover baseline must recover an address"
    print(f"ecrecover (py-evm precompile function): {baseline:9.0f} calls/s  = {ECRECOVER_GAS} gas")
    for key_type in (KeyType.SECP256K1, KeyType.P256):
        key = DeviceKey.generate(key_type)
        signature = key.sign(DIGEST)
        check = functools.partial(verify_signature, key_type, key.public_key, DIGEST, signature)
        rate = per_second(check, calls, rounds)
        ratio = baseline / rate
        print(
            f"verify_signature {key_type.name:9}:      {rate:9.0f} calls/s  ratio {ratio:.2f}"
            f" -> {ratio * ECRECOVER_GAS:5.0f} gas (charged {SIGNATURE_GAS[key_type]})"
        )


def _context() -> BaseTransactionContext:
    return BaseTransactionContext(1, Address(OWNERS[0].public_key.to_canonical_address()))


def _apply(state: Any, message: Message) -> None:
    """One message on ``state``, undone afterwards so every call sees the same state."""
    snapshot = state.snapshot()
    computation = state.computation_class.apply_message(state, message, _context())
    assert computation.is_success, computation.error
    state.revert(snapshot)


def stamps_per_second(chain: DeviceChain, calls: int, rounds: int) -> None:
    baseline_message = _message(ECRECOVER_ADDRESS, ecrecover_input())
    baseline = per_second(functools.partial(_apply, chain.state, baseline_message), calls, rounds)
    print(f"ecrecover messages:                      {baseline:9.0f} calls/s")
    for key_type in (KeyType.SECP256K1, KeyType.P256):
        sensor = DeviceKey.generate(key_type)
        assert chain.register(sensor).ok
        data = calldata(SENSOR_STAMPS, "recordStamp", *stamp_arguments(sensor, 1, 1000))
        message = _message(SENSOR_STAMPS.address, data)
        rate = per_second(functools.partial(_apply, chain.state, message), calls, rounds)
        print(f"recordStamp messages, {key_type.name:9}:     {rate:9.0f} stamps/s  ({rate / baseline:.2f}x ecrecover)")


def gas_per_stamp(chain: DeviceChain) -> None:
    sensor, gateway = DeviceKey.generate(KeyType.SECP256K1), DeviceKey.generate(KeyType.SECP256K1)
    assert chain.register(sensor).ok and chain.register(gateway).ok
    direct = []
    for sequence in range(1, 11):
        outcome = chain.send(SENSOR_STAMPS, "recordStamp", *stamp_arguments(sensor, sequence, 1000 + sequence))
        assert outcome.ok, outcome.reason
        direct.append(outcome.transaction_gas)
    single = statistics.median(direct)
    print(f"gas per stamp, one recordStamp tx each:  {single:9.0f}")
    for batch_sequence, count in enumerate((100, 1000), start=1):
        arguments, _ = batch_arguments(gateway, sensor, batch_sequence, count, first_sequence=100 + count)
        outcome = chain.send(GATEWAY_BATCHES, "recordBatch", *arguments)
        assert outcome.ok, outcome.reason
        gas = outcome.transaction_gas
        print(
            f"gas per stamp, batches of {count:4}:         {gas / count:9.1f}"
            f"  ({gas} for the batch, {single * count / gas:.0f}x cheaper)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    chain = DeviceChain()
    signature_prices(chain, options.calls, options.rounds)
    stamps_per_second(chain, options.calls // 4, options.rounds)
    gas_per_stamp(chain)


if __name__ == "__main__":
    main()
