"""Which databases a project is written for, as far as its code tells.

Read from the imports of every module: SQLAlchemy's dialect packages
(`from sqlalchemy.dialects import mysql`, `sqlalchemy.dialects.postgresql.JSONB`)
and the database drivers (`pymysql`, `psycopg2`, `sqlite3`...); and from the
database URLs written in it (`"mysql+aiomysql://..."`, `URL.create(drivername=
"postgresql+psycopg")`): most applications name their driver only there. A
project that names no database stays unknown: rules that depend on the
database then keep to what holds on most of them.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from ormlint.facts import ModuleFacts
from ormlint.test_paths import is_test_path

_DIALECT_PACKAGES = {
    "mysql": "mysql", "mariadb": "mysql", "postgresql": "postgresql", "postgres": "postgresql", "sqlite": "sqlite",
    "mssql": "mssql", "oracle": "oracle",
}
_DRIVERS = {
    "MySQLdb": "mysql", "pymysql": "mysql", "mysql": "mysql", "aiomysql": "mysql", "asyncmy": "mysql", "mariadb": "mysql",
    "psycopg2": "postgresql", "psycopg": "postgresql", "asyncpg": "postgresql", "pg8000": "postgresql",
    "geoalchemy2": "postgresql", "sqlite3": "sqlite", "aiosqlite": "sqlite", "pysqlite2": "sqlite",
    "pyodbc": "mssql", "pymssql": "mssql", "aioodbc": "mssql", "cx_Oracle": "oracle", "oracledb": "oracle",
}


def project_databases(modules: Iterable[ModuleFacts]) -> ProjectDatabases:
    """The databases the modules' imports name: "mysql" (also MariaDB),
    "postgresql", "sqlite", "mssql", "oracle"; in all modules, and in the
    application's own (not an Alembic revision, not a test)."""
    everywhere: set[str] = set()
    application: set[str] = set()
    for facts in modules:
        named = _named_databases(facts)
        everywhere |= named
        if named and not facts.is_migration and not is_test_path(facts.path):
            application |= named
    return ProjectDatabases(frozenset(everywhere), frozenset(application))


class ProjectDatabases(NamedTuple):
    everywhere: frozenset[str] = frozenset()
    application: frozenset[str] = frozenset()


def _named_databases(facts: ModuleFacts) -> set[str]:
    found: set[str] = {_DIALECT_PACKAGES[scheme] for scheme in facts.database_urls if scheme in _DIALECT_PACKAGES}
    for _, source, name, _, full in facts.imports:
        dotted = full or source
        root = dotted.split(".", 1)[0]
        if root in _DRIVERS:
            found.add(_DRIVERS[root])
        elif dotted.startswith("sqlalchemy.dialects"):
            parts = dotted.split(".")
            package = parts[2] if len(parts) > 2 else name or ""
            if package in _DIALECT_PACKAGES:
                found.add(_DIALECT_PACKAGES[package])
    return found


def foreign_keys_auto_indexed(databases: ProjectDatabases) -> bool:
    """MySQL (InnoDB, its default engine, and MariaDB's) creates an index for
    every foreign key that has none; PostgreSQL, SQLite, SQL Server and Oracle
    do not. True only for a project written for MySQL alone: its application
    code names MySQL (a type of its dialect in the models, its driver), and no
    module names another database. MySQL named only in Alembic revisions
    (which autogenerate writes for whichever database it ran against) or in
    tests is not enough: such projects often run on SQLite or PostgreSQL too."""
    return databases.application == {"mysql"} and databases.everywhere == {"mysql"}


# The dialects a URL's scheme names, longer names first (`postgresql` before `postgres`).
_SCHEMES = "|".join(sorted(_DIALECT_PACKAGES, key=len, reverse=True))
# A URL's scheme, the dialect with an optional driver, right before its `://`
# (not part of a longer word: `mysql://`, `"postgresql+asyncpg://`).
_URL_SCHEME = re.compile(rf"(?<![\w.+-])({_SCHEMES})(?:\+\w+)?$")
# The same given to `URL.create(drivername=...)` or yarl's `URL.build(scheme=...)`.
_URL_PART = re.compile(rf"""\b(?:drivername|scheme)\s*=\s*["']({_SCHEMES})(?:\+\w+)?["']""")


def databases_in_urls(text: str) -> frozenset[str]:
    """The dialects the database URLs written in `text` name: `mysql` for
    `"mysql+pymysql://u@h/db"`. Found from each `://` (rare in code, so the
    text is searched for it, not for every quote), and from `drivername=` or
    `scheme=` in a file that builds a `URL.` itself."""
    found: set[str] = set()
    position = text.find("://")
    while position >= 0:
        match = _URL_SCHEME.search(text, max(0, position - 30), position)
        if match is not None:
            found.add(match.group(1))
        position = text.find("://", position + 3)
    if "URL." in text:
        found.update(match.group(1) for match in _URL_PART.finditer(text))
    return frozenset(found)
