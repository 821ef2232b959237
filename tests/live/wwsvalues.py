"""C values for the live scenarios, built from the generated classes of `wwsapi`.

The generated prototypes take ctypes values; these functions build the few
that every scenario needs (strings, element and message descriptions,
endpoint addresses) and read them back. Pointer fields are set through
`ctypes.cast`, which keeps the buffer they point into alive for as long as
the structure lives.
"""

from __future__ import annotations

import ctypes
from typing import Any

import wwsapi
from wwsapi import _runtime as rt


def xml_string(text: str | bytes) -> wwsapi.WS_XML_STRING:
    """A WS_XML_STRING (UTF-8, no dictionary) holding `text`."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    buffer = ctypes.create_string_buffer(data, len(data) or 1)
    value = wwsapi.WS_XML_STRING()
    value.length = len(data)
    value.bytes_ = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_uint8))
    return value


def xml_bytes(value: Any) -> bytes:
    """The bytes of a WS_XML_STRING (or a pointer to one)."""
    if isinstance(value, ctypes._Pointer):
        value = value.contents
    return ctypes.string_at(value.bytes_, value.length) if value.length else b""


def ws_string(text: str) -> wwsapi.WS_STRING:
    """A WS_STRING (UTF-16, not NUL-terminated) holding `text`."""
    chars = rt.utf16_buffer(text)
    value = wwsapi.WS_STRING()
    value.length = len(chars)
    value.chars = ctypes.cast(chars, ctypes.POINTER(ctypes.c_uint16))
    return value


def ws_text(value: Any) -> str:
    """The text of a WS_STRING."""
    return rt.utf16_text(value.chars, value.length)


def element(local_name: str, ns: str, type_: int) -> wwsapi.WS_ELEMENT_DESCRIPTION:
    """A WS_ELEMENT_DESCRIPTION of a top-level element `{ns}local_name` of a
    built-in WS_TYPE (one that needs no type description)."""
    description = wwsapi.WS_ELEMENT_DESCRIPTION()
    description.elementLocalName = ctypes.pointer(xml_string(local_name))
    description.elementNs = ctypes.pointer(xml_string(ns))
    description.type_ = type_
    description.typeDescription = None
    return description


def message_description(
    action: str | None, body: wwsapi.WS_ELEMENT_DESCRIPTION
) -> wwsapi.WS_MESSAGE_DESCRIPTION:
    """A WS_MESSAGE_DESCRIPTION: the action (None: any) and the body element."""
    description = wwsapi.WS_MESSAGE_DESCRIPTION()
    if action is not None:
        description.action = ctypes.pointer(xml_string(action))
    description.bodyElementDescription = ctypes.pointer(body)
    return description


def endpoint_address(url: str) -> wwsapi.WS_ENDPOINT_ADDRESS:
    """A WS_ENDPOINT_ADDRESS of `url` with no headers, extensions or identity."""
    address = wwsapi.WS_ENDPOINT_ADDRESS()
    address.url = ws_string(url)  # ctypes keeps the characters with the copy
    return address
