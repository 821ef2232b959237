"""XML: a writer fills an XML buffer, the buffer is written out as bytes and read
back with a reader, node by node, and the two are compared.

The calls go through the friendly layer (wwsapi.friendly: handles and values
returned, strings passed as str or structures); WsReadChars and
WsReadCharsUtf8, whose buffer the caller sizes, and WsWriteElement and
WsReadElement, whose value depends on the type, through their generated
prototypes. Typed values of the built-in types round-trip as elements."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pytest
import wwsapi
from wwsapi import _runtime as rt
from wwsapi import friendly
from wwslive import wine_version
from wwsvalues import element, ws_string, ws_text, xml_bytes, xml_string

NS = "urn:wwsgen:order"
END_ELEMENT = wwsapi.WS_XML_NODE_TYPE.WS_XML_NODE_TYPE_END_ELEMENT
FIRST = 'héllo ✓ 𝄞 <&> "quoted"'  # escaping, BMP and non-BMP characters
SECOND = "ütf-8 straight from bytes"
ORDER_ID = "42"

XML_FUNCTIONS = (
    "WsCreateHeap",
    "WsFreeHeap",
    "WsCreateXmlBuffer",
    "WsCreateWriter",
    "WsFreeWriter",
    "WsSetOutputToBuffer",
    "WsWriteStartElement",
    "WsWriteStartAttribute",
    "WsWriteEndAttribute",
    "WsWriteChars",
    "WsWriteCharsUtf8",
    "WsWriteEndElement",
    "WsWriteXmlBufferToBytes",
    "WsCreateReader",
    "WsFreeReader",
    "WsSetInputToBuffer",
    "WsSetInput",
    "WsReadXmlBuffer",
    "WsReadToStartElement",
    "WsGetReaderNode",
    "WsReadStartElement",
    "WsReadChars",
    "WsReadCharsUtf8",
    "WsReadEndElement",
    "WsReadNode",
    "WsCreateError",
    "WsResetError",
)


@dataclass
class Xml:
    heap: Any  # WS_HEAP*
    buffer: Any  # WS_XML_BUFFER*, on the heap
    writer: Any  # WS_XML_WRITER*
    reader: Any  # WS_XML_READER*


@pytest.fixture
def xml() -> Iterator[Xml]:
    heap = friendly.WsCreateHeap(1 << 20, 0)
    writer = friendly.WsCreateWriter()
    reader = friendly.WsCreateReader()
    try:
        yield Xml(heap, friendly.WsCreateXmlBuffer(heap), writer, reader)
    finally:
        friendly.WsFreeReader(reader)
        friendly.WsFreeWriter(writer)
        friendly.WsFreeHeap(heap)  # and the buffers on it


def write_order(writer: Any, buffer: Any) -> None:
    """<order id="42" xmlns="urn:wwsgen:order"><item>FIRST</item><item>SECOND</item></order>"""
    friendly.WsSetOutputToBuffer(writer, buffer)
    friendly.WsWriteStartElement(writer, xml_string("order"), xml_string(NS))
    friendly.WsWriteStartAttribute(writer, xml_string("id"), xml_string(""), 0)
    friendly.WsWriteChars(writer, ORDER_ID)
    friendly.WsWriteEndAttribute(writer)
    friendly.WsWriteStartElement(writer, xml_string("item"), xml_string(NS))
    friendly.WsWriteChars(writer, FIRST)
    friendly.WsWriteEndElement(writer)
    friendly.WsWriteStartElement(writer, xml_string("item"), xml_string(NS))
    friendly.WsWriteCharsUtf8(writer, SECOND.encode("utf-8"))
    friendly.WsWriteEndElement(writer)
    friendly.WsWriteEndElement(writer)


def buffer_bytes(xml: Xml, buffer: Any) -> bytes:
    """The buffer as a UTF-8 text document (WsWriteXmlBufferToBytes, default encoding)."""
    address, size = friendly.WsWriteXmlBufferToBytes(xml.writer, buffer, xml.heap)
    return ctypes.string_at(address or 0, size)


def node_type(reader: Any) -> int:
    return int(friendly.WsGetReaderNode(reader).contents.nodeType)


def read_text(reader: Any) -> str:
    """The characters of the current element's text, in small pieces (WsReadChars)."""
    pieces = []
    chunk = (ctypes.c_uint16 * 3)()  # small on purpose: several calls, split pairs
    count = ctypes.c_uint32()
    while True:
        wwsapi.WsReadChars(reader, chunk, len(chunk), ctypes.byref(count), None)
        if not count.value:
            break
        pieces.append(bytes(chunk)[: 2 * count.value])
    return b"".join(pieces).decode("utf-16-le")


