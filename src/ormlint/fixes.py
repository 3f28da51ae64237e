"""Automatic fixes: from the fixes rules attach to diagnostics to changed files.

Rules attach a `Fix` that says what to change (a fixer `kind`, the `ast` span of
the expression, a little data) without reading the source: rules never parse.
This module, run by the CLI after the rules (`--fix`, `--diff`, and to show the
edits in JSON output), reads the files that have fixable diagnostics, parses
them with libcst (which keeps every byte of formatting and comments), checks
that the node at the span has exactly the expected shape, and turns it into
text edits. A fixer that finds anything unexpected returns nothing: the
diagnostic stays, unfixed.

Applying: the fixes of one file are applied together when their edits do not
overlap (identical edits, such as two fixes adding the same import, count
once); the others wait for the next pass, which re-runs the analysis on the
changed text. The result must parse, or the fixes are dropped and reported.
Files are written atomically, in their encoding, BOM and line endings.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import stat
import tokenize
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional, Sequence, TextIO, Union

import libcst as cst
from libcst.metadata import ExpressionContext, ExpressionContextProvider, MetadataWrapper, PositionProvider

from ormlint.atomic import write_atomically
from ormlint.diagnostics import SAFE, Diagnostic, Edit, Fix, Position
from ormlint.line_breaks import LINE_BREAK
from ormlint.noqa import _CODE
from ormlint.quiet_parse import parse_quietly
from ormlint.selection import is_rule_name

if TYPE_CHECKING:
    from ormlint.engine import RunResult

MAX_PASSES = 10



# --- text and positions --------------------------------------------------------------


@dataclass(frozen=True)
class TextEdit:
    """Replace text[start:end] (character offsets) with `content`."""

    start: int
    end: int
    content: str


class FixError(Exception):
    """A file that cannot be fixed (unreadable, undecodable, unparsable)."""


class Declined(Exception):
    """Raised by a fixer that sees why the fix cannot be made (the message says why)."""


@dataclass
class Source:
    data: bytes
    text: str
    encoding: str  # what encodes `text` back to `data` (`utf-8-sig` keeps a BOM)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Source":
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            text = data.decode(encoding)
        except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
            raise FixError(f"cannot decode: {exc}") from exc
        if text.encode(encoding) != data:
            raise FixError("the file does not survive decoding and encoding unchanged")
        return cls(data, text, encoding)

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)


class FileContext:
    """One file's text and libcst tree, with the lookups fixers need."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]
        try:
            module = cst.parse_module(text)
        except (cst.ParserSyntaxError, RecursionError, ValueError) as exc:
            raise FixError(f"libcst cannot parse it: {' '.join(str(exc).split())[:200]}") from exc
        self.wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.module = self.wrapper.module
        self.positions = self.wrapper.resolve(PositionProvider)
        self._by_range: dict[tuple[int, int, int, int], list[cst.CSTNode]] = {}
        self.parents: dict[int, cst.CSTNode] = {}
        for node, where in self.positions.items():
            key = (where.start.line, where.start.column, where.end.line, where.end.column)
            self._by_range.setdefault(key, []).append(node)
        self._bound: Optional[set[str]] = None
        self._comments: Optional[dict[int, tuple[int, str]]] = None

    # positions
    def offset(self, line: int, column: int) -> int:
        return self.line_starts[line - 1] + column

    def node_range(self, node: cst.CSTNode) -> tuple[int, int]:
        where = self.positions[node]
        return self.offset(where.start.line, where.start.column), self.offset(where.end.line, where.end.column)

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def char_column(self, line: int, byte_column: int) -> int:
        """`ast` columns are UTF-8 byte offsets; libcst's are characters."""
        if not 1 <= line <= len(self.line_starts):
            return byte_column
        text = self.line_text(line)
        if text.isascii():
            return byte_column
        return len(text.encode("utf-8", "surrogatepass")[:byte_column].decode("utf-8", "ignore"))

    def nodes_at(self, span: tuple[int, int, int, int]) -> list[cst.CSTNode]:
        line, col, end_line, end_col = span
        key = (line, self.char_column(line, col), end_line, self.char_column(end_line, end_col))
        return self._by_range.get(key, [])

    def node_at(self, span: tuple[int, int, int, int], kind: Union[type, tuple[type, ...]]) -> Optional[cst.CSTNode]:
        for node in self.nodes_at(span):
            if isinstance(node, kind):
                return node
        return None

    def code(self, node: cst.CSTNode) -> str:
        """The node's text as written (without the parentheses around it)."""
        start, end = self.node_range(node)
        return self.text[start:end]

    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        if not self.parents:
            for parent in _walk(self.module):
                for child in parent.children:
                    self.parents[id(child)] = parent
        return self.parents.get(id(node))

    # names
    def bound_names(self) -> set[str]:
        """Every name the file binds anywhere (assignments, parameters, defs,
        classes, imports, loop and `with` targets): a name used by a fix must not
        be one of them unless it is the expected import."""
        if self._bound is None:
            contexts = self.wrapper.resolve(ExpressionContextProvider)
            bound = {n.value for n, c in contexts.items() if isinstance(n, cst.Name) and c in (ExpressionContext.STORE, ExpressionContext.DEL)}
            for node in _walk(self.module):
                if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                    bound.add(node.name.value)
                elif isinstance(node, cst.ImportAlias):
                    bound.add(_alias_local(node))
                elif isinstance(node, cst.Global) or isinstance(node, cst.Nonlocal):
                    bound.update(item.name.value for item in node.names)
            self._bound = bound
        return self._bound

    def comment_on(self, line: int) -> Optional[tuple[int, str]]:
        """(character offset, text) of the comment on `line`, if any."""
        if self._comments is None:
            self._comments = {}
            try:
                for token in tokenize.generate_tokens(io.StringIO(self.text, newline="").readline):
                    if token.type == tokenize.COMMENT:
                        self._comments[token.start[0]] = (self.offset(token.start[0], token.start[1]), token.string)
            except (tokenize.TokenError, SyntaxError, ValueError):
                pass
        return self._comments.get(line)


