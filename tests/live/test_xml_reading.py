"""XML reading: a reader set on known XML (text bytes through WsSetInput, or an
XML buffer through WsSetInputToBuffer) finds attributes and namespaces, reads
attributes, values, qualified names, base64 bytes and typed values, skips and
moves over nodes, saves and restores its position, and the results are
compared with the known content.

Calls go through the friendly layer (wwsapi.friendly) where it has the
function, the generated prototypes otherwise (caller-sized or typed values,
and the position, whose direction the specs do not give); reader properties
through wwsapi.pythonic's XmlReader.

How Wine 8.0 differs (each pinned by a test whose docstring says it records Wine):
- An unprefixed attribute of an element that declares a default namespace is
  reported in that namespace (the XML namespaces rule: attributes take no
  default namespace); WsFindAttribute with an empty namespace misses it.
- WsFillReader on a buffer input limits what the reader sees to minSize bytes
  (documented as doing nothing for buffer input); a minSize at least the
  document's size leaves reading as it was.
- After WsSetReaderPosition the node is restored (WsGetReaderNode,
  WsMoveReader), but the reading functions (WsReadStartElement, WsReadType, ...)
  do not continue from it: they fail with WS_E_INVALID_FORMAT.
- WsGetNamespaceFromPrefix finds only prefixes declared on the current element
  (and xml, xmlns), not those declared on its ancestors.
- WsReadChars, WsReadCharsUtf8, WsReadBytes and WsReadValue read nothing inside an
  attribute (after WsReadStartAttribute); WsReadType with the attribute mapping
  dereferences NULL (never called under Wine).
- WsReadType fails with WS_E_INVALID_FORMAT unless the value ends the input (its
  element mapping did not succeed in any position tried): the content mapping
  on a document of one element is what works.
- WsMoveReader(WS_MOVE_TO_FIRST_NODE) from the BOF node reads address 0x50
  (never called there under Wine).
- WsGetReaderProperty fails with WS_E_INVALID_OPERATION before the reader has input.
- WsGetXmlAttribute returns E_NOTIMPL.
- WsReadStartAttribute does not set WS_XML_READER_PROPERTY_IN_ATTRIBUTE.
- WsGetDictionary gives no dictionary (NULL, S_OK) for the text encodings.
- WsSetInput with a stream input is not supported, so a stream is read only on Windows.
"""

from __future__ import annotations

import base64
import ctypes
from collections.abc import Iterator
from typing import Any

import pytest
import wwsapi
from test_xml import node_type, set_input_bytes
from wwsapi import friendly
from wwsapi.pythonic.xml import XmlReader
from wwslive import wine_version
from wwsvalues import ws_text, xml_bytes, xml_string

P_NS = "urn:wwsgen:p"
XML_NS = b"http://www.w3.org/XML/1998/namespace"
PAYLOAD = bytes(range(256)) + b"\x00\xff\x10"  # every byte value, length not a multiple of 3
DOCUMENT = (
    f'<p:order xmlns:p="{P_NS}" id="42" p:rush="true">'
    "<q>p:item</q><n>123</n><ratio>-2.5</ratio>"
    f"<blob>{base64.b64encode(PAYLOAD).decode()}</blob>"
    "<skip><deep><deeper/>text</deep></skip><after>yes</after>"
    "</p:order>"
).encode()

NODE = wwsapi.WS_XML_NODE_TYPE
MOVE = wwsapi.WS_MOVE_TO
TYPES = wwsapi.WS_TYPE
MAPPING = wwsapi.WS_TYPE_MAPPING

# A test that records how Wine differs from the docs runs under Wine only.
records_wine = pytest.mark.skipif(wine_version() is None, reason="records Wine's behaviour")

READER = ("WsCreateHeap", "WsFreeHeap", "WsCreateReader", "WsFreeReader", "WsSetInput")
READING = (*READER, "WsReadToStartElement", "WsGetReaderNode", "WsReadStartElement")



@pytest.fixture
def reader() -> Iterator[Any]:
    handle = friendly.WsCreateReader()
    yield handle
    friendly.WsFreeReader(handle)


class Input:
    """Keeps the bytes a reader reads alive as long as the test runs."""

    def __init__(self) -> None:
        self.kept: list[Any] = []

    def text(self, reader: Any, document: bytes) -> None:
        data = ctypes.create_string_buffer(document)
        self.kept.append(data)
        set_input_bytes(reader, data)


@pytest.fixture
def source() -> Input:
    return Input()


def element(reader: Any) -> wwsapi.WS_XML_ELEMENT_NODE:
    node = friendly.WsGetReaderNode(reader)
    assert node.contents.nodeType == NODE.WS_XML_NODE_TYPE_ELEMENT
    return ctypes.cast(node, ctypes.POINTER(wwsapi.WS_XML_ELEMENT_NODE)).contents


def name(reader: Any) -> str:
    """The local name of the element the reader is on."""
    return xml_bytes(element(reader).localName).decode()


