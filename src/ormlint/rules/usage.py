"""ORM201-ORM206: code that uses the models (repositories, services, views)."""

from __future__ import annotations

from typing import Iterator, Optional

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import Call, Const, Dict, Expr, Name, Other, Seq
from ormlint.rules.base import Rule, RuleContext, suggestion
from ormlint.schema import ColumnInfo, MappedClass
from ormlint.symbols import sqlalchemy_name
from ormlint.test_paths import is_test_path
from ormlint.usage import ScopeContext, UsageResolver


def _resolver(ctx: RuleContext) -> UsageResolver:
    if ctx.usage is None:
        from ormlint.symbols import SymbolTable

        ctx.usage = UsageResolver(ctx.index, ctx.index.symbols or SymbolTable(ctx.index.modules))
    return ctx.usage


def _named_attributes(scope: ScopeContext, builtin: str, arity: int) -> Iterator[tuple[str, str]]:
    """(base, attr) of each `builtin(base, "attr", ...)` call of the scope with
    `arity` arguments, the base a name and the attribute a literal:
    `hasattr(user, "x")`, `setattr(user, "x", value)`."""
    for call in scope.scope.calls:
        if isinstance(call.func, Name) and call.func.dotted == builtin and len(call.args) == arity:
            base, named = call.args[0], call.args[1]
            if isinstance(base, Name) and isinstance(named, Const) and isinstance(named.value, str):
                yield base.dotted, named.value


def _probed(scope: ScopeContext) -> frozenset[tuple[str, str]]:
    """(base, attr) of each `hasattr(base, "attr")` in the scope: code that asks
    whether an attribute exists knows it may not (a column a later release adds,
    a model of an optional plugin), and reads it only when it does."""
    return frozenset(_named_attributes(scope, "hasattr", 2))


def _unknown_attribute(resolver: UsageResolver, model: MappedClass, attr: str, instance: bool = False) -> Optional[str]:
    """A hint when `attr` is certainly not an attribute of `model`, else None."""
    if resolver.has_attribute(model, attr, with_subclasses=instance) is not False:
        return None
    universe = resolver.universe(model, with_subclasses=instance) or frozenset()
    candidates = [n for n in universe if not n.startswith("_")]
    return suggestion(attr, candidates).strip()


class UnknownClassAttribute(Rule):
    """## What it does
    Flags an attribute of a mapped class that the class does not have:
    `User.name` when the column is `username`, also `getattr(User, "name")`.
    Columns, relationships, backrefs declared on other classes, synonyms,
    hybrid and column properties, methods, class attributes (also those a
    class method sets, `cls.current = column_property(...)` in
    `__declare_last__`, and those set on the declarative base after it is
    made, `Base.query = session.query_property()`, also in a function such
    as an application's `init_db()`), inherited and mixin
    attributes, and what SQLAlchemy, Flask-SQLAlchemy and SQLModel add all
    count. Classes with an unresolvable base, `__getattr__` or dynamic
    `setattr` are never flagged, nor an attribute the same function checks
    with `hasattr(User, "name")` (a column a later release adds).

    ## Why is this bad?
    Python raises AttributeError only when that line runs: often a rarely used
    search or report path, in production. Type checkers miss it for classic
    declarative and Flask-SQLAlchemy models.

    ## Example
    ```python
    users = User.query.filter(User.name.ilike(pattern)).all()  # the column is `username`
    ```

    ## Use instead
    ```python
    users = User.query.filter(User.username.ilike(pattern)).all()
    ```
    """

    code = "ORM201"
    name = "unknown-class-attribute"
    severity = Severity.ERROR
    summary = "unknown attribute on a mapped class"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver(ctx)
        for scope in resolver.contexts():
            # The resolver's memo, asked here first: most bases recur in a scope.
            class_named = scope.class_named_memo()
            probed = _probed(scope)
            for base, attr, span, store, _, _ in scope.scope.attributes:
                if store or not base or (base, attr) in probed:
                    continue
                model = class_named[base] if base in class_named else resolver.class_named(scope, base)
                if model is None:
                    continue
                hint = _unknown_attribute(resolver, model, attr)
                if hint is not None:
                    yield self.diagnostic(scope.facts.path, span, f"`{model.name}` has no attribute `{attr}`.",
                                          hint or f"Use an attribute `{model.name}` defines ({model.path}).")
            for call in scope.scope.calls:
                if isinstance(call.func, Name) and call.func.dotted == "getattr" and len(call.args) >= 2:
                    model = resolver.mapped(scope.module, call.args[0], scope)
                    named = call.args[1]
                    if model is None or not isinstance(named, Const) or not isinstance(named.value, str) or len(call.args) > 2:
                        continue
                    if isinstance(call.args[0], Name) and (call.args[0].dotted, named.value) in probed:
                        continue
                    hint = _unknown_attribute(resolver, model, named.value)
                    if hint is not None and named.span is not None:
                        yield self.diagnostic(scope.facts.path, named.span, f"`{model.name}` has no attribute `{named.value}`.",
                                              hint or f"Use an attribute `{model.name}` defines.")

    VALID = [
        {
            "app/db.py": """
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import declarative_base, scoped_session, sessionmaker

Base = declarative_base()
session = None

def init(url):
    # mindsdb: under `global`, the module's Base gets the attribute.
    global Base, session
    session = scoped_session(sessionmaker(bind=create_engine(url)))
    Base.query = session.query_property()

class Project(Base):
    __tablename__ = "project"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
""",
            "app/views.py": """
from app import db

def get_project(name):
    return db.Project.query.filter_by(name=name).first()
""",
        },
        {
            "app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import as_declarative, scoped_session, sessionmaker

db_session = scoped_session(sessionmaker())

@as_declarative()
class Base:
    id = Column(Integer, primary_key=True)

def init_db():
    # timesketch: the application attaches these when it starts.
    Base.query = db_session.query_property()
    Base.session = db_session

class Author(Base):
    __tablename__ = "author"
    name = Column(String(50))
""",
            "app/views.py": """
from app.models import Author

def find(name):
    return Author.query.filter_by(name=name).first()

def load(pk):
    return Author.session.get(Author, pk)
""",
        },
        {
            "app/db.py": """
from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base, scoped_session, sessionmaker

session = scoped_session(sessionmaker(bind=create_engine("sqlite://")))
Base = declarative_base()
# Dallinger: every model gets `Model.query`.
Base.query = session.query_property()
""",
            "app/models.py": """
from sqlalchemy import Column, Integer, String

from app.db import Base

class User(Base):
    __tablename__ = "user"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), index=True)

