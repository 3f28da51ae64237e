"""The fast forms of text scans: those used when a file needs newer syntax
rewritten, and the test for `noqa` every file goes through.

`ormlint.literals.scan`, `parsing._bracket_depth` and the line patterns of
`ormlint.newer_syntax` were written for speed (a fixed first character for `re`
to skip to, unrolled string loops, a matched line break instead of `^`). Each
is compared here with its plain form, kept as the specification, on generated
texts made of the pieces that matter to them.
"""

from __future__ import annotations

import random
import re
import sys
from typing import Any, Callable

import pytest

from ormlint import literals, newer_syntax, noqa, parsing

# -- the plain forms ---------------------------------------------------------

_PLAIN_BRACKET_SCAN = re.compile(
    r"""
    \#[^\r\n]*
    | \"\"\"(?:\\.|[^\\])*?\"\"\" | '''(?:\\.|[^\\])*?'''
    | "(?:\\.|[^"\\\r\n])*" | '(?:\\.|[^'\\\r\n])*'
    | (?P<open>[(\[{]) | (?P<close>[)\]}])
    """,
    re.VERBOSE | re.DOTALL,
)


def _plain_bracket_depth(text: str) -> int:
    depth = deepest = 0
    for match in _PLAIN_BRACKET_SCAN.finditer(text):
        if match.lastgroup == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif match.lastgroup == "close":
            depth = max(depth - 1, 0)
    return deepest


def _plain_scan(text: str) -> Any:
    """`literals.scan` searching `_STRING_OR_COMMENT` from where it stands, without skipping ahead."""
    strings: list[literals.StringSpan] = []
    comments: list[literals.CommentSpan] = []
    position = 0
    try:
        while True:
            match = literals._STRING_OR_COMMENT.search(text, position)
            if match is None:
                return strings, comments
            if match.lastgroup == "comment":
                comments.append(match.span())
                position = match.end()
                continue
            start, prefix, quote = match.start(), match.group("prefix").lower(), match.group("quote")
            if prefix not in literals._PREFIXES:
                start, prefix = match.start("quote"), ""
            position = literals._string_end(text, match.end(), prefix, quote)
            strings.append((start, position, prefix))
    except (literals.Unreadable, RecursionError):
        return "unreadable"


def _blank(match: "re.Match[str]") -> str:
    return match.group(1) + " " * len(match.group(2))


def _type_statement(match: "re.Match[str]") -> str:
    indent, keyword, name, parameters = match.groups()
    return indent + name + " " * (len(keyword) + len(parameters)) + "="


_PLAIN_LINE_REWRITES: list[tuple["re.Pattern[str]", Any]] = [
    (re.compile(r"^([ \t]*)except([ \t]*\*?)[ \t]+(?!\()([^\n:#()]+,[^\n:#]+?)[ \t]*:", re.MULTILINE), r"\1except\2 (\3):"),
    (re.compile(r"^([ \t]*)(type[ \t]+)([A-Za-z_]\w*)([ \t]*(?:\[[^\n=]*?\])?[ \t]*)=", re.MULTILINE), _type_statement),
    (re.compile(r"^([ \t]*(?:async[ \t]+)?def[ \t]+[A-Za-z_]\w*)(\[[^\n]*?\])(?=\()", re.MULTILINE), _blank),
    (re.compile(r"^([ \t]*class[ \t]+[A-Za-z_]\w*)(\[[^\n]*?\])(?=[(:])", re.MULTILINE), _blank),
]
_PLAIN_GENERIC_HEADER = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+[^\W\d]\w*[ \t]*(\[)", re.MULTILINE)


def _plain_line_rewrites(text: str) -> str:
    for pattern, replacement in _PLAIN_LINE_REWRITES:
        text = pattern.sub(replacement, text)
    return text


def _fast_line_rewrites(text: str) -> str:
    text = "\n" + text
    for pattern, replacement in newer_syntax._LINE_REWRITES:
        text = pattern.sub(replacement, text)
    return text[1:]


# -- generated texts ---------------------------------------------------------

_PIECES = [
    "\n", "\r\n", "\r", " ", "\t", "def f", "async def g", "async class D", "async", "class C", "type X", "type",
    "except", "except*", " A, B", ",", ":", "=", "[", "]", "(", ")", "{", "}", "[T]", "[T: int]",
    '"', "'", '"""', "'''", 'f"', "f'", 'rb"', "Rf'", 't"', "u'", "x", "#", "\\", "é", " = 1",
]


def _texts(seed: int, count: int = 3000) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 24))) for _ in range(count)]


