"""JSON-RPC over WebSocket: a real `walton node --dev --ws` process, web3.py's WebSocketProvider and raw sockets.

Also, in this process: the WebSocket server on its own (slow and vanished clients, with shortened
timeouts) and the chain feed's reorganisation logs on an in-memory chain.
"""

import asyncio
import base64
import functools
import json
import os
import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import trio
from eth.db.atomic import AtomicDB
from eth_account import Account
from eth_typing import Address
from hexbytes import HexBytes
from web3 import AsyncWeb3, HTTPProvider, Web3
from web3.providers.persistent import WebSocketProvider
from web3.types import RPCEndpoint
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Ping, Request, TextMessage

from tests.node.devchain import mine_branch
from tests.node.nodeproc import NodeProcess, free_port, rpc
from walton.node import chain_process
from walton.node.backend import NetworkInfo, NodeBackend
from walton.node.db import BlockWriteDB
from walton.node.events import FEED_HEADS, FEED_LOGS, NewCanonicalBlock, NewPendingTransaction, RpcResponse
from walton.node.rpc import websocket
from walton.node.rpc.server import ServerLimits
from walton.node.txpool import TxPool
from walton.vm.networks.dev import DEV_CHAIN_ID, build_dev_chain, dev_accounts

pytestmark = [pytest.mark.timeout(300), pytest.mark.xdist_group("websocket")]

TOPIC = bytes.fromhex("5157" * 16)
# Runtime: mstore(0, 42); log1(0, 32, TOPIC); stop.
RUNTIME = bytes.fromhex("602a600052" + "7f" + TOPIC.hex() + "60206000a1" + "00")
# Init code: copy the runtime after these 11 bytes into memory and return it.
INIT = bytes.fromhex(f"60{len(RUNTIME):02x}80600b6000396000f3") + RUNTIME
MAX_REQUEST_BYTES = 5 * 1024 * 1024  # the node's default limit


@dataclass
class WsNode:
    process: NodeProcess
    ws_port: int

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}"


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsNode]:
    port = free_port()
    datadir = tmp_path_factory.mktemp("ws") / "datadir"
    process = NodeProcess(datadir, "--dev.period", "0", "--ws", "--ws.port", str(port))
    process.wait_ready()  # the WebSocket server starts before the HTTP one
    yield WsNode(process, port)
    assert process.stop() == 0, process.output()


def signed(w3: Web3, account_index: int, nonce: int, **fields: Any) -> bytes:
    key = dev_accounts()[account_index].private_key
    transaction = {
        "chainId": DEV_CHAIN_ID,
        "nonce": nonce,
        "maxFeePerGas": 10 * 10**9,
        "maxPriorityFeePerGas": 10**9,
        "gas": 200_000,
        **fields,
    }
    raw: bytes = Account.sign_transaction(transaction, key).raw_transaction
    return raw


def next_nonce(w3: Web3, account_index: int) -> int:
    return w3.eth.get_transaction_count(Account.from_key(dev_accounts()[account_index].private_key).address, "pending")


@pytest.fixture(scope="module")
def contract(node: WsNode) -> str:
    """The LOG1 contract, deployed over HTTP."""
    w3 = Web3(HTTPProvider(node.url))
    tx_hash = w3.eth.send_raw_transaction(signed(w3, 1, next_nonce(w3, 1), data=INIT))
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60, poll_latency=0.1)
    assert receipt["status"] == 1
    address = receipt["contractAddress"]
    assert address is not None and w3.eth.get_code(address) == RUNTIME
    return str(address)


# -- web3.py -------------------------------------------------------------------------------------


def test_web3_reads_the_chain(node: WsNode) -> None:
    async def scenario() -> tuple[int, int, str]:
        async with AsyncWeb3(WebSocketProvider(node.ws_url)) as w3:
            return await w3.eth.chain_id, await w3.eth.block_number, await w3.client_version

    chain_id, number, version = asyncio.run(scenario())
    assert chain_id == DEV_CHAIN_ID
    assert number == int(rpc(node.url, "eth_blockNumber")["result"], 16)
    assert version.startswith("walton/")


