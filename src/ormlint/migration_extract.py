"""What one Alembic revision script does to the schema, read from its `upgrade()`.

Per-file, like the rest of extraction: the operations are plain records
(`MigrationOp`), replayed later across the revision graph by
`ormlint.migrations`. Anything ormlint cannot follow with certainty becomes an
`uncertain` operation: on one table when the table is known (a conditional
op, SQL it cannot read naming that table), on every table otherwise (a
computed table name, a call to a function it cannot see into). The replay
then stays silent about what those may have changed.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator, Optional

from ormlint.ast_walk import subtree
from ormlint.expr import Expr, record, to_expr

# Table placeholder of an operation whose table cannot be known.
ANY_TABLE = "*"


@record
class MigrationColumn:
    name: str
    type: Optional[Expr]  # as written (`sa.Integer()`); None: not given or SQL
    sql_type: Optional[str] = None  # the type word of literal SQL (`INTEGER`)
    nullable: Optional[bool] = None  # None: not given (or not literal: see nullable_known)
    nullable_known: bool = True
    primary_key: bool = False
    unique: bool = False
    index: bool = False
    foreign_keys: tuple[str, ...] = ()  # `table.column` targets (table lower-cased)
    line: int = 0


@record
class MigrationOp:
    """One schema change. `kind` is one of:

    create_table (columns, names = primary key columns), drop_table,
    rename_table (other = new name), add_column (columns), drop_column (names),
    alter_column (names = (column,), other = new name or "", type, nullable,
    nullable_known), index (names = columns, other = index name, unique),
    drop_index (other = name), fk (names = local columns, other = referent
    table, name), drop_constraint (name; other = its `type_`, "foreignkey"...,
    or ""), primary_key (names),
    uncertain (table or ANY_TABLE), create_all (metadata.create_all).
    """

    kind: str
    table: str
    line: int
    schema: Optional[str] = None
    columns: tuple[MigrationColumn, ...] = ()
    names: tuple[str, ...] = ()
    other: str = ""
    name: Optional[str] = None
    type: Optional[Expr] = None
    nullable: Optional[bool] = None
    nullable_known: bool = False
    unique: bool = False
    sql_type: Optional[str] = None  # alter_column from literal SQL: the new type word
    # The column names are only known partly (`sa.text("lower(email)")`).
    partial: bool = False
    # alter_column without `type_`: the `existing_type` it says the column has.
    existing_type: Optional[Expr] = None


# op.* methods that never change tables or columns ormlint models.
_HARMLESS_OPS = frozenset({
    "get_bind", "get_context", "f", "inline_literal", "bulk_insert", "create_check_constraint",
    "create_exclude_constraint", "create_table_comment", "drop_table_comment", "create_entity", "drop_entity",
    "replace_entity", "replace_sp", "create_sp", "drop_sp", "create_view", "drop_view", "replace_view",
    "implementation_for", "run_async", "execute_if",
})
# Calls in a revision that never change the schema.
_HARMLESS_FUNCTIONS = frozenset({
    "print", "len", "str", "int", "list", "dict", "set", "tuple", "range", "sorted", "isinstance", "getattr", "setattr",
    "hasattr", "enumerate", "zip", "format", "any", "all", "min", "max", "exit", "quit",
})
_HARMLESS_ROOTS = frozenset({"sa", "sqlalchemy", "logging", "logger", "log", "LOGGER", "LOG", "warnings", "json", "uuid",
                             "datetime", "time", "os", "re", "click", "typer", "postgresql", "mysql", "sqlite", "mssql",
                             "oracle", "pg", "sys", "alembic", "context"})
# Methods of sessions, connections and results: they move rows, not tables.
_DATA_METHODS = frozenset({
    "add", "add_all", "commit", "flush", "close", "merge", "delete", "query", "rollback", "bulk_insert_mappings",
    "bulk_update_mappings", "bulk_save_objects", "fetchall", "fetchone", "first", "scalar", "scalars", "all", "one",
    "one_or_none", "mappings", "append", "extend", "update", "insert", "values", "where", "returning", "get",
    "info", "debug", "warning", "warn", "error", "exception", "echo", "secho", "items", "keys", "join", "split",
    "strip", "lower", "upper", "startswith", "endswith", "replace", "pop", "setdefault", "copy", "format",
    "begin", "begin_nested", "expire_all", "refresh", "execution_options", "dispose", "connect", "clear",
    "bindparams", "close_all", "remove", "sleep",
})
# Statement builders whose execution changes rows, never tables.
_DATA_STATEMENTS = frozenset({"update", "insert", "delete", "values", "where", "select", "returning", "text_select"})
_COLUMN_EXTRAS = frozenset({
    "ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint", "DefaultClause", "FetchedValue", "text",
})


def _last(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _root(node: ast.AST) -> Optional[str]:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


class _Unknown(Exception):
    """A value the revision computes: the operation's table cannot be known."""


