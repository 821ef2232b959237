"""The generation gap: generated bases (wwsapi/bases.py, rules in
generator/render/gap.py) and the hand-written classes that complete them.

A doc change that renames, adds or un-optionals a parameter must make the
signature comparison fail: shown by generating from a modified copy of the
specs into a tmp dir and comparing the hand-written classes with the result.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.apimodel import Kind
from generator.render import gap

REPO = Path(__file__).resolve().parent.parent


class FakeTypes:
    """The part of TypeMap that value_type reads."""

    def __init__(self, kinds: dict[str, Kind]) -> None:
        self.kinds = kinds


TYPES = FakeTypes(
    {
        "WS_SECURITY_KEY_TYPE": Kind.ENUM,
        "WS_DATETIME": Kind.AGGREGATE,
        "WS_XML_BUFFER": Kind.HANDLE,
        "WS_ENDPOINT_ADDRESS": Kind.AGGREGATE,
        "WS_CALLBACK_THING": Kind.CALLBACK,
        "WS_OWN_PROPERTY_ID": Kind.ENUM,
    }
)


def value_type(text: str) -> gap.ValueType | None:
    return gap.value_type(text, TYPES, "WS_OWN_PROPERTY_ID", frozenset({"WS_OWN_PROPERTY_A"}))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The kind of key. The buffer receives a WS_SECURITY_KEY_TYPE value.",
            ("WS_SECURITY_KEY_TYPE", "enum", 0),
        ),
        ("The start, as a WS_DATETIME; 0 ticks when absent.", ("WS_DATETIME", "struct", 0)),
        ("The token XML, as a pointer to a WS_XML_BUFFER.", ("WS_XML_BUFFER", "handle", 1)),
        ("The WS_XML_BUFFER of the headers.", ("WS_XML_BUFFER", "handle", 1)),
        ("Given as a pointer to a WS_ENDPOINT_ADDRESS.", ("WS_ENDPOINT_ADDRESS", "struct", 1)),
        (
            "A WS_ENDPOINT_ADDRESS read with WsGetChannelProperty.",
            ("WS_ENDPOINT_ADDRESS", "struct", 0),
        ),
        ("A BOOL that tells whether it is set.", ("BOOL", "primitive", 0)),
        ("The number of strings, as a ULONG. See WS_OWN_PROPERTY_A.", ("ULONG", "primitive", 0)),
        ("An unsigned __int64: the largest size.", ("unsigned __int64", "primitive", 0)),
        ("A WCHAR pointer read with the getter.", ("WCHAR", "primitive", 1)),
        ("A void* read with the getter.", ("void", "primitive", 1)),
        ("A HANDLE to the Windows token.", ("HANDLE", "primitive", 0)),
        # names that are not types, or that are the enumeration itself, are skipped
        (
            "Set WS_OWN_PROPERTY_A on a WS_OWN_PROPERTY_ID entry, as a ULONG.",
            ("ULONG", "primitive", 0),
        ),
        ("A short, long or double value, as a ULONG.", ("ULONG", "primitive", 0)),
    ],
)
def test_value_type_is_the_first_type_the_text_names(
    text: str, expected: tuple[str, str, int]
) -> None:
    found = value_type(text)
    assert found is not None
    assert (found.type_name, found.kind, found.pointers) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The most bytes that may be requested from the heap between resets.",
        "An array of ULONG interface indexes.",
        "Application-defined data of any size, passed to the WS_CALLBACK_THING.",
        "A SOCKADDR_STORAGE read with the getter.",
    ],
)
def test_value_type_is_unknown_without_a_fixed_size_type(text: str) -> None:
    assert value_type(text) is None


@pytest.mark.parametrize(
    ("function", "handle", "method"),
    [
        ("WsGetHeapProperty", "WS_HEAP", "get_property"),
        ("WsAlloc", "WS_HEAP", "alloc"),
        ("WsCreateChannelForListener", "WS_CHANNEL", "create_for_listener"),
        ("WsRequestSecurityToken", "WS_SECURITY_TOKEN", "request"),
        ("WsWriteXmlBufferToBytes", "WS_XML_BUFFER", "write_to_bytes"),
        ("WsGetReaderProperty", "WS_XML_READER", "get_property"),
        ("WsAddErrorString", "WS_ERROR", "add_string"),
        ("WsAcceptChannel", "WS_LISTENER", "accept_channel"),
    ],
)
def test_method_names_drop_ws_and_the_handle_words(function: str, handle: str, method: str) -> None:
    assert gap.method_name(function, handle) == method


def test_names_are_snake_case_then_the_keyword_rule() -> None:
    assert gap.snake("asyncContext") == "async_context"
    assert gap.snake("XmlBufferToBytes") == "xml_buffer_to_bytes"
    assert gap.keyword("WS_MESSAGE_PROPERTY_ID", "WS_MESSAGE_PROPERTY_USERNAME") == "username"
    assert gap.keyword("WS_XML_WRITER_PROPERTY_ID", "WS_XML_WRITER_PROPERTY_BYTES") == "bytes_"
    assert gap.base_name("WS_XML_BUFFER") == "XmlBufferBase"


def test_an_area_named_bases_is_an_error() -> None:
    from generator.apimodel import ApiModel, Area
    from generator.diagnostics import DiagnosticError

    model = ApiModel(areas=(Area("bases", "bases", "Bases", source="specs/pages/areas/bases.md"),))
    with pytest.raises(DiagnosticError) as caught:
        gap.check_module_name(model)
    assert str(caught.value).startswith("specs/pages/areas/bases.md: error: area 'Bases' gives")


# --- the generated package against the hand-written classes --------------------------


def _pythonic() -> ModuleType:
    module: ModuleType = pytest.importorskip(
        "wwsapi.pythonic", reason="the generated package wwsapi is needed"
    )
    return module


def _classes() -> list[Any]:
    p = _pythonic()
    return [
        p.Heap,
        p.Error,
        p.XmlBuffer,
        p.XmlReader,
        p.XmlWriter,
        p.Message,
        p.Channel,
        p.Listener,
        p.SecurityToken,
    ]


def test_every_class_completes_its_generated_base() -> None:
    from wwsapi import bases
    from wwsapi.pythonic import gap as contract

    assert [str(m) for m in contract.check(_classes(), bases)] == []
    implemented = {
        cls.__name__: contract.implemented(cls, bases.BASES[cls.HANDLE]) for cls in _classes()
    }
    assert set(implemented["SecurityToken"]) == {
        "WsGetSecurityTokenProperty",
        "WsRequestSecurityToken",
    }
    assert {"WsCreateHeap", "WsAlloc", "WsResetHeap", "WsGetHeapProperty"} <= set(
        implemented["Heap"]
    )
    assert {"WsGetMessageProperty", "WsCreateMessage"} <= set(implemented["Message"])
    for cls in _classes():
        assert bases.BASES[cls.HANDLE] in cls.__mro__, f"{cls.__name__} does not subclass its base"


def test_a_stub_left_alone_raises_not_implemented() -> None:
    pythonic = _pythonic()
    with pytest.raises(
        NotImplementedError, match=r"SecurityTokenBase\.create_xml is a generated stub"
    ):
        pythonic.SecurityToken.create_xml(None)


def _fits(stub: Callable[..., Any], implementation: Callable[..., Any]) -> list[str]:
    _pythonic()
    from wwsapi.pythonic import gap as contract

    return contract.compare(stub, implementation)


def test_the_comparison_rule() -> None:
    def stub(self: Any, a: Any, b: Any, *, c: Any = None) -> Any: ...

    def same(
        self: Any, a: int, b: int = 0, *, c: int | None = None, extra: bool = False
    ) -> None: ...

    def renamed(self: Any, a: Any, bb: Any, *, c: Any = None) -> None: ...

    def missing(self: Any, a: Any, *, c: Any = None) -> None: ...

    def required(self: Any, a: Any, b: Any, *, c: Any) -> None: ...

    def positional(self: Any, a: Any, b: Any, c: Any = None) -> None: ...

    def loose(self: Any, a: Any, b: Any, *, c: Any = None, **more: Any) -> None: ...

    assert _fits(stub, same) == []
    assert _fits(stub, renamed) == ["positional parameter 2 is 'bb', the stub has 'b'"]
    assert _fits(stub, missing) == ["missing positional parameter 'b'"]
    assert _fits(stub, required) == ["'c' needs a default: it is optional in the stub"]
    assert _fits(stub, positional) == [
        "positional parameter 'c' is not in the stub",
        "'c' must be keyword-only, as in the stub",
    ]
    assert _fits(stub, loose) == ["'more' (variadic keyword) is not in the stub"]


def _generate(specs: Path, out: Path) -> ModuleType:
    """`wwsgen generate` from `specs` into `out`; the bases module, imported alone."""
    done = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--specs", str(specs), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    path = out / "wwsapi" / "bases.py"
    spec = importlib.util.spec_from_file_location(f"modified_bases_{abs(hash(out))}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "wwsapi"  # its import of ._properties takes the installed tables
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def specs_copy(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    root = tmp_path_factory.mktemp("specs")
    count = 0

    def fresh() -> Path:
        nonlocal count
        count += 1
        target = root / f"specs{count}"
        shutil.copytree(REPO / "specs", target)
        return target

    return fresh


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _mismatches(bases: ModuleType) -> list[str]:
    from wwsapi.pythonic import gap as contract

    return [str(m) for m in contract.check(_classes(), bases)]


def test_unchanged_specs_generate_matching_bases(
    specs_copy: Callable[[], Path], tmp_path: Path
) -> None:
    _pythonic()
    assert _mismatches(_generate(specs_copy(), tmp_path)) == []


def test_doc_changes_that_break_a_signature_are_caught(
    specs_copy: Callable[[], Path], tmp_path: Path
) -> None:
    """Three edits of a copy of the specs, each a way a doc page can change
    under a hand-written method; each must show up as a mismatch."""
    _pythonic()
    specs = specs_copy()
    pages = specs / "pages"
    # 1. a parameter made required on its page (doc only)
    _edit(
        pages / "nf-webservices-wsgetsecuritytokenproperty.md",
        "### -param heap [in, optional]",
        "### -param heap [in]",
    )
    # 2. a parameter renamed (page and prototype)
    _edit(pages / "nf-webservices-wscreateheap.md", "### -param trimSize", "### -param keepSize")
    _edit(specs / "abi" / "functions.yaml", "- trimSize: SIZE_T", "- keepSize: SIZE_T")
    # 3. a parameter added (page and prototype)
    _edit(
        pages / "nf-webservices-wsresetmessage.md",
        "### -param error",
        "### -param flags [in]\n\nHow to reset.\n\n### -param error",
    )
    functions = specs / "abi" / "functions.yaml"
    text = functions.read_text(encoding="utf-8")
    at = text.index("  - error: WS_ERROR*", text.index("WsResetMessage:"))
    functions.write_text(text[:at] + "  - flags: ULONG\n" + text[at:], encoding="utf-8")

    assert _mismatches(_generate(specs, tmp_path)) == [
        "Heap.create (WsCreateHeap): positional parameter 2 is 'trim_size', "
        "the stub has 'keep_size'",
        "Message.reset (WsResetMessage): missing positional parameter 'flags'",
        "SecurityToken.get_property (WsGetSecurityTokenProperty): "
        "missing positional parameter 'heap'",
    ]
