"""Sessions and transactions (ORM501-ORM508): the audits' scenarios, rebuilt in our own code."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import expected_marks, reported, write_example
from ormlint.config import Config, parse_config
from ormlint.session_extract import extract_sessions

# The second audit's data layer: an async unit-of-work helper that commits on
# exit, a repository that commits inside it, a service that opens two
# sessions, and a hard delete of a model with `deleted_at`.
SECOND_AUDIT = {
    "db/__init__.py": "",
    "db/models.py": '''
from sqlalchemy import Column, DateTime, Integer, String
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase


class Base(AsyncAttrs, DeclarativeBase):
    pass


class Thought(Base):
    __tablename__ = "thoughts"
    id = Column(Integer, primary_key=True)
    text = Column(String)


class ProjectFile(Base):
    __tablename__ = "project_files"
    id = Column(Integer, primary_key=True)
    name = Column(String)
    deleted_at = Column(DateTime)


class Project(Base):
    __tablename__ = "projects"
    id = Column(Integer, primary_key=True)
    file_count = Column(Integer)
''',
    "db/connection.py": '''
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("postgresql+asyncpg://app@db/app", pool_pre_ping=True)
SessionFactory = async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def get_db_session():
    async with SessionFactory() as session:
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise
''',
    "db/data_access.py": '''
from db.connection import get_db_session
from db.models import Thought


async def save_thought(text):
    async with get_db_session() as session:
        session.add(Thought(text=text))
        await session.commit()  # ORM502
''',
    "db/service.py": '''
from sqlalchemy.ext.asyncio import AsyncSession

from db.connection import get_db_session
from db.models import Project, ProjectFile


async def save_file(project_id, name):
    async with get_db_session() as session:
        session.add(ProjectFile(name=name))
    async with get_db_session() as session:  # ORM503
        project = await session.get(Project, project_id)
        project.file_count += 1
        session.add(project)


async def delete_file(session: AsyncSession, file_id):
    project_file = await session.get(ProjectFile, file_id)
    await session.delete(project_file)  # ORM504
''',
}

# The fourth audit: a repository that commits on `self.db` without try/except.
FOURTH_AUDIT = {
    "backend/__init__.py": "",
    "backend/models.py": '''
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Evaluation(Base):
    __tablename__ = "evaluations"
    id = Column(Integer, primary_key=True)
    verdict = Column(String)
''',
    "backend/evaluation_repository.py": '''
import logging

from sqlalchemy.orm import Session

from backend.models import Evaluation

logger = logging.getLogger(__name__)


class EvaluationRepository:
    def __init__(self, db: Session):
        self.db = db

    def create(self, verdict):
        db_evaluation = Evaluation(verdict=verdict)
        self.db.add(db_evaluation)
        self.db.commit()  # ORM508
        self.db.refresh(db_evaluation)
        return db_evaluation

    def update(self, evaluation, verdict):
        try:
            evaluation.verdict = verdict
            self.db.commit()
        except Exception as e:
            self.db.rollback()
            logger.error("Failed to update evaluation: %s", str(e), exc_info=True)
            raise
        return evaluation
''',
}


def test_second_audit_transaction_scenarios(tmp_path: Path) -> None:
    write_example(tmp_path, SECOND_AUDIT)
    found = reported(tmp_path, select=["ORM5"])
    assert found == expected_marks(tmp_path)


def test_fourth_audit_commit_without_rollback_is_opt_in(tmp_path: Path) -> None:
    write_example(tmp_path, FOURTH_AUDIT)
    assert reported(tmp_path) == set()  # default rules: silent
    assert reported(tmp_path, select=["ORM508"]) == expected_marks(tmp_path)


def test_orm501_and_orm508_never_on_the_same_commit(tmp_path: Path) -> None:
    write_example(tmp_path, '''
from sqlalchemy.orm import Session

def import_rows(session: Session, rows):
    for row in rows:
        session.add(row)
        try:
            session.commit()  # ORM501
        except Exception:
            pass
''')
    assert reported(tmp_path, select=["ORM501", "ORM508"]) == expected_marks(tmp_path)


def test_orm508_silent_in_tests(tmp_path: Path) -> None:
    write_example(tmp_path, {"tests/test_repo.py": '''
from sqlalchemy.orm import Session

def test_create(session: Session):
    session.add(object())
    session.commit()
'''})
    assert reported(tmp_path, select=["ORM508"]) == set()


def test_no_session_facts_for_tests() -> None:
    """No session rule reads tests, so extraction leaves their session facts out."""
    from ormlint.extract import extract_module

    source = "def save(session, item):\n    session.add(item)\n    session.commit()\n"
    tree = ast.parse(source)
    assert [fn.name for fn in extract_module(tree, "app/service.py", "app.service", False, source).sessions] == ["save"]
    for path in ("tests/service.py", "app/testing/db.py", "app/test_service.py", "app/service_test.py", "conftest.py"):
        assert extract_module(tree, path, "m", False, source).sessions == (), path


HELPER = '''
from contextlib import contextmanager
from sqlalchemy.orm import Session

@contextmanager
def session_scope():
    session = Session()
    yield session
    session.commit()
'''


def test_a_scope_helper_in_a_test_module_is_unknown(tmp_path: Path) -> None:
    """Application code does not import from tests; if it does, the helper is
    unknown (its session facts were not made) and the rules stay silent."""
    service = '''
from app.{module} import session_scope

def save(item):
    with session_scope() as session:
        session.add(item)
        session.commit()  # ORM502
'''
    write_example(tmp_path / "plain", {"app/__init__.py": "", "app/db.py": HELPER, "app/service.py": service.format(module="db")})
    assert reported(tmp_path / "plain", select=["ORM502"]) == expected_marks(tmp_path / "plain") != set()
    write_example(tmp_path / "testing", {"app/__init__.py": "", "app/testing/__init__.py": "", "app/testing/db.py": HELPER,
                                         "app/service.py": service.format(module="testing.db")})
    assert reported(tmp_path / "testing", select=["ORM502"]) == set()


def test_soft_delete_columns_setting(tmp_path: Path) -> None:
    write_example(tmp_path, '''
from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    removed_on = Column(DateTime)

def drop(session: Session, note_id: int):
    session.delete(session.get(Note, note_id))
''')
    assert reported(tmp_path, select=["ORM504"]) == set()
    config = parse_config({"soft-delete-columns": ["removed_on"]})
    assert config.soft_delete_columns == ["removed_on"]
    assert reported(tmp_path, select=["ORM504"], config=config) == {("models.py", 12, "ORM504")}
    assert Config().soft_delete_columns == []


def _sinks(source: str) -> dict[str, tuple[str, ...]]:
    functions = extract_sessions(ast.parse(source))
    return {fn.name: sink.sources for fn in functions for sink in fn.sinks}


def test_sql_taint_follows_parameters_and_stops_at_safe_values() -> None:
    sinks = _sinks('''
def public(session, name: str, limit: int, table):
    session.execute(text(f"SELECT * FROM {table.name} WHERE n = '{name}' LIMIT {limit}"))

def numeric(session, ids: str):
    session.execute(text("DELETE FROM t WHERE id = %d" % int(ids)))

def looked_up(session, key: str):
    column = COLUMNS[key]
    session.execute(text(f"SELECT {column} FROM t"))

def _private(session, value):
    session.execute(text(f"SELECT * FROM t WHERE v = '{value}'"))

def _only_literals(session, value):
    session.execute(text(f"SELECT * FROM t WHERE v = '{value}'"))

def calls_private(session, user_value: str):
    _private(session, user_value)
    _only_literals(session, "constant")
''')
    assert sinks == {"public": ("name",), "_private": ("value",)}


def test_functions_of_a_revision_are_private_to_it(tmp_path: Path) -> None:
    # Alembic loads a revision by its path and nothing imports it: its
    # functions are only called by the revision itself, here with literals.
    write_example(tmp_path, {"migrations/versions/0001_x.py": '''
from alembic import op

revision = "0001"
down_revision = None

def set_status(status):
    op.execute(f"UPDATE t SET status = '{status}'")

def upgrade():
    for table in ("a", "b"):
        op.execute(f"ALTER TABLE {table} ADD COLUMN x int")
    set_status("done")
''', "app/status.py": '''
from sqlalchemy import text

def set_status(session, status):
    session.execute(text(f"UPDATE t SET status = '{status}'"))  # ORM505
'''})
    assert reported(tmp_path, select=["ORM505"]) == expected_marks(tmp_path)
