"""Reference pages of one API element: sections, parameters, return codes, fields.

Two layouts are read. The sdk-api layout (`## -description`, `## -parameters`
with `### -param name [in]`, `## -returns`, `## -struct-fields` with
`### -field name`, ...) and the win32 layout (`## Syntax`, `## Parameters` as a
`<dl>` of `*name* [in]` terms, `## Return value`, `## Requirements` table). A
section is known by its heading whatever its case or leading dash.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from generator.docmodel import (
    Direction,
    ElementPage,
    Field,
    FrontMatter,
    PageKind,
    Param,
    Requirements,
    ReturnCode,
    Text,
)
from generator.parse.context import PageContext
from generator.parse.markdown import Heading, split
from generator.parse.tables import cells, table_rows
from generator.parse.text import collapse, render
from generator.parse.tree import Node

_SECTION_KEYS = {
    "description": "description",
    "parameters": "parameters",
    "params": "parameters",
    "returns": "returns",
    "return value": "returns",
    "return values": "returns",
    "remarks": "remarks",
    "see-also": "see-also",
    "see also": "see-also",
    "related topics": "see-also",
    "syntax": "syntax",
    "requirements": "requirements",
    "struct-fields": "fields",
    "enum-fields": "fields",
    "fields": "fields",
    "members": "fields",
    "constants": "fields",
}

_PARAM_HEAD = re.compile(r"^-\s*(?:param\b|(?=\s|$))", re.IGNORECASE)
_FIELD_HEAD = re.compile(r"^-\s*(?:field\b|(?=\s|$))", re.IGNORECASE)
_PARAM_REST = re.compile(
    r"^(?P<name>[^\s\[]*)\s*(?:\[(?P<ann>[^\]]*)\]?)?\s*(?P<extra>.*)$", re.DOTALL
)
_FIELD_REST = re.compile(r"^(?P<name>[^\s:=]*)\s*(?P<rest>.*)$", re.DOTALL)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_QUALIFIED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_CODE = re.compile(r"[A-Za-z_]\w*(?:\(\s*[A-Za-z_]\w*\s*\))?|0[xX][0-9A-Fa-f]+|-?\d+")
_TYPEDEF = re.compile(r"\btypedef\b[^;]*?\b(?P<name>[A-Za-z_]\w*)\s*;")
_ANNOTATION_WORDS = frozenset({"in", "out", "optional", "opt", "inout"})
_REQUIREMENT_ROWS = {
    "minimum supported client": "min_client",
    "minimum supported server": "min_server",
    "header": "header",
    "library": "lib",
    "dll": "dll",
}


def section_key(raw: str) -> str:
    """`## -Struct-Fields`, `## Return value` -> the section's canonical key."""
    text = collapse(raw.replace("\\", "")).lower()
    return _SECTION_KEYS.get(text.lstrip("-").strip(), text)


def typedef_name(code: str) -> str | None:
    """The name a `typedef ... NAME;` code block declares, if it is one."""
    match = _TYPEDEF.search(code)
    return match["name"] if match else None


@dataclass(frozen=True)
class _Section:
    key: str
    heading: Heading
    start: int
    end: int


def read_element(
    page: PageContext, name: str, kind: PageKind, h1: Heading, front: FrontMatter
) -> ElementPage:
    """Build the `ElementPage` from the sections after the H1 heading."""
    tokens = page.body.tokens
    parts = split(page.body, h1.index + 3, len(tokens), lambda h: h.level <= 2)
    _, lead_start, lead_end = parts[0]
    sections = [_Section(section_key(h.raw), h, a, b) for h, a, b in parts[1:] if h is not None]

    def texts(key: str) -> Text:
        found = [render(page.tree(s.start, s.end).children) for s in sections if s.key == key]
        return _join(found)

    lead = page.tree(lead_start, lead_end)
    fences = [t.content for t in tokens[lead_start:lead_end] if t.type == "fence"]
    typedef = next((c.strip() for c in fences if typedef_name(c) == name), "")
    description = texts("description") if _has(sections, "description") else _lead_text(lead)
    syntax = "\n".join(
        t.content.strip()
        for s in sections
        if s.key == "syntax"
        for t in tokens[s.start : s.end]
        if t.type == "fence"
    )

    params: list[Param] = []
    codes: list[ReturnCode] = []
    returns_parts: list[Text] = []
    fields: list[Field] = []
    see_also: list[Text] = []
    table_requirements: dict[str, str] = {}
    for section in sections:
        if section.key == "parameters":
            params.extend(_params(page, section))
        elif section.key == "returns":
            section_codes, text = _returns(page, section)
            codes.extend(section_codes)
            returns_parts.append(text)
        elif section.key == "fields":
            fields.extend(_fields(page, section))
        elif section.key == "see-also":
            see_also.append(render(page.tree(section.start, section.end).children))
        elif section.key == "requirements":
            table_requirements.update(_requirements(page.tree(section.start, section.end)))
    return ElementPage(
        name=name,
        kind=kind,
        path=page.path,
        line=h1.line,
        front=front,
        description=description,
        remarks=texts("remarks"),
        see_also=tuple(link for text in see_also for link in text.links),
        requirements=Requirements(
            min_client=front.min_client or table_requirements.get("min_client", ""),
            min_server=front.min_server or table_requirements.get("min_server", ""),
            header=front.header or table_requirements.get("header", ""),
            lib=front.lib or table_requirements.get("lib", ""),
            dll=front.dll or table_requirements.get("dll", ""),
        ),
        params=_unique(page, params, "parameter", lambda p: (p.direction, p.optional)),
        return_codes=tuple(codes),
        returns_text=_join(returns_parts),
        fields=_unique(page, fields, "field", lambda f: f.value),
        typedef=typedef,
        syntax=syntax,
    )


