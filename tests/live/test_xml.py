"""XML through the generated prototypes: a writer fills an XML buffer, the buffer
is written out as bytes and read back with a reader, node by node, and the two
are compared. The handles come from wwsapi.pythonic (freed however a test ends);
every XML call is a raw generated prototype."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pytest
import wwsapi
from wwsapi import _runtime as rt
from wwsapi.pythonic import Heap, XmlBuffer, XmlReader, XmlWriter
from wwslive import wine_version
from wwsvalues import xml_bytes, xml_string

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
)


@dataclass
class Xml:
    heap: Heap
    buffer: XmlBuffer
    writer: XmlWriter
    reader: XmlReader


@pytest.fixture
def xml() -> Iterator[Xml]:
    with Heap.create() as heap, XmlWriter.create() as writer, XmlReader.create() as reader:
        yield Xml(heap, XmlBuffer.create(heap), writer, reader)


def start_element(writer: Any, local_name: str) -> None:
    """WsWriteStartElement of `local_name` in NS, with no prefix (a default namespace)."""
    name, ns = xml_string(local_name), xml_string(NS)
    wwsapi.WsWriteStartElement(writer, None, ctypes.byref(name), ctypes.byref(ns), None)


def write_order(writer: XmlWriter, buffer: XmlBuffer) -> None:
    """<order id="42" xmlns="urn:wwsgen:order"><item>FIRST</item><item>SECOND</item></order>"""
    w = writer.raw
    wwsapi.WsSetOutputToBuffer(w, buffer.raw, None, 0, None)
    no_ns = ctypes.byref(xml_string(""))
    start_element(w, "order")
    wwsapi.WsWriteStartAttribute(w, None, ctypes.byref(xml_string("id")), no_ns, 0, None)
    digits = rt.utf16_buffer(ORDER_ID)
    wwsapi.WsWriteChars(w, digits, len(digits), None)
    wwsapi.WsWriteEndAttribute(w, None)
    start_element(w, "item")
    first = rt.utf16_buffer(FIRST)
    wwsapi.WsWriteChars(w, first, len(first), None)
    wwsapi.WsWriteEndElement(w, None)
    start_element(w, "item")
    second = SECOND.encode("utf-8")
    utf8 = (ctypes.c_uint8 * len(second)).from_buffer_copy(second)
    wwsapi.WsWriteCharsUtf8(w, utf8, len(utf8), None)
    wwsapi.WsWriteEndElement(w, None)
    wwsapi.WsWriteEndElement(w, None)


def buffer_bytes(writer: XmlWriter, buffer: XmlBuffer, heap: Heap) -> bytes:
    """The buffer as a UTF-8 text document (WsWriteXmlBufferToBytes, default encoding)."""
    data, size = ctypes.c_void_p(), ctypes.c_uint32()
    wwsapi.WsWriteXmlBufferToBytes(
        writer.raw,
        buffer.raw,
        None,
        None,
        0,
        heap.raw,
        ctypes.byref(data),
        ctypes.byref(size),
        None,
    )
    return ctypes.string_at(data.value or 0, size.value)


def current_node(reader: XmlReader) -> ctypes._Pointer[wwsapi.WS_XML_NODE]:
    node = ctypes.POINTER(wwsapi.WS_XML_NODE)()
    wwsapi.WsGetReaderNode(reader.raw, ctypes.byref(node), None)
    return node


def read_text(reader: XmlReader) -> str:
    """The characters of the current element's text, in small pieces (WsReadChars)."""
    pieces = []
    chunk = (ctypes.c_uint16 * 3)()  # small on purpose: several calls, split pairs
    count = ctypes.c_uint32()
    while True:
        wwsapi.WsReadChars(reader.raw, chunk, len(chunk), ctypes.byref(count), None)
        if not count.value:
            break
        pieces.append(bytes(chunk)[: 2 * count.value])
    return b"".join(pieces).decode("utf-16-le")


