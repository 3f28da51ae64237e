"""Alembic histories replayed statically (ORM602-ORM608): discovery, graph, replay, uncertainty."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import expected_marks, filter_codes, reported, write_example
from ormlint.cache import CACHE_DIR_NAME, FactsCache
from ormlint.config import Config
from ormlint.engine import run
from ormlint.migration_extract import ANY_TABLE, extract_migration_ops, sql_operations
from ormlint.migrations import Environment, environments, find_alembic_configs, ordered, replay
from ormlint.discover import discover
from ormlint.selection import resolve_selection

ORM6 = ["ORM601", "ORM602", "ORM603", "ORM604", "ORM605", "ORM606", "ORM608"]


def check(tmp_path: Path, files: dict[str, str], select: list[str] = ORM6) -> None:
    write_example(tmp_path, files)
    assert reported(tmp_path, select=select) == filter_codes(expected_marks(tmp_path), set(select))


def revision(rev: str, down: object, body: str, extra: str = "") -> str:
    lines = ["import sqlalchemy as sa", "from alembic import op", f"revision = {rev!r}", f"down_revision = {down!r}", extra, "",
             "def upgrade():"]
    lines.extend("    " + line for line in body.strip("\n").splitlines())
    return "\n".join(lines) + "\n"


# -- the fourth audit: UUID in code, INTEGER in the migrations; a base env.py never sees ----

AUDIT = {
    "app/models/base.py": """
from sqlalchemy.orm import declarative_base

Base = declarative_base()
""",
    "app/models/user.py": """
from typing import Optional
from sqlmodel import Field, SQLModel

class User(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=255, unique=True)
""",
    "app/models/quality_analysis.py": """
import uuid
from sqlalchemy import ForeignKey, Integer
from sqlalchemy.dialects.postgresql import UUID as PostgreSQLUUID
from sqlalchemy.orm import Mapped, mapped_column
from app.models.base import Base

class ExpertProfile(Base):
    __tablename__ = "expert_profiles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(PostgreSQLUUID(as_uuid=True), ForeignKey("user.id"), unique=True)  # ORM603
""",
    "app/models/subscription.py": """
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import UUID
from app.models.base import Base

class Subscription(Base):
    __tablename__ = "subscriptions"
    id = Column(Integer, primary_key=True)
    user_id = Column(UUID(as_uuid=True), ForeignKey("user.id"), nullable=False)  # ORM603
    plan = Column(String(20), nullable=False)

class Invoice(Base):  # ORM601
    __tablename__ = "invoices"
    id = Column(Integer, primary_key=True)
""",
    "alembic/env.py": """
from sqlmodel import SQLModel
from app.models import user  # noqa: F401

target_metadata = SQLModel.metadata  # ORM604
""",
    "alembic/versions/0001_user.py": revision("0001", None, """
op.create_table(
    "user",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.PrimaryKeyConstraint("id"),
)
op.create_index(op.f("ix_user_email"), "user", ["email"], unique=True)
""", "import sqlmodel"),
    # Written by hand, in SQL: the author used the database's INTEGER.
    "alembic/versions/0002_expert_feedback.py": revision("0002", "0001", '''
op.execute("""
    CREATE TABLE expert_profiles (
        id SERIAL PRIMARY KEY,
        user_id INTEGER NOT NULL UNIQUE REFERENCES "user"(id) ON DELETE CASCADE
    )
""")
'''),
    "alembic/versions/0003_subscriptions.py": revision("0003", "0002", """
op.create_table(
    "subscriptions",
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
    sa.Column("plan", sa.String(20), nullable=False),
)
"""),
}


def test_the_fourth_audit(tmp_path: Path) -> None:
    check(tmp_path, AUDIT)


def test_the_fourth_audit_fixed(tmp_path: Path) -> None:
    fixed = dict(AUDIT)
    fixed["app/models/quality_analysis.py"] = AUDIT["app/models/quality_analysis.py"].replace(
        "Mapped[uuid.UUID] = mapped_column(PostgreSQLUUID(as_uuid=True)", "Mapped[int] = mapped_column(Integer").replace("  # ORM603", "")
    fixed["app/models/subscription.py"] = AUDIT["app/models/subscription.py"].replace(
        "Column(UUID(as_uuid=True)", "Column(Integer").replace("  # ORM603", "").replace("  # ORM601", "").split("class Invoice")[0]
    fixed["alembic/env.py"] = "from sqlmodel import SQLModel\nfrom app.models.base import Base\ntarget_metadata = [SQLModel.metadata, Base.metadata]\n"
    check(tmp_path, fixed)


# -- branches, merges, batch operations, renames, literal SQL ------------------------------

HISTORY = {
    "migrations/env.py": "from app.models import Base\ntarget_metadata = Base.metadata\n",
    "migrations/versions/a0_init.py": revision("a0", None, """
