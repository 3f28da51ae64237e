"""The light rule table of ormlint.selection is the rule classes' code, name and default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import ormlint

from ormlint.rules import ALL_RULES
from ormlint.selection import RULE_TABLE, RuleEntry, match_codes, match_token, resolve_selection, select_codes


def test_rule_table_matches_the_rule_classes() -> None:
    expected = tuple(RuleEntry(rule.code, rule.name, rule.default) for rule in ALL_RULES)
    lines = "".join(f'    RuleEntry("{e.code}", "{e.name}", {e.default}),\n' for e in expected)
    assert RULE_TABLE == expected, f"update RULE_TABLE in src/ormlint/selection.py to:\n{lines}"


def test_selecting_by_table_is_selecting_the_classes() -> None:
    for token in ["ORM", "ORM1", "ORM10", "ORM103", "orm2", "fk-type-mismatch", *(rule.name for rule in ALL_RULES)]:
        assert [rule.code for rule in match_token(token)] == match_codes(token)
    rules = resolve_selection(None, ["ORM103"], ["ORM303"])
    assert [rule.code for rule in rules] == select_codes(None, ["ORM103"], ["ORM303"])
    assert all(rule in ALL_RULES for rule in rules)
    assert select_codes(None, [], []) == sorted(rule.code for rule in ALL_RULES if rule.default)


def test_a_cached_run_does_not_import_the_analysis(tmp_path) -> None:
    """What a run over an unchanged project needs is light: the rules, the index,
    extraction and libcst are imported only when something is analysed."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/models.py").write_text(
        "from sqlalchemy import Column, ForeignKey, Integer, String\n"
        "from sqlalchemy.orm import declarative_base\n"
        "Base = declarative_base()\n"
        "class User(Base):\n"
        "    __tablename__ = 'users'\n"
        "    id = Column(Integer, primary_key=True)\n"
        "    team_id = Column(String, ForeignKey('teams.id'))\n"
    )
    script = (
        "import sys\n"
        "from ormlint.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "heavy = sorted(name for name in sys.modules if name.startswith(('ormlint.rules', 'ormlint.index', 'ormlint.extract',"
        " 'ormlint.filefacts', 'ormlint.migrations', 'ormlint.fixes', 'ormlint.parsing', 'libcst', 'ormlint.docs')))\n"
        "print('HEAVY', status, heavy)\n"
    )
    command = [sys.executable, "-c", script, "--cache-dir", str(tmp_path / "cache"), str(tmp_path / "app")]
    # This checkout's ormlint, wherever the test runs from.
    env = {**os.environ, "PYTHONPATH": str(Path(ormlint.__file__).resolve().parents[1])}
    first = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    assert "'ormlint.index'" in first.stdout.split("HEAVY 1")[1]  # analysed
    assert "ORM101" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    assert second.stdout.split("HEAVY")[0] == first.stdout.split("HEAVY")[0]
    assert "HEAVY 1 []" in second.stdout
