"""Print diagnostics: text (default) or the JSON output contract."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from ormlint.diagnostics import Diagnostic


def _write(out: TextIO, line: str) -> None:
    try:
        out.write(line)
    except UnicodeEncodeError:
        # A character the output encoding lacks: escape it rather than fail.
        encoding = getattr(out, "encoding", None) or "ascii"
        out.write(line.encode(encoding, "backslashreplace").decode(encoding, "replace"))


def write_text(diagnostics: list[Diagnostic], out: TextIO, quiet: bool = False) -> None:
    for diagnostic in diagnostics:
        _write(out, f"{diagnostic.filename}:{diagnostic.location.row}:{diagnostic.location.column}: {diagnostic.code} {diagnostic.message}\n")
        if diagnostic.hint and not quiet:
            _write(out, f"    hint: {diagnostic.hint}\n")
    if not quiet and diagnostics:
        counts = Counter(d.severity.value for d in diagnostics)
        detail = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s])
        out.write(f"Found {len(diagnostics)} problem{'s' if len(diagnostics) != 1 else ''} ({detail}).\n")


def write_json(diagnostics: list[Diagnostic], out: TextIO) -> None:
    json.dump([d.to_json() for d in diagnostics], out, indent=2)
    out.write("\n")
