"""ORM301, ORM307: indexes of foreign keys, and indexes declared twice."""

from __future__ import annotations

from typing import Iterator, NamedTuple, Optional

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.dialects import foreign_keys_auto_indexed
from ormlint.expr import Span, span_line, span_col
from ormlint.index import ProjectIndex
from ormlint.rules.base import Rule, RuleContext, listed
from ormlint.schema import ColumnInfo, ForeignKeyRef, TableInfo
from ormlint.test_paths import is_test_path


class IndexDefinition(NamedTuple):
    """One index a table gets: a column flag, an index, a constraint, or its primary key."""

    columns: tuple[Optional[str], ...]  # column keys; None for an expression
    kind: str  # how it is written, for messages
    path: str
    span: Span
    unique: bool
    primary: bool = False
    # A partial or special index (a condition, an operator class): it does not
    # serve every lookup of its columns.
    partial: bool = False


def index_definitions(table: TableInfo) -> list[IndexDefinition]:
    """Every index the table gets."""
    found: list[IndexDefinition] = []
    # An explicit PrimaryKeyConstraint is the primary key: SQLAlchemy takes its
    # columns over any `primary_key=True` flags and emits one `PRIMARY KEY`
    # clause, so flags that restate it are no second index.
    explicit_primary = any(c.kind == "PrimaryKeyConstraint" and c.columns for c in table.constraints)
    primary = [c for c in table.columns if c.primary_key]
    if primary and not explicit_primary:
        found.append(IndexDefinition(tuple(c.column_key for c in primary), "primary key", primary[0].path, primary[0].span, True, True))
    for column in table.columns:
        if column.index or column.unique:
            kind = "unique=True" if column.unique else "index=True"
            found.append(IndexDefinition((column.column_key,), kind, column.path, column.span, column.unique))
    for constraint in table.constraints:
        if constraint.kind in ("Index", "UniqueConstraint", "PrimaryKeyConstraint") and constraint.columns:
            unique = constraint.kind != "Index" or constraint.unique
            kind = "unique Index" if constraint.unique else constraint.kind
            kind = f"{kind} (partial or special)" if constraint.qualified else kind
            found.append(IndexDefinition(constraint.columns, kind, constraint.path, constraint.span, unique,
                                         constraint.kind == "PrimaryKeyConstraint", constraint.qualified))
    return found


def leads_an_index(index: ProjectIndex, table: TableInfo, column: ColumnInfo) -> bool:
    """The column is the leading column of some index, unique constraint or
    primary key; or a foreign key in a project for MySQL alone, which indexes
    every foreign key itself (`ormlint.dialects`)."""
    if column.foreign_keys and foreign_keys_auto_indexed(index.databases):
        return True
    return index_leads_with(index, table, [column])


def index_leads_with(index: ProjectIndex, table: TableInfo, columns: list[ColumnInfo]) -> bool:
    """Some index, unique constraint or primary key of the table (or an index an
    Alembic revision creates) has exactly these columns first, in any order."""
    width = len(columns)
    keys = {c.column_key for c in columns}
    if any(set(d.columns[:width]) == keys for d in index_definitions(table)):
        return True
    # Revisions name database columns, or keys where they equal the names.
    names = {c.name for c in columns}
    created = index.migration_indexes.get(table.name or "", [])
    return any(set(leading[:width]) in (keys, names) for leading in created)


def foreign_key_served(index: ProjectIndex, table: TableInfo, ref: ForeignKeyRef) -> bool:
    """Some index leads with all the local columns of the foreign key `ref` is
    part of; or, for a key of several columns, a unique index or the primary
    key is made of some of them (phoenix's `(kind, id)` with `id` the primary
    key: the lookup by both finds the one row by `id`)."""
    columns = [c for c in table.columns if any(r.constraint_id == ref.constraint_id for r in c.foreign_keys)]
    # A column whose key cannot be read may be what an index leads with.
    if any(c.column_key is None for c in columns) or index_leads_with(index, table, columns):
        return True
    keys = {c.column_key for c in columns}
    return len(keys) > 1 and any(
        d.unique and d.columns and set(d.columns) <= keys and not d.partial for d in index_definitions(table)
    )


