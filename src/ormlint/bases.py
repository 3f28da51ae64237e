"""Which classes are declarative bases, mapped models, mixins or neither."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ormlint.expr import Call, Const, Dict, Expr, Name, Seq, Subscript, const_bool, const_str, span_line, span_col
from ormlint.facts import ClassFact
from ormlint.knowledge import (
    DECLARATIVE_BASE_CLASSES,
    DECLARATIVE_BASE_FACTORIES,
    KNOWN_EXTERNAL_MIXINS,
    NEUTRAL_LIBRARY_BASES,
    TYPE_DECORATOR_BASES,
)
from ormlint.symbols import AttrOf, ClassRef, External, FlaskModel, Symbol, SymbolTable, ValueRef, sqlalchemy_name

# External roots whose classes never add mapped attributes.
_NEUTRAL_ROOTS = frozenset({"typing", "typing_extensions", "abc", "builtins"})


@dataclass
class DeclarativeBaseInfo:
    key: str
    style: str  # declarative / flask / sqlmodel
    registry: str
    metadata: str
    display: str
    is_declarative_2: bool = False
    # `cls=` of declarative_base(): a project class whose attributes every model gets.
    extra_ancestors: tuple[ClassRef, ...] = ()
    # `type_annotation_map` entries: (module, annotation expr, type expr).
    type_annotation_map: tuple[tuple[str, Expr, Expr], ...] = ()
    root: Optional[ClassRef] = None


@dataclass
class ClassAnalysis:
    ref: ClassRef
    fact: ClassFact
    base: Optional[DeclarativeBaseInfo] = None
    is_root: bool = False
    project_parents: list[ClassRef] = field(default_factory=list)
    # Some base could not be resolved, or resolves outside what ormlint knows.
    unresolved: bool = False
    abstract: bool = False
    sqlmodel_table: bool = False
    is_type_decorator: bool = False
    is_enum: bool = False
    # Attributes that known library mixins (flask_login.UserMixin) add.
    external_attributes: set[str] = field(default_factory=set)
    # Project parents listed after the base that brings the declarative base
    # (`class Service(BASE, CommonMixin)`): the base comes first in the MRO, so
    # its attributes (`metadata`) hide theirs.
    parents_after_base: list[ClassRef] = field(default_factory=list)

    def body_value(self, name: str) -> Optional[Expr]:
        """The value of the class body's last assignment to `name` (the one in
        effect, as Python runs the body top to bottom; an ORM112 when it
        replaces another)."""
        value: Optional[Expr] = None
        for assign in self.fact.body:
            if assign.target == name:
                value = assign.value
        return value

    def defines(self, name: str) -> bool:
        return any(a.target == name for a in self.fact.body) or any(f.name == name for f in self.fact.functions)


class BaseResolver:
    def __init__(self, symbols: SymbolTable) -> None:
        self.symbols = symbols
        self._analyses: dict[ClassRef, Optional[ClassAnalysis]] = {}
        self._value_bases: dict[ValueRef, Optional[DeclarativeBaseInfo]] = {}
        self._root_bases: dict[ClassRef, DeclarativeBaseInfo] = {}
        self._root_bases_in_progress: set[ClassRef] = set()
        # The default schema of each MetaData made with `schema=` (by identity):
        # its tables without a schema of their own are in it. "?" when computed.
        self.metadata_schemas: dict[str, str] = {}

    # -- metadata -------------------------------------------------------
    def metadata_key(self, module: str, expr: Optional[Expr]) -> Optional[str]:
        """Identity of the MetaData an expression denotes, or None."""
        if isinstance(expr, Call):
            target = self.symbols.call_target(module, expr)
            if sqlalchemy_name(target) == "MetaData" and expr.span is not None:
                return self._noting_schema(f"inline:{module}:{span_line(expr.span)}:{span_col(expr.span)}", expr)
            return None
        symbol = self.symbols.resolve_expr(module, expr)
        return self.metadata_of_symbol(symbol)

    def _noting_schema(self, key: str, call: Call) -> str:
        """`key`, after noting the default schema of `MetaData(schema=...)`."""
        if call.has_kwarg("schema"):
            self.metadata_schemas[key] = const_str(call.kwarg("schema")) or "?"
        return key

    def metadata_keys(self, module: str, value: Expr) -> Optional[list[str]]:
        """Identities of the MetaData a value names (Alembic's `target_metadata`):
        one MetaData expression, or a list or tuple of them; None when one of
        them cannot be resolved."""
        items = value.items if isinstance(value, Seq) and not value.starred else (value,)
        keys = [self.metadata_key(module, item) for item in items]
        return None if None in keys else [key for key in keys if key is not None]

    def metadata_of_symbol(self, symbol: Optional[Symbol]) -> Optional[str]:
        if isinstance(symbol, ValueRef):
            assign = self.symbols.assignment(symbol)
            if assign is not None and isinstance(assign.value, Call):
                target = self.symbols.call_target(symbol.module, assign.value)
                if sqlalchemy_name(target) == "MetaData":
                    return self._noting_schema(f"metadata:{symbol.module}.{symbol.name}", assign.value)
            return None
        if isinstance(symbol, AttrOf) and symbol.attr == "metadata":
            base = self.base_of_symbol(symbol.owner)
            return base.metadata if base is not None else None
        if isinstance(symbol, External) and symbol.qualname == "sqlmodel.SQLModel.metadata":
            return "sqlmodel"
        return None

    # -- bases ----------------------------------------------------------
    def base_of_symbol(self, symbol: Optional[Symbol]) -> Optional[DeclarativeBaseInfo]:
        if isinstance(symbol, ValueRef):
            if self.symbols.is_flask_db(symbol):
                return self.flask_base(symbol)
            return self.value_base(symbol)
        if isinstance(symbol, FlaskModel):
            return self.flask_base(symbol.db)
        if isinstance(symbol, ClassRef):
            analysis = self.analyze(symbol)
            return analysis.base if analysis is not None else None
        if isinstance(symbol, External) and symbol.qualname == "sqlmodel.SQLModel":
            return self.sqlmodel_base()
        return None

    def flask_base(self, db: ValueRef) -> DeclarativeBaseInfo:
        key = f"flask:{db.module}.{db.name}"
        return DeclarativeBaseInfo(key, "flask", key, key, f"{db.name}.Model")

    def sqlmodel_base(self) -> DeclarativeBaseInfo:
        return DeclarativeBaseInfo("sqlmodel", "sqlmodel", "sqlmodel", "sqlmodel", "SQLModel")

    def value_base(self, ref: ValueRef) -> Optional[DeclarativeBaseInfo]:
        if ref in self._value_bases:
            return self._value_bases[ref]
        self._value_bases[ref] = None
        result: Optional[DeclarativeBaseInfo] = None
        assign = self.symbols.assignment(ref)
        value = self._uncast(ref.module, assign.value) if assign is not None else None
        if isinstance(value, Call):
            target = self.symbols.call_target(ref.module, value)
            name = sqlalchemy_name(target)
            key = f"base:{ref.module}.{ref.name}"
            if name in DECLARATIVE_BASE_FACTORIES:
                metadata = key
                if value.has_kwarg("metadata"):
                    metadata = self.metadata_key(ref.module, value.kwarg("metadata")) or f"unknown:{key}"
                extra: tuple[ClassRef, ...] = ()
                cls_symbol = self.symbols.resolve_expr(ref.module, value.kwarg("cls"))
                if isinstance(cls_symbol, ClassRef):
                    extra = (cls_symbol,)
                result = DeclarativeBaseInfo(key, "declarative", key, metadata, ref.name, extra_ancestors=extra)
            elif isinstance(target, AttrOf) and target.attr == "generate_base":
                registry = self.registry_key(target.owner)
                if registry is not None:
                    result = DeclarativeBaseInfo(key, "declarative", registry[0], registry[1], ref.name)
        self._value_bases[ref] = result
        return result

    def _uncast(self, module: str, value: Optional[Expr]) -> Optional[Expr]:
        """`cast(DeclarativeMeta, declarative_base())` (osparc-simcore, for type
        checkers): `typing.cast` returns its second argument unchanged."""
        if isinstance(value, Call) and len(value.args) == 2 and not value.kwargs:
            target = self.symbols.call_target(module, value)
            if isinstance(target, External) and target.qualname in ("typing.cast", "typing_extensions.cast"):
                return value.args[1]
        return value

    def registry_of(self, module: str, expr: Expr, depth: int = 0) -> Optional[tuple[str, str]]:
        """(registry, metadata) identities of an existing registry an expression
        names: another base's `registry` attribute (`Base.registry`), a `registry()`
        object, or a variable holding either."""
        symbol = self.symbols.resolve_expr(module, expr)
        if isinstance(symbol, AttrOf) and symbol.attr == "registry":
            if isinstance(symbol.owner, ClassRef) and symbol.owner in self._root_bases_in_progress:
                return None  # bases naming each other's registry: not resolved
            base = self.base_of_symbol(symbol.owner)
            return (base.registry, base.metadata) if base is not None else None
        if isinstance(symbol, ValueRef) and depth < 5:
            made = self.registry_key(symbol)
            if made is not None:
                return made
            assign = self.symbols.assignment(symbol)
            if assign is not None and assign.value is not None and not isinstance(assign.value, Call):
                return self.registry_of(symbol.module, assign.value, depth + 1)
        return None

    def registry_key(self, symbol: Symbol) -> Optional[tuple[str, str]]:
        """(registry, metadata) identities of a `registry()` object."""
        if not isinstance(symbol, ValueRef):
            return None
        assign = self.symbols.assignment(symbol)
        if assign is None or not isinstance(assign.value, Call):
            return None
        if sqlalchemy_name(self.symbols.call_target(symbol.module, assign.value)) != "registry":
            return None
        key = f"registry:{symbol.module}.{symbol.name}"
        metadata = key
        if assign.value.has_kwarg("metadata"):
            metadata = self.metadata_key(symbol.module, assign.value.kwarg("metadata")) or f"unknown:{key}"
        return key, metadata

    def root_base(self, ref: ClassRef, fact: ClassFact) -> DeclarativeBaseInfo:
        found = self._root_bases.get(ref)
        if found is not None:
            return found
        key = f"base:{ref.qualname}"
        metadata: Optional[str] = None
        registry = key
        registry_metadata = key
        annotation_map: tuple[tuple[str, Expr, Expr], ...] = ()
        self._root_bases_in_progress.add(ref)
        try:
            for assign in fact.body:
                if assign.target == "metadata" and assign.value is not None:
                    metadata = self.metadata_key(ref.module, assign.value) or key
                elif assign.target == "registry" and assign.value is not None:
                    if isinstance(assign.value, Call) and assign.value.has_kwarg("metadata"):
                        registry_metadata = self.metadata_key(ref.module, assign.value.kwarg("metadata")) or key
                    elif not isinstance(assign.value, Call):
                        # `registry = COMMON_ORM_REGISTRY` (renku): the bases share one
                        # registry, so string targets resolve across them.
                        shared = self.registry_of(ref.module, assign.value)
                        if shared is not None:
                            registry, registry_metadata = shared
                elif assign.target == "type_annotation_map" and isinstance(assign.value, Dict):
                    annotation_map = tuple((ref.module, k, v) for k, v in assign.value.items)
        finally:
            self._root_bases_in_progress.discard(ref)
        info = DeclarativeBaseInfo(
            key, "declarative", registry, metadata or registry_metadata, ref.name, is_declarative_2=True,
            type_annotation_map=annotation_map, root=ref,
        )
        self._root_bases[ref] = info
        return info

    # -- classes --------------------------------------------------------
    def analyze(self, ref: ClassRef) -> Optional[ClassAnalysis]:
        if ref in self._analyses:
            return self._analyses[ref]
        self._analyses[ref] = None  # breaks inheritance cycles
        fact = self.symbols.class_fact(ref)
        if fact is None:
            return None
        analysis = ClassAnalysis(ref, fact)
        self._analyze_bases(analysis)
        abstract = const_bool(analysis.body_value("__abstract__"))
        analysis.abstract = bool(abstract)
        for key, value in fact.keywords:
            if key == "table":
                analysis.sqlmodel_table = const_bool(value) is True
        for decorator in fact.decorators:
            target = decorator.func if isinstance(decorator, Call) else decorator
            name = sqlalchemy_name(self.symbols.resolve_expr(ref.module, target))
            if name == "as_declarative":
                analysis.is_root = True
                key = f"base:{ref.qualname}"
                analysis.base = DeclarativeBaseInfo(key, "declarative", key, key, ref.name, root=ref)
            elif name == "mapped" or (isinstance(target, Name) and target.last == "mapped_as_dataclass"):
                analysis.unresolved = True
        self._analyses[ref] = analysis
        return analysis

    def _analyze_bases(self, analysis: ClassAnalysis) -> None:
        ref, fact = analysis.ref, analysis.fact
        for base_expr in fact.bases:
            base_seen = analysis.base is not None
            if isinstance(base_expr, Subscript):  # Generic[T], SomeBase[int]
                base_expr = base_expr.value
            symbol = self.symbols.resolve_expr(ref.module, base_expr)
            if isinstance(symbol, External):
                name = symbol.last
                if sqlalchemy_name(symbol) in DECLARATIVE_BASE_CLASSES:
                    analysis.is_root = True
                    analysis.base = self.root_base(ref, fact)
                elif symbol.qualname == "sqlmodel.SQLModel":
                    analysis.base = analysis.base or self.sqlmodel_base()
                elif sqlalchemy_name(symbol) in TYPE_DECORATOR_BASES:
                    analysis.is_type_decorator = True
                elif symbol.root == "enum":
                    analysis.is_enum = True
                elif name in NEUTRAL_LIBRARY_BASES or symbol.root in _NEUTRAL_ROOTS:
                    continue
                elif symbol.qualname in KNOWN_EXTERNAL_MIXINS:
                    analysis.external_attributes |= KNOWN_EXTERNAL_MIXINS[symbol.qualname]
                else:
                    analysis.unresolved = True
            elif isinstance(symbol, FlaskModel):
                analysis.base = analysis.base or self.flask_base(symbol.db)
            elif isinstance(symbol, ValueRef):
                base = self.value_base(symbol)
                if base is None:
                    analysis.unresolved = True
                else:
                    analysis.base = analysis.base or base
            elif isinstance(symbol, ClassRef):
                parent = self.analyze(symbol)
                if parent is None:
                    analysis.unresolved = True
                    continue
                analysis.project_parents.append(symbol)
                if base_seen and parent.base is None:
                    analysis.parents_after_base.append(symbol)
                if parent.unresolved:
                    analysis.unresolved = True
                if parent.is_type_decorator:
                    analysis.is_type_decorator = True
                if parent.is_enum:
                    analysis.is_enum = True
                if parent.base is not None:
                    analysis.base = analysis.base or parent.base
            else:
                analysis.unresolved = True

    def uses_dataclass_mixin(self, ref: ClassRef) -> bool:
        fact = self.symbols.class_fact(ref)
        if fact is None:
            return False
        for base in fact.bases:
            symbol = self.symbols.resolve_expr(ref.module, base.value if isinstance(base, Subscript) else base)
            if sqlalchemy_name(symbol) == "MappedAsDataclass":
                return True
        return any(f.name == "__sa_dataclass_metadata_key__" for f in fact.functions) or any(
            sqlalchemy_name(self.symbols.resolve_expr(ref.module, d.func if isinstance(d, Call) else d)) == "mapped_as_dataclass"
            for d in fact.decorators
        )

    def mro(self, ref: ClassRef) -> list[ClassRef]:
        """Project ancestors in method resolution order, the class first."""
        order: list[ClassRef] = []

        def visit(current: ClassRef, depth: int) -> None:
            if depth > 50:
                return
            order.append(current)
            analysis = self.analyze(current)
            if analysis is None:
                return
            for parent in analysis.project_parents:
                visit(parent, depth + 1)
            if analysis.base is not None and analysis.base.root is None:
                for extra in analysis.base.extra_ancestors:
                    visit(extra, depth + 1)

        visit(ref, 0)
        # Keep the last occurrence of each class: the C3 order for the usual
        # diamond-free hierarchies of models and mixins.
        seen: set[ClassRef] = set()
        result: list[ClassRef] = []
        for item in reversed(order):
            if item not in seen:
                seen.add(item)
                result.append(item)
        result.reverse()
        return result


def literal_table_name(value: Optional[Expr]) -> Optional[str]:
    return const_str(value)


def is_const_none(expr: Optional[Expr]) -> bool:
    return isinstance(expr, Const) and expr.value is None
