"""Interpret one class-body attribute: a column, a relationship, or something else."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Optional

from ormlint.bases import BaseResolver, DeclarativeBaseInfo, is_const_none
from ormlint.expr import Call, Const, Expr, Lambda, Name, Seq, Subscript, Union_, const_bool, const_str
from ormlint.facts import AssignFact
from ormlint.knowledge import (
    ANNOTATION_TYPES,
    COLUMN_FACTORIES,
    FOREIGN_KEY,
    MAPPED_ANNOTATIONS,
    PROPERTY_FACTORIES,
    RELATIONSHIP_FACTORIES,
    type_family,
)
from ormlint.schema import ColumnInfo, ColumnType, ForeignKeyRef
from ormlint.symbols import ClassRef, External, Symbol, SymbolTable, ValueRef, sqlalchemy_name

UNKNOWN_TYPE = ColumnType("?", None)
_COLUMN_ARGUMENT_CALLS = frozenset({
    "ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint", "DefaultClause",
    "FetchedValue", "text", "func",
})
_CONTAINER_NAMES = frozenset({"List", "list", "Set", "set", "Sequence", "Collection", "Iterable", "Dict", "dict", "Tuple", "tuple", "FrozenSet", "frozenset"})
_OPTIONAL_NAMES = frozenset({"Optional"})
_UNION_NAMES = frozenset({"Union"})

_constraint_ids = itertools.count(1)


def new_constraint_id() -> int:
    return next(_constraint_ids)


@dataclass
class RelationshipSpec:
    call: Optional[Call]
    annotation: Optional[Expr]


@dataclass
class AttributeSpec:
    kind: str  # column / relationship / property / other / unknown
    column: Optional[ColumnInfo] = None
    relationship: Optional[RelationshipSpec] = None


@dataclass
class AnnotationInfo:
    inner: Optional[Expr]  # what Mapped[...] wraps, Optional stripped
    mapped: bool  # wrapped in Mapped[] / WriteOnlyMapped[] / DynamicMapped[]
    optional: bool
    class_var: bool
    collection: bool
    # The module `inner` must be resolved in (an `Annotated` alias may live elsewhere).
    module: str = ""
    # `mapped_column(...)` found inside `Annotated[...]`, with its module.
    annotated_column: Optional[tuple[str, Call]] = None


# Libraries whose names in `Mapped[...]` are types, never `Annotated` aliases
# holding a `mapped_column(...)`.
_TYPE_MODULES = frozenset({
    "builtins", "typing", "typing_extensions", "datetime", "decimal", "uuid", "enum", "sqlalchemy", "sqlmodel",
    "pydantic", "ipaddress", "pathlib", "collections", "fractions", "numbers", "json",
})


# sqlalchemy-json's types: `mutable_json_type(dbtype=JSONB, nested=True)` and
# the classes it builds on, all `Mutable` (each instance gets its own copy).
_SQLALCHEMY_JSON_MUTABLES = frozenset({"mutable_json_type", "MutableJson", "NestedMutableJson"})


class ColumnInterpreter:
    def __init__(self, symbols: SymbolTable, bases: BaseResolver) -> None:
        self.symbols = symbols
        self.bases = bases

    def sa_name(self, module: str, expr: Optional[Expr]) -> Optional[str]:
        if isinstance(expr, Call):
            expr = expr.func
        return sqlalchemy_name(self.symbols.resolve_expr(module, expr))

    # -- annotations ----------------------------------------------------
    def unwrap_annotation(self, module: str, annotation: Optional[Expr]) -> AnnotationInfo:
        info = AnnotationInfo(annotation, False, False, False, False, module)
        current = annotation
        for _ in range(8):
            if isinstance(current, Name) and info.mapped:
                # `intpk = Annotated[int, mapped_column(primary_key=True)]`, used as `Mapped[intpk]`.
                symbol = self.symbols.resolve_expr(module, current)
                assign = self.symbols.assignment(symbol) if isinstance(symbol, ValueRef) else None
                if assign is not None and isinstance(assign.value, Subscript) and isinstance(symbol, ValueRef):
                    if self._annotation_head(symbol.module, assign.value.value) == "Annotated":
                        module = symbol.module
                        info.module = module
                        current = assign.value
                        continue
            if isinstance(current, Subscript):
                head = self._annotation_head(module, current.value)
                if head in MAPPED_ANNOTATIONS:
                    info.mapped = True
                    current = current.index
                    continue
                if head == "ClassVar":
                    info.class_var = True
                    return info
                if head in _OPTIONAL_NAMES:
                    info.optional = True
                    current = current.index
                    continue
                if head in _UNION_NAMES and isinstance(current.index, Seq):
                    current = self._strip_none(info, current.index.items)
                    continue
                if head == "Annotated" and isinstance(current.index, Seq) and current.index.items:
                    for extra in current.index.items[1:]:
                        if isinstance(extra, Call) and self.sa_name(module, extra) in COLUMN_FACTORIES:
                            info.annotated_column = (module, extra)
                    current = current.index.items[0]
                    continue
                if head in _CONTAINER_NAMES:
                    info.collection = True
                    current = current.index
                    if isinstance(current, Seq):  # Dict[str, X]
                        current = current.items[-1] if current.items else None
                    continue
            if isinstance(current, Union_):
                current = self._strip_none(info, current.items)
                continue
            break
        info.inner = current
        return info

    def _strip_none(self, info: AnnotationInfo, items: tuple[Expr, ...]) -> Optional[Expr]:
        rest = [item for item in items if not (is_const_none(item) or (isinstance(item, Name) and item.dotted == "None"))]
        if len(rest) < len(items):
            info.optional = True
        return rest[0] if len(rest) == 1 else None

    def _annotation_head(self, module: str, expr: Expr) -> Optional[str]:
        if not isinstance(expr, Name):
            return None
        symbol = self.symbols.resolve_expr(module, expr)
        if isinstance(symbol, External):
            return symbol.last
        if symbol is None and expr.from_string:
            return expr.last
        return None

    def annotation_type(self, module: str, expr: Optional[Expr], base: Optional[DeclarativeBaseInfo]) -> ColumnType:
        """The column type an annotation implies (`int` -> Integer)."""
        if not isinstance(expr, Name):
            return UNKNOWN_TYPE
        symbol = self.symbols.resolve_expr(module, expr)
        if base is not None:
            for map_module, key, type_expr in base.type_annotation_map:
                if self.symbols.resolve_expr(map_module, key) == symbol and symbol is not None:
                    return self.resolve_type(map_module, type_expr)
        if isinstance(symbol, External):
            qualname = symbol.qualname
            for candidate in (qualname, qualname.split(".", 1)[-1], symbol.last if symbol.root == "builtins" else None):
                if candidate and candidate in ANNOTATION_TYPES:
                    type_name = ANNOTATION_TYPES[candidate]
                    family = type_family(type_name)
                    return ColumnType(expr.last, family[0] if family else None, family[1] if family else None)
            return UNKNOWN_TYPE
        if isinstance(symbol, ClassRef):
            analysis = self.bases.analyze(symbol)
            if analysis is not None and analysis.is_enum:
                return ColumnType(expr.last, "enum")
        return UNKNOWN_TYPE

    # -- types ----------------------------------------------------------
    def resolve_type(self, module: str, expr: Optional[Expr], depth: int = 0) -> ColumnType:
        if expr is None or depth > 10:
            return UNKNOWN_TYPE
        func = expr.func if isinstance(expr, Call) else expr
        if not isinstance(func, Name):
            return UNKNOWN_TYPE
        if func.dotted.endswith(".as_mutable"):
            # `MutableDict.as_mutable(JSONB)`, SQLAlchemy's (or a project's own
            # `Mutable` subclass: the method is Mutable's).
            return ColumnType(_type_display(expr), None, mutable_wrapper=True)
        symbol = self.symbols.resolve_expr(module, func)
        display = _type_display(expr)
        if isinstance(symbol, External) and symbol.root == "sqlalchemy_json" and symbol.last in _SQLALCHEMY_JSON_MUTABLES:
            # sqlalchemy-json's change-tracking types, `Mutable` too (pybossa).
            return ColumnType(display, None, mutable_wrapper=True)
        name = sqlalchemy_name(symbol)
        if name is not None:
            family = type_family(name)
            if family is None:
                return ColumnType(display, None)
            size = family[1]
            if family[0] == "string" and isinstance(expr, Call):
                length = expr.args[0] if expr.args else expr.kwarg("length")
                if isinstance(length, Const) and isinstance(length.value, int) and not isinstance(length.value, bool):
                    size = length.value
            return ColumnType(display, family[0], size)
        if isinstance(symbol, External) and symbol.root == "advanced_alchemy" and symbol.last == "GUID":
            return ColumnType(display, "uuid")
        if isinstance(symbol, ClassRef):
            analysis = self.bases.analyze(symbol)
            if analysis is not None and analysis.is_type_decorator:
                for ancestor in self.bases.mro(symbol):
                    fact = self.symbols.class_fact(ancestor)
                    if fact is not None and any(f.name == "load_dialect_impl" for f in fact.functions):
                        # A GUID that is UUID on PostgreSQL and CHAR(32) elsewhere:
                        # the stored type depends on the database.
                        return ColumnType(display, None, decorated=True)
                    impl = next((a.value for a in fact.body if a.target == "impl"), None) if fact else None
                    if impl is not None:
                        inner = self.resolve_type(ancestor.module, impl, depth + 1)
                        return ColumnType(display, inner.family, inner.size, decorated=True)
            return ColumnType(display, None)
        if isinstance(symbol, ValueRef) and not isinstance(expr, Call):
            assign = self.symbols.assignment(symbol)
            if assign is not None and assign.value is not None:
                inner = self.resolve_type(symbol.module, assign.value, depth + 1)
                return ColumnType(display, inner.family, inner.size, inner.decorated)
        return ColumnType(display, None)

    # -- attributes -----------------------------------------------------
    def interpret(
        self, module: str, path: str, assign: AssignFact, base: Optional[DeclarativeBaseInfo], style: str
    ) -> AttributeSpec:
        value = assign.value
        annotation = self.unwrap_annotation(module, assign.annotation) if assign.annotation is not None else None
        if annotation is not None and annotation.class_var:
            return AttributeSpec("other")
        name = self.sa_name(module, value) if isinstance(value, Call) else None
        if name == "deferred" and isinstance(value, Call) and value.args:
            inner = value.args[0]
            if self.sa_name(module, inner) in COLUMN_FACTORIES:
                return self._column(module, path, assign, inner, annotation, base, style)  # type: ignore[arg-type]
        if name in COLUMN_FACTORIES:
            return self._column(module, path, assign, value, annotation, base, style)  # type: ignore[arg-type]
        if name == "column_property" and isinstance(value, Call):
            # `column_property(Column(...), Parent.col)`: a real column of this table.
            for arg in value.args:
                if isinstance(arg, Call) and self.sa_name(module, arg) in COLUMN_FACTORIES:
                    return self._column(module, path, assign, arg, None, base, style)
        if name == "Field" and style == "sqlmodel":
            return self._column(module, path, assign, value, annotation, base, style)  # type: ignore[arg-type]
        if name in RELATIONSHIP_FACTORIES:
            return AttributeSpec("relationship", relationship=RelationshipSpec(value, assign.annotation))  # type: ignore[arg-type]
        if name in PROPERTY_FACTORIES:
            return AttributeSpec("property")
        if value is None and annotation is not None:
            if annotation.mapped or style == "sqlmodel":
                return self._column(module, path, assign, None, annotation, base, style)
            return AttributeSpec("other")
        if style == "sqlmodel" and annotation is not None and not isinstance(value, Call):
            # `name: str = "x"`: a field with a default.
            return self._column(module, path, assign, None, annotation, base, style)
        if isinstance(value, Call) and name is None:
            return AttributeSpec("unknown")
        return AttributeSpec("other")

    def _column(
        self,
        module: str,
        path: str,
        assign: AssignFact,
        call: Optional[Call],
        annotation: Optional[AnnotationInfo],
        base: Optional[DeclarativeBaseInfo],
        style: str,
    ) -> AttributeSpec:
        if annotation is not None and annotation.annotated_column is not None:
            call = _merge_columns(annotation.annotated_column[1], call)
            if annotation.annotated_column[0] != module and call is annotation.annotated_column[1]:
                module = annotation.annotated_column[0]
        factory = self.sa_name(module, call) if call is not None else None
        if factory == "Field":
            sa_column = call.kwarg("sa_column") if call is not None else None
            if isinstance(sa_column, Call) and self.sa_name(module, sa_column) in COLUMN_FACTORIES:
                return self._column(module, path, assign, sa_column, annotation, base, "declarative")
        if annotation is not None and annotation.inner is not None and call is None or factory == "Field":
            # Bare annotations and SQLModel fields must name a scalar type;
            # a class or a collection means a relationship (or an error).
            if annotation is None or annotation.collection or self._names_model_class(module, annotation.inner):
                return AttributeSpec("unknown")
        column = ColumnInfo(key=assign.target, name=assign.target, type=UNKNOWN_TYPE, path=path, span=assign.span)
        type_expr: Optional[Expr] = None
        has_type_argument = False
        if call is not None and factory in COLUMN_FACTORIES:
            args = list(call.args)
            if args and const_str(args[0]) is not None:
                column.name = const_str(args[0])
                args = args[1:]
            elif args and isinstance(args[0], Const) and args[0].value is None:
                args = args[1:]
            for arg in args:
                arg_name = self.sa_name(module, arg) if isinstance(arg, Call) else None
                if arg_name == FOREIGN_KEY and isinstance(arg, Call):
                    column.foreign_keys.append(self.foreign_key(module, path, arg))
                elif arg_name in _COLUMN_ARGUMENT_CALLS:
                    continue
                elif type_expr is None and not has_type_argument:
                    has_type_argument = True
                    type_expr = arg
            if call.has_kwarg("type_"):
                has_type_argument = True
                type_expr = call.kwarg("type_")
                if is_const_none(type_expr):
                    column.explicit_none_type = True
            name_kw = call.kwarg("name")
            if name_kw is not None:
                column.name = const_str(name_kw)
            key_kw = call.kwarg("key")
            if key_kw is not None:
                column.explicit_key = const_str(key_kw)
                if column.explicit_key is None:
                    column.name = None  # a computed key: the column cannot be looked up
            if call.has_star:
                has_type_argument = True
        elif call is not None and factory == "Field":
            fk = const_str(call.kwarg("foreign_key"))
            if fk is not None and call.span is not None:
                ref = ForeignKeyRef(path, call.kwarg("foreign_key").span or call.span, target_text=fk,  # type: ignore[union-attr]
                                    ondelete=const_str(call.kwarg("ondelete")), constraint_id=new_constraint_id(),
                                    ondelete_absent=not call.has_kwarg("ondelete") and not call.has_star)
                column.foreign_keys.append(ref)
            if call.has_kwarg("sa_type"):
                has_type_argument = True
                type_expr = call.kwarg("sa_type")
            kwargs = call.kwarg("sa_column_kwargs")
            if kwargs is not None:
                column.name = None
                from ormlint.expr import Dict as DictExpr

                if isinstance(kwargs, DictExpr) and not kwargs.has_unpack:
                    column.name = assign.target
                    for key, val in kwargs.items:
                        if const_str(key) == "name":
                            column.name = const_str(val)
        if call is not None:
            self._column_flags(module, column, call, factory)
            column.defaults = tuple((k, v) for k, v in call.kwargs if k in ("default", "onupdate", "default_factory"))
            column.factory = factory
        column.module = module
        if annotation is not None and annotation.mapped and annotation.annotated_column is None and not (call is not None and call.has_kwarg("primary_key")):
            column.may_be_key = self._outside_alias(annotation.module or module, annotation.inner)
        if has_type_argument:
            if not column.explicit_none_type:
                column.type = self.resolve_type(module, type_expr)
        elif annotation is not None and annotation.inner is not None:
            column.type = self.annotation_type(annotation.module or module, annotation.inner, base)
            if column.type.family == "string" and call is not None and factory == "Field":
                max_length = call.kwarg("max_length")
                if isinstance(max_length, Const) and isinstance(max_length.value, int):
                    column.type = ColumnType(column.type.display, "string", max_length.value)
            if style == "sqlmodel" and column.type.family == "string":
                column.type = ColumnType("AutoString", "string", column.type.size)
            if column.foreign_keys and factory in ("mapped_column", "Column"):
                # `x: Mapped[str] = mapped_column(ForeignKey("t.id"))`: SQLAlchemy
                # reads no SQL type from the annotation of a column with a
                # ForeignKey (`_init_column_for_annotation`); the target's type
                # is taken. The annotation only types the Python side.
                column.sql_type_from_foreign_key = True
        elif column.foreign_keys:
            column.type_from_foreign_key = True
        elif factory == "Column" or factory == "mapped_column" and annotation is None:
            column.missing_type = True
        if column.nullable is None and annotation is not None and (annotation.mapped or style == "sqlmodel"):
            column.nullable = annotation.optional and not column.primary_key
        if column.nullable is None and factory == "Column":
            column.nullable = not column.primary_key
        return AttributeSpec("column", column=column)

    def _outside_alias(self, module: str, expr: Optional[Expr]) -> bool:
        """`expr` names something of a library that is not a module of types
        ormlint knows (`_TYPE_MODULES`): it may be an `Annotated` alias
        carrying a `mapped_column(...)` ormlint cannot read."""
        if not isinstance(expr, Name):
            return False
        symbol = self.symbols.resolve_expr(module, expr)
        return isinstance(symbol, External) and symbol.root not in _TYPE_MODULES

    def _names_model_class(self, module: str, expr: Optional[Expr]) -> bool:
        if isinstance(expr, Name):
            symbol = self.symbols.resolve_expr(module, expr)
            if isinstance(symbol, ClassRef):
                analysis = self.bases.analyze(symbol)
                return analysis is None or analysis.base is not None or not analysis.is_enum and analysis.unresolved
            if symbol is None:
                return True
        return not isinstance(expr, Name)

    def _column_flags(self, module: str, column: ColumnInfo, call: Call, factory: Optional[str]) -> None:
        for flag in ("primary_key", "index", "unique"):
            value = const_bool(call.kwarg(flag))
            if value is not None:
                setattr(column, flag, value)
                if flag == "index":
                    column.index_declined = not value
        nullable = call.kwarg("nullable")
        if nullable is not None:
            column.nullable = const_bool(nullable)

    def foreign_key(self, module: str, path: str, call: Call) -> ForeignKeyRef:
        span = call.span
        assert span is not None
        target = call.args[0] if call.args else call.kwarg("column")
        ref = ForeignKeyRef(path, span, ondelete=const_str(call.kwarg("ondelete")), constraint_id=new_constraint_id(),
                            ondelete_absent=not call.has_kwarg("ondelete") and not call.has_star)
        text = const_str(target)
        if text is not None:
            ref.target_text = text
        elif isinstance(target, (Name, Lambda)):
            ref.pending = (module, target.body if isinstance(target, Lambda) else target)
        else:
            ref.target_known = False
        return ref


def _merge_columns(annotated: Call, explicit: Optional[Call]) -> Call:
    """`Mapped[intpk] = mapped_column(...)`: the explicit call's arguments win."""
    if explicit is None:
        return annotated
    kwargs = dict(annotated.kwargs)
    kwargs.update(explicit.kwargs)
    args = explicit.args if explicit.args else annotated.args
    return Call(explicit.func, args, tuple(kwargs.items()), explicit.has_star or annotated.has_star, explicit.span)


def _type_display(expr: Expr) -> str:
    if isinstance(expr, Name):
        return expr.last
    if isinstance(expr, Call) and isinstance(expr.func, Name):
        parts = []
        for arg in expr.args:
            if isinstance(arg, Const):
                parts.append(repr(arg.value))
            elif isinstance(arg, Name):
                parts.append(arg.last)
            else:
                parts.append("...")
        for key, value in expr.kwargs:
            parts.append(f"{key}={value.value!r}" if isinstance(value, Const) else f"{key}=...")
        return f"{expr.func.last}({', '.join(parts)})"
    return "?"


def symbol_is(symbol: Optional[Symbol], name: str) -> bool:
    return sqlalchemy_name(symbol) == name
