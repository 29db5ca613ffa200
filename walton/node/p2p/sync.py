"""Full sync: headers from the best peer, then bodies, then every block through the normal import path.

The best peer is the one with the highest total difficulty above ours. We find the last block we
share with it, then fetch up to ``MAX_HEADERS`` headers at a time, their bodies ``MAX_BODIES``
at a time, and import each block with ``NodeBackend.import_block`` (full validation, one atomic
write per block), yielding to trio between blocks so the node keeps answering. A chain with more
total difficulty replaces ours (py-evm's import reorganises by score). A peer that sends blocks
that fail validation, or breaks the protocol, is banned; one that times out is dropped; either
way the sync goes on with the next best peer.
"""

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import trio
from eth.abc import BlockAPI, BlockHeaderAPI, ChainAPI
from eth_typing import BlockNumber, Hash32
from eth_utils import ValidationError, encode_hex

from walton.node.p2p.base import DisconnectReason
from walton.node.p2p.eth import (
    GET_BLOCK_BODIES,
    GET_BLOCK_HEADERS,
    MAX_BODIES,
    MAX_HEADERS,
    GetBlockHeaders,
    ProtocolError,
    encode_hashes,
)
from walton.node.p2p.peer import Peer

if TYPE_CHECKING:
    from walton.node.p2p.service import P2PService

logger = logging.getLogger("walton.sync")


