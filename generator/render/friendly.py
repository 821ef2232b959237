"""The friendly layer `wwsapi.friendly`: Python-shaped wrappers of the C-shaped
functions, derived from the merged model (directions from the pages, else
`generator.directions`; array and count pairs from `Parameter.count_of`).

Naming: `wwsapi.friendly` has one module per area module of `wwsapi` and
re-exports every wrapper; a wrapper has the C function's name
(`wwsapi.friendly.WsCreateHeap`) and its parameters keep their C names (by the
rule of `generator.names`), so the doc pages describe them as they stand.

Each C parameter gets one role, by these rules in order:

- `error`: the last parameter, `WS_ERROR* error`, optional, of a function
  returning HRESULT. The wrapper lends the call an error object (made with
  WsCreateError, reset with WsResetError after a failure, kept in a pool for
  later calls, freed by `release_error_objects` with WsFreeError), so a
  failure's exception carries its strings. A pool rather than a new object per
  call: creating and freeing one costs about 1.6 us under Wine, two to five
  times the call itself.
- `count`: an element count (`count_of`, `propertyCount` of `properties`):
  the length of its array, not a parameter.
- `array`: the array a count counts, an [in] parameter taken as one Python
  value: a sequence of structures (`Sequence[WS_HEAP_PROPERTY]`) or of
  pointers, `str` for WCHAR text, `bytes` for BYTE or char data and for a
  `void*` counted in bytes (`byteCount`). Optional ones default to None.
- `out`: an [out] parameter. The wrapper allocates it and returns its value:
  a new handle for `H**`, the pointer for `T**` (an address for `void**`), the
  number for a pointer to a number or enum, a bool for `BOOL*`, the structure
  for a pointer to a structure. Several out values are returned as a tuple in
  C order.
- `sync`: `asyncContext` of a function that has out values: NULL, since out
  values can only be returned by a call that completes before it returns.
- `arg`/`optional`: any other [in] parameter, passed as given: required ones
  positional in C order, optional ones keyword-only defaulting to None after
  them. A pointer to a structure also takes the structure itself (ctypes
  passes its address). An optional callback passed as None is a NULL function.

A function without out values returns the HRESULT, since a success code may
be its answer (WS_S_END, WS_S_ASYNC, S_FALSE), unless its page lists its
return codes and S_OK is the only success among them: then it returns None.
A function with out values returns those, not its success code; but where
its page lists another success code (WsFindAttribute's S_FALSE: not found),
the call answering one leaves the out values unset, and the wrapper returns
None instead.
With an `asyncContext` given, the call gets no error object (it may complete
later, after the object went back to the pool).

What the model cannot decide is left out of the friendly layer and listed as
needing hand-written code, with the reason: an `in/out` parameter or one whose
direction neither a page nor the C type gives; a `void*` value whose type
depends on another argument (`value`/`valueSize`, `buffer`/`bufferSize`); a
buffer the caller sizes (an [out] WCHAR, BYTE or char pointer, an [out]
array); a `void**` out whose direction is only inferred (it may as well be an
array of arguments); a return type other than HRESULT or void together with
out values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from generator.abi.primitives import POINTER_TYPEDEFS, PRIMITIVES
from generator.abimodel import CType
from generator.apimodel import ApiModel, Function, Kind, Parameter, ReturnCode
from generator.diagnostics import DiagnosticError
from generator.docmodel import Direction
from generator.render.types import TypeMap

PACKAGE = "friendly"
ERROR_FUNCTIONS = ("WsCreateError", "WsResetError", "WsFreeError")
_STRUCTS = frozenset({"GUID", "FILETIME", "DECIMAL"})  # Windows structures of the runtime
_TEXT_UNITS = frozenset({"WCHAR", "wchar_t"})  # UTF-16 code units
_BYTE_UNITS = frozenset({"BYTE", "UCHAR", "unsigned char", "char", "CHAR", "signed char"})


class Role(StrEnum):
    """How the wrapper supplies one C parameter (see the module docstring)."""

    ARG = "arg"
    OPTIONAL = "optional"
    ARRAY = "array"
    COUNT = "count"
    OUT = "out"
    ERROR = "error"
    SYNC = "sync"


class Shape(StrEnum):
    """What an array holds or an out parameter returns."""

    STRUCTS = "structs"  # array: Sequence[T]
    POINTERS = "pointers"  # array: Sequence[_Pointer[T]]
    NUMBERS = "numbers"  # array: Sequence[int | float]
    TEXT = "text"  # array: str (UTF-16)
    BYTES = "bytes"  # array: bytes passed as is (void*, char*)
    BYTE_ARRAY = "byte-array"  # array: bytes copied into a BYTE array
    OBJECT = "object"  # out: the ctypes object itself (handle, pointer, structure)
    VALUE = "value"  # out: the ctypes object's value (number, address)
    BOOL = "bool"  # out: BOOL as bool


@dataclass(frozen=True)
class Slot:
    """One C parameter and its role; `partner` is the count of an array or
    the array of a count (C names); `shape` says what an array or out holds."""

    param: Parameter
    role: Role
    partner: str = ""
    shape: Shape | None = None

    @property
    def keyword(self) -> bool:
        return self.role is Role.OPTIONAL or (self.role is Role.ARRAY and self.param.optional)


@dataclass(frozen=True)
class Friendly:
    """A function the friendly layer wraps.

    `returns_code`: without out values, the wrapper returns the HRESULT (a
    success code other than S_OK is possible, or the page does not say).
    `async_param` is the C name of a kept `asyncContext` (the call then gets
    no error object when it is given). `empty_on`: with out values, the
    success codes other than S_OK the page lists, on which the wrapper
    returns None."""

    function: Function
    slots: tuple[Slot, ...]
    returns_code: bool
    async_param: str | None
    empty_on: tuple[ReturnCode, ...] = ()

    @property
    def outs(self) -> tuple[Slot, ...]:
        return tuple(s for s in self.slots if s.role is Role.OUT)

    def python_params(self) -> tuple[Slot, ...]:
        """The wrapper's parameters: required ones in C order, then keyword-only ones."""
        given = [s for s in self.slots if s.role in (Role.ARG, Role.OPTIONAL, Role.ARRAY)]
        return tuple([s for s in given if not s.keyword] + [s for s in given if s.keyword])


