"""The chain process: the database, the chain, the transaction pool, the filters and the miner.

It serves JSON-RPC calls that arrive over the event bus and is the only writer of the database.
For the WebSocket subscriptions of the JSON-RPC process, ``ChainFeed`` broadcasts new canonical
blocks and new pending transactions, only the parts the subscriptions need (``FeedDemand``) and
only while an endpoint is subscribed to them.
"""

import contextlib
import logging
import signal
from collections.abc import Sequence
from typing import Any

import trio
from eth.abc import BlockAPI, BlockHeaderAPI, ChainAPI, ReceiptAPI, SignedTransactionAPI
from eth.exceptions import HeaderNotFound
from eth_typing import BlockNumber, Hash32
from eth_utils import encode_hex, to_canonical_address
from lahja import BaseEvent, ConnectionConfig, EndpointAPI, TrioEndpoint
from lahja.exceptions import NoSubscribers

from walton.db.rocks import RocksDB
from walton.node.backend import NodeBackend
from walton.node.chains import open_chain
from walton.node.config import NodeConfig
from walton.node.db import BlockWriteDB
from walton.node.events import (
    FEED_HEADS,
    FEED_LOGS,
    FEED_PENDING,
    FEED_PENDING_FULL,
    FeedDemand,
    FeedDemandAck,
    NewCanonicalBlock,
    NewPendingTransaction,
    RpcRequest,
    RpcResponse,
)
from walton.node.filters import FilterManager, block_logs, logs_of_receipts
from walton.node.logs import setup_logging
from walton.node.miner import AuthorityMiner, Miner
from walton.node.p2p import admin_rpc  # noqa: F401  (registers the admin_* methods)
from walton.node.p2p.service import P2PConfig, P2PService, load_node_key
from walton.node.rawdata import RawDataStore, rawdata_path
from walton.node.rpc import rawdata_methods, walton_methods  # noqa: F401  (register the walton_* methods)
from walton.node.rpc.errors import RpcError
from walton.node.rpc.methods import dispatch, header_to_json, transaction_to_json
from walton.node.txpool import TxPool
from walton.vm.networks.dev import dev_accounts

logger = logging.getLogger("walton.chain")
CHAIN_ENDPOINT = "chain"
INTERNAL_ERROR = -32603
FEED_BACKLOG = 10_000  # events waiting to go on the bus; past this they are dropped (and logged)
MAX_REORG_DEPTH = 1024  # blocks walked back to report the logs a reorganisation removed


def answer(backend: NodeBackend, request: RpcRequest) -> RpcResponse:
    try:
        return RpcResponse(result=dispatch(backend, request.method, request.params))
    except RpcError as exc:
        return RpcResponse(error=exc.as_error())
    except Exception:
        logger.exception("JSON-RPC method %s failed", request.method)
        return RpcResponse(error={"code": INTERNAL_ERROR, "message": f"internal error in {request.method}"})


async def serve_requests(endpoint: EndpointAPI, backend: NodeBackend, miner: Miner | None) -> None:
    async for request in endpoint.stream(RpcRequest):
        response = answer(backend, request)
        if miner is not None and request.method == "eth_sendRawTransaction" and response.error is None:
            miner.notify_new_transaction()
        await endpoint.broadcast(response, request.broadcast_config())


