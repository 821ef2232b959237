"""The rules that derive a friendly wrapper from the merged model
(generator.render.friendly), on small hand-made models."""

from __future__ import annotations

import pytest

from generator import names
from generator.abimodel import AggregateKind, CType
from generator.apimodel import (
    Aggregate,
    ApiModel,
    Area,
    Callback,
    Doc,
    Enumeration,
    Function,
    Handle,
    Parameter,
    ReturnCode,
)
from generator.diagnostics import DiagnosticError
from generator.docmodel import Direction
from generator.render.friendly import (
    Friendly,
    Role,
    Shape,
    Unfriendly,
    check_module_name,
    derive,
    error_index,
    has_error_objects,
)
from generator.render.types import TypeMap

IN, OUT, INOUT, UNSPECIFIED = Direction.IN, Direction.OUT, Direction.INOUT, Direction.UNSPECIFIED
DOC = Doc(url="u")
MODEL = ApiModel(
    handles=(Handle("WS_HEAP", "WS_HEAP", "heap", DOC), Handle("WS_ERROR", "WS_ERROR", "e", DOC)),
    aggregates=(
        Aggregate("WS_THING", "WS_THING", "a", AggregateKind.STRUCT, (), DOC),
        Aggregate("WS_ASYNC_CONTEXT", "WS_ASYNC_CONTEXT", "a", AggregateKind.STRUCT, (), DOC),
    ),
    enums=(Enumeration("WS_KIND", "WS_KIND", "a", (), False, DOC),),
    callbacks=(Callback("WS_DONE", "WS_DONE", "a", CType("void"), (), "stdcall", DOC),),
)
TYPES = TypeMap(MODEL)


def param(
    name: str,
    ctype: str,
    direction: Direction = IN,
    optional: bool = False,
    *,
    count_of: str | None = None,
    rule: str = "",
) -> Parameter:
    return Parameter(
        name, names.py_name(name), CType.parse(ctype), direction, optional,
        f"What {name} is.", rule, count_of,
    )  # fmt: skip


ERROR = param("error", "WS_ERROR*", IN, True)
SUCCESS_CODES = {"S_OK": 0, "S_FALSE": 1, "WS_S_ASYNC": 0x003D0000, "WS_S_END": 0x003D0001}


def function(
    *params: Parameter, returns: str = "HRESULT", codes: tuple[str, ...] = (), page: bool = False
) -> Function:
    return_codes = tuple(
        ReturnCode(c, f"When {c}.", SUCCESS_CODES.get(c, 0x80070057)) for c in codes
    )
    doc = Doc(url="u", source="pages/nf-webservices-wsdo.md" if page else "")
    return Function(
        "WsDo", "WsDo", "a", CType.parse(returns), params, "stdcall", "webservices.dll", doc,
        return_codes, None,
    )  # fmt: skip


def friendly(*params: Parameter, **kw: object) -> Friendly:
    derived = derive(function(*params, **kw), TYPES)  # type: ignore[arg-type]
    assert isinstance(derived, Friendly), derived
    return derived


def reasons(*params: Parameter) -> str:
    derived = derive(function(*params), TYPES)
    assert isinstance(derived, Unfriendly)
    return " | ".join(derived.reasons)


def roles(d: Friendly) -> dict[str, tuple[Role, Shape | None]]:
    return {s.param.name: (s.role, s.shape) for s in d.slots}


def test_a_creator_returns_its_handle_and_takes_its_properties_as_one_sequence() -> None:
    d = friendly(
        param("maxSize", "SIZE_T"),
        param("properties", "const WS_THING*", IN, True),
        param("propertyCount", "ULONG", count_of="properties"),
        param("heap", "WS_HEAP**", OUT),
        ERROR,
    )
    assert roles(d) == {
        "maxSize": (Role.ARG, None),
        "properties": (Role.ARRAY, Shape.STRUCTS),
        "propertyCount": (Role.COUNT, None),
        "heap": (Role.OUT, Shape.OBJECT),
        "error": (Role.ERROR, None),
    }
    assert [(s.param.name, s.keyword) for s in d.python_params()] == [
        ("maxSize", False),
        ("properties", True),
    ]
    assert not d.returns_code


def test_optional_parameters_come_last_as_keywords_whatever_their_c_position() -> None:
    d = friendly(
        param("writer", "WS_HEAP*"),
        param("prefix", "const WS_THING*", IN, True),
        param("localName", "const WS_THING*"),
        ERROR,
    )
    assert [(s.param.name, s.keyword) for s in d.python_params()] == [
        ("writer", False),
        ("localName", False),
        ("prefix", True),
    ]


