"""``walton import | export | account | pow``: Gwtc chain files and seals from the command line.

``walton/cli.py`` adds them to the ``walton`` command (``add_commands``). With ``--datadir`` they work on
the same data directory as ``walton node`` (its ``chaindata`` RocksDB), one atomic write per block.

* ``walton import (--network NAME | --genesis FILE) [heights] [--datadir DIR] [--account ADDR] FILE.rlp``
  imports a ``gwtc export`` file with full validation. The last stdout line is
  ``{"number": N, "hash": "0x…", "stateRoot": "0x…"}`` (the head). A bad block stops the import with
  exit status 1; stderr names the block and Gwtc's reason, and the last stdout line is a JSON object
  with ``error``, ``rule``, ``number``, ``hash`` and the ``head`` reached. Blocks imported before stay
  (with ``--datadir``, a second run continues from the stored head).
* ``walton account (--network | --genesis) [heights] [--datadir DIR] [FILE.rlp] ADDRESS`` prints the
  account (balance, nonce, coinAge, fuBlockTime, …) at the head as JSON.
* ``walton export (--network | --genesis) [heights] (--datadir DIR | FILE.rlp) OUT.rlp`` writes the
  canonical chain, genesis first, in the same format.
* ``walton pow HEADER [--balance WEI] [heights]`` shows the seal check of one header (RLP hex, a JSON
  header object as in ``blocks.json``, or a file holding either): seal hash, phase, order, X11
  result, target and Gwtc's verdict. Exit status 0 when the seal is valid, 1 when not.
"""

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import rlp
from eth.abc import BlockAPI, BlockHeaderAPI
from eth.db.atomic import AtomicDB
from eth_typing import BlockNumber
from eth_utils import ValidationError, decode_hex, to_checksum_address

from walton.consensus.forks import MAINNET_FORK_HEIGHTS, WaltonForkHeights
from walton.node.chains import open_chain
from walton.node.config import chaindata_path
from walton.node.db import BlockWriteDB
from walton.vm.forks.gwtc.chain import BlockRejected, GwtcChain
from walton.vm.forks.gwtc.chainfile import decode_block, encode_block, split_rlp_stream
from walton.vm.forks.gwtc.headers import GwtcBlockHeader, RLPDecodeError, decode_header, decode_header_item, split_rlp
from walton.vm.forks.gwtc.sealer import inspect_header_seal
from walton.vm.networks import GenesisMismatch, Network, load_network, network_names
from walton.vm.networks.genesis import GenesisError

EXIT_OK = 0
EXIT_BAD_BLOCK = 1
EXIT_USAGE = 2


def _quantity(value: int) -> str:
    return hex(value)


def head_json(header: BlockHeaderAPI) -> dict[str, Any]:
    return {
        "number": header.block_number,
        "hash": "0x" + header.hash.hex(),
        "stateRoot": "0x" + header.state_root.hex(),
    }


# -- options ----------------------------------------------------------------------------------------
def add_network_options(parser: argparse.ArgumentParser, required: bool = True) -> None:
    source = parser.add_mutually_exclusive_group(required=required)
    source.add_argument(
        "--network", metavar="NAME", help=f"a built-in network ({', '.join(['dev', *network_names()])})"
    )
    source.add_argument("--genesis", metavar="GENESIS.json", type=Path, help="a Gwtc genesis file (gwtc init format)")
    add_height_options(parser)
    parser.add_argument("--networkid", type=int, metavar="ID", help="network id (default: the chain id)")
    parser.add_argument(
        "--lenient-balance",
        action="store_true",
        help="check V2+ seals against the most lenient balance factor instead of the parent state (spec §4.6)",
    )


def add_height_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("WPoC fork heights (Gwtc constants; default: mainnet's)")
    group.add_argument("--hardfork-v1", type=int, metavar="N", default=MAINNET_FORK_HEIGHTS.v1)
    group.add_argument("--hardfork-v2", type=int, metavar="N", default=MAINNET_FORK_HEIGHTS.v2)
    group.add_argument("--hardfork-v3", type=int, metavar="N", default=MAINNET_FORK_HEIGHTS.v3)
    group.add_argument("--hardfork-v2-difficulty", type=int, metavar="D", default=MAINNET_FORK_HEIGHTS.v2_difficulty)


