"""Alembic environments, their revision graphs, and the schema their history builds.

Project-level (after the index): finds the environments (`alembic.ini`
`script_location` / `version_locations`, an `env.py` with a `versions/`
beside it, Flask-Migrate's `migrations/`, or any directory of revision
files, except below a script directory (of an ini, or with env.py and
`versions/`) outside its version locations, which Alembic never reads;
without `recursive_version_locations`, one graph per directory of revision
files, as Alembic reads them), orders each environment's
revisions by their `down_revision` / `depends_on` graph and replays their
operations (`ormlint.migration_extract`)
into a migrated schema: tables, columns with type family and nullability,
indexes, unique constraints and foreign keys. Whatever cannot be followed
with certainty marks a table (or the whole environment) uncertain; the
ORM6xx rules stay silent there.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Optional

from ormlint import discover
from ormlint.expr import Const, Expr, Seq, Span
from ormlint.facts import ModuleFacts
from ormlint.knowledge import type_family
from ormlint.migration_extract import ANY_TABLE, MigrationColumn, MigrationOp

if TYPE_CHECKING:
    from ormlint.index import ProjectIndex
    from ormlint.schema import ColumnType


# -- alembic.ini ------------------------------------------------------------------

# Finding the ini files is part of discovery (a run whose diagnostics come from
# the cache needs them, and nothing else of this module).
find_alembic_configs = discover.find_alembic_configs

@dataclass(frozen=True)
class AlembicConfig:
    """One `[section]` of an alembic ini file with a `script_location`."""

    path: str  # the ini file, absolute
    section: str
    script_location: str  # as written
    version_locations: tuple[str, ...]  # as written, `%(here)s` expanded; () = `<script>/versions`
    # `recursive_version_locations`: sub-directories of the version locations are read too.
    recursive: bool = False


def parse_alembic_config(path: str, text: str) -> list[AlembicConfig]:
    if path.endswith(".toml"):
        return _parse_pyproject(path, text)
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=path)
    except configparser.Error:
        return []
    here = os.path.dirname(path)
    configs: list[AlembicConfig] = []
    for section in parser.sections():
        if not parser.has_option(section, "script_location"):
            continue

        def expand(value: str) -> str:
            return value.replace("%(here)s", here).replace("%%", "%")

        script = expand(parser.get(section, "script_location").strip())
        locations: tuple[str, ...] = ()
        if parser.has_option(section, "version_locations"):
            raw = expand(parser.get(section, "version_locations").strip())
            separator = parser.get(section, "version_path_separator", fallback="").strip()
            splitter = {"space": " ", "colon": ":", "semicolon": ";", "newline": "\n", "os": os.pathsep, ";": ";", ":": ":"}.get(separator)
            parts = raw.split(splitter) if splitter and splitter != " " else re.split(r"[\s,]+", raw)
            locations = tuple(p.strip() for p in parts if p.strip())
        # Alembic's own test: the exact string "true".
        recursive = parser.get(section, "recursive_version_locations", fallback="") == "true"
        configs.append(AlembicConfig(path, section, script, locations, recursive))
    return configs


def _parse_pyproject(path: str, text: str) -> list[AlembicConfig]:
    """`[tool.alembic]` of a pyproject.toml (Alembic 1.16+)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11
        import tomli as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    table = data.get("tool", {}).get("alembic", {})
    script = table.get("script_location") if isinstance(table, dict) else None
    if not isinstance(script, str):
        return []
    here = os.path.dirname(path)
    locations = table.get("version_locations", [])
    if isinstance(locations, str):
        locations = re.split(r"[\s,]+", locations)
    expanded = tuple(str(v).replace("%(here)s", here) for v in locations if isinstance(v, str) and v.strip()) if isinstance(locations, list) else ()
    recursive = table.get("recursive_version_locations") is True
    return [AlembicConfig(path, "tool.alembic", script.replace("%(here)s", here), expanded, recursive)]


# -- revisions and environments -----------------------------------------------------

