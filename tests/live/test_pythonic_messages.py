"""Message properties and asynchronous completion through wwsapi.pythonic
against the real webservices.dll; a TCP loopback gives a received message
whose security processing results are asked for on an unsecured channel."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import pytest
import wwsapi
from wwsapi.pythonic import SECURITY_PROPERTIES, Channel, HandleClosedError, Heap, Listener, Message
from wwsapi.pythonic.asynchronous import pending

SOAP12 = wwsapi.WS_ENVELOPE_VERSION.WS_ENVELOPE_VERSION_SOAP_1_2
WSA10 = wwsapi.WS_ADDRESSING_VERSION.WS_ADDRESSING_VERSION_1_0
DUPLEX_SESSION = wwsapi.WS_CHANNEL_TYPE.WS_CHANNEL_TYPE_DUPLEX_SESSION
TCP = wwsapi.WS_CHANNEL_BINDING.WS_TCP_CHANNEL_BINDING
STATE = wwsapi.WS_MESSAGE_STATE
CHANNEL = wwsapi.WS_CHANNEL_STATE

MESSAGE_FUNCTIONS = (
    "WsCreateMessage",
    "WsInitializeMessage",
    "WsGetMessageProperty",
    "WsResetMessage",
    "WsFreeMessage",
    "WsAlloc",
    "WsCreateError",
    "WsResetError",
    "WsFreeError",
)
LOOPBACK_FUNCTIONS = (
    "WsCreateListener",
    "WsOpenListener",
    "WsCreateChannelForListener",
    "WsAcceptChannel",
    "WsCreateChannel",
    "WsOpenChannel",
    "WsCreateMessageForChannel",
    "WsWriteMessageStart",
    "WsWriteMessageEnd",
    "WsReadMessageStart",
    "WsReadMessageEnd",
    "WsGetMessageProperty",
    "WsGetChannelProperty",
    "WsGetListenerProperty",
    "WsCloseChannel",
    "WsAbortChannel",
    "WsCloseListener",
    "WsFreeChannel",
    "WsFreeListener",
    "WsFreeMessage",
    "WsInitializeMessage",
    "WsCreateError",
    "WsResetError",
    "WsFreeError",
)


@pytest.mark.wwsapi(*MESSAGE_FUNCTIONS)
def test_message_properties_are_typed() -> None:
    with Message.create(SOAP12, WSA10) as message:
        assert message.state is STATE.WS_MESSAGE_STATE_EMPTY
        message.initialize(wwsapi.WS_MESSAGE_INITIALIZATION.WS_REQUEST_MESSAGE)
        assert message.state is STATE.WS_MESSAGE_STATE_INITIALIZED
        assert message.envelope_version is SOAP12
        assert message.addressing_version is WSA10
        assert message.is_fault is False
        assert message.get_property(wwsapi.WS_MESSAGE_PROPERTY_ID.WS_MESSAGE_PROPERTY_STATE) is (
            STATE.WS_MESSAGE_STATE_INITIALIZED
        )
        heap = message.heap
        assert isinstance(heap, Heap) and heap.borrowed and heap.alloc(100)
        message.reset()
        assert message.state is STATE.WS_MESSAGE_STATE_EMPTY
        with pytest.raises(HandleClosedError, match="WS_MESSAGE was reset"):
            heap.alloc(100)


@pytest.mark.wwsapi(*MESSAGE_FUNCTIONS)
@pytest.mark.parametrize("keyword", [k for k in SECURITY_PROPERTIES if k != "protection_level"])
def test_security_results_of_an_unsecured_message_raise_the_documented_error(keyword: str) -> None:
    with Message.create(SOAP12, WSA10) as message:
        message.initialize(wwsapi.WS_MESSAGE_INITIALIZATION.WS_REQUEST_MESSAGE)
        with pytest.raises(wwsapi.E_INVALIDARG) as caught:
            getattr(message, keyword)
    error = caught.value
    assert error.function == "WsGetMessageProperty"
    assert error.meaning == "At least one argument is not valid."  # the page's words
    name = "WS_MESSAGE_PROPERTY_" + keyword.upper()
    assert any(name in note for note in error.__notes__)


def wwsapi_is_windows() -> bool:
    """True on real Windows, False under Wine."""
    import ctypes

    return not hasattr(ctypes.WinDLL("ntdll"), "wine_get_version")


@dataclass
class Loopback:
    listener: Listener
    server: Channel
    client: Channel
    url: str


@pytest.fixture
def loopback(free_tcp_port: int) -> Iterator[Loopback]:
    """A listener on net.tcp://127.0.0.1:<port>, a client channel connected to it
    and the server channel that accepted it."""
    url = f"net.tcp://127.0.0.1:{free_tcp_port}/pythonic"
    listener = Listener.create(DUPLEX_SESSION, TCP)
    listener.open(url)
    server = Channel.create_for_listener(listener)
    client = Channel.create(DUPLEX_SESSION, TCP)
    accepting = threading.Thread(target=listener.accept_channel, args=(server,))
    accepting.start()
    client.open(url)
    accepting.join(30)
    assert not accepting.is_alive()
    yield Loopback(listener, server, client, url)
    client.close()
    listener.close()  # closes and frees the server channel first
    assert server.closed


def exchange(loop: Loopback) -> Message:
    """Send an empty request from the client; the server's received message."""
    sent = Message.create_for_channel(loop.client)
    sent.initialize(wwsapi.WS_MESSAGE_INITIALIZATION.WS_BLANK_MESSAGE)
    received = Message.create_for_channel(loop.server)
    reader = threading.Thread(target=loop.server.read_message_start, args=(received,))
    reader.start()  # the first send on a session waits for the peer's read
    loop.client.write_message_start(sent)
    loop.client.write_message_end(sent)
    reader.join(30)
    assert not reader.is_alive()
    loop.server.read_message_end(received)
    sent.close()
    return received


