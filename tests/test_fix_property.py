"""Property test of the ORM401 fix: generated filters with `== None`, `!= True`...
on the columns of a tiny table, fixed by ormlint, still parse and compile
(SQLAlchemy, in memory, no database) to the SQL of the intended `.is_()` form;
for `None` the SQL does not change at all (why that fix is safe)."""

from __future__ import annotations

import ast
import tempfile
import warnings
from pathlib import Path

import pytest

sa = pytest.importorskip("sqlalchemy")
hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ormlint.config import Config  # noqa: E402
from ormlint.engine import run  # noqa: E402
from ormlint.fixes import fix_source  # noqa: E402
from ormlint.rules import RULES_BY_CODE  # noqa: E402

HEADER = """\
from sqlalchemy import Boolean, Column, Integer, String, and_, or_, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    a = Column(Integer)
    flag = Column(Boolean)
    name = Column(String(20))

"""

COLUMNS = ("a", "flag", "name")
CONSTANTS = ("None", "True", "False")
SPACING = (" {} ", "{}", "  {}  ")


@st.composite
def atoms(draw: st.DrawFn) -> tuple[str, str, str]:
    """(the comparison as written, its intended `.is_()` form, the constant)."""
    column = f"Item.{draw(st.sampled_from(COLUMNS))}"
    operator = draw(st.sampled_from(("==", "!=")))
    constant = draw(st.sampled_from(CONSTANTS))
    spaced = draw(st.sampled_from(SPACING)).format(operator)
    written = f"{constant}{spaced}{column}" if draw(st.booleans()) else f"{column}{spaced}{constant}"
    intended = f"{column}.{'is_' if operator == '==' else 'is_not'}({constant})"
    if draw(st.booleans()):
        written, intended = f"({written})", f"({intended})"
    return written, intended, constant


@st.composite
def filters(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(statement source, intended source, only None comparisons)."""
    parts = draw(st.lists(atoms(), min_size=1, max_size=4))
    separator = draw(st.sampled_from((", ", ",\n    ")))
    wrapper = draw(st.sampled_from(("{}", "and_({})", "or_({})")))
    written = wrapper.format(separator.join(p[0] for p in parts))
    intended = wrapper.format(separator.join(p[1] for p in parts))
    codes = draw(st.sampled_from(((), ("E711",), ("E712",), ("E711", "E712"), None)))
    comment = "  # a comment" if codes is None else f"  # noqa: {','.join(codes)}" if codes else ""
    fixed = {"E711" if p[2] == "None" else "E712" for p in parts}
    left = [code for code in codes or () if code not in fixed]
    intended_comment = "  # a comment" if codes is None else f"  # noqa: {','.join(left)}" if left else ""
    return (
        f"stmt = select(Item).where(\n    {written}\n){comment}\n",
        f"stmt = select(Item).where(\n    {intended}\n){intended_comment}\n",
        all(p[2] == "None" for p in parts),
    )


def _sql(source: str) -> dict[str, str]:
    namespace: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(source, "<generated>", "exec"), namespace)
    stmt = namespace["stmt"]
    from sqlalchemy.dialects import postgresql, sqlite

    return {name: str(stmt.compile(dialect=dialect.dialect())) for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}  # type: ignore[attr-defined]


@pytest.mark.crosscheck
@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(filters())
def test_orm401_fix_compiles_to_the_intended_sql(generated: tuple[str, str, bool]) -> None:
    statement, intended_statement, only_none = generated
    source = HEADER + statement
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "models.py"
        path.write_text(source, encoding="utf-8")
        result = run([Path(directory)], Config(), [RULES_BY_CODE["ORM401"]])
        assert not result.internal_errors
        fixable = [d for d in result.diagnostics if d.fix is not None]
        assert len(fixable) == statement.count("Item.")  # every comparison is found and fixable
        outcome = fix_source(path.read_bytes(), fixable)
    assert not outcome.failures
    fixed = outcome.data.decode("utf-8")
    ast.parse(fixed)
    intended = HEADER + intended_statement
    assert fixed == intended
    assert _sql(fixed) == _sql(intended)
    if only_none:
        # `== None` already compiles to IS NULL: the safe fix changes no SQL.
        assert _sql(source) == _sql(fixed)
