"""TransactionTests runner: decode and validate a raw transaction per fork, as geth's ``evm t8n``-based
txtest does; a valid one must yield the fixture's sender, hash and intrinsic gas, an invalid one
must be rejected.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import rlp
from eth.abc import SignedTransactionAPI, VirtualMachineAPI
from eth.exceptions import PyEVMError
from eth_utils import ValidationError, decode_hex, encode_hex, keccak

from walton.tools.results import CaseResult
from walton.tools.statetest import find_fixture_files, load_fixture_file
from walton.vm.forks import ENGINES, canonical_fork_name
from walton.vm.validation import decode_transaction, intrinsic_gas

VMClass = type[VirtualMachineAPI]
# TransactionTests are filled for Ethereum mainnet's chain id.
FIXTURE_CHAIN_ID = 1
TRANSACTION_REJECTIONS = (
    ValidationError,
    PyEVMError,
    rlp.DecodingError,
    rlp.DeserializationError,
    rlp.SerializationError,
    TypeError,
    ValueError,
    AttributeError,
)


@dataclass(frozen=True)
class TxTestCase:
    path: Path
    key: str
    fork: str

    @property
    def case_id(self) -> str:
        return f"{self.key}_{self.fork}"


def iter_cases(paths: Iterable[Path], forks: Iterable[str] | None = None) -> Iterator[TxTestCase]:
    wanted = None if forks is None else {canonical_fork_name(name) for name in forks}
    for path in find_fixture_files(paths):
        for key, test in load_fixture_file(path).items():
            if not isinstance(test, dict) or "txbytes" not in test:
                continue
            for fork in test["result"]:
                if wanted is None or canonical_fork_name(fork) in wanted:
                    yield TxTestCase(path, key, fork)


def decode_and_validate(vm_class: VMClass, txbytes: bytes) -> SignedTransactionAPI:
    """Decode a raw transaction for a fork and run the fork's stateless validity checks.

    Both engines decode strictly (canonical RLP only, as every client does); walton's forks add
    the checks py-evm leaves out (``validate_transaction_fields``), stock py-evm gets its own only.
    """
    transaction = decode_transaction(vm_class, txbytes)
    transaction.validate()
    transaction.check_signature_validity()
    extra_checks = getattr(vm_class, "validate_transaction_fields", None)
    if extra_checks is not None:
        extra_checks(transaction, FIXTURE_CHAIN_ID)
    return transaction


def expected_intrinsic_gas(vm_class: VMClass, transaction: SignedTransactionAPI) -> int:
    """Intrinsic gas as the fork reports it: Ethereum's definition on walton's forks, py-evm's otherwise."""
    if hasattr(vm_class, "validate_transaction_fields"):
        return intrinsic_gas(vm_class, transaction)
    gas: int = transaction.intrinsic_gas
    return gas


def run_case(case: TxTestCase, forks: Mapping[str, VMClass]) -> CaseResult:
    test = load_fixture_file(case.path)[case.key]
    expected: Mapping[str, str] = test["result"][case.fork]
    vm_class = forks.get(canonical_fork_name(case.fork))
    if vm_class is None:
        return CaseResult(case.case_id, case.fork, False, f"fork {case.fork} not supported")
    txbytes = decode_hex(test["txbytes"])
    try:
        transaction = decode_and_validate(vm_class, txbytes)
    except TRANSACTION_REJECTIONS as exc:
        if "exception" in expected:
            return CaseResult(case.case_id, case.fork, True, f"rejected: {type(exc).__name__}: {exc}")
        return CaseResult(case.case_id, case.fork, False, f"valid transaction rejected: {exc}")
    sender = encode_hex(transaction.sender)
    if "exception" in expected:
        error = f"accepted, but the fixture expects {expected['exception']}"
        return CaseResult(case.case_id, case.fork, False, error, (("sender", sender),))
    problems = []
    if sender != expected["sender"].lower():
        problems.append(f"sender {sender}, want {expected['sender']}")
    if encode_hex(keccak(txbytes)) != expected["hash"]:
        problems.append(f"hash {encode_hex(keccak(txbytes))}, want {expected['hash']}")
    actual_gas = expected_intrinsic_gas(vm_class, transaction)
    if actual_gas != int(expected["intrinsicGas"], 16):
        problems.append(f"intrinsic gas {actual_gas}, want {int(expected['intrinsicGas'], 16)}")
    return CaseResult(case.case_id, case.fork, not problems, "; ".join(problems), (("sender", sender),))


def run_cases(cases: Iterable[TxTestCase], engine: str) -> Iterator[CaseResult]:
    forks = ENGINES[engine]
    for case in cases:
        yield run_case(case, forks)
