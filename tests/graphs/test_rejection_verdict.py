"""A person's rejection is its own verdict kind (``Action.REJECT``), not a guardrail's block."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.events import VerdictIssued
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.engine.responder import FunctionResponder
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.engine.validation import PlanIssue
from plangate.graphs.guards.guardrails import (
    PERSON,
    Action,
    GuardSubject,
    Stage,
    Verdict,
    guardrail_from_function,
    run_guardrails,
)
from plangate.graphs.guards.policy import ApproveWrites
from plangate.graphs.traces.replay import upgrade_outcome
from plangate.tools.base import tool
from plangate.tools.clock import FakeClock
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset

TRACES = Path(__file__).resolve().parents[1] / "traces"


@tool(effect="write")
async def send(to: str) -> str:
    """Send a note."""
    return f"sent to {to}"


class Done(BaseModel):
    statuses: dict[str, str]


def _done(request: str, records: Mapping[str, Any]) -> Done:
    return Done(statuses={sid: str(rec["status"]) for sid, rec in records.items()})


class Planner:
    def __init__(self) -> None:
        self.seen: list[PlanningContext] = []

    async def plan(self, context: PlanningContext, feedback: Sequence[PlanIssue] = ()) -> Plan:
        self.seen.append(context)
        if context.failed:
            return Plan(steps=[], note="Nothing was sent.")
        return Plan(steps=[Step(id="note", tool="send", args={"to": "ana"})])


def _engine(planner: Planner) -> Engine:
    toolset = Toolset([send])
    return Engine(
        Runtime(
            toolset=toolset, executor=ToolExecutor(toolset, clock=FakeClock()), planner=planner,
            responder=FunctionResponder(_done), response_model=Done,
            guardrails=[ApproveWrites()], clock=FakeClock(),
        )
    )  # fmt: skip


async def test_a_rejected_approval_is_a_reject_verdict_and_not_a_blocked_call() -> None:
    planner = Planner()
    engine = _engine(planner)
    await engine.run("send ana a note", thread_id="t")
    events = [e async for e in engine.stream_resume("t", {"note": {"action": "reject",
                                                                     "reason": "not now"}})]  # fmt: skip
    result = await engine.result("t")
    assert result.status == "done"
    person = [v for v in result.verdicts if v["guardrail"] == PERSON]
    assert [(v["action"], v["reason"], v["step_id"]) for v in person] == [
        ("reject", "not now", "note")
    ]
    assert not any(v["action"] == "block" for v in result.verdicts)
    assert result.blocked_calls == {}, "a person's no is an answer, not a gate"
    streamed = [e.verdict for e in events if isinstance(e, VerdictIssued)]
    assert [v["action"] for v in streamed if v["guardrail"] == PERSON] == ["reject"]
    # The re-plan is told the call was rejected by a person, with the reason.
    assert "rejected by a person: not now" in planner.seen[1].failed["note"]
    # The re-plan planned nothing more: its note reaches the answer beside the rejected step.
    assert result.response == Done(statuses={"note": "rejected", "(plan)": "note"})


async def test_an_approval_is_an_allow_verdict_by_the_person() -> None:
    engine = _engine(Planner())
    await engine.run("send ana a note", thread_id="a")
    result = await engine.resume("a", {"note": "approve"})
    person = [v for v in result.verdicts if v["guardrail"] == PERSON]
    assert [v["action"] for v in person] == ["allow"]
    assert result.response == Done(statuses={"note": "done"})


def test_the_rejection_constructor_and_the_old_form() -> None:
    verdict = Verdict.rejection("too dear", step_id="s2")
    assert (verdict.guardrail, verdict.stage, verdict.action) == (PERSON, Stage.TOOL_CALL, "reject")
    assert verdict.is_rejection
    old = Verdict.block(PERSON, Stage.TOOL_CALL, "reject by a person", step_id="s2")
    assert old.is_rejection
    assert not Verdict.block("budget", Stage.TOOL_CALL, "over budget").is_rejection
    with pytest.raises(ValidationError, match="needs a reason"):
        Verdict.rejection(" ", step_id="s2")


async def test_a_guardrail_cannot_return_a_persons_rejection() -> None:
    impostor = guardrail_from_function(
        "impostor", [Stage.TOOL_CALL], lambda s: Verdict.rejection("no", step_id=s.step_id)
    )
    outcome = await run_guardrails([impostor], GuardSubject(stage=Stage.TOOL_CALL, args={}))
    assert outcome.action is Action.BLOCK
    assert outcome.blocked_by is not None
    assert "only a person rejects" in outcome.blocked_by.reason


def test_an_old_recorded_rejection_reads_as_a_reject() -> None:
    old = {
        "status": "done",
        "verdicts": [
            {"guardrail": "human", "action": "block", "reason": "no", "step_id": "order"},
            {"guardrail": "limits", "action": "block", "reason": "too big", "step_id": "x"},
        ],
    }
    new = upgrade_outcome(old)
    actions = {v["guardrail"]: v["action"] for v in new["verdicts"]}
    assert actions == {"human": "reject", "limits": "block"}
    assert old["verdicts"][0]["action"] == "block", "the recorded outcome is not changed in place"
    keys = [json.dumps(v, sort_keys=True) for v in new["verdicts"]]
    assert keys == sorted(keys)


def test_the_committed_trace_of_a_rejection_holds_the_old_form() -> None:
    # ``tests/graphs/traces/test_trace_files.py`` replays it; this keeps it the old form.
    text = (TRACES / "trading" / "rejected_by_user.jsonl").read_text()
    assert '"guardrail": "human", "stage": "tool_call", "action": "block"' in text
