"""wwsapi.pythonic against the real webservices.dll: handles freed exactly once,
never used after, children before parents, and a stable working set over
10,000 create/free cycles."""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable
from ctypes import wintypes

import pytest
import wwsapi
from wwsapi.pythonic import (
    Channel,
    Error,
    HandleClosedError,
    Heap,
    Listener,
    Message,
    UnknownPropertyError,
    XmlBuffer,
)

SOAP12 = wwsapi.WS_ENVELOPE_VERSION.WS_ENVELOPE_VERSION_SOAP_1_2
WSA10 = wwsapi.WS_ADDRESSING_VERSION.WS_ADDRESSING_VERSION_1_0
DUPLEX_SESSION = wwsapi.WS_CHANNEL_TYPE.WS_CHANNEL_TYPE_DUPLEX_SESSION
TCP = wwsapi.WS_CHANNEL_BINDING.WS_TCP_CHANNEL_BINDING


class ProcessMemoryCounters(ctypes.Structure):
    """PROCESS_MEMORY_COUNTERS_EX (psapi.h)."""

    _fields_ = [
        ("cb", wintypes.DWORD),
        ("PageFaultCount", wintypes.DWORD),
        ("PeakWorkingSetSize", ctypes.c_size_t),
        ("WorkingSetSize", ctypes.c_size_t),
        ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
        ("QuotaPagedPoolUsage", ctypes.c_size_t),
        ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
        ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
        ("PagefileUsage", ctypes.c_size_t),
        ("PeakPagefileUsage", ctypes.c_size_t),
        ("PrivateUsage", ctypes.c_size_t),
    ]


def memory() -> tuple[int, int]:
    """(working set, committed bytes) of this process (K32GetProcessMemoryInfo)."""
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    get_info = kernel32.K32GetProcessMemoryInfo
    get_info.argtypes = [wintypes.HANDLE, ctypes.POINTER(ProcessMemoryCounters), wintypes.DWORD]
    get_info.restype = wintypes.BOOL
    counters = ProcessMemoryCounters(cb=ctypes.sizeof(ProcessMemoryCounters))
    assert get_info(kernel32.GetCurrentProcess(), ctypes.byref(counters), counters.cb)
    # Wine leaves PrivateUsage at 0; PagefileUsage is the commit charge there.
    return counters.WorkingSetSize, max(counters.PrivateUsage, counters.PagefileUsage)


def heap_cycle() -> None:
    with Heap.create(1 << 16) as heap:
        heap.alloc(1024)


def error_cycle() -> None:
    with Error.create() as error:
        error.add_string("x" * 64)


def message_cycle() -> None:
    message = Message.create(SOAP12, WSA10)
    message.initialize(wwsapi.WS_MESSAGE_INITIALIZATION.WS_REQUEST_MESSAGE)
    assert message.heap.alloc(256)  # a borrowed heap, invalidated with the message
    message.close()


def buffer_cycle() -> None:
    XmlBuffer.create().close()  # a buffer on a private heap


def channel_cycle() -> None:
    listener = Listener.create(DUPLEX_SESSION, TCP)
    Channel.create_for_listener(listener)  # freed with the listener, first
    listener.close()


def collected_cycle() -> None:
    Heap.create(1 << 12).alloc(64)  # never closed: garbage collection frees it


CYCLES: dict[str, Callable[[], None]] = {
    "heap": heap_cycle,
    "error": error_cycle,
    "message": message_cycle,
    "buffer": buffer_cycle,
    "channel": channel_cycle,
    "collected": collected_cycle,
}
BOUND = 2 << 20  # growth allowed over 10,000 cycles (measured noise under Wine: < 100 KB;
# a leaked WS_ERROR alone is ~740 bytes, 7 MB over 10,000 cycles)


