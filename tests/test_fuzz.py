"""Fuzzing: whatever the code, ormlint never raises.

Two sources of programs: `hypothesmith` (syntactically valid Python from the
grammar and from libcst's node types) and a grammar of ORM snippets written
here (models in the SQLAlchemy 1.x, 2.0, Flask-SQLAlchemy and SQLModel styles,
with random names, types, foreign keys, relationships, backrefs and keyword
arguments; repositories that query them; Alembic revisions), which reaches far
deeper into resolution and the rules than random Python does.

"Never raises" means: the engine, run with every rule on a temporary project,
returns, and reports no internal error (an internal error is an exception
ormlint caught in a rule or in extraction: a bug).

The suite runs few examples. For a long run:

    ORMLINT_FUZZ_EXAMPLES=5000 python -m pytest -p no:cacheprovider tests/test_fuzz.py
"""

from __future__ import annotations

import os
import tempfile
import textwrap
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ormlint.config import Config  # noqa: E402
from ormlint.engine import run  # noqa: E402
from ormlint.rules import ALL_RULES  # noqa: E402

EXAMPLES = int(os.environ.get("ORMLINT_FUZZ_EXAMPLES", "0")) or None

FUZZ = settings(
    max_examples=EXAMPLES or 15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=EXAMPLES is None,  # the suite is reproducible; long runs explore
    database=None,
)


def analyse(files: dict[str, str]) -> None:
    """Run the engine with every rule on `files`; fail on any exception or internal error."""
    with tempfile.TemporaryDirectory(prefix="ormlint-fuzz-") as temp:
        root = Path(temp)
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        result = run([root], Config(jobs=1), rules=list(ALL_RULES))
    assert result.internal_errors == [], (result.internal_errors, files)


# --- hypothesmith ------------------------------------------------------------------

hypothesmith = pytest.importorskip("hypothesmith")


@FUZZ
@given(source=hypothesmith.from_grammar())
def test_valid_python_from_the_grammar(source: str) -> None:
    analyse({"app/__init__.py": "", "app/generated.py": source})


@settings(FUZZ, max_examples=EXAMPLES or 3)  # slow to generate
@given(source=hypothesmith.from_node())
def test_valid_python_from_libcst_nodes(source: str) -> None:
    analyse({"app/__init__.py": "", "app/generated.py": source})


@FUZZ
@given(source=hypothesmith.from_grammar())
def test_valid_python_next_to_models(source: str) -> None:
    """Random code in a module that also imports the models and the ORM."""
    header = "from sqlalchemy import Column, ForeignKey, Integer\nfrom sqlalchemy.orm import relationship, Session\nfrom app.models import *\n"
    analyse({**MODELS_FIXED, "app/generated.py": header + source})


# --- a grammar of ORM snippets -----------------------------------------------------

CLASSES = ["User", "Post", "Tag", "Item", "Order", "Base", "Mixin", "user", "A", "B"]
TABLES = ["users", "posts", "tags", "items", "orders", "user", "t", "", "schema.users", "a.b.c"]
COLUMNS = ["id", "user_id", "post_id", "name", "email", "parent_id", "owner", "created_at", "tags", "items", "__tablename__", "metadata", "query"]
TYPES = [
    "Integer", "String", "String(50)", "Text", "Boolean", "DateTime", "DateTime(timezone=True)", "Numeric(10, 2)",
    "BigInteger", "Float", "JSON", "Enum('a', 'b')", "ARRAY(Integer)", "UUID", "LargeBinary", "Date", "Interval",
    "sa.Integer", "db.Integer", "types.Integer()", "Unknown", "String(length=None)", "Integer()",
]
PY_TYPES = ["int", "str", "bool", "float", "datetime", "Optional[int]", "int | None", "list[int]", "'User'", "List['Post']", "Decimal", "dict", "Any"]
VALUES = ["True", "False", "None", "0", "1", "-1", "''", "'x'", "[]", "{}", "dict", "list", "datetime.utcnow", "func.now()", "lambda: 1", "text('1')", "3.5", "b''", "(1, 2)", "x", "...", "f'{x}'"]
KWARGS = [
    "primary_key", "nullable", "index", "unique", "default", "server_default", "onupdate", "autoincrement", "key",
    "name", "doc", "comment", "info", "foreign_key", "sa_column", "sa_type", "ondelete", "use_alter", "init",
]
REL_KWARGS = [
    "back_populates", "backref", "secondary", "uselist", "lazy", "cascade", "order_by", "foreign_keys", "primaryjoin",
    "secondaryjoin", "viewonly", "remote_side", "passive_deletes", "single_parent", "link_model", "sa_relationship_kwargs",
]
QUERY_METHODS = ["filter", "filter_by", "where", "order_by", "join", "options", "all", "first", "one", "get", "scalars", "scalar", "limit", "count", "delete", "update", "in_", "like", "is_", "desc"]

