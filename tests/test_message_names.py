"""Names in messages and hints: ORM109 and ORM110 name both definitions of a
table (by their modules when the two classes have the same name, so that the
message and the hint say which class is which); ORM403 names the callable as
the module writes it; ORM505 fits its hint to the statement; ORM103 tells a
wrong annotation from a wrong column type."""

from __future__ import annotations

from pathlib import Path

import pytest

from ormlint.config import Config
from ormlint.diagnostics import Position
from ormlint.engine import run
from ormlint.selection import resolve_selection

from helpers import write_example


def _messages(root: Path, code: str) -> list[tuple[str, str]]:
    result = run([root], Config(), resolve_selection([code], [], []))
    assert not result.internal_errors, result.internal_errors
    return [(d.message, d.hint or "") for d in result.diagnostics if d.code == code]


MAPPINGS = {
    "app/__init__.py": "",
    "app/models.py": """
        from sqlalchemy import Integer, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class User(Base):
            __tablename__ = "user"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            first_name: Mapped[str] = mapped_column(String(50))
            last_name: Mapped[str] = mapped_column(String(50))
    """,
    "app/reports.py": """
        from sqlalchemy import Integer, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        from app.models import User as AppUser

        class Base(DeclarativeBase):
            pass

        class User(Base):
            __tablename__ = "user"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            last_name: Mapped[str] = mapped_column(String(50))
    """,
}


def test_orm110_tells_two_classes_of_one_name_apart_by_module(tmp_path: Path) -> None:
    write_example(tmp_path, MAPPINGS)
    assert _messages(tmp_path, "ORM110") == [(
        f"`app.reports.User` maps table `user` without column `first_name`, which `app.models.User` ({tmp_path / 'app' / 'models.py'}) has.",
        "Add `first_name` to `app.reports.User` or remove it from `app.models.User`.",
    )]


def test_orm110_names_classes_of_different_names_plainly(tmp_path: Path) -> None:
    write_example(tmp_path, {**MAPPINGS, "app/reports.py": MAPPINGS["app/reports.py"].replace("class User(", "class Reader(")})
    [(message, hint)] = _messages(tmp_path, "ORM110")
    assert message.startswith("`Reader` maps table `user` without column `first_name`, which `User` (")
    assert hint == "Add `first_name` to `Reader` or remove it from `User`."


