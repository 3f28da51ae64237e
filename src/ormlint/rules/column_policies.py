"""ORM406-ORM408 (opt-in): column policies an audit asks about (bounds, time zones, delete rules)."""

from __future__ import annotations

import re
from typing import Iterable, Iterator, Optional

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import Attr, Call, Const, Dict, Expr, Lambda, Name, Seq, Subscript, Union_
from ormlint.facts import FunctionFact
from ormlint.rules.base import Rule, RuleContext
from ormlint.schema import ColumnInfo, TableInfo
from ormlint.symbols import External, FunctionRef, sqlalchemy_name

# Name parts that say a number lives in a range (`rating`, `avg_score`, `stock_quantity`).
BOUNDED_WORDS = frozenset({"rating", "score", "percent", "percentage", "progress", "effectiveness", "balance", "quantity"})
_NUMERIC = frozenset({"integer", "numeric", "float"})


def _named_calls(expr: Optional[Expr], last: str, found: list[Call], depth: int = 0) -> None:
    """Append to `found` the calls of a name ending in `last` (`CheckConstraint(...)`,
    `sa.CheckConstraint(...)`) inside `expr`, outer ones first, down to depth 30."""
    _named_calls_in((expr,), last, found, depth)


def _named_calls_in(roots: Iterable[Optional[Expr]], last: str, found: list[Call], depth: int = 0) -> None:
    """`_named_calls` of each root in turn.

    Walked with a stack of the levels being visited rather than recursively: it
    visits every expression of the project (every column definition), and a
    call per node cost as much as the rest of the rule."""
    dotted_last = "." + last  # `func.last == last`, without splitting every name
    # The siblings still to visit at each depth from `depth` down.
    levels: list[Iterator[Optional[Expr]]] = [iter(roots)]
    while levels:
        for node in levels[-1]:
            if node is None or isinstance(node, (Name, Const)):
                continue
            below: list[Optional[Expr]]
            if isinstance(node, Call):
                func = node.func
                if isinstance(func, Name) and (func.dotted == last or func.dotted.endswith(dotted_last)):
                    found.append(node)
                below = [func, *node.args, *[value for _, value in node.kwargs]]
            elif isinstance(node, (Seq, Union_)):
                below = list(node.items)
            elif isinstance(node, Dict):
                below = [part for pair in node.items for part in pair]
            elif isinstance(node, Subscript):
                below = [node.value, node.index]
            elif isinstance(node, Lambda):
                below = [node.body]
            elif isinstance(node, Attr):
                below = [node.value]
            else:
                continue
            if depth + len(levels) <= 30:  # the depth of `below`
                levels.append(iter(below))
                break  # visit `below` before the node's later siblings
        else:
            levels.pop()


