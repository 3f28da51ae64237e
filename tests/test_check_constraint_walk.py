"""The CheckConstraint walk over many roots finds what walking each root finds."""

from __future__ import annotations

import ast
import textwrap

from ormlint.expr import Call, Const, Name
from ormlint.extract import extract_module
from ormlint.rules.column_policies import _named_calls, _named_calls_in


def test_walk_of_roots_is_the_walks_of_each_root() -> None:
    source = textwrap.dedent('''
        import sqlalchemy as sa
        from sqlalchemy import CheckConstraint

        class T:
            __table_args__ = (CheckConstraint("a > 0"), {"x": [sa.CheckConstraint("b > 0", name="b")]}, {**extra})
            c = sa.Column(sa.Integer, sa.CheckConstraint(f(lambda: CheckConstraint("c"))), x[CheckConstraint("d")])

        ALIAS = NotCheckConstraint("e")
        op.create_table("t", sa.Column("x", sa.Integer), sa.CheckConstraint("x < 3")[0].y)
    ''')
    facts = extract_module(ast.parse(source), "m.py", "m", False)
    roots = [a.value for a in facts.assignments] + list(facts.calls) + [a.value for c in facts.classes for a in c.body]
    roots.insert(1, None)
    one_by_one: list[Call] = []
    for root in roots:
        _named_calls(root, "CheckConstraint", one_by_one)
    together: list[Call] = []
    _named_calls_in(roots, "CheckConstraint", together)
    assert together == one_by_one
    texts = {call.args[0].value for call in together if isinstance(call.args[0], Const)}
    assert {"a > 0", "b > 0", "c", "d", "x < 3"} <= texts and "e" not in texts
    # The depth limit counts from each root.
    deep = Call(Name("CheckConstraint"), (Const("x"),))
    for _ in range(30):
        deep = Call(Name("g"), (deep,))
    found: list[Call] = []
    _named_calls_in([deep, Call(Name("g"), (deep,))], "CheckConstraint", found)
    assert len(found) == 1
