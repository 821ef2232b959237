"""`wwsgen parse` (not yet available)."""

from __future__ import annotations

import argparse
import sys

NAME = "parse"
HELP = "(not yet available)"


def configure(parser: argparse.ArgumentParser) -> None:
    del parser


def run(args: argparse.Namespace) -> int:
    del args
    print("wwsgen: error: parse is not available yet", file=sys.stderr)
    return 2