op.create_table("accounts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(50), nullable=False))
op.create_table("old_posts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("account_id", sa.Integer()),
                sa.Column("text", sa.Text()))
"""),
    # Branch 1: batch operations on posts.
    "migrations/versions/b1_posts.py": revision("b1", "a0", """
with op.batch_alter_table("old_posts", schema=None) as batch_op:
    batch_op.alter_column("text", new_column_name="body", existing_type=sa.Text(), nullable=False)
    batch_op.create_foreign_key("fk_posts_account", "accounts", ["account_id"], ["id"])
    batch_op.create_index("ix_posts_account_id", ["account_id"])
"""),
    # Branch 2: a table in literal SQL, a helper function, a loop over literal names.
    "migrations/versions/b2_tags.py": revision("b2", "a0", '''
op.execute("""
    CREATE TABLE tags (
        id SERIAL PRIMARY KEY,
        label VARCHAR(40) NOT NULL,
        CONSTRAINT uq_tags_label UNIQUE (label)
    );
    CREATE INDEX ix_tags_label_lower ON tags (lower(label));
""")
_stamp("accounts")
for table in ("accounts", "tags"):
    op.add_column(table, sa.Column("created_at", sa.DateTime(), nullable=True))
''') + '''

def _stamp(table):
    op.add_column(table, sa.Column("updated_at", sa.DateTime()))
''',
    # The merge, then a table rename.
    "migrations/versions/c3_merge.py": revision("c3", ("b1", "b2"), """
op.rename_table("old_posts", "posts")
op.execute("ALTER TABLE posts ADD COLUMN score INTEGER NOT NULL DEFAULT 0")
"""),
}

MODELS = """
from datetime import datetime
from typing import Optional
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[Optional[datetime]]
    updated_at: Mapped[Optional[datetime]]

class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[Optional[int]] = mapped_column(ForeignKey("accounts.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    score: Mapped[int]

class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[Optional[datetime]]
"""


def test_history_in_sync(tmp_path: Path) -> None:
    check(tmp_path, {**HISTORY, "app/__init__.py": "", "app/models.py": MODELS}, ORM6 + ["ORM607"])


def test_history_drift(tmp_path: Path) -> None:
    drifted = (MODELS
               .replace("    score: Mapped[int]\n", "    score: Mapped[int]\n    views: Mapped[int]  # ORM602\n")
               .replace("label: Mapped[str] = mapped_column(String(40), unique=True)",
                        "label: Mapped[Optional[str]] = mapped_column(String(40), unique=True)  # ORM608")
               .replace("created_at: Mapped[Optional[datetime]]\n\nclass Post",
                        "created_at: Mapped[Optional[str]]  # ORM603\n    updated_at_2: Mapped[Optional[datetime]]  # ORM602\n\nclass Post"))
    drifted = drifted.replace("    updated_at: Mapped[Optional[datetime]]\n", "", 1)
    check(tmp_path, {**HISTORY, "app/__init__.py": "", "app/models.py": drifted})


def test_graph_order_merges_and_depends_on() -> None:
    def rev(rev_id: str, parents: tuple[str, ...], depends: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
        from ormlint.migrations import Revision

        span = (1, 0, 1, 1)
        return Revision(rev_id, parents, f"v/{rev_id}.py", rev_id, span, span, False, depends)

    env = Environment("v", [rev("c", ("a", "b")), rev("b", ("a",)), rev("a", ()), rev("d", ("c",), ("b",))])
    order = ordered(env)
    assert order is not None and [r.revision for r in order] == ["a", "b", "c", "d"]
    assert ordered(Environment("v", [rev("a", ("b",)), rev("b", ("a",))])) is None  # a cycle
    assert ordered(Environment("v", [rev("a", ("zz",))])) is None  # a missing parent
    assert ordered(Environment("v", [rev("a", ()), rev("a", ())])) is None  # a duplicate


# -- uncertainty: stay silent ---------------------------------------------------------------

UNCERTAIN_MODELS = """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class A(Base):
    __tablename__ = "a"
    id = Column(Integer, primary_key=True)
    missing = Column(String(10))

class B(Base):
    __tablename__ = "b"
    id = Column(Integer, primary_key=True)
    missing = Column(String(10))

class C(Base):
    __tablename__ = "c"
    id = Column(Integer, primary_key=True)
    missing = Column(String(10))

class D(Base):
    __tablename__ = "d"
    id = Column(Integer, primary_key=True)
    missing = Column(String(10))  # ORM602
"""


def test_uncertain_tables_are_silent(tmp_path: Path) -> None:
    check(tmp_path, {
        "app.py": UNCERTAIN_MODELS,
        "migrations/versions/1.py": revision("1", None, '''
for name in ("a", "b", "c", "d"):
    op.create_table(name, sa.Column("id", sa.Integer(), primary_key=True))
if op.get_context().dialect.name == "postgresql":
    op.add_column("a", sa.Column("missing", sa.String(10)))
try:
    op.drop_column("b", "missing")
except Exception:
    pass
op.execute("ALTER TABLE c SET WITH OIDS, ADD COLUMN missing varchar(10)")
'''),
    })


def test_an_unreadable_operation_silences_the_environment(tmp_path: Path) -> None:
    check(tmp_path, {
        "app.py": UNCERTAIN_MODELS.replace("  # ORM602", ""),
        "migrations/versions/1.py": revision("1", None, """
for name in ("a", "b", "c", "d"):
    op.create_table(name, sa.Column("id", sa.Integer(), primary_key=True))
op.add_column(TABLE_NAMES[0], sa.Column("missing", sa.String(10)))
"""),
    })
    write_example(tmp_path, {"migrations/versions/1.py": revision("1", None, """
for name in ("a", "b", "c", "d"):
    op.create_table(name, sa.Column("id", sa.Integer(), primary_key=True))
from app.migration_helpers import add_audit_columns
add_audit_columns()
""")})
    assert reported(tmp_path, select=ORM6) == set()
    write_example(tmp_path, {"migrations/versions/1.py": revision("1", None, """
for name in ("a", "b", "c", "d"):
    op.create_table(name, sa.Column("id", sa.Integer(), primary_key=True))
op.execute(build_ddl())
""")})
    assert reported(tmp_path, select=ORM6) == set()


def test_no_alembic_no_orm6(tmp_path: Path) -> None:
    check(tmp_path, {"app.py": UNCERTAIN_MODELS.replace("  # ORM602", ""),
                     "scripts/versions/notes.py": "revision_notes = 1\n"}, ORM6 + ["ORM607"])


def test_external_tables_are_not_compared(tmp_path: Path) -> None:
    write_example(tmp_path, {"app.py": UNCERTAIN_MODELS, "migrations/versions/1.py": revision("1", None, """
op.create_table("d", sa.Column("id", sa.Integer(), primary_key=True))
""")})
    config = Config()
    config.external_tables = ["d", "a", "b", "c"]
    assert reported(tmp_path, select=ORM6, config=config) == set()


# -- discovery ----------------------------------------------------------------------------

def _envs(root: Path) -> list[Environment]:
    from ormlint.engine import _parse_project

    sources = discover([root], [])
    project = _parse_project(sources, None)
    return environments(project.modules, find_alembic_configs([root], sources))


def test_alembic_ini_sections_packages_and_version_locations(tmp_path: Path) -> None:
    write_example(tmp_path, {
        "src/service/__init__.py": "",
        "src/service/alembic.ini": (
            "[core]\nscript_location = service:db/core\n"
            "[tenant]\nscript_location = service:db/tenant\n"
            "version_locations = %(here)s/db/tenant/versions %(here)s/db/extra\n"
            "[loggers]\nkeys = root\n"
        ),
        "src/service/db/core/env.py": "target_metadata = None\n",
        "src/service/db/core/versions/c1.py": 'revision = "c1"\ndown_revision = None\n',
        "src/service/db/tenant/env.py": "target_metadata = None\n",
        "src/service/db/tenant/versions/t1.py": 'revision = "t1"\ndown_revision = None\n',
        "src/service/db/extra/t2.py": 'revision = "t2"\ndown_revision = "t1"\n',
        # Flask-Migrate layout, no ini.
        "web/migrations/env.py": "target_metadata = None\n",
        "web/migrations/versions/w1.py": 'revision = "w1"\ndown_revision = None\n',
        # A flat directory of revisions (flask-alembic).
        "forum/migrations/f1.py": 'revision = "f1"\ndown_revision = None\n',
    })
    found = {Path(env.directory).name if env.env_module else "flat:" + Path(env.directory).as_posix().split("/")[-2]:
             sorted(r.revision for r in env.revisions) for env in _envs(tmp_path)}
    assert found == {"core": ["c1"], "tenant": ["t1", "t2"], "migrations": ["w1"], "flat:forum": ["f1"]}


def test_alembic_ini_edits_change_the_results_key(tmp_path: Path) -> None:
    write_example(tmp_path, {
        "app.py": UNCERTAIN_MODELS,
        "alembic.ini": "[alembic]\nscript_location = migrations\n",
        "migrations/env.py": "target_metadata = None\n",
        "migrations/versions/1.py": revision("1", None, 'op.create_table("d", sa.Column("id", sa.Integer(), primary_key=True))'),
        "other/1.py": revision("2", "1", 'op.add_column("d", sa.Column("missing", sa.String(10)))'),
    })
    rules = resolve_selection(["ORM602"], [], [])

    def go():  # type: ignore[no-untyped-def]
        return run([tmp_path], Config(), rules, cache=FactsCache(tmp_path / CACHE_DIR_NAME), reuse_results=True)

    first = go()
    assert not first.results_cached
    assert go().results_cached
    (tmp_path / "alembic.ini").write_text("[alembic]\nscript_location = migrations\nversion_locations = migrations/versions other\n")
    again = go()
    assert not again.results_cached
    fresh = run([tmp_path], Config(), rules)
    assert again.diagnostics == fresh.diagnostics
    assert go().results_cached


# -- extraction ---------------------------------------------------------------------------

def test_literal_sql_statements() -> None:
    ops = list(sql_operations("""
        CREATE TABLE IF NOT EXISTS "audit" (id BIGSERIAL PRIMARY KEY, at TIMESTAMP WITH TIME ZONE NOT NULL,
                                            actor_id INTEGER REFERENCES users (id));
        ALTER TABLE audit ADD COLUMN note TEXT, ALTER COLUMN at DROP NOT NULL;
        CREATE UNIQUE INDEX CONCURRENTLY ix_audit_actor ON audit (actor_id);
        INSERT INTO audit (at) VALUES (now());
        GRANT SELECT ON audit TO reporting;
        ALTER TABLE audit RENAME COLUMN note TO notes;
        CLUSTER audit USING ix_audit_actor;
        ALTER TABLE audit SET WITH OIDS;
    """, 7))
    kinds = [(op.kind, op.table) for op in ops]
    assert kinds == [("create_table", "audit"), ("add_column", "audit"), ("alter_column", "audit"), ("index", "audit"),
                     ("alter_column", "audit"), ("uncertain", "audit")]
    create = ops[0]
    assert [(c.name, c.sql_type, c.nullable, c.foreign_keys) for c in create.columns] == [
        ("id", "BIGSERIAL", False, ()), ("at", "TIMESTAMP WITH TIME ZONE", False, ()), ("actor_id", "INTEGER", None, ("users",))]
    assert ops[3].unique and ops[3].names == ("actor_id",)


def test_dynamic_names_and_unknown_calls_are_uncertain() -> None:
    tree = ast.parse(revision("1", None, """
op.add_column(get_name(), sa.Column("x", sa.Integer()))
some_module.fix_tables(op)
log.info("done")
conn = op.get_bind()
conn.execute(sa.text("UPDATE a SET x = 1"))
conn.execute(users.update().values(x=1))
with op.batch_alter_table("a") as batch_op:
    batch_op.drop_column(column_name)
"""))
    ops = extract_migration_ops(tree)
    assert [(op.kind, op.table) for op in ops] == [("uncertain", ANY_TABLE), ("uncertain", ANY_TABLE), ("uncertain", "a")]


def test_replaying_a_long_history() -> None:
    # How long it takes is for the benchmarks (`benchmarks/generate.py` writes
    # an Alembic history with the models); here: 400 revisions replay whole.
    from ormlint.migrations import Revision
    from ormlint.schema import ColumnType

    revisions = []
    for number in range(400):
        source = revision(f"r{number}", f"r{number - 1}" if number else None, f"""
op.create_table("t{number}", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(50)))
op.add_column("t{number // 2}", sa.Column("c{number}", sa.Integer(), nullable=True))
op.create_index("ix_t{number}_name", "t{number}", ["name"])
with op.batch_alter_table("t{number // 2}") as batch_op:
    batch_op.alter_column("c{number}", nullable=False)
""")
        span = (1, 0, 1, 1)
        revisions.append(Revision(f"r{number}", (f"r{number - 1}",) if number else (), f"v/{number}.py", "m", span, span, False, (),
                                  extract_migration_ops(ast.parse(source))))
    env = Environment("v", revisions)
    schema = replay(env, lambda module, expr: ColumnType("Integer", "integer"))
    assert len(schema.tables) == 400 and not schema.uncertain
    assert all(not schema.tables[f"t{n}"].columns[f"c{n * 2}"].nullable for n in range(200))


def test_flask_subclass_naming_a_table_without_a_key_is_single_table(tmp_path: Path) -> None:
    check(tmp_path, {
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
        "app/models.py": """
from app import db

class Users(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    type = db.Column(db.String(80))
    __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "user"}

class Admins(Users):
    __tablename__ = "admins"
    __mapper_args__ = {"polymorphic_identity": "admin"}

class Notes(db.Model):  # ORM601
    id = db.Column(db.Integer, primary_key=True)
""",
        "migrations/env.py": "from flask import current_app\ntarget_metadata = current_app.extensions['migrate'].db.metadata\n",
        "migrations/versions/1.py": revision("1", None, """
op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.Column("type", sa.String(80)),
                sa.PrimaryKeyConstraint("id"))
"""),
    })


def test_orm604_leaves_other_applications_of_a_monorepo_alone(tmp_path: Path) -> None:
    check(tmp_path, {
        "shop/__init__.py": "",
        "shop/models.py": """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
        "shop/migrations/env.py": "from shop.models import Base\ntarget_metadata = Base.metadata\n",
        "shop/migrations/versions/1.py": revision("1", None, 'op.create_table("orders", sa.Column("id", sa.Integer(), primary_key=True))'),
        # Another service of the repository: create_all, no Alembic.
        "analytics/__init__.py": "",
        "analytics/models.py": """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class AnalyticsBase(DeclarativeBase):
    pass

class Event(AnalyticsBase):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
    }, ["ORM604"])


def test_literal_sql_constraints() -> None:
    ops = list(sql_operations(
        "ALTER TABLE posts ADD CONSTRAINT fk_posts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;"
        "ALTER TABLE posts ADD UNIQUE (slug), DROP CONSTRAINT old_uq", 1))
    assert [(op.kind, op.names, op.other, op.name) for op in ops] == [
        ("fk", ("user_id",), "users", "fk_posts_user"), ("index", ("slug",), "", None), ("drop_constraint", (), "", "old_uq")]


def test_a_column_typed_by_its_foreign_key_takes_the_target_type(tmp_path: Path) -> None:
    check(tmp_path, {
        "app.py": """
from sqlalchemy import Column, ForeignKey, String
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Org(Base):
    __tablename__ = "orgs"
    id = Column(UUID(as_uuid=True), primary_key=True)  # ORM603

class Team(Base):
    __tablename__ = "teams"
    id = Column(String(20), primary_key=True)
    org_id = Column(ForeignKey("orgs.id"), nullable=False)  # ORM603
""",
        "migrations/versions/1.py": revision("1", None, """
op.create_table("orgs", sa.Column("id", sa.Integer(), primary_key=True))
op.create_table("teams", sa.Column("id", sa.String(20), primary_key=True),
                sa.Column("org_id", sa.Integer(), sa.ForeignKey("orgs.id"), nullable=False))
"""),
    }, ["ORM603"])


def test_foreign_keys_follow_renamed_tables_and_index_options_still_index(tmp_path: Path) -> None:
    check(tmp_path, {
        "app.py": """
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Account(Base):
    __tablename__ = "accounts"
    id = Column(Integer, primary_key=True)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("accounts.id"), index=True)
    slug = Column(String(50), index=True)
    title = Column(String(50), index=True)  # ORM606
