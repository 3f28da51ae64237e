"""The quick, text-level rewrite of newer syntax (`ormlint.newer_syntax`).

It must give the tree the libcst fallback gives (rows exactly, same shape), on
any interpreter: the rewritten text is parsed by the running one. And it must
never raise, whatever the text.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from ormlint import parsing
from ormlint.literals import scan
from ormlint.newer_syntax import libcst_may_help, may_hold_type_statement, rewrite_newer_syntax
from tests.helpers import expected_marks, reported
from tests.test_parsing import CASES, GENERIC_DEFS, PEP701_FSTRINGS, _defs

# The cases the quick rewrite covers. Left to libcst: match and except* (older than
# any interpreter that needs them rewritten) and `type` statements whose type
# parameters span several lines (rare).
# `except*` itself needs 3.11 to parse once its tuple is parenthesized.
QUICK = ["pep758-except", "pep695-generics", "pep701-fstrings", "tstrings"] + (["pep758-except-star"] if sys.version_info >= (3, 11) else [])
# The running interpreter decides which f-strings need a placeholder (those it cannot compile).
OLD_TOKENIZER = pytest.mark.skipif(sys.version_info >= (3, 12), reason="this interpreter reads PEP 701 f-strings itself")


@pytest.mark.parametrize("name", QUICK)
def test_rewritten_text_parses_with_the_same_rows(name: str) -> None:
    src, expected = CASES[name]
    rewritten = rewrite_newer_syntax(src, (3, 11))
    assert rewritten != src or name == "pep701-fstrings" and sys.version_info >= (3, 12)
    assert rewritten.count("\n") == src.count("\n")
    assert _defs(ast.parse(rewritten)) == expected


@pytest.mark.parametrize("name", QUICK)
def test_quick_rewrite_and_libcst_give_the_same_tree(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "_PY", (3, 11))
    src, _ = CASES[name]
    quick = ast.parse(rewrite_newer_syntax(src, (3, 11)))
    libcst_tree = parsing._downgrade_and_parse(src, "x.py")
    assert libcst_tree is not None
    assert ast.dump(quick) == ast.dump(libcst_tree)
    assert [getattr(n, "lineno", 0) for n in ast.walk(quick)] == [getattr(n, "lineno", 0) for n in ast.walk(libcst_tree)]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running interpreter parses these itself")
@pytest.mark.parametrize("src", [GENERIC_DEFS, PEP701_FSTRINGS], ids=["generics", "fstrings"])
def test_common_newer_syntax_needs_no_libcst(src: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_libcst(text: str, filename: str) -> None:
        raise AssertionError("libcst fallback used")

    monkeypatch.setattr(parsing, "_downgrade_and_parse", no_libcst)
    assert isinstance(parsing.parse_text(src, "x.py"), parsing.ParsedFile)


@OLD_TOKENIZER
def test_readable_fstrings_stay() -> None:
    src = 'a = f"{x!r:>{width}}"\nb = f"{d[\'k\']}"\n' + 'c = f"{d["k"]}"\n'
    rewritten = rewrite_newer_syntax(src, (3, 11))
    assert rewritten.splitlines()[:2] == src.splitlines()[:2]
    assert rewritten.splitlines()[2] == 'c = ""'


@OLD_TOKENIZER
def test_multi_line_fstring_becomes_a_string_of_as_many_lines() -> None:
    src = 'x = f"-{\n    value\n}" + "tail"\ny = 1\n'
    assert rewrite_newer_syntax(src, (3, 11)) == 'x = """\n\n""" + "tail"\ny = 1\n'


def test_type_parameters_become_spaces_and_columns_stay() -> None:
    src = "class Box[T: Base](Generic[T]):\n    def get[S](self) -> S: ...\ntype Alias[K] = dict[K, int]\n"
    rewritten = rewrite_newer_syntax(src, (3, 11))
    assert [len(line) for line in rewritten.splitlines()] == [len(line) for line in src.splitlines()]
    assert rewritten.splitlines()[2].startswith("Alias ")
    subscripts = {(n.lineno, n.col_offset) for n in ast.walk(ast.parse(rewritten)) if isinstance(n, ast.Subscript)}
    assert subscripts == {(1, 19), (3, 16)}  # where `Generic[T]` and `dict[K, int]` are in the source


def test_type_parameters_over_several_lines() -> None:
    src = "class Box[\r\n    T,  # a comment\r\n](Base):\r\n    x = 1\r\n"
    rewritten = rewrite_newer_syntax(src, (3, 11))
    lines = rewritten.split("\r\n")
    assert lines[0].rstrip(" \\") == "class Box" and lines[0].endswith(" \\")
    assert lines[1].strip() == "\\"
    assert lines[2:] == [" (Base):", "    x = 1", ""]
    base = ast.parse(rewritten).body[0].bases[0]  # type: ignore[attr-defined]
    assert (base.lineno, base.col_offset) == (3, 2)


def test_headers_inside_strings_are_left_alone() -> None:
    src = 'doc = """\ndef f[\n    T,\n](x): ...\n"""\nx = 1\n'
    assert rewrite_newer_syntax(src + "type X = int\n", (3, 11)).startswith(src)


@pytest.mark.parametrize(
    "src, expected",
    [
        ('if"x": pass\n', [("", '"x"')]),
        ("a = rb'\\'' # it's\n", [("rb", "rb'\\''")]),
        ('b = f"{d["k"]}" + F\'{x:{w}}\'\n', [("f", 'f"{d["k"]}"'), ("f", "F'{x:{w}}'")]),
        ('c = f"\\N{DASH} {y}" + f"{{literal}}"\n', [("f", 'f"\\N{DASH} {y}"'), ("f", 'f"{{literal}}"')]),
        ("d = ub'' + '''a ' b''' + rf\"\\{x}\"\n", [("", "''"), ("", "'''a ' b'''"), ("rf", 'rf"\\{x}"')]),
        ('e = f"{f"{f"{x}"}"}"  # "quoted"\n', [("f", 'f"{f"{f"{x}"}"}"')]),
        ("f = 'a\\\nb'\n", [("", "'a\\\nb'")]),
        ('g = f"{x  # a comment\n}"\n', [("f", 'f"{x  # a comment\n}"')]),
    ],
)
def test_string_scanner(src: str, expected: list[tuple[str, str]]) -> None:
    assert [(prefix, src[start:end]) for start, end, prefix in scan(src)[0]] == expected


@pytest.mark.parametrize(
    "src",
    [
        'x = f"{',
        'x = f"}"\ntype X = int\n',
        'x = "unterminated\ntype X = int\n',
        "class A[\n    T,\n",
        "def f[T, (\n",
        'x = f"{x:{y"\n',
        "x = f'\\N{DASH'\n",
        "type X = int\n" + 'f"{' * 50,
    ],
)
def test_unreadable_text_never_raises(src: str) -> None:
    rewrite_newer_syntax(src, (3, 11))
    assert isinstance(parsing.parse_text(src, "x.py"), (parsing.ParsedFile, parsing.ParseFailure))


@pytest.mark.parametrize("name", sorted(CASES))
def test_libcst_may_help_with_every_construct_it_rewrites(name: str) -> None:
    src, _ = CASES[name]
    assert libcst_may_help(src, (3, 9))
    if name not in ("match", "except-star"):  # native from 3.10 / 3.11 on
        assert libcst_may_help(src, (3, 11))


@pytest.mark.parametrize(
    "src",
    [
        "from polar.{{ version }}.client import Environment\n{% for s in services %}\nx = 1\n",  # a template
        "x = 1\ndef f(:\n    pass\n",
        "match_type = types[0]\nexcept_ = 1\nclass C(Base): pass\nx = (\n",
    ],
)
def test_libcst_is_not_imported_for_what_it_cannot_help(src: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not libcst_may_help(src, (3, 11))

    def no_libcst(text: str, filename: str) -> None:
        raise AssertionError("libcst fallback used")

    monkeypatch.setattr(parsing, "_downgrade_and_parse", no_libcst)
    assert isinstance(parsing.parse_text(src, "x.py"), parsing.ParseFailure)


def test_fstrings_nested_thousands_deep_are_unreadable_not_a_crash() -> None:
    from ormlint import noqa
    from ormlint.literals import Unreadable, closing_bracket

    deep = "x = " + 'f"{' * 3000 + "1" + '}"' * 3000 + "  # noqa\n"
    with pytest.raises(Unreadable):
        scan(deep)
    with pytest.raises(Unreadable):
        closing_bracket("class C[" + 'f"{' * 3000, len("class C["))
    assert rewrite_newer_syntax(deep, (3, 11)).startswith("x = ")
    assert noqa.noqa_comments(deep) == ((1, "# noqa"),)  # found by the fallbacks


# -- `type` statements read natively (3.12+) give what the rewrite gives ------

NATIVE_TYPE_STATEMENTS = pytest.mark.skipif(sys.version_info < (3, 12), reason="only Python 3.12 and later parse `type` statements")

# Every kind of block a `type` statement may stand in.
TYPE_STATEMENTS = """\
from app.models import User
type UserId = int
type Users[T] = list[User]
class Holder:
    type Inner = dict[str, User]
    def method(self):
        type InMethod = User
