"""How fast `parse_paths` reads the whole shared corpus (seeds, sdk-api, wsw).

    .venv/bin/python benchmarks/parse.py [--repeat N] [SHARED_DIR]

Prints the best and median wall time of N runs and the pages per second they
give, in one process (`jobs=1`, with its CPU time, which other load on the
machine does not inflate) and with the default worker processes. The first run
(imports, cold file cache) is reported apart.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.parse import parse_paths  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", default=str(REPO.parent / "shared"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    shared = Path(args.shared)
    paths = [
        shared / "seeds",
        shared / "corpus" / "sdk-api" / "webservices",
        shared / "corpus" / "win32" / "wsw",
    ]
    missing = [p for p in paths if not p.is_dir()]
    if missing:
        print(
            f"benchmarks/parse.py: error: missing {', '.join(map(str, missing))}", file=sys.stderr
        )
        return 1
    start = time.perf_counter()
    docset = parse_paths(paths, jobs=1)
    first = time.perf_counter() - start
    pages = docset.pages
    print(f"corpus: {pages} pages, {len(docset.elements)} elements, {len(docset.areas)} areas")
    print(f"first run: {first:.3f} s")
    for label, jobs in (("one process", 1), ("default processes", None)):
        times, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            parse_paths(paths, jobs=jobs)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        best, median = min(times), statistics.median(times)
        print(
            f"{label}: best of {args.repeat}: {best:.3f} s = {pages / best:.0f} pages/s; "
            f"median {median:.3f} s = {pages / median:.0f} pages/s"
            + (f"; CPU best {min(cpu):.3f} s" if jobs == 1 else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
