"""Which tables a project creates (`ormlint.creation`), and the index rules'
silence on the tables of a database it only maps."""

from __future__ import annotations

import ast
import textwrap

import pytest

from ormlint.engine import build_index
from ormlint.extract import extract_module
from ormlint.index import ProjectIndex

_LIBRARY = """
from sqlalchemy import Column, ForeignKey, Integer, Table
from sqlalchemy.orm import declarative_base

LibraryBase = declarative_base()

class Book(LibraryBase):
    __tablename__ = "books"
    id = Column(Integer, primary_key=True)

class BookFile(LibraryBase):
    __tablename__ = "book_files"
    id = Column(Integer, primary_key=True)
    book_id = Column(Integer, ForeignKey("books.id"))

shelf_books = Table("shelf_books", LibraryBase.metadata, Column("book_id", ForeignKey("books.id")))
"""

_SETTINGS = """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

SettingsBase = declarative_base()

class Setting(SettingsBase):
    __tablename__ = "settings"
    id = Column(Integer, primary_key=True)
"""


def _index(sources: dict[str, str]) -> ProjectIndex:
    modules = {}
    for path, source in sources.items():
        module = path[: -len(".py")].replace("/", ".").replace(".__init__", "")
        text = textwrap.dedent(source)
        modules[module] = extract_module(ast.parse(text), path, module, path.endswith("__init__.py"), text)
    return build_index(modules, set())


def _never_created(sources: dict[str, str]) -> set[str]:
    index = _index({"app/library.py": _LIBRARY, "app/settings.py": _SETTINGS, **sources})
    return {table.name or "" for table in index.tables if index.creation.never_created(table)}


_LIBRARY_TABLES = {"books", "book_files", "shelf_books"}


@pytest.mark.parametrize("creates", [
    "from app.settings import SettingsBase\ndef init(engine):\n    SettingsBase.metadata.create_all(engine)\n",
    "from app.settings import SettingsBase\nasync def init(conn):\n    await conn.run_sync(SettingsBase.metadata.create_all)\n",
    "from app import settings\ndef init(engine):\n    settings.SettingsBase.metadata.create_all(bind=engine)\n",
    # An Alembic env.py (`None` besides: no autogenerate for it).
    "from app.settings import SettingsBase\ntarget_metadata = [SettingsBase.metadata, None]\n",
])
def test_tables_of_a_metadata_never_created_beside_one_created(creates: str) -> None:
    assert _never_created({"app/init.py": creates}) == _LIBRARY_TABLES


@pytest.mark.parametrize("creates", [
    # Nothing is created that ormlint can see: no table is singled out.
    "",
    "target_metadata = None\n",
    # A create_all whose MetaData cannot be named may create any table.
    "from app.settings import SettingsBase\ndef init(engine, metadata):\n"
    "    SettingsBase.metadata.create_all(engine)\n    metadata.create_all(engine)\n",
    "from app.settings import SettingsBase\nfrom app.config import chosen\ntarget_metadata = [SettingsBase.metadata, chosen()]\n",
    # An env.py that adds tables to its target_metadata afterwards (glance's
    # `_add_table` loop over a second base), or reflects into it.
    "from app.settings import SettingsBase\nfrom app.library import LibraryBase\ntarget_metadata = SettingsBase.metadata\n"
    "for table in LibraryBase.metadata.sorted_tables:\n    table.to_metadata(target_metadata)\n"
    "    target_metadata._add_table(table.name, None, table)\n",
    "from app.settings import SettingsBase\ntarget_metadata = SettingsBase.metadata\n"
    "def run_migrations_online(connection):\n    target_metadata.reflect(bind=connection)\n",
    # Both are created.
    "from app.settings import SettingsBase\nfrom app.library import LibraryBase\ndef init(engine):\n"
    "    SettingsBase.metadata.create_all(engine)\n    LibraryBase.metadata.create_all(engine)\n",
])
def test_no_table_singled_out_when_not_certain(creates: str) -> None:
    assert _never_created({"app/init.py": creates}) == set()


