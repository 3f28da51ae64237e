"""ORM401-ORM404, ORM409: column defaults and Python operators in SQL expressions."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator, Optional

from ormlint.diagnostics import SAFE, UNSAFE, Diagnostic, Fix, Severity
from ormlint.expr import Call, Const, Dict, Expr, Name, Seq, span_parts
from ormlint.knowledge import type_family
from ormlint.rules.base import Rule, RuleContext
from ormlint.rules.usage import _resolver
from ormlint.schema import ColumnInfo, MappedClass
from ormlint.symbols import External, sqlalchemy_name
from ormlint.usage_extract import OperatorUse

# Calls that give a different value each time: as a default they must be
# passed, not called (then every row shares the import-time value).
VALUE_FACTORIES = frozenset({
    "uuid.uuid1", "uuid.uuid4", "uuid.uuid6", "uuid.uuid7",
    "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today", "datetime.date.today",
    "time.time", "time.time_ns", "time.monotonic",
    "secrets.token_hex", "secrets.token_urlsafe", "secrets.token_bytes",
    "random.random", "random.randint", "random.getrandbits",
    # Libraries: arrow and pendulum times, other id generators.
    "arrow.now", "arrow.utcnow", "pendulum.now", "pendulum.today",
    "uuid6.uuid6", "uuid6.uuid7", "shortuuid.uuid", "nanoid.generate", "bson.ObjectId", "bson.objectid.ObjectId",
})


def _qualname(ctx: RuleContext, module: str, expr: Optional[Expr]) -> Optional[str]:
    symbols = ctx.index.symbols
    if symbols is None or not isinstance(expr, Name):
        return None
    symbol = symbols.resolve_expr(module, expr)
    return symbol.qualname if isinstance(symbol, External) else None


class NoneOrBoolComparison(Rule):
    """## What it does
    Flags `== None`, `!= None`, `== True`, `== False`, `!= True`, `!= False` on
    a mapped column of a class (`User.deleted_at == None`).

    ## Why is this bad?
    SQLAlchemy does turn these into `IS NULL`/`= true`, but linters flag them
    (E711/E712) and their usual "fix", `is None`, silently turns the query into
    `WHERE false`. `.is_(None)` says what is meant and survives every linter.

    ## Example
    ```python
    active = session.query(Exercise).filter(Exercise.deleted_at == None)  # noqa: E711
    ```

    ## Use instead
    ```python
    active = session.query(Exercise).filter(Exercise.deleted_at.is_(None))
    ```

    ## Fix safety
    `== None` -> `.is_(None)` and `!= None` -> `.is_not(None)` compile to the
    same SQL (`IS NULL`, `IS NOT NULL`): safe. The fix also removes the
    now-pointless `E711` from a `# noqa: E711` comment on the line (the
    comment goes when nothing is left; a bare `# noqa` hides this diagnostic
    anyway). `== True`/`== False` -> `.is_(True)`/`.is_(False)` (and `!=` ->
    `.is_not(...)`) are unsafe: `col = true` becomes `col IS true`, which
    differs for NULL (`!= True` then keeps NULL rows) and which some databases
    (SQL Server, Oracle) reject.

    Not reported on a relationship: `Post.author != None` is how SQLAlchemy
    spells "has one" (`author_id IS NOT NULL`, or EXISTS for a collection),
    and a relationship has no `.is_()`.
    """

    code = "ORM401"
    name = "none-or-bool-comparison"
    severity = Severity.WARNING
    summary = "`== None` / `== True` on a column inside a SQL expression"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for path, use, is_column in _operators_on_attributes(ctx):
            # Only the singletons themselves: `1 == True` and `1.0 == True` in Python,
            # but `version == 1.0` is a number (fides).
            if use.operator not in ("==", "!=") or not (use.operand is None or type(use.operand) is bool):
                continue
            if not is_column:
                # `Rel != None` is the relationship idiom (`fk IS NOT NULL`, or
                # EXISTS for a collection); a relationship has no `.is_()`.
                continue
            method = "is_" if use.operator == "==" else "is_not"
            replacement = f"{use.base}.{use.attr}.{method}({use.operand!r})"
            message = f"`{use.base}.{use.attr} {use.operator} {use.operand!r}` compares a column with a Python singleton."
            diagnostic = self.diagnostic(path, use.span, message, f"Write `{replacement}` (never `is`, which makes the condition a constant).")
            # `== None` compiles to IS NULL either way; `== True` to `= true`, not `IS true`.
            fix = Fix(
                SAFE if use.operand is None else UNSAFE, "compare", span_parts(use.span),
                (method, repr(use.operand), "E711" if use.operand is None else "E712", f"{use.base}.{use.attr}"),
                f"Replace with `{replacement}`",
            )
            yield replace(diagnostic, fix=fix)

    VALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

class Template(Base):
    __tablename__ = "templates"
    id = Column(Integer, primary_key=True)
    backside_id = Column(Integer, ForeignKey("templates.id"), index=True)
    backside = relationship("Template", remote_side=[id], backref=backref("backside_of", uselist=False))

def in_use(session):
    # Indico's shape: "has one" on relationships, the idiom SQLAlchemy documents.
    return session.query(Template).filter(Template.backside != None, Template.backside_of != None).all()  # noqa: E711
""",
        """
from sqlalchemy import Column, DateTime, Integer, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Exercise(Base):
    __tablename__ = "exercises"
    id = Column(Integer, primary_key=True)
    deleted_at = Column(DateTime)

stmt = select(Exercise).where(Exercise.deleted_at.is_(None))
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from flask import g
from app import db

class Risk(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    resolved = db.Column(db.Boolean)

def current(risk: Risk):
    return g.current_org == None or risk.resolved == False
""",
        },
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Flag(Base):
    __tablename__ = "flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[bool]

    def describe(self):
        return "x == None"

