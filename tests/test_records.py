"""Records (`ormlint.expr.record`): tuples with named fields that behave like the frozen dataclasses they are declared as."""

from __future__ import annotations

import pickle

import pytest

from ormlint.expr import Call, Const, Name, Other, Span, replace_record
from ormlint.facts import ImportFact


def test_construction_defaults_and_fields() -> None:
    span = Span(1, 2, end_line=3, end_col=4)
    assert (span.line, span.col, span.end_line, span.end_col) == (1, 2, 3, 4)
    assert Name("a.b").span is None and Name("a.b").from_string is False
    assert Name("a.b").root == "a" and Name("a.b").last == "b"  # the class's own properties stay
    call = Call(Name("f"), kwargs=(("k", Const(1)),))
    assert call.kwarg("k") == Const(1) and call.has_kwarg("k") and not call.has_star
    with pytest.raises(TypeError):
        Span(1, 2, 3)  # type: ignore[call-arg]
    with pytest.raises(AttributeError):
        span.line = 5


def test_equality_is_by_class_and_fields() -> None:
    assert Name("x") == Name("x") and hash(Name("x")) == hash(Name("x"))
    assert Name("x") != Name("y")
    assert Other("x") != Name("x")  # same field values, different classes
    assert Name("x") != ("x", None, False)  # never equal to a plain tuple
    assert ("x", None, False) != Name("x")
    assert len({Name("x"), Name("x"), Other("x")}) == 2


def test_repr_is_the_dataclass_repr() -> None:
    assert repr(Span(1, 0, 1, 4)) == "Span(line=1, col=0, end_line=1, end_col=4)"
    assert repr(ImportFact("db", "app", "db", 3)) == "ImportFact(local='db', module='app', name='db', line=3, loads='')"


def test_pickle_round_trip_keeps_classes() -> None:
    value = Call(Name("f", Span(1, 0, 1, 1)), (Const("s"),), (("k", Other("lambda")),), span=Span(1, 0, 1, 9))
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(value, protocol))
        assert back == value and type(back) is Call and type(back.func) is Name


def test_replace_record() -> None:
    name = Name("x", Span(1, 0, 1, 1))
    moved = replace_record(name, from_string=True)
    assert moved == Name("x", Span(1, 0, 1, 1), True) and name.from_string is False
