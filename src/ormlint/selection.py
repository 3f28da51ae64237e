"""Turn `--select`/`--ignore`/`--extend-select` tokens into the set of enabled rules.

Selecting works on `RULE_TABLE` (each rule's code, name and default), not on
the rule classes: importing those pulls in the index and the resolvers (about
a tenth of a second), which a run whose diagnostics come from the cache, a
`# noqa` comment or a configuration check never needs. The classes are
imported only by the functions that return them. The table is not a second
source of truth: tests/test_rule_table.py checks it against
`ormlint.rules.ALL_RULES` (and prints the lines to paste when a rule is added).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, NamedTuple, Optional

if TYPE_CHECKING:
    from ormlint.rules import Rule

_PREFIX = re.compile(r"ORM\d{0,3}")


class RuleEntry(NamedTuple):
    code: str
    name: str
    default: bool


# Every rule, in code order, as `ormlint.rules.ALL_RULES` has them.
RULE_TABLE: tuple[RuleEntry, ...] = (
    RuleEntry("ORM001", "parse-error", True),
    RuleEntry("ORM101", "fk-unknown-table", True),
    RuleEntry("ORM102", "fk-unknown-column", True),
    RuleEntry("ORM103", "fk-type-mismatch", True),
    RuleEntry("ORM104", "fk-size-mismatch", True),
    RuleEntry("ORM105", "relationship-unknown-target", True),
    RuleEntry("ORM106", "backref-clash", True),
    RuleEntry("ORM107", "back-populates-mismatch", True),
    RuleEntry("ORM108", "relationship-join-path", True),
    RuleEntry("ORM109", "duplicate-table", True),
    RuleEntry("ORM110", "table-mappings-differ", True),
    RuleEntry("ORM111", "missing-primary-key", True),
    RuleEntry("ORM112", "attribute-assigned-twice", True),
    RuleEntry("ORM113", "constraint-unknown-column", True),
    RuleEntry("ORM114", "column-without-type", True),
    RuleEntry("ORM115", "id-column-without-fk", True),
    RuleEntry("ORM116", "ambiguous-class-name", True),
    RuleEntry("ORM117", "delete-orphan-many-to-one", True),
    RuleEntry("ORM118", "conflicting-relationships", True),
    RuleEntry("ORM119", "unmapped-annotation", True),
    RuleEntry("ORM120", "reserved-metadata-attribute", True),
    RuleEntry("ORM201", "unknown-class-attribute", True),
    RuleEntry("ORM202", "unknown-constructor-keyword", True),
    RuleEntry("ORM203", "unknown-column-keyword", True),
    RuleEntry("ORM204", "unknown-instance-attribute", True),
    RuleEntry("ORM205", "value-does-not-fit-column", True),
    RuleEntry("ORM206", "unknown-name-in-relationship-string", True),
    RuleEntry("ORM301", "fk-without-index", True),
    RuleEntry("ORM302", "full-scan-condition", True),
    RuleEntry("ORM303", "composite-index-candidate", False),
    RuleEntry("ORM304", "lazy-load-in-loop", True),
    RuleEntry("ORM305", "round-trip-in-loop", True),
    RuleEntry("ORM306", "unbounded-list-query", False),
    RuleEntry("ORM307", "redundant-index", True),
    RuleEntry("ORM401", "none-or-bool-comparison", True),
    RuleEntry("ORM402", "utcnow-default", True),
    RuleEntry("ORM403", "default-evaluated-once", True),
    RuleEntry("ORM404", "mutable-default", True),
    RuleEntry("ORM405", "contradictory-delete-rule", True),
    RuleEntry("ORM406", "unbounded-numeric-column", False),
    RuleEntry("ORM407", "naive-datetime", False),
    RuleEntry("ORM408", "inconsistent-delete-policy", False),
    RuleEntry("ORM409", "python-operator-in-condition", True),
    RuleEntry("ORM501", "swallowed-failed-commit", True),
    RuleEntry("ORM502", "commit-inside-committing-scope", True),
    RuleEntry("ORM503", "several-sessions-in-one-function", True),
    RuleEntry("ORM504", "hard-delete-of-soft-delete-model", True),
    RuleEntry("ORM505", "sql-built-from-input", True),
    RuleEntry("ORM506", "engine-without-pool-settings", False),
    RuleEntry("ORM507", "health-check-without-query", False),
    RuleEntry("ORM508", "commit-without-rollback-path", False),
    RuleEntry("ORM601", "table-never-created", True),
    RuleEntry("ORM602", "column-missing-from-migrations", True),
    RuleEntry("ORM603", "column-type-differs-from-migrations", True),
    RuleEntry("ORM604", "models-outside-target-metadata", True),
    RuleEntry("ORM605", "broken-migration-graph", True),
    RuleEntry("ORM606", "constraint-missing-from-migrations", True),
    RuleEntry("ORM607", "orphan-in-migrations", False),
    RuleEntry("ORM608", "nullability-differs-from-migrations", True),
    RuleEntry("ORM701", "legacy-query-get", False),
    RuleEntry("ORM702", "legacy-query-api", False),
    RuleEntry("ORM703", "backref-instead-of-back-populates", False),
    RuleEntry("ORM704", "dynamic-relationship", False),
    RuleEntry("ORM705", "declarative-base-from-ext", False),
    RuleEntry("ORM706", "classic-column-in-declarative-base", False),
)

RULE_NAMES: dict[str, str] = {entry.code: entry.name for entry in RULE_TABLE}
_CODES_BY_NAME: dict[str, str] = {entry.name: entry.code for entry in RULE_TABLE}


class SelectionError(ValueError):
    pass


def match_codes(token: str) -> list[str]:
    """Codes a code, a code prefix (`ORM1`, `ORM`) or a kebab name stands for."""
    token = token.strip()
    if token in _CODES_BY_NAME:
        return [_CODES_BY_NAME[token]]
    upper = token.upper()
    if _PREFIX.fullmatch(upper):
        matched = [entry.code for entry in RULE_TABLE if entry.code.startswith(upper)]
        if matched:
            return matched
    raise SelectionError(f"unknown rule selector `{token}` (expected a code such as ORM103, a prefix such as ORM1, or a rule name such as fk-type-mismatch)")


def match_token(token: str) -> list[type[Rule]]:
    """Rules a code, a code prefix (`ORM1`, `ORM`) or a kebab name stands for."""
    return _rule_classes(match_codes(token))


def is_rule_name(token: str) -> bool:
    return token.strip() in _CODES_BY_NAME


def split_tokens(values: Optional[Iterable[str]]) -> list[str]:
    tokens: list[str] = []
    for value in values or ():
        tokens.extend(part.strip() for part in re.split(r"[,\s]+", value) if part.strip())
    return tokens


def select_codes(select: Optional[list[str]], ignore: list[str], extend_select: list[str]) -> list[str]:
    """The codes of the enabled rules, sorted; SelectionError for an unknown token."""
    if select is None:
        enabled = {entry.code for entry in RULE_TABLE if entry.default}
    else:
        enabled = {code for token in select for code in match_codes(token)}
    for token in extend_select:
        enabled.update(match_codes(token))
    for token in ignore:
        enabled.difference_update(match_codes(token))
    return sorted(enabled)


def resolve_selection(
    select: Optional[list[str]], ignore: list[str], extend_select: list[str]
) -> list[type[Rule]]:
    return _rule_classes(select_codes(select, ignore, extend_select))


def _rule_classes(codes: Iterable[str]) -> list[type[Rule]]:
    from ormlint.rules import RULES_BY_CODE

    return [RULES_BY_CODE[code] for code in codes]


def codes_for(tokens: Iterable[str]) -> set[str]:
    """Codes named by noqa / per-file-ignores tokens; unknown tokens are kept verbatim."""
    codes: set[str] = set()
    for token in tokens:
        try:
            codes.update(match_codes(token))
        except SelectionError:
            codes.add(token.upper())
    return codes
