"""The fast walks of the query/session extractors visit the same nodes, in the
same order, as the `ast.iter_child_nodes` walks they replace."""

from __future__ import annotations

import ast
import textwrap

from ormlint.query_extract import _walk_own
from ormlint.session_extract import _FunctionWalker, _walk_no_functions

SOURCE = textwrap.dedent('''
    import os
    from x import y as z

    @decorator(arg=1)
    async def handler(session, *args, key: str = "a", **kw):
        global counter
        x = {**kw, "a": [i async for i in session.stream(select(User))]}
        y: int = (z := await session.execute(text(f"select {key!r:>10}")))
        del x["a"], y
        counter += 1
        assert x, f"{x}"
        for a, (b, c) in enumerate(items):
            if a % 2 and not b:
                session.add(User(name=b, **kw))
            elif c is None:
                continue
        else:
            pass
        while True:
            break
        try:
            async with session.begin() as tx, lock:
                yield tx
        except (ValueError, KeyError) as exc:
            session.rollback()
            raise RuntimeError("x") from exc
        finally:
            session.close()
        lam = lambda q: q.filter(User.id == 1)
        return [{k: v for k, v in d.items() if k} for d in (yield from gen())], x[1:2:3], -x, x if y else z

    class Model(Base):
        id: int = Column(Integer)

        def method(self):
            return self.session.query(Model).filter(Model.id.in_([1, 2])).all()
''')


def _reference_walk(nodes: list[ast.AST]) -> list[ast.AST]:
    found: list[ast.AST] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return found


_NOISE = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)


def _bodies(tree: ast.Module) -> list[list[ast.stmt]]:
    bodies = [tree.body]
    bodies += [n.body for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    return bodies


def test_walk_no_functions_matches_iter_child_nodes() -> None:
    tree = ast.parse(SOURCE)
    for body in _bodies(tree):
        expected = [n for n in _reference_walk(list(body)) if not isinstance(n, _NOISE)]
        assert _walk_no_functions(list(body)) == expected


def test_walk_own_keeps_order_and_skips_leaves() -> None:
    tree = ast.parse(SOURCE)
    walked = (ast.expr, ast.stmt, ast.excepthandler, ast.comprehension, ast.keyword, ast.withitem)
    for body in _bodies(tree):
        # The reference: the former walk (fields in order, pushed on a stack, names and constants left out).
        found: list[ast.AST] = []
        stack: list[ast.AST] = list(body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.Name, ast.Constant)):
                continue
            found.append(node)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, list):
                    stack.extend(item for item in value if isinstance(item, walked))
                elif isinstance(value, walked):
                    stack.append(value)
        assert _walk_own(body) == found


def test_session_walker_sees_every_call_in_order() -> None:
    tree = ast.parse(SOURCE)
    function = tree.body[2]
    assert isinstance(function, ast.AsyncFunctionDef)
    walker = _FunctionWalker()
    walker.body(function.body)
    names = [ast.unparse(call.func) for call in walker.calls]
    assert names[:4] == ["session.stream", "select", "session.execute", "text"]
    assert "session.rollback" in names and "RuntimeError" in names and "gen" in names
    assert "q.filter" not in names  # lambdas are not walked
    assert [y.value for y in walker.yields] == ["tx", ""]
    assert ("z", ) == tuple(b[0] for b in walker.bindings if b[0] == "z")
