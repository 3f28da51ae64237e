"""ORM701-ORM706: moving to SQLAlchemy 2.0 (all opt-in).

Each rule points at a 1.x spelling that 2.0 deprecates or that type checkers
cannot read, on the expression to change. They report what the project's
own code writes; where ormlint cannot tell that a call is SQLAlchemy's (a
`.query(...)` of some other library), it stays silent.
"""

from __future__ import annotations

from typing import Iterator

from dataclasses import replace

from ormlint.diagnostics import SAFE, Diagnostic, Fix, Severity
from ormlint.expr import Call, Const, Name, Span, Subscript, make_span, span_parts
from ormlint.rules.base import Rule, RuleContext
from ormlint.rules.queries import analysis
from ormlint.rules.relationships import _relationships
from ormlint.schema import RelationshipInfo

# What `sqlalchemy.ext.declarative` re-exports from `sqlalchemy.orm` since 1.4
# (a MovedIn20Warning in 2.0); its own extensions (ConcreteBase,
# DeferredReflection...) stay there.
_MOVED_TO_ORM = frozenset({
    "declarative_base", "declared_attr", "as_declarative", "has_inherited_table", "synonym_for", "DeclarativeMeta",
})


def _own_relationships(ctx: RuleContext) -> Iterator[RelationshipInfo]:
    """Each relationship written in a class body (not the reverse a backref makes)."""
    return (rel for rel in _relationships(ctx.index) if rel.call is not None)


def _keyword(call: Call, name: str, fallback: Span) -> Span:
    return call.keyword_span(name) or fallback


class LegacyQueryGet(Rule):
    """## What it does
    Flags `Query.get(pk)`: `session.query(User).get(user_id)` and
    Flask-SQLAlchemy's `User.query.get(user_id)`, where the query is
    certainly of a mapped class.

    ## Why is this bad?
    `Query.get()` is legacy since SQLAlchemy 1.4 and warns (LegacyAPIWarning)
    in 2.0; `Session.get()` does the same identity-map lookup and is the 2.0 API.

    ## Example
    ```python
    user = session.query(User).get(user_id)
    ```

    ## Use instead
    ```python
    user = session.get(User, user_id)
    ```

    ## Fix safety
    Safe for exactly `session.query(User).get(pk)`: `Session.get()` is the same
    identity-map lookup. A chain with options or filters before `.get()`, and
    Flask-SQLAlchemy's `User.query.get(pk)` (whose session the file may not
    name), are not rewritten.
    """

    code = "ORM701"
    name = "legacy-query-get"
    severity = Severity.INFO
    summary = "`Query.get(pk)` is legacy: use `Session.get(Model, pk)`"
    default = False
    group = "ormlint.rules.queries"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for query in analysis(ctx).queries():
            fact = query.fact
            if fact.root not in ("query", "model_query") or query.model is None or "get" not in fact.methods:
                continue
            session = fact.receiver if fact.root == "query" and fact.receiver else "db.session"  # Flask-SQLAlchemy's `Model.query`
            message = f"`Query.get()` on `{query.model.name}` is legacy (LegacyAPIWarning in SQLAlchemy 2.0)."
            diagnostic = self.diagnostic(query.path, fact.span, message, f"Use `{session}.get({query.model.name}, pk)`.", whole_span=False)
            if fact.root == "query" and fact.receiver and fact.methods == ("get",):
                fix = Fix(SAFE, "session-get", span_parts(fact.span), (fact.receiver,), f"Use `{session}.get({query.model.name}, ...)`")
                diagnostic = replace(diagnostic, fix=fix)
            yield diagnostic

    VALID = [
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def cached(cache, user_id):
    return cache.query("users").get(user_id)  # not a session
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def by_key(session: Session, key):
    return session.query(User).filter_by(id=key).one_or_none()
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def load(session: Session, user_id: int):
    return session.get(User, user_id)

def first(session: Session):
    return session.query(User).first()
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Repository:
    def __init__(self, session: Session):
        self.session = session

    def find(self, user_id):
        return self.session.query(User).get(user_id)  # ORM701
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def active(session: Session, user_id):
    user = session.query(User).get(user_id)  # ORM701
    return user is not None
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def load(session: Session, user_id: int):
    return session.query(User).get(user_id)  # ORM701
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/views.py": """
from app import db

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)

def load(user_id):
    return User.query.get(user_id)  # ORM701
