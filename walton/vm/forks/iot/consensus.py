"""WPoC as a py-evm ``ConsensusAPI`` for IoT-fork chains: the seal checked against the parent's state."""

from collections.abc import Iterable
from typing import cast

from eth.abc import BlockHeaderAPI, ConsensusAPI, ConsensusContextAPI
from eth.consensus.context import ConsensusContext
from eth.db.account import AccountDB
from eth.db.chain import ChainDB
from eth_typing import Address
from eth_utils import ValidationError

from walton.consensus.iot_seal import verify_iot_seal
from walton.consensus.seal import SealError
from walton.vm.forks.iot.headers import seal_hash


class IoTSealConsensus(ConsensusAPI):
    """Checks the X11 seal; the stake factor uses the coinbase balance in the parent's post state."""

    def __init__(self, context: ConsensusContextAPI) -> None:
        self._db = cast(ConsensusContext, context).db

    def coinbase_balance_at_parent(self, header: BlockHeaderAPI) -> int:
        parent = ChainDB(self._db).get_block_header_by_hash(header.parent_hash)
        return AccountDB(self._db, parent.state_root).get_balance(header.coinbase)

    def validate_seal(self, header: BlockHeaderAPI) -> None:
        try:
            verify_iot_seal(
                header.block_number,
                header.difficulty,
                seal_hash(header),
                int.from_bytes(header.nonce, "big"),
                header.mix_hash,
                self.coinbase_balance_at_parent(header),
            )
        except SealError as exc:
            raise ValidationError(f"block {header.block_number}: {exc}") from exc

    def validate_seal_extension(self, header: BlockHeaderAPI, parents: Iterable[BlockHeaderAPI]) -> None:
        """Nothing beyond the seal itself: WPoC has no extra-data or signer rules."""

    @classmethod
    def get_fee_recipient(cls, header: BlockHeaderAPI) -> Address:
        return header.coinbase
