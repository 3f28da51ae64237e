"""The pylint plugin: valid ORM attribute accesses stop raising `no-member`,
misspelled ones keep it, and ormlint's diagnostics come out as pylint messages
equal to the command line's."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pylint")
pytest.importorskip("sqlalchemy")

from ormlint.diagnostics import Severity  # noqa: E402
from ormlint.rules import ALL_RULES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "pylint" / "shop"
PYLINT_LINE = re.compile(r"^(?P<file>[^:\s]+):(?P<row>\d+):(?P<col>\d+): (?P<msgid>[A-Z]\d{4}): (?P<message>.*) \((?P<symbol>[a-z0-9-]+)\)$")


def _environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["ORMLINT_CACHE_DIR"] = str(tmp_path / "cache")
    return env


def _pylint(project: Path, tmp_path: Path, *options: str) -> list[dict[str, str]]:
    command = [sys.executable, "-m", "pylint", "--persistent=n", "--score=n", "--rcfile=/dev/null" if os.name != "nt" else "--rcfile=NUL", *options, "shop"]
    completed = subprocess.run(command, cwd=project, env=_environment(tmp_path), capture_output=True, text=True, timeout=600)
    assert "Traceback" not in completed.stderr, completed.stderr
    assert "F0002" not in completed.stdout, completed.stdout  # astroid-error: a crash while checking
    found = []
    for line in completed.stdout.splitlines():
        match = PYLINT_LINE.match(line.strip())
        if match:
            found.append(match.groupdict())
    return found


def _marked(project: Path, mark: str) -> set[tuple[str, int]]:
    lines = set()
    for path in sorted((project / "shop").glob("*.py")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if text.rstrip().endswith(f"# {mark}"):
                lines.add((f"shop/{path.name}", number))
    return lines


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("pylint") / "shop"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture(scope="module")
def runs(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("pylint-runs")
    return {
        "without": _pylint(project, tmp, "--disable=all", "--enable=no-member"),
        "with": _pylint(project, tmp, "--load-plugins=ormlint.pylint_plugin", "--disable=all", "--enable=no-member,ormlint"),
        "parallel": _pylint(project, tmp, "-j", "2", "--load-plugins=ormlint.pylint_plugin", "--disable=all", "--enable=no-member,ormlint"),
    }


def _no_member(found: list[dict[str, str]]) -> set[tuple[str, int]]:
    return {(m["file"].replace(os.sep, "/"), int(m["row"])) for m in found if m["symbol"] == "no-member"}


def test_valid_accesses_lose_no_member(project: Path, runs: dict[str, list[dict[str, str]]]) -> None:
    valid = _marked(project, "valid")
    before = _no_member(runs["without"]) & valid
    # Without the plugin pylint flags backrefs and hybrid properties at least.
    assert ("shop/views.py", 9) in before and ("shop/views.py", 10) in before
    assert not _no_member(runs["with"]) & valid


def test_misspelled_attributes_keep_no_member(project: Path, runs: dict[str, list[dict[str, str]]]) -> None:
    misspelled = _marked(project, "misspelled")
    assert misspelled <= _no_member(runs["with"])
    messages = {m["message"] for m in runs["with"] if m["symbol"] == "no-member"}
    # Columns are typed from their column type: `name` is a str.
    assert "Instance of 'str' has no 'uppr' member; maybe 'upper'?" in messages


def test_orm_messages_equal_the_command_line(project: Path, runs: dict[str, list[dict[str, str]]], tmp_path: Path) -> None:
    command = [sys.executable, "-m", "ormlint", "--format", "json", "--no-cache", "shop"]
    completed = subprocess.run(command, cwd=project, env=_environment(tmp_path), capture_output=True, text=True, timeout=600)
    expected = {
        (d["filename"].replace(os.sep, "/").removeprefix("shop/"), d["location"]["row"], d["location"]["column"] - 1, d["code"], d["message"])
        for d in json.loads(completed.stdout)
    }
    assert expected  # the fixture has diagnostics
    codes = {_message_id(rule.code, rule.severity): rule.code for rule in ALL_RULES}
    reported = {
        (m["file"].replace(os.sep, "/").removeprefix("shop/"), int(m["row"]), int(m["col"]), codes[m["msgid"]], m["message"])
        for m in runs["with"]
        if m["msgid"] in codes
    }
    assert reported == expected


def _message_id(code: str, severity: Severity) -> str:
    from ormlint.pylint_plugin import message_id

    return message_id(code, severity)


def test_parallel_workers_report_the_same(runs: dict[str, list[dict[str, str]]]) -> None:
    # `pylint -j 2` registers the plugin again in each worker, on a copy of the linter.
    def key(message: dict[str, str]) -> tuple[str, ...]:
        return tuple(sorted(message.items()))

    assert sorted(map(key, runs["parallel"])) == sorted(map(key, runs["with"]))


def test_message_ids_are_one_range_and_unique() -> None:
    from pylint.checkers import BaseChecker

    from ormlint.pylint_plugin import checker_classes, message_id

    assert message_id("ORM101", Severity.ERROR) == "E9101"
    assert message_id("ORM504", Severity.WARNING) == "W9504"
    assert message_id("ORM001", Severity.ERROR) == "E9901"
    assert message_id("ORM701", Severity.INFO) == "I9701"
    ids = [message_id(rule.code, rule.severity) for rule in ALL_RULES]
    assert len(set(ids)) == len(ids)
    assert all(msgid[1] == "9" for msgid in ids)
    symbols = set()
    for checker_class in checker_classes():
        assert issubclass(checker_class, BaseChecker)
        assert len({msgid[1:3] for msgid in checker_class.msgs}) == 1  # one checker id per checker
        symbols |= {definition[1] for definition in checker_class.msgs.values()}
    assert symbols == {rule.name for rule in ALL_RULES}


def test_symbols_pylint_already_uses_get_a_prefix() -> None:
    from pylint.lint import PyLinter

    from ormlint.pylint_plugin import register

    linter = PyLinter()
    linter.load_default_plugins()
    register(linter)
    definitions = linter.msgs_store.get_message_definitions("E9901")
    assert [d.symbol for d in definitions] == ["orm-parse-error"]
    assert [d.symbol for d in linter.msgs_store.get_message_definitions("E9101")] == ["fk-unknown-table"]


def test_the_core_never_imports_astroid() -> None:
    code = "import sys, ormlint.cli, ormlint.engine, ormlint.flake8_plugin; print('astroid' in sys.modules or 'pylint' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, capture_output=True, text=True)
    assert completed.stdout.strip() == "False", completed.stderr


def test_flask_sqlalchemy_2_object_gets_the_sqlalchemy_names() -> None:
    import astroid

    from ormlint.pylint_plugin import is_flask_sqlalchemy_2, transform_flask_sqlalchemy

    module = astroid.parse(
        "class SQLAlchemy(object):\n    def __init__(self):\n        self.session = None\n",
        module_name="flask_sqlalchemy",
    )
    klass = module["SQLAlchemy"]
    assert is_flask_sqlalchemy_2(klass)
    transform_flask_sqlalchemy(klass)
    for name in ("Column", "Integer", "ForeignKey", "relationship", "backref", "Table", "event"):
        assert name in klass.locals, name
    assert "Colum" not in klass.locals
    assert "session" in klass.instance_attrs and "session" not in klass.locals  # its own attribute is kept
    # Flask-SQLAlchemy 3.x declares __getattr__ itself: left alone.
    three = astroid.parse("class SQLAlchemy:\n    def __getattr__(self, name):\n        return name\n", module_name="flask_sqlalchemy")
    assert not is_flask_sqlalchemy_2(three["SQLAlchemy"])
