"""Parse and extract many files across worker processes (`--jobs`).

Each file's outcome depends on that file alone (`ormlint.filefacts`), so the
files can be analysed in any process, in any order: the engine puts the
outcomes back in discovery order, and the results are the same as in one
process. On Linux, while this process runs no other thread, workers are
forked: they start at once, with ormlint already imported. Elsewhere (macOS,
Windows, a host process with threads, such as an editor) they are started with
`spawn`, as fresh interpreters, so that no copy of another thread's locks is
ever made. Either way the worker function is a module-level function of this
module, and its arguments and results are plain picklable data (`SourceFile`,
bytes, `FileOutcome`, which the cache pickles anyway).

With N jobs, N - 1 workers and the main process share the files (see
`analyse_files`). Small trees stay in-process: starting a worker costs about as much as
analysing a few hundred kilobytes of code. Any failure of the pool (a worker
killed, a result that cannot be pickled, no processes allowed here: flake8
runs plugins in daemonic workers, which may not have children) makes the files
it did not deliver be analysed in-process instead, so `--jobs` never changes
what is reported.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import threading
from typing import Callable, Optional, Sequence, Union

from ormlint.discover import SourceFile
from ormlint.filefacts import FileOutcome, analyse_file

# Below this many bytes of files to analyse, workers cost more than they save.
PARALLEL_MIN_BYTES = 1_500_000
# Files are sent to workers in batches of about this many bytes (and at most
# _BATCH_FILES files): few enough round trips, small enough to balance the load.
# When the main process meets the workers, it waits for the batches they hold
# (the one running and the one the executor queued): on polar 0.3-0.7 s with
# 400 KB batches, 0.1-0.15 s with 100 KB, under 0.03 s with the batches made
# smaller where the processes meet and the largest files moved to the ends
# (`_meeting_order`, `_batches`).
_BATCH_BYTES = 100_000
_BATCH_FILES = 200


def cpu_count() -> int:
    """The CPUs this process may run on."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return max(os.cpu_count() or 1, 1)


