"""`wwsgen parse`: readable text, deterministic JSON, summary line, exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
GOOD = REPO / "tests" / "fixtures" / "pages" / "good"


def test_text_output_and_summary(seeds_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["parse", str(seeds_dir)])
    out, err = capsys.readouterr()
    assert status == 0
    lines = out.splitlines()
    assert lines[-1] == "3 pages, 2 elements, 1 areas, 0 indexes, 0 articles, 0 errors"
    assert lines[0].startswith("function WsGetSecurityTokenProperty  (")
    assert "  param heap [in, optional]: Heap to store additional property data." in out
    assert "  returns Other Errors (catch-all): " in out
    assert "area security-processing-results: Security Processing Results" in out
    assert "  function (1): WsGetSecurityTokenProperty" in out
    assert err.count(": warning: ") == 1 and ": error: " not in err


def run_json(paths: list[str], seed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "generator", "parse", "--json", *paths],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=False,
    )


def test_json_is_the_whole_docset_and_deterministic(seeds_dir: Path) -> None:
    paths = [str(seeds_dir), str(GOOD)]
    first, second = run_json(paths, "1"), run_json(paths, "12345")
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert sorted(data) == [
        "areas",
        "articles",
        "diagnostics",
        "elements",
        "indexes",
        "pages",
    ]
    assert [e["name"] for e in data["elements"]] == [
        "WsFine",
        "WsGetSecurityTokenProperty",
        "WsRequestSecurityToken",
    ]
    assert data["pages"] == 4
    assert data["diagnostics"][0]["severity"] == "warning"
    assert first.stdout == json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    # The summary goes to stderr so that stdout stays JSON.
    assert first.stderr.splitlines()[-1] == (
        "4 pages, 3 elements, 1 areas, 0 indexes, 0 articles, 0 errors"
    )


def test_missing_path_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["parse", str(tmp_path / "absent")])
    out, err = capsys.readouterr()
    assert status == 1
    assert err == f"{tmp_path / 'absent'}: error: no such file or directory\n"
    assert out.splitlines()[-1] == "0 pages, 0 elements, 0 areas, 0 indexes, 0 articles, 1 errors"