class _Reader:
    def __init__(self, tree: ast.Module) -> None:
        self.ops: list[MigrationOp] = []
        self.functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        # Functions of the file that build a type or a sequence
        # (`def __create_enum(): return postgresql.ENUM(..., name="behaviour")`).
        self.schema_factories = frozenset(name for name, function in self.functions.items() if _returns_schema_object(function))
        self.constants: dict[str, object] = {}
        for stmt in tree.body:
            self._bind(stmt, self.constants)
        self.depth = 0
        self.stack: list[str] = []

    # -- values --------------------------------------------------------
    def schema_object(self, node: Optional[ast.AST]) -> bool:
        """A call building a type or a sequence, directly or through a function of the file."""
        return _is_schema_object(node) or (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.schema_factories
        )

    def _bind(self, stmt: ast.stmt, scope: dict[str, object]) -> None:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    value = _literal(stmt.value)
                    if value is None:
                        value = _literal_rows(stmt.value)
                    if value is None and stmt.value is not None:
                        value = _sql_text(stmt.value, {}, {})
                    if isinstance(stmt.value, ast.Dict) and all(isinstance(k, ast.Constant) for k in stmt.value.keys):
                        value = tuple(k.value for k in stmt.value.keys if isinstance(k, ast.Constant))
                    if value is None and _is_data(stmt.value):
                        value = _DATA
                    if value is None and self.schema_object(stmt.value):
                        value = _SCHEMA_OBJECT
                    scope[target.id] = value if value is not None else _UNSET

    def string(self, node: Optional[ast.AST], scope: dict[str, object]) -> Optional[str]:
        """The string a node denotes; None for None/absent; raises _Unknown otherwise."""
        if node is None or isinstance(node, ast.Constant) and node.value is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Call) and _last(node.func) in ("f", "quoted_name", "conv") and node.args:
            return self.string(node.args[0], scope)
        if isinstance(node, ast.Name):
            value = scope.get(node.id, self.constants.get(node.id, _UNSET))
            if isinstance(value, str):
                return value
        raise _Unknown()

    def strings(self, node: Optional[ast.AST], scope: dict[str, object]) -> tuple[tuple[str, ...], bool]:
        """Column names of a list argument; `partial` when some are expressions."""
        if isinstance(node, ast.Name):
            value = scope.get(node.id, self.constants.get(node.id))
            if isinstance(value, tuple) and not isinstance(value, _Rows):
                return tuple(v for v in value if isinstance(v, str)), False
            raise _Unknown()
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return (node.value,), False
        if not isinstance(node, (ast.List, ast.Tuple)):
            raise _Unknown()
        names: list[str] = []
        partial = False
        for element in node.elts:
            try:
                value = self.string(element, scope)
            except _Unknown:
                value = None
            if value is None:
                partial = True
            else:
                names.append(value)
        return tuple(names), partial

    # -- statements ----------------------------------------------------
    def body(self, statements: list[ast.stmt], scope: dict[str, object], conditional: bool, batch: dict[str, tuple[str, Optional[str]]]) -> None:
        for stmt in statements:
            self.statement(stmt, scope, conditional, batch)

    def statement(self, stmt: ast.stmt, scope: dict[str, object], conditional: bool, batch: dict[str, tuple[str, Optional[str]]]) -> None:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                self._bind(stmt, scope)
            if stmt.value is not None:
                self.expression(stmt.value, scope, conditional, batch, statement=False)
        elif isinstance(stmt, ast.Expr):
            self.expression(stmt.value, scope, conditional, batch, statement=True)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            inner = dict(batch)
            for item in stmt.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and _last(call.func) == "batch_alter_table" and _root(call.func) == "op":
                    try:
                        table = self.string(call.args[0] if call.args else _keyword(call, "table_name"), scope)
                        schema = self.string(_keyword(call, "schema"), scope)
                    except _Unknown:
                        self.uncertain(ANY_TABLE, call.lineno)
                        continue
                    if table is None:
                        self.uncertain(ANY_TABLE, call.lineno)
                        continue
                    if _keyword(call, "table_args") is not None or _keyword(call, "reflect_args") is not None:
                        self.uncertain(table, call.lineno)
                    if isinstance(item.optional_vars, ast.Name):
                        inner[item.optional_vars.id] = (table, schema)
                else:
                    self.expression(call, scope, conditional, batch, statement=False)
            self.body(stmt.body, scope, conditional, inner)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            values = _literal(stmt.iter)
            if values is None:
                values = _literal_rows(stmt.iter)
            if isinstance(stmt.iter, ast.Name):
                values = scope.get(stmt.iter.id, self.constants.get(stmt.iter.id))
            bindings = _loop_bindings(stmt.target, values) if not stmt.orelse else None
            if bindings is not None:
                for bound in bindings:
                    self.body(stmt.body, {**scope, **bound}, conditional, batch)
            else:
                self.body(stmt.body, {**scope, **_unset_targets(stmt.target)}, True, batch)
                self.body(stmt.orelse, scope, True, batch)
        elif isinstance(stmt, (ast.If, ast.While)):
            self.expression(stmt.test, scope, conditional, batch, statement=False)
            self.body(stmt.body, scope, True, batch)
            self.body(stmt.orelse, scope, True, batch)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self.body(stmt.body, scope, True, batch)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                self.body(handler.body, scope, True, batch)
            self.body(stmt.orelse, scope, True, batch)  # type: ignore[attr-defined]
            self.body(stmt.finalbody, scope, conditional, batch)  # type: ignore[attr-defined]
        elif isinstance(stmt, ast.Return) and stmt.value is not None:
            self.expression(stmt.value, scope, conditional, batch, statement=False)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass, ast.Return, ast.Import,
                               ast.ImportFrom, ast.Assert, ast.Raise, ast.Global, ast.Nonlocal, ast.Break, ast.Continue,
                               ast.Delete)):
            return
        else:
            # match statements and anything new: any op inside may or may not run.
            for node in subtree(stmt):
                if isinstance(node, ast.Call):
                    self.uncertain(ANY_TABLE, stmt.lineno)
                    return

    def expression(self, node: ast.expr, scope: dict[str, object], conditional: bool, batch: dict[str, tuple[str, Optional[str]]], statement: bool) -> None:
        calls = [n for n in subtree(node) if isinstance(n, ast.Call)]
        for call in calls:
            self.call(call, scope, conditional, batch, statement and call is node)

    def uncertain(self, table: str, line: int, what: str = "") -> None:
        """`what`: "" (anything), "constraints" (indexes, constraints) or "type" (column types)."""
        self.ops.append(MigrationOp("uncertain", table, line, other=what))

    def call(self, call: ast.Call, scope: dict[str, object], conditional: bool, batch: dict[str, tuple[str, Optional[str]]], statement: bool) -> None:
        func = call.func
        method = _last(func)
        if method is None:
            if statement:
                # `globals()["upgrade_%s" % name]()`: a function chosen at run time.
                self.uncertain(ANY_TABLE, call.lineno)
            return
        receiver = func.value if isinstance(func, ast.Attribute) else None
        if method in ("create_all", "drop_all") and receiver is not None:
            self.ops.append(MigrationOp("create_all", ANY_TABLE, call.lineno))
            return
        if method in ("execute", "exec_driver_sql") and receiver is not None:
            self.sql(call, scope, conditional)
            return
        if isinstance(receiver, ast.Name) and receiver.id == "op":
            self.op(call, method, scope, conditional, None)
            return
        if isinstance(receiver, ast.Name) and receiver.id in batch:
            self.op(call, method, scope, conditional, batch[receiver.id])
            return
        if method in ("create", "drop") and receiver is not None and (
            self.schema_object(receiver)
            or isinstance(receiver, ast.Name) and scope.get(receiver.id, self.constants.get(receiver.id)) is _SCHEMA_OBJECT
        ):
            return  # `some_enum.create(op.get_bind())`: a type or a sequence, not a table
        if isinstance(func, ast.Name) and func.id in self.functions:
            self.inline(call, self.functions[func.id], scope, conditional, batch)
            return
        if not statement:
            return  # a call inside an expression: only its own op.* / execute calls count (walked separately)
        root = _root(func)
        if isinstance(func, ast.Name) and func.id in _HARMLESS_FUNCTIONS or root in _HARMLESS_ROOTS or method in _DATA_METHODS:
            return
        if isinstance(func, ast.Name) and func.id in scope:
            # A function held in a local variable or parameter (a dispatch
            # table of row fixers): only the tables it is given may change.
            for table in (a.value for a in subtree(call) if isinstance(a, ast.Constant) and isinstance(a.value, str) and _IDENT.fullmatch(a.value)):
                self.uncertain(table, call.lineno)
            return
        # A function ormlint cannot see into. A method of some object that is
        # given no database handle (a Redis client, a search index) cannot
        # change the schema; anything else may change the tables it names, or
        # any table when it names none.
        handles = any(isinstance(n, ast.Name) and (n.id == "op" or n.id in _HANDLE_NAMES) for n in subtree(call))
        if isinstance(func, ast.Attribute) and not handles:
            return
        named = [a.value for a in subtree(call) if isinstance(a, ast.Constant) and isinstance(a.value, str) and _IDENT.fullmatch(a.value)]
        if named:
            for table in named:
                self.uncertain(table, call.lineno)
        else:
            self.uncertain(ANY_TABLE, call.lineno)

    def inline(self, call: ast.Call, function: ast.AST, scope: dict[str, object], conditional: bool, batch: dict[str, tuple[str, Optional[str]]]) -> None:
        assert isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        if self.depth >= 8 or function.name in ("upgrade", "downgrade") or function.name in self.stack:
            self.uncertain(ANY_TABLE, call.lineno)
            return
        params = [a.arg for a in function.args.posonlyargs + function.args.args]
        inner: dict[str, object] = {name: _UNSET for name in params + [a.arg for a in function.args.kwonlyargs]}
        for name, default in zip(reversed(params), reversed(function.args.defaults)):
            inner[name] = _literal(default) if _literal(default) is not None else _UNSET
        for name, argument in zip(params, call.args):
            value = _literal(argument)
            if value is None and isinstance(argument, ast.Name):
                value = scope.get(argument.id, self.constants.get(argument.id))
            inner[name] = value if value is not None else _UNSET
        for keyword in call.keywords:
            if keyword.arg is not None:
                value = _literal(keyword.value)
                inner[keyword.arg] = value if value is not None else _UNSET
        if len(call.args) > len(params) or any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            self.uncertain(ANY_TABLE, call.lineno)
            return
        self.depth += 1
        self.stack.append(function.name)
        try:
            self.body(function.body, inner, conditional, batch)
        finally:
            self.depth -= 1
            self.stack.pop()

    # -- op.* -----------------------------------------------------------
    def op(self, call: ast.Call, method: str, scope: dict[str, object], conditional: bool, batch: Optional[tuple[str, Optional[str]]]) -> None:
        start = len(self.ops)
        try:
            self._op(call, method, scope, batch)
        except _Unknown:
            del self.ops[start:]
            table = batch[0] if batch else _literal_table(method, call)
            self.uncertain(table or ANY_TABLE, call.lineno, _scope_of(method, call))
            return
        if conditional:
            added = self.ops[start:]
            del self.ops[start:]
            self._conditional(added, call.lineno)

    def _conditional(self, added: list[MigrationOp], line: int) -> None:
        """Operations that may or may not run: what they touch becomes uncertain."""
        for op in added:
            what = ""
            if op.kind in ("index", "drop_index", "fk", "drop_constraint", "primary_key"):
                what = "constraints"
            elif op.kind == "alter_column" and not op.other and op.nullable_known and op.nullable is None:
                what = "type"
            elif op.kind == "uncertain":
                what = op.other
            # A conditional index keeps its columns: it may exist, which is
            # enough for the rules that stay silent on a column it may serve.
            self.ops.append(MigrationOp("uncertain", op.table, line, other=what, names=op.names if op.kind == "index" else ()))
            if op.kind == "rename_table":
                self.uncertain(op.other, line)

    def _table_arg(self, call: ast.Call, position: int, keyword: str, scope: dict[str, object]) -> str:
        node = call.args[position] if len(call.args) > position else _keyword(call, keyword)
        table = self.string(node, scope)
        if table is None:
            raise _Unknown()
        return table

    def _op(self, call: ast.Call, method: str, scope: dict[str, object], batch: Optional[tuple[str, Optional[str]]]) -> None:
        line = call.lineno
        schema = self.string(_keyword(call, "schema"), scope) if batch is None else batch[1]
        # Arguments after the table (batch ops have no table argument).
        shift = 0 if batch is not None else 1
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            raise _Unknown()
        if method == "create_table" and batch is None:
            table = self._table_arg(call, 0, "table_name", scope)
            self.create_table(table, schema, call.args[1:], scope, line)
        elif method == "drop_table" and batch is None:
            self.ops.append(MigrationOp("drop_table", self._table_arg(call, 0, "table_name", scope), line, schema))
        elif method == "rename_table" and batch is None:
            old = self._table_arg(call, 0, "old_table_name", scope)
            new = self._table_arg(call, 1, "new_table_name", scope)
            self.ops.append(MigrationOp("rename_table", old, line, schema, other=new))
        elif method == "add_column":
            table = batch[0] if batch else self._table_arg(call, 0, "table_name", scope)
            node = call.args[shift] if len(call.args) > shift else _keyword(call, "column")
            column = self.column(node, scope)
            if column is None:
                raise _Unknown()
            self.ops.append(MigrationOp("add_column", table, line, schema, columns=(column,)))
        elif method == "drop_column":
            table = batch[0] if batch else self._table_arg(call, 0, "table_name", scope)
            name = self.string(call.args[shift] if len(call.args) > shift else _keyword(call, "column_name"), scope)
            if name is None:
                raise _Unknown()
            self.ops.append(MigrationOp("drop_column", table, line, schema, names=(name,)))
        elif method == "alter_column":
            table = batch[0] if batch else self._table_arg(call, 0, "table_name", scope)
            name = self.string(call.args[shift] if len(call.args) > shift else _keyword(call, "column_name"), scope)
            if name is None:
                raise _Unknown()
            new_name = self.string(_keyword(call, "new_column_name"), scope) or ""
            nullable_node = _keyword(call, "nullable")
            nullable: Optional[bool] = None
            nullable_known = nullable_node is None
            if isinstance(nullable_node, ast.Constant) and isinstance(nullable_node.value, bool):
                nullable, nullable_known = nullable_node.value, True
            type_node = _keyword(call, "type_")
            existing_node = _keyword(call, "existing_type") if type_node is None else None
            self.ops.append(MigrationOp("alter_column", table, line, schema, names=(name,), other=new_name,
                                        type=to_expr(type_node) if type_node is not None else None,
                                        nullable=nullable, nullable_known=nullable_known,
                                        existing_type=to_expr(existing_node) if existing_node is not None else None))
        elif method == "create_index":
            name = self.string(call.args[0] if call.args else _keyword(call, "index_name"), scope)
            table = batch[0] if batch else self._table_arg(call, 1, "table_name", scope)
            columns, partial = self.strings(call.args[1 + shift] if len(call.args) > 1 + shift else _keyword(call, "columns"), scope)
            unique = _literal(_keyword(call, "unique")) is True
            qualified = any(k.arg and k.arg.endswith("_where") for k in call.keywords)
            self.ops.append(MigrationOp("index", table, line, schema, names=columns, name=name, unique=unique,
                                        partial=partial or qualified))
        elif method == "drop_index":
            name = self.string(call.args[0] if call.args else _keyword(call, "index_name"), scope)
            if batch:
                table = batch[0]
            else:
                node = call.args[1] if len(call.args) > 1 else _keyword(call, "table_name")
                table = self.string(node, scope) or ANY_TABLE
            self.ops.append(MigrationOp("drop_index", table, line, schema, name=name))
        elif method in ("create_unique_constraint", "create_primary_key"):
            name = self.string(call.args[0] if call.args else _keyword(call, "constraint_name"), scope)
            table = batch[0] if batch else self._table_arg(call, 1, "table_name", scope)
            columns, partial = self.strings(call.args[1 + shift] if len(call.args) > 1 + shift else _keyword(call, "columns"), scope)
            kind = "index" if method == "create_unique_constraint" else "primary_key"
            self.ops.append(MigrationOp(kind, table, line, schema, names=columns, name=name, unique=True, partial=partial))
        elif method == "create_foreign_key":
            name = self.string(call.args[0] if call.args else _keyword(call, "constraint_name"), scope)
            if batch:
                table = batch[0]
                referent = self._table_arg(call, 1, "referent_table", scope)
                local_node = call.args[2] if len(call.args) > 2 else _keyword(call, "local_cols")
            else:
                table = self._table_arg(call, 1, "source_table", scope)
                referent = self._table_arg(call, 2, "referent_table", scope)
                local_node = call.args[3] if len(call.args) > 3 else _keyword(call, "local_cols")
                schema = self.string(_keyword(call, "source_schema"), scope)
            columns, partial = self.strings(local_node, scope)
            self.ops.append(MigrationOp("fk", table, line, schema, names=columns, other=referent.lower(), name=name, partial=partial))
        elif method == "drop_constraint":
            name = self.string(call.args[0] if call.args else _keyword(call, "constraint_name"), scope)
            table = batch[0] if batch else self._table_arg(call, 1, "table_name", scope)
            dropped = _keyword(call, "type_")  # what it drops, when written out ("foreignkey", "unique"...)
            other = dropped.value.lower() if isinstance(dropped, ast.Constant) and isinstance(dropped.value, str) else ""
            self.ops.append(MigrationOp("drop_constraint", table, line, schema, name=name, other=other))
        elif method in _HARMLESS_OPS:
            return
        else:
            # An op ormlint does not model (a custom operation plugin).
            raise _Unknown()

    def create_table(self, table: str, schema: Optional[str], items: list[ast.expr], scope: dict[str, object], line: int) -> None:
        columns: list[MigrationColumn] = []
        extra: list[MigrationOp] = []
        primary: tuple[str, ...] = ()
        uncertain = False
        for item in items:
            try:
                uncertain = self._table_item(table, schema, item, scope, columns, extra) or uncertain
            except _Unknown:
                uncertain = True
            if isinstance(item, ast.Call) and _last(item.func) == "PrimaryKeyConstraint":
                try:
                    primary, partial = self.strings(ast.List(elts=list(item.args)), scope)
                except _Unknown:
                    primary, partial = (), True
                uncertain = uncertain or partial
        self.ops.append(MigrationOp("create_table", table, line, schema, columns=tuple(columns), names=primary))
        self.ops.extend(extra)
        if uncertain:
            self.uncertain(table, line)

    def _table_item(self, table: str, schema: Optional[str], item: ast.expr, scope: dict[str, object],
                    columns: list[MigrationColumn], extra: list[MigrationOp]) -> bool:
        """Read one argument of `op.create_table`; True when it cannot be read."""
        uncertain = False
        kind = _last(item.func) if isinstance(item, ast.Call) else None
        if kind == "Column":
            column = self.column(item, scope)
            if column is None:
                uncertain = True
            else:
                columns.append(column)
            return uncertain
        if not isinstance(item, ast.Call) or kind is None:
            return True
        try:
            name = self.string(_keyword(item, "name"), scope)
        except _Unknown:
            name = None
        if kind == "PrimaryKeyConstraint":
            pass
        elif kind == "UniqueConstraint":
            names, partial = self.strings(ast.List(elts=list(item.args)), scope)
            extra.append(MigrationOp("index", table, item.lineno, schema, names=names, name=name, unique=True, partial=partial))
        elif kind == "Index":
            index_name = self.string(item.args[0], scope) if item.args else None
            names, partial = self.strings(ast.List(elts=list(item.args[1:])), scope)
            unique = _literal(_keyword(item, "unique")) is True
            qualified = any(k.arg and k.arg.endswith("_where") for k in item.keywords)
            extra.append(MigrationOp("index", table, item.lineno, schema, names=names, name=index_name, unique=unique,
                                     partial=partial or qualified))
        elif kind == "ForeignKeyConstraint":
            local, partial = self.strings(item.args[0] if item.args else _keyword(item, "columns"), scope)
            remote, _ = self.strings(item.args[1] if len(item.args) > 1 else _keyword(item, "refcolumns"), scope)
            referent = _fk_table(remote[0]) if remote else None
            if referent is None:
                uncertain = True
            else:
                extra.append(MigrationOp("fk", table, item.lineno, schema, names=local, other=referent, name=name, partial=partial))
        elif kind in ("CheckConstraint",):
            pass
        else:
            uncertain = True
        return uncertain

    def column(self, node: Optional[ast.AST], scope: dict[str, object]) -> Optional[MigrationColumn]:
        if not isinstance(node, ast.Call) or _last(node.func) != "Column":
            return None
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            return None
        args = list(node.args)
        try:
            name = self.string(args[0], scope) if args else self.string(_keyword(node, "name"), scope)
        except _Unknown:
            return None
        if name is None:
            return None
        type_node: Optional[ast.AST] = _keyword(node, "type_")
        foreign: list[str] = []
        for arg in args[1:]:
            kind = _last(arg.func) if isinstance(arg, ast.Call) else None
            if kind == "ForeignKey" and isinstance(arg, ast.Call):
                try:
                    target = self.string(arg.args[0] if arg.args else _keyword(arg, "column"), scope)
                except _Unknown:
                    return None
                table = _fk_table(target) if target else None
                if table is None:
                    return None
                foreign.append(table)
            elif kind in _COLUMN_EXTRAS:
                continue
            elif type_node is None:
                type_node = arg
        flags = {k.arg: _literal(k.value) for k in node.keywords if k.arg}
        nullable_node = _keyword(node, "nullable")
        nullable_known = nullable_node is None or isinstance(flags.get("nullable"), bool)
        return MigrationColumn(
            name=name,
            type=to_expr(type_node) if type_node is not None else None,
            nullable=flags["nullable"] if isinstance(flags.get("nullable"), bool) else None,  # type: ignore[arg-type]
            nullable_known=nullable_known,
            primary_key=flags.get("primary_key") is True,
            unique=flags.get("unique") is True,
            index=flags.get("index") is True,
            foreign_keys=tuple(foreign),
            line=node.lineno,
        )

    # -- literal SQL ------------------------------------------------------
    def sql(self, call: ast.Call, scope: dict[str, object], conditional: bool) -> None:
        if not call.args:
            return
        argument = call.args[0]
        if isinstance(argument, ast.Call) and _last(argument.func) in _NO_TABLE_DDL:
            return  # `op.execute(CreateSequence(Sequence("job_id_seq")))`
        text = _sql_text(argument, scope, self.constants)
        inner = _unwrap(argument)
        if isinstance(inner, ast.Name) and scope.get(inner.id, self.constants.get(inner.id)) is _DATA:
            return
        if text is None:
            if _data_chain(argument):
                return
            fragments = _fragments(argument)
            if fragments is not None and not _DDL.search(" ".join(fragments)):
                return  # an f-string or concatenation moving rows
            self.uncertain(ANY_TABLE, call.lineno)
            return
        start = len(self.ops)
        for op in sql_operations(text, call.lineno):
            self.ops.append(op)
        if conditional:
            added = self.ops[start:]
            del self.ops[start:]
            self._conditional(added, call.lineno)


