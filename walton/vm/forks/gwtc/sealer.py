"""Miner-side sealing for Gwtc headers: search nonces until the X11 result is below the target.

``seal_header`` fills ``nonce`` (and a zero ``mix_hash``) for a header whose other fields are final;
the seal hash covers ``TxNumber`` but not ``CoinAge``, so a miner may set ``coin_age`` before or after.
``seal_block`` does the same for a block on a chain, reading the coinbase balance of the parent's
post-state for V2+ headers (what validators use, spec §4.6).
"""

from typing import Any, cast

from eth.abc import BlockAPI, ChainAPI
from eth.constants import ZERO_HASH32
from eth_hash.auto import keccak
from trie import HexaryTrie

from walton.consensus.forks import WaltonForkHeights
from walton.consensus.seal import SealReport, inspect_seal
from walton.consensus.wpoc import mine_nonce
from walton.vm.forks.gwtc.accounts import decode_account
from walton.vm.forks.gwtc.headers import GwtcBlockHeader


def seal_header(
    header: GwtcBlockHeader,
    heights: WaltonForkHeights,
    coinbase_balance: int = 0,
    start_nonce: int = 0,
    max_attempts: int | None = None,
) -> GwtcBlockHeader:
    """``header`` with the first nonce from ``start_nonce`` that satisfies the seal, and mixHash zero."""
    nonce = mine_nonce(
        number=header.block_number,
        difficulty=header.difficulty,
        seal_hash=header.mining_hash,
        coin_age=header.coin_age,
        tx_number=header.tx_number,
        coinbase_balance=coinbase_balance,
        heights=heights,
        start_nonce=start_nonce,
        max_attempts=max_attempts,
    )
    return cast(GwtcBlockHeader, header.copy(nonce=nonce.to_bytes(8, "big"), mix_hash=ZERO_HASH32))


def parent_coinbase_balance(chain: ChainAPI, header: GwtcBlockHeader) -> int:
    """The coinbase balance in the post-state of ``header``'s parent on ``chain``."""
    parent = chain.get_block_header_by_hash(header.parent_hash)
    encoded = HexaryTrie(chain.chaindb.db, parent.state_root)[keccak(header.coinbase)]
    return decode_account(encoded).balance if encoded else 0


def seal_block(chain: ChainAPI, block: BlockAPI, start_nonce: int = 0, max_attempts: int | None = None) -> BlockAPI:
    """``block`` re-sealed for ``chain`` (its parent must be on the chain for V2+ headers)."""
    header = cast(GwtcBlockHeader, block.header)
    vm_class: Any = chain.get_vm_class_for_block_number(header.block_number)
    heights: WaltonForkHeights = vm_class.fork_heights
    balance = parent_coinbase_balance(chain, header) if header.block_number >= heights.v2 else 0
    sealed = seal_header(header, heights, balance, start_nonce, max_attempts)
    result: BlockAPI = block.copy(header=sealed)
    return result


def inspect_header_seal(header: GwtcBlockHeader, coinbase_balance: int, heights: WaltonForkHeights) -> SealReport:
    """Every intermediate value of ``header``'s seal check (for ``walton pow`` and ``walton_getSeal``)."""
    return inspect_seal(
        number=header.block_number,
        difficulty=header.difficulty,
        seal_hash=header.mining_hash,
        nonce=header.nonce_int,
        mix_hash=header.mix_hash,
        coin_age=header.coin_age,
        tx_number=header.tx_number,
        coinbase_balance=coinbase_balance,
        heights=heights,
    )


__all__ = ["inspect_header_seal", "parent_coinbase_balance", "seal_block", "seal_header"]
