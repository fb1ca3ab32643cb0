"""How the command line shows an empty plan and a person's rejection."""

from __future__ import annotations

from plangate.demos.cli.render import event_line
from plangate.graphs.engine.events import PlanReady, VerdictIssued
from plangate.graphs.engine.plan import Plan
from plangate.graphs.guards.guardrails import Verdict

CLOSED = Plan(steps=[], note="We open at nine; no booking is needed to visit.")


def test_the_command_line_says_the_plan_calls_no_tool() -> None:
    line = event_line(PlanReady(plan=CLOSED.model_dump(mode="json")))
    assert line is not None
    assert line.plain == f"plan ready: no tool calls ({CLOSED.note})"
    bare = event_line(PlanReady(plan={"steps": [], "rationale": ""}))
    assert bare is not None
    assert bare.plain == "plan ready: no tool calls"


def test_the_command_line_shows_a_rejection_as_such() -> None:
    line = event_line(
        VerdictIssued(verdict=Verdict.rejection("not now", step_id="s2").model_dump())
    )
    assert line.plain == "  rejected by a person on s2: not now"
