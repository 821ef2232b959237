"""Front matter: YAML, the lenient fallback, placeholders, and where the body starts."""

from __future__ import annotations

from generator.diagnostics import Severity
from generator.docmodel import FrontMatter
from generator.parse.frontmatter import read_front_matter

SEED_001_STYLE = """---
UID: NF:webservices.WsDemo
title: WsDemo function
ms.assetid: ee754a7d-73a9-49ae-afc7-b443fbbe0cce
ms.topic: function
req.header: webservices.h
req.target-min-winverclnt: Windows\u00a07 [desktop apps \\| UWP apps]
topic_type:
 - APIRef
 - kbSyntax
api_name:
 - WsDemo
req.redist:\x20
- apiref
:\x20
-\x20
:\x20
---

# WsDemo function
"""


def test_valid_yaml_fields() -> None:
    result = read_front_matter(
        "---\nUID: NE:webservices.WS_X\ntitle: WS_X enumeration\nms.assetid: 1234\n"
        "ms.topic: enum\nreq.header: webservices.h\nreq.lib: WebServices.lib\n"
        "req.dll: WebServices.dll\ndescription: Says   what.\napi_name:\n - WS_X\n"
        "api_location:\n - WebServices.h\ntopic_type:\n - APIRef\n---\nbody\n",
        "p.md",
    )
    assert result.front == FrontMatter(
        uid="NE:webservices.WS_X",
        title="WS_X enumeration",
        description="Says what.",
        assetid="1234",
        topic="enum",
        header="webservices.h",
        lib="WebServices.lib",
        dll="WebServices.dll",
        api_names=("WS_X",),
        api_locations=("WebServices.h",),
        topic_types=("APIRef",),
    )
    assert result.diagnostics == ()
    assert (result.body, result.body_offset) == ("body\n", 16)


def test_values_stay_text() -> None:
    """No YAML typing: NO is not False, a date is not a date, 0012 keeps its zeros."""
    result = read_front_matter(
        "---\nreq.lib: NO\nms.date: 2018-05-31\nms.assetid: 0012\n---\n", "p.md"
    )
    assert (result.front.lib, result.front.assetid) == ("NO", "0012")


def test_invalid_yaml_is_read_line_by_line() -> None:
    result = read_front_matter(SEED_001_STYLE, "seed.txt")
    front = result.front
    assert front.uid == "NF:webservices.WsDemo"
    assert front.topic_types == ("APIRef", "kbSyntax")
    assert front.api_names == ("WsDemo",)
    assert front.header == "webservices.h"
    assert front.min_client == "Windows 7 [desktop apps | UWP apps]"
    assert not front.placeholder
    (warning,) = result.diagnostics
    assert warning.severity is Severity.WARNING
    assert "line 15); read it line by line, ignoring stray lines 15, 16, 17" in warning.message
    assert result.body_offset == 18
    assert result.body.startswith("\n# WsDemo function")


def test_tab_after_list_dash_loses_nothing_and_says_nothing() -> None:
    text = "---\nUID: NF:webservices.WsX\ntopic_type:\n-\tAPIRef\n---\n"
    result = read_front_matter(text, "p.md")
    assert result.front.topic_types == ("APIRef",)
    assert result.diagnostics == ()


def test_placeholder_front_matter() -> None:
    result = read_front_matter(
        "---\nUID: The unique id of the API.\ntitle: The title of the API.\n"
        "ms.assetid: The MSDN ID of the API\nms.topic: The topic type of the API (ie enum)\n"
        "req.header: The main header of the API\n---\n",
        "p.md",
    )
    assert result.front == FrontMatter(placeholder=True)


def test_real_values_are_not_placeholders() -> None:
    result = read_front_matter("---\nUID: NF:webservices.WsX\ntitle: WsX function\n---\n", "p.md")
    assert not result.front.placeholder


def test_unclosed_front_matter_is_an_error_at_line_one() -> None:
    result = read_front_matter("---\nUID: NF:webservices.WsX\n\n# WsX function\n", "p.md")
    assert not result.ok
    (error,) = result.diagnostics
    assert str(error).startswith("p.md:1: error: front matter opened by '---' is never closed")


def test_unreadable_front_matter_is_an_error_at_the_bad_line() -> None:
    result = read_front_matter("---\nUID: NF:webservices.WsX\n{{ not yaml\n---\n# X\n", "p.md")
    (error,) = result.diagnostics
    assert error.severity is Severity.ERROR
    assert error.line == 3
    assert "front matter cannot be read" in error.message


def test_no_front_matter() -> None:
    result = read_front_matter("# Title\n", "p.md")
    assert (result.front, result.body, result.body_offset, result.ok) == (
        FrontMatter(),
        "# Title\n",
        0,
        True,
    )


def test_front_matter_that_is_not_a_mapping_is_read_leniently() -> None:
    result = read_front_matter("---\njust words\n---\n", "p.md")
    (error,) = result.diagnostics
    assert (error.line, error.severity) == (2, Severity.ERROR)
