"""Ethereum's GeneralStateTests (ethereum/tests and execution-spec-tests) on walton's forks."""

import pytest

from tests.conformance.cases import fixture_roots, missing_fixtures_reason, params, relative_id, sample
from walton.tools.statetest import StateTestCase, iter_cases, run_case
from walton.vm.forks import ENGINES

ROOTS = fixture_roots("ethereum/GeneralStateTests", "eest/state_tests")
MISSING = missing_fixtures_reason(ROOTS)


def case_id(case: StateTestCase) -> str:
    return relative_id(case.path, case.case_id)


CASES = [] if MISSING else sample(iter_cases(ROOTS), lambda case: case.path.parent, case_id, "statetest")


@pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
@pytest.mark.parametrize("case", params("statetest", CASES, case_id))
def test_statetest(case: StateTestCase) -> None:
    result = run_case(case, ENGINES["walton"])
    assert result.passed, result.error
