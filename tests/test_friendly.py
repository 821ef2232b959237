"""The friendly layer (wwsapi.friendly) on the host, through a fake
webservices.dll (wwsapi.pythonic.testing): what the C function receives and
what the wrapper returns or raises."""

from __future__ import annotations

import ctypes
import inspect
import threading
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("wwsapi.friendly", reason="the generated package wwsapi is needed")

import wwsapi
from wwsapi import friendly
from wwsapi.friendly import _support
from wwsapi.pythonic.testing import FakeDll, basic_fake, write_pointer

WS_E_QUOTA_EXCEEDED = 0x803D0008
E_INVALIDARG = 0x80070057


def _signed(code: int) -> int:
    return code - (1 << 32) if code & 0x80000000 else code


def _address(pointer: Any) -> int:
    return ctypes.cast(pointer, ctypes.c_void_p).value or 0


class ErrorObjects:
    """The fake's WS_ERROR strings and resets, by address."""

    def __init__(self) -> None:
        self.strings: dict[int, list[str]] = {}
        self.resets: dict[int, int] = {}
        self.seen: list[int] = []  # error objects passed to the functions under test


@pytest.fixture
def errors() -> ErrorObjects:
    return ErrorObjects()


@pytest.fixture
def fake(errors: ErrorObjects) -> Iterator[FakeDll]:
    dll = basic_fake()
    keep: list[Any] = []

    @dll.implement("WsResetError")
    def reset_error(error: Any) -> int:
        address = dll.check_handle("WS_ERROR", error)
        errors.strings.pop(address, None)
        errors.resets[address] = errors.resets.get(address, 0) + 1
        return 0

    @dll.implement("WsGetErrorProperty")
    def error_property(error: Any, pid: int, buffer: Any, size: int) -> int:
        count = len(errors.strings.get(_address(error), []))
        ctypes.cast(buffer, ctypes.POINTER(ctypes.c_uint32))[0] = count
        return 0

    @dll.implement("WsGetErrorString")
    def error_string(error: Any, index: int, string: Any) -> int:
        text = errors.strings[_address(error)][index]
        buffer = wwsapi._runtime.utf16_buffer(text)
        keep.append(buffer)
        target = ctypes.cast(string, ctypes.POINTER(wwsapi.WS_STRING))[0]
        target.length = len(text)
        target.chars = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_uint16))
        return 0

    @dll.implement("WsAlloc")
    def alloc(heap: Any, size: int, out: Any, error: Any) -> int:
        dll.check_handle("WS_HEAP", heap)
        errors.seen.append(_address(error))
        if size > 1000:
            errors.strings.setdefault(_address(error), []).append(f"{size} bytes is too many")
            return _signed(WS_E_QUOTA_EXCEEDED)
        write_pointer(out, dll.allocate(size))
        return 0

    try:
        with dll.install():
            yield dll
            assert friendly.release_error_objects() >= 0
    finally:
        _support.forget_error_objects()


def test_a_handle_out_parameter_is_returned(fake: FakeDll) -> None:
    heap = friendly.WsCreateHeap(1 << 16, 0)
    assert isinstance(heap, ctypes.POINTER(wwsapi.WS_HEAP))
    assert fake.live[_address(heap)] == "WS_HEAP"
    friendly.WsFreeHeap(heap)
    assert _address(heap) not in fake.live


def test_a_void_pointer_out_parameter_is_returned_as_an_address(fake: FakeDll) -> None:
    heap = friendly.WsCreateHeap(1 << 16, 0)
    address = friendly.WsAlloc(heap, 16)
    assert isinstance(address, int) and address in fake._memory
    friendly.WsFreeHeap(heap)


def test_a_failure_raises_the_codes_class_with_the_error_objects_strings(
    fake: FakeDll, errors: ErrorObjects
) -> None:
    heap = friendly.WsCreateHeap(1 << 16, 0)
    with pytest.raises(wwsapi.WS_E_QUOTA_EXCEEDED) as raised:
        friendly.WsAlloc(heap, 5000)
    error = raised.value
    assert (error.function, error.code) == ("WsAlloc", "WS_E_QUOTA_EXCEEDED")
    assert error.hresult == WS_E_QUOTA_EXCEEDED
    assert error.error_strings == ("5000 bytes is too many",)
    assert "maximum size" in error.meaning  # the page's meaning of the code for WsAlloc
    lent = errors.seen[-1]
    assert lent and errors.resets[lent] == 1 and lent not in errors.strings  # emptied
    created = fake.calls["WsCreateError"]
    friendly.WsAlloc(heap, 8)
    assert errors.seen[-1] == lent and fake.calls["WsCreateError"] == created  # reused
    friendly.WsFreeHeap(heap)


