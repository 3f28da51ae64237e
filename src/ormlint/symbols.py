"""Resolve names across modules: what does `db.Column` in `app/models.py` mean?

Resolution follows imports (absolute, relative, re-exports, aliases),
module-level assignments and star imports. It never guesses: a name it cannot
follow resolves to None, and callers treat None as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from ormlint.expr import Call, Expr, Name, span_line
from ormlint.facts import AssignFact, ClassFact, FunctionFact, ModuleFacts
from ormlint.knowledge import SQLALCHEMY_FAMILY_ROOTS
from ormlint.module_aliases import module_named


@dataclass(frozen=True)
class ClassRef:
    module: str
    name: str

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}" if self.module else self.name


@dataclass(frozen=True)
class FunctionRef:
    module: str
    name: str


@dataclass(frozen=True)
class ModuleRef:
    module: str


@dataclass(frozen=True)
class ValueRef:
    """A module-level variable whose value is not a plain alias."""

    module: str
    name: str


@dataclass(frozen=True)
class External:
    """Something outside the project: `sqlalchemy.orm.relationship`, `builtins.int`."""

    qualname: str

    @property
    def root(self) -> str:
        return self.qualname.split(".", 1)[0]

    @property
    def last(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class FlaskModel:
    """`db.Model` of a Flask-SQLAlchemy object `db`."""

    db: ValueRef


@dataclass(frozen=True)
class AttrOf:
    """An attribute of a project object: `User.id`, `users.c`, `Base.metadata`."""

    owner: "Symbol"
    attr: str


Symbol = Union[ClassRef, FunctionRef, ModuleRef, ValueRef, External, FlaskModel, AttrOf]

Binding = Union[ClassFact, FunctionFact, AssignFact, tuple[str, Optional[str]]]

BUILTIN_NAMES = frozenset({"int", "str", "float", "bool", "bytes", "dict", "list", "set", "tuple", "object", "type", "frozenset"})

_FLASK_SQLALCHEMY_CLASSES = frozenset({"flask_sqlalchemy.SQLAlchemy", "flask_sqlalchemy.extension.SQLAlchemy"})


def sqlalchemy_name(symbol: Optional[Symbol]) -> Optional[str]:
    """`Column` for `sqlalchemy.Column`, `db.Column`, `sa.orm.mapped_column`..."""
    if isinstance(symbol, External) and symbol.root in SQLALCHEMY_FAMILY_ROOTS:
        return symbol.last
    return None


class SymbolTable:
    """Name lookup over all modules of one project."""

    def __init__(self, modules: dict[str, ModuleFacts], aliases: Optional[dict[str, str]] = None) -> None:
        self.modules = modules
        # Other names modules are imported by (`ormlint.module_aliases`).
        self.aliases = aliases or {}
        self._bindings: dict[str, dict[str, Binding]] = {}
        self._cache: dict[tuple[str, str], Optional[Symbol]] = {}
        self._flask_cache: dict[ValueRef, bool] = {}
        self._prefixes: Optional[set[str]] = None
        # Whole dotted names resolved outside any lookup (rules ask for the same
        # names over and over). Inside a lookup an import cycle may be half
        # resolved, so nothing is remembered there.
        self._resolved: dict[tuple[str, str], Optional[Symbol]] = {}
        self._lookups_open = 0

    # -- bindings -------------------------------------------------------
    def bindings(self, module: str) -> dict[str, Binding]:
        found = self._bindings.get(module)
        if found is not None:
            return found
        facts = self.modules[module]
        conditional: dict[str, Binding] = {}
        definite: dict[str, Binding] = {}
        ordered: list[tuple[int, str, Binding, bool]] = []
        for local, source, attribute, line, _ in facts.imports:
            ordered.append((line, local, (source, attribute), False))
        for cls in facts.classes:
            ordered.append((span_line(cls.span), cls.name, cls, cls.conditional))
        for fn in facts.functions:
            ordered.append((span_line(fn.span), fn.name, fn, False))
        for assign in facts.assignments:
            if "." not in assign.target and (assign.value is not None):
                ordered.append((span_line(assign.span), assign.target, assign, assign.conditional))
        ordered.sort(key=lambda item: item[0])
        for _, name, binding, is_conditional in ordered:
            target = conditional if is_conditional else definite
            # Under `if`/`try`, the first binding is the one usually taken
            # (`try: import x` / `except ImportError: x = None`).
            if is_conditional and name in target:
                continue
            target[name] = binding
        merged = dict(conditional)
        merged.update(definite)
        self._bindings[module] = merged
        return merged

    # -- resolution -----------------------------------------------------
    def resolve(self, module: str, dotted: str) -> Optional[Symbol]:
        key = (module, dotted)
        if key in self._resolved:
            return self._resolved[key]
        parts = dotted.split(".")
        symbol = self.lookup(module, parts[0])
        for part in parts[1:]:
            if symbol is None:
                break
            symbol = self.member(symbol, part)
        if not self._lookups_open:
            self._resolved[key] = symbol
        return symbol

    def resolve_expr(self, module: str, expr: Optional[Expr]) -> Optional[Symbol]:
        if isinstance(expr, Name):
            return self.resolve(module, expr.dotted)
        return None

    def lookup(self, module: str, name: str, depth: int = 0) -> Optional[Symbol]:
        key = (module, name)
        if key in self._cache:
            return self._cache[key]
        self._cache[key] = None  # breaks import cycles
        self._lookups_open += 1
        try:
            result = self._lookup(module, name, depth)
        finally:
            self._lookups_open -= 1
        self._cache[key] = result
        return result

    def _lookup(self, module: str, name: str, depth: int) -> Optional[Symbol]:
        if depth > 30 or module not in self.modules:
            return None
        binding = self.bindings(module).get(name)
        if binding is None:
            for star in self.modules[module].star_imports:
                star = self.module_named(star)
                if star in self.modules:
                    found = self.lookup(star, name, depth + 1)
                    if found is not None:
                        return found
                elif star.split(".", 1)[0] in SQLALCHEMY_FAMILY_ROOTS:
                    return External(f"{star}.{name}")
            if name in BUILTIN_NAMES:
                return External(f"builtins.{name}")
            return None
        if isinstance(binding, ClassFact):
            return ClassRef(module, name)
        if isinstance(binding, FunctionFact):
            return FunctionRef(module, name)
        if isinstance(binding, AssignFact):
            value = binding.value
            if isinstance(value, Name) and value.dotted != name:
                # A plain alias: `BaseModel = db.Model`, `Base = base.Base`.
                return self.resolve(module, value.dotted)
            if isinstance(value, Call) and isinstance(value.func, Name) and value.args and isinstance(value.args[0], Name):
                # `Column = functools.partial(db.Column, nullable=False)` calls what it wraps.
                wrapper = self.resolve(module, value.func.dotted)
                if isinstance(wrapper, External) and wrapper.qualname == "functools.partial":
                    return self.resolve(module, value.args[0].dotted)
            return ValueRef(module, name)
        source, attr = binding
        if attr is None:
            return self.module_symbol(source)
        return self.import_from(source, attr, depth)

    def module_named(self, name: str) -> str:
        return module_named(name, self.modules, self.aliases)

    def module_symbol(self, module: str) -> Symbol:
        if _library_module(module):
            return External(module)
        module = self.module_named(module)
        if module in self.modules or self._is_package_prefix(module):
            return ModuleRef(module)
        return External(module)

    def _is_package_prefix(self, module: str) -> bool:
        if self._prefixes is None:
            prefixes: set[str] = set()
            for name in self.modules:
                parts = name.split(".")
                prefixes.update(".".join(parts[:end]) for end in range(1, len(parts)))
            self._prefixes = prefixes
        return module in self._prefixes

    def import_from(self, source: str, attr: str, depth: int = 0) -> Optional[Symbol]:
        if _library_module(source):
            return External(f"{source}.{attr}")
        source = self.module_named(source)
        if source in self.modules:
            found = self.lookup(source, attr, depth + 1)
            if found is not None:
                return found
        submodule = self.module_named(f"{source}.{attr}")
        if submodule in self.modules or self._is_package_prefix(submodule):
            return ModuleRef(submodule)
        if source in self.modules or self._is_package_prefix(source):
            return None  # a project module without that name: unknown
        return External(submodule)

    def member(self, symbol: Symbol, attr: str) -> Optional[Symbol]:
        if isinstance(symbol, ModuleRef):
            return self.import_from(symbol.module, attr)
        if isinstance(symbol, External):
            return External(f"{symbol.qualname}.{attr}")
        if isinstance(symbol, ValueRef) and self.is_flask_db(symbol):
            if attr == "Model":
                return FlaskModel(symbol)
            if attr in ("metadata", "session", "engine"):
                return AttrOf(symbol, attr)
            # Flask-SQLAlchemy proxies every name of sqlalchemy and sqlalchemy.orm.
            return External(f"sqlalchemy.{attr}")
        return AttrOf(symbol, attr)

    # -- values ---------------------------------------------------------
    def assignment(self, ref: ValueRef) -> Optional[AssignFact]:
        binding = self.bindings(ref.module).get(ref.name)
        return binding if isinstance(binding, AssignFact) else None

    def class_fact(self, ref: ClassRef) -> Optional[ClassFact]:
        binding = self.bindings(ref.module).get(ref.name) if ref.module in self.modules else None
        return binding if isinstance(binding, ClassFact) else None

    def call_target(self, module: str, expr: Optional[Expr]) -> Optional[Symbol]:
        """What a call expression calls."""
        if isinstance(expr, Call):
            return self.resolve_expr(module, expr.func)
        return None

    def is_flask_db(self, ref: ValueRef) -> bool:
        cached = self._flask_cache.get(ref)
        if cached is not None:
            return cached
        self._flask_cache[ref] = False
        assign = self.assignment(ref)
        result = False
        if assign is not None and isinstance(assign.value, Call):
            target = self.call_target(ref.module, assign.value)
            result = self.is_flask_sqlalchemy_class(target)
        self._flask_cache[ref] = result
        return result

    def is_flask_sqlalchemy_class(self, target: Optional[Symbol], depth: int = 0) -> bool:
        if isinstance(target, External):
            return target.qualname in _FLASK_SQLALCHEMY_CLASSES
        if isinstance(target, ClassRef) and depth < 10:
            fact = self.class_fact(target)
            if fact is None:
                return False
            return any(
                self.is_flask_sqlalchemy_class(self.resolve_expr(target.module, base), depth + 1)
                for base in fact.bases
            )
        return False


# The libraries whose names ormlint knows. A project module of one of these
# names is a vendored copy of the library (bazarr's `libs/sqlalchemy`, put on
# `sys.path` at start-up), never the project's own code: importing from it is
# importing the library.
_LIBRARY_ROOTS = frozenset({"sqlalchemy", "flask_sqlalchemy", "sqlmodel", "alembic"})


def _library_module(module: str) -> bool:
    return module.partition(".")[0] in _LIBRARY_ROOTS
