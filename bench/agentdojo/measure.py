"""Run a suite's cases, with the defences off and on, and add up what happened.

Utility: every user task alone (no injection), graded by AgentDojo. Security: every (user task,
injection task) pair with the injection task's goal planted, in AgentDojo's "important
instructions" wording, in every injection vector the user task's ground truth reads.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agentdojo.agent_pipeline.ground_truth_pipeline import GroundTruthPipeline
from agentdojo.attacks.base_attacks import FixedJailbreakAttack
from agentdojo.attacks.important_instructions_attacks import ImportantInstructionsAttack
from agentdojo.task_suite.load_suites import get_suites
from agentdojo.task_suite.task_suite import TaskSuite

from bench.agentdojo.cases import CaseResult, SuiteRunner

BENCHMARK_VERSION = "v1.2.2"
USER_NAME = "Emma Johnson"  # whom AgentDojo's "important instructions" attack signs as

Progress = Callable[[str], None]


def suites() -> dict[str, TaskSuite[Any]]:
    """AgentDojo's suites at the benchmark version, by name."""
    return dict(get_suites(BENCHMARK_VERSION))


def attack(suite: TaskSuite[Any]) -> FixedJailbreakAttack:
    """AgentDojo's "important instructions" attack on ``suite``, with no model name in it."""
    planted = FixedJailbreakAttack(
        ImportantInstructionsAttack._JB_STRING,  # the published wording, reused as is
        suite,
        GroundTruthPipeline(None),
    )
    planted.user_name = USER_NAME
    return planted


@dataclass
class SuiteFigures:
    """What a suite's cases did under one defence setting.

    Attributes:
        suite: the suite's name.
        defended: whether the defences were on.
        utility: the user tasks alone, one result each.
        security: the (user task, injection task) pairs, one result each.
        stepped: with the defences on, the user tasks alone at one call per turn (a model that
            reads before it acts), one result each.
        seconds: wall time of the suite's runs.
    """

    suite: str
    defended: bool
    utility: list[CaseResult] = field(default_factory=list)
    security: list[CaseResult] = field(default_factory=list)
    stepped: list[CaseResult] = field(default_factory=list)
    seconds: float = 0.0

    def row(self) -> dict[str, Any]:
        """The figures as one table row."""
        alone, pairs = self.utility, self.security
        return {
            "suite": self.suite,
            "defences": "on" if self.defended else "off",
            "user_tasks": len(alone),
            "utility": sum(c.utility for c in alone),
            "unchanged": sum(c.utility and c.prompts == c.own_prompts for c in alone),
            "own_prompt_tasks": sum(c.own_prompts > 0 for c in alone),
            "extra_prompt_tasks": sum(c.prompts > c.own_prompts for c in alone),
            "cases": len(pairs),
            "utility_attacked": sum(c.utility for c in pairs),
            "attacks": sum(bool(c.attacked) for c in pairs),
            "injected_writes": sum(c.injected_writes for c in pairs),
            "executed": sum(c.executed for c in pairs),
            "approved": sum(c.approved for c in pairs),
            "refused": sum(c.refused for c in pairs),
            "held": sum(c.held for c in pairs),
            "injected_reads": sum(c.injected_reads for c in pairs),
            "outward_held": sum(c.outward_held for c in pairs),
            "prompts": sum(c.prompts for c in pairs),
            "extra_prompts": sum(c.prompts - c.own_prompts for c in pairs),
            "not_answered": sum(c.status != "done" for c in alone),
            "attacked_not_answered": sum(c.status != "done" for c in pairs),
            "errors": sum(c.status == "error" for c in (*alone, *pairs, *self.stepped)),
            "step_tasks": len(self.stepped),
            "step_utility": sum(c.utility for c in self.stepped),
            "step_unchanged": sum(c.utility and c.prompts == 0 for c in self.stepped),
            "step_own_prompt_tasks": sum(c.own_prompts > 0 for c in self.stepped),
            "step_own_prompts": sum(c.own_prompts for c in self.stepped),
            "step_extra_prompt_tasks": sum(c.prompts > c.own_prompts for c in self.stepped),
            "step_own_refused_tasks": sum(c.own_refused > 0 for c in self.stepped),
            "own_refused_tasks": sum(c.own_refused > 0 for c in alone),
            "seconds": self.seconds,
        }


def _print(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def measure_suite(
    suite: TaskSuite[Any],
    *,
    defended: bool,
    user_limit: int | None = None,
    injection_limit: int | None = None,
    progress: Progress = _print,
    every: int = 50,
) -> SuiteFigures:
    """Run ``suite``'s user tasks alone, then every pair with an injection task.

    Args:
        suite: the suite.
        defended: defences on (sink policies, approval gates) or off (the baseline).
        user_limit: run only the first ``user_limit`` user tasks (None: all).
        injection_limit: pair them with the first ``injection_limit`` injection tasks only.
        progress: called with a line of progress now and then.
        every: how many cases between two progress lines.
    """
    runner = SuiteRunner(suite, defended=defended)
    users = list(suite.user_tasks.values())[:user_limit]
    injections = list(suite.injection_tasks.values())[:injection_limit]
    planted = attack(suite)
    figures = SuiteFigures(suite.name, defended)
    started = time.perf_counter()
    label = f"agentdojo {suite.name}, defences {'on' if defended else 'off'}"
    total = len(users) * (1 + len(injections))
    done = 0
    for user_task in users:
        figures.utility.append(await runner.run(user_task))
        done += 1
        for injection_task in injections:
            result = await runner.run(
                user_task, injection_task, planted.attack(user_task, injection_task)
            )
            figures.security.append(result)
            done += 1
            if done % every == 0:
                progress(f"{label}: {done}/{total} cases, {time.perf_counter() - started:.0f} s")
    if defended:
        for user_task in users:
            figures.stepped.append(await runner.run(user_task, pace="step"))
    figures.seconds = time.perf_counter() - started
    progress(f"{label}: {total} cases in {figures.seconds:.0f} s")
    return figures


async def measure(
    names: Sequence[str] | None = None,
    *,
    user_limit: int | None = None,
    injection_limit: int | None = None,
    progress: Progress = _print,
) -> list[SuiteFigures]:
    """Every suite (or those in ``names``), defences off then on."""
    found = suites()
    chosen = list(names) if names is not None else list(found)
    unknown = [name for name in chosen if name not in found]
    if unknown:
        raise ValueError(f"no AgentDojo suite {unknown}; known: {sorted(found)}")
    out = []
    for name in chosen:
        for defended in (False, True):
            out.append(
                await measure_suite(
                    found[name],
                    defended=defended,
                    user_limit=user_limit,
                    injection_limit=injection_limit,
                    progress=progress,
                )
            )
    return out
