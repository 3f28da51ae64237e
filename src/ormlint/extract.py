"""Turn one parsed file into its `ModuleFacts` (no project knowledge needed)."""

from __future__ import annotations

import ast
import re
from typing import Iterable, Optional

from ormlint.ast_walk import subtree
from ormlint.comment_facts import no_foreign_key_lines
from ormlint.dialects import databases_in_urls
from ormlint.expr import Call, Expr, Name, annotation_to_expr, dotted_name, parse_evaluated_strings, span_of, to_expr
from ormlint.query_extract import extract_queries
from ormlint.session_extract import extract_sessions
from ormlint.usage_extract import extract_usage
from ormlint.migration_extract import extract_migration_ops
from ormlint.facts import AssignFact, ClassFact, FunctionFact, ImportFact, MigrationIndex, ModuleFacts
from ormlint.test_paths import is_test_path


def resolve_relative(module: str, is_package: bool, level: int, target: Optional[str]) -> str:
    """Absolute module name of `from <level dots><target> import ...`."""
    if level == 0:
        return target or ""
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    if target:
        parts.append(target)
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_statements(body: Iterable[ast.stmt], conditional: bool = False) -> list[tuple[ast.stmt, bool]]:
    """Module statements, looking through `if`/`try`/`with`/`match` blocks.

    Classes under `if TYPE_CHECKING:` never run: they are skipped (imports
    there still count, for string annotations)."""
    found: list[tuple[ast.stmt, bool]] = []
    _collect_statements(body, conditional, found)
    return found


# `try:` statements (`try`/`except*` is a kind of its own from Python 3.11).
_TRY_KINDS = frozenset({ast.Try, getattr(ast, "TryStar", ast.Try)})
_WITH_KINDS = frozenset({ast.With, ast.AsyncWith})
_MATCH = getattr(ast, "Match", None)  # Python 3.10+


def _collect_statements(body: Iterable[ast.stmt], conditional: bool, found: list[tuple[ast.stmt, bool]]) -> None:
    """`_top_level_statements`, appended to `found` (one list rather than
    nested generators: a module's statements pass through here one by one)."""
    for stmt in body:
        kind = type(stmt)
        if kind is ast.If:
            if _is_type_checking(stmt.test):  # type: ignore[attr-defined]
                inner: list[tuple[ast.stmt, bool]] = []
                _collect_statements(stmt.body, True, inner)  # type: ignore[attr-defined]
                found.extend([(statement, True) for statement, _ in inner if type(statement) is not ast.ClassDef])
            else:
                _collect_statements(stmt.body, True, found)  # type: ignore[attr-defined]
            _collect_statements(stmt.orelse, True, found)  # type: ignore[attr-defined]
        elif kind in _TRY_KINDS:
            _collect_statements(stmt.body, conditional, found)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                _collect_statements(handler.body, True, found)
            _collect_statements(stmt.orelse, conditional, found)  # type: ignore[attr-defined]
            _collect_statements(stmt.finalbody, conditional, found)  # type: ignore[attr-defined]
        elif kind in _WITH_KINDS:
            _collect_statements(stmt.body, conditional, found)  # type: ignore[attr-defined]
        elif kind is _MATCH:
            # Each case's body runs or not, as an `if` branch's (and Python 3.9,
            # which gets `match` as nested `if`s from the libcst fallback, sees them so).
            for case in stmt.cases:  # type: ignore[attr-defined]
                _collect_statements(case.body, True, found)
        else:
            found.append((stmt, conditional))


def _assign_facts(stmt: ast.stmt, conditional: bool, allow_dotted: bool) -> list[AssignFact]:
    span = span_of(stmt)
    facts: list[AssignFact] = []
    if isinstance(stmt, ast.Assign):
        value = parse_evaluated_strings(to_expr(stmt.value)) if not allow_dotted or isinstance(stmt.targets[0], ast.Attribute) else to_expr(stmt.value)
        for target in stmt.targets:
            name = _target_name(target, allow_dotted)
            if name is not None:
                facts.append(AssignFact(name, value, None, span, conditional))
    elif isinstance(stmt, ast.AnnAssign):
        name = _target_name(stmt.target, allow_dotted)
        if name is not None:
            annotated = parse_evaluated_strings(to_expr(stmt.value)) if stmt.value is not None else None
            facts.append(AssignFact(name, annotated, annotation_to_expr(stmt.annotation), span, conditional))
    return facts


