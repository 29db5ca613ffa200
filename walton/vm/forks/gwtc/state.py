"""State and transaction-execution rules shared by every legacy Gwtc fork (spec §4.2, §10).

``GwtcStateMixin`` goes in front of a py-evm fork state class. Its ``delta_balance`` is Gwtc's
``AddBalance``/``SubBalance``: coin-age accrual at the block timestamp first, for every amount
including 0. py-evm routes the gas purchase, value transfers, refunds, the fee payment and the
block reward through ``delta_balance``, so each of them accrues exactly where Gwtc's does.

``GwtcTransactionExecutorMixin`` follows go-ethereum 1.7.1's ``StateTransition``:

* buy gas (``SubBalance(sender, gas * price)``), increment the nonce;
* for a call, create the recipient if it does not exist (``st.to()``), outside the call's
  snapshot, then run the message, whose value transfer (``Transfer``) happens for every value
  including 0;
* refund in two ``AddBalance`` calls (leftover gas, then the capped refund counter), pay the fee
  to the coinbase (``AddBalance``, also when 0), delete self-destructed accounts;
* from EIP-158, delete touched accounts that are empty under Gwtc's emptiness (coin age 0 too).
"""

from typing import TYPE_CHECKING, Any, cast

from eth._utils.address import generate_contract_address
from eth.abc import AccountDatabaseAPI, ComputationAPI, MessageAPI, SignedTransactionAPI, StateAPI
from eth.constants import CREATE_CONTRACT_ADDRESS, SECPK1_N
from eth.exceptions import ContractCreationCollision
from eth.vm.forks.frontier.constants import MAX_REFUND_QUOTIENT
from eth.vm.forks.homestead.transactions import HomesteadTransaction
from eth_keys.exceptions import BadSignature
from eth_typing import Address
from eth_utils import ValidationError, encode_hex

from walton.vm.forks.gwtc.accounts import GwtcAccount, GwtcAccountDB
from walton.vm.forks.gwtc.gas import SUICIDE_REFUND_GAS
from walton.vm.forks.gwtc.messages import GwtcMessage, runs_transfer

if TYPE_CHECKING:
    StateBase = StateAPI
    ExecutorBase = Any
else:
    StateBase = object
    ExecutorBase = object


class GwtcStateMixin(StateBase):
    """Coin age on every balance operation, Gwtc's account creation, suicide and emptiness."""

    account_db_class: type[AccountDatabaseAPI] = GwtcAccountDB

    @property
    def gwtc_accounts(self) -> GwtcAccountDB:
        return cast(GwtcAccountDB, self._account_db)  # type: ignore[attr-defined]

    def accrue_coin_age(self, address: Address) -> None:
        self.gwtc_accounts.accrue_coin_age(address, self.timestamp)

    def delta_balance(self, address: Address, delta: int) -> None:
        """``AddBalance``/``SubBalance``: accrue coin age at the block time, then change the balance."""
        self.accrue_coin_age(address)
        if delta:
            self.set_balance(address, self.get_balance(address) + delta)

    def transfer(self, sender: Address, recipient: Address, value: int) -> None:
        """``core.Transfer``: ``SubBalance(sender)`` then ``AddBalance(recipient)``, for any value."""
        self.delta_balance(sender, -value)
        self.delta_balance(recipient, value)

    def create_account(self, address: Address) -> None:
        self.gwtc_accounts.create_account(address)

    def suicide(self, address: Address) -> None:
        self.gwtc_accounts.suicide(address)

    def get_coin_age(self, address: Address) -> int:
        return self.gwtc_accounts.get_coin_age(address)

    def set_coin_age(self, address: Address, coin_age: int) -> None:
        self.gwtc_accounts.set_coin_age(address, coin_age)

    def get_fu_block_time(self, address: Address) -> int:
        return self.gwtc_accounts.get_fu_block_time(address)

    def get_account(self, address: Address) -> GwtcAccount:
        return self.gwtc_accounts.get_account(address)


UINT64_MAX = 2**64 - 1
RIPEMD160_ADDRESS = Address(b"\x00" * 19 + b"\x03")


def touched_accounts(computation: ComputationAPI, ancestor_had_error: bool = False) -> set[Address]:
    """The accounts an EIP-158 clean-up looks at after a transaction.

    py-evm's ``collect_touched_accounts`` (coinbase, self-destruct beneficiaries and message
    targets of frames that did not fail; RIPEMD-160 even in failed frames, the geth/parity quirk
    of EIP-716), except that a message target counts only when Gwtc touched it: a ``CALL`` or the
    transaction itself. ``CALLCODE``, ``DELEGATECALL`` and ``STATICCALL`` do not touch their target
    in go-ethereum 1.7.1.
    """
    touched = {computation.state.coinbase}
    failed = computation.is_error or ancestor_had_error
    for beneficiary in computation.get_self_destruct_beneficiaries():
        if not failed or beneficiary == RIPEMD160_ADDRESS:
            touched.add(beneficiary)
    message = computation.msg
    if (
        message.to != CREATE_CONTRACT_ADDRESS
        and runs_transfer(message)
        and (not failed or message.to == RIPEMD160_ADDRESS)
    ):
        touched.add(message.to)
    for child in computation.children:
        touched |= touched_accounts(child, failed)
    return touched


def signature_is_valid(transaction: SignedTransactionAPI) -> bool:
    """go-ethereum 1.7.1's signer checks: v in range, 0 < r, s < n (s <= n/2 from Homestead), recoverable."""
    if not transaction.v_min <= transaction.v <= transaction.v_max:  # type: ignore[attr-defined]
        return False
    if not (0 < transaction.r < SECPK1_N and 0 < transaction.s < SECPK1_N):
        return False
    if isinstance(transaction, HomesteadTransaction) and transaction.s > SECPK1_N // 2:
        return False
    try:
        transaction.check_signature_validity()
        transaction.sender  # noqa: B018 - recovers the sender
    except (ValidationError, BadSignature, ValueError):
        return False
    return True


