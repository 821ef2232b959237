"""Formatting generated Python with black, in-process, cached and in parallel.

Black is the slowest stage of a generation. Most outputs are laid out by the
generator exactly as black lays them out (`generator.render.wrap`,
`docstrings.literal` with its indent): those listed in `LAID_OUT` skip black
and are only parsed, so that a template that emits invalid Python is still an
error. `tests/test_generate_layout.py` runs black over every such output of
the specs, the fixtures and the shared corpus and fails on any difference; an
output kind joins `LAID_OUT` only once that test passes for it.

Black's results for the other outputs are cached by the hash of the
unformatted text (plus black's version and mode): a regeneration only formats
files whose text changed. Uncached files are formatted in worker processes
(fork) when there are several and more than one CPU.
"""

from __future__ import annotations

import ast
import concurrent.futures
import fnmatch
import gc
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Diagnostic
from generator.render.writer import atomic_write

LINE_LENGTH = 100
# No generated file may be longer: editors, reviews and type checkers slow
# down on larger ones (area modules spill into `<area>_2` well before).
MAX_LINES = 5000

# Outputs the generator lays out as black would (paths relative to the output
# directory; fnmatch patterns, whose `*` crosses folders): black is not run on
# them.
LAID_OUT: tuple[str, ...] = ("wwsapi/*.py", "wwsapi/*.pyi", "tests/*.py")
# Inside LAID_OUT's folders but not (yet) laid out by the generator.
NOT_LAID_OUT: tuple[str, ...] = ("wwsapi/friendly/*",)


def laid_out(path: str) -> bool:
    """Whether the output at `path` is laid out by the generator (skips black)."""
    if any(fnmatch.fnmatchcase(path, pattern) for pattern in NOT_LAID_OUT):
        return False
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in LAID_OUT)


@dataclass(frozen=True)
class FormatJob:
    path: str  # for error messages
    text: str
    pyi: bool


class FormatError(ValueError):
    """Black rejected generated code: a bug in the generator or a template."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def black_version() -> str:
    try:
        return importlib.metadata.version("black")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        return "unknown"


def _key(job: FormatJob, version: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"black {version} line-length {LINE_LENGTH} pyi {job.pyi}\n".encode())
    digest.update(job.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def format_one(job: FormatJob) -> str:
    """Black's formatting of one file; FormatError when it is not valid Python."""
    import black
    from black.mode import TargetVersion

    mode = black.Mode(
        line_length=LINE_LENGTH,
        target_versions={TargetVersion.PY311},
        is_pyi=job.pyi,
    )
    try:
        return black.format_str(job.text, mode=mode)
    except black.parsing.InvalidInput as exc:
        raise FormatError(job.path, f"generated code is not valid Python: {exc}") from None


def _format_batch(jobs: Sequence[FormatJob]) -> list[str]:
    """Format `jobs` with the garbage collector paused: black builds large
    trees whose cycles make the collector run often (about a third of the
    time); they are collected once at the end instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [format_one(job) for job in jobs]
    finally:
        if enabled:
            gc.enable()
        gc.collect()


class FormatCache:
    """{key: formatted text}, loaded from and saved to one JSON file.

    Entries are kept most recently used last; saving keeps the newest
    `MAX_ENTRIES`, so alternating outputs (specs, a corpus) both stay cached.
    """

    MAX_ENTRIES = 600

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, str] = {}
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            if isinstance(data, dict):
                self.entries = {k: v for k, v in data.items() if isinstance(v, str)}

    def get(self, key: str) -> str | None:
        text = self.entries.pop(key, None)
        if text is not None:
            self.entries[key] = text  # now the most recently used
        return text

    def put(self, key: str, text: str) -> None:
        self.entries.pop(key, None)
        self.entries[key] = text

    def save(self) -> None:
        """Write atomically, keeping the newest MAX_ENTRIES entries."""
        if self.path is None:
            return
        kept = dict(list(self.entries.items())[-self.MAX_ENTRIES :])
        atomic_write(self.path, json.dumps(kept, ensure_ascii=False).encode())


def check_syntax(job: FormatJob) -> str:
    """`job.text` unchanged when it is valid Python; FormatError otherwise
    (what black would have said, at a fraction of its cost)."""
    try:
        compile(job.text, job.path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        raise FormatError(job.path, f"generated code is not valid Python: {exc}") from None
    return job.text


def format_all(jobs: Sequence[FormatJob], cache: FormatCache, workers: int) -> list[str]:
    """The formatted text of every job, in order: laid-out outputs as they are
    (checked to be Python), the others through black (cached)."""
    version = black_version()
    results: list[str | None] = [check_syntax(job) if laid_out(job.path) else None for job in jobs]
    keys = {i: _key(jobs[i], version) for i, text in enumerate(results) if text is None}
    for i, key in keys.items():
        results[i] = cache.get(key)
    missing = [i for i, text in enumerate(results) if text is None]
    if missing:
        for i, text in zip(missing, _run([jobs[i] for i in missing], workers), strict=True):
            cache.put(keys[i], text)
            results[i] = text
    return [text or "" for text in results]


def _run(jobs: list[FormatJob], workers: int) -> list[str]:
    workers = min(workers, len(jobs))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _format_batch(jobs)
    # Imported and warmed up (grammar tables loaded) once here, so that the
    # forked workers inherit a ready black.
    format_one(FormatJob("<warm-up>", "x = 1\n", False))
    # Largest first, each to the lightest batch: batches of similar size.
    batches: list[list[int]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for i in sorted(range(len(jobs)), key=lambda i: -len(jobs[i].text)):
        lightest = loads.index(min(loads))
        batches[lightest].append(i)
        loads[lightest] += len(jobs[i].text)
    results: list[str] = [""] * len(jobs)
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
        futures = [
            (batch, pool.submit(_format_batch, [jobs[i] for i in batch])) for batch in batches[1:]
        ]
        # this process formats the first batch meanwhile
        done = [(batches[0], _format_batch([jobs[i] for i in batches[0]]))]
        done += [(batch, future.result()) for batch, future in futures]
    for batch, texts in done:
        for i, text in zip(batch, texts, strict=True):
            results[i] = text
    return results


def layout_differences(jobs: Sequence[FormatJob]) -> list[str]:
    """The paths of laid-out jobs whose text black would change: each one is
    a layout bug of the generator (see LAID_OUT)."""
    return [job.path for job in jobs if laid_out(job.path) and format_one(job) != job.text]


def oversized(texts: Mapping[str, str]) -> list[Diagnostic]:
    """An error for every output of more than MAX_LINES lines."""
    problems = []
    for path, content in sorted(texts.items()):
        count = content.count("\n")
        if count > MAX_LINES:
            problems.append(
                Diagnostic(
                    path,
                    None,
                    f"generated file would have {count} lines, over the limit of {MAX_LINES} "
                    "(generator/render/formatting.py MAX_LINES): its output kind must split "
                    "it, as area modules spill into <area>_2",
                )
            )
    return problems


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
