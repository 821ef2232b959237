"""The layout of every generated structure and union as the running CPython's
ctypes lays it out, in the JSON shape `wwsgen verify-abi --layout-from` reads:

    {"WS_XML_STRING": {"size": 24, "align": 8, "offsets": {"length": 0, ...}}, ...}

keyed by C names, so that MinGW gcc can check the numbers against Wine's
webservices.h. Python names go back to C names by inverting the generator's
one naming rule (generator.names): a keyword or builtin got a trailing `_`,
and a nested anonymous aggregate `Outer.member` is the private class of the
field `member` of `Outer` (reached here through that field).

Pure Python over the standard library and the installed packages: it runs in
Windows CPython under Wine (the live suite) and on the host (its own test).
"""

from __future__ import annotations

import ctypes
import importlib
import json
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

from generator.names import BUILTINS, KEYWORDS

Layout = dict[str, Any]  # {"size": int, "align": int, "offsets": {field: int}}
AGGREGATE_BASES = (ctypes.Structure, ctypes.Union)


def c_name(python_name: str) -> str:
    """The C name that the generator spelled `python_name`."""
    stem = python_name[:-1]
    if python_name.endswith("_") and (stem in KEYWORDS or stem in BUILTINS):
        return stem
    return python_name


def area_modules(package: ModuleType) -> list[ModuleType]:
    """The generated area modules of `package` (not its private or layered modules)."""
    runtime = importlib.import_module(f"{package.__name__}._runtime")
    skip = {"bases", "hresults", "friendly", "pythonic", "tests"}
    modules = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_") or info.name in skip or info.ispkg:
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if getattr(module, "_rt", None) is runtime:  # a generated area module
            modules.append(module)
    return modules


def _is_aggregate(cls: object, handle: type) -> bool:
    return (
        isinstance(cls, type)
        and issubclass(cls, AGGREGATE_BASES)
        and not issubclass(cls, handle)  # opaque handle classes have no layout
    )


def aggregate_layouts(package: ModuleType) -> dict[str, Layout]:
    """Every structure and union of the package's areas, nested ones included,
    by C name (sorted)."""
    handle = importlib.import_module(f"{package.__name__}._runtime").Handle
    found: dict[str, Layout] = {}
    for module in area_modules(package):
        for name, cls in vars(module).items():
            if name.startswith("_") or getattr(cls, "__module__", None) != module.__name__:
                continue
            if _is_aggregate(cls, handle):
                _walk(cls, c_name(name), found, handle)
    return dict(sorted(found.items()))


def _walk(cls: Any, name: str, found: dict[str, Layout], handle: type) -> None:
    offsets: dict[str, int] = {}
    for entry in cls._fields_:
        field_name, field_type = entry[0], entry[1]
        if len(entry) == 3:
            continue  # a bit-field: offsetof cannot name it, verify-abi checks the size
        offsets[c_name(field_name)] = getattr(cls, field_name).offset
        nested = getattr(field_type, "__name__", "")
        if nested.startswith("_") and _is_aggregate(field_type, handle):
            _walk(field_type, f"{name}.{c_name(field_name)}", found, handle)
    found[name] = {
        "size": ctypes.sizeof(cls),
        "align": ctypes.alignment(cls),
        "offsets": offsets,
    }


def write_layouts(package: ModuleType, path: Path) -> dict[str, Layout]:
    """Write the layouts to `path` as JSON (whole, via a temporary file) and return them."""
    layouts = aggregate_layouts(package)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(layouts, indent=1) + "\n", encoding="utf-8")
    temporary.replace(path)
    return layouts
