"""The model of the C ABI of webservices.h: what the doc pages do not carry.

Loaded from the reviewable YAML files in `specs/abi/` (see `generator.abi`).
Plain frozen dataclasses; C types are kept structured (`CType`) so that the
bindings, the layout computation and the C verification file all read one
representation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Target(StrEnum):
    """A Windows ABI the bindings must match."""

    X64 = "x86_64"
    X86 = "i686"


class AggregateKind(StrEnum):
    STRUCT = "struct"
    UNION = "union"


_CTYPE = re.compile(
    r"^\s*(?P<const>const\s+)?(?P<name>[A-Za-z_][A-Za-z_0-9.]*(?:\s+[A-Za-z_][A-Za-z_0-9]*)*?)"
    r"\s*(?P<ptr>(?:\*\s*)*)(?P<arr>(?:\[\s*\d+\s*\]\s*)*)$"
)


@dataclass(frozen=True)
class CType:
    """A C type reduced to what bindings need.

    `name` is a primitive (`ULONG`, `int`, `void`, `WCHAR`, `BYTE`, `BOOL`,
    `HRESULT`, `double`, ...) or a type declared in the ABI (enum, struct,
    union, callback, handle, alias, or a nested aggregate's qualified name such
    as `WS_CHANNEL_PROPERTY_CONSTRAINT.out`). `const` qualifies the base type
    (`const WS_XML_STRING*`). `array` holds fixed array dimensions of a field.
    """

    name: str
    pointers: int = 0
    const: bool = False
    array: tuple[int, ...] = ()

    def __str__(self) -> str:
        text = ("const " if self.const else "") + self.name + "*" * self.pointers
        return text + "".join(f"[{n}]" for n in self.array)

    @classmethod
    def parse(cls, text: str) -> CType:
        """Read the notation `__str__` writes; raise ValueError on anything else."""
        match = _CTYPE.match(text)
        if match is None:
            raise ValueError(f"not a C type in the expected notation: {text!r}")
        return cls(
            name=" ".join(match["name"].split()),
            pointers=match["ptr"].count("*"),
            const=bool(match["const"]),
            array=tuple(int(n) for n in re.findall(r"\d+", match["arr"])),
        )


@dataclass(frozen=True)
class AbiParam:
    name: str
    type: CType


@dataclass(frozen=True)
class AbiFunction:
    """An exported function. `sources` names the ABI sources that declare it
    (`metadata`, `wine`): only what Wine's header declares can be compiled."""

    name: str
    returns: CType
    params: tuple[AbiParam, ...]
    convention: str = "stdcall"
    dll: str = "webservices.dll"
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class AbiCallback:
    """A function pointer type (`typedef HRESULT (CALLBACK *WS_..._CALLBACK)(...)`)."""

    name: str
    returns: CType
    params: tuple[AbiParam, ...]
    convention: str = "stdcall"
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class AbiEnumMember:
    name: str
    value: int


@dataclass(frozen=True)
class AbiEnum:
    """An enumeration; `flags` when its members are combinable bits."""

    name: str
    members: tuple[AbiEnumMember, ...]
    flags: bool = False
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class AbiField:
    """A structure or union member; `bits` is its width when a bit-field."""

    name: str
    type: CType
    bits: int | None = None


@dataclass(frozen=True)
class AbiAggregate:
    """A structure or union. Anonymous nested aggregates are separate
    `AbiAggregate`s named `Outer.member` (with `nested=True`), and the member's
    type refers to that name."""

    name: str
    kind: AggregateKind
    fields: tuple[AbiField, ...]
    nested: bool = False
    packing: int | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class AbiHandle:
    """An opaque handle type: `typedef struct _WS_HEAP WS_HEAP;`, used by pointer."""

    name: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class AbiAlias:
    """A typedef of another type that is neither a handle nor a callback."""

    name: str
    type: CType
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class AbiConstant:
    """A `#define`d constant or flag; `value` is an int, float or string."""

    name: str
    value: int | float | str
    type: CType
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class AbiNote:
    """A recorded disagreement between the ABI sources and how it was settled."""

    element: str
    finding: str
    resolution: str


@dataclass(frozen=True)
class AbiSet:
    """The whole ABI, each kind sorted by name."""

    functions: tuple[AbiFunction, ...] = ()
    callbacks: tuple[AbiCallback, ...] = ()
    enums: tuple[AbiEnum, ...] = ()
    aggregates: tuple[AbiAggregate, ...] = ()
    handles: tuple[AbiHandle, ...] = ()
    aliases: tuple[AbiAlias, ...] = ()
    constants: tuple[AbiConstant, ...] = ()
    notes: tuple[AbiNote, ...] = ()
