"""Two peer-to-peer services over real loopback TCP in one trio run: full sync, reorg, a silent peer, a Gwtc chain.

The chains are in-memory dev chains (no node processes); everything else is the node's code: RLPx,
devp2p, eth/63, the synchronizer and ``NodeBackend.import_block``.
"""

import functools
import logging
import secrets
from collections.abc import Awaitable, Callable

import pytest
import trio
from eth.abc import BlockAPI
from eth.db.atomic import AtomicDB
from eth_keys.datatypes import PrivateKey

from tests.node.devchain import dev_backend, mine
from tests.vm.gwtc.chains import chain_fixture
from walton.node.backend import NetworkInfo, NodeBackend
from walton.node.db import BlockWriteDB
from walton.node.p2p import base, rlpx
from walton.node.p2p.eth import Status
from walton.node.p2p.peer import handshake, our_hello
from walton.node.p2p.service import P2PConfig, P2PService
from walton.vm.networks.dev import DEV_CHAIN_ID, build_dev_chain

pytestmark = pytest.mark.timeout(300)


def service(backend: NodeBackend, *static: str, request_timeout: float = 10.0) -> P2PService:
    config = P2PConfig(
        port=0, listen_host="127.0.0.1", discovery=False, static_nodes=static, request_timeout=request_timeout
    )
    return P2PService(backend, PrivateKey(secrets.token_bytes(32)), config)


async def eventually(condition: Callable[[], bool], timeout: float = 60) -> None:
    with trio.fail_after(timeout):
        while not condition():
            await trio.sleep(0.05)


def run_services(*services: P2PService, body: Callable[[], Awaitable[None]]) -> None:
    async def main() -> None:
        async with trio.open_nursery() as nursery:
            for one in services:
                await nursery.start(one.run)
            await body()
            nursery.cancel_scope.cancel()

    trio.run(main)


def test_an_empty_node_syncs_and_then_follows_new_blocks() -> None:
    a_backend, b_backend = dev_backend(), dev_backend()
    mine(a_backend.chain, 4)
    a = service(a_backend)

    async def body() -> None:
        b = service(b_backend, a.enode)
        statuses = []
        async with trio.open_nursery() as nursery:
            await nursery.start(b.run)
            with trio.fail_after(60):
                while b_backend.head() != a_backend.head():  # sync yields after each block: watch every step
                    if (status := b.sync_status()) is not None:
                        statuses.append(status)
                    await trio.sleep(0)
            assert b.peer_count() == 1 and a.peer_count() == 1
            assert statuses and statuses[0]["startingBlock"] == 0 and statuses[-1]["highestBlock"] == 4
            current = [status["currentBlock"] for status in statuses]
            assert current == sorted(current)
            await eventually(lambda: b.sync_status() is None)  # eth_syncing: false once the sync is over
            # A new block on A (as its miner would import it) reaches B by propagation.
            [new] = mine_on_backend(a_backend, 1)
            await eventually(lambda: b_backend.head().hash == new.hash)
            nursery.cancel_scope.cancel()

    run_services(a, body=body)


def mine_on_backend(backend: NodeBackend, count: int) -> list[BlockAPI]:
    """Mine through ``NodeBackend.import_block`` so the block listeners (the announcer) hear of it."""
    scratch = build_dev_chain(BlockWriteDB(AtomicDB()))
    for number in range(1, backend.head().block_number + 1):
        scratch.import_block(backend.chain.get_canonical_block_by_number(number))
    blocks = mine(scratch, count)
    for block in blocks:
        backend.import_block(block)
    return blocks


def test_a_heavier_chain_replaces_ours() -> None:
    """B has its own branch; A's branch has more total difficulty: B reorganises onto it."""
    a_backend, b_backend = dev_backend(), dev_backend()
    mine(a_backend.chain, 4, coinbase_index=1, spacing=1)
    mine(b_backend.chain, 2, coinbase_index=2, spacing=1)
    assert a_backend.chain.get_score(a_backend.head().hash) > b_backend.chain.get_score(b_backend.head().hash)
    a = service(a_backend)

    async def body() -> None:
        b = service(b_backend, a.enode)
        async with trio.open_nursery() as nursery:
            await nursery.start(b.run)
            await eventually(lambda: b_backend.head() == a_backend.head())
            nursery.cancel_scope.cancel()

    run_services(a, body=body)


