"""DocSet + AbiSet -> ApiModel: join every ABI element with its doc page.

The ABI decides what exists (an element without ABI facts cannot be bound, so
its page is reported and skipped); the pages add prose, parameter directions,
return codes and areas. Every problem is a `Diagnostic` pointing at the page
(or, for an element without a page, at the ABI file that declares it).
Errors make `merge` raise `DiagnosticError`; warnings travel in
`ApiModel.diagnostics`.

Area rule: an element listed on several area pages belongs to the area whose
page lists the most kinds of elements (a real area lists functions, types and
handles together; a cross-cutting page such as a thread-safety list names one
kind), then the one listing fewer elements (the more specific), then by name.
An element on no area page goes to the fallback area of its kind
(`FALLBACK_AREAS`); a nested aggregate lives with its outermost aggregate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from generator import names
from generator.abimodel import (
    AbiAggregate,
    AbiCallback,
    AbiEnum,
    AbiFunction,
    AbiParam,
    AbiSet,
    CType,
)
from generator.apimodel import (
    Aggregate,
    Alias,
    ApiModel,
    Area,
    Callback,
    Constant,
    Doc,
    Enumeration,
    EnumMember,
    Field,
    Function,
    Handle,
    HResult,
    Kind,
    Parameter,
    ReturnCode,
    SeeAlso,
)
from generator.diagnostics import Diagnostic, DiagnosticError, Severity, has_errors
from generator.docmodel import AreaPage, Direction, DocSet, ElementPage, PageKind

FALLBACK_AREAS: dict[Kind, tuple[str, str]] = {
    Kind.FUNCTION: ("misc-functions", "Other functions"),
    Kind.CALLBACK: ("misc-callbacks", "Other callbacks"),
    Kind.ENUM: ("misc-enums", "Other enumerations"),
    Kind.AGGREGATE: ("misc-structs", "Other structures and unions"),
    Kind.HANDLE: ("misc-handles", "Other handles"),
    Kind.ALIAS: ("misc-structs", "Other structures and unions"),
    Kind.CONSTANT: ("constants", "Constants"),
}

# Names the package itself defines at top level; an element may not take them.
RESERVED_TOP_LEVEL = frozenset({"WsError", "WsapiUnavailableError", "hresults", "pythonic"})

DOCS_BASE = "https://learn.microsoft.com/en-us/windows/win32"

_PAGE_PREFIX = {
    Kind.FUNCTION: "nf",
    Kind.CALLBACK: "nc",
    Kind.ENUM: "ne",
    Kind.AGGREGATE: "ns",
    Kind.ALIAS: "ns",
}

_PAGE_KINDS = {
    Kind.FUNCTION: {PageKind.FUNCTION},
    Kind.CALLBACK: {PageKind.CALLBACK},
    Kind.ENUM: {PageKind.ENUM},
    Kind.AGGREGATE: {PageKind.STRUCT, PageKind.UNION},
    Kind.HANDLE: {PageKind.HANDLE},
    Kind.ALIAS: {PageKind.STRUCT, PageKind.UNION},
}

_HRESULT_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\Z")


class Inference(Protocol):
    """What `generator.directions.infer_direction` answers."""

    @property
    def direction(self) -> Direction: ...

    @property
    def optional(self) -> bool | None: ...

    @property
    def rule(self) -> str: ...


InferFn = Callable[[AbiFunction | AbiCallback, int, AbiSet], Inference]


def reference_url(name: str, kind: Kind) -> str:
    """Where Microsoft publishes the reference page of an element."""
    if kind is Kind.HANDLE:
        return f"{DOCS_BASE}/wsw/{name.lower().replace('_', '-')}"
    if kind is Kind.CONSTANT:
        return f"{DOCS_BASE}/api/webservices/"
    outer = name.split(".")[0]
    return f"{DOCS_BASE}/api/webservices/{_PAGE_PREFIX[kind]}-webservices-{outer.lower()}"


def _default_infer() -> InferFn:
    from generator.directions import infer_direction

    infer: InferFn = infer_direction
    return infer


@dataclass
class _Context:
    """Mutable state of one merge run (local to `merge`)."""

    docs: DocSet
    abi: AbiSet
    abi_dir: str
    infer: InferFn
    diagnostics: list[Diagnostic]
    pages: dict[str, ElementPage]
    used_pages: set[str]
    hresult_values: dict[str, int]
    source_of: Callable[[str], str]

    def report(
        self, path: str, line: int | None, message: str, severity: Severity = Severity.ERROR
    ) -> None:
        self.diagnostics.append(Diagnostic(path, line or None, message, severity))

    def where(self, name: str, abi_file: str) -> tuple[str, int | None]:
        page = self.pages.get(name.split(".")[0])
        if page is not None:
            return page.path, page.line
        return f"{self.abi_dir}/{abi_file}", None

    def py(self, c_name: str, what: str, where: tuple[str, int | None]) -> str:
        try:
            return names.py_name(c_name)
        except names.UnsafeNameError as exc:
            self.report(where[0], where[1], f"{what}: {exc}")
            return "_invalid_" + str(len(self.diagnostics))

    def page(self, name: str, kind: Kind) -> ElementPage | None:
        page = self.pages.get(name)
        if page is None:
            return None
        self.used_pages.add(name)
        if page.kind not in _PAGE_KINDS[kind]:
            self.report(
                page.path,
                page.line,
                f"the page documents {name} as a {page.kind.value} but the ABI declares a "
                f"{kind.value}; its text is used as is",
                Severity.WARNING,
            )
        return page


def merge(
    docs: DocSet,
    abi: AbiSet,
    *,
    abi_dir: str = "specs/abi",
    infer: InferFn | None = None,
    source_of: Callable[[str], str] | None = None,
) -> ApiModel:
    """Join `docs` and `abi`; raise DiagnosticError when any error is found.

    `abi_dir` is the ABI directory as the user should see it in diagnostics;
    `infer` decides undocumented parameter directions (default:
    `generator.directions.infer_direction`); `source_of` turns a page's path
    into the project-relative path recorded in the model (default: as is).
    """
    ctx = _Context(
        docs=docs,
        abi=abi,
        abi_dir=abi_dir,
        infer=infer or _default_infer(),
        diagnostics=[],
        pages={page.name: page for page in docs.elements},
        used_pages=set(),
        hresult_values={
            c.name: c.value & 0xFFFFFFFF
            for c in abi.constants
            if c.type == CType("HRESULT") and isinstance(c.value, int)
        },
        source_of=source_of or (lambda path: path),
    )
    area_pages = _area_pages(docs.areas)
    area_of = _assign_areas(area_pages)
    areas: dict[str, Area] = {}

    def area_for(name: str, kind: Kind) -> str:
        outer = name.split(".")[0]
        page = area_of.get(outer)
        if page is not None:
            key = page.name
            if key not in areas:
                areas[key] = _area(ctx, page.name, page.title, page.description.text, page.path)
        else:
            key, title = FALLBACK_AREAS[kind]
            if key not in areas:
                areas[key] = _area(ctx, key, title, "", "")
        return areas[key].module

    functions = tuple(
        _function(ctx, f, area_for(f.name, Kind.FUNCTION)) for f in _by_name(abi.functions)
    )
    callbacks = tuple(
        _callback(ctx, c, area_for(c.name, Kind.CALLBACK)) for c in _by_name(abi.callbacks)
    )
    enums = tuple(_enum(ctx, e, area_for(e.name, Kind.ENUM)) for e in _by_name(abi.enums))
    aggregates = tuple(
        _aggregate(ctx, a, area_for(a.name, Kind.AGGREGATE)) for a in _by_name(abi.aggregates)
    )
    handles = tuple(
        _handle(ctx, h.name, area_for(h.name, Kind.HANDLE)) for h in _by_name(abi.handles)
    )
    aliases = tuple(
        _alias(ctx, a.name, a.type, area_for(a.name, Kind.ALIAS)) for a in _by_name(abi.aliases)
    )
    constants = tuple(
        Constant(c.name, ctx.py(c.name, "constant", ctx.where(c.name, "constants.yaml")),
                 area_for(c.name, Kind.CONSTANT), c.value, c.type)
        for c in _by_name(abi.constants)
        if c.name not in ctx.hresult_values
    )  # fmt: skip
    hresults = _hresults(ctx, functions)

    _report_unused_pages(ctx)
    _report_unknown_area_entries(ctx, area_pages, abi)
    _check_collisions(
        ctx, functions, callbacks, enums, aggregates, handles, aliases, constants, hresults
    )
    _check_modules(ctx, tuple(areas.values()))

    ordered = sorted(ctx.diagnostics, key=lambda d: (d.path, d.line or 0, d.message))
    if has_errors(ordered):
        raise DiagnosticError(ordered)
    return ApiModel(
        areas=tuple(sorted(areas.values(), key=lambda a: a.module)),
        functions=functions,
        callbacks=callbacks,
        enums=enums,
        aggregates=aggregates,
        handles=handles,
        aliases=aliases,
        constants=constants,
        hresults=hresults,
        diagnostics=tuple(ordered),
    )


class _Named(Protocol):
    @property
    def name(self) -> str: ...


_N = TypeVar("_N", bound=_Named)


def _by_name(items: Iterable[_N]) -> list[_N]:
    return sorted(items, key=lambda e: e.name)


def _area_pages(pages: Iterable[AreaPage]) -> list[AreaPage]:
    """One page per area name, a later page replacing an earlier one."""
    by_name: dict[str, AreaPage] = {}
    for page in pages:
        by_name[page.name] = page
    return [by_name[name] for name in sorted(by_name)]


def _assign_areas(pages: list[AreaPage]) -> dict[str, AreaPage]:
    """Each listed element's area, by the rule in the module docstring."""

    def rank(page: AreaPage) -> tuple[int, int, str]:
        kinds = sum(1 for _, entries in page.groups if entries)
        return (-kinds, len(page.elements()), page.name)

    area_of: dict[str, AreaPage] = {}
    for page in sorted(pages, key=rank):
        for element in page.elements():
            area_of.setdefault(element, page)
    return area_of