def test_subscriptions_deliver_heads_logs_and_pending_transactions(node: WsNode, contract: str) -> None:
    http = Web3(HTTPProvider(node.url))

    async def scenario() -> tuple[dict[str, list[Any]], dict[str, str], bytes]:
        async with AsyncWeb3(WebSocketProvider(node.ws_url)) as w3:
            ids = {
                "heads": await w3.eth.subscribe("newHeads"),
                "pending": await w3.eth.subscribe("newPendingTransactions"),
                "other": await w3.eth.subscribe("logs", {"address": "0x" + "11" * 20}),
                "wrong_topic": await w3.eth.subscribe("logs", {"topics": ["0x" + "22" * 32]}),
                "logs": await w3.eth.subscribe("logs", {"address": contract, "topics": ["0x" + TOPIC.hex()]}),
            }
            raw = signed(http, 2, next_nonce(http, 2), to=contract)
            tx_hash = bytes(await w3.eth.send_raw_transaction(raw))
            received: dict[str, list[Any]] = {}

            async def collect() -> None:
                async for message in w3.socket.process_subscriptions():
                    received.setdefault(message["subscription"], []).append(message["result"])
                    if all(ids[name] in received for name in ("heads", "pending", "logs")):
                        return

            await asyncio.wait_for(collect(), 60)
            return received, ids, tx_hash

    received, ids, tx_hash = asyncio.run(scenario())
    receipt = http.eth.get_transaction_receipt(HexBytes(tx_hash))
    block = http.eth.get_block(receipt["blockNumber"])

    assert [bytes(h) for h in received[ids["pending"]]] == [tx_hash]
    (head,) = received[ids["heads"]]
    assert head["number"] == block["number"] and head["hash"] == block["hash"]
    assert head["parentHash"] == block["parentHash"] and head["stateRoot"] == block["stateRoot"]
    assert "transactions" not in head and "size" not in head
    (log,) = received[ids["logs"]]
    assert log["address"] == contract
    assert [bytes(t) for t in log["topics"]] == [TOPIC]
    assert int.from_bytes(log["data"], "big") == 42
    assert bytes(log["transactionHash"]) == tx_hash and log["blockHash"] == block["hash"]
    assert log["removed"] is False
    assert ids["other"] not in received and ids["wrong_topic"] not in received


# -- raw JSON-RPC messages over websockets ---------------------------------------------------------


async def call(ws: ClientConnection, message: Any) -> Any:
    await ws.send(message if isinstance(message, str | bytes) else json.dumps(message))
    return json.loads(await asyncio.wait_for(ws.recv(), 30))


def request(method: str, params: Any, request_id: int = 1) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}


def test_notifications_follow_geth(node: WsNode, contract: str) -> None:
    http = Web3(HTTPProvider(node.url))

    async def scenario() -> None:
        async with connect(node.ws_url) as ws, connect(node.ws_url) as other:
            sub = (await call(ws, request("eth_subscribe", ["newHeads"])))["result"]
            full = (await call(ws, request("eth_subscribe", ["newPendingTransactions", True])))["result"]
            # Another connection cannot end it.
            denied = await call(other, request("eth_unsubscribe", [sub]))
            assert denied["error"] == {"code": -32000, "message": "subscription not found"}
            raw = signed(http, 3, next_nonce(http, 3), to=contract)
            tx_hash = "0x" + http.keccak(raw).hex().removeprefix("0x")
            await other.send(json.dumps(request("eth_sendRawTransaction", ["0x" + raw.hex()], 7)))
            assert json.loads(await other.recv()) == {"jsonrpc": "2.0", "id": 7, "result": tx_hash}
            notes = [json.loads(await asyncio.wait_for(ws.recv(), 60)) for _ in range(2)]
            by_sub = {note["params"]["subscription"]: note for note in notes}
            for note in notes:
                assert note["jsonrpc"] == "2.0" and note["method"] == "eth_subscription" and "id" not in note
            assert by_sub[full]["params"]["result"]["hash"] == tx_hash
            assert by_sub[full]["params"]["result"]["blockHash"] is None
            head = by_sub[sub]["params"]["result"]
            block = http.provider.make_request(RPCEndpoint("eth_getBlockByNumber"), [head["number"], False])["result"]
            body = ("size", "transactions", "uncles", "withdrawals")
            assert head == {key: value for key, value in block.items() if key not in body}
            # Unsubscribed: no more notifications, and a second unsubscribe finds nothing.
            assert (await call(ws, request("eth_unsubscribe", [sub])))["result"] is True
            assert (await call(ws, request("eth_unsubscribe", [full])))["result"] is True
            again = await call(ws, request("eth_unsubscribe", [sub]))
            assert again["error"]["message"] == "subscription not found"
            tx = http.eth.send_raw_transaction(signed(http, 3, next_nonce(http, 3), to=contract))
            http.eth.wait_for_transaction_receipt(tx, timeout=60, poll_latency=0.1)
            assert (await call(ws, request("eth_blockNumber", []))).get("result") is not None  # and nothing else

    asyncio.run(scenario())


