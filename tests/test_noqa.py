"""Suppression comments, through the whole run and on their own."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import pytest

from helpers import write_example
from ormlint.config import Config
from ormlint.engine import run
from ormlint.rules import ALL_RULES
from ormlint import noqa
from ormlint.noqa import is_suppressed, parse_comment, parse_suppressions
from ormlint.selection import resolve_selection
from test_cli import INIT

HEADER = """from app import db
class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
class Points(db.Model):
    id = db.Column(db.Integer, primary_key=True)
"""
# Line 7 of the file: ORM103 (String FK to an Integer key).
MISMATCH = '    user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)'
# Line 7: ORM103; line 8: ORM101 (a FK to a table nobody defines).
BOTH = '    user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)\n    other_id = db.Column(db.String(10), db.ForeignKey("nowhere.id"), index=True)'


def codes_in(root: Path, body: str) -> list[tuple[int, str]]:
    write_example(root, {"app/__init__.py": INIT, "app/models.py": HEADER + body + "\n"})
    config = Config()
    result = run([root], config, resolve_selection(None, [], []))
    assert not result.internal_errors
    return sorted((d.location.row, d.code) for d in result.diagnostics)


def test_unsuppressed_baseline(tmp_path: Path) -> None:
    assert codes_in(tmp_path, MISMATCH) == [(7, "ORM103")]


@pytest.mark.parametrize(
    "comment",
    [
        "# noqa",
        "#noqa",
        "# NOQA",
        "# noqa: ORM103",
        "# noqa:ORM103",
        "# noqa: orm103",
        "# noqa: ORM101,ORM103",
        "# noqa: ORM101, ORM103",
        "# noqa: ORM101 ORM103",
        "# noqa: E711,ORM103",
        "# noqa: ORM1",
        "# noqa: fk-type-mismatch",
        "# noqa: ORM103 -- the column holds legacy string ids",
        "# ormlint: noqa",
        "# ormlint: noqa[ORM103]",
        "# ormlint: noqa[ORM101, ORM103]",
        "# ormlint: noqa[fk-type-mismatch]",
        "# type: ignore[arg-type]  # noqa: ORM103",
        "# pragma: no cover # ormlint: noqa[ORM103]",
    ],
)
def test_suppresses(tmp_path: Path, comment: str) -> None:
    assert codes_in(tmp_path, f"{MISMATCH}  {comment}") == []


@pytest.mark.parametrize(
    "comment",
    [
        "# noqa: E711",
        "# noqa: ORM101",
        "# noqa: F401,E711",
        "# noqa: ORM104",
        "# noqa: fk-unknown-table",
        "# noqa: ORM101 -- not ORM103 though",
        "# noqa: E711 because ORM103 is intended",
        "# ormlint: noqa[ORM101]",
        "# ormlint: noqa[E711]",
        "# this is not a noqa comment",
        "# see ormlint: docs",
    ],
)
def test_does_not_suppress(tmp_path: Path, comment: str) -> None:
    assert codes_in(tmp_path, f"{MISMATCH}  {comment}") == [(7, "ORM103")]


def test_only_the_named_code_on_that_line_is_suppressed(tmp_path: Path) -> None:
    assert codes_in(tmp_path, BOTH) == [(7, "ORM103"), (8, "ORM101")]
    body = BOTH.replace('"nowhere.id"), index=True)', '"nowhere.id"), index=True)  # noqa: ORM101')
    assert codes_in(tmp_path, body) == [(7, "ORM103")]
    body = BOTH.replace('"nowhere.id"), index=True)', '"nowhere.id"), index=True)  # noqa: ORM103')
    assert codes_in(tmp_path, body) == [(7, "ORM103"), (8, "ORM101")]
    body = BOTH.replace('"users.id"), index=True)', '"users.id"), index=True)  # noqa: ORM101')
    assert codes_in(tmp_path, body) == [(7, "ORM103"), (8, "ORM101")]


def test_noqa_inside_a_string_does_not_suppress(tmp_path: Path) -> None:
    body = '    user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True, comment="# noqa")'
    assert codes_in(tmp_path, body) == [(7, "ORM103")]
    body = '    user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True, comment="x")  # noqa'
    assert codes_in(tmp_path, body) == []


def test_noqa_in_a_docstring_line_does_not_suppress_that_line(tmp_path: Path) -> None:
    body = '    """Points.\n    # noqa\n    """\n    user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True)'
    assert codes_in(tmp_path, body) == [(10, "ORM103")]
    # A multi-line string that starts on the reported line.
    body = '    user_id = db.Column(db.String(100), db.ForeignKey("users.id"), index=True, doc="""# noqa\n    """)'
    assert codes_in(tmp_path, body) == [(7, "ORM103")]


