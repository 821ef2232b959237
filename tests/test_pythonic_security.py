"""The security layer on the host, without webservices.dll: property values
decoded from raw bytes laid out as specs/abi says (offsets computed by the
generator's layout code, not by ctypes), property arrays built from keywords,
the channel-state rule, error mapping and both asynchronous completion paths.

WsGetSecurityTokenProperty, WsRequestSecurityToken and WsFreeSecurityToken are
only stubs in Wine (calling them aborts the process), so this fake is where
their Python side is exercised; tests/live/test_pythonic_security.py runs them
against the real DLL on Windows.
"""

from __future__ import annotations

import asyncio
import ctypes
import struct
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("wwsapi.pythonic", reason="the generated package wwsapi is needed")

import wwsapi
from wwsapi.bases import PROPERTY_TABLES
from wwsapi.pythonic import (
    Channel,
    ChannelStateError,
    HandleClosedError,
    Heap,
    SecurityToken,
    UnknownPropertyError,
    XmlBuffer,
    asynchronous,
    gap,
    request_security_token,
    request_security_token_async,
    security,
)
from wwsapi.pythonic.datetimes import ticks_from_datetime
from wwsapi.pythonic.testing import (
    E_INVALIDARG,
    WS_S_ASYNC,
    FakeDll,
    basic_fake,
    write_bytes,
    write_pointer,
)

from generator.abi import load_abi
from generator.abi.layout import compute_layouts, type_size
from generator.abimodel import CType, Target

REPO = Path(__file__).resolve().parent.parent
ABI = load_abi(REPO / "specs" / "abi")
X64 = Target.X64
LAYOUT = compute_layouts(ABI, X64)
TOKEN_IDS = PROPERTY_TABLES["WS_SECURITY_TOKEN_PROPERTY_ID"]
REQUEST_IDS = PROPERTY_TABLES["WS_REQUEST_SECURITY_TOKEN_PROPERTY_ID"]
CHANNEL_STATE_OPEN = 3
pytestmark = pytest.mark.skipif(
    ctypes.sizeof(ctypes.c_void_p) != 8, reason="the raw layouts below are the x64 ones"
)


def abi_size(c_type: str) -> int:
    """The size of a C type on x64 as specs/abi gives it."""
    return type_size(ABI, CType.parse(c_type), X64)[0]


def pack(struct_name: str, **fields: int) -> bytes:
    """A structure's bytes on x64, each field at its ABI offset (integers, little-endian)."""
    layout = LAYOUT[struct_name]
    data = bytearray(layout.size)
    for f in layout.fields:
        if f.name in fields:
            data[f.offset : f.offset + f.size] = fields[f.name].to_bytes(
                f.size, "little", signed=fields[f.name] < 0
            )
    return bytes(data)


@dataclass
class TokenService:
    """The fake's view of one token and of the requests made."""

    fake: FakeDll
    values: dict[int, bytes] = field(default_factory=dict)
    xml: dict[int, bytes] = field(default_factory=dict)
    sizes: dict[int, int] = field(default_factory=dict)
    heaps: dict[int, int] = field(default_factory=dict)
    key_address: int = 0
    channel_state: int = CHANNEL_STATE_OPEN
    requests: list[dict[int, bytes]] = field(default_factory=list)  # id -> value bytes
    texts: list[dict[int, str | bytes]] = field(default_factory=list)  # what pointers point to
    complete: str = "sync"  # sync | async | async-fail
    threads: list[threading.Thread] = field(default_factory=list)


