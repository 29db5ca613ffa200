"""Two RLPx endpoints joined by a real TCP connection on 127.0.0.1, for the wire tests."""

from collections.abc import Awaitable, Callable

import trio
from eth_keys.datatypes import PrivateKey

from walton.node.p2p import rlpx

KEY_A = PrivateKey(b"\x0a" * 32)
KEY_B = PrivateKey(b"\x0b" * 32)


async def connected_pair() -> tuple[rlpx.RLPxConnection, rlpx.RLPxConnection]:
    """(dialer with KEY_A, listener with KEY_B) after a real handshake."""
    listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
    port = listeners[0].socket.getsockname()[1]
    accepted: list[rlpx.RLPxConnection] = []

    async def accept() -> None:
        stream = await listeners[0].accept()
        accepted.append(await rlpx.respond(stream, KEY_B, timeout=5))

    async with trio.open_nursery() as nursery:
        nursery.start_soon(accept)
        dialer = await rlpx.connect("127.0.0.1", port, KEY_A, KEY_B.public_key, timeout=5)
    await listeners[0].aclose()
    return dialer, accepted[0]


def run_pair(test: Callable[[rlpx.RLPxConnection, rlpx.RLPxConnection], Awaitable[None]], timeout: float = 20) -> None:
    """Run `test(dialer, listener)` under trio with a deadline, closing both ends afterwards."""

    async def main() -> None:
        with trio.fail_after(timeout):
            dialer, listener = await connected_pair()
            try:
                await test(dialer, listener)
            finally:
                await dialer.aclose()
                await listener.aclose()

    trio.run(main)