def test_a_silent_peer_is_dropped_and_sync_goes_on_with_another(caplog: pytest.LogCaptureFixture) -> None:
    """A peer that claims the best chain but never answers: after the request timeout, B syncs from A."""
    caplog.set_level(logging.INFO, logger="walton")
    a_backend, b_backend = dev_backend(), dev_backend()
    mine(a_backend.chain, 3)
    a = service(a_backend)
    silent_key = PrivateKey(secrets.token_bytes(32))
    genesis = a_backend.chain.get_canonical_block_hash(0)

    async def silent_peer(stream: trio.SocketStream) -> None:
        connection = await rlpx.respond(stream, silent_key)

        def status(version: int) -> Status:
            return Status(version, DEV_CHAIN_ID, 10**30, genesis, genesis)

        await handshake(connection, our_hello(silent_key, "silent/test", 0), status, "127.0.0.1", 0, True)
        try:
            while True:  # read and never answer
                code, payload = await connection.receive_message()
                await base.handle_base_message(connection, code, payload)
        except (base.PeerDisconnected, rlpx.RLPxError, trio.BrokenResourceError, trio.ClosedResourceError):
            return

    async def body() -> None:
        async with trio.open_nursery() as nursery:
            [listener] = await nursery.start(functools.partial(trio.serve_tcp, silent_peer, 0, host="127.0.0.1"))
            silent_port = listener.socket.getsockname()[1]
            silent = f"enode://{silent_key.public_key.to_bytes().hex()}@127.0.0.1:{silent_port}"
            b = service(b_backend, silent, request_timeout=1.0)
            await nursery.start(b.run)
            await eventually(lambda: b.peer_count() == 1 and b.sync.best_peer() is not None, timeout=30)
            b.add_static(a.enode)
            await eventually(lambda: b_backend.head() == a_backend.head())
            nursery.cancel_scope.cancel()

    run_services(a, body=body)
    assert any("Dropping peer" in record.message and "timed out" in record.message for record in caplog.records)


def gwtc_backend(name: str, blocks: int | None = None) -> NodeBackend:
    """A Gwtc network's backend (Gwtc's 17-field headers, WPoC rules) holding the first ``blocks`` blocks of the
    shared chain made by Gwtc itself (all of them by default)."""
    fixture = chain_fixture(name)
    db = BlockWriteDB(AtomicDB())
    chain = fixture.network.open_chain(db)
    for number in range(1, (len(fixture.raw_blocks) if blocks is None else blocks + 1)):
        chain.import_block(fixture.block(number))
    info = NetworkInfo(fixture.network.name, fixture.network.chain_id, fixture.network.network_id)
    return NodeBackend.serving(chain, db, info)


@pytest.mark.parametrize("name", ["dev-phases"])
def test_a_gwtc_chain_syncs_with_17_field_headers(name: str) -> None:
    """Gwtc's own blocks (V1-V3 phases, transactions) go over eth/63 and through full validation again."""
    a_backend, b_backend = gwtc_backend(name), gwtc_backend(name, 0)
    other = gwtc_backend("dev-prev1", 0)  # another Gwtc network: other genesis and network id
    a = service(a_backend)

    async def body() -> None:
        b, stranger = service(b_backend, a.enode), service(other, a.enode)
        async with trio.open_nursery() as nursery:
            await nursery.start(b.run)
            await nursery.start(stranger.run)
            await eventually(lambda: b_backend.head() == a_backend.head())
            assert b_backend.head().block_number == len(chain_fixture(name).raw_blocks) - 1
            assert stranger.peer_count() == 0 and stranger.bans.is_banned(a.node_id)
            nursery.cancel_scope.cancel()

    run_services(a, body=body)
