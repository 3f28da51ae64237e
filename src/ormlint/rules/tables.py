"""ORM109-ORM111, ORM113-ORM115: tables, their columns and constraints."""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from typing import Iterator, Optional

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import Const, Name, span_line
from ormlint.index import foreign_key_target
from ormlint.knowledge import COMPARABLE_FAMILIES
from ormlint.rules.base import Rule, RuleContext, suggestion
from ormlint.schema import ColumnInfo, TableInfo
from ormlint.symbols import ClassRef
from ormlint.test_paths import is_test_path


def _definition_label(table: TableInfo) -> str:
    return f"`{table.mapped_class.name}`" if table.mapped_class else f"`Table('{table.name}')`"


def _definition_labels(first: TableInfo, second: TableInfo) -> tuple[str, str]:
    """The labels of two definitions of one table, told apart by their modules
    when the classes have the same name (`app.models.User`, `tests.models.User`)."""
    labels = (_definition_label(first), _definition_label(second))
    if labels[0] == labels[1] and first.mapped_class is not None and second.mapped_class is not None:
        return f"`{first.mapped_class.module}.{first.mapped_class.name}`", f"`{second.mapped_class.module}.{second.mapped_class.name}`"
    return labels


class DuplicateTableName(Rule):
    """## What it does
    Flags two mapped classes or `Table()` objects that define the same table
    name (and schema) in the same MetaData. The schema of a `@declared_attr`
    `__table_args__` is read where it returns a literal one; a table whose
    schema is computed (`return auto_table_args(cls, schema="events")`) is
    not compared.

    ## Why is this bad?
    SQLAlchemy raises "Table 'x' is already defined for this MetaData instance"
    as soon as the second module is imported, or, with `extend_existing`, merges
    two definitions silently.

    ## Example
    ```python
    class User(Base):
        __tablename__ = "users"

    class Account(Base):
        __tablename__ = "users"
    ```

    ## Use instead
    Give each class its own table, or map the second class onto the first's
    table through inheritance.
    """

    code = "ORM109"
    name = "duplicate-table"
    severity = Severity.ERROR
    summary = "two mapped classes or Table()s define the same table in one MetaData"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        groups: dict[tuple[str, Optional[str], str], list[TableInfo]] = defaultdict(list)
        for table in ctx.index.tables:
            if table.name is not None and table.schema_known and not table.metadata.startswith(("unknown:", "inline:")):
                groups[(table.metadata, table.schema, table.name)].append(table)
        for tables in groups.values():
            if len(tables) < 2 or any(t.extend_existing for t in tables):
                continue
            ordered = sorted(tables, key=lambda t: (t.path, span_line(t.span)))
            for position, other in enumerate(ordered[1:], start=1):
                # Only definitions that one process loads together collide.
                earlier = [t for t in ordered[:position] if ctx.index.coloaded(t.module, other.module)]
                if not earlier:
                    continue
                first = earlier[0]
                other_label, first_label = _definition_labels(other, first)
                message = (
                    f"{other_label} defines table `{other.display}`, already defined by "
                    f"{first_label} at {first.path}:{span_line(first.span)} in the same MetaData."
                )
                hint = "Rename one of the tables, or reuse the existing definition (inheritance, or import the Table object)."
                yield self.diagnostic(other.path, other.span, message, hint, whole_span=False)

    VALID = [
        """
from sqlalchemy import Column, Integer, String, Table
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Editor(Base):
    __tablename__ = "editors"
    editor_id = Column(Integer, primary_key=True)
    name = Column(String(100))

class ReflectedEditor:
    pass

# graphene-sqlalchemy: no column given, so the MetaData's table is looked up, not defined again.
editor_table = Table("editors", Base.metadata, autoload=True)
Base.registry.map_imperatively(ReflectedEditor, editor_table)
""",
        """
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import declared_attr

db = SQLAlchemy()

def table_args(cls, **kwargs):
    return dict(getattr(cls, "extra_args", {}), **kwargs)

class EditingTag(db.Model):
    __tablename__ = "tags"
    id = db.Column(db.Integer, primary_key=True)

    @declared_attr
    def __table_args__(cls):
        return (db.Index("ix_tags_title", cls.id), {"schema": "editing"})

class RegistrationTag(db.Model):
    __tablename__ = "tags"
    id = db.Column(db.Integer, primary_key=True)

    @declared_attr
    def __table_args__(cls):
        return {"schema": "registration"}

class CategoryPrincipal(db.Model):
    __tablename__ = "principals"
    id = db.Column(db.Integer, primary_key=True)

    @declared_attr
    def __table_args__(cls):
        return table_args(cls, schema="categories")

class EventPrincipal(db.Model):
    __tablename__ = "principals"
    id = db.Column(db.Integer, primary_key=True)

    @declared_attr
    def __table_args__(cls):
        return table_args(cls, schema="events")
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()
Other = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class LegacyUser(Other):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class UserView(Base):
    __tablename__ = "users"
    __table_args__ = {"extend_existing": True}
    id = Column(Integer, primary_key=True)
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Employee(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20))

class Manager(Employee):
    level = db.Column(db.Integer)
""",
        },
    ]
    INVALID = [
        """
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import declared_attr

db = SQLAlchemy()

class EditingTag(db.Model):
    __tablename__ = "tags"
    id = db.Column(db.Integer, primary_key=True)

    @declared_attr
    def __table_args__(cls):
        return (db.Index("ix_tags_id", cls.id),)

class RegistrationTag(db.Model):  # ORM109
    __tablename__ = "tags"
    id = db.Column(db.Integer, primary_key=True)
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Account(Base):  # ORM109
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/a.py": """
from app import db

class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
""",
            "app/b.py": """
from app import db

class Tag(db.Model):  # ORM109
    id = db.Column(db.Integer, primary_key=True)
""",
            "wsgi.py": "from app import a, b\n",
        },
        """
from sqlalchemy import Column, ForeignKey, Integer, Table
from sqlalchemy.orm import DeclarativeBase

class Base(DeclarativeBase):
    pass

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)

posts = Table(  # ORM109
    "posts",
    Base.metadata,
    Column("id", Integer, primary_key=True),
)
""",
    ]


_AUXILIARY_DIRS = frozenset({"tests", "test", "testing", "examples", "example", "docs", "doc", "docs_src"})


def _directories(path: str, module: str) -> set[str]:
    """The directories a file lies in, as reached from the PATH and as its
    module's packages: `ormlint .` run inside `examples/` still knows that
    `examples.auth.main` is example code."""
    return {*path.replace("\\", "/").split("/")[:-1], *module.split(".")[:-1]}


def _is_auxiliary(path: str, module: str = "") -> bool:
    """Test, example and documentation code: programs of their own."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return bool(_AUXILIARY_DIRS & _directories(path, module)) or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def _is_migration_support(table: TableInfo) -> bool:
    """Code of an Alembic environment (`migrations/shared/utils.py` that
    revisions import): its models are partial snapshots of tables, mapping
    only the columns one data migration needs, on a throwaway base."""
    return bool({"migrations", "alembic"} & _directories(table.path, table.module))