def by_name(name):
    return User.query.filter_by(name=name).all()
""",
        },
        """
from sqlalchemy import Column, Integer, select
from sqlalchemy.orm import column_property, declarative_base

Base = declarative_base()

class Versioned:
    @classmethod
    def __declare_last__(cls):
        # SQLAlchemy's versioned_rows example: set on each mapped subclass.
        cls.double_id = column_property(cls.id * 2)

class Doc(Versioned, Base):
    __tablename__ = "doc"
    id = Column(Integer, primary_key=True)

def doubled(session):
    return session.execute(select(Doc.double_id)).all()
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80))

    def display(self):
        return self.username
""",
            "app/repo.py": """
from app.models import User

def search(pattern):
    return User.query.filter(User.username.ilike(pattern)).order_by(User.id).all()

def table_name():
    return User.__tablename__, User.query, User.display, getattr(User, "username")
""",
        },
        """
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.ext.hybrid import hybrid_property

class Base(DeclarativeBase):
    pass

class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    first: Mapped[str]
    last: Mapped[str]

    @hybrid_property
    def full_name(self):
        return self.first + " " + self.last

class Entry(Base):
    __tablename__ = "entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    account: Mapped[Account] = relationship(backref="entries")

stmt = select(Account).where(Account.full_name == "x", Account.entries.any())
""",
        """
from sqlalchemy import Column, Integer
from some_library import Magic

class Strange(Magic):
    __tablename__ = "strange"
    id = Column(Integer, primary_key=True)

print(Strange.anything)
""",
        """
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Workflow(Base):
    __tablename__ = "workflows"
    id = Column(Integer, primary_key=True)
    profile_id = Column(String(36))

def using(session, profile_id):
    ids = list(session.scalars(select(Workflow.id).where(Workflow.profile_id == profile_id)))
    # skyvern: the column ships in a later release; only query it once it exists.
    if hasattr(Workflow, "seed_profile_id"):
        ids += session.scalars(select(Workflow.id).where(Workflow.seed_profile_id == profile_id))
    return ids
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Workflow(Base):
    __tablename__ = "workflows"
    id = Column(Integer, primary_key=True)
    profile_id = Column(String(36))

def using(session, profile_id):
    # The check is of another attribute than the one read.
    if hasattr(Workflow, "seed_profile_id"):
        return session.scalars(select(Workflow.id).where(Workflow.seed_profile == profile_id))  # ORM201
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String(80))

def decorate(User):
    # A parameter named like the model: not the model.
    User.nickname = "x"

def show():
    return User.nickname  # ORM201
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80))
""",
            "app/repositories/user_repository.py": """
from app.models import User

def search(pattern):
    return User.query.filter(User.name.ilike(pattern)).all()  # ORM201
""",
        },
        """
from sqlalchemy import desc, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class AAAchievement(Base):
    __tablename__ = "aa_achievements"
    id: Mapped[int] = mapped_column(primary_key=True)
    awarded_at: Mapped[int]

stmt = select(AAAchievement).order_by(desc(AAAchievement.earned_at))  # ORM201
""",
        """
from sqlmodel import Field, SQLModel

class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str

def sort_key():
    return getattr(Hero, "nmae")  # ORM201
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from flask_login import UserMixin
from app import db

class User(db.Model, UserMixin):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(200))
""",
            "app/auth.py": """
from app.models import User

def find(name):
    return User.query.filter(User.usernmae == name, User.is_active).first()  # ORM201
""",
        },
    ]


def _shadowed(scope: ScopeContext, base: str) -> bool:
    """A local variable or parameter named like the class hides it (a local
    `from ... import` of the class does not)."""
    return scope.shadowed(base)


def _constructor_allows(resolver: UsageResolver, model: MappedClass) -> Optional[frozenset[str]]:
    """Keyword names the class constructor accepts; None when any may be."""
    if model.constructors is None:
        return None
    extra: set[str] = set()
    for init in model.constructors:
        if init.has_var_kwargs and not init.forwards_kwargs:
            return None
        if not init.has_var_kwargs:
            return frozenset(init.params) | extra
        # A pass-through `__init__(**kwargs)`: the next one (or the default constructor) decides.
        extra.update(init.params)
    universe = resolver.universe(model)
    return None if universe is None else universe | extra


class UnknownConstructorKeyword(Rule):
    """## What it does
    Flags a keyword argument of a mapped class constructor that names no
    attribute of the class: `AAAchievement(points=10)` when the model has no
    `points`. Classes whose constructor is an `__init__` of the project (their
    own, or one a mixin or base defines) are checked against its parameters
    (and never when it takes `**kwargs` it does not just pass on).

    ## Why is this bad?
    SQLAlchemy's default constructor raises TypeError ("'points' is an invalid
    keyword argument"); SQLModel table models silently drop the value. Either
    way the data never reaches the database.

    ## Example
    ```python
    AAAchievement(achievement_type=kind, title=title, points=10)
    ```

    ## Use instead
    Pass only attributes the model defines, or add the column to the model
    (and a migration).
    """

    code = "ORM202"
    name = "unknown-constructor-keyword"
    severity = Severity.ERROR
    summary = "unknown keyword argument in a mapped class constructor"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver(ctx)
        for scope in resolver.contexts():
            for call in scope.scope.calls:
                if not isinstance(call.func, Name) or not call.kwargs or _shadowed(scope, call.func.dotted):
                    continue
                model = resolver.mapped(scope.module, call.func, scope)
                if model is None:
                    continue
                allowed = _constructor_allows(resolver, model)
                if allowed is None:
                    continue
                for (key, value), span in zip(call.kwargs, call.keyword_spans):
                    if key in allowed:
                        continue
                    hint = suggestion(key, [n for n in allowed if not n.startswith("_")]).strip()
                    yield self.diagnostic(scope.facts.path, span, f"`{model.name}` has no attribute `{key}` to set in its constructor.",
                                          hint or f"Pass only attributes `{model.name}` defines, or add a `{key}` column.")

    VALID = [
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Badge(Base):
    __tablename__ = "badges"
    id = Column(Integer, primary_key=True)
    badge_name = Column(String(50))

badge = Badge(badge_name="gold")
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Point(Base):
    __tablename__ = "points"
    id: Mapped[int] = mapped_column(primary_key=True)
    x: Mapped[int]

    def __init__(self, **kwargs):
        super().__init__(**{k: v for k, v in kwargs.items() if k != "legacy"})

p = Point(x=1, legacy=True)
""",
        """
from sqlmodel import Field, Relationship, SQLModel

class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    heroes: list["Hero"] = Relationship(back_populates="team")

class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    team: Team | None = Relationship(back_populates="heroes")

hero = Hero(team=Team(name="x"))
""",
        # The `__init__` of a mixin is the constructor: it takes `legacy`.
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class NamedMixin:
    def __init__(self, name, legacy=False):
        self.name = name.upper() if legacy else name

