"""ORM5xx: sessions and transactions.

A session resolver decides, per function, which receivers (`session`,
`self.db`, `db.session`) are SQLAlchemy sessions and where they come from,
from the per-file facts of `session_extract.py`; the rules read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import Attr, Call, Const, Expr, Name, Subscript, Union_, span_line
from ormlint.facts import ModuleFacts
from ormlint.rules.base import Rule, RuleContext
from ormlint.rules.queries import SESSION_NAMES
from ormlint.rules.usage import _resolver
from ormlint.schema import MappedClass
from ormlint.session_extract import SessionFunction, SessionOp, WithFact
from ormlint.symbols import AttrOf, External, FunctionRef, SymbolTable, ValueRef, sqlalchemy_name
from ormlint.test_paths import is_test_path
from ormlint.usage import ScopeContext, UsageResolver

# Columns that mark a row as deleted without removing it (`soft_delete_columns` replaces them).
SOFT_DELETE_COLUMNS = ("deleted_at", "is_deleted", "deleted", "archived_at", "is_archived")

_SESSION_CLASSES = frozenset({"Session", "AsyncSession"})
_SESSION_FACTORIES = frozenset({"sessionmaker", "async_sessionmaker"})
_SCOPED = frozenset({"scoped_session", "async_scoped_session"})
_CONNECTION_CLASSES = frozenset({"Connection", "AsyncConnection", "Engine", "AsyncEngine"})
_CONTEXT_MANAGERS = frozenset({"contextlib.contextmanager", "contextlib.asynccontextmanager"})
# Exceptions whose handlers catch a failed flush/commit.
_DB_EXCEPTIONS = frozenset({
    "Exception", "BaseException", "SQLAlchemyError", "DBAPIError", "IntegrityError", "OperationalError",
    "DatabaseError", "DataError", "ProgrammingError", "InvalidRequestError", "StatementError", "StaleDataError",
    "InternalError", "NotSupportedError", "PendingRollbackError",
})
_RESETS = frozenset({"rollback", "close", "remove"})
_WRITES = frozenset({"add", "add_all", "delete", "merge", "bulk_save_objects", "bulk_insert_mappings",
                     "bulk_update_mappings", "commit", "flush"})


@dataclass(frozen=True)
class Origin:
    """Where a session comes from.

    kind: created (`Session()`, a factory call: this function owns it), ctx
    (`with Session() as s`: closed, so rolled back, on exit), begin (`with
    sessionmaker.begin() as s`: committed or rolled back on exit), scope (`with
    helper() as s`, a project `@contextmanager`), param (received), framework
    (Flask-SQLAlchemy `db.session`, a FastAPI dependency), scoped (a global
    `scoped_session` registry).
    """

    kind: str
    helper: Optional["ScopeHelper"] = None
    with_id: int = 0
    line: int = 0


@dataclass(frozen=True)
class ScopeHelper:
    module: str
    name: str
    commits: bool  # commits after its `yield`
    rolls_back: bool  # rolls back (or closes) when the body raises


def _decorator_is(symbols: SymbolTable, module: str, decorators: tuple[Expr, ...], names: frozenset[str]) -> bool:
    for decorator in decorators:
        target = decorator.func if isinstance(decorator, Call) else decorator
        symbol = symbols.resolve_expr(module, target)
        if isinstance(symbol, External) and symbol.qualname in names:
            return True
    return False


class SessionResolver:
    def __init__(self, ctx: RuleContext) -> None:
        self.index = ctx.index
        self.usage: UsageResolver = _resolver(ctx)
        self.symbols: SymbolTable = self.usage.symbols
        self.functions: dict[tuple[str, str], SessionFunction] = {}
        for module, facts in ctx.index.modules.items():
            for fn in facts.sessions:
                self.functions[(module, fn.name)] = fn
        self._helpers: dict[tuple[str, str], Optional[ScopeHelper]] = {}
        self._factories: dict[tuple[str, str], Optional[str]] = {}
        self._origins: dict[tuple[str, str, str, int], Optional[Origin]] = {}
        # `_functions`, built on first use.
        self.non_test_functions: Optional[list[tuple[str, ModuleFacts, SessionFunction]]] = None

    def modules(self) -> Iterator[tuple[str, ModuleFacts]]:
        for module, facts in sorted(self.index.modules.items()):
            yield module, facts

    # -- annotations ----------------------------------------------------
    def annotation_origin(self, module: str, annotation: Optional[Expr], depth: int = 0) -> Optional[str]:
        """`param` for Session/AsyncSession annotations, `framework` for
        `Annotated[Session, Depends(...)]` (also through a module-level alias)."""
        if annotation is None or depth > 5:
            return None
        if isinstance(annotation, Name):
            symbol = self.symbols.resolve_expr(module, annotation)
            if sqlalchemy_name(symbol) in _SESSION_CLASSES:
                return "param"
            if isinstance(symbol, ValueRef):
                assign = self.symbols.assignment(symbol)
                value = assign.value if assign is not None else None
                if isinstance(value, Call) and isinstance(value.func, Name) and value.func.last == "NewType" \
                        and len(value.args) == 2:
                    value = value.args[1]  # `AsyncSession = NewType("AsyncSession", _AsyncSession)`
                if value is not None:
                    return self.annotation_origin(symbol.module, value, depth + 1)
            return None
        if isinstance(annotation, Subscript) and isinstance(annotation.value, Name):
            head = annotation.value.last
            if head == "Optional":
                return self.annotation_origin(module, annotation.index, depth + 1)
            if head == "Annotated":
                from ormlint.expr import Seq

                items = annotation.index.items if isinstance(annotation.index, Seq) else (annotation.index,)
                inner = self.annotation_origin(module, items[0], depth + 1) if items else None
                if inner is not None and any(_is_depends(item) for item in items[1:]):
                    return "framework"
                return inner
        if isinstance(annotation, Union_):
            rest = [i for i in annotation.items if not (isinstance(i, Const) and i.value is None)
                    and not (isinstance(i, Name) and i.dotted == "None")]
            if len(rest) == 1:
                return self.annotation_origin(module, rest[0], depth + 1)
        return None

    # -- helpers and factories -------------------------------------------
    def helper(self, module: str, name: str) -> Optional[ScopeHelper]:
        key = (module, name)
        if key in self._helpers:
            return self._helpers[key]
        self._helpers[key] = None
        fn = self.functions.get(key)
        result: Optional[ScopeHelper] = None
        if fn is not None and fn.yields and _decorator_is(self.symbols, module, fn.decorators, _CONTEXT_MANAGERS):
            result = self._helper_of(module, fn)
        self._helpers[key] = result
        return result

    def _helper_of(self, module: str, fn: SessionFunction) -> Optional[ScopeHelper]:
        for point in fn.yields:
            if not point.value:
                continue
            origin = self.origin(module, fn, point.value, point.order, point.frames)
            if origin is None:
                continue
            later = [op for op in fn.ops if op.receiver == point.value and op.order > point.order]
            # An unconditional commit after the yield (`if commit: session.commit()` lets callers opt out).
            commits = origin.kind == "begin" or any(
                op.method == "commit" and not any(kind in ("except", "ifbody", "ifelse") for kind, _ in op.frames)
                for op in later)
            rolls_back = origin.kind in ("begin", "ctx") or any(
                op.method in _RESETS for op in later if any(kind in ("except", "finally") for kind, _ in op.frames))
            return ScopeHelper(module, fn.name, commits, rolls_back)
        return None

    def factory(self, module: str, name: str) -> Optional[str]:
        """A project function that returns a new session: `created`."""
        key = (module, name)
        if key in self._factories:
            return self._factories[key]
        self._factories[key] = None
        fn = self.functions.get(key)
        result: Optional[str] = None
        if fn is not None and not fn.yields and fn.returns:
            kinds = {self._returned(module, fn, expr) for expr in fn.returns}
            if kinds == {"created"}:
                result = "created"
        self._factories[key] = result
        return result

    def _returned(self, module: str, fn: SessionFunction, expr: Expr) -> Optional[str]:
        if isinstance(expr, Call):
            origin = self.call_origin(module, expr, fn)
            return origin.kind if origin is not None else None
        if isinstance(expr, Name) and "." not in expr.dotted:
            values = [value for target, value, _ in fn.bindings if target == expr.dotted]
            if len(values) == 1 and isinstance(values[0], Call):
                origin = self.call_origin(module, values[0], fn)
                return origin.kind if origin is not None else None
        return None

    def _sessionmaker_kind(self, symbol: object) -> Optional[str]:
        """`created` for a module-level sessionmaker, `scoped` for a scoped_session registry."""
        if not isinstance(symbol, ValueRef):
            return None
        assign = self.symbols.assignment(symbol)
        if assign is None or not isinstance(assign.value, Call):
            return None
        maker = sqlalchemy_name(self.symbols.resolve_expr(symbol.module, assign.value.func))
        if maker in _SESSION_FACTORIES:
            return "created"
        if maker in _SCOPED:
            return "scoped"
        return None

    def is_maker(self, module: str, expr: Optional[Expr], fn: Optional[SessionFunction] = None, depth: int = 0) -> bool:
        """`sessionmaker(...)` / `async_sessionmaker(...)`, directly, through a
        module-level name, or returned by every `return` of a project function."""
        if depth > 4 or expr is None:
            return False
        if isinstance(expr, Name):
            if fn is not None and "." not in expr.dotted:
                values = [value for target, value, _ in fn.bindings if target == expr.dotted]
                if values:
                    return all(self.is_maker(module, value, fn, depth + 1) for value in values)
                if any(name == expr.dotted for name, _, _ in fn.params):
                    return False
            return self._sessionmaker_kind(self.symbols.resolve_expr(module, expr)) == "created"
        if not isinstance(expr, Call) or not isinstance(expr.func, Name):
            return False
        symbol = self.symbols.resolve_expr(module, expr.func)
        if sqlalchemy_name(symbol) in _SESSION_FACTORIES:
            return True
        if isinstance(symbol, FunctionRef):
            target = self.functions.get((symbol.module, symbol.name))
            return target is not None and bool(target.returns) and not target.yields and all(
                self.is_maker(symbol.module, value, target, depth + 1) for value in target.returns)
        return False

    def call_origin(self, module: str, call: Call, fn: Optional[SessionFunction] = None) -> Optional[Origin]:
        """The session a call expression gives, when it certainly gives one."""
        func = call.func
        if fn is not None and isinstance(func, Name) and "." not in func.dotted \
                and any(target == func.dotted for target, _, _ in fn.bindings):
            # A local `maker = create_sessionmaker(engine)`; `maker()`
            if self.is_maker(module, func, fn):
                return Origin("created", line=span_line(call.span) if call.span else 0)
            return None
        if isinstance(func, Name) and func.last == "begin" and "." in func.dotted \
                and self.is_maker(module, Name(func.dotted.rsplit(".", 1)[0]), fn):
            return Origin("begin", line=span_line(call.span) if call.span else 0)  # `with maker.begin() as session`
        if not isinstance(func, Name):
            if isinstance(func, Call) and isinstance(func.func, Name):
                # `sessionmaker(bind=engine)()`, `scoped_session(...)()`
                maker = sqlalchemy_name(self.symbols.resolve_expr(module, func.func))
                if maker in _SESSION_FACTORIES:
                    return Origin("created", line=span_line(call.span) if call.span else 0)
            return None
        symbol = self.symbols.resolve_expr(module, func)
        name = sqlalchemy_name(symbol)
        line = span_line(call.span) if call.span else 0
        if name in _SESSION_CLASSES:
            return Origin("created", line=line)
        kind = self._sessionmaker_kind(symbol)
        if kind is not None:
            return Origin(kind, line=line)
        if isinstance(symbol, AttrOf) and symbol.attr == "begin" and self._sessionmaker_kind(symbol.owner) == "created":
            return Origin("begin", line=line)
        if isinstance(symbol, FunctionRef):
            helper = self.helper(symbol.module, symbol.name)
            if helper is not None:
                return Origin("scope", helper, line=line)
            if self.factory(symbol.module, symbol.name) == "created":
                return Origin("created", line=line)
        return None

    # -- receivers -------------------------------------------------------
    def origin(self, module: str, fn: SessionFunction, receiver: str, order: int,
               frames: tuple[tuple[str, int], ...], depth: int = 0) -> Optional[Origin]:
        """Where the session `receiver` used at `order` (inside `frames`) in `fn` comes from."""
        if depth > 6 or not receiver:
            return None
        # `with ... as receiver` around the use wins.
        enclosing = {ident for kind, ident in frames if kind == "with"}
        for block in reversed(fn.withs):
            if block.target == receiver and block.id in enclosing:
                return self.with_origin(module, fn, block, depth)
        key = (module, fn.name, receiver, depth)
        if key in self._origins:
            return self._origins[key]
        self._origins[key] = None
        result = self._receiver_origin(module, fn, receiver, depth)
        self._origins[key] = result
        return result

    def with_origin(self, module: str, fn: SessionFunction, block: WithFact, depth: int = 0) -> Optional[Origin]:
        context = block.context
        if isinstance(context, Call):
            origin = self.call_origin(module, context, fn)
            if origin is not None:
                kind = "ctx" if origin.kind == "created" else origin.kind
                return Origin(kind, origin.helper, block.id, origin.line)
            func = context.func
            if isinstance(func, Name) and func.last in ("begin",) and "." in func.dotted:
                base = func.dotted.rsplit(".", 1)[0]
                inner = self.origin(module, fn, base, 0, (), depth + 1)
                if inner is not None:
                    return Origin("begin", None, block.id, span_line(block.span))
        if isinstance(context, Name):
            inner = self.origin(module, fn, context.dotted, 0, (), depth + 1)
            if inner is not None and inner.kind == "created":
                return Origin("ctx", None, block.id, span_line(block.span))
        return None

    def _receiver_origin(self, module: str, fn: SessionFunction, receiver: str, depth: int) -> Optional[Origin]:
        if any(block.target == receiver for block in fn.withs):
            return None  # bound by a `with` that does not enclose this use: unclear
        bindings = [(value, line) for target, value, line in fn.bindings if target == receiver]
        if bindings:
            origins = [self._value_origin(module, fn, value, line, depth) for value, line in bindings]
            if all(o is not None for o in origins) and len({o.kind for o in origins if o is not None}) == 1:
                return origins[-1]
            return None
        head, _, rest = receiver.partition(".")
        params = {name: (annotation, default) for name, annotation, default in fn.params}
        if not rest and head in params:
            annotation, default = params[head]
            if default is not None and _is_depends(default):
                return Origin("framework") if self.annotation_origin(module, annotation) else None
            kind = self.annotation_origin(module, annotation)
            return Origin(kind) if kind is not None else None
        if head == "self" and rest and "." not in rest and fn.class_name is not None:
            return self._attribute_origin(module, fn.class_name, rest, depth)
        if head in params or any(target == head for target, _, _ in fn.bindings):
            return None
        symbol = self.symbols.resolve(module, receiver)
        if isinstance(symbol, AttrOf) and symbol.attr == "session" and isinstance(symbol.owner, ValueRef) \
                and self.symbols.is_flask_db(symbol.owner):
            return Origin("framework")
        kind = self._sessionmaker_kind(symbol)
        if kind == "scoped":
            return Origin("scoped")
        return None

    def _value_origin(self, module: str, fn: SessionFunction, value: Expr, line: int, depth: int) -> Optional[Origin]:
        if isinstance(value, Call):
            origin = self.call_origin(module, value, fn)
            if origin is not None and origin.kind in ("created", "scoped"):
                return Origin(origin.kind, line=line)
            return None
        if isinstance(value, Name):
            inner = self.origin(module, fn, value.dotted, 0, (), depth + 1)
            if inner is not None and inner.kind in ("param", "framework", "scoped"):
                return inner
        return None

    def _attribute_origin(self, module: str, class_name: str, attr: str, depth: int) -> Optional[Origin]:
        """`self.db`: annotated `db: Session` in the class body, or set from a
        session parameter in a method."""
        klass = self.functions.get((module, class_name))
        kinds: set[str] = set()
        if klass is not None:
            for target, annotation in klass.class_annotations:
                if target == attr:
                    kind = self.annotation_origin(module, annotation)
                    if kind is None:
                        return None
                    kinds.add("param")
        for (mod, _), fn in self.functions.items():
            if mod != module or fn.class_name != class_name or fn.name == class_name:
                continue
            for target, value, line in fn.bindings:
                if target != f"self.{attr}":
                    continue
                if isinstance(value, Name) and "." not in value.dotted:
                    inner = self.origin(module, fn, value.dotted, 0, (), depth + 1)
                    if inner is None or inner.kind not in ("param", "framework"):
                        return None
                    kinds.add("param")
                else:
                    return None
        if kinds == {"param"}:
            return Origin("param")
        return None

    def op_origin(self, module: str, fn: SessionFunction, op: SessionOp) -> Optional[Origin]:
        return self.origin(module, fn, op.receiver, op.order, op.frames)


def _is_depends(expr: Expr) -> bool:
    return isinstance(expr, Call) and isinstance(expr.func, Name) and expr.func.last == "Depends"


def _resolver_of(ctx: RuleContext) -> SessionResolver:
    """One resolver per run, kept on the context (the rules of one run share it)."""
    if not isinstance(ctx.sessions, SessionResolver):
        ctx.sessions = SessionResolver(ctx)
    return ctx.sessions


def _functions(resolver: SessionResolver) -> list[tuple[str, ModuleFacts, SessionFunction]]:
    """Every function outside tests (listed once per run: six rules walk them)."""
    if resolver.non_test_functions is None:
        resolver.non_test_functions = [
            (module, facts, fn)
            for module, facts in resolver.modules()
            if not is_test_path(facts.path)
            for fn in facts.sessions
            if fn.name != fn.class_name
        ]
    return resolver.non_test_functions


def _innermost(op: SessionOp, kind: str) -> Optional[int]:
    for frame_kind, ident in reversed(op.frames):
        if frame_kind == kind:
            return ident
    return None


def _catches_db_errors(types: tuple[str, ...]) -> bool:
    return not types or any(name.rsplit(".", 1)[-1] in _DB_EXCEPTIONS for name in types)


def _awaited(op: SessionOp) -> str:
    return "await " if op.awaited else ""



def _soft_delete_column(ctx: RuleContext, model: MappedClass) -> Optional[str]:
    columns = model.all_columns()
    names = ctx.settings.soft_delete_columns or SOFT_DELETE_COLUMNS
    return next((name for name in names if name in columns), None)


def _universal(ctx: RuleContext, model: MappedClass, column: str) -> bool:
    """The column comes with (almost) every model of the registry, from a shared
    base: it says nothing about this model's delete policy (polar's RecordModel
    gives every table a `deleted_at`, and its auth tokens are deleted for real)."""
    peers = [c for c in ctx.index.classes if c.registry == model.registry and c.own_table]
    # A library's mixin gives it too (oslo.db's SoftDeleteMixin: `deleted`, `deleted_at`).
    having = [c for c in peers if column in c.all_columns() or column in c.attribute_names]
    return len(peers) >= 5 and len(having) >= 0.8 * len(peers)


def _column_stem(column: str) -> str:
    """What a soft-delete column marks: `deleted` for `deleted_at` and `is_deleted`."""
    stem = column.lower()
    stem = stem[3:] if stem.startswith("is_") else stem
    for suffix in ("_at", "_on", "_date", "_time"):
        if stem.endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def _named_for(model: MappedClass, column: str) -> bool:
    """The model is named for what the column marks (`ArchivedBook.is_archived`,
    `DeletedMessage.deleted_at`): its rows are the archive or the trash, and the
    column is what they record, not a promise to keep them (deleting from the
    trash is the purge)."""
    stem = _column_stem(column)
    return len(stem) >= 4 and stem.replace("_", "") in model.name.lower()


def _loads_marked_rows(scope: ScopeContext, column: str) -> bool:
    """The function asks for the rows the column marks, by a keyword set to True
    (`get_source(fs_id, include_deleted=True)`, `query(with_archived=True)`):
    it works on soft-deleted rows on purpose, such as the purge of those queued
    for it (securedrop's `delete_collection()`)."""
    stem = _column_stem(column)
    if len(stem) < 4:
        return False
    calls = [*scope.scope.calls, *(value for _, _, value in scope.scope.bindings if isinstance(value, Call))]
    return any(
        stem in key.lower() and isinstance(value, Const) and value.value is True
        for call in calls for key, value in call.kwargs
    )


def _named_as_purge(scope: ScopeContext) -> bool:
    """The function's own name says the delete is for real: `purge_expired`,
    `hard_delete_profile`, `delete_permanently` (skyvern's purge of expired
    tokens, next to the soft-delete path)."""
    words = scope.scope.name.rsplit(".", 1)[-1].lower().split("_")
    if any(word.startswith("purg") or word.startswith("permanent") for word in words):
        return True
    return any(first == "hard" and second in ("delete", "remove", "destroy") for first, second in zip(words, words[1:]))


def _constructs(resolver: UsageResolver, scope: ScopeContext, model: MappedClass) -> bool:
    """The function also builds a new instance of the model: the delete makes
    room for the replacement (`Request(id=request_id, ...)` after deleting the
    old one, fides), which a soft-deleted row would block on its keys, or takes
    back the row the function itself inserted (heat's `stack_create()` after
    losing a race for the name)."""
    return any(
        isinstance(call.func, Name) and resolver.mapped(scope.module, call.func, scope) is model
        for call in scope.scope.calls
    )


def _mentions(scope: ScopeContext, column: str) -> bool:
    """The function reads or sets the soft-delete column somewhere (`x.deleted_at = ...`,
    `filter(M.deleted_at ...)`, `filter_by(deleted_at=...)`): it knows about it."""
    if any(attr == column for _, attr, _, _, _, _ in scope.scope.attributes):
        return True
    return any(key == column for call in scope.scope.calls for key, _ in call.kwargs)


# Receivers of `x.delete(obj)` that are sessions by name (`db` for FastAPI's
# `db: Session = Depends(get_db)`); anything else (`room.delete(user)`, a
# model's own `delete()` method) may be no session at all.
_SESSION_RECEIVERS = SESSION_NAMES | {"db", "s", "async_session", "dbs"}


def _names_a_session(scope: ScopeContext, receiver: str) -> bool:
    if receiver.rsplit(".", 1)[-1] in _SESSION_RECEIVERS:
        return True
    annotation = next((a for name, a in scope.scope.params if name == receiver), None)
    return isinstance(annotation, Name) and annotation.last.endswith("Session")


class HardDeleteOfSoftDeleteModel(Rule):
    """## What it does
    Flags a hard delete of a model that has a soft-delete column (`deleted_at`,
    `is_deleted`, `deleted`, `archived_at`, `is_archived`): `session.delete(obj)`
    where `obj` is certainly such a model (and the receiver a session: named
    like one, `session`, `db`, `db_session`..., or a parameter annotated
    `Session`; `room.delete(user)` may be a model's own method),
    `session.query(M).delete()`,
    `M.query...delete()` and `delete(M)` statements, unless the same function
    also reads or sets that column. The column names are configurable:
    `soft-delete-columns = ["removed_on"]` in `[tool.ormlint]` replaces the
    default list.

    Not reported where the function also builds a new instance of the model
    (the row is replaced: fides resubmits a request under the same key, which
    a soft-deleted row would still hold; or the function takes back its own
    insert, as heat's `stack_create()` does after losing a race for the name),
    nor on a model named for what the column marks
    (`ArchivedBook.is_archived`, `DeletedMessage.deleted_at`): its rows are an
    archive or a trash, the column is the data they record, and deleting them
    is the purge (calibre-web's per-user "archived on the reader" table),
    nor in a function whose name says the delete is for real
    (`purge_expired`, `hard_delete_profile`, `delete_permanently`), or that
    asks for the marked rows with a keyword set to True
    (`get_source(fs_id, include_deleted=True)`: securedrop's purge of the
    sources queued for it).
    Tests are left alone, as by the other session rules: a test deletes the
    rows it made to clean up after itself (letta's and rucio's fixtures), or
    exercises the purge.

    ## Why is this bad?
    The model promises recoverable deletes; a hard delete loses the row (and,
    through cascades, its children) where the rest of the code expected a flag.
    The second audit in ormlint's seeds found `delete_file()` doing exactly that.

    ## Example
    ```python
    def delete_file(session: Session, file_id: str):
        session.delete(session.get(ProjectFile, file_id))
    ```

    ## Use instead
    ```python
    def delete_file(session: Session, file_id: str):
        session.get(ProjectFile, file_id).deleted_at = datetime.now(timezone.utc)
    ```
    """

    code = "ORM504"
    name = "hard-delete-of-soft-delete-model"
    severity = Severity.WARNING
    summary = "hard delete of a model that has a soft-delete column"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver(ctx)
        for scope in resolver.contexts():
            if is_test_path(scope.facts.path):
                continue  # a test's hard delete cleans up after it, or tests the purge
            for call in scope.scope.calls:
                model = self._deleted_model(resolver, scope, call)
                if model is None:
                    continue
                column = _soft_delete_column(ctx, model)
                if column is None or _mentions(scope, column) or _universal(ctx, model, column) or _named_for(model, column):
                    continue
                if _constructs(resolver, scope, model):
                    continue  # the row is replaced: a soft-deleted one would still hold its keys
                if _named_as_purge(scope) or _loads_marked_rows(scope, column):
                    continue  # the name, or loading the marked rows, says the hard delete is meant
                span = call.span
                assert span is not None
                message = f"Hard delete of `{model.name}`, which has the soft-delete column `{column}`."
                hint = f"Set `{column}` instead (and filter it out in queries), or say why a hard delete is meant here."
                yield self.diagnostic(scope.facts.path, span, message, hint)

    def _deleted_model(self, resolver: UsageResolver, scope: ScopeContext, call: Call) -> Optional[MappedClass]:
        func = call.func
        if isinstance(func, Name) and "." not in func.dotted:
            if sqlalchemy_name(resolver.symbols.resolve_expr(scope.module, func)) == "delete" and len(call.args) == 1:
                return resolver.mapped(scope.module, call.args[0], scope)  # delete(M)
            return None
        method = func.attr if isinstance(func, Attr) else func.last if isinstance(func, Name) else None
        if method != "delete":
            return None
        receiver = func.value if isinstance(func, Attr) else Name(func.dotted.rsplit(".", 1)[0]) if isinstance(func, Name) else None
        base = resolver.infer(scope, receiver)
        if base is not None and base.kind == "query" and not call.args:
            return base.model  # session.query(M).filter(...).delete()
        if len(call.args) == 1 and base is None and isinstance(func, Name) and _names_a_session(scope, func.dotted.rsplit(".", 1)[0]):
            target = resolver.infer(scope, call.args[0])
            if target is not None and target.kind == "instance":
                return target.model  # session.delete(obj)
        return None

    VALID = [
        {
            # manila: oslo.db's SoftDeleteMixin gives every model `deleted` and
            # `deleted_at`; a few redeclare `deleted`. The column says nothing of
            # one model's policy, and the purge of expired messages is deliberate.
            "app/models.py": """
from oslo_db.sqlalchemy import models
from sqlalchemy import Column, DateTime, Integer, String
from sqlalchemy.orm import declarative_base

BASE = declarative_base()

class AppBase(models.ModelBase, models.TimestampMixin, models.SoftDeleteMixin):
    pass

class Share(BASE, AppBase):
    __tablename__ = "shares"
    id = Column(Integer, primary_key=True)

class Snapshot(BASE, AppBase):
    __tablename__ = "snapshots"
    id = Column(Integer, primary_key=True)

class Quota(BASE, AppBase):
    __tablename__ = "quotas"
    id = Column(Integer, primary_key=True)

class Network(BASE, AppBase):
    __tablename__ = "networks"
    id = Column(Integer, primary_key=True)

class Message(BASE, AppBase):
    __tablename__ = "messages"
    id = Column(String(36), primary_key=True)
    expires_at = Column(DateTime)
    deleted = Column(String(36), default="False")
""",
            "app/api.py": """
from app.models import Message

def cleanup_expired_messages(session, now):
    return session.query(Message).filter(Message.expires_at < now).delete()
""",
        },
        {"app/models.py": """
from sqlalchemy import Boolean, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Sandbox(Base):
    __tablename__ = "sandboxes"
    id = Column(Integer, primary_key=True)
    is_deleted = Column(Boolean, nullable=False, default=False)
""", "tests/conftest.py": """
import pytest
from app.models import Sandbox

@pytest.fixture
def clean_sandboxes(session):
    yield
    session.query(Sandbox).delete()
    session.commit()
"""},
        """
from sqlalchemy import Column, DateTime, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Request(Base):
    __tablename__ = "requests"
    id = Column(String, primary_key=True)
    status = Column(String)
    deleted_at = Column(DateTime)

def resubmit(db: Session, request_id: str) -> Request:
    # fides: the request is replaced under the same primary key.
    old = db.get(Request, request_id)
    db.delete(old)
    db.flush()
    new = Request(id=request_id, status="pending")
    db.add(new)
    return new
""",
        """
from sqlalchemy import Boolean, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    is_deleted = Column(Boolean, nullable=False, default=False)

def remove_rooms(rooms, user: User):
    # Indico: each room's own `delete()`, with the acting user as argument.
    for room in rooms:
        room.delete(user)
""",
        """
from datetime import datetime, timezone
from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class ProjectFile(Base):
    __tablename__ = "project_files"
    id = Column(Integer, primary_key=True)
    deleted_at = Column(DateTime)

def delete_file(session: Session, file_id: int):
    project_file = session.get(ProjectFile, file_id)
    project_file.deleted_at = datetime.now(timezone.utc)

def purge(session: Session):
    session.query(ProjectFile).filter(ProjectFile.deleted_at.is_not(None)).delete()
""",
        """
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)

def remove(session: Session, tag_id: int):
    session.delete(session.get(Tag, tag_id))
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    is_deleted = db.Column(db.Boolean, default=False)

def clean(cache):
    cache.delete("notes")
    Note.query.filter_by(is_deleted=True).delete()
""",
        },
        """
from sqlalchemy import Boolean, Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class ArchivedBook(Base):
    # One row per (user, book): whether the user archived the book on a reader.
    __tablename__ = "archived_book"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer)
    book_id = Column(Integer)
    is_archived = Column(Boolean)

def reset_library(session: Session):
    session.query(ArchivedBook).delete()
""",
        """
from sqlalchemy import Column, DateTime, String, delete
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class AuthToken(Base):
    __tablename__ = "auth_tokens"
    id = Column(String, primary_key=True)
    deleted_at = Column(DateTime)

def purge_expired(session: Session, token_ids: list[str]) -> None:
    # skyvern: the purge, next to the soft-delete path.
    session.execute(delete(AuthToken).where(AuthToken.id.in_(token_ids)))

def hard_delete_token(session: Session, token_id: str) -> None:
    session.delete(session.get(AuthToken, token_id))
""",
        """
from sqlalchemy import Column, DateTime, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Source(Base):
    __tablename__ = "sources"
    id = Column(Integer, primary_key=True)
    filesystem_id = Column(String(96), unique=True)
    deleted_at = Column(DateTime)  # queued for the purge

def get_source(session: Session, filesystem_id: str, include_deleted: bool = False) -> Source:
    query = session.query(Source).filter(Source.filesystem_id == filesystem_id)
    if not include_deleted:
        query = query.filter(Source.deleted_at.is_(None))
    return query.one()

def delete_collection(session: Session, filesystem_id: str) -> None:
    # securedrop: the purge of a source queued for it loads it deleted or not.
    source = get_source(session, filesystem_id, include_deleted=True)
    session.delete(source)
    session.commit()
""",
    ]
    INVALID = [
        """
from sqlalchemy import Column, DateTime, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Source(Base):
    __tablename__ = "sources"
    id = Column(Integer, primary_key=True)
    filesystem_id = Column(String(96), unique=True)
    deleted_at = Column(DateTime)

def get_source(session: Session, filesystem_id: str, include_deleted: bool = False, lock: bool = False) -> Source:
    return session.query(Source).filter(Source.filesystem_id == filesystem_id).one()

def remove_source(session: Session, filesystem_id: str) -> None:
    source = get_source(session, filesystem_id, include_deleted=False, lock=True)
    session.delete(source)  # ORM504
""",
        """
from sqlalchemy import Column, DateTime, String, delete
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class AuthToken(Base):
    __tablename__ = "auth_tokens"
    id = Column(String, primary_key=True)
    deleted_at = Column(DateTime)

def expire_tokens(session: Session, token_ids: list[str]) -> None:
    # Not named a purge: an "expire" is where a soft delete was promised.
    session.execute(delete(AuthToken).where(AuthToken.id.in_(token_ids)))  # ORM504

def hardware_delete(session: Session, token_id: str) -> None:
    session.delete(session.get(AuthToken, token_id))  # ORM504
""",
        """
from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class ProjectFile(Base):
    __tablename__ = "project_files"
    id = Column(Integer, primary_key=True)
    deleted_at = Column(DateTime)

def delete_file(session: Session, file_id: int):
    project_file = session.get(ProjectFile, file_id)
    session.delete(project_file)  # ORM504
""",
        """
from sqlalchemy import delete
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Document(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    archived_at: Mapped[int | None]

def wipe(session: Session):
    session.execute(delete(Document))  # ORM504
""",
        {
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "app/models.py": """
from app import db

class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    is_deleted = db.Column(db.Boolean, default=False)

def drop_all_notes():
    Note.query.delete()  # ORM504
""",
        },
        """
from sqlalchemy import Boolean, Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Book(Base):
    __tablename__ = "book"
    id = Column(Integer, primary_key=True)
    is_archived = Column(Boolean)

def reset_library(session: Session):
    session.query(Book).delete()  # ORM504
""",
    ]


