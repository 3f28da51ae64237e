"""--fix, --unsafe-fixes, --diff and the fixers (ormlint.fixes, ormlint.fixers)."""

from __future__ import annotations

import filecmp
import json
import shutil
import textwrap
from pathlib import Path

import pytest

from helpers import write_example
from ormlint.cli import main
from ormlint.fixes import strip_noqa_code
from ormlint.rules import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent
FIXABLE = [rule for rule in ALL_RULES if rule.FIXED]

FIXED_CASES = [
    pytest.param(rule, number, example, fixed, id=f"{rule.code}-fixed-{number}")
    for rule in FIXABLE
    for number, (example, fixed) in enumerate(zip(rule.INVALID, rule.FIXED))
]


def _files(example) -> dict[str, str]:
    files = {"models.py": example} if isinstance(example, str) else example
    return {name: textwrap.dedent(text).lstrip("\n") for name, text in files.items()}


def _fix(root: Path, *extra: str) -> int:
    return main(["--no-cache", "--quiet", "--fix", "--unsafe-fixes", *extra, str(root)])


@pytest.mark.parametrize("rule", FIXABLE, ids=[r.code for r in FIXABLE])
def test_fixed_lists_parallel_invalid(rule) -> None:
    assert len(rule.FIXED) == len(rule.INVALID)
    assert "## Fix safety" in (rule.__doc__ or "")


@pytest.mark.parametrize("rule, number, example, fixed", FIXED_CASES)
def test_fixed_example(tmp_path: Path, capsys, rule, number: int, example, fixed) -> None:
    write_example(tmp_path, example)
    before = {name: (tmp_path / name).read_text(encoding="utf-8") for name in _files(example)}
    main(["--no-cache", "--quiet", "--select", rule.code, "--fix", "--unsafe-fixes", str(tmp_path)])
    expected = dict(before)
    if fixed is not None:
        expected.update(_files(fixed))
    after = {name: (tmp_path / name).read_text(encoding="utf-8") for name in before}
    assert after == expected
    # A second run has nothing left to fix.
    capsys.readouterr()
    main(["--no-cache", "--select", rule.code, "--fix", "--unsafe-fixes", str(tmp_path)])
    assert "Fixed 0 problems." in capsys.readouterr().out


# --- the fixture project ------------------------------------------------------------------


def test_fixture_project_matches_expected_tree(tmp_path: Path, capsys) -> None:
    project = tmp_path / "fix"
    shutil.copytree(ROOT / "fixtures" / "fix", project)
    status = _fix(project)
    output = capsys.readouterr()
    # The one fix declined: the list holds a comment.
    assert output.err.splitlines() == [
        f"ormlint: fix dropped for {project / 'shop' / 'models.py'}:21:5: ORM404: the expression holds a comment, which the fix would lose"
    ]
    comparison = filecmp.dircmp(project, ROOT / "fixtures" / "fix_expected", ignore=["__pycache__", ".ormlint_cache"])
    differing = _differences(comparison)
    assert not differing, differing
    main(["--no-cache", "--fix", "--unsafe-fixes", str(project)])
    assert "Fixed 0 problems." in capsys.readouterr().out
    assert status in (0, 1)


def _differences(comparison: filecmp.dircmp) -> list[str]:  # type: ignore[type-arg]
    found = [*comparison.left_only, *comparison.right_only]
    _, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right, comparison.common_files, shallow=False)
    found.extend(mismatch + errors)
    for sub in comparison.subdirs.values():
        found.extend(_differences(sub))
    return found


def test_fixture_project_covers_every_fixable_code(capsys) -> None:
    main(["--no-cache", "--format", "json", "--select", ",".join(r.code for r in FIXABLE), str(ROOT / "fixtures" / "fix")])
    diagnostics = json.loads(capsys.readouterr().out)
    codes = {d["code"] for d in diagnostics if d["fix"] is not None}
    assert codes == {r.code for r in FIXABLE}
    assert {d["fix"]["applicability"] for d in diagnostics if d["fix"]} == {"safe", "unsafe"}


# --- file formats ---------------------------------------------------------------------------

MODELS = """\
from sqlalchemy import Column, DateTime, Integer, String, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class Exercise(Base):
    __tablename__ = "exercises"
    id = Column(Integer, primary_key=True)
    name = Column(String(20), default="{accent}")
    deleted_at = Column(DateTime, index=True)

stmt = select(Exercise).where(Exercise.deleted_at == None)  # noqa: E711
"""
FIXED_MODELS = MODELS.replace("Exercise.deleted_at == None)  # noqa: E711", "Exercise.deleted_at.is_(None))")


@pytest.mark.parametrize("encoding, bom, newline", [
    ("utf-8", b"", "\n"),
    ("utf-8", b"", "\r\n"),
    ("utf-8", b"\xef\xbb\xbf", "\n"),
    ("latin-1", b"", "\r\n"),
])
def test_encoding_bom_and_line_endings_are_kept(tmp_path: Path, encoding: str, bom: bytes, newline: str) -> None:
    cookie = "# -*- coding: latin-1 -*-\n" if encoding == "latin-1" else ""
    text = cookie + MODELS.format(accent="caf\u00e9")
    expected = cookie + FIXED_MODELS.format(accent="caf\u00e9")
    path = tmp_path / "models.py"
    path.write_bytes(bom + text.replace("\n", newline).encode(encoding))
    assert _fix(tmp_path) == 0
    assert path.read_bytes() == bom + expected.replace("\n", newline).encode(encoding)


