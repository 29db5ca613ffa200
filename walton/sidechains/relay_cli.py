"""``walton relay`` and ``walton swap``: the relayer and atomic swaps from the command line."""

import argparse
import logging
import signal
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

from eth_utils import is_hex_address, to_bytes
from web3.exceptions import Web3Exception

from walton.sidechains.relayer import Relayer, RelayError
from walton.sidechains.sender import ChainCallError, Sender, connect, load_key
from walton.sidechains.swap import SwapChain, SwapError, run_initiator, run_responder, run_swap

EXIT_FAILURE = 1
EXIT_USAGE = 2
UNITS = {"wtc": 10**18, "gwei": 10**9, "wei": 1}


def parse_amount(text: str) -> int:
    """An amount in wei: ``1000``, or a decimal with a unit: ``1.5wtc``, ``20gwei``."""
    lowered = text.strip().lower()
    for unit, scale in UNITS.items():
        if lowered.endswith(unit):
            number, multiplier = lowered.removesuffix(unit), scale
            break
    else:
        number, multiplier = lowered, 1
    try:
        amount = Decimal(number) * multiplier
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r} (wei, or a number with wtc/gwei)") from None
    if amount <= 0 or amount != int(amount):
        raise argparse.ArgumentTypeError(f"not a positive whole number of wei: {text!r}")
    return int(amount)


def cmd_relay(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stdout)
    child_keys = [load_key(path) for path in args.child_key or []]
    if len(child_keys) > len(args.child):
        print("walton relay: more --child-key than --child", file=sys.stderr)
        return EXIT_USAGE
    relayer = Relayer(load_key(args.key), args.parent, args.child, batch=args.batch, child_accounts=child_keys)
    print(f"relayer {relayer.account.address}: parent chain {relayer.parent.chain_id}, children", end=" ")
    print(", ".join(str(child.chain_id) for child in relayer.children), flush=True)
    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    if args.once:
        report = relayer.step()
        print(f"{report.headers} headers anchored, {report.claims} swaps claimed")
        for error in report.errors:
            print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILURE if report.errors else 0
    relayer.run(args.interval, lambda: stopping)
    return 0


def cmd_swap(args: argparse.Namespace) -> int:
    key = load_key(args.key)
    chain_a = SwapChain(Sender(connect(args.from_rpc), key, args.from_rpc))
    if args.counterparty_key is not None:
        other = load_key(args.counterparty_key)
        chain_b = SwapChain(Sender(connect(args.to_rpc), other, args.to_rpc))
        print(f"Alice {key.address} gives {args.give} on {args.from_rpc}; Bob {other.address} gives {args.get}")
        result = run_swap(chain_a, chain_b, args.give, args.get, args.window, alice_claims=not args.no_claim)
    else:
        if args.counterparty is None or not is_hex_address(args.counterparty):
            print("walton swap: give --counterparty-key FILE, or --counterparty ADDRESS", file=sys.stderr)
            return EXIT_USAGE
        chain_b = SwapChain(Sender(connect(args.to_rpc), key, args.to_rpc))
        if args.hash_lock is None:
            result = run_initiator(chain_a, chain_b, args.counterparty, args.give, args.get, args.window)
        else:
            hash_lock = to_bytes(hexstr=args.hash_lock)
            result = run_responder(chain_a, chain_b, args.counterparty, args.give, args.get, hash_lock, args.window)
    print(f"{result.outcome.value} in {result.seconds:.1f}s")
    return 0


def _guarded(command: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            status: int = command(args)
        except (SwapError, ChainCallError, RelayError) as exc:
            print(f"walton {args.command}: {exc}", file=sys.stderr)
            return EXIT_FAILURE
        except (OSError, Web3Exception) as exc:
            print(f"walton {args.command}: cannot reach a node: {exc}", file=sys.stderr)
            return EXIT_FAILURE
        return status

    return run


def add_commands(subparsers: Any) -> None:
    """Add ``relay`` and ``swap`` to a ``walton`` sub-command parser."""
    parser = subparsers.add_parser(
        "relay", help="relay child-chain headers and swap secrets between a parent and its children"
    )
    parser.add_argument("--parent", required=True, metavar="URL", help="the parent chain's JSON-RPC URL")
    parser.add_argument("--child", required=True, action="append", metavar="URL", help="a child chain's RPC URL")
    parser.add_argument("--key", required=True, metavar="FILE", help="the relayer's private key (hex) on every chain")
    parser.add_argument(
        "--child-key",
        action="append",
        metavar="FILE",
        help="the key to use on the child of the same position (a member key for a permissioned child)",
    )
    parser.add_argument("--interval", type=float, default=1.0, metavar="SECONDS", help="seconds between rounds")
    parser.add_argument("--batch", type=int, default=32, metavar="N", help="headers per submission (at most 64)")
    parser.add_argument("--once", action="store_true", help="run one round and exit")
    parser.set_defaults(handler=_guarded(cmd_relay))

    parser = subparsers.add_parser("swap", help="an atomic swap between two chains through their SWAP precompiles")
    parser.add_argument("--from-rpc", required=True, metavar="URL", help="the chain where you give")
    parser.add_argument("--to-rpc", required=True, metavar="URL", help="the chain where you get")
    parser.add_argument("--give", required=True, type=parse_amount, metavar="AMOUNT", help="what you lock")
    parser.add_argument("--get", required=True, type=parse_amount, metavar="AMOUNT", help="what the other side locks")
    parser.add_argument("--key", required=True, metavar="FILE", help="your private key (hex)")
    parser.add_argument("--counterparty-key", metavar="FILE", help="play the counterparty too (dev and tests)")
    parser.add_argument("--counterparty", metavar="ADDRESS", help="the counterparty's address (two-party mode)")
    parser.add_argument(
        "--hash-lock", metavar="HEX", help="respond to the counterparty's swap under this hash lock (two-party mode)"
    )
    parser.add_argument(
        "--window", type=int, default=30, metavar="SECONDS", help="the later deadline is 2 windows away, the earlier 1"
    )
    parser.add_argument("--no-claim", action="store_true", help="(with --counterparty-key) never claim: both refund")
    parser.set_defaults(handler=_guarded(cmd_swap))