def _area(ctx: _Context, name: str, title: str, description: str, source: str) -> Area:
    try:
        module = names.module_name(name)
    except names.UnsafeNameError as exc:
        ctx.report(source or f"{ctx.abi_dir}", 1 if source else None, f"area: {exc}")
        module = "_invalid_area_" + str(len(ctx.diagnostics))
    return Area(
        name=name, module=module, title=title or name, description=description, source=source
    )


def _doc(ctx: _Context, page: ElementPage | None, name: str, kind: Kind) -> Doc:
    url = reference_url(name, kind)
    if page is None:
        return Doc(url=url)
    requirements = page.requirements
    return Doc(
        url=url,
        source=ctx.source_of(page.path),
        line=page.line,
        description=page.description.text,
        remarks=page.remarks.text,
        returns_text=page.returns_text.text,
        min_client=requirements.min_client or page.front.min_client,
        min_server=requirements.min_server or page.front.min_server,
        see_also=tuple(
            SeeAlso(text=link.text, element=link.element, url="" if link.element else link.url)
            for link in page.see_also
        ),
    )


def _is_error_pointer(ctype: CType) -> bool:
    return ctype.name == "WS_ERROR" and ctype.pointers == 1


def _count_of(param: AbiParam, params: tuple[AbiParam, ...]) -> str | None:
    """The array parameter an `xCount` parameter counts, if any (xs, xies, x)."""
    if not param.name.endswith("Count") or param.type.pointers:
        return None
    stem = param.name[: -len("Count")]
    candidates = [stem, stem + "s", stem + "es"]
    if stem.endswith("y"):
        candidates.append(stem[:-1] + "ies")
    for other in params:
        if other.name in candidates and other.type.pointers:
            return other.name
    return None


