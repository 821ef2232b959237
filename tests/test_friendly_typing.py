"""`mypy --strict` accepts a script that uses the friendly layer of the
committed package as documented, and rejects one that misuses it."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest
from test_generate_typing import _mypy as mypy_strict

REPO = Path(__file__).resolve().parent.parent
GENERATED = REPO / "generated"

USE = """
import ctypes

import wwsapi
from wwsapi import friendly

heap: ctypes._Pointer[wwsapi.WS_HEAP] = friendly.WsCreateHeap(1 << 16, 0)
address: int | None = friendly.WsAlloc(heap, 64)
props = [wwsapi.WS_XML_BUFFER_PROPERTY(), wwsapi.WS_XML_BUFFER_PROPERTY()]
buffer = friendly.WsCreateXmlBuffer(heap, properties=props)
writer = friendly.WsCreateWriter()
friendly.WsWriteChars(writer, "text")
friendly.WsWriteCharsUtf8(writer, b"bytes")
data: tuple[int | None, int] = friendly.WsWriteXmlBufferToBytes(writer, buffer, heap)
reader = friendly.WsCreateReader()
found: bool = friendly.WsReadToStartElement(reader, localName=wwsapi.WS_XML_STRING())
when = friendly.WsFileTimeToDateTime(wwsapi._runtime.FILETIME(0, 0))
ticks: int = when.ticks
hr: int = friendly.WsReadMessageStart(
    ctypes.POINTER(wwsapi.WS_CHANNEL)(), ctypes.POINTER(wwsapi.WS_MESSAGE)()
)
friendly.WsResetHeap(heap)
reasons: dict[str, str] = friendly.NEEDS_HAND_WRITTEN
released: int = friendly.release_error_objects()
"""

MISUSE = """
import ctypes

import wwsapi
from wwsapi import friendly

heap = friendly.WsCreateHeap(1 << 16, 0)
friendly.WsCreateHeap(1, 0, None)
friendly.WsCreateHeap(1, 0, properties=[wwsapi.WS_CHANNEL_PROPERTY()])
friendly.WsWriteChars(friendly.WsCreateWriter(), b"not text")
name: str = friendly.WsAlloc(heap, 8)
friendly.WsFreeHeap(friendly.WsCreateWriter())
friendly.WsGetHeapProperty(heap, 0)
"""


def _mypy(script: Path) -> subprocess.CompletedProcess[str]:
    return mypy_strict(script, GENERATED)


@pytest.fixture(scope="module")
def package() -> Path:
    if not (GENERATED / "wwsapi" / "friendly" / "__init__.py").is_file():
        pytest.fail("generated/wwsapi/friendly is missing: run `wwsgen generate`")
    return GENERATED


def test_documented_use_type_checks(package: Path, tmp_path: Path) -> None:
    script = tmp_path / "use.py"
    script.write_text(textwrap.dedent(USE))
    result = _mypy(script)
    assert result.returncode == 0, result.stdout + result.stderr


def test_misuse_is_caught(package: Path, tmp_path: Path) -> None:
    script = tmp_path / "misuse.py"
    script.write_text(textwrap.dedent(MISUSE))
    result = _mypy(script)
    assert result.returncode == 1
    expected = (
        (8, "call-arg"),  # an optional parameter given positionally
        (9, "list-item"),  # a sequence of the wrong structure
        (10, "arg-type"),  # bytes for text
        (11, "assignment"),  # an address is no str
        (12, "arg-type"),  # a writer for a heap
        (13, "attr-defined"),  # no friendly form: needs hand-written code
    )
    for line, code in expected:
        assert f"misuse.py:{line}: error:" in result.stdout, (line, result.stdout)
        assert any(
            f"misuse.py:{line}:" in row and f"[{code}]" in row for row in result.stdout.splitlines()
        ), (line, code, result.stdout)
