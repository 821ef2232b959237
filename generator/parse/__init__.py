"""Doc pages -> `DocSet` (generator/docmodel.py).

    parse_paths(paths) -> DocSet     files and directories, later paths win
    parse_text(text, path) -> PageResult   one page, for tests and tools

Modules, one job each: `source` (bytes to text), `frontmatter` (YAML front
matter), `markdown` (markdown-it-py tokens), `tree` (HTML tree via html.parser),
`context` (one page's tokens and findings), `text` (plain text and links),
`tables`, `reference` (element pages), `areas` (overview pages), `pages`
(classification), `links` (resolution), `dump` (JSON and readable text).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

from generator.diagnostics import Diagnostic, Severity
from generator.docmodel import AreaPage, ArticlePage, DocSet, ElementPage, PageKind
from generator.parse.links import LinkIndex
from generator.parse.pages import PageResult, parse_text
from generator.parse.source import read_page

__all__ = ["PageResult", "expand_paths", "parse_file", "parse_paths", "parse_text"]

PAGE_SUFFIXES = (".md", ".txt")
# Below this many files one process is faster than starting workers.
PARALLEL_MIN_FILES = 120


def expand_paths(paths: Sequence[str | Path]) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """Files to read, as (path, display path), in order; missing paths are errors.

    A directory contributes every `*.md` and `*.txt` file below it, sorted by
    relative path, skipping hidden files and folders; a file named directly is
    read whatever its suffix.
    """
    files, problems, _ = _expand(paths)
    return files, problems


def _pages_below(folder: Path) -> list[Path]:
    """Page files below `folder`, sorted by relative path; hidden files and
    folders are skipped and symbolic links to folders are not followed."""
    found = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        relative = Path(top).relative_to(folder)
        for name in names:
            if not name.startswith(".") and name.lower().endswith(PAGE_SUFFIXES):
                found.append(((relative / name).as_posix(), Path(top) / name))
    return [path for _, path in sorted(found)]


def _expand(
    paths: Sequence[str | Path],
) -> tuple[list[tuple[Path, str]], list[Diagnostic], list[int]]:
    """`expand_paths`, plus for each file the index of the path it came from."""
    files: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    origins: list[int] = []
    for origin, given in enumerate(paths):
        path = Path(given)
        if path.is_dir():
            files.extend((p, p.as_posix()) for p in _pages_below(path))
        elif path.is_file():
            files.append((path, path.as_posix()))
        else:
            problems.append(Diagnostic(str(given), None, "no such file or directory"))
        origins.extend([origin] * (len(files) - len(origins)))
    return files, problems, origins


def parse_file(path: Path, display: str) -> PageResult:
    text, problem = read_page(path, display)
    if text is None:
        return PageResult(display, None, None, (problem,) if problem else ())
    return parse_text(text, display)


def _parse_file_pair(file: tuple[Path, str]) -> PageResult:
    return parse_file(*file)


def _workers(files: int, jobs: int | None) -> int:
    """How many processes to use: `jobs`, else one per CPU for large inputs.

    Workers are forked (never spawned: starting fresh interpreters costs more
    than they save), so only where fork is available, and never from a
    daemonic process (a multiprocessing pool worker), which may not fork.
    """
    if (
        "fork" not in multiprocessing.get_all_start_methods()
        or multiprocessing.current_process().daemon
    ):
        return 1
    if jobs is not None:
        return max(1, jobs)
    configured = os.environ.get("WWSGEN_JOBS", "")
    if configured.isdecimal():
        return max(1, int(configured))
    if files < PARALLEL_MIN_FILES:
        return 1
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)


def _parse_files(files: list[tuple[Path, str]], jobs: int | None) -> list[PageResult]:
    workers = _workers(len(files), jobs)
    if workers <= 1:
        return [parse_file(path, display) for path, display in files]
    chunk = max(1, len(files) // (workers * 4))
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_parse_file_pair, files, chunksize=chunk))
    except (OSError, BrokenProcessPool):
        # No processes to be had (limits, memory): the same work in this one.
        return [parse_file(path, display) for path, display in files]


_Page = TypeVar("_Page", ElementPage, AreaPage)


def _keep_later(
    table: dict[str, _Page],
    page: _Page,
    origin: int,
    origin_of: dict[str, int],
    diagnostics: list[Diagnostic],
) -> None:
    """Put `page` in `table` under its name; warn when it replaces a page
    from the same path argument."""
    earlier = table.pop(page.name, None)
    if earlier is not None and origin_of[earlier.path] == origin:
        diagnostics.append(
            Diagnostic(
                page.path,
                page.line if isinstance(page, ElementPage) else None,
                f"{page.name!r} also has a page at {earlier.path}; this later page replaces it",
                Severity.WARNING,
            )
        )
    table[page.name] = page
    origin_of[page.path] = origin


def parse_paths(paths: Sequence[str | Path], jobs: int | None = None) -> DocSet:
    """Parse every page under `paths`; never raises for bad input.

    A later page of the same element (or area) replaces an earlier one: from a
    later path silently (that is how `--docs DIR` overrides specs/pages), from
    the same path with a warning, since one tree documents each element once.
    Links are resolved over all pages read. `jobs` sets the number of processes
    (default: `$WWSGEN_JOBS`, else one per CPU when there are many files); the
    result is the same whatever it is.
    """
    files, diagnostics, origins = _expand(paths)
    results = _parse_files(files, jobs)
    elements: dict[str, ElementPage] = {}
    areas: dict[str, AreaPage] = {}
    indexes: dict[str, AreaPage] = {}
    articles: list[ArticlePage] = []
    origin_of: dict[str, int] = {}
    for result, origin in zip(results, origins, strict=True):
        diagnostics.extend(result.diagnostics)
        page = result.page
        if isinstance(page, ElementPage):
            _keep_later(elements, page, origin, origin_of, diagnostics)
        elif isinstance(page, AreaPage):
            table = indexes if result.kind is PageKind.INDEX else areas
            _keep_later(table, page, origin, origin_of, diagnostics)
        elif isinstance(page, ArticlePage):
            articles.append(page)
    index = LinkIndex([*articles, *areas.values(), *indexes.values(), *elements.values()])
    return DocSet(
        elements=tuple(index.element(elements[name]) for name in sorted(elements)),
        areas=tuple(index.area(areas[name]) for name in sorted(areas)),
        articles=tuple(articles),
        pages=len(files),
        diagnostics=tuple(diagnostics),
        indexes=tuple(index.area(indexes[name]) for name in sorted(indexes)),
    )
