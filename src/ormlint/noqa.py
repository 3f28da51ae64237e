"""Suppression comments: `# noqa`, `# noqa: ORM101,ORM103`, `# ormlint: noqa[ORM101]`.

Only real comments count (not `# noqa` inside a string), and a comment belongs
to the line Python numbers it on (`\\r`, `\\r\\n` and `\\n` end lines; a form
feed does not).
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Iterable, Iterator, Optional

from ormlint.line_breaks import LINE_BREAK
from ormlint.literals import Unreadable, scan
from ormlint.selection import codes_for, is_rule_name

_NOQA = re.compile(r"#\s*noqa\b(?P<colon>:\s*(?P<rest>.*))?", re.IGNORECASE)
_ORMLINT_NOQA = re.compile(r"#\s*ormlint:\s*noqa(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_CODE = re.compile(r"[A-Za-z]+[0-9]+")
_TOKEN = re.compile(r"[^,\s]+")

# line -> None (every code suppressed) or the suppressed codes
Suppressions = dict[int, Optional[frozenset[str]]]


def _leading_codes(rest: str) -> list[str]:
    """The codes at the start of `rest` (`ORM101, ORM103 because ...`): stop at the first non-code."""
    tokens: list[str] = []
    position = 0
    while True:
        separator = re.match(r"[,\s]*", rest[position:])
        position += separator.end() if separator else 0
        match = _TOKEN.match(rest, position)
        if match is None:
            break
        token = match.group()
        if not (_CODE.fullmatch(token) or is_rule_name(token)):
            break
        tokens.append(token)
        position = match.end()
    return tokens


def comments(text: str) -> Iterator[tuple[int, str]]:
    """(line, comment text) for every comment in `text`, in order."""
    try:
        # The string scanner finds comments about 20 times faster than `tokenize`.
        _, comments = scan(text)
    except Unreadable:
        pass
    else:
        lines = _LineNumbers(text)
        for start, end in comments:
            yield lines.of(start), text[start:end]
        return
    try:
        # newline=None: `\r` and `\r\n` end lines, as they do for `ast`.
        for token in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.string
        return
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    # Not tokenizable: fall back to every line's text from its first `#`.
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        if "#" in line:
            yield number, line[line.index("#"):]


class _LineNumbers:
    """The line of a position, for positions asked in increasing order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line = 1

    def of(self, position: int) -> int:
        # `\r\n` is one line break: never stop between its two characters.
        self.line += len(LINE_BREAK.findall(self.text, self.position, position))
        self.position = position
        return self.line


def parse_comment(comment: str) -> tuple[bool, Optional[frozenset[str]]]:
    """(is a suppression, codes or None for all) for one comment's text."""
    codes: Optional[set[str]] = set()
    matched = False
    for match in _ORMLINT_NOQA.finditer(comment):
        matched = True
        tokens = match.group("codes")
        if tokens is None or not tokens.strip():
            codes = None
        elif codes is not None:
            codes.update(codes_for(re.split(r"[,\s]+", tokens.strip())))
    for match in _NOQA.finditer(comment):
        matched = True
        tokens = _leading_codes(match.group("rest") or "") if match.group("colon") else []
        if not tokens:
            codes = None
        elif codes is not None:
            codes.update(codes_for(tokens))
    return matched, (None if codes is None else frozenset(codes))


def noqa_comments(text: str) -> tuple[tuple[int, str], ...]:
    """(line, comment) for every comment that mentions noqa: what the file says,
    before rule names are looked up (so it can be cached whatever rules exist)."""
    if not _mentions_noqa(text):
        return ()
    return tuple((number, comment) for number, comment in comments(text) if "noqa" in comment.lower())


def _mentions_noqa(text: str) -> bool:
    """`"noqa" in text.lower()`, about twice as fast (every file is asked): only the
    ASCII letters lower-case to one of these four, and UTF-8 keeps ASCII as single
    bytes, which `bytes.lower` handles alone. ("surrogatepass": never raise.)"""
    return b"noqa" in text.encode("utf-8", "surrogatepass").lower()


def suppressions_from_comments(comments: Iterable[tuple[int, str]]) -> Suppressions:
    found: Suppressions = {}
    for number, comment in comments:
        matched, codes = parse_comment(comment)
        if not matched:
            continue
        previous = found.get(number, frozenset())
        if codes is None or previous is None:
            found[number] = None
        else:
            found[number] = previous | codes
    return found


def parse_suppressions(text: str) -> Suppressions:
    return suppressions_from_comments(noqa_comments(text))


def is_suppressed(suppressions: Suppressions, line: int, code: str) -> bool:
    if line not in suppressions:
        return False
    codes = suppressions[line]
    return codes is None or code in codes
