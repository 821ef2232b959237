"""URLs (WsDecodeUrl, WsEncodeUrl, WsCombineUrl) and date-time conversions
(WsDateTimeToFileTime, WsFileTimeToDateTime) through the friendly layer
(wwsapi.friendly: the URL, string, FILETIME or WS_DATETIME is returned), read
and built with the generated structures."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import wwsapi
from wwsapi import _runtime as rt
from wwsapi import friendly
from wwsapi.pythonic.datetimes import FILETIME_EPOCH_TICKS, MAX_TICKS, UNIX_EPOCH_TICKS
from wwslive import wine_version
from wwsvalues import ws_string, ws_text

SCHEME = wwsapi.WS_URL_SCHEME_TYPE
URL_FUNCTIONS = ("WsCreateHeap", "WsFreeHeap", "WsDecodeUrl", "WsEncodeUrl")
TIME_FUNCTIONS = ("WsDateTimeToFileTime", "WsFileTimeToDateTime")
UNIX_EPOCH_FILETIME = 116_444_736_000_000_000  # 1970-01-01 in 100 ns since 1601


@pytest.fixture
def heap() -> Iterator[Any]:
    """A heap for the URLs and strings the functions return."""
    handle = friendly.WsCreateHeap(1 << 16, 0)
    yield handle
    friendly.WsFreeHeap(handle)


@dataclass(frozen=True)
class Parts:
    scheme: SCHEME
    host: str
    port: int
    port_text: str
    path: str
    query: str
    fragment: str


# WS_HTTP_URL, WS_HTTPS_URL and WS_NETTCP_URL share this layout.
URL_CLASSES = {
    SCHEME.WS_URL_HTTP_SCHEME_TYPE: wwsapi.WS_HTTP_URL,
    SCHEME.WS_URL_HTTPS_SCHEME_TYPE: wwsapi.WS_HTTPS_URL,
    SCHEME.WS_URL_NETTCP_SCHEME_TYPE: wwsapi.WS_NETTCP_URL,
}


def decode(heap: Any, text: str) -> ctypes._Pointer[wwsapi.WS_URL]:
    return friendly.WsDecodeUrl(ws_string(text), 0, heap)


def parts(url: ctypes._Pointer[wwsapi.WS_URL]) -> Parts:
    """The fields of a decoded URL, read through the generated structure of its scheme."""
    scheme = SCHEME(url.contents.scheme)
    fields = ctypes.cast(url, ctypes.POINTER(URL_CLASSES[scheme])).contents
    return Parts(
        scheme,
        ws_text(fields.host),
        fields.port,
        ws_text(fields.portAsString),
        ws_text(fields.path),
        ws_text(fields.query),
        ws_text(fields.fragment),
    )


def encode(heap: Any, url: ctypes._Pointer[wwsapi.WS_URL]) -> str:
    return ws_text(friendly.WsEncodeUrl(url, 0, heap))


@pytest.mark.wwsapi(*URL_FUNCTIONS)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "http://example.org:8080/a%20b/c?q=1&r=2#frag",
            Parts(SCHEME.WS_URL_HTTP_SCHEME_TYPE, "example.org", 8080, "8080", "/a b/c",
                  "q=1&r=2", "frag"),
        ),
        (
            "https://host.example/",
            Parts(SCHEME.WS_URL_HTTPS_SCHEME_TYPE, "host.example", 443, "", "/", "", ""),
        ),
        (
            "net.tcp://127.0.0.1:9000/shop/orders",
            Parts(SCHEME.WS_URL_NETTCP_SCHEME_TYPE, "127.0.0.1", 9000, "9000", "/shop/orders",
                  "", ""),
        ),
    ],
)  # fmt: skip
def test_decode_and_encode_again(heap: Any, text: str, expected: Parts) -> None:
    url = decode(heap, text)
    assert parts(url) == expected
    assert encode(heap, url) == text


@pytest.mark.wwsapi(*URL_FUNCTIONS)
def test_encode_a_url_built_in_python(heap: Any) -> None:
    url = wwsapi.WS_HTTPS_URL()
    url.url.scheme = SCHEME.WS_URL_HTTPS_SCHEME_TYPE
    url.host = ws_string("shop.example")
    url.port = 8443
    url.portAsString = ws_string("8443")
    url.path = ws_string("/orders/ünï code")
    url.query = ws_string("id=7")
    url.fragment = ws_string("")
    text = encode(heap, ctypes.cast(ctypes.pointer(url), ctypes.POINTER(wwsapi.WS_URL)))
    assert text == "https://shop.example:8443/orders/%C3%BCn%C3%AF%20code?id=7"
    assert parts(decode(heap, text)).path == "/orders/ünï code"


@pytest.mark.wwsapi(*URL_FUNCTIONS)
def test_a_scheme_outside_the_enumeration_is_refused(heap: Any) -> None:
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT) as caught:
        decode(heap, "ftp://files.example/x")
    assert caught.value.function == "WsDecodeUrl"
    assert "its scheme is not one of those in WS_URL_SCHEME_TYPE" in caught.value.meaning


@pytest.mark.windows_only("WsCombineUrl is a stub in Wine 8.0")
@pytest.mark.wwsapi(*URL_FUNCTIONS, "WsCombineUrl")
def test_combine_url(heap: Any) -> None:
    base, reference = ws_string("http://shop.example/orders/list?x=1"), ws_string("../items/7")
    result = friendly.WsCombineUrl(base, reference, 0, heap)
    assert ws_text(result) == "http://shop.example/items/7"


def to_filetime(ticks: int, format_: int = 0) -> int:
    value = wwsapi.WS_DATETIME()
    value.ticks = ticks
    value.format_ = format_
    filetime = friendly.WsDateTimeToFileTime(value)
    return filetime.dwHighDateTime << 32 | filetime.dwLowDateTime


def from_filetime(filetime: int) -> wwsapi.WS_DATETIME:
    value = rt.FILETIME()
    value.dwLowDateTime = filetime & 0xFFFFFFFF
    value.dwHighDateTime = filetime >> 32
    return friendly.WsFileTimeToDateTime(value)


@pytest.mark.wwsapi(*TIME_FUNCTIONS)
@pytest.mark.parametrize(
    ("ticks", "filetime"),
    [
        (UNIX_EPOCH_TICKS, UNIX_EPOCH_FILETIME),
        (FILETIME_EPOCH_TICKS, 0),  # 1601-01-01, the first FILETIME
        (MAX_TICKS, MAX_TICKS - FILETIME_EPOCH_TICKS),  # the last tick of 9999
        (UNIX_EPOCH_TICKS + 1, UNIX_EPOCH_FILETIME + 1),  # 100 ns resolution both ways
    ],
)
def test_datetime_and_filetime_convert_both_ways(ticks: int, filetime: int) -> None:
    assert to_filetime(ticks) == filetime
    back = from_filetime(filetime)
    assert back.ticks == ticks
    assert back.format_ == wwsapi.WS_DATETIME_FORMAT.WS_DATETIME_FORMAT_UTC


@pytest.mark.wwsapi(*TIME_FUNCTIONS)
def test_a_date_before_1601_has_no_filetime() -> None:
    with pytest.raises(wwsapi.WS_E_INVALID_FORMAT) as caught:
        to_filetime(FILETIME_EPOCH_TICKS - 1)
    assert caught.value.function == "WsDateTimeToFileTime"
    assert caught.value.meaning == (
        "The date lies before January 1, 1601, which a FILETIME cannot express."
    )


@pytest.mark.wwsapi(*TIME_FUNCTIONS)
def test_a_filetime_after_9999_has_no_datetime() -> None:
    with pytest.raises(wwsapi.WsError) as caught:
        from_filetime(MAX_TICKS - FILETIME_EPOCH_TICKS + 1)  # 10000-01-01
    error = caught.value
    assert error.function == "WsFileTimeToDateTime"
    if isinstance(error, wwsapi.WS_E_INVALID_FORMAT):  # the documented code
        assert error.meaning.startswith("The time lies in the year 10000 or later")
    else:  # Wine 8.0: an overflow, which the page does not list
        assert wine_version() is not None
        assert type(error) is wwsapi.WS_E_NUMERIC_OVERFLOW and error.meaning == ""
