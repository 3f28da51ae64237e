"""Print diagnostics: text (default), the JSON output contract, SARIF 2.1.0,
GitHub Actions workflow commands, or per-code statistics."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import PurePath
from typing import TYPE_CHECKING, Optional, TextIO

from ormlint import __version__
from ormlint.diagnostics import DOCS_URL, Diagnostic, Severity
from ormlint.selection import RULE_NAMES

# The rule classes (their documentation) are imported by SARIF and --explain
# only: text, JSON, GitHub and statistics need no more than their names.
if TYPE_CHECKING:
    from ormlint.rules import Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# The scheme and host of DOCS_URL (urllib.parse is imported for SARIF only).
INFORMATION_URI = "/".join(DOCS_URL.split("/", 3)[:3]) + "/"

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}

# ANSI: bold red, bold yellow, bold cyan.
_COLOUR = {Severity.ERROR: "\033[1;31m", Severity.WARNING: "\033[1;33m", Severity.INFO: "\033[1;36m"}
_RESET = "\033[0m"


def _write(out: TextIO, line: str) -> None:
    try:
        out.write(line)
    except UnicodeEncodeError:
        # A character the output encoding lacks: escape it rather than fail.
        encoding = getattr(out, "encoding", None) or "ascii"
        out.write(line.encode(encoding, "backslashreplace").decode(encoding, "replace"))


def use_colour(out: TextIO) -> bool:
    """Colour only on a terminal, never in a file or a pipe, and not when NO_COLOR is set
    (https://no-color.org: any non-empty value) or the terminal is `dumb`."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(out, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed stream
        return False


def write_text(diagnostics: list[Diagnostic], out: TextIO, quiet: bool = False, colour: bool = False) -> None:
    for diagnostic in diagnostics:
        code = f"{_COLOUR[diagnostic.severity]}{diagnostic.code}{_RESET}" if colour else diagnostic.code
        _write(out, f"{diagnostic.filename}:{diagnostic.location.row}:{diagnostic.location.column}: {code} {diagnostic.message}\n")
        if diagnostic.hint and not quiet:
            _write(out, f"    hint: {diagnostic.hint}\n")
    if not quiet and diagnostics:
        counts = Counter(d.severity.value for d in diagnostics)
        detail = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s])
        out.write(f"Found {len(diagnostics)} problem{'s' if len(diagnostics) != 1 else ''} ({detail}).\n")


def write_json(diagnostics: list[Diagnostic], out: TextIO) -> None:
    import json

    json.dump([d.to_json() for d in diagnostics], out, indent=2)
    out.write("\n")


# --- statistics -------------------------------------------------------------------


def write_statistics(diagnostics: list[Diagnostic], out: TextIO) -> None:
    """`  12  ORM103  fk-type-mismatch` per code, most frequent first (then by code),
    and the total. Nothing at all when there are no diagnostics."""
    if not diagnostics:
        return
    counts = Counter(d.code for d in diagnostics)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max(4, len(str(len(diagnostics))))
    for code, count in ordered:
        name = RULE_NAMES.get(code, "")
        _write(out, f"{count:>{width}}  {code}  {name}".rstrip() + "\n")
    total = len(diagnostics)
    out.write(f"Found {total} problem{'s' if total != 1 else ''}.\n")


# --- GitHub Actions workflow commands ------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _slashed(filename: str) -> str:
    """Forward slashes on Windows; on POSIX a backslash is part of the name."""
    return filename.replace("\\", "/") if os.sep == "\\" else filename


def _with_hint(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.message} {diagnostic.hint}" if diagnostic.hint else diagnostic.message


def github_line(diagnostic: Diagnostic) -> str:
    start, end = _region(diagnostic)
    properties = ",".join(
        f"{key}={_escape_property(str(value))}"
        for key, value in (
            ("file", _slashed(diagnostic.filename)),
            ("line", start[0]),
            ("col", start[1]),
            ("endLine", end[0]),
            ("endColumn", end[1]),
            ("title", diagnostic.code),
        )
    )
    return f"::{_GITHUB_COMMAND[diagnostic.severity]} {properties}::{_escape_data(_with_hint(diagnostic))}"


