"""The on-disk cache of per-file outcomes (facts, suppressions, parse failures).

Layout of a cache directory (by default `.ormlint_cache/` at the project root)::

    .gitignore          `*`: git never sees the cache
    CACHEDIR.TAG        marks it as a cache for backup tools, and for `ormlint clean`
    files/<slot>.pickle     one source file's outcome
    results/<slot>.pickle   one invocation's diagnostics
    results/<slot>.fixes.pickle   their fixes as JSON output shows them (edits computed)

A slot is one source file as one run names it (absolute path, display path,
module name), so the cache holds at most one entry per file and per way of
naming it, however often the file changes. Each entry starts with a header that
holds its key; the key is a hash of everything the outcome depends on: the
file's bytes, its display path and module name, the ormlint version, the
source code of the modules that parse and extract (so that a developer editing
extraction never reads stale facts), and the Python and libcst versions.
`# noqa` comments are stored as written and interpreted on every run, so
adding a rule (a new name a comment may use) does not invalidate the cache. An entry is unpickled only when its key
matches.

`results/` keeps the diagnostics of the last run of each invocation (its PATHs
and configuration file), keyed by a hash of what every file's key holds (its
bytes and names), the configuration, the selected rules and all of ormlint's
code: a run over an unchanged project (the flake8 plugin in each of its
processes, an editor linting on save) reads them back without building the
index, and without importing the rules, extraction or libcst. Beside them, the
edits of their fixes once JSON output has asked for them.

Reading never fails: a missing, truncated, corrupt, foreign or unreadable entry
is a miss, and the file is parsed again. Writing never fails either: entries go
to a temporary file in the same directory, renamed over the old one when
complete (readers see the old entry or the new one, never half of one), and a
cache directory that cannot be written to only means nothing is stored.

Entries are pickles: the cache must be trusted like the code it describes, and it
lives inside the project, ignored by git.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from ormlint import __version__
from ormlint.config import Config
from ormlint.diagnostics import Diagnostic
from ormlint.discover import SourceFile

if TYPE_CHECKING:
    # Imports extraction: only a run that reads per-file facts needs it.
    from ormlint.filefacts import FileOutcome

CACHE_DIR_NAME = ".ormlint_cache"
FORMAT = b"ormlint-cache 1\n"
_TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
_TAG = f"{_TAG_SIGNATURE}\n# This directory is a cache of ormlint (https://pypi.org/project/ormlint/).\n# `ormlint clean` removes it; it is rebuilt on the next run.\n"

# The modules whose code decides a file's outcome. Any change to one of them
# changes every key.
_EXTRACTION_MODULES: tuple[str, ...] = (
    "cache", "expr", "extract", "facts", "filefacts", "migration_extract", "noqa", "parsing", "usage_extract",
    "query_extract", "session_extract",
)

_code_hash: Optional[bytes] = None


def code_fingerprint() -> bytes:
    """A hash of what, besides the file itself, decides a file's outcome."""
    global _code_hash
    if _code_hash is None:
        digest = hashlib.sha256()
        digest.update(FORMAT)
        digest.update(__version__.encode())
        digest.update(f"{sys.implementation.name} {sys.version_info[:3]}".encode())
        package = Path(__file__).resolve().parent
        for name in _EXTRACTION_MODULES:
            try:
                digest.update((package / f"{name}.py").read_bytes())
            except OSError:
                # The code cannot be read (a zip import?): a key nobody else has.
                digest.update(os.urandom(16))
        digest.update(_libcst_identity())
        _code_hash = digest.digest()
    return _code_hash


def _libcst_identity() -> bytes:
    """What identifies the installed libcst (it parses what `ast` cannot): its
    `_version.py`, written by its build with the version and commit. Reading it
    costs a file; `importlib.metadata` would cost 25 ms of imports, a tenth of a
    run whose results come from the cache. That is the fallback."""
    try:
        from importlib.util import find_spec

        spec = find_spec("libcst")
        for location in (spec.submodule_search_locations or []) if spec is not None else []:
            version_file = Path(location) / "_version.py"
            if version_file.is_file():
                return b"libcst " + version_file.read_bytes()
    except Exception:
        pass
    try:
        from importlib.metadata import version

        return f"libcst {version('libcst')}".encode()
    except Exception:
        return b"libcst ?"


_package_hash: Optional[bytes] = None


def package_fingerprint() -> bytes:
    """A hash of all of ormlint's code (rules included) and of `code_fingerprint()`:
    what, besides the files and the configuration, decides a run's diagnostics."""
    global _package_hash
    if _package_hash is None:
        digest = hashlib.sha256(code_fingerprint())
        package = Path(__file__).resolve().parent
        try:
            for path in sorted(package.rglob("*.py")):
                digest.update(str(path.relative_to(package)).encode("utf-8", "surrogatepass"))
                digest.update(path.read_bytes())
        except OSError:
            digest.update(os.urandom(16))
        _package_hash = digest.digest()
    return _package_hash


def file_key(source: SourceFile, data: bytes) -> bytes:
    return key_from_digest(source, hashlib.sha256(data).digest())


def key_from_digest(source: SourceFile, content_digest: bytes) -> bytes:
    """file_key() from the SHA-256 digest of the file's bytes (a run hashes each
    file once, and derives keys only for the files it looks up)."""
    # One hash of the concatenation (the same as updating with each piece in
    # turn): the fewer calls, the better.
    parts = [code_fingerprint()]
    for part in (source.display, source.module, "package" if source.is_package else "module"):
        encoded = part.encode("utf-8", "surrogatepass")
        parts.append(len(encoded).to_bytes(8, "little"))
        parts.append(encoded)
    parts.append(content_digest)
    return hashlib.sha256(b"".join(parts)).hexdigest().encode("ascii")


