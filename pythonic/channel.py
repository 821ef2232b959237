"""`Channel` and `Listener`: WS_CHANNEL and WS_LISTENER with their life cycle.

`close()` here means what it means for a socket: end the communication (the
graceful WsCloseChannel / WsCloseListener where the state needs it) and then
free the handle. Freeing by garbage collection or with an owner cannot wait
for a peer, so it aborts an open channel first (WsAbortChannel) and then
closes and frees it, as the docs require before WsFreeChannel. A listener is
closed (WsCloseListener) before it is freed; Wine only stubs WsAbortListener,
so it is never used implicitly.

Functions that take a WS_ASYNC_CONTEXT take `async_context`: None calls
synchronously; a callable makes the call asynchronous and returns a
`concurrent.futures.Future`, resolved (and the callable called with it) when
the operation completes, whether the DLL completed it at once or later. The
`*_async` coroutines wrap that for asyncio.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Self

import wwsapi
from wwsapi.bases import ChannelBase, ListenerBase
from wwsapi.pythonic import values
from wwsapi.pythonic.access import (
    Lifecycle,
    Properties,
    PropertyAttribute,
    Writable,
    create,
    property_array,
)
from wwsapi.pythonic.asynchronous import AsyncCall, Completion, awaitable
from wwsapi.pythonic.error import call
from wwsapi.pythonic.lifetime import OwnedHandle


def run(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    async_context: Completion | None,
    result: Callable[[], Any] = lambda: None,
    keep: list[Any] | None = None,
) -> Any:
    """Call `function(*args, asyncContext, error)` synchronously (returning
    `result()`) or asynchronously (returning the future of `result()`)."""
    if async_context is None:
        call(function, *args, None)
        return result()
    operation = AsyncCall(getattr(function, "__name__", "function"), result, keep)
    return operation.start(lambda context, error: function(*args, context, error), async_context)


def _endpoint(address: str | Any) -> values.Encoded:
    return values.endpoint_address(address) if isinstance(address, str) else values.Encoded(address)


def _security(description: Any) -> Any:
    """A pointer to a WS_SECURITY_DESCRIPTION, or NULL for none."""
    return ctypes.byref(description) if description is not None else None


def _release_channel(pointer: Any) -> None:
    """Free a channel from any state: abort and close it first when needed."""
    state = ctypes.c_int32()
    channel_state = wwsapi.WS_CHANNEL_STATE
    try:
        wwsapi.WsGetChannelProperty(
            pointer, wwsapi.WS_CHANNEL_PROPERTY_STATE, ctypes.byref(state), 4, None
        )
        if state.value not in (
            channel_state.WS_CHANNEL_STATE_CREATED,
            channel_state.WS_CHANNEL_STATE_CLOSED,
        ):
            wwsapi.WsAbortChannel(pointer, None)
            wwsapi.WsCloseChannel(pointer, None, None)
    except wwsapi.WsError:
        pass  # freeing must go on: the handle is released below in any case
    wwsapi.WsFreeChannel(pointer)


def _release_listener(pointer: Any) -> None:
    """Free a listener from any state: close it first when it is open."""
    state = ctypes.c_int32()
    listener_state = wwsapi.WS_LISTENER_STATE
    try:
        wwsapi.WsGetListenerProperty(
            pointer, wwsapi.WS_LISTENER_PROPERTY_STATE, ctypes.byref(state), 4, None
        )
        if state.value not in (
            listener_state.WS_LISTENER_STATE_CREATED,
            listener_state.WS_LISTENER_STATE_CLOSED,
        ):
            wwsapi.WsCloseListener(pointer, None, None)
    except wwsapi.WsError:
        pass
    wwsapi.WsFreeListener(pointer)


class Channel(Writable, Lifecycle, ChannelBase):
    """A WS_CHANNEL."""

    @classmethod
    def create(
        cls,
        channel_type: int,
        channel_binding: int,
        *,
        properties: Properties | None = None,
        security_description: Any = None,
    ) -> Self:
        """A new client channel (WsCreateChannel); `properties` by id or keyword,
        `security_description` a WS_SECURITY_DESCRIPTION (None: no security)."""
        array = property_array(wwsapi.WS_CHANNEL_PROPERTY, cls.PROPERTY_IDS, properties)
        handle = create(
            wwsapi.WS_CHANNEL,
            wwsapi.WsCreateChannel,
            channel_type,
            channel_binding,
            array.array,
            array.count,
            _security(security_description),
        )
        return cls(handle, _release_channel)

    @classmethod
    def create_for_listener(
        cls, listener: Listener, *, properties: Properties | None = None
    ) -> Self:
        """A server channel to accept on `listener` (WsCreateChannelForListener);
        freed before the listener is."""
        array = property_array(wwsapi.WS_CHANNEL_PROPERTY, cls.PROPERTY_IDS, properties)
        handle = create(
            wwsapi.WS_CHANNEL,
            wwsapi.WsCreateChannelForListener,
            listener.raw,
            array.array,
            array.count,
        )
        return cls(handle, _release_channel, owner=listener)

    def open(self, endpoint_address: str | Any, *, async_context: Completion | None = None) -> Any:
        """Connect to `endpoint_address` (a URL or a WS_ENDPOINT_ADDRESS) (WsOpenChannel)."""
        address = _endpoint(endpoint_address)
        return run(
            wwsapi.WsOpenChannel,
            (self.raw, ctypes.byref(address.buffer)),
            async_context,
            keep=[address],
        )

    async def open_async(self, endpoint_address: str | Any) -> None:
        """`open` for asyncio."""
        await awaitable(self.open(endpoint_address, async_context=_ignore))

    def close(self, *, async_context: Completion | None = None) -> Any:
        """End the communication (WsCloseChannel) and free the channel.

        With `async_context`, only the close is started: the handle is freed by
        a later `close()`, the end of `with`, or garbage collection.
        """
        if self.closed:
            return None
        if async_context is not None:
            return run(wwsapi.WsCloseChannel, (self.raw,), async_context)
        if self.state in (
            wwsapi.WS_CHANNEL_STATE.WS_CHANNEL_STATE_OPEN,
            wwsapi.WS_CHANNEL_STATE.WS_CHANNEL_STATE_FAULTED,
        ):
            call(wwsapi.WsCloseChannel, self.raw, None)
        super().close()
        return None

    async def close_async(self) -> None:
        """The graceful close for asyncio, then the handle is freed."""
        await awaitable(self.close(async_context=_ignore))
        self.close()

    state = PropertyAttribute[wwsapi.WS_CHANNEL_STATE]("state")

    def _message_io(
        self, method: str, message: OwnedHandle, async_context: Completion | None
    ) -> Any:
        return run(self._generated(method), (self.raw, message.raw), async_context, keep=[message])

    def write_message_start(
        self, message: OwnedHandle, *, async_context: Completion | None = None
    ) -> Any:
        """Send the start of `message`: envelope and headers (WsWriteMessageStart)."""
        return self._message_io("write_message_start", message, async_context)

    def write_message_end(
        self, message: OwnedHandle, *, async_context: Completion | None = None
    ) -> Any:
        """Finish sending `message` (WsWriteMessageEnd)."""
        return self._message_io("write_message_end", message, async_context)

    def read_message_start(
        self, message: OwnedHandle, *, async_context: Completion | None = None
    ) -> Any:
        """Receive the start of a message into `message` (WsReadMessageStart);
        its properties, the security results among them, are then readable."""
        return self._message_io("read_message_start", message, async_context)

    def read_message_end(
        self, message: OwnedHandle, *, async_context: Completion | None = None
    ) -> Any:
        """Finish receiving `message` (WsReadMessageEnd)."""
        return self._message_io("read_message_end", message, async_context)


class Listener(Writable, Lifecycle, ListenerBase):
    """A WS_LISTENER."""

    @classmethod
    def create(
        cls,
        channel_type: int,
        channel_binding: int,
        *,
        properties: Properties | None = None,
        security_description: Any = None,
    ) -> Self:
        """A new listener (WsCreateListener)."""
        array = property_array(wwsapi.WS_LISTENER_PROPERTY, cls.PROPERTY_IDS, properties)
        handle = create(
            wwsapi.WS_LISTENER,
            wwsapi.WsCreateListener,
            channel_type,
            channel_binding,
            array.array,
            array.count,
            _security(security_description),
        )
        return cls(handle, _release_listener)

    def open(self, url: str, *, async_context: Completion | None = None) -> Any:
        """Start listening on `url` (WsOpenListener)."""
        text = values.ws_string(url)
        return run(
            wwsapi.WsOpenListener, (self.raw, ctypes.byref(text.buffer)), async_context, keep=[text]
        )

    async def open_async(self, url: str) -> None:
        """`open` for asyncio."""
        await awaitable(self.open(url, async_context=_ignore))

    def accept_channel(self, channel: Channel, *, async_context: Completion | None = None) -> Any:
        """Wait for a client and connect `channel` to it (WsAcceptChannel)."""
        return run(wwsapi.WsAcceptChannel, (self.raw, channel.raw), async_context, keep=[channel])

    async def accept_channel_async(self, channel: Channel) -> None:
        """`accept_channel` for asyncio."""
        await awaitable(self.accept_channel(channel, async_context=_ignore))

    def close(self, *, async_context: Completion | None = None) -> Any:
        """Stop listening (WsCloseListener) and free the listener, and the
        channels created for it first."""
        if self.closed:
            return None
        if async_context is not None:
            return run(wwsapi.WsCloseListener, (self.raw,), async_context)
        super().close()
        return None

    state = PropertyAttribute[wwsapi.WS_LISTENER_STATE]("state")


def _ignore(future: Future[Any]) -> None:
    """A completion that does nothing (the coroutines await the future)."""
