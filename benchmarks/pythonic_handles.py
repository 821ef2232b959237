"""What the Pythonic layer costs over the generated bindings, per operation, in
Windows CPython against webservices.dll (Wine's under Linux):

    .venv/bin/python scripts/live.py python benchmarks/pythonic_handles.py

Prints microseconds per create/free cycle (heap, error object, message) and per
property read, through wwsapi.pythonic and through the bare generated
functions. Run it, read it; nothing is asserted.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable

import wwsapi
from wwsapi.pythonic import Error, Heap, Message

SOAP12 = wwsapi.WS_ENVELOPE_VERSION.WS_ENVELOPE_VERSION_SOAP_1_2
WSA10 = wwsapi.WS_ADDRESSING_VERSION.WS_ADDRESSING_VERSION_1_0
COUNT = 20_000


def per_call(step: Callable[[], object], count: int = COUNT) -> float:
    """Microseconds per call, best of three runs."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(count):
            step()
        best = min(best, time.perf_counter() - start)
    return best / count * 1e6


def bare_heap() -> None:
    heap = ctypes.POINTER(wwsapi.WS_HEAP)()
    wwsapi.WsCreateHeap(1 << 16, 0, None, 0, ctypes.byref(heap), None)
    wwsapi.WsFreeHeap(heap)


def pythonic_heap() -> None:
    Heap.create(1 << 16, 0).close()


def bare_error() -> None:
    error = ctypes.POINTER(wwsapi.WS_ERROR)()
    wwsapi.WsCreateError(None, 0, ctypes.byref(error))
    wwsapi.WsFreeError(error)


def pythonic_error() -> None:
    Error.create().close()


def bare_message() -> None:
    message = ctypes.POINTER(wwsapi.WS_MESSAGE)()
    wwsapi.WsCreateMessage(SOAP12, WSA10, None, 0, ctypes.byref(message), None)
    wwsapi.WsFreeMessage(message)


def pythonic_message() -> None:
    Message.create(SOAP12, WSA10).close()


def main() -> None:
    rows = [
        ("heap create+free", bare_heap, pythonic_heap),
        ("error create+free", bare_error, pythonic_error),
        ("message create+free", bare_message, pythonic_message),
    ]
    with Message.create(SOAP12, WSA10) as message:
        raw = message.raw
        state = ctypes.c_int32()

        def bare_state() -> None:
            wwsapi.WsGetMessageProperty(raw, 0, ctypes.byref(state), 4, None)

        rows.append(("message state read", bare_state, lambda: message.state))
        for name, bare, pythonic in rows:
            b, p = per_call(bare), per_call(pythonic)
            print(f"{name:22} bare {b:7.2f} us   pythonic {p:7.2f} us   ({p / b:4.1f}x)")


if __name__ == "__main__":
    main()
