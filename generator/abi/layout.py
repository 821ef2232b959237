"""Structure and union layout per target, computed from the C types in the model.

Windows rules (MSVC, which MinGW follows): each member is placed at the next
multiple of its alignment (capped by `packing` where set); an aggregate's
alignment is its largest member's, its size is rounded up to it; a union's
members all sit at 0. Bit-fields follow the MSVC rule: consecutive bit-fields
share a storage unit of their declared type while it has room and the type's
size does not change; a zero-width bit-field closes the unit. Enums are `int`.

These numbers are what `wwsgen verify-abi` asserts to the compiler, so they are
derived here from the types, never read back from a compiler.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.abi.primitives import OPAQUE_EXTERNAL, PRIMITIVES, pointer_size
from generator.abimodel import AbiAggregate, AbiSet, AggregateKind, CType, Target
from generator.diagnostics import Diagnostic, DiagnosticError

STRUCTS_FILE = "specs/abi/structs.yaml"


@dataclass(frozen=True)
class FieldLayout:
    """Where one member sits: byte offset; for a bit-field also its first bit
    within the storage unit and its width."""

    name: str
    offset: int
    size: int
    bit_offset: int | None = None
    bits: int | None = None


@dataclass(frozen=True)
class AggregateLayout:
    """Size, alignment and member offsets of one structure or union on one target."""

    name: str
    size: int
    align: int
    fields: tuple[FieldLayout, ...]

    @property
    def offsets(self) -> dict[str, int]:
        return {f.name: f.offset for f in self.fields}


class _Layouts:
    """Memoised layout computation over one AbiSet and target."""

    def __init__(self, abi: AbiSet, target: Target) -> None:
        self.target = target
        self.aggregates = {a.name: a for a in abi.aggregates}
        self.enums = {e.name for e in abi.enums}
        self.handles = {h.name for h in abi.handles}
        self.callbacks = {c.name for c in abi.callbacks}
        self.aliases = {a.name: a.type for a in abi.aliases}
        self.done: dict[str, AggregateLayout] = {}
        self.active: list[str] = []

    def size_align(self, ctype: CType, where: str) -> tuple[int, int]:
        """Size and alignment of a value of `ctype` (arrays included)."""
        if ctype.pointers:
            size = align = pointer_size(self.target)
        else:
            size, align = self._named(ctype.name, where)
        count = 1
        for n in ctype.array:
            count *= n
        return size * count, align

    def _named(self, name: str, where: str) -> tuple[int, int]:
        if name in PRIMITIVES:
            p = PRIMITIVES[name]
            if p.cls == "void":
                raise _fail(where, "a member of type void has no layout")
            return p.size(self.target), p.align(self.target)
        if name in self.enums:
            return 4, 4
        if name in self.callbacks:
            return pointer_size(self.target), pointer_size(self.target)
        if name in self.aliases:
            return self.size_align(self.aliases[name], where)
        if name in self.aggregates:
            layout = self.layout(name)
            return layout.size, layout.align
        if name in self.handles or name in OPAQUE_EXTERNAL:
            raise _fail(where, f"{name} is opaque: it can only be used through a pointer")
        raise _fail(where, f"unknown type {name!r}")

    def layout(self, name: str) -> AggregateLayout:
        if name in self.done:
            return self.done[name]
        if name in self.active:
            raise _fail(name, "contains itself by value: " + " -> ".join([*self.active, name]))
        self.active.append(name)
        try:
            aggregate = self.aggregates[name]
            result = self._compute(aggregate)
        finally:
            self.active.pop()
        self.done[name] = result
        return result

    def _compute(self, aggregate: AbiAggregate) -> AggregateLayout:
        cap = aggregate.packing
        fields: list[FieldLayout] = []
        offset = 0  # next free byte (structs)
        size = 0
        align = 1
        unit: tuple[int, int, int] | None = None  # (start, unit size, bits used) of a bit-field run
        for field in aggregate.fields:
            where = f"{aggregate.name}.{field.name}"
            fsize, falign = self.size_align(field.type, where)
            if cap is not None:
                falign = min(falign, cap)
            if field.bits is not None:
                if field.type.pointers or field.type.array:
                    raise _fail(where, "a bit-field must have an integer type")
                if field.bits > fsize * 8:
                    raise _fail(where, f"{field.bits} bits do not fit in {fsize} bytes")
                if aggregate.kind is AggregateKind.UNION:
                    fields.append(FieldLayout(field.name, 0, fsize, 0, field.bits))
                    size = max(size, fsize)
                    align = max(align, falign)
                    continue
                if field.bits == 0:
                    unit = None
                    offset = _round(offset, falign)
                    continue
                if unit is None or unit[1] != fsize or unit[2] + field.bits > fsize * 8:
                    start = _round(offset, falign)
                    unit = (start, fsize, 0)
                    offset = start + fsize
                fields.append(FieldLayout(field.name, unit[0], fsize, unit[2], field.bits))
                unit = (unit[0], unit[1], unit[2] + field.bits)
                align = max(align, falign)
                continue
            unit = None
            align = max(align, falign)
            if aggregate.kind is AggregateKind.UNION:
                fields.append(FieldLayout(field.name, 0, fsize))
                size = max(size, fsize)
            else:
                start = _round(offset, falign)
                fields.append(FieldLayout(field.name, start, fsize))
                offset = start + fsize
        if aggregate.kind is AggregateKind.STRUCT:
            size = offset
        return AggregateLayout(aggregate.name, _round(size, align), align, tuple(fields))


def _round(n: int, align: int) -> int:
    return (n + align - 1) // align * align


def _fail(where: str, message: str) -> DiagnosticError:
    return DiagnosticError([Diagnostic(STRUCTS_FILE, None, f"{where}: {message}")])


def compute_layouts(abi: AbiSet, target: Target) -> dict[str, AggregateLayout]:
    """Layout of every structure and union of `abi` on `target`, by name.

    Raises DiagnosticError naming the member when a type is unknown, opaque
    by value, or an aggregate contains itself.
    """
    layouts = _Layouts(abi, target)
    return {a.name: layouts.layout(a.name) for a in sorted(abi.aggregates, key=lambda a: a.name)}


def type_size(abi: AbiSet, ctype: CType, target: Target) -> tuple[int, int]:
    """Size and alignment of any value type on `target` (for parameters and checks)."""
    return _Layouts(abi, target).size_align(ctype, str(ctype))
