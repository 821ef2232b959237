"""Reference pages: classification, parameters, return codes, fields, sections."""

from __future__ import annotations

import re
import textwrap

import pytest

from generator.diagnostics import Severity
from generator.docmodel import Direction, ElementPage, PageKind
from generator.parse import PageResult, parse_text

FUNCTION_FRONT = "UID: NF:webservices.WsDemo\nms.topic: function\nms.assetid: 0000\n"


def parse(body: str, front: str | None = FUNCTION_FRONT, path: str = "demo.md") -> PageResult:
    text = textwrap.dedent(body).lstrip("\n")
    if front is not None:
        text = f"---\n{front}---\n\n{text}"
    return parse_text(text, path)


def element(body: str, front: str | None = FUNCTION_FRONT, path: str = "demo.md") -> ElementPage:
    result = parse(body, front, path)
    assert isinstance(result.page, ElementPage), result
    assert not errors(result), errors(result)
    return result.page


def errors(result: PageResult) -> list[str]:
    return [str(d) for d in result.diagnostics if d.severity is Severity.ERROR]


def warnings(result: PageResult) -> list[str]:
    return [str(d) for d in result.diagnostics if d.severity is Severity.WARNING]


# --- classification -------------------------------------------------------


@pytest.mark.parametrize(
    ("h1", "kind"),
    [
        ("WsDemo function", PageKind.FUNCTION),
        ("WS_DEMO_CALLBACK callback function", PageKind.CALLBACK),
        ("WS_DEMO_CALLBACK callback", PageKind.CALLBACK),
        ("WS_DEMO enumeration", PageKind.ENUM),
        ("WS_DEMO structure", PageKind.STRUCT),
        ("WS_DEMO union", PageKind.UNION),
        ("WS_DEMO_VALUE macro", PageKind.MACRO),
        ("WsDemo FUNCTION", PageKind.FUNCTION),
        ("WsDemo function (webservices.h)", PageKind.FUNCTION),
        ("WS_DEMO structure (webservices.h)", PageKind.STRUCT),
    ],
)
def test_kind_from_h1_suffix_without_front_matter(h1: str, kind: PageKind) -> None:
    page = element(f"# {h1}\n\n## -description\n\nText.\n", front=None, path="x.md")
    assert page.kind is kind
    assert page.name == h1.split()[0]


@pytest.mark.parametrize(
    ("front", "kind"),
    [
        ("ms.topic: callback\n", PageKind.CALLBACK),
        ("ms.topic: enum\n", PageKind.ENUM),
        ("UID: NS:webservices._WS_DEMO\n", PageKind.STRUCT),
        ("UID: NE:webservices.WS_DEMO\n", PageKind.ENUM),
        ("UID: NC:webservices.WS_DEMO\n", PageKind.CALLBACK),
    ],
)
def test_kind_from_front_matter_when_h1_has_no_suffix(front: str, kind: PageKind) -> None:
    page = element("# WS_DEMO\n\n## -description\n\nText.\n", front=front)
    assert page.kind is kind
    assert page.name == "WS_DEMO"


def test_kind_is_not_taken_from_the_file_name() -> None:
    # An nf- file whose content says enumeration is an enumeration.
    page = element(
        "# WS_DEMO enumeration\n\n## -enum-fields\n\n### -field WS_DEMO_A\n\nA.\n",
        front="UID: NE:webservices.WS_DEMO\n",
        path="nf-webservices-wsdemo.md",
    )
    assert page.kind is PageKind.ENUM


def test_page_outside_the_corpus_parses_by_content() -> None:
    """A page from the same upstream folder under any file name."""
    page = element(
        """
        # WsCreateThing function

        ## -description

        Creates a thing.

        ## -parameters

        ### -param thing [out]

        Receives the thing.
        """,
        front="UID: NF:webservices.WsCreateThing\nms.topic: function\n",
        path="some/other/name.txt",
    )
    assert (page.kind, page.name) == (PageKind.FUNCTION, "WsCreateThing")
    assert [(p.name, p.direction) for p in page.params] == [("thing", Direction.OUT)]


def test_disagreeing_signals_warn_and_the_h1_wins() -> None:
    result = parse("# WS_DEMO enumeration\n", front="UID: NF:webservices.WS_DEMO\n")
    assert isinstance(result.page, ElementPage)
    assert result.page.kind is PageKind.ENUM
    assert any("the H1 heading says enum but the UID says function" in w for w in warnings(result))


