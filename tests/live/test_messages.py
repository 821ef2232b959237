"""Messages: properties set and read, headers set, read and removed, addressing,
and a whole envelope (headers and body) written into an XML buffer and read back
into another message.

Message life cycle, addressing, header removal and the envelope calls go
through the friendly layer (wwsapi.friendly); the property, header and body
functions, whose value buffer depends on the other arguments, through their
generated prototypes."""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pytest
import wwsapi
from wwsapi import friendly
from wwslive import SOAP12, WSA10
from wwsvalues import element, endpoint_address, ws_string, ws_text, xml_bytes, xml_string

SOAP12_VERSION = wwsapi.WS_ENVELOPE_VERSION.WS_ENVELOPE_VERSION_SOAP_1_2
WSA10_VERSION = wwsapi.WS_ADDRESSING_VERSION.WS_ADDRESSING_VERSION_1_0
STATE = wwsapi.WS_MESSAGE_STATE
PROPERTY = wwsapi.WS_MESSAGE_PROPERTY_ID
ACTION = "urn:wwsgen:orders/Submit"
TO = "http://127.0.0.1:8/orders"
NOTE = "héllo ✓ body"
HEADER_NS = "urn:wwsgen:headers"
BODY_NS = "urn:wwsgen:body"

MESSAGE_FUNCTIONS = (
    "WsCreateHeap",
    "WsFreeHeap",
    "WsAlloc",
    "WsCreateMessage",
    "WsInitializeMessage",
    "WsGetMessageProperty",
    "WsSetMessageProperty",
    "WsResetMessage",
    "WsFreeMessage",
    "WsSetHeader",
    "WsGetHeader",
    "WsRemoveHeader",
    "WsAddCustomHeader",
    "WsAddressMessage",
    "WsCreateXmlBuffer",
    "WsCreateWriter",
    "WsFreeWriter",
    "WsSetOutputToBuffer",
    "WsWriteEnvelopeStart",
    "WsWriteBody",
    "WsWriteEnvelopeEnd",
    "WsWriteXmlBufferToBytes",
    "WsCreateReader",
    "WsFreeReader",
    "WsSetInputToBuffer",
    "WsReadEnvelopeStart",
    "WsReadBody",
    "WsReadEnvelopeEnd",
    "WsCreateError",
    "WsResetError",
)


@contextmanager
def new_message(initialization: int | None = None) -> Iterator[Any]:
    """A SOAP 1.2 / WS-Addressing 1.0 message, initialized when asked, freed after."""
    message = friendly.WsCreateMessage(SOAP12_VERSION, WSA10_VERSION)
    try:
        if initialization is not None:
            friendly.WsInitializeMessage(message, initialization)
        yield message
    finally:
        friendly.WsFreeMessage(message)


@dataclass
class Parts:
    heap: Any  # WS_HEAP*: values read back, XML buffers
    message: Any  # WS_MESSAGE*


@pytest.fixture
def parts() -> Iterator[Parts]:
    """A heap and a request message in the initialized state."""
    heap = friendly.WsCreateHeap(1 << 20, 0)
    try:
        with new_message(wwsapi.WS_REQUEST_MESSAGE) as message:
            yield Parts(heap, message)
    finally:
        friendly.WsFreeHeap(heap)


def get_property(message: Any, id_: int, value: Any) -> Any:
    """Fill `value` (a ctypes value of the property's type) with WsGetMessageProperty."""
    wwsapi.WsGetMessageProperty(message, id_, ctypes.byref(value), ctypes.sizeof(value), None)
    return value.value


def state(message: Any) -> STATE:
    return STATE(get_property(message, PROPERTY.WS_MESSAGE_PROPERTY_STATE, ctypes.c_int32()))


def set_header(message: Any, header: int, value: Any, value_type: int) -> None:
    wwsapi.WsSetHeader(
        message,
        header,
        value_type,
        wwsapi.WS_WRITE_REQUIRED_VALUE,
        ctypes.byref(value),
        ctypes.sizeof(value),
        None,
    )


def get_header(parts: Parts, message: Any, header: int, value: Any, value_type: int) -> Any:
    wwsapi.WsGetHeader(
        message,
        header,
        value_type,
        wwsapi.WS_READ_REQUIRED_VALUE,
        parts.heap,
        ctypes.byref(value),
        ctypes.sizeof(value),
        None,
    )
    return value


