"""ORM601-ORM608: the Alembic environments of the project against its models.

Discovery, the revision graph and the replay live in `ormlint.migrations`;
the rules here compare what they build with the project index.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Iterator, Optional

from ormlint.creation import extends_target_metadata
from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import Span, make_span, span_line
from ormlint.facts import AssignFact
from ormlint.rules.base import Rule, RuleContext, listed

if TYPE_CHECKING:
    from ormlint.migrations import Environment as AlembicEnvironment, MigratedTable, ProjectMigrations
    from ormlint.migrations import Revision as AlembicRevision
    from ormlint.index import ProjectIndex
    from ormlint.schema import ColumnInfo, ForeignKeyRef, TableInfo


class BrokenMigrationGraph(Rule):
    """## What it does
    Reads `revision` / `down_revision` (None, a string, or a tuple for merges),
    `branch_labels` and `depends_on` of every Alembic revision file and checks
    the graph of each Alembic environment (the `script_location` /
    `version_locations` of `alembic.ini`, an `env.py` with `versions/` beside
    it, or a directory of revision files): a duplicated revision id, a
    `down_revision` naming no revision, a cycle, or several heads.

    Like Alembic without `recursive_version_locations = true`, it reads each
    directory of revision files as a graph of its own: sub-directories such
    as `versions/postgresql/` and `versions/sqlite/`, one of which env.py
    picks at run time, may repeat ids and each have their head. Directories
    whose revisions name each other's as parents are one graph. A revision
    file below the script directory (the `script_location` of an
    `alembic.ini`, or the directory of env.py with revisions in `versions/`)
    but outside its version locations, a draft parked in `migrations/temp/`,
    is never read by Alembic, and is left out. A parent is
    not reported missing when a file that could not be parsed (ORM001) may
    define it; heads and cycles are then not judged either.

    ## Why is this bad?
    `alembic upgrade head` refuses to run ("Multiple head revisions are
    present", "Can't locate revision identified by ...", "Cycle is detected"),
    usually right in the deployment pipeline, after two branches each added a
    migration.

    ## Example
    ```python
    # versions/b1.py and versions/b2.py
    revision = "b1"          revision = "b2"
    down_revision = "a0"     down_revision = "a0"
    ```

    ## Use instead
    Add a merge revision (`alembic merge heads`), or rebase one branch:
    ```python
    revision = "c3"
    down_revision = ("b1", "b2")
    ```
    """

    code = "ORM605"
    name = "broken-migration-graph"
    severity = Severity.ERROR
    summary = "the Alembic revision graph has several heads, a missing parent, a cycle or a duplicate id"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        envs = project_history(ctx).environments
        # A revision file that could not be parsed (ORM001) may define any id
        # quoted in it: a parent named there is not reported missing.
        everywhere = {r.revision for env in envs for r in env.revisions} | ctx.index.unparsed_names
        for env in envs:
            yield from self._check(env, everywhere)

    def _check(self, env: "AlembicEnvironment", everywhere: set[str]) -> Iterator[Diagnostic]:
        by_id: dict[str, list[AlembicRevision]] = defaultdict(list)
        for revision in sorted(env.revisions, key=lambda r: (r.path, span_line(r.revision_span))):
            by_id[revision.revision].append(revision)
        for rev_id, same in by_id.items():
            for duplicate in same[1:]:
                message = f"Revision id `{rev_id}` is used again here; it is already the revision of {same[0].path}."
                yield self.line_diagnostic(duplicate.path, duplicate.revision_span, message, "Give this revision a new id (alembic revision generates one).")
        known = set(by_id)
        for revision in env.revisions:
            for parent in revision.parents:
                if parent not in known and parent not in everywhere:
                    message = f"Revision `{revision.revision}` has down_revision `{parent}`, which no revision file defines."
                    yield self.line_diagnostic(revision.path, revision.down_span, message, "Point down_revision at an existing revision (see `alembic history`).")
        if any(parent not in known for r in env.revisions for parent in r.parents):
            return  # part of the graph lives elsewhere: heads and cycles cannot be judged
        yield from self._cycles(env, by_id)
        if any(r.labelled or r.depends_on for r in env.revisions):
            return  # labelled branches may keep several heads on purpose
        children = {parent for r in env.revisions for parent in r.parents}
        heads = sorted((r for r in env.revisions if r.revision not in children and len(by_id[r.revision]) == 1), key=lambda r: r.path)
        if len(heads) > 1:
            names = ", ".join(f"`{h.revision}`" for h in heads)
            for head in heads:
                message = f"Revision `{head.revision}` is one of {len(heads)} heads ({names}) in {env.directory}."
                yield self.line_diagnostic(head.path, head.down_span, message, "Merge the heads (`alembic merge heads`) so `alembic upgrade head` has one target.")

    def _cycles(self, env: "AlembicEnvironment", by_id: dict[str, list["AlembicRevision"]]) -> Iterator[Diagnostic]:
        parents = {rev_id: same[0].parents for rev_id, same in by_id.items()}
        state: dict[str, int] = {}
        reported: set[str] = set()
        for start in sorted(parents):
            stack = [(start, iter(parents[start]))]
            state[start] = state.get(start, 0) or 1
            while stack:
                node, remaining = stack[-1]
                advanced = False
                for parent in remaining:
                    if parent not in parents:
                        continue
                    if state.get(parent) == 1:
                        if parent not in reported:
                            reported.add(parent)
                            revision = by_id[node][0]
                            message = f"Revision `{node}` closes a cycle through `{parent}` in the down_revision graph."
                            yield self.line_diagnostic(revision.path, revision.down_span, message, "Break the cycle: each revision must come after its down_revision.")
                        continue
                    if state.get(parent, 0) == 0:
                        state[parent] = 1
                        stack.append((parent, iter(parents[parent])))
                        advanced = True
                        break
                if not advanced:
                    state[node] = 2
                    stack.pop()

    VALID = [
        {
            "migrations/versions/a0_init.py": 'revision = "a0"\ndown_revision = None\n',
            "migrations/versions/b1_users.py": 'revision = "b1"\ndown_revision = "a0"\n',
            "migrations/versions/b2_posts.py": 'revision = "b2"\ndown_revision = "a0"\n',
            "migrations/versions/c3_merge.py": 'revision = "c3"\ndown_revision = ("b1", "b2")\n',
        },
        {
            "alembic/versions/0001.py": 'revision = "0001"\ndown_revision = None\nbranch_labels = ("core",)\n',
            "alembic/versions/0002.py": 'revision = "0002"\ndown_revision = None\nbranch_labels = ("tenant",)\n',
        },
        {
            "core/versions/x1.py": 'revision = "x1"\ndown_revision = None\n',
            "tenant/versions/y1.py": 'revision = "y1"\ndown_revision = None\n',
            "tenant/versions/y2.py": 'revision: str = "y2"\ndown_revision: str = "y1"\n',
        },
        {
            # One tree per dialect; env.py sets `context.script.version_locations` to one of them.
            "alembic.ini": "[alembic]\nscript_location = migrations\n",
            "migrations/env.py": "target_metadata = None\n",
            "migrations/versions/postgresql/a1.py": 'revision = "a1"\ndown_revision = None\n',
            "migrations/versions/postgresql/b2.py": 'revision = "b2"\ndown_revision = "a1"\n',
            "migrations/versions/sqlite/a1.py": 'revision = "a1"\ndown_revision = None\n',
            "migrations/versions/sqlite/c2.py": 'revision = "c2"\ndown_revision = "a1"\n',
        },
        {
            # agenta: a draft parked outside the version locations, which Alembic never reads.
            "alembic.ini": "[alembic]\nscript_location = migrations\n",
            "migrations/env.py": "target_metadata = None\n",
            "migrations/versions/a1.py": 'revision = "a1"\ndown_revision = None\n',
            "migrations/temp/d9_draft.py": 'revision = "d9"\ndown_revision = "..."\n',
        },
        {
            # The same beside env.py, with an ini that names a path of the deployment.
            "db/alembic.ini": "[alembic]\nscript_location = /app/db\n",
            "db/env.py": "target_metadata = None\n",
            "db/versions/a1.py": 'revision = "a1"\ndown_revision = None\n',
            "db/temp/d9_draft.py": 'revision = "d9"\ndown_revision = "..."\n',
        },
    ]
    INVALID = [
        {
            # Without an alembic.ini or env.py that says where the revisions
            # are, each directory of revision files is a graph of its own.
            "migrations/versions/a1.py": 'revision = "a1"\ndown_revision = None\n',
            "migrations/temp/d9_draft.py": 'revision = "d9"\ndown_revision = "..."  # ORM605\n',
        },
        {
            "migrations/versions/a0_init.py": 'revision = "a0"\ndown_revision = None\n',
            "migrations/versions/b1_users.py": 'revision = "b1"\ndown_revision = "a0"  # ORM605\n',
            "migrations/versions/b2_posts.py": 'revision = "b2"\ndown_revision = "a0"  # ORM605\n',
        },
        {
            "alembic/versions/0001.py": 'revision = "0001"\ndown_revision = None\n',
            "alembic/versions/0002.py": 'revision = "0002"\ndown_revision = "0001"\n',
            "alembic/versions/0003.py": 'revision = "0003"\ndown_revision = "0x02"  # ORM605\n',
        },
        {
            "migrations/versions/a0.py": 'revision = "a0"\ndown_revision = None\n',
            "migrations/versions/a1.py": 'revision = "a1"\ndown_revision = "a0"\n',
            "migrations/versions/a1_copy.py": 'revision = "a1"  # ORM605\ndown_revision = "a0"\n',
        },
        {
            # alembic.ini reads the sub-directories together.
            "alembic.ini": "[alembic]\nscript_location = migrations\nrecursive_version_locations = true\n",
            "migrations/env.py": "target_metadata = None\n",
            "migrations/versions/postgresql/a1.py": 'revision = "a1"\ndown_revision = None\n',
            "migrations/versions/sqlite/a1.py": 'revision = "a1"  # ORM605\ndown_revision = None\n',
        },
        {
            # Date sub-directories whose revisions name each other's: one graph.
            "migrations/env.py": "target_metadata = None\n",
            "migrations/versions/2023/a0.py": 'revision = "a0"\ndown_revision = None\n',
            "migrations/versions/2024/b1.py": 'revision = "b1"\ndown_revision = "a0"  # ORM605\n',
            "migrations/versions/2024/b2.py": 'revision = "b2"\ndown_revision = "a0"  # ORM605\n',
        },
    ]


def created_by(env: "AlembicEnvironment") -> Optional[set[str]]:
    """Lower-cased names of the tables an environment's revisions create (or
    may create: an operation ormlint cannot read that names the table); None
    when that cannot be known: `metadata.create_all`, an operation on a table
    it cannot name, or an operation on a table no revision created (the
    history starts from an existing schema)."""
    from ormlint.migration_extract import ANY_TABLE

    created: set[str] = set()
    touched: set[str] = set()
    for revision in env.revisions:
        for op in revision.ops:
            if op.kind == "create_all" or op.kind == "uncertain" and op.table == ANY_TABLE and op.other == "":
                return None
            if op.table == ANY_TABLE:
                continue
            if op.kind in ("create_table", "uncertain"):
                created.add(op.table.lower())
            elif op.kind == "rename_table":
                touched.add(op.table.lower())
                created.add(op.other.lower())
            else:
                touched.add(op.table.lower())
    if touched - created:
        return None
    return created


class TableNeverCreated(Rule):
    """## What it does
    Flags a mapped table that no Alembic revision of the repository creates
    (`op.create_table`, a rename, or literal `CREATE TABLE` SQL): the model
    exists only in code. Silent in repositories without Alembic, and when the
    history cannot be followed (a revision runs `metadata.create_all`, SQL
    ormlint cannot read, or works on tables no revision created).

    ## Why is this bad?
    The first query on the model fails with "relation does not exist". The
    fourth audit in ormlint's seeds found 40 models whose base's metadata
    Alembic never saw, so autogenerate never created their tables.

    ## Example
    ```python
    class AuditEvent(Base):          # no revision creates audit_events
        __tablename__ = "audit_events"
    ```

    ## Use instead
    Generate the migration (`alembic revision --autogenerate`), making sure
    `env.py`'s `target_metadata` includes this model's base.
    """

    code = "ORM601"
    name = "table-never-created"
    severity = Severity.ERROR
    summary = "a mapped table is never created by any migration"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        from ormlint.rules.tables import _is_auxiliary

        envs = project_history(ctx).environments
        if not envs:
            return
        created: set[str] = set()
        for env in envs:
            tables = created_by(env)
            if tables is None:
                return  # some history cannot be followed: any table may come from it
            created |= tables
        external = {name.lower() for name in ctx.settings.external_tables}
        for mapped in ctx.index.classes:
            table = mapped.table
            if not mapped.own_table or table is None or table.name is None or _is_auxiliary(mapped.path, mapped.module):
                continue
            if mapped.parent is not None and not any(c.primary_key for c in table.columns):
                # A subclass naming a table but declaring no key: Flask-SQLAlchemy
                # turns it into single-table inheritance on the parent's table.
                continue
            name = table.name.lower()
            if name in created or name in external or table.display.lower() in external:
                continue
            message = f"No Alembic revision creates table `{table.display}` of `{mapped.name}`: the model exists only in code."
            hint = "Generate a migration for it, and check that env.py's target_metadata includes its base."
            yield self.diagnostic(mapped.path, mapped.span, message, hint, whole_span=False)

    VALID = [
        {
            "app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
""",
            "migrations/versions/0001.py": 'import sqlalchemy as sa\nfrom alembic import op\nrevision = "0001"\ndown_revision = None\n\ndef upgrade():\n    op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))\n',
        },
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
        {
            "app/models.py": """
from sqlmodel import Field, SQLModel

class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
""",
            "alembic/versions/0001.py": 'from alembic import op\nrevision = "0001"\ndown_revision = None\n\ndef upgrade():\n    op.add_column("hero", None)\n',
        },
    ]
    INVALID = [
        {
            "app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class AuditEvent(Base):  # ORM601
    __tablename__ = "audit_events"
    id = Column(Integer, primary_key=True)
""",
            "migrations/versions/0001.py": 'import sqlalchemy as sa\nfrom alembic import op\nrevision = "0001"\ndown_revision = None\n\ndef upgrade():\n    op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))\n',
        },
        {
            "app/models/subscription.py": """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Subscription(Base):
    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)

class FaqCandidate(Base):  # ORM601
    __tablename__ = "faq_candidates"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
            "alembic/versions/a1.py": 'from alembic import op\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n    op.execute("CREATE TABLE subscriptions (id integer primary key)")\n',
        },
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class AccountNote(db.Model):  # ORM601
    id = db.Column(db.Integer, primary_key=True)
