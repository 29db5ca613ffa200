"""Stateless transaction validity that py-evm leaves out and Ethereum clients enforce.

py-evm decodes and signature-checks transactions but does not compare a transaction's chain id
with the chain's, does not count EIP-3860's initcode word gas as intrinsic gas (it charges it
during execution, so a transaction that cannot pay it becomes a failed transaction instead of an
invalid one), and lets gas and fee values overflow what geth's 64- and 256-bit fields hold.
Every rule here is named after the ``TransactionException`` Ethereum's fixtures use for it.
"""

import rlp
from eth._utils.state import code_is_delegation_designation
from eth.abc import SignedTransactionAPI, StateAPI, VirtualMachineAPI
from eth.constants import CREATE_CONTRACT_ADDRESS
from eth.vm import forks as pyevm
from eth.vm.forks.cancun.constants import GAS_PER_BLOB
from eth.vm.forks.cancun.constants import MAX_BLOB_GAS_PER_BLOCK as CANCUN_MAX_BLOB_GAS
from eth.vm.forks.prague.constants import MAX_BLOB_GAS_PER_BLOCK as PRAGUE_MAX_BLOB_GAS
from eth.vm.forks.prague.constants import STANDARD_TOKEN_COST, TOTAL_COST_FLOOR_PER_TOKEN
from eth.vm.forks.shanghai.constants import INITCODE_WORD_COST, MAX_INITCODE_SIZE
from eth_utils import ValidationError

BLOB_TX_TYPE = 3
UINT64_MAX = 2**64 - 1
UINT256_CEILING = 2**256
TX_BASE_GAS = 21000


class InvalidTransaction(ValidationError):
    """A transaction no block may contain, whatever the state."""


def fresh_encoding(transaction: SignedTransactionAPI) -> bytes:
    """The transaction's encoding rebuilt from its fields (pyrlp otherwise returns the bytes it was decoded from)."""
    inner = getattr(transaction, "_inner", None)
    if inner is None:
        return rlp.encode(transaction, sedes=type(transaction))
    return bytes([transaction.type_id or 0]) + rlp.encode(inner, sedes=type(inner))


def decode_transaction(vm_class: type[VirtualMachineAPI], raw: bytes) -> SignedTransactionAPI:
    """Decode a raw transaction strictly: bytes that are not the canonical encoding are rejected.

    pyrlp reads an empty list where an integer belongs as 0, so a transaction whose fields are
    mis-encoded would otherwise decode (TYPE_4_INVALID_AUTHORIZATION_FORMAT fixtures).
    """
    transaction = vm_class.get_transaction_builder().decode(raw)
    if fresh_encoding(transaction) != raw:
        raise InvalidTransaction("transaction RLP is not in canonical form")
    return transaction


def _is_at_least(vm_class: type[VirtualMachineAPI], fork: type[VirtualMachineAPI]) -> bool:
    return issubclass(vm_class, fork)