def action_of(parts: Parts, message: Any) -> bytes:
    found = get_header(
        parts, message, wwsapi.WS_ACTION_HEADER, wwsapi.WS_XML_STRING(), wwsapi.WS_XML_STRING_TYPE
    )
    return xml_bytes(found)


@pytest.mark.wwsapi(*MESSAGE_FUNCTIONS)
def test_properties_of_a_new_message(parts: Parts) -> None:
    message = parts.message
    assert state(message) is STATE.WS_MESSAGE_STATE_INITIALIZED
    envelope = get_property(
        message, PROPERTY.WS_MESSAGE_PROPERTY_ENVELOPE_VERSION, ctypes.c_int32()
    )
    assert envelope == SOAP12_VERSION
    addressing = get_property(
        message, PROPERTY.WS_MESSAGE_PROPERTY_ADDRESSING_VERSION, ctypes.c_int32()
    )
    assert addressing == WSA10_VERSION
    assert get_property(message, PROPERTY.WS_MESSAGE_PROPERTY_IS_ADDRESSED, ctypes.c_int32()) == 0
    assert get_property(message, PROPERTY.WS_MESSAGE_PROPERTY_IS_FAULT, ctypes.c_int32()) == 0

    # The message's own heap: a WS_HEAP* that the heap functions accept.
    heap = ctypes.POINTER(wwsapi.WS_HEAP)()
    wwsapi.WsGetMessageProperty(
        message, PROPERTY.WS_MESSAGE_PROPERTY_HEAP, ctypes.byref(heap), ctypes.sizeof(heap), None
    )
    assert friendly.WsAlloc(heap, 64)

    friendly.WsResetMessage(message)
    assert state(message) is STATE.WS_MESSAGE_STATE_EMPTY


@pytest.mark.wwsapi(*MESSAGE_FUNCTIONS)
def test_set_message_property(parts: Parts) -> None:
    message = parts.message
    fault = ctypes.c_int32(1)
    wwsapi.WsSetMessageProperty(
        message, PROPERTY.WS_MESSAGE_PROPERTY_IS_FAULT, ctypes.byref(fault), 4, None
    )
    assert get_property(message, PROPERTY.WS_MESSAGE_PROPERTY_IS_FAULT, ctypes.c_int32()) == 1
    # IS_ADDRESSED is set by WsAddressMessage, never directly.
    addressed = ctypes.c_int32(1)
    with pytest.raises(wwsapi.E_INVALIDARG) as caught:
        wwsapi.WsSetMessageProperty(
            message, PROPERTY.WS_MESSAGE_PROPERTY_IS_ADDRESSED, ctypes.byref(addressed), 4, None
        )
    assert caught.value.function == "WsSetMessageProperty"
    assert get_property(message, PROPERTY.WS_MESSAGE_PROPERTY_IS_ADDRESSED, ctypes.c_int32()) == 0


@pytest.mark.wwsapi(*MESSAGE_FUNCTIONS)
def test_headers_are_set_read_and_removed(parts: Parts) -> None:
    message = parts.message
    # WS_REQUEST_MESSAGE gives the message a fresh MessageID.
    id_type, id_value = wwsapi.WS_XML_STRING_TYPE, wwsapi.WS_XML_STRING()
    message_id = get_header(parts, message, wwsapi.WS_MESSAGE_ID_HEADER, id_value, id_type)
    uuid = rb"urn:uuid:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
    assert re.fullmatch(uuid, xml_bytes(message_id))

    set_header(message, wwsapi.WS_ACTION_HEADER, xml_string(ACTION), wwsapi.WS_XML_STRING_TYPE)
    assert action_of(parts, message) == ACTION.encode()
    set_header(message, wwsapi.WS_TO_HEADER, ws_string(TO), wwsapi.WS_STRING_TYPE)
    to = get_header(parts, message, wwsapi.WS_TO_HEADER, wwsapi.WS_STRING(), wwsapi.WS_STRING_TYPE)
    assert ws_text(to) == TO
    # Setting a header again replaces it.
    set_header(message, wwsapi.WS_ACTION_HEADER, ws_string(ACTION + "2"), wwsapi.WS_STRING_TYPE)
    assert action_of(parts, message) == (ACTION + "2").encode()

    friendly.WsRemoveHeader(message, wwsapi.WS_ACTION_HEADER)
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT) as caught:
        action_of(parts, message)
    assert caught.value.function == "WsGetHeader"
    assert caught.value.meaning.startswith("The header is required but missing")


