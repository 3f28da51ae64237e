"""Which mapped tables are known column by column (`TableInfo.complete`): what
a class may set on its instances leaves its attributes open, not its table."""

from __future__ import annotations

import ast
import textwrap

import pytest

from ormlint.engine import build_index
from ormlint.extract import extract_module
from ormlint.schema import TableInfo


def _table(source: str) -> TableInfo:
    text = textwrap.dedent(source)
    index = build_index({"app.models": extract_module(ast.parse(text), "app/models.py", "app.models", False, text)}, set())
    [table] = [t for t in index.tables if t.name == "quota"]
    return table


_QUOTA = """
    from sqlalchemy import Column, Integer, String
    from sqlalchemy.orm import declarative_base

    class ModelBase:
        {methods}

    Base = declarative_base(cls=ModelBase)

    class Quota(Base):
        __tablename__ = "quota"
        id = Column(Integer, primary_key=True)
        resource = Column(String(50))
"""


@pytest.mark.parametrize("methods", [
    # aodh, and many Flask models: a dict-like `update()` sets instance attributes.
    "def update(self, values):\n            for key, value in values.items():\n                setattr(self, key, value)",
    "def __getattr__(self, name):\n            return None",
])
def test_attributes_set_on_instances_add_no_column(methods: str) -> None:
    table = _table(_QUOTA.format(methods=methods))
    assert table.complete
    assert table.mapped_class is not None and not table.mapped_class.complete  # any attribute may exist


@pytest.mark.parametrize("methods", [
    "def __init_subclass__(cls, **kw):\n            setattr(cls, 'extra', Column(Integer))\n            super().__init_subclass__(**kw)",
    "@classmethod\n        def add(cls, name):\n            setattr(cls, name, Column(Integer))",
    # The first parameter of a classmethod is the class, whatever its name.
    "def __init_subclass__(self, **kw):\n            setattr(self, 'tenant_id', Column(Integer))\n            super().__init_subclass__(**kw)",
    "@classmethod\n        def add(self, name):\n            setattr(self, name, Column(Integer))",
])
def test_attributes_set_on_the_class_may_be_columns(methods: str) -> None:
    assert not _table(_QUOTA.format(methods=methods)).complete
