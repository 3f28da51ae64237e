"""The usage walker's fast paths make what the plain code would: records built
from their field tuples equal the constructors' records, and the names of
unpacking targets come in `ast.walk` order."""

from __future__ import annotations

import ast

from ormlint.expr import Expr, forget_file
from ormlint.usage_extract import _OPAQUE, AttributeRef, ScopeFacts, _new_record, _opaque_targets, extract_usage


def test_records_from_field_tuples_equal_constructed_ones() -> None:
    span = (1, 2, 1, 6)
    made: AttributeRef = ("user", "name", span, False, None, None)
    scope = _new_record(ScopeFacts, ("f", None, (), (), (made,), (), ()))
    assert scope == ScopeFacts("f", None, (), (), (made,), ()) and repr(scope) == repr(ScopeFacts("f", None, (), (), (made,), (), ()))


def test_opaque_targets_in_walk_order() -> None:
    tree = ast.parse("(a, [b, *c], d[e].f, (g, (h, i)))[j] = x")
    target = tree.body[0].targets[0]  # type: ignore[attr-defined]
    found: list[tuple[str, str, Expr]] = []
    _opaque_targets(target, found)
    expected = [(node.id, "other", _OPAQUE) for node in ast.walk(target) if isinstance(node, ast.Name)]
    assert found == expected and len(found) == 9


def test_attributes_and_operators_of_a_small_function() -> None:
    source = (
        "def f(session, user: 'User'):\n"
        "    x = user.name\n"
        "    a.b.c.d = 1\n"
        "    if user.deleted == None and not user.active:\n"
        "        session.query(User).filter(User.id in ids, User.x.is_(None) or User.y == 2).first().email\n"
        "    return 1 < 2 == user.age\n"
    )
    forget_file()
    scopes = extract_usage(ast.parse(source))
    forget_file()
    function = scopes[1]
    assert [(base, attr, store) for base, attr, _, store, _, _ in function.attributes][:3] == [("user", "name", False), ("a", "b", False), ("a.b", "c", False)]
    assert ("a.b.c", "d", True) in [(base, attr, store) for base, attr, _, store, _, _ in function.attributes]
    assert all(type(ref) is tuple for ref in function.attributes)  # plain tuples: they pickle fast
    assert {(o.base, o.attr, o.operator) for o in function.operators} == {
        ("user", "deleted", "=="), ("user", "active", "not"), ("User", "id", "in"), ("User", "x", "or"), ("User", "y", "==")
    }
