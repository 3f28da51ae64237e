"""The shortcuts of the project-wide analysis (index, usage resolver) give what the long ways give."""

from __future__ import annotations

import ast
import textwrap
from typing import Optional

from helpers import usage_resolver
from ormlint.expr import Name
from ormlint.imports import ModuleLoads, _imported_modules
from ormlint.usage import ScopeContext, Type, UsageResolver

SOURCES = {
    "app/__init__.py": "",
    "app/models.py": '''
        from sqlalchemy import Column, ForeignKey, Integer, String
        from sqlalchemy.orm import declarative_base, relationship

        Base = declarative_base()

        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            kind = Column(String(20))
            __mapper_args__ = {"polymorphic_on": kind}

        class Admin(User):
            level = Column(Integer)

        class Post(Base):
            __tablename__ = "posts"
            id = Column(Integer, primary_key=True)
            user_id = Column(ForeignKey("users.id"))
            user = relationship(User)
    ''',
    "app/views.py": '''
        import app.models as models
        from app.models import Post, User

        def plain(session):
            return User.id, models.Post.user, Post.nothing, session.get(User, 1).kind

        def shadowed_by_param(User):
            return User.id, Post.id

        def shadowed_by_local(x):
            User = x
            Post.user = 3
            return User.id, Post.id

        def local_import(user: User):
            from app.models import Post as User
            return User.user_id, user.level, user.kind

        class Page:
            def show(self, post: Post):
                return post.user.kind, self.post.id
    ''',
}


def _resolver() -> UsageResolver:
    return usage_resolver(SOURCES)


def _shown(inferred: Optional[Type]) -> Optional[tuple[str, str]]:
    return None if inferred is None else (inferred.kind, inferred.model.name)


def test_class_named_is_mapped_unless_shadowed() -> None:
    fast, slow = _resolver(), _resolver()
    slow_contexts = {(c.module, c.scope.name): c for c in slow.contexts()}
    checked = set()
    for ctx in fast.contexts():
        slow_ctx = slow_contexts[ctx.module, ctx.scope.name]
        for ref_base, _, _, _, _, _ in ctx.scope.attributes:
            for base in (ref_base, ref_base):  # the second answer comes from the memo
                head = base.split(".", 1)[0]
                hidden = any(b[1] != "import" for b in slow_ctx.bindings_of(head)) or slow_ctx.param(head)[0]
                model = slow.mapped(slow_ctx.module, Name(base), slow_ctx)
                expected = None if hidden or model is None else model.name
                found = fast.class_named(ctx, base)
                assert (found.name if found else None) == expected, (ctx.scope.name, base)
                assert ctx.shadowed(base) == hidden
                assert _shown(fast.infer_name(ctx, base)) == _shown(slow.infer(slow_ctx, Name(base)))
                checked.add((ctx.scope.name, base, expected, hidden))
    # The fixture reaches every case: a class, a hidden class, a locally imported one, no class.
    assert ("plain", "User", "User", False) in checked
    assert ("shadowed_by_param", "User", None, True) in checked
    assert ("shadowed_by_local", "User", None, True) in checked
    assert ("shadowed_by_local", "Post", "Post", False) in checked
    assert ("local_import", "User", "Post", False) in checked
    assert ("local_import", "user", None, True) in checked
    assert _shown(fast.infer_name(next(c for c in fast.contexts() if c.scope.name == "local_import"), "user")) == ("instance", "User")


def test_remembered_family_universe_is_the_union() -> None:
    resolver = _resolver()
    user = next(c for c in resolver.index.classes if c.name == "User")
    assert user.descendants()
    first = resolver.universe(user, with_subclasses=True)
    assert first is not None and "level" in first and "kind" in first
    again = resolver.universe(user, with_subclasses=True)
    parts = [resolver.universe(c) for c in [user, *user.descendants()]]
    assert again == first == frozenset().union(*parts)  # type: ignore[arg-type]
    assert "level" not in (resolver.universe(user) or ())


def test_shared_import_memo_loads_the_same_modules() -> None:
    resolver = _resolver()
    modules = resolver.index.modules
    shared = ModuleLoads(modules)
    for name in sorted(modules):
        assert _imported_modules(modules[name], shared) == _imported_modules(modules[name], ModuleLoads(modules))
    assert _imported_modules(modules["app.views"], shared) == {"app", "app.models"}


def test_what_an_import_loads_of_the_project() -> None:
    modules = {name: None for name in ("app", "app.models", "app.models.user", "tools.cli")}
    loads = ModuleLoads(modules)  # type: ignore[arg-type]
    assert loads.of("app.models.user.User") == ("app", "app.models", "app.models.user")
    assert loads.of("app.views") == ("app",)
    assert loads.of("tools") == ()  # a namespace package: not a module of its own
    assert loads.of("tools.cli") == ("tools.cli",)
    assert loads.of("sqlalchemy.orm") == () and loads.of("application") == ()