@dataclass
class Revision:
    revision: str
    parents: tuple[str, ...]
    path: str
    module: str
    revision_span: Span
    down_span: Span
    labelled: bool
    depends_on: tuple[str, ...] = ()
    ops: tuple[MigrationOp, ...] = ()


@dataclass
class Environment:
    directory: str  # the script location (or the revisions' directory)
    revisions: list[Revision] = field(default_factory=list)
    env_module: Optional[str] = None  # module name of env.py, when found
    version_dirs: tuple[str, ...] = ()
    recursive: bool = False  # alembic.ini's `recursive_version_locations = true`


def _strings(expr: Optional[Expr]) -> Optional[tuple[str, ...]]:
    """`"abc"`, `("a", "b")`, `None`; None when not literal."""
    if isinstance(expr, Const):
        if expr.value is None:
            return ()
        if isinstance(expr.value, str):
            return (expr.value,)
        return None
    if isinstance(expr, Seq):
        values = [item.value for item in expr.items if isinstance(item, Const) and isinstance(item.value, str)]
        return tuple(values) if len(values) == len(expr.items) and not expr.starred else None
    return None


def revision_of(facts: ModuleFacts) -> Optional[Revision]:
    values = {a.target: a for a in facts.assignments if not a.conditional}
    revision = values.get("revision")
    down = values.get("down_revision")
    if revision is None or down is None:
        return None
    ids = _strings(revision.value)
    parents = _strings(down.value)
    if ids is None or len(ids) != 1 or parents is None:
        return None
    labels = _strings(values["branch_labels"].value) if "branch_labels" in values else ()
    depends = _strings(values["depends_on"].value) if "depends_on" in values else ()
    return Revision(ids[0], parents, facts.path, facts.module, revision.span, down.span, bool(labels) or labels is None,
                    depends or (), facts.migration_ops)


def _norm(path: str) -> str:
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


def environments(modules: dict[str, ModuleFacts], configs: Iterable[tuple[str, str]] = ()) -> list[Environment]:
    """The Alembic environments of a project, each with its revisions.

    From the ini files' `script_location` / `version_locations` first; then an
    `env.py` with revisions in `versions/` beside it (Flask-Migrate's
    `migrations/` too); revision files left over are grouped by directory."""
    revisions: list[Revision] = []
    for facts in modules.values():
        if facts.is_migration:
            revision = revision_of(facts)
            if revision is not None:
                revisions.append(revision)
    if not revisions:
        return []
    env_modules = {_norm(os.path.dirname(f.path)): f.module for f in modules.values() if os.path.basename(f.path) == "env.py"}
    package_dirs = {f.module: os.path.dirname(f.path) for f in modules.values() if f.is_package}
    by_dir: dict[str, Environment] = {}  # version directory -> environment
    envs: dict[str, Environment] = {}
    for path, text in configs:
        for config in parse_alembic_config(path, text):
            script = _location(config.script_location, os.path.dirname(path), package_dirs)
            if script is None:
                continue
            key = _norm(script)
            if key in envs:
                continue
            version_dirs = tuple(
                _norm(d) for d in (
                    _location(v, os.path.dirname(path), package_dirs) for v in config.version_locations
                ) if d is not None
            ) or (_norm(os.path.join(script, "versions")),)
            env = Environment(script, env_module=env_modules.get(key), version_dirs=version_dirs, recursive=config.recursive)
            envs[key] = env
            for directory in version_dirs:
                by_dir.setdefault(directory, env)
    configured = list(envs)  # the script directories the ini files name
    for directory, module in sorted(env_modules.items()):
        versions = os.path.join(directory, "versions")
        if directory not in envs and versions not in by_dir:
            env = Environment(directory, env_module=module, version_dirs=(versions,))
            envs[directory] = env
            by_dir[versions] = env
    # Script directories whose version locations are known: an ini names them,
    # or env.py has revisions in `versions/` beside it. Alembic reads no other
    # directory below them (a draft parked in `migrations/temp/`).
    revision_dirs = {_norm(os.path.dirname(r.path)) for r in revisions}
    scripts = configured + [
        directory for directory in envs if directory not in configured
        and any(_within(found, versions) for versions in envs[directory].version_dirs for found in revision_dirs)
    ]
    for revision in sorted(revisions, key=lambda r: r.path):
        directory = _norm(os.path.dirname(revision.path))
        found: Optional[Environment] = by_dir.get(directory)
        if found is None:
            # Revisions in subdirectories of a version location belong to it too.
            parent = directory
            while found is None and os.path.dirname(parent) != parent:
                parent = os.path.dirname(parent)
                found = by_dir.get(parent)
        if found is None and any(directory != script and _within(directory, script) for script in scripts):
            continue  # below a script directory, outside its version locations: never read
        if found is None:
            found = Environment(os.path.dirname(revision.path), version_dirs=(directory,))
            envs[directory] = found
            by_dir[directory] = found
        found.revisions.append(revision)
    return [tree for _, env in sorted(envs.items()) if env.revisions for tree in _trees(env)]