""",
        "migrations/versions/1.py": revision("1", None, """
op.create_table("account", sa.Column("id", sa.Integer(), primary_key=True))
op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id")),
                sa.Column("slug", sa.String(50)), sa.Column("title", sa.String(50)))
op.create_index("ix_posts_account_id", "posts", ["account_id"], postgresql_using="btree")
op.create_index("ix_posts_slug", "posts", ["slug"], postgresql_ops={"slug": "text_pattern_ops"})
op.create_index("ix_posts_title", "posts", ["title"], postgresql_where=sa.text("title IS NOT NULL"))
op.rename_table("account", "accounts")
"""),
    }, ["ORM606"])


def test_pyproject_tool_alembic(tmp_path: Path) -> None:
    write_example(tmp_path, {
        "pyproject.toml": '[tool.alembic]\nscript_location = "%(here)s/db"\nversion_locations = ["%(here)s/db/versions", "%(here)s/more"]\n',
        "db/versions/a.py": 'revision = "a"\ndown_revision = None\n',
        "more/b.py": 'revision = "b"\ndown_revision = "a"\n',
    })
    found = [(Path(env.directory).name, sorted(r.revision for r in env.revisions)) for env in _envs(tmp_path)]
    assert found == [("db", ["a", "b"])]


# -- one revision tree per sub-directory of versions/ (Prefect) ------------------------------

DIALECT_TREES = {
    "models.py": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Flow(Base):
    __tablename__ = "flow"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
""",
    "alembic.ini": "[alembic]\nscript_location = migrations\n",
    "migrations/env.py": """
from alembic import context
from models import Base

target_metadata = Base.metadata

def run_migrations_online(connection):
    context.script.version_locations = [f"migrations/versions/{connection.dialect.name}"]
""",
    "migrations/versions/postgresql/0001.py": revision("aaaa00000001", None, """
op.create_table("flow", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(50)))
"""),
    "migrations/versions/postgresql/0002.py": revision("bbbb00000002", "aaaa00000001", 'op.execute("SELECT 1")'),
    "migrations/versions/sqlite/0001.py": revision("aaaa00000001", None, """
op.create_table("flow", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(50)))
"""),
    "migrations/versions/sqlite/0002.py": revision("cccc00000002", "aaaa00000001", 'op.execute("SELECT 1")'),
}