class Synchronizer:
    def __init__(self, service: "P2PService") -> None:
        self.service = service
        self.wakeup = trio.Event()
        self.syncing = False
        self.blocks_imported = 0
        self.starting_block = 0  # eth_syncing's figures for the sync under way
        self.highest_block = 0

    @property
    def chain(self) -> ChainAPI:
        return self.service.backend.chain

    def our_total_difficulty(self) -> int:
        score: int = self.chain.get_score(self.service.backend.head().hash)
        return score

    def status(self) -> dict[str, int] | None:
        """While syncing: the head when the sync began, the head now, and the highest header fetched."""
        if not self.syncing:
            return None
        current = self.service.backend.head().block_number
        return {
            "startingBlock": self.starting_block,
            "currentBlock": current,
            "highestBlock": max(self.highest_block, current),
        }

    def trigger(self) -> None:
        """A peer may have a better chain: look again."""
        self.wakeup.set()

    def best_peer(self) -> Peer | None:
        ours = self.our_total_difficulty()
        candidates = [peer for peer in self.service.peers.values() if peer.total_difficulty > ours and not peer.closed]
        return max(candidates, key=lambda peer: peer.total_difficulty, default=None)

    async def run(self) -> None:
        while True:
            peer = self.best_peer()
            if peer is None:
                self.wakeup = trio.Event()
                with trio.move_on_after(10):
                    await self.wakeup.wait()
                continue
            self.syncing = True
            imported, claimed = self.blocks_imported, peer.total_difficulty
            try:
                await self.sync_with(peer)
            except trio.TooSlowError:
                await self.service.drop(peer, DisconnectReason.TIMEOUT, "request timed out during sync")
            except ProtocolError as exc:
                await self.service.punish(peer, DisconnectReason.BREACH_OF_PROTOCOL, f"sync: {exc}")
            except ValidationError as exc:
                await self.service.punish(peer, DisconnectReason.SUBPROTOCOL_ERROR, f"invalid block: {exc}")
            except Exception as exc:  # a dead connection and the like: try the next peer
                await self.service.drop(peer, DisconnectReason.TCP_ERROR, f"sync failed: {type(exc).__name__}: {exc}")
            finally:
                self.syncing = False
            if self.blocks_imported > imported:  # tell the peers, as geth does after a sync
                head = self.service.backend.head()
                self.service.on_canonical_block(self.chain.get_block_by_header(head))
            ours = self.our_total_difficulty()
            if claimed == peer.total_difficulty > ours:
                # It claimed (or we guessed) more than it delivered: believe what we saw, so we do not sync again.
                # (If it announced a newer block meanwhile, the loop syncs again at once.)
                logger.debug("Peer %s has td %d, not the %d it claimed", peer, ours, peer.total_difficulty)
                peer.total_difficulty = ours

    def _known(self, block_hash: Hash32) -> bool:
        return bool(self.chain.chaindb.header_exists(block_hash))

    async def _headers(self, peer: Peer, request: GetBlockHeaders) -> list[BlockHeaderAPI]:
        payload = await peer.request(GET_BLOCK_HEADERS, request.encode())
        headers = self.service.codec.decode_headers(payload)
        if len(headers) > request.amount:
            raise ProtocolError(f"{len(headers)} headers for a request of {request.amount}")
        return headers

    async def find_common_ancestor(self, peer: Peer) -> int:
        """The highest block number whose block we and the peer both have on our chains."""
        head = self.service.backend.head().block_number
        start = max(0, head - MAX_HEADERS + 1)
        headers = await self._headers(peer, GetBlockHeaders(start, MAX_HEADERS))
        for header in reversed(headers):
            if self._known(header.hash):
                return int(header.block_number)
        low, high = 0, start  # block `low` is shared (genesis), `high` is not known to be
        while high - low > 1:
            middle = (low + high) // 2
            found = await self._headers(peer, GetBlockHeaders(middle, 1))
            if found and found[0].block_number == middle and self._known(found[0].hash):
                low = middle
            else:
                high = middle
        return low

    async def sync_with(self, peer: Peer) -> None:
        started = self.blocks_imported
        ancestor = await self.find_common_ancestor(peer)
        logger.info(
            "Syncing with peer=%s td=%d ours=%d from block %d",
            peer,
            peer.total_difficulty,
            self.our_total_difficulty(),
            ancestor + 1,
        )
        number = ancestor + 1
        self.starting_block = self.highest_block = self.service.backend.head().block_number
        parent_hash = self.chain.get_canonical_block_hash(BlockNumber(ancestor))
        if ancestor > 0:
            # The peer's ancestor may be off our canonical chain (a fork we hold): use its hash.
            shared = await self._headers(peer, GetBlockHeaders(ancestor, 1))
            if shared:
                parent_hash = shared[0].hash
        while True:
            headers = await self._headers(peer, GetBlockHeaders(number, MAX_HEADERS))
            if not headers:
                break
            for header in headers:
                if header.block_number != number or header.parent_hash != parent_hash:
                    raise ProtocolError(f"headers do not form a chain at block {number}")
                number += 1
                self.highest_block = max(self.highest_block, header.block_number)
                parent_hash = header.hash
            for offset in range(0, len(headers), MAX_BODIES):
                await self.import_with_bodies(peer, headers[offset : offset + MAX_BODIES])
            if len(headers) < MAX_HEADERS:
                break
        head = self.service.backend.head()
        logger.info(
            "Sync with %s done: imported=%d head=%d hash=%s",
            peer,
            self.blocks_imported - started,
            head.block_number,
            encode_hex(head.hash),
        )

    async def import_with_bodies(self, peer: Peer, headers: Sequence[BlockHeaderAPI]) -> None:
        """Fetch the bodies of ``headers`` from ``peer`` (as many rounds as it needs) and import the blocks."""
        remaining = list(headers)
        while remaining:
            payload = await peer.request(GET_BLOCK_BODIES, encode_hashes([header.hash for header in remaining]))
            bodies = self.service.codec.decode_bodies(payload)
            if not bodies:
                raise ProtocolError("no bodies for blocks it announced")
            if len(bodies) > len(remaining):
                raise ProtocolError(f"{len(bodies)} bodies for a request of {len(remaining)}")
            blocks = [
                self.service.codec.assemble(header, body) for header, body in zip(remaining, bodies, strict=False)
            ]
            await self.import_blocks(peer, blocks)
            remaining = remaining[len(bodies) :]

    async def import_blocks(self, peer: Peer, blocks: Sequence[BlockAPI]) -> None:
        started, imported = time.monotonic(), 0
        for block in blocks:
            if not self._known(block.hash):
                self.service.import_block(block, quiet=True)
                imported += 1
            peer.known_blocks.add(block.hash)
            await trio.sleep(0)  # one block (~0.1 s of X11 and EVM) at a time between JSON-RPC calls
        self.blocks_imported += imported
        if blocks:
            logger.info(
                "Imported new chain segment blocks=%d txs=%d number=%d hash=%s elapsed=%.2fs",
                imported,
                sum(len(block.transactions) for block in blocks),
                blocks[-1].number,
                encode_hex(blocks[-1].hash),
                time.monotonic() - started,
            )
