"""The shortcuts of the project-wide analysis (index, usage resolver) give what the long ways give."""

from __future__ import annotations

import ast
import textwrap
from typing import Optional

from ormlint.engine import build_index
from ormlint.expr import Name
from ormlint.extract import extract_module
from ormlint.imports import _imported_modules
from ormlint.symbols import SymbolTable
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
    modules = {}
    for path, source in SOURCES.items():
        module = path[: -len(".py")].replace("/", ".").replace(".__init__", "")
        modules[module] = extract_module(ast.parse(textwrap.dedent(source)), path, module, path.endswith("__init__.py"))
    index = build_index(modules, set())
    return UsageResolver(index, index.symbols or SymbolTable(index.modules))


def _shown(inferred: Optional[Type]) -> Optional[tuple[str, str]]:
    return None if inferred is None else (inferred.kind, inferred.model.name)


def test_class_named_is_mapped_unless_shadowed() -> None:
    fast, slow = _resolver(), _resolver()
    slow_contexts = {(c.module, c.scope.name): c for c in slow.contexts()}
    checked = set()
    for ctx in fast.contexts():
        slow_ctx = slow_contexts[ctx.module, ctx.scope.name]
        for ref in ctx.scope.attributes:
            for base in (ref.base, ref.base):  # the second answer comes from the memo
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
    shared: dict[str, tuple[str, ...]] = {}
    for name in sorted(modules):
        assert _imported_modules(modules[name], modules, shared) == _imported_modules(modules[name], modules)
    assert _imported_modules(modules["app.views"], modules, shared) == {"app", "app.models"}


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
