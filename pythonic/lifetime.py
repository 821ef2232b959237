"""Owned handles: each native handle is freed exactly once, never used after.

A Pythonic handle object (`Heap`, `Channel`, ...) wraps one native handle and
a `Native` record holding the pointer and the function that frees it. The
handle is freed by whichever comes first: `close()`, the end of a `with`
block, garbage collection (`weakref.finalize`) or interpreter exit; later
requests are no-ops. After that every use raises `HandleClosedError` instead
of handing a dangling pointer to the DLL.

Dependencies are explicit: a handle made from another one (a channel accepted
on a listener, an XML buffer allocated on a heap, a heap owned by a message)
is registered as its *dependent*. The dependent keeps its owner alive, and
freeing the owner frees (or, for borrowed handles, invalidates) its dependents
first, so native objects are always released children before parents, even
when the garbage collector finds both in one cycle: the release logic lives in
the `Native` records, which the collector never clears, not in the wrappers.

Thread safety: releasing is atomic (one lock), so two threads closing the same
handle free it once. Using a handle in one thread while another frees it is a
race the DLL does not allow either; the wrappers do not try to serialise it.
"""

from __future__ import annotations

import ctypes
import threading
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any, ClassVar, Self

import wwsapi
from wwsapi.pythonic.errors import HandleClosedError

_LOCK = threading.RLock()

FreeFunction = Callable[[Any], object]


class Native:
    """The native side of one handle: pointer, free function, dependents.

    Holds no reference to its wrapper, so it can be the wrapper's finalizer.
    `free` is None for a borrowed handle (one that belongs to another object,
    e.g. the heap of a message): releasing it only invalidates it.
    """

    __slots__ = ("_free", "borrowed", "dependents", "kind", "owner", "pointer", "why")

    def __init__(
        self, kind: str, pointer: Any, free: FreeFunction | None, owner: Native | None
    ) -> None:
        self.kind = kind
        self.pointer = pointer
        self._free = free
        self.borrowed = free is None
        self.owner = owner
        self.dependents: dict[int, Native] = {}
        self.why = ""  # empty while the handle is usable

    @property
    def released(self) -> bool:
        return bool(self.why)

    def release(self, why: str = "it was closed") -> None:
        """Free (or invalidate) the dependents, then this handle; once only.

        The handle is marked released before anything else happens, so a
        dependent whose release reaches back to this handle finds it done.
        """
        with _LOCK:
            if self.why:
                return
            self.why = why
            pointer, self.pointer = self.pointer, None
            free, self._free = self._free, None
            dependents = list(self.dependents.values())
            self.dependents.clear()
            for dependent in dependents:
                dependent.release(f"its {self.kind} was freed")
            if self.owner is not None:
                self.owner.dependents.pop(id(self), None)
        if free is not None:
            free(pointer)

    def release_borrowed(self, why: str) -> None:
        """Invalidate the borrowed dependents only (their owner was reset)."""
        with _LOCK:
            for dependent in list(self.dependents.values()):
                if dependent.borrowed:
                    dependent.release(why)


class OwnedHandle:
    """Base of the Pythonic handle classes: lifetime, `with`, and `raw`.

    `HANDLE` (the C handle type name) comes from the generated base that a
    subclass completes. The wrapper can be passed straight to a generated
    function (`_as_parameter_`).
    """

    HANDLE: ClassVar[str]
    _native: Native
    _owner: OwnedHandle | None

    def __init__(
        self,
        pointer: Any,
        free: FreeFunction | None,
        *,
        owner: OwnedHandle | None = None,
    ) -> None:
        if not pointer:
            raise ValueError(f"a {self.HANDLE} handle must not be NULL")
        parent = owner._native if owner is not None else None
        if owner is not None:
            owner.raw  # noqa: B018  (a freed owner cannot take dependents)
        native = Native(self.HANDLE, pointer, free, parent)
        self._native = native
        self._owner = owner  # keeps the owner alive while this handle lives
        if parent is not None:
            with _LOCK:
                parent.dependents[id(native)] = native
        self._finalizer = weakref.finalize(self, native.release, "it was garbage collected")

    @classmethod
    def borrow(cls, pointer: Any, owner: OwnedHandle) -> Self:
        """A handle that belongs to `owner` (the heap of a message, ...): never
        freed by this object, unusable once `owner` is freed or reset."""
        pointer = ctypes.cast(pointer, ctypes.POINTER(cls._native_type()))
        return cls(pointer, None, owner=owner)

    @classmethod
    def _native_type(cls) -> type[Any]:
        """The generated opaque handle class (`wwsapi.WS_HEAP`)."""
        native: type[Any] = getattr(wwsapi, cls.HANDLE)
        return native

    @classmethod
    def _generated(cls, method: str) -> Any:
        """The generated function that `method` completes, as its stub in the
        generated base names it (`get_property` of WS_HEAP -> WsGetHeapProperty)."""
        for klass in cls.__mro__:
            stub = vars(klass).get(method)
            target = getattr(stub, "__func__", stub)
            name = getattr(target, "__wwsapi_function__", None)
            if name is not None:
                return getattr(wwsapi, name)
        raise AttributeError(f"no generated stub {method!r} in the bases of {cls.__name__}")

    @property
    def raw(self) -> Any:
        """The native handle; raises HandleClosedError once it has been freed."""
        native = self._native
        pointer = native.pointer
        if pointer is None:
            raise HandleClosedError(f"cannot use a {self.HANDLE} handle: {native.why}")
        return pointer

    @property
    def _as_parameter_(self) -> Any:
        return self.raw

    @property
    def closed(self) -> bool:
        return self._native.released

    @property
    def borrowed(self) -> bool:
        """True for a handle that belongs to another object, which frees it."""
        return self._native.borrowed

    def close(self) -> None:
        """Free the native handle now (its dependents first); safe to repeat."""
        self._native.release("it was closed")
        self._finalizer.detach()

    def _invalidate_borrowed(self, why: str) -> None:
        self._native.release_borrowed(why)

    def __enter__(self) -> Self:
        self.raw  # noqa: B018  (entering a closed handle is an error)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        native = self._native
        if native.released:
            return f"<{type(self).__name__} {self.HANDLE}: freed, {native.why}>"
        kind = "borrowed" if native.borrowed else "owned"
        return f"<{type(self).__name__} {self.HANDLE}: {kind}>"
