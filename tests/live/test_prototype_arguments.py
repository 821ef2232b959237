"""How a generated prototype converts its arguments, against the real
webservices.dll (the rules: the "Arguments" part of wwsapi._runtime's
docstring). A pointer to an opaque handle goes as c_void_p, so ctypes no longer
tells one handle type from another: these tests show that the DLL does, and
that what is no pointer at all is still refused before the call (an int,
bytes or str is not: c_void_p passes them on as addresses)."""

from __future__ import annotations

import ctypes

import pytest
import wwsapi
from wwsapi import friendly

FUNCTIONS = ("WsCreateHeap", "WsResetHeap", "WsFreeHeap", "WsCreateError", "WsFreeError")


@pytest.mark.wwsapi(*FUNCTIONS)
def test_a_handle_of_another_type_is_refused_by_the_dll() -> None:
    error = friendly.WsCreateError()
    try:
        with pytest.raises(wwsapi.E_INVALIDARG):
            wwsapi.WsResetHeap(error, None)
    finally:
        friendly.WsFreeError(error)


@pytest.mark.wwsapi(*FUNCTIONS)
def test_a_handle_parameter_takes_its_pointer_and_refuses_other_values() -> None:
    heap = friendly.WsCreateHeap(1024, 0)
    try:
        assert wwsapi.WsResetHeap(heap, None) == 0
        # (c_void_p would pass an int, bytes or str on as an address: never do)
        for wrong in (1.5, [heap], ctypes.c_int32(0)):
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
    assert function.argtypes == (ctypes.c_void_p, ctypes.c_void_p)