def test_non_ascii_columns_are_found(tmp_path: Path) -> None:
    source = MODELS.format(accent="x").replace("stmt = select", "s\u00e9lection = select")
    (tmp_path / "models.py").write_text(source, encoding="utf-8")
    assert _fix(tmp_path) == 0
    assert "s\u00e9lection = select(Exercise).where(Exercise.deleted_at.is_(None))\n" in (tmp_path / "models.py").read_text(encoding="utf-8")


def test_fix_that_would_not_parse_is_dropped(tmp_path: Path, monkeypatch, capsys) -> None:
    from ormlint import fixers
    from ormlint.fixes import Planned, TextEdit, _FIXERS

    def broken(context, fix):
        planned = fixers.compare(context, fix)
        assert planned is not None
        edit = planned.edits[0]
        return Planned([TextEdit(edit.start, edit.end, edit.content + " +")])

    monkeypatch.setitem(_FIXERS, "compare", broken)
    path = tmp_path / "models.py"
    path.write_text(MODELS.format(accent="x"), encoding="utf-8")
    before = path.read_bytes()
    assert main(["--no-cache", "--fix", str(tmp_path)]) == 1
    output = capsys.readouterr()
    assert path.read_bytes() == before
    assert "fix dropped" in output.err and "would not parse" in output.err and "ORM401" in output.err
    assert "Fixed 0 problems." in output.out and "ORM401" in output.out


def test_noqa_suppresses_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    source = MODELS.format(accent="x").replace("# noqa: E711", "# noqa: ORM401")
    path.write_text(source, encoding="utf-8")
    assert _fix(tmp_path) == 0
    assert path.read_text(encoding="utf-8") == source


def test_unsafe_fixes_need_the_option(tmp_path: Path, capsys) -> None:
    path = tmp_path / "models.py"
    source = MODELS.format(accent="x").replace("deleted_at == None)  # noqa: E711", "deleted_at == False)  # noqa: E712")
    path.write_text(source, encoding="utf-8")
    assert main(["--no-cache", "--fix", str(tmp_path)]) == 1
    output = capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == source
    assert "1 more fix available with --unsafe-fixes" in output
    assert _fix(tmp_path) == 0
    assert "deleted_at.is_(False))\n" in path.read_text(encoding="utf-8")


def test_diff_writes_nothing(tmp_path: Path, capsys) -> None:
    path = tmp_path / "models.py"
    path.write_text(MODELS.format(accent="x"), encoding="utf-8")
    before = path.read_bytes()
    assert main(["--no-cache", "--diff", str(tmp_path)]) == 1
    output = capsys.readouterr()
    assert path.read_bytes() == before
    name = str(path)
    assert output.out.startswith(f"--- {name}\n+++ {name}\n@@ ")
    assert "-stmt = select(Exercise).where(Exercise.deleted_at == None)  # noqa: E711\n" in output.out
    assert "+stmt = select(Exercise).where(Exercise.deleted_at.is_(None))\n" in output.out
    assert "Would fix 1 problem." in output.err
    assert _fix(tmp_path) == 0
    assert main(["--no-cache", "--diff", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""


def test_json_carries_the_edits(tmp_path: Path, capsys) -> None:
    (tmp_path / "models.py").write_text(MODELS.format(accent="x"), encoding="utf-8")
    main(["--no-cache", "--format", "json", str(tmp_path)])
    (diagnostic,) = json.loads(capsys.readouterr().out)
    assert diagnostic["fix"] == {
        "applicability": "safe",
        "message": "Replace with `Exercise.deleted_at.is_(None)`",
        "edits": [
            {"content": "Exercise.deleted_at.is_(None)", "location": {"row": 12, "column": 31}, "end_location": {"row": 12, "column": 58}},
            {"content": "", "location": {"row": 12, "column": 59}, "end_location": {"row": 12, "column": 73}},
        ],
    }


def test_overlapping_fixes_take_several_passes(tmp_path: Path) -> None:
    source = textwrap.dedent("""\
        from sqlalchemy import Column, Integer, select
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Task(Base):
            __tablename__ = "tasks"
            id = Column(Integer, primary_key=True)
            done = Column(Integer)
            owner = Column(Integer, index=True)

        stmt = select(Task).where(Task.done or (Task.owner is None and Task.done))
        """)
    (tmp_path / "models.py").write_text(source, encoding="utf-8")
    assert _fix(tmp_path) == 0
    text = (tmp_path / "models.py").read_text(encoding="utf-8")
    assert "from sqlalchemy import Column, Integer, select, or_, and_\n" in text
    assert "stmt = select(Task).where(or_(Task.done, (and_(Task.owner.is_(None), Task.done))))\n" in text


# --- pieces ----------------------------------------------------------------------------------


@pytest.mark.parametrize("comment, code, expected", [
    ("# noqa: E711", "E711", ""),
    ("# noqa:E711", "E711", ""),
    ("# NOQA: E711, E712", "E711", "# NOQA: E712"),
    ("# noqa: E712,E711 legacy", "E711", "# noqa: E712 legacy"),
    ("# noqa: E711 legacy", "E711", ""),
    ("# noqa: E712 - required for SQLAlchemy comparison", "E712", ""),
    ("# noqa: E711  # type: ignore", "E711", "# type: ignore"),
    ("# noqa: E711  # ORM401", "E711", "# ORM401"),
    ("# see ticket  # noqa: E711", "E711", "# see ticket"),
    ("# noqa: E712", "E711", None),
    ("# noqa", "E711", None),
    ("# type: ignore", "E711", None),
])
def test_strip_noqa_code(comment: str, code: str, expected) -> None:
    assert strip_noqa_code(comment, code) == expected
