"""`--jobs`: parsing and extraction in worker processes give the same results."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ormlint import parallel
from ormlint.cli import main
from ormlint.config import ConfigError, parse_config
from ormlint.discover import discover
from ormlint.filefacts import analyse_file

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo"


def _output(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["--no-cache", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def always_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use workers even for the small trees of the tests."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "_BATCH_BYTES", 2_000)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "gen120"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--models", "120", "--out", str(out)], check=True, capture_output=True)
    return out


@pytest.mark.parametrize("format", ["text", "json"])
def test_jobs_give_identical_results_on_the_demo(capsys: pytest.CaptureFixture[str], always_parallel: None, format: str) -> None:
    one = _output(capsys, "--jobs", "1", "--format", format, str(DEMO))
    two = _output(capsys, "--jobs", "2", "--format", format, str(DEMO))
    assert one[0] == 1 and one[1].count("ORM") > 10
    assert two == one


@pytest.mark.parametrize("format", ["text", "json"])
def test_jobs_give_identical_results_on_a_generated_project(
    capsys: pytest.CaptureFixture[str], always_parallel: None, generated: Path, format: str
) -> None:
    args = ["--format", format, "--select", "ORM", str(generated)]
    one = _output(capsys, "--jobs", "1", *args)
    three = _output(capsys, "--jobs", "3", *args)
    assert one[0] in (0, 1) and not one[2]
    assert three == one


def test_worker_outcomes_equal_in_process_outcomes(always_parallel: None, generated: Path) -> None:
    sources = discover([generated], [])
    work = [(source, source.path.read_bytes()) for source in sources]
    work.append((work[0][0], b"def broken(:\n"))  # a parse failure travels too
    arrived: list[int] = []
    in_workers = parallel.analyse_files(work, 2, arrived.append)
    assert in_workers == [analyse_file(data, source) for source, data in work]
    assert arrived and arrived[-1] == len(work) and arrived == sorted(arrived)


def test_meanwhile_runs_once_while_the_workers_analyse(always_parallel: None, generated: Path) -> None:
    """The engine imports the index and the rules there (`engine._import_later_stages`):
    it runs once the workers have their batches, and its failure changes nothing."""
    import multiprocessing

    sources = discover([generated], [])
    work = [(source, source.path.read_bytes()) for source in sources]
    expected = [analyse_file(data, source) for source, data in work]
    workers_then: list[int] = []

    def meanwhile() -> None:
        workers_then.append(len(multiprocessing.active_children()))
        raise RuntimeError("ignored")

    analysed = parallel.analyse_files_pickled(work, 2, None, meanwhile)
    assert [outcome for outcome, _ in analysed] == expected
    assert workers_then == [1]  # once, with the worker running
    assert any(pickled is not None for _, pickled in analysed)


def test_small_trees_and_one_job_stay_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_workers(*args: object) -> None:
        raise AssertionError("workers started")

    monkeypatch.setattr(parallel, "_in_workers", no_workers)
    sources = discover([DEMO], [])
    work = [(source, source.path.read_bytes()) for source in sources]
    assert len(parallel.analyse_files(work, 4)) == len(work)  # below PARALLEL_MIN_BYTES
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    assert len(parallel.analyse_files(work, 1)) == len(work)


def test_a_failing_pool_falls_back_to_this_process(monkeypatch: pytest.MonkeyPatch, always_parallel: None) -> None:
    def broken_pool(*args: object) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(parallel, "_in_workers", broken_pool)
    sources = discover([DEMO], [])
    work = [(source, source.path.read_bytes()) for source in sources]
    assert parallel.analyse_files(work, 2) == [analyse_file(data, source) for source, data in work]


def test_daemonic_processes_stay_in_process(monkeypatch: pytest.MonkeyPatch, always_parallel: None) -> None:
    import multiprocessing

    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True, raising=False)
    assert not parallel.may_start_processes()


@pytest.mark.parametrize("bad", ["0", "-1", "x", "1.5", ""])
def test_bad_jobs_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], bad: str) -> None:
    status = main(["--jobs", bad, str(DEMO)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "--jobs" in err and "positive integer" in err


def test_jobs_setting() -> None:
    assert parse_config({}).jobs is None
    assert parse_config({"jobs": 3}).jobs == 3
    for bad in (0, -2, True, "4", 1.5):
        with pytest.raises(ConfigError, match="jobs"):
            parse_config({"jobs": bad})
    # Not part of the configuration's identity: cached results do not depend on it.
    assert repr(parse_config({"jobs": 3})) == repr(parse_config({}))


def test_jobs_setting_in_pyproject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ormlint]\njobs = 0\n")
    (tmp_path / "m.py").write_text("x = 1\n")
    assert main([str(tmp_path)]) == 2
    assert "jobs" in capsys.readouterr().err


def test_default_jobs_backs_off_on_an_overloaded_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cpu_count", lambda: 8)
    for load, expected in ((0.0, 8), (0.4, 8), (8.0, 8), (16.0, 8), (19.0, 5), (21.4, 3), (23.6, 1), (30.0, 1)):
        monkeypatch.setattr(parallel.os, "getloadavg", lambda load=load: (load, load, load), raising=False)
        assert parallel.default_jobs() == expected, load

    monkeypatch.setattr(parallel, "cpu_count", lambda: 2)
    for load, expected in ((2.6, 2), (4.0, 2), (5.0, 1), (12.0, 1)):  # 2.6: left by a run that just ended
        monkeypatch.setattr(parallel.os, "getloadavg", lambda load=load: (load, load, load), raising=False)
        assert parallel.default_jobs() == expected, load
    monkeypatch.setattr(parallel, "cpu_count", lambda: 8)

    def unavailable() -> tuple[float, float, float]:
        raise OSError("no load average here")

    monkeypatch.setattr(parallel.os, "getloadavg", unavailable, raising=False)
    assert parallel.default_jobs() == 8


WORKERS_THEN_WAIT = """
import multiprocessing, sys, threading, time
from pathlib import Path
from ormlint import parallel
from ormlint.discover import SourceFile

