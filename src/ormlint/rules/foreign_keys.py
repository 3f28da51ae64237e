"""ORM101-ORM104: ForeignKey targets and their types."""

from __future__ import annotations

from typing import Iterator

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.index import ForeignKeyTarget, foreign_key_target, repeated_foreign_key_constraints
from ormlint.knowledge import COMPARABLE_FAMILIES
from ormlint.rules.base import Rule, RuleContext, suggestion
from ormlint.schema import ColumnInfo, ForeignKeyRef, TableInfo


def _foreign_keys(ctx: RuleContext) -> Iterator[tuple[TableInfo, ColumnInfo, ForeignKeyRef, ForeignKeyTarget]]:
    for table in ctx.index.tables:
        # A ForeignKey restated as a ForeignKeyConstraint is one foreign key: report it once.
        repeated = repeated_foreign_key_constraints(ctx.index, table)
        for column in table.columns:
            for ref in column.foreign_keys:
                if ref.constraint_id in repeated:
                    continue
                target = foreign_key_target(ctx.index, ref, table.metadata, ctx.settings.external_tables)
                yield table, column, ref, target


def _metadata_label(metadata: str) -> str:
    kind, _, name = metadata.partition(":")
    if kind == "flask":
        return f"the metadata of `{name.rsplit('.', 1)[-1]}` ({name})"
    if kind in ("base", "metadata", "registry"):
        return f"the metadata of `{name}`"
    return "SQLModel.metadata" if metadata == "sqlmodel" else metadata


class ForeignKeyUnknownTable(Rule):
    """## What it does
    Checks that every `ForeignKey('table.column')` (and SQLModel `foreign_key=`,
    `ForeignKeyConstraint` target) names a table defined in the same MetaData:
    by a mapped class, a `Table()` object, or the `external_tables` setting.

    ## Why is this bad?
    SQLAlchemy resolves the string only when the tables are created or the
    mappers configured, and then raises `NoReferencedTableError`. A table that
    lives in another declarative base's MetaData cannot be referenced by name
    either: each MetaData is its own namespace.

    A column's ForeignKey restated as a `ForeignKeyConstraint` in
    `__table_args__` (same columns, same target) is one foreign key and is
    reported once, at the first declaration.

    ## Example
    ```python
    class Post(Base):
        __tablename__ = "posts"
        id = Column(Integer, primary_key=True)
        author_id = Column(Integer, ForeignKey("user.id"))  # the table is "users"
    ```

    ## Use instead
    ```python
        author_id = Column(Integer, ForeignKey("users.id"))
    ```

    ## Options
    `external_tables`: tables managed outside the code (by another service or raw SQL).
    """

    code = "ORM101"
    name = "fk-unknown-table"
    severity = Severity.ERROR
    summary = "ForeignKey names a table that does not exist in its MetaData"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for table, column, ref, target in _foreign_keys(ctx):
            if target.status != "no-table":
                continue
            parts = ref.split_target()
            assert parts is not None
            table_name = parts[1]
            if target.elsewhere:
                where = target.elsewhere[0]
                message = (
                    f"`{column.label}` references table `{table_name}`, which is not in {_metadata_label(table.metadata)}; "
                    f"it is defined by `{where.defined_by}` in {_metadata_label(where.metadata)}."
                )
                hint = "Declare both models on the same declarative base (or MetaData), or reference the column object instead of a string."
            else:
                names = [t.name for t in ctx.index.tables_in(table.metadata) if t.name]
                message = f"`{column.label}` references table `{table_name}`, which no model or Table() defines."
                hint = ("Fix the table name in the ForeignKey, or list the table in `external_tables`." + suggestion(table_name, names)).strip()
            yield self.line_diagnostic(ref.path, ref.span, message, hint)

    VALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer, Table
from sqlalchemy.orm import declarative_base

Base = declarative_base()

