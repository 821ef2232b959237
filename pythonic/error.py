"""`Error`: a WS_ERROR object, and the per-thread one the Pythonic calls pass.

Every Pythonic method passes an error object to the function it calls, so a
failure raises the generated exception class with the DLL's error strings
attached (`WsError.error_strings`). One object per thread is enough: it is
reset after each failure, and threads never share it.
"""

from __future__ import annotations

import ctypes
import functools
import threading
from collections.abc import Callable, Mapping
from typing import Any, Self

import wwsapi
from wwsapi.bases import ErrorBase
from wwsapi.pythonic import values
from wwsapi.pythonic.lifetime import OwnedHandle


class Error(OwnedHandle, ErrorBase):
    """A WS_ERROR object: rich error information as a list of strings."""

    @classmethod
    def create(cls, *, properties: Mapping[Any, Any] | None = None) -> Self:
        """A new, empty error object (WsCreateError); `properties` by id or keyword.
        (The error functions take no error object, so these calls are direct.)"""
        array = values.property_array(wwsapi.WS_ERROR_PROPERTY, cls.PROPERTY_IDS, properties or {})
        handle = ctypes.POINTER(wwsapi.WS_ERROR)()
        wwsapi.WsCreateError(array.array, array.count, ctypes.byref(handle))
        return cls(handle, wwsapi.WsFreeError)

    def add_string(self, string: str) -> None:
        """Add a string (WsAddErrorString); the DLL copies it."""
        encoded = values.ws_string(string)
        wwsapi.WsAddErrorString(self.raw, ctypes.byref(encoded.buffer))

    def get_string(self, index: int) -> str:
        """The string at `index` (WsGetErrorString); IndexError when out of range."""
        if not 0 <= index < self.string_count:
            raise IndexError(f"error object has {self.string_count} strings, not {index + 1}")
        string = wwsapi.WS_STRING()
        wwsapi.WsGetErrorString(self.raw, index, ctypes.byref(string))
        return values.read_ws_string(string)

    def get_property(self, id_: int | str) -> Any:
        """A property by id or keyword (WsGetErrorProperty), typed per the generated table."""
        getter = functools.partial(wwsapi.WsGetErrorProperty, self.raw)
        return values.read_property(getter, self.PROPERTY_IDS, id_)

    def set_property(self, id_: int | str, value: Any) -> None:
        """Set a property by id or keyword (WsSetErrorProperty)."""
        setter = functools.partial(wwsapi.WsSetErrorProperty, self.raw)
        values.write_property(setter, self.PROPERTY_IDS, id_, value)

    def reset(self) -> None:
        """Drop the strings and properties (WsResetError)."""
        wwsapi.WsResetError(self.raw)

    @property
    def string_count(self) -> int:
        count: int = self.get_property("string_count")
        return count

    @property
    def strings(self) -> list[str]:
        """Every string, in the order WsGetErrorString gives them."""
        return [self.get_string(i) for i in range(self.string_count)]


_local = threading.local()


def thread_error() -> Error:
    """The calling thread's error object, created on first use."""
    error: Error | None = getattr(_local, "error", None)
    if error is None or error.closed:
        error = _local.error = Error.create()
    return error


def forget_thread_error() -> None:
    """Free the calling thread's error object now (a new one is made on next use)."""
    error: Error | None = getattr(_local, "error", None)
    _local.error = None
    if error is not None:
        error.close()


def call(function: Callable[..., Any], *args: Any) -> Any:
    """Call a generated function with the thread's error object as its last
    argument; after a failure the object is reset for the next call."""
    error = thread_error()
    try:
        return function(*args, error.raw)
    except wwsapi.WsError:
        wwsapi.WsResetError(error.raw)
        raise
