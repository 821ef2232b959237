"""Template contexts: every decision made in Python, templates only lay out.

Each view holds ready-made source fragments (type expressions, annotations,
docstring literals, value literals) so that a template is loops and
conditionals over strings. Doc text only ever reaches a template as a literal
made by `docstrings.literal`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.abimodel import AggregateKind
from generator.apimodel import (
    Aggregate,
    ApiModel,
    Callback,
    Enumeration,
    Function,
    Handle,
    HResult,
)
from generator.render import docstrings, wrap
from generator.render.modules import ModulePlan, Step, type_refs
from generator.render.types import TypeMap
from generator.render.wrap import Group, call, collection, text

PACKAGE = "wwsapi"
# Where the runtime's call factories test their arguments: in a function in a function.
CALL_TEST_INDENT = 2 * wrap.STEP


@dataclass(frozen=True)
class ValueView:
    name: str
    value: str


@dataclass(frozen=True)
class EnumView:
    name: str
    base: str
    doc: str
    members: tuple[ValueView, ...]


@dataclass(frozen=True)
class ClassView:
    """A handle or aggregate class: its phase-1 declaration."""

    name: str
    base: str
    doc: str
    annotations: tuple[str, ...] = ()  # `name: type` lines, indented


@dataclass(frozen=True)
class StepView:
    """A phase-3 statement: kind is callback or alias."""

    kind: str
    name: str
    doc: str = ""
    flags: str = ""
    restype: str = ""
    argtypes: str = ""  # the `_argtypes_ = (...)` statement, indented for the class body
    expr: str = ""


@dataclass(frozen=True)
class FunctionView:
    """A function stub as source: its `def` line(s), and the two statements
    of its body (binding, then the call), indented for the body."""

    name: str
    doc: str
    decorator: str
    signature: str
    bind: str
    call: str


@dataclass(frozen=True)
class ImportView:
    module: str
    names: tuple[str, ...]

    def code(self, indent: str = "", comment: str = "") -> str:
        """`from .module import names`, parenthesised one per line when long."""
        line = f"{indent}from .{self.module} import {', '.join(self.names)}"
        if len(line) + len(comment) <= 100:
            return line + comment
        head = f"from .{self.module} import ({comment}"
        return text(collection(head, self.names, ")"), indent)


@dataclass(frozen=True)
class ModuleView:
    name: str
    doc: str
    imports: tuple[ImportView, ...]
    typing_imports: tuple[ImportView, ...]
    constants: tuple[ValueView, ...]
    enums: tuple[EnumView, ...]
    members: tuple[str, ...]  # statements exporting enum members at module level
    classes: tuple[ClassView, ...]
    steps: tuple[StepView, ...]
    functions: tuple[FunctionView, ...]
    uses_enum: bool
    uses_flag: bool
    uses_ctypes: bool


def string(value: str) -> str:
    """A string literal in black's preferred quotes: double, unless the text
    holds a double quote (then repr's choice, which black keeps too)."""
    literal = repr(value)
    if literal.startswith("'") and '"' not in value:
        return '"' + literal[1:-1] + '"'
    return literal


def annotation(name: str, value: str, indent: str = "    ") -> str:
    """`name: value` in a class body, split as black splits a long one."""
    line = f"{indent}{name}: {value}"
    if len(line) <= 100:
        return line
    inner = indent + "    "
    if value.endswith("]") and "[" in value:
        head, _, rest = value.partition("[")
        return f"{indent}{name}: {head}[\n{inner}{rest[:-1]}\n{indent}]"
    return f"{indent}{name}: (\n{inner}{value}\n{indent})"


def assignment(name: str, value: str) -> str:
    """`name = value`, the value in parentheses on its own line when too long
    (black's layout)."""
    line = f"{name} = {value}"
    return line if len(line) <= 100 else f"{name} = (\n    {value}\n)"


def value_literal(value: int | float | str) -> str:
    """A Python literal of a constant value (repr for text: data, not code)."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return f"0x{value:X}" if value >= 256 else str(value)
    return string(value) if isinstance(value, str) else repr(value)


class ModuleBuilder:
    """Builds the view of one module; knows where every element lives."""

    def __init__(self, model: ApiModel, types: TypeMap, where: dict[str, str]) -> None:
        self.model = model
        self.types = types
        self.where = where

    def py(self, name: str) -> str:
        return self.types.py_names[name]

    def build(self, plan: ModulePlan) -> ModuleView:
        runtime_needs: set[str] = set()
        for step in plan.steps:
            runtime_needs |= {n for n, _ in type_refs(step.element, self.types)}
        imported = {n for n in runtime_needs if self.where.get(n, plan.name) != plan.name}
        annotation_names: set[str] = set()

        def direct(name: str) -> str:
            return self.py(name)

        def annotated(name: str) -> str:
            annotation_names.add(name)
            return self.py(name)

        classes = [self._handle(h) for h in plan.handles]
        classes += [self._aggregate(a, annotated) for a in plan.aggregates]
        steps = tuple(self._step(s, direct) for s in plan.steps)
        functions = tuple(self._function(f, annotated) for f in plan.functions)
        typing_only = {
            n
            for n in annotation_names
            if self.where.get(n, plan.name) != plan.name and n not in imported
        }
        enums = tuple(self._enum(e) for e in plan.enums)
        fragments = [
            *(a for c in classes for a in c.annotations),
            *(c.base for c in classes),
            *(t for step in steps for t in (step.restype, step.argtypes, step.expr)),
            *(f.signature for f in functions),
        ]
        return ModuleView(
            name=plan.name,
            doc=docstrings.literal(docstrings.area_doc(plan.area, PACKAGE)),
            imports=self._imports(imported),
            typing_imports=self._imports(typing_only),
            constants=tuple(ValueView(k.py_name, value_literal(k.value)) for k in plan.constants),
            enums=enums,
            members=tuple(
                assignment(m.py_name, f"{e.py_name}.{m.py_name}")
                for e in plan.enums
                for m in e.members
            ),
            classes=tuple(classes),
            steps=steps,
            functions=functions,
            uses_enum=any(not e.flags for e in plan.enums),
            uses_flag=any(e.flags for e in plan.enums),
            uses_ctypes=any("_ct." in fragment for fragment in fragments),
        )

    def _imports(self, names: set[str]) -> tuple[ImportView, ...]:
        by_module: dict[str, set[str]] = {}
        for n in names:
            by_module.setdefault(self.where[n], set()).add(self.py(n))
        return tuple(ImportView(m, tuple(sorted(ns))) for m, ns in sorted(by_module.items()))

    def _enum(self, e: Enumeration) -> EnumView:
        return EnumView(
            name=e.py_name,
            base="_IntFlag" if e.flags else "_IntEnum",
            doc=docstrings.literal(docstrings.enum_doc(e), "    "),
            members=tuple(ValueView(m.py_name, str(m.value)) for m in e.members),
        )

    def _handle(self, h: Handle) -> ClassView:
        return ClassView(
            h.py_name, "_rt.Handle", docstrings.literal(docstrings.handle_doc(h), "    ")
        )

    def _aggregate(self, a: Aggregate, annotated: Callable[[str], str]) -> ClassView:
        base = "_ct.Union" if a.kind is AggregateKind.UNION else "_ct.Structure"
        return ClassView(
            name=a.py_name,
            base=base,
            doc=docstrings.literal(docstrings.aggregate_doc(a), "    "),
            annotations=tuple(
                annotation(f.py_name, self.types.use(f.type, annotated).read) for f in a.fields
            ),
        )

    def _step(self, step: Step, direct: Callable[[str], str]) -> StepView:
        element = step.element
        if isinstance(element, Callback):
            return StepView(
                kind="callback",
                name=element.py_name,
                doc=docstrings.literal(docstrings.callback_doc(element), "    "),
                flags="_rt.STDCALL" if element.convention == "stdcall" else "_rt.CDECL",
                restype=self.types.use(element.returns, direct).expr,
                argtypes=text(
                    collection(
                        "_argtypes_ = (",
                        [self.types.use(p.type, direct).expr for p in element.params],
                        ")",
                    ),
                    "    ",
                ),
            )
        return StepView(
            kind="alias",
            name=element.py_name,
            expr=self.types.use(element.type, direct).expr,
        )

    def _function(self, f: Function, annotated: Callable[[str], str]) -> FunctionView:
        params = []
        for p in f.params:
            annotation = self.types.use(p.type, annotated).arg
            if p.optional and "None" not in annotation.split(" | "):
                annotation += " | None"
            params.append(f"{p.py_name}: {annotation}")
        returns = "int" if f.returns_hresult else self.types.use(f.returns, annotated).read
        by_name = self.py
        restype = self.types.use(f.returns, by_name).spec
        argtypes = " ".join(self.types.use(p.type, by_name).spec for p in f.params)
        bind_args = [string(f.name), string(restype), string(argtypes)]
        codes: list[str | Group] = []
        if f.returns_hresult:
            bind_args.append("checked=True")
            if f.error_param is not None:
                bind_args.append(f"error_index={f.error_param}")
            codes = [
                string(f"{c.code}: {' '.join(c.description.split())}".strip())
                for c in f.return_codes
                if c.value is not None and not c.success
            ]
        if f.convention != "stdcall":
            bind_args.append("stdcall=False")
        bind_items: list[str | Group] = list(bind_args)
        if f.returns_hresult and codes:
            bind_items.append(collection("codes=(", codes, ")"))
        if params:
            params.append("/")
        return FunctionView(
            name=f.py_name,
            doc=docstrings.literal(docstrings.function_doc(f), "    "),
            decorator=text(call("@_rt.prototype(", bind_items)),
            signature=text(call(f"def {f.py_name}(", params, f") -> {returns}:")),
            bind=f"    _fn: _rt.Function[{returns}] = _rt.bind(__name__, {string(f.py_name)})",
            call=text(call("return _fn(", [p.py_name for p in f.params]), "    "),
        )


@dataclass(frozen=True)
class FieldsView:
    """The `_fields_` of one aggregate: the assignment as source."""

    name: str
    code: str
    pack: int | None


@dataclass(frozen=True)
class LayoutView:
    imports: tuple[ImportView, ...]
    aggregates: tuple[FieldsView, ...]


def layout_view(aggregates: list[Aggregate], types: TypeMap, where: dict[str, str]) -> LayoutView:
    """The `_layout` module: every aggregate's fields, in `layout_order`."""
    used: set[str] = set()

    def name(c_name: str) -> str:
        used.add(c_name)
        return types.py_names[c_name]

    views = []
    for a in aggregates:
        items = tuple(
            collection(
                "(",
                [string(f.py_name), types.use(f.type, name).expr]
                + ([str(f.bits)] if f.bits is not None else []),
                ")",
            )
            for f in a.fields
        )
        py = name(a.name)
        views.append(FieldsView(py, text(collection(f"{py}._fields_ = [", items, "]")), a.packing))
    by_module: dict[str, set[str]] = {}
    for c_name in used:
        by_module.setdefault(where[c_name], set()).add(types.py_names[c_name])
    imports = tuple(ImportView(m, tuple(sorted(ns))) for m, ns in sorted(by_module.items()))
    return LayoutView(imports, tuple(views))


@dataclass(frozen=True)
class HResultView:
    name: str
    value: str
    doc: str


@dataclass(frozen=True)
class HResultsView:
    failures: tuple[HResultView, ...]
    successes: tuple[HResultView, ...]


def hresults_view(hresults: tuple[HResult, ...]) -> HResultsView:
    def view(h: HResult) -> HResultView:
        return HResultView(
            h.py_name, f"0x{h.value:08X}", docstrings.literal(docstrings.hresult_doc(h), "    ")
        )

    return HResultsView(
        failures=tuple(view(h) for h in hresults if not h.success),
        successes=tuple(view(h) for h in hresults if h.success),
    )


@dataclass(frozen=True)
class ExportView:
    """The public names of one module, as string-literal lines of at most
    about 80 characters (space-separated names)."""

    module: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CallFactoryView:
    """The runtime's factory of bound functions with `arity` parameters
    (`a0, a1, ...`), and the lines of its fast-path test at `indent`."""

    arity: int
    indent: str

    @property
    def args(self) -> str:
        return ", ".join(f"a{i}" for i in range(self.arity))

    @property
    def signature(self) -> tuple[str, ...]:
        """The closure's `def` line(s): positional-only parameters."""
        params = [f"a{i}: Any" for i in range(self.arity)]
        return tuple(wrap.lines(call("def call(", [*params, "/"], ") -> Any:"), self.indent[4:]))

    @property
    def unpack(self) -> tuple[str, ...]:
        """The statements giving each parameter its fast-path rule."""
        return tuple(f"t{i}, n{i} = rules[{i}]" for i in range(self.arity)) or ("assert not rules",)

    @property
    def test(self) -> tuple[str, ...]:
        clauses = [f"a{i} is n{i} or type(a{i}) is t{i}" for i in range(self.arity)] or ["True"]
        if len(clauses) > 1:
            clauses = [f"({clause})" for clause in clauses]
        return tuple(wrap.condition("if", clauses, "and", self.indent))


@dataclass(frozen=True)
class PackageView:
    exports: tuple[ExportView, ...]
    modules: tuple[str, ...]  # the area modules
    string_count_property: str
    call_factories: tuple[CallFactoryView, ...]  # one per parameter count functions have

    @property
    def all_modules(self) -> tuple[str, ...]:
        """Every public module: the areas and hresults."""
        return tuple(sorted((*self.modules, "hresults")))


def _chunks(names: list[str], width: int = 80) -> tuple[str, ...]:
    lines: list[str] = []
    current = ""
    for name in names:
        if current and len(current) + len(name) + 1 > width:
            lines.append(string(current + " "))
            current = ""
        current = f"{current} {name}" if current else name
    if current:
        lines.append(string(current))
    return tuple(lines)


def package_view(model: ApiModel, where: dict[str, str], modules: list[str]) -> PackageView:
    """Every public name of the package and its module."""
    by_module: dict[str, list[str]] = {}

    def add(module: str, name: str) -> None:
        by_module.setdefault(module, []).append(name)

    for group in (
        model.functions,
        model.callbacks,
        model.enums,
        model.handles,
        model.aliases,
        model.constants,
    ):
        for element in group:
            add(where[element.name], element.py_name)
    for a in model.aggregates:
        if not a.nested:
            add(where[a.name], a.py_name)
    for e in model.enums:
        for m in e.members:
            add(where[e.name], m.py_name)
    for h in model.hresults:
        add("hresults", h.py_name)
    add("hresults", "error_class")
    string_count = "None"
    for e in model.enums:
        if e.name == "WS_ERROR_PROPERTY_ID":
            for m in e.members:
                if m.name == "WS_ERROR_PROPERTY_STRING_COUNT":
                    string_count = str(m.value)
    return PackageView(
        exports=tuple(
            ExportView(module, _chunks(sorted(names)))
            for module, names in sorted(by_module.items())
        ),
        modules=tuple(sorted(modules)),
        string_count_property=string_count,
        call_factories=tuple(
            CallFactoryView(arity, CALL_TEST_INDENT)
            for arity in sorted({len(f.params) for f in model.functions})
        ),
    )