""",
            "migrations/versions/1.py": 'import sqlalchemy as sa\nfrom alembic import op\nrevision = "1"\ndown_revision = None\n\ndef upgrade():\n    op.create_table("account", sa.Column("id", sa.Integer()))\n    op.rename_table("account", "account_tmp")\n    op.rename_table("account_tmp", "account")\n',
        },
    ]


# -- ORM602-ORM608: the models against the replayed migrations -------------------------

def project_history(ctx: RuleContext) -> "ProjectMigrations":
    """The replayed Alembic histories of the project, built once per run."""
    from ormlint.migrations import project_migrations

    if ctx.migrations is None:
        ctx.migrations = project_migrations(ctx.index, ctx.alembic_configs)
    return ctx.migrations


def compared_tables(ctx: RuleContext) -> Iterator[tuple["TableInfo", "MigratedTable"]]:
    """(model table, migrated table) pairs to compare: application tables
    (not tests, examples or docs), mapped once, not external, with one certain
    migrated table of the same name."""
    from ormlint.rules.tables import _is_auxiliary

    history = project_history(ctx)
    if not history.schemas:
        return
    external = {name.lower() for name in ctx.settings.external_tables}
    by_name: dict[str, list[TableInfo]] = defaultdict(list)
    for table in ctx.index.tables:
        if table.name is None or _is_auxiliary(table.path, table.module) or ctx.index.modules.get(table.module, None) is not None and ctx.index.modules[table.module].is_migration:
            continue
        by_name[table.name.lower()].append(table)
    for name in sorted(by_name):
        tables = by_name[name]
        if len(tables) != 1:
            continue  # mapped twice (replicas, binds): which one the migrations follow is unclear
        table = tables[0]
        if name in external or table.display.lower() in external:
            continue
        migrated = history.table_for(table.name)
        if migrated is None:
            continue
        if table.schema and migrated.schema and table.schema.lower() != migrated.schema.lower():
            continue
        yield table, migrated


def _where(migrated: "MigratedTable") -> str:
    return f"{migrated.path}:{migrated.line}"


# Type families compared by ORM603, and the pairs it accepts: they are one
# storage on some dialect (a GUID TypeDecorator stored as CHAR(32), Boolean as
# an integer on MySQL/SQLite, JSON as text) or differ only in precision.
# `enum` and unknown families are never compared (Enum(native_enum=False) is a
# VARCHAR). String, Text, Unicode, AutoString and CITEXT are one family.
_COMPARED_FAMILIES = frozenset({"integer", "string", "uuid", "datetime", "date", "time", "boolean", "float", "numeric", "binary", "json"})
_ACCEPTED_PAIRS = frozenset({
    frozenset({"uuid", "string"}), frozenset({"uuid", "binary"}), frozenset({"boolean", "integer"}), frozenset({"json", "string"}),
    frozenset({"json", "binary"}), frozenset({"numeric", "float"}), frozenset({"numeric", "integer"}), frozenset({"binary", "string"}),
})


def model_family(column: "ColumnInfo", index: Optional["ProjectIndex"] = None) -> Optional[str]:
    """The type family of a model column; a column typed by its foreign key
    (`Column(ForeignKey("users.id"))`, or `Mapped[int] = mapped_column(ForeignKey(...))`,
    whose annotation types only the Python side) takes its target's."""
    if column.type.family is not None and not column.sql_type_from_foreign_key:
        return column.type.family
    if column.typed_by_foreign_key and len(column.foreign_keys) == 1:
        fk = column.foreign_keys[0]
        target = fk.target_column
        split = fk.split_target()
        if target is None and split is not None and index is not None and column.table is not None:
            tables = index.find_tables(column.table.metadata, split[1], split[0])
            target = tables[0].column(split[2]) if len(tables) == 1 else None
        if target is not None and not target.typed_by_foreign_key:
            return target.type.family
    return None