# agenta: a stub of a table another program owns, in this MetaData, as a statement.
Table("users", Base.metadata, Column("id", Integer, primary_key=True))

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), index=True)
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("users.id"), index=True)
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("account.id"))
""",
        },
        """
from sqlmodel import Field, SQLModel

class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)

class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id")
""",
    ]
    INVALID = [
        {
            # osparc-simcore: the base wrapped in `typing.cast` for type checkers
            # (`cast` returns its argument); its metadata holds Core tables.
            "pkg/base.py": """
from typing import cast

import sqlalchemy.orm
from sqlalchemy.orm import DeclarativeMeta

Base = cast(DeclarativeMeta, sqlalchemy.orm.declarative_base())
metadata = Base.metadata
""",
            "pkg/models.py": """
import sqlalchemy as sa

from pkg.base import metadata

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("product", sa.String, sa.ForeignKey("products.name"), index=True),  # ORM101
)
""",
        },
        """
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table
from sqlalchemy.orm import declarative_base

Base = declarative_base()
other = MetaData()

# In another MetaData: the flush cannot find `users`.
Table("users", other, Column("id", Integer, primary_key=True))

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), index=True)  # ORM101
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("user.id"))  # ORM101
""",
        # The same ForeignKey restated as a ForeignKeyConstraint is one foreign key, reported once.
        """
from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("user.id"), index=True)  # ORM101
    __table_args__ = (ForeignKeyConstraint(["author_id"], ["user.id"]),)
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("accounts.id"))  # ORM101
""",
        },
        {
            "models/base.py": """
from sqlalchemy.orm import DeclarativeBase

class Base(DeclarativeBase):
    pass

class LegacyBase(DeclarativeBase):
    pass
""",
            "models/user.py": """
from sqlalchemy.orm import Mapped, mapped_column
from models.base import Base

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
            "models/audit.py": """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column
from models.base import LegacyBase

class AuditEntry(LegacyBase):
    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # ORM101
""",
        },
    ]


class ForeignKeyUnknownColumn(Rule):
    """## What it does
    Checks that the column a `ForeignKey('table.column')` names exists in that table.

    ## Why is this bad?
    SQLAlchemy raises `NoReferencedColumnError` when the tables are created or the
    mappers configured: the application fails at start-up or at its first query.
    A ForeignKey restated as a `ForeignKeyConstraint` is reported once.

    ## Example
    ```python
    class Post(Base):
        __tablename__ = "posts"
        author_id = Column(Integer, ForeignKey("users.user_id"))  # users has `id`
    ```

    ## Use instead
    ```python
        author_id = Column(Integer, ForeignKey("users.id"))
    ```
    """

    code = "ORM102"
    name = "fk-unknown-column"
    severity = Severity.ERROR
    summary = "ForeignKey names a column its table does not have"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for _table, column, ref, target in _foreign_keys(ctx):
            if target.status != "no-column" or target.table is None:
                continue
            parts = ref.split_target()
            assert parts is not None
            names = [c.column_key for c in target.table.columns if c.column_key]
            message = f"`{column.label}` references `{target.table.display}.{parts[2]}`, but table `{target.table.display}` has no column `{parts[2]}`."
            hint = ("Reference an existing column of the table." + suggestion(parts[2], names)).strip()
            yield self.line_diagnostic(ref.path, ref.span, message, hint)

    VALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class BaseMixin:
    id = Column(Integer, primary_key=True)

class Entity(Base, BaseMixin):
    # zou: the mixin's column, named in the class body.
    __tablename__ = "entity"
    id = BaseMixin.id

class Task(Base, BaseMixin):
    __tablename__ = "task"
    entity_id = Column(Integer, ForeignKey("entity.id"), index=True)
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("users.id"))
""",
        """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Owner(Base):
    __tablename__ = "owners"
    owner_id: Mapped[str] = mapped_column("ownerId", String(36), primary_key=True)