def read_text_utf8(reader: Any) -> str:
    data = bytearray()
    chunk = (ctypes.c_uint8 * 5)()
    count = ctypes.c_uint32()
    while True:
        wwsapi.WsReadCharsUtf8(reader, chunk, len(chunk), ctypes.byref(count), None)
        if not count.value:
            break
        data += bytes(chunk)[: count.value]
    return data.decode("utf-8")


def read_to(reader: Any, local_name: str) -> bool:
    return friendly.WsReadToStartElement(
        reader, localName=xml_string(local_name), ns=xml_string(NS)
    )


def read_end_element(reader: Any) -> None:
    """Move past an end element the way Microsoft's samples do after reading text to
    its end: WsReadEndElement. Wine 8.0 differs there (see the test after the next):
    when the text is used up its reader is already on the end element, and its
    WsReadEndElement parses the node after that one, so under Wine WsReadNode moves
    past the end element."""
    if wine_version() is None or node_type(reader) != END_ELEMENT:
        friendly.WsReadEndElement(reader)
    else:
        friendly.WsReadNode(reader)


@pytest.mark.wwsapi(*XML_FUNCTIONS)
def test_a_written_document_reads_back_the_same(xml: Xml) -> None:
    write_order(xml.writer, xml.buffer)
    document = buffer_bytes(xml, xml.buffer)
    root = ElementTree.fromstring(document)
    assert root.tag == f"{{{NS}}}order" and root.attrib == {"id": ORDER_ID}
    assert [item.text for item in root] == [FIRST, SECOND]
    assert [item.tag for item in root] == [f"{{{NS}}}item"] * 2

    reader = xml.reader
    friendly.WsSetInputToBuffer(reader, xml.buffer)
    assert read_to(reader, "order")
    node = friendly.WsGetReaderNode(reader)
    assert node.contents.nodeType == wwsapi.WS_XML_NODE_TYPE.WS_XML_NODE_TYPE_ELEMENT
    element = ctypes.cast(node, ctypes.POINTER(wwsapi.WS_XML_ELEMENT_NODE)).contents
    assert xml_bytes(element.localName) == b"order" and xml_bytes(element.ns) == NS.encode()
    assert not element.isEmpty
    attributes = {}
    for index in range(element.attributeCount):
        attribute = element.attributes[index].contents
        if attribute.isXmlNs:
            continue
        assert attribute.value.contents.textType == wwsapi.WS_XML_TEXT_TYPE.WS_XML_TEXT_TYPE_UTF8
        text = ctypes.cast(attribute.value, ctypes.POINTER(wwsapi.WS_XML_UTF8_TEXT)).contents
        attributes[xml_bytes(attribute.localName)] = xml_bytes(text.value)
    assert attributes == {b"id": ORDER_ID.encode()}
    friendly.WsReadStartElement(reader)

    assert read_to(reader, "item")
    friendly.WsReadStartElement(reader)
    assert read_text(reader) == FIRST
    read_end_element(reader)
    assert read_to(reader, "item")
    friendly.WsReadStartElement(reader)
    assert read_text_utf8(reader) == SECOND
    read_end_element(reader)
    read_end_element(reader)  # </order>
    assert node_type(reader) == wwsapi.WS_XML_NODE_TYPE.WS_XML_NODE_TYPE_EOF


