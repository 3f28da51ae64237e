"""Query facts: what the queries and loops of each function do (file-local).

For every function (and the module body) this records the query chains it
builds (`session.query(M).filter(...)`, `M.query.filter_by(...)`,
`select(M).where(...)`, `update(M)`, `delete(M)`, `insert(M)`, `session.get(M, pk)`),
with the columns their conditions name, their joins and loader options, and
the loops (`for`, `while`, comprehensions) with what they iterate and what
their bodies touch. Names are not resolved here: `User` is only a dotted name
until the rules ask the resolver whether it is a mapped class.

Local variables are followed inside the function: a query assigned to `q`
and refined by `q = q.filter(...)`, conditions kept in variables or lists
(`filter(*conditions)`), loader options in variables (`options(*opts)`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional, Union

from ormlint.ast_walk import WALK_FIELDS as _WALK_FIELDS, subtree as _subtree, walk_fields as _walk_fields
from ormlint.expr import Expr, Span, attribute_span, dotted_name, make_span, record, replace_record, span_col, span_line, span_of, span_parts, to_expr


@record
class ColumnRef:
    """`base.attr` inside a condition: a column when `base` is a mapped class,
    a value otherwise (`user.id` in `Post.user_id == user.id`)."""

    base: str
    attr: str
    span: Span
    # cmp (compared), bool (bare `filter(M.flag)`), wrapped (inside a function
    # or expression), or the column method called (`in_`, `is_`, `ilike`...).
    op: str
    # Refs of one comparison share a group.
    group: int


@record
class LoaderPath:
    """One loader option: `selectinload(A.b).joinedload(B.c)` is
    (("selectinload", "b"), ("joinedload", "c"))."""

    steps: tuple[tuple[str, str], ...]
    wildcard: bool = False


@record
class QueryFact:
    span: Span  # the whole chain expression
    # query (`x.query(M)`), model_query (`M.query`), select / update / delete /
    # insert (a call of that name, `root_func`), get (`x.get(M, pk)`), var (a
    # local variable holding a query: see `bases`).
    root: str
    root_func: str = ""
    entities: tuple[Expr, ...] = ()
    receiver: str = ""  # `session` in session.query(M) / session.get(M, pk)
    # Methods applied after the root, in order; executors that take the
    # statement as argument are written `@scalars`, `@execute`, `@exec`, `@scalar`.
    methods: tuple[str, ...] = ()
    conditions: tuple[ColumnRef, ...] = ()
    filter_by: tuple[str, ...] = ()
    conditions_complete: bool = True
    joins: tuple[Expr, ...] = ()
    options: tuple[LoaderPath, ...] = ()
    options_complete: bool = True
    # For root == "var": the facts assigned to that variable before (indices
    # into FunctionQueries.queries); -1 when the variable is also assigned
    # something that is not a query.
    bases: tuple[int, ...] = ()
    var: str = ""
    assigned_to: str = ""
    # The loops (indices into FunctionQueries.loops) that evaluate this
    # expression once per iteration, innermost last.
    loops: tuple[int, ...] = ()
    # Inside `return`, or followed by return/break/raise in its block: runs at
    # most once per loop.
    exits: bool = False
    # Under an `if` whose test uses `%` (batching every n rows).
    batched: bool = False
    # The number of positional arguments of the executor (`execute(stmt, rows)`).
    executor_args: int = 0
    # In a loop body that certainly makes each item its own transaction
    # (`_Where.own_transaction`): its writes are that transaction's.
    isolated: bool = False
    # The iterable of a `for` loop or of a comprehension: a Query runs there.
    iterated: bool = False


@record
class LoopFact:
    kind: str  # for / while / comprehension
    span: Span  # the loop statement's first line, or the comprehension
    target: str  # the loop variable ("" when not a plain name)
    # What it iterates: ("query", index) / ("attr", variable, attribute) / ("", "", "").
    source: tuple[str, Union[int, str], str]
    parent: int  # enclosing loop index, -1 at top
    # `while True`, or a retry loop (`for attempt in range(n)` with a break):
    # repeating a round trip is its purpose. Also a loop over databases (each
    # pass opens a session from its item, `_database_per_item`).
    repeating: bool = False
    # Iterates a count written in the code, not the data: `range(2, 26)`,
    # `enumerate(range(3))`, a literal list, or a local bound once to one.
    fixed_count: bool = False


@record
class LoopAccess:
    """`var.attr` inside a loop where `var` is a loop variable."""

    base: str
    attr: str
    span: Span
    loops: tuple[int, ...]
    store: bool = False


@record
class CallSite:
    """A call that may be a round trip: `x.commit()`, `x.flush()`, or a call of a
    function of the module / a method of the class (`helper(...)`, `self.save(...)`)."""

    receiver: str  # dotted receiver ("" for a plain function call)
    name: str
    span: Span
    loops: tuple[int, ...]
    exits: bool = False
    batched: bool = False
    # Called under `await`: an `async` helper's body runs here (called without,
    # it only makes a coroutine, run elsewhere: `create_task`, `gather`).
    awaited: bool = False
    # Inside `try:`/`except` in the loop: a commit the helper makes there gives
    # each item its own transaction, by design (as a commit written in place).
    isolated: bool = False


@record
class FunctionQueries:
    name: str  # `<module>`, `func`, `Class.method`, as ScopeFacts
    class_name: Optional[str]
    is_async: bool
    span: Span
    queries: tuple[QueryFact, ...] = ()
    loops: tuple[LoopFact, ...] = ()
    accesses: tuple[LoopAccess, ...] = ()
    calls: tuple[CallSite, ...] = ()
    # Variables holding one object from a query (`user = q.first()`): (variable, query index).
    one_vars: tuple[tuple[str, int], ...] = ()
    # Parameters annotated with a session type (`db: Session`).
    session_params: tuple[str, ...] = ()
    # (variable, return value index) for `return <query>`.
    returns: tuple[int, ...] = ()
    # Where what runs depends on the call: the bodies of `if`/`else` branches
    # whose test reads only parameters (`if commit: session.commit()`, `if
    # version_id: ...`), `except` handlers and `match` cases (from the first
    # statement's start to the last one's end). A helper's round trip there is
    # not made on every call. (A test of the helper's own data, `if
    # cost.amount != new_amount:`, is not a choice of the caller's: not listed.)
    branches: tuple[Span, ...] = ()


_STATEMENT_ROOTS = frozenset({"select", "update", "delete", "insert"})
_EXECUTORS = frozenset({"scalars", "execute", "exec", "scalar", "stream", "stream_scalars"})
_CONDITION_METHODS = frozenset({"filter", "where", "having"})
_JOIN_METHODS = frozenset({"join", "outerjoin", "join_from"})
_BOOL_CALLS = frozenset({"and_", "or_", "not_"})
STRATEGIES = frozenset({
    "joinedload", "selectinload", "subqueryload", "contains_eager", "raiseload", "lazyload", "noload",
    "defaultload", "immediateload",
})
# Options that load columns, not relationships: harmless on a path.
_COLUMN_OPTIONS = frozenset({
    "load_only", "defer", "undefer", "undefer_group", "with_expression", "selectin_polymorphic",
    "raiseload_columns",
})
_ROUND_TRIP_METHODS = frozenset({"commit", "flush"})
_LOOP_KINDS = frozenset({ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp})
_RELEVANT_METHODS = _STATEMENT_ROOTS | _EXECUTORS | _ROUND_TRIP_METHODS | {"query", "get"}
# The nodes `_collect_bindings` reads.
_BINDING_KINDS = frozenset({
    ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.comprehension, ast.With, ast.AsyncWith,
    ast.NamedExpr, ast.Call,
})
# Methods through which `_collect_bindings` sees a local list grow or change.
_LIST_METHODS = frozenset({"append", "extend", "insert", "pop", "remove", "clear"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _word_pattern(words: frozenset[str]) -> "re.Pattern[str]":
    """A regex finding any of `words` as a whole word, written for speed: a class of
    first letters lets `re` skip ahead, then each letter's endings (exact)."""
    endings: dict[str, list[str]] = {}
    for word in sorted(words, key=lambda w: (-len(w), w)):
        endings.setdefault(word[0], []).append(re.escape(word[1:]))
    tied = "|".join(f"(?<={first})(?:{'|'.join(rest)})" for first, rest in sorted(endings.items()))
    return re.compile(rf"[{''.join(sorted(endings))}](?<!\w.)(?:{tied})\b")


# The words without which a function's text cannot hold a fact: loop keywords
# (comprehensions too use `for`) and the names `_scan_own` calls relevant.
_FACT_WORD = _word_pattern(_RELEVANT_METHODS | {"query", "for", "while"})
# The words without which the expressions of a simple statement hold nothing
# `_scan_own` looks for below the statement itself: a relevant call or `.query`,
# a comprehension's `for`, a list method (`name.append(...)`). A walrus (`:=`,
# a binding) is looked for apart: it is no word.
_SCAN_WORD = _word_pattern(_RELEVANT_METHODS | _LIST_METHODS | {"query", "for"})


def _add_names(node: ast.AST, names: set[str]) -> None:
    """Add the names in `node` (all that `_subtree` finds) to `names`; the
    common targets (`x`, `a, b`) without the generic walk."""
    if type(node) is ast.Name:
        names.add(node.id)
        return
    if type(node) is ast.Tuple:
        for item in node.elts:
            _add_names(item, names)
        return
    for sub in _subtree(node):
        if type(sub) is ast.Name:
            names.add(sub.id)


def _strip(node: ast.AST) -> ast.AST:
    while isinstance(node, ast.Await):
        node = node.value
    return node


def _uncol(node: ast.AST, col_names: frozenset[str]) -> ast.AST:
    """`col(Item.owner)` -> `Item.owner`, when `col` is SQLModel's."""
    if (
        col_names and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in col_names
        and len(node.args) == 1 and not node.keywords
    ):
        return node.args[0]
    return node


