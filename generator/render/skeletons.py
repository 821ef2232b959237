"""Generated test skeletons: one pytest module per area, `tests/test_skeleton_<area>.py`
in the output folder (`generated/tests/`), plus their checking library `tests/_skeleton.py`.

Each area module holds a table of what the specs say about its functions and
a few tests parametrized over it, run by the host pytest without
webservices.dll:

- the export: the stub of `wwsapi.<module>` records the C function's name and
  is the function of that name in the package;
- the prototype: as many argument types as the ABI has parameters, each the
  ctypes type of the parameter's C type (checked by `_skeleton.matches`, which
  states the type rules of `generator.render.types` over again: size,
  signedness and pointer depth, not the generator's spelling), the return type
  and the calling convention;
- the documented codes: bound against a fake function that returns it, the
  function raises for each documented failure code the class of that code,
  carrying the function's documented meaning; a documented success code is
  returned;
- the friendly wrapper: its parameter names and kinds, or its listing in
  `wwsapi.friendly.NEEDS_HAND_WRITTEN`.

The expectations come from the model when the skeleton is generated, so a
skeleton and a package generated from different specs disagree, and a test
fails (tests/test_skeletons.py shows it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from generator.abi.primitives import OPAQUE_EXTERNAL, POINTER_TYPEDEFS, PRIMITIVES
from generator.apimodel import ApiModel, Function, Kind
from generator.render import docstrings
from generator.render.friendly import Friendly, derive
from generator.render.friendly_view import PACKAGE
from generator.render.types import TypeMap
from generator.render.views import string
from generator.render.wrap import Group, call, collection, text

FOLDER = "tests"
SUPPORT = "_skeleton"
_KIND_WORDS = {
    Kind.AGGREGATE: "aggregate",
    Kind.HANDLE: "handle",
    Kind.CALLBACK: "callback",
    Kind.ENUM: "enum",
    Kind.ALIAS: "alias",
}


@dataclass(frozen=True)
class SkeletonView:
    area: str
    title: str
    doc: str
    specs: str  # the `SPECS = (...)` statement
    types: str  # the `TYPES = {...}` statement
    has_failures: bool
    has_successes: bool


@dataclass(frozen=True)
class SupportView:
    primitives: str  # `PRIMITIVES = {...}` statement
    pointer_typedefs: str
    opaque: str


def _codes(f: Function) -> tuple[list[Group | str], list[Group | str]]:
    """(failures, successes) as tuple literals; one row per value, the first
    row of a value wins (as the runtime matches by value)."""
    failures: list[Group | str] = []
    successes: list[Group | str] = []
    seen: set[int] = set()
    for c in f.return_codes:
        if c.value is None or c.value in seen:
            continue
        seen.add(c.value)
        if c.success:
            successes.append(collection("(", [string(c.code), f"0x{c.value:08X}"], ")"))
        else:
            meaning = " ".join(c.description.split())
            failures.append(
                collection("(", [string(c.code), f"0x{c.value:08X}", string(meaning)], ")")
            )
    return failures, successes


def _friendly(f: Function, types: TypeMap) -> str | Group:
    """`friendly=` the wrapper's (name, keyword-only) pairs, or None."""
    d = derive(f, types)
    if not isinstance(d, Friendly):
        return "friendly=None"
    items: list[str | Group] = [
        collection("(", [string(s.param.py_name), str(s.keyword)], ")") for s in d.python_params()
    ]
    return collection("friendly=(", items, ")")


def _spec(f: Function, types: TypeMap, where: dict[str, str]) -> Group:
    failures, successes = _codes(f)
    params = [collection("(", [string(p.name), string(str(p.type))], ")") for p in f.params]
    return call(
        "Spec(",
        [
            f"name={string(f.name)}",
            f"py_name={string(f.py_name)}",
            f"module={string(where[f.name])}",
            f"returns={string(str(f.returns))}",
            collection("params=(", params, ")"),
            f"stdcall={f.convention == 'stdcall'}",
            collection("failures=(", failures, ")"),
            collection("successes=(", successes, ")"),
            _friendly(f, types),
        ],
    )


def _type_names(functions: Iterable[Function], types: TypeMap) -> dict[str, str]:
    """The ABI types the parameters name, with their kind."""
    found: dict[str, str] = {}
    for f in functions:
        for ctype in (f.returns, *(p.type for p in f.params)):
            name = ctype.name
            if name in types.kinds:
                found[name] = _KIND_WORDS[types.kinds[name]]
    return dict(sorted(found.items()))


def skeleton_view(
    area: str, title: str, functions: list[Function], types: TypeMap, where: dict[str, str]
) -> SkeletonView:
    specs = [_spec(f, types, where) for f in functions]
    type_items = [
        f"{string(k)}: ({string(v)}, {string(types.py_names[k])})"
        for k, v in _type_names(functions, types).items()
    ]
    doc = (
        f"Spec facts of the area {title} ({len(functions)} functions), checked against "
        f"the package {PACKAGE} without webservices.dll.\n\n"
        "Each table row is what the specs say about one function; the tests below "
        "check the generated package against it (see tests/_skeleton.py)."
    )
    return SkeletonView(
        area=area,
        title=title,
        doc=docstrings.literal("\n".join(docstrings._paragraphs(doc))),
        specs=text(collection("SPECS: tuple[Spec, ...] = (", specs, ")")),
        types=text(collection("TYPES: dict[str, tuple[str, str]] = {", type_items, "}")),
        has_failures=any(
            c.value is not None and not c.success for f in functions for c in f.return_codes
        ),
        has_successes=any(
            c.value is not None and c.success for f in functions for c in f.return_codes
        ),
    )


def support_view() -> SupportView:
    primitives = [f"{string(n)}: {string(p.cls)}" for n, p in sorted(PRIMITIVES.items())]
    typedefs = [
        f"{string(n)}: ({string(t)}, {extra})"
        for n, (t, extra, _) in sorted(POINTER_TYPEDEFS.items())
    ]
    return SupportView(
        primitives=text(collection("PRIMITIVES: dict[str, str] = {", primitives, "}")),
        pointer_typedefs=text(
            collection("POINTER_TYPEDEFS: dict[str, tuple[str, int]] = {", typedefs, "}")
        ),
        opaque=text(
            collection(
                "OPAQUE_EXTERNAL = frozenset(",
                [collection("{", [string(n) for n in sorted(OPAQUE_EXTERNAL)], "}")],
                ")",
            )
        ),
    )


Planned = tuple[str, str, object, tuple[str, ...]]  # path, template, view, inputs


def planned_files(
    model: ApiModel, types: TypeMap, where: dict[str, str], abi_inputs: tuple[str, ...]
) -> Iterator[Planned]:
    """One skeleton per area that has functions, and the checking library."""
    by_area: dict[str, list[Function]] = {}
    for f in sorted(model.functions, key=lambda f: f.name):
        by_area.setdefault(f.area, []).append(f)
    for area in model.areas:
        functions = by_area.get(area.module)
        if not functions:
            continue
        pages = {f.doc.source for f in functions if f.doc.source}
        yield (
            f"{FOLDER}/test_skeleton_{area.module}.py",
            f"{FOLDER}/test_skeleton.py.j2",
            skeleton_view(area.module, area.title, functions, types, where),
            (*abi_inputs, *sorted(pages)),
        )
    yield (f"{FOLDER}/{SUPPORT}.py", f"{FOLDER}/_skeleton.py.j2", support_view(), abi_inputs)
