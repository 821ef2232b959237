"""Formatting generated Python with black, in-process, cached and in parallel.

Black is the slowest stage of a generation, so its results are cached by the
hash of the unformatted text (plus black's version and mode): a regeneration
only formats files whose text changed. Uncached files are formatted in worker
processes (fork) when there are several and more than one CPU.
"""

from __future__ import annotations

import concurrent.futures
import gc
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.render.writer import atomic_write

LINE_LENGTH = 100


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


def format_all(jobs: Sequence[FormatJob], cache: FormatCache, workers: int) -> list[str]:
    """The formatted text of every job, in order."""
    version = black_version()
    keys = [_key(job, version) for job in jobs]
    results = [cache.get(key) for key in keys]
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


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
