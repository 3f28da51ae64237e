"""Every rule's VALID and INVALID examples, run through the whole engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import expected_marks, reported, write_example
from ormlint.rules import ALL_RULES

CASES = [
    pytest.param(rule, kind, number, example, id=f"{rule.code}-{kind}-{number}")
    for rule in ALL_RULES
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for number, example in enumerate(examples)
]


@pytest.mark.parametrize("rule, kind, number, example", CASES)
def test_example(tmp_path: Path, rule, kind: str, number: int, example) -> None:
    write_example(tmp_path, example)
    expected = {mark for mark in expected_marks(tmp_path) if mark[2] == rule.code}
    if kind == "valid":
        assert not expected, "a VALID example must carry no expected mark"
    else:
        assert expected, "an INVALID example must mark where the diagnostic appears"
    assert reported(tmp_path, select=[rule.code]) == expected


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.code for r in ALL_RULES])
def test_rule_has_examples_and_docs(rule) -> None:
    assert len(rule.VALID) >= 3 and len(rule.INVALID) >= 3
    doc = rule.__doc__ or ""
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in doc, f"{rule.code} docs lack {section}"
    assert rule.name == rule.name.lower() and " " not in rule.name