class UnboundedNumericColumn(Rule):
    """## What it does
    Flags a numeric column whose name says it lives in a range (`rating`,
    `score`, `percent`, `percentage`, `progress`, `effectiveness`, `balance`,
    `quantity`, also as the last word: `avg_rating`, `stock_quantity`) when no
    `CheckConstraint` anywhere in the project mentions it. Stays silent when the
    table's constraints cannot all be read (computed `__table_args__`), or when
    any check constraint's text is not a literal string.

    ## Why is this bad?
    Nothing stops a bug or a hand-written UPDATE from storing a rating of 11,
    a progress of 250 % or a negative quantity; the database is the last place
    that can refuse it. (Check constraints written in migrations'
    `create_table` count; one added by `op.create_check_constraint` is not seen.)

    ## Example
    ```python
    rating = Column(Integer, nullable=False)
    ```

    ## Use instead
    ```python
    rating = Column(Integer, CheckConstraint("rating BETWEEN 1 AND 5"), nullable=False)
    ```
    """

    code = "ORM406"
    name = "unbounded-numeric-column"
    severity = Severity.INFO
    summary = "a bounded quantity (rating, percent...) without a CheckConstraint"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        # The project's CheckConstraints are collected (a walk of every expression)
        # only once some column passes the cheap tests: the tests are independent
        # conditions, so their order does not change which columns are reported.
        constraints: Optional[tuple[list[str], set[str]]] = None
        for column in ctx.index.all_columns():
            table = column.table
            if table is None or not table.constraints_known or not table.complete:
                continue
            words = re.split(r"[_\W]+", (column.name or column.key).lower())
            if column.type.family not in _NUMERIC or not words or words[-1] not in BOUNDED_WORDS or column.primary_key or column.foreign_keys:
                continue
            if constraints is None:
                constraints = _check_constraints(ctx)
            texts, opaque_modules = constraints
            if table.module in opaque_modules:
                continue
            names = {n for n in (column.name, column.key) if n}
            if any(re.search(rf"\b{re.escape(n)}\b", text, re.IGNORECASE) for n in names for text in texts):
                continue
            message = f"`{column.label}` ({column.type.display}) sounds bounded, but no CheckConstraint limits it."
            yield self.line_diagnostic(column.path, column.span, message, f"Add e.g. `CheckConstraint(\"{column.name or column.key} >= 0\")` with the real bounds.")

    VALID = [
        """
from sqlalchemy import CheckConstraint, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Review(Base):
    __tablename__ = "reviews"
    id = Column(Integer, primary_key=True)
    rating = Column(Integer, CheckConstraint("rating BETWEEN 1 AND 5"), nullable=False)
""",
        """
from sqlalchemy import CheckConstraint, Numeric
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("balance >= 0", name="ck_balance"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    balance = mapped_column(Numeric(12, 2))
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Player(Base):
    __tablename__ = "players"
    id = Column(Integer, primary_key=True)
    score_label = Column(String(20))
    scored_at = Column(Integer)
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Review(Base):
    __tablename__ = "reviews"
    id = Column(Integer, primary_key=True)
    rating = Column(Integer, nullable=False)  # ORM406
""",
        """
from sqlalchemy import Float
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Course(Base):
    __tablename__ = "courses"
    id: Mapped[int] = mapped_column(primary_key=True)
    completion_percent: Mapped[float] = mapped_column(Float)  # ORM406
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    stock_quantity = db.Column(db.Integer, default=0)  # ORM406
    __table_args__ = (db.CheckConstraint("id > 0"),)
""",
        },
    ]


def _check_constraints(ctx: RuleContext) -> tuple[list[str], set[str]]:
    """The literal text of every CheckConstraint in the project, and the modules
    holding one whose text is not a literal."""
    symbols = ctx.index.symbols
    texts: list[str] = []
    opaque: set[str] = set()
    if symbols is None:
        return texts, opaque
    for module, facts in ctx.index.modules.items():
        roots: list[Optional[Expr]] = [a.value for a in facts.assignments]
        roots.extend(facts.calls)
        for cls in facts.classes:
            roots.extend(a.value for a in cls.body)
        for scope in facts.scopes:  # calls inside functions: `sa.CheckConstraint(...)` in a migration's create_table
            for call in scope.calls:
                func = call.func
                if isinstance(func, Name) and func.dotted.endswith("CheckConstraint") and func.last == "CheckConstraint":
                    roots.append(call)
        calls: list[Call] = []
        _named_calls_in(roots, "CheckConstraint", calls)
        for expr in calls:
            if sqlalchemy_name(symbols.resolve_expr(module, expr.func)) == "CheckConstraint":
                text = expr.args[0] if expr.args else expr.kwarg("sqltext")
                if isinstance(text, Const) and isinstance(text.value, str):
                    texts.append(text.value)
                else:
                    opaque.add(module)
    return texts, opaque


# --- ORM407 ---------------------------------------------------------------------------------

_NOW = frozenset({"datetime.datetime.now", "datetime.datetime.today"})
_NAIVE_TYPE = re.compile(r"^(?:DateTime|DATETIME|TIMESTAMP)(?:\(\)|\(timezone=False\))?$")


def _qualname(ctx: RuleContext, module: str, expr: Optional[Expr]) -> Optional[str]:
    symbols = ctx.index.symbols
    if symbols is None or not isinstance(expr, Name):
        return None
    symbol = symbols.resolve_expr(module, expr)
    return symbol.qualname if isinstance(symbol, External) else None


