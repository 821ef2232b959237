"""generator.merge: DocSet + AbiSet -> ApiModel, and its diagnostics."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from test_generate_support import FIXTURE, function_page, write_pages

from generator.abi import load_abi
from generator.abimodel import AbiFunction, AbiParam, AbiSet, CType
from generator.apimodel import ApiModel
from generator.diagnostics import DiagnosticError, Severity
from generator.docmodel import Direction
from generator.merge import merge
from generator.parse import parse_paths


def _fixture_model() -> ApiModel:
    return merge(parse_paths([FIXTURE / "pages"]), load_abi(FIXTURE / "abi"))


def test_documented_directions_are_kept_and_missing_ones_inferred() -> None:
    model = _fixture_model()
    create = next(f for f in model.functions if f.name == "WsCreateHeap")
    by_name = {p.name: p for p in create.params}
    assert by_name["heap"].direction is Direction.OUT
    assert by_name["heap"].direction_rule == ""
    assert by_name["properties"].optional is True
    # the page gives `error` no direction: the C type decides, and says how
    assert by_name["error"].direction is Direction.IN
    assert by_name["error"].direction_rule != ""
    assert by_name["error"].optional is True
    assert by_name["maxSize"].description == "The most bytes the heap hands out before it is reset."
    assert by_name["propertyCount"].count_of == "properties"
    assert create.error_param == 5
    # an undocumented function: every direction inferred
    string = next(f for f in model.functions if f.name == "WsGetErrorString")
    assert all(p.direction_rule for p in string.params)
    assert not string.doc.has_page
    assert string.doc.url.endswith("/api/webservices/nf-webservices-wsgeterrorstring")


def test_return_codes_get_their_hresult_values() -> None:
    create = next(f for f in _fixture_model().functions if f.name == "WsCreateHeap")
    codes = {c.code: c for c in create.return_codes}
    assert codes["E_INVALIDARG"].value == 0x80070057
    assert codes["E_OUTOFMEMORY"].value == 0x8007000E
    assert codes["WS_S_ASYNC"].success and codes["WS_S_ASYNC"].value == 0x003D0000
    assert codes["Other Errors"].value is None  # a catch-all row names no HRESULT
    assert not codes["E_INVALIDARG"].success


def test_hresult_constants_become_codes_not_constants() -> None:
    model = _fixture_model()
    assert {h.name for h in model.hresults} == {
        "E_INVALIDARG",
        "E_OUTOFMEMORY",
        "WS_E_INVALID_OPERATION",
        "WS_S_ASYNC",
    }
    assert {c.name for c in model.constants} == {"WS_THING_LIMIT", "WS_THING_NAME"}
    invalid = next(h for h in model.hresults if h.name == "E_INVALIDARG")
    assert invalid.documented_by == ("WsCreateHeap",)


def test_areas_come_from_area_pages_with_fallbacks_by_kind() -> None:
    model = _fixture_model()
    area = {e.name: e.area for group in (model.functions, model.enums, model.aggregates,
            model.handles, model.callbacks) for e in group}  # fmt: skip
    assert area["WsCreateHeap"] == area["WS_HEAP"] == area["WS_HEAP_PROPERTY"] == "heap"
    assert area["WsGetErrorString"] == area["WS_STRING"] == "errors"
    # listed on no area page: the fallback area of the element's kind
    assert area["WS_ASYNC_CALLBACK"] == "misc_callbacks"
    assert area["WS_ASYNC_CONTEXT"] == "misc_structs"
    assert area["WsStartAsync"] == "misc_functions"
    # a nested aggregate lives with its outer one
    assert area["WS_THING.value"] == area["WS_THING"]
    heap = model.area("heap")
    assert heap is not None and heap.source.endswith("pages/areas/heap.md")


def _area_page(title: str, groups: dict[str, list[str]]) -> str:
    tables = "\n\n".join(
        f"| {kind} | Description |\n| --- | --- |\n"
        + "\n".join(f"| [**{n}**](../{n.lower()}.md) | x |" for n in items)
        for kind, items in groups.items()
    )
    return f"---\ntitle: {title}\nms.topic: article\n---\n\n# {title}\n\nText.\n\n{tables}\n"


def test_an_element_on_several_area_pages_goes_to_the_richest_area(tmp_path: Path) -> None:
    write_pages(
        tmp_path,
        {
            # lists one kind only (like a thread-safety list) and comes first by name
            "areas/a-threads.md": _area_page("Threads", {"Handle": ["WS_HEAP", "WS_ERROR"]}),
            "areas/heap.md": _area_page(
                "Heap", {"Function": ["WsCreateHeap"], "Handle": ["WS_HEAP"]}
            ),
        },
    )
    model = merge(parse_paths([tmp_path]), load_abi(FIXTURE / "abi"))
    area = {h.name: h.area for h in model.handles}
    assert area["WS_HEAP"] == "heap"
    assert area["WS_ERROR"] == "a_threads"


def test_unknown_return_codes_and_pages_without_abi_facts_are_warnings(tmp_path: Path) -> None:
    table = (
        "<table>\n<tr><th>Return code</th><th>Description</th></tr>\n"
        "<tr><td><dl><dt><b>WS_E_NOT_IN_THE_ABI</b></dt></dl></td><td>Made up.</td></tr>\n"
        "</table>"
    )
    write_pages(
        tmp_path,
        {
            "nf-webservices-wsfreeheap.md": function_page(
                "WsFreeHeap",
                "Frees.",
                "### -param heap [in]\n\nThe heap.\n\n### -param extra [in]\n\nNot in C.\n",
                table,
            ),
            "nf-webservices-wsnotinabi.md": function_page("WsNotInAbi", "Nothing."),
        },
    )
    model = merge(parse_paths([tmp_path]), load_abi(FIXTURE / "abi"))
    messages = [str(d) for d in model.diagnostics]
    assert all(d.severity is Severity.WARNING for d in model.diagnostics)
    assert any(
        "nf-webservices-wsfreeheap.md:" in m and "WS_E_NOT_IN_THE_ABI" in m for m in messages
    )
    assert any("'extra'" in m and "not in the C prototype" in m for m in messages)
    assert any("nf-webservices-wsnotinabi.md:" in m and "no ABI facts" in m for m in messages)
    assert all(f.name != "WsNotInAbi" for f in model.functions)


def _abi_with(*functions: AbiFunction) -> AbiSet:
    base = load_abi(FIXTURE / "abi")
    return replace(base, functions=base.functions + functions)


def test_two_elements_with_one_python_name_are_an_error(tmp_path: Path) -> None:
    abi = _abi_with(AbiFunction("from", CType("void"), ()), AbiFunction("from_", CType("void"), ()))
    with pytest.raises(DiagnosticError) as caught:
        merge(parse_paths([FIXTURE / "pages"]), abi, abi_dir="abi")
    text = str(caught.value)
    assert (
        "abi/functions.yaml: error: function from and function from_ would all be "
        "the Python name 'from_'" in text
    )


def test_parameters_colliding_after_mapping_are_an_error(tmp_path: Path) -> None:
    params = (AbiParam("type", CType("ULONG")), AbiParam("type_", CType("ULONG")))
    write_pages(tmp_path, {"nf.md": function_page("WsTwice", "Twice.")})
    abi = _abi_with(AbiFunction("WsTwice", CType("void"), params))
    with pytest.raises(DiagnosticError) as caught:
        merge(parse_paths([tmp_path]), abi)
    assert (
        "nf.md:11: error: type and type_ of WsTwice would both be the Python name 'type_'"
        in str(caught.value)
    )


def test_names_without_a_safe_mapping_are_errors_at_the_page(tmp_path: Path) -> None:
    params = (AbiParam("not-a-name", CType("ULONG")),)
    write_pages(tmp_path, {"nf.md": function_page("WsOdd", "Odd.")})
    abi = _abi_with(AbiFunction("WsOdd", CType("void"), params))
    with pytest.raises(DiagnosticError) as caught:
        merge(parse_paths([tmp_path]), abi)
    assert "nf.md:11: error: parameter 1 of WsOdd: 'not-a-name' is not an ASCII identifier" in str(
        caught.value
    )


def test_keyword_names_are_mapped_not_rejected(tmp_path: Path) -> None:
    params = (AbiParam("from", CType("ULONG")), AbiParam("lambda", CType("void*")))
    abi = _abi_with(AbiFunction("WsKeywords", CType("HRESULT"), params))
    model = merge(parse_paths([FIXTURE / "pages"]), abi)
    function = next(f for f in model.functions if f.name == "WsKeywords")
    assert [p.py_name for p in function.params] == ["from_", "lambda_"]


def test_fields_of_nested_aggregates_take_qualified_descriptions(tmp_path: Path) -> None:
    write_pages(
        tmp_path,
        {"ns.md": """
            ---
            UID: NS:webservices._WS_THING
            title: WS_THING structure
            ms.assetid: 11111111-0000-0000-0000-000000000000
            ms.topic: struct
            ---

            # WS_THING structure

            ## -description

            A thing.

            ## -struct-fields

            ### -field flags

            Flag bits.

            ### -field value.number

            A number, in the union.
            """},
    )
    model = merge(parse_paths([tmp_path]), load_abi(FIXTURE / "abi"))
    thing = {a.name: a for a in model.aggregates}
    assert thing["WS_THING"].fields[0].description == "Flag bits."
    assert thing["WS_THING.value"].fields[0].description == "A number, in the union."
    assert thing["WS_THING.value"].py_name == "_WS_THING_value"
    assert thing["WS_THING.value"].doc.source.endswith("ns.md")