@pytest.mark.parametrize(
    ("ctype", "shape"),
    [
        ("BOOL*", Shape.BOOL),
        ("ULONG*", Shape.VALUE),
        ("WS_KIND*", Shape.VALUE),
        ("WS_THING*", Shape.OBJECT),
        ("FILETIME*", Shape.OBJECT),
        ("const WS_THING**", Shape.OBJECT),
        ("WCHAR**", Shape.OBJECT),
        ("char**", Shape.VALUE),
        ("void**", Shape.VALUE),
    ],
)
def test_what_an_out_parameter_returns(ctype: str, shape: Shape) -> None:
    d = friendly(param("heap", "WS_HEAP*"), param("result", ctype, OUT), ERROR)
    assert roles(d)["result"] == (Role.OUT, shape)


@pytest.mark.parametrize(
    ("element", "count", "shape"),
    [
        ("const WCHAR*", "charCount", Shape.TEXT),
        ("const BYTE*", "byteCount", Shape.BYTE_ARRAY),
        ("const char*", "byteCount", Shape.BYTES),
        ("const void*", "byteCount", Shape.BYTES),
        ("const WS_THING**", "thingCount", Shape.POINTERS),
        ("const ULONG*", "idCount", Shape.NUMBERS),
    ],
)
def test_what_an_array_takes(element: str, count: str, shape: Shape) -> None:
    d = friendly(param("items", element), param(count, "ULONG", count_of="items"), ERROR)
    assert roles(d)["items"] == (Role.ARRAY, shape)
    assert roles(d)[count] == (Role.COUNT, None)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        (
            (param("value", "void*", OUT), param("valueSize", "ULONG")),
            "value (void*): a buffer whose type depends on the other arguments",
        ),
        (
            (param("value", "const void*"), param("valueSize", "ULONG")),
            "value (const void*): what it points at depends on the other arguments",
        ),
        ((param("pos", "WS_THING*", UNSPECIFIED),), "pos (WS_THING*): neither a page nor"),
        ((param("pos", "WS_THING*", INOUT),), "pos (WS_THING*): an [in, out] parameter"),
        (
            (param("chars", "WCHAR*", OUT), param("maxCharCount", "ULONG")),
            "chars (WCHAR*): a text or byte buffer the caller sizes",
        ),
        (
            (param("items", "WS_THING*", OUT), param("itemCount", "ULONG", count_of="items")),
            "items (WS_THING*): an [out] array the caller sizes",
        ),
        (
            (param("args", "const void**", OUT, rule="pointer-out"),),
            "args (const void**): [out] is only inferred",
        ),
        (
            (param("items", "const void*"), param("itemCount", "ULONG", count_of="items")),
            "items (const void*): a void* array counted in itemCount",
        ),
    ],
)
def test_what_the_specs_leave_undecided_needs_hand_written_code(
    params: tuple[Parameter, ...], reason: str
) -> None:
    assert reason in reasons(param("heap", "WS_HEAP*"), *params, ERROR)


def test_every_undecided_parameter_is_named() -> None:
    found = reasons(
        param("value", "void*", OUT),
        param("valueSize", "ULONG"),
        param("pos", "WS_THING*", UNSPECIFIED),
    )
    assert "value (void*)" in found and "pos (WS_THING*)" in found


def test_a_callback_state_is_passed_as_given() -> None:
    d = friendly(
        param("callback", "WS_DONE", IN, True), param("callbackState", "void*", IN, True), ERROR
    )
    assert roles(d)["callback"] == (Role.OPTIONAL, None)
    assert roles(d)["callbackState"] == (Role.OPTIONAL, None)


def test_an_async_context_is_dropped_when_out_values_are_returned() -> None:
    context = param("asyncContext", "const WS_ASYNC_CONTEXT*", IN, True)
    with_out = friendly(param("heap", "WS_HEAP**", OUT), context, ERROR)
    assert roles(with_out)["asyncContext"] == (Role.SYNC, None)
    assert with_out.async_param is None and not with_out.returns_code
    without = friendly(param("heap", "WS_HEAP*"), context, ERROR)
    assert roles(without)["asyncContext"] == (Role.OPTIONAL, None)
    assert without.async_param == "asyncContext" and without.returns_code


