"""`wwsgen verify-abi`: assert the model's layouts, values and prototypes to MinGW gcc
compiling against Wine's webservices.h, for x86_64 and for i686 (stdcall)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from generator.abi import DEFAULT_DIR, load_abi
from generator.abi.layout import AggregateLayout, FieldLayout, compute_layouts
from generator.abi.verify import compile_checks, render
from generator.abimodel import Target
from generator.diagnostics import Diagnostic, DiagnosticError

NAME = "verify-abi"
HELP = (
    "compile _Static_asserts of every layout, enum value and prototype of specs/abi against "
    "Wine's webservices.h with MinGW gcc (x86_64 and i686)"
)
DEFAULT_HEADER = Path("/usr/include/wine/wine/windows/webservices.h")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--abi",
        type=Path,
        default=DEFAULT_DIR,
        metavar="DIR",
        help="the YAML files to verify (default: specs/abi)",
    )
    parser.add_argument(
        "--header",
        type=Path,
        default=DEFAULT_HEADER,
        metavar="PATH",
        help=f"Wine's webservices.h (default: {DEFAULT_HEADER})",
    )
    parser.add_argument(
        "--target",
        choices=[t.value for t in Target],
        action="append",
        help="check only this target (repeatable; default: both)",
    )
    parser.add_argument(
        "--layout-from",
        type=Path,
        metavar="FILE.json",
        help="assert the layouts in this JSON ({aggregate: {size, align, offsets: {field: n}}}) "
        "instead of the computed ones; needs exactly one --target",
    )


def read_layout_json(path: Path) -> dict[str, AggregateLayout]:
    """Layouts of one target from JSON; every shape error names the aggregate."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DiagnosticError.single(str(path), exc.lineno, f"not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise DiagnosticError.single(str(path), 1, "expected an object of aggregates by name")
    errors: list[Diagnostic] = []
    out: dict[str, AggregateLayout] = {}
    for name, body in data.items():
        offsets = body.get("offsets") if isinstance(body, dict) else None
        size = body.get("size") if isinstance(body, dict) else None
        align = body.get("align") if isinstance(body, dict) else None
        if (
            not isinstance(size, int)
            or not isinstance(align, int)
            or not isinstance(offsets, dict)
            or not all(isinstance(v, int) for v in offsets.values())
        ):
            errors.append(
                Diagnostic(
                    str(path),
                    None,
                    f"{name}: expected " "{size: int, align: int, offsets: {field: int}}",
                )
            )
            continue
        fields = tuple(FieldLayout(f, o, 0) for f, o in offsets.items())
        out[name] = AggregateLayout(name, size, align, fields)
    if errors:
        raise DiagnosticError(errors)
    return out


def run(args: argparse.Namespace) -> int:
    abi = load_abi(args.abi)
    targets = [Target(t) for t in args.target] if args.target else [Target.X64, Target.X86]
    if args.layout_from is not None and len(targets) != 1:
        raise DiagnosticError.single(
            str(args.layout_from), None, "--layout-from describes one target: give one --target"
        )
    if not args.header.is_file():
        raise DiagnosticError.single(
            str(args.header), None, "Wine's webservices.h not found (apt-get install libwine-dev)"
        )
    failures: list[Diagnostic] = []
    for target in targets:
        if args.layout_from is not None:
            layouts = read_layout_json(args.layout_from)
            unknown = sorted(set(layouts) - {a.name for a in abi.aggregates})
            if unknown:
                raise DiagnosticError.single(
                    str(args.layout_from),
                    None,
                    f"aggregates not in the model: {', '.join(unknown)}",
                )
        else:
            layouts = compute_layouts(abi, target)
        checks = render(abi, target, layouts, args.header)
        result = compile_checks(checks, args.abi)
        verified = sum(len(v) for v in checks.verified.values())
        status = "passed" if result.ok else "FAILED"
        print(
            f"verify-abi: {target.value}: {status}: {verified} elements, "
            f"{checks.assertions} checks compiled against {args.header}"
        )
        for kind, names in checks.verified.items():
            print(f"  verified {kind}: {len(names)}")
        failures.extend(result.diagnostics)
    unverifiable = checks.unverifiable
    total = sum(len(v) for v in unverifiable.values())
    print(f"verify-abi: {total} elements not verifiable (not declared by Wine's header):")
    for kind, names in unverifiable.items():
        print(f"  {kind} ({len(names)}): {', '.join(names)}")
    if checks.disagreeing:
        print(
            f"verify-abi: {len(checks.disagreeing)} elements differ from Wine by a recorded "
            f"disagreement (notes.yaml), not asserted: {', '.join(checks.disagreeing)}"
        )
    if failures:
        raise DiagnosticError(failures)
    return 0
