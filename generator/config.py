"""Where `wwsgen generate` reads and writes: `[tool.wwsgen]` plus command-line options.

The project root is the nearest folder, from the current one upwards, whose
pyproject.toml has a `[tool.wwsgen]` table (else the current folder). Paths in
the table are relative to the root; paths on the command line to the current
folder. Keys:

    [tool.wwsgen]
    specs = "specs"            # holds abi/ and pages/
    out = "generated"          # the package is written to <out>/wwsapi
    docs = []                  # more doc trees, merged over specs/pages (later wins)
    templates = "templates"

`--docs` adds trees after the configured ones; `--out` and `--specs` replace.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.diagnostics import DiagnosticError

KEYS = ("specs", "out", "docs", "templates")
SOURCE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Config:
    root: Path
    specs: Path
    out: Path
    docs: tuple[Path, ...]
    templates: Path

    @property
    def abi(self) -> Path:
        return self.specs / "abi"

    @property
    def pages(self) -> Path:
        return self.specs / "pages"

    def relative(self, path: Path) -> str:
        """`path` as shown in headers and messages: relative to the root, with /."""
        return Path(os.path.relpath(path.resolve(), self.root)).as_posix()


def find_root(start: Path) -> tuple[Path, Path | None]:
    """The project root and its pyproject.toml (None when no `[tool.wwsgen]`)."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _read_table(candidate)
            if table is not None:
                return folder, candidate
    return start, None


def _read_table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DiagnosticError.single(str(path), None, f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DiagnosticError.single(str(path), None, f"not valid TOML: {exc}") from None
    tool = data.get("tool")
    table = tool.get("wwsgen") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def _line_of(path: Path, key: str) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    in_table = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped == "[tool.wwsgen]"
        elif in_table and stripped.split("=")[0].strip() == key:
            return number
    return None


def load_config(
    cwd: Path,
    *,
    out: str | None = None,
    specs: str | None = None,
    docs: Sequence[str] = (),
    templates: str | None = None,
) -> Config:
    """The configuration for a run started in `cwd`; DiagnosticError on bad values."""
    cwd = cwd.resolve()
    root, pyproject = find_root(cwd)
    table = _read_table(pyproject) if pyproject else {}
    table = table or {}

    def bad(key: str, what: str) -> DiagnosticError:
        assert pyproject is not None
        return DiagnosticError.single(
            pyproject.as_posix(), _line_of(pyproject, key), f"[tool.wwsgen] {key}: {what}"
        )

    for key in table:
        if key not in KEYS:
            raise bad(key, f"unknown key (known: {', '.join(KEYS)})")

    def text(key: str, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or not value:
            raise bad(key, "must be a non-empty string (a path relative to this file)")
        return value

    configured_docs = table.get("docs", [])
    if not isinstance(configured_docs, list) or not all(
        isinstance(d, str) and d for d in configured_docs
    ):
        raise bad("docs", "must be a list of paths (strings) relative to this file")

    default_templates = root / "templates"
    if "templates" not in table and not default_templates.is_dir():
        default_templates = SOURCE_TEMPLATES
    return Config(
        root=root,
        specs=(cwd / specs) if specs else root / text("specs", "specs"),
        out=(cwd / out) if out else root / text("out", "generated"),
        docs=(*(root / d for d in configured_docs), *(cwd / d for d in docs)),
        templates=(
            (cwd / templates)
            if templates
            else (
                (root / text("templates", "templates"))
                if "templates" in table
                else default_templates
            )
        ),
    )
