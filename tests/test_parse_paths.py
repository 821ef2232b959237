"""parse_paths over files and folders: order, overrides, link resolution."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from generator.docmodel import Link
from generator.parse import parse_paths


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def function_page(name: str, assetid: str, description: str, extra: str = "") -> str:
    return (
        f"---\nUID: NF:webservices.{name}\nms.assetid: {assetid}\nms.topic: function\n---\n\n"
        f"# {name} function\n\n## -description\n\n{description}\n{extra}"
    )


def test_directories_read_md_and_txt_sorted_recursively(tmp_path: Path) -> None:
    write(tmp_path, "b/nf-webservices-wsb.md", function_page("WsB", "b", "B."))
    write(tmp_path, "a.txt", function_page("WsA", "a", "A."))
    write(tmp_path, "c.yml", "not a page")
    write(tmp_path, "MANIFEST.tsv", "x\ty")
    write(tmp_path, ".hidden/nf-webservices-wsh.md", function_page("WsH", "h", "H."))
    docset = parse_paths([tmp_path])
    assert docset.pages == 2
    assert [e.name for e in docset.elements] == ["WsA", "WsB"]
    assert [e.path for e in docset.elements] == [
        f"{tmp_path.as_posix()}/a.txt",
        f"{tmp_path.as_posix()}/b/nf-webservices-wsb.md",
    ]
    assert docset.diagnostics == ()


def test_later_path_wins_for_the_same_element(tmp_path: Path) -> None:
    write(tmp_path, "specs/nf-webservices-wsa.md", function_page("WsA", "a", "From specs."))
    write(tmp_path, "docs/other-name.md", function_page("WsA", "a", "From docs."))
    docset = parse_paths([tmp_path / "specs", tmp_path / "docs"])
    (element,) = docset.elements
    assert element.description.text == "From docs."
    docset = parse_paths([tmp_path / "docs", tmp_path / "specs"])
    assert docset.elements[0].description.text == "From specs."
    assert docset.diagnostics == ()


def test_two_pages_of_one_element_in_one_tree_warn(tmp_path: Path) -> None:
    write(tmp_path, "specs/a.md", function_page("WsA", "a", "First."))
    write(tmp_path, "specs/b.md", function_page("WsA", "a", "Second."))
    docset = parse_paths([tmp_path / "specs"])
    assert [e.description.text for e in docset.elements] == ["Second."]
    (warning,) = docset.diagnostics
    assert str(warning) == (
        f"{tmp_path.as_posix()}/specs/b.md:7: warning: 'WsA' also has a page at "
        f"{tmp_path.as_posix()}/specs/a.md; this later page replaces it"
    )


def test_missing_path_is_an_error_and_the_rest_is_parsed(tmp_path: Path) -> None:
    write(tmp_path, "a.md", function_page("WsA", "a", "A."))
    docset = parse_paths([tmp_path / "nope", tmp_path / "a.md"])
    assert [e.name for e in docset.elements] == ["WsA"]
    assert [str(d) for d in docset.diagnostics] == [
        f"{tmp_path / 'nope'}: error: no such file or directory"
    ]


def test_links_resolve_over_the_whole_input(tmp_path: Path) -> None:
    links = (
        '<a href="https://msdn.microsoft.com/BBBB0000-0000-0000-0000-000000000002">by assetid</a> '
        "[by site path](/windows/win32/WebServices/nf-webservices-wsb?branch=master) "
        "[by docs url](https://docs.microsoft.com/windows/desktop/api/nf-webservices-wsb) "
        "[handle](ws-heap.md) "
        "[article](thread-safety.md) "
        "[unknown](/windows/desktop/api/WebServices/nf-webservices-wsnothere) "
        "[anchor](#remarks)\n"
    )
    write(tmp_path, "a/page-a.md", function_page("WsA", "aaaa", links))
    # WsB's page is saved under a name that is not its upstream one: resolution
    # goes by assetid and by the name upstream gives its page.
    write(
        tmp_path, "b/seed.txt", function_page("WsB", "bbbb0000-0000-0000-0000-000000000002", "B.")
    )
    write(
        tmp_path,
        "b/ws-heap.md",
        "---\nms.assetid: cccc\n---\n# WS\\_HEAP\n\nA heap.\n\n"
        "```C++\ntypedef struct _WS_HEAP WS_HEAP;\n```\n",
    )
    write(tmp_path, "b/thread-safety.md", "---\nms.assetid: dddd\n---\n# Thread Safety\n\nText.\n")
    docset = parse_paths([tmp_path])
    element = docset.element("WsA")
    assert element is not None
    resolved = [(link.text, link.element, link.page) for link in element.description.links]
    base = tmp_path.as_posix()
    assert resolved == [
        ("by assetid", "WsB", f"{base}/b/seed.txt"),
        ("by site path", "WsB", f"{base}/b/seed.txt"),
        ("by docs url", "WsB", f"{base}/b/seed.txt"),
        ("handle", "WS_HEAP", f"{base}/b/ws-heap.md"),
        ("article", None, f"{base}/b/thread-safety.md"),
        ("unknown", None, None),
        ("anchor", None, None),
    ]
    unknown = element.description.links[5]
    assert unknown == Link("unknown", "/windows/desktop/api/WebServices/nf-webservices-wsnothere")


def test_area_entries_take_the_name_of_the_element_they_link(tmp_path: Path) -> None:
    write(tmp_path, "nf-webservices-wscreateheap.md", function_page("WsCreateHeap", "a", "A."))
    write(
        tmp_path,
        "heap.md",
        "---\ntitle: Heap\nms.assetid: 1\n---\n# Heap\n\nIntro.\n\n"
        "The following functions are used with the heap:\n\n"
        "-   [**Heap creation**](nf-webservices-wscreateheap.md)\n"
        "-   [**HEAP_PROPERTY_ID**](/windows/desktop/api/ne-webservices-ws_heap_property_id)\n"
        "-   [**WsFreeHeap**](/windows/win32/api/webservices/nf-webservices-wscreateheap)\n"
        "-   [**WsMissing**](/windows/desktop/api/WebServices/nf-webservices-wsmissing)\n",
    )
    write(
        tmp_path,
        "ne-webservices-ws_heap_property_id.md",
        "---\nUID: NE:webservices.WS_HEAP_PROPERTY_ID\n---\n# WS_HEAP_PROPERTY_ID enumeration\n",
    )
    docset = parse_paths([tmp_path])
    (area,) = docset.areas
    ((group, entries),) = area.groups
    assert group == "function"
    assert [(e.name, e.link.element if e.link else None) for e in entries] == [
        ("WsCreateHeap", "WsCreateHeap"),  # the text names no C identifier
        ("WS_HEAP_PROPERTY_ID", "WS_HEAP_PROPERTY_ID"),  # the text lacks the prefix
        ("WsFreeHeap", "WsCreateHeap"),  # a wrong link does not rename the entry
        ("WsMissing", None),
    ]


def test_parallel_and_serial_parsing_give_the_same_docset(tmp_path: Path) -> None:
    for index in range(12):
        page = function_page(f"Ws{index}", f"{index}", "X.")
        write(tmp_path, f"nf-webservices-ws{index}.md", page)
    write(tmp_path, "bad.md", "---\nUID: x\n")
    assert parse_paths([tmp_path], jobs=1) == parse_paths([tmp_path], jobs=3)


def test_folder_links_are_not_followed(tmp_path: Path) -> None:
    write(tmp_path, "docs/a.md", function_page("WsA", "a", "A."))
    (tmp_path / "docs" / "loop").symlink_to(tmp_path / "docs", target_is_directory=True)
    docset = parse_paths([tmp_path / "docs"])
    assert docset.pages == 1
    assert [e.name for e in docset.elements] == ["WsA"]


def _count_in_worker(folder: str) -> int:
    return len(parse_paths([folder], jobs=2).elements)


def test_parsing_inside_a_pool_worker_runs_in_that_process(tmp_path: Path) -> None:
    """Pool workers are daemonic and may not fork: the parser stays serial there."""
    for index in range(3):
        write(tmp_path, f"p{index}.md", function_page(f"Ws{index}", f"{index}", "X."))
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_count_in_worker, [str(tmp_path)]) == [3]
