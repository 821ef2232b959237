"""Compare the two ABI sources element by element, and merge them into one AbiSet.

The comparison is by ABI meaning, not spelling: `ULONG` and `UInt32`, `WCHAR`
and `USHORT`, `SIZE_T` and `ULONG_PTR` are the same type to the ABI (same size,
alignment and signedness, see `primitives.Primitive.cls`), and `const` is not
compared because the metadata does not carry it. Everything else that differs
is a finding.

Merge policy (each finding's resolution says which rule applied):
- the element list and all parameter names come from the metadata, which is
  complete and names parameters;
- where Wine declares an element and agrees, its C spelling is kept (`const`,
  `SIZE_T`, `int`): that is what the compiler checks;
- where they disagree, the metadata (the Windows SDK itself) wins, and the
  element is left out of the compile-time verification against Wine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from generator.abi.primitives import PRIMITIVES
from generator.abimodel import (
    AbiAggregate,
    AbiAlias,
    AbiCallback,
    AbiConstant,
    AbiEnum,
    AbiField,
    AbiFunction,
    AbiHandle,
    AbiNote,
    AbiParam,
    AbiSet,
    CType,
)

METADATA = "metadata"
WINE = "wine"

RESOLVED_BY_METADATA = "the SDK metadata is authoritative: its value is kept"
RESOLVED_NAMES = "names come from the SDK metadata"
RESOLVED_ALIAS = "kept as the SDK metadata declares it"


def type_key(ctype: CType) -> tuple[str, int, tuple[int, ...]]:
    """What the ABI sees of a type: the primitive class or the declared name, pointer
    depth and array dimensions (no `const`, no typedef spelling)."""
    primitive = PRIMITIVES.get(ctype.name)
    return (primitive.cls if primitive else ctype.name, ctype.pointers, ctype.array)


def same_type(a: CType, b: CType) -> bool:
    return type_key(a) == type_key(b)


def _elements(abi: AbiSet) -> dict[str, tuple[str, Any]]:
    out: dict[str, tuple[str, Any]] = {}
    for kind in (
        "functions",
        "callbacks",
        "enums",
        "aggregates",
        "handles",
        "aliases",
        "constants",
    ):
        for element in getattr(abi, kind):
            out[element.name] = (kind, element)
    return out


_KIND_WORDS = {
    "functions": "a function",
    "callbacks": "a callback type",
    "enums": "an enumeration",
    "aggregates": "a structure or union",
    "handles": "an opaque handle",
    "aliases": "a typedef",
    "constants": "a constant",
}


def _callable_findings(m: AbiFunction | AbiCallback, w: AbiFunction | AbiCallback) -> list[str]:
    out = []
    if not same_type(m.returns, w.returns):
        out.append(f"return type: metadata {m.returns}, wine {w.returns}")
    if m.convention != w.convention:
        out.append(f"calling convention: metadata {m.convention}, wine {w.convention}")
    if len(m.params) != len(w.params):
        out.append(f"parameter count: metadata {len(m.params)}, wine {len(w.params)}")
        return out
    for i, (mp, wp) in enumerate(zip(m.params, w.params, strict=True), 1):
        if not same_type(mp.type, wp.type):
            out.append(f"parameter {i} ({mp.name}) type: metadata {mp.type}, wine {wp.type}")
        if wp.name and wp.name != mp.name:
            out.append(f"parameter {i} name: metadata {mp.name}, wine {wp.name}")
    return out


def _enum_findings(m: AbiEnum, w: AbiEnum) -> list[str]:
    out = []
    mv = {x.name: x.value for x in m.members}
    wv = {x.name: x.value for x in w.members}
    for name in mv.keys() - wv.keys():
        out.append(f"member {name} = {mv[name]} only in metadata")
    for name in wv.keys() - mv.keys():
        out.append(f"member {name} = {wv[name]} only in wine")
    for name in mv.keys() & wv.keys():
        if mv[name] != wv[name]:
            out.append(f"member {name} value: metadata {mv[name]}, wine {wv[name]}")
    return sorted(out)


def _aggregate_findings(m: AbiAggregate, w: AbiAggregate) -> list[str]:
    out = []
    if m.kind != w.kind:
        out.append(f"kind: metadata {m.kind.value}, wine {w.kind.value}")
    if m.packing != w.packing:
        out.append(f"packing: metadata {m.packing}, wine {w.packing}")
    mnames = [f.name for f in m.fields]
    wnames = [f.name for f in w.fields]
    if mnames != wnames:
        out.append(f"fields: metadata {', '.join(mnames)}; wine {', '.join(wnames)}")
        return out
    for mf, wf in zip(m.fields, w.fields, strict=True):
        if not same_type(mf.type, wf.type):
            out.append(f"field {mf.name} type: metadata {mf.type}, wine {wf.type}")
        if mf.bits != wf.bits:
            out.append(f"field {mf.name} bits: metadata {mf.bits}, wine {wf.bits}")
    return out


def _constant_findings(m: AbiConstant, w: AbiConstant) -> list[str]:
    if m.value != w.value:
        return [f"value: metadata {m.value}, wine {w.value}"]
    return []


def compare(metadata: AbiSet, wine: AbiSet) -> list[AbiNote]:
    """Every disagreement between the two sources about an element both declare,
    with the resolution the merge applies. Elements only one source declares are
    coverage, not disagreement (see `coverage`)."""
    mel = _elements(metadata)
    wel = _elements(wine)
    notes: list[AbiNote] = []
    for name in sorted(mel.keys() & wel.keys()):
        (mkind, m), (wkind, w) = mel[name], wel[name]
        if mkind != wkind:
            notes.append(
                AbiNote(
                    name,
                    f"declared as {_KIND_WORDS[mkind]} by the metadata, as {_KIND_WORDS[wkind]} "
                    f"by wine ({_describe(w)})",
                    RESOLVED_ALIAS,
                )
            )
            continue
        if mkind in ("functions", "callbacks"):
            findings = _callable_findings(m, w)
        elif mkind == "enums":
            findings = _enum_findings(m, w)
        elif mkind == "aggregates":
            findings = _aggregate_findings(m, w)
        elif mkind == "constants":
            findings = _constant_findings(m, w)
        else:
            findings = []
        for finding in findings:
            resolution = RESOLVED_NAMES if " name: " in finding else RESOLVED_BY_METADATA
            notes.append(AbiNote(name, finding, resolution))
    return notes


def _describe(element: Any) -> str:
    if isinstance(element, AbiAlias):
        return f"typedef {element.type}"
    return type(element).__name__


@dataclass(frozen=True)
class Coverage:
    """How many elements of each kind each source declares."""

    metadata: dict[str, int]
    wine: dict[str, int]
    both: dict[str, int]


def coverage(metadata: AbiSet, wine: AbiSet) -> Coverage:
    kinds = ("functions", "callbacks", "enums", "aggregates", "handles", "aliases", "constants")
    both = {}
    for kind in kinds:
        names = {e.name for e in getattr(metadata, kind)}
        both[kind] = sum(1 for e in getattr(wine, kind) if e.name in names)
    return Coverage(
        {k: len(getattr(metadata, k)) for k in kinds},
        {k: len(getattr(wine, k)) for k in kinds},
        both,
    )


def _pick(mtype: CType, wtype: CType | None) -> CType:
    """Wine's spelling when it agrees (it carries `const` and C names), else metadata's."""
    if wtype is not None and same_type(mtype, wtype):
        return wtype
    return mtype


def _merge_params(m: tuple[AbiParam, ...], w: tuple[AbiParam, ...] | None) -> tuple[AbiParam, ...]:
    if w is None or len(w) != len(m):
        return m
    return tuple(AbiParam(mp.name, _pick(mp.type, wp.type)) for mp, wp in zip(m, w, strict=True))


def _sources(name: str, wel: dict[str, tuple[str, Any]], kind: str) -> tuple[str, ...]:
    return (METADATA, WINE) if wel.get(name, ("", None))[0] == kind else (METADATA,)


def merge(
    metadata: AbiSet,
    wine: AbiSet,
    hresults: dict[str, int],
    hresult_names: Iterable[str],
) -> AbiSet:
    """One AbiSet: metadata's elements and names, Wine's spellings where they agree.

    `hresults` are the Foundation HRESULT codes; those named in `hresult_names`
    (and every WS_E_/WS_S_ code) become constants of type HRESULT.
    """
    wel = _elements(wine)

    def wine_of(name: str, kind: str) -> Any:
        found = wel.get(name)
        return found[1] if found and found[0] == kind else None

    def callable_of(element: Any, kind: str) -> Any:
        w = wine_of(element.name, kind)
        return replace(
            element,
            returns=_pick(element.returns, w.returns if w else None),
            params=_merge_params(element.params, w.params if w else None),
            sources=_sources(element.name, wel, kind),
        )

    functions = [callable_of(f, "functions") for f in metadata.functions]
    callbacks = [callable_of(c, "callbacks") for c in metadata.callbacks]
    enums = [replace(e, sources=_sources(e.name, wel, "enums")) for e in metadata.enums]
    aggregates = []
    for a in metadata.aggregates:
        w = wine_of(a.name, "aggregates")
        wfields = {f.name: f for f in w.fields} if w else {}
        fields = tuple(
            AbiField(
                f.name, _pick(f.type, wfields[f.name].type if f.name in wfields else None), f.bits
            )
            for f in a.fields
        )
        aggregates.append(replace(a, fields=fields, sources=_sources(a.name, wel, "aggregates")))
    handles = [AbiHandle(h.name, _sources(h.name, wel, "handles")) for h in metadata.handles]
    constants: dict[str, AbiConstant] = {}
    for k in metadata.constants:
        w = wine_of(k.name, "constants")
        ctype = _pick(k.type, w.type if w else None)
        constants[k.name] = replace(k, type=ctype, sources=_sources(k.name, wel, "constants"))
    wanted = set(hresult_names) | {n for n in hresults if n.startswith(("WS_E_", "WS_S_"))}
    for name in sorted(wanted & hresults.keys()):
        w = wine_of(name, "constants")
        sources = (METADATA, WINE) if w is not None else (METADATA,)
        constants[name] = AbiConstant(name, hresults[name], CType("HRESULT"), sources)
    for k in wine.constants:  # Wine-only constants have no metadata to contradict them
        if k.name not in constants:
            constants[k.name] = k
    return AbiSet(
        functions=tuple(functions),
        callbacks=tuple(callbacks),
        enums=tuple(enums),
        aggregates=tuple(aggregates),
        handles=tuple(handles),
        aliases=tuple(a for a in metadata.aliases),
        constants=tuple(sorted(constants.values(), key=lambda k: k.name)),
    )


def with_hresults(metadata: AbiSet, hresults: dict[str, int], names: Iterable[str]) -> AbiSet:
    """The metadata set with the named Foundation HRESULT constants added (for comparing)."""
    extra = tuple(
        AbiConstant(n, hresults[n], CType("HRESULT"), (METADATA,))
        for n in sorted(set(names) & hresults.keys())
    )
    have = {k.name for k in metadata.constants}
    merged = metadata.constants + tuple(k for k in extra if k.name not in have)
    return replace(metadata, constants=tuple(sorted(merged, key=lambda k: k.name)))
