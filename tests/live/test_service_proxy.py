"""Service proxies: a proxy over HTTP calling the test's SOAP endpoint with
WsCall, its state through open, close and reset, one made from a binding
template, and the send and receive callbacks of a call adding a mapped HTTP
header and custom headers and reading one back.

The operation is described with the generated structures: a
WS_OPERATION_DESCRIPTION whose input and output WS_MESSAGE_DESCRIPTIONs have
body elements of WS_STRUCT_TYPE (WS_STRUCT_DESCRIPTION, WS_FIELD_DESCRIPTION),
and WS_PARAMETER_DESCRIPTIONs mapping each argument of the call to a field.
Life cycles go through the friendly layer; WsCall, the proxy property and the
header functions (value buffers depend on other arguments) through their
generated prototypes.

How Wine 8.0 behaves here (measured):

- `WsCreateServiceProxy` takes a NULL security description; a proxy property
  given at creation (WS_PROXY_PROPERTY_CALL_TIMEOUT) cannot be read back:
  `WsGetServiceProxyProperty` answers E_INVALIDARG for every property but
  STATE and MESSAGE_PROPERTIES.
- `WsCall` on a proxy that was never opened crashes inside Wine (access
  violation), so no test does it; after close it is WS_E_INVALID_OPERATION.
- `WsAbortServiceProxy` returns E_NOTIMPL and leaves the proxy OPEN.
- A SOAP fault in reply to `WsCall` (HTTP 500): E_NOTIMPL, no fault in the
  error object.
- `WsCreateServiceProxyFromTemplate` with WS_HTTP_BINDING_TEMPLATE_TYPE uses
  the template's channel properties (a SOAP 1.1 envelope goes out as text/xml
  with a SOAPAction header); a NULL template description: E_INVALIDARG.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

import pytest
import wwsapi
from test_messages import add_priority
from test_messages_more import add_mapped, error_object, read_priority
from wwsapi import friendly
from wwslive import SOAP11, SOAP12, SoapEndpoint, SoapRequest, soap_reply, wine_version
from wwsvalues import element, endpoint_address, message_description, ws_string, xml_string

NS = "urn:wwsgen:shop"
HEADER_NS = "urn:wwsgen:headers"
DOUBLE = "urn:wwsgen:shop/Double"
DOUBLED = "urn:wwsgen:shop/DoubleResponse"
ORDER_HEADER = "X-Order-Ref"
REQUEST = wwsapi.WS_CHANNEL_TYPE.WS_CHANNEL_TYPE_REQUEST
HTTP = wwsapi.WS_CHANNEL_BINDING.WS_HTTP_CHANNEL_BINDING
PROXY = wwsapi.WS_PROXY_PROPERTY_ID
STATE = wwsapi.WS_SERVICE_PROXY_STATE
NO_INDEX = 0xFFFF  # a parameter absent from that message
FieldPointer = ctypes.POINTER(wwsapi.WS_FIELD_DESCRIPTION)

PROXY_FUNCTIONS = (
    "WsCreateHeap",
    "WsFreeHeap",
    "WsCreateServiceProxy",
    "WsOpenServiceProxy",
    "WsCall",
    "WsCloseServiceProxy",
    "WsResetServiceProxy",
    "WsFreeServiceProxy",
    "WsGetServiceProxyProperty",
    "WsCreateError",
    "WsResetError",
    "WsFreeError",
)


class Order(ctypes.Structure):
    """The body of the request, <order><value/><note/></order>, as C sees it."""

    _fields_ = (("value", ctypes.c_int32), ("note", ctypes.c_wchar_p))


class Total(ctypes.Structure):
    """The body of the reply, <total><value/><note/></total>."""

    _fields_ = (("value", ctypes.c_int32), ("note", ctypes.c_wchar_p))


@dataclass
class Operation:
    """A WS_OPERATION_DESCRIPTION and every C value it points into."""

    description: wwsapi.WS_OPERATION_DESCRIPTION
    keep: list[Any] = field(default_factory=list)


def struct_description(
    cls: type[ctypes.Structure], type_name: str, keep: list[Any]
) -> wwsapi.WS_STRUCT_DESCRIPTION:
    """Two element fields, <value> (int32) and <note> (text), at the offsets of `cls`."""
    fields = []
    for name, type_ in (("value", wwsapi.WS_INT32_TYPE), ("note", wwsapi.WS_WSZ_TYPE)):
        described = wwsapi.WS_FIELD_DESCRIPTION()
        described.mapping = wwsapi.WS_ELEMENT_FIELD_MAPPING
        described.localName = ctypes.pointer(xml_string(name))
        described.ns = ctypes.pointer(xml_string(NS))
        described.type_ = type_
        described.offset = getattr(cls, name).offset
        fields.append(described)
    pointers = (FieldPointer * len(fields))(*(ctypes.pointer(f) for f in fields))
    description = wwsapi.WS_STRUCT_DESCRIPTION()
    description.size = ctypes.sizeof(cls)
    description.alignment = ctypes.alignment(cls)
    description.fields = ctypes.cast(
        pointers, ctypes.POINTER(ctypes.POINTER(wwsapi.WS_FIELD_DESCRIPTION))
    )
    description.fieldCount = len(fields)
    description.typeLocalName = ctypes.pointer(xml_string(type_name))
    description.typeNs = ctypes.pointer(xml_string(NS))
    keep.extend((fields, pointers))
    return description


def struct_message(
    action: str, local_name: str, struct: wwsapi.WS_STRUCT_DESCRIPTION, keep: list[Any]
) -> wwsapi.WS_MESSAGE_DESCRIPTION:
    body = element(local_name, NS, wwsapi.WS_STRUCT_TYPE)
    body.typeDescription = ctypes.addressof(struct)
    keep.extend((struct, body))
    return message_description(action, body)


def doubling_operation() -> Operation:
    """Double(value, note) -> (value, note): four parameters, two in, two out."""
    keep: list[Any] = []
    request = struct_message(DOUBLE, "order", struct_description(Order, "Order", keep), keep)
    reply = struct_message(DOUBLED, "total", struct_description(Total, "Total", keep), keep)
    parameters = (wwsapi.WS_PARAMETER_DESCRIPTION * 4)()
    for parameter, (into, out_of) in zip(
        parameters, ((0, NO_INDEX), (1, NO_INDEX), (NO_INDEX, 0), (NO_INDEX, 1)), strict=True
    ):
        parameter.parameterType = wwsapi.WS_PARAMETER_TYPE.WS_PARAMETER_TYPE_NORMAL
        parameter.inputMessageIndex = into  # the field of the request body
        parameter.outputMessageIndex = out_of  # the field of the reply body
    operation = wwsapi.WS_OPERATION_DESCRIPTION()
    operation.versionInfo = 1
    operation.inputMessageDescription = ctypes.pointer(request)
    operation.outputMessageDescription = ctypes.pointer(reply)
    operation.parameterCount = len(parameters)
    operation.parameterDescription = ctypes.cast(
        parameters, ctypes.POINTER(wwsapi.WS_PARAMETER_DESCRIPTION)
    )
    keep.extend((request, reply, parameters))
    return Operation(operation, keep)


OPERATION = doubling_operation()


def doubling(request: SoapRequest) -> tuple[int, str, bytes]:
    """The endpoint: the order's value doubled and its note reversed, echoing the
    custom Priority header when the request has one."""
    root = ElementTree.fromstring(request.body)
    value = int(root.findtext(f".//{{{NS}}}order/{{{NS}}}value") or "0")
    note = root.findtext(f".//{{{NS}}}order/{{{NS}}}note") or ""
    body = f'<total xmlns="{NS}"><value>{2 * value}</value><note>{note[::-1]}</note></total>'
    reply = soap_reply(request, body, action=DOUBLED)
    priority = root.findtext(f".//{{{HEADER_NS}}}Priority")
    if priority is not None:  # into the reply's header, after RelatesTo and Action
        header = f'<Priority xmlns="{HEADER_NS}">{priority}</Priority>'.encode()
        reply = reply.replace(b"</s:Header>", header + b"</s:Header>")
    content_type = "application/soap+xml" if root.tag == f"{{{SOAP12}}}Envelope" else "text/xml"
    return 200, f"{content_type}; charset=utf-8", reply



@pytest.fixture
def endpoint(soap_endpoint: SoapEndpoint) -> SoapEndpoint:
    soap_endpoint.handler = doubling
    return soap_endpoint


@contextmanager
def proxy_for(channel_properties: list[wwsapi.WS_CHANNEL_PROPERTY] | None = None) -> Iterator[Any]:
    """A request/HTTP service proxy (no security), freed after."""
    timeout = ctypes.c_uint32(20000)
    call_timeout = wwsapi.WS_PROXY_PROPERTY(
        PROXY.WS_PROXY_PROPERTY_CALL_TIMEOUT, ctypes.addressof(timeout), ctypes.sizeof(timeout)
    )
    proxy = friendly.WsCreateServiceProxy(
        REQUEST, HTTP, properties=[call_timeout], channelProperties=channel_properties
    )
    try:
        yield proxy
    finally:
        friendly.WsFreeServiceProxy(proxy)


def proxy_state(proxy: Any) -> STATE:
    state = ctypes.c_int32(-1)
    wwsapi.WsGetServiceProxyProperty(
        proxy, PROXY.WS_PROXY_PROPERTY_STATE, ctypes.byref(state), ctypes.sizeof(state), None
    )
    return STATE(state.value)


def call(
    proxy: Any,
    heap: Any,
    value: int,
    note: str,
    properties: list[wwsapi.WS_CALL_PROPERTY] | None = None,
    error: Any = None,
) -> tuple[int, str | None]:
    """Double(value, note) through WsCall: the reply's (value, note)."""
    value_in, note_in = ctypes.c_int32(value), ctypes.c_wchar_p(note)
    value_out, note_out = ctypes.c_int32(), ctypes.c_wchar_p()
    # An input argument points at its value, an output one at a pointer to the result.
    outputs = ctypes.pointer(value_out), ctypes.pointer(note_out)
    arguments = (ctypes.c_void_p * 4)(
        ctypes.addressof(value_in),
        ctypes.addressof(note_in),
        *(ctypes.addressof(o) for o in outputs),
    )
    calls = (wwsapi.WS_CALL_PROPERTY * len(properties or []))(*(properties or []))
    wwsapi.WsCall(
        proxy,
        ctypes.byref(OPERATION.description),
        arguments,
        heap,
        calls,
        len(calls),
        None,
        error,
    )
    return value_out.value, note_out.value


