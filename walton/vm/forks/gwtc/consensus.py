"""WPoC for the legacy Gwtc forks: ``WPoCConsensus`` reading the 17-field header and the 6-field account."""

from eth.abc import BlockHeaderAPI

from walton.consensus.wpoc import WPoCConsensus
from walton.vm.forks.gwtc.accounts import decode_account
from walton.vm.forks.gwtc.headers import decode_header


class GwtcWPoCConsensus(WPoCConsensus):
    @classmethod
    def decode_header(cls, encoded: bytes) -> BlockHeaderAPI:
        return decode_header(encoded)

    @classmethod
    def decode_balance(cls, encoded_account: bytes) -> int:
        return decode_account(encoded_account).balance


__all__ = ["GwtcWPoCConsensus"]