@pytest.mark.wwsapi(
    "WsCreateHeap",
    "WsAlloc",
    "WsFreeHeap",
    "WsCreateError",
    "WsAddErrorString",
    "WsFreeError",
    "WsCreateMessage",
    "WsInitializeMessage",
    "WsGetMessageProperty",
    "WsFreeMessage",
    "WsCreateXmlBuffer",
    "WsCreateListener",
    "WsCreateChannelForListener",
    "WsGetChannelProperty",
    "WsGetListenerProperty",
    "WsFreeChannel",
    "WsFreeListener",
)
@pytest.mark.parametrize("kind", sorted(CYCLES))
def test_ten_thousand_cycles_keep_memory_stable(kind: str) -> None:
    cycle = CYCLES[kind]
    for _ in range(1000):  # warm up: heaps, caches and free lists reach their size
        cycle()
    gc.collect()
    before = memory()
    for _ in range(10_000):
        cycle()
    gc.collect()
    after = memory()
    growth = (after[0] - before[0], after[1] - before[1])
    print(f"{kind}: working set {before[0]} -> {after[0]}, committed {before[1]} -> {after[1]}")
    assert growth[0] < BOUND and growth[1] < BOUND, f"{kind} grew by {growth} bytes"


@pytest.mark.wwsapi("WsCreateHeap", "WsAlloc", "WsFreeHeap", "WsResetHeap")
def test_a_freed_heap_raises_instead_of_crashing() -> None:
    heap = Heap.create()
    heap.alloc(16)
    heap.close()
    heap.close()
    with pytest.raises(HandleClosedError, match="WS_HEAP handle: it was closed"):
        heap.alloc(16)
    with pytest.raises(HandleClosedError):
        heap.reset()


@pytest.mark.wwsapi("WsCreateHeap", "WsAlloc", "WsFreeHeap", "WsCreateXmlBuffer", "WsResetHeap")
def test_what_lives_on_a_heap_dies_with_it() -> None:
    with Heap.create() as heap:
        buffer = XmlBuffer.create(heap)
        heap.reset()
        assert buffer.closed
        with pytest.raises(HandleClosedError, match="reset"):
            buffer.to_bytes()
        again = XmlBuffer.create(heap)
    assert again.closed
    with pytest.raises(HandleClosedError, match="its WS_HEAP was freed"):
        again.to_bytes()


@pytest.mark.wwsapi("WsCreateHeap", "WsAlloc", "WsFreeHeap")
def test_a_failing_call_raises_the_generated_class() -> None:
    with Heap.create(256) as heap, pytest.raises(wwsapi.WS_E_QUOTA_EXCEEDED) as caught:
        heap.alloc(4096)
    assert caught.value.function == "WsAlloc"
    assert caught.value.hresult == 0x803D0008
    assert isinstance(caught.value, wwsapi.WsError)


@pytest.mark.wwsapi("WsCreateHeap", "WsFreeHeap")
@pytest.mark.wwsapi("WsCreateHeap", "WsAlloc", "WsGetHeapProperty", "WsFreeHeap")
def test_heap_properties_are_sizes_read_from_the_generated_table() -> None:
    # The WS_HEAP_PROPERTY_ID page names SIZE_T as each id's value type, so
    # the generated table reads them as integers.
    with Heap.create(max_size=1 << 20, trim_size=1 << 12) as heap:
        assert heap.get_property(wwsapi.WS_HEAP_PROPERTY_ID.WS_HEAP_PROPERTY_MAX_SIZE) == 1 << 20
        assert heap.get_property("trim_size") == 1 << 12
        before = heap.get_property("requested_size")
        heap.alloc(100)
        assert heap.get_property("requested_size") >= before + 100


def test_a_property_id_outside_the_table_is_refused() -> None:
    with Heap.create() as heap, pytest.raises(UnknownPropertyError):
        heap.get_property(1000)


@pytest.mark.wwsapi(
    "WsCreateError",
    "WsAddErrorString",
    "WsGetErrorProperty",
    "WsGetErrorString",
    "WsResetError",
    "WsFreeError",
)
def test_error_object_strings_and_properties() -> None:
    with Error.create() as error:
        assert error.string_count == 0
        error.add_string("first")
        error.add_string("second, ünïcödé")
        assert error.string_count == 2
        assert sorted(error.strings) == ["first", "second, ünïcödé"]  # Wine lists newest first
        assert error.get_property("langid") != 0
        with pytest.raises(IndexError):
            error.get_string(2)
        error.reset()
        assert error.strings == []