def test_each_dialect_tree_is_its_own_graph(tmp_path: Path) -> None:
    write_example(tmp_path, DIALECT_TREES)
    assert reported(tmp_path, select=ORM6) == set()
    found = [(Path(env.directory).name, [r.revision for r in env.revisions]) for env in _envs(tmp_path)]
    assert found == [("postgresql", ["aaaa00000001", "bbbb00000002"]), ("sqlite", ["aaaa00000001", "cccc00000002"])]


def test_dialect_trees_report_a_model_problem_only_where_it_holds_in_every_tree(tmp_path: Path) -> None:
    # A table one tree creates is not "never created" and is compared with
    # that tree; a table both trees create is compared with neither (which
    # one runs is chosen at run time).
    files = dict(DIALECT_TREES)
    files["models.py"] += """
class Extra(Base):  # ORM601
    __tablename__ = "extra"
    id = Column(Integer, primary_key=True)

class Only(Base):
    __tablename__ = "only_postgres"
    id = Column(Integer, primary_key=True)
    missing = Column(String(10))  # ORM602
"""
    files["models.py"] = files["models.py"].replace("    name = Column(String(50))", "    name = Column(String(50))\n    other = Column(Integer)")
    files["migrations/versions/postgresql/0003.py"] = revision("dddd00000003", "bbbb00000002", """
op.create_table("only_postgres", sa.Column("id", sa.Integer(), primary_key=True))
""")
    check(tmp_path, files)


