"""Homestead blocks with the 17-field header."""

from eth.vm.forks.homestead.blocks import HomesteadBlock
from rlp.sedes import CountableList

from walton.vm.forks.gwtc.headers import GwtcBlockHeader
from walton.vm.forks.gwtc.homestead.transactions import GwtcHomesteadTransaction


class GwtcHomesteadBlock(HomesteadBlock):
    transaction_builder = GwtcHomesteadTransaction
    fields = [
        ("header", GwtcBlockHeader),
        ("transactions", CountableList(GwtcHomesteadTransaction)),
        ("uncles", CountableList(GwtcBlockHeader)),
    ]


__all__ = ["GwtcHomesteadBlock"]