def _now_call(ctx: RuleContext, module: str, expr: Optional[Expr]) -> Optional[bool]:
    """For `datetime.now(...)`: whether it is aware (a tz argument) or naive; None otherwise."""
    if isinstance(expr, Call) and _qualname(ctx, module, expr.func) in _NOW and not expr.has_star:
        if _qualname(ctx, module, expr.func) == "datetime.datetime.today":
            return False if not expr.args and not expr.kwargs else None
        return bool(expr.args or expr.kwarg("tz") is not None)
    return None


def _default_awareness(ctx: RuleContext, module: str, value: Expr) -> Optional[bool]:
    """True: the default produces aware datetimes; False: naive; None: unknown
    (or not a datetime). `datetime.utcnow` is ORM402's and a call evaluated once ORM403's."""
    if isinstance(value, Name):
        if _qualname(ctx, module, value) in _NOW:
            return False
        symbols = ctx.index.symbols
        symbol = symbols.resolve_expr(module, value) if symbols is not None else None
        if isinstance(symbol, FunctionRef) and symbols is not None:
            fact = symbols.bindings(symbol.module).get(symbol.name)
            if isinstance(fact, FunctionFact) and not fact.params:
                return _now_call(ctx, symbol.module, fact.returns)
        return None
    if isinstance(value, Lambda):
        return _now_call(ctx, module, value.body)
    return None


class NaiveDatetime(Rule):
    """## What it does
    Flags naive datetimes in column defaults: `default=datetime.now` (or
    `datetime.today`, `lambda: datetime.now()`, a function of the project that
    returns `datetime.now()`) without a time zone; and a `DateTime` column
    declared without `timezone=True` whose default produces aware datetimes
    (`lambda: datetime.now(timezone.utc)`). `default=`, `onupdate=` and
    SQLModel's `default_factory=` are read; `datetime.utcnow` is ORM402's.

    ## Why is this bad?
    A naive `now()` is the server's local time: rows written from two time
    zones, or around a daylight-saving change, cannot be ordered or compared,
    and comparing them with aware datetimes raises TypeError. An aware value
    stored in a column without time zone loses its offset (or fails, depending
    on the driver).

    ## Example
    ```python
    created = Column(DateTime, default=datetime.now)
    ```

    ## Use instead
    ```python
    created = Column(DateTime(timezone=True), default=lambda: datetime.now(timezone.utc))
    ```
    """

    code = "ORM407"
    name = "naive-datetime"
    severity = Severity.INFO
    summary = "a naive datetime default, or aware defaults in a column without time zone"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for column in ctx.index.all_columns():
            for key, value in column.defaults:
                aware = _default_awareness(ctx, column.module, value)
                if aware is False:
                    message = f"`{column.label}` has {key}= a naive datetime (local time, no time zone)."
                    yield self.line_diagnostic(column.path, column.span, message, f"Use `{key}=lambda: datetime.now(timezone.utc)` with `DateTime(timezone=True)`.")
                    break
                if aware is True and column.type.family == "datetime" and _NAIVE_TYPE.match(column.type.display) and _explicit_type(column):
                    message = f"`{column.label}` is `{column.type.display}` without time zone, but its {key}= gives aware datetimes."
                    yield self.line_diagnostic(column.path, column.span, message, "Declare the column `DateTime(timezone=True)`.")
                    break

    VALID = [
        """
from datetime import datetime, timezone
from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Event(Base):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    created = Column(DateTime(timezone=True), default=lambda: datetime.now(timezone.utc))
""",
        """
from datetime import datetime
from sqlalchemy import Column, DateTime, Integer, func
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Event(Base):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    created = Column(DateTime, server_default=func.now())
    label = Column(Integer, default=len)
""",
        """
from datetime import datetime, timezone
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

def utcnow() -> datetime:
    return datetime.now(timezone.utc)

class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
""",
    ]
    INVALID = [
        """
from datetime import datetime
from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Event(Base):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    created = Column(DateTime, default=datetime.now)  # ORM407
""",
        """
import datetime
from sqlalchemy import DateTime
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(DateTime, default=lambda: datetime.datetime.now(datetime.timezone.utc))  # ORM407
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from datetime import datetime
from app import db

def now():
    return datetime.now()

class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    edited = db.Column(db.DateTime, onupdate=now)  # ORM407
""",
        },
    ]