def _same_application(ctx: RuleContext, first: TableInfo, second: TableInfo, application_metadata: frozenset[str]) -> bool:
    """Two mappings describe one database when they are loaded together, or
    when both belong to the application itself (not tests, examples or docs).
    Two mappings of test (or example) code are each their own throwaway
    schema, even when pytest loads them into one process: a test module with
    its own declarative base creates and drops its own tables. So is one
    mapping of test code on a MetaData no mapping of the application uses
    (`application_metadata`): a stub of the table on a base of the tests'
    own, for an in-memory database."""
    first_auxiliary, second_auxiliary = _is_auxiliary(first.path, first.module), _is_auxiliary(second.path, second.module)
    if first_auxiliary and second_auxiliary:
        return False
    if (first_auxiliary and first.metadata not in application_metadata) or (second_auxiliary and second.metadata not in application_metadata):
        return False
    if _is_migration_support(first) or _is_migration_support(second):
        return False
    if ctx.index.coloaded(first.module, second.module):
        return True
    return not _is_auxiliary(first.path, first.module) and not _is_auxiliary(second.path, second.module)


def _refers_to(ctx: RuleContext, table: TableInfo, other: TableInfo) -> bool:
    """Whether the module mapping `table` uses the class mapping `other`: reads
    an attribute of it (`dm.Message.id`, `Message.query`) or calls it
    (`Message(...)`), not only imports it. datanommer's migration script maps
    the old database's `messages` table as `OldMessage` and writes each row
    into the new one through `dm.Message`: the code itself holds them apart,
    as the tables of two databases."""
    mapped, wanted = table.mapped_class, other.mapped_class
    facts = ctx.index.modules.get(table.module)
    if mapped is None or wanted is None or facts is None or ctx.index.symbols is None or mapped.module == wanted.module:
        return False
    imported = {name for name, _, _, _, _ in facts.imports}
    used: set[str] = set()
    for scope in facts.scopes:
        used.update(base for base, _, _, _, _, _ in scope.attributes)
        used.update(call.func.dotted for call in scope.calls if isinstance(call.func, Name))
    target = ClassRef(wanted.module, wanted.name)
    symbols = ctx.index.symbols
    return any(name.partition(".")[0] in imported and symbols.resolve(table.module, name) == target for name in used)


def _truth_of(tables: list[TableInfo], globs: tuple[str, ...]) -> Optional[TableInfo]:
    if globs:
        matching = [t for t in tables if any(fnmatch.fnmatch(t.path, g) or fnmatch.fnmatch(t.path, f"*/{g}") for g in globs)]
        return matching[0] if len(matching) == 1 else None
    # The mapping with the most columns; on a tie, the first by path, so the
    # disagreement is still reported, on one side, deterministically.
    return sorted(tables, key=lambda t: (-len(t.columns), t.path))[0]