def _transaction_block(block: WithFact) -> Optional[tuple[str, str]]:
    """(receiver, method) of `with receiver.begin():` or `with
    receiver.begin_nested():`, blocks that roll their transaction back when
    a failure leaves them (receiver "" for a bare call); None for any other block."""
    context = block.context
    if isinstance(context, Call) and isinstance(context.func, Name):
        receiver, _, method = context.func.dotted.rpartition(".")
        if method in ("begin", "begin_nested"):
            return receiver, method
    return None


def _inside(frames: tuple[tuple[str, int], ...], inner: tuple[str, int], outer: tuple[str, int]) -> bool:
    """Whether block `inner` is nested in block `outer` among `frames` (outermost first)."""
    return inner in frames and outer in frames and frames.index(inner) > frames.index(outer)


def _swallowed_commits(resolver: SessionResolver, module: str, fn: SessionFunction) -> Iterator[tuple[SessionOp, str]]:
    """(commit/flush, why) for each failed commit that is swallowed while the session is used again."""
    trys = {t.id: t for t in fn.trys}
    transactions = {w.id: transaction for w in fn.withs if (transaction := _transaction_block(w)) is not None}
    for op in fn.ops:
        if op.method not in ("commit", "flush"):
            continue
        try_id = _innermost(op, "try")
        if try_id is None or try_id not in trys:
            continue
        # The op must be directly in that try's body, not in one of its handlers.
        position = op.frames.index(("try", try_id))
        if any(kind in ("except", "finally", "else") for kind, _ in op.frames[position + 1:]):
            continue
        blocks = [transactions[ident] for kind, ident in op.frames[position:] if kind == "with" and ident in transactions]
        if any(method == "begin_nested" for _, method in blocks):
            continue  # a savepoint rolls itself back
        if any(method == "begin" and receiver and receiver == op.receiver for receiver, method in blocks):
            continue  # `with session.begin():` rolls the transaction back on the failure's way out
        statement = trys[try_id]
        if statement.finally_resets and op.receiver in statement.finally_resets:
            continue
        handler = next((h for h in statement.handlers if _catches_db_errors(h.types)), None)
        if handler is None or handler.reraises or handler.resets or handler.exits in ("return", "raise"):
            continue
        if any(name == op.receiver or name.startswith(op.receiver + ".") or op.receiver.startswith(name + ".")
               for name in handler.handles):
            continue  # the handler hands the session to something (which may roll it back) or replaces it
        origin = resolver.op_origin(module, fn, op)
        if origin is None:
            continue
        if origin.with_id and ("with", origin.with_id) in op.frames[position:]:
            continue  # `with Session() as s` inside the try: the failure closes (rolls back) s on its way out
        rebound = {block.id for block in fn.withs if block.target == op.receiver and block.id != origin.with_id}
        later = [use for use in fn.ops if use.receiver == op.receiver and use.method not in _RESETS
                 and use.order > statement.end_order and not any(("with", ident) in use.frames for ident in rebound)]
        if later and handler.exits != "break":
            yield op, f"`{later[0].receiver}.{later[0].method}()` on line {span_line(later[0].span)}"
            continue
        loop = next((ident for kind, ident in reversed(op.frames[:position]) if kind == "loop"), None)
        if loop is not None and origin.with_id and _inside(op.frames, ("with", origin.with_id), ("loop", loop)):
            loop = None  # `with Session() as s` in the loop's body: each iteration has a new session
        if loop is not None and handler.exits != "break":
            uses = [use for use in fn.ops if use.receiver == op.receiver and use.method not in _RESETS
                    and ("loop", loop) in use.frames and not any(("with", ident) in use.frames for ident in rebound)]
            if uses:
                first = min(uses, key=lambda use: use.order)
                yield op, f"`{first.receiver}.{first.method}()` on line {span_line(first.span)} in the next iteration"
                continue
        if handler.exits == "break":
            later = [use for use in later if loop is not None and ("loop", loop) not in use.frames]
            if later:
                yield op, f"`{later[0].receiver}.{later[0].method}()` on line {span_line(later[0].span)}"