def families_differ(model: Optional[str], migrated: Optional[str]) -> bool:
    if model is None or migrated is None or model == migrated:
        return False
    if model not in _COMPARED_FAMILIES or migrated not in _COMPARED_FAMILIES:
        return False
    return frozenset({model, migrated}) not in _ACCEPTED_PAIRS


_MIGRATION_TABLES = '''
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_users_email"), "users", ["email"], unique=True)
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
'''


class ColumnMissingFromMigrations(Rule):
    """## What it does
    Replays the project's Alembic revisions (in `down_revision` order,
    `op.create_table`, `op.add_column`, `op.drop_column`, `alter_column`
    renames, `batch_alter_table`, literal `CREATE TABLE` / `ALTER TABLE ...
    ADD COLUMN` SQL) and flags a model column that the migrated table does not
    have.

    Silent when the history cannot be followed with certainty: a table no
    revision created (the history starts from an existing schema), an
    operation on a computed table name, an operation inside `if`/`try`/a
    loop, SQL ormlint cannot read, a call to a function it cannot see into,
    a broken revision graph; when several environments create the table;
    for tables listed in `external-tables`.

    ## Why is this bad?
    The first query that loads the model selects the column and fails with
    "column ... does not exist": the model was changed and no migration was
    generated (or it was generated and deleted).

    ## Example
    ```python
    class Subscription(Base):
        __tablename__ = "subscriptions"
        id = Column(Integer, primary_key=True)
        renews_at = Column(DateTime)  # no revision adds renews_at
    ```

    ## Use instead
    Generate the migration (`alembic revision --autogenerate -m "renews_at"`),
    review it and commit it with the model change.
    """

    code = "ORM602"
    name = "column-missing-from-migrations"
    severity = Severity.ERROR
    summary = "a model column is missing from the table the migrations build"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for table, migrated in compared_tables(ctx):
            for column in table.columns:
                if column.name is None or column.name.lower() in migrated.columns:
                    continue
                what = f"`{column.label}`" if column.key == column.name else f"`{column.name}` of `{column.label}`"
                message = (f"Column {what} is not in table `{migrated.name}` as the Alembic migrations build it "
                           f"(created at {_where(migrated)}).")
                hint = "Generate a migration that adds it (`alembic revision --autogenerate`), or remove the attribute."
                yield self.line_diagnostic(column.path, column.span, message, hint)

    VALID = [
        {"app/models.py": """
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True, index=True)

class Subscription(Base):
    __tablename__ = "subscriptions"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    plan = Column(Text)
""", "migrations/versions/0001_init.py": _MIGRATION_TABLES},
        # A column renamed in a batch operation, then added by literal SQL.
        {"app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    label = Column(String(50))
    colour = Column(String(7))
""", "migrations/versions/a1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "a1"
down_revision = None

def upgrade():
    op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(50)))
''', "migrations/versions/a2.py": '''
import sqlalchemy as sa
from alembic import op
revision = "a2"
down_revision = "a1"

def upgrade():
    with op.batch_alter_table("tags") as batch_op:
        batch_op.alter_column("name", new_column_name="label")
    op.execute("ALTER TABLE tags ADD COLUMN colour VARCHAR(7)")
'''},
        # The column is added inside an `if`: ormlint cannot tell, so it is silent.
        {"app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    colour = Column(String(7))
""", "migrations/versions/a1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "a1"
down_revision = None

def upgrade():
    op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))
    if not has_column("tags", "colour"):
        op.add_column("tags", sa.Column("colour", sa.String(7)))
