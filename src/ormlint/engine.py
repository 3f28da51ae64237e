"""One run: discover, parse, extract, resolve, check, filter."""

from __future__ import annotations

import fnmatch
import gc
import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Sequence, Union

from ormlint.cache import FactsCache, key_from_digest, package_fingerprint
from ormlint.config import Config
from ormlint.diagnostics import Diagnostic, Position, Severity
from ormlint.discover import SourceFile, discover, find_alembic_configs
from ormlint.line_breaks import LINE_BREAK
from ormlint.selection import codes_for, resolve_selection, select_codes

# A run whose diagnostics come from the cache (an unchanged project: the flake8
# plugin in each of its processes, an editor linting on save, pre-commit) needs
# only the modules above. Parsing, extraction, the index and the rules are
# imported where they are used, when something has to be analysed: together
# they cost more to import than such a run takes.
if TYPE_CHECKING:
    from ormlint.facts import ModuleFacts
    from ormlint.filefacts import FileOutcome
    from ormlint.index import ProjectIndex
    from ormlint.noqa import Suppressions
    from ormlint.parsing import ParseFailure
    from ormlint.rules import Rule, RuleSettings


@dataclass
class RunResult:
    diagnostics: list[Diagnostic]
    index: Optional[ProjectIndex]  # None when results_cached
    files: int
    internal_errors: list[str] = field(default_factory=list)
    parsed_files: int = 0  # files parsed and extracted in this run
    cache_hits: int = 0  # files whose facts came from the cache
    # The diagnostics of an unchanged project came from the cache: no index was built.
    results_cached: bool = False
    # Where the cache keeps this run's diagnostics, and their key (b"": not kept).
    results_slot: bytes = b""
    results_key: bytes = b""


@dataclass
class ParsedProject:
    modules: dict[str, ModuleFacts]
    suppressions: dict[str, Suppressions]  # by display path
    parse_failures: list[Diagnostic]
    files: int
    # Quoted names and class names seen in files that could not be parsed:
    # tables and classes they may define, so rules stay silent about them.
    unparsed_names: set[str] = field(default_factory=set)
    # The bytes of every parsed file that is not pure ASCII, by display path:
    # decoded only for a file a diagnostic is reported in (`_SourceLines`).
    non_ascii: dict[str, bytes] = field(default_factory=dict)
    internal_errors: list[str] = field(default_factory=list)
    parsed_files: int = 0  # parsed and extracted in this run
    cache_hits: int = 0  # taken from the cache instead


def parse_project(sources: Sequence[SourceFile], cache: Optional[FactsCache] = None) -> ParsedProject:
    """Parse and extract every file, or take its outcome from `cache`."""
    with no_cyclic_gc():
        return _parse_project(sources, cache)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Facts and the index are millions of small objects, nearly all freed by
    reference counting: the cyclic garbage collector would scan them over and
    over while they are created, which costs more time than parsing the files
    (or unpickling their facts from the cache). Pause it meanwhile; whatever
    cyclic garbage a run leaves is collected once it is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_project(
    sources: Sequence[SourceFile], cache: Optional[FactsCache], read: Optional[list[_Read]] = None,
    progress: Optional[Progress] = None, jobs: Optional[int] = None,
) -> ParsedProject:
    from ormlint.parallel import analyse_files_pickled

    project = ParsedProject({}, {}, [], len(sources))
    items = read if read is not None else _read_sources(sources, cache)
    outcomes: list[Optional[FileOutcome]] = [None] * len(items)
    work: list[int] = []  # files to parse and extract: not readable from the cache
    keys: dict[int, bytes] = {}
    for number, (source, data, digest) in enumerate(items):
        if isinstance(data, OSError):
            continue
        if cache is not None:
            keys[number] = key_from_digest(source, digest)
        outcome = cache.load(source, keys[number]) if cache is not None else None
        if outcome is None:
            work.append(number)
        else:
            outcomes[number] = outcome
            project.cache_hits += 1
    hits = project.cache_hits
    if progress is not None:
        progress("reading", hits if work else len(sources), len(sources))

    def done(count: int) -> None:
        if progress is not None:
            progress("reading", hits + count, len(sources))

    analysed = analyse_files_pickled([(items[n][0], items[n][1]) for n in work], jobs, done, _import_later_stages)  # type: ignore[misc]
    for number, (outcome, pickled) in zip(work, analysed):
        outcomes[number] = outcome
        project.parsed_files += 1
        if cache is not None:
            cache.store(items[number][0], keys[number], outcome, pickled)
    for (source, data, _), outcome in zip(items, outcomes):
        if isinstance(data, OSError):
            from ormlint.parsing import ParseFailure

            project.parse_failures.append(_parse_diagnostic(source.display, ParseFailure(f"cannot read the file: {data.strerror or data}", 1, 1)))
            continue
        assert outcome is not None
        _add_outcome(project, source, data, outcome)
    return project


