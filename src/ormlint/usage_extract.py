"""Usage facts: how one file uses names (attributes, constructor calls, queries).

Recorded per scope (module, class body, function), file-locally and without
knowing which names are models: the resolver decides that across files.
"""

from __future__ import annotations

import ast
from typing import Any, Optional

from ormlint.expr import (
    Call, Const, Expr, Other, Span, annotation_to_expr, attribute_span, dotted_name, make_span, record, span_of, to_expr,
)

# Method names whose calls may carry column names or return model instances.
_INTERESTING_METHODS = frozenset({
    "filter_by", "values", "update", "bulk_insert_mappings", "bulk_update_mappings", "get", "get_or_404",
    "first", "first_or_404", "one", "one_or_none", "all", "scalar", "scalars", "scalar_one", "scalar_one_or_none",
    "execute", "query", "select", "getattr", "hasattr", "setattr", "insert", "delete",
})


# `base.attr`, read or stored: (base, attr, span, store, value, base_expr).
# - base: the dotted name the attribute is taken from (`User`, `user`,
#   `self.owner`), "" when that is not a dotted name;
# - attr: the attribute's name; span: where that name is written;
# - store: whether the attribute is assigned; value: the assigned value, for stores;
# - base_expr: the base when it is not a dotted name (`parent.children[0].name`,
#   `q.first().x`), else None.
# A plain tuple, read by unpacking, like `Span`: a large repository has about
# 130,000 of them, and a plain tuple pickles several times faster than a record
# (`expr.record`) and is built without a second copy.
AttributeRef = tuple[str, str, Span, bool, Optional[Expr], Optional[Expr]]


@record
class OperatorUse:
    """A Python operator applied to `base.attr`: `== None`, `is None`, `in`, `and`, `not`."""

    base: str
    attr: str
    operator: str  # `==`, `!=`, `is`, `is not`, `in`, `not in`, `and`, `or`, `not`
    operand: Optional[object]  # the constant compared with (None/True/False) for == and !=
    span: Span  # the whole comparison or operation
    in_condition: bool  # directly inside filter()/where()/having()/and_()/or_()
    # For comparisons: whether `base.attr` is the left operand.
    left: bool = False


@record
class ScopeFacts:
    name: str  # `<module>`, `func`, `Class.method`
    class_name: Optional[str]  # the class whose method this is (for `self`)
    params: tuple[tuple[str, Optional[Expr]], ...]
    # (variable, kind, expression): kind is `assign`, `annotation`, `for`,
    # `import` (a function-level import), `global` (a `global` statement) or
    # `other` (bound some other way: opaque).
    bindings: tuple[tuple[str, str, Expr], ...]
    attributes: tuple[AttributeRef, ...]
    calls: tuple[Call, ...]
    operators: tuple[OperatorUse, ...] = ()


# Builds a record from the tuple of all its fields, in declaration order: a
# record's `__new__` is `tuple.__new__` (see `expr.record`), and this skips the
# Python-level constructor that fills in the defaults. For the records made by
# the ten thousand (`ScopeFacts`); tests/test_usage_fast.py pins them to what
# the constructor makes.
_new_record: Any = tuple.__new__

# A binding whose value ormlint does not follow: it makes the variable's type unknown.
_OPAQUE = Other("opaque")

# Values whose type inference can follow; anything else is recorded as opaque
# without converting it (most assignments in real code are of this kind).
# Parsers make exact node types, so membership of `type(node)` is `isinstance`.
_TYPED_VALUES = frozenset({ast.Call, ast.Name, ast.Attribute, ast.Subscript, ast.Await})
# Values whose kind ORM205 reads when they are stored into a column.
_KIND_VALUES = frozenset({
    ast.Dict, ast.List, ast.Set, ast.Tuple, ast.Constant, ast.Name, ast.ListComp, ast.SetComp, ast.DictComp, ast.JoinedStr,
})


_CONDITION_CALLS = frozenset({"filter", "where", "having", "and_", "or_", "not_"})
_COMPARE_NAMES = {ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}

_Attribute = ast.Attribute
_Name = ast.Name
_Call = ast.Call
_Subscript = ast.Subscript
_Assign = ast.Assign
_Compare = ast.Compare
_AnnAssign = ast.AnnAssign
_FunctionDef = ast.FunctionDef
_AsyncFunctionDef = ast.AsyncFunctionDef
_ImportFrom = ast.ImportFrom
_Import = ast.Import
_ClassDef = ast.ClassDef
_Expr = ast.Expr
_Constant = ast.Constant


