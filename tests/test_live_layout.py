"""The layout dump of the live suite (tests/live/ctypes_layout.py), run on the host:
it names every aggregate and field of the model by its C name, so that
`wwsgen verify-abi --layout-from` checks all of them, and the host's own ctypes
layout of the generated classes (the same as Windows x64 for these fixed-width
types) passes verify-abi while a changed one does not."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
import wwsapi

from generator.abi import DEFAULT_DIR, load_abi
from generator.cli import main
from generator.names import py_name

REPO = Path(__file__).resolve().parent.parent


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


ctypes_layout = _load("ctypes_layout", REPO / "tests" / "live" / "ctypes_layout.py")


def test_the_dump_names_every_aggregate_and_field_of_the_model() -> None:
    abi = load_abi(DEFAULT_DIR)
    layouts = ctypes_layout.aggregate_layouts(wwsapi)
    assert set(layouts) == {aggregate.name for aggregate in abi.aggregates}
    for aggregate in abi.aggregates:
        fields = [f.name for f in aggregate.fields if f.bits is None]
        assert list(layouts[aggregate.name]["offsets"]) == fields, aggregate.name


@pytest.mark.parametrize(
    "name", ["type", "bytes", "id", "format", "input", "from", "match", "value", "type_x"]
)
def test_c_name_inverts_the_naming_rule(name: str) -> None:
    assert ctypes_layout.c_name(py_name(name)) == name


def _verify(path: Path, header: Path) -> int:
    args = ["verify-abi", "--target", "x86_64", "--layout-from", str(path), "--header", str(header)]
    return main(args)


def test_the_host_layout_passes_verify_abi_and_a_changed_one_fails(
    mingw: None, wine_header: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "layout.json"
    layouts = ctypes_layout.write_layouts(wwsapi, good)
    assert not list(tmp_path.glob("*.tmp"))  # written whole, then moved into place
    assert _verify(good, wine_header) == 0
    assert "verify-abi: x86_64: passed" in capsys.readouterr().out

    layouts["WS_DATETIME"]["size"] = 12  # as if packed to 4 bytes
    layouts["WS_XML_STRING"]["offsets"]["id"] = 20
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(layouts))
    assert _verify(bad, wine_header) == 1
    err = capsys.readouterr().err
    assert "sizeof WS_DATETIME on x86_64 is 12" in err
    assert "offsetof WS_XML_STRING.id is 20" in err
