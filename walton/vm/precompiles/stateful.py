"""Precompiles that keep state: Solidity-ABI calls, storage under their own address, events, reverts.

Walton's device registry, record and stamp checks, anchors and swaps are precompiles that remember
things. They speak the Solidity ABI (4-byte selector, ABI-encoded arguments, ABI events), so web3.py
users call them with an ordinary contract object and filter their logs like any contract's. The
rules every one of them shares live here:

- storage is the precompile's own account, whatever the call kind; DELEGATECALL and CALLCODE are
  refused, because they would let a contract act with its caller's identity;
- the account gets nonce 1 on its first write, so EIP-161 never clears it as empty;
- calls that change state are refused under STATICCALL, and value is refused unless the function
  is payable;
- a refused call reverts with a Solidity ``Error(string)`` reason: state is rolled back, unused gas
  returned, and web3.py shows the reason. Gas is charged before any work, so no input costs more
  than its fixed price plus a per-word charge.
"""

from collections.abc import Callable, Sequence
from typing import Any

from eth.abc import ComputationAPI
from eth.exceptions import Revert
from eth_abi import decode, encode
from eth_abi.exceptions import DecodingError
from eth_hash.auto import keccak
from eth_typing import Address

from walton.vm.precompiles.abi import abi_parameters, canonical_signature, function_selector, parse_declaration

ERROR_SELECTOR = function_selector("Error(string)")


class PrecompileRevert(Exception):
    """Raised by a handler to refuse a call; the message becomes the revert reason."""


class Event:
    """An ABI event. ``Event("Registered(bytes32 device, address owner, bytes key)", indexed=2)``: the first
    ``indexed`` parameters (static types) are topics, the rest ABI-encoded data."""

    def __init__(self, declaration: str, indexed: int = 0) -> None:
        self.name, self.parameters = parse_declaration(declaration)
        self.indexed = indexed
        self.signature = canonical_signature(self.name, self.parameters)
        self.topic = keccak(self.signature.encode())

    def abi(self) -> dict[str, Any]:
        inputs = abi_parameters(self.parameters, self.indexed)
        return {"type": "event", "name": self.name, "inputs": inputs, "anonymous": False}


class Call:
    """One call into a stateful precompile: who called, with what, and the precompile's storage."""

    def __init__(self, computation: ComputationAPI, address: Address) -> None:
        self.computation = computation
        self.address = address

    @property
    def sender(self) -> Address:
        return self.computation.msg.sender

    @property
    def value(self) -> int:
        return self.computation.msg.value

    @property
    def timestamp(self) -> int:
        return self.computation.state.timestamp

    @property
    def block_number(self) -> int:
        return self.computation.state.block_number

    @property
    def chain_id(self) -> int:
        """For signed payloads bound to one chain, so they cannot be replayed on another."""
        return self.computation.state.execution_context.chain_id

    def charge(self, gas: int, reason: str) -> None:
        self.computation.consume_gas(gas, reason=reason)

    def load(self, slot: bytes) -> int:
        return self.computation.state.get_storage(self.address, int.from_bytes(slot, "big"))

    def load_from(self, address: Address, slot: bytes) -> int:
        """Read another precompile's storage (record checks read the device registry's)."""
        return self.computation.state.get_storage(address, int.from_bytes(slot, "big"))

    def store(self, slot: bytes, value: int) -> None:
        state = self.computation.state
        if state.get_nonce(self.address) == 0:
            state.set_nonce(self.address, 1)
        state.set_storage(self.address, int.from_bytes(slot, "big"), value)

    def emit(self, event: Event, *values: Any) -> None:
        """Log an ABI event with its parameters' values in declaration order."""
        kinds = [parameter.type for parameter in event.parameters]
        topics = [int.from_bytes(event.topic, "big")]
        indexed = zip(kinds[: event.indexed], values[: event.indexed], strict=True)
        topics += [int.from_bytes(encode([kind], [value]), "big") for kind, value in indexed]
        data = encode(kinds[event.indexed :], list(values[event.indexed :]))
        self.computation.add_log_entry(self.address, tuple(topics), data)


Handler = Callable[[Call, tuple[Any, ...]], tuple[Any, ...]]


