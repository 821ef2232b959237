"""The importers on the real sources, the comparison, and import-abi / check-abi
on good and bad inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.abi import DEFAULT_DIR, load_abi
from generator.abi.merge import compare, same_type
from generator.abi.metadata import MetadataSource
from generator.abi.wine import WineSource
from generator.abimodel import AbiEnum, AbiEnumMember, AbiSet, CType
from generator.cli import main


@pytest.fixture(scope="module")
def metadata(import_extra: None) -> MetadataSource:
    from generator.abi.metadata import read_metadata

    return read_metadata()


@pytest.fixture(scope="module")
def wine(import_extra: None, wine_header: Path) -> WineSource:
    from generator.abi.wine import read_wine

    return read_wine(wine_header)


def _names(items: tuple[object, ...]) -> set[str]:
    return {getattr(i, "name") for i in items}  # noqa: B009


def test_metadata_is_complete_and_names_parameters(metadata: MetadataSource) -> None:
    abi = metadata.abi
    assert len(abi.functions) == 193
    assert len(abi.callbacks) == 62
    assert len(abi.enums) == 99
    assert len([a for a in abi.aggregates if not a.nested]) == 255
    assert len(abi.handles) == 15
    assert metadata.skipped == ("IContentPrefetcherTaskTrigger",)  # a COM interface, not WWSAPI
    heap = next(f for f in abi.functions if f.name == "WsCreateHeap")
    assert [p.name for p in heap.params] == [
        "maxSize",
        "trimSize",
        "properties",
        "propertyCount",
        "heap",
        "error",
    ]
    assert str(heap.params[4].type) == "WS_HEAP**"
    nested = next(a for a in abi.aggregates if a.name == "WS_CHANNEL_PROPERTY_CONSTRAINT")
    assert str(nested.fields[-1].type) == "WS_CHANNEL_PROPERTY_CONSTRAINT.out"
    assert metadata.hresults["E_INVALIDARG"] == 0x80070057 - (1 << 32)
    assert metadata.hresults["E_OUTOFMEMORY"] == 0x8007000E - (1 << 32)


def test_wine_header_through_libclang(wine: WineSource) -> None:
    abi = wine.abi
    assert len(abi.functions) >= 140  # about three quarters of the API
    assert {f.convention for f in abi.functions} == {"stdcall"}
    call = next(f for f in abi.functions if f.name == "WsCall")
    assert str(call.params[2].type) == "const void**"
    assert "WS_HEAP" in _names(abi.handles)
    assert "WS_XML_STRING" not in _names(abi.handles)
    flags = {c.name: c.value for c in abi.constants}
    assert flags["WS_MATCH_URL_THIS_HOST"] == 31  # an expression of other members
    assert flags["WS_E_INVALID_FORMAT"] == 0x803D0000 - (1 << 32)


def test_sources_agree_apart_from_recorded_findings(
    metadata: MetadataSource, wine: WineSource
) -> None:
    findings = compare(metadata.abi, wine.abi)
    elements = {f.element for f in findings}
    assert elements == {"WS_SECURITY_BINDING_TYPE", "WS_XML_BUFFER_PROPERTY_ID"}
    notes = {(n.element, n.finding) for n in load_abi(DEFAULT_DIR).notes}
    assert {(f.element, f.finding) for f in findings} <= notes


def test_comparison_is_by_abi_meaning() -> None:
    assert same_type(CType("ULONG"), CType("DWORD"))
    assert same_type(CType("WCHAR", 1, True), CType("USHORT", 1))
    assert same_type(CType("SIZE_T"), CType("ULONG_PTR"))
    assert not same_type(CType("ULONG"), CType("LONG"))
    assert not same_type(CType("void", 1), CType("void", 2))
    a = AbiSet(enums=(AbiEnum("E", (AbiEnumMember("A", 1), AbiEnumMember("B", 2))),))
    b = AbiSet(enums=(AbiEnum("E", (AbiEnumMember("A", 0), AbiEnumMember("C", 2))),))
    assert [n.finding for n in compare(a, b)] == [
        "member A value: metadata 1, wine 0",
        "member B = 2 only in metadata",
        "member C = 2 only in wine",
    ]


def test_import_reproduces_the_committed_specs(
    import_extra: None, wine_header: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "abi"
    shutil.copytree(DEFAULT_DIR, out)
    for path in out.iterdir():
        if path.name != "notes.yaml":  # keep recorded reasons; everything else from scratch
            path.write_text(path.read_text().replace("sources: [metadata, wine]", "sources: []"))
    assert main(["import-abi", "--abi", str(out), "--header", str(wine_header)]) == 0
    for path in DEFAULT_DIR.iterdir():
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name
    report = capsys.readouterr().out
    assert "functions          193     144     144" in report
    assert "10 disagreements" in report


def test_check_abi_passes_with_the_recorded_notes(
    import_extra: None, wine_header: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-abi", "--header", str(wine_header)]) == 0
    assert "0 not recorded" in capsys.readouterr().out


def test_check_abi_fails_on_an_unrecorded_disagreement(
    import_extra: None, wine_header: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "abi"
    shutil.copytree(DEFAULT_DIR, out)
    notes = out / "notes.yaml"
    lines = notes.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if "WS_XML_BUFFER_PROPERTY_ID" in line)
    notes.write_text("".join(lines[:start] + lines[start + 3 :]))
    assert main(["check-abi", "--abi", str(out), "--header", str(wine_header)]) == 1
    captured = capsys.readouterr().out
    assert f"{notes}: error: WS_XML_BUFFER_PROPERTY_ID: unrecorded disagreement" in captured


def _truncate(source: Path, destination: Path, fraction: float) -> Path:
    text = source.read_text(encoding="utf-8")
    destination.write_text(text[: int(len(text) * fraction)], encoding="utf-8")
    return destination


@pytest.mark.parametrize("fraction", [0.5, 0.999])
def test_truncated_header_is_an_error_and_specs_stay(
    import_extra: None,
    wine_header: Path,
    tmp_path: Path,
    fraction: float,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "abi"
    shutil.copytree(DEFAULT_DIR, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    header = _truncate(wine_header, tmp_path / "webservices.h", fraction)
    assert main(["import-abi", "--abi", str(out), "--header", str(header)]) == 1
    err = capsys.readouterr().err
    assert f"{header}:" in err and ": error: " in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize("fraction", [0.3, 0.999])
def test_truncated_metadata_is_an_error_and_specs_stay(
    metadata: MetadataSource,
    wine_header: Path,
    tmp_path: Path,
    fraction: float,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "abi"
    shutil.copytree(DEFAULT_DIR, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    module = tmp_path / "win32more" / "Windows/Win32/Networking/WindowsWebServices/__init__.py"
    module.parent.mkdir(parents=True)
    _truncate(metadata.path, module, fraction)
    foundation = metadata.path.parents[2] / "Foundation" / "__init__.py"
    (tmp_path / "win32more/Windows/Win32/Foundation").mkdir(parents=True)
    shutil.copy(foundation, tmp_path / "win32more/Windows/Win32/Foundation/__init__.py")
    assert (
        main(
            [
                "import-abi",
                "--abi",
                str(out),
                "--metadata",
                str(tmp_path),
                "--header",
                str(wine_header),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert err and err[0].startswith(f"{module}:")
    line = int(err[0].split(":")[1])
    assert 1 <= line <= len(module.read_text().splitlines()) + 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_wrong_or_missing_sources_are_clear_errors(
    import_extra: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "odd.py"
    odd.write_text("x = 1\nprint(x)\n")
    missing = tmp_path / "nowhere" / "webservices.h"
    assert (
        main(
            [
                "import-abi",
                "--abi",
                str(tmp_path / "abi"),
                "--metadata",
                str(odd),
                "--header",
                str(missing),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert f"{odd}:1: error: expected a type name" in err
    assert f"{missing}: error: Wine's webservices.h not found" in err
    assert not (tmp_path / "abi").exists()