def heights_from(args: argparse.Namespace) -> WaltonForkHeights:
    return WaltonForkHeights(args.hardfork_v1, args.hardfork_v2, args.hardfork_v3, args.hardfork_v2_difficulty)


def network_from(args: argparse.Namespace) -> Network:
    source = args.network if args.network else args.genesis
    return load_network(
        source, heights=heights_from(args), network_id=args.networkid, lenient_balance=args.lenient_balance
    )


@contextmanager
def open_database(datadir: Path | None) -> Iterator[BlockWriteDB]:
    """The node's RocksDB in ``datadir`` (``DIR/chaindata``), or a throw-away in-memory database."""
    if datadir is None:
        yield BlockWriteDB(AtomicDB())
        return
    from walton.db.rocks import RocksDB

    store = RocksDB(chaindata_path(datadir))
    try:
        yield BlockWriteDB(store)
    finally:
        store.close()


# -- import -----------------------------------------------------------------------------------------
@dataclass
class ImportOutcome:
    head: BlockHeaderAPI
    imported: int
    skipped: int
    error: BlockRejected | None = None


def _rejection(index: int, raw: bytes, reason: str, rule: str) -> BlockRejected:
    """A rejection for an item that did not decode: the number is its position in the file."""
    number: int = index
    block_hash: bytes = b""
    try:
        item = split_rlp(raw)
        header = decode_header_item(item[0])
        number, block_hash = header.block_number, header.hash
    except (RLPDecodeError, ValueError, TypeError, IndexError, KeyError):
        pass
    return BlockRejected(number, block_hash, reason, rule)