@dataclass(frozen=True)
class Unfriendly:
    """A function that needs hand-written code, and why (one reason per parameter)."""

    function: Function
    reasons: tuple[str, ...]


Derived = Friendly | Unfriendly


def effective(ctype: CType) -> CType:
    """`ctype` with a pointer typedef (`PCWSTR`) spelled as its target (`const WCHAR*`)."""
    if ctype.name in POINTER_TYPEDEFS:
        target, extra, const = POINTER_TYPEDEFS[ctype.name]
        return CType(target, ctype.pointers + extra, ctype.const or const, ctype.array)
    return ctype


def primitive_class(name: str) -> str | None:
    primitive = PRIMITIVES.get(name)
    return primitive.cls if primitive is not None else None


def error_index(f: Function) -> int | None:
    """The index of the rich-error parameter the wrapper manages, if any."""
    if not f.returns_hresult or not f.params:
        return None
    last = f.params[-1]
    if last.name == "error" and last.optional and effective(last.type) == CType("WS_ERROR", 1):
        return len(f.params) - 1
    return None


def _is_async(p: Parameter) -> bool:
    t = effective(p.type)
    return t.name == "WS_ASYNC_CONTEXT" and t.pointers == 1 and p.direction is Direction.IN


def _is_number(name: str, kinds: dict[str, Kind]) -> bool:
    cls = primitive_class(name)
    if cls is not None:
        return cls not in ("void", "ptr", *_STRUCTS)
    return kinds.get(name) is Kind.ENUM


def is_struct(name: str, kinds: dict[str, Kind]) -> bool:
    return name in _STRUCTS or kinds.get(name) is Kind.AGGREGATE


def _same(name: str) -> str:
    return name