def _last_name(func: ast.AST) -> Optional[str]:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _attr_name(node: ast.AST) -> Optional[str]:
    """The relationship an option argument names: `User.posts`, `User.posts.of_type(X)`, `"posts"`."""
    node = _strip(node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("of_type", "and_"):
        node = node.func.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


@dataclass
class _Function:
    name: str
    class_name: Optional[str]
    is_async: bool
    span: Span
    assigns: dict[str, list[ast.AST]] = field(default_factory=dict)
    appends: dict[str, list[ast.AST]] = field(default_factory=dict)
    other_bindings: set[str] = field(default_factory=set)
    # Names bound by a plain unpacking (`shop, fee = load(product)`), with the
    # assignments; they are in `other_bindings` too. `bound_otherwise`: the
    # names of `other_bindings` bound some other way as well.
    unpacked: dict[str, list[ast.AST]] = field(default_factory=dict)
    bound_otherwise: set[str] = field(default_factory=set)
    queries: list[QueryFact] = field(default_factory=list)
    query_vars: dict[str, list[int]] = field(default_factory=dict)
    loops: list[LoopFact] = field(default_factory=list)
    loop_targets: dict[int, str] = field(default_factory=dict)
    # Per loop over a mapping's `.items()` / `.keys()`: the name bound to the key.
    key_targets: dict[int, str] = field(default_factory=dict)
    accesses: list[LoopAccess] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    one_vars: list[tuple[str, int]] = field(default_factory=list)
    branches: list[Span] = field(default_factory=list)
    awaited: set[int] = field(default_factory=set)  # ids of calls under `await`
    session_params: tuple[str, ...] = ()
    returns: list[int] = field(default_factory=list)
    params: set[str] = field(default_factory=set)
    # Simple statements whose lines hold no `_SCAN_WORD` (see `_scan_own`).
    word_free: set[ast.AST] = field(default_factory=set)
    by_node: dict[int, int] = field(default_factory=dict)  # id(chain node) -> query index
    # ids of `flush()` calls right after a `commit()` or `flush()` of the same
    # session: nothing is pending then, so they send nothing.
    idle_flushes: set[int] = field(default_factory=set)
    # Names a loop over a display written in the code binds (`for entry in
    # [{"refs": [...]}, ...]`): what they hold is part of that display.
    literal_items: set[str] = field(default_factory=set)
    # Collections the enclosing `if` tests to hold one item (`if len(realms) == 1:`):
    # a loop over one of them runs once.
    single_items: set[str] = field(default_factory=set)
    # `_Extractor._known_values`, made once: the bindings are all collected
    # before the body is walked.
    known_values: Optional[dict[str, list[ast.AST]]] = None


# What a test made only of parameters and constants is built from (`commit`,
# `not commit`, `version_id is not None and strict`).
_CHOICE_NODES = (ast.Name, ast.Constant, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.expr_context, ast.boolop, ast.unaryop, ast.cmpop)


def _caller_chooses(test: ast.expr, params: set[str]) -> bool:
    """Whether an `if` test reads only parameters (at least one) and constants:
    the caller decides which branch runs. A test of anything else (`if
    cost.amount != new:`, `if found := get(session, key):`) depends on data."""
    names = [node for node in _subtree(test) if not isinstance(node, _CHOICE_NODES) or type(node) is ast.Name]
    return bool(names) and all(type(node) is ast.Name and node.id in params for node in names)


def _returns_what_caller_gave(stmt: ast.If, params: set[str]) -> bool:
    """`if version is not None: return version`: the caller may pass the answer,
    and then nothing below runs. (A guard that gives up, `if not email:
    return`, is not this: callers pass an email, and the work is done.)"""
    if stmt.orelse or len(stmt.body) != 1 or not isinstance(stmt.body[0], ast.Return):
        return False
    returned = stmt.body[0].value
    return isinstance(returned, ast.Name) and returned.id in params and _caller_chooses(stmt.test, params)


def _add_branch(fn: _Function, body: list[ast.stmt]) -> None:
    if body:
        last = body[-1]
        fn.branches.append(make_span(body[0].lineno, body[0].col_offset, last.end_lineno or last.lineno, last.end_col_offset or 0))


def in_branch(function: FunctionQueries, span: Span) -> bool:
    """Whether `span` starts inside one of the function's branches (`branches`)."""
    line, col = span_line(span), span_col(span)
    for branch in function.branches:
        first_line, first_col, last_line, last_col = span_parts(branch)
        if (first_line, first_col) <= (line, col) <= (last_line, last_col):
            return True
    return False


@dataclass
class _Where:
    loops: tuple[int, ...] = ()
    exits: bool = False
    batched: bool = False
    assigned_to: str = ""
    in_return: bool = False
    # Inside `try:` (with an `except`) in the loop: a commit there gives each item
    # its own transaction so that one failure does not undo the others, by design.
    isolated: bool = False
    # In a loop body that certainly makes each item its own transaction (its
    # `except` rolls back, its `finally` commits, a savepoint per item...): the
    # item's writes belong to it as well (`QueryFact.isolated`).
    own_transaction: bool = False


ONE_METHODS = frozenset({
    "first", "one", "one_or_none", "get", "scalar_one", "scalar_one_or_none", "first_or_404", "get_or_404",
    "one_or_404", "@scalar",
})


class _Extractor:
    def __init__(self, lines: Optional[list[str]] = None, module: Optional[list[ast.stmt]] = None) -> None:
        self.functions: list[FunctionQueries] = []
        # The file's lines as `ast` numbers them (None: not known, no shortcut by text).
        self.lines = lines
        # The module's statements, and its integer constants (`NUM_ROWS = 100`,
        # see `_module_ints`), found when a loop first asks (most files: never).
        self._module = module or []
        self._module_ints: Optional[dict[str, ast.AST]] = None
        # The names SQLModel's `col()` is imported as: `col(Item.owner) == x` is
        # the column itself (a helper for type checkers).
        self.col_names = frozenset(
            alias.asname or alias.name for stmt in self._module if isinstance(stmt, ast.ImportFrom) and stmt.module == "sqlmodel"
            for alias in stmt.names if alias.name == "col"
        )
        # The methods of each class of the file, by class (`Outer.Inner`) and name;
        # and what attributes of `self` a method sets, found when first asked.
        self.methods: dict[str, dict[str, ast.AST]] = {}
        self._sets_on_self: dict[int, set[str]] = {}

    # -- functions --------------------------------------------------------
    def function(self, name: str, class_name: Optional[str], node: ast.AST, body: list[ast.stmt]) -> None:
        if not isinstance(node, ast.Module) and not self._may_hold_facts(body):
            # Nothing here can make a fact (the text has no loop or query word),
            # so the facts would be empty and dropped. Neither can its nested
            # functions and methods: their bodies are lines of this one.
            return
        word_free: set[ast.AST] = set()
        bindings, scopes, relevant = _scan_own(body, self.lines, word_free)
        if relevant:
            fn = self._start(name, class_name, node)
            fn.word_free = word_free
            self._collect_bindings(fn, bindings)
            self._block(fn, body, _Where())
            self.functions.append(FunctionQueries(
                fn.name, fn.class_name, fn.is_async, fn.span, tuple(fn.queries), tuple(fn.loops), tuple(fn.accesses),
                tuple(fn.calls), tuple(fn.one_vars), fn.session_params, tuple(fn.returns), tuple(fn.branches),
            ))
        # (Without anything relevant the facts would be empty, and dropped.)
        self._nested(name, class_name, scopes)

    def _start(self, name: str, class_name: Optional[str], node: ast.AST) -> _Function:
        """The function's record, with its parameters."""
        is_async = isinstance(node, ast.AsyncFunctionDef)
        fn = _Function(name, class_name, is_async, span_of(node) if not isinstance(node, ast.Module) else make_span(1, 0, 1, 0))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            sessions = []
            every = [*getattr(node.args, "posonlyargs", []), *node.args.args, *node.args.kwonlyargs]
            every += [a for a in (node.args.vararg, node.args.kwarg) if a is not None]
            fn.params = {a.arg for a in every}
            for arg in [*getattr(node.args, "posonlyargs", []), *node.args.args, *node.args.kwonlyargs]:
                annotation = dotted_name(arg.annotation) if arg.annotation is not None else None
                if annotation is None and isinstance(arg.annotation, ast.Subscript):
                    annotation = dotted_name(arg.annotation.value)  # Annotated[Session, ...]
                    if annotation is not None and annotation.rsplit(".", 1)[-1] == "Annotated":
                        inner = arg.annotation.slice
                        first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
                        annotation = dotted_name(first)
                if annotation is not None:
                    last = annotation.rsplit(".", 1)[-1]
                    if last.lower().endswith("session") or last == "SessionDep":
                        sessions.append(arg.arg)
            fn.session_params = tuple(sessions)
        return fn

    def _nested(self, name: str, class_name: Optional[str], scopes: list[ast.AST]) -> None:
        for child in scopes:
            assert isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            qual = child.name if name == "<module>" else f"{name}.{child.name}"
            if isinstance(child, ast.ClassDef):
                self.class_body(qual, child)
            else:
                owner = class_name if name == class_name else None
                self.function(qual, owner, child, child.body)

    def class_body(self, qual: str, node: ast.ClassDef) -> None:
        self.methods[qual] = {
            stmt.name: stmt for stmt in node.body if type(stmt) is ast.FunctionDef or type(stmt) is ast.AsyncFunctionDef
        }
        for stmt in node.body:
            kind = type(stmt)
            if kind in _CLASS_ATTRIBUTES:
                continue  # no function inside (lambdas are not walked)
            if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:  # the commonest (as below, minus a walk)
                self.function(f"{qual}.{stmt.name}", qual, stmt, stmt.body)  # type: ignore[attr-defined]
                continue
            for child in _nested_scopes([stmt]):
                if isinstance(child, ast.ClassDef):
                    self.class_body(f"{qual}.{child.name}", child)
                else:
                    self.function(f"{qual}.{child.name}", qual, child, child.body)  # type: ignore[attr-defined]

    def _may_hold_facts(self, body: list[ast.stmt]) -> bool:
        """False when the lines of `body` hold no word that can start a fact.

        Facts need a loop (`for`, `while`, a comprehension's `for`) or a call or
        attribute named like a query method (`_RELEVANT_METHODS`, `.query`), and
        identifiers and keywords are written out in the source: without one of
        these words on the body's lines, `_collect_bindings` finds nothing
        relevant. Lines with non-ASCII characters are never ruled out (an
        identifier may be spelled with characters NFKC turns into these words).
        """
        lines = self.lines
        if lines is None:
            return True
        first = body[0]
        if type(first) is ast.Expr and type(first.value) is ast.Constant:  # a docstring: nothing in it counts
            if len(body) == 1:
                return False
            first = body[1]
        last = getattr(body[-1], "end_lineno", None)
        if last is None:
            return True
        segment = "\n".join(lines[first.lineno - 1 : last])
        return not segment.isascii() or _FACT_WORD.search(segment) is not None

    def _filled_by_method(self, fn: _Function, test: ast.AST, body: list[ast.stmt]) -> bool:
        """`if not self.tunnel_created: self.create_tunnel()` where that method of
        the class sets `self.tunnel_created` (to something that is not blank):
        `_memo_branch` with the filling done by a method, so the branch runs
        once per object."""
        tested = _tested_for_none(test)
        if fn.class_name is None or not isinstance(tested, ast.Attribute) or not isinstance(tested.value, ast.Name):
            return False
        if tested.value.id != "self":
            return False
        methods = self.methods.get(fn.class_name, {})
        for stmt in body:
            call = stmt.value if isinstance(stmt, ast.Expr) else None
            if isinstance(call, ast.Await):
                call = call.value
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)):
                continue
            method = methods.get(call.func.attr) if call.func.value.id == "self" else None
            if method is not None and tested.attr in self._attributes_set_on_self(method):
                return True
        return False

    def _attributes_set_on_self(self, method: ast.AST) -> set[str]:
        found = self._sets_on_self.get(id(method))
        if found is None:
            found = self._sets_on_self[id(method)] = {
                target.attr
                for node in _walk_own(method.body)  # type: ignore[attr-defined]
                if isinstance(node, ast.Assign) and not _is_blank(node.value)
                for target in node.targets
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"
            }
        return found

    def _collect_bindings(self, fn: _Function, nodes: list[ast.AST]) -> None:
        """Record the function's bindings, from the binding nodes `_scan_own` found
        (calls among them only when they are `name.<list method>(...)`)."""
        for node in nodes:
            kind = type(node)
            if kind is ast.Call:  # the commonest
                func = node.func  # type: ignore[attr-defined]
                if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
                    continue
                args = node.args  # type: ignore[attr-defined]
                if func.attr == "append" and len(args) == 1:
                    fn.appends.setdefault(func.value.id, []).append(args[0])
                elif func.attr == "extend" and len(args) == 1:
                    arg = args[0]
                    if isinstance(arg, (ast.List, ast.Tuple)):
                        fn.appends.setdefault(func.value.id, []).extend(arg.elts)
                    else:
                        fn.appends.setdefault(func.value.id, []).append(ast.Starred(value=arg))
                elif func.attr in ("insert", "pop", "remove", "clear"):
                    fn.other_bindings.add(func.value.id)
                    fn.bound_otherwise.add(func.value.id)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        fn.assigns.setdefault(target.id, []).append(node.value)
                    elif isinstance(target, (ast.Tuple, ast.List)) and all(type(e) is ast.Name for e in target.elts):
                        for element in target.elts:
                            fn.other_bindings.add(element.id)  # type: ignore[attr-defined]
                            fn.unpacked.setdefault(element.id, []).append(node)  # type: ignore[attr-defined]
                    else:
                        _add_names(target, fn.other_bindings)
                        _add_names(target, fn.bound_otherwise)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                fn.assigns.setdefault(node.target.id, []).append(node.value)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                if isinstance(node.op, ast.Add) and isinstance(node.value, (ast.List, ast.Tuple)):
                    fn.appends.setdefault(node.target.id, []).extend(node.value.elts)
                else:
                    fn.other_bindings.add(node.target.id)
                    fn.bound_otherwise.add(node.target.id)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                _add_names(node.target, fn.other_bindings)
                _add_names(node.target, fn.bound_otherwise)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        _add_names(item.optional_vars, fn.other_bindings)
                        _add_names(item.optional_vars, fn.bound_otherwise)
            elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                fn.assigns.setdefault(node.target.id, []).append(node.value)

    # -- statements -------------------------------------------------------
    def _block(self, fn: _Function, body: list[ast.stmt], where: _Where) -> None:
        if where.loops:
            _note_idle_flushes(fn, body)
        # Statements followed (in their block) by return/break/raise run at most once per loop.
        last_exit = -1
        for position in range(len(body) - 1, -1, -1):
            if isinstance(body[position], (ast.Return, ast.Break, ast.Raise)):
                last_exit = position
                break
        if where.assigned_to or where.in_return:
            plain = _Where(where.loops, where.exits, where.batched, isolated=where.isolated, own_transaction=where.own_transaction)
        else:
            plain = where  # the same context (contexts are never changed)
        if fn.params:
            for position, stmt in enumerate(body[:-1]):
                if isinstance(stmt, ast.If) and _returns_what_caller_gave(stmt, fn.params):
                    # What follows runs only when the caller passes no answer.
                    _add_branch(fn, body[position + 1:])
                    break
        if last_exit < 0:  # the common case: one context for the whole block
            for stmt in body:
                self._statement(fn, stmt, plain)
            return
        exiting = _Where(where.loops, True, where.batched, isolated=where.isolated, own_transaction=where.own_transaction)
        for position, stmt in enumerate(body):
            self._statement(fn, stmt, exiting if position <= last_exit else plain)

    def _statement(self, fn: _Function, stmt: ast.stmt, where: _Where) -> None:
        # The commonest statements first (the kinds are exclusive, so the order
        # of the tests changes nothing else).
        kind = type(stmt)
        if kind is ast.Expr:
            self._top(fn, stmt.value, where, stmt in fn.word_free)  # type: ignore[attr-defined]
            return
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
            target = targets[0]
            if len(targets) == 1 and isinstance(target, ast.Name):
                if where.loops or self._may_record_here(fn, stmt.value, stmt in fn.word_free):
                    self._expr(fn, stmt.value, _Where(where.loops, where.exits, where.batched, target.id, isolated=where.isolated, own_transaction=where.own_transaction))
                return
        elif isinstance(stmt, ast.Return):
            returned = stmt.value
            if returned is not None:
                if where.loops or self._may_record_here(fn, returned, stmt in fn.word_free):
                    self._expr(fn, returned, _Where(where.loops, True, where.batched, "", True, where.isolated, where.own_transaction))
                return
        elif isinstance(stmt, ast.If):
            # A guard that holds once filled holds as one operand of an `and` too:
            # `if self.use_tunnel and not self.tunnel_created:` (pgadmin).
            guards = _conjuncts(stmt.test)
            memo = any(_memo_branch(guard, stmt.body) or self._filled_by_method(fn, guard, stmt.body) for guard in guards)
            if memo:  # runs once per object: not on every call of this function
                _add_branch(fn, stmt.body)
            elif fn.params and _caller_chooses(stmt.test, fn.params):
                _add_branch(fn, stmt.body)
                _add_branch(fn, stmt.orelse)
            self._top(fn, stmt.test, where)
            batched = where.batched or (bool(where.loops) and (
                memo or _batch_test(stmt.test) or _memoizes(stmt.body) or any(_fills_once(fn, guard, stmt.body) for guard in guards)
                or _runs_once_per_key(stmt.test, {fn.key_targets.get(where.loops[-1], "")})
            ))
            single = {name for guard in guards for name in _one_item_names(guard)} - fn.single_items
            fn.single_items |= single
            self._block(fn, stmt.body, _Where(where.loops, where.exits, batched, isolated=where.isolated, own_transaction=where.own_transaction))
            fn.single_items -= single
            self._block(fn, stmt.orelse, _Where(where.loops, where.exits, batched, isolated=where.isolated, own_transaction=where.own_transaction))
            return
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._iterable(fn, stmt.iter, where)
            loop_target = stmt.target.id if isinstance(stmt.target, ast.Name) else ""
            iterable: Optional[ast.AST] = stmt.iter
            if not loop_target:
                loop_target, iterable = _enumerate_target(stmt.target, stmt.iter)
            own = _walk_own(stmt.body)  # read by `_is_retry` and `_one_transaction_per_item`
            module_collection = _is_module_constant(fn, stmt.iter)
            display_part = _part_of_display(fn.literal_items, stmt.iter)
            repeating = (
                _is_retry(stmt, own) or module_collection or _is_local_display(fn, stmt.iter) or display_part
                or isinstance(stmt.iter, ast.Name) and stmt.iter.id in fn.single_items
            )
            # The loop's names hold parts of a display, or, when it iterates
            # something else, no longer do.
            names: set[str] = set()
            _add_names(stmt.target, names)
            if module_collection or display_part or (repeating and _data_display(fn, stmt.iter)):
                fn.literal_items |= names
            else:
                fn.literal_items -= names
            index = self._loop(fn, "for", stmt, loop_target, iterable, where, repeating or _database_per_item(own, names) or _lock_per_item(own, names))
            key = _mapping_key_target(stmt.target, stmt.iter)
            if key:
                fn.key_targets[index] = key
            per_item = _one_transaction_per_item(stmt.body, own)
            inner = _Where(where.loops + (index,), False, False, isolated=per_item, own_transaction=per_item)
            self._block(fn, stmt.body, inner)
            self._block(fn, stmt.orelse, where)
            return
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in stmt.decorator_list:
                self._top(fn, decorator, where)
            return
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self._top(fn, item.context_expr, where)
            self._block(fn, stmt.body, where)
            return
        elif isinstance(stmt, ast.While):
            # `while` loops poll, page through batches or probe (`while exists(slug)`):
            # repeating a round trip is what they are for.
            index = self._loop(fn, "while", stmt, "", None, where, True)
            inner = _Where(where.loops + (index,), False, False)
            self._top(fn, stmt.test, inner)
            self._block(fn, stmt.body, inner)
            self._block(fn, stmt.orelse, where)
            return
        elif isinstance(stmt, ast.Try) or kind.__name__ == "TryStar":
            # In a loop, or in a helper whose `except` rolls back (called in a
            # loop, each call is its own transaction, by design).
            isolated = bool(stmt.handlers) and (bool(where.loops) or _rolls_back_per_item([stmt]))  # type: ignore[attr-defined]
            # Its own transaction for certain: it rolls back, or each pass runs in a savepoint.
            certain = bool(where.loops) and (_rolls_back_per_item([stmt]) or bool(stmt.handlers) and _savepoint(stmt.body))  # type: ignore[attr-defined]
            self._block(fn, stmt.body, _Where(  # type: ignore[attr-defined]
                where.loops, where.exits, where.batched, isolated=where.isolated or isolated, own_transaction=where.own_transaction or certain,
            ))
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                _add_branch(fn, handler.body)
                # The error path runs on the failing iterations only, not once per item:
                # treated like a batched branch.
                self._block(fn, handler.body, _Where(where.loops, where.exits, bool(where.loops) or where.batched, isolated=where.isolated, own_transaction=where.own_transaction))
            self._block(fn, stmt.orelse, where)  # type: ignore[attr-defined]
            self._block(fn, stmt.finalbody, where)  # type: ignore[attr-defined]
            return
        elif isinstance(stmt, ast.AnnAssign):
            annotated = stmt.value
            if isinstance(stmt.target, ast.Name) and annotated is not None:
                if where.loops or self._may_record_here(fn, annotated, stmt in fn.word_free):
                    self._expr(fn, annotated, _Where(where.loops, where.exits, where.batched, stmt.target.id, isolated=where.isolated, own_transaction=where.own_transaction))
                return
        elif isinstance(stmt, ast.Match if hasattr(ast, "Match") else ()):  # pragma: no cover - 3.10+
            self._top(fn, stmt.subject, where)
            for case in stmt.cases:
                _add_branch(fn, case.body)
                self._block(fn, case.body, where)
            return
        # The children in `ast.iter_child_nodes` order (contexts and operators are neither).
        word_free = stmt in fn.word_free
        fields = _WALK_FIELDS.get(kind)
        if fields is None:
            fields = _walk_fields(kind)
        for name in fields:
            value = getattr(stmt, name, None)
            for child in value if type(value) is list else (value,):
                if isinstance(child, ast.stmt):
                    self._statement(fn, child, where)
                elif isinstance(child, ast.expr):
                    self._top(fn, child, where, word_free)

    def _loop(self, fn: _Function, kind: str, node: ast.AST, target: str, iterable: Optional[ast.AST], where: _Where, repeating: bool) -> int:
        source: tuple[str, Union[int, str], str] = ("", "", "")
        if iterable is not None:
            source = self._source(fn, iterable, 0)
        span = span_of(node)
        if kind != "comprehension":
            span = make_span(span_line(span), span_col(span), span_line(span), span_col(span))
        fixed = iterable is not None and _fixed_count(iterable, self._known_values(fn), 0)
        fn.loops.append(LoopFact(kind, span, target, source, where.loops[-1] if where.loops else -1, repeating, fixed))
        index = len(fn.loops) - 1
        if target:
            fn.loop_targets[index] = target
        return index

    def _known_values(self, fn: _Function) -> dict[str, list[ast.AST]]:
        """The function's single assignments, and the module's integer constants
        for the names the function does not bind itself (a parameter, say)."""
        if fn.known_values is not None:
            return fn.known_values
        assigns = _single_assigns(fn)
        if self._module_ints is None:
            self._module_ints = _module_ints(self._module)
        for name, value in self._module_ints.items():
            if name not in fn.params and name not in fn.assigns and name not in fn.other_bindings:
                assigns[name] = [value]
        fn.known_values = assigns
        return assigns

    def _source(self, fn: _Function, node: ast.AST, depth: int) -> tuple[str, Union[int, str], str]:
        node = _strip(node)
        if depth > 5:
            return ("", "", "")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list", "tuple", "set", "iter", "sorted", "reversed") and len(node.args) == 1:
            return self._source(fn, node.args[0], depth + 1)
        chain = fn.by_node.get(id(node))
        if chain is not None:
            return ("query", chain, "")
        if isinstance(node, ast.Attribute) and node.attr == "items":
            inner = self._source(fn, node.value, depth + 1)  # pagination.items
            if inner[0] == "query" and not inner[2]:
                return ("query", inner[1], "items")
        if isinstance(node, ast.Name) and node.id in fn.query_vars:
            # `for user in q`: the query the variable holds, with every refinement.
            bases = tuple(fn.query_vars[node.id])
            if node.id in fn.other_bindings or any(not self._is_chain_value(fn, v) for v in fn.assigns.get(node.id, [])):
                bases = bases + (-1,)
            fn.queries.append(QueryFact(span=span_of(node), root="var", bases=bases, var=node.id))
            return ("query", len(fn.queries) - 1, "")
        if isinstance(node, ast.Name):
            values = fn.assigns.get(node.id, [])
            if len(values) == 1 and node.id not in fn.other_bindings and node.id not in fn.appends:
                return self._source(fn, values[0], depth + 1)
            return ("", "", "")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return ("attr", node.value.id, node.attr)
        return ("", "", "")

    # -- expressions ------------------------------------------------------
    def _iterable(self, fn: _Function, node: ast.AST, where: _Where, walk: Optional[Callable[[_Function, ast.AST, _Where], None]] = None) -> None:
        """A loop's iterable: a query chain there (`for post in session.query(Post)...:`)
        is iterated, so it runs, with no `.all()` written."""
        recorded = len(fn.queries)
        (walk or self._top)(fn, node, where)
        span = span_of(node)
        for index in range(recorded, len(fn.queries)):
            if fn.queries[index].span == span:
                fn.queries[index] = replace_record(fn.queries[index], iterated=True)

    def _top(self, fn: _Function, node: ast.AST, where: _Where, word_free: bool = False) -> None:
        """`_expr` on an expression of a statement, skipped outside loops when
        nothing in it can make a fact (no query root, commit/flush, loop)."""
        if where.loops or self._may_record_here(fn, node, word_free):
            self._expr(fn, node, where)

    def _may_record_here(self, fn: _Function, node: ast.AST, word_free: bool) -> bool:
        """`_may_record`, after its cheaper tests. `word_free`: the statement's lines
        hold no `_SCAN_WORD`, which holds every word `_text_may_record` looks for
        but `while` (a keyword, so no name `_may_record` finds): only a query
        variable's name can make it record then."""
        kind = type(node)
        if kind is ast.Name or kind is ast.Constant:
            return False  # `_expr` records nothing there
        if word_free:
            return bool(fn.query_vars) and self._text_names_query_var(fn, node) and _may_record(fn, node)
        return self._text_may_record(fn, node) and _may_record(fn, node)

    def _text_names_query_var(self, fn: _Function, node: ast.AST) -> bool:
        """The lines of the expression hold the name of a query variable."""
        lines = self.lines
        assert lines is not None  # (`word_free` is known from the lines)
        first, last = node.lineno, node.end_lineno  # type: ignore[attr-defined]
        segment = lines[first - 1] if first == last else "\n".join(lines[first - 1 : last])
        return any(var in segment for var in fn.query_vars)

    def _text_may_record(self, fn: _Function, node: ast.AST) -> bool:
        """A cheaper first test for `_may_record`, on the text of the expression's
        lines: what it looks for is written there (a query or loop word, a query
        variable's name), as in `_may_hold_facts`."""
        lines = self.lines
        last = getattr(node, "end_lineno", None)
        if lines is None or last is None:
            return True
        first = node.lineno  # type: ignore[attr-defined]
        segment = lines[first - 1] if first == last else "\n".join(lines[first - 1 : last])
        if not segment.isascii() or _FACT_WORD.search(segment) is not None:
            return True
        return any(var in segment for var in fn.query_vars)

    def _expr(self, fn: _Function, node: ast.AST, where: _Where) -> None:
        kind = type(node)
        while kind is ast.Await:
            node = node.value  # type: ignore[attr-defined]
            kind = type(node)
            if kind is ast.Call:
                fn.awaited.add(id(node))
        if kind is ast.Name or kind is ast.Constant or kind is ast.Lambda:
            return  # nothing to record in a name or a constant; lambdas are not walked
        if kind in _COMPREHENSION_TYPES:
            self._comprehension(fn, node, where)
            return
        if (kind is ast.Call or kind is ast.Attribute) and not _cannot_root_query(fn, node):
            index = self._query(fn, node, where)
            if index is not None:
                fact = fn.queries[index]
                if where.assigned_to:
                    last = fact.methods[-1] if fact.methods else ""
                    if last in ONE_METHODS or fact.root == "get":
                        fn.one_vars.append((where.assigned_to, index))
                    else:
                        # A query, statement or result: later chains on the variable continue it.
                        fn.query_vars.setdefault(where.assigned_to, []).append(index)
                if where.in_return:
                    fn.returns.append(index)
                # Arguments may hold other queries (subqueries, statements). Outside
                # loops most are conditions that record nothing (`M.id == x`), which
                # `_may_record`'s flat walk tells cheaper than `_expr`'s recursion.
                arguments = _Where(where.loops, where.exits, where.batched, isolated=where.isolated, own_transaction=where.own_transaction)
                for sub in _chain_arguments(node):
                    if where.loops or _may_record(fn, sub):
                        self._expr(fn, sub, arguments)
                return
        if isinstance(node, ast.Call):
            func = node.func
            # (Outside loops only commit/flush calls are recorded.)
            if where.loops or (type(func) is ast.Attribute and func.attr in _ROUND_TRIP_METHODS):
                self._call_site(fn, node, where)
        elif isinstance(node, ast.Attribute):
            if where.loops and type(node.value) is ast.Name:  # (what `_access` records)
                self._access(fn, node, where)
        inner = _Where(where.loops, where.exits, where.batched, isolated=where.isolated, own_transaction=where.own_transaction) if where.assigned_to or where.in_return else where
        fields = _WALK_FIELDS.get(kind)
        if fields is None:
            fields = _walk_fields(kind)
        expr_types = _EXPR_TYPES
        for name in fields:
            value = getattr(node, name, None)
            for child in value if type(value) is list else (value,):
                child_kind = type(child)
                if child_kind in expr_types:
                    self._expr(fn, child, inner)  # type: ignore[arg-type]
                elif child_kind is ast.keyword:
                    self._expr(fn, child.value, inner)  # type: ignore[union-attr]

    def _comprehension(self, fn: _Function, node: ast.AST, where: _Where) -> None:
        loops = where.loops
        generators = node.generators  # type: ignore[attr-defined]
        for position, generator in enumerate(generators):
            # The first iterable is evaluated once, outside the comprehension.
            self._iterable(fn, generator.iter, _Where(loops if position else where.loops, where.exits, where.batched), walk=self._expr)
            target = generator.target.id if isinstance(generator.target, ast.Name) else ""
            iterable = generator.iter
            if not target:
                target, iterable = _enumerate_target(generator.target, generator.iter)
            # Over a module's or a setting's collection, or a display bound to a
            # local name: a fixed handful of items, as for a `for` statement.
            fixed = _is_module_constant(fn, generator.iter) or _is_local_display(fn, generator.iter)
            index = self._loop(fn, "comprehension", node, target, iterable, _Where(loops), fixed)
            loops = loops + (index,)
            for condition in generator.ifs:
                self._expr(fn, condition, _Where(loops))
        elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]  # type: ignore[attr-defined]
        for element in elements:
            self._expr(fn, element, _Where(loops))

    def _access(self, fn: _Function, node: ast.Attribute, where: _Where) -> None:
        if not where.loops or not isinstance(node.value, ast.Name):
            return
        name = node.value.id
        if any(fn.loop_targets.get(loop) == name for loop in where.loops):
            fn.accesses.append(LoopAccess(name, node.attr, attribute_span(node), where.loops, isinstance(node.ctx, ast.Store)))

    def _call_site(self, fn: _Function, node: ast.Call, where: _Where) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = dotted_name(func.value)
            if receiver is None:
                return
            if func.attr in _ROUND_TRIP_METHODS:
                if id(node) in fn.idle_flushes:
                    return
                fn.calls.append(CallSite(receiver, func.attr, span_of(node), where.loops, where.exits, where.batched or where.isolated))
            elif receiver in ("self", "cls") and where.loops:
                fn.calls.append(CallSite(receiver, func.attr, span_of(node), where.loops, where.exits, where.batched, id(node) in fn.awaited, where.isolated))
        elif isinstance(func, ast.Name) and where.loops:
            fn.calls.append(CallSite("", func.id, span_of(node), where.loops, where.exits, where.batched, id(node) in fn.awaited, where.isolated))

    # -- query chains -----------------------------------------------------
    def _query(self, fn: _Function, node: ast.AST, where: _Where) -> Optional[int]:
        steps: list[tuple[str, Optional[ast.Call]]] = []
        current = node
        root: Optional[str] = None
        root_func = ""
        entities: list[ast.AST] = []
        receiver = ""
        var = ""
        executor_args = 0
        for _ in range(60):
            current = _strip(current)
            if isinstance(current, ast.Call):
                func = current.func
                if isinstance(func, ast.Attribute):
                    method = func.attr
                    dotted_receiver = dotted_name(func.value)
                    if method in _EXECUTORS and current.args and dotted_receiver is not None and _may_be_statement(fn, current.args[0]):
                        steps.append((f"@{method}", current))
                        executor_args = len(current.args)
                        receiver = dotted_receiver
                        current = current.args[0]
                        continue
                    if method == "query" and current.args and dotted_receiver is not None:
                        root, entities, receiver = "query", list(current.args), dotted_receiver
                        break
                    if method == "get" and len(current.args) >= 2 and dotted_receiver is not None:
                        root, entities, receiver = "get", [current.args[0]], dotted_receiver
                        break
                    if method in _STATEMENT_ROOTS and dotted_receiver is not None and "." not in dotted_receiver and current.args:
                        if dotted_receiver not in fn.assigns and dotted_receiver not in fn.other_bindings:
                            root, root_func, entities = method, f"{dotted_receiver}.{method}", list(current.args)
                            break
                    steps.append((method, current))
                    current = func.value
                    continue
                if isinstance(func, ast.Name) and func.id in _STATEMENT_ROOTS and current.args:
                    root, root_func, entities = func.id, func.id, list(current.args)
                    break
                return None
            if isinstance(current, ast.Attribute):
                if current.attr == "query":
                    base = dotted_name(current.value)
                    if base is not None:
                        root, entities = "model_query", [current.value]
                        break
                if current.attr in ("items",) and steps:
                    return None
                steps.append((current.attr, None))
                current = current.value
                continue
            if isinstance(current, ast.Name) and current.id in fn.query_vars:
                root, var = "var", current.id
                break
            return None
        if root is None:
            return None
        if root == "var" and not steps:
            return None  # the bare variable: its facts are recorded where assigned
        steps.reverse()
        conditions: list[ColumnRef] = []
        filter_by: list[str] = []
        complete = True
        joins: list[Expr] = []
        options: list[LoaderPath] = []
        options_complete = True
        methods: list[str] = []
        group = [0]
        for method, call in steps:
            methods.append(method)
            if call is None:
                continue
            if method in _CONDITION_METHODS:
                for arg in call.args:
                    complete = self._condition(fn, arg, conditions, group, 0) and complete
                if call.keywords:
                    complete = False
                if any(isinstance(a, ast.Starred) for a in call.args) and not all(self._starred_ok(fn, a) for a in call.args if isinstance(a, ast.Starred)):
                    complete = False
            elif method == "filter_by":
                for keyword in call.keywords:
                    if keyword.arg is None:
                        complete = False
                    else:
                        filter_by.append(keyword.arg)
                if call.args:
                    complete = False
            elif method in _JOIN_METHODS:
                joins.extend(to_expr(a) for a in call.args)
            elif method == "options":
                for arg in call.args:
                    found = self._loaders(fn, arg, 0)
                    if found is None:
                        options_complete = False
                    else:
                        options.extend(found)
        bases: tuple[int, ...] = ()
        if root == "var":
            bases = tuple(fn.query_vars.get(var, ()))
            if var in fn.other_bindings or any(not self._is_chain_value(fn, v) for v in fn.assigns.get(var, [])):
                bases = bases + (-1,)
        fact = QueryFact(
            span=span_of(node), root=root, root_func=root_func, entities=tuple(to_expr(e) for e in entities),
            receiver=receiver, methods=tuple(methods), conditions=tuple(conditions), filter_by=tuple(filter_by),
            conditions_complete=complete, joins=tuple(joins), options=tuple(options), options_complete=options_complete,
            bases=bases, var=var, assigned_to=where.assigned_to, loops=where.loops, exits=where.exits,
            batched=where.batched, executor_args=executor_args, isolated=where.own_transaction,
        )
        fn.queries.append(fact)
        index = len(fn.queries) - 1
        fn.by_node[id(node)] = index
        return index

    def _is_chain_value(self, fn: _Function, value: ast.AST) -> bool:
        return fn.by_node.get(id(_strip(value))) is not None or _looks_like_chain(value, fn, set())

    def _starred_ok(self, fn: _Function, node: ast.Starred) -> bool:
        return isinstance(node.value, ast.Name) and node.value.id in fn.assigns

    def _condition(self, fn: _Function, node: ast.AST, out: list[ColumnRef], group: list[int], depth: int) -> bool:
        """Record the column refs of a condition; False when part of it cannot be read."""
        node = _uncol(_strip(node), self.col_names)
        if depth > 8:
            return False
        if isinstance(node, ast.Starred):
            return self._condition_variable(fn, node.value, out, group, depth, starred=True)
        if isinstance(node, ast.Name):
            return self._condition_variable(fn, node, out, group, depth, starred=False)
        if isinstance(node, ast.Compare):
            group[0] += 1
            operands = [node.left, *node.comparators]
            negative = any(isinstance(op, (ast.NotEq, ast.IsNot, ast.NotIn)) for op in node.ops)
            for operand in operands:
                _operand_refs(_uncol(operand, self.col_names), out, group[0], op="ne" if negative else "cmp")
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
            return self._condition(fn, node.left, out, group, depth + 1) and self._condition(fn, node.right, out, group, depth + 1)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not)):
            inner: list[ColumnRef] = []
            ok = self._condition(fn, node.operand, inner, group, depth + 1)
            out.extend(ColumnRef(r.base, r.attr, r.span, "ne" if r.op != "wrapped" else r.op, r.group) for r in inner)
            return ok
        if isinstance(node, ast.Attribute):
            base = dotted_name(node.value)
            if base is None:
                return False
            group[0] += 1
            out.append(ColumnRef(base, node.attr, span_of(node), "bool", group[0]))
            return True
        if isinstance(node, ast.Call):
            name = _last_name(node.func)
            if name in _BOOL_CALLS and not node.keywords:
                ok = True
                for arg in node.args:
                    ok = self._condition(fn, arg, out, group, depth + 1) and ok
                return ok
            column = _uncol(node.func.value, self.col_names) if isinstance(node.func, ast.Attribute) else None
            if isinstance(column, ast.Attribute):
                base = dotted_name(column.value)
                if base is not None and name is not None:
                    group[0] += 1
                    out.append(ColumnRef(base, column.attr, span_of(column), name, group[0]))
                    for arg in [*node.args, *(k.value for k in node.keywords)]:
                        _operand_refs(arg, out, group[0], wrapped=True)
                    return True
            return False
        return False

    def _condition_variable(self, fn: _Function, node: ast.AST, out: list[ColumnRef], group: list[int], depth: int, starred: bool) -> bool:
        if not isinstance(node, ast.Name) or node.id in fn.other_bindings:
            return False
        values = fn.assigns.get(node.id, [])
        extra = fn.appends.get(node.id, [])
        if not values:
            return False
        ok = True
        for value in [*values, *extra]:
            value = _strip(value)
            if starred and isinstance(value, (ast.List, ast.Tuple)):
                for item in value.elts:
                    ok = self._condition(fn, item, out, group, depth + 1) and ok
            elif isinstance(value, ast.Starred):
                ok = self._condition_variable(fn, value.value, out, group, depth + 1, True) and ok
            elif starred and value in extra:
                ok = self._condition(fn, value, out, group, depth + 1) and ok
            elif not starred:
                ok = self._condition(fn, value, out, group, depth + 1) and ok
            else:
                ok = False
        return ok

    def _loaders(self, fn: _Function, node: ast.AST, depth: int) -> Optional[list[LoaderPath]]:
        node = _strip(node)
        if depth > 8:
            return None
        if isinstance(node, ast.Starred):
            return self._loaders(fn, node.value, depth + 1)
        if isinstance(node, (ast.List, ast.Tuple)):
            found: list[LoaderPath] = []
            for item in node.elts:
                inner = self._loaders(fn, item, depth + 1)
                if inner is None:
                    return None
                found.extend(inner)
            return found
        if isinstance(node, ast.Name):
            if node.id in fn.other_bindings or node.id not in fn.assigns:
                return None
            found = []
            for value in [*fn.assigns[node.id], *fn.appends.get(node.id, [])]:
                inner = self._loaders(fn, value, depth + 1)
                if inner is None:
                    return None
                found.extend(inner)
            return found
        if isinstance(node, ast.Call):
            path = self._loader_path(node, 0)
            if path is None:
                return None
            return list(path)
        return None

    def _loader_path(self, node: ast.Call, depth: int) -> Optional[list[LoaderPath]]:
        """The paths one loader expression sets (several when it has `.options(...)`)."""
        if depth > 12:
            return None
        func = node.func
        name = _last_name(func)
        if name is None:
            return None
        prefix = LoaderPath(())
        if isinstance(func, ast.Attribute) and isinstance(_strip(func.value), ast.Call):
            inner = _strip(func.value)
            assert isinstance(inner, ast.Call)
            inner_name = _last_name(inner.func)
            if inner_name == "Load":
                prefix = LoaderPath(())
            else:
                parents = self._loader_path(inner, depth + 1)
                if parents is None or not parents:
                    return None
                prefix = parents[0]
        if name == "Load":
            return [LoaderPath(())]
        if name in STRATEGIES:
            steps = list(prefix.steps)
            wildcard = prefix.wildcard
            args = [a for a in node.args]
            if not args and not node.keywords:
                return None
            for arg in args:
                if isinstance(arg, ast.Constant) and arg.value == "*":
                    wildcard = True
                    continue
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and "." in arg.value:
                    steps.extend((name, part) for part in arg.value.split("."))
                    continue
                attr = _attr_name(arg)
                if attr is None:
                    if name == "contains_eager" and isinstance(_strip(arg), ast.Name):
                        continue  # contains_eager(alias=...) legacy positional forms
                    return None
                steps.append((name, attr))
            return [LoaderPath(tuple(steps), wildcard)]
        if name in _COLUMN_OPTIONS:
            return [prefix]
        if name == "options" and isinstance(func, ast.Attribute):
            found = [prefix]
            for raw in node.args:
                sub_option = _strip(raw)
                if not isinstance(sub_option, ast.Call):
                    return None
                subs = self._loader_path(sub_option, depth + 1)
                if subs is None:
                    return None
                found.extend(LoaderPath(prefix.steps + sub.steps, prefix.wildcard or sub.wildcard) for sub in subs)
            return found
        return None


