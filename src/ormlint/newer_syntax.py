"""Rewrite constructs of a newer Python than the running one, in the text, keeping
every line where it was: the quick way round `ast.parse` rejecting a file.

The libcst fallback in `ormlint.parsing` does the same for any grammar, but
costs about 0.3 s a file (and 0.2 s to import libcst). The constructs real code
uses most are rewritten here instead, each the way the libcst fallback rewrites
it:

- `except A, B:` (3.14) -> `except (A, B):`
- `type X[T] = ...` (3.12) -> `X = ...`
- type parameters of `def` and `class` (3.12), on one line or several
- f-strings the running tokenizer cannot read (3.12, PEP 701) and t-strings
  (3.14) -> a plain string literal spanning the same lines (the analysis does
  not read what they contain).

A rewrite that goes wrong only makes `ast.parse` fail again, and then the libcst
fallback runs; whatever this module cannot follow it leaves as it is.
"""

from __future__ import annotations

import ast
import bisect
import re
from typing import Any, Optional

from ormlint.line_breaks import LINE_BREAK
from ormlint.literals import Unreadable, closing_bracket, scan
from ormlint.quiet_parse import parse_expression, parse_quietly


def _blank(match: "re.Match[str]") -> str:
    """The match with its last group turned into spaces: what follows keeps its columns."""
    return "\n" + match.group(1) + " " * len(match.group(2))


def _type_statement(match: "re.Match[str]") -> str:
    # `type X[T] = V` -> `X          = V`: the value keeps its columns (the
    # indentation before `type` cannot grow, so the name moves left).
    indent, keyword, name, parameters = match.groups()
    return "\n" + indent + name + " " * (len(keyword) + len(parameters)) + "="


# Constructs confined to one line, rewritten by pattern. Type parameters become
# spaces, so that every column after them stays exact.
# The patterns match at a line start by matching the line break before it (the
# text gets one in front): with a first character that fixed, `re` skips from
# line to line instead of trying each position, 2-3x faster than `^` would be.
# Nothing in a match after that line break can be another line break. (An
# optional `(?:async[ \t]+)?` before `def` is written as alternatives: as fast
# as the rest, where the optional group cost three times as much.)
_LINE_REWRITES: tuple[tuple["re.Pattern[str]", Any], ...] = (
    (re.compile(r"\n([ \t]*)except([ \t]*\*?)[ \t]+(?!\()([^\n:#()]+,[^\n:#]+?)[ \t]*:"), "\n\\1except\\2 (\\3):"),
    (re.compile(r"\n([ \t]*)(type[ \t]+)([A-Za-z_]\w*)([ \t]*(?:\[[^\n=]*?\])?[ \t]*)="), _type_statement),
    (re.compile(r"\n([ \t]*(?:async[ \t]+def|def)[ \t]+[A-Za-z_]\w*)(\[[^\n]*?\])(?=\()"), _blank),
    (re.compile(r"\n([ \t]*class[ \t]+[A-Za-z_]\w*)(\[[^\n]*?\])(?=[(:])"), _blank),
)

_NOT_LINE_BREAK = re.compile(r"[^\r\n]")
# Matched in the text with a line break in front, as `_LINE_REWRITES` are.
_GENERIC_HEADER = re.compile(r"\n[ \t]*(?:async[ \t]+(?:def|class)|def|class)[ \t]+[^\W\d]\w*[ \t]*(\[)")


def rewrite_newer_syntax(text: str, version: tuple[int, int]) -> str:
    """`text` with the constructs above rewritten for Python `version` (the same
    text when none applied)."""
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
    try:
        strings = scan(text)[0]
    except Unreadable:
        strings = None
    if strings is not None:
        edits = _string_edits(text, strings, version, newline)
        try:
            edits += _generic_header_edits(text, strings)
        except Unreadable:
            pass
        edits.sort()
        pieces: list[str] = []
        done = 0
        for start, end, replacement in edits:
            if start < done:
                continue  # overlapping (a string inside type parameters): the first edit wins
            pieces += [text[done:start], replacement]
            done = end
        if pieces:
            text = "".join(pieces) + text[done:]
    text = "\n" + text
    for pattern, replacement in _LINE_REWRITES:
        text = pattern.sub(replacement, text)
    return text[1:]


_Edit = tuple[int, int, str]  # replace text[start:end] with this


def _string_edits(text: str, strings: list[tuple[int, int, str]], version: tuple[int, int], newline: str) -> list[_Edit]:
    """Placeholders for the f-strings this version cannot read and for t-strings."""
    edits: list[_Edit] = []
    for start, end, prefix in strings:
        if ("t" in prefix and version < (3, 14)) or ("f" in prefix and version < (3, 12) and not compiles(text[start:end])):
            breaks = line_breaks(text[start:end])
            edits.append((start, end, '"""' + newline * breaks + '"""' if breaks else '""'))
    return edits


