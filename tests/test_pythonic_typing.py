"""`mypy --strict` passes on wwsapi.pythonic together with the committed
generated package, and on a user script that uses the Pythonic API; and it
catches a script that misuses it (so the check is not vacuous)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

USER_SCRIPT = """
from datetime import datetime

import wwsapi
from wwsapi.pythonic import Channel, Heap, Message, SecurityToken, request_security_token

with Heap.create(1 << 16) as heap:
    address: int = heap.alloc(64)
with Message.create(wwsapi.WS_ENVELOPE_VERSION.WS_ENVELOPE_VERSION_SOAP_1_2,
                    wwsapi.WS_ADDRESSING_VERSION.WS_ADDRESSING_VERSION_1_0) as message:
    state: wwsapi.WS_MESSAGE_STATE = message.state
    level: wwsapi.WS_PROTECTION_LEVEL = message.protection_level
    name: str = message.username
with Channel.create(wwsapi.WS_CHANNEL_TYPE.WS_CHANNEL_TYPE_REQUEST,
                    wwsapi.WS_CHANNEL_BINDING.WS_HTTP_CHANNEL_BINDING) as channel:
    token: SecurityToken = request_security_token(
        channel, trust_version=wwsapi.WS_TRUST_VERSION.WS_TRUST_VERSION_1_3,
        issued_token_key_size=256, applies_to="https://service.example/",
    )
    start: datetime | None = token.valid_from
    key: bytes = token.symmetric_key
"""

MISUSE = """
import wwsapi
from wwsapi.pythonic import Channel, Heap, request_security_token

Heap.create("big")
channel = Channel.create(8, 0)
request_security_token(channel, issued_token_key_size="256")
request_security_token(channel, no_such_setting=1)
name: int = Heap.create().alloc(1).hex()
"""


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The installed layout: wwsapi from generated/, wwsapi.pythonic from pythonic/."""
    root = tmp_path_factory.mktemp("typed")
    shutil.copytree(REPO / "generated" / "wwsapi", root / "wwsapi")
    shutil.copytree(REPO / "pythonic", root / "wwsapi" / "pythonic")
    return root


def _mypy(root: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *targets],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "MYPYPATH": str(root)},
        timeout=600,
        check=False,
    )


def test_mypy_strict_passes_on_the_pythonic_package(tree: Path) -> None:
    done = _mypy(tree, "-p", "wwsapi.pythonic")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_passes_on_a_user_script_and_catches_misuse(tree: Path) -> None:
    (tree / "user.py").write_text(textwrap.dedent(USER_SCRIPT))
    (tree / "misuse.py").write_text(textwrap.dedent(MISUSE))
    done = _mypy(tree, "user.py")
    assert done.returncode == 0, done.stdout + done.stderr
    bad = _mypy(tree, "misuse.py")
    assert bad.returncode == 1
    lines = [line for line in bad.stdout.splitlines() if ": error:" in line]
    assert sorted({int(line.split(":")[1]) for line in lines}) == [5, 7, 8, 9], bad.stdout
