"""`Heap`: a WS_HEAP, the allocator most WWSAPI functions return data on."""

from __future__ import annotations

import ctypes
from typing import Self

import wwsapi
from wwsapi.bases import HeapBase
from wwsapi.pythonic.access import Properties, Readable, create, property_array
from wwsapi.pythonic.error import call

DEFAULT_MAX_SIZE = 1 << 20
DEFAULT_TRIM_SIZE = 1 << 12


class Heap(Readable, HeapBase):
    """A WS_HEAP. Memory allocated on it lives until `reset()` or the heap is
    freed; objects made on it (XML buffers) are freed with it."""

    @classmethod
    def create(
        cls,
        max_size: int = DEFAULT_MAX_SIZE,
        trim_size: int = DEFAULT_TRIM_SIZE,
        *,
        properties: Properties | None = None,
    ) -> Self:
        """A new heap (WsCreateHeap) that hands out at most `max_size` bytes
        between resets and keeps `trim_size` bytes after a reset."""
        array = property_array(wwsapi.WS_HEAP_PROPERTY, "WS_HEAP_PROPERTY_ID", properties)
        handle = create(
            wwsapi.WS_HEAP, wwsapi.WsCreateHeap, max_size, trim_size, array.array, array.count
        )
        return cls(handle, wwsapi.WsFreeHeap)

    def alloc(self, size: int) -> int:
        """The address of `size` new bytes on the heap (WsAlloc)."""
        address = ctypes.c_void_p()
        call(wwsapi.WsAlloc, self.raw, size, ctypes.byref(address))
        return address.value or 0

    def reset(self) -> None:
        """Release every allocation at once (WsResetHeap); objects made on the
        heap become unusable."""
        call(wwsapi.WsResetHeap, self.raw)
        self._invalidate_borrowed("its WS_HEAP was reset")
