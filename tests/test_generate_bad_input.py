"""Doc text is data, never code: hostile pages and names still give valid,
importable Python with the text intact, or a clear error."""

from __future__ import annotations

import json
import shutil
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from test_generate_support import FIXTURE, generate_fixture, python, wwsgen

from generator.abi import load_abi, save_abi
from generator.abimodel import (
    AbiAggregate,
    AbiEnum,
    AbiEnumMember,
    AbiField,
    AbiFunction,
    AbiParam,
    AggregateKind,
    CType,
)

HOSTILE = (
    'Quotes """ and \'\'\' and a lone " and \\ backslashes \\n \\x00 \\\\ and '
    "{{ jinja }} {% if x %}block{% endif %} {# note #} and <b>bold</b> &lt;tag&gt; "
    "and \u202eright-to-left\u202c, \u2028line separator, zero\u200bwidth, "
    "\U0001f40d and \u6f22\u5b57 and tab\tstop."
)
# What the page text means once read: HTML tags dropped, entities decoded, and
# the Markdown escape of a backslash (two backslashes) one backslash.
HOSTILE_TEXT = (
    HOSTILE.replace("<b>bold</b>", "bold").replace("&lt;tag&gt;", "<tag>").replace("\\\\", "\\")
)


def _page(kind: str, uid: str, h1: str, body: str) -> str:
    return (
        f"---\nUID: {uid}\ntitle: {h1}\nms.topic: {kind}\nms.assetid: 99999999-1111-2222-3333-"
        f"{zlib.crc32(uid.encode()):012d}\n---\n\n# {h1}\n\n## -description\n\n{HOSTILE}\n\n{body}"
    )


@pytest.fixture(scope="module")
def hostile_specs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    specs = tmp_path_factory.mktemp("hostile") / "specs"
    shutil.copytree(FIXTURE, specs)
    abi = load_abi(specs / "abi")
    params = tuple(
        AbiParam(name, CType.parse(t))
        for name, t in (("from", "ULONG"), ("lambda", "void*"), ("type", "WS_HEAP*"),
                        ("bytes", "const WS_HOSTILE*"), ("print", "BOOL"))
    )  # fmt: skip
    fields = (
        AbiField("class", CType("ULONG")),
        AbiField("id", CType("GUID")),
        AbiField("None", CType("void", 1)),
    )
    abi = replace(
        abi,
        functions=(*abi.functions, AbiFunction("WsHostile", CType("HRESULT"), params)),
        aggregates=(*abi.aggregates, AbiAggregate("WS_HOSTILE", AggregateKind.STRUCT, fields)),
        enums=(
            *abi.enums,
            AbiEnum("WS_HOSTILE_KIND", (AbiEnumMember("WS_HOSTILE_IS", -1),)),
        ),
    )
    save_abi(abi, specs / "abi")
    pages = specs / "pages"
    params_text = "".join(
        f"### -param {name} [in]\n\nParameter {name}: {HOSTILE}\n\n"
        for name in ("from", "lambda", "type", "bytes", "print")
    )
    (pages / "nf-hostile.md").write_text(
        _page("function", "NF:webservices.WsHostile", "WsHostile function",
              f"## -parameters\n\n{params_text}## -remarks\n\n{HOSTILE}\n"),
        encoding="utf-8",
    )  # fmt: skip
    (pages / "ns-hostile.md").write_text(
        _page("struct", "NS:webservices._WS_HOSTILE", "WS_HOSTILE structure",
              f"## -struct-fields\n\n### -field class\n\n{HOSTILE}\n\n### -field None\n\nx\n"),
        encoding="utf-8",
    )  # fmt: skip
    (pages / "ne-hostile.md").write_text(
        _page("enum", "NE:webservices.WS_HOSTILE_KIND", "WS_HOSTILE_KIND enumeration",
              f"## -enum-fields\n\n### -field WS_HOSTILE_IS\n\n{HOSTILE}\n"),
        encoding="utf-8",
    )  # fmt: skip
    return specs


def test_hostile_pages_give_importable_code_with_the_text_intact(
    hostile_specs: Path, tmp_path: Path
) -> None:
    generate_fixture(tmp_path, specs=hostile_specs)
    output = python(
        tmp_path,
        """
        import inspect, json, ctypes
        import wwsapi
        print(json.dumps({
            "function": inspect.getdoc(wwsapi.WsHostile),
            "struct": inspect.getdoc(wwsapi.WS_HOSTILE),
            "enum": inspect.getdoc(wwsapi.WS_HOSTILE_KIND),
            "params": list(inspect.signature(wwsapi.WsHostile).parameters),
            "fields": [f[0] for f in wwsapi.WS_HOSTILE._fields_],
            "member": int(wwsapi.WS_HOSTILE_IS),
        }))
        """,
    )
    result = json.loads(output)
    assert result["params"] == ["from_", "lambda_", "type_", "bytes_", "print_"]
    assert result["fields"] == ["class_", "id_", "None_"]
    assert result["member"] == -1
    expected = " ".join(HOSTILE_TEXT.split())
    for key in ("function", "struct", "enum"):
        flat = " ".join(result[key].split())
        assert expected in flat, (key, result[key])
    assert result["function"].count(expected.split(" and ")[0]) >= 6  # description, params, remarks


def test_a_name_with_no_safe_mapping_is_a_clear_error(hostile_specs: Path, tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(hostile_specs, specs)
    abi = load_abi(specs / "abi")
    bad = AbiFunction("WsBad", CType("void"), (AbiParam("two words", CType("ULONG")),))
    save_abi(replace(abi, functions=(*abi.functions, bad)), specs / "abi")
    out = tmp_path / "out"
    run = wwsgen("generate", "--specs", specs, "--out", out, "--no-cache")
    assert run.status == 1
    assert (
        "abi/functions.yaml: error: parameter 1 of WsBad: 'two words' is not an ASCII identifier"
        in (run.stderr)
    )
    assert "Traceback" not in run.stderr
    assert not out.exists()


def test_two_names_mapping_to_one_are_an_error(hostile_specs: Path, tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(hostile_specs, specs)
    abi = load_abi(specs / "abi")
    twin = AbiFunction("WsHostile_", CType("void"), ())
    save_abi(replace(abi, functions=(*abi.functions, twin)), specs / "abi")
    # WsHostile_ is fine alone; a member named like an element is the clash
    abi = load_abi(specs / "abi")
    clash = AbiEnum("WS_CLASH", (AbiEnumMember("WsFreeHeap", 0),))
    save_abi(replace(abi, enums=(*abi.enums, clash)), specs / "abi")
    run = wwsgen("generate", "--specs", specs, "--out", tmp_path / "out", "--no-cache")
    assert run.status == 1
    assert (
        "nf-webservices-wsfreeheap.md:16: error: function WsFreeHeap and member WsFreeHeap of "
        "WS_CLASH would all be the Python name 'WsFreeHeap' in package wwsapi" in run.stderr
    ), run.stderr
    assert not (tmp_path / "out").exists()
