"""The live suite's own machinery: stub guard, call counter, local endpoints."""

from __future__ import annotations

import ctypes
import http.client
import socket
from xml.etree import ElementTree

import pytest
from wwslive import (
    SOAP12,
    WSA10,
    CallRecorder,
    SoapEndpoint,
    SoapRequest,
    WineStubCallError,
    soap_envelope,
    wine_version,
)


def test_a_stub_call_is_refused_not_fatal(pytestconfig: pytest.Config) -> None:
    if wine_version() is None:
        pytest.skip("real Windows: webservices.dll has no stubs")
    # WsAbandonCall is a Wine stub: reaching it would abort this process. The
    # guard must stop the call before the DLL is entered.
    stub = ctypes.WinDLL("webservices.dll").WsAbandonCall
    with pytest.raises(WineStubCallError, match="WsAbandonCall is only a stub"):
        stub(None, 0, None)


def test_the_counter_sees_calls_through_any_function_object() -> None:
    # A private recorder over one address: the session's recorder stays untouched.
    dll = ctypes.WinDLL("webservices.dll")
    free_heap = dll.WsFreeHeap
    address = ctypes.cast(free_heap, ctypes.c_void_p).value
    assert address
    recorder = CallRecorder({address: "WsFreeHeap"}, frozenset())
    recorder.on_call(None, 0, free_heap, None)
    recorder.on_call(None, 0, len, None)  # not a foreign function: ignored
    prototype = ctypes.WINFUNCTYPE(None, ctypes.c_void_p)(("WsFreeHeap", dll))
    recorder.on_call(None, 0, prototype, None)  # another object, same entry point
    assert dict(recorder.calls) == {"WsFreeHeap": 2}


def test_free_tcp_port_can_be_bound(free_tcp_port: int) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", free_tcp_port))
        server.listen()
        assert server.getsockname()[1] == free_tcp_port


def _post(endpoint: SoapEndpoint, body: bytes) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=10)
    try:
        connection.request(
            "POST", endpoint.path, body,
            {"Content-Type": 'application/soap+xml; charset=utf-8; action="urn:t/Ask"'},
        )
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def test_soap_endpoint_echoes_a_correlated_reply(soap_endpoint: SoapEndpoint) -> None:
    request = soap_envelope(
        '<v xmlns="urn:t">42</v>', headers_xml="<a:MessageID>urn:uuid:1</a:MessageID>"
    )
    status, content_type, body = _post(soap_endpoint, request)
    assert status == 200
    assert content_type == "application/soap+xml; charset=utf-8"
    root = ElementTree.fromstring(body)
    assert root.findtext(f"{{{SOAP12}}}Header/{{{WSA10}}}RelatesTo") == "urn:uuid:1"
    assert root.findtext(f"{{{SOAP12}}}Body/{{urn:t}}v") == "42"
    [seen] = soap_endpoint.requests
    assert seen.path == "/service" and seen.body == request


def test_soap_endpoint_uses_the_handler(soap_endpoint: SoapEndpoint) -> None:
    def fail(request: SoapRequest) -> tuple[int, str, bytes]:
        return 500, "text/plain", b"no"

    soap_endpoint.handler = fail
    assert _post(soap_endpoint, b"<x/>") == (500, "text/plain", b"no")


@pytest.mark.wwsapi("WsGetSecurityTokenProperty")
def test_a_test_needing_a_wine_stub_runs_only_on_windows() -> None:
    # Under Wine the marker must have skipped this test before it started.
    assert wine_version() is None


@pytest.mark.windows_only("checks the marker itself")
def test_windows_only_runs_only_on_windows() -> None:
    assert wine_version() is None
