"""The fixers: one per fix `kind` a rule attaches (see ormlint.fixes).

Each receives the file's libcst tree and the fix, checks that the node at the
fix's span has exactly the shape the rule saw, and returns text edits; on any
surprise it returns None and the diagnostic stays unfixed. Replacements reuse
the operands' own text, so their formatting and comments are kept; a fix whose
replaced range holds a comment is not made (the comment would be lost).
"""

from __future__ import annotations

from typing import Optional, Sequence

import libcst as cst

from ormlint.diagnostics import Fix
from ormlint.fixes import Declined, FileContext, Planned, TextEdit, _alias_local, _dotted, _walk, fixer

_SPAN_KINDS = (cst.Comparison, cst.BooleanOperation, cst.UnaryOperation, cst.Call, cst.Dict, cst.List, cst.Set, cst.Attribute, cst.Name)


def _source(context: FileContext, node: cst.CSTNode) -> str:
    """The node's text, with its own parentheses."""
    return context.module.code_for_node(node)


def _replace(context: FileContext, node: cst.CSTNode, content: str) -> TextEdit:
    start, end = context.node_range(node)
    if "#" in context.text[start:end]:
        # (a `#` in a string also stops it: conservative)
        raise Declined("the expression holds a comment, which the fix would lose")
    return TextEdit(start, end, content)


# --- ORM401 / ORM409: comparisons ------------------------------------------------------

_EQ = (cst.Equal, cst.Is)
_NE = (cst.NotEqual, cst.IsNot)


@fixer("compare")
def compare(context: FileContext, fix: Fix) -> Optional[Planned]:
    """`col == None` -> `col.is_(None)` (also `!=`, `is`, `is not`, True/False, either side).
    data: (method, constant, noqa code or "", dotted column)."""
    method, constant, noqa_code, dotted = fix.data
    node = context.node_at(fix.span, cst.Comparison)
    if not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
        return None
    target = node.comparisons[0]
    expected = _EQ if method == "is_" else _NE
    if not isinstance(target.operator, expected):
        return None
    for column, other in ((node.left, target.comparator), (target.comparator, node.left)):
        if _dotted(column) == dotted and isinstance(other, cst.Name) and other.value == constant:
            edit = _replace(context, node, f"{_source(context, column)}.{method}({constant})")
            if edit is None:
                return None
            noqa = [(*statement_lines(context, node), noqa_code)] if noqa_code else []
            return Planned([edit], noqa)
    return None


def statement_lines(context: FileContext, node: cst.CSTNode) -> tuple[int, int]:
    """The lines of the statement holding `node` (of a compound statement, its
    lines up to the node's end)."""
    where = context.positions[node]
    current: Optional[cst.CSTNode] = node
    while current is not None:
        if isinstance(current, cst.SimpleStatementLine):
            around = context.positions[current]
            return around.start.line, around.end.line
        if isinstance(current, cst.BaseCompoundStatement):
            return context.positions[current].start.line, where.end.line
        current = context.parent(current)
    return where.start.line, where.end.line


@fixer("contains")
def contains(context: FileContext, fix: Fix) -> Optional[Planned]:
    """`col in xs` -> `col.in_(xs)`, `not in` -> `.not_in(xs)`. data: (method, dotted column)."""
    method, dotted = fix.data
    node = context.node_at(fix.span, cst.Comparison)
    if not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
        return None
    target = node.comparisons[0]
    if not isinstance(target.operator, cst.In if method == "in_" else cst.NotIn) or _dotted(node.left) != dotted:
        return None
    values = target.comparator
    if isinstance(values, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Float)):
        return None  # `col in "abc"`: not a collection of values
    edit = _replace(context, node, f"{_source(context, node.left)}.{method}({_source(context, values)})")
    return Planned([edit]) if edit is not None else None


_LITERALS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Float, cst.Imaginary)


