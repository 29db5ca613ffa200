"""Which conformance cases the test suite runs: all of them, or a fixed sample that covers every folder.

``WALTON_CONFORMANCE=full`` (``make conformance``) runs every case. The default is a
deterministic sample: every ``SAMPLE_STRIDE``-th case of each fixture folder, and at least
one case from every folder, so each folder is exercised on every run; cases listed in
``slow_cases.json`` (several seconds to minutes each, measured on stock py-evm) run only in
the full run.
"""

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest

from walton.fixtures_path import FIXTURES_ENV, shared_fixtures_dir

CONFORMANCE_ENV = "WALTON_CONFORMANCE"
SAMPLE_STRIDE = int(os.environ.get("WALTON_SAMPLE_STRIDE", "6"))
KNOWN_FAILURES_FILE = Path(__file__).with_name("known_failures.json")
SLOW_CASES_FILE = Path(__file__).with_name("slow_cases.json")

Case = TypeVar("Case")


def full_run() -> bool:
    return os.environ.get(CONFORMANCE_ENV, "sample") == "full"


def fixture_roots(*relative: str) -> list[Path]:
    return [shared_fixtures_dir() / part for part in relative]


def missing_fixtures_reason(roots: Sequence[Path]) -> str | None:
    missing = [str(root) for root in roots if not root.exists()]
    if missing:
        return f"shared fixtures not found ({', '.join(missing)}): set {FIXTURES_ENV}"
    return None


def slow_cases(runner: str) -> tuple[set[str], tuple[str, ...]]:
    """The ids of one runner's slow cases, and the folder prefixes that are slow as a whole."""
    with SLOW_CASES_FILE.open() as handle:
        entry: dict[str, Any] = json.load(handle)[runner]
    return set(entry.get("cases", [])), tuple(entry.get("folders", []))


def sample(
    cases: Iterable[Case], folder_of: Callable[[Case], Path], id_of: Callable[[Case], str], runner: str
) -> list[Case]:
    """Every case on a full run; otherwise every SAMPLE_STRIDE-th fast case of each folder, at least one."""
    cases = list(cases)
    if full_run():
        return cases
    slow_ids, slow_folders = slow_cases(runner)
    by_folder: dict[Path, list[Case]] = defaultdict(list)
    for case in cases:
        case_id = id_of(case)
        if case_id in slow_ids or case_id.startswith(slow_folders):
            continue
        by_folder[folder_of(case)].append(case)
    chosen: list[Case] = []
    for folder_cases in by_folder.values():
        chosen.extend(folder_cases[::SAMPLE_STRIDE])
    return chosen


def known_failure_groups() -> dict[str, list[dict[str, Any]]]:
    """``{runner: [{"reason": ..., "cases": [...], "pyevm_passes": bool}, ...]}`` from known_failures.json.

    ``pyevm_passes`` marks the cases walton fails by design (the IoT fork is not Prague where the
    issue asks it to differ); every other group is one stock py-evm fails too.
    """
    with KNOWN_FAILURES_FILE.open() as handle:
        data: dict[str, Any] = json.load(handle)
    return {runner: groups for runner, groups in data.items() if not runner.startswith("_")}


def load_known_failures() -> dict[str, dict[str, str]]:
    """Cases walton cannot pass, by runner: case id -> reason."""
    return {
        runner: {case: group["reason"] for group in groups for case in group["cases"]}
        for runner, groups in known_failure_groups().items()
    }


def relative_id(path: Path, case_id: str) -> str:
    return f"{path.relative_to(shared_fixtures_dir()).as_posix()}::{case_id}"


def params(runner: str, cases: Sequence[Any], id_of: Callable[[Any], str]) -> list[Any]:
    """pytest params for the cases, with known failures marked xfail (strict) with their reason."""
    known = load_known_failures().get(runner, {})
    result = []
    for case in cases:
        case_id = id_of(case)
        marks = [pytest.mark.xdist_group(case.path.name)]
        if case_id in known:
            marks.append(pytest.mark.xfail(reason=known[case_id], strict=True))
        result.append(pytest.param(case, id=case_id, marks=marks))
    return result