def text_of(reader: Any) -> bytes:
    """The UTF-8 text of the text node the reader is on."""
    node = friendly.WsGetReaderNode(reader)
    assert node.contents.nodeType == NODE.WS_XML_NODE_TYPE_TEXT
    text = ctypes.cast(node, ctypes.POINTER(wwsapi.WS_XML_TEXT_NODE)).contents.text
    assert text.contents.textType == wwsapi.WS_XML_TEXT_TYPE.WS_XML_TEXT_TYPE_UTF8
    return xml_bytes(ctypes.cast(text, ctypes.POINTER(wwsapi.WS_XML_UTF8_TEXT)).contents.value)


def to_child(reader: Any, local_name: str) -> None:
    """From the start of <p:order>'s content, on to its child `local_name`,
    reading past the children before it with WsReadNode."""
    while not (node_type(reader) == NODE.WS_XML_NODE_TYPE_ELEMENT and name(reader) == local_name):
        friendly.WsReadNode(reader)


def open_order(reader: Any) -> None:
    """Read to <p:order> and into its content."""
    assert friendly.WsReadToStartElement(reader)
    assert name(reader) == "order"
    friendly.WsReadStartElement(reader)


def read_chars(reader: Any) -> str:
    chunk = (ctypes.c_uint16 * 4)()
    count = ctypes.c_uint32()
    pieces = []
    while True:
        wwsapi.WsReadChars(reader, chunk, len(chunk), ctypes.byref(count), None)
        if not count.value:
            return "".join(pieces)
        pieces.append(bytes(chunk)[: 2 * count.value].decode("utf-16-le"))


def attribute_name(reader: Any, index: int) -> tuple[bytes, bytes]:
    attribute = element(reader).attributes[index].contents
    return xml_bytes(attribute.localName), xml_bytes(attribute.ns)


# Attributes and namespaces


@pytest.mark.wwsapi(*READING, "WsFindAttribute")
def test_find_attribute_gives_the_index_of_the_named_attribute(reader: Any, source: Input) -> None:
    source.text(reader, DOCUMENT)
    assert friendly.WsReadToStartElement(reader)
    index = friendly.WsFindAttribute(reader, xml_string("id"), xml_string(""), 1)
    assert attribute_name(reader, index) == (b"id", b"")
    index = friendly.WsFindAttribute(reader, xml_string("rush"), xml_string(P_NS), 1)
    assert attribute_name(reader, index) == (b"rush", P_NS.encode())


@pytest.mark.wwsapi(*READING, "WsFindAttribute")
def test_find_attribute_reports_a_missing_attribute(reader: Any, source: Input) -> None:
    source.text(reader, DOCUMENT)
    with pytest.raises(wwsapi.WS_E_INVALID_OPERATION):  # not yet on a start element
        friendly.WsFindAttribute(reader, xml_string("id"), xml_string(""), 1)
    assert friendly.WsReadToStartElement(reader)
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):  # required
        friendly.WsFindAttribute(reader, xml_string("rush"), xml_string(""), 1)
    index = ctypes.c_uint32()
    missing = wwsapi.WsFindAttribute(
        reader, xml_string("none"), xml_string(""), 0, ctypes.byref(index), None
    )
    assert missing == wwsapi.hresults.S_FALSE  # not required: S_FALSE, no error


@pytest.mark.wwsapi(*READING, "WsFindAttribute")
def test_friendly_find_attribute_of_a_missing_optional_attribute(
    reader: Any, source: Input
) -> None:
    """S_FALSE (not found, not required) leaves the index unset: the friendly
    wrapper returns None, and the prototype returns S_FALSE itself."""
    source.text(reader, DOCUMENT)
    assert friendly.WsReadToStartElement(reader)
    assert friendly.WsFindAttribute(reader, xml_string("none"), xml_string(""), 0) is None
    # "id" comes after the xmlns:p declaration, attribute 0
    assert friendly.WsFindAttribute(reader, xml_string("id"), xml_string(""), 0) == 1


@records_wine
@pytest.mark.wwsapi(*READING, "WsFindAttribute")
def test_unprefixed_attribute_under_a_default_namespace_records_wine(
    reader: Any, source: Input
) -> None:
    """Records Wine's behaviour: the attribute is reported in the element's
    default namespace, so it is not found with an empty namespace."""
    source.text(reader, b'<a xmlns="urn:t" id="1"/>')
    assert friendly.WsReadToStartElement(reader)
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        friendly.WsFindAttribute(reader, xml_string("id"), xml_string(""), 1)
    index = friendly.WsFindAttribute(reader, xml_string("id"), xml_string("urn:t"), 1)
    assert attribute_name(reader, index) == (b"id", b"urn:t")


@pytest.mark.windows_only("Wine puts the attribute in the default namespace")
@pytest.mark.wwsapi(*READING, "WsFindAttribute")
def test_unprefixed_attribute_has_no_namespace(reader: Any, source: Input) -> None:
    source.text(reader, b'<a xmlns="urn:t" id="1"/>')
    assert friendly.WsReadToStartElement(reader)
    index = friendly.WsFindAttribute(reader, xml_string("id"), xml_string(""), 1)
    assert attribute_name(reader, index) == (b"id", b"")


