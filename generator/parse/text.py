"""Plain text from the HTML tree: what every description in the model holds.

Markup goes, its text stays (`<b>NULL</b>` -> `NULL`); entities are already
decoded by the tree builder. Each block (paragraph, list item, table row,
`<dt>`/`<dd>`, code block) becomes one paragraph with its whitespace collapsed;
paragraphs are separated by a blank line. List items start with "- ", table
cells are joined with " | ", code blocks keep their lines. Links are collected
as `Link` records in text order; they are resolved later, over the whole input.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from generator.docmodel import Link, Text
from generator.parse.tree import Node

_BLOCK = frozenset(
    {
        "p", "div", "table", "thead", "tbody", "tfoot", "ul", "ol", "dl", "dt", "dd",
        "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "section", "caption",
    }
)  # fmt: skip
_SKIP = frozenset({"script", "style", "img", "head", "title"})
_ALERT = re.compile(r"^\[!(note|tip|important|caution|warning)\]\s*", re.IGNORECASE)


def collapse(text: str) -> str:
    return " ".join(text.split())


class _Renderer:
    def __init__(self, skip: frozenset[int]) -> None:
        self.skip = skip
        self.paragraphs: list[str] = []
        self.buffer: list[str] = []
        self.links: list[Link] = []
        self.prefix = ""
        self.in_row = 0

    def flush(self) -> None:
        if self.in_row:
            self.buffer.append(" ")
            return
        text = collapse("".join(self.buffer))
        self.buffer.clear()
        if text:
            text = _ALERT.sub(lambda m: m.group(1).capitalize() + ": ", text)
            self.paragraphs.append(self.prefix + text)
            self.prefix = ""

    def walk(self, nodes: Iterable[Node | str]) -> None:
        for node in nodes:
            if isinstance(node, str):
                self.buffer.append(node)
            elif id(node) not in self.skip:
                self.element(node)

    def element(self, node: Node) -> None:
        tag = node.tag
        if tag in _SKIP:
            return
        if tag == "pre":
            self.flush()
            code = textwrap.dedent("".join(_all_text(node))).strip("\n")
            code = "\n".join(line.rstrip() for line in code.split("\n"))
            if code.strip() and not self.in_row:
                self.paragraphs.append(code)
            elif code.strip():
                self.buffer.append(code)
            return
        if tag == "a":
            start = len(self.buffer)
            self.walk(node.children)
            href = node.attrs.get("href")
            if href:
                self.links.append(Link(collapse("".join(self.buffer[start:])), href.strip()))
            return
        if tag == "br":
            self.buffer.append(" ")
            return
        if tag == "tr":
            self.flush()
            self.in_row += 1
            first = True
            for cell in node.children:
                if isinstance(cell, Node) and cell.tag in ("td", "th"):
                    if not first:
                        self.buffer.append(" | ")
                    first = False
                    if id(cell) not in self.skip:
                        self.walk(cell.children)
                elif isinstance(cell, Node):
                    self.element(cell)
            self.in_row -= 1
            self.flush()
            return
        if tag == "li":
            self.flush()
            self.prefix = "- "
            self.walk(node.children)
            self.flush()
            self.prefix = ""
            return
        if tag in _BLOCK:
            self.flush()
            self.walk(node.children)
            self.flush()
            return
        self.walk(node.children)  # inline: b, i, strong, em, code, span, ...


def _all_text(node: Node) -> Iterable[str]:
    for child in node.children:
        if isinstance(child, str):
            yield child
        else:
            yield from _all_text(child)


def render(nodes: Iterable[Node | str], skip: Iterable[Node] = ()) -> Text:
    """The plain text and links of `nodes`, leaving out the elements in `skip`."""
    renderer = _Renderer(frozenset(id(node) for node in skip))
    renderer.walk(nodes)
    renderer.flush()
    return Text("\n\n".join(renderer.paragraphs), tuple(renderer.links))
