"""Fill walton's own state tests: turn a filler (pre state, transaction template, expectations)
into a fixture in Ethereum's GeneralStateTests format, by running it on walton's forks.

A filler names the forks to fill for and, per (data, gas, value) index, the storage it expects
afterwards. The fill fails unless the run produces exactly that storage, so a filled fixture
records behaviour that was checked, not merely observed.
"""

import argparse
import itertools
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from eth_keys import keys
from eth_utils import decode_hex, encode_hex, to_canonical_address

from walton.tools.statetest import execute_transaction
from walton.vm.forks import WALTON_FORKS, canonical_fork_name


def _indexes_matching(expect: Mapping[str, Any], indexes: Mapping[str, int]) -> bool:
    wanted = expect.get("indexes", {})
    return all(wanted.get(name, -1) in (-1, index) for name, index in indexes.items())


def _signed_txbytes(vm_class: Any, template: Mapping[str, Any], indexes: Mapping[str, int], chain_id: int) -> bytes:
    unsigned = vm_class.create_unsigned_transaction(
        nonce=int(template["nonce"], 16),
        gas_price=int(template["gasPrice"], 16),
        gas=int(template["gasLimit"][indexes["gas"]], 16),
        to=to_canonical_address(template["to"]) if template["to"] else b"",
        value=int(template["value"][indexes["value"]], 16),
        data=decode_hex(template["data"][indexes["data"]]),
    )
    signed = unsigned.as_signed_transaction(keys.PrivateKey(decode_hex(template["secretKey"])), chain_id=chain_id)
    encoded: bytes = signed.encode()
    return encoded


def check_expectations(state: Any, expect: Mapping[str, Any]) -> list[str]:
    problems = []
    for address, account in expect.get("result", {}).items():
        canonical = to_canonical_address(address)
        for slot, value in account.get("storage", {}).items():
            actual = state.get_storage(canonical, int(slot, 16))
            if actual != int(value, 16):
                problems.append(f"{address} storage[{slot}] = {actual:#x}, expected {value}")
        if "balance" in account and state.get_balance(canonical) != int(account["balance"], 16):
            problems.append(f"{address} balance = {state.get_balance(canonical):#x}, expected {account['balance']}")
    return problems


def fill_test(name: str, filler: Mapping[str, Any]) -> dict[str, Any]:
    """The filled fixture for one filler test; raises ValueError when an expectation fails."""
    template = filler["transaction"]
    chain_id = int(filler.get("config", {}).get("chainid", "0x1"), 16)
    test: dict[str, Any] = {
        "env": filler["env"],
        "pre": filler["pre"],
        "transaction": dict(template),
        "config": {"chainid": hex(chain_id)},
        "post": {},
        "_info": {"comment": filler.get("_info", {}).get("comment", ""), "filling-tool": "walton fill"},
    }
    for fork in filler["forks"]:
        vm_class = WALTON_FORKS[canonical_fork_name(fork)]
        posts = []
        ranges = (range(len(template["data"])), range(len(template["gasLimit"])), range(len(template["value"])))
        for data_index, gas_index, value_index in itertools.product(*ranges):
            indexes = {"data": data_index, "gas": gas_index, "value": value_index}
            txbytes = _signed_txbytes(vm_class, template, indexes, chain_id)
            result = execute_transaction(test, vm_class, txbytes)
            if result.error:
                raise ValueError(f"{name} {fork} {indexes}: transaction rejected: {result.error}")
            for expect in filler["expect"]:
                if _indexes_matching(expect, indexes):
                    problems = check_expectations(result.state, expect)
                    if problems:
                        raise ValueError(f"{name} {fork} {indexes}: " + "; ".join(problems))
            post = {"hash": result.state_root, "logs": result.logs_hash, "txbytes": encode_hex(txbytes)}
            posts.append(post | {"indexes": indexes})
        test["post"][fork] = posts
    return test


def fill_file(filler_path: Path, output_dir: Path) -> Path:
    fillers = json.loads(filler_path.read_text())
    filled = {name: fill_test(name, filler) for name, filler in fillers.items()}
    output = output_dir / filler_path.name.replace("Filler", "")
    output.write_text(json.dumps(filled, indent=2, sort_keys=True) + "\n")
    return output


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="walton-fill", description=__doc__.splitlines()[0])
    parser.add_argument("fillers", nargs="+", type=Path)
    parser.add_argument("--output", type=Path, required=True, help="folder for the filled fixtures")
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    for filler in args.fillers:
        print(fill_file(filler, args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
