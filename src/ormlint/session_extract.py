"""Session facts: how each function of one file handles sessions and transactions.

Per function (methods and nested functions included): the calls of session
methods (`commit`, `flush`, `rollback`, `add`...) with the blocks around them
(`try`, `except`, `finally`, `with`, loops), the `try` statements with what
their handlers do, the `with` blocks, the bindings of local names, the
`yield`s (for `@contextmanager` scope helpers) and the raw-SQL sinks (`text()`,
`execute()`, `exec_driver_sql()`) whose SQL string is built from parameter or
request data. Everything is syntactic and file-local: which names are
sessions is decided across files by `rules/sessions.py`.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Callable, Optional

from ormlint.expr import (Expr, Other, Span, annotation_to_expr, dotted_name, record, replace_record,
                          span_of, to_expr)

# Session (and connection) methods worth recording.
SESSION_METHODS = frozenset({
    "commit", "flush", "rollback", "close", "add", "add_all", "delete", "merge", "execute", "scalar", "scalars",
    "query", "get", "refresh", "begin", "begin_nested", "exec", "expunge", "expire", "bulk_save_objects",
    "bulk_insert_mappings", "bulk_update_mappings", "exec_driver_sql", "connection", "remove",
})

# A frame: (kind, id) with kind one of try / except / finally / else / with / loop / ifbody / ifelse.
Frame = tuple[str, int]


@record
class SessionOp:
    receiver: str  # the dotted receiver: `session`, `self.db`, `db.session`
    method: str
    span: Span  # the call
    awaited: bool
    frames: tuple[Frame, ...]  # enclosing blocks, outermost first
    order: int  # position of the call in the function, in source order
    dml: bool = False  # `execute(insert(...)/update(...)/delete(...))`


@record
class HandlerFact:
    types: tuple[str, ...]  # dotted exception names; () for a bare `except:`
    reraises: bool  # a `raise` anywhere in the handler
    resets: tuple[str, ...]  # receivers the handler calls rollback()/close() on
    exits: str  # how the handler's body ends: return / raise / break / continue / ""
    span: Span
    # Dotted names the handler passes to calls, assigns to (it may roll back or
    # replace them) or checks (`session.is_active`).
    handles: tuple[str, ...] = ()


@record
class TryFact:
    id: int
    span: Span
    handlers: tuple[HandlerFact, ...]
    finally_resets: tuple[str, ...]  # receivers `finally:` calls rollback()/close() on
    end_order: int  # order of the last call inside the whole statement


@record
class WithFact:
    id: int
    context: Expr
    target: Optional[str]
    is_async: bool
    span: Span
    frames: tuple[Frame, ...]


@record
class YieldFact:
    value: str  # dotted name yielded ("" when not a name)
    span: Span
    frames: tuple[Frame, ...]
    order: int


@record
class SessionPass:
    """`save(session, ...)` inside `with helper() as session`: a same-file call passing a with-target on."""

    callee: str
    bound: bool  # `self.save(...)`
    slots: tuple[tuple[str, str], ...]  # (positional index or keyword, passed name)
    frames: tuple[Frame, ...]
    order: int
    span: Span


@record
class SqlSink:
    kind: str  # text / execute / exec_driver_sql
    func: Expr  # the called expression: `text`, `sa.text`, `session.execute`, `op.execute`
    receiver: str  # dotted receiver for execute/exec_driver_sql ("" for text)
    span: Span  # the call
    construction: str  # f-string / % / .format() / + / join
    sources: tuple[str, ...]  # where outside data comes from: parameter names, `request`
    # The SQL is a schema statement (`ALTER SEQUENCE ... RESTART WITH {n}`,
    # `CREATE`, `DROP`, `SET`...): one that takes no bound parameters.
    ddl: bool = False


@record
class SessionFunction:
    name: str  # `func`, `Class.method`, `outer.inner` (as usage scopes)
    class_name: Optional[str]
    span: Span  # the `def` line
    is_async: bool
    decorators: tuple[Expr, ...]
    # (name, annotation, default)
    params: tuple[tuple[str, Optional[Expr], Optional[Expr]], ...]
    # (dotted target, value, line): `s = Session()`, `self.db = db`
    bindings: tuple[tuple[str, Expr, int], ...]
    ops: tuple[SessionOp, ...]
    trys: tuple[TryFact, ...]
    withs: tuple[WithFact, ...]
    yields: tuple[YieldFact, ...]
    sinks: tuple[SqlSink, ...]
    returns: tuple[Expr, ...]  # returned expressions
    # Every method name called in the body (for health checks) and string constants returned.
    called: frozenset[str] = frozenset()
    returned_strings: tuple[str, ...] = ()
    # (dotted class annotation target, annotation) for class-body annotations: filled for classes only
    class_annotations: tuple[tuple[str, Expr], ...] = ()
    # Calls of functions of the same file that pass outside data:
    # (callee name, called on self/cls, ((positional index or keyword, sources), ...)).
    tainted_calls: tuple[tuple[str, bool, tuple[tuple[str, tuple[str, ...]], ...]], ...] = ()
    passes: tuple[SessionPass, ...] = ()
    # The branches of `if` statements that end the function (their last
    # statement returns or raises): ("ifbody", id) or ("ifelse", id).
    exiting: tuple[Frame, ...] = ()


_RESET_METHODS = frozenset({"rollback", "close"})


# Statements whose values cannot be bound parameters: schema changes and settings.
_UNPARAMETRIZED = frozenset({"ALTER", "CREATE", "DROP", "TRUNCATE", "GRANT", "REVOKE", "COMMENT", "SET", "PRAGMA", "VACUUM"})


def _leading_word(sql: ast.AST) -> str:
    """The first word of SQL built from a literal start (an f-string, `%`,
    `+`, `.format()`), upper-cased; "" when it does not start with text."""
    head: ast.AST = sql
    while True:
        if type(head) is ast.JoinedStr and head.values:
            head = head.values[0]
        elif type(head) is ast.BinOp:
            head = head.left
        elif type(head) is ast.Call and type(head.func) is ast.Attribute and head.func.attr == "format":
            head = head.func.value
        else:
            break
    if type(head) is ast.Constant and isinstance(head.value, str):
        words = head.value.split(None, 1)
        return words[0].upper() if words else ""
    return ""


def _receiver(func: ast.AST) -> tuple[str, str]:
    if isinstance(func, ast.Attribute):
        return dotted_name(func.value) or "", func.attr
    return "", ""


_EXITS = ("return", "raise")


def _ends_with(body: list[ast.stmt]) -> str:
    if not body:
        return ""
    last = body[-1]
    if isinstance(last, ast.Return):
        return "return"
    if isinstance(last, ast.Raise):
        return "raise"
    if isinstance(last, ast.Break):
        return "break"
    if isinstance(last, ast.Continue):
        return "continue"
    if isinstance(last, ast.If) and last.orelse:
        first, second = _ends_with(last.body), _ends_with(last.orelse)
        if first and first == second:
            return first
    return ""


def _walk_no_functions(nodes: list[ast.AST]) -> list[ast.AST]:
    # Preorder, as ast.iter_child_nodes would give it (contexts and operators left out).
    found: list[ast.AST] = []
    stack: list[object] = list(reversed(nodes))
    pop, push, extend, append = stack.pop, stack.append, stack.extend, found.append
    fields_of = _CHILD_FIELDS
    while stack:
        node = pop()
        if not isinstance(node, ast.AST):
            continue  # None and plain values of list fields
        append(node)
        kind = type(node)
        fields = fields_of.get(kind)
        if fields is None:
            fields = _child_fields(kind)
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                extend(reversed(value))
            elif value is not None:
                push(value)
    return found


def _resets(nodes: list[ast.stmt]) -> tuple[str, ...]:
    return _resets_in(_walk_no_functions(list(nodes)))


def _resets_in(walked: list[ast.AST]) -> tuple[str, ...]:
    found = []
    for node in walked:
        if isinstance(node, ast.Call):
            receiver, method = _receiver(node.func)
            if method in _RESET_METHODS and receiver:
                found.append(receiver)
    return tuple(found)


def _handled(nodes: list[ast.stmt]) -> tuple[str, ...]:
    return _handled_in(_walk_no_functions(list(nodes)))


def _handled_in(walked: list[ast.AST]) -> tuple[str, ...]:
    found: list[str] = []
    for node in walked:
        if isinstance(node, ast.Call):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                name = dotted_name(arg)
                if name:
                    found.append(name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                name = dotted_name(target)
                if name:
                    found.append(name)
        elif isinstance(node, ast.Attribute) and node.attr == "is_active":
            # `if not session.is_active: break`: the handler checks whether
            # the session can still be used.
            name = dotted_name(node.value)
            if name:
                found.append(name)
    return tuple(found)


def _exception_names(node: Optional[ast.AST]) -> tuple[str, ...]:
    if node is None:
        return ()
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    return tuple(dotted_name(item) or "?" for item in items)


_DML = frozenset({"insert", "update", "delete"})
_DML_SQL = re.compile(r"\s*(insert|update|delete|merge|upsert)\b", re.IGNORECASE)


def _is_dml(node: ast.Call) -> bool:
    if not node.args:
        return False
    arg = node.args[0]
    if isinstance(arg, ast.Call):
        inner = arg.func
        while isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Call):
            inner = inner.value.func  # insert(T).values(...) -> insert
        name = inner.attr if isinstance(inner, ast.Attribute) else inner.id if isinstance(inner, ast.Name) else ""
        if name in _DML:
            return True
        if name == "text" and arg.args and isinstance(arg.args[0], ast.Constant) and isinstance(arg.args[0].value, str):
            return bool(_DML_SQL.match(arg.args[0].value))
    return False


_OPAQUE = Other("opaque")
_FOLLOWED = (ast.Call, ast.Name, ast.Attribute, ast.Await)
# The same, as exact node types (parsers make exact node types).
_FOLLOWED_TYPES = frozenset(_FOLLOWED)


def _bound_value(node: ast.AST) -> Expr:
    """What session resolution follows (calls and names); anything else is opaque."""
    # An await is converted as its value (one level deeper): `to_expr` of the
    # await itself is that record, and the usage extractor has most often
    # made it already (`to_expr(node.value, 1)` would convert it again).
    return to_expr(node) if type(node) in _FOLLOWED_TYPES else _OPAQUE


_LEAVES = frozenset({ast.Name, ast.Constant, ast.Load, ast.Store, ast.Del})
# Per node type, the fields that can hold child nodes, last first (expression
# contexts, operators and plain values left out: `expr` does nothing with them);
# leaves, nested scopes and non-nodes have none.
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {kind: () for kind in _LEAVES | {
    ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, type(None), str}}
_NO_CHILD_FIELDS = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "conversion", "is_async", "kind",
                              "type_comment", "level", "module", "simple"})
_SPECIAL = frozenset({ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.BinOp, ast.JoinedStr})
# Expressions `_FunctionWalker.expr` does nothing with (no child, not special):
# a statement whose value is one of them need not be walked at all.
_INERT = frozenset({ast.Name, ast.Constant})


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = tuple(reversed([name for name in getattr(kind, "_fields", ()) if name not in _NO_CHILD_FIELDS]))
    if not issubclass(kind, ast.AST) or kind in (ast.Constant, ast.Name):
        fields = ()
    _CHILD_FIELDS[kind] = fields
    return fields


_SCOPES = frozenset({ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})

# Per node type, every field that can hold child nodes, in `_fields` order
# (contexts and operators left out: they have no children), for `_strings_in`.
_ALL_CHILD_FIELDS: dict[type, tuple[str, ...]] = {ast.Name: (), ast.Constant: (), type(None): ()}


def _strings_in(node: ast.AST, found: list[str]) -> None:
    """The string constants and keyword names of an expression, in `ast.walk`
    order (breadth first, lambdas and comprehensions included)."""
    queue = [node]
    fields_of = _ALL_CHILD_FIELDS
    for sub in queue:  # the queue grows while it is read: breadth first, as ast.walk
        kind = type(sub)
        if kind is ast.Constant:
            if isinstance(sub.value, str):  # type: ignore[attr-defined]
                found.append(sub.value)  # type: ignore[attr-defined]
            continue
        if kind is ast.keyword and sub.arg:  # type: ignore[attr-defined]
            found.append(sub.arg)  # type: ignore[attr-defined]
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = tuple(name for name in getattr(kind, "_fields", ()) if name not in _NO_CHILD_FIELDS)
        for name in fields:
            value = getattr(sub, name, None)
            if type(value) is list:
                queue.extend(value)  # a None (dict unpacking, keyword-only without default) adds nothing
            elif isinstance(value, ast.AST):
                queue.append(value)


# `.format()` and `.join()`: how `_SqlTaint.construction` sees a string built by a call.
_BUILDING_METHODS = frozenset({"format", "join"})


def _builds(node: ast.AST) -> bool:
    """A node `_SqlTaint.construction` calls a built string (f-string, `%`, `+`, `.format()`, `.join()`)."""
    kind = type(node)
    if kind is ast.JoinedStr:
        return any(type(value) is ast.FormattedValue for value in node.values)  # type: ignore[attr-defined]
    if kind is ast.BinOp:
        return type(node.op) in (ast.Mod, ast.Add)  # type: ignore[attr-defined]
    if kind is ast.Call:
        func = node.func  # type: ignore[attr-defined]
        return type(func) is ast.Attribute and func.attr in _BUILDING_METHODS
    return False


class _FunctionWalker:
    """Walks one function body in source order, keeping the enclosing blocks."""

    def __init__(self) -> None:
        self.ops: list[SessionOp] = []
        self.trys: list[TryFact] = []
        self.withs: list[WithFact] = []
        self.yields: list[YieldFact] = []
        self.bindings: list[tuple[str, Expr, int]] = []
        self.returns: list[Expr] = []
        self.calls: list[ast.Call] = []
        self.called: set[str] = set()
        self.returned_strings: list[str] = []
        # The enclosing blocks, a tuple replaced on entering and leaving a
        # block: the facts share it instead of copying a list at each call.
        self.frames: tuple[Frame, ...] = ()
        self.order = 0
        self.next_id = 0
        self.awaited: set[int] = set()
        self.passes: list[SessionPass] = []
        # The targets of the `with` blocks being walked (those whose frame is in `frames`).
        self.with_targets: list[str] = []
        # A def or class statement was seen (else the function has no nested scope to visit).
        self.nested = False
        self.exiting: list[Frame] = []  # see `SessionFunction.exiting`
        # Some call could take built SQL: a call of a name or method in
        # `_SINK_NAMES` whose first argument is not a constant.
        self.may_sink = False
        # Some node of the body (nested scopes left out, as `_walk_no_functions`)
        # is a built string (`_builds`): without one, `_SqlTaint.construction`
        # finds no construction (it only follows the argument and the values
        # bound to names, all nodes of the body), so no sink is reported.
        self.may_build = False

    def unwalked(self, node: Optional[ast.AST]) -> None:
        """Note a built string in a part of a statement `expr` does not walk
        (assignment targets, annotations, exception types, patterns)."""
        if node is None or self.may_build or type(node) is ast.Name:
            return
        if any(_builds(sub) for sub in _walk_no_functions([node])):
            self.may_build = True

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def body(self, stmts: list[ast.stmt]) -> None:
        handlers = _STATEMENTS
        for node in stmts:
            kind = type(node)
            if kind is ast.Expr:  # the commonest statement, first
                value = node.value  # type: ignore[attr-defined]
                if type(value) not in _INERT:  # docstrings and bare names: nothing to walk
                    self.expr(value)
            else:
                handlers.get(kind, _FunctionWalker.generic)(self, node)

    def stmt(self, node: ast.stmt) -> None:
        self.body([node])

    def generic(self, node: ast.AST) -> None:
        # Statements without a handler (none in Python 3.9-3.13 besides those
        # in `_STATEMENTS`): their child statements and expressions in order.
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.body([child])
            else:
                self.expr(child)

    def nothing(self, node: ast.AST) -> None:
        # pass / break / continue / global / nonlocal / import: no expression
        # (import aliases hold plain names only).
        pass

    def scope(self, node: ast.AST) -> None:
        self.nested = True  # nested scopes are walked on their own

    def simple(self, node: ast.AST) -> None:
        # No statement inside: the children are expressions (as `generic`).
        for field in _SIMPLE_STATEMENTS[type(node)]:
            value = getattr(node, field, None)
            if type(value) is list:
                for child in value:
                    self.expr(child)
            elif value is not None:
                self.expr(value)

    def with_stmt(self, node: ast.AST) -> None:
        ident = self.new_id()
        is_async = type(node) is ast.AsyncWith
        targets = []
        for item in node.items:  # type: ignore[attr-defined]
            self.expr(item.context_expr)
            target = dotted_name(item.optional_vars) if item.optional_vars is not None else None
            if target is None:
                self.unwalked(item.optional_vars)
            self.withs.append(WithFact(ident, to_expr(item.context_expr), target, is_async,
                                       span_of(item.context_expr), self.frames))
            if target:
                targets.append(target)
        frames = self.frames
        self.frames = (*frames, ("with", ident))
        self.with_targets.extend(targets)
        self.body(node.body)  # type: ignore[attr-defined]
        if targets:
            del self.with_targets[-len(targets):]
        self.frames = frames

    def loop(self, node: ast.AST) -> None:
        ident = self.new_id()
        frames = self.frames
        self.frames = (*frames, ("loop", ident))
        if type(node) is ast.While:
            self.expr(node.test)
        else:
            self.expr(node.iter)  # type: ignore[attr-defined]
            self.unwalked(node.target)  # type: ignore[attr-defined]
        self.body(node.body)  # type: ignore[attr-defined]
        self.frames = frames
        self.body(node.orelse)  # type: ignore[attr-defined]

    def if_stmt(self, node: ast.AST) -> None:
        self.expr(node.test)  # type: ignore[attr-defined]
        ident = self.new_id()
        frames = self.frames
        self.frames = (*frames, ("ifbody", ident))
        self.body(node.body)  # type: ignore[attr-defined]
        self.frames = (*frames, ("ifelse", ident))
        self.body(node.orelse)  # type: ignore[attr-defined]
        self.frames = frames
        if _ends_with(node.body) in _EXITS:  # type: ignore[attr-defined]
            self.exiting.append(("ifbody", ident))
        if _ends_with(node.orelse) in _EXITS:  # type: ignore[attr-defined]
            self.exiting.append(("ifelse", ident))

    def assign(self, node: ast.AST) -> None:
        value = node.value  # type: ignore[attr-defined]
        if type(value) not in _INERT:
            self.expr(value)
        bound = None
        for assigned in node.targets:  # type: ignore[attr-defined]
            # A name, the commonest target, is its own dotted name.
            name = assigned.id if type(assigned) is ast.Name else dotted_name(assigned)
            if name is not None:
                if bound is None:  # converted once, and only when some target keeps it
                    bound = _bound_value(value)
                self.bindings.append((name, bound, node.lineno))  # type: ignore[attr-defined]
            else:
                self.unwalked(assigned)

    def ann_assign(self, node: ast.AST) -> None:
        self.unwalked(node.target)  # type: ignore[attr-defined]
        self.unwalked(node.annotation)  # type: ignore[attr-defined]
        value = node.value  # type: ignore[attr-defined]
        if value is not None:
            if type(value) not in _INERT:
                self.expr(value)
            name = dotted_name(node.target)  # type: ignore[attr-defined]
            if name is not None:
                self.bindings.append((name, _bound_value(value), node.lineno))  # type: ignore[attr-defined]

    def return_stmt(self, node: ast.AST) -> None:
        value = node.value  # type: ignore[attr-defined]
        if value is None:
            return
        kind = type(value)
        if kind not in _INERT:
            self.expr(value)
        self.returns.append(_bound_value(value))
        # Only the first 20 strings are kept (see `_function`): later returns need no walk.
        if len(self.returned_strings) < 20:
            if kind is ast.Constant:
                if isinstance(value.value, str):
                    self.returned_strings.append(value.value)
            elif kind is not ast.Name:
                _strings_in(value, self.returned_strings)

    def match_stmt(self, node: ast.AST) -> None:
        self.expr(node.subject)  # type: ignore[attr-defined]
        for case in node.cases:  # type: ignore[attr-defined]
            self.unwalked(case.pattern)
            self.unwalked(case.guard)
            self.body(case.body)

    def try_stmt(self, node: ast.AST) -> None:
        ident = self.new_id()
        frames = self.frames
        self.frames = (*frames, ("try", ident))
        self.body(node.body)  # type: ignore[attr-defined]
        handlers: list[HandlerFact] = []
        for handler in node.handlers:  # type: ignore[attr-defined]
            self.unwalked(handler.type)
            self.frames = (*frames, ("except", ident))
            self.body(handler.body)
            self.frames = frames
            walked = _walk_no_functions(list(handler.body))  # once for the three questions
            reraises = any(type(sub) is ast.Raise for sub in walked)
            handlers.append(HandlerFact(_exception_names(handler.type), reraises, _resets_in(walked),
                                        _ends_with(handler.body), span_of(handler), _handled_in(walked)))
        self.frames = (*frames, ("else", ident))
        self.body(node.orelse)  # type: ignore[attr-defined]
        self.frames = (*frames, ("finally", ident))
        self.body(node.finalbody)  # type: ignore[attr-defined]
        self.frames = frames
        self.trys.append(TryFact(ident, span_of(node), tuple(handlers), _resets(node.finalbody),  # type: ignore[attr-defined]
                                 self.order))

    def expr(self, node: ast.AST) -> None:
        # Calls in source order (outer before inner), no nested scopes.
        # Most expressions are a few nodes (a call, a comparison): what is set
        # up here is paid about 100,000 times on a large repository, hence no
        # more locals than the stack's methods.
        stack = [node]
        pop, push, extend = stack.pop, stack.append, stack.extend
        while stack:
            sub = pop()
            kind = type(sub)
            if kind is ast.Constant or kind is ast.Name:  # the commonest nodes (call arguments, operands)
                continue
            if kind is ast.Attribute:
                # `a.b.c`: down to the base at once (it would be popped next);
                # a name base has nothing below.
                sub = sub.value  # type: ignore[attr-defined]
                kind = type(sub)
                while kind is ast.Attribute:
                    sub = sub.value
                    kind = type(sub)
                if kind is ast.Name:
                    continue
            if kind is ast.Call:
                keywords = sub.keywords  # type: ignore[attr-defined]
                if keywords:
                    extend([k.value for k in reversed(keywords)])
                extend(reversed(sub.args))  # type: ignore[attr-defined]
                # Every call is counted, listed and its name noted here; only the
                # rare ones that can make a fact or set a flag go on to `notable_call`.
                self.order += 1
                self.calls.append(sub)  # type: ignore[arg-type]
                # The called expression comes next: `f` and `a.b.f` have nothing below.
                func = sub.func  # type: ignore[attr-defined]
                func_kind = type(func)
                if func_kind is ast.Attribute:
                    method = func.attr
                    self.called.add(method)
                    if method in _NOTABLE_METHODS or self.with_targets:
                        self.notable_call(sub, method)  # type: ignore[arg-type]
                    func = func.value
                    while type(func) is ast.Attribute:
                        func = func.value
                    if type(func) is not ast.Name:
                        push(func)
                elif func_kind is ast.Name:
                    method = func.id
                    self.called.add(method)
                    if method in _SINK_NAMES or self.with_targets:
                        self.notable_call(sub, method)  # type: ignore[arg-type]
                else:  # `f()()`, `x[0]()`: no name, nothing notable (`passing` wants a name too)
                    push(func)
                continue
            # The next commonest (`await session.execute(...)`, `if x is None`), without the field loop.
            if kind is ast.Await:
                value = sub.value  # type: ignore[attr-defined]
                self.awaited.add(id(value))
                push(value)
                continue
            if kind is ast.Compare:
                extend(reversed(sub.comparators))  # type: ignore[attr-defined]
                push(sub.left)  # type: ignore[attr-defined]
                continue
            fields = _CHILD_FIELDS.get(kind)
            if fields is None:
                fields = _child_fields(kind)
            elif not fields:
                continue  # None, lambdas, strings: nothing below (and none is special)
            # The children, last first (None, strings and leaves pushed are skipped when popped).
            for name in fields:
                value = getattr(sub, name, None)
                if type(value) is list:
                    extend(reversed(value))
                elif value is not None:
                    push(value)
            if kind in _SPECIAL:
                if kind is ast.NamedExpr:
                    if isinstance(sub.target, ast.Name):  # type: ignore[attr-defined]
                        self.bindings.append((sub.target.id, _bound_value(sub.value), sub.lineno))  # type: ignore[attr-defined]
                elif kind is ast.BinOp or kind is ast.JoinedStr:
                    if not self.may_build and _builds(sub):
                        self.may_build = True
                else:  # yield, yield from
                    value = dotted_name(sub.value) if sub.value is not None else None  # type: ignore[attr-defined]
                    self.order += 1
                    self.yields.append(YieldFact(value or "", span_of(sub), self.frames, self.order))

    def notable_call(self, sub: ast.Call, method: str) -> None:
        """A call `expr` has counted and listed that may make a fact or set a
        flag: a session, string-building or SQL-taking method, or any call of
        a name inside a `with ... as name` block."""
        func = sub.func
        if type(func) is ast.Attribute:
            if method in _BUILDING_METHODS:
                self.may_build = True
            elif method in SESSION_METHODS:
                receiver = dotted_name(func.value)
                if receiver:
                    self.ops.append(SessionOp(receiver, method, span_of(sub), id(sub) in self.awaited, self.frames,
                                              self.order, method == "execute" and _is_dml(sub)))
        if method in _SINK_NAMES and sub.args and type(sub.args[0]) is not ast.Constant:
            self.may_sink = True
        if self.with_targets:  # else no with-target to pass on
            self.passing(sub)

    def passing(self, call: ast.Call) -> None:
        """A call of a same-file function (`f(...)`, `self.f(...)`) inside a
        `with ... as name` block that passes `name` on."""
        func = call.func
        if isinstance(func, ast.Name):
            callee, bound = func.id, False
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            callee, bound = func.attr, True
        else:
            return
        targets = set(self.with_targets)
        if not targets:
            return
        slots = [(str(position), arg.id) for position, arg in enumerate(call.args)
                 if isinstance(arg, ast.Name) and arg.id in targets]
        slots += [(k.arg, k.value.id) for k in call.keywords
                  if k.arg and isinstance(k.value, ast.Name) and k.value.id in targets]
        if slots and not any(isinstance(arg, ast.Starred) for arg in call.args):
            self.passes.append(SessionPass(callee, bound, tuple(slots), self.frames, self.order, span_of(call)))


# Statements without nested statements that the walker treats generically: the
# fields holding their child expressions, in `ast.iter_child_nodes` order.
_SIMPLE_STATEMENTS: dict[type, tuple[str, ...]] = {
    ast.AugAssign: ("target", "value"), ast.Raise: ("exc", "cause"), ast.Assert: ("test", "msg"),
    ast.Delete: ("targets",),
}

# The walker's handler per statement type (exact types: parsers make no subclasses).
_STATEMENTS: dict[type, Callable[[_FunctionWalker, Any], None]] = {
    **{kind: _FunctionWalker.simple for kind in _SIMPLE_STATEMENTS},
    **{kind: _FunctionWalker.nothing for kind in (ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal,
                                                   ast.Import, ast.ImportFrom)},
    **{kind: _FunctionWalker.scope for kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)},
    ast.Try: _FunctionWalker.try_stmt, ast.With: _FunctionWalker.with_stmt, ast.AsyncWith: _FunctionWalker.with_stmt,
    ast.For: _FunctionWalker.loop, ast.AsyncFor: _FunctionWalker.loop, ast.While: _FunctionWalker.loop,
    ast.If: _FunctionWalker.if_stmt, ast.Assign: _FunctionWalker.assign, ast.AnnAssign: _FunctionWalker.ann_assign,
    ast.Return: _FunctionWalker.return_stmt,
}
if hasattr(ast, "TryStar"):  # Python 3.11
    _STATEMENTS[getattr(ast, "TryStar")] = _FunctionWalker.try_stmt
if hasattr(ast, "Match"):  # Python 3.10
    _STATEMENTS[getattr(ast, "Match")] = _FunctionWalker.match_stmt


def _params(node: ast.AST) -> tuple[tuple[str, Optional[Expr], Optional[Expr]], ...]:
    args = node.args  # type: ignore[attr-defined]
    positional = [*getattr(args, "posonlyargs", []), *args.args]
    defaults: list[Optional[ast.AST]] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    found: list[tuple[str, Optional[Expr], Optional[Expr]]] = []
    for arg, default in zip(positional, defaults):
        found.append((arg.arg, annotation_to_expr(arg.annotation) if arg.annotation is not None else None,
                      to_expr(default) if default is not None else None))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        found.append((arg.arg, annotation_to_expr(arg.annotation) if arg.annotation is not None else None,
                      to_expr(default) if default is not None else None))
    return tuple(found)


_SINK_NAMES = frozenset({"text", "execute", "exec_driver_sql"})
# The method names for which `_FunctionWalker.notable_call` has something to do.
_NOTABLE_METHODS = SESSION_METHODS | _BUILDING_METHODS | _SINK_NAMES


def _function(name: str, class_name: Optional[str], node: ast.AST) -> tuple[SessionFunction, "_FunctionWalker"]:
    walker = _FunctionWalker()
    walker.body(node.body)  # type: ignore[attr-defined]
    params = _params(node)
    decorators = node.decorator_list  # type: ignore[attr-defined]
    # `walker.may_sink`: some call of the body could take built SQL (a cheap test
    # before the taint analysis); without a built string in the body
    # (`walker.may_build`) no sink can be found.
    sinks = _SqlTaint(node, walker.calls).sinks() if walker.may_sink and walker.may_build else ()
    fn = SessionFunction(
        name=name, class_name=class_name, span=span_of(node), is_async=type(node) is ast.AsyncFunctionDef,
        decorators=tuple([to_expr(d) for d in decorators]) if decorators else (),
        params=params, bindings=tuple(walker.bindings), ops=tuple(walker.ops), trys=tuple(walker.trys),
        withs=tuple(walker.withs), yields=tuple(walker.yields), sinks=sinks, returns=tuple(walker.returns),
        called=frozenset(walker.called), returned_strings=tuple(walker.returned_strings[:20]),
        passes=tuple(walker.passes), exiting=tuple(walker.exiting),
    )
    return fn, walker


# -- raw SQL built from outside data (ORM505) -------------------------------

# `request` attributes that hold what the client sent (Flask, Starlette).
_REQUEST_PARTS = frozenset({"args", "form", "values", "json", "get_json", "query_params", "path_params", "data",
                            "cookies", "headers", "view_args"})
# str methods that keep the text (and what it carries) in the result.
_STR_KEEPING = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "capitalize", "title", "casefold",
                          "replace", "format", "join", "removeprefix", "removesuffix", "zfill", "center",
                          "ljust", "rjust", "swapcase"})
# Unannotated parameters named like schema objects (their str() is their name).
_OBJECT_PARAMS = frozenset({"table", "column", "model", "index", "constraint", "metadata", "engine", "mapper",
                            "connection", "conn", "session", "bind", "op", "dialect", "schema_item", "entity"})
_NUMERIC_SPEC = re.compile(r"%[-+ #0-9.*]*([a-zA-Z%])")


def _str_annotation(annotation: Optional[ast.AST]) -> Optional[bool]:
    """True: a str annotation; False: certainly not text; None: unannotated."""
    if annotation is None:
        return None
    text = ast.unparse(annotation) if hasattr(ast, "unparse") else ""
    text = text.strip("'\"").replace(" ", "")
    for wrapper in ("Optional[", "typing.Optional["):
        if text.startswith(wrapper) and text.endswith("]"):
            text = text[len(wrapper):-1]
    text = text.replace("|None", "").replace("None|", "")
    if text in ("str", "typing.Any", "Any"):
        return True
    return False


# The node types `_SqlTaint.__init__` learns from.
_TAINT_KINDS = frozenset({ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.AsyncFor,
                          ast.comprehension, ast.With, ast.AsyncWith, ast.Compare, ast.Call, ast.Global, ast.Nonlocal})


class _SqlTaint:
    """Which SQL strings passed to `text()`/`execute()` are built from outside data.

    Outside data is a parameter annotated `str` (or `Optional[str]`, `Any`,
    unannotated) or a `request.args`/`form`/`json`... value, reaching the
    string directly or through local variables, str methods, comprehensions
    and joins. It stops at any other call (`int()`, `len()`, a quoting helper),
    at attribute reads (`table.name`, `Model.__tablename__`: metadata, not
    input), at subscripts of something else (`ALLOWED[x]`: an allow-list
    lookup), at numeric `%d` conversions and numeric format specs. A name that
    the function checks (`x in ALLOWED`, `x == "a"`, `x.isidentifier()`,
    `re.match(..., x)`) is trusted.
    """

    def __init__(self, node: ast.AST, calls: list[ast.Call]) -> None:
        self.node = node
        self.calls = calls
        args = node.args  # type: ignore[attr-defined]
        self.params: dict[str, bool] = {}
        positional = [*getattr(args, "posonlyargs", []), *args.args]
        defaults: dict[str, Optional[ast.AST]] = dict(zip([a.arg for a in positional][len(positional) - len(args.defaults):], args.defaults))
        defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults))
        for arg in [*positional, *args.kwonlyargs]:
            if arg.arg in ("self", "cls"):
                continue
            kind = _str_annotation(arg.annotation)
            if kind is None:
                default = defaults.get(arg.arg)
                if isinstance(default, ast.Constant) and isinstance(default.value, (int, float, bool)):
                    continue  # `limit=10`: a number
                if arg.arg in _OBJECT_PARAMS:
                    continue  # `table`, `column`: schema objects, whose str() is their name
            if kind is not False:
                self.params[arg.arg] = True
        self.assigned: dict[str, list[ast.AST]] = {}
        self.checked: set[str] = set()
        self.comprehension_vars: dict[str, ast.AST] = {}
        self.opaque: set[str] = set()
        lookups: list[tuple[str, ast.AST]] = []  # (dict variable, key) of `.get()` calls
        kinds = _TAINT_KINDS
        for sub in _walk_no_functions(list(node.body)):  # type: ignore[attr-defined]
            if type(sub) not in kinds:
                continue  # most nodes: none of the cases below (exact node types)
            if isinstance(sub, ast.Assign):
                for target in sub.targets:
                    if isinstance(target, ast.Name):
                        self.assigned.setdefault(target.id, []).append(sub.value)
                    else:
                        for name in ast.walk(target):
                            if isinstance(name, ast.Name):
                                self.opaque.add(name.id)
            elif isinstance(sub, (ast.AugAssign, ast.AnnAssign)) and isinstance(sub.target, ast.Name):
                if sub.value is not None:
                    self.assigned.setdefault(sub.target.id, []).append(sub.value)
            elif isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                self.assigned.setdefault(sub.target.id, []).append(sub.value)
            elif isinstance(sub, (ast.For, ast.AsyncFor, ast.comprehension)):
                if isinstance(sub.target, ast.Name):
                    self.assigned.setdefault(sub.target.id, []).append(ast.Subscript(sub.iter, ast.Constant(0)))
                else:
                    for name in ast.walk(sub.target):
                        if isinstance(name, ast.Name):
                            self.opaque.add(name.id)
            elif isinstance(sub, (ast.With, ast.AsyncWith)):
                for item in sub.items:
                    if item.optional_vars is not None:
                        for name in ast.walk(item.optional_vars):
                            if isinstance(name, ast.Name):
                                self.opaque.add(name.id)
            elif isinstance(sub, ast.Compare):
                if any(isinstance(op, (ast.In, ast.NotIn, ast.Eq, ast.NotEq, ast.Is)) for op in sub.ops):
                    for side in [sub.left, *sub.comparators]:
                        if isinstance(side, ast.Name):
                            self.checked.add(side.id)
            elif isinstance(sub, ast.Call):
                func = sub.func
                if isinstance(func, ast.Attribute) and func.attr in ("append", "extend", "add", "insert") and isinstance(func.value, ast.Name):
                    self.assigned.setdefault(func.value.id, []).extend(
                        ast.Subscript(arg, ast.Constant(0)) if func.attr == "extend" else arg for arg in sub.args)
                if isinstance(func, ast.Attribute) and func.attr in ("isidentifier", "isalnum", "isdigit", "isnumeric", "isdecimal", "isalpha") and isinstance(func.value, ast.Name):
                    self.checked.add(func.value.id)
                called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
                if called in ("match", "fullmatch", "search", "isinstance", "validate", "quote", "quote_ident") \
                        or _VALIDATOR.search(called):
                    for arg in sub.args:
                        if isinstance(arg, ast.Name):
                            self.checked.add(arg.id)
                elif called == "get" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and sub.args:
                    # `rev = schemas.get(name)` on a dict written in the function
                    # (renku): an allow-list lookup, as `name in schemas` is.
                    lookups.append((func.value.id, sub.args[0]))
            elif isinstance(sub, (ast.Global, ast.Nonlocal)):
                self.opaque.update(sub.names)
        for table, key in lookups:
            values = self.assigned.get(table, [])
            if isinstance(key, ast.Name) and values and all(_literal_keys(value) for value in values):
                self.checked.add(key.id)
        self._blocks: Optional[dict[int, tuple[list[ast.stmt], int]]] = None
        self.rebound = _rebound_first(node.body, [name for name in self.params if name in self.assigned])  # type: ignore[attr-defined]
        self._memo: dict[str, frozenset[str]] = {}
        # The sink whose SQL `taint` is reading, while it reads the names written there.
        self._at: Optional[ast.Call] = None

    def sinks(self) -> tuple[SqlSink, ...]:
        found: list[SqlSink] = []
        for call in self.calls:
            func = call.func
            if isinstance(func, ast.Name):
                kind, receiver = func.id, ""
            elif isinstance(func, ast.Attribute):
                kind, receiver = func.attr, dotted_name(func.value) or ""
            else:
                continue
            if kind not in ("text", "execute", "exec_driver_sql") or not call.args:
                continue
            if kind != "text" and not receiver:
                continue
            if kind == "text" and isinstance(func, ast.Attribute) and not receiver:
                continue
            arg = call.args[0]
            if isinstance(arg, ast.Call) and isinstance(arg.func, (ast.Name, ast.Attribute)):
                inner = arg.func.id if isinstance(arg.func, ast.Name) else arg.func.attr
                if inner == "text":
                    continue  # reported on the text() call itself
            written_here = True
            if type(arg) is ast.Name:
                reaching = self.reaching_value(call, arg.id)
                if reaching is not None:
                    arg, written_here = reaching, False
            construction = self.construction(arg)
            if construction is None:
                continue
            # The names written in the sink's own SQL hold what reaches the sink
            # (`col = quote(col)` before it), not every value they ever had.
            self._at = call if written_here else None
            try:
                sources = self.taint(arg, 0)
            finally:
                self._at = None
            if sources:
                found.append(SqlSink(kind, to_expr(func), receiver, span_of(call), construction, tuple(sorted(sources)),
                                     _leading_word(arg) in _UNPARAMETRIZED))
        return tuple(found)

    def reaching_value(self, call: ast.Call, name: str) -> Optional[ast.expr]:
        """The one value `name` certainly holds at `call`: bound by an earlier
        statement of the block the call's statement is in, with nothing that
        could bind it again in between (`text = f"... {quote(conn, db)}"` then
        `conn.execute(sa.text(text))`, whatever another branch bound it to;
        sqlalchemy-utils' `create_database`). None when not so certain."""
        if self._blocks is None:
            self._blocks = _statement_blocks(self.node.body)  # type: ignore[attr-defined]
        where = self._blocks.get(id(call))
        if where is None:
            return None
        block, position = where
        if _binds(block[position], name):
            return None  # `text = execute(text(text))`, a walrus: not before the call for certain
        for statement in reversed(block[:position]):
            if type(statement) is ast.Assign and len(statement.targets) == 1:
                target = statement.targets[0]
                if type(target) is ast.Name and target.id == name:
                    return statement.value
            if _binds(statement, name):
                return None
        return None

    def call_sites(self) -> tuple[tuple[str, bool, tuple[tuple[str, tuple[str, ...]], ...]], ...]:
        """Calls of plain names and `self.`/`cls.` methods that pass outside data."""
        found = []
        for call in self.calls:
            func = call.func
            if isinstance(func, ast.Name):
                callee, bound = func.id, False
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
                callee, bound = func.attr, True
            else:
                continue
            slots = []
            for position, arg in enumerate(call.args):
                if isinstance(arg, ast.Starred):
                    break
                sources = self.taint(arg, 0)
                if sources:
                    slots.append((str(position), tuple(sorted(sources))))
            for keyword in call.keywords:
                if keyword.arg is not None:
                    sources = self.taint(keyword.value, 0)
                    if sources:
                        slots.append((keyword.arg, tuple(sorted(sources))))
            if slots:
                found.append((callee, bound, tuple(slots)))
        return tuple(found)

    def construction(self, node: ast.AST, depth: int = 0) -> Optional[str]:
        """How the SQL string is built, when it is built (else None)."""
        if depth > 5:
            return None
        if isinstance(node, ast.JoinedStr):
            return "f-string" if any(isinstance(v, ast.FormattedValue) for v in node.values) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return "%"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return "+"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
            return ".format()" if node.func.attr == "format" else "join"
        if isinstance(node, ast.Name) and node.id not in self.opaque:
            for value in self.assigned.get(node.id, []):
                found = self.construction(value, depth + 1)
                if found is not None:
                    return found
        return None

    def taint(self, node: Optional[ast.AST], depth: int) -> frozenset[str]:
        if node is None or depth > 25:
            return frozenset()
        if isinstance(node, ast.Constant):
            return frozenset()
        if isinstance(node, ast.Name):
            at = self._at
            if at is None:
                return self.name_taint(node.id, depth)
            # A name in the sink's SQL: the value bound to it just before, if certain.
            reaching = self.reaching_value(at, node.id)
            self._at = None  # what the names of other statements hold is not known at the sink
            try:
                return self.taint(reaching, depth + 1) if reaching is not None else self.name_taint(node.id, depth)
            finally:
                self._at = at
        if isinstance(node, ast.JoinedStr):
            found: frozenset[str] = frozenset()
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    spec = value.format_spec
                    spec_text = "".join(str(v.value) for v in spec.values if isinstance(v, ast.Constant)) if isinstance(spec, ast.JoinedStr) else ""
                    if spec_text and spec_text[-1:] in "dfeEgGxXobn%":
                        continue  # a numeric format: the value is a number
                    found |= self.taint(value.value, depth + 1)
            return found
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Mod):
                right = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
                if isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
                    specs = [s for s in _NUMERIC_SPEC.findall(node.left.value) if s != "%"]
                    if specs and len(specs) == len(right) and not isinstance(node.right, ast.Dict):
                        return frozenset().union(*(self.taint(item, depth + 1) for item, spec in zip(right, specs)
                                                   if spec in ("s", "r", "a")))
                return self.taint(node.left, depth + 1).union(*(self.taint(item, depth + 1) for item in right))
            if isinstance(node.op, ast.Add):
                return self.taint(node.left, depth + 1) | self.taint(node.right, depth + 1)
            return frozenset()
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return frozenset().union(*(self.taint(e.value if isinstance(e, ast.Starred) else e, depth + 1) for e in node.elts))
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            for generator in node.generators:
                if isinstance(generator.target, ast.Name):
                    self.comprehension_vars[generator.target.id] = generator.iter
            return self.taint(node.elt, depth + 1)
        if isinstance(node, ast.IfExp):
            return self.taint(node.body, depth + 1) | self.taint(node.orelse, depth + 1)
        if isinstance(node, ast.Subscript):
            if isinstance(node.value, ast.Name) and node.value.id == "request":
                return frozenset({"request"})
            return self.taint(node.value, depth + 1)
        if isinstance(node, ast.Await):
            return frozenset()
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "request" and node.attr in _REQUEST_PARTS:
                return frozenset({"request"})
            return frozenset()  # metadata (`table.name`) and object fields: not followed
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "str" and len(node.args) == 1:
                return self.taint(node.args[0], depth + 1)
            if isinstance(func, ast.Attribute):
                base = func.value
                if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == "request" \
                        and base.attr in _REQUEST_PARTS and func.attr in ("get", "getlist"):
                    return frozenset({"request"})
                if isinstance(base, ast.Name) and base.id == "request" and func.attr == "get_json":
                    return frozenset({"request"})
                if func.attr == "replace" and _escapes_quotes(node):
                    return frozenset()  # `value.replace("'", "''")`: a quoted SQL literal cannot be closed
                if func.attr in _STR_KEEPING:
                    found = self.taint(base, depth + 1)
                    if func.attr in ("format", "join", "replace"):
                        for arg in node.args:
                            found |= self.taint(arg, depth + 1)
                        for keyword in node.keywords:
                            found |= self.taint(keyword.value, depth + 1)
                    return found
            return frozenset()
        return frozenset()

    def name_taint(self, name: str, depth: int) -> frozenset[str]:
        if name in self.checked or name in self.opaque:
            return frozenset()
        if name in self._memo:
            return self._memo[name]
        # Cycles: nothing more; a parameter bound anew first (`self.rebound`)
        # reaches its values as itself (`name = quote(name)` stops at the call,
        # `name = name.strip()` does not).
        self._memo[name] = frozenset({name}) if name in self.rebound else frozenset()
        found: frozenset[str] = frozenset()
        values = self.assigned.get(name)
        if values:
            for value in values:
                found |= self.taint(value, depth + 1)
            if name in self.params and name not in self.rebound:
                found |= {name}  # reassigned parameter: still its own value on some path
        elif name in self.comprehension_vars:
            found = self.taint(self.comprehension_vars[name], depth + 1)
        elif name in self.params:
            found = frozenset({name})
        self._memo[name] = found
        return found


