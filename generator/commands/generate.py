"""`wwsgen generate`: specs (and more doc trees) -> the package `wwsapi`.

    wwsgen generate [--check] [--out DIR] [--docs DIR]... [--specs DIR]

Reads specs/abi (ABI facts) and specs/pages plus every `--docs` tree and the
`docs` of `[tool.wwsgen]` (later trees win), and writes <out>/wwsapi. Nothing
is written when any input has an error. Files whose content did not change are
not touched; generated files no longer produced are removed; a file without
the generated-file header is never overwritten.

`--check` writes nothing and exits 1 naming every file that differs from what
the inputs produce. A manifest in .wwsgen-cache/ keyed by the hash of every
input makes an unchanged run (and its check) cost only hashing; black's
results are cached there too.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

from generator.config import Config, load_config
from generator.diagnostics import Diagnostic, DiagnosticError, Severity
from generator.pipeline import build_model, gather_inputs

NAME = "generate"
HELP = "generate the package wwsapi from specs/ (and --docs trees) into generated/"

CACHE_DIR = ".wwsgen-cache"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and name the files that are out of date",
    )
    parser.add_argument(
        "--out", metavar="DIR", help="output folder (default: [tool.wwsgen] out, 'generated')"
    )
    parser.add_argument(
        "--docs",
        metavar="DIR",
        action="append",
        default=[],
        help="another doc tree merged over specs/pages (repeatable; later wins)",
    )
    parser.add_argument("--specs", metavar="DIR", help="specs folder (default: 'specs')")
    parser.add_argument("--templates", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the cache folder"
    )
    parser.add_argument(
        "--cache-dir", metavar="DIR", help="cache folder (default: .wwsgen-cache in the root)"
    )
    parser.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="formatting processes (default: CPUs)"
    )
    parser.add_argument(
        "--werror", action="store_true", help="treat warnings about the inputs as errors"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print no warnings")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    config = load_config(
        Path.cwd(), out=args.out, specs=args.specs, docs=args.docs, templates=args.templates
    )
    cache = (
        None
        if args.no_cache
        else (Path(args.cache_dir).resolve() if args.cache_dir else config.root / CACHE_DIR)
    )
    result = generate(
        config,
        check=args.check,
        cache=cache,
        workers=args.jobs,
        werror=args.werror,
        quiet=args.quiet,
    )
    seconds = time.perf_counter() - started
    shown = config.relative(config.out)
    if args.check:
        if result.stale:
            for line in result.stale:
                print(line, file=sys.stderr)
            print(
                f"wwsgen generate --check: {len(result.stale)} of {result.total} files in "
                f"{shown} are out of date; run `wwsgen generate`",
                file=sys.stderr,
            )
            return 1
        print(f"wwsgen generate --check: {result.total} files in {shown} are up to date")
        return 0
    print(
        f"wwsgen generate: {result.total} files in {shown}: {result.written} written, "
        f"{result.total - result.written} unchanged, {result.removed} removed "
        f"({seconds:.2f} s{', no-op' if result.fast else ''})"
    )
    return 0


class Result:
    """What a run did; `stale` holds check-mode findings as printable lines."""

    def __init__(self, total: int, written: int, removed: int, stale: list[str], fast: bool):
        self.total = total
        self.written = written
        self.removed = removed
        self.stale = stale
        self.fast = fast


def _manifest_path(config: Config, cache: Path | None) -> Path | None:
    if cache is None:
        return None
    out_id = hashlib.sha256(str(config.out.resolve()).encode()).hexdigest()[:16]
    return cache / f"manifest-{out_id}.json"


def generate(
    config: Config,
    *,
    check: bool = False,
    cache: Path | None = None,
    workers: int = 0,
    werror: bool = False,
    quiet: bool = False,
) -> Result:
    """One run; raises DiagnosticError on bad input (nothing written then).
    `cache` is the cache folder (None: no cache)."""
    from generator.render.manifest import Manifest, digest, input_key

    inputs, page_trees, problems = gather_inputs(config)
    if problems:
        raise DiagnosticError(problems)
    out_shown = config.relative(config.out)
    settings = {
        "out": out_shown,
        "specs": config.relative(config.specs),
        "docs": "\n".join(config.relative(d) for d in config.docs),
    }
    key = input_key(inputs, config.templates, settings)
    manifest_path = _manifest_path(config, cache)
    manifest = Manifest.load(manifest_path)
    if manifest is not None and manifest.key == key:
        differing, missing, stale = manifest.differences(config.out)
        if check:
            lines = _stale_lines(out_shown, differing, missing, stale)
            return Result(len(manifest.files), 0, 0, lines, fast=True)
        if not differing and not missing and not stale:
            return Result(len(manifest.files), 0, 0, [], fast=True)

    outputs = _produce(config, inputs, page_trees, cache, workers, werror, quiet)
    Manifest(key, {path: digest(data) for path, data in outputs.items()}).save(manifest_path)

    from generator.render.writer import apply, compare

    changes = compare(config.out, outputs, out_shown)
    if check:
        lines = _stale_lines(
            out_shown,
            [p for p in changes.write if (config.out / p).exists()],
            [p for p in changes.write if not (config.out / p).exists()],
            list(changes.stale),
        )
        lines += [str(d) for d in changes.refused]
        return Result(len(outputs), 0, 0, lines, fast=False)
    if changes.refused:
        raise DiagnosticError(changes.refused)
    apply(config.out, outputs, changes)
    return Result(len(outputs), len(changes.write), len(changes.stale), [], fast=False)


def _stale_lines(
    shown: str, differing: list[str], missing: list[str], stale: list[str]
) -> list[str]:
    lines = [
        f"{shown}/{p}: error: out of date: differs from what the specs produce" for p in differing
    ]
    lines += [f"{shown}/{p}: error: out of date: missing" for p in missing]
    lines += [f"{shown}/{p}: error: out of date: no longer generated (stale)" for p in stale]
    return sorted(lines)


def _produce(
    config: Config,
    inputs: list[tuple[str, Path]],
    page_trees: list[str],
    cache_dir: Path | None,
    workers: int,
    werror: bool,
    quiet: bool,
) -> dict[str, bytes]:
    """Parse, load, merge, render: the expected output files."""
    from generator.render import render
    from generator.render.formatting import FormatCache, default_workers

    model, diagnostics = build_model(config, page_trees)
    warnings = [d for d in diagnostics if d.severity is not Severity.NOTE]
    if werror and warnings:
        raise DiagnosticError(
            [Diagnostic(d.path, d.line, d.message, Severity.ERROR) for d in warnings]
        )
    if not quiet:
        for diagnostic in warnings:
            print(diagnostic, file=sys.stderr)
    cache = FormatCache(cache_dir / "black.json" if cache_dir else None)
    abi_inputs = tuple(shown for shown, path in inputs if path.parent == config.abi)
    doc_inputs = tuple(config.relative(Path(tree)) for tree in page_trees)
    outputs = render(
        model,
        templates=config.templates,
        abi_inputs=abi_inputs,
        doc_inputs=doc_inputs,
        cache=cache,
        workers=workers or default_workers(),
    )
    cache.save()
    return outputs
