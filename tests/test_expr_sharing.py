"""`to_expr` shares records within a file; what it shares must equal a fresh conversion."""

from __future__ import annotations

import ast

from ormlint.expr import _to_expr, forget_file, make_span, to_expr


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _check_every_call(source: str) -> None:
    forget_file()
    tree = ast.parse(source)
    calls = _calls(tree)
    shared = [to_expr(call) for call in calls]  # outer first, as ast.walk goes
    assert shared == [_to_expr(call, 0) for call in calls]  # the uncached conversion
    assert to_expr(calls[0]) is shared[0]  # asked again: the same record
    forget_file()


def test_inner_calls_of_a_chain_equal_their_own_conversion() -> None:
    _check_every_call("q = session.query(User).filter(User.id == 1).order_by(User.name).first()\n")
    _check_every_call("x = f(g(h(1), k=d[i(2)]), *args)[j(3)]\n")


def test_nothing_cut_at_the_depth_limit_is_reused() -> None:
    # A chain longer than the depth limit: the outer conversion cuts the inner
    # calls off; asked for on their own they are converted in full.
    chain = "x = a" + "".join(f".m{i}()" for i in range(60)) + "\n"
    _check_every_call(chain)
    # The cut comes late: inner records listed before it stay right.
    _check_every_call("y = b.c().d()\n" + chain)


def test_spans_are_shared_within_a_file_and_forgotten_after() -> None:
    forget_file()
    first = make_span(1, 0, 1, 4)
    assert make_span(1, 0, 1, 4) is first
    forget_file()
    assert make_span(1, 0, 1, 4) == first and make_span(1, 0, 1, 4) is not first
    forget_file()


def test_annotations_are_shared_within_a_file_and_equal_a_fresh_conversion() -> None:
    from ormlint.expr import _parse_strings, annotation_to_expr

    forget_file()
    tree = ast.parse("def f(a: 'Optional[User]', b: list['Order'] | None, c: int = 0) -> 'Mapped[int]': ...\n")
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    nodes = [arg.annotation for arg in function.args.args] + [function.returns]
    shared = [annotation_to_expr(node) for node in nodes if node is not None]
    assert [annotation_to_expr(node) for node in nodes if node is not None] == shared
    assert all(again is first for again, first in zip([annotation_to_expr(n) for n in nodes if n is not None], shared))
    assert shared == [_parse_strings(_to_expr(node, 0)) for node in nodes if node is not None]  # unshared
    forget_file()
    assert annotation_to_expr(nodes[0]) is not shared[0]  # a new file: converted afresh
    forget_file()


def test_records_built_from_their_fields_equal_constructed_ones() -> None:
    # _to_expr builds Name, Const, Attr, Subscript and Call from their fields in
    # declaration order; the constructors, by keyword, must agree.
    from ormlint.expr import Attr, Call, Const, Name, Subscript

    forget_file()
    node = ast.parse("f(a.b, x[1], g().h, k='s')", mode="eval").body
    got = _to_expr(node, 0)
    expected = Call(
        func=Name(dotted="f", span=make_span(1, 0, 1, 1)),
        args=(
            Name(dotted="a.b", span=make_span(1, 2, 1, 5)),
            Subscript(value=Name(dotted="x", span=make_span(1, 7, 1, 8)), index=Const(value=1, span=make_span(1, 9, 1, 10)), span=make_span(1, 7, 1, 11)),
            Attr(value=Call(func=Name(dotted="g", span=make_span(1, 13, 1, 14)), span=make_span(1, 13, 1, 16)), attr="h", span=make_span(1, 13, 1, 18)),
        ),
        kwargs=(("k", Const(value="s", span=make_span(1, 22, 1, 25))),),
        span=make_span(1, 0, 1, 26),
        keyword_spans=(make_span(1, 20, 1, 21),),
    )
    assert got == expected
    forget_file()


def test_rarer_records_built_from_their_fields_equal_constructed_ones() -> None:
    # Seq, Dict, Union_, Lambda and Other are built from their fields too.
    from ormlint.expr import Const, Dict, Lambda, Name, Other, Seq, Union_, span_of

    forget_file()
    source = "[(a, *b), {c}, {1: d, **e}, f | None | g, lambda: h, i + j, await k, [m for m in n]]"
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.List)
    got = _to_expr(node, 0)
    at = {ast.get_source_segment(source, sub): span_of(sub) for sub in ast.walk(node) if hasattr(sub, "lineno")}
    expected = Seq(
        items=(
            Seq(items=(Name("a", at["a"]),), kind="tuple", starred=True, span=at["(a, *b)"]),
            Seq(items=(Name("c", at["c"]),), kind="set", starred=False, span=at["{c}"]),
            Dict(items=((Const(1, at["1"]), Name("d", at["d"])),), has_unpack=True, span=at["{1: d, **e}"]),
            Union_(items=(Name("f", at["f"]), Const(None, at["None"]), Name("g", at["g"])), span=at["f | None | g"]),
            Lambda(body=Name("h", at["h"]), span=at["lambda: h"]),
            Other(kind="BinOp", span=at["i + j"]),
            Name("k", at["k"]),
            Other(kind="list", span=at["[m for m in n]"]),
        ),
        kind="list",
        starred=False,
        span=at[source],
    )
    assert got == expected
    forget_file()


def test_a_keyword_made_by_hand_takes_the_call_position() -> None:
    from ormlint.expr import Call

    forget_file()
    call = ast.Call(func=ast.Name(id="f", ctx=ast.Load()), args=[], keywords=[ast.keyword(arg="key", value=ast.Constant(1))])
    call.lineno, call.col_offset, call.end_lineno, call.end_col_offset = 3, 4, 3, 20
    got = _to_expr(call, 0)
    assert isinstance(got, Call) and got.keyword_spans == (make_span(3, 4, 3, 7),)
    forget_file()