def _within(directory: str, ancestor: str) -> bool:
    """Whether normalised path `directory` is `ancestor` or below it."""
    return directory == ancestor or directory.startswith(ancestor.rstrip(os.sep) + os.sep)


def _trees(env: Environment) -> list[Environment]:
    """The revision graphs Alembic may read from an environment's files.

    Without `recursive_version_locations`, Alembic reads only the files
    directly inside each version location; files in sub-directories are read
    when env.py points `version_locations` at them at run time (Prefect keeps
    `versions/postgresql/` and `versions/sqlite/` and picks one by dialect).
    So each directory of revision files is a graph of its own, unless they
    are version locations (read together), or a revision names a parent (or
    `depends_on`) that only another of them defines: then those are read
    together somehow, and stay one graph."""
    by_dir: dict[str, list[Revision]] = defaultdict(list)
    for revision in env.revisions:
        by_dir[_norm(os.path.dirname(revision.path))].append(revision)
    if env.recursive or len(by_dir) == 1:
        return [env]
    defined_in: dict[str, set[str]] = defaultdict(set)
    for directory, revisions in by_dir.items():
        for revision in revisions:
            defined_in[revision.revision].add(directory)
    group = {directory: directory for directory in by_dir}  # union-find

    def root(directory: str) -> str:
        while group[directory] != directory:
            directory = group[directory]
        return directory

    located = [directory for directory in sorted(by_dir) if directory in env.version_dirs]
    for directory in located[1:]:
        group[directory] = located[0]

    for directory, revisions in by_dir.items():
        for revision in revisions:
            for needed in revision.parents + revision.depends_on:
                owners = defined_in.get(needed, set())
                if directory not in owners and len(owners) == 1:
                    group[root(next(iter(owners)))] = root(directory)
    members: dict[str, list[str]] = defaultdict(list)
    for directory in sorted(by_dir):
        members[root(directory)].append(directory)
    if len(members) == 1:
        return [env]
    trees: list[Environment] = []
    for directories in members.values():
        own = any(d in env.version_dirs for d in directories)
        where = env.directory if own else os.path.commonpath(directories)
        revisions = [r for r in env.revisions if _norm(os.path.dirname(r.path)) in directories]
        trees.append(Environment(where, revisions, env.env_module, tuple(directories)))
    return sorted(trees, key=lambda tree: tree.directory)


def _location(value: str, ini_dir: str, package_dirs: dict[str, str]) -> Optional[str]:
    """A script/version location: a path (relative to the ini's directory, as
    Alembic run from there reads it) or `package:path` (a package of the project)."""
    match = re.match(r"^([A-Za-z_][\w.]*):(?![\\/])(.*)$", value)
    if match and not re.match(r"^[A-Za-z]:[\\/]", value):
        package = package_dirs.get(match.group(1))
        if package is None:
            return None
        return os.path.join(package, match.group(2))
    return value if os.path.isabs(value) else os.path.join(ini_dir, value)


