"""GeneralStateTests runner: one transaction on a prepared state, checked against the fixture's root.

Runs Ethereum's GeneralStateTests format (ethereum/tests and execution-spec-tests) the way
geth's ``evm statetest`` does: for each fork with a post state, each (data, gas, value)
index, apply the signed transaction in ``txbytes`` and compare the state root and the
logs hash with the fixture.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import rlp
from eth.abc import BlockHeaderAPI, StateAPI, VirtualMachineAPI
from eth.consensus.context import ConsensusContext
from eth.constants import BLANK_ROOT_HASH, ZERO_HASH32
from eth.db.atomic import AtomicDB
from eth.db.chain import ChainDB
from eth.rlp.logs import Log
from eth.vm.chain_context import ChainContext
from eth.vm.forks.paris import ParisVM
from eth_typing import Hash32
from eth_utils import decode_hex, encode_hex, keccak, to_canonical_address

from walton.tools.fixture_state import apply_account_state
from walton.tools.results import CaseResult
from walton.vm.forks import ENGINES, canonical_fork_name
from walton.vm.validation import decode_transaction

VMClass = type[VirtualMachineAPI]


@dataclass(frozen=True)
class StateTestCase:
    """One post-state entry of a state test: a fork and a (data, gas, value) index."""

    path: Path
    key: str
    fork: str
    index: int
    indexes: Mapping[str, int] = field(hash=False, compare=False)

    @property
    def case_id(self) -> str:
        d, g, v = (self.indexes.get(name, 0) for name in ("data", "gas", "value"))
        return f"{self.key}_d{d}g{g}v{v}_{self.fork}"


def find_fixture_files(paths: Iterable[Path]) -> list[Path]:
    """Every ``.json`` file under the given files and folders, sorted for a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"no such fixture file or folder: {path}")
    return files


@lru_cache(maxsize=4)
def load_fixture_file(path: Path) -> Mapping[str, Any]:
    with path.open() as handle:
        loaded: Mapping[str, Any] = json.load(handle)
        return loaded


def iter_cases(paths: Iterable[Path], forks: Iterable[str] | None = None) -> Iterator[StateTestCase]:
    """All cases in the files, optionally only those of some forks (any fixture spelling)."""
    wanted = None if forks is None else {canonical_fork_name(name) for name in forks}
    for path in find_fixture_files(paths):
        for key, test in load_fixture_file(path).items():
            if not isinstance(test, dict) or "post" not in test or "transaction" not in test:
                continue
            for fork, posts in test["post"].items():
                if wanted is not None and canonical_fork_name(fork) not in wanted:
                    continue
                for index, post in enumerate(posts):
                    yield StateTestCase(path, key, fork, index, post.get("indexes", {}))


def _int(value: str) -> int:
    return int(value, 16)


def _block_hashes(number: int) -> Iterator[Hash32]:
    """BLOCKHASH as in geth's state tests: keccak256 of the decimal block number."""
    for ancestor in range(number - 1, max(number - 257, -1), -1):
        yield Hash32(keccak(text=str(ancestor)))


@cache
def state_test_vm(vm_class: VMClass) -> VMClass:
    """The fork class with BLOCKHASH answering as state-test generators assume (no real ancestors)."""
    return vm_class.configure(
        __name__=f"{vm_class.__name__}ForStateTests",
        previous_hashes=property(lambda vm: _block_hashes(vm.get_header().block_number)),
    )


def _header_fields(env: Mapping[str, str], vm_class: VMClass) -> dict[str, Any]:
    """The fork's header fields from a state test's ``env``: difficulty before the merge, randomness after."""
    header_class: Any = header_class_of(vm_class)
    field_names = set(header_class._meta.field_names)
    fields: dict[str, Any] = {
        "coinbase": to_canonical_address(env["currentCoinbase"]),
        "block_number": _int(env["currentNumber"]),
        "gas_limit": _int(env["currentGasLimit"]),
        "timestamp": _int(env["currentTimestamp"]),
        "parent_hash": Hash32(decode_hex(env.get("previousHash", encode_hex(ZERO_HASH32)))),
    }
    if issubclass(vm_class, ParisVM):
        fields["difficulty"] = 0
        fields["mix_hash"] = Hash32(decode_hex(env["currentRandom"]))
    else:
        fields["difficulty"] = _int(env["currentDifficulty"])
    if "currentBaseFee" in env and "base_fee_per_gas" in field_names:
        fields["base_fee_per_gas"] = _int(env["currentBaseFee"])
    if "currentExcessBlobGas" in env and "excess_blob_gas" in field_names:
        fields["excess_blob_gas"] = _int(env["currentExcessBlobGas"])
    return fields