@pytest.mark.wwsapi(*READING, "WsGetNamespaceFromPrefix")
def test_namespace_from_prefix(reader: Any, source: Input) -> None:
    source.text(reader, DOCUMENT)
    assert friendly.WsReadToStartElement(reader)
    found = friendly.WsGetNamespaceFromPrefix(reader, xml_string("p"), 1)
    assert xml_bytes(found) == P_NS.encode()
    found = friendly.WsGetNamespaceFromPrefix(reader, xml_string("xml"), 1)
    assert xml_bytes(found) == XML_NS
    assert not friendly.WsGetNamespaceFromPrefix(reader, xml_string("zz"), 0)  # NULL
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        friendly.WsGetNamespaceFromPrefix(reader, xml_string("zz"), 1)


@pytest.mark.windows_only("Wine looks for the prefix on the current element only")
@pytest.mark.wwsapi(*READING, "WsReadNode", "WsGetNamespaceFromPrefix")
def test_namespace_from_prefix_declared_on_an_ancestor(reader: Any, source: Input) -> None:
    source.text(reader, DOCUMENT)
    open_order(reader)
    to_child(reader, "q")
    found = friendly.WsGetNamespaceFromPrefix(reader, xml_string("p"), 1)
    assert xml_bytes(found) == P_NS.encode()


@records_wine
@pytest.mark.wwsapi(*READING, "WsReadNode", "WsGetNamespaceFromPrefix")
def test_namespace_from_prefix_declared_on_an_ancestor_records_wine(
    reader: Any, source: Input
) -> None:
    """Records Wine's behaviour: a prefix declared on an ancestor is not found."""
    source.text(reader, DOCUMENT)
    open_order(reader)
    to_child(reader, "q")
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        friendly.WsGetNamespaceFromPrefix(reader, xml_string("p"), 1)


def start_attribute(reader: Any, local_name: str, ns: str) -> None:
    """Move into the attribute found by name (WsFindAttribute, WsReadStartAttribute)."""
    index = friendly.WsFindAttribute(reader, xml_string(local_name), xml_string(ns), 1)
    friendly.WsReadStartAttribute(reader, index)


@pytest.mark.windows_only("Wine's reading functions read nothing inside an attribute")
@pytest.mark.wwsapi(
    *READING, "WsFindAttribute", "WsReadStartAttribute", "WsReadChars", "WsReadEndAttribute"
)
def test_an_attribute_reads_as_text_between_start_and_end(reader: Any, source: Input) -> None:
    source.text(reader, DOCUMENT)
    assert friendly.WsReadToStartElement(reader)
    start_attribute(reader, "id", "")
    assert read_chars(reader) == "42"
    friendly.WsReadEndAttribute(reader)
    start_attribute(reader, "rush", P_NS)
    assert read_chars(reader) == "true"
    friendly.WsReadEndAttribute(reader)
    # Back on the element: its content reads on.
    friendly.WsReadStartElement(reader)
    assert name(reader) == "q"


@pytest.mark.wwsapi(*READING, "WsFindAttribute", "WsReadStartAttribute", "WsReadEndAttribute")
def test_end_attribute_returns_to_the_element(reader: Any, source: Input) -> None:
    source.text(reader, DOCUMENT)
    assert friendly.WsReadToStartElement(reader)
    for local_name, ns in (("id", ""), ("rush", P_NS)):
        start_attribute(reader, local_name, ns)
        friendly.WsReadEndAttribute(reader)
        assert name(reader) == "order"
    friendly.WsReadStartElement(reader)
    assert name(reader) == "q"


@records_wine
@pytest.mark.wwsapi(*READING, "WsFindAttribute", "WsReadStartAttribute", "WsReadChars")
def test_attribute_text_records_wine(reader: Any, source: Input) -> None:
    """Records Wine's behaviour: WsReadChars reads no characters inside an attribute."""
    source.text(reader, DOCUMENT)
    assert friendly.WsReadToStartElement(reader)
    start_attribute(reader, "id", "")
    assert read_chars(reader) == ""


@pytest.mark.windows_only("Wine's WsReadType with the attribute mapping dereferences NULL")
@pytest.mark.wwsapi(
    *READING, "WsFindAttribute", "WsReadStartAttribute", "WsReadType", "WsReadEndAttribute"
)
def test_read_type_with_attribute_mapping_reads_the_attribute_value(
    reader: Any, source: Input, heap: Any
) -> None:
    source.text(reader, DOCUMENT)
    assert friendly.WsReadToStartElement(reader)
    start_attribute(reader, "id", "")
    value = ctypes.c_int32()
    read_type(reader, heap, MAPPING.WS_ATTRIBUTE_TYPE_MAPPING, TYPES.WS_INT32_TYPE, value)
    assert value.value == 42
    friendly.WsReadEndAttribute(reader)


