"""What files the package consists of: one entry per kind of output file.

Adding an output kind (test skeletons per area, generation-gap base classes,
...) is a template in `templates/` plus one function here that yields
`PlannedFile`s, registered in `OUTPUT_KINDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.apimodel import ApiModel
from generator.render import friendly_view, gap, skeletons
from generator.render.modules import ModulePlan, layout_order, module_of, plan_modules
from generator.render.types import TypeMap
from generator.render.views import ModuleBuilder, hresults_view, layout_view, package_view

PACKAGE = "wwsapi"


@dataclass(frozen=True)
class PlannedFile:
    """One output file: `path` relative to the output directory; `inputs`
    the relative input paths named in its header."""

    path: str
    template: str
    context: dict[str, Any] = field(hash=False, compare=False)
    inputs: tuple[str, ...] = ()
    python: bool = True  # formatted by black


@dataclass(frozen=True)
class PlanContext:
    """What every output kind may read."""

    model: ApiModel
    types: TypeMap
    modules: tuple[ModulePlan, ...]
    where: dict[str, str]
    abi_inputs: tuple[str, ...]
    doc_inputs: tuple[str, ...]

    def package_inputs(self) -> tuple[str, ...]:
        return (*self.abi_inputs, *self.doc_inputs)


def _module_inputs(ctx: PlanContext, plan: ModulePlan) -> tuple[str, ...]:
    pages = {plan.area.source} if plan.area.source else set()
    for element in plan.elements():
        doc = getattr(element, "doc", None)
        if doc is not None and doc.source:
            pages.add(doc.source)
    return (*ctx.abi_inputs, *sorted(pages))


def area_modules(ctx: PlanContext) -> Iterable[PlannedFile]:
    builder = ModuleBuilder(ctx.model, ctx.types, ctx.where)
    for plan in ctx.modules:
        yield PlannedFile(
            path=f"{PACKAGE}/{plan.name}.py",
            template="wwsapi/area.py.j2",
            context={"view": builder.build(plan)},
            inputs=_module_inputs(ctx, plan),
        )


def package_files(ctx: PlanContext) -> Iterable[PlannedFile]:
    view = package_view(ctx.model, ctx.where, [m.name for m in ctx.modules])
    inputs = ctx.package_inputs()
    yield PlannedFile(f"{PACKAGE}/__init__.py", "wwsapi/__init__.py.j2", {"view": view}, inputs)
    yield PlannedFile(f"{PACKAGE}/__init__.pyi", "wwsapi/__init__.pyi.j2", {"view": view}, inputs)
    yield PlannedFile(f"{PACKAGE}/_runtime.py", "wwsapi/_runtime.py.j2", {"view": view}, inputs)
    yield PlannedFile(f"{PACKAGE}/_errors.py", "wwsapi/_errors.py.j2", {}, ())
    yield PlannedFile(
        f"{PACKAGE}/hresults.py",
        "wwsapi/hresults.py.j2",
        {"view": hresults_view(ctx.model.hresults)},
        (*ctx.abi_inputs, *ctx.doc_inputs),
    )
    yield PlannedFile(f"{PACKAGE}/py.typed", "wwsapi/py.typed.j2", {}, inputs, python=False)
    layout = layout_view(layout_order(ctx.model, ctx.types), ctx.types, ctx.where)
    yield PlannedFile(
        f"{PACKAGE}/_layout.py", "wwsapi/_layout.py.j2", {"view": layout}, ctx.abi_inputs
    )


def gap_bases(ctx: PlanContext) -> Iterable[PlannedFile]:
    """wwsapi/bases.py and wwsapi/_properties.py: the generation-gap bases and
    property tables that wwsapi.pythonic completes (see generator/render/gap.py)."""
    view = gap.gap_view(ctx.model, ctx.types)
    inputs = gap.gap_inputs(ctx.model, view, ctx.abi_inputs)
    yield PlannedFile(f"{PACKAGE}/bases.py", "wwsapi/bases.py.j2", {"view": view}, inputs)
    tables = gap.properties_view(ctx.model, ctx.types, ctx.where)
    inputs = gap.properties_inputs(ctx.model, tables, ctx.abi_inputs)
    yield PlannedFile(
        f"{PACKAGE}/_properties.py", "wwsapi/_properties.py.j2", {"view": tables}, inputs
    )


def friendly_layer(ctx: PlanContext) -> Iterable[PlannedFile]:
    """wwsapi/friendly/: Python-shaped wrappers (see generator/render/friendly.py)."""
    for path, template, view, inputs in friendly_view.planned_files(
        ctx.model, ctx.types, ctx.modules, ctx.where, ctx.abi_inputs, ctx.doc_inputs
    ):
        yield PlannedFile(path, template, {"view": view}, inputs)


def skeleton_tests(ctx: PlanContext) -> Iterable[PlannedFile]:
    """tests/: a generated test module per area (see generator/render/skeletons.py)."""
    for path, template, view, inputs in skeletons.planned_files(
        ctx.model, ctx.types, ctx.where, ctx.abi_inputs
    ):
        yield PlannedFile(path, template, {"view": view}, inputs)


OUTPUT_KINDS: tuple[Callable[[PlanContext], Iterable[PlannedFile]], ...] = (
    package_files,
    area_modules,
    gap_bases,
    friendly_layer,
    skeleton_tests,
)


def plan_files(
    model: ApiModel, abi_inputs: tuple[str, ...], doc_inputs: tuple[str, ...]
) -> list[PlannedFile]:
    """Every file of the package, sorted by path."""
    types = TypeMap(model)
    modules = tuple(plan_modules(model, types))
    where = module_of(modules)
    ctx = PlanContext(model, types, modules, where, abi_inputs, doc_inputs)
    files = [f for kind in OUTPUT_KINDS for f in kind(ctx)]
    return sorted(files, key=lambda f: f.path)