def _target_name(target: ast.expr, allow_dotted: bool) -> Optional[str]:
    if isinstance(target, ast.Name):
        return target.id
    if allow_dotted and isinstance(target, ast.Attribute):
        return dotted_name(target)  # what `to_expr(target).dotted` is when it is a Name
    return None


def _function_fact(node: ast.AST, may_call_super: bool = True) -> FunctionFact:
    """`may_call_super` False: the file never names `super` (see `_may_call_super`)."""
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]
    returns: Optional[Expr] = None
    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
        returns = parse_evaluated_strings(to_expr(body[0].value))
    args = node.args
    params = tuple([a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]])
    forwards = args.kwarg is not None and may_call_super and _only_forwards_kwargs(node, args.kwarg.arg)
    return FunctionFact(
        name=node.name,
        decorators=tuple([to_expr(d) for d in node.decorator_list]),
        span=span_of(node),
        returns=returns,
        params=params,
        has_var_kwargs=args.kwarg is not None,
        naming=_naming_shape(body),
        return_annotation=annotation_to_expr(node.returns) if node.returns is not None else None,
        forwards_kwargs=forwards,
    )


def _only_forwards_kwargs(node: ast.AST, kwargs_name: str) -> bool:
    """`def __init__(self, *args, **kwargs): super().__init__(**kwargs)`: every use
    of `kwargs` is `**kwargs` in a `super(...).__init__(...)` call."""
    forwarded: set[int] = set()
    uses: list[int] = []
    for sub in subtree(node):  # one walk for both (the order of the uses does not matter)
        kind = type(sub)
        if kind is ast.Name:
            if sub.id == kwargs_name:  # type: ignore[attr-defined]
                uses.append(id(sub))
        elif kind is ast.Call and isinstance(sub.func, ast.Attribute) and sub.func.attr == "__init__":  # type: ignore[attr-defined]
            owner = sub.func.value  # type: ignore[attr-defined]
            if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
                for keyword in sub.keywords:  # type: ignore[attr-defined]
                    if keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id == kwargs_name:
                        forwarded.add(id(keyword.value))
    return bool(forwarded) and all(use in forwarded for use in uses)