class TableMappedTwiceDiffers(Rule):
    """## What it does
    Compares the classes that map the same table name on different declarative
    bases (for example `model.py` generated by sqlcodegen and `db/models.py`
    written by hand) and reports each column that differs: missing, of another
    type family, or of other nullability. A column missing from a mapping is
    reported on that mapping's class line. Mappings are compared
    when they describe one database: loaded together, or both part of the
    application; two mappings in tests or examples are separate throwaway
    schemas (each test module with its own base creates and drops its tables),
    as is a mapping in tests on a base of the tests' own (a stub of the table
    for an in-memory database),
    and a mapping in an Alembic environment's code (`migrations/shared/*.py`,
    imported by revisions) is a partial snapshot of the table for one data
    migration. Nor are two mappings compared when the module of one uses the
    class of the other (`new.Message(topic=old.topic)` beside `OldMessage`):
    the code copies rows between two databases' tables of one name.

    ## Why is this bad?
    Two pictures of one table drift apart: code that uses one mapping writes
    rows the other cannot read, and migrations generated from either are wrong.

    ## Example
    ```python
    # model.py
    class Users(BaseA):
        __tablename__ = "users"
        id = mapped_column(Text, primary_key=True)
        wallet = mapped_column(Text, nullable=False)

    # db/models.py
    class User(BaseB):
        __tablename__ = "users"
        id = mapped_column(Integer, primary_key=True)   # differs
    ```

    ## Use instead
    Keep one mapping per table, or make the second agree column by column.

    ## Options
    `source_of_truth`: glob of the file whose mapping is right. Without it, the
    mapping with the most columns is taken as the truth.
    """

    code = "ORM110"
    name = "table-mappings-differ"
    severity = Severity.WARNING
    summary = "one table is mapped on two bases and the mappings disagree"
    several_per_location = True  # each missing column, at the mapping's class line

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        groups: dict[tuple[Optional[str], str], list[TableInfo]] = defaultdict(list)
        for table in ctx.index.tables:
            if table.name is not None and table.mapped_class is not None and table.complete:
                # A MetaData's `schema=` holds its tables without a schema of their
                # own (renku: `users.users` and `resource_pools.users`).
                schema = table.schema or ctx.index.metadata_schemas.get(table.metadata)
                if schema != "?":
                    groups[(schema, table.name)].append(table)
        application_metadata = frozenset(t.metadata for t in ctx.index.tables if not _is_auxiliary(t.path, t.module))
        for tables in groups.values():
            if len({t.metadata for t in tables}) < 2:
                continue
            truth = _truth_of(tables, ctx.settings.source_of_truth)
            if truth is None:
                continue
            for other in tables:
                if other.metadata == truth.metadata or not _same_application(ctx, truth, other, application_metadata):
                    continue
                if _refers_to(ctx, truth, other) or _refers_to(ctx, other, truth):
                    continue  # one module holds both, as two tables: a copy from one database to another
                yield from self._compare(truth, other)

    def _compare(self, truth: TableInfo, other: TableInfo) -> Iterator[Diagnostic]:
        truth_label, other_label = _definition_labels(truth, other)
        for column in truth.columns:
            if column.name is None:
                continue
            mine = other.column_named(column.name)
            if mine is None:
                # At the class line, one per column (`several_per_location`).
                message = f"{other_label} maps table `{other.display}` without column `{column.name}`, which {truth_label} ({truth.path}) has."
                yield self.diagnostic(other.path, other.span, message, f"Add `{column.name}` to {other_label} or remove it from {truth_label}.", whole_span=False)
                continue
            if mine.type.known and column.type.known and mine.type.family != column.type.family and {mine.type.family, column.type.family} <= COMPARABLE_FAMILIES:
                message = f"`{mine.label}` is {mine.type.display} but {truth_label} maps `{column.name}` of table `{truth.display}` as {column.type.display}."
                yield self.line_diagnostic(mine.path, mine.span, message, f"Declare `{mine.key}` as {column.type.display}, like {truth.path}.")
            elif mine.nullable is not None and column.nullable is not None and mine.nullable != column.nullable and not (mine.primary_key or column.primary_key):
                message = f"`{mine.label}` is {'nullable' if mine.nullable else 'NOT NULL'} but {truth_label} maps `{column.name}` as {'nullable' if column.nullable else 'NOT NULL'}."
                yield self.line_diagnostic(mine.path, mine.span, message, f"Set nullable={column.nullable} on `{mine.key}`, like {truth.path}.")
        for mine in other.columns:
            if mine.name is not None and truth.column_named(mine.name) is None:
                message = f"`{mine.label}` maps column `{mine.name}` of table `{other.display}`, which {truth_label} ({truth.path}) does not have."
                yield self.line_diagnostic(mine.path, mine.span, message, f"Remove `{mine.key}` or add it to {truth_label}.")

    VALID = [
        {
            # renku: two bases whose MetaData have their own schemas: `users.users`
            # and `resource_pools.users` are two tables.
            "app/users.py": """
from sqlalchemy import Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class UsersBase(DeclarativeBase):
    metadata = MetaData(schema="users")

class User(UsersBase):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
""",
            "app/pools.py": """
from sqlalchemy import Boolean, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

metadata_obj = MetaData(schema="resource_pools")

class PoolsBase(DeclarativeBase):
    metadata = metadata_obj

class User(PoolsBase):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    no_default_access: Mapped[bool] = mapped_column(Boolean, default=False)
""",
        },
        {
            "app/models.py": """
from sqlalchemy import Column, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Slice(Base):
    __tablename__ = "slices"
    id = Column(Integer, primary_key=True)
    slice_name = Column(String(250))
    viz_type = Column(String(250))
    params = Column(Text)
    datasource_id = Column(Integer)
""",
            "app/migrations/shared/viz.py": """
from sqlalchemy import Column, Integer, String, Text
from sqlalchemy.orm import declarative_base

from app.models import Slice as CurrentSlice

Base = declarative_base()

class Slice(Base):
    # Superset: the columns one data migration reads, frozen.
    __tablename__ = "slices"
    id = Column(Integer, primary_key=True)
    viz_type = Column(String(250))
    params = Column(Text)
""",
        },
        {
            "tests/test_forms.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(100), nullable=False)
    bio = Column(String(200))
""",
            "tests/test_ajax.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(16))
""",
        },
        {
            "model.py": """
from sqlalchemy import Column, Integer, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Users(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(Text, nullable=False)
""",
            "db/models.py": """
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(200))
""",
        },
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class A(Base):
    __tablename__ = "a"
    id = Column(Integer, primary_key=True)

class B(Base):
    __tablename__ = "b"
    id = Column(Integer, primary_key=True)
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\nreporting = SQLAlchemy()\n",
            "app/models.py": """
from app import db, reporting

class Event(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)

class EventRow(reporting.Model):
    __tablename__ = "event"
    id = reporting.Column(reporting.Integer, primary_key=True)
    name = reporting.Column(reporting.String(50), nullable=False)
""",
        },
        {
            "app/__init__.py": "",
            "app/models.py": """
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class FileRecord(Base):
    __tablename__ = "file_record"
    file_id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    size: Mapped[int] = mapped_column(Integer)
""",
            "tests/test_store.py": """
from sqlalchemy import String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import app.models

class TestBase(DeclarativeBase):
    pass

class FileRecord(TestBase):
    # onyx: a stub of the table on the tests' own base, for an in-memory database.
    __tablename__ = "file_record"
    file_id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)

def test_create():
    TestBase.metadata.create_all(create_engine("sqlite://"))
""",
        },
        {
            "app/models.py": """
from sqlalchemy import Column, Integer, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Message(Base):
    __tablename__ = "messages"
    id = Column(Integer, primary_key=True)
    topic = Column(Text, nullable=False)
    headers = Column(Text)
""",
            # datanommer: the rows of the old database's `messages`, copied into the new one.
            "app/copy_old.py": """
from sqlalchemy import Column, Integer, Text, select
from sqlalchemy.orm import declarative_base

import app.models as new

OldBase = declarative_base()

class OldMessage(OldBase):
    __tablename__ = "messages"
    id = Column(Integer, primary_key=True)
    topic = Column(Text)

def copy(old_session, new_session):
    for old in old_session.scalars(select(OldMessage)):
        new_session.add(new.Message(topic=old.topic))
""",
        },
    ]
    INVALID = [
        {
            "app/models.py": """
from sqlalchemy import Column, Integer, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Message(Base):
    __tablename__ = "messages"
    id = Column(Integer, primary_key=True)
    topic = Column(Text, nullable=False)
    headers = Column(Text)
""",
            # Only the engine's URL comes from the models: not a copy between two tables.
            "app/copy_old.py": """
from sqlalchemy import Column, Integer, Text
from sqlalchemy.orm import declarative_base

from app.models import Base as NewBase

OldBase = declarative_base()

class OldMessage(OldBase):  # ORM110
    __tablename__ = "messages"
    id = Column(Integer, primary_key=True)
    topic = Column(Text)  # ORM110
""",
        },
        {
            "app/__init__.py": "",
            "app/models.py": """
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class FileRecord(Base):
    __tablename__ = "file_record"
    file_id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    size: Mapped[int] = mapped_column(Integer)
""",
            "app/archive.py": """
from sqlalchemy import Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class ArchiveBase(DeclarativeBase):
    pass

class Archive(ArchiveBase):
    __tablename__ = "archive"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
""",
            "tests/test_store.py": """
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.archive import ArchiveBase
import app.models

class FileRecord(ArchiveBase):  # ORM110
    # On a base the application uses: the same database as its archive.
    __tablename__ = "file_record"
    file_id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
""",
        },
        {
            "model.py": """
from sqlalchemy import Column, Integer, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Users(Base):
    __tablename__ = "users"
    id = Column(Text, primary_key=True)
    walletAddress = Column(Text, nullable=False)
    username = Column(Text)
""",
            "db/models.py": """
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):  # ORM110
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # ORM110
    wallet_address: Mapped[str] = mapped_column("walletAddress", String)
""",
        },
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\nreporting = SQLAlchemy()\n",
            "app/models.py": """
from app import db, reporting

class Event(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    kind = db.Column(db.String(10))

class EventRow(reporting.Model):  # ORM110
    __tablename__ = "event"
    id = reporting.Column(reporting.Integer, primary_key=True)
    name = reporting.Column(reporting.String(50), nullable=True)  # ORM110
""",
        },
        {
            "schema.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Project(Base):
    __tablename__ = "projects"
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)
    status = Column(String(20), nullable=False)
    owner = Column(String(20), nullable=False)