def test_struct_and_union_signals_do_not_conflict() -> None:
    result = parse("# WS_DEMO union\n", front="UID: NS:webservices._WS_DEMO\nms.topic: struct\n")
    assert isinstance(result.page, ElementPage)
    assert result.page.kind is PageKind.UNION
    assert not warnings(result)


def test_placeholder_front_matter_takes_the_name_from_the_h1() -> None:
    front = (
        "UID: The unique id of the API.\n"
        "title: The title of the API.\n"
        "ms.assetid: The MSDN ID of the API\n"
        "req.header: The main header of the API\n"
    )
    page = element("# WsDemo function\n\n## -description\n\nDoes it.\n", front=front)
    assert page.front.placeholder
    assert page.front.uid == "" and page.front.title == "" and page.front.header == ""
    assert (page.kind, page.name) == (PageKind.FUNCTION, "WsDemo")


def test_placeholder_front_matter_and_plain_h1_fall_back_to_the_file_name() -> None:
    page = element(
        "# WS_DEMO\n\n## -description\n\nText.\n",
        front="UID: The unique id of the API.\n",
        path="ne-webservices-ws_demo.md",
    )
    assert (page.kind, page.name) == (PageKind.ENUM, "WS_DEMO")


def test_handle_page_is_recognised_by_its_typedef_block() -> None:
    page = element(
        """
        # WS\\_DEMO

        An opaque type used for demos.

        ```C++
        typedef struct _WS_DEMO WS_DEMO;
        ```

        ## Remarks

        Not thread safe.

        ## Requirements

        | Requirement | Value |
        |---|---|
        | Minimum supported client<br/> | Windows 7 \\[desktop apps \\| UWP apps\\]<br/> |
        | Minimum supported server<br/> | Windows Server 2008 R2 \\[desktop apps only\\]<br/> |
        | Header<br/> | <dl> <dt>WebServices.h</dt> </dl> |

        ## See also

        [Heap](heap.md)
        """,
        front="title: WS_DEMO (WebServices.h)\nms.topic: reference\n",
        path="ws-demo.md",
    )
    assert (page.kind, page.name) == (PageKind.HANDLE, "WS_DEMO")
    assert page.typedef == "typedef struct _WS_DEMO WS_DEMO;"
    assert page.description.text == "An opaque type used for demos."
    assert page.remarks.text == "Not thread safe."
    assert page.requirements.min_client == "Windows 7 [desktop apps | UWP apps]"
    assert page.requirements.min_server == "Windows Server 2008 R2 [desktop apps only]"
    assert page.requirements.header == "WebServices.h"
    assert [link.url for link in page.see_also] == ["heap.md"]


def test_typedef_of_another_name_does_not_make_a_handle() -> None:
    result = parse(
        "# Layout\n\n```C++\ntypedef struct _WS_OTHER WS_OTHER;\n```\n",
        front="title: Layout\n",
    )
    assert result.kind is PageKind.ARTICLE


def test_element_line_is_the_h1_line_of_the_file() -> None:
    page = element("\n\n# WsDemo function\n")
    assert page.line == 3 + 2 + 2  # three front matter lines, '---' twice, two blanks


# --- parameters -----------------------------------------------------------


PARAMS = """
# WsDemo function

## -parameters

### -param a [in]

In.

### -param b [out]

Out.

### -param c [in, out]

Both.

### -param d [in, optional]

Optional in.

### -param e [out, optional]

Optional out.

### -param f

No annotation.

### -param *g [in]

Declarator star.

#### - **h

Odd heading level.

###   -Param   i   [ IN , Optional ]

Spacing and case.

### -param j [in,out]

No space.
"""


def test_parameters_in_order_with_direction_and_optional() -> None:
    page = element(PARAMS)
    got = [(p.name, p.direction, p.optional) for p in page.params]
    assert got == [
        ("a", Direction.IN, False),
        ("b", Direction.OUT, False),
        ("c", Direction.INOUT, False),
        ("d", Direction.IN, True),
        ("e", Direction.OUT, True),
        ("f", Direction.UNSPECIFIED, False),
        ("g", Direction.IN, False),
        ("h", Direction.UNSPECIFIED, False),
        ("i", Direction.IN, True),
        ("j", Direction.INOUT, False),
    ]
    assert [p.description.text for p in page.params][:3] == ["In.", "Out.", "Both."]


