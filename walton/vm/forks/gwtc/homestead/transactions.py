"""Homestead transactions: creation intrinsic gas TxGasContractCreation = 10000 (5000 + 5000); low-s rule."""

from functools import partial

from eth._utils.transactions import calculate_intrinsic_gas, create_transaction_signature
from eth.vm.forks.homestead.transactions import HomesteadTransaction, HomesteadUnsignedTransaction
from eth_keys.datatypes import PrivateKey
from eth_typing import Address

from walton.vm.forks.gwtc import gas
from walton.vm.forks.gwtc.frontier.transactions import GWTC_FRONTIER_TX_GAS_SCHEDULE

GWTC_HOMESTEAD_TX_GAS_SCHEDULE = GWTC_FRONTIER_TX_GAS_SCHEDULE._replace(
    gas_txcreate=gas.TX_GAS_CONTRACT_CREATION - gas.TX_GAS
)
gwtc_homestead_intrinsic_gas = partial(calculate_intrinsic_gas, GWTC_HOMESTEAD_TX_GAS_SCHEDULE)


class GwtcHomesteadTransaction(HomesteadTransaction):
    def get_intrinsic_gas(self) -> int:
        return gwtc_homestead_intrinsic_gas(self)

    @classmethod
    def create_unsigned_transaction(
        cls, *, nonce: int, gas_price: int, gas: int, to: Address, value: int, data: bytes
    ) -> "GwtcHomesteadUnsignedTransaction":
        return GwtcHomesteadUnsignedTransaction(nonce, gas_price, gas, to, value, data)


class GwtcHomesteadUnsignedTransaction(HomesteadUnsignedTransaction):
    def get_intrinsic_gas(self) -> int:
        return gwtc_homestead_intrinsic_gas(self)

    def as_signed_transaction(self, private_key: PrivateKey, chain_id: int | None = None) -> GwtcHomesteadTransaction:
        v, r, s = create_transaction_signature(self, private_key)
        return GwtcHomesteadTransaction(self.nonce, self.gas_price, self.gas, self.to, self.value, self.data, v, r, s)


__all__ = ["GWTC_HOMESTEAD_TX_GAS_SCHEDULE", "GwtcHomesteadTransaction", "GwtcHomesteadUnsignedTransaction"]
