"""Bracketed code laid out the way black lays it out, so black has little to do.

Black is the slowest stage of a generation, and it is about twice as fast on
code that is already in its style. The generated code has few shapes (calls,
function signatures, lists and tuples), and black's rules for them are simple:

- what fits in `WIDTH` columns stays on one line;
- otherwise a call's arguments or a signature's parameters go on one indented
  line of their own when they fit there;
- otherwise, and always for a list or tuple literal, one item per line with a
  trailing comma, each item laid out again by the same rules.

Black still formats every file afterwards and has the last word; these rules
only spare it work (benchmarks/generate.py reports how many files it changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 100
STEP = "    "


@dataclass(frozen=True)
class Group:
    """`head` + items + `tail`: head ends with the opening bracket
    (`_rt.bind(`, `codes=(`, `def f(`), tail starts with the closing one."""

    head: str
    items: tuple[str | Group, ...]
    tail: str
    collection: bool = False  # a list or tuple literal: never one shared line

    def flat(self) -> str:
        inner = ", ".join(_flat(item) for item in self.items)
        if self.collection and len(self.items) == 1 and self.head.endswith("("):
            inner += ","  # a one-element tuple keeps its comma
        return self.head + inner + self.tail


def _flat(item: str | Group) -> str:
    return item if isinstance(item, str) else item.flat()


def lines(item: str | Group, indent: str = "", trailer: str = "") -> list[str]:
    """The lines of `item` at `indent`, in black's layout; `trailer` (a comma
    after an item of an exploded group) ends the last line and counts."""
    if isinstance(item, str):
        return [indent + item + trailer]
    one_line = indent + item.flat() + trailer
    if len(one_line) <= WIDTH or not item.items:
        return [one_line]
    if not item.collection:
        body = indent + STEP + ", ".join(_flat(i) for i in item.items)
        if len(body) <= WIDTH:
            return [indent + item.head, body, indent + item.tail + trailer]
    result = [indent + item.head]
    for element in item.items:
        result += lines(element, indent + STEP, ",")
    return [*result, indent + item.tail + trailer]


def text(item: str | Group, indent: str = "") -> str:
    return "\n".join(lines(item, indent))


def call(head: str, items: Sequence[str | Group], tail: str = ")") -> Group:
    return Group(head, tuple(items), tail)


def collection(head: str, items: Sequence[str | Group], tail: str) -> Group:
    return Group(head, tuple(items), tail, collection=True)


def condition(keyword: str, clauses: Sequence[str], operator: str, indent: str) -> list[str]:
    """`keyword <clauses joined by operator>:` (an `if` or `while` head) in
    black's layout: one line when it fits; else the joined clauses alone on an
    indented line in parentheses; else one clause per line, each after the
    first led by the operator."""
    joined = f" {operator} ".join(clauses)
    one_line = f"{indent}{keyword} {joined}:"
    if len(one_line) <= WIDTH:
        return [one_line]
    head, tail = f"{indent}{keyword} (", f"{indent}):"
    body = indent + STEP + joined
    if len(body) <= WIDTH:
        return [head, body, tail]
    rest = [f"{indent}{STEP}{operator} {clause}" for clause in clauses[1:]]
    return [head, indent + STEP + clauses[0], *rest, tail]
