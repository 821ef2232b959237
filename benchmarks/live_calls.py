"""Cost of one WWSAPI call from Windows CPython: bare ctypes function pointer,
the same with an errcheck, through a Python wrapper, and through the generated
package where it is installed (its target: at most 1.5x the bare pointer).

Runs inside Windows CPython (under Wine on Linux):

    .venv/bin/python scripts/live.py python benchmarks/live_calls.py
"""

from __future__ import annotations

import ctypes
import sys
import timeit
from collections.abc import Callable
from typing import Any

CALLS = 200_000
REPEAT = 5
HEAP_PROPERTY_MAX_SIZE = 0


def _hresult_check(result: Any, func: Any, args: Any) -> Any:
    if result < 0:
        raise OSError(result, f"{func.__name__} failed")
    return result


def _prototype(dll: Any, errcheck: bool) -> Any:
    func = ctypes.WINFUNCTYPE(
        ctypes.c_int32, ctypes.c_void_p, ctypes.c_int32, ctypes.c_void_p, ctypes.c_uint32,
        ctypes.c_void_p,
    )(("WsGetHeapProperty", dll))
    if errcheck:
        func.errcheck = _hresult_check
    return func


def _per_call_ns(call: Callable[[], object]) -> float:
    best = min(timeit.repeat(call, number=CALLS, repeat=REPEAT))
    return best / CALLS * 1e9


def main() -> int:
    dll = ctypes.WinDLL("webservices.dll")
    heap = ctypes.c_void_p()
    create = dll.WsCreateHeap
    create.argtypes = [ctypes.c_size_t, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_uint32,
                       ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p]
    if create(1 << 16, 0, None, 0, ctypes.byref(heap), None) != 0:
        print("WsCreateHeap failed", file=sys.stderr)
        return 1
    value = ctypes.c_size_t()
    out, size = ctypes.addressof(value), ctypes.sizeof(value)
    bare = _prototype(dll, errcheck=False)
    checked = _prototype(dll, errcheck=True)

    def wrapper(h: object, pid: int, buf: int, n: int, err: object) -> int:
        result: int = checked(h, pid, buf, n, err)
        return result

    rows = [
        ("bare ctypes pointer", lambda: bare(heap, HEAP_PROPERTY_MAX_SIZE, out, size, None)),
        ("with errcheck", lambda: checked(heap, HEAP_PROPERTY_MAX_SIZE, out, size, None)),
        ("errcheck + Python wrapper",
         lambda: wrapper(heap, HEAP_PROPERTY_MAX_SIZE, out, size, None)),
    ]
    try:
        import wwsapi  # type: ignore[import-not-found]

        generated = getattr(wwsapi, "WsGetHeapProperty", None)
    except ImportError:
        generated = None
    if generated is not None:
        rows.append(("generated wwsapi.WsGetHeapProperty",
                     lambda: generated(heap, HEAP_PROPERTY_MAX_SIZE, out, size, None)))
    # Two interleaved rounds, best of both: a warming CPU or Wine must not
    # favour whichever row runs last.
    best = [min(_per_call_ns(call) for _ in range(2)) for _, call in rows]
    best = [min(a, b) for a, b in zip(best, [_per_call_ns(call) for _, call in rows], strict=True)]
    baseline = best[0]
    print(f"WsGetHeapProperty, best of {REPEAT} x {CALLS} calls, Python {sys.version.split()[0]}")
    for (label, _), ns in zip(rows, best, strict=True):
        print(f"  {label:38s} {ns:8.0f} ns/call  {ns / baseline:5.2f}x")
    if generated is None:
        print("  (generated package not installed: no wwsapi.WsGetHeapProperty)")
    dll.WsFreeHeap.argtypes = [ctypes.c_void_p]
    dll.WsFreeHeap(heap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
