"""Files ormlint must survive: broken, odd encodings, odd line endings, odd trees.

Every case runs the real command in-process and checks that nothing raised
(no traceback, exit status 0 or 1), that the broken file gets one ORM001 and
that the rest of the project is still analysed.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
import warnings
from pathlib import Path

import pytest

from helpers import write_example
from ormlint.cli import main
from test_cli import CLEAN, INIT, MODELS

# A second module with its own ORM103 on line 7.
OTHER = (
    MODELS.replace('"users"', '"members"').replace("users.id", "members.id")
    .replace("class User", "class Member").replace("class Points", "class Badge")
)


def check(capsys, *args: str) -> tuple[int, list[dict], str]:
    status = main(["--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert status in (0, 1), err
    return status, json.loads(out), err


def found(capsys, root: Path, *extra: str) -> list[tuple[str, int, str]]:
    """(path under root with `/`, row, code) of every diagnostic."""
    _, diagnostics, _ = check(capsys, *extra, str(root))
    return sorted(
        (Path(d["filename"]).relative_to(root).as_posix(), d["location"]["row"], d["code"]) for d in diagnostics
    )


def project(root: Path) -> Path:
    """app/ with a FK mismatch in app/models.py (line 7)."""
    write_example(root, {"app/__init__.py": INIT, "app/models.py": MODELS})
    return root


MODELS_FINDING = ("app/models.py", 7, "ORM103")


# --- files that cannot be parsed -----------------------------------------------------


def test_syntax_error_is_one_orm001_at_the_error_and_the_rest_is_analysed(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    (tmp_path / "app" / "broken.py").write_text("import os\n\ndef f(:\n    pass\n")
    result = found(capsys, tmp_path)
    assert result == [("app/broken.py", 3, "ORM001"), MODELS_FINDING]
    _, diagnostics, _ = check(capsys, str(tmp_path))
    (orm001,) = [d for d in diagnostics if d["code"] == "ORM001"]
    assert orm001["location"] == {"row": 3, "column": 7}
    assert orm001["severity"] == "error"
    assert "syntax" in orm001["message"].lower()


def test_unparsable_file_keeps_rules_silent_about_what_it_may_define(tmp_path: Path, capsys) -> None:
    # orders.py defines `orders` but does not parse: a FK to it is not reported as unknown.
    write_example(tmp_path, {
        "app/__init__.py": INIT,
        "app/orders.py": 'from app import db\nclass Order(db.Model:\n    __tablename__ = "orders"\n',
        "app/lines.py": (
            "from app import db\nclass Line(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
            '    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), index=True)\n'
        ),
    })
    assert found(capsys, tmp_path) == [("app/orders.py", 2, "ORM001")]


def test_orm001_can_be_deselected(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    (tmp_path / "app" / "broken.py").write_text("def f(:\n")
    assert found(capsys, tmp_path, "--ignore", "ORM001") == [MODELS_FINDING]
    assert found(capsys, tmp_path, "--select", "ORM001") == [("app/broken.py", 1, "ORM001")]


def test_code_python_warns_about_is_analysed_without_a_warning(tmp_path: Path, capsys) -> None:
    # Invalid escape sequences, in code and in strings ormlint parses (an
    # annotation, a relationship argument): a DeprecationWarning up to Python
    # 3.11, a SyntaxWarning (shown by default) from 3.12. Not ormlint's to show.
    project(tmp_path)
    (tmp_path / "app" / "escapes.py").write_text(
        r"""from typing import Literal
from sqlalchemy.orm import relationship
pattern = "\d+"
kind: "Literal['\d']" = "1"
class Thing:
    other = relationship("Other", order_by="Other.name == '\q'")
