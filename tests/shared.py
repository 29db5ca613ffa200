"""Access to the shared fixtures from tests: skip with a clear message where they are absent."""

import json
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
