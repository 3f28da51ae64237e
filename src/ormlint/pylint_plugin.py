"""The pylint plugin (`load-plugins=ormlint.pylint_plugin`): a thin adapter over the ormlint engine.

Two parts, both fed by the project index the core builds statically (through
the cache of per-file facts; user code is never imported):

* astroid transforms teach pylint what the ORM adds to a mapped class, so that
  valid accesses stop raising `no-member` (E1101) while misspelled ones still
  do: every column becomes an instance attribute typed from its column type
  (`str`, `int`, `bool`, `bytes`, `datetime`...; an unknown type gives a value
  pylint cannot infer, on which it stays silent), every relationship one typed
  as an instance or a list of its target class (backrefs declared on other
  classes included, at class level too), hybrid properties and other mapper
  properties give values pylint cannot infer, Flask-SQLAlchemy models get
  `query`, and a Flask-SQLAlchemy 2.x `SQLAlchemy` object gets the names it
  copies from `sqlalchemy` and `sqlalchemy.orm` (`db.Column`, `db.relationship`...;
  3.x declares `__getattr__` for them itself).
* checkers report ormlint's diagnostics as pylint messages: `ORM<h><nn>` is
  message `<L>9<h><nn>` (`ORM0nn` is `<L>99<nn>`), with L = E for errors, W for
  warnings, I for information, and the rule's name as symbol (prefixed with
  `orm-` when pylint already uses the name, as `parse-error`). ormlint's own
  configuration (`[tool.ormlint]`: selection, excludes, per-file-ignores,
  `# noqa`) applies first, then pylint's enable/disable options.

The project of a file is found as the flake8 adapter finds it: the directory
of the pyproject.toml holding `[tool.ormlint]`, else the nearest directory with
a pyproject.toml, `.git` or `.hg`, else the file's own directory. Each project
is analysed once per process. No rule logic lives here.

This is the only module of ormlint that imports astroid or pylint.
"""

from __future__ import annotations

import keyword
import os
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import astroid  # type: ignore[import-untyped,import-not-found,unused-ignore]
from astroid import nodes  # type: ignore[import-untyped,import-not-found,unused-ignore]
from astroid.util import Uninferable  # type: ignore[import-untyped,import-not-found,unused-ignore]
from pylint.checkers import BaseChecker
from pylint.constants import WarningScope

from ormlint.diagnostics import Diagnostic, Severity
from ormlint.expr import Call, Const, Expr, Name, Subscript
from ormlint.index import ProjectIndex
from ormlint.rules import ALL_RULES, Rule
from ormlint.schema import ColumnInfo, MappedClass, RelationshipInfo
from ormlint.usage import UsageResolver

# -- message ids -------------------------------------------------------------

_LETTERS = {Severity.ERROR: "E", Severity.WARNING: "W", Severity.INFO: "I"}


def message_id(code: str, severity: Severity) -> str:
    """`ORM101` -> `E9101`: checker ids 91-99, one per hundred of ormlint codes."""
    hundred, number = code[3], code[4:6]
    return f"{_LETTERS[severity]}9{hundred if hundred != '0' else '9'}{number}"


# -- project analysis --------------------------------------------------------


@dataclass
class _Analysis:
    """One analysed project: its index and diagnostics, by real file path."""

    index: Optional[ProjectIndex] = None
    by_file: dict[str, list[Diagnostic]] = field(default_factory=dict)
    classes: dict[tuple[str, str], MappedClass] = field(default_factory=dict)
    children: set[int] = field(default_factory=set)  # ids of classes with mapped subclasses
    _resolver: Optional[UsageResolver] = None

    def resolver(self) -> Optional[UsageResolver]:
        if self._resolver is None and self.index is not None and self.index.symbols is not None:
            self._resolver = UsageResolver(self.index, self.index.symbols)
        return self._resolver


# Where the per-file facts are cached instead of `.ormlint_cache` in the project.
CACHE_VARIABLE = "ORMLINT_CACHE_DIR"

