"""Messages, faults and channels, part two: mapped (HTTP) headers and custom
headers on a message, fault properties of an error object and the detail read
from them, the body fill and flush calls, and on the TCP loopback the reply
to a received message, a session shut down, channel and listener properties
set and read, and a channel and a listener reset and used again.

Life cycles go through the friendly layer (wwsapi.friendly); functions whose
value buffer depends on the other arguments through their generated
prototypes.

How Wine 8.0 behaves here (measured, pinned by the tests that say so):

- Mapped headers: `WsAddMappedHeader` takes WS_XML_STRING_TYPE and
  WS_STRING_TYPE values and replaces a header of the same name;
  `WsGetMappedHeader` reads only WS_WSZ_TYPE (other types:
  WS_E_NOT_SUPPORTED), only WS_SINGLETON_HEADER (WS_REPEATING_HEADER:
  E_NOTIMPL), and a missing header read with WS_READ_REQUIRED_POINTER gives an
  empty string instead of failing. Before `WsInitializeMessage` every mapped
  header call is WS_E_INVALID_OPERATION.
- `WsGetCustomHeader` works when `headerAttributes` is NULL (E_NOTIMPL
  otherwise, see test_messages.py).
- Fault error properties: FAULT and ACTION round-trip (the error keeps a copy,
  adds the reason to its strings and drops both on `WsResetError`); HEADER is
  E_NOTIMPL.
- `WsFillBody` before the envelope is read: E_INVALIDARG; after it, S_OK, but
  the body can no longer be read (WS_E_INVALID_FORMAT), on a buffer as on a
  TCP message read with `WsReadMessageStart`. `WsFlushBody` on a message
  written to an XML buffer: WS_E_INVALID_OPERATION (before the envelope:
  E_INVALIDARG). `WsWriteMessageStart` on a TCP session channel: E_NOTIMPL.
- `WsSendReplyMessage` works; the reply's RelatesTo is the request's
  MessageID (read on the sending side: `WsGetHeader` of ids in a message
  received over TCP (binary encoding) is E_NOTIMPL as WS_STRING_TYPE and
  aborts the process, an assertion in reader.c, as WS_XML_STRING_TYPE).
  `WsSendMessage` sends no MessageID unless the message was initialized as
  WS_REQUEST_MESSAGE first.
- `WsShutdownSessionChannel` works (the peer's receive returns WS_S_END; a
  second shutdown: WS_E_INVALID_OPERATION) but WS_CHANNEL_PROPERTY_IS_SESSION_
  SHUT_DOWN stays FALSE and a send afterwards fails with WS_E_OTHER, leaving
  both channels FAULTED.
- Timeouts (RESOLVE, CONNECT, SEND, RECEIVE_RESPONSE, RECEIVE, CLOSE) set with
  `WsSetChannelProperty` read back and survive `WsResetChannel`; STATE and
  ENCODING: E_INVALIDARG. Listener CONNECT_TIMEOUT, CLOSE_TIMEOUT and
  LISTEN_BACKLOG are settable even while open; STATE: E_INVALIDARG.
- After `WsCloseListener` and `WsResetListener` the listener opens again, but
  its first `WsAcceptChannel` returns WS_E_OPERATION_ABORTED at once (the
  cancel event set by the close is still signalled); the next one works.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import test_channels
import wwsapi
from test_channels import Loopback, channel_state, in_thread, message_for, send
from test_messages import add_priority, priority_header
from wwsapi import friendly
from wwslive import SOAP12, wine_version
from wwsvalues import (
    element,
    endpoint_address,
    message_description,
    ws_string,
    ws_text,
    xml_bytes,
    xml_string,
)

TIMEOUT = 30  # seconds any one network call may take before the test fails
SOAP12_VERSION = wwsapi.WS_ENVELOPE_VERSION.WS_ENVELOPE_VERSION_SOAP_1_2
WSA10_VERSION = wwsapi.WS_ADDRESSING_VERSION.WS_ADDRESSING_VERSION_1_0
DUPLEX_SESSION = wwsapi.WS_CHANNEL_TYPE.WS_CHANNEL_TYPE_DUPLEX_SESSION
TCP = wwsapi.WS_CHANNEL_BINDING.WS_TCP_CHANNEL_BINDING
CHANNEL_STATE = wwsapi.WS_CHANNEL_STATE
ChannelPointer = Any  # ctypes._Pointer[wwsapi.WS_CHANNEL]
NS = "urn:wwsgen:shop"
HEADER_NS = "urn:wwsgen:headers"
ORDER_HEADER = "X-Order-Ref"
PING = "urn:wwsgen:shop/Ping"
PONG = "urn:wwsgen:shop/Pong"
FAULT_ACTION = "urn:wwsgen:shop/OutOfStock"
REASON = "out of stock ✓"

HEAP = ("WsCreateHeap", "WsFreeHeap")
MESSAGE = (*HEAP, "WsCreateMessage", "WsInitializeMessage", "WsFreeMessage")
ERROR_OBJECT = ("WsCreateError", "WsResetError", "WsFreeError")
MAPPED = (*MESSAGE, "WsAddMappedHeader", "WsGetMappedHeader", "WsRemoveMappedHeader")
ENVELOPE = (
    *MESSAGE,
    *ERROR_OBJECT,
    "WsCreateXmlBuffer",
    "WsCreateWriter",
    "WsFreeWriter",
    "WsSetOutputToBuffer",
    "WsWriteEnvelopeStart",
    "WsWriteBody",
    "WsWriteEnvelopeEnd",
    "WsCreateReader",
    "WsFreeReader",
    "WsSetInputToBuffer",
    "WsReadEnvelopeStart",
    "WsReadBody",
)
FAULT = (
    *HEAP,
    *ERROR_OBJECT,
    "WsSetFaultErrorProperty",
    "WsGetFaultErrorProperty",
    "WsGetErrorProperty",
    "WsGetErrorString",
)
XML_WRITER = (
    "WsCreateXmlBuffer",
    "WsCreateWriter",
    "WsSetOutputToBuffer",
    "WsWriteStartElement",
    "WsWriteChars",
    "WsWriteEndElement",
    "WsFreeWriter",
)
CHANNEL = test_channels.TCP_FUNCTIONS


def is_wine() -> bool:
    return wine_version() is not None



@contextmanager
def new_message(initialization: int | None = wwsapi.WS_REQUEST_MESSAGE) -> Iterator[Any]:
    """A SOAP 1.2 / WS-Addressing 1.0 message, initialized unless told not to."""
    message = friendly.WsCreateMessage(SOAP12_VERSION, WSA10_VERSION)
    try:
        if initialization is not None:
            friendly.WsInitializeMessage(message, initialization)
        yield message
    finally:
        friendly.WsFreeMessage(message)


# Mapped headers ---------------------------------------------------------------


def add_mapped(message: Any, name: str, value: Any, value_type: int) -> None:
    wwsapi.WsAddMappedHeader(
        message,
        ctypes.byref(xml_string(name)),
        value_type,
        wwsapi.WS_WRITE_REQUIRED_VALUE,
        ctypes.byref(value),
        ctypes.sizeof(value),
        None,
    )


def get_mapped(message: Any, name: str, heap: Any, option: int) -> str | None:
    """The mapped header `name` as text (WS_WSZ_TYPE, read into a pointer)."""
    text = ctypes.c_wchar_p("untouched")
    wwsapi.WsGetMappedHeader(
        message,
        ctypes.byref(xml_string(name)),
        wwsapi.WS_SINGLETON_HEADER,
        0,
        wwsapi.WS_WSZ_TYPE,
        option,
        heap,
        ctypes.byref(text),
        ctypes.sizeof(text),
        None,
    )
    return text.value


@pytest.mark.wwsapi(*MAPPED)
def test_a_mapped_header_is_added_read_replaced_and_removed(heap: Any) -> None:
    with new_message() as message:
        add_mapped(message, ORDER_HEADER, xml_string("héllo 1"), wwsapi.WS_XML_STRING_TYPE)
        assert get_mapped(message, ORDER_HEADER, heap, wwsapi.WS_READ_OPTIONAL_POINTER) == "héllo 1"
        # Another name is another header.
        add_mapped(message, "X-Other", ws_string("other"), wwsapi.WS_STRING_TYPE)
        # Adding the same name again replaces the value.
        add_mapped(message, ORDER_HEADER, ws_string("second ✓"), wwsapi.WS_STRING_TYPE)
        assert get_mapped(message, ORDER_HEADER, heap, wwsapi.WS_READ_REQUIRED_POINTER) == (
            "second ✓"
        )

        assert friendly.WsRemoveMappedHeader(message, xml_string(ORDER_HEADER)) is None
        # An optional header that is missing reads as NULL (WS_READ_OPTION).
        assert get_mapped(message, ORDER_HEADER, heap, wwsapi.WS_READ_OPTIONAL_POINTER) is None
        assert get_mapped(message, "X-Other", heap, wwsapi.WS_READ_OPTIONAL_POINTER) == "other"


@pytest.mark.windows_only("Wine 8.0 reads a missing required mapped header as ''")
@pytest.mark.wwsapi(*MAPPED)
def test_a_missing_required_mapped_header_raises(heap: Any) -> None:
    with new_message() as message, pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
        get_mapped(message, ORDER_HEADER, heap, wwsapi.WS_READ_REQUIRED_POINTER)


@pytest.mark.wwsapi(*MAPPED)
def test_wine_mapped_header_limits(heap: Any) -> None:
    """Records Wine 8.0's behaviour (see the module docstring)."""
    if not is_wine():
        pytest.skip("records Wine's behaviour")
    with new_message(None) as empty, pytest.raises(wwsapi.WS_E_INVALID_OPERATION):
        add_mapped(empty, ORDER_HEADER, xml_string("x"), wwsapi.WS_XML_STRING_TYPE)
    with new_message() as message:
        assert get_mapped(message, ORDER_HEADER, heap, wwsapi.WS_READ_REQUIRED_POINTER) == ""
        add_mapped(message, ORDER_HEADER, xml_string("x"), wwsapi.WS_XML_STRING_TYPE)
        value = wwsapi.WS_XML_STRING()
        with pytest.raises(wwsapi.WS_E_NOT_SUPPORTED):
            wwsapi.WsGetMappedHeader(
                message,
                ctypes.byref(xml_string(ORDER_HEADER)),
                wwsapi.WS_SINGLETON_HEADER,
                0,
                wwsapi.WS_XML_STRING_TYPE,
                wwsapi.WS_READ_REQUIRED_VALUE,
                heap,
                ctypes.byref(value),
                ctypes.sizeof(value),
                None,
            )


