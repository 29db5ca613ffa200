"""``walton cluster up`` and ``walton child new|init``: local clusters and child-chain configs from the command line."""

import argparse
import json
import signal
import time
from pathlib import Path
from types import FrameType

from eth_keys.datatypes import PrivateKey
from eth_typing import Address, BlockNumber

from walton.sidechains.cluster import DEFAULT_BASE_PORT, DEFAULT_MEMBERS, TEMPLATE_CHOICES, Cluster, ClusterError
from walton.sidechains.templates import ChildTemplate, generate_keys, key_address, render_config, write_key_file
from walton.vm.networks.child import ChildConfigError, ChildGenesisMismatch, load_child_network

POLL_INTERVAL = 0.5


def _cluster_up(args: argparse.Namespace) -> int:
    cluster = Cluster(
        args.datadir.expanduser(),
        children=args.children,
        template=args.template,
        base_port=args.base_port,
        block_period=args.period,
        members=args.members,
    )
    stop_requested: list[str] = []

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop_requested.append(signal.Signals(signum).name)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, request_stop)
    try:
        nodes = cluster.start()
    except (ClusterError, ValueError, OSError) as exc:
        print(f"walton cluster: {exc}", flush=True)
        return 1
    for node in nodes:
        print(json.dumps(node.as_json()), flush=True)
    print(json.dumps({"status": "running", "chains": len(nodes), "stop": "Ctrl-C or SIGTERM"}), flush=True)
    status = 0
    while not stop_requested:
        failed = cluster.failed()
        if failed:
            for node in failed:
                print(f"walton cluster: {node.name} exited unexpectedly:\n{node.log_tail()}", flush=True)
            status = 1
            break
        time.sleep(POLL_INTERVAL)
    statuses = cluster.stop()
    print(json.dumps({"status": "stopped", "exit": statuses}), flush=True)
    return status


def _child_new(args: argparse.Namespace) -> int:
    keys: tuple[PrivateKey, ...] = ()
    members: tuple[Address, ...] = ()
    if args.template == "authority":
        if args.member:
            members = tuple(Address(member) for member in args.member)
        else:
            keys = generate_keys(args.members)
            members = tuple(key_address(key) for key in keys)
    try:
        text = render_config(
            ChildTemplate(
                name=args.name,
                chain_id=args.chain_id,
                template=args.template,
                members=members,
                minimum_difficulty=args.minimum_difficulty,
                dev=args.dev,
            )
        )
    except (ChildConfigError, ValueError) as exc:
        print(f"walton child new: {exc}")
        return 2
    out: Path = args.out
    if out.exists() and not args.force:
        print(f"walton child new: {out} exists (use --force to overwrite)")
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    result: dict[str, object] = {"config": str(out), "template": args.template, "chainId": args.chain_id}
    if keys:
        key_file = out.with_suffix(".keys")
        write_key_file(key_file, keys)
        result["authorityKeys"] = str(key_file)
    if members:
        result["members"] = ["0x" + bytes(member).hex() for member in members]
    print(json.dumps(result))
    return 0


def _child_init(args: argparse.Namespace) -> int:
    from walton.db.rocks import RocksDB
    from walton.node.config import chaindata_path, default_data_root

    try:
        network = load_child_network(args.config)
    except ChildConfigError as exc:
        print(f"walton child init: {exc}")
        return 2
    datadir = (args.datadir or default_data_root() / network.name).expanduser()
    store = RocksDB(chaindata_path(datadir))
    try:
        chain = network.open_chain(store)
        genesis = chain.get_canonical_block_header_by_number(BlockNumber(0))
    except ChildGenesisMismatch as exc:
        print(f"walton child init: {exc}")
        return 2
    finally:
        store.close()
    print(
        json.dumps(
            {
                "datadir": str(datadir),
                "network": network.name,
                "chainId": network.chain_id,
                "template": network.template,
                "genesis": "0x" + genesis.hash.hex(),
            }
        )
    )
    return 0


def _address(text: str) -> bytes:
    from eth_utils import is_hex_address, to_canonical_address

    if not is_hex_address(text):
        raise argparse.ArgumentTypeError(f"not a 0x-prefixed 20-byte address: {text!r}")
    return to_canonical_address(text)


def add_commands(commands: argparse._SubParsersAction) -> None:
    cluster = commands.add_parser("cluster", help="run a parent chain and child chains locally")
    cluster_commands = cluster.add_subparsers(dest="cluster_command", required=True, metavar="COMMAND")
    up = cluster_commands.add_parser(
        "up", help="start a parent (dev) chain and N child chains; print their RPC addresses; Ctrl-C stops all"
    )
    up.add_argument("--children", type=int, default=2, help="number of child chains (default 2)")
    up.add_argument("--template", choices=TEMPLATE_CHOICES, default="authority", help="child template")
    up.add_argument("--datadir", type=Path, default=Path("walton-cluster"), help="cluster directory")
    up.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT, help="parent's RPC port; children follow")
    up.add_argument("--members", type=int, default=DEFAULT_MEMBERS, help="members of each authority child")
    up.add_argument("--period", type=float, default=2.0, help="seconds between empty blocks (default 2)")
    up.set_defaults(handler=_cluster_up)

    child = commands.add_parser("child", help="child-chain configs")
    child_commands = child.add_subparsers(dest="child_command", required=True, metavar="COMMAND")
    new = child_commands.add_parser("new", help="write a child-chain config (and member keys) from a template")
    new.add_argument("--template", choices=TEMPLATE_CHOICES, required=True)
    new.add_argument("--name", required=True)
    new.add_argument("--chain-id", type=int, required=True)
    new.add_argument("--out", type=Path, required=True, help="config path (.toml); member keys go next to it")
    new.add_argument("--member", type=_address, action="append", help="a member address (repeatable)")
    new.add_argument("--members", type=int, default=DEFAULT_MEMBERS, help="fresh member keys to generate")
    new.add_argument("--minimum-difficulty", type=int, default=512, help="WPoC template's difficulty floor")
    new.add_argument("--dev", action="store_true", help="prefund the public dev accounts (local use only)")
    new.add_argument("--force", action="store_true", help="overwrite an existing config")
    new.set_defaults(handler=_child_new)
    init = child_commands.add_parser("init", help="create a data directory's chain from a child config")
    init.add_argument("config", type=Path)
    init.add_argument("--datadir", type=Path, help="data directory (default: the user's data folder)")
    init.set_defaults(handler=_child_init)


def check_node_options(network: str, authority_key: Path | None) -> None:
    """Refuse a bad child config or key file before ``walton node`` (or ``init``) opens anything."""
    from walton.node.miner import load_authority_keys
    from walton.vm.networks.child import is_child_config

    try:
        if is_child_config(network):
            load_child_network(network)
        if authority_key is not None:
            load_authority_keys(authority_key)
    except (ChildConfigError, OSError, ValueError) as exc:
        raise SystemExit(f"walton: {exc}") from None
