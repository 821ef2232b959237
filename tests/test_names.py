"""The one naming rule of generator/names.py."""

from __future__ import annotations

import builtins
import keyword

import pytest

from generator import names


@pytest.mark.parametrize("name", ["WsCreateHeap", "WS_HEAP", "maxSize", "x", "value2"])
def test_plain_identifiers_are_kept(name: str) -> None:
    assert names.py_name(name) == name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("from", "from_"),
        ("lambda", "lambda_"),
        ("class", "class_"),
        ("None", "None_"),
        ("match", "match_"),  # soft keyword
        ("type", "type_"),  # soft keyword and builtin
        ("bytes", "bytes_"),
        ("id", "id_"),
        ("property", "property_"),
        ("PythonFinalizationError", "PythonFinalizationError_"),  # a 3.13 builtin
    ],
)
def test_keywords_and_builtins_get_one_trailing_underscore(name: str, expected: str) -> None:
    assert names.py_name(name) == expected


def test_every_keyword_and_builtin_of_this_python_is_covered() -> None:
    public = {n for n in dir(builtins) if not n.startswith("_")}
    assert public <= names.BUILTINS | names.KEYWORDS
    assert set(keyword.kwlist) <= names.KEYWORDS
    assert set(keyword.softkwlist) - {"_"} <= names.KEYWORDS


@pytest.mark.parametrize(
    "name",
    ["", "1abc", "foo-bar", "foo bar", "naïve", "ab.c", "a\nb", "x;import os", "_private", "__x"],
)
def test_names_without_a_safe_spelling_are_errors(name: str) -> None:
    with pytest.raises(names.UnsafeNameError) as caught:
        names.py_name(name)
    assert str(caught.value)  # says why


def test_nested_aggregates_become_private_classes() -> None:
    assert names.nested_class_name("WS_CHANNEL_PROPERTY_CONSTRAINT.out") == (
        "_WS_CHANNEL_PROPERTY_CONSTRAINT_out"
    )
    assert names.nested_class_name("A.b.c") == "_A_b_c"
    with pytest.raises(names.UnsafeNameError):
        names.nested_class_name("NOT_NESTED")
    with pytest.raises(names.UnsafeNameError):
        names.nested_class_name("A.b-c")


@pytest.mark.parametrize(
    ("area", "module"),
    [
        ("heap", "heap"),
        ("security-processing-results", "security_processing_results"),
        ("XML Reader", "xml_reader"),
        ("--channel--", "channel"),
    ],
)
def test_area_names_become_module_names(area: str, module: str) -> None:
    assert names.module_name(area) == module


@pytest.mark.parametrize("area", ["", "---", "3d-things", "class", "pythonic", "hresults", "type"])
def test_area_names_without_a_safe_module_are_errors(area: str) -> None:
    with pytest.raises(names.UnsafeNameError):
        names.module_name(area)


def test_collisions_are_found_per_python_name() -> None:
    pairs = [("from", "from_"), ("from_", "from_"), ("a", "a"), ("A", "A")]
    assert names.find_collisions(pairs) == {"from_": ("from", "from_")}
    assert names.find_collisions([("x", "x"), ("x", "x")]) == {}