# Custom headers ---------------------------------------------------------------


def read_priority(message: Any, heap: Any) -> int:
    """WsGetCustomHeader with no attributes out-parameter (NULL), as Microsoft's
    HttpCustomHeader sample calls it."""
    found = ctypes.c_int32()
    wwsapi.WsGetCustomHeader(
        message,
        ctypes.byref(priority_header()),
        wwsapi.WS_SINGLETON_HEADER,
        0,
        wwsapi.WS_READ_REQUIRED_VALUE,
        heap,
        ctypes.byref(found),
        ctypes.sizeof(found),
        None,
        None,
    )
    return found.value


@pytest.mark.wwsapi(*MESSAGE, "WsAddCustomHeader", "WsGetCustomHeader", "WsRemoveCustomHeader")
def test_a_custom_header_is_read_back_and_removed(heap: Any) -> None:
    with new_message() as message:
        add_priority(message, -7)
        assert read_priority(message, heap) == -7
        header = priority_header()
        friendly.WsRemoveCustomHeader(message, header.elementLocalName, header.elementNs)
        with pytest.raises(wwsapi.WS_E_INVALID_FORMAT) as caught:
            read_priority(message, heap)
        assert caught.value.function == "WsGetCustomHeader"
        # Removing what is not there is no error.
        friendly.WsRemoveCustomHeader(message, header.elementLocalName, header.elementNs)


