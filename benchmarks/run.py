"""Measure ormlint against the parse floor on one or more trees.

    python benchmarks/run.py PATH [PATH...]

For each PATH, in one run: files and lines of *.py; the parse floor (read +
``ast.parse`` of those files in this process); ormlint cold (``--no-cache``), with
the default ``--jobs`` (one process per CPU) and with ``--jobs 1``; ormlint warm (a
second run on a freshly filled temporary ``--cache-dir``); ormlint after appending a
comment to one model file (on a temporary copy of the tree, never the tree itself);
flake8 with the ormlint plugin on one file with a warm cache (on the copy; "n/a"
without flake8); and the peak RSS of the cold runs (of the largest process: the
main one or a worker). Prints a markdown table; every time is also given as a
ratio to the floor.

Stdlib only; not part of the test suite.
"""

from __future__ import annotations

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


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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


def measure(root: Path) -> dict:
    root = root.resolve()
    files = python_files(root)
    floor, lines = parse_floor(files)
    row: dict = {"path": str(root), "files": len(files), "lines": lines, "floor": floor}
    base = [*ORMLINT, "-q", "--exit-zero"]
    row["cold"], row["rss"] = timed([*base, "--no-cache", str(root)])
    row["cold1"], row["rss1"] = timed([*base, "--no-cache", "--jobs", "1", str(root)])
    with tempfile.TemporaryDirectory(prefix="ormlint-bench-") as temp:
        temp_dir = Path(temp)
        cache = temp_dir / "cache"
        timed([*base, "--cache-dir", str(cache), str(root)])
        row["warm"], _ = timed([*base, "--cache-dir", str(cache), str(root)])
        # Touch one model file: on a copy, with the copy's own cache.
        copy = temp_dir / "tree"
        copy_tree(root, copy) if root.is_dir() else (copy.mkdir(), shutil.copy2(root, copy / root.name))
        copy_files = python_files(copy)
        target = model_file(copy_files)
        copy_cache = temp_dir / "copy-cache"
        timed([*base, "--cache-dir", str(copy_cache), str(copy)])
        if target is not None:
            with open(target, "a", encoding="utf-8") as handle:
                handle.write("# touched by benchmarks/run.py\n")
            row["touched"], _ = timed([*base, "--cache-dir", str(copy_cache), str(copy)])
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
            row["flake8"], _ = timed(command, cwd=copy)
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


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    if not paths or any(p in (Path("-h"), Path("--help")) for p in paths):
        print(__doc__)
        return 0 if paths else 2
    for path in paths:
        if not path.exists():
            print(f"{path}: no such file or directory", file=sys.stderr)
            return 2
    print(HEAD, flush=True)
    for path in paths:
        print(f"measuring {path} ...", file=sys.stderr)
        row = measure(path)
        row["label"] = path.name or str(path)
        if row["touched"] is not None:
            print(f"  touched {row['touched_file']}", file=sys.stderr)
        print(table_row(row), flush=True)  # row by row: a long run still reports
    return 0


if __name__ == "__main__":
    sys.exit(main())
