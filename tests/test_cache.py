"""The cache of per-file facts: warm runs parse nothing, changed files are parsed
again, and a damaged or foreign cache never changes the results."""

from __future__ import annotations

import tempfile
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from helpers import write_example
from ormlint import cache as cache_module
from ormlint.cache import CACHE_DIR_NAME, FORMAT, FactsCache, code_fingerprint, file_key
from ormlint.cli import main
from ormlint.config import load_config
from ormlint.engine import RunResult, run

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "fixtures" / "demo"

PROJECT = {
    "pyproject.toml": "[tool.ormlint]\n",
    "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
    # The referenced key lives in another file: the ORM103 needs both.
    "app/users.py": """
        from app import db
        class User(db.Model):
            __tablename__ = "users"
            id = db.Column(db.Integer, primary_key=True)
            name = db.Column(db.String(50))
        """,
    "app/points.py": """
        from app import db
        class Points(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)
            other_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)  # noqa: fk-type-mismatch
            note = "é"; owner_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)
        """,
    # Unparsable, but it names the table `legacy`: ORM101 stays silent about it.
    "app/broken.py": """
        class Legacy(db.Model):
            __tablename__ = "legacy"
            id = db.Column(db.Integer, primary_key=True
        """,
    "app/uses_legacy.py": """
        from app import db
        class Row(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            legacy_id = db.Column(db.Integer, db.ForeignKey("legacy.id"), index=True)
        """,
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write_example(root, PROJECT)
    return root


def analyse(root: Path, cache_dir: Path | None = None, use_cache: bool = True) -> RunResult:
    config = load_config(root / "pyproject.toml")
    cache = FactsCache(cache_dir or root / CACHE_DIR_NAME) if use_cache else None
    result = run([root], config, cache=cache)
    assert not result.internal_errors, result.internal_errors
    return result


def keys(result: RunResult) -> list[tuple]:
    return [(d.code, d.filename, d.location, d.end_location, d.message, d.hint) for d in result.diagnostics]


def entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "files").glob("*.pickle"))