def _import_later_stages() -> None:
    """Import the index and the rules, which analysing the files does not need:
    called while the workers analyse (`analyse_files_pickled`), so that they
    start that much earlier (28 ms on polar) and the time is shared with them."""
    from importlib import import_module

    for name in ("ormlint.index", "ormlint.rule_runner", "ormlint.rules"):
        import_module(name)


# progress(stage, done, total)
Progress = Callable[[str, int, int], None]

# A source file, its bytes (or why they cannot be read) and, with a cache, their
# SHA-256 digest (else b"").
_Read = tuple[SourceFile, Union[bytes, OSError], bytes]


def _read_sources(sources: Sequence[SourceFile], cache: Optional[FactsCache], overrides: Optional[dict[str, bytes]] = None) -> list[_Read]:
    read: list[_Read] = []
    for source in sources:
        try:
            # Unbuffered: readall() sizes its buffer from the file's size.
            with open(source.path, "rb", buffering=0) as handle:
                data: Union[bytes, OSError] = handle.readall()
        except OSError as exc:
            data = exc
        if overrides:
            data = overrides.get(os.path.normcase(os.path.realpath(source.path)), data)
        digest = hashlib.sha256(data).digest() if cache is not None and isinstance(data, bytes) else b""
        read.append((source, data, digest))
    return read


def _add_outcome(project: ParsedProject, source: SourceFile, data: bytes, outcome: FileOutcome) -> None:
    from ormlint.noqa import suppressions_from_comments

    if outcome.noqa is not None:
        project.suppressions[source.display] = suppressions_from_comments(outcome.noqa)
        if not data.isascii():
            # Only needed to turn byte columns into character columns.
            project.non_ascii[source.display] = data
    if outcome.facts is not None:
        project.modules[source.module] = outcome.facts
    if outcome.failure is not None:
        project.parse_failures.append(_parse_diagnostic(source.display, outcome.failure))
    project.unparsed_names.update(outcome.unparsed_names)
    if outcome.internal_error is not None:
        project.internal_errors.append(outcome.internal_error)


def describe_exception(exc: BaseException) -> str:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _sentence(text: str) -> str:
    """End a message with exactly one full stop (unless it asks or exclaims)."""
    text = text.rstrip(" .")
    return text if text.endswith(("?", "!")) else text + "."


def _parse_diagnostic(path: str, failure: ParseFailure) -> Diagnostic:
    from ormlint.rules.analyzer import ParseError

    position = Position(failure.row, failure.column)
    return Diagnostic(ParseError.code, ParseError.severity, f"Cannot parse {path}: {_sentence(failure.message)}",
                      "Fix the file so that Python can parse it; ormlint analyses every other file.", path, position, position)


def rule_settings(config: Config) -> RuleSettings:
    from ormlint.rules import RuleSettings

    return RuleSettings(
        external_tables=frozenset(config.external_tables),
        source_of_truth=tuple(config.source_of_truth),
        small_tables=frozenset(config.small_tables),
        composite_min_sites=config.composite_min_sites,
        soft_delete_columns=tuple(config.soft_delete_columns),
    )


def run(
    paths: list[Path],
    config: Config,
    rules: Optional[list[type[Rule]]] = None,
    cache: Optional[FactsCache] = None,
    reuse_results: bool = False,
    progress: Optional[Progress] = None,
    overrides: Optional[dict[str, bytes]] = None,
) -> RunResult:
    """Analyse `paths`. With a `cache`, per-file facts come from it when the file is
    unchanged; with `reuse_results` too, a run whose every input (each file, the
    configuration, the rules, ormlint's code) is unchanged returns the diagnostics
    the cache kept from the last such run, without building the index (`index`
    is then None). `progress(stage, done, total)` is called as the files are read
    and once before the checks (stage "checking"). `overrides`: the content to
    analyse instead of what is on disk, by real path (`--diff`, passes of `--fix`)."""
    with no_cyclic_gc():
        return _run(paths, config, rules, cache, reuse_results, progress, overrides)


