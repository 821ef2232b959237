"""`wwsgen coverage`: per area, which functions have hand-written tests and
which need hand-written code.

    wwsgen coverage [--json] [--tests DIR]... [--specs DIR] [--docs DIR]...

The functions and areas are those of the merged model (specs/ plus the doc
trees, as `wwsgen generate` reads them). The rule for "has a hand-written
test": a test module (`test_*.py` under a `--tests` folder, default `tests/`;
folders named `golden` and `fixtures` are skipped) either

- names the function in a `pytest.mark.wwsapi(...)` marker (string literals,
  or module-level tuples or lists of them, also starred): the live suite's
  marker of the functions a test calls, which is how a test of
  `wwsapi.pythonic` says which functions it exercises; or
- refers to it by name as an attribute (`wwsapi.WsCreateHeap`,
  `friendly.WsCreateHeap`, `wwsapi.heap.WsCreateHeap`) or imports it
  (`from wwsapi import WsCreateHeap`).

A test under a folder named `live` runs against webservices.dll and counts as
"live", any other as "host" (host tests call fakes). The generated skeletons
(generated/tests) check bindings, not behaviour, and are not counted.

"Needs hand-written code" lists the functions that have no friendly wrapper,
with the reason (generator/render/friendly.py). The command is a report: it
exits 0, and 1 only on bad input (specs with errors, a test module that is
not Python, a missing folder).
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.apimodel import ApiModel
from generator.config import Config, load_config
from generator.diagnostics import Diagnostic, DiagnosticError, Severity, has_errors
from generator.pipeline import build_model, gather_inputs

NAME = "coverage"
HELP = (
    "report, per area, the functions with hand-written tests and those that need hand-written code"
)

SKIPPED_FOLDERS = frozenset({"golden", "fixtures", "__pycache__"})
LIVE_FOLDER = "live"
WIDTH = 100


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--tests",
        metavar="DIR",
        action="append",
        default=[],
        help="a folder of tests to scan (repeatable; default: tests/ in the project root)",
    )
    parser.add_argument("--specs", metavar="DIR", help="specs folder (default: 'specs')")
    parser.add_argument(
        "--docs",
        metavar="DIR",
        action="append",
        default=[],
        help="another doc tree merged over specs/pages (repeatable; later wins)",
    )


@dataclass(frozen=True)
class Reference:
    """One place a test module names a function."""

    function: str
    path: str
    line: int
    live: bool
    how: str  # "marker", "attribute" or "import"


@dataclass
class FunctionReport:
    name: str
    references: list[Reference] = field(default_factory=list)
    needs_hand_written: str | None = None

    @property
    def live(self) -> bool:
        return any(r.live for r in self.references)

    @property
    def host(self) -> bool:
        return any(not r.live for r in self.references)

    @property
    def tested(self) -> bool:
        return bool(self.references)


@dataclass(frozen=True)
class AreaReport:
    module: str
    title: str
    functions: tuple[FunctionReport, ...]


def run(args: argparse.Namespace) -> int:
    config = load_config(Path.cwd(), specs=args.specs, docs=args.docs)
    model = load_model(config)
    folders = [Path(t) for t in args.tests] or [config.root / "tests"]
    references, problems = scan_folders(folders, config, {f.name for f in model.functions})
    if has_errors(problems):
        raise DiagnosticError([d for d in problems if d.severity is Severity.ERROR])
    for diagnostic in problems:
        print(diagnostic, file=sys.stderr)
    areas = report(model, references)
    if args.json:
        print(json.dumps(as_json(areas, [config.relative(f) for f in folders]), indent=1))
    else:
        print("\n".join(as_text(areas)))
    return 0


def load_model(config: Config) -> ApiModel:
    """The merged model of the specs and doc trees (its warnings are
    `wwsgen generate`'s to print)."""
    from generator.render.friendly import check_module_name

    _, page_trees, problems = gather_inputs(config)
    if problems:
        raise DiagnosticError(problems)
    model, _ = build_model(config, page_trees)
    check_module_name(model)
    return model


def test_modules(folder: Path) -> Iterator[Path]:
    """The `test_*.py` files under `folder`, skipping SKIPPED_FOLDERS, sorted."""
    for path in sorted(folder.rglob("test_*.py")):
        relative = path.relative_to(folder).parts[:-1]
        if not SKIPPED_FOLDERS.intersection(relative):
            yield path


def scan_folders(
    folders: Iterable[Path], config: Config, functions: set[str]
) -> tuple[list[Reference], list[Diagnostic]]:
    references: list[Reference] = []
    problems: list[Diagnostic] = []
    for folder in folders:
        if not folder.is_dir():
            problems.append(Diagnostic(config.relative(folder), None, "no such folder of tests"))
            continue
        for path in test_modules(folder):
            live = LIVE_FOLDER in path.relative_to(folder).parts[:-1] or folder.name == LIVE_FOLDER
            found, diagnostics = scan_module(
                path.read_text(encoding="utf-8", errors="replace"),
                config.relative(path),
                functions,
                live,
            )
            references += found
            problems += diagnostics
    return references, problems


def _strings(node: ast.expr, constants: dict[str, list[str]]) -> list[str] | None:
    """The names an argument of a marker stands for; None when it is not readable."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Starred):
        return _strings(node.value, constants)
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [_strings(e, constants) for e in node.elts]
        if all(i is not None for i in items):
            return [name for i in items for name in i or ()]
    return None


def _constants(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level `NAME = ("WsA", "WsB", ...)` (tuples or lists of strings)."""
    found: dict[str, list[str]] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if not isinstance(value, (ast.Tuple, ast.List)):
            continue
        names = _strings(value, found)
        for target in targets:
            if isinstance(target, ast.Name) and names is not None:
                found[target.id] = names
    return found


def _is_marker(func: ast.expr) -> bool:
    """`pytest.mark.wwsapi` or `mark.wwsapi`."""
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "wwsapi"
        and (
            (isinstance(func.value, ast.Attribute) and func.value.attr == "mark")
            or (isinstance(func.value, ast.Name) and func.value.id == "mark")
        )
    )