class ForeignKeyWithoutIndex(Rule):
    """## What it does
    Flags a foreign key column that is not the leading column of any index,
    unique constraint or primary key: not `index=True`, not first in an
    `Index(...)`/`UniqueConstraint(...)` of the model or of a module-level
    `Index(...)`, and not indexed by an Alembic revision (`op.create_index`,
    `index=True` in `op.create_table`, `CREATE INDEX` in `op.execute`, also
    one run only under a condition). A column of a composite foreign key
    (`ForeignKeyConstraint(["workspace", "name"], ...)`) is not flagged when an
    index or the primary key leads with all the key's columns, in any order:
    that index serves the foreign key's lookups; nor when a unique index or
    the primary key is made of some of the key's columns (`(kind, id)` with
    `id` the primary key: the lookup finds its row by `id`).

    Not reported on a column that says `index=False`: its author decided
    (polar writes it where another index already leads with the column).

    Not reported on a table of a database the project maps but never creates,
    while it does create another one (`metadata.create_all()`, an Alembic
    `env.py`'s `target_metadata`, `op.create_table`, `__table__.create()`):
    calibre-web maps the library database Calibre writes, indexes and all.

    Not reported on the tables of models defined in tests (`tests/`,
    `test_*.py`, `conftest.py`): a fixture's table holds a handful of rows,
    and no load an index would serve (ORM302 leaves tests' queries alone so).

    Not reported in a project written for MySQL (or MariaDB) alone, whose
    modules import its dialect or a driver of it, or write its URLs
    (`"mysql+pymysql://..."`, `URL.create(drivername="mysql+aiomysql")`),
    and name no other database: InnoDB creates an index for every foreign
    key that has none.

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
        # A mixin's column is one line shared by every table that uses it: one
        # diagnostic there, naming each of them.
        by_line: dict[tuple[str, Span], list[ColumnInfo]] = {}
        for table in ctx.index.tables:
            # Unknown attributes do not matter here (they cannot be indexes);
            # unknown `__table_args__` or base classes might hold one.
            if not table.constraints_known or table.name is None or ctx.index.creation.never_created(table):
                continue
            if is_test_path(table.path):
                continue  # a fixture's table: a handful of rows, no load to serve
            for column in table.columns:
                if not column.foreign_keys or column.column_key is None or column.index_declined:
                    continue
                if leads_an_index(ctx.index, table, column):
                    continue
                # A later column of a composite foreign key is served by an
                # index that leads with all the key's columns.
                if all(foreign_key_served(ctx.index, table, ref) for ref in column.foreign_keys):
                    continue
                by_line.setdefault((column.path, column.span), []).append(column)
        for (path, span), columns in by_line.items():
            column = columns[0]
            labels = list(dict.fromkeys(c.label for c in columns))
            tables = list(dict.fromkeys(c.table.display for c in columns if c.table is not None))
            if len(labels) == 1:
                message = f"`{labels[0]}` is a foreign key without an index: queries by it and deletes of the parent scan table `{tables[0]}`."
            else:
                message = (
                    f"{listed(labels)} are foreign keys without an index: queries by them and deletes of the "
                    f"parent scan tables {listed(tables)}."
                )
            hint = f"Add `index=True` to `{column.key}` (or an Index that leads with it)."
            yield self.line_diagnostic(path, span, message, hint)

    VALID = [
        """
from sqlalchemy import ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Evaluator(Base):
    __tablename__ = "evaluators"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    __table_args__ = (UniqueConstraint("kind", "id"),)

class CodeEvaluator(Base):
    # phoenix: the key (kind, id) finds its row by `id`, the primary key.
    __tablename__ = "code_evaluators"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    __table_args__ = (ForeignKeyConstraint(["kind", "id"], ["evaluators.kind", "evaluators.id"]),)
