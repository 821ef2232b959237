"""The whole pipeline on the small fixture (tests/fixtures/generate): generate,
then import and use the package in a fresh interpreter."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from test_generate_support import FIXTURE, generate_fixture, python

from generator.abi import load_abi
from generator.abi.layout import compute_layouts
from generator.abimodel import Target
from generator.names import nested_class_name, py_name


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fixture-package")
    generate_fixture(out)
    return out


LAYOUTS = """
import ctypes, importlib, json, pkgutil, wwsapi
found = {}
for info in pkgutil.iter_modules(wwsapi.__path__):
    module = importlib.import_module("wwsapi." + info.name)
    for name, value in vars(module).items():
        if (isinstance(value, type) and issubclass(value, (ctypes.Structure, ctypes.Union))
                and value.__module__ == module.__name__ and hasattr(value, "_fields_")):
            found[name] = {
                "size": ctypes.sizeof(value),
                "align": ctypes.alignment(value),
                "offsets": {f[0]: getattr(value, f[0]).offset for f in value._fields_},
            }
print(json.dumps(found))
"""


def check_layouts(out: Path, abi_dir: Path) -> int:
    """Every aggregate's ctypes layout is the x86_64 layout the ABI model computes
    (the host's ctypes is the Windows x64 data model for fixed-width types)."""
    actual = json.loads(python(out, LAYOUTS))
    abi = load_abi(abi_dir)
    expected = compute_layouts(abi, Target.X64)
    for aggregate in abi.aggregates:
        name = aggregate.name
        py = nested_class_name(name) if aggregate.nested else py_name(name)
        layout = expected[name]
        assert actual[py]["size"] == layout.size, name
        assert actual[py]["align"] == layout.align, name
        assert actual[py]["offsets"] == {py_name(f): o for f, o in layout.offsets.items()}, name
    return len(abi.aggregates)


def test_layouts_match_the_abi_model(package: Path) -> None:
    assert check_layouts(package, FIXTURE / "abi") == 5


def test_import_is_lazy_and_names_resolve(package: Path) -> None:
    output = python(
        package,
        """
        import sys
        before = set(sys.modules)
        import wwsapi
        loaded = sorted(set(sys.modules) - before)
        # nothing but the package and its exceptions: no area, no ctypes, no typing
        assert loaded == ["wwsapi", "wwsapi._errors"], loaded
        import ctypes, enum
        assert issubclass(wwsapi.WS_HEAP_PROPERTY_ID, enum.IntEnum)
        assert issubclass(wwsapi.WS_THING_FLAGS, enum.IntFlag)
        assert wwsapi.WS_HEAP_PROPERTY_TRIM_SIZE == 1
        ids = wwsapi.WS_HEAP_PROPERTY_ID
        assert wwsapi.WS_HEAP_PROPERTY_TRIM_SIZE is ids.WS_HEAP_PROPERTY_TRIM_SIZE
        assert wwsapi.WS_THING_FLAG_A | wwsapi.WS_THING_FLAG_B == 3
        # handles are distinct opaque types: ctypes refuses one for the other
        heap = ctypes.POINTER(wwsapi.WS_HEAP)()
        error = ctypes.POINTER(wwsapi.WS_ERROR)()
        assert type(heap) is not type(error)
        try:
            ctypes.POINTER(wwsapi.WS_HEAP).from_param(error)
        except TypeError:
            pass
        else:
            raise AssertionError("a WS_ERROR* passed as a WS_HEAP*")
        # callbacks are ctypes function pointer types with the C prototype
        cb = wwsapi.WS_ASYNC_CALLBACK
        assert cb._restype_ is None
        assert cb._argtypes_ == (ctypes.c_int32, ctypes.c_int32, ctypes.c_void_p)
        context = wwsapi.WS_ASYNC_CONTEXT()
        seen = []
        context.callback = cb(lambda hr, model, state: seen.append((hr, model)))
        context.callback(5, 1, None)
        assert seen == [(5, 1)]
        # fields: WCHAR is 16 bits on every host; keyword names are mapped
        thing = wwsapi.WS_THING()
        thing.tag[0] = 0xFFFF
        assert ctypes.sizeof(type(thing.tag)) == 8 and thing.tag[0] == 0xFFFF
        assert hasattr(wwsapi.WS_HEAP_PROPERTY, "id_")
        assert wwsapi.WS_THING_LIMIT == 64 and wwsapi.WS_THING_NAME == "thing"
        assert wwsapi.WS_S_ASYNC == 0x003D0000
        assert issubclass(wwsapi.E_INVALIDARG, wwsapi.WsError)
        assert wwsapi.E_INVALIDARG.hresult == 0x80070057
        assert wwsapi.hresults.error_class(-2147024809) is wwsapi.E_INVALIDARG
        assert wwsapi.hresults.error_class(0x80001234) is wwsapi.WsError
        assert "WsCreateHeap" in dir(wwsapi) and "WsCreateHeap" in wwsapi.__all__
        try:
            wwsapi.NoSuchName
        except AttributeError:
            pass
        else:
            raise AssertionError
        print("ok")
        """,
    )
    assert output.strip().endswith("ok")


def test_docstrings_carry_the_pages(package: Path) -> None:
    output = python(
        package,
        """
        import inspect, wwsapi
        doc = inspect.getdoc(wwsapi.WsCreateHeap)
        assert doc.startswith("Makes a heap that allocations can be taken from."), doc
        for part in (
            "maxSize (in): The most bytes",
            "heap (out): Receives the new WS_HEAP.",
            "error (in, optional, inferred from the C type)",
            "E_INVALIDARG: An argument is wrong.",
            "WS_S_ASYNC: Never returned here",
            "Minimum supported client: Windows 7",
            "See also:",
            "WsFreeHeap",
            "Remarks:",
            "nf-webservices-wscreateheap.md",
        ):
            assert part in doc, part
        undocumented = inspect.getdoc(wwsapi.WsGetErrorString)
        assert "no reference page in the specs" in undocumented
        url = "https://learn.microsoft.com/en-us/windows/win32/api/webservices/"
        assert url + "nf-webservices-wsgeterrorstring" in undocumented
        assert "Members:" in inspect.getdoc(wwsapi.WS_HEAP_PROPERTY_ID)
        field = "valueSize (ULONG): The size of the value in bytes."
        assert field in inspect.getdoc(wwsapi.WS_HEAP_PROPERTY)
        print(list(inspect.signature(wwsapi.WsFreeHeap).parameters))
        """,
    )
    assert output.strip() == "['heap']"


def test_calls_without_the_dll_raise_one_clear_error(package: Path) -> None:
    output = python(
        package,
        """
        import wwsapi
        try:
            wwsapi.WsFreeHeap(None)
        except wwsapi.WsapiUnavailableError as exc:
            print(type(exc).__name__, isinstance(exc, OSError), exc)
        """,
    )
    assert output.startswith("WsapiUnavailableError True webservices.dll can only be loaded")


FAKE_DLL = r"""
#include <stddef.h>
#include <stdint.h>
typedef int32_t HRESULT;
typedef struct { uint32_t length; uint16_t *chars; } WS_STRING;
static uint16_t first[] = {'f', 'i', 'r', 's', 't'};
static uint16_t second[] = {'s', 'e', 'c', 'o', 'n', 'd', ' ', 0x00e9};
int calls = 0;
size_t last_max_size = 0;
HRESULT WsCreateHeap(size_t maxSize, size_t trimSize, const void *properties,
                     uint32_t propertyCount, void **heap, void *error) {
    calls++;
    last_max_size = maxSize;
    if (maxSize == 0) return (HRESULT)0x80070057u; /* E_INVALIDARG */
    if (maxSize == 1) return (HRESULT)0x803D0F00u; /* a code no page names */
    if (maxSize == 2) return (HRESULT)0x003D0000u; /* WS_S_ASYNC */
    *heap = (void *)0x1234;
    return 0;
}
void WsFreeHeap(void *heap) { calls += 100; }
HRESULT WsGetErrorProperty(void *error, int32_t id, void *buffer, uint32_t size) {
    if (id != 0 || size != 4 || error != (void *)0x5678) return (HRESULT)0x80070057u;
    *(uint32_t *)buffer = 2;
    return 0;
}
HRESULT WsGetErrorString(void *error, uint32_t index, WS_STRING *string) {
    calls++;
    if (index > 1) return (HRESULT)0x80070057u; /* E_INVALIDARG */
    string->length = index == 0 ? 5 : 8;
    string->chars = index == 0 ? first : second;
    return 0;
}
"""

USE_FAKE_DLL = """
import ctypes, inspect, pickle
import wwsapi
import wwsapi.heap
from wwsapi import _runtime
lib = ctypes.CDLL({library!r})
_runtime.load_dll = lambda: lib
calls = ctypes.c_int.in_dll(lib, "calls")
heap = ctypes.POINTER(wwsapi.heap.WS_HEAP)()

# a stub binds on its first call and puts the C function in its place
free_stub = wwsapi.heap.WsFreeHeap
assert isinstance(free_stub, type(lambda: 0))
assert free_stub(heap) is None and calls.value == 100
bound_free = wwsapi.heap.WsFreeHeap
assert bound_free is not free_stub and isinstance(bound_free.c_function, ctypes._CFuncPtr)
# the first name taken from the package binds every function the DLL has
stub = wwsapi.heap.WsCreateHeap
assert wwsapi.WsFreeHeap is wwsapi.heap.WsFreeHeap
assert "__getattr__" not in vars(wwsapi)  # later lookups are plain module attributes
bound = wwsapi.WsCreateHeap
assert bound is not stub and isinstance(bound.c_function, ctypes._CFuncPtr), bound
assert bound.c_function.argtypes[4] == ctypes.POINTER(ctypes.POINTER(wwsapi.heap.WS_HEAP))
assert wwsapi.heap.WsCreateHeap is bound
assert bound.__doc__ == stub.__doc__ and bound.__wrapped__ is stub
assert list(inspect.signature(bound).parameters)[0] == "maxSize"
for function in (stub, bound):  # positional only, before binding as after
    try:
        function(maxSize=1)
    except TypeError:
        pass
    else:
        raise AssertionError
assert bound(1024, 0, None, 0, ctypes.byref(heap), None) == 0
assert ctypes.cast(heap, ctypes.c_void_p).value == 0x1234
assert bound(1 << 40, 0, None, 0, ctypes.byref(heap), None) == 0  # a SIZE_T keeps 64 bits
assert ctypes.c_size_t.in_dll(lib, "last_max_size").value == 1 << 40
# a failing HRESULT raises the class of its code, with the page's meaning and
# the strings of the error object passed
error = ctypes.cast(ctypes.c_void_p(0x5678), ctypes.POINTER(wwsapi.WS_ERROR))
try:
    bound(0, 0, None, 0, ctypes.byref(heap), error)
except wwsapi.E_INVALIDARG as exc:
    assert exc.hresult == 0x80070057 and exc.code == "E_INVALIDARG"
    assert exc.function == "WsCreateHeap"
    assert exc.meaning == "An argument is wrong."
    assert exc.error_strings == ("first", "second \\u00e9"), exc.error_strings
    assert str(exc) == ("WsCreateHeap failed: E_INVALIDARG (0x80070057): An argument is wrong. "
                        "[first; second \\u00e9]"), str(exc)
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is wwsapi.E_INVALIDARG and again.error_strings == exc.error_strings
else:
    raise AssertionError("no exception")
# without an error object: no strings; an unknown code: the base class
try:
    bound(1, 0, None, 0, ctypes.byref(heap), None)
except wwsapi.WsError as exc:
    assert type(exc) is wwsapi.WsError and exc.code is None and exc.error_strings == ()
    assert exc.hresult == 0x803D0F00
else:
    raise AssertionError("no exception")
# success codes are returned, not raised
assert bound(2, 0, None, 0, ctypes.byref(heap), None) == wwsapi.WS_S_ASYNC
# a stale reference to the stub keeps working, through the same function
before = calls.value
assert stub(3, 0, None, 0, ctypes.byref(heap), None) == 0
assert calls.value == before + 1 and wwsapi.WsCreateHeap is bound
# the same function, whichever argument forms it is given: a pointer of the
# parameter's very type, or a byref and an IntEnum that only the typed path takes
get_string = wwsapi.WsGetErrorString
text = wwsapi.WS_STRING()
for string in (ctypes.pointer(text), ctypes.byref(text)):
    for index in (1, type("Index", (int,), dict())(1)):
        text.length = 0
        assert get_string(error, index, string) == 0 and text.length == 8
        try:
            get_string(error, 2, string)
        except wwsapi.E_INVALIDARG as exc:
            assert exc.function == "WsGetErrorString"
            assert exc.error_strings == ("first", "second \\u00e9")
        else:
            raise AssertionError("no exception")
for wrong in (12345, b"x", "x", ctypes.c_void_p(0x5678), ctypes.pointer(heap)):
    before = calls.value
    try:
        get_string(wrong, 0, ctypes.pointer(text))
    except ctypes.ArgumentError:
        assert calls.value == before  # refused before the call
    else:
        raise AssertionError(f"{{wrong!r}} was passed as an error object")
# a function the DLL lacks stays a stub, whose call says so
missing = wwsapi.WsStartAsync
assert isinstance(missing, type(lambda: 0))
try:
    missing(None, None, None)
except wwsapi.WsapiUnavailableError as exc:
    assert "does not export WsStartAsync" in str(exc)
else:
    raise AssertionError("no exception")
print("ok")
"""


def test_bound_functions_raise_documented_errors(package: Path, tmp_path: Path) -> None:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build the stand-in webservices library")
    source = tmp_path / "fake.c"
    source.write_text(FAKE_DLL)
    library = tmp_path / "libfakews.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-o", library, source], check=True)
    assert python(package, USE_FAKE_DLL.format(library=str(library))).strip() == "ok"


def test_templates_already_follow_blacks_layout() -> None:
    """Black has the last word on every file, but the renderer lays code out
    as black would, which halves black's time (see generator/render/wrap.py)."""
    from generator.merge import merge
    from generator.parse import parse_paths
    from generator.render.engine import environment, render_file
    from generator.render.formatting import FormatJob, format_one
    from generator.render.plan import plan_files

    model = merge(parse_paths([FIXTURE / "pages"]), load_abi(FIXTURE / "abi"))
    env = environment(FIXTURE.parent.parent.parent / "templates")
    mine = ("__init__.py", "__init__.pyi", "_runtime.py", "_layout.py", "hresults.py")
    checked = 0
    for planned in plan_files(model, ("abi",), ("pages",)):
        name = planned.path.rsplit("/", 1)[-1]
        if planned.template != "wwsapi/area.py.j2" and name not in mine:
            continue
        text = render_file(env, planned)
        assert format_one(FormatJob(planned.path, text, name.endswith(".pyi"))) == text, name
        checked += 1
    assert checked >= 10
