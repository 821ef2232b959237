"""XML writing: a writer fills an XML buffer (WsSetOutputToBuffer), its own
buffer output (WsSetOutput) or a stream callback, node by node, by typed
value, by copying, and at saved positions; the result is read back as bytes
(WsWriteXmlBufferToBytes, WS_XML_WRITER_PROPERTY_BYTES) and compared with the
exact text expected.

Calls go through wwsapi.friendly where it has the function, the generated
prototypes otherwise (values whose type the other arguments decide:
WsWriteValue, WsWriteType, WsWriteArray, WsWriteAttribute; the property and
position buffers of WsGetWriterProperty and WsGetWriterPosition).

Wine 8.0 (measured; tests marked windows_only hold what the documentation says):
- WsGetWriterProperty before the writer has an output: WS_E_INVALID_OPERATION
  (so do WsMoveWriter, WsGetWriterPosition and WsFlushWriter).
  WS_XML_WRITER_PROPERTY_IN_ATTRIBUTE stays FALSE while an attribute is open and
  WS_XML_WRITER_PROPERTY_BYTES_WRITTEN stays 0.
- WsFlushWriter on buffer output: WS_E_INVALID_OPERATION; with stream output it
  hands the bytes written since the last flush to the write callback.
- WsGetPrefixFromNamespace finds only the prefix of an element's own namespace,
  once its start tag is complete (after WsWriteEndStartElement, or in a child);
  a prefix declared with WsWriteXmlnsAttribute, or the default namespace (empty
  prefix), gives WS_E_INVALID_FORMAT.
- WsWriteArray with itemOffset > 0 starts its loop at itemOffset and adds the
  offset again: offset 1, count 3 of [1, -2, 3, 40, 500] writes 3 and 40 only;
  offset 4, count 1 writes nothing.
- WsWriteAttribute leaves the attribute open: without a WsWriteEndAttribute
  after it the next attribute is WS_E_INVALID_OPERATION and WsWriteEndElement
  loses the start tag (the buffer holds just "/>").
- WsWriteValue is accepted only straight after a start element or a start
  attribute; after text in the element: WS_E_INVALID_FORMAT.
- WsCopyNode from a reader on an element copies the start tag only (`<x/>`, the
  children are lost) although the reader moves past the whole element; from a
  reader at BOF it copies the whole document.
- WsSetWriterPosition gives back the node of the saved position (a later
  WsGetWriterPosition returns it), but what is written next is appended to the
  end of the buffer's text instead of being inserted there.
"""

from __future__ import annotations

import base64
import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pytest
import wwsapi
from wwsapi import friendly
from wwsapi.pythonic.xml import XmlWriter
from wwslive import wine_version
from wwsvalues import ws_string, xml_bytes, xml_string

NS = "urn:wwsgen:writing"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
PROPERTY = wwsapi.WS_XML_WRITER_PROPERTY_ID
MOVE = wwsapi.WS_MOVE_TO
TYPES = wwsapi.WS_TYPE
VALUES = wwsapi.WS_VALUE_TYPE
MAPPING = wwsapi.WS_TYPE_MAPPING

BASE = (
    "WsCreateHeap",
    "WsFreeHeap",
    "WsCreateWriter",
    "WsFreeWriter",
    "WsCreateXmlBuffer",
    "WsSetOutputToBuffer",
    "WsWriteStartElement",
    "WsWriteEndElement",
    "WsWriteXmlBufferToBytes",
)

# A writer with an output of its own (WsSetOutput) writing text.
OUTPUT = (
    "WsCreateWriter",
    "WsFreeWriter",
    "WsSetOutput",
    "WsWriteStartElement",
    "WsWriteChars",
    "WsWriteEndElement",
)

only_under_wine = pytest.mark.skipif(
    wine_version() is None, reason="records how Wine differs from the documentation"
)


@dataclass
class Out:
    """A writer writing into a fresh buffer on a heap."""

    heap: Any  # WS_HEAP*
    writer: Any  # WS_XML_WRITER*
    buffer: Any  # WS_XML_BUFFER*

    def start(self, local_name: str, ns: str = "", prefix: str | None = None) -> None:
        friendly.WsWriteStartElement(
            self.writer,
            xml_string(local_name),
            xml_string(ns),
            prefix=None if prefix is None else xml_string(prefix),
        )

    def end(self) -> None:
        friendly.WsWriteEndElement(self.writer)

    def text(self) -> bytes:
        """The buffer as UTF-8 text, through a writer of its own (this one keeps
        its output)."""
        other = friendly.WsCreateWriter()
        try:
            address, size = friendly.WsWriteXmlBufferToBytes(other, self.buffer, self.heap)
        finally:
            friendly.WsFreeWriter(other)
        return ctypes.string_at(address or 0, size)



