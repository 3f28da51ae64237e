"""Find the Python files to analyse and name their modules."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence


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
    seen: set[str] = set()  # real paths, as os.path.normcase gives them
    used_modules: set[str] = set()
    packages = _Packages()
    for given in paths:
        root = given.resolve()
        if root.is_file():
            _add(found, seen, used_modules, root, _real(root), os.path.relpath(root, root.parent), str(given),
                 module_name(root, root.parent, packages.by_path))
            continue
        # The display name is the PATH joined with the path under it, normalised:
        # normalising the PATH once is the same, as the path under it has no `.`,
        # `..` or empty parts.
        shown = _prefix(os.path.normpath(str(given)))
        last, directory_path, prefix = "", root, ""
        for directory, name, relative, is_link in _walk(str(root), exclude, project_root, packages):
            if directory != last:  # the walk gives a directory's files one after the other
                last, directory_path, prefix = directory, Path(directory), _prefix(directory)
            full = prefix + name  # os.path.join(directory, name)
            path = directory_path / name if _CHILD_BY_JOIN else Path(full)
            # The walk starts at a real path and never enters a linked directory,
            # so on POSIX only a linked file can have a real path of its own.
            real = _real(path) if is_link or os.name != "posix" else os.path.normcase(full)
            display = shown + relative
            if name.startswith("."):  # `.py`, `..py`: named as pathlib names them
                names = module_name(path, root, packages.by_path)
            else:
                names = packages.module(directory, name, relative)
            _add(found, seen, used_modules, path, real, relative, display, names)
    return found


# Path(directory) / name makes a Path in a third of the time Path(full) takes,
# before Python 3.12; since, Path(full) is the quicker (it parses lazily).
_CHILD_BY_JOIN = sys.version_info < (3, 12)


def _prefix(directory: str) -> str:
    """What os.path.join(directory, name) puts before a name (nothing for `.`,
    as os.path.normpath would remove it)."""
    return "" if directory == os.curdir else os.path.join(directory, "")


def _real(path: Path) -> str:
    return os.path.normcase(str(path.resolve()))


def _add(
    found: list[SourceFile], seen: set[str], used_modules: set[str], path: Path, real: str, relative: str, display: str,
    names: tuple[str, bool],
) -> None:
    if real in seen:
        return
    seen.add(real)
    module, is_package = names
    if module in used_modules or not module:
        # Two files claim one module name (scripts, tests): keep both,
        # the later one under a name nobody imports.
        module = "<file>" + relative.replace(os.sep, "/")
    used_modules.add(module)
    found.append(SourceFile(path, display, module, is_package))


class _Packages:
    """Which directories are packages (hold an `__init__.py` file) and the dotted
    name each package directory gives its modules, remembered per directory: the
    walk records what the directory listings show, directories above the walked
    PATHs are asked once."""

    def __init__(self) -> None:
        self.by_path: dict[Path, bool] = {}  # for module_name()
        self.is_package: dict[str, bool] = {}
        self.dotted: dict[str, str] = {}

    def is_package_directory(self, directory: str) -> bool:
        found = self.is_package.get(directory)
        if found is None:
            found = self.is_package[directory] = (Path(directory) / "__init__.py").is_file()
        return found

    def package_name(self, directory: str) -> str:
        """The dotted name of a package directory: its name after those of the
        package directories around it (as module_name() climbs)."""
        name = self.dotted.get(directory)
        if name is None:
            parent = os.path.dirname(directory)
            if parent == directory:
                name = ""
            else:
                outer = self.package_name(parent) if self.is_package_directory(parent) else ""
                base = os.path.basename(directory)
                name = f"{outer}.{base}" if outer else base
            self.dotted[directory] = name
        return name

    def module(self, directory: str, name: str, relative: str) -> tuple[str, bool]:
        """module_name() of `directory/name`, `relative` under the walked root; the
        name does not start with a dot, so its stem is the name without `.py`."""
        is_package = name == "__init__.py"
        if self.is_package_directory(directory):
            package = self.package_name(directory)
            if is_package:
                return package, True
            return (f"{package}.{name[:-3]}" if package else name[:-3]), False
        # Not inside a package: named by its place under the walked root.
        return relative[:-3].replace(os.sep, "."), is_package


def _walk(
    root: str, patterns: list[str], project_root: Optional[Path], packages: _Packages
) -> Iterator[tuple[str, str, str, bool]]:
    """(directory, name, path under root, is a symbolic link) of each `.py` file
    under `root` (a real path) that `patterns` do not exclude, in the order of
    os.walk with sorted names: a directory's files, then its subdirectories.

    Symbolic links to directories are not followed, so a link loop cannot make
    the walk run forever; unreadable directories are skipped."""
    anywhere, anchored = _compiled(tuple(patterns))
    anchor = str(project_root) if project_root is not None and anchored is not None else None
    normcase = os.path.normcase
    sep = os.sep

    def excluded(relative: str, name: str, directory: str, under_anchor: Optional[str]) -> bool:
        # is_excluded(): the parts of `relative` before `name` were checked when
        # the walk entered their directories.
        if anywhere is not None:
            if anywhere.match(normcase(relative.replace(sep, "/"))) or anywhere.match(normcase(name)):
                return True
        if anchor is None or anchored is None:
            return False
        if under_anchor is None:  # the directory is not under the anchor: the path may be
            project_relative = os.path.relpath(os.path.join(directory, name), anchor)
        else:
            project_relative = os.path.join(under_anchor, name) if under_anchor != os.curdir else name
        project_relative = project_relative.replace(sep, "/")
        if project_relative == ".." or project_relative.startswith("../"):
            return False
        return anchored.match(normcase(project_relative)) is not None

    stack: list[tuple[str, str]] = [(root, "")]  # a directory and its path under root (with a separator)
    while stack:
        directory, prefix = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError:
            continue
        directories: list[tuple[str, os.DirEntry[str]]] = []
        files: list[tuple[str, os.DirEntry[str]]] = []
        package = False
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                directories.append((entry.name, entry))
            elif entry.name.endswith(".py"):
                files.append((entry.name, entry))
                if entry.name == "__init__.py":
                    package = _is_file(entry)
        packages.is_package[directory] = package
        if prefix and any(name.endswith(".dist-info") for name, _ in directories):
            # Where pip installed distributions (`pip install --target libs`, as
            # bazarr vendors SQLAlchemy itself): third-party code. Analysed, its
            # `sqlalchemy` package would pass for the project's own module.
            continue
        under_anchor: Optional[str] = None
        if anchor is not None:
            under_anchor = os.path.relpath(directory, anchor)
            if under_anchor == os.pardir or under_anchor.startswith(os.pardir + sep):
                under_anchor = None
        files.sort()
        for name, entry in files:
            relative = prefix + name
            if not excluded(relative, name, directory, under_anchor) and _is_file(entry):
                yield directory, name, relative, _is_link(entry)
        directories.sort(reverse=True)  # popped in sorted order
        for name, entry in directories:
            if not _is_link(entry) and not excluded(prefix + name, name, directory, under_anchor):
                stack.append((os.path.join(directory, name), prefix + name + sep))


def _is_file(entry: os.DirEntry[str]) -> bool:
    """Path.is_file(): a regular file, through symbolic links."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def find_alembic_configs(paths: Sequence[Path], sources: Sequence[SourceFile]) -> tuple[tuple[str, str], ...]:
    """(absolute path, text) of the ini files that configure Alembic: in the
    analysed directories and in every directory between them and an `env.py`.
    A few directory listings, not a second walk of the tree."""
    candidates: set[Path] = set()
    roots = [p.resolve() for p in paths]
    for root in roots:
        candidates.add(root if root.is_dir() else root.parent)
    for source in sources:
        if source.path.name != "env.py":
            continue
        directory = source.path.parent.resolve()
        for _ in range(6):
            candidates.add(directory)
            if any(directory == root for root in roots) or directory.parent == directory:
                break
            directory = directory.parent
    found: list[tuple[str, str]] = []
    for directory in sorted(candidates):
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            if not name.endswith(".ini") and name != "pyproject.toml":
                continue
            full = directory / name
            try:
                text = full.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if "script_location" in text and (name.endswith(".ini") or "[tool.alembic]" in text):
                found.append((str(full), text))
    return tuple(found)


