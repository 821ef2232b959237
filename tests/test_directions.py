"""Direction inference: each rule, its order, and the real unannotated seed parameters."""

from __future__ import annotations

import pytest

from generator.abi import DEFAULT_DIR, load_abi
from generator.abimodel import AbiCallback, AbiFunction, AbiHandle, AbiParam, AbiSet, CType
from generator.directions import infer_direction
from generator.docmodel import Direction

ABI = AbiSet(
    handles=(AbiHandle("WS_HEAP"), AbiHandle("WS_ERROR")),
    callbacks=(AbiCallback("WS_DONE_CALLBACK", CType("void"), ()),),
)


def _f(name: str, *params: tuple[str, str]) -> AbiFunction:
    return AbiFunction(
        name, CType("HRESULT"), tuple(AbiParam(n, CType.parse(t)) for n, t in params)
    )


GET = _f(
    "WsGetThing",
    ("heap", "WS_HEAP*"),
    ("id", "ULONG"),
    ("value", "void*"),
    ("valueSize", "ULONG"),
    ("out", "WS_HEAP**"),
    ("text", "const WS_XML_STRING*"),
    ("node", "const WS_XML_NODE**"),
    ("found", "BOOL*"),
    ("props", "WS_PROPERTY*"),
    ("propCount", "ULONG"),
    ("result", "WS_STRING*"),
    ("asyncContext", "WS_ASYNC_CONTEXT*"),
    ("callbackState", "void*"),
    ("done", "WS_DONE_CALLBACK"),
    ("error", "WS_ERROR*"),
)
SET = _f("WsSetThing", ("value", "void*"), ("valueSize", "ULONG"))


@pytest.mark.parametrize(
    ("function", "param", "direction", "rule", "optional"),
    [
        (GET, "heap", Direction.IN, "handle", None),
        (GET, "id", Direction.IN, "by-value", False),
        (GET, "value", Direction.OUT, "byte-buffer", None),
        (SET, "value", Direction.IN, "byte-buffer", None),
        (GET, "out", Direction.OUT, "handle-out", None),
        (GET, "text", Direction.IN, "const-pointer", None),
        (GET, "node", Direction.OUT, "pointer-out", None),  # writable pointer to a const node
        (GET, "found", Direction.OUT, "scalar-out", None),
        (GET, "props", Direction.IN, "counted-array", None),
        (GET, "result", Direction.UNSPECIFIED, "undecided", None),
        (GET, "asyncContext", Direction.IN, "async-context", True),
        (GET, "callbackState", Direction.IN, "callback-state", None),
        (GET, "done", Direction.IN, "by-value", None),  # a function pointer may be NULL
        (GET, "error", Direction.IN, "handle", True),
    ],
)
def test_rules(
    function: AbiFunction, param: str, direction: Direction, rule: str, optional: bool | None
) -> None:
    index = [p.name for p in function.params].index(param)
    inferred = infer_direction(function, index, ABI)
    assert (inferred.direction, inferred.rule, inferred.optional) == (direction, rule, optional)
    assert inferred.decided is (direction is not Direction.UNSPECIFIED)
    assert inferred.reason


def test_void_pointer_without_a_size_is_not_guessed() -> None:
    function = _f("WsGetThing", ("value", "void*"), ("count", "ULONG"))
    assert infer_direction(function, 0, ABI).rule == "undecided"


@pytest.mark.parametrize(
    ("function", "param", "direction", "rule"),
    [
        # The seed pages leave these unannotated.
        ("WsGetSecurityTokenProperty", "value", Direction.OUT, "byte-buffer"),
        ("WsRequestSecurityToken", "token", Direction.OUT, "handle-out"),
        ("WsRequestSecurityToken", "properties", Direction.IN, "counted-array"),
        ("WsCreateHeap", "heap", Direction.OUT, "handle-out"),
        ("WsCreateHeap", "properties", Direction.IN, "const-pointer"),
        ("WsGetReaderNode", "node", Direction.OUT, "pointer-out"),
        ("WsReadBytes", "bytes", Direction.OUT, "byte-buffer"),
    ],
)
def test_real_functions(function: str, param: str, direction: Direction, rule: str) -> None:
    abi = load_abi(DEFAULT_DIR)
    element = next(f for f in abi.functions if f.name == function)
    index = [p.name for p in element.params].index(param)
    inferred = infer_direction(element, index, abi)
    assert (inferred.direction, inferred.rule) == (direction, rule)


def test_read_callback_fills_its_bytes() -> None:
    abi = load_abi(DEFAULT_DIR)
    callback = next(c for c in abi.callbacks if c.name == "WS_READ_CALLBACK")
    index = [p.name for p in callback.params].index("bytes")
    assert infer_direction(callback, index, abi).direction is Direction.OUT