def new_out(heap: Any, writers: list[Any]) -> Out:
    writer = friendly.WsCreateWriter()
    writers.append(writer)
    buffer = friendly.WsCreateXmlBuffer(heap)
    friendly.WsSetOutputToBuffer(writer, buffer)
    return Out(heap, writer, buffer)


@pytest.fixture
def outs(heap: Any) -> Iterator[Any]:
    """Makes writers on buffers of `heap`; frees the writers after the test."""
    writers: list[Any] = []
    try:
        yield lambda: new_out(heap, writers)
    finally:
        for writer in writers:
            friendly.WsFreeWriter(writer)


@pytest.fixture
def out(outs: Any) -> Out:
    made: Out = outs()
    return made


def as_text(value: ctypes.Structure) -> Any:
    """A WS_XML_*_TEXT as the WS_XML_TEXT* the functions take."""
    return ctypes.cast(ctypes.pointer(value), ctypes.POINTER(wwsapi.WS_XML_TEXT))


def as_node(value: ctypes.Structure) -> Any:
    return ctypes.cast(ctypes.pointer(value), ctypes.POINTER(wwsapi.WS_XML_NODE))


def utf8_text(text: str) -> wwsapi.WS_XML_UTF8_TEXT:
    value = wwsapi.WS_XML_UTF8_TEXT()
    value.text.textType = wwsapi.WS_XML_TEXT_TYPE.WS_XML_TEXT_TYPE_UTF8
    value.value = xml_string(text)
    return value


def text_encoding() -> Any:
    encoding = wwsapi.WS_XML_WRITER_TEXT_ENCODING()
    encoding.encoding.encodingType = wwsapi.WS_XML_WRITER_ENCODING_TYPE_TEXT
    encoding.charSet = wwsapi.WS_CHARSET_UTF8
    return ctypes.cast(ctypes.pointer(encoding), ctypes.POINTER(wwsapi.WS_XML_WRITER_ENCODING))


def buffer_output() -> Any:
    output = wwsapi.WS_XML_WRITER_BUFFER_OUTPUT()
    output.output.outputType = wwsapi.WS_XML_WRITER_OUTPUT_TYPE_BUFFER
    return ctypes.cast(ctypes.pointer(output), ctypes.POINTER(wwsapi.WS_XML_WRITER_OUTPUT))


def writer_property(writer: Any, id_: int, ctype: type[Any]) -> Any:
    value = ctype()
    wwsapi.WsGetWriterProperty(writer, id_, ctypes.byref(value), ctypes.sizeof(value), None)
    return value


def written_bytes(writer: Any) -> bytes:
    """WS_XML_WRITER_PROPERTY_BYTES: what a writer with buffer output holds."""
    data = writer_property(writer, PROPERTY.WS_XML_WRITER_PROPERTY_BYTES, wwsapi.WS_BYTES)
    return ctypes.string_at(data.bytes_, data.length) if data.length else b""


def position(writer: Any) -> wwsapi.WS_XML_NODE_POSITION:
    saved = wwsapi.WS_XML_NODE_POSITION()
    wwsapi.WsGetWriterPosition(writer, ctypes.byref(saved), None)
    return saved


# --- outputs and properties -------------------------------------------------------


@pytest.mark.wwsapi(*OUTPUT, "WsGetWriterProperty")
def test_set_output_to_a_buffer_output_gives_the_text_as_bytes_and_buffers() -> None:
    writer = friendly.WsCreateWriter()
    try:
        friendly.WsSetOutput(writer, encoding=text_encoding(), output=buffer_output())
        friendly.WsWriteStartElement(writer, xml_string("greeting"), xml_string(NS))
        friendly.WsWriteChars(writer, "héllo")
        friendly.WsWriteEndElement(writer)
        expected = f'<greeting xmlns="{NS}">héllo</greeting>'.encode()
        assert written_bytes(writer) == expected
        buffers = writer_property(
            writer, PROPERTY.WS_XML_WRITER_PROPERTY_BUFFERS, wwsapi.WS_BUFFERS
        )
        pieces = [
            ctypes.string_at(buffers.buffers[i].bytes_, buffers.buffers[i].length)
            for i in range(buffers.bufferCount)
        ]
        assert b"".join(pieces) == expected
        # A new output starts a new, empty document.
        friendly.WsSetOutput(writer, encoding=text_encoding(), output=buffer_output())
        assert written_bytes(writer) == b""
    finally:
        friendly.WsFreeWriter(writer)


