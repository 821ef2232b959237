"""A small, forgiving HTML tree built with the standard library's html.parser.

Doc pages mix Markdown and raw HTML (tables of return codes, `<dl>` lists,
alerts), often split over several Markdown blocks. `generator.parse.markdown`
turns both into one HTML string (or, for pure Markdown, builds the same tree
itself); this module builds the tree the rest of the parser reads. It closes
elements the way HTML does where pages leave them open
(`<li>`, `<td>`, `<p>`, ...), ignores stray end tags, and reports elements still
open at the end so that an unterminated `<table>` can be diagnosed.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "col", "wbr", "source", "area"})
_BLOCKS_CLOSING_P = frozenset(
    {
        "p", "div", "table", "ul", "ol", "dl", "pre", "blockquote", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
    }
)  # fmt: skip
# tag -> (open tags it closes, tags that bound the search)
_IMPLIED_CLOSE: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li"}), frozenset({"ul", "ol"})),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "tr": (frozenset({"tr", "td", "th"}), frozenset({"table", "thead", "tbody", "tfoot"})),
    "td": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "th": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "thead": (frozenset({"thead", "tbody", "tfoot", "tr", "td", "th"}), frozenset({"table"})),
    "tbody": (frozenset({"thead", "tbody", "tfoot", "tr", "td", "th"}), frozenset({"table"})),
}
# Deeper elements are not opened (their content joins the element at this
# depth): real pages nest a dozen levels, and every reader of the tree recurses.
MAX_DEPTH = 100
_TABLE_SCOPE = frozenset({"table", "td", "th"})
_TABLE_PARTS = frozenset({"table", "td", "th", "tr", "thead", "tbody", "tfoot"})


class Node:
    """An element: tag, attributes, children (nodes and text) and its file line."""

    __slots__ = ("attrs", "children", "line", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], line: int) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node | str] = []
        self.line = line

    def __repr__(self) -> str:
        return f"<{self.tag} line {self.line}: {len(self.children)} children>"

    def iter(self, tag: str) -> Iterator[Node]:
        """Descendant elements named `tag`, in document order."""
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def elements(self) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                yield child

    def find(self, tag: str) -> Node | None:
        return next(self.iter(tag), None)

    def text(self) -> str:
        """All text below this element, whitespace collapsed."""
        parts: list[str] = []
        _collect(self, parts)
        return " ".join("".join(parts).split())


def _collect(node: Node, parts: list[str]) -> None:
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag in ("script", "style"):
            continue
        else:
            if child.tag in ("br", "p", "div", "li", "tr", "td", "th", "dt", "dd"):
                parts.append(" ")
            _collect(child, parts)


class _Builder(HTMLParser):
    def __init__(self, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, first_line)
        self.stack = [self.root]
        self.first_line = first_line

    def _line(self) -> int:
        return self.first_line + self.getpos()[0] - 1

    def _close_to(self, index: int) -> None:
        del self.stack[index:]

    def _implied_close(self, tag: str) -> None:
        if tag in _BLOCKS_CLOSING_P and self.stack[-1].tag == "p":
            self.stack.pop()
        rule = _IMPLIED_CLOSE.get(tag)
        if rule is None:
            return
        closes, bounds = rule
        for index in range(len(self.stack) - 1, 0, -1):
            open_tag = self.stack[index].tag
            if open_tag in bounds:
                return
            if open_tag in closes:
                self._close_to(index)
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._implied_close(tag)
        node = Node(tag, {k: v or "" for k, v in attrs}, self._line())
        self.stack[-1].children.append(node)
        if tag not in _VOID and len(self.stack) <= MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._implied_close(tag)
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}, self._line()))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            open_tag = self.stack[index].tag
            if open_tag == tag:
                self._close_to(index)
                return
            if open_tag in _TABLE_SCOPE and tag not in _TABLE_PARTS:
                return  # a stray end tag never closes a table from inside it

    def handle_data(self, data: str) -> None:
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def build_tree(html: str, first_line: int) -> tuple[Node, list[Node]]:
    """Parse `html`, whose first line is file line `first_line`; return the
    root and the elements left open at the end.

    html.parser raises AssertionError on some malformed declarations
    (`<![ABC[`); those are read again as text, never passed on.
    """
    builder = _Builder(first_line)
    try:
        builder.feed(html)
        builder.close()
    except AssertionError:
        builder = _Builder(first_line)
        builder.feed(html.replace("<!", "&lt;!"))
        builder.close()
    return builder.root, builder.stack[1:]
