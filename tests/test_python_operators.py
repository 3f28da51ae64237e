"""ORM409's messages say what Python's operator does to the condition."""

from __future__ import annotations

from pathlib import Path

from helpers import write_example
from ormlint.config import Config
from ormlint.engine import run
from ormlint.selection import resolve_selection


def test_messages_say_what_each_operator_leaves_of_the_condition(tmp_path: Path) -> None:
    # murano: `Instance.instance_id == x and Instance.environment_id == y` is
    # `WHERE instance_id = :x`: `and` returned its first operand.
    write_example(tmp_path, {"models.py": """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()

class Instance(Base):
    __tablename__ = "instances"
    id = Column(Integer, primary_key=True)
    instance_id = Column(Integer)
    environment_id = Column(Integer)

def find(session: Session, x: int, y: int):
    session.query(Instance).filter(Instance.instance_id == x and Instance.environment_id == y)
    session.query(Instance).filter(Instance.environment_id is None)
"""})
    result = run([tmp_path], Config(), resolve_selection(["ORM409"], [], []))
    assert [(d.location.row, d.message) for d in result.diagnostics] == [
        (13, "Python `and` on `Instance.instance_id` is evaluated by Python, not by the database: "
             "only one of its operands reaches the query."),
        (14, "Python `is` on `Instance.environment_id` is evaluated by Python, not by the database: "
             "the condition becomes a constant."),
    ]
