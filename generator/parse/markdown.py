"""The Markdown side: one shared markdown-it-py parser and walks over its tokens.

Block structure is parsed for every page; inline content only on demand
(`inline_children`), since most of a conceptual page is never looked at. The
indented-code rule is off: upstream pages indent prose by 16 spaces, which
CommonMark would take as code.

`tokens_to_html` turns a run of block tokens into one HTML string for
`generator.parse.tree`, laid out on the lines of the file, so raw HTML blocks
and Markdown are read as one document with file line numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.parse.tree import MAX_DEPTH, Node

_MD = MarkdownIt("commonmark", {"html": True}).enable("table").disable(["code", "inline"])


@dataclass
class Body:
    """The block tokens of a page body; `offset` lines of front matter precede it."""

    tokens: list[Token]
    offset: int
    env: dict[str, Any] = field(default_factory=dict)

    def line(self, token: Token) -> int:
        """1-based file line of a block token (the body's first line if it has none)."""
        return self.offset + (token.map[0] if token.map else 0) + 1

    def children(self, token: Token) -> list[Token]:
        """The inline tokens of an `inline` token, parsed on first use."""
        if not token.children and token.content:
            children: list[Token] = []
            _MD.inline.parse(token.content, _MD, self.env, children)
            token.children = children
        return token.children or []

    def plain(self, token: Token) -> str:
        """An inline token's text without markup, whitespace collapsed."""
        parts: list[str] = []
        for child in self.children(token):
            if child.type in ("text", "text_special", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        return " ".join("".join(parts).split())


def parse_body(text: str, offset: int) -> Body:
    env: dict[str, Any] = {}
    return Body(_MD.parse(text, env), offset, env)


@dataclass(frozen=True)
class Heading:
    """A top-level heading: `index` of its `heading_open` in the token list."""

    level: int
    index: int
    raw: str  # the inline source, markup and escapes as written
    line: int


def headings(body: Body, start: int = 0, end: int | None = None) -> list[Heading]:
    """Top-level (not nested in lists or quotes) headings in `tokens[start:end]`."""
    tokens = body.tokens
    stop = len(tokens) if end is None else end
    found = []
    for index in range(start, stop):
        token = tokens[index]
        if token.type == "heading_open" and token.level == 0:
            found.append(
                Heading(int(token.tag[1:]), index, tokens[index + 1].content, body.line(token))
            )
    return found


def split(
    body: Body, start: int, end: int, is_boundary: Callable[[Heading], bool]
) -> list[tuple[Heading | None, int, int]]:
    """Cut `tokens[start:end]` at the headings `is_boundary` accepts.

    Returns (heading, first, stop) ranges; the first range has no heading and
    holds what comes before the first boundary (it may be empty). A heading's
    range starts after its `heading_close`.
    """
    parts: list[tuple[Heading | None, int, int]] = []
    current: Heading | None = None
    first = start
    for heading in headings(body, start, end):
        if is_boundary(heading):
            parts.append((current, first, heading.index))
            current = heading
            first = heading.index + 3  # heading_open, inline, heading_close
    parts.append((current, first, end))
    return parts


def tokens_to_html(body: Body, tokens: Sequence[Token]) -> str:
    """Block tokens as one HTML string whose line N is file line `body.offset + N`
    (line 1 is the body's first line): blocks are padded with the newlines the
    source has before them, so the HTML parser's line count gives file lines."""
    out: list[str] = []
    line = body.offset + 1
    for token in tokens:
        if token.map is not None and token.nesting >= 0 and token.type != "inline":
            start = body.line(token)
            if start > line:
                out.append("\n" * (start - line))
                line = start
        kind = token.type
        if kind == "inline":
            piece = _inline_html(body.children(token))
        elif kind == "html_block":
            piece = token.content
        elif kind in ("fence", "code_block"):
            piece = f"<pre>{escape(token.content, quote=False)}</pre>"
        elif kind == "hr":
            piece = "<hr>"
        elif token.nesting == 1:
            piece = f"<{token.tag}>"
        elif token.nesting == -1:
            piece = f"</{token.tag}>"
        else:
            continue
        out.append(piece)
        line += piece.count("\n")
    return "".join(out)


def tokens_to_tree(body: Body, tokens: Sequence[Token]) -> Node | None:
    """The tree `build_tree(tokens_to_html(...))` gives, built straight from
    the tokens; None when they hold raw HTML, which needs the HTML parser.

    Most of a Markdown page (lists, pipe tables, links) is pure Markdown: this
    skips writing it as HTML and parsing that again.
    """
    root = Node("#root", {}, body.offset + 1)
    stack = [root]
    line = body.offset + 1
    for token in tokens:
        kind = token.type
        if kind == "html_block":
            return None
        if token.map is not None and token.nesting >= 0 and kind != "inline":
            line = max(line, body.line(token))
        if kind == "inline":
            children = body.children(token)
            if any(child.type == "html_inline" for child in children):
                return None
            _inline_nodes(children, stack, line)
        elif kind in ("fence", "code_block"):
            pre = Node("pre", {}, line)
            pre.children.append(token.content)
            stack[-1].children.append(pre)
        elif kind == "hr":
            stack[-1].children.append(Node("hr", {}, line))
        elif token.nesting == 1:
            _push(stack, Node(token.tag, {}, line))
        elif token.nesting == -1:
            _pop(stack, token.tag)
    return root


def _push(stack: list[Node], node: Node) -> None:
    """Open `node` in the current element, as `tree.build_tree` does (up to MAX_DEPTH)."""
    stack[-1].children.append(node)
    if len(stack) <= MAX_DEPTH:
        stack.append(node)


def _pop(stack: list[Node], tag: str) -> None:
    for index in range(len(stack) - 1, 0, -1):
        if stack[index].tag == tag:
            del stack[index:]
            return


def _inline_nodes(children: Sequence[Token], stack: list[Node], line: int) -> None:
    for child in children:
        kind = child.type
        if kind in ("text", "text_special", "softbreak", "hardbreak"):
            if kind == "hardbreak":
                stack[-1].children.append(Node("br", {}, line))
            text = "\n" if kind in ("softbreak", "hardbreak") else child.content
            line += text.count("\n")
            if not text:
                continue
            siblings = stack[-1].children
            if siblings and isinstance(siblings[-1], str):
                siblings[-1] += text
            else:
                siblings.append(text)
        elif kind == "code_inline":
            code = Node("code", {}, line)
            code.children.append(child.content)
            stack[-1].children.append(code)
        elif kind == "link_open":
            _push(stack, Node("a", {"href": str(child.attrs.get("href", ""))}, line))
        elif kind == "image":
            continue
        elif child.nesting == 1:
            _push(stack, Node(child.tag, {}, line))
        elif child.nesting == -1:
            _pop(stack, child.tag)


def _inline_html(children: Sequence[Token]) -> str:
    out: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "text_special"):
            out.append(escape(child.content, quote=False))
        elif kind == "html_inline":
            out.append(child.content)
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "hardbreak":
            out.append("<br>\n")
        elif kind == "code_inline":
            out.append(f"<code>{escape(child.content, quote=False)}</code>")
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            out.append(f'<a href="{escape(href)}">')
        elif kind == "image":
            continue  # images carry no text the model keeps
        elif child.nesting == 1:
            out.append(f"<{child.tag}>")
        elif child.nesting == -1:
            out.append(f"</{child.tag}>")
    return "".join(out)
