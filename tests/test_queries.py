"""Query facts and the ORM3xx query rules: the audits' findings, configuration, extraction shapes."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from helpers import expected_marks, reported, write_example
from ormlint.config import Config
from ormlint.query_extract import LoaderPath, extract_queries

# The first audit: `user_id` foreign keys of user-scoped tables without an index.
AUDIT_1 = {
    "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
    "app/models.py": """
from app import db

class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)

class UserActivity(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)  # ORM301

class UserMetrics(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)  # ORM301

class BankAccount(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)  # ORM301

class Transaction(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)  # ORM301
    account_id = db.Column(db.Integer, db.ForeignKey("bank_account.id"), nullable=False)  # ORM301

class Budget(db.Model):
    # indexed: not a finding
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)

class Goal(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime)
    __table_args__ = (db.Index("ix_goal_user_created", "user_id", "created_at"),)
""",
}

# The third audit: `ExerciseDB.deleted_at` filtered by every query of the repository, no index.
AUDIT_3 = {
    "backend/database/models.py": """
from sqlalchemy import Boolean, Column, DateTime, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class ExerciseDB(Base):
    __tablename__ = "exercises"
    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    is_active = Column(Boolean, default=True)
    deleted_at = Column(DateTime, nullable=True)  # ORM302
""",
    "backend/database/repositories/exercise_repository.py": """
from sqlalchemy.orm import Session

from backend.database.models import ExerciseDB


class ExerciseRepository:
    def __init__(self, db: Session):
        self.db = db

    def get_active(self):
        return self.db.query(ExerciseDB).filter(ExerciseDB.is_active == True, ExerciseDB.deleted_at == None).all()

    def count_active(self):
        query = self.db.query(ExerciseDB).filter(ExerciseDB.deleted_at.is_(None))
        return query.count()

    def by_id(self, exercise_id: int):
        # the primary key leads an index: this query is fine
        return self.db.query(ExerciseDB).filter(ExerciseDB.id == exercise_id, ExerciseDB.deleted_at.is_(None)).first()

    def search(self, text: str):
        # a LIKE pattern an index would not serve: not counted
        return self.db.query(ExerciseDB).filter(ExerciseDB.title.ilike(f"%{text}%"), ExerciseDB.deleted_at.is_(None)).all()
""",
}


def _write(root: Path, files: dict[str, str]) -> None:
    write_example(root, files)


def test_first_audit_foreign_keys_without_index(tmp_path: Path) -> None:
    _write(tmp_path, AUDIT_1)
    assert reported(tmp_path, select=["ORM301"]) == expected_marks(tmp_path)


def test_third_audit_deleted_at_filtered_everywhere(tmp_path: Path) -> None:
    _write(tmp_path, AUDIT_3)
    assert reported(tmp_path, select=["ORM302"]) == expected_marks(tmp_path)


def test_orm302_message_names_the_query_sites(tmp_path: Path) -> None:
    from ormlint.engine import run
    from ormlint.selection import resolve_selection

    _write(tmp_path, AUDIT_3)
    result = run([tmp_path], Config(), resolve_selection(["ORM302"], [], []))
    (diagnostic,) = result.diagnostics
    assert "`ExerciseDB.deleted_at`" in diagnostic.message and "`exercises`" in diagnostic.message
    assert "exercise_repository.py:11" in diagnostic.message and "exercise_repository.py:14" in diagnostic.message
    assert "exercise_repository.py:19" not in diagnostic.message  # by primary key
    assert diagnostic.hint is not None and "index=True" in diagnostic.hint


def test_orm302_index_added_is_silent(tmp_path: Path) -> None:
    files = dict(AUDIT_3)
    files["backend/database/models.py"] = files["backend/database/models.py"].replace(
        "deleted_at = Column(DateTime, nullable=True)  # ORM302", "deleted_at = Column(DateTime, nullable=True, index=True)"
    )
    _write(tmp_path, files)
    assert reported(tmp_path, select=["ORM302"]) == set()


def test_orm302_small_tables_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path, AUDIT_3)
    assert reported(tmp_path, select=["ORM302"], config=Config(small_tables=["exercises"])) == set()
    assert reported(tmp_path, select=["ORM302"], config=Config(small_tables=["ExerciseDB"])) == set()


def test_orm302_index_created_by_a_migration_is_silent(tmp_path: Path) -> None:
    files = dict(AUDIT_3)
    files["migrations/versions/0001_init.py"] = """