def attribute(local_name: str, ns: str, type_: int) -> wwsapi.WS_ATTRIBUTE_DESCRIPTION:
    description = wwsapi.WS_ATTRIBUTE_DESCRIPTION()
    description.attributeLocalName = ctypes.pointer(xml_string(local_name))
    description.attributeNs = ctypes.pointer(xml_string(ns))
    description.type_ = type_
    return description


def read_attribute(
    reader: Any, heap: Any, local_name: str, ns: str, type_: int, value: Any
) -> None:
    description = attribute(local_name, ns, type_)
    wwsapi.WsReadAttribute(
        reader,
        ctypes.byref(description),
        wwsapi.WS_READ_REQUIRED_VALUE,
        heap,
        ctypes.byref(value),
        ctypes.sizeof(value),
        None,
    )


@pytest.mark.wwsapi(*READING, "WsReadAttribute")
def test_read_attribute_reads_typed_values(reader: Any, source: Input, heap: Any) -> None:
    source.text(reader, DOCUMENT)
    assert friendly.WsReadToStartElement(reader)
    number, flag, text = ctypes.c_int32(), ctypes.c_int32(), wwsapi.WS_STRING()
    read_attribute(reader, heap, "id", "", TYPES.WS_INT32_TYPE, number)
    read_attribute(reader, heap, "rush", P_NS, TYPES.WS_BOOL_TYPE, flag)
    read_attribute(reader, heap, "id", "", TYPES.WS_STRING_TYPE, text)
    assert (number.value, flag.value, ws_text(text)) == (42, 1, "42")
    # The reader stays on the element.
    assert name(reader) == "order"


# Element content


@pytest.mark.wwsapi(*READING, "WsReadNode", "WsReadQualifiedName")
def test_read_qualified_name_resolves_the_prefix(reader: Any, source: Input, heap: Any) -> None:
    source.text(reader, DOCUMENT)
    open_order(reader)
    to_child(reader, "q")
    friendly.WsReadStartElement(reader)
    prefix, local_name, ns = wwsapi.WS_XML_STRING(), wwsapi.WS_XML_STRING(), wwsapi.WS_XML_STRING()
    wwsapi.WsReadQualifiedName(
        reader, heap, ctypes.byref(prefix), ctypes.byref(local_name), ctypes.byref(ns), None
    )
    assert (xml_bytes(prefix), xml_bytes(local_name), xml_bytes(ns)) == (
        b"p",
        b"item",
        P_NS.encode(),
    )


@pytest.mark.wwsapi(*READING, "WsReadQualifiedName")
def test_read_qualified_name_with_an_unbound_prefix_fails(
    reader: Any, source: Input, heap: Any
) -> None:
    source.text(reader, b"<q>zz:item</q>")
    assert friendly.WsReadToStartElement(reader)
    friendly.WsReadStartElement(reader)
    prefix, local_name, ns = wwsapi.WS_XML_STRING(), wwsapi.WS_XML_STRING(), wwsapi.WS_XML_STRING()
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        wwsapi.WsReadQualifiedName(
            reader, heap, ctypes.byref(prefix), ctypes.byref(local_name), ctypes.byref(ns), None
        )


def read_value(reader: Any, value_type: int, value: Any) -> None:
    wwsapi.WsReadValue(reader, value_type, ctypes.byref(value), ctypes.sizeof(value), None)


@pytest.mark.wwsapi(*READING, "WsReadNode", "WsReadValue")
def test_read_value_parses_the_text_as_the_value_type(reader: Any, source: Input) -> None:
    source.text(reader, DOCUMENT)
    open_order(reader)
    to_child(reader, "n")
    friendly.WsReadStartElement(reader)
    number = ctypes.c_int32()
    read_value(reader, wwsapi.WS_VALUE_TYPE.WS_INT32_VALUE_TYPE, number)
    assert number.value == 123
    assert node_type(reader) == NODE.WS_XML_NODE_TYPE_END_ELEMENT  # the text is used up
    friendly.WsReadNode(reader)
    to_child(reader, "ratio")
    friendly.WsReadStartElement(reader)
    ratio = ctypes.c_double()
    read_value(reader, wwsapi.WS_VALUE_TYPE.WS_DOUBLE_VALUE_TYPE, ratio)
    assert ratio.value == -2.5


@pytest.mark.parametrize(
    ("text", "error"),
    [(b"twelve", wwsapi.WS_E_INVALID_FORMAT), (b"99999999999", wwsapi.WS_E_NUMERIC_OVERFLOW)],
)
@pytest.mark.wwsapi(*READING, "WsReadValue")
def test_read_value_refuses_text_that_is_not_the_value(
    reader: Any, source: Input, text: bytes, error: type[Exception]
) -> None:
    source.text(reader, b"<n>" + text + b"</n>")
    assert friendly.WsReadToStartElement(reader)
    friendly.WsReadStartElement(reader)
    number = ctypes.c_int32()
    with pytest.raises(error):
        read_value(reader, wwsapi.WS_VALUE_TYPE.WS_INT32_VALUE_TYPE, number)