def f(x):
    if x:
        type InIf = User
    else:
        type InElse = User
    for _ in x:
        type InLoop = User
    with x:
        type InWith = User
    try:
        type InTry = User
    except Exception:
        type InHandler = int
    finally:
        type InFinally = str
"""


@NATIVE_TYPE_STATEMENTS
def test_type_statements_become_assignments() -> None:
    src = TYPE_STATEMENTS + "match 1:\n    case 1:\n        type InCase = str\nx = 1; type OnOneLine = bytes\n"
    parsed = parsing.parse_text(src, "x.py")
    assert isinstance(parsed, parsing.ParsedFile)
    assert not [node for node in ast.walk(parsed.tree) if type(node).__name__ == "TypeAlias"]
    assigned = {node.targets[0].id: node for node in ast.walk(parsed.tree) if isinstance(node, ast.Assign)}  # type: ignore[attr-defined]
    assert set(assigned) == {
        "UserId", "Users", "Inner", "InMethod", "InIf", "InElse", "InLoop", "InWith", "InTry", "InHandler", "InFinally",
        "InCase", "x", "OnOneLine",
    }
    users = assigned["Users"]
    assert (users.lineno, users.col_offset, users.end_lineno, users.end_col_offset) == (3, 0, 3, 26)
    assert ast.dump(users.value) == ast.dump(ast.parse("list[User]", mode="eval").body, include_attributes=False)


@NATIVE_TYPE_STATEMENTS
def test_type_statements_give_the_facts_older_pythons_get() -> None:
    from ormlint.extract import extract_module

    native = parsing.parse_text(TYPE_STATEMENTS, "x.py")
    assert isinstance(native, parsing.ParsedFile)
    rewritten = rewrite_newer_syntax(TYPE_STATEMENTS, (3, 11))  # what Python 3.11 and earlier parse
    older = ast.parse(rewritten)
    assert extract_module(native.tree, "x.py", "x", False, TYPE_STATEMENTS) == extract_module(older, "x.py", "x", False, rewritten)


def test_a_type_alias_annotation_is_followed_on_every_python(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "models.py").write_text(
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n"
        "class Base(DeclarativeBase):\n"
        "    pass\n"
        "class User(Base):\n"
        "    __tablename__ = 'users'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    username: Mapped[str]\n"
        "type Member = User\n"
        "def show(member: Member) -> str:\n"
        "    return member.name  # ORM204\n"
    )
    assert reported(tmp_path, ["ORM204"]) == expected_marks(tmp_path) == {("app/models.py", 10, "ORM204")}


@pytest.mark.parametrize(
    ("src", "may"),
    [
        ("type X = int\n", True),
        ("def f():\n    type X = int\n", True),
        ("\ttype\tX = int\n", True),
        ("x = 1; type X = int\n", True),
        ("if c: type X = int\n", True),
        ("type \\\n    X = int\n", True),
        ("x = 1\rtype X = int\r", True),
        ("x: type = int\n", True),  # a `:` then `type` and a blank: looked at, harmlessly
        ("content_type = 1\n", False),
        ("type(x)\n", False),
        ("x.type = 1\n", False),
        ("kind = 'type'\n", False),
        ("t = type\n", False),
        ("types = 1\n", False),
        ("# type X = int\n", False),
        ("", False),
    ],
)
def test_where_a_type_statement_may_be(src: str, may: bool) -> None:
    assert may_hold_type_statement(src) is may


@NATIVE_TYPE_STATEMENTS
def test_no_type_statement_escapes_the_scan() -> None:
    # A `type` statement the scan missed would silently lose its facts on 3.12+.
    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    blank = st.sampled_from([" ", "\t", "  ", " \\\n  ", "\\\n ", "\t \\\r\n "])
    optional_blank = st.sampled_from(["", " ", "\t", "\f"])
    statement = st.builds(
        lambda before, space, params, around: f"{before}type{space}Alias{params}{around}={around}int",
        st.sampled_from(["", "x = 1;", "x = 1; ", "if x:", "if x: ", "while x:", "else:"]),
        blank,
        st.sampled_from(["", "[T]", "[T: int]"]),
        optional_blank,
    )
    line = st.one_of(
        statement,
        st.sampled_from(["x = 1", "y = type", "type(x)", "# type X = int", "s = 'type X = int'", "t = x.type", "if x:", "else:"]),
    )
    indent = st.sampled_from(["", "    ", "\t", "\f"])
    newline = st.sampled_from(["\n", "\r\n", "\r"])
    program = st.lists(st.tuples(indent, line, newline), min_size=1, max_size=8).map(lambda rows: "".join("".join(r) for r in rows))

    @settings(max_examples=2000, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(program)
    def check(text: str) -> None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return
        if any(type(node).__name__ == "TypeAlias" for node in ast.walk(tree)):
            assert may_hold_type_statement(text), text
            parsed = parsing.parse_text(text, "x.py")
            assert isinstance(parsed, parsing.ParsedFile)
            assert not [node for node in ast.walk(parsed.tree) if type(node).__name__ == "TypeAlias"], text

    check()