class SwallowedFailedCommit(Rule):
    """## What it does
    Flags a `commit()` or `flush()` inside `try` whose `except` handler (a bare
    `except`, `Exception`, or an SQLAlchemy error) neither re-raises nor calls
    `rollback()` (or `close()`) on the session, while the session is used again
    afterwards: later in the function, or in the next iteration of the loop the
    `try` sits in.

    A session is only recognised statically: `Session(...)`, a
    `sessionmaker(...)` instance or a project factory returning one,
    `scoped_session` registries, Flask-SQLAlchemy's `db.session`, parameters
    annotated `Session`/`AsyncSession` (also `Annotated[Session, Depends(...)]`
    and aliases of it), `self.db`-style attributes set from those, and `with`
    targets of project `@contextmanager` scope helpers. Anything else is left
    alone. A failed flush inside `with session.begin_nested():` rolls the
    savepoint back itself and is fine, as is a failed commit inside `with
    session.begin():` (the block rolls back on the way out) or inside `with
    Session() as s` opened anew in each iteration of the loop; a handler that checks
    `session.is_active` (to stop using the session) is trusted. Code in tests (under a `test`, `tests`
    or `testing` directory, `test_*.py`, `*_test.py`, `conftest.py`) is not
    checked.

    ## Why is this bad?
    After a failed flush the session is in an inactive transaction until
    `rollback()` is called: every later use raises `PendingRollbackError`
    ("This Session's transaction has been rolled back due to a previous
    exception during flush"), so the original error is hidden behind a stream
    of new ones (verified with SQLAlchemy 2.1).

    ## Example
    ```python
    for row in rows:
        session.add(Item(**row))
        try:
            session.commit()
        except IntegrityError:
            log.warning("duplicate %s", row)
    ```

    ## Use instead
    ```python
    for row in rows:
        session.add(Item(**row))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            log.warning("duplicate %s", row)
    ```
    """

    code = "ORM501"
    name = "swallowed-failed-commit"
    severity = Severity.WARNING
    summary = "a failed commit/flush is swallowed without rollback and the session is used again"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver_of(ctx)
        for module, facts, fn in _functions(resolver):
            for op, use in _swallowed_commits(resolver, module, fn):
                message = (f"`{op.receiver}.{op.method}()` in `{fn.name}` can fail and its `except` swallows the error "
                           f"without `{op.receiver}.rollback()`; {use} then raises PendingRollbackError.")
                hint = f"Call `{_awaited(op)}{op.receiver}.rollback()` in the `except` block (or re-raise)."
                yield self.diagnostic(facts.path, op.span, message, hint)


