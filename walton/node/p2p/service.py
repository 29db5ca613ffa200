"""The node's peer-to-peer component: listening, dialling, the peer set, serving requests, propagation.

It runs as a trio service inside the chain process, because syncing writes the chain and the
chain process is the database's only writer. Peers come from ``--staticnodes`` and
``admin_addPeer`` (always redialled), and from discovery v4 (``--bootnodes``) unless
``--nodiscover``. At the head, a new block goes as NewBlock to the square root of the peers that
lack it and as NewBlockHashes to the rest; new pool transactions go to every peer that lacks
them. A peer that breaks the protocol or sends an invalid block is disconnected with the reason
logged and banned for ``ban_seconds``.
"""

import logging
import math
import os
import random
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import trio
from eth.abc import BlockAPI, SignedTransactionAPI
from eth_hash.auto import keccak
from eth_keys.datatypes import PrivateKey
from eth_keys.exceptions import ValidationError as KeyValidationError
from eth_typing import Hash32
from eth_utils import ValidationError, encode_hex

from walton.node.backend import NodeBackend
from walton.node.config import DEFAULT_MAX_PEERS, DEFAULT_P2P_PORT
from walton.node.p2p import rlpx
from walton.node.p2p.base import DisconnectReason, PeerDisconnected
from walton.node.p2p.enode import ENode, parse_enode
from walton.node.p2p.eth import (
    BLOCK_BODIES,
    BLOCK_HEADERS,
    GET_BLOCK_BODIES,
    GET_BLOCK_HEADERS,
    GET_NODE_DATA,
    GET_RECEIPTS,
    MESSAGE_NAMES,
    NEW_BLOCK,
    NEW_BLOCK_HASHES,
    NODE_DATA,
    RECEIPTS,
    TRANSACTIONS,
    BlockCodec,
    GetBlockHeaders,
    ProtocolError,
    Status,
    answer_bodies,
    answer_headers,
    answer_node_data,
    answer_receipts,
    decode_hashes,
    decode_new_block_hashes,
    decode_transactions,
    encode_blobs,
    encode_hashes,
    encode_new_block_hashes,
    encode_transactions,
)
from walton.node.p2p.peer import REQUEST_TIMEOUT, BanList, HandshakeFailed, Peer, handshake, our_hello
from walton.node.p2p.sync import Synchronizer
from walton.node.txpool import TxPoolError

if TYPE_CHECKING:
    from walton.node.p2p.discovery import DiscoveryService

logger = logging.getLogger("walton.p2p")

DEFAULT_BAN_SECONDS = 300.0
DIAL_INTERVAL = 1.0
STATIC_REDIAL_SECONDS = 5.0
DISCOVERED_REDIAL_SECONDS = 30.0
SEND_TIMEOUT = 10.0
TX_BATCH = 256
QUEUE_SIZE = 1024
MAX_FETCHES = 64  # announced blocks fetched at once (more announcements wait for the next, or for sync)


@dataclass(frozen=True)
class P2PConfig:
    port: int = DEFAULT_P2P_PORT  # TCP and UDP; 0 picks a free port
    listen_host: str = "0.0.0.0"
    advertised_host: str = "127.0.0.1"  # the host in our enode URL
    max_peers: int = DEFAULT_MAX_PEERS
    discovery: bool = True
    bootnodes: tuple[str, ...] = ()
    static_nodes: tuple[str, ...] = ()
    ban_seconds: float = DEFAULT_BAN_SECONDS
    request_timeout: float = REQUEST_TIMEOUT  # a peer that answers no faster is dropped and another asked


def load_node_key(path: Path) -> PrivateKey:
    """The node's identity: the hex private key in ``path``, created there on first start."""
    if not path.exists():
        key = PrivateKey(secrets.token_bytes(32))
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(key.to_hex()[2:] + "\n")
        return key
    text = path.read_text().strip().removeprefix("0x")
    try:
        return PrivateKey(bytes.fromhex(text))
    except (ValueError, KeyValidationError) as exc:
        raise SystemExit(f"walton node: {path} does not hold a hex secp256k1 private key: {exc}") from exc