ident = st.sampled_from(CLASSES)
column = st.sampled_from(COLUMNS)
table = st.sampled_from(TABLES)
value = st.sampled_from(VALUES) | st.sampled_from(CLASSES).map(repr) | st.sampled_from([f"'{c}.{k}'" for c in CLASSES[:4] for k in COLUMNS[:6]])


@st.composite
def fk(draw: st.DrawFn) -> str:
    target = draw(st.sampled_from([f"{t}.{c}" for t in TABLES for c in COLUMNS[:4]] + ["x", "", ".", "a.b.c.d"]))
    style = draw(st.sampled_from(["ForeignKey({!r})", "db.ForeignKey({!r})", "sa.ForeignKey({!r})", "ForeignKey({c}.id)", "ForeignKey(column={!r}, ondelete='CASCADE')"]))
    return style.format(target, c=draw(ident))


@st.composite
def kwargs(draw: st.DrawFn, names: list[str]) -> str:
    chosen = draw(st.lists(st.sampled_from(names), max_size=4))
    parts = []
    for name in chosen:
        if name in ("back_populates", "backref"):
            right = draw(st.one_of(column.map(repr), column.map(lambda c: f"backref({c!r}, lazy='dynamic')"), value))
        elif name in ("secondary",):
            right = draw(st.one_of(table.map(repr), ident, st.just("association_table")))
        elif name in ("order_by", "primaryjoin", "remote_side", "foreign_keys"):
            right = draw(st.one_of(value, st.builds(lambda c, k: f"'{c}.{k}'", ident, column), st.builds(lambda c, k: f"[{c}.{k}]", ident, column)))
        else:
            right = draw(value)
        parts.append(f"{name}={right}")
    if draw(st.booleans()) and draw(st.booleans()):
        parts.append("**extra")
    return ", ".join(parts)


@st.composite
def column_line(draw: st.DrawFn, style: str) -> str:
    name = draw(column)
    args = []
    if draw(st.booleans()):
        args.append(draw(st.sampled_from(TYPES)))
    if draw(st.integers(0, 3)) == 0:
        args.append(draw(fk()))
    rest = draw(kwargs(KWARGS))
    if rest:
        args.append(rest)
    inner = ", ".join(args)
    choice = draw(st.integers(0, 9))
    if style == "v2" or choice == 0:
        annotation = draw(st.sampled_from(PY_TYPES))
        if choice == 1:
            return f"{name}: Mapped[{annotation}]"
        return f"{name}: Mapped[{annotation}] = mapped_column({inner})"
    if style == "sqlmodel":
        annotation = draw(st.sampled_from(PY_TYPES))
        return f"{name}: {annotation} = Field({rest})"
    if style == "flask":
        return f"{name} = db.Column({inner})"
    if choice == 2:
        return f"{name} = column_property(select(func.count()).where({draw(ident)}.id == id))"
    if choice == 3:
        return f"{name} = synonym({draw(column)!r})"
    return f"{name} = Column({inner})"


@st.composite
def relationship_line(draw: st.DrawFn, style: str) -> str:
    name = draw(column)
    target = draw(st.one_of(ident.map(repr), ident, st.builds(lambda c: f"'app.models.{c}'", ident), st.builds(lambda c: f"lambda: {c}", ident)))
    rest = draw(kwargs(REL_KWARGS))
    call = f"relationship({target}{', ' + rest if rest else ''})"
    if style == "flask":
        call = "db." + call
    if style == "sqlmodel":
        annotation = draw(st.sampled_from(["list['{c}']", "Optional['{c}']", "'{c}'", "{c}"])).format(c=draw(ident))
        return f"{name}: {annotation} = Relationship({rest})"
    if style == "v2" or draw(st.booleans()):
        annotation = draw(st.sampled_from(["List['{c}']", "'{c}'", "Optional[{c}]", "Mapped[list[{c}]]", "WriteOnlyMapped[{c}]"])).format(c=draw(ident))
        return f"{name}: Mapped[{annotation}] = {call}"
    return f"{name} = {call}"


