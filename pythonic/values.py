"""Python values <-> the C values of property buffers, driven by the generated
property tables (`wwsapi.bases.PROPERTY_TABLES`).

A property table says, per id, which C type the value buffer holds (as the
enumeration's doc page names it). This module turns that into a ctypes storage
type, reads a filled buffer into a Python value and builds a buffer from a
Python value. Nothing here knows a property by hand: a value type the tables
add is handled by its kind (enumeration, primitive, structure, handle).

Reading (`decode`):
  enumeration -> its IntEnum member (the plain int when the DLL returns a value
  the enumeration does not list); BOOL -> bool; other integers -> int;
  HANDLE and void* -> int address or None; WCHAR* -> str or None;
  WS_DATETIME -> aware UTC datetime or None (0 ticks); WS_BYTES -> bytes;
  WS_STRING -> str; WS_XML_STRING -> str (UTF-8); a handle -> what the caller's
  `handle` hook makes of the pointer (a borrowed Pythonic object, or bytes for
  an XML buffer); any other structure -> a copy of the ctypes structure.

Writing (`encode`) accepts the same Python types back, plus the ctypes value
itself; it returns the buffer and the objects that must stay alive as long as
the buffer is in use (strings a structure points into).
"""

from __future__ import annotations

import ctypes
import functools
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

import wwsapi
from wwsapi import _runtime as _rt
from wwsapi.bases import PROPERTY_TABLES, UNRESOLVED, PropertyType
from wwsapi.pythonic.datetimes import datetime_from_ticks, ticks_from_datetime
from wwsapi.pythonic.errors import UnknownPropertyError

HandleHook = Callable[[PropertyType, int], Any]


def table(enum: str) -> Mapping[int, PropertyType]:
    """The generated property table of a *_PROPERTY_ID enumeration."""
    try:
        return PROPERTY_TABLES[enum]
    except KeyError:
        raise LookupError(f"no generated property table for {enum}") from None


def lookup(enum: str, key: int | str) -> PropertyType:
    """The table entry of an id given as a number, an enum member or a keyword
    (`"username"`); UnknownPropertyError for an id the table does not list."""
    found = _lookup(enum, key)
    if found is None:
        raise _unknown(enum, key)
    return found


@functools.cache
def _lookup(enum: str, key: int | str) -> PropertyType | None:
    entries = table(enum)
    if isinstance(key, str):
        return next((e for e in entries.values() if key in (e.keyword, e.name)), None)
    return entries.get(int(key))


def _unknown(enum: str, key: int | str) -> UnknownPropertyError:
    if isinstance(key, str):
        return UnknownPropertyError(enum, key)
    error = UnknownPropertyError(enum, int(key))
    names = [n for n in UNRESOLVED.get(enum, ()) if _member_value(enum, n) == int(key)]
    if names:
        error.add_note(
            f"{names[0]}: its doc page names no fixed-size value type, so the generated "
            "table leaves it out"
        )
    return error


def _member_value(enum: str, member: str) -> int | None:
    cls = getattr(wwsapi, enum, None)
    value = getattr(cls, member, None)
    return int(value) if value is not None else None


@functools.cache
def element(entry: PropertyType) -> Any:
    """The generated class of the entry's type (enumeration, structure, handle)."""
    module = importlib.import_module(f"wwsapi.{entry.module}")
    return getattr(module, entry.type_name)


@functools.cache
def storage(entry: PropertyType) -> type[Any]:
    """The ctypes type of the value buffer of `entry`."""
    if entry.ctype:
        cls: type[Any] = getattr(ctypes, entry.ctype)
        return cls
    return element(entry)  # type: ignore[no-any-return]


def size_of(entry: PropertyType) -> int:
    return ctypes.sizeof(storage(entry))


# Structures with a Python meaning: C type name -> (read, write).


def _read_datetime(value: Any) -> datetime | None:
    return datetime_from_ticks(int(value.ticks))


def _read_bytes(value: Any) -> bytes:
    return ctypes.string_at(value.bytes_, value.length) if value.length else b""


