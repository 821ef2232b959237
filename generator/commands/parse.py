"""`wwsgen parse PATH...`: show what the doc pages say, as the generator reads them.

Prints the model as readable text (or `--json`), then a summary line
`N pages, M elements, ... K errors`; diagnostics go to stderr; exit 1 on any error.
"""

from __future__ import annotations

import argparse
import sys

from generator.diagnostics import has_errors
from generator.parse import parse_paths
from generator.parse.dump import summary, to_json, to_text

NAME = "parse"
HELP = "parse doc pages (files or folders) and print the model they give"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="page files or folders; later ones win"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the whole model as JSON (sorted keys); the summary line then goes to stderr",
    )


def run(args: argparse.Namespace) -> int:
    docset = parse_paths(args.paths)
    for diagnostic in docset.diagnostics:
        print(diagnostic, file=sys.stderr)
    sys.stdout.write(to_json(docset) if args.json else to_text(docset))
    if not args.json:
        print(summary(docset))
    else:
        print(summary(docset), file=sys.stderr)
    return 1 if has_errors(docset.diagnostics) else 0
