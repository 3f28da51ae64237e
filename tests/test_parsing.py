"""Parsing: decoding, failures as data, and the libcst fallback for newer syntax.

Each newer-syntax source is checked twice: through `parse_text` (the fallback runs
whenever the running interpreter rejects the source, and the fast path is taken
otherwise) and through `parse_newer_syntax` directly, so the libcst path is
exercised on every interpreter. Row numbers must match the source exactly.
"""

from __future__ import annotations

import ast
import codecs
import sys
from typing import Dict, Tuple

import pytest

from ormlint import parsing
from ormlint.parsing import ParsedFile, ParseFailure, parse_bytes, parse_newer_syntax, parse_text

# name -> (node kind, row) for classes, functions and assignments to plain names.
Defs = Dict[str, Tuple[str, int]]

# 3.12+ parses `type X = ...` natively; the fallback for older ones makes it `X = ...`.
_TYPE_ALIAS = getattr(ast, "TypeAlias", ())


def _defs(tree: ast.AST) -> Defs:
    found: Defs = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = (type(node).__name__, node.lineno)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = ("Assign", node.lineno)
        elif isinstance(node, _TYPE_ALIAS):
            found[node.name.id] = ("Assign", node.lineno)
    return found


def _parsed(src: str) -> ast.Module:
    result = parse_text(src, "x.py")
    assert isinstance(result, ParsedFile), result
    return result.tree


PEP758_EXCEPT = (
    "try:\n"
    "    pass\n"
    "except ValueError, TypeError:\n"
    "    handled = 1\n"
    "except KeyError, IndexError:\n"
    "    handled_too = 2\n"
    "class After(Base):\n"
    "    column = 3\n"
)

PEP758_EXCEPT_STAR = (
    "try:\n"
    "    pass\n"
    "except* ValueError, TypeError:\n"
    "    handled = 1\n"
    "class After(Base):\n"
    "    column = 3\n"
)

TYPE_STATEMENT = (
    "type Simple = int | str\n"
    "type Pair[\n"
    "    K,\n"
    "    V = int,\n"
    "] = tuple[\n"
    "    K, V\n"
    "]\n"
    "type \\\n"
    "    Continued = int\n"
    "class After(Base):\n"
    "    column = 3\n"
)

GENERIC_DEFS = (
    "@decorator\n"
    "def first[\n"
    "    T: (int, str),\n"
    "    *Ts,\n"
    "    **P,\n"
    "](x: T) -> T:\n"
    "    local = x\n"
    "    return local\n"
    "async def second[T = int](x: T):\n"
    "    pass\n"
    "class Box[T: Base = Model](Generic[T], metaclass=Meta):\n"
    "    value = 1\n"
    "    def get[S](self) -> S: ...\n"
    "class Bare[\n"
    "    T,\n"
    "]:\n"
    "    other = 2\n"
    "class After(Base):\n"
    "    column = 3\n"
)

PEP701_FSTRINGS = (
    'same_quotes = f"{data["key"]}"\n'
    'backslash = f"{"\\n".join(items)}"\n'
    'multi_line = f"{\n'
    "    value\n"
    '}"\n'
    'nested = f"{f"{f"{x}"}"}"\n'
    'comment = f"{x  # a comment\n'
    '}"\n'
    'triple = f"""\n'
    '{items["a"]}\n'
    '"""\n'
    'plain = f"{x!r:>{width}}"\n'
    "class After(Base):\n"
    "    column = 3\n"
)

TSTRINGS = (
    'greeting = t"Hello {name}"\n'
    'block = t"""\n'
    "{x}\n"
    '"""\n'
    "class After(Base):\n"
    "    column = 3\n"
)

MATCH = (
    "match (command,\n"
    "       argument):\n"
    "    case [first,\n"
    "          *rest] if (first >\n"
    "                     0):\n"
    "        chosen_one = 1\n"
    "    case {'k': value, **others}:\n"
    "        chosen_two = 2\n"
    "    case Point(x=0) | Point(y=0) as point:\n"
    "        class Inner:\n"
    "            pass\n"
    "    case _:\n"
    "        fallback = 3\n"
    "class After(Base):\n"
    "    column = 3\n"
)