# Fault error properties -------------------------------------------------------


@dataclass
class Fault:
    """A WS_FAULT and the C values it points into (kept alive with it)."""

    fault: wwsapi.WS_FAULT
    parts: tuple[Any, ...]


def make_fault(detail: Any = None) -> Fault:
    """A SOAP 1.2 Sender fault with one reason (en-US), an actor and `detail`."""
    code = wwsapi.WS_FAULT_CODE()
    code.value.localName = xml_string("Sender")
    code.value.ns = xml_string(SOAP12)
    reason = wwsapi.WS_FAULT_REASON()
    reason.text = ws_string(REASON)
    reason.lang = ws_string("en-US")
    fault = wwsapi.WS_FAULT()
    fault.code = ctypes.pointer(code)
    fault.reasons = ctypes.pointer(reason)
    fault.reasonCount = 1
    fault.actor = ws_string("urn:wwsgen:shop/actor")
    if detail is not None:
        fault.detail = detail
    return Fault(fault, (code, reason))


def set_fault(error: Any, fault: Fault) -> None:
    wwsapi.WsSetFaultErrorProperty(
        error,
        wwsapi.WS_FAULT_ERROR_PROPERTY_FAULT,
        ctypes.byref(fault.fault),
        ctypes.sizeof(fault.fault),
    )


def set_fault_action(error: Any, action: str) -> None:
    value = xml_string(action)
    wwsapi.WsSetFaultErrorProperty(
        error, wwsapi.WS_FAULT_ERROR_PROPERTY_ACTION, ctypes.byref(value), ctypes.sizeof(value)
    )


