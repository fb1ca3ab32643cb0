"""``Agent.run_plan``: a workflow as code runs through the agent's own gates, with no planner."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from plangate.agents import Agent, AgentSpec
from plangate.graphs.engine.events import FinalAnswer, PlanReady
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.plan_file import load_plan
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.graphs.traces.format import RunRecord, read_trace
from plangate.graphs.traces.replay import replay
from plangate.tools.base import ToolContext, tool
from plangate.tools.clock import FakeClock
from plangate.tools.registry import Toolset


class Notes:
    def __init__(self) -> None:
        self.sent: list[str] = []


@tool(effect="read")
async def find_contact(name: str) -> str:
    """The address of a contact."""
    return f"{name.lower()}@example.com"


@tool(effect="write")
async def send_note(to: str, text: str, ctx: ToolContext[Notes]) -> str:
    """Send a note."""
    ctx.deps.sent.append(f"{to}: {text}")
    return "sent"


class Summary(BaseModel):
    done: list[str]


def _summary(request: str, records: Mapping[str, Any]) -> Summary:
    return Summary(done=sorted(sid for sid, rec in records.items() if rec["status"] == "done"))


def _never(match: Any, context: Any) -> Plan:
    raise AssertionError("run_plan must not ask the planner")


SPEC = AgentSpec(
    name="notes", description="Sends notes.", instructions="Send notes.",
    tools=("find_contact", "send_note"), response_model=Summary,
    grammar=Grammar([Intent("any", "anything", ("send",), (r".",), _never)]),
    offline_answer=_summary,
)  # fmt: skip

WORKFLOW = Plan(
    steps=[
        Step(id="who", tool="find_contact", args={"name": "Ana"}),
        Step(id="send", tool="send_note", args={"to": "${who}", "text": "lunch at one"}),
    ]
)


def _agent(notes: Notes, **options: Any) -> Agent:
    toolset = Toolset([find_contact]).merge(Toolset([send_note], deps=notes))
    return Agent(SPEC, toolset, clock=FakeClock(), **options)


async def test_run_plan_waits_for_the_agents_write_approval_then_sends() -> None:
    notes = Notes()
    agent = _agent(notes)
    paused = await agent.run_plan(WORKFLOW, request="note to Ana", thread_id="n")
    assert paused.status == "paused"
    assert [a["id"] for a in paused.approvals] == ["send"]
    labels = {lab["path"]: lab for lab in paused.approvals[0]["provenance"]["arguments"]}
    # ``to`` came from a tool result (untrusted); ``text`` was written in the workflow.
    assert labels["to"]["sources"][0]["kind"] == "step"
    assert labels["text"]["sources"] == [{"kind": "workflow"}]
    assert notes.sent == []
    done = await agent.resume("n", {"send": "approve"})
    assert done.status == "done"
    assert notes.sent == ["ana@example.com: lunch at one"]
    assert done.response == Summary(done=["send", "who"])


def test_run_plan_sync_and_a_plan_loaded_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "lookup.yaml"
    path.write_text("steps:\n  - {id: who, tool: find_contact, args: {name: Rui}}\n")
    result = _agent(Notes()).run_plan_sync(load_plan(path), request="Rui's address")
    assert result.status == "done"
    assert result.steps["who"]["result"] == "rui@example.com"


async def test_stream_plan_yields_the_plan_and_the_answer() -> None:
    agent = _agent(Notes(), max_parallel=1)
    lookup = Plan(steps=[Step(id="who", tool="find_contact", args={"name": "Ana"})])
    events = [event async for event in agent.stream_plan(lookup, thread_id="s")]
    assert [type(e) for e in events if isinstance(e, PlanReady | FinalAnswer)] == [
        PlanReady,
        FinalAnswer,
    ]


async def test_a_tool_outside_the_agents_allow_list_fails_validation() -> None:
    stray = Plan(steps=[Step(id="x", tool="delete_all", args={})])
    result = await _agent(Notes()).run_plan(stray, thread_id="x")
    assert result.status == "failed"
    assert result.error is not None
    assert "there is no tool 'delete_all'" in result.error["message"]


async def test_a_recorded_fixed_plan_run_replays_the_same_plan(tmp_path: Path) -> None:
    path = tmp_path / "workflow.jsonl"
    notes = Notes()
    agent = _agent(notes)
    with agent.record(path):
        paused = await agent.run_plan(WORKFLOW, request="note to Ana", thread_id="r")
        assert paused.status == "paused"
        done = await agent.resume("r", {"send": "approve"})
    assert done.status == "done"
    (run,) = read_trace(path).of_type(RunRecord)
    assert run.plan == WORKFLOW.model_dump(mode="json")
    report = await replay(path, _agent(Notes()))
    assert report.ok, report.diff
    assert [r.status for r in report.results] == ["paused", "done"]
    # A run that was planned is written as before fixed plans existed: no plan key.
    planned = RunRecord(thread_id="p", request="r", now="2026-01-05T00:00:00+00:00")
    assert set(planned.model_dump()) == {"type", "seq", "at", "thread_id", "request", "now", "zone"}


async def test_replaying_a_fixed_plan_against_another_plan_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / "workflow.jsonl"
    agent = _agent(Notes())
    lookup = Plan(steps=[Step(id="who", tool="find_contact", args={"name": "Ana"})])
    with agent.record(path):
        await agent.run_plan(lookup, thread_id="l")
    lines = path.read_text().splitlines(keepends=True)
    # Only the run record's plan is edited: the recorded calls still look up Ana.
    lines = [
        line.replace('"name": "Ana"', '"name": "Rui"') if '"type": "run"' in line else line
        for line in lines
    ]
    path.write_text("".join(lines))
    report = await replay(path, _agent(Notes()))
    assert not report.ok
    assert "find_contact" in report.diff


def test_an_empty_workflow_answers_at_once() -> None:
    notes = Notes()
    result = _agent(notes).run_plan_sync(Plan(steps=[], note="nothing to do"))
    assert result.status == "done"
    assert result.response == Summary(done=[])
    assert result.steps == {}
