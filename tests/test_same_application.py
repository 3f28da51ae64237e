"""ORM110 compares two mappings of one table only when they describe one
database: separate example (or test) programs do not, however ormlint is
pointed at them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ormlint.config import Config
from ormlint.engine import run
from ormlint.selection import resolve_selection

from helpers import write_example

APP = """
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

app = Flask(__name__)
db = SQLAlchemy(app)

class User(db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    {columns}
"""


@pytest.mark.parametrize("walked", [".", "examples"])
def test_example_apps_are_not_one_database_from_inside_their_directory(tmp_path: Path, monkeypatch, walked: str) -> None:
    # Flask-Admin's examples, each its own app and database: `ormlint .` run in
    # `examples/` reaches `a/main.py`, whose module is still `examples.a.main`.
    write_example(tmp_path, {
        "examples/__init__.py": "",
        "examples/a/__init__.py": "",
        "examples/a/main.py": APP.format(columns="username: Mapped[str] = mapped_column(String(80))"),
        "examples/b/__init__.py": "",
        "examples/b/main.py": APP.format(columns="first_name: Mapped[str] = mapped_column(String(80))\n    email: Mapped[str] = mapped_column(String(120))"),
    })
    monkeypatch.chdir(tmp_path / "examples" if walked == "." else tmp_path)
    result = run([Path(walked)], Config(), resolve_selection(["ORM110"], [], []))
    assert [(d.filename, d.code) for d in result.diagnostics] == []
