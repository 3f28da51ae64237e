"""The `ormlint` command: exit codes, output formats, rule selection, `schema`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_example
from ormlint import __version__
from ormlint.cli import main

INIT = """
from flask_sqlalchemy import SQLAlchemy
db = SQLAlchemy()
"""

# Line 7: a String FK to an Integer key (ORM103).
MODELS = """
from app import db
class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
class Points(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)
"""

# Line 7: a FK to a table nobody defines (ORM101).
UNKNOWN_TABLE = """
from app import db
class Order(db.Model):
    __tablename__ = "orders"
    id = db.Column(db.Integer, primary_key=True)
class Line(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id"), index=True)
"""

CLEAN = """
from app import db
class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
class Points(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
"""

CONTRACT_KEYS = {"code", "severity", "message", "hint", "filename", "location", "end_location", "fix", "url"}


def make_project(root: Path, **files: str) -> Path:
    """`app/` with `__init__.py` and the given modules (`models=MODELS`)."""
    example = {"app/__init__.py": INIT}
    example.update({f"app/{name}.py": source for name, source in files.items()})
    write_example(root, example)
    return root


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def json_diagnostics(capsys, *args: str) -> tuple[int, list[dict]]:
    status, out, err = run_cli(capsys, "--format", "json", *args)
    return status, json.loads(out)


def codes(diagnostics: list[dict]) -> list[str]:
    return sorted(d["code"] for d in diagnostics)


# --- exit codes ---------------------------------------------------------------


def test_clean_project_exits_0(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=CLEAN)
    status, out, err = run_cli(capsys, str(tmp_path))
    assert status == 0
    assert out == "" and err == ""


def test_diagnostics_exit_1(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=MODELS)
    status, out, err = run_cli(capsys, str(tmp_path))
    assert status == 1
    assert "ORM103" in out
    assert err == ""


def test_exit_zero_gives_0_with_diagnostics(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=MODELS)
    status, out, _ = run_cli(capsys, "--exit-zero", str(tmp_path))
    assert status == 0
    assert "ORM103" in out


def test_missing_path_exits_2_with_one_line(tmp_path: Path, capsys) -> None:
    status, out, err = run_cli(capsys, str(tmp_path / "nope"))
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "nope" in err and "does not exist" in err


def test_missing_path_among_good_ones_exits_2(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=MODELS)
    status, out, err = run_cli(capsys, str(tmp_path), str(tmp_path / "nope"))
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("selector", ["ORM999", "XYZ", "no-such-rule", "ORM1000"])
def test_unknown_select_exits_2(tmp_path: Path, capsys, selector: str) -> None:
    make_project(tmp_path, models=MODELS)
    status, out, err = run_cli(capsys, "--select", selector, str(tmp_path))
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert selector in err


@pytest.mark.parametrize("option", ["--ignore", "--extend-select"])
def test_unknown_ignore_or_extend_select_exits_2(tmp_path: Path, capsys, option: str) -> None:
    make_project(tmp_path, models=MODELS)
    status, _, err = run_cli(capsys, option, "ORM999", str(tmp_path))
    assert status == 2
    assert len(err.splitlines()) == 1 and "ORM999" in err


def test_unknown_option_and_format_exit_2(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=MODELS)
    status, _, err = run_cli(capsys, "--no-such-option", str(tmp_path))
    assert status == 2 and len(err.splitlines()) == 1
    status, _, err = run_cli(capsys, "--format", "xml", str(tmp_path))
    assert status == 2 and len(err.splitlines()) == 1 and "xml" in err


def test_version_returns_0(capsys) -> None:
    status, out, err = run_cli(capsys, "--version")
    assert status == 0
    assert out.strip() == f"ormlint {__version__}"


def test_help_returns_0(capsys) -> None:
    status, out, _ = run_cli(capsys, "--help")
    assert status == 0
    assert "--select" in out and "--exit-zero" in out


def test_config_option_pointing_nowhere_exits_2(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=MODELS)
    status, _, err = run_cli(capsys, "--config", str(tmp_path / "missing.toml"), str(tmp_path))
    assert status == 2 and len(err.splitlines()) == 1 and "missing.toml" in err


def test_config_option_is_read(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=MODELS)
    config = tmp_path / "elsewhere.toml"
    config.write_text('[tool.ormlint]\nignore = ["ORM103"]\n')
    status, out, _ = run_cli(capsys, "--config", str(config), str(tmp_path))
    assert status == 0 and out == ""


# --- JSON output ----------------------------------------------------------------


def test_json_matches_contract(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=MODELS)
    status, diagnostics = json_diagnostics(capsys, str(tmp_path))
    assert status == 1
    assert isinstance(diagnostics, list) and len(diagnostics) == 1
    (diagnostic,) = diagnostics
    assert set(diagnostic) == CONTRACT_KEYS
    assert diagnostic["code"] == "ORM103"
    assert diagnostic["severity"] == "error"
    assert "Points.user_id" in diagnostic["message"] and "String" in diagnostic["message"]
    assert isinstance(diagnostic["hint"], str) and diagnostic["hint"]
    assert diagnostic["fix"] is None
    assert diagnostic["url"].startswith("https://") and "ORM103" in diagnostic["url"]
    # 1-based row and column: `    user_id = ...` on line 7 starts at column 5.
    assert diagnostic["location"] == {"row": 7, "column": 5}
    assert set(diagnostic["end_location"]) == {"row", "column"}
    assert diagnostic["end_location"]["row"] == 7
    assert diagnostic["end_location"]["column"] > diagnostic["location"]["column"]


def test_json_empty_array_when_clean(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=CLEAN)
    status, diagnostics = json_diagnostics(capsys, str(tmp_path))
    assert status == 0 and diagnostics == []


def test_json_filename_relative_for_relative_path(tmp_path: Path, capsys, monkeypatch) -> None:
    make_project(tmp_path, models=MODELS)
    monkeypatch.chdir(tmp_path)
    _, diagnostics = json_diagnostics(capsys, "app")
    assert [d["filename"] for d in diagnostics] == [os.path.join("app", "models.py")]
    _, diagnostics = json_diagnostics(capsys, ".")
    assert [d["filename"] for d in diagnostics] == [os.path.join("app", "models.py")]
    _, diagnostics = json_diagnostics(capsys, "app/models.py", "app/__init__.py")
    assert [d["filename"] for d in diagnostics] == ["app/models.py"]


def test_json_filename_absolute_for_absolute_path(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=MODELS)
    _, diagnostics = json_diagnostics(capsys, str(tmp_path))
    assert [d["filename"] for d in diagnostics] == [str(tmp_path / "app" / "models.py")]


def test_json_columns_count_characters_not_bytes(tmp_path: Path, capsys) -> None:
    source = MODELS.replace(
        '    user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)',
        '    """ éé """; user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)',
    )
    make_project(tmp_path, models=source)
    _, diagnostics = json_diagnostics(capsys, str(tmp_path))
    (diagnostic,) = diagnostics
    line = source.lstrip("\n").splitlines()[6]
    assert diagnostic["location"] == {"row": 7, "column": line.index("user_id") + 1}
    assert diagnostic["end_location"]["column"] == len(line) + 1


# --- text output ----------------------------------------------------------------


def test_text_format(tmp_path: Path, capsys, monkeypatch) -> None:
    make_project(tmp_path, models=MODELS)
    monkeypatch.chdir(tmp_path)
    status, out, _ = run_cli(capsys, "app")
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{os.path.join('app', 'models.py')}:7:5: ORM103 ")
    assert "Points.user_id" in lines[0]
    assert lines[1].startswith("    ") and lines[1].strip()
    assert lines[-1].startswith("Found 1 problem")


def test_quiet_drops_hint_and_summary(tmp_path: Path, capsys, monkeypatch) -> None:
    make_project(tmp_path, models=MODELS)
    monkeypatch.chdir(tmp_path)
    for flag in ("--quiet", "-q"):
        status, out, _ = run_cli(capsys, flag, "app")
        assert status == 1
        lines = out.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(f"{os.path.join('app', 'models.py')}:7:5: ORM103 ")


def test_default_path_is_current_directory(tmp_path: Path, capsys, monkeypatch) -> None:
    make_project(tmp_path, models=MODELS)
    monkeypatch.chdir(tmp_path)
    status, out, _ = run_cli(capsys, "-q")
    assert status == 1
    assert out.startswith(f"{os.path.join('app', 'models.py')}:7:5: ORM103")


# --- selection on the command line ------------------------------------------------


@pytest.fixture
def two_problems(tmp_path: Path) -> Path:
    """ORM103 in models.py, ORM101 in orders.py."""
    return make_project(tmp_path, models=MODELS, orders=UNKNOWN_TABLE)


def test_defaults_report_both(two_problems: Path, capsys) -> None:
    _, diagnostics = json_diagnostics(capsys, str(two_problems))
    assert codes(diagnostics) == ["ORM101", "ORM103"]


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--select", "ORM1"], ["ORM101", "ORM103"]),
        (["--select", "ORM103"], ["ORM103"]),
        (["--select", "orm103"], ["ORM103"]),
        (["--select", "fk-type-mismatch"], ["ORM103"]),
        (["--select", "fk-unknown-table"], ["ORM101"]),
        (["--select", "ORM101,ORM103"], ["ORM101", "ORM103"]),
        (["--select", "ORM101", "--select", "ORM103"], ["ORM101", "ORM103"]),
        (["--select", "ORM10", "--ignore", "ORM101"], ["ORM103"]),
        (["--ignore", "ORM103"], ["ORM101"]),
        (["--ignore", "fk-type-mismatch"], ["ORM101"]),
        (["--ignore", "ORM1"], []),
        (["--select", "ORM001"], []),
        (["--select", "ORM103", "--extend-select", "ORM101"], ["ORM101", "ORM103"]),
        (["--extend-select", "ORM103"], ["ORM101", "ORM103"]),
    ],
)
def test_selection(two_problems: Path, capsys, args: list[str], expected: list[str]) -> None:
    _, diagnostics = json_diagnostics(capsys, *args, str(two_problems))
    assert codes(diagnostics) == expected


def test_command_line_select_overrides_config_select(two_problems: Path, capsys) -> None:
    (two_problems / "pyproject.toml").write_text('[tool.ormlint]\nselect = ["ORM101"]\n')
    _, diagnostics = json_diagnostics(capsys, str(two_problems))
    assert codes(diagnostics) == ["ORM101"]
    _, diagnostics = json_diagnostics(capsys, "--select", "ORM103", str(two_problems))
    assert codes(diagnostics) == ["ORM103"]


def test_command_line_ignore_adds_to_config_ignore(two_problems: Path, capsys) -> None:
    (two_problems / "pyproject.toml").write_text('[tool.ormlint]\nignore = ["ORM101"]\n')
    _, diagnostics = json_diagnostics(capsys, str(two_problems))
    assert codes(diagnostics) == ["ORM103"]
    _, diagnostics = json_diagnostics(capsys, "--ignore", "ORM103", str(two_problems))
    assert codes(diagnostics) == []


# --- ormlint schema ------------------------------------------------------------------


def test_schema_json(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=MODELS)
    status, out, err = run_cli(capsys, "schema", str(tmp_path), "--format", "json")
    assert status == 0 and err == ""
    schema = json.loads(out)
    tables = {table["name"]: table for table in schema["tables"]}
    assert set(tables) == {"users", "points"}
    users = {column["name"]: column for column in tables["users"]["columns"]}
    points = {column["name"]: column for column in tables["points"]["columns"]}
    assert users["id"]["type"] == "Integer" and users["id"]["primary_key"] is True
    assert points["user_id"]["type"] == "String(100)"
    assert points["user_id"]["foreign_keys"] == ["users.id"]
    assert tables["points"]["class"].endswith("Points")


def test_schema_mermaid(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=MODELS)
    status, out, _ = run_cli(capsys, "schema", str(tmp_path), "--format", "mermaid")
    assert status == 0
    assert out.startswith("erDiagram")
    assert "users {" in out and "points {" in out
    assert 'users ||--o{ points : "user_id"' in out


def test_schema_missing_path_exits_2(tmp_path: Path, capsys) -> None:
    status, out, err = run_cli(capsys, "schema", str(tmp_path / "nope"))
    assert status == 2 and out == "" and len(err.splitlines()) == 1


# --- as a process ------------------------------------------------------------------


def _python_m(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ormlint", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
    )


def test_python_m_version(tmp_path: Path) -> None:
    result = _python_m("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"ormlint {__version__}"
    assert result.stderr == ""


def test_python_m_json_relative_and_exit_codes(tmp_path: Path) -> None:
    make_project(tmp_path, models=MODELS)
    result = _python_m("--format", "json", "app", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    (diagnostic,) = json.loads(result.stdout)
    assert diagnostic["filename"] == os.path.join("app", "models.py")
    assert diagnostic["location"] == {"row": 7, "column": 5}
    missing = _python_m("does-not-exist", cwd=tmp_path)
    assert missing.returncode == 2
    assert len(missing.stderr.splitlines()) == 1 and "Traceback" not in missing.stderr


def test_python_m_closed_pipe_gives_no_traceback(tmp_path: Path) -> None:
    make_project(tmp_path, **{f"m{i}": MODELS.replace('"users"', f'"users{i}"').replace("users.id", f"users{i}.id") for i in range(300)})
    process = subprocess.Popen(
        [sys.executable, "-m", "ormlint", "app"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # like `ormlint app | head -1`
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr


@pytest.mark.parametrize("encoding", ["ascii", "utf-8:strict", "latin-1"])
def test_python_m_output_encoding_cannot_crash(tmp_path: Path, encoding: str) -> None:
    source = MODELS.replace("user_id = db.Column", "ü_id = db.Column").replace("class Points", "class Pünkte")
    make_project(tmp_path, modèles=source)
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    result = subprocess.run(
        [sys.executable, "-m", "ormlint", "-q", "app"], cwd=tmp_path, capture_output=True, env=env, timeout=60,
    )
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, stderr
    assert stderr == ""
    line = result.stdout.decode("latin-1")
    assert ":7:5: ORM103 " in line
    assert "_id" in line
