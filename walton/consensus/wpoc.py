"""WPoC seal rules as a py-evm ``ConsensusAPI``, and the miner's nonce search.

``WPoCConsensus`` checks a header's seal with ``walton.consensus.seal.verify_seal`` (Gwtc's
``VerifySeal``: V2 difficulty lock, nonce range, mix digest, X11 result below the stake-scaled
target). From HardForkV2 the target depends on the coinbase balance; following the spec's
recommendation (§4.6) it is read from the **parent block's post-state**, which is what every Gwtc
node used for blocks extending its head.

Any chain class can use it through ``consensus_class`` on its VMs. It reads the parent header and
the coinbase account from the database through two hooks, ``decode_header`` and
``decode_balance``, which default to py-evm's header and account formats; the legacy Gwtc forks
(``walton.vm.forks.gwtc``) subclass it with the 17-field header and 6-field account. Fork heights
are a class attribute: ``WPoCConsensus.configured(heights)`` makes a subclass for one network.
"""

from collections.abc import Callable
from typing import Any, ClassVar, cast

import rlp
from eth.abc import AtomicDatabaseAPI, BlockHeaderAPI, ConsensusAPI, ConsensusContextAPI
from eth.rlp.accounts import Account
from eth.vm.header import HeaderSedes
from eth_hash.auto import keccak
from eth_typing import Address
from eth_utils import ValidationError, encode_hex
from trie import HexaryTrie

from walton.consensus.forks import MAINNET_FORK_HEIGHTS, WaltonForkHeights
from walton.consensus.order import block_order
from walton.consensus.seal import NONCE_LIMIT, SealError, pow_target, seal_input, verify_seal
from walton.consensus.x11 import x11

# A balance above POSPhaseTwoBalance: TargetDiff's largest factor (x8), the most lenient target.
LENIENT_BALANCE = 10**30


class SealValidationError(ValidationError):
    """A header whose seal Gwtc rejects; ``seal_error`` is the ``SealError`` with Gwtc's words."""

    def __init__(self, seal_error: SealError, header: BlockHeaderAPI) -> None:
        super().__init__(str(seal_error))
        self.seal_error = seal_error
        self.header = header


class WPoCConsensus(ConsensusAPI):
    """Gwtc's ``VerifySeal`` for py-evm chains."""

    heights: ClassVar[WaltonForkHeights] = MAINNET_FORK_HEIGHTS
    # When True, V2+ seals are checked against the most lenient balance factor instead of the
    # parent's coinbase balance (a switch for historical sync, spec §4.6).
    lenient_balance: ClassVar[bool] = False

    def __init__(self, context: ConsensusContextAPI) -> None:
        self.context = context

    @classmethod
    def configured(cls, heights: WaltonForkHeights, lenient_balance: bool = False) -> type["WPoCConsensus"]:
        """A subclass bound to one network's fork heights."""
        attributes = {"heights": heights, "lenient_balance": lenient_balance, "__module__": cls.__module__}
        return cast(type[WPoCConsensus], type(cls.__name__, (cls,), attributes))

    @property
    def db(self) -> AtomicDatabaseAPI:
        return cast(AtomicDatabaseAPI, self.context.db)  # type: ignore[attr-defined]

    # -- hooks for the chain's formats -----------------------------------------------------------
    @classmethod
    def decode_header(cls, encoded: bytes) -> BlockHeaderAPI:
        return cast(BlockHeaderAPI, rlp.decode(encoded, sedes=HeaderSedes))

    @classmethod
    def decode_balance(cls, encoded_account: bytes) -> int:
        return cast(int, rlp.decode(encoded_account, sedes=Account).balance)

    # -- state access -----------------------------------------------------------------------------
    def parent_header(self, header: BlockHeaderAPI) -> BlockHeaderAPI:
        try:
            encoded = self.db[header.parent_hash]
        except KeyError:
            raise ValidationError(f"unknown ancestor {encode_hex(header.parent_hash)}") from None
        return self.decode_header(encoded)

    def balance_at(self, state_root: bytes, address: Address) -> int:
        encoded = HexaryTrie(self.db, state_root)[keccak(address)]
        return self.decode_balance(encoded) if encoded else 0

    def coinbase_balance(self, header: BlockHeaderAPI) -> int:
        """The coinbase balance the V2+ target uses: the parent block's post-state (spec §4.6)."""
        if self.lenient_balance:
            return LENIENT_BALANCE
        return self.balance_at(self.parent_header(header).state_root, header.coinbase)

    # -- ConsensusAPI -----------------------------------------------------------------------------
    def validate_seal(self, header: BlockHeaderAPI) -> None:
        number = header.block_number
        balance = self.coinbase_balance(header) if number >= self.heights.v2 else 0
        try:
            verify_seal(
                number=number,
                difficulty=header.difficulty,
                seal_hash=header.mining_hash,
                nonce=int.from_bytes(header.nonce, "big"),
                mix_hash=header.mix_hash,
                coin_age=getattr(header, "coin_age", 0),
                tx_number=getattr(header, "tx_number", 0),
                coinbase_balance=balance,
                heights=self.heights,
            )
        except SealError as error:
            raise SealValidationError(error, header) from error

    def validate_seal_extension(self, header: BlockHeaderAPI, parents: Any) -> None:
        pass

    @classmethod
    def get_fee_recipient(cls, header: BlockHeaderAPI) -> Address:
        return header.coinbase


class NonceNotFound(RuntimeError):
    """No nonce in the searched range gives an X11 result below the target."""


def mine_nonce(
    number: int,
    difficulty: int,
    seal_hash: bytes,
    coin_age: int,
    tx_number: int,
    coinbase_balance: int,
    heights: WaltonForkHeights,
    start_nonce: int = 0,
    max_attempts: int | None = None,
    on_attempt: Callable[[int], None] | None = None,
) -> int:
    """The first nonce from ``start_nonce`` on whose X11 result is strictly below the target (§12.2).

    The arguments are those of ``walton.consensus.seal.pow_target``. The search wraps at 2^64 and
    raises ``NonceNotFound`` after ``max_attempts`` nonces (unbounded when ``None``) or if the
    target is 2^256 or more (Gwtc would panic on such a header).
    """
    target = pow_target(number, difficulty, coin_age, tx_number, coinbase_balance, heights)
    if target >= 2**256:
        raise NonceNotFound(f"target {target:#x} >= 2^256: no Gwtc node accepts such a header")
    order = block_order(number, seal_hash, heights)
    nonce = start_nonce % NONCE_LIMIT
    attempts = 0
    while max_attempts is None or attempts < max_attempts:
        if int.from_bytes(x11(seal_input(seal_hash, nonce), order), "big") < target:
            return nonce
        attempts += 1
        if on_attempt is not None:
            on_attempt(attempts)
        nonce = (nonce + 1) % NONCE_LIMIT
    raise NonceNotFound(f"no nonce below the target in {attempts} attempts from {start_nonce}")


__all__ = ["LENIENT_BALANCE", "NonceNotFound", "SealValidationError", "WPoCConsensus", "mine_nonce"]
