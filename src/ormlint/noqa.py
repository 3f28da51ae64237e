"""Suppression comments: `# noqa`, `# noqa: ORM101,ORM103`, `# ormlint: noqa[ORM101]`."""

from __future__ import annotations

import re
from typing import Optional

from ormlint.selection import codes_for

_NOQA = re.compile(r"#\s*noqa\b(?::\s*(?P<codes>[\w\-]+(?:[,\s]+[\w\-]+)*))?", re.IGNORECASE)
_ORMLINT_NOQA = re.compile(r"#\s*ormlint:\s*noqa(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)

# line -> None (every code suppressed) or the suppressed codes
Suppressions = dict[int, Optional[frozenset[str]]]


def parse_suppressions(text: str) -> Suppressions:
    found: Suppressions = {}
    if "noqa" not in text and "NOQA" not in text:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        if "#" not in line:
            continue
        lowered = line.lower()
        if "noqa" not in lowered:
            continue
        codes: Optional[set[str]] = set()
        matched = False
        for pattern in (_ORMLINT_NOQA, _NOQA):
            for match in pattern.finditer(line):
                matched = True
                tokens = match.group("codes")
                if tokens is None or not tokens.strip():
                    codes = None
                elif codes is not None:
                    codes.update(codes_for(re.split(r"[,\s]+", tokens.strip())))
        if matched:
            found[number] = None if codes is None else frozenset(codes)
    return found


def is_suppressed(suppressions: Suppressions, line: int, code: str) -> bool:
    if line not in suppressions:
        return False
    codes = suppressions[line]
    return codes is None or code in codes