def get_fault(error: Any) -> Any:
    """The error's WS_FAULT* (a NULL pointer when none is set)."""
    found = ctypes.POINTER(wwsapi.WS_FAULT)()
    wwsapi.WsGetFaultErrorProperty(
        error, wwsapi.WS_FAULT_ERROR_PROPERTY_FAULT, ctypes.byref(found), ctypes.sizeof(found)
    )
    return found


def get_fault_action(error: Any) -> bytes:
    found = wwsapi.WS_XML_STRING()
    wwsapi.WsGetFaultErrorProperty(
        error, wwsapi.WS_FAULT_ERROR_PROPERTY_ACTION, ctypes.byref(found), ctypes.sizeof(found)
    )
    return xml_bytes(found)


def string_count(error: Any) -> int:
    count = ctypes.c_uint32()
    wwsapi.WsGetErrorProperty(error, wwsapi.WS_ERROR_PROPERTY_STRING_COUNT, ctypes.byref(count), 4)
    return count.value


@contextmanager
def error_object() -> Iterator[Any]:
    error = friendly.WsCreateError()
    try:
        yield error
    finally:
        friendly.WsFreeError(error)


@pytest.mark.wwsapi(*FAULT)
def test_fault_error_properties_set_then_read() -> None:
    with error_object() as error:
        # The defaults: no fault, a zero-length action.
        assert not get_fault(error)
        assert get_fault_action(error) == b""

        set_fault_action(error, FAULT_ACTION)
        assert get_fault_action(error) == FAULT_ACTION.encode()
        fault = make_fault()
        set_fault(error, fault)
        found = get_fault(error)
        assert found
        # The error object keeps its own copy of the fault.
        assert ctypes.addressof(found.contents) != ctypes.addressof(fault.fault)
        del fault
        copy = found.contents
        assert xml_bytes(copy.code.contents.value.localName) == b"Sender"
        assert xml_bytes(copy.code.contents.value.ns) == SOAP12.encode()
        assert not copy.code.contents.subCode
        assert copy.reasonCount == 1
        assert ws_text(copy.reasons[0].text) == REASON
        assert ws_text(copy.reasons[0].lang) == "en-US"
        assert ws_text(copy.actor) == "urn:wwsgen:shop/actor"
        assert not copy.detail
        # The reason (in the error's language) joins the error strings.
        assert string_count(error) == 1
        assert REASON in ws_text(friendly.WsGetErrorString(error, 0))

        friendly.WsResetError(error)
        assert not get_fault(error)
        assert get_fault_action(error) == b""
        assert string_count(error) == 0


@pytest.mark.wwsapi(*FAULT)
def test_a_fault_property_of_the_wrong_size_is_refused() -> None:
    with error_object() as error:
        action = wwsapi.WS_XML_STRING()
        with pytest.raises(wwsapi.E_INVALIDARG) as caught:
            wwsapi.WsGetFaultErrorProperty(
                error, wwsapi.WS_FAULT_ERROR_PROPERTY_ACTION, ctypes.byref(action), 4
            )
        assert caught.value.function == "WsGetFaultErrorProperty"
        fault = make_fault()
        with pytest.raises(wwsapi.E_INVALIDARG):
            wwsapi.WsSetFaultErrorProperty(
                error, wwsapi.WS_FAULT_ERROR_PROPERTY_FAULT, ctypes.byref(fault.fault), 8
            )
        assert not get_fault(error)


@pytest.mark.windows_only("Wine 8.0: WS_FAULT_ERROR_PROPERTY_HEADER is E_NOTIMPL")
@pytest.mark.wwsapi(*FAULT, *XML_WRITER)
def test_fault_header_property_round_trip(heap: Any) -> None:
    with error_object() as error:
        header = element_buffer(heap, ("Retry", HEADER_NS), text="5")
        wwsapi.WsSetFaultErrorProperty(
            error,
            wwsapi.WS_FAULT_ERROR_PROPERTY_HEADER,
            ctypes.byref(header),
            ctypes.sizeof(header),
        )
        found = ctypes.POINTER(wwsapi.WS_XML_BUFFER)()
        wwsapi.WsGetFaultErrorProperty(
            error, wwsapi.WS_FAULT_ERROR_PROPERTY_HEADER, ctypes.byref(found), ctypes.sizeof(found)
        )
        assert found  # a copy of the buffer


