"""LABOR (0x113): the labor credit relayers earn for work the chain verified (Proof of Labor).

The anchor and proof precompiles add credit here; the IoT fork's block reward spends a master
node's credit (``walton.consensus.labor`` has the rule). Credit is stored per address as one word,
``credit << 64 | block number of the last change``, and decays lazily: readers see the credit
halved once per ``HALF_LIFE_BLOCKS`` since the last change.
"""

from typing import Any

from eth.abc import StateAPI
from eth_typing import Address

from walton.consensus.labor import decayed_credit
from walton.vm.precompiles.abi import storage_slot
from walton.vm.precompiles.stateful import Call, Event, Function, StatefulPrecompile

LABOR_ADDRESS = 0x113
_ACCOUNT = Address(LABOR_ADDRESS.to_bytes(20, "big"))
_BLOCK_BITS = 64
_BLOCK_MASK = (1 << _BLOCK_BITS) - 1
# Writing a credit word: what SSTORE charges for a fresh slot, so a credit is never cheaper than a contract's.
CREDIT_WRITE_GAS = 22_100
CREDIT_READ_GAS = 2_100

LaborCredited = Event("LaborCredited(address relayer, uint256 amount, uint256 credit)", indexed=1)


def _slot(relayer: Address) -> int:
    return int.from_bytes(storage_slot("credit", relayer), "big")


def read_credit(state: StateAPI, relayer: Address) -> int:
    """``relayer``'s credit at the state's block, after decay."""
    word = state.get_storage(_ACCOUNT, _slot(relayer))
    credit, since = word >> _BLOCK_BITS, word & _BLOCK_MASK
    return decayed_credit(credit, max(state.block_number - since, 0))


def write_credit(state: StateAPI, relayer: Address, credit: int) -> None:
    """Set ``relayer``'s credit as of the state's block (keeping LABOR's account alive like any stateful write)."""
    if state.get_nonce(_ACCOUNT) == 0:
        state.set_nonce(_ACCOUNT, 1)
    state.set_storage(_ACCOUNT, _slot(relayer), credit << _BLOCK_BITS | (state.block_number & _BLOCK_MASK))


def add_credit(call: Call, relayer: Address, amount: int) -> int:
    """Credit ``relayer`` with ``amount`` for work ``call`` verified, charging the write; returns the new credit."""
    call.charge(CREDIT_WRITE_GAS, "labor credit")
    state = call.computation.state
    credit = read_credit(state, relayer) + amount
    write_credit(state, relayer, credit)
    Call(call.computation, _ACCOUNT).emit(LaborCredited, relayer, amount, credit)
    return credit


def _credit(call: Call, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    (relayer,) = arguments
    return (read_credit(call.computation.state, Address(bytes.fromhex(relayer[2:]))),)


LABOR = StatefulPrecompile(
    "LABOR",
    LABOR_ADDRESS,
    [Function("credit(address relayer) returns (uint256)", gas=CREDIT_READ_GAS, handler=_credit)],
    [LaborCredited],
)

__all__ = ["LABOR", "LABOR_ADDRESS", "LaborCredited", "add_credit", "read_credit", "write_credit"]