def cli_json(capsys, *args: str) -> list[dict]:
    main(["--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    return json.loads(out)


def test_project_reports_what_the_tests_rely_on(project: Path) -> None:
    found = {(Path(d.filename).name, d.location.row, d.code) for d in analyse(project, use_cache=False).diagnostics}
    assert ("points.py", 4, "ORM103") in found
    assert ("points.py", 5, "ORM103") not in found  # noqa comment with a rule name
    assert ("points.py", 6, "ORM103") in found
    assert ("broken.py", 3, "ORM001") in found
    assert not any(code == "ORM101" for _, _, code in found)  # `legacy` may exist


def test_warm_run_parses_nothing_and_reports_the_same(project: Path) -> None:
    cold = analyse(project)
    assert (cold.parsed_files, cold.cache_hits) == (cold.files, 0)
    assert cold.files == 5
    warm = analyse(project)
    assert (warm.parsed_files, warm.cache_hits) == (0, warm.files)
    assert keys(warm) == keys(cold) == keys(analyse(project, use_cache=False))


def test_non_ascii_columns_survive_the_cache(project: Path) -> None:
    analyse(project)
    warm = analyse(project)
    owner = [d for d in warm.diagnostics if d.filename.endswith("points.py") and d.location.row == 6]
    line = (project / "app/points.py").read_text(encoding="utf-8").splitlines()[5]
    assert owner and owner[0].location.column == line.index("owner_id") + 1


def test_changing_one_file_parses_only_that_file(project: Path) -> None:
    analyse(project)
    points = project / "app/points.py"
    points.write_text(points.read_text().replace("db.String(100), db.ForeignKey(\"users.id\"), index=True)\n", "db.Integer, db.ForeignKey(\"users.id\"), index=True)\n", 1))
    after = analyse(project)
    assert (after.parsed_files, after.cache_hits) == (1, after.files - 1)
    assert keys(after) == keys(analyse(project, use_cache=False))
    assert not any(d.location.row == 4 and d.code == "ORM103" for d in after.diagnostics)
    # The target changes: the referencing file's facts are reused, the diagnostic is new.
    users = project / "app/users.py"
    users.write_text(users.read_text().replace("db.Integer, primary_key=True", "db.String(100), primary_key=True"))
    again = analyse(project)
    assert again.parsed_files == 1
    assert keys(again) == keys(analyse(project, use_cache=False))


def test_cache_directory_is_ignored_by_git_and_tagged(project: Path) -> None:
    analyse(project)
    cache_dir = project / CACHE_DIR_NAME
    assert (cache_dir / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache_dir / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert len(entries(cache_dir)) == 5
    assert not list(cache_dir.rglob("*.tmp"))


def test_one_entry_per_file_however_often_it_changes(project: Path) -> None:
    analyse(project)
    users = project / "app/users.py"
    for size in range(51, 55):
        users.write_text(users.read_text().replace(f"String({size - 1})", f"String({size})"))
        assert analyse(project).parsed_files == 1
    assert len(entries(project / CACHE_DIR_NAME)) == 5


def _damage_all(cache_dir: Path, damage) -> None:
    found = entries(cache_dir)
    assert found
    for path in found:
        path.write_bytes(damage(path.read_bytes()))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[: len(FORMAT) + 10], id="truncated-in-header"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: os.urandom(len(data)), id="random-bytes"),
        # The header is right: the garbage reaches the unpickler.
        pytest.param(lambda data: data[: data.index(b"\n", len(FORMAT)) + 1] + os.urandom(200), id="random-payload"),
        pytest.param(lambda data: data[: data.index(b"\n", len(FORMAT)) + 1] + pickle.dumps({"not": "an outcome"}), id="foreign-object"),
        pytest.param(lambda data: data.replace(b"ormlint-cache 1", b"ormlint-cache 9", 1), id="other-format"),
    ],
)
def test_damaged_cache_is_a_miss(project: Path, damage) -> None:
    expected = keys(analyse(project, use_cache=False))
    analyse(project)
    _damage_all(project / CACHE_DIR_NAME, damage)
    result = analyse(project)
    assert keys(result) == expected
    assert (result.parsed_files, result.cache_hits) == (result.files, 0)
    # ... and the entries are good again afterwards.
    assert analyse(project).parsed_files == 0


def test_cache_from_another_version_is_a_miss(project: Path, monkeypatch) -> None:
    expected = keys(analyse(project, use_cache=False))
    monkeypatch.setattr(cache_module, "_code_hash", b"another ormlint version")
    assert analyse(project).parsed_files == 5
    monkeypatch.undo()
    result = analyse(project)
    assert keys(result) == expected
    assert (result.parsed_files, result.cache_hits) == (5, 0)


def test_key_covers_extraction_code_version_and_names(project: Path, monkeypatch) -> None:
    from ormlint.discover import SourceFile

    source = SourceFile(project / "app/users.py", "app/users.py", "app.users", False)
    data = source.path.read_bytes()
    key = file_key(source, data)
    assert file_key(source, data) == key
    assert file_key(source, data + b"\n") != key
    assert file_key(SourceFile(source.path, "./app/users.py", "app.users", False), data) != key
    assert file_key(SourceFile(source.path, "app/users.py", "users", False), data) != key
    assert file_key(SourceFile(source.path, "app/users.py", "app.users", True), data) != key
    fingerprint = code_fingerprint()
    real_read = Path.read_bytes

    def edited(path: Path) -> bytes:
        data = real_read(path)
        return data + b"\n# edited\n" if path.name == "extract.py" else data

    monkeypatch.setattr(cache_module, "_code_hash", None)
    monkeypatch.setattr(Path, "read_bytes", edited)
    assert code_fingerprint() != fingerprint
    monkeypatch.setattr(cache_module, "_code_hash", None)
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    monkeypatch.setattr(Path, "read_bytes", real_read)
    assert code_fingerprint() != fingerprint
    monkeypatch.undo()
    assert code_fingerprint() == fingerprint


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root ignores file modes")
def test_read_only_cache_directory(project: Path) -> None:
    expected = keys(analyse(project, use_cache=False))
    cache_dir = project / CACHE_DIR_NAME
    analyse(project)
    for path in entries(cache_dir):
        path.write_bytes(b"stale")
    for directory in (cache_dir / "files", cache_dir):
        directory.chmod(0o555)
    try:
        result = analyse(project)
        assert keys(result) == expected and result.parsed_files == 5
    finally:
        for directory in (cache_dir, cache_dir / "files"):
            directory.chmod(0o755)


