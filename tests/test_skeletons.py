"""The generated test skeletons (generated/tests) fail when the package and
the specs disagree: a skeleton made from altered specs fails against the
committed package, and the committed skeleton fails against a package made
from the altered specs, on exactly the altered facts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.abi import load_abi
from generator.merge import merge
from generator.parse import parse_paths
from generator.render.engine import environment, render_file
from generator.render.plan import plan_files

REPO = Path(__file__).resolve().parent.parent
SPECS = REPO / "specs"
SKELETON = "tests/test_skeleton_heap.py"

# (file under specs/, text, replacement): one fact each that a skeleton checks
ALTERATIONS = (
    # the C type of a parameter
    ("abi/functions.yaml", "  - heap: WS_HEAP*\n  - size: SIZE_T\n",
     "  - heap: WS_HEAP*\n  - size: ULONG\n"),
    # the return type
    ("abi/functions.yaml", "WsFreeHeap:\n  returns: void\n", "WsFreeHeap:\n  returns: HRESULT\n"),
    # a documented code's meaning
    ("pages/nf-webservices-wsalloc.md", "The allocation would take the total requested",
     "The heap is full: the total requested would go"),
    # a parameter's optionality, hence the friendly signature
    ("pages/nf-webservices-wscreateheap.md", "-param properties [in, optional]",
     "-param properties [in]"),
)  # fmt: skip
EXPECTED_FAILURES = {
    "test_argtypes[WsAlloc]",
    "test_restype[WsFreeHeap]",
    "test_documented_failure[WsAlloc-WS_E_QUOTA_EXCEEDED]",
    "test_friendly_signature[WsCreateHeap]",
}


def _render(specs: Path, out: Path) -> None:
    """Every file generated from `specs`, unformatted (black only changes layout)."""
    model = merge(parse_paths([specs / "pages"]), load_abi(specs / "abi"))
    env = environment(REPO / "templates")
    for planned in plan_files(model, ("abi",), ("pages",)):
        path = out / planned.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_file(env, planned), encoding="utf-8")


def _failures(skeleton: Path, package: Path) -> set[str]:
    """The tests of `skeleton` that fail against the package in `package`."""
    env = {**os.environ, "PYTHONPATH": str(package)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider",
         "--rootdir", str(skeleton.parent), str(skeleton)],
        capture_output=True, text=True, env=env, cwd=skeleton.parent, timeout=600,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert re.search(r"\d+ passed", result.stdout), result.stdout
    return set(re.findall(r"^FAILED \S+::(\S+)", result.stdout, re.MULTILINE))


@pytest.fixture(scope="module")
def altered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package and skeletons generated from specs/ with ALTERATIONS applied."""
    root = tmp_path_factory.mktemp("altered")
    specs = root / "specs"
    shutil.copytree(SPECS, specs)
    for relative, old, new in ALTERATIONS:
        path = specs / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{relative} no longer holds {old!r}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    _render(specs, root / "out")
    return root / "out"


def test_the_skeletons_pass_mypy_strict() -> None:
    folder = REPO / "generated" / "tests"
    skeletons = sorted(str(p) for p in folder.glob("*.py"))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *skeletons],
        capture_output=True, text=True, cwd=folder, timeout=600,
        env={**os.environ, "MYPYPATH": f"{REPO / 'generated'}{os.pathsep}{folder}"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_committed_skeleton_passes_on_the_committed_package() -> None:
    assert _failures(REPO / "generated" / SKELETON, REPO / "generated") == set()


def test_a_skeleton_of_altered_specs_fails_against_the_committed_package(altered: Path) -> None:
    assert _failures(altered / SKELETON, REPO / "generated") == EXPECTED_FAILURES


def test_the_committed_skeleton_fails_against_a_package_of_altered_specs(altered: Path) -> None:
    assert _failures(REPO / "generated" / SKELETON, altered) == EXPECTED_FAILURES
