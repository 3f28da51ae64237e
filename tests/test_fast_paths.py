"""The shortcuts of the per-file analysis give what the long ways give."""

from __future__ import annotations

import ast
import codecs
import io
import re
import textwrap
import tokenize

from ormlint.extract import _class_names
from ormlint.parsing import ParseFailure, decode_source
from ormlint.query_extract import _FACT_WORD, _nested_scopes, _scan_own, _walk_own, extract_queries

from tests.test_extract_walks import SOURCE, _bodies


def test_scan_own_and_nested_scopes_follow_walk_own() -> None:
    tree = ast.parse(SOURCE + "\nif x:\n    def f(): pass\nelse:\n    class C: pass\ntry:\n    def g(): pass\nexcept E:\n    def h(): pass\n")
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for body in _bodies(tree):
        walked = _walk_own(body)
        bindings, found, _ = _scan_own(body)
        assert found == [n for n in walked if isinstance(n, scopes)]
        assert _nested_scopes(body) == found
        assert all(n in walked for n in bindings)


def test_fact_words_are_whole_words() -> None:
    for text in ("for x in y", "x.get(1)", "q.query", "while 1", "s.stream_scalars(x)", "a.execute(b)", "(select(A))"):
        assert _FACT_WORD.search(text), text
    for text in ("format(target)", "forget", "x.updated_at", "getter", "selected", "executor", "my_query"):
        assert not _FACT_WORD.search(text), text


def test_text_shortcut_keeps_the_facts() -> None:
    source = textwrap.dedent('''
        def plain(a):
            """Docstring: for each query, get the rows."""
            return a + 1

        def outer(session):
            x = 1
            def inner():
                for user in session.query(User):
                    user.name
            return x

        class Repo:
            def get_all(self):
                return self.session.query(User).all()

            def helper(self):
                y = self.value
                return y
    ''')
    tree = ast.parse(source)
    assert extract_queries(tree, source) == extract_queries(tree)
    assert sorted(f.name for f in extract_queries(tree, source)) == ["Repo.get_all", "outer.inner"]
    crlf = source.replace("\n", "\r\n")
    assert extract_queries(ast.parse(crlf), crlf) == extract_queries(tree)


def test_class_names_match_the_line_start_regex() -> None:
    reference = re.compile(r"^[ \t]*class[ \t]+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)
    text = "class A:\n  class B(x):\n\tclass C\n# class D\nx = 'class E'\n  class\tF\r\nclass G\rclass H\nsubclass I\nclass"
    assert _class_names(text) == frozenset(reference.findall(text)) == frozenset({"A", "B", "C", "F", "G"})


def test_decode_fast_path_agrees_with_detect_encoding() -> None:
    cases = [
        b"", b"x = 1\n", b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", b"\n# coding: latin-1\nx = '\xe9'",
        b"x = 1\n# coding: latin-1\n'\xe9'", b"x = '\xff'\n", b"\xff\n", b"#\n#\n\xff", codecs.BOM_UTF8 + b"x = 1",
        "x = 'é'\n".encode(),
    ]
    assert decode_source(codecs.BOM_UTF16_LE + "x = 1".encode("utf-16-le")) == "x = 1"
    for data in cases:
        result = decode_source(data)
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            expected = data.decode(encoding)
        except (SyntaxError, UnicodeDecodeError):
            assert isinstance(result, ParseFailure), data
            continue
        assert result == expected.lstrip("\ufeff"), data


def test_cannot_root_query_only_where_query_finds_no_root() -> None:
    from ormlint.query_extract import _cannot_root_query, _Extractor, _Function, _Where

    source = SOURCE + textwrap.dedent('''
        def f(session, q, ids):
            q.filter(X.a == 1).all()
            session.query(User).get(1)
            d.get(1, 2)
            d.get(1)
            select(User).where(User.id == 1)
            select()
            sa.select(User)
            session.execute(select(User))
            conn.execute("x")
            User.query.all()
            x.query
            q.items
            len(ids)
            q.all()
            (await q).all()
    ''')
    tree = ast.parse(source)
    for query_vars in ({}, {"q": [0]}, {"d": [0], "x": [0]}):
        extractor = _Extractor()
        fn = _Function("f", None, False, (1, 0, 1, 0))
        fn.query_vars = dict(query_vars)
        fn.queries = [None] * 3  # type: ignore[list-item]
        for node in ast.walk(tree):
            if isinstance(node, (ast.Call, ast.Attribute)) and _cannot_root_query(fn, node):
                assert extractor._query(fn, node, _Where()) is None, ast.dump(node)


def test_nested_scopes_of_a_function_without_fact_words_hold_none() -> None:
    source = textwrap.dedent('''
        def outer(a):
            def inner():
                return a + 1
            class Local:
                def method(self):
                    return self.value
            return inner
    ''')
    tree = ast.parse(source)
    assert extract_queries(tree, source) == extract_queries(tree) == ()