def test_the_hresult_is_returned_unless_the_page_lists_s_ok_as_the_only_success() -> None:
    heap = param("heap", "WS_HEAP*")
    assert friendly(heap, ERROR, codes=("S_OK", "WS_S_END")).returns_code
    assert not friendly(heap, ERROR, codes=("S_OK", "E_INVALIDARG"), page=True).returns_code
    # without a page, or a page without a table of codes, S_FALSE may be the answer
    assert friendly(heap, ERROR, codes=("S_OK", "E_INVALIDARG")).returns_code
    assert friendly(heap, ERROR, page=True).returns_code
    # out values are returned instead
    assert not friendly(heap, param("n", "ULONG*", OUT), ERROR).returns_code


def test_out_values_give_way_to_another_success_code_the_page_lists() -> None:
    """WsFindAttribute's S_FALSE (not found) leaves its index unset: the
    wrapper returns None then, not a meaningless value."""
    outs = (param("reader", "WS_HEAP*"), param("index", "ULONG*", OUT), ERROR)
    found = friendly(*outs, codes=("S_OK", "S_FALSE", "E_INVALIDARG"), page=True)
    assert [c.code for c in found.empty_on] == ["S_FALSE"] and not found.returns_code
    assert not friendly(*outs, codes=("S_OK", "E_INVALIDARG"), page=True).empty_on
    # with out values the call runs synchronously: WS_S_ASYNC cannot come
    context = param("asyncContext", "const WS_ASYNC_CONTEXT*", IN, True)
    synchronous = friendly(*outs[:2], context, ERROR, codes=("S_OK", "WS_S_ASYNC"), page=True)
    assert not synchronous.empty_on
    # without out values the code itself is the answer
    plain = friendly(param("reader", "WS_HEAP*"), ERROR, codes=("S_OK", "S_FALSE"), page=True)
    assert plain.returns_code and not plain.empty_on


def test_an_out_pointer_into_a_copied_text_argument_is_not_wrapped() -> None:
    """The wrapper turns a str into a temporary WCHAR array: an out pointer
    into it would dangle once the wrapper returns."""
    derived = derive(
        function(
            param("chars", "const WCHAR*"),
            param("charCount", "ULONG", count_of="chars"),
            param("trimmedChars", "USHORT**", OUT),  # WCHAR** as the SDK metadata spells it
            param("trimmedCount", "ULONG*", OUT),
            ERROR,
        ),
        TYPES,
    )
    assert isinstance(derived, Unfriendly)
    assert derived.reasons == (
        "trimmedChars (USHORT**): points into a text or byte argument, which the "
        "wrapper passes as a temporary copy",
    )
    # a pointer out of another element type is no such pointer
    assert isinstance(
        derive(
            function(
                param("chars", "const WCHAR*"),
                param("charCount", "ULONG", count_of="chars"),
                param("thing", "const WS_THING**", OUT),
                ERROR,
            ),
            TYPES,
        ),
        Friendly,
    )


def test_the_error_parameter_is_the_last_optional_ws_error() -> None:
    assert error_index(function(param("heap", "WS_HEAP*"), ERROR)) == 1
    # the error object a function works on is an ordinary parameter
    assert error_index(function(param("error", "WS_ERROR*"))) is None
    assert error_index(function(ERROR, param("heap", "WS_HEAP*"))) is None
    assert error_index(function(param("heap", "WS_HEAP*"), ERROR, returns="void")) is None
    assert roles(friendly(param("error", "WS_ERROR*")))["error"] == (Role.ARG, None)


def test_other_return_types_with_out_values_are_not_covered() -> None:
    derived = derive(function(param("x", "ULONG*", OUT), returns="ULONG"), TYPES)
    assert isinstance(derived, Unfriendly) and "returns ULONG" in derived.reasons[0]
    assert isinstance(derive(function(param("heap", "WS_HEAP*"), returns="void"), TYPES), Friendly)


def test_error_objects_need_the_three_error_functions() -> None:
    assert not has_error_objects(MODEL)
    functions = tuple(
        Function(n, n, "e", CType("HRESULT"), (), "stdcall", "webservices.dll", DOC)
        for n in ("WsCreateError", "WsResetError", "WsFreeError")
    )
    assert has_error_objects(ApiModel(handles=MODEL.handles, functions=functions))
    assert not has_error_objects(ApiModel(functions=functions))


def test_an_area_named_friendly_is_an_error() -> None:
    model = ApiModel(areas=(Area("friendly", "friendly", "Friendly", source="areas/f.md"),))
    with pytest.raises(DiagnosticError) as raised:
        check_module_name(model)
    assert str(raised.value).startswith("areas/f.md: error: area 'Friendly' gives module")