query = Flag.on.is_(True)
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class NoticeHistory(Base):
    __tablename__ = "notice_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[float]

def first_versions(session: Session):
    # fides: numbers that equal True and False in Python, not singletons.
    return session.query(NoticeHistory).filter(NoticeHistory.version == 1.0, NoticeHistory.id != 0).all()
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, DateTime, Integer, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Exercise(Base):
    __tablename__ = "exercises"
    id = Column(Integer, primary_key=True)
    deleted_at = Column(DateTime)

stmt = select(Exercise).where(Exercise.deleted_at == None)  # ORM401
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Risk(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    resolved = db.Column(db.Boolean)

def unresolved():
    return Risk.query.filter(Risk.resolved == False).all()  # ORM401
""",
        },
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Flag(Base):
    __tablename__ = "flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[bool]

query = Flag.on != True  # ORM401
""",
        """
from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Exercise(Base):
    __tablename__ = "exercises"
    id = Column(Integer, primary_key=True)
    deleted_at = Column(DateTime)

def active(session: Session):
    return session.query(Exercise).filter(Exercise.deleted_at == None).all()  # noqa: E711  # ORM401
""",
        {
            "migrations/versions/479024506e05_resolution.py": """
from alembic import op
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

revision = "479024506e05"
down_revision = "86ec96cd14f8"


class Incident(Base):
    __tablename__ = "incident"
    id = Column(Integer, primary_key=True)
    resolution = Column(String)


def upgrade():
    session = Session(bind=op.get_bind())
    for incident in session.query(Incident).filter(Incident.resolution == None):  # noqa: E711  # ORM401
        incident.resolution = "unknown"
""",
        },
    ]
    FIXED = [
        """
from sqlalchemy import Column, DateTime, Integer, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Exercise(Base):
    __tablename__ = "exercises"
    id = Column(Integer, primary_key=True)
    deleted_at = Column(DateTime)

stmt = select(Exercise).where(Exercise.deleted_at.is_(None))  # ORM401
""",
        {
            "app/models.py": """
from app import db

class Risk(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    resolved = db.Column(db.Boolean)

def unresolved():
    return Risk.query.filter(Risk.resolved.is_(False)).all()  # ORM401
""",
        },
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Flag(Base):
    __tablename__ = "flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[bool]

query = Flag.on.is_not(True)  # ORM401
""",
        """
from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Exercise(Base):
    __tablename__ = "exercises"
    id = Column(Integer, primary_key=True)
    deleted_at = Column(DateTime)

def active(session: Session):
    return session.query(Exercise).filter(Exercise.deleted_at.is_(None)).all()  # ORM401
""",
        {
            "migrations/versions/479024506e05_resolution.py": """
from alembic import op
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

revision = "479024506e05"
down_revision = "86ec96cd14f8"


class Incident(Base):
    __tablename__ = "incident"
    id = Column(Integer, primary_key=True)
    resolution = Column(String)


def upgrade():
    session = Session(bind=op.get_bind())
    for incident in session.query(Incident).filter(Incident.resolution.is_(None)):  # ORM401
        incident.resolution = "unknown"
""",
        },
    ]


class PythonOperatorInCondition(Rule):
    """## What it does
    Flags a Python operator applied to a mapped column inside `filter()`,
    `where()`, `having()`, `and_()` or `or_()`: `Model.col is None`,
    `x in Model.col`, `Model.a and Model.b`, `not Model.flag`.

    ## Why is this bad?
    Python evaluates these before SQLAlchemy sees them: `is None` is `False`,
    `and` returns one operand, `not` a constant. The query silently filters on
    `true`/`false`, or raises.

    ## Example
    ```python
    session.query(Task).filter(Task.done is None)
    ```

    ## Use instead
    ```python
    session.query(Task).filter(Task.done.is_(None))
    ```
    (`.in_()`, `and_()`, `or_()`, `~`/`not_()` for the other operators.)

    ## Fix safety
    Safe where the SQL spelling is exact, on columns: `is None` -> `.is_(None)`,
    `is not None` -> `.is_not(None)` (also True/False), `Model.col in xs` ->
    `.in_(xs)`, `not in` -> `.not_in(xs)`, `a and b` -> `and_(a, b)`, `or` ->
    `or_()` (importing the function from `sqlalchemy` when needed), `not
    Model.flag` -> `~Model.flag`. No fix for `x in Model.col`, for a Python
    constant among `and`/`or` operands, or on relationships.
    """

    code = "ORM409"
    name = "python-operator-in-condition"
    severity = Severity.ERROR
    summary = "a Python operator where a SQL operator was meant"

    _REMEDY = {
        "is": ".is_(...)", "is not": ".is_not(...)", "in": ".in_(...)", "not in": ".not_in(...)",
        "and": "and_(...)", "or": "or_(...)", "not": "~ or not_(...)",
    }

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for path, use, is_column in _operators_on_attributes(ctx):
            if not use.in_condition or use.operator in ("==", "!="):
                continue
            # `A == x and B == y`: Python's `and` returns one of its operands (a
            # comparison of two columns' SQL is false as a Python value), so the
            # query keeps one condition and drops the other.
            effect = "only one of its operands reaches the query" if use.operator in ("and", "or") else "the condition becomes a constant"
            message = f"Python `{use.operator}` on `{use.base}.{use.attr}` is evaluated by Python, not by the database: {effect}."
            diagnostic = self.diagnostic(path, use.span, message, f"Use SQLAlchemy's {self._REMEDY[use.operator]}.")
            if is_column:  # relationships have no `.is_()`, `.in_()`
                fix = _operator_fix(use)
                if fix is not None:
                    diagnostic = replace(diagnostic, fix=fix)
            yield diagnostic

    VALID = [
        """
from sqlalchemy import Column, Integer, and_, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Task(Base):
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    done = Column(Integer)
    owner = Column(Integer)

stmt = select(Task).where(and_(Task.done.is_(None), Task.owner.in_([1, 2])), ~Task.done.is_(None))
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Task(Base):
    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    done: Mapped[bool]

def check(task: Task):
    if task.done is None or not task.done:
        return Task.done is None
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Task(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    tags = db.Column(db.JSON)

def tagged(name):
    return Task.query.filter(Task.tags.contains([name])).all()
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Task(Base):
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    done = Column(Integer)

stmt = select(Task).where(Task.done is None)  # ORM409
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Task(Base):
    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    done: Mapped[bool]
    owner: Mapped[int]

def mine(session: Session, owners):
    return session.query(Task).filter(not Task.done).all()  # ORM409
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Task(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    done = db.Column(db.Boolean)
    owner = db.Column(db.Integer)

def open_tasks(owner):
    return Task.query.filter(Task.done and Task.owner).all()  # ORM409
""",
        },
        """
from sqlalchemy import Column, Integer, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Task(Base):
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    owner = Column(Integer)

def owned_by(owners):
    return select(Task).where(Task.owner in owners)  # ORM409
""",
    ]
    FIXED = [
        """
from sqlalchemy import Column, Integer, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Task(Base):
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    done = Column(Integer)

stmt = select(Task).where(Task.done.is_(None))  # ORM409
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Task(Base):
    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    done: Mapped[bool]
    owner: Mapped[int]

def mine(session: Session, owners):
    return session.query(Task).filter(~Task.done).all()  # ORM409
""",
        {
            "app/models.py": """
from app import db
from sqlalchemy import and_

class Task(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    done = db.Column(db.Boolean)
    owner = db.Column(db.Integer)

def open_tasks(owner):
    return Task.query.filter(and_(Task.done, Task.owner)).all()  # ORM409
""",
        },
        """
from sqlalchemy import Column, Integer, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Task(Base):
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    owner = Column(Integer)

def owned_by(owners):
    return select(Task).where(Task.owner.in_(owners))  # ORM409
""",
    ]


def _operators_on_attributes(ctx: RuleContext) -> Iterator[tuple[str, OperatorUse, bool]]:
    """(path, use, is a column) for every Python operator applied to a column or
    relationship of a mapped class; in Alembic revisions, to a `Column()` of a
    snapshot class the revision defines (`Incident.resolution == None` in a data
    migration), which the project's models do not include."""
    resolver = _resolver(ctx)
    for scope in resolver.contexts():
        for use in scope.scope.operators:
            model = resolver.mapped(scope.module, Name(use.base), scope)
            if model is None:
                continue
            if use.attr in model.all_columns():
                yield scope.facts.path, use, True
            elif use.attr in model.all_relationships():
                yield scope.facts.path, use, False
    symbols = ctx.index.symbols
    for module, facts in sorted(ctx.index.modules.items()):
        if not facts.is_migration or symbols is None:
            continue
        rebound = {a.target for a in facts.assignments} | {local for local, _, _, _, _ in facts.imports} | {f.name for f in facts.functions}
        classes = {c.name: c for c in facts.classes if not c.conditional and c.name not in rebound}
        if len(classes) != len({c.name for c in facts.classes}):
            classes = {name: c for name, c in classes.items() if sum(1 for other in facts.classes if other.name == name) == 1}
        for local in facts.scopes:
            for use in local.operators:
                fact = classes.get(use.base)
                if fact is None or any(b[0] == use.base for b in local.bindings) or any(p[0] == use.base for p in local.params):
                    continue
                assigned = [a for a in fact.body if a.target == use.attr]
                if len(assigned) == 1 and isinstance(assigned[0].value, Call) and sqlalchemy_name(
                    symbols.resolve_expr(module, assigned[0].value.func)
                ) in ("Column", "mapped_column"):
                    yield facts.path, use, True


def _operator_fix(use: OperatorUse) -> Optional[Fix]:
    """The exact SQL spelling of a Python operator on a column, where there is one."""
    dotted = f"{use.base}.{use.attr}"
    if use.operator in ("is", "is not") and (use.operand is None or type(use.operand) is bool):
        method = "is_" if use.operator == "is" else "is_not"
        return Fix(SAFE, "compare", span_parts(use.span), (method, repr(use.operand), "", dotted), f"Replace with `{dotted}.{method}({use.operand!r})`")
    if use.operator in ("in", "not in") and use.left:
        method = "in_" if use.operator == "in" else "not_in"
        return Fix(SAFE, "contains", span_parts(use.span), (method, dotted), f"Replace with `{dotted}.{method}(...)`")
    if use.operator in ("and", "or"):
        function = f"{use.operator}_"
        return Fix(SAFE, "boolop", span_parts(use.span), (function,), f"Replace with `{function}(...)`")
    if use.operator == "not":
        return Fix(SAFE, "invert", span_parts(use.span), (dotted,), f"Replace with `~{dotted}`")
    return None


def _fix_blocked(ctx: RuleContext) -> set[int]:
    """Columns whose default a fix must not touch: `mapped_column()`s of
    dataclass-style mappings (there `default=` is also the dataclass field's
    default, so a callable would become the attribute's value), or of classes
    whose bases are not all known (one could make it dataclass-style). A plain
    `Column()` is never a dataclass field."""
    blocked: set[int] = set()
    for mapped in ctx.index.classes:
        if mapped.dataclass_style or not mapped.complete:
            blocked.update(id(column) for column in mapped.columns.values() if column.factory != "Column")
    return blocked


class UtcnowDefault(Rule):
    """## What it does
    Flags `default=`/`onupdate=` (and SQLModel `default_factory=`) set to
    `datetime.utcnow`.

    ## Why is this bad?
    `datetime.utcnow` is deprecated since Python 3.12 and returns a naive
    datetime: stored values carry no timezone, and code comparing them with
    aware datetimes raises TypeError.

    ## Example
    ```python
    awarded_at = db.Column(db.DateTime, default=datetime.utcnow)
    ```

    ## Use instead
    ```python
    awarded_at = db.Column(db.DateTime(timezone=True), default=lambda: datetime.now(timezone.utc))
    ```
    or `server_default=func.now()`.

    ## Fix safety
    Unsafe: stored values change from naive to aware. The fix writes
    `lambda: datetime.now(timezone.utc)`, adding `timezone` to the file's
    `from datetime import ...`, or `datetime.datetime.now(datetime.timezone.utc)`
    where the module is imported as `import datetime`.
    """

    code = "ORM402"
    name = "utcnow-default"
    severity = Severity.WARNING
    summary = "`default=datetime.utcnow` (deprecated, naive)"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for column in ctx.index.all_columns():
            for key, value in column.defaults:
                if _qualname(ctx, column.module, value) == "datetime.datetime.utcnow":
                    message = f"`{column.definition_label}` uses {key}=datetime.utcnow: deprecated, and it stores naive datetimes."
                    diagnostic = self.line_diagnostic(column.path, column.span, message, "Use `lambda: datetime.now(timezone.utc)` or `server_default=func.now()`.")
                    if value.span is not None:
                        fix = Fix(UNSAFE, "utcnow", span_parts(value.span), (), "Replace with `lambda: datetime.now(timezone.utc)`")
                        diagnostic = replace(diagnostic, fix=fix)
                    yield diagnostic

    VALID = [
        """
from datetime import datetime, timezone
from sqlalchemy import Column, DateTime, Integer, func
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Event(Base):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    created = Column(DateTime(timezone=True), default=lambda: datetime.now(timezone.utc))
    updated = Column(DateTime, server_default=func.now(), onupdate=func.now())
""",
        """
import datetime
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(default=datetime.datetime.now)
""",
        """
from datetime import datetime
from sqlmodel import Field, SQLModel

def utcnow():
    return datetime.now()

class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
""",
    ]
    INVALID = [
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from datetime import datetime
from app import db

class Award(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    awarded_at = db.Column(db.DateTime, default=datetime.utcnow)  # ORM402
""",
        },
        """
import datetime
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(onupdate=datetime.datetime.utcnow)  # ORM402
""",
        """
from datetime import datetime
from sqlmodel import Field, SQLModel

class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=datetime.utcnow)  # ORM402
""",
    ]
    FIXED = [
        {
            "app/models.py": """
from datetime import datetime, timezone
from app import db

class Award(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    awarded_at = db.Column(db.DateTime, default=lambda: datetime.now(timezone.utc))  # ORM402
""",
        },
        """
import datetime
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(onupdate=lambda: datetime.datetime.now(datetime.timezone.utc))  # ORM402
""",
        """
from datetime import datetime, timezone
from sqlmodel import Field, SQLModel

class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))  # ORM402
""",
    ]


class DefaultEvaluatedOnce(Rule):
    """## What it does
    Flags `default=`/`onupdate=` given the *result* of a call that produces a
    fresh value each time: `default=uuid.uuid4()`, `default=datetime.now()`,
    `default=datetime.utcnow()`, `default=secrets.token_hex()`, also arrow's
    and pendulum's `now()`/`utcnow()` and other id generators (`shortuuid`,
    `nanoid`, `bson.ObjectId`).

    ## Why is this bad?
    The call runs once, when the module is imported: every row gets the same
    id, timestamp or token (a unique column then fails on the second insert).

    ## Example
    ```python
    id = Column(UUID, primary_key=True, default=uuid.uuid4())
    ```

    ## Use instead
    ```python
    id = Column(UUID, primary_key=True, default=uuid.uuid4)
    ```

    ## Fix safety
    Safe: the fix passes the callable (`default=uuid.uuid4`; for a SQLModel
    `Field`, `default_factory=uuid.uuid4`), only when the factory is called
    without arguments (SQLAlchemy calls a default that takes no positional
    argument with none). No fix on dataclass-style mappings, where `default=`
    is also the attribute's dataclass default.
    """

    code = "ORM403"
    name = "default-evaluated-once"
    severity = Severity.ERROR
    summary = "a default is a call evaluated once at import time"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        blocked = _fix_blocked(ctx)
        for column in ctx.index.all_columns():
            keys = {key for key, _ in column.defaults}
            for key, value in column.defaults:
                if key == "default_factory" or not isinstance(value, Call):
                    continue
                qualname = _factory_called(ctx, column.module, value)
                if qualname is not None:
                    short = qualname.rsplit(".", 1)[-1] if qualname else "?"
                    message = f"`{column.definition_label}` has {key}= calling {short}(): evaluated once at import, so every row gets the same value."
                    # The callable as the module spells it (`datetime.now` after `from datetime import datetime`).
                    written = value.func.dotted if isinstance(value.func, Name) else qualname
                    if _qualname(ctx, column.module, value.func) == qualname:
                        hint = f"Pass a callable instead: `{key}={written}` or `{key}=lambda: ...`."
                    else:  # wrapped, `str(uuid4())`: passing `str` would give every row `str()`
                        text = _call_text(value)
                        hint = f"Pass a callable instead: `{key}=lambda: {text}`." if text else f"Pass a callable instead: `{key}=lambda: ...`."
                    diagnostic = self.line_diagnostic(column.path, column.span, message, hint)
                    # Exact only for the factory called bare, without arguments:
                    # SQLAlchemy calls a default taking no positional argument with none.
                    # pydantic (SQLModel `Field`) takes a callable as `default_factory`.
                    new_key = "default_factory" if column.factory == "Field" and key == "default" else key
                    if (
                        id(column) not in blocked and value.span is not None and isinstance(value.func, Name)
                        and _qualname(ctx, column.module, value.func) == qualname
                        and not value.args and not value.kwargs and not value.has_star
                        and (new_key == key or "default_factory" not in keys) and (column.factory != "Field" or key == "default")
                    ):
                        fix = Fix(SAFE, "call-to-callable", span_parts(value.span), (key, new_key, value.func.dotted), f"Pass the callable: `{new_key}={value.func.dotted}`")
                        diagnostic = replace(diagnostic, fix=fix)
                    yield diagnostic

    VALID = [
        """
import uuid
from sqlalchemy import Column, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Token(Base):
    __tablename__ = "tokens"
    id = Column(String(36), primary_key=True, default=uuid.uuid4)
    label = Column(String(20), default=str(1))
""",
        """
from datetime import datetime
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=datetime.now)
""",
        """
import uuid
from sqlmodel import Field, SQLModel

class Item(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
""",
    ]
    INVALID = [
        """
import uuid
from sqlalchemy import Column, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Token(Base):
    __tablename__ = "tokens"
    id = Column(String(36), primary_key=True, default=uuid.uuid4())  # ORM403
""",
        """
import arrow
from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Post(Base):
    # flask-admin's example: the time the module was imported, for every post.
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, default=arrow.utcnow())  # ORM403
""",
        """
from datetime import datetime
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=datetime.now())  # ORM403
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
import secrets
from app import db

class ApiKey(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    token = db.Column(db.String(64), default=secrets.token_hex())  # ORM403
""",
        },
        """
import uuid
from sqlmodel import Field, SQLModel

class Item(SQLModel, table=True):
    id: uuid.UUID = Field(default=uuid.uuid4(), primary_key=True)  # ORM403
""",
    ]
    FIXED = [
        """
import uuid
from sqlalchemy import Column, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Token(Base):
    __tablename__ = "tokens"
    id = Column(String(36), primary_key=True, default=uuid.uuid4)  # ORM403
""",
        """
import arrow
from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Post(Base):
    # flask-admin's example: the time the module was imported, for every post.
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, default=arrow.utcnow)  # ORM403
""",
        """
from datetime import datetime
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=datetime.now)  # ORM403
""",
        {
            "app/models.py": """