# A project helper named for checking a value, as a word of its snake-case name
# (`validate_tenant_id`, `is_safe_name`, `is_valid_identifier`; onyx): what it
# is given counts as checked. Not `render_unsafe`.
_VALIDATOR = re.compile(r"(?:^|_)(?:valid|validate|safe|allowed|sanitize|sanitise)(?:_|$)", re.IGNORECASE)


def _statement_blocks(body: list[ast.stmt]) -> dict[int, tuple[list[ast.stmt], int]]:
    """For each call of a function body (outside nested functions and classes),
    by identity: the block of statements its statement is in, and where."""
    found: dict[int, tuple[list[ast.stmt], int]] = {}
    blocks = [body]
    while blocks:
        block = blocks.pop()
        for position, statement in enumerate(block):
            if type(statement) in _SCOPE_STATEMENTS:
                continue
            for field in _BLOCK_STATEMENT_FIELDS:
                inner = getattr(statement, field, None)
                if inner:
                    blocks.append(inner)
            for part in getattr(statement, "handlers", None) or getattr(statement, "cases", None) or ():
                blocks.append(part.body)
            for sub in _own_expressions(statement):
                if type(sub) is ast.Call:
                    found[id(sub)] = (block, position)
    return found


_SCOPE_STATEMENTS = _SCOPES - {ast.Lambda}
_BLOCK_STATEMENT_FIELDS = ("body", "orelse", "finalbody")
# The fields of a compound statement that hold statements or the parts that do.
_STATEMENT_HOLDERS = frozenset({*_BLOCK_STATEMENT_FIELDS, "handlers", "cases"})


