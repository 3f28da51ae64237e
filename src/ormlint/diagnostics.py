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
class Diagnostic:
    code: str
    severity: Severity
    message: str
    hint: Optional[str]
    filename: str
    location: Position
    end_location: Position

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
            "fix": None,
            "url": self.url,
        }
