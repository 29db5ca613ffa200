"""Calling Walton's stateful precompiles with signed transactions on an in-memory dev chain (no node)."""

from dataclasses import dataclass
from typing import Any

from eth.abc import ComputationAPI, ReceiptAPI, SignedTransactionAPI
from eth.db.atomic import AtomicDB
from eth_abi import decode
from eth_keys import keys
from eth_typing import Address

from walton.vm.networks.dev import DEV_CHAIN_ID, DEV_GENESIS_PARAMS, DevChain, dev_accounts, dev_genesis_state
from walton.vm.precompiles.stateful import ERROR_SELECTOR, StatefulPrecompile

KEYS = [keys.PrivateKey(bytes.fromhex(account.private_key[2:])) for account in dev_accounts()]
ADDRESSES = [Address(key.public_key.to_canonical_address()) for key in KEYS]


@dataclass
class Outcome:
    receipt: ReceiptAPI
    computation: ComputationAPI

    @property
    def ok(self) -> bool:
        return bool(self.computation.is_success)

    @property
    def reason(self) -> str:
        """The Error(string) revert reason ("" if the call succeeded)."""
        output = self.computation.output
        if self.ok or output[:4] != ERROR_SELECTOR:
            return ""
        return str(decode(["string"], output[4:])[0])


def new_chain() -> Any:
    return DevChain.from_genesis(AtomicDB(), DEV_GENESIS_PARAMS, dev_genesis_state())


def set_time(chain: Any, timestamp: int) -> None:
    """Run the next transactions in a pending block with this timestamp."""
    chain.header = chain.header.copy(timestamp=timestamp)


def signed(
    chain: Any,
    precompile: StatefulPrecompile,
    name: str,
    *arguments: Any,
    sender: int = 0,
    value: int = 0,
    gas: int = 3_000_000,
    nonce_offset: int = 0,
) -> SignedTransactionAPI:
    """A transaction from dev account ``sender`` calling ``name(arguments)``, with its next nonce at the head
    (plus ``nonce_offset`` to queue several for one block)."""
    vm = chain.get_vm()
    return vm.create_unsigned_transaction(
        nonce=vm.state.get_nonce(ADDRESSES[sender]) + nonce_offset,
        gas_price=10**9,
        gas=gas,
        to=precompile.address,
        value=value,
        data=precompile.calldata(name, *arguments),
    ).as_signed_transaction(KEYS[sender], chain_id=DEV_CHAIN_ID)


def send(chain: Any, precompile: StatefulPrecompile, name: str, *arguments: Any, **options: Any) -> Outcome:
    """Apply a signed call in the chain's pending block (receipt gas is cumulative over that block)."""
    _, receipt, computation = chain.apply_transaction(signed(chain, precompile, name, *arguments, **options))
    return Outcome(receipt, computation)


def returned(precompile: StatefulPrecompile, name: str, outcome: Outcome) -> tuple[Any, ...]:
    function = precompile.functions[bytes(outcome.computation.msg.data_as_bytes[:4])]  # the overload called
    assert function.name == name
    assert outcome.ok, outcome.reason
    return tuple(decode([p.type for p in function.returns], outcome.computation.output))
