"""The generated structures and unions as Windows CPython lays them out.

With WWSGEN_LIVE_LAYOUT=FILE the layouts are written to FILE in the JSON shape
of `wwsgen verify-abi --layout-from`; scripts/test sets it and then has MinGW
gcc check them against Wine's webservices.h (`--target x86_64`), so a generated
class whose layout differs from the header fails the test command. The host
test tests/test_live_layout.py checks that the dump covers every aggregate of
the model under its C name.
"""

from __future__ import annotations

import ctypes
import json
import os
from pathlib import Path

import pytest
import wwsapi
from ctypes_layout import aggregate_layouts, write_layouts
from wwslive import wine_version

LAYOUT_ENV = "WWSGEN_LIVE_LAYOUT"


def host_path(text: str) -> Path:
    """`text` as a path here: under Wine a Unix path (from the host) is on drive Z:."""
    if wine_version() is not None and text.startswith("/"):
        return Path("Z:" + text.replace("/", "\\"))
    return Path(text)


def test_windows_x64_layouts_of_known_structures() -> None:
    assert ctypes.sizeof(ctypes.c_void_p) == 8, "verify-abi is run for x86_64: use 64-bit Python"
    layouts = aggregate_layouts(wwsapi)
    # Facts of the Windows x64 ABI (hand-checked against webservices.h).
    assert layouts["WS_XML_STRING"] == {
        "size": 32,
        "align": 8,
        "offsets": {"length": 0, "bytes": 8, "dictionary": 16, "id": 24},
    }
    assert layouts["WS_DATETIME"] == {
        "size": 16,
        "align": 8,
        "offsets": {"ticks": 0, "format": 8},
    }
    # A nested anonymous union, named as the model names it.
    assert layouts["WS_CHANNEL_PROPERTY_CONSTRAINT.out"]["offsets"] == {"channelProperty": 0}
    for name, layout in layouts.items():
        assert layout["size"] % layout["align"] == 0, name
        assert all(0 <= offset < layout["size"] for offset in layout["offsets"].values()), name


def test_write_the_layouts_for_verify_abi() -> None:
    target = os.environ.get(LAYOUT_ENV)
    if not target:
        pytest.skip(f"{LAYOUT_ENV} is not set (scripts/test sets it and runs wwsgen verify-abi)")
    path = host_path(target)
    written = write_layouts(wwsapi, path)
    assert json.loads(path.read_text(encoding="utf-8")) == written
    print(f"{len(written)} layouts written to {path}")
