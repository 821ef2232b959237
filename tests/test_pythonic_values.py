"""WS_DATETIME arithmetic and the table-driven value codec of wwsapi.pythonic,
on the host (no DLL: buffers are filled and read through ctypes)."""

from __future__ import annotations

import ctypes
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

pytest.importorskip("wwsapi.pythonic", reason="the generated package wwsapi is needed")

import wwsapi
from wwsapi.bases import PROPERTY_TABLES, UNRESOLVED
from wwsapi.pythonic import UnknownPropertyError, values
from wwsapi.pythonic.datetimes import (
    FILETIME_EPOCH_TICKS,
    MAX_TICKS,
    UNIX_EPOCH_TICKS,
    datetime_from_ticks,
    filetime_from_ticks,
    ticks_from_datetime,
)


def test_known_moments() -> None:
    assert datetime_from_ticks(UNIX_EPOCH_TICKS) == datetime(1970, 1, 1, tzinfo=UTC)
    assert datetime_from_ticks(FILETIME_EPOCH_TICKS) == datetime(1601, 1, 1, tzinfo=UTC)
    assert ticks_from_datetime(datetime(1970, 1, 1, tzinfo=UTC)) == 621_355_968_000_000_000
    assert filetime_from_ticks(UNIX_EPOCH_TICKS) == 116_444_736_000_000_000  # as Wine gives
    assert datetime_from_ticks(MAX_TICKS) == datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def test_zero_ticks_mean_no_time() -> None:
    assert datetime_from_ticks(0) is None


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(2000, 2, 29, 12, 30, 45, 678901, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_round_trip_is_exact_to_the_microsecond(moment: datetime) -> None:
    ticks = ticks_from_datetime(moment)
    assert ticks % 10 == 0
    assert datetime_from_ticks(ticks) == moment


def test_sub_microsecond_ticks_are_truncated_towards_the_past() -> None:
    base = ticks_from_datetime(datetime(2020, 1, 1, tzinfo=UTC))
    assert datetime_from_ticks(base + 9) == datetime(2020, 1, 1, tzinfo=UTC)
    assert datetime_from_ticks(base + 10) == datetime(2020, 1, 1, 0, 0, 0, 1, tzinfo=UTC)


def test_other_zones_are_converted_to_utc_ticks() -> None:
    plus_two = timezone(timedelta(hours=2))
    local = datetime(2024, 6, 1, 14, 0, tzinfo=plus_two)
    assert ticks_from_datetime(local) == ticks_from_datetime(
        datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    )


def test_bad_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        ticks_from_datetime(datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="outside the WS_DATETIME range"):
        ticks_from_datetime(datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))))
    with pytest.raises(ValueError, match="not a WS_DATETIME tick count"):
        datetime_from_ticks(MAX_TICKS + 1)
    with pytest.raises(ValueError, match="FILETIME range"):
        filetime_from_ticks(FILETIME_EPOCH_TICKS - 1)


def entry(enum: str, keyword: str) -> wwsapi.bases.PropertyType:
    return values.lookup(enum, keyword)


def test_lookup_by_number_member_keyword_and_name() -> None:
    by_keyword = entry("WS_MESSAGE_PROPERTY_ID", "username")
    assert values.lookup("WS_MESSAGE_PROPERTY_ID", 14) is by_keyword
    assert (
        values.lookup("WS_MESSAGE_PROPERTY_ID", wwsapi.WS_MESSAGE_PROPERTY_USERNAME) is by_keyword
    )
    assert values.lookup("WS_MESSAGE_PROPERTY_ID", "WS_MESSAGE_PROPERTY_USERNAME") is by_keyword
    with pytest.raises(UnknownPropertyError, match="keyword 'user_name'"):
        values.lookup("WS_MESSAGE_PROPERTY_ID", "user_name")
    with pytest.raises(LookupError, match="no generated property table for WS_NOTHING_ID"):
        values.lookup("WS_NOTHING_ID", 0)


def test_an_unresolved_id_says_why() -> None:
    enum, names = next((enum, names) for enum, names in sorted(UNRESOLVED.items()) if names)
    name = names[0]
    value = int(getattr(wwsapi, name))
    with pytest.raises(UnknownPropertyError) as caught:
        values.lookup(enum, value)
    assert caught.value.__notes__ == [
        f"{name}: its doc page names no fixed-size value type, so the generated table leaves it out"
    ]