def report():
    time.sleep(1.5)
    print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)

if __name__ == "__main__":
    parallel.PARALLEL_MIN_BYTES = 0
    parallel._BATCH_BYTES = 1
    source = SourceFile(Path("big.py"), "big.py", "big", False)
    data = ("def f(x):\\n    return x.a.b.c(1, 2, k=3)\\n" * 20000).encode()
    threading.Thread(target=report, daemon=True).start()
    parallel.analyse_files([(source, data)] * 400, 3)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_the_main_process_is_killed(tmp_path: Path) -> None:
    """They used to wait for work forever, holding their memory."""
    import os
    import signal
    import time

    script = tmp_path / "run.py"
    script.write_text(WORKERS_THEN_WAIT)
    # The killed process cannot remove its workers' directory: keep it in tmp_path.
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TMPDIR": str(tmp_path)}
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    workers: list[int] = []
    try:
        assert process.stdout is not None
        children = [int(pid) for pid in process.stdout.readline().split()]
        workers = [pid for pid in children if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")]
        assert len(workers) == 2, children
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_running(pid) for pid in workers):
            time.sleep(0.2)
        assert not any(_running(pid) for pid in workers)
    finally:
        if process.poll() is None:
            process.kill()
        for pid in workers:  # never leave them behind, even when the test fails
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited


