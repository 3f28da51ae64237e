"""Measure ormlint against the parse floor on one or more trees.

    python benchmarks/run.py [--repeat N] PATH [PATH...]

For each PATH, in one run: files and lines of *.py; the parse floor (read +
``ast.parse`` of those files in this process); ormlint cold (``--no-cache``), with
the default ``--jobs`` (one process per CPU) and with ``--jobs 1``; ormlint warm (a
second run on a freshly filled temporary ``--cache-dir``); ormlint after appending a
comment to one model file (on a temporary copy of the tree, never the tree itself);
flake8 with the ormlint plugin on one file with a warm cache (on the copy; "n/a"
without flake8); and the peak RSS of the cold runs (of the largest process: the
main one or a worker). Prints a markdown table; every time is also given as a
ratio to the floor.

With ``--repeat N`` every figure is measured N times and the best (lowest) time
is reported, as ``timeit`` does: on a shared or virtual machine a run is only
ever slowed down by others, never sped up. The floor and the cold runs are
taken in turns (floor, cold, cold ``--jobs 1``, floor, ...), so that each ratio
compares measurements made side by side. Peak RSS is the highest seen.

ormlint and flake8 run from compiled bytecode, as they do after any install
(pip compiles installed modules; Python writes ``__pycache__`` on first import):
the runs are given a private ``PYTHONPYCACHEPREFIX`` and a first, unmeasured
run fills it. Without it, an environment with ``PYTHONDONTWRITEBYTECODE`` set
(as some sandboxes and containers have) would make every measured run compile
ormlint's own modules first (about 0.3 s), which is no part of analysing.

Stdlib only; not part of the test suite.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SKIP = {".venv", "venv", "node_modules", "build", "dist", ".git", ".ormlint_cache", "__pycache__", ".tox"}
MODEL_HINT = re.compile(r"__tablename__|\(db\.Model\)|Mapped\[")
ORMLINT = [sys.executable, "-m", "ormlint"]


def python_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP)
        found += [Path(directory) / f for f in sorted(files) if f.endswith(".py")]
    return found


def parse_floor(files: list[Path]) -> tuple[float, int]:
    lines = 0
    start = time.perf_counter()
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        lines += data.count(b"\n")
        try:
            ast.parse(data, filename=str(path))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
    return time.perf_counter() - start, lines


# The environment of the measured runs (see the module's docstring); set by `main`.
CHILD_ENV: dict[str, str] | None = None


def bytecode_environment(prefix: Path) -> dict[str, str]:
    """This environment, with bytecode written to and read from `prefix`."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(prefix)
    return env


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=CHILD_ENV)
    assert process.stderr is not None
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        sys.stderr.write(f"warning: {' '.join(command)} exited {process.returncode}: {stderr.decode()[-500:]}\n")
    return elapsed, usage.ru_maxrss


def model_file(files: list[Path]) -> Path | None:
    best = None
    for path in files:
        try:
            text = path.read_text("utf-8", errors="replace")
        except OSError:
            continue
        if MODEL_HINT.search(text):
            if "models" in path.parts or path.stem == "models":
                return path
            best = best or path
    return best


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*SKIP), symlinks=True)


