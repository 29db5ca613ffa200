"""Walton's own state tests in fixtures/: they pass on walton's forks and match their fillers."""

import json
from pathlib import Path

import pytest

from walton.tools.fill import fill_test
from walton.tools.statetest import StateTestCase, iter_cases, run_case
from walton.vm.forks import ENGINES

PROJECT_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FILLERS = sorted((PROJECT_FIXTURES / "fillers" / "state_tests").glob("*Filler.json"))
CASES = list(iter_cases([PROJECT_FIXTURES / "state_tests"]))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.case_id)
def test_own_state_tests_pass(case: StateTestCase) -> None:
    result = run_case(case, ENGINES["walton"])
    assert result.passed, result.error


@pytest.mark.parametrize("filler_path", FILLERS, ids=lambda path: path.name)
def test_filled_fixture_matches_filler(filler_path: Path) -> None:
    """Refilling reproduces the committed fixture byte for byte (so neither drifts from the other)."""
    fillers = json.loads(filler_path.read_text())
    committed = json.loads((PROJECT_FIXTURES / "state_tests" / filler_path.name.replace("Filler", "")).read_text())
    assert {name: fill_test(name, filler) for name, filler in fillers.items()} == committed


def test_p256_fixture_depends_on_the_precompile() -> None:
    """On plain Prague (no 0x100 precompile) the valid-signature cases give another post state."""
    prague = dict(ENGINES["walton"]) | {"IoT": ENGINES["pyevm"]["Prague"]}
    valid_cases = [case for case in CASES if case.key == "p256Verify" and case.indexes["data"] in (0, 4)]
    assert valid_cases
    for case in valid_cases:
        assert not run_case(case, prague).passed