# `op.<name>(...)`: the position and keyword of the table argument.
_TABLE_POSITION = {
    "create_table": (0, "table_name"), "drop_table": (0, "table_name"), "add_column": (0, "table_name"),
    "drop_column": (0, "table_name"), "alter_column": (0, "table_name"), "create_index": (1, "table_name"),
    "drop_index": (1, "table_name"), "create_unique_constraint": (1, "table_name"), "create_primary_key": (1, "table_name"),
    "create_foreign_key": (1, "source_table"), "drop_constraint": (1, "table_name"),
}


def _literal_table(method: str, call: ast.Call) -> Optional[str]:
    """The literal table an op names, when only its other arguments are unknown."""
    where = _TABLE_POSITION.get(method)
    if where is None:
        return None
    node = call.args[where[0]] if len(call.args) > where[0] and not any(isinstance(a, ast.Starred) for a in call.args[:where[0] + 1]) else _keyword(call, where[1])
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _scope_of(method: str, call: ast.Call) -> str:
    """What an op whose table cannot be known may change."""
    if method in ("create_index", "drop_index", "create_unique_constraint", "create_foreign_key", "drop_constraint",
                  "create_primary_key"):
        return "constraints"
    if method == "alter_column" and not any(k.arg in ("new_column_name", "nullable") for k in call.keywords):
        return "type"
    if method in _HARMLESS_OPS:
        return "constraints"
    return ""


