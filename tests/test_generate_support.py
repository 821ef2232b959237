"""Helpers shared by the tests of `wwsgen generate` (this module holds no tests)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import textwrap
import zlib
from dataclasses import dataclass
from pathlib import Path

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "generate"  # specs-like: abi/ and pages/


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str


def wwsgen(*args: str | Path, cwd: Path = REPO) -> Run:
    """Run the `wwsgen` command line in-process from `cwd`."""
    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main([str(a) for a in args])
    finally:
        os.chdir(previous)
    return Run(status, out.getvalue(), err.getvalue())


def generate_fixture(out: Path, *extra: str | Path, specs: Path = FIXTURE) -> Run:
    """Generate the package from `specs` into `out` without touching the repo's cache."""
    run = wwsgen("generate", "--specs", specs, "--out", out, "--no-cache", *extra)
    assert run.status == 0, run.stderr
    return run


def python(out: Path, code: str, *, env: dict[str, str] | None = None) -> str:
    """Run `code` in a fresh interpreter that imports wwsapi from `out`; its stdout."""
    environment = {**os.environ, "PYTHONPATH": str(out), **(env or {})}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=out,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def write_pages(root: Path, pages: dict[str, str]) -> Path:
    """Write `{relative path: text}` under `root` (dedented); return `root`."""
    for relative, text in pages.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


def function_page(name: str, description: str, params: str = "", returns: str = "") -> str:
    """A minimal function reference page in the doc format."""
    return f"""---
UID: NF:webservices.{name}
title: {name} function
description: d
ms.assetid: {zlib.crc32(name.encode()):08x}-0000-0000-0000-000000000000
ms.topic: function
api_name:
 - {name}
---

# {name} function

## -description

{description}

## -parameters

{params}

## -returns

{returns or "An HRESULT."}
"""
