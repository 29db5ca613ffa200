"""The JSON-RPC process: HTTP and WebSocket servers that forward every call to the chain process over the bus.

With ``--ws`` it also serves subscriptions: it listens for the chain process's block and pending
transaction events, tells it which of them the subscriptions need, and fans them out.
"""

import functools
import logging
import signal
from typing import Any

import trio
from lahja import ConnectionConfig, EndpointAPI, TrioEndpoint

from walton.node.config import NodeConfig
from walton.node.events import (
    FeedDemand,
    FeedDemandAck,
    NewCanonicalBlock,
    NewPendingTransaction,
    RpcRequest,
    RpcResponse,
)
from walton.node.logs import setup_logging
from walton.node.rpc.server import Call, ServerLimits, serve_http

logger = logging.getLogger("walton.rpc")
RPC_ENDPOINT = "rpc"
CHAIN_ENDPOINT = "chain"
CALL_TIMEOUT = 60.0
FEED_STARTUP_TIMEOUT = 30.0


async def _start_websocket(
    nursery: trio.Nursery, endpoint: EndpointAPI, config: NodeConfig, call: Call, limits: ServerLimits
) -> None:
    from walton.node.rpc.websocket import SubscriptionHub, serve_ws

    async def request_feeds(feeds: frozenset[str]) -> bool:
        with trio.fail_after(CALL_TIMEOUT):
            ack: FeedDemandAck = await endpoint.request(FeedDemand(feeds))
            return ack.listening

    async def set_demand(feeds: frozenset[str]) -> None:
        if not await request_feeds(feeds):
            logger.warning("The chain process does not see this process subscribed to its feeds")

    hub = SubscriptionHub(set_demand)
    endpoint.subscribe(NewCanonicalBlock, hub.on_block)
    endpoint.subscribe(NewPendingTransaction, hub.on_pending)
    # Before serving: the chain process must see those subscriptions, or it would not broadcast.
    await endpoint.wait_until_any_endpoint_subscribed_to(FeedDemand)
    with trio.move_on_after(FEED_STARTUP_TIMEOUT) as waited:
        while not await request_feeds(frozenset()):
            await trio.sleep(0.05)
    if waited.cancelled_caught:
        logger.warning("The chain process did not see the subscription feeds within %ss", FEED_STARTUP_TIMEOUT)
    nursery.start_soon(hub.run)
    await nursery.start(functools.partial(serve_ws, call, hub), config.ws_addr, config.ws_port, limits)


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
            if config.ws:  # first, so that a node answering over HTTP answers over WebSocket too
                await _start_websocket(nursery, endpoint, config, call, limits)
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
