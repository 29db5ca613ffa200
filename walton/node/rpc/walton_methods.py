"""Walton's JSON-RPC extensions: coin age and WPoC seals, which no Ethereum method reports.

Importing this module registers the methods in ``WALTON_METHODS`` (the chain process does).
"""

from typing import Any

from eth.abc import BlockHeaderAPI

from walton.consensus.iot_seal import IOT_HEIGHTS, iot_order, iot_pow, iot_target
from walton.consensus.order import order_hash
from walton.node.backend import NodeBackend
from walton.node.filters import BlockSpec
from walton.node.rpc.errors import ServerError
from walton.node.rpc.methods import (
    OPTIONAL_BLOCK_REF,
    BlockRef,
    Param,
    canonical_block,
    decode_address,
    decode_block_number,
    resolve_state_header,
    state_at,
    to_data,
    to_quantity,
    walton_method,
)
from walton.vm.forks.gwtc.sealer import inspect_header_seal
from walton.vm.forks.gwtc.vm import GwtcVMMixin
from walton.vm.forks.iot import IoTVM, seal_hash


def _seal_of_iot_block(backend: NodeBackend, header: BlockHeaderAPI) -> dict[str, Any]:
    parent = backend.chain.get_block_header_by_hash(header.parent_hash)
    balance = backend.chain.get_vm(parent).state.get_balance(header.coinbase)
    target = iot_target(header.difficulty, balance)
    result = iot_pow(seal_hash(header), int.from_bytes(header.nonce, "big"), header.block_number)
    return {
        "rules": "IoT WPoC",
        "sealHash": to_data(seal_hash(header)),
        "orderHash": to_data(order_hash(header.block_number, seal_hash(header), IOT_HEIGHTS)),
        "order": iot_order(header.block_number),
        "x11Result": to_data(result),
        "target": f"0x{target:064x}",
        "coinbaseBalance": to_quantity(balance),
        "valid": int.from_bytes(result, "big") < target and result == bytes(header.mix_hash),
    }


def _seal_of_gwtc_block(backend: NodeBackend, header: Any, vm_class: type[GwtcVMMixin]) -> dict[str, Any]:
    parent = backend.chain.get_block_header_by_hash(header.parent_hash)
    balance = backend.chain.get_vm(parent).state.get_balance(header.coinbase)
    report = inspect_header_seal(header, balance, vm_class.fork_heights)
    return {
        "rules": "Gwtc WPoC",
        "phase": report.phase,
        "sealHash": to_data(report.seal_hash),
        "orderHash": to_data(report.order_hash),
        "order": report.order,
        "x11Result": to_data(report.x11_result),
        "target": None if report.target is None else f"0x{report.target.target:064x}",
        "coinbaseBalance": to_quantity(balance),
        "valid": report.valid,
        "verdict": report.verdict,
    }


@walton_method("walton_getSeal", Param(decode_block_number))
def walton_get_seal(backend: NodeBackend, spec: BlockSpec) -> dict[str, Any] | None:
    """A block's WPoC seal: X11 order, X11 result, the stake-weighted target and the verdict."""
    block = canonical_block(backend, spec)
    if block is None:
        return None
    header = block.header
    if header.block_number == 0:
        raise ServerError("the genesis block has no seal")
    vm_class = backend.chain.get_vm_class(header)
    if issubclass(vm_class, IoTVM):
        return _seal_of_iot_block(backend, header)
    if issubclass(vm_class, GwtcVMMixin):
        return _seal_of_gwtc_block(backend, header, vm_class)
    raise ServerError(f"{vm_class.__name__} blocks are not WPoC-sealed")


@walton_method("walton_getCoinAge", Param(decode_address), OPTIONAL_BLOCK_REF)
def walton_get_coin_age(backend: NodeBackend, address: bytes, ref: BlockRef) -> dict[str, Any]:
    """An account's coin age and last coin-age update time (Gwtc networks; Gwtc's ``debug_dumpBlock``)."""
    header = resolve_state_header(backend, ref)
    state: Any = state_at(backend, ref)
    if not hasattr(state, "get_coin_age"):
        raise ServerError(f"accounts on {backend.network.name} carry no coin age (IoT fork)")
    return {
        "block": to_quantity(header.block_number),
        "balance": to_quantity(state.get_balance(address)),
        "coinAge": to_quantity(state.get_coin_age(address)),
        "fuBlockTime": to_quantity(state.get_fu_block_time(address)),
    }