def _operand_refs(node: ast.AST, out: list[ColumnRef], group: int, wrapped: bool = False, op: str = "cmp") -> None:
    node = _strip(node)
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        if base is not None:
            out.append(ColumnRef(base, node.attr, span_of(node), "wrapped" if wrapped else op, group))
            return
    for sub in _subtree(node):
        if sub is node:
            continue
        if isinstance(sub, ast.Attribute):
            base = dotted_name(sub.value)
            if base is not None:
                out.append(ColumnRef(base, sub.attr, span_of(sub), "wrapped", group))


# Methods with which `_query` may find a chain's root, or step into a statement.
_ROOT_METHODS = _EXECUTORS | _STATEMENT_ROOTS | {"query", "get"}


def _cannot_root_query(fn: _Function, node: ast.AST) -> bool:
    """True for the commonest shapes in which `_query` finds no root, a cheaper
    test than walking the chain: `name.attr` (not `.query`, not on a query
    variable), `func(...)` (not a statement function with arguments),
    `name.method(...)` (not a root method, not on a query variable)."""
    kind = type(node)
    if kind is ast.Attribute:
        base = node.value  # type: ignore[attr-defined]
        return type(base) is ast.Name and node.attr != "query" and base.id not in fn.query_vars  # type: ignore[attr-defined]
    func = node.func  # type: ignore[attr-defined]
    func_kind = type(func)
    if func_kind is ast.Name:
        return not (func.id in _STATEMENT_ROOTS and node.args)  # type: ignore[attr-defined]
    if func_kind is ast.Attribute:
        base = func.value
        return type(base) is ast.Name and func.attr not in _ROOT_METHODS and base.id not in fn.query_vars
    return False


