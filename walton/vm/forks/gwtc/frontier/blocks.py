"""Frontier blocks: ``[header, transactions, uncles]`` with the 17-field header."""

from eth.vm.forks.frontier.blocks import FrontierBlock
from rlp.sedes import CountableList

from walton.vm.forks.gwtc.frontier.transactions import GwtcFrontierTransaction
from walton.vm.forks.gwtc.headers import GwtcBlockHeader


class GwtcFrontierBlock(FrontierBlock):
    transaction_builder = GwtcFrontierTransaction
    fields = [
        ("header", GwtcBlockHeader),
        ("transactions", CountableList(GwtcFrontierTransaction)),
        ("uncles", CountableList(GwtcBlockHeader)),
    ]


__all__ = ["GwtcFrontierBlock"]