@pytest.mark.wwsapi(*READING, "WsReadNode", "WsReadBytes")
def test_read_bytes_decodes_base64_to_the_original_bytes(reader: Any, source: Input) -> None:
    source.text(reader, DOCUMENT)
    open_order(reader)
    to_child(reader, "blob")
    friendly.WsReadStartElement(reader)
    chunk = (ctypes.c_uint8 * 7)()  # not a multiple of 3: pieces cut across base64 groups
    count = ctypes.c_uint32()
    data = bytearray()
    while True:
        wwsapi.WsReadBytes(reader, chunk, len(chunk), ctypes.byref(count), None)
        if not count.value:
            break
        assert count.value <= len(chunk)
        data += bytes(chunk)[: count.value]
    assert bytes(data) == PAYLOAD


def read_type(reader: Any, heap: Any, mapping: int, type_: int, value: Any) -> None:
    wwsapi.WsReadType(
        reader,
        mapping,
        type_,
        None,
        wwsapi.WS_READ_REQUIRED_VALUE,
        heap,
        ctypes.byref(value),
        ctypes.sizeof(value),
        None,
    )


@pytest.mark.parametrize(
    ("document", "value", "type_", "expected"),
    [
        (b"<n>123</n>", ctypes.c_uint64, TYPES.WS_UINT64_TYPE, 123),
        (b"<r>-2.5</r>", ctypes.c_double, TYPES.WS_DOUBLE_TYPE, -2.5),
        (
            b"<b>" + base64.b64encode(PAYLOAD) + b"</b>",
            wwsapi.WS_BYTES,
            TYPES.WS_BYTES_TYPE,
            PAYLOAD,
        ),
    ],
)
@pytest.mark.wwsapi(*READING, "WsReadType")
def test_read_type_reads_element_content(
    reader: Any, source: Input, heap: Any, document: bytes, value: Any, type_: int, expected: Any
) -> None:
    source.text(reader, document)
    assert friendly.WsReadToStartElement(reader)
    friendly.WsReadStartElement(reader)
    read = value()
    read_type(reader, heap, MAPPING.WS_ELEMENT_CONTENT_TYPE_MAPPING, type_, read)
    if type_ == TYPES.WS_BYTES_TYPE:
        assert ctypes.string_at(read.bytes_, read.length) == expected
    else:
        assert read.value == expected
    assert node_type(reader) == NODE.WS_XML_NODE_TYPE_END_ELEMENT


@pytest.mark.windows_only(
    "Wine's WsReadType fails with WS_E_INVALID_FORMAT unless the value ends the input"
)
@pytest.mark.wwsapi(*READING, "WsReadNode", "WsReadType")
def test_read_type_reads_elements_and_content(reader: Any, source: Input, heap: Any) -> None:
    source.text(reader, DOCUMENT)
    open_order(reader)
    to_child(reader, "n")
    number = ctypes.c_uint64()
    read_type(reader, heap, MAPPING.WS_ELEMENT_TYPE_MAPPING, TYPES.WS_UINT64_TYPE, number)
    assert number.value == 123
    assert name(reader) == "ratio"  # the whole element was read
    friendly.WsReadStartElement(reader)
    ratio = ctypes.c_double()
    read_type(reader, heap, MAPPING.WS_ELEMENT_CONTENT_TYPE_MAPPING, TYPES.WS_DOUBLE_TYPE, ratio)
    assert ratio.value == -2.5
    friendly.WsReadNode(reader)  # past </ratio>
    to_child(reader, "blob")
    blob = wwsapi.WS_BYTES()
    read_type(reader, heap, MAPPING.WS_ELEMENT_TYPE_MAPPING, TYPES.WS_BYTES_TYPE, blob)
    assert ctypes.string_at(blob.bytes_, blob.length) == PAYLOAD


@pytest.mark.wwsapi(*READING, "WsReadNode", "WsSkipNode")
def test_skip_node_skips_an_element_with_everything_in_it(reader: Any, source: Input) -> None:
    source.text(reader, DOCUMENT)
    open_order(reader)
    to_child(reader, "skip")
    friendly.WsSkipNode(reader)
    assert name(reader) == "after"


# Random access in an XML buffer


def order_buffer(reader: Any, source: Input, heap: Any) -> Any:
    """DOCUMENT in an XML buffer on `heap` (read with WsReadXmlBuffer), and a reader on it."""
    source.text(reader, DOCUMENT)
    buffer = friendly.WsReadXmlBuffer(reader, heap)
    friendly.WsSetInputToBuffer(reader, buffer)
    return buffer


BUFFER = (*READING, "WsReadXmlBuffer", "WsSetInputToBuffer")


