"""Turn `--select`/`--ignore`/`--extend-select` tokens into the set of enabled rules."""

from __future__ import annotations

import re
from typing import Iterable, Optional

from ormlint.rules import ALL_RULES, RULES_BY_NAME, Rule

_PREFIX = re.compile(r"ORM\d{0,3}")


class SelectionError(ValueError):
    pass


def match_token(token: str) -> list[type[Rule]]:
    """Rules a code, a code prefix (`ORM1`, `ORM`) or a kebab name stands for."""
    token = token.strip()
    if token in RULES_BY_NAME:
        return [RULES_BY_NAME[token]]
    upper = token.upper()
    if _PREFIX.fullmatch(upper):
        matched = [rule for rule in ALL_RULES if rule.code.startswith(upper)]
        if matched:
            return matched
    raise SelectionError(f"unknown rule selector `{token}` (expected a code such as ORM103, a prefix such as ORM1, or a rule name such as fk-type-mismatch)")


def is_rule_name(token: str) -> bool:
    return token.strip() in RULES_BY_NAME


def split_tokens(values: Optional[Iterable[str]]) -> list[str]:
    tokens: list[str] = []
    for value in values or ():
        tokens.extend(part.strip() for part in re.split(r"[,\s]+", value) if part.strip())
    return tokens


def resolve_selection(
    select: Optional[list[str]], ignore: list[str], extend_select: list[str]
) -> list[type[Rule]]:
    if select is None:
        enabled = {rule for rule in ALL_RULES if rule.default}
    else:
        enabled = {rule for token in select for rule in match_token(token)}
    for token in extend_select:
        enabled.update(match_token(token))
    for token in ignore:
        enabled.difference_update(match_token(token))
    return sorted(enabled, key=lambda rule: rule.code)


def codes_for(tokens: Iterable[str]) -> set[str]:
    """Codes named by noqa / per-file-ignores tokens; unknown tokens are kept verbatim."""
    codes: set[str] = set()
    for token in tokens:
        try:
            codes.update(rule.code for rule in match_token(token))
        except SelectionError:
            codes.add(token.upper())
    return codes