from alembic import op

revision = "0001"
down_revision = None

def upgrade():
    op.create_index("idx_exercises_deleted", "exercises", ["deleted_at"])
"""
    _write(tmp_path, files)
    assert reported(tmp_path, select=["ORM302"]) == set()


COMPOSITE = """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Task(Base):  # ORM303
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, index=True)
    status = Column(String(10))

def open_tasks(session: Session, uid: int):
    return session.query(Task).filter(Task.user_id == uid, Task.status == "open").all()

def done_tasks(session: Session, uid: int):
    return session.query(Task).filter_by(user_id=uid, status="done").all()
"""


def test_composite_min_sites(tmp_path: Path) -> None:
    write_example(tmp_path, COMPOSITE)
    assert reported(tmp_path, select=["ORM303"]) == expected_marks(tmp_path)
    assert reported(tmp_path, select=["ORM303"], config=Config(composite_min_sites=3)) == set()


def test_composite_min_sites_config_key() -> None:
    from ormlint.config import parse_config
    from ormlint.engine import rule_settings

    config = parse_config({"composite-min-sites": 4, "small-tables": ["lookups"]})
    settings = rule_settings(config)
    assert settings.composite_min_sites == 4 and settings.small_tables == frozenset({"lookups"})


# More N+1 patterns than the rule's own examples (the issue asks for >= 12 of each).
N_PLUS_ONE = {
    "app/__init__.py": "",
    "app/models.py": """
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Org(Base):
    __tablename__ = "orgs"
    id: Mapped[int] = mapped_column(primary_key=True)
    members: Mapped[list["Member"]] = relationship(back_populates="org")
    teams: Mapped[list["Team"]] = relationship(back_populates="org", lazy="selectin")

class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    org: Mapped[Org] = relationship(back_populates="teams")

class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    org: Mapped[Org] = relationship(back_populates="members")
    badges: Mapped[list["Badge"]] = relationship()

class Badge(Base):
    __tablename__ = "badges"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
""",
    "app/service.py": """
from sqlalchemy import select
from sqlalchemy.orm import Load, Session, joinedload, selectinload, subqueryload

from app.models import Member, Org


def invalid(session: Session):
    for org in session.scalars(select(Org)):
        print(len(org.members))  # ORM304
    names = {m.org.id: m.name for m in session.scalars(select(Member).where(Member.id > 5)).all()}  # ORM304
    stmt = select(Member).options(selectinload(Member.badges))
    for member in session.scalars(stmt):
        print(member.org.id)  # ORM304


async def invalid_async(session):
    result = await session.execute(select(Org).order_by(Org.id))
    for org in result.scalars().all():
        print(org.members)  # ORM304


def valid(session: Session, org_id: int, rows: list):
    for org in session.scalars(select(Org).options(Load(Org).selectinload(Org.members))):
        print(org.members)
    opts = []
    opts.append(subqueryload(Member.badges))
    for member in session.query(Member).options(*opts):
        print(member.badges)
    for org in session.scalars(select(Org)):
        print(org.teams)  # lazy="selectin" on the relationship
    for member in session.scalars(select(Member).where(Member.org_id == org_id)):
        print(member.org.id)  # every row has the same org: one load, then the identity map
    for member in rows:
        print(member.org)  # not query results
    for member in session.query(Member).options(joinedload(Member.org).selectinload(Org.members)):
        print([m.name for m in member.org.members])
    org = session.get(Org, org_id)
    for member in org.members:
        print(member.org.id)  # the way back along the collection
""",
}


def test_more_n_plus_one_patterns(tmp_path: Path) -> None:
    write_example(tmp_path, N_PLUS_ONE)
    assert reported(tmp_path, select=["ORM304"]) == expected_marks(tmp_path)


# The second audit: `save_multiple_files()` calls `save_project_file()`, which queries and flushes.
AUDIT_2 = """
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class ProjectFile(Base):
    __tablename__ = "project_files"
    id = Column(Integer, primary_key=True)
    path = Column(String(200), unique=True)


