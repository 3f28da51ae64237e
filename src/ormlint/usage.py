"""Resolve how code uses the models: what type an expression has, what a class offers.

Built on the project index and the per-file scope facts. Every answer is
either certain or None; usage rules report only certain answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple, Optional

from ormlint.expr import Attr, Call, Const, Expr, Name, Seq, Subscript, Union_
from ormlint.facts import FunctionFact, ModuleFacts
from ormlint.index import ProjectIndex, relationship_direction
from ormlint.query_extract import ONE_METHODS, FunctionQueries
from ormlint.schema import MappedClass, RelationshipInfo
from ormlint.symbols import ClassRef, FunctionRef, SymbolTable, ValueRef, sqlalchemy_name
from ormlint.usage_extract import ScopeFacts

# What the libraries add to every mapped class, by style (data, not logic).
LIBRARY_ATTRIBUTES: dict[str, frozenset[str]] = {
    "common": frozenset({
        "metadata", "registry", "_sa_instance_state", "_sa_class_manager", "_sa_registry",
        "awaitable_attrs", "mro",
    }),
    "flask": frozenset({"query", "query_class"}),
    "sqlmodel": frozenset({
        "model_validate", "model_validate_json", "model_dump", "model_dump_json", "model_fields", "model_config",
        "model_copy", "model_construct", "model_json_schema", "model_fields_set", "model_computed_fields",
        "model_extra", "model_post_init", "model_rebuild", "model_parametrized_name", "sqlmodel_update",
        "dict", "json", "copy", "parse_obj", "parse_raw", "from_orm", "schema", "schema_json", "construct",
        "update_forward_refs", "validate",
    }),
}

# Query methods that keep the entity a query returns.
_SAME_QUERY = frozenset({
    "filter", "filter_by", "where", "order_by", "limit", "offset", "options", "distinct", "group_by", "having",
    "execution_options", "with_for_update", "params", "enable_eagerloads", "populate_existing", "autoflush",
    "yield_per", "correlate", "slice", "union", "union_all", "prefix_with", "suffix_with", "with_hint",
})
# Query methods that switch the entity filter_by() applies to.
_ENTITY_CHANGING = frozenset({"join", "outerjoin", "select_from", "join_from", "with_entities", "add_columns", "add_entity", "from_self"})
_ONE_RESULT = frozenset({"first", "one", "one_or_none", "get", "get_or_404", "first_or_404", "one_or_404", "scalar"})
_SCALAR_RESULT = frozenset({"scalar_one", "scalar_one_or_none", "scalar"})
_SELECT_FUNCTIONS = frozenset({"select"})
# Names of session variables besides those ending in `session` (FastAPI's `db: Session`).
_SESSION_NAMES = frozenset({"db", "dbs", "sess", "s"})


def _unwrapped(annotation: Expr) -> Expr:
    """The class an annotation names: `Session` for `Optional[Session]`,
    `Session | None` and `Annotated[Session, Depends(get_db)]`."""
    for _ in range(3):
        if isinstance(annotation, Union_):
            kept = [item for item in annotation.items if not (isinstance(item, Const) and item.value is None)]
            if len(kept) != 1:
                return annotation
            annotation = kept[0]
        elif isinstance(annotation, Subscript) and isinstance(annotation.value, Name) and annotation.value.last in ("Optional", "Annotated"):
            inner = annotation.index
            annotation = inner.items[0] if isinstance(inner, Seq) and inner.items else inner
        else:
            break
    return annotation


def _bound_once(facts: ModuleFacts, name: str) -> bool:
    """The module binds `name` at its top once: a second binding (a `def` under
    `if` or `@overload`, an import in `try: from fast import lookup` / `except
    ImportError: def lookup(...)`, an alias assigned again) leaves open which
    one a use sees."""
    count = sum(1 for other in facts.functions if other.name == name)
    count += sum(1 for local, _, _, _, _ in facts.imports if local == name)
    count += sum(1 for assign in facts.assignments if assign.target == name)
    count += sum(1 for cls in facts.classes if cls.name == name)
    return count == 1


# FastAPI's markers of a dependency in `Annotated[...]` metadata.
_DEPENDENCY_MARKERS = frozenset({"Depends", "Security"})
_GENERATORS = frozenset({"Iterator", "Generator", "AsyncIterator", "AsyncGenerator", "Iterable", "AsyncIterable"})


def _yielded(annotation: Expr) -> Expr:
    """`User` for `Iterator[User]`, `AsyncGenerator[User, None]`; else the annotation."""
    if isinstance(annotation, Subscript) and isinstance(annotation.value, Name) and annotation.value.last in _GENERATORS:
        index = annotation.index
        return index.items[0] if isinstance(index, Seq) and index.items else index
    return annotation


# Decorators that keep what the function returns.
_CACHING_DECORATORS = frozenset({"lru_cache", "cache"})


_COLLECTIONS = ("list", "List", "Sequence", "Iterable", "set", "Set")


def _self_type(annotation: Expr, owner: MappedClass) -> Optional["Type"]:
    """`-> Self`, `-> Optional[Self]`, `-> Self | None`, `-> list[Self]` of a
    method of `owner`; None for any other annotation."""
    unwrapped = _unwrapped(annotation)
    if isinstance(unwrapped, Name) and unwrapped.last == "Self":
        return Type("instance", owner)
    if isinstance(unwrapped, Subscript) and isinstance(unwrapped.value, Name) and unwrapped.value.last in _COLLECTIONS:
        item = unwrapped.index
        if isinstance(item, Name) and item.last == "Self":
            return Type("list", owner)
    return None


# Query methods after which the rows are not the entity's instances.
_ROW_SHAPING = frozenset({"with_entities", "add_columns", "add_entity", "values", "with_only_columns"})
# Decorators that make a method an attribute read on the instance.
_PROPERTIES = frozenset({"property", "cached_property", "hybrid_property"})
# Decorators through which a method is called on its class.
_CLASS_CALLABLE = frozenset({"classmethod", "staticmethod"})


def _decorator_name(decorator: Expr) -> str:
    """`lru_cache` for `@lru_cache`, `@functools.lru_cache(maxsize=None)`; "" when not a name."""
    named = decorator.func if isinstance(decorator, Call) else decorator
    return named.last if isinstance(named, Name) else ""


def _caching(decorator: Expr) -> bool:
    """`@lru_cache`, `@functools.cache`, `@lru_cache(maxsize=None)`."""
    return _decorator_name(decorator) in _CACHING_DECORATORS


def _session_like(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith("session") or lowered in _SESSION_NAMES


@dataclass(frozen=True)
class Type:
    kind: str  # class / instance / list / query / select / scalars / result
    model: MappedClass


@dataclass
class ScopeContext:
    module: str
    facts: ModuleFacts
    scope: ScopeFacts
    class_scope: Optional[ScopeFacts]
    # Built on first use: bindings by variable, inferred types by dotted name.
    _bindings: Optional[dict[str, list[tuple[str, str, Expr]]]] = None
    _params: Optional[dict[str, Optional[Expr]]] = None
    _types: Optional[dict[str, Optional["Type"]]] = None
    _mapped: Optional[dict[tuple[str, str], Optional[MappedClass]]] = None
    # Per base name of an attribute reference: the mapped class it names unless
    # a local hides it (`UsageResolver.class_named`).
    _class_named: Optional[dict[str, Optional[MappedClass]]] = None
    _local_names: Optional["LocalNames"] = None

    def class_named_memo(self) -> dict[str, Optional[MappedClass]]:
        memo = self._class_named
        if memo is None:
            memo = self._class_named = {}
        return memo

    def local_names(self) -> "LocalNames":
        found = self._local_names
        if found is None:
            hiding = {name for name, _ in self.scope.params}
            typed_heads = {"self"}
            imported: set[str] = set()
            for name, kind, _ in self.scope.bindings:
                if kind == "import":
                    imported.add(name)
                else:
                    hiding.add(name)
                    if "." in name:
                        typed_heads.add(name.partition(".")[0])
            typed_heads.update(hiding)
            found = self._local_names = LocalNames(hiding, typed_heads, imported)
        return found

    def may_be_instance(self, dotted: str) -> bool:
        """False when `dotted` certainly does not name an instance (nor a list
        or a query result) in this scope: its head is neither a parameter, nor
        `self`, nor bound in the scope other than by `import`. Such a name is
        typed only through what modules define, which gives classes (`User`)
        and their members (`User.query`), never instances (see
        `UsageResolver._infer_name_uncached`). Most attribute bases are such
        names (`os.path`, `logger`, `User`)."""
        return dotted.partition(".")[0] in self.local_names().typed_heads

    def bindings_of(self, name: str) -> list[tuple[str, str, Expr]]:
        if self._bindings is None:
            grouped: dict[str, list[tuple[str, str, Expr]]] = {}
            for binding in self.scope.bindings:
                grouped.setdefault(binding[0], []).append(binding)
            self._bindings = grouped
        return self._bindings.get(name, [])

    def param(self, name: str) -> tuple[bool, Optional[Expr]]:
        if self._params is None:
            self._params = dict(self.scope.params)
        return name in self._params, self._params.get(name)

    def shadowed(self, dotted: str) -> bool:
        """A local variable or parameter named like the head of `dotted` hides a
        module-level name of that name (a local `from ... import` does not)."""
        return dotted.partition(".")[0] in self.local_names().hiding


class LocalNames(NamedTuple):
    """What a scope's parameters and bindings say about names, by name."""

    # Sets, not frozensets (the copies cost as much as the rest): not to be changed.
    hiding: set[str]  # parameters and variables bound other than by `import`
    typed_heads: set[str]  # heads of names that may hold an instance (`may_be_instance`)
    imported: set[str]  # names a local `import` binds