def _has(sections: Sequence[_Section], key: str) -> bool:
    return any(s.key == key for s in sections)


def _join(texts: Sequence[Text]) -> Text:
    present = [t for t in texts if t.text]
    if len(present) == 1:
        return present[0]
    return Text(
        "\n\n".join(t.text for t in present), tuple(link for t in present for link in t.links)
    )


def _lead_text(lead: Node) -> Text:
    """The prose between the H1 and the first section, without code blocks."""
    return render(lead.children, skip=list(lead.iter("pre")))


def _heading_matcher(pattern: re.Pattern[str]) -> Callable[[Heading], bool]:
    """Accepts the level-3+ headings that start like `pattern` (`-param`, `-field`)."""
    return lambda heading: heading.level >= 3 and bool(pattern.match(heading.raw.lstrip()))


def _params(page: PageContext, section: _Section) -> list[Param]:
    """`### -param` (or `#### - name`) headings; else a `<dl>` of terms."""
    parts = split(page.body, section.start, section.end, _heading_matcher(_PARAM_HEAD))
    if len(parts) == 1:
        return _dl_params(page, page.tree(section.start, section.end))
    params = []
    for heading, start, end in parts[1:]:
        assert heading is not None
        rest = _PARAM_HEAD.sub("", heading.raw.strip().replace("\\", ""), count=1)
        param = _param(page, rest, heading.line, render(page.tree(start, end).children))
        if param is not None:
            params.append(param)
    return params


def _dl_params(page: PageContext, root: Node) -> list[Param]:
    params = (
        _param(page, term.text(), term.line, render(dd.children)) for term, dd in _terms(root)
    )
    return [param for param in params if param is not None]


def _terms(root: Node) -> Iterator[tuple[Node, Node]]:
    """(`<dt>`, `<dd>`) pairs of the definition lists in `root`."""
    for dl in root.iter("dl"):
        term: Node | None = None
        for node in dl.elements():
            if node.tag == "dt":
                term = node
            elif node.tag == "dd" and term is not None:
                yield term, node
                term = None


def _param(page: PageContext, rest: str, line: int, description: Text) -> Param | None:
    """One parameter from `name [annotation]`; None (and an error) when unnamed."""
    match = _PARAM_REST.match(rest.strip())
    assert match is not None  # every part of the pattern is optional
    raw_name = match["name"].strip("*`").lstrip("&").rstrip("[]")
    if not raw_name:
        page.error(line, "parameter heading without a name (expected '### -param name [in]')")
        return None
    if not _IDENTIFIER.fullmatch(raw_name):
        page.error(line, f"parameter name {raw_name!r} is not a C identifier")
        return None
    direction, optional = _direction(page, match["ann"], line)
    if match["extra"]:
        extra = match["extra"][:40]
        page.warning(line, f"text after the parameter annotation is ignored: {extra!r}")
    return Param(raw_name, direction, optional, description, line)


def _direction(page: PageContext, annotation: str | None, line: int) -> tuple[Direction, bool]:
    words = set(re.split(r"[\s,/|]+", (annotation or "").lower())) - {""}
    unknown = sorted(words - _ANNOTATION_WORDS)
    if unknown:
        page.warning(line, f"unknown parameter annotation {', '.join(unknown)!r} is ignored")
    has_in = "in" in words or "inout" in words
    has_out = "out" in words or "inout" in words
    optional = bool(words & {"optional", "opt"})
    if has_in and has_out:
        return Direction.INOUT, optional
    if has_in:
        return Direction.IN, optional
    if has_out:
        return Direction.OUT, optional
    return Direction.UNSPECIFIED, optional


