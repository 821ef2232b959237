"""The C types webservices.h uses but does not declare: Windows primitives and the
few Windows structures it embeds by value.

Each has a size and alignment per target (the Windows data models: LLP64 on
x86_64, ILP32 on i686; `double` and 64-bit integers are 8-aligned inside
structures on both) and an ABI class: two spellings with the same class are the
same type to the ABI (`ULONG` and `DWORD`, `WCHAR` and `USHORT`), which is how
the two ABI sources are compared.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.abimodel import Target


@dataclass(frozen=True)
class Primitive:
    """Size and alignment on x86_64 and on i686; `cls` is the ABI class."""

    cls: str
    size64: int
    align64: int
    size32: int
    align32: int

    def size(self, target: Target) -> int:
        return self.size64 if target is Target.X64 else self.size32

    def align(self, target: Target) -> int:
        return self.align64 if target is Target.X64 else self.align32


def _fixed(cls: str, size: int) -> Primitive:
    return Primitive(cls, size, size, size, size)


_PTR = Primitive("ptr", 8, 8, 4, 4)

PRIMITIVES: dict[str, Primitive] = {
    "void": Primitive("void", 0, 1, 0, 1),
    "char": _fixed("i8", 1),
    "CHAR": _fixed("i8", 1),
    "signed char": _fixed("i8", 1),
    "unsigned char": _fixed("u8", 1),
    "BYTE": _fixed("u8", 1),
    "UCHAR": _fixed("u8", 1),
    "BOOLEAN": _fixed("u8", 1),
    "short": _fixed("i16", 2),
    "SHORT": _fixed("i16", 2),
    "unsigned short": _fixed("u16", 2),
    "USHORT": _fixed("u16", 2),
    "WORD": _fixed("u16", 2),
    "WCHAR": _fixed("u16", 2),
    "wchar_t": _fixed("u16", 2),
    "int": _fixed("i32", 4),
    "INT": _fixed("i32", 4),
    "long": _fixed("i32", 4),
    "LONG": _fixed("i32", 4),
    "BOOL": _fixed("i32", 4),
    "HRESULT": _fixed("i32", 4),
    "unsigned int": _fixed("u32", 4),
    "UINT": _fixed("u32", 4),
    "unsigned long": _fixed("u32", 4),
    "ULONG": _fixed("u32", 4),
    "DWORD": _fixed("u32", 4),
    "LCID": _fixed("u32", 4),
    "LANGID": _fixed("u16", 2),
    "__int64": _fixed("i64", 8),
    "long long": _fixed("i64", 8),
    "LONGLONG": _fixed("i64", 8),
    "INT64": _fixed("i64", 8),
    "unsigned __int64": _fixed("u64", 8),
    "unsigned long long": _fixed("u64", 8),
    "ULONGLONG": _fixed("u64", 8),
    "UINT64": _fixed("u64", 8),
    "ULONG64": _fixed("u64", 8),
    "float": _fixed("f32", 4),
    "FLOAT": _fixed("f32", 4),
    "double": _fixed("f64", 8),
    "DOUBLE": _fixed("f64", 8),
    "SIZE_T": Primitive("uptr", 8, 8, 4, 4),
    "ULONG_PTR": Primitive("uptr", 8, 8, 4, 4),
    "UINT_PTR": Primitive("uptr", 8, 8, 4, 4),
    "DWORD_PTR": Primitive("uptr", 8, 8, 4, 4),
    "LONG_PTR": Primitive("iptr", 8, 8, 4, 4),
    "INT_PTR": Primitive("iptr", 8, 8, 4, 4),
    "SSIZE_T": Primitive("iptr", 8, 8, 4, 4),
    # Handles and interface pointers of other Windows APIs: pointer-sized.
    "HANDLE": _PTR,
    "NCRYPT_KEY_HANDLE": Primitive("uptr", 8, 8, 4, 4),
    "NCRYPT_PROV_HANDLE": Primitive("uptr", 8, 8, 4, 4),
    "HCERTSTORE": _PTR,
    # Windows structures embedded by value (Wine and the SDK agree on these).
    "GUID": Primitive("GUID", 16, 4, 16, 4),
    "FILETIME": Primitive("FILETIME", 8, 4, 8, 4),
    "DECIMAL": Primitive("DECIMAL", 16, 8, 16, 8),
}

# Windows types used only through pointers; their layout is never needed.
OPAQUE_EXTERNAL = frozenset(
    {"CERT_CONTEXT", "SecPkgContext_IssuerListInfoEx", "IInspectable", "IUnknown"}
)

# Typedefs that are pointers to a primitive, as the two sources spell them.
POINTER_TYPEDEFS: dict[str, tuple[str, int, bool]] = {
    "PWSTR": ("WCHAR", 1, False),
    "LPWSTR": ("WCHAR", 1, False),
    "PCWSTR": ("WCHAR", 1, True),
    "LPCWSTR": ("WCHAR", 1, True),
    "PSTR": ("CHAR", 1, False),
    "LPSTR": ("CHAR", 1, False),
    "PCSTR": ("CHAR", 1, True),
    "LPCSTR": ("CHAR", 1, True),
    "PVOID": ("void", 1, False),
    "LPVOID": ("void", 1, False),
    "LPCVOID": ("void", 1, True),
    "PCCERT_CONTEXT": ("CERT_CONTEXT", 1, True),
    "PCERT_CONTEXT": ("CERT_CONTEXT", 1, False),
}


def pointer_size(target: Target) -> int:
    return 8 if target is Target.X64 else 4