@pytest.mark.wwsapi(*FAULT)
def test_wine_fault_header_property() -> None:
    """Records Wine 8.0's behaviour: the HEADER fault property is not implemented."""
    if not is_wine():
        pytest.skip("records Wine's behaviour")
    with error_object() as error:
        found = ctypes.c_void_p()
        with pytest.raises(wwsapi.E_NOTIMPL):
            wwsapi.WsGetFaultErrorProperty(
                error, wwsapi.WS_FAULT_ERROR_PROPERTY_HEADER, ctypes.byref(found), 8
            )


def element_buffer(heap: Any, *path: tuple[str, str], text: str) -> Any:
    """An XML buffer on `heap` holding nested elements ((local name, namespace),
    outermost first) around `text`, written with an XML writer."""
    buffer = friendly.WsCreateXmlBuffer(heap)
    writer = friendly.WsCreateWriter()
    try:
        friendly.WsSetOutputToBuffer(writer, buffer)
        for local_name, ns in path:
            friendly.WsWriteStartElement(writer, xml_string(local_name), xml_string(ns))
        friendly.WsWriteChars(writer, text)
        for _ in path:
            friendly.WsWriteEndElement(writer)
    finally:
        friendly.WsFreeWriter(writer)
    return buffer


def detail_of(element_name: str, action: str | None) -> wwsapi.WS_FAULT_DETAIL_DESCRIPTION:
    description = wwsapi.WS_FAULT_DETAIL_DESCRIPTION()
    if action is not None:
        description.action = ctypes.pointer(xml_string(action))
    description.detailElementDescription = ctypes.pointer(
        element(element_name, NS, wwsapi.WS_INT32_TYPE)
    )
    return description


@pytest.mark.wwsapi(*FAULT, *XML_WRITER, "WsGetFaultErrorDetail")
def test_fault_detail_is_read_from_the_error(heap: Any) -> None:
    # The buffer holds the SOAP detail element; the fault's own content is inside.
    detail = element_buffer(heap, ("detail", SOAP12), ("stock", NS), text="3")
    with error_object() as error:
        set_fault_action(error, FAULT_ACTION)
        set_fault(error, make_fault(detail))
        assert get_fault(error).contents.detail

        stock = ctypes.c_int32()
        for action in (None, FAULT_ACTION):  # no filter, or the fault's own action
            stock.value = 0
            wwsapi.WsGetFaultErrorDetail(
                error,
                ctypes.byref(detail_of("stock", action)),
                wwsapi.WS_READ_REQUIRED_VALUE,
                heap,
                ctypes.byref(stock),
                ctypes.sizeof(stock),
            )
            assert stock.value == 3

        # Another fault's action: the detail does not match, an optional pointer reads NULL.
        found = ctypes.POINTER(ctypes.c_int32)(ctypes.c_int32(99))
        wwsapi.WsGetFaultErrorDetail(
            error,
            ctypes.byref(detail_of("stock", "urn:wwsgen:shop/OtherFault")),
            wwsapi.WS_READ_OPTIONAL_POINTER,
            heap,
            ctypes.byref(found),
            ctypes.sizeof(found),
        )
        assert not found

        # A required value with no detail at all is not in the expected format.
        friendly.WsResetError(error)
        with pytest.raises(wwsapi.WS_E_INVALID_FORMAT) as caught:
            wwsapi.WsGetFaultErrorDetail(
                error,
                ctypes.byref(detail_of("stock", None)),
                wwsapi.WS_READ_REQUIRED_VALUE,
                heap,
                ctypes.byref(stock),
                ctypes.sizeof(stock),
            )
        assert caught.value.function == "WsGetFaultErrorDetail"


# Body fill and flush ----------------------------------------------------------


def body_description() -> wwsapi.WS_ELEMENT_DESCRIPTION:
    return element("note", NS, wwsapi.WS_STRING_TYPE)


def write_body(message: Any, text: str) -> None:
    value = ws_string(text)
    wwsapi.WsWriteBody(
        message,
        ctypes.byref(body_description()),
        wwsapi.WS_WRITE_REQUIRED_VALUE,
        ctypes.byref(value),
        ctypes.sizeof(value),
        None,
    )


def read_body(message: Any, heap: Any) -> str:
    value = wwsapi.WS_STRING()
    wwsapi.WsReadBody(
        message,
        ctypes.byref(body_description()),
        wwsapi.WS_READ_REQUIRED_VALUE,
        heap,
        ctypes.byref(value),
        ctypes.sizeof(value),
        None,
    )
    return ws_text(value)


@contextmanager
def writing(message: Any, heap: Any) -> Iterator[Any]:
    """`message` writing its envelope into a new XML buffer (yielded)."""
    buffer = friendly.WsCreateXmlBuffer(heap)
    writer = friendly.WsCreateWriter()
    try:
        friendly.WsSetOutputToBuffer(writer, buffer)
        friendly.WsWriteEnvelopeStart(message, writer)
        yield buffer
    finally:
        friendly.WsFreeWriter(writer)


