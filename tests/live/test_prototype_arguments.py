"""How a generated prototype converts its arguments, against the real
webservices.dll (the rules: the "Arguments" part of wwsapi._runtime's
docstring). Every parameter keeps its exact ctypes type: a pointer to one
handle type refuses another handle and anything that is not that pointer,
before the DLL is called."""

from __future__ import annotations

import ctypes

import pytest
import wwsapi
from wwsapi import friendly

FUNCTIONS = ("WsCreateHeap", "WsResetHeap", "WsFreeHeap", "WsCreateError", "WsFreeError")


@pytest.mark.wwsapi(*FUNCTIONS)
def test_a_handle_of_another_type_is_refused_before_the_call() -> None:
    error = friendly.WsCreateError()
    try:
        with pytest.raises(ctypes.ArgumentError):
            wwsapi.WsResetHeap(error, None)  # type: ignore[arg-type]  # the stubs refuse it too
    finally:
        friendly.WsFreeError(error)


@pytest.mark.wwsapi(*FUNCTIONS)
def test_a_handle_parameter_takes_its_pointer_and_refuses_other_values() -> None:
    heap = friendly.WsCreateHeap(1024, 0)
    try:
        assert wwsapi.WsResetHeap(heap, None) == 0
        for wrong in (1.5, [heap], ctypes.c_int32(0), 12345, b"heap", "heap"):
            with pytest.raises(ctypes.ArgumentError):
                wwsapi.WsResetHeap(wrong, None)
    finally:
        friendly.WsFreeHeap(heap)


@pytest.mark.wwsapi(*FUNCTIONS)
def test_a_bound_function_is_a_plain_attribute_of_the_package() -> None:
    """After the first use of a name the package has no `__getattr__`, so
    `wwsapi.WsResetHeap` is an ordinary (specialised) module attribute lookup."""
    function = wwsapi.WsResetHeap
    assert isinstance(function, ctypes._CFuncPtr)
    assert vars(wwsapi)["WsResetHeap"] is function
    assert "__getattr__" not in vars(wwsapi)
    assert function.argtypes == (
        ctypes.POINTER(wwsapi.WS_HEAP),
        ctypes.POINTER(wwsapi.WS_ERROR),
    )