@pytest.fixture
def service() -> Iterator[TokenService]:
    fake = basic_fake()
    svc = TokenService(fake)

    @fake.implement("WsGetSecurityTokenProperty")
    def get_property(token: Any, pid: int, value: Any, size: int, heap: Any, error: Any) -> int:
        fake.check_handle("WS_SECURITY_TOKEN", token)
        svc.sizes[pid] = size
        svc.heaps[pid] = ctypes.cast(heap, ctypes.c_void_p).value or 0
        if pid not in svc.values:
            return E_INVALIDARG
        write_bytes(value, svc.values[pid])
        return 0

    @fake.implement("WsWriteXmlBufferToBytes")
    def to_bytes(
        writer: Any,
        buffer: Any,
        enc: Any,
        props: Any,
        count: int,
        heap: Any,
        out: Any,
        out_size: Any,
        error: Any,
    ) -> int:
        fake.check_handle("WS_XML_WRITER", writer)
        fake.check_handle("WS_HEAP", heap)
        data = svc.xml[ctypes.cast(buffer, ctypes.c_void_p).value or 0]
        write_pointer(out, fake.allocate(data))
        out_size[0] = len(data)
        return 0

    @fake.implement("WsGetChannelProperty")
    def channel_property(channel: Any, pid: int, value: Any, size: int, error: Any) -> int:
        fake.check_handle("WS_CHANNEL", channel)
        assert pid == wwsapi.WS_CHANNEL_PROPERTY_STATE and size == 4
        write_bytes(value, struct.pack("<i", svc.channel_state))
        return 0

    @fake.implement("WsRequestSecurityToken")
    def request(channel: Any, props: Any, count: int, token: Any, context: Any, error: Any) -> int:
        fake.check_handle("WS_CHANNEL", channel)
        seen: dict[int, bytes] = {}
        for i in range(count):
            entry = props[i]
            seen[entry.id_] = ctypes.string_at(entry.value, entry.valueSize)
        svc.requests.append(seen)
        svc.texts.append(follow_pointers(seen))  # while the caller's buffers are alive
        if svc.complete == "sync" or not context:
            write_pointer(token, fake.new_handle("WS_SECURITY_TOKEN"))
            return 0
        callback = context.contents.callback
        state = context.contents.callbackState

        def later() -> None:
            if svc.complete == "async-fail":
                callback(E_INVALIDARG, 1, state)
                return
            write_pointer(token, fake.new_handle("WS_SECURITY_TOKEN"))
            callback(0, 1, state)  # WS_LONG_CALLBACK

        thread = threading.Timer(0.05, later)
        svc.threads.append(thread)
        thread.start()
        return WS_S_ASYNC

    @fake.implement("WsCloseChannel")
    def close(channel: Any, context: Any, error: Any) -> int:
        return 0

    @fake.implement("WsAbortChannel")
    def abort(channel: Any, error: Any) -> int:
        return 0

    with fake.install():
        yield svc
        for thread in svc.threads:
            thread.join()


def follow_pointers(seen: dict[int, bytes]) -> dict[int, str | bytes]:
    """The text behind the pointer-valued settings, read by the ABI layout:
    applies_to -> WS_ENDPOINT_ADDRESS -> url (WS_STRING: UTF-16 chars),
    issued_token_type -> WS_XML_STRING (UTF-8 bytes)."""
    found: dict[int, str | bytes] = {}
    string = LAYOUT["WS_STRING"].offsets
    xml = LAYOUT["WS_XML_STRING"].offsets
    url = LAYOUT["WS_ENDPOINT_ADDRESS"].offsets["url"]
    for keyword, pid in (("applies_to", 1), ("issued_token_type", 4)):
        assert REQUEST_IDS[pid].keyword == keyword
        if pid not in seen:
            continue
        (address,) = struct.unpack("<Q", seen[pid])
        if keyword == "applies_to":
            raw = ctypes.string_at(address + url, LAYOUT["WS_STRING"].size)
            (length,) = struct.unpack_from("<I", raw, string["length"])
            (chars,) = struct.unpack_from("<Q", raw, string["chars"])
            found[pid] = ctypes.string_at(chars, 2 * length).decode("utf-16-le")
        else:
            raw = ctypes.string_at(address, LAYOUT["WS_XML_STRING"].size)
            (length,) = struct.unpack_from("<I", raw, xml["length"])
            (data,) = struct.unpack_from("<Q", raw, xml["bytes"])
            found[pid] = ctypes.string_at(data, length)
    return found


