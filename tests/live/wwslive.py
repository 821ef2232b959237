"""Infrastructure of the live suite (runs inside Windows CPython, native or
under Wine): finding Wine, guarding against Wine's stubs, counting which
WWSAPI functions the suite called, and local endpoints for the tests.

Calls are seen through `sys.monitoring` CALL events, which fire before every
call made from Python code, foreign functions included: that needs no wrapper
around the bindings (whose speed is measured), and it lets the guard refuse a
call to a Wine stub, which would otherwise abort the whole process. Calls made
from C (a ctypes function passed to `map`) are not seen, except those of a
`functools.partial`, which is looked through (wwsapi.pythonic binds handles so).
"""

from __future__ import annotations

import ctypes
import functools
import http.server
import socket
import sys
import threading
from _ctypes import CFuncPtr  # base class of every foreign function object
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import wine_support
from winedll import stub_name

DLL = "webservices.dll"


class WineStubCallError(RuntimeError):
    """A test called a WWSAPI function that Wine only stubs; calling it would
    abort the process, so the call was refused."""


@cache
def wine_version() -> str | None:
    """Wine's version when running under Wine, else None (real Windows)."""
    if sys.platform != "win32":
        return None
    ntdll = ctypes.WinDLL("ntdll")
    try:
        getter = ntdll.wine_get_version
    except AttributeError:
        return None
    getter.restype = ctypes.c_char_p
    getter.argtypes = []
    version: bytes = getter()
    return version.decode()


@cache
def _kernel32() -> Any:
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.GetProcAddress.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    kernel32.GetProcAddress.restype = ctypes.c_void_p
    return kernel32


@cache
def webservices_handle() -> int:
    """The module handle of the loaded webservices.dll (loading it if needed)."""
    handle: int = ctypes.WinDLL(DLL)._handle
    return handle


def export_addresses(names: Iterable[str]) -> dict[str, int]:
    """Entry point addresses of the given exports that the loaded DLL has."""
    module = webservices_handle()
    found = {}
    for name in names:
        address = _kernel32().GetProcAddress(module, name.encode("ascii"))
        if address:
            found[name] = int(address)
    return found


def _read_memory(address: int, size: int) -> bytes:
    return ctypes.string_at(address, size)


def loaded_stubs(addresses: dict[str, int]) -> frozenset[str]:
    """Exports whose loaded code is a Wine stub thunk (none on Windows)."""
    return frozenset(
        name for name, address in addresses.items() if stub_name(_read_memory, address) == name
    )


_TOOL_IDS = (4, 3)  # sys.monitoring tool ids left free for tools like us


@dataclass
class CallRecorder:
    """Counts calls into webservices.dll by export name, and under Wine refuses
    calls to stubs (see the module docstring)."""

    by_address: dict[int, str]
    refused: frozenset[str]
    calls: Counter[str] = field(default_factory=Counter)
    tool: int | None = None

    def on_call(self, code: object, offset: int, callee: object, arg0: object) -> None:
        """sys.monitoring CALL callback: runs before every call from Python code."""
        while isinstance(callee, functools.partial):  # its call of .func is made from C
            callee = callee.func
        if not isinstance(callee, CFuncPtr):
            return
        address = ctypes.c_void_p.from_address(ctypes.addressof(callee)).value
        name = self.by_address.get(address or 0)
        if name is None:
            return
        if name in self.refused:
            raise WineStubCallError(
                f"{name} is only a stub in Wine {wine_version()}: calling it would abort "
                "the process; mark the test @pytest.mark.wwsapi(...) or windows_only"
            )
        self.calls[name] += 1

    def start(self) -> None:
        monitoring = sys.monitoring
        for tool in _TOOL_IDS:
            if monitoring.get_tool(tool) is None:
                monitoring.use_tool_id(tool, "wwslive")
                break
        else:
            raise RuntimeError(f"sys.monitoring tool ids {_TOOL_IDS} are all taken")
        self.tool = tool
        monitoring.register_callback(tool, monitoring.events.CALL, self.on_call)
        monitoring.set_events(tool, monitoring.events.CALL)

    def stop(self) -> None:
        if self.tool is not None:
            sys.monitoring.set_events(self.tool, 0)
            sys.monitoring.register_callback(self.tool, sys.monitoring.events.CALL, None)
            sys.monitoring.free_tool_id(self.tool)
            self.tool = None