class UsageResolver:
    def __init__(self, index: ProjectIndex, symbols: SymbolTable) -> None:
        self.index = index
        self.symbols = symbols
        self._by_ref: dict[ClassRef, MappedClass] = {ClassRef(c.module, c.name): c for c in index.classes}
        self._instance_attributes = self._collect_instance_attributes()
        self._universes: dict[int, Optional[frozenset[str]]] = {}
        self._family_universes: dict[tuple[int, bool], Optional[frozenset[str]]] = {}
        self._contexts: Optional[list[ScopeContext]] = None
        self._mapped: dict[tuple[str, str], Optional[MappedClass]] = {}
        self._returns: dict[FunctionRef, Optional[Type]] = {}
        # (id of the mapped class, "class" / "instance" / "property", name) -> type.
        self._own_results: dict[tuple[int, str, str], Optional[Type]] = {}

    # -- universes --------------------------------------------------------
    def _collect_instance_attributes(self) -> dict[tuple[str, str], set[str]]:
        """Attributes methods set on `self`, by (module, class)."""
        found: dict[tuple[str, str], set[str]] = {}
        for module, facts in self.index.modules.items():
            for scope in facts.scopes:
                if scope.class_name is None:
                    continue
                for base, attr, _, store, _, _ in scope.attributes:
                    if store and base == "self":
                        found.setdefault((module, scope.class_name), set()).add(attr)
        return found

    def universe(self, model: MappedClass, with_subclasses: bool = False) -> Optional[frozenset[str]]:
        """Every attribute a mapped class certainly has; None when that cannot be known.

        `with_subclasses`: for instances, which may be of a mapped subclass (a
        query on a polymorphic base returns subclass instances)."""
        if with_subclasses and model.descendants():
            # Asked for every instance attribute read: remember the union too.
            family_key = (id(model), True)
            if family_key in self._family_universes:
                return self._family_universes[family_key]
            parts = [self.universe(c) for c in [model, *model.descendants()]]
            family: Optional[frozenset[str]] = None
            if not any(p is None for p in parts):
                family = frozenset().union(*parts)  # type: ignore[arg-type]
            self._family_universes[family_key] = family
            return family
        key = id(model)
        if key in self._universes:
            return self._universes[key]
        result: Optional[frozenset[str]] = None
        chain = [model, *model.ancestors()]
        if all(c.complete for c in chain) and not self._custom_flask_model(model):
            names: set[str] = set(LIBRARY_ATTRIBUTES["common"]) | LIBRARY_ATTRIBUTES.get(model.style, frozenset())
            for klass in chain:
                names |= klass.attribute_names | set(klass.columns) | set(klass.relationships) | klass.properties
                names |= self._instance_attributes.get((klass.module, klass.name), set())
            for ref in self.mro_refs(model):
                names |= self._instance_attributes.get((ref.module, ref.name), set())
            result = frozenset(names)
        self._universes[key] = result
        return result

    def mro_refs(self, model: MappedClass) -> list[ClassRef]:
        refs: list[ClassRef] = []
        for klass in [model, *model.ancestors()]:
            refs.append(ClassRef(klass.module, klass.name))
        return refs

    def _custom_flask_model(self, model: MappedClass) -> bool:
        """`SQLAlchemy(model_class=...)` gives db.Model attributes ormlint cannot list."""
        if model.style != "flask":
            return False
        module_name, _, db_name = model.base_key[len("flask:"):].rpartition(".")
        assign = self.symbols.assignment(ValueRef(module_name, db_name))
        return assign is not None and isinstance(assign.value, Call) and assign.value.has_kwarg("model_class")

    def has_attribute(self, model: MappedClass, name: str, with_subclasses: bool = False) -> Optional[bool]:
        if name.startswith("__") and name.endswith("__"):
            return True
        universe = self.universe(model, with_subclasses)
        if universe is None:
            return None
        return name in universe

    # -- scopes ----------------------------------------------------------
    def contexts(self) -> list[ScopeContext]:
        """Every scope of every non-migration module (built once, shared by the usage rules)."""
        if self._contexts is None:
            contexts: list[ScopeContext] = []
            for module, facts in sorted(self.index.modules.items()):
                if facts.is_migration:
                    continue
                class_scopes = {s.name: s for s in facts.scopes if s.class_name == s.name}
                for scope in facts.scopes:
                    class_scope = class_scopes.get(scope.class_name) if scope.class_name else None
                    contexts.append(ScopeContext(module, facts, scope, class_scope))
            self._contexts = contexts
        return self._contexts

    # -- types -----------------------------------------------------------
    def mapped(self, module: str, expr: Optional[Expr], ctx: Optional["ScopeContext"] = None) -> Optional[MappedClass]:
        """The mapped class an expression names (`User`, `models.User`)."""
        if not isinstance(expr, Name):
            return None
        return self._mapped_name(module, expr.dotted, ctx)

    def _mapped_name(self, module: str, dotted: str, ctx: Optional["ScopeContext"]) -> Optional[MappedClass]:
        # Asked for every attribute reference of every scope: remember the answers,
        # per scope only where a local `import` may decide them, else per module.
        if ctx is not None and dotted.partition(".")[0] in ctx.local_names().imported:
            if ctx._mapped is None:
                ctx._mapped = {}
            memo = ctx._mapped
        else:
            memo = self._mapped
            ctx = None
        key = (module, dotted)
        if key in memo:
            return memo[key]
        found = memo[key] = self._mapped_uncached(module, dotted, ctx)
        return found

    def class_named(self, ctx: ScopeContext, dotted: str) -> Optional[MappedClass]:
        """The mapped class `dotted` names in this scope, None when it names none
        or a local variable or parameter hides it (what ORM201 and ORM204 ask of
        every attribute reference's base). Same answer as `mapped(ctx.module,
        Name(dotted), ctx)` when not `ctx.shadowed(dotted)`, remembered per base."""
        memo = ctx.class_named_memo()
        if dotted in memo:
            return memo[dotted]
        # Asked for tens of thousands of bases: `shadowed` and `_mapped_name`, inline.
        names = ctx.local_names()
        head = dotted.partition(".")[0]
        if head in names.hiding:
            model = None  # most bases are local variables and parameters: nothing to resolve
        elif head in names.imported:
            model = self._mapped_name(ctx.module, dotted, ctx)
        else:
            key = (ctx.module, dotted)
            model = self._mapped[key] if key in self._mapped else self._mapped_name(ctx.module, dotted, None)
        memo[dotted] = model
        return model

    def _mapped_uncached(self, module: str, dotted: str, ctx: Optional["ScopeContext"]) -> Optional[MappedClass]:
        """With `ctx`, the head of `dotted` has a local import binding."""
        if ctx is not None:
            head, _, rest = dotted.partition(".")
            bound = ctx.bindings_of(head)
            imported = [b for b in bound if b[1] == "import"]
            if len(imported) == len(bound) and isinstance(imported[0][2], Const):
                source, _, name = str(imported[0][2].value).partition(":")
                symbol = self.symbols.import_from(source, name)
                for part in rest.split(".") if rest else ():
                    symbol = self.symbols.member(symbol, part) if symbol is not None else None
                return self._by_ref.get(symbol) if isinstance(symbol, ClassRef) else None
            # Also bound otherwise: the answer is the module's, shared by its scopes.
            return self._mapped_name(module, dotted, None)
        symbol = self.symbols.resolve(module, dotted)
        return self._by_ref.get(symbol) if isinstance(symbol, ClassRef) else None

    def infer(self, ctx: ScopeContext, expr: Optional[Expr], depth: int = 0) -> Optional[Type]:
        if expr is None or depth > 12:
            return None
        if isinstance(expr, Name):
            return self._infer_name(ctx, expr.dotted, depth)
        if isinstance(expr, Call):
            return self._infer_call(ctx, expr, depth)
        if isinstance(expr, Subscript):
            inner = self.infer(ctx, expr.value, depth + 1)
            if inner is not None and inner.kind == "list" and isinstance(expr.index, Const) and isinstance(expr.index.value, int):
                return Type("instance", inner.model)
            return None
        if isinstance(expr, Attr):
            base = self.infer(ctx, expr.value, depth + 1)
            return self._member(base, expr.attr)
        return None

    def infer_name(self, ctx: ScopeContext, dotted: str) -> Optional[Type]:
        """`infer(ctx, Name(dotted))` without building the Name."""
        return self._infer_name(ctx, dotted, 0)

    def _infer_name(self, ctx: ScopeContext, dotted: str, depth: int) -> Optional[Type]:
        if ctx._types is None:
            ctx._types = {}
        if dotted in ctx._types:
            return ctx._types[dotted]
        ctx._types[dotted] = None  # breaks `x = x.parent` cycles
        result = self._infer_name_uncached(ctx, dotted, depth)
        ctx._types[dotted] = result
        return result

    def _infer_name_uncached(self, ctx: ScopeContext, dotted: str, depth: int) -> Optional[Type]:
        if depth > 12 or dotted.count(".") > 8:
            return None  # real code never types anything this deep
        bound = ctx.bindings_of(dotted)
        bindings = [b for b in bound if b[1] != "import"] if bound else bound
        if not bindings and bound:
            model = self._mapped_name(ctx.module, dotted, ctx)
            return Type("class", model) if model is not None else None
        if len(bindings) == 1:  # most variables are bound once
            _, kind, value = bindings[0]
            return self._binding_type(ctx, kind, value, depth)
        if bindings:
            types = {self._binding_type(ctx, kind, value, depth) for _, kind, value in bindings}
            if len(types) == 1:
                return types.pop()
            annotated = [b for b in bindings if b[1] == "annotation"]
            if len(annotated) == 1 and bindings[0] is annotated[0]:
                # Declared first (`user: User | None = None`, then assigned):
                # the declared type holds. Declared after another value
                # (simple-login: `domain = kwargs.get("domain")`, later
                # `domain: CustomDomain = ...`), the name held something else before.
                return self._binding_type(ctx, "annotation", annotated[0][2], depth)
            return None
        head, _, rest = dotted.partition(".")
        if head == dotted:
            is_param, annotation = ctx.param(dotted)
            if is_param:
                return self.annotation_type(ctx.module, annotation) if annotation is not None else None
            if dotted == "self":
                return None
            model = self._mapped_name(ctx.module, dotted, ctx)
            return Type("class", model) if model is not None else None
        if head == "self" and ctx.class_scope is not None and "." not in rest:
            # `self.owner` typed by `owner: User` in the class body.
            annotations = [b for b in ctx.class_scope.bindings if b[0] == rest and b[1] == "annotation"]
            assigned = ctx.bindings_of(dotted)
            if len(annotations) == 1 and not assigned:
                return self.annotation_type(ctx.module, annotations[0][2])
            return None
        model = self._mapped_name(ctx.module, dotted, ctx)
        if model is not None:
            return Type("class", model)
        base, _, attr = dotted.rpartition(".")
        return self._member(self._infer_name(ctx, base, depth + 1), attr)

    def _binding_type(self, ctx: ScopeContext, kind: str, value: Expr, depth: int) -> Optional[Type]:
        if kind == "annotation":
            return self.annotation_type(ctx.module, value)
        inferred = self.infer(ctx, value, depth + 1)
        if kind == "for":
            if inferred is not None and inferred.kind in ("list", "query", "scalars"):
                return Type("instance", inferred.model)
            return None
        return inferred

    def annotation_type(self, module: str, annotation: Optional[Expr], depth: int = 0) -> Optional[Type]:
        """`user: User` / `Optional[User]` / `list[User]` / `Annotated[User, ...]`,
        and a module's alias of one (`CurrentUser = Annotated[User, Depends(...)]`,
        FastAPI's way of naming a dependency: `user: CurrentUser`)."""
        if depth > 8:
            return None
        if isinstance(annotation, Name):
            # A string annotation names a class lazily (it may not be imported at
            # run time), but a name the module does bind, even only under
            # `if TYPE_CHECKING:`, means what it is bound to there.
            if annotation.from_string and self.symbols.lookup(module, annotation.root) is None:
                model = self._by_name(annotation.dotted)
            else:
                model = self.mapped(module, annotation)
                if model is None:
                    return self._alias_type(module, annotation.dotted, depth)
            return Type("instance", model) if model is not None else None
        if isinstance(annotation, Subscript) and isinstance(annotation.value, Name):
            head = annotation.value.last
            if head == "Optional":
                return self.annotation_type(module, annotation.index, depth + 1)
            if head == "Annotated":
                # `Annotated[User, Depends(get_user)]`: the type is the first item,
                # the rest is metadata for frameworks.
                index = annotation.index
                first = index.items[0] if isinstance(index, Seq) and index.items else index
                typed = self.annotation_type(module, first, depth + 1)
                if typed is not None and isinstance(index, Seq) and not self._dependencies_agree(module, index.items[1:], typed, depth):
                    return None
                return typed
            if head in _COLLECTIONS:
                inner = self.annotation_type(module, annotation.index, depth + 1)
                return Type("list", inner.model) if inner is not None and inner.kind == "instance" else None
        if isinstance(annotation, Union_):
            rest = [item for item in annotation.items if not (isinstance(item, Const) and item.value is None) and not (isinstance(item, Name) and item.dotted == "None")]
            if len(rest) == 1:
                return self.annotation_type(module, rest[0], depth + 1)
        return None

    def _dependencies_agree(self, module: str, metadata: tuple[Expr, ...], typed: Type, depth: int) -> bool:
        """False when a `Depends(fn)` of the metadata names a project function
        whose return annotation says it gives something else than `typed`
        (`Annotated[User, Depends(get_claims)]` with `def get_claims() -> dict`):
        what the parameter holds is what the dependency returns."""
        for item in metadata:
            if not (isinstance(item, Call) and isinstance(item.func, Name) and item.func.last in _DEPENDENCY_MARKERS and item.args):
                continue
            dependency = item.args[0]
            symbol = self.symbols.resolve(module, dependency.dotted) if isinstance(dependency, Name) else None
            if not isinstance(symbol, FunctionRef):
                continue
            fact = self._function_fact(symbol)
            if fact is None or fact.return_annotation is None:
                continue
            # A dependency that yields gives what it yields.
            returned = self.annotation_type(symbol.module, _yielded(fact.return_annotation), depth + 1)
            if returned is None or returned.kind != typed.kind or returned.model is not typed.model:
                return False
        return True

    def _alias_type(self, module: str, dotted: str, depth: int) -> Optional[Type]:
        """What a type alias stands for: a name bound once, unconditionally, at the
        top of its module, to a subscripted or `|` annotation (`CurrentUser =
        Annotated[User, Depends(current_user)]`, `MaybeUser = Optional[User]`).
        A plain `Alias = User` already resolves as the class itself."""
        symbol = self.symbols.resolve(module, dotted)
        if not isinstance(symbol, ValueRef):
            return None
        assign = self.symbols.assignment(symbol)
        if assign is None or assign.conditional or not isinstance(assign.value, (Subscript, Union_)):
            return None
        facts = self.index.modules.get(symbol.module)
        if facts is None or not _bound_once(facts, symbol.name):
            return None
        return self.annotation_type(symbol.module, assign.value, depth + 1)

    def _by_name(self, name: str) -> Optional[MappedClass]:
        found = [c for c in self.index.classes if c.name == name]
        return found[0] if len(found) == 1 else None

    def _infer_call(self, ctx: ScopeContext, call: Call, depth: int) -> Optional[Type]:
        func = call.func
        model = self.mapped(ctx.module, func, ctx) if isinstance(func, Name) else None
        if model is not None:
            return Type("instance", model)
        if isinstance(func, Name):
            if len(call.args) == 1 and sqlalchemy_name(self.symbols.resolve_expr(ctx.module, func)) in _SELECT_FUNCTIONS:
                target = self.mapped(ctx.module, call.args[0], ctx)
                return Type("select", target) if target is not None else None
            returned = self._returned_type(ctx, func.dotted)
            if returned is not None:
                return returned
            if "." not in func.dotted:
                return None
            receiver, method = func.dotted.rsplit(".", 1)
            base = self._infer_name(ctx, receiver, depth + 1)
        elif isinstance(func, Attr):
            method = func.attr
            base = self.infer(ctx, func.value, depth + 1)
        else:
            return None
        if method == "query" and len(call.args) == 1 and not call.kwargs:
            target = self.mapped(ctx.module, call.args[0], ctx)
            if target is not None:
                return Type("query", target)
        if method in ("get", "get_one") and len(call.args) >= 2 and self._may_be_session(ctx, func):
            target = self.mapped(ctx.module, call.args[0], ctx)
            if target is not None:
                return Type("instance", target)
        if method in ("scalars", "execute", "scalar") and call.args:
            statement = self.infer(ctx, call.args[0], depth + 1)
            if statement is not None and statement.kind == "select":
                kind = {"scalars": "scalars", "execute": "result", "scalar": "instance"}[method]
                return Type(kind, statement.model)
        return self._method_result(base, method) or self._own_method_result(base, method)

    def _returned_type(self, ctx: ScopeContext, dotted: str) -> Optional[Type]:
        """What calling a project function returns, by its return annotation
        (`def get_user(...) -> Optional[User]`, `crud.list_users() -> list[User]`).
        Only a module-level function defined once in its module, undecorated or
        only cached (a decorator may return something else), named through the
        module's own names (a local variable or import may be anything)."""
        head = dotted.partition(".")[0]
        names = ctx.local_names()
        if head in names.hiding or head in names.imported:
            return None
        symbol = self.symbols.resolve(ctx.module, dotted)
        if not isinstance(symbol, FunctionRef):
            return None
        if symbol in self._returns:
            return self._returns[symbol]
        found = self._returns[symbol] = self._declared_return(symbol)
        return found

    def _function_fact(self, ref: FunctionRef) -> Optional[FunctionFact]:
        """The `def` a module-level function reference names."""
        fact = self.symbols.bindings(ref.module).get(ref.name) if ref.module in self.index.modules else None
        return fact if isinstance(fact, FunctionFact) else None

    def _declared_return(self, ref: FunctionRef) -> Optional[Type]:
        facts = self.index.modules.get(ref.module)
        fact = self._function_fact(ref)
        if fact is None or fact.return_annotation is None or facts is None:
            return None
        if not _bound_once(facts, ref.name):
            return None
        if not all(_caching(decorator) for decorator in fact.decorators):
            return None
        return self._trusted_return(ref.module, ref.name, fact.return_annotation, None)

    def _trusted_return(self, module: str, function: str, annotation: Optional[Expr], owner: Optional[MappedClass]) -> Optional[Type]:
        """The type a function's (or a method's of `owner`) return annotation
        gives, unless its queries say it returns something else (`_returns_other`).
        `-> Self` is `owner`."""
        if annotation is None:
            return None
        typed = _self_type(annotation, owner) if owner is not None else None
        if typed is None:
            typed = self.annotation_type(module, annotation)
        if typed is None or self._returns_other(module, function, typed):
            return None
        return typed

    def _returns_other(self, module: str, function: str, typed: Type) -> bool:
        """Whether the function's queries say the annotation is not the whole truth:
        - a query of its own, or of a method of its class it calls (`cls._merged(...)`,
          `self._base_query()`), whose rows are not instances of one mapped class:
          several entities or columns (`session.query(func.min(M.id).label("new_id"),
          M.build_id, ...)`), or `with_entities()`, `add_columns()`... (packit's
          `get_merged_chroots() -> Iterable["CoprBuildTargetModel"]` returns rows
          of labelled columns);
        - annotated as one instance, it returns a query not run for one row
          (`return cls.query.filter_by(owner_id=uid)`: a Query)."""
        facts = self.index.modules.get(module)
        if facts is None:
            return False
        by_name = {queries.name: queries for queries in facts.queries}
        own = by_name.get(function)
        if own is not None and typed.kind == "instance":
            for position in own.returns:
                returned = own.queries[position]
                last = returned.methods[-1] if returned.methods else ""
                if returned.root != "get" and last not in ONE_METHODS:
                    return True
        inspected = [own] if own is not None else []
        owner_class, _, _ = function.rpartition(".")
        if owner_class:
            # The class's own helpers the method calls through `cls` or `self`.
            scope = next((s for s in facts.scopes if s.name == function), None)
            called = {attr for base, attr, _, store, _, _ in scope.attributes if base in ("cls", "self") and not store} if scope else set()
            inspected += [by_name[f"{owner_class}.{name}"] for name in sorted(called) if f"{owner_class}.{name}" in by_name]
        return any(self._other_rows(module, queries) for queries in inspected)

    def _other_rows(self, module: str, queries: FunctionQueries) -> bool:
        for query in queries.queries:
            if any(method in _ROW_SHAPING for method in query.methods):
                return True
            if query.root in ("query", "select") and query.entities:
                if len(query.entities) != 1:
                    return True
                entity = query.entities[0]
                if not (isinstance(entity, Name) and entity.dotted == "cls") and self.mapped(module, entity) is None:
                    return True
        return False

    def _may_be_session(self, ctx: ScopeContext, func: Expr) -> bool:
        """Whether `receiver.get(Model, key)` may be `Session.get`: the receiver is
        named like a session (`session`, `db_session`, `db`, `self.session`) or a
        parameter annotated as one, or a call naming one (`Session(engine)`).
        Not a parameter annotated with another class, nor any other name:
        `cache.get(Team, 1)` is a dict's, `self.get(Team, filters)` a project
        method's (autogen's database manager returns a response object)."""
        if isinstance(func, Attr):
            value = func.value
            return isinstance(value, Call) and isinstance(value.func, Name) and _session_like(value.func.last)
        if not isinstance(func, Name) or "." not in func.dotted:
            return False
        receiver = func.dotted.rsplit(".", 1)[0]
        if "." not in receiver:
            is_param, annotation = ctx.param(receiver)
            if is_param and annotation is not None:
                annotation = _unwrapped(annotation)
                name = sqlalchemy_name(self.symbols.resolve_expr(ctx.module, annotation))
                if name is not None:
                    return "session" in name.lower()
                return isinstance(annotation, Name) and "session" in annotation.last.lower()
        return _session_like(receiver.rsplit(".", 1)[-1])

    def _own_method_result(self, base: Optional[Type], method: str) -> Optional[Type]:
        if base is None or base.kind not in ("class", "instance"):
            return None
        return self._own_result(base.model, base.kind, method, lambda: self._own_method_result_uncached(base, method))

    def _own_result(self, model: MappedClass, kind: str, name: str, compute: Callable[[], Optional[Type]]) -> Optional[Type]:
        """What a model's own method or property gives, remembered per class,
        kind ("class", "instance", "property") and name: asked at every use."""
        key = (id(model), kind, name)
        if key not in self._own_results:
            self._own_results[key] = compute()
        return self._own_results[key]

    def _own_method_result_uncached(self, base: Type, method: str) -> Optional[Type]:
        """What a method the mapped class itself defines returns, by its return
        annotation: `User.by_email(email) -> Optional["User"]` (a classmethod or
        staticmethod, called on the class), `order.buyer() -> Customer` (called
        on an instance); `-> Self` is the class itself. Only a method defined
        once in the class body (an inherited one may be overridden below it),
        with no decorator but those that keep the return value."""
        found = self._own_functions(base.model, method)
        if len(found) != 1 or found[0].return_annotation is None:
            return None
        function = found[0]
        kinds = {_decorator_name(d) for d in function.decorators} - _CACHING_DECORATORS
        if base.kind == "class" and len(kinds & _CLASS_CALLABLE) != 1 or kinds - _CLASS_CALLABLE:
            return None
        if base.kind == "instance" and kinds:
            return None  # a classmethod or staticmethod called on an instance: as above, but rare
        return self._trusted_return(base.model.module, f"{base.model.name}.{method}", function.return_annotation, base.model)

    def _method_result(self, base: Optional[Type], method: str) -> Optional[Type]:
        if base is None:
            return None
        if base.kind in ("query", "select"):
            if method in _SAME_QUERY:
                return base
            if base.kind == "query":
                if method in _ONE_RESULT:
                    return Type("instance", base.model)
                if method == "all":
                    return Type("list", base.model)
            return None
        if base.kind == "scalars":
            if method in ("first", "one", "one_or_none"):
                return Type("instance", base.model)
            if method == "all":
                return Type("list", base.model)
            if method in ("unique",):
                return base
            return None
        if base.kind == "result":
            if method in _SCALAR_RESULT:
                return Type("instance", base.model)
            if method == "scalars":
                return Type("scalars", base.model)
            return None
        return None

    def _member(self, base: Optional[Type], attr: str) -> Optional[Type]:
        if base is None:
            return None
        if base.kind == "class" and attr == "query" and base.model.style == "flask":
            return Type("query", base.model)
        if base.kind == "instance":
            rel = base.model.all_relationships().get(attr)
            if rel is not None and rel.target is not None:
                collection = self.is_collection(rel)
                if collection is True:
                    return Type("list", rel.target)
                if collection is False:
                    return Type("instance", rel.target)
            if rel is None:
                model = base.model
                return self._own_result(model, "property", attr, lambda: self._own_property_type(model, attr))
        return None

    def _own_functions(self, model: MappedClass, name: str) -> list[FunctionFact]:
        """The `def`s named `name` in the body of the mapped class itself."""
        fact = self.symbols.class_fact(ClassRef(model.module, model.name))
        return [function for function in fact.functions if function.name == name] if fact is not None else []

    def _own_property_type(self, model: MappedClass, attr: str) -> Optional[Type]:
        """What a property the mapped class itself defines gives, by its getter's
        return annotation (`@property def owner(self) -> "User"`; also
        `cached_property` and `hybrid_property`, read on an instance). Its
        setter and the like (`@owner.setter`) may sit beside it; any other
        definition of the name leaves open what the class has."""
        getters = []
        for function in self._own_functions(model, attr):
            names = [d.dotted if isinstance(d, Name) else "" for d in function.decorators]
            if any(name.startswith(f"{attr}.") for name in names):
                continue  # `@owner.setter`, `@owner.expression`
            if len(names) != 1 or names[0].rsplit(".", 1)[-1] not in _PROPERTIES:
                return None
            getters.append(function)
        if len(getters) != 1 or getters[0].return_annotation is None:
            return None
        return self._trusted_return(model.module, f"{model.name}.{attr}", getters[0].return_annotation, model)

    def is_collection(self, rel: RelationshipInfo) -> Optional[bool]:
        if rel.uselist is not None:
            return rel.uselist
        if rel.secondary is None and rel.target is not None and rel.owner.table is rel.target.table:
            return None  # self-referential: typing does not follow remote_side
        direction = relationship_direction(self.index, rel)
        return None if direction is None else direction != "many-to-one"