def can_fork() -> bool:
    """Whether copies of this process may be made with `fork`: on Linux, and only
    while no other thread runs (a copy could inherit a lock one of them holds)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def default_jobs() -> int:
    """One process per CPU, fewer only on a machine already overloaded: beyond
    twice as many runnable processes as CPUs (the one-minute load average) each
    extra worker only adds the cost of shipping its facts back (measured: polar
    took 83 s with two idle-waiting workers against 45 s in one process on two
    CPUs with a load of 12). Up to that, one per CPU: the load average still
    counts the processes of a run that just ended (ormlint's own previous run
    leaves about as many as it used), so a lower threshold would make a second
    run in a row slower than the first."""
    cpus = cpu_count()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows
        return cpus
    if load <= 2 * cpus:
        return cpus
    return max(1, min(cpus, int(3 * cpus - load + 0.5)))


def analyse_files(
    work: Sequence[tuple[SourceFile, bytes]],
    jobs: Optional[int] = None,
    done: Optional[Callable[[int], None]] = None,
) -> list[FileOutcome]:
    """The outcome of each (source, data) in `work`, in order (see `analyse_files_pickled`)."""
    return [outcome for outcome, _ in analyse_files_pickled(work, jobs, done)]


# An outcome, and its pickle when a worker made it (the cache stores that as it is).
Analysed = tuple[FileOutcome, Optional[bytes]]


def analyse_files_pickled(
    work: Sequence[tuple[SourceFile, bytes]],
    jobs: Optional[int] = None,
    done: Optional[Callable[[int], None]] = None,
    meanwhile: Optional[Callable[[], None]] = None,
) -> list[Analysed]:
    """The outcome of each (source, data) in `work`, in order, with the pickle
    it came in when a worker analysed it (None when this process did). `done(n)`
    is called as outcomes arrive, with how many have arrived so far.
    `meanwhile()`, when the workers have started (if any start): work this
    process has to do anyway, such as importing what comes after the analysis,
    done while the workers already analyse (its exceptions are ignored: the
    caller does that work again, or does without it).

    With `jobs` N above one, N - 1 worker processes and this process share the
    files: the workers take batches from the front, this process from the back,
    until they meet. A file analysed here costs no pickling, one analysed in a
    worker costs pickling its facts there and unpickling them here; sharing this
    way balances that without guessing a split."""
    workers = default_jobs() if jobs is None else jobs
    total = sum(len(data) for _, data in work)
    if workers <= 1 or len(work) < 2 or total < PARALLEL_MIN_BYTES or not may_start_processes():
        return [(outcome, None) for outcome in _serial(work, done)]
    order = _meeting_order(work, _BATCH_BYTES // 2)
    arranged = [work[number] for number in order]
    # Where they are expected to meet: the workers' share of the bytes, a little
    # under their share of the processes (their files also cost pickling).
    meeting = (workers - 1) / workers * 0.95
    batches = _batches(arranged, max(min(_BATCH_BYTES, total // (workers * 4)), 1), meeting)
    outcomes: list[Optional[list[Analysed]]] = [None] * len(batches)
    try:
        _in_workers(batches, outcomes, min(workers - 1, len(batches)), done, meanwhile)
    except Exception:
        pass  # whatever did not come back is analysed below
    arrived = sum(len(o) for o in outcomes if o is not None)
    result: list[Analysed] = []
    for number, batch in enumerate(batches):
        found = outcomes[number]
        if found is None or len(found) != len(batch):
            found = [(analyse_file(data, source), None) for source, data in batch]
            arrived += len(batch)
            if done is not None:
                done(arrived)
        result.extend(found)
    in_order: list[Analysed] = [result[0]] * len(work)  # every slot is filled below
    for position, number in enumerate(order):
        in_order[number] = result[position]
    return in_order


def _serial(work: Sequence[tuple[SourceFile, bytes]], done: Optional[Callable[[int], None]]) -> list[FileOutcome]:
    result: list[FileOutcome] = []
    for source, data in work:
        result.append(analyse_file(data, source))
        if done is not None:
            done(len(result))
    return result


def _meeting_order(work: Sequence[tuple[SourceFile, bytes]], large: int) -> list[int]:
    """Positions in `work`, rearranged: files of `large` bytes or more at both
    ends (in turns), the others in between. The workers start at the front and
    this process at the back; where they meet, this process waits for the
    batches the workers hold, which is short only if those batches are."""
    front: list[int] = []
    back: list[int] = []
    middle: list[int] = []
    for number, (_, data) in enumerate(work):
        if len(data) < large:
            middle.append(number)
        elif len(front) <= len(back):
            front.append(number)
        else:
            back.append(number)
    return front + middle + back[::-1]


def _batches(work: Sequence[tuple[SourceFile, bytes]], size: int, meeting: float = 0.5) -> list[list[tuple[SourceFile, bytes]]]:
    """Consecutive files in batches of about `size` bytes, smaller near the
    expected meeting point (`meeting`, a fraction of all bytes from the front):
    down to an eighth of `size` there, full size a fifth of the bytes away."""
    total = max(sum(len(data) for _, data in work), 1)
    batches: list[list[tuple[SourceFile, bytes]]] = []
    current: list[tuple[SourceFile, bytes]] = []
    weight = 0
    done = 0
    target = size
    for item in work:
        if not current:
            distance = abs(done / total - meeting)
            target = max(int(size * min(1.0, distance / 0.2)), size // 8, 1)
        current.append(item)
        weight += len(item[1])
        done += len(item[1])
        if weight >= target or len(current) >= _BATCH_FILES:
            batches.append(current)
            current, weight = [], 0
    if current:
        batches.append(current)
    return batches


def may_start_processes() -> bool:
    import multiprocessing

    return not multiprocessing.current_process().daemon


def _in_workers(
    batches: list[list[tuple[SourceFile, bytes]]],
    outcomes: list[Optional[list[Analysed]]],
    workers: int,
    done: Optional[Callable[[int], None]],
    meanwhile: Optional[Callable[[], None]] = None,
) -> None:
    """Fill `outcomes` (by batch) from `workers` processes and this one. A batch
    whose worker failed stays None. `meanwhile()` is called once the workers
    have their batches."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("fork" if can_fork() else "spawn")
    collected: set[int] = set()
    arrived = 0

    def collect(finished: set["Future[Union[str, list[bytes]]]"]) -> None:
        nonlocal arrived
        for future in finished:
            number = numbers[future]
            collected.add(number)
            if future.cancelled():
                continue  # analysed here
            try:
                found: list[Analysed] = [(pickle.loads(payload), payload) for payload in _payloads(future.result())]
            except Exception:
                continue  # analysed in-process afterwards
            outcomes[number] = found
            arrived += len(found)
        if done is not None and finished:
            done(arrived)

    drop = _drop_directory()
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
        ) as pool:
            futures = [
                pool.submit(analyse_batch, batch, drop and os.path.join(drop, str(number))) for number, batch in enumerate(batches)
            ]
            numbers = {future: number for number, future in enumerate(futures)}
            if meanwhile is not None:
                try:
                    meanwhile()
                except Exception:
                    pass  # see `analyse_files_pickled`
            try:
                # Workers start batches in order; a batch no worker has started yet
                # can be cancelled, and then this process analyses it. Once a batch
                # cannot be cancelled, the workers have reached it: the rest is theirs.
                for number in reversed(range(len(batches))):
                    if not futures[number].cancel():
                        break
                    outcomes[number] = [(analyse_file(data, source), None) for source, data in batches[number]]
                    arrived += len(batches[number])
                    collect({f for f in futures if f.done() and numbers[f] not in collected})
                pending = {f for f in futures if numbers[f] not in collected}
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    collect(finished)
            finally:
                for future in futures:
                    future.cancel()
    finally:  # the workers have stopped: nothing more is written there
        if drop:
            shutil.rmtree(drop, ignore_errors=True)


