"""Doc text becomes docstring literals that keep it intact, through black too."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.docstrings import literal
from generator.render.formatting import FormatJob, format_one

HOSTILE = [
    "Say \"\"\"hello\"\"\" and '''bye'''",
    'ends with a quote"',
    '"starts with a quote',
    "back\\slash and \\n and \\\\ and a trailing backslash \\",
    "{{ jinja }} {% block %} {# comment #}",
    "<b>html</b> &amp; <script>alert(1)</script>",
    "tab\there, form\x0cfeed, bell\x07, nul\x00, escape\x1b[0m",
    "line\u2028separator and paragraph\u2029separator and next\x85line",
    "bidi \u202eevil\u202c and zero\u200bwidth",
    "emoji 🐍 and 漢字 and Ünïcödé",
    "lone surrogate \udc80 here",
    "\r\nwindows\rnewlines\r\n",
    "    leading spaces",
    "",
    '"',
    '""""""',
]


def _normal(text: str) -> str:
    """What `literal` promises to keep: the text with each line right-stripped
    (a docstring of several lines ends with a newline, closing quotes apart)."""
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    body = "\n".join(lines).strip()
    return body + "\n" if "\n" in body else body


def _clean(value: str) -> str:
    """inspect.cleandoc without its tab expansion: the first line, then the
    other lines less their common indentation, blank lines at the ends dropped."""
    lines = value.split("\n")
    rest = lines[1:]
    indents = [len(line) - len(line.lstrip(" ")) for line in rest if line.strip(" ")]
    margin = min(indents, default=0)
    cleaned = [lines[0].lstrip(" "), *(line[margin:] for line in rest)]
    while cleaned and not cleaned[-1].strip(" "):
        cleaned.pop()
    while cleaned and not cleaned[0].strip(" "):
        cleaned.pop(0)
    return "\n".join(cleaned)


def _docstring(node: ast.AST) -> str:
    assert isinstance(node, ast.FunctionDef | ast.ClassDef)
    return _clean(ast.get_docstring(node, clean=False) or "")


@pytest.mark.parametrize("text", HOSTILE)
def test_literal_value_is_the_text(text: str) -> None:
    source = literal(text)
    assert ast.literal_eval(source) == _normal(text)
    assert source.isascii() or all(ch.isprintable() or ch == "\n" for ch in source)


@pytest.mark.parametrize("text", HOSTILE)
def test_black_keeps_the_docstring_value(text: str) -> None:
    doc = literal(text, "    ")
    source = f"def f():\n    {doc}\n    return 1\n\n\nclass C:\n    {doc}\n"
    formatted = format_one(FormatJob("test.py", source, False))
    tree = ast.parse(formatted)
    for node in tree.body:
        assert _docstring(node) == _clean(_normal(text))
    # the indented literal is already in black's layout
    assert formatted == source


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_literal_round_trips_any_text(text: str) -> None:
    assert ast.literal_eval(literal(text)) == _normal(text)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["    ", "        "]))
def test_an_indented_literal_differs_only_by_its_indentation(text: str, indent: str) -> None:
    value = ast.literal_eval(literal(text, indent))
    assert _clean(value) == _clean(_normal(text))
    assert all(line.startswith(indent) or not line for line in value.split("\n")[1:])


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_black_keeps_any_docstring(text: str) -> None:
    source = f"def f():\n    {literal(text, '    ')}\n"
    formatted = format_one(FormatJob("test.py", source, False))
    assert _docstring(ast.parse(formatted).body[0]) == _clean(_normal(text))