""",
            "app.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

AppBase = declarative_base()

class Project(AppBase):  # ORM110
    __tablename__ = "projects"
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)
    label = Column(String(20))  # ORM110
""",
        },
    ]


class MissingPrimaryKey(Rule):
    """## What it does
    Flags a concrete mapped class whose table has no primary key column, own or
    inherited from a mixin or abstract base. Not reported when a column is
    annotated with a name from a library ormlint cannot read (`Mapped[StrPK]`
    with `StrPK` imported from elsewhere): an alias
    `Annotated[str, mapped_column(primary_key=True)]` would make it the key.

    ## Why is this bad?
    SQLAlchemy refuses to map it: "could not assemble any primary key columns
    for mapped table". Flask-SQLAlchemy then also skips the generated table name.

    ## Example
    ```python
    class AuditEntry(Base):
        __tablename__ = "audit_entries"
        message = Column(Text)
    ```

    ## Use instead
    ```python
    class AuditEntry(Base):
        __tablename__ = "audit_entries"
        id = Column(Integer, primary_key=True)
        message = Column(Text)
    ```
    """

    code = "ORM111"
    name = "missing-primary-key"
    severity = Severity.ERROR
    summary = "a mapped class has no primary key"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for mapped in ctx.index.classes:
            table = mapped.table
            if not mapped.own_table or table is None or mapped.inheritance is not None:
                continue
            if not mapped.complete or not table.complete or mapped.has_table_override or mapped.mapper_primary_key:
                continue
            if any(c.primary_key for c in table.columns) or any(c.kind == "PrimaryKeyConstraint" for c in table.constraints):
                continue
            if any(c.may_be_key for c in table.columns):
                continue  # `Mapped[StrPK]`, an alias from a library: perhaps the key
            message = f"`{mapped.name}` maps table `{table.display}` without any primary key column."
            hint = "Add a primary key column (`id = Column(Integer, primary_key=True)`), or mark the class `__abstract__ = True` if it is a base."
            yield self.diagnostic(mapped.path, mapped.span, message, hint, whole_span=False)

    VALID = [
        """
from sqlalchemy.orm import DeclarativeBase, Mapped

from shared.coltypes import StrPK  # a library's `Annotated[str, mapped_column(primary_key=True)]`?

class Base(DeclarativeBase):
    pass

class Setting(Base):
    # meltano: the key comes with the alias, which ormlint cannot read.
    __tablename__ = "settings"
    name: Mapped[StrPK]
    value: Mapped[str]
""",
        """
from sqlalchemy import Column, Integer, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    text = Column(Text)
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True)

class Note(IdMixin, Base):
    __tablename__ = "notes"
    text: Mapped[str]

class Tagging(Base):
    __tablename__ = "taggings"
    note_id: Mapped[int]
    tag: Mapped[str]
    __table_args__ = (PrimaryKeyConstraint("note_id", "tag"),)

from sqlalchemy import PrimaryKeyConstraint
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Base(db.Model):
    __abstract__ = True
    created = db.Column(db.DateTime)

class Item(Base):
    id = db.Column(db.Integer, primary_key=True)

class SpecialItem(Item):
    extra = db.Column(db.String(10))
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class AuditEntry(Base):  # ORM111
    __tablename__ = "audit_entries"
    message = Column(Text)
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Setting(Base):  # ORM111
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column()
    value: Mapped[str]

# Types of the standard library are no aliases.
from datetime import datetime
from decimal import Decimal

class Price(Base):  # ORM111
    __tablename__ = "prices"
    at: Mapped[datetime]
    amount: Mapped[Decimal]
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Log(db.Model):  # ORM111
    __tablename__ = "logs"
    line = db.Column(db.Text)
""",
        },
    ]


class ConstraintUnknownColumn(Rule):
    """## What it does
    Checks that every column an `Index`, `UniqueConstraint`,
    `PrimaryKeyConstraint` or `ForeignKeyConstraint` names (as a string, in
    `__table_args__` or `Table()`) exists in the table, and that an `Index`
    names a column at all (`Index("user_id")` is an index named `user_id`
    over nothing).

    ## Why is this bad?
    SQLAlchemy raises a `KeyError`/`ArgumentError` while building the table, so
    the module cannot be imported; a renamed column leaves its index behind.

    ## Example
    ```python
    __table_args__ = (Index("ix_users_mail", "mail"),)  # the column is `email`
    ```

    ## Use instead
    ```python
    __table_args__ = (Index("ix_users_email", "email"),)
    ```
    """

    code = "ORM113"
    name = "constraint-unknown-column"
    severity = Severity.ERROR
    summary = "an index or constraint names a column the table lacks"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for table in ctx.index.tables:
            if not table.complete:
                continue
            names = [c.column_key for c in table.columns if c.column_key]
            if any(c.column_key is None for c in table.columns):
                continue
            for constraint in table.constraints:
                if constraint.kind == "Index" and not constraint.columns and not constraint.qualified:
                    # AgentGPT's `Index("user_id")`: the column taken for the index's name.
                    message = f"Index `{constraint.name or '?'}` on table `{table.display}` names no column: it indexes nothing."
                    hint = "An Index's first argument is its name, the columns follow: `Index(\"ix_<table>_<column>\", \"<column>\")`."
                    yield self.line_diagnostic(constraint.path, constraint.span, message, hint)
                    continue
                for column in constraint.columns:
                    if column is None or table.column(column) is not None:
                        continue
                    message = f"{constraint.kind} on table `{table.display}` names column `{column}`, which the table does not have."
                    hint = ("Name an existing column." + suggestion(column, names)).strip()
                    yield self.line_diagnostic(constraint.path, constraint.span, message, hint)

    VALID = [
        """
from sqlalchemy import Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

COLUMNS = ("user_id",)

class Agent(Base):
    # The columns unpacked: ormlint cannot count them.
    __tablename__ = "agent"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    __table_args__ = (Index("ix_agent_user_id", *COLUMNS),)
""",
        """
from sqlalchemy import Column, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200))
    org = Column(Integer)
    __table_args__ = (Index("ix_users_email", "email"), UniqueConstraint("org", "email"))
""",
        """
from sqlalchemy import Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Pet(Base):
    __tablename__ = "pets"
    __table_args__ = (Index("ix_pets_owner", "ownerId"), {"schema": "zoo"})
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[str] = mapped_column("ownerId", String(36))
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

tags = db.Table(
    "tags",
    db.Column("tag_id", db.Integer),
    db.Column("page_id", db.Integer),
    db.PrimaryKeyConstraint("tag_id", "page_id"),
)
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Agent(Base):
    # AgentGPT: the column given where the name goes.
    __tablename__ = "agent"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    __table_args__ = (Index("user_id"),)  # ORM113
""",
        """
from sqlalchemy import Column, Index, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200))
    __table_args__ = (Index("ix_users_mail", "mail"),)  # ORM113
""",
        """
from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("org_id", "user"),  # ORM113
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int]
    user_id: Mapped[int]
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

tags = db.Table(
    "tags",
    db.Column("tag_id", db.Integer),
    db.Column("page_id", db.Integer),
    db.PrimaryKeyConstraint("tag_id", "post_id"),  # ORM113
)
""",
        },
    ]


