"""The front half of the flow that every model-reading command shares: find the
inputs a configuration names, parse the pages, load the ABI, merge.

`wwsgen generate` and `wwsgen coverage` both start here, so they see one model
built one way. Heavy imports stay inside the functions: a cached no-op
`wwsgen generate` only hashes the inputs and never parses.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.config import Config
from generator.diagnostics import Diagnostic, DiagnosticError

if TYPE_CHECKING:
    from generator.apimodel import ApiModel


def gather_inputs(config: Config) -> tuple[list[tuple[str, Path]], list[str], list[Diagnostic]]:
    """(ABI files as (shown, path), page paths as given to the parser, problems)."""
    from generator.abi.store import FILES
    from generator.parse import expand_paths

    problems: list[Diagnostic] = []
    if not config.abi.is_dir():
        problems.append(Diagnostic(config.relative(config.abi), None, "no such folder"))
    abi_files = [
        (config.relative(config.abi / name), config.abi / name)
        for name in FILES
        if (config.abi / name).is_file()
    ]
    trees = [config.pages, *config.docs]
    given = [os.path.relpath(tree) if tree.exists() else str(tree) for tree in trees]
    if not config.pages.exists():
        given = given[1:]
    files, missing = expand_paths(given)
    problems += missing
    pages = [(config.relative(Path(path)), path) for path, _ in files]
    return abi_files + pages, given, problems


def build_model(config: Config, page_trees: Sequence[str]) -> tuple[ApiModel, list[Diagnostic]]:
    """Parse `page_trees`, load the ABI of `config`, merge them.

    Returns the model and every finding (the parser's, then the merge's);
    raises DiagnosticError with the parser's findings when a page has an error.
    """
    from generator.abi import load_abi
    from generator.diagnostics import has_errors
    from generator.merge import merge
    from generator.parse import parse_paths

    docs = parse_paths(page_trees)
    abi = load_abi(config.abi)
    diagnostics = list(docs.diagnostics)
    if has_errors(diagnostics):
        raise DiagnosticError(diagnostics)
    model = merge(
        docs,
        abi,
        abi_dir=config.relative(config.abi),
        source_of=lambda path: config.relative(Path(path)),
    )
    return model, diagnostics + list(model.diagnostics)
