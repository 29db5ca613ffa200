"""The ``walton`` command: one entry point for every job walton does."""

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from eth_typing import BlockNumber

from walton import __version__
from walton.sidechains import cli as sidechains_cli
from walton.sidechains import relay_cli
from walton.tools import devices_cli, gwtc_cli
from walton.tools.results import CaseResult

if TYPE_CHECKING:
    from walton.node.config import NodeConfig


def _report(results: Iterable[CaseResult], as_json: bool, kind: str) -> int:
    """Print one line per case (JSON objects with ``--json``) and a summary; exit status 1 on failure."""
    # py-evm logs a warning for every block it rejects; invalid-block fixtures are meant to be rejected.
    logging.getLogger("eth").setLevel(logging.ERROR)
    passed = failed = 0
    started = time.monotonic()
    for result in results:
        if result.passed:
            passed += 1
        else:
            failed += 1
        if as_json:
            print(json.dumps(result.as_json()), flush=True)
        elif not result.passed:
            print(f"FAIL {result.name}: {result.error}", flush=True)
    elapsed = time.monotonic() - started
    summary = {"kind": kind, "total": passed + failed, "passed": passed, "failed": failed}
    if as_json:
        print(json.dumps({"summary": summary, "seconds": round(elapsed, 2)}))
    else:
        print(f"{kind}: {passed + failed} cases, {passed} passed, {failed} failed in {elapsed:.1f}s")
    return 1 if failed or not passed + failed else 0


def _statetest(args: argparse.Namespace) -> int:
    from walton.tools.statetest import iter_cases, run_cases

    cases = iter_cases(args.paths, forks=args.fork or None)
    return _report(run_cases(cases, args.engine), args.json, "statetest")


def _blocktest(args: argparse.Namespace) -> int:
    from walton.tools.blocktest import iter_cases, run_cases

    cases = iter_cases(args.paths, networks=args.fork or None)
    return _report(run_cases(cases, args.engine), args.json, "blocktest")


def _txtest(args: argparse.Namespace) -> int:
    from walton.tools.txtest import iter_cases, run_cases

    cases = iter_cases(args.paths, forks=args.fork or None)
    return _report(run_cases(cases, args.engine), args.json, "txtest")


def _add_conformance_command(
    commands: argparse._SubParsersAction,
    name: str,
    help_text: str,
    handler: Callable[[argparse.Namespace], int],
) -> None:
    parser = commands.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="fixture files or folders")
    parser.add_argument(
        "--engine",
        choices=("walton", "pyevm"),
        default="walton",
        help="walton's forks (Prague cases on the IoT fork) or stock py-evm's (default: walton)",
    )
    parser.add_argument("--fork", action="append", metavar="NAME", help="only this fork (repeatable; fixture names)")
    parser.add_argument("--json", action="store_true", help="one JSON object per case, as geth prints")
    parser.set_defaults(handler=handler)


VERBOSITY_NAMES = {"0": "error", "1": "error", "2": "warn", "3": "info", "4": "debug", "5": "debug"}


def _verbosity(value: str) -> str:
    """geth's numeric levels (0-5) or names (error, warn, info, debug)."""
    level = VERBOSITY_NAMES.get(value, value.lower())
    if level not in ("error", "warn", "info", "debug"):
        raise argparse.ArgumentTypeError(f"unknown verbosity {value!r}: use 0-5 or error, warn, info, debug")
    return level