class ColumnWithoutType(Rule):
    """## What it does
    Flags a column with an explicit `type_=None`, or a `Column()` /
    `mapped_column()` with no type, no ForeignKey to take one from, and no
    `Mapped[...]` annotation to infer one from.

    ## Why is this bad?
    The column gets SQLAlchemy's `NullType`: `CREATE TABLE` fails ("can't render
    element of type NullType") and the model silently disagrees with the
    migration that created the real column.

    ## Example
    ```python
    alert_context = Column("alert_context", type_=None, nullable=True)
    ```

    ## Use instead
    ```python
    alert_context = Column("alert_context", JSONB, nullable=True)
    ```
    """

    code = "ORM114"
    name = "column-without-type"
    severity = Severity.ERROR
    summary = "a column has no type"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for column in ctx.index.all_columns():
            if column.explicit_none_type:
                message = f"`{column.label}` is declared with `type_=None`: SQLAlchemy gives it NullType."
            elif column.missing_type:
                message = f"`{column.label}` has no type and no ForeignKey to take one from: SQLAlchemy gives it NullType."
            else:
                continue
            yield self.line_diagnostic(column.path, column.span, message, "Give the column its real type, as the migration created it.")

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
    author_id = Column(ForeignKey("users.id"))
""",
        """
from typing import Optional
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[Optional[str]] = mapped_column()
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column("item_name", db.String(20))
""",
        },
    ]
    INVALID = [
        """