def _generic_header_edits(text: str, strings: list[tuple[int, int, str]]) -> list[_Edit]:
    """`def f[\\n    T,\\n](...)` -> `def f  \\\\n       \\\\n (...)`: type parameters
    over several lines (`_LINE_REWRITES` handles one-line ones) become spaces,
    each line continued with a backslash: rows and the columns after them stay."""
    edits: list[_Edit] = []
    starts = [start for start, _, _ in strings]
    for header in _GENERIC_HEADER.finditer("\n" + text):
        opening = header.start(1) - 1
        inside = bisect.bisect_right(starts, opening) - 1
        if inside >= 0 and opening < strings[inside][1]:
            continue  # in a string
        closing = closing_bracket(text, opening + 1)
        breaks = line_breaks(text[opening:closing])
        if breaks and text[closing: closing + 1] in ("(", ":"):
            blanked = _NOT_LINE_BREAK.sub(" ", text[opening:closing])
            edits.append((opening, closing, LINE_BREAK.sub(lambda m: " \\" + m.group(), blanked)))
    return edits


def line_breaks(code: str) -> int:
    return code.count("\n") + code.count("\r") - code.count("\r\n")


def compiles(expression: str) -> bool:
    try:
        parse_expression(f"(\n{expression}\n)")
    except Exception:
        return False
    return True


# What the libcst fallback rewrites, loosely (never missing one): `except A, B`,
# `type X =` / `type X[`, `def f[` / `class C[`, f-strings and t-strings; and,
# for the interpreters that predate them, `match` and `except*`.
_LIBCST_REWRITES = re.compile(
    r"""\bexcept\b[^\n:(]*,|\btype[\s\\]+[^\W\d]\w*[\s\\]*[\[=]|\b(?:def|class)[\s\\]+[^\W\d]\w*[\s\\]*\["""
    r"""|(?<!\w)(?:[rRbB]?[fFtT]|[fFtT][rRbB])['"]"""
)
_OLDER_REWRITES = {(3, 10): re.compile(r"\bmatch\b"), (3, 11): re.compile(r"\bexcept[\s\\]*\*")}


def libcst_may_help(text: str, version: tuple[int, int]) -> bool:
    """False when `text` holds none of the constructs the libcst fallback rewrites
    for Python `version`: then it cannot make the text parse (a template, a file
    with a plain syntax error), and importing libcst (0.2 s) would be wasted."""
    if _LIBCST_REWRITES.search(text):
        return True
    return any(version < needed and pattern.search(text) for needed, pattern in _OLDER_REWRITES.items())


def parse_rewritten(text: str, filename: str, version: tuple[int, int]) -> Optional[ast.Module]:
    """`ast.parse` of `text` with newer constructs rewritten; None when nothing was
    rewritten or the result does not parse either."""
    rewritten = rewrite_newer_syntax(text, version)
    return None if rewritten == text else parse_or_none(rewritten, filename)


def parse_or_none(text: str, filename: str) -> Optional[ast.Module]:
    try:
        return parse_quietly(text, filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# Python 3.12 and later parse `type X[T] = V` themselves, as `ast.TypeAlias`;
# earlier ones get `X = V` from the rewrite above (and from the libcst
# fallback). So that every supported Python extracts the same facts (the
# alias as a module or class variable, its value followed by the usage rules),
# their trees get the assignment too.
_TYPE_ALIAS: Any = getattr(ast, "TypeAlias", None)
# Statement fields holding statements; `handlers` and `cases` hold parts that do.
_BLOCK_FIELDS = ("body", "orelse", "finalbody")


def type_aliases_as_assignments(tree: ast.Module, text: str) -> ast.Module:
    """`tree`, changed in place: each `type X[T] = V` statement becomes `X = V`,
    the statement the rewrite gives Pythons before 3.12 (rows and the columns of
    `V` are the same)."""
    if _TYPE_ALIAS is None or not may_hold_type_statement(text):
        return tree
    blocks: list[list[ast.stmt]] = [tree.body]
    while blocks:
        statements = blocks.pop()
        for position, statement in enumerate(statements):
            if type(statement) is _TYPE_ALIAS:
                statements[position] = _assignment(statement)
                continue
            for field in _BLOCK_FIELDS:
                block = getattr(statement, field, None)
                if block:
                    blocks.append(block)
            for part in getattr(statement, "handlers", None) or getattr(statement, "cases", None) or ():
                blocks.append(part.body)
    return tree


def _assignment(alias: Any) -> ast.Assign:
    target = ast.copy_location(ast.Name(id=alias.name.id, ctx=ast.Store()), alias.name)
    return ast.copy_location(ast.Assign(targets=[target], value=alias.value, type_comment=None), alias)


def may_hold_type_statement(text: str) -> bool:
    """False when no `type` statement can be in `text`: nowhere is the word
    `type` followed by a blank (or a line continuation) and preceded, blanks
    aside, by the start of a line, a `;` or a `:` (`if c: type X = int`).
    Walking every block of a tree costs six times as much as this scan."""
    position = text.find("type")
    while position >= 0:
        after = text[position + 4 : position + 5]
        if after == " " or after == "\t" or after == "\\":
            before = position - 1
            while before >= 0 and text[before] in " \t\f":
                before -= 1
            if before < 0 or text[before] in "\n\r;:":
                return True
        position = text.find("type", position + 4)
    return False