def _may_record(fn: _Function, node: ast.AST) -> bool:
    """Outside loops `_expr` records only query chains (rooted at a query
    method, a statement function, `.query` or a query variable), commit/flush
    calls and comprehensions: False when the expression has none of them."""
    stack = [node]
    pop, push, extend = stack.pop, stack.append, stack.extend
    fields_of = _WALK_FIELDS
    query_vars = fn.query_vars
    while stack:
        sub = pop()
        kind = type(sub)
        if kind is ast.Call:
            func = sub.func  # type: ignore[attr-defined]
            func_kind = type(func)
            if func_kind is ast.Attribute:
                if func.attr in _RELEVANT_METHODS:
                    return True
            elif func_kind is ast.Name and func.id in _STATEMENT_ROOTS:
                return True
        elif kind is ast.Attribute:
            if sub.attr == "query":  # type: ignore[attr-defined]
                return True
            base = sub.value  # type: ignore[attr-defined]
            while type(base) is ast.Await:
                base = base.value
            if type(base) is ast.Name and base.id in query_vars:
                return True
        elif kind in _COMPREHENSION_TYPES:
            return True
        elif kind is ast.Lambda or kind is ast.Name or kind is ast.Constant:
            continue
        fields = fields_of.get(kind)
        if fields is None:
            fields = _walk_fields(kind)
        for name in fields:
            value = getattr(sub, name, None)
            if type(value) is list:
                extend(value)
            elif isinstance(value, ast.AST):
                push(value)
    return False


