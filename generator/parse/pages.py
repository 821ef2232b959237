"""One page from text to model: classify it by content, then read it.

Classification never trusts the file name alone. In order of precedence:
1. the H1 suffix (`# WsCreateHeap function`, `callback function`, `enumeration`,
   `structure`, `union`, `macro`; newer pages add the header: `function (webservices.h)`),
2. the front matter's `ms.topic` (function, callback, enum, struct, union, macro),
3. the UID prefix (`NF:`, `NC:`, `NE:`, `NS:`),
4. a handle page: the H1 is a bare C name and a code block `typedef ... NAME;`
   declares it,
5. only when the front matter is missing or a placeholder: the upstream file
   name prefix (`nf-`, `nc-`, `ne-`, `ns-`).
Signals that disagree (a `function` H1 on an `NE:` page) are a warning; the
first one wins. A page that is no element is an area or index page when it
lists groups of elements (`generator.parse.areas`), else an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from generator.diagnostics import Diagnostic
from generator.docmodel import (
    AreaPage,
    ArticlePage,
    ElementPage,
    FrontMatter,
    PageKind,
    Text,
)
from generator.parse.areas import read_groups
from generator.parse.context import PageContext
from generator.parse.frontmatter import read_front_matter
from generator.parse.markdown import Heading, headings, parse_body
from generator.parse.reference import read_element, typedef_name
from generator.parse.source import fix_spaces
from generator.parse.text import render

_H1 = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)(?:\s+(?P<suffix>callback function|function|callback|"
    r"enumeration|enum|structure|struct|union|macro))?(?:\s*\([\w.]+\.h\))?$",
    re.IGNORECASE,
)
_SUFFIX_KINDS = {
    "function": PageKind.FUNCTION,
    "callback function": PageKind.CALLBACK,
    "callback": PageKind.CALLBACK,
    "enumeration": PageKind.ENUM,
    "enum": PageKind.ENUM,
    "structure": PageKind.STRUCT,
    "struct": PageKind.STRUCT,
    "union": PageKind.UNION,
    "macro": PageKind.MACRO,
}
_UID = re.compile(r"^(?P<prefix>N[FCES]):(?:[\w.\-]+\.)?(?P<name>\w+)$")
_UID_KINDS = {
    "NF": PageKind.FUNCTION,
    "NC": PageKind.CALLBACK,
    "NE": PageKind.ENUM,
    "NS": PageKind.STRUCT,
}
_FILE_KINDS = {
    "nf": PageKind.FUNCTION,
    "nc": PageKind.CALLBACK,
    "ne": PageKind.ENUM,
    "ns": PageKind.STRUCT,
}
_FAMILY = {PageKind.MACRO: PageKind.FUNCTION, PageKind.UNION: PageKind.STRUCT}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ATX_H1 = re.compile(r"^ {0,3}#(?:[ \t][^\n]*)?$", re.MULTILINE)
_KIND_WORD = re.compile(r"callback|function|enum|struct|union|handle|macro")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LINE_ENDS_WITH_COLON = re.compile(r":[*_ \t\\]*$", re.MULTILINE)  # "heap:", "heap:*"


@dataclass(frozen=True)
class PageResult:
    """What one file yields: its page (None when unreadable) and findings."""

    path: str
    page: ElementPage | AreaPage | ArticlePage | None
    kind: PageKind | None
    diagnostics: tuple[Diagnostic, ...]


def parse_text(text: str, path: str, quick: bool = True) -> PageResult:
    """Parse one page's text; `path` is used in the model and diagnostics.

    Never raises for any input text: problems are diagnostics. With `quick`,
    a page that cannot be an element or overview page (see `_quick_article`)
    is not parsed beyond its H1; the result is the same.
    """
    text = fix_spaces(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    fm = read_front_matter(text, path)
    if not fm.ok:
        return PageResult(path, None, None, fm.diagnostics)
    if quick:
        article = _quick_article(fm.body, fm.body_offset, path, fm.front)
        if article is not None:
            return PageResult(path, article, PageKind.ARTICLE, fm.diagnostics)
    page = PageContext(path, parse_body(fm.body, fm.body_offset), list(fm.diagnostics))
    h1 = next((h for h in headings(page.body) if h.level == 1), None)
    if h1 is None:
        page.error(
            fm.body_offset + 1,
            "no H1 heading ('# Title'): a page must name what it documents in its first heading",
        )
        return PageResult(path, None, None, _in_line_order(page.diagnostics))
    title = page.body.plain(page.body.tokens[h1.index + 1])
    kind, name = _classify(page, h1, title, fm.front)
    result: ElementPage | AreaPage | ArticlePage
    if kind is not None and name:
        result = read_element(page, name, kind, h1, fm.front)
    else:
        groups = read_groups(page, h1.index + 3)
        if groups.groups:
            kind = PageKind.INDEX if groups.index else PageKind.AREA
            result = AreaPage(
                name=area_name(path, title),
                title=title or fm.front.title,
                path=path,
                assetid=fm.front.assetid,
                description=_area_description(page, h1, fm.front),
                groups=groups.groups,
            )
        else:
            kind = PageKind.ARTICLE
            result = ArticlePage(title or fm.front.title, path, fm.front.assetid)
    return PageResult(path, result, kind, _in_line_order(page.diagnostics))


def _in_line_order(diagnostics: list[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(sorted(diagnostics, key=lambda d: d.line or 0))


def _quick_article(body: str, offset: int, path: str, front: FrontMatter) -> ArticlePage | None:
    """The article a page is, told from its raw text alone; None when unsure.

    Most conceptual pages are long samples. A page is surely an article when
    its front matter names no element kind, its H1 names no element (no kind
    suffix; a bare C name only with no `typedef` in the page and a file name
    not like `nf-...`), and its raw text has no line with a kind word and a
    `|` (a table headed by a kind) and no run of lines with "following" and
    a line ending in ":" (a lead-in; a list may follow it without a blank
    line), so no groups. Then only the lines up to the H1 are parsed.
    """
    if _UID.match(front.uid) or front.topic.lower() in _SUFFIX_KINDS or front.placeholder:
        return None
    if _kind_word_in_a_table_line(body) or any(
        "following" in chunk.lower() and _LINE_ENDS_WITH_COLON.search(chunk)
        for chunk in _PARAGRAPH_BREAK.split(body)
    ):
        return None
    match = _ATX_H1.search(body)
    if match is None:
        return None
    prefix = parse_body(body[: match.end()], offset)
    found = headings(prefix)
    if (
        not found
        or found[-1].level != 1
        or found[-1].line != offset + body.count("\n", 0, match.start()) + 1
    ):
        return None
    if any(h.level == 1 for h in found[:-1]):
        return None
    title = prefix.plain(prefix.tokens[found[-1].index + 1])
    h1_match = _H1.match(title)
    if h1_match and (
        h1_match["suffix"] or "typedef" in body or _FILE_KINDS.get(_file_prefix(path))
    ):
        return None  # an element, or maybe a handle or a page named like one
    return ArticlePage(title or front.title, path, front.assetid)


def _file_prefix(path: str) -> str:
    """`nf` of `nf-webservices-wsalloc.md`; "" for other names."""
    stem = PurePath(path).stem.lower()
    return stem[:2] if stem[2:3] == "-" else ""


def _kind_word_in_a_table_line(body: str) -> bool:
    """Whether a line holds both a kind word and a `|`, as the header row of a
    group table does, whatever markup is around the word. (A single regex
    for this is very slow on long pages.)"""
    lower = body.lower()
    for match in _KIND_WORD.finditer(lower):
        line_start = lower.rfind("\n", 0, match.start()) + 1
        line_end = lower.find("\n", match.end())
        if "|" in lower[line_start : line_end if line_end >= 0 else len(lower)]:
            return True
    return False


def area_name(path: str, title: str) -> str:
    """The file stem when it is a slug (`security-processing-results`), else
    the slug of the title (for pages saved under other names)."""
    stem = PurePath(path).stem
    if _SLUG.fullmatch(stem):
        return stem
    slug = "-".join(re.findall(r"[a-z0-9]+", title.lower()))
    return slug or stem


def _classify(
    page: PageContext, h1: Heading, title: str, front: FrontMatter
) -> tuple[PageKind | None, str]:
    """The element kind and name the page documents, or (None, "")."""
    h1_match = _H1.match(title)
    uid = _UID.match(front.uid)
    signals: list[tuple[str, PageKind]] = []
    if h1_match and h1_match["suffix"]:
        signals.append(("the H1 heading", _SUFFIX_KINDS[h1_match["suffix"].lower()]))
    topic = _SUFFIX_KINDS.get(front.topic.lower())
    if topic is not None:
        signals.append(("ms.topic", topic))
    if uid:
        signals.append(("the UID", _UID_KINDS[uid["prefix"]]))
    if h1_match and not h1_match["suffix"] and _declares(page, h1_match["name"]):
        signals.append(("the typedef block", PageKind.HANDLE))
    file_kind = _FILE_KINDS.get(_file_prefix(page.path))
    if not signals and (front.placeholder or not front.uid) and h1_match and file_kind:
        signals.append(("the file name", file_kind))
    if not signals:
        return None, ""
    source, kind = signals[0]
    for other_source, other in signals[1:]:
        if _FAMILY.get(other, other) is not _FAMILY.get(kind, kind):
            page.warning(
                h1.line,
                f"{source} says {kind.value} but {other_source} says {other.value}; "
                f"read as {kind.value}",
            )
    name = _element_name(h1_match["name"] if h1_match else "", front, uid)
    if not name:
        page.error(
            h1.line,
            f"cannot tell which {kind.value} this page documents: the H1 {title!r} "
            "is not 'Name kind' and the front matter names none",
        )
    return kind, name


def _element_name(h1_name: str, front: FrontMatter, uid: re.Match[str] | None) -> str:
    if h1_name:
        return h1_name
    for api_name in front.api_names:
        if re.fullmatch(r"[A-Za-z_]\w*", api_name):
            return api_name
    return uid["name"].lstrip("_") if uid else ""


def _declares(page: PageContext, name: str) -> bool:
    return any(
        token.type == "fence" and typedef_name(token.content) == name for token in page.body.tokens
    )


def _area_description(page: PageContext, h1: Heading, front: FrontMatter) -> Text:
    """The front matter's summary; else the first paragraph after the H1."""
    if front.description:
        return Text(front.description)
    tokens = page.body.tokens
    for index in range(h1.index + 3, len(tokens)):
        token = tokens[index]
        if token.type == "heading_open" and token.level == 0:
            break
        if token.type == "paragraph_open" and token.level == 0:
            return render(page.tree(index, index + 3).children)
    return Text()
