"""Doc pages -> `DocSet` (generator/docmodel.py).

    parse_paths(paths) -> DocSet     files and directories, later paths win
    parse_text(text, path) -> PageResult   one page, for tests and tools

Modules, one job each: `source` (bytes to text), `frontmatter` (YAML front
matter), `markdown` (markdown-it-py tokens), `tree` (HTML tree via html.parser),
`text` (plain text and links), `tables`, `reference` (element pages), `areas`
(overview pages), `pages` (classification), `links` (resolution), `dump`
(JSON and readable text of a DocSet).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.diagnostics import Diagnostic
from generator.docmodel import AreaPage, ArticlePage, DocSet, ElementPage, PageKind
from generator.parse.links import LinkIndex
from generator.parse.pages import PageResult, parse_text
from generator.parse.source import read_page

__all__ = ["PageResult", "expand_paths", "parse_file", "parse_paths", "parse_text"]

PAGE_SUFFIXES = (".md", ".txt")


def expand_paths(paths: Sequence[str | Path]) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """Files to read, as (path, display path), in order; missing paths are errors.

    A directory contributes every `*.md` and `*.txt` file below it, sorted by
    relative path, skipping hidden files and folders; a file named directly is
    read whatever its suffix.
    """
    files: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                (p.relative_to(path).as_posix(), p)
                for p in path.rglob("*")
                if p.suffix.lower() in PAGE_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            files.extend((p, (path / relative).as_posix()) for relative, p in found)
        elif path.is_file():
            files.append((path, path.as_posix()))
        else:
            problems.append(Diagnostic(str(given), None, "no such file or directory"))
    return files, problems


def parse_file(path: Path, display: str) -> PageResult:
    text, problem = read_page(path, display)
    if text is None:
        return PageResult(display, None, None, (problem,) if problem else ())
    return parse_text(text, display)


def parse_paths(paths: Sequence[str | Path]) -> DocSet:
    """Parse every page under `paths`; never raises for bad input.

    A later page of the same element (or area) replaces an earlier one. Links
    are resolved over all pages read.
    """
    files, diagnostics = expand_paths(paths)
    results = [parse_file(path, display) for path, display in files]
    elements: dict[str, ElementPage] = {}
    areas: dict[str, AreaPage] = {}
    indexes: dict[str, AreaPage] = {}
    articles: list[ArticlePage] = []
    for result in results:
        diagnostics.extend(result.diagnostics)
        page = result.page
        if isinstance(page, ElementPage):
            elements.pop(page.name, None)
            elements[page.name] = page
        elif isinstance(page, AreaPage):
            table = indexes if result.kind is PageKind.INDEX else areas
            table.pop(page.name, None)
            table[page.name] = page
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
