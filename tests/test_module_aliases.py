"""Modules imported by another name than discovery gives them: namespace
packages above the packages, and applications without `__init__.py` files run
from a directory below the analysed root (`ormlint.module_aliases`)."""

from __future__ import annotations

from pathlib import Path

from ormlint.facts import ModuleFacts
from ormlint import module_aliases as aliases_module
from ormlint.module_aliases import module_aliases

from helpers import expected_marks, reported, write_example

MODELS = """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String(50))
"""


def _facts(path: str, module: str, is_package: bool = False) -> ModuleFacts:
    return ModuleFacts(path, module, is_package, (), (), (), (), (), frozenset())


def test_a_namespace_package_above_the_packages(tmp_path: Path) -> None:
    # `src/shop` has no __init__.py: the package is `db`, imported as `shop.db`.
    write_example(tmp_path, {
        "src/shop/db/__init__.py": "",
        "src/shop/db/models.py": MODELS,
        "src/shop/services/__init__.py": "",
        "src/shop/services/users.py": """
from shop.db.models import User
from shop.db import models


def find(session, name):
    return session.query(User).filter(User.name == name).first()  # ORM201


def make(name):
    return models.User(name=name)  # ORM202
""",
    })
    assert reported(tmp_path) == expected_marks(tmp_path)


def test_a_distribution_directory_named_like_its_package(tmp_path: Path) -> None:
    """datanommer: `datanommer.models/` holds the namespace package `datanommer`
    with the package `models` in it, and tests beside them. The tests, outside
    any package, are named by path (`datanommer.models.tests.test_model`), yet
    no package `datanommer.models` holds them: the package keeps its alias."""
    write_example(tmp_path, {
        "datanommer.models/datanommer/models/__init__.py": MODELS,
        "datanommer.models/tests/test_model.py": "def test_nothing():\n    pass\n",
        "tools/report.py": """
from datanommer.models import User


def find(session, name):
    return session.query(User).filter(User.name == name).first()  # ORM201
""",
    })
    assert reported(tmp_path) == expected_marks(tmp_path)


def test_an_application_run_from_a_directory_below_the_root(tmp_path: Path) -> None:
    # No __init__.py anywhere: run from `backend/`, it imports `database.models`.
    write_example(tmp_path, {
        "backend/database/models.py": MODELS,
        "backend/database/repo.py": """
from database.models import User


def find(session, name):
    return session.query(User).filter(User.name == name).first()  # ORM201
""",
        "backend/main.py": """
import database.models as models


def make(name):
    return models.User(name=name)  # ORM202
""",
    })
    assert reported(tmp_path) == expected_marks(tmp_path)


def test_a_name_two_modules_could_have_is_nobodys(tmp_path: Path) -> None:
    # `models` could be backend/models.py or worker/models.py: unknown, silent.
    write_example(tmp_path, {
        "backend/models.py": MODELS,
        "worker/models.py": MODELS,
        "backend/repo.py": """
from models import User


def find(session, name):
    return session.query(User).filter(User.name == name).first()
""",
    })
    assert reported(tmp_path) == set()


def test_a_package_directory_on_the_path(tmp_path: Path) -> None:
    # OpenHands: `enterprise/` is a package, and also the directory its
    # server runs from, so its modules import `storage.base`.
    write_example(tmp_path, {
        "enterprise/__init__.py": "",
        "enterprise/storage/__init__.py": "",
        "enterprise/storage/base.py": "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
        "enterprise/storage/workspace.py": """
from sqlalchemy import Column, Integer
from storage.base import Base


class Workspace(Base):
    __tablename__ = "workspaces"
    id = Column(Integer, primary_key=True)
""",
        "enterprise/storage/member.py": """
from sqlalchemy import Column, Integer
from storage.base import Base
from storage.workspace import Workspace


class Member(Base):
    __tablename__ = "members"
    id = Column(Integer, primary_key=True)
    workspace_id = Column(Integer, nullable=False)  # ORM115
""",
        "enterprise/server/celery.py": "",
        "enterprise/server/tasks.py": """
from celery import Celery  # the library, not server/celery.py
""",
    })
    assert reported(tmp_path) == expected_marks(tmp_path)
    modules = {
        "enterprise": _facts("enterprise/__init__.py", "enterprise", True),
        "enterprise.server": _facts("enterprise/server/__init__.py", "enterprise.server", True),
        "enterprise.server.celery": _facts("enterprise/server/celery.py", "enterprise.server.celery"),
    }
    aliases = module_aliases(modules)
    assert aliases["server.celery"] == "enterprise.server.celery"
    assert "celery" not in aliases


def test_aliases() -> None:
    modules = {
        "db": _facts("src/shop/db/__init__.py", "db", True),
        "db.models": _facts("src/shop/db/models.py", "db.models"),
        "backend.database.models": _facts("backend/database/models.py", "backend.database.models"),
        "backend.email": _facts("backend/email.py", "backend.email"),
        "tests.conftest": _facts("tests/conftest.py", "tests.conftest"),
        "backend.conftest": _facts("backend/conftest.py", "backend.conftest"),
        "pkg": _facts("pkg/__init__.py", "pkg", True),
        "pkg.models": _facts("pkg/models.py", "pkg.models"),
    }
    aliases = module_aliases(modules)
    assert aliases["shop.db"] == "db"
    assert aliases["shop.db.models"] == "db.models"
    assert aliases["src.shop.db.models"] == "db.models"
    assert aliases["database.models"] == "backend.database.models"
    assert aliases["models"] == "backend.database.models"
    # Inside a package a module has no one-part name of its own.
    assert "models" not in [alias for alias, module in aliases.items() if module == "pkg.models"]
    assert "email" not in aliases  # the standard library's
    assert "conftest" not in aliases  # two modules could be it
    assert "backend" not in aliases and "db" not in aliases  # names the project has


def test_the_standard_library_without_its_list(monkeypatch) -> None:
    # Python 3.9 has no `sys.stdlib_module_names`: the library's directory says.
    monkeypatch.delattr(aliases_module.sys, "stdlib_module_names", raising=False)
    names = aliases_module._standard_library()
    assert {"email", "json", "logging", "sys"} <= names
    assert "sqlalchemy" not in names