def save_project_file(session: Session, path: str) -> ProjectFile:
    existing = session.scalars(select(ProjectFile).where(ProjectFile.path == path)).first()
    if existing is None:
        existing = ProjectFile(path=path)
        session.add(existing)
    session.flush()
    return existing


def save_multiple_files(session: Session, paths: list) -> list:
    return [save_project_file(session, p) for p in paths]  # ORM305


def save_all_at_once(session: Session, paths: list) -> None:
    session.add_all([ProjectFile(path=p) for p in paths])
    session.commit()
"""


def test_second_audit_round_trip_through_a_helper(tmp_path: Path) -> None:
    write_example(tmp_path, AUDIT_2)
    assert reported(tmp_path, select=["ORM305"]) == expected_marks(tmp_path)


def _facts(source: str):
    return {f.name: f for f in extract_queries(ast.parse(textwrap.dedent(source)))}


def test_extraction_follows_variables_and_loader_chains() -> None:
    facts = _facts("""
        def f(session, active):
            opts = [defaultload(User.posts).selectinload(Post.tags)]
            q = session.query(User).options(*opts, Load(User).joinedload(User.profile))
            conditions = [User.email == "x"]
            if active:
                conditions.append(User.deleted_at.is_(None))
            q = q.filter(and_(*conditions))
            return q.all()
    """)
    queries = facts["f"].queries
    final = queries[-1]
    assert final.root == "var" and final.methods == ("all",)
    refined = queries[final.bases[-1]]
    assert {(c.base, c.attr, c.op) for c in refined.conditions} == {("User", "email", "cmp"), ("User", "deleted_at", "is_")}
    assert refined.conditions_complete
    root = queries[0]
    assert root.options == (
        LoaderPath((("defaultload", "posts"), ("selectinload", "tags"))),
        LoaderPath((("joinedload", "profile"),)),
    )


def test_extraction_marks_unreadable_conditions_and_options() -> None:
    facts = _facts("""
        def f(session, extra, opts):
            return session.query(User).filter(build(extra)).options(*opts).all()
    """)
    (query,) = facts["f"].queries
    assert not query.conditions_complete and not query.options_complete


def test_extraction_loops_and_sources() -> None:
    facts = _facts("""
        class Repo:
            def run(self, ids):
                users = self.session.scalars(select(User)).all()
                for i, user in enumerate(users):
                    for post in user.posts:
                        post.author
                for attempt in range(3):
                    self.session.commit()
                    break
                while True:
                    self.session.commit()
    """)
    run = facts["Repo.run"]
    assert run.class_name == "Repo"
    first, inner, retry, poll = run.loops
    assert first.target == "user" and first.source[0] == "query"
    assert inner.source == ("attr", "user", "posts") and inner.parent == 0
    assert retry.repeating and poll.repeating
    assert [(a.base, a.attr) for a in run.accesses] == [("user", "posts"), ("post", "author")]


# -- a query variable refined step by step under conditions --------------------

def _stepwise_project(steps: int) -> dict[str, str]:
    lines = ["from sqlalchemy import select", "", "from models import Item", "", "", "def find(session, flags):",
             "    stmt = select(Item)"]
    for number in range(steps):
        lines += [f"    if flags[{number}]:", f"        stmt = stmt.where(Item.c{number % 2 + 1} == {number})"]
    lines.append("    return session.scalars(stmt).all()")
    return {
        "models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "item"
    id = Column(Integer, primary_key=True)
    c1 = Column(Integer)
    c2 = Column(Integer)
""",
        "usage.py": "\n".join(lines) + "\n",
    }


