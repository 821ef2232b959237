"""The merged model the renderer reads: every API element's ABI facts joined
with what its doc page says, produced by `generator.merge`.

Frozen dataclasses of tuples, sorted by name, so that the model compares,
hashes and renders deterministically. Names are kept twice: the C name (`name`)
and the Python name (`py_name`, from `generator.names`), because the merge
stage is where a bad or colliding name can still be reported against its page.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from generator.abimodel import AggregateKind, CType
from generator.diagnostics import Diagnostic
from generator.docmodel import Direction


class Kind(StrEnum):
    """What an element is; the value is also the fallback area of its kind."""

    FUNCTION = "function"
    CALLBACK = "callback"
    ENUM = "enum"
    AGGREGATE = "aggregate"
    HANDLE = "handle"
    ALIAS = "alias"
    CONSTANT = "constant"


@dataclass(frozen=True)
class SeeAlso:
    """A cross-reference: an API element (by C name) or an outside URL."""

    text: str
    element: str | None = None
    url: str = ""


@dataclass(frozen=True)
class Doc:
    """What the page says about an element, as plain text.

    `source` is the page's path relative to the project (empty when the
    element has no page) and `url` where Microsoft publishes its reference.
    """

    url: str
    source: str = ""
    line: int = 0
    description: str = ""
    remarks: str = ""
    returns_text: str = ""
    min_client: str = ""
    min_server: str = ""
    see_also: tuple[SeeAlso, ...] = ()

    @property
    def has_page(self) -> bool:
        return bool(self.source)


@dataclass(frozen=True)
class Parameter:
    """One parameter in prototype order.

    `direction` is the page's annotation, else inferred from the C type; then
    `direction_rule` names the inference rule that decided it (empty when the
    page said). `count_of` names the parameter whose element count this one
    is (`propertyCount` -> `properties`), for the friendly layer.
    """

    name: str
    py_name: str
    type: CType
    direction: Direction
    optional: bool
    description: str = ""
    direction_rule: str = ""
    count_of: str | None = None


@dataclass(frozen=True)
class ReturnCode:
    """A return code a function documents.

    `value` is the unsigned 32-bit HRESULT from the ABI constants, or None for
    a row that names no HRESULT ("Other Errors") or a code the ABI lacks.
    """

    code: str
    description: str
    value: int | None
    line: int = 0

    @property
    def success(self) -> bool:
        return self.value is not None and self.value & 0x80000000 == 0


@dataclass(frozen=True)
class Function:
    name: str
    py_name: str
    area: str
    returns: CType
    params: tuple[Parameter, ...]
    convention: str
    dll: str
    doc: Doc
    return_codes: tuple[ReturnCode, ...] = ()
    error_param: int | None = None  # index of the `WS_ERROR* error` parameter

    @property
    def returns_hresult(self) -> bool:
        return self.returns == CType("HRESULT")


@dataclass(frozen=True)
class Callback:
    name: str
    py_name: str
    area: str
    returns: CType
    params: tuple[Parameter, ...]
    convention: str
    doc: Doc


@dataclass(frozen=True)
class EnumMember:
    name: str
    py_name: str
    value: int
    description: str = ""


@dataclass(frozen=True)
class Enumeration:
    name: str
    py_name: str
    area: str
    members: tuple[EnumMember, ...]
    flags: bool
    doc: Doc


@dataclass(frozen=True)
class Field:
    """A member of a structure or union; `description` from the page's
    `### -field` section of the same (qualified) name."""

    name: str
    py_name: str
    type: CType
    bits: int | None = None
    description: str = ""


@dataclass(frozen=True)
class Aggregate:
    """A structure or union. A nested anonymous aggregate is its own
    `Aggregate` named `Outer.member` with `nested=True`, living in the area of
    its outermost aggregate."""

    name: str
    py_name: str
    area: str
    kind: AggregateKind
    fields: tuple[Field, ...]
    doc: Doc
    nested: bool = False
    packing: int | None = None


@dataclass(frozen=True)
class Handle:
    """An opaque handle type, only ever used by pointer."""

    name: str
    py_name: str
    area: str
    doc: Doc


@dataclass(frozen=True)
class Alias:
    name: str
    py_name: str
    area: str
    type: CType
    doc: Doc


@dataclass(frozen=True)
class Constant:
    """A `#define`d constant that is not an HRESULT (those are `HResult`)."""

    name: str
    py_name: str
    area: str
    value: int | float | str
    type: CType


@dataclass(frozen=True)
class HResult:
    """An HRESULT code: failure codes become exception classes, success codes
    integer constants. `documented_by` lists the functions whose pages name it."""

    name: str
    py_name: str
    value: int  # unsigned 32-bit
    documented_by: tuple[str, ...] = ()

    @property
    def success(self) -> bool:
        return self.value & 0x80000000 == 0


@dataclass(frozen=True)
class Area:
    """A group of elements from an area page (or a fallback area by kind);
    `module` is its Python module name."""

    name: str
    module: str
    title: str
    description: str = ""
    source: str = ""  # the area page, empty for a fallback area


@dataclass(frozen=True)
class ApiModel:
    """Everything the renderer needs. `inputs` are the relative paths of the
    files the model was made from; `diagnostics` the warnings of the merge
    (errors make `merge` raise instead)."""

    areas: tuple[Area, ...] = ()
    functions: tuple[Function, ...] = ()
    callbacks: tuple[Callback, ...] = ()
    enums: tuple[Enumeration, ...] = ()
    aggregates: tuple[Aggregate, ...] = ()
    handles: tuple[Handle, ...] = ()
    aliases: tuple[Alias, ...] = ()
    constants: tuple[Constant, ...] = ()
    hresults: tuple[HResult, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    def area(self, module: str) -> Area | None:
        for a in self.areas:
            if a.module == module:
                return a
        return None