'''},
    ]
    INVALID = [
        {"app/models.py": """
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True, index=True)
    last_login = Column(DateTime)  # ORM602

class Subscription(Base):
    __tablename__ = "subscriptions"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    plan = Column(Text)
""", "migrations/versions/0001_init.py": _MIGRATION_TABLES},
        # Dropped by a later revision (Flask-Migrate layout).
        {"app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n", "app/models.py": """
from app import db

class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200))
    body = db.Column(db.Text)  # ORM602
""", "migrations/env.py": "target_metadata = None\n", "migrations/versions/1_posts.py": '''
import sqlalchemy as sa
from alembic import op
revision = "1"
down_revision = None

def upgrade():
    op.create_table("post", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("title", sa.String(200)),
                    sa.Column("body", sa.Text()))
''', "migrations/versions/2_drop_body.py": '''
from alembic import op
revision = "2"
down_revision = "1"

def upgrade():
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_column("body")
'''},
        # The table was created by literal SQL.
        {"app/models.py": """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class AuditEvent(Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str]
    payload: Mapped[str]  # ORM602
""", "alembic/versions/0001.py": '''
from alembic import op
revision = "0001"
down_revision = None

def upgrade():
    op.execute("""
        CREATE TABLE audit_events (
            id SERIAL PRIMARY KEY,
            actor VARCHAR NOT NULL
        )
    """)
