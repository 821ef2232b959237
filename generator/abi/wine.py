"""Read Wine's webservices.h with a real C front end (libclang).

The header is parsed for the i686 Windows target (MinGW) against Wine's own
include folders, so `WINAPI`/`CALLBACK` resolve to stdcall and the calling
convention can be read off each prototype. Only declarations located in the
header itself are taken. Wine's prototypes mostly leave parameters unnamed and
its header covers about three quarters of the API, but it spells C types as C
does (`const`, `ULONG`, `SIZE_T`), which the SDK metadata does not.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.abi.primitives import POINTER_TYPEDEFS
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
    AbiParam,
    AbiSet,
    AggregateKind,
    CType,
)
from generator.diagnostics import Diagnostic, DiagnosticError

SOURCE = "wine"
DEFAULT_HEADER = Path("/usr/include/wine/wine/windows/webservices.h")
_CX_CALLING_CONV_C = 1  # CXCallingConv_C
_CX_CALLING_CONV_X86_STDCALL = 2  # CXCallingConv_X86StdCall
_INT_LITERAL = re.compile(r"^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$")


@dataclass(frozen=True)
class WineSource:
    """What Wine's header declares; `skipped` lists macros that are not plain numbers."""

    abi: AbiSet
    skipped: tuple[str, ...]
    path: Path


def include_dirs(header: Path) -> list[Path]:
    """Wine's include folders (msvcrt/ and windows/) for windows.h; beside the header when it
    sits in a Wine tree, else the Debian ones (a copy of the header can be anywhere)."""
    for windows in (header.parent, DEFAULT_HEADER.parent):
        if (windows / "windows.h").is_file():
            msvcrt = windows.parent / "msvcrt"
            return [msvcrt, windows] if msvcrt.is_dir() else [windows]
    return [header.parent]


def _clang() -> Any:
    try:
        import clang.cindex as cindex  # type: ignore[import-untyped]
    except ImportError:
        raise DiagnosticError.single(
            "libclang", None, "libclang is not installed: pip install -e '.[import]'"
        ) from None
    return cindex


class _Reader:
    def __init__(self, cindex: Any, header: Path) -> None:
        self.ci = cindex
        self.header = header
        self.tag_names: dict[str, str] = {}  # struct tag -> typedef name
        self.anonymous: dict[str, str] = {}  # USR of an anonymous record -> qualified name

    def fail(self, cursor: Any, message: str) -> DiagnosticError:
        return DiagnosticError.single(str(self.header), cursor.location.line, message)

    def ctype(self, t: Any, cursor: Any) -> CType:
        TK = self.ci.TypeKind
        pointers = 0
        array: list[int] = []
        const = False  # of the base type: reset by each pointer level
        while True:
            if t.kind == TK.CONSTANTARRAY:
                array.append(t.element_count)
                t = t.element_type
            elif t.kind == TK.POINTER:
                pointers += 1
                const = False
                t = t.get_pointee()
            elif t.kind == TK.ELABORATED:
                const = const or t.is_const_qualified()
                t = t.get_named_type()
            else:
                break
        return self._base(t, cursor, pointers, const or t.is_const_qualified(), array)

    def _base(self, t: Any, cursor: Any, pointers: int, const: bool, array: list[int]) -> CType:
        TK = self.ci.TypeKind
        if t.kind == TK.TYPEDEF:
            name = t.get_declaration().spelling
        elif t.kind in (TK.RECORD, TK.ENUM):
            decl = t.get_declaration()
            usr = decl.get_usr()
            if usr in self.anonymous:
                name = self.anonymous[usr]
            elif decl.spelling in self.tag_names:
                name = self.tag_names[decl.spelling]
            else:
                name = decl.spelling
        elif t.kind in (TK.FUNCTIONPROTO, TK.FUNCTIONNOPROTO):
            raise self.fail(cursor, "an unnamed function pointer type: give it a typedef")
        else:
            name = t.spelling.replace("const ", "").replace("volatile ", "").strip()
        if name in POINTER_TYPEDEFS:
            base, extra, base_const = POINTER_TYPEDEFS[name]
            return CType(base, pointers + extra, const or base_const, tuple(array))
        return CType(name, pointers, const, tuple(array))

    def param_type(self, t: Any, cursor: Any) -> CType:
        """A parameter's type; top-level `const` on a value is not part of a function's type."""
        ctype = self.ctype(t, cursor)
        if ctype.pointers == 0 and not ctype.array and ctype.const:
            return CType(ctype.name)
        return ctype

    def convention(self, t: Any) -> str:
        """libclang's Python binding lacks this call; the C library has it."""
        function = self.ci.conf.lib.clang_getFunctionTypeCallingConv
        function.argtypes = [self.ci.Type]
        function.restype = ctypes.c_int
        conv = function(t)
        if conv == _CX_CALLING_CONV_X86_STDCALL:
            return "stdcall"
        if conv == _CX_CALLING_CONV_C:
            return "cdecl"
        raise DiagnosticError.single(
            str(self.header), None, f"unexpected calling convention {conv}"
        )


