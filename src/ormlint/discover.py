"""Find the Python files to analyse and name their modules."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    display: str  # as reached from the PATH argument
    module: str
    is_package: bool


def is_excluded(relative: str, patterns: Iterable[str]) -> bool:
    parts = relative.replace(os.sep, "/").split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(relative, pattern) or any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def _walk(root: Path, patterns: list[str]) -> Iterator[Path]:
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(directory)
        keep = []
        for name in sorted(dirnames):
            relative = os.path.relpath(base / name, root)
            if not is_excluded(relative, patterns):
                keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            full = base / name
            if is_excluded(os.path.relpath(full, root), patterns) or not full.is_file():
                continue
            yield full


def module_name(path: Path, root: Path) -> tuple[str, bool]:
    """Dotted module name: the package chain (`__init__.py` files), else the path under root."""
    is_package = path.name == "__init__.py"
    directory = path.parent
    if (directory / "__init__.py").is_file():
        parts: list[str] = [] if is_package else [path.stem]
        while (directory / "__init__.py").is_file() and directory.parent != directory:
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


def discover(paths: list[Path], exclude: list[str]) -> list[SourceFile]:
    """Python files under `paths`, each once, with display names and module names."""
    found: list[SourceFile] = []
    seen: set[Path] = set()
    used_modules: set[str] = set()
    for given in paths:
        root = given.resolve()
        files: Iterable[Path] = [root] if root.is_file() else _walk(root, exclude)
        base = root.parent if root.is_file() else root
        for path in files:
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            relative = os.path.relpath(path, base)
            display = os.path.normpath(os.path.join(str(given), relative)) if root.is_dir() else str(given)
            module, is_package = module_name(path, base)
            if module in used_modules or not module:
                # Two files claim one module name (scripts, tests): keep both,
                # the later one under a name nobody imports.
                module = "<file>" + relative.replace(os.sep, "/")
            used_modules.add(module)
            found.append(SourceFile(path, display, module, is_package))
    return found
