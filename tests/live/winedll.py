"""Which exports of Wine's webservices.dll are real and which are stubs.

Wine builds an export it does not implement as a small thunk,
`__wine_stub_<Name>`, that passes the DLL's and the function's name to
`__wine_spec_unimplemented_stub`; that raises a non-continuable exception and
the process dies ("Call from ... to unimplemented function
webservices.dll.WsAbandonCall, aborting"). On x86-64 the thunk is:

    48 83 EC 28           sub  rsp, 28h
    48 8D 0D <rel32>      lea  rcx, [rip + "webservices.dll"]
    48 8D 15 <rel32>      lea  rdx, [rip + "<Name>"]
    E8 <rel32>            call __wine_spec_unimplemented_stub

`stub_name` recognises it from bytes read at an address, so the same test
works on the DLL file on the host (through pefile) and on the image loaded
in Windows CPython under Wine (through ctypes).

On the host, `python tests/live/winedll.py --write` records the facts of the
installed Wine as tests/live/wine_support.py; the host suite checks that the
record matches the installed DLL, and the live suite that it matches the
loaded one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Reader = Callable[[int, int], bytes]  # (address, size) -> bytes

DLL_NAME = "webservices.dll"
HOST_DLL = Path("/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/webservices.dll")
SUPPORT_MODULE = Path(__file__).resolve().parent / "wine_support.py"

_SUB_RSP = b"\x48\x83\xec\x28"
_LEA_RCX = b"\x48\x8d\x0d"
_LEA_RDX = b"\x48\x8d\x15"
_CALL = 0xE8
THUNK_SIZE = 23


def read_cstring(read: Reader, address: int, limit: int = 256) -> bytes:
    """The NUL-terminated string at `address` (at most `limit` bytes)."""
    data = b""
    while len(data) < limit:
        chunk = read(address + len(data), 32)
        end = chunk.find(b"\0")
        if end >= 0:
            return data + chunk[:end]
        data += chunk
    return data


def stub_name(read: Reader, address: int) -> str | None:
    """The function name if the code at `address` is a Wine stub thunk of
    webservices.dll, else None."""
    code = read(address, THUNK_SIZE)
    if (
        len(code) < THUNK_SIZE
        or code[0:4] != _SUB_RSP
        or code[4:7] != _LEA_RCX
        or code[11:14] != _LEA_RDX
        or code[18] != _CALL
    ):
        return None
    module_at = address + 11 + int.from_bytes(code[7:11], "little", signed=True)
    name_at = address + 18 + int.from_bytes(code[14:18], "little", signed=True)
    if read_cstring(read, module_at).lower() != DLL_NAME.encode():
        return None
    return read_cstring(read, name_at).decode("ascii", "replace")


@dataclass(frozen=True)
class DllFacts:
    """Export names of the DLL and which of them are stubs, both sorted."""

    exports: tuple[str, ...]
    stubs: tuple[str, ...]

    @property
    def implemented(self) -> tuple[str, ...]:
        stubs = set(self.stubs)
        return tuple(name for name in self.exports if name not in stubs)


def read_dll_file(path: Path) -> DllFacts:
    """The facts of a webservices.dll file, read with pefile (host only)."""
    import pefile  # type: ignore[import-untyped]  # host only; the live suite never needs it

    pe = pefile.PE(str(path), fast_load=True)
    pe.parse_data_directories(
        directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_EXPORT"]]
    )
    exports: list[str] = []
    stubs: list[str] = []
    for symbol in pe.DIRECTORY_ENTRY_EXPORT.symbols:
        if symbol.name is None:
            continue
        name = symbol.name.decode("ascii")
        exports.append(name)
        found = stub_name(lambda rva, size: bytes(pe.get_data(rva, size)), symbol.address)
        if found is not None:
            if found != name:
                raise ValueError(f"{path}: export {name} is the stub thunk of {found}")
            stubs.append(name)
    return DllFacts(tuple(sorted(exports)), tuple(sorted(stubs)))


def host_wine_version() -> str:
    """Wine's version as `wine_get_version()` reports it inside Wine, e.g. "8.0"."""
    out = subprocess.run(
        ["wine", "--version"], capture_output=True, text=True, check=True,
        env={**os.environ, "WINEDEBUG": "-all"},
    ).stdout.strip()
    return out.split()[0].removeprefix("wine-")


def host_package_version() -> str:
    """The Debian package that shipped the DLL, for the record's provenance."""
    proc = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Version}", "wine64"],
        capture_output=True, text=True, check=False,
    )
    return proc.stdout.strip() if proc.returncode == 0 else "unknown package"


def _names(names: tuple[str, ...], indent: str = "        ") -> str:
    return "".join(f'{indent}"{name}",\n' for name in names)


def render_support_module(facts: DllFacts, wine_version: str, package: str) -> str:
    """The text of tests/live/wine_support.py for `facts`."""
    return (
        '"""What Wine\'s webservices.dll implements, and what it only stubs.\n'
        "\n"
        "Recorded from the PE exports of the installed DLL by\n"
        "`python tests/live/winedll.py --write` (see winedll.py for how a stub is\n"
        "recognised). Calling a stub under Wine aborts the process, so the live suite\n"
        "never does: tests that need one are marked to run only on Windows.\n"
        '"""\n'
        "\n"
        "# Written by tests/live/winedll.py; do not edit by hand.\n"
        "\n"
        "from __future__ import annotations\n"
        "\n"
        f'WINE_VERSION = "{wine_version}"\n'
        f'SOURCE = "{package}: {HOST_DLL.name} ({HOST_DLL.parent.name})"\n'
        "\n"
        "EXPORTS: frozenset[str] = frozenset(\n"
        "    (\n"
        f"{_names(facts.exports)}"
        "    )\n"
        ")\n"
        "\n"
        "STUBS: frozenset[str] = frozenset(\n"
        "    (\n"
        f"{_names(facts.stubs)}"
        "    )\n"
        ")\n"
        "\n"
        "IMPLEMENTED: frozenset[str] = EXPORTS - STUBS\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Record which WWSAPI exports Wine stubs.")
    parser.add_argument("--dll", type=Path, default=HOST_DLL, help="webservices.dll to read")
    parser.add_argument(
        "--write", action="store_true", help=f"rewrite {SUPPORT_MODULE.name} (else print it)"
    )
    args = parser.parse_args(argv)
    if not args.dll.is_file():
        print(f"{args.dll}: error: no such file (install Wine: apt-get install wine64)",
              file=sys.stderr)
        return 1
    facts = read_dll_file(args.dll)
    text = render_support_module(facts, host_wine_version(), host_package_version())
    if not args.write:
        sys.stdout.write(text)
        return 0
    fd, tmp = tempfile.mkstemp(dir=SUPPORT_MODULE.parent, suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, SUPPORT_MODULE)
    print(f"{SUPPORT_MODULE.name}: {len(facts.exports)} exports, {len(facts.stubs)} stubs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
