"""Frontier transactions with Walton's intrinsic gas: TxGas 5000, 1 per zero and 20 per non-zero data byte."""

from functools import partial

from eth._utils.transactions import IntrinsicGasSchedule, calculate_intrinsic_gas, create_transaction_signature
from eth.vm.forks.frontier.transactions import FrontierTransaction, FrontierUnsignedTransaction
from eth_keys.datatypes import PrivateKey
from eth_typing import Address

from walton.vm.forks.gwtc import gas

GWTC_FRONTIER_TX_GAS_SCHEDULE = IntrinsicGasSchedule(
    gas_tx=gas.TX_GAS,
    gas_txcreate=0,
    gas_txdatazero=gas.TX_DATA_ZERO_GAS,
    gas_txdatanonzero=gas.TX_DATA_NON_ZERO_GAS,
)
gwtc_frontier_intrinsic_gas = partial(calculate_intrinsic_gas, GWTC_FRONTIER_TX_GAS_SCHEDULE)


class GwtcFrontierTransaction(FrontierTransaction):
    def get_intrinsic_gas(self) -> int:
        return gwtc_frontier_intrinsic_gas(self)

    @classmethod
    def create_unsigned_transaction(
        cls, *, nonce: int, gas_price: int, gas: int, to: Address, value: int, data: bytes
    ) -> "GwtcFrontierUnsignedTransaction":
        return GwtcFrontierUnsignedTransaction(nonce, gas_price, gas, to, value, data)


class GwtcFrontierUnsignedTransaction(FrontierUnsignedTransaction):
    def get_intrinsic_gas(self) -> int:
        return gwtc_frontier_intrinsic_gas(self)

    def as_signed_transaction(self, private_key: PrivateKey, chain_id: int | None = None) -> GwtcFrontierTransaction:
        v, r, s = create_transaction_signature(self, private_key)
        return GwtcFrontierTransaction(self.nonce, self.gas_price, self.gas, self.to, self.value, self.data, v, r, s)


__all__ = ["GWTC_FRONTIER_TX_GAS_SCHEDULE", "GwtcFrontierTransaction", "GwtcFrontierUnsignedTransaction"]