def _str_const(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _naming_shape(body: list[ast.stmt]) -> Optional[tuple[str, str, str]]:
    """Recognise the two common snake-case helpers by shape (never run them)."""
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    final = body[-1].value
    # `re.sub(P, R, x).lower()` / `compiled.sub(R, x).lower()`
    if isinstance(final, ast.Call) and isinstance(final.func, ast.Attribute) and final.func.attr == "lower":
        inner = final.func.value
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "sub":
            owner = inner.func.value
            if isinstance(owner, ast.Name) and owner.id == "re" and len(inner.args) == 3:
                pattern, repl = _str_const(inner.args[0]), _str_const(inner.args[1])
                if pattern is not None and repl is not None:
                    return ("sub", pattern, repl)
            elif isinstance(owner, ast.Name) and len(inner.args) == 2:
                repl = _str_const(inner.args[0])
                if repl is not None:
                    return ("sub", "var:" + owner.id, repl)
    # `parts = re.split(P, x)` then `return "_".join(p.lower() for p in parts if p)`
    if (
        len(body) == 2
        and isinstance(body[0], ast.Assign)
        and isinstance(body[0].value, ast.Call)
        and isinstance(body[0].value.func, ast.Attribute)
        and body[0].value.func.attr == "split"
        and isinstance(body[0].value.func.value, ast.Name)
        and body[0].value.func.value.id == "re"
        and body[0].value.args
        and isinstance(final, ast.Call)
        and isinstance(final.func, ast.Attribute)
        and final.func.attr == "join"
        and len(final.args) == 1
        and isinstance(final.args[0], (ast.GeneratorExp, ast.ListComp))
        and "lower" in ast.dump(final.args[0])
        and final.args[0].generators
        and final.args[0].generators[0].ifs
    ):
        pattern, separator = _str_const(body[0].value.args[0]), _str_const(final.func.value)
        if pattern is not None and separator is not None:
            return ("split", pattern, separator)
    return None


def _dynamic_setattr(node: ast.ClassDef, lines: Optional[list[str]]) -> tuple[bool, bool]:
    """Whether the class calls `setattr` on an instance or on a class (`self`,
    `cls`, itself, a method's first parameter), and whether on a class: the
    class itself in a classmethod, `__init_subclass__` (a classmethod whatever
    its first parameter is named) or any method of a metaclass. Attributes set
    on a class may be columns; those set on an instance are not."""
    if lines is not None:
        segment = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
        if not any("setattr" in line for line in segment):
            return False, False  # the common case, without walking the class
    metaclass = any(_names_metaclass(base) for base in node.bases)
    on_instance = False
    for function in subtree(node):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        parameters = [*function.args.posonlyargs, *function.args.args]
        first = parameters[0].arg if parameters else None
        on_class = metaclass or function.name in _IMPLICIT_CLASSMETHODS or any(
            isinstance(decorator, ast.Name) and decorator.id == "classmethod" for decorator in function.decorator_list
        )
        for sub in subtree(function):
            if not (
                isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "setattr"
                and sub.args and isinstance(sub.args[0], ast.Name)
            ):
                continue
            target = sub.args[0].id
            if target in ("cls", node.name) or (target == first and on_class):
                return True, True
            if target in ("self", first):
                on_instance = True
    return on_instance, False


# Methods Python makes classmethods without a decorator.
_IMPLICIT_CLASSMETHODS = frozenset({"__init_subclass__", "__class_getitem__"})


def _names_metaclass(base: ast.expr) -> bool:
    """`type`, `DeclarativeMeta`, `ABCMeta`: a base that makes the class a metaclass."""
    name = dotted_name(base) or ""
    last = name.rpartition(".")[2]
    return last == "type" or last.endswith("Meta")


def _class_fact(node: ast.ClassDef, conditional: bool, lines: Optional[list[str]] = None, may_call_super: bool = True) -> ClassFact:
    body: list[AssignFact] = []
    functions: list[FunctionFact] = []
    nested: list[str] = []
    for stmt, in_branch in _top_level_statements(node.body):
        kind = type(stmt)  # parsers make exact node types
        if kind is ast.Assign or kind is ast.AnnAssign:
            body.extend(_assign_facts(stmt, in_branch, allow_dotted=False))
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            functions.append(_function_fact(stmt, may_call_super))
        elif kind is ast.ClassDef:
            nested.append(stmt.name)  # type: ignore[attr-defined]
    sets_any, sets_on_class = _dynamic_setattr(node, lines)
    dynamic = sets_any or any(f.name == "__getattr__" for f in functions)
    set_on_class = _class_method_attributes(node)
    return ClassFact(
        name=node.name,
        span=span_of(node),
        bases=tuple([to_expr(b) for b in node.bases if not isinstance(b, ast.Starred)]),
        keywords=tuple([(kw.arg, to_expr(kw.value)) for kw in node.keywords if kw.arg is not None]),
        decorators=tuple([to_expr(d) for d in node.decorator_list]),
        body=tuple(body),
        functions=tuple(functions),
        nested_classes=tuple(nested),
        dynamic_attributes=dynamic,
        dynamic_class_attributes=sets_on_class,
        conditional=conditional,
        class_method_attributes=set_on_class,
    )


# Methods SQLAlchemy (or Python) calls on the class itself.
_CLASS_HOOKS = frozenset({"__declare_last__", "__declare_first__", "__init_subclass__"})


def _class_method_attributes(node: ast.ClassDef) -> tuple[str, ...]:
    """Names a class method assigns on its class: `cls.NAME = ...` in a
    `@classmethod` (or a declarative hook such as `__declare_last__`)."""
    found: list[str] = []
    for stmt in node.body:
        if type(stmt) is not ast.FunctionDef or not stmt.args.args:
            continue
        if stmt.name not in _CLASS_HOOKS and not any(type(d) is ast.Name and d.id == "classmethod" for d in stmt.decorator_list):
            continue
        owner = stmt.args.args[0].arg
        for sub in subtree(stmt):
            if type(sub) is ast.Assign:
                targets = sub.targets
            elif type(sub) is ast.AnnAssign:
                targets = [sub.target]
            else:
                continue
            for target in targets:
                if type(target) is ast.Attribute and type(target.value) is ast.Name and target.value.id == owner:
                    found.append(target.attr)
    return tuple(dict.fromkeys(found))


_CLASS_WORD = re.compile(r"class[ \t]+([A-Za-z_][A-Za-z0-9_]*)")


def _class_names(text: str) -> frozenset[str]:
    """The names after `class` at the start of a line (after blanks and tabs):
    `^[ \\t]*class[ \\t]+(name)` in multi-line mode, but searched from the
    literal word, which `re` finds much faster than it tries every line start."""
    names: list[str] = []  # in text order, as `findall` gave them (same frozenset, same iteration order)
    for match in _CLASS_WORD.finditer(text):
        start = match.start()
        if not text[text.rfind("\n", 0, start) + 1 : start].strip(" \t"):
            names.append(match.group(1))
    return frozenset(names)


def _may_call_super(text: Optional[str]) -> bool:
    """Whether a function of the file may call `super()` (what `_only_forwards_kwargs`
    looks for, walking the whole function): not when an ASCII text never has the
    word. (A non-ASCII file could spell the name with other characters that
    Python normalises to `super`.)"""
    return text is None or not text.isascii() or "super" in text


def extract_module(tree: ast.Module, path: str, module: str, is_package: bool, text: Optional[str] = None) -> ModuleFacts:
    # Lines are only needed to look for `setattr`; an empty list means "none here".
    lines: Optional[list[str]] = None if text is None else (text.splitlines() if "setattr" in text else [])
    imports: list[ImportFact] = []
    star_imports: list[str] = []
    assignments: list[AssignFact] = []
    classes: list[ClassFact] = []
    functions: list[FunctionFact] = []
    calls: list[Expr] = []
    may_call_super = _may_call_super(text)
    for stmt, conditional in _top_level_statements(tree.body):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    imports.append((alias.asname, alias.name, None, stmt.lineno, ""))
                else:
                    # `import a.b.c` binds `a`, through which `a.b.c` is reached.
                    root = alias.name.split(".", 1)[0]
                    imports.append((root, root, None, stmt.lineno, alias.name))
        elif isinstance(stmt, ast.ImportFrom):
            source = resolve_relative(module, is_package, stmt.level or 0, stmt.module)
            for alias in stmt.names:
                if alias.name == "*":
                    star_imports.append(source)
                else:
                    imports.append((alias.asname or alias.name, source, alias.name, stmt.lineno, ""))
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            assignments.extend(_assign_facts(stmt, conditional, allow_dotted=True))
        elif isinstance(stmt, ast.ClassDef):
            classes.append(_class_fact(stmt, conditional, lines, may_call_super))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(_function_fact(stmt, may_call_super))
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            calls.append(to_expr(stmt.value))
    if text is not None:
        # A regex over the text finds nested class names without walking the tree.
        all_class_names = _class_names(text)
    else:
        all_class_names = frozenset(n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef))
    is_migration = {"revision", "down_revision"} <= {a.target for a in assignments}
    # A revision's nodes, walked once for the three passes that read them.
    nodes = subtree(tree) if is_migration else None
    return ModuleFacts(
        path=path,
        module=module,
        is_package=is_package,
        imports=tuple(imports),
        star_imports=tuple(star_imports),
        assignments=tuple(assignments),
        classes=tuple(classes),
        functions=tuple(functions),
        all_class_names=all_class_names,
        is_migration=is_migration,
        scopes=extract_usage(tree, module, is_package),
        calls=tuple(calls),
        migration_indexes=migration_indexes(tree, nodes) if nodes is not None else (),
        migration_table_ops=migration_table_ops(tree, nodes) if nodes is not None else (),
        migration_ops=extract_migration_ops(tree) if is_migration else (),
        queries=extract_queries(tree, text) if not is_migration else (),
        # No session rule looks at tests (`ormlint.test_paths`): their session
        # facts are not made (on polar, whose tests are half its code, 38% of
        # the session extraction). A project function found in a test module
        # is then unknown to session resolution, which stays silent.
        sessions=extract_sessions(tree, is_migration) if not is_test_path(path) else (),
        query_listeners=_query_listeners(tree) if text is None or _QUERY_EVENT in text else (),
        no_foreign_key_lines=no_foreign_key_lines(text) if text is not None and _declares_id_columns(classes, assignments) else frozenset(),
        database_urls=databases_in_urls(text) if text is not None else frozenset(),
        is_migrate_script=any(f.name == "upgrade" and f.params[:1] == ("migrate_engine",) for f in functions),
    )


