"""The JSON-RPC process: an HTTP server that forwards every call to the chain process over the bus."""

import logging
import signal
from typing import Any

import trio
from lahja import ConnectionConfig, TrioEndpoint

from walton.node.config import NodeConfig
from walton.node.events import RpcRequest, RpcResponse
from walton.node.logs import setup_logging
from walton.node.rpc.server import ServerLimits, serve_http

logger = logging.getLogger("walton.rpc")
RPC_ENDPOINT = "rpc"
CHAIN_ENDPOINT = "chain"
CALL_TIMEOUT = 60.0


async def run(config: NodeConfig) -> None:
    async with TrioEndpoint(RPC_ENDPOINT).run() as endpoint:
        await endpoint.connect_to_endpoints(ConnectionConfig.from_name(CHAIN_ENDPOINT, config.ipc_dir))
        await endpoint.wait_until_any_endpoint_subscribed_to(RpcRequest)

        async def call(method: str, params: Any) -> RpcResponse:
            with trio.fail_after(CALL_TIMEOUT):
                response: RpcResponse = await endpoint.request(RpcRequest(method, params))
                return response

        limits = ServerLimits(config.max_request_bytes, config.max_batch)
        async with trio.open_nursery() as nursery:
            await nursery.start(serve_http, call, config.http_addr, config.http_port, limits)
            with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                async for signum in signals:
                    logger.info("JSON-RPC process stopping on %s", signal.Signals(signum).name)
                    nursery.cancel_scope.cancel()
                    break


def main(config: NodeConfig) -> None:
    """Process entry point (spawned by the launcher)."""
    setup_logging(config.verbosity, config.log_json)
    trio.run(run, config)