""",
        {
            "app/__init__.py": "",
            "tests/conftest.py": """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Author(Base):
    __tablename__ = "authors"
    id = Column(Integer, primary_key=True)

class Book(Base):
    # Flask-User's, advanced-alchemy's test fixtures: a throwaway SQLite file.
    __tablename__ = "books"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("authors.id"))
""",
        },
        {
            "app/settings.py": """
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import declarative_base

SettingsBase = declarative_base()

class Setting(SettingsBase):
    __tablename__ = "settings"
    id = Column(Integer, primary_key=True)
    value = Column(String)

def init_settings(url):
    engine = create_engine(url)
    SettingsBase.metadata.create_all(engine)
    return engine
""",
            "app/library.py": """
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

# The library database another program writes (with its indexes): mapped here,
# never created here.
LibraryBase = declarative_base()

class Book(LibraryBase):
    __tablename__ = "books"
    id = Column(Integer, primary_key=True)

class BookFile(LibraryBase):
    __tablename__ = "book_files"
    id = Column(Integer, primary_key=True)
    book_id = Column(Integer, ForeignKey("books.id"), nullable=False)
""",
        },
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Image(Base):
    __tablename__ = "images"
    id = Column(Integer, primary_key=True)

class Template(Base):
    # indico: the author opts out of the index, in so many words.
    __tablename__ = "templates"
    id = Column(Integer, primary_key=True)
    background_image_id = Column(Integer, ForeignKey("images.id"), index=False, nullable=True)
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.dialects.mysql import LONGTEXT
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Parent(Base):
    __tablename__ = "parents"
    id = Column(Integer, primary_key=True)

class Child(Base):
    # sync-engine: written for MySQL alone; InnoDB indexes the foreign key.
    __tablename__ = "children"
    id = Column(Integer, primary_key=True)
    body = Column(LONGTEXT)
    parent_id = Column(Integer, ForeignKey("parents.id"), nullable=False)
""",
        {
            # AgentGPT: MySQL named only by the URL its settings build.
            "app/settings.py": """
from yarl import URL

def db_url(host: str) -> URL:
    return URL.build(scheme="mysql+aiomysql", host=host, path="/app")
""",
            "app/models.py": """
from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

engine = create_async_engine("mysql+aiomysql://app@db/app")

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)

class UserSession(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"))
""",
        },
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
        """
from sqlalchemy import Column, ForeignKeyConstraint, Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Skill(Base):
    __tablename__ = "skills"
    workspace = Column(String(63), primary_key=True)
    name = Column(String(128), primary_key=True)

class SkillVersion(Base):
    __tablename__ = "skill_versions"
    workspace = Column(String(63), nullable=False)
    name = Column(String(128), nullable=False)
    version = Column(Integer, nullable=False)
    __table_args__ = (
        PrimaryKeyConstraint("workspace", "name", "version"),
        ForeignKeyConstraint(["workspace", "name"], ["skills.workspace", "skills.name"]),
    )

class Guardrail(Base):
    __tablename__ = "guardrails"
    id = Column(Integer, primary_key=True)
    skill_workspace = Column(String(63), nullable=False)
    skill_name = Column(String(128), nullable=False)
    __table_args__ = (
        ForeignKeyConstraint(["skill_workspace", "skill_name"], ["skills.workspace", "skills.name"]),
        Index("ix_guardrails_skill", "skill_name", "skill_workspace"),
    )
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Skill(db.Model):
    workspace = db.Column(db.String(63), primary_key=True)
    name = db.Column(db.String(128), primary_key=True)

class Prompt(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    skill_workspace = db.Column(db.String(63))
    skill_name = db.Column(db.String(128))
    __table_args__ = (db.ForeignKeyConstraint(["skill_workspace", "skill_name"], ["skill.workspace", "skill.name"]),)
""",
            "migrations/versions/0001_init.py": """
from alembic import op

revision = "0001"
down_revision = None

def upgrade():
    op.create_index("ix_prompt_skill", "prompt", ["skill_name", "skill_workspace", "id"])
""",
        },
    ]
    INVALID = [
        {
            # MySQL in the application's URL, SQLite in its tests: not MySQL alone.
            "app/models.py": """
from sqlalchemy import Column, ForeignKey, Integer, create_engine
from sqlalchemy.orm import declarative_base

engine = create_engine("mysql+pymysql://app@db/app")
Base = declarative_base()

class Parent(Base):
    __tablename__ = "parents"
    id = Column(Integer, primary_key=True)

class Child(Base):
    __tablename__ = "children"
    id = Column(Integer, primary_key=True)
    parent_id = Column(Integer, ForeignKey("parents.id"), nullable=False)  # ORM301
""",
            "tests/conftest.py": """
from sqlalchemy import create_engine

engine = create_engine("sqlite:///:memory:")
""",
        },
        """
from sqlalchemy import ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Evaluator(Base):
    __tablename__ = "evaluators"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    __table_args__ = (UniqueConstraint("kind", "id"),)

class Run(Base):
    # The key's columns hold no unique column of this table: each lookup scans.
    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluator_kind: Mapped[str] = mapped_column(String(20))  # ORM301
    evaluator_id: Mapped[int]  # ORM301
    __table_args__ = (ForeignKeyConstraint(["evaluator_kind", "evaluator_id"], ["evaluators.kind", "evaluators.id"]),)
""",
        # SQLModel puts the fields of the bases first: the primary key is
        # (user_id, team_id, id), which serves user_id, not team_id (bisheng).
        """
from typing import Optional
from sqlmodel import Field, SQLModel

class Account(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)

class Team(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)

class MembershipBase(SQLModel):
    user_id: Optional[int] = Field(default=None, foreign_key="account.id", primary_key=True)
    team_id: Optional[int] = Field(default=None, foreign_key="team.id", primary_key=True)  # ORM301

class Membership(MembershipBase, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
""",
        {
            "app/settings.py": """
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import declarative_base

SettingsBase = declarative_base()

class Setting(SettingsBase):
    __tablename__ = "settings"
    id = Column(Integer, primary_key=True)
    value = Column(String)

def init_settings(url):
    engine = create_engine(url)
    SettingsBase.metadata.create_all(engine)
    return engine
""",
            "app/library.py": """
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

LibraryBase = declarative_base()

class Book(LibraryBase):
    __tablename__ = "books"
    id = Column(Integer, primary_key=True)

class BookFile(LibraryBase):
    __tablename__ = "book_files"
    id = Column(Integer, primary_key=True)
    book_id = Column(Integer, ForeignKey("books.id"), nullable=False)  # ORM301

def init_library(engine):
    LibraryBase.metadata.create_all(engine)
""",
        },
        {
            "models.py": """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.dialects.mysql import LONGTEXT
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Parent(Base):
    __tablename__ = "parents"
    id = Column(Integer, primary_key=True)

class Child(Base):
    __tablename__ = "children"
    id = Column(Integer, primary_key=True)
    body = Column(LONGTEXT)
    parent_id = Column(Integer, ForeignKey("parents.id"), nullable=False)  # ORM301
""",
            # Also run on PostgreSQL, which does not index foreign keys.
            "db.py": "import psycopg2\n",
        },
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
        """
from sqlalchemy import Column, ForeignKeyConstraint, Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Skill(Base):
    __tablename__ = "skills"
    workspace = Column(String(63), primary_key=True)
    name = Column(String(128), primary_key=True)

class SkillTag(Base):
    __tablename__ = "skill_tags"
    workspace = Column(String(63), nullable=False)
    key = Column(String(63), nullable=False)
    name = Column(String(128), nullable=False)  # ORM301
    __table_args__ = (
        PrimaryKeyConstraint("workspace", "key", "name"),
        ForeignKeyConstraint(["workspace", "name"], ["skills.workspace", "skills.name"]),
    )

class Guardrail(Base):
    __tablename__ = "guardrails"
    id = Column(Integer, primary_key=True)
    skill_workspace = Column(String(63), nullable=False)
    skill_name = Column(String(128), nullable=False)  # ORM301
    __table_args__ = (
        ForeignKeyConstraint(["skill_workspace", "skill_name"], ["skills.workspace", "skills.name"]),
        Index("ix_guardrails_skill_workspace", "skill_workspace"),
    )
""",
    ]