_ANALYSES: dict[tuple[str, str], _Analysis] = {}
# The linter the plugin is registered with: its current file tells the linted
# projects from the libraries they import.
_LINTER: Any = None
_FILE_ANALYSIS: dict[str, _Analysis] = {}


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def _warn(message: str) -> None:
    sys.stderr.write(f"ormlint (pylint plugin): {' '.join(message.split())}\n")


def _library_directories() -> tuple[str, ...]:
    found: set[str] = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            path = sysconfig.get_paths().get(key)
        except (KeyError, ValueError):  # pragma: no cover - exotic installs
            path = None
        if path:
            found.add(_real(path) + os.sep)
    return tuple(sorted(found))


_LIBRARIES = _library_directories()


def _is_library(real: str) -> bool:
    parts = real.split(os.sep)
    return real.startswith(_LIBRARIES) or "site-packages" in parts or "dist-packages" in parts


def analysis_for(filename: str) -> Optional[_Analysis]:
    """The analysis of the project `filename` belongs to. Under pylint, only the
    projects of the files it lints are analysed (not the libraries they import)."""
    real = _real(filename)
    known = _FILE_ANALYSIS.get(real)
    if known is not None:
        return known
    if not real.endswith((".py", ".pyi")) or _is_library(real) or not os.path.isfile(real):
        return None
    project = _project_of(Path(real).parent)
    if project is None:
        return None
    key, target, config = project
    analysis = _ANALYSES.get(key)
    if analysis is None:
        current = getattr(_LINTER, "current_file", None) if _LINTER is not None else None
        if _LINTER is not None and (not current or _real(current) != real):
            return None  # a module imported from outside the linted projects
        analysis = _analyse(key, target, config)
    _FILE_ANALYSIS[real] = analysis
    return analysis


_Project = tuple[tuple[str, str], Path, Any]
_PROJECTS: dict[str, Optional[_Project]] = {}


def _project_of(directory: Path) -> Optional[_Project]:
    """(key, root, configuration) of the project a directory belongs to: the
    flake8 adapter's rule, with the directory itself when no marker is found."""
    cache_key = str(directory)
    if cache_key in _PROJECTS:
        return _PROJECTS[cache_key]
    from ormlint.config import ConfigError, find_project_root, find_pyproject, load_config

    config_path = find_pyproject(directory)
    project: Optional[_Project]
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        _warn(f"{config_path}: {exc}")
        project = None
    else:
        root = find_project_root(directory, config_path)
        target = root if root is not None else directory
        project = ((str(target), str(config_path)), target, config)
    _PROJECTS[cache_key] = project
    return project


def _analyse(key: tuple[str, str], target: Path, config: Any) -> _Analysis:
    from ormlint.cache import FactsCache, default_cache_directory
    from ormlint.engine import describe_exception, run

    analysis = _ANALYSES[key] = _Analysis()
    override = os.environ.get(CACHE_VARIABLE)
    cache_dir = Path(override) if override else default_cache_directory([target], config)
    # Paths as ormlint prints them: relative to the working directory when under it.
    relative = os.path.relpath(target)
    shown = Path(relative) if relative != ".." and not relative.startswith(".." + os.sep) else target
    try:
        result = run([shown], config, cache=FactsCache(cache_dir) if cache_dir is not None else None)
    except Exception as exc:  # a bug in ormlint: say so once, do not break pylint
        _warn(f"internal error: {describe_exception(exc)}")
        return analysis
    for line in result.internal_errors:
        _warn(line)
    analysis.index = result.index
    for diagnostic in result.diagnostics:
        analysis.by_file.setdefault(_real(diagnostic.filename), []).append(diagnostic)
    if result.index is not None:
        for model in result.index.classes:
            analysis.classes[(_real(model.path), model.name)] = model
            if model.parent is not None:
                analysis.children.add(id(model.parent))
    return analysis


# -- inferred values -----------------------------------------------------------