def _unnamed(decl: Any) -> bool:
    """An anonymous struct/union/enum (libclang spells them `struct (unnamed at ...)`)."""
    spelling: str = decl.spelling
    return not spelling or "(unnamed" in spelling or "(anonymous" in spelling


def _in_header(cursor: Any, header: str) -> bool:
    loc = cursor.location.file
    return loc is not None and loc.name == header


def _parse(cindex: Any, header: Path) -> Any:
    args = ["-x", "c", "--target=i686-w64-mingw32", "-nostdinc", "-fms-extensions"]
    for folder in include_dirs(header):
        args += ["-isystem", str(folder)]
    source = f'#include <windows.h>\n#include "{header.resolve()}"\n'
    TU = cindex.TranslationUnit
    try:
        tu = cindex.Index.create().parse(
            "wwsgen_wine.c",
            args=args,
            unsaved_files=[("wwsgen_wine.c", source)],
            options=TU.PARSE_DETAILED_PROCESSING_RECORD | TU.PARSE_SKIP_FUNCTION_BODIES,
        )
    except cindex.TranslationUnitLoadError as exc:
        raise DiagnosticError.single(
            str(header), None, f"libclang could not parse: {exc}"
        ) from None
    errors = [
        Diagnostic(
            d.location.file.name if d.location.file else str(header),
            d.location.line or None,
            f"C front end: {d.spelling}",
        )
        for d in tu.diagnostics
        if d.severity >= cindex.Diagnostic.Error
    ]
    in_header = [e for e in errors if e.path == str(header.resolve())]
    if errors:  # the header's own errors explain the rest (cascades in the wrapper file)
        raise DiagnosticError((in_header or errors)[:20])
    return tu


def _macro_value(tokens: list[str]) -> int | None:
    text = [t for t in tokens if t not in ("(", ")")]
    negative = bool(text) and text[0] == "-"
    if negative:
        text = text[1:]
    if len(text) != 1 or not _INT_LITERAL.match(text[0]):
        return None
    value = int(text[0].rstrip("uUlL"), 0)
    return -value if negative else value


