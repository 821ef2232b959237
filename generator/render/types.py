"""C types -> ctypes type expressions and the annotations mypy sees.

The decisions, in one place:

- Integers are fixed width by their Windows meaning, never `c_long`/`c_ulong`
  (`ULONG` is 32 bits on Windows whatever the host): `ULONG` -> `c_uint32`,
  `LONG`/`BOOL`/`HRESULT`/`int` -> `c_int32`, `SIZE_T` -> `c_size_t`.
- `WCHAR` is `c_uint16` everywhere, `c_wchar` never: `c_wchar` is 4 bytes on
  Linux, so layouts would differ between hosts. Strings are converted
  explicitly (UTF-16-LE) by helpers in `wwsapi._runtime`.
- A pointer to `char` is `c_char_p` (bytes); `void*` is `c_void_p`; any other
  pointer is `POINTER(T)`; an opaque handle `WS_HEAP*` is `POINTER(WS_HEAP)`,
  a distinct type per handle so that ctypes rejects a heap passed as a channel.
- An enumeration is `c_int32` in layouts and prototypes (a C enum is an int);
  the IntEnum/IntFlag class is for the user's values.
- A callback type is its own ctypes function pointer class.

`refs` tells the module planner which elements a type needs when a module is
executed: `strong` ones must be complete (aggregates embedded by value, whose
`_fields_` must be set, callbacks and aliases, which are built from other
types), weak ones only need to exist (pointer targets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.abi.primitives import OPAQUE_EXTERNAL, POINTER_TYPEDEFS, PRIMITIVES
from generator.abimodel import CType
from generator.apimodel import ApiModel, Kind

_CLASS_CTYPES = {
    "i8": "c_int8",
    "u8": "c_uint8",
    "i16": "c_int16",
    "u16": "c_uint16",
    "i32": "c_int32",
    "u32": "c_uint32",
    "i64": "c_int64",
    "u64": "c_uint64",
    "f32": "c_float",
    "f64": "c_double",
    "uptr": "c_size_t",
    "iptr": "c_ssize_t",
    "ptr": "c_void_p",
}
_RUNTIME_STRUCTS = {"GUID", "FILETIME", "DECIMAL"}


class UnknownTypeError(ValueError):
    """A C type name that is neither a primitive nor an element of the ABI."""


@dataclass(frozen=True)
class TypeUse:
    """How one C type is spelled in generated code.

    `expr` is the ctypes type; `read` the annotation of a field of this type
    (what reading it gives), `arg` the annotation of a parameter (what may be
    passed, without None); `spec` the same type in the prototype notation of
    `wwsapi._runtime.bind` (a ctypes or class name, one `*` per POINTER).
    `refs` holds (element C name, strong).
    """

    expr: str
    read: str
    arg: str
    refs: frozenset[tuple[str, bool]] = frozenset()
    spec: str = ""
    ann: str = ""  # the ctypes type as an annotation (`_ct._Pointer[X]` for POINTER(X))

    @property
    def cls(self) -> str:
        return self.ann or self.expr


class TypeMap:
    """Resolves C type names against one ApiModel."""

    def __init__(self, model: ApiModel) -> None:
        self.kinds: dict[str, Kind] = {}
        self.py_names: dict[str, str] = {}
        for group, kind in (
            (model.aggregates, Kind.AGGREGATE),
            (model.handles, Kind.HANDLE),
            (model.callbacks, Kind.CALLBACK),
            (model.enums, Kind.ENUM),
            (model.aliases, Kind.ALIAS),
        ):
            for element in group:
                self.kinds[element.name] = kind
                self.py_names[element.name] = element.py_name

    def known(self, name: str) -> bool:
        return (
            name in self.kinds
            or name in PRIMITIVES
            or name in POINTER_TYPEDEFS
            or name in OPAQUE_EXTERNAL
        )

    def use(self, ctype: CType, qualify: Callable[[str], str]) -> TypeUse:
        """The spelling of `ctype`; `qualify` turns an element's C name into
        the expression that names its class where the code runs."""
        name, pointers = ctype.name, ctype.pointers
        if name in POINTER_TYPEDEFS:
            target, extra, _ = POINTER_TYPEDEFS[name]
            name, pointers = target, pointers + extra
        base = self._base(name, pointers, qualify)
        for count in reversed(ctype.array):
            base = TypeUse(
                expr=f"({base.expr} * {count})",
                read=f"_ct.Array[{base.cls}]",
                arg=f"_ct.Array[{base.cls}]",
                refs=base.refs,
                spec=f"{base.spec}[{count}]",
                ann=f"_ct.Array[{base.cls}]",
            )
        return base

    def _base(self, name: str, pointers: int, qualify: Callable[[str], str]) -> TypeUse:
        kind = self.kinds.get(name)
        if kind is None and name not in PRIMITIVES and name not in OPAQUE_EXTERNAL:
            raise UnknownTypeError(f"unknown C type {name!r}")
        if name in OPAQUE_EXTERNAL:
            # Other Windows APIs' structures, only ever used by pointer here.
            return _pointers(_void_pointer(), pointers - 1)
        if kind is None:
            return self._primitive(name, pointers)
        if kind is Kind.ENUM:
            return _pointers(_scalar("_ct.c_int32", "int"), pointers)
        py = qualify(name)
        spec = self.py_names[name]
        if kind is Kind.HANDLE:
            handle = TypeUse(py, py, py, frozenset({(name, False)}), spec)
            return _pointers(handle, pointers)
        if kind is Kind.AGGREGATE:
            aggregate = TypeUse(py, py, py, frozenset({(name, pointers == 0)}), spec)
            return _pointers(aggregate, pointers)
        # callbacks and aliases are built from other types: always strong
        element = TypeUse(py, py, py, frozenset({(name, True)}), spec)
        return _pointers(element, pointers)

    def _primitive(self, name: str, pointers: int) -> TypeUse:
        cls = PRIMITIVES[name].cls
        if cls == "void":
            if pointers == 0:
                return TypeUse("None", "None", "None", spec="None")
            return _pointers(_void_pointer(), pointers - 1)
        if cls == "i8" and pointers >= 1:
            text = TypeUse("_ct.c_char_p", "bytes | None", "bytes | None", spec="c_char_p")
            return _pointers(text, pointers - 1)
        if cls in _RUNTIME_STRUCTS:
            runtime = TypeUse(f"_rt.{cls}", f"_rt.{cls}", f"_rt.{cls}", spec=cls)
            return _pointers(runtime, pointers)
        ctypes_name = _CLASS_CTYPES[cls]
        python = "float" if cls in ("f32", "f64") else "int"
        if cls == "ptr":
            return _pointers(_void_pointer(), pointers)
        return _pointers(_scalar(f"_ct.{ctypes_name}", python), pointers)


def _scalar(expr: str, python: str) -> TypeUse:
    return TypeUse(expr, python, python, spec=expr.removeprefix("_ct."))


def _void_pointer() -> TypeUse:
    return TypeUse("_ct.c_void_p", "int | None", "_rt.VoidArg", spec="c_void_p")


def _pointers(use: TypeUse, count: int) -> TypeUse:
    for _ in range(count):
        use = TypeUse(
            expr=f"_ct.POINTER({use.expr})",
            read=f"_ct._Pointer[{use.cls}]",
            arg=f"_rt.PointerArg[{use.cls}]",
            refs=use.refs,
            spec=use.spec + "*",
            ann=f"_ct._Pointer[{use.cls}]",
        )
    return use
