"""Rule documentation rendered from the rule classes (`python -m ormlint.docs` writes docs/rules/)."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

from ormlint.rules import ALL_RULES, Rule


def render_rule(rule: type[Rule]) -> str:
    body = inspect.cleandoc(rule.__doc__ or "")
    default = "on by default" if rule.default else "opt-in (`--select " + rule.code + "`)"
    header = (
        f"# {rule.code} `{rule.name}`\n\n"
        f"{rule.summary[0].upper() + rule.summary[1:]}.\n\n"
        f"Severity: {rule.severity.value}. {default[0].upper() + default[1:]}.\n\n"
    )
    return header + body + "\n"


def render_index() -> str:
    lines = ["# Rules", "", "| code | name | severity | default | summary |", "|---|---|---|---|---|"]
    for rule in ALL_RULES:
        lines.append(
            f"| [{rule.code}]({rule.code}.md) | `{rule.name}` | {rule.severity.value} | "
            f"{'yes' if rule.default else 'opt-in'} | {rule.summary} |"
        )
    return "\n".join(lines) + "\n"


def expected_files() -> dict[str, str]:
    files = {"index.md": render_index()}
    for rule in ALL_RULES:
        files[f"{rule.code}.md"] = render_rule(rule)
    return files


def write_docs(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in expected_files().items():
        (directory / name).write_text(content, encoding="utf-8")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/rules")
    write_docs(target)