def scan_module(
    source: str, path: str, functions: set[str], live: bool
) -> tuple[list[Reference], list[Diagnostic]]:
    """The functions a test module names, by the rule of the module docstring."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        return [], [Diagnostic(path, exc.lineno, f"not Python, so not scanned: {exc.msg}")]
    constants = _constants(tree)
    found: list[Reference] = []
    problems: list[Diagnostic] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_marker(node.func):
            for arg in node.args:
                names = _strings(arg, constants)
                if names is None:
                    problems.append(
                        Diagnostic(
                            path,
                            arg.lineno,
                            "a pytest.mark.wwsapi argument that is neither a string nor a "
                            "module-level tuple of strings: its functions are not counted",
                            Severity.WARNING,
                        )
                    )
                    continue
                for name in names:
                    if name in functions:
                        found.append(Reference(name, path, arg.lineno, live, "marker"))
                    else:
                        problems.append(
                            Diagnostic(
                                path,
                                arg.lineno,
                                f"pytest.mark.wwsapi names {name!r}, which is no function "
                                "of the specs",
                                Severity.WARNING,
                            )
                        )
        elif isinstance(node, ast.Attribute) and node.attr in functions:
            found.append(Reference(node.attr, path, node.lineno, live, "attribute"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "wwsapi":
            for alias in node.names:
                if alias.name in functions:
                    found.append(Reference(alias.name, path, node.lineno, live, "import"))
    return found, problems


def report(model: ApiModel, references: Iterable[Reference]) -> tuple[AreaReport, ...]:
    """Every function of the model, by area, with its references and whether it
    needs hand-written code."""
    from generator.render.friendly import Unfriendly, derive
    from generator.render.types import TypeMap

    types = TypeMap(model)
    by_function: dict[str, list[Reference]] = {}
    for r in references:
        by_function.setdefault(r.function, []).append(r)
    areas = []
    titles = {a.module: a.title for a in model.areas}
    by_area: dict[str, list[FunctionReport]] = {}
    for f in sorted(model.functions, key=lambda f: f.name):
        derived = derive(f, types)
        reason = "; ".join(derived.reasons) if isinstance(derived, Unfriendly) else None
        refs = sorted(by_function.get(f.name, []), key=lambda r: (r.path, r.line))
        by_area.setdefault(f.area, []).append(FunctionReport(f.name, refs, reason))
    for module in sorted(by_area):
        areas.append(AreaReport(module, titles.get(module, module), tuple(by_area[module])))
    return tuple(areas)


def _totals(functions: Iterable[FunctionReport]) -> dict[str, int]:
    items = list(functions)
    return {
        "functions": len(items),
        "tested": sum(f.tested for f in items),
        "live": sum(f.live for f in items),
        "host": sum(f.host for f in items),
        "untested": sum(not f.tested for f in items),
        "friendly": sum(f.needs_hand_written is None for f in items),
        "needs_hand_written": sum(f.needs_hand_written is not None for f in items),
    }


def as_json(areas: tuple[AreaReport, ...], folders: list[str]) -> dict[str, object]:
    return {
        "tests": folders,
        "areas": [
            {
                "module": a.module,
                "title": a.title,
                "totals": _totals(a.functions),
                "functions": [
                    {
                        "name": f.name,
                        "live": f.live,
                        "host": f.host,
                        "references": [
                            {"path": r.path, "line": r.line, "live": r.live, "how": r.how}
                            for r in f.references
                        ],
                        "needs_hand_written": f.needs_hand_written,
                    }
                    for f in a.functions
                ],
            }
            for a in areas
        ],
        "totals": _totals(f for a in areas for f in a.functions),
    }


def _where(f: FunctionReport) -> str:
    return "live+host" if f.live and f.host else "live" if f.live else "host"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _summary(totals: dict[str, int]) -> str:
    return (
        f"{_count(totals['functions'], 'function')}: {totals['tested']} tested "
        f"({totals['live']} live, {totals['host']} host), {totals['untested']} untested; "
        f"{totals['needs_hand_written']} without a friendly wrapper"
    )


def _listing(head: str, names: list[str]) -> list[str]:
    return textwrap.wrap(
        ", ".join(names),
        width=WIDTH,
        initial_indent=f"  {head}: ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    )


def as_text(areas: tuple[AreaReport, ...]) -> list[str]:
    lines = []
    for a in areas:
        lines.append(f"{a.module} ({a.title}): {_summary(_totals(a.functions))}")
        lines += _listing("tested", [f"{f.name}[{_where(f)}]" for f in a.functions if f.tested])
        lines += _listing("untested", [f.name for f in a.functions if not f.tested])
        needs = [f for f in a.functions if f.needs_hand_written is not None]
        if needs:
            lines.append("  needs hand-written code:")
            for f in needs:
                lines += textwrap.wrap(
                    f"{f.name}: {f.needs_hand_written}",
                    width=WIDTH,
                    initial_indent="    ",
                    subsequent_indent="      ",
                )
    totals = _totals(f for a in areas for f in a.functions)
    lines.append(f"total: {_count(len(areas), 'area')}, {_summary(totals)}")
    return lines