"""
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert found(capsys, tmp_path) == [MODELS_FINDING]
    assert [str(w.message) for w in caught] == []


def test_nul_bytes(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    (tmp_path / "app" / "nul.py").write_bytes(b"x = 1\ny = 2\x00\n")
    _, diagnostics, _ = check(capsys, str(tmp_path))
    (orm001,) = [d for d in diagnostics if d["code"] == "ORM001"]
    assert orm001["filename"].endswith("nul.py")
    assert orm001["location"] == {"row": 2, "column": 6}
    assert found(capsys, tmp_path) == [MODELS_FINDING, ("app/nul.py", 2, "ORM001")]


def test_invalid_utf8(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    (tmp_path / "app" / "latin.py").write_bytes(b"# comment\nimport os\nname = 'caf\xe9'\n")
    _, diagnostics, _ = check(capsys, str(tmp_path))
    (orm001,) = [d for d in diagnostics if d["code"] == "ORM001"]
    assert orm001["filename"].endswith("latin.py")
    assert orm001["location"] == {"row": 3, "column": 12}
    assert found(capsys, tmp_path) == [("app/latin.py", 3, "ORM001"), MODELS_FINDING]


def test_invalid_utf8_on_the_first_line_is_one_orm001(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    (tmp_path / "app" / "latin.py").write_bytes(b"name = 'caf\xe9'\n")
    result = found(capsys, tmp_path)
    assert result == [("app/latin.py", 1, "ORM001"), MODELS_FINDING]


@pytest.mark.xfail(strict=False, reason="parsing.decode_source reports undecodable bytes in the first two lines "
                   "at 1:1 as a bad encoding declaration (tokenize.detect_encoding), not at the byte")
def test_invalid_utf8_on_the_first_line_is_reported_at_the_byte(tmp_path: Path, capsys) -> None:
    (tmp_path / "latin.py").write_bytes(b"name = 'caf\xe9'\n")
    _, diagnostics, _ = check(capsys, str(tmp_path))
    assert diagnostics[0]["location"] == {"row": 1, "column": 12}


def test_latin1_with_coding_cookie_parses(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    (tmp_path / "app" / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n")
    assert found(capsys, tmp_path) == [MODELS_FINDING]


def test_deeply_nested_expression_is_orm001(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    (tmp_path / "app" / "deep.py").write_text("x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n")
    (tmp_path / "app" / "deep_unary.py").write_text("x = " + "-" * 10_000 + "1\n")
    (tmp_path / "app" / "deep_binop.py").write_text("x = " + "1 + " * 10_000 + "1\n")
    result = found(capsys, tmp_path)
    failures = [r for r in result if r[2] == "ORM001"]
    # Python 3.9 and 3.10 build the 10,000-term sum (its tree is analysed like
    # any other, within the extractors' depth limits); 3.11 and later reject it.
    binop = [("app/deep_binop.py", 1, "ORM001")] if sys.version_info >= (3, 11) else []
    assert failures == sorted([("app/deep.py", 1, "ORM001"), *binop, ("app/deep_unary.py", 1, "ORM001")])
    assert MODELS_FINDING in result


def test_deep_but_parsable_expressions_in_models(tmp_path: Path, capsys) -> None:
    depth = 900

    def chain(item: str) -> str:
        return " + ".join([item] * depth)

    write_example(tmp_path, {
        "app/__init__.py": INIT,
        "app/models.py": MODELS,
        "app/deep.py": (
            "from app import db\nclass Deep(db.Model):\n"
            f"    __tablename__ = {chain(repr('t'))}\n"
            f"    id = db.Column(db.Integer, primary_key=True, default={chain('1')})\n"
            f"    other_id = db.Column(db.Integer, db.ForeignKey({chain(repr('x'))}), index=True)\n"
            f"    r = db.relationship({chain(repr('User'))})\n"
            f"x = Deep{'.id' * depth}\n"
        ),
    })
    # (An analysis that blew up on them would never end: the suite would not finish.)
    status, diagnostics, err = check(capsys, str(tmp_path))
    assert err == ""
    assert ("app/models.py", 7, "ORM103") in [
        (Path(d["filename"]).relative_to(tmp_path).as_posix(), d["location"]["row"], d["code"]) for d in diagnostics
    ]


# --- encodings and line endings ----------------------------------------------------


@pytest.mark.parametrize("encoding, bom", [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_files_with_a_bom_parse_and_their_models_are_understood(tmp_path: Path, capsys, encoding: str, bom: bytes) -> None:
    project(tmp_path)
    (tmp_path / "app" / "other.py").write_bytes(bom + OTHER.lstrip("\n").encode(encoding))
    assert found(capsys, tmp_path) == [MODELS_FINDING, ("app/other.py", 7, "ORM103")]
    # The BOM-encoded file's table is known to the others: a FK to it is fine.
    (tmp_path / "app" / "models.py").write_text(CLEAN.lstrip("\n").replace("users.id", "members.id"))
    assert found(capsys, tmp_path) == [("app/other.py", 7, "ORM103")]


def test_utf8_bom_file_columns(tmp_path: Path, capsys) -> None:
    write_example(tmp_path, {"app/__init__.py": INIT})
    (tmp_path / "app" / "models.py").write_bytes(codecs.BOM_UTF8 + MODELS.lstrip("\n").encode())
    _, diagnostics, _ = check(capsys, str(tmp_path))
    assert [(d["location"]["row"], d["location"]["column"]) for d in diagnostics] == [(7, 5)]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_line_endings(tmp_path: Path, capsys, newline: str) -> None:
    write_example(tmp_path, {"app/__init__.py": INIT})
    source = MODELS.lstrip("\n").replace("\n", newline)
    (tmp_path / "app" / "models.py").write_bytes(source.encode())
    _, diagnostics, _ = check(capsys, str(tmp_path))
    assert [(d["code"], d["location"]["row"], d["location"]["column"]) for d in diagnostics] == [("ORM103", 7, 5)]


def test_non_ascii_identifiers_and_comments(tmp_path: Path, capsys) -> None:
    source = MODELS.replace("class Points(db.Model):", "class Punkte(db.Model):  # Prämienpunkte ✓")
    source = source.replace("user_id = db.Column", "ü_id = db.Column")
    write_example(tmp_path, {"app/__init__.py": INIT, "app/models.py": source})
    _, diagnostics, _ = check(capsys, str(tmp_path))
    (diagnostic,) = diagnostics
    assert "ü_id" in diagnostic["message"]
    assert diagnostic["location"] == {"row": 7, "column": 5}


# --- odd trees ------------------------------------------------------------------------


def test_empty_files_and_empty_directory(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    (tmp_path / "app" / "empty.py").write_bytes(b"")
    (tmp_path / "app" / "blank.py").write_bytes(b"\n\n   \n")
    (tmp_path / "app" / "comment.py").write_bytes(b"# just a comment")
    (tmp_path / "nothing").mkdir()
    assert found(capsys, tmp_path) == [MODELS_FINDING]
    status, diagnostics, err = check(capsys, str(tmp_path / "nothing"))
    assert (status, diagnostics, err) == (0, [], "")
    status, diagnostics, err = check(capsys, str(tmp_path / "app" / "empty.py"))
    assert (status, diagnostics, err) == (0, [], "")


def test_directory_named_like_a_python_file(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    (tmp_path / "app" / "x.py").mkdir()
    (tmp_path / "app" / "x.py" / "inner.py").write_text(OTHER.lstrip("\n"))
    assert found(capsys, tmp_path) == [MODELS_FINDING, ("app/x.py/inner.py", 7, "ORM103")]
    status, _, _ = check(capsys, str(tmp_path / "app" / "x.py"))
    assert status in (0, 1)


def test_non_python_files_are_ignored(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    (tmp_path / "app" / "notes.txt").write_text("def f(:\n")
    (tmp_path / "app" / "data.pyc").write_bytes(b"\x00\x01\x02")
    (tmp_path / "app" / "stub.pyi").write_text("def f(:\n")
    assert found(capsys, tmp_path) == [MODELS_FINDING]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_do_not_hang(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    try:
        os.symlink(tmp_path / "app", tmp_path / "app" / "loop", target_is_directory=True)
        os.symlink("..", tmp_path / "app" / "up", target_is_directory=True)
        os.symlink("self.py", tmp_path / "app" / "self.py")  # a link to itself
        os.symlink(tmp_path / "missing.py", tmp_path / "app" / "dangling.py")
    except OSError:
        pytest.skip("cannot create symlinks here")
    assert found(capsys, tmp_path) == [MODELS_FINDING]
    status, diagnostics, _ = check(capsys, str(tmp_path / "app" / "loop"))
    assert [d["code"] for d in diagnostics] == ["ORM103"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinked_file_is_analysed_once(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    try:
        os.symlink(tmp_path / "app" / "models.py", tmp_path / "app" / "alias.py")
    except OSError:
        pytest.skip("cannot create symlinks here")
    _, diagnostics, _ = check(capsys, str(tmp_path))
    assert [d["code"] for d in diagnostics] == ["ORM103"]


def test_path_that_is_a_symlink_loop_exits_2(tmp_path: Path, capsys) -> None:
    try:
        os.symlink(tmp_path / "loop", tmp_path / "loop")
    except OSError:
        pytest.skip("cannot create symlinks here")
    status = main([str(tmp_path / "loop")])
    _, err = capsys.readouterr()
    assert status == 2 and len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_unreadable_file(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    secret = tmp_path / "app" / "secret.py"
    secret.write_text("x = 1\n")
    secret.chmod(0)
    try:
        status, diagnostics, err = check(capsys, str(tmp_path))
        assert ("app/models.py", 7, "ORM103") in found(capsys, tmp_path)
        if os.geteuid() != 0:  # root reads it anyway
            (orm001,) = [d for d in diagnostics if d["code"] == "ORM001"]
            assert orm001["filename"].endswith("secret.py")
            assert "read" in orm001["message"]
    finally:
        secret.chmod(0o644)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_unreadable_directory(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    locked = tmp_path / "app" / "locked"
    locked.mkdir()
    (locked / "m.py").write_text(OTHER)
    locked.chmod(0)
    try:
        assert MODELS_FINDING in found(capsys, tmp_path)
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("name", [".venv", "venv", "node_modules", "build", "dist", ".git", "__pycache__", ".tox", "site-packages"])
def test_default_excluded_directories(tmp_path: Path, capsys, name: str) -> None:
    project(tmp_path)
    write_example(tmp_path, {f"{name}/lib/pkg/models.py": "from app import db\n" + OTHER, f"app/{name}/gen.py": OTHER})
    (tmp_path / name / "lib" / "pkg" / "broken.py").write_text("def f(:\n")
    assert found(capsys, tmp_path) == [MODELS_FINDING]


def test_excluded_directory_given_explicitly_is_analysed(tmp_path: Path, capsys) -> None:
    write_example(tmp_path, {"build/app/__init__.py": INIT, "build/app/models.py": MODELS})
    status, diagnostics, _ = check(capsys, str(tmp_path / "build"))
    assert [d["code"] for d in diagnostics] == ["ORM103"]


def test_same_file_given_twice_is_reported_once(tmp_path: Path, capsys) -> None:
    project(tmp_path)
    _, diagnostics, _ = check(capsys, str(tmp_path), str(tmp_path / "app"), str(tmp_path / "app" / "models.py"))
    assert [d["code"] for d in diagnostics] == ["ORM103"]


def test_many_small_problems_in_one_tree(tmp_path: Path, capsys) -> None:
    """Everything above at once: still one ORM001 per bad file and the FK finding."""
    project(tmp_path)
    app = tmp_path / "app"
    (app / "broken.py").write_text("class (:\n")
    (app / "nul.py").write_bytes(b"\x00")
    (app / "latin.py").write_bytes(b"\n\nx = '\xff'\n")
    (app / "bom16.py").write_bytes(codecs.BOM_UTF16_LE + "x = 1\r\n".encode("utf-16-le"))
    (app / "empty.py").write_bytes(b"")
    (app / "x.py").mkdir()
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "bad.py").write_text("def (:\n")
    result = found(capsys, tmp_path)
    assert result == [
        ("app/broken.py", 1, "ORM001"),
        ("app/latin.py", 3, "ORM001"),
        MODELS_FINDING,
        ("app/nul.py", 1, "ORM001"),
    ]


# --- ormlint's own bugs: one line on stderr, exit 2, the rest still reported -----------


def test_a_crashing_rule_is_one_line_and_the_others_still_report(tmp_path: Path, capsys, monkeypatch) -> None:
    from ormlint.rules import RULES_BY_CODE

    def boom(self, ctx):
        raise RuntimeError("boom\nsecond line")
        yield  # pragma: no cover

    project(tmp_path)
    (tmp_path / "app" / "broken.py").write_text("def f(:\n")
    monkeypatch.setattr(RULES_BY_CODE["ORM101"], "check", boom)
    status = main(["--format", "json", str(tmp_path)])
    out, err = capsys.readouterr()
    assert status == 2
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1 and "ORM101" in err and "RuntimeError" in err
    assert sorted(d["code"] for d in json.loads(out)) == ["ORM001", "ORM103"]


def test_a_crash_while_reading_one_file_loses_only_that_file(tmp_path: Path, capsys, monkeypatch) -> None:
    import ormlint.filefacts as filefacts

    real = filefacts.extract_module

    def flaky(tree, path, *args, **kwargs):
        if path.endswith("other.py"):
            raise ValueError("cannot cope")
        return real(tree, path, *args, **kwargs)

    project(tmp_path)
    (tmp_path / "app" / "other.py").write_text(OTHER.lstrip("\n"))
    monkeypatch.setattr(filefacts, "extract_module", flaky)
    status = main(["-q", str(tmp_path)])
    out, err = capsys.readouterr()
    assert status == 2
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1 and "other.py" in err and "ValueError" in err
    (line,) = out.splitlines()
    assert line.startswith(f"{tmp_path / 'app' / 'models.py'}:7:5: ORM103 ")


def test_a_crash_anywhere_else_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    import ormlint.engine as engine

    def broken(*args, **kwargs):
        raise KeyError("index")

    project(tmp_path)
    monkeypatch.setattr(engine, "build_index", broken)
    status = main([str(tmp_path)])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert "Traceback" not in err and len(err.splitlines()) == 1 and "internal error" in err


def test_a_20_mb_generated_file(tmp_path: Path, capsys) -> None:
    """A generated module of 20 MB (data tables, like a `_pb2.py` or a fixture
    dump) is analysed like any other, and so is the rest of the project."""
    project(tmp_path)
    row = "    (%d, 'generated row %d', b'\\x00\\x01', None, 3.5),\n"
    rows = "".join(row % (i, i) for i in range(20_000))
    blob = "x" * 1_000_000
    chunks = [f"BLOB_{i} = '{blob}'\n" for i in range(18)]
    text = "# generated\nROWS = [\n" + rows + "]\n" + "".join(chunks) + "def lookup(key):\n    return ROWS[key]\n"
    assert len(text) > 19_000_000
    (tmp_path / "app" / "generated_data.py").write_text(text)
    result = found(capsys, tmp_path, "--no-cache")
    assert result == [MODELS_FINDING]
