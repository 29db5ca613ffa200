"""EIP-155 transactions (replay protection with the chain id of the chain config) at Walton's intrinsic gas."""

from eth._utils.transactions import create_transaction_signature
from eth.vm.forks.spurious_dragon.transactions import (
    SpuriousDragonTransaction,
    SpuriousDragonUnsignedTransaction,
)
from eth_keys.datatypes import PrivateKey
from eth_typing import Address

from walton.vm.forks.gwtc.homestead.transactions import gwtc_homestead_intrinsic_gas


class GwtcSpuriousDragonTransaction(SpuriousDragonTransaction):
    def get_intrinsic_gas(self) -> int:
        return gwtc_homestead_intrinsic_gas(self)

    @classmethod
    def create_unsigned_transaction(
        cls, *, nonce: int, gas_price: int, gas: int, to: Address, value: int, data: bytes
    ) -> "GwtcSpuriousDragonUnsignedTransaction":
        return GwtcSpuriousDragonUnsignedTransaction(nonce, gas_price, gas, to, value, data)


class GwtcSpuriousDragonUnsignedTransaction(SpuriousDragonUnsignedTransaction):
    def get_intrinsic_gas(self) -> int:
        return gwtc_homestead_intrinsic_gas(self)

    def as_signed_transaction(
        self, private_key: PrivateKey, chain_id: int | None = None
    ) -> GwtcSpuriousDragonTransaction:
        v, r, s = create_transaction_signature(self, private_key, chain_id=chain_id)  # type: ignore[arg-type]
        return GwtcSpuriousDragonTransaction(
            self.nonce, self.gas_price, self.gas, self.to, self.value, self.data, v, r, s
        )


__all__ = ["GwtcSpuriousDragonTransaction", "GwtcSpuriousDragonUnsignedTransaction"]