@pytest.mark.wwsapi(*BASE, "WsGetWriterProperty")
def test_writer_properties_set_at_creation_are_the_properties_read(heap: Any) -> None:
    with XmlWriter.create(properties={"max_depth": 7, "max_attributes": 3}) as writer:
        friendly.WsSetOutputToBuffer(writer.raw, friendly.WsCreateXmlBuffer(heap))
        assert writer.get_property("max_depth") == 7
        assert writer.get_property(PROPERTY.WS_XML_WRITER_PROPERTY_MAX_ATTRIBUTES) == 3
        charset = writer_property(
            writer.raw, PROPERTY.WS_XML_WRITER_PROPERTY_CHARSET, ctypes.c_int32
        )
        assert charset.value == wwsapi.WS_CHARSET_UTF8
        # The size must be the property's: a ULONG read into 8 bytes is refused.
        wide = ctypes.c_uint64()
        with pytest.raises(wwsapi.E_INVALIDARG):
            wwsapi.WsGetWriterProperty(
                writer.raw, PROPERTY.WS_XML_WRITER_PROPERTY_MAX_DEPTH, ctypes.byref(wide), 8, None
            )


@pytest.mark.windows_only("Wine 8.0 keeps IN_ATTRIBUTE FALSE and BYTES_WRITTEN 0")
@pytest.mark.wwsapi(
    *BASE,
    "WsWriteStartAttribute",
    "WsWriteEndAttribute",
    "WsGetWriterProperty",
    "WsSetOutput",
    "WsWriteChars",
)
def test_in_attribute_and_bytes_written_follow_the_writing() -> None:
    writer = friendly.WsCreateWriter()
    try:
        friendly.WsSetOutput(writer, encoding=text_encoding(), output=buffer_output())
        in_attribute = PROPERTY.WS_XML_WRITER_PROPERTY_IN_ATTRIBUTE
        friendly.WsWriteStartElement(writer, xml_string("e"), xml_string(""))
        friendly.WsWriteStartAttribute(writer, xml_string("a"), xml_string(""), 0)
        assert writer_property(writer, in_attribute, ctypes.c_int32).value
        friendly.WsWriteChars(writer, "1")
        friendly.WsWriteEndAttribute(writer)
        assert not writer_property(writer, in_attribute, ctypes.c_int32).value
        friendly.WsWriteEndElement(writer)
        written = writer_property(
            writer, PROPERTY.WS_XML_WRITER_PROPERTY_BYTES_WRITTEN, ctypes.c_uint32
        )
        assert written.value == len(written_bytes(writer)) == len(b'<e a="1"/>')
    finally:
        friendly.WsFreeWriter(writer)


@pytest.mark.wwsapi(*OUTPUT, "WsFlushWriter")
def test_flush_writer_hands_the_stream_callback_what_was_written_since_the_last_flush() -> None:
    received: list[bytes] = []

    def on_write(state: Any, buffers: Any, count: int, context: Any, error: Any) -> int:
        received.extend(
            ctypes.string_at(buffers[i].bytes_, buffers[i].length) for i in range(count)
        )
        return 0

    callback = wwsapi.WS_WRITE_CALLBACK(on_write)
    stream = wwsapi.WS_XML_WRITER_STREAM_OUTPUT()
    stream.output.outputType = wwsapi.WS_XML_WRITER_OUTPUT_TYPE_STREAM
    stream.writeCallback = callback
    output = ctypes.cast(ctypes.pointer(stream), ctypes.POINTER(wwsapi.WS_XML_WRITER_OUTPUT))
    writer = friendly.WsCreateWriter()
    try:
        friendly.WsSetOutput(writer, encoding=text_encoding(), output=output)
        friendly.WsWriteStartElement(writer, xml_string("s"), xml_string(""))
        friendly.WsWriteChars(writer, "one")
        assert b"".join(received) == b""  # nothing goes out before the flush
        assert friendly.WsFlushWriter(writer, 0) == 0
        assert b"".join(received) == b"<s>one"
        friendly.WsWriteEndElement(writer)
        friendly.WsFlushWriter(writer, 0)
        assert b"".join(received) == b"<s>one</s>"
    finally:
        friendly.WsFreeWriter(writer)


# --- node by node ------------------------------------------------------------------


@pytest.mark.wwsapi(*BASE, "WsWriteXmlnsAttribute", "WsWriteEndStartElement", "WsWriteBytes")
def test_xmlns_attribute_end_of_start_tag_and_base64_bytes(out: Out) -> None:
    out.start("a", NS)
    friendly.WsWriteXmlnsAttribute(out.writer, xml_string("urn:p"), 0, prefix=xml_string("p"))
    assert friendly.WsWriteEndStartElement(out.writer) is None
    # The start tag is complete: no more attributes, and it cannot end twice.
    with pytest.raises(wwsapi.WS_E_INVALID_OPERATION):
        friendly.WsWriteXmlnsAttribute(out.writer, xml_string("urn:q"), 0, prefix=xml_string("q"))
    with pytest.raises(wwsapi.WS_E_INVALID_OPERATION):
        friendly.WsWriteEndStartElement(out.writer)
    friendly.WsWriteBytes(out.writer, b"\x01\x02\xff")
    out.end()
    document = out.text()
    assert b' xmlns:p="urn:p"' in document
    root = ElementTree.fromstring(document)
    assert root.tag == f"{{{NS}}}a"
    assert base64.b64decode(root.text or "") == b"\x01\x02\xff"