""",
        },
    ]
    FIXED = [
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Repository:
    def __init__(self, session: Session):
        self.session = session

    def find(self, user_id):
        return self.session.get(User, user_id)  # ORM701
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def active(session: Session, user_id):
    user = session.get(User, user_id)  # ORM701
    return user is not None
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def load(session: Session, user_id: int):
    return session.get(User, user_id)  # ORM701
""",
        None,
    ]


class LegacyQueryApi(Rule):
    """## What it does
    Flags each `session.query(Model)` chain (the legacy `Query` API), where
    the query is certainly of a mapped class.

    ## Why is this bad?
    SQLAlchemy 2.0 keeps `Query` as a legacy API: new features (and type
    checkers) target `select()` run with `session.scalars()` /
    `session.execute()`, which also work the same for Core and ORM.

    ## Example
    ```python
    users = session.query(User).filter(User.active.is_(True)).all()
    ```

    ## Use instead
    ```python
    users = session.scalars(select(User).where(User.active.is_(True))).all()
    ```
    """

    code = "ORM702"
    name = "legacy-query-api"
    severity = Severity.INFO
    summary = "a legacy `session.query(...)` chain: use `select()` with `session.scalars()`/`execute()`"
    default = False
    group = "ormlint.rules.queries"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for query in analysis(ctx).queries():
            fact = query.fact
            if fact.root != "query" or query.model is None:
                continue
            receiver = fact.receiver or "session"
            message = f"`{receiver}.query({query.model.name})` uses the legacy Query API."
            hint = f"Build `select({query.model.name})` and run it with `{receiver}.scalars(...)` (or `execute()`)."
            yield self.diagnostic(query.path, fact.span, message, hint, whole_span=False)

    VALID = [
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def count(session: Session):
    return session.execute(select(User.id)).all()
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/views.py": """
from app import db

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)

def everyone():
    return db.session.scalars(db.select(User)).all()
""",
        },
        """
from sqlalchemy import Column, Integer, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def active(session: Session):
    return session.scalars(select(User)).all()

def search(index, term):
    return index.query(term).all()  # not a session
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def newest(session: Session):
    query = session.query(User)  # ORM702
    return query.order_by(User.id.desc()).first()
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Repository:
    def __init__(self, session: Session):
        self.session = session

    def count(self):
        return self.session.query(User).count()  # ORM702
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def everyone(session: Session):
    return session.query(User).order_by(User.id).all()  # ORM702
""",
    ]


class BackrefInsteadOfBackPopulates(Rule):
    """## What it does
    Flags `relationship(..., backref=...)`, on the `backref=` keyword.

    ## Why is this bad?
    A backref creates an attribute on the other class at mapper configuration:
    it appears in no class body, so readers and type checkers cannot see it,
    and its options live far from the class they shape. SQLAlchemy 2.0's
    documentation recommends two explicit relationships linked with
    `back_populates`.

    ## Example
    ```python
    class User(Base):
        posts = relationship("Post", backref="author")
    ```

    ## Use instead
    ```python
    class User(Base):
        posts: Mapped[list["Post"]] = relationship(back_populates="author")

    class Post(Base):
        author: Mapped["User"] = relationship(back_populates="posts")
    ```
    """

    code = "ORM703"
    name = "backref-instead-of-back-populates"
    severity = Severity.INFO
    summary = "`backref=` creates an attribute no class body shows: use `back_populates` on both sides"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for rel in _own_relationships(ctx):
            assert rel.call is not None
            if not rel.call.has_kwarg("backref"):
                continue
            target = rel.target.name if rel.target is not None else (rel.target_text or "the target")
            made = f"`{target}.{rel.backref}`" if rel.backref else "the reverse attribute"
            message = f"`{rel.label}` creates {made} with `backref=`: no class body shows it."
            hint = (f"Declare {made} on `{target}` as a relationship and link the two with "
                    f"`back_populates` (`back_populates=\"{rel.backref or '...'}\"` here).")
            yield self.diagnostic(rel.path, _keyword(rel.call, "backref", rel.span), message, hint, whole_span=False)

    VALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"), index=True)
    author = relationship("User")
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def backref_name(rel):
    return rel.backref  # an attribute named backref, no relationship
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", back_populates="author")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"), index=True)
    author = relationship("User", back_populates="posts")
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"), index=True)
    author = relationship(
        "User",
        backref=backref("posts", order_by="Post.id"),  # ORM703
    )
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Team(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    members = db.relationship("Member", backref="team")  # ORM703

class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    team_id = db.Column(db.Integer, db.ForeignKey("team.id"), index=True)
""",
        },
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", backref="author")  # ORM703

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"), index=True)
    editor_id = Column(ForeignKey("users.id"), index=True)
    editor = relationship("User", foreign_keys=[editor_id],
                          backref=backref("edited", lazy="select"))  # ORM703
