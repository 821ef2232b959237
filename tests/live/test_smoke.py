"""Smoke test: the generated package loads webservices.dll in Windows CPython,
binds a function on first use, and turns a failing HRESULT into
the generated exception class; the suite's call counter sees every call."""

from __future__ import annotations

import ctypes
import functools
import subprocess
import sys
from _ctypes import CFuncPtr

import pytest
import wwsapi
from wwsapi import friendly


def test_import_loads_only_the_package() -> None:
    # A fresh interpreter: this one has long imported the areas.
    probe = (
        "import sys, wwsapi; "
        "print(sorted(m for m in sys.modules if m.startswith('wwsapi')), 'ctypes' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == ["['wwsapi',", "'wwsapi._errors']", "False"]


@pytest.mark.wwsapi("WsCreateHeap", "WsFreeHeap")
def test_create_and_free_a_heap_through_the_bindings() -> None:
    create = wwsapi.WsCreateHeap
    assert create.__name__ == "WsCreateHeap" and "Creates a heap object" in (create.__doc__ or "")
    assert isinstance(create.c_function, CFuncPtr)  # bound at once, over the typed foreign function
    heap = ctypes.POINTER(wwsapi.WS_HEAP)()
    assert create(1 << 16, 512, None, 0, ctypes.byref(heap), None) == 0
    assert heap  # a non-NULL WS_HEAP*
    assert wwsapi.WsFreeHeap(heap) is None
    # No place for the handle: the DLL refuses the call, the errcheck raises.
    with pytest.raises(wwsapi.E_INVALIDARG) as caught:
        create(1 << 16, 512, None, 0, None, None)
    assert caught.value.hresult == 0x80070057
    assert caught.value.function == "WsCreateHeap"
    assert isinstance(caught.value, wwsapi.WsError)


def test_the_bindings_refuse_values_of_the_wrong_type() -> None:
    # The prototype's argtypes are real: a WS_ERROR* is not a WS_HEAP_PROPERTY* (handles:
    # test_prototype_arguments.py).
    error = ctypes.POINTER(wwsapi.WS_ERROR)()
    heap = ctypes.POINTER(wwsapi.WS_HEAP)()
    with pytest.raises(ctypes.ArgumentError):
        wwsapi.WsCreateHeap(1024, 0, error, 1, ctypes.byref(heap), None)  # type: ignore[arg-type]


@pytest.mark.wwsapi("WsCreateHeap", "WsResetHeap", "WsFreeHeap", "WsCreateError")
def test_the_call_counter_sees_calls_through_the_bindings(pytestconfig: pytest.Config) -> None:
    import conftest  # the live suite's plugin, as pytest loaded it

    recorder = pytestconfig.stash[conftest.FACTS_KEY][1]
    heap = friendly.WsCreateHeap(1 << 16, 0)
    try:
        before = recorder.calls["WsResetHeap"]
        for _ in range(3):
            wwsapi.WsResetHeap(heap, None)  # the generated prototype
        functools.partial(wwsapi.WsResetHeap, heap)(None)  # as wwsapi.pythonic calls
        friendly.WsResetHeap(heap)  # the friendly layer
        assert recorder.calls["WsResetHeap"] - before == 5
    finally:
        friendly.WsFreeHeap(heap)