_COMPREHENSION_TYPES = frozenset(_COMPREHENSIONS)


def _may_be_statement(fn: _Function, node: ast.AST) -> bool:
    node = _strip(node)
    if isinstance(node, ast.Name):
        return node.id in fn.query_vars
    return _looks_like_chain(node, fn, set())


def _looks_like_chain(node: ast.AST, fn: Optional[_Function] = None, seen: Optional[set[str]] = None) -> bool:
    """The expression is a query chain (its root is a query, or a variable only ever assigned query chains)."""
    for _ in range(60):
        node = _strip(node)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                return func.id in _STATEMENT_ROOTS
            if isinstance(func, ast.Attribute):
                if func.attr in ("query", "get") or func.attr in _STATEMENT_ROOTS:
                    return True
                node = func.value
                continue
            return False
        if isinstance(node, ast.Attribute):
            if node.attr == "query":
                return True
            node = node.value
            continue
        if isinstance(node, ast.Name) and fn is not None and seen is not None:
            if node.id in seen:
                return True  # `q = q.filter(...)`: as good as q's other values
            seen.add(node.id)
            values = fn.assigns.get(node.id, [])
            return bool(values) and node.id not in fn.other_bindings and all(_looks_like_chain(v, fn, seen) for v in values)
        return False
    return False


def _chain_arguments(node: ast.AST) -> list[ast.AST]:
    """The argument expressions along a chain (conditions, options, subqueries)."""
    found: list[ast.AST] = []
    current = node
    for _ in range(60):
        current = _strip(current)
        if isinstance(current, ast.Call):
            func = current.func
            if isinstance(func, ast.Attribute) and func.attr in _EXECUTORS and current.args and _looks_like_chain(current.args[0]):
                found.extend(current.args[1:])
                found.extend(k.value for k in current.keywords)
                current = current.args[0]
                continue
            found.extend(current.args)
            found.extend(k.value for k in current.keywords)
            if isinstance(func, ast.Attribute):
                current = func.value
                continue
            break
        if isinstance(current, ast.Attribute):
            current = current.value
            continue
        break
    return [a.value if isinstance(a, ast.Starred) else a for a in found]


def _enumerate_target(target: ast.AST, iterable: ast.AST) -> tuple[str, Optional[ast.AST]]:
    """`for i, user in enumerate(users)`: the loop variable is `user`."""
    iterable = _strip(iterable)
    if (
        isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Name)
        and isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "enumerate"
        and iterable.args
    ):
        return target.elts[1].id, iterable.args[0]
    return "", None


_BATCH_WORDS = ("batch", "chunk", "page", "offset", "slice", "window", "partition")


def _data_display(fn: "_Function", iterable: ast.AST) -> bool:
    """A display of data written in the code, in the loop header or bound once
    to a local name (also through `enumerate()` or `.items()`): its items (a
    dict's values) are constants or displays themselves
    (`[{"roles": [admin], "refs": ["r1"]}]`). A display of names (`[parent,
    other]`) holds objects whose collections are data."""
    iterable = _strip(iterable)
    view = _mapping_view(iterable)
    if view is not None:
        iterable = view[1]
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "enumerate" and iterable.args:
        iterable = iterable.args[0]
    if isinstance(iterable, ast.Name):
        bound = _bound_once(fn, iterable.id)
        if bound is None:
            return False
        iterable = bound
    if isinstance(iterable, ast.Dict):
        items = iterable.values
    elif isinstance(iterable, (ast.Tuple, ast.List, ast.Set)):
        items = iterable.elts
    else:
        return False
    return all(type(item) in _DATA_ITEMS for item in items)