def test_every_table_entry_has_a_storage_type_of_its_size() -> None:
    for table in PROPERTY_TABLES.values():
        for e in table.values():
            size = values.size_of(e)
            if e.pointers or e.kind in ("handle", "callback"):
                assert size == ctypes.sizeof(ctypes.c_void_p), e
            elif e.kind == "enum":
                assert size == 4, e


@pytest.mark.parametrize(
    ("enum", "keyword", "python", "raw"),
    [
        ("WS_MESSAGE_PROPERTY_ID", "is_fault", True, ctypes.c_int32(1)),
        ("WS_MESSAGE_PROPERTY_ID", "max_processed_headers", 64, ctypes.c_uint32(64)),
        ("WS_CHANNEL_PROPERTY_ID", "max_streamed_message_size", 1 << 40, ctypes.c_uint64(1 << 40)),
        ("WS_ERROR_PROPERTY_ID", "langid", 0x409, ctypes.c_uint16(0x409)),
    ],
)
def test_primitives_round_trip(enum: str, keyword: str, python: object, raw: Any) -> None:
    e = entry(enum, keyword)
    encoded = values.encode(e, python)
    assert bytes(encoded.buffer) == bytes(raw)
    assert values.decode(e, raw) == python


def test_enums_decode_to_members_and_unknown_values_to_ints() -> None:
    e = entry("WS_MESSAGE_PROPERTY_ID", "state")
    assert (
        values.decode(e, ctypes.c_int32(2)) is wwsapi.WS_MESSAGE_STATE.WS_MESSAGE_STATE_INITIALIZED
    )
    assert values.decode(e, ctypes.c_int32(77)) == 77
    with pytest.raises(TypeError, match="WS_MESSAGE_PROPERTY_STATE takes an int"):
        values.encode(e, "initialized")


def test_strings_bytes_and_wide_pointers() -> None:
    username = entry("WS_MESSAGE_PROPERTY_ID", "username")
    encoded = values.encode(username, "zoë 🐍")
    assert values.decode(username, encoded.buffer) == "zoë 🐍"
    cert = entry("WS_MESSAGE_PROPERTY_ID", "encoded_cert")
    assert values.decode(cert, values.encode(cert, b"\x30\x82\x00").buffer) == b"\x30\x82\x00"
    assert values.decode(cert, wwsapi.WS_BYTES()) == b""
    spn = entry("WS_CHANNEL_PROPERTY_ID", "http_server_spn")
    text = ctypes.create_string_buffer("HTTP/host".encode("utf-16-le") + b"\0\0")
    assert values.decode(spn, ctypes.c_void_p(ctypes.addressof(text))) == "HTTP/host"
    assert values.decode(spn, ctypes.c_void_p()) is None
    token = entry("WS_MESSAGE_PROPERTY_ID", "transport_security_windows_token")
    assert values.decode(token, ctypes.c_void_p(0x1234)) == 0x1234
    assert values.decode(token, ctypes.c_void_p()) is None


def test_a_structure_value_accepts_its_ctypes_class_or_its_python_form() -> None:
    applies_to = entry("WS_REQUEST_SECURITY_TOKEN_PROPERTY_ID", "applies_to")
    address = wwsapi.WS_ENDPOINT_ADDRESS()
    assert values.encode(applies_to, address).keep[0].buffer is address
    with pytest.raises(TypeError, match="takes a WS_ENDPOINT_ADDRESS or str"):
        values.encode(applies_to, 42)


def test_property_array_entries_point_at_their_values() -> None:
    array = values.property_array(
        wwsapi.WS_CHANNEL_PROPERTY,
        "WS_CHANNEL_PROPERTY_ID",
        {"connect_timeout": 5000, wwsapi.WS_CHANNEL_PROPERTY_ENABLE_TIMEOUTS: True},
    )
    assert array.count == 2
    first, second = array.array[0], array.array[1]
    assert first.id_ == wwsapi.WS_CHANNEL_PROPERTY_CONNECT_TIMEOUT and first.valueSize == 4
    assert ctypes.c_uint32.from_address(first.value).value == 5000
    assert ctypes.c_int32.from_address(second.value).value == 1
    assert (
        values.property_array(wwsapi.WS_CHANNEL_PROPERTY, "WS_CHANNEL_PROPERTY_ID", {}).array
        is None
    )