# Column types whose Python value is certain, by the type's written name (a
# TypeDecorator or a library type of the same family may return anything else).
_PYTHON_VALUES: dict[str, tuple[str, frozenset[str]]] = {
    "integer": ("0", frozenset({"Integer", "SmallInteger", "BigInteger", "INTEGER", "INT", "SMALLINT", "BIGINT", "int"})),
    "string": ('""', frozenset({
        "String", "Text", "Unicode", "UnicodeText", "VARCHAR", "NVARCHAR", "CHAR", "NCHAR", "TEXT", "CLOB",
        "CITEXT", "AutoString", "str",
    })),
    "boolean": ("False", frozenset({"Boolean", "BOOLEAN", "bool"})),
    "binary": ('b""', frozenset({"LargeBinary", "BLOB", "BYTEA", "BINARY", "VARBINARY", "bytes"})),
    "datetime": ("datetime.datetime(2000, 1, 1)", frozenset({"DateTime", "DATETIME", "TIMESTAMP", "datetime"})),
    "date": ("datetime.date(2000, 1, 1)", frozenset({"Date", "DATE", "date"})),
    "time": ("datetime.time()", frozenset({"Time", "TIME", "time"})),
    "interval": ("datetime.timedelta()", frozenset({"Interval", "INTERVAL", "timedelta"})),
}

_FAMILY_VALUES: dict[str, list[Any]] = {}

Values = Callable[[], list[Any]]


def _family_values(family: str) -> list[Any]:
    found = _FAMILY_VALUES.get(family)
    if found is None:
        module = astroid.parse(f"import datetime\nVALUE = {_PYTHON_VALUES[family][0]}\n", module_name="ormlint_pylint_values")
        assign = module.body[-1]
        try:
            found = [value for value in assign.value.infer() if value is not Uninferable]
        except astroid.InferenceError:
            found = []
        _FAMILY_VALUES[family] = found = found or [Uninferable]
    return found


def _column_family(column: ColumnInfo) -> Optional[str]:
    family = column.type.family
    if family not in _PYTHON_VALUES:
        return None
    written = column.type.display.split("(", 1)[0].split("[", 1)[0].rsplit(".", 1)[-1]
    return family if written in _PYTHON_VALUES[family][1] else None


def _typed(family: str) -> Values:
    return lambda: _family_values(family)


def _unknown() -> list[Any]:
    return [Uninferable]


def _synthetic(values: Values) -> Any:
    """The target of `__ormlint__ = None` in a stub module, inferring to
    `values()`. An assignment target, as astroid expects of class locals
    (name lookups in the class body filter them by their assignment)."""
    node = astroid.parse("__ormlint__ = None\n", module_name="ormlint_pylint_stub").body[0].targets[0]

    def infer(_node: Any, context: Any = None, **kwargs: Any) -> Iterator[Any]:
        return iter(values())

    node._explicit_inference = infer
    return node


def _class_nodes(model: MappedClass) -> list[Any]:
    """The astroid ClassDef nodes of a mapped class (built lazily, never imported)."""
    real = _real(model.path)
    module = None
    try:
        candidate = astroid.MANAGER.ast_from_module_name(model.module)
        if candidate.file and _real(candidate.file) == real:
            module = candidate
    except Exception:  # not importable under ormlint's module name
        module = None
    if module is None:
        try:
            module = astroid.MANAGER.ast_from_file(real, model.module)
        except Exception:
            return []
    return [node for node in module.locals.get(model.name, ()) if isinstance(node, nodes.ClassDef)]


def _instances(model: MappedClass) -> Values:
    def values() -> list[Any]:
        found = [node.instantiate_class() for node in _class_nodes(model)]
        return found or [Uninferable]

    return values


def _list_of(model: MappedClass) -> Values:
    holder: list[Any] = []

    def values() -> list[Any]:
        if not holder:
            listing = astroid.extract_node("[__ormlint__]")
            element = listing.elts[0]
            instances = _instances(model)

            def infer(_node: Any, context: Any = None, **kwargs: Any) -> Iterator[Any]:
                return iter(instances())

            element._explicit_inference = infer
            holder.append(listing)
        return holder

    return values


