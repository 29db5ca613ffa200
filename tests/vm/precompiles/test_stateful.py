"""The shared rules of stateful precompiles, on a test-only counter precompile configured into the dev VM."""

from typing import Any

import pytest
from eth.db.atomic import AtomicDB
from eth.vm.message import Message
from eth.vm.transaction_context import BaseTransactionContext
from eth_abi import decode, encode
from eth_keys import keys

from walton.vm.forks.iot import IoTComputation, IoTState
from walton.vm.networks.dev import DEV_CHAIN_ID, DEV_GENESIS_PARAMS, DevChain, DevVM, dev_accounts, dev_genesis_state
from walton.vm.precompiles.abi import storage_slot
from walton.vm.precompiles.stateful import ERROR_SELECTOR, Call, Event, Function, PrecompileRevert, StatefulPrecompile

COUNTER_ADDRESS = 0x1FF
Bumped = Event("Bumped(address who, uint256 count)", indexed=1)


def _bump(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    (limit,) = arguments
    slot = storage_slot("count", call.sender)
    count = call.load(slot) + 1
    if count > limit:
        raise PrecompileRevert(f"count {count} above limit {limit}")
    call.store(slot, count)
    call.emit(Bumped, call.sender, count)
    return (count,)


def _count(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    return (call.load(storage_slot("count", arguments[0])),)


COUNTER = StatefulPrecompile(
    "COUNTER",
    COUNTER_ADDRESS,
    [
        Function("bump(uint256 limit) returns (uint256)", gas=5000, handler=_bump, mutates=True),
        Function("count(address who) returns (uint256)", gas=100, handler=_count),
    ],
    [Bumped],
)
CounterComputation = IoTComputation.configure(
    __name__="CounterComputation", _precompiles={**IoTComputation._precompiles, COUNTER.address: COUNTER}
)
CounterVM = DevVM.configure(_state_class=IoTState.configure(computation_class=CounterComputation))
CounterChain = DevChain.configure(vm_configuration=((0, CounterVM),))
KEY = keys.PrivateKey(bytes.fromhex(dev_accounts()[0].private_key[2:]))
SENDER = KEY.public_key.to_canonical_address()


def _send(chain: Any, data: bytes, value: int = 0) -> Any:
    vm = chain.get_vm()
    nonce = vm.state.get_nonce(SENDER)
    tx = vm.create_unsigned_transaction(
        nonce=nonce, gas_price=10**10, gas=100_000, to=COUNTER.address, value=value, data=data
    ).as_signed_transaction(KEY, chain_id=DEV_CHAIN_ID)
    _, receipt, computation = chain.apply_transaction(tx)
    return receipt, computation


@pytest.fixture
def chain() -> Any:
    return CounterChain.from_genesis(AtomicDB(), DEV_GENESIS_PARAMS, dev_genesis_state())


def test_calls_store_under_the_precompile_emit_events_and_keep_the_account_alive(chain: Any) -> None:
    for expected in (1, 2):
        receipt, computation = _send(chain, COUNTER.calldata("bump", 5))
        assert computation.is_success and decode(["uint256"], computation.output) == (expected,)
    (log,) = receipt.logs
    assert log.address == COUNTER.address
    assert log.topics[0] == int.from_bytes(Bumped.topic, "big")
    assert log.topics[1] == int.from_bytes(SENDER, "big")
    assert decode(["uint256"], log.data) == (2,)
    state = chain.get_vm().state
    assert state.get_nonce(COUNTER.address) == 1  # not cleared as empty by EIP-161
    assert state.get_storage(COUNTER.address, int.from_bytes(storage_slot("count", SENDER), "big")) == 2


def test_refusals_revert_with_a_reason_and_change_nothing(chain: Any) -> None:
    _send(chain, COUNTER.calldata("bump", 1))
    for data, value, reason in [
        (COUNTER.calldata("bump", 1), 0, "count 2 above limit 1"),
        (b"\xde\xad\xbe\xef", 0, "unknown function selector 0xdeadbeef"),
        (COUNTER.function("bump").selector + b"\x01", 0, "malformed arguments"),
        (COUNTER.calldata("bump", 9), 1, "does not accept value"),
    ]:
        receipt, computation = _send(chain, data, value)
        assert computation.is_error and not receipt.logs
        assert computation.output[:4] == ERROR_SELECTOR
        assert reason in decode(["string"], computation.output[4:])[0]
        assert computation.get_gas_remaining() > 0
    assert chain.get_vm().state.get_storage(COUNTER.address, int.from_bytes(storage_slot("count", SENDER), "big")) == 1


@pytest.mark.parametrize(("static", "storage_address"), [(True, None), (False, b"\x07" * 20)])
def test_static_and_delegated_calls_cannot_change_state(chain: Any, static: bool, storage_address: Any) -> None:
    state = chain.get_vm().state
    message = Message(
        gas=100_000,
        to=COUNTER.address,
        sender=SENDER,
        value=0,
        data=COUNTER.calldata("bump", 5),
        code=b"",
        is_static=static,
        code_address=COUNTER.address,
        create_address=storage_address,
    )
    computation = state.computation_class.apply_message(state, message, BaseTransactionContext(1, SENDER))
    assert computation.is_error
    expected = "STATICCALL" if static else "DELEGATECALL"
    assert expected in decode(["string"], computation.output[4:])[0]


def test_abi_json_names_functions_and_events() -> None:
    names = {(entry["type"], entry["name"]) for entry in COUNTER.abi()}
    assert names == {("function", "bump"), ("function", "count"), ("event", "Bumped")}
    bump = next(entry for entry in COUNTER.abi() if entry["name"] == "bump")
    assert bump["stateMutability"] == "nonpayable" and bump["inputs"] == [{"name": "limit", "type": "uint256"}]


def test_functions_are_found_by_name_and_encoded() -> None:
    assert COUNTER.calldata("bump", 5) == COUNTER.function("bump").selector + encode(["uint256"], [5])
    with pytest.raises(KeyError, match="0 functions 'missing'"):
        COUNTER.function("missing")
    with pytest.raises(KeyError, match="0 functions 'bump' with arity 2"):
        COUNTER.calldata("bump", 1, 2)