class GwtcTransactionExecutorMixin(ExecutorBase):
    """go-ethereum 1.7.1's state transition with Gwtc's balance operations."""

    vm_state: StateAPI
    eip158: bool = False

    @property
    def gwtc_state(self) -> GwtcStateMixin:
        return cast(GwtcStateMixin, self.vm_state)

    def validate_transaction(self, transaction: SignedTransactionAPI) -> None:
        """The checks of ``ApplyTransaction``/``preCheck``/``TransitionDb`` in Gwtc's order and words."""
        state = self.gwtc_state
        chain_id = transaction.chain_id
        if chain_id is not None and chain_id != state.execution_context.chain_id:
            raise ValidationError(
                f"invalid chain id for signer: transaction has {chain_id}, chain is {state.execution_context.chain_id}"
            )
        if not signature_is_valid(transaction):
            raise ValidationError("invalid transaction v, r, s values")
        sender = transaction.sender
        nonce = state.get_nonce(sender)
        if nonce < transaction.nonce:
            raise ValidationError(f"nonce too high: account has {nonce}, transaction has {transaction.nonce}")
        if nonce > transaction.nonce:
            raise ValidationError(f"nonce too low: account has {nonce}, transaction has {transaction.nonce}")
        if transaction.gas > UINT64_MAX:
            raise ValidationError(f"out of gas: transaction gas limit {transaction.gas} exceeds 64 bits")
        balance = state.get_balance(sender)
        gas_cost = transaction.gas * state.get_gas_price(transaction)
        if balance < gas_cost:
            raise ValidationError(f"insufficient balance to pay for gas: have {balance}, need {gas_cost}")
        if transaction.gas < transaction.intrinsic_gas:
            raise ValidationError(
                f"out of gas: intrinsic gas {transaction.intrinsic_gas} > gas limit {transaction.gas}"
            )
        if balance - gas_cost < transaction.value:
            raise ValidationError(
                f"insufficient balance for transfer: have {balance - gas_cost} after gas, need {transaction.value}"
            )

    def build_evm_message(self, transaction: SignedTransactionAPI) -> MessageAPI:
        state = self.gwtc_state
        gas_fee = transaction.gas * state.get_gas_price(transaction)
        state.delta_balance(transaction.sender, -gas_fee)  # buyGas: SubBalance, accrues
        state.increment_nonce(transaction.sender)
        message_gas = transaction.gas - transaction.intrinsic_gas
        if transaction.to == CREATE_CONTRACT_ADDRESS:
            contract_address = generate_contract_address(transaction.sender, state.get_nonce(transaction.sender) - 1)
            data, code = b"", transaction.data
        else:
            contract_address = None
            data, code = transaction.data, state.get_code(transaction.to)
        return GwtcMessage(
            gas=message_gas,
            to=transaction.to,
            sender=transaction.sender,
            value=transaction.value,
            data=data,
            code=code,
            create_address=contract_address,
            gwtc_transfer=True,
        )

    def build_computation(self, message: MessageAPI, transaction: SignedTransactionAPI) -> ComputationAPI:
        state = self.gwtc_state
        transaction_context = state.get_transaction_context(transaction)
        if message.is_create:
            if state.has_code_or_nonce(message.storage_address):
                computation = state.get_computation(message, transaction_context)
                computation.error = ContractCreationCollision(
                    f"Address collision while creating contract: {encode_hex(message.storage_address)}"
                )
                return computation
            return state.computation_class.apply_create_message(state, message, transaction_context)
        if not state.account_exists(message.to):
            state.create_account(message.to)  # st.to(): created before the call's snapshot
        return state.computation_class.apply_message(state, message, transaction_context)

    @classmethod
    def calculate_gas_refund(cls, computation: ComputationAPI, gas_used: int) -> int:
        deletions = len(computation.get_accounts_for_deletion())
        if deletions:
            computation.refund_gas(SUICIDE_REFUND_GAS * deletions)
        return min(computation.get_gas_refund(), gas_used // MAX_REFUND_QUOTIENT)

    def finalize_computation(self, transaction: SignedTransactionAPI, computation: ComputationAPI) -> ComputationAPI:
        state = self.gwtc_state
        computation.data_floor_gas = 0  # read by py-evm's receipt code (Prague)
        price = state.get_transaction_context(transaction).gas_price
        gas_remaining = computation.get_gas_remaining()
        gas_refund = self.calculate_gas_refund(computation, transaction.gas - gas_remaining)
        sender = computation.msg.sender
        state.delta_balance(sender, gas_remaining * price)  # refundGas: leftover gas
        state.delta_balance(sender, gas_refund * price)  # refundGas: refund counter
        gas_used = transaction.gas - gas_remaining - gas_refund
        state.delta_balance(state.coinbase, gas_used * state.get_tip(transaction))
        for account in computation.get_accounts_for_deletion():
            state.delete_account(account)
        if self.eip158:
            touched = touched_accounts(computation)
            if transaction.to != CREATE_CONTRACT_ADDRESS:
                touched.add(transaction.to)
            for account in sorted(touched):
                if state.account_exists(account) and state.account_is_empty(account):
                    state.delete_account(account)
        return computation


__all__ = ["GwtcStateMixin", "GwtcTransactionExecutorMixin", "signature_is_valid", "touched_accounts"]