def _slot(source: SourceFile) -> str:
    name = "\0".join((str(source.path), source.display, source.module)).encode("utf-8", "surrogatepass")
    return hashlib.sha256(name).hexdigest()[:40]


def default_cache_directory(paths: list[Path], config: Config) -> Optional[Path]:
    """`.ormlint_cache` in the directory of the configuration's pyproject.toml, else
    in the first PATH when it is a directory; None (no cache) for lone files."""
    if config.path is not None:
        return config.path.resolve().parent / CACHE_DIR_NAME
    if paths and paths[0].is_dir():
        return paths[0].resolve() / CACHE_DIR_NAME
    return None


class FactsCache:
    """Per-file outcomes under `directory`; counts its hits, misses and writes."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.files = self.directory / "files"
        self.results = self.directory / "results"
        self.hits = 0
        self.misses = 0
        self.writes = 0
        self._writable = True
        self._prepared = False

    def load(self, source: SourceFile, key: bytes) -> Optional[FileOutcome]:
        outcome = self._read(self.files / f"{_slot(source)}.pickle", key)
        if outcome is None:
            self.misses += 1
        else:
            self.hits += 1
        return outcome

    @staticmethod
    def _read(path: Path, key: bytes) -> Optional[FileOutcome]:
        from ormlint.filefacts import FileOutcome

        outcome = _read_entry(path, key)
        if not isinstance(outcome, FileOutcome) or not outcome.cacheable:
            return None
        return outcome

    def store(self, source: SourceFile, key: bytes, outcome: FileOutcome, pickled: Optional[bytes] = None) -> None:
        """Keep `outcome`; `pickled`, when given, is its pickle already made (by a
        `--jobs` worker), written as it is instead of pickling the outcome again."""
        if outcome.cacheable and self._write(self.files / f"{_slot(source)}.pickle", key, outcome, pickled):
            self.writes += 1

    def _write(self, path: Path, key: bytes, value: object, payload: Optional[bytes] = None) -> bool:
        if not self._writable:
            return False
        if payload is None:
            try:
                payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # nested too deeply to pickle, say: just not cached
                return False
        try:
            from ormlint.atomic import write_atomically  # imports tempfile: only a run that writes needs it

            self._prepare()
            path.parent.mkdir(exist_ok=True)
            write_atomically(path, FORMAT + key + b"\n" + payload)
        except Exception:
            # Read-only, full, gone: stop trying for this run; results do not change.
            self._writable = False
            return False
        return True

    def load_results(self, slot: bytes, key: bytes) -> Optional[tuple[Diagnostic, ...]]:
        """The diagnostics kept for a run whose inputs hash to `key`, or None."""
        kept = _read_entry(self.results / f"{slot.decode()[:40]}.pickle", key)
        if not isinstance(kept, tuple) or not all(isinstance(item, Diagnostic) for item in kept):
            return None
        return kept

    def store_results(self, slot: bytes, key: bytes, diagnostics: tuple[Diagnostic, ...]) -> None:
        self._write(self.results / f"{slot.decode()[:40]}.pickle", key, diagnostics)

    def load_fixes(self, slot: bytes, key: bytes) -> Optional[dict[Diagnostic, Diagnostic]]:
        """The diagnostics of the run with `key` whose fixes were resolved (their
        edits computed, for JSON output), by the diagnostic as the run gave it."""
        kept = _read_entry(self.results / f"{slot.decode()[:40]}.fixes.pickle", key)
        if not isinstance(kept, tuple) or not all(
            isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(item, Diagnostic) for item in pair) for pair in kept
        ):
            return None
        return dict(kept)

    def store_fixes(self, slot: bytes, key: bytes, resolved: dict[Diagnostic, Diagnostic]) -> None:
        self._write(self.results / f"{slot.decode()[:40]}.fixes.pickle", key, tuple(resolved.items()))

    def _prepare(self) -> None:
        if self._prepared:
            return
        from ormlint.atomic import write_atomically

        # Mark the directory (git ignores it, `ormlint clean` may remove it) only
        # when ormlint made it or it is empty: never a directory of the user's.
        ours = not self.directory.exists() or is_cache_directory(self.directory) or not any(self.directory.iterdir())
        self.files.mkdir(parents=True, exist_ok=True)
        if ours:
            for name, content in ((".gitignore", "# Created by ormlint.\n*\n"), ("CACHEDIR.TAG", _TAG)):
                if not (self.directory / name).is_file():
                    write_atomically(self.directory / name, content.encode())
        self._prepared = True


def _read_entry(path: Path, key: bytes) -> object:
    """The value stored at `path` under `key`; None on any mismatch or failure."""
    header = FORMAT + key + b"\n"
    try:
        with open(path, "rb") as handle:
            if handle.read(len(header)) != header:
                return None
            return pickle.loads(handle.read())
    except Exception:  # missing, unreadable, truncated, corrupt: a miss
        return None


def is_cache_directory(directory: Path) -> bool:
    """Whether `directory` is one ormlint created (and may therefore remove)."""
    try:
        with open(directory / "CACHEDIR.TAG", encoding="utf-8", errors="replace") as handle:
            text = handle.read(4096)
    except OSError:
        return False
    return text.startswith(_TAG_SIGNATURE) and "ormlint" in text


def remove_cache(directory: Path) -> bool:
    """Remove an ormlint cache directory; False when there was none. Raises
    ValueError for a directory ormlint did not create, OSError when removal fails."""
    if not directory.exists():
        return False
    if directory.is_symlink() or not directory.is_dir() or not is_cache_directory(directory):
        raise ValueError(f"{directory} is not an ormlint cache directory (it has no ormlint CACHEDIR.TAG); not removing it")
    import shutil

    shutil.rmtree(directory)
    return True
