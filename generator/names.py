"""How C names and area names become Python names: one rule, in one place.

The rule, for every name the generator writes into Python code (functions,
parameters, types, fields, enum members, constants):

1. The C name must be an ASCII identifier (`[A-Za-z_][A-Za-z0-9_]*`) that does
   not start with an underscore. Anything else has no safe mapping and is an
   error: guessing a spelling would make two different C names collide silently
   or give the user a name no document mentions. Leading underscores are
   reserved for the generated code's own helpers (`_ct`, `_rt`, ...), so a
   documented name can never shadow them.
2. A Python keyword (hard or soft) or the name of a builtin gets one trailing
   underscore (`from` -> `from_`, `type` -> `type_`, `bytes` -> `bytes_`), the
   PEP 8 convention. Builtins are a fixed list (Python 3.11 to 3.13) rather
   than the running interpreter's, so the output does not depend on which
   Python runs the generator.
3. Every other name is kept as written, so the C documentation applies as is.

Two C names that end up as the same Python name in one namespace are an error
(`find_collisions`), never a silent overwrite.

Derived names follow from the rule: a nested anonymous aggregate `Outer.member`
becomes the private class `_Outer_member` (each part mapped by the rule), and
an area page name becomes a module name by `module_name`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

KEYWORDS = frozenset(
    {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
        "return", "try", "while", "with", "yield",
        # soft keywords (3.10 match/case, 3.12 type)
        "match", "case", "type",
    }
)  # fmt: skip

BUILTINS = frozenset(
    {
        "ArithmeticError", "AssertionError", "AttributeError", "BaseException",
        "BaseExceptionGroup", "BlockingIOError", "BrokenPipeError", "BufferError",
        "BytesWarning", "ChildProcessError", "ConnectionAbortedError", "ConnectionError",
        "ConnectionRefusedError", "ConnectionResetError", "DeprecationWarning", "EOFError",
        "Ellipsis", "EncodingWarning", "EnvironmentError", "Exception", "ExceptionGroup",
        "FileExistsError", "FileNotFoundError", "FloatingPointError", "FutureWarning",
        "GeneratorExit", "IOError", "ImportError", "ImportWarning", "IndentationError",
        "IndexError", "InterruptedError", "IsADirectoryError", "KeyError",
        "KeyboardInterrupt", "LookupError", "MemoryError", "ModuleNotFoundError", "NameError",
        "NotADirectoryError", "NotImplemented", "NotImplementedError", "OSError",
        "OverflowError", "PendingDeprecationWarning", "PermissionError", "ProcessLookupError",
        "PythonFinalizationError", "RecursionError", "ReferenceError", "ResourceWarning",
        "RuntimeError", "RuntimeWarning", "StopAsyncIteration", "StopIteration",
        "SyntaxError", "SyntaxWarning", "SystemError", "SystemExit", "TabError",
        "TimeoutError", "TypeError", "UnboundLocalError", "UnicodeDecodeError",
        "UnicodeEncodeError", "UnicodeError", "UnicodeTranslateError", "UnicodeWarning",
        "UserWarning", "ValueError", "Warning", "ZeroDivisionError", "abs", "aiter", "all",
        "anext", "any", "ascii", "bin", "bool", "breakpoint", "bytearray", "bytes",
        "callable", "chr", "classmethod", "compile", "complex", "copyright", "credits",
        "delattr", "dict", "dir", "divmod", "enumerate", "eval", "exec", "exit", "filter",
        "float", "format", "frozenset", "getattr", "globals", "hasattr", "hash", "help",
        "hex", "id", "input", "int", "isinstance", "issubclass", "iter", "len", "license",
        "list", "locals", "map", "max", "memoryview", "min", "next", "object", "oct", "open",
        "ord", "pow", "print", "property", "quit", "range", "repr", "reversed", "round",
        "set", "setattr", "slice", "sorted", "staticmethod", "str", "sum", "super", "tuple",
        "vars", "zip",
    }
)  # fmt: skip

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class UnsafeNameError(ValueError):
    """A name with no safe Python spelling; the message says why."""


def py_name(c_name: str) -> str:
    """The Python name of a C name, by the module's rule; raise UnsafeNameError."""
    if not c_name:
        raise UnsafeNameError("an empty name has no Python spelling")
    if not _IDENTIFIER.match(c_name):
        raise UnsafeNameError(
            f"{c_name!r} is not an ASCII identifier, so it has no safe Python spelling"
        )
    if c_name.startswith("_"):
        raise UnsafeNameError(
            f"{c_name!r} starts with an underscore, which is reserved for the generated "
            "code's own names"
        )
    if c_name in KEYWORDS or c_name in BUILTINS:
        return c_name + "_"
    return c_name


def nested_class_name(qualified: str) -> str:
    """The private class of a nested anonymous aggregate `Outer.member[.inner]`."""
    parts = qualified.split(".")
    if len(parts) < 2:
        raise UnsafeNameError(f"{qualified!r} is not a qualified nested aggregate name")
    return "_" + "_".join(_plain(part, qualified) for part in parts)


def _plain(part: str, whole: str) -> str:
    if not _IDENTIFIER.match(part) or part.startswith("_"):
        raise UnsafeNameError(f"{whole!r} has a part {part!r} that is not a plain identifier")
    return part


RESERVED_MODULES = frozenset({"pythonic", "hresults", "tests"})


def module_name(area: str) -> str:
    """The module of an area: lower case, each run of other characters one `_`."""
    name = re.sub(r"[^a-z0-9]+", "_", area.lower()).strip("_")
    if not name:
        raise UnsafeNameError(f"area name {area!r} has no letters or digits for a module name")
    if name[0].isdigit():
        raise UnsafeNameError(
            f"area name {area!r} gives module {name!r}, which starts with a digit"
        )
    if name in KEYWORDS or name in BUILTINS or name in RESERVED_MODULES:
        raise UnsafeNameError(
            f"area name {area!r} gives module {name!r}, a name Python or the package reserves"
        )
    return name


def find_collisions(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Python names given to more than one C name: {python name: C names, sorted}."""
    by_python: dict[str, set[str]] = {}
    for c_name, python in pairs:
        by_python.setdefault(python, set()).add(c_name)
    return {py: tuple(sorted(cs)) for py, cs in sorted(by_python.items()) if len(cs) > 1}
