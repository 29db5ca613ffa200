"""State-test throughput: stock py-evm against walton's forks on the same fixed cases, alternating.

The cases are listed in ``statetest_subset.txt`` (fixture files relative to the shared fixtures
folder, spread over GeneralStateTests folders, no stTimeConsuming). Each round runs the whole
subset on one engine then the other; the order alternates between rounds so neither engine
always runs on a warmer machine. Prints cases per second per engine and the walton/py-evm ratio
(min, median, max over rounds).
"""

import argparse
import statistics
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from walton.fixtures_path import FIXTURES_ENV, shared_fixtures_dir
from walton.tools.statetest import StateTestCase, check_case, iter_cases, load_fixture_file
from walton.vm.forks import ENGINES

SUBSET_FILE = Path(__file__).with_name("statetest_subset.txt")


Loaded = list[tuple[StateTestCase, Mapping[str, Any]]]


def subset_cases() -> Loaded:
    """The subset's cases with their tests, parsed once so no JSON parsing is timed."""
    root = shared_fixtures_dir()
    lines = [line.strip() for line in SUBSET_FILE.read_text().splitlines()]
    paths = [root / line for line in lines if line and not line.startswith("#")]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        sys.exit(f"benchmark fixtures not found ({missing[0]} ...): set {FIXTURES_ENV}")
    return [(case, load_fixture_file(case.path)[case.key]) for case in iter_cases(paths)]


def run_round(cases: Loaded, engine: str) -> float:
    """Cases per second for one pass over the subset; every case must pass."""
    forks = ENGINES[engine]
    started = time.perf_counter()
    for case, test in cases:
        result = check_case(case, test, forks)
        if not result.passed:
            sys.exit(f"{engine} failed {case.case_id}: {result.error}")
    return len(cases) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cases = subset_cases()
    print(f"{len(cases)} cases from {len({case.path for case, _ in cases})} files, {args.rounds} rounds")
    run_round(cases[:20], "pyevm")  # warm imports and caches on both engines
    run_round(cases[:20], "walton")
    rates: dict[str, list[float]] = {"pyevm": [], "walton": []}
    for round_number in range(args.rounds):
        order = ("pyevm", "walton") if round_number % 2 == 0 else ("walton", "pyevm")
        for engine in order:
            rates[engine].append(run_round(cases, engine))
    ratios = [walton / pyevm for walton, pyevm in zip(rates["walton"], rates["pyevm"], strict=True)]
    for engine, values in rates.items():
        spread = f"(min {min(values):.1f}, max {max(values):.1f})"
        print(f"{engine:7s} cases/s: median {statistics.median(values):8.1f}  {spread}")
    print(
        f"ratio walton/py-evm: median {statistics.median(ratios):.3f}  (min {min(ratios):.3f}, max {max(ratios):.3f})"
    )


if __name__ == "__main__":
    main()
