"""Asynchronous calls over WS_ASYNC_CONTEXT, as futures.

A WWSAPI function given a WS_ASYNC_CONTEXT either completes at once (it returns
S_OK or a failure, and the callback is NOT called) or returns WS_S_ASYNC and
calls the callback later, from a thread of its own, with the final HRESULT.
`AsyncCall` hides the difference: its `concurrent.futures.Future` is resolved
exactly once on either path, and the caller's completion callback runs once.

While a call is pending, everything the DLL may still touch (the context, out
buffers, property arrays, a dedicated error object) is kept alive by the call,
which is itself kept in `_PENDING` until it completes: a dropped reference can
never leave the DLL writing to freed memory. The callback itself is one ctypes
function for the whole process, never freed (freeing a callback thunk while
the DLL is still returning through it would crash); `callbackState` carries
the number of the call it completes.

`asyncio`: `awaitable(call)` gives an asyncio future resolved on the loop's
thread (`loop.call_soon_threadsafe`), for the `*_async` coroutines.
"""

from __future__ import annotations

import asyncio
import ctypes
import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

import wwsapi
from wwsapi import _runtime as _rt
from wwsapi.pythonic.error import Error

T = TypeVar("T")

Completion = Callable[["Future[Any]"], object]

_PENDING: dict[int, AsyncCall[Any]] = {}
_LOCK = threading.Lock()
_numbers = itertools.count(1)
_trampoline: Any = None


def _dispatch(error_code: int, callback_model: int, state: int | None) -> None:
    """The one WS_ASYNC_CALLBACK: hand the result to the call numbered `state`."""
    with _LOCK:
        call = _PENDING.get(state or 0)
    if call is not None:
        call._on_callback(error_code)


def _callback() -> Any:
    global _trampoline
    with _LOCK:
        if _trampoline is None:
            _trampoline = wwsapi.WS_ASYNC_CALLBACK(_dispatch)
        return _trampoline


class AsyncCall(Generic[T]):
    """One call of `function` with a WS_ASYNC_CONTEXT."""

    def __init__(
        self, function: str, result: Callable[[], T], keep: list[Any] | None = None
    ) -> None:
        self.function = function
        self._result = result
        self.keep: list[Any] = list(keep or ())
        self.future: Future[T] = Future()
        self.error = Error.create()
        self.completed_synchronously: bool | None = None
        self.number = next(_numbers)
        self.context = wwsapi.WS_ASYNC_CONTEXT()
        self.context.callback = _callback()
        self.context.callbackState = self.number
        self._done = False

    def start(
        self, invoke: Callable[[Any, Any], int], completion: Completion | None = None
    ) -> Future[T]:
        """Call `invoke(async_context_pointer, error)`; resolve the future at
        once if the function completed synchronously, else when it calls back."""
        if completion is not None:
            self.future.add_done_callback(completion)
        with _LOCK:
            _PENDING[self.number] = self
        try:
            result = invoke(ctypes.byref(self.context), self.error.raw)
        except BaseException as exc:
            self.completed_synchronously = True
            self._finish(exc)
            return self.future
        if result == wwsapi.WS_S_ASYNC:
            with _LOCK:
                if self.completed_synchronously is None:
                    self.completed_synchronously = False
        else:
            self.completed_synchronously = True
            self._finish(None)
        return self.future

    def _on_callback(self, error_code: int) -> None:
        """The DLL's completion: on a thread of the DLL (or inside the call)."""
        with _LOCK:
            if self.completed_synchronously is None:
                self.completed_synchronously = False
        failure: BaseException | None = None
        if error_code < 0:
            failure = _rt.failure(self.function, error_code, self.error.raw, ())
        self._finish(failure)

    def _finish(self, failure: BaseException | None) -> None:
        with _LOCK:
            if self._done:
                return
            self._done = True
        try:
            if failure is None:
                try:
                    value = self._result()
                except BaseException as exc:
                    failure = exc
            if failure is not None:
                self.future.set_exception(failure)
            else:
                self.future.set_result(value)
        finally:
            with _LOCK:
                _PENDING.pop(self.number, None)
            self.error.close()


def pending() -> int:
    """How many asynchronous calls have not completed yet."""
    with _LOCK:
        return len(_PENDING)


def awaitable(future: Future[T]) -> asyncio.Future[T]:
    """An asyncio future of the running loop that follows `future`."""
    return asyncio.wrap_future(future)
