"""`Message`: a WS_MESSAGE, with typed accessors for its properties.

Every WS_MESSAGE_PROPERTY_ID has an attribute named after it (its generated
keyword: `WS_MESSAGE_PROPERTY_PROTECTION_LEVEL` -> `protection_level`), typed
per the generated property table. Among them are the security processing
results of a received message (user name, certificate, Windows tokens, SAML
assertion, security context, protection level). Reading a property that the
message's state or the channel's security does not provide raises what the
DLL returns, as the generated exception class (E_INVALIDARG), with a note
naming the property.

Handles a message property returns (its heap, header buffer, body reader and
writer) belong to the message: they are borrowed objects, unusable once the
message is reset or freed. The SAML assertion is copied out as XML bytes.
"""

from __future__ import annotations

from typing import Any, Self

import wwsapi
from wwsapi.bases import MessageBase, PropertyType
from wwsapi.pythonic import values
from wwsapi.pythonic.access import (
    Properties,
    PropertyAttribute,
    Writable,
    create,
    property_array,
)
from wwsapi.pythonic.error import call
from wwsapi.pythonic.heap import Heap
from wwsapi.pythonic.lifetime import OwnedHandle
from wwsapi.pythonic.xml import XmlBuffer, XmlReader, XmlWriter, write_to_bytes

_BORROWED: dict[str, type[OwnedHandle]] = {
    "WS_HEAP": Heap,
    "WS_XML_BUFFER": XmlBuffer,
    "WS_XML_READER": XmlReader,
    "WS_XML_WRITER": XmlWriter,
}

# Properties whose value is copied out rather than lent: the security results.
_COPIED = frozenset({"saml_assertion"})


class Message(Writable, MessageBase):
    """A WS_MESSAGE."""

    @classmethod
    def create(
        cls,
        envelope_version: int,
        addressing_version: int,
        *,
        properties: Properties | None = None,
    ) -> Self:
        """A new message in the empty state (WsCreateMessage)."""
        array = property_array(wwsapi.WS_MESSAGE_PROPERTY, cls.PROPERTY_IDS, properties)
        handle = create(
            wwsapi.WS_MESSAGE,
            wwsapi.WsCreateMessage,
            envelope_version,
            addressing_version,
            array.array,
            array.count,
        )
        return cls(handle, wwsapi.WsFreeMessage)

    @classmethod
    def create_for_channel(
        cls, channel: OwnedHandle, *, properties: Properties | None = None
    ) -> Self:
        """A new message whose versions suit `channel` (WsCreateMessageForChannel)."""
        array = property_array(wwsapi.WS_MESSAGE_PROPERTY, cls.PROPERTY_IDS, properties)
        handle = create(
            wwsapi.WS_MESSAGE,
            wwsapi.WsCreateMessageForChannel,
            channel.raw,
            array.array,
            array.count,
        )
        return cls(handle, wwsapi.WsFreeMessage)

    def initialize(self, initialization: int, *, source_message: Message | None = None) -> None:
        """Prepare an empty message for writing (WsInitializeMessage)."""
        source = source_message.raw if source_message is not None else None
        call(wwsapi.WsInitializeMessage, self.raw, initialization, source)

    def reset(self) -> None:
        """Back to the empty state (WsResetMessage); borrowed objects die."""
        call(wwsapi.WsResetMessage, self.raw)
        self._invalidate_borrowed("its WS_MESSAGE was reset")

    def get_property(self, id_: int | str) -> Any:
        """A property by id or keyword (WsGetMessageProperty), typed per the table;
        a property the message does not provide raises the DLL's error (with a note)."""
        try:
            return super().get_property(id_)
        except wwsapi.WsError as exc:
            entry = values.lookup(self.PROPERTY_IDS, id_)
            exc.add_note(
                f"{entry.name}: not available on this message (its state, or the security "
                "of the channel it came from, does not provide it)"
            )
            raise

    def _handle_value(self, entry: PropertyType, address: int) -> Any:
        if entry.keyword in _COPIED and entry.type_name == "WS_XML_BUFFER":
            return write_to_bytes(address)
        cls = _BORROWED.get(entry.type_name)
        return cls.borrow(address, self) if cls is not None else address

    state = PropertyAttribute[wwsapi.WS_MESSAGE_STATE]("state")
    heap = PropertyAttribute[Heap]("heap")
    envelope_version = PropertyAttribute[wwsapi.WS_ENVELOPE_VERSION]("envelope_version")
    addressing_version = PropertyAttribute[wwsapi.WS_ADDRESSING_VERSION]("addressing_version")
    header_buffer = PropertyAttribute[XmlBuffer]("header_buffer")
    header_position = PropertyAttribute[wwsapi.WS_XML_NODE_POSITION]("header_position")
    body_reader = PropertyAttribute[XmlReader]("body_reader")
    body_writer = PropertyAttribute[XmlWriter]("body_writer")
    is_addressed = PropertyAttribute[bool]("is_addressed")
    heap_properties = PropertyAttribute[wwsapi.WS_HEAP_PROPERTIES]("heap_properties")
    xml_reader_properties = PropertyAttribute[wwsapi.WS_XML_READER_PROPERTIES](
        "xml_reader_properties"
    )
    xml_writer_properties = PropertyAttribute[wwsapi.WS_XML_WRITER_PROPERTIES](
        "xml_writer_properties"
    )
    is_fault = PropertyAttribute[bool]("is_fault")
    max_processed_headers = PropertyAttribute[int]("max_processed_headers")

    # The security processing results of a received message.
    username = PropertyAttribute[str]("username")
    encoded_cert = PropertyAttribute[bytes]("encoded_cert")
    transport_security_windows_token = PropertyAttribute[int | None](
        "transport_security_windows_token"
    )
    http_header_auth_windows_token = PropertyAttribute[int | None]("http_header_auth_windows_token")
    message_security_windows_token = PropertyAttribute[int | None]("message_security_windows_token")
    saml_assertion = PropertyAttribute[bytes | None]("saml_assertion")
    security_context = PropertyAttribute[int | None]("security_context")
    protection_level = PropertyAttribute[wwsapi.WS_PROTECTION_LEVEL]("protection_level")


SECURITY_PROPERTIES = (
    "username",
    "encoded_cert",
    "transport_security_windows_token",
    "http_header_auth_windows_token",
    "message_security_windows_token",
    "saml_assertion",
    "security_context",
    "protection_level",
)

__all__ = ["SECURITY_PROPERTIES", "Message"]