def _params(
    ctx: _Context,
    owner: AbiFunction | AbiCallback,
    page: ElementPage | None,
) -> tuple[Parameter, ...]:
    where = ctx.where(
        owner.name, "functions.yaml" if isinstance(owner, AbiFunction) else "callbacks.yaml"
    )
    documented = {p.name.lstrip("*").strip(): p for p in page.params} if page else {}
    abi_names = {p.name for p in owner.params}
    if page is not None:
        for doc_param in page.params:
            name = doc_param.name.lstrip("*").strip()
            if name not in abi_names:
                ctx.report(
                    page.path,
                    doc_param.line,
                    f"parameter {name!r} of {owner.name} is not in the C prototype "
                    f"({', '.join(p.name for p in owner.params) or 'no parameters'}); "
                    "its description is not used",
                    Severity.WARNING,
                )
    result = []
    for index, abi_param in enumerate(owner.params):
        found = documented.get(abi_param.name)
        py = ctx.py(abi_param.name, f"parameter {index + 1} of {owner.name}", where)
        direction: Direction
        if found is not None and found.direction is not Direction.UNSPECIFIED:
            direction, optional, rule = found.direction, found.optional, ""
        else:
            inference = ctx.infer(owner, index, ctx.abi)
            direction = inference.direction
            optional = bool(found and found.optional) or bool(inference.optional)
            rule = inference.rule or "inferred"
        result.append(
            Parameter(
                name=abi_param.name,
                py_name=py,
                type=abi_param.type,
                direction=direction,
                optional=optional,
                description=found.description.text if found else "",
                direction_rule=rule,
                count_of=_count_of(abi_param, owner.params),
            )
        )
    return tuple(result)


