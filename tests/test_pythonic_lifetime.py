"""Owned handles on the host: freed exactly once, never used after, children
before parents; through a fake webservices.dll (wwsapi.pythonic.testing)."""

from __future__ import annotations

import ctypes
import gc
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("wwsapi.pythonic", reason="the generated package wwsapi is needed")

from wwsapi.pythonic import (
    Channel,
    HandleClosedError,
    Heap,
    Listener,
    Message,
    XmlBuffer,
)
from wwsapi.pythonic.testing import FakeDll, basic_fake, write_pointer


@pytest.fixture
def fake() -> Iterator[FakeDll]:
    dll = basic_fake()

    @dll.implement("WsAlloc")
    def alloc(heap: Any, size: int, out: Any, error: Any) -> int:
        dll.check_handle("WS_HEAP", heap)
        write_pointer(out, dll.allocate(size))
        return 0

    state = ctypes.c_int32()

    @dll.implement("WsGetChannelProperty")
    def channel_property(channel: Any, pid: int, value: Any, size: int, error: Any) -> int:
        dll.check_handle("WS_CHANNEL", channel)
        ctypes.memmove(value, ctypes.byref(state), 4)  # WS_CHANNEL_STATE_CREATED
        return 0

    @dll.implement("WsGetListenerProperty")
    def listener_property(listener: Any, pid: int, value: Any, size: int, error: Any) -> int:
        dll.check_handle("WS_LISTENER", listener)
        ctypes.memmove(value, ctypes.byref(state), 4)  # WS_LISTENER_STATE_CREATED
        return 0

    @dll.implement("WsCreateChannelForListener")
    def for_listener(listener: Any, props: Any, count: int, out: Any, error: Any) -> int:
        dll.check_handle("WS_LISTENER", listener)
        write_pointer(out, dll.new_handle("WS_CHANNEL"))
        return 0

    @dll.implement("WsGetMessageProperty")
    def message_property(message: Any, pid: int, value: Any, size: int, error: Any) -> int:
        address = dll.check_handle("WS_MESSAGE", message)
        if address not in dll.message_heaps:  # type: ignore[attr-defined]
            dll.message_heaps[address] = dll.new_handle("WS_HEAP")  # type: ignore[attr-defined]
        heap = dll.message_heaps[address]  # type: ignore[attr-defined]
        write_pointer(value, heap)
        return 0

    dll.message_heaps = {}  # type: ignore[attr-defined]
    with dll.install():
        yield dll
        gc.collect()


def test_close_frees_once_and_later_use_raises(fake: FakeDll) -> None:
    heap = Heap.create()
    assert fake.live and heap.alloc(16)
    heap.close()
    heap.close()  # a no-op, not a second WsFreeHeap
    assert fake.freed["WS_HEAP"] == 1
    assert heap.closed
    with pytest.raises(HandleClosedError, match="WS_HEAP handle: it was closed"):
        heap.alloc(16)
    with pytest.raises(HandleClosedError):
        heap.raw  # noqa: B018
    assert fake.calls["WsAlloc"] == 1  # the DLL never saw the freed handle


def test_with_block_frees_on_success_and_on_error(fake: FakeDll) -> None:
    with Heap.create() as heap:
        heap.alloc(1)
    assert heap.closed and fake.freed["WS_HEAP"] == 1
    with pytest.raises(RuntimeError), Heap.create() as other:
        raise RuntimeError("boom")
    assert other.closed and fake.freed["WS_HEAP"] == 2
    with pytest.raises(HandleClosedError):
        heap.__enter__()


def test_garbage_collection_frees_exactly_once(fake: FakeDll) -> None:
    heap = Heap.create()
    heap.close()
    Heap.create()  # dropped at once
    gc.collect()
    assert fake.freed["WS_HEAP"] == 2
    assert not [k for k in fake.live.values() if k == "WS_HEAP"]


def test_a_dependent_keeps_its_owner_alive_and_dies_with_it(fake: FakeDll) -> None:
    heap = Heap.create()
    buffer = XmlBuffer.create(heap)
    del heap
    gc.collect()
    assert fake.freed["WS_HEAP"] == 0  # the buffer holds its heap
    owner = buffer.heap if hasattr(buffer, "heap") else buffer._owner
    assert owner is not None
    owner.close()
    assert buffer.closed
    with pytest.raises(HandleClosedError, match="its WS_HEAP was freed"):
        buffer.to_bytes()


def test_reset_invalidates_what_lives_on_the_heap(fake: FakeDll) -> None:
    with Heap.create() as heap:
        buffer = XmlBuffer.create(heap)
        heap.reset()
        assert buffer.closed and not heap.closed
        with pytest.raises(HandleClosedError, match="reset"):
            buffer.raw  # noqa: B018


def test_private_heap_of_a_buffer_is_freed_with_it(fake: FakeDll) -> None:
    buffer = XmlBuffer.create()
    assert "WS_HEAP" in fake.live.values()
    buffer.close()
    assert fake.freed["WS_HEAP"] == 1


def test_children_are_freed_before_their_parent(fake: FakeDll) -> None:
    listener = Listener.create(7, 1)
    channel = Channel.create_for_listener(listener)
    listener.close()
    assert channel.closed
    assert fake.order == ["WS_CHANNEL", "WS_LISTENER"]


def test_a_garbage_cycle_still_frees_children_first(fake: FakeDll) -> None:
    listener = Listener.create(7, 1)
    channel = Channel.create_for_listener(listener)
    listener.peer = channel  # type: ignore[attr-defined]  # a cycle through the owner
    del listener, channel
    gc.collect()
    assert fake.order == ["WS_CHANNEL", "WS_LISTENER"]


def test_borrowed_handles_are_never_freed_by_their_borrower(fake: FakeDll) -> None:
    with Message.create(2, 2) as message:
        heap = message.heap
        assert isinstance(heap, Heap) and heap.borrowed
        heap.close()  # only forgets it
        assert fake.freed["WS_HEAP"] == 0
        again = message.heap
        message.reset()
        assert again.closed
        with pytest.raises(HandleClosedError, match="WS_MESSAGE was reset"):
            again.alloc(1)
    assert fake.freed["WS_MESSAGE"] == 1 and fake.freed["WS_HEAP"] == 0


def test_concurrent_close_frees_once(fake: FakeDll) -> None:
    for _ in range(50):
        heap = Heap.create()
        start = threading.Barrier(4)

        def close(h: Heap = heap, barrier: threading.Barrier = start) -> None:
            barrier.wait()
            h.close()

        threads = [threading.Thread(target=close) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert fake.freed["WS_HEAP"] == 50  # the fake fails the test on any double free


def test_null_handle_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be NULL"):
        Heap(ctypes.POINTER(ctypes.c_int)(), None)


def test_interpreter_exit_frees_what_is_still_open(tmp_path: Any) -> None:
    script = textwrap.dedent("""
        from wwsapi.pythonic import Heap
        from wwsapi.pythonic.testing import basic_fake

        fake = basic_fake()
        free = fake.functions["WsFreeHeap"]
        fake.functions["WsFreeHeap"] = lambda h: (free(h), print("freed", fake.freed["WS_HEAP"]))[0]
        context = fake.install()
        context.__enter__()
        kept = Heap.create()
        print("created")
        """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["created", "freed 1"]
