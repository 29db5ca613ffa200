"""The ``walton`` command: one entry point for every job walton does."""

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from walton import __version__


class ConformanceResult(Protocol):
    @property
    def passed(self) -> bool: ...

    @property
    def name(self) -> str: ...

    @property
    def error(self) -> str: ...

    def as_json(self) -> dict[str, object]: ...


def _report(results: Iterable[ConformanceResult], as_json: bool, kind: str) -> int:
    """Print one line per case (JSON objects with ``--json``) and a summary; exit status 1 on failure."""
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="walton", description="A Python client for Waltonchain.")
    parser.add_argument("--version", action="version", version=f"walton {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_conformance_command(
        commands, "statetest", "run GeneralStateTests-format fixtures (geth's evm statetest)", _statetest
    )
    _add_conformance_command(commands, "blocktest", "run BlockchainTests-format fixtures", _blocktest)
    _add_conformance_command(commands, "txtest", "run TransactionTests-format fixtures", _txtest)
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
    return status


if __name__ == "__main__":
    sys.exit(main())