def _own_expressions(statement: ast.stmt) -> list[ast.AST]:
    """The nodes of `statement` outside the blocks of statements it holds (and
    outside lambdas, which run later)."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        found.append(node)
        if type(node) is ast.Lambda:
            continue
        for field, value in ast.iter_fields(node):
            if node is statement and field in _STATEMENT_HOLDERS:
                continue
            for child in value if isinstance(value, list) else (value,):
                if isinstance(child, ast.AST):
                    stack.append(child)
    return found


def _binds(statement: ast.stmt, name: str) -> bool:
    """Whether anything in `statement` may bind `name` (an assignment of any
    kind, a loop or `with` target, a walrus, an import, a `global`, a nested
    def or class)."""
    for sub in ast.walk(statement):
        if type(sub) is ast.Name and type(sub.ctx) is not ast.Load and sub.id == name:
            return True
        if type(sub) in _SCOPE_STATEMENTS and sub.name == name:  # type: ignore[attr-defined]
            return True
        if type(sub) in (ast.Import, ast.ImportFrom) and any((alias.asname or alias.name).split(".")[0] == name for alias in sub.names):  # type: ignore[attr-defined]
            return True
        if type(sub) in (ast.Global, ast.Nonlocal) and name in sub.names:  # type: ignore[attr-defined]
            return True
    return False


def _rebound_first(body: list[ast.stmt], params: list[str]) -> set[str]:
    """The parameters whose first mention in the function is a statement of its
    own block that binds them anew (`username = quote_name(conn, username)`,
    `users = [quote(u) for u in users]`): what the caller passed reaches nothing
    but that value, so the parameter holds only what is bound to it."""
    rebound: set[str] = set()
    waiting = set(params)
    for statement in body:
        if not waiting:
            break
        # Nested functions and lambdas count too: a closure made before the
        # statement could read what the caller passed.
        mentioned = waiting & {sub.id for sub in ast.walk(statement) if type(sub) is ast.Name}
        if not mentioned:
            continue
        targets = statement.targets if type(statement) is ast.Assign else []
        if len(targets) == 1 and type(targets[0]) is ast.Name and targets[0].id in mentioned:
            rebound.add(targets[0].id)
        waiting -= mentioned
    return rebound


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Statements whose bodies `_visit` looks into for definitions.
_BRANCHES = frozenset({ast.If, ast.Try, *([getattr(ast, "TryStar")] if hasattr(ast, "TryStar") else [])})
_WITHS = (ast.With, ast.AsyncWith)


def _visit(body: list[ast.stmt], prefix: str, class_name: Optional[str], found: list[SessionFunction],
           nodes: dict[int, tuple[ast.AST, "_FunctionWalker"]]) -> None:
    # A module-level function, not a closure: the engine runs with the cyclic
    # garbage collector off, and a recursive closure would keep every tree alive.
    for node in body:
        kind = type(node)  # exact node types (parsers make no subclasses)
        if kind in _FUNCTIONS:
            qual = f"{prefix}{node.name}"  # type: ignore[attr-defined]
            try:
                fn, walker = _function(qual, class_name, node)
                nodes[len(found)] = (node, walker)
                found.append(fn)
                # The walker dispatched every statement this visit would look
                # at (and more): without a def or class among them, there is
                # no nested scope to find.
                nested = walker.nested
            except RecursionError:  # pathological nesting: no facts for this function
                nested = True
            if nested:
                _visit(node.body, f"{qual}.", None, found, nodes)  # type: ignore[attr-defined]
        elif kind is ast.ClassDef:
            qual = f"{prefix}{node.name}"  # type: ignore[attr-defined]
            annotations = tuple(
                (stmt.target.id, annotation_to_expr(stmt.annotation)) for stmt in node.body  # type: ignore[attr-defined]
                if type(stmt) is ast.AnnAssign and type(stmt.target) is ast.Name
            )
            found.append(SessionFunction(qual, qual, span_of(node), False, (), (), (), (), (), (), (), (), (),
                                         class_annotations=annotations))
            _visit(node.body, f"{qual}.", qual, found, nodes)  # type: ignore[attr-defined]
        elif kind in _BRANCHES:
            _visit(node.body, prefix, class_name, found, nodes)  # type: ignore[attr-defined]
            _visit(node.orelse, prefix, class_name, found, nodes)  # type: ignore[attr-defined]
            for handler in getattr(node, "handlers", ()):
                _visit(handler.body, prefix, class_name, found, nodes)
            _visit(getattr(node, "finalbody", []), prefix, class_name, found, nodes)
        elif kind in _WITHS:
            _visit(node.body, prefix, class_name, found, nodes)  # type: ignore[attr-defined]


def extract_sessions(tree: ast.Module, is_migration: bool = False) -> tuple[SessionFunction, ...]:
    """Session facts of every function and method of the file. In an Alembic
    revision (`is_migration`) every function counts as private: Alembic loads
    the file by its path, nothing imports it, so only its own calls reach them."""
    found: list[SessionFunction] = []
    nodes: dict[int, tuple[ast.AST, "_FunctionWalker"]] = {}
    _visit(tree.body, "", None, found, nodes)
    public: Callable[[str], bool] = _never_public if is_migration else _public
    if any(sink.sources != ("request",) and "." in fn.name and fn.class_name is None for fn in found for sink in fn.sinks):
        # A function nested in another that its enclosing function only calls
        # (never returns, stores or passes on) is as private as `_name`.
        local = _local_functions(tree)
        if local:
            public = _public_unless(public, local)
    if any(sink.sources != ("request",) and not public(fn.name) for fn in found for sink in fn.sinks):
        # A private function builds SQL from a parameter: which calls pass it outside data?
        for position, (node, walker) in nodes.items():
            try:
                calls = _SqlTaint(node, walker.calls).call_sites()
            except RecursionError:
                continue
            if calls:
                found[position] = replace_record(found[position], tainted_calls=calls)
    nodes.clear()
    return tuple(_exposed_sinks(found, public))


# Parameters that are SQL by contract (a WHERE fragment, an ORDER BY clause):
# the caller builds them, so the caller is where injection would be.
_SQL_PARAMS = re.compile(r"^(where|where_clause|clause|conditions?|predicate|sql|fragment|filters?_sql|order_by_sql|.*_sql)$")


def _literal_keys(value: ast.AST) -> bool:
    """A dict display whose keys are all literal strings."""
    return isinstance(value, ast.Dict) and bool(value.keys) and all(
        isinstance(key, ast.Constant) and isinstance(key.value, str) for key in value.keys
    )


def _escapes_quotes(call: ast.Call) -> bool:
    """`x.replace("'", "''")`: SQL's own escape of a single quote (doubling it),
    so that `'...{x}...'` stays one literal."""
    args = call.args
    return (
        len(args) == 2 and not call.keywords and all(isinstance(a, ast.Constant) for a in args)
        and args[0].value == "'" and args[1].value == "''"  # type: ignore[attr-defined]
    )


def _never_public(name: str) -> bool:
    return False


def _public_unless(public: Callable[[str], bool], private: set[str]) -> Callable[[str], bool]:
    return lambda name: name not in private and public(name)


def _local_functions(tree: ast.Module) -> set[str]:
    """Functions defined in a function body (`outer.inner`, as `_visit` names
    them) whose name the enclosing body uses only to call them: nothing outside
    can reach them, so only the enclosing function's calls pass them values."""
    found: set[str] = set()
    pending: list[tuple[str, list[ast.stmt], bool]] = [("", tree.body, False)]
    while pending:
        prefix, body, in_function = pending.pop()
        for node in body:
            kind = type(node)
            if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                qual = f"{prefix}{node.name}"  # type: ignore[attr-defined]
                pending.append((f"{qual}.", node.body, True))  # type: ignore[attr-defined]
                if in_function:
                    found.add(qual)
            elif kind is ast.ClassDef:
                pending.append((f"{prefix}{node.name}.", node.body, False))  # type: ignore[attr-defined]
            else:
                for block in ("body", "orelse", "finalbody"):
                    inner = getattr(node, block, None)
                    if type(inner) is list:
                        pending.append((prefix, inner, in_function))
                for handler in getattr(node, "handlers", None) or ():
                    pending.append((prefix, handler.body, in_function))
    if not found:
        return found
    # In each function holding another: a nested function's name used there
    # otherwise than as the called function (returned, stored, passed on), or a
    # decorator on it (which may register it elsewhere), makes it escape.
    escaped: set[str] = set()
    for outer in ast.walk(tree):
        if type(outer) is not ast.FunctionDef and type(outer) is not ast.AsyncFunctionDef:
            continue
        inner_names: set[str] = set()
        called: set[int] = set()
        names: list[ast.Name] = []
        for sub in ast.walk(outer):
            if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub is not outer:
                inner_names.add(sub.name)
                if sub.decorator_list:
                    escaped.add(sub.name)
            elif isinstance(sub, ast.Call):
                called.add(id(sub.func))
            elif isinstance(sub, ast.Name):
                names.append(sub)
        escaped.update(name.id for name in names if name.id in inner_names and id(name) not in called)
    return {qual for qual in found if qual.rsplit(".", 1)[-1] not in escaped}


