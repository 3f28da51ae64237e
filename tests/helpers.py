"""Shared test helpers: write example projects, read expected `# ORMxxx` marks, run ormlint."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path
from typing import Optional, Union

from ormlint.config import Config
from ormlint.engine import build_index, run
from ormlint.extract import extract_module
from ormlint.selection import resolve_selection
from ormlint.symbols import SymbolTable
from ormlint.usage import UsageResolver

MARK = re.compile(r"#\s*(ORM\d{3}(?:[\s,]+ORM\d{3})*)\s*$")

Example = Union[str, dict[str, str]]


def write_example(root: Path, example: Example) -> None:
    files = {"models.py": example} if isinstance(example, str) else example
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")


def expected_marks(root: Path) -> set[tuple[str, int, str]]:
    """(relative path, line, code) for every trailing `# ORMxxx` comment under root."""
    expected: set[tuple[str, int, str]] = set()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            match = MARK.search(line)
            if match:
                for code in re.split(r"[\s,]+", match.group(1)):
                    expected.add((relative, number, code))
    return expected


def reported(root: Path, select: Optional[list[str]] = None, config: Optional[Config] = None) -> set[tuple[str, int, str]]:
    config = config or Config()
    rules = resolve_selection(select if select is not None else config.select, config.ignore, config.extend_select)
    result = run([root], config, rules)
    assert not result.internal_errors, result.internal_errors
    found = set()
    for diagnostic in result.diagnostics:
        relative = Path(diagnostic.filename).resolve().relative_to(root.resolve()).as_posix()
        found.add((relative, diagnostic.location.row, diagnostic.code))
    return found


def filter_codes(marks: set[tuple[str, int, str]], codes: set[str]) -> set[tuple[str, int, str]]:
    return {mark for mark in marks if mark[2] in codes}


def usage_resolver(sources: dict[str, str]) -> UsageResolver:
    """A fresh usage resolver over a project given as {path: source} (extracted in memory)."""
    modules = {}
    for path, source in sources.items():
        module = path[: -len(".py")].replace("/", ".").replace(".__init__", "")
        modules[module] = extract_module(ast.parse(textwrap.dedent(source)), path, module, path.endswith("__init__.py"))
    index = build_index(modules, set())
    return UsageResolver(index, index.symbols or SymbolTable(index.modules))