@pytest.mark.wwsapi(*BUFFER, "WsMoveReader")
def test_move_reader_walks_the_tree(reader: Any, source: Input, heap: Any) -> None:
    order_buffer(reader, source, heap)
    assert node_type(reader) == NODE.WS_XML_NODE_TYPE_BOF

    def move(to: int) -> bool:
        return friendly.WsMoveReader(reader, to)

    assert move(MOVE.WS_MOVE_TO_ROOT_ELEMENT) and name(reader) == "order"
    assert move(MOVE.WS_MOVE_TO_CHILD_ELEMENT) and name(reader) == "q"
    assert move(MOVE.WS_MOVE_TO_NEXT_ELEMENT) and name(reader) == "n"
    assert move(MOVE.WS_MOVE_TO_NEXT_ELEMENT) and name(reader) == "ratio"
    assert move(MOVE.WS_MOVE_TO_PREVIOUS_ELEMENT) and name(reader) == "n"
    assert move(MOVE.WS_MOVE_TO_CHILD_NODE) and text_of(reader) == b"123"
    assert move(MOVE.WS_MOVE_TO_PARENT_ELEMENT) and name(reader) == "n"
    assert move(MOVE.WS_MOVE_TO_END_ELEMENT)
    assert node_type(reader) == NODE.WS_XML_NODE_TYPE_END_ELEMENT
    assert move(MOVE.WS_MOVE_TO_EOF) and node_type(reader) == NODE.WS_XML_NODE_TYPE_EOF
    assert move(MOVE.WS_MOVE_TO_FIRST_NODE) and name(reader) == "order"
    assert move(MOVE.WS_MOVE_TO_CHILD_ELEMENT) and name(reader) == "q"
    assert move(MOVE.WS_MOVE_TO_NEXT_NODE) and name(reader) == "n"
    assert move(MOVE.WS_MOVE_TO_NEXT_NODE) and name(reader) == "ratio"
    assert move(MOVE.WS_MOVE_TO_FIRST_NODE) and name(reader) == "q"  # first of its level
    assert move(MOVE.WS_MOVE_TO_BOF) and node_type(reader) == NODE.WS_XML_NODE_TYPE_BOF
    # Where there is no such node: found is FALSE and the reader stays.
    assert move(MOVE.WS_MOVE_TO_ROOT_ELEMENT) and name(reader) == "order"
    assert not move(MOVE.WS_MOVE_TO_PREVIOUS_ELEMENT)
    assert name(reader) == "order"
    assert move(MOVE.WS_MOVE_TO_CHILD_ELEMENT) and name(reader) == "q"
    assert not move(MOVE.WS_MOVE_TO_CHILD_ELEMENT)
    assert name(reader) == "q"


@pytest.mark.wwsapi(*BUFFER, "WsMoveReader")
def test_move_reader_without_found_fails_where_there_is_no_node(
    reader: Any, source: Input, heap: Any
) -> None:
    order_buffer(reader, source, heap)
    wwsapi.WsMoveReader(reader, MOVE.WS_MOVE_TO_ROOT_ELEMENT, None, None)
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        wwsapi.WsMoveReader(reader, MOVE.WS_MOVE_TO_PREVIOUS_ELEMENT, None, None)


def position(reader: Any) -> wwsapi.WS_XML_NODE_POSITION:
    saved = wwsapi.WS_XML_NODE_POSITION()
    wwsapi.WsGetReaderPosition(reader, ctypes.byref(saved), None)
    return saved


def same_address(a: Any, b: Any) -> bool:
    return ctypes.cast(a, ctypes.c_void_p).value == ctypes.cast(b, ctypes.c_void_p).value


@pytest.mark.wwsapi(*BUFFER, "WsMoveReader", "WsGetReaderPosition", "WsSetReaderPosition")
def test_a_restored_position_is_the_same_node_again(reader: Any, source: Input, heap: Any) -> None:
    buffer = order_buffer(reader, source, heap)
    for to in (MOVE.WS_MOVE_TO_ROOT_ELEMENT, MOVE.WS_MOVE_TO_CHILD_ELEMENT):
        assert friendly.WsMoveReader(reader, to)
    assert friendly.WsMoveReader(reader, MOVE.WS_MOVE_TO_NEXT_ELEMENT)
    saved = position(reader)
    assert same_address(saved.buffer, buffer)  # a position names its buffer
    assert name(reader) == "n"
    assert friendly.WsMoveReader(reader, MOVE.WS_MOVE_TO_NEXT_ELEMENT)
    assert friendly.WsMoveReader(reader, MOVE.WS_MOVE_TO_EOF)
    friendly.WsSetReaderPosition(reader, saved)
    assert name(reader) == "n"
    assert friendly.WsMoveReader(reader, MOVE.WS_MOVE_TO_CHILD_NODE)
    assert text_of(reader) == b"123"
    friendly.WsSetReaderPosition(reader, saved)  # a position can be used again
    assert name(reader) == "n"


def read_n(reader: Any) -> int:
    """Read <n>'s value: into the element, then its text as an int32."""
    friendly.WsReadStartElement(reader)
    number = ctypes.c_int32()
    read_value(reader, wwsapi.WS_VALUE_TYPE.WS_INT32_VALUE_TYPE, number)
    return number.value


