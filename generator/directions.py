"""Infer a parameter's direction from its C type where a page gives none.

Neither ABI source carries SAL annotations (`_In_`, `_Out_`), so when a page
leaves a parameter unannotated the direction is derived from the C type by the
rules below, tried in order; the first that applies decides. Each result names
its rule so every inference can be reported and reviewed.

- `const-pointer`: `const T*` -> in (a `const T**` is a writable pointer to one).
- `by-value`: any non-pointer (number, enum, callback, structure) -> in.
- `handle-out`: `H**` for an opaque handle `H` -> out (a new handle).
- `handle`: `H*` for an opaque handle `H` -> in (the object operated on).
- `async-context`: `WS_ASYNC_CONTEXT*` -> in (how the callee completes).
- `callback-state`: `void*` named `...State` -> in (handed to a callback as is).
- `byte-buffer`: `void*` with a size partner (`<name>Size`, `<name>ByteCount`;
  `bufferSize` of `buffer`; `maxByteCount` or `maxSize` of `bytes`) -> out (a
  buffer it fills); in for setters and writers (`WsSet*`, `WsWrite*`, `WsAdd*`,
  `WsPush*`), which read it.
- `pointer-out`: any other `T**` -> out (the callee hands back a pointer).
- `counted-array`: `T*` to a structure with a count partner (`<stem>Count`) -> in.
- `scalar-out`: `T*` to a number, BOOL or enum -> out.
- `undecided`: anything else (a non-const `T*` to a structure) -> unspecified.

Optional is derivable for two WWSAPI conventions only: the `error` object
(`WS_ERROR*`) and the `asyncContext` (`WS_ASYNC_CONTEXT*`) may always be NULL;
a value parameter other than a callback (a function pointer) can never be NULL
(optional False); otherwise None (unknown).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.abi.primitives import PRIMITIVES
from generator.abimodel import AbiCallback, AbiFunction, AbiSet, CType
from generator.docmodel import Direction

_SETTER_PREFIXES = ("WsSet", "WsWrite", "WsAdd", "WsPush")
_SIZE_SUFFIXES = ("Size", "ByteCount")
_ALWAYS_OPTIONAL = {"WS_ERROR", "WS_ASYNC_CONTEXT"}


@dataclass(frozen=True)
class Inference:
    """What the type says about one parameter, and which rule said it."""

    direction: Direction
    optional: bool | None
    rule: str
    reason: str

    @property
    def decided(self) -> bool:
        return self.direction is not Direction.UNSPECIFIED


# Rules whose verdict follows from the C language itself: a page that contradicts
# one is wrong. The others are WWSAPI conventions, good for filling gaps only.
STRICT_RULES = frozenset({"const-pointer", "by-value", "handle-out"})


def _size_partner(function: AbiFunction | AbiCallback, index: int) -> str | None:
    name = function.params[index].name
    for other in function.params:
        if other is function.params[index] or other.type.pointers:
            continue
        if other.name in {name + s for s in _SIZE_SUFFIXES} or (
            (other.name, name)
            in {("bufferSize", "buffer"), ("maxByteCount", "bytes"), ("maxSize", "bytes")}
        ):
            return other.name
    return None


def _count_partner(function: AbiFunction | AbiCallback, index: int) -> str | None:
    name = function.params[index].name
    stems = {name, name.rstrip("s"), name[:-3] + "y" if name.endswith("ies") else name}
    for other in function.params:
        if other.type.pointers == 0 and other.name in {s + "Count" for s in stems}:
            return other.name
    return None


def _is_scalar(ctype: CType, abi: AbiSet) -> bool:
    primitive = PRIMITIVES.get(ctype.name)
    if primitive is not None:
        return primitive.cls not in ("void", "GUID", "FILETIME", "DECIMAL")
    return any(e.name == ctype.name for e in abi.enums)


def _optional(ctype: CType, abi: AbiSet) -> bool | None:
    if ctype.pointers == 0 and not ctype.array:
        # A callback is a function pointer: NULL is a value it can take.
        return None if any(c.name == ctype.name for c in abi.callbacks) else False
    if ctype.pointers == 1 and ctype.name in _ALWAYS_OPTIONAL:
        return True
    return None


def infer_direction(function: AbiFunction | AbiCallback, index: int, abi: AbiSet) -> Inference:
    """The direction the C type of parameter `index` of `function` implies (see the rules)."""
    param = function.params[index]
    ctype = param.type
    optional = _optional(ctype, abi)
    handles = {h.name for h in abi.handles}

    def result(direction: Direction, rule: str, reason: str) -> Inference:
        return Inference(direction, optional, rule, reason)

    if ctype.pointers == 1 and ctype.const:
        return result(Direction.IN, "const-pointer", f"{ctype} is read-only to the callee")
    if ctype.pointers == 0:
        return result(Direction.IN, "by-value", f"{ctype} is passed by value")
    if ctype.name in handles and ctype.pointers == 2:
        return result(Direction.OUT, "handle-out", f"{ctype} receives a new {ctype.name} handle")
    if ctype.name in handles and ctype.pointers == 1:
        return result(Direction.IN, "handle", f"{ctype} is the {ctype.name} object operated on")
    if ctype == CType("WS_ASYNC_CONTEXT", 1):
        return result(Direction.IN, "async-context", f"{ctype} tells the callee how to complete")
    if ctype == CType("void", 1) and param.name.endswith("State"):
        return result(
            Direction.IN, "callback-state", f"{ctype} {param.name} is handed to a callback as is"
        )
    if ctype.name == "void" and ctype.pointers == 1:
        partner = _size_partner(function, index)
        if partner is not None:
            if function.name.startswith(_SETTER_PREFIXES):
                return result(
                    Direction.IN,
                    "byte-buffer",
                    f"void* with byte count {partner} in a setter/writer: a buffer it reads",
                )
            return result(
                Direction.OUT, "byte-buffer", f"void* with byte count {partner}: a buffer it fills"
            )
    if ctype.pointers >= 2:
        return result(Direction.OUT, "pointer-out", f"{ctype} receives a pointer")
    if ctype.pointers == 1 and not _is_scalar(ctype, abi) and ctype.name != "void":
        partner = _count_partner(function, index)
        if partner is not None:
            return result(
                Direction.IN, "counted-array", f"{ctype} with count {partner}: an array it reads"
            )
    if ctype.pointers == 1 and _is_scalar(ctype, abi):
        return result(Direction.OUT, "scalar-out", f"{ctype} receives a value")
    return result(Direction.UNSPECIFIED, "undecided", f"{ctype}: the type does not tell")