def new_token(svc: TokenService) -> SecurityToken:
    address = svc.fake.new_handle("WS_SECURITY_TOKEN")
    return SecurityToken(
        ctypes.cast(address, ctypes.POINTER(wwsapi.WS_SECURITY_TOKEN)), wwsapi.WsFreeSecurityToken
    )


def test_every_token_property_has_a_generated_value_type() -> None:
    # From the enumeration's page, resolved against specs/abi: not typed by hand.
    got = {e.keyword: e.c_type for e in TOKEN_IDS.values()}
    assert got == {
        "key_type": "WS_SECURITY_KEY_TYPE",
        "valid_from_time": "WS_DATETIME",
        "valid_till_time": "WS_DATETIME",
        "serialized_xml": "WS_XML_BUFFER*",
        "attached_reference_xml": "WS_XML_BUFFER*",
        "unattached_reference_xml": "WS_XML_BUFFER*",
        "symmetric_key": "WS_BYTES",
    }
    assert set(TOKEN_IDS) == {m.value for m in wwsapi.WS_SECURITY_TOKEN_PROPERTY_ID}


def test_key_type_is_the_enum_and_sizes_follow_the_abi(service: TokenService) -> None:
    key_type = TOKEN_IDS[1]
    service.values[1] = struct.pack("<i", 2)  # WS_SECURITY_KEY_TYPE_SYMMETRIC
    with new_token(service) as token:
        value = token.get_property(wwsapi.WS_SECURITY_TOKEN_PROPERTY_KEY_TYPE)
        assert value is wwsapi.WS_SECURITY_KEY_TYPE.WS_SECURITY_KEY_TYPE_SYMMETRIC
        assert token.key_type is value
        service.values[1] = struct.pack("<i", 99)  # a value the enumeration lacks
        assert token.get_property("key_type") == 99
    assert service.sizes[1] == abi_size(key_type.c_type) == 4
    assert service.heaps[1] == 0  # "for every other property this parameter must be NULL"


def test_validity_times_are_aware_utc_datetimes(service: TokenService) -> None:
    start = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    ticks = ticks_from_datetime(start) + 7  # 700 ns that datetime cannot hold
    service.values[2] = pack("WS_DATETIME", ticks=ticks, format=1)
    service.values[3] = pack("WS_DATETIME", ticks=0, format=0)  # no end of validity
    with new_token(service) as token:
        assert token.valid_from == start
        assert token.valid_from.tzinfo is UTC
        assert token.valid_till is None
    assert service.sizes[2] == service.sizes[3] == abi_size("WS_DATETIME") == 16


def test_xml_properties_are_written_out_as_bytes(service: TokenService) -> None:
    buffers = {}
    for pid, text in ((4, b"<t:Token xmlns:t='urn:t'/>"), (5, b"<r:Ref/>"), (6, b"<r:Un/>")):
        address = service.fake.new_handle("WS_XML_BUFFER")
        service.xml[address] = text
        service.values[pid] = struct.pack("<Q", address)
        buffers[pid] = text
    with new_token(service) as token:
        assert token.serialized_xml == buffers[4]
        assert token.get_property("attached_reference_xml") == buffers[5]
        assert token.unattached_reference_xml == buffers[6]
    assert service.sizes[4] == abi_size("WS_XML_BUFFER*") == 8
    # the writer and heap used for WsWriteXmlBufferToBytes are gone again
    assert not {"WS_XML_WRITER", "WS_HEAP"} & set(service.fake.live.values())


