"""`wwsgen check-docs`: the doc pages against the ABI facts of specs/abi."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.abi import DEFAULT_DIR, load_abi
from generator.abi.store import REPO
from generator.diagnostics import Severity

NAME = "check-docs"
HELP = (
    "check the doc pages (specs/pages and --docs trees) against specs/abi: parameters, "
    "directions, enum members, struct fields, return codes and their values"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--docs",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a doc tree to check as well (repeatable; later pages of an element win)",
    )
    parser.add_argument(
        "--abi",
        type=Path,
        default=DEFAULT_DIR,
        metavar="DIR",
        help="the ABI facts (default: specs/abi)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print errors and the summary only (no warnings or inferences)",
    )


def run(args: argparse.Namespace) -> int:
    from generator.abi.doccheck import (
        check_code_values,
        check_pages,
        documented_code_values,
        summary,
    )
    from generator.parse import parse_paths

    abi = load_abi(args.abi)
    pages = REPO / "specs" / "pages"
    if pages.is_relative_to(Path.cwd()):
        pages = pages.relative_to(Path.cwd())  # shorter paths in the report
    paths = [pages, *args.docs]
    docset = parse_paths(paths)
    findings = check_pages(docset, abi)
    findings += check_code_values(documented_code_values(paths), abi)
    for finding in findings:
        if args.quiet and finding.diagnostic.severity is not Severity.ERROR:
            continue
        print(finding.diagnostic)
    errors = sum(1 for f in findings if f.diagnostic.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.diagnostic.severity is Severity.WARNING)
    inferred = sum(1 for f in findings if f.kind == "direction-inferred")
    checked = sum(1 for e in docset.elements if e.kind.value != "area")
    print(
        f"check-docs: {docset.pages} pages read ({checked} element pages) from "
        f"{', '.join(str(p) for p in paths)}"
    )
    parse_errors = sum(1 for d in docset.diagnostics if d.severity is Severity.ERROR)
    if parse_errors:
        print(f"check-docs: {parse_errors} parse errors (see `wwsgen parse`), not counted here")
    print(f"check-docs: {errors} mismatches, {warnings} warnings, {inferred} directions inferred")
    for line in summary(findings):
        print(line)
    return 1 if errors else 0
