"""`[tool.ormlint]` in pyproject.toml: every key, and one-line errors for bad ones."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import write_example
from ormlint.cli import main
from ormlint.config import Config, ConfigError, load_config, parse_config
from test_cli import CLEAN, INIT, MODELS, UNKNOWN_TABLE, make_project

# A FK to `auth_users`, a table another service owns (ORM101 unless external).
EXTERNAL_FK = """
from app import db
class Profile(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("auth_users.id"), index=True)
"""


def run_json(capsys, *args: str) -> tuple[int, list[dict], str]:
    status = main(["--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, (json.loads(out) if out else []), err


def reported(capsys, *args: str) -> list[tuple[str, str]]:
    """(filename with `/`, code) of every diagnostic."""
    status, diagnostics, err = run_json(capsys, *args)
    assert status in (0, 1), err
    return sorted((d["filename"].replace(os.sep, "/"), d["code"]) for d in diagnostics)


def write_pyproject(root: Path, body: str) -> Path:
    path = root / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    return path


# --- bad configuration: exit 2, one line on stderr naming the problem -------------


@pytest.mark.parametrize(
    "body, named",
    [
        ("[tool.ormlint\nselect = [\n", "pyproject.toml"),
        ("[tool.ormlint]\nselect = [\"ORM103\"\nignore = 1\n", "pyproject.toml"),
        ("[tool.ormlint]\nbogus = 1\n", "bogus"),
        ("[tool.ormlint]\nselect = 5\n", "select"),
        ("[tool.ormlint]\nignore = [1, 2]\n", "ignore"),
        ("[tool.ormlint]\nextend-select = true\n", "extend-select"),
        ("[tool.ormlint]\nexclude = {a = 1}\n", "exclude"),
        ("[tool.ormlint]\nextend-exclude = 3\n", "extend-exclude"),
        ("[tool.ormlint]\nexternal_tables = 3\n", "external_tables"),
        ("[tool.ormlint]\nper-file-ignores = [\"x\"]\n", "per-file-ignores"),
        ("[tool.ormlint.per-file-ignores]\n\"tests/*\" = 3\n", "tests/*"),
        ("[tool.ormlint]\nselect = [\"ORM999\"]\n", "ORM999"),
        ("[tool.ormlint]\nignore = [\"not-a-rule\"]\n", "not-a-rule"),
        ("[tool.ormlint.per-file-ignores]\n\"tests/*\" = [\"BOGUS1\"]\n", "BOGUS1"),
        ("[tool.ormlint]\nexternal_tables = [\"a\"]\nexternal-tables = [\"b\"]\n", "external"),
        ("[tool]\normlint = 3\n", "tool.ormlint"),
    ],
)
def test_bad_pyproject_exits_2_with_one_line(tmp_path: Path, capsys, body: str, named: str) -> None:
    make_project(tmp_path, models=MODELS)
    write_pyproject(tmp_path, body)
    status = main([str(tmp_path)])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert named in err


def test_config_error_names_key_in_message() -> None:
    with pytest.raises(ConfigError, match="`select`"):
        parse_config({"select": 5})
    with pytest.raises(ConfigError, match="unknown setting `colour`"):
        parse_config({"colour": "red"})


def test_underscore_and_dash_spellings_are_the_same_key() -> None:
    assert parse_config({"external_tables": ["a"]}).external_tables == ["a"]
    assert parse_config({"external-tables": ["a"]}).external_tables == ["a"]
    assert parse_config({"per_file_ignores": {"x.py": ["ORM103"]}}).per_file_ignores == {"x.py": ["ORM103"]}


def test_pyproject_without_ormlint_section_is_fine(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=MODELS)
    write_pyproject(tmp_path, "[project]\nname = \"x\"\n")
    assert reported(capsys, str(tmp_path)) == [(str(tmp_path / "app/models.py"), "ORM103")]


def test_load_config_none_is_default() -> None:
    config = load_config(None)
    assert config == Config()
    assert "node_modules" in config.exclude


def test_pyproject_found_in_parent_directory(tmp_path: Path, capsys, monkeypatch) -> None:
    make_project(tmp_path, models=MODELS)
    write_pyproject(tmp_path, "[tool.ormlint]\nignore = [\"ORM103\"]\n")
    monkeypatch.chdir(tmp_path / "app")
    assert reported(capsys, ".") == []
    assert reported(capsys, "models.py") == []


# --- every key --------------------------------------------------------------------


@pytest.fixture
def two_problems(tmp_path: Path) -> Path:
    """ORM103 in app/models.py, ORM101 in app/orders.py."""
    return make_project(tmp_path, models=MODELS, orders=UNKNOWN_TABLE)


@pytest.mark.parametrize(
    "body, expected",
    [
        ("", ["ORM101", "ORM103"]),
        ("select = [\"ORM103\"]", ["ORM103"]),
        ("select = [\"ORM1\"]", ["ORM101", "ORM103"]),
        ("select = [\"fk-unknown-table\"]", ["ORM101"]),
        ("select = \"ORM101\"", ["ORM101"]),
        ("ignore = [\"ORM101\"]", ["ORM103"]),
        ("ignore = [\"fk-type-mismatch\"]", ["ORM101"]),
        ("select = [\"ORM103\"]\nextend-select = [\"ORM101\"]", ["ORM101", "ORM103"]),
        ("extend_select = [\"ORM101\"]\nignore = [\"ORM1\"]", []),
    ],
)
def test_selection_keys(two_problems: Path, capsys, body: str, expected: list[str]) -> None:
    write_pyproject(two_problems, f"[tool.ormlint]\n{body}\n")
    assert sorted(code for _, code in reported(capsys, str(two_problems))) == expected


def test_external_tables_silence_unknown_table(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, profiles=EXTERNAL_FK)
    assert [code for _, code in reported(capsys, str(tmp_path))] == ["ORM101"]
    write_pyproject(tmp_path, "[tool.ormlint]\nexternal-tables = [\"auth_users\"]\n")
    assert reported(capsys, str(tmp_path)) == []
    write_pyproject(tmp_path, "[tool.ormlint]\nexternal_tables = [\"other\"]\n")
    assert [code for _, code in reported(capsys, str(tmp_path))] == ["ORM101"]


def _legacy_project(root: Path) -> Path:
    """ORM103 in app/models.py and in app/legacy/old.py."""
    old = MODELS.replace('"users"', '"old_users"').replace("users.id", "old_users.id")
    old = old.replace("class User", "class OldUser").replace("class Points", "class OldPoints")
    write_example(root, {"app/__init__.py": INIT, "app/models.py": MODELS, "app/legacy/__init__.py": "", "app/legacy/old.py": old})
    return root


@pytest.mark.parametrize("key", ["exclude", "extend-exclude"])
@pytest.mark.parametrize("pattern", ["legacy", "app/legacy", "./app/legacy/", "app/legacy/*.py", "app/legacy/old.py", "old.py"])
def test_exclude_patterns(tmp_path: Path, capsys, monkeypatch, key: str, pattern: str) -> None:
    _legacy_project(tmp_path)
    write_pyproject(tmp_path, f"[tool.ormlint]\n{key} = [\"{pattern}\"]\n")
    # Path patterns are relative to the pyproject.toml, wherever ormlint runs from.
    monkeypatch.chdir(tmp_path)
    assert reported(capsys, ".") == [("app/models.py", "ORM103")]
    assert reported(capsys, "app") == [("app/models.py", "ORM103")]
    monkeypatch.chdir(tmp_path / "app")
    assert reported(capsys, ".") == [("models.py", "ORM103")]
    assert reported(capsys, str(tmp_path)) == [(str(tmp_path / "app/models.py").replace(os.sep, "/"), "ORM103")]


def test_exclude_replaces_defaults_extend_exclude_keeps_them(tmp_path: Path, capsys) -> None:
    _legacy_project(tmp_path)
    build = MODELS.replace('"users"', '"b_users"').replace("users.id", "b_users.id")
    write_example(tmp_path, {"build/generated.py": "from app import db\n" + build})
    assert ("build/generated.py", "ORM103") not in [
        (name.replace(str(tmp_path).replace(os.sep, "/") + "/", ""), code) for name, code in reported(capsys, str(tmp_path))
    ]
    write_pyproject(tmp_path, "[tool.ormlint]\nextend-exclude = [\"legacy\"]\n")
    files = {name.rsplit("/", 1)[-1] for name, _ in reported(capsys, str(tmp_path))}
    assert files == {"models.py"}
    write_pyproject(tmp_path, "[tool.ormlint]\nexclude = [\"legacy\"]\n")
    files = {name.rsplit("/", 1)[-1] for name, _ in reported(capsys, str(tmp_path))}
    assert files == {"models.py", "generated.py"}


def test_explicit_file_is_analysed_even_if_excluded(tmp_path: Path, capsys, monkeypatch) -> None:
    _legacy_project(tmp_path)
    write_pyproject(tmp_path, "[tool.ormlint]\nextend-exclude = [\"legacy\"]\n")
    monkeypatch.chdir(tmp_path)
    assert reported(capsys, "app/legacy/old.py", "app/__init__.py") == [("app/legacy/old.py", "ORM103")]


@pytest.mark.parametrize("glob", ["app/legacy/*", "app/legacy/old.py", "legacy/*.py", "old.py", "**/old.py", "./app/legacy/*"])
def test_per_file_ignores(tmp_path: Path, capsys, monkeypatch, glob: str) -> None:
    _legacy_project(tmp_path)
    write_pyproject(tmp_path, f"[tool.ormlint.per-file-ignores]\n\"{glob}\" = [\"ORM103\"]\n")
    monkeypatch.chdir(tmp_path)
    assert reported(capsys, ".") == [("app/models.py", "ORM103")]
    assert reported(capsys, "app") == [("app/models.py", "ORM103")]
    monkeypatch.chdir(tmp_path / "app")
    assert reported(capsys, ".") == [("models.py", "ORM103")]
    assert reported(capsys, str(tmp_path)) == [(str(tmp_path / "app/models.py").replace(os.sep, "/"), "ORM103")]


@pytest.mark.parametrize("codes", ["[\"ORM101\"]", "[\"ORM104\"]", "[\"fk-unknown-table\"]"])
def test_per_file_ignores_only_the_named_codes(tmp_path: Path, capsys, codes: str) -> None:
    _legacy_project(tmp_path)
    write_pyproject(tmp_path, f"[tool.ormlint.per-file-ignores]\n\"app/legacy/*\" = {codes}\n")
    assert len(reported(capsys, str(tmp_path))) == 2


@pytest.mark.parametrize("codes", ["[\"ORM1\"]", "[\"fk-type-mismatch\"]", "[\"ORM101\", \"ORM103\"]"])
def test_per_file_ignores_prefixes_and_names(tmp_path: Path, capsys, codes: str) -> None:
    _legacy_project(tmp_path)
    write_pyproject(tmp_path, f"[tool.ormlint.per-file-ignores]\n\"app/legacy/*\" = {codes}\n")
    assert [name.rsplit("/", 1)[-1] for name, _ in reported(capsys, str(tmp_path))] == ["models.py"]


def test_clean_project_with_full_config(tmp_path: Path, capsys) -> None:
    make_project(tmp_path, models=CLEAN)
    write_pyproject(
        tmp_path,
        "[tool.ormlint]\n"
        "select = [\"ORM1\"]\nignore = [\"ORM110\"]\nextend-select = [\"ORM001\"]\n"
        "exclude = [\".venv\"]\nextend-exclude = [\"legacy\"]\nexternal-tables = [\"x\"]\n"
        "source-of-truth = [\"app/*\"]\nsmall-tables = [\"settings\"]\n"
        "[tool.ormlint.per-file-ignores]\n\"tests/*\" = [\"ORM101\"]\n",
    )
    status, diagnostics, err = run_json(capsys, str(tmp_path))
    assert (status, diagnostics, err) == (0, [], "")


def test_pyproject_without_ormlint_table_is_passed_over(tmp_path: Path, capsys) -> None:
    # A sub-package's own pyproject.toml does not hide the project's [tool.ormlint].
    make_project(tmp_path / "packages" / "svc", models=MODELS)
    write_pyproject(tmp_path, "[tool.ormlint]\nignore = [\"ORM103\"]\n")
    write_pyproject(tmp_path / "packages" / "svc", "[project]\nname = \"svc\"\n")
    assert reported(capsys, str(tmp_path / "packages" / "svc")) == []


def test_nearest_ormlint_table_wins(tmp_path: Path, capsys) -> None:
    make_project(tmp_path / "svc", models=MODELS, orders=UNKNOWN_TABLE)
    write_pyproject(tmp_path, "[tool.ormlint]\nignore = [\"ORM103\"]\n")
    write_pyproject(tmp_path / "svc", "[tool.ormlint]\nignore = [\"ORM101\"]\n")
    assert [code for _, code in reported(capsys, str(tmp_path / "svc"))] == ["ORM103"]


def test_unparsable_nearer_pyproject_is_an_error(tmp_path: Path, capsys) -> None:
    make_project(tmp_path / "svc", models=MODELS)
    write_pyproject(tmp_path, "[tool.ormlint]\nignore = [\"ORM103\"]\n")
    write_pyproject(tmp_path / "svc", "[project\n")
    status = main([str(tmp_path / "svc")])
    _, err = capsys.readouterr()
    assert status == 2 and len(err.splitlines()) == 1 and "pyproject.toml" in err


def test_composite_min_sites() -> None:
    assert Config().composite_min_sites == 2
    assert parse_config({"composite-min-sites": 3}).composite_min_sites == 3
    assert parse_config({"composite_min_sites": 1}).composite_min_sites == 1
    for bad in (0, -1, "2", True, 2.5):
        with pytest.raises(ConfigError, match="composite"):
            parse_config({"composite-min-sites": bad})