@pytest.mark.wwsapi(*PROXY_FUNCTIONS)
def test_a_proxy_calls_the_endpoint_through_its_life(endpoint: SoapEndpoint, heap: Any) -> None:
    with proxy_for() as proxy:
        assert proxy_state(proxy) is STATE.WS_SERVICE_PROXY_STATE_CREATED
        friendly.WsResetServiceProxy(proxy)  # allowed when CREATED
        friendly.WsOpenServiceProxy(proxy, endpoint_address(endpoint.url))
        assert proxy_state(proxy) is STATE.WS_SERVICE_PROXY_STATE_OPEN
        with pytest.raises(wwsapi.WS_E_INVALID_OPERATION) as caught:
            friendly.WsOpenServiceProxy(proxy, endpoint_address(endpoint.url))
        assert caught.value.function == "WsOpenServiceProxy"
        with pytest.raises(wwsapi.WS_E_INVALID_OPERATION):  # not while open
            friendly.WsResetServiceProxy(proxy)

        assert call(proxy, heap, 21, "héllo ✓") == (42, "✓ olléh")
        friendly.WsCloseServiceProxy(proxy)
        assert proxy_state(proxy) is STATE.WS_SERVICE_PROXY_STATE_CLOSED

        # Reset, the proxy is reused for the same service.
        friendly.WsResetServiceProxy(proxy)
        assert proxy_state(proxy) is STATE.WS_SERVICE_PROXY_STATE_CREATED
        friendly.WsOpenServiceProxy(proxy, endpoint_address(endpoint.url))
        assert call(proxy, heap, -4, "") == (-8, "")
        friendly.WsCloseServiceProxy(proxy)

    first, second = endpoint.requests
    content_type = first.headers["content-type"]
    assert content_type.startswith("application/soap+xml") and f'action="{DOUBLE}"' in content_type
    envelope = ElementTree.fromstring(first.body)
    assert envelope.findtext(f"{{{SOAP12}}}Body/{{{NS}}}order/{{{NS}}}value") == "21"
    assert envelope.findtext(f"{{{SOAP12}}}Body/{{{NS}}}order/{{{NS}}}note") == "héllo ✓"
    assert ElementTree.fromstring(second.body).findtext(f".//{{{NS}}}value") == "-4"


