"""ORM302-ORM306: what the queries of the project do to the database.

Built on the per-function query facts (query_extract.py) and the usage
resolver (which names are mapped classes). Every rule stays silent where a
query, a column or a loader option cannot be resolved with certainty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, NamedTuple, Optional, TypeVar

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import Attr, Call, Const, Expr, Name, Span, Subscript, span_line, span_end_line
from ormlint.query_extract import CallSite, ColumnRef, FunctionQueries, LoaderPath, LoopFact, QueryFact, in_branch
from ormlint.rules.base import Rule, RuleContext
from ormlint.rules.indexes import index_definitions, leads_an_index
from ormlint.rules.usage import _resolver
from ormlint.schema import ColumnInfo, MappedClass, RelationshipInfo, TableInfo
from ormlint.symbols import sqlalchemy_name
from ormlint.test_paths import is_test_path
from ormlint.usage import ScopeContext, UsageResolver

# Query methods that keep what a query selects.
_KEEP = frozenset({
    "filter", "filter_by", "where", "order_by", "limit", "offset", "options", "distinct", "group_by", "having",
    "execution_options", "with_for_update", "params", "enable_eagerloads", "populate_existing", "autoflush",
    "yield_per", "correlate", "slice", "join", "outerjoin", "join_from", "prefix_with", "suffix_with", "with_hint",
    "order_by", "reset_joinpoint", "with_parent",
})
_ONE = frozenset({
    "first", "one", "one_or_none", "get", "scalar_one", "scalar_one_or_none", "first_or_404", "get_or_404",
    "one_or_404", "scalar", "@scalar",
})
_COUNT = frozenset({"count", "exists"})
# Column methods after which a plain b-tree index on the column does not serve the condition.
_INDEXABLE_OPS = frozenset({"cmp", "bool", "in_", "is_", "between", "__eq__", "isnot_distinct_from", "is_not_distinct_from"})
_EQUALITY_OPS = frozenset({"cmp", "in_", "is_", "__eq__"})
_BOUNDING = frozenset({"limit", "slice", "paginate", "first", "one", "one_or_none", "get", "scalar", "offset", "fetchmany", "yield_per", "scalar_one", "scalar_one_or_none", "count"})
SESSION_NAMES = frozenset({"session", "db_session", "dbsession", "sess", "_session", "_db_session", "session_", "db_sess"})


_Item = TypeVar("_Item")


@dataclass
class ResolvedQuery:
    module: str
    path: str
    function: FunctionQueries
    fact: QueryFact
    kind: str  # query / model_query / select / update / delete / insert / get
    model: Optional[MappedClass]
    methods: tuple[str, ...]
    conditions: list[ColumnRef] = field(default_factory=list)
    filter_by: list[str] = field(default_factory=list)
    complete: bool = True
    joins: int = 0
    options: list[LoaderPath] = field(default_factory=list)
    options_complete: bool = True
    scope: Optional[ScopeContext] = None

    # Where the query is built (for a query kept in a variable: its first assignment).
    origin_line: int = 0

    @property
    def line(self) -> int:
        return self.origin_line or span_line(self.fact.span)

    def result(self) -> Optional[str]:
        """What the expression evaluates to: query / statement / rows / result / one / count / page, or None."""
        state: Optional[str] = {"query": "query", "model_query": "query", "get": "one"}.get(self.kind, "statement")
        for method in self.methods:
            if state is None:
                return None
            if method in _KEEP:
                state = state if state in ("query", "statement") else None
            elif method == "all":
                state = "rows" if state in ("query", "rows") else None
            elif method in ("@scalars", "@exec", "@stream_scalars"):
                state = "rows" if state == "statement" else None
            elif method in ("@execute", "@stream"):
                state = "result" if state == "statement" else None
            elif method == "scalars":
                state = "rows" if state == "result" else None
            elif method == "unique":
                state = state if state in ("rows", "result") else None
            elif method == "paginate":
                state = "page" if state in ("query", "statement") else None
            elif method == "items":
                state = "rows" if state == "page" else None
            elif method in _ONE:
                state = "one"
            elif method in _COUNT:
                state = "count"
            elif method in ("values", "returning", "inline", "on_conflict_do_nothing", "on_conflict_do_update") and state == "statement":
                state = "statement"
            else:
                return None
        return state


def _new_items(items: list[_Item], seen: set[int]) -> list[_Item]:
    """The items (facts, by identity) not in `seen`, now added to it."""
    new = [item for item in items if id(item) not in seen]
    seen.update(id(item) for item in new)
    return new


class QueryAnalysis:
    """Resolved queries of the project, shared by the ORM3xx query rules."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.resolver: UsageResolver = _resolver(ctx)
        scopes = {(c.module, c.scope.name): c for c in self.resolver.contexts()}
        self.functions: list[tuple[str, str, FunctionQueries, Optional[ScopeContext]]] = []
        for module, facts in sorted(ctx.index.modules.items()):
            if facts.is_migration:
                continue
            for function in facts.queries:
                self.functions.append((module, facts.path, function, scopes.get((module, function.name))))
        self._resolved: dict[tuple[int, int], Optional[ResolvedQuery]] = {}
        self._sql_tables: Optional[set[str]] = None

    def queries(self) -> Iterator[ResolvedQuery]:
        for module, path, function, scope in self.functions:
            for position in range(len(function.queries)):
                resolved = self.resolve(module, path, function, scope, position)
                if resolved is not None:
                    yield resolved

    def intermediate(self, function: FunctionQueries) -> set[int]:
        return {base for fact in function.queries for base in fact.bases}

    def resolve(self, module: str, path: str, function: FunctionQueries, scope: Optional[ScopeContext], position: int, depth: int = 0) -> Optional[ResolvedQuery]:
        key = (id(function), position)
        if key in self._resolved:
            return self._resolved[key]
        self._resolved[key] = None  # cycles
        result = self._resolve(module, path, function, scope, position, depth)
        self._resolved[key] = result
        return result

    def _resolve(self, module: str, path: str, function: FunctionQueries, scope: Optional[ScopeContext], position: int, depth: int) -> Optional[ResolvedQuery]:
        fact = function.queries[position]
        if depth > 10:
            return None
        if fact.root == "var":
            if not fact.bases or -1 in fact.bases:
                return None
            bases = [self.resolve(module, path, function, scope, b, depth + 1) for b in fact.bases]
            if any(b is None for b in bases):
                return None
            first = bases[0]
            assert first is not None
            if any(b is None or b.kind != first.kind or b.model is not first.model for b in bases):
                return None
            # Every assignment adds to the variable: conditions and options of all of them count.
            # Where the query is built: the first assignment that filters (`if
            # admin: stmt = select(Item)` / `else: stmt = select(Item).where(...)`
            # is cited at the `where`), else the first assignment.
            filtering = [b for b in bases if b is not None and (b.conditions or b.filter_by)]
            merged = ResolvedQuery(module, path, function, fact, first.kind, first.model, first.methods + fact.methods, scope=scope,
                                   origin_line=min(b.line for b in (filtering or bases) if b is not None))
            # A base's lists already hold its own bases' items: with `if flag:
            # stmt = stmt.where(...)` repeated, every assignment reaches all the
            # earlier ones, and plain concatenation would double the lists with
            # each (Privacyidea: 28 such steps took 24 GB). Each item once.
            seen_conditions: set[int] = set()
            seen_options: set[int] = set()
            for base in bases:
                assert base is not None
                merged.conditions.extend(_new_items(base.conditions, seen_conditions))
                merged.filter_by.extend(key for key in base.filter_by if key not in merged.filter_by)
                merged.complete = merged.complete and base.complete
                merged.joins = max(merged.joins, base.joins)
                merged.options.extend(_new_items(base.options, seen_options))
                merged.options_complete = merged.options_complete and base.options_complete
                if base.methods != first.methods:
                    # Different refinements: the order of methods is unknown, keep the shared shape.
                    if any(m not in _KEEP for m in base.methods[len(first.methods):]):
                        return None
            self._add_own(merged, fact)
            return merged
        model: Optional[MappedClass] = None
        if fact.root in ("query", "model_query", "get"):
            if len(fact.entities) != 1:
                return None
            model = self.resolver.mapped(module, fact.entities[0], scope)
            if model is None:
                return None
            if fact.root == "model_query" and model.style != "flask":
                return None
        elif fact.root in ("select", "update", "delete", "insert"):
            symbol = self.resolver.symbols.resolve_expr(module, Name(fact.root_func))
            if sqlalchemy_name(symbol) != fact.root:
                return None
            if len(fact.entities) == 1:
                model = self.resolver.mapped(module, fact.entities[0], scope)
        else:
            return None
        resolved = ResolvedQuery(module, path, function, fact, fact.root, model, fact.methods, scope=scope)
        self._add_own(resolved, fact)
        return resolved

    @staticmethod
    def _add_own(resolved: ResolvedQuery, fact: QueryFact) -> None:
        resolved.conditions.extend(fact.conditions)
        resolved.filter_by.extend(fact.filter_by)
        resolved.complete = resolved.complete and fact.conditions_complete
        resolved.joins += len(fact.joins)
        resolved.options.extend(fact.options)
        resolved.options_complete = resolved.options_complete and fact.options_complete

    # -- condition columns ------------------------------------------------
    def condition_columns(self, query: ResolvedQuery) -> Optional[list[tuple[ColumnInfo, str]]]:
        """Every (column, operator) the conditions of a single-table query name;
        None when any part of the conditions is not certainly a column of its table."""
        model = query.model
        if model is None or model.table is None or not query.complete or query.joins:
            return None
        if any(m in ("get", "with_entities", "add_columns", "select_from", "from_self", "subquery", "union", "union_all", "with_parent") for m in query.methods):
            return None
        table = model.table
        columns = model.all_columns()
        found: list[tuple[ColumnInfo, str]] = []
        groups: dict[int, list[ColumnRef]] = {}
        for ref in query.conditions:
            groups.setdefault(ref.group, []).append(ref)
        for refs in groups.values():
            mapped_refs = 0
            for ref in refs:
                owner = self.resolver.mapped(query.module, Name(ref.base), query.scope)
                if owner is None:
                    if not self._is_value(query.scope, ref.base):
                        return None
                    continue
                column = owner.all_columns().get(ref.attr)
                if column is None or column.table is not table:
                    return None
                mapped_refs += 1
                found.append((column, ref.op))
            if mapped_refs != 1:
                return None  # a comparison of two columns (a join), or of no column
        for name in query.filter_by:
            column = columns.get(name)
            if column is None or column.table is not table:
                return None
            found.append((column, "cmp"))
        return found

    @staticmethod
    def _is_value(scope: Optional[ScopeContext], base: str) -> bool:
        """`base` is certainly a value (a parameter, `self`, a local variable that is not an alias of a class)."""
        if scope is None:
            return False
        root = base.split(".", 1)[0]
        if root in ("self", "cls"):
            return True
        if scope.param(root)[0]:
            return True
        bindings = scope.bindings_of(root)
        if not bindings:
            return False
        for _, kind, value in bindings:
            if kind == "import":
                return False
            if isinstance(value, Call) and isinstance(value.func, Name) and value.func.last in ("aliased", "with_polymorphic"):
                return False
        return True

    def migration_sql_tables(self) -> set[str]:
        """Tables literal SQL in migrations mentions: an index may be created there."""
        if self._sql_tables is None:
            found: set[str] = set()
            for facts in self.ctx.index.modules.values():
                for operation, table, _ in facts.migration_table_ops:
                    if operation == "sql":
                        found.add(table)
            self._sql_tables = found
        return self._sql_tables

    def small(self, table: TableInfo, model: MappedClass) -> bool:
        names = self.ctx.settings.small_tables
        return bool(names) and (table.name in names or model.name in names or table.display in names or model.qualname in names)


_CACHE: list[tuple[RuleContext, QueryAnalysis]] = []


def analysis(ctx: RuleContext) -> QueryAnalysis:
    for cached_ctx, cached in _CACHE:
        if cached_ctx is ctx:
            return cached
    made = QueryAnalysis(ctx)
    _CACHE[:] = [(ctx, made)]
    return made


def _site(query: ResolvedQuery) -> str:
    return f"{query.path}:{query.line}"


def _columns_listeners_may_add(ctx: RuleContext) -> frozenset[str]:
    """The attribute names the `do_orm_execute` listeners read (`table.c.tenant_id`,
    `Skill.tenant_id`): such a listener may add a condition on a column of that
    name to every query (bisheng's tenant filter), so no query of a table with
    one is read completely. All the module reads when a listener is not named."""
    found: set[str] = set()
    for facts in ctx.index.modules.values():
        if not facts.query_listeners or is_test_path(facts.path):
            continue
        listeners = set(facts.query_listeners)
        for scope in facts.scopes:
            if "" in listeners or scope.name.rsplit(".", 1)[-1] in listeners:
                found.update(attr for _, attr, _, _, _, _ in scope.attributes)
    return frozenset(found)


# Directories of code that runs once: an Alembic environment's helpers, a
# `data_migrations/` backfill run by hand (spiff-arena's `bin/data_migrations`).
_MIGRATION_DIRECTORIES = frozenset({"migrations", "alembic", "data_migrations"})


def _in_migration_code(path: str) -> bool:
    return not _MIGRATION_DIRECTORIES.isdisjoint(path.replace("\\", "/").split("/")[:-1])


