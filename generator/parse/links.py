"""Link resolution over the whole input set.

Upstream pages link to each other three ways: `https://msdn.microsoft.com/<assetid>`,
site paths (`/windows/desktop/api/WebServices/nf-webservices-wsalloc`,
`/windows/win32/...?branch=master`, `https://docs.microsoft.com/...`) and
relative files (`ws-heap.md`). The last path segment of a link is looked up
among the `ms.assetid`s and the page names (file stems, and the upstream file
name an element page would have: `nf-webservices-<name>`, `ws-<name>`) of every
parsed page. A link that matches nothing keeps its URL and no element.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import PurePath
from urllib.parse import urlsplit

from generator.docmodel import (
    AreaEntry,
    AreaPage,
    ArticlePage,
    ElementPage,
    Field,
    Link,
    PageKind,
    Param,
    ReturnCode,
    Text,
)

_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_UPSTREAM_PREFIX = {
    PageKind.FUNCTION: "nf",
    PageKind.MACRO: "nf",
    PageKind.CALLBACK: "nc",
    PageKind.ENUM: "ne",
    PageKind.STRUCT: "ns",
    PageKind.UNION: "ns",
}


@dataclass(frozen=True)
class _Target:
    element: str | None
    page: str


def upstream_stems(page: ElementPage) -> tuple[str, ...]:
    """The file stems upstream gives (or gave) the page of this element:
    `nf-webservices-wscreateheap`, `ns-webservices-_ws_heap_property` (from the
    UID's struct tag), `ws-heap`."""
    if page.kind is PageKind.HANDLE:
        return (page.name.lower().replace("_", "-"),)
    prefix = f"{_UPSTREAM_PREFIX.get(page.kind, 'nf')}-webservices-"
    names = {page.name.lower()}
    if page.front.uid:
        names.add(page.front.uid.rsplit(".", 1)[-1].lower())
    return tuple(prefix + name for name in sorted(names))


class LinkIndex:
    """Every page by assetid and by page name; later pages win."""

    def __init__(self, pages: Iterable[ElementPage | AreaPage | ArticlePage]) -> None:
        self.by_assetid: dict[str, _Target] = {}
        self.by_stem: dict[str, _Target] = {}
        for page in pages:
            element = page.name if isinstance(page, ElementPage) else None
            target = _Target(element, page.path)
            assetid = page.front.assetid if isinstance(page, ElementPage) else page.assetid
            if assetid:
                self.by_assetid[assetid.lower()] = target
            self.by_stem[PurePath(page.path).stem.lower()] = target
            if isinstance(page, ElementPage):
                for stem in upstream_stems(page):
                    self.by_stem[stem] = target

    def resolve(self, link: Link) -> Link:
        target = self._lookup(link.url)
        if target is None:
            return link
        return replace(link, element=target.element, page=target.page)

    def _lookup(self, url: str) -> _Target | None:
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme not in ("", "http", "https") or not parts.path.strip("/"):
            return None
        segment = parts.path.rstrip("/").rsplit("/", 1)[-1].lower()
        if segment.endswith(".md"):
            segment = segment[:-3]
        if _GUID.fullmatch(segment):
            return self.by_assetid.get(segment)
        return self.by_stem.get(segment)

    def text(self, text: Text) -> Text:
        if not text.links:
            return text
        return Text(text.text, tuple(self.resolve(link) for link in text.links))

    def element(self, page: ElementPage) -> ElementPage:
        return replace(
            page,
            description=self.text(page.description),
            remarks=self.text(page.remarks),
            see_also=tuple(self.resolve(link) for link in page.see_also),
            params=tuple(self._param(p) for p in page.params),
            return_codes=tuple(self._code(c) for c in page.return_codes),
            returns_text=self.text(page.returns_text),
            fields=tuple(self._field(f) for f in page.fields),
        )

    def area(self, page: AreaPage) -> AreaPage:
        """Links resolved; an entry that resolves takes the element's name."""
        return replace(
            page,
            description=self.text(page.description),
            groups=tuple(
                (group, tuple(self._entry(entry) for entry in entries))
                for group, entries in page.groups
            ),
        )

    def _entry(self, entry: AreaEntry) -> AreaEntry:
        """Resolve the entry's link. Its name stays the link text, unless the
        text is no C name ("Channel States") or the tail of the element's
        name ("EXTENDED_PROTECTION_POLICY" for WS_EXTENDED_PROTECTION_POLICY);
        a link text naming another element is kept, since upstream links are
        sometimes wrong."""
        if entry.link is None:
            return entry
        link = self.resolve(entry.link)
        name = entry.name
        if link.element and (not _IDENTIFIER.fullmatch(name) or link.element.endswith("_" + name)):
            name = link.element
        return replace(entry, name=name, link=link)

    def _param(self, param: Param) -> Param:
        return replace(param, description=self.text(param.description))

    def _code(self, code: ReturnCode) -> ReturnCode:
        return replace(code, description=self.text(code.description))

    def _field(self, field: Field) -> Field:
        return replace(field, description=self.text(field.description))