@pytest.mark.wwsapi(*PROXY_FUNCTIONS, "WsCreateServiceProxyFromTemplate")
def test_a_proxy_from_an_http_binding_template(endpoint: SoapEndpoint, heap: Any) -> None:
    version = ctypes.c_int32(wwsapi.WS_ENVELOPE_VERSION.WS_ENVELOPE_VERSION_SOAP_1_1)
    properties = (wwsapi.WS_CHANNEL_PROPERTY * 1)(
        wwsapi.WS_CHANNEL_PROPERTY(
            wwsapi.WS_CHANNEL_PROPERTY_ENVELOPE_VERSION,
            ctypes.addressof(version),
            ctypes.sizeof(version),
        )
    )
    template = wwsapi.WS_HTTP_BINDING_TEMPLATE()
    template.channelProperties.properties = properties
    template.channelProperties.propertyCount = len(properties)
    policy = wwsapi.WS_HTTP_POLICY_DESCRIPTION()
    proxy = ctypes.POINTER(wwsapi.WS_SERVICE_PROXY)()
    wwsapi.WsCreateServiceProxyFromTemplate(
        REQUEST,
        None,
        0,
        wwsapi.WS_BINDING_TEMPLATE_TYPE.WS_HTTP_BINDING_TEMPLATE_TYPE,
        ctypes.byref(template),
        ctypes.sizeof(template),
        ctypes.byref(policy),
        ctypes.sizeof(policy),
        ctypes.byref(proxy),
        None,
    )
    try:
        assert proxy_state(proxy) is STATE.WS_SERVICE_PROXY_STATE_CREATED
        friendly.WsOpenServiceProxy(proxy, endpoint_address(endpoint.url))
        assert call(proxy, heap, 5, "abc") == (10, "cba")
        friendly.WsCloseServiceProxy(proxy)
    finally:
        friendly.WsFreeServiceProxy(proxy)
    # The template's envelope version: SOAP 1.1, its media type and SOAPAction header.
    (request,) = endpoint.requests
    assert request.headers["content-type"].startswith("text/xml")
    assert request.headers["soapaction"].strip('"') == DOUBLE
    assert ElementTree.fromstring(request.body).tag == f"{{{SOAP11}}}Envelope"