def _node_config(args: argparse.Namespace) -> "NodeConfig":
    from walton.node.config import NodeConfig, default_data_root

    network = "dev" if args.dev else args.network
    if network is None:
        raise SystemExit(
            "walton node: choose a network: --dev, --network dev|mainnet|PATH/genesis.json|PATH/child.toml"
        )
    sidechains_cli.check_node_options(network, args.authority_key)
    datadir = args.datadir or default_data_root() / Path(network).stem
    return NodeConfig(
        network=network,
        datadir=Path(datadir).expanduser(),
        http_addr=args.http_addr,
        http_port=args.http_port,
        ws=args.ws,
        ws_addr=args.ws_addr,
        ws_port=args.ws_port,
        mine=(args.mine or args.dev or args.authority_key is not None) and not args.nomine,
        authority_key=args.authority_key,
        etherbase=args.etherbase,
        block_period=args.dev_period,
        fork_heights=gwtc_cli.heights_from(args),
        verbosity=args.verbosity,
        log_json=args.log_json,
        p2p_port=args.port,
        max_peers=args.maxpeers,
        discovery=not args.nodiscover,
        bootnodes=_enode_list(args.bootnodes),
        static_nodes=_enode_list(args.staticnodes),
        nodekey=args.nodekey,
        external_ip=args.nat,
    )


def _external_ip(value: str) -> str:
    """geth's ``--nat extip:IP`` (the only form: walton does no UPnP or NAT-PMP)."""
    import ipaddress

    kind, _, address = value.partition(":")
    try:
        if kind != "extip":
            raise ValueError(value)
        return str(ipaddress.ip_address(address))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected extip:IP, e.g. extip:203.0.113.5, got {value!r}") from None


def _enode_list(text: str | None) -> tuple[str, ...]:
    """Comma-separated enode URLs, each checked now so a typo stops the node with a clear message."""
    from walton.node.p2p.enode import parse_enode

    urls = tuple(url.strip() for url in (text or "").split(",") if url.strip())
    for url in urls:
        try:
            parse_enode(url)
        except ValueError as exc:
            raise SystemExit(f"walton node: {exc}") from exc
    return urls


def _node(args: argparse.Namespace) -> int:
    from walton.node.launcher import run_node

    return run_node(_node_config(args))


def _init(args: argparse.Namespace) -> int:
    from walton.db.rocks import RocksDB
    from walton.node.chains import open_chain
    from walton.node.config import chaindata_path, default_data_root

    network = "dev" if args.dev else args.network
    sidechains_cli.check_node_options(network, None)
    datadir = (args.datadir or default_data_root() / Path(network).stem).expanduser()
    store = RocksDB(chaindata_path(datadir))
    try:
        opened = open_chain(network, store)
        genesis = opened.chain.get_canonical_block_header_by_number(BlockNumber(0))
    finally:
        store.close()
    state = "initialised" if opened.created else "already initialised"
    print(
        json.dumps(
            {
                "datadir": str(datadir),
                "network": opened.network.name,
                "status": state,
                "genesis": "0x" + genesis.hash.hex(),
            }
        )
    )
    return 0


def _accounts(args: argparse.Namespace) -> int:
    from walton.vm.networks.dev import DEV_ACCOUNT_BALANCE, DEV_MNEMONIC, dev_accounts

    accounts = dev_accounts()
    if args.json:
        print(json.dumps([{"address": a.address, "privateKey": a.private_key} for a in accounts], indent=2))
        return 0
    print(f"Dev accounts (mnemonic: {DEV_MNEMONIC!r}), {DEV_ACCOUNT_BALANCE // 10**18} WTC each.")
    print("These keys are public: use them on local dev chains only.\n")
    for index, account in enumerate(accounts):
        print(f"({index}) {account.address}  {account.private_key}")
    return 0