# -- graph ---------------------------------------------------------------------------

def ordered(env: Environment) -> Optional[list[Revision]]:
    """The revisions in an order `alembic upgrade heads` may apply them;
    None when the graph is broken (duplicate ids, missing parents, a cycle)."""
    by_id: dict[str, Revision] = {}
    for revision in env.revisions:
        if revision.revision in by_id:
            return None
        by_id[revision.revision] = revision
    incoming: dict[str, set[str]] = {}
    for revision in env.revisions:
        needs = set(revision.parents) | {d for d in revision.depends_on if d in by_id}
        if any(parent not in by_id for parent in revision.parents):
            return None
        incoming[revision.revision] = needs
    children: dict[str, list[str]] = defaultdict(list)
    for rev_id, needs in incoming.items():
        for need in needs:
            children[need].append(rev_id)
    ready = sorted((by_id[r] for r, needs in incoming.items() if not needs), key=lambda r: (r.path, r.revision))
    result: list[Revision] = []
    remaining = {r: len(needs) for r, needs in incoming.items()}
    while ready:
        current = ready.pop(0)
        result.append(current)
        freed = []
        for child in children[current.revision]:
            remaining[child] -= 1
            if remaining[child] == 0:
                freed.append(by_id[child])
        ready = sorted(ready + freed, key=lambda r: (r.path, r.revision))
    return result if len(result) == len(env.revisions) else None


# -- the migrated schema --------------------------------------------------------------

@dataclass
class MigratedColumn:
    name: str
    family: Optional[str]
    display: str
    nullable: Optional[bool]  # None: unknown
    primary_key: bool
    path: str
    line: int


@dataclass
class MigratedIndex:
    columns: tuple[str, ...]  # lower-cased
    unique: bool
    name: Optional[str]
    partial: bool  # expressions or a WHERE clause: matches nothing
    kind: str = "index"  # index / unique / primary


@dataclass
class MigratedForeignKey:
    columns: tuple[str, ...]  # lower-cased
    referent: str  # lower-cased table name
    name: Optional[str]


@dataclass
class MigratedTable:
    name: str
    schema: Optional[str]
    path: str
    line: int
    columns: dict[str, MigratedColumn] = field(default_factory=dict)  # by lower-cased name
    indexes: list[MigratedIndex] = field(default_factory=list)
    foreign_keys: list[MigratedForeignKey] = field(default_factory=list)
    # Something may have changed this table that ormlint could not follow.
    uncertain: bool = False
    # An index or constraint was dropped by a name ormlint cannot place.
    constraints_uncertain: bool = False
    # A column type may have been changed by an operation ormlint cannot place.
    types_uncertain: bool = False


@dataclass
class MigratedSchema:
    env: Environment
    tables: dict[str, MigratedTable] = field(default_factory=dict)  # by lower-cased name
    # The history cannot be trusted (broken graph, unreadable operations).
    uncertain: bool = False
    reason: str = ""
    # ... on any table (an operation on an unknown table, create_all), or
    # only on the tables its operations name (`mentions`, lower-cased).
    blocks_all: bool = False
    mentions: set[str] = field(default_factory=set)
    # Constraint / type changes on tables ormlint cannot name: later tables too.
    constraints_uncertain: bool = False
    types_uncertain: bool = False
    # Tables a revision dropped and no later one created again (lower-cased).
    dropped: set[str] = field(default_factory=set)


# (module, type expression) -> resolved type; injected so replay needs no index.
TypeResolver = Callable[[str, Expr], "ColumnType"]

