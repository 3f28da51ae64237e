"""--write-baseline / --baseline: adopt ormlint on a legacy repository, report only new problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import write_example
from ormlint.cli import main

PROJECT = {
    "pyproject.toml": "[tool.ormlint]\n",
    "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
    "app/users.py": """
        from app import db
        class User(db.Model):
            __tablename__ = "users"
            id = db.Column(db.Integer, primary_key=True)
        """,
    "app/points.py": """
        from app import db
        class Points(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)
            product_id = db.Column(db.Integer, db.ForeignKey("products.id"), index=True)
        """,
}

BAD_USER_ID = '    user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "project"
    write_example(root, PROJECT)
    monkeypatch.chdir(root)
    return root


def check(capsys, *args: str) -> tuple[int, list[tuple[str, int, str]], str]:
    status = main(["--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return status, sorted((d["filename"], d["location"]["row"], d["code"]) for d in json.loads(out)) if out else [], err


def write_baseline(capsys, *args: str) -> None:
    assert main(["--write-baseline", ".ormlint-baseline.json", *args]) == 0
    assert "recorded" in capsys.readouterr().err


def test_baseline_silences_todays_diagnostics(project: Path, capsys) -> None:
    status, before, _ = check(capsys, ".")
    assert status == 1 and [code for _, _, code in before] == ["ORM103", "ORM101"]
    write_baseline(capsys, ".")
    document = json.loads((project / ".ormlint-baseline.json").read_text())
    assert document["ormlint_baseline"] == 1
    assert {(e["code"], e["file"], e["occurrence"]) for e in document["diagnostics"]} == {("ORM103", "app/points.py", 0), ("ORM101", "app/points.py", 0)}
    assert all("row" not in e and "line" not in e for e in document["diagnostics"])
    assert check(capsys, "--baseline", ".ormlint-baseline.json", ".")[:2] == (0, [])


def test_moving_code_does_not_resurrect_baselined_diagnostics(project: Path, capsys) -> None:
    write_baseline(capsys, ".")
    points = project / "app/points.py"
    original = points.read_text()
    # Down: lines above; re-indented and with trailing spaces too.
    points.write_text("# a comment\n\n\nimport os\n" + original.replace(BAD_USER_ID, BAD_USER_ID.rstrip("\n") + "   \n"))
    assert check(capsys, "--baseline", ".ormlint-baseline.json", ".")[:2] == (0, [])
    # Up: the columns moved around inside the class.
    lines = original.splitlines(keepends=True)
    points.write_text("".join([lines[0], lines[1], lines[4], lines[3], lines[2]]))
    status, found, _ = check(capsys, "--baseline", ".ormlint-baseline.json", ".")
    assert (status, found) == (0, [])


def test_new_diagnostics_are_reported(project: Path, capsys) -> None:
    write_baseline(capsys, ".")
    points = project / "app/points.py"
    points.write_text(points.read_text() + '    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), index=True)\n')
    status, found, _ = check(capsys, "--baseline", ".ormlint-baseline.json", ".")
    assert (status, found) == (1, [("app/points.py", 6, "ORM101")])


def test_a_second_copy_of_a_baselined_line_is_new(project: Path, capsys) -> None:
    write_baseline(capsys, ".")
    points = project / "app/points.py"
    # The same line text in another class: same code, file and line hash, occurrence 1.
    points.write_text(points.read_text() + "class More(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n" + BAD_USER_ID)
    status, found, _ = check(capsys, "--baseline", ".ormlint-baseline.json", ".")
    assert status == 1 and found == [("app/points.py", 8, "ORM103")]


def test_the_same_line_in_another_file_is_new(project: Path, capsys) -> None:
    write_baseline(capsys, ".")
    (project / "app/more.py").write_text("from app import db\nclass More(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n" + BAD_USER_ID)
    status, found, _ = check(capsys, "--baseline", ".ormlint-baseline.json", ".")
    assert (status, found) == (1, [("app/more.py", 4, "ORM103")])


def test_fixed_diagnostics_leave_nothing_behind(project: Path, capsys) -> None:
    write_baseline(capsys, ".")
    points = project / "app/points.py"
    points.write_text(points.read_text().replace("db.String(100), db.ForeignKey", "db.Integer, db.ForeignKey"))
    assert check(capsys, "--baseline", ".ormlint-baseline.json", ".")[:2] == (0, [])


def test_paths_are_relative_to_the_baseline_file(project: Path, capsys, monkeypatch) -> None:
    write_baseline(capsys, ".")
    baseline = str(project / ".ormlint-baseline.json")
    monkeypatch.chdir(project / "app")
    assert check(capsys, "--baseline", baseline, str(project))[:2] == (0, [])
    assert check(capsys, "--baseline", baseline, "points.py")[:2] == (0, [])
    monkeypatch.chdir(project.parent)
    assert check(capsys, "--baseline", baseline, "project")[:2] == (0, [])


def test_baseline_with_text_output_and_statistics(project: Path, capsys) -> None:
    write_baseline(capsys, ".")
    assert main(["--baseline", ".ormlint-baseline.json", "."]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--baseline", ".ormlint-baseline.json", "--statistics", "."]) == 0


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ('{"diagnostics": []}', "not an ormlint baseline"),
        ('{"ormlint_baseline": 1, "diagnostics": [{"code": "ORM103"}]}', "malformed entry"),
    ],
)
def test_bad_baseline_exits_2(project: Path, capsys, content: str, message: str) -> None:
    (project / "b.json").write_text(content)
    assert main(["--baseline", "b.json", "."]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1


def test_missing_baseline_and_bad_combinations_exit_2(project: Path, capsys) -> None:
    assert main(["--baseline", "nowhere.json", "."]) == 2
    assert "cannot read baseline" in capsys.readouterr().err
    assert main(["--baseline", "a.json", "--write-baseline", "b.json", "."]) == 2
    assert "cannot be combined" in capsys.readouterr().err
    assert main(["--write-baseline", "no/such/dir/b.json", "."]) == 2
    assert "does not exist" in capsys.readouterr().err
