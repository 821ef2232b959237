"""The README's "Pythonic API" examples run as written (those that need no
security token service: the heap, error object and message examples)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent.parent / "README.md"


def examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Pythonic API", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_section_has_the_examples() -> None:
    blocks = examples()
    assert len(blocks) == 3
    assert "request_security_token(" in blocks[2] and "token.symmetric_key" in blocks[2]


@pytest.mark.wwsapi(
    "WsCreateHeap",
    "WsAlloc",
    "WsFreeHeap",
    "WsCreateError",
    "WsAddErrorString",
    "WsGetErrorProperty",
    "WsGetErrorString",
    "WsFreeError",
    "WsCreateMessage",
    "WsInitializeMessage",
    "WsGetMessageProperty",
    "WsFreeMessage",
    "WsResetError",
)
def test_heap_error_and_message_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {}
    for block in examples()[:2]:
        exec(compile(block, str(README), "exec"), namespace)
    out = capsys.readouterr().out
    assert "WsAlloc 0x803d0008" in out  # the quota error, caught as its generated class
    assert "['could not reach the service']" in out
    assert "WS_MESSAGE_STATE_INITIALIZED" in out