def test_parameter_lines_are_file_lines() -> None:
    page = element(PARAMS)
    text = f"---\n{FUNCTION_FRONT}---\n\n{textwrap.dedent(PARAMS).lstrip()}".split("\n")
    for param in page.params:
        line = text[param.line - 1]
        assert re.search(rf"^#+\s+-(?:param)?\s+\**{param.name}\b", line, re.I), (param, line)


def test_parameter_description_is_plain_text_with_links() -> None:
    page = element(
        """
        # WsDemo function

        ## -parameters

        ### -param heap [in]

                            Heap to use; must be non-<b>NULL</b> when the
                            property is <a href="https://msdn.microsoft.com/d5ba0170-2345-4144-9a60-25c0e638a283">WS_X</a>.

                        Second &amp; last paragraph.
        """
    )
    (param,) = page.params
    assert param.description.text == (
        "Heap to use; must be non-NULL when the property is WS_X.\n\nSecond & last paragraph."
    )
    assert param.description.links[0].text == "WS_X"


def test_unknown_annotation_word_is_a_warning() -> None:
    result = parse("# WsDemo function\n\n## -parameters\n\n### -param a [in, sideways]\n\nA.\n")
    assert isinstance(result.page, ElementPage)
    assert result.page.params[0].direction is Direction.IN
    assert any("'sideways'" in w for w in warnings(result))


def test_repeated_parameter_with_the_same_text_is_a_warning() -> None:
    result = parse(
        """
        # WsDemo function

        ## -parameters

        #### - **state

        The state.

        ### -param error [in, optional]

        Error.

        #### - state

        The state.
        """
    )
    assert isinstance(result.page, ElementPage)
    assert [p.name for p in result.page.params] == ["state", "error"]
    assert not errors(result)
    assert any("'state' is documented again (first at line" in w for w in warnings(result))


def test_parameters_in_a_definition_list() -> None:
    page = element(
        """
        # WsDemoDebug function

        Sets a failure point.

        ## Syntax

        ```C++
        HRESULT WINAPI WsDemoDebug(
          _In_     ULONG     count,
          _In_opt_ WS_ERROR* error
        );
        ```

        ## Parameters

        <dl> <dt>

        *count* \\[in\\]
        </dt> <dd>

        How many operations pass first.

        </dd> <dt>

        *error* \\[in, optional\\]
        </dt> <dd>

        Where error information goes.

        </dd> </dl>

        ## Return value

        It returns **S\\_OK** on success.
        """,
        front="title: WsDemoDebug function\nms.topic: reference\n",
    )
    assert page.kind is PageKind.FUNCTION
    assert [(p.name, p.direction, p.optional) for p in page.params] == [
        ("count", Direction.IN, False),
        ("error", Direction.IN, True),
    ]
    assert page.params[1].description.text == "Where error information goes."
    assert page.description.text == "Sets a failure point."
    assert page.syntax.startswith("HRESULT WINAPI WsDemoDebug(") and page.syntax.endswith(");")
    assert page.returns_text.text == "It returns S_OK on success."


# --- return values --------------------------------------------------------

RETURNS = """
# WsDemo function

## -returns

This function can return one of these values.

<table>
<tr>
<th>Return code</th>
<th>Description</th>
</tr>
<tr>
<td width="40%">
<dl>
<dt><b>E_INVALIDARG</b></dt>
</dl>
</td>
<td width="60%">
One or more arguments are invalid.

</td>
</tr>
<tr>
<td width="40%">
<dl>
<dt><b>WS_E_QUOTA_EXCEEDED</b></dt>
</dl>
</td>
<td width="60%">

A quota was <i>exceeded</i>.

</td>
</tr>
<tr>
<td width="40%">
<dl>
<dt><b> Other Errors </b></dt>
</dl>
</td>
<td width="60%">
This function may return other errors not listed above.

</td>
</tr>
</table>

Callers should check the result.
"""


def test_return_code_table_rows() -> None:
    page = element(RETURNS)
    assert [(c.code, c.catch_all) for c in page.return_codes] == [
        ("E_INVALIDARG", False),
        ("WS_E_QUOTA_EXCEEDED", False),
        ("Other Errors", True),
    ]
    assert page.return_codes[1].description.text == "A quota was exceeded."
    assert page.returns_text.text == (
        "This function can return one of these values.\n\nCallers should check the result."
    )


def test_return_code_lines_point_at_their_rows() -> None:
    page = element(RETURNS)
    lines = f"---\n{FUNCTION_FRONT}---\n\n{textwrap.dedent(RETURNS).lstrip()}".split("\n")
    for code in page.return_codes:
        assert code.code in lines[code.line - 1]
        assert lines[code.line - 1].startswith("<dt><b>")