def _read_string(value: Any) -> str:
    return _rt.utf16_text(value.chars, value.length)


def _read_xml_string(value: Any) -> str:
    return ctypes.string_at(value.bytes_, value.length).decode("utf-8") if value.length else ""


@dataclass(frozen=True)
class Encoded:
    """A value buffer and what must outlive it."""

    buffer: Any
    keep: list[Any] = field(default_factory=list)

    @property
    def size(self) -> int:
        return ctypes.sizeof(self.buffer)

    def pointer(self) -> int:
        address: int = ctypes.addressof(self.buffer)
        return address


def _write_datetime(cls: Any, value: datetime) -> Encoded:
    struct = cls()
    struct.ticks = ticks_from_datetime(value)
    struct.format_ = 0  # WS_DATETIME_FORMAT_UTC
    return Encoded(struct)


def _write_bytes(cls: Any, value: bytes) -> Encoded:
    data = ctypes.create_string_buffer(bytes(value), len(value) or 1)
    struct = cls()
    struct.length = len(value)
    struct.bytes_ = ctypes.cast(data, type(struct.bytes_))
    return Encoded(struct, [data])


def _write_string(cls: Any, value: str) -> Encoded:
    chars = _rt.utf16_buffer(value)
    struct = cls()
    struct.length = len(chars)
    struct.chars = ctypes.cast(chars, type(struct.chars))
    return Encoded(struct, [chars])


def _write_xml_string(cls: Any, value: str | bytes) -> Encoded:
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return _write_bytes(cls, data)


def _write_endpoint_address(cls: Any, value: str) -> Encoded:
    url = _write_string(type(cls().url), value)
    struct = cls()
    struct.url = url.buffer
    return Encoded(struct, url.keep)


def ws_string(text: str) -> Encoded:
    """A WS_STRING holding `text` (UTF-16), with its characters kept alive."""
    return _write_string(wwsapi.WS_STRING, text)


def endpoint_address(url: str) -> Encoded:
    """A WS_ENDPOINT_ADDRESS of `url` (no headers, extensions or identity)."""
    return _write_endpoint_address(wwsapi.WS_ENDPOINT_ADDRESS, url)


def read_ws_string(string: Any) -> str:
    """The text of a WS_STRING."""
    return _read_string(string)


_READ: dict[str, Callable[[Any], Any]] = {
    "WS_DATETIME": _read_datetime,
    "WS_BYTES": _read_bytes,
    "WS_STRING": _read_string,
    "WS_XML_STRING": _read_xml_string,
}

_WRITE: dict[str, tuple[type | tuple[type, ...], Callable[[Any, Any], Encoded]]] = {
    "WS_DATETIME": (datetime, _write_datetime),
    "WS_BYTES": ((bytes, bytearray, memoryview), _write_bytes),
    "WS_STRING": (str, _write_string),
    "WS_XML_STRING": ((str, bytes), _write_xml_string),
    "WS_ENDPOINT_ADDRESS": (str, _write_endpoint_address),
}


def _wide_text(address: int | None) -> str | None:
    """A NUL-terminated UTF-16 string at `address`."""
    if not address:
        return None
    units = []
    index = 0
    while True:
        unit = ctypes.c_uint16.from_address(address + 2 * index).value
        if unit == 0:
            break
        units.append(unit)
        index += 1
    return b"".join(u.to_bytes(2, "little") for u in units).decode("utf-16-le", "replace")


def decode(entry: PropertyType, buffer: Any, handle: HandleHook | None = None) -> Any:
    """The Python value of a filled value buffer of `entry`."""
    if entry.kind == "handle":
        address = buffer.value
        if not address:
            return None
        return handle(entry, address) if handle is not None else address
    if entry.pointers:
        address = buffer.value
        if entry.type_name == "WCHAR":
            return _wide_text(address)
        if not address or entry.kind == "primitive":
            return address or None
        cls = element(entry)
        reader = _READ.get(entry.type_name)
        target = cls.from_address(address)
        return reader(target) if reader else _copy(target)
    if entry.kind == "enum":
        enum_cls = element(entry)
        try:
            member: IntEnum = enum_cls(buffer.value)
        except ValueError:
            return int(buffer.value)
        return member
    if entry.kind == "primitive":
        if entry.type_name == "BOOL":
            return bool(buffer.value)
        if entry.ctype == "c_void_p":
            return buffer.value or None
        return buffer.value
    reader = _READ.get(entry.type_name)
    return reader(buffer) if reader else _copy(buffer)


