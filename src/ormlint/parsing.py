"""Read and parse one file: bytes -> text -> `ast.Module`, or a parse failure.

A failure is data (it becomes one ORM001 diagnostic), never an exception.
"""

from __future__ import annotations

import ast
import codecs
import functools
import io
import re
import sys
import threading
import tokenize
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from ormlint.newer_syntax import (
    compiles, libcst_may_help, line_breaks, parse_or_none, parse_rewritten, type_aliases_as_assignments,
)
from ormlint.quiet_parse import parse_quietly


@dataclass(frozen=True)
class ParseFailure:
    message: str
    row: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class ParsedFile:
    text: str
    tree: ast.Module


def decode_source(data: bytes) -> Union[str, ParseFailure]:
    """Decode like Python does: BOMs, PEP 263 cookies, UTF-8 by default."""
    if not data.startswith(_BOMS):
        # The common case without `tokenize.detect_encoding`: no BOM and no
        # `coding` in the two lines it reads (it reads the second only after a
        # blank or comment line, so looking at both is safe), so UTF-8. When
        # that decoding fails, the full path below says why, as before.
        end = data.find(b"\n")
        end = data.find(b"\n", end + 1) if end >= 0 else -1
        if b"coding" not in (data if end < 0 else data[:end]):
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                pass
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        encoding = "utf-32"
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    else:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError as exc:
            return ParseFailure(f"cannot determine the file encoding: {exc.msg}", 1, 1)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        row, column = _byte_position(data, getattr(exc, "start", 0))
        return ParseFailure(f"cannot decode the file as {encoding}: {exc}", row, column)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    row = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return row, column


def parse_text(text: str, filename: str) -> Union[ParsedFile, ParseFailure]:
    if "\x00" in text:
        before = text[: text.index("\x00")]
        return ParseFailure("the file contains NUL bytes", before.count("\n") + 1, len(before) - before.rfind("\n"))
    try:
        tree = parse_quietly(text, filename)
    except SyntaxError as exc:
        fallback = parse_newer_syntax(text, filename)
        if fallback is not None:
            return ParsedFile(text, type_aliases_as_assignments(fallback, text))
        return ParseFailure(f"syntax error: {exc.msg}", exc.lineno or 1, max(exc.offset or 1, 1))
    except (RecursionError, MemoryError):
        return ParseFailure("the file is nested too deeply to parse", 1, 1)
    except ValueError as exc:
        return ParseFailure(f"cannot parse the file: {exc}", 1, 1)
    return ParsedFile(text, type_aliases_as_assignments(tree, text))


def parse_newer_syntax(text: str, filename: str) -> Optional[ast.Module]:
    """Parse code written for a newer Python than the running one; None if that fails too.

    libcst parses any grammar from 3.0 to 3.14; the constructs the running
    interpreter lacks are rewritten to older equivalents that span the same lines
    (see `_downgrader`), and the result goes through `ast.parse`. Row numbers of
    every statement are kept; columns on rewritten lines may shift. Never raises.
    """
    quick = parse_rewritten(text, filename, _PY)  # most files: no libcst needed
    if quick is not None:
        return quick
    if not libcst_may_help(text, _PY):
        return parse_or_none(text, filename)  # nothing newer in it: it parses as it is, or never
    # libcst's parser needs memory quadratic in nesting depth and a deep native
    # stack (10,000 nested parentheses take gigabytes, then crash the process).
    # CPython rejects more than 200 nested brackets in every version anyway.
    # Checked only here, before libcst: the scan costs about a tenth of what
    # parsing the file does, and `ast.parse` above rejects deep nesting itself.
    if _bracket_depth(text) > _MAX_BRACKET_DEPTH:
        return None
    result: list[Optional[ast.Module]] = [None]

    def work() -> None:
        result[0] = _downgrade_and_parse(text, filename)

    try:
        _run_with_large_stack(work)
    except Exception:
        return None
    return result[0]


_MAX_BRACKET_DEPTH = 200  # CPython's tokenizer limit (MAXLEVEL)

