"""ApiModel -> the files of the package `wwsapi`: plan, templates, black.

`render` is pure apart from the format cache: the same model and inputs give
the same bytes, whatever the machine or PYTHONHASHSEED (everything is sorted;
headers name inputs by relative path; nothing records time).
"""

from __future__ import annotations

from pathlib import Path

from generator.apimodel import ApiModel
from generator.diagnostics import DiagnosticError
from generator.render.engine import environment, render_file
from generator.render.formatting import FormatCache, FormatError, FormatJob, format_all, oversized
from generator.render.plan import plan_files

__all__ = ["render"]


def render(
    model: ApiModel,
    *,
    templates: Path,
    abi_inputs: tuple[str, ...],
    doc_inputs: tuple[str, ...],
    cache: FormatCache | None = None,
    workers: int = 1,
) -> dict[str, bytes]:
    """{path relative to the output directory: content} of every file."""
    planned = plan_files(model, abi_inputs, doc_inputs)
    env = environment(templates)
    texts = {f.path: render_file(env, f) for f in planned}
    python = [f for f in planned if f.python]
    jobs = [FormatJob(f.path, texts[f.path], f.path.endswith(".pyi")) for f in python]
    try:
        formatted = format_all(jobs, cache or FormatCache(None), workers)
    except FormatError as exc:
        raise DiagnosticError.single(exc.path, None, exc.message) from None
    for f, text in zip(python, formatted, strict=True):
        texts[f.path] = text
    problems = oversized(texts)
    if problems:
        raise DiagnosticError(problems)
    return {path: texts[path].encode("utf-8") for path in sorted(texts)}
