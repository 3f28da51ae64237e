"""The flake8 plugin (`ORM` codes): a thin adapter over the ormlint engine.

flake8 hands plugins one file at a time, possibly in several processes
(`flake8 -j`). ormlint's checks need the whole project, so for each file the
plugin finds its project root (the directory of the pyproject.toml holding
`[tool.ormlint]`, else the nearest one with a pyproject.toml, `.git` or `.hg`),
analyses that project once per process (through the cache of per-file facts in
`.ormlint_cache/`, so only changed files are parsed) and yields the diagnostics
located in the file it was handed. flake8 then applies its own `--select`,
`--extend-select`, `--ignore`, per-file-ignores and `# noqa` comments;
`[tool.ormlint]` settings (rule selection, excludes, per-file-ignores) still apply
first. No rule logic lives here.

This module is loaded only by flake8 (through the `flake8.extension` entry
point); `import ormlint` does not import it, nor flake8.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ormlint import __version__

_STATS_VARIABLE = "ORMLINT_DEBUG_STATS"


@dataclass
class _Project:
    """The diagnostics of one analysed project, by the real path of their file."""

    by_file: dict[str, list[Any]] = field(default_factory=dict)


# One analysis per project root (or lone file) and per process.
_PROJECTS: dict[tuple[str, str], _Project] = {}


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def _warn(message: str) -> None:
    sys.stderr.write(f"ormlint (flake8 plugin): {' '.join(message.split())}\n")


def _analyse(path: Path) -> _Project:
    from ormlint.cache import FactsCache, default_cache_directory
    from ormlint.config import ConfigError, find_project_root, find_pyproject, load_config
    from ormlint.engine import run

    config_path = find_pyproject(path.resolve())
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        key = (str(config_path), "config-error")
        if key not in _PROJECTS:
            _warn(f"{config_path}: {exc}")
            _PROJECTS[key] = _Project()
        return _PROJECTS[key]
    root = find_project_root(path, config_path)
    target = root if root is not None else path.resolve()
    key = (str(target), str(config_path))
    project = _PROJECTS.get(key)
    if project is not None:
        return project
    cache_dir = default_cache_directory([target], config)
    # Paths in messages as ormlint prints them: relative to the working directory
    # when the project is under it.
    relative = os.path.relpath(target)
    shown = Path(relative) if relative != ".." and not relative.startswith(".." + os.sep) else target
    try:
        result = run([shown], config, cache=FactsCache(cache_dir) if cache_dir is not None else None, reuse_results=True)
    except Exception as exc:  # a bug in ormlint: say so once, do not break flake8
        from ormlint.engine import describe_exception

        _warn(f"internal error: {describe_exception(exc)}")
        _PROJECTS[key] = _Project()
        return _PROJECTS[key]
    for line in result.internal_errors:
        _warn(line)
    if os.environ.get(_STATS_VARIABLE):
        sys.stderr.write(
            f"ormlint (flake8 plugin): stats: root={target} files={result.files} "
            f"parsed={result.parsed_files} cache_hits={result.cache_hits} "
            f"results_cached={'yes' if result.results_cached else 'no'}\n"
        )
    project = _Project()
    for diagnostic in result.diagnostics:
        project.by_file.setdefault(_real(diagnostic.filename), []).append(diagnostic)
    _PROJECTS[key] = project
    return project


class Plugin:
    name = "ormlint"
    version = __version__

    def __init__(self, tree: Any, filename: str) -> None:
        self.filename = filename

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        path = Path(self.filename)
        if not path.is_file():  # standard input: ormlint reads the project from disk
            return
        project = _analyse(path)
        for diagnostic in project.by_file.get(_real(self.filename), ()):
            # flake8 columns are 0-based.
            yield diagnostic.location.row, max(diagnostic.location.column - 1, 0), f"{diagnostic.code} {diagnostic.message}", type(self)


def _reset() -> None:
    """Forget the analysed projects (for tests)."""
    _PROJECTS.clear()


__all__ = ["Plugin"]