class Function:
    """One ABI function: ``Function("isValid(bytes32 device) returns (bool)", gas=..., handler=...)``.

    The handler gets the decoded arguments and returns the values of the ``returns`` types.
    ``mutates`` functions are refused under STATICCALL; only ``payable`` ones accept value. A view
    that answers a verdict gives ``malformed_result`` (e.g. ``(False,)``) for arguments that do not
    decode, instead of reverting, so a caller always gets its answer.
    """

    def __init__(
        self,
        declaration: str,
        gas: int,
        handler: Handler,
        mutates: bool = False,
        payable: bool = False,
        gas_per_word: int = 0,
        malformed_result: tuple[Any, ...] | None = None,
    ) -> None:
        call, _, returns = declaration.partition(" returns ")
        self.name, self.parameters = parse_declaration(call)
        self.returns = parse_declaration(f"r{returns.strip() or '()'}")[1]
        self.signature = canonical_signature(self.name, self.parameters)
        self.selector = function_selector(self.signature)
        self.gas = gas
        self.handler = handler
        self.mutates = mutates
        self.payable = payable
        self.gas_per_word = gas_per_word
        self.malformed_result = malformed_result

    def abi(self) -> dict[str, Any]:
        mutability = "payable" if self.payable else "nonpayable" if self.mutates else "view"
        return {
            "type": "function",
            "name": self.name,
            "inputs": abi_parameters(self.parameters),
            "outputs": abi_parameters(self.returns),
            "stateMutability": mutability,
        }


def revert_data(reason: str) -> bytes:
    return ERROR_SELECTOR + encode(["string"], [reason])


class StatefulPrecompile:
    """A precompile at ``address`` dispatching ABI calls to ``functions``; py-evm calls it with a computation."""

    def __init__(self, name: str, address: int, functions: Sequence[Function], events: Sequence[Event] = ()) -> None:
        self.name = name
        self.address = Address(address.to_bytes(20, "big"))
        self.functions = {function.selector: function for function in functions}
        self.events = tuple(events)

    def abi(self) -> list[dict[str, Any]]:
        """The contract ABI JSON web3.py users load to call this precompile and decode its events."""
        return [function.abi() for function in self.functions.values()] + [event.abi() for event in self.events]

    def function(self, name: str, arity: int | None = None) -> Function:
        """The function called ``name`` (with ``arity`` parameters, where the name is overloaded)."""
        matches = [
            function
            for function in self.functions.values()
            if function.name == name and (arity is None or len(function.parameters) == arity)
        ]
        if len(matches) != 1:
            raise KeyError(f"{self.name} has {len(matches)} functions {name!r} with arity {arity}")
        return matches[0]

    def calldata(self, name: str, *arguments: Any) -> bytes:
        """The input of a call to ``name(arguments)``: selector and ABI-encoded arguments."""
        function = self.function(name, len(arguments))
        return function.selector + encode([parameter.type for parameter in function.parameters], list(arguments))

    def __call__(self, computation: ComputationAPI) -> ComputationAPI:
        data = computation.msg.data_as_bytes
        function = self.functions.get(bytes(data[:4]))
        try:
            if function is None:
                raise PrecompileRevert(f"{self.name}: unknown function selector 0x{bytes(data[:4]).hex()}")
            words = (len(data) + 31) // 32
            computation.consume_gas(function.gas + function.gas_per_word * words, reason=f"{self.name} precompile")
            self._check_context(computation, function)
            try:
                kinds = [parameter.type for parameter in function.parameters]
                arguments = tuple(decode(kinds, bytes(data[4:])))
            except (DecodingError, ValueError, OverflowError) as error:
                if function.malformed_result is None:
                    message = f"{self.name}: malformed arguments for {function.signature}: {error}"
                    raise PrecompileRevert(message) from None
                results = function.malformed_result
            else:
                results = function.handler(Call(computation, self.address), arguments)
            computation.output = encode([parameter.type for parameter in function.returns], list(results))
        except PrecompileRevert as refusal:
            computation.output = revert_data(str(refusal))
            raise Revert(str(refusal)) from None
        return computation

    def _check_context(self, computation: ComputationAPI, function: Function) -> None:
        message = computation.msg
        if message.storage_address != self.address:
            raise PrecompileRevert(f"{self.name}: DELEGATECALL and CALLCODE are not allowed")
        if function.mutates and message.is_static:
            raise PrecompileRevert(f"{self.name}: {function.signature} changes state, not allowed in STATICCALL")
        if message.value and not function.payable:
            raise PrecompileRevert(f"{self.name}: {function.signature} does not accept value")
