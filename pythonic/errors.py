"""Exceptions of the Pythonic layer itself.

Failures reported by webservices.dll are the generated `wwsapi.WsError`
classes, raised unchanged; these classes cover what the Python side finds
before or after a call: a handle used after it was freed, a property id the
generated tables do not know, a channel in the wrong state.
"""

from __future__ import annotations


class HandleClosedError(ValueError):
    """A handle was used after it was freed (closed, collected, or freed along
    with the object that owned it). Raised instead of passing a dangling
    pointer to the DLL, which would crash the process."""


class UnknownPropertyError(LookupError):
    """A property id that the generated property table of that handle type does
    not list, so its value type (and size) is unknown and the call cannot be
    made safely."""

    def __init__(self, table: str, property_id: int | str) -> None:
        self.table = table
        self.property_id = property_id
        what = f"id {property_id}" if isinstance(property_id, int) else f"keyword {property_id!r}"
        super().__init__(
            f"{table} has no property with {what}: its value type is not known "
            "(the generated table lists the ids whose doc page names a value type)"
        )


class ChannelStateError(RuntimeError):
    """The channel is not in the state the documentation requires for a call."""

    def __init__(self, function: str, required: str, actual: str) -> None:
        self.function = function
        self.required = required
        self.actual = actual
        super().__init__(f"{function} needs the channel in {required}, but it is in {actual}")
