"""The model of what the doc pages say, produced by `generator.parse`.

Plain frozen dataclasses and tuples only, so the model can be compared, hashed,
cached and dumped to JSON without custom code. Text fields hold plain text:
HTML and Markdown markup is resolved by the parser, links are kept apart in
`Link` records.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from generator.diagnostics import Diagnostic


class PageKind(str, Enum):  # noqa: UP042 (str mix-in kept: others compare and format it)
    """What a page documents. `ARTICLE` is any page that is not an API element
    or an area overview (samples, guides); it is kept, never an error."""

    FUNCTION = "function"  # nf-
    CALLBACK = "callback"  # nc-
    ENUM = "enum"  # ne-
    STRUCT = "struct"  # ns-, a structure
    UNION = "union"  # ns-, a union
    HANDLE = "handle"  # ws-*.md with a typedef code block
    MACRO = "macro"  # nf- page whose H1 says "macro"
    AREA = "area"  # overview page grouping elements into an area
    INDEX = "index"  # overview page listing the whole API by kind (not an area)
    ARTICLE = "article"


class Direction(str, Enum):  # noqa: UP042
    """A parameter's direction as the page annotates it."""

    IN = "in"
    OUT = "out"
    INOUT = "in,out"
    UNSPECIFIED = "unspecified"  # no annotation on the page


@dataclass(frozen=True)
class Link:
    """A link in the page text. `element` is the API element it resolves to
    (through the `ms.assetid` index or a relative page link), else None and
    `url` is kept as written. `page` is the path of the input page the link
    points at, of any kind (element, area, article), where it is one."""

    text: str
    url: str
    element: str | None = None
    page: str | None = None


@dataclass(frozen=True)
class Text:
    """A block of prose as plain text with the links it contains."""

    text: str = ""
    links: tuple[Link, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.text)


@dataclass(frozen=True)
class FrontMatter:
    """The front matter fields the model uses; absent fields are empty."""

    uid: str = ""
    title: str = ""
    description: str = ""
    assetid: str = ""
    topic: str = ""  # ms.topic
    header: str = ""  # req.header
    lib: str = ""  # req.lib
    dll: str = ""  # req.dll
    min_client: str = ""  # req.target-min-winverclnt
    min_server: str = ""  # req.target-min-winversvr
    api_names: tuple[str, ...] = ()
    api_locations: tuple[str, ...] = ()
    topic_types: tuple[str, ...] = ()
    placeholder: bool = False  # values were template placeholders, not facts


@dataclass(frozen=True)
class Param:
    """One `### -param name [direction]` section, in page order."""

    name: str
    direction: Direction
    optional: bool
    description: Text
    line: int


@dataclass(frozen=True)
class ReturnCode:
    """One row of the `## -returns` table.

    `catch_all` marks a row such as "Other Errors" that stands for codes not
    listed rather than naming one: its `code` is not an HRESULT name. `line`
    is where the code is written (its `<dt>`). A page may list one code in
    several rows with different meanings; all rows are kept, in page order.
    """

    code: str
    description: Text
    line: int
    catch_all: bool = False


@dataclass(frozen=True)
class Field:
    """One `### -field` section of an enum or struct page.

    `name` is qualified for nested members (`out.channelProperty`);
    `value` is the member's value where the page states one, as written.
    """

    name: str
    description: Text
    line: int
    value: str | None = None


@dataclass(frozen=True)
class Requirements:
    """Facts from the front matter or a Requirements table."""

    min_client: str = ""
    min_server: str = ""
    header: str = ""
    lib: str = ""
    dll: str = ""


@dataclass(frozen=True)
class ElementPage:
    """A reference page of one API element (function, callback, enum, struct,
    union or handle)."""

    name: str  # C name: WsCreateHeap, WS_HEAP_PROPERTY_ID, WS_HEAP
    kind: PageKind
    path: str
    line: int  # line of the H1 heading
    front: FrontMatter
    description: Text
    remarks: Text = Text()
    see_also: tuple[Link, ...] = ()
    requirements: Requirements = Requirements()
    params: tuple[Param, ...] = ()
    return_codes: tuple[ReturnCode, ...] = ()
    returns_text: Text = Text()  # prose of -returns (with or without a table)
    fields: tuple[Field, ...] = ()
    typedef: str = ""  # handle pages: the C typedef as written
    syntax: str = ""  # the C syntax block, where the page has one


@dataclass(frozen=True)
class AreaEntry:
    """One element listed on an area page."""

    name: str
    description: str
    link: Link | None = None


@dataclass(frozen=True)
class AreaPage:
    """An overview page grouping API elements into an area.

    `groups` maps a group heading (function, enumeration, structure, callback,
    handle) to its entries, in page order.
    """

    name: str  # stable identifier derived from the file name: "security-processing-results"
    title: str
    path: str
    assetid: str
    description: Text
    groups: tuple[tuple[str, tuple[AreaEntry, ...]], ...] = ()

    def elements(self) -> tuple[str, ...]:
        return tuple(e.name for _, entries in self.groups for e in entries)


@dataclass(frozen=True)
class ArticlePage:
    """A page that documents no API element and lists none (kept for links)."""

    title: str
    path: str
    assetid: str = ""


@dataclass(frozen=True)
class DocSet:
    """Every page of one parse run, indexed; plus the errors found.

    Element names are unique: a later page of the same element (from a doc
    tree given with `--docs`) replaces an earlier one. `indexes` holds the
    overview pages that list the whole API by kind (see `generator.parse.areas`);
    they are kept apart from `areas` so that no giant area is generated.
    """

    elements: tuple[ElementPage, ...] = ()
    areas: tuple[AreaPage, ...] = ()
    articles: tuple[ArticlePage, ...] = ()
    pages: int = 0
    diagnostics: tuple[Diagnostic, ...] = ()
    indexes: tuple[AreaPage, ...] = ()

    def element(self, name: str) -> ElementPage | None:
        for e in self.elements:
            if e.name == name:
                return e
        return None