@contextmanager
def reading(buffer: Any) -> Iterator[Any]:
    """A new message that has read the start of the envelope in `buffer`."""
    reader = friendly.WsCreateReader()
    try:
        with new_message(None) as message:
            friendly.WsSetInputToBuffer(reader, buffer)
            friendly.WsReadEnvelopeStart(message, reader)
            yield message
    finally:
        friendly.WsFreeReader(reader)


@pytest.mark.windows_only("Wine 8.0's WsFlushBody and WsFillBody break buffered messages")
@pytest.mark.wwsapi(*ENVELOPE, "WsFlushBody", "WsFillBody", "WsReadEnvelopeEnd")
def test_flushed_and_filled_bodies_round_trip(heap: Any) -> None:
    with new_message() as message, writing(message, heap) as buffer:
        write_body(message, "flushed ✓")
        friendly.WsFlushBody(message, 0)
        friendly.WsWriteEnvelopeEnd(message)
    with reading(buffer) as received:
        friendly.WsFillBody(received, 1)
        assert read_body(received, heap) == "flushed ✓"
        friendly.WsReadEnvelopeEnd(received)


@pytest.mark.wwsapi(*ENVELOPE, "WsFlushBody", "WsFillBody", "WsReadEnvelopeEnd")
def test_wine_body_fill_and_flush(heap: Any) -> None:
    """Records Wine 8.0's behaviour: WsFlushBody refuses a buffered message and
    WsFillBody succeeds but leaves the body unreadable."""
    if not is_wine():
        pytest.skip("records Wine's behaviour")
    with new_message() as message:
        with pytest.raises(wwsapi.E_INVALIDARG):  # no envelope started
            friendly.WsFlushBody(message, 0)
        with writing(message, heap) as buffer:
            write_body(message, "buffered")
            with pytest.raises(wwsapi.WS_E_INVALID_OPERATION) as caught:
                friendly.WsFlushBody(message, 0)
            assert caught.value.function == "WsFlushBody"
            friendly.WsWriteEnvelopeEnd(message)

    with new_message(None) as unread, pytest.raises(wwsapi.E_INVALIDARG):
        friendly.WsFillBody(unread, 1)
    with reading(buffer) as received:
        assert read_body(received, heap) == "buffered"  # without WsFillBody
    with reading(buffer) as received:
        assert friendly.WsFillBody(received, 1) == 0
        with pytest.raises(wwsapi.WS_E_INVALID_FORMAT):
            read_body(received, heap)


# The TCP loopback: replies, shutdown, properties, reset -------------------------


loopback = test_channels.loopback  # the fixture: listener open, both channels connected


def channel_property(channel: ChannelPointer, id_: int, value: Any) -> Any:
    wwsapi.WsGetChannelProperty(channel, id_, ctypes.byref(value), ctypes.sizeof(value), None)
    return value.value


def listener_property(listener: Any, id_: int, value: Any) -> Any:
    wwsapi.WsGetListenerProperty(listener, id_, ctypes.byref(value), ctypes.sizeof(value), None)
    return value.value


def receive(channel: ChannelPointer, message: Any, heap: Any, action: str, body: str) -> Any:
    """(HRESULT, body text or None) of WsReceiveMessage with one description:
    the HRESULT tells a message (S_OK) from the end of the session (WS_S_END)."""
    description = message_description(action, element(body, NS, wwsapi.WS_STRING_TYPE))
    pointers = (ctypes.POINTER(wwsapi.WS_MESSAGE_DESCRIPTION) * 1)(ctypes.pointer(description))
    value = wwsapi.WS_STRING()
    result = wwsapi.WsReceiveMessage(
        channel,
        message,
        pointers,
        1,
        wwsapi.WS_RECEIVE_REQUIRED_MESSAGE,
        wwsapi.WS_READ_REQUIRED_VALUE,
        heap,
        ctypes.byref(value),
        ctypes.sizeof(value),
        None,
        None,
        None,
    )
    return result, (ws_text(value) if result == 0 else None)


def exchange(loopback: Loopback, heap: Any, text: str) -> None:
    """One message from the client to the accepted channel, checked."""
    with message_for(loopback.client) as sent, message_for(loopback.server) as received:
        receiving = in_thread(receive, loopback.server, received, heap, PING, "note")
        send(loopback.client, sent, PING, "note", text)
        assert receiving.result(TIMEOUT) == (0, text)


