"""Records (`ormlint.expr.record`): tuples with named fields that behave like the frozen dataclasses they are declared as."""

from __future__ import annotations

import pickle

import pytest

from ormlint.expr import Call, Const, Name, Other, replace_record, span_col, span_end_col, span_end_line, span_line
from ormlint.facts import AssignFact


def test_construction_defaults_and_fields() -> None:
    fact = AssignFact("db", Name("x"), None, span=(3, 0, 3, 6))
    assert (fact.target, fact.value, fact.annotation, fact.span, fact.conditional) == ("db", Name("x"), None, (3, 0, 3, 6), False)
    assert Name("a.b").span is None and Name("a.b").from_string is False
    assert Name("a.b").root == "a" and Name("a.b").last == "b"  # the class's own properties stay
    call = Call(Name("f"), kwargs=(("k", Const(1)),))
    assert call.kwarg("k") == Const(1) and call.has_kwarg("k") and not call.has_star
    with pytest.raises(TypeError):
        AssignFact("db", Name("x"))  # type: ignore[call-arg]
    with pytest.raises(AttributeError):
        fact.conditional = True  # type: ignore[misc]


def test_equality_is_by_class_and_fields() -> None:
    assert Name("x") == Name("x") and hash(Name("x")) == hash(Name("x"))
    assert Name("x") != Name("y")
    assert Other("x") != Name("x")  # same field values, different classes
    assert Name("x") != ("x", None, False)  # never equal to a plain tuple
    assert ("x", None, False) != Name("x")
    assert len({Name("x"), Name("x"), Other("x")}) == 2


def test_repr_is_the_dataclass_repr() -> None:
    assert repr(Name("x", (1, 0, 1, 4))) == "Name(dotted='x', span=(1, 0, 1, 4), from_string=False)"
    assert repr(AssignFact("db", None, None, (3, 0, 3, 6))) == "AssignFact(target='db', value=None, annotation=None, span=(3, 0, 3, 6), conditional=False)"


def test_pickle_round_trip_keeps_classes() -> None:
    value = Call(Name("f", (1, 0, 1, 1)), (Const("s"),), (("k", Other("lambda")),), span=(1, 0, 1, 9))
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(value, protocol))
        assert back == value and type(back) is Call and type(back.func) is Name


def test_replace_record() -> None:
    name = Name("x", (1, 0, 1, 1))
    moved = replace_record(name, from_string=True)
    assert moved == Name("x", (1, 0, 1, 1), True) and name.from_string is False


def test_spans_are_16_bytes_that_order_as_their_tuples() -> None:
    """A span is 16 bytes (about 700,000 distinct ones on polar: as tuples of
    four ints they were a third of the facts' memory), read with `span_line`
    and the others, ordered as the tuple (line, col, end_line, end_col)."""
    from ormlint.expr import forget_file, make_span, span_parts

    span = make_span(1, 2, 3, 4)
    assert type(span) is bytes and (span_line(span), span_col(span), span_end_line(span), span_end_col(span)) == (1, 2, 3, 4)
    assert span_parts(span) == (1, 2, 3, 4)
    assert make_span(1, 2, 3, 4) is span  # shared within a file
    huge = make_span(2**31, 2**32 - 1, 2**31 + 5, 2**32 - 1)  # each field holds 32 bits
    assert span_parts(huge) == (2**31, 2**32 - 1, 2**31 + 5, 2**32 - 1)
    positions = [(1, 0, 1, 4), (1, 5, 2, 0), (2, 0, 2, 1), (10, 3, 12, 0), (10, 4, 10, 5), (300, 0, 300, 70000)]
    spans = [make_span(*p) for p in positions]
    assert sorted(spans) == [make_span(*p) for p in sorted(positions)] and sorted(reversed(spans)) == spans
    forget_file()
