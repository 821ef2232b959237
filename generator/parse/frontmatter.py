"""YAML front matter: split it off, read it (leniently where upstream YAML is
broken) and reduce it to the `FrontMatter` fields the model uses.

python-frontmatter's YAML handler finds the `---` boundaries and loads the
YAML. Some upstream pages carry stray `- item` and `: ` lines after mapping keys,
which no YAML parser accepts; for those a line-based reader takes every
`key: value` and list it can, ignores the stray lines with a warning, and gives
up (an error) only on a line that is neither.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import yaml
from frontmatter.default_handlers import YAMLHandler

from generator.diagnostics import Diagnostic, Severity
from generator.docmodel import FrontMatter

_HANDLER = YAMLHandler()
# The base loader keeps every scalar a string ("NO" stays "NO", dates stay as
# written): the model only holds text. The C version when libyaml is there.
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w.\-]*)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*$")
_ITEM_LINE = re.compile(r"^[ \t]*-(?:[ \t]+(?P<value>.*?))?[ \t]*$")
_STRAY_COLON = re.compile(r"^[ \t]*:")
_CONTINUATION = re.compile(r"^[ \t]+\S")

# Fields that hold identifiers: prose in any of them means the front matter is
# the doc template's placeholder text ("The unique id of the API.").
_IDENTIFIER_KEYS = ("UID", "ms.assetid", "ms.topic", "req.header")


@dataclass(frozen=True)
class FrontResult:
    """The front matter of one page and where its body starts.

    `body_offset` is the number of file lines before the body, so body line
    `n` (0-based) is file line `body_offset + n + 1`. `ok` is False when the
    page cannot be read any further (front matter never closed).
    """

    front: FrontMatter
    body: str
    body_offset: int
    diagnostics: tuple[Diagnostic, ...]
    ok: bool = True


class _Unreadable(Exception):
    def __init__(self, line: int, why: str) -> None:
        super().__init__(why)
        self.line = line
        self.why = why


def read_front_matter(text: str, path: str) -> FrontResult:
    """Split `text` into front matter and body; never raises."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if not _HANDLER.FM_BOUNDARY.fullmatch(first):
        return FrontResult(FrontMatter(), text, 0, ())
    lines = text.split("\n")
    close = next(
        (i for i in range(1, len(lines)) if _HANDLER.FM_BOUNDARY.fullmatch(lines[i])), None
    )
    if close is None:
        diagnostic = Diagnostic(
            path,
            1,
            "front matter opened by '---' is never closed (no second '---' line), "
            "so the page body cannot be found",
        )
        return FrontResult(FrontMatter(), "", len(lines), (diagnostic,), ok=False)
    body = "\n".join(lines[close + 1 :])
    data, diagnostics = _load(lines[1:close], path)
    return FrontResult(_front(data), body, close + 1, diagnostics)


def _load(fm_lines: list[str], path: str) -> tuple[Mapping[str, object], tuple[Diagnostic, ...]]:
    """YAML first; the lenient reader when the YAML is invalid."""
    try:
        data = _HANDLER.load("\n".join(fm_lines), Loader=_LOADER)
        problem = ""
        problem_line = 2
    except yaml.YAMLError as exc:
        data = None
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", None) or "invalid YAML")
        problem_line = (mark.line + 2) if mark is not None else 2
    if isinstance(data, dict):
        return {str(k): v for k, v in data.items()}, ()
    if data is None and not problem:
        return {}, ()
    if not problem:
        problem = "the front matter is not a mapping of keys to values"
    try:
        mapping, ignored = _lenient(fm_lines)
    except _Unreadable as exc:
        return {}, (
            Diagnostic(
                path,
                exc.line,
                f"front matter cannot be read: {exc.why} "
                f"(as YAML: {problem} at line {problem_line})",
            ),
        )
    if not ignored:
        return mapping, ()  # every line read: nothing was lost
    listed = ", ".join(str(n) for n in ignored)
    message = (
        f"front matter is not valid YAML ({problem} at line {problem_line}); read it line by "
        f"line, ignoring stray line{'s' if len(ignored) > 1 else ''} {listed}"
    )
    return mapping, (Diagnostic(path, problem_line, message, Severity.WARNING),)


def _lenient(fm_lines: list[str]) -> tuple[dict[str, object], list[int]]:
    """Read `key: value`, `key:` + `- item` lists and indented continuations.

    Returns the mapping and the file lines ignored as stray; raises
    `_Unreadable` on a line that fits none of these shapes.
    """
    mapping: dict[str, object] = {}
    ignored: list[int] = []
    key: str | None = None  # the key whose value the next lines may extend
    list_open = False
    for index, line in enumerate(fm_lines):
        number = index + 2  # line 1 is the opening '---'
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if match := _KEY_LINE.match(line):
            key = match["key"]
            value = match["value"] or ""
            mapping[key] = _scalar_value(value)
            list_open = not value
            continue
        if match := _ITEM_LINE.match(line):
            if key is not None and list_open:
                current = mapping.get(key)
                items = current if isinstance(current, list) else []
                items.append(_scalar_value(match["value"] or ""))
                mapping[key] = items
            else:
                ignored.append(number)
            continue
        if _STRAY_COLON.match(line):
            ignored.append(number)
            key, list_open = None, False
            continue
        if _CONTINUATION.match(line) and key is not None and not list_open:
            mapping[key] = f"{mapping[key]} {line.strip()}".strip()
            continue
        shown = line.strip()[:60]
        raise _Unreadable(number, f"line is neither 'key: value' nor a '- item' entry: {shown!r}")
    return mapping, ignored


def _scalar_value(raw: str) -> object:
    """A YAML scalar or flow list on its own; the raw text when YAML refuses it."""
    if not raw:
        return ""
    if raw[0] not in "[{\"'":
        return raw
    try:
        return yaml.load(raw, Loader=_LOADER)
    except yaml.YAMLError:
        return raw


def _text(value: object) -> str:
    """One front matter value as clean text (lists joined, `\\|` unescaped)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(t for t in (_text(v) for v in value) if t)
    return " ".join(str(value).replace("\\|", "|").split())


def _texts(value: object) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(t for t in (_text(v) for v in value) if t)
    text = _text(value)
    return (text,) if text else ()


def is_placeholder(data: Mapping[str, object]) -> bool:
    """True when an identifier field holds prose: the doc template's text."""
    return any(" " in _text(data.get(key)) for key in _IDENTIFIER_KEYS)


def _front(data: Mapping[str, object]) -> FrontMatter:
    if is_placeholder(data):
        return FrontMatter(placeholder=True)
    return FrontMatter(
        uid=_text(data.get("UID")),
        title=_text(data.get("title")),
        description=_text(data.get("description")),
        assetid=_text(data.get("ms.assetid")),
        topic=_text(data.get("ms.topic")),
        header=_text(data.get("req.header")),
        lib=_text(data.get("req.lib")),
        dll=_text(data.get("req.dll")),
        min_client=_text(data.get("req.target-min-winverclnt")),
        min_server=_text(data.get("req.target-min-winversvr")),
        api_names=_texts(data.get("api_name")),
        api_locations=_texts(data.get("api_location")),
        topic_types=_texts(data.get("topic_type")),
    )