@pytest.mark.wwsapi(*BASE, "WsWriteStartCData", "WsWriteChars", "WsWriteEndCData")
def test_cdata_section_keeps_markup_characters(out: Out) -> None:
    out.start("a")
    friendly.WsWriteStartCData(out.writer)
    friendly.WsWriteChars(out.writer, "x<y & z")
    friendly.WsWriteEndCData(out.writer)
    out.end()
    document = out.text()
    assert document == b"<a><![CDATA[x<y & z]]></a>"
    assert ElementTree.fromstring(document).text == "x<y & z"


@pytest.mark.wwsapi(*BASE, "WsWriteEndCData")
def test_end_cdata_without_a_cdata_section_is_an_invalid_operation(out: Out) -> None:
    out.start("a")
    with pytest.raises(wwsapi.WS_E_INVALID_OPERATION):
        friendly.WsWriteEndCData(out.writer)


@pytest.mark.wwsapi(*BASE, "WsWriteXmlnsAttribute", "WsWriteQualifiedName")
def test_qualified_name_is_written_with_its_prefix(out: Out) -> None:
    out.start("q")
    friendly.WsWriteXmlnsAttribute(out.writer, xml_string("urn:p"), 0, prefix=xml_string("p"))
    friendly.WsWriteQualifiedName(
        out.writer, xml_string("local"), prefix=xml_string("p"), ns=xml_string("urn:p")
    )
    out.end()
    assert out.text() == b'<q xmlns:p="urn:p">p:local</q>'


@pytest.mark.wwsapi(*BASE, "WsWriteEndStartElement", "WsGetPrefixFromNamespace")
def test_prefix_from_namespace_of_the_enclosing_element(out: Out) -> None:
    out.start("a", NS, prefix="t")
    friendly.WsWriteEndStartElement(out.writer)
    out.start("b", NS)  # no prefix given: the one bound to NS is used
    found = friendly.WsGetPrefixFromNamespace(out.writer, xml_string(NS), 1)
    assert xml_bytes(found) == b"t"
    # Not bound: a NULL prefix when not required, WS_E_INVALID_FORMAT when required.
    assert not friendly.WsGetPrefixFromNamespace(out.writer, xml_string("urn:none"), 0)
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        friendly.WsGetPrefixFromNamespace(out.writer, xml_string("urn:none"), 1)
    out.end()
    out.end()
    assert out.text() == f'<t:a xmlns:t="{NS}"><t:b/></t:a>'.encode()


@pytest.mark.windows_only("Wine 8.0 finds only the prefix of an element's own namespace")
@pytest.mark.wwsapi(*BASE, "WsWriteXmlnsAttribute", "WsGetPrefixFromNamespace")
def test_prefix_from_namespace_declared_with_an_xmlns_attribute(out: Out) -> None:
    out.start("a", NS)
    friendly.WsWriteXmlnsAttribute(out.writer, xml_string("urn:p"), 0, prefix=xml_string("p"))
    out.start("b", NS)
    assert xml_bytes(friendly.WsGetPrefixFromNamespace(out.writer, xml_string("urn:p"), 1)) == b"p"
    default = friendly.WsGetPrefixFromNamespace(out.writer, xml_string(NS), 1)
    assert xml_bytes(default) == b""  # the default namespace: the empty prefix


@pytest.mark.wwsapi(*BASE, "WsWriteText")
def test_write_text_of_several_text_types(out: Out) -> None:
    out.start("t")
    word = utf8_text("x&y")
    friendly.WsWriteText(out.writer, as_text(word))
    out.end()
    out.start("i")
    number = wwsapi.WS_XML_INT32_TEXT()
    number.text.textType = wwsapi.WS_XML_TEXT_TYPE.WS_XML_TEXT_TYPE_INT32
    number.value = -7
    friendly.WsWriteText(out.writer, as_text(number))
    out.end()
    out.start("b")
    data = (ctypes.c_uint8 * 3)(1, 2, 255)
    blob = wwsapi.WS_XML_BASE64_TEXT()
    blob.text.textType = wwsapi.WS_XML_TEXT_TYPE.WS_XML_TEXT_TYPE_BASE64
    blob.bytes_ = ctypes.cast(data, ctypes.POINTER(ctypes.c_uint8))
    blob.length = len(data)
    friendly.WsWriteText(out.writer, as_text(blob))
    out.end()
    assert out.text() == b"<t>x&amp;y</t><i>-7</i><b>AQL/</b>"