def _scan_sites(ctx: RuleContext) -> Iterator[tuple[ResolvedQuery, TableInfo, list[tuple[ColumnInfo, str]]]]:
    """Queries whose conditions are certainly read, on one table: (query, table, columns)."""
    data = analysis(ctx)
    rewritten = _columns_listeners_may_add(ctx)
    for module, path, function, scope in data.functions:
        if is_test_path(path) or _in_migration_code(path):
            continue  # a test's queries, or a migration's, say nothing of the load an index would serve
        intermediate = data.intermediate(function)
        for position in range(len(function.queries)):
            if position in intermediate:
                continue  # refined further: the refinement is the site
            query = data.resolve(module, path, function, scope, position)
            if query is None or query.kind not in ("query", "model_query", "select", "update", "delete") or query.model is None:
                continue
            if query.kind == "model_query" and query.model.filtering_query_class:
                continue  # `Model.query` builds with the model's `query_class`, which adds conditions
            columns = data.condition_columns(query)
            if not columns:
                continue
            table = query.model.table
            assert table is not None
            if table.name is None or not table.constraints_known or data.small(table, query.model):
                continue
            if rewritten and any(c.key in rewritten or c.name in rewritten for c in table.columns):
                continue  # a `do_orm_execute` listener may add a condition on that column
            if ctx.index.creation.never_created(table):
                continue  # another program's database: its indexes are not this project's to add
            if table.name in data.migration_sql_tables():
                continue
            yield query, table, columns


class FullScanCondition(Rule):
    """## What it does
    Flags a column that queries filter a table on, when none of the columns
    in those conditions is the leading column of an index, unique constraint
    or primary key (declared on the model, by a module-level `Index(...)` or by
    an Alembic revision). Reported on the column's definition, naming up to
    three query sites. A query is counted only when every part of its
    conditions is certainly a column of that one table (no joins, no functions
    around columns, no `LIKE` patterns or `!=` an index could not serve);
    Boolean flags are never reported (an index on a flag rarely helps), nor
    is a column that says `index=False` (its author decided), and
    tables listed in `small-tables` are skipped. Queries in tests (a `tests/`
    directory, `test_*.py`, `conftest.py`) are not counted: they say nothing
    of the load an index would serve; nor are those of code that runs once
    (a `migrations/`, `alembic/` or `data_migrations/` directory: a backfill).
    In a project written for MySQL alone, a
    foreign key column counts as indexed (InnoDB indexes every foreign key;
    see ORM301). Nor are the tables of a database the project maps but never
    creates, while it creates another (see ORM301). Flask-SQLAlchemy's
    `Model.query` of a model whose `query_class` overrides how queries are
    made (`__iter__`, `__new__`) is not counted: that class may add
    conditions to every query (a tenant filter); one that only adds methods is.
    Where a module registers a `do_orm_execute` listener (outside tests),
    the tables with a column of a name that module reads (`tenant_id`) are
    left alone: the listener may add a condition on it to every query.

    ## Why is this bad?
    Without an index the database reads the whole table for every such query:
    fine with a hundred rows, a timeout with ten million. Soft-delete columns
    (`deleted_at`) that every query of a repository filters on are the classic
    case (the third audit in ormlint's seeds).

    ## Example
    ```python
    class Exercise(Base):
        deleted_at = Column(DateTime)

    def active_exercises(session):
        return session.query(Exercise).filter(Exercise.deleted_at.is_(None)).all()
    ```

    ## Use instead
    ```python
        deleted_at = Column(DateTime, index=True)
    ```
    """

    code = "ORM302"
    name = "full-scan-condition"
    severity = Severity.WARNING
    summary = "queries filter a table only on columns no index leads with"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        by_column: dict[tuple[str, int], list[tuple[ColumnInfo, ResolvedQuery]]] = {}
        for query, table, columns in _scan_sites(ctx):
            if any(op not in _INDEXABLE_OPS for _, op in columns):
                continue  # an index would not serve this condition anyway
            if any(leads_an_index(ctx.index, table, column) for column, _ in columns):
                continue
            seen: set[int] = set()
            for column, _ in columns:
                if id(column) in seen or column.type.family == "boolean" or column.index_declined:
                    continue  # an index on a flag rarely helps; `index=False` is a decision
                seen.add(id(column))
                by_column.setdefault((column.path, span_line(column.span)), []).append((column, query))
        for (path, _), uses in sorted(by_column.items()):
            column = uses[0][0]
            tables = sorted({c.table.display for c, _ in uses if c.table is not None})
            sites = sorted({_site(q) for _, q in uses})
            shown = ", ".join(sites[:3]) + (f" (+{len(sites) - 3} more)" if len(sites) > 3 else "")
            labels = sorted({c.label for c, _ in uses})
            message = (
                f"`{'`, `'.join(labels)}` is filtered on without an index: {len(sites)} "
                f"quer{'y' if len(sites) == 1 else 'ies'} filter{'s' if len(sites) == 1 else ''} table{'s' if len(tables) > 1 else ''} "
                f"`{'`, `'.join(tables)}` only on columns no index leads with, so each one scans the table: {shown}."
            )
            hint = (
                f"Add `index=True` to `{column.key}` (or an Index that leads with it); if the table stays small, "
                f"list it in `small-tables`."
            )
            yield self.line_diagnostic(path, column.span, message, hint)

    VALID = [
        {
            "app/models.py": """
from sqlalchemy import Column, Integer, String, update
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class ProcessInstance(Base):
    __tablename__ = "process_instance"
    id = Column(Integer, primary_key=True)
    serializer_version = Column(String(50))
""",
            # spiff-arena: a backfill run once, by hand.
            "bin/data_migrations/version_2.py": """
from sqlalchemy import update

from app.models import ProcessInstance

def run(session):
    session.execute(update(ProcessInstance).where(ProcessInstance.serializer_version == "1").values(serializer_version="2"))
""",
        },
        {
            # OpenHands: the index follows its table through `op.rename_table`.
            "models.py": """
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Hook(Base):
    __tablename__ = "hook"
    id = Column(Integer, primary_key=True)
    owner = Column(String, nullable=False)

def find_by_owner(session, owner):
    return session.execute(select(Hook).where(Hook.owner == owner)).scalars().all()
""",
            "migrations/versions/001_create.py": """
import sqlalchemy as sa
from alembic import op

revision = "001"
down_revision = None

def upgrade():
    op.create_table("hook_old", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("owner", sa.String(), nullable=False))
    op.create_index("ix_hook_owner", "hook_old", ["owner"])
""",
            "migrations/versions/002_rename.py": """
from alembic import op

revision = "002"
down_revision = "001"

def upgrade():
    op.rename_table("hook_old", "hook")
""",
        },
        {
            "app/settings.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

SettingsBase = declarative_base()

class Setting(SettingsBase):
    __tablename__ = "settings"
    id = Column(Integer, primary_key=True)
    value = Column(String)

def init_settings(engine):
    SettingsBase.metadata.create_all(engine)
""",
            "app/library.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

# The library database another program writes (calibre-web maps Calibre's):
# its indexes are that program's, this project never creates these tables.
LibraryBase = declarative_base()

class BookFile(LibraryBase):
    __tablename__ = "book_files"
    id = Column(Integer, primary_key=True)
    fmt = Column(String, nullable=False)

def files_in(session: Session, fmt: str):
    return session.query(BookFile).filter(BookFile.fmt == fmt).all()
""",
        },
        {
            "app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Challenge(Base):
    __tablename__ = "challenges"
    id = Column(Integer, primary_key=True)
    name = Column(String(80))
""",
            "tests/test_export.py": """
from app.models import Challenge

def test_import_keeps_names(session):
    assert session.query(Challenge).filter_by(name="chal").first() is not None
""",
        },
        """
from sqlalchemy import Column, DateTime, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Exercise(Base):
    __tablename__ = "exercises"
    id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, index=True)
    deleted_at = Column(DateTime, index=True)
    title = Column(String(100))

def active(session: Session):
    return session.query(Exercise).filter(Exercise.deleted_at.is_(None)).all()

def by_owner(session: Session, owner_id: int):
    # title is not indexed, but owner_id leads an index: the database uses it.
    return session.query(Exercise).filter(Exercise.owner_id == owner_id, Exercise.title == "x").all()

class Setting(Base):
    __tablename__ = "settings"
    id = Column(Integer, primary_key=True)
    # Few rows, read rarely: no index, by decision.
    risk_level = Column(String(20), index=False)

def risky(session: Session):
    return session.query(Setting).filter(Setting.risk_level == "high").all()

def search(session: Session, text: str):
    # a LIKE pattern: a plain index would not help, not reported.
    return session.query(Exercise).filter(Exercise.title.ilike(f"%{text}%")).all()
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Setting(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(50), unique=True)
    scope = db.Column(db.String(50))

def setting(key, scope):
    return Setting.query.filter_by(key=key, scope=scope).first()

def by_id(setting_id):
    return Setting.query.filter(Setting.scope == "global").filter(Setting.id == setting_id).first()
""",
        },
        {
            "models.py": """
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Ticket(Base):
    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str]

def open_tickets(session: Session):
    return session.scalars(select(Ticket).where(Ticket.status == "open")).all()
""",
            "migrations/versions/0001_init.py": """
from alembic import op

revision = "0001"
down_revision = None

def upgrade():
    op.create_index("ix_tickets_status", "tickets", ["status"])
""",
        },
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, aliased, declarative_base

Base = declarative_base()

class Node(Base):
    __tablename__ = "nodes"
    id = Column(Integer, primary_key=True)
    parent_id = Column(Integer)
    name = Column(String(20))

def children_named(session: Session, name: str):
    parent = aliased(Node)
    # a self-join through an alias: not a single-table condition.
    return session.query(Node).filter(Node.parent_id == parent.id, parent.name == name).all()
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from flask import g
from app import db

class TenantQuery(db.Query):
    # zeus: every query of the model also filters on the tenant.
    def __iter__(self):
        return db.Query.__iter__(self.filter(self._mapper_zero().class_.tenant_id.in_(g.tenants)))

class Build(db.Model):
    query_class = TenantQuery
    id = db.Column(db.Integer, primary_key=True)
    tenant_id = db.Column(db.Integer, nullable=False)
    provider = db.Column(db.String(64))
    __table_args__ = (db.Index("ix_build_tenant_provider", "tenant_id", "provider"),)

def by_provider(provider):
    return Build.query.filter(Build.provider == provider).first()
""",
        },
        """
from sqlalchemy import String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Skill(Base):
    __tablename__ = "skills"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(50))

@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(state):
    # bisheng: every SELECT also filters on the tenant.
    if state.is_select:
        state.statement = state.statement.where(Skill.tenant_id == 1)

def by_name(session: Session, name: str):
    return session.query(Skill).filter(Skill.name == name).first()
""",
    ]
    INVALID = [
        """
from typing import Optional

from sqlmodel import Field, Session, SQLModel, col, select

class Item(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    owner: str  # ORM302
    status: str

def by_owner(session: Session, owner: str):
    # `col()` is SQLModel's helper for type checkers: the condition is on `owner`.
    return session.exec(select(Item).where(col(Item.owner) == owner)).all()

def by_ids(session: Session, ids: list[int]):
    # The key leads an index: no scan.
    return session.exec(select(Item).where(col(Item.id).in_(ids), Item.status == "open")).all()
""",
        {
            "app/models.py": """
from sqlalchemy import Column, Integer, String, update
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class ProcessInstance(Base):
    __tablename__ = "process_instance"
    id = Column(Integer, primary_key=True)
    serializer_version = Column(String(50))  # ORM302
""",
            # The same update in the application: it runs again and again.
            "app/upgrade.py": """
from sqlalchemy import update

from app.models import ProcessInstance

def run(session):
    session.execute(update(ProcessInstance).where(ProcessInstance.serializer_version == "1").values(serializer_version="2"))
""",
        },
        {
            # SuperAGI: the renamed table moved on, and a new `hook` was created without the index.
            "models.py": """
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Hook(Base):
    __tablename__ = "hook"
    id = Column(Integer, primary_key=True)
    owner = Column(String, nullable=False)  # ORM302

def find_by_owner(session, owner):
    return session.execute(select(Hook).where(Hook.owner == owner)).scalars().all()
""",
            "migrations/versions/001_create.py": """
import sqlalchemy as sa
from alembic import op

revision = "001"
down_revision = None

def upgrade():
    op.create_table("hook_old", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("owner", sa.String(), nullable=False))
    op.create_index("ix_hook_owner", "hook_old", ["owner"])
""",
            "migrations/versions/002_rename.py": """
import sqlalchemy as sa
from alembic import op

revision = "002"
down_revision = "001"

def upgrade():
    op.rename_table("hook_old", "hook")
    op.rename_table("hook", "hook_archive")
    op.create_table("hook", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("owner", sa.String(), nullable=False))
""",
        },
        {
            # The index is on another table than the one renamed to `hook`.
            "models.py": """
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Hook(Base):
    __tablename__ = "hook"
    id = Column(Integer, primary_key=True)
    owner = Column(String, nullable=False)  # ORM302

def find_by_owner(session, owner):
    return session.execute(select(Hook).where(Hook.owner == owner)).scalars().all()
""",
            "migrations/versions/001_create.py": """
import sqlalchemy as sa
from alembic import op

revision = "001"
down_revision = None

def upgrade():
    op.create_table("hook_old", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("owner", sa.String(), nullable=False))
    op.create_index("ix_hook_owner", "hook_archive", ["owner"])
""",
            "migrations/versions/002_rename.py": """
from alembic import op

revision = "002"
down_revision = "001"

def upgrade():
    op.rename_table("hook_old", "hook")
""",
        },
        """
from sqlalchemy import Column, DateTime, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Exercise(Base):
    __tablename__ = "exercises"
    id = Column(Integer, primary_key=True)
    title = Column(String(100))
    deleted_at = Column(DateTime)  # ORM302

class ExerciseRepository:
    def __init__(self, session: Session):
        self.session = session

    def active(self):
        return self.session.query(Exercise).filter(Exercise.deleted_at.is_(None)).all()

    def count_active(self):
        return self.session.query(Exercise).filter(Exercise.deleted_at == None).count()
""",
        """
from sqlalchemy import and_, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Invoice(Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str]  # ORM302
    currency: Mapped[str]  # ORM302

def overdue(session: Session, currency: str):
    conditions = [Invoice.status == "overdue"]
    if currency:
        conditions.append(Invoice.currency == currency)
    stmt = select(Invoice).where(and_(*conditions))
    return session.scalars(stmt).all()
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120))  # ORM302

def by_email(email):
    return User.query.filter_by(email=email).first()
""",
        },
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from flask import g
from app import db