'''},
    ]


class ColumnTypeDiffersFromMigrations(Rule):
    """## What it does
    Compares the type family of each model column with the type the Alembic
    revisions gave the column (`sa.Integer()`, `postgresql.UUID(as_uuid=True)`,
    `sqlmodel.sql.sqltypes.AutoString()`, a project TypeDecorator through its
    `impl`, or the type word of literal SQL) and flags a different family:
    `UUID` in the model, `INTEGER` in the database.

    Families are those of ormlint's type table: `String`, `Text`, `Unicode`,
    `AutoString` and `CITEXT` are one family (autogenerate treats a length
    change as a separate question). Pairs that are one storage on some
    dialect are accepted: a UUID stored as `CHAR(32)`/binary, `Boolean` as
    an integer, JSON as text, `Numeric` vs `Float`/`Integer`. `Enum` is never
    compared (`Enum(native_enum=False)` is a `VARCHAR`), nor a type ormlint
    cannot resolve (a TypeDecorator without a literal `impl`), nor a column
    an `alter_column` without `type_=` says has another family
    (`existing_type=sa.String(36)` on an INTEGER): MySQL rewrites the column
    to the existing type, other databases keep it, so its type depends on the
    database.

    ## Why is this bad?
    The application binds values of one type against a column of another: a
    UUID against an INTEGER column fails on every query, and foreign keys
    declared with the model's type cannot be created. The fourth audit in
    ormlint's seeds found models declaring `UUID` for `user_id` columns that
    every migration created as `INTEGER`.

    ## Example
    ```python
    user_id = Column(UUID(as_uuid=True), ForeignKey("users.id"))
    # the migration: sa.Column("user_id", sa.Integer(), ...)
    ```

    ## Use instead
    Make the model say what the database has (`Integer`), or write the
    migration that changes the column type.
    """

    code = "ORM603"
    name = "column-type-differs-from-migrations"
    severity = Severity.ERROR
    summary = "a model column's type family differs from the migrated column's"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for table, migrated in compared_tables(ctx):
            if migrated.types_uncertain:
                continue
            for column in table.columns:
                target = migrated.columns.get((column.name or "").lower())
                if target is None:
                    continue
                family = model_family(column, ctx.index)
                if not families_differ(family, target.family):
                    continue
                message = (f"`{column.label}` is {family} (`{column.type.display}`) in the model but {target.family} "
                           f"(`{target.display}`) in the migrations ({target.path}:{target.line}).")
                hint = "Make the model match the database, or add a migration that changes the column type."
                yield self.line_diagnostic(column.path, column.span, message, hint)

    VALID = [
        {"app/models.py": """
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(Text, nullable=False, unique=True, index=True)

class Subscription(Base):
    __tablename__ = "subscriptions"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id"), nullable=False)
    plan = Column(String(20))
""", "migrations/versions/0001_init.py": _MIGRATION_TABLES},
        # A ForeignKey column typed only by its annotation has the target's SQL
        # type (integer here); the annotation types the Python side (ORM103's matter).
        {"app/models.py": """
from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(Text, unique=True, index=True)

class Subscription(Base):
    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    plan: Mapped[str | None] = mapped_column(Text)
""", "migrations/versions/0001_init.py": _MIGRATION_TABLES},
        # Enum vs VARCHAR and a GUID TypeDecorator stored as CHAR(32) are accepted.
        {"app/models.py": """
import enum
import uuid
from sqlalchemy import CHAR, Column, Enum, Integer
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

Base = declarative_base()

class GUID(TypeDecorator):
    impl = CHAR
    cache_ok = True

class Status(enum.Enum):
    open = "open"

class Ticket(Base):
    __tablename__ = "tickets"
    id = Column(Integer, primary_key=True)
    status = Column(Enum(Status, native_enum=False))
    ref = Column(GUID())
""", "migrations/versions/t1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "t1"
down_revision = None

def upgrade():
    op.create_table("tickets", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("status", sa.String(length=4)), sa.Column("ref", sa.CHAR(32)))
'''},
        # The type was changed by a later alter_column.
        {"app/models.py": """
import uuid
from sqlalchemy import Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Device(Base):
    __tablename__ = "devices"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
""", "alembic/versions/d1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "d1"
down_revision = None

def upgrade():
    op.create_table("devices", sa.Column("id", sa.Integer(), primary_key=True))
''', "alembic/versions/d2.py": '''
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
revision = "d2"
down_revision = "d1"

def upgrade():
    op.alter_column("devices", "id", type_=postgresql.UUID(as_uuid=True), existing_type=sa.Integer())
'''},
        # watcher: `existing_type` says VARCHAR, without `type_`: MySQL rewrites the
        # column to it, other databases keep the INTEGER. Which one is not known.
        {"app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Job(Base):
    __tablename__ = "jobs"
    id = Column(Integer, primary_key=True)
    schedule = Column(String(36))
""", "alembic/versions/j1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "j1"
down_revision = None

def upgrade():
    op.create_table("jobs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("schedule", sa.Integer()))
''', "alembic/versions/j2.py": '''
import sqlalchemy as sa
from alembic import op
revision = "j2"
down_revision = "j1"

def upgrade():
    op.alter_column("jobs", "schedule", existing_type=sa.String(36), nullable=True)
'''},
    ]
    INVALID = [
        # `existing_type` that agrees with what the revisions made: still an INTEGER.
        {"app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Job(Base):
    __tablename__ = "jobs"
    id = Column(Integer, primary_key=True)
    schedule = Column(String(36))  # ORM603
""", "alembic/versions/j1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "j1"
down_revision = None

def upgrade():
    op.create_table("jobs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("schedule", sa.Integer()))
''', "alembic/versions/j2.py": '''
import sqlalchemy as sa
from alembic import op
revision = "j2"
down_revision = "j1"

def upgrade():
    op.alter_column("jobs", "schedule", existing_type=sa.Integer(), nullable=True)
'''},
        # The fourth audit: UUID in code, INTEGER in every migration.
        {"app/models.py": """
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True, index=True)

class Subscription(Base):
    __tablename__ = "subscriptions"
    id = Column(Integer, primary_key=True)
    user_id = Column(UUID(as_uuid=True), ForeignKey("users.id"), nullable=False)  # ORM603
    plan = Column(Text)
""", "migrations/versions/0001_init.py": _MIGRATION_TABLES},
        {"app/models.py": """
import uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class ExpertProfile(Base):
    __tablename__ = "expert_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID]  # ORM603
""", "alembic/versions/e1.py": '''
from alembic import op
revision = "e1"
down_revision = None

def upgrade():
    op.execute("CREATE TABLE expert_profiles (id SERIAL PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE)")
'''},
        {"app/models.py": """
from datetime import datetime
from typing import Optional
from sqlmodel import Field, SQLModel

class Event(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    starts_at: datetime  # ORM603
""", "app/alembic/versions/v1.py": '''
import sqlalchemy as sa
import sqlmodel
from alembic import op
revision = "v1"
down_revision = None

def upgrade():
    op.create_table("event", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
                    sa.Column("starts_at", sa.Date(), nullable=False), sa.PrimaryKeyConstraint("id"))
'''},
    ]


class ModelsOutsideTargetMetadata(Rule):
    """## What it does
    Resolves `target_metadata` in each Alembic `env.py` (a `MetaData`, a
    base's `.metadata`, `SQLModel.metadata`, Flask-SQLAlchemy's
    `db.metadata` / `db.Model.metadata`, or a list of them; imports are
    followed) and flags declarative bases whose models it leaves out. Silent
    when any `env.py`'s `target_metadata` cannot be resolved (computed,
    `current_app.extensions[...]`, `None`), or when `env.py` adds tables to
    it afterwards (glance: `target_metadata._add_table(...)` for each table of
    a second base), for Flask-SQLAlchemy bind keys, for test, example and
    documentation models, and for a model whose table a revision dropped and
    none created again (cyborg's leftover `Accelerator`: its metadata in
    `target_metadata` would have autogenerate create the table again).

    ## Why is this bad?
    `alembic revision --autogenerate` compares the database with
    `target_metadata` only: models on another base never get a migration, and
    their tables exist only in code. The fourth audit in ormlint's seeds found
    40 models on a `Base` whose metadata `env.py` never imported (it tracked
    `SQLModel.metadata` only).

    ## Example
    ```python
    # env.py
    from app.models import SQLModel
    target_metadata = SQLModel.metadata   # app/models/legacy.py uses Base
    ```

    ## Use instead
    ```python
    target_metadata = [SQLModel.metadata, Base.metadata]
    ```
    or move the models to one base.
    """

    code = "ORM604"
    name = "models-outside-target-metadata"
    severity = Severity.ERROR
    summary = "env.py's target_metadata leaves out the base/metadata of some models"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        from ormlint.bases import BaseResolver
        from ormlint.rules.tables import _is_auxiliary
        from ormlint.symbols import SymbolTable

        history = project_history(ctx)
        envs = [env for env in history.environments if env.env_module is not None]
        if not envs:
            return
        resolver = BaseResolver(ctx.index.symbols or SymbolTable(ctx.index.modules))
        targets: list[tuple[AssignFact, str, set[str]]] = []
        env_modules: list[str] = []
        for env in envs:
            module = env.env_module or ""
            facts = ctx.index.modules.get(module)
            assigns = [a for a in facts.assignments if a.target == "target_metadata"] if facts else []
            if facts is None or len(assigns) != 1 or assigns[0].conditional or assigns[0].value is None:
                return  # no target, or one chosen at run time
            if extends_target_metadata(facts):
                return  # tables added to it afterwards: what it holds is not known
            keys = resolver.metadata_keys(module, assigns[0].value)
            if not keys:
                return
            targets.append((assigns[0], facts.path, set(keys)))
            env_modules.append(module)
        # Report in the environment that covers the most models (the main one).
        targets.sort(key=lambda t: -sum(1 for c in ctx.index.classes if c.metadata in t[2]))
        included = set().union(*(keys for _, _, keys in targets))
        # Tables some included metadata maps: a model of another base mapping
        # one of them (a replica, a read model) needs no migration of its own.
        covered = {t.name.lower() for t in ctx.index.tables if t.metadata in included and t.name is not None}
        # Tables the revisions dropped for good: a model still mapping one is a
        # leftover (cyborg's `Accelerator`); its metadata in target_metadata
        # would have autogenerate create the table again.
        dropped = set().union(*(schema.dropped for schema in history.schemas if not schema.uncertain))
        target_roots = {c.module.split(".")[0] for c in ctx.index.classes if c.metadata in included}
        missing: dict[str, list[str]] = defaultdict(list)
        names: dict[str, str] = {}
        for mapped in ctx.index.classes:
            if not mapped.own_table or _is_auxiliary(mapped.path, mapped.module) or ctx.index.modules[mapped.module].is_migration:
                continue
            metadata = mapped.metadata
            if metadata in included or metadata.startswith("unknown:") or "[" in metadata:
                continue
            if mapped.table is None or mapped.table.name is None or mapped.table.name.lower() in covered or mapped.table.name.lower() in dropped:
                continue
            # Another application of a monorepo (its own database, or create_all):
            # only models loaded with an env.py, or in the package of the models
            # it targets, are its business.
            if mapped.module.split(".")[0] not in target_roots and not any(ctx.index.coloaded(m, mapped.module) for m in env_modules):
                continue
            missing[metadata].append(mapped.name)
            base = ctx.index.bases.get(mapped.base_key)
            names.setdefault(metadata, base.display if base is not None else mapped.base_key)
        for metadata in sorted(missing):
            classes = sorted(missing[metadata])
            shown = listed(classes)
            # Several environments: which one should include it is unclear; say it once.
            for assign, path, _ in targets[:1]:
                message = (f"`target_metadata` leaves out the metadata of `{names[metadata]}`: autogenerate never sees its "
                           f"{len(classes)} model{'s' if len(classes) != 1 else ''} ({shown}).")
                hint = f"Include `{names[metadata]}.metadata` in target_metadata (a list is allowed), or move the models to a base it includes."
                yield self.line_diagnostic(path, assign.span, message, hint)

    VALID = [
        # cyborg: the legacy model's table was dropped for good; its metadata would bring it back.
        {
            "app/__init__.py": "",
            "app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Device(Base):
    __tablename__ = "devices"
    id = Column(Integer, primary_key=True)
""",
            "app/legacy.py": """
from sqlalchemy import Column, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Accelerator(Base):
    __tablename__ = "accelerators"
    id = Column(String(36), primary_key=True)
""",
            "app/alembic/env.py": "from app import models\ntarget_metadata = models.Base.metadata\n",
            "app/alembic/versions/a1.py": 'import sqlalchemy as sa\nfrom alembic import op\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n    op.create_table("accelerators", sa.Column("id", sa.String(36), primary_key=True))\n    op.create_table("devices", sa.Column("id", sa.Integer(), primary_key=True))\n',
            "app/alembic/versions/a2.py": 'import sqlalchemy as sa\nfrom alembic import op\nrevision = "a2"\ndown_revision = "a1"\n\ndef upgrade():\n    op.drop_table("accelerators")\n',
        },
        {
            "app/__init__.py": """
""",
            "app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

BASE = declarative_base()


class Image(BASE):
    __tablename__ = "images"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
""",
            "app/models_extra.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

EXTRA_BASE = declarative_base()


class Namespace(EXTRA_BASE):
    __tablename__ = "namespaces"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
""",
            "app/migrations/env.py": """
from alembic import context

from app import models
from app import models_extra

target_metadata = models.BASE.metadata
# glance: the tables of the second base merged into the metadata autogenerate compares
for table in models_extra.EXTRA_BASE.metadata.sorted_tables:
    target_metadata._add_table(table.name, table.schema, table)


def run_migrations_online():
    connectable = context.config.attributes["connection"]
    context.configure(connection=connectable, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
""",
            "app/migrations/versions/0001_initial.py": """
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.create_table("images", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(50)))
    op.create_table("namespaces", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(50)))
""",
        },
        {"app/models.py": """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
""", "alembic/env.py": "from app.models import Base\ntarget_metadata = Base.metadata\n",
         "alembic/versions/0001.py": 'revision = "0001"\ndown_revision = None\n'},
        {"app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base
from sqlmodel import Field, SQLModel

Base = declarative_base()

class Legacy(Base):
    __tablename__ = "legacy"
    id = Column(Integer, primary_key=True)

class Hero(SQLModel, table=True):
    id: int = Field(primary_key=True)
""", "alembic/env.py": "from sqlmodel import SQLModel\nfrom app.models import Base\ntarget_metadata = [SQLModel.metadata, Base.metadata]\n",
         "alembic/versions/0001.py": 'revision = "0001"\ndown_revision = None\n'},
        # Flask-Migrate's env.py reads the metadata at run time: not resolvable, silent.
        {"app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n", "app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base
from app import db

Other = declarative_base()

class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Log(Other):
    __tablename__ = "log"
    id = Column(Integer, primary_key=True)
""", "migrations/env.py": "from flask import current_app\ntarget_metadata = current_app.extensions['migrate'].db.metadata\n",
         "migrations/versions/1.py": 'revision = "1"\ndown_revision = None\n'},
    ]
    INVALID = [
        # Dropped, then created again: the table is in use.
        {
            "app/__init__.py": "",
            "app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Device(Base):
    __tablename__ = "devices"
    id = Column(Integer, primary_key=True)
""",
            "app/legacy.py": """
from sqlalchemy import Column, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Accelerator(Base):
    __tablename__ = "accelerators"
    id = Column(String(36), primary_key=True)
""",
            "app/alembic/env.py": "from app import models\ntarget_metadata = models.Base.metadata  # ORM604\n",
            "app/alembic/versions/a1.py": 'import sqlalchemy as sa\nfrom alembic import op\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n    op.create_table("accelerators", sa.Column("id", sa.String(36), primary_key=True))\n    op.create_table("devices", sa.Column("id", sa.Integer(), primary_key=True))\n',
            "app/alembic/versions/a2.py": 'import sqlalchemy as sa\nfrom alembic import op\nrevision = "a2"\ndown_revision = "a1"\n\ndef upgrade():\n    op.drop_table("accelerators")\n    op.create_table(\"accelerators\", sa.Column(\"id\", sa.String(36), primary_key=True))\n',
        },
        # The fourth audit: Alembic tracks SQLModel.metadata only.
        {"app/models/user.py": """
from typing import Optional
from sqlmodel import Field, SQLModel

class User(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
""", "app/models/faq.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class FaqCandidate(Base):
    __tablename__ = "faq_candidates"
    id = Column(Integer, primary_key=True)
""", "alembic/env.py": "from sqlmodel import SQLModel\nimport app.models.user\ntarget_metadata = SQLModel.metadata  # ORM604\n",
         "alembic/versions/0001.py": 'revision = "0001"\ndown_revision = None\n'},
        {"app/db.py": "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n\nclass ReportingBase(DeclarativeBase):\n    pass\n",
         "app/models.py": """
from sqlalchemy.orm import Mapped, mapped_column
from app.db import Base, ReportingBase

class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)

class DailyTotal(ReportingBase):
    __tablename__ = "daily_totals"
    id: Mapped[int] = mapped_column(primary_key=True)
""", "migrations/env.py": "from app.db import Base\nfrom app import models\n\ntarget_metadata = Base.metadata  # ORM604\n",
         "migrations/versions/a.py": 'revision = "a"\ndown_revision = None\n'},
        {"app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n", "app/models.py": """
from sqlalchemy import Column, Integer, MetaData, Table
from app import db

class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
""", "app/archive.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Archive = declarative_base()

class ArchivedPost(Archive):
    __tablename__ = "archived_posts"
    id = Column(Integer, primary_key=True)
""", "migrations/alembic.ini": "[alembic]\nscript_location = %(here)s\n",
         "migrations/env.py": "from app import db\ntarget_metadata = db.metadata  # ORM604\n",
         "migrations/versions/1.py": 'revision = "1"\ndown_revision = None\n'},
    ]


class ConstraintMissingFromMigrations(Rule):
    """## What it does
    Flags an index (`index=True`, `Index(...)`), a unique constraint
    (`unique=True`, `UniqueConstraint(...)`) or a foreign key
    (`ForeignKey(...)`) declared on the model that the replayed Alembic
    history does not create on the migrated table: same columns (and, for a
    foreign key, the same referenced table). A unique constraint or the
    primary key satisfies an index on the same columns.

    Silent on tables ormlint cannot follow (see ORM602), when an index or
    constraint was dropped by a name it cannot place, and for indexes on
    expressions or with dialect options.

    ## Why is this bad?
    The model promises what the database does not enforce: duplicates get
    in despite `unique=True`, orphans despite the foreign key, and queries
    on `index=True` columns scan the table.

    ## Example
    ```python
    email = Column(String(255), unique=True)   # no revision makes it unique
    ```

    ## Use instead
    Generate the migration (`op.create_unique_constraint(...)`,
    `op.create_index(...)`, `op.create_foreign_key(...)`).
    """

    code = "ORM606"
    name = "constraint-missing-from-migrations"
    severity = Severity.WARNING
    summary = "an index, unique constraint or foreign key of the model is not in the migrated schema"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for table, migrated in compared_tables(ctx):
            if migrated.constraints_uncertain or not table.constraints_known:
                continue
            for column in table.columns:
                name = (column.name or "").lower()
                if not name or name not in migrated.columns:
                    continue
                if column.unique and not _has_index(migrated, (name,), unique=True):
                    yield self._report(column.path, column.span, f"unique constraint on `{column.label}`", migrated)
                elif column.index and not column.unique and not _has_index(migrated, (name,), unique=False):
                    yield self._report(column.path, column.span, f"index on `{column.label}`", migrated)
                for fk in column.foreign_keys:
                    referent = _fk_referent(fk)
                    if referent is None:
                        continue
                    if not any(name in f.columns and f.referent == referent for f in migrated.foreign_keys):
                        yield self._report(column.path, column.span, f"foreign key `{column.label}` -> `{referent}`", migrated)
            for constraint in table.constraints:
                if constraint.kind not in ("Index", "UniqueConstraint") or constraint.qualified:
                    continue
                if any(c is None for c in constraint.columns) or not constraint.columns:
                    continue
                columns = tuple(c.lower() for c in constraint.columns if c is not None)
                resolved = []
                for key in columns:
                    model_column = next((c for c in table.columns if (c.column_key or "").lower() == key), None)
                    resolved.append((model_column.name or "").lower() if model_column is not None else key)
                if any(c not in migrated.columns for c in resolved):
                    continue
                unique = constraint.kind == "UniqueConstraint"
                if not _has_index(migrated, tuple(resolved), unique=unique):
                    what = "unique constraint" if unique else "index"
                    label = f"{what} {constraint.name or ''} on ({', '.join(resolved)})".replace("  ", " ")
                    yield self._report(constraint.path, constraint.span, label, migrated)

    def _report(self, path: str, span: Span, what: str, migrated: "MigratedTable") -> Diagnostic:
        message = f"The model declares a {what}, which the Alembic migrations never create on `{migrated.name}` (created at {_where(migrated)})."
        hint = "Generate a migration that creates it, or drop it from the model if the database is right."
        return self.line_diagnostic(path, span, message, hint)

    VALID = [
        {"app/models.py": """
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True, index=True)

class Subscription(Base):
    __tablename__ = "subscriptions"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    plan = Column(Text)
""", "migrations/versions/0001_init.py": _MIGRATION_TABLES},
        # Batch operations and a dropped-and-recreated constraint.
        {"app/models.py": """
from sqlalchemy import Column, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("site", "slug"), Index("ix_pages_title", "title"))
    id = Column(Integer, primary_key=True)
    site = Column(String(50))
    slug = Column(String(50))
    title = Column(String(200))
""", "migrations/versions/p1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "p1"
down_revision = None

def upgrade():
    op.create_table("pages", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("site", sa.String(50)),
                    sa.Column("slug", sa.String(50)), sa.Column("title", sa.String(200)),
                    sa.UniqueConstraint("slug", name="uq_slug"))
    with op.batch_alter_table("pages") as batch_op:
        batch_op.drop_constraint("uq_slug", type_="unique")
        batch_op.create_unique_constraint("uq_site_slug", ["site", "slug"])
        batch_op.create_index("ix_pages_title", ["title"])
'''},
        # An index dropped by a name ormlint cannot place: silent.
        {"app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Page(Base):
    __tablename__ = "pages"
    id = Column(Integer, primary_key=True)
    slug = Column(String(50), index=True)
""", "migrations/versions/p1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "p1"
down_revision = None

def upgrade():
    op.create_table("pages", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("slug", sa.String(50)))
    op.drop_index("some_index_made_by_hand", table_name="pages")
'''},
    ]
    INVALID = [
        {"app/models.py": """
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True, index=True)

class Plan(Base):
    __tablename__ = "plans"
    id = Column(Integer, primary_key=True)

class Subscription(Base):
    __tablename__ = "subscriptions"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    plan = Column(Text, ForeignKey("plans.id"))  # ORM606
""", "migrations/versions/0001_init.py": _MIGRATION_TABLES + '''
    op.create_table("plans", sa.Column("id", sa.Integer(), primary_key=True))
'''},
        {"app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Page(Base):
    __tablename__ = "pages"
    id = Column(Integer, primary_key=True)
    slug = Column(String(50), unique=True)  # ORM606
""", "migrations/versions/p1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "p1"
down_revision = None

def upgrade():
    op.create_table("pages", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("slug", sa.String(50)))
    op.create_index("ix_pages_slug", "pages", ["slug"])
'''},
        {"app/models.py": """
from sqlalchemy import Column, Index, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (
        Index("ix_pages_site_slug", "site", "slug"),  # ORM606
    )
    id = Column(Integer, primary_key=True)
    site = Column(String(50))
    slug = Column(String(50))
""", "migrations/versions/p1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "p1"
down_revision = None

def upgrade():
    op.create_table("pages", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("site", sa.String(50)),
                    sa.Column("slug", sa.String(50)), sa.Index("ix_pages_site_slug", "site", "slug"))

def downgrade():
    pass
''', "migrations/versions/p2.py": '''
from alembic import op
revision = "p2"
down_revision = "p1"

def upgrade():
    op.drop_index("ix_pages_site_slug", table_name="pages")
'''},
    ]


def _has_index(migrated: "MigratedTable", columns: tuple[str, ...], unique: bool) -> bool:
    wanted = set(columns) if unique else None
    for index in migrated.indexes:
        if index.partial:
            continue
        if unique:
            if index.unique and set(index.columns) == wanted:
                return True
        elif index.columns == columns or (index.unique and set(index.columns) == set(columns)):
            return True
    return False


def _fk_referent(fk: "ForeignKeyRef") -> Optional[str]:
    if fk.target_column is not None and fk.target_column.table is not None and fk.target_column.table.name:
        return fk.target_column.table.name.lower()
    split = fk.split_target()
    if split is not None:
        return split[1].lower()
    return None


class OrphanInMigrations(Rule):
    """## What it does
    Reports tables and columns that the replayed Alembic history creates but
    no model (nor `Table(...)`) declares, at the migration line that created
    them. Opt-in and informational: orphans are often deliberate (tables
    used through raw SQL, columns kept for a rollback window). Silent when
    some model's table name or columns cannot be known, for `external-tables`
    and Alembic's own `alembic_version`.

    ## Why is this bad?
    An orphan is data nobody maintains: a leftover of a removed feature, or a
    model deleted without its migration.

    ## Example
    ```python
    op.create_table("legacy_sessions", ...)   # no model maps legacy_sessions
    ```

    ## Use instead
    Drop it in a migration, or map it (or list it in `external-tables`).
    """

    code = "ORM607"
    name = "orphan-in-migrations"
    severity = Severity.INFO
    summary = "a table or column exists in the migrated schema but in no model"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        history = project_history(ctx)
        if not history.schemas or any(s.uncertain for s in history.schemas) or ctx.index.open_metadata:
            return
        if any(t.name is None for t in ctx.index.tables) or any(not c.table_name_known for c in ctx.index.classes):
            return
        modelled = {t.name.lower() for t in ctx.index.tables if t.name is not None}
        external = {name.lower() for name in ctx.settings.external_tables} | {"alembic_version"}
        for schema in history.schemas:
            for key, migrated in sorted(schema.tables.items()):
                if migrated.uncertain or key in external or key in ctx.index.uncertain_table_names:
                    continue
                if key not in modelled:
                    message = f"Table `{migrated.name}` is created by the migrations but mapped by no model."
                    yield self.diagnostic(migrated.path, make_span(migrated.line, 0, migrated.line, 0), message,
                                          "Drop it in a migration, map it, or list it in `external-tables`.", whole_span=False)
        for table, migrated in compared_tables(ctx):
            if not table.complete:
                continue
            names = {(c.name or "").lower() for c in table.columns}
            if any(c.name is None for c in table.columns):
                continue
            for key, column in sorted(migrated.columns.items()):
                if key not in names:
                    message = f"Column `{migrated.name}.{column.name}` is created by the migrations but `{table.defined_by}` does not declare it."
                    yield self.diagnostic(column.path, make_span(column.line, 0, column.line, 0), message,
                                          "Drop it in a migration, or add it to the model.", whole_span=False)

    VALID = [
        {"pkg/__init__.py": "", "pkg/models.py": """
from invenio_db import db  # a package wrapping Flask-SQLAlchemy, outside the project

class Team(db.Model):
    __tablename__ = "team"
    id = db.Column(db.Integer, primary_key=True)

members = db.Table(
    "team_member",
    db.Column("team_id", db.Integer, db.ForeignKey("team.id"), primary_key=True),
)
""", "pkg/alembic/0001_create.py": '''
import sqlalchemy as sa
from alembic import op
revision = "0001"
down_revision = None

def upgrade():
    op.create_table("team", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))
    op.create_table("team_member", sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id"), nullable=False),
                    sa.PrimaryKeyConstraint("team_id"))
