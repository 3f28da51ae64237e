"""Usage facts: how one file uses names (attributes, constructor calls, queries).

Recorded per scope (module, class body, function), file-locally and without
knowing which names are models: the resolver decides that across files.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Optional

from ormlint.expr import Call, Const, Expr, Other, Span, annotation_to_expr, dotted_name, record, span_of, to_expr

# Method names whose calls may carry column names or return model instances.
_INTERESTING_METHODS = frozenset({
    "filter_by", "values", "update", "bulk_insert_mappings", "bulk_update_mappings", "get", "get_or_404",
    "first", "first_or_404", "one", "one_or_none", "all", "scalar", "scalars", "scalar_one", "scalar_one_or_none",
    "execute", "query", "select", "getattr", "insert", "delete",
})


@record
@dataclass(frozen=True)
class AttributeRef:
    base: str  # dotted name the attribute is taken from: `User`, `user`, `self.owner`
    attr: str
    span: Span  # the attribute name itself
    store: bool = False
    value: Optional[Expr] = None  # the assigned value, for stores
    # When the base is not a dotted name (`parent.children[0].name`, `q.first().x`).
    base_expr: Optional[Expr] = None


@record
@dataclass(frozen=True)
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
@dataclass(frozen=True)
class ScopeFacts:
    name: str  # `<module>`, `func`, `Class.method`
    class_name: Optional[str]  # the class whose method this is (for `self`)
    params: tuple[tuple[str, Optional[Expr]], ...]
    # (variable, kind, expression): kind is `assign`, `annotation` or `for`.
    bindings: tuple[tuple[str, str, Expr], ...]
    attributes: tuple[AttributeRef, ...]
    calls: tuple[Call, ...]
    operators: tuple[OperatorUse, ...] = ()


def _attr_span(node: ast.Attribute) -> Span:
    end_line = node.end_lineno or node.lineno
    end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
    start_col = max(end_col - len(node.attr), 0) if end_line == node.lineno or end_line else node.col_offset
    return Span(end_line, start_col, end_line, end_col)


# A binding whose value ormlint does not follow: it makes the variable's type unknown.
_OPAQUE = Other("opaque")

# Values whose type inference can follow; anything else is recorded as opaque
# without converting it (most assignments in real code are of this kind).
_TYPED_VALUES = (ast.Call, ast.Name, ast.Attribute, ast.Subscript, ast.Await)
# Values whose kind ORM205 reads when they are stored into a column.
_KIND_VALUES = (ast.Dict, ast.List, ast.Set, ast.Tuple, ast.Constant, ast.Name, ast.ListComp, ast.SetComp, ast.DictComp, ast.JoinedStr)


_CONDITION_CALLS = frozenset({"filter", "where", "having", "and_", "or_", "not_"})
_COMPARE_NAMES = {ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}


def _dotted_attribute(node: ast.AST) -> Optional[tuple[str, str]]:
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        if base is not None:
            return base, node.attr
    return None


def _operators(node: ast.AST, found: list["OperatorUse"], in_condition: bool) -> None:
    span = span_of(node)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        name = _COMPARE_NAMES.get(type(node.ops[0]))
        if name is None:
            return
        left, right = node.left, node.comparators[0]
        for side, other in ((left, right), (right, left)):
            target = _dotted_attribute(side)
            if target is None:
                continue
            if name in ("in", "not in") and side is left and not in_condition:
                continue  # `Model.col in x` outside a query: a containment test on x
            operand = other.value if isinstance(other, ast.Constant) else _NOT_CONSTANT
            found.append(OperatorUse(target[0], target[1], name, operand, span, in_condition, side is left))
            return
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            target = _dotted_attribute(value)
            if target is None and in_condition and isinstance(value, ast.Compare) and len(value.ops) == 1:
                # `Model.a == 1 and Model.b.is_(None)` inside filter(): Python turns
                # each operand into a bool first.
                target = _dotted_attribute(value.left) or _dotted_attribute(value.comparators[0])
            elif target is None and in_condition and isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                target = _dotted_attribute(value.func.value)
            if target is not None:
                found.append(OperatorUse(target[0], target[1], "and" if isinstance(node.op, ast.And) else "or", _NOT_CONSTANT, span, in_condition))
                return
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        target = _dotted_attribute(node.operand)
        if target is not None:
            found.append(OperatorUse(target[0], target[1], "not", _NOT_CONSTANT, span, in_condition))


_NOT_CONSTANT = "<not a constant>"


def _binding_value(node: ast.AST, convert: Callable[[ast.AST], Expr] = to_expr) -> Expr:
    return convert(node) if isinstance(node, _TYPED_VALUES) else _OPAQUE


def _stored_value(node: ast.AST, convert: Callable[[ast.AST], Expr] = to_expr) -> Expr:
    return convert(node) if isinstance(node, _KIND_VALUES) else _OPAQUE


def _opaque_targets(target: ast.AST, bindings: list[tuple[str, str, Expr]]) -> None:
    for sub in ast.walk(target):
        if isinstance(sub, ast.Name):
            bindings.append((sub.id, "other", _OPAQUE))


class _ScopeWalker:
    def __init__(self, module: str = "", is_package: bool = False) -> None:
        self.scopes: list[ScopeFacts] = []
        self.module = module
        self.is_package = is_package
        # `to_expr` of nodes converted already: `x = q.first()` is both a
        # binding and a call; the tree outlives the walk, so ids are stable.
        self._converted: dict[int, Expr] = {}

    def to_expr(self, node: ast.AST) -> Expr:
        key = id(node)
        converted = self._converted.get(key)
        if converted is None:
            converted = self._converted[key] = to_expr(node)
        return converted

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
        stack: list[ast.AST] = list(reversed(body))
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind in _LEAVES:
                continue
            if kind in _GENERIC:
                _push_children(node, kind, stack)
                continue
            if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                if name != class_name:
                    bindings.append((node.name, "other", _OPAQUE))  # type: ignore[attr-defined]
                nested.append((f"{name}.{node.name}" if name != "<module>" else node.name, class_name if name == class_name else None, node))  # type: ignore[attr-defined]
                stack.extend(node.decorator_list)  # type: ignore[attr-defined]
                continue
            if kind is ast.ClassDef:
                qual = node.name if name == "<module>" else f"{name}.{node.name}"  # type: ignore[attr-defined]
                nested.append((qual, qual, node))
                stack.extend(node.bases)  # type: ignore[attr-defined]
                stack.extend(node.decorator_list)  # type: ignore[attr-defined]
                continue
            if kind is ast.Assign:
                value = node.value  # type: ignore[attr-defined]
                for target in node.targets:  # type: ignore[attr-defined]
                    if isinstance(target, ast.Name):
                        bindings.append((target.id, "assign", _binding_value(value, self.to_expr)))
                    elif isinstance(target, ast.Attribute):
                        self._attribute(target, attributes, stack, store=True, value=_stored_value(value, self.to_expr))
                    else:
                        _opaque_targets(target, bindings)
                        stack.append(target)
                stack.append(value)
                continue
            if kind is ast.AugAssign or kind is ast.NamedExpr:
                target = node.target  # type: ignore[attr-defined]
                if isinstance(target, ast.Name):
                    if kind is ast.NamedExpr:
                        bindings.append((target.id, "assign", _binding_value(node.value, self.to_expr)))  # type: ignore[attr-defined]
                    else:
                        bindings.append((target.id, "other", _OPAQUE))
                stack.append(node.value)  # type: ignore[attr-defined]
                continue
            if kind is ast.With or kind is ast.AsyncWith:
                for item in node.items:  # type: ignore[attr-defined]
                    if item.optional_vars is not None:
                        _opaque_targets(item.optional_vars, bindings)
                    stack.append(item.context_expr)
                stack.extend(reversed(node.body))  # type: ignore[attr-defined]
                continue
            if kind is ast.ExceptHandler:
                if node.name:  # type: ignore[attr-defined]
                    bindings.append((node.name, "other", _OPAQUE))  # type: ignore[attr-defined]
                if node.type is not None:  # type: ignore[attr-defined]
                    stack.append(node.type)  # type: ignore[attr-defined]
                stack.extend(reversed(node.body))  # type: ignore[attr-defined]
                continue
            if kind is ast.ImportFrom and name != "<module>":
                # `from app.models import User` inside a function: the name
                # still denotes that class (module-level imports are already
                # in the module's symbol table).
                source = self.resolve_relative(node.level or 0, node.module)  # type: ignore[attr-defined]
                for alias in node.names:  # type: ignore[attr-defined]
                    if alias.name != "*":
                        bindings.append((alias.asname or alias.name, "import", Const(f"{source}:{alias.name}")))
                continue
            if kind is ast.Import or kind is ast.ImportFrom:
                if name != "<module>":
                    for alias in node.names:  # type: ignore[attr-defined]
                        bindings.append(((alias.asname or alias.name).split(".")[0], "other", _OPAQUE))
                continue
            if kind is ast.Global or kind is ast.Nonlocal:
                for global_name in node.names:  # type: ignore[attr-defined]
                    bindings.append((global_name, "other", _OPAQUE))
                continue
            if kind is ast.AnnAssign:
                target = node.target  # type: ignore[attr-defined]
                annotation = annotation_to_expr(node.annotation)  # type: ignore[attr-defined]
                value = node.value  # type: ignore[attr-defined]
                if isinstance(target, ast.Name):
                    bindings.append((target.id, "annotation", annotation))
                elif isinstance(target, ast.Attribute):
                    dotted = dotted_name(target)
                    if dotted is not None:
                        bindings.append((dotted, "annotation", annotation))
                    self._attribute(target, attributes, stack, store=True, value=_stored_value(value, self.to_expr) if value is not None else None)
                if value is not None:
                    stack.append(value)
                continue
            if kind is ast.For or kind is ast.AsyncFor:
                target = node.target  # type: ignore[attr-defined]
                if isinstance(target, ast.Name):
                    bindings.append((target.id, "for", self.to_expr(node.iter)))  # type: ignore[attr-defined]
                else:
                    _opaque_targets(target, bindings)
                stack.append(node.iter)  # type: ignore[attr-defined]
                stack.extend(reversed(node.body))  # type: ignore[attr-defined]
                stack.extend(reversed(node.orelse))  # type: ignore[attr-defined]
                continue
            if kind is ast.comprehension:
                target = node.target  # type: ignore[attr-defined]
                if isinstance(target, ast.Name):
                    bindings.append((target.id, "for", self.to_expr(node.iter)))  # type: ignore[attr-defined]
                else:
                    _opaque_targets(target, bindings)
                stack.append(node.iter)  # type: ignore[attr-defined]
                stack.extend(node.ifs)  # type: ignore[attr-defined]
                continue
            if kind is ast.Attribute:
                self._attribute(node, attributes, stack)  # type: ignore[arg-type]
                continue
            if kind is ast.Compare or kind is ast.BoolOp or kind is ast.UnaryOp:
                _operators(node, operators, id(node) in conditions)
            if kind is ast.Call:
                func = node.func  # type: ignore[attr-defined]
                method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
                if method in _CONDITION_CALLS:
                    conditions.update(id(arg) for arg in node.args)  # type: ignore[attr-defined]
                # Constructor calls (capitalised names) and the query methods the
                # usage rules read; other calls only matter through their parts.
                if method in _INTERESTING_METHODS or (method and method[:1].isupper()):
                    expr = self.to_expr(node)
                    if isinstance(expr, Call):
                        calls.append(expr)
                stack.append(func)
                stack.extend(node.args)  # type: ignore[attr-defined]
                stack.extend(kw.value for kw in node.keywords)  # type: ignore[attr-defined]
                continue
            if kind is ast.Lambda:
                stack.append(node.body)  # type: ignore[attr-defined]
                continue
            _push_children(node, kind, stack)
        self.scopes.append(ScopeFacts(name, class_name, params, tuple(bindings), tuple(attributes), tuple(calls), tuple(operators)))
        for nested_name, nested_class, nested_node in nested:
            if isinstance(nested_node, ast.ClassDef):
                self.scope(nested_name, nested_class, (), list(nested_node.body))
            else:
                assert isinstance(nested_node, (ast.FunctionDef, ast.AsyncFunctionDef))
                args = nested_node.args
                params = tuple(
                    (a.arg, annotation_to_expr(a.annotation) if a.annotation is not None else None)
                    for a in [*getattr(args, "posonlyargs", []), *args.args, *args.kwonlyargs]
                )
                self.scope(nested_name, nested_class, params, list(nested_node.body))

    def _attribute(
        self, node: ast.Attribute, attributes: list[AttributeRef], stack: list[ast.AST],
        store: bool = False, value: Optional[Expr] = None,
    ) -> None:
        # Record every level of a dotted chain: `User.name.ilike` gives
        # (User, name) and (User.name, ilike). Only the first levels matter to
        # typing, so very long chains are cut rather than walked quadratically.
        chain: list[ast.Attribute] = []
        current: ast.AST = node
        while isinstance(current, ast.Attribute):
            chain.append(current)
            current = current.value
        chain.reverse()  # root-most attribute first
        if isinstance(current, ast.Name):
            base = current.id
            for position, link in enumerate(chain[:_MAX_CHAIN]):
                is_outer = link is node
                attributes.append(AttributeRef(base, link.attr, _attr_span(link), store and is_outer, value if is_outer else None))
                base = f"{base}.{link.attr}"
            return
        if isinstance(current, (ast.Subscript, ast.Call)) and not store and chain:
            first = chain[0]
            attributes.append(AttributeRef("", first.attr, _attr_span(first), False, None, self.to_expr(current)))
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


def _push_children(node: ast.AST, kind: type, stack: list[ast.AST]) -> None:
    """`stack.extend(ast.iter_child_nodes(node))` without the leaves (same order)."""
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = _CHILD_FIELDS[kind] = tuple(f for f in getattr(kind, "_fields", ()) if f not in ("ctx", "op", "ops"))
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