# Names that usually hold a database connection or session.
_HANDLE_NAMES = frozenset({"conn", "connection", "bind", "session", "engine", "connectable", "db", "cursor", "cur", "sess"})
_UNSET = object()
_DATA = object()  # a variable holding a row-moving statement
_SCHEMA_OBJECT = object()  # a variable holding a type or a sequence: its create() and drop() leave the tables alone

# DDL elements that create or drop no table and no column.
_NO_TABLE_DDL = frozenset({"CreateSequence", "DropSequence", "CreateSchema"})

# Schema objects that are not tables, whose `create(bind)` and `drop(bind)` a
# revision calls itself (`sa.Enum(..., name="plan").create(op.get_bind())`).
_SCHEMA_OBJECTS = frozenset({"Enum", "ENUM", "Sequence", "DOMAIN"})


def _is_schema_object(node: Optional[ast.AST]) -> bool:
    """`sa.Enum(...)`, `postgresql.ENUM(...)`, `sa.Sequence(...)`: a call building one."""
    return isinstance(node, ast.Call) and _last(node.func) in _SCHEMA_OBJECTS


def _returns_schema_object(function: ast.AST) -> bool:
    """Whether every `return` of the function (one at least) gives a new type or sequence."""
    returns = [node for node in subtree(function) if isinstance(node, ast.Return)]
    return bool(returns) and all(_is_schema_object(node.value) for node in returns)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _keyword(call: ast.Call, name: str) -> Optional[ast.expr]:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _literal(node: Optional[ast.AST]) -> object:
    """A constant, or a tuple of constants; None otherwise."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [_literal(e) for e in node.elts]
        if all(isinstance(v, (str, int, bool)) for v in values):
            return tuple(values)
    return None


class _Rows(tuple):  # type: ignore[type-arg]
    """A literal list of literal tuples, `[("server", "CREATE INDEX ..."), ...]`:
    what a loop with a tuple target (`for table, sql in ...`) can be unrolled over."""


def _literal_rows(node: Optional[ast.AST]) -> Optional[_Rows]:
    if not isinstance(node, (ast.List, ast.Tuple)) or not node.elts:
        return None
    rows = [_literal(e) if isinstance(e, (ast.List, ast.Tuple)) else None for e in node.elts]
    if all(isinstance(row, tuple) for row in rows):
        return _Rows(rows)
    return None


def _loop_bindings(target: ast.AST, values: object) -> Optional[list[dict[str, object]]]:
    """The names a loop binds on each pass over a literal sequence of at most 50
    items (one name, or a tuple of names over rows of that length); None when
    the loop cannot be unrolled."""
    if not isinstance(values, tuple) or len(values) > 50:
        return None
    if isinstance(target, ast.Name):
        return [{target.id: value} for value in values]
    if isinstance(values, _Rows) and isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
        names = [e.id for e in target.elts]  # type: ignore[attr-defined]
        if all(isinstance(row, tuple) and len(row) == len(names) for row in values):
            return [dict(zip(names, row)) for row in values]
    return None


def _unset_targets(target: ast.AST) -> dict[str, object]:
    return {n.id: _UNSET for n in subtree(target) if isinstance(n, ast.Name)}


def _fk_table(target: str) -> Optional[str]:
    """`users.id` -> `users`; `auth.users.id` -> `users`."""
    parts = target.split(".")
    if len(parts) < 2:
        return None
    return parts[-2].strip('"').lower()


def _sql_text(node: ast.AST, scope: dict[str, object], constants: dict[str, object]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        value = scope.get(node.id, constants.get(node.id))
        return value if isinstance(value, str) else None
    if isinstance(node, ast.JoinedStr):
        # `f'ALTER TABLE "{table}" ...'` in a loop over literal table names: known on each pass.
        parts: list[str] = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.format_spec is not None or part.conversion not in (-1, ord("s")):
                    return None
                part = part.value
            text = _sql_text(part, scope, constants) if isinstance(part, (ast.Constant, ast.Name)) else None
            if text is None:
                return None
            parts.append(text)
        return "".join(parts)
    if isinstance(node, ast.Call) and _last(node.func) in ("text", "DDL", "dedent", "strip") and node.args:
        return _sql_text(node.args[0], scope, constants)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "strip" and not node.args:
        return _sql_text(node.func.value, scope, constants)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("bindparams", "columns", "execution_options"):
        return _sql_text(node.func.value, scope, constants)
    return None


def _fragments(node: ast.AST) -> Optional[list[str]]:
    """The literal parts of an f-string / `+` / `%` / `.format()` SQL string."""
    if isinstance(node, ast.Call):
        if _last(node.func) in ("text", "DDL", "dedent") and node.args:
            return _fragments(node.args[0])
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "bindparams", "columns", "execution_options"):
            return _fragments(node.func.value)
        return None
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    if isinstance(node, ast.BinOp):
        left, right = _fragments(node.left), _fragments(node.right)
        if isinstance(node.op, ast.Mod):
            return left
        if left is None or right is None:
            return None
        return left + right
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    return None


def _unwrap(node: ast.AST) -> ast.AST:
    """The SQL inside `text(...)`, `dedent(...)`, `text(...).bindparams(...)`."""
    for _ in range(10):
        if isinstance(node, ast.Call) and _last(node.func) in ("text", "DDL", "dedent") and node.args:
            node = node.args[0]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("bindparams", "columns", "execution_options", "strip"):
            node = node.func.value
        else:
            break
    return node


def _data_chain(node: ast.AST) -> bool:
    """`t.select().where(...).limit(1)`, `sa.update(t).values(...)`: a statement moving rows."""
    for _ in range(30):
        if isinstance(node, ast.Call):
            if _last(node.func) in _DATA_STATEMENTS:
                return True
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return False
    return False


def _is_data(node: Optional[ast.AST]) -> bool:
    """A statement builder moving rows (`t.update().where(...)`, `sa.select(...)`),
    or a string built without any DDL keyword."""
    if node is not None and _data_chain(node):
        return True
    if isinstance(node, (ast.JoinedStr, ast.BinOp, ast.Call)):
        fragments = _fragments(node)
        return fragments is not None and not _DDL.search(" ".join(fragments))
    return False


# -- SQL ------------------------------------------------------------------------
_DDL = re.compile(r"\b(CREATE|ALTER|DROP|RENAME)\b", re.IGNORECASE)
_Q = r'[`"\[]?'
_QE = r'[`"\]]?'
_NAME = rf"{_Q}([A-Za-z_][\w$]*){_QE}"
_QUALIFIED = rf"(?:{_Q}[A-Za-z_][\w$]*{_QE}\.)?{_NAME}"
_CREATE_TABLE = re.compile(rf"^CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_QUALIFIED}\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)
_DROP_TABLE = re.compile(rf"^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?({_QUALIFIED}(?:\s*,\s*{_QUALIFIED})*)(?:\s+CASCADE|\s+RESTRICT)?\s*$", re.IGNORECASE)
_ALTER_TABLE = re.compile(rf"^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{_QUALIFIED}\s+(.*)$", re.IGNORECASE | re.DOTALL)
_CREATE_INDEX = re.compile(
    rf"^CREATE\s+(UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:{_QUALIFIED}\s+)?ON\s+(?:ONLY\s+)?{_QUALIFIED}"
    rf"\s*(?:USING\s+\w+\s*)?\((.*?)\)\s*(.*)$", re.IGNORECASE | re.DOTALL)
_DROP_INDEX = re.compile(rf"^DROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?{_QUALIFIED}(?:\s+ON\s+{_QUALIFIED})?(?:\s+CASCADE)?\s*$", re.IGNORECASE)
# Statements that never change tables or columns.
_IGNORED_SQL = re.compile(
    r"^(INSERT|UPDATE|DELETE|SELECT|WITH|COMMENT\s+ON|GRANT|REVOKE|SET|RESET|SHOW|VACUUM|ANALYZE|REFRESH|LOCK|COMMIT|BEGIN|"
    r"PRAGMA|CREATE\s+(OR\s+REPLACE\s+)?(EXTENSION|TYPE|SEQUENCE|FUNCTION|PROCEDURE|TRIGGER|(MATERIALIZED\s+)?VIEW|SCHEMA|ROLE|POLICY|RULE|"
    r"COLLATION|DOMAIN|AGGREGATE|STATISTICS)|"
    r"DROP\s+(EXTENSION|TYPE|SEQUENCE|FUNCTION|PROCEDURE|TRIGGER|(MATERIALIZED\s+)?VIEW|SCHEMA|ROLE|POLICY|RULE|DOMAIN)|"
    r"ALTER\s+(TYPE|SEQUENCE|FUNCTION|SCHEMA|ROLE|DATABASE|EXTENSION|DOMAIN|(MATERIALIZED\s+)?VIEW)|DO\s|TRUNCATE|"
    r"ALTER\s+TABLE\s+\S+\s+(ENABLE|DISABLE|OWNER|SET\s+\())",
    re.IGNORECASE)
_ALTER_INDEX = re.compile(r"^ALTER\s+INDEX\s", re.IGNORECASE)
_CONSTRAINT_START = re.compile(r"^(CONSTRAINT\s+\S+\s+)?(PRIMARY\s+KEY|UNIQUE|FOREIGN\s+KEY|CHECK|EXCLUDE|INDEX|KEY)\b", re.IGNORECASE)
_REFERENCES = re.compile(rf"\bREFERENCES\s+{_QUALIFIED}", re.IGNORECASE)
_SQL_TABLE = re.compile(r"\b(?:TABLE|INTO|UPDATE|FROM|JOIN|ON)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:ONLY\s+)?[\"`]?(?:\w+[\"`]?\.[\"`]?)?(\w+)", re.IGNORECASE)


def _split_top(text: str, separator: str = ",") -> list[str]:
    parts: list[str] = []
    depth = 0
    quote: Optional[str] = None
    current: list[str] = []
    for char in text:
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    tail = "".join(current).strip()
    if tail:
        parts.append(tail)
    return parts


def _balanced(text: str) -> bool:
    depth = 0
    quote: Optional[str] = None
    for char in text:
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _strip_comments(sql: str) -> str:
    sql = re.sub(r"--[^\n]*", " ", sql)
    return re.sub(r"/\*.*?\*/", " ", sql, flags=re.DOTALL)


def _sql_names(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip('`"[]') for part in _split_top(text))


_SQL_COLUMN = re.compile(rf"^{_NAME}\s+(.*)$", re.DOTALL)
_SQL_TYPE = re.compile(r"^((?:DOUBLE\s+PRECISION|CHARACTER\s+VARYING|TIMESTAMP\s+WITH(?:OUT)?\s+TIME\s+ZONE|TIME\s+WITH(?:OUT)?\s+TIME\s+ZONE|[A-Za-z_][\w.]*))", re.IGNORECASE)


def _sql_column(definition: str, line: int) -> Optional[MigrationColumn]:
    match = _SQL_COLUMN.match(definition.strip())
    if match is None:
        return None
    name, rest = match.group(1), match.group(2)
    type_match = _SQL_TYPE.match(rest.strip())
    upper = rest.upper()
    primary = "PRIMARY KEY" in upper
    nullable: Optional[bool] = False if ("NOT NULL" in upper or primary) else None
    references = [m.group(1).lower() for m in _REFERENCES.finditer(rest)]
    return MigrationColumn(name=name, type=None, sql_type=type_match.group(1).upper() if type_match else None,
                           nullable=nullable, primary_key=primary, unique=bool(re.search(r"\bUNIQUE\b", upper)),
                           foreign_keys=tuple(references), line=line)


def sql_operations(text: str, line: int) -> Iterator[MigrationOp]:
    """The operations of literal SQL; statements it cannot read make the
    tables they mention uncertain (every table when it names none)."""
    for statement in _split_top(_strip_comments(text), ";"):
        statement = " ".join(statement.split()) if "(" not in statement else statement.strip()
        if not statement:
            continue
        yield from _sql_statement(statement, line)


def _sql_statement(statement: str, line: int) -> Iterator[MigrationOp]:
    flat = " ".join(statement.split())
    match = _CREATE_TABLE.match(statement)
    if match:
        table = match.group(1)
        columns: list[MigrationColumn] = []
        extra: list[MigrationOp] = []
        primary: tuple[str, ...] = ()
        uncertain = False
        body = match.group(2)
        if not _balanced(body):
            # `CREATE TABLE t (...) INHERITS (p)`, `... PARTITION BY RANGE (x)`: more than a column list.
            yield MigrationOp("create_table", table, line)
            yield MigrationOp("uncertain", table, line)
            return
        for part in _split_top(body):
            if re.match(r"^(LIKE|INHERITS)\b", part, re.IGNORECASE):
                uncertain = True
                continue
            constraint = _CONSTRAINT_START.match(part)
            if constraint:
                kind = constraint.group(2).upper()
                inner = re.search(r"\((.*?)\)", part)
                names = _sql_names(inner.group(1)) if inner else ()
                if kind.startswith("PRIMARY"):
                    primary = names
                elif kind == "UNIQUE":
                    extra.append(MigrationOp("index", table, line, names=names, unique=True))
                elif kind.startswith("FOREIGN"):
                    ref = _REFERENCES.search(part)
                    if ref is None:
                        uncertain = True
                    else:
                        extra.append(MigrationOp("fk", table, line, names=names, other=ref.group(1).lower()))
                elif kind != "CHECK":
                    uncertain = True
                continue
            column = _sql_column(part, line)
            if column is None:
                uncertain = True
            else:
                columns.append(column)
        yield MigrationOp("create_table", table, line, columns=tuple(columns), names=primary)
        yield from extra
        if uncertain:
            yield MigrationOp("uncertain", table, line)
        return
    match = _DROP_TABLE.match(flat)
    if match:
        for part in _split_top(match.group(1)):
            yield MigrationOp("drop_table", part.split(".")[-1].strip('`"[]'), line)
        return
    match = _CREATE_INDEX.match(statement)
    if match:
        unique, name, table, columns_text, tail = match.group(1), match.group(2), match.group(3), match.group(4), match.group(5)
        names = _sql_names(columns_text)
        plain = all(_IDENT.fullmatch(n) for n in names)
        yield MigrationOp("index", table, line, names=tuple(n for n in names if _IDENT.fullmatch(n)), name=name,
                          unique=bool(unique), partial=not plain or "WHERE" in tail.upper())
        return
    match = _DROP_INDEX.match(flat)
    if match:
        yield MigrationOp("drop_index", match.group(2) or ANY_TABLE, line, name=match.group(1))
        return
    if _IGNORED_SQL.match(flat):
        return
    if _ALTER_INDEX.match(flat):
        # `ALTER INDEX ix RENAME TO ix_old`: some table's index, which one is not said.
        yield MigrationOp("uncertain", ANY_TABLE, line, other="constraints")
        return
    match = _ALTER_TABLE.match(statement)
    if match:
        table = match.group(1)
        parsed = list(_alter_clauses(table, match.group(2), line))
        if parsed and all(op is not None for op in parsed):
            # Every clause understood; `ALTER col SET DEFAULT 0` alone changes nothing ormlint compares.
            yield from (op for op in parsed if op is not None and op is not _NO_CHANGE)
        else:
            yield MigrationOp("uncertain", table, line)
        return
    tables = _SQL_TABLE.findall(flat)
    if not _DDL.search(flat):
        return  # no schema change at all
    if tables:
        for table in tables:
            yield MigrationOp("uncertain", table, line)
    else:
        yield MigrationOp("uncertain", ANY_TABLE, line)


def _alter_clauses(table: str, text: str, line: int) -> Iterator[Optional[MigrationOp]]:
    for clause in _split_top(text):
        flat = " ".join(clause.split())
        add = re.match(r"^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(.*)$", flat, re.IGNORECASE | re.DOTALL)
        if add and not _CONSTRAINT_START.match(add.group(1)):
            column = _sql_column(add.group(1), line)
            yield MigrationOp("add_column", table, line, columns=(column,)) if column else None
            continue
        constraint = re.match(rf"^ADD\s+(?:CONSTRAINT\s+{_NAME}\s+)?(UNIQUE|PRIMARY\s+KEY|FOREIGN\s+KEY)\s*\(([^)]*)\)(.*)$", flat, re.IGNORECASE)
        if constraint:
            name, kind, names = constraint.group(1), constraint.group(2).upper(), _sql_names(constraint.group(3))
            if kind == "UNIQUE":
                yield MigrationOp("index", table, line, names=names, name=name, unique=True)
            elif kind.startswith("PRIMARY"):
                yield MigrationOp("primary_key", table, line, names=names, name=name, unique=True)
            else:
                ref = _REFERENCES.search(constraint.group(4))
                yield MigrationOp("fk", table, line, names=names, other=ref.group(1).lower(), name=name) if ref else None
            continue
        drop_constraint = re.match(rf"^DROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?{_NAME}(?:\s+CASCADE)?$", flat, re.IGNORECASE)
        if drop_constraint:
            yield MigrationOp("drop_constraint", table, line, name=drop_constraint.group(1))
            continue
        drop = re.match(rf"^DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?{_NAME}(?:\s+CASCADE)?$", flat, re.IGNORECASE)
        if drop and drop.group(1).upper() not in ("CONSTRAINT", "INDEX"):
            yield MigrationOp("drop_column", table, line, names=(drop.group(1),))
            continue
        rename = re.match(rf"^RENAME\s+(?:COLUMN\s+)?{_NAME}\s+TO\s+{_NAME}$", flat, re.IGNORECASE)
        if rename and rename.group(1).upper() != "TO":
            yield MigrationOp("alter_column", table, line, names=(rename.group(1),), other=rename.group(2), nullable_known=True)
            continue
        rename_table = re.match(rf"^RENAME\s+TO\s+{_NAME}$", flat, re.IGNORECASE)
        if rename_table:
            yield MigrationOp("rename_table", table, line, other=rename_table.group(1))
            continue
        null = re.match(rf"^ALTER\s+(?:COLUMN\s+)?{_NAME}\s+(SET|DROP)\s+NOT\s+NULL$", flat, re.IGNORECASE)
        if null:
            yield MigrationOp("alter_column", table, line, names=(null.group(1),), nullable=null.group(2).upper() == "DROP",
                              nullable_known=True)
            continue
        retype = re.match(rf"^ALTER\s+(?:COLUMN\s+)?{_NAME}\s+(?:SET\s+DATA\s+)?TYPE\s+(.*)$", flat, re.IGNORECASE)
        if retype:
            type_match = _SQL_TYPE.match(retype.group(2))
            yield MigrationOp("alter_column", table, line, names=(retype.group(1),), nullable_known=True,
                              sql_type=type_match.group(1).upper() if type_match else "?")
            continue
        # A default, statistics, storage: nothing ormlint compares changes.
        default = re.match(rf"^ALTER\s+(?:COLUMN\s+)?{_NAME}\s+(SET\s+(DEFAULT|STATISTICS|STORAGE|COMPRESSION)|DROP\s+DEFAULT)", flat, re.IGNORECASE)
        if default:
            yield _NO_CHANGE
            continue
        yield None


# A clause of `ALTER TABLE` understood to change nothing ormlint compares (a column's default).
_NO_CHANGE = MigrationOp("uncertain", ANY_TABLE, 0)


def extract_migration_ops(tree: ast.Module) -> tuple[MigrationOp, ...]:
    """The schema changes of a revision's `upgrade()` (module-level op calls too)."""
    reader = _Reader(tree)
    upgrade = reader.functions.get("upgrade")
    module_level = [s for s in tree.body if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)]
    for stmt in module_level:
        reader.statement(stmt, {}, False, {})
    if upgrade is not None:
        reader.body(upgrade.body, {}, False, {})
    return tuple(reader.ops)
