"""Which tables the project creates, and so may add indexes to.

Tables are created by `metadata.create_all()` (`Base.metadata`, Flask-SQLAlchemy's
`db.create_all()`, `SQLModel.metadata`), by the migrations of an Alembic
`env.py` whose `target_metadata` names their MetaData, by a revision's
`op.create_table`, or one by one (`User.__table__.create()`, `table.create()`).
A project can also map the tables of a database something else writes:
calibre-web maps the library database Calibre creates (with its own indexes)
beside the settings database it creates itself. The index rules cannot ask it
to index those tables (`ProjectIndex.never_created`).

Only certain answers count: when one `create_all` or `target_metadata` cannot be
resolved to a MetaData, an env.py adds tables to its `target_metadata` (or
reflects into it), or a revision runs `create_all`, every table may be created
by it, and none is taken as never created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from ormlint.bases import BaseResolver
from ormlint.expr import Call, Const, Expr, Name, Seq, replace_record
from ormlint.facts import ModuleFacts
from ormlint.usage_extract import ScopeFacts
from ormlint.schema import TableInfo
from ormlint.symbols import ClassRef, Symbol, SymbolTable, ValueRef


@dataclass(frozen=True)
class Creation:
    # False when something creates tables ormlint cannot name: then no table
    # is known never to be created.
    known: bool = False
    metadata: frozenset[str] = frozenset()  # MetaData identities created whole
    tables: frozenset[str] = frozenset()  # table names created one by one

    def never_created(self, table: TableInfo) -> bool:
        """The project creates some MetaData, and certainly not this table's."""
        return (
            self.known and bool(self.metadata)
            and table.metadata not in self.metadata and (table.name or "") not in self.tables
        )


def project_creation(
    modules: Iterable[tuple[str, ModuleFacts]],
    symbols: SymbolTable,
    bases: BaseResolver,
    table_of: Callable[[Optional[Symbol]], Optional[TableInfo]],
) -> Creation:
    """What the project creates. `table_of` gives the table a class or a
    module-level `Table(...)` variable maps, if known."""
    metadata: set[str] = set()
    tables: set[str] = set()
    for module, facts in modules:
        if facts.is_migration:
            for operation, table, _ in facts.migration_table_ops:
                if operation == "create_all":
                    return Creation()
                if operation == "create":
                    tables.add(table)
            continue
        for assign in facts.assignments:
            if assign.target == "target_metadata":  # an Alembic env.py
                keys = _metadata_keys(bases, module, assign.value)
                if keys is None or extends_target_metadata(facts):
                    return Creation()  # what its migrations create is not known
                metadata.update(keys)
        for scope in facts.scopes:
            for base, attr, _, _, _, _ in scope.attributes:
                if attr == "create_all":
                    keys = _created_metadata(symbols, bases, module, base, scope)
                    if keys is None:
                        return Creation()
                    metadata.update(keys)
                elif attr == "create":
                    of_table = base.endswith(".__table__")
                    owner = base[: -len(".__table__")] if of_table else base
                    symbol = symbols.resolve(module, owner)
                    if isinstance(symbol, ClassRef) and not of_table:
                        # A mapped class has no `create` of SQLAlchemy's: `Message.create(**kw)`
                        # is a method of the project's (datanommer's inserts a row).
                        continue
                    created = table_of(symbol)
                    if created is not None and created.name is not None:
                        tables.add(created.name)
    return Creation(True, frozenset(metadata), frozenset(tables))


def extends_target_metadata(facts: ModuleFacts) -> bool:
    """An Alembic env.py adds tables to `target_metadata` after assigning it
    (glance: `target_metadata._add_table(...)` for each table of a second
    base), or reflects into it: the MetaData its migrations follow holds more
    than the one it names."""
    return any(
        base == "target_metadata" and (store or attr in ("_add_table", "reflect", "tables"))
        for scope in facts.scopes for base, attr, _, store, _, _ in scope.attributes
    )


def _created_metadata(symbols: SymbolTable, bases: BaseResolver, module: str, receiver: str, scope: ScopeFacts) -> Optional[list[str]]:
    """The MetaData `receiver.create_all()` creates: `Base.metadata`, a MetaData
    variable, `SQLModel.metadata`, or Flask-SQLAlchemy's `db` (with the MetaData
    or model class it was given); a local name assigned once (`metadata =
    MetaData()` in a test fixture: its own tables). None when unknown."""
    head = receiver.partition(".")[0]
    if scope.name != "<module>":  # a function's own names (the module's are the symbol table's)
        if any(name == head for name, _ in scope.params):
            return None
        bound = [(kind, value) for name, kind, value in scope.bindings if name == head]
        if bound:
            if receiver != head or len(bound) != 1 or bound[0][0] != "assign":
                return None
            key = bases.metadata_key(module, bound[0][1])
            return [key] if key is not None else None
    symbol = symbols.resolve(module, receiver)
    if isinstance(symbol, ValueRef) and symbols.is_flask_db(symbol):
        return _flask_metadata(symbols, bases, symbol)
    key = bases.metadata_key(module, Name(receiver))
    return [key] if key is not None else None


def _flask_metadata(symbols: SymbolTable, bases: BaseResolver, db: ValueRef) -> Optional[list[str]]:
    """What `db.create_all()` creates: the MetaData of `db.Model`, and the one
    `SQLAlchemy(metadata=...)` or `SQLAlchemy(model_class=Base)` was given."""
    keys = [bases.flask_base(db).metadata]
    assign = symbols.assignment(db)
    made = assign.value if assign is not None else None
    if isinstance(made, Call):
        given = made.kwarg("metadata")
        if given is not None:
            key = bases.metadata_key(db.module, given)
            if key is None:
                return None
            keys.append(key)
        model_class = made.kwarg("model_class")
        if model_class is not None:
            base = bases.base_of_symbol(symbols.resolve_expr(db.module, model_class))
            if base is None:
                return None
            keys.append(base.metadata)
    return keys


def _metadata_keys(bases: BaseResolver, module: str, value: Optional[Expr]) -> Optional[list[str]]:
    """The MetaData identities `target_metadata` names (`BaseResolver.metadata_keys`);
    a `None` in it, or alone, names nothing (no autogenerate for it)."""
    if value is None:
        return None
    if _is_none(value):
        return []
    if isinstance(value, Seq) and not value.starred:
        value = replace_record(value, items=tuple(item for item in value.items if not _is_none(item)))
    return bases.metadata_keys(module, value)


def _is_none(value: Expr) -> bool:
    return isinstance(value, Const) and value.value is None


def table_of_symbol(
    mapped: Callable[[ClassRef], Optional[TableInfo]], variables: dict[ValueRef, TableInfo],
) -> Callable[[Optional[Symbol]], Optional[TableInfo]]:
    def table_of(symbol: Optional[Symbol]) -> Optional[TableInfo]:
        if isinstance(symbol, ClassRef):
            return mapped(symbol)
        if isinstance(symbol, ValueRef):
            return variables.get(symbol)
        return None

    return table_of
