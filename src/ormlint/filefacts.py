"""Everything ormlint learns from one file on its own: parse it, extract its facts,
read its suppression comments. The outcome depends only on the file's bytes, its
display path, its module name and the ormlint code that produced it, which is
what lets `ormlint.cache` store it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ormlint.discover import SourceFile
from ormlint.expr import forget_file
from ormlint.extract import extract_module
from ormlint.facts import ModuleFacts
from ormlint.noqa import noqa_comments
from ormlint.parsing import ParseFailure, parse_bytes

# Quoted words may start with a digit: Alembic revision ids (`"2c9f3a06de09"`).
_NAMES_IN_UNPARSED = re.compile(r"""(?:class\s+|["'])(\w[\w.]*)""")


@dataclass(frozen=True)
class FileOutcome:
    """What one file contributes to a run.

    `facts` is None when the file could not be parsed or extracted; then
    `failure` says why (an ORM001), or `internal_error` describes a bug in
    extraction. `noqa` holds the file's `# noqa` comments (line, text), not yet
    interpreted; it is None when the file has no text (it could not be decoded
    or parsed). `unparsed_names` are the quoted names and class names
    of a file that gave no facts: tables and classes it may define, so that
    rules stay silent about them.
    """

    facts: Optional[ModuleFacts]
    noqa: Optional[tuple[tuple[int, str], ...]]
    failure: Optional[ParseFailure] = None
    unparsed_names: frozenset[str] = frozenset()
    internal_error: Optional[str] = None

    @property
    def cacheable(self) -> bool:
        # An internal error is a bug that the next version may fix: never keep it.
        return self.internal_error is None


def analyse_file(data: bytes, source: SourceFile) -> FileOutcome:
    try:
        return _analyse_file(data, source)
    finally:
        forget_file()


def _analyse_file(data: bytes, source: SourceFile) -> FileOutcome:
    parsed = parse_bytes(data, source.display)
    if isinstance(parsed, ParseFailure):
        return FileOutcome(None, None, parsed, frozenset(_NAMES_IN_UNPARSED.findall(data.decode("utf-8", "replace"))))
    noqa = noqa_comments(parsed.text)
    try:
        facts = extract_module(parsed.tree, source.display, source.module, source.is_package, parsed.text)
    except RecursionError:
        failure = ParseFailure("the file is nested too deeply to analyse", 1, 1)
        return FileOutcome(None, noqa, failure, frozenset(_NAMES_IN_UNPARSED.findall(parsed.text)))
    except Exception as exc:  # a bug in extraction: lose this file, not the run
        from ormlint.engine import describe_exception

        return FileOutcome(
            None, noqa, None, frozenset(_NAMES_IN_UNPARSED.findall(parsed.text)),
            f"internal error while reading {source.display}: {describe_exception(exc)}",
        )
    return FileOutcome(facts, noqa)