def read_text_utf8(reader: XmlReader) -> str:
    data = bytearray()
    chunk = (ctypes.c_uint8 * 5)()
    count = ctypes.c_uint32()
    while True:
        wwsapi.WsReadCharsUtf8(reader.raw, chunk, len(chunk), ctypes.byref(count), None)
        if not count.value:
            break
        data += bytes(chunk)[: count.value]
    return data.decode("utf-8")


def read_to(reader: XmlReader, local_name: str) -> bool:
    found = ctypes.c_int32()
    wwsapi.WsReadToStartElement(
        reader.raw,
        ctypes.byref(xml_string(local_name)),
        ctypes.byref(xml_string(NS)),
        ctypes.byref(found),
        None,
    )
    return bool(found.value)


@pytest.mark.wwsapi(*XML_FUNCTIONS)
def test_a_written_document_reads_back_the_same(xml: Xml) -> None:
    write_order(xml.writer, xml.buffer)
    document = buffer_bytes(xml.writer, xml.buffer, xml.heap)
    root = ElementTree.fromstring(document)
    assert root.tag == f"{{{NS}}}order" and root.attrib == {"id": ORDER_ID}
    assert [item.text for item in root] == [FIRST, SECOND]
    assert [item.tag for item in root] == [f"{{{NS}}}item"] * 2

    reader = xml.reader
    wwsapi.WsSetInputToBuffer(reader.raw, xml.buffer.raw, None, 0, None)
    assert read_to(reader, "order")
    node = current_node(reader)
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
    wwsapi.WsReadStartElement(reader.raw, None)

    assert read_to(reader, "item")
    wwsapi.WsReadStartElement(reader.raw, None)
    assert read_text(reader) == FIRST
    read_end_element(reader)
    assert read_to(reader, "item")
    wwsapi.WsReadStartElement(reader.raw, None)
    assert read_text_utf8(reader) == SECOND
    read_end_element(reader)
    read_end_element(reader)  # </order>
    assert current_node(reader).contents.nodeType == wwsapi.WS_XML_NODE_TYPE.WS_XML_NODE_TYPE_EOF


def read_end_element(reader: XmlReader) -> None:
    """Move past an end element the way Microsoft's samples do after reading text to
    its end: WsReadEndElement. Wine 8.0 differs there (see the next test): when the text
    is used up its reader is already on the end element, and its WsReadEndElement parses
    the node after that one, so under Wine WsReadNode moves past the end element."""
    if wine_version() is None or current_node(reader).contents.nodeType != END_ELEMENT:
        wwsapi.WsReadEndElement(reader.raw, None)
    else:
        wwsapi.WsReadNode(reader.raw, None)


@pytest.mark.wwsapi(*XML_FUNCTIONS)
def test_the_end_element_after_text_read_to_its_end(xml: Xml) -> None:
    write_order(xml.writer, xml.buffer)
    reader = xml.reader
    wwsapi.WsSetInputToBuffer(reader.raw, xml.buffer.raw, None, 0, None)
    assert read_to(reader, "order")
    wwsapi.WsReadStartElement(reader.raw, None)
    assert read_to(reader, "item")
    wwsapi.WsReadStartElement(reader.raw, None)
    assert read_text(reader) == FIRST
    # Documented for WsReadChars: 0 characters when the text is used up; the
    # reader then stands on the element's end.
    assert current_node(reader).contents.nodeType == END_ELEMENT
    if wine_version() is None:
        wwsapi.WsReadEndElement(reader.raw, None)  # documented: checks it, moves past it
    else:
        # Wine 8.0 parses the next node (the second <item>) instead.
        with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
            wwsapi.WsReadEndElement(reader.raw, None)
        wwsapi.WsReadNode(reader.raw, None)
    node = current_node(reader).contents
    assert node.nodeType == wwsapi.WS_XML_NODE_TYPE.WS_XML_NODE_TYPE_ELEMENT
    element = ctypes.cast(ctypes.pointer(node), ctypes.POINTER(wwsapi.WS_XML_ELEMENT_NODE))
    assert xml_bytes(element.contents.localName) == b"item"