def test_main_process_shares_the_work(monkeypatch: pytest.MonkeyPatch, always_parallel: None, generated: Path) -> None:
    """With --jobs 2 one worker starts; this process analyses the batches no
    worker has reached (from the back), and the outcomes keep their order."""
    sources = discover([generated], [])
    work = [(source, source.path.read_bytes()) for source in sources]
    here: list[str] = []
    real = parallel.analyse_file

    def counted(data: bytes, source: object) -> object:
        here.append(source.display)  # type: ignore[attr-defined]
        return real(data, source)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "analyse_file", counted)
    outcomes = parallel.analyse_files(work, 2)
    assert outcomes == [real(data, source) for source, data in work]
    last = parallel._meeting_order(work, parallel._BATCH_BYTES // 2)[-1]
    assert here and here[0] == work[last][0].display  # the main process began at the end


def test_large_files_go_to_the_ends_and_batches_shrink_where_the_processes_meet() -> None:
    from ormlint.discover import SourceFile

    sizes = [10, 500, 20, 600, 30, 700, 40, 800]
    work = [(SourceFile(Path(f"m{n}.py"), f"m{n}.py", f"m{n}", False), b"x" * size) for n, size in enumerate(sizes)]
    order = parallel._meeting_order(work, 100)
    assert sorted(order) == list(range(len(work)))
    assert [sizes[n] for n in order] == [500, 700, 10, 20, 30, 40, 800, 600]
    many = [(work[0][0], b"x" * 1000)] * 1000  # a million bytes
    batches = parallel._batches(many, 100_000, 0.5)
    assert sum(len(b) for b in batches) == 1000
    weights = [sum(len(d) for _, d in batch) for batch in batches]
    assert weights[0] == 100_000 and max(weights[-3:]) == 100_000  # full size far from the middle
    middle = len(batches) // 2
    assert min(weights[middle - 2: middle + 3]) <= 20_000  # an eighth of the size, or a little more


def test_worker_pickles_go_to_the_cache_as_they_are(always_parallel: None, generated: Path, tmp_path: Path) -> None:
    """A file a worker analysed is stored from the pickle it came in; the cache
    reads back the same outcome as for a file analysed here."""
    from ormlint.cache import FactsCache, file_key

    sources = discover([generated], [])
    work = [(source, source.path.read_bytes()) for source in sources]
    analysed = parallel.analyse_files_pickled(work, 2)
    assert any(pickled is not None for _, pickled in analysed)  # some came from the worker
    assert any(pickled is None for _, pickled in analysed)  # some were analysed here
    cache = FactsCache(tmp_path / "cache")
    for (source, data), (outcome, pickled) in zip(work, analysed):
        cache.store(source, file_key(source, data), outcome, pickled)
    for (source, data), (outcome, _) in zip(work, analysed):
        assert cache.load(source, file_key(source, data)) == outcome == analyse_file(data, source)


def test_worker_results_come_back_through_a_file(generated: Path, tmp_path: Path) -> None:
    """A worker writes its batch's pickles to the file it is given (a pipe would
    make it wait for the main process to read); they are read back and the file
    goes. Where the file cannot be written, they come through the pipe."""
    import pickle

    sources = discover([generated], [])[:3]
    batch = [(source, source.path.read_bytes()) for source in sources]
    expected = [analyse_file(data, source) for source, data in batch]
    drop = str(tmp_path / "0")
    assert parallel.analyse_batch(batch, drop) == drop
    assert [pickle.loads(p) for p in parallel._payloads(drop)] == expected
    assert not Path(drop).exists()
    unwritable = str(tmp_path / "missing" / "0")
    payloads = parallel.analyse_batch(batch, unwritable)
    assert isinstance(payloads, list) and [pickle.loads(p) for p in parallel._payloads(payloads)] == expected


def test_the_workers_directory_is_removed(monkeypatch: pytest.MonkeyPatch, always_parallel: None, generated: Path, tmp_path: Path) -> None:
    made: list[str] = []
    real = parallel._drop_directory

    def recorded() -> str:
        made.append(real())
        return made[-1]

    monkeypatch.setattr(parallel, "_drop_directory", recorded)
    work = [(source, source.path.read_bytes()) for source in discover([generated], [])]
    analysed = parallel.analyse_files_pickled(work, 2)
    assert any(pickled is not None for _, pickled in analysed)
    assert made and made[0] and not Path(made[0]).exists()