import secrets
from app import db

class ApiKey(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    token = db.Column(db.String(64), default=secrets.token_hex)  # ORM403
""",
        },
        """
import uuid
from sqlmodel import Field, SQLModel

class Item(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)  # ORM403
""",
    ]


def _callee(call: Call) -> str:
    return call.func.dotted if isinstance(call.func, Name) else "..."


def _factory_called(ctx: RuleContext, module: str, call: Call, depth: int = 0) -> Optional[str]:
    """The value factory a default expression calls at import: `uuid.uuid4()`,
    also wrapped as `str(uuid.uuid4())` (a lambda defers it, and is not entered)."""
    qualname = _qualname(ctx, module, call.func)
    if qualname in VALUE_FACTORIES:
        return qualname
    if depth < 4:
        for arg in [*call.args, *(v for _, v in call.kwargs)]:
            if isinstance(arg, Call):
                found = _factory_called(ctx, module, arg, depth + 1)
                if found is not None:
                    return found
    return None


def _mutable_associations(ctx: RuleContext) -> tuple[frozenset[str], frozenset[str]]:
    """The column types a module associates a `Mutable` with
    (`MutableDict.associate_with(JSONB)`: every JSONB column is then tracked):
    their last names, and their families (the association holds for subclasses
    too: `associate_with(JSON)` tracks JSONB columns)."""
    names: set[str] = set()
    families: set[str] = set()
    for facts in ctx.index.modules.values():
        for call in facts.calls:
            if isinstance(call, Call) and isinstance(call.func, Name) and call.func.dotted.endswith(".associate_with") and call.args:
                target = call.args[0]
                if isinstance(target, Call):
                    target = target.func
                if isinstance(target, Name):
                    names.add(target.last)
                    family = type_family(target.last)
                    if family is not None:
                        families.add(family[0])
    return frozenset(names), frozenset(families)


def _set_by_constructor(ctx: RuleContext, mapped: MappedClass, known: dict[int, frozenset[str]]) -> frozenset[str]:
    """The attributes the class's own `__init__` sets on `self` (aleph:
    `self.meta = {}` before `super().__init__(**kw)`), remembered in `known`."""
    found = known.get(id(mapped))
    if found is None:
        facts = ctx.index.modules.get(mapped.module)
        name = f"{mapped.name}.__init__"
        found = frozenset(
            attr for scope in (facts.scopes if facts is not None else ()) if scope.name == name
            for base, attr, _, store, _, _ in scope.attributes if store and base == "self"
        )
        known[id(mapped)] = found
    return found


def _type_name(display: str) -> str:
    """`JSONB` for `postgresql.JSONB(astext_type=...)`."""
    return display.split("(", 1)[0].rsplit(".", 1)[-1]


def _call_text(expr: Expr, depth: int = 0) -> Optional[str]:
    """Source for a simple call expression (names, literals, calls of these):
    `str(uuid4())`; None for anything else."""
    if depth > 4:
        return None
    if isinstance(expr, Name):
        return expr.dotted
    if isinstance(expr, Const):
        return repr(expr.value)
    if isinstance(expr, Call) and not expr.has_star:
        func = _call_text(expr.func, depth + 1)
        parts = [_call_text(arg, depth + 1) for arg in expr.args]
        parts += [f"{name}={text}" if text is not None else None for name, text in ((n, _call_text(v, depth + 1)) for n, v in expr.kwargs)]
        if func is None or any(part is None for part in parts):
            return None
        return f"{func}({', '.join(part for part in parts if part is not None)})"
    return None


class MutableDefault(Rule):
    """## What it does
    Flags a mutable literal as a column default: `default={}`, `default=[]`,
    `default=set()`, `default=dict()`, `default=list()`. SQLModel and pydantic
    copy field defaults, so `Field(default={})` is left alone, and so does a
    `Mutable` type (`Column(MutableDict.as_mutable(JSONB), default={})`,
    sqlalchemy-json's `mutable_json_type(...)`, or any column of a type a
    module tracks with `MutableDict.associate_with(JSON)`):
    `Mutable.coerce()` gives each instance its own copy. Nor a column the
    class's own `__init__` sets on `self` (`self.meta = {}`): the default
    never reaches an instance.

    ## Why is this bad?
    One object is shared by every row the process inserts: mutating the value
    of one instance before flush changes the default of all later ones.

    ## Example
    ```python
    options = Column(JSON, default={})
    ```

    ## Use instead
    ```python
    options = Column(JSON, default=dict)
    ```

    ## Fix safety
    Safe: `default=dict`/`list`/`set` build a fresh value per row; a non-empty
    literal of constants becomes `default=lambda: <literal>`. No fix on
    dataclass-style mappings (the type itself would become the attribute's
    default) or where the file rebinds `dict`/`list`/`set`.
    """

    code = "ORM404"
    name = "mutable-default"
    severity = Severity.ERROR
    summary = "a mutable literal shared by every row as a default"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        blocked = _fix_blocked(ctx)
        associated_names, associated_families = _mutable_associations(ctx)
        set_by_constructor: dict[int, frozenset[str]] = {}
        for column in ctx.index.all_columns():
            if column.factory == "Field":
                continue  # pydantic copies defaults per instance
            if (
                column.type.mutable_wrapper or _type_name(column.type.display) in associated_names
                or column.type.family in associated_families
            ):
                continue  # `Mutable.coerce()` gives each instance a copy of the default
            owner = column.table.mapped_class if column.table is not None else None
            for key, value in column.defaults:
                if key != "default":
                    continue
                kind = _mutable_kind(ctx, column.module, value)
                if kind is not None:
                    if owner is not None and column.key in _set_by_constructor(ctx, owner, set_by_constructor):
                        continue  # the class's `__init__` gives each instance its own value
                    message = f"`{column.definition_label}` has a mutable default ({kind}) shared by every row."
                    diagnostic = self.line_diagnostic(column.path, column.span, message, f"Pass the type instead: `default={kind}`.")
                    span = getattr(value, "span", None)
                    if id(column) not in blocked and span is not None:
                        empty = isinstance(value, Call) or not (value.items if isinstance(value, (Dict, Seq)) else ())
                        fixed = kind if empty else "lambda: ..."
                        fix = Fix(SAFE, "mutable", span_parts(span), (kind,), f"Build a new value per row: `default={fixed}`")
                        diagnostic = replace(diagnostic, fix=fix)
                    yield diagnostic

    VALID = [
        """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Document(Base):
    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
    meta = Column(JSON, default={})

    def __init__(self, **kw):
        # aleph: each instance gets its own dict before the mapped constructor runs.
        self.meta = {}
        super().__init__(**kw)
