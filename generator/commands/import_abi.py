"""`wwsgen import-abi`: refresh specs/abi/ from the SDK metadata and Wine's header."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.abi import DEFAULT_DIR, load_abi, save_abi
from generator.abi.store import REPO
from generator.abimodel import AbiSet
from generator.diagnostics import DiagnosticError

NAME = "import-abi"
HELP = (
    "refresh specs/abi/*.yaml from the Windows SDK metadata and Wine's webservices.h "
    "(needs the [import] extra)"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--metadata",
        type=Path,
        metavar="PATH",
        help="the win32more package folder or its WindowsWebServices module "
        "(default: the installed package)",
    )
    parser.add_argument(
        "--header",
        type=Path,
        metavar="PATH",
        help="Wine's webservices.h (default: /usr/include/wine/wine/windows/webservices.h)",
    )
    parser.add_argument(
        "--abi",
        type=Path,
        default=DEFAULT_DIR,
        metavar="DIR",
        help="where the YAML files go (default: specs/abi)",
    )
    parser.add_argument(
        "--codes-from",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="doc pages whose named HRESULT codes are added as constants (repeatable; "
        "specs/pages always counts, and codes already in specs/abi are kept)",
    )


def _existing(directory: Path) -> AbiSet | None:
    """The current files, to keep recorded reasons and codes; None when absent or unreadable."""
    if not (directory / "functions.yaml").is_file():
        return None
    try:
        return load_abi(directory)
    except DiagnosticError:
        return None


def run(args: argparse.Namespace) -> int:
    from generator.abi.importer import (  # the [import] extra: load only here
        build,
        codes_named_in,
        coverage_table,
        read_sources,
        recorded_hresults,
    )

    sources = read_sources(args.metadata, args.header)
    existing = _existing(args.abi)
    folders = [REPO / "specs" / "pages", *args.codes_from]
    named = codes_named_in([f for f in folders if f.exists()], sources.metadata.hresults)
    imported = build(
        sources, named | recorded_hresults(existing), existing.notes if existing else ()
    )
    save_abi(imported.abi, args.abi)

    abi = imported.abi
    print(f"import-abi: metadata {sources.metadata.path}")
    print(f"import-abi: wine     {sources.wine.path}")
    for line in coverage_table(imported.coverage):
        print("  " + line)
    if sources.metadata.skipped:
        print(f"  not webservices.h (skipped): {', '.join(sources.metadata.skipped)}")
    print(
        f"import-abi: wrote {args.abi}: {len(abi.functions)} functions, {len(abi.callbacks)} "
        f"callbacks, {len(abi.enums)} enums, {len(abi.aggregates)} structs/unions, "
        f"{len(abi.handles)} handles, {len(abi.aliases)} aliases, {len(abi.constants)} constants"
    )
    print(
        f"import-abi: {len(imported.findings)} disagreements between the sources, recorded in "
        f"notes.yaml ({imported.kept_reasons} with reasons kept from the previous notes)"
    )
    return 0