def measure(root: Path, repeat: int = 1) -> dict:
    root = root.resolve()
    files = python_files(root)
    base = [*ORMLINT, "-q", "--exit-zero"]
    timed([*base, "--no-cache", str(root)])  # unmeasured: compiles what a run imports (`CHILD_ENV`)
    floors, colds, colds1, rss, rss1 = [], [], [], [], []
    for _ in range(repeat):
        floor, lines = parse_floor(files)
        floors.append(floor)
        cold, peak = timed([*base, "--no-cache", str(root)])
        colds.append(cold)
        rss.append(peak)
        cold, peak = timed([*base, "--no-cache", "--jobs", "1", str(root)])
        colds1.append(cold)
        rss1.append(peak)
    row: dict = {"path": str(root), "files": len(files), "lines": lines, "floor": min(floors),
                 "cold": min(colds), "rss": max(rss), "cold1": min(colds1), "rss1": max(rss1)}
    with tempfile.TemporaryDirectory(prefix="ormlint-bench-") as temp:
        temp_dir = Path(temp)
        cache = temp_dir / "cache"
        timed([*base, "--cache-dir", str(cache), str(root)])
        row["warm"] = min(timed([*base, "--cache-dir", str(cache), str(root)])[0] for _ in range(repeat))
        # Touch one model file: on a copy, with the copy's own cache.
        copy = temp_dir / "tree"
        copy_tree(root, copy) if root.is_dir() else (copy.mkdir(), shutil.copy2(root, copy / root.name))
        copy_files = python_files(copy)
        target = model_file(copy_files)
        copy_cache = temp_dir / "copy-cache"
        timed([*base, "--cache-dir", str(copy_cache), str(copy)])
        if target is not None:
            touched = []
            for number in range(repeat):
                with open(target, "a", encoding="utf-8") as handle:
                    handle.write(f"# touched by benchmarks/run.py ({number + 1})\n")
                touched.append(timed([*base, "--cache-dir", str(copy_cache), str(copy)])[0])
            row["touched"] = min(touched)
            row["touched_file"] = str(target.relative_to(copy))
        else:
            row["touched"] = None
        # flake8 with the plugin on one file; the plugin uses the default cache
        # directory of the project (inside the copy), warmed by a first run.
        row["flake8"] = None
        if importlib.util.find_spec("flake8") is not None and copy_files:
            one = target or copy_files[0]
            command = [sys.executable, "-m", "flake8", "--select", "ORM", "--exit-zero", str(one)]
            timed(command, cwd=copy)
            row["flake8"] = min(timed(command, cwd=copy)[0] for _ in range(repeat))
    return row


def seconds(value: float | None, floor: float) -> str:
    if value is None:
        return "n/a"
    ratio = f"{value / floor:.2f}x" if floor > 0 else "-"
    return f"{value:.2f} s ({ratio})"


HEAD = (
    "| path | files | lines | parse floor | cold | cold `--jobs 1` | warm | one model touched | flake8 one file (warm) "
    "| peak RSS cold (`--jobs 1`) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def table_row(r: dict) -> str:
    return (
        f"| {r['label']} | {r['files']} | {r['lines']} | {r['floor']:.2f} s "
            f"| {seconds(r['cold'], r['floor'])} | {seconds(r['cold1'], r['floor'])} | {seconds(r['warm'], r['floor'])} "
            f"| {seconds(r['touched'], r['floor'])} | {seconds(r['flake8'], r['floor'])} "
        f"| {r['rss'] / 1024:.0f} MB ({r['rss1'] / 1024:.0f} MB) |"
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=_positive, default=1, help="measure each figure N times, keep the best")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    options = parser.parse_args(argv)
    paths, repeat = options.paths, options.repeat
    for path in paths:
        if not path.exists():
            print(f"{path}: no such file or directory", file=sys.stderr)
            return 2
    global CHILD_ENV
    bytecode = tempfile.mkdtemp(prefix="ormlint-bench-pyc-")
    CHILD_ENV = bytecode_environment(Path(bytecode))
    try:
        _measure_all(paths, repeat)
    finally:
        shutil.rmtree(bytecode, ignore_errors=True)
    return 0


def _measure_all(paths: list[Path], repeat: int) -> None:
    print(HEAD, flush=True)
    for path in paths:
        print(f"measuring {path} ...", file=sys.stderr)
        row = measure(path, repeat)
        row["label"] = path.name or str(path)
        if row["touched"] is not None:
            print(f"  touched {row['touched_file']}", file=sys.stderr)
        print(table_row(row), flush=True)  # row by row: a long run still reports


if __name__ == "__main__":
    sys.exit(main())
