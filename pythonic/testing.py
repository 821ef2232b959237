"""A fake webservices.dll for tests that must not (or cannot) call the real one.

`FakeDll.install()` replaces the binding step of the generated package
(`wwsapi._runtime.bind`): each generated function then calls a Python
implementation through a real ctypes prototype built from the generated
argtypes and restype, with the generated error mapping. Arguments are
therefore converted and checked by ctypes exactly as for the DLL (a heap
passed where a channel belongs is refused), out pointers are real pointers
the fake writes through, and a failing HRESULT the fake returns becomes the
generated exception class, with the function's documented meaning.

`FakeDll` also tracks native handles: `new_handle(kind)` hands out a unique
address, `free_handle(kind, address)` records the release and fails the test
on a second release or on a handle of another kind; `live` lists the handles
not freed yet.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from wwsapi import _runtime as _rt
from wwsapi.pythonic.error import forget_thread_error

Implementation = Callable[..., Any]

E_FAIL = -0x7FFFBFFB  # 0x80004005 as the signed HRESULT a ctypes function returns
E_INVALIDARG = -0x7FF8FFA9  # 0x80070057
S_OK = 0
WS_S_ASYNC = 0x003D0000


class FakeDllError(AssertionError):
    """The code under test misused the fake DLL (double free, wrong handle...)."""


@dataclass
class FakeDll:
    """Python implementations of WWSAPI functions, by name."""

    functions: dict[str, Implementation] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    live: dict[int, str] = field(default_factory=dict)
    freed: Counter[str] = field(default_factory=Counter)
    order: list[str] = field(default_factory=list)  # kinds, in the order freed
    _memory: dict[int, Any] = field(default_factory=dict)

    def implement(self, name: str) -> Callable[[Implementation], Implementation]:
        """Decorator: `@fake.implement("WsCreateHeap")`."""

        def register(function: Implementation) -> Implementation:
            self.functions[name] = function
            return function

        return register

    def update(self, functions: Mapping[str, Implementation]) -> None:
        self.functions.update(functions)

    # --- native memory and handles -------------------------------------------------

    def allocate(self, data: bytes | int) -> int:
        """The address of a new native buffer (kept until the fake is dropped)."""
        buffer = ctypes.create_string_buffer(data if isinstance(data, bytes) else max(data, 1))
        address = ctypes.addressof(buffer)
        self._memory[address] = buffer
        return address

    def new_handle(self, kind: str) -> int:
        address = self.allocate(16)
        self.live[address] = kind
        return address

    def free_handle(self, kind: str, handle: Any) -> None:
        address = _address(handle)
        owner = self.live.pop(address, None)
        if owner is None:
            self.problems.append(f"{kind} at 0x{address:x} freed twice or never created")
        elif owner != kind:
            self.problems.append(f"{owner} at 0x{address:x} freed as a {kind}")
        else:
            self.freed[kind] += 1
            self.order.append(kind)

    def check_handle(self, kind: str, handle: Any) -> int:
        """The address of `handle`, recording a problem when it is not a live `kind`."""
        address = _address(handle)
        if self.live.get(address) != kind:
            self.problems.append(f"0x{address:x} used as a live {kind}")
        return address

    # --- binding ---------------------------------------------------------------------

    def _prototype(self, restype: Any, *argtypes: Any) -> Callable[[tuple[str, Any]], Any]:
        """Stands in for WINFUNCTYPE: `prototype((name, dll))` gives a ctypes
        function of the generated type that runs the Python implementation."""
        c_type = ctypes.CFUNCTYPE(restype, *argtypes)

        def make(spec: tuple[str, Any]) -> Any:
            name = spec[0]
            implementation = self.functions.get(name)
            if implementation is None:
                raise AttributeError(f"the fake webservices.dll has no {name}")
            function = c_type(self._trampoline(name, implementation, restype))
            function._wwsapi_fake = True  # type: ignore[attr-defined]
            return function

        return make

    def _trampoline(
        self, name: str, implementation: Implementation, restype: Any
    ) -> Implementation:
        def trampoline(*args: Any) -> Any:
            self.calls[name] += 1
            try:
                result = implementation(*args)
            except BaseException as exc:  # an exception cannot cross the C boundary
                self.problems.append(f"{name} raised {exc!r}")
                return E_FAIL if restype is not None else None
            return S_OK if result is None and restype is not None else result

        return trampoline

    @contextmanager
    def install(self) -> Iterator[FakeDll]:
        """Route every generated function through this fake while in the block;
        on leaving, put the generated stubs back and fail if the code under test
        misused the fake.

        The generated runtime binds a function on first call by building a
        stdcall prototype and loading it from the DLL; the fake stands in for
        both steps, so argument conversion, the errcheck and the stub's
        replacement all run as they do on Windows.
        """
        saved = (_rt.load_dll, _rt._STDCALL_TYPE, dict(_rt._bound))
        _rt.load_dll = lambda: self
        _rt._STDCALL_TYPE = self._prototype  # type: ignore[assignment]
        _rt._bound.clear()
        try:
            yield self
        finally:
            gc.collect()  # what the test dropped is freed through the fake
            forget_thread_error()
            _rt.load_dll, _rt._STDCALL_TYPE = saved[0], saved[1]
            _rt._bound.clear()
            _rt._bound.update(saved[2])
            _restore_stubs()
        if self.problems:
            raise FakeDllError("; ".join(self.problems))


def _restore_stubs() -> None:
    """Put back every generated stub a fake function replaced."""
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name == "wwsapi" or module_name.startswith("wwsapi.")):
            continue
        namespace = vars(module)
        for key, value in list(namespace.items()):
            if getattr(value, "_wwsapi_fake", False):
                stub = getattr(value, "__wrapped__", None)
                if stub is not None:
                    namespace[key] = stub
                else:
                    del namespace[key]


def _address(handle: Any) -> int:
    if handle is None:
        return 0
    if isinstance(handle, int):
        return handle
    value = ctypes.cast(handle, ctypes.c_void_p).value
    return value or 0


def write_pointer(out: Any, address: int) -> None:
    """Store `address` through an out parameter of pointer type (`T**`)."""
    ctypes.cast(out, ctypes.POINTER(ctypes.c_void_p))[0] = address


def write_bytes(out: Any, data: bytes) -> None:
    """Copy `data` into an out buffer given as a pointer or an address."""
    ctypes.memmove(_address(out), data, len(data))


def basic_fake() -> FakeDll:
    """A fake with the create / free / reset functions of every handle type the
    Pythonic layer owns, and the error-object functions it calls on failure.
    Tests add the functions they are about."""
    fake = FakeDll()

    def creator(kind: str, out_index: int) -> Implementation:
        def create(*args: Any) -> int:
            write_pointer(args[out_index], fake.new_handle(kind))
            return S_OK

        return create

    def freer(kind: str) -> Implementation:
        def free(handle: Any) -> None:
            fake.free_handle(kind, handle)

        return free

    def checker(kind: str) -> Implementation:
        def use(handle: Any, *args: Any) -> int:
            fake.check_handle(kind, handle)
            return S_OK

        return use

    fake.update(
        {
            "WsCreateError": creator("WS_ERROR", 2),
            "WsFreeError": freer("WS_ERROR"),
            "WsResetError": checker("WS_ERROR"),
            "WsCreateHeap": creator("WS_HEAP", 4),
            "WsFreeHeap": freer("WS_HEAP"),
            "WsResetHeap": checker("WS_HEAP"),
            "WsCreateMessage": creator("WS_MESSAGE", 4),
            "WsCreateMessageForChannel": creator("WS_MESSAGE", 3),
            "WsFreeMessage": freer("WS_MESSAGE"),
            "WsResetMessage": checker("WS_MESSAGE"),
            "WsInitializeMessage": checker("WS_MESSAGE"),
            "WsCreateChannel": creator("WS_CHANNEL", 5),
            "WsFreeChannel": freer("WS_CHANNEL"),
            "WsCreateListener": creator("WS_LISTENER", 5),
            "WsFreeListener": freer("WS_LISTENER"),
            "WsCreateWriter": creator("WS_XML_WRITER", 2),
            "WsFreeWriter": freer("WS_XML_WRITER"),
            "WsCreateReader": creator("WS_XML_READER", 2),
            "WsFreeReader": freer("WS_XML_READER"),
            "WsCreateXmlBuffer": creator("WS_XML_BUFFER", 3),
            "WsFreeSecurityToken": freer("WS_SECURITY_TOKEN"),
        }
    )
    return fake


__all__ = ["FakeDll", "FakeDllError", "basic_fake", "write_bytes", "write_pointer"]