def test_pooled_error_objects_are_freed_on_release(fake: FakeDll) -> None:
    heap = friendly.WsCreateHeap(1 << 16, 0)
    friendly.WsAlloc(heap, 8)
    friendly.WsFreeHeap(heap)
    assert list(fake.live.values()) == ["WS_ERROR"]
    assert friendly.release_error_objects() == 1
    assert fake.live == {} and fake.freed["WS_ERROR"] == 1
    assert friendly.release_error_objects() == 0


def test_a_call_made_inside_a_call_gets_its_own_error_object(
    fake: FakeDll, errors: ErrorObjects
) -> None:
    inner = friendly.WsCreateHeap(1 << 16, 0)
    outer = friendly.WsCreateHeap(1 << 16, 0)

    @fake.implement("WsResetHeap")
    def reset(heap: Any, error: Any) -> int:
        errors.seen.append(_address(error))
        if _address(heap) == _address(outer):
            friendly.WsResetHeap(inner)  # as a callback running inside the call would
        return 0

    friendly.WsResetHeap(outer)
    assert len(errors.seen) == 2 and errors.seen[0] != errors.seen[1] and all(errors.seen)
    assert fake.calls["WsCreateError"] == 2
    friendly.WsFreeHeap(inner)
    friendly.WsFreeHeap(outer)


