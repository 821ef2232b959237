"""Plain text from Markdown and HTML; encodings and spaces of the source."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.diagnostics import Severity
from generator.docmodel import ElementPage, Text
from generator.parse import parse_text
from generator.parse.markdown import parse_body, tokens_to_html, tokens_to_tree
from generator.parse.source import decode, fix_spaces
from generator.parse.text import render
from generator.parse.tree import build_tree


def text_of(markdown: str) -> Text:
    body = parse_body(markdown, 0)
    root, _ = build_tree(tokens_to_html(body, body.tokens), 1)
    return render(root.children)


def test_tags_stripped_bold_and_italic_text_kept() -> None:
    assert text_of("Set <b>NULL</b> or <i>heap</i> and **bold** *em*.\n").text == (
        "Set NULL or heap and bold em."
    )


def test_entities_decoded() -> None:
    assert text_of("A &amp; B &lt;C&gt; &quot;d&quot; &#169;\n").text == 'A & B <C> "d" \u00a9'


def test_paragraph_whitespace_normalised_and_separated_by_a_blank_line() -> None:
    markdown = "First   line\n                    continues.\n\n\n\n   Second.\n"
    assert text_of(markdown).text == "First line continues.\n\nSecond."


def test_markdown_escapes_removed() -> None:
    assert text_of("WS\\_HEAP\\_PROPERTY \\[in\\]\n").text == "WS_HEAP_PROPERTY [in]"


def test_indented_prose_is_not_code() -> None:
    """Upstream pages indent prose 16+ spaces: it must stay prose with its markup read."""
    assert text_of("Intro.\n\n                    Set to <b>NULL</b>.\n").text == (
        "Intro.\n\nSet to NULL."
    )


def test_lists_and_html_lists() -> None:
    assert text_of("- one\n- two\n\n<ul><li>three</li><li>four</li></ul>\n").text == (
        "- one\n\n- two\n\n- three\n\n- four"
    )


def test_table_rows_join_cells() -> None:
    markdown = (
        "<table>\n<tr><th>Key</th><th>Value</th></tr>\n"
        "<tr><td>a</td><td>\n\n1\n\n</td></tr>\n</table>\n"
    )
    assert text_of(markdown).text == "Key | Value\n\na | 1"


def test_code_block_keeps_its_lines() -> None:
    markdown = "Before.\n\n```C++\nint f(\n    int x);\n```\n"
    assert text_of(markdown).text == "Before.\n\nint f(\n    int x);"


def test_alert_blocks() -> None:
    markdown = '<div class="alert"><b>Note</b>  Mind the gap.</div>\n\n> [!Note]\n> Debug only.\n'
    assert text_of(markdown).text == "Note Mind the gap.\n\nNote: Debug only."


def test_links_collected_in_order_with_their_text() -> None:
    text = text_of(
        'See <a href="https://msdn.microsoft.com/abc">the <b>heap</b></a> and '
        "[**WsAlloc**](/windows/desktop/api/WebServices/nf-webservices-wsalloc).\n"
    )
    assert text.text == "See the heap and WsAlloc."
    assert [(link.text, link.url) for link in text.links] == [
        ("the heap", "https://msdn.microsoft.com/abc"),
        ("WsAlloc", "/windows/desktop/api/WebServices/nf-webservices-wsalloc"),
    ]


def test_anchor_without_href_is_no_link() -> None:
    text = text_of('<a id="x"></a>Plain <span id="y">text</span>.\n')
    assert (text.text, text.links) == ("Plain text.", ())


# --- the source: spaces, encodings, line ends --------------------------------


@pytest.mark.parametrize(
    "form",
    ["\u00a0", "\u00c2\u00a0", "\u00c3\u201a\u00c2\u00a0", "\u00c3\u0082\u00c2\u00a0"],
)
def test_non_breaking_spaces_and_their_mojibake_become_spaces(form: str) -> None:
    assert fix_spaces(f"Windows{form}7") == "Windows 7"


def test_mojibake_in_page_text_is_a_normal_space() -> None:
    page = "# WsX function\n\n## -description\n\nOne\u00c2\u00a0two.\n\n\u00c2\u00a0\n"
    result = parse_text(page, "p.md")
    assert isinstance(result.page, ElementPage)
    assert result.page.description.text == "One two."


def test_decode_crlf_and_bom() -> None:
    text, problem = decode(b"\xef\xbb\xbf# T\r\nline\rnext\r\n", "p.md")
    assert (text, problem) == ("# T\nline\nnext\n", None)


def test_decode_binary_file() -> None:
    text, problem = decode(b"# T\nabc\n\x00\x01\x02", "p.md")
    assert text is None and problem is not None
    assert str(problem) == "p.md:3: error: binary file (NUL byte): a doc page must be UTF-8 text"


def test_decode_non_utf8_names_line_and_byte() -> None:
    text, problem = decode("# T\n\nCaf\u00e9\n".encode("latin-1"), "p.md")
    assert text is None and problem is not None
    assert (problem.line, problem.severity) == (3, Severity.ERROR)
    assert "byte 0xe9 at offset 8" in problem.message


MARKDOWN_PIECES = st.sampled_from(
    [
        "# Title\n", "## -parameters\n", "### -param a [in]\n", "Some *text* and **bold**.\n",
        "A [link](ws-heap.md) and `code`.\n", "line one\nline two  \nline three\n", "\n",
        "- item\n", "    - nested item\n", "1. first\n", "> quoted\n",
        "| Function | Description |\n", "|---|---|\n", "| [**WsX**](nf-x.md) | Does. |\n",
        "```C++\ntypedef struct _WS_X WS_X;\n```\n", "---\n", "Escaped \\_ &amp; \\[in\\]\n",
        "![image](a.png)\n", "<https://example.com>\n",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(MARKDOWN_PIECES, max_size=25))
def test_markdown_tree_equals_the_html_parser_tree(pieces: list[str]) -> None:
    body = parse_body("".join(pieces), 3)
    direct = tokens_to_tree(body, body.tokens)
    assert direct is not None
    parsed, still_open = build_tree(tokens_to_html(body, body.tokens), 4)
    assert still_open == []
    assert render(direct.children) == render(parsed.children)
    for tag in ("li", "tr", "a", "h3", "pre", "p"):
        assert [n.line for n in direct.iter(tag)] == [n.line for n in parsed.iter(tag)], tag


def test_raw_html_takes_the_html_parser() -> None:
    body = parse_body("Text with <b>html</b>.\n", 0)
    assert tokens_to_tree(body, body.tokens) is None


@pytest.mark.parametrize("html", ["<![ABC[ x", "<![\n<p>x</p>", "<![foo\n<p>y</p>"])
def test_malformed_declarations_become_text(html: str) -> None:
    root, still_open = build_tree(html, 1)
    assert still_open == []
    assert "<!" in root.text()


HTML_PIECES = st.sampled_from(
    [
        "<", ">", "<!", "<![", "[", "]", "<!--", "-->", "<?", "</", "<p>", "</p>", "<table>",
        "</table>", "<tr>", "<td>", "<dt>", "<dl>", "<a href='", "'>", "x", " ", "\n", "&",
        "&#", "&#x", ";", "CDATA", "if", "=", '"', "script", "/>",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None, database=None)
@given(st.lists(HTML_PIECES, max_size=40))
def test_build_tree_never_raises(pieces: list[str]) -> None:
    root, _ = build_tree("".join(pieces), 1)
    render(root.children)