def test_version_locations_and_recursive_read_sub_directories_together(tmp_path: Path) -> None:
    files = {
        "migrations/env.py": "target_metadata = None\n",
        "migrations/versions/postgresql/a1.py": 'revision = "a1"\ndown_revision = None\n',
        "migrations/versions/sqlite/s1.py": 'revision = "s1"\ndown_revision = None\n',
    }
    together = [("migrations", ["a1", "s1"])]
    for ini in (
        "[alembic]\nscript_location = migrations\nrecursive_version_locations = true\n",
        "[alembic]\nscript_location = migrations\nversion_locations = %(here)s/migrations/versions/postgresql %(here)s/migrations/versions/sqlite\n",
        "[alembic]\nscript_location = migrations\nrecursive_version_locations = True\n",  # Alembic wants "true"
    ):
        root = tmp_path / str(len(ini))
        write_example(root, {**files, "alembic.ini": ini})
        found = [(Path(env.directory).name, sorted(r.revision for r in env.revisions)) for env in _envs(root)]
        assert found == (together if "True" not in ini else [("postgresql", ["a1"]), ("sqlite", ["s1"])]), ini
    root = tmp_path / "toml"
    write_example(root, {**files, "pyproject.toml": '[tool.alembic]\nscript_location = "migrations"\nrecursive_version_locations = true\n'})
    assert [(Path(env.directory).name, sorted(r.revision for r in env.revisions)) for env in _envs(root)] == together