class RedundantIndex(Rule):
    """## What it does
    Flags an index that duplicates another on the same table: the same column
    list indexed twice, `index=True` or `unique=True` on the primary key, or an
    `Index(...)` next to a unique constraint over the same columns. The
    duplicate of a primary key is the redundant one, then the plain index next
    to a unique one, else the later definition. A `PrimaryKeyConstraint` that
    restates the `primary_key=True` columns is not flagged: SQLAlchemy emits a
    single `PRIMARY KEY` clause, the constraint only names it.

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
            # The one to keep comes first: the primary key (a table has exactly
            # one), then a unique index (it also enforces uniqueness), then in
            # the order written. Every later definition is the redundant one.
            definitions = sorted(index_definitions(table), key=lambda d: (not d.primary, not d.unique, d.path, span_line(d.span), span_col(d.span)))
            kept: dict[tuple[Optional[str], ...], IndexDefinition] = {}
            for definition in definitions:
                columns = definition.columns
                if None in columns or definition.partial:
                    continue
                first = kept.setdefault(columns, definition)
                if first is definition:
                    continue
                same_line = first.path == definition.path and span_line(first.span) == span_line(definition.span)
                where = "" if same_line else f" ({first.path}:{span_line(first.span)})"
                message = f"{definition.kind} on `{table.display}` ({', '.join(str(c) for c in columns)}) duplicates its {first.kind}{where}."
                yield self.line_diagnostic(definition.path, definition.span, message, "Remove the duplicate; the other index already serves these columns.")

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
        """
