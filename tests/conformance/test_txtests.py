"""Ethereum's TransactionTests (ethereum/tests and execution-spec-tests) on walton's forks: all of them, always."""

import pytest

from tests.conformance.cases import fixture_roots, missing_fixtures_reason, params, relative_id
from walton.tools.txtest import TxTestCase, iter_cases, run_case
from walton.vm.forks import ENGINES

ROOTS = fixture_roots("ethereum/TransactionTests", "eest/transaction_tests")
MISSING = missing_fixtures_reason(ROOTS)


def case_id(case: TxTestCase) -> str:
    return relative_id(case.path, case.case_id)


CASES = [] if MISSING else list(iter_cases(ROOTS))


@pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
@pytest.mark.parametrize("case", params("txtest", CASES, case_id))
def test_txtest(case: TxTestCase) -> None:
    result = run_case(case, ENGINES["walton"])
    assert result.passed, result.error