@pytest.mark.wwsapi(*XML_FUNCTIONS)
def test_the_end_element_after_text_read_to_its_end(xml: Xml) -> None:
    write_order(xml.writer, xml.buffer)
    reader = xml.reader
    friendly.WsSetInputToBuffer(reader, xml.buffer)
    assert read_to(reader, "order")
    friendly.WsReadStartElement(reader)
    assert read_to(reader, "item")
    friendly.WsReadStartElement(reader)
    assert read_text(reader) == FIRST
    # Documented for WsReadChars: 0 characters when the text is used up; the
    # reader then stands on the element's end.
    assert node_type(reader) == END_ELEMENT
    if wine_version() is None:
        friendly.WsReadEndElement(reader)  # documented: checks it, moves past it
    else:
        # Wine 8.0 parses the next node (the second <item>) instead.
        with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
            friendly.WsReadEndElement(reader)
        friendly.WsReadNode(reader)
    node = friendly.WsGetReaderNode(reader)
    assert node.contents.nodeType == wwsapi.WS_XML_NODE_TYPE.WS_XML_NODE_TYPE_ELEMENT
    element = ctypes.cast(node, ctypes.POINTER(wwsapi.WS_XML_ELEMENT_NODE)).contents
    assert xml_bytes(element.localName) == b"item"


def set_input_bytes(reader: Any, data: ctypes.Array[ctypes.c_char]) -> None:
    """Read text XML from `data` (WsSetInput with a buffer input, charset detected)."""
    encoding = wwsapi.WS_XML_READER_TEXT_ENCODING()
    encoding.encoding.encodingType = wwsapi.WS_XML_READER_ENCODING_TYPE_TEXT
    encoding.charSet = wwsapi.WS_CHARSET_AUTO
    source = wwsapi.WS_XML_READER_BUFFER_INPUT()
    source.input_.inputType = wwsapi.WS_XML_READER_INPUT_TYPE_BUFFER
    source.encodedData = ctypes.addressof(data)
    source.encodedDataSize = len(data.raw) - 1  # without create_string_buffer's NUL
    friendly.WsSetInput(
        reader,
        encoding=ctypes.cast(
            ctypes.pointer(encoding), ctypes.POINTER(wwsapi.WS_XML_READER_ENCODING)
        ),
        input_=ctypes.cast(ctypes.pointer(source), ctypes.POINTER(wwsapi.WS_XML_READER_INPUT)),
    )


@pytest.mark.wwsapi(*XML_FUNCTIONS)
def test_bytes_read_into_a_buffer_write_out_unchanged(xml: Xml) -> None:
    write_order(xml.writer, xml.buffer)
    document = buffer_bytes(xml, xml.buffer)
    data = ctypes.create_string_buffer(document)
    set_input_bytes(xml.reader, data)
    copy = friendly.WsReadXmlBuffer(xml.reader, xml.heap)
    assert buffer_bytes(xml, copy) == document


@pytest.mark.wwsapi(*XML_FUNCTIONS)
def test_malformed_xml_raises_invalid_format(xml: Xml) -> None:
    data = ctypes.create_string_buffer(b'<a xmlns="urn:t"><b></c></a>')
    set_input_bytes(xml.reader, data)
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT) as caught:
        friendly.WsReadXmlBuffer(xml.reader, xml.heap)
    assert caught.value.function == "WsReadXmlBuffer"
    assert caught.value.hresult == 0x803D0000


@pytest.mark.windows_only("WsReadXmlBufferFromBytes is a stub in Wine 8.0")
@pytest.mark.wwsapi(*XML_FUNCTIONS, "WsReadXmlBufferFromBytes")
def test_read_xml_buffer_from_bytes_round_trips(xml: Xml) -> None:
    write_order(xml.writer, xml.buffer)
    document = buffer_bytes(xml, xml.buffer)
    parsed = friendly.WsReadXmlBufferFromBytes(xml.reader, document, xml.heap)
    assert buffer_bytes(xml, parsed) == document


@pytest.mark.windows_only("WsVerifyXmlNCName is a stub in Wine 8.0")
@pytest.mark.wwsapi("WsVerifyXmlNCName")
def test_verify_xml_ncname() -> None:
    good = rt.utf16_buffer("order-1.item_x")
    assert wwsapi.WsVerifyXmlNCName(good, len(good), None) == 0
    bad = rt.utf16_buffer("p:order")  # a colon makes it a QName, not an NCName
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        wwsapi.WsVerifyXmlNCName(bad, len(bad), None)


