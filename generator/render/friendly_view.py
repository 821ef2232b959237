"""Template contexts of `wwsapi.friendly`: each wrapper as ready-made source.

The decisions are in `generator.render.friendly` (which role each parameter
plays); this module spells them: signature, docstring and body of every
wrapper, the names each module imports, and the constants it precomputes so
that a call does no more than the C call needs (`POINTER(WS_HEAP)` is built
once per module, not per call; out values are passed as ctypes objects, which
ctypes passes by address without a `byref`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from generator.abimodel import CType
from generator.apimodel import ApiModel, Kind
from generator.render import docstrings
from generator.render.docstrings import INDENT, _item, _paragraphs, _section
from generator.render.friendly import (
    PACKAGE as FRIENDLY,
)
from generator.render.friendly import (
    Derived,
    Friendly,
    Role,
    Shape,
    Slot,
    Unfriendly,
    check_module_name,
    derive,
    effective,
    fresh,
    has_error_objects,
    is_struct,
)
from generator.render.modules import ModulePlan
from generator.render.types import TypeMap, TypeUse
from generator.render.views import ImportView, string
from generator.render.wrap import call, text

PACKAGE = "wwsapi"

MODULE_DOC = """The friendly layer of wwsapi: each function in Python shape, where the specs allow.

A wrapper has the name of its C function (wwsapi.friendly.WsCreateHeap) and
the C names of its parameters, so the doc pages describe it as it stands.
Compared with the C-shaped function:

- out parameters are returned: the new handle for a handle out parameter,
  the value for a pointer to a number, bool for BOOL, the structure for a
  pointer to a structure; several as a tuple in C order;
- an array and its count are one Python value: a sequence of structures (or
  of pointers), str for WCHAR text, bytes for byte data;
- optional parameters are keyword-only and default to None;
- the error object is supplied: the call gets one from a pool (made with
  WsCreateError, reset with WsResetError after a failure), so the exception
  of a failure carries its strings; release_error_objects() frees the pooled
  ones (WsFreeError);
- a function with out values completes synchronously (asyncContext NULL);
  one without returns the HRESULT, since a success code may be its answer
  (WS_S_ASYNC, WS_S_END, S_FALSE), or None where its page lists S_OK as its
  only success code; one with out values returns None instead of them when
  the call answers another success code its page lists (then they are unset).