class CommitInsideCommittingScope(Rule):
    """## What it does
    Flags `commit()` on a session that the function got from a project scope
    helper which commits on exit: a `@contextmanager` /
    `@asynccontextmanager` function that yields a session and calls `commit()`
    after its `yield` (or yields from `sessionmaker.begin()`).

    Also reported: a function that commits a session parameter when a call in
    the same file passes it a session from such a helper (`with get_session()
    as s: save_thought(s, text)`). A commit inside a loop (one transaction per
    item or batch, to keep progress) is deliberate and left alone, as are
    helpers that commit only on a condition (`if commit: session.commit()`).
    Code in tests (under a `test`, `tests` or `testing` directory, `test_*.py`,
    `*_test.py`, `conftest.py`) is not checked.

    ## Why is this bad?
    The unit of work is split: everything before the inner `commit()` is
    already permanent when something later in the block fails, so the helper's
    rollback cannot undo it, and the helper commits a second time anyway. The
    second audit in ormlint's seeds found `save_thought()` doing this.

    ## Example
    ```python
    @contextmanager
    def get_session():
        session = SessionLocal()
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise

    def save_thought(text):
        with get_session() as session:
            session.add(Thought(text=text))
            session.commit()
    ```

    ## Use instead
    ```python
    def save_thought(text):
        with get_session() as session:
            session.add(Thought(text=text))
            session.flush()  # when the id is needed now; the helper commits
    ```
    """

    code = "ORM502"
    name = "commit-inside-committing-scope"
    severity = Severity.WARNING
    summary = "commit() on a session whose scope helper already commits on exit"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver_of(ctx)
        for module, facts, fn in _functions(resolver):
            for op in fn.ops:
                if op.method != "commit" or any(kind == "loop" for kind, _ in op.frames):
                    continue  # a commit per item or batch in a loop: progress saved on purpose
                origin = resolver.op_origin(module, fn, op)
                if origin is None:
                    continue
                via = ""
                if origin.kind == "param" and "." not in op.receiver:
                    found = _committing_caller(resolver, module, facts, fn, op.receiver)
                    if found is None:
                        continue
                    helper, caller = found
                    via = f" (passed in by `{caller}`)"
                elif origin.helper is None or not origin.helper.commits:
                    continue
                else:
                    helper = origin.helper
                message = (f"`{op.receiver}.commit()` in `{fn.name}` commits a session from `{helper.name}()`{via}, "
                           f"which commits again when the `with` block ends: the block is no longer one transaction.")
                hint = f"Drop this commit and let `{helper.name}()` commit (use `{op.receiver}.flush()` if ids are needed now)."
                yield self.diagnostic(facts.path, op.span, message, hint)


def _committing_caller(resolver: SessionResolver, module: str, facts: ModuleFacts, fn: SessionFunction,
                       param: str) -> Optional[tuple[ScopeHelper, str]]:
    """A call in the same file that passes `param` a session from a committing scope helper."""
    names = [name for name, _, _ in fn.params]
    if param not in names:
        return None
    short = fn.name.rsplit(".", 1)[-1]
    for caller in facts.sessions:
        for passed in caller.passes:
            if passed.callee != short or passed.bound != (fn.class_name is not None):
                continue
            if passed.bound and caller.class_name != fn.class_name:
                continue
            offset = 1 if passed.bound else 0
            for slot, name in passed.slots:
                if slot == param or (slot.isdigit() and int(slot) + offset == names.index(param)):
                    origin = resolver.origin(module, caller, name, passed.order, passed.frames)
                    if origin is not None and origin.helper is not None and origin.helper.commits:
                        return origin.helper, caller.name
    return None


@dataclass
class _Scope:
    receiver: str
    span_line: int
    span: object
    frames: tuple[tuple[str, int], ...]
    label: str
    writes: list[SessionOp]


def _exclusive(first: tuple[tuple[str, int], ...], second: tuple[tuple[str, int], ...]) -> bool:
    """Two blocks on different branches (`if`/`else`, `try`/`except`): never both run."""
    one, two = set(first), set(second)
    for kind, ident in one:
        if kind == "ifbody" and ("ifelse", ident) in two or kind == "ifelse" and ("ifbody", ident) in two:
            return True
        if kind == "try" and ("except", ident) in two or kind == "except" and (("try", ident) in two or ("else", ident) in two):
            return True
        if kind == "else" and ("except", ident) in two:
            return True
    for kind, ident in two:
        if kind == "except" and ("except", ident) not in one and ("try", ident) in one:
            return True
    return False


def _split_on_purpose(first: tuple[tuple[str, int], ...], second: tuple[tuple[str, int], ...]) -> bool:
    """The code makes the split explicit: the second block is in an `except`
    handler the first is not in (it compensates for, or records, a failure that
    came after the first committed), or each block is in a `try` of its own
    (best-effort writes: one failing must not undo the other)."""
    one, two = set(first), set(second)
    if any(kind == "except" and (kind, ident) not in one for kind, ident in two):
        return True
    return _in_own_try(one, two) and _in_own_try(two, one)


