"""Files on the command line (pre-commit, editors): the whole project is analysed,
only the named files' diagnostics are reported; and the pre-commit hook itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_example
from ormlint.cli import main

ROOT = Path(__file__).resolve().parents[1]

PROJECT = {
    "pyproject.toml": "[tool.ormlint]\n",
    "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
    "app/users.py": """
        from app import db
        class User(db.Model):
            __tablename__ = "users"
            id = db.Column(db.Integer, primary_key=True)
        """,
    # Line 4: a String FK to the Integer key in users.py (ORM103).
    "app/points.py": """
        from app import db
        class Points(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)
        """,
    # Line 4: a FK to a table nobody defines (ORM101).
    "app/orders.py": """
        from app import db
        class Order(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            product_id = db.Column(db.Integer, db.ForeignKey("products.id"), index=True)
        """,
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "project"
    write_example(root, PROJECT)
    monkeypatch.chdir(root)
    return root


def found(capsys, *args: str) -> tuple[int, set[tuple[str, int, str]]]:
    status = main(["--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return status, {(d["filename"], d["location"]["row"], d["code"]) for d in json.loads(out)}


def test_one_file_gets_its_cross_file_diagnostics(project: Path, capsys) -> None:
    assert found(capsys, "app/points.py") == (1, {("app/points.py", 4, "ORM103")})
    assert found(capsys, "./app/points.py") == (1, {("app/points.py", 4, "ORM103")})


def test_other_files_diagnostics_are_not_reported(project: Path, capsys) -> None:
    assert found(capsys, "app/users.py") == (0, set())
    assert found(capsys, "app/users.py", "app/orders.py") == (1, {("app/orders.py", 4, "ORM101")})


def test_all_reports_the_whole_project(project: Path, capsys) -> None:
    expected = {("app/points.py", 4, "ORM103"), ("app/orders.py", 4, "ORM101")}
    assert found(capsys, "--all", "app/users.py") == (1, expected)
    assert found(capsys, ".")[1] == expected


def test_from_a_subdirectory_and_absolute(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(project / "app")
    assert found(capsys, "points.py") == (1, {("points.py", 4, "ORM103")})
    assert found(capsys, "--all", "points.py") == (1, {("points.py", 4, "ORM103"), ("../app/orders.py", 4, "ORM101")})
    absolute = str(project / "app" / "points.py")
    assert found(capsys, absolute) == (1, {(absolute, 4, "ORM103")})


def test_project_found_by_git_without_configuration(tmp_path: Path, capsys, monkeypatch) -> None:
    files = {name: source for name, source in PROJECT.items() if name != "pyproject.toml"}
    write_example(tmp_path / "repo", files)
    (tmp_path / "repo" / ".git").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    assert found(capsys, "app/points.py") == (1, {("app/points.py", 4, "ORM103")})
    assert (tmp_path / "repo" / ".ormlint_cache").is_dir()


def test_file_outside_any_project_is_analysed_alone(tmp_path: Path, capsys, monkeypatch) -> None:
    files = {name: source for name, source in PROJECT.items() if name != "pyproject.toml"}
    write_example(tmp_path / "loose", files)
    monkeypatch.chdir(tmp_path / "loose" / "app")
    # No pyproject.toml, .git or .hg above: the file alone, as before (users.py unseen).
    assert found(capsys, "points.py") == (0, set())
    assert not list(tmp_path.rglob(".ormlint_cache"))  # and no cache for a lone file
    assert found(capsys, ".")[1] == {("points.py", 4, "ORM103"), ("orders.py", 4, "ORM101")}


def test_directories_keep_their_meaning(project: Path, capsys) -> None:
    # A directory among the PATHs: exactly what is under the PATHs, as before.
    status, diagnostics = found(capsys, "app/points.py", "app/orders.py", str(project / "app"))
    assert {code for _, _, code in diagnostics} == {"ORM103", "ORM101"}


def test_named_excluded_file_is_still_analysed(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text('[tool.ormlint]\nextend-exclude = ["app/points.py"]\n')
    assert found(capsys, "app/points.py") == (1, {("app/points.py", 4, "ORM103")})
    assert found(capsys, "app/users.py") == (0, set())


def test_warm_run_on_one_file_parses_nothing(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ORMLINT_DEBUG_STATS", "1")
    assert main(["-q", "app/points.py"]) == 1
    assert "files=4 parsed=4" in capsys.readouterr().err
    assert main(["-q", "app/users.py"]) == 0
    assert "files=4 parsed=0 cache_hits=4" in capsys.readouterr().err


# --- the hook, with a real `pre-commit run` --------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def test_hook_manifest() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    for line in ("- id: ormlint", "entry: ormlint", "language: python", "types: [python]", "require_serial: true"):
        assert line in text


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_run_reports_only_the_given_files(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    # The hook repository: this working tree's package, committed in a throwaway repository.
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, hooks / name)
    shutil.copytree(ROOT / "src", hooks / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    _git(hooks, "init", "-q")
    _git(hooks, "add", ".")
    _git(hooks, "commit", "-q", "-m", "hooks")
    rev = _git(hooks, "rev-parse", "HEAD")
    # The repository pre-commit runs in.
    repo = tmp_path / "repo"
    write_example(repo, PROJECT)
    (repo / ".pre-commit-config.yaml").write_text(f"repos:\n- repo: {hooks}\n  rev: {rev}\n  hooks:\n  - id: ormlint\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("PYTHONPATH", None)

    def pre_commit(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--files", *files], cwd=repo, env=env,
            capture_output=True, text=True, timeout=600,
        )

    referencing = pre_commit("app/points.py")
    assert referencing.returncode == 1, referencing.stdout + referencing.stderr
    assert "app/points.py:4:5: ORM103 " in referencing.stdout
    assert "ORM101" not in referencing.stdout
    target = pre_commit("app/users.py")
    assert target.returncode == 0, target.stdout + target.stderr
    assert "ORM103" not in target.stdout and "Passed" in target.stdout
    both = pre_commit("app/users.py", "app/orders.py")
    assert both.returncode == 1 and "app/orders.py:4:" in both.stdout and "ORM103" not in both.stdout
    # The cache directory never shows up in git.
    assert (repo / ".ormlint_cache").is_dir()
    assert ".ormlint_cache" not in _git(repo, "status", "--porcelain", "--untracked-files=all")