def read_wine(header: Path = DEFAULT_HEADER) -> WineSource:
    """Parse Wine's `webservices.h` into an AbiSet (sources `wine`)."""
    if not header.is_file():
        raise DiagnosticError.single(
            str(header),
            None,
            "Wine's webservices.h not found: apt-get install libwine-dev, or give --header PATH",
        )
    cindex = _clang()
    tu = _parse(cindex, header)
    reader = _Reader(cindex, header)
    CK = cindex.CursorKind
    TK = cindex.TypeKind
    resolved = str(header.resolve())  # the name libclang reports: it is included by this path
    top = [c for c in tu.cursor.get_children() if _in_header(c, resolved)]
    if not any(c.kind == CK.FUNCTION_DECL for c in top):
        raise DiagnosticError.single(
            str(header), None, "no function declarations: not webservices.h, or truncated"
        )

    # Struct tags named by typedefs, and which tags have a body.
    defined: set[str] = set()
    typedef_enums: set[str] = set()
    for c in top:
        if c.kind == CK.TYPEDEF_DECL:
            under = c.underlying_typedef_type
            if under.kind == TK.ELABORATED:
                decl = under.get_named_type().get_declaration()
                if decl.kind in (CK.STRUCT_DECL, CK.UNION_DECL) and decl.spelling:
                    reader.tag_names[decl.spelling] = c.spelling
                if decl.kind == CK.ENUM_DECL:
                    typedef_enums.add(decl.get_usr())
        if c.kind in (CK.STRUCT_DECL, CK.UNION_DECL) and c.is_definition():
            defined.add(c.spelling)

    functions: list[AbiFunction] = []
    callbacks: list[AbiCallback] = []
    enums: list[AbiEnum] = []
    aggregates: list[AbiAggregate] = []
    handles: list[AbiHandle] = []
    aliases: list[AbiAlias] = []
    constants: list[AbiConstant] = []
    skipped: list[str] = []
    seen: set[str] = set()

    def record(cursor: Any, name: str, nested: bool) -> None:
        kind = AggregateKind.UNION if cursor.kind == CK.UNION_DECL else AggregateKind.STRUCT
        fields: list[AbiField] = []
        inner: list[tuple[Any, str]] = []
        for child in cursor.get_children():
            if child.kind in (CK.STRUCT_DECL, CK.UNION_DECL, CK.ENUM_DECL):
                if not _unnamed(child):
                    raise reader.fail(child, f"{name}: a named type declared inside a structure")
                continue  # named below through the member that uses it
            if child.kind == CK.FIELD_DECL:
                decl = child.type.get_declaration()
                if decl.kind in (CK.STRUCT_DECL, CK.UNION_DECL) and _unnamed(decl):
                    qualified = f"{name}.{child.spelling}"
                    reader.anonymous[decl.get_usr()] = qualified
                    inner.append((decl, qualified))
                bits = child.get_bitfield_width() if child.is_bitfield() else None
                fields.append(AbiField(child.spelling, reader.ctype(child.type, child), bits))
            elif child.kind == CK.PACKED_ATTR or child.kind.is_attribute():
                raise reader.fail(child, f"{name}: attribute {child.kind.name} is not modelled")
        packing = None
        aggregates.append(AbiAggregate(name, kind, tuple(fields), nested, packing, (SOURCE,)))
        for decl, qualified in inner:
            record(decl, qualified, True)

    for c in top:
        if c.kind == CK.FUNCTION_DECL:
            if c.spelling in seen:
                continue
            seen.add(c.spelling)
            params = tuple(
                AbiParam(a.spelling, reader.param_type(a.type, a)) for a in c.get_arguments()
            )
            functions.append(
                AbiFunction(
                    c.spelling,
                    reader.ctype(c.result_type, c),
                    params,
                    reader.convention(c.type),
                    "webservices.dll",
                    (SOURCE,),
                )
            )
        elif c.kind == CK.TYPEDEF_DECL:
            name = c.spelling
            under = c.underlying_typedef_type
            if under.kind == TK.POINTER and under.get_pointee().kind == TK.FUNCTIONPROTO:
                proto = under.get_pointee()
                names = [a.spelling for a in c.get_children() if a.kind == CK.PARM_DECL]
                types = list(proto.argument_types())
                if len(names) != len(types):
                    names = [""] * len(types)
                callbacks.append(
                    AbiCallback(
                        name,
                        reader.ctype(proto.get_result(), c),
                        tuple(
                            AbiParam(n, reader.param_type(t, c))
                            for n, t in zip(names, types, strict=True)
                        ),
                        reader.convention(proto),
                        (SOURCE,),
                    )
                )
                continue
            if under.kind == TK.ELABORATED:
                decl = under.get_named_type().get_declaration()
                if decl.kind in (CK.STRUCT_DECL, CK.UNION_DECL):
                    if not _unnamed(decl) and decl.spelling not in defined:
                        handles.append(AbiHandle(name, (SOURCE,)))
                    elif _unnamed(decl) or decl.spelling == name:
                        record(decl, name, False)
                    # `typedef struct _X X;` with a body elsewhere: recorded with the body.
                    continue
                if decl.kind == CK.ENUM_DECL:
                    members = tuple(
                        AbiEnumMember(m.spelling, m.enum_value)
                        for m in decl.get_children()
                        if m.kind == CK.ENUM_CONSTANT_DECL
                    )
                    enums.append(AbiEnum(name, members, False, (SOURCE,)))
                    continue
            aliases.append(AbiAlias(name, reader.ctype(under, c), (SOURCE,)))
        elif c.kind in (CK.STRUCT_DECL, CK.UNION_DECL) and c.is_definition():
            if _unnamed(c):
                continue  # the body of a `typedef struct {...} X;`, recorded with the typedef
            name = reader.tag_names.get(c.spelling)
            if name is None:
                raise reader.fail(c, f"struct {c.spelling} has no typedef name")
            record(c, name, False)
        elif c.kind == CK.ENUM_DECL and _unnamed(c):
            if c.get_usr() in typedef_enums:
                continue  # the body of a `typedef enum {...} X;`, recorded with the typedef
            for m in c.get_children():
                if m.kind == CK.ENUM_CONSTANT_DECL:
                    constants.append(AbiConstant(m.spelling, m.enum_value, CType("int"), (SOURCE,)))
        elif c.kind == CK.MACRO_DEFINITION:
            if c.spelling.startswith("__WINE") or c.spelling.startswith("_"):
                continue
            tokens = [t.spelling for t in c.get_tokens()][1:]
            value = _macro_value(tokens)
            if value is None:
                skipped.append(c.spelling)
                continue
            is_hresult = c.spelling.startswith(("WS_E_", "WS_S_"))
            if is_hresult and value >= 1 << 31:
                value -= 1 << 32
            constants.append(
                AbiConstant(c.spelling, value, CType("HRESULT" if is_hresult else "int"), (SOURCE,))
            )

    def key(e: Any) -> str:
        return str(e.name)

    abi = AbiSet(
        functions=tuple(sorted(functions, key=key)),
        callbacks=tuple(sorted(callbacks, key=key)),
        enums=tuple(sorted(enums, key=key)),
        aggregates=tuple(sorted(aggregates, key=key)),
        handles=tuple(sorted(handles, key=key)),
        aliases=tuple(sorted(aliases, key=key)),
        constants=tuple(sorted(constants, key=key)),
    )
    return WineSource(abi, tuple(skipped), header)