def _in_own_try(frames: set[tuple[str, int]], other: set[tuple[str, int]]) -> bool:
    return any(kind == "try" and (kind, ident) not in other for kind, ident in frames)


def _opened_scopes(resolver: SessionResolver, module: str, fn: SessionFunction) -> list[_Scope]:
    scopes: list[_Scope] = []
    for block in fn.withs:
        if not block.target:
            continue
        origin = resolver.with_origin(module, fn, block)
        if origin is None or origin.kind not in ("ctx", "begin", "scope"):
            continue
        if isinstance(block.context, Call) and isinstance(block.context.func, Name) and block.context.func.last == "begin" \
                and origin.kind == "begin" and resolver.origin(module, fn, block.context.func.dotted.rsplit(".", 1)[0], 0, ()) is not None \
                and resolver.call_origin(module, block.context, fn) is None:
            continue  # `with session.begin()`: a transaction on a session opened elsewhere
        writes = [op for op in fn.ops if op.receiver == block.target and ("with", block.id) in op.frames
                  and (op.method in _WRITES or op.dml)]
        label = block.context.func.dotted if isinstance(block.context, Call) and isinstance(block.context.func, Name) else "session"
        scopes.append(_Scope(block.target, span_line(block.span), block.span, (*block.frames, ("with", block.id)), f"{label}()", writes))
    assigned: dict[str, list[tuple[int, Call]]] = {}
    for target, value, line in fn.bindings:
        if "." in target or not isinstance(value, Call):
            continue
        origin = resolver.call_origin(module, value, fn)
        if origin is not None and origin.kind == "created":
            assigned.setdefault(target, []).append((line, value))
    for target, created in assigned.items():
        if len([t for t, _, _ in fn.bindings if t == target]) != len(created):
            continue  # also bound to something else
        created.sort(key=lambda item: item[0])
        for position, (line, value) in enumerate(created):
            until = created[position + 1][0] if position + 1 < len(created) else 10 ** 9
            writes = [op for op in fn.ops if op.receiver == target and line <= span_line(op.span) < until
                      and (op.method in _WRITES or op.dml)
                      and not any(b.target == target and ("with", b.id) in op.frames for b in fn.withs)]
            label = value.func.dotted if isinstance(value.func, Name) else "session"
            assert value.span is not None
            scopes.append(_Scope(target, line, value.span, (), f"{label}()", writes))
    return sorted(scopes, key=lambda scope: scope.span_line)


def _batch(scope: _Scope) -> bool:
    """A scope opened in a loop, or committing in a loop: a batch job that has
    chosen one transaction per item or per batch."""
    if any(kind == "loop" for kind, _ in scope.frames):
        return True
    return any(op.method == "commit" and any(kind == "loop" for kind, _ in op.frames[len(scope.frames):])
               for op in scope.writes)


class SeveralSessionsInOneFunction(Rule):
    """## What it does
    Flags a function that opens two or more sessions or session scopes
    (`with get_session() as s` blocks of a project scope helper, `with
    Session() as s`, `with sessionmaker.begin() as s`, `s = SessionLocal()`),
    one after the other or nested, each of which writes (`add`, `delete`,
    `merge`, `flush`, `commit`, `execute(insert/update/delete)`). Reported on
    the second scope. Left alone: scopes on exclusive branches (`if`/`else`, a
    `try` body and its `except` handler: "record the failure in a fresh
    session"), a first scope in an `if` branch that ends in `return` (or
    `raise`) and a second after it, a second scope in an `except` handler the first is not in (it
    compensates for a later failure), scopes each in a `try` of its own
    (best-effort writes: one failing must not undo the other), batch jobs (a scope opened inside a loop, or one that commits
    inside a loop: one transaction per item or batch is their choice), tests,
    and Alembic revisions, whose sessions (`Session(bind=op.get_bind())`) join
    the migration's transaction: a `commit()` there does not end it.

    ## Why is this bad?
    The function's work is split into independent transactions: when the
    second fails, the first is already committed, and other requests can see
    the half-done state in between. The second audit in ormlint's seeds found
    `save_file()` writing a file in one session and updating its project in
    another.

    ## Example
    ```python
    def save_file(project_id, name):
        with get_session() as session:
            session.add(File(project_id=project_id, name=name))
        with get_session() as session:
            session.get(Project, project_id).file_count += 1
            session.commit()
    ```

    ## Use instead
    ```python
    def save_file(project_id, name):
        with get_session() as session:
            session.add(File(project_id=project_id, name=name))
            session.get(Project, project_id).file_count += 1
    ```
    """

    code = "ORM503"
    name = "several-sessions-in-one-function"
    severity = Severity.WARNING
    summary = "one function opens more than one writing session scope"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver_of(ctx)
        for module, facts, fn in _functions(resolver):
            if facts.is_migration:
                continue  # sessions on `op.get_bind()` join the migration's transaction
            scopes = [scope for scope in _opened_scopes(resolver, module, fn) if scope.writes and not _batch(scope)]
            if len(scopes) < 2:
                continue
            first = scopes[0]
            for second in scopes[1:]:
                if _exclusive(first.frames, second.frames) or _split_on_purpose(first.frames, second.frames):
                    continue
                if any(frame in fn.exiting and frame not in second.frames for frame in first.frames):
                    continue  # the first is in an `if` branch that returns: never both
                message = (f"`{fn.name}` opens a second writing session here (`{second.label}`, after `{first.label}` "
                           f"on line {first.span_line}): the two writes are separate transactions, not one unit of work.")
                hint = "Do all the writes in one session scope (pass the session down), or make the split explicit."
                span = second.span
                yield self.diagnostic(facts.path, span, message, hint)  # type: ignore[arg-type]
                break


_CONNECTING = frozenset({"connect", "begin", "get_bind", "connection", "raw_connection"})


def _is_sqlalchemy_connection(resolver: SessionResolver, module: str, fn: SessionFunction, receiver: str, depth: int = 0) -> bool:
    """`conn` from `engine.connect()` / `engine.begin()` / `op.get_bind()` /
    `session.connection()`, or a parameter annotated Connection/Engine."""
    if depth > 4 or not receiver:
        return False
    if receiver == "op" or receiver.endswith(".op"):
        symbol = resolver.symbols.resolve(module, receiver)
        return isinstance(symbol, External) and symbol.qualname == "alembic.op"
    symbol = resolver.symbols.resolve(module, receiver)
    local = receiver.split(".", 1)[0]
    if not any(target == local for target, _, _ in fn.bindings) and not any(name == local for name, _, _ in fn.params):
        if isinstance(symbol, AttrOf) and symbol.attr == "engine" and isinstance(symbol.owner, ValueRef) \
                and resolver.symbols.is_flask_db(symbol.owner):
            return True  # Flask-SQLAlchemy `db.engine.execute(...)` (1.x)
        if isinstance(symbol, ValueRef):
            assign = resolver.symbols.assignment(symbol)
            if assign is not None and assign.value is not None and _is_engine(resolver, symbol.module, [assign.value]):
                return True  # a module-level engine: `engine.execute(...)` (1.x)
    values: list[Expr] = [block.context for block in fn.withs if block.target == receiver]
    values += [value for target, value, _ in fn.bindings if target == receiver]
    for name, annotation, _ in fn.params:
        if name == receiver:
            target = annotation.value if isinstance(annotation, Subscript) else annotation
            return sqlalchemy_name(resolver.symbols.resolve_expr(module, target)) in _CONNECTION_CLASSES | _SESSION_CLASSES
    if not values:
        return False
    for value in values:
        if not (isinstance(value, Call) and isinstance(value.func, Name) and value.func.last in _CONNECTING and "." in value.func.dotted):
            return False
        base = value.func.dotted.rsplit(".", 1)[0]
        base_symbol = resolver.symbols.resolve(module, base)
        if isinstance(base_symbol, External) and base_symbol.root not in ("sqlalchemy", "alembic", "sqlmodel", "flask_sqlalchemy"):
            return False  # sqlite3.connect(), psycopg.connect(): DB-API, not SQLAlchemy
        if base_symbol is None and base not in ("op",):
            engine = [v for t, v, _ in fn.bindings if t == base]
            if not (_is_engine(resolver, module, engine) or resolver.origin(module, fn, base, 0, ()) is not None
                    or _is_engine_name(resolver, module, fn, base)):
                return False
        elif isinstance(base_symbol, ValueRef):
            assign = resolver.symbols.assignment(base_symbol)
            if assign is None or not _is_engine(resolver, base_symbol.module, [assign.value] if assign.value else []):
                return False
    return True


def _is_engine(resolver: SessionResolver, module: str, values: list[Expr]) -> bool:
    return bool(values) and all(
        isinstance(v, Call) and sqlalchemy_name(resolver.symbols.resolve_expr(module, v.func)) in ("create_engine", "create_async_engine", "engine_from_config")
        for v in values)


def _is_engine_name(resolver: SessionResolver, module: str, fn: SessionFunction, base: str) -> bool:
    for name, annotation, _ in fn.params:
        if name == base:
            return sqlalchemy_name(resolver.symbols.resolve_expr(module, annotation)) in _CONNECTION_CLASSES
    if base.startswith("op.") or base == "context":
        return True
    return False