def id_header(message: Any, header: int, heap: Any) -> str:
    value = wwsapi.WS_STRING()
    wwsapi.WsGetHeader(
        message,
        header,
        wwsapi.WS_STRING_TYPE,
        wwsapi.WS_READ_REQUIRED_VALUE,
        heap,
        ctypes.byref(value),
        ctypes.sizeof(value),
        None,
    )
    return ws_text(value)


@pytest.mark.wwsapi(*CHANNEL, "WsSendReplyMessage", "WsGetHeader", "WsGetMessageProperty")
def test_a_reply_to_a_received_message(loopback: Loopback, heap: Any) -> None:
    with (
        message_for(loopback.client) as request,
        message_for(loopback.server) as received,
        message_for(loopback.server) as reply,
        message_for(loopback.client) as answer,
    ):
        # A request message carries a MessageID for the reply to relate to.
        friendly.WsInitializeMessage(request, wwsapi.WS_REQUEST_MESSAGE)
        receiving = in_thread(receive, loopback.server, received, heap, PING, "order")
        send(loopback.client, request, PING, "order", "two pencils ✓")
        assert receiving.result(TIMEOUT) == (0, "two pencils ✓")

        receiving = in_thread(receive, loopback.client, answer, heap, PONG, "receipt")
        description = message_description(PONG, element("receipt", NS, wwsapi.WS_STRING_TYPE))
        value = ws_string("order 17 taken")
        wwsapi.WsSendReplyMessage(
            loopback.server,
            reply,
            ctypes.byref(description),
            wwsapi.WS_WRITE_REQUIRED_VALUE,
            ctypes.byref(value),
            ctypes.sizeof(value),
            received,
            None,
            None,
        )
        assert receiving.result(TIMEOUT) == (0, "order 17 taken")

        state = ctypes.c_int32()
        wwsapi.WsGetMessageProperty(
            reply, wwsapi.WS_MESSAGE_PROPERTY_STATE, ctypes.byref(state), 4, None
        )
        assert state.value == wwsapi.WS_MESSAGE_STATE.WS_MESSAGE_STATE_DONE
        message_id = id_header(request, wwsapi.WS_MESSAGE_ID_HEADER, heap)
        assert message_id.startswith("urn:uuid:")
        assert id_header(reply, wwsapi.WS_RELATES_TO_HEADER, heap) == message_id


@pytest.mark.wwsapi(*CHANNEL, "WsShutdownSessionChannel")
def test_a_session_shut_down_ends_the_peers_receive(loopback: Loopback, heap: Any) -> None:
    exchange(loopback, heap, "last one")
    assert friendly.WsShutdownSessionChannel(loopback.client) == 0
    with message_for(loopback.server) as received:
        # The receiver learns of the shutdown: WS_S_END, no message.
        ended = in_thread(receive, loopback.server, received, heap, PING, "note")
        assert ended.result(TIMEOUT) == (wwsapi.WS_S_END, None)
    with pytest.raises(wwsapi.WS_E_INVALID_OPERATION) as caught:
        friendly.WsShutdownSessionChannel(loopback.client)
    assert caught.value.function == "WsShutdownSessionChannel"


SHUT_DOWN = wwsapi.WS_CHANNEL_PROPERTY_IS_SESSION_SHUT_DOWN


@pytest.mark.windows_only("Wine 8.0 never sets IS_SESSION_SHUT_DOWN; a send after it is WS_E_OTHER")
@pytest.mark.wwsapi(*CHANNEL, "WsShutdownSessionChannel")
def test_a_shut_down_session_refuses_sends(loopback: Loopback) -> None:
    assert channel_property(loopback.client, SHUT_DOWN, ctypes.c_int32()) == 0
    friendly.WsShutdownSessionChannel(loopback.client)
    assert channel_property(loopback.client, SHUT_DOWN, ctypes.c_int32()) == 1
    with message_for(loopback.client) as sent, pytest.raises(wwsapi.WS_E_INVALID_OPERATION):
        send(loopback.client, sent, PING, "note", "too late")


@pytest.mark.wwsapi(*CHANNEL, "WsShutdownSessionChannel")
def test_wine_shut_down_session(loopback: Loopback, heap: Any) -> None:
    """Records Wine 8.0's behaviour after WsShutdownSessionChannel."""
    if not is_wine():
        pytest.skip("records Wine's behaviour")
    exchange(loopback, heap, "first")
    friendly.WsShutdownSessionChannel(loopback.client)
    assert channel_property(loopback.client, SHUT_DOWN, ctypes.c_int32()) == 0
    with message_for(loopback.client) as sent, pytest.raises(wwsapi.WS_E_OTHER):
        send(loopback.client, sent, PING, "note", "too late")
    assert channel_state(loopback.client) is CHANNEL_STATE.WS_CHANNEL_STATE_FAULTED