def _const(expr: Optional[Expr]) -> object:
    return expr.value if isinstance(expr, Const) else None


# Loader strategies that keep a collection a list.
_LIST_LOADERS = frozenset({"select", "joined", "subquery", "selectin", "immediate", "noload", "raise", "raise_on_sql", True, False})


def _relationship_values(analysis: _Analysis, rel: RelationshipInfo) -> Values:
    """An instance or a list of the target; unknown when the loader or the
    collection makes the value something else (a query, a set, a dict)."""
    target = rel.target
    if target is None or rel.target_status != "resolved" or id(target) in analysis.children:
        return _unknown
    call = rel.call
    if call is not None:
        if call.has_kwarg("collection_class"):
            return _unknown
        if call.has_kwarg("lazy") and _const(call.kwarg("lazy")) not in _LIST_LOADERS:
            return _unknown  # dynamic / write_only: a query, not a list
    if rel.from_backref is None and not _plain_annotation(analysis, rel):
        return _unknown
    resolver = analysis.resolver()
    collection = resolver.is_collection(rel) if resolver is not None else None
    if collection is True:
        return _list_of(target)
    if collection is False:
        return _instances(target)
    return _unknown


def _plain_annotation(analysis: _Analysis, rel: RelationshipInfo) -> bool:
    """No annotation, or `Mapped[X]` / `Mapped[list[X]]` / `Mapped[Optional[X]]`."""
    index = analysis.index
    if index is None or index.symbols is None:
        return False
    from ormlint.symbols import ClassRef

    fact = index.symbols.class_fact(ClassRef(rel.owner.module, rel.owner.name))
    if fact is None:
        return True  # declared on a mixin: judged by the call alone
    annotations = [a.annotation for a in fact.body if a.target == rel.key]
    if not annotations or annotations[-1] is None:
        return True
    annotation = annotations[-1]
    if not isinstance(annotation, Subscript) or not isinstance(annotation.value, Name) or annotation.value.last != "Mapped":
        return False
    inner = annotation.index
    if isinstance(inner, Subscript) and isinstance(inner.value, Name):
        return inner.value.last in ("list", "List", "Optional")
    return True


_HYBRIDS = frozenset({"hybrid_property", "hybrid_method"})
_HYBRID_MODIFIERS = frozenset({"expression", "setter", "deleter", "comparator", "update_expression", "overrides", "inplace", "getter"})


def _hybrid_names(analysis: _Analysis, model: MappedClass) -> set[str]:
    """Hybrid properties and methods of the class and its project ancestors."""
    index = analysis.index
    if index is None or index.symbols is None:
        return set()
    from ormlint.bases import BaseResolver
    from ormlint.symbols import ClassRef, sqlalchemy_name

    symbols = index.symbols
    names: set[str] = set()
    for ref in BaseResolver(symbols).mro(ClassRef(model.module, model.name)):
        fact = symbols.class_fact(ref)
        if fact is None:
            continue
        for function in fact.functions:
            for decorator in function.decorators:
                func = decorator.func if isinstance(decorator, Call) else decorator
                if not isinstance(func, Name):
                    continue
                parts = func.dotted.split(".")
                if sqlalchemy_name(symbols.resolve_expr(ref.module, func)) in _HYBRIDS:
                    names.add(function.name)
                elif len(parts) >= 2 and parts[0] in names and parts[-1] in _HYBRID_MODIFIERS:
                    names.add(function.name)
    return names


# -- transforms ----------------------------------------------------------------


def _is_module_level(node: nodes.ClassDef) -> bool:
    parent = node.parent
    return parent is not None and parent.scope() is node.root()


def _mapped_class(node: nodes.ClassDef) -> Optional[tuple[_Analysis, MappedClass]]:
    filename = node.root().file
    if not filename or not _is_module_level(node):
        return None
    analysis = analysis_for(filename)
    if analysis is None:
        return None
    model = analysis.classes.get((_real(filename), node.name))
    return (analysis, model) if model is not None else None


