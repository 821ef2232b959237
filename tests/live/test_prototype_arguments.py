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
    assert vars(wwsapi)["WsResetHeap"] is function
    assert "__getattr__" not in vars(wwsapi)
    assert isinstance(function.c_function, ctypes._CFuncPtr)
    assert function.c_function.argtypes == (
        ctypes.POINTER(wwsapi.WS_HEAP),
        ctypes.POINTER(wwsapi.WS_ERROR),
    )


@pytest.mark.wwsapi(*FUNCTIONS, "WsGetHeapProperty")
def test_every_argument_form_gives_the_same_call() -> None:
    """Arguments of the exact types the untyped path passes (a c_void_p, an
    int) and those only the typed foreign function converts (a byref, an
    int subclass, an array) reach the DLL alike, in success and failure."""
    heap = friendly.WsCreateHeap(4096, 0)
    value = ctypes.c_size_t()
    buffer = (ctypes.c_uint8 * 8)()
    max_size = wwsapi.WS_HEAP_PROPERTY_ID.WS_HEAP_PROPERTY_MAX_SIZE
    try:
        for out in (ctypes.c_void_p(ctypes.addressof(value)), ctypes.byref(value)):
            for property_id in (int(max_size), max_size):
                value.value = 0
                assert wwsapi.WsGetHeapProperty(heap, property_id, out, 8, None) == 0
                assert value.value == 4096
                with pytest.raises(wwsapi.E_INVALIDARG):  # a value size of 1
                    wwsapi.WsGetHeapProperty(heap, property_id, out, 1, None)
        assert wwsapi.WsGetHeapProperty(heap, max_size, buffer, 8, None) == 0
        assert int.from_bytes(bytes(buffer), "little") == 4096
    finally:
        friendly.WsFreeHeap(heap)