def test_a_query_refined_under_many_conditions_merges_each_condition_once(tmp_path: Path) -> None:
    # Privacyidea's shape: each `if` may skip its step, so every assignment is
    # reached by all the earlier ones. Merging their conditions by plain
    # concatenation doubled them with each step (28 steps took 24 GB).
    from ormlint.engine import run
    from ormlint.rules import RuleContext
    from ormlint.rules.queries import QueryAnalysis
    from ormlint.selection import resolve_selection

    steps = 14
    write_example(tmp_path, _stepwise_project(steps))
    result = run([tmp_path], Config(), resolve_selection(["ORM302"], [], []))
    assert result.index is not None
    queries = list(QueryAnalysis(RuleContext(result.index)).queries())
    last = max(queries, key=lambda query: len(query.conditions))
    assert len(last.conditions) == steps
    assert len({id(condition) for condition in last.conditions}) == steps


def test_orm305_reports_an_update_where_it_runs_and_hints_at_one_statement(tmp_path: Path) -> None:
    # Langflow: the result's rowcount is read on the next line; the UPDATE runs on this one.
    from ormlint.engine import run
    from ormlint.selection import resolve_selection

    write_example(tmp_path, {"models.py": """
from sqlalchemy import Column, Integer, String, update
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Job(Base):
    __tablename__ = "jobs"
    id = Column(Integer, primary_key=True)
    status = Column(String(20))

def fail_all(session: Session, ids):
    failed = 0
    for job_id in ids:
        stmt = update(Job).where(Job.id == job_id).values(status="failed")
        result = session.execute(stmt)  # ORM305
        if result.rowcount == 1:
            failed += 1
    return failed
"""})
    result = run([tmp_path], Config(), resolve_selection(["ORM305"], [], []))
    assert [(d.location.row, d.message.split(" (")[0]) for d in result.diagnostics] == [(15, "An UPDATE on `Job`")]
    assert result.diagnostics[0].hint is not None and "one statement for all the items" in result.diagnostics[0].hint


def test_orm302_names_the_assignment_that_filters(tmp_path: Path) -> None:
    # The FastAPI template: `statement` is built in an `if`/`else`; only the
    # `else` filters, and that is the query site to name.
    from ormlint.engine import run
    from ormlint.selection import resolve_selection

    write_example(tmp_path, {"models.py": """
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    status = Column(String(20))

def read_items(session: Session, superuser: bool):
    if superuser:
        statement = select(Item).limit(10)
    else:
        statement = select(Item).where(Item.status == "open").limit(10)
    return session.scalars(statement).all()
"""})
    result = run([tmp_path], Config(), resolve_selection(["ORM302"], [], []))
    [diagnostic] = result.diagnostics
    assert diagnostic.message.endswith(f"{tmp_path / 'models.py'}:15.")


def test_orm304_names_the_collection_a_loop_walks(tmp_path: Path) -> None:
    # security_monkey: `for issue in item.issues` over the one item a query loaded;
    # the N+1 is per issue, not per row of the query.
    from ormlint.engine import run
    from ormlint.selection import resolve_selection

    write_example(tmp_path, {"models.py": """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()

class Setting(Base):
    __tablename__ = "settings"
    id = Column(Integer, primary_key=True)

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    issues = relationship("Issue")

class Issue(Base):
    __tablename__ = "issues"
    id = Column(Integer, primary_key=True)
    item_id = Column(Integer, ForeignKey("items.id"), index=True)
    setting_id = Column(Integer, ForeignKey("settings.id"), index=True)
    setting = relationship(Setting)

def show(session: Session, item_id):
    item = session.query(Item).filter(Item.id == item_id).first()
    for issue in item.issues:
        print(issue.setting)  # ORM304
    for row in session.query(Item).all():
        print(row.issues)  # ORM304
"""})
    result = run([tmp_path], Config(), resolve_selection(["ORM304"], [], []))
    assert [(d.location.row, d.message) for d in result.diagnostics] == [
        (25, "`Issue.setting` is lazy-loaded for every item of `Item.issues`, loaded by the query at line 23: one more SELECT per iteration (N+1)."),
        (27, "`Item.issues` is lazy-loaded for every row of the query at line 26: one more SELECT per iteration (N+1)."),
    ]
    assert "selectinload(Item.issues).joinedload(Issue.setting)" in (result.diagnostics[0].hint or "")
