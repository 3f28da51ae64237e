"""ormlint reads code, it never runs it: not by importing the analysed package,
not through the flake8 plugin, not in `--jobs` worker processes.

The project below would, if any of its files were imported or run, write a
file, start a thread that writes another, and end the interpreter (sys.exit,
os._exit). After ormlint has analysed it, none of that happened and the
diagnostics came out.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ormlint import parallel
from ormlint.cli import main
from tests.helpers import write_example


def _hostile(markers: Path, name: str, ending: str) -> str:
    """Top-level code that leaves a trace of having run, then ends the process."""
    return textwrap.dedent(f"""
        import os, sys, threading
        open({str(markers / (name + '-ran'))!r}, "w").write("imported")

        def _later():
            open({str(markers / (name + '-thread'))!r}, "w").write("thread")

        threading.Thread(target=_later).start()
        {ending}
        """)


def _project(root: Path, markers: Path) -> Path:
    files = {
        "pyproject.toml": "[tool.ormlint]\n",
        "app/__init__.py": _hostile(markers, "package", "sys.exit(3)") + "\nfrom flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
        "app/users.py": _hostile(markers, "users", "os._exit(4)") + textwrap.dedent("""
        from app import db

        class User(db.Model):
            __tablename__ = "users"
            id = db.Column(db.Integer, primary_key=True)
        """),
        "app/points.py": _hostile(markers, "points", "raise SystemExit(5)") + textwrap.dedent("""
        from app import db

        class Points(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)
        """),
        # Files that tools sometimes run: a conftest, a setup.py, a __main__, an Alembic env.
        "conftest.py": _hostile(markers, "conftest", "os._exit(6)"),
        "setup.py": _hostile(markers, "setup", "sys.exit(7)"),
        "app/__main__.py": _hostile(markers, "main", "os._exit(8)"),
        "migrations/env.py": _hostile(markers, "env", "os._exit(9)"),
    }
    project = root / "project"
    write_example(project, files)
    return project


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    markers = tmp_path / "markers"
    markers.mkdir()
    return _project(tmp_path, markers), markers


def _nothing_happened(markers: Path) -> None:
    assert sorted(p.name for p in markers.iterdir()) == []


def test_the_project_really_is_hostile(setup: tuple[Path, Path]) -> None:
    """Importing it does run the code (so the tests below prove something)."""
    project, markers = setup
    result = subprocess.run([sys.executable, "-c", "import app.users"], cwd=project, capture_output=True, timeout=60)
    assert result.returncode == 3  # the package's sys.exit
    assert (markers / "package-ran").exists()


def test_cli_never_executes_the_code(setup: tuple[Path, Path], tmp_path: Path) -> None:
    project, markers = setup
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    for args in (["--no-cache"], [], ["--jobs", "1", "--no-cache"], ["--format", "json", "--select", "ORM"]):
        result = subprocess.run(
            [sys.executable, "-m", "ormlint", *args, str(project)], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
        )
        assert result.returncode == 1, result.stderr
        assert "ORM103" in result.stdout and "points.py" in result.stdout
        assert result.stderr == ""
    result = subprocess.run(
        [sys.executable, "-m", "ormlint", "schema", str(project)], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0 and '"users"' in result.stdout
    _nothing_happened(markers)


def test_worker_processes_never_execute_the_code(
    setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project, markers = setup
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "_BATCH_BYTES", 100)
    assert main(["--no-cache", "--jobs", "2", str(project)]) == 1
    assert "ORM103" in capsys.readouterr().out
    _nothing_happened(markers)


def test_flake8_plugin_never_executes_the_code(setup: tuple[Path, Path]) -> None:
    pytest.importorskip("flake8")
    project, markers = setup
    for target in (".", "app/points.py"):
        result = subprocess.run(
            [sys.executable, "-m", "flake8", "--isolated", "--select", "ORM", target],
            cwd=project, capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 1, result.stderr
        assert "ORM103" in result.stdout
    _nothing_happened(markers)
