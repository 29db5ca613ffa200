"""EIP-155 blocks with the 17-field header."""

from eth.vm.forks.spurious_dragon.blocks import SpuriousDragonBlock
from rlp.sedes import CountableList

from walton.vm.forks.gwtc.headers import GwtcBlockHeader
from walton.vm.forks.gwtc.spurious_dragon.transactions import GwtcSpuriousDragonTransaction


class GwtcSpuriousDragonBlock(SpuriousDragonBlock):
    transaction_builder = GwtcSpuriousDragonTransaction
    fields = [
        ("header", GwtcBlockHeader),
        ("transactions", CountableList(GwtcSpuriousDragonTransaction)),
        ("uncles", CountableList(GwtcBlockHeader)),
    ]


__all__ = ["GwtcSpuriousDragonBlock"]
