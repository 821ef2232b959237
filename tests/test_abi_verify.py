"""verify-abi: the committed model compiles against Wine's header on both targets,
and the compiler rejects a model that is wrong in any of the asserted ways."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.abi import DEFAULT_DIR, load_abi
from generator.abi.layout import compute_layouts
from generator.abi.verify import render
from generator.abimodel import Target
from generator.cli import main


def test_committed_model_passes_on_both_targets(
    mingw: None, wine_header: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify-abi", "--header", str(wine_header)]) == 0
    out = capsys.readouterr().out
    for target in ("x86_64", "i686"):
        assert f"verify-abi: {target}: passed: " in out
    assert "verified functions: 144" in out
    assert "verified structs: 123" in out
    assert "not verifiable (not declared by Wine's header)" in out
    assert "WsAbandonCall" in out  # listed as not verifiable


def test_rendered_checks_cover_every_wine_element(wine_header: Path) -> None:
    abi = load_abi(DEFAULT_DIR)
    checks = render(abi, Target.X86, compute_layouts(abi, Target.X86), wine_header)
    wine_functions = {f.name for f in abi.functions if "wine" in f.sources}
    assert set(checks.verified["functions"]) == wine_functions
    assert "WsCreateHeap" not in checks.unverifiable.get("functions", [])
    assert "_Static_assert(sizeof(WS_XML_STRING) == 16" in checks.text
    assert "_Static_assert(offsetof(WS_XML_STRING, id) == 12" in checks.text
    assert (
        "HRESULT (WINAPI *wwsgen_fn_WsCreateHeap)(SIZE_T, SIZE_T, const WS_HEAP_PROPERTY *, "
        "ULONG, WS_HEAP **, WS_ERROR *) = WsCreateHeap;"
    ) in checks.text
    assert set(checks.disagreeing) == {"WS_SECURITY_BINDING_TYPE", "WS_XML_BUFFER_PROPERTY_ID"}


def _edit(directory: Path, file: str, old: str, new: str) -> None:
    path = directory / file
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "expect"),
    [
        (
            "functions.yaml",
            "WsCreateHeap:\n  returns: HRESULT\n  convention: stdcall",
            "WsCreateHeap:\n  returns: HRESULT\n  convention: cdecl",
            "WsCreateHeap",
        ),
        (
            "functions.yaml",
            "  - properties: const WS_XML_BUFFER_PROPERTY*",
            "  - properties: WS_XML_BUFFER_PROPERTY*",
            "WsCreateXmlBuffer",
        ),
        (
            "enums.yaml",
            "WS_ADDRESSING_VERSION_1_0: 2",
            "WS_ADDRESSING_VERSION_1_0: 3",
            "WS_ADDRESSING_VERSION",
        ),
        (
            "structs.yaml",
            "  - callbackState: void*\n  sources: [metadata, wine]",
            "  - callbackState: ULONG_PTR\n  sources: [metadata, wine]",
            "WS_ASYNC_CONTEXT",
        ),
        (
            "constants.yaml",
            "WS_E_OTHER:\n  value: 0x803D0021",
            "WS_E_OTHER:\n  value: 0x803D0022",
            "WS_E_OTHER",
        ),
        (
            "callbacks.yaml",
            "WS_ASYNC_CALLBACK:\n  returns: void",
            "WS_ASYNC_CALLBACK:\n  returns: HRESULT",
            "WS_ASYNC_CALLBACK",
        ),
    ],
)
def test_wrong_model_fails_with_the_element_named(
    mingw: None,
    wine_header: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    old: str,
    new: str,
    expect: str,
) -> None:
    abi_dir = tmp_path / "abi"
    shutil.copytree(DEFAULT_DIR, abi_dir)
    _edit(abi_dir, file, old, new)
    assert (
        main(
            ["verify-abi", "--abi", str(abi_dir), "--header", str(wine_header), "--target", "i686"]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert f"{abi_dir / file}: error: {expect}: the compiler disagrees on i686" in err


def test_layout_from_json(
    mingw: None, wine_header: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    abi = load_abi(DEFAULT_DIR)
    layouts = compute_layouts(abi, Target.X64)
    data: dict[str, Any] = {
        name: {"size": lay.size, "align": lay.align, "offsets": lay.offsets}
        for name, lay in layouts.items()
        if not name.startswith("WS_XML_STRING")
    }
    good = tmp_path / "good.json"
    good.write_text(json.dumps(data))
    assert (
        main(
            [
                "verify-abi",
                "--target",
                "x86_64",
                "--layout-from",
                str(good),
                "--header",
                str(wine_header),
            ]
        )
        == 0
    )
    data["WS_HEAP_PROPERTY"]["offsets"]["valueSize"] += 4
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    assert (
        main(
            [
                "verify-abi",
                "--target",
                "x86_64",
                "--layout-from",
                str(bad),
                "--header",
                str(wine_header),
            ]
        )
        == 1
    )
    assert "offsetof WS_HEAP_PROPERTY.valueSize is 20" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"WS_HEAP_PROPERTY": {"size": 1}}', "expected"),
        ('{"NO_SUCH": {"size": 1, "align": 1, "offsets": {}}}', "not in the model"),
    ],
)
def test_bad_layout_json(
    tmp_path: Path, wine_header: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "layout.json"
    path.write_text(text)
    assert (
        main(
            [
                "verify-abi",
                "--target",
                "i686",
                "--layout-from",
                str(path),
                "--header",
                str(wine_header),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert err.startswith(f"{path}") and message in err


def test_layout_from_needs_one_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "layout.json"
    path.write_text("{}")
    assert main(["verify-abi", "--layout-from", str(path)]) == 1
    assert "give one --target" in capsys.readouterr().err
