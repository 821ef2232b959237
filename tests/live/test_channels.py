"""Channels: a TCP loopback exchange between a listener's channel and a client
channel, an HTTP request/reply against an endpoint served by the test, and the
properties of a received message, security results included, on those
unsecured channels.

Channel, listener and message life cycles go through the friendly layer
(wwsapi.friendly); sending, receiving, request/reply and the properties, whose
value buffers depend on the other arguments, through their generated prototypes.

Wine's first WsSendMessage on a new session channel waits until the peer
receives, so one side of every exchange runs in a thread (ctypes releases
the GIL during the call); `Loopback.close` aborts whatever a failed test
left open, so that nothing blocks the next test."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from xml.etree import ElementTree

import pytest
import wwsapi
from wwsapi import friendly
from wwslive import SOAP12, WSA10, SoapEndpoint, SoapRequest, soap_reply, wine_version
from wwsvalues import element, endpoint_address, message_description, ws_string, ws_text

T = TypeVar("T")
TIMEOUT = 30  # seconds any one network call may take before the test fails
CHANNEL_TYPE = wwsapi.WS_CHANNEL_TYPE
BINDING = wwsapi.WS_CHANNEL_BINDING
PROPERTY = wwsapi.WS_MESSAGE_PROPERTY_ID
STATE = wwsapi.WS_MESSAGE_STATE
NS = "urn:wwsgen:shop"
PING = "urn:wwsgen:shop/Ping"
PONG = "urn:wwsgen:shop/Pong"
DUPLEX_SESSION = CHANNEL_TYPE.WS_CHANNEL_TYPE_DUPLEX_SESSION
TCP = BINDING.WS_TCP_CHANNEL_BINDING
REQUEST = CHANNEL_TYPE.WS_CHANNEL_TYPE_REQUEST
HTTP = BINDING.WS_HTTP_CHANNEL_BINDING
PING_NOTE = (PING, "note")  # (action, body element)
PONG_REPLY = (PONG, "reply")

CHANNEL_FUNCTIONS = (
    "WsCreateHeap",
    "WsFreeHeap",
    "WsCreateChannel",
    "WsOpenChannel",
    "WsCloseChannel",
    "WsAbortChannel",
    "WsFreeChannel",
    "WsGetChannelProperty",
    "WsCreateMessageForChannel",
    "WsGetMessageProperty",
    "WsGetHeader",
    "WsResetMessage",
    "WsFreeMessage",
    "WsCreateError",
    "WsResetError",
    "WsFreeError",
)
TCP_FUNCTIONS = (
    *CHANNEL_FUNCTIONS,
    "WsCreateListener",
    "WsOpenListener",
    "WsGetListenerProperty",
    "WsCreateChannelForListener",
    "WsAcceptChannel",
    "WsSendMessage",
    "WsReceiveMessage",
    "WsCloseListener",
    "WsFreeListener",
)
HTTP_FUNCTIONS = (*CHANNEL_FUNCTIONS, "WsRequestReply")

ChannelPointer = Any  # ctypes._Pointer[wwsapi.WS_CHANNEL]


def in_thread(function: Callable[..., T], *args: Any) -> Future[T]:
    """Run `function(*args)` in a new thread; its exception comes back with the result."""
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(function, *args)
    pool.shutdown(wait=False)
    return future



def channel_state(channel: ChannelPointer) -> wwsapi.WS_CHANNEL_STATE:
    value = ctypes.c_int32()
    wwsapi.WsGetChannelProperty(
        channel, wwsapi.WS_CHANNEL_PROPERTY_STATE, ctypes.byref(value), 4, None
    )
    return wwsapi.WS_CHANNEL_STATE(value.value)


@contextmanager
def message_for(channel: ChannelPointer) -> Iterator[Any]:
    """A message for `channel` (WsCreateMessageForChannel), freed after."""
    message = friendly.WsCreateMessageForChannel(channel)
    try:
        yield message
    finally:
        friendly.WsFreeMessage(message)


def get_property(message: Any, id_: int, value: Any) -> Any:
    wwsapi.WsGetMessageProperty(message, id_, ctypes.byref(value), ctypes.sizeof(value), None)
    return value.value


def action_of(message: Any, heap: Any) -> str:
    action = wwsapi.WS_STRING()
    wwsapi.WsGetHeader(
        message,
        wwsapi.WS_ACTION_HEADER,
        wwsapi.WS_STRING_TYPE,
        wwsapi.WS_READ_REQUIRED_VALUE,
        heap,
        ctypes.byref(action),
        ctypes.sizeof(action),
        None,
    )
    return ws_text(action)


@dataclass
class Loopback:
    """A listener on net.tcp://127.0.0.1:<port>, the channel it accepted and the
    client channel connected to it."""

    url: str
    listener: Any = None
    server: ChannelPointer = None
    client: ChannelPointer = None

    def open(self) -> None:
        self.listener = friendly.WsCreateListener(DUPLEX_SESSION, TCP)
        friendly.WsOpenListener(self.listener, ws_string(self.url))
        self.server = friendly.WsCreateChannelForListener(self.listener)
        self.client = friendly.WsCreateChannel(DUPLEX_SESSION, TCP)
        accepted = in_thread(friendly.WsAcceptChannel, self.listener, self.server)
        friendly.WsOpenChannel(self.client, endpoint_address(self.url))
        assert accepted.result(TIMEOUT) == 0

    def close(self) -> None:
        """Close and free everything; abort first what is still open (after a failure)."""
        for channel in (self.client, self.server):
            if channel:
                if channel_state(channel) is not wwsapi.WS_CHANNEL_STATE_CLOSED:
                    friendly.WsAbortChannel(channel)
                    friendly.WsCloseChannel(channel)
                friendly.WsFreeChannel(channel)
        if self.listener:
            friendly.WsCloseListener(self.listener)
            friendly.WsFreeListener(self.listener)


@pytest.fixture
def loopback(free_tcp_port: int) -> Iterator[Loopback]:
    loop = Loopback(f"net.tcp://127.0.0.1:{free_tcp_port}/shop")
    try:
        loop.open()
        yield loop
    finally:
        loop.close()


def send(channel: ChannelPointer, message: Any, action: str, body: str, text: str) -> None:
    """Send `text` as the body element <`body` xmlns=NS> with `action` (WsSendMessage)."""
    description = message_description(action, element(body, NS, wwsapi.WS_STRING_TYPE))
    value = ws_string(text)
    wwsapi.WsSendMessage(
        channel,
        message,
        ctypes.byref(description),
        wwsapi.WS_WRITE_REQUIRED_VALUE,
        ctypes.byref(value),
        ctypes.sizeof(value),
        None,
        None,
    )


def receive(
    channel: ChannelPointer, message: Any, heap: Any, *expected: tuple[str, str]
) -> tuple[int, str]:
    """Receive a message described by one of `expected` ((action, body element) pairs)
    with WsReceiveMessage: (index of the description it matched, body text)."""
    descriptions = [
        message_description(action, element(body, NS, wwsapi.WS_STRING_TYPE))
        for action, body in expected
    ]
    pointers = (ctypes.POINTER(wwsapi.WS_MESSAGE_DESCRIPTION) * len(descriptions))(
        *(ctypes.pointer(d) for d in descriptions)
    )
    value, index = wwsapi.WS_STRING(), ctypes.c_uint32(len(expected))
    wwsapi.WsReceiveMessage(
        channel,
        message,
        pointers,
        len(descriptions),
        wwsapi.WS_RECEIVE_REQUIRED_MESSAGE,
        wwsapi.WS_READ_REQUIRED_VALUE,
        heap,
        ctypes.byref(value),
        ctypes.sizeof(value),
        ctypes.byref(index),
        None,
        None,
    )
    return index.value, ws_text(value)


@pytest.mark.wwsapi(*TCP_FUNCTIONS)
def test_tcp_loopback_exchange(loopback: Loopback, heap: Any) -> None:
    assert channel_state(loopback.client) is wwsapi.WS_CHANNEL_STATE_OPEN
    assert channel_state(loopback.server) is wwsapi.WS_CHANNEL_STATE_OPEN
    with message_for(loopback.client) as sent, message_for(loopback.server) as received:
        # The first send on a session returns once the peer receives: receive in a thread.
        # Two descriptions: the second one matches (by its action; Wine 8.0 goes by
        # the body element, which differs too).
        receiving = in_thread(receive, loopback.server, received, heap, PONG_REPLY, PING_NOTE)
        send(loopback.client, sent, *PING_NOTE, "ping ✓ 𝄞")
        assert receiving.result(TIMEOUT) == (1, "ping ✓ 𝄞")
        assert action_of(received, heap) == PING

        # And back, from the accepted channel to the client.
        friendly.WsResetMessage(sent)
        friendly.WsResetMessage(received)
        receiving = in_thread(receive, loopback.client, sent, heap, PONG_REPLY)
        send(loopback.server, received, *PONG_REPLY, "pong")
        assert receiving.result(TIMEOUT) == (0, "pong")

    for channel in (loopback.client, loopback.server):
        friendly.WsCloseChannel(channel)
        assert channel_state(channel) is wwsapi.WS_CHANNEL_STATE_CLOSED
    friendly.WsCloseListener(loopback.listener)
    state = ctypes.c_int32()
    wwsapi.WsGetListenerProperty(
        loopback.listener, wwsapi.WS_LISTENER_PROPERTY_STATE, ctypes.byref(state), 4, None
    )
    assert state.value == wwsapi.WS_LISTENER_STATE.WS_LISTENER_STATE_CLOSED


@pytest.mark.wwsapi(*TCP_FUNCTIONS)
def test_properties_of_a_received_message(loopback: Loopback, heap: Any) -> None:
    with message_for(loopback.client) as sent, message_for(loopback.server) as received:
        receiving = in_thread(receive, loopback.server, received, heap, PING_NOTE)
        send(loopback.client, sent, *PING_NOTE, "ping")
        receiving.result(TIMEOUT)

        assert get_property(received, PROPERTY.WS_MESSAGE_PROPERTY_STATE, ctypes.c_int32()) == (
            STATE.WS_MESSAGE_STATE_DONE
        )
        envelope = get_property(
            received, PROPERTY.WS_MESSAGE_PROPERTY_ENVELOPE_VERSION, ctypes.c_int32()
        )
        assert envelope == wwsapi.WS_ENVELOPE_VERSION.WS_ENVELOPE_VERSION_SOAP_1_2
        addressing = get_property(
            received, PROPERTY.WS_MESSAGE_PROPERTY_ADDRESSING_VERSION, ctypes.c_int32()
        )
        assert addressing == wwsapi.WS_ADDRESSING_VERSION.WS_ADDRESSING_VERSION_1_0
        assert not get_property(received, PROPERTY.WS_MESSAGE_PROPERTY_IS_FAULT, ctypes.c_int32())
        message_heap = ctypes.c_void_p()
        assert get_property(received, PROPERTY.WS_MESSAGE_PROPERTY_HEAP, message_heap)

        # A security processing result on a channel without security: the
        # "Security Processing Results" page says asking for a property that does
        # not apply fails; Wine answers E_INVALIDARG.
        token = ctypes.c_void_p()
        with pytest.raises(wwsapi.E_INVALIDARG) as caught:
            wwsapi.WsGetMessageProperty(
                received,
                PROPERTY.WS_MESSAGE_PROPERTY_TRANSPORT_SECURITY_WINDOWS_TOKEN,
                ctypes.byref(token),
                ctypes.sizeof(token),
                None,
            )
    error = caught.value
    assert isinstance(error, wwsapi.WsError)
    assert issubclass(wwsapi.E_INVALIDARG, wwsapi.WsError)
    assert error.hresult == 0x80070057 and error.code == "E_INVALIDARG"
    assert error.function == "WsGetMessageProperty"
    assert error.meaning == "At least one argument is not valid."  # the function's own page
    assert token.value is None


@pytest.mark.wwsapi(*TCP_FUNCTIONS)
def test_a_second_listener_on_the_same_address_is_refused(loopback: Loopback) -> None:
    other = friendly.WsCreateListener(DUPLEX_SESSION, TCP)
    try:
        with pytest.raises(wwsapi.WsError) as caught:
            friendly.WsOpenListener(other, ws_string(loopback.url))
    finally:
        friendly.WsFreeListener(other)
    assert caught.value.function == "WsOpenListener"
    if wine_version() is None:
        assert type(caught.value) is wwsapi.WS_E_ADDRESS_IN_USE
        assert caught.value.meaning == "The address is already being listened on."
    else:  # Wine passes the socket error through: HRESULT_FROM_WIN32(WSAEADDRINUSE)
        assert type(caught.value) is wwsapi.WsError and caught.value.hresult == 0x8007271D


@pytest.mark.wwsapi(*CHANNEL_FUNCTIONS)
def test_opening_a_channel_to_a_port_nobody_listens_on_raises(free_tcp_port: int) -> None:
    channel = friendly.WsCreateChannel(DUPLEX_SESSION, TCP)
    try:
        with pytest.raises(wwsapi.WsError) as caught:
            address = endpoint_address(f"net.tcp://127.0.0.1:{free_tcp_port}/nobody")
            friendly.WsOpenChannel(channel, address)
    finally:
        friendly.WsFreeChannel(channel)
    assert caught.value.function == "WsOpenChannel"
    if wine_version() is not None:
        # Wine passes the socket error through as HRESULT_FROM_WIN32(WSAECONNREFUSED):
        # no WWSAPI code, so the base class, and no documented meaning.
        assert type(caught.value) is wwsapi.WsError
        assert caught.value.hresult == 0x8007274D
        assert caught.value.code is None and caught.value.meaning == ""
        assert str(caught.value) == "WsOpenChannel failed: HRESULT (0x8007274D)"


def request_reply(channel: ChannelPointer, heap: Any, value: int) -> int:
    """<order xmlns=NS>value</order> in, <total xmlns=NS>int</total> out (WsRequestReply)."""
    request = message_description(PING, element("order", NS, wwsapi.WS_INT32_TYPE))
    reply = message_description(None, element("total", NS, wwsapi.WS_INT32_TYPE))
    sent, answer = ctypes.c_int32(value), ctypes.c_int32()
    with message_for(channel) as request_message, message_for(channel) as reply_message:
        wwsapi.WsRequestReply(
            channel,
            request_message,
            ctypes.byref(request),
            wwsapi.WS_WRITE_REQUIRED_VALUE,
            ctypes.byref(sent),
            4,
            reply_message,
            ctypes.byref(reply),
            wwsapi.WS_READ_REQUIRED_VALUE,
            heap,
            ctypes.byref(answer),
            4,
            None,
            None,
        )
        assert get_property(
            reply_message, PROPERTY.WS_MESSAGE_PROPERTY_STATE, ctypes.c_int32()
        ) == (STATE.WS_MESSAGE_STATE_DONE)
        with pytest.raises(wwsapi.E_INVALIDARG):  # no security on plain HTTP either
            level = PROPERTY.WS_MESSAGE_PROPERTY_PROTECTION_LEVEL
            get_property(reply_message, level, ctypes.c_int32())
    return answer.value


def doubling(request: SoapRequest) -> tuple[int, str, bytes]:
    """The endpoint's answer: the order's value doubled, as <total>."""
    order = ElementTree.fromstring(request.body).findtext(f".//{{{NS}}}order")
    body = f'<total xmlns="{NS}">{2 * int(order or "0")}</total>'
    return 200, "application/soap+xml; charset=utf-8", soap_reply(request, body)


@pytest.mark.wwsapi(*HTTP_FUNCTIONS)
def test_http_request_reply(soap_endpoint: SoapEndpoint, heap: Any) -> None:
    soap_endpoint.handler = doubling
    channel = friendly.WsCreateChannel(REQUEST, HTTP)
    try:
        friendly.WsOpenChannel(channel, endpoint_address(soap_endpoint.url))
        assert request_reply(channel, heap, 21) == 42
        assert request_reply(channel, heap, -7) == -14
        friendly.WsCloseChannel(channel)
    finally:
        friendly.WsFreeChannel(channel)

    first, second = soap_endpoint.requests
    assert first.path == "/service"
    content_type = first.headers["content-type"]
    assert content_type.startswith("application/soap+xml") and f'action="{PING}"' in content_type
    envelope = ElementTree.fromstring(first.body)
    assert envelope.tag == f"{{{SOAP12}}}Envelope"
    assert envelope.findtext(f"{{{SOAP12}}}Header/{{{WSA10}}}Action") == PING
    assert envelope.findtext(f"{{{SOAP12}}}Header/{{{WSA10}}}To") == soap_endpoint.url
    assert envelope.findtext(f"{{{SOAP12}}}Body/{{{NS}}}order") == "21"
    assert ElementTree.fromstring(second.body).findtext(f".//{{{NS}}}order") == "-7"


@pytest.mark.wwsapi(*HTTP_FUNCTIONS)
def test_an_http_error_page_raises(soap_endpoint: SoapEndpoint, heap: Any) -> None:
    soap_endpoint.handler = lambda request: (500, "text/plain", b"the shop is closed")
    channel = friendly.WsCreateChannel(REQUEST, HTTP)
    try:
        friendly.WsOpenChannel(channel, endpoint_address(soap_endpoint.url))
        with pytest.raises(wwsapi.WsError) as caught:
            request_reply(channel, heap, 1)
    finally:
        friendly.WsAbortChannel(channel)
        friendly.WsCloseChannel(channel)
        friendly.WsFreeChannel(channel)
    assert caught.value.function == "WsRequestReply"
    if wine_version() is not None:  # a plain-text 500 is no SOAP envelope
        assert type(caught.value) is wwsapi.WS_E_INVALID_FORMAT
        assert caught.value.meaning == "The data read or written was not in the expected format."
