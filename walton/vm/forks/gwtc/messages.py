"""Messages that know whether Gwtc runs ``Transfer`` for them.

go-ethereum 1.7.1 moves value (``core.Transfer``: ``SubBalance`` then ``AddBalance``, both
accruing coin age) for transactions, ``CALL`` and ``CREATE``, including value 0, but not for
``CALLCODE``, ``DELEGATECALL`` or ``STATICCALL``. py-evm marks ``CALLCODE`` messages as
value-transferring (to the caller itself), so the message carries Gwtc's answer explicitly.
"""

from typing import Any

from eth.vm.message import Message


class GwtcMessage(Message):
    __slots__ = ["gwtc_transfer"]

    def __init__(self, *args: Any, gwtc_transfer: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gwtc_transfer = gwtc_transfer


def runs_transfer(message: Any) -> bool:
    """Whether Gwtc calls ``Transfer`` for this message (``CALL``, a transaction, ``CREATE``)."""
    return bool(getattr(message, "gwtc_transfer", False))


__all__ = ["GwtcMessage", "runs_transfer"]
