"""`wwsgen coverage`: which functions hand-written tests exercise (markers,
attribute references, imports; live and host apart) and which need
hand-written code, per area; bad input is an error at its line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from test_generate_support import FIXTURE, REPO, Run, wwsgen

HOST_TEST = """
import pytest
import wwsapi
from wwsapi import friendly
from wwsapi.heap import WsFreeHeap as free


def test_create() -> None:
    friendly.WsCreateHeap(1, 0)


def helper() -> str:
    return "WsGetErrorString"  # a string is no reference
"""

LIVE_TEST = """
import pytest

CALLS = ("WsCreateHeap", "WsGetErrorString")


@pytest.mark.wwsapi(*CALLS)
def test_calls() -> None:
    pass


@pytest.mark.wwsapi("WsNoSuchFunction")
def test_misnamed() -> None:
    pass


pytestmark = pytest.mark.wwsapi(make_names())
"""


def _tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def tests_dir(tmp_path: Path) -> Path:
    return _tree(
        tmp_path / "tests",
        {
            "test_host.py": HOST_TEST,
            "live/test_live.py": LIVE_TEST,
            "live/helpers.py": "import wwsapi\nwwsapi.WsStartAsync()\n",  # not a test module
            "golden/generate/test_copy.py": "import wwsapi\nwwsapi.WsStartAsync()\n",
            "fixtures/test_page.py": "import wwsapi\nwwsapi.WsStartAsync()\n",
        },
    )


def coverage(*args: str | Path) -> Run:
    return wwsgen("coverage", "--specs", FIXTURE, *args)


def _functions(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for area in data["areas"] for f in area["functions"]}


def test_the_rule_counts_markers_attributes_and_imports(tests_dir: Path) -> None:
    run = coverage("--json", "--tests", tests_dir)
    assert run.status == 0, run.stderr
    data = json.loads(run.stdout)
    functions = _functions(data)
    assert sorted(functions) == ["WsCreateHeap", "WsFreeHeap", "WsGetErrorString", "WsStartAsync"]
    where = {n: (f["live"], f["host"]) for n, f in functions.items()}
    assert where == {
        "WsCreateHeap": (True, True),  # marker (starred tuple) and attribute
        "WsFreeHeap": (False, True),  # imported from wwsapi.heap
        "WsGetErrorString": (True, False),  # marker only: the string in helper() is not one
        "WsStartAsync": (False, False),  # helpers, golden/ and fixtures/ are not tests
    }
    hows = {(r["how"], r["line"]) for r in functions["WsCreateHeap"]["references"]}
    assert hows == {("marker", 7), ("attribute", 9)}
    assert functions["WsFreeHeap"]["references"][0]["how"] == "import"
    assert data["totals"] == {
        "functions": 4,
        "tested": 3,
        "live": 2,
        "host": 2,
        "untested": 1,
        "friendly": 2,
        "needs_hand_written": 2,
    }


def test_functions_without_a_friendly_wrapper_say_why(tests_dir: Path) -> None:
    data = json.loads(coverage("--json", "--tests", tests_dir).stdout)
    functions = _functions(data)
    assert functions["WsCreateHeap"]["needs_hand_written"] is None
    reason = functions["WsGetErrorString"]["needs_hand_written"]
    assert reason == "string (WS_STRING*): neither a page nor the C type gives its direction"
    by_area = {a["module"]: [f["name"] for f in a["functions"]] for a in data["areas"]}
    assert by_area["heap"] == ["WsCreateHeap", "WsFreeHeap"]
    assert sum(a["totals"]["functions"] for a in data["areas"]) == data["totals"]["functions"]


def test_the_text_report(tests_dir: Path) -> None:
    run = coverage("--tests", tests_dir)
    assert run.status == 0, run.stderr
    lines = run.stdout.splitlines()
    heap = lines.index(
        "heap (Heap): 2 functions: 2 tested (1 live, 2 host), 0 untested; "
        "0 without a friendly wrapper"
    )
    assert lines[heap + 1] == "  tested: WsCreateHeap[live+host], WsFreeHeap[host]"
    assert "  needs hand-written code:" in lines
    assert lines[-1] == (
        "total: 3 areas, 4 functions: 3 tested (2 live, 2 host), 1 untested; "
        "2 without a friendly wrapper"
    )


def test_a_marker_naming_no_function_or_unreadable_is_a_warning(tests_dir: Path) -> None:
    run = coverage("--tests", tests_dir)
    assert run.status == 0
    warnings = sorted(
        line.split(": warning: ")[0].rsplit("/", 1)[-1] for line in run.stderr.splitlines()
    )
    assert warnings == ["test_live.py:12", "test_live.py:17"], run.stderr
    assert "'WsNoSuchFunction', which is no function of the specs" in run.stderr


def test_a_test_module_that_is_not_python_is_an_error_at_its_line(tmp_path: Path) -> None:
    folder = _tree(tmp_path / "t", {"test_bad.py": "import wwsapi\n\ndef broken(:\n"})
    run = coverage("--tests", folder)
    assert run.status == 1 and run.stdout == ""
    assert run.stderr.strip().endswith(
        "test_bad.py:3: error: not Python, so not scanned: invalid syntax"
    )
    assert "Traceback" not in run.stderr


def test_missing_folders_and_bad_specs_are_errors(tmp_path: Path) -> None:
    run = coverage("--tests", tmp_path / "nowhere")
    assert run.status == 1 and "nowhere: error: no such folder of tests" in run.stderr
    run = wwsgen("coverage", "--specs", tmp_path / "no-specs")
    assert run.status == 1 and "no-specs/abi: error: no such folder" in run.stderr


def test_the_projects_own_report() -> None:
    run = wwsgen("coverage", "--json", cwd=REPO)
    assert run.status == 0, run.stderr
    data = json.loads(run.stdout)
    functions = _functions(data)
    assert len(functions) == data["totals"]["functions"] > 150
    heap = functions["WsGetHeapProperty"]
    assert heap["live"] and "value (void*)" in heap["needs_hand_written"]
    assert any(
        r["path"] == "tests/live/test_smoke.py" for r in functions["WsCreateHeap"]["references"]
    )
    assert data["tests"] == ["tests"]