def read_n_and_return(reader: Any, source: Input, heap: Any) -> None:
    """On a reader over DOCUMENT's buffer: save the position of <n>, read its
    value and on past it, then restore the position."""
    order_buffer(reader, source, heap)
    open_order(reader)
    to_child(reader, "n")
    saved = position(reader)
    assert read_n(reader) == 123
    friendly.WsReadNode(reader)
    to_child(reader, "blob")
    friendly.WsSetReaderPosition(reader, saved)


POSITIONS = (*BUFFER, "WsReadNode", "WsReadValue", "WsGetReaderPosition", "WsSetReaderPosition")


@pytest.mark.wwsapi(*POSITIONS)
def test_a_position_saved_while_reading_returns_to_the_node(
    reader: Any, source: Input, heap: Any
) -> None:
    read_n_and_return(reader, source, heap)
    node = element(reader)
    assert xml_bytes(node.localName) == b"n" and node.attributeCount == 0


@pytest.mark.windows_only("Wine's reading functions do not continue from a restored position")
@pytest.mark.wwsapi(*POSITIONS)
def test_reading_continues_from_a_restored_position(reader: Any, source: Input, heap: Any) -> None:
    read_n_and_return(reader, source, heap)
    assert read_n(reader) == 123


@records_wine
@pytest.mark.wwsapi(*POSITIONS)
def test_reading_after_a_restored_position_records_wine(
    reader: Any, source: Input, heap: Any
) -> None:
    """Records Wine's behaviour: the node is restored, reading on from it fails."""
    read_n_and_return(reader, source, heap)
    assert name(reader) == "n"
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        read_n(reader)


@pytest.mark.wwsapi(*BUFFER, "WsGetReaderPosition", "WsSetReaderPosition", "WsCreateXmlBuffer")
def test_a_position_in_another_buffer_is_refused(reader: Any, source: Input, heap: Any) -> None:
    order_buffer(reader, source, heap)
    saved = position(reader)
    saved.buffer = friendly.WsCreateXmlBuffer(heap)
    with pytest.raises(wwsapi.E_INVALIDARG):
        friendly.WsSetReaderPosition(reader, saved)


# Reader state: fill, properties, dictionaries, xml: attributes


@pytest.mark.wwsapi(*READING, "WsFillReader", "WsReadNode")
def test_fill_reader_with_the_whole_buffer_leaves_reading_unchanged(
    reader: Any, source: Input
) -> None:
    source.text(reader, DOCUMENT)
    assert friendly.WsFillReader(reader, len(DOCUMENT)) == 0
    open_order(reader)
    to_child(reader, "after")


@pytest.mark.windows_only("Wine's WsFillReader limits a buffer input to minSize bytes")
@pytest.mark.wwsapi(*READING, "WsFillReader", "WsReadNode")
def test_fill_reader_does_nothing_on_a_buffer_input(reader: Any, source: Input) -> None:
    source.text(reader, DOCUMENT)
    friendly.WsFillReader(reader, 8)
    open_order(reader)
    to_child(reader, "after")


@records_wine
@pytest.mark.wwsapi(*READING, "WsFillReader")
def test_fill_reader_on_a_buffer_input_records_wine(reader: Any, source: Input) -> None:
    """Records Wine's behaviour: the reader sees only the first minSize bytes."""
    source.text(reader, DOCUMENT)
    friendly.WsFillReader(reader, 8)
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        friendly.WsReadToStartElement(reader)


