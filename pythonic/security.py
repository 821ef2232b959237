"""`SecurityToken` and `request_security_token`: security tokens as Python values.

`SecurityToken.get_property(id)` reads any WS_SECURITY_TOKEN_PROPERTY_ID and
returns it typed per the generated table: the key type as WS_SECURITY_KEY_TYPE,
validity times as aware UTC datetimes (None for 0 ticks), the serialized and
reference XML as bytes (the WS_XML_BUFFER* is written out with
WsWriteXmlBufferToBytes at once, since it points into the token), and the
symmetric key as bytes: the API copies it onto a heap, which is made for the
call when none is given, and the native copy is wiped before that heap is
released.

`request_security_token(channel, **settings)` builds the
WS_REQUEST_SECURITY_TOKEN_PROPERTY array from keyword arguments, one per
WS_REQUEST_SECURITY_TOKEN_PROPERTY_ID (the keyword names and value types come
from the generated table), after checking the documented precondition that
the channel is in WS_CHANNEL_STATE_OPEN.
"""

from __future__ import annotations

import ctypes
import functools
from concurrent.futures import Future
from datetime import datetime
from typing import Any, Self, TypedDict, Unpack, overload

import wwsapi
from wwsapi.bases import PropertyType, SecurityTokenBase
from wwsapi.pythonic import values
from wwsapi.pythonic.access import Properties, PropertyAttribute, Readable
from wwsapi.pythonic.asynchronous import Completion, awaitable
from wwsapi.pythonic.channel import Channel, _ignore, run
from wwsapi.pythonic.error import call
from wwsapi.pythonic.errors import ChannelStateError
from wwsapi.pythonic.heap import Heap
from wwsapi.pythonic.xml import XmlBuffer, write_to_bytes

REQUEST_PROPERTY_IDS = "WS_REQUEST_SECURITY_TOKEN_PROPERTY_ID"


def require_open(channel: Channel, function: str) -> None:
    """Raise ChannelStateError unless `channel` is in WS_CHANNEL_STATE_OPEN."""
    state = channel.state
    required = wwsapi.WS_CHANNEL_STATE.WS_CHANNEL_STATE_OPEN
    if state != required:
        name = state.name if isinstance(state, wwsapi.WS_CHANNEL_STATE) else str(state)
        raise ChannelStateError(function, required.name, name)


class SecurityToken(Readable, SecurityTokenBase):
    """A WS_SECURITY_TOKEN."""

    @overload
    @classmethod
    def request(
        cls,
        channel: Channel,
        *,
        properties: Properties | None = None,
        async_context: None = None,
    ) -> Self: ...
    @overload
    @classmethod
    def request(
        cls,
        channel: Channel,
        *,
        properties: Properties | None = None,
        async_context: Completion,
    ) -> Future[Self]: ...
    @classmethod
    def request(
        cls,
        channel: Channel,
        *,
        properties: Properties | None = None,
        async_context: Completion | None = None,
    ) -> Self | Future[Self]:
        """Ask the issuer at the other end of `channel` for a token
        (WsRequestSecurityToken); `properties` by id or keyword."""
        require_open(channel, "WsRequestSecurityToken")
        array = values.property_array(
            wwsapi.WS_REQUEST_SECURITY_TOKEN_PROPERTY, REQUEST_PROPERTY_IDS, properties or {}
        )
        handle = ctypes.POINTER(wwsapi.WS_SECURITY_TOKEN)()

        token = functools.partial(cls, handle, wwsapi.WsFreeSecurityToken)
        args = (channel.raw, array.array, array.count, ctypes.byref(handle))
        result: Self | Future[Self] = run(
            wwsapi.WsRequestSecurityToken, args, async_context, token, [array, handle, channel]
        )
        return result

    def get_property(self, id_: int | str, *, heap: Heap | None = None) -> Any:
        """A property by id or keyword (WsGetSecurityTokenProperty), typed per
        the generated table; `heap` only matters for the symmetric key."""
        entry = values.lookup(self.PROPERTY_IDS, id_)
        if entry.type_name == "WS_BYTES":
            return self._secret_bytes(entry, heap)
        getter = functools.partial(self._get, heap=None)
        return values.read_property(getter, self.PROPERTY_IDS, entry.id, self._handle_value)

    def _get(self, property_id: int, value: Any, size: int, *, heap: Heap | None) -> None:
        call(
            wwsapi.WsGetSecurityTokenProperty,
            self.raw,
            property_id,
            value,
            size,
            heap.raw if heap is not None else None,
        )

    def _handle_value(self, entry: PropertyType, address: int) -> Any:
        if entry.type_name == "WS_XML_BUFFER":
            return write_to_bytes(address)
        return address

    def _secret_bytes(self, entry: PropertyType, heap: Heap | None) -> bytes:
        """Key material: copied onto a heap by the DLL, copied out, then wiped."""
        private = heap is None
        home = Heap.create() if heap is None else heap
        try:
            value = values.storage(entry)()
            self._get(entry.id, ctypes.byref(value), ctypes.sizeof(value), heap=home)
            try:
                return ctypes.string_at(value.bytes_, value.length) if value.length else b""
            finally:
                if value.length:
                    ctypes.memset(value.bytes_, 0, value.length)
        finally:
            if private:
                home.close()

    key_type = PropertyAttribute[wwsapi.WS_SECURITY_KEY_TYPE]("key_type")
    valid_from = PropertyAttribute[datetime | None]("valid_from_time")
    valid_till = PropertyAttribute[datetime | None]("valid_till_time")
    serialized_xml = PropertyAttribute[bytes]("serialized_xml")
    attached_reference_xml = PropertyAttribute[bytes]("attached_reference_xml")
    unattached_reference_xml = PropertyAttribute[bytes]("unattached_reference_xml")
    symmetric_key = PropertyAttribute[bytes]("symmetric_key")  # a copy; the native one is wiped