class ChainFeed:
    """New canonical blocks and pending transactions, broadcast for the JSON-RPC process's subscriptions.

    ``on_block`` and ``on_transaction`` run inside a block import or a pool insertion (on the trio
    thread): they only build the event and queue it, and never raise; ``run`` puts the queue on the
    bus. Nothing is built unless the demand (the FEED_* names the subscriptions need, set by
    ``serve_demand``) asks for it and an endpoint is subscribed to the event.
    """

    def __init__(self, chain: ChainAPI) -> None:
        self.chain = chain
        self.demand: frozenset[str] = frozenset()
        self.endpoint: EndpointAPI | None = None
        self._head_hash: Hash32 = chain.get_canonical_head().hash
        self._send, self._receive = trio.open_memory_channel[BaseEvent](FEED_BACKLOG)

    def _wanted(self, feeds: set[str], event_type: type[BaseEvent]) -> bool:
        return (
            bool(self.demand & feeds)
            and self.endpoint is not None
            and self.endpoint.is_any_endpoint_subscribed_to(event_type)
        )

    def _queue(self, event: BaseEvent) -> None:
        try:
            self._send.send_nowait(event)
        except trio.WouldBlock:
            logger.warning("Subscription feed backlog full: dropped a %s event", type(event).__name__)

    def on_block(self, block: BlockAPI, receipts: Sequence[ReceiptAPI]) -> None:
        """A block became canonical (called for each, in chain order, after the import is stored)."""
        old_head, self._head_hash = self._head_hash, block.hash
        if not self._wanted({FEED_HEADS, FEED_LOGS}, NewCanonicalBlock):
            return
        try:
            header = block.header
            logs: list[dict[str, Any]] = []
            removed: list[dict[str, Any]] = []
            if FEED_LOGS in self.demand:
                hashes = [transaction.hash for transaction in block.transactions]
                logs = [entry.to_json() for entry in logs_of_receipts(header, hashes, receipts)]
                if header.parent_hash != old_head:
                    removed = self.removed_logs(old_head)
            header_json = header_to_json(header) if FEED_HEADS in self.demand else None
            self._queue(NewCanonicalBlock(header.block_number, header_json, logs, removed))
        except Exception:
            logger.exception("Could not build the subscription event of block %d", block.number)

    def removed_logs(self, old_head: Hash32) -> list[dict[str, Any]]:
        """The logs of the blocks from ``old_head`` back to the canonical chain, oldest block first,
        marked ``"removed": true`` (geth's removed logs after a reorganisation)."""
        removed: list[BlockHeaderAPI] = []
        header = self.chain.get_block_header_by_hash(old_head)
        while len(removed) < MAX_REORG_DEPTH:
            try:
                canonical = self.chain.get_canonical_block_hash(BlockNumber(header.block_number))
            except HeaderNotFound:
                canonical = None  # the new chain is shorter
            if canonical == header.hash:
                break
            removed.append(header)
            header = self.chain.get_block_header_by_hash(header.parent_hash)
        logs = []
        for old in reversed(removed):
            for entry in block_logs(self.chain, old):
                logs.append({**entry.to_json(), "removed": True})
        return logs

    def on_transaction(self, transaction: SignedTransactionAPI) -> None:
        """A transaction entered the pool (a ``TxPool`` listener)."""
        if not self._wanted({FEED_PENDING, FEED_PENDING_FULL}, NewPendingTransaction):
            return
        try:
            full = transaction_to_json(transaction) if FEED_PENDING_FULL in self.demand else None
            self._queue(NewPendingTransaction(encode_hex(transaction.hash), full))
        except Exception:
            logger.exception("Could not build the subscription event of a pending transaction")

    async def serve_demand(self, endpoint: EndpointAPI) -> None:
        """Take the feeds the JSON-RPC process's subscriptions need; the answer says whether it
        is subscribed to the feed events (if not yet, it asks again)."""
        async for request in endpoint.stream(FeedDemand):
            self.demand = frozenset(request.feeds)
            logger.debug("Subscription feeds: %s", ", ".join(sorted(self.demand)) or "none")
            listening = all(
                endpoint.is_any_endpoint_subscribed_to(event_type)
                for event_type in (NewCanonicalBlock, NewPendingTransaction)
            )
            await endpoint.broadcast(FeedDemandAck(listening), request.broadcast_config())

    async def run(self, endpoint: EndpointAPI) -> None:
        self.endpoint = endpoint
        async for event in self._receive:
            if endpoint.is_any_endpoint_subscribed_to(type(event)):
                with contextlib.suppress(NoSubscribers):  # unsubscribed since the check
                    await endpoint.broadcast(event)


