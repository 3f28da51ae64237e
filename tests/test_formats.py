"""Output formats and front-door options: `--format sarif|github`, `--statistics`,
`--output-file`, `--explain`, and colour in the text format."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from helpers import write_example
from ormlint import __version__
from ormlint.cli import main
from ormlint.diagnostics import DOCS_URL, Diagnostic, Position, Severity
from ormlint.docs import render_rule
from ormlint.report import github_line, sarif_log, use_colour, write_statistics, write_text
from ormlint.rules import ALL_RULES, RULES_BY_CODE

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

INIT = """
from flask_sqlalchemy import SQLAlchemy
db = SQLAlchemy()
"""

# Every FK column is indexed, so only the three rules selected below can fire:
# line 7 ORM103 (error), line 8 ORM104 (warning), line 9 ORM101 (error, at the ForeignKey).
MODELS = """
from app import db
class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
class Points(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)
    owner_id = db.Column(db.BigInteger, db.ForeignKey("users.id"), index=True)
    other_id = db.Column(db.Integer, db.ForeignKey("items.id"), index=True)
"""

CLEAN = """
from app import db
class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
"""

SELECT = ("--select", "ORM101,ORM103,ORM104")


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """The fixture project, with the working directory at its root (paths given as `app`)."""
    write_example(tmp_path, {"app/__init__.py": INIT, "app/models.py": MODELS})
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def clean_project(tmp_path: Path, monkeypatch) -> Path:
    write_example(tmp_path, {"app/__init__.py": INIT, "app/models.py": CLEAN})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def contract(capsys, *args: str) -> list[dict]:
    """The diagnostics as the JSON output contract gives them, for comparison."""
    status, out, _ = run_cli(capsys, "--format", "json", *args)
    assert status in (0, 1)
    return json.loads(out)


def diagnostic(
    code: str = "ORM103",
    severity: Severity = Severity.ERROR,
    message: str = "message",
    hint: str | None = "hint",
    filename: str = "app/models.py",
) -> Diagnostic:
    return Diagnostic(code, severity, message, hint, filename, Position(3, 5), Position(3, 20))


def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


# --- SARIF ---------------------------------------------------------------------------


def test_sarif_schema_is_the_official_one() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert {"run", "result", "reportingDescriptor", "physicalLocation", "region"} <= set(schema["definitions"])


def test_sarif_shape(project: Path, capsys) -> None:
    expected = contract(capsys, *SELECT, "app")
    status, out, err = run_cli(capsys, "--format", "sarif", *SELECT, "app")
    assert status == 1 and err == ""
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "ormlint"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "unicodeCodePoints"

    # Every rule, selected or not, in code order, described from its docs.
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in ALL_RULES]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor, rule in zip(driver["rules"], ALL_RULES):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"] == {"text": rule.summary}
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"] == {"text": render_rule(rule), "markdown": render_rule(rule)}
        assert descriptor["helpUri"] == DOCS_URL.format(code=rule.code)
        assert descriptor["defaultConfiguration"] == {"level": levels[rule.severity.value]}

    results = run["results"]
    assert [r["ruleId"] for r in results] == [d["code"] for d in expected] == ["ORM103", "ORM104", "ORM101"]
    for result, want in zip(results, expected):
        assert set(result) == {"ruleId", "ruleIndex", "level", "message", "locations"}
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == levels[want["severity"]]
        assert result["message"] == {"text": f"{want['message']} {want['hint']}"}
        assert result["locations"] == [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "app/models.py"},
                    "region": {
                        "startLine": want["location"]["row"],
                        "startColumn": want["location"]["column"],
                        "endLine": want["end_location"]["row"],
                        "endColumn": want["end_location"]["column"],
                    },
                }
            }
        ]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [7, 8, 9]
    assert [r["level"] for r in results] == ["error", "warning", "error"]


def test_sarif_validates_against_the_schema(project: Path, capsys) -> None:
    validator = sarif_validator()
    _, out, _ = run_cli(capsys, "--format", "sarif", *SELECT, "app")
    validator.validate(json.loads(out))


def test_sarif_of_a_clean_project_validates_and_has_no_results(clean_project: Path, capsys) -> None:
    status, out, _ = run_cli(capsys, "--format", "sarif", "app")
    assert status == 0
    log = json.loads(out)
    sarif_validator().validate(log)
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(ALL_RULES)


def test_sarif_of_the_demo_validates(capsys, monkeypatch) -> None:
    """Every rule fires once in the demo, including ORM001's empty region."""
    monkeypatch.chdir(ROOT)
    status, out, _ = run_cli(capsys, "--format", "sarif", "fixtures/demo")
    assert status == 1
    log = json.loads(out)
    sarif_validator().validate(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"ORM001", "ORM103"}
    assert all(not r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("/") for r in results)