'''},
        {"app/models.py": """
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True, index=True)

class Subscription(Base):
    __tablename__ = "subscriptions"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    plan = Column(Text)
""", "migrations/versions/0001_init.py": _MIGRATION_TABLES},
        {"app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
""", "migrations/versions/a1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "a1"
down_revision = None

def upgrade():
    op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("old", sa.Integer()))
    op.create_table("scratch", sa.Column("id", sa.Integer(), primary_key=True))
    op.drop_column("tags", "old")
    op.drop_table("scratch")
'''},
        {"app/models.py": """
from sqlalchemy import Column, Integer, MetaData, Table

metadata = MetaData()
tags = Table("tags", metadata, Column("id", Integer, primary_key=True))
""", "migrations/versions/a1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "a1"
down_revision = None

def upgrade():
    op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))
'''},
    ]
    INVALID = [
        {"app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
""", "migrations/versions/a1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "a1"
down_revision = None

def upgrade():
    op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))
    op.create_table("legacy_sessions", sa.Column("id", sa.Integer(), primary_key=True))  # ORM607
'''},
        {"app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
""", "migrations/versions/a1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "a1"
down_revision = None

def upgrade():
    op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))
    op.add_column("tags", sa.Column("colour", sa.String(7)))  # ORM607
'''},
        {"app/models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
""", "migrations/versions/a1.py": '''
from alembic import op
revision = "a1"
down_revision = None

def upgrade():
    op.execute("CREATE TABLE tags (id SERIAL PRIMARY KEY)")
    op.execute("CREATE TABLE tmp_import (id SERIAL PRIMARY KEY)")  # ORM607
'''},
    ]


