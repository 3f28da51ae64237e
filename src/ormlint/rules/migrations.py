"""ORM605: the Alembic revision graph, read from the revision files."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterator, Optional

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import Const, Expr, Seq, Span
from ormlint.facts import ModuleFacts
from ormlint.rules.base import Rule, RuleContext


@dataclass
class Revision:
    revision: str
    parents: tuple[str, ...]
    path: str
    revision_span: Span
    down_span: Span
    labelled: bool
    depends_on: tuple[str, ...] = ()
    table_ops: tuple[tuple[str, str, str], ...] = ()


@dataclass
class Environment:
    directory: str
    revisions: list[Revision] = field(default_factory=list)


def _strings(expr: Optional[Expr]) -> Optional[tuple[str, ...]]:
    """`"abc"`, `("a", "b")`, `None`; None when not literal."""
    if isinstance(expr, Const):
        if expr.value is None:
            return ()
        if isinstance(expr.value, str):
            return (expr.value,)
        return None
    if isinstance(expr, Seq):
        values = [item.value for item in expr.items if isinstance(item, Const) and isinstance(item.value, str)]
        return tuple(values) if len(values) == len(expr.items) and not expr.starred else None
    return None


def _revision_of(facts: ModuleFacts) -> Optional[Revision]:
    values = {a.target: a for a in facts.assignments if not a.conditional}
    revision = values.get("revision")
    down = values.get("down_revision")
    if revision is None or down is None:
        return None
    ids = _strings(revision.value)
    parents = _strings(down.value)
    if ids is None or len(ids) != 1 or parents is None:
        return None
    labels = _strings(values["branch_labels"].value) if "branch_labels" in values else ()
    depends = _strings(values["depends_on"].value) if "depends_on" in values else ()
    return Revision(ids[0], parents, facts.path, revision.span, down.span, bool(labels) or labels is None, depends or (),
                    facts.migration_table_ops)


def environments(modules: dict[str, ModuleFacts]) -> list[Environment]:
    """Revision files grouped by the directory that holds them (one `versions/` each)."""
    grouped: dict[str, Environment] = {}
    for facts in modules.values():
        if not facts.is_migration:
            continue
        revision = _revision_of(facts)
        if revision is None:
            continue
        directory = os.path.dirname(facts.path)
        grouped.setdefault(directory, Environment(directory)).revisions.append(revision)
    return [grouped[d] for d in sorted(grouped)]


class BrokenMigrationGraph(Rule):
    """## What it does
    Reads `revision` / `down_revision` (None, a string, or a tuple for merges),
    `branch_labels` and `depends_on` of every Alembic revision file and checks
    the graph of each `versions/` directory: a duplicated revision id, a
    `down_revision` naming no revision, a cycle, or several heads.

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
        everywhere = {r.revision for env in environments(ctx.index.modules) for r in env.revisions}
        for env in environments(ctx.index.modules):
            yield from self._check(env, everywhere)

    def _check(self, env: Environment, everywhere: set[str]) -> Iterator[Diagnostic]:
        by_id: dict[str, list[Revision]] = defaultdict(list)
        for revision in sorted(env.revisions, key=lambda r: (r.path, r.revision_span.line)):
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

    def _cycles(self, env: Environment, by_id: dict[str, list[Revision]]) -> Iterator[Diagnostic]:
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
    ]
    INVALID = [
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
    ]


def created_tables(env: Environment) -> Optional[set[str]]:
    """Lower-cased names of the tables an environment's revisions create (or
    may create, through literal SQL); None when that cannot be known: a
    revision runs `metadata.create_all`, SQL ormlint cannot read, or works on
    a table no revision created (the history starts from an existing schema)."""
    created: set[str] = set()
    touched: set[str] = set()
    for revision in env.revisions:
        for operation, table, other in revision.table_ops:
            if operation == "create_all" or (operation == "sql" and table == "*"):
                return None
            if operation in ("create", "sql"):
                created.add(table.lower())
            elif operation == "rename":
                touched.add(table.lower())
                created.add(other.lower())
            else:
                touched.add(table.lower())
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

        envs = environments(ctx.index.modules)
        if not envs:
            return
        created: set[str] = set()
        for env in envs:
            tables = created_tables(env)
            if tables is None:
                return  # some history cannot be followed: any table may come from it
            created |= tables
        external = {name.lower() for name in ctx.settings.external_tables}
        for mapped in ctx.index.classes:
            table = mapped.table
            if not mapped.own_table or table is None or table.name is None or _is_auxiliary(mapped.path):
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
