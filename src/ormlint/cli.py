"""The `ormlint` command."""

from __future__ import annotations

import argparse
import gc
import io
import os
import stat
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Sequence, TextIO

from ormlint import __version__
from ormlint.cache import CACHE_DIR_NAME, FactsCache, default_cache_directory, remove_cache
from ormlint.config import Config, ConfigError, find_project_root, find_pyproject, load_config
from ormlint.engine import RunResult, run
from ormlint.report import FORMATS, use_colour, write_explanation, write_report
from ormlint.selection import SelectionError, select_codes, split_tokens

# The modules above are all a run over an unchanged project needs (its
# diagnostics come from the cache); the rules, the schema export, baselines and
# fixes are imported where they are used.
if TYPE_CHECKING:
    from collections import Counter

    from ormlint.baseline import Fingerprint
    from ormlint.diagnostics import Diagnostic
    from ormlint.rules import Rule


class UsageError(Exception):
    pass


class _Exit(Exception):
    """argparse finished the run itself (`--help`, `--version`)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)

    def exit(self, status: int = 0, message: Optional[str] = None) -> None:  # type: ignore[override]
        # Return from main() instead of raising SystemExit, so that main()
        # called in-process always returns its exit status.
        if message:
            sys.stderr.write(message)
        raise _Exit(status)


def _check_parser() -> _Parser:
    parser = _Parser(prog="ormlint", description="Static analysis for SQLAlchemy, Flask-SQLAlchemy and SQLModel code.")
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--format", choices=list(FORMATS), default="text", help="text (default), json, sarif (2.1.0) or github (workflow commands)")
    parser.add_argument("--statistics", action="store_true", help="print the number of diagnostics per code instead of the diagnostics")
    parser.add_argument("--output-file", "-o", type=Path, metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument("--explain", metavar="RULE", help="print the documentation of a rule (code or name) and exit")
    parser.add_argument("--select", action="append", help="codes, prefixes (ORM1) or rule names to enable instead of the defaults")
    parser.add_argument("--ignore", action="append", default=[], help="codes, prefixes or rule names to disable")
    parser.add_argument("--extend-select", action="append", default=[], help="codes, prefixes or rule names to enable on top of the defaults")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are diagnostics")
    parser.add_argument("--quiet", "-q", action="store_true", help="print diagnostics only: no hints, no summary")
    parser.add_argument("--config", type=Path, help="pyproject.toml to read [tool.ormlint] from")
    parser.add_argument("--write-baseline", type=Path, metavar="FILE", help="record the current diagnostics in FILE (JSON) and exit 0")
    parser.add_argument("--baseline", type=Path, metavar="FILE", help="report only diagnostics that FILE (from --write-baseline) does not record")
    parser.add_argument(
        "--all", action="store_true",
        help="when the PATHs are files, report every diagnostic of their project, not only those in the files",
    )
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what is left")
    parser.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, apply the unsafe fixes too")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead of writing them (exit 1 if there are any)")
    _cache_options(parser)
    parser.add_argument("--version", action="version", version=f"ormlint {__version__}")
    return parser


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer (the number of processes), not `{value}`")
    return jobs


def _cache_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=_jobs, metavar="N", help="analyse in N processes (default: one per CPU; 1: in this process)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache of per-file facts")
    parser.add_argument("--cache-dir", type=Path, metavar="DIR", help=f"keep the cache in DIR (default: {CACHE_DIR_NAME} at the project root)")


def _schema_parser() -> _Parser:
    parser = _Parser(prog="ormlint schema", description="Print the schema ormlint resolved.")
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    parser.add_argument("--format", choices=["json", "mermaid"], default="json")
    parser.add_argument("--config", type=Path)
    _cache_options(parser)
    return parser


def _clean_parser() -> _Parser:
    parser = _Parser(prog="ormlint clean", description=f"Remove the cache directory ({CACHE_DIR_NAME} at the project root of PATH).")
    parser.add_argument("path", nargs="?", default=".", metavar="PATH", help="a directory or file of the project (default: .)")
    parser.add_argument("--cache-dir", type=Path, metavar="DIR", help="remove this cache directory instead")
    parser.add_argument("--config", type=Path)
    return parser


def _load(paths: list[str], config_path: Optional[Path]) -> tuple[list[Path], Config]:
    resolved: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"path does not exist: {raw}")
        resolved.append(path)
    pyproject = config_path if config_path is not None else find_pyproject(resolved[0].resolve())
    if config_path is not None and not config_path.is_file():
        raise UsageError(f"config file does not exist: {config_path}")
    return resolved, load_config(pyproject)


def _tolerant_output() -> None:
    """Never fail on a character the terminal cannot show (a non-ASCII name under an
    ASCII locale, an undecodable file name): escape it instead."""
    for stream in (sys.stdout, sys.stderr):
        errors = getattr(stream, "errors", None)
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if errors == "surrogateescape" and encoding == "utf8":
            continue  # undecodable file names go out as the bytes they were
        if errors in ("strict", "surrogateescape"):
            try:
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
            except (AttributeError, ValueError, OSError):
                pass


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The command; `argv` None means the process is the command (console script,
    `python -m ormlint`): then it ends the process itself once the report is out."""
    if argv is not None:
        return _main(argv)
    # A run makes millions of objects that live until the end: the cyclic garbage
    # collector would scan them all once turned back on, and the interpreter would
    # free them one by one at exit (together about a tenth of a cold run). The
    # process is about to end: skip both.
    gc.disable()
    status = _main(None)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def _main(argv: Optional[Sequence[str]]) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    _tolerant_output()
    try:
        if args and args[0] == "schema":
            return _schema(args[1:])
        if args and args[0] == "clean":
            return _clean(args[1:])
        return _check(args)
    except _Exit as exc:
        return exc.status
    except (UsageError, ConfigError, SelectionError) as exc:
        sys.stderr.write(f"ormlint: error: {_one_line(str(exc))}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("ormlint: interrupted\n")
        return 2
    except BrokenPipeError:
        # The reader went away (`ormlint | head`): stop quietly, and keep
        # Python from complaining when it flushes stdout at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 1
    except Exception as exc:  # a bug in ormlint: one line, not a traceback
        import traceback

        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        sys.stderr.write(f"ormlint: internal error: {type(exc).__name__}: {_one_line(str(exc))}{where}\n")
        return 2


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _check(argv: list[str]) -> int:
    options = _check_parser().parse_args(argv)
    if options.explain is not None:
        return _explain(options.explain, options.output_file)
    if options.statistics and options.format != "text":
        raise UsageError(f"--statistics prints a table and cannot be combined with --format {options.format}")
    if options.output_file is not None:
        _check_output_file(options.output_file)
    if options.write_baseline is not None and options.baseline is not None:
        raise UsageError("--write-baseline and --baseline cannot be combined")
    if options.write_baseline is not None:
        _check_output_file(options.write_baseline)
    baseline = _load_baseline(options.baseline) if options.baseline is not None else None
    paths, config = _load(options.paths, options.config)
    if options.jobs is not None:
        config.jobs = options.jobs
    if options.select is not None:
        config.select = split_tokens(options.select)
    config.ignore = config.ignore + split_tokens(options.ignore)
    config.extend_select = config.extend_select + split_tokens(options.extend_select)
    select_codes(config.select, config.ignore, config.extend_select)  # an unknown selector is an error before any work
    analysed, shown = files_in_project(paths, config)
    progress = ProgressLine(sys.stderr) if options.format == "text" and not options.quiet and ProgressLine.wanted(sys.stderr) else None
    cache = _cache(options, analysed, config)

    def analyse(overrides: Optional[dict[str, bytes]] = None) -> RunResult:
        try:
            result = run(analysed, config, cache=cache, reuse_results=True, progress=progress, overrides=overrides)
        finally:
            if progress is not None:
                progress.clear()
        debug_stats(result)
        if shown is not None:
            # The named files' diagnostics, under the names they were given by.
            result.diagnostics = [
                replace(d, filename=shown[_real(d.filename)]) if _real(d.filename) in shown else d
                for d in result.diagnostics
                if options.all or _real(d.filename) in shown
            ]
        if baseline is not None and options.write_baseline is None:
            from ormlint.baseline import new_diagnostics

            result.diagnostics = new_diagnostics(result.diagnostics, baseline, options.baseline)
        return result

    result = analyse()
    if options.write_baseline is not None:
        return _write_baseline(options.write_baseline, result)
    if options.fix or options.diff:
        from ormlint.fixes import fix_command

        status = fix_command(result, analyse, options, sys.stdout, sys.stderr)
        if status is not None:
            return status
    elif options.format == "json":
        result.diagnostics = _resolve_fixes(result, cache)

    def render(out: TextIO, colour: bool) -> None:
        write_report(
            result.diagnostics, out, format=options.format, quiet=options.quiet,
            colour=colour and options.format == "text", statistics=options.statistics,
        )

    _emit(render, options.output_file)
    if result.internal_errors:
        for line in result.internal_errors:
            sys.stderr.write(f"ormlint: {_one_line(line)}\n")
        return 2
    if result.diagnostics and not options.exit_zero:
        return 1
    return 0


class ProgressLine:
    """One line on a terminal's stderr, rewritten in place, while more than
    `threshold` files are read and checked; erased before the report."""

    threshold = 500
    interval = 0.1  # seconds between updates

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.width = 0
        self.last = 0.0

    @staticmethod
    def wanted(stream: TextIO) -> bool:
        isatty = getattr(stream, "isatty", None)
        try:
            return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
        except (ValueError, OSError):
            return False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total <= self.threshold:
            return
        now = time.monotonic()
        if stage == "reading" and done and now - self.last < self.interval:
            return
        self.last = now
        text = f"ormlint: reading files {done}/{total}" if stage == "reading" else f"ormlint: checking {total} files"
        self._show(text)

    def _show(self, text: str) -> None:
        try:
            self.stream.write("\r" + text.ljust(self.width))
            self.stream.flush()
        except (OSError, ValueError):
            return
        self.width = max(self.width, len(text))

    def clear(self) -> None:
        if self.width:
            self._show("")
            try:
                self.stream.write("\r")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self.width = 0


def files_in_project(paths: list[Path], config: Config) -> tuple[list[Path], Optional[dict[str, str]]]:
    """What to analyse, and whose diagnostics to show (None: all), by real path,
    with the name each was given by.

    When every PATH is a file (pre-commit and editors pass the changed files),
    the whole project they belong to is analysed, since a file's diagnostics can
    depend on the others (a ForeignKey's target column), and only the
    diagnostics located in those files are shown. The project is the directory
    of the configuration's pyproject.toml, else the nearest directory above the
    first file with a pyproject.toml, `.git` or `.hg`; a file outside any
    project is analysed on its own, as before.
    """
    if not paths or not all(path.is_file() for path in paths):
        return paths, None
    root = find_project_root(paths[0], config.path)
    if root is None:
        return paths, None
    # Name files as the PATHs do: relative to the working directory for relative PATHs.
    shown_root = root
    if not paths[0].is_absolute():
        try:
            shown_root = Path(os.path.relpath(root))
        except ValueError:  # another drive
            pass
    # The files themselves come after the root: one the configuration excludes is
    # still analysed when named, as it always is.
    return [shown_root, *paths], {_real(str(path)): str(path) for path in paths}


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def debug_stats(result: RunResult, prefix: str = "ormlint") -> None:
    """With ORMLINT_DEBUG_STATS set, one line on stderr: how many files were parsed
    and how many came from the cache."""
    if os.environ.get("ORMLINT_DEBUG_STATS"):
        sys.stderr.write(
            f"{prefix}: stats: files={result.files} parsed={result.parsed_files} cache_hits={result.cache_hits} "
            f"results_cached={'yes' if result.results_cached else 'no'}\n"
        )


def _cache(options: argparse.Namespace, paths: list[Path], config: Config) -> Optional[FactsCache]:
    if options.no_cache:
        return None
    directory = options.cache_dir if options.cache_dir is not None else default_cache_directory(paths, config)
    return FactsCache(directory) if directory is not None else None


def _clean(argv: list[str]) -> int:
    options = _clean_parser().parse_args(argv)
    if options.cache_dir is not None:
        directory: Optional[Path] = options.cache_dir
    else:
        paths, config = _load([options.path], options.config)
        directory = default_cache_directory(files_in_project(paths, config)[0], config)
        if directory is None:
            raise UsageError(f"no project directory for {options.path}: give a directory or --cache-dir")
    assert directory is not None
    try:
        removed = remove_cache(directory)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot remove {directory}: {exc.strerror or exc}") from exc
    sys.stdout.write(f"ormlint: {'removed' if removed else 'no cache at'} {directory}\n")
    return 0


def _resolve_fixes(result: RunResult, cache: Optional[FactsCache]) -> list[Diagnostic]:
    """ormlint.fixes.resolve_fixes() of the diagnostics, through the cache: a fix's
    edits depend only on its diagnostic, the text of its file and ormlint's code,
    which the run's results key covers, so a run over an unchanged project takes
    them from there and need not import the fixers (and libcst)."""
    diagnostics = result.diagnostics
    unresolved = {d for d in diagnostics if d.fix is not None and not d.fix.edits}
    if not unresolved:
        return diagnostics
    keyed = cache is not None and bool(result.results_key)
    kept = cache.load_fixes(result.results_slot, result.results_key) if cache is not None and keyed else None
    if kept is not None and all(d in kept for d in unresolved):
        return [kept.get(d, d) for d in diagnostics]
    from ormlint.fixes import resolve_fixes

    resolved = resolve_fixes(diagnostics)
    if cache is not None and keyed:
        pairs = {**(kept or {}), **{d: r for d, r in zip(diagnostics, resolved) if d in unresolved}}
        cache.store_fixes(result.results_slot, result.results_key, pairs)
    return resolved


def _load_baseline(path: Path) -> Counter[Fingerprint]:
    from ormlint.baseline import BaselineError, load_baseline

    try:
        return load_baseline(path)
    except BaselineError as exc:  # reported as a usage error: one line, status 2
        raise UsageError(str(exc)) from exc


def _write_baseline(path: Path, result: RunResult) -> int:
    from ormlint.baseline import baseline_json

    text = baseline_json(result.diagnostics, path)

    def write(out: TextIO) -> None:
        out.write(text)

    try:
        _write_atomically(path, write)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    count = len(result.diagnostics)
    sys.stderr.write(f"ormlint: recorded {count} diagnostic{'s' if count != 1 else ''} in {path}\n")
    if result.internal_errors:
        for line in result.internal_errors:
            sys.stderr.write(f"ormlint: {_one_line(line)}\n")
        return 2
    return 0


def _find_rule(token: str) -> Optional[type[Rule]]:
    from ormlint.rules import RULES_BY_CODE, RULES_BY_NAME

    token = token.strip()
    return RULES_BY_NAME.get(token) or RULES_BY_CODE.get(token.upper())


def _explain(token: str, output_file: Optional[Path]) -> int:
    rule = _find_rule(token)
    if rule is None:
        raise UsageError(f"unknown rule `{token}` for --explain (expected a code such as ORM103 or a rule name such as fk-type-mismatch)")
    if output_file is not None:
        _check_output_file(output_file)
    _emit(lambda out, colour: write_explanation(rule, out), output_file)
    return 0


def _emit(render: Callable[[TextIO, bool], None], output_file: Optional[Path]) -> None:
    """Render to standard output (colour only on a terminal), or atomically to a file."""
    if output_file is None:
        render(sys.stdout, use_colour(sys.stdout))
        sys.stdout.flush()
        return
    try:
        _write_atomically(output_file, lambda out: render(out, False))
    except OSError as exc:
        raise UsageError(f"cannot write {output_file}: {exc.strerror or exc}") from exc


def _check_output_file(path: Path) -> None:
    """Fail before the analysis, not after it, when the report cannot go where asked."""
    if path.is_dir():
        raise UsageError(f"output file is a directory: {path}")
    if not path.parent.is_dir():
        raise UsageError(f"directory of the output file does not exist: {path.parent}")


def _write_atomically(path: Path, render: Callable[[TextIO], None]) -> None:
    """The report is complete on disk or not there at all, with the old file's
    permissions (a new file gets the umask's)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    from ormlint.atomic import write_atomically

    buffer = io.StringIO()
    render(buffer)
    write_atomically(path, buffer.getvalue().encode("utf-8", "surrogateescape"), mode=mode, durable=True)


def _schema(argv: list[str]) -> int:
    from ormlint.schema_export import schema_json, schema_mermaid

    options = _schema_parser().parse_args(argv)
    paths, config = _load(options.paths, options.config)
    if options.jobs is not None:
        config.jobs = options.jobs
    result = run(paths, config, rules=[], cache=_cache(options, paths, config))
    assert result.index is not None  # results are reused only when asked for
    if options.format == "json":
        import json

        json.dump(schema_json(result.index), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(schema_mermaid(result.index))
    return 0
