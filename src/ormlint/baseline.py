"""Baselines: record today's diagnostics, report only new ones later.

A diagnostic's fingerprint is its code, its file (relative to the baseline
file's directory, so it does not matter where ormlint runs from), a hash of the
text of its line with surrounding whitespace removed, and its occurrence among
diagnostics with the same code, file and line text (in line order). Line numbers
are not part of it: code moving up or down (lines added or removed above it, a
re-indented block) keeps its fingerprint, while a second copy of a baselined
line is new. Messages are kept in the file for people reading it, not matched.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Optional

from ormlint.diagnostics import Diagnostic
from ormlint.line_breaks import LINE_BREAK
from ormlint.parsing import decode_source

FORMAT_VERSION = 1

Fingerprint = tuple[str, str, str, int]  # code, file, line hash, occurrence


class BaselineError(ValueError):
    pass


def _relative(filename: str, base: Path) -> str:
    path = os.path.abspath(filename)
    try:
        relative = os.path.relpath(path, base)
    except ValueError:  # another drive
        relative = path
    return relative.replace(os.sep, "/")


def _line_hash(lines: Optional[list[str]], row: int) -> str:
    text = lines[row - 1].strip() if lines is not None and 1 <= row <= len(lines) else ""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def fingerprints(diagnostics: list[Diagnostic], base: Path) -> list[Fingerprint]:
    """One fingerprint per diagnostic, in the order given."""
    texts: dict[str, Optional[list[str]]] = {}
    keyed: list[tuple[str, str, str]] = []
    for diagnostic in diagnostics:
        if diagnostic.filename not in texts:
            try:
                text = decode_source(Path(diagnostic.filename).read_bytes())
            except OSError:
                text = None
            texts[diagnostic.filename] = LINE_BREAK.split(text) if isinstance(text, str) else None
        keyed.append((diagnostic.code, _relative(diagnostic.filename, base), _line_hash(texts[diagnostic.filename], diagnostic.location.row)))
    # Occurrences count in line order, whatever order the diagnostics come in.
    order = sorted(range(len(diagnostics)), key=lambda i: (keyed[i], diagnostics[i].location.row, diagnostics[i].location.column))
    seen: Counter[tuple[str, str, str]] = Counter()
    result: list[Optional[Fingerprint]] = [None] * len(diagnostics)
    for i in order:
        result[i] = (*keyed[i], seen[keyed[i]])
        seen[keyed[i]] += 1
    return [fingerprint for fingerprint in result if fingerprint is not None]


def baseline_json(diagnostics: list[Diagnostic], path: Path) -> str:
    base = path.resolve().parent
    entries = [
        {"code": code, "file": file, "line_hash": line_hash, "occurrence": occurrence, "message": diagnostic.message}
        for diagnostic, (code, file, line_hash, occurrence) in zip(diagnostics, fingerprints(diagnostics, base))
    ]
    entries.sort(key=lambda entry: (entry["file"], entry["code"], entry["line_hash"], entry["occurrence"]))
    document = {"ormlint_baseline": FORMAT_VERSION, "diagnostics": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: Path) -> Counter[Fingerprint]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("ormlint_baseline") != FORMAT_VERSION or not isinstance(document.get("diagnostics"), list):
        raise BaselineError(f"{path} is not an ormlint baseline (version {FORMAT_VERSION}); write one with --write-baseline")
    found: Counter[Fingerprint] = Counter()
    for entry in document["diagnostics"]:
        try:
            fingerprint = (str(entry["code"]), str(entry["file"]), str(entry["line_hash"]), int(entry["occurrence"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise BaselineError(f"baseline {path} has a malformed entry: {entry!r}") from exc
        found[fingerprint] += 1
    return found


def new_diagnostics(diagnostics: list[Diagnostic], baseline: Counter[Fingerprint], path: Path) -> list[Diagnostic]:
    """The diagnostics the baseline at `path` does not record."""
    remaining = Counter(baseline)
    kept: list[Diagnostic] = []
    for diagnostic, fingerprint in zip(diagnostics, fingerprints(diagnostics, path.resolve().parent)):
        if remaining[fingerprint] > 0:
            remaining[fingerprint] -= 1
        else:
            kept.append(diagnostic)
    return kept