def _pairs(fast: Callable[[str], Any], plain: Callable[[str], Any], texts: list[str]) -> list[tuple[str, Any, Any]]:
    """The texts on which the fast and the plain form disagree."""
    return [(text, fast(text), plain(text)) for text in texts if fast(text) != plain(text)]


def _scan_or_unreadable(text: str) -> Any:
    try:
        return literals.scan(text)
    except literals.Unreadable:
        return "unreadable"


def test_bracket_depth_is_the_plain_scans() -> None:
    assert _pairs(parsing._bracket_depth, _plain_bracket_depth, _texts(1)) == []
    spans = lambda pattern: lambda text: [m.span() for m in pattern.finditer(text)]  # noqa: E731
    assert _pairs(spans(parsing._BRACKET_SCAN), spans(_PLAIN_BRACKET_SCAN), _texts(2)) == []


@pytest.mark.parametrize(
    "src, depth",
    [
        ("f(g[h{1}])", 3),
        ("x = '(((' + \"[[\" + '''\n{{{'''  # (((\n(", 1),
        ('x = """a \\""" ((( """ + (1)', 1),
        ("x = 'unterminated (\n(y)", 2),  # no string there: its bracket counts
        (")))((", 2),
    ],
)
def test_bracket_depth(src: str, depth: int) -> None:
    assert parsing._bracket_depth(src) == depth == _plain_bracket_depth(src)


def test_scan_is_the_plain_search() -> None:
    assert _pairs(_scan_or_unreadable, _plain_scan, _texts(3)) == []


@pytest.mark.parametrize(
    "src",
    [
        'rb"x"',  # a prefix at the very start
        '"a"rb"b"f"{c}"',  # prefixes right after the string before them
        'xf"a" + _r"b" + é"c"',  # a name before the quote: no prefix
        "ub'' # it's\nfr'{x}'",
    ],
)
def test_scan_prefixes(src: str) -> None:
    assert _scan_or_unreadable(src) == _plain_scan(src)


def test_line_rewrites_are_the_plain_patterns() -> None:
    assert _pairs(_fast_line_rewrites, _plain_line_rewrites, _texts(4)) == []
    starts = lambda pattern, prefix: lambda text: [m.start(1) - len(prefix) for m in pattern.finditer(prefix + text)]  # noqa: E731
    assert _pairs(starts(newer_syntax._GENERIC_HEADER, "\n"), starts(_PLAIN_GENERIC_HEADER, ""), _texts(5)) == []


@pytest.mark.parametrize(
    "src",
    [
        "class A[T]: pass\nclass B[T](A[T]): pass\n",  # the first line and the line after a match
        "def f[T](x: T) -> T: ...\r\n    async def g[S](y): ...\r\n",
        "type X = int\n\ttype Y[T] = list[T]\n",
        "try:\n    pass\nexcept A, B:\n    pass\nexcept* C, D:\n    pass\n",
    ],
)
def test_line_rewrites(src: str) -> None:
    rewritten = _fast_line_rewrites(src)
    assert rewritten != src and rewritten == _plain_line_rewrites(src)


@pytest.mark.parametrize(
    "text, mentions",
    [
        ("x = 1  # NoQa\n", True),
        ("x = 'é'  # nOqA: ORM101\n", True),
        ("x = 1  # no qa\n", False),
        ("x = 'ｎｏｑａ'  # full-width letters are not ASCII\n", False),
        ("\ud800 noqa", True),  # a lone surrogate does not make it raise
        ("\ud800", False),
    ],
)
def test_mentions_noqa_is_the_lower_case_search(text: str, mentions: bool) -> None:
    assert noqa._mentions_noqa(text) is mentions is ("noqa" in text.lower())


def test_only_ascii_letters_lower_case_to_the_letters_of_noqa() -> None:
    # What `_mentions_noqa` relies on, checked against this interpreter's Unicode tables.
    others = [c for c in map(chr, range(sys.maxunicode + 1)) if c not in "nNoOqQaA" and not {"n", "o", "q", "a"}.isdisjoint(c.lower())]
    assert others == []