# What the items of a display of data are.
_DATA_ITEMS = frozenset({ast.Constant, ast.List, ast.Tuple, ast.Set, ast.Dict})


def _part_of_display(items: set[str], iterable: ast.AST) -> bool:
    """`for ref in entry["refs"]` / `for i in range(count)` inside `for entry in
    [...]` / `for name, count in {...}.items()`: a part of a display written in
    the code, so a count written there too."""
    if not items:
        return False
    iterable = _strip(iterable)
    view = _mapping_view(iterable)
    if view is not None:
        iterable = view[1]
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.args and not iterable.keywords:
        if iterable.func.id == "range":
            return all(
                isinstance(arg, ast.Name) and arg.id in items or isinstance(arg, ast.Constant) and type(arg.value) is int
                for arg in iterable.args
            )
        if iterable.func.id in ("enumerate", "sorted", "reversed", "list", "tuple") and len(iterable.args) == 1:
            iterable = iterable.args[0]
    while isinstance(iterable, (ast.Subscript, ast.Attribute)):
        iterable = iterable.value
    return isinstance(iterable, ast.Name) and iterable.id in items


def _is_retry(node: Union[ast.For, ast.AsyncFor], own: list[ast.AST]) -> bool:
    """A retry loop (`for attempt in range(3)` ... `break`), a batch loop
    (`for chunk in chunks(ids, 500)`, `for start in range(0, n, size)`) or a
    loop over a literal tuple: one round trip per iteration is its design."""
    target = node.target.id if isinstance(node.target, ast.Name) else ""
    if any(word in target.lower() for word in ("attempt", "retry", "tries", "try_")):
        return True
    iterable = _strip(node.iter)
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "enumerate" and iterable.args:
        if isinstance(iterable.args[0], (ast.Tuple, ast.List, ast.Set)):
            return True  # `for number, fixture in enumerate([a, b, c], 1):`
    if isinstance(iterable, (ast.Tuple, ast.List, ast.Set)):
        return True  # a fixed handful of items written out (`for model in (A, B):`), not rows
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "range":
        if len(iterable.args) == 3:
            return True
        if any(isinstance(n, (ast.Break, ast.Return)) for n in own):
            return True
    names = [target] + [n.id for n in _subtree(node.target) if isinstance(n, ast.Name)]
    names += [n.id if isinstance(n, ast.Name) else n.attr for n in _subtree(iterable) if isinstance(n, (ast.Name, ast.Attribute))]
    if any(word in name.lower() for name in names for word in _BATCH_WORDS):
        return True
    # `session.flush(); session.expunge_all()` per item: each iteration loads a
    # chunk of rows and empties the session to bound memory (mlflow's import).
    # `session.flush(); session.expire_all()` per item: each pass starts from
    # what the database holds (tracim's cleanup; the flush must come first, as
    # `expire_all()` discards what is not flushed).
    # A loop that sleeps is paced on purpose (a progress report committed on
    # each pass for another process to read, a rate limit): one round trip per
    # pass is its design. `sleep(0)` only yields to other tasks: not pacing.
    return any(_empties_session_or_sleeps(n) for n in own)


def _database_per_item(own: list[ast.AST], names: set[str]) -> bool:
    """The loop body opens a session or connection from the item itself and goes
    through it (`with target_cell(ctx, cell) as cell_ctx: get(cell_ctx, ...)`,
    `with shard_session(key) as session: session.query(...)`): each pass talks
    to a database of its own (a cell, a shard), so no one query serves all the
    items; the loop runs once per database, not once per row. The item must be
    an argument of the call the `with` opens, and what it binds must be named
    like a session or a context (`_PER_ITEM_HANDLE`: not `fh` of `with
    open(path) as fh:`) and receive a method call or be passed on."""
    for node, call, bound in _with_calls(own):
        if type(bound) is not ast.Name or not _PER_ITEM_HANDLE.search(bound.id):
            continue
        if _names_passed(call) & names and _goes_through(node.body, bound.id):
            return True
    return False


def _lock_per_item(own: list[ast.AST], names: set[str]) -> bool:
    """The loop body takes a lock named after the item (`with Lock(redis,
    f"deploy:{app_id}")`, `with cache.lock(key)`, freight): each pass checks
    and acts while only that item is locked, so its round trips cannot be
    merged into one for all the items."""
    for _, call, _ in _with_calls(own):
        if not _LOCK_CALL.search(_called_name(call)):
            continue
        if any(type(sub) is ast.Name and sub.id in names for argument in _arguments(call) for sub in _subtree(argument)):
            return True
    return False


def _with_calls(own: list[ast.AST]) -> Iterator[tuple[Union[ast.With, ast.AsyncWith], ast.Call, Optional[ast.expr]]]:
    """(statement, call, target) for each `with call(...) [as target]` among `own`."""
    for node in own:
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.context_expr, ast.Call):
                    yield node, item.context_expr, item.optional_vars


# `Lock`, `lock`, `acquire_lock`, `advisory_lock`, `redis_lock`, as a word of the called name.
_LOCK_CALL = re.compile(r"(?:^|_)lock(?:$|_)", re.IGNORECASE)


# Names of a session, connection or request context (`db_session`, `shard_db`,
# `conn`, nova's `cctxt`), as words of a snake-case name.
_PER_ITEM_HANDLE = re.compile(r"(?:^|_)(?:session|sess|db|conn|connection|ctx|cctxt|context|cursor)s?(?:$|_)", re.IGNORECASE)


def _goes_through(body: list[ast.stmt], name: str) -> bool:
    """`name.method(...)`, or `name` passed to a call, somewhere in `body`."""
    for statement in body:
        for sub in _subtree(statement):
            if type(sub) is not ast.Call:
                continue
            func = sub.func
            if type(func) is ast.Attribute and type(func.value) is ast.Name and func.value.id == name:
                return True
            if name in _names_passed(sub):
                return True
    return False


def _names_passed(call: ast.Call) -> set[str]:
    """The plain names a call passes, by position or keyword."""
    return {argument.id for argument in _arguments(call) if type(argument) is ast.Name}


def _arguments(call: ast.Call) -> list[ast.expr]:
    """What a call passes, by position, then by keyword."""
    return [*call.args, *[keyword.value for keyword in call.keywords]]


def _called_name(call: ast.Call) -> str:
    """`f` of `f(...)` or `x.f(...)`; "" for anything else."""
    func = call.func
    return func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""


def _empties_session_or_sleeps(node: ast.AST) -> bool:
    if type(node) is not ast.Call:
        return False
    name = _called_name(node)
    if name == "expunge_all" or name == "expire_all":
        return True
    if name != "sleep" or not node.args:
        return False
    pause = node.args[0]
    return not (type(pause) is ast.Constant and pause.value == 0)


def _is_module_constant(fn: _Function, iterable: ast.AST) -> bool:
    """`for model in SOFT_DELETE_MODELS`: a name the function neither binds nor
    receives is a module-level collection, a fixed handful of items; so are
    its `.items()`, `.keys()` and `.values()` (`for key, aliases in
    ALIASES.items()`). So is a setting, an upper-case attribute of such a name
    or of `self`/`cls` (`config.CATEGORY_CLEANUP`, `self.FIELDS`): the
    collection is configured, not data. Also through a call that keeps the
    count (`enumerate(DEMO_USERS)`, `list(registry.keys())`), and the common
    part of such a collection and anything (`set(params).intersection(SETTINGS)`,
    `params.keys() & SETTINGS`): no more items than the collection."""
    iterable = _same_items(_strip(iterable))
    if (
        isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)
        and iterable.func.attr == "intersection" and not iterable.keywords
    ):
        operands = [iterable.func.value, *[arg for arg in iterable.args if not isinstance(arg, ast.Starred)]]
        return any(_is_module_constant(fn, operand) for operand in operands)
    if isinstance(iterable, ast.BinOp) and isinstance(iterable.op, ast.BitAnd):
        return _is_module_constant(fn, iterable.left) or _is_module_constant(fn, iterable.right)
    view = _mapping_view(iterable)
    if view is not None:
        iterable = view[1]
    if isinstance(iterable, ast.Attribute) and _CONSTANT_NAME.fullmatch(iterable.attr):
        owner = dotted_name(iterable.value)
        if owner is None:
            return False
        head = owner.partition(".")[0]
        if head in ("self", "cls"):
            return True
        iterable = ast.Name(id=head)
    if not isinstance(iterable, ast.Name) or fn.name == "<module>":
        return False
    name = iterable.id
    return name not in fn.assigns and name not in fn.other_bindings and name not in fn.params and name not in fn.appends


def _same_items(node: ast.AST) -> ast.AST:
    """The iterable inside calls that yield as many items or fewer
    (`enumerate(x)`, `list(x)`, `sorted(x, key=...)`, `set(x)`...), else `node`."""
    while (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _SAME_ITEMS
        and len(node.args) == 1 and not isinstance(node.args[0], ast.Starred)
        and all(kw.arg in _SAME_ITEMS[node.func.id] for kw in node.keywords)
    ):
        node = node.args[0]
    return node


# Builtins that yield the items of their one argument (or fewer), by the
# keywords they may take besides.
_SAME_ITEMS: dict[str, tuple[str, ...]] = {
    "enumerate": ("start",), "list": (), "tuple": (), "sorted": ("key", "reverse"), "reversed": (),
    "set": (), "frozenset": (),
}


# A name written as a constant: upper case, at least two characters (`MAX_ROWS`, `_LIMIT`).
_CONSTANT_NAME = re.compile(r"_?[A-Z][A-Z0-9_]+")


def _is_local_display(fn: _Function, iterable: ast.AST) -> bool:
    """`tables = [XCom, Note]` then `for table in tables`: a name the function
    binds only to a literal list, tuple, set or dict display, never extended
    (also its `.items()`, `.keys()`, `.values()`, and through a call that
    keeps the count, `sorted(tables)`)."""
    iterable = _same_items(_strip(iterable))
    view = _mapping_view(iterable)
    if view is not None:
        iterable = view[1]  # `for name, perms in roles.items()`
    if isinstance(iterable, ast.Dict) or _mapping_display(iterable):
        return True  # a mapping written out in the loop header
    if not isinstance(iterable, ast.Name):
        return False
    bound = _bound_once(fn, iterable.id)
    return bound is not None and (isinstance(bound, (ast.Tuple, ast.List, ast.Set, ast.Dict)) or _mapping_display(bound))


def _bound_once(fn: _Function, name: str) -> Optional[ast.AST]:
    """The value of a local name the function assigns once and binds no other
    way (not a parameter, never extended)."""
    values = fn.assigns.get(name, [])
    if len(values) != 1 or name in fn.other_bindings or name in fn.appends or name in fn.params:
        return None
    return values[0]


