"""What every reader of one page shares: its path, tokens and findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.diagnostics import Diagnostic, Severity
from generator.parse.markdown import Body, tokens_to_html, tokens_to_tree
from generator.parse.tree import Node, build_tree


@dataclass
class PageContext:
    """One page being read; collects diagnostics as the readers go."""

    path: str
    body: Body
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, line: int | None, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, line, message))

    def warning(self, line: int | None, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, line, message, Severity.WARNING))

    def tree(self, start: int, end: int) -> Node:
        """The HTML tree of `tokens[start:end]`; an unclosed `<table>` is an error,
        since its rows cannot be told from the prose after it."""
        tokens = self.body.tokens[start:end]
        direct = tokens_to_tree(self.body, tokens)
        if direct is not None:
            return direct  # pure Markdown: its tables are always closed
        root, still_open = build_tree(tokens_to_html(self.body, tokens), self.body.offset + 1)
        for node in still_open:
            if node.tag == "table":
                self.error(
                    node.line,
                    "HTML <table> is never closed (no </table> before the next heading "
                    "or the end of the page), so its rows cannot be read",
                )
        return root