from typing import Optional
from sqlalchemy import Column
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class TeacherIntervention(Base):
    __tablename__ = "teacher_interventions"
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_context: Mapped[Optional[dict]] = Column(  # ORM114
        "alert_context",
        type_=None,
        nullable=True,
    )
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Setting(Base):
    __tablename__ = "settings"
    id = Column(Integer, primary_key=True)
    value = Column(nullable=True)  # ORM114
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column("item_label")  # ORM114
""",
        },
    ]


def _candidate_tables(prefix: str) -> set[str]:
    names = {prefix, prefix + "s", prefix + "es"}
    if prefix.endswith("y"):
        names.add(prefix[:-1] + "ies")
    return names


def _scoped_table_exists(owner: Optional[str], candidates: set[str], names: set[str]) -> bool:
    """Whether a table named like the candidates but scoped by the owner's
    prefix exists: for `message_id` of `chat_file`, a `chat_message` table
    (the id may well be one of its rows rather than of `message`)."""
    if not owner:
        return False
    parts = owner.split("_")
    prefixes = {"_".join(parts[:length]) for length in range(1, len(parts) + 1)}
    return any(f"{prefix}_{candidate}" in names for prefix in prefixes for candidate in candidates)


def _same_key_type(ctx: RuleContext, table: TableInfo, column: ColumnInfo, target_name: str) -> bool:
    """The column's type family is the target's primary key family (an
    `account_id` string next to an integer `accounts.id` is some other id)."""
    targets = ctx.index.find_tables(table.metadata, target_name, None)
    if len(targets) != 1:
        return False
    keys = [c for c in targets[0].columns if c.primary_key]
    if len(keys) != 1 or not keys[0].type.known or not column.type.known:
        return False
    return keys[0].type.family == column.type.family


# Foreign keys one revision drops, creating none, from which on a missing one
# is a policy, not an oversight (skyvern's "drop most foreign keys" revision
# drops 36, and its later tables are made without any).
_NO_FOREIGN_KEYS_POLICY = 10


def _drops_foreign_keys_by_policy(ctx: RuleContext) -> bool:
    """Some revision drops `_NO_FOREIGN_KEYS_POLICY` foreign keys or more and
    creates none (an autogenerated revision that drops and creates them again,
    as open-event-server's do, changes them; it does not give them up)."""
    for facts in ctx.index.modules.values():
        if not facts.is_migration:
            continue
        dropped = sum(1 for op in facts.migration_ops if op.kind == "drop_constraint" and _drops_foreign_key(op.name, op.other))
        if dropped >= _NO_FOREIGN_KEYS_POLICY and not any(op.kind == "fk" for op in facts.migration_ops):
            return True
    return False


def _drops_foreign_key(name: Optional[str], dropped: str) -> bool:
    """`op.drop_constraint(name, table, type_="foreignkey")`, or a name saying `fk` when the type is not given."""
    return bool(name) and (dropped == "foreignkey" or not dropped and (name or "").lower().startswith("fk"))


def _dropped_foreign_keys(ctx: RuleContext) -> dict[str, set[str]]:
    """The names of the foreign key constraints Alembic revisions drop, by table
    (lower case): `op.drop_constraint("fk_artifact__flow_run_id__flow_run",
    "artifact", type_="foreignkey")`, or a name that says `fk` when the type is
    not given."""
    dropped: dict[str, set[str]] = defaultdict(set)
    for facts in ctx.index.modules.values():
        if not facts.is_migration:
            continue
        for op in facts.migration_ops:
            if op.kind == "drop_constraint" and op.name and _drops_foreign_key(op.name, op.other):
                dropped[op.table.lower()].add(op.name.lower())
    return dropped


def _migrated_apart(ctx: RuleContext) -> dict[str, set[int]]:
    """Table name (lower-cased) -> the Alembic environments (by position) whose
    revisions create it; empty unless the project has several environments
    and what each creates is known. Two tables that no environment creates
    together are migrated apart, as tables of two databases are (agenta's core
    and tracing databases): a foreign key between them cannot exist."""
    from ormlint.migrations import environments
    from ormlint.rules.migrations import created_by

    envs = environments(ctx.index.modules, ctx.alembic_configs)
    if len(envs) < 2:
        return {}
    made = [created_by(env) for env in envs]
    where: dict[str, set[int]] = defaultdict(set)
    for position, names in enumerate(made):
        if names is None:
            return {}
        for name in names:
            where[name].add(position)
    return where


def _references_back(ctx: RuleContext, table: TableInfo, target_name: str) -> bool:
    """Table `target_name` has a ForeignKey to `table` (`nodes.allocation_id`
    for `allocations.node_id`): the two reference each other, and a second
    constraint would make a cycle that `metadata.create_all` cannot order."""
    for target in ctx.index.find_tables(table.metadata, target_name, None):
        for column in target.columns:
            for ref in column.foreign_keys:
                found = foreign_key_target(ctx.index, ref, target.metadata)
                if found.table is table:
                    return True
    return False


def _placeholder_default(column: ColumnInfo) -> bool:
    """A default of 0 or "" (`Field(default=0)`, `server_default="0"`): rows that
    link to nothing hold a value no row of the other table has (bisheng's
    `AssistantLink.knowledge_id`), so the reference cannot have a foreign key."""
    return any(
        isinstance(value, Const) and not isinstance(value.value, bool) and value.value in (0, "", "0")
        for key, value in column.defaults if key in ("default", "server_default")
    )


class IdColumnWithoutForeignKey(Rule):
    """## What it does
    Flags a `<name>_id` column without a ForeignKey when a table named `<name>`
    (or its plural) exists in the same MetaData: `user_id` next to `users`.

    ## Why is this bad?
    Without the constraint the database accepts ids of rows that do not exist
    and keeps ids of rows that were deleted. The fourth audit in ormlint's seeds
    found nine such `user_id` columns.

    Not reported when a table scoped by the owner's prefix could be meant as
    well: `message_id` of `chat_file` next to both `message` and
    `chat_message`; nor when that table already has a ForeignKey to this one
    (`nodes.allocation_id` for `allocations.node_id`): a constraint each way
    makes a cycle (`create_all` warns that it cannot sort the tables), so one
    side is left without it on purpose; nor when an Alembic revision dropped
    the column's foreign key (`op.drop_constraint("fk_artifact__flow_run_id__flow_run",
    "artifact", type_="foreignkey")`: prefect removed it on purpose), and not
    at all in a project where one revision drops ten foreign keys or more and
    creates none (a policy of doing without them); nor when the two tables
    are created by the revisions of two different Alembic environments and
    by no one environment together (two databases: a foreign key cannot
    cross them); nor when
    its default is 0 or an empty string, which stands for "no link" and which
    a foreign key would refuse; nor when a comment at the end of the column's
    line, or in the comments right above it, says it is not a foreign key
    (`# Not a foreign key: the log outlives the process instance.`); nor on
    tables defined in tests (a `tests/` directory, `test_*.py`, `conftest.py`),
    which live in a throwaway database. (No table rule reads the tables of a
    migration: an Alembic revision, or a sqlalchemy-migrate change script,
    `def upgrade(migrate_engine):`, whose tables are a past schema.)

    ## Example
    ```python
    class UsageEvent(Base):
        user_id = Column(Integer, nullable=False)  # table `users` exists
    ```

    ## Use instead
    ```python
        user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    ```
    """

    code = "ORM115"
    name = "id-column-without-fk"
    severity = Severity.WARNING
    summary = "a `<name>_id` column has no ForeignKey although table `<name>` exists"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        tables_by_metadata: dict[str, list[TableInfo]] = defaultdict(list)
        for table in ctx.index.tables:
            if table.name:
                tables_by_metadata[table.metadata].append(table)
        dropped = _dropped_foreign_keys(ctx)
        apart: Optional[dict[str, set[int]]] = None  # `_migrated_apart`, when first needed
        if _drops_foreign_keys_by_policy(ctx):
            return  # a revision dropped foreign keys by the dozen: the project does without them
        # Lines a comment says are not foreign keys, by file.
        declined = {facts.path: facts.no_foreign_key_lines for facts in ctx.index.modules.values() if facts.no_foreign_key_lines}
        for table in ctx.index.tables:
            if is_test_path(table.path):
                continue  # a test's table lives in a throwaway database (as for ORM301)
            names = {t.name for t in tables_by_metadata[table.metadata] if t.name and ctx.index.coloaded(t.module, table.module)}
            owner = table.mapped_class
            if owner is not None and any(r.has_join_condition for c in [owner, *owner.descendants()] for r in c.relationships.values()):
                continue  # the class joins on its own terms: the missing FK is deliberate
            for column in table.columns:
                name = column.name or ""
                if not name.endswith("_id") or column.foreign_keys or column.primary_key or len(name) <= 3:
                    continue
                if any(column.name in c.columns for c in table.constraints if c.kind == "ForeignKeyConstraint"):
                    continue
                if _placeholder_default(column):
                    continue  # `default=0`: "no link" is a value no foreign key would accept
                if span_line(column.span) in declined.get(column.path, ()):
                    continue  # `# not a foreign key: ...`: the author says why
                if any(name.lower() in dropped_name for dropped_name in dropped.get((table.name or "").lower(), ())):
                    continue  # a revision dropped its foreign key: left out on purpose
                candidates = _candidate_tables(name[:-3])
                if _scoped_table_exists(table.name, candidates, names):
                    continue  # `message_id` of `chat_files` next to `chat_messages` and `messages`: which one?
                targets = sorted(candidates & names)
                targets = [t for t in targets if t != table.name and _same_key_type(ctx, table, column, t)]
                if not targets:
                    continue
                if _references_back(ctx, table, targets[0]):
                    continue  # a FK this way too would close a cycle: left out on purpose
                if apart is None:
                    apart = _migrated_apart(ctx)
                own, target = apart.get((table.name or "").lower()), apart.get(targets[0].lower())
                if own and target and not own & target:
                    continue  # created by the migrations of another database
                message = f"`{column.label}` looks like a reference to table `{targets[0]}` but has no ForeignKey."
                hint = (f"Add `ForeignKey(\"{targets[0]}.id\")` (or the key it references) so the database enforces the reference; "
                        f"choose its `ondelete=` (\"CASCADE\", \"SET NULL\") for when a `{targets[0]}` row is deleted.")
                yield self.line_diagnostic(column.path, column.span, message, hint)

    VALID = [
        {
            "app/models.py": """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Tenant(Base):
    __tablename__ = "tenant"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
            # bisheng: a test's own table, in a throwaway database.
            "tests/test_tenant_filter.py": """
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, Tenant

class TenantItem(Base):
    __tablename__ = "tenant_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int]
""",
        },
        """
from sqlmodel import Field, SQLModel

class Knowledge(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)

class Tool(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)

class AgentLink(SQLModel, table=True):
    # bisheng: each row links to a tool or a knowledge base; 0 is "none".
    id: int | None = Field(default=None, primary_key=True)
    tool_id: int = Field(default=0, index=True)
    knowledge_id: int = Field(default=0, index=True)
""",
        {
            "models.py": """
import uuid
from typing import Optional

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class FlowRun(Base):
    __tablename__ = "flow_run"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)

class Artifact(Base):
    __tablename__ = "artifact"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    flow_run_id: Mapped[Optional[uuid.UUID]] = mapped_column(index=True)
""",
            "migrations/versions/0002_drop.py": """
from alembic import op

revision = "0002"
down_revision = "0001"

def upgrade():
    # prefect: the foreign key goes, on purpose.
    op.drop_constraint("fk_artifact__flow_run_id__flow_run", "artifact", type_="foreignkey")
""",
        },
        {
            "models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Owner(Base):
    __tablename__ = "owners"
    id = Column(Integer, primary_key=True)

class Script(Base):
    __tablename__ = "scripts"
    id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, index=True)
""",
            # skyvern: one revision gave up the foreign keys; later tables are made without.
            "migrations/versions/0002_drop_most_foreign_keys.py": """
from alembic import op

revision = "0002"
down_revision = "0001"

def upgrade():
    op.drop_constraint("fk_t0_owner", "t0", type_="foreignkey")
    op.drop_constraint("fk_t1_owner", "t1", type_="foreignkey")
    op.drop_constraint("fk_t2_owner", "t2", type_="foreignkey")
    op.drop_constraint("fk_t3_owner", "t3", type_="foreignkey")
    op.drop_constraint("fk_t4_owner", "t4", type_="foreignkey")
    op.drop_constraint("fk_t5_owner", "t5", type_="foreignkey")
    op.drop_constraint("fk_t6_owner", "t6", type_="foreignkey")
    op.drop_constraint("fk_t7_owner", "t7", type_="foreignkey")
    op.drop_constraint("fk_t8_owner", "t8", type_="foreignkey")
    op.drop_constraint("fk_t9_owner", "t9", type_="foreignkey")
""",
        },
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Node(Base):
    __tablename__ = "nodes"
    id = Column(Integer, primary_key=True)
    allocation_id = Column(Integer, ForeignKey("allocations.id"), index=True)

class Allocation(Base):
    __tablename__ = "allocations"
    id = Column(Integer, primary_key=True)
    # ironic: nodes already references allocations; a ForeignKey back would
    # make a cycle that create_all cannot sort.
    node_id = Column(Integer)
""",
        """
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import CHAR, TypeDecorator

class GUID(TypeDecorator):
    # Gramps Web: UUID on PostgreSQL, 32 hex characters elsewhere.
    impl = CHAR
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(UUID())
        return dialect.type_descriptor(CHAR(32))

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "user"
    id = mapped_column(GUID, primary_key=True)

class TaskLog(Base):
    __tablename__ = "task_log"
    task_id = mapped_column(sa.String(155), primary_key=True)
    user_id = mapped_column(sa.String, index=True)
""",
        """
from sqlalchemy import Column, Integer, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Message(Base):
    __tablename__ = "message"
    id = Column(Text, primary_key=True)

class ChatMessage(Base):
    __tablename__ = "chat_message"
    id = Column(Text, primary_key=True)

class ChatFile(Base):
    __tablename__ = "chat_file"
    id = Column(Integer, primary_key=True)
    message_id = Column(Text)
""",
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
    user_id = Column(Integer, ForeignKey("users.id"))
    stripe_customer_id = Column(Integer)
""",
        """
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Org(Base):
    __tablename__ = "orgs"
    id: Mapped[int] = mapped_column(primary_key=True)

class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (ForeignKeyConstraint(["org_id"], ["orgs.id"]),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int]
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Mirror(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer)
    account = db.relationship(
        "Account", primaryjoin="foreign(Mirror.account_id) == Account.id"
    )
""",
        },
        {
            # agenta: the core and the tracing database, each with its migrations.
            "app/__init__.py": "",
            "app/base.py": "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
            "app/main.py": "from app.core_models import Project\nfrom app.tracing_models import Event\n",
            "app/core_models.py": """
from sqlalchemy import Column, Integer, String

from app.base import Base

class Project(Base):
    __tablename__ = "projects"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
""",
            "app/tracing_models.py": """
from sqlalchemy import Column, Integer

from app.base import Base

class Event(Base):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    project_id = Column(Integer, nullable=False, index=True)
""",
            "app/migrations/core/alembic.ini": "[alembic]\nscript_location = app/migrations/core\n",
            "app/migrations/core/env.py": "target_metadata = None\n",
            "app/migrations/core/versions/c001.py": """
import sqlalchemy as sa
from alembic import op

revision = "c001"
down_revision = None

def upgrade():
    op.create_table("projects", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(50)))
""",
            "app/migrations/tracing/alembic.ini": "[alembic]\nscript_location = app/migrations/tracing\n",
            "app/migrations/tracing/env.py": "target_metadata = None\n",
            "app/migrations/tracing/versions/t001.py": """
import sqlalchemy as sa
from alembic import op

revision = "t001"
down_revision = None

def upgrade():
    op.create_table("events", sa.Column("id", sa.Integer, primary_key=True), sa.Column("project_id", sa.Integer, nullable=False))
""",
        },
        """
from sqlalchemy import Column, Integer, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class ProcessInstance(Base):
    __tablename__ = "process_instance"
    id: Mapped[int] = mapped_column(primary_key=True)

class ApiLog(Base):
    # spiff-arena: the author says why the constraint is left out.
    __tablename__ = "api_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    # not a foreign key so we can create and keep the log regardless of the
    # state or process instance
    process_instance_id: Mapped[int | None] = mapped_column(index=True)

audit = Table(
    "audit",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("process_instance_id", Integer),  # Intentionally NOT a foreign key: append-only.
)
""",
        {
            # balrog: a sqlalchemy-migrate change script, a snapshot of the first schema.
            "migrate/versions/001_initial.py": """
from sqlalchemy import Column, Integer, MetaData, String, Table

metadata = MetaData()

rules = Table("rules", metadata, Column("rule_id", Integer, primary_key=True), Column("mapping", String(100)))
rules_history = Table(
    "rules_history", metadata,
    Column("change_id", Integer, primary_key=True),
    Column("rule_id", Integer, nullable=False),
)

def upgrade(migrate_engine):
    metadata.bind = migrate_engine
    metadata.create_all()
""",
        },
    ]
    INVALID = [
        {
            "app/tables.py": """
from sqlalchemy import Column, Integer, MetaData, String, Table

metadata = MetaData()

rules = Table("rules", metadata, Column("rule_id", Integer, primary_key=True), Column("mapping", String(100)))
rules_history = Table(
    "rules_history", metadata,
    Column("change_id", Integer, primary_key=True),
    Column("rule_id", Integer, nullable=False),  # ORM115
)
""",
        },
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class ProcessInstance(Base):
    __tablename__ = "process_instance"
    id: Mapped[int] = mapped_column(primary_key=True)

class Run(Base):
    __tablename__ = "run"
    id: Mapped[int] = mapped_column(primary_key=True)

class Job(Base):
    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)

