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


WINE_HEADER = Path("/usr/include/wine/wine/windows/webservices.h")


def _need(ok: bool, reason: str) -> None:
    """Skip when a tool is missing; under CI (`WWSGEN_REQUIRE_CORPUS=1`) fail instead."""
    if ok:
        return
    if os.environ.get("WWSGEN_REQUIRE_CORPUS") == "1":
        pytest.fail(reason + "; scripts/test installs it (WWSGEN_REQUIRE_CORPUS=1: no skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def wine_header() -> Path:
    """Wine's webservices.h (Debian libwine-dev), an ABI source and the compile target."""
    _need(WINE_HEADER.is_file(), f"Wine's webservices.h not found at {WINE_HEADER} (libwine-dev)")
    return WINE_HEADER


@pytest.fixture(scope="session")
def import_extra() -> None:
    """The `[import]` extra: libclang and the SDK metadata package."""
    import importlib.util

    for module in ("clang.cindex", "win32more"):
        _need(importlib.util.find_spec(module.split(".")[0]) is not None,
              f"{module} not installed (pip install -e '.[import]')")


@pytest.fixture(scope="session")
def mingw() -> None:
    """Both MinGW-w64 cross compilers (gcc-mingw-w64-x86-64, gcc-mingw-w64-i686)."""
    import shutil

    for compiler in ("x86_64-w64-mingw32-gcc", "i686-w64-mingw32-gcc"):
        _need(shutil.which(compiler) is not None, f"{compiler} not installed")