ProxyCallback = Callable[[Any, Any], None]


@dataclass
class MessageHook:
    """A WS_PROXY_MESSAGE_CALLBACK_CONTEXT running `action(message, heap)`; an
    exception becomes E_FAIL for the DLL and is kept for the test to raise."""

    action: ProxyCallback
    failures: list[BaseException] = field(default_factory=list)
    calls: int = 0

    def __post_init__(self) -> None:
        self.callback = wwsapi.WS_PROXY_MESSAGE_CALLBACK(self._run)
        self.context = wwsapi.WS_PROXY_MESSAGE_CALLBACK_CONTEXT(self.callback, None)

    def _run(self, message: Any, heap: Any, state: Any, error: Any) -> int:
        self.calls += 1
        try:
            self.action(message, heap)
        except BaseException as exc:
            self.failures.append(exc)
            return -2147467259  # E_FAIL
        return 0

    def property(self, id_: int) -> wwsapi.WS_CALL_PROPERTY:
        return wwsapi.WS_CALL_PROPERTY(
            id_, ctypes.addressof(self.context), ctypes.sizeof(self.context)
        )

    def check(self) -> None:
        if self.failures:
            raise self.failures[0]


def http_mapping(header: str, keep: list[Any]) -> wwsapi.WS_CHANNEL_PROPERTY:
    """WS_CHANNEL_PROPERTY_HTTP_MESSAGE_MAPPING: `header` of requests is an HTTP header."""
    mapped = wwsapi.WS_HTTP_HEADER_MAPPING()
    mapped.headerName = xml_string(header)
    requests = (ctypes.POINTER(wwsapi.WS_HTTP_HEADER_MAPPING) * 1)(ctypes.pointer(mapped))
    mapping = wwsapi.WS_HTTP_MESSAGE_MAPPING()
    mapping.requestHeaderMappings = requests
    mapping.requestHeaderMappingCount = 1
    keep.extend((mapped, requests, mapping))
    return wwsapi.WS_CHANNEL_PROPERTY(
        wwsapi.WS_CHANNEL_PROPERTY_HTTP_MESSAGE_MAPPING,
        ctypes.addressof(mapping),
        ctypes.sizeof(mapping),
    )