class RequestSettings(TypedDict, total=False):
    """The keywords of `request_security_token`, one per
    WS_REQUEST_SECURITY_TOKEN_PROPERTY_ID (a test holds them to the generated
    table), with the Python types the table's value types accept."""

    applies_to: str | wwsapi.WS_ENDPOINT_ADDRESS
    trust_version: wwsapi.WS_TRUST_VERSION
    secure_conversation_version: wwsapi.WS_SECURE_CONVERSATION_VERSION
    issued_token_type: str | bytes | wwsapi.WS_XML_STRING
    request_action: wwsapi.WS_REQUEST_SECURITY_TOKEN_ACTION
    existing_token: SecurityToken
    issued_token_key_type: wwsapi.WS_SECURITY_KEY_TYPE
    issued_token_key_size: int
    issued_token_key_entropy: wwsapi.WS_SECURITY_KEY_ENTROPY_MODE
    local_request_parameters: XmlBuffer
    service_request_parameters: XmlBuffer
    message_properties: wwsapi.WS_MESSAGE_PROPERTIES
    bearer_key_type_version: wwsapi.WS_SECURITY_BEARER_KEY_TYPE_VERSION


@overload
def request_security_token(
    channel: Channel, *, async_context: None = None, **settings: Unpack[RequestSettings]
) -> SecurityToken: ...
@overload
def request_security_token(
    channel: Channel, *, async_context: Completion, **settings: Unpack[RequestSettings]
) -> Future[SecurityToken]: ...
def request_security_token(
    channel: Channel,
    *,
    async_context: Completion | None = None,
    **settings: Unpack[RequestSettings],
) -> SecurityToken | Future[SecurityToken]:
    """Ask the issuer at the other end of `channel` for a security token.

    Each keyword is one WS_REQUEST_SECURITY_TOKEN_PROPERTY_ID (its name in
    lower case without the prefix; see RequestSettings); a keyword the
    generated table does not know raises UnknownPropertyError, a value of the
    wrong type TypeError, both before anything is sent. The channel must be
    open (ChannelStateError otherwise). With `async_context` (a callable),
    returns a future of the token instead.
    """
    given = {keyword: value for keyword, value in settings.items() if value is not None}
    if async_context is None:
        return SecurityToken.request(channel, properties=given)
    return SecurityToken.request(channel, properties=given, async_context=async_context)


async def request_security_token_async(
    channel: Channel, **settings: Unpack[RequestSettings]
) -> SecurityToken:
    """`request_security_token` for asyncio (the same keywords)."""
    return await awaitable(request_security_token(channel, async_context=_ignore, **settings))


__all__ = [
    "REQUEST_PROPERTY_IDS",
    "RequestSettings",
    "SecurityToken",
    "request_security_token",
    "request_security_token_async",
    "require_open",
]
