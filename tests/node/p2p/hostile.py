"""Hostile peers for tests against real nodes: real RLPx, devp2p and eth Status, then rule-breaking messages."""

import secrets
from collections.abc import Awaitable, Callable

import trio
from eth.abc import ChainAPI
from eth_keys.datatypes import PrivateKey
from eth_typing import Hash32

from tests.node.nodeproc import NodeProcess, call, enode_of
from walton.node.p2p import base, rlpx
from walton.node.p2p.enode import parse_enode
from walton.node.p2p.eth import GET_BLOCK_BODIES, GET_BLOCK_HEADERS, BlockCodec, GetBlockHeaders, Status, encode_hashes
from walton.node.p2p.peer import Peer, handshake, our_hello

DROP_TIMEOUT = 60.0  # the node must hang up on us within this


class Hostile:
    """A peer of our own making on ``node``'s network, with a fresh key (so its bans are its own)."""

    def __init__(self, node: NodeProcess) -> None:
        self.key = PrivateKey(secrets.token_bytes(32))
        self.target = parse_enode(enode_of(node))
        self.network_id = int(call(node, "admin_nodeInfo")["protocols"]["eth"]["network"])
        self.genesis = Hash32(bytes.fromhex(call(node, "eth_getBlockByNumber", "0x0", False)["hash"][2:]))

    @property
    def short_id(self) -> str:
        """Our node id's prefix, as the node's log names peers."""
        return self.key.public_key.to_bytes().hex()[:16]

    async def join(self, genesis: Hash32 | None = None) -> Peer:
        """Handshake as a peer of the node's chain (or of one claiming another ``genesis``)."""
        connection = await rlpx.connect(self.target.host, self.target.tcp_port, self.key, self.target.public_key)

        def status(version: int) -> Status:
            return Status(version, self.network_id, 1, self.genesis, genesis or self.genesis)

        return await handshake(connection, our_hello(self.key, "hostile/test", 0), status, "127.0.0.1", 0, False)


async def wait_disconnected(peer: Peer) -> None:
    """Read until the node hangs up; it must, within the timeout."""
    with trio.fail_after(DROP_TIMEOUT):
        while True:
            try:
                code, payload = await peer.connection.receive_message()
                await base.handle_base_message(peer.connection, code, payload)
            except (base.PeerDisconnected, rlpx.RLPxError, trio.BrokenResourceError, trio.ClosedResourceError):
                return


async def copy_chain(peer: Peer, chain: ChainAPI, codec: BlockCodec) -> None:
    """Import the node's first blocks (one request of headers, one of bodies) into our own ``chain``."""
    headers = codec.decode_headers(await peer.request(GET_BLOCK_HEADERS, GetBlockHeaders(1, 192).encode()))
    bodies = codec.decode_bodies(await peer.request(GET_BLOCK_BODIES, encode_hashes([h.hash for h in headers])))
    for header, body in zip(headers, bodies, strict=True):
        chain.import_block(codec.assemble(header, body))


async def misbehave_until_dropped(peer: Peer, misbehave: Callable[[], Awaitable[None]]) -> None:
    """Run ``peer`` (so our requests get answers), do ``misbehave``, then wait for the node to hang up."""
    gone = trio.Event()

    async def ignore(_peer: Peer, _code: int, _payload: bytes) -> None:
        return None

    async def run_until_gone() -> None:
        try:
            await peer.run(ignore)
        except (base.PeerDisconnected, rlpx.RLPxError, trio.BrokenResourceError, trio.ClosedResourceError):
            gone.set()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(run_until_gone)
        await misbehave()
        with trio.fail_after(DROP_TIMEOUT):
            await gone.wait()