def _dotted_attribute(node: ast.AST) -> Optional[tuple[str, str]]:
    if type(node) is _Attribute:
        value = node.value
        base = value.id if type(value) is _Name else dotted_name(value)  # `user.name`, most of them: dotted_name, inlined
        if base is not None:
            return base, node.attr
    return None


def _operators(node: ast.AST, kind: type, found: list["OperatorUse"], in_condition: bool) -> None:
    # The span is only computed for the (few) operations that are recorded.
    if kind is ast.Compare:
        if len(node.ops) != 1:  # type: ignore[attr-defined]
            return
        name = _COMPARE_NAMES.get(type(node.ops[0]))  # type: ignore[attr-defined]
        if name is None:
            return
        left, right = node.left, node.comparators[0]  # type: ignore[attr-defined]
        for side, other in ((left, right), (right, left)):
            target = _dotted_attribute(side)
            if target is None:
                continue
            if name in ("in", "not in") and side is left and not in_condition:
                continue  # `Model.col in x` outside a query: a containment test on x
            operand = other.value if isinstance(other, ast.Constant) else _NOT_CONSTANT
            # OperatorUse(base, attr, operator, operand, span, in_condition, left)
            found.append(_new_record(OperatorUse, (target[0], target[1], name, operand, span_of(node), in_condition, side is left)))
            return
    elif kind is ast.BoolOp:
        for value in node.values:  # type: ignore[attr-defined]
            target = _dotted_attribute(value)
            if target is None and in_condition and isinstance(value, ast.Compare) and len(value.ops) == 1:
                # `Model.a == 1 and Model.b.is_(None)` inside filter(): Python turns
                # each operand into a bool first.
                target = _dotted_attribute(value.left) or _dotted_attribute(value.comparators[0])
            elif target is None and in_condition and isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                target = _dotted_attribute(value.func.value)
            if target is not None:
                operator = "and" if isinstance(node.op, ast.And) else "or"  # type: ignore[attr-defined]
                found.append(OperatorUse(target[0], target[1], operator, _NOT_CONSTANT, span_of(node), in_condition))
                return
    elif isinstance(node.op, ast.Not):  # type: ignore[attr-defined]  # UnaryOp
        target = _dotted_attribute(node.operand)  # type: ignore[attr-defined]
        if target is not None:
            found.append(OperatorUse(target[0], target[1], "not", _NOT_CONSTANT, span_of(node), in_condition))


_NOT_CONSTANT = "<not a constant>"


def _opaque_targets(target: ast.AST, bindings: list[tuple[str, str, Expr]]) -> None:
    """Every name in `target` bound to an unknown type, in `ast.walk` order
    (breadth first), which this walks without `ast.walk`'s generators."""
    level: list[ast.AST] = [target]
    position = 0
    while position < len(level):
        node = level[position]
        position += 1
        kind = type(node)
        if kind is _Name:
            bindings.append((node.id, "other", _OPAQUE))  # type: ignore[attr-defined]
            continue
        fields = _CHILD_FIELDS.get(kind)
        if fields is None:
            fields = _CHILD_FIELDS[kind] = _child_fields(kind)
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                level.extend([item for item in value if isinstance(item, _AST)])
            elif isinstance(value, _AST):
                level.append(value)


