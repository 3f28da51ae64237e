"""Per-file facts: plain, serialisable records of what one file declares.

Facts depend on the file alone (its text and its module name), which is what
makes them cacheable by content hash. Meaning (what `db.Column` is, which
classes are mapped) is decided later by the resolver, across files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ormlint.expr import Expr, Span, record

if TYPE_CHECKING:
    from ormlint.query_extract import FunctionQueries
    from ormlint.session_extract import SessionFunction
    from ormlint.migration_extract import MigrationOp
    from ormlint.usage_extract import ScopeFacts


# An import binding, (local, module, name, line, loads): `local` is bound to
# `module` (and attribute `name` of it, if any) on `line`; `loads` is the module
# an `import a.b.c` loads besides binding `a` ("" otherwise). A plain tuple, read
# by unpacking, like `Span` and `AttributeRef`: there are tens of thousands, and
# a plain tuple pickles several times faster than a record.
ImportFact = tuple[str, str, Optional[str], int, str]


@record
class AssignFact:
    """`target = value`, `target: annotation = value` or `target: annotation`.

    At module level `target` may be dotted (`User.full_name = column_property(...)`).
    `span` covers the whole statement: its first line is where column rules report.
    """

    target: str
    value: Optional[Expr]
    annotation: Optional[Expr]
    span: Span
    conditional: bool = False


@record
class FunctionFact:
    name: str
    decorators: tuple[Expr, ...]
    span: Span
    # The returned expression when the body is one `return <expr>` (after a
    # docstring): enough for `declared_attr` columns and table names.
    returns: Optional[Expr]
    params: tuple[str, ...]
    has_var_kwargs: bool
    # A recognised name-transforming shape, for table-name helpers:
    # ("split", pattern, separator): `sep.join(p.lower() for p in re.split(pattern, name) if p)`
    # ("sub", pattern-or-"var:NAME", replacement): `re.sub(pattern, repl, name).lower()`
    naming: Optional[tuple[str, str, str]] = None
    return_annotation: Optional[Expr] = None
    # `**kwargs` only passed on to `super().__init__(**kwargs)`.
    forwards_kwargs: bool = False


@record
class ClassFact:
    name: str
    span: Span
    bases: tuple[Expr, ...]
    keywords: tuple[tuple[str, Expr], ...]
    decorators: tuple[Expr, ...]
    body: tuple[AssignFact, ...]
    functions: tuple[FunctionFact, ...]
    nested_classes: tuple[str, ...]
    # `__getattr__` defined, or `setattr(cls/self, ...)` with a computed name:
    # its attributes cannot be known.
    dynamic_attributes: bool
    conditional: bool = False
    # Attributes a class method sets on the class (`cls.current = column_property(...)`
    # in `__declare_last__`): they exist once the class is configured.
    class_method_attributes: tuple[str, ...] = ()
    # `setattr(cls, name, ...)` or `setattr(ClassName, ...)` in the class: attributes
    # set on the class itself, which may be columns. (`dynamic_attributes` also
    # counts `setattr(self, ...)` and `__getattr__`, which only make instance
    # attributes.)
    dynamic_class_attributes: bool = False


@record
class ModuleFacts:
    path: str
    module: str
    is_package: bool
    imports: tuple[ImportFact, ...]
    star_imports: tuple[str, ...]
    assignments: tuple[AssignFact, ...]
    classes: tuple[ClassFact, ...]
    functions: tuple[FunctionFact, ...]
    # Every class name defined anywhere in the file, nested ones included.
    all_class_names: frozenset[str]
    # An Alembic revision script (`revision` and `down_revision` at module
    # level): its models are snapshots of the past, not the schema.
    is_migration: bool = False
    # How the file uses names: attribute references, calls, variable bindings.
    scopes: tuple["ScopeFacts", ...] = ()
    # Top-level call statements (`Index("ix", User.email)`).
    calls: tuple[Expr, ...] = ()
    # Indexes an Alembic revision creates: (table, leading columns..., line).
    migration_indexes: tuple["MigrationIndex", ...] = ()
    # What an Alembic revision does to tables: (operation, table, other), with
    # operation one of create / drop / rename (other = new name) / touch (any
    # other op naming a table) / sql (literal SQL mentioning table) /
    # create_all (metadata.create_all: every table, table = "").
    migration_table_ops: tuple[tuple[str, str, str], ...] = ()
    # Queries and loops per function (query_extract.py).
    queries: tuple["FunctionQueries", ...] = ()
    # How each function handles sessions, transactions and raw SQL (session_extract.py).
    sessions: tuple["SessionFunction", ...] = ()
    # An Alembic revision's `upgrade()`, as schema operations to replay
    # (ormlint.migration_extract).
    migration_ops: tuple["MigrationOp", ...] = ()
    # The functions registered here as `do_orm_execute` listeners
    # (`@event.listens_for(Session, "do_orm_execute")`; "" for one passed as
    # something else than a name): they may add conditions to every query.
    query_listeners: tuple[str, ...] = ()
    # The lines of statements a comment says are deliberately not foreign keys
    # (`# not a foreign key: ...` at the end of the line or just above it).
    no_foreign_key_lines: frozenset[int] = frozenset()
    # The dialects the database URLs written in the file name (`mysql` for
    # `"mysql+aiomysql://..."`): `ormlint.dialects`.
    database_urls: frozenset[str] = frozenset()
    # A sqlalchemy-migrate change script (`def upgrade(migrate_engine):`): the
    # tables it defines are snapshots of a past schema, as an Alembic
    # revision's are, though it is no revision of Alembic's.
    is_migrate_script: bool = False

    @property
    def holds_past_schema(self) -> bool:
        """An Alembic revision or a sqlalchemy-migrate script: its classes and
        tables are snapshots of a past schema, not the models."""
        return self.is_migration or self.is_migrate_script


@record
class MigrationIndex:
    table: str
    columns: tuple[str, ...]
    line: int