NEEDS_HAND_WRITTEN names the functions the specs leave undecided (a void*
value whose type depends on a property id, a buffer the caller sizes, a
parameter without a direction) with the reason: use their C-shaped form, or
wwsapi.pythonic. The rules are in generator/render/friendly.py (wwsgen)."""


@dataclass(frozen=True)
class WrapperView:
    name: str
    signature: str
    doc: str
    body: str


@dataclass(frozen=True)
class FriendlyModuleView:
    name: str
    doc: str
    c_module: str
    imports: tuple[ImportView, ...]
    support: tuple[str, ...]
    constants: tuple[str, ...]
    wrappers: tuple[WrapperView, ...]
    uses_sequence: bool


@dataclass(frozen=True)
class HandWrittenView:
    name: str
    reason: str  # a string literal


@dataclass(frozen=True)
class FriendlyPackageView:
    doc: str
    imports: tuple[ImportView, ...]
    names: tuple[str, ...]
    hand_written: tuple[HandWrittenView, ...]


@dataclass(frozen=True)
class SupportView:
    """What `_support` needs: the modules of the error-object functions
    (empty when the model lacks them: the wrappers then pass no error object)."""

    create_module: str
    reset_module: str
    free_module: str
    error_module: str  # the module of the WS_ERROR handle class


def _annotation_of_array(slot: Slot, element: TypeUse) -> str:
    if slot.shape is Shape.TEXT:
        return "str"
    if slot.shape in (Shape.BYTES, Shape.BYTE_ARRAY):
        return "bytes"
    if slot.shape is Shape.NUMBERS:
        return f"Sequence[{element.read}]"
    return f"Sequence[{element.cls}]"


def _with_none(annotation: str) -> str:
    return annotation if "None" in annotation.split(" | ") else annotation + " | None"


class _Module:
    """Collects what one friendly module needs while its wrappers are built."""

    def __init__(self, types: TypeMap, where: dict[str, str]) -> None:
        self.types = types
        self.where = where
        self.names: set[str] = set()  # C names of classes the module imports
        self.constants: dict[str, str] = {}  # name -> expression
        self.support: set[str] = set()
        self.sequence = False

    def qualify(self, name: str) -> str:
        self.names.add(name)
        return self.types.py_names[name]

    def use(self, ctype: CType) -> TypeUse:
        return self.types.use(ctype, self.qualify)

    def hoisted(self, use: TypeUse) -> str:
        """A ctypes type as a name: a POINTER type becomes a module constant."""
        if "POINTER(" not in use.expr:
            return use.expr
        levels = use.spec.count("*")
        name = "_" + "P" * levels + "_" + use.spec.rstrip("*")
        self.constants[name] = use.expr
        return name

    def helper(self, name: str) -> str:
        self.support.add(name)
        return "_" + name


def _python_param(slot: Slot, module: _Module) -> str:
    p = slot.param
    t = effective(p.type)
    if slot.role is Role.ARRAY:
        element = module.use(CType(t.name, t.pointers - 1))
        annotation = _annotation_of_array(slot, element)
        module.sequence = module.sequence or annotation.startswith("Sequence[")
    else:
        annotation = module.use(p.type).arg
        if t.pointers == 1 and is_struct(t.name, module.types.kinds):
            # ctypes passes a structure given for a pointer to it by address
            annotation = f"{module.use(CType(t.name)).cls} | {annotation}"
    if slot.keyword:
        return f"{p.py_name}: {_with_none(annotation)} = None"
    return f"{p.py_name}: {annotation}"


def _signature(d: Friendly, module: _Module, returns: str) -> str:
    params: list[str] = []
    keyword = False
    for slot in d.python_params():
        if slot.keyword and not keyword:
            params.append("*")
            keyword = True
        params.append(_python_param(slot, module))
    return text(call(f"def {d.function.py_name}(", params, f") -> {returns}:"))


def _out_value(slot: Slot, module: _Module) -> tuple[str, str, str]:
    """(constructor, return expression suffix, annotation) of an out parameter."""
    t = effective(slot.param.type)
    target = module.use(CType(t.name, t.pointers - 1))
    constructor = module.hoisted(target) + "()"
    if slot.shape is Shape.BOOL:
        return constructor, "bool", "bool"
    if slot.shape is Shape.VALUE:
        return constructor, ".value", target.read
    return constructor, "", target.cls


def _body(d: Friendly, module: _Module, error_objects: bool) -> tuple[str, str]:
    """The statements of a wrapper's body (indented) and its return annotation."""
    f = d.function
    taken = {"_" + p.py_name for p in f.params}
    local = {p.name: "_" + p.py_name for p in f.params}
    error_var = fresh("_e", taken)
    result_var = fresh("_r", taken)
    lines: list[str] = []
    returns: list[tuple[str, str]] = []  # (expression, annotation)
    for slot in d.slots:
        p = slot.param
        if slot.role is Role.OUT:
            constructor, how, annotation = _out_value(slot, module)
            lines.append(f"{local[p.name]} = {constructor}")
            value = local[p.name]
            if how == "bool":
                value = f"bool({value}.value)"
            elif how:
                value += how
            returns.append((value, annotation))
        elif slot.role is Role.ARRAY:
            count = local[slot.partner]
            lines.append(f"{local[p.name]}, {count} = {_array_call(slot, module)}")
    args = [_argument(slot, local, error_var, module, error_objects) for slot in d.slots]
    head = f"{result_var}: int = " if d.returns_code or d.empty_on else ""
    invocation = call(f"{head}_c.{f.py_name}(", args)
    lines = [INDENT + line for line in lines]
    if any(s.role is Role.ERROR for s in d.slots) and error_objects:
        take = module.helper("take") + "()"
        give = f"{module.helper('give')}({error_var})"
        if d.async_param is not None:
            # an asynchronous call may complete later: it gets no error object
            take = f"None if {_py(d, d.async_param)} is not None else {take}"
        lines += [f"{INDENT}{error_var} = {take}", f"{INDENT}try:"]
        lines += text(invocation, INDENT * 2).split("\n")
        lines += [
            f"{INDENT}except BaseException:",
            f"{INDENT * 2}{module.helper('failed')}({error_var})",
            f"{INDENT * 2}raise",
        ]
        if d.async_param is not None:
            lines += [f"{INDENT}if {error_var} is not None:", f"{INDENT * 2}{give}"]
        else:
            lines.append(INDENT + give)
    else:
        lines += text(invocation, INDENT).split("\n")
    if returns:
        if d.empty_on:  # the out values are unset: see Friendly.empty_on
            codes = " or ".join(c.code for c in d.empty_on)
            lines += [f"{INDENT}if {result_var} != 0:  # {codes}", f"{INDENT * 2}return None"]
        lines.append(INDENT + "return " + ", ".join(value for value, _ in returns))
        annotation = (
            returns[0][1]
            if len(returns) == 1
            else "tuple[" + ", ".join(a for _, a in returns) + "]"
        )
        if d.empty_on:
            annotation += " | None"
    elif d.returns_code:
        lines.append(f"{INDENT}return {result_var}")
        annotation = "int"
    else:
        annotation = "None"
    body = "\n".join(lines)
    return body, annotation