class SqlBuiltFromInput(Rule):
    """## What it does
    Flags raw SQL built with an f-string, `%`, `.format()`, `+` or `join` from
    outside data and passed to SQLAlchemy's `text()`, to `execute()` on a
    session or connection, to `exec_driver_sql()` or to Alembic's
    `op.execute()` (migrations included), directly or through local variables.

    Outside data is what the function receives: a parameter annotated `str`
    (or `Optional[str]`, `Any`) or not annotated at all, or a value of
    Flask/Starlette's `request` (`request.args`, `form`, `json`,
    `query_params`...). It is followed through local variables, list
    `append`s, comprehensions, `join`s and str methods (`lower()`, `strip()`).

    Not an injection risk, so not reported:
    - literal-only strings and bound parameters (`text("... :id")`);
    - values read from objects and metadata: `table.name`,
      `Model.__tablename__`, `column.name`, settings attributes (program
      data, not input), module constants, the results of other calls
      (`int(x)`, `len(rows)`, `quote_ident(x)`: ormlint cannot see inside them
      and stays silent), also in a parameter bound anew to one before any
      other use (`username = quote_name(conn, username)`), or, for a name
      written in the call's own SQL, by an earlier statement of the call's
      block with nothing in between that may bind it again;
    - a variable that an earlier statement of the call's own block bound to
      such SQL, with nothing in between that may bind it again (`sql =
      f"... {quote(conn, db)}"` then `execute(text(sql))`), whatever another
      branch bound it to;
    - numbers: `%d` conversions, numeric format specs (`{n:d}`), parameters
      annotated `int`, `float`, `bool`, `UUID`, `datetime`...;
    - names the function checks against an allow-list (`if col not in
      ALLOWED: raise`, `x == "asc"`, `x.isidentifier()`, `re.match(..., x)`)
      or looks up in one (`COLUMNS[x]`), or passes to a helper named for
      checking it (`validate_tenant_id(x)`, `is_safe_name(x)`);
    - code in tests.

    Also not reported: values escaped the SQL way for a quoted literal
    (`path.replace("'", "''")` in `'...{}...'`), parameters that are SQL by contract (`where`,
    `clause`, `condition`, `*_sql`: the caller builds them), parameters of a
    private function (`_name`, any function of an Alembic revision, which
    nothing imports, or a function nested in another that only calls it,
    never returns or passes it on) that no call in the same file passes
    outside data to,
    values read back from the database (second-order data is not
    followed), and DB-API cursors (`cursor.execute(...)` of sqlite3/psycopg:
    not SQLAlchemy; only sessions, connections from `engine.connect()` /
    `engine.begin()` / `op.get_bind()` / `session.connection()`, engines and
    Alembic's `op` count as `execute()` receivers).

    A public function that splices its `str` argument unquoted into SQL is an
    injection point whatever its callers pass today: that is what it reports.

    ## Why is this bad?
    A quote in the value changes the statement (SQL injection), and values
    with quotes break it even without malice.

    ## Example
    ```python
    def find_users(session: Session, name: str):
        return session.execute(text(f"SELECT * FROM users WHERE name = '{name}'"))
    ```

    ## Use instead
    ```python
    def find_users(session: Session, name: str):
        return session.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name})
    ```
    """

    code = "ORM505"
    name = "sql-built-from-input"
    severity = Severity.ERROR
    summary = "raw SQL built from parameter or request data (SQL injection)"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver_of(ctx)
        for module, facts, fn in _functions(resolver):
            for sink in fn.sinks:
                if not self._is_sink(resolver, module, fn, sink.kind, sink.func, sink.receiver):
                    continue
                called = f"{sink.receiver}.{sink.kind}()" if sink.receiver else f"{sink.kind}()"
                sources = ", ".join(f"`{name}`" for name in sink.sources)
                what = "request data" if sink.sources == ("request",) else f"{sources} (a parameter of `{fn.name}`)" \
                    if "request" not in sink.sources else f"{sources}"
                message = f"SQL built with {_article(sink.construction)} from {what} is passed to `{called}`: SQL injection."
                if sink.ddl:
                    hint = ("A schema statement takes no bound parameters: turn the value into what it must be first "
                            "(`int(value)`), or check it against a literal allow-list (identifiers).")
                else:
                    hint = ("Use bound parameters (`text(\"... WHERE name = :name\")` with a dict of values); "
                            "for identifiers, check them against a literal allow-list first.")
                yield self.diagnostic(facts.path, sink.span, message, hint)

    def _is_sink(self, resolver: SessionResolver, module: str, fn: SessionFunction, kind: str, func: Expr, receiver: str) -> bool:
        if kind == "text":
            return isinstance(func, Name) and sqlalchemy_name(resolver.symbols.resolve_expr(module, func)) == "text"
        if kind == "exec_driver_sql":
            return True
        if resolver.origin(module, fn, receiver, 0, ()) is not None:
            return True
        if any(block.target == receiver and resolver.with_origin(module, fn, block) is not None for block in fn.withs):
            return True
        return _is_sqlalchemy_connection(resolver, module, fn, receiver)


def _article(construction: str) -> str:
    return {"f-string": "an f-string", "%": "`%` formatting", ".format()": "`.format()`", "+": "`+` concatenation",
            "join": "`join()`"}.get(construction, construction)


_SERVER_SCHEMES = re.compile(r"^(postgres|postgresql|mysql|mariadb|mssql|oracle|cockroachdb|redshift|snowflake)[+:]", re.IGNORECASE)
_POOL_SETTINGS = frozenset({"pool_pre_ping", "pool_recycle", "poolclass"})


def _engine_calls(resolver: SessionResolver) -> Iterator[tuple[str, ModuleFacts, Call]]:
    for module, facts in resolver.modules():
        if is_test_path(facts.path) or facts.is_migration:
            continue
        values: list[Expr] = [a.value for a in facts.assignments if a.value is not None]
        for fn in facts.sessions:
            values.extend(value for _, value, _ in fn.bindings)
            values.extend(fn.returns)
        for value in values:
            if isinstance(value, Call) and isinstance(value.func, Name) and \
                    sqlalchemy_name(resolver.symbols.resolve_expr(module, value.func)) in ("create_engine", "create_async_engine"):
                yield module, facts, value


def _url_scheme(expr: Optional[Expr]) -> Optional[str]:
    if isinstance(expr, Const) and isinstance(expr.value, str):
        return expr.value
    return None


class EngineWithoutPoolSettings(Rule):
    """## What it does
    Flags `create_engine()` / `create_async_engine()` for a server database
    (the URL is a literal `postgresql://`, `mysql://`, `mssql://`, `oracle://`...
    string) without `pool_pre_ping=True`, `pool_recycle=` or `poolclass=`.
    Engines whose URL is not a literal are left alone (the database is not
    known), and so are SQLite URLs, Alembic revisions and tests. Opt-in.

    ## Why is this bad?
    Pooled connections go stale when the server, a proxy or a firewall drops
    idle connections; without a pre-ping or a recycle time the first query on
    such a connection fails with "server closed the connection unexpectedly".

    ## Example
    ```python
    engine = create_engine("postgresql+psycopg://app@db/app")
    ```

    ## Use instead
    ```python
    engine = create_engine("postgresql+psycopg://app@db/app", pool_pre_ping=True, pool_recycle=1800)
    ```
    """

    code = "ORM506"
    name = "engine-without-pool-settings"
    severity = Severity.INFO
    summary = "create_engine() for a server database without pool_pre_ping / pool_recycle"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver_of(ctx)
        for module, facts, call in _engine_calls(resolver):
            url = _url_scheme(call.args[0] if call.args else call.kwarg("url"))
            if url is None or not _SERVER_SCHEMES.match(url) or call.star_kwargs:
                continue
            if any(key in _POOL_SETTINGS for key, _ in call.kwargs):
                continue
            assert call.span is not None
            dialect = url.split(":", 1)[0]
            message = f"Engine for `{dialect}` without `pool_pre_ping=True` or `pool_recycle`: stale pooled connections fail on first use."
            hint = "Pass `pool_pre_ping=True` (and `pool_recycle=` below the server's idle timeout)."
            yield self.line_diagnostic(facts.path, call.span, message, hint)


_HEALTH_NAME = re.compile(r"(^|_)(health|healthz|healthcheck|health_check|readiness|ready|readyz|liveness|status)(_|$)", re.IGNORECASE)
_DB_WORDS = re.compile(r"^(db|database|postgres|postgresql|mysql|sql)(_status|_ok|_healthy)?$", re.IGNORECASE)
_HEALTHY = re.compile(r"^(ok|up|healthy|connected|pass|passing|alive|available|ready)$", re.IGNORECASE)


class HealthCheckWithoutQuery(Rule):
    """## What it does
    Flags a health-check function (named `health`, `healthz`,
    `health_check`, `readiness`, `ready`, `liveness`, `status`...) whose
    returned value names the database (`"database"`, `"db"`) with a healthy
    literal (`"ok"`, `"up"`, `"healthy"`, `"connected"`) while the function
    calls nothing at all that could reach the database: no `execute()`,
    `scalar()`, `connect()`, `ping()`, and no other function call except
    building the response (`jsonify`, `dict`, `JSONResponse`...). Tests are
    not checked. Opt-in.

    ## Why is this bad?
    The check reports the database healthy even when it is down: the load
    balancer keeps routing traffic to an instance that can only fail. The
    audits found a `/health` endpoint returning `{"database": "ok"}`
    unconditionally.

    ## Example
    ```python
    @app.get("/health")
    def health():
        return {"status": "ok", "database": "ok"}
    ```

    ## Use instead
    ```python
    @app.get("/health")
    def health(session: SessionDep):
        session.execute(text("SELECT 1"))
        return {"status": "ok", "database": "ok"}
    ```
    """

    code = "ORM507"
    name = "health-check-without-query"
    severity = Severity.INFO
    summary = "a health check reports the database healthy without querying it"
    default = False

    _RESPONSE_BUILDERS = frozenset({"jsonify", "dict", "JSONResponse", "Response", "make_response", "str", "now",
                                    "utcnow", "isoformat", "get", "items", "format"})

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver_of(ctx)
        for module, facts, fn in _functions(resolver):
            if not _HEALTH_NAME.search(fn.name.rsplit(".", 1)[-1]):
                continue
            strings = fn.returned_strings
            if not any(_DB_WORDS.match(s) for s in strings) or not any(_HEALTHY.match(s) for s in strings):
                continue
            if fn.called - self._RESPONSE_BUILDERS:
                continue
            message = f"`{fn.name}` reports the database healthy without executing anything against it."
            hint = "Run a trivial statement (`SELECT 1`) on a session or connection and report its failure."
            yield self.diagnostic(facts.path, fn.span, message, hint, whole_span=False)


def _rollback_path(resolver: SessionResolver, module: str, fn: SessionFunction, op: SessionOp, origin: Origin) -> bool:
    """The commit is covered when it fails: rollback/close in a handler or
    `finally`, a `with` that rolls back, a framework-managed session."""
    if origin.kind in ("framework", "ctx", "begin"):
        return True
    if origin.kind == "scope" and origin.helper is not None and origin.helper.rolls_back:
        return True
    trys = {t.id: t for t in fn.trys}
    for kind, ident in op.frames:
        if kind == "try" and ident in trys:
            statement = trys[ident]
            if op.receiver in statement.finally_resets:
                return True
            if any(op.receiver in handler.resets for handler in statement.handlers):
                return True
        if kind == "with":
            block = next((b for b in fn.withs if b.id == ident), None)
            if block is None:
                continue
            transaction = _transaction_block(block)
            if transaction is not None and transaction[0] and transaction[0] == op.receiver:
                return True  # `with session.begin()` / `begin_nested()`
            if block.target == op.receiver or (isinstance(block.context, Name) and block.context.dotted == op.receiver):
                inner = resolver.with_origin(module, fn, block)
                if inner is not None and inner.kind in ("ctx", "begin") or \
                        inner is not None and inner.helper is not None and inner.helper.rolls_back:
                    return True
    return False