def _return_codes(ctx: _Context, name: str, page: ElementPage | None) -> tuple[ReturnCode, ...]:
    if page is None:
        return ()
    codes = []
    for row in page.return_codes:
        code = " ".join(row.code.split())
        value = None if row.catch_all else ctx.hresult_values.get(code)
        if value is None and not row.catch_all and _HRESULT_NAME.match(code):
            ctx.report(
                page.path,
                row.line,
                f"return code {code} of {name} has no HRESULT value in "
                f"{ctx.abi_dir}/constants.yaml; it cannot get an exception class",
                Severity.WARNING,
            )
        codes.append(
            ReturnCode(code=code, description=row.description.text, value=value, line=row.line)
        )
    return tuple(codes)


def _function(ctx: _Context, f: AbiFunction, area: str) -> Function:
    page = ctx.page(f.name, Kind.FUNCTION)
    where = ctx.where(f.name, "functions.yaml")
    error_param = next(
        (i for i, p in reversed(list(enumerate(f.params))) if _is_error_pointer(p.type)), None
    )
    return Function(
        name=f.name,
        py_name=ctx.py(f.name, "function", where),
        area=area,
        returns=f.returns,
        params=_params(ctx, f, page),
        convention=f.convention,
        dll=f.dll,
        doc=_doc(ctx, page, f.name, Kind.FUNCTION),
        return_codes=_return_codes(ctx, f.name, page),
        error_param=error_param,
    )


def _callback(ctx: _Context, c: AbiCallback, area: str) -> Callback:
    page = ctx.page(c.name, Kind.CALLBACK)
    return Callback(
        name=c.name,
        py_name=ctx.py(c.name, "callback", ctx.where(c.name, "callbacks.yaml")),
        area=area,
        returns=c.returns,
        params=_params(ctx, c, page),
        convention=c.convention,
        doc=_doc(ctx, page, c.name, Kind.CALLBACK),
    )