# -- indexes a revision creates in literal SQL count for ORM301 ---------------

SQL_INDEX_MODELS = """
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

class User(db.Model):
    __tablename__ = "user"
    id = db.Column(db.Integer, primary_key=True)

class Group(db.Model):
    __tablename__ = "group"
    id = db.Column(db.Integer, primary_key=True)

class Server(db.Model):
    __tablename__ = "server"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    group_id = db.Column(db.Integer, db.ForeignKey("group.id"), nullable=False)
    owner_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)  # ORM301
"""

SQL_INDEX_INIT = revision("0001", None, """
op.create_table("user", sa.Column("id", sa.Integer(), primary_key=True))
op.create_table("group", sa.Column("id", sa.Integer(), primary_key=True))
op.create_table(
    "server",
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
    sa.Column("group_id", sa.Integer(), sa.ForeignKey("group.id"), nullable=False),
    sa.Column("owner_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
)
""")


def _sql_index_project(index_revision: str) -> dict[str, str]:
    return {
        "models.py": SQL_INDEX_MODELS,
        "migrations/alembic.ini": "[alembic]\nscript_location = .\n",
        "migrations/env.py": "from models import db\ntarget_metadata = db.metadata\n",
        "migrations/versions/0001_init.py": SQL_INDEX_INIT,
        "migrations/versions/0002_indexes.py": index_revision,
    }


