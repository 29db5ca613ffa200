"""Walton's gas schedule (spec §7.2): intrinsic gas, opcode costs with changed constants, precompile prices."""

import pytest
from eth.abc import SignedTransactionAPI
from eth_typing import Address

from tests.vm.gwtc.devchain import ADDRESSES, MINER, STOP, DevChain, contract_address, deploy_code
from walton.vm.forks.gwtc import gas

B = ADDRESSES[1]


def gas_of(chain: DevChain, transaction: SignedTransactionAPI) -> tuple[int, bool]:
    """Gas used by ``transaction`` applied on top of the head (not mined)."""
    header = chain.chain.create_header_from_parent(chain.head, timestamp=chain.head.timestamp + 10, coinbase=MINER)
    vm = chain.chain.get_vm(header)
    receipt, computation = vm.apply_transaction(header, transaction)
    return receipt.gas_used, computation.is_success


def precompile(number: int) -> Address:
    return Address(bytes(19) + bytes([number]))


def test_value_transfer_costs_5000() -> None:
    chain = DevChain()
    assert gas_of(chain, chain.transaction(0, B, value=1)) == (gas.TX_GAS, True)


def test_data_bytes() -> None:
    chain = DevChain()
    data = b"\x01\x02\x03\x00\x00"
    assert gas_of(chain, chain.transaction(0, B, data=data))[0] == 5000 + 3 * 20 + 2 * 1


def test_contract_creation_intrinsic_gas() -> None:
    chain = DevChain()
    init = b"\x00"  # STOP: nothing deployed
    assert gas_of(chain, chain.transaction(0, b"", data=init))[0] == 10000 + 1


@pytest.mark.parametrize(
    ("number", "data", "cost"),
    [
        (1, bytes(128), 800),
        (2, b"\x01" * 33, 15 + 3 * 2),
        (3, b"\x01" * 64, 150 + 30 * 2),
        (4, b"\x01" * 65, 4 + 1 * 3),
        (6, bytes(128), 120),
        (7, bytes(96), 10000),
        (8, b"", 25000),
    ],
    ids=["ecrecover", "sha256", "ripemd160", "identity", "bn256add", "bn256mul", "bn256pairing-empty"],
)
def test_precompile_prices(number: int, data: bytes, cost: int) -> None:
    chain = DevChain()
    data_gas = sum(20 if byte else 1 for byte in data)
    used, success = gas_of(chain, chain.transaction(0, precompile(number), data=data, gas=100_000))
    assert success
    assert used == 5000 + data_gas + cost


def test_pairing_price_per_point() -> None:
    """Two points at infinity (all zero): 25000 + 2 * 20000."""
    chain = DevChain()
    used, success = gas_of(chain, chain.transaction(0, precompile(8), data=bytes(384), gas=200_000))
    assert success
    assert used == 5000 + 384 + 25000 + 2 * 20000


def _run_code(chain: DevChain, runtime: bytes, data: bytes = b"") -> tuple[int, bool]:
    address = contract_address(ADDRESSES[0], chain.nonces[ADDRESSES[0]])
    chain.mine([chain.transaction(0, b"", data=deploy_code(runtime))])
    used, success = gas_of(chain, chain.transaction(1, address, data=data))
    intrinsic = 5000 + sum(20 if byte else 1 for byte in data)
    return used - intrinsic, success


def test_sstore_set_and_clear_with_refund() -> None:
    chain = DevChain()
    # PUSH1 1 PUSH1 0 SSTORE (zero -> non-zero: 5000), then PUSH1 0 PUSH1 0 SSTORE (non-zero -> zero: 1200, refund 3000)
    runtime = bytes([0x60, 0x01, 0x60, 0x00, 0x55, 0x60, 0x00, 0x60, 0x00, 0x55, 0x00])
    used, success = _run_code(chain, runtime)
    assert success
    execution = 4 * 3 + 5000 + 1200
    refund = min(3000, (5000 + execution) // 2)
    assert used == execution - refund


def test_sha3_log_and_memory() -> None:
    chain = DevChain()
    # PUSH1 64 PUSH1 0 SHA3 POP: 8 + 2 per word (2 words) + memory 2 words at 1 gas
    # PUSH1 32 PUSH1 0 LOG0: 80 + 2 per byte
    runtime = bytes([0x60, 0x40, 0x60, 0x00, 0x20, 0x50, 0x60, 0x20, 0x60, 0x00, 0xA0, 0x00])
    used, success = _run_code(chain, runtime)
    assert success
    assert used == 3 + 3 + (8 + 2 * 2 + 2 * 1) + 2 + 3 + 3 + (80 + 2 * 32)


def test_calldatacopy_copy_gas() -> None:
    chain = DevChain()
    # PUSH1 64 PUSH1 0 PUSH1 0 CALLDATACOPY: 3 + 1 per word (2) + memory 2 words
    runtime = bytes([0x60, 0x40, 0x60, 0x00, 0x60, 0x00, 0x37, 0x00])
    used, success = _run_code(chain, runtime, data=b"\x01")
    assert success
    assert used == 3 * 3 + 3 + 2 * 1 + 2 * 1


def test_value_call_with_stipend_and_create() -> None:
    chain = DevChain()
    # CREATE(value 0, empty init code): 8000 + child gas 63/64 returned; then STOP
    runtime = bytes([0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0xF0, 0x00])
    used, success = _run_code(chain, runtime)
    assert success
    assert used == 3 * 3 + gas.CREATE_GAS


def test_max_code_size_is_196608() -> None:
    assert gas.MAX_CODE_SIZE == 196608
    chain = DevChain()
    # Deploying 25000 zero bytes (above Ethereum's 24576) works: init code returns them.
    size = 25000
    init = bytes([0x61, size >> 8, size & 0xFF, 0x60, 0x00, 0xF3])  # PUSH2 size PUSH1 0 RETURN
    transaction = chain.transaction(0, b"", data=init, gas=3_000_000)
    used, success = gas_of(chain, transaction)
    assert success
    assert used > size * gas.CREATE_DATA_GAS
    assert STOP == b"\x00"


@pytest.mark.parametrize(
    ("data", "output"),
    [
        # base length 0, exponent length 0, modulus length 1, modulus 2: 0 ** 0 mod 2 = 1 (go-ethereum)
        ((0).to_bytes(32, "big") + (0).to_bytes(32, "big") + (1).to_bytes(32, "big") + b"\x02", b"\x01"),
        # 3 ** 5 mod 7 = 5
        ((1).to_bytes(32, "big") * 3 + b"\x03\x05\x07", b"\x05"),
        # both lengths zero: empty output
        (bytes(96), b""),
    ],
    ids=["empty-base", "3^5-mod-7", "empty"],
)
def test_modexp_results(data: bytes, output: bytes) -> None:
    chain = DevChain()
    header = chain.chain.create_header_from_parent(chain.head, timestamp=chain.head.timestamp + 10, coinbase=MINER)
    vm = chain.chain.get_vm(header)
    computation = vm.state.computation_class.get_precompiles()[precompile(5)]
    from eth.vm.message import Message

    message = Message(gas=100_000, to=precompile(5), sender=B, value=0, data=data, code=b"")
    context = vm.state.get_transaction_context_class()(gas_price=1, origin=B)
    result = computation(vm.state.get_computation(message, context))
    assert result.output == output