def _run(
    paths: list[Path],
    config: Config,
    rules: Optional[list[type[Rule]]],
    cache: Optional[FactsCache],
    reuse_results: bool,
    progress: Optional[Progress] = None,
    overrides: Optional[dict[str, bytes]] = None,
) -> RunResult:
    # The selected rules by code: the rule classes are imported only when the
    # diagnostics are not in the cache.
    codes = select_codes(config.select, config.ignore, config.extend_select) if rules is None else [rule.code for rule in rules]
    sources = discover(paths, config.exclude + config.extend_exclude, project_root(config))
    read = _read_sources(sources, cache, overrides)
    alembic_configs = find_alembic_configs(paths, sources)
    results_slot = results_key = b""
    if cache is not None and reuse_results:
        results_slot, results_key = results_identity(paths, config, codes, read, alembic_configs)
        kept = cache.load_results(results_slot, results_key)
        if kept is not None:
            readable = sum(isinstance(data, bytes) for _, data, _ in read)
            return RunResult(list(kept), None, len(sources), [], 0, readable, True, results_slot, results_key)
    project = _parse_project(sources, cache, read, progress, config.jobs)
    # Imported here, after the files are analysed (`_import_later_stages`).
    from ormlint.rule_runner import check_rules
    from ormlint.rules import RuleContext
    from ormlint.rules.analyzer import ParseError

    if rules is None:
        rules = resolve_selection(config.select, config.ignore, config.extend_select)
    if progress is not None:
        progress("checking", len(sources), len(sources))
    index = build_index(project.modules, project.unparsed_names)
    context = RuleContext(index, rule_settings(config), alembic_configs=alembic_configs)
    diagnostics: list[Diagnostic] = []
    internal: list[str] = list(project.internal_errors)
    if ParseError.code in codes:
        diagnostics.extend(project.parse_failures)
    source_lines = _SourceLines(project.non_ascii)
    for outcome in check_rules(rules, context, fork=_large(read) and _jobs(config) > 1):
        if isinstance(outcome, str):
            internal.append(outcome)
        else:
            diagnostics.extend(_character_columns(d, source_lines.get(d.filename)) for d in outcome)
    several = frozenset(rule.code for rule in rules if rule.several_per_location)
    diagnostics = filter_diagnostics(diagnostics, project.suppressions, config, several)
    if cache is not None and reuse_results and not internal:
        cache.store_results(results_slot, results_key, tuple(diagnostics))
    else:
        results_slot = results_key = b""
    return RunResult(
        diagnostics, index, project.files, internal, project.parsed_files, project.cache_hits, False, results_slot, results_key
    )


def _large(read: list[_Read]) -> bool:
    """Whether the project is large enough for more processes to pay off (as for parsing)."""
    from ormlint.parallel import PARALLEL_MIN_BYTES

    return sum(len(data) for _, data, _ in read if isinstance(data, bytes)) >= PARALLEL_MIN_BYTES


def _jobs(config: Config) -> int:
    from ormlint.parallel import default_jobs, may_start_processes

    if not may_start_processes():
        return 1
    return default_jobs() if config.jobs is None else config.jobs


def build_index(modules: dict[str, ModuleFacts], unparsed_names: set[str]) -> ProjectIndex:
    """`ormlint.index.build_index`, imported when a run needs it."""
    from ormlint.index import build_index as build

    return build(modules, unparsed_names)


def results_identity(
    paths: list[Path], config: Config, codes: Sequence[str], read: list[_Read], extra: tuple[tuple[str, str], ...] = ()
) -> tuple[bytes, bytes]:
    """(slot, key) of a run's diagnostics in the cache. The slot names the
    invocation (its paths, configuration and the codes of its rules); the key
    hashes everything the diagnostics depend on: all of ormlint's code, the
    configuration, the rules, every file (what its key holds: its content,
    display path, module name and kind) and the project-level inputs in
    `extra` (the alembic ini files: path and text)."""
    invocation = ([str(p) for p in paths], [str(p.resolve()) for p in paths], repr(config), list(codes))
    slot = hashlib.sha256(repr(invocation).encode("utf-8", "surrogatepass"))
    digest = hashlib.sha256(package_fingerprint())
    digest.update(repr(config).encode("utf-8", "surrogatepass"))
    digest.update(repr(list(codes)).encode())
    files: list[bytes] = []  # hashed at once: the same as piece by piece, in fewer calls
    for source, data, content in read:
        error = str(data) if isinstance(data, OSError) else ""
        files.append(repr((source.display, source.module, source.is_package, error)).encode("utf-8", "surrogatepass"))
        files.append(content)
    digest.update(b"".join(files))
    digest.update(repr(extra).encode("utf-8", "surrogatepass"))
    return slot.hexdigest().encode("ascii"), digest.hexdigest().encode("ascii")


