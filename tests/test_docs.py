"""The checked-in rule docs are generated from the rule classes and must not go stale."""

from pathlib import Path

from ormlint.docs import expected_files

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def test_rule_docs_are_current() -> None:
    stale = [
        name
        for name, content in expected_files().items()
        if not (DOCS / name).is_file() or (DOCS / name).read_text(encoding="utf-8") != content
    ]
    assert not stale, f"regenerate with `python -m ormlint.docs docs/rules`: {stale}"


def test_every_rule_page_has_the_sections() -> None:
    for name, content in expected_files().items():
        if name != "index.md":
            assert "## What it does" in content and "## Use instead" in content, name