def test_orm301_counts_an_index_created_by_literal_sql(tmp_path: Path) -> None:
    check(tmp_path, _sql_index_project(revision("0002", "0001", """
op.execute("CREATE INDEX ix_server_user_id ON server (user_id)")
op.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_server_group_id ON server (group_id)"))
""")), select=["ORM301"])


def test_orm301_counts_an_index_created_in_a_loop_over_literal_rows_under_a_condition(tmp_path: Path) -> None:
    # pgAdmin's shape: the statements in a list of (table, SQL) rows, each run
    # when the table exists.
    check(tmp_path, _sql_index_project(revision("0002", "0001", """
statements = [
    ("server", "CREATE INDEX IF NOT EXISTS ix_server_user_id ON server (user_id)"),
    ("server", "CREATE INDEX IF NOT EXISTS ix_server_group_id ON server (group_id)"),
]
inspector = sa.inspect(op.get_bind())
for table_name, statement in statements:
    if inspector.has_table(table_name):
        op.execute(statement)
""")), select=["ORM301"])


def test_a_loop_over_literal_rows_is_replayed_row_by_row() -> None:
    tree = ast.parse(revision("0002", "0001", """
for table, column in [("server", "user_id"), ("user", "name")]:
    op.drop_column(table, column)
for table, column in [("server", "user_id", "extra")]:
    op.drop_column(table, column)
"""))
    ops = extract_migration_ops(tree)
    assert [(op.kind, op.table, op.names) for op in ops[:2]] == [("drop_column", "server", ("user_id",)), ("drop_column", "user", ("name",))]
    # Rows of another length than the target: not unrolled, so uncertain.
    assert [op.kind for op in ops[2:]] == ["uncertain"]


def test_a_parent_in_a_revision_file_that_cannot_be_parsed_is_not_missing(tmp_path: Path) -> None:
    # sync-engine (Python 2): the parent's file has a print statement (ORM001),
    # so its revision id is unknown, not absent; a parent named nowhere still is.
    files = {
        "alembic.ini": "[alembic]\nscript_location = migrations\n",
        "migrations/env.py": "target_metadata = None\n",
        "migrations/versions/a1.py": 'revision = "a1"\ndown_revision = None\n',
        "migrations/versions/b2.py": 'revision = "2c9f3a06de09"\ndown_revision = "a1"\nprint "backfilled"\n',
        "migrations/versions/c3.py": 'revision = "c3"\ndown_revision = "2c9f3a06de09"\n',
        "migrations/versions/d4.py": 'revision = "d4"\ndown_revision = "zz"\n',
    }
    write_example(tmp_path, files)
    assert reported(tmp_path, select=["ORM001", "ORM605"]) == {
        ("migrations/versions/b2.py", 3, "ORM001"),
        ("migrations/versions/d4.py", 2, "ORM605"),
    }


