"""Every known failure is one stock py-evm fails too, except those the IoT fork fails by design.

Walton never gives up a case py-evm passes unless the group says why the IoT fork must differ
from Prague there (``pyevm_passes``); for those, py-evm passing is checked too, so the reason holds.
"""

from pathlib import Path

import pytest

from tests.conformance.cases import known_failure_groups, sample
from walton.fixtures_path import shared_fixtures_dir
from walton.tools import blocktest, statetest, txtest
from walton.vm.forks import ENGINES

RUNNERS = {"statetest": statetest, "blocktest": blocktest, "txtest": txtest}


def _entries() -> list[tuple[str, str, bool]]:
    return [
        (runner, case_id, bool(group.get("pyevm_passes", False)))
        for runner, groups in known_failure_groups().items()
        for group in groups
        for case_id in group["cases"]
    ]


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
    ("runner", "case_id", "pyevm_passes"),
    sample(_entries(), lambda entry: Path(entry[1].partition("::")[0]).parent, lambda entry: entry[1], "known"),
)
def test_stock_pyevm_result_matches_the_stated_reason(runner: str, case_id: str, pyevm_passes: bool) -> None:
    case = _find(runner, case_id)
    result = RUNNERS[runner].run_case(case, ENGINES["pyevm"])  # type: ignore[attr-defined]
    if pyevm_passes:
        assert result.passed, f"{case_id} is listed as failing by design on the IoT fork, but py-evm fails it too"
    else:
        assert not result.passed, f"stock py-evm passes {case_id}: it must pass on walton too"