class CommitWithoutRollbackPath(Rule):
    """## What it does
    Flags `commit()` on a session with no rollback path at all. A commit is
    covered (not reported) when it is:
    - inside `try` whose `except` calls `rollback()` or `close()` on the
      session, or whose `finally` does;
    - inside `with session.begin()` / `begin_nested()`, `with Session() as s`
      (closing rolls back), `with sessionmaker.begin() as s`, or a project
      `@contextmanager` scope helper that rolls back or closes on error;
    - on a framework-managed session: Flask-SQLAlchemy's request-scoped
      `db.session` (removed, so rolled back, at request teardown) and FastAPI
      dependency parameters (`session: Session = Depends(get_db)`,
      `Annotated[Session, Depends(get_db)]`, aliases such as `SessionDep`),
      whose generator dependency closes the session after the request;
    - in a function with a project decorator (it may wrap the call in a scope);
    - in tests, and in Alembic revisions (a failure aborts the migration run);
    - already reported as ORM501 (a swallowed failure).
    Opt-in: a session received as a parameter (repositories) may well be
    rolled back by its caller; the audits asked for a local rollback anyway.

    ## Why is this bad?
    When the commit fails, the session stays in a failed transaction: a
    long-lived or pooled session then raises `PendingRollbackError` on every
    later use until someone rolls it back. The fourth audit in ormlint's seeds
    found `EvaluationRepository.create()` committing without try/except.

    ## Example
    ```python
    class EvaluationRepository:
        def __init__(self, db: Session):
            self.db = db

        def create(self, evaluation):
            self.db.add(evaluation)
            self.db.commit()
    ```

    ## Use instead
    ```python
        def create(self, evaluation):
            try:
                self.db.add(evaluation)
                self.db.commit()
            except Exception:
                self.db.rollback()
                raise
    ```
    """

    code = "ORM508"
    name = "commit-without-rollback-path"
    severity = Severity.INFO
    summary = "commit() with no rollback path"
    default = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        resolver = _resolver_of(ctx)
        for module, facts, fn in _functions(resolver):
            commits = [op for op in fn.ops if op.method == "commit"]
            if not commits or facts.is_migration or self._project_decorated(resolver, module, fn):
                continue
            swallowed = {id(op) for op, _ in _swallowed_commits(resolver, module, fn)}
            for op in commits:
                if id(op) in swallowed:
                    continue
                origin = resolver.op_origin(module, fn, op)
                if origin is None or _rollback_path(resolver, module, fn, op, origin):
                    continue
                message = f"`{op.receiver}.commit()` in `{fn.name}` has no rollback path: a failed commit leaves the session unusable."
                hint = f"Wrap the work in `try:` ... `except Exception: {_awaited(op)}{op.receiver}.rollback(); raise`, or in `with {op.receiver}.begin():`."
                yield self.diagnostic(facts.path, op.span, message, hint)

    _PLAIN = frozenset({"staticmethod", "classmethod", "property", "abstractmethod", "override", "cached_property"})
    _ROUTES = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route", "websocket", "command",
                         "errorhandler", "before_request", "after_request", "setter"})

    def _project_decorated(self, resolver: SessionResolver, module: str, fn: SessionFunction) -> bool:
        """A decorator that may wrap the function in a session scope (a project
        function, or a name ormlint cannot resolve)."""
        for decorator in fn.decorators:
            target = decorator.func if isinstance(decorator, Call) else decorator
            if not isinstance(target, Name) or target.last in self._PLAIN:
                continue
            if "." in target.dotted and target.last in self._ROUTES:
                continue
            symbol = resolver.symbols.resolve_expr(module, target)
            if not isinstance(symbol, External):
                return True
        return False
# -- examples -------------------------------------------------------------

_PRELUDE = '''
from contextlib import asynccontextmanager, contextmanager
from sqlalchemy import Column, Integer, String, create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

Base = declarative_base()
SessionLocal = sessionmaker(bind=create_engine("sqlite://"))
AsyncSessionLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


class Thought(Base):
    __tablename__ = "thoughts"
    id = Column(Integer, primary_key=True)
    text = Column(String)


@contextmanager
def get_session():
    session = SessionLocal()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


@asynccontextmanager
async def get_async_session():
    async with AsyncSessionLocal() as session:
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise


@contextmanager
def read_session():
    with SessionLocal() as session:
        yield session
'''

SwallowedFailedCommit.VALID = [
    '''
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    name = Column(String(20), unique=True)

def import_names(session: Session, names):
    # Langflow: a failed flush leaves the session inactive; the loop stops.
    for name in names:
        try:
            session.add(Item(name=name))
            session.flush()
        except Exception:
            if not session.is_active:
                break
''',
    _PRELUDE + '''
def import_rows(session: Session, rows):
    for row in rows:
        session.add(Thought(text=row))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
''',
    _PRELUDE + '''
async def import_rows(session: AsyncSession, rows):
    for row in rows:
        try:
            async with session.begin_nested():
                session.add(Thought(text=row))
                await session.flush()
        except IntegrityError:
            continue
    await session.commit()
''',
    _PRELUDE + '''
def save(session: Session, thought):
    session.add(thought)
    try:
        session.commit()
    except IntegrityError:
        return False
    return True

def save_or_raise(session: Session, thought, log):
    try:
        session.add(thought)
        session.commit()
    except Exception:
        log.exception("save failed")
        raise
    session.refresh(thought)

def not_a_session(conn, rows):
    for row in rows:
        try:
            conn.commit()
        except Exception:
            pass
''',
    _PRELUDE + '''
def take_lock(session: Session, text):
    for _ in range(3):
        try:
            # onyx: the block rolls the transaction back when the commit fails.
            with session.begin():
                session.add(Thought(text=text))
                session.commit()
                return
        except IntegrityError:
            continue

def store_all(texts, log):
    for text in texts:
        # onyx: a new session in each iteration.
        with SessionLocal() as session:
            try:
                session.add(Thought(text=text))
                session.commit()
            except Exception:
                log.exception("could not store %s", text)
''',
]
SwallowedFailedCommit.INVALID = [
    _PRELUDE + '''
def take_lock(session: Session, other: Session, text):
    for _ in range(3):
        try:
            with other.begin():  # another session's transaction
                other.add(Thought(text=text))
            session.commit()  # ORM501
        except IntegrityError:
            continue

def store_all(texts, log):
    with SessionLocal() as session:  # one session for every iteration
        for text in texts:
            try:
                session.add(Thought(text=text))
                session.commit()  # ORM501
            except Exception:
                log.exception("could not store %s", text)
''',    _PRELUDE + '''
def import_rows(session: Session, rows):
    for row in rows:
        session.add(Thought(text=row))
        try:
            session.commit()  # ORM501
        except IntegrityError:
            pass
''',
    _PRELUDE + '''
async def import_rows(rows):
    async with AsyncSessionLocal() as session:
        for row in rows:
            session.add(Thought(text=row))
            try:
                await session.flush()  # ORM501
            except Exception as exc:
                print(exc)
''',
    _PRELUDE + '''
class ThoughtService:
    def __init__(self, session: Session):
        self.session = session

    def save(self, thought):
        self.session.add(thought)
        try:
            self.session.commit()  # ORM501
        except IntegrityError:
            print("duplicate")
        return self.session.query(Thought).count()
''',
]

CommitInsideCommittingScope.VALID = [
    _PRELUDE + '''
def save_thought(text):
    with get_session() as session:
        session.add(Thought(text=text))
        session.flush()
''',
    _PRELUDE + '''
async def save_thought(text):
    async with get_async_session() as session:
        session.add(Thought(text=text))
''',
    _PRELUDE + '''
def save_thought(text):
    with read_session() as session:
        session.add(Thought(text=text))
        session.commit()

def import_all(texts):
    with get_session() as session:
        for text in texts:
            session.add(Thought(text=text))
            session.commit()

def save_other(text):
    with SessionLocal() as session:
        session.add(Thought(text=text))
        session.commit()
''',
]
CommitInsideCommittingScope.INVALID = [
    _PRELUDE + '''
def save_thought(text):
    with get_session() as session:
        session.add(Thought(text=text))
        session.commit()  # ORM502
''',
    _PRELUDE + '''
async def save_thought(text):
    async with get_async_session() as session:
        session.add(Thought(text=text))
        await session.commit()  # ORM502
''',
    _PRELUDE + '''
def save_all(texts):
    with SessionLocal.begin() as session:
        for text in texts:
            session.add(Thought(text=text))
            session.commit()  # ORM502
''',
]
# `SessionLocal.begin()` is not a project helper: ORM502 names the helper, so
# that third case is covered by the begin() origin only when it is a helper.
CommitInsideCommittingScope.INVALID[2] = _PRELUDE + '''
@contextmanager
def transaction():
    with SessionLocal.begin() as session:
        yield session

def save_all(texts):
    with transaction() as session:
        for text in texts:
            session.add(Thought(text=text))
        session.commit()  # ORM502
'''

CommitInsideCommittingScope.INVALID.append(_PRELUDE + '''
async def save_thought(session: AsyncSession, text):
    session.add(Thought(text=text))
    await session.commit()  # ORM502

async def handle(text):
    async with get_async_session() as session:
        await save_thought(session, text)
''')
CommitInsideCommittingScope.VALID.append(_PRELUDE + '''
@contextmanager
def unit_of_work(commit=True):
    session = SessionLocal()
    try:
        yield session
        if commit:
            session.commit()
    except Exception:
        session.rollback()
        raise

def save_thought(session: Session, text):
    session.add(Thought(text=text))
    session.commit()

def handle(text):
    with unit_of_work(commit=False) as session:
        session.add(Thought(text=text))
        session.commit()
    with read_session() as session:
        save_thought(session, text)
''')

SeveralSessionsInOneFunction.VALID = [
    {
        "models.py": '''
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    label = Column(String(20))
''',
        "migrations/versions/a1_fill.py": '''
from alembic import op
from sqlalchemy.orm import Session

from models import Item

revision = "a1"
down_revision = None

def upgrade():
    # JupyterHub: both sessions join the migration's transaction.
    conn = op.get_bind()
    db = Session(bind=conn)
    db.add(Item(id=1, label="a"))
    db.commit()
    db = Session(bind=conn)
    db.add(Item(id=2, label="b"))
    db.commit()
''',
    },
    _PRELUDE + '''
def save_file(text):
    with get_session() as session:
        session.add(Thought(text=text))
        session.add(Thought(text=text + " (copy)"))
''',
    _PRELUDE + '''
async def save_file(text):
    async with get_async_session() as session:
        existing = await session.get(Thought, 1)
    async with get_async_session() as session:
        session.add(Thought(text=text))
''',
    _PRELUDE + '''
def save_file(text, archive):
    if archive:
        with get_session() as session:
            session.add(Thought(text="archived: " + text))
    else:
        with get_session() as session:
            session.add(Thought(text=text))

def record(text):
    try:
        with get_session() as session:
            session.add(Thought(text=text))
    except Exception:
        with get_session() as session:
            session.add(Thought(text="failed: " + text))
''',
    _PRELUDE + '''
def send(text):
    raise NotImplementedError

def reserve_and_send(text):
    with get_session() as session:
        session.add(Thought(text="reserved: " + text))
    try:
        send(text)
    except Exception:
        # onyx: compensate for the failure that came after the first commit.
        with get_session() as session:
            session.add(Thought(text="released: " + text))
        raise

def persist(text, log):
    # onyx: two best-effort writes, each in a `try` of its own.
    try:
        with get_session() as session:
            session.add(Thought(text=text))
    except Exception:
        log.exception("write failed")
    try:
        with get_session() as session:
            session.add(Thought(text="log: " + text))
    except Exception:
        log.warning("log write failed")

def advance(text, first_step):
    # OpenHands: the first step writes and returns; only later steps reach the second.
    if first_step:
        with get_session() as session:
            session.add(Thought(text="started: " + text))
        return
    with get_session() as session:
        session.add(Thought(text="done: " + text))
''',
]
SeveralSessionsInOneFunction.INVALID = [
    _PRELUDE + '''
def advance(text, first_step, log):
    if first_step:
        with get_session() as session:
            session.add(Thought(text="started: " + text))
        log.info("started")  # no return: the second write follows in the same call
    with get_session() as session:  # ORM503
        session.add(Thought(text="done: " + text))
''',
    _PRELUDE + '''
def persist(text, log):
    # Only the second write is guarded: the first is not best-effort.
    with get_session() as session:
        session.add(Thought(text=text))
    try:
        with get_session() as session:  # ORM503
            session.add(Thought(text="log: " + text))
    except Exception:
        log.warning("log write failed")

def record(text, log):
    try:
        with get_session() as session:
            session.add(Thought(text=text))
        # In the same `try` as the first: one unit of work, split in two.
        with get_session() as session:  # ORM503
            session.add(Thought(text="log: " + text))
    except Exception:
        log.warning("write failed")
''',
    _PRELUDE + '''
def save_file(text):
    with get_session() as session:
        session.add(Thought(text=text))
    with get_session() as session:  # ORM503
        session.add(Thought(text=text + " (log)"))
''',
    _PRELUDE + '''
async def save_file(text):
    async with get_async_session() as session:
        session.add(Thought(text=text))
        async with AsyncSessionLocal() as audit:  # ORM503
            audit.add(Thought(text="audit: " + text))
            await audit.commit()
''',
    _PRELUDE + '''
def save_file(text):
    first = SessionLocal()
    first.add(Thought(text=text))
    first.commit()
    second = SessionLocal()  # ORM503
    second.add(Thought(text=text))
    second.commit()
''',
]