@fixer("boolop")
def boolop(context: FileContext, fix: Fix) -> Optional[Planned]:
    """`a and b and c` -> `and_(a, b, c)` (`or` -> `or_`), importing the function.
    data: (function,)."""
    (function,) = fix.data
    node = context.node_at(fix.span, cst.BooleanOperation)
    if not isinstance(node, cst.BooleanOperation):
        return None
    kind = cst.And if function == "and_" else cst.Or
    operands: list[cst.BaseExpression] = []

    def flatten(current: cst.BaseExpression, top: bool) -> None:
        if isinstance(current, cst.BooleanOperation) and isinstance(current.operator, kind) and (top or not current.lpar):
            flatten(current.left, False)
            flatten(current.right, False)
        else:
            operands.append(current)

    flatten(node, True)
    if not isinstance(node.operator, kind) or len(operands) < 2:
        return None
    for operand in operands:
        if isinstance(operand, _LITERALS) or isinstance(operand, cst.Name) and operand.value in ("True", "False", "None"):
            return None  # a Python constant among the operands: not clearly SQL
    name = sqlalchemy_name(context, function)
    if name is None:
        return None
    local, import_edits = name
    edit = _replace(context, node, f"{local}({', '.join(_source(context, o) for o in operands)})")
    if edit is None:
        return None
    return Planned([edit, *import_edits])


@fixer("invert")
def invert(context: FileContext, fix: Fix) -> Optional[Planned]:
    """`not Model.flag` -> `~Model.flag`. data: (dotted column,)."""
    (dotted,) = fix.data
    node = context.node_at(fix.span, cst.UnaryOperation)
    if not isinstance(node, cst.UnaryOperation) or not isinstance(node.operator, cst.Not) or _dotted(node.expression) != dotted:
        return None
    edit = _replace(context, node, f"~{_source(context, node.expression)}")
    return Planned([edit]) if edit is not None else None


# --- ORM402-ORM404: column defaults -----------------------------------------------------


def _keyword_arg(context: FileContext, value: cst.CSTNode, keywords: Sequence[str]) -> Optional[cst.Arg]:
    parent = context.parent(value)
    if isinstance(parent, cst.Arg) and parent.value is value and parent.keyword is not None and parent.keyword.value in keywords:
        return parent
    return None


@fixer("call-to-callable")
def call_to_callable(context: FileContext, fix: Fix) -> Optional[Planned]:
    """`default=uuid.uuid4()` -> `default=uuid.uuid4`; for a pydantic/SQLModel
    `Field`, `default_factory=uuid.uuid4`. data: (keyword, new keyword, dotted callee)."""
    keyword, new_keyword, dotted = fix.data
    node = context.node_at(fix.span, cst.Call)
    if not isinstance(node, cst.Call) or node.args or _dotted(node.func) != dotted:
        return None
    arg = _keyword_arg(context, node, (keyword,))
    if arg is None or arg.keyword is None:
        return None
    edit = _replace(context, node, _source(context, node.func))
    if edit is None:
        return None
    edits = [edit]
    if new_keyword != keyword:
        owner = context.parent(arg)
        if not isinstance(owner, cst.Call) or any(a.keyword is not None and a.keyword.value == new_keyword for a in owner.args):
            return None
        start, end = context.node_range(arg.keyword)
        edits.append(TextEdit(start, end, new_keyword))
    return Planned(edits)


_CONSTANT_NAMES = ("True", "False", "None")


def _constant_literal(node: cst.BaseExpression, depth: int = 0) -> bool:
    """A literal built of constants only (so that `lambda: <it>` builds an equal value)."""
    if depth > 20:
        return False
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(node, cst.Name):
        return node.value in _CONSTANT_NAMES
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return isinstance(node.expression, (cst.Integer, cst.Float))
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return all(isinstance(e, cst.Element) and _constant_literal(e.value, depth + 1) for e in node.elements)
    if isinstance(node, cst.Dict):
        return all(isinstance(e, cst.DictElement) and _constant_literal(e.key, depth + 1) and _constant_literal(e.value, depth + 1) for e in node.elements)
    return False