@pytest.mark.wwsapi(*BASE, "WsWriteNode", "WsWriteEndElement")
def test_write_node_writes_element_text_comment_and_end_nodes(out: Out) -> None:
    element = wwsapi.WS_XML_ELEMENT_NODE()
    element.node.nodeType = wwsapi.WS_XML_NODE_TYPE_ELEMENT
    element.prefix = ctypes.pointer(xml_string(""))
    element.localName = ctypes.pointer(xml_string("item"))
    element.ns = ctypes.pointer(xml_string(NS))
    attribute = wwsapi.WS_XML_ATTRIBUTE()
    attribute.prefix = ctypes.pointer(xml_string(""))
    attribute.localName = ctypes.pointer(xml_string("id"))
    attribute.ns = ctypes.pointer(xml_string(""))
    value = utf8_text("7")
    attribute.value = as_text(value)
    attributes = (ctypes.POINTER(wwsapi.WS_XML_ATTRIBUTE) * 1)(ctypes.pointer(attribute))
    element.attributeCount = 1
    element.attributes = attributes
    friendly.WsWriteNode(out.writer, as_node(element))

    content = utf8_text("a<b")
    text = wwsapi.WS_XML_TEXT_NODE()
    text.node.nodeType = wwsapi.WS_XML_NODE_TYPE_TEXT
    text.text = as_text(content)
    friendly.WsWriteNode(out.writer, as_node(text))
    comment = wwsapi.WS_XML_COMMENT_NODE()
    comment.node.nodeType = wwsapi.WS_XML_NODE_TYPE_COMMENT
    comment.value = xml_string(" note ")
    friendly.WsWriteNode(out.writer, as_node(comment))
    end = wwsapi.WS_XML_NODE()
    end.nodeType = wwsapi.WS_XML_NODE_TYPE_END_ELEMENT
    friendly.WsWriteNode(out.writer, end)
    # Nothing is open any more: another end node is refused like WsWriteEndElement.
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        friendly.WsWriteNode(out.writer, end)
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        out.end()

    document = out.text()
    assert b"a&lt;b<!-- note --></item>" in document
    root = ElementTree.fromstring(document)
    assert (root.tag, root.attrib, root.text) == (f"{{{NS}}}item", {"id": "7"}, "a<b")


@pytest.mark.wwsapi(*BASE, "WsWriteXmlBuffer", "WsWriteChars")
def test_write_xml_buffer_copies_a_buffer_into_an_element(outs: Any) -> None:
    inner = outs()
    inner.start("item", NS)
    friendly.WsWriteChars(inner.writer, "ünï")
    inner.end()
    outer = outs()
    outer.start("outer")
    friendly.WsWriteXmlBuffer(outer.writer, inner.buffer)
    outer.end()
    assert outer.text() == b"<outer>" + inner.text() + b"</outer>"
    assert inner.text() == f'<item xmlns="{NS}">ünï</item>'.encode()  # the source is unchanged


# --- typed values -------------------------------------------------------------------


def write_value(writer: Any, value_type: int, value: Any) -> None:
    wwsapi.WsWriteValue(writer, value_type, ctypes.byref(value), ctypes.sizeof(value), None)


@pytest.mark.wwsapi(*BASE, "WsWriteStartAttribute", "WsWriteEndAttribute", "WsWriteValue")
def test_write_value_as_element_content_and_as_attribute_value(out: Out) -> None:
    out.start("n")
    write_value(out.writer, VALUES.WS_INT32_VALUE_TYPE, ctypes.c_int32(-12345))
    out.end()
    out.start("b")
    friendly.WsWriteStartAttribute(out.writer, xml_string("at"), xml_string(""), 0)
    write_value(out.writer, VALUES.WS_DOUBLE_VALUE_TYPE, ctypes.c_double(-0.5))
    friendly.WsWriteEndAttribute(out.writer)
    write_value(out.writer, VALUES.WS_BOOL_VALUE_TYPE, ctypes.c_int32(0))
    out.end()
    out.start("u")
    write_value(out.writer, VALUES.WS_UINT64_VALUE_TYPE, ctypes.c_uint64((1 << 64) - 1))
    out.end()
    assert out.text() == b'<n>-12345</n><b at="-0.5">false</b><u>18446744073709551615</u>'


@pytest.mark.wwsapi(*BASE, "WsWriteValue")
def test_write_value_of_the_wrong_size_is_an_invalid_argument(out: Out) -> None:
    out.start("n")
    number = ctypes.c_int32(1)
    with pytest.raises(wwsapi.E_INVALIDARG):
        wwsapi.WsWriteValue(out.writer, VALUES.WS_INT32_VALUE_TYPE, ctypes.byref(number), 2, None)


