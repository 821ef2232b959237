"""Overview pages: the groups of API elements an area page lists.

A group is
- a Markdown table whose first header cell names a kind (`| Function | Description |`,
  `| Enumeration |`, `| Structure |`, `| Callback |`, `| Handle |`, `| Macro |`), or
- a bullet list right after a lead-in paragraph "The following <kinds> are used
  with / are part of ...:" (`heap.md`), or "... includes the following <kinds>:", or
- inside a list after any "The following ...:" lead-in, an item "<Kinds>:" with a
  nested list (`utilities.md`).
Group names are normalised to function, enumeration, structure, callback,
handle and macro; groups of one kind are merged, in page order.

Index rule: a page is an *index* (the list of the whole API, not an area) when
a lead-in says the API "includes the following <kinds>", or when it has a single
group of more than 50 entries. Index pages are kept apart (`DocSet.indexes`).
A page without groups is an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.docmodel import AreaEntry, Link
from generator.parse.context import PageContext
from generator.parse.tables import cells, table_rows
from generator.parse.text import collapse
from generator.parse.tree import Node

INDEX_MIN_ENTRIES = 50

_GROUP_KINDS = (
    (re.compile(r"callback(?: function)?s?"), "callback"),
    (re.compile(r"functions?"), "function"),
    (re.compile(r"enum(?:eration)?s?(?:\s*/\s*constants?)?"), "enumeration"),
    (re.compile(r"(?:structures?|structs?)(?: and unions?)?|unions?"), "structure"),
    (re.compile(r"handles?"), "handle"),
    (re.compile(r"macros?"), "macro"),
)
_LEAD_IN = re.compile(
    r"^the following (?P<kind>[\w/ ]+?) (?:is|are) (?:used with|part of)\b.*:$", re.IGNORECASE
)
_INDEX_LEAD_IN = re.compile(r"\bincludes the following (?P<kind>[\w/ ]+?)\s*:$", re.IGNORECASE)
_ANY_LEAD_IN = re.compile(r"^the following\b.*:$", re.IGNORECASE)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_MAYBE_LEAD_IN = re.compile(
    r"following.*:[*_\s\\]*$", re.IGNORECASE | re.DOTALL
)  # raw, before parsing


def group_kind(phrase: str) -> str | None:
    """The group name a phrase stands for ("Callback functions" -> callback),
    or None when it names no kind ("API elements")."""
    text = collapse(phrase).lower().rstrip(":").strip()
    for pattern, kind in _GROUP_KINDS:
        if pattern.fullmatch(text):
            return kind
    return None


@dataclass(frozen=True)
class Groups:
    """The groups of one overview page and whether it is an index page."""

    groups: tuple[tuple[str, tuple[AreaEntry, ...]], ...]
    index: bool


def read_groups(page: PageContext, start: int) -> Groups:
    """Walk the top-level blocks after the H1 (at token `start`) for groups."""
    tokens = page.body.tokens
    found: list[tuple[str, list[AreaEntry]]] = []
    index_lead = False
    lead_in = ""
    position = start
    while position < len(tokens):
        token = tokens[position]
        if token.level != 0 or token.nesting == -1:
            position += 1
            continue
        end = _block_end(page, position)
        kind = token.type
        if kind == "paragraph_open":
            raw = tokens[position + 1].content
            lead_in = page.body.plain(tokens[position + 1]) if _MAYBE_LEAD_IN.search(raw) else ""
        elif kind == "table_open":
            header = _first_header(page, position, end)
            group = group_kind(header) if header else None
            if group:
                found.append((group, _table_entries(page.tree(position, end))))
            lead_in = ""
        elif kind == "bullet_list_open" and (
            _ANY_LEAD_IN.match(lead_in) or _INDEX_LEAD_IN.search(lead_in)
        ):
            list_groups = _list_groups(page.tree(position, end), lead_in)
            index_lead = index_lead or bool(list_groups and _INDEX_LEAD_IN.search(lead_in))
            found.extend(list_groups)
            lead_in = ""
        elif kind != "html_block":
            lead_in = ""
        position = end
    merged: dict[str, list[AreaEntry]] = {}
    for group, entries in found:
        merged.setdefault(group, []).extend(entries)
    groups = tuple((group, tuple(entries)) for group, entries in merged.items() if entries)
    single_big = len(groups) == 1 and len(groups[0][1]) > INDEX_MIN_ENTRIES
    return Groups(groups, bool(groups) and (index_lead or single_big))


def _block_end(page: PageContext, position: int) -> int:
    """Index after the block that opens at `position` (a top-level token)."""
    tokens = page.body.tokens
    if tokens[position].nesting == 0:
        return position + 1
    closing = tokens[position].type.replace("_open", "_close")
    for index in range(position + 1, len(tokens)):
        if tokens[index].level == 0 and tokens[index].type == closing:
            return index + 1
    return len(tokens)


def _first_header(page: PageContext, start: int, end: int) -> str:
    tokens = page.body.tokens
    for index in range(start, end):
        if tokens[index].type == "th_open":
            return page.body.plain(tokens[index + 1])
        if tokens[index].type == "tbody_open":
            break
    return ""


def _entry(node: Node, skip_nested: bool = False) -> AreaEntry | None:
    """An entry from a table cell or a list item: its first link names it;
    without a link, a C name in bold does; else it is no entry."""
    anchor = next((a for a in node.iter("a") if a.attrs.get("href", "").strip()), None)
    text = _own_text(node) if skip_nested else node.text()
    name = anchor.text() if anchor is not None else ""
    if not name:
        bold = next((b.text() for b in _bold(node)), "")
        name = bold if _IDENTIFIER.fullmatch(bold) else ""
    if not name:
        return None
    rest = text[len(name) :].strip(" -\u2013\u2014:") if text.startswith(name) else ""
    link = Link(name, anchor.attrs["href"].strip()) if anchor is not None else None
    return AreaEntry(name, rest, link)


def _bold(node: Node) -> list[Node]:
    return [b for tag in ("strong", "b") for b in node.iter(tag)]


def _table_entries(root: Node) -> list[AreaEntry]:
    entries = []
    for table in root.iter("table"):
        for row in table_rows(table):
            row_cells = cells(row)
            if not row_cells or row_cells[0].tag == "th":
                continue
            entry = _entry(row_cells[0])
            if entry is not None:
                description = row_cells[1].text() if len(row_cells) > 1 else ""
                entries.append(AreaEntry(entry.name, description, entry.link))
    return entries


def _list_groups(root: Node, lead_in: str) -> list[tuple[str, list[AreaEntry]]]:
    """Groups from a bullet list after a lead-in paragraph."""
    items = _items(root)
    match = _LEAD_IN.match(lead_in) or _INDEX_LEAD_IN.search(lead_in)
    group = group_kind(match["kind"]) if match else None
    if group:
        entries = [e for e in (_entry(item, skip_nested=True) for item in items) if e is not None]
        return [(group, entries)]
    groups = []
    for item in items:  # "Functions:" items holding a nested list
        nested_group = group_kind(_own_text(item))
        nested = _items(item)
        if nested_group and nested:
            entries = [e for e in (_entry(li, skip_nested=True) for li in nested) if e is not None]
            groups.append((nested_group, entries))
    return groups


def _items(node: Node) -> list[Node]:
    """The items of the bullet lists directly inside `node`."""
    return [
        li for ul in node.elements() if ul.tag == "ul" for li in ul.elements() if li.tag == "li"
    ]


def _own_text(item: Node) -> str:
    """A list item's text without its nested lists."""
    parts: list[str] = []
    for child in item.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag not in ("ul", "ol"):
            parts.append(" " + child.text() + " ")
    return collapse("".join(parts))
