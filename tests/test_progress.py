"""Progress: one line on a terminal's stderr for runs over 500 files, never otherwise."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ormlint.cli import ProgressLine, main


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def many_files(root: Path, count: int) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.ormlint]\n")
    for number in range(count):
        (root / f"m{number}.py").write_text(f"X{number} = {number}\n")
    (root / "bad.py").write_text("from sqlalchemy import Column, Integer, String, ForeignKey\nfrom sqlalchemy.orm import declarative_base\nBase = declarative_base()\nclass A(Base):\n    __tablename__ = 'a'\n    id = Column(Integer, primary_key=True)\n    b_id = Column(Integer, ForeignKey('nope.id'), index=True)\n")
    return root


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return many_files(tmp_path_factory.mktemp("progress") / "big", 500)  # 501 files with bad.py


def run_with(monkeypatch, capsys, stderr: io.StringIO, *args: str) -> tuple[int, str]:
    monkeypatch.setattr("sys.stderr", stderr)
    status = main(["--no-cache", *args])
    return status, capsys.readouterr().out


def test_progress_on_a_terminal_for_a_large_run(big: Path, monkeypatch, capsys) -> None:
    terminal = Terminal()
    status, out = run_with(monkeypatch, capsys, terminal, str(big))
    assert status == 1 and "ORM101" in out and "reading files" not in out
    err = terminal.getvalue()
    assert "\rormlint: reading files 0/501" in err and "ormlint: checking 501 files" in err
    assert "\n" not in err  # one line, rewritten in place ...
    assert err.endswith("\r") and err.rsplit("\r", 2)[-2].strip() == ""  # ... and erased at the end


@pytest.mark.parametrize("args", [["--format", "json"], ["--format", "sarif"], ["--format", "github"], ["--quiet"]])
def test_no_progress_in_machine_formats_or_quiet(big: Path, monkeypatch, capsys, args: list[str]) -> None:
    terminal = Terminal()
    status, out = run_with(monkeypatch, capsys, terminal, *args, str(big))
    assert status == 1 and terminal.getvalue() == ""
    if args[1:] == ["json"]:
        assert json.loads(out)


def test_no_progress_without_a_terminal(big: Path, monkeypatch, capsys) -> None:
    pipe = io.StringIO()
    run_with(monkeypatch, capsys, pipe, str(big))
    assert pipe.getvalue() == ""


def test_no_progress_for_small_runs(tmp_path: Path, monkeypatch, capsys) -> None:
    small = many_files(tmp_path / "small", 20)
    terminal = Terminal()
    run_with(monkeypatch, capsys, terminal, str(small))
    assert terminal.getvalue() == ""


def test_progress_line_is_throttled() -> None:
    terminal = Terminal()
    line = ProgressLine(terminal)
    for done in range(2000):
        line("reading", done, 2000)
    assert terminal.getvalue().count("\r") < 10
    line.clear()
    assert ProgressLine.wanted(terminal) and not ProgressLine.wanted(io.StringIO())
