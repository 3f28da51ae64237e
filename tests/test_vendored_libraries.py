"""Third-party code shipped inside a repository (bazarr's `libs/`, filled by
`pip install --target`, holding SQLAlchemy itself): never analysed, and never
mistaken for the library it is a copy of."""

from __future__ import annotations

from pathlib import Path

from helpers import expected_marks, reported, write_example
from ormlint.discover import discover

MODELS = """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Child(Base):
    __tablename__ = "child"
    id = Column(Integer, primary_key=True)
    parent_id = Column(Integer, ForeignKey("nosuchtable.id"), index=True)  # ORM101
"""


def test_a_directory_of_installed_distributions_is_not_walked(tmp_path: Path) -> None:
    write_example(tmp_path, {
        "app/models.py": MODELS,
        "libs/sqlalchemy/__init__.py": "from sqlalchemy.sql import text\n",
        "libs/SQLAlchemy-2.0.37.dist-info/METADATA": "Name: SQLAlchemy\n",
        "libs/appdirs.py": "x = 1\n",
    })
    found = sorted(Path(source.display).relative_to(tmp_path).as_posix() for source in discover([tmp_path], [], tmp_path))
    assert found == ["app/models.py"]
    assert reported(tmp_path) == expected_marks(tmp_path) == {("app/models.py", 9, "ORM101")}
    # Given as the PATH itself, the directory is what the user asked for.
    assert [Path(s.display).name for s in discover([tmp_path / "libs"], [], tmp_path)] == ["appdirs.py", "__init__.py"]


def test_a_copy_of_sqlalchemy_among_the_modules_is_still_sqlalchemy(tmp_path: Path) -> None:
    # No `*.dist-info` beside it: the copy is analysed, but `from sqlalchemy
    # import Column` still names the library, so the models are seen.
    write_example(tmp_path, {
        "app/models.py": MODELS,
        "vendor/sqlalchemy/__init__.py": "",
        "vendor/sqlalchemy/orm/__init__.py": "",
    })
    assert reported(tmp_path) == {("app/models.py", 9, "ORM101")}