""",
    ]


class DynamicRelationship(Rule):
    """## What it does
    Flags `lazy="dynamic"` on a relationship (or in its `backref()`), and
    `DynamicMapped[...]` annotations.

    ## Why is this bad?
    The dynamic loader returns a legacy `Query`; SQLAlchemy 2.0 marks it
    legacy and offers the write-only collection instead, which works with
    `select()` and with asyncio (where a dynamic relationship cannot load).

    ## Example
    ```python
    posts = relationship("Post", lazy="dynamic")
    ```

    ## Use instead
    ```python
    posts: WriteOnlyMapped["Post"] = relationship()
    # session.scalars(user.posts.select().where(...))
    ```
    """

    code = "ORM704"
    name = "dynamic-relationship"
    severity = Severity.INFO
    summary = "`lazy=\"dynamic\"` / `DynamicMapped` is legacy: use `WriteOnlyMapped`"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for rel in _own_relationships(ctx):
            assert rel.call is not None
            for call in (rel.call, rel.backref_call):
                lazy = call.kwarg("lazy") if call is not None else None
                if call is not None and isinstance(lazy, Const) and lazy.value == "dynamic":
                    which = f"`{rel.label}`" if call is rel.call else f"the backref of `{rel.label}`"
                    message = f"{which} loads with `lazy=\"dynamic\"`, a legacy Query."
                    yield self.diagnostic(rel.path, _keyword(call, "lazy", rel.span), message,
                                          "Declare it `WriteOnlyMapped[...]` (`lazy=\"write_only\"`) and query it with `.select()`.",
                                          whole_span=False)
        for module, facts in sorted(ctx.index.modules.items()):
            if facts.is_migration:
                continue
            for cls in facts.classes:
                for assign in cls.body:
                    head = assign.annotation.value if isinstance(assign.annotation, Subscript) else None
                    if isinstance(head, Name) and head.last == "DynamicMapped" and assign.annotation is not None:
                        span = assign.annotation.span or assign.span
                        message = f"`{cls.name}.{assign.target}` is `DynamicMapped`, a legacy Query."
                        yield self.diagnostic(facts.path, span, message, "Declare it `WriteOnlyMapped[...]` and query it with `.select()`.",
                                              whole_span=False)

    VALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id"), index=True)

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", lazy="selectin")
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id"), index=True)

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", lazy="write_only")
""",
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, WriteOnlyMapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    posts: WriteOnlyMapped["Post"] = relationship()

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id"), index=True)

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", lazy="dynamic")  # ORM704
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id"), index=True)

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", backref=backref("user", lazy="dynamic"))  # ORM704
""",
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, DynamicMapped, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    posts: DynamicMapped["Post"] = relationship()  # ORM704
    drafts = relationship("Post", lazy="dynamic", viewonly=True)  # ORM704

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
""",
    ]