class ApiLog(Base):
    __tablename__ = "api_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    # TODO: make this a foreign key
    process_instance_id: Mapped[int] = mapped_column(index=True)  # ORM115
    # not a foreign key: a comment with a blank line below it says nothing of the next column

    run_id: Mapped[int] = mapped_column(index=True)  # ORM115
    note = "# not a foreign key"; job_id: Mapped[int] = mapped_column()  # ORM115
""",
        {
            # The core migrations create `events` too: one database.
            "app/__init__.py": "",
            "app/base.py": "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
            "app/main.py": "from app.core_models import Project\nfrom app.tracing_models import Event\n",
            "app/core_models.py": """
from sqlalchemy import Column, Integer, String

from app.base import Base

class Project(Base):
    __tablename__ = "projects"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
""",
            "app/tracing_models.py": """
from sqlalchemy import Column, Integer

from app.base import Base

class Event(Base):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    project_id = Column(Integer, nullable=False, index=True)  # ORM115
""",
            "app/migrations/core/alembic.ini": "[alembic]\nscript_location = app/migrations/core\n",
            "app/migrations/core/env.py": "target_metadata = None\n",
            "app/migrations/core/versions/c001.py": """
import sqlalchemy as sa
from alembic import op

revision = "c001"
down_revision = None