ARRAY = (1, -2, 3, 40, 500)


def write_array(out: Out, offset: int, count: int) -> bytes:
    """<list> holding items [offset, offset + count) of ARRAY as <n> elements."""
    items = (ctypes.c_int32 * len(ARRAY))(*ARRAY)
    out.start("list", NS)
    wwsapi.WsWriteArray(
        out.writer,
        ctypes.byref(xml_string("n")),
        ctypes.byref(xml_string(NS)),
        VALUES.WS_INT32_VALUE_TYPE,
        items,
        ctypes.sizeof(items),
        offset,
        count,
        None,
    )
    out.end()
    return out.text()


def listed(values: tuple[int, ...]) -> bytes:
    if not values:
        return f'<list xmlns="{NS}"/>'.encode()
    items = "".join(f"<n>{value}</n>" for value in values)
    return f'<list xmlns="{NS}">{items}</list>'.encode()


@pytest.mark.wwsapi(*BASE, "WsWriteArray")
def test_write_array_writes_one_element_per_item(outs: Any) -> None:
    assert write_array(outs(), 0, len(ARRAY)) == listed(ARRAY)
    assert write_array(outs(), 0, 0) == listed(())
    # More items than the array holds: refused.
    with pytest.raises(wwsapi.E_INVALIDARG):
        write_array(outs(), 3, 3)


@pytest.mark.windows_only("Wine 8.0 adds itemOffset twice and stops at itemCount")
@pytest.mark.wwsapi(*BASE, "WsWriteArray")
def test_write_array_starts_at_the_item_offset(outs: Any) -> None:
    assert write_array(outs(), 1, 3) == listed(ARRAY[1:4])
    assert write_array(outs(), 4, 1) == listed(ARRAY[4:])


@only_under_wine
@pytest.mark.wwsapi(*BASE, "WsWriteArray")
def test_write_array_with_an_item_offset_under_wine(outs: Any) -> None:
    """Records Wine 8.0: for i from itemOffset to itemCount - 1, item
    itemOffset + i is written."""
    assert write_array(outs(), 1, 3) == listed(ARRAY[2:4])
    assert write_array(outs(), 4, 1) == listed(())


def write_type(out: Out, mapping: int, type_: int, option: int, value: Any) -> None:
    wwsapi.WsWriteType(
        out.writer, mapping, type_, None, option, ctypes.byref(value), ctypes.sizeof(value), None
    )


@pytest.mark.wwsapi(*BASE, "WsWriteStartAttribute", "WsWriteEndAttribute", "WsWriteType")
def test_write_type_by_mapping(out: Out) -> None:
    required = wwsapi.WS_WRITE_REQUIRED_VALUE
    out.start("m")
    friendly.WsWriteStartAttribute(out.writer, xml_string("ok"), xml_string(""), 0)
    write_type(
        out, MAPPING.WS_ATTRIBUTE_TYPE_MAPPING, TYPES.WS_BOOL_TYPE, required, ctypes.c_int32(1)
    )
    friendly.WsWriteEndAttribute(out.writer)
    text = ws_string("naïve ✓")
    write_type(out, MAPPING.WS_ELEMENT_CONTENT_TYPE_MAPPING, TYPES.WS_STRING_TYPE, required, text)
    out.end()
    out.start("e")
    write_type(
        out, MAPPING.WS_ELEMENT_TYPE_MAPPING, TYPES.WS_UINT16_TYPE, required, ctypes.c_uint16(5)
    )
    out.end()
    out.start("nil")  # a NULL pointer written as a nillable element: xsi:nil="true"
    nothing = ctypes.c_void_p()
    nillable = wwsapi.WS_WRITE_NILLABLE_POINTER
    write_type(out, MAPPING.WS_ELEMENT_TYPE_MAPPING, TYPES.WS_STRING_TYPE, nillable, nothing)
    out.end()
    out.start("req")
    with pytest.raises(wwsapi.E_INVALIDARG):  # a NULL pointer where one is required
        write_type(
            out,
            MAPPING.WS_ELEMENT_CONTENT_TYPE_MAPPING,
            TYPES.WS_STRING_TYPE,
            wwsapi.WS_WRITE_REQUIRED_POINTER,
            nothing,
        )
    out.end()
    fragment = ElementTree.fromstring(b"<r>" + out.text() + b"</r>")
    m, e, nil, req = fragment
    assert (m.attrib, m.text) == ({"ok": "true"}, "naïve ✓")
    assert e.text == "5"
    assert nil.attrib == {f"{{{XSI}}}nil": "true"} and nil.text is None
    assert req.text is None