def test_sarif_validation_is_not_vacuous() -> None:
    """The schema does reject a malformed log, so passing it means something."""
    validator = sarif_validator()
    log = sarif_log([diagnostic()])
    validator.validate(log)
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)


def test_sarif_levels_message_and_uris() -> None:
    validator = sarif_validator()
    diagnostics = [
        diagnostic(severity=Severity.ERROR),
        diagnostic(code="ORM104", severity=Severity.WARNING, hint=None),
        diagnostic(code="ORM115", severity=Severity.INFO, filename="my app/modèles.py"),
        Diagnostic("ORM001", Severity.ERROR, "cannot parse", None, "/abs/dir/x.py", Position(0, 0), Position(0, 0)),
    ]
    log = sarif_log(diagnostics)
    validator.validate(log)
    results = log["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note", "error"]
    assert results[0]["message"]["text"] == "message hint"
    assert results[1]["message"]["text"] == "message"
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris[:2] == ["app/models.py", "app/models.py"]
    assert uris[2] == "my%20app/mod%C3%A8les.py"
    if os.name == "posix":
        assert uris[3] == "file:///abs/dir/x.py"
    # Positions are clamped into SARIF's 1-based ranges.
    assert results[3]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1,
    }


# --- GitHub workflow commands ----------------------------------------------------------


def test_github_shape(project: Path, capsys) -> None:
    expected = contract(capsys, *SELECT, "app")
    status, out, err = run_cli(capsys, "--format", "github", *SELECT, "app")
    assert status == 1 and err == ""
    lines = out.splitlines()
    assert len(lines) == len(expected) == 3
    for line, want in zip(lines, expected):
        command = {"error": "error", "warning": "warning", "info": "notice"}[want["severity"]]
        assert line == (
            f"::{command} file=app/models.py,line={want['location']['row']},col={want['location']['column']},"
            f"endLine={want['end_location']['row']},endColumn={want['end_location']['column']},"
            f"title={want['code']}::{want['message']} {want['hint']}"
        )
    assert lines[0].startswith("::error file=app/models.py,line=7,col=5,endLine=7,endColumn=")
    assert lines[1].startswith("::warning file=app/models.py,line=8,col=5,")
    assert lines[2].startswith("::error file=app/models.py,line=9,col=38,")


def test_github_clean_project_prints_nothing(clean_project: Path, capsys) -> None:
    status, out, err = run_cli(capsys, "--format", "github", "app")
    assert (status, out, err) == (0, "", "")


def test_github_severities() -> None:
    assert github_line(diagnostic(severity=Severity.ERROR)).startswith("::error ")
    assert github_line(diagnostic(severity=Severity.WARNING)).startswith("::warning ")
    assert github_line(diagnostic(severity=Severity.INFO)).startswith("::notice ")


def test_github_escaping() -> None:
    line = github_line(
        diagnostic(
            message="100% of `a:b`, c\r\nnext",
            hint="use x,y: 50%\nnow",
            filename="dir,with:colon/100%/a\nb.py",
        )
    )
    assert line == (
        "::error file=dir%2Cwith%3Acolon/100%25/a%0Ab.py,line=3,col=5,endLine=3,endColumn=20,title=ORM103"
        "::100%25 of `a:b`, c%0D%0Anext use x,y: 50%25%0Anow"
    )
    assert "\n" not in line and "\r" not in line