def _add_node_command(commands: argparse._SubParsersAction) -> None:
    from walton.node.config import (
        DEFAULT_HTTP_ADDR,
        DEFAULT_HTTP_PORT,
        DEFAULT_MAX_PEERS,
        DEFAULT_P2P_PORT,
        DEFAULT_WS_ADDR,
        DEFAULT_WS_PORT,
    )

    parser = commands.add_parser("node", help="run a node", description="Run a Waltonchain node.")
    parser.add_argument("--dev", action="store_true", help="a local dev chain (IoT fork, prefunded accounts), mining")
    parser.add_argument("--network", help="dev, mainnet, a path to a Gwtc genesis.json or to a child-chain .toml")
    parser.add_argument("--datadir", type=Path, help="data directory (default: the user's data folder)")
    parser.add_argument("--http.addr", "--http-addr", dest="http_addr", default=DEFAULT_HTTP_ADDR)
    parser.add_argument("--http.port", "--http-port", dest="http_port", type=int, default=DEFAULT_HTTP_PORT)
    parser.add_argument("--ws", action="store_true", help="JSON-RPC over WebSocket too, with eth_subscribe")
    gwtc_cli.add_height_options(parser)
    parser.add_argument("--ws.addr", "--ws-addr", dest="ws_addr", default=DEFAULT_WS_ADDR)
    parser.add_argument("--ws.port", "--ws-port", dest="ws_port", type=int, default=DEFAULT_WS_PORT)
    parser.add_argument("--mine", action="store_true", help="seal blocks with WPoC")
    parser.add_argument(
        "--authority-key",
        type=Path,
        metavar="FILE",
        help="seal a permissioned child chain with these member keys (one hex key a line)",
    )
    parser.add_argument("--nomine", action="store_true", help="do not mine, even with --dev (a syncing dev node)")
    parser.add_argument("--port", type=int, default=DEFAULT_P2P_PORT, help="peer-to-peer TCP/UDP port; 0 picks one")
    parser.add_argument("--maxpeers", type=int, default=DEFAULT_MAX_PEERS, help="most peers connected at once")
    parser.add_argument("--nodiscover", action="store_true", help="no discovery: only static peers and admin_addPeer")
    parser.add_argument("--bootnodes", help="comma-separated enode URLs to start discovery from")
    parser.add_argument("--staticnodes", help="comma-separated enode URLs always kept connected")
    parser.add_argument("--nodekey", type=Path, help="file with the node's hex private key (default: DATADIR/nodekey)")
    parser.add_argument(
        "--nat", type=_external_ip, metavar="extip:IP", help="the address others reach us at, for our enode URL"
    )
    parser.add_argument("--etherbase", "--miner.etherbase", dest="etherbase", help="address for mining rewards")
    parser.add_argument(
        "--dev.period",
        "--dev-period",
        dest="dev_period",
        type=float,
        default=5.0,
        help="seconds between blocks when no transaction is pending; 0 mines only on transactions (default 5)",
    )
    parser.add_argument("--verbosity", type=_verbosity, default="info", help="0-5 or error|warn|info|debug")
    parser.add_argument("--log.json", "--log-json", dest="log_json", action="store_true", help="JSON log lines")
    parser.set_defaults(handler=_node)

    init = commands.add_parser("init", help="create a data directory's chain from its network's genesis")
    init_source = init.add_mutually_exclusive_group(required=True)
    init_source.add_argument("--dev", action="store_true", help="the dev network")
    init_source.add_argument("--network", help="dev, mainnet, a path to a Gwtc genesis.json or a child-chain .toml")
    init.add_argument("--datadir", type=Path, help="data directory (default: the user's data folder)")
    init.set_defaults(handler=_init)

    accounts = commands.add_parser("accounts", help="print the dev network's prefunded accounts")
    accounts.add_argument("network", choices=["dev"])
    accounts.add_argument("--json", action="store_true")
    accounts.set_defaults(handler=_accounts)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="walton", description="A Python client for Waltonchain.")
    parser.add_argument("--version", action="version", version=f"walton {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_conformance_command(
        commands, "statetest", "run GeneralStateTests-format fixtures (geth's evm statetest)", _statetest
    )
    _add_conformance_command(commands, "blocktest", "run BlockchainTests-format fixtures", _blocktest)
    _add_conformance_command(commands, "txtest", "run TransactionTests-format fixtures", _txtest)
    _add_node_command(commands)
    gwtc_cli.add_commands(commands)
    devices_cli.add_commands(commands)
    relay_cli.add_commands(commands)
    sidechains_cli.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except FileNotFoundError as exc:
        print(f"walton: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
