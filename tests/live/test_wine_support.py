"""The recorded Wine facts (wine_support.py) match the DLL this process loaded."""

from __future__ import annotations

import pytest
import wine_support
from wwslive import export_addresses, loaded_stubs, wine_version


def test_every_recorded_export_is_exported() -> None:
    addresses = export_addresses(sorted(wine_support.EXPORTS))
    assert sorted(wine_support.EXPORTS - set(addresses)) == []


def test_recorded_stubs_are_the_loaded_stubs() -> None:
    version = wine_version()
    if version is None:
        pytest.skip("real Windows: webservices.dll has no stubs")
    if version != wine_support.WINE_VERSION:
        pytest.skip(
            f"recorded for Wine {wine_support.WINE_VERSION}, running {version}: "
            "re-record with `python tests/live/winedll.py --write`"
        )
    stubs = loaded_stubs(export_addresses(sorted(wine_support.EXPORTS)))
    assert sorted(stubs) == sorted(wine_support.STUBS)


def test_known_stubs_are_recognised() -> None:
    if wine_version() is None:
        pytest.skip("real Windows: webservices.dll has no stubs")
    known = {"WsGetSecurityTokenProperty", "WsRequestSecurityToken", "WsFreeSecurityToken"}
    assert known <= loaded_stubs(export_addresses(sorted(known)))
    assert "WsCreateHeap" not in loaded_stubs(export_addresses(["WsCreateHeap"]))