def test_symmetric_key_is_copied_out_and_the_native_copy_wiped(service: TokenService) -> None:
    key = bytes(range(1, 33))
    address = service.fake.allocate(key)
    service.values[7] = pack("WS_BYTES", length=len(key), bytes=address)
    with new_token(service) as token:
        assert token.symmetric_key == key
        assert ctypes.string_at(address, len(key)) == bytes(len(key))  # wiped
        assert service.heaps[7] != 0  # the API requires a heap for this one
        assert service.sizes[7] == abi_size("WS_BYTES") == 16
        # the heap made for the call is freed; a caller's heap is left alone
        assert "WS_HEAP" not in service.fake.live.values()
        key_address = service.fake.allocate(key)
        service.values[7] = pack("WS_BYTES", length=len(key), bytes=key_address)
        with Heap.create() as heap:
            assert token.get_property("symmetric_key", heap=heap) == key
            assert service.heaps[7] == ctypes.cast(heap.raw, ctypes.c_void_p).value
            assert not heap.closed
        assert ctypes.string_at(key_address, len(key)) == bytes(len(key))


def test_unknown_and_unsupported_ids(service: TokenService) -> None:
    with new_token(service) as token:
        with pytest.raises(
            UnknownPropertyError, match="WS_SECURITY_TOKEN_PROPERTY_ID has no property with id 42"
        ):
            token.get_property(42)
        assert service.fake.calls["WsGetSecurityTokenProperty"] == 0
        with pytest.raises(wwsapi.E_INVALIDARG) as caught:  # the token lacks it: the DLL says so
            token.get_property("valid_from_time")
    error = caught.value
    assert isinstance(error, wwsapi.WsError)
    assert error.hresult == 0x80070057 and error.function == "WsGetSecurityTokenProperty"
    assert "does not support the requested property" in error.meaning  # the page's words


def test_request_builds_the_property_array_from_keywords(service: TokenService) -> None:
    channel = Channel.create(wwsapi.WS_CHANNEL_TYPE_REQUEST, wwsapi.WS_HTTP_CHANNEL_BINDING)
    existing = new_token(service)
    params = XmlBuffer.create()
    token = request_security_token(
        channel,
        applies_to="http://service.example/rp",
        trust_version=wwsapi.WS_TRUST_VERSION.WS_TRUST_VERSION_1_3,
        issued_token_type="urn:oasis:names:tc:SAML:2.0:assertion",
        issued_token_key_size=256,
        issued_token_key_type=wwsapi.WS_SECURITY_KEY_TYPE.WS_SECURITY_KEY_TYPE_SYMMETRIC,
        existing_token=existing,
        local_request_parameters=params,
    )
    assert isinstance(token, SecurityToken)
    (seen,) = service.requests
    (texts,) = service.texts
    ids = {e.keyword: e.id for e in REQUEST_IDS.values()}

    def read(keyword: str) -> bytes:
        value = seen[ids[keyword]]
        assert len(value) == abi_size(REQUEST_IDS[ids[keyword]].c_type)  # valueSize
        return value

    assert set(seen) == {
        ids[k]
        for k in (
            "applies_to",
            "trust_version",
            "issued_token_type",
            "issued_token_key_size",
            "issued_token_key_type",
            "existing_token",
            "local_request_parameters",
        )
    }
    assert struct.unpack("<i", read("trust_version"))[0] == 2
    assert struct.unpack("<I", read("issued_token_key_size"))[0] == 256
    assert struct.unpack("<i", read("issued_token_key_type"))[0] == 2
    handle = struct.unpack("<Q", read("existing_token"))[0]
    assert handle == ctypes.cast(existing.raw, ctypes.c_void_p).value
    buffer = struct.unpack("<Q", read("local_request_parameters"))[0]
    assert buffer == ctypes.cast(params.raw, ctypes.c_void_p).value
    assert len(read("applies_to")) == len(read("issued_token_type")) == 8  # pointers
    assert texts[ids["applies_to"]] == "http://service.example/rp"
    assert texts[ids["issued_token_type"]] == b"urn:oasis:names:tc:SAML:2.0:assertion"
    for handle_object in (token, existing, params, channel):
        handle_object.close()
    assert service.fake.freed["WS_SECURITY_TOKEN"] == 2