@pytest.mark.wwsapi(*PROXY_FUNCTIONS, "WsAddMappedHeader", "WsAddCustomHeader", "WsGetCustomHeader")
def test_call_callbacks_add_and_read_headers(endpoint: SoapEndpoint, heap: Any) -> None:
    received: list[int] = []

    def add_headers(message: Any, message_heap: Any) -> None:
        add_mapped(message, ORDER_HEADER, ws_string("order-17"), wwsapi.WS_STRING_TYPE)
        add_priority(message, 3)

    def read_reply_priority(message: Any, message_heap: Any) -> None:
        received.append(read_priority(message, message_heap))

    sending, receiving = MessageHook(add_headers), MessageHook(read_reply_priority)
    keep: list[Any] = []
    with proxy_for([http_mapping(ORDER_HEADER, keep)]) as proxy:
        friendly.WsOpenServiceProxy(proxy, endpoint_address(endpoint.url))
        properties = [
            sending.property(wwsapi.WS_CALL_PROPERTY_SEND_MESSAGE_CONTEXT),
            receiving.property(wwsapi.WS_CALL_PROPERTY_RECEIVE_MESSAGE_CONTEXT),
        ]
        assert call(proxy, heap, 1, "x", properties) == (2, "x")
        friendly.WsCloseServiceProxy(proxy)
    sending.check()
    receiving.check()
    assert (sending.calls, receiving.calls) == (1, 1)

    (request,) = endpoint.requests
    # The mapped header travels as an HTTP header, not in the envelope.
    assert request.headers[ORDER_HEADER.lower()] == "order-17"
    envelope = ElementTree.fromstring(request.body)
    header = envelope.find(f"{{{SOAP12}}}Header")
    assert header is not None
    assert header.findtext(f"{{{HEADER_NS}}}Priority") == "3"
    assert ORDER_HEADER not in {child.tag.rpartition("}")[2] for child in header}
    assert received == [3]  # the reply's Priority, echoed by the endpoint


@pytest.mark.windows_only("Wine 8.0's WsAbortServiceProxy returns E_NOTIMPL")
@pytest.mark.wwsapi(*PROXY_FUNCTIONS, "WsAbortServiceProxy")
def test_an_aborted_proxy_is_faulted_then_closed(endpoint: SoapEndpoint) -> None:
    with proxy_for() as proxy:
        friendly.WsOpenServiceProxy(proxy, endpoint_address(endpoint.url))
        friendly.WsAbortServiceProxy(proxy)
        assert proxy_state(proxy) is STATE.WS_SERVICE_PROXY_STATE_FAULTED
        friendly.WsCloseServiceProxy(proxy)
        assert proxy_state(proxy) is STATE.WS_SERVICE_PROXY_STATE_CLOSED