EXCEPT_STAR = (
    "try:\n"
    "    pass\n"
    "except* (ValueError, TypeError) as group:\n"
    "    handled = 1\n"
    "except *KeyError:\n"
    "    handled_too = 2\n"
    "class After(Base):\n"
    "    column = 3\n"
)

AFTER = {"After": ("ClassDef", 7), "column": ("Assign", 8)}

CASES = {
    "pep758-except": (PEP758_EXCEPT, {"handled": ("Assign", 4), "handled_too": ("Assign", 6), **AFTER}),
    "pep758-except-star": (
        PEP758_EXCEPT_STAR,
        {"handled": ("Assign", 4), "After": ("ClassDef", 5), "column": ("Assign", 6)},
    ),
    "type-statement": (
        TYPE_STATEMENT,
        {
            "Simple": ("Assign", 1),
            "Pair": ("Assign", 2),
            "Continued": ("Assign", 8),
            "After": ("ClassDef", 10),
            "column": ("Assign", 11),
        },
    ),
    "pep695-generics": (
        GENERIC_DEFS,
        {
            "first": ("FunctionDef", 2),
            "local": ("Assign", 7),
            "second": ("AsyncFunctionDef", 9),
            "Box": ("ClassDef", 11),
            "value": ("Assign", 12),
            "get": ("FunctionDef", 13),
            "Bare": ("ClassDef", 14),
            "other": ("Assign", 17),
            "After": ("ClassDef", 18),
            "column": ("Assign", 19),
        },
    ),
    "pep701-fstrings": (
        PEP701_FSTRINGS,
        {
            "same_quotes": ("Assign", 1),
            "backslash": ("Assign", 2),
            "multi_line": ("Assign", 3),
            "nested": ("Assign", 6),
            "comment": ("Assign", 7),
            "triple": ("Assign", 9),
            "plain": ("Assign", 12),
            "After": ("ClassDef", 13),
            "column": ("Assign", 14),
        },
    ),
    "tstrings": (
        TSTRINGS,
        {"greeting": ("Assign", 1), "block": ("Assign", 2), "After": ("ClassDef", 5), "column": ("Assign", 6)},
    ),
    "match": (
        MATCH,
        {
            "chosen_one": ("Assign", 6),
            "chosen_two": ("Assign", 8),
            "Inner": ("ClassDef", 10),
            "fallback": ("Assign", 13),
            "After": ("ClassDef", 14),
            "column": ("Assign", 15),
        },
    ),
    "except-star": (EXCEPT_STAR, {"handled": ("Assign", 4), "handled_too": ("Assign", 6), **AFTER}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_newer_syntax_keeps_rows(name: str) -> None:
    src, expected = CASES[name]
    assert _defs(_parsed(src)) == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_fallback_keeps_rows_on_any_interpreter(name: str) -> None:
    src, expected = CASES[name]
    tree = parse_newer_syntax(src, "x.py")
    assert tree is not None
    assert _defs(tree) == expected


# The running interpreter can stand in for older ones: code rewritten for an older
# Python parses on a newer one too. This covers the 3.9/3.10 rewrites (match,
# except*) on whatever interpreter runs the tests.
OLDER = [v for v in [(3, 9), (3, 10), (3, 11), (3, 12), (3, 13)] if v <= sys.version_info[:2]]


@pytest.mark.parametrize("version", OLDER, ids=lambda v: "py%d%d" % v)
@pytest.mark.parametrize("name", sorted(CASES))
def test_rewrites_for_older_interpreters_keep_rows(
    name: str, version: Tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parsing, "_PY", version)
    src, expected = CASES[name]
    tree = parse_newer_syntax(src, "x.py")
    assert tree is not None
    assert _defs(tree) == expected
    if version < (3, 10) and name == "match":
        assert not any(type(node).__name__ == "Match" for node in ast.walk(tree))


def test_pep758_except_becomes_a_tuple() -> None:
    handlers = [n for n in ast.walk(_parsed(PEP758_EXCEPT)) if isinstance(n, ast.ExceptHandler)]
    assert [h.lineno for h in handlers] == [3, 5]
    assert all(isinstance(h.type, ast.Tuple) and len(h.type.elts) == 2 for h in handlers)


def test_pep758_still_requires_parentheses_with_as() -> None:
    # Invalid in 3.14 too: PEP 758 drops the parentheses only without `as`.
    src = "try:\n    pass\nexcept KeyError, IndexError as error:\n    pass\n"
    result = parse_text(src, "x.py")
    assert isinstance(result, ParseFailure)
    assert result.row == 3


def test_readable_fstrings_are_kept() -> None:
    tree = _parsed(PEP701_FSTRINGS)
    values = {t.id: n.value for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    assert isinstance(values["plain"], ast.JoinedStr)


def test_constructs_after_the_newer_one_are_kept() -> None:
    src = (
        "type Alias = int\n"
        "@dataclass\n"
        "class User(Base):\n"
        "    __tablename__ = 'users'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )
    tree = _parsed(src)
    cls = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef))
    assert (cls.lineno, [d.id for d in cls.decorator_list]) == (3, ["dataclass"])  # type: ignore[attr-defined]
    assert [type(s).__name__ for s in cls.body] == ["Assign", "AnnAssign"]
    assert [s.lineno for s in cls.body] == [4, 5]


def test_crlf_newlines() -> None:
    src = TYPE_STATEMENT.replace("\n", "\r\n")
    assert _defs(_parsed(src)) == CASES["type-statement"][1]


def test_true_syntax_error_is_a_failure_with_its_row() -> None:
    result = parse_text("x = 1\ndef f(:\n    pass\n", "x.py")
    assert isinstance(result, ParseFailure)
    assert result.row == 2
    assert result.message.startswith("syntax error")


def test_true_syntax_error_after_newer_syntax_is_a_failure() -> None:
    assert isinstance(parse_text("type X = int\ndef f(:\n    pass\n", "x.py"), ParseFailure)
    assert parse_newer_syntax("type X = int\ndef f(:\n    pass\n", "x.py") is None


def test_nul_bytes_are_a_failure() -> None:
    result = parse_bytes(b"x = 1\ny = '\x00'\n", "x.py")
    assert isinstance(result, ParseFailure)
    assert result.row == 2


def test_utf8_bom() -> None:
    result = parse_bytes(codecs.BOM_UTF8 + "name = 'é'\nclass A:\n    pass\n".encode("utf-8"), "x.py")
    assert isinstance(result, ParsedFile)
    assert not result.text.startswith("\ufeff")
    assert _defs(result.tree) == {"name": ("Assign", 1), "A": ("ClassDef", 2)}


def test_utf16_bom_with_newer_syntax() -> None:
    data = ("type Alias = int\nclass A:\n    x = 'é'\n").encode("utf-16")
    assert data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE)
    result = parse_bytes(data, "x.py")
    assert isinstance(result, ParsedFile)
    assert _defs(result.tree) == {"Alias": ("Assign", 1), "A": ("ClassDef", 2), "x": ("Assign", 3)}


@pytest.mark.parametrize(
    "src",
    [
        "x = " + "(" * 10000 + "1" + ")" * 10000 + "\n",
        # The newer construct comes first, so the deep part reaches the fallback.
        "type X = int\nx = " + "(" * 10000 + "1" + ")" * 10000 + "\n",
        "x = " + 'f"{' * 2000 + "1" + '}"' * 2000 + "\n",
    ],
    ids=["parens", "parens-after-type", "fstrings"],
)
def test_deep_nesting_is_a_failure(src: str) -> None:
    assert isinstance(parse_text(src, "x.py"), ParseFailure)
    assert parse_newer_syntax(src, "x.py") is None


@pytest.mark.parametrize(
    "src",
    [
        "",
        "\x00",
        "type X = int\nx = " + "[" * 150 + "]" * 150 + "\n",  # deep for libcst's recursive visitors
        "type X = int\n" + "x = " + "-" * 1000 + "1\n",
        'type X = int\ns = """unterminated\n',
        "type X = int\nx = '(((' * 3\n" + "y = '((((((((((((((((((((((((((((((((((((((((((((((((((('\n" * 10,
    ],
)
def test_fallback_never_raises(src: str) -> None:
    result = parse_text(src, "x.py")
    assert isinstance(result, (ParsedFile, ParseFailure))
    parse_newer_syntax(src, "x.py")


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    src = "type X = int\n" + "y = '((((((((((('  # ((((((((((\n" * 100
    assert parsing._bracket_depth(src) == 0
    assert isinstance(parse_text(src, "x.py"), ParsedFile)
