"""One module per `wwsgen` subcommand.

Each module defines `NAME`, `HELP`, `configure(parser)` and `run(args) -> int`;
`generator.cli` lists them. A command reports bad input as diagnostics on
stderr and returns a non-zero status; it never lets a traceback escape.
"""
