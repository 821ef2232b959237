"""Outputs the generator lays out itself skip black (formatting.LAID_OUT): black
must leave every one of them unchanged, for the specs, the test fixtures and
the shared corpus alike. A difference is a layout bug of the generator (or an
output kind listed in LAID_OUT too early)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_generate_support import REPO, generate_fixture, wwsgen

from generator.render import formatting
from generator.render.formatting import FormatCache, FormatJob


def _laid_out_jobs(out: Path) -> list[FormatJob]:
    jobs = []
    for path in sorted(out.rglob("*.py*")):
        relative = path.relative_to(out).as_posix()
        if "__pycache__" in relative or not formatting.laid_out(relative):
            continue
        jobs.append(
            FormatJob(relative, path.read_text(encoding="utf-8"), relative.endswith(".pyi"))
        )
    return jobs


def _assert_black_agrees(out: Path) -> None:
    jobs = _laid_out_jobs(out)
    names = {job.path for job in jobs}
    # the kinds the generator lays out are all there, so the check covers them
    for expected in ("wwsapi/__init__.py", "wwsapi/_layout.py", "wwsapi/bases.py"):
        assert expected in names
    assert "wwsapi/_properties.py" in names and "wwsapi/hresults.py" in names
    assert formatting.layout_differences(jobs) == []


def test_specs_outputs_are_laid_out_as_black_would(tmp_path: Path) -> None:
    run = wwsgen("generate", "--out", tmp_path, "--no-cache", "-q")
    assert run.status == 0, run.stderr
    assert any(job.path.startswith("tests/") for job in _laid_out_jobs(tmp_path))
    _assert_black_agrees(tmp_path)


def test_fixture_outputs_are_laid_out_as_black_would(tmp_path: Path) -> None:
    generate_fixture(tmp_path, "-q")
    _assert_black_agrees(tmp_path)


def test_corpus_outputs_are_laid_out_as_black_would(
    tmp_path: Path, sdk_api_dir: Path, wsw_dir: Path
) -> None:
    run = wwsgen(
        "generate", "--out", tmp_path, "--no-cache", "-q", "--docs", sdk_api_dir, "--docs", wsw_dir
    )
    assert run.status == 0, run.stderr
    _assert_black_agrees(tmp_path)


def test_the_check_finds_a_layout_black_would_change() -> None:
    job = FormatJob("wwsapi/heap.py", "x = f(1,2)\n", False)
    assert formatting.laid_out(job.path)
    assert formatting.layout_differences([job]) == ["wwsapi/heap.py"]
    assert formatting.layout_differences([FormatJob(job.path, "x = f(1, 2)\n", False)]) == []


def test_which_outputs_skip_black() -> None:
    assert formatting.laid_out("wwsapi/bases.py")
    assert formatting.laid_out("wwsapi/__init__.pyi")
    assert formatting.laid_out("tests/test_skeleton_heap.py")
    assert not formatting.laid_out("wwsapi/friendly/heap.py")
    assert not formatting.laid_out("wwsapi/py.typed")


def test_laid_out_text_is_kept_as_is_and_other_text_goes_through_black() -> None:
    kept = FormatJob("wwsapi/heap.py", "x = f(1,2)\n", False)
    formatted = FormatJob("wwsapi/friendly/heap.py", "x = f(1,2)\n", False)
    assert formatting.format_all([kept, formatted], FormatCache(None), 1) == [
        "x = f(1,2)\n",
        "x = f(1, 2)\n",
    ]


def test_laid_out_text_that_is_not_python_is_an_error() -> None:
    job = FormatJob("wwsapi/heap.py", "def f(:\n", False)
    with pytest.raises(
        formatting.FormatError, match=r"wwsapi/heap\.py: generated code is not valid"
    ):
        formatting.format_all([job], FormatCache(None), 1)


def test_an_oversized_output_is_an_error_naming_the_file() -> None:
    limit = formatting.MAX_LINES
    texts = {"wwsapi/big.py": "x = 1\n" * (limit + 1), "wwsapi/ok.py": "x = 1\n" * limit}
    problems = formatting.oversized(texts)
    assert [p.path for p in problems] == ["wwsapi/big.py"]
    assert f"{limit + 1} lines, over the limit of {limit}" in problems[0].message


def test_generate_refuses_an_output_over_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formatting, "MAX_LINES", 1000)  # bases.py, channel.py are longer
    run = wwsgen("generate", "--out", tmp_path, "--no-cache", "-q")
    assert run.status == 1
    assert "wwsapi/bases.py: error: generated file would have" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "wwsapi").exists()  # nothing written


def test_committed_package_has_no_file_over_the_limit() -> None:
    for path in (REPO / "generated").rglob("*.py"):
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= formatting.MAX_LINES, path