def test_comment_must_be_on_the_first_line_of_the_statement(tmp_path: Path) -> None:
    first = '    user_id = db.Column(  # noqa: ORM103\n        db.String(100),\n        db.ForeignKey("users.id"),\n        index=True,\n    )'
    assert codes_in(tmp_path, first) == []
    later = '    user_id = db.Column(\n        db.String(100),\n        db.ForeignKey("users.id"),\n        index=True,\n    )  # noqa: ORM103'
    assert codes_in(tmp_path, later) == [(7, "ORM103")]
    middle = '    user_id = db.Column(\n        db.String(100),  # noqa: ORM103\n        db.ForeignKey("users.id"),\n        index=True,\n    )'
    assert codes_in(tmp_path, middle) == [(7, "ORM103")]


def test_noqa_on_the_line_before_does_not_suppress(tmp_path: Path) -> None:
    assert codes_in(tmp_path, f"    # noqa: ORM103\n{MISMATCH}") == [(8, "ORM103")]


def test_form_feed_does_not_shift_lines(tmp_path: Path) -> None:
    # Python does not end a line at a form feed; str.splitlines() does.
    body = f"    \x0c\n{MISMATCH}  # noqa: ORM103"
    assert codes_in(tmp_path, body) == []
    body = f"    x = 1  # \x0c\n{MISMATCH}"
    assert codes_in(tmp_path, body) == [(8, "ORM103")]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_other_line_endings(tmp_path: Path, newline: str) -> None:
    write_example(tmp_path, {"app/__init__.py": INIT})
    source = HEADER + MISMATCH + "  # noqa: ORM103\n" + MISMATCH.replace("user_id", "user2_id") + "\n"
    (tmp_path / "app" / "models.py").write_bytes(source.replace("\n", newline).encode())
    result = run([tmp_path], Config(), resolve_selection(None, [], []))
    assert [(d.location.row, d.code) for d in result.diagnostics] == [(8, "ORM103")]


# --- the comment parser on its own --------------------------------------------------


@pytest.mark.parametrize(
    "comment, expected",
    [
        ("# noqa", None),
        ("# noqa:", None),
        ("# noqa: ORM101,ORM103", frozenset({"ORM101", "ORM103"})),
        ("# noqa: fk-type-mismatch", frozenset({"ORM103"})),
        ("# noqa: ORM10", frozenset(rule.code for rule in ALL_RULES if rule.code.startswith("ORM10"))),
        ("# noqa: E711", frozenset({"E711"})),
        ("# noqa: E711 explanation", frozenset({"E711"})),
        ("# ormlint: noqa[ORM101]", frozenset({"ORM101"})),
        ("# ormlint: noqa[]", None),
    ],
)
def test_parse_comment(comment: str, expected) -> None:
    assert parse_comment(comment) == (True, expected)


def test_parse_comment_ignores_plain_comments() -> None:
    assert parse_comment("# nothing to see")[0] is False
    assert parse_comment("# the noqa docs")[0] is False


def test_parse_suppressions_and_is_suppressed() -> None:
    text = 'a = 1  # noqa\nb = "# noqa"\nc = 2  # noqa: ORM101\n'
    suppressions = parse_suppressions(text)
    assert suppressions == {1: None, 3: frozenset({"ORM101"})}
    assert is_suppressed(suppressions, 1, "ORM103")
    assert not is_suppressed(suppressions, 2, "ORM103")
    assert is_suppressed(suppressions, 3, "ORM101")
    assert not is_suppressed(suppressions, 3, "ORM103")


def test_parse_suppressions_survives_untokenizable_text() -> None:
    # Unterminated triple-quoted string: tokenize fails, the line scan still finds comments.
    text = 'a = 1  # noqa: ORM101\nb = """\n'
    assert parse_suppressions(text) == {1: frozenset({"ORM101"})}


def _tokenized_comments(text: str) -> list[tuple[int, str]]:
    return [(t.start[0], t.string) for t in tokenize.generate_tokens(io.StringIO(text, newline=None).readline) if t.type == tokenize.COMMENT]


@pytest.mark.parametrize(
    "text",
    [
        "x = 1  # noqa\ny = '# not a comment'  # noqa: ORM101\n",
        "a = '''\n# inside\n'''  # after\r\nb = 2 # crlf\rc = 3 # cr\n",
        's = f"{x!r} # {y:>{w}}"  # real\n# own line\n\x0c# after a form feed\n',
        "t = (1,  # in brackets\n     2)\nu = rb'\\'#' \\\n    # continued\n",
        "",
        "# only a comment",
    ],
)
def test_scanned_comments_are_the_tokenized_ones(text: str) -> None:
    # The fast path (the string scanner) finds what tokenize finds, on the same lines.
    assert list(noqa.comments(text)) == _tokenized_comments(text)