def _py(d: Friendly, c_name: str) -> str:
    return next(p.py_name for p in d.function.params if p.name == c_name)


def _array_call(slot: Slot, module: _Module) -> str:
    p = slot.param
    if slot.shape is Shape.TEXT:
        return f"{module.helper('text')}({p.py_name})"
    if slot.shape is Shape.BYTES:
        return f"{module.helper('data')}({p.py_name})"
    if slot.shape is Shape.BYTE_ARRAY:
        return f"{module.helper('byte_array')}({p.py_name})"
    t = effective(p.type)
    element = module.hoisted(module.use(CType(t.name, t.pointers - 1)))
    return f"{module.helper('array')}({element}, {p.py_name})"


def _argument(
    slot: Slot, local: dict[str, str], error_var: str, module: _Module, error_objects: bool
) -> str:
    p = slot.param
    if slot.role in (Role.OUT, Role.ARRAY, Role.COUNT):
        return local[p.name]
    if slot.role is Role.ERROR:
        return error_var if error_objects else "None"
    if slot.role is Role.SYNC:
        return "None"
    t = effective(p.type)
    if (
        slot.role is Role.OPTIONAL
        and t.pointers == 0
        and module.types.kinds.get(t.name) is Kind.CALLBACK
    ):
        # ctypes refuses None for a function pointer: a NULL one stands for it
        cls = module.qualify(t.name)
        null = f"_NULL_{cls}"
        module.constants[null] = f"{cls}()"
        return f"{p.py_name} if {p.py_name} is not None else {null}"
    return p.py_name


def wrapper_doc(d: Friendly, returns: str) -> str:
    """The wrapper's docstring: the page's text mapped onto its parameters."""
    f = d.function
    lines = (
        _paragraphs(f.doc.description)
        if f.doc.description
        else [
            f"The function {f.name}"
            + ("." if f.doc.has_page else " (no reference page in the specs).")
        ]
    )
    by_name = {p.name: p for p in f.params}
    args: list[str] = []
    for slot in d.python_params():
        p = slot.param
        extra = ""
        if slot.role is Role.ARRAY:
            extra = f" Its length is passed as {slot.partner}."
        if p.name == d.async_param:
            extra = (
                " When given, the call may complete later (WS_S_ASYNC) and gets no error object."
            )
        args += _item(p.py_name, (p.description or "(not described)") + extra)
    lines += _section("Args", args)
    outs = d.outs
    result: list[str] = []
    if len(outs) > 1:
        result.append(f"{INDENT}{returns}: in this order:")
    for slot in outs:
        p = slot.param
        head = f"{p.py_name} ({p.type})" if len(outs) > 1 else f"{returns}: {p.py_name} ({p.type})"
        result += _item(head, p.description or "(not described)")
    if d.empty_on:
        result.append(f"{INDENT}None: when the call answers another success code:")
        result += [line for c in d.empty_on for line in _item(c.code, c.description, INDENT * 2)]
    if d.returns_code:
        others = [c for c in f.return_codes if c.success and c.code != "S_OK"]
        if others or d.async_param is not None:
            result.append(f"{INDENT}int: the HRESULT, S_OK (0) or another success code:")
            result += [line for c in others for line in _item(c.code, c.description, INDENT * 2)]
            if d.async_param is not None and not any(c.code == "WS_S_ASYNC" for c in others):
                result += _item(
                    "WS_S_ASYNC", "the call completes later, through the async context.", INDENT * 2
                )
        else:
            result += _item(
                "int",
                "the HRESULT, S_OK (0) or another success code (the specs list none: it may "
                "be the answer).",
            )
    lines += _section("Returns", result)
    if f.returns_hresult:
        raises: list[str] = []
        for c in f.return_codes:
            if c.value is not None and not c.success:
                raises += _item(c.code, c.description)
        lent = any(s.role is Role.ERROR for s in d.slots)
        raises += _item(
            "WsError",
            "on any failing HRESULT; the subclass named after the code where it is known"
            + (", with the strings of the error object lent to the call." if lent else "."),
        )
        lines += _section("Raises", raises)
    supplied = []
    for slot in d.slots:
        p = slot.param
        if slot.role is Role.ERROR:
            supplied.append(f"{p.name} (an error object lent to the call)")
        elif slot.role is Role.COUNT:
            supplied.append(f"{p.name} (the length of {by_name[slot.partner].py_name})")
        elif slot.role is Role.OUT:
            supplied.append(f"{p.name} (returned)")
        elif slot.role is Role.SYNC:
            supplied.append(f"{p.name} (NULL: the call completes before it returns)")
    lines.append("")
    lines += _paragraphs(
        f"Wraps {PACKAGE}.{f.py_name}."
        + (" Supplied by the wrapper: " + ", ".join(supplied) + "." if supplied else "")
    )
    if f.doc.has_page:
        lines += ["", f"Documentation: {f.doc.source}"]
    return "\n".join(lines)