def _explicit_type(column: ColumnInfo) -> bool:
    """The type is written in the column call (not implied by an annotation,
    which a `type_annotation_map` may turn into `DateTime(timezone=True)`)."""
    return not column.type.display[:1].islower()


# --- ORM408 ---------------------------------------------------------------------------------


class InconsistentDeletePolicy(Rule):
    """## What it does
    Flags a ForeignKey without `ondelete=` to a table that other ForeignKeys
    reference with an `ondelete=` rule.

    ## Why is this bad?
    The project has decided what deleting a row of that table does to the rows
    pointing at it (cascade, set NULL, restrict), except here: deleting the
    parent then fails with an IntegrityError on this table only, or leaves it
    behind, depending on the database.

    ## Example
    ```python
    class Comment(Base):
        post_id = Column(ForeignKey("posts.id", ondelete="CASCADE"))

    class Like(Base):
        post_id = Column(ForeignKey("posts.id"))
    ```

    ## Use instead
    ```python
        post_id = Column(ForeignKey("posts.id", ondelete="CASCADE"))
    ```
    (or the rule this table needs: `SET NULL`, `RESTRICT`, stated on purpose).
    """

    code = "ORM408"
    name = "inconsistent-delete-policy"
    severity = Severity.INFO
    summary = "a ForeignKey without ondelete= to a table others reference with one"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        from ormlint.index import foreign_key_target

        by_target: dict[int, tuple[TableInfo, list[tuple[ColumnInfo, Optional[str], bool]]]] = {}
        for column in ctx.index.all_columns():
            if column.table is None:
                continue
            for ref in column.foreign_keys:
                target = foreign_key_target(ctx.index, ref, column.table.metadata)
                if target.status != "resolved" or target.table is None or target.table is column.table:
                    continue
                by_target.setdefault(id(target.table), (target.table, []))[1].append((column, ref.ondelete, ref.ondelete_absent))
        for table, refs in by_target.values():
            rules = sorted({(c.label, rule) for c, rule, _ in refs if rule})
            if not rules:
                continue
            label, rule = rules[0]
            for column, _, absent in refs:
                if absent:
                    where = f"`{table.name}`" if table.name else "its table"
                    message = f"`{column.label}` references {where} without ondelete=, while `{label}` says ondelete='{rule}'."
                    yield self.line_diagnostic(column.path, column.span, message, "State this table's delete rule: ondelete='CASCADE', 'SET NULL' or 'RESTRICT'.")

    VALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)

class Comment(Base):
    __tablename__ = "comments"
    id = Column(Integer, primary_key=True)
    post_id = Column(ForeignKey("posts.id", ondelete="CASCADE"))

class Like(Base):
    __tablename__ = "likes"
    id = Column(Integer, primary_key=True)
    post_id = Column(ForeignKey("posts.id", ondelete="RESTRICT"))
""",
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)

class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))

class Like(Base):
    __tablename__ = "likes"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()
RULE = {"ondelete": "CASCADE"}

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    parent_id = Column(ForeignKey("posts.id"))

class Comment(Base):
    __tablename__ = "comments"
    id = Column(Integer, primary_key=True)
    post_id = Column(ForeignKey("posts.id", ondelete="CASCADE"))

class Like(Base):
    __tablename__ = "likes"
    id = Column(Integer, primary_key=True)
    post_id = Column(ForeignKey("posts.id", **RULE))
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)

class Comment(Base):
    __tablename__ = "comments"
    id = Column(Integer, primary_key=True)
    post_id = Column(ForeignKey("posts.id", ondelete="CASCADE"))

class Like(Base):
    __tablename__ = "likes"
    id = Column(Integer, primary_key=True)
    post_id = Column(ForeignKey("posts.id"))  # ORM408
""",
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)

class Token(Base):
    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))

class Session_(Base):
    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(User.id))  # ORM408
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Team(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    team_id = db.Column(db.Integer, db.ForeignKey("team.id", ondelete="SET NULL"), nullable=True)

class Invite(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    team_id = db.Column(db.Integer, db.ForeignKey("team.id"))  # ORM408
""",
        },
    ]