def test_types_and_sequences_created_in_a_revision_leave_the_tables_alone() -> None:
    # simple-login: a local ENUM, and one built by a function of the file, are
    # created with `.create(op.get_bind())`; neither is a table, so the history
    # stays readable (before, every ORM6xx rule went silent on its 274 revisions).
    tree = ast.parse(revision("1", None, """
enum = ENUM("free", "trial", name="plan_enum", create_type=False)
enum.create(op.get_bind(), checkfirst=False)
behaviour = __create_enum()
behaviour.create(op.get_bind())
sa.Sequence("invoice_number").create(op.get_bind())
op.add_column("users", sa.Column("plan", enum, nullable=False))
""", extra="""from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ENUM

def __create_enum():
    return postgresql.ENUM("return_2xx", "return_5xx", name="block_behaviour_enum")
"""))
    assert [(op.kind, op.table) for op in extract_migration_ops(tree)] == [("add_column", "users")]


def test_create_on_other_objects_is_still_uncertain() -> None:
    tree = ast.parse(revision("1", None, """
table = make_table("audit")
table.create(op.get_bind())
helper = build_helper()
helper.create(op.get_bind())
""", extra="""
def build_helper():
    if FLAG:
        return sa.Enum("a", name="kind")
    return sa.Table("kind", sa.MetaData())
"""))
    assert [(op.kind, op.table) for op in extract_migration_ops(tree)] == [("uncertain", ANY_TABLE), ("uncertain", ANY_TABLE)]


def test_setting_a_column_default_in_sql_changes_nothing_compared() -> None:
    ops = list(sql_operations("ALTER TABLE users ALTER unsub_behaviour SET DEFAULT 0", 3))
    assert ops == []
    ops = list(sql_operations("ALTER TABLE users ALTER COLUMN a DROP DEFAULT, ADD COLUMN b TEXT", 3))
    assert [(op.kind, op.table) for op in ops] == [("add_column", "users")]
    # A clause not understood still makes the table uncertain.
    ops = list(sql_operations("ALTER TABLE users ALTER COLUMN a SET DEFAULT 0, CLUSTER ON ix", 3))
    assert [(op.kind, op.table) for op in ops] == [("uncertain", "users")]


def test_sequences_index_renames_and_fstrings_over_literal_tables() -> None:
    # h: sequences created with DDL elements, an index renamed in SQL, and a
    # storage setting written as an f-string in a loop over literal table names.
    tree = ast.parse(revision("1", None, """
op.execute(CreateSequence(Sequence("job_id_seq", cycle=True)))
op.execute(sa.text("ALTER INDEX ix__user__userid RENAME TO ix__user__userid_old"))
for table in BIG_TABLES:
    op.execute(f'ALTER TABLE "{table}" SET (autovacuum_vacuum_scale_factor = 0.05);')
for table in BIG_TABLES:
    op.execute(f"ALTER TABLE {table} ADD COLUMN note TEXT")
op.execute(DropSequence(Sequence("annotation_id_seq")))
""", extra='BIG_TABLES = ["annotation", "user"]'))
    assert [(op.kind, op.table, op.other) for op in extract_migration_ops(tree)] == [
        ("uncertain", ANY_TABLE, "constraints"), ("add_column", "annotation", ""), ("add_column", "user", "")]


def test_fstrings_with_unknown_parts_stay_uncertain() -> None:
    tree = ast.parse(revision("1", None, """
op.execute(f"ALTER TABLE {get_table()} ADD COLUMN note TEXT")
for table in tables_of(op):
    op.execute(f"ALTER TABLE {table} ADD COLUMN note TEXT")
op.execute(f"ALTER TABLE {NAME!r} ADD COLUMN note TEXT")
op.execute(DropSchema("archive", cascade=True))
""", extra='NAME = "users"'))
    assert [(op.kind, op.table) for op in extract_migration_ops(tree)] == [("uncertain", ANY_TABLE)] * 4
