"""Access to the shared fixtures from tests: skip with a clear message where they are absent."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from walton.fixtures_path import FIXTURES_ENV, shared_fixtures_dir


def shared_fixture(*parts: str) -> Path:
    """Path of a shared fixture; skips the calling test when the shared folder lacks it."""
    path = shared_fixtures_dir().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared fixture {path} not found: set {FIXTURES_ENV} to the shared fixtures folder")
    return path


def load_shared_json(*parts: str) -> Any:
    with shared_fixture(*parts).open() as handle:
        return json.load(handle)


def shared_vector_params(parts: tuple[str, ...], keep: Callable[[Any], bool], id_of: Callable[[Any], str]) -> list[Any]:
    """pytest params for the ``vectors`` of a shared vector file, or one skipped placeholder if it is absent.

    Used at collection time, where a skip would abort the whole module.
    """
    try:
        data = load_shared_json(*parts)
    except pytest.skip.Exception as absent:
        return [pytest.param(None, marks=pytest.mark.skip(reason=str(absent)), id="shared-fixtures-absent")]
    return [pytest.param(vector, id=id_of(vector)) for vector in data["vectors"] if keep(vector)]