class Pet(Base):
    __tablename__ = "pets"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.ownerId"))
""",
        """
from sqlmodel import Field, SQLModel

class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)

class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id")
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class BaseMixin:
    id = Column(Integer, primary_key=True)

class Entity(Base, BaseMixin):
    # zou: the mixin's column, named in the class body.
    __tablename__ = "entity"
    id = BaseMixin.id

class Task(Base, BaseMixin):
    __tablename__ = "task"
    entity_id = Column(Integer, ForeignKey("entity.uid"), index=True)  # ORM102
""",
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("users.user_id"))  # ORM102
""",
        """
from sqlmodel import Field, SQLModel

class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)

class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.team_id")  # ORM102
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

tags = db.Table(
    "tags",
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.ident")),  # ORM102
    db.Column("page_id", db.Integer, db.ForeignKey("page.id")),
)

class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Page(db.Model):
    id = db.Column(db.Integer, primary_key=True)
""",
        },
    ]


def _type_text(column: ColumnInfo) -> str:
    return column.type.display


class ForeignKeyTypeMismatch(Rule):
    """## What it does
    Compares the type of a foreign key column with the type of the column it
    references, by type family (integer, string, uuid, datetime, ...).

    ## Why is this bad?
    PostgreSQL refuses to create the constraint ("incompatible types"), other
    databases compare values through implicit casts that defeat indexes, and the
    ORM moves values of one type into a column of another. The first audit in
    ormlint's seeds found `user_id = Column(String(100), ForeignKey('users.id'))`
    against an `Integer` key in eleven models.

    A column typed only by its annotation (`account_id: Mapped[str] =
    mapped_column(ForeignKey("accounts.id"))`) is reported too, with its own
    message: SQLAlchemy takes such a column's SQL type from the ForeignKey, so
    the database is consistent, but the attribute holds the key's values
    (integers) while every reader and type checker trusts the annotation (`str`).

    ## Example
    ```python
    class UserPoints(db.Model):
        user_id = db.Column(db.String(100), db.ForeignKey("users.id"))  # users.id is Integer
    ```

    ## Use instead
    ```python
        user_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    ```
    or drop the type and let the ForeignKey supply it: `db.Column(db.ForeignKey("users.id"))`.
    """

    code = "ORM103"
    name = "fk-type-mismatch"
    severity = Severity.ERROR
    summary = "foreign key column type differs from the referenced column's type"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for _table, column, ref, target in _foreign_keys(ctx):
            referenced = target.column
            if target.status != "resolved" or referenced is None:
                continue
            mine, theirs = column.type, referenced.type
            if column.type_from_foreign_key or referenced.typed_by_foreign_key:
                continue
            if not (mine.known and theirs.known) or mine.family == theirs.family:
                continue
            if mine.family not in COMPARABLE_FAMILIES or theirs.family not in COMPARABLE_FAMILIES:
                continue
            if column.sql_type_from_foreign_key:
                # The database column gets the key's type; what is wrong is the
                # annotation, which every reader of the attribute trusts.
                message = (
                    f"`{column.label}` is annotated as {mine.display} ({mine.family}) but references "
                    f"`{referenced.label}` of type {theirs.display} ({theirs.family}): SQLAlchemy gives the column "
                    f"the type of its ForeignKey, so the attribute holds {theirs.family} values, not {mine.family}."
                )
                hint = f"Annotate `{column.key}` with the Python type of `{referenced.label}` ({theirs.display})."
            else:
                message = (
                    f"`{column.label}` is {mine.display} ({mine.family}) but references "
                    f"`{referenced.label}` of type {theirs.display} ({theirs.family})."
                )
                hint = f"Declare `{column.key}` with the type of `{referenced.label}` ({theirs.display}), or drop the column type and let the ForeignKey supply it."
            yield self.line_diagnostic(column.path, column.span, message, hint)

    VALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("users.id"))
    editor_id = Column(ForeignKey("users.id"))