def _denied(*args, **kwargs):
    raise PermissionError(13, "Permission denied")


def test_unwritable_cache_directory_gives_the_same_results(project: Path, monkeypatch) -> None:
    expected = keys(analyse(project, use_cache=False))
    monkeypatch.setattr(cache_module.os, "replace", _denied)
    result = analyse(project)
    assert keys(result) == expected and result.parsed_files == 5
    assert entries(project / CACHE_DIR_NAME) == []
    assert not list((project / CACHE_DIR_NAME).rglob("*.tmp"))  # temporary files cleaned up
    monkeypatch.setattr(tempfile, "mkstemp", _denied)
    assert keys(analyse(project)) == expected


def test_uncreatable_cache_directory_gives_the_same_results(project: Path, tmp_path: Path) -> None:
    expected = keys(analyse(project, use_cache=False))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = analyse(project, cache_dir=blocker / "cache")  # a file where a directory must go
    assert keys(result) == expected and result.parsed_files == 5


def test_unreadable_cache_entries_give_the_same_results(project: Path, monkeypatch) -> None:
    expected = keys(analyse(project, use_cache=False))
    analyse(project)
    monkeypatch.setattr(cache_module, "open", _denied, raising=False)
    result = analyse(project)
    assert keys(result) == expected
    assert (result.parsed_files, result.cache_hits) == (5, 0)