def import_chain_file(
    network: Network,
    chain: GwtcChain,
    db: BlockWriteDB,
    data: bytes,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Import a chain file into ``chain`` (genesis first, checked); stops at the first bad block."""
    imported = skipped = 0
    try:
        items = list(split_rlp_stream(data))
    except RLPDecodeError as exc:
        return ImportOutcome(chain.get_canonical_head(), 0, 0, BlockRejected(0, b"", str(exc), "rlp"))
    if total is not None:
        total(len(items))
    chaindb = chain.chaindb
    for index, raw in enumerate(items):
        try:
            block = decode_block(raw, network.chain_class)
        except (RLPDecodeError, ValidationError) as exc:
            return ImportOutcome(chain.get_canonical_head(), imported, skipped, _rejection(index, raw, str(exc), "rlp"))
        if index == 0:
            if block.hash != network.genesis_hash:
                reason = (
                    f"genesis block mismatch: file 0x{block.hash.hex()}, {network.name} 0x{network.genesis_hash.hex()}"
                )
                return ImportOutcome(
                    chain.get_canonical_head(), 0, 0, BlockRejected(block.number, block.hash, reason, "genesis")
                )
            skipped += 1
        elif _is_canonical(chaindb, block):
            skipped += 1
        else:
            try:
                with db.block_write():  # one atomic write per block: a kill leaves whole blocks only
                    chain.import_block(block)
            except BlockRejected as exc:
                return ImportOutcome(chain.get_canonical_head(), imported, skipped, exc)
            except ValidationError as exc:
                return ImportOutcome(
                    chain.get_canonical_head(),
                    imported,
                    skipped,
                    BlockRejected(block.number, block.hash, str(exc), "block"),
                )
            imported += 1
        if progress is not None:
            progress(1)
    return ImportOutcome(chain.get_canonical_head(), imported, skipped)


def _is_canonical(chaindb: Any, block: BlockAPI) -> bool:
    try:
        return bool(chaindb.get_canonical_block_hash(block.number) == block.hash)
    except Exception:
        return False


def account_json(chain: GwtcChain, address: bytes) -> dict[str, Any]:
    head = chain.get_canonical_head()
    state: Any = chain.get_vm(head).state
    account = state.get_account(address)
    return {
        "address": to_checksum_address(address),
        "block": head.block_number,
        "balance": _quantity(account.balance),
        "nonce": _quantity(account.nonce),
        "coinAge": _quantity(account.coin_age),
        "fuBlockTime": _quantity(account.fu_block_time),
        "storageRoot": "0x" + account.storage_root.hex(),
        "codeHash": "0x" + account.code_hash.hex(),
        "exists": bool(state.account_exists(address)),
    }


def _parse_address(text: str) -> bytes:
    data = decode_hex(text)
    if len(data) != 20:
        raise ValueError(f"not a 20-byte address: {text!r}")
    return data


def _run_import(
    network: Network, chain: GwtcChain, db: BlockWriteDB, path: Path, show_progress: bool, err: TextIO
) -> ImportOutcome:
    from tqdm import tqdm

    data = path.read_bytes()
    with tqdm(file=err, unit="block", desc=f"import {path.name}", disable=not show_progress) as bar:

        def set_total(count: int) -> None:
            bar.total = count
            bar.refresh()

        outcome = import_chain_file(network, chain, db, data, progress=bar.update, total=set_total)
    return outcome


def _report_failure(outcome: ImportOutcome, out: TextIO, err: TextIO) -> None:
    assert outcome.error is not None
    error = outcome.error
    block_hash = "0x" + error.block_hash.hex() if error.block_hash else None
    print(f"walton import: bad block {error.number} {block_hash or '(undecodable)'}: {error.reason}", file=err)
    print(
        json.dumps(
            {
                "error": error.reason,
                "rule": error.rule,
                "number": error.number,
                "hash": block_hash,
                "head": head_json(outcome.head),
            }
        ),
        file=out,
    )


# -- the dev network (IoT fork): the same commands on plain RLP blocks --------------------------------
def _dev_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Import RLP blocks (genesis first) into a dev-network data directory, one atomic write per block."""
    items = list(split_rlp_stream(args.file.read_bytes()))
    with open_database(args.datadir) as db:
        chain = open_chain("dev", db).chain
        for index, raw in enumerate(items):
            number = index
            try:
                block_class = chain.get_vm_class_for_block_number(BlockNumber(index)).get_block_class()
                block = rlp.decode(raw, sedes=block_class)
                number = block.number
                if number == 0:
                    if block.hash != chain.get_canonical_block_hash(BlockNumber(0)):
                        raise ValidationError("genesis block mismatch: the file is not of the dev network")
                elif not _is_canonical(chain.chaindb, block):
                    with db.block_write():
                        chain.import_block(block)
            except (rlp.DecodingError, rlp.DeserializationError, ValidationError) as exc:
                print(f"walton import: bad block {number}: {exc}", file=err)
                print(
                    json.dumps({"error": str(exc), "number": number, "head": head_json(chain.get_canonical_head())}),
                    file=out,
                )
                return EXIT_BAD_BLOCK
        print(json.dumps(head_json(chain.get_canonical_head())), file=out)
    return EXIT_OK


def _dev_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.datadir is None or len(args.paths) != 1:
        print("walton export --network dev: give --datadir DIR and OUT.rlp", file=err)
        return EXIT_USAGE
    target = Path(args.paths[0])
    with open_database(args.datadir) as db:
        chain = open_chain("dev", db).chain
        head = chain.get_canonical_head()
        with target.open("wb") as handle:
            for number in range(head.block_number + 1):
                handle.write(rlp.encode(chain.get_canonical_block_by_number(BlockNumber(number))))
        print(json.dumps({"blocks": head.block_number + 1, "file": str(target), **head_json(head)}), file=out)
    return EXIT_OK


def cmd_import(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    if args.network == "dev":
        return _dev_import(args, out, err)
    network = network_from(args)
    addresses = [_parse_address(text) for text in args.account or ()]
    with open_database(args.datadir) as db:
        chain = network.open_chain(db)
        outcome = _run_import(network, chain, db, args.file, not args.no_progress, err)
        for address in addresses:
            print(json.dumps(account_json(chain, address)), file=out)
        if outcome.error is not None:
            _report_failure(outcome, out, err)
            return EXIT_BAD_BLOCK
        print(json.dumps(head_json(outcome.head)), file=out)
    return EXIT_OK


def cmd_account(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    if len(args.paths) > 2:
        print(f"walton account: too many arguments: {' '.join(args.paths)}", file=err)
        return EXIT_USAGE
    network = network_from(args)
    if len(args.paths) == 2:
        chain_file, address_text = Path(args.paths[0]), args.paths[1]
    else:
        chain_file, address_text = None, args.paths[0]
    address = _parse_address(address_text)
    with open_database(args.datadir) as db:
        chain = network.open_chain(db)
        status = EXIT_OK
        if chain_file is not None:
            outcome = _run_import(network, chain, db, chain_file, not args.no_progress, err)
            if outcome.error is not None:
                _report_failure(outcome, out, err)
                status = EXIT_BAD_BLOCK
        print(json.dumps(account_json(chain, address)), file=out)
    return status


def cmd_export(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    if len(args.paths) > 2:
        print(f"walton export: too many arguments: {' '.join(args.paths)}", file=err)
        return EXIT_USAGE
    if args.network == "dev":
        return _dev_export(args, out, err)
    network = network_from(args)
    if len(args.paths) == 2:
        source, target = Path(args.paths[0]), Path(args.paths[1])
    elif args.datadir is not None:
        source, target = None, Path(args.paths[0])
    else:
        print("walton export: give --datadir DIR or an input FILE.rlp before OUT.rlp", file=err)
        return EXIT_USAGE
    with open_database(args.datadir) as db:
        chain = network.open_chain(db)
        if source is not None:
            outcome = _run_import(network, chain, db, source, not args.no_progress, err)
            if outcome.error is not None:
                _report_failure(outcome, out, err)
                return EXIT_BAD_BLOCK
        head = chain.get_canonical_head()
        count = 0
        with target.open("wb") as handle:
            for block in chain.iter_canonical_blocks():
                handle.write(encode_block(block))
                count += 1
        print(json.dumps({"blocks": count, "file": str(target), **head_json(head)}), file=out)
    return EXIT_OK


# -- pow --------------------------------------------------------------------------------------------
_JSON_HEADER_FIELDS = {
    "parent_hash": "parentHash",
    "uncles_hash": "sha3Uncles",
    "coinbase": "miner",
    "state_root": "stateRoot",
    "transaction_root": "transactionsRoot",
    "receipt_root": "receiptsRoot",
    "bloom": "logsBloom",
    "coin_age": "coinAge",
    "difficulty": "difficulty",
    "block_number": "number",
    "gas_limit": "gasLimit",
    "gas_used": "gasUsed",
    "timestamp": "timestamp",
    "extra_data": "extraData",
    "mix_hash": "mixHash",
    "nonce": "nonce",
    "tx_number": "txNumber",
}
_INTEGER_FIELDS = {"coin_age", "difficulty", "block_number", "gas_limit", "gas_used", "timestamp", "tx_number", "bloom"}
_DEFAULTS = {"coinAge": "0x0", "txNumber": "0x0", "gasUsed": "0x0", "extraData": "0x", "mixHash": "0x" + "00" * 32}


def header_from_json(data: dict[str, Any]) -> GwtcBlockHeader:
    """A header from a JSON object with ``blocks.json``'s field names (or a ``blocks.json`` entry)."""
    if "header" in data and isinstance(data["header"], dict):
        data = data["header"]
    values: dict[str, Any] = {}
    for name, key in _JSON_HEADER_FIELDS.items():
        raw = data.get(key, _DEFAULTS.get(key))
        if raw is None:
            raise ValueError(f"header JSON lacks {key!r}")
        if name in _INTEGER_FIELDS:
            values[name] = int(raw, 16) if isinstance(raw, str) else int(raw)
        else:
            values[name] = decode_hex(raw)
    if len(values["nonce"]) != 8:
        values["nonce"] = int.from_bytes(values["nonce"], "big").to_bytes(8, "big")
    return GwtcBlockHeader(**values)


def parse_header_argument(text: str) -> GwtcBlockHeader:
    candidate = text.strip()
    path = Path(candidate)
    if not candidate.startswith(("{", "0x")) and len(candidate) < 4096 and path.exists():
        candidate = path.read_text().strip()
    if candidate.startswith("{"):
        return header_from_json(json.loads(candidate))
    return decode_header(decode_hex(candidate))


def cmd_pow(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        header = parse_header_argument(args.header)
    except (ValueError, RLPDecodeError, json.JSONDecodeError) as exc:
        print(f"walton pow: cannot read the header: {exc}", file=err)
        return EXIT_USAGE
    heights = heights_from(args)
    report = inspect_header_seal(header, args.balance, heights)
    target = report.target
    print(
        json.dumps(
            {
                "number": report.number,
                "hash": "0x" + header.hash.hex(),
                "sealHash": "0x" + report.seal_hash.hex(),
                "phase": report.phase,
                "orderHash": "0x" + report.order_hash.hex(),
                "order": report.order,
                "nonce": "0x" + header.nonce.hex(),
                "x11Result": "0x" + report.x11_result.hex(),
                "target": None if target is None else f"0x{target.target:064x}",
                "baseTarget": None if target is None else f"0x{target.base_target:064x}",
                "coinAgeFactor": None if target is None else target.coin_age_factor,
                "txNumberFactor": None if target is None else target.tx_number_factor,
                "balanceScaled": None if target is None else target.balance_scaled,
                "balance": hex(args.balance) if report.number >= heights.v2 else None,
                "verdict": report.verdict,
                "valid": report.valid,
            },
            indent=None if args.compact else 2,
        ),
        file=out,
    )
    return EXIT_OK if report.valid else EXIT_BAD_BLOCK


# -- wiring -----------------------------------------------------------------------------------------
def _handler(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (GenesisError, GenesisMismatch, ValueError) as exc:
            print(f"walton {args.command}: {exc}", file=sys.stderr)
            return EXIT_USAGE

    return run


def add_commands(subparsers: Any) -> None:
    """Add ``import``, ``account``, ``export`` and ``pow`` to a ``walton`` sub-command parser."""
    parser = subparsers.add_parser("import", help="import a gwtc-exported chain file with full validation")
    add_network_options(parser)
    parser.add_argument(
        "--datadir", type=Path, metavar="DIR", help="data directory (walton node's; default: in memory)"
    )
    parser.add_argument("--account", action="append", metavar="ADDRESS", help="also print this account at the head")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.add_argument("file", type=Path, metavar="FILE.rlp")
    parser.set_defaults(handler=_handler(cmd_import))

    parser = subparsers.add_parser("account", help="an account's balance, nonce, coinAge and fuBlockTime at the head")
    add_network_options(parser)
    parser.add_argument(
        "--datadir", type=Path, metavar="DIR", help="data directory (walton node's; default: in memory)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.add_argument("paths", nargs="+", metavar="[FILE.rlp] ADDRESS")
    parser.set_defaults(handler=_handler(cmd_account))

    parser = subparsers.add_parser("export", help="write the chain as a gwtc chain file")
    add_network_options(parser)
    parser.add_argument("--datadir", type=Path, metavar="DIR", help="data directory to export from (walton node's)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.add_argument("paths", nargs="+", metavar="[FILE.rlp] OUT.rlp")
    parser.set_defaults(handler=_handler(cmd_export))

    parser = subparsers.add_parser("pow", help="show the X11 seal check of one header")
    parser.add_argument("header", metavar="HEADER", help="header RLP hex, a JSON header object, or a file holding one")
    parser.add_argument("--balance", type=int, default=0, metavar="WEI", help="coinbase balance for V2+ headers")
    parser.add_argument("--compact", action="store_true", help="one-line JSON")
    add_height_options(parser)
    parser.set_defaults(handler=_handler(cmd_pow))