@pytest.mark.wwsapi(*LOOPBACK_FUNCTIONS)
def test_a_received_message_has_no_security_results_on_an_unsecured_channel(
    loopback: Loopback,
) -> None:
    assert loopback.client.state is CHANNEL.WS_CHANNEL_STATE_OPEN
    assert loopback.server.state is CHANNEL.WS_CHANNEL_STATE_OPEN
    with exchange(loopback) as received:
        assert received.state is STATE.WS_MESSAGE_STATE_DONE
        assert received.envelope_version is SOAP12
        for keyword in SECURITY_PROPERTIES:
            if keyword == "protection_level" and wwsapi_is_windows():
                # documented: NONE when the channel has no security (Wine: E_INVALIDARG)
                level = received.protection_level
                assert level is wwsapi.WS_PROTECTION_LEVEL.WS_PROTECTION_LEVEL_NONE
                continue
            with pytest.raises(wwsapi.E_INVALIDARG) as caught:
                getattr(received, keyword)
            assert caught.value.function == "WsGetMessageProperty"


@pytest.mark.wwsapi(*LOOPBACK_FUNCTIONS)
def test_async_completion_on_both_paths(free_tcp_port: int) -> None:
    """Under Wine WsOpenListener completes at once even with an async context
    (no callback), WsOpenChannel and WsCloseChannel return WS_S_ASYNC and call
    back from a thread of the DLL; the future is resolved once either way."""
    url = f"net.tcp://127.0.0.1:{free_tcp_port}/async"
    seen: list[tuple[str, bool, str]] = []

    def completion(name: str) -> Any:
        def done(future: Future[None]) -> None:
            seen.append((name, future.exception() is None, threading.current_thread().name))

        return done

    listener = Listener.create(DUPLEX_SESSION, TCP)
    opened = listener.open(url, async_context=completion("listener open"))
    assert opened.result(timeout=30) is None
    server = Channel.create_for_listener(listener)
    client = Channel.create(DUPLEX_SESSION, TCP)
    accepted = threading.Thread(target=listener.accept_channel, args=(server,))
    accepted.start()
    connected = client.open(url, async_context=completion("client open"))
    assert connected.result(timeout=30) is None
    accepted.join(30)
    closed = client.close(async_context=completion("client close"))
    assert closed.result(timeout=30) is None
    client.close()  # frees the handle now that the close has completed
    listener.close()
    assert [name for name, _, _ in seen] == ["listener open", "client open", "client close"]
    assert all(ok for _, ok, _ in seen)
    assert pending() == 0
    if not wwsapi_is_windows():  # Wine: which path each call took
        main = threading.main_thread().name
        assert seen[0][2] == main  # completed inside the call
        assert seen[1][2] != main and seen[2][2] != main  # called back from a DLL thread


@pytest.mark.wwsapi(*LOOPBACK_FUNCTIONS)
def test_asyncio_open_and_close(free_tcp_port: int) -> None:
    url = f"net.tcp://127.0.0.1:{free_tcp_port}/asyncio"

    async def main(listener: Listener, server: Channel) -> str:
        await listener.open_async(url)
        client = Channel.create(DUPLEX_SESSION, TCP)
        accepting = asyncio.to_thread(listener.accept_channel, server)
        await asyncio.gather(accepting, client.open_async(url))
        state = client.state.name
        await client.close_async()
        assert client.closed
        return state

    listener = Listener.create(DUPLEX_SESSION, TCP)
    server = Channel.create_for_listener(listener)
    assert asyncio.run(main(listener, server)) == "WS_CHANNEL_STATE_OPEN"
    listener.close()