def _simple(expr: str) -> bool:
    """Whether a ctypes type expression is a simple type, read through `.value`."""
    return expr.startswith("_ct.c_")


def _array_shape(array: Parameter, count: Parameter, types: TypeMap) -> Shape | str:
    """What an [in] array holds, or why it cannot be passed from Python."""
    t = effective(array.type)
    element = CType(t.name, t.pointers - 1)
    if element.pointers == 0:
        if primitive_class(element.name) == "void":
            if count.name == "byteCount" or count.name.endswith("ByteCount"):
                return Shape.BYTES
            return (
                f"{array.name} ({array.type}): a void* array counted in {count.name}, "
                "of no fixed type"
            )
        if element.name in _TEXT_UNITS:
            return Shape.TEXT
        if element.name in _BYTE_UNITS:
            return Shape.BYTES if _simple(types.use(t, _same).expr) else Shape.BYTE_ARRAY
        if is_struct(element.name, types.kinds):
            return Shape.STRUCTS
        if _is_number(element.name, types.kinds):
            return Shape.NUMBERS
    elif primitive_class(element.name) != "void":
        return Shape.POINTERS
    return f"{array.name} ({array.type}): an array of {element}, which Python cannot build"


def _out_shape(p: Parameter, types: TypeMap) -> Shape | str:
    """What an [out] parameter returns, or why the wrapper cannot return it."""
    t = effective(p.type)
    if t.pointers == 0 or t.array:
        return f"{p.name} ({p.type}): an [out] parameter that is not a pointer"
    target = CType(t.name, t.pointers - 1)
    if target.pointers == 0:
        if primitive_class(t.name) == "void":
            return (
                f"{p.name} ({p.type}): a buffer whose type depends on the other arguments "
                "(the spec does not fix it)"
            )
        if t.name in _TEXT_UNITS | _BYTE_UNITS:
            return f"{p.name} ({p.type}): a text or byte buffer the caller sizes"
        if t.name == "BOOL":
            return Shape.BOOL
        if _is_number(t.name, types.kinds):
            return Shape.VALUE
        if is_struct(t.name, types.kinds):
            return Shape.OBJECT
        return f"{p.name} ({p.type}): an [out] {t.name}, which the wrapper cannot allocate"
    if primitive_class(t.name) == "void" and p.direction_rule:
        return (
            f"{p.name} ({p.type}): [out] is only inferred from the C type, and an "
            "untyped pointer to pointer may as well be an array of arguments"
        )
    return Shape.VALUE if _simple(types.use(target, _same).expr) else Shape.OBJECT


def _in_reason(p: Parameter) -> str | None:
    """Why an [in] parameter cannot be passed as given, if it cannot."""
    t = effective(p.type)
    if primitive_class(t.name) == "void" and t.pointers >= 1 and not p.name.endswith("State"):
        return (
            f"{p.name} ({p.type}): what it points at depends on the other arguments "
            "(the spec does not fix its type)"
        )
    return None


_COPIED_ARRAYS = (Shape.TEXT, Shape.BYTES, Shape.BYTE_ARRAY)


def _unit(name: str) -> str:
    """An element type by its size where it is a primitive (WCHAR and USHORT
    are both 16-bit units; the two ABI sources spell one as the other)."""
    primitive = PRIMITIVES.get(name)
    return f"{primitive.size64}-byte unit" if primitive is not None else name


def _pointers_into_copies(slots: list[Slot]) -> list[str]:
    """An [out] pointer to the element type of a text or byte array the wrapper
    passes as a temporary copy (WsTrimXmlWhitespace's `trimmedChars` into
    `chars`) would point into memory freed when the wrapper returns."""
    copied = {
        _unit(effective(s.param.type).name)
        for s in slots
        if s.role is Role.ARRAY and s.shape in _COPIED_ARRAYS
    }
    reasons = []
    for s in slots:
        t = effective(s.param.type)
        if s.role is Role.OUT and t.pointers == 2 and _unit(t.name) in copied:
            reasons.append(
                f"{s.param.name} ({s.param.type}): points into a text or byte argument, "
                "which the wrapper passes as a temporary copy"
            )
    return reasons