class FeedingFilters(FilterManager):
    """The node's filters, which also hand each new canonical block to the chain feed."""

    def __init__(self, chain: ChainAPI, feed: ChainFeed) -> None:
        super().__init__(chain)
        self.feed = feed

    def on_new_block(self, block: BlockAPI, receipts: Sequence[ReceiptAPI]) -> None:
        super().on_new_block(block, receipts)
        self.feed.on_block(block, receipts)


def default_coinbase(network: str) -> str:
    """Where rewards go unless --etherbase says otherwise: the first dev account on the dev network,
    the zero address elsewhere (reported by eth_coinbase; there is no miner there)."""
    return dev_accounts()[0].address if network == "dev" else "0x" + "00" * 20


def p2p_config(config: NodeConfig) -> P2PConfig:
    return P2PConfig(
        port=config.p2p_port,
        max_peers=config.max_peers,
        discovery=config.discovery,
        bootnodes=config.bootnodes,
        static_nodes=config.static_nodes,
        advertised_host=config.external_ip or "127.0.0.1",
    )


async def run(config: NodeConfig) -> None:
    store = RocksDB(config.chaindata)
    rawdata = RawDataStore(rawdata_path(config.datadir))
    try:
        db = BlockWriteDB(store)
        opened = open_chain(config.network, db, config.fork_heights)
        head = opened.chain.get_canonical_head()
        logger.info(
            "%s chain network=%s chainid=%d head=%d hash=%s datadir=%s",
            "Initialised new" if opened.created else "Reopened",
            opened.network.name,
            opened.network.chain_id,
            head.block_number,
            encode_hex(head.hash),
            config.datadir,
        )
        if config.mine and not opened.can_mine:
            raise SystemExit(f"walton node: mining is not available on {opened.network.name} (IoT-fork networks only)")
        if opened.authority and config.mine and config.authority_key is None:
            raise SystemExit(f"walton node: {opened.network.name} is sealed by its members: give --authority-key FILE")
        if config.authority_key is not None and not opened.authority:
            raise SystemExit(
                f"walton node: --authority-key is for permissioned child chains, not {opened.network.name}"
            )
        coinbase = to_canonical_address(config.etherbase or default_coinbase(config.network))
        feed = ChainFeed(opened.chain)
        txpool = TxPool(opened.chain)
        txpool.listeners.append(feed.on_transaction)
        backend = NodeBackend(
            chain=opened.chain,
            db=db,
            network=opened.network,
            txpool=txpool,
            filters=FeedingFilters(opened.chain, feed),
            coinbase=coinbase,
            mining=config.mine,
            rawdata=rawdata,
        )
        miner: Miner | None = None
        if config.mine:
            if config.authority_key is not None:
                miner = AuthorityMiner(backend, config.authority_key, config.block_period)
            else:
                miner = Miner(backend, coinbase, config.block_period)
        if miner is not None:  # transactions from peers wake the miner as those from JSON-RPC do
            txpool.listeners.append(lambda _transaction: miner.notify_new_transaction())
        p2p = P2PService(backend, load_node_key(config.nodekey_path), p2p_config(config))
        endpoint_config = ConnectionConfig.from_name(CHAIN_ENDPOINT, config.ipc_dir)
        async with TrioEndpoint.serve(endpoint_config) as endpoint, trio.open_nursery() as nursery:
            nursery.start_soon(serve_requests, endpoint, backend, miner)
            nursery.start_soon(feed.serve_demand, endpoint)
            nursery.start_soon(feed.run, endpoint)
            await nursery.start(p2p.run)
            if miner is not None:
                nursery.start_soon(miner.run)
            with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                async for signum in signals:
                    logger.info("Chain process stopping on %s", signal.Signals(signum).name)
                    nursery.cancel_scope.cancel()
                    break
    finally:
        rawdata.close()
        store.close()
        logger.info("Database closed")


def main(config: NodeConfig) -> None:
    """Process entry point (spawned by the launcher)."""
    setup_logging(config.verbosity, config.log_json)
    trio.run(run, config)
