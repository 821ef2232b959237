"""specs/abi YAML: round trip, determinism, atomic writes and bad-file diagnostics."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from generator.abi import DEFAULT_DIR, load_abi, save_abi, store
from generator.abimodel import (
    AbiAggregate,
    AbiAlias,
    AbiCallback,
    AbiConstant,
    AbiEnum,
    AbiEnumMember,
    AbiField,
    AbiFunction,
    AbiHandle,
    AbiNote,
    AbiParam,
    AbiSet,
    AggregateKind,
    CType,
)
from generator.diagnostics import DiagnosticError

SAMPLE = AbiSet(
    functions=(
        AbiFunction(
            "WsCreateHeap",
            CType("HRESULT"),
            (
                AbiParam("maxSize", CType("SIZE_T")),
                AbiParam("properties", CType("WS_HEAP_PROPERTY", 1, True)),
                AbiParam("heap", CType("WS_HEAP", 2)),
            ),
            sources=("metadata", "wine"),
        ),
        AbiFunction("WsNothing", CType("void"), (), "cdecl", "other.dll", ("metadata",)),
    ),
    callbacks=(
        AbiCallback("WS_ASYNC_CALLBACK", CType("void"), (AbiParam("hr", CType("HRESULT")),)),
    ),
    enums=(
        AbiEnum("WS_B", (AbiEnumMember("WS_B_TWO", 2), AbiEnumMember("WS_B_ONE", 1))),
        AbiEnum("WS_EMPTY", ()),
        AbiEnum("WS_FLAGS", (AbiEnumMember("WS_F_A", 1),), flags=True),
    ),
    aggregates=(
        AbiAggregate("WS_HEAP_PROPERTY", AggregateKind.STRUCT, (AbiField("id", CType("ULONG")),)),
        AbiAggregate(
            "WS_S",
            AggregateKind.STRUCT,
            (
                AbiField("a", CType("ULONG"), 3),
                AbiField("b", CType("BYTE", array=(4, 2))),
                AbiField("out", CType("WS_S.out")),
            ),
            packing=4,
        ),
        AbiAggregate("WS_S.out", AggregateKind.UNION, (AbiField("x", CType("double")),), True),
    ),
    handles=(AbiHandle("WS_HEAP", ("metadata",)),),
    aliases=(AbiAlias("WS_ID", CType("ULONG"), ("wine",)),),
    constants=(
        AbiConstant("E_INVALIDARG", -2147024809, CType("HRESULT")),
        AbiConstant("WS_NAME", "text: with colon", CType("WCHAR", 1, True)),
        AbiConstant("WS_PI", 3.5, CType("double")),
        AbiConstant("WS_S_ASYNC", 0x3D0000, CType("HRESULT")),
    ),
    notes=(AbiNote("WS_B", "member 'x' differs: a, b", "kept: it's the SDK's"),),
)


def test_round_trip_of_every_shape(tmp_path: Path) -> None:
    save_abi(SAMPLE, tmp_path)
    loaded = load_abi(tmp_path)
    assert loaded == SAMPLE
    # Member order is declaration order, not sorted.
    assert [m.name for m in loaded.enums[0].members] == ["WS_B_TWO", "WS_B_ONE"]


def test_hresults_are_hex_in_the_file_and_signed_in_the_model(tmp_path: Path) -> None:
    save_abi(SAMPLE, tmp_path)
    text = (tmp_path / "constants.yaml").read_text()
    assert "value: 0x80070057" in text
    assert "value: 0x003D0000" in text
    constants = {c.name: c.value for c in load_abi(tmp_path).constants}
    assert constants["E_INVALIDARG"] == -2147024809


def test_output_is_sorted_and_deterministic(tmp_path: Path) -> None:
    shuffled = replace(
        SAMPLE,
        functions=tuple(reversed(SAMPLE.functions)),
        enums=tuple(reversed(SAMPLE.enums)),
        aggregates=tuple(reversed(SAMPLE.aggregates)),
    )
    save_abi(shuffled, tmp_path / "a")
    save_abi(load_abi(tmp_path / "a"), tmp_path / "b")
    for name in store.FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    text = (tmp_path / "a" / "enums.yaml").read_text()
    assert text.index("WS_B:") < text.index("WS_EMPTY:") < text.index("WS_FLAGS:")
    assert text.startswith("# webservices.h ABI facts:")


def test_committed_specs_round_trip_byte_for_byte(tmp_path: Path) -> None:
    abi = load_abi(DEFAULT_DIR)
    save_abi(abi, tmp_path)
    assert load_abi(tmp_path) == abi
    for name in store.FILES:
        assert (tmp_path / name).read_bytes() == (DEFAULT_DIR / name).read_bytes(), name


def test_committed_specs_cover_the_whole_api() -> None:
    abi = load_abi(DEFAULT_DIR)
    assert len(abi.functions) >= 193
    assert len(abi.enums) >= 99
    assert len([a for a in abi.aggregates if not a.nested]) >= 255
    assert len(abi.callbacks) >= 62
    assert len(abi.handles) == 15
    constants = {c.name: c for c in abi.constants}
    # Authoritative values (the return-values article swaps the first two).
    assert constants["E_INVALIDARG"].value == -0x7FF8FFA9  # 0x80070057
    assert constants["E_OUTOFMEMORY"].value == -0x7FF8FFF2  # 0x8007000E
    assert constants["WS_E_INVALID_FORMAT"].value == 0x803D0000 - (1 << 32)
    for code in ("WS_S_ASYNC", "WS_S_END", "CERT_E_EXPIRED", "CRYPT_E_REVOCATION_OFFLINE"):
        assert constants[code].type == CType("HRESULT")
    heap = next(f for f in abi.functions if f.name == "WsCreateHeap")
    assert [str(p.type) for p in heap.params] == [
        "SIZE_T",
        "SIZE_T",
        "const WS_HEAP_PROPERTY*",
        "ULONG",
        "WS_HEAP**",
        "WS_ERROR*",
    ]
    assert [p.name for p in heap.params][-2:] == ["heap", "error"]


def _write_valid(tmp_path: Path) -> None:
    save_abi(SAMPLE, tmp_path)


@pytest.mark.parametrize(
    ("file", "old", "new", "line_text", "message"),
    [
        (
            "functions.yaml",
            "  - maxSize: SIZE_T",
            "  - maxSize: SIZE_T)(",
            "maxSize",
            "not a C type",
        ),
        (
            "functions.yaml",
            "  convention: cdecl",
            "  convention: fastcall",
            "fastcall",
            "unknown calling convention",
        ),
        ("enums.yaml", "    WS_B_ONE: 1", "    WS_B_ONE: one", "WS_B_ONE", "expected an integer"),
        ("structs.yaml", "  kind: union", "  kind: enum", "kind: enum", "struct or union"),
        (
            "structs.yaml",
            "  packing: 4",
            "  packing: 4\n  padding: 2",
            "padding",
            "unknown key 'padding'",
        ),
        ("constants.yaml", "  value: 3.5", "  value: [3.5]", "3.5", "a number or text"),
        ("notes.yaml", "  resolution: ", "  resolved: ", "resolved", "unknown key"),
        ("handles.yaml", "WS_HEAP:", "- WS_HEAP:", "WS_HEAP", "expected a mapping"),
        ("functions.yaml", "  - heap: WS_HEAP**", "  - heap: WS_HEAPP**", "WS_HEAPP",
         "unknown type 'WS_HEAPP'"),
        ("structs.yaml", "  - id: ULONG", "  - id: ULONGG", "ULONGG", "unknown type 'ULONGG'"),
    ],
)
def test_bad_shapes_point_at_their_line(
    tmp_path: Path, file: str, old: str, new: str, line_text: str, message: str
) -> None:
    _write_valid(tmp_path)
    path = tmp_path / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(DiagnosticError) as caught:
        load_abi(tmp_path)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.path == str(path)
    assert message in diagnostic.message
    assert diagnostic.line is not None
    assert line_text in path.read_text().splitlines()[diagnostic.line - 1]
    assert str(diagnostic).startswith(f"{path}:{diagnostic.line}: error: ")


def test_invalid_yaml_and_missing_files_are_reported_together(tmp_path: Path) -> None:
    _write_valid(tmp_path)
    (tmp_path / "enums.yaml").write_text("WS_B:\n  members: {a: 1\n")
    (tmp_path / "handles.yaml").unlink()
    (tmp_path / "notes.yaml").unlink()  # optional
    with pytest.raises(DiagnosticError) as caught:
        load_abi(tmp_path)
    messages = {Path(d.path).name: d for d in caught.value.diagnostics}
    assert set(messages) == {"enums.yaml", "handles.yaml"}
    assert "not valid YAML" in messages["enums.yaml"].message
    assert messages["enums.yaml"].line is not None
    assert "missing" in messages["handles.yaml"].message


def test_truncated_file_is_an_error_not_a_smaller_abi(tmp_path: Path) -> None:
    save_abi(load_abi(DEFAULT_DIR), tmp_path)
    path = tmp_path / "functions.yaml"
    text = path.read_text()
    path.write_text(text[: len(text) // 2])  # cut inside an element
    with pytest.raises(DiagnosticError) as caught:
        load_abi(tmp_path)
    assert caught.value.diagnostics[0].path == str(path)


def test_failed_save_leaves_the_directory_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_abi(SAMPLE, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    changed = AbiSet(functions=SAMPLE.functions[:1])
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(src: str, dst: os.PathLike[str] | str) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        save_abi(changed, tmp_path)
    monkeypatch.setattr(os, "replace", real_replace)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # same files, same bytes, no temporary files left


def test_failed_save_into_a_new_directory_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_replace(src: str, dst: str) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        save_abi(SAMPLE, tmp_path / "new")
    assert not (tmp_path / "new").exists()
