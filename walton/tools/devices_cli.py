"""``walton device``, ``walton stamp`` and ``walton trace``: the object layer from the command line.

``device keygen`` writes a key file; ``device register``/``revoke`` send registry transactions with a
funded ``--from-key``; ``device simulate`` plays tags, readers and sensors against a node;
``stamp verify`` and ``trace`` check data against the chain. Every command talks to a node over
JSON-RPC (``--rpc``), prints for people by default and one JSON document with ``--json``.
"""

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hexbytes import HexBytes

from walton.hardware.epc import sgtin96_hex
from walton.hardware.identity import DeviceKey, KeyType

if TYPE_CHECKING:  # web3 and the VM load only when a command talks to a node, not for every `walton` run
    from walton.tools.device_sim import ChainClient, Verdict

KEY_TYPES = {"secp256k1": KeyType.SECP256K1, "p256": KeyType.P256}
DEV_CHAIN_ID = 1337


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


def _parse_hex(text: str, length: int, what: str) -> bytes:
    try:
        value = bytes(HexBytes(text))
    except ValueError:
        raise ValueError(f"{what} must be hex, got {text!r}") from None
    if len(value) != length:
        raise ValueError(f"{what} must be {length} bytes, got {len(value)}")
    return value


def write_key_file(path: Path, key: DeviceKey, epc: str | None, force: bool) -> dict[str, Any]:
    """Write a device key as JSON, readable by its owner only; never overwrite unless asked."""
    if path.exists() and not force:
        raise ValueError(f"{path} exists: refusing to overwrite a key (use --force)")
    data: dict[str, Any] = {
        "keyType": next(name for name, kind in KEY_TYPES.items() if kind == key.key_type),
        "privateKey": _hex(key.private_bytes),
        "publicKey": _hex(key.public_key),
        "deviceId": _hex(key.device_id),
    }
    if epc is not None:
        data["epc"] = epc
        data["epcHex"] = sgtin96_hex(epc)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(data, handle, indent=2)
    return {key: value for key, value in data.items() if key != "privateKey"} | {"file": str(path)}


def read_key_file(path: Path) -> DeviceKey:
    try:
        data = json.loads(path.read_text())
        key_type = KEY_TYPES[data["keyType"]]
        return DeviceKey(key_type, _parse_hex(data["privateKey"], 32, "privateKey"))
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is not a walton device key file ({error!r})") from None


def _from_key(args: argparse.Namespace, client_chain_id: int | None = None) -> str | None:
    """``--from-key``, or on a dev chain (id 1337) the first dev account, whose key is public anyway."""
    if args.from_key:
        return str(args.from_key)
    if client_chain_id == DEV_CHAIN_ID:
        from walton.vm.networks.dev import dev_accounts

        return dev_accounts(1)[0].private_key
    return None


def _client(args: argparse.Namespace, sends: bool) -> "ChainClient":
    from walton.tools.device_sim import ChainClient, ChainError

    client = ChainClient(args.rpc)
    if sends:
        key = _from_key(args, client.chain_id)
        if key is None:
            raise ChainError("this command sends transactions: give --from-key (a funded account's private key)")
        client = ChainClient(args.rpc, key)
    return client


def _print(args: argparse.Namespace, data: dict[str, Any], lines: list[str]) -> None:
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print("\n".join(lines))


def cmd_keygen(args: argparse.Namespace) -> int:
    key = DeviceKey.generate(KEY_TYPES[args.type])
    summary = write_key_file(args.out, key, args.epc, args.force)
    _print(args, summary, [f"{args.type} device {summary['deviceId']} written to {args.out}"])
    return 0


def _send_and_wait(client: "ChainClient", function: Any, gas: int) -> tuple[str, str | None]:
    from walton.tools.device_sim import failures

    tx_hash = client.send(function, gas)
    receipt = client.wait([tx_hash])[0]
    failed = failures(client, [tx_hash], [receipt])
    return _hex(tx_hash), failed[0]["reason"] if failed else None