def _usable(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def _add_instance(node: nodes.ClassDef, name: str, values: Values) -> None:
    node.instance_attrs.setdefault(name, []).append(_synthetic(values))


def _add_class(node: nodes.ClassDef, name: str, values: Values, always: bool = False) -> None:
    """A class attribute. An existing one (`always`) is shadowed: astroid infers
    only the definitions that share the scope of the first one."""
    if always or name not in node.locals:
        node.locals.setdefault(name, []).insert(0, _synthetic(values))


def is_mapped_class(node: nodes.ClassDef) -> bool:
    return _mapped_class(node) is not None and not getattr(node, "_ormlint_done", False)


def transform_mapped_class(node: nodes.ClassDef) -> nodes.ClassDef:
    """Give a mapped class what the ORM adds to it. Returns the node: astroid
    stops applying further transforms to a node after one that returns None."""
    found = _mapped_class(node)
    if found is None or getattr(node, "_ormlint_done", False):
        return node
    node._ormlint_done = True
    analysis, model = found
    for key, column in model.columns.items():
        if not _usable(key):
            continue
        family = _column_family(column)
        _add_instance(node, key, _typed(family) if family else _unknown)
    for key, rel in model.relationships.items():
        if not _usable(key):
            continue
        _add_instance(node, key, _relationship_values(analysis, rel))
        _add_class(node, key, _unknown)  # a backref declared on another class
    for key in sorted(model.properties | _hybrid_names(analysis, model)):
        if _usable(key):
            _add_instance(node, key, _unknown)
            _add_class(node, key, _unknown, always=True)
    if model.style == "flask":
        for key in ("query", "query_class"):
            _add_class(node, key, _unknown)
    return node


_FLASK_SQLALCHEMY_MODULES = frozenset({"flask_sqlalchemy", "flask_sqlalchemy.extension"})
_FLASK_EXTRA_NAMES = ("Table", "relationship", "relation", "dynamic_loader", "event", "session", "Model", "Query")


def is_flask_sqlalchemy_2(node: nodes.ClassDef) -> bool:
    return node.name == "SQLAlchemy" and node.root().name in _FLASK_SQLALCHEMY_MODULES and "__getattr__" not in node.locals


def transform_flask_sqlalchemy(node: nodes.ClassDef) -> nodes.ClassDef:
    """Flask-SQLAlchemy 2.x copies every public name of `sqlalchemy` and
    `sqlalchemy.orm` onto the `SQLAlchemy` object at run time. The names are
    read from the two modules' source; each is inferred only when used."""
    if not is_flask_sqlalchemy_2(node):
        return node
    for module in ("sqlalchemy", "sqlalchemy.orm"):
        for name in _public_names(module):
            if name not in node.locals and name not in node.instance_attrs:
                _add_class(node, name, _member_of(module, name))
    for name in _FLASK_EXTRA_NAMES:
        if name not in node.locals and name not in node.instance_attrs:
            _add_class(node, name, _unknown)
    return node


def _public_names(module: str) -> list[str]:
    """The public top-level names of an installed module, from its source
    (without building it: astroid would resolve every import)."""
    import ast

    from ormlint.newer_syntax import parse_or_none  # quietly: no SyntaxWarning about the module's code

    try:
        filename = astroid.modutils.file_from_modpath(module.split("."))
        with open(filename, encoding="utf-8") as handle:
            tree = parse_or_none(handle.read(), filename)
    except Exception:  # not installed, unreadable: nothing to add
        return []
    if tree is None:
        return []
    names: list[str] = []
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            names.extend((alias.asname or alias.name).split(".")[0] for alias in statement.names if alias.name != "*")
        elif isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            names.append(statement.name)
        elif isinstance(statement, ast.Assign):
            names.extend(target.id for target in statement.targets if isinstance(target, ast.Name))
    return [name for name in names if not name.startswith("_")]


def _member_of(module: str, name: str) -> Values:
    def values() -> list[Any]:
        try:
            return list(astroid.MANAGER.ast_from_module_name(module).igetattr(name))
        except Exception:
            return [Uninferable]

    return values


_REGISTERED = False


def _register_transforms() -> None:
    global _REGISTERED
    if _REGISTERED:
        return
    _REGISTERED = True
    astroid.MANAGER.register_transform(nodes.ClassDef, transform_mapped_class, is_mapped_class)
    astroid.MANAGER.register_transform(nodes.ClassDef, transform_flask_sqlalchemy, is_flask_sqlalchemy_2)


# -- checkers ------------------------------------------------------------------


class _OrmlintChecker(BaseChecker):
    """Reports the ormlint diagnostics of one hundred of codes."""

    name = "ormlint"
    symbols: dict[str, str] = {}

    def visit_module(self, node: nodes.Module) -> None:
        if not node.file:
            return
        analysis = analysis_for(node.file)
        if analysis is None:
            return
        for diagnostic in analysis.by_file.get(_real(node.file), ()):
            symbol = self.symbols.get(diagnostic.code)
            if symbol is None:
                continue
            self.add_message(
                symbol,
                line=diagnostic.location.row,
                col_offset=max(diagnostic.location.column - 1, 0),
                end_lineno=diagnostic.end_location.row,
                end_col_offset=max(diagnostic.end_location.column - 1, 0),
                args=(diagnostic.message,),
            )


def _definitions(linter: Any, msgid_or_symbol: str) -> list[Any]:
    try:
        return list(linter.msgs_store.get_message_definitions(msgid_or_symbol))
    except Exception:  # UnknownMessageError
        return []


def _taken(linter: Any, symbol: str) -> bool:
    """Used by pylint or another plugin (a `pylint -j` worker registers the
    plugin again on a copy of the linter that knows ormlint's own messages)."""
    return any(definition.checker_name != _OrmlintChecker.name for definition in _definitions(linter, symbol))


def checker_classes(linter: Any = None, rules: Optional[list[type[Rule]]] = None) -> list[type[_OrmlintChecker]]:
    """One checker class per hundred of codes (pylint wants one checker id per checker)."""
    groups: dict[str, dict[str, tuple[str, str, str, dict[str, str]]]] = {}
    symbols: dict[str, dict[str, str]] = {}
    for rule in rules if rules is not None else ALL_RULES:
        msgid = message_id(rule.code, rule.severity)
        symbol = rule.name if linter is None or not _taken(linter, rule.name) else f"orm-{rule.name}"
        groups.setdefault(msgid[1:3], {})[msgid] = ("%s", symbol, f"{rule.code}: {rule.summary}", {"scope": WarningScope.LINE})
        symbols.setdefault(msgid[1:3], {})[rule.code] = symbol
    return [
        type(f"OrmlintChecker{checker_id}", (_OrmlintChecker,), {"msgs": groups[checker_id], "symbols": symbols[checker_id]})
        for checker_id in sorted(groups)
    ]


def register(linter: Any) -> None:
    """pylint's entry point (`load-plugins=ormlint.pylint_plugin`)."""
    global _LINTER
    _LINTER = linter
    _register_transforms()
    # A `pylint -j` worker of pylint 3 keeps the checkers of the linter it
    # was copied from (pylint 4 deregisters them first): do not add them twice.
    present = {msgid[1:3] for checker in linter.get_checkers() if checker.name == _OrmlintChecker.name for msgid in checker.msgs}
    for checker in checker_classes(linter):
        if not {msgid[1:3] for msgid in checker.msgs} & present:
            linter.register_checker(checker(linter))


def _reset() -> None:
    """Forget the analysed projects (for tests)."""
    _ANALYSES.clear()
    _FILE_ANALYSIS.clear()
    _PROJECTS.clear()


__all__ = ["register", "message_id"]
