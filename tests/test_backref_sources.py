"""ORM106 and ORM118 look up clashing backrefs by name and target class
(`_backref_sources`): the other backrefs on a class of the target's hierarchy,
named in the order the index lists them, and nothing from other names or classes."""

from __future__ import annotations

from pathlib import Path

from helpers import write_example
from ormlint.config import Config
from ormlint.engine import run
from ormlint.selection import resolve_selection

MODELS = """
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class Account(Base):
    __tablename__ = "accounts"
    id = Column(Integer, primary_key=True)
    kind = Column(String(20))
    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "account"}

class Savings(Account):
    __mapper_args__ = {"polymorphic_identity": "savings"}

class Other(Base):
    __tablename__ = "others"
    id = Column(Integer, primary_key=True)

class Entry(Base):
    __tablename__ = "entries"
    id = Column(Integer, primary_key=True)
    account_id = Column(ForeignKey("accounts.id"))
    other_id = Column(ForeignKey("others.id"))
    account = relationship("Account", backref="entries")
    other = relationship("Other", backref="entries")

class Transfer(Base):
    __tablename__ = "transfers"
    id = Column(Integer, primary_key=True)
    account_id = Column(ForeignKey("accounts.id"))
    savings = relationship("Savings", backref="entries")
    unrelated = relationship("Account", backref="transfers", foreign_keys=[account_id])
"""


def test_backrefs_of_the_same_name_on_the_hierarchy_clash_in_index_order(tmp_path: Path) -> None:
    write_example(tmp_path, MODELS)
    result = run([tmp_path], Config(), resolve_selection(["ORM106"], [], []))
    found = {(d.location.row, d.message) for d in result.diagnostics}
    lines = MODELS.lstrip("\n").splitlines()
    account = 1 + next(n for n, line in enumerate(lines) if "account = relationship(" in line)
    savings = 1 + next(n for n, line in enumerate(lines) if "savings = relationship(" in line)
    path = result.diagnostics[0].filename
    # `Entry.account` (Account) and `Transfer.savings` (Savings, a subclass) both
    # add `entries` to the Account hierarchy; `Entry.other` adds it to Other only
    # and `Transfer.unrelated` has another name.
    assert found == {
        (account, "`Entry.account` declares backref `entries` on `Account`, which already has the backref of "
                  f"`Transfer.savings` ({path}:{savings})."),
        (savings, "`Transfer.savings` declares backref `entries` on `Savings`, which already has the backref of "
                  f"`Entry.account` ({path}:{account})."),
    }
