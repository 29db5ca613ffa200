"""Byzantium transactions (same format as EIP-155) at Walton's intrinsic gas."""

from eth._utils.transactions import create_transaction_signature
from eth.vm.forks.byzantium.transactions import ByzantiumTransaction, ByzantiumUnsignedTransaction
from eth_keys.datatypes import PrivateKey
from eth_typing import Address

from walton.vm.forks.gwtc.homestead.transactions import gwtc_homestead_intrinsic_gas


class GwtcByzantiumTransaction(ByzantiumTransaction):
    def get_intrinsic_gas(self) -> int:
        return gwtc_homestead_intrinsic_gas(self)

    @classmethod
    def create_unsigned_transaction(
        cls, *, nonce: int, gas_price: int, gas: int, to: Address, value: int, data: bytes
    ) -> "GwtcByzantiumUnsignedTransaction":
        return GwtcByzantiumUnsignedTransaction(nonce, gas_price, gas, to, value, data)


class GwtcByzantiumUnsignedTransaction(ByzantiumUnsignedTransaction):
    def get_intrinsic_gas(self) -> int:
        return gwtc_homestead_intrinsic_gas(self)

    def as_signed_transaction(self, private_key: PrivateKey, chain_id: int | None = None) -> GwtcByzantiumTransaction:
        v, r, s = create_transaction_signature(self, private_key, chain_id=chain_id)  # type: ignore[arg-type]
        return GwtcByzantiumTransaction(self.nonce, self.gas_price, self.gas, self.to, self.value, self.data, v, r, s)


__all__ = ["GwtcByzantiumTransaction", "GwtcByzantiumUnsignedTransaction"]