def priority_header() -> wwsapi.WS_ELEMENT_DESCRIPTION:
    """The custom header <Priority xmlns="urn:wwsgen:headers">int</Priority>."""
    return element("Priority", HEADER_NS, wwsapi.WS_INT32_TYPE)


def add_priority(message: Any, priority: int) -> None:
    value = ctypes.c_int32(priority)
    wwsapi.WsAddCustomHeader(
        message,
        ctypes.byref(priority_header()),
        wwsapi.WS_WRITE_REQUIRED_VALUE,
        ctypes.byref(value),
        ctypes.sizeof(value),
        0,
        None,
    )


@dataclass
class Envelope:
    buffer: Any  # WS_XML_BUFFER*, on the test's heap
    bytes_: bytes


def write(parts: Parts, message: Any, note: str) -> Envelope:
    """Write `message` (headers and a <note> body holding `note`) into a new XML
    buffer, checking the message states on the way."""
    description = element("note", BODY_NS, wwsapi.WS_STRING_TYPE)
    buffer = friendly.WsCreateXmlBuffer(parts.heap)
    writer = friendly.WsCreateWriter()
    try:
        friendly.WsSetOutputToBuffer(writer, buffer)
        friendly.WsWriteEnvelopeStart(message, writer)
        assert state(message) is STATE.WS_MESSAGE_STATE_WRITING
        value = ws_string(note)
        wwsapi.WsWriteBody(
            message,
            ctypes.byref(description),
            wwsapi.WS_WRITE_REQUIRED_VALUE,
            ctypes.byref(value),
            ctypes.sizeof(value),
            None,
        )
        friendly.WsWriteEnvelopeEnd(message)
        assert state(message) is STATE.WS_MESSAGE_STATE_DONE
        address, size = friendly.WsWriteXmlBufferToBytes(writer, buffer, parts.heap)
    finally:
        friendly.WsFreeWriter(writer)
    return Envelope(buffer, ctypes.string_at(address or 0, size))


@contextmanager
def read_envelope(envelope: Envelope) -> Iterator[Any]:
    """A new message that has read the start of `envelope` (WsReadEnvelopeStart)."""
    reader = friendly.WsCreateReader()
    try:
        with new_message() as received:
            friendly.WsSetInputToBuffer(reader, envelope.buffer)
            friendly.WsReadEnvelopeStart(received, reader)
            yield received
    finally:
        friendly.WsFreeReader(reader)


@pytest.mark.wwsapi(*MESSAGE_FUNCTIONS)
def test_an_envelope_round_trip(parts: Parts) -> None:
    sent = parts.message
    set_header(sent, wwsapi.WS_ACTION_HEADER, xml_string(ACTION), wwsapi.WS_XML_STRING_TYPE)
    set_header(sent, wwsapi.WS_TO_HEADER, ws_string(TO), wwsapi.WS_STRING_TYPE)
    add_priority(sent, 7)
    envelope = write(parts, sent, NOTE)

    root = ElementTree.fromstring(envelope.bytes_)
    assert root.tag == f"{{{SOAP12}}}Envelope"
    header_element = root.find(f"{{{SOAP12}}}Header")
    assert header_element is not None
    headers = {child.tag: child for child in header_element}
    assert headers[f"{{{WSA10}}}Action"].text == ACTION
    assert headers[f"{{{WSA10}}}Action"].get(f"{{{SOAP12}}}mustUnderstand") == "1"
    assert headers[f"{{{WSA10}}}To"].text == TO
    assert headers[f"{{{HEADER_NS}}}Priority"].text == "7"
    assert f"{{{WSA10}}}MessageID" in headers
    assert root.findtext(f"{{{SOAP12}}}Body/{{{BODY_NS}}}note") == NOTE

    with read_envelope(envelope) as received:
        assert state(received) is STATE.WS_MESSAGE_STATE_READING
        assert action_of(parts, received) == ACTION.encode()
        to = get_header(
            parts, received, wwsapi.WS_TO_HEADER, wwsapi.WS_STRING(), wwsapi.WS_STRING_TYPE
        )
        assert ws_text(to) == TO
        note = wwsapi.WS_STRING()
        description = element("note", BODY_NS, wwsapi.WS_STRING_TYPE)
        wwsapi.WsReadBody(
            received,
            ctypes.byref(description),
            wwsapi.WS_READ_REQUIRED_VALUE,
            parts.heap,
            ctypes.byref(note),
            ctypes.sizeof(note),
            None,
        )
        assert ws_text(note) == NOTE
        friendly.WsReadEnvelopeEnd(received)
        assert state(received) is STATE.WS_MESSAGE_STATE_DONE
        friendly.WsResetMessage(received)
        assert state(received) is STATE.WS_MESSAGE_STATE_EMPTY


