"""`[tool.ormlint]` in pyproject.toml, merged with the command line."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ormlint.selection import SelectionError, match_codes


def _tomllib() -> Any:
    """tomllib (tomli before Python 3.11), imported once a pyproject.toml is to be
    read: a project without one does not pay for it."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11
        import tomli as tomllib
    return tomllib


DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "build", "dist",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ormlint_cache", ".eggs", "site-packages",
    # Project templates (cookiecutter's `{{cookiecutter.project_slug}}/`): Jinja
    # to be rendered into Python, not Python that parses.
    "*{{*}}*",
)


class ConfigError(ValueError):
    """A bad setting: reported as one line on stderr, exit status 2."""


@dataclass
class Config:
    select: Optional[list[str]] = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    extend_exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    external_tables: list[str] = field(default_factory=list)
    source_of_truth: list[str] = field(default_factory=list)
    small_tables: list[str] = field(default_factory=list)
    soft_delete_columns: list[str] = field(default_factory=list)  # ORM504
    composite_min_sites: int = 2  # ORM303: queries filtering the same columns together
    path: Optional[Path] = None  # the pyproject.toml it came from
    # Processes that parse and extract files (None: one per idle CPU). Not part of
    # the repr, which keys the cached results: it never changes them.
    jobs: Optional[int] = field(default=None, repr=False, compare=False)


_LIST_KEYS = {
    "select": "select",
    "ignore": "ignore",
    "extend-select": "extend_select",
    "exclude": "exclude",
    "extend-exclude": "extend_exclude",
    "external-tables": "external_tables",
    "source-of-truth": "source_of_truth",
    "small-tables": "small_tables",
    "soft-delete-columns": "soft_delete_columns",
}


def _string_list(key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ConfigError(f"[tool.ormlint] `{key}` must be a list of strings")


# Settings whose values are rule selectors (codes, prefixes, kebab names).
_SELECTOR_KEYS = {"select", "ignore", "extend-select"}


def _check_selectors(key: str, tokens: list[str]) -> None:
    for token in tokens:
        try:
            match_codes(token)
        except SelectionError as exc:
            raise ConfigError(f"[tool.ormlint] `{key}`: {exc}") from exc


def parse_config(data: dict[str, Any], path: Optional[Path] = None) -> Config:
    config = Config(path=path)
    given: dict[str, str] = {}
    for raw_key, value in data.items():
        key = raw_key.replace("_", "-")
        if key in given:
            raise ConfigError(f"[tool.ormlint] `{raw_key}` is given twice (also as `{given[key]}`)")
        given[key] = raw_key
        if key in _LIST_KEYS:
            values = _string_list(raw_key, value)
            if key in _SELECTOR_KEYS:
                _check_selectors(raw_key, values)
            setattr(config, _LIST_KEYS[key], values)
        elif key == "composite-min-sites":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"[tool.ormlint] `{raw_key}` must be a positive integer")
            config.composite_min_sites = value
        elif key == "jobs":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"[tool.ormlint] `{raw_key}` must be a positive integer (the number of processes)")
            config.jobs = value
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"[tool.ormlint] `{raw_key}` must be a table of glob = [codes]")
            ignores: dict[str, list[str]] = {}
            for glob, codes in value.items():
                ignores[str(glob)] = _string_list(f"{raw_key}.{glob}", codes)
                _check_selectors(f"{raw_key}.{glob}", ignores[str(glob)])
            config.per_file_ignores = ignores
        else:
            raise ConfigError(f"[tool.ormlint] unknown setting `{raw_key}`")
    return config


def find_pyproject(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml, from `start` upwards, that has a `[tool.ormlint]` table.

    A pyproject.toml without one (a sub-package's own) is passed over, as Ruff
    does; one that cannot be read or parsed is returned, so the error shows.
    """
    current = start if start.is_dir() else start.parent
    for directory in (current, *current.parents):
        candidate = directory / "pyproject.toml"
        if not candidate.is_file():
            continue
        tomllib = _tomllib()
        try:
            with candidate.open("rb") as handle:
                data = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError):
            return candidate
        tool = data.get("tool")
        if isinstance(tool, dict) and "ormlint" in tool:
            return candidate
    return None


PROJECT_MARKERS = ("pyproject.toml", ".git", ".hg")


def find_project_root(start: Path, config_path: Optional[Path] = None) -> Optional[Path]:
    """The root of the project `start` belongs to: the directory of the
    configuration's pyproject.toml when there is one, else the nearest directory
    at or above `start` with a pyproject.toml, `.git` or `.hg`; None outside any."""
    if config_path is not None:
        return config_path.resolve().parent
    start = start.resolve()
    current = start if start.is_dir() else start.parent
    for directory in (current, *current.parents):
        if any((directory / marker).exists() for marker in PROJECT_MARKERS):
            return directory
    return None


def load_config(path: Optional[Path]) -> Config:
    if path is None:
        return Config()
    tomllib = _tomllib()
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    section = data.get("tool", {}).get("ormlint", {}) if isinstance(data.get("tool"), dict) else {}
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.ormlint] must be a table")
    return parse_config(section, path)