class Tag(NamedMixin, Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]

tag = Tag(name="x", legacy=True)
""",
        # The declarative base comes first in the MRO: its constructor runs, not
        # the mixin's `__init__`, and it takes any mapped attribute (gnocchi).
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Sized:
    def __init__(self, name, size):
        self.name = name
        self.size = size

class Box(Base, Sized):
    __tablename__ = "boxes"
    name = Column(String(50), primary_key=True)
    size = Column(Integer)
    label = Column(String(50))

box = Box(name="a", size=1, label="x")
""",
    ]
    INVALID = [
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models/health.py": """
from datetime import datetime
from app import db

class AAAchievement(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    badge_id = db.Column(db.String(50))
    badge_name = db.Column(db.String(100))
    badge_description = db.Column(db.Text)
    awarded_at = db.Column(db.DateTime, default=datetime.utcnow)
""",
            "app/repositories/therapeutic_repository.py": """
from app.models.health import AAAchievement

def award(kind, title, description):
    return AAAchievement(
        achievement_type=kind,  # ORM202
        badge_name=title,
        badge_description=description,
        points=10,  # ORM202
    )
""",
        },
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]

note = Note(text="hello")  # ORM202
""",
        """
from sqlmodel import Field, SQLModel

class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str

hero = Hero(nmae="Deadpond")  # ORM202
""",
        # The mixin comes first in the MRO: its `__init__` is the constructor.
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Sized:
    def __init__(self, name, size):
        self.name = name
        self.size = size

class Box(Sized, Base):
    __tablename__ = "boxes"
    name = Column(String(50), primary_key=True)
    size = Column(Integer)
    label = Column(String(50))

box = Box(name="a", size=1, label="x")  # ORM202
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Pages(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    route = db.Column(db.String(128))

    def __init__(self, *args, **kwargs):
        super(Pages, self).__init__(**kwargs)
""",
            "app/views.py": """
def create():
    from app.models import Pages
    return Pages(rotue="index")  # ORM202
""",
        },
    ]


def _filter_by_model(resolver: UsageResolver, scope: ScopeContext, call: Call) -> Optional[MappedClass]:
    func = call.func
    from ormlint.expr import Attr

    if isinstance(func, Attr):
        base = resolver.infer(scope, func.value)
    elif isinstance(func, Name) and "." in func.dotted:
        base = resolver.infer(scope, Name(func.dotted.rsplit(".", 1)[0]))
    else:
        return None
    if base is not None and base.kind in ("query", "select"):
        return base.model
    return None


def _statement_model(resolver: UsageResolver, scope: ScopeContext, expr: Expr, functions: frozenset[str]) -> Optional[MappedClass]:
    """`insert(User)` / `update(User)`: the model of a DML statement."""
    if isinstance(expr, Call) and isinstance(expr.func, Name) and len(expr.args) == 1:
        if sqlalchemy_name(resolver.symbols.resolve_expr(scope.module, expr.func)) in functions:
            return resolver.mapped(scope.module, expr.args[0], scope)
    from ormlint.expr import Attr

    if isinstance(expr, Call) and isinstance(expr.func, Attr) and expr.func.attr in ("where", "filter", "returning", "execution_options"):
        return _statement_model(resolver, scope, expr.func.value, functions)
    return None


def _column_keys(model: MappedClass) -> set[str]:
    names: set[str] = set()
    for key, column in model.all_columns().items():
        names.add(key)
        if column.name:
            names.add(column.name)
    return names


class UnknownColumnKeyword(Rule):
    """## What it does
    Flags a column name that the model does not have, used as a keyword in
    `filter_by()`, `insert(M).values()`, `update(M).values()`, or as a string
    key in `query(M).update({...})` and `bulk_insert_mappings(M, [...])`.

    ## Why is this bad?
    SQLAlchemy raises InvalidRequestError ("Entity namespace for 'users' has no
    property 'name'") or CompileError ("Unconsumed column names") only when
    the query runs.

    ## Example
    ```python
    session.query(User).filter_by(name=name).first()  # the column is `username`
    ```

    ## Use instead
    ```python
    session.query(User).filter_by(username=name).first()
    ```
    """

    code = "ORM203"
    name = "unknown-column-keyword"
    severity = Severity.ERROR
    summary = "unknown column name in filter_by(), values(), update() or bulk mappings"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver(ctx)
        for scope in resolver.contexts():
            for call in scope.scope.calls:
                method = _method_name(call)
                if method == "filter_by" and call.kwargs:
                    model = _filter_by_model(resolver, scope, call)
                    if model is not None:
                        yield from self._keywords(resolver, scope, model, call, attributes=True)
                elif method == "values" and call.kwargs:
                    from ormlint.expr import Attr

                    receiver = call.func.value if isinstance(call.func, Attr) else None
                    model = _statement_model(resolver, scope, receiver, frozenset({"insert", "update"})) if receiver is not None else None
                    if model is not None:
                        yield from self._keywords(resolver, scope, model, call, attributes=False)
                elif method == "update" and call.args and isinstance(call.args[0], Dict):
                    model = _filter_by_model(resolver, scope, call)
                    if model is not None:
                        yield from self._dict_keys(resolver, scope, model, call.args[0])
                elif method in ("bulk_insert_mappings", "bulk_update_mappings") and len(call.args) >= 2:
                    model = resolver.mapped(scope.module, call.args[0], scope)
                    mappings = call.args[1]
                    if model is not None and isinstance(mappings, Seq):
                        for item in mappings.items:
                            if isinstance(item, Dict):
                                yield from self._dict_keys(resolver, scope, model, item)

    def _keywords(self, resolver: UsageResolver, scope: ScopeContext, model: MappedClass, call: Call, attributes: bool) -> Iterator[Diagnostic]:
        universe = resolver.universe(model)
        if universe is None:
            return
        allowed = set(universe) if attributes else _column_keys(model) | set(universe)
        for (key, _), span in zip(call.kwargs, call.keyword_spans):
            if key not in allowed:
                hint = suggestion(key, _column_keys(model)).strip()
                yield self.diagnostic(scope.facts.path, span, f"`{model.name}` has no column `{key}`.", hint or f"Use a column of `{model.name}`.")

    def _dict_keys(self, resolver: UsageResolver, scope: ScopeContext, model: MappedClass, mapping: Dict) -> Iterator[Diagnostic]:
        universe = resolver.universe(model)
        if universe is None or mapping.has_unpack:
            return
        allowed = _column_keys(model) | set(universe)
        for key, _ in mapping.items:
            if isinstance(key, Const) and isinstance(key.value, str) and key.value not in allowed and key.span is not None:
                hint = suggestion(key.value, _column_keys(model)).strip()
                yield self.diagnostic(scope.facts.path, key.span, f"`{model.name}` has no column `{key.value}`.", hint or f"Use a column of `{model.name}`.")

    VALID = [
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String(80))

def find(session: Session, name):
    return session.query(User).filter_by(username=name).first()
""",
        """
from sqlalchemy import insert, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Pet(Base):
    __tablename__ = "pets"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[str] = mapped_column("ownerId")

stmt = insert(Pet).values(owner_id="a")
stmt2 = update(Pet).where(Pet.id == 1).values(ownerId="b")
stmt3 = select(Pet).filter_by(owner_id="a")
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(20))

class Page(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    tag_id = db.Column(db.Integer, db.ForeignKey("tag.id"))

def rename():
    Tag.query.filter_by(label="a").update({"label": "b"})
    return Page.query.join(Tag).filter_by(label="b").all()
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String(80))

def find(session: Session, name):
    return session.query(User).filter_by(name=name).first()  # ORM203
""",
        """
from sqlalchemy import insert
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Pet(Base):
    __tablename__ = "pets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]

stmt = insert(Pet).values(nmae="Rex")  # ORM203
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(20))

def rename():
    Tag.query.filter_by(label="a").update({"title": "b"})  # ORM203
""",
        },
    ]


def _method_name(call: Call) -> Optional[str]:
    from ormlint.expr import Attr

    if isinstance(call.func, Attr):
        return call.func.attr
    if isinstance(call.func, Name) and "." in call.func.dotted:
        return call.func.last
    return None


class UnknownInstanceAttribute(Rule):
    """## What it does
    Flags an attribute read on an instance of a mapped class when the
    instance's type is certain: a parameter annotated `user: User` (also
    `Annotated[User, Depends(...)]`, or a module's alias of it bound once and
    unconditionally: `CurrentUser = Annotated[User, Depends(current_user)]`,
    FastAPI's way of naming a dependency; not when the `Depends(fn)` it names
    is annotated to return something else), the result of a project function
    whose return annotation says so (`def get_user(...) -> Optional[User]`,
    defined once, undecorated or only cached), the result of a method the
    mapped class itself defines once and annotates (`User.by_email(...) ->
    Optional["User"]` as a classmethod or staticmethod, `order.buyer() ->
    Customer` on an instance, `-> Self`) or of a property's getter (`@property
    def owner(self) -> "User"`), the result
    of `session.get(User, id)`, `User.query.get()/first()/one()`,
    `session.scalars(select(User)).first()`, a loop over `query(User).all()`,
    a constructor call, or a relationship attribute of such an instance. An
    attribute the same function checks with `hasattr(user, "name")` is not
    flagged. `x.get(User, key)` counts as `Session.get` only when `x` is a
    session by its name (`session`, `db`, `self.session`) or its annotation:
    `cache.get(User, None)` may be a dict's, `manager.get(User, filters)` a
    project method's.

    ## Why is this bad?
    AttributeError at run time, typically in a view or a serializer that the
    tests do not reach.

    ## Example
    ```python
    def show(user: User):
        return user.name  # the column is `username`
    ```

    ## Use instead
    ```python
        return user.username
    ```
    """

    code = "ORM204"
    name = "unknown-instance-attribute"
    severity = Severity.ERROR
    summary = "unknown attribute on an instance of a mapped class"
    # Much the most costly rule (it infers the type of every attribute's base):
    # with `--jobs`, it may run beside the other usage rules instead of after them.
    group = "usage-instances"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver(ctx)
        stored = _stored_attributes(resolver)
        nothing_stored: frozenset[str] = frozenset()
        for scope in resolver.contexts():
            if not scope.scope.attributes:
                continue
            # Per base name: the mapped class it is an instance of, else None. Both
            # answers below are remembered per scope by the resolver, so asking once
            # per base (in the same order) gives what asking per reference gives.
            instance_of: dict[str, Optional[MappedClass]] = {}
            typed_heads = scope.local_names().typed_heads
            probed = _probed(scope)
            for base, attr, span, store, _, base_expr in scope.scope.attributes:
                if store or base == "self" or (base, attr) in probed:
                    continue
                if base_expr is not None:
                    inferred = resolver.infer(scope, base_expr)
                    model = inferred.model if inferred is not None and inferred.kind == "instance" else None
                elif base in instance_of:
                    model = instance_of[base]
                elif base.partition(".")[0] not in typed_heads:  # `scope.may_be_instance`, inline
                    model = instance_of[base] = None
                elif resolver.class_named(scope, base) is not None:
                    model = instance_of[base] = None  # a class, ORM201's business
                else:
                    inferred = resolver.infer_name(scope, base)
                    model = inferred.model if inferred is not None and inferred.kind == "instance" else None
                    instance_of[base] = model
                if model is None:
                    continue
                if attr in stored.get(id(model), nothing_stored):
                    continue
                hint = _unknown_attribute(resolver, model, attr, instance=True)
                if hint is not None:
                    subject = f"`{base}` is" if base else "This value is"
                    if not hint and base and "." not in base and attr.isupper():
                        # `status.HTTP_404_NOT_FOUND` on a row named `status`: a
                        # constant of the module or class the variable hides.
                        hint = (f"`{attr}` reads like a constant of a module or class named `{base}`, which this "
                                f"variable hides: rename the variable.")
                    yield self.diagnostic(scope.facts.path, span, f"{subject} a `{model.name}`, which has no attribute `{attr}`.",
                                          hint or f"Use an attribute `{model.name}` defines.")

    VALID = [
        """
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class CustomDomain(Base):
    __tablename__ = "custom_domain"
    id = sa.Column(sa.Integer, primary_key=True)
    domain = sa.Column(sa.String(128))

def create(**kwargs):
    # simple-login: a string first, then declared as the new row.
    domain = kwargs.get("domain")
    kwargs["domain"] = domain.replace("\\n", "")
    domain: CustomDomain = CustomDomain(**kwargs)
    return domain
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String(80))

def show(session: Session, user_id: int):
    user = session.get(User, user_id)
    return user.username, user.id
""",
        """
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)
    children: Mapped[list["Child"]] = relationship(back_populates="parent")

class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
    parent: Mapped[Parent] = relationship(back_populates="children")

def names(session: Session):
    for parent in session.scalars(select(Parent)).all():
        for child in parent.children:
            child.nickname = "x"
            yield child.parent_id, child.nickname
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def show(user: "User", other):
    user = other
    return user.anything
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def label(user: User):
    if not hasattr(user, "display_name"):  # added by a plugin, when installed
        return str(user.id)
    return user.display_name
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Team(Base):
    __tablename__ = "teams"
    id = Column(Integer, primary_key=True)

class Response:
    def __init__(self, status, data):
        self.status, self.data = status, data

class Manager:
    # autogen: a project class's own `get(model, filters)`, not Session.get.
    def __init__(self, engine):
        self.engine = engine

    def get(self, model, filters):
        with Session(self.engine) as session:
            return Response(True, session.query(model).filter_by(**filters).all())

    def teams(self):
        response = self.get(Team, {"name": "x"})
        return response.data if response.status else []

def count(manager: Manager, cache: dict):
    found = manager.get(Team, {"name": "x"})
    cached = cache.get(Team, None)  # a dict keyed by class
    return len(found.data), cached.data
""",
        """
import os
from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class UserOut(BaseModel):
    id: int
    display_name: str

def current_user() -> User: ...

def current_profile() -> UserOut: ...

# Which alias a route sees depends on the environment, or on the last binding:
# what the parameter holds is not certain.
if os.environ.get("AUTH") != "off":
    Requester = Annotated[User, Depends(current_user)]
else:
    Requester = Annotated[UserOut, Depends(current_profile)]
Viewer = Annotated[UserOut, Depends(current_profile)]
Viewer = Annotated[User, Depends(current_user)]
Profile = Annotated[UserOut, Depends(current_profile)]  # not a mapped class

def show(requester: Requester, viewer: Viewer, profile: Profile):
    return requester.display_name, viewer.display_name, profile.display_name
""",
        """
import sys
from functools import wraps
from typing import Optional, overload

from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Source(Base):
    __tablename__ = "sources"
    id = Column(Integer, primary_key=True)

def as_dict(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs).__dict__
    return wrapper

@as_dict  # the decorator decides what a call returns
def load(source_id: int) -> Source: ...

@overload
def find(key: int) -> Source: ...
@overload
def find(key: str) -> Optional[dict]: ...
def find(key): ...

if sys.version_info >= (3, 11):
    def newest() -> dict: ...
else:
    def newest() -> Source: ...

try:
    from fastlookup import lookup
except ImportError:
    def lookup(key: str) -> Source: ...

def fetch(source_id: int) -> Source: ...

def show(source_id: int, fetch=None):
    loaded = load(source_id)
    found = find("name")
    fetched = fetch(source_id)  # the parameter, not the module's function
    return loaded.items(), found.keys(), fetched.title, newest().keys(), lookup("x").hits
""",
    ]
    INVALID = [
        """
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class CustomDomain(Base):
    __tablename__ = "custom_domain"
    id = sa.Column(sa.Integer, primary_key=True)
    domain = sa.Column(sa.String(128))

def create(session, key):
    # Declared first: the declared type holds for every value after.
    domain: CustomDomain = None
    domain = session.get(CustomDomain, key)
    return domain.name  # ORM204
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

def label(user: User, other):
    if hasattr(other, "display_name"):
        return user.display_name  # ORM204
    return str(user.id)
""",
        """
from typing import Optional

from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Team(Base):
    __tablename__ = "teams"
    id = Column(Integer, primary_key=True)

def find(db: Optional[Session], team_id: int):
    return db.get(Team, team_id).data  # ORM204

class TeamService:
    def __init__(self, session: Session):
        self.session = session

    def find(self, team_id: int):
        team = self.session.get(Team, team_id)
        return team.status  # ORM204
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String(80))

def show(user: User):
    return user.name  # ORM204
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80))
""",
            "app/views.py": """
from app.models import Post

def titles():
    return [post.titel for post in Post.query.all()]  # ORM204

def one(post_id):
    post = Post.query.get(post_id)
    return post.body  # ORM204
""",
        },
        """
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)
    children: Mapped[list["Child"]] = relationship(back_populates="parent")

class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
    parent: Mapped[Parent] = relationship(back_populates="children")

def first_child(session: Session):
    parent = session.scalars(select(Parent)).first()
    return parent.children[0].name  # ORM204
""",
        {
            "app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200))
""",
            "app/deps.py": """
from typing import Annotated, Optional

from fastapi import Depends

from app.models import User

def get_current_user() -> User: ...

CurrentUser = Annotated[User, Depends(get_current_user)]
MaybeUser = Optional[CurrentUser]
""",
            "app/routes.py": """
from typing import Annotated

from fastapi import Depends

from app.deps import CurrentUser, MaybeUser, get_current_user
from app.models import User

def me(current_user: CurrentUser):
    return current_user.emial  # ORM204

def maybe(user: MaybeUser):
    return user.name  # ORM204

def inline(user: Annotated[User, Depends(get_current_user)]):
    return user.username  # ORM204
""",
        },
        {
            "app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Source(Base):
    __tablename__ = "sources"
    id = Column(Integer, primary_key=True)
    name = Column(String(80))
""",
            "app/service.py": """
from functools import lru_cache
from typing import Optional

from app.models import Source

def get(*, db_session, source_id: int) -> Optional[Source]:
    return db_session.get(Source, source_id)

def get_all(*, db_session) -> list[Source]:
    return db_session.query(Source).all()

@lru_cache(maxsize=None)
def default_source() -> Source: ...
""",
            "app/views.py": """
from fastapi import HTTPException

from app import service
from app.service import get

def show(db_session, source_id: int):
    # dispatch: the local `status` hides the module it meant; in this branch it is None.
    status = get(db_session=db_session, source_id=source_id)
    if not status:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)  # ORM204
    return status

def names(db_session):
    return [source.title for source in service.get_all(db_session=db_session)]  # ORM204

def default_name():
    return service.default_source().label  # ORM204
""",
        },
    ]


def _stored_attributes(resolver: UsageResolver) -> dict[int, set[str]]:
    """Attributes code sets on instances (`user.score = 3`, `setattr(user,
    "score", 3)`): they exist afterwards."""
    stored: dict[int, set[str]] = {}
    for scope in resolver.contexts():
        for base, attr, _, store, _, _ in scope.scope.attributes:
            if not store or base == "self" or not base or not scope.may_be_instance(base):
                continue
            inferred = resolver.infer_name(scope, base)
            if inferred is not None and inferred.kind == "instance":
                stored.setdefault(id(inferred.model), set()).add(attr)
        for target, attr in _named_attributes(scope, "setattr", 3):
            if scope.may_be_instance(target):
                inferred = resolver.infer_name(scope, target)
                if inferred is not None and inferred.kind == "instance":
                    stored.setdefault(id(inferred.model), set()).add(attr)
    return stored


_CONTAINER_ANNOTATIONS = {
    "dict": "dict", "Dict": "dict", "Mapping": "dict", "MutableMapping": "dict",
    "list": "list", "List": "list", "Sequence": "list", "set": "set", "Set": "set", "tuple": "tuple", "Tuple": "tuple",
}
# Families a Python container cannot be stored in without serialising it first.
_SCALAR_FAMILIES = frozenset({"string", "integer", "float", "numeric", "boolean", "datetime", "date", "time", "uuid"})


def _value_kind(scope: ScopeContext, value: Expr) -> Optional[str]:
    """dict / list / set / tuple / str / int / float / bool, when certain."""
    if isinstance(value, Dict):
        return "dict"
    if isinstance(value, Seq):
        return value.kind
    if isinstance(value, Other) and value.kind in ("list", "set", "dict", "str"):
        return value.kind
    if isinstance(value, Const):
        if isinstance(value.value, bool):
            return "bool"
        for kind in (str, int, float):
            if isinstance(value.value, kind):
                return kind.__name__
        return None
    if isinstance(value, Name) and "." not in value.dotted:
        if scope.bindings_of(value.dotted):
            return None
        is_param, annotation = scope.param(value.dotted)
        if is_param and annotation is not None:
            head = annotation.value if hasattr(annotation, "index") and hasattr(annotation, "value") else annotation
            if isinstance(head, Name):
                return _CONTAINER_ANNOTATIONS.get(head.last)
    return None


def _misfit(kind: Optional[str], column: ColumnInfo, value: Expr) -> bool:
    family = column.type.family
    if kind is None or family is None or column.type.decorated:
        return False  # a TypeDecorator converts what it is given
    if kind in ("dict", "list", "set", "tuple"):
        return family in _SCALAR_FAMILIES
    if kind == "str" and isinstance(value, Const) and isinstance(value.value, str):
        if family == "integer":
            return not value.value.strip().lstrip("-").isdigit()
        return family == "boolean"
    return False


class ValueDoesNotFitColumn(Rule):
    """## What it does
    Flags a value whose kind cannot fit the column it is stored in: a dict,
    list or set (a literal, or a parameter annotated `Dict`/`List`) passed to a
    `Text`/`String`/`Integer`/`DateTime` column, a non-numeric string to an
    `Integer` column, a string to a `Boolean` column; in constructor keywords,
    attribute assignments on instances of known type, and `values()`.
    JSON, ARRAY, PickleType and project TypeDecorators (which convert what
    they are given in `process_bind_param`, say a list into a comma-separated
    string) accept anything.
    Constructor keywords are checked only when the default constructor sets
    them: an `__init__` of the class, a mixin or a base may convert its
    arguments (`active="true"` to `True`) before they reach the column.
    Test code is left alone: its objects are often a mock's return value that
    never reaches a session (OpenHands' fixtures).

    ## Why is this bad?
    The driver refuses the value at flush ("can't adapt type 'dict'"), or worse,
    stores its `str()` and the data can no longer be read back as structure.

    ## Example
    ```python
    def save(emotions: Dict, urges: Dict):
        return DBTDiaryCard(emotions=emotions, urges=urges)  # both columns are Text
    ```

    ## Use instead
    Serialise explicitly (`json.dumps(urges)`), or declare the column `JSON`.
    """

    code = "ORM205"
    name = "value-does-not-fit-column"
    severity = Severity.WARNING
    summary = "a value's type cannot fit the column it is stored in"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver(ctx)
        for scope in resolver.contexts():
            if is_test_path(scope.facts.path):
                continue  # a test's objects are often a mock's return value, never flushed
            for call in scope.scope.calls:
                if isinstance(call.func, Name) and call.kwargs and not _shadowed(scope, call.func.dotted):
                    model = resolver.mapped(scope.module, call.func, scope)
                    # An `__init__` of the project's own may convert what it is given
                    # (even one that passes **kwargs on can fix attributes afterwards).
                    if model is not None and model.constructors == ():
                        yield from self._pairs(scope, model, zip(call.kwargs, call.keyword_spans))
            for base, attr, span, store, value, _ in scope.scope.attributes:
                if not store or value is None or not base or base == "self" or not scope.may_be_instance(base):
                    continue
                inferred = resolver.infer_name(scope, base)
                if inferred is not None and inferred.kind == "instance":
                    yield from self._pairs(scope, inferred.model, [((attr, value), span)])

    def _pairs(self, scope: ScopeContext, model: MappedClass, pairs) -> Iterator[Diagnostic]:  # type: ignore[no-untyped-def]
        columns = model.all_columns()
        for (key, value), span in pairs:
            column = columns.get(key)
            if column is None:
                continue
            kind = _value_kind(scope, value)
            if _misfit(kind, column, value):
                message = f"`{model.name}.{key}` is {column.type.display} ({column.type.family}) but receives a {kind}."
                hint = "Serialise the value (json.dumps) or declare the column JSON." if kind in ("dict", "list", "set", "tuple") else f"Pass a value of the column's type ({column.type.family})."
                yield self.diagnostic(scope.facts.path, span, message, hint)

    VALID = [
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

Base = declarative_base()

class CommaSeparatedList(TypeDecorator):
    impl = String(4096)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return ",".join(sorted(set(value)))

    def process_result_value(self, value, dialect):
        return value.split(",") if value else []

class Alias(Base):
    __tablename__ = "aliases"
    id = Column(Integer, primary_key=True)
    destination = Column(CommaSeparatedList, nullable=False, default=list)

def forward(email: str):
    # Mailu: the type takes a list.
    alias = Alias(destination=[email])
    alias.destination = [email, "archive@example.org"]
    return alias
""",
        """
from typing import Dict
from sqlalchemy import JSON, Column, Integer, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class DiaryCard(Base):
    __tablename__ = "diary_cards"
    id = Column(Integer, primary_key=True)
    emotions = Column(JSON)
    note = Column(Text)

def save(emotions: Dict, note: str):
    return DiaryCard(emotions=emotions, note=note)
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Counter(Base):
    __tablename__ = "counters"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int]
    tags: Mapped[dict] = mapped_column()

c = Counter(value="42", tags={"a": 1})
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Setting(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    enabled = db.Column(db.Boolean)
    payload = db.Column(db.PickleType)

def store(setting: Setting):
    setting.payload = [1, 2]
    setting.enabled = True
""",
        },
        # privacyidea's Policy: its own `__init__` turns "true" into True.
        """
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Policy(Base):
    __tablename__ = "policy"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __init__(self, name, active=True):
        if isinstance(active, str):
            active = active.lower() == "true"
        self.name, self.active = name, active

p = Policy("p1", active="true")
""",
        # The same conversion in a mixin's `__init__`.
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class FlagMixin:
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if isinstance(self.active, str):
            self.active = self.active.lower() == "true"

class Feature(FlagMixin, Base):
    __tablename__ = "features"
    id: Mapped[int] = mapped_column(primary_key=True)
    active: Mapped[bool]

f = Feature(active="true")
""",
        {
            "app/__init__.py": "",
            "app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Conversation(Base):
    __tablename__ = "conversations"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, nullable=False)
""",
            "tests/conftest.py": """
from app.models import Conversation

def conversation():
    # OpenHands: a fixture a mock returns; it never reaches a session.
    return Conversation(id=1, user_id="user-123")
""",
        },
    ]
    INVALID = [
        {
            "app/__init__.py": "",
            "app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Conversation(Base):
    __tablename__ = "conversations"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, nullable=False)
""",
            "app/fixtures.py": """
from app.models import Conversation

def conversation():
    # Application code: the object may well be added and flushed.
    return Conversation(id=1, user_id="user-123")  # ORM205
""",
        },
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models/health.py": """
from app import db

class DBTDiaryCard(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    triggers = db.Column(db.Text)
    urges = db.Column(db.Text)
    skills_used = db.Column(db.Text)
""",
            "app/repositories/therapeutic_repository.py": """
from typing import Dict, List
from app.models.health import DBTDiaryCard

def create_card(emotions: Dict, urges: Dict, skills_used: List[str], triggers: str):
    return DBTDiaryCard(
        triggers=triggers,
        urges=urges,  # ORM205
        skills_used=skills_used,  # ORM205
    )
""",
        },
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Counter(Base):
    __tablename__ = "counters"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int]
    active: Mapped[bool]

c = Counter(value="many", active="yes")  # ORM205
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Profile(Base):
    __tablename__ = "profiles"
    id = Column(Integer, primary_key=True)
    interests = Column(String(200))

def update(session: Session, profile_id: int):
    profile = session.get(Profile, profile_id)
    profile.interests = ["chess", "go"]  # ORM205
""",
    ]


# Names SQLAlchemy puts in the namespace of relationship() strings (besides
# classes, tables and modules): anything lower-case is left alone as well.
_SQLALCHEMY_STRING_NAMES = frozenset({
    "Integer", "String", "Text", "Boolean", "DateTime", "Date", "Numeric", "Float", "True", "False", "None",
})


class UnknownNameInRelationshipString(Rule):
    """## What it does
    Parses the Python expressions SQLAlchemy evaluates inside `relationship()`
    string arguments (`order_by=`, `primaryjoin=`, `secondaryjoin=`,
    `foreign_keys=`, `remote_side=`, `secondary=`) and checks every `Class.attr`
    and bare class name in them against the mapped classes of the registry.

    ## Why is this bad?
    The strings are evaluated at mapper configuration: a renamed column or a
    misspelt class fails the first query of the application with
    InvalidRequestError, and no type checker looks inside strings.

    ## Example
    ```python
    posts = relationship("Post", order_by="Post.created")  # the column is `created_at`
    ```

    ## Use instead
    ```python
    posts = relationship("Post", order_by="Post.created_at")
    ```
    """

    code = "ORM206"
    name = "unknown-name-in-relationship-string"
    severity = Severity.ERROR
    summary = "a relationship() string expression names an unknown class or attribute"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver(ctx)
        for mapped in ctx.index.classes:
            for rel in mapped.relationships.values():
                if rel.from_backref is not None or rel.call is None:
                    continue
                for key, value in rel.call.kwargs:
                    if not isinstance(value, Const) or value.parsed is None:
                        continue
                    for problem in self._problems(ctx, resolver, rel.owner, rel.module, key, value.parsed):
                        yield self.line_diagnostic(rel.path, rel.span, f"`{rel.label}` {key}=: {problem[0]}", problem[1])

    def _problems(self, ctx: RuleContext, resolver: UsageResolver, owner: MappedClass, module: str, key: str, expr: Expr) -> Iterator[tuple[str, str]]:
        for name in _names_in(expr):
            parts = name.split(".")
            head = parts[0]
            if not head[:1].isupper() or head in _SQLALCHEMY_STRING_NAMES:
                continue  # functions (and_, foreign, desc), tables and modules
            candidates = ctx.index.classes_named(owner.registry, head, near=module)
            if not candidates:
                if head in ctx.index.project_names or any(t.name == head for t in ctx.index.tables):
                    continue
                yield (f"`{head}` is not a mapped class.", "Name a mapped class of the same declarative base.")
                continue
            if len(candidates) > 1 or len(parts) < 2:
                continue
            target = candidates[0]
            attr = parts[1]
            hint = _unknown_attribute(resolver, target, attr)
            if hint is not None:
                yield (f"`{target.name}` has no attribute `{attr}`.", hint or f"Use an attribute of `{target.name}`.")

    VALID = [
        """
from sqlalchemy import Column, DateTime, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", order_by="desc(Post.created_at)", primaryjoin="and_(User.id == foreign(Post.author_id))")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer)
    created_at = Column(DateTime)
""",
        """
from sqlalchemy import Column, ForeignKey, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

links = Table("links", Base.metadata, Column("a_id", ForeignKey("a.id")), Column("b_id", ForeignKey("b.id")))

class A(Base):
    __tablename__ = "a"
    id: Mapped[int] = mapped_column(primary_key=True)
    bs: Mapped[list["B"]] = relationship(secondary="links", order_by="B.id")

class B(Base):
    __tablename__ = "b"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Forum(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    topics = db.relationship("Topic", order_by="Topic.last_updated.desc()")

class Topic(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    forum_id = db.Column(db.Integer, db.ForeignKey("forum.id"))
    last_updated = db.Column(db.DateTime)
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import Column, DateTime, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", order_by="Post.created")  # ORM206

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))
    created_at = Column(DateTime)
""",
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class A(Base):
    __tablename__ = "a"
    id: Mapped[int] = mapped_column(primary_key=True)
    bs: Mapped[list["B"]] = relationship(primaryjoin="A.id == Bee.a_id")  # ORM206

class B(Base):
    __tablename__ = "b"
    id: Mapped[int] = mapped_column(primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("a.id"))
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Forum(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    topics = db.relationship("Topic", order_by="Topic.last_update.desc()")  # ORM206

class Topic(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    forum_id = db.Column(db.Integer, db.ForeignKey("forum.id"))
    last_updated = db.Column(db.DateTime)
""",
        },
    ]


def _names_in(expr: Expr) -> Iterator[str]:
    """Every dotted name in a parsed expression."""
    from ormlint.expr import Attr, Lambda, Subscript, Union_

    stack: list[Expr] = [expr]
    while stack:
        current = stack.pop()
        if isinstance(current, Name):
            yield current.dotted
        elif isinstance(current, Call):
            stack.append(current.func)
            stack.extend(current.args)
            stack.extend(v for _, v in current.kwargs)
        elif isinstance(current, Attr):
            stack.append(current.value)
        elif isinstance(current, Seq):
            stack.extend(current.items)
        elif isinstance(current, (Subscript,)):
            stack.extend((current.value, current.index))
        elif isinstance(current, Union_):
            stack.extend(current.items)
        elif isinstance(current, Lambda):
            stack.append(current.body)
