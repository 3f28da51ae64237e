"""Find the Python files to analyse and name their modules."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    display: str  # as reached from the PATH argument
    module: str
    is_package: bool


def _normalize_pattern(pattern: str) -> str:
    pattern = pattern.replace("\\", "/").rstrip("/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern


def is_excluded(relative: str, patterns: Iterable[str], project_relative: Optional[str] = None) -> bool:
    """Whether a path is excluded.

    `relative` is the path under the walked PATH: a pattern matches it whole or
    any one of its parts (`node_modules`). `project_relative` is the path under
    the directory of the pyproject.toml the patterns came from: path patterns
    (`app/legacy`, `migrations/*.py`) are anchored there, so they work whichever
    directory ormlint is run from or pointed at.
    """
    anywhere, anchored = _compiled(tuple(patterns))
    relative = relative.replace(os.sep, "/")
    if project_relative is not None:
        project_relative = project_relative.replace(os.sep, "/")
        if project_relative == ".." or project_relative.startswith("../"):
            project_relative = None
    if anywhere is not None:
        if anywhere.match(os.path.normcase(relative)):
            return True
        if any(anywhere.match(os.path.normcase(part)) for part in relative.split("/")):
            return True
    return anchored is not None and project_relative is not None and anchored.match(os.path.normcase(project_relative)) is not None


@functools.lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[Optional[re.Pattern[str]], Optional[re.Pattern[str]]]:
    """One regular expression for all the patterns (as `fnmatch` reads each), and
    one for the path patterns (with a `/`), which are also anchored at the project."""
    normalized = [pattern for pattern in (_normalize_pattern(p) for p in patterns) if pattern]

    def combine(selected: list[str]) -> Optional[re.Pattern[str]]:
        if not selected:
            return None
        return re.compile("|".join(f"(?:{fnmatch.translate(os.path.normcase(pattern))})" for pattern in selected))

    return combine(normalized), combine([pattern for pattern in normalized if "/" in pattern])


def _walk(root: Path, patterns: list[str], project_root: Optional[Path] = None) -> Iterator[Path]:
    def excluded(full: Path) -> bool:
        relative = os.path.relpath(full, root)
        project_relative = os.path.relpath(full, project_root) if project_root is not None else None
        return is_excluded(relative, patterns, project_relative)

    # os.walk does not follow symbolic links to directories, so a link loop
    # cannot make it run forever; unreadable directories are skipped.
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(directory)
        dirnames[:] = [name for name in sorted(dirnames) if not excluded(base / name)]
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            full = base / name
            if excluded(full) or not full.is_file():
                continue
            yield full


def module_name(path: Path, root: Path, packages: Optional[dict[Path, bool]] = None) -> tuple[str, bool]:
    """Dotted module name: the package chain (`__init__.py` files), else the path under root.

    `packages` remembers which directories have an `__init__.py` (one stat per
    directory instead of one per file and level)."""
    known = packages if packages is not None else {}

    def is_package_directory(directory: Path) -> bool:
        found = known.get(directory)
        if found is None:
            found = known[directory] = (directory / "__init__.py").is_file()
        return found

    is_package = path.name == "__init__.py"
    directory = path.parent
    if is_package_directory(directory):
        parts: list[str] = [] if is_package else [path.stem]
        while is_package_directory(directory) and directory.parent != directory:
            parts.append(directory.name)
            directory = directory.parent
        return ".".join(reversed(parts)), is_package
    # Not inside a package (scripts, namespace packages): name it by its
    # place under the analysed root, as `python -m` run from there would.
    try:
        relative = path.relative_to(root).with_suffix("")
    except ValueError:
        relative = Path(path.stem)
    return ".".join(relative.parts), is_package


def discover(paths: list[Path], exclude: list[str], project_root: Optional[Path] = None) -> list[SourceFile]:
    """Python files under `paths`, each once, with display names and module names.

    `project_root` anchors path patterns in `exclude` (the directory of the
    pyproject.toml they were read from).
    """
    if project_root is not None:
        project_root = project_root.resolve()
    found: list[SourceFile] = []
    seen: set[Path] = set()
    used_modules: set[str] = set()
    packages: dict[Path, bool] = {}
    for given in paths:
        root = given.resolve()
        files: Iterable[Path] = [root] if root.is_file() else _walk(root, exclude, project_root)
        base = root.parent if root.is_file() else root
        for path in files:
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            relative = os.path.relpath(path, base)
            display = os.path.normpath(os.path.join(str(given), relative)) if root.is_dir() else str(given)
            module, is_package = module_name(path, base, packages)
            if module in used_modules or not module:
                # Two files claim one module name (scripts, tests): keep both,
                # the later one under a name nobody imports.
                module = "<file>" + relative.replace(os.sep, "/")
            used_modules.add(module)
            found.append(SourceFile(path, display, module, is_package))
    return found
