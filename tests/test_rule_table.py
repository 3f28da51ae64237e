"""The light rule table of ormlint.selection is the rule classes' code, name and default."""

from __future__ import annotations

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
