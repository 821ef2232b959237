"""Rows and cells of a table in the HTML tree (Markdown pipe tables included)."""

from __future__ import annotations

from generator.parse.tree import Node

_SECTIONS = frozenset({"thead", "tbody", "tfoot"})


def table_rows(table: Node) -> list[Node]:
    """The `<tr>` elements of `table` itself, not of tables nested in it."""
    rows = []
    for child in table.elements():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in _SECTIONS:
            rows.extend(row for row in child.elements() if row.tag == "tr")
    return rows


def cells(row: Node) -> list[Node]:
    return [cell for cell in row.elements() if cell.tag in ("td", "th")]