def _public(name: str) -> bool:
    return not any(part.startswith("_") and not (part.startswith("__") and part.endswith("__")) for part in name.split("."))


class _Exposure:
    """Which parameters can carry outside data (a class, not a recursive closure: no reference cycle)."""

    def __init__(self, functions: list[SessionFunction], public: Callable[[str], bool] = _public) -> None:
        self.functions = functions
        self.public = public
        self.memo: dict[tuple[str, str], bool] = {}

    def exposed(self, fn: SessionFunction, param: str, depth: int = 0) -> bool:
        if param == "request":
            return True
        if _SQL_PARAMS.match(param):
            return False
        if self.public(fn.name):
            return True
        key = (fn.name, param)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = False
        if depth > 10:
            return False
        names = [name for name, _, _ in fn.params]
        index = names.index(param) if param in names else -1
        result = False
        short = fn.name.rsplit(".", 1)[-1]
        for caller in self.functions:
            for callee, bound, slots in caller.tainted_calls:
                if callee != short or bound != (fn.class_name is not None):
                    continue
                offset = 1 if bound else 0
                for slot, sources in slots:
                    hit = slot == param or (slot.isdigit() and int(slot) + offset == index)
                    if hit and any(self.exposed(caller, source, depth + 1) for source in sources):
                        result = True
        self.memo[key] = result
        return result


def _exposed_sinks(functions: list[SessionFunction], public: Callable[[str], bool] = _public) -> list[SessionFunction]:
    """Keep the outside-data sources that can really come from outside: the
    parameters of public functions, and those of private functions that some
    call in this file passes outside data to (itself exposed); request data
    always. A private helper only ever called with program data is fine."""
    exposed = _Exposure(functions, public).exposed
    result: list[SessionFunction] = []
    for fn in functions:
        if fn.sinks:
            kept = []
            for sink in fn.sinks:
                sources = tuple(source for source in sink.sources if exposed(fn, source))
                if sources:
                    kept.append(replace_record(sink, sources=sources))
            if len(kept) != len(fn.sinks) or any(k.sources != f.sources for k, f in zip(kept, fn.sinks)):
                fn = replace_record(fn, sinks=tuple(kept))
        result.append(fn)
    return result
