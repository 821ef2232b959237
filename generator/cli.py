"""The `wwsgen` command line: argument parsing and error reporting only.

Each subcommand lives in `generator.commands.<module>`; this module wires them
up and turns a `DiagnosticError` into `path:line: error:` lines and exit 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from generator import __version__
from generator.diagnostics import DiagnosticError

COMMAND_MODULES = (
    "parse",
    "import_abi",
    "check_abi",
    "check_docs",
    "verify_abi",
    "generate",
    "coverage",
)


def _load_commands() -> list[ModuleType]:
    return [importlib.import_module(f"generator.commands.{name}") for name in COMMAND_MODULES]


def build_parser(commands: list[ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wwsgen",
        description="Generate Python bindings for the Windows Web Services API "
        "from doc pages (specs/pages) and ABI facts (specs/abi).",
    )
    parser.add_argument("--version", action="version", version=f"wwsgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in commands:
        command_parser = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.configure(command_parser)
        command_parser.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(_load_commands())
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except DiagnosticError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("wwsgen: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        where = exc.filename if exc.filename else "wwsgen"
        print(f"{where}: error: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return status
