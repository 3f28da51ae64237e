"""Run the selected rules over the project index, in this process or shared
with one forked copy of it (`--jobs` above one, on Linux, for large projects).

The rules only read the index, so a copy of the process made by `fork` after
the index is built can run some of them without anything being sent to it:
it sees the same index, and sends back only its diagnostics. The two processes
take groups of rules from one queue (a pipe holding one byte per group), so
neither idles while the other has work. The outcome, rule by rule and in order,
is the same as in one process; whatever the copy fails to deliver (it died, or
its results could not be pickled) is checked here afterwards.

Rules of one group (by default, those of one module) share what they compute
on the context (the usage resolver, the replayed migrations, the session
resolver) and run in the same process. Rules of other groups may use the same
resolvers, each process building its own: what a resolver remembers is meant
as a cache, not as a result of which rules ran before (the 8 dev-corpus
repositories give identical diagnostics either way). Only Linux forks:
elsewhere (and with threads running, where a forked copy could inherit a held
lock) the rules run here, one after the other.
"""

from __future__ import annotations

import os
import pickle
import signal
from typing import TYPE_CHECKING, Iterator, Sequence, Union

from ormlint.diagnostics import Diagnostic
from ormlint.parallel import can_fork

if TYPE_CHECKING:
    from ormlint.rules import Rule, RuleContext

# A rule's diagnostics, or the description of the internal error it raised.
RuleOutcome = Union[list[Diagnostic], str]

# The most costly groups, heaviest first (on polar, each on a fresh context: the
# other usage rules about 0.37 s, ORM204 0.28 s, the query and the session rules
# 0.13 s each, the expression rules 0.09 s; with 10,000 generated models the
# query rules weigh about as much as the usage rules, then come the migration
# rules): they are taken first, so that the processes finish together.
_HEAVIEST_FIRST = (
    "usage-instances", "ormlint.rules.usage", "ormlint.rules.queries", "ormlint.rules.sessions",
    "ormlint.rules.expressions", "ormlint.rules.migrations",
)


def check_rules(rules: Sequence[type[Rule]], context: RuleContext, fork: bool = False) -> list[RuleOutcome]:
    """The outcome of each rule, in order; with `fork`, shared with a forked copy where possible."""
    if fork and can_fork() and len(rules) > 1:
        try:
            return _check_forked(rules, context)
        except OSError:  # no pipe or no process to be had: do it here
            pass
    return [check_rule(rule, context) for rule in rules]


def check_rule(rule: type[Rule], context: RuleContext) -> RuleOutcome:
    try:
        return list(rule().check(context))
    except Exception as exc:  # one broken rule must not hide the others
        from ormlint.engine import describe_exception

        return f"internal error in {rule.code} ({rule.name}): {describe_exception(exc)}"


def _groups(rules: Sequence[type[Rule]]) -> list[list[int]]:
    """Indices into `rules`, by group (`Rule.group`, else the module defining the
    rule), the heaviest groups first."""
    by_group: dict[str, list[int]] = {}
    for number, rule in enumerate(rules):
        by_group.setdefault(rule.group or rule.__module__, []).append(number)

    def weight(key: str) -> int:
        return _HEAVIEST_FIRST.index(key) if key in _HEAVIEST_FIRST else len(_HEAVIEST_FIRST)

    return [by_group[key] for key in sorted(by_group, key=weight)]


def _check_forked(rules: Sequence[type[Rule]], context: RuleContext) -> list[RuleOutcome]:
    _reap(_ENDING)
    groups = _groups(rules)
    if len(groups) > 255:
        raise OSError("too many groups for a one-byte queue")
    queue, queue_end = os.pipe()
    os.write(queue_end, bytes(range(len(groups))))  # a few bytes: never blocks
    os.close(queue_end)
    results, results_end = os.pipe()
    try:
        child = os.fork()
    except OSError:
        for descriptor in (queue, results, results_end):
            os.close(descriptor)
        raise
    if child == 0:
        _run_copy(rules, context, groups, queue, results, results_end)
    os.close(results_end)
    outcomes: dict[int, RuleOutcome] = {}
    try:
        for group in _taken(queue):
            for number in groups[group]:
                outcomes[number] = check_rule(rules[number], context)
    except BaseException:  # Ctrl-C: stop the copy too
        os.kill(child, signal.SIGKILL)
        raise
    finally:
        os.close(queue)
        delivered = _read_all(results)
        os.close(results)
        _ENDING.append(child)
        _reap(_ENDING)
    try:
        outcomes.update(pickle.loads(delivered))
    except Exception:
        pass  # the copy delivered nothing usable: its rules are checked below
    return [outcomes[n] if n in outcomes else check_rule(rules[n], context) for n in range(len(rules))]


def _run_copy(
    rules: Sequence[type[Rule]], context: RuleContext, groups: list[list[int]], queue: int, results: int, results_end: int
) -> None:
    """In the forked copy: check the groups it takes, send the outcomes, and end
    at once (no cleanup, no flushing of the parent's buffered output)."""
    try:
        os.close(results)
        outcomes = {number: check_rule(rules[number], context) for group in _taken(queue) for number in groups[group]}
        data = memoryview(pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[os.write(results_end, data):]
        # The parent reads until the end of the pipe: closed here, the end comes
        # now, not once the exit has given back this copy's memory (on polar the
        # parent waited 26-37 ms for that).
        os.close(results_end)
    except BaseException:  # Ctrl-C, a closed pipe: the parent checks what is missing
        pass
    os._exit(0)


# Forked copies that had sent their results but not yet ended (they were still
# giving back their memory): reaped at the next run of the rules, or by the
# operating system with this process. Waiting for them would only delay the report.
_ENDING: list[int] = []


def _reap(children: list[int]) -> None:
    """Reap the copies in `children` that have ended, without waiting; remove them."""
    for child in list(children):
        try:
            ended, _ = os.waitpid(child, os.WNOHANG)
        except ChildProcessError:  # already reaped (by a handler of SIGCHLD, say)
            ended = child
        if ended:
            children.remove(child)


def _taken(queue: int) -> Iterator[int]:
    """Group numbers taken from the shared queue until it is empty (reads of one
    byte from a pipe are atomic: each number goes to one process)."""
    while True:
        byte = os.read(queue, 1)
        if not byte:
            return
        yield byte[0]


def _read_all(descriptor: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(descriptor, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
