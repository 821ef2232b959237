"""Which generated module each element lives in, and in what order.

A module is an area (`generator.merge` assigns areas). Executing an area
module has three phases, which is what lets areas point at each other freely:

1. enumerations, constants, handle classes and structure/union classes are
   defined, without dependencies (their fields are set later);
2. the classes it needs from other modules are imported: they exist even when
   the other module is half imported (an import cycle), since its phase 1 ran
   first;
3. callbacks are built and aliases bound, in dependency order.

The fields of every structure and union are set by one module, `_layout`,
once every area module has run (the last area module to finish imports it;
see `wwsapi._runtime.leave`), in an order that completes an embedded aggregate
before its container: by-value embedding may cross areas in both directions.
The one need that cannot wait is a callback whose parameter is another
callback type, since that class must exist when the first is built: such
callbacks are kept in one module (the module of the first of them by name).
Functions bind their ctypes prototypes on first call, so they import nothing.

A module whose estimated size is over `LINE_BUDGET` keeps its types and
spills its functions into `<module>_2`, `<module>_3`, ...
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from generator.apimodel import (
    Aggregate,
    Alias,
    ApiModel,
    Area,
    Callback,
    Constant,
    Enumeration,
    Function,
    Handle,
    Kind,
)
from generator.render import docstrings
from generator.render.types import TypeMap

LINE_BUDGET = 4000

Element = Enumeration | Constant | Handle | Aggregate | Callback | Alias | Function


@dataclass(frozen=True)
class Step:
    """One phase-3 statement: build a callback or bind an alias."""

    kind: str  # "callback" | "alias"
    element: Callback | Alias


@dataclass
class ModulePlan:
    """The content of one generated area module, in output order."""

    name: str
    area: Area
    enums: list[Enumeration] = field(default_factory=list)
    constants: list[Constant] = field(default_factory=list)
    handles: list[Handle] = field(default_factory=list)
    aggregates: list[Aggregate] = field(default_factory=list)
    callbacks: list[Callback] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    def types(self) -> list[Handle | Aggregate | Callback | Alias]:
        return [*self.handles, *self.aggregates, *self.callbacks, *self.aliases]

    def elements(self) -> list[Element]:
        return [*self.enums, *self.constants, *self.types(), *self.functions]


class PlanError(ValueError):
    """The types cannot be ordered (a by-value cycle in the ABI)."""


def type_refs(element: Element, types: TypeMap) -> set[tuple[str, bool]]:
    """Elements `element` needs: (C name, strong). Strong means complete:
    an aggregate embedded by value (its fields set), a callback (built)."""
    direct: Callable[[str], str] = lambda name: name  # noqa: E731
    refs: set[tuple[str, bool]] = set()
    if isinstance(element, Aggregate):
        for f in element.fields:
            refs |= types.use(f.type, direct).refs
    elif isinstance(element, Callback):
        for p in element.params:
            refs |= types.use(p.type, direct).refs
        refs |= types.use(element.returns, direct).refs
        # a callback class needs its parameters' classes to exist, nothing more
        # (ctypes reads a structure's layout when a callback object is made)
        refs = {(n, strong and types.kinds.get(n) is not Kind.AGGREGATE) for n, strong in refs}
    elif isinstance(element, Alias):
        refs |= types.use(element.type, direct).refs
        refs = {(n, strong and types.kinds.get(n) is not Kind.AGGREGATE) for n, strong in refs}
    refs.discard((element.name, False))
    refs.discard((element.name, True))
    return refs


def plan_modules(model: ApiModel, types: TypeMap) -> list[ModulePlan]:
    """The area modules of the package, sorted by name."""
    areas = {a.module: a for a in model.areas}
    modules: dict[str, ModulePlan] = {}
    groups: tuple[tuple[str, tuple[Element, ...]], ...] = (
        ("enums", model.enums),
        ("constants", model.constants),
        ("handles", model.handles),
        ("aggregates", model.aggregates),
        ("callbacks", model.callbacks),
        ("aliases", model.aliases),
        ("functions", model.functions),
    )
    for attribute, elements in groups:
        for element in elements:
            if element.area not in modules:
                modules[element.area] = ModulePlan(element.area, areas[element.area])
            getattr(modules[element.area], attribute).append(element)

    _colocate_strong(modules, types)
    _split_large(modules)
    for plan in modules.values():
        plan.steps = _order_steps(plan, types)
    return [modules[name] for name in sorted(modules)]


def module_of(plans: Iterable[ModulePlan]) -> dict[str, str]:
    """C name -> module name, for every element of every plan."""
    result: dict[str, str] = {}
    for plan in plans:
        for e in plan.elements():
            result[e.name] = plan.name
    return result


def _colocate_strong(modules: dict[str, ModulePlan], types: TypeMap) -> None:
    """Put callbacks and aliases that need each other built into one module.

    Strong needs between phase-3 steps are grouped (union-find); a group
    spread over several modules moves to the module of its first member by
    name, so no module waits for another's phase 3.
    """
    where = module_of(modules.values())
    parent: dict[str, str] = {}

    def find(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    steps: list[Callback | Alias] = []
    for plan in modules.values():
        steps += plan.callbacks
        steps += plan.aliases
    for element in steps:
        for name, strong in type_refs(element, types):
            if strong and types.kinds.get(name) in (Kind.CALLBACK, Kind.ALIAS):
                a, b = sorted((find(element.name), find(name)))
                parent[b] = a
    groups: dict[str, list[Callback | Alias]] = {}
    for element in steps:
        groups.setdefault(find(element.name), []).append(element)
    for members in groups.values():
        homes = {where[m.name] for m in members}
        if len(homes) < 2:
            continue
        target = where[min(m.name for m in members)]
        for member in members:
            source = modules[where[member.name]]
            if source.name == target:
                continue
            if isinstance(member, Callback):
                source.callbacks.remove(member)
                modules[target].callbacks.append(member)
                modules[target].callbacks.sort(key=lambda e: e.name)
            else:
                source.aliases.remove(member)
                modules[target].aliases.append(member)
                modules[target].aliases.sort(key=lambda e: e.name)


def layout_order(model: ApiModel, types: TypeMap) -> list[Aggregate]:
    """Every aggregate, each after the aggregates it embeds by value."""
    steps = {a.name: a for a in model.aggregates}
    needs = {
        a.name: {n for n, strong in type_refs(a, types) if strong and n in steps}
        for a in model.aggregates
    }
    return [steps[name] for name in _topological(needs, lambda name: name)]


def _topological(needs: dict[str, set[str]], key: Callable[[str], object]) -> list[str]:
    """Names in dependency order (Kahn's algorithm), ties broken by `key`."""
    remaining = {name: set(required) for name, required in needs.items()}
    users: dict[str, set[str]] = {name: set() for name in needs}
    for name, required in needs.items():
        for r in required:
            users[r].add(name)
    ready = [(key(n), n) for n, r in remaining.items() if not r]
    heapq.heapify(ready)
    result: list[str] = []
    while ready:
        _, name = heapq.heappop(ready)
        result.append(name)
        for user in sorted(users[name]):
            remaining[user].discard(name)
            if not remaining[user]:
                heapq.heappush(ready, (key(user), user))
    if len(result) != len(needs):
        stuck = sorted(set(needs) - set(result))
        raise PlanError(
            "these types need each other complete, so no order can build them: " + ", ".join(stuck)
        )
    return result


def estimate_lines(element: Element) -> int:
    """A close upper estimate of an element's lines in its area module (the
    docstring exactly, the code by its shape; fields live in `_layout`)."""
    if isinstance(element, Function):
        doc = docstrings.function_doc(element)
        codes = sum(1 for c in element.return_codes if c.value is not None)
        return doc.count("\n") + 2 * len(element.params) + codes + 12
    if isinstance(element, Callback):
        return docstrings.callback_doc(element).count("\n") + len(element.params) + 10
    if isinstance(element, Aggregate):
        return docstrings.aggregate_doc(element).count("\n") + len(element.fields) + 6
    if isinstance(element, Enumeration):
        return docstrings.enum_doc(element).count("\n") + 2 * len(element.members) + 8
    if isinstance(element, Handle):
        return docstrings.handle_doc(element).count("\n") + 6
    if isinstance(element, Alias):
        return docstrings.alias_doc(element).count("\n") + 5
    return 2


def _split_large(modules: dict[str, ModulePlan]) -> None:
    for name in sorted(modules):
        plan = modules[name]
        size = sum(estimate_lines(e) for e in plan.elements()) + 40
        if size <= LINE_BUDGET or not plan.functions:
            continue
        budget = LINE_BUDGET - (size - sum(estimate_lines(f) for f in plan.functions))
        functions, plan.functions = plan.functions, []
        part, current, used = 1, plan, 0
        for f in functions:
            cost = estimate_lines(f)
            if current.functions and used + cost > budget:
                part += 1
                part_name = f"{name}_{part}"
                area = Area(
                    name=plan.area.name,
                    module=part_name,
                    title=f"{plan.area.title} (part {part})",
                    description=plan.area.description,
                    source=plan.area.source,
                )
                current = modules[part_name] = ModulePlan(part_name, area)
                used, budget = 0, LINE_BUDGET - 40
            current.functions.append(f)
            used += cost


def _order_steps(plan: ModulePlan, types: TypeMap) -> list[Step]:
    """Phase-3 steps in dependency order, callbacks before aliases, by name."""
    steps: dict[str, Step] = {}
    for c in plan.callbacks:
        steps[c.name] = Step("callback", c)
    for al in plan.aliases:
        steps[al.name] = Step("alias", al)
    needs = {
        name: {n for n, strong in type_refs(step.element, types) if strong and n in steps}
        for name, step in steps.items()
    }
    order = {"callback": 0, "alias": 1}
    names = _topological(needs, lambda name: (order[steps[name].kind], name))
    return [steps[name] for name in names]
