"""discover() walks with os.scandir and names modules from what the listings
show; these tests pin it to the plain os.walk / pathlib walk it replaced (kept
below as the reference), on trees with symbolic links, link loops, odd names,
packages above the PATH and path patterns anchored in and outside the PATH."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional

import pytest

from ormlint.config import DEFAULT_EXCLUDE
from ormlint.discover import SourceFile, discover, is_excluded


# --- the reference: discover() as it was, with os.walk and pathlib ------------------

def _reference_walk(root: Path, patterns: list[str], project_root: Optional[Path] = None) -> Iterator[Path]:
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


def _reference_module_name(path: Path, root: Path, packages: Optional[dict[Path, bool]] = None) -> tuple[str, bool]:
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


def reference_discover(paths: list[Path], exclude: list[str], project_root: Optional[Path] = None) -> list[SourceFile]:
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
        files: Iterable[Path] = [root] if root.is_file() else _reference_walk(root, exclude, project_root)
        base = root.parent if root.is_file() else root
        for path in files:
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            relative = os.path.relpath(path, base)
            display = os.path.normpath(os.path.join(str(given), relative)) if root.is_dir() else str(given)
            module, is_package = _reference_module_name(path, base, packages)
            if module in used_modules or not module:
                # Two files claim one module name (scripts, tests): keep both,
                # the later one under a name nobody imports.
                module = "<file>" + relative.replace(os.sep, "/")
            used_modules.add(module)
            found.append(SourceFile(path, display, module, is_package))
    return found


# --- the tree -----------------------------------------------------------------------


def _tree(base: Path) -> Path:
    """A project with most things a walk can meet."""
    files = [
        "outer/__init__.py",  # a package above the walked PATH
        "outer/proj/__init__.py",
        "outer/proj/app/__init__.py",
        "outer/proj/app/models.py",
        "outer/proj/app/sub/__init__.py",
        "outer/proj/app/sub/deep.py",
        "outer/proj/app/sub/notes.txt",
        "outer/proj/app/nopkg/mod.py",  # a directory without __init__.py inside a package
        "outer/proj/app/nopkg/inner/x.py",
        "outer/proj/scripts/run.py",
        "outer/proj/scripts/models.py",
        "outer/proj/scripts/.py",  # odd names
        "outer/proj/scripts/..py",
        "outer/proj/scripts/.hidden.py",
        "outer/proj/scripts/a..py",
        "outer/proj/scripts/dotted.name.py",
        "outer/proj/scripts/UPPER.PY",
        "outer/proj/scripts/sp ace.py",
        "outer/proj/x.py/inside.py",  # a directory named like a module
        "outer/proj/initdir/__init__.py/ignored.py",  # `__init__.py` is a directory: no package
        "outer/proj/initdir/y.py",
        "outer/proj/build/generated.py",  # excluded by default
        "outer/proj/node_modules/pkg/z.py",
        "outer/proj/legacy/old.py",
        "outer/proj/legacy/keep/kept.py",
        "outer/proj/migrations/versions/0001_first.py",
        "outer/proj/migrations/env.py",
        "outer/proj/sub_project/pyproject.toml",
        "outer/proj/sub_project/lib/__init__.py",
        "outer/proj/sub_project/lib/core.py",
        "outer/proj/sub_project/legacy/gone.py",
        "outer/proj/models.py",  # a module name used twice (scripts/models.py, app/models.py)
        "elsewhere/real.py",
        "elsewhere/pkg/__init__.py",
        "elsewhere/pkg/thing.py",
    ]
    for name in files:
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not name.endswith("/"):
            path.write_text("x = 1\n")
    proj = base / "outer/proj"
    links = {
        "app/linked.py": "../../../elsewhere/real.py",  # a linked file: named by its link, once
        "app/again.py": "models.py",  # a second name for a file already walked
        "app/broken.py": "does-not-exist.py",  # a broken link: no file
        "app/loop.py": "loop.py",  # a link to itself
        "app/linkdir": "../../../elsewhere/pkg",  # a linked directory: not entered
        "app/cycle": "..",  # a loop
        "scripts/linked_init": "../app",
        "linkpkg.py": "../../elsewhere/pkg",  # a link to a directory named like a module
    }
    for name, target in links.items():
        try:
            os.symlink(target, proj / name)
        except (OSError, NotImplementedError):
            pytest.skip("no symbolic links here")
    return proj


def _keys(sources: list[SourceFile]) -> list[tuple[str, str, str, bool]]:
    return [(str(s.path), s.display, s.module, s.is_package) for s in sources]


CASES = [
    # (PATHs relative to the tree's base, exclude, project root relative to base or None)
    (["outer/proj"], list(DEFAULT_EXCLUDE), None),
    (["outer/proj/app"], list(DEFAULT_EXCLUDE), None),
    (["outer/proj/app/sub", "outer/proj/app", "outer/proj/app/models.py"], list(DEFAULT_EXCLUDE), None),
    (["outer/proj/scripts/run.py", "outer/proj"], [], None),
    (["outer/proj"], ["legacy", "*.txt", ".*"], "outer/proj"),
    (["outer/proj"], ["app/nopkg", "scripts/*.py", "legacy/old.py"], "outer/proj"),
    (["outer/proj"], ["legacy", "lib/core.py"], "outer/proj/sub_project"),  # the anchor is inside the PATH
    (["outer/proj/app"], ["proj/app/sub", "app/*"], "outer"),  # ... and above it
    (["outer/proj/app"], ["sub"], "elsewhere"),  # ... and beside it
    (["outer/proj"], ["*"], None),
    (["outer/proj/x.py", "outer/proj/linkpkg.py", "outer/proj/app/linked.py"], [], None),
    (["outer/proj/app/cycle", "outer/proj/app/linkdir"], [], None),
    (["outer/missing"], [], None),
]


@pytest.mark.parametrize("paths, exclude, anchor", CASES)
@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_discover_is_the_reference_walk(tmp_path: Path, monkeypatch, paths, exclude, anchor, relative) -> None:
    _tree(tmp_path)
    if relative:
        monkeypatch.chdir(tmp_path / "outer")
        given = [Path(os.path.relpath(tmp_path / p)) for p in paths]
    else:
        given = [tmp_path / p for p in paths]
    root = tmp_path / anchor if anchor is not None else None
    expected = _keys(reference_discover(given, exclude, root))
    assert _keys(discover(given, exclude, root)) == expected


def test_the_tree_covers_what_it_should(tmp_path: Path) -> None:
    """The reference itself, on the tree: links are named once, not followed into
    directories; odd names and packages above the PATH get the names pathlib gives."""
    proj = _tree(tmp_path)
    found = {s.display: (s.module, s.is_package) for s in discover([proj], list(DEFAULT_EXCLUDE))}
    shown = {os.path.relpath(name, proj): value for name, value in found.items()}
    # app/again.py links to app/models.py and comes first: the file is analysed once, by that name.
    assert shown["app/again.py"] == ("outer.proj.app.again", False) and "app/models.py" not in shown
    assert shown["app/__init__.py"] == ("outer.proj.app", True)
    assert shown["app/nopkg/inner/x.py"] == ("app.nopkg.inner.x", False)
    assert shown["scripts/.py"] == ("scripts..py", False)
    assert shown["app/linked.py"] == ("outer.proj.app.linked", False)
    assert "app/broken.py" not in shown and "app/loop.py" not in shown
    assert not any(name.startswith(("app/linkdir/", "app/cycle/", "build/", "node_modules/")) for name in shown)
    assert shown["x.py/inside.py"] == ("x.py.inside", False)
    assert shown["initdir/y.py"] == ("initdir.y", False)
    assert shown["sub_project/lib/core.py"] == ("lib.core", False)


@pytest.mark.skipif(sys.platform == "win32" or (hasattr(os, "geteuid") and os.geteuid() == 0), reason="needs file modes")
def test_unreadable_directory_is_skipped_like_the_reference(tmp_path: Path) -> None:
    proj = _tree(tmp_path)
    locked = proj / "app/sub"
    locked.chmod(0)
    try:
        assert _keys(discover([proj], [])) == _keys(reference_discover([proj], []))
    finally:
        locked.chmod(0o755)


def test_project_templates_are_not_python_to_analyse(tmp_path: Path) -> None:
    # CKAN ships a cookiecutter template: Jinja in files named `*.py`.
    template = tmp_path / "contrib" / "{{cookiecutter.project}}" / "{{cookiecutter.project_shortname}}"
    template.mkdir(parents=True)
    (template / "plugin.py").write_text("class {{ cookiecutter.plugin_class_name }}(plugins.SingletonPlugin):\n    pass\n")
    (tmp_path / "app.py").write_text("import os\n")
    assert [s.display for s in discover([tmp_path], list(DEFAULT_EXCLUDE), None)] == [str(tmp_path / "app.py")]
