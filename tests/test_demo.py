"""fixtures/demo: a small wellness app that triggers every rule exactly once, on its marked line.

Each problem line in the demo ends with a `# ORMxxx` comment; a clean look-alike
sits next to it and must stay silent. The demo's own pyproject.toml sets
`source-of-truth` (needed for ORM110), so it is read here as the CLI would.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from helpers import expected_marks, reported
from ormlint.cli import main
from ormlint.config import load_config
from ormlint.rules import ALL_RULES

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "fixtures" / "demo"
EXPECTED_FILE = REPO / "fixtures" / "demo_expected.txt"
# ORM601 needs a migration history that creates every table; the demo's
# history starts from a schema made elsewhere, so ORM601 rightly stays silent
# there (its examples in rules/migrations.py cover it).
DEMONSTRATED = {rule.code for rule in ALL_RULES if rule.default} - {"ORM601"}
CONTRACT_KEYS = {"code", "severity", "message", "hint", "filename", "location", "end_location", "fix", "url"}


def _default_codes() -> list[str]:
    return [rule.code for rule in ALL_RULES if rule.default]


def test_demo_reports_exactly_the_marked_lines() -> None:
    marks = expected_marks(DEMO)
    config = load_config(DEMO / "pyproject.toml")
    found = reported(DEMO, select=_default_codes(), config=config)
    assert sorted(found - marks) == [], "reported but not marked (false positives in the demo)"
    assert sorted(marks - found) == [], "marked but not reported (misses)"


def test_every_rule_appears_exactly_once() -> None:
    counts = Counter(code for _path, _line, code in expected_marks(DEMO))
    assert set(counts) >= DEMONSTRATED, f"not demonstrated: {sorted(DEMONSTRATED - set(counts))}"
    assert {code for code, n in counts.items() if n != 1} == set()
    registered = {rule.code for rule in ALL_RULES}
    assert DEMONSTRATED <= registered


def test_expected_file_matches_the_marks() -> None:
    lines = [line for line in EXPECTED_FILE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    marks = {f"fixtures/demo/{path}:{line}:{code}" for path, line, code in expected_marks(DEMO)}
    assert set(lines) == marks
    assert lines == sorted(lines), "keep fixtures/demo_expected.txt sorted (LC_ALL=C)"


def test_cli_text_output_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DEMO)]) == 1
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if not line.startswith(" ")]
    diagnostic = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<col>\d+): (?P<code>ORM\d{3}) \S")
    parsed = [diagnostic.match(line) for line in rows[:-1]]
    assert all(parsed), rows
    assert {m.group("code") for m in parsed} >= DEMONSTRATED
    assert re.fullmatch(r"Found \d+ problems \(\d+ errors, \d+ warnings\)\.", rows[-1])
    assert main(["--exit-zero", str(DEMO)]) == 0


def test_cli_json_output_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "json", str(DEMO)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and data
    for item in data:
        assert set(item) == CONTRACT_KEYS
        assert re.fullmatch(r"ORM\d{3}", item["code"])
        assert item["severity"] in ("error", "warning", "info")
        assert isinstance(item["message"], str) and item["message"]
        assert item["hint"] is None or isinstance(item["hint"], str)
        for key in ("location", "end_location"):
            assert set(item[key]) == {"row", "column"}
            assert all(isinstance(item[key][k], int) and item[key][k] >= 1 for k in ("row", "column"))
        assert item["fix"] is None or item["fix"]["applicability"] in ("safe", "unsafe")
        assert isinstance(item["url"], str) and item["code"] in item["url"]
    found = {(Path(d["filename"]).resolve().relative_to(DEMO).as_posix(), d["location"]["row"], d["code"]) for d in data}
    assert found == expected_marks(DEMO)


def test_cli_select_by_rule_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "json", "--select", "fk-type-mismatch", str(DEMO)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(d["code"], Path(d["filename"]).name, d["location"]["row"]) for d in data] == [("ORM103", "gamification.py", 9)]


def test_readme_lists_every_rule() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [rule.code for rule in ALL_RULES if f"| {rule.code} | `{rule.name}` |" not in readme]
    assert missing == [], f"README rule table lacks {missing}"