class NullabilityDiffersFromMigrations(Rule):
    """## What it does
    Compares the nullability of each model column (`nullable=`, `Optional[...]`
    in `Mapped[...]` / SQLModel annotations, primary keys) with the migrated
    column's (`nullable=` of `sa.Column`, later `alter_column(nullable=...)`,
    `NOT NULL` / `SET NOT NULL` in literal SQL; a column without `nullable=`
    is nullable, as in SQLAlchemy). Silent when either side is not literal,
    and for columns of the migrated primary key.

    ## Why is this bad?
    A model that says NOT NULL over a nullable column loads `None` where the
    code does not expect it; a model that says nullable over a NOT NULL column
    fails on insert with an IntegrityError. `alembic check` would report it
    against a live database; ormlint finds it without one.

    ## Example
    ```python
    email: Mapped[str]    # NOT NULL in the model
    # the migration: sa.Column("email", sa.String(), nullable=True)
    ```

    ## Use instead
    Make the model say what the database has (`Mapped[Optional[str]]`), or
    add a migration with `op.alter_column("users", "email", nullable=False)`.
    """

    code = "ORM608"
    name = "nullability-differs-from-migrations"
    severity = Severity.WARNING
    summary = "nullability differs between model and migrated column"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for table, migrated in compared_tables(ctx):
            for column in table.columns:
                target = migrated.columns.get((column.name or "").lower())
                if target is None or target.primary_key or column.nullable is None or target.nullable is None:
                    continue
                if column.nullable == target.nullable:
                    continue
                model = "nullable" if column.nullable else "NOT NULL"
                database = "nullable" if target.nullable else "NOT NULL"
                message = (f"`{column.label}` is {model} in the model but {database} in the migrations "
                           f"({target.path}:{target.line}).")
                hint = ("Make the model match the database, or add a migration with "
                        f"`op.alter_column(\"{migrated.name}\", \"{target.name}\", nullable={column.nullable})`.")
                yield self.line_diagnostic(column.path, column.span, message, hint)

    VALID = [
        {"app/models.py": """
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True, index=True)

class Subscription(Base):
    __tablename__ = "subscriptions"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    plan = Column(Text)
""", "migrations/versions/0001_init.py": _MIGRATION_TABLES},
        {"app/models.py": """
from typing import Optional
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    title: Mapped[Optional[str]]
""", "alembic/versions/n1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "n1"
down_revision = None

def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer()), sa.Column("body", sa.Text(), nullable=True),
                    sa.Column("title", sa.String()), sa.PrimaryKeyConstraint("id"))
    op.alter_column("notes", "body", existing_type=sa.Text(), nullable=False)