_SQL_TYPE_ALIASES = {
    "SERIAL": "INTEGER", "SERIAL4": "INTEGER", "BIGSERIAL": "BIGINT", "SERIAL8": "BIGINT", "SMALLSERIAL": "SMALLINT",
    "INT4": "INTEGER", "INT8": "BIGINT", "INT2": "SMALLINT", "CHARACTER VARYING": "VARCHAR", "CHARACTER": "CHAR",
    "DOUBLE PRECISION": "DOUBLE_PRECISION", "TIMESTAMPTZ": "TIMESTAMP", "BOOL": "BOOLEAN", "FLOAT8": "FLOAT",
    "FLOAT4": "REAL", "TINYINT": "SMALLINT", "MEDIUMINT": "INTEGER", "LONGTEXT": "TEXT", "MEDIUMTEXT": "TEXT",
    "TINYTEXT": "TEXT", "DATETIME2": "DATETIME",
}


def sql_type_family(word: Optional[str]) -> tuple[Optional[str], str]:
    if not word:
        return None, "?"
    word = " ".join(word.upper().split())
    if word.startswith(("TIMESTAMP WITH", "TIMESTAMP WITHOUT")):
        word = "TIMESTAMP"
    if word.startswith(("TIME WITH", "TIME WITHOUT")):
        word = "TIME"
    found = type_family(_SQL_TYPE_ALIASES.get(word, word))
    return (found[0] if found else None), word


