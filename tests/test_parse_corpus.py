"""The whole shared corpus (seeds, sdk-api, wsw) parses with zero errors, and the
model holds what the raw pages hold: the expected counts are computed here from
the files with simple line scans, not with the parser."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from generator.diagnostics import Severity
from generator.docmodel import DocSet, ElementPage, PageKind
from generator.parse import parse_paths, parse_text

H1_KIND = {
    "function": PageKind.FUNCTION,
    "callback function": PageKind.CALLBACK,
    "enumeration": PageKind.ENUM,
    "structure": PageKind.STRUCT,
    "union": PageKind.UNION,
}


@pytest.fixture(scope="module")
def corpus(seeds_dir: Path, sdk_api_dir: Path, wsw_dir: Path) -> tuple[list[Path], DocSet]:
    files = [
        p
        for folder in (seeds_dir, sdk_api_dir, wsw_dir)
        for p in sorted(folder.iterdir())
        if p.suffix in (".md", ".txt")
    ]
    return files, parse_paths([seeds_dir, sdk_api_dir, wsw_dir])


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")


def sections(path: Path) -> dict[str, list[str]]:
    """Lines by `## ` section (lowercased, dash dropped), outside code fences."""
    found: dict[str, list[str]] = {}
    current = ""
    fenced = False
    for line in lines_of(path):
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            current = line[3:].strip().lstrip("-").lower()
        found.setdefault(current, []).append(line)
    return found


def raw_params(path: Path) -> list[str]:
    """Parameter names: `### -param` / `#### -` headings, or `*name* \\[` terms."""
    names: list[str] = []
    for line in sections(path).get("parameters", []):
        heading = re.match(r"^#{3,4} -(?:param)? +\**(\w+)", line)
        term = re.match(r"^\*(\w+)\* \\\[", line)
        match = heading or term
        if match and match[1] not in names:
            names.append(match[1])
    return names


def raw_codes(path: Path) -> list[str]:
    return [
        line.split("<b>")[1].split("</b>")[0].strip()
        for line in sections(path).get("returns", [])
        if line.startswith("<dt><b>")
    ]


def raw_fields(path: Path) -> int:
    return sum(1 for line in lines_of(path) if line.startswith("### -field "))


def raw_kind(path: Path) -> PageKind | None:
    text = path.read_text(encoding="utf-8")
    h1 = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "")
    name, _, suffix = h1.replace("\\_", "_").partition(" ")
    if suffix in H1_KIND:
        return H1_KIND[suffix]
    if f"typedef struct _{name} {name};" in text:
        return PageKind.HANDLE
    return None


def test_whole_corpus_parses_without_errors(corpus: tuple[list[Path], DocSet]) -> None:
    files, docset = corpus
    errors = [str(d) for d in docset.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    assert docset.pages == len(files)
    # The only warnings are upstream's known quirks: stray front matter lines
    # in seed 001 and two parameters documented twice word for word.
    warnings = sorted(Path(d.path).name for d in docset.diagnostics)
    assert warnings == [
        "001_2d1e8024a7c88619.txt",
        "nc-webservices-ws_create_channel_callback.md",
        "nc-webservices-ws_service_accept_channel_callback.md",
    ]


def test_every_reference_page_is_an_element_of_its_kind(corpus: tuple[list[Path], DocSet]) -> None:
    files, docset = corpus
    expected = {p.as_posix(): kind for p in files if (kind := raw_kind(p)) is not None}
    by_path = {e.path: e.kind for e in docset.elements}
    # The seed pages of WsGetSecurityTokenProperty and WsRequestSecurityToken are
    # replaced by the later sdk-api pages of the same elements.
    overridden = {p for p in expected if "/seeds/" in p}
    assert len(overridden) == 2
    assert by_path == {p: k for p, k in expected.items() if p not in overridden}
    assert Counter(by_path.values()) == Counter(
        {
            PageKind.FUNCTION: 85,
            PageKind.STRUCT: 67,
            PageKind.ENUM: 52,
            PageKind.CALLBACK: 18,
            PageKind.HANDLE: 15,
        }
    )
    assert len(docset.elements) == len({e.name for e in docset.elements})


def test_parameters_return_codes_and_fields_match_the_raw_pages(
    corpus: tuple[list[Path], DocSet],
) -> None:
    _, docset = corpus
    total_params = total_codes = total_fields = 0
    for element in docset.elements:
        path = Path(element.path)
        assert [p.name for p in element.params] == raw_params(path), element.path
        assert [c.code for c in element.return_codes] == raw_codes(path), element.path
        assert [c.catch_all for c in element.return_codes] == [
            code == "Other Errors" for code in raw_codes(path)
        ]
        assert len(element.fields) == raw_fields(path), element.path
        total_params += len(element.params)
        total_codes += len(element.return_codes)
        total_fields += len(element.fields)
    # Totals as the pages hold them (seeds excluded: replaced by sdk-api pages):
    # 423 `### -param` lines, 3 more `#### -` ones, 3 in wsw's two debug
    # function pages; 592 `<dt><b>` rows; 562 `### -field` lines.
    assert (total_params, total_codes, total_fields) == (429, 592, 562)


def test_parameter_directions_as_annotated(corpus: tuple[list[Path], DocSet]) -> None:
    _, docset = corpus
    directions: Counter[str] = Counter()
    for element in docset.elements:
        for param in element.params:
            directions[param.direction.value + (",optional" if param.optional else "")] += 1
    raw: Counter[str] = Counter()
    for element in docset.elements:
        seen: set[str] = set()
        for line in sections(Path(element.path)).get("parameters", []):
            match = re.match(r"^(?:#{3,4} -(?:param)? +\**|\*)(\w+)\*? *\\?\[?([^\]\\]*)", line)
            if match and match[1] not in seen and (line.startswith("#") or "\\[" in line):
                seen.add(match[1])
                words = [w.strip() for w in match[2].split(",") if w.strip()]
                base = "in,out" if {"in", "out"} <= set(words) else (words[0] if words else "")
                if base == "optional" or not base:
                    base = "unspecified"
                raw[base + (",optional" if "optional" in words else "")] += 1
    assert directions == raw


def test_index_and_area_pages(corpus: tuple[list[Path], DocSet], wsw_dir: Path) -> None:
    _, docset = corpus
    assert sorted(i.name for i in docset.indexes) == [
        "web-services-for-windows-callback-functions",
        "web-services-for-windows-enumerations",
        "web-services-for-windows-functions",
        "web-services-for-windows-handles",
        "web-services-for-windows-macros",
        "web-services-for-windows-structures",
    ]
    index = {i.name: i for i in docset.indexes}
    functions = index["web-services-for-windows-functions"]
    raw_functions = [
        line
        for line in lines_of(wsw_dir / "web-services-for-windows-functions.md")
        if line.startswith("-   [")
    ]
    assert [g for g, _ in functions.groups] == ["function"]
    assert len(functions.groups[0][1]) == len(raw_functions) == 195

    areas = {a.name: a for a in docset.areas}
    assert len(areas) == 37
    assert "security-processing-results" in areas
    assert areas["security-processing-results"].path.endswith("wsw/security-processing-results.md")
    # heap.md lists its elements as bullets under lead-in sentences.
    heap_lines = lines_of(wsw_dir / "heap.md")
    raw_heap = [
        re.sub(r"\\_", "_", line.split("**")[1])
        if "**" in line
        else line.split("[")[1].split("]")[0]
        for line in heap_lines
        if line.startswith("-   [")
    ]
    assert list(areas["heap"].elements()) == [n.replace("\\_", "_") for n in raw_heap]
    assert [g for g, _ in areas["heap"].groups] == [
        "enumeration",
        "function",
        "handle",
        "structure",
    ]
    # Every group entry names a C identifier; all but one link somewhere
    # (security-binding-settings.md lists WS_HTTP_HEADER_AUTH_SCHEME unlinked).
    entries = [entry for area in areas.values() for _, group in area.groups for entry in group]
    assert all(re.fullmatch(r"[A-Za-z_]\w*", entry.name) for entry in entries)
    assert [entry.name for entry in entries if entry.link is None] == ["WS_HTTP_HEADER_AUTH_SCHEME"]


def test_links_resolve_to_elements(corpus: tuple[list[Path], DocSet]) -> None:
    _, docset = corpus
    heap = docset.element("WsCreateHeap")
    assert heap is not None
    targets = {link.text: link.element for p in heap.params for link in p.description.links}
    assert targets["WsAlloc"] == "WsAlloc"  # https://msdn.microsoft.com/<assetid>
    assert targets["WsResetHeap"] == "WsResetHeap"
    assert targets["WS_HEAP"] == "WS_HEAP"  # the assetid of wsw/ws-heap.md
    areas = {a.name: a for a in docset.areas}
    entries = {e.name: e for _, group in areas["heap"].groups for e in group}
    assert entries["WsCreateHeap"].link is not None
    assert entries["WsCreateHeap"].link.element == "WsCreateHeap"  # /windows/desktop/api/... path
    assert entries["WS_HEAP"].link is not None
    assert entries["WS_HEAP"].link.element == "WS_HEAP"  # ws-heap.md


def test_pure_markdown_fast_path_gives_the_same_model(
    corpus: tuple[list[Path], DocSet],
    seeds_dir: Path,
    sdk_api_dir: Path,
    wsw_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Trees built straight from Markdown tokens equal those the HTML parser builds."""
    _, docset = corpus
    monkeypatch.setattr("generator.parse.context.tokens_to_tree", lambda body, tokens: None)
    assert parse_paths([seeds_dir, sdk_api_dir, wsw_dir], jobs=1) == docset


def test_pages_parse_the_same_under_any_file_name(sdk_api_dir: Path, wsw_dir: Path) -> None:
    """Classification goes by content: every reference and handle page gives the
    same element when saved under a name that says nothing."""
    pages = sorted(sdk_api_dir.glob("n*.md")) + sorted(wsw_dir.glob("ws-*.md"))
    assert len(pages) == 235
    for page in pages:
        text = page.read_text(encoding="utf-8")
        original = parse_text(text, page.name).page
        renamed = parse_text(text, "page.txt").page
        assert isinstance(original, ElementPage) and isinstance(renamed, ElementPage)
        assert replace(renamed, path=page.name) == original, page.name
