"""A `DocSet` as deterministic JSON data, or as readable text for people."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum

from generator.docmodel import AreaPage, DocSet, ElementPage, Text


def to_data(value: object) -> object:
    """Plain JSON-ready data: dataclasses as dicts, enums as their values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    return value


def to_json(docset: DocSet) -> str:
    """The whole DocSet as JSON with sorted keys: same input, same bytes."""
    return json.dumps(to_data(docset), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _short(text: Text | str, width: int = 100) -> str:
    flat = " ".join((text.text if isinstance(text, Text) else text).split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def _element_lines(page: ElementPage) -> list[str]:
    lines = [f"{page.kind.value} {page.name}  ({page.path}:{page.line})"]
    if page.description:
        lines.append(f"  description: {_short(page.description)}")
    requirements = page.requirements
    facts = [
        f"{label} {value}"
        for label, value in (
            ("client", requirements.min_client),
            ("server", requirements.min_server),
            ("header", requirements.header),
            ("lib", requirements.lib),
            ("dll", requirements.dll),
        )
        if value
    ]
    if facts:
        lines.append(f"  requirements: {'; '.join(facts)}")
    if page.typedef:
        lines.append(f"  typedef: {page.typedef}")
    for param in page.params:
        annotation = param.direction.value + (", optional" if param.optional else "")
        lines.append(f"  param {param.name} [{annotation}]: {_short(param.description, 70)}")
    for code in page.return_codes:
        mark = " (catch-all)" if code.catch_all else ""
        lines.append(f"  returns {code.code}{mark}: {_short(code.description, 70)}")
    if page.returns_text:
        lines.append(f"  returns text: {_short(page.returns_text, 80)}")
    for field in page.fields:
        value = f" = {field.value}" if field.value is not None else ""
        lines.append(f"  field {field.name}{value}: {_short(field.description, 70)}")
    if page.remarks:
        lines.append(f"  remarks: {_short(page.remarks)}")
    if page.see_also:
        lines.append(f"  see also: {', '.join(link.element or link.url for link in page.see_also)}")
    return lines


def _area_lines(page: AreaPage, what: str) -> list[str]:
    lines = [f"{what} {page.name}: {page.title}  ({page.path})"]
    for group, entries in page.groups:
        names = ", ".join(entry.name for entry in entries)
        lines.append(f"  {group} ({len(entries)}): {_short(names, 90)}")
    return lines


def summary(docset: DocSet) -> str:
    errors = sum(1 for d in docset.diagnostics if d.severity.value == "error")
    return (
        f"{docset.pages} pages, {len(docset.elements)} elements, {len(docset.areas)} areas, "
        f"{len(docset.indexes)} indexes, {len(docset.articles)} articles, {errors} errors"
    )


def to_text(docset: DocSet) -> str:
    """Readable listing of every element, area and index page."""
    lines: list[str] = []
    for element in docset.elements:
        lines.extend(_element_lines(element))
    for area in docset.areas:
        lines.extend(_area_lines(area, "area"))
    for index in docset.indexes:
        lines.extend(_area_lines(index, "index"))
    for article in docset.articles:
        lines.append(f"article {article.title}  ({article.path})")
    return "\n".join(lines) + ("\n" if lines else "")