@dataclass(frozen=True)
class WineFacts:
    """What the loaded DLL offers: all of it on Windows, less the stubs under Wine."""

    wine: str | None
    addresses: dict[str, int]
    stubs: frozenset[str]  # recorded and loaded stubs together, under Wine only

    @property
    def implemented(self) -> frozenset[str]:
        return frozenset(self.addresses) - self.stubs

    def unavailable(self, name: str) -> str | None:
        """Why `name` must not be called here, or None when it may be."""
        if self.wine is None:
            return None
        if name in self.stubs:
            return f"{name} is a stub in Wine {self.wine}"
        if name not in self.addresses:
            return f"Wine {self.wine} does not export {name}"
        return None


def inspect_loaded_dll() -> WineFacts:
    """Addresses of every known export and, under Wine, which are stubs."""
    addresses = export_addresses(sorted(wine_support.EXPORTS))
    wine = wine_version()
    stubs = (wine_support.STUBS | loaded_stubs(addresses)) if wine else frozenset()
    return WineFacts(wine, addresses, stubs)


def free_tcp_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class SoapRequest:
    """One request the test endpoint received."""

    path: str
    headers: dict[str, str]
    body: bytes


SoapHandler = Callable[[SoapRequest], tuple[int, str, bytes]]


SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
WSA10 = "http://www.w3.org/2005/08/addressing"


def soap_envelope(body_xml: str, *, headers_xml: str = "", soap12: bool = True) -> bytes:
    """A SOAP envelope around `body_xml` (SOAP 1.2 by default, as WWSAPI's HTTP
    channel speaks unless told otherwise)."""
    ns = SOAP12 if soap12 else SOAP11
    header = f"<s:Header>{headers_xml}</s:Header>" if headers_xml else ""
    return (
        f'<s:Envelope xmlns:s="{ns}" xmlns:a="{WSA10}">{header}<s:Body>{body_xml}</s:Body>'
        "</s:Envelope>"
    ).encode()


def soap_reply(request: SoapRequest, body_xml: str, *, action: str | None = None) -> bytes:
    """A reply envelope to `request`: same SOAP version, `a:RelatesTo` naming the
    request's `a:MessageID` (WS-Addressing 1.0), and `a:Action` when given."""
    root = ElementTree.fromstring(request.body)
    soap12 = root.tag == f"{{{SOAP12}}}Envelope"
    message_id = root.findtext(f"{{{SOAP12 if soap12 else SOAP11}}}Header/{{{WSA10}}}MessageID")
    headers = ""
    if message_id:
        headers += f"<a:RelatesTo>{escape(message_id)}</a:RelatesTo>"
    if action:
        headers += f'<a:Action s:mustUnderstand="1">{escape(action)}</a:Action>'
    return soap_envelope(body_xml, headers_xml=headers, soap12=soap12)


def request_body_xml(request: SoapRequest) -> str:
    """The children of the request's SOAP Body, serialised again."""
    root = ElementTree.fromstring(request.body)
    body = next((child for child in root if child.tag.endswith("}Body")), None)
    if body is None:
        return ""
    return "".join(ElementTree.tostring(child, encoding="unicode") for child in body)


def echo_handler(request: SoapRequest) -> tuple[int, str, bytes]:
    """Reply with the request's own body, correlated to the request."""
    content_type = request.headers.get("content-type", "application/soap+xml; charset=utf-8")
    media_type = content_type.split(";")[0].strip()
    return 200, f"{media_type}; charset=utf-8", soap_reply(request, request_body_xml(request))


class SoapEndpoint:
    """An HTTP endpoint on 127.0.0.1 served from a thread of the test process.

    `handler` turns each request into (status, content type, body); every
    request is kept in `requests` for the test to inspect.
    """

    def __init__(self, handler: SoapHandler = echo_handler, path: str = "/service") -> None:
        self.handler = handler
        self.path = path
        self.requests: list[SoapRequest] = []
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = SoapRequest(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                endpoint.requests.append(request)
                status, content_type, body = endpoint.handler(request)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: pytest shows the requests through `requests` instead."""

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        port: int = self._server.server_address[1]
        return port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def __enter__(self) -> SoapEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