@st.composite
def model_class(draw: st.DrawFn, style: str) -> str:
    name = draw(ident)
    bases = {
        "v1": ["Base", "Base, Mixin", "Mixin, Base", "object", "AbstractConcreteBase, Base"],
        "v2": ["Base", "DeclarativeBase", "Base, Mixin", "MappedAsDataclass, Base"],
        "flask": ["db.Model", "db.Model, Mixin", "Mixin"],
        "sqlmodel": ["SQLModel, table=True", "SQLModel", "Base, table=True"],
    }[style] + [draw(ident)]
    lines = [f"class {name}({draw(st.sampled_from(bases))}):"]
    if draw(st.integers(0, 4)):
        lines.append(f"    __tablename__ = {draw(st.one_of(table.map(repr), st.just('None'), st.just('declared_attr')))}")
    if draw(st.integers(0, 3)) == 0:
        args = draw(st.sampled_from([
            "(UniqueConstraint('a', 'b'),)", "(Index('ix', 'user_id'), {'schema': 'x'})", "{'extend_existing': True}",
            "(ForeignKeyConstraint(['user_id'], ['users.id']),)", "()", "(CheckConstraint('x > 0'), Index(None))",
        ]))
        lines.append(f"    __table_args__ = {args}")
    if draw(st.integers(0, 5)) == 0:
        lines.append(f"    __mapper_args__ = {{'polymorphic_on': {draw(column)}, 'polymorphic_identity': {draw(value)}}}")
    if draw(st.integers(0, 6)) == 0:
        lines.append("    __abstract__ = True")
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 3)) == 0:
            lines.append("    " + draw(relationship_line(style)))
        else:
            lines.append("    " + draw(column_line(style)))
    if draw(st.integers(0, 4)) == 0:
        decorator = draw(st.sampled_from(["@declared_attr", "@hybrid_property", "@property", "@validates('name')", "@classmethod"]))
        returned = draw(st.one_of(value, st.just("Column(Integer)"), st.just("relationship('User')")))
        lines += [f"    {decorator}", f"    def {draw(column)}(cls):", f"        return {returned}"]
    if len(lines) == 1:
        lines.append("    pass")
    return "\n".join(lines)


@st.composite
def query_statement(draw: st.DrawFn) -> str:
    model = draw(ident)
    start = draw(st.sampled_from([
        "session.query({m})", "db.session.query({m})", "{m}.query", "select({m})", "session.execute(select({m}))",
        "session.get({m}, 1)", "session.scalars(select({m}))", "{m}", "{m}({k}=1)", "db.session.get({m}, 1)",
    ])).format(m=model, k=draw(column))
    chain = start
    for _ in range(draw(st.integers(0, 4))):
        method = draw(st.sampled_from(QUERY_METHODS))
        argument = draw(st.sampled_from([
            "", "{m}.{c} == None", "{m}.{c} is None", "not {m}.{c}", "{m}.{c} == 1 and {m}.{c} == 2", "{c}=1",
            "{m}.{c}.in_([1])", "{m}.{c}", "'{c}'", "{m}.{c} != True", "{m}.{c} in [1]", "joinedload({m}.{c})",
        ])).format(m=model, c=draw(column))
        chain = f"{chain}.{method}({argument})"
    target = draw(st.sampled_from(["result", "obj", "user", "rows", "self.x"]))
    after = draw(st.sampled_from([
        "", "\n    {t}.{c} = 1", "\n    print({t}.{c})", "\n    for o in {t}:\n        o.{c}.append(1)", "\n    session.add({t})",
        "\n    session.commit()", "\n    {t}.{c} = {{}}", "\n    del {t}",
    ])).format(t=target, c=draw(column))
    return f"{target} = {chain}{after}"


@st.composite
def repository(draw: st.DrawFn) -> str:
    functions = []
    for number in range(draw(st.integers(1, 4))):
        param = draw(st.sampled_from(["session", "session: Session", "db", "user: User", "user: 'User'", "user: Optional[User]", "*args, **kwargs"]))
        body = [draw(query_statement()) for _ in range(draw(st.integers(1, 4)))]
        prefix = draw(st.sampled_from(["def", "async def"]))
        functions.append(f"{prefix} f{number}({param}):\n" + textwrap.indent("\n".join(body), "    ") + "\n    return result")
    return "\n\n".join(functions)