""",
        {
            "app/models.py": """
from sqlalchemy import JSON, Column, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Dashboard(Base):
    __tablename__ = "dashboards"
    id = Column(Integer, primary_key=True)
    # redash: each instance gets a MutableDict/MutableList copy of the default.
    options = Column(MutableDict.as_mutable(JSONB), default={})
    layout = Column(MutableList.as_mutable(JSON), default=[])
""",
            "app/profiles.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import declarative_base
from sqlalchemy_json import mutable_json_type

Base = declarative_base()

class Profile(Base):
    __tablename__ = "profiles"
    id = Column(Integer, primary_key=True)
    # pybossa: sqlalchemy-json's types are `Mutable` too.
    info = Column(mutable_json_type(dbtype=JSONB, nested=True), default=dict())
""",
            "app/tracked.py": """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import declarative_base

Base = declarative_base()
MutableDict.associate_with(JSON)

class Setting(Base):
    __tablename__ = "settings"
    id = Column(Integer, primary_key=True)
    values = Column(JSON, default={})
""",
        },
        """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Profile(Base):
    __tablename__ = "profiles"
    id = Column(Integer, primary_key=True)
    options = Column(JSON, default=dict)
    tags = Column(JSON, default=lambda: [])
""",
        """
from sqlmodel import Field, SQLModel

class Profile(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    settings: dict = Field(default={}, sa_type=None)
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Counter(Base):
    __tablename__ = "counters"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
""",
    ]
    INVALID = [
        """
from sqlalchemy import JSON, Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Document(Base):
    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
    title = Column(String(100))
    meta = Column(JSON, default={})  # ORM404

    def __init__(self, **kw):
        self.title = "untitled"
        super().__init__(**kw)
""",
        """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Dashboard(Base):
    __tablename__ = "dashboards"
    id = Column(Integer, primary_key=True)
    options = Column(MutableDict.as_mutable(JSON), default={})
    # Plain JSON: the instance holds the default itself after the flush.
    layout = Column(JSON, default=[])  # ORM404
""",
        """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Profile(Base):
    __tablename__ = "profiles"
    id = Column(Integer, primary_key=True)
    options = Column(JSON, default={})  # ORM404
""",
        """
from sqlalchemy import JSON
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Profile(Base):
    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    tags: Mapped[list] = mapped_column(JSON, default=[])  # ORM404
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Board(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    members = db.Column(db.PickleType, default=set())  # ORM404
""",
        },
    ]
    FIXED = [
        """
from sqlalchemy import JSON, Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Document(Base):
    __tablename__ = "documents"
    id = Column(Integer, primary_key=True)
    title = Column(String(100))
    meta = Column(JSON, default=dict)  # ORM404

    def __init__(self, **kw):
        self.title = "untitled"
        super().__init__(**kw)
""",
        """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Dashboard(Base):
    __tablename__ = "dashboards"
    id = Column(Integer, primary_key=True)
    options = Column(MutableDict.as_mutable(JSON), default={})
    # Plain JSON: the instance holds the default itself after the flush.
    layout = Column(JSON, default=list)  # ORM404
""",
        """
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Profile(Base):
    __tablename__ = "profiles"
    id = Column(Integer, primary_key=True)
    options = Column(JSON, default=dict)  # ORM404
""",
        """
from sqlalchemy import JSON
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Profile(Base):
    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)  # ORM404
""",
        {
            "app/models.py": """
from app import db

class Board(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    members = db.Column(db.PickleType, default=set)  # ORM404
""",
        },
    ]


