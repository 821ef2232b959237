"""Cost of one cheap WWSAPI call from Windows CPython, as ratios to a bare ctypes
function pointer of the same export, in one run: through the generated
prototype (target: at most 1.5x) and through the friendly layer (target: at
most 3x; wwsapi.friendly where it is installed, and wwsapi.pythonic); then
the time of `import wwsapi` in Windows CPython (benchmarks/import_time.py).

Runs inside Windows CPython (under Wine on Linux), the current tree installed:

    .venv/bin/python scripts/live.py python benchmarks/live_calls.py

Every row calls the same heap. Statements are timed as written (no lambda
around them): ROUNDS rounds, each timing CALLS calls of every row in turn, and
the best round of each row counts, so that load from other processes or a
warming CPU favours no row.
"""

from __future__ import annotations

import ctypes
import importlib
import sys
import timeit
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the ._pth leaves it out

CALLS = 100_000
ROUNDS = 10
IMPORT_RUNS = 7
PROTOTYPE_TARGET = 1.5
FRIENDLY_TARGET = 3.0


@dataclass(frozen=True)
class Row:
    label: str
    statement: str
    target: float | None  # the ratio it must stay under, if any


def _table(title: str, rows: list[Row], names: dict[str, Any]) -> bool:
    """Time the rows (the first is the baseline) and print them; False when a row
    misses its target."""
    timers = [timeit.Timer(row.statement, globals=names) for row in rows]
    best = [float("inf")] * len(rows)
    for _ in range(ROUNDS):
        for index, timer in enumerate(timers):
            best[index] = min(best[index], timer.timeit(number=CALLS) / CALLS * 1e9)
    print(title)
    ok = True
    for row, ns in zip(rows, best, strict=True):
        ratio = ns / best[0]
        verdict = ""
        if row.target is not None:
            passed = ratio <= row.target
            ok = ok and passed
            verdict = f"  target <= {row.target}x: {'ok' if passed else 'MISSED'}"
        print(f"  {row.label:44s} {ns:7.0f} ns/call  {ratio:5.2f}x{verdict}")
    return ok


def main() -> int:
    import wwsapi
    from wwsapi.pythonic import Heap

    friendly: Any
    try:
        friendly = importlib.import_module("wwsapi.friendly")
    except ImportError:
        friendly = None

    dll = ctypes.WinDLL("webservices.dll")
    vp = ctypes.c_void_p
    bare_reset = ctypes.WINFUNCTYPE(ctypes.c_int32, vp, vp)(("WsResetHeap", dll))
    bare_get = ctypes.WINFUNCTYPE(ctypes.c_int32, vp, ctypes.c_int32, vp, ctypes.c_uint32, vp)(
        ("WsGetHeapProperty", dll)
    )
    heap = Heap.create(1 << 16)
    value = ctypes.c_size_t()
    names: dict[str, Any] = {
        "bare_reset": bare_reset,
        "bare_get": bare_get,
        "wwsapi": wwsapi,
        "friendly": friendly,
        "heap": heap,
        "raw": heap.raw,  # POINTER(WS_HEAP), what the generated prototypes take
        "address": vp(ctypes.addressof(heap.raw.contents)),  # what the bare pointers take
        "out_pointer": vp(ctypes.addressof(value)),
        "size": ctypes.sizeof(value),
    }
    version = sys.version.split()[0]
    print(f"Python {version} ({sys.platform}): best of {ROUNDS} rounds of {CALLS} calls")

    # Where the prototype's cost goes: the typed foreign function it keeps as
    # `c_function` (generated argtypes and errcheck), which it calls for
    # arguments only ctypes can convert, such as a byref.
    names.update(typed=wwsapi.WsResetHeap.c_function)
    reset = [
        Row("bare ctypes pointer", "bare_reset(address, None)", None),
        Row("generated prototype wwsapi.WsResetHeap", "wwsapi.WsResetHeap(raw, None)",
            PROTOTYPE_TARGET),
        Row("  its typed foreign function (c_function)", "typed(raw, None)", None),
    ]  # fmt: skip
    if friendly is not None:
        reset.append(
            Row("friendly wwsapi.friendly.WsResetHeap", "friendly.WsResetHeap(raw)",
                FRIENDLY_TARGET)
        )  # fmt: skip
    reset.append(Row("wwsapi.pythonic Heap.reset()", "heap.reset()", None))
    ok = _table("WsResetHeap", reset, names)

    get = [
        Row("bare ctypes pointer", "bare_get(address, 0, out_pointer, size, None)", None),
        Row("generated prototype wwsapi.WsGetHeapProperty",
            "wwsapi.WsGetHeapProperty(raw, 0, out_pointer, size, None)", PROTOTYPE_TARGET),
        Row("wwsapi.pythonic heap.get_property('max_size')",
            "heap.get_property('max_size')", None),
    ]  # fmt: skip
    ok = _table("WsGetHeapProperty (MAX_SIZE)", get, names) and ok
    if friendly is None:
        print("  (wwsapi.friendly is not installed: no friendly-layer row)")
    heap.close()

    import import_time

    import_time.RUNS = IMPORT_RUNS
    print("import wwsapi in Windows CPython:")
    import_time.measure(None)
    if not ok:
        print("benchmark: a call cost is over its target (see MISSED above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
