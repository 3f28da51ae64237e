"""The fast paths of the session extractor give what the plain conversions and
walks they replace give (on the project's own sources and on edge cases)."""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path
from typing import Iterator, Union

from ormlint.expr import _parse_strings, _to_expr, annotation_to_expr, forget_file, to_expr
from ormlint.session_extract import _bound_value, _FunctionWalker, _strings_in, extract_sessions

EDGES = textwrap.dedent('''
    from typing import Optional
    def f(a: "User", b: Optional["User"], c: list["A" | None], d: dict[str, "B"], e: "list['C']", g: int = 1,
          *args: "X", h: sa.orm.Session = None, **kw: Any) -> "R":
        x: "Mapped[User]" = 1
        return {"k": [lambda q="s": f"{q!r}", dict(key="v")], "z": (yield)}, call(kw=1, **rest), "last"
    async def g(session):
        return await session.execute(select(User))
    class C:
        a: "Other"
        b: Mapped[list["Child"]] = relationship()
        if TYPE_CHECKING:
            def inner(self): ...
        for i in range(3):
            def in_loop(self): ...
''')


def _trees() -> list[ast.Module]:
    root = Path(__file__).resolve().parent.parent
    sources = [EDGES] + [p.read_text(encoding="utf-8") for p in sorted((root / "src" / "ormlint").rglob("*.py"))]
    return [ast.parse(source) for source in sources]


def test_shared_annotation_conversion_matches_a_fresh_one() -> None:
    # Session parameters and class annotations use annotation_to_expr, whose
    # records are shared within a file: they equal an unshared conversion.
    seen = 0
    for tree in _trees():
        forget_file()
        for node in ast.walk(tree):
            annotation = getattr(node, "annotation", None) or getattr(node, "returns", None)
            if isinstance(annotation, ast.expr):
                assert repr(annotation_to_expr(annotation)) == repr(_parse_strings(_to_expr(annotation, 0)))
                seen += 1
    forget_file()
    assert seen > 500


def test_returned_strings_walk_matches_ast_walk() -> None:
    for tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.expr):
                expected = [s.value if isinstance(s, ast.Constant) else s.arg for s in ast.walk(node)
                            if (isinstance(s, ast.Constant) and isinstance(s.value, str))
                            or (isinstance(s, ast.keyword) and s.arg)]
                found: list[str] = []
                _strings_in(node, found)
                assert found == expected


def test_bound_value_matches_to_expr() -> None:
    for tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, (ast.Call, ast.Name, ast.Attribute, ast.Await)):
                assert repr(_bound_value(node)) == repr(to_expr(node))


def test_awaited_binding_is_the_value_one_level_deeper() -> None:
    # `_bound_value` takes an await's record from `to_expr` (shared, often made
    # already): it is the awaited value converted one level deeper.
    seen = 0
    for tree in _trees():
        forget_file()
        for node in ast.walk(tree):
            if isinstance(node, ast.Await):
                assert repr(_bound_value(node)) == repr(_to_expr(node.value, 1))
                seen += 1
    forget_file()
    assert seen > 0


def test_walker_notes_nested_scopes() -> None:
    tree = ast.parse(EDGES)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            walker = _FunctionWalker()
            walker.body(node.body)
            has_nested = any(isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
                             and sub is not node for sub in ast.walk(node) if not isinstance(sub, ast.Lambda))
            assert walker.nested == has_nested


def test_nested_functions_found_as_before() -> None:
    source = textwrap.dedent('''
        def outer():
            if x:
                def a(): ...
            try:
                with y:
                    async def b(): ...
            except E:
                class K:
                    def c(self): ...
            for i in z:
                def not_visited(): ...
        def flat():
            return 1
    ''')
    names = [fn.name for fn in extract_sessions(ast.parse(source))]
    assert names == ["outer", "outer.a", "outer.b", "outer.K", "outer.K.c", "flat"]


SQL_EDGES = textwrap.dedent('''
    def a(session, name: str):
        for q[f"{name}"] in rows:
            pass
        session.execute(q)
    def b(session, name: str):
        x: f"{name}"
        with open(p) as (y, z[f"{y}"]):
            pass
        try:
            pass
        except f"{name}":
            pass
    {match}
    def c(session, name: str):
        session.execute(f"select {name}")
    def d(session, name: str):
        sql = "select {}".format(name)
        session.execute(sql)
''').replace(
    "{match}\n",
    # `match` needs Python 3.10 to parse.
    '    match name:\n            case {"k": v} if (w := "select " + name):\n                session.execute(w)\n'
    if sys.version_info >= (3, 10) else "",
)


def _walked_functions() -> Iterator[tuple[Union[ast.FunctionDef, ast.AsyncFunctionDef], _FunctionWalker]]:
    """Every function of the project's sources and of the SQL edge cases, with
    the session walker that walked its body."""
    for tree in _trees() + [ast.parse(SQL_EDGES)]:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                walker = _FunctionWalker()
                walker.body(node.body)
                yield node, walker


def test_walker_notes_every_built_string() -> None:
    from ormlint.session_extract import _builds, _SqlTaint, _walk_no_functions
    for node, walker in _walked_functions():
        assert walker.may_build == any(_builds(sub) for sub in _walk_no_functions(list(node.body)))
        if not walker.may_build:  # the taint analysis would have found nothing
            assert _SqlTaint(node, walker.calls).sinks() == ()
    sinks = {fn.name: fn.sinks for fn in extract_sessions(ast.parse(SQL_EDGES))}
    assert sinks["c"] and sinks["d"] and (sinks["b"] or sys.version_info < (3, 10))


def _may_sink(calls: list[ast.Call]) -> bool:
    """Some call could take built SQL: what `may_sink` means, over the whole list."""
    from ormlint.session_extract import _SINK_NAMES

    for call in calls:
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in _SINK_NAMES and call.args and not isinstance(call.args[0], ast.Constant):
            return True
    return False


def test_walker_notes_every_call_that_may_take_built_sql() -> None:
    # `may_sink` is noted call by call as the walk meets them: it must say what
    # `_may_sink` says of all the calls the walk lists.
    for _, walker in _walked_functions():
        assert walker.may_sink == _may_sink(walker.calls)
