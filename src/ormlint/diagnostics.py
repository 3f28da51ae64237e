"""The diagnostic record every rule yields and every reporter prints."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional

DOCS_URL = "https://ormlint.readthedocs.io/en/latest/rules/{code}/"


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Position:
    """A 1-based row and 1-based column."""

    row: int
    column: int


@dataclass(frozen=True)
class Edit:
    """Replace the text from `location` to `end_location` (exclusive) with `content`."""

    content: str
    location: Position
    end_location: Position

    def to_json(self) -> dict[str, object]:
        return {
            "content": self.content,
            "location": {"row": self.location.row, "column": self.location.column},
            "end_location": {"row": self.end_location.row, "column": self.end_location.column},
        }


SAFE = "safe"
UNSAFE = "unsafe"


@dataclass(frozen=True)
class Fix:
    """A change that resolves a diagnostic.

    A rule attaches what to change (`kind`, the `span` of the expression as
    `ast` gives it, and `data` for the fixer), without the source text; the
    fixing stage (ormlint.fixes) reads the file and computes the `edits`.
    """

    applicability: str  # SAFE or UNSAFE
    kind: str
    span: tuple[int, int, int, int]  # line, byte column, end line, end byte column
    data: tuple[str, ...] = ()
    message: str = ""
    edits: tuple[Edit, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "applicability": self.applicability,
            "message": self.message or None,
            "edits": [edit.to_json() for edit in self.edits],
        }


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    hint: Optional[str]
    filename: str
    location: Position
    end_location: Position
    fix: Optional[Fix] = None

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.filename, self.location.row, self.location.column, self.code)

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "filename": self.filename,
            "location": {"row": self.location.row, "column": self.location.column},
            "end_location": {"row": self.end_location.row, "column": self.end_location.column},
            # Only a fix whose edits were computed (ormlint.fixes.resolve_fixes).
            "fix": self.fix.to_json() if self.fix is not None and self.fix.edits else None,
            "url": self.url,
        }