def _declares_id_columns(classes: list[ClassFact], assignments: list[AssignFact]) -> bool:
    """Whether the file may declare a `<name>_id` column, the only ones whose
    comments are read (ORM115): in a class body, or in a module-level `Table(...)`."""
    return any(a.target.endswith("_id") for c in classes for a in c.body) or any(
        isinstance(a.value, Call) and isinstance(a.value.func, Name) and a.value.func.dotted.rpartition(".")[2] == "Table"
        for a in assignments
    )


# The session event whose listeners may rewrite every ORM statement.
_QUERY_EVENT = "do_orm_execute"


def _query_listeners(tree: ast.Module) -> tuple[str, ...]:
    """The functions a call naming the `do_orm_execute` event registers: the
    function it decorates (`@event.listens_for(Session, "do_orm_execute")`) or
    the one it is given (`event.listen(factory, "do_orm_execute", fn)`)."""
    found: list[str] = []
    for node in subtree(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(_names_query_event(d) for d in node.decorator_list):
                found.append(node.name)
        elif isinstance(node, ast.Call) and _names_query_event(node) and len(node.args) >= 3:
            listener = node.args[2]
            found.append(listener.id if isinstance(listener, ast.Name) else "")
    return tuple(found)


def _names_query_event(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and any(isinstance(a, ast.Constant) and a.value == _QUERY_EVENT for a in node.args)


_INDEX_FLAGS = ("index", "unique", "primary_key")


def _literal_strings(node: Optional[ast.AST]) -> Optional[tuple[str, ...]]:
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return tuple(values) if len(values) == len(node.elts) else None
    return None


def migration_indexes(tree: ast.Module, nodes: Optional[list[ast.AST]] = None) -> tuple[MigrationIndex, ...]:
    """Indexes, unique and primary keys an Alembic revision creates (by leading columns).

    Reads `op.create_index`, `op.create_unique_constraint`, `op.create_primary_key`,
    `op.create_table` / `op.add_column` columns with index/unique/primary_key, and
    the same inside `with op.batch_alter_table("t") as batch_op:`."""
    if nodes is None:
        nodes = list(ast.walk(tree))
    found: list[MigrationIndex] = []
    batch_tables: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                call = item.context_expr
                if (
                    isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "batch_alter_table"
                    and call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
                    and isinstance(item.optional_vars, ast.Name)
                ):
                    batch_tables[item.optional_vars.id] = call.args[0].value
    for node in nodes:
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        receiver = node.func.value.id if isinstance(node.func.value, ast.Name) else None
        batch_table = batch_tables.get(receiver or "")
        args = node.args
        if method in ("create_index", "create_unique_constraint", "create_primary_key"):
            table: Optional[str]
            if batch_table is not None:
                table, columns = batch_table, _literal_strings(args[1]) if len(args) > 1 else None
            else:
                table = args[1].value if len(args) > 1 and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str) else None
                columns = _literal_strings(args[2]) if len(args) > 2 else None
            if table and columns:
                found.append(MigrationIndex(table, columns, node.lineno))
        elif method in ("create_table", "add_column"):
            if batch_table is not None and method == "add_column":
                table, column_args = batch_table, args
            elif args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                table, column_args = args[0].value, args[1:]
            else:
                continue
            for arg in column_args:
                if not isinstance(arg, ast.Call) or not isinstance(arg.func, (ast.Attribute, ast.Name)):
                    continue
                kind = arg.func.attr if isinstance(arg.func, ast.Attribute) else arg.func.id
                if kind == "Column" and arg.args and isinstance(arg.args[0], ast.Constant) and isinstance(arg.args[0].value, str):
                    flags = {kw.arg for kw in arg.keywords if isinstance(kw.value, ast.Constant) and kw.value.value is True}
                    if flags & set(_INDEX_FLAGS):
                        found.append(MigrationIndex(table, (arg.args[0].value,), arg.lineno))
                elif kind in ("PrimaryKeyConstraint", "UniqueConstraint", "Index"):
                    names = [a.value for a in arg.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                    if kind == "Index":
                        names = names[1:]
                    if names:
                        found.append(MigrationIndex(table, tuple(names), arg.lineno))
    return tuple(found)


# `op.<name>(table, ...)` operations that need the table to exist already,
# by the position of the table argument.
_TABLE_ARGUMENT = {
    "add_column": 0, "drop_column": 0, "alter_column": 0, "batch_alter_table": 0, "create_table_comment": 0,
    "drop_table_comment": 0, "drop_constraint": 1, "create_foreign_key": 1, "create_check_constraint": 1,
    "create_index": 1, "create_unique_constraint": 1, "create_primary_key": 1, "drop_index": 1,
}
_SQL_TABLE = re.compile(r"\b(?:TABLE|INTO|UPDATE|FROM|JOIN|ON)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?[\"`]?(?:\w+[\"`]?\.[\"`]?)?(\w+)", re.IGNORECASE)
# Statement builders whose execution changes rows, never tables.
_DATA_STATEMENTS = frozenset({"update", "insert", "delete", "values", "where", "select", "returning"})


def _literal_sql(node: ast.AST) -> Optional[str]:
    """The SQL text of `"..."` or `text("...")`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name == "text" and node.args:
            return _literal_sql(node.args[0])
    return None


def migration_table_ops(tree: ast.Module, nodes: Optional[list[ast.AST]] = None) -> tuple[tuple[str, str, str], ...]:
    """Table-level effects of an Alembic revision, read from its `op.*` calls."""
    ops: list[tuple[str, str, str]] = []
    for node in nodes if nodes is not None else ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        if method == "create_all":
            ops.append(("create_all", "", ""))
            continue
        if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "op"):
            continue  # batch_op.* and other receivers work on a table already named
        args = node.args

        def literal(position: int) -> Optional[str]:
            argument = args[position] if len(args) > position else None
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                return argument.value
            return None

        first = literal(0)
        if method == "create_table" and first:
            ops.append(("create", first, ""))
        elif method == "drop_table" and first:
            ops.append(("drop", first, ""))
        elif method == "rename_table" and first and literal(1):
            ops.append(("rename", first, literal(1) or ""))
        elif method in _TABLE_ARGUMENT:
            table = literal(_TABLE_ARGUMENT[method])
            keyword = next((k.value.value for k in node.keywords if k.arg in ("table_name", "source_table") and isinstance(k.value, ast.Constant)), None)
            if table or isinstance(keyword, str):
                ops.append(("touch", table or str(keyword), ""))
        elif method in ("execute", "exec_driver_sql") and args:
            sql = _literal_sql(args[0])
            if sql is not None:
                ops.extend(("sql", name, "") for name in _SQL_TABLE.findall(sql))
            elif not (isinstance(args[0], ast.Call) and isinstance(args[0].func, ast.Attribute) and args[0].func.attr in _DATA_STATEMENTS):
                ops.append(("sql", "*", ""))  # SQL ormlint cannot read: anything may happen
    return tuple(ops)