def set_input_bytes(reader: XmlReader, data: ctypes.Array[ctypes.c_char]) -> None:
    """Read text XML from `data` (WsSetInput with a buffer input, charset detected)."""
    encoding = wwsapi.WS_XML_READER_TEXT_ENCODING()
    encoding.encoding.encodingType = wwsapi.WS_XML_READER_ENCODING_TYPE_TEXT
    encoding.charSet = wwsapi.WS_CHARSET_AUTO
    source = wwsapi.WS_XML_READER_BUFFER_INPUT()
    source.input_.inputType = wwsapi.WS_XML_READER_INPUT_TYPE_BUFFER
    source.encodedData = ctypes.addressof(data)
    source.encodedDataSize = len(data.raw) - 1  # without create_string_buffer's NUL
    wwsapi.WsSetInput(
        reader.raw,
        ctypes.cast(ctypes.pointer(encoding), ctypes.POINTER(wwsapi.WS_XML_READER_ENCODING)),
        ctypes.cast(ctypes.pointer(source), ctypes.POINTER(wwsapi.WS_XML_READER_INPUT)),
        None,
        0,
        None,
    )


@pytest.mark.wwsapi(*XML_FUNCTIONS)
def test_bytes_read_into_a_buffer_write_out_unchanged(xml: Xml) -> None:
    write_order(xml.writer, xml.buffer)
    document = buffer_bytes(xml.writer, xml.buffer, xml.heap)
    data = ctypes.create_string_buffer(document)
    set_input_bytes(xml.reader, data)
    copy = ctypes.POINTER(wwsapi.WS_XML_BUFFER)()
    wwsapi.WsReadXmlBuffer(xml.reader.raw, xml.heap.raw, ctypes.byref(copy), None)
    again = XmlBuffer.borrow(copy, xml.heap)
    assert buffer_bytes(xml.writer, again, xml.heap) == document


@pytest.mark.wwsapi(*XML_FUNCTIONS)
def test_malformed_xml_raises_invalid_format(xml: Xml) -> None:
    data = ctypes.create_string_buffer(b'<a xmlns="urn:t"><b></c></a>')
    set_input_bytes(xml.reader, data)
    copy = ctypes.POINTER(wwsapi.WS_XML_BUFFER)()
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT) as caught:
        wwsapi.WsReadXmlBuffer(xml.reader.raw, xml.heap.raw, ctypes.byref(copy), None)
    assert caught.value.function == "WsReadXmlBuffer"
    assert caught.value.hresult == 0x803D0000


@pytest.mark.windows_only("WsReadXmlBufferFromBytes is a stub in Wine 8.0")
@pytest.mark.wwsapi(*XML_FUNCTIONS, "WsReadXmlBufferFromBytes")
def test_read_xml_buffer_from_bytes_round_trips(xml: Xml) -> None:
    write_order(xml.writer, xml.buffer)
    document = buffer_bytes(xml.writer, xml.buffer, xml.heap)
    with XmlBuffer.read_from_bytes(xml.reader, document, xml.heap) as parsed:
        assert parsed.to_bytes() == document


@pytest.mark.windows_only("WsVerifyXmlNCName is a stub in Wine 8.0")
@pytest.mark.wwsapi("WsVerifyXmlNCName")
def test_verify_xml_ncname() -> None:
    good = rt.utf16_buffer("order-1.item_x")
    assert wwsapi.WsVerifyXmlNCName(good, len(good), None) == 0
    bad = rt.utf16_buffer("p:order")  # a colon makes it a QName, not an NCName
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        wwsapi.WsVerifyXmlNCName(bad, len(bad), None)