def header_class_of(vm_class: VMClass) -> Callable[..., BlockHeaderAPI]:
    """The header class a fork's blocks are made of (the first field of its RLP block sedes)."""
    block_class: Any = vm_class.get_block_class()
    header_class: Callable[..., BlockHeaderAPI] = block_class._meta.sedes[0]
    return header_class


def logs_hash(logs: Iterable[tuple[bytes, Iterable[int], bytes]]) -> bytes:
    """keccak256 of the RLP list of logs, as the fixtures' ``logs`` field."""
    encoded = [Log(address, tuple(topics), data) for address, topics, data in logs]
    return keccak(rlp.encode(encoded))


@dataclass(frozen=True)
class Execution:
    """What applying a state test's transaction left behind."""

    state: StateAPI
    state_root: str
    logs_hash: str
    error: str


def execute_transaction(test: Mapping[str, Any], vm_class: VMClass, txbytes: bytes) -> Execution:
    """Apply one raw transaction to the test's pre state, in the test's environment, on ``vm_class``."""
    base_db = AtomicDB()
    header = header_class_of(vm_class)(state_root=BLANK_ROOT_HASH, **_header_fields(test["env"], vm_class))
    chain_context = ChainContext(_int(test.get("config", {}).get("chainid", "0x1")))
    pre_state = vm_class.build_state(base_db, header, chain_context, ())
    apply_account_state(pre_state, test["pre"])
    pre_state.persist()
    header = header.copy(state_root=pre_state.state_root)

    vm = state_test_vm(vm_class)(
        header=header,
        chaindb=ChainDB(base_db),
        chain_context=chain_context,
        consensus_context=ConsensusContext(base_db),
    )
    error = ""
    logs = logs_hash([])
    try:
        transaction = decode_transaction(vm_class, txbytes)
        _receipt, computation = vm.apply_transaction(header, transaction)
    except Exception as exc:  # an invalid transaction leaves the pre state, as in geth
        error = f"{type(exc).__name__}: {exc}"
    else:
        logs = logs_hash(computation.get_log_entries())
    vm.state.persist()
    return Execution(vm.state, encode_hex(vm.state.state_root), encode_hex(logs), error)


def run_case(case: StateTestCase, forks: Mapping[str, VMClass]) -> CaseResult:
    """Run one case with the fork class ``forks`` has for it and compare with the fixture."""
    return check_case(case, load_fixture_file(case.path)[case.key], forks)


def check_case(case: StateTestCase, test: Mapping[str, Any], forks: Mapping[str, VMClass]) -> CaseResult:
    """``run_case`` for a test already loaded from its file."""
    post = test["post"][case.fork][case.index]
    vm_class = forks.get(canonical_fork_name(case.fork))
    if vm_class is None:
        return CaseResult(case.case_id, case.fork, False, f"fork {case.fork} is not supported")
    result = execute_transaction(test, vm_class, decode_hex(post["txbytes"]))
    expect_exception = post.get("expectException")
    problems = []
    if result.state_root != post["hash"]:
        problems.append(f"post state root: got {result.state_root}, want {post['hash']}")
    if "logs" in post and result.logs_hash != post["logs"]:
        problems.append(f"logs hash: got {result.logs_hash}, want {post['logs']}")
    if expect_exception and not result.error:
        problems.append(f"transaction was valid, the fixture expects {expect_exception}")
    if result.error and not expect_exception:
        problems.append(f"transaction rejected: {result.error}")
    error = "; ".join(problems) if problems else result.error
    return CaseResult(case.case_id, case.fork, not problems, error, (("stateRoot", result.state_root),))


def run_cases(cases: Iterable[StateTestCase], engine: str) -> Iterator[CaseResult]:
    forks = ENGINES[engine]
    for case in cases:
        yield run_case(case, forks)