def test_keywords_of_request_security_token_follow_the_generated_table() -> None:
    keywords = [e.keyword for e in REQUEST_IDS.values()]
    given = security.RequestSettings.__optional_keys__
    assert gap.keyword_mismatches(given, keywords) == []
    assert gap.keyword_mismatches(given, [*keywords, "new_setting"]) == [
        "no keyword for 'new_setting' (the generated table has it)"
    ]


def test_an_unknown_keyword_is_refused_before_the_call(service: TokenService) -> None:
    with (
        Channel.create(8, 0) as channel,
        pytest.raises(UnknownPropertyError, match="'applies_too'"),
    ):
        request_security_token(channel, applies_too="http://x/")  # type: ignore[call-overload]
    assert not service.requests


def test_a_wrongly_typed_keyword_is_refused_before_the_call(service: TokenService) -> None:
    with (
        Channel.create(8, 0) as channel,
        pytest.raises(
            TypeError, match="WS_REQUEST_SECURITY_TOKEN_PROPERTY_ISSUED_TOKEN_KEY_SIZE takes an int"
        ),
    ):
        request_security_token(channel, issued_token_key_size="big")  # type: ignore[call-overload]
    assert not service.requests


@pytest.mark.parametrize("state", [0, 1, 4, 6])  # CREATED, OPENING, FAULTED, CLOSED
def test_the_channel_must_be_open(service: TokenService, state: int) -> None:
    service.channel_state = state
    with Channel.create(8, 0) as channel, pytest.raises(ChannelStateError) as caught:
        request_security_token(channel)
    assert caught.value.required == "WS_CHANNEL_STATE_OPEN"
    assert caught.value.actual == wwsapi.WS_CHANNEL_STATE(state).name
    assert service.fake.calls["WsRequestSecurityToken"] == 0


def test_async_request_completing_synchronously(service: TokenService) -> None:
    called: list[Future[SecurityToken]] = []
    with Channel.create(8, 0) as channel:
        future = request_security_token(channel, async_context=called.append)
        assert future.done() and called == [future]  # before the call returned
        with future.result() as token:
            assert isinstance(token, SecurityToken)
    assert asynchronous.pending() == 0


def test_async_request_completing_later(service: TokenService) -> None:
    service.complete = "async"
    done = threading.Event()
    threads: list[str] = []

    def completion(future: Future[SecurityToken]) -> None:
        threads.append(threading.current_thread().name)
        done.set()

    with Channel.create(8, 0) as channel:
        future = request_security_token(
            channel,
            trust_version=wwsapi.WS_TRUST_VERSION.WS_TRUST_VERSION_1_3,
            async_context=completion,
        )
        assert not future.done()  # WS_S_ASYNC: the callback comes later
        assert done.wait(5)
        assert threads != [threading.main_thread().name]
        with future.result(timeout=5) as token:
            assert not token.closed
    assert asynchronous.pending() == 0


def test_async_request_failing_later_raises_the_generated_class(service: TokenService) -> None:
    service.complete = "async-fail"
    with Channel.create(8, 0) as channel:
        future = request_security_token(channel, async_context=lambda f: None)
        with pytest.raises(wwsapi.E_INVALIDARG) as caught:
            future.result(timeout=5)
    assert caught.value.function == "WsRequestSecurityToken"
    assert asynchronous.pending() == 0


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_asyncio_form(service: TokenService, mode: str) -> None:
    service.complete = mode

    async def main() -> SecurityToken:
        with Channel.create(8, 0) as channel:
            return await request_security_token_async(channel, issued_token_key_size=128)

    token = asyncio.run(main())
    assert isinstance(token, SecurityToken)
    token.close()
    assert service.requests[-1][8] == struct.pack("<I", 128)  # issued_token_key_size: a ULONG


def test_a_freed_token_is_refused_before_the_dll_sees_it(service: TokenService) -> None:
    token = new_token(service)
    token.close()
    with pytest.raises(HandleClosedError, match="WS_SECURITY_TOKEN handle: it was closed"):
        token.get_property("key_type")
    assert service.fake.calls["WsGetSecurityTokenProperty"] == 0