class TenantQuery(db.Query):
    def __iter__(self):
        return db.Query.__iter__(self.filter(self._mapper_zero().class_.tenant_id.in_(g.tenants)))

class Build(db.Model):
    query_class = TenantQuery
    id = db.Column(db.Integer, primary_key=True)
    tenant_id = db.Column(db.Integer, nullable=False)
    provider = db.Column(db.String(64))  # ORM302
    __table_args__ = (db.Index("ix_build_tenant_provider", "tenant_id", "provider"),)

def by_provider(provider):
    # The session's own query class, not the model's: no tenant condition.
    return db.session.query(Build).filter(Build.provider == provider).first()

class PersonQuery(db.Query):
    # ihatemoney: a query class that only adds methods leaves the conditions as written.
    def by_name(self, name):
        return self.filter(Person.name == name).one_or_none()

class Person(db.Model):
    query_class = PersonQuery
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(64))  # ORM302

def person(name):
    return Person.query.filter(Person.name == name).first()
""",
        },
        """
from sqlalchemy import String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Skill(Base):
    __tablename__ = "skills"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(50))  # ORM302

@event.listens_for(Session, "before_flush")
def _fill_tenant(session, context, instances):
    # Sets the tenant on new rows: the queries stay as written.
    for obj in session.new:
        obj.tenant_id = 1

def by_name(session: Session, name: str):
    return session.query(Skill).filter(Skill.name == name).first()
""",
        """
from sqlalchemy import String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Setting(Base):
    __tablename__ = "settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50))  # ORM302

@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(state):
    # Adds a condition on `tenant_id`, which settings do not have.
    for table in state.statement.get_final_froms():
        if "tenant_id" in table.c:
            state.statement = state.statement.where(table.c.tenant_id == 1)

def setting(session: Session, key: str):
    return session.query(Setting).filter(Setting.key == key).first()
""",
    ]


class CompositeIndexCandidate(Rule):
    """## What it does
    Flags a table whose queries filter the same set of columns together in at
    least `composite-min-sites` places (default 2) when no index has exactly
    those columns as its leading columns (Boolean flags left out). Suggests the `Index(...)` to add.
    Reported on the class (or `Table(`) line. Only single-table queries whose
    conditions ormlint reads completely count (none of tests or migrations,
    nor tables the project never creates, as for ORM302), and no set with a unique or primary
    key column is suggested.

    ## Why is this bad?
    A single-column index on `user_id` still reads every row of the user to
    find those with `status = 'open'`; `(user_id, status)` goes straight to
    them. The first audit in ormlint's seeds lists such `(user_id, created_at)`
    and `(user_id, status)` patterns.

    ## Example
    ```python
    session.query(Task).filter(Task.user_id == uid, Task.status == "open")  # in two places
    ```

    ## Use instead
    ```python
    __table_args__ = (Index("ix_tasks_user_id_status", "user_id", "status"),)
    ```
    """

    code = "ORM303"
    name = "composite-index-candidate"
    severity = Severity.INFO
    summary = "columns filtered together in several queries have no composite index"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        sets: dict[tuple[int, frozenset[str]], tuple[TableInfo, set[str]]] = {}
        for query, table, columns in _scan_sites(ctx):
            if any(op not in _EQUALITY_OPS for _, op in columns):
                continue
            if any(not c.column_key for c, _ in columns):
                continue
            # Flags add little to a composite index: the other columns are the candidates.
            keys = frozenset(c.column_key for c, _ in columns if c.column_key and c.type.family != "boolean")
            if len(keys) < 2:
                continue
            entry = sets.setdefault((id(table), keys), (table, set()))
            entry[1].add(_site(query))
        minimum = max(ctx.settings.composite_min_sites, 1)
        for (_, keys), (table, sites) in sorted(sets.items(), key=lambda item: (item[1][0].path, span_line(item[1][0].span), sorted(item[0][1]))):
            if len(sites) < minimum:
                continue
            definitions = index_definitions(table)
            if any(len(d.columns) == 1 and d.unique and d.columns[0] in keys for d in definitions):
                continue
            if any(len(columns) >= len(keys) and set(columns[: len(keys)]) == set(keys) for columns, *_ in definitions):
                continue
            created = ctx.index.migration_indexes.get(table.name or "", [])
            if any(len(columns) >= len(keys) and set(columns[: len(keys)]) == set(keys) for columns in created):
                continue
            ordered = sorted(keys)
            shown = ", ".join(sorted(sites)[:3])
            message = f"Table `{table.display}` is filtered on ({', '.join(ordered)}) together in {len(sites)} queries ({shown}) and no index leads with these columns."
            hint = f"Add `Index(\"ix_{table.name}_{'_'.join(ordered)}\", {', '.join(repr(k) for k in ordered)})` (most selective column first)."
            yield self.line_diagnostic(table.path, table.span, message, hint)

    VALID = [
        """
from sqlalchemy import Column, Index, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Task(Base):
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer)
    status = Column(String(10))
    __table_args__ = (Index("ix_tasks_user_status", "user_id", "status"),)

def open_tasks(session: Session, uid: int):
    return session.query(Task).filter(Task.user_id == uid, Task.status == "open").all()

def done_tasks(session: Session, uid: int):
    return session.query(Task).filter_by(user_id=uid, status="done").all()
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Task(Base):
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer)
    status = Column(String(10))

def open_tasks(session: Session, uid: int):
    return session.query(Task).filter(Task.user_id == uid, Task.status == "open").all()
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Account(Base):
    __tablename__ = "accounts"
    id = Column(Integer, primary_key=True)
    email = Column(String(100), unique=True)
    status = Column(String(10))

def a(session: Session, email: str):
    return session.query(Account).filter(Account.email == email, Account.status == "on").first()

def b(session: Session, email: str):
    return session.query(Account).filter_by(email=email, status="off").first()
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Task(Base):  # ORM303
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, index=True)
    status = Column(String(10))

def open_tasks(session: Session, uid: int):
    return session.query(Task).filter(Task.user_id == uid, Task.status == "open").all()

def done_tasks(session: Session, uid: int):
    return session.query(Task).filter_by(user_id=uid, status="done").all()
""",
        """
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Event(Base):  # ORM303
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int]
    kind: Mapped[str]

def a(session: Session, org: int):
    return session.scalars(select(Event).where(Event.org_id == org, Event.kind == "a")).all()

def b(session: Session, org: int):
    return session.scalars(select(Event).where(Event.kind == "b").where(Event.org_id == org)).all()
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Entry(db.Model):  # ORM303
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer)
    day = db.Column(db.Date)

def a(uid, day):
    return Entry.query.filter_by(user_id=uid, day=day).first()

def b(uid, day):
    return Entry.query.filter(Entry.user_id == uid).filter(Entry.day == day).all()
""",
        },
    ]


# -- N+1 -----------------------------------------------------------------
def _loaded_by_sibling(data: QueryAnalysis, rel: RelationshipInfo) -> bool:
    """A many-to-one whose target another many-to-one of the class, over the
    same (only) foreign key to that table, loads eagerly (`lazy="immediate"`,
    `"joined"`, `"selectin"`, `"subquery"`): the target is in the identity map
    by then, and a many-to-one looks there first (no SELECT). security_monkey's
    `Account.account_type` beside `Account.type`."""
    target, table = rel.target, rel.owner.table
    if target is None or target.table is None or table is None or rel.has_join_condition or rel.secondary is not None:
        return False
    if len(_keys_to(table, target.table)) != 1:
        return False  # several keys to that table: which one each relationship follows is not known here
    for other in rel.owner.all_relationships().values():
        if other is rel or other.target is not target or other.has_join_condition or other.secondary is not None:
            continue
        lazy = other.call.kwarg("lazy") if other.call is not None else None
        eager = isinstance(lazy, Const) and (lazy.value in ("immediate", "joined", "selectin", "subquery") or lazy.value is False)
        if eager and data.resolver.is_collection(other) is False:
            return True
    return False


def _keys_to(table: TableInfo, target: Optional[TableInfo]) -> list[ColumnInfo]:
    """The columns of `table` with a foreign key to `target`, once per foreign key."""
    found: list[ColumnInfo] = []
    if target is None:
        return found
    for column in table.columns:
        for fk in column.foreign_keys:
            text = fk.split_target()
            if (fk.target_column is not None and fk.target_column.table is target) or (text is not None and text[1] == target.name):
                found.append(column)
    return found


def relationship_is_lazy_select(ctx: RuleContext, rel: RelationshipInfo) -> bool:
    """The relationship certainly loads with a SELECT on first access (lazy unset, 'select', True)."""
    call = rel.call
    if rel.from_backref is not None and call is None:
        return True  # backref="name": default loading
    if call is None or call.has_star or call.has_kwarg("sa_relationship"):
        return False
    lazy = call.kwarg("lazy")
    if lazy is not None:
        return isinstance(lazy, Const) and (lazy.value == "select" or lazy.value is True)
    if rel.from_backref is None and _dynamic_annotation(ctx, rel):
        return False
    return True


def _dynamic_annotation(ctx: RuleContext, rel: RelationshipInfo) -> bool:
    facts = ctx.index.modules.get(rel.owner.module)
    if facts is None:
        return True
    for klass in facts.classes:
        if klass.name != rel.owner.name:
            continue
        for assign in klass.body:
            if assign.target == rel.key and assign.annotation is not None:
                annotation = assign.annotation
                if isinstance(annotation, Subscript) and isinstance(annotation.value, Name):
                    return annotation.value.last in ("WriteOnlyMapped", "DynamicMapped")
                return False
        return False
    return False


@dataclass(frozen=True)
class _Rows:
    """What a loop variable is: an instance of `model`, reached from `query` through `path`."""

    model: MappedClass
    query: ResolvedQuery
    path: tuple[tuple[RelationshipInfo, bool], ...] = ()  # (relationship, is collection)


def _reverse(one: RelationshipInfo, other: RelationshipInfo) -> bool:
    """`other` leads back where `one` came from (the two sides of one pair)."""
    if one.back_populates == other.key or other.back_populates == one.key:
        return True
    if one.backref == other.key or other.backref == one.key:
        return True
    if one.from_backref is other or other.from_backref is one:
        return True
    return False


def _option_text(path: list[tuple[RelationshipInfo, bool]]) -> str:
    parts = []
    for position, (rel, collection) in enumerate(path):
        loader = "selectinload" if collection else "joinedload"
        parts.append(f"{loader}({rel.owner.name}.{rel.key})" if position == 0 else f".{loader}({rel.owner.name}.{rel.key})")
    return "".join(parts)


class LazyLoadInLoop(Rule):
    """## What it does
    Flags a lazy-loaded relationship accessed inside a loop over query results:
    a `for` loop or comprehension over a query (directly, through a variable,
    `session.scalars(select(...))`, `.all()`, pagination `.items`) or over a
    relationship collection of an object loaded in the same function, whose
    body reads a relationship of the loop variable that loads on access
    (`lazy` unset, `'select'` or `True`) and that the query does not load
    eagerly (`selectinload`, `joinedload`, `subqueryload`, `contains_eager`,
    `immediateload`, also chained: `selectinload(A.b).joinedload(B.c)`, `Load`
    objects, options kept in variables). Relationships declared with another
    `lazy=` (joined, selectin, subquery, raise, noload, dynamic, write_only,
    immediate) are not reported; nor is the way back along the collection the
    loop walks (`post.user` inside `for post in user.posts`), nor a
    many-to-one whose foreign key the query fixes with a condition, nor a
    many-to-one whose target another many-to-one over the same foreign key
    loads eagerly (`lazy="immediate"`: the target is in the identity map,
    where a many-to-one looks first). Reported at the attribute.

    ## Why is this bad?
    Each iteration issues one more SELECT: 1 query for the list, N for the
    relationship. With 500 rows that is 501 round trips where 2 would do.

    ## Example
    ```python
    for user in session.query(User).all():
        print(user.posts)
    ```

    ## Use instead
    ```python
    for user in session.query(User).options(selectinload(User.posts)).all():
        print(user.posts)
    ```
    """

    code = "ORM304"
    name = "lazy-load-in-loop"
    severity = Severity.WARNING
    summary = "a lazy relationship is loaded once per row of a query (N+1)"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        data = analysis(ctx)
        for module, path, function, scope in data.functions:
            if not function.loops or not function.accesses:
                continue
            types: dict[int, Optional[_Rows]] = {}
            for position in range(len(function.loops)):
                self._loop_type(ctx, data, module, path, function, scope, position, types, 0)
            reported: set[tuple[int, str]] = set()
            stored = {(a.base, a.attr) for a in function.accesses if a.store}
            for access in function.accesses:
                if access.store or (access.base, access.attr) in stored:
                    continue
                owner = next((loop for loop in reversed(access.loops) if function.loops[loop].target == access.base), None)
                if owner is None:
                    continue
                rows = types.get(owner)
                if rows is None or (owner, access.attr) in reported:
                    continue
                diagnostic = self._check_access(ctx, data, function, rows, access.attr, access.span, path)
                if diagnostic is not None:
                    reported.add((owner, access.attr))
                    yield diagnostic

    def _loop_type(
        self, ctx: RuleContext, data: QueryAnalysis, module: str, path: str, function: FunctionQueries,
        scope: Optional[ScopeContext], position: int, types: dict[int, Optional[_Rows]], depth: int,
    ) -> Optional[_Rows]:
        if position in types:
            return types[position]
        types[position] = None
        if depth > 8:
            return None
        loop = function.loops[position]
        kind, first, second = loop.source
        result: Optional[_Rows] = None
        if kind == "query" and isinstance(first, int):
            query = data.resolve(module, path, function, scope, first)
            if query is not None and query.model is not None:
                state = query.result()
                if state in ("rows", "query") and not second or state == "page" and second == "items":
                    result = _Rows(query.model, query)
        elif kind == "attr" and isinstance(first, str):
            base = self._variable_type(ctx, data, module, path, function, scope, position, first, types, depth)
            if base is not None:
                rel = base.model.all_relationships().get(second)
                if rel is not None and rel.target is not None and data.resolver.is_collection(rel) is True:
                    result = _Rows(rel.target, base.query, base.path + ((rel, True),))
        types[position] = result
        return result

    def _variable_type(
        self, ctx: RuleContext, data: QueryAnalysis, module: str, path: str, function: FunctionQueries,
        scope: Optional[ScopeContext], position: int, name: str, types: dict[int, Optional[_Rows]], depth: int,
    ) -> Optional[_Rows]:
        parent = function.loops[position].parent
        while parent != -1:
            if function.loops[parent].target == name:
                return self._loop_type(ctx, data, module, path, function, scope, parent, types, depth + 1)
            parent = function.loops[parent].parent
        ones = [index for var, index in function.one_vars if var == name]
        if len(ones) != 1 or scope is None or len(scope.bindings_of(name)) != 1:
            return None
        query = data.resolve(module, path, function, scope, ones[0])
        if query is None or query.model is None or query.result() != "one":
            return None
        return _Rows(query.model, query)

    def _check_access(
        self, ctx: RuleContext, data: QueryAnalysis, function: FunctionQueries, rows: _Rows, attr: str, span: Span, path: str,
    ) -> Optional[Diagnostic]:
        rel = rows.model.all_relationships().get(attr)
        if rel is None or rel.target is None or not relationship_is_lazy_select(ctx, rel):
            return None
        query = rows.query
        keys = tuple(r.key for r, _ in rows.path) + (attr,)
        if not query.options_complete:
            return None
        for option in query.options:
            if option.wildcard:
                return None
            names = tuple(name for _, name in option.steps)
            if names[: len(keys)] == keys and option.steps[len(keys) - 1][0] != "defaultload":
                return None
        if rows.path and _reverse(rows.path[-1][0], rel):
            return None  # back to the object the collection belongs to: in the identity map
        collection = data.resolver.is_collection(rel)
        if collection is None:
            return None
        if not collection and (self._fixed_by_condition(query, rel, ctx) or _loaded_by_sibling(data, rel)):
            return None
        suggested = _option_text([*rows.path, (rel, collection)])
        where = f"line {query.line}" if query.path == path else f"{query.path}:{query.line}"
        # The loop walks the rows of the query, or a collection of what it loaded
        # (`for issue in item.issues`, security_monkey): name what it walks.
        walked = f"every item of `{rows.path[-1][0].label}`, loaded by the query at {where}" if rows.path else f"every row of the query at {where}"
        message = f"`{rel.label}` is lazy-loaded for {walked}: one more SELECT per iteration (N+1)."
        hint = f"Add `.options({suggested})` to the query at {where}, or declare `lazy=\"selectin\"` on `{rel.label}`."
        return self.diagnostic(function_path(path), span, message, hint)

    @staticmethod
    def _fixed_by_condition(query: ResolvedQuery, rel: RelationshipInfo, ctx: RuleContext) -> bool:
        """A many-to-one whose foreign key the query fixes: every row has the same parent."""
        names = {ref.attr for ref in query.conditions} | set(query.filter_by)
        if rel.key in names:
            return True
        table = rel.owner.table
        if table is None:
            return True
        keys = _keys_to(table, rel.target.table if rel.target is not None else None)
        return any(column.key in names or (column.name or "") in names for column in keys)

    VALID = [
        # security_monkey: `type` loads the same parent with every account.
        """
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()

