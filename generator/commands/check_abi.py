"""`wwsgen check-abi`: the two ABI sources against each other, element by element.

Every disagreement must be recorded in specs/abi/notes.yaml with its
resolution; an unrecorded one is a finding and the exit status is 1.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.abi import DEFAULT_DIR, load_abi
from generator.abi.store import REPO

NAME = "check-abi"
HELP = (
    "compare the SDK metadata and Wine's webservices.h element by element; fail on any "
    "disagreement not recorded in specs/abi/notes.yaml (needs the [import] extra)"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--metadata", type=Path, metavar="PATH", help="as for import-abi")
    parser.add_argument("--header", type=Path, metavar="PATH", help="as for import-abi")
    parser.add_argument(
        "--abi",
        type=Path,
        default=DEFAULT_DIR,
        metavar="DIR",
        help="the YAML files whose notes.yaml records the known disagreements",
    )


def run(args: argparse.Namespace) -> int:
    from generator.abi.importer import build, coverage_table, read_sources, recorded_hresults

    abi = load_abi(args.abi)
    sources = read_sources(args.metadata, args.header)
    imported = build(sources, recorded_hresults(abi), abi.notes)
    recorded = {(n.element, n.finding) for n in abi.notes}
    found = {(n.element, n.finding) for n in imported.findings}
    notes_path = args.abi / "notes.yaml"
    try:
        shown = notes_path.relative_to(REPO)
    except ValueError:
        shown = notes_path

    print("check-abi: elements per kind")
    for line in coverage_table(imported.coverage):
        print("  " + line)
    unrecorded = [n for n in imported.findings if (n.element, n.finding) not in recorded]
    stale = [n for n in abi.notes if (n.element, n.finding) not in found]
    for n in imported.findings:
        mark = "recorded" if (n.element, n.finding) in recorded else "NOT RECORDED"
        print(f"  {mark}: {n.element}: {n.finding}")
    for n in stale:
        print(f"{shown}: warning: {n.element}: no longer found: {n.finding}")
    merged = imported.abi
    if (
        merged.functions,
        merged.callbacks,
        merged.enums,
        merged.aggregates,
        merged.handles,
        merged.constants,
    ) != (abi.functions, abi.callbacks, abi.enums, abi.aggregates, abi.handles, abi.constants):
        print(f"{args.abi}: warning: differs from a fresh import: run `wwsgen import-abi`")
    print(
        f"check-abi: {len(imported.findings)} disagreements, "
        f"{len(imported.findings) - len(unrecorded)} resolved in {shown}, "
        f"{len(unrecorded)} not recorded"
    )
    for n in unrecorded:
        print(f"{shown}: error: {n.element}: unrecorded disagreement: {n.finding}")
    return 1 if unrecorded else 0