from sqlalchemy import Column, PrimaryKeyConstraint, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Dataset(Base):
    __tablename__ = "datasets"
    dataset_id = Column(String(36), primary_key=True)
    name = Column(String(255))
    __table_args__ = (PrimaryKeyConstraint("dataset_id", name="datasets_pk"),)
""",
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
        """
import sqlalchemy as sa
from sqlalchemy import Column, Index, Integer, String
from sqlalchemy.orm import declarative_base

class ModelBase:
    # aodh: a dict-like model. Attributes set on an instance add no column.
    def update(self, values):
        for key, value in values.items():
            setattr(self, key, value)

Base = declarative_base(cls=ModelBase)

class Quota(Base):
    __tablename__ = "quota"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "resource"),
        Index("ix_%s_project_id_resource" % __tablename__, "project_id", "resource"),  # ORM307
    )
    id = Column(Integer, primary_key=True)
    project_id = Column(String(128), nullable=False)
    resource = Column(String(50), nullable=False)
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
        """
from sqlalchemy import Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Domain(Base):
    __tablename__ = "domains"
    id = Column(Integer, primary_key=True)

class Certificate(Base):
    __tablename__ = "certificates"
    id = Column(Integer, primary_key=True)

class CertificateAssociation(Base):
    __tablename__ = "certificate_associations"
    __table_args__ = (Index("certificate_associations_ix", "domain_id", "certificate_id", unique=True),)  # ORM307
    domain_id = Column(Integer, ForeignKey("domains.id"), primary_key=True)
    certificate_id = Column(Integer, ForeignKey("certificates.id"), primary_key=True)

class Endpoint(Base):
    __tablename__ = "endpoints"
    id = Column(Integer, primary_key=True)
    code = Column(String(20), index=True)  # ORM307
    serial = Column(String(20), index=True)  # ORM307
    __table_args__ = (
        UniqueConstraint("code"),
        Index("ix_endpoints_serial", "serial", unique=True),
    )
""",
    ]