class AccountType(Base):
    __tablename__ = "account_type"
    id = Column(Integer, primary_key=True)
    name = Column(String(80), unique=True)
    accounts = relationship("Account", back_populates="account_type")

class Account(Base):
    __tablename__ = "account"
    id = Column(Integer, primary_key=True)
    account_type_id = Column(Integer, ForeignKey("account_type.id"), nullable=False, index=True)
    account_type = relationship("AccountType", back_populates="accounts")
    type = relationship("AccountType", lazy="immediate", viewonly=True)

def names(session: Session):
    return [account.account_type.name for account in session.query(Account).all()]
""",
        # 1. eager loading declared on the relationship
        """
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", back_populates="user", lazy="selectin")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))
    user = relationship("User", back_populates="posts", lazy="joined")

def titles(session: Session):
    for user in session.query(User).all():
        print([p.title for p in user.posts])
    for post in session.query(Post):
        print(post.user.id)
""",
        # 2. loader option in a variable; 3. contains_eager after a join
        """
from sqlalchemy import Column, ForeignKey, Integer, select
from sqlalchemy.orm import Session, contains_eager, declarative_base, relationship, selectinload

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", back_populates="user")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))
    user = relationship("User", back_populates="posts")

def with_variable(session: Session):
    opts = [selectinload(User.posts)]
    for user in session.query(User).options(*opts).all():
        print(len(user.posts))

def with_join(session: Session):
    stmt = select(Post).join(Post.user).options(contains_eager(Post.user))
    for post in session.scalars(stmt):
        print(post.user.id)
""",
        # 4. nested path loaded with a chained option; 5. the way back along the collection
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import Session, declarative_base, relationship, selectinload, joinedload

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post", back_populates="user")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))
    editor_id = Column(Integer, ForeignKey("editors.id"))
    user = relationship("User", back_populates="posts")
    editor = relationship("Editor")

class Editor(Base):
    __tablename__ = "editors"
    id = Column(Integer, primary_key=True)

def report(session: Session):
    users = session.query(User).options(selectinload(User.posts).joinedload(Post.editor)).all()
    for user in users:
        for post in user.posts:
            print(post.editor.id, post.user.id)
""",
        # 6. loops over non-ORM data that look similar; 7. a relationship assigned, not read
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))

def from_api(rows, session: Session):
    for user in rows:
        print(user.posts)
    for user in [{"posts": []}]:
        print(user.get("posts"))
    for user in session.query(User).all():
        user.posts = []
""",
        # 8. dynamic, write_only, raise and noload relationships; 9. a wildcard option
        """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, WriteOnlyMapped, mapped_column, raiseload, relationship

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    posts: WriteOnlyMapped["Post"] = relationship()
    drafts: Mapped[list["Draft"]] = relationship(lazy="dynamic")
    notes: Mapped[list["Note"]] = relationship(lazy="raise")

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

class Draft(Base):
    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

def go(session: Session):
    for user in session.query(User):
        print(user.posts, user.drafts, user.notes)
    for user in session.query(User).options(raiseload("*")):
        print(user.notes)
""",
        # 10. a many-to-one fixed by the query's condition; 11. a column, not a relationship
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Team(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    team_id = db.Column(db.Integer, db.ForeignKey("team.id"))
    team = db.relationship("Team", backref="members")

def roster(team_id):
    for member in Member.query.filter_by(team_id=team_id).all():
        print(member.team.id, member.team_id)
""",
        },
        # 12. a joinedload on a 2.0 select executed through a variable, in a comprehension
        """
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, joinedload, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)

class Book(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship()

def names(session: Session):
    stmt = select(Book).options(joinedload(Book.author))
    books = session.scalars(stmt).unique().all()
    return [book.author.id for book in books]
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()

class AccountType(Base):
    __tablename__ = "account_type"
    id = Column(Integer, primary_key=True)
    name = Column(String(80), unique=True)
    accounts = relationship("Account", back_populates="account_type")

class Account(Base):
    __tablename__ = "account"
    id = Column(Integer, primary_key=True)
    account_type_id = Column(Integer, ForeignKey("account_type.id"), nullable=False, index=True)
    account_type = relationship("AccountType", back_populates="accounts")
    type = relationship("AccountType", lazy="select", viewonly=True)

def names(session: Session):
    return [account.account_type.name for account in session.query(Account).all()]  # ORM304
""",
        # 1. legacy query, collection accessed in a for loop
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))

def counts(session: Session):
    for user in session.query(User).all():
        print(len(user.posts))  # ORM304
""",
        # 2. 2.0 select through variables; 3. comprehension over a many-to-one
        """
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    books: Mapped[list["Book"]] = relationship(back_populates="author")

class Book(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship(back_populates="books")

def names(session: Session):
    stmt = select(Book).where(Book.id > 10)
    books = session.scalars(stmt).all()
    return [book.author.id for book in books]  # ORM304

def library(session: Session):
    result = session.execute(select(Author))
    for author in result.scalars():
        print(author.books)  # ORM304
""",
        # 4. Flask-SQLAlchemy Model.query with a backref; 5. lazy=True
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    transactions = db.relationship("Transaction", backref="account", lazy=True)

class Transaction(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("account.id"))

def statement():
    for tx in Transaction.query.order_by(Transaction.id).all():
        print(tx.account.id)  # ORM304
    for acc in Account.query:
        print(acc.transactions)  # ORM304
""",
        },
        # 6. nested: children of one loaded object, their parent relationship
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    children = relationship("Child")

class School(Base):
    __tablename__ = "schools"
    id = Column(Integer, primary_key=True)

class Child(Base):
    __tablename__ = "children"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))
    school_id = Column(Integer, ForeignKey("schools.id"))
    school = relationship("School")

def schools(session: Session, user_id: int):
    user = session.get(User, user_id)
    for c in user.children:
        print(c.school.id)  # ORM304
""",
        # 7. options present but for another relationship; 8. defaultload does not load
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import Session, declarative_base, defaultload, relationship, selectinload

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    posts = relationship("Post")
    roles = relationship("Role")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))
    tags = relationship("Tag")

class Role(Base):
    __tablename__ = "roles"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))

class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    post_id = Column(Integer, ForeignKey("posts.id"))

def audit(session: Session):
    q = session.query(User).options(selectinload(User.posts))
    q = q.options(defaultload(User.roles))
    for user in q:
        print(user.posts, user.roles)  # ORM304
        for post in user.posts:
            print(post.tags)  # ORM304
""",
        # 9. paginate().items; 10. enumerate; 11. a set comprehension; 12. while loop body
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Owner(db.Model):
    id = db.Column(db.Integer, primary_key=True)

class Pet(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("owner.id"))
    owner = db.relationship("Owner")

def page(number):
    pets = Pet.query.paginate(page=number, per_page=20)
    for pet in pets.items:
        print(pet.owner.id)  # ORM304

def numbered():
    for i, pet in enumerate(Pet.query.all()):
        print(i, pet.owner)  # ORM304

def owners():
    return {pet.owner.id for pet in db.session.query(Pet).filter(Pet.id > 3)}  # ORM304
