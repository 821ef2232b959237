"""The friendly layer (wwsapi.friendly) against the real webservices.dll: out
values come back as Python values, arrays go in as sequences and text, and a
failure raises its class with the page's meaning; the pooled error objects
are freed at the end."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pytest
import wwsapi
from wwsapi import _runtime as rt
from wwsapi import friendly
from wwsvalues import ws_string, ws_text, xml_bytes, xml_string

ERROR_OBJECT = ("WsCreateError", "WsResetError", "WsFreeError")  # the pool's calls


@pytest.fixture(autouse=True)
def release() -> Iterator[None]:
    friendly.release_error_objects()  # whatever earlier tests left in the pool
    yield
    friendly.release_error_objects()


@pytest.mark.wwsapi("WsCreateHeap", "WsAlloc", "WsResetHeap", "WsFreeHeap", *ERROR_OBJECT)
def test_heap_values_and_a_documented_failure() -> None:
    heap = friendly.WsCreateHeap(4096, 0)
    assert isinstance(heap, ctypes.POINTER(wwsapi.WS_HEAP)) and heap
    first, second = friendly.WsAlloc(heap, 16), friendly.WsAlloc(heap, 16)
    assert isinstance(first, int) and isinstance(second, int) and first != second
    ctypes.memmove(first, b"sixteen bytes ok", 16)  # the block is ours to write
    with pytest.raises(wwsapi.WS_E_QUOTA_EXCEEDED) as raised:
        friendly.WsAlloc(heap, 1 << 20)
    assert raised.value.function == "WsAlloc" and "maximum size" in raised.value.meaning
    friendly.WsResetHeap(heap)
    assert friendly.WsAlloc(heap, 4000)  # the quota is free again after the reset
    friendly.WsFreeHeap(heap)
    assert friendly.release_error_objects() == 1  # one object served every call


@pytest.mark.wwsapi(
    "WsCreateError", "WsAddErrorString", "WsGetErrorString", "WsResetError", "WsFreeError"
)
def test_an_error_object_through_the_friendly_layer() -> None:
    error = friendly.WsCreateError()
    friendly.WsAddErrorString(error, ws_string("first"))
    friendly.WsAddErrorString(error, ws_string("second ✓"))
    assert ws_text(friendly.WsGetErrorString(error, 0)) == "second ✓"  # the last added
    assert ws_text(friendly.WsGetErrorString(error, 1)) == "first"
    friendly.WsResetError(error)
    with pytest.raises(wwsapi.E_INVALIDARG):
        friendly.WsGetErrorString(error, 0)
    friendly.WsFreeError(error)


@pytest.mark.wwsapi(
    "WsCreateHeap", "WsCreateXmlBuffer", "WsCreateWriter", "WsSetOutputToBuffer",
    "WsWriteStartElement", "WsWriteChars", "WsWriteCharsUtf8", "WsWriteEndElement",
    "WsWriteXmlBufferToBytes", "WsCreateReader", "WsSetInputToBuffer",
    "WsReadToStartElement", "WsGetReaderNode", "WsFreeReader", "WsFreeWriter", "WsFreeHeap",
    *ERROR_OBJECT,
)  # fmt: skip
def test_xml_written_with_text_and_bytes_then_found_by_a_reader() -> None:
    heap = friendly.WsCreateHeap(1 << 16, 0)
    buffer = friendly.WsCreateXmlBuffer(heap)
    writer = friendly.WsCreateWriter()
    friendly.WsSetOutputToBuffer(writer, buffer)
    friendly.WsWriteStartElement(writer, xml_string("greeting"), xml_string("urn:t"))
    friendly.WsWriteChars(writer, "héllo ")
    friendly.WsWriteCharsUtf8(writer, "wörld".encode())
    friendly.WsWriteEndElement(writer)
    address, count = friendly.WsWriteXmlBufferToBytes(writer, buffer, heap)
    assert ctypes.string_at(address, count).decode() == (
        '<greeting xmlns="urn:t">héllo wörld</greeting>'
    )
    reader = friendly.WsCreateReader()
    friendly.WsSetInputToBuffer(reader, buffer)
    assert friendly.WsReadToStartElement(reader) is True
    node = friendly.WsGetReaderNode(reader)
    element = ctypes.cast(node, ctypes.POINTER(wwsapi.WS_XML_ELEMENT_NODE)).contents
    assert xml_bytes(element.localName) == b"greeting" and xml_bytes(element.ns) == b"urn:t"
    friendly.WsFreeReader(reader)
    friendly.WsFreeWriter(writer)
    friendly.WsFreeHeap(heap)


@pytest.mark.wwsapi("WsFileTimeToDateTime", "WsDateTimeToFileTime", *ERROR_OBJECT)
def test_structures_out_and_in() -> None:
    unix_epoch = rt.FILETIME(116444736000000000 & 0xFFFFFFFF, 116444736000000000 >> 32)
    when = friendly.WsFileTimeToDateTime(unix_epoch)
    assert isinstance(when, wwsapi.WS_DATETIME) and when.ticks == 621355968000000000
    back = friendly.WsDateTimeToFileTime(when)
    assert (back.dwHighDateTime << 32 | back.dwLowDateTime) == 116444736000000000
    with pytest.raises(wwsapi.WS_E_NUMERIC_OVERFLOW):
        friendly.WsFileTimeToDateTime(rt.FILETIME(0xFFFFFFFF, 0xFFFFFFFF))


@pytest.mark.wwsapi("WsCreateHeap", "WsDecodeUrl", "WsFreeHeap", *ERROR_OBJECT)
def test_a_pointer_out_value() -> None:
    heap = friendly.WsCreateHeap(1 << 16, 0)
    url = friendly.WsDecodeUrl(ws_string("http://example.org:8080/path"), 0, heap)
    assert url.contents.scheme == wwsapi.WS_URL_SCHEME_TYPE.WS_URL_HTTP_SCHEME_TYPE
    http = ctypes.cast(url, ctypes.POINTER(wwsapi.WS_HTTP_URL)).contents
    assert http.port == 8080 and ws_text(http.path) == "/path"
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        friendly.WsDecodeUrl(ws_string("not a url"), 0, heap)
    friendly.WsFreeHeap(heap)
