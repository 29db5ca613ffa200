"""Every known failure is one stock py-evm fails too: walton never gives up a case py-evm passes."""

from pathlib import Path

import pytest

from tests.conformance.cases import load_known_failures, sample
from walton.fixtures_path import shared_fixtures_dir
from walton.tools import blocktest, statetest, txtest
from walton.vm.forks import ENGINES

RUNNERS = {"statetest": statetest, "blocktest": blocktest, "txtest": txtest}


def _entries() -> list[tuple[str, str]]:
    return [(runner, case_id) for runner, cases in load_known_failures().items() for case_id in cases]


def _find(runner: str, case_id: str) -> object:
    relative, _, name = case_id.partition("::")
    path = shared_fixtures_dir() / relative
    if not path.exists():
        pytest.skip(f"shared fixture {path} not found")
    module = RUNNERS[runner]
    for case in module.iter_cases([path]):
        if case.case_id == name:
            return case
    raise AssertionError(f"known failure {case_id} names no case in {path}")


@pytest.mark.parametrize(
    ("runner", "case_id"),
    sample(_entries(), lambda entry: Path(entry[1].partition("::")[0]).parent, lambda entry: entry[1], "known"),
)
def test_stock_pyevm_fails_each_known_failure(runner: str, case_id: str) -> None:
    case = _find(runner, case_id)
    result = RUNNERS[runner].run_case(case, ENGINES["pyevm"])  # type: ignore[attr-defined]
    assert not result.passed, f"stock py-evm passes {case_id}: it must pass on walton too"
