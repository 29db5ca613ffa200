"""The chain process: the database, the chain, the transaction pool, the filters and the miner.

It serves JSON-RPC calls that arrive over the event bus and is the only writer of the database.
"""

import logging
import signal

import trio
from eth_utils import encode_hex, to_canonical_address
from lahja import ConnectionConfig, EndpointAPI, TrioEndpoint

from walton.db.rocks import RocksDB
from walton.node.backend import NodeBackend
from walton.node.chains import open_chain
from walton.node.config import NodeConfig
from walton.node.db import BlockWriteDB
from walton.node.events import RpcRequest, RpcResponse
from walton.node.filters import FilterManager
from walton.node.logs import setup_logging
from walton.node.miner import Miner
from walton.node.rpc import walton_methods  # noqa: F401  (registers the walton_* methods)
from walton.node.rpc.errors import RpcError
from walton.node.rpc.methods import dispatch
from walton.node.txpool import TxPool
from walton.vm.networks.dev import dev_accounts

logger = logging.getLogger("walton.chain")
CHAIN_ENDPOINT = "chain"
INTERNAL_ERROR = -32603


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


def default_coinbase(network: str) -> str:
    """Where rewards go unless --etherbase says otherwise: the first dev account on the dev network,
    the zero address elsewhere (reported by eth_coinbase; there is no miner there)."""
    return dev_accounts()[0].address if network == "dev" else "0x" + "00" * 20


async def run(config: NodeConfig) -> None:
    store = RocksDB(config.chaindata)
    try:
        db = BlockWriteDB(store)
        opened = open_chain(config.network, db)
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
        coinbase = to_canonical_address(config.etherbase or default_coinbase(config.network))
        backend = NodeBackend(
            chain=opened.chain,
            db=db,
            network=opened.network,
            txpool=TxPool(opened.chain),
            filters=FilterManager(opened.chain),
            coinbase=coinbase,
            mining=config.mine,
        )
        miner = Miner(backend, coinbase, config.block_period) if config.mine else None
        endpoint_config = ConnectionConfig.from_name(CHAIN_ENDPOINT, config.ipc_dir)
        async with TrioEndpoint.serve(endpoint_config) as endpoint, trio.open_nursery() as nursery:
            nursery.start_soon(serve_requests, endpoint, backend, miner)
            if miner is not None:
                nursery.start_soon(miner.run)
            with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                async for signum in signals:
                    logger.info("Chain process stopping on %s", signal.Signals(signum).name)
                    nursery.cancel_scope.cancel()
                    break
    finally:
        store.close()
        logger.info("Database closed")


def main(config: NodeConfig) -> None:
    """Process entry point (spawned by the launcher)."""
    setup_logging(config.verbosity, config.log_json)
    trio.run(run, config)
