"""`XmlBuffer`, `XmlWriter`, `XmlReader`: XML held in memory by WWSAPI.

An XML buffer lives on a heap and has no free function of its own: it is
freed with its heap (or invalidated by a reset of the heap). `XmlBuffer.create()`
without a heap makes a private one that the buffer owns and frees on close.
"""

from __future__ import annotations

import ctypes
from typing import Any, Self

import wwsapi
from wwsapi.bases import XmlBufferBase, XmlReaderBase, XmlWriterBase
from wwsapi.pythonic.access import Properties, Readable, create, property_array
from wwsapi.pythonic.error import call
from wwsapi.pythonic.heap import Heap
from wwsapi.pythonic.lifetime import OwnedHandle


class XmlWriter(Readable, XmlWriterBase):
    """A WS_XML_WRITER (only what the buffers here need)."""

    @classmethod
    def create(cls, *, properties: Properties | None = None) -> Self:
        """A new writer (WsCreateWriter), not yet writing anywhere."""
        array = property_array(
            wwsapi.WS_XML_WRITER_PROPERTY, "WS_XML_WRITER_PROPERTY_ID", properties
        )
        handle = create(wwsapi.WS_XML_WRITER, wwsapi.WsCreateWriter, array.array, array.count)
        return cls(handle, wwsapi.WsFreeWriter)


class XmlReader(Readable, XmlReaderBase):
    """A WS_XML_READER (only what the buffers here need)."""

    @classmethod
    def create(cls, *, properties: Properties | None = None) -> Self:
        """A new reader (WsCreateReader), not yet reading anything."""
        array = property_array(
            wwsapi.WS_XML_READER_PROPERTY, "WS_XML_READER_PROPERTY_ID", properties
        )
        handle = create(wwsapi.WS_XML_READER, wwsapi.WsCreateReader, array.array, array.count)
        return cls(handle, wwsapi.WsFreeReader)


class XmlBuffer(OwnedHandle, XmlBufferBase):
    """A WS_XML_BUFFER: an XML document (or fragment) on a heap."""

    _private_heap: Heap | None = None

    @classmethod
    def _on(cls, pointer: Any, heap: Heap, private: bool) -> Self:
        buffer = cls(pointer, None, owner=heap)
        if private:
            buffer._private_heap = heap
        return buffer

    @property
    def heap(self) -> Heap:
        """The heap the buffer lives on."""
        owner = self._owner
        assert isinstance(owner, Heap)
        return owner

    @classmethod
    def create(cls, heap: Heap | None = None, *, properties: Properties | None = None) -> Self:
        """A new, empty buffer on `heap` (WsCreateXmlBuffer); on a private heap
        that the buffer frees when closed if no heap is given."""
        home = Heap.create() if heap is None else heap
        array = property_array(
            wwsapi.WS_XML_BUFFER_PROPERTY, "WS_XML_BUFFER_PROPERTY_ID", properties
        )
        try:
            handle = create(
                wwsapi.WS_XML_BUFFER, wwsapi.WsCreateXmlBuffer, home.raw, array.array, array.count
            )
        except BaseException:
            if heap is None:
                home.close()
            raise
        return cls._on(handle, home, heap is None)

    @classmethod
    def read_from_bytes(
        cls,
        reader: XmlReader | None,
        bytes_: bytes,
        heap: Heap | None = None,
        *,
        encoding: Any = None,
        properties: Properties | None = None,
    ) -> Self:
        """A buffer holding the XML document in `bytes_` (WsReadXmlBufferFromBytes);
        text encoding unless `encoding` (a WS_XML_READER_ENCODING) says otherwise.
        A private reader and heap are used when none are given."""
        home = Heap.create() if heap is None else heap
        used = XmlReader.create() if reader is None else reader
        array = property_array(
            wwsapi.WS_XML_READER_PROPERTY, "WS_XML_READER_PROPERTY_ID", properties
        )
        data = ctypes.create_string_buffer(bytes(bytes_), len(bytes_) or 1)
        form = ctypes.byref(encoding) if encoding is not None else None
        try:
            handle = create(
                wwsapi.WS_XML_BUFFER,
                wwsapi.WsReadXmlBufferFromBytes,
                used.raw,
                form,
                array.array,
                array.count,
                data,
                len(bytes_),
                home.raw,
            )
        except BaseException:
            if heap is None:
                home.close()
            raise
        finally:
            if reader is None:
                used.close()
        return cls._on(handle, home, heap is None)

    def to_bytes(self) -> bytes:
        """The buffer as an XML document in UTF-8 text (WsWriteXmlBufferToBytes)."""
        return write_to_bytes(self.raw)

    def close(self) -> None:
        """Stop using the buffer; a private heap is freed with it."""
        super().close()
        if self._private_heap is not None:
            self._private_heap.close()


def write_to_bytes(buffer: Any) -> bytes:
    """The XML in a WS_XML_BUFFER* (a pointer or an address) as UTF-8 text,
    through a temporary writer and heap (both freed before returning)."""
    buffer = ctypes.cast(buffer, ctypes.POINTER(wwsapi.WS_XML_BUFFER))
    with XmlWriter.create() as writer, Heap.create() as heap:
        data = ctypes.c_void_p()
        size = ctypes.c_uint32()
        call(
            wwsapi.WsWriteXmlBufferToBytes,
            writer.raw,
            buffer,
            None,
            None,
            0,
            heap.raw,
            ctypes.byref(data),
            ctypes.byref(size),
        )
        return ctypes.string_at(data.value or 0, size.value) if size.value else b""
