"""The miner: builds a block from the pool's best transactions, seals it (WPoC or a member's signature), imports it.

Mined blocks take the same path as received ones (``NodeBackend.import_block``). The X11 nonce
search runs in a worker thread in short rounds, so the chain process keeps answering JSON-RPC
while it seals, and a new head or new transactions restart the work.
"""

import logging
import random
import time
from pathlib import Path

import trio
from eth.abc import BlockAPI
from eth.constants import ZERO_ADDRESS
from eth_keys.datatypes import PrivateKey
from eth_keys.exceptions import ValidationError
from eth_typing import Address, Hash32
from eth_utils import encode_hex

from walton.node.backend import NodeBackend
from walton.vm.forks.authority.mining import keys_by_address, next_sealer, seal_authority_block
from walton.vm.forks.iot.mining import apply_seal, build_block, coinbase_balance_at_head, find_seal

logger = logging.getLogger("walton.miner")

# Nonces tried per worker-thread round: ~0.1 s of pure-Python X11.
ATTEMPTS_PER_ROUND = 64
# Seconds an authority node waiting for another member's block goes before re-reading its key file.
KEY_RELOAD_SECONDS = 2.0


class Miner:
    def __init__(self, backend: NodeBackend, coinbase: Address, block_period: float) -> None:
        self.backend = backend
        self.coinbase = coinbase
        self.block_period = block_period
        self.work_available = trio.Event()
        self.blocks_mined = 0

    def notify_new_transaction(self) -> None:
        self.work_available.set()

    async def _wait_for_work(self) -> None:
        """Return when transactions are pending, or when the block period has passed."""
        if self.backend.txpool.pending_count() > 0:
            return
        self.work_available = trio.Event()
        if self.block_period > 0:
            with trio.move_on_after(self.block_period):
                await self.work_available.wait()
        else:
            await self.work_available.wait()

    def _next_timestamp(self) -> int:
        return max(int(time.time()), self.backend.head().timestamp + 1)

    async def mine_one(self) -> bool:
        """Build, seal and import one block on the current head; False if the head moved meanwhile."""
        chain = self.backend.chain
        head = self.backend.head()
        built = build_block(chain, self.backend.txpool.best_transactions(head), self.coinbase, self._next_timestamp())
        for transaction, reason in built.rejected:
            self.backend.txpool.drop(transaction.hash, reason)
        balance = coinbase_balance_at_head(chain, self.coinbase)
        nonce = random.getrandbits(64)
        started = time.monotonic()
        while True:
            seal = await trio.to_thread.run_sync(find_seal, built.block, balance, nonce, ATTEMPTS_PER_ROUND)
            if self.backend.head() != head:
                return False
            if seal is not None:
                break
            nonce = (nonce + ATTEMPTS_PER_ROUND) % 2**64
        block = apply_seal(built.block, seal)
        self.backend.import_block(block)
        self.blocks_mined += 1
        logger.info(
            "Mined block number=%d hash=%s txs=%d difficulty=%d elapsed=%.2fs",
            block.number,
            encode_hex(block.hash),
            len(block.transactions),
            block.header.difficulty,
            time.monotonic() - started,
        )
        return True

    async def run(self) -> None:
        logger.info("Mining started coinbase=%s period=%ss", encode_hex(self.coinbase), self.block_period)
        while True:
            await self._wait_for_work()
            await self.mine_one()


class AuthorityMiner(Miner):
    """Seals a permissioned child chain: signs the blocks whose in-turn member's key this node holds.

    There is no work to search: the block is built, its header announces any member set voted in
    the parent block, and the in-turn member's key signs it. When another member is in turn the
    node waits for that member's block, which arrives from peers (members on separate nodes) or
    is sealed here (a node holding several keys, as in a local cluster). While it waits it
    re-reads its key file, so the key of a member voted in can be added without a restart.
    """

    def __init__(self, backend: NodeBackend, key_file: Path, block_period: float) -> None:
        super().__init__(backend, ZERO_ADDRESS, block_period)
        self.key_file = key_file
        self.keys = keys_by_address(list(load_authority_keys(key_file)))
        self._waiting_for: tuple[Hash32, Address] | None = None
        self.head_changed = trio.Event()
        backend.block_listeners.append(self._on_new_head)

    def _on_new_head(self, _block: BlockAPI) -> None:
        """A block became canonical (a peer's, or ours): the turn may have passed to this node."""
        self.head_changed.set()
        self.work_available.set()

    async def _wait_for_work(self) -> None:
        """Pending transactions, or the block period since the head's timestamp: the chain keeps its
        pace whichever member's node sealed the head; a new head from a peer starts the wait again."""
        while self.backend.txpool.pending_count() == 0:
            head_hash = self.backend.head().hash
            self.work_available = trio.Event()
            if self.block_period > 0:
                delay = self.backend.head().timestamp + self.block_period - time.time()
                with trio.move_on_after(max(0.0, delay)):
                    await self.work_available.wait()
            else:
                await self.work_available.wait()
            if self.backend.head().hash == head_hash:
                return

    async def _wait_for_new_head(self) -> None:
        """Until a new canonical block arrives (or a while passes, to re-read the key file)."""
        self.head_changed = trio.Event()
        with trio.move_on_after(max(self.block_period, KEY_RELOAD_SECONDS)):
            await self.head_changed.wait()

    def _reload_keys(self) -> None:
        try:
            self.keys = keys_by_address(list(load_authority_keys(self.key_file)))
        except (OSError, ValueError) as exc:  # keep sealing with the keys it has
            logger.warning("Could not re-read the authority keys: %s", exc)

    async def mine_one(self) -> bool:
        chain = self.backend.chain
        head = self.backend.head()
        network = self.backend.network_service
        if network is not None and network.sync_status() is not None:
            # Catching up from peers: a block sealed on a stale head would fork the members' chain.
            await self._wait_for_new_head()
            return False
        sealer, announce = next_sealer(chain)
        if sealer not in self.keys:
            self._reload_keys()
        key = self.keys.get(sealer)
        if key is None:
            if self._waiting_for != (head.hash, sealer):
                # Routine when members run separate nodes; with no peer to deliver the block, the chain halts.
                alone = network is None or network.peer_count() == 0
                logger.log(
                    logging.WARNING if alone else logging.DEBUG,
                    "Waiting for member %s to seal block %d%s",
                    encode_hex(sealer),
                    head.block_number + 1,
                    " (no peers connected)" if alone else "",
                )
                self._waiting_for = (head.hash, sealer)
            await self._wait_for_new_head()
            return False
        built = build_block(chain, self.backend.txpool.best_transactions(head), sealer, self._next_timestamp())
        for transaction, reason in built.rejected:
            self.backend.txpool.drop(transaction.hash, reason)
        block = seal_authority_block(built.block, key, announce)
        self.backend.import_block(block)
        self.blocks_mined += 1
        logger.info(
            "Sealed block number=%d hash=%s txs=%d signer=%s%s",
            block.number,
            encode_hex(block.hash),
            len(block.transactions),
            encode_hex(sealer),
            f" members={len(announce)}" if announce is not None else "",
        )
        return True


def load_authority_keys(path: Path) -> tuple[PrivateKey, ...]:
    """Member keys from a file: one hex private key a line (``#`` comments and blank lines ignored)."""
    keys = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            raw = bytes.fromhex(text.removeprefix("0x"))
            keys.append(PrivateKey(raw))
        except (ValueError, ValidationError) as exc:
            raise ValueError(f"{path}:{number}: not a 32-byte hex private key ({exc})") from None
    if not keys:
        raise ValueError(f"{path}: no private key in the file")
    return tuple(keys)
