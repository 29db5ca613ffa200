"""A dev chain driven with signed transactions to the object-layer precompiles, for the device tests."""

import os
from dataclasses import dataclass, replace
from typing import Any

from eth.db.atomic import AtomicDB
from eth.vm.message import Message
from eth.vm.transaction_context import BaseTransactionContext
from eth_abi import decode
from eth_keys import keys
from eth_typing import Address

from walton.hardware.gateway import BatchEntry, batch_digest, merkle_root
from walton.hardware.identity import DeviceKey
from walton.hardware.rfid import Operation, OperationRecord
from walton.hardware.sensor import stamp_digest
from walton.vm.networks.dev import DEV_CHAIN_ID, build_dev_chain, dev_accounts
from walton.vm.precompiles.devices import DEVICE_REGISTRY, key_binding_digest
from walton.vm.precompiles.stateful import ERROR_SELECTOR, StatefulPrecompile

EPC = bytes.fromhex("3074257bf7194e4000001a85")  # an SGTIN-96
OWNERS = [keys.PrivateKey(bytes.fromhex(account.private_key[2:])) for account in dev_accounts()[:2]]


@dataclass
class Outcome:
    receipt: Any
    computation: Any
    transaction_gas: int  # the receipt's gas is the block's running total

    @property
    def ok(self) -> bool:
        return bool(self.computation.is_success)

    @property
    def reason(self) -> str:
        assert self.computation.is_error and self.computation.output[:4] == ERROR_SELECTOR
        return str(decode(["string"], self.computation.output[4:])[0])


class DeviceChain:
    """A fresh dev chain; ``send`` applies one signed transaction to a precompile function."""

    def __init__(self) -> None:
        self.chain: Any = build_dev_chain(AtomicDB())

    @property
    def state(self) -> Any:
        return self.chain.get_vm().state

    @property
    def timestamp(self) -> int:
        return int(self.state.timestamp)

    def send(self, precompile: StatefulPrecompile, name: str, *values: Any, owner: int = 0) -> Outcome:
        return self.send_data(precompile.address, precompile.calldata(name, *values), owner)

    def send_data(self, to: Address, data: bytes, owner: int = 0, gas: int = 1_000_000) -> Outcome:
        key = OWNERS[owner]
        vm = self.chain.get_vm()
        nonce = vm.state.get_nonce(Address(key.public_key.to_canonical_address()))
        transaction = vm.create_unsigned_transaction(
            nonce=nonce, gas_price=10**10, gas=gas, to=to, value=0, data=data
        ).as_signed_transaction(key, chain_id=DEV_CHAIN_ID)
        before = self.chain.header.gas_used
        _, receipt, computation = self.chain.apply_transaction(transaction)
        return Outcome(receipt, computation, receipt.gas_used - before)

    def view(self, precompile: StatefulPrecompile, name: str, *values: Any) -> tuple[Any, ...]:
        function = precompile.function(name, len(values))
        computation = self.message(precompile.address, precompile.calldata(name, *values), is_static=True)
        assert computation.is_success, computation.error
        return tuple(decode([parameter.type for parameter in function.returns], computation.output))

    def message(self, to: Address, data: bytes, gas: int = 1_000_000, is_static: bool = False) -> Any:
        """Run one call as a message on the current state (what a contract's CALL would do)."""
        state = self.state
        sender = Address(OWNERS[0].public_key.to_canonical_address())
        message = Message(
            gas=gas, to=to, sender=sender, value=0, data=data, code=b"", is_static=is_static, code_address=to
        )
        return state.computation_class.apply_message(state, message, BaseTransactionContext(1, sender))

    def register(self, key: DeviceKey, owner: int = 0) -> Outcome:
        sender = OWNERS[owner].public_key.to_canonical_address()
        proof = key.sign(key_binding_digest(DEV_CHAIN_ID, key.device_id, sender, key.key_type, key.public_key))
        return self.send(DEVICE_REGISTRY, "register", int(key.key_type), key.public_key, proof, owner=owner)

    def rotate(self, device: bytes, new_key: DeviceKey, owner: int = 0) -> Outcome:
        sender = OWNERS[owner].public_key.to_canonical_address()
        proof = new_key.sign(key_binding_digest(DEV_CHAIN_ID, device, sender, new_key.key_type, new_key.public_key))
        return self.send(
            DEVICE_REGISTRY, "rotateKey", device, int(new_key.key_type), new_key.public_key, proof, owner=owner
        )


def signed_record(
    tag: DeviceKey,
    reader: DeviceKey,
    counter: int,
    timestamp: int,
    chain_id: int = DEV_CHAIN_ID,
    tag_id: bytes | None = None,
    reader_id: bytes | None = None,
    epc: bytes = EPC,
) -> OperationRecord:
    """An operation record signed by both keys (the protocol's result, without the handshake)."""
    unsigned = OperationRecord(
        chain_id=chain_id,
        tag_id=tag_id or tag.device_id,
        epc=epc,
        reader_id=reader_id or reader.device_id,
        timestamp=timestamp,
        counter=counter,
        operation=Operation.READ,
        data_hash=os.urandom(32),
        tag_nonce=os.urandom(16),
        reader_nonce=os.urandom(16),
    )
    return replace(
        unsigned,
        tag_signature=tag.sign(unsigned.tag_digest()),
        reader_signature=reader.sign(unsigned.reader_digest()),
    )


def stamp_arguments(device: DeviceKey, sequence: int, timestamp: int, stamp: bytes | None = None) -> tuple[Any, ...]:
    stamp = stamp or os.urandom(32)
    signature = device.sign(stamp_digest(device.device_id, sequence, timestamp, stamp, DEV_CHAIN_ID))
    return device.device_id, sequence, timestamp, stamp, signature


def batch_arguments(
    gateway: DeviceKey, sensor: DeviceKey, sequence: int, count: int, first_sequence: int = 1
) -> tuple[tuple[Any, ...], list[bytes]]:
    """recordBatch arguments for ``count`` stamps of ``sensor``, and the batch's leaves."""
    entries = []
    for offset in range(count):
        device, number, timestamp, stamp, signature = stamp_arguments(sensor, first_sequence + offset, 1000 + offset)
        entries.append(BatchEntry(device, number, timestamp, stamp, signature))
    leaves = [entry.leaf(DEV_CHAIN_ID) for entry in entries]
    root = merkle_root(leaves)
    manifest = os.urandom(32)
    signature = gateway.sign(batch_digest(gateway.device_id, sequence, root, count, manifest, DEV_CHAIN_ID))
    return (gateway.device_id, sequence, root, count, manifest, signature), leaves