def project_root(config: Config) -> Optional[Path]:
    """The directory path patterns in the configuration are relative to."""
    return config.path.resolve().parent if config.path is not None else None




class _SourceLines:
    """The lines of the non-ASCII files, decoded and split when first asked for:
    on polar they are 368 files and 8 MB, and diagnostics land in a few of them."""

    def __init__(self, non_ascii: dict[str, bytes]) -> None:
        self._bytes = non_ascii
        self._lines: dict[str, Optional[list[str]]] = {}

    def get(self, filename: str) -> Optional[list[str]]:
        """The lines of `filename`, None when its text is ASCII (or it is not a parsed file)."""
        if filename in self._lines:
            return self._lines[filename]
        from ormlint.parsing import decode_source

        data = self._bytes.get(filename)
        text = decode_source(data) if data is not None else None
        lines = LINE_BREAK.split(text) if isinstance(text, str) and not text.isascii() else None
        self._lines[filename] = lines
        return lines


def _character_columns(diagnostic: Diagnostic, lines: Optional[list[str]]) -> Diagnostic:
    """Rules report `ast` columns (UTF-8 byte offsets); the output has character
    columns. `lines` are the file's, None when its text is ASCII."""
    if lines is None:
        return diagnostic

    def convert(position: Position) -> Position:
        if not 1 <= position.row <= len(lines):
            return position
        line = lines[position.row - 1]
        if line.isascii():
            return position
        prefix = line.encode("utf-8", "surrogatepass")[: max(position.column - 1, 0)]
        return Position(position.row, len(prefix.decode("utf-8", "ignore")) + 1)

    return replace(diagnostic, location=convert(diagnostic.location), end_location=convert(diagnostic.end_location))


def filter_diagnostics(
    diagnostics: list[Diagnostic], suppressions: dict[str, Suppressions], config: Config,
    several_per_location: frozenset[str] = frozenset(),
) -> list[Diagnostic]:
    """The diagnostics to report, sorted: one of a code per location (with
    the same message too, for the codes in `several_per_location`), none that
    a `# noqa` comment or `per-file-ignores` suppresses."""
    from ormlint.noqa import is_suppressed

    ignored_by_glob = [(glob, codes_for(tokens)) for glob, tokens in config.per_file_ignores.items()]
    root = project_root(config)
    seen: set[tuple[str, str, int, int, str]] = set()
    kept: list[Diagnostic] = []
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        message = diagnostic.message if diagnostic.code in several_per_location else ""
        key = (diagnostic.code, diagnostic.filename, diagnostic.location.row, diagnostic.location.column, message)
        if key in seen:
            continue  # a mixin column reported once per model using it
        seen.add(key)
        if is_suppressed(suppressions.get(diagnostic.filename, {}), diagnostic.location.row, diagnostic.code):
            continue
        if ignored_by_glob:
            names = _glob_candidates(diagnostic.filename, root)
            if any(diagnostic.code in codes and _glob_match(names, glob) for glob, codes in ignored_by_glob):
                continue
        kept.append(diagnostic)
    return kept


def _glob_candidates(filename: str, root: Optional[Path]) -> list[str]:
    """The names a per-file-ignores glob is matched against: the reported path and,
    when the glob comes from a pyproject.toml, the path relative to its directory."""
    names = [filename.replace("\\", "/")]
    if root is not None:
        relative = os.path.relpath(os.path.abspath(filename), root).replace("\\", "/")
        if relative != ".." and not relative.startswith("../"):
            names.append(relative)
    return names


def _glob_match(names: list[str], glob: str) -> bool:
    glob = glob.replace("\\", "/")
    while glob.startswith("./"):
        glob = glob[2:]
    return any(
        fnmatch.fnmatch(name, glob) or fnmatch.fnmatch(name, f"*/{glob}") or fnmatch.fnmatch(name.rsplit("/", 1)[-1], glob)
        for name in names
    )


__all__ = ["RunResult", "run", "Severity"]