class P2PService:
    def __init__(self, backend: NodeBackend, private_key: PrivateKey, config: P2PConfig) -> None:
        self.backend = backend
        self.private_key = private_key
        self.config = config
        self.codec = BlockCodec(backend.chain)
        self.peers: dict[bytes, Peer] = {}
        self.bans = BanList(config.ban_seconds)
        self.static: dict[bytes, ENode] = {}
        self.sync = Synchronizer(self)
        self.listen_port = config.port
        self.discovery: DiscoveryService | None = None
        self._dialing: set[bytes] = set()
        self._fetching: set[Hash32] = set()  # announced blocks being fetched
        self._next_dial: dict[bytes, float] = {}
        self._blocks_send, self._blocks_receive = trio.open_memory_channel[BlockAPI](QUEUE_SIZE)
        self._txs_send, self._txs_receive = trio.open_memory_channel[Hash32](QUEUE_SIZE * 4)
        self._nursery: trio.Nursery | None = None
        for url in config.static_nodes:
            self.add_static(url)
        backend.network_service = self
        backend.block_listeners.append(self.on_canonical_block)
        backend.txpool.listeners.append(self.on_transaction)

    # -- identity and admin_* ---------------------------------------------------------------

    @property
    def node_id(self) -> bytes:
        return bytes(self.private_key.public_key.to_bytes())

    @property
    def enode(self) -> str:
        return str(ENode(self.private_key.public_key, self.config.advertised_host, self.listen_port, self.listen_port))

    def status(self, version: int) -> Status:
        head = self.backend.head()
        genesis = self.backend.chain.get_canonical_block_hash(0)  # type: ignore[arg-type]
        return Status(version, self.backend.network.network_id, self.sync.our_total_difficulty(), head.hash, genesis)

    def peer_count(self) -> int:
        return len(self.peers)

    def sync_status(self) -> dict[str, int] | None:
        return self.sync.status()

    def node_info(self) -> dict[str, Any]:
        head = self.backend.head()
        return {
            "enode": self.enode,
            "id": self.node_id.hex(),
            "name": self.backend.client_version,
            "ip": self.config.advertised_host,
            "listenAddr": f"{self.config.listen_host}:{self.listen_port}",
            "ports": {"discovery": self.listen_port if self.discovery else 0, "listener": self.listen_port},
            "protocols": {
                "eth": {
                    "network": self.backend.network.network_id,
                    "difficulty": self.sync.our_total_difficulty(),
                    "genesis": encode_hex(self.backend.chain.get_canonical_block_hash(0)),  # type: ignore[arg-type]
                    "head": encode_hex(head.hash),
                }
            },
        }

    def peers_info(self) -> list[dict[str, Any]]:
        return [
            {
                "enode": peer.enode,
                "id": peer.node_id.hex(),
                "name": peer.hello.client_id,
                "caps": [f"{name}/{version}" for name, version in peer.hello.capabilities],
                "network": {
                    "remoteAddress": f"{peer.host}:{peer.port}",
                    "inbound": peer.inbound,
                    "static": peer.node_id in self.static,
                },
                "protocols": {
                    "eth": {
                        "version": peer.eth_version,
                        "difficulty": peer.total_difficulty,
                        "head": encode_hex(peer.head_hash),
                    }
                },
            }
            for peer in self.peers.values()
        ]

    def add_static(self, url: str) -> ENode:
        """Dial ``url`` now and whenever the connection drops (``ValueError`` for a malformed URL)."""
        enode = parse_enode(url)
        if enode.node_id != self.node_id:
            self.static[enode.node_id] = enode
            self._next_dial.pop(enode.node_id, None)
        return enode

    # -- running ------------------------------------------------------------------------------

    async def run(self, *, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
        try:
            listeners = await trio.open_tcp_listeners(self.config.port, host=self.config.listen_host)
        except OSError as exc:
            raise SystemExit(f"walton node: cannot listen for peers on port {self.config.port}: {exc}") from exc
        self.listen_port = listeners[0].socket.getsockname()[1]
        async with trio.open_nursery() as nursery:
            self._nursery = nursery
            nursery.start_soon(trio.serve_listeners, self._serve_inbound, listeners)
            if self.config.discovery:
                from walton.node.p2p.discovery import DiscoveryService  # only nodes that discover load it

                bootnodes = [parse_enode(url) for url in self.config.bootnodes]
                self.discovery = DiscoveryService(
                    self.private_key, self.config.listen_host, self.listen_port, bootnodes
                )
                try:
                    await nursery.start(self.discovery.run)
                except OSError as exc:
                    raise SystemExit(f"walton node: {exc} (use --port, or --nodiscover)") from exc
            logger.info("P2P networking started enode=%s", self.enode)
            nursery.start_soon(self._dial_loop)
            nursery.start_soon(self.sync.run)
            nursery.start_soon(self._announce_loop)
            nursery.start_soon(self._transaction_loop)
            task_status.started()

    def _dial_candidates(self) -> Iterable[ENode]:
        yield from self.static.values()
        if self.discovery is not None and len(self.peers) < self.config.max_peers:
            yield from self.discovery.known_nodes()

    async def _dial_loop(self) -> None:
        assert self._nursery is not None
        while True:
            now = time.monotonic()
            for enode in list(self._dial_candidates()):
                node_id = enode.node_id
                if node_id == self.node_id or node_id in self.peers or node_id in self._dialing:
                    continue
                if self.bans.is_banned(node_id) or self._next_dial.get(node_id, 0.0) > now:
                    continue
                if node_id not in self.static and len(self.peers) + len(self._dialing) >= self.config.max_peers:
                    continue
                wait = STATIC_REDIAL_SECONDS if node_id in self.static else DISCOVERED_REDIAL_SECONDS
                self._next_dial[node_id] = now + wait * random.uniform(0.8, 1.2)
                self._dialing.add(node_id)
                self._nursery.start_soon(self._dial, enode)
            await trio.sleep(DIAL_INTERVAL)

    async def _dial(self, enode: ENode) -> None:
        try:
            connection = await rlpx.connect(enode.host, enode.tcp_port, self.private_key, enode.public_key)
        except Exception as exc:  # refused, unreachable, a failed handshake: try again later
            logger.debug("Dial %s failed: %s: %s", enode, type(exc).__name__, exc)
            self._dialing.discard(enode.node_id)
            return
        self._dialing.discard(enode.node_id)
        await self._run_peer(connection, enode.host, enode.tcp_port, inbound=False)

    async def _serve_inbound(self, stream: trio.SocketStream) -> None:
        host, port = stream.socket.getpeername()[:2]
        try:
            connection = await rlpx.respond(stream, self.private_key)
        except Exception as exc:  # whatever a stranger sends, the listener goes on
            logger.debug("Inbound handshake from %s:%d failed: %s: %s", host, port, type(exc).__name__, exc)
            await trio.aclose_forcefully(stream)
            return
        await self._run_peer(connection, host, port, inbound=True)

    def _refusal(self, peer: Peer) -> DisconnectReason | None:
        node_id = peer.node_id
        if node_id == self.node_id:
            return DisconnectReason.CONNECTED_TO_SELF
        if self.bans.is_banned(node_id):
            return DisconnectReason.USELESS_PEER
        if node_id in self.peers:
            return DisconnectReason.ALREADY_CONNECTED
        if len(self.peers) >= self.config.max_peers and node_id not in self.static:
            return DisconnectReason.TOO_MANY_PEERS
        return None

    async def _run_peer(self, connection: rlpx.RLPxConnection, host: str, port: int, inbound: bool) -> None:
        remote_id = bytes(connection.remote_public_key.to_bytes())
        if self.bans.is_banned(remote_id):
            await connection.aclose()
            return
        hello = our_hello(self.private_key, self.backend.client_version, self.listen_port)
        try:
            peer = await handshake(connection, hello, self.status, host, port, inbound)
        except HandshakeFailed as exc:
            logger.warning("Dropped peer %s@%s:%d in handshake: %s", remote_id.hex()[:16], host, port, exc)
            self.bans.ban(remote_id)
            await connection.aclose()
            return
        except Exception as exc:  # the link broke, or the peer left, during Hello or Status
            logger.debug("Handshake with %s:%d failed: %s: %s", host, port, type(exc).__name__, exc)
            await connection.aclose()
            return
        if not inbound:
            peer.port = port
        else:
            peer.port = peer.hello.listen_port or port
        peer.request_timeout = self.config.request_timeout
        refusal = self._refusal(peer)
        if refusal is not None:
            logger.debug("Refused peer %s: %s", peer, refusal.name)
            await peer.disconnect(refusal)
            return
        self.peers[peer.node_id] = peer
        logger.info(
            "Peer connected peer=%s client=%s eth/%d td=%d inbound=%s",
            peer,
            peer.hello.client_id,
            peer.eth_version,
            peer.total_difficulty,
            inbound,
        )
        reason = "connection closed"
        try:
            await self._send_pool(peer)
            self.sync.trigger()
            await peer.run(self._handle)
        except ProtocolError as exc:
            await self.punish(peer, DisconnectReason.BREACH_OF_PROTOCOL, str(exc))
        except ValidationError as exc:
            await self.punish(peer, DisconnectReason.SUBPROTOCOL_ERROR, f"invalid block: {exc}")
        except PeerDisconnected as exc:
            reason = f"it disconnected ({exc.reason!r})"
        except (rlpx.RLPxError, OSError, trio.BrokenResourceError, trio.ClosedResourceError) as exc:
            reason = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # whatever a peer's data made fail, the node carries on without that peer
            logger.exception("Unexpected error with peer %s", peer)
            await self.punish(peer, DisconnectReason.SUBPROTOCOL_ERROR, f"{type(exc).__name__}: {exc}")
        finally:
            if self.peers.get(peer.node_id) is peer:
                del self.peers[peer.node_id]
            with trio.CancelScope(shield=True):
                await peer.disconnect(DisconnectReason.REQUESTED)
        logger.info("Peer gone peer=%s: %s", peer, reason)

    async def drop(self, peer: Peer, reason: DisconnectReason, why: str) -> None:
        """Disconnect ``peer`` (it may come back, e.g. a slow one)."""
        logger.warning("Dropping peer %s (%s): %s", peer, reason.name, why)
        if self.peers.get(peer.node_id) is peer:
            del self.peers[peer.node_id]
        await peer.disconnect(reason)

    async def punish(self, peer: Peer, reason: DisconnectReason, why: str) -> None:
        """Disconnect ``peer`` for bad data and refuse it for a while."""
        self.bans.ban(peer.node_id)
        logger.warning("Banned peer %s for %.0fs (%s): %s", peer, self.config.ban_seconds, reason.name, why)
        if self.peers.get(peer.node_id) is peer:
            del self.peers[peer.node_id]
        await peer.disconnect(reason)

    # -- messages from peers ------------------------------------------------------------------

    async def _handle(self, peer: Peer, code: int, payload: bytes) -> None:
        chain = self.backend.chain
        if code == TRANSACTIONS:
            await self._receive_transactions(peer, decode_transactions(payload))
        elif code == GET_BLOCK_HEADERS:
            headers = answer_headers(chain, GetBlockHeaders.decode(payload))
            await peer.send(BLOCK_HEADERS, self.codec.encode_headers(headers))
        elif code == GET_BLOCK_BODIES:
            blocks = answer_bodies(chain, decode_hashes(payload, "GetBlockBodies"))
            await peer.send(BLOCK_BODIES, self.codec.encode_bodies(blocks))
        elif code == GET_NODE_DATA:
            await peer.send(NODE_DATA, encode_blobs(answer_node_data(chain, decode_hashes(payload, "GetNodeData"))))
        elif code == GET_RECEIPTS:
            receipts = answer_receipts(chain, decode_hashes(payload, "GetReceipts"))
            await peer.send(RECEIPTS, self.codec.encode_receipts(receipts))
        elif code == NEW_BLOCK_HASHES:
            for block_hash, _number in decode_new_block_hashes(payload):
                peer.known_blocks.add(block_hash)
                if block_hash in self._fetching or self._known(block_hash) or self.sync.syncing:
                    continue
                if len(self._fetching) < MAX_FETCHES and self._nursery is not None:
                    self._fetching.add(block_hash)
                    self._nursery.start_soon(self._fetch_announced, peer, block_hash)
        elif code == NEW_BLOCK:
            block, total_difficulty = self.codec.decode_new_block(payload)
            await self._receive_new_block(peer, block, total_difficulty)
        else:
            raise ProtocolError(f"unexpected {MESSAGE_NAMES.get(code, hex(code))}")

    def _known(self, block_hash: Hash32) -> bool:
        return bool(self.backend.chain.chaindb.header_exists(block_hash))

    async def _receive_transactions(self, peer: Peer, raws: list[bytes]) -> None:
        added = 0
        for index, raw in enumerate(raws):
            peer.known_transactions.add(keccak(raw))
            try:
                self.backend.txpool.add(raw)
                added += 1
            except TxPoolError as exc:
                logger.debug("Transaction from %s not pooled: %s", peer, exc)
            if index % 16 == 15:
                await trio.sleep(0)
        if added:
            logger.debug("Pooled %d of %d transactions from %s", added, len(raws), peer)

    async def _receive_new_block(self, peer: Peer, block: BlockAPI, total_difficulty: int) -> None:
        peer.known_blocks.add(block.hash)
        if total_difficulty > peer.total_difficulty:
            peer.total_difficulty = total_difficulty
            peer.head_hash = block.hash
        if self._known(block.hash):
            return
        if self.sync.syncing or not self._known(block.header.parent_hash):
            self.sync.trigger()
            return
        self.import_block(block)

    async def _fetch_announced(self, peer: Peer, block_hash: Hash32) -> None:
        """Fetch an announced block we lack from the peer that announced it, and import it."""
        try:
            await self._fetch_and_import(peer, block_hash)
        finally:
            self._fetching.discard(block_hash)

    async def _fetch_and_import(self, peer: Peer, block_hash: Hash32) -> None:
        try:
            payload = await peer.request(GET_BLOCK_HEADERS, GetBlockHeaders(block_hash, 1).encode())
            headers = self.codec.decode_headers(payload)
            if not headers or headers[0].hash != block_hash:
                return
            header = headers[0]
            if self._known(block_hash):
                return
            if not self._known(header.parent_hash):
                # A chain we lack: at least its last block's difficulty above our head, we guess; sync finds out.
                guess = self.sync.our_total_difficulty() + header.difficulty
                if guess > peer.total_difficulty:
                    peer.total_difficulty, peer.head_hash = guess, block_hash
                self.sync.trigger()
                return
            bodies = self.codec.decode_bodies(await peer.request(GET_BLOCK_BODIES, encode_hashes([block_hash])))
            if not bodies or self._known(block_hash):
                return
            block = self.codec.assemble(header, bodies[0])
            self.import_block(block)
            peer_score = self.backend.chain.get_score(block_hash)
            if peer_score > peer.total_difficulty:
                peer.total_difficulty, peer.head_hash = peer_score, block_hash
        except trio.TooSlowError:
            await self.drop(peer, DisconnectReason.TIMEOUT, "announced block not delivered in time")
        except ProtocolError as exc:
            await self.punish(peer, DisconnectReason.BREACH_OF_PROTOCOL, str(exc))
        except ValidationError as exc:
            await self.punish(peer, DisconnectReason.SUBPROTOCOL_ERROR, f"invalid announced block: {exc}")
        except (rlpx.RLPxError, trio.BrokenResourceError, trio.ClosedResourceError) as exc:
            logger.debug("Fetching an announced block from %s failed: %s", peer, exc)
        except Exception as exc:
            logger.exception("Unexpected error importing a block announced by %s", peer)
            await self.punish(peer, DisconnectReason.SUBPROTOCOL_ERROR, f"{type(exc).__name__}: {exc}")

    def import_block(self, block: BlockAPI, quiet: bool = False) -> None:
        """Full validation and one atomic write (``ValidationError`` for an invalid block); ``quiet`` during
        sync, which logs whole segments instead."""
        started = time.monotonic()
        new_canonical = self.backend.import_block(block)
        logger.log(
            logging.DEBUG if quiet else logging.INFO,
            "Imported block number=%d hash=%s txs=%d canonical=%s elapsed=%.3fs",
            block.number,
            encode_hex(block.hash),
            len(block.transactions),
            bool(new_canonical),
            time.monotonic() - started,
        )

    # -- propagation --------------------------------------------------------------------------

    def on_canonical_block(self, block: BlockAPI) -> None:
        """A block became canonical (mined, received or synced): announce it unless we are still syncing."""
        if self.sync.syncing:
            return
        try:
            self._blocks_send.send_nowait(block)
        except trio.WouldBlock:
            logger.debug("Block announcement queue full: skipped block %d", block.number)

    def on_transaction(self, transaction: SignedTransactionAPI) -> None:
        """A transaction entered the pool (a ``TxPool`` listener): relay it."""
        try:
            self._txs_send.send_nowait(transaction.hash)
        except trio.WouldBlock:
            logger.debug("Transaction relay queue full: skipped %s", encode_hex(transaction.hash))

    async def _send(self, peer: Peer, code: int, payload: bytes) -> None:
        try:
            with trio.fail_after(SEND_TIMEOUT):
                await peer.send(code, payload)
        except Exception as exc:  # a broken or slow link: that peer's reader ends it; the others go on
            logger.debug("Sending %s to %s failed: %s: %s", MESSAGE_NAMES[code], peer, type(exc).__name__, exc)

    async def _announce_loop(self) -> None:
        async for block in self._blocks_receive:
            if block.hash != self.backend.head().hash:
                continue  # superseded before we got to it
            targets = [peer for peer in self.peers.values() if block.hash not in peer.known_blocks]
            random.shuffle(targets)
            full = max(1, math.isqrt(len(targets))) if targets else 0
            total_difficulty = self.backend.chain.get_score(block.hash)
            new_block = self.codec.encode_new_block(block, total_difficulty)
            hashes = encode_new_block_hashes([(block.hash, block.number)])
            async with trio.open_nursery() as sends:  # at once: a slow peer does not hold up the others
                for index, peer in enumerate(targets):
                    peer.known_blocks.add(block.hash)
                    if index < full:
                        sends.start_soon(self._send, peer, NEW_BLOCK, new_block)
                    else:
                        sends.start_soon(self._send, peer, NEW_BLOCK_HASHES, hashes)

    async def _transaction_loop(self) -> None:
        while True:
            hashes = [await self._txs_receive.receive()]
            while len(hashes) < TX_BATCH:
                try:
                    hashes.append(self._txs_receive.receive_nowait())
                except trio.WouldBlock:
                    break
            raws = {tx_hash: raw for tx_hash in hashes if (raw := self.backend.txpool.get_raw(tx_hash)) is not None}
            async with trio.open_nursery() as sends:
                for peer in list(self.peers.values()):
                    fresh = [raw for tx_hash, raw in raws.items() if tx_hash not in peer.known_transactions]
                    if fresh:
                        for tx_hash in raws:
                            peer.known_transactions.add(tx_hash)
                        sends.start_soon(self._send, peer, TRANSACTIONS, encode_transactions(fresh))

    async def _send_pool(self, peer: Peer) -> None:
        """A new peer gets our pending transactions, as geth's syncTransactions does."""
        raws = []
        for transactions in self.backend.txpool.pending().values():
            for transaction in transactions:
                raw = self.backend.txpool.get_raw(transaction.hash)
                if raw is not None:
                    raws.append(raw)
                    peer.known_transactions.add(transaction.hash)
        for offset in range(0, len(raws), TX_BATCH):
            await self._send(peer, TRANSACTIONS, encode_transactions(raws[offset : offset + TX_BATCH]))
