"""`import-abi` and `check-abi` share this: read both sources, compare, merge.

Kept apart from the command modules so the steps are plain functions that
tests call directly; needs the `[import]` extra (libclang, the SDK metadata).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from generator.abi.merge import Coverage, compare, coverage, merge, with_hresults
from generator.abi.metadata import MetadataSource, read_metadata
from generator.abi.wine import DEFAULT_HEADER, WineSource, read_wine
from generator.abimodel import AbiNote, AbiSet, CType
from generator.diagnostics import Diagnostic, DiagnosticError

_WORD = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
_PAGE_SUFFIXES = (".md",)


@dataclass(frozen=True)
class Sources:
    metadata: MetadataSource
    wine: WineSource


@dataclass(frozen=True)
class Imported:
    """The merged ABI (notes included) and what the comparison found."""

    abi: AbiSet
    findings: tuple[AbiNote, ...]
    coverage: Coverage
    kept_reasons: int  # findings whose recorded resolution text was kept from notes.yaml


def read_sources(metadata: Path | None, header: Path | None) -> Sources:
    """Read both sources; the errors of both are reported together."""
    errors: list[Diagnostic] = []
    meta: MetadataSource | None = None
    wine: WineSource | None = None
    try:
        meta = read_metadata(metadata)
    except DiagnosticError as exc:
        errors.extend(exc.diagnostics)
    try:
        wine = read_wine(header or DEFAULT_HEADER)
    except DiagnosticError as exc:
        errors.extend(exc.diagnostics)
    if errors or meta is None or wine is None:
        raise DiagnosticError(errors)
    return Sources(meta, wine)


def codes_named_in(folders: Iterable[Path], known: dict[str, int]) -> set[str]:
    """Names of HRESULT codes (entries of `known`) that appear in the pages below `folders`.

    A word lookup against the table of known codes, not a reading of the pages'
    structure: a name counts wherever the pages use it.
    """
    found: set[str] = set()
    for folder in folders:
        files = [folder] if folder.is_file() else sorted(folder.rglob("*"))
        for path in files:
            if path.suffix not in _PAGE_SUFFIXES or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            found.update(w for w in _WORD.findall(text) if w in known)
            found.update(w for w in ("S_OK", "S_FALSE") if w in text and w in known)
    return found


def recorded_hresults(abi: AbiSet | None) -> set[str]:
    """HRESULT constants already in specs/abi: a refresh keeps them."""
    if abi is None:
        return set()
    return {c.name for c in abi.constants if c.type == CType("HRESULT")}


def build(sources: Sources, hresult_names: set[str], notes: tuple[AbiNote, ...]) -> Imported:
    """Compare and merge; recorded resolutions of findings that persist are kept."""
    meta = sources.metadata
    wine_abi = sources.wine.abi
    names = hresult_names | {c.name for c in wine_abi.constants}
    compared = with_hresults(meta.abi, meta.hresults, names)
    findings = compare(compared, wine_abi)
    recorded = {(n.element, n.finding): n.resolution for n in notes}
    kept = 0
    final: list[AbiNote] = []
    for f in findings:
        if (f.element, f.finding) in recorded:
            kept += 1
            final.append(replace(f, resolution=recorded[(f.element, f.finding)]))
        else:
            final.append(f)
    merged = merge(meta.abi, wine_abi, meta.hresults, hresult_names)
    return Imported(
        abi=replace(merged, notes=tuple(final)),
        findings=tuple(findings),
        coverage=coverage(compared, wine_abi),
        kept_reasons=kept,
    )


def coverage_table(cov: Coverage) -> list[str]:
    """Lines of a small table: elements per kind from each source."""
    lines = [f"{'kind':<12}{'metadata':>10}{'wine':>8}{'both':>8}"]
    for kind in cov.metadata:
        lines.append(f"{kind:<12}{cov.metadata[kind]:>10}{cov.wine[kind]:>8}{cov.both[kind]:>8}")
    return lines