@pytest.mark.wwsapi(*PROXY_FUNCTIONS, "WsAbortServiceProxy")
def test_wine_proxy_abort_and_properties(endpoint: SoapEndpoint, heap: Any) -> None:
    """Records Wine 8.0's behaviour: no abort, no proxy property but the state
    and the message properties, and WsCall refused after close."""
    if wine_version() is None:
        pytest.skip("records Wine's behaviour")
    with proxy_for() as proxy:
        timeout = ctypes.c_uint32()
        with pytest.raises(wwsapi.E_INVALIDARG):  # given at creation, still unreadable
            wwsapi.WsGetServiceProxyProperty(
                proxy, PROXY.WS_PROXY_PROPERTY_CALL_TIMEOUT, ctypes.byref(timeout), 4, None
            )
        properties = wwsapi.WS_MESSAGE_PROPERTIES()
        wwsapi.WsGetServiceProxyProperty(
            proxy,
            PROXY.WS_PROXY_PROPERTY_MESSAGE_PROPERTIES,
            ctypes.byref(properties),
            ctypes.sizeof(properties),
            None,
        )
        assert properties.propertyCount == 0
        friendly.WsOpenServiceProxy(proxy, endpoint_address(endpoint.url))
        with pytest.raises(wwsapi.E_NOTIMPL):
            friendly.WsAbortServiceProxy(proxy)
        assert proxy_state(proxy) is STATE.WS_SERVICE_PROXY_STATE_OPEN
        friendly.WsCloseServiceProxy(proxy)
        with pytest.raises(wwsapi.WS_E_INVALID_OPERATION):
            call(proxy, heap, 1, "late")


def out_of_stock(request: SoapRequest) -> tuple[int, str, bytes]:
    """A SOAP 1.2 Sender fault with a detail."""
    body = (
        "<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code>"
        '<s:Reason><s:Text xml:lang="en-US">out of stock</s:Text></s:Reason>'
        f'<s:Detail><stock xmlns="{NS}">3</stock></s:Detail></s:Fault>'
    )
    fault = "http://www.w3.org/2005/08/addressing/soap/fault"
    return 500, "application/soap+xml; charset=utf-8", soap_reply(request, body, action=fault)


@pytest.mark.windows_only("Wine 8.0's WsCall answers a fault with E_NOTIMPL")
@pytest.mark.wwsapi(*PROXY_FUNCTIONS, "WsGetFaultErrorProperty", "WsGetFaultErrorDetail")
def test_a_fault_reply_fills_the_error_object(soap_endpoint: SoapEndpoint, heap: Any) -> None:
    soap_endpoint.handler = out_of_stock
    with proxy_for() as proxy, error_object() as error:
        friendly.WsOpenServiceProxy(proxy, endpoint_address(soap_endpoint.url))
        with pytest.raises(wwsapi.WS_E_ENDPOINT_FAULT_RECEIVED):
            call(proxy, heap, 1, "x", error=error)
        fault = ctypes.POINTER(wwsapi.WS_FAULT)()
        wwsapi.WsGetFaultErrorProperty(
            error, wwsapi.WS_FAULT_ERROR_PROPERTY_FAULT, ctypes.byref(fault), ctypes.sizeof(fault)
        )
        assert fault and fault.contents.reasonCount == 1
        detail = wwsapi.WS_FAULT_DETAIL_DESCRIPTION()
        detail.detailElementDescription = ctypes.pointer(element("stock", NS, wwsapi.WS_INT32_TYPE))
        stock = ctypes.c_int32()
        wwsapi.WsGetFaultErrorDetail(
            error, ctypes.byref(detail), wwsapi.WS_READ_REQUIRED_VALUE, heap, ctypes.byref(stock), 4
        )
        assert stock.value == 3
        friendly.WsCloseServiceProxy(proxy)


@pytest.mark.wwsapi(*PROXY_FUNCTIONS, "WsGetFaultErrorProperty")
def test_wine_fault_reply_to_a_call(soap_endpoint: SoapEndpoint, heap: Any) -> None:
    """Records Wine 8.0's behaviour: a fault reply is E_NOTIMPL, the error empty."""
    if wine_version() is None:
        pytest.skip("records Wine's behaviour")
    soap_endpoint.handler = out_of_stock
    with proxy_for() as proxy, error_object() as error:
        friendly.WsOpenServiceProxy(proxy, endpoint_address(soap_endpoint.url))
        with pytest.raises(wwsapi.E_NOTIMPL):
            call(proxy, heap, 1, "x", error=error)
        fault = ctypes.POINTER(wwsapi.WS_FAULT)()
        wwsapi.WsGetFaultErrorProperty(
            error, wwsapi.WS_FAULT_ERROR_PROPERTY_FAULT, ctypes.byref(fault), ctypes.sizeof(fault)
        )
        assert not fault
        friendly.WsCloseServiceProxy(proxy)
