"""wwsapi.pythonic: the hand-written, Python-shaped layer over the generated bindings.

Handle classes own their native handle and free it exactly once (`close()`,
`with`, or garbage collection); a freed handle raises HandleClosedError
instead of crashing. Properties are typed by the generated property tables
(wwsapi.bases), and every class completes the generated base of its handle
type (the generation gap: wwsapi.bases holds the stubs, this package the code).
"""

from __future__ import annotations

from wwsapi.pythonic.channel import Channel, Listener
from wwsapi.pythonic.datetimes import datetime_from_ticks, ticks_from_datetime
from wwsapi.pythonic.error import Error
from wwsapi.pythonic.errors import ChannelStateError, HandleClosedError, UnknownPropertyError
from wwsapi.pythonic.heap import Heap
from wwsapi.pythonic.lifetime import OwnedHandle
from wwsapi.pythonic.message import SECURITY_PROPERTIES, Message
from wwsapi.pythonic.security import (
    SecurityToken,
    request_security_token,
    request_security_token_async,
)
from wwsapi.pythonic.xml import XmlBuffer, XmlReader, XmlWriter

__all__ = [
    "SECURITY_PROPERTIES",
    "Channel",
    "ChannelStateError",
    "Error",
    "HandleClosedError",
    "Heap",
    "Listener",
    "Message",
    "OwnedHandle",
    "SecurityToken",
    "UnknownPropertyError",
    "XmlBuffer",
    "XmlReader",
    "XmlWriter",
    "datetime_from_ticks",
    "request_security_token",
    "request_security_token_async",
    "ticks_from_datetime",
]
