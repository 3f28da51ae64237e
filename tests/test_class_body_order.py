"""A class body runs top to bottom: of two assignments to a name, the last is
the one in effect (ORM112 reports the lost one); definitions in `if`/`else`
or `try` branches are alternatives, not repeats."""

from __future__ import annotations

from pathlib import Path

from helpers import expected_marks, reported, write_example


def test_only_the_last_table_args_count(tmp_path: Path) -> None:
    # Open WebUI's shape: the first `__table_args__` (with an Index duplicating
    # `index=True`) is dead; no ORM307 for it, an ORM112 for the repeat.
    write_example(tmp_path, """
from sqlalchemy import Column, Index, PrimaryKeyConstraint, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Tag(Base):
    __tablename__ = "tag"
    id = Column(String, primary_key=True)
    user_id = Column(String, index=True)
    __table_args__ = (PrimaryKeyConstraint("id", "user_id"), Index("user_id_idx", "user_id"))
    __table_args__ = (PrimaryKeyConstraint("id", "user_id"),)  # ORM112
""")
    assert reported(tmp_path, select=["ORM112", "ORM307"]) == expected_marks(tmp_path)


def test_the_last_tablename_names_the_table(tmp_path: Path) -> None:
    write_example(tmp_path, """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Account(Base):
    __tablename__ = "accounts_old"
    __tablename__ = "accounts"  # ORM112
    id = Column(Integer, primary_key=True)

class Payment(Base):
    __tablename__ = "payments"
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("accounts.id"), index=True)
    old_account_id = Column(Integer, ForeignKey("accounts_old.id"), index=True)  # ORM101
""")
    assert reported(tmp_path, select=["ORM101", "ORM112"]) == expected_marks(tmp_path)


def test_definitions_in_branches_are_alternatives(tmp_path: Path) -> None:
    write_example(tmp_path, """
import os

from sqlalchemy import Column, Integer, LargeBinary, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Chunk(Base):
    __tablename__ = "chunk"
    id = Column(Integer, primary_key=True)
    if os.environ.get("ENCRYPTED"):
        body = Column(LargeBinary)
    else:
        body = Column(Text)
    note = Column(Text)
    note = Column(Text, nullable=False)  # ORM112
""")
    assert reported(tmp_path, select=["ORM112"]) == expected_marks(tmp_path)


def test_a_mixin_primary_key_column_comes_after_the_class_own(tmp_path: Path) -> None:
    # SQLAlchemy's versioned-rows example: the mixin's `start` is copied after
    # the body ran, so the primary key is (id, start) and `id` leads it.
    write_example(tmp_path, {
        "models.py": """
from sqlalchemy import Column, DateTime, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Versioned:
    start = Column(DateTime, primary_key=True)

class Parent(Versioned, Base):
    __tablename__ = "parent"
    id = Column(Integer, primary_key=True)

class Child(Versioned, Base):
    __tablename__ = "child"
    parent_id = Column(Integer, ForeignKey("parent.id"), primary_key=True)
    parent_start = Column(DateTime, ForeignKey("parent.start"), primary_key=True)  # ORM301
""",
        "usage.py": """
from models import Parent

def get(session):
    return session.query(Parent).filter_by(id=1).one()
""",
    })
    assert reported(tmp_path, select=["ORM301", "ORM302"]) == expected_marks(tmp_path)