TIMEOUTS = (
    wwsapi.WS_CHANNEL_PROPERTY_RESOLVE_TIMEOUT,
    wwsapi.WS_CHANNEL_PROPERTY_CONNECT_TIMEOUT,
    wwsapi.WS_CHANNEL_PROPERTY_SEND_TIMEOUT,
    wwsapi.WS_CHANNEL_PROPERTY_RECEIVE_RESPONSE_TIMEOUT,
    wwsapi.WS_CHANNEL_PROPERTY_RECEIVE_TIMEOUT,
    wwsapi.WS_CHANNEL_PROPERTY_CLOSE_TIMEOUT,
)


def set_channel_property(channel: ChannelPointer, id_: int, value: Any) -> None:
    wwsapi.WsSetChannelProperty(channel, id_, ctypes.byref(value), ctypes.sizeof(value), None)


@pytest.mark.wwsapi(*CHANNEL, "WsSetChannelProperty", "WsResetChannel")
def test_channel_timeouts_set_are_read_and_survive_a_reset() -> None:
    channel = friendly.WsCreateChannel(DUPLEX_SESSION, TCP)
    try:
        for offset, id_ in enumerate(TIMEOUTS):
            set_channel_property(channel, id_, ctypes.c_uint32(4321 + offset))
        assert [channel_property(channel, i, ctypes.c_uint32()) for i in TIMEOUTS] == [
            4321 + offset for offset in range(len(TIMEOUTS))
        ]
        # Read-only properties, and values of the wrong size, are refused.
        with pytest.raises(wwsapi.E_INVALIDARG) as caught:
            set_channel_property(channel, wwsapi.WS_CHANNEL_PROPERTY_STATE, ctypes.c_int32(0))
        assert caught.value.function == "WsSetChannelProperty"
        with pytest.raises(wwsapi.E_INVALIDARG):
            set_channel_property(channel, TIMEOUTS[0], ctypes.c_uint16(1))

        friendly.WsResetChannel(channel)  # CREATED already: allowed
        assert channel_state(channel) is CHANNEL_STATE.WS_CHANNEL_STATE_CREATED
        assert channel_property(channel, TIMEOUTS[0], ctypes.c_uint32()) == 4321
    finally:
        friendly.WsFreeChannel(channel)


@pytest.mark.wwsapi(*CHANNEL, "WsResetChannel", "WsResetListener", "WsSetListenerProperty")
def test_channels_and_listener_reset_and_used_again(loopback: Loopback, heap: Any) -> None:
    listener, client, server = loopback.listener, loopback.client, loopback.server
    # Open objects cannot be reset.
    for reset, target in ((friendly.WsResetChannel, client), (friendly.WsResetListener, listener)):
        with pytest.raises(wwsapi.WS_E_INVALID_OPERATION):
            reset(target)
    exchange(loopback, heap, "first")

    for channel in (client, server):
        friendly.WsCloseChannel(channel)
        friendly.WsResetChannel(channel)
        assert channel_state(channel) is CHANNEL_STATE.WS_CHANNEL_STATE_CREATED
    friendly.WsCloseListener(listener)
    friendly.WsResetListener(listener)
    state = wwsapi.WS_LISTENER_PROPERTY_STATE
    assert listener_property(listener, state, ctypes.c_int32()) == (
        wwsapi.WS_LISTENER_STATE.WS_LISTENER_STATE_CREATED
    )

    timeout = wwsapi.WS_LISTENER_PROPERTY_CONNECT_TIMEOUT
    wwsapi.WsSetListenerProperty(listener, timeout, ctypes.byref(ctypes.c_uint32(7000)), 4, None)
    assert listener_property(listener, timeout, ctypes.c_uint32()) == 7000
    with pytest.raises(wwsapi.E_INVALIDARG):  # read-only
        wwsapi.WsSetListenerProperty(listener, state, ctypes.byref(ctypes.c_int32(0)), 4, None)

    friendly.WsOpenListener(listener, ws_string(loopback.url))
    if is_wine():  # the close's cancellation is still pending (module docstring)
        with pytest.raises(wwsapi.WS_E_OPERATION_ABORTED):
            friendly.WsAcceptChannel(listener, server)
    accepted = in_thread(friendly.WsAcceptChannel, listener, server)
    friendly.WsOpenChannel(client, endpoint_address(loopback.url))
    assert accepted.result(TIMEOUT) == 0
    exchange(loopback, heap, "second")