def wrapper_view(d: Friendly, module: _Module, error_objects: bool) -> WrapperView:
    body, returns = _body(d, module, error_objects)
    return WrapperView(
        name=d.function.py_name,
        signature=_signature(d, module, returns),
        doc=docstrings.literal(wrapper_doc(d, returns), INDENT),
        body=body,
    )


def module_view(
    plan: ModulePlan,
    derived: dict[str, Derived],
    types: TypeMap,
    where: dict[str, str],
    error_objects: bool,
) -> FriendlyModuleView | None:
    """The friendly module of one area module; None when it has no wrapper."""
    wrappable = [d for f in plan.functions if isinstance(d := derived[f.name], Friendly)]
    if not wrappable:
        return None
    module = _Module(types, where)
    wrappers = tuple(wrapper_view(d, module, error_objects) for d in wrappable)
    by_module: dict[str, set[str]] = {}
    for name in module.names:
        by_module.setdefault(where[name], set()).add(types.py_names[name])
    imports = tuple(ImportView("." + m, tuple(sorted(ns))) for m, ns in sorted(by_module.items()))
    return FriendlyModuleView(
        name=plan.name,
        doc=docstrings.literal(
            f"{plan.area.title}: the friendly layer ({PACKAGE}.friendly) of "
            f"{PACKAGE}.{plan.name}.\n\nSee {PACKAGE}.friendly for the rules."
        ),
        c_module=plan.name,
        imports=imports,
        support=tuple(sorted(module.support)),
        constants=tuple(f"{name} = {expr}" for name, expr in sorted(module.constants.items())),
        wrappers=wrappers,
        uses_sequence=module.sequence,
    )


def package_view(
    modules: Iterable[FriendlyModuleView], derived: Iterable[Derived]
) -> FriendlyPackageView:
    views = list(modules)
    hand_written = tuple(
        HandWrittenView(d.function.name, string("; ".join(d.reasons)))
        for d in derived
        if isinstance(d, Unfriendly)
    )
    return FriendlyPackageView(
        doc=docstrings.literal(MODULE_DOC),
        imports=tuple(ImportView(m.name, tuple(sorted(w.name for w in m.wrappers))) for m in views),
        names=tuple(sorted(w.name for m in views for w in m.wrappers)),
        hand_written=hand_written,
    )


def support_view(model: ApiModel, where: dict[str, str]) -> SupportView:
    if not has_error_objects(model):
        return SupportView("", "", "", "")
    return SupportView(
        create_module=where["WsCreateError"],
        reset_module=where["WsResetError"],
        free_module=where["WsFreeError"],
        error_module=where.get("WS_ERROR", ""),
    )


def derive_map(model: ApiModel, types: TypeMap) -> dict[str, Derived]:
    return {f.name: derive(f, types) for f in model.functions}


Planned = tuple[str, str, object, tuple[str, ...]]  # path, template, view, inputs


def planned_files(
    model: ApiModel,
    types: TypeMap,
    modules: Iterable[ModulePlan],
    where: dict[str, str],
    abi_inputs: tuple[str, ...],
    doc_inputs: tuple[str, ...],
) -> Iterator[Planned]:
    """The files of `wwsapi/friendly/`: one module per area module that has a
    wrapper, the package (re-exports and NEEDS_HAND_WRITTEN) and `_support`."""
    check_module_name(model)
    derived = derive_map(model, types)
    error_objects = has_error_objects(model)
    views = []
    for plan in modules:
        view = module_view(plan, derived, types, where, error_objects)
        if view is None:
            continue
        views.append(view)
        pages = {f.doc.source for f in plan.functions if f.doc.source}
        if plan.area.source:
            pages.add(plan.area.source)
        yield (
            f"{PACKAGE}/{FRIENDLY}/{plan.name}.py",
            f"{PACKAGE}/{FRIENDLY}/area.py.j2",
            view,
            (*abi_inputs, *sorted(pages)),
        )
    ordered = [derived[name] for name in sorted(derived)]
    yield (
        f"{PACKAGE}/{FRIENDLY}/__init__.py",
        f"{PACKAGE}/{FRIENDLY}/__init__.py.j2",
        package_view(views, ordered),
        (*abi_inputs, *doc_inputs),
    )
    yield (
        f"{PACKAGE}/{FRIENDLY}/_support.py",
        f"{PACKAGE}/{FRIENDLY}/_support.py.j2",
        support_view(model, where),
        abi_inputs,
    )
