"""Bad input: one `path:line: error:` per problem, the rest still parsed, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.diagnostics import Severity
from generator.parse import parse_paths, parse_text
from generator.parse.source import decode

REPO = Path(__file__).resolve().parent.parent
PAGES = REPO / "tests" / "fixtures" / "pages"

# file -> (line, start of the message) of the one error it must give
EXPECTED = {
    "unclosed-front-matter.md": (1, "front matter opened by '---' is never closed"),
    "unreadable-front-matter.md": (4, "front matter cannot be read: line is neither"),
    "no-h1.md": (4, "no H1 heading"),
    "param-without-name.md": (14, "parameter heading without a name"),
    "param-twice.md": (18, "parameter 'heap' is documented twice (first at line 10)"),
    "unterminated-table.md": (12, "HTML <table> is never closed"),
    "binary.md": (2, "binary file (NUL byte)"),
    "latin1.md": (3, "not valid UTF-8 (byte 0xe9"),
}


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """The bad fixture pages, plus two made here (binary, not UTF-8), plus a good page."""
    shutil.copytree(PAGES / "bad", tmp_path / "bad")
    shutil.copytree(PAGES / "good", tmp_path / "good")
    (tmp_path / "bad" / "binary.md").write_bytes(b"# WsBinary function\n\x00\x01\x02\xff")
    (tmp_path / "bad" / "latin1.md").write_bytes("# Cafe\n\ncaf\u00e9\n".encode("latin-1"))
    return tmp_path


def test_every_bad_page_gives_its_error_and_good_pages_still_parse(pages: Path) -> None:
    docset = parse_paths([pages / "bad", pages / "good"])
    errors = [d for d in docset.diagnostics if d.severity is Severity.ERROR]
    found = {Path(d.path).name: d for d in errors}
    assert sorted(found) == sorted(EXPECTED)
    assert len(errors) == len(EXPECTED)
    for name, (line, message) in EXPECTED.items():
        diagnostic = found[name]
        assert diagnostic.line == line, (name, str(diagnostic))
        assert diagnostic.message.startswith(message), (name, str(diagnostic))
        assert str(diagnostic) == f"{diagnostic.path}:{line}: error: {diagnostic.message}"
    assert docset.element("WsFine") is not None
    # Pages with a problem in one part keep the rest.
    nameless = docset.element("WsNameless")
    assert nameless is not None and [p.name for p in nameless.params] == ["heap"]
    twice = docset.element("WsTwice")
    assert twice is not None and [p.name for p in twice.params] == ["heap", "size"]
    table = docset.element("WsOpenTable")
    assert table is not None and [c.code for c in table.return_codes] == ["E_INVALIDARG"]
    assert table.remarks.text == "The table above is never closed."


def test_all_errors_of_one_page_are_reported() -> None:
    text = (
        "# WsMany function\n\n## -parameters\n\n### -param\n\nNo name.\n\n"
        "### -param a [in]\n\nA.\n\n### -param a [in]\n\nOther.\n\n"
        "### -param 9lives [in]\n\nNot an identifier.\n\n"
        "## -returns\n\n<table>\n<tr><td>x</td></tr>\n"
    )
    result = parse_text(text, "many.md")
    errors = [(d.line, d.message.split(" (")[0]) for d in result.diagnostics]
    assert errors == [
        (5, "parameter heading without a name"),
        (13, "parameter 'a' is documented twice"),
        (17, "parameter name '9lives' is not a C identifier"),
        (23, "HTML <table> is never closed"),
    ]


def test_command_reports_every_error_and_exits_1(pages: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "parse", str(pages / "bad"), str(pages / "good")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(lines) == len(EXPECTED)
    for name, (line, message) in EXPECTED.items():
        prefix = f"{(pages / 'bad' / name).as_posix()}:{line}: error: {message}"
        assert any(entry.startswith(prefix) for entry in lines), (prefix, lines)
    summary = result.stdout.strip().splitlines()[-1]
    assert summary == "9 pages, 5 elements, 0 areas, 0 indexes, 0 articles, 8 errors"


def test_command_exit_0_without_errors(pages: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "parse", str(pages / "good")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0].startswith("function WsFine  (")


FRAGMENTS = st.sampled_from(
    [
        "---\n", "UID: NF:webservices.WsX\n", "ms.topic: function\n", "title: x\n", ": \n",
        "- item\n", "# WsX function\n", "# WS\\_X\n", "## -parameters\n", "## -returns\n",
        "## -struct-fields\n", "### -param a [in]\n", "### -param\n", "#### - **b\n",
        "### -field x.y:1\n", "<table>\n", "</table>\n", "<tr><td>", "<dt><b>E_X</b></dt>",
        "</td></tr>\n", "<dl> <dt>\n", "*a* \\[in\\]\n", "</dt> <dd>\n", "</dd> </dl>\n",
        "```C++\ntypedef struct _WS_X WS_X;\n```\n", "```\n", "| Function | Description |\n",
        "|---|---|\n", "| [**WsX**](nf-webservices-wsx.md) | x |\n",
        "The following functions are used with x:\n", "-   [**WsY**](ws-y.md)\n",
        "<a href='https://msdn.microsoft.com/0000'>x</a>", "\u00c2\u00a0", "&amp;", "&#xZZ;",
        "<!--wwsgen:x-->", "<!--wwsgen:9-->", "\r\n", "\n", "    indented\n", "<b>", "</i>",
        "[x](", "](y)", "<a href=\"http://[\">z</a>", "\ufeff", "# Some article\n",
        "The following may be used:\n", "| Value | Meaning |\n", "struct x;\n",
        "### -field a b c\n", "### -field = 1\n", "### -param *a* [in] extra\n",
        "#### -field `b`:2\n", "### -param a [in\n", "### -param [\n",
        "<![ABC[", "<![", "<!DOCTYPE x>", "<?pi?>", "</ >", "<a b=\"", "<script>x",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(FRAGMENTS, max_size=40))
def test_parse_text_never_raises_on_page_like_text(parts: list[str]) -> None:
    result = parse_text("".join(parts), "fuzz.md")
    assert result == parse_text("".join(parts), "fuzz.md", quick=False)
    for diagnostic in result.diagnostics:
        assert diagnostic.path == "fuzz.md"
        assert diagnostic.line is None or diagnostic.line >= 1


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=400))
def test_parse_text_never_raises_on_any_text(text: str) -> None:
    parse_text(text, "fuzz.md")


@settings(max_examples=200, deadline=None, database=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_text_or_one_diagnostic(data: bytes) -> None:
    text, problem = decode(data, "bytes.md")
    assert (text is None) != (problem is None)
    if text is not None:
        assert "\r" not in text
        parse_text(text, "bytes.md")
    else:
        assert problem is not None and problem.line is not None and problem.line >= 1


@pytest.mark.parametrize(
    "body",
    [
        "## -description\n\n" + "<div>" * 3000 + "deep\n",
        "## -description\n\n" + "*" * 3000 + "deep" + "*" * 3000 + "\n",
        "## -description\n\n" + ">" * 3000 + " deep\n",
        "## -returns\n\n" + "<table><tr><td>" * 2000 + "deep\n",
        "## -parameters\n\n### -param a [in]\n\n" + "<ul><li>" * 3000 + "deep\n",
    ],
)
def test_deep_nesting_never_raises(body: str) -> None:
    result = parse_text(f"---\nUID: {'[' * 3000}\n---\n\n# WsDeep function\n\n{body}", "deep.md")
    assert result.page is not None
    assert all(d.path == "deep.md" for d in result.diagnostics)
