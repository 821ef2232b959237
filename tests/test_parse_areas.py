"""Overview pages: areas, index pages and articles."""

from __future__ import annotations

import textwrap

import pytest

from generator.docmodel import AreaPage, ArticlePage, PageKind
from generator.parse import parse_text
from generator.parse.areas import INDEX_MIN_ENTRIES, group_kind
from generator.parse.pages import area_name

FRONT = (
    "---\ntitle: Demo Area\ndescription: What the area does.\nms.assetid: 1234\n"
    "ms.topic: article\n---\n\n"
)


def area(body: str, path: str = "demo-area.md") -> AreaPage:
    result = parse_text(FRONT + textwrap.dedent(body).lstrip(), path)
    assert isinstance(result.page, AreaPage), result
    assert result.kind is PageKind.AREA
    return result.page


def groups(page: AreaPage) -> list[tuple[str, list[str]]]:
    return [(group, [e.name for e in entries]) for group, entries in page.groups]


def test_group_names_are_normalised() -> None:
    assert [
        group_kind(p)
        for p in (
            "Function",
            "functions",
            "Callback functions",
            "Callback",
            "Enumeration",
            "Enums/Constants",
            "Structures and unions",
            "Structure",
            "Handle",
            "Macros",
            "API elements",
        )
    ] == [
        "function",
        "function",
        "callback",
        "callback",
        "enumeration",
        "enumeration",
        "structure",
        "structure",
        "handle",
        "macro",
        None,
    ]


def test_tables_headed_by_a_kind() -> None:
    page = area("""
        # Demo Area

        Intro with a [link](ws-heap.md).

        | Enumeration | Description |
        |---|---|
        | [**WS\\_DEMO\\_ID**](/windows/win32/WS/ne-webservices-ws_demo_id?branch=x) | Ids. |

        \u00c2\u00a0

        | Function | Description |
        |---|---|
        | [**WsDemoOne**](/windows/desktop/api/WebServices/nf-webservices-wsdemoone) | One. |
        | [**WsDemoTwo**](/windows/desktop/api/WebServices/nf-webservices-wsdemotwo) | Two. |

        | Handle | Description |
        |---|---|
        | [WS\\_DEMO](ws-demo.md) | A handle. |

        | Return code | Description |
        |---|---|
        | E_FAIL | Not a group. |
        """)
    assert (page.name, page.title, page.assetid) == ("demo-area", "Demo Area", "1234")
    assert page.description.text == "What the area does."
    assert groups(page) == [
        ("enumeration", ["WS_DEMO_ID"]),
        ("function", ["WsDemoOne", "WsDemoTwo"]),
        ("handle", ["WS_DEMO"]),
    ]
    first = page.groups[1][1][0]
    assert first.description == "One."
    assert first.link is not None
    assert first.link.url == "/windows/desktop/api/WebServices/nf-webservices-wsdemoone"
    assert page.elements() == ("WS_DEMO_ID", "WsDemoOne", "WsDemoTwo", "WS_DEMO")


def test_bullet_lists_after_a_lead_in_and_groups_of_one_kind_merge() -> None:
    page = area("""
        # Heap

        A heap tracks allocations.

        The following enumeration is used with the heap:

        -   [**WS\\_HEAP\\_PROPERTY\\_ID**](/windows/desktop/ne-webservices-ws_heap_property_id)

        The following functions are used
        with the heap:

        -   [**WsAlloc**](/windows/desktop/api/WebServices/nf-webservices-wsalloc)
        -   [**WsCreateHeap**](/windows/desktop/api/WebServices/nf-webservices-wscreateheap)

        Some other list, not a group:

        -   [**WsFreeHeap**](/windows/desktop/api/WebServices/nf-webservices-wsfreeheap)

        The following function is part of the heap too:

        -   [**WsResetHeap**](/windows/desktop/api/WebServices/nf-webservices-wsresetheap)
        """)
    assert groups(page) == [
        ("enumeration", ["WS_HEAP_PROPERTY_ID"]),
        ("function", ["WsAlloc", "WsCreateHeap", "WsResetHeap"]),
    ]


def test_kind_items_with_nested_lists() -> None:
    page = area("""
        # Utilities

        The following definitions are general utilities used with other elements:

        -   Enumeration:
            -   [**WS\\_DATETIME\\_FORMAT**](/windows/desktop/ne-webservices-ws_datetime_format)
        -   Macros:
            -   [**WsCountOf**](/windows/desktop/api/WebServices/nf-webservices-wscountof)
            -   [**WsOffsetOf**](/windows/desktop/api/WebServices/nf-webservices-wsoffsetof)
        -   Not a kind:
            -   [**Other**](other.md)
        """)
    assert groups(page) == [
        ("enumeration", ["WS_DATETIME_FORMAT"]),
        ("macro", ["WsCountOf", "WsOffsetOf"]),
    ]