def test_contexts_are_scope_contexts() -> None:
    assert all(isinstance(c, ScopeContext) for c in _resolver().contexts())


def test_session_functions_are_listed_once() -> None:
    from ormlint.config import Config
    from ormlint.engine import rule_settings
    from ormlint.rules import RuleContext
    from ormlint.rules.sessions import SessionResolver, _functions, is_test_path

    index = _resolver().index
    resolver = SessionResolver(RuleContext(index, rule_settings(Config()), alembic_configs=()))
    listed = _functions(resolver)
    expected = [
        (module, facts, fn)
        for module, facts in sorted(index.modules.items())
        if not is_test_path(facts.path)
        for fn in facts.sessions
        if fn.name != fn.class_name
    ]
    assert listed == expected and {fn.name for _, _, fn in listed} >= {"plain", "Page.show"}
    assert _functions(resolver) is listed


def test_check_constraints_collected_only_for_bounded_columns(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ormlint.config import Config
    from ormlint.engine import rule_settings
    from ormlint.rules import RuleContext
    from ormlint.rules import column_policies

    collected = []
    real = column_policies._check_constraints

    def counting(ctx):  # type: ignore[no-untyped-def]
        collected.append(ctx)
        return real(ctx)

    monkeypatch.setattr(column_policies, "_check_constraints", counting)
    index = _resolver().index
    rule = column_policies.UnboundedNumericColumn()
    assert list(rule.check(RuleContext(index, rule_settings(Config()), alembic_configs=()))) == []
    assert collected == []  # no column named like a bounded quantity: nothing to look up

    SOURCES["app/stock.py"] = '''
        from sqlalchemy import Column, Integer
        from app.models import Base

        class Item(Base):
            __tablename__ = "items"
            id = Column(Integer, primary_key=True)
            stock_quantity = Column(Integer)
    '''
    try:
        index = _resolver().index
    finally:
        del SOURCES["app/stock.py"]
    found = list(rule.check(RuleContext(index, rule_settings(Config()), alembic_configs=())))
    assert [d.code for d in found] == ["ORM406"] and len(collected) == 1


def _plain_walk(expr, depth=0):  # type: ignore[no-untyped-def]
    """Every sub-expression, outer first (what ORM406 used to walk)."""
    from ormlint.expr import Attr, Call, Dict, Lambda, Seq, Subscript, Union_

    if expr is None or depth > 30:
        return
    yield expr
    children = []
    if isinstance(expr, Call):
        children = [expr.func, *expr.args, *(value for _, value in expr.kwargs)]
    elif isinstance(expr, (Seq, Union_)):
        children = list(expr.items)
    elif isinstance(expr, Dict):
        children = [part for pair in expr.items for part in pair]
    elif isinstance(expr, Subscript):
        children = [expr.value, expr.index]
    elif isinstance(expr, Lambda):
        children = [expr.body]
    elif isinstance(expr, Attr):
        children = [expr.value]
    for child in children:
        yield from _plain_walk(child, depth + 1)


def test_named_calls_are_the_walked_calls() -> None:
    from ormlint.expr import Call, Const
    from ormlint.extract import extract_module as extract
    from ormlint.rules.column_policies import _named_calls

    source = textwrap.dedent('''
        import sqlalchemy as sa
        from sqlalchemy import CheckConstraint

        class T:
            __table_args__ = (CheckConstraint("a > 0"), {"x": [sa.CheckConstraint("b > 0", name="b")]})
            c = sa.Column(sa.Integer, sa.CheckConstraint(f(lambda: CheckConstraint("c"))))

        NESTED = ''' + "g(" * 40 + "CheckConstraint('deep')" + ")" * 40 + '''
        op.create_table("t", sa.Column("x", sa.Integer), sa.CheckConstraint("x < 3")[0].y)
    ''')
    facts = extract(ast.parse(source), "m.py", "m", False)
    roots = [a.value for a in facts.assignments] + list(facts.calls) + [a.value for c in facts.classes for a in c.body]
    total = 0
    for root in roots:
        found: list = []
        _named_calls(root, "CheckConstraint", found)
        expected = [e for e in _plain_walk(root) if isinstance(e, Call) and isinstance(e.func, Name) and e.func.last == "CheckConstraint"]
        assert found == expected
        total += len(found)
    assert total == 5
    # Past depth 30 neither looks.
    for levels, reached in ((29, 1), (30, 1), (31, 0)):
        nested = Call(Name("CheckConstraint"), (Const("x"),))
        for _ in range(levels):
            nested = Call(Name("g"), (nested,))
        found = []
        _named_calls(nested, "CheckConstraint", found)
        assert len(found) == reached == len([e for e in _plain_walk(nested) if isinstance(e, Call) and e.func == Name("CheckConstraint")])
