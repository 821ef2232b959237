"""check-docs: each kind of mismatch on small pages written here, the seeds' missing
directions inferred, and the upstream corpus run with its known findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main

FRONT = """---
UID: {uid}
title: {name} {what} (webservices.h)
description: A test page.
ms.topic: {topic}
req.header: webservices.h
api_name:
 - {name}
---

# {name} {what}

## -description

A test page.

"""


def _page(folder: Path, name: str, kind: str, body: str) -> Path:
    prefix, what, topic = {
        "function": ("nf", "function", "function"),
        "enum": ("ne", "enumeration", "enum"),
        "struct": ("ns", "structure", "struct"),
    }[kind]
    uid = f"{prefix.upper()}:webservices.{name}"
    path = folder / f"{prefix}-webservices-{name.lower()}.md"
    path.write_text(FRONT.format(uid=uid, name=name, what=what, topic=topic) + body)
    return path


def _param(name: str, annotation: str = "") -> str:
    return f"### -param {name}{' ' + annotation if annotation else ''}\n\nA parameter.\n\n"


HEAP_PARAMS = [
    ("maxSize", "[in]"),
    ("trimSize", "[in]"),
    ("properties", "[in, optional]"),
    ("propertyCount", "[in]"),
    ("heap", "[out]"),
    ("error", "[in, optional]"),
]


def _run(docs: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["check-docs", "--docs", str(docs)])
    return status, capsys.readouterr().out


def test_consistent_page_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "## -parameters\n\n" + "".join(_param(n, a) for n, a in HEAP_PARAMS)
    _page(tmp_path, "WsCreateHeap", "function", body)
    status, out = _run(tmp_path, capsys)
    assert status == 0, out
    assert "0 mismatches" in out


@pytest.mark.parametrize(
    ("params", "kind", "expect"),
    [
        ([("maxSize", "[in]"), ("trimSize", "[in]")], "parameter-count", "documents 2 parameters"),
        (
            [("maxSize", "[in]"), ("trim", "[in]"), *HEAP_PARAMS[2:]],
            "parameter-name",
            "parameter 'trim' is 'trimSize' in the ABI",
        ),
        (
            [HEAP_PARAMS[1], HEAP_PARAMS[0], *HEAP_PARAMS[2:]],
            "parameter-order",
            "parameters in the order trimSize, maxSize",
        ),
        (
            [*HEAP_PARAMS[:4], ("heap", "[in]"), HEAP_PARAMS[5]],
            "direction",
            "parameter heap is [in] on the page but its type WS_HEAP** makes it out (handle-out)",
        ),
        ([("maxSize", "[out]"), *HEAP_PARAMS[1:]], "direction", "makes it in (by-value)"),
        (
            [*HEAP_PARAMS[:3], ("propertyCount", "[in, optional]"), *HEAP_PARAMS[4:]],
            "optional",
            "parameter propertyCount is optional on the page but ULONG is a value",
        ),
    ],
)
def test_function_mismatches(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    params: list[tuple[str, str]],
    kind: str,
    expect: str,
) -> None:
    body = "## -parameters\n\n" + "".join(_param(n, a) for n, a in params)
    path = _page(tmp_path, "WsCreateHeap", "function", body)
    status, out = _run(tmp_path, capsys)
    assert status == 1
    line = next(x for x in out.splitlines() if expect in x)
    assert line.startswith(f"{path}:") and ": error: WsCreateHeap: " in line
    assert f"error   {kind}" in out


def test_missing_direction_is_inferred_and_reported_not_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = [*HEAP_PARAMS[:4], ("heap", ""), HEAP_PARAMS[5]]
    body = "## -parameters\n\n" + "".join(_param(n, a) for n, a in params)
    path = _page(tmp_path, "WsCreateHeap", "function", body)
    status, out = _run(tmp_path, capsys)
    assert status == 0
    assert f"{path}:" in out
    assert "note: WsCreateHeap: parameter heap has no direction: out inferred (handle-out" in out
    assert "1 directions inferred" in out


def test_enum_and_struct_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _page(
        tmp_path,
        "WS_ADDRESSING_VERSION",
        "enum",
        "## -enum-fields\n\n### -field WS_ADDRESSING_VERSION_0_9:2\n\nA member.\n\n"
        "### -field WS_ADDRESSING_VERSION_2_0\n\nA member.\n\n",
    )
    _page(
        tmp_path,
        "WS_CHANNEL_PROPERTY_CONSTRAINT",
        "struct",
        "## -struct-fields\n\n### -field id\n\nA field.\n\n### -field out\n\nA field.\n\n"
        "### -field out.channelProperty\n\nA field.\n\n### -field out.missing\n\nA field.\n\n",
    )
    status, out = _run(tmp_path, capsys)
    assert status == 1
    assert "member WS_ADDRESSING_VERSION_0_9 is 2 on the page, 1 in the ABI" in out
    assert "member WS_ADDRESSING_VERSION_2_0 is not in the ABI" in out
    assert "field out.missing is not in the ABI" in out
    assert "field out.channelProperty" not in out  # a nested member the ABI has
    assert (
        "warning: WS_CHANNEL_PROPERTY_CONSTRAINT: the ABI has members the page does not "
        "document: allowedValues, allowedValuesSize" in out
    )


def test_unknown_element_and_return_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _page(tmp_path, "WsNoSuchFunction", "function", "## -parameters\n\n")
    table = (
        "## -returns\n\n<table>\n<tr><th>Return code</th><th>Description</th></tr>\n"
        "<tr><td><dl><dt><b>WS_E_NO_SUCH_CODE</b></dt></dl></td><td>Never.</td></tr>\n"
        "<tr><td><dl><dt><b>E_INVALIDARG</b></dt></dl></td><td>Bad.</td></tr>\n"
        "</table>\n"
    )
    body = "## -parameters\n\n" + "".join(_param(n, a) for n, a in HEAP_PARAMS) + table
    _page(tmp_path, "WsCreateHeap", "function", body)
    status, out = _run(tmp_path, capsys)
    assert status == 1
    assert "WsNoSuchFunction: a function page, but the ABI declares no such function" in out
    assert "return code WS_E_NO_SUCH_CODE is not an HRESULT constant of the ABI" in out
    assert "E_INVALIDARG is not" not in out


def test_code_values_in_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "return-values.md"
    article.write_text(
        "---\ntitle: Return values\nms.topic: article\n---\n\n# Return values\n\n"
        "| Code | Meaning |\n|---|---|\n"
        "| <dl> <dt>**E\\_OUTOFMEMORY**</dt> <dt>0x80070057</dt> </dl> | Wrong value. |\n"
        "| <dl> <dt>**WS\\_E\\_OTHER**</dt> <dt>0x803D0021</dt> </dl> | Right value. |\n"
    )
    status, out = _run(tmp_path, capsys)
    assert status == 1
    assert (
        f"{article}:10: error: E_OUTOFMEMORY is 0x80070057 on the page, 0x8007000E in " "the ABI"
    ) in out
    assert "WS_E_OTHER is" not in out


def test_seed_pages(seeds_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _run(seeds_dir, capsys)
    assert status == 0, out
    assert (
        "WsGetSecurityTokenProperty: parameter value has no direction: out inferred "
        "(byte-buffer" in out
    )
    assert (
        "WsRequestSecurityToken: parameter token has no direction: out inferred "
        "(handle-out" in out
    )


def test_upstream_corpus(
    sdk_api_dir: Path, wsw_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["check-docs", "--quiet", "--docs", str(sdk_api_dir), "--docs", str(wsw_dir)])
    out = capsys.readouterr().out
    assert status == 1  # the upstream pages have known mistakes
    assert "E_INVALIDARG is 0x8007000E on the page, 0x80070057 in the ABI" in out
    assert "WS_E_INVALID_FORMAT is 0x804D0000 on the page, 0x803D0000 in the ABI" in out
    assert "WsSendReplyMessage: the page documents 10 parameters" in out
    assert "error   code-value" in out