def _walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _alias_local(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    name = alias.name
    while isinstance(name, cst.Attribute):
        name = name.value  # type: ignore[assignment]
    return name.value if isinstance(name, cst.Name) else ""


def _dotted(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name) and not node.lpar:
        return node.value
    if isinstance(node, cst.Attribute) and not node.lpar:
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base is not None else None
    return None


# --- what a fixer returns -------------------------------------------------------------


@dataclass
class Planned:
    """The edits of one fix, and the noqa codes it makes pointless on some lines."""

    edits: list[TextEdit]
    # (first line, last line, code): drop `code` from a `# noqa: code` comment there.
    noqa: list[tuple[int, int, str]] = field(default_factory=list)


Fixer = Callable[[FileContext, Fix], Optional[Planned]]
_FIXERS: dict[str, Fixer] = {}


def fixer(kind: str) -> Callable[[Fixer], Fixer]:
    def register(function: Fixer) -> Fixer:
        _FIXERS[kind] = function
        return function

    return register


SHAPE = "the code does not have the shape the fix expects"


def plan(context: FileContext, fix: Fix) -> Optional[Planned]:
    planned = plan_or_reason(context, fix)
    return planned if isinstance(planned, Planned) else None


def plan_or_reason(context: FileContext, fix: Fix) -> Union[Planned, str]:
    if not _FIXERS:
        from ormlint import fixers  # registers the fixers

        assert fixers
    function = _FIXERS.get(fix.kind)
    if function is None:
        return f"no fixer for {fix.kind}"
    try:
        return function(context, fix) or SHAPE
    except Declined as exc:
        return str(exc)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return SHAPE  # a shape the fixer did not foresee: no fix


# --- noqa comments --------------------------------------------------------------------

_NOQA_WITH_CODES = re.compile(r"#\s*noqa\s*:\s*", re.IGNORECASE)
_TOKEN = re.compile(r"[,\s]*([^,\s]+)")
_STILL_E711 = re.compile(r"[=!]=\s*None\b|\bNone\s*[=!]=")
_STILL_E712 = re.compile(r"[=!]=\s*(?:True|False)\b|\b(?:True|False)\s*[=!]=")
_STILL = {"E711": _STILL_E711, "E712": _STILL_E712}


def strip_noqa_code(comment: str, code: str) -> Optional[str]:
    """`comment` without `code` in its `# noqa: ...` list ("" when nothing is left
    of the comment), or None when it does not name `code`. A `# noqa:` left with
    no code would silence everything: the noqa part goes instead, with the text
    explaining it."""
    match = _NOQA_WITH_CODES.search(comment)
    if match is None:
        return None
    rest = comment[match.end():]
    tokens: list[str] = []
    position = end = 0
    while True:
        token = _TOKEN.match(rest, position)
        if token is None or not (_CODE.fullmatch(token.group(1)) or is_rule_name(token.group(1))):
            break
        tokens.append(token.group(1))
        position = end = token.end()
    if code.upper() not in (t.upper() for t in tokens):
        return None
    remaining = [t for t in tokens if t.upper() != code.upper()]
    listed, tail = rest[:end], rest[end:]
    if remaining:
        separator = ", " if ", " in listed else "," if "," in listed else " "
        return comment[:match.end()] + separator.join(remaining) + tail
    # Text after the codes explains the noqa (`# noqa: E712 - needed for SQLAlchemy`):
    # it goes with it. A further comment (`# noqa: E711  # type: ignore`) stays.
    before, tail = comment[:match.start()].rstrip(), tail.strip()
    if not tail.startswith("#"):
        tail = ""
    return f"{before}  {tail}" if before and tail else before or tail


def _noqa_edits(context: FileContext, requests: list[tuple[int, int, str]], replaced: list[TextEdit]) -> list[TextEdit]:
    """One edit per comment that loses codes. `requests` name the lines of the
    statement each fix changed (flake8 reads a `# noqa` anywhere on a statement's
    lines for all of them). A code stays while the statement still holds a
    comparison that pycodestyle would flag with it."""
    by_line: dict[int, list[tuple[str, int, int]]] = {}
    for first, last, code in requests:
        for line in range(first, last + 1):
            if context.comment_on(line) is not None:
                wanted = by_line.setdefault(line, [])
                if all(c != code for c, _, _ in wanted):
                    wanted.append((code, first, last))
    edits: list[TextEdit] = []
    for line, codes in sorted(by_line.items()):
        found = context.comment_on(line)
        assert found is not None
        start, comment = found
        line_start = context.line_starts[line - 1]
        new = comment
        for code, first, last in codes:
            pattern = _STILL.get(code)
            if pattern is not None and pattern.search(_code_left(context, first, last, replaced)):
                continue
            stripped = strip_noqa_code(new, code)
            if stripped is not None:
                new = stripped
        if new == comment:
            continue
        if new:
            edits.append(TextEdit(start, start + len(comment), new))
        else:
            blank = start
            while blank > line_start and context.text[blank - 1] in " \t":
                blank -= 1
            edits.append(TextEdit(blank, start + len(comment), ""))
    return edits


def _code_left(context: FileContext, first: int, last: int, replaced: list[TextEdit]) -> str:
    """The text of lines first..last without comments and without the ranges the fixes replace."""
    begin = context.line_starts[first - 1]
    finish = context.line_starts[last] if last < len(context.line_starts) else len(context.text)
    text = list(context.text[begin:finish])
    blanks = [(e.start, e.end) for e in replaced]
    for line in range(first, last + 1):
        comment = context.comment_on(line)
        if comment is not None:
            blanks.append((comment[0], comment[0] + len(comment[1])))
    for low, high in blanks:
        for position in range(max(low, begin), min(high, finish)):
            text[position - begin] = " "
    return "".join(text)


# --- applying -------------------------------------------------------------------------


def apply_edits(text: str, edits: Sequence[TextEdit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end:]
    return text


def _overlaps(edit: TextEdit, taken: list[TextEdit]) -> bool:
    for other in taken:
        if edit == other:
            continue
        if edit.start < other.end and other.start < edit.end:
            return True
        if edit.start == edit.end == other.start == other.end or (edit.start == edit.end and other.start < edit.start < other.end) or (
            other.start == other.end and edit.start < other.start < edit.end
        ):
            return True
    return False


def _parses(data: bytes, original: bytes) -> bool:
    try:
        parse_quietly(data)
        return True
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        pass
    try:
        parse_quietly(original)
        return False  # the original parses: the fix broke it
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        pass
    # Syntax newer than this Python: libcst must still read it.
    try:
        cst.parse_module(data)
        return True
    except Exception:
        return False


@dataclass
class FileOutcome:
    data: bytes
    applied: list[Diagnostic]
    failures: list[tuple[Diagnostic, str]]
    deferred: int = 0


def fix_source(data: bytes, diagnostics: Sequence[Diagnostic]) -> FileOutcome:
    """Apply the fixes of `diagnostics` (one file's) that do not overlap."""
    source = Source.from_bytes(data)
    context = FileContext(source.text)
    chosen: list[tuple[Diagnostic, Planned]] = []
    failures: list[tuple[Diagnostic, str]] = []
    taken: list[TextEdit] = []
    deferred = 0
    def order(diagnostic: Diagnostic) -> tuple[int, int, int, int, str]:
        # The outermost fix first: `a == None and b` becomes `and_(a == None, b)`,
        # then `and_(a.is_(None), b)` in the next pass (the other way round,
        # `a.is_(None) and b` would no longer be seen as Python `and` on columns).
        line, column, end_line, end_column = diagnostic.fix.span if diagnostic.fix else (0, 0, 0, 0)
        return (line, column, -end_line, -end_column, diagnostic.code)

    for diagnostic in sorted(diagnostics, key=order):
        assert diagnostic.fix is not None
        planned = plan_or_reason(context, diagnostic.fix)
        if isinstance(planned, str):
            failures.append((diagnostic, planned))
            continue
        if any(_overlaps(edit, taken) for edit in planned.edits):
            deferred += 1
            continue
        chosen.append((diagnostic, planned))
        taken.extend(edit for edit in planned.edits if edit not in taken)

    def build(selection: list[tuple[Diagnostic, Planned]]) -> bytes:
        edits: list[TextEdit] = []
        for _, planned in selection:
            edits.extend(edit for edit in planned.edits if edit not in edits)
        edits.extend(_noqa_edits(context, [r for _, p in selection for r in p.noqa], edits))
        return source.encode(apply_edits(source.text, edits))

    if not chosen:
        return FileOutcome(data, [], failures, deferred)
    result = build(chosen)
    if not _parses(result, data):
        # Find the culprits: keep the fixes that parse on their own.
        good = []
        for item in chosen:
            if _parses(build([item]), data):
                good.append(item)
            else:
                failures.append((item[0], "the fixed file would not parse"))
        result = build(good) if good else data
        if good and not _parses(result, data):
            failures.extend((item[0], "the fixed file would not parse") for item in good)
            good, result = [], data
        chosen = good
    return FileOutcome(result, [d for d, _ in chosen], failures, deferred)


# --- showing fixes in reports ---------------------------------------------------------


def _position(context: FileContext, offset: int) -> Position:
    line = 1
    low, high = 0, len(context.line_starts) - 1
    while low <= high:  # the last line start <= offset
        middle = (low + high) // 2
        if context.line_starts[middle] <= offset:
            line, low = middle + 1, middle + 1
        else:
            high = middle - 1
    return Position(line, offset - context.line_starts[line - 1] + 1)


def resolve_fixes(diagnostics: list[Diagnostic], read: Optional[Callable[[str], bytes]] = None) -> list[Diagnostic]:
    """The diagnostics with their fixes' edits computed (for JSON output); a fix
    that cannot be computed is removed."""
    read = read or (lambda name: Path(name).read_bytes())
    by_file: dict[str, list[int]] = {}
    for number, diagnostic in enumerate(diagnostics):
        if diagnostic.fix is not None and not diagnostic.fix.edits:
            by_file.setdefault(diagnostic.filename, []).append(number)
    resolved = list(diagnostics)
    for filename, numbers in by_file.items():
        try:
            context = FileContext(Source.from_bytes(read(filename)).text)
        except (OSError, FixError):
            context = None
        for number in numbers:
            diagnostic = diagnostics[number]
            assert diagnostic.fix is not None
            planned = plan(context, diagnostic.fix) if context is not None else None
            if planned is None:
                resolved[number] = replace(diagnostic, fix=None)
                continue
            edits = list(planned.edits) + _noqa_edits(context, planned.noqa, planned.edits)  # type: ignore[arg-type]
            resolved[number] = replace(diagnostic, fix=replace(diagnostic.fix, edits=tuple(
                Edit(e.content, _position(context, e.start), _position(context, e.end))  # type: ignore[arg-type]
                for e in sorted(edits, key=lambda e: (e.start, e.end))
            )))
    return resolved


# --- the --fix / --diff loop ----------------------------------------------------------


@dataclass
class FixRun:
    """What the fix loop did: the new content of every changed file, by display
    name, how many fixes it applied, and the diagnostics left afterwards."""

    changed: dict[str, bytes]
    originals: dict[str, bytes]
    fixed: int
    remaining: list[Diagnostic]
    result: object = None


def wanted(diagnostic: Diagnostic, unsafe: bool) -> bool:
    return diagnostic.fix is not None and (unsafe or diagnostic.fix.applicability == SAFE)


def fix_loop(
    diagnostics: list[Diagnostic],
    analyse: Callable[[dict[str, bytes]], list[Diagnostic]],
    unsafe: bool,
    err: TextIO,
) -> FixRun:
    """Apply fixes in passes, re-analysing the changed text (held in memory as
    overrides, by real path) after each, until nothing more applies or
    MAX_PASSES. Nothing is written here."""
    overrides: dict[str, bytes] = {}  # by real path
    originals: dict[str, bytes] = {}  # by display name
    names: dict[str, str] = {}  # real path -> display name
    reported: set[tuple[str, str, str, str]] = set()
    # A fix that failed is not tried again in later passes (where its line may
    # have moved: it is known by its message, which names what it is about).
    unfixable: set[tuple[str, str, str]] = set()
    fixed = 0
    for _ in range(MAX_PASSES):
        by_file: dict[str, list[Diagnostic]] = {}
        for diagnostic in diagnostics:
            if wanted(diagnostic, unsafe) and _identity(diagnostic) not in unfixable:
                by_file.setdefault(diagnostic.filename, []).append(diagnostic)
        progress = False
        for filename, found in sorted(by_file.items()):
            real = _real(filename)
            try:
                data = overrides[real] if real in overrides else Path(filename).read_bytes()
                outcome = fix_source(data, found)
            except (OSError, FixError) as exc:
                _warn(err, reported, filename, None, str(exc))
                unfixable.update(_identity(diagnostic) for diagnostic in found)
                continue
            for diagnostic, reason in outcome.failures:
                _warn(err, reported, filename, diagnostic, reason)
                unfixable.add(_identity(diagnostic))
            if outcome.data != data:
                originals.setdefault(filename, data)
                names[real] = filename
                overrides[real] = outcome.data
                fixed += len(outcome.applied)
                progress = True
        if not progress:
            break
        diagnostics = analyse(dict(overrides))
    changed = {names[real]: data for real, data in overrides.items() if data != originals[names[real]]}
    return FixRun(changed, originals, fixed, diagnostics)


def _identity(diagnostic: Diagnostic) -> tuple[str, str, str]:
    return (diagnostic.filename, diagnostic.code, diagnostic.message)


def _warn(err: TextIO, reported: set[tuple[str, str, str, str]], filename: str, diagnostic: Optional[Diagnostic], reason: str) -> None:
    key = (filename, diagnostic.code if diagnostic else "", diagnostic.message if diagnostic else "", reason)
    if key in reported:
        return
    reported.add(key)
    if diagnostic is None:
        err.write(f"ormlint: cannot fix {filename}: {reason}\n")
    else:
        err.write(f"ormlint: fix dropped for {filename}:{diagnostic.location.row}:{diagnostic.location.column}: {diagnostic.code}: {reason}\n")


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def write_changes(run: FixRun, err: TextIO) -> int:
    """Write every changed file atomically, keeping its permissions. Returns the
    number of files written."""
    written = 0
    for filename, data in sorted(run.changed.items()):
        path = Path(filename)
        try:
            current = path.read_bytes()
            if current != run.originals[filename]:
                err.write(f"ormlint: not fixing {filename}: it changed while ormlint ran\n")
                continue
            write_atomically(path, data, mode=stat.S_IMODE(os.stat(path).st_mode))
            written += 1
        except OSError as exc:
            err.write(f"ormlint: cannot write {filename}: {exc.strerror or exc}\n")
    return written


def unified_diff(run: FixRun) -> str:
    chunks: list[str] = []
    for filename, data in sorted(run.changed.items()):
        before = _text_for_diff(run.originals[filename])
        after = _text_for_diff(data)
        chunks.extend(difflib.unified_diff(before, after, fromfile=filename, tofile=filename))
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in chunks)


def _text_for_diff(data: bytes) -> list[str]:
    try:
        text = Source.from_bytes(data).text
    except FixError:
        text = data.decode("utf-8", "replace")
    return text.splitlines(keepends=True)


def plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word}es" if word.endswith("fix") else f"{count} {word}s"