'''},
        {"app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
""", "migrations/versions/a1.py": '''
from alembic import op
revision = "a1"
down_revision = None

def upgrade():
    op.execute("CREATE TABLE tags (id SERIAL PRIMARY KEY, name VARCHAR(50))")
    op.execute("ALTER TABLE tags ALTER COLUMN name SET NOT NULL")
'''},
    ]
    INVALID = [
        {"app/models.py": """
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True, index=True)

class Subscription(Base):
    __tablename__ = "subscriptions"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    plan = Column(Text, nullable=False)  # ORM608
""", "migrations/versions/0001_init.py": _MIGRATION_TABLES},
        {"app/models.py": """
from typing import Optional
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[Optional[str]]  # ORM608
""", "alembic/versions/n1.py": '''
import sqlalchemy as sa
from alembic import op
revision = "n1"
down_revision = None

def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("title", sa.String(), nullable=False))
'''},
        {"app/models.py": """
from typing import Optional
from sqlmodel import Field, SQLModel

class Item(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    title: str  # ORM608
""", "app/alembic/versions/i1.py": '''
import sqlalchemy as sa
import sqlmodel
from alembic import op
revision = "i1"
down_revision = None

def upgrade():
    op.create_table("item", sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=True), sa.PrimaryKeyConstraint("id"))
'''},
    ]