@pytest.mark.wwsapi(*MESSAGE_FUNCTIONS)
def test_a_body_of_another_element_is_refused(parts: Parts) -> None:
    envelope = write(parts, parts.message, NOTE)
    with read_envelope(envelope) as received:
        number = ctypes.c_int32()
        description = element("count", BODY_NS, wwsapi.WS_INT32_TYPE)
        with pytest.raises(wwsapi.WS_E_INVALID_FORMAT) as caught:
            wwsapi.WsReadBody(
                received,
                ctypes.byref(description),
                wwsapi.WS_READ_REQUIRED_VALUE,
                parts.heap,
                ctypes.byref(number),
                4,
                None,
            )
    assert caught.value.function == "WsReadBody"


@pytest.mark.wwsapi(*MESSAGE_FUNCTIONS)
def test_address_message(parts: Parts) -> None:
    with new_message(wwsapi.WS_BLANK_MESSAGE) as message:
        address = endpoint_address(TO)
        friendly.WsAddressMessage(message, address=address)
        assert get_property(message, PROPERTY.WS_MESSAGE_PROPERTY_IS_ADDRESSED, ctypes.c_int32())
        with pytest.raises(wwsapi.WS_E_INVALID_OPERATION) as caught:
            friendly.WsAddressMessage(message, address=address)
        assert caught.value.meaning == "The message has already been addressed."
        envelope = write(parts, message, NOTE)
    root = ElementTree.fromstring(envelope.bytes_)
    assert root.findtext(f"{{{SOAP12}}}Header/{{{WSA10}}}To") == TO
    # A blank message has no MessageID of its own.
    assert root.find(f"{{{SOAP12}}}Header/{{{WSA10}}}MessageID") is None


@pytest.mark.windows_only("Wine 8.0's WsGetCustomHeader returns E_NOTIMPL")
@pytest.mark.wwsapi(*MESSAGE_FUNCTIONS, "WsGetCustomHeader", "WsRemoveCustomHeader")
def test_custom_header_read_back(parts: Parts) -> None:
    add_priority(parts.message, 7)
    assert read_priority(parts, parts.message) == 7
    header = priority_header()
    friendly.WsRemoveCustomHeader(parts.message, header.elementLocalName, header.elementNs)
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        read_priority(parts, parts.message)


def read_priority(parts: Parts, message: Any) -> int:
    found, attributes = ctypes.c_int32(), ctypes.c_uint32()
    wwsapi.WsGetCustomHeader(
        message,
        ctypes.byref(priority_header()),
        wwsapi.WS_SINGLETON_HEADER,
        0,
        wwsapi.WS_READ_REQUIRED_VALUE,
        parts.heap,
        ctypes.byref(found),
        4,
        ctypes.byref(attributes),
        None,
    )
    return found.value


@pytest.mark.wwsapi(*MESSAGE_FUNCTIONS)
def test_the_prototype_takes_none_for_an_optional_callback(parts: Parts) -> None:
    # The friendly layer passes a NULL callback of the right type (every
    # envelope above is written so); the prototype itself takes None as NULL,
    # as its typed signature says, and still refuses what is no callback.
    writer = friendly.WsCreateWriter()
    try:
        friendly.WsSetOutputToBuffer(writer, friendly.WsCreateXmlBuffer(parts.heap))
        with pytest.raises(ctypes.ArgumentError):
            wwsapi.WsWriteEnvelopeStart(parts.message, writer, print, None, None)
        assert wwsapi.WsWriteEnvelopeStart(parts.message, writer, None, None, None) == 0
        assert state(parts.message) is STATE.WS_MESSAGE_STATE_WRITING
    finally:
        friendly.WsFreeWriter(writer)