def test_concurrent_calls_never_share_an_error_object(fake: FakeDll, errors: ErrorObjects) -> None:
    heap = friendly.WsCreateHeap(1 << 16, 0)
    both_inside = threading.Barrier(2, timeout=10)

    @fake.implement("WsResetHeap")
    def reset(heap: Any, error: Any) -> int:
        errors.seen.append(_address(error))
        both_inside.wait()  # both calls are in flight at once
        return 0

    threads = [threading.Thread(target=friendly.WsResetHeap, args=(heap,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(errors.seen) == 2 and len(set(errors.seen)) == 2
    friendly.WsFreeHeap(heap)


def test_an_array_and_its_count_are_one_sequence(fake: FakeDll) -> None:
    seen: list[tuple[int, list[int]]] = []

    @fake.implement("WsCreateHeap")
    def create(max_size: int, trim: int, properties: Any, count: int, out: Any, error: Any) -> int:
        seen.append((count, [properties[i].id_ for i in range(count)]))
        write_pointer(out, fake.new_handle("WS_HEAP"))
        return 0

    trim = wwsapi.WS_HEAP_PROPERTY(wwsapi.WS_HEAP_PROPERTY_TRIM_SIZE, None, 0)
    size = wwsapi.WS_HEAP_PROPERTY(wwsapi.WS_HEAP_PROPERTY_MAX_SIZE, None, 0)
    heaps = [
        friendly.WsCreateHeap(1, 0, properties=[trim, size]),
        friendly.WsCreateHeap(1, 0, properties=(wwsapi.WS_HEAP_PROPERTY * 1)(size)),
        friendly.WsCreateHeap(1, 0),
    ]
    assert seen == [(2, [1, 0]), (1, [0]), (0, [])]
    for heap in heaps:
        friendly.WsFreeHeap(heap)


def test_text_and_bytes_arrays(fake: FakeDll) -> None:
    received: list[tuple[str, Any, int]] = []

    @fake.implement("WsWriteChars")
    def chars(writer: Any, text: Any, count: int, error: Any) -> int:
        data = ctypes.string_at(_address(text), 2 * count).decode("utf-16-le")
        received.append(("chars", data, count))
        return 0

    @fake.implement("WsWriteCharsUtf8")
    def utf8(writer: Any, data: Any, count: int, error: Any) -> int:
        received.append(("utf8", ctypes.string_at(_address(data), count), count))
        return 0

    writer = friendly.WsCreateWriter()
    friendly.WsWriteChars(writer, "h\xe9llo \U0001f600")
    friendly.WsWriteCharsUtf8(writer, "h\xe9".encode())
    friendly.WsFreeWriter(writer)
    assert received == [("chars", "h\xe9llo \U0001f600", 8), ("utf8", b"h\xc3\xa9", 3)]


def test_a_bool_out_parameter_and_optional_keywords(fake: FakeDll) -> None:
    calls: list[tuple[bool, bool]] = []

    @fake.implement("WsReadToStartElement")
    def read(reader: Any, local_name: Any, ns: Any, found: Any, error: Any) -> int:
        calls.append((bool(local_name), bool(ns)))
        ctypes.cast(found, ctypes.POINTER(ctypes.c_int32))[0] = len(calls) % 2
        return 0

    reader = friendly.WsCreateReader()
    name = wwsapi.WS_XML_STRING()
    assert friendly.WsReadToStartElement(reader) is True
    assert friendly.WsReadToStartElement(reader, localName=name) is False
    assert calls == [(False, False), (True, False)]
    with pytest.raises(TypeError):
        friendly.WsReadToStartElement(reader, name)  # type: ignore[misc]
    friendly.WsFreeReader(reader)


def test_a_structure_out_parameter_and_a_structure_for_its_pointer(fake: FakeDll) -> None:
    @fake.implement("WsFileTimeToDateTime")
    def convert(file_time: Any, date_time: Any, error: Any) -> int:
        ticks = file_time[0].dwLowDateTime | file_time[0].dwHighDateTime << 32
        date_time[0].ticks = ticks + 504911232000000000
        date_time[0].format_ = 0
        return 0

    result = friendly.WsFileTimeToDateTime(wwsapi._runtime.FILETIME(7, 0))
    assert isinstance(result, wwsapi.WS_DATETIME) and result.ticks == 504911232000000007


def test_several_out_values_are_a_tuple_in_c_order(fake: FakeDll) -> None:
    @fake.implement("WsWriteXmlBufferToBytes")
    def to_bytes(*args: Any) -> int:
        write_pointer(args[6], 0x1000)
        ctypes.cast(args[7], ctypes.POINTER(ctypes.c_uint32))[0] = 42
        return 0

    heap = friendly.WsCreateHeap(1 << 16, 0)
    writer = friendly.WsCreateWriter()
    buffer = friendly.WsCreateXmlBuffer(heap)
    assert friendly.WsWriteXmlBufferToBytes(writer, buffer, heap) == (0x1000, 42)
    friendly.WsFreeWriter(writer)
    friendly.WsFreeHeap(heap)


def test_an_async_context_returns_the_hresult_and_lends_no_error_object(fake: FakeDll) -> None:
    lent: list[int] = []

    @fake.implement("WsOpenChannel")
    def open_channel(channel: Any, address: Any, context: Any, error: Any) -> int:
        lent.append(_address(error))
        return wwsapi.WS_S_ASYNC if context else 0

    channel = friendly.WsCreateChannel(
        wwsapi.WS_CHANNEL_TYPE.WS_CHANNEL_TYPE_REQUEST,
        wwsapi.WS_CHANNEL_BINDING.WS_HTTP_CHANNEL_BINDING,
    )
    address = wwsapi.WS_ENDPOINT_ADDRESS()
    assert friendly.WsOpenChannel(channel, address) == 0
    context = wwsapi.WS_ASYNC_CONTEXT()
    assert friendly.WsOpenChannel(channel, address, asyncContext=context) == wwsapi.WS_S_ASYNC
    assert lent[0] != 0 and lent[1] == 0
    friendly.WsFreeChannel(channel)


def test_a_function_with_out_values_runs_synchronously(fake: FakeDll) -> None:
    contexts: list[int] = []

    @fake.implement("WsRequestSecurityToken")
    def request(channel: Any, props: Any, count: int, token: Any, context: Any, error: Any) -> int:
        contexts.append(_address(context))
        write_pointer(token, fake.new_handle("WS_SECURITY_TOKEN"))
        return 0

    assert "asyncContext" not in inspect.signature(friendly.WsRequestSecurityToken).parameters
    channel = friendly.WsCreateChannel(
        wwsapi.WS_CHANNEL_TYPE.WS_CHANNEL_TYPE_REQUEST,
        wwsapi.WS_CHANNEL_BINDING.WS_HTTP_CHANNEL_BINDING,
    )
    token = friendly.WsRequestSecurityToken(channel)
    assert contexts == [0]
    friendly.WsFreeSecurityToken(token)
    friendly.WsFreeChannel(channel)


def test_an_optional_callback_left_out_is_a_null_function(fake: FakeDll) -> None:
    callbacks: list[bool] = []

    @fake.implement("WsWriteEnvelopeStart")
    def start(message: Any, writer: Any, callback: Any, state: Any, error: Any) -> int:
        callbacks.append(bool(callback))
        return 0

    message = friendly.WsCreateMessage(
        wwsapi.WS_ENVELOPE_VERSION.WS_ENVELOPE_VERSION_SOAP_1_2,
        wwsapi.WS_ADDRESSING_VERSION.WS_ADDRESSING_VERSION_1_0,
    )
    writer = friendly.WsCreateWriter()
    friendly.WsWriteEnvelopeStart(message, writer)
    done = wwsapi.WS_MESSAGE_DONE_CALLBACK(lambda state: None)
    friendly.WsWriteEnvelopeStart(message, writer, doneCallback=done)
    assert callbacks == [False, True]
    friendly.WsFreeWriter(writer)
    friendly.WsFreeMessage(message)


def test_a_documented_success_code_is_returned(fake: FakeDll) -> None:
    @fake.implement("WsReadMessageStart")
    def read(channel: Any, message: Any, context: Any, error: Any) -> int:
        return 0x003D0001  # WS_S_END

    channel = ctypes.POINTER(wwsapi.WS_CHANNEL)()
    message = ctypes.POINTER(wwsapi.WS_MESSAGE)()
    assert friendly.WsReadMessageStart(channel, message) == wwsapi.WS_S_END


def test_a_success_code_the_specs_do_not_list_is_returned(fake: FakeDll) -> None:
    @fake.implement("WsXmlStringEquals")
    def equals(first: Any, second: Any, error: Any) -> int:
        return 0 if first[0].length == second[0].length else 1  # S_OK, S_FALSE

    one, two = wwsapi.WS_XML_STRING(length=1), wwsapi.WS_XML_STRING(length=2)
    assert friendly.WsXmlStringEquals(one, one) == 0
    assert friendly.WsXmlStringEquals(one, two) == 1  # S_FALSE: the answer, not lost
    # a page listing S_OK as the only success code: nothing to return
    assert inspect.signature(friendly.WsResetError).return_annotation == "None"


def test_out_values_are_none_when_the_call_answers_another_listed_success_code(
    fake: FakeDll,
) -> None:
    attributes = ["id", "rush"]

    @fake.implement("WsFindAttribute")
    def find(reader: Any, name: Any, ns: Any, required: int, index: Any, error: Any) -> int:
        wanted = ctypes.string_at(name[0].bytes_, name[0].length).decode()
        if wanted not in attributes:
            return 1  # S_FALSE, the index left as it was
        ctypes.cast(index, ctypes.POINTER(ctypes.c_uint32))[0] = attributes.index(wanted)
        return 0

    reader = ctypes.POINTER(wwsapi.WS_XML_READER)()
    data = {name: ctypes.create_string_buffer(name.encode()) for name in ("rush", "none", "")}

    def xml_string(text: str) -> wwsapi.WS_XML_STRING:
        chars = ctypes.cast(data[text], ctypes.POINTER(ctypes.c_uint8))
        return wwsapi.WS_XML_STRING(length=len(text), bytes_=chars)

    assert friendly.WsFindAttribute(reader, xml_string("rush"), xml_string(""), 0) == 1
    assert friendly.WsFindAttribute(reader, xml_string("none"), xml_string(""), 0) is None
    assert "int | None" in str(inspect.signature(friendly.WsFindAttribute).return_annotation)


def test_what_the_specs_leave_undecided_is_listed_not_wrapped() -> None:
    assert not hasattr(friendly, "WsGetHeapProperty")
    assert "value (void*)" in friendly.NEEDS_HAND_WRITTEN["WsGetHeapProperty"]
    assert "WsCreateHeap" in friendly.__all__ and "WsGetHeapProperty" not in friendly.__all__
    wrapped = set(friendly.__all__) - {"NEEDS_HAND_WRITTEN", "release_error_objects"}
    assert not wrapped & set(friendly.NEEDS_HAND_WRITTEN)
    functions = {name for _, name in wwsapi._runtime._prototypes}  # every C function
    assert len(functions) > 100 and wrapped | set(friendly.NEEDS_HAND_WRITTEN) == functions


def test_signatures_and_docstrings_come_from_the_pages() -> None:
    signature = inspect.signature(friendly.WsCreateHeap)
    kinds = {name: p.kind.name for name, p in signature.parameters.items()}
    assert kinds == {
        "maxSize": "POSITIONAL_OR_KEYWORD",
        "trimSize": "POSITIONAL_OR_KEYWORD",
        "properties": "KEYWORD_ONLY",
    }
    assert signature.parameters["properties"].default is None
    doc = inspect.getdoc(friendly.WsCreateHeap) or ""
    c_doc = inspect.getdoc(wwsapi.heap.WsCreateHeap) or ""
    for line in ("Args:", "maxSize:", "properties:", "Returns:", "heap (WS_HEAP**)"):
        assert line in doc, line
    # the summary and the meaning of maxSize are the page's, as in the C-shaped docstring
    assert doc.split("\n")[0] == c_doc.split("\n")[0]
    assert "Supplied by the wrapper: propertyCount (the length of properties)" in " ".join(
        doc.split()
    )
