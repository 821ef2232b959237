"""What most handle classes share: reading and setting properties through the
function pair their generated base names, and creating a handle.

`Readable.get_property(id)` calls the function the base's `get_property` stub
completes (WsGetHeapProperty for WS_HEAP, ...) with a value buffer of the type
the generated table gives that id, and returns the decoded value;
`Writable.set_property(id, value)` is the reverse.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, Self, TypeVar, overload

from wwsapi.bases import PropertyType
from wwsapi.pythonic import values
from wwsapi.pythonic.error import call
from wwsapi.pythonic.lifetime import OwnedHandle

Properties = Mapping[Any, Any]  # id (int or enum member) or keyword -> value


class Readable(OwnedHandle):
    """`get_property` by id, enum member or keyword, typed per the generated table."""

    PROPERTY_IDS: ClassVar[str]

    def get_property(self, id_: int | str) -> Any:
        """A property of the handle (its WsGet...Property), decoded."""
        getter = functools.partial(call, self._generated("get_property"), self.raw)
        return values.read_property(getter, self.PROPERTY_IDS, id_, self._handle_value)

    def _handle_value(self, entry: PropertyType, address: int) -> Any:
        """What a handle-valued property becomes; the address by default."""
        return address


T = TypeVar("T")


class PropertyAttribute(Generic[T]):
    """A read-only attribute that reads one property by its generated keyword
    (`state = PropertyAttribute[WS_CHANNEL_STATE]("state")`)."""

    def __init__(self, keyword: str) -> None:
        self.keyword = keyword

    def __set_name__(self, owner: type, name: str) -> None:
        self.__doc__ = f"The {self.keyword} property, read with get_property."

    @overload
    def __get__(self, handle: None, owner: type) -> Self: ...
    @overload
    def __get__(self, handle: Readable, owner: type) -> T: ...
    def __get__(self, handle: Readable | None, owner: type) -> Self | T:
        if handle is None:
            return self
        value: T = handle.get_property(self.keyword)
        return value


class Lifecycle(Readable):
    """`abort` and `reset` of channels and listeners (WsAbort..., WsReset...)."""

    def abort(self) -> None:
        """Cancel pending operations; an open object becomes faulted."""
        call(self._generated("abort"), self.raw)

    def reset(self) -> None:
        """Back to the created state after a close, to be opened again."""
        call(self._generated("reset"), self.raw)


class Writable(Readable):
    """`set_property` as well."""

    def set_property(self, id_: int | str, value: Any) -> None:
        """Set a property of the handle (its WsSet...Property)."""
        setter = functools.partial(call, self._generated("set_property"), self.raw)
        values.write_property(setter, self.PROPERTY_IDS, id_, value)


def create(native: type[Any], function: Callable[..., Any], *args: Any) -> Any:
    """Call a creating function whose out handle comes last before `error`;
    the new handle pointer (POINTER(native))."""
    handle = ctypes.POINTER(native)()
    call(function, *args, ctypes.byref(handle))
    return handle


def property_array(
    struct: type[Any], enum: str, properties: Properties | None
) -> values.PropertyArray:
    """The C array of `struct` for `properties` (by id or keyword)."""
    return values.property_array(struct, enum, properties or {})
