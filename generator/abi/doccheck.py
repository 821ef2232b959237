"""The doc pages against the ABI: what the pages say that the C declarations can
confirm or refute.

Checked per element page: that the element exists in the ABI (of the same
kind); parameter count, names and order; each `[in]`/`[out]`/optional
annotation against what the C type allows (`generator.directions`, strict
rules only); documented enum members and values and struct fields against the
ABI; the codes of return tables against the HRESULT constants. Tables in any
page that pair a code with a value (the return-values article does) are
checked against the constants too.

Errors are real mismatches; warnings are gaps (ABI members a page does not
document); notes are the directions inferred where a page gives none.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.abimodel import AbiAggregate, AbiCallback, AbiFunction, AbiSet
from generator.diagnostics import Diagnostic, Severity
from generator.directions import STRICT_RULES, infer_direction
from generator.docmodel import Direction, DocSet, ElementPage, PageKind

_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_HEX = re.compile(r"^0[xX][0-9A-Fa-f]{1,8}$")


@dataclass(frozen=True)
class Finding:
    """One finding with its kind, for the summary."""

    kind: str
    diagnostic: Diagnostic


def _error(kind: str, page: ElementPage, line: int | None, message: str) -> Finding:
    return Finding(kind, Diagnostic(page.path, line, f"{page.name}: {message}"))


def _warning(kind: str, page: ElementPage, line: int | None, message: str) -> Finding:
    return Finding(kind, Diagnostic(page.path, line, f"{page.name}: {message}", Severity.WARNING))


def _note(kind: str, page: ElementPage, line: int | None, message: str) -> Finding:
    return Finding(kind, Diagnostic(page.path, line, f"{page.name}: {message}", Severity.NOTE))


def _check_params(
    page: ElementPage, element: AbiFunction | AbiCallback, abi: AbiSet
) -> list[Finding]:
    out: list[Finding] = []
    names = [p.name for p in page.params]
    abi_names = [p.name for p in element.params]
    if len(names) != len(abi_names):
        out.append(
            _error(
                "parameter-count",
                page,
                page.line,
                f"the page documents {len(names)} parameters ({', '.join(names)}), "
                f"the ABI has {len(abi_names)} ({', '.join(abi_names)})",
            )
        )
    elif names != abi_names:
        if sorted(names) == sorted(abi_names):
            out.append(
                _error(
                    "parameter-order",
                    page,
                    page.params[0].line,
                    f"parameters in the order {', '.join(names)}, the ABI has "
                    f"{', '.join(abi_names)}",
                )
            )
        for doc, want in zip(page.params, abi_names, strict=True):
            if doc.name != want and sorted(names) != sorted(abi_names):
                out.append(
                    _error(
                        "parameter-name",
                        page,
                        doc.line,
                        f"parameter {doc.name!r} is {want!r} in the ABI",
                    )
                )
    index = {name: i for i, name in enumerate(abi_names)}
    for doc in page.params:
        if doc.name not in index:
            continue
        i = index[doc.name]
        ctype = element.params[i].type
        inferred = infer_direction(element, i, abi)
        if doc.direction is Direction.UNSPECIFIED:
            if inferred.decided:
                out.append(
                    _note(
                        "direction-inferred",
                        page,
                        doc.line,
                        f"parameter {doc.name} has no direction: {inferred.direction.value} "
                        f"inferred ({inferred.rule}: {inferred.reason})",
                    )
                )
            else:
                out.append(
                    _warning(
                        "direction-unknown",
                        page,
                        doc.line,
                        f"parameter {doc.name} has no direction and its type "
                        f"{ctype} does not tell",
                    )
                )
        elif (
            inferred.rule in STRICT_RULES
            and doc.direction is not inferred.direction
            and not (doc.direction is Direction.INOUT and ctype.pointers and not ctype.const)
        ):
            out.append(
                _error(
                    "direction",
                    page,
                    doc.line,
                    f"parameter {doc.name} is [{doc.direction.value}] on the page but "
                    f"its type {ctype} makes it {inferred.direction.value} "
                    f"({inferred.rule})",
                )
            )
        if doc.optional and inferred.optional is False:
            out.append(
                _error(
                    "optional",
                    page,
                    doc.line,
                    f"parameter {doc.name} is optional on the page but {ctype} is a "
                    "value that cannot be left out",
                )
            )
    return out


def _field_names(abi: AbiSet, aggregate: AbiAggregate, prefix: str = "") -> dict[str, str]:
    """Qualified member names (`out.channelProperty`) -> type, nested aggregates walked."""
    by_name = {a.name: a for a in abi.aggregates}
    out: dict[str, str] = {}
    for field in aggregate.fields:
        name = prefix + field.name
        out[name] = str(field.type)
        nested = by_name.get(field.type.name)
        if nested is not None and nested.nested and not field.type.pointers:
            out.update(_field_names(abi, nested, name + "."))
    return out


def _check_fields(page: ElementPage, abi: AbiSet) -> list[Finding]:
    out: list[Finding] = []
    if page.kind is PageKind.ENUM:
        enum = next(e for e in abi.enums if e.name == page.name)
        values = {m.name: m.value for m in enum.members}
        for doc in page.fields:
            if doc.name not in values:
                out.append(
                    _error("enum-member", page, doc.line, f"member {doc.name} is not in the ABI")
                )
            elif doc.value is not None:
                stated = _int(doc.value)
                if stated is not None and stated != values[doc.name]:
                    out.append(
                        _error(
                            "enum-value",
                            page,
                            doc.line,
                            f"member {doc.name} is {doc.value} on the page, "
                            f"{values[doc.name]} in the ABI",
                        )
                    )
        documented = {f.name for f in page.fields}
        missing = [m for m in values if m not in documented]
    else:
        aggregate = next(a for a in abi.aggregates if a.name == page.name)
        names = _field_names(abi, aggregate)
        for doc in page.fields:
            if doc.name not in names and doc.name.split(".")[-1] not in names:
                out.append(
                    _error("struct-field", page, doc.line, f"field {doc.name} is not in the ABI")
                )
        documented = {f.name for f in page.fields} | {f.name.split(".")[-1] for f in page.fields}
        missing = [n for n in names if n not in documented and "." not in n]
    if missing and page.fields:
        out.append(
            _warning(
                "undocumented-member",
                page,
                page.line,
                f"the ABI has members the page does not document: {', '.join(missing)}",
            )
        )
    return out


def _int(text: str) -> int | None:
    try:
        return int(text.strip().rstrip("uUlL"), 0)
    except ValueError:
        return None


_KIND_TABLES = {
    PageKind.FUNCTION: "functions",
    PageKind.CALLBACK: "callbacks",
    PageKind.ENUM: "enums",
    PageKind.STRUCT: "aggregates",
    PageKind.UNION: "aggregates",
    PageKind.HANDLE: "handles",
}


def check_pages(docset: DocSet, abi: AbiSet) -> list[Finding]:
    """Every finding about the element pages of `docset`, in page order."""
    tables = {kind: {e.name: e for e in getattr(abi, kind)} for kind in set(_KIND_TABLES.values())}
    constants = {c.name for c in abi.constants}
    out: list[Finding] = []
    for page in docset.elements:
        kind = _KIND_TABLES.get(page.kind)
        if kind is None:
            continue
        element = tables[kind].get(page.name)
        if element is None:
            elsewhere = [k for k, t in tables.items() if page.name in t]
            what = f" (the ABI has it among {elsewhere[0]})" if elsewhere else ""
            out.append(
                _error(
                    "unknown-element",
                    page,
                    page.line,
                    f"a {page.kind.value} page, but the ABI declares no such " f"{kind[:-1]}{what}",
                )
            )
            continue
        if isinstance(element, AbiAggregate) and element.kind.value != page.kind.value:
            out.append(
                _error(
                    "aggregate-kind",
                    page,
                    page.line,
                    f"a {page.kind.value} page, but the ABI declares a " f"{element.kind.value}",
                )
            )
        if isinstance(element, AbiFunction | AbiCallback):
            out.extend(_check_params(page, element, abi))
        elif page.kind in (PageKind.ENUM, PageKind.STRUCT, PageKind.UNION):
            out.extend(_check_fields(page, abi))
        for code in page.return_codes:
            name = code.code.strip()
            if _CODE.match(name) and name not in constants:
                out.append(
                    _error(
                        "return-code",
                        page,
                        code.line,
                        f"return code {name} is not an HRESULT constant of the ABI",
                    )
                )
    return out


def documented_code_values(paths: Sequence[str | Path]) -> list[tuple[str, int, str, int]]:
    """(path, line, code, value) for every table row that pairs a code name with a hex value.

    Read with the page parser's own Markdown and HTML layers, so pipe tables
    and HTML tables alike are seen as rows and cells.
    """
    from generator.parse import expand_paths
    from generator.parse.frontmatter import read_front_matter
    from generator.parse.markdown import parse_body, tokens_to_html
    from generator.parse.tree import build_tree

    found: list[tuple[str, int, str, int]] = []
    files, _ = expand_paths(paths)
    for path, display in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if "0x" not in text and "0X" not in text:
            continue
        front = read_front_matter(text, display)
        if not front.ok:
            continue
        body = parse_body(front.body, front.body_offset)
        root, _open = build_tree(tokens_to_html(body, body.tokens), front.body_offset + 1)
        for row in root.iter("tr"):
            pieces = [dt.text() for dt in row.iter("dt")] or [
                cell.text() for cell in row.elements() if cell.tag in ("td", "th")
            ]
            codes = [p for p in pieces if _CODE.match(p.replace("\\_", "_"))]
            values = [p for p in pieces if _HEX.match(p)]
            if len(codes) == 1 and len(values) == 1:
                found.append((display, row.line, codes[0].replace("\\_", "_"), int(values[0], 16)))
    return found


def check_code_values(rows: list[tuple[str, int, str, int]], abi: AbiSet) -> list[Finding]:
    """Code values stated by tables against the ABI's constants (the authority)."""
    constants = {c.name: c for c in abi.constants}
    out: list[Finding] = []
    for path, line, code, value in rows:
        known = constants.get(code)
        if known is None or not isinstance(known.value, int):
            continue
        expected = known.value % (1 << 32)
        if expected != value:
            message = (
                f"{code} is 0x{value:08X} on the page, 0x{expected:08X} in the ABI "
                f"(from {' and '.join(known.sources) or 'specs/abi'})"
            )
            out.append(Finding("code-value", Diagnostic(path, line, message)))
    return out


def summary(findings: list[Finding]) -> list[str]:
    """`kind: count` lines per severity, most frequent first."""
    lines = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.NOTE):
        counts = Counter(f.kind for f in findings if f.diagnostic.severity is severity)
        for kind, count in counts.most_common():
            lines.append(f"  {severity.value:<8}{kind:<22}{count:>5}")
    return lines
