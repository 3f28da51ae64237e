"""The rule base class and the context rules read."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Iterable, Iterator, Optional, Union

from ormlint.diagnostics import Diagnostic, Position, Severity
from ormlint.expr import Span, span_line, span_col, span_end_line, span_end_col
from ormlint.index import ProjectIndex

if TYPE_CHECKING:
    from ormlint.migrations import ProjectMigrations
    from ormlint.usage import UsageResolver

# A VALID/INVALID example: one source (written as `models.py`) or several files.
Example = Union[str, dict[str, str]]


@dataclass
class RuleSettings:
    external_tables: frozenset[str] = frozenset()
    source_of_truth: tuple[str, ...] = ()
    small_tables: frozenset[str] = frozenset()
    composite_min_sites: int = 2
    soft_delete_columns: tuple[str, ...] = ()  # ORM504: replaces the default column names


@dataclass
class RuleContext:
    index: ProjectIndex
    settings: RuleSettings = field(default_factory=RuleSettings)
    # Shared by the usage rules, built by the first one that needs it.
    usage: Optional["UsageResolver"] = None
    # (absolute path, text) of the alembic ini files found beside the code.
    alembic_configs: tuple[tuple[str, str], ...] = ()
    # The replayed Alembic histories, built by the first ORM6xx rule that needs them.
    migrations: Optional["ProjectMigrations"] = None
    # The session resolver of the ORM5xx rules (rules/sessions.py), built by the first one.
    sessions: Optional[object] = None


class Rule:
    """Base class: one rule, one code. The docstring is the rule's documentation."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    default: ClassVar[bool] = True
    VALID: ClassVar[list[Example]] = []
    INVALID: ClassVar[list[Example]] = []
    # For a rule with an automatic fix: each INVALID example after
    # `--fix --unsafe-fixes` (only the files that change; None: no fix).
    FIXED: ClassVar[list[Optional[Example]]] = []
    # Rules of one group run in the same process when `--jobs` shares them out
    # (`ormlint.rule_runner`); "" means the group of the rule's module.
    group: ClassVar[str] = ""
    # A run keeps one diagnostic of a code per location (a mixin's column is
    # reported once, not once per model using it). A rule whose diagnostics may
    # share a location and still say different things (ORM110: each column
    # missing from a mapping, at its class line) sets this: then only
    # diagnostics with the same message too count as one.
    several_per_location: ClassVar[bool] = False

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        raise NotImplementedError

    def diagnostic(
        self, path: str, span: Span, message: str, hint: Optional[str] = None, whole_span: bool = True
    ) -> Diagnostic:
        start = Position(span_line(span), span_col(span) + 1)
        if whole_span:
            end = Position(span_end_line(span), span_end_col(span) + 1)
        else:
            end = Position(span_line(span), span_col(span) + 1)
        return Diagnostic(self.code, self.severity, message, hint, path, start, end)

    def line_diagnostic(self, path: str, span: Span, message: str, hint: Optional[str] = None) -> Diagnostic:
        """A diagnostic on the first line of a (possibly multi-line) statement."""
        return self.diagnostic(path, span, message, hint, whole_span=span_line(span) == span_end_line(span))


def did_you_mean(name: str, candidates: Iterable[str]) -> Optional[str]:
    matches = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def suggestion(name: str, candidates: Iterable[str]) -> str:
    match = did_you_mean(name, candidates)
    return f" Did you mean `{match}`?" if match else ""


def listed(names: list[str], shown: int = 5) -> str:
    """Names in backquotes for a message: "`a`, `b` and `c`"; beyond `shown`,
    the rest as a count ("`a`, ..., `e` and 3 more")."""
    quoted = [f"`{name}`" for name in names]
    if len(quoted) > shown:
        return ", ".join(quoted[:shown]) + f" and {len(quoted) - shown} more"
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
