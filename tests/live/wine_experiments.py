"""Experiments: how Wine's webservices.dll behaves, with bare ctypes.

Not a test module (pytest never collects it) and not part of the suite: it
prints what each call returns so the live tests can be written against facts.
Run it inside Windows CPython under Wine:

    .venv/bin/python scripts/live.py python tests/live/wine_experiments.py [scenario...]

Scenarios: heap, error, xml, message, tcp, http, url, datetime (default: all).
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Callable
from ctypes import (
    POINTER,
    Structure,
    byref,
    c_int32,
    c_size_t,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
    sizeof,
)
from pathlib import Path
from typing import Any

# The embeddable CPython's ._pth leaves the script's folder off sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from wwslive import SoapEndpoint, SoapRequest, echo_handler, free_tcp_port, soap_envelope

dll = ctypes.WinDLL("webservices.dll")

S_OK = 0
HRESULT_NAMES = {
    0x00000000: "S_OK",
    0x003D0000: "WS_S_ASYNC",
    0x003D0001: "WS_S_END",
    0x80004001: "E_NOTIMPL",
    0x80004005: "E_FAIL",
    0x8007000E: "E_OUTOFMEMORY",
    0x80070057: "E_INVALIDARG",
    0x803D0000: "WS_E_INVALID_FORMAT",
    0x803D0002: "WS_E_NUMERIC_OVERFLOW",
    0x803D0003: "WS_E_INVALID_OPERATION",
    0x803D0006: "WS_E_OPERATION_TIMED_OUT",
    0x803D0008: "WS_E_QUOTA_EXCEEDED",
    0x803D000B: "WS_E_ADDRESS_IN_USE",
    0x803D000D: "WS_E_ENDPOINT_NOT_FOUND",
    0x803D000F: "WS_E_ENDPOINT_FAILURE",
    0x803D0010: "WS_E_ENDPOINT_UNREACHABLE",
    0x803D0011: "WS_E_ENDPOINT_ACTION_NOT_SUPPORTED",
    0x803D0013: "WS_E_ENDPOINT_FAULT_RECEIVED",
    0x803D0014: "WS_E_ENDPOINT_DISCONNECTED",
    0x803D0017: "WS_E_NOT_SUPPORTED",
    0x803D0020: "WS_E_INVALID_ENDPOINT_URL",
}

class WS_XML_STRING(Structure):
    _fields_ = (("length", c_uint32), ("bytes", c_void_p), ("dictionary", c_void_p),
                ("id", c_uint32))

class WS_STRING(Structure):
    _fields_ = (("length", c_uint32), ("chars", c_void_p))  # WCHAR*, not NUL-terminated

class WS_ELEMENT_DESCRIPTION(Structure):
    _fields_ = (("elementLocalName", POINTER(WS_XML_STRING)),
                ("elementNs", POINTER(WS_XML_STRING)), ("type", c_int32),
                ("typeDescription", c_void_p))

class WS_MESSAGE_DESCRIPTION(Structure):
    _fields_ = (("action", POINTER(WS_XML_STRING)),
                ("bodyElementDescription", POINTER(WS_ELEMENT_DESCRIPTION)))

class WS_ENDPOINT_ADDRESS(Structure):
    _fields_ = (("url", WS_STRING), ("headers", c_void_p), ("extensions", c_void_p),
                ("identity", c_void_p))

class WS_HTTP_URL(Structure):  # also the layout of WS_NETTCP_URL
    _fields_ = (("scheme", c_int32), ("host", WS_STRING), ("port", c_uint16),
                ("portAsString", WS_STRING), ("path", WS_STRING), ("query", WS_STRING),
                ("fragment", WS_STRING))

class WS_DATETIME(Structure):
    _fields_ = (("ticks", c_uint64), ("format", c_int32))

class FILETIME(Structure):
    _fields_ = (("dwLowDateTime", c_uint32), ("dwHighDateTime", c_uint32))

_keep: list[Any] = []  # buffers the structures point into

def xs(text: str) -> WS_XML_STRING:
    data = ctypes.create_string_buffer(text.encode())
    _keep.append(data)
    return WS_XML_STRING(len(text.encode()), ctypes.cast(data, c_void_p), None, 0)

def ws(text: str) -> WS_STRING:
    chars = ctypes.create_unicode_buffer(text)
    _keep.append(chars)
    return WS_STRING(len(text), ctypes.cast(chars, c_void_p))

def ws_text(value: WS_STRING) -> str:
    return ctypes.wstring_at(value.chars, value.length) if value.length else ""

def xml_text(value: WS_XML_STRING) -> bytes:
    return ctypes.string_at(value.bytes, value.length) if value.length else b""

def call(name: str, *args: Any) -> int:
    """Call an export (restype HRESULT) and print what it returned."""
    func = getattr(dll, name)
    func.restype = c_int32
    hr: int = func(*args) & 0xFFFFFFFF
    print(f"  {name}: 0x{hr:08X} {HRESULT_NAMES.get(hr, '')}")
    return hr

def void(name: str, *args: Any) -> None:
    func = getattr(dll, name)
    func.restype = None
    func(*args)
    print(f"  {name}: (void)")

def new_heap(max_size: int = 1 << 20) -> c_void_p:
    heap = c_void_p()
    call("WsCreateHeap", c_size_t(max_size), c_size_t(0), None, 0, byref(heap), None)
    return heap

# --- scenarios ---------------------------------------------------------------------

def heap() -> None:
    h = new_heap(256)
    p = c_void_p()
    call("WsAlloc", h, c_size_t(100), byref(p), None)
    print("  block:", hex(p.value or 0))
    call("WsAlloc", h, c_size_t(1000), byref(p), None)  # over the maximum
    for pid, label in enumerate(("MAX_SIZE", "TRIM_SIZE", "REQUESTED_SIZE", "ACTUAL_SIZE")):
        value = c_size_t()
        hr = call("WsGetHeapProperty", h, pid, byref(value), sizeof(value), None)
        if hr == S_OK:
            print(f"    {label} = {value.value}")
    value = c_size_t()
    call("WsGetHeapProperty", h, 3, byref(value), 4, None)  # wrong size
    call("WsResetHeap", h, None)
    call("WsGetHeapProperty", h, 2, byref(value), sizeof(value), None)
    print(f"    REQUESTED_SIZE after reset = {value.value}")
    void("WsFreeHeap", h)
    h2 = c_void_p()
    call("WsCreateHeap", c_size_t(0), c_size_t(0), None, 0, byref(h2), None)
    print("  heap of max size 0 created:", bool(h2.value))
    call("WsCreateHeap", c_size_t(100), c_size_t(0), None, 0, None, None)

def error() -> None:
    err = c_void_p()
    call("WsCreateError", None, 0, byref(err))
    count = c_uint32()
    call("WsGetErrorProperty", err, 0, byref(count), sizeof(count))
    print("    STRING_COUNT =", count.value)
    langid = c_uint16()
    call("WsGetErrorProperty", err, 2, byref(langid), sizeof(langid))
    print("    LANGID =", hex(langid.value))
    code = c_uint32()
    call("WsGetErrorProperty", err, 1, byref(code), sizeof(code))
    print("    ORIGINAL_ERROR_CODE =", hex(code.value))
    call("WsAddErrorString", err, byref(ws("first")))
    call("WsAddErrorString", err, byref(ws("second")))
    call("WsGetErrorProperty", err, 0, byref(count), sizeof(count))
    print("    STRING_COUNT =", count.value)
    for index in range(count.value):
        out = WS_STRING()
        call("WsGetErrorString", err, index, byref(out))
        print(f"    string {index}: {ws_text(out)!r}")
    call("WsGetErrorString", err, 5, byref(WS_STRING()))
    # Does a failing call put strings into the error object?
    h = new_heap(64)
    call("WsResetError", err)
    call("WsAlloc", h, c_size_t(1000), byref(c_void_p()), err)
    call("WsGetErrorProperty", err, 0, byref(count), sizeof(count))
    print("    STRING_COUNT after a failing WsAlloc =", count.value)
    void("WsFreeHeap", h)
    h = new_heap()
    call("WsDecodeUrl", byref(ws("nonsense")), 0, h, byref(c_void_p()), err)
    call("WsGetErrorProperty", err, 0, byref(count), sizeof(count))
    print("    STRING_COUNT after a failing WsDecodeUrl =", count.value)
    void("WsFreeHeap", h)
    void("WsFreeError", err)

def _writer_to_buffer(h: c_void_p) -> tuple[c_void_p, c_void_p]:
    buf, writer = c_void_p(), c_void_p()
    call("WsCreateXmlBuffer", h, None, 0, byref(buf), None)
    call("WsCreateWriter", None, 0, byref(writer), None)
    call("WsSetOutputToBuffer", writer, buf, None, 0, None)
    return writer, buf

def _buffer_bytes(writer: c_void_p, buf: c_void_p, h: c_void_p) -> bytes:
    data, size = c_void_p(), c_uint32()
    call("WsWriteXmlBufferToBytes", writer, buf, None, None, 0, h, byref(data), byref(size), None)
    return ctypes.string_at(data, size.value)

def xml() -> None:
    h = new_heap()
    writer, buf = _writer_to_buffer(h)
    call("WsWriteStartElement", writer, None, byref(xs("greeting")), byref(xs("urn:t")), None)
    call("WsWriteChars", writer, "héllo", 5, None)
    call("WsWriteEndElement", writer, None)
    print("  buffer:", _buffer_bytes(writer, buf, h))
    reader = c_void_p()
    call("WsCreateReader", None, 0, byref(reader), None)
    call("WsSetInputToBuffer", reader, buf, None, 0, None)
    found = c_int32()
    call("WsReadToStartElement", reader, byref(xs("greeting")), byref(xs("urn:t")),
         byref(found), None)
    print("    found:", found.value)
    call("WsReadStartElement", reader, None)
    chars = ctypes.create_unicode_buffer(64)
    got = c_uint32()
    call("WsReadChars", reader, chars, 64, byref(got), None)
    print("    chars:", chars[: got.value])
    call("WsReadEndElement", reader, None)
    call("WsReadEndElement", reader, None)  # one too many
    void("WsFreeReader", reader)
    void("WsFreeWriter", writer)
    void("WsFreeHeap", h)

INT32_BODY = WS_ELEMENT_DESCRIPTION(ctypes.pointer(xs("value")), ctypes.pointer(xs("urn:t")), 3,
                                    None)  # WS_INT32_TYPE

def _message_state(msg: c_void_p) -> int:
    state = c_uint32()
    call("WsGetMessageProperty", msg, 0, byref(state), sizeof(state), None)
    return state.value

def _message_properties(msg: c_void_p) -> None:
    for pid, label, ctype in ((0, "STATE", c_uint32), (2, "ENVELOPE_VERSION", c_uint32),
                              (3, "ADDRESSING_VERSION", c_uint32), (8, "IS_ADDRESSED", c_int32),
                              (12, "IS_FAULT", c_int32), (1, "HEAP", c_void_p)):
        value = ctype()
        if call("WsGetMessageProperty", msg, pid, byref(value), sizeof(value), None) == S_OK:
            print(f"    {label} = {value.value}")
    for pid, label in ((16, "TRANSPORT_SECURITY_WINDOWS_TOKEN"), (21, "PROTECTION_LEVEL"),
                       (14, "USERNAME")):
        value = c_void_p()
        print(f"    {label}:")
        call("WsGetMessageProperty", msg, pid, byref(value), sizeof(value), None)

def message() -> None:
    h = new_heap()
    msg = c_void_p()
    call("WsCreateMessage", 2, 2, None, 0, byref(msg), None)  # SOAP 1.2, WS-Addressing 1.0
    print("    state after create:", _message_state(msg))
    call("WsInitializeMessage", msg, 2, None, None)  # WS_REQUEST_MESSAGE
    print("    state after initialize:", _message_state(msg))
    action = xs("urn:t/Act")
    call("WsSetHeader", msg, 1, 19, 1, byref(action), sizeof(action), None)  # ACTION, XML_STRING
    out = WS_XML_STRING()
    call("WsGetHeader", msg, 1, 19, 1, h, byref(out), sizeof(out), None)
    print("    action read back:", xml_text(out))
    flag = c_int32(1)
    print("  WsSetMessageProperty IS_ADDRESSED:")
    call("WsSetMessageProperty", msg, 8, byref(flag), sizeof(flag), None)
    _message_properties(msg)
    writer, buf = _writer_to_buffer(h)
    call("WsWriteEnvelopeStart", msg, writer, None, None, None)
    print("    state while writing:", _message_state(msg))
    call("WsWriteBody", msg, byref(INT32_BODY), 1, byref(c_int32(42)), 4, None)
    call("WsWriteEnvelopeEnd", msg, None)
    print("    state after writing:", _message_state(msg))
    print("  envelope:", _buffer_bytes(writer, buf, h))
    received = c_void_p()
    call("WsCreateMessage", 2, 2, None, 0, byref(received), None)
    reader = c_void_p()
    call("WsCreateReader", None, 0, byref(reader), None)
    call("WsSetInputToBuffer", reader, buf, None, 0, None)
    call("WsReadEnvelopeStart", received, reader, None, None, None)
    value = c_int32()
    call("WsReadBody", received, byref(INT32_BODY), 1, h, byref(value), 4, None)
    print("    body read back:", value.value)
    call("WsReadEnvelopeEnd", received, None)
    call("WsGetHeader", received, 1, 19, 1, h, byref(out), sizeof(out), None)
    print("    action of the read message:", xml_text(out))
    call("WsResetMessage", msg, None)
    print("    state after reset:", _message_state(msg))
    for handle in (msg, received):
        void("WsFreeMessage", handle)
    void("WsFreeReader", reader)
    void("WsFreeWriter", writer)
    void("WsFreeHeap", h)

def _address(url: str) -> WS_ENDPOINT_ADDRESS:
    return WS_ENDPOINT_ADDRESS(ws(url), None, None, None)

def tcp() -> None:
    port = free_tcp_port()
    url = f"net.tcp://127.0.0.1:{port}/service"
    h = new_heap()
    listener, server, client = c_void_p(), c_void_p(), c_void_p()
    duplex_session, tcp_binding = 7, 1
    call("WsCreateListener", duplex_session, tcp_binding, None, 0, None, byref(listener), None)
    call("WsOpenListener", listener, byref(ws(url)), None, None)
    call("WsCreateChannelForListener", listener, None, 0, byref(server), None)
    call("WsCreateChannel", duplex_session, tcp_binding, None, 0, None, byref(client), None)
    accepted: list[int] = []
    acceptor = threading.Thread(
        target=lambda: accepted.append(call("WsAcceptChannel", listener, server, None, None))
    )
    acceptor.start()
    call("WsOpenChannel", client, byref(_address(url)), None, None)
    acceptor.join(10)
    print("    accepted:", accepted)
    action = xs("urn:t/Ping")
    description = WS_MESSAGE_DESCRIPTION(ctypes.pointer(action), ctypes.pointer(INT32_BODY))
    sent, received = c_void_p(), c_void_p()
    call("WsCreateMessageForChannel", client, None, 0, byref(sent), None)
    call("WsCreateMessageForChannel", server, None, 0, byref(received), None)
    descriptions = (POINTER(WS_MESSAGE_DESCRIPTION) * 1)(ctypes.pointer(description))
    value, index = c_int32(), c_uint32()
    receiver = threading.Thread(target=lambda: call(
        "WsReceiveMessage", server, received, descriptions, 1, 1, 1, h, byref(value), 4,
        byref(index), None, None))
    receiver.start()
    call("WsSendMessage", client, sent, byref(description), 1, byref(c_int32(7)), 4, None, None)
    receiver.join(10)
    print("    received body:", value.value, "description index:", index.value)
    _message_properties(received)
    # the same exchange the other way, with the message API
    call("WsResetMessage", sent, None)
    call("WsResetMessage", received, None)
    receiver = threading.Thread(target=lambda: call(
        "WsReceiveMessage", client, sent, descriptions, 1, 1, 1, h, byref(value), 4,
        byref(index), None, None))
    receiver.start()
    call("WsSendMessage", server, received, byref(description), 1, byref(c_int32(8)), 4, None,
         None)
    receiver.join(10)
    print("    reply body:", value.value)
    for channel in (client, server):
        call("WsCloseChannel", channel, None, None)
    call("WsCloseListener", listener, None, None)
    for handle in (sent, received):
        void("WsFreeMessage", handle)
    for channel in (client, server):
        void("WsFreeChannel", channel)
    void("WsFreeListener", listener)
    void("WsFreeHeap", h)
    refused = c_void_p()
    call("WsCreateChannel", duplex_session, tcp_binding, None, 0, None, byref(refused), None)
    print("  open to a port nobody listens on:")
    call("WsOpenChannel", refused, byref(_address(f"net.tcp://127.0.0.1:{port}/x")), None, None)
    void("WsFreeChannel", refused)

def http() -> None:
    def reply(request: SoapRequest) -> tuple[int, str, bytes]:
        print("    request headers:", {k: v for k, v in request.headers.items()
                                        if k in ("content-type", "soapaction", "host")})
        print("    request body:", request.body)
        body = b'<value xmlns="urn:t">43</value>'
        return 200, request.headers["content-type"], soap_envelope(body.decode())

    h = new_heap()
    with SoapEndpoint(reply) as endpoint:
        channel = c_void_p()
        request_type, http_binding = 8, 0
        call("WsCreateChannel", request_type, http_binding, None, 0, None, byref(channel), None)
        call("WsOpenChannel", channel, byref(_address(endpoint.url)), None, None)
        action = xs("urn:t/Ask")
        description = WS_MESSAGE_DESCRIPTION(ctypes.pointer(action), ctypes.pointer(INT32_BODY))
        reply_description = WS_MESSAGE_DESCRIPTION(None, ctypes.pointer(INT32_BODY))
        request, answer = c_void_p(), c_void_p()
        call("WsCreateMessageForChannel", channel, None, 0, byref(request), None)
        call("WsCreateMessageForChannel", channel, None, 0, byref(answer), None)
        value = c_int32()
        call("WsRequestReply", channel, request, byref(description), 1, byref(c_int32(42)), 4,
             answer, byref(reply_description), 1, h, byref(value), 4, None, None)
        print("    reply value:", value.value)
        _message_properties(answer)
        endpoint.handler = echo_handler
        call("WsResetMessage", request, None)
        call("WsResetMessage", answer, None)
        print("  correlated echo (RelatesTo):")
        call("WsRequestReply", channel, request, byref(description), 1, byref(c_int32(41)), 4,
             answer, byref(reply_description), 1, h, byref(value), 4, None, None)
        print("    reply value:", value.value)
        endpoint.handler = lambda r: (500, "text/plain", b"broken")
        call("WsResetMessage", request, None)
        call("WsResetMessage", answer, None)
        print("  server answers 500:")
        call("WsRequestReply", channel, request, byref(description), 1, byref(c_int32(1)), 4,
             answer, byref(reply_description), 1, h, byref(value), 4, None, None)
        call("WsCloseChannel", channel, None, None)
        for handle in (request, answer):
            void("WsFreeMessage", handle)
        void("WsFreeChannel", channel)
    void("WsFreeHeap", h)

def url() -> None:
    h = new_heap()
    for text in ("http://example.org:8080/a%20b/c?q=1&r=2#frag", "net.tcp://127.0.0.1:9000/svc",
                 "https://host/", "nonsense", "http://[::1]:81/x"):
        print(f"  {text!r}")
        parsed = c_void_p()
        if call("WsDecodeUrl", byref(ws(text)), 0, h, byref(parsed), None) != S_OK:
            continue
        fields = ctypes.cast(parsed, POINTER(WS_HTTP_URL)).contents
        print(f"    scheme={fields.scheme} host={ws_text(fields.host)!r} port={fields.port} "
              f"portAsString={ws_text(fields.portAsString)!r} path={ws_text(fields.path)!r} "
              f"query={ws_text(fields.query)!r} fragment={ws_text(fields.fragment)!r}")
        encoded = WS_STRING()
        call("WsEncodeUrl", parsed, 0, h, byref(encoded), None)
        print(f"    encoded again: {ws_text(encoded)!r}")
    void("WsFreeHeap", h)

def datetime() -> None:
    epoch_1601 = 504911232000000000  # WS_DATETIME ticks (from 0001-01-01) at 1601-01-01
    unix_epoch = 621355968000000000  # ... at 1970-01-01
    for ticks, fmt in ((unix_epoch, 0), (unix_epoch, 1), (unix_epoch, 2), (epoch_1601, 0),
                       (epoch_1601 - 1, 0), (0, 0), (unix_epoch, 3)):
        filetime = FILETIME()
        print(f"  ticks={ticks} format={fmt}:")
        if call("WsDateTimeToFileTime", byref(WS_DATETIME(ticks, fmt)), byref(filetime),
                None) == S_OK:
            value = (filetime.dwHighDateTime << 32) | filetime.dwLowDateTime
            print(f"    FILETIME = {value}")
            back = WS_DATETIME()
            call("WsFileTimeToDateTime", byref(filetime), byref(back), None)
            print(f"    back: ticks={back.ticks} format={back.format}")
    biggest = FILETIME(0xFFFFFFFF, 0xFFFFFFFF)
    print("  FILETIME max:")
    call("WsFileTimeToDateTime", byref(biggest), byref(WS_DATETIME()), None)
    call("WsDateTimeToFileTime", None, byref(FILETIME()), None)

SCENARIOS: dict[str, Callable[[], None]] = {
    "heap": heap, "error": error, "xml": xml, "message": message, "tcp": tcp, "http": http,
    "url": url, "datetime": datetime,
}

if __name__ == "__main__":
    for scenario in sys.argv[1:] or list(SCENARIOS):
        print(f"== {scenario}")
        SCENARIOS[scenario]()
