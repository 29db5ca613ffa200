"""Where the shared conformance fixtures live (one setting for every runner and test)."""

import os
from pathlib import Path

FIXTURES_ENV = "WALTON_FIXTURES"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shared_fixtures_dir() -> Path:
    """The shared fixtures folder: ``$WALTON_FIXTURES`` or ``../shared/fixtures`` beside the project."""
    configured = os.environ.get(FIXTURES_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return (PROJECT_ROOT.parent / "shared" / "fixtures").resolve()
