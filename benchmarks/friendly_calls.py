"""Cost of a call through the friendly layer (wwsapi.friendly) against the bare
ctypes function pointer of the same export (target: at most 3x).

The bare call gets everything ready-made (its out variable, NULL for the error
object); the friendly call allocates its out value, borrows an error object
from the pool, converts the result and returns it, as a user's call does.

Runs inside Windows CPython (under Wine on Linux), the current tree installed:

    .venv/bin/python scripts/live.py python benchmarks/friendly_calls.py
"""

from __future__ import annotations

import ctypes
import sys
import timeit
from collections.abc import Callable

CALLS = 100_000
REPEAT = 5
TARGET = 3.0


def _per_call_ns(call: Callable[[], object]) -> float:
    return min(timeit.repeat(call, number=CALLS, repeat=REPEAT)) / CALLS * 1e9


def main() -> int:
    try:
        import wwsapi
        from wwsapi import friendly
    except ImportError as exc:
        print(f"the generated package is not installed here: {exc}", file=sys.stderr)
        return 1
    dll = ctypes.WinDLL("webservices.dll")
    vp = ctypes.c_void_p
    proto = ctypes.WINFUNCTYPE
    bare_reset = proto(ctypes.c_int32, vp, vp)(("WsResetHeap", dll))
    bare_alloc = proto(ctypes.c_int32, vp, ctypes.c_size_t, ctypes.POINTER(vp), vp)(
        ("WsAlloc", dll)
    )
    bare_ft2dt = proto(ctypes.c_int32, vp, vp, vp)(("WsFileTimeToDateTime", dll))

    heap = friendly.WsCreateHeap(1 << 30, 0)  # big enough for every WsAlloc below
    raw_heap = ctypes.cast(heap, vp)
    address = vp()
    address_ref = ctypes.byref(address)
    file_time = wwsapi._runtime.FILETIME(0, 30_000_000)
    date_time = wwsapi.WS_DATETIME()
    file_time_ref, date_time_ref = ctypes.byref(file_time), ctypes.byref(date_time)

    rows = [
        (
            "WsResetHeap (no out value)",
            lambda: bare_reset(raw_heap, None),
            lambda: friendly.WsResetHeap(heap),
        ),
        (
            "WsAlloc (void** out -> int)",
            lambda: bare_alloc(raw_heap, 8, address_ref, None),
            lambda: friendly.WsAlloc(heap, 8),
        ),
        (
            "WsFileTimeToDateTime (struct out)",
            lambda: bare_ft2dt(file_time_ref, date_time_ref, None),
            lambda: friendly.WsFileTimeToDateTime(file_time),
        ),
    ]
    for _, bare, wrapped in rows:  # bind and fill the pool before timing
        bare()
        wrapped()
    print(
        f"best of {REPEAT} x {CALLS} calls, Python {sys.version.split()[0]}, "
        f"{sys.platform}; target: friendly <= {TARGET:.0f}x bare"
    )
    worst = 0.0
    for label, bare, wrapped in rows:
        # interleaved twice, best of both: warming must not favour either side
        bare_ns = min(_per_call_ns(bare), _per_call_ns(bare))
        friendly_ns = min(_per_call_ns(wrapped), _per_call_ns(wrapped))
        ratio = friendly_ns / bare_ns
        worst = max(worst, ratio)
        print(
            f"  {label:36s} bare {bare_ns:7.0f} ns  friendly {friendly_ns:7.0f} ns  {ratio:5.2f}x"
        )
        friendly.WsResetHeap(heap)
    friendly.WsFreeHeap(heap)
    released = friendly.release_error_objects()
    print(
        f"worst {worst:.2f}x ({'within' if worst <= TARGET else 'OVER'} the target); "
        f"{released} pooled error object(s) released"
    )
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
