"""Heaps against the real webservices.dll: WsCreateHeap, WsAlloc, WsResetHeap and
WsFreeHeap through the friendly layer (wwsapi.friendly: the handle and the block
are returned), WsGetHeapProperty through its generated prototype (its value
buffer depends on the property id, so it has no friendly form)."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pytest
import wwsapi
from wwsapi import friendly

HEAP_FUNCTIONS = ("WsCreateHeap", "WsAlloc", "WsGetHeapProperty", "WsResetHeap", "WsFreeHeap")
MAX_SIZE = 256
TRIM_SIZE = 64


@pytest.fixture
def heap() -> Iterator[ctypes._Pointer[wwsapi.WS_HEAP]]:
    """A heap of MAX_SIZE bytes, freed after the test."""
    handle = friendly.WsCreateHeap(MAX_SIZE, TRIM_SIZE)
    yield handle
    friendly.WsFreeHeap(handle)


def heap_property(handle: ctypes._Pointer[wwsapi.WS_HEAP], id_: int) -> int:
    """A SIZE_T heap property (the WS_HEAP_PROPERTY_ID page: every value is a SIZE_T)."""
    value = ctypes.c_size_t()
    wwsapi.WsGetHeapProperty(handle, id_, ctypes.byref(value), ctypes.sizeof(value), None)
    return value.value


def alloc(handle: ctypes._Pointer[wwsapi.WS_HEAP], size: int) -> int:
    block = friendly.WsAlloc(handle, size)
    assert block is not None
    return block


@pytest.mark.wwsapi(*HEAP_FUNCTIONS)
def test_properties_follow_allocations_and_resets(heap: ctypes._Pointer[wwsapi.WS_HEAP]) -> None:
    ids = wwsapi.WS_HEAP_PROPERTY_ID
    assert heap_property(heap, ids.WS_HEAP_PROPERTY_MAX_SIZE) == MAX_SIZE
    assert heap_property(heap, ids.WS_HEAP_PROPERTY_TRIM_SIZE) == TRIM_SIZE
    assert heap_property(heap, ids.WS_HEAP_PROPERTY_REQUESTED_SIZE) == 0

    first, second = alloc(heap, 100), alloc(heap, 28)
    assert second >= first + 100 or first >= second + 28  # distinct blocks
    ctypes.memset(first, 0xAB, 100)  # the memory is the caller's to use
    assert ctypes.string_at(first, 100) == b"\xab" * 100
    assert heap_property(heap, ids.WS_HEAP_PROPERTY_REQUESTED_SIZE) == 128
    assert heap_property(heap, ids.WS_HEAP_PROPERTY_ACTUAL_SIZE) >= 128

    friendly.WsResetHeap(heap)
    assert heap_property(heap, ids.WS_HEAP_PROPERTY_REQUESTED_SIZE) == 0
    alloc(heap, MAX_SIZE)  # the whole quota is available again after a reset
    assert heap_property(heap, ids.WS_HEAP_PROPERTY_REQUESTED_SIZE) == MAX_SIZE


@pytest.mark.wwsapi(*HEAP_FUNCTIONS)
def test_an_allocation_over_the_maximum_raises_the_documented_error(
    heap: ctypes._Pointer[wwsapi.WS_HEAP],
) -> None:
    alloc(heap, MAX_SIZE - 8)
    with pytest.raises(wwsapi.WS_E_QUOTA_EXCEEDED) as caught:
        friendly.WsAlloc(heap, 16)
    error = caught.value
    assert error.hresult == 0x803D0008 and error.code == "WS_E_QUOTA_EXCEEDED"
    assert error.function == "WsAlloc"
    assert error.meaning.startswith("The allocation would take the total requested from the heap")
    assert error.error_strings == ()  # the error object lent to the call: Wine adds none
    assert str(error).startswith("WsAlloc failed: WS_E_QUOTA_EXCEEDED (0x803D0008): The alloc")


@pytest.mark.wwsapi(*HEAP_FUNCTIONS)
def test_a_too_small_property_buffer_is_refused(heap: ctypes._Pointer[wwsapi.WS_HEAP]) -> None:
    small = ctypes.c_uint32()
    with pytest.raises(wwsapi.E_INVALIDARG) as caught:
        wwsapi.WsGetHeapProperty(
            heap, wwsapi.WS_HEAP_PROPERTY_MAX_SIZE, ctypes.byref(small), 4, None
        )
    # WsGetHeapProperty's page lists no return codes of its own: the class and
    # the code's name are there, a meaning for this function is not.
    assert caught.value.function == "WsGetHeapProperty"
    assert caught.value.code == "E_INVALIDARG" and caught.value.meaning == ""


@pytest.mark.wwsapi("WsCreateHeap", "WsAlloc", "WsFreeHeap")
def test_many_heaps_are_independent() -> None:
    handles = [(friendly.WsCreateHeap(size, 0), size) for size in (64, 128, 256)]
    try:
        assert len({ctypes.addressof(h.contents) for h, _ in handles}) == 3
        for handle, size in handles:
            alloc(handle, size)  # each one's quota is its own
            with pytest.raises(wwsapi.WS_E_QUOTA_EXCEEDED):
                alloc(handle, 1)
    finally:
        for handle, _ in handles:
            friendly.WsFreeHeap(handle)