def _mapping_display(node: ast.AST) -> bool:
    """A mapping written out through a constructor: `OrderedDict([("a", 1), ("b", 2)])`,
    `dict([...])` of pairs written out, `dict(a=1, b=2)`."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name not in ("dict", "OrderedDict"):
        return False
    if not node.args:
        return bool(node.keywords) and all(keyword.arg is not None for keyword in node.keywords)
    pairs = node.args[0]
    return (
        len(node.args) == 1 and not node.keywords and isinstance(pairs, (ast.List, ast.Tuple)) and bool(pairs.elts)
        and all(isinstance(pair, ast.Tuple) and len(pair.elts) == 2 for pair in pairs.elts)
    )


def _length_reaches(test: ast.Compare) -> bool:
    """`len(items) == 100`, `len(items) >= 500`: a list filled in the loop and
    flushed when it reaches a size."""
    if len(test.ops) != 1 or not isinstance(test.ops[0], (ast.Eq, ast.GtE, ast.Gt)):
        return False
    left, right = test.left, test.comparators[0]
    return (
        isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == "len" and len(left.args) == 1
        and isinstance(right, ast.Constant) and type(right.value) is int and right.value > 1
    )


def _mapping_view(iterable: ast.AST) -> Optional[tuple[str, ast.expr]]:
    """`meta.items()` / `.keys()` / `.values()`: (the method, the mapping)."""
    if (
        isinstance(iterable, ast.Call) and not iterable.args and not iterable.keywords
        and isinstance(iterable.func, ast.Attribute) and iterable.func.attr in ("items", "keys", "values")
    ):
        return iterable.func.attr, iterable.func.value
    return None


def _mapping_key_target(target: ast.AST, iterable: ast.AST) -> str:
    """`for key, value in meta.items()` / `for key in meta.keys()`: `key`."""
    view = _mapping_view(_strip(iterable))
    if view is None:
        return ""
    if view[0] == "items" and isinstance(target, ast.Tuple) and target.elts and isinstance(target.elts[0], ast.Name):
        return target.elts[0].id
    if view[0] == "keys" and isinstance(target, ast.Name):
        return target.id
    return ""


def _runs_once_per_key(test: ast.AST, targets: set[str]) -> bool:
    """`if key == "size":` / `if key in ("a", "b"):` in a loop over a mapping's
    items: keys are unique, so the branch runs once per literal, not per item.
    So does `if key == "size" and isinstance(value, str):` (any test joined to
    it by `and` only narrows it)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_runs_once_per_key(value, targets) for value in test.values)
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.left, ast.Name) or test.left.id not in targets:
        return False
    op, right = test.ops[0], test.comparators[0]
    if isinstance(op, ast.Eq):
        return isinstance(right, ast.Constant)
    return isinstance(op, ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)) and all(isinstance(e, ast.Constant) for e in right.elts)


def _fills_once(fn: _Function, test: ast.AST, body: list[ast.stmt]) -> bool:
    """`names = None` before the loop, then `if names is None: names = ...` in
    it: filled lazily, the branch runs once. Every other assignment of the name
    must be a blank (None, False, an empty display) or inside the branch: a
    name the loop sets again (`team = query...first()`, then `if team is
    None:`) is tested afresh on each pass."""
    tested = _tested_for_none(test)
    if not isinstance(tested, ast.Name):
        return False
    filled = tested.id
    if not body or filled in fn.bound_otherwise or filled in fn.params or filled in fn.appends:
        return False
    first, last = body[0].lineno, body[-1].end_lineno or body[-1].lineno
    # `shop, fee = load_fee(product)` in the branch fills it as well (open-event-server).
    unpacked = fn.unpacked.get(filled, [])
    if not all(first <= getattr(node, "lineno", 0) <= last for node in unpacked):
        return False
    values = fn.assigns.get(filled, [])
    inside = [v for v in values if first <= getattr(v, "lineno", 0) <= last]
    outside = [v for v in values if not first <= getattr(v, "lineno", 0) <= last]
    return bool(inside or unpacked) and bool(outside) and all(_is_blank(v) for v in outside)


def _one_item_names(test: ast.expr) -> list[str]:
    """`x` in a test `len(x) == 1` (either way round): a collection of one item."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return []
    for sized, other in ((test.left, test.comparators[0]), (test.comparators[0], test.left)):
        if (
            isinstance(other, ast.Constant) and other.value == 1 and type(other.value) is int
            and isinstance(sized, ast.Call) and isinstance(sized.func, ast.Name) and sized.func.id == "len"
            and len(sized.args) == 1 and isinstance(sized.args[0], ast.Name) and not sized.keywords
        ):
            return [sized.args[0].id]
    return []


def _conjuncts(test: ast.expr) -> list[ast.expr]:
    """The operands of a test's top-level `and` (the test itself otherwise): the
    branch runs only when each of them holds."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [part for value in test.values for part in _conjuncts(value)]
    return [test]


def _tested_for_none(test: ast.AST) -> Optional[ast.expr]:
    """`x` in a test `x is None` or `not x` (what a lazily filled value is tested by)."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is):
        right = test.comparators[0]
        return test.left if isinstance(right, ast.Constant) and right.value is None else None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    return None


def _memo_branch(test: ast.AST, body: list[ast.stmt]) -> bool:
    """`if self.lookup is None:` (or `if not self.lookup:`) whose body sets
    `self.lookup`: a value kept on an object and loaded on first use, so the
    branch runs once per object, not on every pass or call."""
    tested = _tested_for_none(test)
    if not isinstance(tested, ast.Attribute):
        return False
    target = dotted_name(tested)
    if target is None:
        return False
    for stmt in body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) and stmt.value is not None else []
        if any(isinstance(t, ast.Attribute) and dotted_name(t) == target for t in targets):
            return True
    return False


def _is_blank(value: ast.AST) -> bool:
    if isinstance(value, ast.Constant):
        return not value.value
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return not value.elts
    if isinstance(value, ast.Dict):
        return not value.keys
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("set", "dict", "list") and not value.args


def _note_idle_flushes(fn: _Function, body: list[ast.stmt]) -> None:
    """`session.commit()` then `session.flush()`: the flush finds nothing
    pending and sends nothing (the commit already flushed). So too right after
    a bulk `query.update()` or `.delete()`, which flushed before it ran, and
    after a savepoint the loop opens on every pass (`try: with
    session.begin_nested(): ... except IntegrityError: ...`): what the flush
    sends, the next pass's savepoint would flush anyway (zeus)."""
    previous: Optional[tuple[str, str]] = None
    for stmt in body:
        call = _session_call(stmt)
        if call is None:
            savepoint = type(stmt) is ast.Try and bool(stmt.handlers) and _savepoint(stmt.body)
            previous = ("", "bulk") if savepoint or _bulk_query_statement(stmt) else None
            continue
        receiver, method, node = call
        if method == "flush" and previous is not None and (previous[0] == receiver or previous[1] == "bulk"):
            fn.idle_flushes.add(id(node))
        previous = (receiver, method)


def _bulk_query_statement(stmt: ast.stmt) -> bool:
    """`[await] X.query.filter(...).update({...})` or `session.query(X)....delete()` as a statement."""
    value = _statement_call(stmt)
    if value is None or type(value.func) is not ast.Attribute or value.func.attr not in ("update", "delete"):
        return False
    node: ast.AST = value.func.value
    while True:
        if type(node) is ast.Call:
            node = node.func
        elif type(node) is ast.Attribute:
            if node.attr == "query":
                return True
            node = node.value
        else:
            return False


def _session_call(stmt: ast.stmt) -> Optional[tuple[str, str, ast.Call]]:
    """(receiver, method, call) of a statement `[await] receiver.commit()` or `.flush()`."""
    value = _statement_call(stmt)
    if value is None or type(value.func) is not ast.Attribute or value.func.attr not in _ROUND_TRIP_METHODS:
        return None
    receiver = dotted_name(value.func.value)
    return None if receiver is None else (receiver, value.func.attr, value)


def _statement_call(stmt: ast.stmt) -> Optional[ast.Call]:
    """The call a statement `[await] f(...)` makes."""
    value = stmt.value if type(stmt) is ast.Expr else None
    if type(value) is ast.Await:
        value = value.value
    return value if type(value) is ast.Call else None


def _one_transaction_per_item(body: list[ast.stmt], own: list[ast.AST]) -> bool:
    """A loop body (`own`: its nodes, `_walk_own`) that makes each item its own
    transaction on purpose, so that a commit anywhere in it is by design: it
    rolls back or commits whatever happens per item (see `_rolls_back_per_item`),
    or it hands each item to a task queue
    (`task.delay(row.id)`, `apply_async`, `send_task`, `enqueue`): the worker
    reads the row, which must be committed before the task is queued."""
    if _rolls_back_per_item(body):
        return True
    return any(
        type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr in _TASK_QUEUE_METHODS
        for node in own
    )


# Methods that queue work for another process: Celery (`delay`, `apply_async`,
# `send_task`), RQ (`enqueue`), Flask-RQ2 (`job.queue()`, `job.schedule()`),
# arq (`enqueue_job`), Dramatiq (`send_with_options`), taskiq (`kiq`).
_TASK_QUEUE_METHODS = frozenset({
    "delay", "apply_async", "send_task", "enqueue", "enqueue_call", "queue", "schedule", "enqueue_job",
    "send_with_options", "kiq",
})


def _rolls_back_per_item(body: list[ast.stmt]) -> bool:
    """A loop body with a `try:` whose `except` rolls back, or whose `finally`
    commits (prefect: `async with session_factory() as session: try: ...
    finally: await session.commit()`, a session per trigger): each item is its
    own transaction (one failure undoes, or keeps, only that item), so a commit
    anywhere in the body, also after the `try`, is by design. The `try` may sit
    in a `with` block of the body (the session opened per item)."""
    for stmt in body:
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            if _rolls_back_per_item(stmt.body):
                return True
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                if _calls_method(handler, "rollback"):
                    return True
            if any(_calls_method(final, "commit") for final in stmt.finalbody):  # type: ignore[attr-defined]
                return True
    return False


def _savepoint(body: list[ast.stmt]) -> bool:
    """`with session.begin_nested():` among the statements: a savepoint, rolled
    back on its own when the block fails (manila purges each row so)."""
    return any(
        isinstance(stmt, (ast.With, ast.AsyncWith)) and any(
            isinstance(item.context_expr, ast.Call) and isinstance(item.context_expr.func, ast.Attribute)
            and item.context_expr.func.attr == "begin_nested" for item in stmt.items
        )
        for stmt in body
    )


def _calls_method(node: ast.AST, method: str) -> bool:
    return any(isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == method for sub in _subtree(node))


def _memoizes(body: list[ast.stmt]) -> bool:
    """`if key not in cache: cache[key] = query(...)`: the round trip is amortised."""
    for node in _walk_own(body):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Subscript) for t in node.targets):
            return True
    return False


def _walk_own(body: list[ast.stmt]) -> list[ast.AST]:
    """The nodes of a function body that can bind names, call or loop, not
    entering nested functions, classes or lambdas (names, constants, operators
    and expression contexts are left out: nothing here reads them)."""
    found: list[ast.AST] = []
    walked = _WALKED_TYPES
    stack: list[ast.AST] = [node for node in body if type(node) in walked]
    pop, push, extend, append = stack.pop, stack.append, stack.extend, found.append
    fields_of = _WALK_FIELDS
    opaque = _OPAQUE_SCOPES
    while stack:
        node = pop()
        append(node)
        kind = type(node)
        if kind in opaque:
            continue
        fields = fields_of.get(kind)
        if fields is None:
            fields = _walk_fields(kind)
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                extend([item for item in value if type(item) in walked])
            elif type(value) in walked:
                push(value)  # type: ignore[arg-type]
    return found


_OPAQUE_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda})
# Statements holding expressions but no statements.
_SIMPLE_STATEMENTS = frozenset({
    ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Raise, ast.Assert, ast.Delete,
})