def attribute(local_name: str, type_: int) -> wwsapi.WS_ATTRIBUTE_DESCRIPTION:
    description = wwsapi.WS_ATTRIBUTE_DESCRIPTION()
    description.attributeLocalName = ctypes.pointer(xml_string(local_name))
    description.attributeNs = ctypes.pointer(xml_string(""))
    description.type_ = type_
    return description


def write_attribute(out: Out, description: Any, value: Any) -> None:
    wwsapi.WsWriteAttribute(
        out.writer,
        ctypes.byref(description),
        wwsapi.WS_WRITE_REQUIRED_VALUE,
        ctypes.byref(value),
        ctypes.sizeof(value),
        None,
    )


@pytest.mark.windows_only("Wine 8.0 leaves the attribute open (see the module docstring)")
@pytest.mark.wwsapi(*BASE, "WsWriteAttribute")
def test_write_attribute_writes_whole_attributes(out: Out) -> None:
    out.start("k")
    write_attribute(out, attribute("code", TYPES.WS_UINT64_TYPE), ctypes.c_uint64(1 << 40))
    write_attribute(out, attribute("name", TYPES.WS_STRING_TYPE), ws_string("naïve"))
    out.end()
    root = ElementTree.fromstring(out.text())
    assert root.attrib == {"code": str(1 << 40), "name": "naïve"}


@only_under_wine
@pytest.mark.wwsapi(*BASE, "WsWriteAttribute", "WsWriteEndAttribute")
def test_write_attribute_under_wine_needs_an_end_attribute(out: Out) -> None:
    """Records Wine 8.0: WsWriteAttribute leaves the attribute open; closed with
    WsWriteEndAttribute the value is right."""
    out.start("k")
    code = attribute("code", TYPES.WS_UINT64_TYPE)
    write_attribute(out, code, ctypes.c_uint64(1 << 40))
    with pytest.raises(wwsapi.WS_E_INVALID_OPERATION):
        write_attribute(out, attribute("name", TYPES.WS_STRING_TYPE), ws_string("naïve"))
    friendly.WsWriteEndAttribute(out.writer)
    out.end()
    assert out.text() == f'<k code="{1 << 40}"/>'.encode()


# --- copying from a reader -----------------------------------------------------------

COPY_FUNCTIONS = (
    *BASE,
    "WsWriteChars",
    "WsCreateReader",
    "WsFreeReader",
    "WsSetInputToBuffer",
    "WsReadToStartElement",
    "WsReadStartElement",
    "WsGetReaderNode",
    "WsCopyNode",
)


@pytest.fixture
def reader() -> Iterator[Any]:
    reader = friendly.WsCreateReader()
    try:
        yield reader
    finally:
        friendly.WsFreeReader(reader)


def write_doc(out: Out) -> None:
    """<doc><x>1</x><y>2</y></doc>"""
    out.start("doc")
    for name, text in (("x", "1"), ("y", "2")):
        out.start(name)
        friendly.WsWriteChars(out.writer, text)
        out.end()
    out.end()


def copy_x(outs: Any, reader: Any) -> tuple[Out, Out]:
    """Writes the document, reads to <x> and copies that node: (source, copy)."""
    source = outs()
    write_doc(source)
    friendly.WsSetInputToBuffer(reader, source.buffer)
    assert friendly.WsReadToStartElement(reader, localName=xml_string("doc"), ns=xml_string(""))
    friendly.WsReadStartElement(reader)
    assert friendly.WsReadToStartElement(reader, localName=xml_string("x"), ns=xml_string(""))
    target = outs()
    friendly.WsCopyNode(target.writer, reader)
    return source, target


def reader_element_name(reader: Any) -> bytes:
    node = friendly.WsGetReaderNode(reader)
    assert node.contents.nodeType == wwsapi.WS_XML_NODE_TYPE_ELEMENT
    element = ctypes.cast(node, ctypes.POINTER(wwsapi.WS_XML_ELEMENT_NODE)).contents
    return xml_bytes(element.localName)


@pytest.mark.windows_only("Wine 8.0 copies the start tag only, without the children")
@pytest.mark.wwsapi(*COPY_FUNCTIONS)
def test_copy_node_copies_an_element_with_its_children(outs: Any, reader: Any) -> None:
    _, target = copy_x(outs, reader)
    assert target.text() == b"<x>1</x>"
    assert reader_element_name(reader) == b"y"  # the reader moved past the copied element


