"""The miner: builds a block from the pool's best transactions, seals it with WPoC, imports it.

Mined blocks take the same path as received ones (``NodeBackend.import_block``). The X11 nonce
search runs in a worker thread in short rounds, so the chain process keeps answering JSON-RPC
while it seals, and a new head or new transactions restart the work.
"""

import logging
import random
import time

import trio
from eth_typing import Address
from eth_utils import encode_hex

from walton.node.backend import NodeBackend
from walton.vm.forks.iot.mining import apply_seal, build_block, coinbase_balance_at_head, find_seal

logger = logging.getLogger("walton.miner")

# Nonces tried per worker-thread round: ~0.1 s of pure-Python X11.
ATTEMPTS_PER_ROUND = 64


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
