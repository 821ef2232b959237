"""Docstrings: the page text of an element as safe Python string literals.

Doc text is data, never code. It never goes through a template as source:
`literal` turns it into a triple-quoted literal whose value is the text
(backslashes doubled, quote runs and non-printable characters escaped), in a
form black leaves alone, so any text survives: quotes, backslashes, Jinja
delimiters, HTML, control characters, any Unicode. Only layout changes: each
paragraph is re-wrapped and trailing spaces are dropped.

The sections follow the Google style (Args, Returns, Raises) so that editors
and documentation tools read them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.abimodel import CType
from generator.apimodel import (
    Aggregate,
    Alias,
    Area,
    Callback,
    Doc,
    Enumeration,
    Function,
    Handle,
    HResult,
    Parameter,
    ReturnCode,
)
from generator.docmodel import Direction

WIDTH = 88
INDENT = "    "


def literal(text: str, indent: str = "") -> str:
    """A triple-quoted literal whose value is `text` (lines right-stripped),
    its lines after the first indented by `indent` as black would indent a
    docstring at that depth (the value then holds the indentation, which
    `inspect.cleandoc` removes)."""
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    body = "\n".join(lines).strip()
    table = {ord("\\"): "\\\\"}
    for char in set(body):
        if char != "\n" and not char.isprintable():
            table[ord(char)] = _escape(char)
    out = _QUOTE_BEFORE_QUOTE.sub('\\\\"', body.translate(table))
    if out.startswith('"'):
        out = "\\x22" + out[1:]  # black pads a docstring that starts or ends in a quote
    if out.endswith('"') and len(out) > 1:
        out = out[:-1] + "\\x22"
    if "\n" in out:
        out = _LINE_START.sub("\n" + indent, out) + "\n" + indent
    return '"""' + out + '"""'


_QUOTE_BEFORE_QUOTE = re.compile('"(?=")')
_LINE_START = re.compile("\n(?!\n)")


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _wrap(words: list[str], first: str, rest: str) -> list[str]:
    """Greedy word wrap at WIDTH (textwrap's result without breaking words,
    several times faster)."""
    lines: list[str] = []
    line = first
    fresh = True
    for word in words:
        if fresh:
            line += word
            fresh = False
        elif len(line) + 1 + len(word) <= WIDTH:
            line += " " + word
        else:
            lines.append(line)
            line = rest + word
    if not fresh:
        lines.append(line)
    return lines


def _paragraphs(text: str, indent: str = "") -> list[str]:
    """Wrap each paragraph of `text` (blank-line separated) at WIDTH."""
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        words = paragraph.split()
        if not words:
            continue
        if lines:
            lines.append("")
        lines.extend(_wrap(words, indent, indent))
    return lines


def _item(head: str, text: str, indent: str = INDENT) -> list[str]:
    """`head: text` as a hanging item of a section."""
    words = text.split()
    if not words:
        return [indent + head]
    return _wrap([*f"{head}:".split(), *words], indent, indent + INDENT)


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", title + ":", *lines] if lines else []


def c_declaration(ctype: CType, name: str) -> str:
    """`const WS_HEAP_PROPERTY* properties`, `WCHAR chars[4]`."""
    base = ("const " if ctype.const else "") + ctype.name + "*" * ctype.pointers
    return f"{base} {name}" + "".join(f"[{n}]" for n in ctype.array)


def c_prototype(
    returns: CType, name: str, params: Iterable[Parameter], callback: bool
) -> list[str]:
    """The C declaration, one parameter per line when it is long."""
    declarations = [c_declaration(p.type, p.name) for p in params]
    head = f"typedef {returns} (CALLBACK *{name})(" if callback else f"{returns} WINAPI {name}("
    one_line = head + (", ".join(declarations) or "void") + ");"
    if len(one_line) <= WIDTH - len(INDENT) or not declarations:
        return [INDENT + one_line]
    lines = [INDENT + head]
    lines += [
        INDENT * 2 + d + ("," if i < len(declarations) - 1 else "")
        for i, d in enumerate(declarations)
    ]
    return [*lines, INDENT + ");"]


def _direction(param: Parameter) -> str:
    words = {
        Direction.IN: "in",
        Direction.OUT: "out",
        Direction.INOUT: "in, out",
        Direction.UNSPECIFIED: "direction unknown",
    }[param.direction]
    if param.optional:
        words += ", optional"
    if param.direction_rule:
        words += ", inferred from the C type"
    return words


def _doc_head(doc: Doc, what: str) -> list[str]:
    if doc.description:
        return _paragraphs(doc.description)
    if doc.has_page:
        return [f"The {what}."]
    return [f"The {what} (no reference page in the specs)."]


def _doc_tail(doc: Doc) -> list[str]:
    lines: list[str] = []
    lines += _section("Remarks", _paragraphs(doc.remarks, INDENT))
    requirements = []
    if doc.min_client:
        requirements += _item("Minimum supported client", doc.min_client)
    if doc.min_server:
        requirements += _item("Minimum supported server", doc.min_server)
    lines += _section("Requirements", requirements)
    see_also = [s.element or s.url or s.text for s in doc.see_also]
    unique = list(dict.fromkeys(s for s in see_also if s))
    if unique:
        lines += _section("See also", _paragraphs(", ".join(unique), INDENT))
    lines.append("")
    if doc.has_page:
        lines += [f"Documentation: {doc.source}", "Reference:"]
    else:
        lines.append("Documentation: not in the specs; Microsoft's reference page:")
    lines.append(INDENT + doc.url)
    return lines


def _args(params: Iterable[Parameter]) -> list[str]:
    lines: list[str] = []
    for p in params:
        lines += _item(f"{p.py_name} ({_direction(p)})", p.description)
    return lines


def _codes(codes: Iterable[ReturnCode]) -> list[str]:
    lines: list[str] = []
    for code in codes:
        lines += _item(code.code, code.description)
    return lines


def function_doc(f: Function) -> str:
    lines = _doc_head(f.doc, f"function {f.name}")
    lines += _section("Args", _args(f.params))
    raising = [c for c in f.return_codes if not c.success]
    succeeding = [c for c in f.return_codes if c.success]
    if f.returns_hresult:
        returns = ["    int: the HRESULT, S_OK (0) or another success code."]
        returns += _codes(succeeding)
        if f.doc.returns_text and not f.return_codes:
            returns += _paragraphs(f.doc.returns_text, INDENT)
        lines += _section("Returns", returns)
        raises = _codes(raising)
        raises += _item(
            "WsError",
            "on any failing HRESULT; the subclass named after the code when it is known "
            "(see wwsapi.hresults)."
            + (
                " Error strings of the error object are attached."
                if f.error_param is not None
                else ""
            ),
        )
        lines += _section("Raises", raises)
    elif f.doc.returns_text:
        lines += _section("Returns", _paragraphs(f.doc.returns_text, INDENT))
    lines += _section("C declaration", c_prototype(f.returns, f.name, f.params, False))
    lines += _doc_tail(f.doc)
    return "\n".join(lines)


def callback_doc(c: Callback) -> str:
    lines = _doc_head(c.doc, f"callback type {c.name}")
    lines += _section("Args", _args(c.params))
    if c.doc.returns_text:
        lines += _section("Returns", _paragraphs(c.doc.returns_text, INDENT))
    lines += _section("C declaration", c_prototype(c.returns, c.name, c.params, True))
    lines += _doc_tail(c.doc)
    return "\n".join(lines)


def enum_doc(e: Enumeration) -> str:
    lines = _doc_head(e.doc, f"enumeration {e.name}")
    members = []
    for m in e.members:
        members += _item(f"{m.py_name} = {m.value}", m.description)
    lines += _section("Members", members)
    lines += _doc_tail(e.doc)
    return "\n".join(lines)


def aggregate_doc(a: Aggregate) -> str:
    what = f"{a.kind.value} {a.name}"
    if a.nested:
        outer, _, member = a.name.partition(".")
        lines = [f"The anonymous {a.kind.value} of member {member} of {outer}."]
    else:
        lines = _doc_head(a.doc, what)
    fields = []
    for f in a.fields:
        bits = f" : {f.bits}" if f.bits is not None else ""
        fields += _item(
            f"{f.py_name} ({c_declaration(f.type, f.name).rsplit(' ', 1)[0]}{bits})", f.description
        )
    lines += _section("Fields", fields)
    if not a.nested:
        lines += _doc_tail(a.doc)
    return "\n".join(lines)


def handle_doc(h: Handle) -> str:
    lines = _doc_head(h.doc, f"opaque handle {h.name}")
    lines += ["", f"Opaque: used only through pointers, POINTER({h.py_name})."]
    lines += _doc_tail(h.doc)
    return "\n".join(lines)


def alias_doc(a: Alias) -> str:
    lines = _doc_head(a.doc, f"type {a.name}")
    lines += ["", f"C: typedef {a.type} {a.name};"]
    lines += _doc_tail(a.doc)
    return "\n".join(lines)


def area_doc(area: Area, package: str) -> str:
    lines = [f"{area.title}: generated ctypes bindings of webservices.dll ({package})."]
    if area.description:
        lines += ["", *_paragraphs(area.description)]
    lines.append("")
    lines.append(f"Area page: {area.source}" if area.source else "Elements listed on no area page.")
    return "\n".join(lines)


def hresult_doc(h: HResult) -> str:
    lines = [f"The HRESULT {h.name} (0x{h.value:08X}) returned by a WWSAPI function."]
    if h.documented_by:
        lines += ["", *_paragraphs("Documented by: " + ", ".join(h.documented_by) + ".")]
    return "\n".join(lines)