# --- statistics ----------------------------------------------------------------------


def test_statistics_ordering() -> None:
    diagnostics = (
        [diagnostic("ORM104", Severity.WARNING)] * 2
        + [diagnostic("ORM101")] * 2
        + [diagnostic("ORM103")] * 12
        + [diagnostic("ORM001")]
    )
    out = io.StringIO()
    write_statistics(diagnostics, out)
    assert out.getvalue() == (
        "  12  ORM103  fk-type-mismatch\n"
        "   2  ORM101  fk-unknown-table\n"
        "   2  ORM104  fk-size-mismatch\n"
        "   1  ORM001  parse-error\n"
        "Found 17 problems.\n"
    )


def test_statistics_on_the_command_line(project: Path, capsys) -> None:
    status, out, err = run_cli(capsys, "--statistics", *SELECT, "app")
    assert status == 1 and err == ""
    assert out == (
        "   1  ORM101  fk-unknown-table\n"
        "   1  ORM103  fk-type-mismatch\n"
        "   1  ORM104  fk-size-mismatch\n"
        "Found 3 problems.\n"
    )
    status, _, _ = run_cli(capsys, "--statistics", "--exit-zero", *SELECT, "app")
    assert status == 0


def test_statistics_of_a_clean_project(clean_project: Path, capsys) -> None:
    assert run_cli(capsys, "--statistics", "app") == (0, "", "")


def test_statistics_with_a_machine_format_is_a_usage_error(project: Path, capsys) -> None:
    status, out, err = run_cli(capsys, "--statistics", "--format", "json", "app")
    assert status == 2 and out == "" and len(err.splitlines()) == 1 and "--statistics" in err


# --- --output-file ---------------------------------------------------------------------


@pytest.mark.parametrize("format", ["text", "json", "sarif", "github"])
def test_output_file_holds_what_stdout_would(project: Path, capsys, format: str) -> None:
    status, stdout_report, _ = run_cli(capsys, "--format", format, *SELECT, "app")
    assert status == 1
    target = project / "report.out"
    status, out, err = run_cli(capsys, "--format", format, "--output-file", str(target), *SELECT, "app")
    assert (status, out, err) == (1, "", "")
    assert target.read_text(encoding="utf-8") == stdout_report
    assert sorted(p.name for p in project.iterdir()) == ["app", "report.out"]  # no temporary file left


def test_output_file_clean_project_exits_0(clean_project: Path, capsys) -> None:
    target = clean_project / "report.json"
    status, out, _ = run_cli(capsys, "--format", "json", "-o", str(target), "app")
    assert (status, out) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8")) == []


def test_output_file_replaces_an_existing_file(project: Path, capsys) -> None:
    target = project / "report.sarif"
    target.write_text("old and much longer content " * 1000, encoding="utf-8")
    if os.name == "posix":
        target.chmod(0o640)
    run_cli(capsys, "--format", "sarif", "--output-file", "report.sarif", *SELECT, "app")
    json.loads(target.read_text(encoding="utf-8"))
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o640


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_output_file_new_file_gets_the_usual_permissions(project: Path, capsys) -> None:
    umask = os.umask(0o022)
    try:
        run_cli(capsys, "-o", "report.txt", *SELECT, "app")
    finally:
        os.umask(umask)
    assert (project / "report.txt").stat().st_mode & 0o777 == 0o644


def test_output_file_failure_keeps_the_old_report(project: Path, capsys, monkeypatch) -> None:
    target = project / "report.json"
    target.write_text("previous\n", encoding="utf-8")

    def half_then_fail(diagnostics, out, **kwargs):
        out.write("[\n")
        raise RuntimeError("boom")

    monkeypatch.setattr("ormlint.cli.write_report", half_then_fail)
    status, _, err = run_cli(capsys, "--format", "json", "-o", str(target), *SELECT, "app")
    assert status == 2 and "boom" in err
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in project.iterdir()) == ["app", "report.json"]


