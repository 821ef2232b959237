"""`mypy --strict` passes on the generated package and on a user script that
calls it, and catches a script that misuses it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_generate_support import REPO, generate_fixture

USER_SCRIPT = """
import ctypes

import wwsapi
from wwsapi import hresults

heap = ctypes.POINTER(wwsapi.WS_HEAP)()
try:
    hr: int = wwsapi.WsCreateHeap(1 << 20, 0, None, 0, ctypes.byref(heap), None)
except wwsapi.E_INVALIDARG as exc:
    print(exc.hresult, exc.code, exc.meaning, exc.error_strings)
except wwsapi.WsError as exc:
    print(exc.function)
else:
    wwsapi.WsFreeHeap(heap)
prop = wwsapi.WS_HEAP_PROPERTY()
prop.id_ = wwsapi.WS_HEAP_PROPERTY_MAX_SIZE
size = ctypes.c_size_t(0)
prop.value = ctypes.addressof(size)
prop.valueSize = ctypes.sizeof(size)
flags: wwsapi.WS_THING_FLAGS = wwsapi.WS_THING_FLAG_A | wwsapi.WS_THING_FLAG_B
context = wwsapi.WS_ASYNC_CONTEXT()
context.callback = wwsapi.WS_ASYNC_CALLBACK(lambda hr, model, state: None)
text: str = wwsapi.WS_THING_NAME
cls: type[wwsapi.WsError] = hresults.error_class(hr)
"""

MISUSE = """
import ctypes

import wwsapi

error = ctypes.POINTER(wwsapi.WS_ERROR)()
wwsapi.WsFreeHeap(ctypes.pointer(error))
wwsapi.WsFreeHeap(heap=None)
wwsapi.WsCreateHeap("big", 0, None, 0, None, None)
wwsapi.NoSuchFunction()
"""


def _mypy(target: Path, mypypath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MYPYPATH": str(mypypath)}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(target)],
        capture_output=True,
        text=True,
        env=env,
        cwd=target.parent,
        timeout=600,
    )


@pytest.fixture(scope="module")
def fixture_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("typed")
    generate_fixture(out)
    return out


def test_mypy_strict_passes_on_the_generated_package(fixture_package: Path) -> None:
    result = _mypy(fixture_package / "wwsapi", fixture_package)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes_on_a_user_script(fixture_package: Path, tmp_path: Path) -> None:
    script = tmp_path / "user.py"
    script.write_text(textwrap.dedent(USER_SCRIPT))
    result = _mypy(script, fixture_package)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_catches_misuse(fixture_package: Path, tmp_path: Path) -> None:
    script = tmp_path / "misuse.py"
    script.write_text(textwrap.dedent(MISUSE))
    result = _mypy(script, fixture_package)
    assert result.returncode == 1
    for line, what in ((7, "arg-type"), (8, "call-arg"), (9, "arg-type"), (10, "attr-defined")):
        assert f"misuse.py:{line}: error:" in result.stdout and what in result.stdout, (
            line,
            result.stdout,
        )


def test_mypy_strict_passes_on_the_committed_package() -> None:
    package = REPO / "generated" / "wwsapi"
    if not (package / "__init__.py").is_file():
        pytest.fail("generated/wwsapi is missing: run `wwsgen generate`")
    result = _mypy(package, REPO / "generated")
    assert result.returncode == 0, result.stdout + result.stderr