def typed_values() -> list[tuple[str, int, Any]]:
    """(element name, WS_TYPE, value) for a range of built-in types."""
    types = wwsapi.WS_TYPE
    guid = rt.GUID(0x12345678, 0x9ABC, 0xDEF0, (ctypes.c_uint8 * 8)(1, 2, 3, 4, 5, 6, 7, 8))
    data = (ctypes.c_uint8 * 3)(1, 2, 255)
    blob = wwsapi.WS_BYTES()
    blob.length = len(data)
    blob.bytes_ = ctypes.cast(data, ctypes.POINTER(ctypes.c_uint8))
    return [
        ("i32", types.WS_INT32_TYPE, ctypes.c_int32(-42)),
        ("u64", types.WS_UINT64_TYPE, ctypes.c_uint64((1 << 64) - 1)),
        ("dbl", types.WS_DOUBLE_TYPE, ctypes.c_double(2.5)),
        ("flag", types.WS_BOOL_TYPE, ctypes.c_int32(1)),
        ("when", types.WS_DATETIME_TYPE, wwsapi.WS_DATETIME(638_000_000_000_000_000, 0)),
        ("id", types.WS_GUID_TYPE, guid),
        ("text", types.WS_STRING_TYPE, ws_string("héllo ✓")),
        ("blob", types.WS_BYTES_TYPE, blob),
    ]


TYPED_TEXT = {
    "i32": "-42",
    "u64": "18446744073709551615",
    "dbl": "2.5",
    "flag": "true",
    "when": "2022-09-28T22:13:20Z",
    "id": "12345678-9abc-def0-0102-030405060708",
    "text": "héllo ✓",
    "blob": "AQL/",  # base64
}


def same_value(name: str, written: Any, read: Any) -> bool:
    if name == "text":
        return ws_text(written) == ws_text(read)
    if name == "blob":
        return bool(ctypes.string_at(read.bytes_, read.length) == b"\x01\x02\xff")
    return bytes(written) == bytes(read)


@pytest.mark.wwsapi(*XML_FUNCTIONS, "WsWriteElement", "WsReadElement")
def test_typed_values_round_trip(xml: Xml) -> None:
    friendly.WsSetOutputToBuffer(xml.writer, xml.buffer)
    friendly.WsWriteStartElement(xml.writer, xml_string("values"), xml_string(NS))
    values = typed_values()
    for name, type_, value in values:
        description = element(name, NS, type_)
        wwsapi.WsWriteElement(
            xml.writer,
            ctypes.byref(description),
            wwsapi.WS_WRITE_REQUIRED_VALUE,
            ctypes.byref(value),
            ctypes.sizeof(value),
            None,
        )
    friendly.WsWriteEndElement(xml.writer)
    root = ElementTree.fromstring(buffer_bytes(xml, xml.buffer))
    assert {child.tag.split("}")[1]: child.text for child in root} == TYPED_TEXT

    friendly.WsSetInputToBuffer(xml.reader, xml.buffer)
    assert read_to(xml.reader, "values")
    friendly.WsReadStartElement(xml.reader)
    for name, type_, value in values:
        description = element(name, NS, type_)
        read = type(value)()
        wwsapi.WsReadElement(
            xml.reader,
            ctypes.byref(description),
            wwsapi.WS_READ_REQUIRED_VALUE,
            xml.heap,
            ctypes.byref(read),
            ctypes.sizeof(read),
            None,
        )
        assert same_value(name, value, read), name


@pytest.mark.wwsapi("WsXmlStringEquals")
def test_xml_string_equals_answers_with_its_success_code() -> None:
    # S_OK when equal, S_FALSE (1) when not: the answer is the success code.
    same, other = xml_string("urn:a"), xml_string("urn:b")
    assert (
        wwsapi.WsXmlStringEquals(ctypes.byref(same), ctypes.byref(xml_string("urn:a")), None) == 0
    )
    assert wwsapi.WsXmlStringEquals(ctypes.byref(same), ctypes.byref(other), None) == 1


@pytest.mark.wwsapi("WsXmlStringEquals")
def test_the_friendly_xml_string_equals_tells_equal_from_different() -> None:
    same, other = xml_string("urn:a"), xml_string("urn:b")
    assert friendly.WsXmlStringEquals(same, xml_string("urn:a")) == 0  # S_OK
    assert friendly.WsXmlStringEquals(same, other) == 1  # S_FALSE
