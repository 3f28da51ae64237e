"""A run over an unchanged project takes its diagnostics from the cache and
imports only what that needs: not the rules, the index, extraction, the fixers
or libcst. Checked in a fresh process, for the text and the JSON output (whose
fixes' edits are kept in the cache too)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import ormlint

MODELS = """\
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    team_id = Column(String, ForeignKey("teams.id"))
    deleted_at = Column(DateTime)

stmt = select(User).where(User.deleted_at == None)
"""

HEAVY = (
    "ormlint.rules", "ormlint.index", "ormlint.extract", "ormlint.filefacts", "ormlint.migrations", "ormlint.fixes",
    "ormlint.parsing", "ormlint.docs", "libcst",
)

SCRIPT = f"""\
import sys
from ormlint.cli import main
status = main(sys.argv[1:])
sys.stdout.flush()
heavy = sorted(name for name in sys.modules if name.startswith({HEAVY!r}))
sys.stderr.write(f"HEAVY {{status}} {{heavy}}\\n")
"""


def _run(project: Path, *args: str) -> tuple[str, str]:
    # This checkout's ormlint, wherever the tests run from.
    env = {**os.environ, "PYTHONPATH": str(Path(ormlint.__file__).resolve().parents[1])}
    command = [sys.executable, "-c", SCRIPT, "--cache-dir", str(project / "cache"), *args, str(project / "app")]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    heavy = [line for line in done.stderr.splitlines() if line.startswith("HEAVY ")]
    assert len(heavy) == 1, done.stderr
    return done.stdout, heavy[0]


def _project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/models.py").write_text(MODELS)
    return tmp_path


def test_a_cached_text_run_imports_no_analysis(tmp_path: Path) -> None:
    project = _project(tmp_path)
    first, imported = _run(project)
    assert "ORM101" in first and "ORM401" in first
    assert "'ormlint.index'" in imported  # analysed
    second, imported = _run(project)
    assert second == first
    assert imported == "HEAVY 1 []"


def test_a_cached_json_run_keeps_the_fixes(tmp_path: Path) -> None:
    project = _project(tmp_path)
    first, imported = _run(project, "--format", "json")
    fixed = [d for d in json.loads(first) if d["fix"] is not None]
    assert [d["code"] for d in fixed] == ["ORM401"] and fixed[0]["fix"]["edits"]
    assert "'ormlint.fixes'" in imported
    second, imported = _run(project, "--format", "json")
    assert second == first
    assert imported == "HEAVY 1 []"
    # A text run of the same invocation reads the same results (it shows no
    # fixes); a JSON run after it still has them.
    _run(project)
    third, _ = _run(project, "--format", "json")
    assert third == first


def test_fixes_follow_an_edited_file(tmp_path: Path) -> None:
    project = _project(tmp_path)
    first, _ = _run(project, "--format", "json")
    models = project / "app/models.py"
    models.write_text("# a comment that moves every line down\n" + MODELS)
    edited, imported = _run(project, "--format", "json")
    assert "'ormlint.fixes'" in imported
    (before,) = [d for d in json.loads(first) if d["fix"]]
    (after,) = [d for d in json.loads(edited) if d["fix"]]
    assert after["fix"]["edits"][0]["location"]["row"] == before["fix"]["edits"][0]["location"]["row"] + 1