# Comments, pre-PEP 701 string literals (their brackets don't nest) and brackets.
# An approximation: it only has to bound the nesting libcst will see. Every
# alternative starts with a literal character, so that `re` skips to the next
# candidate fast instead of trying the pattern at every position (4x faster), and
# the strings are written as "unrolled loops" (same matches, fewer steps).
_BRACKET_SCAN = re.compile(
    r"""
    \#[^\r\n]*
    | \"\"\"[^\\"]*(?:(?:\\.|"(?!""))[^\\"]*)*\"\"\" | '''[^\\']*(?:(?:\\.|'(?!''))[^\\']*)*'''
    | "[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*" | '[^'\\\r\n]*(?:\\.[^'\\\r\n]*)*'
    | \( | \[ | \{ | \) | \] | \}
    """,
    re.VERBOSE | re.DOTALL,
)
_BRACKET_STEP = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for token in _BRACKET_SCAN.findall(text):
        step = _BRACKET_STEP.get(token)  # None for a comment or a string
        if step == 1:
            depth += 1
            deepest = max(deepest, depth)
        elif step == -1:
            depth = max(depth - 1, 0)
    return deepest


# libcst's native parser recurses ~6.5 KiB of C stack per nesting level: 200
# levels overflow the small stacks of non-main threads (512 KiB on macOS), so
# it gets a thread of its own with a known, ample stack (reserved, not committed).
_STACK_SIZE = 64 * 1024 * 1024
_STACK_LOCK = threading.Lock()  # threading.stack_size() is process-wide


def _run_with_large_stack(work: Callable[[], None]) -> None:
    try:
        with _STACK_LOCK:
            previous = threading.stack_size(_STACK_SIZE)
            try:
                thread = threading.Thread(target=work, name="ormlint-parse", daemon=True)
                thread.start()
            finally:
                threading.stack_size(previous)
    except (RuntimeError, ValueError):  # no settable stack size, or no thread to be had
        work()
        return
    thread.join()


def _downgrade_and_parse(text: str, filename: str) -> Optional[ast.Module]:
    try:
        import libcst

        module = libcst.parse_module(text)
        code = module.visit(_downgrader()(module)).code
        if line_breaks(code) != line_breaks(text):  # a rewrite bug: better no tree than wrong rows
            return None
        return parse_quietly(code, filename)
    except Exception:  # libcst's ParserSyntaxError, SyntaxError, RecursionError, MemoryError...
        return None


# The running interpreter's version; a module global so that tests can pretend.
_PY = sys.version_info[:2]