def _enum(ctx: _Context, abi_enum: AbiEnum, area: str) -> Enumeration:
    name = abi_enum.name
    page = ctx.page(name, Kind.ENUM)
    where = ctx.where(name, "enums.yaml")
    documented = {f.name: f for f in page.fields} if page else {}
    result = []
    for member in abi_enum.members:
        field = documented.get(member.name)
        result.append(
            EnumMember(
                name=member.name,
                py_name=ctx.py(member.name, f"member of {name}", where),
                value=member.value,
                description=field.description.text if field else "",
            )
        )
    if page is not None:
        known = {m.name for m in result}
        for field in page.fields:
            if field.name not in known:
                ctx.report(
                    page.path,
                    field.line,
                    f"{field.name} is not a member of {name} in the ABI; "
                    "its description is not used",
                    Severity.WARNING,
                )
    return Enumeration(
        name=name,
        py_name=ctx.py(name, "enumeration", where),
        area=area,
        members=tuple(result),
        flags=abi_enum.flags,
        doc=_doc(ctx, page, name, Kind.ENUM),
    )


def _aggregate(ctx: _Context, a: AbiAggregate, area: str) -> Aggregate:
    outer, _, inner = a.name.partition(".")
    page = ctx.page(outer, Kind.AGGREGATE) if not a.nested else ctx.pages.get(outer)
    where = ctx.where(a.name, "structs.yaml")
    prefix = inner + "." if inner else ""
    documented = {f.name: f for f in page.fields} if page else {}
    fields = []
    for f in a.fields:
        doc_field = documented.get(prefix + f.name)
        fields.append(
            Field(
                name=f.name,
                py_name=ctx.py(f.name, f"field of {a.name}", where),
                type=f.type,
                bits=f.bits,
                description=doc_field.description.text if doc_field else "",
            )
        )
    if a.nested:
        try:
            py = names.nested_class_name(a.name)
        except names.UnsafeNameError as exc:
            ctx.report(where[0], where[1], f"nested aggregate: {exc}")
            py = "_invalid_" + str(len(ctx.diagnostics))
    else:
        py = ctx.py(a.name, a.kind.value, where)
    return Aggregate(
        name=a.name,
        py_name=py,
        area=area,
        kind=a.kind,
        fields=tuple(fields),
        doc=(
            _doc(ctx, page, a.name, Kind.AGGREGATE)
            if not a.nested
            else Doc(
                url=reference_url(a.name, Kind.AGGREGATE),
                source=ctx.source_of(page.path) if page else "",
                line=page.line if page else 0,
            )
        ),
        nested=a.nested,
        packing=a.packing,
    )


def _handle(ctx: _Context, name: str, area: str) -> Handle:
    page = ctx.page(name, Kind.HANDLE)
    return Handle(
        name=name,
        py_name=ctx.py(name, "handle", ctx.where(name, "handles.yaml")),
        area=area,
        doc=_doc(ctx, page, name, Kind.HANDLE),
    )


def _alias(ctx: _Context, name: str, ctype: CType, area: str) -> Alias:
    page = ctx.page(name, Kind.ALIAS)
    return Alias(
        name=name,
        py_name=ctx.py(name, "type alias", ctx.where(name, "aliases.yaml")),
        area=area,
        type=ctype,
        doc=_doc(ctx, page, name, Kind.ALIAS),
    )


def _hresults(ctx: _Context, functions: tuple[Function, ...]) -> tuple[HResult, ...]:
    documented_by: dict[str, list[str]] = {}
    for f in functions:
        for code in f.return_codes:
            if code.value is not None:
                documented_by.setdefault(code.code, []).append(f.name)
    return tuple(
        HResult(
            name=name,
            py_name=ctx.py(name, "HRESULT constant", (f"{ctx.abi_dir}/constants.yaml", None)),
            value=value,
            documented_by=tuple(sorted(set(documented_by.get(name, [])))),
        )
        for name, value in sorted(ctx.hresult_values.items())
    )