def test_lists_without_a_lead_in_are_not_groups() -> None:
    result = parse_text(
        FRONT + "# Thread Safety\n\nThe following handles are single threaded:\n\n"
        "-   [WS\\_HEAP](ws-heap.md)\n\nAnd these:\n\n-   [WS\\_CHANNEL](ws-channel.md)\n",
        "thread-safety.md",
    )
    assert isinstance(result.page, ArticlePage)
    assert (result.page.title, result.page.assetid) == ("Thread Safety", "1234")


def test_index_page_by_its_lead_in() -> None:
    result = parse_text(
        FRONT + "# Windows Web Services Handles\n\n"
        "The Windows Web Services API includes the following handles:\n\n"
        "-   [WS\\_CHANNEL](ws-channel.md)\n-   [WS\\_ERROR](ws-error.md)\n",
        "web-services-for-windows-handles.md",
    )
    assert result.kind is PageKind.INDEX
    assert isinstance(result.page, AreaPage)
    assert groups(result.page) == [("handle", ["WS_CHANNEL", "WS_ERROR"])]


def test_index_page_by_size() -> None:
    rows = "".join(
        f"| [**WsF{i}**](/windows/desktop/api/WebServices/nf-webservices-wsf{i}) | F. |\n"
        for i in range(INDEX_MIN_ENTRIES + 1)
    )
    big = FRONT + f"# All\n\n| Function | Description |\n|---|---|\n{rows}"
    assert parse_text(big, "all.md").kind is PageKind.INDEX
    header = "| Function | Description |\n|---|---|\n"
    small = FRONT + "# Some\n\n" + header + rows[: rows.index("\n") + 1]
    assert parse_text(small, "some.md").kind is PageKind.AREA


def test_page_without_groups_is_an_article_never_an_error() -> None:
    result = parse_text(
        FRONT + "# Creating a Client\n\nSteps:\n\n1. Do this.\n\n```C\nstruct x { int a; };\n```\n",
        "creating-a-client.md",
    )
    assert result.kind is PageKind.ARTICLE
    assert result.diagnostics == ()


def test_quick_article_path_gives_the_same_result() -> None:
    text = FRONT + "# Sample\n\nCode follows.\n\n```C\n# not a heading\nint main(void);\n```\n"
    assert parse_text(text, "s.md") == parse_text(text, "s.md", quick=False)
    assert parse_text(text, "s.md").page == ArticlePage("Sample", "s.md", "1234")


def test_area_name_from_a_slug_file_name_else_from_the_title() -> None:
    assert area_name("x/security-processing-results.md", "Any") == "security-processing-results"
    assert area_name("seeds/002_b2040c3f.txt", "Security Processing Results") == (
        "security-processing-results"
    )
    assert area_name("areas/Channel.md", "Channel (Windows Web Services)") == (
        "channel-windows-web-services"
    )


def test_entries_without_links() -> None:
    page = area("""
        # Odd Lists

        The following functions are part of odd lists:

        -   **WsUnlinked** - documented elsewhere
        -   <a id="anchor"></a>[**WsLinked**](nf-webservices-wslinked.md)
        -   see the overview for more.
        """)
    ((group, entries),) = page.groups
    assert group == "function"
    assert [(e.name, e.description, e.link.url if e.link else None) for e in entries] == [
        ("WsUnlinked", "documented elsewhere", None),
        ("WsLinked", "", "nf-webservices-wslinked.md"),
    ]


def test_table_header_with_markup_is_seen_by_the_quick_check_too() -> None:
    text = FRONT + (
        "# Marked Up\n\n| <b>Function</b> | Description |\n|---|---|\n"
        "| [**WsX**](nf-webservices-wsx.md) | Does. |\n"
    )
    result = parse_text(text, "marked-up.md")
    assert result.kind is PageKind.AREA
    assert result == parse_text(text, "marked-up.md", quick=False)


@pytest.mark.parametrize(
    "lead_in",
    [
        "The following functions are used with the demo:\n-   [**WsX**](nf-x.md)\n",
        "*The following functions are used with the demo:*\n\n-   [**WsX**](nf-x.md)\n",
        "The following functions are used\nwith the demo:\n\n-   [**WsX**](nf-x.md)\n",
    ],
)
def test_lead_ins_the_quick_check_must_not_miss(lead_in: str) -> None:
    text = FRONT + "# Demo\n\nIntro.\n\n" + lead_in
    result = parse_text(text, "demo.md")
    assert result.kind is PageKind.AREA
    assert result == parse_text(text, "demo.md", quick=False)