""",
        """
import uuid
from sqlalchemy import ForeignKey, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Org(Base):
    __tablename__ = "orgs"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)

class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(Org.id))
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/types.py": """
from sqlalchemy.types import TypeDecorator, String

class ShortCode(TypeDecorator):
    impl = String(12)
""",
            "app/models.py": """
from app import db
from app.types import ShortCode

class Country(db.Model):
    code = db.Column(ShortCode, primary_key=True)

class City(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    country_code = db.Column(db.String(12), db.ForeignKey("country.code"))
""",
        },
    ]
    INVALID = [
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models/user.py": """
from app import db

class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
""",
            "app/models/gamification.py": """
from app import db

class UserPoints(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.String(100), db.ForeignKey("users.id"), nullable=False)  # ORM103
""",
        },
        """
import uuid
from sqlalchemy import ForeignKey
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)

class ExpertProfile(Base):
    __tablename__ = "expert_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("user.id"))  # ORM103
""",
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)

class Invoice(Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))  # ORM103
""",
    ]


class ForeignKeySizeMismatch(Rule):
    """## What it does
    Flags a foreign key column of the same type family as the referenced column
    but a different size: `BigInteger` against `Integer`, `String(36)` against `String(100)`.

    ## Why is this bad?
    A referencing column narrower than its key overflows or truncates once the
    key grows past its range; a wider one hides the mismatch until then.

    ## Example
    ```python
    class Event(Base):
        user_id = Column(Integer, ForeignKey("users.id"))  # users.id is BigInteger
    ```

    ## Use instead
    ```python
        user_id = Column(BigInteger, ForeignKey("users.id"))
    ```
    """

    code = "ORM104"
    name = "fk-size-mismatch"
    severity = Severity.WARNING
    summary = "foreign key column size differs from the referenced column's size"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for _table, column, ref, target in _foreign_keys(ctx):
            referenced = target.column
            if target.status != "resolved" or referenced is None or column.typed_by_foreign_key:
                continue  # the column takes the target's type: same size
            mine, theirs = column.type, referenced.type
            if not (mine.known and theirs.known) or mine.family != theirs.family:
                continue
            if mine.size is None or theirs.size is None or mine.size == theirs.size:
                continue
            message = f"`{column.label}` is {mine.display} but references `{referenced.label}` of type {theirs.display}."
            hint = f"Declare `{column.key}` as {theirs.display} so both columns hold the same range of values."
            yield self.line_diagnostic(column.path, column.span, message, hint)

    VALID = [
        """
from sqlalchemy import BigInteger, Column, ForeignKey
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(BigInteger, primary_key=True)

class Event(Base):
    __tablename__ = "events"
    id = Column(BigInteger, primary_key=True)
    user_id = Column(BigInteger, ForeignKey("users.id"))
""",
        """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Country(Base):
    __tablename__ = "countries"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)

class City(Base):
    __tablename__ = "cities"
    id: Mapped[int] = mapped_column(primary_key=True)
    country_code: Mapped[str] = mapped_column(String(2), ForeignKey("countries.code"))
    other_code: Mapped[str] = mapped_column(String, ForeignKey("countries.code"))
""",
        # Typed only by its annotation, a ForeignKey column takes the key's SQL
        # type (`BigInteger`): `Mapped[int]` sets no size.
        """
from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)

class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("account.id"))
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import BigInteger, Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(BigInteger, primary_key=True)

class Event(Base):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))  # ORM104
""",
        """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Token(Base):
    __tablename__ = "tokens"
    value: Mapped[str] = mapped_column(String(100), primary_key=True)

class Session(Base):
    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(36), ForeignKey("tokens.value"))  # ORM104
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Account(db.Model):
    id = db.Column(db.BigInteger, primary_key=True)

class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.SmallInteger, db.ForeignKey("account.id"))  # ORM104
""",
        },
    ]
