"""How long the ABI stages take: load_abi (cold and warm), save_abi, layouts, and the
importers when the [import] extra is installed. Prints seconds; run it, read it."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.abi import DEFAULT_DIR, load_abi, save_abi  # noqa: E402
from generator.abi.layout import compute_layouts  # noqa: E402
from generator.abimodel import Target  # noqa: E402


def best(runs: int, step: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    cold = subprocess.run(
        [sys.executable, "-c",
         "import time; t = time.perf_counter(); from generator.abi import load_abi, DEFAULT_DIR; "
         "load_abi(DEFAULT_DIR); print(time.perf_counter() - t)"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    print(f"load_abi cold (new interpreter, imports included): {float(cold.stdout):.3f} s")
    print(f"load_abi warm (best of 10): {best(10, lambda: load_abi(DEFAULT_DIR)):.3f} s")
    abi = load_abi(DEFAULT_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"save_abi (best of 5): {best(5, lambda: save_abi(abi, Path(tmp))):.3f} s")
    for target in Target:
        seconds = best(10, partial(compute_layouts, abi, target))
        print(f"compute_layouts {target.value} (best of 10): {seconds:.4f} s")
    try:
        from generator.abi.metadata import read_metadata
        from generator.abi.wine import read_wine
    except ImportError:
        print("importers: skipped (pip install -e '.[import]')")
        return
    print(f"read_metadata (SDK metadata, best of 3): {best(3, read_metadata):.3f} s")
    print(f"read_wine (libclang, best of 3): {best(3, read_wine):.3f} s")


if __name__ == "__main__":
    main()
