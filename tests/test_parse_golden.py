"""Golden tests: the model of each seed page, as reviewed JSON.

On a mismatch the test fails with a unified diff. `WWSGEN_UPDATE_GOLDEN=1`
rewrites the files instead; review the diff before committing it.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from generator.docmodel import AreaPage, DocSet, ElementPage
from generator.parse import parse_paths
from generator.parse.dump import to_data

GOLDEN = Path(__file__).resolve().parent / "golden" / "parse"
SEEDS = ("000_9cd9ef38856175cc", "001_2d1e8024a7c88619", "002_b2040c3f83a92558")


@pytest.fixture(scope="module")
def seeds_docset(seeds_dir: Path) -> DocSet:
    """The seeds parsed together, with paths relative to the shared folder."""
    cwd = Path.cwd()
    os.chdir(seeds_dir.parent)
    try:
        return parse_paths(["seeds"])
    finally:
        os.chdir(cwd)


def seed_data(docset: DocSet, stem: str) -> str:
    path = f"seeds/{stem}.txt"
    pages: list[ElementPage | AreaPage] = [
        *(e for e in docset.elements if e.path == path),
        *(a for a in docset.areas if a.path == path),
    ]
    data = {
        "pages": to_data(pages),
        "diagnostics": [str(d) for d in docset.diagnostics if d.path == path],
    }
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_model_matches_golden(seeds_docset: DocSet, stem: str) -> None:
    actual = seed_data(seeds_docset, stem)
    golden = GOLDEN / f"{stem}.json"
    if os.environ.get("WWSGEN_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    if not golden.is_file():
        pytest.fail(f"{golden} is missing; run with WWSGEN_UPDATE_GOLDEN=1 and review it")
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"golden/{golden.name}",
                tofile="parsed",
            )
        )
        pytest.fail(f"the model of seed {stem} differs from its golden file:\n{diff}")


def test_golden_files_hold_the_facts_checked_by_eye() -> None:
    """Independent of the parser: what a reader of the seeds sees."""
    seed0 = json.loads((GOLDEN / f"{SEEDS[0]}.json").read_text(encoding="utf-8"))["pages"][0]
    assert seed0["name"] == "WsGetSecurityTokenProperty"
    assert seed0["front"]["placeholder"] is True
    assert [(p["name"], p["direction"], p["optional"]) for p in seed0["params"]] == [
        ("securityToken", "in", False),
        ("id", "in", False),
        ("value", "unspecified", False),
        ("valueSize", "in", False),
        ("heap", "in", True),
        ("error", "in", True),
    ]
    assert [(c["code"], c["catch_all"]) for c in seed0["return_codes"]] == [
        ("E_INVALIDARG", False),
        ("E_OUTOFMEMORY", False),
        ("Other Errors", True),
    ]
    seed1 = json.loads((GOLDEN / f"{SEEDS[1]}.json").read_text(encoding="utf-8"))["pages"][0]
    assert seed1["name"] == "WsRequestSecurityToken"
    assert len(seed1["params"]) == 6
    assert [p["name"] for p in seed1["params"] if p["direction"] == "unspecified"] == [
        "properties",
        "token",
    ]
    assert seed1["requirements"]["min_client"] == "Windows 7 [desktop apps | UWP apps]"
    seed2 = json.loads((GOLDEN / f"{SEEDS[2]}.json").read_text(encoding="utf-8"))["pages"][0]
    assert (seed2["name"], seed2["title"]) == (
        "security-processing-results",
        "Security Processing Results",
    )
    assert [(g, [e["name"] for e in entries]) for g, entries in seed2["groups"]] == [
        ("enumeration", ["WS_SECURITY_TOKEN_PROPERTY_ID"]),
        ("function", ["WsGetSecurityTokenProperty"]),
        ("handle", ["WS_SECURITY_TOKEN"]),
    ]
