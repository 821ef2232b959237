"""Shared fixtures: where the upstream test pages live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """The shared test input: `$WWSGEN_SHARED`, else `../shared` beside the checkout."""
    configured = os.environ.get("WWSGEN_SHARED")
    return Path(configured) if configured else REPO.parent / "shared"


def _require(path: Path, what: str) -> Path:
    if path.is_dir():
        return path
    reason = f"{what} not found at {path} (set WWSGEN_SHARED to the shared folder)"
    if os.environ.get("WWSGEN_REQUIRE_CORPUS") == "1":
        pytest.fail(reason + "; WWSGEN_REQUIRE_CORPUS=1 forbids skipping")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _require(shared_dir() / "seeds", "seed pages")


@pytest.fixture(scope="session")
def sdk_api_dir() -> Path:
    return _require(shared_dir() / "corpus" / "sdk-api" / "webservices", "sdk-api corpus")


@pytest.fixture(scope="session")
def wsw_dir() -> Path:
    return _require(shared_dir() / "corpus" / "win32" / "wsw", "win32 wsw corpus")
