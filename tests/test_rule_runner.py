"""Rules shared with a forked copy of the process give what one process gives."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Iterator

import pytest

from ormlint import engine, parallel, rule_runner
from ormlint.config import Config
from ormlint.diagnostics import Diagnostic
from ormlint.discover import discover
from ormlint.rules import ALL_RULES, Rule, RuleContext

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="rules are shared with a forked copy on Linux only")


class Broken(Rule):
    code = "ORM998"
    name = "broken"
    summary = "raises"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        raise ValueError("boom")


@pytest.fixture(scope="module")
def context_factory() -> object:
    project = engine._parse_project(discover([DEMO], []), None)
    index = engine.build_index(project.modules, project.unparsed_names)
    return lambda: RuleContext(index, engine.rule_settings(Config()))


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the forks made (in this process)."""
    made: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        made.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counting_fork)
    return made


@needs_fork
def test_forked_rules_give_the_outcomes_of_one_process(  # type: ignore[no-untyped-def]
    context_factory, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = [*ALL_RULES, Broken]
    alone = rule_runner.check_rules(rules, context_factory())
    parent = os.getpid()
    checked_here: list[str] = []
    real_check = rule_runner.check_rule

    def slow_here(rule: type[Rule], context: RuleContext) -> rule_runner.RuleOutcome:
        if os.getpid() == parent:  # leaves the copy time to take its share
            checked_here.append(rule.code)
            time.sleep(0.02)
        return real_check(rule, context)

    monkeypatch.setattr(rule_runner, "check_rule", slow_here)
    shared = rule_runner.check_rules(rules, context_factory(), fork=True)
    assert forks == [1]
    assert 0 < len(checked_here) < len(rules)  # the copy delivered the rest
    assert shared == alone
    assert sum(len(o) for o in alone if not isinstance(o, str)) > 10
    assert alone[-1] == shared[-1] and str(alone[-1]).startswith("internal error in ORM998 (broken): ValueError: boom")


@needs_fork
def test_what_a_dead_copy_did_not_deliver_is_checked_here(  # type: ignore[no-untyped-def]
    context_factory, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = rule_runner.check_rules(ALL_RULES, context_factory())
    parent = os.getpid()
    real_check = rule_runner.check_rule

    def dies_in_the_copy(rule: type[Rule], context: RuleContext) -> rule_runner.RuleOutcome:
        if os.getpid() != parent:
            os._exit(0)
        return real_check(rule, context)

    monkeypatch.setattr(rule_runner, "check_rule", dies_in_the_copy)
    assert rule_runner.check_rules(ALL_RULES, context_factory(), fork=True) == alone
    assert forks == [1]


@needs_fork
def test_the_results_do_not_wait_for_the_copy_to_end(  # type: ignore[no-untyped-def]
    context_factory, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy closes the results pipe before it exits; the parent takes the
    results and goes on while the copy still ends, and reaps it later."""
    alone = rule_runner.check_rules(ALL_RULES, context_factory())
    parent = os.getpid()
    real_exit = os._exit

    def slow_exit(status: int) -> None:
        if os.getpid() != parent:
            time.sleep(60)  # a copy still giving back its memory (killed below)
        real_exit(status)

    monkeypatch.setattr(os, "_exit", slow_exit)
    assert rule_runner.check_rules(ALL_RULES, context_factory(), fork=True) == alone
    assert forks == [1]
    assert len(rule_runner._ENDING) == 1
    child = rule_runner._ENDING[0]
    assert os.waitpid(child, os.WNOHANG) == (0, 0)  # still running, and still ours to reap
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    rule_runner._reap(rule_runner._ENDING)  # already reaped: forgotten all the same
    assert rule_runner._ENDING == []


def test_no_fork_unless_asked_or_with_threads(context_factory, forks: list[int], monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    alone = rule_runner.check_rules(ALL_RULES, context_factory())
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)
    assert rule_runner.check_rules(ALL_RULES, context_factory(), fork=True) == alone
    assert forks == []


def test_rules_of_one_group_stay_together_the_heaviest_first() -> None:
    groups = rule_runner._groups(ALL_RULES)
    keys = [{ALL_RULES[n].group or ALL_RULES[n].__module__ for n in group} for group in groups]
    assert all(len(k) == 1 for k in keys)
    assert len(keys) == len({next(iter(k)) for k in keys})
    # ORM204 has a group of its own, taken first; the other usage rules come next.
    assert [ALL_RULES[n].code for n in groups[0]] == ["ORM204"]
    assert {ALL_RULES[n].__module__ for n in groups[1]} == {"ormlint.rules.usage"}
    assert "ORM204" not in {ALL_RULES[n].code for n in groups[1]}
    assert sorted(n for group in groups for n in group) == list(range(len(ALL_RULES)))
