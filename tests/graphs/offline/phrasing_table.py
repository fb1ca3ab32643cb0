"""The shape of a phrasing table: a request, the plan it should get, and how to check it.

Used by ``test_phrasings_reservation.py`` and ``test_phrasings_trading.py``. A row's outcome is
``Planned(tools, args)`` — the tools the plan calls, in order, and key arguments as
``"tool.arg": value`` (the first step calling that tool) — or ``NOT_PLANNED`` (refused or not
understood: no plan at all) or ``ASK`` (the planner asks back, "did you mean AAPL?"). A row made
with ``gap`` is a phrasing not understood yet: it is marked ``xfail(strict=True)``, so it fails
loudly the day the planner learns it, and its row is then written as a plain one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from plangate.graphs.engine.planner import PlanningContext, RequestNotUnderstoodError
from plangate.graphs.offline.grammar import Grammar
from plangate.graphs.offline.rule_planner import RulePlanner
from plangate.graphs.offline.suggestions import DidYouMeanError


@dataclass(frozen=True)
class Planned:
    """The plan a request should get: its tools in order and key arguments."""

    tools: tuple[str, ...]
    args: Mapping[str, Any] = field(default_factory=dict)


NOT_PLANNED = "not planned"
"""Refused or not understood: the planner makes no plan."""
ASK = "ask back"
"""The planner asks the user what a slip meant (``DidYouMeanError``)."""

Outcome = Planned | str


def gap(request: str, outcome: Outcome) -> Any:
    """A row the planner does not get right yet: expected to fail until it does."""
    return pytest.param(
        request, outcome, marks=pytest.mark.xfail(strict=True, reason="not understood yet")
    )


def outcome_of(grammar: Grammar, request: str, today: date) -> Outcome:
    """What the offline planner makes of ``request``, in the table's terms."""
    planner = RulePlanner(grammar)
    try:
        plan = asyncio.run(planner.plan(PlanningContext(request=request, today=today)))
    except DidYouMeanError:
        return ASK
    except RequestNotUnderstoodError:
        return NOT_PLANNED
    args: dict[str, Any] = {}
    for step in plan.steps:
        for name, value in step.args.items():
            args.setdefault(f"{step.tool}.{name}", value)
        if step.tool == "compute_indicator":
            args.setdefault("compute_indicator.name", step.args["indicator"]["name"])
    return Planned(tuple(step.tool for step in plan.steps), args)


def is_right(expected: Outcome, got: Outcome) -> bool:
    """Whether ``got`` is the expected outcome (only the arguments a row names are compared)."""
    if isinstance(expected, str) or isinstance(got, str):
        return expected == got
    if expected.tools != got.tools:
        return False
    return all(
        key in got.args and str(got.args[key]) == str(value) for key, value in expected.args.items()
    )


def share_understood(rows: Sequence[Any]) -> float:
    """The share of rows that are not gaps (a gap row is a ``pytest.param`` with a mark)."""
    gaps = sum(1 for row in rows if hasattr(row, "marks") and row.marks)
    return (len(rows) - gaps) / len(rows)
