"""Table names a `declared_attr` `__tablename__` gives, whatever its first
parameter is called (`cls`, or `self` as fides writes it)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from ormlint.engine import build_index
from ormlint.extract import extract_module

_SOURCE = """
    from sqlalchemy import Column, String
    from sqlalchemy.orm import declarative_base, declared_attr

    class NamedBase:
        @declared_attr
        def __tablename__({receiver}) -> str:
            return {returned}

        id = Column(String(255), primary_key=True)

    Base = declarative_base(cls=NamedBase)

    class DataSet(Base):
        name = Column(String(50))
"""


@pytest.mark.parametrize("receiver", ["cls", "self", "klass"])
@pytest.mark.parametrize(("returned", "table"), [("{receiver}.__name__", "DataSet"), ("{receiver}.__name__.lower()", "dataset")])
def test_the_class_name_through_the_first_parameter(receiver: str, returned: str, table: str) -> None:
    text = textwrap.dedent(_SOURCE.format(receiver=receiver, returned=returned.format(receiver=receiver)))
    index = build_index({"app.models": extract_module(ast.parse(text), "app/models.py", "app.models", False, text)}, set())
    assert [t.name for t in index.tables] == [table]


def test_another_name_than_the_first_parameter_gives_no_table_name() -> None:
    text = textwrap.dedent(_SOURCE.format(receiver="self", returned="cls.__name__.lower()"))
    index = build_index({"app.models": extract_module(ast.parse(text), "app/models.py", "app.models", False, text)}, set())
    assert [t.name for t in index.tables] in ([], [None])
