"""The whole API, generated from specs/ plus the shared upstream corpus, and
the committed package kept in sync with specs/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_generate_pipeline import check_layouts
from test_generate_support import REPO, python, wwsgen

from generator.abi import load_abi

FILE_LINE_LIMIT = 5000  # "none over about 5,000 lines"; area modules aim at 4,000


@pytest.fixture(scope="module")
def corpus_package(
    tmp_path_factory: pytest.TempPathFactory, sdk_api_dir: Path, wsw_dir: Path
) -> Path:
    out = tmp_path_factory.mktemp("corpus-package")
    run = wwsgen("generate", "--out", out, "--no-cache", "--docs", sdk_api_dir, "--docs", wsw_dir)
    assert run.status == 0, run.stderr
    assert ": error:" not in run.stderr
    return out


def test_files_stay_small_and_are_split_by_area(corpus_package: Path) -> None:
    files = sorted((corpus_package / "wwsapi").glob("*.py"))
    sizes = {f.name: len(f.read_text(encoding="utf-8").splitlines()) for f in files}
    assert max(sizes.values()) <= FILE_LINE_LIMIT * 1.02, sizes
    areas = [n for n in sizes if not n.startswith("_") and n not in ("hresults.py", "bases.py")]
    assert len(areas) >= 20  # one module per area page of the corpus, and fallbacks
    for expected in ("heap.py", "channel.py", "message.py", "xml_reader.py", "listener.py"):
        assert expected in sizes


def test_every_abi_element_is_in_the_package(corpus_package: Path) -> None:
    abi = load_abi(REPO / "specs" / "abi")
    names = [
        *(f.name for f in abi.functions),
        *(c.name for c in abi.callbacks),
        *(e.name for e in abi.enums),
        *(m.name for e in abi.enums for m in e.members),
        *(a.name for a in abi.aggregates if not a.nested),
        *(h.name for h in abi.handles),
        *(k.name for k in abi.constants),
    ]
    output = python(
        corpus_package,
        f"""
        import json, wwsapi
        names = {names!r}
        print(json.dumps([n for n in names if not hasattr(wwsapi, n)]))
        """,
    )
    assert json.loads(output) == []
    assert len(abi.functions) >= 193 and len(abi.aggregates) >= 255


def test_layouts_of_the_whole_api_match_the_abi_model(corpus_package: Path) -> None:
    assert check_layouts(corpus_package, REPO / "specs" / "abi") >= 255


def test_pages_of_the_corpus_reach_the_docstrings(corpus_package: Path) -> None:
    output = python(
        corpus_package,
        """
        import inspect, wwsapi
        doc = inspect.getdoc(wwsapi.WsCreateChannel)
        print("Args:" in doc, "WS_E_INVALID_OPERATION" in doc or "E_INVALIDARG" in doc)
        print("sdk-api/webservices/nf-webservices-wscreatechannel.md" in doc)
        """,
    )
    assert output.split() == ["True", "True", "True"]


def test_the_committed_package_is_in_sync_with_specs() -> None:
    run = wwsgen("generate", "--check", "--no-cache")
    assert run.status == 0, run.stderr + "\nrun `wwsgen generate` and commit generated/"


FIRST_IMPORT = """
import ctypes, importlib, sys
module = importlib.import_module("wwsapi." + sys.argv[1])
for value in list(vars(module).values()):
    if isinstance(value, type) and issubclass(value, (ctypes.Structure, ctypes.Union)):
        if value.__module__ == module.__name__ and not issubclass(value, module._rt.Handle):
            assert "_fields_" in vars(value), value
            value()
print("ok")
"""


def test_any_area_imported_first_gives_complete_types(corpus_package: Path, tmp_path: Path) -> None:
    """Whatever area a program imports first (import cycles between areas
    included), every structure has its fields once that import returns."""
    modules = sorted(
        p.stem
        for p in (corpus_package / "wwsapi").glob("*.py")
        if not p.stem.startswith("_") and p.stem not in ("hresults", "bases")
    )
    script = tmp_path / "first_import.py"
    script.write_text(FIRST_IMPORT)
    output = python(
        corpus_package,
        f"""
        import subprocess, sys
        bad = []
        for name in {modules!r}:
            command = [sys.executable, {str(script)!r}, name]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.stdout.strip() != "ok":
                bad.append((name, result.stderr[-500:]))
        print(len({modules!r}), bad)
        """,
    )
    assert output.strip() == f"{len(modules)} []", output
    assert len(modules) >= 20
