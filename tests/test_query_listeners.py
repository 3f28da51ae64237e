"""Which functions a module registers as `do_orm_execute` listeners (ORM302/ORM303
leave alone the tables whose columns those listeners read)."""

from __future__ import annotations

import ast
import textwrap

from ormlint.extract import extract_module


def _listeners(source: str) -> tuple[str, ...]:
    text = textwrap.dedent(source)
    return extract_module(ast.parse(text), "m.py", "m", False, text).query_listeners


def test_a_decorated_listener_even_nested() -> None:
    assert _listeners("""
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        def register():
            @event.listens_for(Session, "do_orm_execute")
            def _scope(state):
                pass
    """) == ("_scope",)


def test_a_listener_passed_by_name_or_otherwise() -> None:
    assert _listeners("""
        from sqlalchemy import event
        event.listen(factory, "do_orm_execute", scope_to_tenant)
        event.listen(factory, "do_orm_execute", lambda state: None)
    """) == ("scope_to_tenant", "")


def test_other_events_and_mentions_are_not_listeners() -> None:
    assert _listeners("""
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        @event.listens_for(Session, "before_flush")
        def fill(session, context, instances):
            pass

        NOTE = "do_orm_execute rewrites queries"
    """) == ()