SqlBuiltFromInput.VALID = [
    '''
from sqlalchemy import Connection, text

def combine_version_tables(conn: Connection, schema: str) -> None:
    # renku: the name must be a key of a dict written here, or nothing runs.
    revisions = {"authz": "748ed0f3439f", "projects": "7c08ed2fb79d"}
    revision = revisions.get(schema)
    if not revision:
        return
    conn.execute(text(f"DROP TABLE IF EXISTS {schema}.alembic_version"))
''',
    '''
from sqlalchemy import text

def fill_affiliations(session, email):
    # augur: a local helper, called only here, with literals.
    def fill(attribution):
        stmt = text(f"UPDATE commits SET {attribution}_affiliation = :aff WHERE {attribution}_email = :email")
        session.execute(stmt, {"aff": "x", "email": email})

    fill("author")
    fill("committer")
''',
    '''
import os

from sqlalchemy import create_engine, text

def attach(library_dir: str):
    # Calibre-Web: the path inside a quoted literal, its quotes doubled.
    path = os.path.join(library_dir, "metadata.db")
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("attach database '{}' as lib;".format(path.replace("'", "''"))))
    return engine
''',
    _PRELUDE + '''
ALLOWED = {"id", "text"}

def find(session: Session, name: str):
    return session.execute(text("SELECT * FROM thoughts WHERE text = :name"), {"name": name})

def ordered(session: Session, column: str):
    if column not in ALLOWED:
        raise ValueError(column)
    return session.execute(text(f"SELECT * FROM thoughts ORDER BY {column}"))

def drop_schema(session: Session, tenant_id: str):
    # onyx: a helper named for it checks the value first.
    if not validate_tenant_id(tenant_id):
        raise ValueError(tenant_id)
    session.execute(text(f'DROP SCHEMA IF EXISTS "{tenant_id}" CASCADE'))
''',
    _PRELUDE + '''
async def page(session: AsyncSession, limit: int, table):
    sql = f"SELECT * FROM {Thought.__tablename__} LIMIT {limit}"
    await session.execute(text(sql))
    await session.execute(text(f"SELECT count(*) FROM {table.name}"))
''',
    _PRELUDE + '''
def _count(session: Session, where):
    return session.execute(text("SELECT count(*) FROM thoughts WHERE " + where)).scalar()

def count_recent(session: Session):
    return _count(session, "id > 10")

def render(name: str):
    from markup import text as html_text
    return html_text(f"Hello {name}")
''',
    _PRELUDE + '''
def quote_name(session: Session, name: str):
    return session.execute(text("SELECT quote_ident(:n)"), {"n": name}).scalar()

def create_user(session: Session, username: str):
    # datacube: the parameter is bound anew to its quoted form before any use.
    username = quote_name(session, username)
    session.execute(text(f"CREATE ROLE {username}"))

def grant(session: Session, users: list):
    users = [quote_name(session, user) for user in users]
    session.execute(text("GRANT reader TO " + ", ".join(users)))

def create_database(session: Session, name: str, encoding: str, postgres: bool):
    # sqlalchemy-utils: what `sql` holds here is the line above, whatever the other branch made it.
    if postgres:
        sql = f"CREATE DATABASE {quote_name(session, name)} ENCODING '{encoding}'"  # a parameter, quoted by hand
        session.execute(text("SELECT 1"))
    else:
        sql = f"CREATE DATABASE {quote_name(session, name)}"
        session.execute(text(sql))

def create_index(session: Session, table: str, column: str):
    # langchain-postgres: read as it came first, then quoted: the SQL gets the quoted name.
    index = column + "_idx"
    column = quote_name(session, column)
    table = quote_name(session, table)
    session.execute(text(f'CREATE TABLE {table} ({column} TEXT)'))
    return index
''',
]
SqlBuiltFromInput.INVALID = [
    _PRELUDE + '''
def drop_version_table(session: Session, schema: str, known: dict):
    # A lookup in a dict the caller passes checks nothing.
    if not known.get(schema):
        return
    session.execute(text(f"DROP TABLE IF EXISTS {schema}.alembic_version"))  # ORM505
''',
    _PRELUDE + '''
def create_database(session: Session, name: str, encoding: str, plain: bool):
    sql = f"CREATE DATABASE {name} ENCODING '{encoding}'"
    if plain:
        sql = "CREATE DATABASE fallback"  # only on one path
    session.execute(text(sql))  # ORM505
''',
    _PRELUDE + '''
def create_user(session: Session, username: str):
    username = username.strip()  # still the caller's text
    session.execute(text(f"CREATE ROLE {username}"))  # ORM505

def drop_user(session: Session, username: str):
    session.execute(text(f"DROP ROLE {username}"))  # ORM505
    username = normalise(username)

def drop_schema(session: Session, tenant_id: str):
    render_unsafe(tenant_id)  # named for the opposite
    session.execute(text(f'DROP SCHEMA IF EXISTS "{tenant_id}" CASCADE'))  # ORM505

def create_index(session: Session, column: str, quoted: bool):
    suffix = column + "_idx"
    if quoted:
        column = normalise(column)  # on one path only
    session.execute(text(f"CREATE INDEX {suffix} ON t ({column})"))  # ORM505
''',
    '''
from sqlalchemy import text

def affiliation_filler(session, email):
    # The local function is returned: its callers pass what they like.
    def fill(attribution):
        stmt = text(f"UPDATE commits SET {attribution}_affiliation = :aff")  # ORM505
        session.execute(stmt, {"aff": "x"})
    return fill

def fill_from(session, attribution):
    def fill(prefix):
        stmt = text(f"UPDATE commits SET {prefix}_affiliation = :aff")  # ORM505
        session.execute(stmt, {"aff": "x"})
    # Called with the caller's own parameter.
    fill(attribution)
''',
    _PRELUDE + '''
def find(session: Session, name: str):
    return session.execute(text(f"SELECT * FROM thoughts WHERE text = '{name}'"))  # ORM505
''',
    _PRELUDE + '''
async def search(session: AsyncSession, words: list, column: str):
    sql = "SELECT * FROM thoughts WHERE "
    sql += " OR ".join("%s LIKE '%%%s%%'" % (column, word) for word in words)
    return await session.execute(text(sql))  # ORM505
''',
    {
        "app/__init__.py": "",
        "app/views.py": '''
from flask import request
from sqlalchemy import create_engine

engine = create_engine("sqlite://")

def search():
    term = request.args.get("q", "")
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT * FROM t WHERE name = '%s'" % term)  # ORM505
''',
        "migrations/versions/0001_fix.py": '''
from alembic import op

revision = "0001"
down_revision = None

def rename_status(old: str, new: str):
    # Nothing imports a revision: only its own calls, with literals, reach this.
    op.execute("UPDATE t SET status = '{}' WHERE status = '{}'".format(new, old))

def upgrade():
    rename_status("a", "b")
''',
    },
]

EngineWithoutPoolSettings.VALID = [
    '''
from sqlalchemy import create_engine
engine = create_engine("postgresql+psycopg://app@db/app", pool_pre_ping=True)
''',
    '''
from sqlalchemy.ext.asyncio import create_async_engine
engine = create_async_engine("postgresql+asyncpg://app@db/app", pool_recycle=1800)
''',
    '''
import os
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool
local = create_engine("sqlite:///app.db")
unknown = create_engine(os.environ["DATABASE_URL"])
batch = create_engine("mysql://app@db/app", poolclass=NullPool)
''',
]
EngineWithoutPoolSettings.INVALID = [
    '''
from sqlalchemy import create_engine
engine = create_engine("postgresql+psycopg://app@db/app")  # ORM506
''',
    '''
from sqlalchemy.ext.asyncio import create_async_engine

def make_engine():
    return create_async_engine("postgresql+asyncpg://app@db/app", echo=True)  # ORM506
''',
    '''
import sqlalchemy as sa
engine = sa.create_engine("mysql+pymysql://app@db/app", pool_size=10)  # ORM506
''',
]

HealthCheckWithoutQuery.VALID = [
    _PRELUDE + '''
def health(session: Session):
    session.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}
''',
    _PRELUDE + '''
async def readiness(session: AsyncSession):
    await session.scalar(text("SELECT 1"))
    return {"db": "up"}
''',
    _PRELUDE + '''
def health():
    return {"status": "ok"}

def health_check():
    return {"database": "ok" if check_database() else "down"}

def check_database():
    return True
''',
]
HealthCheckWithoutQuery.INVALID = [
    _PRELUDE + '''
def health():  # ORM507
    return {"status": "ok", "database": "ok"}
''',
    _PRELUDE + '''
async def readiness():  # ORM507
    return {"db": "up"}
''',
    '''
from flask import Flask, jsonify
app = Flask(__name__)

@app.route("/healthz")
def healthz():  # ORM507
    return jsonify(database="connected", status="healthy")
''',
]

CommitWithoutRollbackPath.VALID = [
    _PRELUDE + '''
class EvaluationRepository:
    def __init__(self, db: Session):
        self.db = db

    def create(self, evaluation):
        try:
            self.db.add(evaluation)
            self.db.commit()
        except Exception:
            self.db.rollback()
            raise
        return evaluation
''',
    _PRELUDE + '''
async def create(text):
    async with AsyncSessionLocal() as session:
        session.add(Thought(text=text))
        await session.commit()

async def create_in_tx(session: AsyncSession, text):
    async with session.begin():
        session.add(Thought(text=text))
''',
    {
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\\ndb = SQLAlchemy()\\n",
        "app/views.py": '''
from typing import Annotated
from fastapi import Depends
from sqlalchemy.orm import Session
from app import db

def get_db():
    with Session() as session:
        yield session

SessionDep = Annotated[Session, Depends(get_db)]

def create(item):
    db.session.add(item)
    db.session.commit()

def create_api(item, session: SessionDep):
    session.add(item)
    session.commit()
''',
    },
]
CommitWithoutRollbackPath.INVALID = [
    _PRELUDE + '''
class EvaluationRepository:
    def __init__(self, db: Session):
        self.db = db

    def create(self, evaluation):
        self.db.add(evaluation)
        self.db.commit()  # ORM508
        self.db.refresh(evaluation)
        return evaluation
''',
    _PRELUDE + '''
async def create(session: AsyncSession, text):
    session.add(Thought(text=text))
    await session.commit()  # ORM508
''',
    _PRELUDE + '''
def create(text):
    session = SessionLocal()
    session.add(Thought(text=text))
    session.commit()  # ORM508
    return session
''',
]