def _report_unused_pages(ctx: _Context) -> None:
    for name, page in sorted(ctx.pages.items()):
        if page.kind is PageKind.MACRO:
            continue  # a macro has no ABI facts by nature: nothing to bind
        if name not in ctx.used_pages and not _is_nested_page(name, ctx.abi):
            ctx.report(
                page.path,
                page.line,
                f"{name} has no ABI facts in {ctx.abi_dir}; no binding is generated for it",
                Severity.WARNING,
            )


def _is_nested_page(name: str, abi: AbiSet) -> bool:
    return any(a.name == name for a in abi.aggregates)


def _report_unknown_area_entries(ctx: _Context, pages: list[AreaPage], abi: AbiSet) -> None:
    known = {
        e.name
        for group in (
            abi.functions,
            abi.callbacks,
            abi.enums,
            abi.aggregates,
            abi.handles,
            abi.aliases,
        )
        for e in group
    }
    for page in pages:
        for element in sorted(set(page.elements()) - known):
            ctx.report(
                page.path,
                None,
                f"area {page.name} lists {element}, which has no ABI facts",
                Severity.WARNING,
            )


def _check_collisions(
    ctx: _Context,
    functions: tuple[Function, ...],
    callbacks: tuple[Callback, ...],
    enums: tuple[Enumeration, ...],
    aggregates: tuple[Aggregate, ...],
    handles: tuple[Handle, ...],
    aliases: tuple[Alias, ...],
    constants: tuple[Constant, ...],
    hresults: tuple[HResult, ...],
) -> None:
    """Two elements with one Python name in one namespace are an error.

    The package namespace holds every element, every enumeration member (also
    exported by its C name) and the package's own names."""
    top: list[tuple[str, str]] = [(f"the package's own {r}", r) for r in RESERVED_TOP_LEVEL]
    places: dict[str, tuple[str, int | None]] = {}

    def add(label: str, py: str, where: tuple[str, int | None]) -> None:
        top.append((label, py))
        places.setdefault(label, where)

    for group, what, abi_file in (
        (functions, "function", "functions.yaml"),
        (callbacks, "callback", "callbacks.yaml"),
        (enums, "enumeration", "enums.yaml"),
        (aggregates, "structure", "structs.yaml"),
        (handles, "handle", "handles.yaml"),
        (aliases, "alias", "aliases.yaml"),
        (constants, "constant", "constants.yaml"),
    ):
        for element in group:
            add(f"{what} {element.name}", element.py_name, ctx.where(element.name, abi_file))
    for e in enums:
        for m in e.members:
            add(f"member {m.name} of {e.name}", m.py_name, ctx.where(e.name, "enums.yaml"))
    for h in hresults:
        add(f"HRESULT {h.name}", h.py_name, (f"{ctx.abi_dir}/constants.yaml", None))
    for py, labels in names.find_collisions(top).items():
        path, line = next((places[c] for c in labels if c in places), (ctx.abi_dir, None))
        ctx.report(
            path,
            line,
            f"{' and '.join(labels)} would all be the Python name {py!r} in package wwsapi; "
            "rename one in the specs",
        )
    for owner, members, abi_file in (
        *((f.name, [(p.name, p.py_name) for p in f.params], "functions.yaml") for f in functions),
        *((c.name, [(p.name, p.py_name) for p in c.params], "callbacks.yaml") for c in callbacks),
        *((a.name, [(x.name, x.py_name) for x in a.fields], "structs.yaml") for a in aggregates),
    ):
        for py, c_names in names.find_collisions(members).items():
            path, line = ctx.where(owner, abi_file)
            ctx.report(
                path,
                line,
                f"{' and '.join(c_names)} of {owner} would both be the Python name {py!r}",
            )


def _check_modules(ctx: _Context, areas: tuple[Area, ...]) -> None:
    for module, area_names in names.find_collisions((a.name, a.module) for a in areas).items():
        ctx.report(
            next((a.source for a in areas if a.name == area_names[0] and a.source), ctx.abi_dir),
            None,
            f"areas {' and '.join(area_names)} would both be the module wwsapi.{module}",
        )
