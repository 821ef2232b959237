"""How long `import wwsapi` takes (target: under 50 ms), and the first use of a name.

Each figure is the best and median of several fresh interpreters, the
bytecode compiled beforehand:
  - `import wwsapi`, as `python -X importtime` reports it (the package alone:
    its areas load on first use);
  - first use of a name (`wwsapi.WS_HEAP_PROPERTY`): every area module and the
    fields of every structure load then;
  - `import wwsapi` plus that first use, wall clock in the process.

    .venv/bin/python benchmarks/import_time.py            # this host, generated/
    .venv/bin/python benchmarks/import_time.py --wine     # also Windows CPython under Wine

`--wine` runs this same script inside the live environment of scripts/live.py
(Windows CPython 3.13 with the current tree installed).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import re
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = 15
FIRST_USE = (
    "import time; t = time.perf_counter(); import wwsapi; u = time.perf_counter(); "
    "wwsapi.WS_HEAP_PROPERTY; v = time.perf_counter(); "
    "print((u - t) * 1e3, (v - u) * 1e3)"
)


def _python(args: Sequence[str], path: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if path is not None:
        env["PYTHONPATH"] = path
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, check=True
    )


def _importtime_ms(path: str | None) -> float:
    """Cumulative microseconds of `wwsapi` in -X importtime's report, in ms."""
    result = _python(["-X", "importtime", "-c", "import wwsapi"], path)
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+\s+\|\s+(\d+)\s+\|\s?wwsapi$", line)
        if match:
            return int(match.group(1)) / 1000
    raise SystemExit("benchmark: no `wwsapi` line in -X importtime output")


def _report(label: str, values: list[float]) -> None:
    print(f"  {label:44s} best {min(values):7.1f} ms   median {statistics.median(values):7.1f} ms")


def measure(path: str | None) -> None:
    spec = importlib.util.find_spec("wwsapi")
    if spec is None or spec.origin is None:
        raise SystemExit("benchmark: the package wwsapi is not importable here")
    package = Path(spec.origin).parent
    compileall.compile_dir(package, quiet=1)
    print(f"Python {sys.version.split()[0]} on {sys.platform}: {package}")
    _report("import wwsapi (-X importtime)", [_importtime_ms(path) for _ in range(RUNS)])
    pairs = [
        tuple(map(float, _python(["-c", FIRST_USE], path).stdout.split())) for _ in range(RUNS)
    ]
    _report("import wwsapi (wall, in process)", [a for a, _ in pairs])
    _report("first use of a name: all areas and layouts", [b for _, b in pairs])
    _report("both", [a + b for a, b in pairs])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wine", action="store_true", help="also under Windows CPython (Wine)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        measure(None)  # the installed package
        return 0
    generated = str(REPO / "generated")
    sys.path.insert(0, generated)
    measure(generated)
    if args.wine:
        live = [sys.executable, str(REPO / "scripts" / "live.py"), "python", __file__, "--inner"]
        return subprocess.run(live, cwd=REPO).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