""",
        },
    ]


def function_path(path: str) -> str:
    return path


# -- ORM305 --------------------------------------------------------------
def _session_like(function: FunctionQueries, receiver: str) -> bool:
    last = receiver.rsplit(".", 1)[-1]
    return last in SESSION_NAMES or receiver in function.session_params


class _Site(NamedTuple):
    """A round trip ORM305 may report: where, in which loops, and what to say."""

    span: Span
    loops: tuple[int, ...]
    exits: bool
    batched: bool
    message: str  # with `{loop}` for the loop's line
    hint: str
    commits: bool = False  # a `commit()`/`flush()` call, not a query
    transaction: bool = False  # a `commit()`: one transaction per item


def _queries_the_loop_variable(function: FunctionQueries, fact: QueryFact) -> bool:
    """The statement's entity is what the loop iterates (`delete(model)` in `for
    model in models_for_deletion`): a loop over tables or models, bounded by
    the schema, which no single `IN` query could replace."""
    targets = {function.loops[index].target for index in fact.loops} - {""}
    return any(isinstance(entity, Name) and entity.dotted in targets for entity in fact.entities)


def _execution_span(function: FunctionQueries, fact: QueryFact) -> Span:
    """Where a statement runs: for `result = session.execute(stmt)` and then
    `result.rowcount`, the `execute()` call, not the later read of its result."""
    current = fact
    for _ in range(20):
        if any(method.startswith("@") for method in current.methods):
            return current.span
        if current.root != "var" or len(current.bases) != 1 or current.bases[0] < 0:
            break
        current = function.queries[current.bases[0]]
    return fact.span


def _runs_itself(fact: QueryFact) -> bool:
    """The expression ends with what runs it (`.all()`, `.first()`, an executor
    such as `session.scalars(...)`, `session.get()`): its value is rows, so the
    statement runs where it is written, even when a variable keeps the rows."""
    if fact.root == "get":
        return True
    last = fact.methods[-1] if fact.methods else ""
    return last in _ONE or last in _RUNNING_METHODS or last.startswith("@")


# Query methods that run the query and return its rows or their number.
_RUNNING_METHODS = frozenset({"all", "count", "delete", "update", "paginate", "exists"})


def _executed(query: ResolvedQuery) -> Optional[str]:
    """How an expression that runs in place talks to the database, or None."""
    if query.kind == "get":
        return "get"
    if query.kind in ("select", "update", "delete", "insert"):
        executor = next((m for m in query.methods if m.startswith("@")), None)
        if executor is None:
            return None
        if query.kind in ("insert", "update", "delete") and query.fact.executor_args > 1:
            return None  # execute(insert(M), rows) / execute(update(M).where(M.id == bindparam("b_id")), rows): one executemany
        return executor[1:]
    if query.model is None:
        return None
    terminal = query.methods[-1] if query.methods else ""
    if terminal in _ONE or terminal in _RUNNING_METHODS:
        return terminal
    if query.fact.iterated and query.kind in ("query", "model_query"):
        return "for ... in"  # a Query runs when iterated
    return None


# Attributes that list the schema, not rows: `metadata.sorted_tables`, `registry.mappers`.
_SCHEMA_COLLECTIONS = frozenset({"sorted_tables", "tables", "mappers"})


def _loop_iterable(scope: Optional[ScopeContext], loop: LoopFact) -> Optional[Expr]:
    """What a `for` loop or comprehension over a plain name iterates, from the
    scope's `for` bindings written on the loop's lines (None when unknown)."""
    if scope is None or not loop.target or loop.kind == "while":
        return None
    found = [
        expr for _, kind, expr in scope.bindings_of(loop.target)
        if kind == "for" and getattr(expr, "span", None) is not None
        and span_line(loop.span) <= span_line(expr.span) <= max(span_end_line(loop.span), span_line(loop.span))  # type: ignore[arg-type]
    ]
    return found[0] if len(found) == 1 else None


def _schema_collection(expr: Expr) -> bool:
    if isinstance(expr, Attr):
        return expr.attr in _SCHEMA_COLLECTIONS
    return isinstance(expr, Name) and "." in expr.dotted and expr.dotted.rsplit(".", 1)[-1] in _SCHEMA_COLLECTIONS


def _fixed_iterations(scope: Optional[ScopeContext], loop: LoopFact) -> bool:
    """A loop whose iterations do not grow with the data: `range(10)` (integer
    literals, or constants by their names: `range(settings.MAX_DEPTH)`) or the
    schema itself (`reversed(metadata.sorted_tables)`)."""
    if loop.fixed_count:
        return True
    iterable = _loop_iterable(scope, loop)
    if iterable is None:
        return False
    if isinstance(iterable, Name) and "." not in iterable.dotted and scope is not None:
        # `tables = reversed(self.metadata.sorted_tables)`, then `for table in tables`.
        assigned = scope.bindings_of(iterable.dotted)
        if len(assigned) == 1 and assigned[0][1] == "assign":
            iterable = assigned[0][2]
    if not isinstance(iterable, Call):
        return _schema_collection(iterable)
    if isinstance(iterable.func, Name) and iterable.func.dotted in ("reversed", "list", "sorted") and len(iterable.args) == 1:
        inner = iterable.args[0]
        if _schema_collection(inner):
            return True
        if isinstance(inner, Call):
            iterable = inner
    if isinstance(iterable.func, Attr) and iterable.func.attr in ("values", "keys", "items"):
        return _schema_collection(iterable.func.value)
    if isinstance(iterable.func, Name) and iterable.func.dotted.endswith((".values", ".keys", ".items")):
        return iterable.func.dotted.rsplit(".", 2)[-2] in _SCHEMA_COLLECTIONS
    if isinstance(iterable.func, Name) and iterable.func.dotted == "range" and iterable.args and not iterable.kwargs:
        return all(_constant_count(scope, a) for a in iterable.args)
    return False


def _constant_count(scope: Optional[ScopeContext], value: Expr) -> bool:
    """An integer literal, or a constant by its name: a module's (`MAX_DEPTH`)
    or a setting's (`settings.MAX_RETRIES`, also of a settings object the
    function loaded): configuration, which does not grow with the data. Not a
    parameter or local variable named so (`NUM_ROWS`): a count the caller chooses."""
    if isinstance(value, Const):
        return isinstance(value.value, int) and not isinstance(value.value, bool)
    if isinstance(value, Name) and scope is not None and ("." in value.dotted or not scope.shadowed(value.dotted)):
        last = value.dotted.rsplit(".", 1)[-1]
        return len(last) >= 3 and last.isupper()
    return False


class RoundTripInLoop(Rule):
    """## What it does
    Flags a database round trip made once per iteration of a `for`/`while`
    loop or comprehension: `session.commit()`, `session.flush()`, a query
    executed in the body (`session.get`, `.first()`, `.one()`, `.scalar()`,
    `.all()`, `.count()`, `session.execute(select/insert/update/delete)` of a
    single row; with a list of parameter rows it is one executemany), or a call of a function of the same module (or a method of
    the same class) that does one of these. `session.add()` alone is not a
    round trip. Not reported: statements that end the loop (`return`,
    `break`), batching (`if i % 100 == 0: session.commit()`, `if len(pending)
    == 100:`), memoised lookups
    (`if key not in cache: cache[key] = ...`; `names = None` before the loop,
    `if names is None: names = ...` in it, or `names, sizes = ...`; a value kept on an object,
    `if self.lookup is None: self.lookup = ...`, also in a helper, or
    `if not self.tunnel_created: self.create_tunnel()` with a method of the
    class that sets the flag), branches on a mapping's key
    (`for key, value in meta.items(): if key == "size": ...`, also joined to
    another test by `and`: once per key, not per item), loops over databases
    (each pass opens a session from its item and goes through it, `with
    shard_session(shard) as db:`, the name saying it is a session or a
    context, not a file's `fh`: no one query serves every shard or cell),
    a commit inside `try:`/`except`
    in the loop (also one a helper called there makes, its result kept or not, or one a helper makes
    inside its own `try:` whose `except` rolls back), or after a `try:`
    whose `except` rolls back or whose `finally` commits (one transaction per
    item on purpose, so that one failure does not undo the others; the UPDATE,
    DELETE or INSERT the item's transaction makes is its own too), a commit in a loop that hands each
    item to a task queue (`task.delay(row.id)`, `apply_async`, `send_task`,
    `enqueue`, Flask-RQ2's `job.queue()`: the worker reads the row, which must
    be committed first),
    a `flush()` right after a `commit()` or `flush()` of the same session,
    or after a bulk `query.update()`/`.delete()` (nothing is pending: it sends nothing),
    or after a `try:` that opens a savepoint on each pass and catches its
    failure (the next pass's `begin_nested()` would flush the same), `IN` queries (a chunk at a
    time), batch and retry loops (`for chunk in chunks(...)`,
    `for start in range(0, n, size)`, `for attempt in range(3)`, a loop that
    empties the session with `expunge_all()` to bound memory, or expires it
    with `expire_all()` to start each pass from the database), loops that
    take a lock named after the item (`with cache.lock(f"claim:{item_id}"):`:
    each pass checks and acts while only its item is locked), loops that
    sleep on each pass (`time.sleep(5)`: paced on purpose, say to publish
    progress another process reads; `sleep(0)`, which only yields, does
    not count), `while`
    loops, which poll, page or probe by design, and loops whose iterations do
    not grow with the data: `range()` of integers written in the code
    (`for _ in range(3)`, `range(1, NUM_ROWS + 1)` with a module constant
    `NUM_ROWS = 100`, or an upper-case constant imported from another module
    or read from a setting, `range(settings.MAX_DEPTH)`), the schema itself (`for table in
    reversed(metadata.sorted_tables)`, also through a local name; a statement
    on the loop variable itself, `delete(model)` for each model), a literal
    list or dict written out (of constants or names, `sorted((src, dst))`,
    `OrderedDict([("a", 1), ("b", 2)])`;
    also through `enumerate()` or `.items()`, or a
    local name bound only to it: `tables = [XCom, Note]`; a part of a display
    of data or of a module-level collection, `for run in seed["runs"]` inside
    `for seed in [{"runs": [...]}]` or `for seed in SEEDS`,
    `range(count)` inside `for name, count in {"x": 3}.items()`), a slice with
    bounds written in the code (`items[:3]`, not `items[:-1]`), and a module-level
    collection (`for
    model in SOFT_DELETE_MODELS`, `for key, aliases in ALIASES.items()`) or a
    setting (`config.CATEGORY_CLEANUP.items()`, `self.FIELDS`), or what
    something has in common with one (`set(params).intersection(SETTINGS)`).
    Through a helper, only a round trip
    the helper makes on every call counts (not one in a branch the caller
    chooses through a parameter, `if commit: session.commit()`, or after
    `if version is not None: return version` (the caller may pass the
    answer; a guard that gives up, `if not email: return`, does not count),
    nor one in an
    `except` handler or inside the helper's own batch/`while` loop),
    and an `async` helper called
    in a comprehension, or without `await` (`tasks.add(create_task(helper(x)))`),
    is not reported: the loop only builds coroutines, which run concurrently.

    In test code (a `tests/` directory, `test_*.py`, `conftest.py`) only a
    commit per iteration counts, made directly or through a helper, in a
    fixture or helper that seeds rows (`for i in range(member_count)`: N
    transactions that slow the suite); not a query or flush, and nothing in a
    `test_*` function, whose loops check the few rows it made one at a time
    on purpose (a sample of 45 such reports from 22 projects: 36 were noise).

    ## Why is this bad?
    Every iteration waits for the database: N network round trips, and with
    `commit()` N transactions (N fsyncs) where one would do. The second audit
    in ormlint's seeds found `save_multiple_files()` calling
    `save_project_file()`, which queries and flushes, once per file.

    ## Example
    ```python
    for item in items:
        session.add(Item(**item))
        session.commit()
    ```

    ## Use instead
    ```python
    session.add_all([Item(**item) for item in items])
    session.commit()
    ```
    """

    code = "ORM305"
    name = "round-trip-in-loop"
    severity = Severity.WARNING
    summary = "a commit, flush or query runs once per loop iteration"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        data = analysis(ctx)
        by_name: dict[tuple[str, str], tuple[FunctionQueries, Optional[ScopeContext]]] = {}
        for module, path, function, scope in data.functions:
            by_name[(module, function.name)] = (function, scope)
        for module, path, function, scope in data.functions:
            # In tests only a commit per item counts, made in a fixture or helper
            # (seeding rows in a loop): a test's own loops check the few rows it
            # made, one at a time, on purpose.
            in_tests = is_test_path(path)
            if in_tests and function.name.rsplit(".", 1)[-1].startswith("test"):
                continue
            reported: set[int] = set()
            for site in self._sites(data, module, path, function, scope):
                if in_tests and not site.transaction:
                    continue
                if not site.loops or site.exits or site.batched or span_line(site.span) in reported:
                    continue
                innermost = function.loops[site.loops[-1]]
                if innermost.repeating or _fixed_iterations(scope, innermost):
                    continue
                reported.add(span_line(site.span))
                yield self.diagnostic(path, site.span, site.message.format(loop=span_line(innermost.span)), site.hint)
            for call in function.calls:
                if not call.loops or call.exits or call.batched or span_line(call.span) in reported:
                    continue
                loop = function.loops[call.loops[-1]]
                if loop.repeating or _fixed_iterations(scope, loop):
                    continue
                callee_name = self._callee(function, call)
                if callee_name is None or callee_name == function.name:
                    continue
                callee = by_name.get((module, callee_name))
                if callee is None:
                    continue
                if callee[0].is_async and (loop.kind == "comprehension" or not call.awaited):
                    # `gather(*(check(s, x) for x in xs))`, `create_task(check(s, x))`:
                    # the loop only builds coroutines, which run concurrently.
                    continue
                inner = next((
                    site for site in self._sites(data, module, path, callee[0], callee[1])
                    if self._every_call(callee[0], site) and not (call.isolated and site.commits)
                    and (site.transaction or not in_tests)
                ), None)
                if inner is None:
                    continue
                what = inner.message.split(" runs ")[0]
                if what[:1].isupper():
                    what = what[0].lower() + what[1:]  # "a query on `User` (`first`)", inside the sentence
                loop_line = span_line(function.loops[call.loops[-1]].span)
                reported.add(span_line(call.span))
                shown = f"{call.receiver}.{call.name}" if call.receiver else call.name
                message = f"`{shown}()` makes a database round trip ({what} at line {span_line(inner.span)}) on every iteration of the loop at line {loop_line}."
                hint = "Batch the work: query once before the loop (an `IN` query), add objects with `add_all()`, and commit once after the loop."
                yield self.diagnostic(path, call.span, message, hint)

    @staticmethod
    def _every_call(callee: FunctionQueries, site: "_Site") -> bool:
        """Whether the callee's round trip counts for each call: not in a branch
        of the callee that its caller chooses (`if commit: session.commit()`,
        `if version_id:`; an `except` handler), not behind a
        batching test (`if n % 100 == 0`) and not inside the callee's own batch,
        retry or polling loop (a helper that pages through a table in a
        `while` loop is itself the bulk operation)."""
        if site.batched or in_branch(callee, site.span):
            return False
        return not any(callee.loops[index].repeating for index in site.loops)

    @staticmethod
    def _callee(function: FunctionQueries, call: CallSite) -> Optional[str]:
        if not call.receiver:
            return call.name
        if call.receiver in ("self", "cls") and function.class_name:
            return f"{function.class_name}.{call.name}"
        return None

    def _sites(
        self, data: QueryAnalysis, module: str, path: str, function: FunctionQueries, scope: Optional[ScopeContext],
    ) -> Iterator["_Site"]:
        for call in function.calls:
            if call.name in ("commit", "flush") and _session_like(function, call.receiver):
                message = f"`{call.receiver}.{call.name}()` runs once per iteration of the loop at line {{loop}}: one round trip{' and one transaction' if call.name == 'commit' else ''} per item."
                hint = f"Call `{call.name}()` once after the loop; `session.add()` in the loop is batched by the unit of work."
                yield _Site(call.span, call.loops, call.exits, call.batched, message, hint, commits=True, transaction=call.name == "commit")
        intermediate = data.intermediate(function)
        for position, fact in enumerate(function.queries):
            if position in intermediate and not _runs_itself(fact):
                continue  # a statement built further: where it runs is the site
            query = data.resolve(module, path, function, scope, position)
            if query is None:
                continue
            how = _executed(query)
            if how is None:
                continue
            if any(ref.op == "in_" for ref in query.conditions):
                continue  # an IN query per iteration: a batch (chunk) at a time
            if _queries_the_loop_variable(function, fact):
                continue  # `for model in models: session.execute(delete(model))`: one per table
            writes = query.kind in ("update", "delete", "insert") or how in ("update", "delete")
            if writes and fact.isolated:
                continue  # the item's own transaction writes it (fides: a commit or a rollback per dataset)
            if query.kind == "insert":
                target = f"`{query.model.name}`" if query.model is not None else "an `insert()` statement"
                message = f"`execute(insert(...))` on {target} runs once per iteration of the loop at line {{loop}}: one INSERT round trip per item."
                hint = "Collect the rows and run one `session.execute(insert(Model), rows)` after the loop."
            else:
                what = {"update": "An UPDATE", "delete": "A DELETE"}.get(query.kind, "A query")
                on = f" on `{query.model.name}`" if query.model is not None else "" if query.kind in ("update", "delete") else f" on a `{query.kind}()` statement"
                message = f"{what}{on} (`{how}`) runs once per iteration of the loop at line {{loop}}: one round trip per item."
                if query.kind in ("update", "delete"):
                    hint = (f"Run one statement for all the items after the loop (`.where(Model.id.in_(ids))`), or one "
                            f"`session.execute({query.kind}(Model), rows)` with a list of parameter rows.")
                else:
                    hint = "Load the rows before the loop with one query (`.filter(Model.id.in_(ids))`) and look them up in a dict."
            yield _Site(_execution_span(function, fact), fact.loops, fact.exits, fact.batched, message, hint)

    VALID = [
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)

class Manager:
    # pgadmin: the guard is one operand of an `and`; once the tunnel is made
    # (or the value loaded) the branch never runs again.
    def create_tunnel(self, session):
        user = session.query(User).filter_by(id=1).first()
        self.tunnel_created = True
        return user

    def restore(self, session, connections):
        for connection in connections:
            if self.use_ssh_tunnel == 1 and not self.tunnel_created:
                self.create_tunnel(session)

def first_user(session, items, enabled):
    loaded = None
    for item in items:
        if enabled and loaded is None:
            loaded = session.query(User).filter_by(id=1).first()
    return loaded

def only_user(session, users):
    # privacyidea: the loop takes the only key of a one-item collection.
    found = None
    if len(users) == 1:
        for name in users:
            found = session.query(User).filter_by(id=name).first()
    return found
""",
        {
            "app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Member(Base):
    __tablename__ = "members"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
""",
            # securedrop, prefect: a test checks each row it made; a fixture flushes per row.
            "tests/test_members.py": """
from app.models import Member

def test_each_member_is_kept(session, names):
    for name in names:
        session.add(Member(name=name))
        session.commit()
    for name in names:
        assert session.query(Member).filter(Member.name == name).one()
""",
            "tests/conftest.py": """
from app.models import Member

def make_members(session, count):
    for i in range(count):
        session.add(Member(name=str(i)))
        session.flush()
""",
        },
        """
from contextlib import contextmanager

from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Shard(Base):
    __tablename__ = "shards"
    id = Column(Integer, primary_key=True)
    url = Column(String(200))

class Cursor(Base):
    __tablename__ = "cursors"
    id = Column(Integer, primary_key=True)
    position = Column(Integer)

@contextmanager
def shard_session(shard):
    with Session(create_engine(shard.url)) as session:
        yield session

def _position(session):
    return session.query(Cursor).first()

def positions(session: Session):
    # nova's cells, sync-engine's shards: each pass opens the item's own database.
    found = {}
    for shard in session.query(Shard).all():
        with shard_session(shard) as shard_db:
            found[shard.id] = _position(shard_db)
        with shard_session(shard) as shard_db:
            shard_db.query(Cursor).delete()
            shard_db.commit()
    return found
""",
        """
from sqlalchemy import JSON, Column, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Dataset(Base):
    __tablename__ = "datasets"
    key = Column(String, primary_key=True)
    collections = Column(JSON)

def clean_datasets(db: Session, cleaned: list):
    # fides: one transaction per dataset, so that one failure undoes only its own write.
    failed = []
    for ds in cleaned:
        try:
            db.query(Dataset).filter(Dataset.key == ds["key"]).update({"collections": ds["collections"]})
            db.commit()
        except Exception:
            db.rollback()
            failed.append(ds["key"])
    return failed

def purge_datasets(db: Session, keys: list):
    # manila: a savepoint per row; one that cannot go is skipped.
    for key in keys:
        try:
            with db.begin_nested():
                db.query(Dataset).filter(Dataset.key == key).delete()
        except Exception:
            continue

def store_datasets(db: Session, rows: list):
    # zeus: a savepoint per row, a duplicate merged instead; the next savepoint would flush anyway.
    for row in rows:
        try:
            with db.begin_nested():
                db.add(row)
        except IntegrityError:
            db.merge(row)
        db.flush()
""",
        """
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Firing(Base):
    __tablename__ = "firings"
    id: Mapped[int] = mapped_column(primary_key=True)
    trigger_id: Mapped[str]

session_factory: async_sessionmaker[AsyncSession] = async_sessionmaker()

async def evaluate(triggers):
    # prefect: each trigger in a session of its own, committed whatever happens.
    for trigger_id in triggers:
        async with session_factory() as session:
            try:
                session.add(Firing(trigger_id=trigger_id))
            finally:
                await session.commit()
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String, unique=True)

DEMO_USERS = [{"username": "owner"}, {"username": "viewer"}]

def check_demo_users(session: Session):
    # fides: the module's demo users, numbered; as many as written above.
    for number, data in enumerate(DEMO_USERS, start=1):
        session.query(User).filter_by(username=data["username"]).first()

class SyncTest:
    NETWORKS = {"net-a": "10.0.0.0/8", "net-b": "192.168.0.0/16"}

    def check(self, session: Session):
        # security_monkey: a copy of a setting's items.
        for name, cidr in list(self.NETWORKS.items()):
            session.query(User).filter(User.username == name).first()

def update_settings(session: Session, params: dict):
    # rucio: the settings among the parameters, no more than DEMO_USERS holds.
    for setting in set(params.keys()).intersection(DEMO_USERS):
        session.query(User).filter_by(username=setting).first()
    for setting in params.keys() & DEMO_USERS:
        session.query(User).filter_by(username=setting).first()
""",
        """
from collections import OrderedDict

from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Component(Base):
    __tablename__ = "components"
    id = Column(String(36), primary_key=True)
    current_version = Column(Integer)

def resolve_version(session: Session, component_id, version):
    # agno: the query runs only when the caller passes no version.
    if version is not None:
        return version
    return session.execute(select(Component.current_version).where(Component.id == component_id)).scalar()

def resolve_children(session: Session, links):
    return {link["id"]: resolve_version(session, link["id"], link["version"]) for link in links}

def move(session: Session, src, dst):
    # Two rows, locked in a fixed order: two iterations, whatever the data.
    for component_id in sorted((src, dst)):
        session.execute(select(Component).where(Component.id == component_id).with_for_update())

def check_versions(session: Session, component: Component):
    # privacyidea's tests: three cases written out, each committed and checked.
    cases = OrderedDict([("-1", 0), ("+2", 2), ("+1", 3)])
    for change, expected in cases.items():
        component.current_version += int(change)
        session.commit()
        assert component.current_version == expected
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Person(Base):
    __tablename__ = "people"
    id = Column(Integer, primary_key=True)
    name = Column(String(80), index=True)

class Importer:
    def __init__(self, session: Session):
        self.session = session
        self.lookup = None

    def person_id(self, name):
        # zou: loaded on first use, kept on the importer: once, not per call.
        if self.lookup is None:
            self.lookup = {p.name: p.id for p in self.session.query(Person).all()}
        return self.lookup.get(name)

    def person_ids(self, names):
        return [self.person_id(name) for name in names]

    def create_one(self, name):
        person = Person(name=name)
        self.session.add(person)
        self.session.commit()
        return person

    def create_all(self, names):
        # FitTrackee: each item its own transaction, the result kept.
        created = []
        for name in names:
            try:
                person = self.create_one(name)
            except Exception:
                self.session.rollback()
                continue
            created.append(person)
        return created
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)

# A count written in the code as a module constant: the loop does not grow
# with the data (sqlalchemy-continuum's concurrency test commits each row on purpose).
NUM_ROWS = 100

def insert_then_update(session: Session):
    for i in range(1, NUM_ROWS + 1):
        session.add(Item(id=i))
        session.commit()

def seed_py2(session):
    for i in xrange(3 * NUM_ROWS):  # Python 2 code  # noqa: F821
        session.add(Item(id=i))
        session.commit()
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Node(Base):
    __tablename__ = "nodes"
    id = Column(Integer, primary_key=True)
    parent_id = Column(Integer, index=True)

class Settings:
    MAX_DEPTH = 3

settings = Settings()

def link_parents(session: Session):
    # onyx: a configured number of rounds, each working on what the last one wrote.
    for _ in range(settings.MAX_DEPTH):
        session.query(Node).filter(Node.parent_id.is_(None)).update({"parent_id": 0})
        session.commit()

def load_settings():
    return settings

def link_again(session: Session):
    config = load_settings()
    for _ in range(config.MAX_DEPTH):
        session.query(Node).filter(Node.parent_id.is_(None)).update({"parent_id": 0})
        session.commit()
""",
        {
            "app/limits.py": "MAX_TOKENS = 50\n",
            "app/settings.py": "class Config:\n    CLEANUP_DAYS = {'12': 30, '34': 90}\n\nconfig = Config()\n",
            "app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Token(Base):
    __tablename__ = "tokens"
    id = Column(Integer, primary_key=True)
    scope = Column(String(20), index=True)
""",
            "app/tasks.py": """
from app.limits import MAX_TOKENS
from app.models import Token
from app.settings import config

# indico: a count imported from another module, and a configured mapping.
def fill(session, save_token):
    for number in range(MAX_TOKENS + 2):
        save_token("foo")
        assert session.query(Token).filter_by(scope="foo").count() == min(number + 1, MAX_TOKENS)

def cleanup(session):
    for scope, days in config.CLEANUP_DAYS.items():
        session.query(Token).filter_by(scope=scope).delete()
        session.commit()

class Exporter:
    SCOPES = ("read", "write")

    def __init__(self, session):
        self.session = session

    def counts(self):
        return [self.session.query(Token).filter_by(scope=scope).count() for scope in self.SCOPES]
""",
        },
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    tunnel_key = Column(String(64))

class ServerManager:
    # pgadmin: the flag the branch tests is set by the method it calls.
    def __init__(self, session: Session, user_id, connections):
        self.session = session
        self.user_id = user_id
        self.connections = connections
        self.tunnel_created = False

    def create_tunnel(self):
        user = self.session.get(User, self.user_id)
        self.tunnel_key = user.tunnel_key
        self.tunnel_created = True

    def restore(self):
        for connection in self.connections:
            if not self.tunnel_created:
                self.create_tunnel()
            connection.connect()
""",
        """
from celery import shared_task
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Execution(Base):
    __tablename__ = "executions"
    id = Column(Integer, primary_key=True)
    status = Column(String(20))

@shared_task
def run_execution(execution_id):
    return execution_id

def resume(session: Session, waiting):
    # SuperAGI: the worker reads the row, so it is committed before the task is queued.
    for execution in waiting:
        execution.status = "RUNNING"
        session.commit()
        run_execution.delay(execution.id)

def record(session: Session, waiting):
    # hasjob: Flask-RQ2 queues a job with `job.queue(...)`.
    for execution in waiting:
        execution.status = "QUEUED"
        session.commit()
        run_execution.queue(execution.id)

def finish(session: Session, steps, workspaces):
    for step in steps[:3]:  # faraday: at most three
        step.status = "DONE"
        session.commit()
    seeds = [{"name": "a", "runs": ["r1", "r2"]}, {"name": "b", "runs": ["r3"]}]
    for seed in seeds:  # faraday: nested parts of data written in the code
        for run in seed["runs"]:
            session.add(Execution(status=run))
            session.commit()
    for name, count in {"x": 3, "y": 2}.items():
        for number in range(count):
            session.add(Execution(status=f"{name}{number}"))
            session.commit()
    for seed in DEFAULT_SEEDS:
        for run in seed["runs"]:
            session.add(Execution(status=run))
            session.commit()

DEFAULT_SEEDS = [{"name": "c", "runs": ["r4"]}]
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Book(Base):
    __tablename__ = "books"
    id = Column(Integer, primary_key=True)

def delete_one(session: Session, book: Book):
    # Calibre-Web: each book its own transaction, in step with its files.
    try:
        session.delete(book)
        session.commit()
    except Exception:
        session.rollback()
        return "error"
    return None

def delete_many(session: Session, books):
    return [delete_one(session, book) for book in books if book is not None]
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Role(Base):
    __tablename__ = "roles"
    id = Column(Integer, primary_key=True)
    name = Column(String(64), unique=True)

def insert_roles(session: Session):
    # Flasky: the three roles written out.
    roles = {"User": [1, 2], "Moderator": [1, 2, 8], "Administrator": [1, 2, 8, 16]}
    for name, permissions in roles.items():
        if session.query(Role).filter_by(name=name).first() is None:
            session.add(Role(name=name))
    session.commit()
""",
        """
from sqlalchemy import Boolean, Column, Integer
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Job(Base):
    __tablename__ = "jobs"
    id = Column(Integer, primary_key=True)
    archived = Column(Boolean, default=False)

def _archive(session: Session, job: Job) -> None:
    job.archived = True
    session.commit()

def archive_all(session: Session, jobs) -> None:
    # Airflow's cleanup: one transaction per item, a failure rolled back alone.
    for job in jobs:
        try:
            _archive(session, job)
        except OperationalError:
            session.rollback()
""",
        """
from sqlalchemy import Column, Integer, String, delete
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class TaskInstance(Base):
    __tablename__ = "task_instance"
    id = Column(Integer, primary_key=True)
    dag_id = Column(String(250), index=True)

class DagRun(Base):
    __tablename__ = "dag_run"
    id = Column(Integer, primary_key=True)
    dag_id = Column(String(250), index=True)

def delete_dag(session: Session, dag_id: str, extra_models):
    # Airflow: one DELETE per table.
    for model in [TaskInstance, DagRun] + list(extra_models):
        session.execute(delete(model).where(model.dag_id == dag_id))
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Row(Base):
    __tablename__ = "rows"
    id = Column(Integer, primary_key=True)

def purge(session: Session):
    # Security Monkey: a commit per hundred deletes.
    doomed = []
    for row in session.query(Row).all():
        doomed.append(row)
        if len(doomed) == 100:
            for victim in doomed:
                session.delete(victim)
            session.commit()
            doomed = []
    for victim in doomed:
        session.delete(victim)
    session.commit()
""",
        """
import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

async def forget(session: AsyncSession, numbers: set) -> None:
    await session.commit()

async def process(session: AsyncSession, groups: list) -> None:
    # Funnel: one task per group, run concurrently.
    tasks = set()
    for group in groups:
        tasks.add(asyncio.create_task(forget(session, group)))
    await asyncio.wait(tasks)
""",
        """
from sqlalchemy import Column, Integer, String, delete, select, update
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), index=True)
    size = Column(Integer)

class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    item_id = Column(Integer, index=True)

def set_metadata(session: Session, item_id: int, meta: dict):
    # Rucio: each key once.
    for key, value in meta.items():
        if key == "size":
            session.execute(update(Item).where(Item.id == item_id).values(size=value))
        elif key in ("label", "title"):
            session.execute(update(Item).where(Item.id == item_id).values(name=value))
    for key, value in meta.items():
        if key == "eol_at" and isinstance(value, str):  # `and` only narrows it
            session.execute(update(Item).where(Item.id == item_id).values(name=value))

def check(session: Session, rows):
    names = None
    for row in rows:
        if names is None:
            names = set(session.execute(select(Item.name)).scalars().all())

def totals(session: Session, rows):
    # open-event-server: filled by an unpacking, on the first pass only.
    name = size = None
    for row in rows:
        if not name:
            name, size = session.execute(select(Item.name, Item.size)).first()

def clear(session: Session, item_id: int, a: Item, b: Item):
    # Airflow: one table per pass; Funnel: three fixtures, numbered.
    tables = [Item, Note]
    for table in tables:
        session.execute(delete(table).where(table.id == item_id))
    for number, item in enumerate([a, b], 1):
        item.size = number
        session.commit()
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))

def import_all(session: Session, experiments):
    # mlflow's file-store import: a chunk of rows per experiment, then the
    # session is emptied so that memory stays bounded.
    for experiment in experiments:
        for name in experiment["names"]:
            session.add(Item(name=name))
        session.flush()
        session.expunge_all()
    session.commit()
""",
        """
from sqlalchemy import Boolean, Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Space(Base):
    __tablename__ = "spaces"
    id = Column(Integer, primary_key=True)
    is_deleted = Column(Boolean, default=False)

def delete_spaces(session: Session, spaces):
    # tracim's cleanup: each pass starts from what the database holds, so what
    # it changed must be flushed before `expire_all()` discards it.
    for space in spaces:
        space.is_deleted = True
        session.flush()
        session.expire_all()
        session.delete(space)
    session.commit()
""",
        """
import time

from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Job(Base):
    __tablename__ = "jobs"
    id = Column(Integer, primary_key=True)
    progress = Column(Integer, default=0)

def report(session: Session, job: Job, percent: int):
    job.progress = percent
    session.commit()  # another process shows the progress bar

def export(session: Session, job: Job, rows):
    # Paced on purpose: a progress report per row, a pause per row.
    for number, row in enumerate(rows, 1):
        time.sleep(5)
        report(session, job, 100 * number // len(rows))
""",
        """
import sqlalchemy as sa
from sqlalchemy import Column, Integer, MetaData, Table
from sqlalchemy.orm import Session

metadata = MetaData()
users = Table("users", metadata, Column("id", Integer, primary_key=True))

class Repository:
    def __init__(self, session: Session):
        self.session = session
        self.metadata = metadata

    def delete_all(self):
        # CKAN: one DELETE per table of the schema, through a local name.
        connection = self.session.connection()
        tables = reversed(self.metadata.sorted_tables)
        for table in tables:
            connection.execute(sa.delete(table))
        self.session.commit()
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class File(Base):
    __tablename__ = "files"
    id = Column(Integer, primary_key=True)

def delete_unclaimed(session: Session, files, storage):
    # Indico: one transaction per file, so that a storage error undoes only it.
    for file in files:
        try:
            session.delete(file)
            storage.remove(file.id)
        except OSError:
            session.rollback()
        session.commit()
""",
        """
from sqlalchemy import Column, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Setting(Base):
    __tablename__ = "settings"
    key = Column(String(80), primary_key=True)
    value = Column(String(200))

ALIASES = {"openai.configs": ("OPENAI_CONFIGS",), "ollama.configs": ("OLLAMA_CONFIGS",)}

def repair(session: Session):
    for key, aliases in ALIASES.items():
        if session.get(Setting, key) is None:
            session.add(Setting(key=key, value=aliases[0]))
    session.commit()
""",
        """
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Func(Base):
    __tablename__ = "funcs"
    id = Column(String(40), primary_key=True)
    body = Column(String(4000))

class FuncVersion(Base):
    __tablename__ = "func_versions"
    id = Column(Integer, primary_key=True)

def write(session: Session, func: Func, body: str, version_id=None):
    # Only callers that pass a version pay for the lookup (Open WebUI).
    if version_id:
        session.execute(select(FuncVersion).filter_by(id=version_id)).scalar_one_or_none()
    func.body = body

def save(session: Session, func: Func, commit=True):
    session.add(func)
    if commit:
        session.commit()

def sync(session: Session, items):
    for item_id, body in items:
        func = Func(id=item_id)
        write(session, func, body)
        save(session, func, commit=False)
    session.commit()
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)

def seed(session: Session):
    for i, value in enumerate(range(2, 26)):
        session.add(Item(id=value))
        session.commit()
    levels = ["a", "b", "c"]
    for level in levels:
        session.get(Item, 1)

def import_rows(session: Session, rows, batch_size: int):
    batch = []
    for row in rows:
        batch.append(Item(id=row))
        if len(batch) >= batch_size:
            session.add_all(batch)
            session.commit()
            batch = []

def import_each(session: Session, rows):
    for row in rows:
        try:
            session.add(Item(id=row))
        except ValueError:
            session.rollback()
            session.commit()
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)

def save_all(session: Session, rows):
    for row in rows:
        session.add(Item(id=row))
    session.commit()

def save_batched(session: Session, rows):
    for i, row in enumerate(rows):
        session.add(Item(id=row))
        if i % 500 == 0:
            session.commit()

def first_positive(session: Session, ids):
    for item_id in ids:
        if item_id > 0:
            found = session.get(Item, item_id)
            return found
""",
        """
from sqlalchemy import Column, Integer, insert
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)

def bulk(session: Session, rows):
    session.execute(insert(Item), [{"id": r} for r in rows])
    for attempt in range(3):
        try:
            session.commit()
            break
        except Exception:
            session.rollback()

def git_loop(repo, files):
    for f in files:
        repo.commit(f)

def import_each(session: Session, rows):
    for row in rows:
        try:
            session.add(Item(id=row))
            session.commit()  # each row its own transaction: one bad row does not undo the rest
        except Exception:
            session.rollback()
""",
        """
from sqlalchemy import Column, Integer, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Job(Base):
    __tablename__ = "jobs"
    id = Column(Integer, primary_key=True)

def worker(session: Session):
    while True:
        job = session.scalars(select(Job).limit(1)).first()
        session.commit()

def total(session: Session, ids):
    jobs = session.scalars(select(Job).where(Job.id.in_(ids))).all()
    by_id = {j.id: j for j in jobs}
    return [by_id.get(i) for i in ids]
""",
        # fixed-count loops, the schema as the collection, gathered coroutines,
        # a helper that is itself a batch loop
        """
import asyncio

from sqlalchemy import Column, Integer, bindparam, delete, update
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Job(Base):
    __tablename__ = "jobs"
    id = Column(Integer, primary_key=True)
    state = Column(Integer)

def seed_three(session: Session):
    for _ in range(3):
        session.add(Job())
        session.commit()

def wipe(session: Session, metadata):
    for table in reversed(metadata.sorted_tables):
        session.execute(delete(table))

async def attempt(sessionmaker, job_id):
    async with sessionmaker() as session:
        await session.get(Job, job_id)
        await session.commit()

async def race(sessionmaker, job_id):
    await asyncio.gather(*(attempt(sessionmaker, job_id) for _ in range(5)))
    return await asyncio.gather(*(attempt(sessionmaker, i) for i in job_ids(job_id)))

def job_ids(n):
    return list(range(n))

def migrate_state(session: Session, old, new):
    while True:
        result = session.execute(update(Job).where(Job.state == old).values(state=new))
        session.commit()
        if not result.rowcount:
            break

def migrate_all(session: Session, pairs):
    for old, new in pairs:
        migrate_state(session, old, new)

def flush_batches(session: Session, rows):
    batch = []
    for row in rows:
        batch.append({"b_id": row, "state": 1})
        if len(batch) == 500:
            session.execute(update(Job).where(Job.id == bindparam("b_id")), batch)
            batch = []
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Author(Base):
    __tablename__ = "authors"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("authors.id"), index=True)

def posts_of(session, authors):
    found = []
    for author in authors:
        # A Query runs when iterated: no `.all()` needed for a round trip per author.
        for post in session.query(Post).filter(Post.author_id == author.id):  # ORM305
            found.append(post)
    # Iterated once, outside any loop: one query.
    for post in session.query(Post).filter(Post.author_id.in_([a.id for a in authors])):
        found.append(post)
    return found

def first_post(session, authors, refresh):
    loaded = None
    for author in authors:
        # `or` is no guard: with `refresh` set, every pass queries.
        if refresh or loaded is None:
            loaded = session.query(Post).filter_by(author_id=author.id).first()  # ORM305
    return loaded

def several_posts(session, authors):
    if len(authors) > 1:
        for author in authors:
            session.query(Post).filter_by(author_id=author.id).delete()  # ORM305

def titles_by_author(session, authors):
    titles = {}
    for author in authors:
        # The rows kept in a variable and walked by an inner loop: still one query per author.
        posts = session.query(Post).filter(Post.author_id == author.id).all()  # ORM305
        for post in posts:
            titles.setdefault(author.id, []).append(post.id)
    return titles
""",
        """
from sqlalchemy import Boolean, Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Space(Base):
    __tablename__ = "spaces"
    id = Column(Integer, primary_key=True)
    is_deleted = Column(Boolean, default=False)

def delete_spaces(session: Session, spaces):
    # Only the space is expired, not the whole session: nothing makes a flush per pass needed.
    for space in spaces:
        space.is_deleted = True
        session.flush()  # ORM305
        session.expire(space)
    session.commit()
""",
        {
            "app/models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Member(Base):
    __tablename__ = "members"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
""",
            # conda-store, Flask-AppBuilder: a fixture seeding rows, one transaction each.
            "tests/conftest.py": """
from app.models import Member

def _add(session, name):
    session.add(Member(name=name))
    session.commit()

def seed_members(session, count):
    for i in range(count):
        session.add(Member(name=str(i)))
        session.commit()  # ORM305

def seed_named(session, names):
    for name in names:
        _add(session, name)  # ORM305
""",
        },
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Row(Base):
    __tablename__ = "rows"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))

def store_rows(db: Session, rows: list):
    # A savepoint per row, but no `except` that lets the others go on: the flush is per row.
    for row in rows:
        with db.begin_nested():
            db.add(row)
        db.flush()  # ORM305
""",
        """
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Shard(Base):
    __tablename__ = "shards"
    id = Column(Integer, primary_key=True)
    url = Column(String(200))

class Cursor(Base):
    __tablename__ = "cursors"
    id = Column(Integer, primary_key=True)
    shard_id = Column(Integer, index=True)

def names(session: Session, params: dict, wanted: set):
    # Both sides are data: as many passes as the caller sends.
    for name in set(params).intersection(wanted):
        session.query(Cursor).filter(Cursor.shard_id == params[name]).first()  # ORM305
    for name in set(params).union(SHARD_NAMES):
        session.query(Cursor).filter(Cursor.shard_id == params[name]).first()  # ORM305

SHARD_NAMES = ("eu", "us")

def sizes(session: Session, rows):
    # Emptied again on every pass: the test is true each time.
    url = shard_id = None
    for row in rows:
        if not url:
            url, shard_id = session.execute(select(Shard.url, Shard.id)).first()  # ORM305
        url, shard_id = None, None

def positions(engine, shards: list, span):
    found = {}
    for shard in shards:
        # One database for every pass; the tracing span taken from the item is no session.
        with Session(engine) as session, span(shard):
            found[shard.id] = session.query(Cursor).filter(Cursor.shard_id == shard.id).first()  # ORM305
    return found

def load(session: Session, paths: list):
    # timesketch: a file per pass, one database.
    for path in paths:
        with open(path) as fh:
            session.add(Shard(url=fh.read()))
            session.commit()  # ORM305
""",
        """
from sqlalchemy import JSON, Column, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Dataset(Base):
    __tablename__ = "datasets"
    key = Column(String, primary_key=True)
    collections = Column(JSON)

def clean_datasets(db: Session, cleaned: list):
    for ds in cleaned:
        try:
            current = db.query(Dataset).filter(Dataset.key == ds["key"]).first()  # ORM305
            current.collections = ds["collections"]
            db.commit()
        except Exception:
            db.rollback()

def rename_datasets(db: Session, renamed: list):
    for ds in renamed:
        db.query(Dataset).filter(Dataset.key == ds["key"]).update({"key": ds["new"]})  # ORM305
    db.commit()

def unassign(db: Session, keys: list):
    # privacyidea: the `except` gives up on the whole loop; no item is its own transaction.
    for key in keys:
        try:
            db.query(Dataset).filter(Dataset.key == key).delete()  # ORM305
            db.commit()
        except Exception as error:
            raise RuntimeError(key) from error

def set_collections(db: Session, meta: dict):
    # `or` widens the test to every item whose value is a list.
    for key, value in meta.items():
        if key == "default" or isinstance(value, list):
            db.query(Dataset).filter(Dataset.key == key).update({"collections": value})  # ORM305
""",
        """
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Firing(Base):
    __tablename__ = "firings"
    id: Mapped[int] = mapped_column(primary_key=True)
    trigger_id: Mapped[str]

session_factory: async_sessionmaker[AsyncSession] = async_sessionmaker()

async def evaluate(triggers):
    for trigger_id in triggers:
        async with session_factory() as session:
            session.add(Firing(trigger_id=trigger_id))
            await session.commit()  # ORM305
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String, unique=True)

def check_users(session: Session, users):
    for number, data in enumerate(users, start=1):
        session.query(User).filter_by(username=data["username"]).first()  # ORM305
    for name in list(sorted(users)):
        session.query(User).filter(User.username == name).first()  # ORM305
""",
        """
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Component(Base):
    __tablename__ = "components"
    id = Column(String(36), primary_key=True)
    current_version = Column(Integer)

def resolve_version(session: Session, component_id, known: dict):
    # An early return on the data, not on what the caller chose: a query per call.
    if known.get(component_id):
        return known[component_id]
    return session.execute(select(Component.current_version).where(Component.id == component_id)).scalar()

def resolve_children(session: Session, links, known):
    return [resolve_version(session, link, known) for link in links]  # ORM305

def remind(session: Session, email, component_id):
    # dispatch: a guard that gives up; callers pass an email, and the query runs.
    if not email:
        return
    session.execute(select(Component).where(Component.id == component_id))

def remind_all(session: Session, owners):
    for email, component_id in owners:
        remind(session, email, component_id)  # ORM305
""",
        """
import asyncio

from sqlalchemy import Column, Integer
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    seen = Column(Integer, default=0)

async def mark_all(session: AsyncSession, items):
    for item in items:
        item.seen = 1
        await session.commit()  # ORM305
        await asyncio.sleep(0)  # yields to other tasks: no pause

class Loader:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.loaded = False

    async def load(self, item):
        # Sets the flag back to blank: the branch runs on every pass.
        await self.session.get(Item, item)
        self.loaded = False

    async def load_all(self, items):
        for item in items:
            if not self.loaded:
                await self.load(item)  # ORM305
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Step(Base):
    __tablename__ = "steps"
    id = Column(Integer, primary_key=True)
    status = Column(String(20))

def finish_all(session: Session, steps):
    for step in steps:
        step.status = "DONE"
        session.commit()  # ORM305
        session.flush()  # SuperAGI: nothing pending after the commit, no second report

def claim_all(session: Session, cache, ids):
    # freight: each step is checked and claimed under its own lock.
    for step_id in ids:
        with cache.lock(f"claim:{step_id}", timeout=5):
            if session.get(Step, step_id).status == "DONE":
                continue
            session.query(Step).filter(Step.id == step_id).update({"status": "CLAIMED"})

def claim_each(session: Session, cache, ids):
    # One lock for the whole pass: the queries per item are N round trips.
    for step_id in ids:
        with cache.lock("claim", timeout=5):
            session.get(Step, step_id).status = "CLAIMED"  # ORM305

def requeue_all(session: Session, ids):
    for step_id in ids:
        session.query(Step).filter(Step.id == step_id).update({"status": "QUEUED"})  # ORM305
        session.flush()  # zeus: the bulk update flushed before it ran, no second report

def rename_all(session: Session, steps):
    for step in steps:
        session.query(Step).filter(Step.id == step.id).first()  # ORM305
        step.status = "RENAMED"
        session.flush()  # ORM305

def all_but_last(session: Session, steps):
    for step in steps[:-1]:
        step.status = "DONE"
        session.commit()  # ORM305

def children_of(session: Session, first, second):
    # Two parents written out, but their children are data.
    for parent in [first, second]:
        for child in parent.children:
            child.status = "DONE"
            session.commit()  # ORM305
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Person(Base):
    __tablename__ = "people"
    id = Column(Integer, primary_key=True)
    name = Column(String(80), index=True)

class Importer:
    def __init__(self, session: Session):
        self.session = session
        self.lookup = None

    def person(self, name):
        # Tests the attribute but never fills it: a query on every call.
        if self.lookup is None:
            return self.session.query(Person).filter_by(name=name).first()
        return self.lookup.get(name)

    def people(self, names):
        return [self.person(name) for name in names]  # ORM305
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)

NUM_ROWS = 100

def seed(session: Session, NUM_ROWS: int):
    # The parameter, not the module's constant: a count the caller chooses.
    for i in range(NUM_ROWS):
        session.add(Item(id=i))
        session.commit()  # ORM305

def grow(session: Session):
    for i in range(len(LOADED) + 1):
        session.get(Item, i)  # ORM305

LOADED = []

class Settings:
    max_rows = 3

settings = Settings()

def seed_configured(session: Session):
    # Not a constant by its name: a count that may grow.
    for i in range(settings.max_rows):
        session.get(Item, i)  # ORM305
""",
        """
from sqlalchemy.ext.asyncio import AsyncSession

async def forget(session: AsyncSession, numbers: set) -> None:
    await session.commit()

async def process(session: AsyncSession, groups: list) -> None:
    for group in groups:
        await forget(session, group)  # ORM305
""",
        """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Team(Base):
    __tablename__ = "teams"
    id = Column(Integer, primary_key=True)
    name = Column(String(80), index=True)

def load_teams(session: Session, names):
    for name in names:
        # Tested afresh on each pass: not a value filled once.
        team = session.query(Team).filter_by(name=name).first()  # ORM305
        if team is None:
            team = Team(name=name)
            session.add(team)
            session.commit()  # ORM305
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Cost(Base):
    __tablename__ = "costs"
    id = Column(Integer, primary_key=True)
    amount = Column(Integer)

def update_cost(session: Session, cost: Cost, amount: int):
    # The branch depends on the data, not on a choice of the caller: a
    # recalculation changes most costs, one commit each.
    if cost.amount != amount:
        cost.amount = amount
        session.commit()

def update_all(session: Session, costs, amount: int):
    for cost in costs:
        update_cost(session, cost, amount)  # ORM305
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)

def save_each(session: Session, rows):
    for row in rows:
        session.add(Item(id=row))
        session.commit()  # ORM305

def lookup(session: Session, ids):
    return [session.get(Item, i) for i in ids]  # ORM305

def seed(session: Session, count: int):
    for i in range(count):
        session.add(Item(id=i))
        session.commit()  # ORM305

def seed_rows(session: Session, rows):
    for i in range(1, len(rows)):
        session.add(Item(id=i))
        session.flush()  # ORM305
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20), unique=True)

def tags_for(names):
    found = []
    for name in names:
        found.append(Tag.query.filter_by(name=name).first())  # ORM305
    return found
""",
        },
        """
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class ProjectFile(Base):
    __tablename__ = "project_files"
    id = Column(Integer, primary_key=True)
    path = Column(String(200), unique=True)

class FileRepository:
    def __init__(self, session: Session):
        self.session = session

    def save_project_file(self, path):
        existing = self.session.scalars(select(ProjectFile).where(ProjectFile.path == path)).first()
        if existing is None:
            self.session.add(ProjectFile(path=path))
        self.session.flush()

    def save_multiple_files(self, paths):
        for path in paths:
            self.save_project_file(path)  # ORM305
""",
    ]


# -- ORM306 --------------------------------------------------------------
_LISTING_PREFIXES = ("list", "get_all", "find_all", "fetch_all", "all_", "get_multi", "search")


class UnboundedListQuery(Rule):
    """## What it does
    Flags a function that lists records (its name starts with `list`,
    `get_all`, `find_all`, `fetch_all`, `all_`, `get_multi` or `search`) and
    returns a query's `.all()` with no `limit()`, `slice()`, `offset()` or
    pagination anywhere in the query.

    ## Why is this bad?
    The list grows with the table: the endpoint that returned 50 rows in
    development returns 2 million in production, in one response and one
    Python list.

    ## Example
    ```python
    def list_orders(session):
        return session.query(Order).all()
    ```

    ## Use instead
    ```python
    def list_orders(session, page: int, size: int = 50):
        return session.query(Order).order_by(Order.id).limit(size).offset(page * size).all()
    ```
    """

    code = "ORM306"
    name = "unbounded-list-query"
    severity = Severity.INFO
    summary = "a listing function returns `.all()` with no limit or pagination"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        data = analysis(ctx)
        for module, path, function, scope in data.functions:
            short = function.name.rsplit(".", 1)[-1].lstrip("_")
            if not short.startswith(_LISTING_PREFIXES):
                continue
            for position in function.returns:
                query = data.resolve(module, path, function, scope, position)
                if query is None or query.model is None or query.result() != "rows":
                    continue
                if not query.methods or query.methods[-1] != "all":
                    continue
                if any(m in _BOUNDING for m in query.methods):
                    continue
                message = f"`{short}()` returns every `{query.model.name}` row the query matches: `.all()` with no limit or pagination."
                hint = "Add `.limit()`/`.offset()` (or keyset pagination) and let callers ask for the next page."
                yield self.diagnostic(path, query.fact.span, message, hint)

    VALID = [
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)

def list_orders(session: Session, page: int):
    return session.query(Order).order_by(Order.id).limit(50).offset(page * 50).all()
""",
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)

def export(session: Session):
    return session.query(Order).all()
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)

def list_orders(page):
    return Order.query.paginate(page=page, per_page=20)
""",
        },
    ]
    INVALID = [
        """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)

def list_orders(session: Session):
    return session.query(Order).order_by(Order.id).all()  # ORM306
""",
        """
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)

class OrderRepository:
    def __init__(self, session: Session):
        self.session = session

    def get_all(self):
        stmt = select(Order)
        return self.session.scalars(stmt).all()  # ORM306
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)

def list_orders():
    return Order.query.all()  # ORM306
""",
        },
    ]