def _returns(page: PageContext, section: _Section) -> tuple[list[ReturnCode], Text]:
    """The return-code table rows and the section's prose around them."""
    root = page.tree(section.start, section.end)
    codes: list[ReturnCode] = []
    used: list[Node] = []
    for table in root.iter("table"):
        rows = _return_rows(table)
        if rows is not None:
            codes.extend(rows)
            used.append(table)
    return codes, render(root.children, skip=used)


def _return_rows(table: Node) -> list[ReturnCode] | None:
    """Rows as return codes when the table is a return-code table, else None."""
    rows = table_rows(table)
    header = [c.text().lower() for c in cells(rows[0])] if rows else []
    titled = bool(header) and header[0].startswith(("return code", "return value"))
    codes = []
    for row in rows:
        row_cells = cells(row)
        if not row_cells or all(c.tag == "th" for c in row_cells):
            continue
        term = row_cells[0].find("dt")
        code = (term or row_cells[0]).text()
        if not code:
            continue
        description = render(row_cells[1].children) if len(row_cells) > 1 else Text()
        line = (term or row).line  # where the code is written
        codes.append(ReturnCode(code, description, line, not _CODE.fullmatch(code)))
        titled = titled or term is not None
    return codes if titled else None


def _fields(page: PageContext, section: _Section) -> list[Field]:
    """`### -field NAME[:value]` headings, qualified by the headings they nest in."""
    parts = split(page.body, section.start, section.end, _heading_matcher(_FIELD_HEAD))
    if len(parts) == 1:
        return _dl_fields(page, page.tree(section.start, section.end))
    fields = []
    outer: list[tuple[int, str]] = []  # (heading level, qualified name) of enclosing fields
    for heading, start, end in parts[1:]:
        assert heading is not None
        rest = _FIELD_HEAD.sub("", heading.raw.strip().replace("\\", ""), count=1).strip()
        match = _FIELD_REST.match(rest)
        assert match is not None  # every part of the pattern is optional
        name = match["name"].strip("*`").lstrip("&")
        value: str | None = None
        if match["rest"][:1] in (":", "="):
            value = match["rest"][1:].strip() or None
        elif match["rest"]:
            shown = match["rest"][:40]
            page.warning(heading.line, f"text after the field name is ignored: {shown!r}")
        if not name:
            page.error(heading.line, "field heading without a name (expected '### -field name')")
            continue
        if not _QUALIFIED.fullmatch(name):
            page.error(heading.line, f"field name {name!r} is not a C identifier")
            continue
        while outer and outer[-1][0] >= heading.level:
            outer.pop()
        if outer and not name.startswith(outer[-1][1] + "."):
            name = f"{outer[-1][1]}.{name}"
        outer.append((heading.level, name))
        fields.append(Field(name, render(page.tree(start, end).children), heading.line, value))
    return fields


def _dl_fields(page: PageContext, root: Node) -> list[Field]:
    fields = []
    for term, dd in _terms(root):
        name = term.text().lstrip("*&")
        if _QUALIFIED.fullmatch(name):
            fields.append(Field(name, render(dd.children), term.line))
        else:
            page.error(term.line, f"member name {name!r} is not a C identifier")
    return fields


def _requirements(root: Node) -> dict[str, str]:
    found = {}
    for table in root.iter("table"):
        for row in table_rows(table):
            row_cells = cells(row)
            if len(row_cells) >= 2:
                key = _REQUIREMENT_ROWS.get(row_cells[0].text().lower().rstrip(":").strip())
                if key:
                    found[key] = row_cells[1].text()
    return found


_Item = TypeVar("_Item", Param, Field)


def _unique(
    page: PageContext, items: list[_Item], what: str, detail: Callable[[_Item], object]
) -> tuple[_Item, ...]:
    """Drop repeats; a repeat that says something different is an error.

    Upstream pages repeat some parameters word for word (a stray
    `#### - name` after the list): those are warnings. The same name with
    other text or another annotation cannot be settled and is an error.
    """
    kept: dict[str, _Item] = {}
    for item in items:
        first = kept.get(item.name)
        if first is None:
            kept[item.name] = item
            continue
        same_text = first.description.text == item.description.text
        if same_text and detail(item) in (detail(first), (Direction.UNSPECIFIED, False), None):
            page.warning(
                item.line,
                f"{what} {item.name!r} is documented again (first at line {first.line}) "
                "with the same text; the repeat is ignored",
            )
        else:
            page.error(
                item.line,
                f"{what} {item.name!r} is documented twice (first at line {first.line}) "
                "with different text or annotation",
            )
    return tuple(kept.values())