@st.composite
def migration(draw: st.DrawFn) -> str:
    ops = []
    for _ in range(draw(st.integers(0, 5))):
        ops.append(draw(st.sampled_from([
            "op.create_table({t!r}, sa.Column('id', sa.Integer(), primary_key=True), sa.Column({c!r}, sa.String(), index=True))",
            "op.create_index('ix_{c}', {t!r}, [{c!r}], unique={u})",
            "op.drop_table({t!r})", "op.rename_table({t!r}, 'new_{c}')", "op.add_column({t!r}, sa.Column({c!r}, sa.Integer(), unique={u}))",
            "op.execute('DROP TABLE {t}')", "op.create_unique_constraint(None, {t!r}, [{c!r}])",
            "with op.batch_alter_table({t!r}) as batch_op:\n        batch_op.create_index('ix', [{c!r}])",
            "op.create_primary_key('pk', {t!r}, [{c!r}])", "op.create_foreign_key(None, {t!r}, 'users', [{c!r}], ['id'])",
        ])).format(t=draw(table), c=draw(column), u=draw(st.sampled_from(["True", "False", "x"]))))
    body = "\n    ".join(ops) or "pass"
    down = draw(st.sampled_from(["None", "'a1'", "('a1', 'b2')"]))
    return f"import sqlalchemy as sa\nfrom alembic import op\n\nrevision = {draw(st.sampled_from(['a1', 'b2', 'c3']))!r}\ndown_revision = {down}\n\n\ndef upgrade():\n    {body}\n"


HEADERS = {
    "v1": "from sqlalchemy import *\nfrom sqlalchemy.orm import declarative_base, relationship, backref, column_property, synonym, Session\nBase = declarative_base()\n",
    "v2": (
        "from __future__ import annotations\nfrom typing import List, Optional\nfrom sqlalchemy import ForeignKey, String, Integer, select, func\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, WriteOnlyMapped, MappedAsDataclass\n"
        "class Base(DeclarativeBase):\n    pass\n"
    ),
    "flask": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
    "sqlmodel": "from typing import Optional\nfrom sqlmodel import SQLModel, Field, Relationship\n",
}

MODELS_FIXED = {
    "app/__init__.py": "",
    "app/models.py": HEADERS["v1"] + textwrap.dedent("""
        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            name = Column(String(50))
            posts = relationship("Post", back_populates="user")

        class Post(Base):
            __tablename__ = "posts"
            id = Column(Integer, primary_key=True)
            user_id = Column(Integer, ForeignKey("users.id"))
            user = relationship("User", back_populates="posts")
        """),
}


@st.composite
def orm_project(draw: st.DrawFn) -> dict[str, str]:
    files = {"app/__init__.py": draw(st.sampled_from(["", HEADERS["flask"], "from .models import *\n"]))}
    for number in range(draw(st.integers(1, 3))):
        style = draw(st.sampled_from(sorted(HEADERS)))
        classes = [draw(model_class(style)) for _ in range(draw(st.integers(1, 4)))]
        header = HEADERS[style] if style != "flask" or draw(st.booleans()) else "from app import db\n"
        extra = draw(st.sampled_from(["", "Mixin = object\n", "class Mixin:\n    id = Column(Integer, primary_key=True)\n", "User = Post\n"]))
        name = "app/models.py" if number == 0 else f"app/models_{number}.py"
        files[name] = header + extra + "\n\n".join(classes) + "\n"
    if draw(st.booleans()):
        files["app/repositories.py"] = "from typing import Optional\nfrom sqlalchemy import select\nfrom sqlalchemy.orm import Session, joinedload\nfrom app.models import *\n\n" + draw(repository()) + "\n"
    if draw(st.booleans()):
        files["migrations/versions/a1_rev.py"] = draw(migration())
    return files


@FUZZ
@given(files=orm_project())
def test_generated_orm_projects(files: dict[str, str]) -> None:
    analyse(files)


@FUZZ
@given(files=orm_project(), cut=st.integers(0, 10_000), junk=st.sampled_from(["", "(", ")", ":", "\n    ", "'", "\\", "\x00", "\ufeff", "lambda", "@"]))
def test_generated_orm_projects_cut_and_broken(files: dict[str, str], cut: int, junk: str) -> None:
    """The same projects, one file cut short at a random point and junk inserted."""
    name = sorted(files)[cut % len(files)]
    text = files[name]
    point = cut % (len(text) + 1)
    analyse({**files, name: text[:point] + junk + text[point:]})


def test_orm_grammar_reaches_the_rules() -> None:
    """The grammar is not just noise: its projects parse and the rules find things."""
    seen: set[str] = set()

    @settings(max_examples=20, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(files=orm_project())
    def collect(files: dict[str, str]) -> None:
        with tempfile.TemporaryDirectory(prefix="ormlint-fuzz-") as temp:
            root = Path(temp)
            for name, text in files.items():
                path = root / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            result = run([root], Config(jobs=1), rules=list(ALL_RULES))
        seen.update(d.code for d in result.diagnostics)

    collect()
    print(sorted(seen))
    assert len(seen - {"ORM001"}) >= 5, seen
