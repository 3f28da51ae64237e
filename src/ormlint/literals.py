"""Where the string literals and comments of Python source are, without tokenizing.

A small scanner that follows the string grammar of Python 3.12 and later
(PEP 701: replacement fields of f-strings may hold any expression, strings with
the same quotes, comments and line breaks), which the `tokenize` of older
versions cannot read, and which is much faster than `tokenize` in any version.
Text it cannot follow (an unterminated string, a lone `}` in an f-string) makes
it raise `Unreadable`: callers then fall back to something slower.
"""

from __future__ import annotations

import re

# What the scanner below stops at in code: comments, names (a string prefix when
# a quote follows), quotes, brackets, and colons (a format spec inside a field).
_CODE = re.compile(r"""(?P<comment>\#[^\r\n]*)|(?P<word>[^\W\d]\w*)|(?P<quote>'''|\"\"\"|'|")|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<colon>:)""")
# Where the top-level scan stops: comments and string literals (with their prefix).
_STRING_OR_COMMENT = re.compile(r"""(?P<comment>\#[^\r\n]*)|(?P<prefix>(?<!\w)[rRbBuUfFtT]{1,2}|)(?P<quote>'''|\"\"\"|'|")""")
# Every match of `_STRING_OR_COMMENT` has one of these within its first three characters.
_HASH_OR_QUOTE = re.compile(r"""[#'"]""")
_QUOTE = re.compile(r"'''|\"\"\"|'|\"")
_PREFIXES = frozenset({"r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"})
# Inside a string: what can end it, escape something, or open/close a field.
_IN_STRING = re.compile(r"""[\\{}\r\n'"]""")
class Unreadable(Exception):
    """The scanner cannot follow the text (or it is not valid in any version)."""


# (start, end, lower-case prefix) of a string literal; (start, end) of a comment.
StringSpan = tuple[int, int, str]
CommentSpan = tuple[int, int]


def scan(text: str) -> tuple[list[StringSpan], list[CommentSpan]]:
    """The string literals outside other strings, and the comments outside strings, in order."""
    try:
        return _scan(text)
    except RecursionError:  # f-strings nested thousands deep
        raise Unreadable from None


def _scan(text: str) -> tuple[list[StringSpan], list[CommentSpan]]:
    strings: list[StringSpan] = []
    comments: list[CommentSpan] = []
    position = 0
    while True:
        # `_STRING_OR_COMMENT` has no fixed first character, so `re` would try it
        # at every position; skipping to the next `#` or quote first (a prefix
        # starts at most two characters before it) finds the same match 5x faster.
        anchor = _HASH_OR_QUOTE.search(text, position)
        if anchor is None:
            return strings, comments
        match = _STRING_OR_COMMENT.search(text, max(position, anchor.start() - 2))
        if match is None:
            return strings, comments
        if match.lastgroup == "comment":
            comments.append(match.span())
            position = match.end()
            continue
        start, prefix, quote = match.start(), match.group("prefix").lower(), match.group("quote")
        if prefix not in _PREFIXES:  # a name such as `ub` just before a string
            start, prefix = match.start("quote"), ""
        position = _string_end(text, match.end(), prefix, quote)
        strings.append((start, position, prefix))


def _string_at(text: str, match: "re.Match[str]") -> tuple[int, int, str]:
    """For a word or quote token: (start, end, lower-case prefix) of the string it
    starts, or the token itself (prefix "-") when it starts none."""
    if match.lastgroup == "quote":
        return match.start(), _string_end(text, match.end(), "", match.group()), ""
    word = match.group().lower()
    quote = _QUOTE.match(text, match.end())
    if quote is None or word not in _PREFIXES:
        return match.start(), match.end(), "-"
    return match.start(), _string_end(text, quote.end(), word, quote.group()), word


def _string_end(text: str, position: int, prefix: str, quote: str) -> int:
    """Where the string whose body starts at `position` ends (after its closing quote)."""
    raw = "r" in prefix
    fields = "f" in prefix or "t" in prefix
    while True:
        match = _IN_STRING.search(text, position)
        if match is None:
            raise Unreadable
        char, position = match.group(), match.start()
        if char == "\\":
            if not raw and fields and text.startswith("N{", position + 1):  # \N{NAME} is an escape, not a field
                close = text.find("}", position + 3)
                if close < 0:
                    raise Unreadable
                position = close + 1
            elif text.startswith("\r\n", position + 1):  # a continued line
                position += 3
            elif text[position + 1: position + 2] in (quote[0], "\\", "\r", "\n"):
                position += 2
            else:
                position += 1  # `\{` in an f-string still opens a field
        elif text.startswith(quote, position):
            return position + len(quote)
        elif char in "\r\n":
            if len(quote) == 1:
                raise Unreadable
            position += 1
        elif not fields or char in "'\"":
            position += 1
        elif text.startswith(char * 2, position):  # `{{` / `}}`
            position += 2
        elif char == "{":
            position = _field_end(text, position + 1)
        else:
            raise Unreadable  # a lone `}`


def _field_end(text: str, position: int) -> int:
    """Where the replacement field whose expression starts at `position` ends (after its `}`)."""
    depth = 0
    while True:
        match = _CODE.search(text, position)
        if match is None:
            raise Unreadable
        kind = match.lastgroup
        if kind in ("word", "quote"):
            position = _string_at(text, match)[1]
        elif kind == "open":
            depth += 1
            position = match.end()
        elif kind == "close":
            if depth == 0:
                if match.group() != "}":
                    raise Unreadable
                return match.end()
            depth -= 1
            position = match.end()
        elif kind == "colon" and depth == 0:
            return _format_spec_end(text, match.end())
        else:
            position = match.end()


def _format_spec_end(text: str, position: int) -> int:
    """Where a format spec starting at `position` ends (after the field's `}`); it may hold fields."""
    while True:
        brace = min((i for i in (text.find("{", position), text.find("}", position)) if i >= 0), default=-1)
        if brace < 0:
            raise Unreadable
        if text[brace] == "}":
            return brace + 1
        position = _field_end(text, brace + 1)


def closing_bracket(text: str, position: int) -> int:
    """The position after the bracket closing the one open before `position`."""
    try:
        return _closing_bracket(text, position)
    except RecursionError:
        raise Unreadable from None


def _closing_bracket(text: str, position: int) -> int:
    depth = 0
    while True:
        match = _CODE.search(text, position)
        if match is None:
            raise Unreadable
        kind = match.lastgroup
        if kind in ("word", "quote"):
            position = _string_at(text, match)[1]
        elif kind == "close" and depth == 0:
            return match.end()
        else:
            depth += {"open": 1, "close": -1}.get(kind or "", 0)
            position = match.end()