def test_subscribe_errors_and_http(node: WsNode) -> None:
    async def scenario() -> list[Any]:
        async with connect(node.ws_url) as ws:
            answers = [
                await call(ws, request("eth_subscribe", ["newBlocks"])),
                await call(ws, request("eth_subscribe", [])),
                await call(ws, request("eth_subscribe", ["newHeads", {}])),
                await call(ws, request("eth_subscribe", ["logs"])),
                await call(ws, request("eth_subscribe", ["logs", {"fromBlock": "pending"}])),
                await call(ws, request("eth_subscribe", ["logs", {"fromBlock": "0x5", "toBlock": "0x1"}])),
                await call(ws, request("eth_subscribe", ["logs", {"address": "0x12"}])),
                await call(ws, request("eth_subscribe", ["newPendingTransactions", "yes"])),
                await call(ws, request("eth_unsubscribe", [1])),
                await call(ws, request("foo_subscribe", ["newHeads"])),
            ]
            # A subscription asked for in a notification is not made (geth: it needs an id).
            await ws.send(json.dumps({"jsonrpc": "2.0", "method": "eth_subscribe", "params": ["newHeads"]}))
            answers.append(await call(ws, request("eth_chainId", [])))
            return answers

    answers = asyncio.run(scenario())
    assert [answer.get("error") for answer in answers[:-1]] == [
        {"code": -32601, "message": 'no "newBlocks" subscription in eth namespace'},
        {"code": -32602, "message": "expected subscription name as first argument"},
        {"code": -32602, "message": "too many arguments, want at most 1"},
        {"code": -32602, "message": "missing value for required argument 1"},
        {"code": -32000, "message": "pending logs are not supported"},
        {"code": -32000, "message": "invalid block range params"},
        {"code": -32602, "message": "invalid argument 1: address: hex string has length 2, want 40"},
        {"code": -32602, "message": "invalid argument 1: json: cannot unmarshal string into Go value of type bool"},
        {"code": -32602, "message": "invalid argument 0: json: cannot unmarshal number into Go value of type rpc.ID"},
        {"code": -32601, "message": 'no "newHeads" subscription in foo namespace'},
    ]
    assert answers[-1] == {"jsonrpc": "2.0", "id": 1, "result": hex(DEV_CHAIN_ID)}
    over_http = rpc(node.url, "eth_subscribe", ["newHeads"])
    assert over_http["error"] == {"code": -32601, "message": "notifications not supported"}
    assert rpc(node.url, "eth_unsubscribe", ["0x1"])["error"] == {"code": -32000, "message": "subscription not found"}


def test_malformed_messages_get_json_rpc_errors(node: WsNode) -> None:
    async def scenario() -> list[Any]:
        async with connect(node.ws_url) as ws:
            answers = [
                await call(ws, "{not json"),
                await call(ws, b"\xff\xfe\x00garbage"),
                await call(ws, "[]"),
                await call(ws, "42"),
                await call(ws, json.dumps({"jsonrpc": "2.0", "id": 5})),
                await call(ws, json.dumps({"jsonrpc": "1.0", "id": 6, "method": "eth_chainId"})),
                await call(ws, json.dumps([request("eth_chainId", [], 1), 7, request("nope", [], 3)])),
                await call(ws, json.dumps([request("eth_chainId", [], n) for n in range(1001)])),
            ]
            answers.append(await call(ws, request("eth_chainId", [], 9)))
            return answers

    answers = asyncio.run(scenario())
    codes = [answer["error"]["code"] if isinstance(answer, dict) else None for answer in answers[:6]]
    assert codes == [-32700, -32700, -32600, -32600, -32600, -32600]
    assert answers[1]["id"] is None and answers[5]["id"] == 6
    assert [item.get("error", {}).get("code") for item in answers[6]] == [None, -32600, -32601]
    assert answers[7]["error"]["message"] == "batch too large: 1001 > 1000 requests"
    assert answers[8] == {"jsonrpc": "2.0", "id": 9, "result": hex(DEV_CHAIN_ID)}


# -- the WebSocket protocol itself ------------------------------------------------------------------