class _ScopeWalker:
    def __init__(self, module: str = "", is_package: bool = False) -> None:
        self.scopes: list[ScopeFacts] = []
        self.module = module
        self.is_package = is_package

    def resolve_relative(self, level: int, target: Optional[str]) -> str:
        parts = self.module.split(".") if self.module else []
        if level == 0:
            return target or ""
        if not self.is_package:
            parts = parts[:-1]
        if level > 1:
            parts = parts[: max(len(parts) - (level - 1), 0)]
        if target:
            parts.append(target)
        return ".".join(parts)

    def scope(self, name: str, class_name: Optional[str], params: tuple[tuple[str, Optional[Expr]], ...], body: list[ast.AST]) -> None:
        bindings: list[tuple[str, str, Expr]] = []
        attributes: list[AttributeRef] = []
        calls: list[Call] = []
        operators: list[OperatorUse] = []
        conditions: set[int] = set()  # ids of nodes that are arguments of filter()/where()...
        nested: list[tuple[str, Optional[str], ast.AST]] = []
        attribute = self._attribute
        new_record = _new_record
        child_fields = _GENERIC_FIELDS
        leaves = _LEAVES
        push_children = _push_children
        stack: list[ast.AST] = body[::-1]
        # Statements that cannot yield a fact are not visited at all: the
        # module's imports (already in its symbol table, see the import branch
        # below) and the docstring, a constant.
        if name == "<module>":
            stack = [statement for statement in stack if type(statement) is not _ImportFrom and type(statement) is not _Import]
        if stack:
            first = stack[-1]
            if type(first) is _Expr and type(first.value) is _Constant:
                stack.pop()
        pop = stack.pop
        push = stack.append
        while stack:
            node = pop()
            kind = type(node)
            # The most frequent node kinds first (attributes and calls are
            # about half of what the walk meets); the order of the tests does
            # not matter otherwise, the kinds are disjoint.
            if kind is _Attribute:
                value = node.value  # type: ignore[attr-defined]
                if type(value) is _Name:  # `user.name`, most attributes: as `_attribute`, inlined
                    # AttributeRef (base, attr, span, store, value, base_expr);
                    # attribute_span(), inlined.
                    attr = node.attr  # type: ignore[attr-defined]
                    end_line = node.end_lineno or node.lineno  # type: ignore[attr-defined]
                    end_col = node.end_col_offset  # type: ignore[attr-defined]
                    if end_col is None:
                        end_col = node.col_offset  # type: ignore[attr-defined]
                    start_col = end_col - len(attr)
                    span = make_span(end_line, start_col if start_col > 0 else 0, end_line, end_col)
                    attributes.append((value.id, attr, span, False, None, None))
                else:
                    attribute(node, attributes, stack)  # type: ignore[arg-type]
                continue
            if kind is _Call:
                func = node.func  # type: ignore[attr-defined]
                func_kind = type(func)
                method = func.attr if func_kind is _Attribute else func.id if func_kind is _Name else None
                if method in _CONDITION_CALLS:
                    conditions.update([id(arg) for arg in node.args])  # type: ignore[attr-defined]
                # Constructor calls (capitalised names) and the query methods the
                # usage rules read; other calls only matter through their parts.
                if method in _INTERESTING_METHODS or (method and method[:1].isupper()):
                    expr = to_expr(node)
                    if isinstance(expr, Call):
                        calls.append(expr)
                # Names and constants are leaves: not pushed at all.
                if func_kind is not _Name:
                    push(func)
                for arg in node.args:  # type: ignore[attr-defined]
                    if type(arg) not in leaves:
                        push(arg)
                for kw in node.keywords:  # type: ignore[attr-defined]
                    if type(kw.value) not in leaves:
                        push(kw.value)
                continue
            fields = child_fields.get(kind)
            if fields is not None:  # a kind the walk only descends into
                # `stack.extend(ast.iter_child_nodes(node))` without leaves, inlined.
                for field in fields:
                    child = getattr(node, field, None)
                    if type(child) is list:
                        for item in child:
                            if isinstance(item, _AST) and type(item) not in leaves:
                                push(item)
                    elif isinstance(child, _AST) and type(child) not in leaves:
                        push(child)
                continue
            # The kinds with a branch of their own, the most frequent first.
            if kind is _Assign:
                value = node.value  # type: ignore[attr-defined]
                for target in node.targets:  # type: ignore[attr-defined]
                    target_kind = type(target)
                    if target_kind is _Name:
                        bindings.append((target.id, "assign", to_expr(value) if type(value) in _TYPED_VALUES else _OPAQUE))
                    elif target_kind is _Attribute:
                        attribute(target, attributes, stack, True, to_expr(value) if type(value) in _KIND_VALUES else _OPAQUE)
                    else:
                        _opaque_targets(target, bindings)
                        push(target)
                if type(value) not in leaves:
                    push(value)
                continue
            if kind is _Compare:
                left = node.left  # type: ignore[attr-defined]
                comparators = node.comparators  # type: ignore[attr-defined]
                # Only a comparison with an attribute on one side is recorded.
                if type(left) is _Attribute or type(comparators[0]) is _Attribute:
                    _operators(node, kind, operators, id(node) in conditions)
                # The children, as `_push_children` (`ops` holds no nodes to visit).
                if type(left) not in leaves:
                    push(left)
                for item in comparators:
                    if type(item) not in leaves:
                        push(item)
                continue
            if kind is _AnnAssign:
                target = node.target  # type: ignore[attr-defined]
                annotation = annotation_to_expr(node.annotation)  # type: ignore[attr-defined]
                value = node.value  # type: ignore[attr-defined]
                if isinstance(target, ast.Name):
                    bindings.append((target.id, "annotation", annotation))
                elif isinstance(target, ast.Attribute):
                    dotted = dotted_name(target)
                    if dotted is not None:
                        bindings.append((dotted, "annotation", annotation))
                    stored = None if value is None else to_expr(value) if type(value) in _KIND_VALUES else _OPAQUE
                    attribute(target, attributes, stack, True, stored)
                if value is not None:
                    push(value)
                continue
            if kind is _FunctionDef or kind is _AsyncFunctionDef:
                if name != class_name:
                    bindings.append((node.name, "other", _OPAQUE))  # type: ignore[attr-defined]
                nested.append((f"{name}.{node.name}" if name != "<module>" else node.name, class_name if name == class_name else None, node))  # type: ignore[attr-defined]
                stack.extend(node.decorator_list)  # type: ignore[attr-defined]
                continue
            if kind is _ImportFrom or kind is _Import:
                if name == "<module>":
                    continue  # module-level imports are already in the module's symbol table
                if kind is _ImportFrom:
                    # `from app.models import User` inside a function: the name
                    # still denotes that class.
                    source = self.resolve_relative(node.level or 0, node.module)  # type: ignore[attr-defined]
                    for alias in node.names:  # type: ignore[attr-defined]
                        if alias.name != "*":
                            bindings.append((alias.asname or alias.name, "import", Const(f"{source}:{alias.name}")))
                else:
                    for alias in node.names:  # type: ignore[attr-defined]
                        bindings.append(((alias.asname or alias.name).split(".")[0], "other", _OPAQUE))
                continue
            if kind is _ClassDef:
                qual = node.name if name == "<module>" else f"{name}.{node.name}"  # type: ignore[attr-defined]
                nested.append((qual, qual, node))
                stack.extend(node.bases)  # type: ignore[attr-defined]
                stack.extend(node.decorator_list)  # type: ignore[attr-defined]
                continue
            if kind is ast.With or kind is ast.AsyncWith:
                for item in node.items:  # type: ignore[attr-defined]
                    if item.optional_vars is not None:
                        _opaque_targets(item.optional_vars, bindings)
                    push(item.context_expr)
                stack.extend(reversed(node.body))  # type: ignore[attr-defined]
                continue
            if kind is ast.BoolOp or kind is ast.UnaryOp:
                _operators(node, kind, operators, id(node) in conditions)
                push_children(node, kind, stack)
                continue
            if kind in leaves:
                continue
            if kind is ast.AugAssign or kind is ast.NamedExpr:
                target = node.target  # type: ignore[attr-defined]
                if isinstance(target, ast.Name):
                    if kind is ast.NamedExpr:
                        value = node.value  # type: ignore[attr-defined]
                        bindings.append((target.id, "assign", to_expr(value) if type(value) in _TYPED_VALUES else _OPAQUE))
                    else:
                        bindings.append((target.id, "other", _OPAQUE))
                push(node.value)  # type: ignore[attr-defined]
                continue
            if kind is ast.ExceptHandler:
                if node.name:  # type: ignore[attr-defined]
                    bindings.append((node.name, "other", _OPAQUE))  # type: ignore[attr-defined]
                if node.type is not None:  # type: ignore[attr-defined]
                    push(node.type)  # type: ignore[attr-defined]
                stack.extend(reversed(node.body))  # type: ignore[attr-defined]
                continue
            if kind is ast.Global or kind is ast.Nonlocal:
                # Opaque to type inference like any other binding; `global` is
                # told apart: the name is the module's (`Base.query = ...`
                # under `global Base` sets the attribute on the module's Base).
                global_kind = "global" if kind is ast.Global else "other"
                for global_name in node.names:  # type: ignore[attr-defined]
                    bindings.append((global_name, global_kind, _OPAQUE))
                continue
            if kind is ast.For or kind is ast.AsyncFor:
                target = node.target  # type: ignore[attr-defined]
                if isinstance(target, ast.Name):
                    bindings.append((target.id, "for", to_expr(node.iter)))  # type: ignore[attr-defined]
                else:
                    _opaque_targets(target, bindings)
                push(node.iter)  # type: ignore[attr-defined]
                stack.extend(reversed(node.body))  # type: ignore[attr-defined]
                stack.extend(reversed(node.orelse))  # type: ignore[attr-defined]
                continue
            if kind is ast.comprehension:
                target = node.target  # type: ignore[attr-defined]
                if isinstance(target, ast.Name):
                    bindings.append((target.id, "for", to_expr(node.iter)))  # type: ignore[attr-defined]
                else:
                    _opaque_targets(target, bindings)
                push(node.iter)  # type: ignore[attr-defined]
                stack.extend(node.ifs)  # type: ignore[attr-defined]
                continue
            if kind is ast.Lambda:
                push(node.body)  # type: ignore[attr-defined]
                continue
            push_children(node, kind, stack)  # not reached: every kind is in `_GENERIC` or has a branch
        self.scopes.append(new_record(ScopeFacts, (name, class_name, params, tuple(bindings), tuple(attributes), tuple(calls), tuple(operators))))
        for nested_name, nested_class, nested_node in nested:
            if isinstance(nested_node, ast.ClassDef):
                self.scope(nested_name, nested_class, (), nested_node.body)  # type: ignore[arg-type]
            else:
                assert isinstance(nested_node, (ast.FunctionDef, ast.AsyncFunctionDef))
                args = nested_node.args
                params = tuple([
                    (a.arg, annotation_to_expr(a.annotation) if a.annotation is not None else None)
                    for a in [*getattr(args, "posonlyargs", []), *args.args, *args.kwonlyargs]
                ])
                self.scope(nested_name, nested_class, params, nested_node.body)  # type: ignore[arg-type]

    def _attribute(
        self, node: ast.Attribute, attributes: list[AttributeRef], stack: list[ast.AST],
        store: bool = False, value: Optional[Expr] = None,
    ) -> None:
        # Record every level of a dotted chain: `User.name.ilike` gives
        # (User, name) and (User.name, ilike). Only the first levels matter to
        # typing, so very long chains are cut rather than walked quadratically.
        current = node.value
        if type(current) is _Name:  # `user.name`, the most common chain: one level
            attributes.append((current.id, node.attr, attribute_span(node), store, value, None))
            return
        chain: list[ast.Attribute] = [node]
        while type(current) is _Attribute:
            chain.append(current)
            current = current.value
        if type(current) is _Name:
            base = current.id
            for link in chain[:-_MAX_CHAIN - 1:-1]:  # the root-most `_MAX_CHAIN` attributes, root-most first
                is_outer = link is node
                attributes.append((base, link.attr, attribute_span(link), store and is_outer, value if is_outer else None, None))
                base = f"{base}.{link.attr}"
            return
        if (type(current) is _Subscript or type(current) is _Call) and not store:
            first = chain[-1]  # the root-most attribute
            attributes.append(("", first.attr, attribute_span(first), False, None, to_expr(current)))
        if type(current) not in _LEAVES:
            stack.append(current)