def write_github(diagnostics: list[Diagnostic], out: TextIO) -> None:
    for diagnostic in diagnostics:
        _write(out, github_line(diagnostic) + "\n")


# --- SARIF 2.1.0 --------------------------------------------------------------------


def _region(diagnostic: Diagnostic) -> tuple[tuple[int, int], tuple[int, int]]:
    """1-based start and (exclusive) end, never before the start."""
    start = (max(1, diagnostic.location.row), max(1, diagnostic.location.column))
    end = (max(1, diagnostic.end_location.row), max(1, diagnostic.end_location.column))
    if end < start:
        end = start
    return start, end


def _artifact_uri(filename: str) -> str:
    """The path as given, as a URI reference: relative paths stay relative (forward
    slashes, percent-encoded where a URI needs it), absolute ones become `file:` URIs."""
    path = PurePath(filename)
    if path.is_absolute():
        try:
            return path.as_uri()
        except ValueError:
            pass
    from urllib.parse import quote

    return quote(_slashed(filename), safe="/", errors="surrogateescape")


def _what_it_does(rule: type[Rule]) -> str:
    import inspect

    body = inspect.cleandoc(rule.__doc__ or "")
    match = re.search(r"^## What it does\n(.*?)(?=^## |\Z)", body, re.S | re.M)
    text = " ".join(match.group(1).split()) if match else ""
    return text or rule.summary[0].upper() + rule.summary[1:] + "."


def _sarif_rule(rule: type[Rule]) -> dict[str, object]:
    from ormlint.docs import render_rule

    docs = render_rule(rule)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _what_it_does(rule)},
        "help": {"text": docs, "markdown": docs},
        "helpUri": DOCS_URL.format(code=rule.code),
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
    }


def _sarif_result(diagnostic: Diagnostic, rule_index: dict[str, int]) -> dict[str, object]:
    start, end = _region(diagnostic)
    result: dict[str, object] = {"ruleId": diagnostic.code}
    if diagnostic.code in rule_index:
        result["ruleIndex"] = rule_index[diagnostic.code]
    result["level"] = _SARIF_LEVEL[diagnostic.severity]
    result["message"] = {"text": _with_hint(diagnostic)}
    result["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": _artifact_uri(diagnostic.filename)},
                "region": {"startLine": start[0], "startColumn": start[1], "endLine": end[0], "endColumn": end[1]},
            }
        }
    ]
    return result


def sarif_log(diagnostics: list[Diagnostic], rules: Optional[tuple[type[Rule], ...]] = None) -> dict[str, object]:
    if rules is None:
        from ormlint.rules import ALL_RULES

        rules = ALL_RULES
    rule_index = {rule.code: position for position, rule in enumerate(rules)}
    driver = {
        "name": "ormlint",
        "version": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_sarif_rule(rule) for rule in rules],
    }
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                # ormlint counts columns in characters, not UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(d, rule_index) for d in diagnostics],
            }
        ],
    }


def write_sarif(diagnostics: list[Diagnostic], out: TextIO) -> None:
    import json

    json.dump(sarif_log(diagnostics), out, indent=2)
    out.write("\n")


# --- dispatch ------------------------------------------------------------------------

FORMATS = ("text", "json", "sarif", "github")


def write_report(
    diagnostics: list[Diagnostic],
    out: TextIO,
    format: str = "text",
    quiet: bool = False,
    colour: bool = False,
    statistics: bool = False,
) -> None:
    if statistics:
        write_statistics(diagnostics, out)
    elif format == "json":
        write_json(diagnostics, out)
    elif format == "sarif":
        write_sarif(diagnostics, out)
    elif format == "github":
        write_github(diagnostics, out)
    else:
        write_text(diagnostics, out, quiet=quiet, colour=colour)


def write_explanation(rule: type[Rule], out: TextIO) -> None:
    from ormlint.docs import render_rule

    _write(out, render_rule(rule))
