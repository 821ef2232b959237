"""The no-op fast path: a manifest keyed by the hash of every input.

The key covers everything that decides the output bytes: the generator's own
source and templates, the versions of the libraries that shape the text, the
configuration, and the path and content of every input file. When the key of
a run equals the manifest's, the expected outputs are the recorded hashes, so
`generate` and `--check` only need to hash the files on disk.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.render.writer import atomic_write, generated_files

GENERATOR_DIR = Path(__file__).resolve().parent.parent
LIBRARIES = ("black", "jinja2", "markdown-it-py", "pyyaml", "python-frontmatter")


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def input_key(
    inputs: Iterable[tuple[str, Path]], templates: Path, settings: Mapping[str, str]
) -> str:
    """The hash of everything a generation reads; `inputs` are (shown path, file)."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    for name, value in sorted(settings.items()):
        add(f"setting {name}", value.encode())
    for library in LIBRARIES:
        add(f"library {library}", _version(library).encode())
    for path in _files(GENERATOR_DIR, "*.py"):
        add(f"generator {path.relative_to(GENERATOR_DIR).as_posix()}", path.read_bytes())
    for path in _files(templates, "*"):
        add(f"template {path.relative_to(templates).as_posix()}", path.read_bytes())
    for shown, path in inputs:
        add(f"input {shown}", path.read_bytes())
    return digest.hexdigest()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    key: str
    files: dict[str, str]  # relative path -> sha256 of the expected content

    @classmethod
    def load(cls, path: Path | None) -> Manifest | None:
        if path is None or not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            key, files = data["key"], data["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(key, str) or not isinstance(files, dict):
            return None
        return cls(key, {str(k): str(v) for k, v in files.items()})

    def save(self, path: Path | None) -> None:
        if path is None:
            return
        data = {"key": self.key, "files": dict(sorted(self.files.items()))}
        atomic_write(path, json.dumps(data, indent=1).encode())

    def differences(self, out: Path) -> tuple[list[str], list[str], list[str]]:
        """(differing, missing, stale) relative paths under `out`."""
        differing, missing = [], []
        for relative, expected in sorted(self.files.items()):
            try:
                actual = digest((out / relative).read_bytes())
            except FileNotFoundError:
                missing.append(relative)
                continue
            if actual != expected:
                differing.append(relative)
        stale = [p for p in generated_files(out) if p not in self.files]
        return differing, missing, stale