def _copy(struct: Any) -> Any:
    copy = type(struct)()
    ctypes.pointer(copy)[0] = struct
    return copy


def encode(entry: PropertyType, value: Any) -> Encoded:
    """A value buffer holding `value` as `entry`'s C type (TypeError if it cannot)."""
    cls = storage(entry)
    if entry.kind == "handle" or (entry.pointers and entry.kind == "primitive"):
        raw = getattr(value, "raw", value)
        address = ctypes.cast(raw, ctypes.c_void_p).value if raw is not None else None
        return Encoded(cls(address), [value])
    if entry.pointers:
        target = _encode_struct(entry, value)
        return Encoded(ctypes.c_void_p(target.pointer()), [target, *target.keep])
    if entry.kind == "enum" or (entry.kind == "primitive" and entry.ctype != "c_void_p"):
        if not isinstance(value, int):
            raise TypeError(f"{entry.name} takes an int ({entry.c_type}), not {value!r}")
        return Encoded(cls(int(value)))
    if entry.kind == "primitive":
        return Encoded(cls(value))
    return _encode_struct(entry, value)


def _encode_struct(entry: PropertyType, value: Any) -> Encoded:
    cls = element(entry)
    if isinstance(value, cls):
        return Encoded(value)
    conversion = _WRITE.get(entry.type_name)
    if conversion is not None and isinstance(value, conversion[0]):
        return conversion[1](cls, value)
    accepted = f"{cls.__name__}" + (
        f" or {_names(conversion[0])}" if conversion is not None else ""
    )
    raise TypeError(f"{entry.name} takes a {accepted} ({entry.c_type}), not {value!r}")


def _names(types: type | tuple[type, ...]) -> str:
    group = types if isinstance(types, tuple) else (types,)
    return " or ".join(t.__name__ for t in group)


@dataclass(frozen=True)
class PropertyArray:
    """A C array of `WS_..._PROPERTY` structures and the buffers it points to."""

    array: Any
    count: int
    keep: list[Any]


def property_array(
    struct: type[Any], enum: str, values: Mapping[Any, Any] | Iterable[tuple[int | str, Any]]
) -> PropertyArray:
    """`struct` (id, value, valueSize) entries for every (id, value) pair."""
    pairs = list(values.items()) if isinstance(values, Mapping) else list(values)
    array = (struct * max(len(pairs), 1))()
    keep: list[Any] = []
    for index, (key, value) in enumerate(pairs):
        entry = lookup(enum, key)
        encoded = encode(entry, value)
        keep += [encoded, *encoded.keep]
        array[index].id_ = entry.id
        array[index].value = encoded.pointer()
        array[index].valueSize = encoded.size
    return PropertyArray(array if pairs else None, len(pairs), keep)


def read_property(
    getter: Callable[[int, Any, int], object],
    enum: str,
    key: int | str,
    handle: HandleHook | None = None,
) -> Any:
    """Read one property: `getter(id, buffer pointer, buffer size)` fills a
    buffer of the id's generated type, which is then decoded."""
    entry = lookup(enum, key)
    buffer = storage(entry)()
    getter(entry.id, ctypes.byref(buffer), ctypes.sizeof(buffer))
    return decode(entry, buffer, handle)


def write_property(
    setter: Callable[[int, Any, int], object], enum: str, key: int | str, value: Any
) -> None:
    """Set one property: `setter(id, value pointer, value size)`."""
    entry = lookup(enum, key)
    encoded = encode(entry, value)
    setter(entry.id, encoded.pointer(), encoded.size)
