"""Ethereum's BlockchainTests (ethereum/tests Valid/Invalid blocks and execution-spec-tests) on walton's forks."""

import pytest

from tests.conformance.cases import fixture_roots, missing_fixtures_reason, params, relative_id, sample
from walton.tools.blocktest import BlockTestCase, iter_cases, run_case
from walton.vm.forks import ENGINES

ROOTS = fixture_roots(
    "ethereum/BlockchainTests/ValidBlocks", "ethereum/BlockchainTests/InvalidBlocks", "eest/blockchain_tests"
)
MISSING = missing_fixtures_reason(ROOTS)


def case_id(case: BlockTestCase) -> str:
    return relative_id(case.path, case.case_id)


CASES = [] if MISSING else sample(iter_cases(ROOTS), lambda case: case.path.parent, case_id, "blocktest")


@pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
@pytest.mark.parametrize("case", params("blocktest", CASES, case_id))
def test_blocktest(case: BlockTestCase) -> None:
    result = run_case(case, ENGINES["walton"])
    assert result.passed, result.error
