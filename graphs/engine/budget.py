"""Budgets: the bounds every run respects, and the one retry budget.

Plan repair, argument re-asks and output repair all draw on ``max_retries``; when it is spent the
run ends with a typed error that explains what kept failing — never a loop. Steps, tool calls,
model calls, tokens and wall-clock time have their own bounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from plangate.tools.errors import BudgetExceededError, UsageError

COUNTERS = ("steps", "tool_calls", "model_calls", "tokens", "cost", "retries", "replans")


@dataclass(frozen=True)
class Budget:
    """Limits of one run.

    Attributes:
        max_steps: steps executed, across plans and re-plans.
        max_tool_calls: tool calls made (a retried call counts once per attempt).
        max_model_calls: planner/responder model calls.
        max_tokens: tokens reported by the models.
        max_cost: USD spent on models, priced by ``Runtime.prices``.
        max_retries: the one retry budget for plan repair, argument re-asks and output repair.
        max_replans: re-plans after a failed or rejected step.
        max_seconds: wall-clock seconds of a run (checked between nodes).
    """

    max_steps: int = 40
    max_tool_calls: int = 80
    max_model_calls: int = 30
    max_tokens: int = 200_000
    max_cost: float = 5.0
    max_retries: int = 3
    max_replans: int = 2
    max_seconds: float = 600.0

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 0:
                raise UsageError(f"Budget.{name} must be >= 0, got {value}")

    def limit(self, counter: str) -> float:
        """The limit of ``counter`` (one of ``COUNTERS``)."""
        return float(getattr(self, f"max_{counter}"))

    def check(
        self, usage: Mapping[str, float], counter: str, adding: float = 1, *, spent: bool = False
    ) -> None:
        """Raise if adding ``adding`` to ``counter`` would exceed its limit.

        Args:
            usage: the counters so far.
            counter: one of ``COUNTERS``.
            adding: what is about to be used (or, with ``spent``, what was just used).
            spent: ``adding`` is already used (tokens a model reported): the message says the
                run went over, not that it would.

        Raises:
            BudgetExceededError: naming the budget, its limit and what was used.
        """
        used = usage.get(counter, 0) + adding
        limit = self.limit(counter)
        if used > limit:
            verb = "went over" if spent else "would exceed"
            raise BudgetExceededError(
                f"the run {verb} its {counter} budget ({used:g} > {limit:g})",
                budget=counter,
                limit=limit,
                used=used,
            )

    def check_time(self, elapsed: float) -> None:
        """Raise if the run has used up its wall-clock budget."""
        if elapsed > self.max_seconds:
            raise BudgetExceededError(
                f"the run took {elapsed:.1f}s, over its {self.max_seconds:g}s budget",
                budget="seconds",
                limit=self.max_seconds,
                used=elapsed,
            )


DEFAULT_BUDGET = Budget()


def add_usage(
    left: Mapping[str, float] | None, right: Mapping[str, float] | None
) -> dict[str, float]:
    """LangGraph reducer: counters add up."""
    out = dict(left or {})
    for key, value in (right or {}).items():
        out[key] = out.get(key, 0) + value
    return out
