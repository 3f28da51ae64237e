"""The flake8 plugin: same diagnostics as the command line, cross-file, through
flake8's own selection, `# noqa` and configuration, and cached across runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_example

pytest.importorskip("flake8")

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "fixtures" / "demo"

FLAKE8_LINE = re.compile(r"^(?P<file>[^:]+):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) ")
ORMLINT_LINE = re.compile(r"^(?P<file>[^ ][^:]*):(?P<row>\d+):(?P<col>\d+): (?P<code>ORM\d{3}) ")

PROJECT = {
    "pyproject.toml": "[tool.ormlint]\n",
    "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
    "app/users.py": """
        from app import db
        class User(db.Model):
            __tablename__ = "users"
            id = db.Column(db.Integer, primary_key=True)
        """,
    # The key both columns reference is in users.py.
    "app/points.py": """
        from app import db
        class Points(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)
            other_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)  # noqa: ORM103
        """,
}


def flake8(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=300,
    )


def rows(output: str, pattern: re.Pattern) -> set[tuple[str, int, str]]:
    found = set()
    for line in output.splitlines():
        match = pattern.match(line)
        assert match, line
        found.add((os.path.normpath(match["file"]), int(match["row"]), match["code"]))
    return found


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    shutil.copytree(DEMO, tmp_path / "demo", ignore=shutil.ignore_patterns(".ormlint_cache"))
    return tmp_path / "demo"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_example(tmp_path / "project", PROJECT)
    return tmp_path / "project"


def test_import_ormlint_does_not_import_flake8() -> None:
    code = "import sys, ormlint, ormlint.cli, ormlint.engine; print('flake8' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_entry_point_is_registered() -> None:
    from importlib.metadata import entry_points

    found_all = entry_points()
    # Python 3.9 returns a dict of groups; 3.10+ selects by keyword.
    group = found_all.select(group="flake8.extension") if hasattr(found_all, "select") else found_all.get("flake8.extension", [])
    # A set: an editable install can be seen twice (its metadata in and beside src/).
    assert {ep.value for ep in group if ep.name == "ORM"} == {"ormlint.flake8_plugin:Plugin"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_flake8_reports_what_ormlint_reports(demo: Path, jobs: str) -> None:
    cli = subprocess.run([sys.executable, "-m", "ormlint", "-q", "--no-cache", "demo"], cwd=demo.parent, capture_output=True, text=True)
    assert cli.returncode == 1, cli.stderr
    expected = rows(cli.stdout, ORMLINT_LINE)
    result = flake8(demo.parent, "-j", jobs, "--select", "ORM", "demo")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    found = rows(result.stdout, FLAKE8_LINE)
    # A file Python cannot parse is flake8's own E999; plugins do not see it.
    unparsable = {(file, row, code) for file, row, code in expected if code == "ORM001"}
    assert unparsable
    assert found == expected - unparsable
    e999 = rows(flake8(demo.parent, "-j", jobs, "--select", "E999", "demo").stdout, FLAKE8_LINE)
    assert {file for file, _, _ in e999} == {file for file, _, _ in unparsable}


def test_columns_and_messages_match(project: Path) -> None:
    cli = subprocess.run([sys.executable, "-m", "ormlint", "-q", "--no-cache", "."], cwd=project, capture_output=True, text=True)
    flake = flake8(project, "--select", "ORM", ".")
    assert sorted(cli.stdout.splitlines()) == sorted(line.replace("./", "", 1) for line in flake.stdout.splitlines())


def test_one_file_gets_its_cross_file_diagnostics_only(project: Path) -> None:
    points = flake8(project, "--select", "ORM", "app/points.py")
    assert rows(points.stdout, FLAKE8_LINE) == {("app/points.py", 4, "ORM103")}  # line 5 has `# noqa: ORM103`
    assert flake8(project, "--select", "ORM", "app/users.py").stdout == ""


def test_flake8_selection_and_noqa(project: Path) -> None:
    points = project / "app/points.py"
    # flake8's own noqa (a flake8 code list ormlint does not know is fine too).
    assert flake8(project, "--select", "ORM", ".").stdout.count("ORM103") == 1
    assert "ORM" not in flake8(project, "--select", "E,W", ".").stdout
    assert "ORM103" in flake8(project, "--select", "E", "--extend-select", "ORM1", ".").stdout
    assert flake8(project, "--select", "ORM", "--extend-ignore", "ORM103", ".").stdout == ""
    assert "ORM103" in flake8(project, ".").stdout  # on by default, like any plugin
    assert flake8(project, "--select", "ORM", "--disable-noqa", ".").stdout.count("ORM103") == 1  # ormlint's noqa still applies
    points.write_text(points.read_text().replace('index=True)\n', 'index=True)  # noqa\n', 1))
    assert flake8(project, "--select", "ORM", ".").stdout == ""


def test_flake8_configuration_file_and_tool_ormlint(project: Path) -> None:
    (project / ".flake8").write_text("[flake8]\nselect = ORM104\n")
    result = subprocess.run([sys.executable, "-m", "flake8", "."], cwd=project, capture_output=True, text=True)
    assert result.stdout == "" and result.returncode == 0, result.stderr
    (project / ".flake8").write_text("[flake8]\nselect = ORM\n")
    result = subprocess.run([sys.executable, "-m", "flake8", "."], cwd=project, capture_output=True, text=True)
    assert "ORM103" in result.stdout
    (project / "pyproject.toml").write_text('[tool.ormlint]\nignore = ["fk-type-mismatch"]\n')
    result = subprocess.run([sys.executable, "-m", "flake8", "."], cwd=project, capture_output=True, text=True)
    assert result.stdout == "" and result.returncode == 0, result.stderr


def _stats(stderr: str) -> dict[str, str]:
    (line,) = [line for line in stderr.splitlines() if "stats:" in line]
    return dict(item.split("=", 1) for item in line.split("stats:", 1)[1].split())


def test_second_run_on_one_file_uses_the_cache(project: Path) -> None:
    env = {"ORMLINT_DEBUG_STATS": "1"}
    first = flake8(project, "--select", "ORM", "app/points.py", env=env)
    assert _stats(first.stderr) == {"root": str(project.resolve()), "files": "3", "parsed": "3", "cache_hits": "0", "results_cached": "no"}
    assert (project / ".ormlint_cache" / ".gitignore").is_file()
    second = flake8(project, "--select", "ORM", "app/points.py", env=env)
    assert _stats(second.stderr)["parsed"] == "0" and _stats(second.stderr)["cache_hits"] == "3"
    assert second.stdout == first.stdout != ""
    # Another file changes: only it is parsed again; the diagnostics follow it.
    users = project / "app/users.py"
    users.write_text(users.read_text().replace("db.Integer, primary_key", "db.String(100), primary_key"))
    third = flake8(project, "--select", "ORM", "app/points.py", env=env)
    assert _stats(third.stderr)["parsed"] == "1" and _stats(third.stderr)["results_cached"] == "no"
    assert third.stdout == ""


def test_many_files_many_processes_analyse_once_per_process(demo: Path) -> None:
    result = flake8(demo.parent, "-j", "2", "--select", "ORM", "demo", env={"ORMLINT_DEBUG_STATS": "1"})
    analyses = [line for line in result.stderr.splitlines() if "stats:" in line]
    assert 1 <= len(analyses) <= 2, result.stderr


def test_plugin_in_process(project: Path, monkeypatch) -> None:
    import ast

    from ormlint import flake8_plugin

    flake8_plugin._reset()
    monkeypatch.chdir(project)
    path = "app/points.py"
    plugin = flake8_plugin.Plugin(ast.parse(Path(path).read_text()), path)
    ((row, col, message, kind),) = list(plugin.run())
    assert (row, col, kind) == (4, 4, flake8_plugin.Plugin)
    assert message.startswith("ORM103 `Points.user_id` is String(100)")
    assert list(flake8_plugin.Plugin(None, "stdin").run()) == []
    assert flake8_plugin.Plugin.name == "ormlint"


def test_bad_configuration_is_one_line_not_a_crash(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.ormlint]\nselect = ["NOPE"]\n')
    result = flake8(project, "-j", "1", "--select", "ORM", ".")  # once per process
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if "ormlint" in line]) == 1


def _plugin_rows(path: str) -> list[tuple[int, int, str]]:
    from ormlint.flake8_plugin import Plugin

    return [(row, col, message.split()[0]) for row, col, message, _ in Plugin(None, path).run()]


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_plugin_in_worker_processes(project: Path, method: str) -> None:
    import multiprocessing

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    files = [str(project / "app" / name) for name in ("points.py", "users.py", "__init__.py")]
    with multiprocessing.get_context(method).Pool(2) as pool:
        results = pool.map(_plugin_rows, files)
    assert results == [[(4, 4, "ORM103")], [], []]