# --- the command line ---------------------------------------------------------------


def fix_command(result: "RunResult", analyse: Callable[[Optional[dict[str, bytes]]], "RunResult"], options: Any, out: TextIO, err: TextIO) -> Optional[int]:
    """`--fix` / `--diff` after the first analysis. With `--diff`, prints the diff
    and returns the exit status; with `--fix`, writes the files, prints how many
    problems were fixed, leaves the remaining diagnostics in `result` for the
    report and returns None."""
    latest = [result]

    def again(overrides: dict[str, bytes]) -> list[Diagnostic]:
        latest[0] = analyse(overrides)
        return latest[0].diagnostics

    run = fix_loop(result.diagnostics, again, options.unsafe_fixes, err)
    if options.diff:
        out.write(unified_diff(run))
        out.flush()
        err.write(f"Would fix {plural(run.fixed, 'problem')}.\n" if run.fixed else "No fixes available.\n")
        return 1 if run.changed else 0
    write_changes(run, err)
    result.diagnostics = latest[0].diagnostics
    result.internal_errors = latest[0].internal_errors
    if options.format == "json":
        result.diagnostics = resolve_fixes(result.diagnostics)
    if not options.unsafe_fixes:
        hidden = sum(1 for d in result.diagnostics if d.fix is not None and d.fix.applicability != SAFE)
    else:
        hidden = 0
    summary = f"Fixed {plural(run.fixed, 'problem')}."
    if hidden:
        summary += f" {plural(hidden, 'more fix')} available with --unsafe-fixes."
    if not options.quiet:
        stream = out if options.format == "text" and not options.statistics and options.output_file is None else err
        stream.write(summary + "\n")
    return None
