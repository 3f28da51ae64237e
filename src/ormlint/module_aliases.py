"""Other names the project's modules are imported by.

Discovery names a module after its package chain (the directories holding an
`__init__.py` around it) or, outside any package, after its path under the
analysed root (`ormlint.discover.module_name`). Two common layouts import
modules by other names, depending on what is on `sys.path` when they run:

- a namespace package (PEP 420) above the packages: `src/shop/db/models.py`,
  where `src/shop` has no `__init__.py` but `db` has, is named `db.models` and
  imported as `shop.db.models` (with `src/` on the path);
- an application without `__init__.py` files run from a directory below the
  root: `backend/database/models.py` is named `backend.database.models` and
  imported as `database.models` (with `backend/` on the path);
- a package whose directory is on the path itself: `enterprise/storage/base.py`
  in package `enterprise` is imported as `storage.base` (with `enterprise/` on
  the path). Only names of two parts or more are made so: a module's last
  name alone (`celery` for `app/celery.py`) is what a library is imported by.

An import of a name no module has is otherwise taken for a library, and
everything that comes through it is unknown. An alias is only made when one
module alone can have that name, when no module or package of the project
has it already, and never for the name of a standard library module or of
SQLAlchemy and its relatives: an import of those is of the library.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Mapping

from ormlint.facts import ModuleFacts
from ormlint.knowledge import SQLALCHEMY_FAMILY_ROOTS

# Directories above a module's name that an import may include (a namespace
# package, or one inside another: `company.shop.db.models`).
_MAX_NAMESPACE_DEPTH = 2


def _standard_library() -> frozenset[str]:
    """The standard library's top-level module names."""
    names = getattr(sys, "stdlib_module_names", None)  # Python 3.10+
    if names is not None:
        return frozenset(names)
    # Python 3.9: the modules and packages in the standard library's directories.
    found = set(sys.builtin_module_names)
    stdlib = sysconfig.get_paths()["stdlib"]
    for directory in (stdlib, os.path.join(stdlib, "lib-dynload")):
        try:
            entries = os.listdir(directory)
        except OSError:
            continue
        found.update(entry.partition(".")[0] for entry in entries if entry.partition(".")[0].isidentifier())
    return frozenset(found)


_LIBRARY_ROOTS = _standard_library() | SQLALCHEMY_FAMILY_ROOTS | {"alembic", "flask", "flask_migrate", "pydantic"}


def module_named(name: str, modules: Mapping[str, ModuleFacts], aliases: Mapping[str, str]) -> str:
    """The module an import of `name` loads: `name` itself, or the project
    module it is another name of."""
    return name if name in modules else aliases.get(name, name)


def module_aliases(modules: Mapping[str, ModuleFacts]) -> dict[str, str]:
    """Alias -> the module it names, for the modules of one project."""
    owners: dict[str, set[str]] = {}
    for name, facts in modules.items():
        own = name.split(".")
        parts = _dotted_path(facts.path, facts.is_package)
        if len(parts) < len(own) or parts[len(parts) - len(own):] != own:
            continue  # named otherwise than by its path (not from discovery)
        # Longer: the directories above its name, as a namespace package imports it.
        for extra in range(1, _MAX_NAMESPACE_DEPTH + 1):
            if len(parts) >= len(own) + extra:
                owners.setdefault(".".join(parts[len(parts) - len(own) - extra:]), set()).add(name)
        # Shorter, for a module outside any package (named by its whole path):
        # its path below a directory that may be the one the application runs from.
        parent = name.rpartition(".")[0]
        if parent and not (parent in modules and modules[parent].is_package):
            for start in range(1, len(own)):
                owners.setdefault(".".join(own[start:]), set()).add(name)
        else:
            # Inside a package, run with a package directory on the path
            # (OpenHands' `enterprise/` imports `storage.base`): names of two
            # parts or more only, which no library's top-level name can be.
            for start in range(1, len(own) - 1):
                owners.setdefault(".".join(own[start:]), set()).add(name)
    taken = set(modules)
    for name, facts in modules.items():
        if _through_dotted_directory(name, facts.path):
            continue  # its leading parts are pieces of one directory's name: no package has them
        parts = name.split(".")
        taken.update(".".join(parts[:end]) for end in range(1, len(parts)))
    return {
        alias: next(iter(named))
        for alias, named in owners.items()
        if len(named) == 1 and alias not in taken and alias.partition(".")[0] not in _LIBRARY_ROOTS
    }


def _through_dotted_directory(name: str, path: str) -> bool:
    """Whether `name` was made from a path through a directory with a dot in its
    name: datanommer's `datanommer.models/tests/conftest.py`, outside any
    package, is named `datanommer.models.tests.conftest`, yet no package
    `datanommer` or `datanommer.models` holds it (that name is the alias of the
    package `datanommer.models/datanommer/models/`)."""
    directories = path.replace("\\", "/").split("/")[:-1]
    return any("." in directory and directory.strip(".") and directory in name for directory in directories)


def _dotted_path(path: str, is_package: bool) -> list[str]:
    """The trailing parts of `path` that can be parts of a dotted name, without
    the `.py` (and without `__init__` for a package)."""
    pieces = path.replace("\\", "/").split("/")
    last = pieces.pop()
    if not is_package:
        pieces.append(last[:-3] if last.endswith(".py") else last)
    parts: list[str] = []
    for piece in reversed(pieces):
        if not piece.isidentifier():
            break
        parts.append(piece)
    parts.reverse()
    return parts
