"""ORM301, ORM307: indexes of foreign keys, and indexes declared twice."""

from __future__ import annotations

from typing import Iterator, Optional

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import Span, span_line, span_col
from ormlint.index import ProjectIndex
from ormlint.rules.base import Rule, RuleContext
from ormlint.schema import ColumnInfo, TableInfo


def index_definitions(table: TableInfo) -> list[tuple[tuple[Optional[str], ...], str, str, Span, bool]]:
    """Every index the table gets: (column keys, kind, path, span, unique)."""
    found: list[tuple[tuple[Optional[str], ...], str, str, Span, bool]] = []
    primary = [c for c in table.columns if c.primary_key]
    if primary:
        found.append((tuple(c.column_key for c in primary), "primary key", primary[0].path, primary[0].span, True))
    for column in table.columns:
        if column.index or column.unique:
            kind = "unique=True" if column.unique else "index=True"
            found.append(((column.column_key,), kind, column.path, column.span, column.unique))
    for constraint in table.constraints:
        if constraint.kind in ("Index", "UniqueConstraint", "PrimaryKeyConstraint") and constraint.columns:
            unique = constraint.kind != "Index"
            kind = f"{constraint.kind} (partial or special)" if constraint.qualified else constraint.kind
            found.append((constraint.columns, kind, constraint.path, constraint.span, unique))
    return found


def leads_an_index(index: ProjectIndex, table: TableInfo, column: ColumnInfo) -> bool:
    """The column is the leading column of some index, unique constraint or primary key."""
    key = column.column_key
    if any(columns and columns[0] == key for columns, *_ in index_definitions(table)):
        return True
    created = index.migration_indexes.get(table.name or "", [])
    return any(columns and columns[0] in (column.name, key) for columns in created)


class ForeignKeyWithoutIndex(Rule):
    """## What it does
    Flags a foreign key column that is not the leading column of any index,
    unique constraint or primary key: not `index=True`, not first in an
    `Index(...)`/`UniqueConstraint(...)` of the model or of a module-level
    `Index(...)`, and not indexed by an Alembic revision (`op.create_index`,
    `index=True` in `op.create_table`, `CREATE INDEX` in `op.execute`, also
    one run only under a condition).

    ## Why is this bad?
    PostgreSQL and most engines do not index foreign keys. Every "rows of this
    user" query and every delete of a parent scans the child table; every audit
    in ormlint's seeds lists such `user_id` columns.

    ## Example
    ```python
    class Payment(Base):
        user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    ```

    ## Use instead
    ```python
        user_id = Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    ```
    """

    code = "ORM301"
    name = "fk-without-index"
    severity = Severity.WARNING
    summary = "a foreign key column has no index"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for table in ctx.index.tables:
            # Unknown attributes do not matter here (they cannot be indexes);
            # unknown `__table_args__` or base classes might hold one.
            if not table.constraints_known or table.name is None:
                continue
            for column in table.columns:
                if not column.foreign_keys or column.column_key is None:
                    continue
                if leads_an_index(ctx.index, table, column):
                    continue
                message = f"`{column.label}` is a foreign key without an index: queries by it and deletes of the parent scan table `{table.display}`."
                hint = f"Add `index=True` to `{column.key}` (or an Index that leads with it)."
                yield self.line_diagnostic(column.path, column.span, message, hint)

    VALID = [
        """
from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Payment(Base):
    __tablename__ = "payments"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), index=True)
    payer_id = Column(Integer, ForeignKey("users.id"))
    __table_args__ = (Index("ix_payments_payer_created", "payer_id", "id"),)
""",
        """
from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Org(Base):
    __tablename__ = "orgs"
    id: Mapped[int] = mapped_column(primary_key=True)

class Member(Base):
    __tablename__ = "members"
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), primary_key=True)
    user: Mapped[str] = mapped_column(primary_key=True)

class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))

Index("ix_teams_org", Team.org_id)
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Project(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Task(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.Integer, db.ForeignKey("project.id"))
""",
            "migrations/versions/0001_init.py": """
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None

def upgrade():
    op.create_table("task", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("project_id", sa.Integer()))
    op.create_index("ix_task_project_id", "task", ["project_id"])
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Payment(Base):
    __tablename__ = "payments"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)  # ORM301
""",
        """
from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)

class Entry(Base):
    __tablename__ = "entries"
    __table_args__ = (Index("ix_entries_created_account", "created", "account_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    created: Mapped[int]
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))  # ORM301
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

tags = db.Table(
    "tags",
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
    db.Column("page_id", db.Integer, db.ForeignKey("page.id"), primary_key=True),  # ORM301
)

class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Page(db.Model):
    id = db.Column(db.Integer, primary_key=True)
""",
        },
    ]


class RedundantIndex(Rule):
    """## What it does
    Flags an index that duplicates another on the same table: the same column
    list indexed twice, `index=True` or `unique=True` on the primary key, or an
    `Index(...)` next to a unique constraint over the same columns.

    ## Why is this bad?
    Every write maintains both indexes, and they take twice the space, for no
    faster read.

    ## Example
    ```python
    id = Column(Integer, primary_key=True, index=True)
    ```

    ## Use instead
    ```python
    id = Column(Integer, primary_key=True)
    ```
    """

    code = "ORM307"
    name = "redundant-index"
    severity = Severity.WARNING
    summary = "an index duplicates another index of the table"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for table in ctx.index.tables:
            if not table.complete:
                continue
            definitions = sorted(index_definitions(table), key=lambda d: (d[2], span_line(d[3]), span_col(d[3])))
            seen: dict[tuple[Optional[str], ...], tuple[str, str, Span]] = {}
            for columns, kind, path, span, _unique in definitions:
                if None in columns or "partial or special" in kind:
                    continue
                first = seen.get(columns)
                if first is None:
                    seen[columns] = (kind, path, span)
                    continue
                where = "" if first[1] == path and span_line(first[2]) == span_line(span) else f" ({first[1]}:{span_line(first[2])})"
                message = f"{kind} on `{table.display}` ({', '.join(str(c) for c in columns)}) duplicates its {first[0]}{where}."
                yield self.line_diagnostic(path, span, message, "Remove the duplicate; the other index already serves these columns.")

    VALID = [
        """
from sqlalchemy import Column, Index, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200), unique=True, index=True)
    org = Column(Integer)
    __table_args__ = (Index("ix_users_org_email", "org", "email"),)
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(unique=True)
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(20), index=True)
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True, index=True)  # ORM307
""",
        """
from sqlalchemy import Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    __table_args__ = (Index("ix_tags_slug", "slug"),)  # ORM307
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(20))
    __table_args__ = (
        db.Index("ix_item_code", "code"),
        db.Index("ix_item_code_again", "code"),  # ORM307
    )
""",
        },
    ]