@pytest.mark.parametrize("where", ["missing/report.json", "app"])
def test_output_file_that_cannot_be_written_exits_2(project: Path, capsys, where: str) -> None:
    status, out, err = run_cli(capsys, "--output-file", where, *SELECT, "app")
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and where.split("/")[0] in err


# --- --explain -----------------------------------------------------------------------


@pytest.mark.parametrize("token", ["ORM103", "orm103", "fk-type-mismatch"])
def test_explain(capsys, token: str) -> None:
    status, out, err = run_cli(capsys, "--explain", token)
    assert (status, err) == (0, "")
    assert out == render_rule(RULES_BY_CODE["ORM103"])
    assert out.startswith("# ORM103 `fk-type-mismatch`")


def test_explain_every_rule(capsys) -> None:
    for rule in ALL_RULES:
        assert run_cli(capsys, "--explain", rule.name) == (0, render_rule(rule), "")


@pytest.mark.parametrize("token", ["ORM999", "ORM1", "no-such-rule"])
def test_explain_unknown_rule_exits_2(capsys, token: str) -> None:
    status, out, err = run_cli(capsys, "--explain", token)
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and token in err


def test_explain_ignores_paths_and_needs_no_project(tmp_path: Path, capsys) -> None:
    status, out, _ = run_cli(capsys, "--explain", "ORM101", str(tmp_path / "does-not-exist"))
    assert status == 0 and out.startswith("# ORM101 ")


def test_help_lists_the_new_options(capsys) -> None:
    status, out, _ = run_cli(capsys, "--help")
    assert status == 0
    for option in ("sarif", "github", "--statistics", "--output-file", "--explain"):
        assert option in out


# --- colour ------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_use_colour_only_on_a_terminal(monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert use_colour(_Terminal()) is True
    assert use_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(_Terminal()) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert use_colour(_Terminal()) is False


def test_text_colour_marks_the_code_by_severity() -> None:
    out = io.StringIO()
    write_text([diagnostic(severity=Severity.ERROR), diagnostic("ORM104", Severity.WARNING)], out, colour=True)
    lines = out.getvalue().splitlines()
    assert lines[0] == "app/models.py:3:5: \033[1;31mORM103\033[0m message"
    assert lines[2] == "app/models.py:3:5: \033[1;33mORM104\033[0m message"
    plain = io.StringIO()
    write_text([diagnostic()], plain)
    assert "\033" not in plain.getvalue()


def _ormlint(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ormlint", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=60,
    )


def test_no_colour_when_piped(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm-256color"
    result = _ormlint(*SELECT, "app", cwd=project, env=env)
    assert result.returncode == 1
    assert "ORM103" in result.stdout and "\033" not in result.stdout


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_but_never_in_the_output_file(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm-256color"

    def on_terminal(*args: str, extra_env: dict[str, str] = {}) -> tuple[int, str]:
        master, slave = os.openpty()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "ormlint", *args], cwd=project, stdout=slave, stderr=subprocess.PIPE,
                env={**env, **extra_env},
            )
            os.close(slave)
            chunks = []
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            status = process.wait(timeout=60)
        finally:
            os.close(master)
        return status, b"".join(chunks).decode("utf-8", "replace")

    status, out = on_terminal(*SELECT, "app")
    assert status == 1
    assert "\033[1;31mORM103\033[0m" in out and "\033[1;33mORM104\033[0m" in out
    status, out = on_terminal(*SELECT, "app", extra_env={"NO_COLOR": "1"})
    assert status == 1 and "ORM103" in out and "\033" not in out
    status, out = on_terminal(*SELECT, "app", "--format", "github")
    assert "\033" not in out
    status, out = on_terminal(*SELECT, "app", "--output-file", "report.txt")
    assert status == 1 and out == ""
    report = (project / "report.txt").read_text(encoding="utf-8")
    assert "ORM103" in report and "\033" not in report