class DeclarativeBaseFromExt(Rule):
    """## What it does
    Flags `from sqlalchemy.ext.declarative import declarative_base` (and the
    other names that moved with it: `declared_attr`, `as_declarative`,
    `has_inherited_table`, `synonym_for`, `DeclarativeMeta`).

    ## Why is this bad?
    They moved to `sqlalchemy.orm` in 1.4; the old location is kept only for
    compatibility and warns in 2.0 (MovedIn20Warning).

    ## Example
    ```python
    from sqlalchemy.ext.declarative import declarative_base
    ```

    ## Use instead
    ```python
    from sqlalchemy.orm import declarative_base
    ```

    ## Fix safety
    Safe: `sqlalchemy.orm` holds the same objects (the old module re-exports
    them). Only an import of moved names alone is rewritten; one that also
    takes `ConcreteBase` or `DeferredReflection`, which stay, is left to you.
    """

    code = "ORM705"
    name = "declarative-base-from-ext"
    severity = Severity.INFO
    summary = "`declarative_base` imported from `sqlalchemy.ext.declarative` (moved to `sqlalchemy.orm`)"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for module, facts in sorted(ctx.index.modules.items()):
            for _, source, name, line, _ in facts.imports:
                if source == "sqlalchemy.ext.declarative" and name in _MOVED_TO_ORM:
                    message = f"`{name}` is imported from `sqlalchemy.ext.declarative`, where it only stays for compatibility."
                    diagnostic = self.diagnostic(facts.path, make_span(line, 0, line, 0), message,
                                                 f"Import it from `sqlalchemy.orm`: `from sqlalchemy.orm import {name}`.", whole_span=False)
                    fix = Fix(SAFE, "import-from-orm", (line, 0, line, 0), tuple(sorted(_MOVED_TO_ORM)), "Import from `sqlalchemy.orm`")
                    yield replace(diagnostic, fix=fix)

    VALID = [
        """
from sqlalchemy.orm import DeclarativeBase, declared_attr

class Base(DeclarativeBase):
    pass
""",
        """
import sqlalchemy.ext.declarative

from sqlalchemy.ext.declarative import ConcreteBase, AbstractConcreteBase
""",
        """
from sqlalchemy.ext.declarative import DeferredReflection
from sqlalchemy.orm import declarative_base

Base = declarative_base()
""",
    ]
    INVALID = [
        """
from sqlalchemy.ext.declarative import as_declarative  # ORM705

@as_declarative()
class Base:
    pass
""",
        """
try:
    from sqlalchemy.orm import declarative_base
except ImportError:
    from sqlalchemy.ext.declarative import declarative_base  # ORM705

Base = declarative_base()
""",
        """
from sqlalchemy.ext.declarative import declarative_base, declared_attr  # ORM705

Base = declarative_base()
""",
    ]


    FIXED = [
        """
from sqlalchemy.orm import as_declarative  # ORM705

@as_declarative()
class Base:
    pass
""",
        """
try:
    from sqlalchemy.orm import declarative_base
except ImportError:
    from sqlalchemy.orm import declarative_base  # ORM705

Base = declarative_base()
""",
        """
from sqlalchemy.orm import declarative_base, declared_attr  # ORM705

Base = declarative_base()
""",
    ]


class ClassicColumnInDeclarativeBase(Rule):
    """## What it does
    Flags a classic `Column()` attribute in a model of a SQLAlchemy 2.0
    `DeclarativeBase` (also one it gets from a mixin).

    ## Why is this bad?
    SQLAlchemy maps it, but type checkers see `User.name` as a `Column`, not a
    `str`: the point of the 2.0 declarative style (`Mapped[...]` with
    `mapped_column()`) is lost for that attribute, and nullability is not
    checked against the annotation.

    ## Example
    ```python
    class User(Base):  # Base is a DeclarativeBase
        name = Column(String(50), nullable=False)
    ```

    ## Use instead
    ```python
    class User(Base):
        name: Mapped[str] = mapped_column(String(50))
    ```
    """

    code = "ORM706"
    name = "classic-column-in-declarative-base"
    severity = Severity.INFO
    summary = "classic `Column()` attribute in a `DeclarativeBase` model: use `Mapped[...] = mapped_column(...)`"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for mapped in ctx.index.classes:
            if not mapped.is_declarative_2:
                continue
            for key, column in mapped.columns.items():
                if column.factory != "Column":
                    continue
                message = f"`{mapped.name}.{key}` is a classic `Column()` in a `DeclarativeBase` model: type checkers see a `Column`, not its value."
                yield self.line_diagnostic(column.path, column.span, message,
                                           f"Declare it `{key}: Mapped[...] = mapped_column(...)` with the same arguments.")

    VALID = [
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nickname: Mapped[str | None] = mapped_column(String(30))
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Event(Base):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
""",
        """
from sqlalchemy import Column, Integer, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, declarative_base, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))

tags = Table("tags", Base.metadata, Column("id", Integer, primary_key=True))

Legacy = declarative_base()

class Old(Legacy):
    __tablename__ = "old"
    id = Column(Integer, primary_key=True)
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class TimestampMixin:
    created = Column(Integer, nullable=False)  # ORM706

class User(TimestampMixin, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)  # ORM706
    email: Mapped[str] = mapped_column(String(100))
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name = Column(String(50), nullable=False)  # ORM706
""",
    ]
