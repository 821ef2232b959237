"""The live suite's plugin: Wine-stub guard, markers, call counter, endpoints.

Markers:
  @pytest.mark.wwsapi("WsCreateHeap", ...)  the WWSAPI functions the test calls;
      under Wine the test is skipped, with the reason shown, when any of them is a
      Wine stub or not exported by Wine. Names must be webservices.dll exports.
  @pytest.mark.windows_only("why")  runs only on real Windows (skipped under Wine).

At the end the summary says "called N WWSAPI functions of M that Wine implements"
(with -v: the count of each, and the implemented functions not called);
with WWSGEN_LIVE_CALLS=<file> the called names are also written there as JSON.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import wine_support
from wwslive import CallRecorder, SoapEndpoint, WineFacts, free_tcp_port, inspect_loaded_dll

if sys.platform != "win32":
    # Collected by a host pytest by mistake: nothing here can run.
    collect_ignore_glob = ["test_*.py"]

FACTS_KEY = pytest.StashKey[tuple[WineFacts, CallRecorder]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "wwsapi(*names): WWSAPI functions the test calls (skipped under Wine "
        "when one is a Wine stub)"
    )
    config.addinivalue_line("markers", "windows_only(reason): runs only on real Windows")
    if sys.platform != "win32":
        return
    facts = inspect_loaded_dll()
    recorder = CallRecorder({a: n for n, a in facts.addresses.items()}, facts.stubs)
    recorder.start()
    config.stash[FACTS_KEY] = (facts, recorder)


def pytest_unconfigure(config: pytest.Config) -> None:
    if FACTS_KEY in config.stash:
        config.stash[FACTS_KEY][1].stop()


def pytest_report_header(config: pytest.Config) -> list[str]:
    if sys.platform != "win32":
        return ["live: not Windows CPython: use scripts/run-live (Wine) or run on Windows"]
    facts, _ = config.stash[FACTS_KEY]
    where = f"Wine {facts.wine}" if facts.wine else "Windows"
    return [
        f"live: {sys.version.split()[0]} on {where}; webservices.dll exports "
        f"{len(facts.addresses)}, stubs {len(facts.stubs)}"
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if sys.platform != "win32":
        return
    facts, _ = config.stash[FACTS_KEY]
    unknown: set[str] = set()
    for item in items:
        mark = item.get_closest_marker("windows_only")
        if mark is not None and facts.wine:
            why = mark.args[0] if mark.args else "Windows only"
            item.add_marker(pytest.mark.skip(reason=f"windows_only under Wine: {why}"))
            continue
        names: list[str] = [n for m in item.iter_markers("wwsapi") for n in m.args]
        unknown.update(n for n in names if n not in wine_support.EXPORTS)
        reasons = [r for r in map(facts.unavailable, names) if r]
        if reasons:
            item.add_marker(pytest.mark.skip(reason="; ".join(reasons) + ": runs on Windows"))
    if unknown:
        raise pytest.UsageError(
            f"@pytest.mark.wwsapi names that webservices.dll does not export: {sorted(unknown)}"
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    config = terminalreporter.config
    if sys.platform != "win32":
        return
    _, recorder = config.stash[FACTS_KEY]
    called = sorted(recorder.calls)
    implemented = len(wine_support.IMPLEMENTED)
    terminalreporter.write_sep("-", "WWSAPI calls")
    terminalreporter.write_line(
        f"called {len(called)} WWSAPI functions of {implemented} that Wine implements"
    )
    if config.get_verbosity() > 0:
        for name in called:
            terminalreporter.write_line(f"  {name}: {recorder.calls[name]}")
        not_called = sorted(wine_support.IMPLEMENTED - set(called))
        terminalreporter.write_line(f"not called ({len(not_called)}): {' '.join(not_called)}")
    target = os.environ.get("WWSGEN_LIVE_CALLS")
    if target:
        Path(target).write_text(json.dumps(dict(sorted(recorder.calls.items())), indent=1))


@pytest.fixture
def heap() -> Iterator[Any]:
    """A 1 MiB heap for the values a test reads back, freed after it."""
    from wwsapi import friendly

    handle = friendly.WsCreateHeap(1 << 20, 0)
    yield handle
    friendly.WsFreeHeap(handle)


@pytest.fixture(name="free_tcp_port")
def free_tcp_port_fixture() -> int:
    """A TCP port on 127.0.0.1 free at the time of asking."""
    return free_tcp_port()


@pytest.fixture
def soap_endpoint() -> Iterator[SoapEndpoint]:
    """An HTTP SOAP endpoint on 127.0.0.1, echoing by default (set `.handler`)."""
    with SoapEndpoint() as endpoint:
        yield endpoint