@functools.lru_cache(maxsize=None)
def _downgrader() -> Any:
    """The libcst transformer class; built on first use, as importing libcst takes ~0.2 s.

    Every rewrite keeps the line breaks of what it removes, as backslash
    continuations at the same place, so all following code keeps its rows.
    """
    import libcst as cst

    class Downgrader(cst.CSTTransformer):
        def __init__(self, module: cst.Module) -> None:
            super().__init__()
            self.module = module
            self.continuation = " \\" + module.default_newline

        def lines(self, *nodes: object) -> int:
            """Line breaks in the code of `nodes` (None and MaybeSentinel count none)."""
            return sum(line_breaks(self.module.code_for_node(n)) for n in nodes if isinstance(n, cst.CSTNode))

        def padded(self, whitespace: cst.SimpleWhitespace, lines: int) -> cst.SimpleWhitespace:
            # Never empty: it may separate a keyword from what follows.
            return cst.SimpleWhitespace((whitespace.value + self.continuation * lines) or " ")

        @staticmethod
        def unsupported(params: Optional[cst.TypeParameters]) -> bool:
            """Whether the running Python lacks the `type` statement or these type parameters."""
            if _PY >= (3, 13):
                return False
            if _PY < (3, 12):  # PEP 695
                return True
            return params is not None and any(p.default is not None for p in params.params)  # PEP 696

        @staticmethod
        def parenthesized(node: Any) -> Any:
            if isinstance(node, cst.Tuple) and not node.lpar:
                return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            return node

        def placeholder(self, node: Any) -> cst.SimpleString:
            """A plain string spanning the lines of `node` (the analysis doesn't read f-string contents)."""
            lines = self.lines(node.with_changes(lpar=[], rpar=[]))
            value = '"""' + self.module.default_newline * lines + '"""' if lines else '""'
            return cst.SimpleString(value, lpar=node.lpar, rpar=node.rpar)

        # PEP 758 (3.14): `except A, B:` -> `except (A, B):`, same tree.
        def leave_ExceptHandler(self, original: Any, updated: cst.ExceptHandler) -> Any:
            return updated.with_changes(type=self.parenthesized(updated.type))

        def leave_ExceptStarHandler(self, original: Any, updated: cst.ExceptStarHandler) -> Any:
            return updated.with_changes(type=self.parenthesized(updated.type))

        # PEP 654 (3.11): `except*` -> `except`.
        def leave_TryStar(self, original: Any, updated: cst.TryStar) -> Any:
            if _PY >= (3, 11):
                return updated
            handlers = [
                cst.ExceptHandler(
                    body=h.body,
                    type=h.type,
                    name=h.name,
                    leading_lines=h.leading_lines,
                    whitespace_after_except=self.padded(
                        cst.SimpleWhitespace(h.whitespace_after_except.value + h.whitespace_after_star.value), 0
                    ),
                    whitespace_before_colon=h.whitespace_before_colon,
                )
                for h in updated.handlers
            ]
            return cst.Try(
                body=updated.body,
                handlers=handlers,
                orelse=updated.orelse,
                finalbody=updated.finalbody,
                leading_lines=updated.leading_lines,
                whitespace_before_colon=updated.whitespace_before_colon,
            )

        # PEP 695 (3.12) and 696 (3.13): drop type parameters...
        def leave_FunctionDef(self, original: Any, updated: cst.FunctionDef) -> Any:
            return self.without_type_parameters(updated)

        def leave_ClassDef(self, original: Any, updated: cst.ClassDef) -> Any:
            return self.without_type_parameters(updated)

        def without_type_parameters(self, updated: Any) -> Any:
            """`def f[T](...)` / `class C[T]:` without the parameters, same rows."""
            params = updated.type_parameters
            if params is None or not self.unsupported(params):
                return updated
            lost = self.lines(params, updated.whitespace_after_type_parameters)
            return updated.with_changes(
                type_parameters=None,
                whitespace_after_name=self.padded(updated.whitespace_after_name, lost),
                whitespace_after_type_parameters=cst.SimpleWhitespace(""),
            )

        # ... and `type X[T] = V` -> `X = V`.
        def leave_TypeAlias(self, original: Any, updated: cst.TypeAlias) -> Any:
            if not self.unsupported(updated.type_parameters):
                return updated
            lost = self.lines(
                updated.whitespace_after_type,
                updated.whitespace_after_name,
                updated.type_parameters,
                updated.whitespace_after_type_parameters,
            )
            target = cst.AssignTarget(
                updated.name,
                whitespace_before_equal=self.padded(cst.SimpleWhitespace(" "), lost),
                whitespace_after_equal=updated.whitespace_after_equals,
            )
            return cst.Assign(targets=[target], value=updated.value, semicolon=updated.semicolon)

        # PEP 634 (3.10): `match s:` -> `if s:`, each `case P if G:` -> a nested `if G:`.
        def leave_Match(self, original: Any, updated: cst.Match) -> Any:
            if _PY >= (3, 10):
                return updated
            cases = [
                cst.If(
                    test=case.guard if case.guard is not None else cst.Name("True"),
                    body=case.body,
                    leading_lines=case.leading_lines,
                    whitespace_before_test=self.padded(
                        case.whitespace_after_case,
                        self.lines(case.pattern, case.whitespace_before_if, case.whitespace_after_if),
                    ),
                    whitespace_after_test=case.whitespace_before_colon,
                )
                for case in updated.cases
            ]
            block = cst.IndentedBlock(
                body=cases, header=updated.whitespace_after_colon, indent=updated.indent, footer=updated.footer
            )
            return cst.If(
                test=self.parenthesized(updated.subject),
                body=block,
                leading_lines=updated.leading_lines,
                whitespace_before_test=self.padded(updated.whitespace_after_match, 0),
                whitespace_after_test=updated.whitespace_before_colon,
            )

        # PEP 701 (3.12): f-strings the old tokenizer can't read; PEP 750 (3.14): t-strings.
        def leave_FormattedString(self, original: cst.FormattedString, updated: Any) -> Any:
            if _PY >= (3, 12) or compiles(self.module.code_for_node(original)):
                return updated
            return self.placeholder(original)

        def leave_TemplatedString(self, original: cst.TemplatedString, updated: Any) -> Any:
            return updated if _PY >= (3, 14) else self.placeholder(original)

    return Downgrader


def parse_bytes(data: bytes, filename: str) -> Union[ParsedFile, ParseFailure]:
    text = decode_source(data)
    if isinstance(text, ParseFailure):
        return text
    return parse_text(text, filename)
