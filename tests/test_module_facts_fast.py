"""Module facts' fast paths: the statement collector gives what the former
generator gave, and the `super` pre-check only skips functions that cannot
forward their keyword arguments."""

from __future__ import annotations

import ast
from typing import Iterable, Iterator

import pytest

from ormlint.expr import forget_file
from ormlint.extract import _is_type_checking, _may_call_super, _top_level_statements, extract_module


def _reference(body: Iterable[ast.stmt], conditional: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    for stmt in body:
        if isinstance(stmt, ast.If):
            if _is_type_checking(stmt.test):
                for inner, _ in _reference(stmt.body, True):
                    if not isinstance(inner, ast.ClassDef):
                        yield inner, True
            else:
                yield from _reference(stmt.body, True)
            yield from _reference(stmt.orelse, True)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            yield from _reference(stmt.body, conditional)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                yield from _reference(handler.body, True)
            yield from _reference(stmt.orelse, conditional)  # type: ignore[attr-defined]
            yield from _reference(stmt.finalbody, conditional)  # type: ignore[attr-defined]
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            yield from _reference(stmt.body, conditional)
        else:
            yield stmt, conditional


SOURCE = '''
import a
if TYPE_CHECKING:
    from b import C
    class Hidden: pass
    try:
        class AlsoHidden: pass
    except ImportError:
        x = 1
else:
    class Shown: pass
try:
    y = 2
    with open("f") as f:
        class InWith: pass
except ValueError:
    z = 3
else:
    w = 4
finally:
    v = 5
if typing.TYPE_CHECKING:
    import d
elif other:
    class Elif: pass
def f(**kwargs):
    pass
'''


def test_statements_as_the_generator_gave_them() -> None:
    body = ast.parse(SOURCE).body
    assert _top_level_statements(body) == list(_reference(body))
    assert _top_level_statements(body, True) == list(_reference(body, True))


def test_super_precheck() -> None:
    assert _may_call_super(None) and _may_call_super("super().__init__(**kw)")
    assert not _may_call_super("def f(**kw): pass")
    assert _may_call_super("s = 'é'")  # not ASCII: the walk decides
    source = "class A(B):\n    def __init__(self, **kwargs):\n        super().__init__(**kwargs)\n"
    forget_file()
    forwards = extract_module(ast.parse(source), "a.py", "a", False, source).classes[0].functions[0].forwards_kwargs
    forget_file()
    assert forwards


def test_imports_are_plain_tuples() -> None:
    """(local, module, name, line, loads): plain tuples pickle several times
    faster than records, and a large repository has tens of thousands."""
    source = "import a.b.c\nimport d as e\nfrom .f import g as h\nfrom i import *\n"
    forget_file()
    facts = extract_module(ast.parse(source), "pkg/mod.py", "pkg.mod", False, source)
    forget_file()
    assert facts.imports == (("a", "a", None, 1, "a.b.c"), ("e", "d", None, 2, ""), ("h", "pkg.f", "g", 3, ""))
    assert all(type(fact) is tuple for fact in facts.imports)
    assert facts.star_imports == ("i",)


MATCH_SOURCE = '''
import sys
match sys.platform:
    case "linux":
        from app.linux import Backend
        class Model(Base):
            __tablename__ = "models"
    case _:
        Backend = None
class Holder:
    match sys.platform:
        case "linux":
            name = Column(String)
'''


def test_statements_in_match_cases_count_as_conditional() -> None:
    # As in an `if` branch, and as Python 3.9 sees them (the libcst fallback
    # turns `match` into nested `if`s there).
    if not hasattr(ast, "Match"):
        pytest.skip("Python 3.10+ parses `match`")
    facts = extract_module(ast.parse(MATCH_SOURCE), "m.py", "m", False, MATCH_SOURCE)
    forget_file()
    assert [(i[0], i[1], i[2]) for i in facts.imports] == [("sys", "sys", None), ("Backend", "app.linux", "Backend")]
    assert [(c.name, c.conditional) for c in facts.classes] == [("Model", True), ("Holder", False)]
    assert [(a.target, a.conditional) for a in facts.assignments] == [("Backend", True)]
    assert [a.target for a in facts.classes[1].body] == ["name"]