@fixer("mutable")
def mutable(context: FileContext, fix: Fix) -> Optional[Planned]:
    """`default={}` -> `default=dict` (`[]` -> `list`, `set()` -> `set`); a non-empty
    literal of constants -> `default=lambda: <literal>`. data: (kind,)."""
    (kind,) = fix.data
    node = context.node_at(fix.span, (cst.Dict, cst.List, cst.Set, cst.Call))
    if node is None or _keyword_arg(context, node, ("default",)) is None:
        return None
    empty = (
        isinstance(node, (cst.Dict, cst.List)) and not node.elements
        or isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Name) and node.func.value == kind
    )
    expected = {"dict": cst.Dict, "list": cst.List, "set": cst.Set}.get(kind)
    if empty:
        if not isinstance(node, cst.Call) and not isinstance(node, expected or ()):
            return None
        if kind in context.bound_names():
            return None  # `dict` is not the builtin here
        edit = _replace(context, node, kind)
    elif expected is not None and isinstance(node, expected) and _constant_literal(node):
        edit = _replace(context, node, f"lambda: {_source(context, node)}")
    else:
        return None
    return Planned([edit]) if edit is not None else None


@fixer("utcnow")
def utcnow(context: FileContext, fix: Fix) -> Optional[Planned]:
    """`default=datetime.utcnow` -> `default=lambda: datetime.now(timezone.utc)`,
    importing `timezone` next to `datetime`; `datetime.datetime.utcnow` ->
    `lambda: datetime.datetime.now(datetime.timezone.utc)`."""
    node = context.node_at(fix.span, cst.Attribute)
    if not isinstance(node, cst.Attribute) or node.attr.value != "utcnow" or node.lpar:
        return None
    if _keyword_arg(context, node, ("default", "onupdate", "default_factory")) is None:
        return None
    owner = _dotted(node.value)
    if owner is None:
        return None
    edits: list[TextEdit] = []
    if "." in owner:
        module, last = owner.rsplit(".", 1)
        if last != "datetime":
            return None
        timezone = f"{module}.timezone"
    else:
        found = from_import(context, ("datetime",), "timezone", "datetime")
        if found is None:
            return None
        timezone, edits = found
    edit = _replace(context, node, f"lambda: {owner}.now({timezone}.utc)")
    return Planned([edit, *edits]) if edit is not None else None


# --- imports ------------------------------------------------------------------------


def _top_level_imports(context: FileContext) -> list[tuple[cst.SimpleStatementLine, cst.BaseSmallStatement]]:
    found: list[tuple[cst.SimpleStatementLine, cst.BaseSmallStatement]] = []
    for statement in context.module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    found.append((statement, small))
    return found


def _module_name(node: cst.ImportFrom) -> Optional[str]:
    if node.relative or node.module is None:
        return None
    return _dotted(node.module)