def raw_handshake(port: int, extra: bytes = b"") -> tuple[socket.socket, bytes]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16))
    sock.sendall(
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n" + extra + b"\r\n"
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    return sock, head


def read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def masked_frame(opcode: int, payload: bytes) -> bytes:
    assert len(payload) < 126
    mask = os.urandom(4)
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def test_ping_and_close_are_answered(node: WsNode) -> None:
    sock, head = raw_handshake(node.ws_port)
    assert head.startswith(b"HTTP/1.1 101 ")
    sock.sendall(masked_frame(0x9, b"are you there"))
    assert sock.recv(64) == b"\x8a\x0dare you there"  # pong, same payload
    sock.sendall(masked_frame(0x8, struct.pack("!H", 1000) + b"bye"))
    assert read_all(sock) == b"\x88\x05" + struct.pack("!H", 1000) + b"bye"  # the close echoed, then EOF
    sock.close()


def test_protocol_errors_close_that_connection_only(node: WsNode) -> None:
    port = node.ws_port
    sock, head = raw_handshake(port)
    assert head.startswith(b"HTTP/1.1 101 ")
    sock.sendall(b"\x81\x05hello")  # an unmasked client frame
    data = read_all(sock)
    sock.close()
    assert data[:1] == b"\x88" and struct.unpack("!H", data[2:4])[0] == 1002  # close, protocol error
    # No WebSocket upgrade, or a page from another origin: refused with an HTTP status.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as plain:
        plain.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert read_all(plain).startswith(b"HTTP/1.1 400 ")
    evil, head = raw_handshake(port, b"Origin: http://evil.example\r\n")
    evil.close()
    assert head.startswith(b"HTTP/1.1 403 ")
    local, head = raw_handshake(port, b"Origin: http://localhost:3000\r\n")
    local.close()
    assert head.startswith(b"HTTP/1.1 101 ")
    assert rpc(node.url, "eth_chainId")["result"] == hex(DEV_CHAIN_ID)


def test_oversized_message_closes_that_connection_only(node: WsNode) -> None:
    async def scenario() -> int | None:
        async with connect(node.ws_url) as bystander, connect(node.ws_url, max_size=None) as ws:
            await ws.send(json.dumps(request("web3_sha3", ["0x" + "00" * (MAX_REQUEST_BYTES // 2)])))
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 30)
            assert (await call(bystander, request("eth_chainId", [])))["result"] == hex(DEV_CHAIN_ID)
            async with connect(node.ws_url) as fresh:
                assert (await call(fresh, request("eth_chainId", [])))["result"] == hex(DEV_CHAIN_ID)
            return closed.value.rcvd.code if closed.value.rcvd is not None else None

    assert asyncio.run(scenario()) == 1009

    # Just under the limit is served.
    async def under() -> Any:
        async with connect(node.ws_url, max_size=None) as ws:
            return await call(ws, request("web3_sha3", ["0x" + "00" * (MAX_REQUEST_BYTES // 2 - 100)]))

    assert "result" in asyncio.run(under())


# -- the server on its own: slow and vanished clients ------------------------------------------------


class Client:
    """A minimal wsproto client on a trio stream."""

    def __init__(self, stream: trio.SocketStream) -> None:
        self.stream = stream
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.closed: CloseConnection | None = None
        self.messages: list[str] = []
        self._partial = ""

    @classmethod
    async def open(cls, port: int, receive_buffer: int | None = None) -> "Client":
        sock = trio.socket.socket()
        if receive_buffer is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        await sock.connect(("127.0.0.1", port))
        client = cls(trio.SocketStream(sock))
        await client.stream.send_all(client.ws.send(Request(host="127.0.0.1", target="/")))
        while not isinstance(await client._next_event(), AcceptConnection):
            pass
        return client

    async def _next_event(self) -> Any:
        while True:
            for event in self.ws.events():
                return event
            data = await self.stream.receive_some(65536)
            self.ws.receive_data(data or None)

    async def send(self, message: Any) -> None:
        await self.stream.send_all(self.ws.send(TextMessage(data=json.dumps(message))))

    async def receive(self) -> str | None:
        while True:
            event = await self._next_event()
            if isinstance(event, TextMessage):
                self._partial += event.data
                if event.message_finished:
                    message, self._partial = self._partial, ""
                    return message
            elif isinstance(event, Ping):
                await self.stream.send_all(self.ws.send(event.response()))
            elif isinstance(event, CloseConnection):
                self.closed = event
                return None


def run_server(scenario: Any, **patches: Any) -> None:
    """Run ``scenario(port, hub)`` against a WebSocket server whose calls all answer "ok"."""

    async def answer(method: str, params: Any) -> RpcResponse:
        return RpcResponse(result="ok")

    async def set_demand(feeds: frozenset[str]) -> None:
        pass

    async def main() -> None:
        hub = websocket.SubscriptionHub(set_demand)
        port = free_port()
        async with trio.open_nursery() as nursery:
            serve = functools.partial(websocket.serve_ws, answer, hub)
            await nursery.start(serve, "127.0.0.1", port, ServerLimits(1 << 20, 100))
            with trio.fail_after(60):
                await scenario(port, hub)
            nursery.cancel_scope.cancel()

    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in patches.items():
            monkeypatch.setattr(websocket, name, value)
        trio.run(main)


def big_block(number: int) -> NewCanonicalBlock:
    return NewCanonicalBlock(number, {"number": hex(number), "extraData": "0x" + "ab" * 32768}, [], [])


def test_a_client_that_does_not_read_is_dropped_and_others_are_served() -> None:
    async def scenario(port: int, hub: websocket.SubscriptionHub) -> None:
        stalled = await Client.open(port, receive_buffer=4096)
        await stalled.send(request("eth_subscribe", ["newHeads"]))
        reader = await Client.open(port)
        await reader.send(request("eth_subscribe", ["newHeads"]))
        assert json.loads(await reader.receive() or "")["result"].startswith("0x")
        while len(hub) < 2:
            await trio.sleep(0.01)
        for number in range(200):
            hub.on_block(big_block(number))
            note = json.loads(await reader.receive() or "")
            assert note["params"]["result"]["number"] == hex(number)
        assert len(hub) == 1  # the stalled client and its subscription are gone
        await reader.send(request("eth_chainId", []))
        assert json.loads(await reader.receive() or "")["result"] == "ok"

    run_server(scenario, OUTBOX_LIMIT=16, SEND_TIMEOUT=1.0)


def test_a_vanished_client_is_dropped_after_an_unanswered_ping() -> None:
    async def scenario(port: int, hub: websocket.SubscriptionHub) -> None:
        silent = await Client.open(port)
        await silent.send(request("eth_subscribe", ["newHeads"]))
        awake = await Client.open(port)
        await awake.send(request("eth_subscribe", ["newHeads"]))
        assert json.loads(await awake.receive() or "")["result"].startswith("0x")
        while len(hub) < 2:
            await trio.sleep(0.01)

        async def keep_answering() -> None:
            while await awake.receive() is not None:
                pass

        async with trio.open_nursery() as nursery:
            nursery.start_soon(keep_answering)  # answers the server's pings
            while len(hub) > 1:
                await trio.sleep(0.05)
            nursery.cancel_scope.cancel()
        assert awake.closed is None

    run_server(scenario, PING_INTERVAL=0.3, PONG_TIMEOUT=0.3)


# -- the chain feed: logs a reorganisation removes ----------------------------------------------------


class SubscribedEndpoint:
    def is_any_endpoint_subscribed_to(self, event_type: type) -> bool:
        return True


def test_a_reorganisation_reports_removed_logs() -> None:
    # The short branch's block creates a contract whose init code logs; the longer branch replaces it.
    init_logging = bytes.fromhex("7f" + TOPIC.hex() + "60006000a100")
    w3 = Web3()
    deploy = signed(w3, 4, 0, data=init_logging)
    short, long = mine_branch(1, 1, 1, [deploy]), mine_branch(2, 2, 2, [])
    db = BlockWriteDB(AtomicDB())
    chain = build_dev_chain(db)
    feed = chain_process.ChainFeed(chain)
    feed.endpoint = SubscribedEndpoint()  # type: ignore[assignment]
    feed.demand = frozenset({FEED_HEADS, FEED_LOGS})
    network = NetworkInfo("dev", DEV_CHAIN_ID, DEV_CHAIN_ID)
    backend = NodeBackend(
        chain, db, network, TxPool(chain), chain_process.FeedingFilters(chain, feed), Address(b"\0" * 20)
    )
    for block in short + long:
        backend.import_block(block)
    events: list[Any] = []
    while True:
        try:
            events.append(feed._receive.receive_nowait())
        except trio.WouldBlock:
            break
    assert [event.number for event in events] == [1, 1, 2]
    first, replaced, extended = events
    assert isinstance(first, NewCanonicalBlock) and len(first.logs) == 1 and first.removed_logs == []
    assert first.header is not None and first.header["hash"] == "0x" + short[0].hash.hex()
    assert replaced.logs == [] and replaced.removed_logs == [{**first.logs[0], "removed": True}]
    assert extended.removed_logs == [] and extended.header is not None
    assert extended.header["parentHash"] == "0x" + long[0].hash.hex()
    assert not isinstance(first, NewPendingTransaction)
