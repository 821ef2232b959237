"""Snapshot of the package generated from the small fixture input.

Each generated file is compared with tests/golden/generate/<path>; a mismatch
shows a unified diff. After a deliberate change, review and rewrite the
snapshots with WWSGEN_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest
from test_generate_support import REPO, generate_fixture

GOLDEN = REPO / "tests" / "golden" / "generate"


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("golden")
    generate_fixture(out)
    files = _files(out)
    if os.environ.get("WWSGEN_UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for relative, text in files.items():
            (GOLDEN / relative).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / relative).write_text(text, encoding="utf-8")
    return files


def test_the_same_files_are_generated(generated: dict[str, str]) -> None:
    assert sorted(generated) == sorted(
        _files(GOLDEN)
    ), "the set of generated files changed; review, then WWSGEN_UPDATE_GOLDEN=1"


@pytest.mark.parametrize(
    "relative", sorted(_files(GOLDEN)) if GOLDEN.is_dir() else ["(no snapshots yet)"]
)
def test_each_file_matches_its_snapshot(generated: dict[str, str], relative: str) -> None:
    expected = (GOLDEN / relative).read_text(encoding="utf-8") if GOLDEN.is_dir() else ""
    actual = generated.get(relative, "")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"golden/{relative}",
                f"generated/{relative}",
            )
        )
        pytest.fail(
            f"{relative} differs from its snapshot (WWSGEN_UPDATE_GOLDEN=1 to accept):\n{diff}"
        )