def test_returns_as_prose_only() -> None:
    page = element(
        "# WsDemo function\n\n## -returns\n\nIf the function succeeds, it returns NO_ERROR.\n"
    )
    assert page.return_codes == ()
    assert page.returns_text.text == "If the function succeeds, it returns NO_ERROR."


def test_other_tables_in_returns_stay_prose() -> None:
    page = element(
        "# WsDemo function\n\n## -returns\n\n<table><tr><th>A</th><th>B</th></tr>"
        "<tr><td>1</td><td>2</td></tr></table>\n"
    )
    assert page.return_codes == ()
    assert page.returns_text.text == "A | B\n\n1 | 2"


# --- fields ---------------------------------------------------------------


def test_enum_fields_with_values() -> None:
    page = element(
        """
        # WS_DEMO_ID enumeration

        ## -enum-fields

        ### -field WS_DEMO_A:0

        First.

        ### -field WS_DEMO_B : 0x10

        Second.

        ### -field WS_DEMO_C

        Third, no value.
        """,
        front="UID: NE:webservices.WS_DEMO_ID\n",
    )
    assert [(f.name, f.value) for f in page.fields] == [
        ("WS_DEMO_A", "0"),
        ("WS_DEMO_B", "0x10"),
        ("WS_DEMO_C", None),
    ]
    assert page.fields[2].description.text == "Third, no value."


def test_struct_fields_nested_by_name_and_by_heading_level() -> None:
    page = element(
        """
        # WS_DEMO structure

        ## -struct-fields

        ### -field id

        The id.

        ### -field out

        Output.

        ### -field out.channelProperty

        Qualified by name.

        ### -field value

        A union.

        #### -field text

        Nested by level.

        ##### -field chars

        Deeper.

        #### -field bytes

        Sibling.

        ### -field size

        Back at the top.
        """,
        front="UID: NS:webservices._WS_DEMO\n",
    )
    assert [f.name for f in page.fields] == [
        "id",
        "out",
        "out.channelProperty",
        "value",
        "value.text",
        "value.text.chars",
        "value.bytes",
        "size",
    ]


def test_sections_by_any_heading_spelling() -> None:
    page = element(
        """
        # WsDemo function

        ## -Description

        Does the demo.

        ## -remarks

        First remark.

        #### Examples

        An example heading stays in the remarks.

        ## -see-also

        <a href="https://msdn.microsoft.com/1111">WsOther</a>
        """
    )
    assert page.description.text == "Does the demo."
    assert page.remarks.text == (
        "First remark.\n\nExamples\n\nAn example heading stays in the remarks."
    )
    assert [(link.text, link.url) for link in page.see_also] == [
        ("WsOther", "https://msdn.microsoft.com/1111")
    ]


def test_front_matter_requirements() -> None:
    front = (
        FUNCTION_FRONT + "req.header: webservices.h\nreq.lib: WebServices.lib\n"
        "req.dll: WebServices.dll\n"
        "req.target-min-winverclnt: Windows 7 [desktop apps \\| UWP apps]\n"
        "req.target-min-winversvr: Windows Server 2008 R2 [desktop apps only]\n"
        "api_name:\n - WsDemo\napi_location:\n - WebServices.dll\n"
    )
    page = element("# WsDemo function\n", front=front)
    requirements = page.requirements
    assert requirements.header == "webservices.h"
    assert requirements.lib == "WebServices.lib"
    assert requirements.dll == "WebServices.dll"
    assert requirements.min_client == "Windows 7 [desktop apps | UWP apps]"
    assert requirements.min_server == "Windows Server 2008 R2 [desktop apps only]"
    assert page.front.api_names == ("WsDemo",)
    assert page.front.api_locations == ("WebServices.dll",)


def test_members_in_a_definition_list() -> None:
    page = element(
        """
        # WS\\_DEMO\\_PAIR structure

        A pair.

        ## Members

        <dl> <dt>

        **first**
        </dt> <dd>

        The first value.

        </dd> <dt>

        **second**
        </dt> <dd>

        The second value.

        </dd> </dl>
        """,
        front="title: WS_DEMO_PAIR structure\nms.topic: reference\n",
    )
    assert page.kind is PageKind.STRUCT
    assert [(f.name, f.description.text) for f in page.fields] == [
        ("first", "The first value."),
        ("second", "The second value."),
    ]
    assert page.description.text == "A pair."
