"""Byzantium blocks with the 17-field header; receipts carry a status code."""

from eth.vm.forks.byzantium.blocks import ByzantiumBlock
from rlp.sedes import CountableList

from walton.vm.forks.gwtc.byzantium.transactions import GwtcByzantiumTransaction
from walton.vm.forks.gwtc.headers import GwtcBlockHeader


class GwtcByzantiumBlock(ByzantiumBlock):
    transaction_builder = GwtcByzantiumTransaction
    fields = [
        ("header", GwtcBlockHeader),
        ("transactions", CountableList(GwtcByzantiumTransaction)),
        ("uncles", CountableList(GwtcBlockHeader)),
    ]


__all__ = ["GwtcByzantiumBlock"]