def test_orm109_tells_two_classes_of_one_name_apart_by_module(tmp_path: Path) -> None:
    write_example(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": """
            from sqlalchemy.orm import DeclarativeBase

            class Base(DeclarativeBase):
                pass
        """,
        "app/models.py": """
            from sqlalchemy import Integer
            from sqlalchemy.orm import Mapped, mapped_column

            from app.base import Base

            class User(Base):
                __tablename__ = "user"
                id: Mapped[int] = mapped_column(Integer, primary_key=True)
        """,
        "app/legacy.py": """
            from sqlalchemy import Integer
            from sqlalchemy.orm import Mapped, mapped_column

            from app.base import Base
            from app.models import User as Current

            class User(Base):
                __tablename__ = "user"
                id: Mapped[int] = mapped_column(Integer, primary_key=True)
        """,
    })
    [(message, _)] = _messages(tmp_path, "ORM109")
    assert message.startswith("`app.models.User` defines table `user`, already defined by `app.legacy.User` at ")


def test_orm110_reports_each_missing_column_at_the_class_line(tmp_path: Path) -> None:
    # mlflow's frozen snapshot of its first schema lacks several columns: one
    # diagnostic per column (RULES.md), all at the class line, none lost to the
    # one-per-location rule that keeps a mixin's column from being repeated.
    reports = MAPPINGS["app/reports.py"].replace("class User(", "class Reader(").replace(
        "            last_name: Mapped[str] = mapped_column(String(50))\n", "")
    write_example(tmp_path, {**MAPPINGS, "app/reports.py": reports})
    found = _messages(tmp_path, "ORM110")
    assert [message.split(", which")[0] for message, _ in found] == [
        "`Reader` maps table `user` without column `first_name`",
        "`Reader` maps table `user` without column `last_name`",
    ]
    assert [hint for _, hint in found] == [
        "Add `first_name` to `Reader` or remove it from `User`.",
        "Add `last_name` to `Reader` or remove it from `User`.",
    ]
    path = tmp_path / "app" / "reports.py"
    class_line = path.read_text().splitlines().index("class Reader(Base):") + 1
    result = run([tmp_path], Config(), resolve_selection(["ORM110"], [], []))
    assert [(d.filename, d.location) for d in result.diagnostics] == [(str(path), Position(class_line, 1))] * 2


def test_orm403_hint_names_the_callable_as_the_module_writes_it(tmp_path: Path) -> None:
    # SQLAlchemy's association example: `from datetime import datetime`.
    write_example(tmp_path, {"models.py": """
from datetime import datetime

from sqlalchemy import Column, DateTime, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    placed_at = Column(DateTime, default=datetime.now())
"""})
    [(_, hint)] = _messages(tmp_path, "ORM403")
    assert hint == "Pass a callable instead: `default=datetime.now` or `default=lambda: ...`."


def test_orm403_hint_for_a_wrapped_factory_is_a_lambda_of_the_whole_call(tmp_path: Path) -> None:
    # timesketch: `default=str(uuid4())` on a unique column. Passing `str` would
    # give every row `str()`, the empty string: the call has to be deferred whole.
    write_example(tmp_path, {"models.py": """
from uuid import uuid4

from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Sketch(Base):
    __tablename__ = "sketches"
    id = Column(Integer, primary_key=True)
    token = Column(String(36), unique=True, default=str(uuid4()))
    label = Column(String(36), default=str(uuid4(), *parts))
"""})
    hints = [hint for _, hint in _messages(tmp_path, "ORM403")]
    assert hints == ["Pass a callable instead: `default=lambda: str(uuid4())`.", "Pass a callable instead: `default=lambda: ...`."]


@pytest.mark.parametrize(("statement", "hint_start"), [
    # freqtrade: `ALTER SEQUENCE ... RESTART WITH` takes no bound parameter.
    ('f"ALTER SEQUENCE orders_id_seq RESTART WITH {value}"', "A schema statement takes no bound parameters"),
    ('"DROP TABLE %s" % value', "A schema statement takes no bound parameters"),
    ('f"SELECT * FROM orders WHERE id = {value}"', "Use bound parameters"),
])
def test_orm505_hint_fits_the_statement(tmp_path: Path, statement: str, hint_start: str) -> None:
    write_example(tmp_path, {"app/db.py": f"""
        from sqlalchemy import text


        def run(connection, value):
            connection.execute(text({statement}))
    """})
    [(_, hint)] = _messages(tmp_path, "ORM505")
    assert hint.startswith(hint_start)


def test_orm103_tells_a_wrong_annotation_from_a_wrong_column_type(tmp_path: Path) -> None:
    # warehouse: `release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"))`.
    # With no SQL type, SQLAlchemy gives the column the key's (UUID): the
    # database is right, the annotation is what misleads the code.
    write_example(tmp_path, {"app/models.py": """
        import uuid
        from sqlalchemy import ForeignKey, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Release(Base):
            __tablename__ = "releases"
            id: Mapped[uuid.UUID] = mapped_column(primary_key=True)

        class Vulnerability(Base):
            __tablename__ = "vulnerabilities"
            id: Mapped[int] = mapped_column(primary_key=True)
            release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"))
            other_release_id: Mapped[str] = mapped_column(String(36), ForeignKey("releases.id"))
    """})
    (annotation, annotation_hint), (column, column_hint) = _messages(tmp_path, "ORM103")
    assert "annotated as str" in annotation and "gives the column the type of its ForeignKey" in annotation
    assert annotation_hint == "Annotate `release_id` with the Python type of `Release.id` (UUID)."
    assert column.startswith("`Vulnerability.other_release_id` is String(36) (string)")
    assert column_hint.startswith("Declare `other_release_id` with the type of `Release.id` (UUID)")


def test_orm301_on_a_mixin_column_names_every_table_using_it(tmp_path: Path) -> None:
    # letta: `OrganizationMixin.organization_id` is one line for many tables;
    # the one diagnostic there names them all, not the first one met.
    write_example(tmp_path, {"app/models.py": """
        from sqlalchemy import ForeignKey
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Organization(Base):
            __tablename__ = "organizations"
            id: Mapped[int] = mapped_column(primary_key=True)

        class OrganizationMixin:
            organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))

        class Group(OrganizationMixin, Base):
            __tablename__ = "groups"
            id: Mapped[int] = mapped_column(primary_key=True)

        class Job(OrganizationMixin, Base):
            __tablename__ = "jobs"
            id: Mapped[int] = mapped_column(primary_key=True)

        class Block(OrganizationMixin, Base):
            __tablename__ = "blocks"
            id: Mapped[int] = mapped_column(primary_key=True)
            organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    """})
    assert _messages(tmp_path, "ORM301") == [(
        "`Group.organization_id` and `Job.organization_id` are foreign keys without an index: queries by them and "
        "deletes of the parent scan tables `groups` and `jobs`.",
        "Add `index=True` to `organization_id` (or an Index that leads with it).",
    )]


def test_listed_names() -> None:
    from ormlint.rules.base import listed

    assert listed(["a"]) == "`a`"
    assert listed(["a", "b", "c"]) == "`a`, `b` and `c`"
    assert listed([str(n) for n in range(7)]) == "`0`, `1`, `2`, `3`, `4` and 2 more"


def test_a_default_written_in_a_mixin_is_named_by_the_mixin(tmp_path: Path) -> None:
    # indico, Flask-AppBuilder: a mixin's `default=datetime.utcnow` is one line
    # for every class using it; the message names where it is written.
    write_example(tmp_path, {"app/models.py": """
        import datetime
        from sqlalchemy import Column, DateTime, Integer, JSON
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class AuditMixin:
            created_on = Column(DateTime, default=datetime.datetime.utcnow)
            settings = Column(JSON, default={})

        class Contact(AuditMixin, Base):
            __tablename__ = "contacts"
            id = Column(Integer, primary_key=True)
            updated_on = Column(DateTime, default=datetime.datetime.utcnow)

        class Project(AuditMixin, Base):
            __tablename__ = "projects"
            id = Column(Integer, primary_key=True)
    """})
    assert [m for m, _ in _messages(tmp_path, "ORM402")] == [
        "`AuditMixin.created_on` uses default=datetime.utcnow: deprecated, and it stores naive datetimes.",
        "`Contact.updated_on` uses default=datetime.utcnow: deprecated, and it stores naive datetimes.",
    ]
    assert [m for m, _ in _messages(tmp_path, "ORM404")] == ["`AuditMixin.settings` has a mutable default (dict) shared by every row."]