def upgrade():
    op.create_table("projects", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(50)))
    op.create_table("events", sa.Column("id", sa.Integer, primary_key=True), sa.Column("project_id", sa.Integer, nullable=False))
""",
            "app/migrations/tracing/alembic.ini": "[alembic]\nscript_location = app/migrations/tracing\n",
            "app/migrations/tracing/env.py": "target_metadata = None\n",
            "app/migrations/tracing/versions/t001.py": """
import sqlalchemy as sa
from alembic import op

revision = "t001"
down_revision = None

def upgrade():
    op.create_table("events", sa.Column("id", sa.Integer, primary_key=True), sa.Column("project_id", sa.Integer, nullable=False))
""",
        },
        {
            "models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Owner(Base):
    __tablename__ = "owners"
    id = Column(Integer, primary_key=True)

class Script(Base):
    __tablename__ = "scripts"
    id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, index=True)  # ORM115
""",
            # Dropped and made again (an autogenerated rename): no policy against them.
            "migrations/versions/0002_rename_foreign_keys.py": """
from alembic import op

revision = "0002"
down_revision = "0001"

def upgrade():
    op.drop_constraint("fk_t0_owner", "t0", type_="foreignkey")
    op.drop_constraint("fk_t1_owner", "t1", type_="foreignkey")
    op.drop_constraint("fk_t2_owner", "t2", type_="foreignkey")
    op.drop_constraint("fk_t3_owner", "t3", type_="foreignkey")
    op.drop_constraint("fk_t4_owner", "t4", type_="foreignkey")
    op.drop_constraint("fk_t5_owner", "t5", type_="foreignkey")
    op.drop_constraint("fk_t6_owner", "t6", type_="foreignkey")
    op.drop_constraint("fk_t7_owner", "t7", type_="foreignkey")
    op.drop_constraint("fk_t8_owner", "t8", type_="foreignkey")
    op.drop_constraint("fk_t9_owner", "t9", type_="foreignkey")
    op.create_foreign_key("fk_t0_owner_id", "t0", "owners", ["owner_id"], ["id"])
    op.create_foreign_key("fk_t1_owner_id", "t1", "owners", ["owner_id"], ["id"])
    op.create_foreign_key("fk_t2_owner_id", "t2", "owners", ["owner_id"], ["id"])
    op.create_foreign_key("fk_t3_owner_id", "t3", "owners", ["owner_id"], ["id"])
    op.create_foreign_key("fk_t4_owner_id", "t4", "owners", ["owner_id"], ["id"])
    op.create_foreign_key("fk_t5_owner_id", "t5", "owners", ["owner_id"], ["id"])
    op.create_foreign_key("fk_t6_owner_id", "t6", "owners", ["owner_id"], ["id"])
    op.create_foreign_key("fk_t7_owner_id", "t7", "owners", ["owner_id"], ["id"])
    op.create_foreign_key("fk_t8_owner_id", "t8", "owners", ["owner_id"], ["id"])
    op.create_foreign_key("fk_t9_owner_id", "t9", "owners", ["owner_id"], ["id"])
""",
        },
        """
from sqlmodel import Field, SQLModel

class Knowledge(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)

class AgentLink(SQLModel, table=True):
    # None, not 0, for "no link": a foreign key would accept it.
    id: int | None = Field(default=None, primary_key=True)
    knowledge_id: int | None = Field(default=None, index=True)  # ORM115
""",
        {
            "models.py": """
import uuid
from typing import Optional

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class FlowRun(Base):
    __tablename__ = "flow_run"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)

class Artifact(Base):
    __tablename__ = "artifact"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    flow_run_id: Mapped[Optional[uuid.UUID]] = mapped_column(index=True)  # ORM115
""",
            "migrations/versions/0002_drop.py": """
from alembic import op

revision = "0002"
down_revision = "0001"

def upgrade():
    op.drop_constraint("uq_artifact__flow_run_id", "artifact", type_="unique")
""",
        },
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class UsageEvent(Base):
    __tablename__ = "usage_events"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, nullable=False)  # ORM115
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Category(Base):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)

class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int]  # ORM115
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Project(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Task(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.Integer, index=True)  # ORM115
""",
        },
    ]


__all__ = [
    "ColumnWithoutType",
    "ConstraintUnknownColumn",
    "DuplicateTableName",
    "IdColumnWithoutForeignKey",
    "MissingPrimaryKey",
    "TableMappedTwiceDiffers",
]
