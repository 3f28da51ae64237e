"""Build the project index: every mapped class, table, column, key and relationship.

Input: the `ModuleFacts` of every file. Output: a `ProjectIndex` that rules
read. Anything that cannot be resolved with certainty is marked (incomplete
tables, unknown targets, open metadata) so that rules can stay silent on it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Optional

from ormlint.bases import BaseResolver, ClassAnalysis, DeclarativeBaseInfo, literal_table_name
from ormlint.columns import ColumnInterpreter, new_constraint_id
from ormlint.creation import Creation, project_creation, table_of_symbol
from ormlint.dialects import ProjectDatabases, project_databases
from ormlint.expr import Call, Const, Dict, Expr, Lambda, Name, Seq, Span, const_bool, const_str
from ormlint.imports import ImportGraph
from ormlint.module_aliases import module_aliases
from ormlint.facts import AssignFact, ClassFact, FunctionFact, ModuleFacts
from ormlint.knowledge import BACKREF_FACTORIES, COLUMN_FACTORIES, CONSTRAINT_FACTORIES, TABLE_FACTORY, snake_case, snake_case_v2
from ormlint.schema import ColumnInfo, ConstraintInfo, ForeignKeyRef, MappedClass, RelationshipInfo, TableInfo
from ormlint.symbols import AttrOf, ClassRef, FunctionRef, SymbolTable, ValueRef, sqlalchemy_name

_DIALECTS = frozenset({"postgresql", "mysql", "mariadb", "sqlite", "mssql", "oracle"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


@dataclass
class ProjectIndex:
    modules: dict[str, ModuleFacts]
    classes: list[MappedClass] = field(default_factory=list)
    tables: list[TableInfo] = field(default_factory=list)
    # Table names seen where ormlint could not tell the metadata or the class
    # for certain: a ForeignKey naming one of them is never reported.
    uncertain_table_names: set[str] = field(default_factory=set)
    # Metadata identities with a table whose name or existence is unknown.
    open_metadata: set[str] = field(default_factory=set)
    # Every class name (any file, any nesting) and module-level name.
    project_names: set[str] = field(default_factory=set)
    # The quoted names and class names of the files that could not be parsed:
    # what they may define (a table, a class, a revision id) is unknown.
    unparsed_names: set[str] = field(default_factory=set)
    class_by_qualname: dict[str, MappedClass] = field(default_factory=dict)
    bases: dict[str, DeclarativeBaseInfo] = field(default_factory=dict)
    # Declared-but-unmapped annotations: (class, assign) for ORM119.
    unmapped_annotations: list[tuple[MappedClass, AssignFact]] = field(default_factory=list)
    # Duplicate attribute assignments in a class body: (class, first, second).
    duplicate_assignments: list[tuple[MappedClass, AssignFact, AssignFact]] = field(default_factory=list)
    reserved_metadata: list[tuple[MappedClass, str, Span]] = field(default_factory=list)
    # Relationships that declare `backref=` (resolved targets only).
    backref_sources: list[RelationshipInfo] = field(default_factory=list)
    # Tables reachable by name for `secondary=` strings and variables.
    table_vars: dict[str, TableInfo] = field(default_factory=dict)
    imports: Optional[ImportGraph] = None
    symbols: Optional[SymbolTable] = None
    # Leading-column lists of indexes Alembic revisions create, by table name.
    migration_indexes: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    # The databases the project's imports name (`ormlint.dialects`).
    databases: ProjectDatabases = ProjectDatabases()
    # What the project creates (`ormlint.creation`): a table it never creates
    # belongs to a database something else writes.
    creation: Creation = Creation()
    # The default schema of each MetaData made with `schema=`, by identity ("?": computed).
    metadata_schemas: dict[str, str] = field(default_factory=dict)
    _table_lookup: Optional[tuple[int, dict[tuple[str, Optional[str]], list[TableInfo]]]] = field(default=None, repr=False)
    _class_lookup: Optional[tuple[int, dict[tuple[str, str], list[MappedClass]]]] = field(default=None, repr=False)

    def all_columns(self) -> Iterator[ColumnInfo]:
        """Every column of every table, once (STI subclasses share their parent's)."""
        seen: set[int] = set()
        for table in self.tables:
            for column in table.columns:
                if id(column) not in seen:
                    seen.add(id(column))
                    yield column

    def tables_in(self, metadata: str) -> list[TableInfo]:
        return [t for t in self.tables if t.metadata == metadata]

    def _by_key(self) -> dict[tuple[str, Optional[str]], list[TableInfo]]:
        """Tables by (metadata, name), rebuilt when tables were added: lookups
        stay constant-time on projects with thousands of tables."""
        if self._table_lookup is None or self._table_lookup[0] != len(self.tables):
            grouped: dict[tuple[str, Optional[str]], list[TableInfo]] = {}
            for table in self.tables:
                grouped.setdefault((table.metadata, table.name), []).append(table)
            self._table_lookup = (len(self.tables), grouped)
        return self._table_lookup[1]

    def find_tables(self, metadata: str, name: str, schema: Optional[str]) -> list[TableInfo]:
        """Tables a ForeignKey string `[schema.]name.column` can reach.

        An unqualified reference only reaches tables without a schema of their
        own; a qualified one also reaches tables whose schema comes from the
        MetaData (recorded as None)."""
        found = []
        for table in self._by_key().get((metadata, name), ()):
            if table.schema is not None and table.schema != schema:
                continue
            found.append(table)
        return found

    def classes_named(self, registry: str, name: str, near: Optional[str] = None) -> list[MappedClass]:
        """Mapped classes of a registry called `name` (or at module path `name`),
        restricted to those loaded in one process with module `near`."""
        if "." in name:
            found = [c for c in self.classes if c.registry == registry and (c.qualname == name or c.qualname.endswith("." + name))]
        else:
            if self._class_lookup is None or self._class_lookup[0] != len(self.classes):
                grouped: dict[tuple[str, str], list[MappedClass]] = {}
                for mapped in self.classes:
                    grouped.setdefault((mapped.registry, mapped.name), []).append(mapped)
                self._class_lookup = (len(self.classes), grouped)
            found = list(self._class_lookup[1].get((registry, name), ()))
        if near is not None and self.imports is not None:
            found = [c for c in found if self.imports.coloaded(near, c.module)]
        return found

    def coloaded(self, first: str, second: str) -> bool:
        return self.imports is None or self.imports.coloaded(first, second)


class IndexBuilder:
    def __init__(self, modules: dict[str, ModuleFacts]) -> None:
        self.modules = modules
        self.aliases = module_aliases(modules)
        self.symbols = SymbolTable(modules, self.aliases)
        self.bases = BaseResolver(self.symbols)
        self.columns = ColumnInterpreter(self.symbols, self.bases)
        self.index = ProjectIndex(modules)
        self._mapped: dict[ClassRef, Optional[MappedClass]] = {}
        self._table_vars: dict[ValueRef, TableInfo] = {}
        self._above_bases: dict[str, set[ClassRef]] = {}  # `_above_base`, by base key

    # -- entry point ----------------------------------------------------
    def build(self) -> ProjectIndex:
        self.index.imports = ImportGraph(self.modules, self.aliases)
        self.index.symbols = self.symbols
        self.index.databases = project_databases(self.modules.values())
        for module in sorted(self.modules):
            facts = self.modules[module]
            self.index.project_names.update(facts.all_class_names)
            self.index.project_names.update(a.target for a in facts.assignments if "." not in a.target)
            self.index.project_names.update(local for local, _, _, _, _ in facts.imports)
            self.index.project_names.update(name for _, _, name, _, _ in facts.imports if name)
            if facts.holds_past_schema:
                continue
            for cls in facts.classes:
                self.mapped_class(ClassRef(module, cls.name))
        for module in sorted(self.modules):
            if self.modules[module].holds_past_schema:
                continue
            self._module_tables(module)
            self._attached_attributes(module)
        self._resolve_pending_foreign_keys()
        for module in sorted(self.modules):
            facts = self.modules[module]
            if facts.is_migration:
                for created in facts.migration_indexes:
                    self.index.migration_indexes.setdefault(created.table, []).append(created.columns)
                # Indexes of literal SQL (`op.execute("CREATE INDEX ...")`), also
                # those it may create (under a condition).
                for op in facts.migration_ops:
                    if op.names and not op.partial and (op.kind == "index" or op.kind == "uncertain" and op.other == "constraints"):
                        self.index.migration_indexes.setdefault(op.table, []).append(op.names)
            else:
                self._module_indexes(module)
        self._follow_renamed_tables()
        self.index.creation = project_creation(
            self.modules.items(), self.symbols, self.bases, table_of_symbol(self._table_of_class, self._table_vars),
        )
        for mapped in self.index.classes:
            for rel in mapped.relationships.values():
                self._resolve_target(rel)
        for mapped in list(self.index.classes):
            for rel in list(mapped.relationships.values()):
                self._add_backref(rel)
        self.index.metadata_schemas = self.bases.metadata_schemas
        return self.index

    def _follow_renamed_tables(self) -> None:
        """Indexes a revision created on a table keep serving it under the name a
        later `op.rename_table(old, new)` gives it (OpenHands renames
        `gitlab-webhook` to `gitlab_webhook`). Only where the names say which
        table is which without ordering the revisions: `old` created at most
        once, `new` never created, each renamed from and to once. A name used
        again for a new table (SuperAGI renames `agent_workflows` away and
        creates another) could otherwise lend its indexes to the wrong table."""
        ops = [op for facts in self.modules.values() if facts.is_migration for op in facts.migration_ops]
        created = Counter(op.table for op in ops if op.kind == "create_table")
        renames = [(op.table, op.other) for op in ops if op.kind == "rename_table" and op.table and op.other]
        sources, targets = Counter(old for old, _ in renames), Counter(new for _, new in renames)
        renames = [
            (old, new) for old, new in renames
            if created[old] <= 1 and not created[new] and sources[old] == 1 and targets[new] == 1
        ]
        indexes = self.index.migration_indexes
        for _ in range(len(renames)):  # a table renamed twice: `a` -> `b` -> `c`
            changed = False
            for old, new in renames:
                for columns in indexes.get(old, []):
                    if columns not in indexes.setdefault(new, []):
                        indexes[new].append(columns)
                        changed = True
            if not changed:
                break

    # -- classes --------------------------------------------------------
    def _table_of_class(self, ref: ClassRef) -> Optional[TableInfo]:
        mapped = self._mapped.get(ref)
        return mapped.table if mapped is not None else None

    def mapped_class(self, ref: ClassRef) -> Optional[MappedClass]:
        if ref in self._mapped:
            return self._mapped[ref]
        self._mapped[ref] = None
        analysis = self.bases.analyze(ref)
        if analysis is None or analysis.base is None or analysis.is_root:
            self._note_uncertain(ref, analysis)
            return None
        base = analysis.base
        self.index.bases[base.key] = base
        if analysis.abstract:
            return None
        if base.style == "sqlmodel" and not analysis.sqlmodel_table:
            return None
        parent: Optional[MappedClass] = None
        for parent_ref in analysis.project_parents:
            candidate = self.mapped_class(parent_ref)
            if candidate is not None:
                parent = parent or candidate
        facts = self.modules[ref.module]
        mapped = MappedClass(
            module=ref.module, name=ref.name, path=facts.path, span=analysis.fact.span,
            base_key=base.key, registry=base.registry, metadata=self._class_metadata(analysis, base),
            style=base.style, parent=parent, complete=not analysis.unresolved and not analysis.fact.dynamic_attributes,
            is_declarative_2=base.is_declarative_2,
        )
        mapped.columns_complete = not analysis.unresolved and not analysis.fact.dynamic_class_attributes
        mro = self.bases.mro(ref)
        mapped.dataclass_style = any(self.bases.uses_dataclass_mixin(a) for a in mro)
        mapped.constructors = self._constructors(mro)
        mapped.filtering_query_class = self._filtering_query_class(mro)
        ancestors = [a for a in mro[1:] if self._mapped.get(a) is None and not self._is_mapped_ancestor(a)]
        # Attributes of the class itself and of its non-mapped ancestors
        # (mixins, abstract bases, SQLModel data models), nearest last.
        sources: list[ClassAnalysis] = []
        for ancestor in reversed(ancestors):
            ancestor_analysis = self.bases.analyze(ancestor)
            if ancestor_analysis is not None:
                sources.append(ancestor_analysis)
        sources.append(analysis)
        self._mapped[ref] = mapped
        self.index.classes.append(mapped)
        self.index.class_by_qualname[mapped.qualname] = mapped
        if parent is not None:
            parent.children.append(mapped)
        self._collect_attributes(mapped, sources, analysis)
        self._assign_table(mapped, sources, analysis, base)
        return mapped

    def _constructors(self, mro: list[ClassRef]) -> Optional[tuple[FunctionFact, ...]]:
        found: list[FunctionFact] = []
        after_base: set[ClassRef] = set()
        for ref in mro:
            analysis = self.bases.analyze(ref)
            if analysis is None:
                return None
            found.extend(f for f in analysis.fact.functions if f.name == "__init__")
            after_base.update(a for parent in analysis.parents_after_base for a in self.bases.mro(parent))
        # `class Metric(Base, Mixin)`: the declarative base comes before the mixin
        # in the MRO, so SQLAlchemy's constructor (or the base's) runs, not the
        # mixin's `__init__`; which one ormlint would have to follow C3 to say.
        if any(f.name == "__init__" for ref in after_base for f in self._functions_of(ref)):
            return None
        return tuple(found)

    def _filtering_query_class(self, mro: list[ClassRef]) -> bool:
        """`query_class = X` in the nearest class of `mro` that sets it, where X
        (or a project class it derives from) overrides `_QUERY_HOOKS`."""
        for ref in mro:
            analysis = self.bases.analyze(ref)
            value = analysis.body_value("query_class") if analysis is not None else None
            if value is None:
                continue
            query_class = self.symbols.resolve_expr(ref.module, value)
            if not isinstance(query_class, ClassRef):
                return False
            return any(f.name in _QUERY_HOOKS for a in self.bases.mro(query_class) for f in self._functions_of(a))
        return False

    def _functions_of(self, ref: ClassRef) -> tuple[FunctionFact, ...]:
        analysis = self.bases.analyze(ref)
        return analysis.fact.functions if analysis is not None else ()

    def _is_mapped_ancestor(self, ref: ClassRef) -> bool:
        return self.mapped_class(ref) is not None

    def _note_uncertain(self, ref: ClassRef, analysis: Optional[ClassAnalysis]) -> None:
        """A class ormlint cannot place may still map a table: remember its name."""
        if analysis is None or analysis.is_root or analysis.base is not None and not analysis.unresolved:
            return
        name = literal_table_name(analysis.body_value("__tablename__"))
        if name is not None:
            self.index.uncertain_table_names.add(name)

    def _class_metadata(self, analysis: ClassAnalysis, base: DeclarativeBaseInfo) -> str:
        bind_key = const_str(analysis.body_value("__bind_key__"))
        if base.style == "flask" and bind_key:
            return f"{base.metadata}[{bind_key}]"
        return base.metadata

    def _collect_attributes(self, mapped: MappedClass, sources: list[ClassAnalysis], own: ClassAnalysis) -> None:
        base_info = own.base
        for source in sources:
            facts = self.modules[source.ref.module]
            mapped.attribute_names.update(a.target for a in source.fact.body)
            mapped.attribute_names.update(f.name for f in source.fact.functions)
            mapped.attribute_names.update(source.fact.nested_classes)
            mapped.attribute_names.update(source.external_attributes)
            mapped.attribute_names.update(source.fact.class_method_attributes)
            if source.fact.dynamic_attributes or source.unresolved:
                mapped.complete = False
            if source.fact.dynamic_class_attributes or source.unresolved:
                mapped.columns_complete = False
            for assign in source.fact.body:
                self._add_attribute(mapped, source.ref.module, facts.path, assign, base_info, own_body=source is own, scope=source.fact)
            for function in source.fact.functions:
                if not self._is_declared_attr(source.ref.module, function.decorators):
                    continue
                if function.name.startswith("__"):
                    continue
                if function.returns is None:
                    mapped.complete = mapped.columns_complete = False
                    continue
                assign = AssignFact(function.name, function.returns, function.return_annotation, function.span)
                spec = self._add_attribute(mapped, source.ref.module, facts.path, assign, base_info, own_body=False, scope=source.fact)
                if spec == "unknown":
                    mapped.complete = mapped.columns_complete = False
        if own.defines("__allow_unmapped__"):
            mapped.allow_unmapped = True
        for ancestor_source in sources:
            if const_bool(ancestor_source.body_value("__allow_unmapped__")):
                mapped.allow_unmapped = True
        self._duplicates(mapped, own)
        above_base = self._above_base(base_info)
        hidden = self._hidden_by_base(own)
        for source in sources:
            if source.is_root or source.ref in above_base or source.ref in hidden:
                # A declarative base may set its MetaData as `metadata`, and the
                # one it makes replaces what a class above it has there
                # (`declarative_base(cls=CommonBase)`, `CommonBase.metadata = None`);
                # a mixin listed after the base is hidden by it.
                continue
            path = self.modules[source.ref.module].path
            for assign in source.fact.body:
                # `metadata = MetaData(...)` (an `__abstract__` base's own
                # MetaData, as the declarative docs show) is what the name is for;
                # a mixin's `metadata = None` is not mapped, and a class whose
                # `metadata` is None gets its registry's MetaData.
                if assign.target != "metadata" or (source is not own and _is_none(assign.value)):
                    continue
                if assign.value is None or self.sa_call_name(source.ref.module, assign.value) != "MetaData":
                    self.index.reserved_metadata.append((mapped, path, assign.span))
            for function in source.fact.functions:
                if function.name == "metadata":
                    self.index.reserved_metadata.append((mapped, path, function.span))

    def _hidden_by_base(self, own: ClassAnalysis) -> set[ClassRef]:
        """Mixins that come after the declarative base in the class's MRO
        (`class Service(BASE, CommonMixin)`), and their own ancestors, less
        what a parent listed before the base also brings."""
        if not own.parents_after_base:
            return set()
        after = {ref for parent in own.parents_after_base for ref in self.bases.mro(parent)}
        before = {ref for parent in own.project_parents if parent not in own.parents_after_base for ref in self.bases.mro(parent)}
        return after - before

    def _above_base(self, base: Optional[DeclarativeBaseInfo]) -> set[ClassRef]:
        """The classes a declarative base derives from: those of its `cls=`, or
        those above its root class."""
        if base is None:
            return set()
        above = self._above_bases.get(base.key)
        if above is None:
            above = self._above_bases[base.key] = set()
            for extra in base.extra_ancestors:
                above.update(self.bases.mro(extra))
            if base.root is not None:
                above.update(ref for ref in self.bases.mro(base.root) if ref != base.root)
        return above

    def _duplicates(self, mapped: MappedClass, own: ClassAnalysis) -> None:
        seen: dict[str, AssignFact] = {}
        for assign in own.fact.body:
            # A definition under `if`/`try` (one per branch, or an override
            # that only some runs make) may well be the only one that runs.
            if assign.value is None or assign.conditional:
                continue
            first = seen.get(assign.target)
            if first is not None:
                self.index.duplicate_assignments.append((mapped, first, assign))
            seen[assign.target] = assign

    def _is_declared_attr(self, module: str, decorators: tuple[Expr, ...]) -> bool:
        for decorator in decorators:
            target = decorator.func if isinstance(decorator, Call) else decorator
            if isinstance(target, Name):
                dotted = target.dotted
                if dotted.endswith(".directive") or dotted.endswith(".cascading"):
                    dotted = dotted.rsplit(".", 1)[0]
                if sqlalchemy_name(self.symbols.resolve(module, dotted)) == "declared_attr":
                    return True
        return False

    def _borrowed_attribute(self, module: str, assign: AssignFact) -> Optional[tuple[str, AssignFact]]:
        """For `name = Other.name` in a class body, `Other` a project class whose
        body assigns `name` a value: (Other's module, that assignment, as if
        written here). None otherwise."""
        value = assign.value
        if not isinstance(value, Name) or "." not in value.dotted or assign.annotation is not None:
            return None
        owner, _, attribute = value.dotted.rpartition(".")
        symbol = self.symbols.resolve(module, owner)
        if not isinstance(symbol, ClassRef):
            return None
        fact = self.symbols.class_fact(symbol)
        if fact is None:
            return None
        found = [a for a in fact.body if a.target == attribute and a.value is not None]
        if len(found) != 1 or found[0].conditional:
            return None
        source = found[0]
        return symbol.module, AssignFact(assign.target, source.value, source.annotation, assign.span, assign.conditional)

    def _add_attribute(
        self, mapped: MappedClass, module: str, path: str, assign: AssignFact,
        base: Optional[DeclarativeBaseInfo], own_body: bool, scope: Optional[ClassFact] = None,
    ) -> str:
        if assign.target.startswith("__") and assign.target.endswith("__"):
            return "special"
        borrowed = self._borrowed_attribute(module, assign)
        if borrowed is not None:
            # `id = BaseMixin.id` (zou): the very column the other class's body
            # declares, read where it is written.
            module, assign = borrowed
        spec = self.columns.interpret(module, path, assign, base, mapped.style)
        if spec.kind == "column" and spec.column is not None:
            column = spec.column
            column.owner_class = mapped.name
            if not own_body and scope is not None and borrowed is None:
                column.declared_in = scope.name
            mapped.columns[assign.target] = column
        elif spec.kind == "relationship" and spec.relationship is not None:
            mapped.columns.pop(assign.target, None)
            call = self._expand_star_kwargs(module, spec.relationship.call, scope)
            mapped.relationships[assign.target] = self._relationship(mapped, module, path, assign, call)
        else:
            mapped.columns.pop(assign.target, None)
            mapped.relationships.pop(assign.target, None)
            if spec.kind == "property":
                mapped.properties.add(assign.target)
            if spec.kind == "unknown":
                # An attribute ormlint cannot interpret may be a column.
                mapped.complete = mapped.columns_complete = False
            # (An annotation under `if TYPE_CHECKING:` never reaches the class.)
            if own_body and spec.kind == "other" and assign.value is None and not assign.conditional:
                self._check_unmapped_annotation(mapped, module, assign)
        if own_body and spec.kind in ("column", "relationship") and isinstance(assign.value, Call):
            # `nickname: str = mapped_column(...)` / `friend: "User" = relationship()`
            # (a plain `Column()` keeps working under a non-Mapped annotation).
            if self.sa_call_name(module, assign.value) in ("mapped_column", "relationship"):
                self._check_unmapped_annotation(mapped, module, assign)
        return spec.kind

    def _check_unmapped_annotation(self, mapped: MappedClass, module: str, assign: AssignFact) -> None:
        if assign.annotation is None or not mapped.is_declarative_2 or mapped.dataclass_style:
            return
        info = self.columns.unwrap_annotation(module, assign.annotation)
        if not info.mapped and not info.class_var:
            self.index.unmapped_annotations.append((mapped, assign))

    # -- relationships --------------------------------------------------
    def _expand_star_kwargs(self, module: str, call: Optional[Call], scope: Optional[ClassFact]) -> Optional[Call]:
        """`relationship(X, **common_args)` with a literal dict in the class body or module;
        SQLModel's `Relationship(sa_relationship_kwargs={...}, cascade_delete=True,
        link_model=Link)` (the link model's table is the `secondary`), and
        `Relationship(sa_relationship=relationship(...))`, which SQLModel uses as given."""
        if call is not None and call.has_kwarg("sa_relationship"):
            given = call.kwarg("sa_relationship")
            if isinstance(given, Call):
                return self._expand_star_kwargs(module, given, scope)
            return Call(call.func, call.args, call.kwargs, True, call.span, call.star_kwargs, call.star_args)  # unknown options
        if call is not None and any(call.has_kwarg(k) for k in ("sa_relationship_kwargs", "cascade_delete", "link_model")):
            kwargs = [(k, v) for k, v in call.kwargs if k not in ("sa_relationship_kwargs", "cascade_delete", "link_model")]
            link_model = call.kwarg("link_model")
            if isinstance(link_model, Name):
                kwargs.append(("secondary", Name(f"{link_model.dotted}.__table__", link_model.span)))
            elif link_model is not None:
                kwargs.append(("secondary", link_model))  # unknown: relationship rules stay silent
            extra = call.kwarg("sa_relationship_kwargs")
            has_star = call.has_star
            if isinstance(extra, Dict) and not extra.has_unpack and all(const_str(k) is not None for k, _ in extra.items):
                kwargs.extend((const_str(k) or "", v) for k, v in extra.items)
            elif extra is not None:
                has_star = True  # options ormlint cannot read
            if const_bool(call.kwarg("cascade_delete")) is True:
                kwargs.append(("cascade", Const("all, delete-orphan")))
            call = Call(call.func, call.args, tuple(kwargs), has_star, call.span, call.star_kwargs, call.star_args)
        if call is None or not call.star_kwargs:
            return call
        kwargs = list(call.kwargs)
        for star in call.star_kwargs:
            value: Optional[Expr] = None
            if isinstance(star, Name) and "." not in star.dotted:
                if scope is not None:
                    value = next((a.value for a in scope.body if a.target == star.dotted), None)
                if value is None:
                    symbol = self.symbols.resolve(module, star.dotted)
                    assign = self.symbols.assignment(symbol) if isinstance(symbol, ValueRef) else None
                    value = assign.value if assign is not None else None
            if not isinstance(value, Dict) or value.has_unpack or any(const_str(k) is None for k, _ in value.items):
                return call
            kwargs.extend((const_str(k) or "", v) for k, v in value.items)
        return Call(call.func, call.args, tuple(kwargs), call.star_args, call.span)
    def _relationship(self, mapped: MappedClass, module: str, path: str, assign: AssignFact, call: Optional[Call]) -> RelationshipInfo:
        rel = RelationshipInfo(key=assign.target, owner=mapped, path=path, span=assign.span, call=call, target_text=None, module=module)
        target: Optional[Expr] = None
        if call is not None:
            target = call.args[0] if call.args else call.kwarg("argument")
        if isinstance(target, Lambda):
            target = target.body
        if target is None and assign.annotation is not None:
            info = self.columns.unwrap_annotation(module, assign.annotation)
            target = info.inner
        text = const_str(target)
        if text is not None:
            rel.target_text = text
            rel.by_string = True
        elif isinstance(target, Name):
            rel.target_text = target.dotted
            if target.from_string:
                rel.by_string = True
            else:
                symbol = self.symbols.resolve_expr(module, target)
                rel.target_status = "pending"
                rel.target_symbol = symbol
        if call is None:
            return rel
        backref = call.kwarg("backref")
        if const_str(backref) is not None:
            rel.backref = const_str(backref)
        elif isinstance(backref, Call) and sqlalchemy_name(self.symbols.call_target(module, backref)) in BACKREF_FACTORIES:
            rel.backref = const_str(backref.args[0]) if backref.args else None
            rel.backref_call = backref
        back_populates = call.kwarg("back_populates")
        # `back_populates=""` is none at all: SQLAlchemy tests the name for truth.
        rel.back_populates = const_str(back_populates) or None
        rel.back_populates_unknown = (
            back_populates is not None and const_str(back_populates) is None and not _is_none(back_populates)
        )
        rel.secondary = call.kwarg("secondary") or (call.args[1] if len(call.args) > 1 else None)
        rel.has_secondary_join = call.has_kwarg("secondaryjoin")
        rel.has_remote_side = call.has_kwarg("remote_side")
        rel.passive_deletes = call.kwarg("passive_deletes") is not None and const_bool(call.kwarg("passive_deletes")) is not False
        rel.has_join_condition = call.has_kwarg("primaryjoin") or call.has_kwarg("foreign_keys") or call.has_star
        rel.viewonly = const_bool(call.kwarg("viewonly")) is True
        overlaps = const_str(call.kwarg("overlaps"))
        if overlaps:
            rel.overlaps = frozenset(part.strip() for part in overlaps.split(",") if part.strip())
        rel.cascade = const_str(call.kwarg("cascade"))
        rel.single_parent = const_bool(call.kwarg("single_parent")) is True
        rel.uselist = const_bool(call.kwarg("uselist"))
        refs = []
        for key in ("secondary", "order_by", "primaryjoin", "secondaryjoin", "foreign_keys", "remote_side"):
            value = const_str(call.kwarg(key))
            if value is not None:
                refs.append((key, value))
        rel.string_refs = tuple(refs)
        return rel

    def _resolve_secondary(self, rel: RelationshipInfo) -> None:
        expr = rel.secondary
        if expr is None:
            return
        rel.secondary_status = "unknown"
        if isinstance(expr, Lambda):
            expr = expr.body
        text = const_str(expr)
        if text is not None:
            schema, _, name = text.rpartition(".")
            found = self.index.find_tables(rel.owner.metadata, name, schema or None)
            if len(found) == 1:
                rel.secondary_table, rel.secondary_status = found[0], "resolved"
            return
        symbol = self.symbols.resolve_expr(rel.module, expr)
        if isinstance(symbol, ValueRef) and symbol in self._table_vars:
            rel.secondary_table, rel.secondary_status = self._table_vars[symbol], "resolved"
        elif isinstance(symbol, AttrOf) and symbol.attr == "__table__" and isinstance(symbol.owner, ClassRef):
            mapped = self._mapped.get(symbol.owner)
            if mapped is not None and mapped.table is not None:
                rel.secondary_table, rel.secondary_status = mapped.table, "resolved"

    def _resolve_target(self, rel: RelationshipInfo) -> None:
        self._resolve_secondary(rel)
        registry = rel.owner.registry
        if rel.target_status == "pending":
            symbol = rel.target_symbol
            target = self._mapped.get(symbol) if isinstance(symbol, ClassRef) else None
            if target is not None:
                rel.target, rel.target_status = target, "resolved"
            else:
                rel.target_status = "unknown"
            return
        if not rel.by_string or rel.target_text is None:
            return
        name = rel.target_text
        candidates = self.index.classes_named(registry, name, near=rel.module)
        if not candidates and self.index.classes_named(registry, name):
            rel.target_status = "unknown"  # mapped only in modules never loaded with this one
            return
        if len(candidates) == 1:
            rel.target, rel.target_status = candidates[0], "resolved"
        elif len(candidates) > 1:
            rel.target_status, rel.target_candidates = "ambiguous", tuple(candidates)
        else:
            last = name.rsplit(".", 1)[-1]
            if last in self.index.project_names or not _IDENTIFIER.fullmatch(name):
                rel.target_status = "unknown"
                # A class of that name exists but is mapped elsewhere or not
                # certainly mapped; record other registries for the message.
                others = [c for c in self.index.classes if c.name == last and c.registry != registry]
                if others and self._registry_closed(registry):
                    rel.target_status, rel.target_candidates = "other-registry", tuple(others)
            else:
                rel.target_status = "missing"

    def _registry_closed(self, registry: str) -> bool:
        """True when every class that could join the registry is known."""
        return all(c.complete for c in self.index.classes if c.registry == registry)

    def _add_backref(self, rel: RelationshipInfo) -> None:
        if rel.backref is None or rel.target is None:
            return
        target = rel.target
        existing = target.relationships.get(rel.backref)
        created = RelationshipInfo(
            key=rel.backref, owner=target, path=rel.path, span=rel.span, call=rel.backref_call,
            target_text=rel.owner.name, target=rel.owner, target_status="resolved", from_backref=rel,
        )
        if rel.backref_call is not None:
            call = rel.backref_call
            created.has_join_condition = call.has_kwarg("primaryjoin") or call.has_kwarg("foreign_keys")
            created.cascade = const_str(call.kwarg("cascade"))
            created.single_parent = const_bool(call.kwarg("single_parent")) is True
            created.uselist = const_bool(call.kwarg("uselist"))
            created.viewonly = const_bool(call.kwarg("viewonly")) is True
            created.passive_deletes = call.kwarg("passive_deletes") is not None and const_bool(call.kwarg("passive_deletes")) is not False
        created.has_join_condition = created.has_join_condition or rel.has_join_condition
        created.secondary = rel.secondary
        created.viewonly = created.viewonly or rel.viewonly
        if existing is None and rel.backref not in target.columns:
            target.relationships[rel.backref] = created
        self.index.backref_sources.append(rel)
        target.attribute_names.add(rel.backref)

    # -- tables ---------------------------------------------------------
    def _assign_table(self, mapped: MappedClass, sources: list[ClassAnalysis], own: ClassAnalysis, base: DeclarativeBaseInfo) -> None:
        table_override = own.body_value("__table__")
        if table_override is not None:
            mapped.has_table_override = True
            mapped.complete = mapped.columns_complete = False
            table = self._table_from_call(own.ref.module, table_override, mapped.path, default_metadata=mapped.metadata)
            if table is not None:
                table.mapped_class = mapped
                mapped.table = table
                mapped.own_table = True
            return
        name, name_known, origin = self._table_name(mapped, sources, own, base)
        mapped.table_name_known = name_known
        own_pk = any(c.primary_key for c in mapped.columns.values())
        if mapped.parent is not None:
            # A subclass of a mapped class shares its parent's table unless it
            # names its own (joined inheritance); a name that only comes from
            # a generator counts when the class declares its own primary key,
            # as Flask-SQLAlchemy decides.
            if origin == "own":
                single = name is None and name_known
            else:
                single = not own_pk
            if single:
                mapped.inheritance = "single"
                mapped.table = mapped.parent.table
                if mapped.table is not None:
                    for column in mapped.columns.values():
                        column.table = mapped.table
                        mapped.table.columns.append(column)
                return
            mapped.inheritance = "joined"
        if not name_known:
            self.index.open_metadata.add(mapped.metadata)
        if name is None and name_known:
            # No table ormlint can see: SQLAlchemy refuses the class, or
            # something ormlint cannot follow names it.
            mapped.table_name_known = False
            self.index.open_metadata.add(mapped.metadata)
            return
        args = self._table_args(own, sources)
        table = TableInfo(
            name=name if name_known else None, schema=args.get("schema"), metadata=mapped.metadata, path=mapped.path,
            span=mapped.span, defined_by=mapped.qualname, complete=mapped.columns_complete, mapped_class=mapped,
            module=mapped.module,
        )
        table.extend_existing = bool(args.get("extend_existing"))
        table.schema_known = not args.get("schema_unknown")
        for column in _table_order(mapped, own):
            column.table = table
            table.columns.append(column)
        constraints = args.get("constraints")
        table.constraints_known = constraints is not None and not any(src.unresolved for src in sources)
        if constraints is None:
            table.complete = False
        else:
            self._add_constraints(table, constraints, {key: col.column_key for key, col in mapped.columns.items()})
        mapped.table = table
        mapped.own_table = True
        mapped_args = own.body_value("__mapper_args__")
        if isinstance(mapped_args, Dict):
            mapped.mapper_primary_key = any(const_str(k) == "primary_key" for k, _ in mapped_args.items)
        elif mapped_args is not None:
            mapped.mapper_primary_key = True  # unknown: assume it may name one
        self.index.tables.append(table)

    def _table_name(
        self, mapped: MappedClass, sources: list[ClassAnalysis], own: ClassAnalysis, base: DeclarativeBaseInfo
    ) -> tuple[Optional[str], bool, str]:
        """(name, known, source): source is `own` (set on the class itself),
        `inherited` (a mixin, abstract base or declarative root sets it) or
        `generated` (Flask-SQLAlchemy / SQLModel naming) or `none`."""
        # Nearest definition first: the class, then its non-mapped ancestors.
        for source in reversed(sources):
            origin = "own" if source is own else "inherited"
            value = source.body_value("__tablename__")
            if value is not None:
                name = const_str(value)
                if name is None and _is_none(value):
                    return None, True, origin
                return name, name is not None, origin
            for function in source.fact.functions:
                if function.name == "__tablename__":
                    evaluated = self._evaluate_tablename(source.ref.module, function, mapped.name)
                    return evaluated, evaluated is not None, "inherited"
        if base.root is not None:
            root = self.bases.analyze(base.root)
            if root is not None and root not in sources:
                for function in root.fact.functions:
                    if function.name == "__tablename__":
                        evaluated = self._evaluate_tablename(root.ref.module, function, mapped.name)
                        return evaluated, evaluated is not None, "inherited"
        if base.style == "sqlmodel":
            return mapped.name.lower(), True, "generated"
        if base.style == "flask":
            v3, v2 = snake_case(mapped.name), snake_case_v2(mapped.name)
            return v3, v3 == v2, "generated"
        return None, True, "none"

    def _table_args(self, own: ClassAnalysis, sources: list[ClassAnalysis]) -> dict[str, Any]:
        result: dict[str, Any] = {"constraints": []}
        for source in reversed(sources):
            value = source.body_value("__table_args__")
            declared = next((f for f in source.fact.functions if f.name == "__table_args__"), None)
            if declared is not None:
                # `@declared_attr def __table_args__(cls): return (..., {"schema": "x"})`:
                # its constraints may name `cls` attributes; only a literal schema is read.
                computed: dict[str, Any] = {"constraints": None}
                schema = _literal_schema(declared.returns)
                if schema is None:
                    computed["schema_unknown"] = True
                else:
                    computed["schema"] = schema or None
                return computed
            if value is None:
                continue
            split = _split_table_args(value)
            if split is None:
                return {"constraints": None, "schema_unknown": True}  # `auto_table_args(cls)`
            items, options = split
            if options is not None:
                if options.has_unpack:
                    return {"constraints": None, "schema_unknown": True}
                for key, val in options.items:
                    if const_str(key) == "schema":
                        result["schema"] = const_str(val)
                        if const_str(val) is None:
                            result["constraints"] = None
                            result["schema_unknown"] = not _is_none(val)
                    if const_str(key) in ("extend_existing", "keep_existing"):
                        result["extend_existing"] = const_bool(val) is not False
            if result["constraints"] is not None:
                result["constraints"] = [(source.ref.module, self.modules[source.ref.module].path, item) for item in items]
            return result
        return result

    def _add_constraints(
        self, table: TableInfo, items: Iterable[tuple[str, str, Expr]], attribute_keys: Optional[dict[str, Optional[str]]] = None
    ) -> None:
        keys = attribute_keys or {}

        def column_ref(expr: Expr) -> Optional[str]:
            # A string names a column key; a bare name in the class body names
            # the column assigned to that attribute.
            if isinstance(expr, Name) and expr.dotted in keys:
                return keys[expr.dotted]
            return _column_ref_name(expr)

        for module, path, item in items:
            if not isinstance(item, Call):
                table.complete = table.complete and not isinstance(item, (Name,))
                continue
            kind = sqlalchemy_name(self.symbols.call_target(module, item))
            if kind not in CONSTRAINT_FACTORIES:
                if kind is None:
                    table.complete = False
                continue
            assert item.span is not None
            if kind == "Index":
                cols = item.args[1:]
                name = const_str(item.args[0]) if item.args else None
            elif kind == "ForeignKeyConstraint":
                local = item.args[0] if item.args else item.kwarg("columns")
                remote = item.args[1] if len(item.args) > 1 else item.kwarg("refcolumns")
                cols = local.items if isinstance(local, Seq) else ()
                refs = remote.items if isinstance(remote, Seq) else ()
                constraint = ConstraintInfo(kind, tuple(const_str(c) for c in cols), path, item.span,
                                            const_str(item.kwarg("name")), tuple(const_str(r) for r in refs))
                table.constraints.append(constraint)
                self._constraint_foreign_keys(table, constraint, module, item, cols, refs)
                continue
            else:
                cols = item.args
                name = const_str(item.kwarg("name"))
            if item.has_star:
                table.complete = False
            unique = item.kwarg("unique") if kind == "Index" else None
            qualified = (any(key.split("_", 1)[0] in _DIALECTS for key, _ in item.kwargs) or item.has_star
                         # a `unique=` ormlint cannot read: unique or not, it is compared with no other index
                         or unique is not None and const_bool(unique) is None)
            table.constraints.append(ConstraintInfo(kind, tuple(column_ref(c) for c in cols), path, item.span, name,
                                                    qualified=qualified, unique=const_bool(unique) is True))

    def _constraint_foreign_keys(
        self, table: TableInfo, constraint: ConstraintInfo, module: str, call: Call,
        cols: tuple[Expr, ...], refs: tuple[Expr, ...],
    ) -> None:
        constraint_id = new_constraint_id()
        if len(cols) != len(refs) or not cols:
            table.complete = False
            return
        for col_expr, ref_expr in zip(cols, refs):
            name = _column_ref_name(col_expr)
            column = table.column(name) if name else None
            assert call.span is not None
            ref = ForeignKeyRef(constraint.path, call.span, ondelete=const_str(call.kwarg("ondelete")), constraint_id=constraint_id,
                                ondelete_absent=not call.has_kwarg("ondelete") and not call.has_star)
            text = const_str(ref_expr)
            if text is not None:
                ref.target_text = text
            elif isinstance(ref_expr, Name):
                ref.pending = (module, ref_expr)
            else:
                ref.target_known = False
            if column is None:
                table.complete = table.complete and name is not None
                continue
            column.foreign_keys.append(ref)

    def _module_tables(self, module: str) -> None:
        facts = self.modules[module]
        for assign in facts.assignments:
            if "." in assign.target or not isinstance(assign.value, Call):
                continue
            table = self._table_from_call(module, assign.value, facts.path, default_metadata=None)
            if table is not None:
                table.defined_by = f"{module}.{assign.target}"
                self._table_vars[ValueRef(module, assign.target)] = table
                self.index.table_vars[f"{module}.{assign.target}"] = table
            elif isinstance(assign.value.func, Name) and assign.value.func.last == "Table" and assign.value.args:
                # `db.Table("x", ...)` on a `db` ormlint cannot follow (a package
                # wrapping Flask-SQLAlchemy): a table the project may define.
                name = const_str(assign.value.args[0])
                if name is not None:
                    self.index.uncertain_table_names.add(name)
        for call in facts.calls:
            # `Table("users", Base.metadata, Column("id", ...))` as a statement: the
            # table is in the MetaData all the same (agenta's stubs of dropped tables).
            if isinstance(call, Call) and isinstance(call.func, Name) and call.func.last == "Table":
                self._table_from_call(module, call, facts.path, default_metadata=None)

    def _table_from_call(self, module: str, call: Expr, path: str, default_metadata: Optional[str]) -> Optional[TableInfo]:
        if not isinstance(call, Call):
            return None
        target = self.symbols.call_target(module, call)
        if sqlalchemy_name(target) != TABLE_FACTORY:
            return None
        assert call.span is not None
        name = const_str(call.args[0]) if call.args else const_str(call.kwarg("name"))
        second = call.args[1] if len(call.args) > 1 else call.kwarg("metadata")
        metadata = self.bases.metadata_key(module, second) if second is not None else None
        start = 2
        if metadata is None and default_metadata is not None:
            metadata = default_metadata
        if metadata is None:
            # `db.Table("x", db.Column(...))`: Flask-SQLAlchemy supplies db.metadata.
            db_ref = self._flask_owner(module, call.func)
            if db_ref is not None and (second is None or self.sa_call_name(module, second) in COLUMN_FACTORIES | CONSTRAINT_FACTORIES):
                metadata = f"flask:{db_ref.module}.{db_ref.name}"
                start = 1
        schema = const_str(call.kwarg("schema"))
        table = TableInfo(name=name, schema=schema, metadata=metadata or f"unknown:{module}", path=path, span=call.span,
                          defined_by=module, module=module)
        if metadata is None or name is None:
            if name is not None:
                self.index.uncertain_table_names.add(name)
            if metadata is not None:
                self.index.open_metadata.add(metadata)
            return None
        if call.has_star or call.has_kwarg("autoload_with") or call.has_kwarg("autoload"):
            table.complete = False
            table.constraints_known = False
        table.extend_existing = const_bool(call.kwarg("extend_existing")) is True or const_bool(call.kwarg("keep_existing")) is True
        if not call.args[start:] and not call.has_star:
            # `Table("editors", Base.metadata)` (graphene-sqlalchemy), perhaps with
            # `autoload=True`: no column, so the table the MetaData already holds,
            # looked up rather than defined again (SQLAlchemy's `Table._new`).
            # Its columns are the other definition's, or the database's.
            table.extend_existing = True
            table.complete = False
            table.constraints_known = False
        if call.has_kwarg("schema") and schema is None:
            table.complete = False
        constraint_items: list[tuple[str, str, Expr]] = []
        for arg in call.args[start:]:
            if not isinstance(arg, Call):
                table.complete = False
                continue
            kind = sqlalchemy_name(self.symbols.call_target(module, arg))
            if kind in COLUMN_FACTORIES:
                assign = AssignFact(const_str(arg.args[0]) or "?", arg, None, arg.span or call.span)
                spec = self.columns.interpret(module, path, assign, None, "declarative")
                if spec.column is None or const_str(arg.args[0] if arg.args else None) is None:
                    table.complete = False
                    continue
                column = spec.column
                column.span = arg.span or call.span
                column.table = table
                table.columns.append(column)
            elif kind in CONSTRAINT_FACTORIES:
                constraint_items.append((module, path, arg))
            elif kind not in ("CheckConstraint",):
                table.complete = False
        self._add_constraints(table, constraint_items)
        self.index.tables.append(table)
        return table

    def _evaluate_tablename(self, module: str, function: FunctionFact, class_name: str) -> Optional[str]:
        """Table names from `declared_attr` functions of the common shapes. The
        class is the function's first parameter, `cls` or, as fides names it, `self`."""
        expr = function.returns
        own_name = f"{function.params[0] if function.params else 'cls'}.__name__"
        if isinstance(expr, Name) and expr.dotted == own_name:
            return class_name
        if isinstance(expr, Call) and isinstance(expr.func, Name):
            if not expr.args and expr.func.dotted == f"{own_name}.lower":
                return class_name.lower()
            if len(expr.args) == 1 and isinstance(expr.args[0], Name) and expr.args[0].dotted == own_name:
                helper = self.symbols.resolve_expr(module, expr.func)
                if isinstance(helper, FunctionRef):
                    binding = self.symbols.bindings(helper.module).get(helper.name)
                    if isinstance(binding, FunctionFact) and binding.naming is not None:
                        return self._naming(helper.module, binding.naming, class_name)
            return None
        if function.naming is not None:
            return self._naming(module, function.naming, class_name)
        return None

    def _naming(self, module: str, naming: tuple[str, str, str], class_name: str) -> Optional[str]:
        pattern: Optional[str] = naming[1]
        if naming[1].startswith("var:"):
            symbol = self.symbols.resolve(module, naming[1][4:])
            assign = self.symbols.assignment(symbol) if isinstance(symbol, ValueRef) else None
            value = assign.value if assign is not None else None
            pattern = None
            if isinstance(value, Call) and isinstance(value.func, Name) and value.func.dotted == "re.compile" and value.args:
                pattern = const_str(value.args[0])
        if pattern is None:
            return None
        return _apply_naming(naming, pattern, class_name)

    def _module_indexes(self, module: str) -> None:
        """`Index("ix_users_email", User.email)` at module level."""
        facts = self.modules[module]
        candidates = [a.value for a in facts.assignments if a.value is not None] + list(facts.calls)
        for call in candidates:
            if not isinstance(call, Call) or len(call.args) < 2 or self.sa_call_name(module, call) != "Index":
                continue
            columns = [self._column_of(module, arg) for arg in call.args[1:]]
            first = columns[0]
            if first is None or first.table is None or call.span is None:
                continue
            keys = tuple(c.column_key if c is not None and c.table is first.table else None for c in columns)
            qualified = any(key.split("_", 1)[0] in _DIALECTS for key, _ in call.kwargs) or call.has_star
            first.table.constraints.append(ConstraintInfo("Index", keys, facts.path, call.span, const_str(call.args[0]), qualified=qualified))

    def _flask_owner(self, module: str, func: Expr) -> Optional[ValueRef]:
        if isinstance(func, Name) and "." in func.dotted:
            owner = self.symbols.resolve(module, func.dotted.rsplit(".", 1)[0])
            if isinstance(owner, ValueRef) and self.symbols.is_flask_db(owner):
                return owner
        return None

    def sa_call_name(self, module: str, expr: Expr) -> Optional[str]:
        return sqlalchemy_name(self.symbols.call_target(module, expr)) if isinstance(expr, Call) else None

    def _attached_attributes(self, module: str) -> None:
        """`User.full_name = column_property(...)` after the class body."""
        facts = self.modules[module]
        for assign in facts.assignments:
            if assign.target.count(".") != 1:
                continue
            owner, attr = assign.target.split(".")
            mapped = self._attribute_set_on(module, owner, attr)
            if mapped is None:
                continue
            spec = self.columns.interpret(module, facts.path, AssignFact(attr, assign.value, None, assign.span), None, mapped.style)
            if spec.kind == "relationship" and spec.relationship is not None:
                mapped.relationships[attr] = self._relationship(mapped, module, facts.path, AssignFact(attr, assign.value, None, assign.span), spec.relationship.call)
            elif spec.kind == "column" and spec.column is not None:
                spec.column.owner_class = mapped.name
                mapped.columns[attr] = spec.column
                if mapped.table is not None:
                    spec.column.table = mapped.table
                    mapped.table.columns.append(spec.column)

        # The same inside a function (an application's `init_db()` doing
        # `Base.query = db_session.query_property()`): the attribute exists once
        # it has run. Only its name is taken, never a column or relationship.
        for scope in facts.scopes:
            # The stores first: a comprehension, as there are few among many reads.
            stores = [ref for ref in scope.attributes if ref[3]]
            if not stores or scope.name == "<module>":
                continue  # (the module's are the assignments above)
            declared_global = {name for name, kind, _ in scope.bindings if kind == "global"}
            local = {name for name, _ in scope.params} | {name for name, _, _ in scope.bindings if name not in declared_global}
            for base, attr, _, _, _, _ in stores:
                if base and "." not in base and base not in local:  # not a parameter or local variable
                    self._attribute_set_on(module, base, attr)

    def _attribute_set_on(self, module: str, owner: str, attr: str) -> Optional[MappedClass]:
        """Note `owner.attr = ...`: the mapped class `owner` names has the
        attribute (returned); or, for a declarative base (a base class or a
        `declarative_base()` value, `Base.query = session.query_property()`),
        every model of that base has it."""
        symbol = self.symbols.resolve(module, owner)
        mapped = self._mapped.get(symbol) if isinstance(symbol, ClassRef) else None
        if mapped is not None:
            mapped.attribute_names.add(attr)
        elif isinstance(symbol, (ClassRef, ValueRef)):
            key = f"base:{symbol.module}.{symbol.name}"
            for model in self.index.classes:
                if model.base_key == key:
                    model.attribute_names.add(attr)
        return mapped

    def _resolve_pending_foreign_keys(self) -> None:
        for table in self.index.tables:
            for column in table.columns:
                for ref in column.foreign_keys:
                    ref.column = column
                    if ref.pending is None:
                        continue
                    module, expr = ref.pending
                    ref.target_column = self._column_of(module, expr)
                    ref.target_known = ref.target_column is not None

    def _column_of(self, module: str, expr: Expr) -> Optional[ColumnInfo]:
        symbol = self.symbols.resolve_expr(module, expr)
        if not isinstance(symbol, AttrOf):
            return None
        owner = symbol.owner
        if isinstance(owner, ClassRef):
            mapped = self._mapped.get(owner)
            return mapped.all_columns().get(symbol.attr) if mapped is not None else None
        if isinstance(owner, AttrOf) and owner.attr == "c":
            holder = owner.owner
            if isinstance(holder, ValueRef) and holder in self._table_vars:
                return self._table_vars[holder].column(symbol.attr)
            if isinstance(holder, AttrOf) and holder.attr == "__table__" and isinstance(holder.owner, ClassRef):
                mapped = self._mapped.get(holder.owner)
                if mapped is not None and mapped.table is not None:
                    return mapped.table.column(symbol.attr)
        return None


def _is_none(expr: Optional[Expr]) -> bool:
    return isinstance(expr, Const) and expr.value is None


def _column_ref_name(expr: Expr) -> Optional[str]:
    text = const_str(expr)
    if text is not None:
        return text
    return None


def _apply_naming(naming: tuple[str, str, str], pattern: str, class_name: str) -> Optional[str]:
    """Apply a recognised snake-case helper shape to a class name."""
    try:
        if naming[0] == "split":
            return naming[2].join(part.lower() for part in re.split(pattern, class_name) if part)
        return re.sub(pattern, naming[2], class_name).lower()
    except (re.error, IndexError):
        return None


def _split_table_args(value: Expr) -> Optional[tuple[list[Expr], Optional[Dict]]]:
    """A literal `__table_args__`: (its constraints, its trailing options dict);
    None when it is not a literal tuple or dict (`auto_table_args(cls)`)."""
    if isinstance(value, Dict):
        return [], value
    if isinstance(value, Seq) and not value.starred:
        items = list(value.items)
        last = items[-1] if items else None
        if isinstance(last, Dict):
            return items[:-1], last
        return items, None
    return None


def _literal_schema(value: Optional[Expr]) -> Optional[str]:
    """The schema a `__table_args__` value names: "" for none, None when it
    cannot be read (computed, unpacked, or not a literal)."""
    split = _split_table_args(value) if value is not None else None
    if split is None:
        return None
    items, options = split
    if options is None:
        last = items[-1] if items else None
        if isinstance(last, Call) and isinstance(last.func, Name) and last.func.last == "dict":
            return None  # `(..., dict(schema=...))`
        return ""  # constraints only
    if options.has_unpack:
        return None
    for key, val in options.items:
        if const_str(key) == "schema":
            return const_str(val) if not _is_none(val) else ""
    return ""


# What a query class overrides to change every query it makes: the global
# filter recipes (`__iter__`, `__new__` returning `self.filter(...)`).
_QUERY_HOOKS = frozenset({"__iter__", "__new__", "__init__", "_execute_and_instances", "_compile_context"})


def _table_order(mapped: MappedClass, own: ClassAnalysis) -> list[ColumnInfo]:
    """The columns in the order SQLAlchemy gives the table (and a primary key
    of several `primary_key=True` columns): those of the class body first, as
    written, then those copied from mixins and abstract bases, which the
    declarative scan makes after the body ran (`Parent(Versioned)` with its
    own `id` and the mixin's `start` has the primary key (id, start)). SQLModel
    does the opposite: the fields of its bases first, in the bases' order, then
    those of the class body, also one a base has too (`Membership(MembershipBase)`
    with the base's `user_id` and its own `id` has the primary key (user_id, id);
    checked with SQLModel 0.0.50 on pydantic 2.14)."""
    own_keys = dict.fromkeys(a.target for a in own.fact.body if a.target in mapped.columns)
    own_columns = [mapped.columns[key] for key in own_keys]
    inherited = [c for key, c in mapped.columns.items() if key not in own_keys]
    return inherited + own_columns if mapped.style == "sqlmodel" else own_columns + inherited


def build_index(modules: dict[str, ModuleFacts], unparsed_names: Iterable[str] = ()) -> ProjectIndex:
    builder = IndexBuilder(modules)
    names = set(unparsed_names)
    builder.index.uncertain_table_names |= names
    builder.index.project_names |= names
    builder.index.unparsed_names |= names
    return builder.build()


@dataclass
class ForeignKeyTarget:
    status: str  # resolved / no-table / no-column / unknown
    table: Optional[TableInfo] = None
    column: Optional[ColumnInfo] = None
    elsewhere: tuple[TableInfo, ...] = ()


def foreign_key_target(index: ProjectIndex, ref: ForeignKeyRef, metadata: str, external: frozenset[str] = frozenset()) -> ForeignKeyTarget:
    """Where a ForeignKey points, as far as it can be known."""
    if ref.target_column is not None:
        return ForeignKeyTarget("resolved", ref.target_column.table, ref.target_column)
    parts = ref.split_target()
    if parts is None or metadata.startswith("unknown:"):
        return ForeignKeyTarget("unknown")
    schema, table_name, column_name = parts
    tables = index.find_tables(metadata, table_name, schema)
    if not tables:
        qualified = f"{schema}.{table_name}" if schema else table_name
        if (
            metadata in index.open_metadata
            or table_name in index.uncertain_table_names
            or table_name in external
            or qualified in external
        ):
            return ForeignKeyTarget("unknown")
        elsewhere = tuple(t for t in index.tables if t.name == table_name and t.metadata != metadata)
        return ForeignKeyTarget("no-table", elsewhere=elsewhere)
    if len(tables) > 1:
        return ForeignKeyTarget("unknown")
    table = tables[0]
    column = table.column(column_name)
    if column is None:
        known = table.complete and all(c.column_key is not None for c in table.columns)
        return ForeignKeyTarget("no-column" if known else "unknown", table)
    return ForeignKeyTarget("resolved", table, column)


def foreign_keys_of(table: TableInfo) -> list[ForeignKeyRef]:
    refs: list[ForeignKeyRef] = []
    for column in table.columns:
        refs.extend(column.foreign_keys)
    return refs


def repeated_foreign_key_constraints(index: ProjectIndex, table: TableInfo) -> set[int]:
    """Ids of the foreign key constraints of `table` that repeat an earlier one.

    A constraint repeats another when it links the same local columns to the
    same referenced columns, as when a column's `ForeignKey("parents.id")` is
    restated as `ForeignKeyConstraint(["parent_id"], ["parents.id"])` in
    `__table_args__`. SQLAlchemy's join_condition() counts such constraints as
    one join path; rules about a ForeignKey's target report it once.
    """
    pairs: dict[int, set[tuple[int, object]]] = {}
    for column in table.columns:
        for ref in column.foreign_keys:
            target = foreign_key_target(index, ref, table.metadata)
            # A target ormlint cannot name matches nothing but itself.
            referenced: object = id(target.column) if target.column is not None else ref.target_text or ("ref", id(ref))
            pairs.setdefault(ref.constraint_id, set()).add((id(column), referenced))
    seen: set[frozenset[tuple[int, object]]] = set()
    repeated: set[int] = set()
    for constraint_id, links in pairs.items():
        key = frozenset(links)
        if key in seen:
            repeated.add(constraint_id)
        seen.add(key)
    return repeated


def foreign_key_constraints(index: ProjectIndex, source: TableInfo, target: TableInfo) -> Optional[dict[int, list[ColumnInfo]]]:
    """Foreign key constraints of `source` that reference `target`: id -> local columns.

    None when it cannot be known (an incomplete table, a ForeignKey whose
    target ormlint cannot resolve).
    """
    if not source.complete:
        return None
    repeated = repeated_foreign_key_constraints(index, source)
    found: dict[int, list[ColumnInfo]] = {}
    for column in source.columns:
        for ref in column.foreign_keys:
            if ref.constraint_id in repeated:
                continue
            resolved = foreign_key_target(index, ref, source.metadata)
            if resolved.status == "unknown" or (resolved.status == "no-table" and not ref.target_text):
                return None
            if resolved.table is target:
                found.setdefault(ref.constraint_id, []).append(column)
    return found


def join_constraints(index: ProjectIndex, left: TableInfo, right: TableInfo) -> Optional[dict[int, list[ColumnInfo]]]:
    """The foreign key paths SQLAlchemy's join_condition() would consider between two tables."""
    if not (left.complete and right.complete):
        return None
    forward = foreign_key_constraints(index, right, left)
    if forward is None:
        return None
    if left is right:
        return forward
    backward = foreign_key_constraints(index, left, right)
    if backward is None:
        return None
    merged = dict(forward)
    merged.update(backward)
    return merged


def relationship_direction(index: ProjectIndex, rel: RelationshipInfo) -> Optional[str]:
    """many-to-many / many-to-one / one-to-many from the foreign keys, or None when unknown."""
    if rel.secondary is not None:
        return "many-to-many"
    if rel.has_join_condition or rel.target is None:
        return None
    left, right = rel.owner.table, rel.target.table
    if left is None or right is None:
        return None
    if left is right:
        # Self-referential: `remote_side` makes it many-to-one.
        paths = foreign_key_constraints(index, left, left)
        if paths is not None and len(paths) == 1:
            return "many-to-one" if rel.has_remote_side else "one-to-many"
        return None
    outgoing = foreign_key_constraints(index, left, right)
    incoming = foreign_key_constraints(index, right, left)
    if outgoing is None or incoming is None:
        return None
    if len(outgoing) == 1 and not incoming:
        return "many-to-one"
    if len(incoming) == 1 and not outgoing:
        return "one-to-many"
    return None