@only_under_wine
@pytest.mark.wwsapi(*COPY_FUNCTIONS)
def test_copy_node_under_wine_loses_the_children(outs: Any, reader: Any) -> None:
    """Records Wine 8.0: the start tag alone is copied while the reader moves past
    the whole element; a reader at BOF has the whole document copied."""
    source, target = copy_x(outs, reader)
    assert target.text() == b"<x/>"
    assert reader_element_name(reader) == b"y"

    friendly.WsSetInputToBuffer(reader, source.buffer)
    assert friendly.WsGetReaderNode(reader).contents.nodeType == wwsapi.WS_XML_NODE_TYPE_BOF
    whole = outs()
    friendly.WsCopyNode(whole.writer, reader)
    assert whole.text() == source.text() == b"<doc><x>1</x><y>2</y></doc>"


# --- positions ------------------------------------------------------------------------

POSITION_FUNCTIONS = (*BASE, "WsGetWriterPosition", "WsSetWriterPosition", "WsMoveWriter")


@pytest.mark.wwsapi(*POSITION_FUNCTIONS)
def test_move_writer_and_saved_positions_name_the_same_nodes(out: Out) -> None:
    out.start("root")
    for name in ("x", "y"):
        out.start(name)
        out.end()
    out.end()
    assert friendly.WsMoveWriter(out.writer, MOVE.WS_MOVE_TO_ROOT_ELEMENT)
    root = position(out.writer)
    assert ctypes.addressof(root.buffer.contents) == ctypes.addressof(out.buffer.contents)
    assert friendly.WsMoveWriter(out.writer, MOVE.WS_MOVE_TO_CHILD_ELEMENT)
    x = position(out.writer)
    assert friendly.WsMoveWriter(out.writer, MOVE.WS_MOVE_TO_NEXT_ELEMENT)
    y = position(out.writer)
    assert not friendly.WsMoveWriter(out.writer, MOVE.WS_MOVE_TO_NEXT_ELEMENT)  # y is the last
    assert len({root.node, x.node, y.node}) == 3
    assert friendly.WsMoveWriter(out.writer, MOVE.WS_MOVE_TO_PREVIOUS_ELEMENT)
    assert position(out.writer).node == x.node
    assert friendly.WsMoveWriter(out.writer, MOVE.WS_MOVE_TO_PARENT_ELEMENT)
    assert position(out.writer).node == root.node
    # A saved position, set again, is where the writer stands.
    friendly.WsSetWriterPosition(out.writer, y)
    assert position(out.writer).node == y.node
    friendly.WsSetWriterPosition(out.writer, x)
    assert position(out.writer).node == x.node
    assert out.text() == b"<root><x/><y/></root>"  # moving writes nothing


def write_with_a_saved_position(out: Out) -> wwsapi.WS_XML_NODE_POSITION:
    """Writes <root><a></a><c/></root>, the position saved inside <a>."""
    out.start("root")
    out.start("a")
    friendly.WsWriteEndStartElement(out.writer)
    saved = position(out.writer)
    out.end()
    out.start("c")
    out.end()
    out.end()
    return saved


@pytest.mark.windows_only("Wine 8.0 appends at the end of the text instead of inserting")
@pytest.mark.wwsapi(*POSITION_FUNCTIONS, "WsWriteEndStartElement", "WsWriteChars")
def test_writing_at_a_saved_position_inserts_there(out: Out) -> None:
    saved = write_with_a_saved_position(out)
    friendly.WsSetWriterPosition(out.writer, saved)
    friendly.WsWriteChars(out.writer, "inside")
    assert out.text() == b"<root><a>inside</a><c/></root>"


@only_under_wine
@pytest.mark.wwsapi(*POSITION_FUNCTIONS, "WsWriteEndStartElement", "WsWriteChars")
def test_writing_at_a_saved_position_under_wine_appends(out: Out) -> None:
    """Records Wine 8.0: the position is restored, but the text goes to the end."""
    saved = write_with_a_saved_position(out)
    friendly.WsSetWriterPosition(out.writer, saved)
    assert position(out.writer).node == saved.node
    friendly.WsWriteChars(out.writer, "inside")
    assert out.text() == b"<root><a></a><c/></root>inside"


@only_under_wine
@pytest.mark.wwsapi(
    "WsCreateWriter", "WsFreeWriter", "WsMoveWriter", "WsGetWriterPosition", "WsFlushWriter"
)
def test_a_writer_without_output_refuses_moves_and_positions() -> None:
    """Records Wine 8.0 (the error is not documented): WS_E_INVALID_OPERATION."""
    writer = friendly.WsCreateWriter()
    try:
        with pytest.raises(wwsapi.WS_E_INVALID_OPERATION):
            friendly.WsMoveWriter(writer, MOVE.WS_MOVE_TO_ROOT_ELEMENT)
        with pytest.raises(wwsapi.WS_E_INVALID_OPERATION):
            position(writer)
        with pytest.raises(wwsapi.WS_E_INVALID_OPERATION):
            friendly.WsFlushWriter(writer, 0)
    finally:
        friendly.WsFreeWriter(writer)