def sqlalchemy_name(context: FileContext, name: str) -> Optional[tuple[str, list[TextEdit]]]:
    return from_import(context, ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.sql.expression"), name, "sqlalchemy")


def from_import(context: FileContext, modules: Sequence[str], name: str, add_to: str) -> Optional[tuple[str, list[TextEdit]]]:
    """How to spell `name` of module `add_to` (or one of `modules` re-exporting it)
    in this file, and the edits that import it: an existing top-level
    `from <module> import name [as x]`; else `name` added to the top-level
    `from <add_to> import ...`; else `m.name` through a top-level `import <add_to> [as m]`;
    else a new `from <add_to> import name` line after the leading imports. None when
    `name` is bound to something else in the file."""
    imports = _top_level_imports(context)
    for _, small in imports:
        if isinstance(small, cst.ImportFrom) and _module_name(small) in modules and not isinstance(small.names, cst.ImportStar):
            for alias in small.names:
                if _dotted(alias.name) == name:
                    return _alias_local(alias), []
    if name in context.bound_names():
        return None
    newline = context.module.default_newline
    for statement, small in imports:
        if isinstance(small, cst.ImportFrom) and _module_name(small) == add_to and not isinstance(small.names, cst.ImportStar):
            if small.lpar is None and len(statement.body) == 1:
                last = small.names[-1]
                _, end = context.node_range(last)
                if isinstance(last.comma, cst.Comma):
                    return None
                return name, [TextEdit(end, end, f", {name}")]
            return name, [_insert_after(context, statement, f"from {add_to} import {name}{newline}")]
    for _, small in imports:
        if isinstance(small, cst.Import):
            for alias in small.names:
                if _dotted(alias.name) == add_to and alias.asname is None and "." not in add_to:
                    return f"{add_to}.{name}", []
                if _dotted(alias.name) == add_to and alias.asname is not None:
                    return f"{_alias_local(alias)}.{name}", []
    last_import: Optional[cst.SimpleStatementLine] = None
    for position, top in enumerate(context.module.body):
        if isinstance(top, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in top.body):
            last_import = top
            continue
        if position == 0 and isinstance(top, cst.SimpleStatementLine) and len(top.body) == 1 and isinstance(top.body[0], cst.Expr) \
                and isinstance(top.body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
            continue  # the docstring
        break
    if last_import is None:
        return None
    return name, [_insert_after(context, last_import, f"from {add_to} import {name}{newline}")]


def _insert_after(context: FileContext, statement: cst.SimpleStatementLine, text: str) -> TextEdit:
    end_line = context.positions[statement].end.line
    if end_line < len(context.line_starts):
        offset = context.line_starts[end_line]
        if offset == len(context.text) and not context.text.endswith(("\n", "\r")):
            return TextEdit(offset, offset, context.module.default_newline + text)
        return TextEdit(offset, offset, text)
    offset = len(context.text)
    return TextEdit(offset, offset, context.module.default_newline + text.rstrip("\r\n"))


# --- ORM705: names that moved to sqlalchemy.orm ---------------------------------------


@fixer("import-from-orm")
def import_from_orm(context: FileContext, fix: Fix) -> Optional[Planned]:
    """`from sqlalchemy.ext.declarative import declarative_base` -> `from
    sqlalchemy.orm import declarative_base`: the same objects, re-exported
    there since 1.4. Only an import of moved names alone (a `ConcreteBase`
    beside them stays in `sqlalchemy.ext.declarative`). data: the moved names."""
    line = fix.span[0]
    moved = set(fix.data)
    for node in _walk(context.module):
        if not isinstance(node, cst.ImportFrom) or context.positions[node].start.line != line:
            continue
        if _module_name(node) != "sqlalchemy.ext.declarative" or isinstance(node.names, cst.ImportStar) or node.module is None:
            return None
        if not all(isinstance(alias.name, cst.Name) and alias.name.value in moved for alias in node.names):
            return None
        start, end = context.node_range(node.module)
        return Planned([TextEdit(start, end, "sqlalchemy.orm")], [])
    return None


# --- ORM701: Query.get -> Session.get ----------------------------------------------------


@fixer("session-get")
def session_get(context: FileContext, fix: Fix) -> Optional[Planned]:
    """`session.query(User).get(pk)` -> `session.get(User, pk)`: the same
    identity-map lookup. Only that exact chain (no options or filters between).
    data: (receiver,)."""
    (receiver,) = fix.data
    node = context.node_at(fix.span, cst.Call)
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute) or node.func.attr.value != "get":
        return None
    inner = node.func.value
    if (
        not isinstance(inner, cst.Call) or not isinstance(inner.func, cst.Attribute) or inner.func.attr.value != "query"
        or _dotted(inner.func.value) != receiver or len(inner.args) != 1 or len(node.args) != 1
        or any(arg.keyword is not None or arg.star for arg in (*inner.args, *node.args))
    ):
        return None
    model, key = _source(context, inner.args[0].value), _source(context, node.args[0].value)
    return Planned([_replace(context, node, f"{_source(context, inner.func.value)}.get({model}, {key})")], [])