def _drop_directory() -> str:
    """A new private directory for the workers' results (see `analyse_batch`),
    or "" when none can be made (then results come through the pipe)."""
    import tempfile

    try:
        return tempfile.mkdtemp(prefix="ormlint-jobs-")
    except OSError:
        return ""


def _payloads(result: Union[str, list[bytes]]) -> list[bytes]:
    """The pickled outcomes a worker returned: in the pipe, or in the file it names."""
    if isinstance(result, list):
        return result
    with open(result, "rb") as stream:
        data = stream.read()
    os.unlink(result)
    found: list[bytes] = pickle.loads(data)
    return found


def _start_worker(parent: int) -> None:
    """In each worker: Ctrl-C is the parent's to handle (it stops the pool), and
    a worker whose parent is gone (killed) exits instead of waiting forever for work."""
    import signal
    import threading
    import time

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):
        pass

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="ormlint-orphan-watch", daemon=True).start()


def analyse_batch(batch: list[tuple[SourceFile, bytes]], drop: str = "") -> Union[str, list[bytes]]:
    """Run in a worker process: the outcomes of a batch of files, each pickled on
    its own (the main process unpickles each, and its cache can keep the bytes).

    With `drop`, they are written to that file and its name is returned instead.
    A pipe holds only 64 KB: sending megabytes through it, the worker would wait
    for the main process to read, and the main process reads in a thread that
    gets its turn only every few milliseconds while the main thread analyses
    files (on polar the worker spent over a second blocked so). A file is
    written at once."""
    import gc

    # As in the engine: millions of short-lived objects, freed by reference counting.
    gc.disable()
    payloads = [pickle.dumps(analyse_file(data, source), protocol=pickle.HIGHEST_PROTOCOL) for source, data in batch]
    if drop:
        try:
            with open(drop, "wb") as stream:
                stream.write(pickle.dumps(payloads, protocol=pickle.HIGHEST_PROTOCOL))
            return drop
        except OSError:
            pass
    return payloads