def _scan_own(
    body: list[ast.stmt], lines: Optional[list[str]] = None, word_free: Optional[set[ast.AST]] = None,
) -> tuple[list[ast.AST], list[ast.AST], bool]:
    """One walk of a function body, in `_walk_own`'s order: (the nodes
    `_collect_bindings` reads, the nested functions and classes, whether
    anything in it can make a query fact: a loop, a call of a query method or
    statement function, a `.query`).

    With the file's `lines`, the expressions of a simple statement (an
    assignment, a call...) are not walked when its lines hold no `_SCAN_WORD`
    nor `:=`: nothing below it can be found then (identifiers are written out;
    lines with other than ASCII are always walked, as in `_may_hold_facts`).
    Such statements are added to `word_free`."""
    if word_free is None:
        word_free = set()
    bindings: list[ast.AST] = []
    scopes: list[ast.AST] = []
    relevant = False
    walked = _WALKED_TYPES
    stack: list[ast.AST] = [node for node in body if type(node) in walked]
    pop, push, extend = stack.pop, stack.append, stack.extend
    fields_of = _WALK_FIELDS
    binding_kinds, loop_kinds, opaque = _BINDING_KINDS, _LOOP_KINDS, _OPAQUE_SCOPES
    relevant_methods, statement_roots, list_methods = _RELEVANT_METHODS, _STATEMENT_ROOTS, _LIST_METHODS
    Call, Attribute, Name = ast.Call, ast.Attribute, ast.Name
    simple_statements, search_word, free = _SIMPLE_STATEMENTS, _SCAN_WORD.search, word_free.add
    while stack:
        node = pop()
        kind = type(node)
        if kind in simple_statements and lines is not None:
            first, last = node.lineno, node.end_lineno  # type: ignore[attr-defined]
            segment = lines[first - 1] if first == last else "\n".join(lines[first - 1 : last])
            if segment.isascii() and search_word(segment) is None and ":=" not in segment:
                if kind in binding_kinds:
                    bindings.append(node)
                free(node)
                continue  # its expressions hold nothing to find
        if kind is Attribute:  # the commonest: only its value is walked
            if node.attr == "query":  # type: ignore[attr-defined]
                relevant = True
            value = node.value  # type: ignore[attr-defined]
            if type(value) in walked:
                push(value)
            continue
        if kind is Call:
            func = node.func  # type: ignore[attr-defined]
            func_kind = type(func)
            if func_kind is Attribute:
                attr = func.attr
                if attr in list_methods and type(func.value) is Name:
                    bindings.append(node)  # `name.append(...)` and the like bind `name`
                if attr in relevant_methods:
                    relevant = True
            elif func_kind is Name and func.id in statement_roots:
                relevant = True
            if func_kind in walked:
                push(func)
            args = node.args  # type: ignore[attr-defined]
            if args:
                extend([item for item in args if type(item) in walked])
            keywords = node.keywords  # type: ignore[attr-defined]
            if keywords:
                # A keyword is neither a binding nor relevant: its value stands in
                # for it, at its place in the walk.
                extend([item.value for item in keywords if type(item.value) in walked])
            continue
        if kind in binding_kinds:
            bindings.append(node)
            if kind in loop_kinds:
                relevant = True
        elif kind in loop_kinds:
            relevant = True
        elif kind in opaque:
            if kind is not ast.Lambda:
                scopes.append(node)
            continue
        fields = fields_of.get(kind)
        if fields is None:
            fields = _walk_fields(kind)
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                extend([item for item in value if type(item) in walked])
            elif type(value) in walked:
                push(value)  # type: ignore[arg-type]
    return bindings, scopes, relevant


# Statement fields that hold statements (or handlers and match cases, which hold them).
_BODY_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _nested_scopes(body: list[ast.stmt]) -> list[ast.AST]:
    """The functions and classes defined in `body` (not inside them), in
    `_walk_own`'s order. Only statements are walked: expressions hold none
    (lambdas are not walked), and leaving them out keeps the order of the rest."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(body)
    pop, extend = stack.pop, stack.extend
    scopes, body_fields_of = _SCOPE_TYPES, _BODY_FIELDS_OF
    while stack:
        node = pop()
        kind = type(node)
        if kind in scopes:
            found.append(node)
            continue
        fields = body_fields_of.get(kind)
        if fields is None:
            fields = body_fields_of[kind] = tuple(name for name in _BODY_FIELDS if name in getattr(kind, "_fields", ()))
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                extend(value)
    return found


_SCOPE_TYPES = frozenset(_SCOPES)
# Per node type, the `_BODY_FIELDS` it has (none for most statements).
_BODY_FIELDS_OF: dict[type, tuple[str, ...]] = {}
_CLASS_ATTRIBUTES = frozenset({ast.Expr, ast.Assign, ast.AnnAssign, ast.Pass, ast.AugAssign})
_LEAVES = frozenset({ast.Name, ast.Constant})
_WALKED: tuple[type, ...] = (ast.expr, ast.stmt, ast.excepthandler, ast.comprehension, ast.keyword, ast.withitem) + (
    (getattr(ast, "match_case"),) if hasattr(ast, "match_case") else ()
)


def _subclasses(bases: tuple[type, ...]) -> set[type]:
    found: set[type] = set()
    stack = list(bases)
    while stack:
        kind = stack.pop()
        if kind not in found:
            found.add(kind)
            stack.extend(kind.__subclasses__())
    return found


# The concrete node types walked (exact `type()` lookups instead of isinstance
# chains); names and constants are leaves, never collected.
_WALKED_TYPES = frozenset(_subclasses(_WALKED) - _LEAVES)
# Expression node types worth visiting in `_expr` (names and constants record nothing).
_EXPR_TYPES = frozenset(_subclasses((ast.expr,)) - _LEAVES)
# Per node type, the fields that can hold walked nodes (contexts and operators never do).
def extract_queries(tree: ast.Module, text: Optional[str] = None) -> tuple[FunctionQueries, ...]:
    """`text`, the source `tree` was parsed from (same rows), lets functions
    without a loop or query word in their text be skipped unwalked."""
    lines = None
    if text is not None:
        # `ast` ends lines at `\r\n`, `\r` and `\n` (not at the form feeds and
        # other separators `str.splitlines` knows).
        lines = (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text).split("\n")
    extractor = _Extractor(lines, tree.body)
    extractor.function("<module>", None, tree, list(tree.body))
    # Only functions with something to say are kept (smaller cache entries).
    return tuple(f for f in extractor.functions if f.queries or f.loops or f.calls)


_BATCH_SIZE_WORDS = ("batch", "chunk", "page_size", "flush_every", "commit_every")


def _batch_test(test: ast.AST) -> bool:
    """The test of an `if` in a loop runs its branch once per batch: it uses `%`
    (every n rows), compares a batch size (`if len(batch) >= batch_size:`,
    `if n >= BATCH_SIZE:`), or a collected list's length with a number above
    one (`if len(doomed) == 100:`)."""
    for node in _subtree(test):
        kind = type(node)
        if kind is ast.BinOp:
            if type(node.op) is ast.Mod:  # type: ignore[attr-defined]
                return True
        elif kind is ast.Compare and _length_reaches(node):  # type: ignore[arg-type]
            return True
        elif kind is ast.Compare:
            for operand in [node.left, *node.comparators]:  # type: ignore[attr-defined]
                for name in _subtree(operand):
                    text = name.id if isinstance(name, ast.Name) else name.attr if isinstance(name, ast.Attribute) else ""
                    if any(word in text.lower() for word in _BATCH_SIZE_WORDS):
                        return True
    return False


def _fixed_count(node: ast.AST, assigns: dict[str, list[ast.AST]], depth: int) -> bool:
    """The iterable's length is written in the code: `range()` of integer literals,
    a literal list/tuple/set, `enumerate`/`list`/`sorted`/`reversed` of one, or a
    local name assigned exactly once to one (or to an integer literal, for `range(n)`)."""
    if depth > 3:
        return False
    if _bounded_slice(node, assigns):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        # Non-empty, and constants or names only (`sorted((src, dst))`, two rows
        # locked in a fixed order): `ids = []` is filled later, and a list of
        # record literals is seed data that grows with the project.
        return bool(node.elts) and all(isinstance(e, (ast.Constant, ast.Name)) for e in node.elts)
    if isinstance(node, ast.Name):
        values = assigns.get(node.id, [])
        return len(values) == 1 and _fixed_count(values[0], assigns, depth + 1)
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)) or node.keywords:
        return False
    if node.func.id in ("enumerate", "list", "tuple", "sorted", "reversed") and len(node.args) == 1:
        return _fixed_count(node.args[0], assigns, depth + 1)
    if node.func.id in ("range", "xrange") and node.args:  # `xrange`: Python 2 code
        return all(_int_literal(a, assigns) for a in node.args)
    return False


def _bounded_slice(node: ast.AST, assigns: dict[str, list[ast.AST]]) -> bool:
    """`items[:3]`, `items[1:4]`, `items[-3:]`: at most as many items as bounds
    written in the code say (`items[:-1]`, all but one, is not bounded)."""
    if not isinstance(node, ast.Subscript) or not isinstance(node.slice, ast.Slice) or node.slice.step is not None:
        return False
    lower, upper = node.slice.lower, node.slice.upper
    if upper is None:
        return isinstance(lower, ast.UnaryOp) and isinstance(lower.op, ast.USub) and _int_literal(lower, assigns)
    if isinstance(upper, ast.UnaryOp) or not _int_literal(upper, assigns):
        return False
    return lower is None or (not isinstance(lower, ast.UnaryOp) and _int_literal(lower, assigns))


def _int_literal(node: ast.AST, assigns: dict[str, list[ast.AST]], depth: int = 0) -> bool:
    """An integer written in the code: a literal, a name bound once to one (in the
    function, or a constant of the module), or arithmetic of these (`N + 1`)."""
    if depth > 5:
        return False
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    if isinstance(node, ast.BinOp) and isinstance(node.op, _INT_OPERATORS):
        return _int_literal(node.left, assigns, depth + 1) and _int_literal(node.right, assigns, depth + 1)
    if isinstance(node, ast.Name):
        values = assigns.get(node.id, [])
        if len(values) != 1:
            return False
        node = values[0]
        if isinstance(node, ast.BinOp):
            return _int_literal(node, assigns, depth + 1)
    return isinstance(node, ast.Constant) and type(node.value) is int


_INT_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)
_ASSIGNS = frozenset({ast.Assign, ast.AnnAssign})


def _may_be_int(value: Optional[ast.AST]) -> bool:
    """A cheap first test for `_int_literal(value, {})`: its possible shapes."""
    kind = type(value)
    return (kind is ast.Constant and type(value.value) is int) or kind is ast.BinOp or kind is ast.UnaryOp  # type: ignore[union-attr]


def _module_ints(body: list[ast.stmt]) -> dict[str, ast.AST]:
    """Names the module binds once, at its top level, to an integer literal or
    arithmetic of literals (`NUM_ROWS = 100`, `LIMIT = 10 * 60`), and binds in no
    other way there (a loop or `global` in a function may still rebind one: the
    count is still written in the code)."""
    if not any(
        type(stmt) in _ASSIGNS and _may_be_int(stmt.value) or type(stmt) is ast.ImportFrom and _imports_constant(stmt)  # type: ignore[attr-defined]
        for stmt in body
    ):
        return {}  # most modules: no integer constant at all, nothing to walk
    values: dict[str, ast.AST] = {}
    bound_otherwise: set[str] = set()
    compound: list[ast.stmt] = []  # walked only if some name is still a candidate
    for stmt in body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name, value = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            name, value = stmt.target.id, stmt.value
        else:
            kind = type(stmt)
            if kind is ast.ImportFrom:  # the commonest, without a walk
                for alias in stmt.names:  # type: ignore[attr-defined]
                    bound = alias.asname or alias.name
                    # `from limits import MAX_TOKENS`: a constant another module
                    # writes. Where the code needs an integer (`range(MAX_TOKENS + 2)`)
                    # it is one, written in the code.
                    if _CONSTANT_NAME.fullmatch(bound) and bound not in values:
                        values[bound] = _IMPORTED_INT
                    else:
                        bound_otherwise.add(bound)
            elif kind is ast.Import:
                bound_otherwise.update((alias.asname or alias.name).split(".")[0] for alias in stmt.names)  # type: ignore[attr-defined]
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef or kind is ast.ClassDef:
                bound_otherwise.add(stmt.name)  # type: ignore[attr-defined]
            elif kind is not ast.Expr:
                compound.append(stmt)
            continue
        if name in values or not _int_literal(value, {}):
            bound_otherwise.add(name)
        else:
            values[name] = value
    if not values.keys() - bound_otherwise:
        return {}
    for stmt in compound:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
                bound_otherwise.add(sub.id)
            elif isinstance(sub, ast.alias):
                bound_otherwise.add((sub.asname or sub.name).split(".")[0])
    return {name: value for name, value in values.items() if name not in bound_otherwise}


def _imports_constant(statement: ast.ImportFrom) -> bool:
    return any(_CONSTANT_NAME.fullmatch(alias.asname or alias.name) for alias in statement.names)


# What `_module_ints` gives an imported constant: an integer written elsewhere.
_IMPORTED_INT = ast.Constant(value=1)


def _single_assigns(fn: "_Function") -> dict[str, list[ast.AST]]:
    """The function's plain assignments, without names also bound another way."""
    return {name: values for name, values in fn.assigns.items() if name not in fn.other_bindings}