def test_command_line_cache_options(project: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(project)
    expected = cli_json(capsys, "--no-cache", ".")
    assert not (project / CACHE_DIR_NAME).exists()
    assert cli_json(capsys, ".") == expected
    assert len(entries(project / CACHE_DIR_NAME)) == 5
    # From a subdirectory, the cache is still at the project root (the pyproject.toml's directory).
    monkeypatch.chdir(project / "app")
    shutil.rmtree(project / CACHE_DIR_NAME)
    cli_json(capsys, ".")
    assert len(entries(project / CACHE_DIR_NAME)) == 5
    other = tmp_path / "elsewhere"
    assert cli_json(capsys, "--cache-dir", str(other), str(project)) == cli_json(capsys, str(project))
    assert len(entries(other)) == 5 and (other / ".gitignore").is_file()


def test_debug_stats_on_stderr(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ORMLINT_DEBUG_STATS", "1")
    main(["-q", str(project)])
    assert "ormlint: stats: files=5 parsed=5 cache_hits=0" in capsys.readouterr().err
    main(["-q", str(project)])
    assert "ormlint: stats: files=5 parsed=0 cache_hits=5" in capsys.readouterr().err


def test_clean(project: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    analyse(project)
    assert main(["clean", str(project / "app")]) == 0
    assert not (project / CACHE_DIR_NAME).exists()
    assert "removed" in capsys.readouterr().out
    assert main(["clean", str(project)]) == 0
    assert "no cache" in capsys.readouterr().out
    monkeypatch.chdir(project)
    analyse(project)
    assert main(["clean"]) == 0
    assert not (project / CACHE_DIR_NAME).exists()
    custom = tmp_path / "custom"
    analyse(project, cache_dir=custom)
    assert main(["clean", "--cache-dir", str(custom)]) == 0 and not custom.exists()


def test_clean_refuses_a_directory_ormlint_did_not_create(project: Path, capsys) -> None:
    assert main(["clean", "--cache-dir", str(project / "app")]) == 2
    assert "not an ormlint cache directory" in capsys.readouterr().err
    assert (project / "app/users.py").is_file()


def test_existing_directory_of_the_user_is_not_marked(project: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    result = analyse(project, cache_dir=mine)
    assert result.parsed_files == 5 and analyse(project, cache_dir=mine).parsed_files == 0
    assert not (mine / ".gitignore").exists() and not (mine / "CACHEDIR.TAG").exists()


def test_demo_warm_equals_cold(tmp_path: Path, capsys) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(DEMO, demo, ignore=shutil.ignore_patterns(CACHE_DIR_NAME))
    cold = cli_json(capsys, "--no-cache", str(demo))
    assert cli_json(capsys, str(demo)) == cold
    assert cli_json(capsys, str(demo)) == cold
    assert any(d["code"] == "ORM001" for d in cold)


def test_internal_errors_are_not_cached(project: Path, monkeypatch) -> None:
    import ormlint.filefacts as filefacts

    real = filefacts.extract_module

    def flaky(tree, path, *args, **kwargs):
        if path.endswith("users.py"):
            raise ValueError("cannot cope")
        return real(tree, path, *args, **kwargs)

    monkeypatch.setattr(filefacts, "extract_module", flaky)
    config = load_config(project / "pyproject.toml")
    broken = run([project], config, cache=FactsCache(project / CACHE_DIR_NAME))
    assert broken.internal_errors and broken.parsed_files == 5
    monkeypatch.undo()
    fixed = analyse(project)
    assert (fixed.parsed_files, fixed.cache_hits) == (1, 4)
    assert keys(fixed) == keys(analyse(project, use_cache=False))


def reuse(root: Path, config=None, rules=None) -> RunResult:
    config = config or load_config(root / "pyproject.toml")
    result = run([root], config, rules, cache=FactsCache(root / CACHE_DIR_NAME), reuse_results=True)
    assert not result.internal_errors
    return result


def test_unchanged_project_reuses_its_diagnostics(project: Path) -> None:
    from ormlint.selection import resolve_selection

    expected = keys(analyse(project, use_cache=False))
    first = reuse(project)
    assert not first.results_cached and first.index is not None and keys(first) == expected
    second = reuse(project)
    assert second.results_cached and second.index is None and second.parsed_files == 0
    assert keys(second) == expected
    # Another configuration, other rules: computed again (from the facts in the cache).
    config = load_config(project / "pyproject.toml")
    config.ignore = ["ORM103"]
    ignoring = reuse(project, config)
    assert not ignoring.results_cached and ignoring.parsed_files == 0
    assert not any(d.code == "ORM103" for d in ignoring.diagnostics)
    only_parse_errors = reuse(project, rules=resolve_selection(["ORM001"], [], []))
    assert not only_parse_errors.results_cached and {d.code for d in only_parse_errors.diagnostics} == {"ORM001"}
    assert reuse(project).results_cached
    # A changed file: computed again.
    users = project / "app/users.py"
    users.write_text(users.read_text() + "\n")
    assert not reuse(project).results_cached
    assert reuse(project).results_cached


def test_results_depend_on_all_of_ormlints_code(project: Path, monkeypatch) -> None:
    reuse(project)
    monkeypatch.setattr(cache_module, "_package_hash", b"a rule changed")
    assert not reuse(project).results_cached
    assert reuse(project).results_cached
    monkeypatch.undo()
    assert not reuse(project).results_cached


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: os.urandom(len(data)), id="random-bytes"),
        pytest.param(lambda data: data[: data.index(b"\n", len(FORMAT)) + 1] + pickle.dumps(("not", "diagnostics")), id="foreign-object"),
    ],
)
def test_damaged_results_are_a_miss(project: Path, damage) -> None:
    expected = keys(analyse(project, use_cache=False))
    reuse(project)
    found = sorted((project / CACHE_DIR_NAME / "results").glob("*.pickle"))
    assert len(found) == 1
    found[0].write_bytes(damage(found[0].read_bytes()))
    again = reuse(project)
    assert not again.results_cached and keys(again) == expected
    assert reuse(project).results_cached