_MAX_CHAIN = 10

# Nodes the walker has nothing to do with and that have no children it would
# visit: names, constants, and the singletons of contexts and operators.
_LEAVES = frozenset(
    {ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue}
    | {cls for base in (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop) for cls in base.__subclasses__()}
)


def _node_types(base: type) -> set[type]:
    found: set[type] = set()
    subclasses: list[type] = base.__subclasses__()
    for sub in subclasses:
        found.add(sub)
        found |= _node_types(sub)
    return found


# Node types the walker only descends into (no branch of `scope` handles them).
_GENERIC = frozenset(
    _node_types(ast.AST) - _LEAVES - {
        ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AugAssign, ast.NamedExpr, ast.With,
        ast.AsyncWith, ast.ExceptHandler, ast.ImportFrom, ast.Import, ast.Global, ast.Nonlocal, ast.AnnAssign,
        ast.For, ast.AsyncFor, ast.comprehension, ast.Attribute, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Call,
        ast.Lambda,
    }
)
# The fields of each node type that may hold child nodes, in `_fields` order
# (the order of `ast.iter_child_nodes`), without contexts and operators.
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_AST = ast.AST


def _child_fields(kind: type) -> tuple[str, ...]:
    return tuple(f for f in getattr(kind, "_fields", ()) if f not in ("ctx", "op", "ops"))


# The same for the kinds the walk only descends into (`_GENERIC`).
_GENERIC_FIELDS: dict[type, tuple[str, ...]] = {kind: _child_fields(kind) for kind in _GENERIC}


def _push_children(node: ast.AST, kind: type, stack: list[ast.AST]) -> None:
    """`stack.extend(ast.iter_child_nodes(node))` without the leaves (same order)."""
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = _CHILD_FIELDS[kind] = _child_fields(kind)
    for name in fields:
        value = getattr(node, name, None)
        if type(value) is list:
            for item in value:
                if isinstance(item, _AST) and type(item) not in _LEAVES:
                    stack.append(item)
        elif isinstance(value, _AST) and type(value) not in _LEAVES:
            stack.append(value)


def extract_usage(tree: ast.Module, module: str = "", is_package: bool = False) -> tuple[ScopeFacts, ...]:
    walker = _ScopeWalker(module, is_package)
    walker.scope("<module>", None, (), list(tree.body))
    return tuple(walker.scopes)
