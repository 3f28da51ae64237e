"""The conversions the extractors share within a file (`expr.to_expr` keeps one
record per node, inner calls included; `annotation_to_expr` re-parses nothing
without strings) make the same records as a fresh conversion, also for
expressions cut at to_expr's depth limit."""

from __future__ import annotations

import ast
from pathlib import Path

from ormlint.expr import Expr, _parse_strings, _to_expr, annotation_to_expr, forget_file, make_span, to_expr
from ormlint.usage_extract import extract_usage

ROOT = Path(__file__).resolve().parent.parent


def _fresh(node: ast.AST) -> Expr:
    return _to_expr(node, 0)  # nothing shared, nothing remembered


def _fresh_annotation(node: ast.AST) -> Expr:
    return _parse_strings(_to_expr(node, 0))


def _expressions(tree: ast.AST) -> list[ast.AST]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.expr)]


def test_convert_matches_to_expr_on_real_code() -> None:
    sources = sorted((ROOT / "src" / "ormlint").rglob("*.py")) + sorted((ROOT / "fixtures").rglob("*.py"))
    assert len(sources) > 20
    for path in sources:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue  # fixtures of unparsable files
        forget_file()
        nodes = _expressions(tree)
        # Outer expressions first (as the walker meets them), then again in
        # reverse order, so that every node is also served from the memo.
        for node in nodes + nodes[::-1]:
            assert repr(to_expr(node)) == repr(_fresh(node)), (path, ast.dump(node)[:200])
            assert repr(annotation_to_expr(node)) == repr(_fresh_annotation(node)), (path, ast.dump(node)[:200])
    forget_file()


def test_convert_matches_to_expr_on_odd_shapes() -> None:
    source = (
        'x = f(*a, b, *c, k=1, **kw)(y)[1:2, ::3]\n'
        'y = [1, *z, {**d, "a": (lambda q: q.a.b)(await g())}] + {1, 2} | (3,)\n'
        'z: "Optional[list[\'User\']]" | int = b"x" + 1.5j + ...\n'
        'w = (a for a in b), {a: b for a, b in c}, f"{x!r}", -x, x if y else z, x.y[0].z().w\n'
    )
    tree = ast.parse(source)
    forget_file()
    for node in _expressions(tree):
        assert repr(to_expr(node)) == repr(_fresh(node))
        assert repr(annotation_to_expr(node)) == repr(_fresh_annotation(node))
    forget_file()


def test_no_reuse_after_a_cut_at_the_depth_limit() -> None:
    # A 30-call chain is cut by to_expr (depth > 40) when converted whole, but
    # its inner calls converted on their own are not: an inner call's record
    # taken from inside the cut outer one would be wrong.
    chain = "q" + "".join(f".m{i}(x)" for i in range(30))
    tree = ast.parse(f"r = {chain}.first()\n")
    forget_file()
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert "deep" in repr(to_expr(calls[0]))
    for node in calls:
        assert repr(to_expr(node)) == repr(_fresh(node))
    forget_file()


def test_deep_chains_give_the_same_usage_facts_as_plain_conversion() -> None:
    chain = "session" + "".join(f".m{i}(User.a{i})" for i in range(30))
    tree = ast.parse(f"def f(session):\n    r = {chain}.first()\n    return {chain}.all()\n")
    scopes = extract_usage(tree)
    function = next(scope for scope in scopes if scope.name == "f")
    for call in function.calls:
        assert call.span is not None
    # Every recorded call and attribute base equals its to_expr conversion.
    nodes = {make_span(n.lineno, n.col_offset, n.end_lineno, n.end_col_offset): n for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for call in function.calls:
        span = call.span
        assert span is not None
        assert repr(call) == repr(_fresh(nodes[span]))
    for _, _, _, _, _, base_expr in function.attributes:
        if base_expr is not None:
            span = base_expr.span
            assert span is not None
            assert repr(base_expr) == repr(_fresh(nodes[span]))