def _mutable_kind(ctx: RuleContext, module: str, value: Expr) -> Optional[str]:
    if isinstance(value, Dict):
        return "dict"
    if isinstance(value, Seq) and value.kind in ("list", "set"):
        return value.kind
    if isinstance(value, Call) and not value.args and not value.kwargs:
        qualname = _qualname(ctx, module, value.func)
        if qualname in ("builtins.dict", "builtins.list", "builtins.set"):
            return qualname.split(".")[1]
    return None


def _in_primary_key(column: ColumnInfo) -> bool:
    """`primary_key=True`, or a column of the table's `PrimaryKeyConstraint` (phoenix, agenta)."""
    if column.primary_key:
        return True
    table = column.table
    return table is not None and any(
        c.kind == "PrimaryKeyConstraint" and column.column_key in c.columns for c in table.constraints
    )


class ContradictoryDeleteRule(Rule):
    """## What it does
    Flags delete behaviour that contradicts itself:
    `ForeignKey(..., ondelete="SET NULL")` on a NOT NULL column; and a NOT NULL
    foreign key with `ondelete="CASCADE"` whose one-to-many relationship (or
    backref) collection on the parent has neither a `cascade` that includes
    delete nor `passive_deletes=True`.

    ## Why is this bad?
    The database cannot set a NOT NULL column to NULL. And when the parent is
    deleted through the ORM, SQLAlchemy first sets the children's foreign key
    to NULL (its default for a collection it does not cascade to), which the
    NOT NULL column refuses: IntegrityError, although the database would have
    cascaded the delete by itself. (When the column is part of the primary
    key, SQLAlchemy refuses first: "tried to blank-out primary key column".)

    ## Example
    ```python
    class Child(Base):
        parent_id = Column(ForeignKey("parents.id", ondelete="CASCADE"), nullable=False)

    class Parent(Base):
        children = relationship("Child")
    ```

    ## Use instead
    ```python
        children = relationship("Child", cascade="all, delete-orphan", passive_deletes=True)
    ```
    """

    code = "ORM405"
    name = "contradictory-delete-rule"
    severity = Severity.WARNING
    summary = "ondelete rule that contradicts the column or its relationship"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        from ormlint.index import foreign_key_target, join_constraints

        collections = self._collections(ctx)
        for column in ctx.index.all_columns():
            not_null = column.nullable is False or column.primary_key
            for ref in column.foreign_keys:
                rule = (ref.ondelete or "").upper()
                if rule == "SET NULL" and not_null:
                    message = f"`{column.definition_label}` is NOT NULL but its ForeignKey says ondelete='SET NULL'."
                    yield self.line_diagnostic(column.path, column.span, message, "Make the column nullable, or change the ondelete rule.")
                elif rule == "CASCADE" and not_null and column.table is not None:
                    target = foreign_key_target(ctx.index, ref, column.table.metadata)
                    if target.table is None:
                        continue
                    for rel in collections.get((id(target.table), id(column.table)), []):
                        paths = join_constraints(ctx.index, target.table, column.table)
                        if paths is None or len(paths) != 1:
                            continue
                        # A key column is never set to NULL: SQLAlchemy's sync.clear() raises
                        # first (open-event-server's `OrderTicket.order_id`).
                        outcome = ("tries to set it to NULL, which SQLAlchemy refuses for a primary key column "
                                   "(AssertionError: \"tried to blank-out primary key column\")") if _in_primary_key(column) \
                            else "first sets it to NULL (IntegrityError)"
                        message = (
                            f"`{column.label}` is NOT NULL with ondelete='CASCADE', but `{rel.label}` neither cascades deletes "
                            f"nor sets passive_deletes: deleting a `{rel.owner.name}` {outcome}."
                        )
                        yield self.line_diagnostic(column.path, column.span, message, f"Give `{rel.label}` cascade=\"all, delete-orphan\" and/or passive_deletes=True.")
                        break

    def _collections(self, ctx: RuleContext) -> dict[tuple[int, int], list]:  # type: ignore[type-arg]
        """Writable one-to-many relationships without delete cascade, by (parent table, child table)."""
        from ormlint.index import relationship_direction
        from ormlint.rules.relationships import _relationships

        found: dict[tuple[int, int], list] = {}  # type: ignore[type-arg]
        for rel in _relationships(ctx.index, include_backrefs=True):
            if rel.viewonly or rel.passive_deletes or rel.target is None or rel.has_join_condition or rel.secondary is not None:
                continue
            cascade = (rel.cascade or "").replace(" ", "").split(",")
            if "all" in cascade or "delete" in cascade:
                continue
            if rel.owner.table is None or rel.target.table is None or relationship_direction(ctx.index, rel) != "one-to-many":
                continue
            found.setdefault((id(rel.owner.table), id(rel.target.table)), []).append(rel)
        return found

    VALID = [
        """
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.orm import relationship
from sqlmodel import Field, Relationship, SQLModel

class Connection(SQLModel, table=True):
    id: UUID = Field(default_factory=uuid4, primary_key=True)
    # Langflow: SQLModel uses the given relationship as it is.
    secret: "ConnectionSecret" = Relationship(sa_relationship=relationship("ConnectionSecret", cascade="delete", uselist=False))

class ConnectionSecret(SQLModel, table=True):
    connection_id: UUID = Field(sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("connection.id", ondelete="CASCADE"), primary_key=True, nullable=False))
    value: str = Field(default="")
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class Parent(Base):
    __tablename__ = "parents"
    id = Column(Integer, primary_key=True)
    children = relationship("Child", cascade="all, delete-orphan", passive_deletes=True)

class Child(Base):
    __tablename__ = "children"
    id = Column(Integer, primary_key=True)
    parent_id = Column(ForeignKey("parents.id", ondelete="CASCADE"), nullable=False)
    other_id = Column(ForeignKey("parents.id", ondelete="SET NULL"), nullable=True)
""",
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)
    children: Mapped[list["Child"]] = relationship(passive_deletes=True)

class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id", ondelete="CASCADE"))
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Task(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    user = db.relationship("User", backref=db.backref("tasks", lazy=True, cascade="all, delete-orphan"))
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class Parent(Base):
    __tablename__ = "parents"
    id = Column(Integer, primary_key=True)
    children = relationship("Child")

class Child(Base):
    __tablename__ = "children"
    id = Column(Integer, primary_key=True)
    parent_id = Column(ForeignKey("parents.id", ondelete="CASCADE"), nullable=False)  # ORM405
""",
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Parent(Base):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)

class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id", ondelete="SET NULL"))  # ORM405
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Task(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)  # ORM405
    user = db.relationship("User", backref=db.backref("tasks", lazy=True))
""",
        },
    ]