class _Replay:
    def __init__(self, env: Environment, resolve: TypeResolver) -> None:
        self.schema = MigratedSchema(env)
        self.resolve = resolve

    def table(self, name: str, path: str, line: int) -> MigratedTable:
        key = name.lower()
        table = self.schema.tables.get(key)
        if table is None:
            # The history works on a table it never created: it starts from a
            # schema made elsewhere, which ormlint cannot see.
            table = MigratedTable(name, None, path, line, uncertain=True, constraints_uncertain=True)
            self.schema.tables[key] = table
        return table

    def column(self, column: MigrationColumn, module: str, path: str, primary: bool = False) -> MigratedColumn:
        if column.type is not None:
            resolved = self.resolve(module, column.type)
            family, display = resolved.family, resolved.display
        else:
            family, display = sql_type_family(column.sql_type)
            if column.sql_type is None:
                family, display = None, "?"
        is_primary = column.primary_key or primary
        if not column.nullable_known:
            nullable: Optional[bool] = None
        elif column.nullable is not None:
            nullable = column.nullable
        else:
            nullable = not is_primary
        if is_primary and column.nullable is None and column.nullable_known:
            nullable = False
        return MigratedColumn(column.name, family, display, nullable, is_primary, path, column.line)

    def apply(self, revision: Revision) -> None:
        for op in revision.ops:
            self.apply_op(op, revision)

    def apply_op(self, op: MigrationOp, revision: Revision) -> None:
        path = revision.path
        tables = self.schema.tables
        key = op.table.lower()
        if op.kind == "uncertain" and op.other in ("constraints", "type"):
            targets = list(tables.values()) if op.table == ANY_TABLE else [self.table(op.table, path, op.line)]
            for target in targets:
                if op.other == "constraints":
                    target.constraints_uncertain = True
                else:
                    target.types_uncertain = True
            if op.table == ANY_TABLE:
                if op.other == "constraints":
                    self.schema.constraints_uncertain = True
                else:
                    self.schema.types_uncertain = True
            return
        if op.kind == "create_all" or (op.kind == "uncertain" and op.table == ANY_TABLE):
            self.schema.uncertain = True
            self.schema.blocks_all = True
            self.schema.reason = self.schema.reason or f"{path}:{op.line}"
            return
        if op.kind == "uncertain":
            self.table(op.table, path, op.line).uncertain = True
            return
        if op.kind == "create_table":
            self.schema.dropped.discard(key)
            existed = key in tables
            table = MigratedTable(op.table, op.schema, path, op.line, uncertain=existed)
            primary = {n.lower() for n in op.names}
            for column in op.columns:
                table.columns[column.name.lower()] = self.column(column, revision.module, path, column.name.lower() in primary)
                self._column_constraints(table, column)
            if op.names:
                table.indexes.append(MigratedIndex(tuple(n.lower() for n in op.names), True, None, False, "primary"))
            elif any(c.primary_key for c in table.columns.values()):
                pk = tuple(c.name.lower() for c in table.columns.values() if c.primary_key)
                table.indexes.append(MigratedIndex(pk, True, None, False, "primary"))
            tables[key] = table
            return
        if op.kind == "drop_table":
            if tables.pop(key, None) is not None:
                self.schema.dropped.add(key)
            return
        if op.kind == "rename_table":
            table = tables.pop(key) if key in tables else self.table(op.table, path, op.line)
            tables.pop(key, None)
            new_key = op.other.lower()
            self.schema.dropped.discard(new_key)
            table.uncertain = table.uncertain or new_key in tables
            table.name = op.other
            for other in tables.values():
                for fk in other.foreign_keys:
                    if fk.referent == key:
                        fk.referent = new_key
            for fk in table.foreign_keys:
                if fk.referent == key:
                    fk.referent = new_key
            for index in table.indexes:
                index.name = None if index.kind == "primary" else index.name
            tables[new_key] = table
            return
        if op.table == ANY_TABLE:
            if op.kind == "drop_index":
                self._drop_named(None, op.name)
            return
        table = self.table(op.table, path, op.line)
        if op.kind == "add_column":
            for column in op.columns:
                if column.name.lower() in table.columns:
                    table.uncertain = True
                table.columns[column.name.lower()] = self.column(column, revision.module, path)
                self._column_constraints(table, column)
        elif op.kind == "drop_column":
            for name in op.names:
                if table.columns.pop(name.lower(), None) is None:
                    table.uncertain = True
                table.indexes = [i for i in table.indexes if name.lower() not in i.columns]
                table.foreign_keys = [f for f in table.foreign_keys if name.lower() not in f.columns]
        elif op.kind == "alter_column":
            name = op.names[0].lower()
            current = table.columns.get(name)
            if current is None:
                table.uncertain = True
                return
            if op.type is not None:
                resolved = self.resolve(revision.module, op.type)
                current.family, current.display = resolved.family, resolved.display
            elif op.sql_type is not None:
                current.family, current.display = sql_type_family(op.sql_type)
            elif op.existing_type is not None:
                # `existing_type=String(36)` without `type_=` on a column the revisions
                # made an integer: MySQL's MODIFY COLUMN writes the existing type back
                # (watcher's revision d098df6021e2 turns an INTEGER into VARCHAR(36)
                # so), other databases keep the column as it was. Its type depends on
                # the database: not known.
                existing = self.resolve(revision.module, op.existing_type)
                if existing.family is not None and current.family is not None and existing.family != current.family:
                    current.family, current.display = None, existing.display
            if not op.nullable_known:
                current.nullable = None
            elif op.nullable is not None:
                current.nullable = op.nullable
            if op.other:
                new = op.other.lower()
                table.columns.pop(name)
                current.name = op.other
                table.columns[new] = current
                for index in table.indexes:
                    index.columns = tuple(new if c == name else c for c in index.columns)
                for fk in table.foreign_keys:
                    fk.columns = tuple(new if c == name else c for c in fk.columns)
        elif op.kind in ("index", "primary_key"):
            kind = "primary" if op.kind == "primary_key" else ("unique" if op.unique else "index")
            table.indexes.append(MigratedIndex(tuple(n.lower() for n in op.names), op.unique, op.name, op.partial, kind))
            if op.kind == "primary_key":
                for name in op.names:
                    keyed = table.columns.get(name.lower())
                    if keyed is not None:
                        keyed.primary_key = True
                        keyed.nullable = False
        elif op.kind == "fk":
            if op.partial:
                table.constraints_uncertain = True
            table.foreign_keys.append(MigratedForeignKey(tuple(n.lower() for n in op.names), op.other, op.name))
        elif op.kind in ("drop_index", "drop_constraint"):
            self._drop_named(table, op.name)

    @staticmethod
    def _column_constraints(table: MigratedTable, column: MigrationColumn) -> None:
        name = column.name.lower()
        if column.unique:
            table.indexes.append(MigratedIndex((name,), True, None, False, "unique"))
        if column.index:
            table.indexes.append(MigratedIndex((name,), False, None, False, "index"))
        for referent in column.foreign_keys:
            table.foreign_keys.append(MigratedForeignKey((name,), referent, None))

    def _drop_named(self, table: Optional[MigratedTable], name: Optional[str]) -> None:
        candidates = [table] if table is not None else list(self.schema.tables.values())
        if name is None:
            for candidate in candidates:
                candidate.constraints_uncertain = True
            return
        lowered = name.lower()
        for candidate in candidates:
            before = len(candidate.indexes) + len(candidate.foreign_keys)
            candidate.indexes = [i for i in candidate.indexes if not _named(i.name, i.columns, i.kind, candidate.name, lowered)]
            candidate.foreign_keys = [f for f in candidate.foreign_keys if not _named(f.name, f.columns, "fk", candidate.name, lowered)]
            if len(candidate.indexes) + len(candidate.foreign_keys) < before:
                return
        for candidate in candidates:
            candidate.constraints_uncertain = True


