"""The contract between the generated bases and the classes completing them.

`wwsapi.bases` (generated) has a stub per function acting on a handle, with
the Python-shaped signature the doc pages give it; the classes here override
the stubs they implement. `mismatches` compares each implementation with its
stub so that a doc change (a parameter renamed, added, made optional) shows
up as a failing test instead of a method that silently no longer fits.

The rule: an implementation takes the stub's positional parameters, in order
and by name (it may give them defaults), and the stub's keyword-only
parameters as keyword-only parameters with defaults; it may add keyword-only
parameters with defaults, nothing else. Constructors stay classmethods.
Stubs a class does not override are not checked (they raise
NotImplementedError when called).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

Parameter = inspect.Parameter


@dataclass(frozen=True)
class Mismatch:
    """One way an implementation departs from the stub it completes."""

    cls: str
    method: str
    function: str
    problem: str

    def __str__(self) -> str:
        return f"{self.cls}.{self.method} ({self.function}): {self.problem}"


def _function(attribute: Any) -> Callable[..., Any] | None:
    if isinstance(attribute, (classmethod, staticmethod)):
        inner: Callable[..., Any] = attribute.__func__
        return inner
    return attribute if callable(attribute) else None


def _static(cls: type, name: str) -> Any:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


def stubs(base: type) -> Iterator[tuple[str, Any]]:
    """(name, attribute) of every stub of a generated base."""
    for name, attribute in sorted(vars(base).items()):
        function = _function(attribute)
        if function is not None and hasattr(function, "__wwsapi_function__"):
            yield name, attribute


def _params(function: Callable[..., Any]) -> list[Parameter]:
    return list(inspect.signature(function).parameters.values())[1:]  # without self / cls


def compare(stub: Callable[..., Any], implementation: Callable[..., Any]) -> list[str]:
    """What keeps `implementation` from fitting `stub` (empty when it fits)."""
    problems: list[str] = []
    expected = _params(stub)
    actual = _params(implementation)
    positional = [p for p in expected if p.kind is Parameter.POSITIONAL_OR_KEYWORD]
    keywords = {p.name: p for p in expected if p.kind is Parameter.KEYWORD_ONLY}
    given_positional = [p for p in actual if p.kind is Parameter.POSITIONAL_OR_KEYWORD]
    given = {p.name: p for p in actual}
    for index, want in enumerate(positional):
        have = given_positional[index] if index < len(given_positional) else None
        if have is None:
            problems.append(f"missing positional parameter {want.name!r}")
        elif have.name != want.name:
            problems.append(
                f"positional parameter {index + 1} is {have.name!r}, the stub has {want.name!r}"
            )
    for extra in given_positional[len(positional) :]:
        problems.append(f"positional parameter {extra.name!r} is not in the stub")
    for name in keywords:
        have = given.get(name)
        if have is None:
            problems.append(f"missing keyword parameter {name!r}")
        elif have.kind is not Parameter.KEYWORD_ONLY:
            problems.append(f"{name!r} must be keyword-only, as in the stub")
        elif have.default is Parameter.empty:
            problems.append(f"{name!r} needs a default: it is optional in the stub")
    for have in actual:
        if have.kind is Parameter.KEYWORD_ONLY and have.name not in keywords:
            if have.default is Parameter.empty:
                problems.append(f"extra keyword parameter {have.name!r} needs a default")
        elif have.kind in (
            Parameter.VAR_POSITIONAL,
            Parameter.VAR_KEYWORD,
            Parameter.POSITIONAL_ONLY,
        ):
            problems.append(f"{have.name!r} ({have.kind.description}) is not in the stub")
    return problems


def mismatches(implementation: type, base: type) -> list[Mismatch]:
    """Every way `implementation` departs from the stubs of `base` it overrides."""
    found: list[Mismatch] = []
    for name, stub in stubs(base):
        stub_function = _function(stub)
        assert stub_function is not None
        function_name: str = stub_function.__wwsapi_function__  # type: ignore[attr-defined]
        attribute = _static(implementation, name)
        function = _function(attribute)
        if function is None or hasattr(function, "__wwsapi_function__"):
            continue  # not implemented: the stub stays
        problems = compare(stub_function, function)
        if isinstance(stub, classmethod) != isinstance(attribute, classmethod):
            problems.insert(
                0,
                "the stub is a classmethod"
                if isinstance(stub, classmethod)
                else "the stub is an instance method",
            )
        found += [Mismatch(implementation.__name__, name, function_name, p) for p in problems]
    return found


def implemented(implementation: type, base: type) -> list[str]:
    """The C functions whose stubs `implementation` overrides."""
    names = []
    for name, stub in stubs(base):
        function = _function(_static(implementation, name))
        if function is not None and not hasattr(function, "__wwsapi_function__"):
            names.append(_function(stub).__wwsapi_function__)  # type: ignore[union-attr]
    return names


def check(classes: Iterable[type], bases: ModuleType) -> list[Mismatch]:
    """Compare each class with the base of the same name in `bases` (a
    generated `wwsapi.bases` module, possibly generated elsewhere)."""
    found: list[Mismatch] = []
    for cls in classes:
        base = getattr(bases, f"{_generated_base(cls).__name__}", None)
        if base is None:
            found.append(Mismatch(cls.__name__, "", "", "its generated base no longer exists"))
            continue
        found += mismatches(cls, base)
    return found


def _generated_base(cls: type) -> type:
    for klass in cls.__mro__[1:]:
        if "HANDLE" in vars(klass) and any(True for _ in stubs(klass)):
            return klass
    raise TypeError(f"{cls.__name__} completes no generated base")


def keyword_mismatches(given: Iterable[str], keywords: Iterable[str]) -> list[str]:
    """How the keywords a hand-written function takes (`given`, e.g. the keys
    of its TypedDict) differ from the generated `keywords`."""
    have, wanted = set(given), set(keywords)
    problems = [f"no keyword for {k!r} (the generated table has it)" for k in sorted(wanted - have)]
    problems += [f"keyword {k!r} is not in the generated table" for k in sorted(have - wanted)]
    return problems