def cmd_register(args: argparse.Namespace) -> int:
    key = read_key_file(args.keyfile)
    client = _client(args, sends=True)
    function, gas = client.register_call(key)
    tx_hash, reason = _send_and_wait(client, function, gas)
    data = {"device": _hex(key.device_id), "tx": tx_hash, "ok": reason is None, "reason": reason}
    line = f"registered {data['device']} (tx {tx_hash})" if reason is None else f"refused: {reason} (tx {tx_hash})"
    _print(args, data, [line])
    return 0 if reason is None else 1


def cmd_revoke(args: argparse.Namespace) -> int:
    target = Path(args.device)
    device = read_key_file(target).device_id if target.exists() else _parse_hex(args.device, 32, "device id")
    client = _client(args, sends=True)
    tx_hash, reason = _send_and_wait(client, client.registry.functions.revoke(device), 100_000)
    data = {"device": _hex(device), "tx": tx_hash, "ok": reason is None, "reason": reason}
    line = f"revoked {data['device']} (tx {tx_hash})" if reason is None else f"refused: {reason} (tx {tx_hash})"
    _print(args, data, [line])
    return 0 if reason is None else 1


def cmd_simulate(args: argparse.Namespace) -> int:
    for name in ("count", "devices", "readers", "batch_size"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    if args.direct < 0:
        raise ValueError(f"--direct must not be negative, got {args.direct}")
    from walton.tools.device_sim import simulate_rfid, simulate_sensors

    client = _client(args, sends=True)
    quiet = args.json or args.quiet
    if args.kind == "sensor":
        result = simulate_sensors(
            client,
            args.count,
            devices=args.devices or 4,
            gateway=args.gateway,
            batch_size=args.batch_size,
            direct=args.direct,
            quiet=quiet,
        )
    else:
        result = simulate_rfid(client, args.count, tags=args.devices or 8, readers=args.readers, quiet=quiet)
    data = result.as_json()
    if args.out:
        args.out.write_text(json.dumps(data, indent=2))
    lines = [
        f"{result.kind}: {result.submitted} {'readings' if result.kind == 'sensor' else 'operations'} from "
        f"{result.devices} devices in {result.transactions} transactions, {len(result.failed)} failed, "
        f"{result.seconds:.1f}s ({data['perSecond']}/s)"
    ]
    lines += [f"  failed {failure['tx']}: {failure['reason']}" for failure in result.failed[:10]]
    if args.out:
        lines.append(f"  stamps, EPCs and records written to {args.out}")
    _print(args, data, lines)
    return 0 if not result.failed else 1


def _verdict_lines(verdict: "Verdict") -> list[str]:
    lines = [f"{verdict.subject}: {'VERIFIED' if verdict.ok else 'NOT VERIFIED'}"]
    lines += [f"  {'ok  ' if passed else 'FAIL'} {name}" for name, passed in verdict.checks.items()]
    lines += [f"  problem: {problem}" for problem in verdict.problems]
    return lines


def cmd_stamp_verify(args: argparse.Namespace) -> int:
    from walton.tools.device_sim import verify_stamp

    client = _client(args, sends=False)
    verdict = verify_stamp(client, _parse_hex(args.stamp, 32, "stamp"))
    lines = _verdict_lines(verdict)
    for key in ("mode", "device", "sequence", "timestamp", "block", "root", "index"):
        if key in verdict.details:
            lines.append(f"  {key}: {verdict.details[key]}")
    _print(args, verdict.as_json(), lines)
    return 0 if verdict.ok else 1


def cmd_trace(args: argparse.Namespace) -> int:
    from walton.tools.device_sim import trace_epc

    client = _client(args, sends=False)
    verdict = trace_epc(client, args.epc, as_epcis=args.epcis)
    lines = [f"{verdict.subject}: {'VERIFIED' if verdict.ok else 'NOT VERIFIED'}"]
    for op in verdict.details.get("operations", []):
        mark = "ok  " if op["verified"] else "FAIL"
        lines.append(
            f"  {mark} #{op['counter']:<5} {op['operation']:<5} {op['time']} reader {op['reader'][:18]}… "
            f"block {op['block']}"
        )
    lines += [f"  problem: {problem}" for problem in verdict.problems]
    _print(args, verdict.as_json(), lines)
    return 0 if verdict.ok else 1


def _handler(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the commands' expected failures into one clear line and exit status 2."""

    def run(args: argparse.Namespace) -> int:
        from walton.tools.device_sim import ChainError

        try:
            return command(args)
        except BrokenPipeError:
            raise  # output piped into `head`: main() ends quietly
        except (ChainError, ValueError, OSError) as error:
            print(f"walton: {error}", file=sys.stderr)
            return 2

    return run


def _rpc_options(parser: argparse.ArgumentParser, sends: bool) -> None:
    parser.add_argument("--rpc", required=True, metavar="URL", help="a node's JSON-RPC endpoint")
    if sends:
        parser.add_argument(
            "--from-key",
            dest="from_key",
            metavar="HEX",
            help="private key of the funded account that sends (default on a dev chain: dev account 0)",
        )
    parser.add_argument("--json", action="store_true", help="one JSON document instead of text")


def add_commands(subparsers: Any) -> None:
    device = subparsers.add_parser("device", help="device keys, registration and simulation")
    commands = device.add_subparsers(dest="device_command", required=True)

    keygen = commands.add_parser("keygen", help="write a new device key file")
    keygen.add_argument("--type", choices=sorted(KEY_TYPES), default="secp256k1", help="curve (default secp256k1)")
    keygen.add_argument("--out", type=Path, required=True, help="key file to write (mode 0600)")
    keygen.add_argument("--epc", help="the tag's SGTIN URI, for RFID tags")
    keygen.add_argument("--force", action="store_true", help="overwrite an existing file")
    keygen.add_argument("--json", action="store_true", help="one JSON document instead of text")
    keygen.set_defaults(handler=_handler(cmd_keygen))

    register = commands.add_parser("register", help="register a device key in the registry precompile")
    register.add_argument("keyfile", type=Path)
    _rpc_options(register, sends=True)
    register.set_defaults(handler=_handler(cmd_register))

    revoke = commands.add_parser("revoke", help="revoke a device (its owner only)")
    revoke.add_argument("device", help="device id (0x, 32 bytes) or key file")
    _rpc_options(revoke, sends=True)
    revoke.set_defaults(handler=_handler(cmd_revoke))

    simulate = commands.add_parser("simulate", help="play RFID tags and readers or sensors against a node")
    simulate.add_argument("--kind", choices=("rfid", "sensor"), required=True)
    simulate.add_argument("--count", type=int, required=True, help="operations (rfid) or readings (sensor)")
    simulate.add_argument("--devices", type=int, help="tags (default 8) or sensors (default 4)")
    simulate.add_argument("--readers", type=int, default=3, help="RFID readers (default 3)")
    simulate.add_argument("--gateway", action="store_true", help="sensors: anchor stamps as gateway Merkle batches")
    simulate.add_argument(
        "--batch-size",
        dest="batch_size",
        type=int,
        default=400,
        help="stamps a batch (400: a manifest must fit the store's 64 KiB)",
    )
    simulate.add_argument("--direct", type=int, default=0, help="with --gateway: stamps still sent one by one")
    simulate.add_argument("--out", type=Path, help="write the stamps, EPCs and records as JSON")
    simulate.add_argument("--quiet", action="store_true", help="no progress bars")
    _rpc_options(simulate, sends=True)
    simulate.set_defaults(handler=_handler(cmd_simulate))

    stamp = subparsers.add_parser("stamp", help="sensor data stamps")
    stamp_commands = stamp.add_subparsers(dest="stamp_command", required=True)
    verify = stamp_commands.add_parser("verify", help="check a stamp's raw data against the chain")
    verify.add_argument("stamp", help="the stamp (0x, 32 bytes)")
    _rpc_options(verify, sends=False)
    verify.set_defaults(handler=_handler(cmd_stamp_verify))

    trace = subparsers.add_parser("trace", help="the verified history of one RFID tag")
    trace.add_argument("epc", help="SGTIN pure-identity URI, tag URI or 24 hex digits")
    trace.add_argument("--epcis", action="store_true", help="add each operation as an EPCIS 2.0 ObjectEvent")
    _rpc_options(trace, sends=False)
    trace.set_defaults(handler=_handler(cmd_trace))