def _named(name: Optional[str], columns: tuple[str, ...], kind: str, table: str, wanted: str) -> bool:
    """Whether a constraint is the one `wanted` names: its own name, or the
    name PostgreSQL gives an unnamed one (`users_email_key`, `users_pkey`...)."""
    if name is not None:
        return name.lower() == wanted
    table = table.lower()
    joined = "_".join(columns)
    implicit = {
        "primary": {f"{table}_pkey"},
        "unique": {f"{table}_{joined}_key", f"uq_{table}_{joined}", f"{table}_{joined}_key1"},
        "index": {f"ix_{table}_{joined}", f"{table}_{joined}_idx"},
        "fk": {f"{table}_{joined}_fkey"},
    }
    return wanted in implicit.get(kind, set())


def replay(env: Environment, resolve: TypeResolver) -> MigratedSchema:
    order = ordered(env)
    replayer = _Replay(env, resolve)
    for revision in env.revisions:
        for op in revision.ops:
            replayer.schema.mentions.add(op.table.lower())
            if op.kind == "rename_table":
                replayer.schema.mentions.add(op.other.lower())
            if op.kind == "create_all" or op.table == ANY_TABLE and op.kind == "uncertain" and op.other not in ("constraints", "type"):
                replayer.schema.blocks_all = True
    if order is None:
        replayer.schema.uncertain = True
        replayer.schema.reason = "the revision graph is broken"
        return replayer.schema
    for revision in order:
        replayer.apply(revision)
    return replayer.schema


# -- the project's migrated schemas, built once per run --------------------------------

@dataclass
class ProjectMigrations:
    environments: list[Environment]
    schemas: list[MigratedSchema]

    def table_for(self, name: Optional[str]) -> Optional[MigratedTable]:
        """The one certain migrated table with this name, or None: no
        environment creates it, several do, or an environment that might
        cannot be read."""
        if name is None:
            return None
        key = name.lower()
        found = [s.tables[key] for s in self.schemas if key in s.tables and not s.uncertain]
        if len(found) != 1 or any(s.uncertain and (s.blocks_all or key in s.mentions) for s in self.schemas):
            return None
        table = found[0]
        return None if table.uncertain else table


def project_migrations(index: "ProjectIndex", configs: Iterable[tuple[str, str]] = ()) -> ProjectMigrations:
    from ormlint.bases import BaseResolver
    from ormlint.columns import ColumnInterpreter

    envs = environments(index.modules, configs)
    if not envs or index.symbols is None:
        return ProjectMigrations(envs, [])
    interpreter = ColumnInterpreter(index.symbols, BaseResolver(index.symbols))
    return ProjectMigrations(envs, [replay(env, interpreter.resolve_type) for env in envs])
