"""The part of the generated test skeletons that needs the real DLL: every
function of the package binds to the export of its name. (The skeletons,
generated/tests, check the prototypes on the host, without webservices.dll.)
Binding only looks the export up; nothing is called, so Wine's stubs are safe."""

from __future__ import annotations

import ctypes
import importlib
import inspect
import pkgutil

import wine_support
import wwsapi
from wwsapi import _runtime
from wwslive import export_addresses, wine_version


def _prototypes() -> dict[tuple[str, str], str]:
    """(module, function) -> C name of every generated function."""
    for info in pkgutil.iter_modules(wwsapi.__path__):
        if not info.ispkg and not info.name.startswith("_"):
            importlib.import_module(f"wwsapi.{info.name}")
    return {key: spec.c_name for key, spec in _runtime._prototypes.items()}


def test_every_generated_function_binds_to_its_export() -> None:
    prototypes = _prototypes()
    assert len(prototypes) > 150
    addresses = export_addresses(prototypes.values())
    wine = wine_version()
    missing, wrong = [], []
    for (module, name), c_name in sorted(prototypes.items()):
        if wine and c_name not in wine_support.EXPORTS:
            missing.append(c_name)  # Wine lacks it: the call must say so
            try:
                _runtime.bind(module, name)
            except wwsapi.WsapiUnavailableError:
                continue
            raise AssertionError(f"{c_name} bound although Wine does not export it")
        function = _runtime.bind(module, name)
        # both foreign functions of the bound function: typed and untyped
        foreign = (function.c_function, inspect.getclosurevars(function).nonlocals["untyped"])
        if any(ctypes.cast(f, ctypes.c_void_p).value != addresses.get(c_name) for f in foreign):
            wrong.append(c_name)
    assert not wrong, f"bound to another address than the export's: {wrong}"
    if not wine:
        assert not missing