class Chunks:
    """A WS_READ_CALLBACK handing out `data` at most `size` bytes a call."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size, self.calls = data, size, 0
        self.callback = wwsapi.WS_READ_CALLBACK(self.read)

    def read(self, state: Any, buffer: Any, most: int, actual: Any, *_: Any) -> int:
        self.calls += 1
        piece, self.data = self.data[: min(most, self.size)], self.data[min(most, self.size) :]
        ctypes.memmove(buffer, piece, len(piece))
        actual[0] = len(piece)
        return 0


@pytest.mark.windows_only("Wine's WsSetInput does not take a stream input")
@pytest.mark.wwsapi(*READING, "WsFillReader", "WsReadNode")
def test_fill_reader_pulls_a_stream_through_its_callback(reader: Any) -> None:
    chunks = Chunks(DOCUMENT, 16)
    encoding = wwsapi.WS_XML_READER_TEXT_ENCODING()
    encoding.encoding.encodingType = wwsapi.WS_XML_READER_ENCODING_TYPE_TEXT
    encoding.charSet = wwsapi.WS_CHARSET_UTF8
    stream = wwsapi.WS_XML_READER_STREAM_INPUT()
    stream.input_.inputType = wwsapi.WS_XML_READER_INPUT_TYPE_STREAM
    stream.readCallback = chunks.callback
    friendly.WsSetInput(
        reader,
        encoding=ctypes.cast(
            ctypes.pointer(encoding), ctypes.POINTER(wwsapi.WS_XML_READER_ENCODING)
        ),
        input_=ctypes.cast(ctypes.pointer(stream), ctypes.POINTER(wwsapi.WS_XML_READER_INPUT)),
    )
    friendly.WsFillReader(reader, len(DOCUMENT))
    assert chunks.calls >= len(DOCUMENT) // 16
    assert not chunks.data  # all of it buffered
    open_order(reader)
    to_child(reader, "after")


@pytest.mark.wwsapi(*READER, "WsGetReaderProperty")
def test_reader_properties_read_back(source: Input) -> None:
    # Wine answers WS_E_INVALID_OPERATION while the reader has no input.
    with XmlReader.create(properties={"max_depth": 7, "max_attributes": 5}) as xml_reader:
        source.text(xml_reader.raw, b"\xff\xfe" + "<a>é</a>".encode("utf-16-le"))
        assert xml_reader.get_property("max_depth") == 7
        assert xml_reader.get_property("max_attributes") == 5
        assert xml_reader.get_property("charset") == wwsapi.WS_CHARSET_UTF16LE
        with pytest.raises(wwsapi.E_INVALIDARG):  # a buffer of the wrong size
            value = ctypes.c_uint64()
            wwsapi.WsGetReaderProperty(
                xml_reader.raw,
                wwsapi.WS_XML_READER_PROPERTY_ID.WS_XML_READER_PROPERTY_MAX_DEPTH,
                ctypes.byref(value),
                ctypes.sizeof(value),
                None,
            )


@pytest.mark.windows_only("Wine never sets WS_XML_READER_PROPERTY_IN_ATTRIBUTE")
@pytest.mark.wwsapi(*READING, "WsGetReaderProperty", "WsReadStartAttribute", "WsReadEndAttribute")
def test_in_attribute_property_follows_the_reader(source: Input) -> None:
    with XmlReader.create() as xml_reader:
        source.text(xml_reader.raw, DOCUMENT)
        assert friendly.WsReadToStartElement(xml_reader.raw)
        assert not xml_reader.get_property("in_attribute")
        friendly.WsReadStartAttribute(xml_reader.raw, 0)
        assert xml_reader.get_property("in_attribute")
        friendly.WsReadEndAttribute(xml_reader.raw)
        assert not xml_reader.get_property("in_attribute")


@pytest.mark.wwsapi("WsGetDictionary")
def test_the_binary_dictionary_holds_the_standard_strings() -> None:
    encoding = wwsapi.WS_ENCODING
    dictionary = friendly.WsGetDictionary(encoding.WS_ENCODING_XML_BINARY_1)
    assert dictionary
    content = dictionary.contents
    assert content.isConst
    assert content.stringCount > 400
    strings = [content.strings[i] for i in range(content.stringCount)]
    # The first strings of the binary XML format's static dictionary ([MC-NBFS]).
    assert [xml_bytes(s) for s in strings[:3]] == [
        b"mustUnderstand",
        b"Envelope",
        b"http://www.w3.org/2003/05/soap-envelope",
    ]
    for index, string in enumerate(strings):  # each string knows its dictionary and id
        assert same_address(string.dictionary, dictionary) and string.id_ == index
    session = friendly.WsGetDictionary(encoding.WS_ENCODING_XML_BINARY_SESSION_1)
    assert bytes(session.contents.guid) == bytes(content.guid)


@records_wine
@pytest.mark.wwsapi("WsGetDictionary")
def test_a_text_encoding_has_no_dictionary_records_wine() -> None:
    """Records Wine's behaviour: NULL and S_OK for a text encoding."""
    assert not friendly.WsGetDictionary(wwsapi.WS_ENCODING.WS_ENCODING_XML_UTF8)


XML_LANG = b'<a xml:lang="en-us"><b><c/></b></a>'


@pytest.mark.windows_only("WsGetXmlAttribute is E_NOTIMPL in Wine 8.0")
@pytest.mark.wwsapi(*READING, "WsGetXmlAttribute")
def test_get_xml_attribute_finds_the_attribute_in_scope(
    reader: Any, source: Input, heap: Any
) -> None:
    source.text(reader, XML_LANG)
    assert friendly.WsReadToStartElement(reader)
    friendly.WsReadStartElement(reader)
    friendly.WsReadStartElement(reader)
    assert name(reader) == "c"  # two levels below the declaring element
    chars, count = friendly.WsGetXmlAttribute(reader, xml_string("lang"), heap)
    assert ctypes.wstring_at(chars, count) == "en-us"


@records_wine
@pytest.mark.wwsapi(*READING, "WsGetXmlAttribute")
def test_get_xml_attribute_records_wine(reader: Any, source: Input, heap: Any) -> None:
    """Records Wine's behaviour: E_NOTIMPL."""
    source.text(reader, XML_LANG)
    assert friendly.WsReadToStartElement(reader)
    with pytest.raises(wwsapi.E_NOTIMPL):
        friendly.WsGetXmlAttribute(reader, xml_string("lang"), heap)