def initcode_word_gas(transaction: SignedTransactionAPI) -> int:
    """EIP-3860: 2 gas per 32-byte word of a creation transaction's init code."""
    if transaction.to != CREATE_CONTRACT_ADDRESS:
        return 0
    return INITCODE_WORD_COST * ((len(transaction.data) + 31) // 32)


def floor_data_gas(transaction: SignedTransactionAPI) -> int:
    """EIP-7623: the least gas a Prague transaction may be charged for its calldata."""
    zero_bytes = transaction.data.count(0)
    tokens = zero_bytes + (len(transaction.data) - zero_bytes) * STANDARD_TOKEN_COST
    return TX_BASE_GAS + TOTAL_COST_FLOOR_PER_TOKEN * tokens


def intrinsic_gas(vm_class: type[VirtualMachineAPI], transaction: SignedTransactionAPI) -> int:
    """Intrinsic gas as Ethereum defines it: py-evm's, plus initcode word gas from Shanghai."""
    gas: int = transaction.intrinsic_gas
    if _is_at_least(vm_class, pyevm.ShanghaiVM):
        gas += initcode_word_gas(transaction)
    return gas


def _fee_cap(transaction: SignedTransactionAPI) -> int:
    return getattr(transaction, "max_fee_per_gas", None) or transaction.gas_price


def validate_transaction_fields(
    vm_class: type[VirtualMachineAPI], transaction: SignedTransactionAPI, chain_id: int
) -> None:
    """Raise ``InvalidTransaction`` for a transaction that fails a rule independent of state."""
    if transaction.chain_id is not None and transaction.chain_id != chain_id:
        raise InvalidTransaction(f"INVALID_CHAINID: transaction chain id {transaction.chain_id}, chain {chain_id}")
    if transaction.gas > UINT64_MAX:
        raise InvalidTransaction(f"GASLIMIT_OVERFLOW: gas limit {transaction.gas} exceeds 2**64 - 1")
    max_priority = getattr(transaction, "max_priority_fee_per_gas", None)
    if max_priority is not None and max_priority > transaction.max_fee_per_gas:
        raise InvalidTransaction(
            f"PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS: {max_priority} > {transaction.max_fee_per_gas}"
        )
    if transaction.gas * _fee_cap(transaction) >= UINT256_CEILING:
        raise InvalidTransaction("GASLIMIT_PRICE_PRODUCT_OVERFLOW: gas limit times fee cap exceeds 2**256 - 1")
    required = intrinsic_gas(vm_class, transaction)
    if transaction.gas < required:
        raise InvalidTransaction(f"INTRINSIC_GAS_TOO_LOW: gas limit {transaction.gas} < intrinsic gas {required}")
    if _is_at_least(vm_class, pyevm.PragueVM) and transaction.gas < floor_data_gas(transaction):
        raise InvalidTransaction(
            f"INTRINSIC_GAS_TOO_LOW: gas limit {transaction.gas} < calldata floor {floor_data_gas(transaction)}"
        )
    is_create = transaction.to == CREATE_CONTRACT_ADDRESS
    if _is_at_least(vm_class, pyevm.ShanghaiVM) and is_create and len(transaction.data) > MAX_INITCODE_SIZE:
        raise InvalidTransaction(f"INITCODE_SIZE_EXCEEDED: {len(transaction.data)} > {MAX_INITCODE_SIZE} bytes")
    if transaction.type_id == BLOB_TX_TYPE:
        blob_hashes = transaction.blob_versioned_hashes
        if is_create:
            raise InvalidTransaction("TYPE_3_TX_CONTRACT_CREATION: a blob transaction must have a recipient")
        limit = PRAGUE_MAX_BLOB_GAS if _is_at_least(vm_class, pyevm.PragueVM) else CANCUN_MAX_BLOB_GAS
        if len(blob_hashes) * GAS_PER_BLOB > limit:
            raise InvalidTransaction(
                f"TYPE_3_TX_BLOB_COUNT_EXCEEDED: {len(blob_hashes)} blobs, at most {limit // GAS_PER_BLOB}"
            )


def max_cost(transaction: SignedTransactionAPI) -> int:
    """What the sender must be able to pay up front: gas at the fee cap, the value, blob gas at its cap."""
    cost = transaction.gas * _fee_cap(transaction) + transaction.value
    if transaction.type_id == BLOB_TX_TYPE:
        cost += len(transaction.blob_versioned_hashes) * GAS_PER_BLOB * transaction.max_fee_per_blob_gas
    return cost


def validate_transaction_against_state(
    vm_class: type[VirtualMachineAPI], transaction: SignedTransactionAPI, state: StateAPI
) -> None:
    """Raise ``InvalidTransaction`` for a sender that may not send it: a contract, or one short of funds."""
    code = state.get_code(transaction.sender)
    may_delegate = _is_at_least(vm_class, pyevm.PragueVM) and code_is_delegation_designation(code)
    if code and not may_delegate:
        raise InvalidTransaction("SENDER_NOT_EOA: the sender has code (EIP-3607)")
    balance = state.get_balance(transaction.sender)
    if balance < max_cost(transaction):
        raise InvalidTransaction(
            f"INSUFFICIENT_ACCOUNT_FUNDS: balance {balance} < gas * fee cap + value + blob fees {max_cost(transaction)}"
        )