def derive(f: Function, types: TypeMap) -> Derived:
    """The friendly wrapper of `f`, or why it needs hand-written code."""
    if not f.returns_hresult and f.returns != CType("void"):
        return Unfriendly(f, (f"returns {f.returns}, not an HRESULT: no rule covers it",))
    by_name = {p.name: p for p in f.params}
    counted = {p.count_of: p.name for p in f.params if p.count_of in by_name}
    error = error_index(f)
    slots: list[Slot] = []
    reasons: list[str] = []
    for index, p in enumerate(f.params):
        if index == error:
            slots.append(Slot(p, Role.ERROR))
        elif p.count_of is not None and p.count_of in by_name:
            slots.append(Slot(p, Role.COUNT, partner=p.count_of))
        elif p.direction is Direction.UNSPECIFIED:
            reasons.append(
                f"{p.name} ({p.type}): neither a page nor the C type gives its direction"
            )
        elif p.direction is Direction.INOUT:
            reasons.append(f"{p.name} ({p.type}): an [in, out] parameter")
        elif p.name in counted:
            count = by_name[counted[p.name]]
            if p.direction is not Direction.IN:
                reasons.append(f"{p.name} ({p.type}): an [out] array the caller sizes")
                continue
            shape = _array_shape(p, count, types)
            if not isinstance(shape, Shape):
                reasons.append(shape)
            else:
                slots.append(Slot(p, Role.ARRAY, partner=count.name, shape=shape))
        elif p.direction is Direction.OUT:
            out = _out_shape(p, types)
            if not isinstance(out, Shape):
                reasons.append(out)
            else:
                slots.append(Slot(p, Role.OUT, shape=out))
        else:
            why = _in_reason(p)
            if why is not None:
                reasons.append(why)
            else:
                slots.append(Slot(p, Role.OPTIONAL if p.optional else Role.ARG))
    reasons += _pointers_into_copies(slots)
    if reasons:
        return Unfriendly(f, tuple(reasons))
    has_outs = any(s.role is Role.OUT for s in slots)
    kept_async: str | None = None
    if has_outs:
        slots = [Slot(s.param, Role.SYNC) if _is_async(s.param) else s for s in slots]
    else:
        kept_async = next((s.param.name for s in slots if _is_async(s.param)), None)
    other_success = tuple(c for c in f.return_codes if c.success and c.code != "S_OK")
    only_s_ok = f.doc.has_page and bool(f.return_codes) and not other_success
    returns_code = f.returns_hresult and not has_outs and (kept_async is not None or not only_s_ok)
    # with out values the call completes synchronously: WS_S_ASYNC cannot come
    empty_on = tuple(c for c in other_success if c.code != "WS_S_ASYNC") if has_outs else ()
    return Friendly(f, tuple(slots), returns_code, kept_async, empty_on)


def derive_all(model: ApiModel, types: TypeMap) -> tuple[Derived, ...]:
    """Every function of the model, by name, derived."""
    return tuple(derive(f, types) for f in sorted(model.functions, key=lambda f: f.name))


def has_error_objects(model: ApiModel) -> bool:
    """Whether the wrappers can lend error objects: the model has the three
    functions that make, reset and free them."""
    names = {f.name for f in model.functions}
    handles = {h.name for h in model.handles}
    return "WS_ERROR" in handles and all(name in names for name in ERROR_FUNCTIONS)


def check_module_name(model: ApiModel) -> None:
    """An area whose module would be `friendly` would hide the package: an error."""
    for area in model.areas:
        if area.module == PACKAGE:
            raise DiagnosticError.single(
                area.source or "specs/pages",
                None,
                f"area {area.title!r} gives module {PACKAGE!r}, the name of the generated "
                "friendly layer (wwsapi/friendly/); rename the area",
            )


def fresh(name: str, taken: Iterable[str]) -> str:
    """`name`, with trailing underscores until it is not in `taken`."""
    used = set(taken)
    while name in used:
        name += "_"
    return name
