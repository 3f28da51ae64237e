"""The resolved schema records that rules read: tables, columns, keys, relationships."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ormlint.expr import Call, Expr, Span
from ormlint.facts import FunctionFact


@dataclass(frozen=True)
class ColumnType:
    """A column type as far as ormlint could resolve it."""

    display: str  # `String(100)`, `Integer`, `Mapped[str]`
    family: Optional[str]  # None: unknown
    size: Optional[int] = None  # integer byte width or string length
    # A project TypeDecorator: stored as its `impl` (`family`), but which Python
    # values it takes is its own (`process_bind_param` may join a list).
    decorated: bool = False
    # A `Mutable` type (`MutableDict.as_mutable(JSON)`): the value an instance
    # gets is coerced into a new tracking object, never the default itself.
    mutable_wrapper: bool = False

    @property
    def known(self) -> bool:
        return self.family is not None


@dataclass(eq=False)
class ForeignKeyRef:
    """One `ForeignKey(...)` / `foreign_key=` target."""

    path: str
    span: Span
    # Exactly one of these describes the target:
    target_text: Optional[str] = None  # 'users.id' / 'billing.invoices.id'
    target_column: Optional["ColumnInfo"] = None  # ForeignKey(User.id) resolved
    target_known: bool = True  # False: a form ormlint cannot follow
    ondelete: Optional[str] = None
    # No `ondelete=` at all (and no `**kwargs` that could carry one).
    ondelete_absent: bool = False
    # A `ForeignKey(User.id)`-style target, resolved once every class is known.
    pending: Optional[tuple[str, Expr]] = None
    # Columns of one ForeignKeyConstraint share an id; a column-level
    # ForeignKey has one of its own.
    constraint_id: int = 0
    column: Optional["ColumnInfo"] = None

    def split_target(self) -> Optional[tuple[Optional[str], str, str]]:
        """('schema' or None, 'table', 'column') of a textual target."""
        if self.target_text is None:
            return None
        parts = self.target_text.split(".")
        if len(parts) == 2:
            return None, parts[0], parts[1]
        if len(parts) == 3:
            return parts[0], parts[1], parts[2]
        return None


@dataclass(eq=False)
class ColumnInfo:
    key: str  # attribute name (the column name for `Table()` columns)
    name: Optional[str]  # database column name; None when computed
    type: ColumnType
    path: str
    span: Span  # the statement; rules report at span.line
    table: Optional["TableInfo"] = None
    foreign_keys: list[ForeignKeyRef] = field(default_factory=list)
    primary_key: bool = False
    nullable: Optional[bool] = None
    index: bool = False
    # `index=False` written out: the author decided this column has no index
    # of its own (often because another index covers it).
    index_declined: bool = False
    unique: bool = False
    # The column states no type and none can be inferred (ORM114 material).
    missing_type: bool = False
    explicit_none_type: bool = False
    # The column gives no type of its own (it takes the ForeignKey target's).
    type_from_foreign_key: bool = False
    # Only an annotation types it (`Mapped[str] = mapped_column(ForeignKey(...))`):
    # `type` is the annotation's, the database column has the ForeignKey target's.
    sql_type_from_foreign_key: bool = False
    owner_class: Optional[str] = None  # qualified class name, for messages
    # The mixin or base class whose body declares the column, when not the owner's own.
    declared_in: Optional[str] = None
    explicit_key: Optional[str] = None  # `Column(..., key="uid")`
    # `default=`, `onupdate=`, `default_factory=` as written, the module to
    # resolve them in, and the factory (`Column`, `mapped_column`, `Field`).
    defaults: tuple[tuple[str, Expr], ...] = ()
    module: str = ""
    factory: Optional[str] = None
    ondelete: Optional[str] = None
    # `Mapped[StrPK]` with `StrPK` from a library ormlint cannot read: an alias
    # `Annotated[str, mapped_column(primary_key=True)]` would make it a key.
    may_be_key: bool = False

    @property
    def column_key(self) -> Optional[str]:
        """The key of `table.c`: what ForeignKey strings and constraint strings name."""
        return self.explicit_key or self.name

    @property
    def label(self) -> str:
        owner = self.owner_class or (self.table.name if self.table else "?")
        return f"{owner}.{self.key}"

    @property
    def typed_by_foreign_key(self) -> bool:
        """The database column has its ForeignKey target's type: it gives none
        (`type_from_foreign_key`) or only an annotation (`sql_type_from_foreign_key`)."""
        return self.type_from_foreign_key or self.sql_type_from_foreign_key

    @property
    def definition_label(self) -> str:
        """`Mixin.created_at` for a mixin's column, as its definition is written
        (for what is wrong on that line whatever class uses it); else `label`."""
        return f"{self.declared_in}.{self.key}" if self.declared_in else self.label


@dataclass(eq=False)
class ConstraintInfo:
    kind: str  # Index, UniqueConstraint, PrimaryKeyConstraint, ForeignKeyConstraint
    columns: tuple[Optional[str], ...]  # None for a column given as an expression
    path: str
    span: Span
    name: Optional[str] = None
    ref_columns: tuple[Optional[str], ...] = ()  # ForeignKeyConstraint targets
    # Dialect options (`postgresql_where=`, `postgresql_ops=`...), or a
    # `unique=` that cannot be read: a partial or special index, never a
    # duplicate of a plain one.
    qualified: bool = False
    # `Index(..., unique=True)`: a unique index, as strong as a UniqueConstraint.
    unique: bool = False


@dataclass(eq=False)
class TableInfo:
    name: Optional[str]  # None: computed, unknown
    schema: Optional[str]
    metadata: str  # metadata identity
    path: str
    span: Span  # `class X(...)` or `Table(` line
    defined_by: str  # class qualname or `Table` variable
    module: str = ""
    columns: list[ColumnInfo] = field(default_factory=list)
    constraints: list[ConstraintInfo] = field(default_factory=list)
    # False when some columns may be missing from `columns` (reflection,
    # unresolved mixins, computed `__table_args__`...).
    complete: bool = True
    # False when an index or constraint may exist that ormlint cannot see
    # (computed `__table_args__`, a base class it cannot read).
    constraints_known: bool = True
    extend_existing: bool = False
    mapped_class: Optional["MappedClass"] = None
    # False when `schema` may be wrong: `__table_args__` computed by a function
    # ormlint cannot follow (`auto_table_args(cls)`).
    schema_known: bool = True

    def column(self, key: str) -> Optional[ColumnInfo]:
        """The column `table.c[key]` finds (SQLAlchemy resolves ForeignKey and
        constraint strings by column key: the `key=` given, else the name)."""
        for col in self.columns:
            if col.column_key == key:
                return col
        return None

    def column_named(self, name: str) -> Optional[ColumnInfo]:
        """The column with this database name."""
        for col in self.columns:
            if col.name == name:
                return col
        return None

    @property
    def display(self) -> str:
        if self.schema:
            return f"{self.schema}.{self.name}"
        return self.name or "?"


@dataclass(eq=False)
class RelationshipInfo:
    key: str
    owner: "MappedClass"
    path: str
    span: Span
    call: Optional[Call]
    # The target as written: a class name string, or a dotted class name.
    target_text: Optional[str]
    target: Optional["MappedClass"] = None
    # resolved / missing / ambiguous / unknown
    target_status: str = "unknown"
    target_candidates: tuple["MappedClass", ...] = ()
    backref: Optional[str] = None
    backref_call: Optional[Call] = None
    back_populates: Optional[str] = None
    # `back_populates=cls.__tablename__`: given, but not as a literal.
    back_populates_unknown: bool = False
    secondary: Optional[Expr] = None
    has_join_condition: bool = False  # primaryjoin= or foreign_keys=
    viewonly: bool = False
    overlaps: frozenset[str] = frozenset()
    cascade: Optional[str] = None
    single_parent: bool = False
    uselist: Optional[bool] = None
    # Created by another class's `backref=`.
    from_backref: Optional["RelationshipInfo"] = None
    # String arguments (`order_by="..."`, ...) for ORM116.
    string_refs: tuple[tuple[str, str], ...] = ()
    # Set when the relationship's `target_text` resolves as a string lookup.
    by_string: bool = False
    module: str = ""
    secondary_table: Optional["TableInfo"] = None
    # none / resolved / unknown
    secondary_status: str = "none"
    has_secondary_join: bool = False
    has_remote_side: bool = False
    passive_deletes: bool = False
    # What a non-string target resolved to, until every class is known.
    target_symbol: Optional[object] = None

    @property
    def label(self) -> str:
        return f"{self.owner.name}.{self.key}"


@dataclass(eq=False)
class MappedClass:
    module: str
    name: str
    path: str
    span: Span
    base_key: str  # declarative base identity
    registry: str
    metadata: str
    style: str  # declarative / flask / sqlmodel
    table: Optional[TableInfo] = None  # the table it maps (own or a parent's)
    own_table: bool = False
    parent: Optional["MappedClass"] = None
    children: list["MappedClass"] = field(default_factory=list)
    inheritance: Optional[str] = None  # None / single / joined
    # Columns by attribute key, own and inherited from mixins/abstract bases.
    columns: dict[str, ColumnInfo] = field(default_factory=dict)
    relationships: dict[str, RelationshipInfo] = field(default_factory=dict)
    # Every attribute name the class body and its non-mapped ancestors bind.
    attribute_names: set[str] = field(default_factory=set)
    # Mapper properties that are neither columns nor relationships
    # (column_property, synonym, composite, association_proxy...).
    properties: set[str] = field(default_factory=set)
    # False when bases, mixins or attributes could not all be resolved.
    complete: bool = True
    # False when columns may be missing: unresolved bases or mixins, attributes
    # that cannot be interpreted, `setattr(cls, ...)`. (Attributes set on
    # instances, by `setattr(self, ...)` in a dict-like `update()`, leave the
    # class's attributes open, `complete`, but add no column to its table.)
    columns_complete: bool = True
    # The `__init__` methods the class and its project ancestors (mixins, mapped
    # parents, the declarative base) define, in method resolution order: the
    # first one runs when the class is called. None: an ancestor could not be read.
    constructors: Optional[tuple[FunctionFact, ...]] = ()
    is_declarative_2: bool = False
    # MappedAsDataclass: plain annotations are unmapped dataclass fields.
    dataclass_style: bool = False
    # `query_class = X` (on the class or an ancestor) with a project class X that
    # overrides how a query is made or run (`__iter__`, `__new__`...): Flask-
    # SQLAlchemy's `Model.query` may then add conditions to every query.
    filtering_query_class: bool = False
    allow_unmapped: bool = False
    table_name_known: bool = True
    has_table_override: bool = False  # `__table__ = ...`
    mapper_primary_key: bool = False  # `__mapper_args__` names primary_key

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"

    def ancestors(self) -> list["MappedClass"]:
        found: list[MappedClass] = []
        current = self.parent
        while current is not None and current not in found:
            found.append(current)
            current = current.parent
        return found

    def descendants(self) -> list["MappedClass"]:
        found: list[MappedClass] = []
        stack = list(self.children)
        while stack:
            child = stack.pop()
            if child not in found:
                found.append(child)
                stack.extend(child.children)
        return found

    def all_columns(self) -> dict[str, ColumnInfo]:
        merged: dict[str, ColumnInfo] = {}
        for ancestor in reversed(self.ancestors()):
            merged.update(ancestor.columns)
        merged.update(self.columns)
        return merged

    def all_relationships(self) -> dict[str, RelationshipInfo]:
        merged: dict[str, RelationshipInfo] = {}
        for ancestor in reversed(self.ancestors()):
            merged.update(ancestor.relationships)
        merged.update(self.relationships)
        return merged

    def hierarchy(self) -> list["MappedClass"]:
        """The class, its mapped ancestors and its mapped descendants."""
        return [self, *self.ancestors(), *self.descendants()]

    def all_attribute_names(self) -> set[str]:
        names = set(self.attribute_names)
        for ancestor in self.ancestors():
            names |= ancestor.attribute_names
        return names
