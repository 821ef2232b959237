"""The generation-gap bases: what the hand-written `wwsapi.pythonic` completes.

Derived from the doc pages and the ABI, `wwsapi/bases.py` holds (1) and
`wwsapi/_properties.py` holds (2) (re-exported by bases); both are laid out
here as black lays them out, so the formatting stage can leave them alone:

1. One base class per handle type (`WS_HEAP` -> `HeapBase`) whose method stubs
   have the Python-shaped signature of each function acting on that handle.
   The rules, applied in order:
   - A function with exactly one out parameter of type `H**` (a handle) creates
     an `H`: it becomes a classmethod of H's base returning `Self`.
   - Otherwise, when the first parameter is an in parameter of type `H*`, it
     is the receiver and becomes `self` (C functions put the object they act
     on first; for the WS_ERROR functions that is the error object itself). Any other function (such
     as WsDecodeUrl, which only allocates on a heap) is no method.
   - `WsFree<H>` (one parameter, the handle) is the handle's free function:
     recorded as `FREE_FUNCTION`, not a method (freeing is the hand-written
     lifetime machinery's job).
   - Out parameters become the return value (a tuple when there are several);
     the `error` parameter, the element count of an array (`count_of`) and the
     size of a preceding buffer (`value` -> `valueSize`, `bytes` ->
     `byteCount`) are managed by the implementation and disappear.
   - Required in parameters stay positional, in C order; optional ones become
     keyword-only with default None.
   - Names: C names in snake case (`asyncContext` -> `async_context`), then
     the rule of `generator.names` (`id` -> `id_`); a method is the function's
     name without `Ws` and without the words of its handle
     (`WsGetHeapProperty` on WS_HEAP -> `get_property`).
   Stubs raise NotImplementedError and are annotated `Any`: the signature
   (names, kinds, defaults) is the contract, checked by a test against the
   hand-written classes; the C types are in each stub's docstring.

2. Property tables: for every `*_PROPERTY_ID` enumeration with a page, the value
   type of each id, read from the member's description: the first word that
   names a type of the ABI (enumeration, structure, union, handle, callback) or
   a Windows primitive in capitals (`ULONG`, `BOOL`, `HANDLE`, `unsigned
   __int64`, `void*`). A handle is always held by pointer; any other type is a
   pointer when the text says "pointer to a X" or "X pointer". An id whose text
   names no type, or says before it that the value is an array or "of any
   size", is left out (listed in `UNRESOLVED`): its size is not known, so it
   cannot be read or passed safely.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from generator import names
from generator.abi.primitives import PRIMITIVES
from generator.abimodel import CType
from generator.apimodel import ApiModel, Enumeration, Function, Kind, Parameter
from generator.diagnostics import DiagnosticError
from generator.docmodel import Direction
from generator.render import docstrings
from generator.render.types import TypeMap
from generator.render.views import string
from generator.render.wrap import Group, call, collection, text


@dataclass(frozen=True)
class StubParam:
    """One parameter of a stub; `keyword` ones are keyword-only, default None."""

    name: str
    keyword: bool


@dataclass(frozen=True)
class StubView:
    name: str
    function: str  # the C function it completes
    constructor: bool
    params: tuple[StubParam, ...]
    returns: str
    doc: str  # a literal, indented for a method body
    signature: str  # the `def` line(s), laid out as black lays them out, indented


@dataclass(frozen=True)
class BaseView:
    name: str
    handle: str
    doc: str  # a literal
    free_function: str  # "" when the handle has none
    property_ids: str  # the *_PROPERTY_ID enumeration read by its get_property, or ""
    stubs: tuple[StubView, ...]


@dataclass(frozen=True)
class PropertyEntry:
    """One id of a property table: the fields of its `PropertyType`."""

    value: int
    name: str
    keyword: str
    c_type: str
    type_name: str
    kind: str
    pointers: int
    module: str
    ctype: str


@dataclass(frozen=True)
class TableView:
    enum: str
    entries: tuple[PropertyEntry, ...]
    unresolved: tuple[str, ...]


@dataclass(frozen=True)
class GapView:
    doc: str
    bases: tuple[BaseView, ...]


@dataclass(frozen=True)
class PropertiesView:
    """wwsapi/_properties.py: the tables as ready-made statements (black's layout)."""

    doc: str
    tables: tuple[TableView, ...]
    property_tables: str  # the `PROPERTY_TABLES = {...}` statement
    unresolved: str  # the `UNRESOLVED = {...}` statement


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake(name: str) -> str:
    """`asyncContext` -> `async_context`, `XmlBuffer` -> `xml_buffer`."""
    return _CAMEL.sub("_", name).lower()


def camel_class(handle: str) -> str:
    """`WS_XML_BUFFER` -> `XmlBuffer`."""
    words = handle.removeprefix("WS_").split("_")
    return "".join(w.capitalize() for w in words if w)


def base_name(handle: str) -> str:
    return camel_class(handle) + "Base"


def _handle_of(ctype: CType, types: TypeMap, pointers: int) -> str | None:
    if (
        ctype.pointers == pointers
        and not ctype.array
        and types.kinds.get(ctype.name) is Kind.HANDLE
    ):
        return ctype.name
    return None


def _is_void_pointer(ctype: CType) -> bool:
    return ctype.name in ("void", "BYTE") and ctype.pointers >= 1


def managed(params: tuple[Parameter, ...], index: int, error_param: int | None) -> bool:
    """Whether parameter `index` is handled inside the implementation: the error
    object, an element count, or the size of the buffer just before it."""
    if index == error_param:
        return True
    p = params[index]
    if p.count_of is not None:
        return True
    if index == 0:
        return False
    prev = params[index - 1]
    buffer_names = {prev.name + "Size", prev.name + "Count", prev.name.removesuffix("s") + "Count"}
    return p.name in buffer_names and _is_void_pointer(prev.type)


def method_name(function: str, handle: str) -> str:
    """The function's name without `Ws` and without its handle's words."""
    words = snake(function.removeprefix("Ws")).split("_")
    handle_words = handle.removeprefix("WS_").lower().split("_")
    for start in range(len(handle_words)):
        run = handle_words[start:]
        for i in range(len(words) - len(run) + 1):
            if words[i : i + len(run)] == run and len(words) > len(run):
                return "_".join(words[:i] + words[i + len(run) :])
    return "_".join(words)


def _full(function: Function) -> str:
    """The method name when shortening would make two methods collide."""
    return snake(function.name.removeprefix("Ws"))


def _py(name: str) -> str:
    return names.py_name(snake(name))


@dataclass(frozen=True)
class _Method:
    handle: str
    name: str
    function: Function
    receiver: int | None  # index of the parameter that becomes self


def _classify(f: Function, types: TypeMap) -> _Method | str | None:
    """A method of a handle base, the name of a handle it frees, or None."""
    outs = [
        i
        for i, p in enumerate(f.params)
        if p.direction in (Direction.OUT, Direction.INOUT) and _handle_of(p.type, types, 2)
    ]
    if len(outs) == 1:
        handle = _handle_of(f.params[outs[0]].type, types, 2)
        assert handle is not None
        return _Method(handle, method_name(f.name, handle), f, None)
    if not f.params:
        return None
    first = f.params[0]
    handle = _handle_of(first.type, types, 1) if first.direction is Direction.IN else None
    if handle is None:
        return None
    if len(f.params) == 1 and f.name.startswith("WsFree"):
        return handle
    index = 0
    return _Method(handle, method_name(f.name, handle), f, index)


def _stub(m: _Method, types: TypeMap) -> StubView:
    f = m.function
    params: list[StubParam] = []
    outs: list[str] = []
    # The summary stays with the generated function; the stub says how it maps.
    lines = [f"Completes {f.name} (see its docstring).", "", "C parameters:"]
    for index, p in enumerate(f.params):
        c_type = docstrings.c_declaration(p.type, p.name)
        created = m.receiver is None and _handle_of(p.type, types, 2) == m.handle
        if index == m.receiver:
            lines.append(f"    {c_type}: self")
        elif created:
            lines.append(f"    {c_type}: the new object")
        elif managed(f.params, index, f.error_param):
            lines.append(f"    {c_type}: managed by the implementation")
        elif p.direction in (Direction.OUT, Direction.INOUT):
            outs.append(_py(p.name))
            lines.append(f"    {c_type}: returned as {_py(p.name)}")
        else:
            params.append(StubParam(_py(p.name), p.optional))
            how = "keyword, default None" if p.optional else "positional"
            lines.append(f"    {c_type}: {_py(p.name)} ({how})")
    if m.receiver is None:
        returns = "_typing.Self"
    elif not outs:
        returns = "None"
    else:
        returns = "_typing.Any"
    ordered = [p for p in params if not p.keyword] + [p for p in params if p.keyword]
    items = ["cls" if m.receiver is None else "self"]
    items += [f"{p.name}: _typing.Any" for p in ordered if not p.keyword]
    if any(p.keyword for p in ordered):
        items.append("*")
        items += [f"{p.name}: _typing.Any = None" for p in ordered if p.keyword]
    return StubView(
        name=m.name,
        function=f.name,
        constructor=m.receiver is None,
        params=tuple(ordered),
        returns=returns,
        doc=docstrings.literal("\n".join(lines), METHOD_INDENT),
        signature=text(call(f"def {m.name}(", items, f") -> {returns}:"), CLASS_INDENT),
    )


def _property_getters(model: ApiModel, types: TypeMap) -> dict[str, str]:
    """Handle H -> `H_PROPERTY_ID`, where a function reads it: (H*, H_PROPERTY_ID, ...)."""
    result: dict[str, str] = {}
    for f in model.functions:
        if len(f.params) < 3:
            continue
        handle = _handle_of(f.params[0].type, types, 1)
        reads = f.params[2].direction is Direction.OUT
        if handle is not None and reads and f.params[1].type.name == handle + "_PROPERTY_ID":
            result[handle] = handle + "_PROPERTY_ID"
    return result


def plan_bases(model: ApiModel, types: TypeMap) -> tuple[BaseView, ...]:
    """The base class of every handle that has functions, sorted by name."""
    methods: dict[str, list[_Method]] = {}
    frees: dict[str, str] = {}
    for f in sorted(model.functions, key=lambda f: f.name):
        found = _classify(f, types)
        if isinstance(found, str):
            frees[found] = f.name
        elif found is not None:
            methods.setdefault(found.handle, []).append(found)
    getters = _property_getters(model, types)
    bases = []
    for handle in sorted(set(methods) | set(frees)):
        own = methods.get(handle, [])
        counts: dict[str, int] = {}
        for m in own:
            counts[m.name] = counts.get(m.name, 0) + 1
        unique = [
            (
                m
                if counts[m.name] == 1
                else _Method(m.handle, _full(m.function), m.function, m.receiver)
            )
            for m in own
        ]
        doc = [
            f"Generation-gap base of the Pythonic {handle} class.",
            "",
            *textwrap.wrap(
                f"Method stubs of the functions that act on a {handle} (the handle is "
                "self) or create one (classmethods); wwsapi.pythonic implements them.",
                width=docstrings.WIDTH,
            ),
        ]
        bases.append(
            BaseView(
                name=base_name(handle),
                handle=handle,
                doc=docstrings.literal("\n".join(doc), CLASS_INDENT),
                free_function=frees.get(handle, ""),
                property_ids=getters.get(handle, ""),
                stubs=tuple(sorted((_stub(m, types) for m in unique), key=lambda s: s.name)),
            )
        )
    return tuple(bases)


_TOKEN = re.compile(r"unsigned __int64|__int64|void\s*\*|[A-Za-z_][A-Za-z0-9_]*")
_VARIABLE = re.compile(r"\barray\b|\bany size\b")
_POINTER_BEFORE = re.compile(r"pointer to (?:an? )?$")
_POINTER_AFTER = re.compile(r"^\s*(?:\*|pointer\b)")


def _primitive_word(token: str) -> bool:
    return token in PRIMITIVES and (token.isupper() or token.startswith(("unsigned", "__")))


@dataclass(frozen=True)
class ValueType:
    """The value type one property id names: a C type and its kind."""

    type_name: str
    kind: str  # enum, struct, union, handle, callback, alias or primitive
    pointers: int

    @property
    def c_type(self) -> str:
        return self.type_name + "*" * self.pointers


def value_type(text: str, types: TypeMap, own: str, members: frozenset[str]) -> ValueType | None:
    """The type a property description names (see the module docstring)."""
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.startswith("void"):
            return ValueType("void", "primitive", 1)
        if token == own or token in members:
            continue
        kind = types.kinds.get(token)
        if kind is None and not _primitive_word(token):
            continue
        sentence = text[: match.start()].rsplit(".", 1)[-1]
        if _VARIABLE.search(sentence):
            return None
        before = _POINTER_BEFORE.search(text[: match.start()]) is not None
        after = _POINTER_AFTER.match(text[match.end() :]) is not None
        if kind is Kind.HANDLE:
            return ValueType(token, "handle", 1)
        if kind is None:
            return ValueType(token, "primitive", int(before or after))
        label = kind.value if kind is not Kind.AGGREGATE else "struct"
        return ValueType(token, label, int(before or after))
    return None


def _ctype_attr(vt: ValueType, types: TypeMap) -> str:
    """The ctypes attribute that stores a value of `vt` (`c_uint32`, `c_void_p`)."""
    if vt.pointers or vt.kind in ("handle", "callback"):
        return "c_void_p"
    if vt.kind == "enum":
        return "c_int32"
    if vt.kind == "primitive":
        expr = types.use(CType(vt.type_name), lambda n: n).expr
        return expr.removeprefix("_ct.")
    return ""


def plan_tables(model: ApiModel, types: TypeMap, where: dict[str, str]) -> tuple[TableView, ...]:
    """The property table of every documented *_PROPERTY_ID enumeration."""
    tables = []
    for e in sorted(model.enums, key=lambda e: e.name):
        if not e.name.endswith("_PROPERTY_ID") or not e.doc.has_page:
            continue
        tables.append(_table(e, types, where))
    return tuple(tables)


def keyword(enum: str, member: str) -> str:
    """`WS_MESSAGE_PROPERTY_ID`, `WS_MESSAGE_PROPERTY_USERNAME` -> `username`."""
    prefix = enum.removesuffix("_ID") + "_"
    return names.py_name(member.removeprefix(prefix).lower())


def _table(e: Enumeration, types: TypeMap, where: dict[str, str]) -> TableView:
    members = frozenset(m.name for m in e.members)
    entries = []
    unresolved = []
    for m in e.members:
        vt = value_type(m.description, types, e.name, members)
        if vt is None:
            unresolved.append(m.name)
            continue
        entries.append(
            PropertyEntry(
                value=m.value,
                name=m.name,
                keyword=keyword(e.name, m.name),
                c_type=vt.c_type,
                type_name=vt.type_name,
                kind=vt.kind,
                pointers=vt.pointers,
                module=where.get(vt.type_name, ""),
                ctype=_ctype_attr(vt, types),
            )
        )
    return TableView(e.name, tuple(entries), tuple(unresolved))


def _entry(e: PropertyEntry) -> Group:
    fields = (e.name, e.keyword, e.c_type, e.type_name, e.kind)
    items = [str(e.value), *map(string, fields), str(e.pointers), string(e.module)]
    return call(f"{e.value}: PropertyType(", [*items, string(e.ctype)])


def property_tables_code(tables: Iterable[TableView]) -> str:
    """The PROPERTY_TABLES statement, laid out as black lays it out."""
    items = [
        collection(f"{string(t.enum)}: {{", [_entry(e) for e in t.entries], "}") for t in tables
    ]
    return text(collection("PROPERTY_TABLES: dict[str, dict[int, PropertyType]] = {", items, "}"))


def unresolved_code(tables: Iterable[TableView]) -> str:
    """The UNRESOLVED statement, laid out as black lays it out."""
    items = [
        collection(f"{string(t.enum)}: (", [string(u) for u in t.unresolved], ")") for t in tables
    ]
    return text(collection("UNRESOLVED: dict[str, tuple[str, ...]] = {", items, "}"))


CLASS_INDENT = "    "
METHOD_INDENT = CLASS_INDENT * 2

MODULE_DOC = """Generation-gap bases, completed by wwsapi.pythonic.

Each handle type has a base class whose method stubs carry the Python-shaped
signature of the functions acting on it (derived from the doc pages: the handle
becomes self, out parameters the return value, optional parameters keywords
defaulting to None; sizes, counts and the error object are managed by the
implementation). The hand-written classes in wwsapi.pythonic subclass these;
a test compares their signatures with the stubs, so a doc change that renames
or adds a parameter is caught.

The property tables (PROPERTY_TABLES, UNRESOLVED, PropertyType) are generated
into wwsapi._properties and importable from here too.

The rules are in generator/render/gap.py (wwsgen)."""

PROPERTIES_DOC = """Property tables: the value type of every id of the *_PROPERTY_ID enumerations.

PROPERTY_TABLES gives, for each documented *_PROPERTY_ID enumeration, the value
type of every id as its doc page names it; UNRESOLVED lists the ids whose page
names no fixed-size type. wwsapi.bases re-exports them.

The rules are in generator/render/gap.py (wwsgen)."""


MODULE = "bases"


def check_module_name(model: ApiModel) -> None:
    """An area whose module would be `bases` would overwrite this file: an error."""
    for area in model.areas:
        if area.module == MODULE:
            raise DiagnosticError.single(
                area.source or "specs/pages",
                None,
                f"area {area.title!r} gives module {MODULE!r}, the name of the generated "
                "generation-gap bases (wwsapi/bases.py); rename the area",
            )


def gap_view(model: ApiModel, types: TypeMap) -> GapView:
    check_module_name(model)
    return GapView(doc=docstrings.literal(MODULE_DOC), bases=plan_bases(model, types))


def properties_view(model: ApiModel, types: TypeMap, where: dict[str, str]) -> PropertiesView:
    tables = plan_tables(model, types, where)
    return PropertiesView(
        doc=docstrings.literal(PROPERTIES_DOC),
        tables=tables,
        property_tables=property_tables_code(tables),
        unresolved=unresolved_code(tables),
    )


def gap_inputs(model: ApiModel, view: GapView, abi_inputs: Iterable[str]) -> tuple[str, ...]:
    """The pages the bases are made from, plus the ABI."""
    used = {s.function for b in view.bases for s in b.stubs}
    used |= {b.free_function for b in view.bases}
    pages = {f.doc.source for f in model.functions if f.name in used}
    return (*abi_inputs, *sorted(p for p in pages if p))


def properties_inputs(
    model: ApiModel, view: PropertiesView, abi_inputs: Iterable[str]
) -> tuple[str, ...]:
    """The pages the property tables are made from, plus the ABI."""
    used = {t.enum for t in view.tables}
    pages = {e.doc.source for e in model.enums if e.name in used}
    return (*abi_inputs, *sorted(p for p in pages if p))
