"""Which databases a project's imports name (`ormlint.dialects`)."""

from __future__ import annotations

import ast

import pytest

from ormlint.dialects import ProjectDatabases, foreign_keys_auto_indexed, project_databases
from ormlint.extract import extract_module


def _project(*sources: str, path: str = "app/m{n}.py") -> ProjectDatabases:
    modules = [extract_module(ast.parse(text), path.format(n=n), f"m{n}", False, text) for n, text in enumerate(sources)]
    return project_databases(modules)


def _databases(*sources: str) -> frozenset[str]:
    return _project(*sources).everywhere


@pytest.mark.parametrize("source, expected", [
    ("from sqlalchemy.dialects import mysql\n", {"mysql"}),
    ("from sqlalchemy.dialects.mysql import LONGTEXT\n", {"mysql"}),
    ("import sqlalchemy.dialects.postgresql\n", {"postgresql"}),
    ("from sqlalchemy.dialects.postgresql import JSONB as J\n", {"postgresql"}),
    ("import pymysql\n", {"mysql"}),
    ("from mysql.connector import connect\n", {"mysql"}),
    ("import MySQLdb\nimport sqlite3\n", {"mysql", "sqlite"}),
    ("import asyncpg\n", {"postgresql"}),
    ("from sqlalchemy import Column\nimport sqlalchemy.dialects\n", set()),
    ("import os\n", set()),
])
def test_databases_from_imports(source: str, expected: set[str]) -> None:
    assert _databases(source) == expected


def test_only_a_project_for_mysql_alone_has_its_foreign_keys_indexed() -> None:
    assert foreign_keys_auto_indexed(_project("from sqlalchemy.dialects import mysql\n", "import pymysql\n"))
    assert not foreign_keys_auto_indexed(_project("from sqlalchemy.dialects import mysql\n", "import psycopg2\n"))
    assert not foreign_keys_auto_indexed(_project("import os\n"))
    # CTFd: MySQL named only by revisions that autogenerate wrote; it runs on SQLite too.
    revision = 'from sqlalchemy.dialects import mysql\nrevision = "a1"\ndown_revision = None\n'
    assert not foreign_keys_auto_indexed(_project(revision, path="migrations/versions/m{n}.py"))
    assert not foreign_keys_auto_indexed(_project("import pymysql\n", path="tests/test_m{n}.py"))