def test_tables_created_one_by_one_or_by_a_revision_are_created() -> None:
    sources = {
        "app/init.py": (
            "from app.settings import SettingsBase\nfrom app.library import Book, shelf_books\n"
            "def init(engine):\n    SettingsBase.metadata.create_all(engine)\n"
            "    Book.__table__.create(engine)\n    shelf_books.create(engine, checkfirst=True)\n"
        ),
        "migrations/versions/0001_files.py": (
            "from alembic import op\nimport sqlalchemy as sa\nrevision = '0001'\ndown_revision = None\n"
            "def upgrade():\n    op.create_table('book_files', sa.Column('id', sa.Integer(), primary_key=True))\n"
        ),
    }
    assert _never_created(sources) == set()


def test_a_create_method_of_a_mapped_class_creates_no_table() -> None:
    """datanommer: `Message.create(**kw)` is the model's own classmethod (it adds
    a row); SQLAlchemy gives mapped classes no `create`, only their `__table__`."""
    library = _LIBRARY.replace(
        "    __tablename__ = \"books\"\n",
        "    __tablename__ = \"books\"\n\n    @classmethod\n    def create(cls, **kw):\n        return cls(**kw)\n",
    )
    sources = {
        "app/library.py": library,
        "app/init.py": (
            "from app.settings import SettingsBase\nfrom app.library import Book\n"
            "def init(engine):\n    SettingsBase.metadata.create_all(engine)\n    Book.create(title='x')\n"
        ),
    }
    assert _never_created(sources) == _LIBRARY_TABLES


def test_a_revision_running_create_all_may_create_any_table() -> None:
    sources = {
        "app/init.py": "from app.settings import SettingsBase\ndef init(engine):\n    SettingsBase.metadata.create_all(engine)\n",
        "migrations/versions/0001_all.py": (
            "from alembic import op\nfrom app.library import LibraryBase\nrevision = '0001'\ndown_revision = None\n"
            "def upgrade():\n    LibraryBase.metadata.create_all(op.get_bind())\n"
        ),
    }
    assert _never_created(sources) == set()


def test_flask_sqlalchemy_create_all_creates_the_models_of_db() -> None:
    index = _index({
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
        "app/models.py": (
            "from app import db\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
        ),
        "app/library.py": _LIBRARY,
        "app/init.py": "from app import db\ndef init(app):\n    with app.app_context():\n        db.create_all()\n",
    })
    never = {table.name for table in index.tables if index.creation.never_created(table)}
    assert never == _LIBRARY_TABLES


@pytest.mark.parametrize("made", ["SQLAlchemy(metadata=SettingsBase.metadata)", "SQLAlchemy(model_class=SettingsBase)"])
def test_flask_sqlalchemy_create_all_creates_what_db_was_given(made: str) -> None:
    # coaster's tests: `db = SQLAlchemy(metadata=Model.metadata)`, then `db.create_all()`.
    db = f"from flask_sqlalchemy import SQLAlchemy\nfrom app.settings import SettingsBase\ndb = {made}\n"
    init = "from app.db import db\ndef init(app):\n    db.create_all()\n"
    assert _never_created({"app/db.py": db, "app/init.py": init}) == _LIBRARY_TABLES


def test_create_all_at_module_level_names_the_modules_base() -> None:
    # calibre-web's gdriveutils: `Base = declarative_base()` then, at module level,
    # `Base.metadata.create_all(engine)`.
    init = (
        "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import declarative_base\n"
        "Base = declarative_base()\nengine = create_engine('sqlite://')\nBase.metadata.create_all(engine)\n"
        "from app.settings import SettingsBase\nSettingsBase.metadata.create_all(engine)\n"
    )
    assert _never_created({"app/init.py": init}) == _LIBRARY_TABLES
