"""The README's example of the generated layers runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent.parent / "README.md"


def example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The generated package", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1
    return blocks[0]


@pytest.mark.wwsapi("WsCreateHeap", "WsAlloc", "WsFreeHeap")
def test_the_generated_layers_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(example(), str(README), "exec"), {})
    out = capsys.readouterr().out
    code, hresult, meaning = out.strip().split(" ", 2)
    assert (code, hresult) == ("WS_E_QUOTA_EXCEEDED", "0x803d0008")
    assert meaning  # the WsAlloc page's text for the code
