"""Speed of `wwsgen generate`, as a user runs it (a fresh process each time).

Prints, best and median of several runs, wall-clock seconds (and the CPU
seconds of the process and its workers, which other load on the machine
disturbs less) for:
  - cold: the whole API from specs/ plus the shared corpus, no cache (target < 3 s);
  - cold from specs/ alone;
  - no-op: the same again with the cache of a previous run (target < 0.5 s);
  - --check on an up-to-date output (target < 0.5 s);
  - one page changed: regeneration rewriting only the files that page affects.

    .venv/bin/python benchmarks/generate.py [--runs N]

Outputs go to a temporary folder; the shared corpus is found as the tests find
it ($WWSGEN_SHARED, else ../shared).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WWSGEN_SHARED", REPO.parent / "shared"))
CORPUS = (SHARED / "corpus" / "sdk-api" / "webservices", SHARED / "corpus" / "win32" / "wsw")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wwsgen(*args: str | Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one `python -m generator generate ...`, its worker
    processes included; exits on failure."""
    command = [sys.executable, "-m", "generator", "generate", "-q", *map(str, args)]
    cpu, started = _cpu(), time.perf_counter()
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    if result.returncode not in (0, 1) or (result.returncode == 1 and "--check" not in args):
        sys.exit(f"benchmark: wwsgen failed:\n{result.stderr}")
    return seconds, cpu


def measure(
    label: str, runs: int, prepare: Callable[[], None], run: Callable[[], tuple[float, float]]
) -> None:
    walls, cpus = [], []
    for _ in range(runs):
        prepare()
        wall, cpu = run()
        walls.append(wall)
        cpus.append(cpu)
    print(
        f"{label:44s} wall best {min(walls):5.2f} s  median {statistics.median(walls):5.2f} s"
        f"   CPU best {min(cpus):5.2f} s   ({runs} runs)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args(argv).runs
    corpus_args: list[str | Path] = []
    if all(tree.is_dir() for tree in CORPUS):
        for tree in CORPUS:
            corpus_args += ["--docs", tree]
    else:
        print(f"(shared corpus not found under {SHARED}: specs/ only)")
    print(f"wwsgen generate, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="wwsgen-bench-") as temp:
        root = Path(temp)
        out, cache = root / "out", root / "cache"

        def fresh() -> None:
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)

        cached = ("--out", out, "--cache-dir", cache, *corpus_args)
        measure(
            "cold: specs/ + shared corpus, no cache",
            runs,
            fresh,
            lambda: wwsgen("--out", out, "--no-cache", *corpus_args),
        )
        measure(
            "cold: specs/ only, no cache",
            runs,
            fresh,
            lambda: wwsgen("--out", out, "--no-cache"),
        )
        fresh()
        wwsgen(*cached)
        measure("no-op regeneration (cached)", runs, lambda: None, lambda: wwsgen(*cached))
        measure(
            "--check, up to date (cached)", runs, lambda: None, lambda: wwsgen("--check", *cached)
        )
        measure(
            "--check, cold (no cache)",
            max(1, runs // 2),
            lambda: None,
            lambda: wwsgen("--check", "--out", out, "--no-cache", *corpus_args),
        )

        specs = root / "specs"
        shutil.copytree(REPO / "specs", specs)
        page = specs / "pages" / "nf-webservices-wsfreeheap.md"
        local = ("--specs", specs, "--out", out, "--cache-dir", cache, *corpus_args)
        wwsgen(*local)
        flips = iter(range(10**6))

        def edit() -> None:
            text = page.read_text(encoding="utf-8")
            marker = "## -description\n\n"
            edited = text.replace(marker, f"{marker}Edit {next(flips)}. ", 1)
            page.write_text(edited, encoding="utf-8")

        measure("one page changed (cached)", runs, edit, lambda: wwsgen(*local))
    return 0


if __name__ == "__main__":
    sys.exit(main())
