"""Smoke test: the DLL loads in Windows CPython and a heap round trip works.

Bare ctypes, to be replaced by tests through the generated package `wwsapi`.
"""

from __future__ import annotations

import ctypes

import pytest

S_OK = 0
E_INVALIDARG = -2147024809  # 0x80070057


@pytest.mark.wwsapi("WsCreateHeap", "WsFreeHeap")
def test_create_and_free_heap() -> None:
    dll = ctypes.WinDLL("webservices.dll")
    create = dll.WsCreateHeap
    create.argtypes = [
        ctypes.c_size_t, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_uint32,
        ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p,
    ]
    create.restype = ctypes.c_int32
    dll.WsFreeHeap.argtypes = [ctypes.c_void_p]
    dll.WsFreeHeap.restype = None

    heap = ctypes.c_void_p()
    assert create(1 << 16, 512, None, 0, ctypes.byref(heap), None) == S_OK
    assert heap.value
    dll.WsFreeHeap(heap)
    # No place for the handle: the DLL itself refuses the call.
    assert create(1 << 16, 512, None, 0, None, None) == E_INVALIDARG
