"""Record once, replay forever: both strategies, offline runs, approvals, and loud divergences."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from plangate.agents import Agent
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict
from plangate.graphs.traces.format import (
    BackendCallRecord,
    DecisionsRecord,
    ModelRequestRecord,
    ToolCallRecord,
    read_trace,
)
from plangate.graphs.traces.recording import Recorder
from plangate.graphs.traces.replay import RunParts, replay
from plangate.tools import Toolset, tool
from plangate.tools.base import ToolContext
from plangate.tools.clock import FakeClock
from plangate.tools.errors import ReplayMismatchError, UsageError
from tests.traces import agents as shop
from tests.traces.agents import CASES, SPEC, TOOLS, Till, live, replica


def no_till(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, constructing the backend fails: a replay must not need it."""

    def refuse(self: Till) -> None:
        raise AssertionError("the replay constructed a backend")

    monkeypatch.setattr(Till, "__init__", refuse)


@pytest.mark.parametrize("case", ["offline_prices", "offline_order", "plan_model", "react_model"])
async def test_a_recorded_run_replays_with_no_model_and_no_backend(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / f"{case}.jsonl"
    await CASES[case](path)
    no_till(monkeypatch)
    report = await replay(path, replica)
    assert report.ok, f"{report.summary()}\n{report.diff}"
    trace = read_trace(path)
    assert report.tool_calls == len(trace.of_type(ToolCallRecord)) > 0
    assert report.model_calls == len(trace.of_type(ModelRequestRecord))
    assert report.results[-1].status == "done"
    assert report.results[-1].response is not None


async def test_model_runs_record_each_request_keyed_by_its_normalized_content(
    tmp_path: Path,
) -> None:
    path = tmp_path / "react.jsonl"
    await CASES["react_model"](path)
    trace = read_trace(path)
    assert trace.header.model is not None
    assert trace.header.model.id == "scripted:scripted"
    requests = trace.of_type(ModelRequestRecord)
    assert [r.request["tools"][0]["function"]["name"] for r in requests] == [
        "get_price", "get_price", "Receipt"
    ]  # fmt: skip
    assert requests[2].request["tool_choice"] == "any"  # the responder's structured output
    assert len({r.key for r in requests}) == 3
    first = requests[0].request["messages"]
    assert [m["role"] for m in first] == ["system", "human"]
    assert "You run a small tea shop" in first[0]["content"]


async def test_an_approval_paused_run_replays_the_recorded_decisions(tmp_path: Path) -> None:
    path = tmp_path / "order.jsonl"
    agent = live()
    with agent.record(path):
        paused = await agent.run("order 3 cake", thread_id="o")
        assert paused.status == "paused"
        rejected = await agent.resume("o", {"order": {"action": "reject", "reason": "too many"}})
    report = await replay(path, agent)  # an Agent replays through for_replay
    assert report.ok, report.diff
    assert [r.status for r in report.results] == ["paused", rejected.status]
    assert any(
        v["guardrail"] == "human" and v["action"] == "reject" for v in report.results[1].verdicts
    )
    decisions = read_trace(path).of_type(DecisionsRecord)
    assert decisions[0].decisions == {"order": {"action": "reject", "reason": "too many"}}


async def test_a_resume_in_another_process_appends_to_the_trace(tmp_path: Path) -> None:
    path = tmp_path / "order.jsonl"
    till = Till()
    first = live(till=till)
    with first.record(path):
        await first.run("order 1 pie", thread_id="x")
    later = live(till=till)  # another agent, same checkpointed thread: share the engine's saver
    later.engine = first.engine
    with later.record(path, append=True):
        await later.resume("x", {"order": "approve"})
    trace = read_trace(path)
    assert [r.type for r in trace.records].count("outcome") == 2
    assert (await replay(path, replica)).ok
    changed = dataclasses.replace(SPEC, instructions="Different.")
    other = Agent(changed, Toolset(TOOLS, deps=till))
    with (
        pytest.raises(UsageError, match=r"cannot add to trace .* it records agent 'shop'"),
        other.record(path, append=True),
    ):
        pass


async def test_recording_twice_at_once_is_refused() -> None:
    agent = live()
    with agent.record(None) as recorder:
        with (
            pytest.raises(UsageError, match="agent 'shop' is already recording a trace"),
            agent.record(None),
        ):
            pass
        await agent.run("prices of tea", thread_id="m")
    assert recorder.trace.records[0].type == "run"  # kept in memory
    with pytest.raises(UsageError, match="nothing was recorded yet"):
        _ = Recorder(None).trace


def edited_replica(tools: Any = TOOLS, **changes: Any) -> Any:
    spec = dataclasses.replace(SPEC, **changes)

    def build(parts: RunParts) -> Agent:
        toolset = Toolset(tools, deps=parts.deps)
        return Agent(spec, toolset, model=parts.model, strategy=parts.strategy,
                     clock=parts.clock, executor=parts.executor)  # fmt: skip

    return build


async def test_an_edited_instruction_fails_before_anything_runs(tmp_path: Path) -> None:
    path = tmp_path / "plan.jsonl"
    await CASES["plan_model"](path)
    build = edited_replica(instructions="You run a big coffee shop.")
    report = await replay(path, build)
    assert not report.ok
    assert report.message == "the agent's instructions changed since the trace was recorded"
    assert '-"You run a small tea shop. Quote prices in euros; never invent one."' in report.diff
    assert '+"You run a big coffee shop."' in report.diff
    # Without the surface check, the first model request diverges, diffed against the recording.
    report = await replay(path, build, check_surface=False)
    assert report.message.startswith("model request #1 (key ")
    assert (
        "matches no recorded request; the diff is against the nearest one, recorded call 1"
        in report.message
    )
    assert (
        '-        "You run a small tea shop. Quote prices in euros; never invent one.",'
        in report.diff
    )
    assert '+        "You run a big coffee shop.",' in report.diff
    with pytest.raises(ReplayMismatchError) as caught:
        report.raise_for_mismatch()
    assert caught.value.diff == report.diff


async def test_a_changed_tool_schema_fails_with_the_schema_diff(tmp_path: Path) -> None:
    path = tmp_path / "prices.jsonl"
    await CASES["offline_prices"](path)

    @tool(effect="read")
    async def get_price(item: str, currency: str, ctx: ToolContext[Till]) -> int:
        """Price of one item, in euros."""
        return ctx.deps.prices[item]

    report = await replay(path, edited_replica((get_price, shop.place_order, shop.card_on_file)))
    assert report.message == "tool 'get_price' changed since the trace was recorded (parameters)"
    assert '+      "currency": {' in report.diff
    assert '-      "item"' in report.diff


def edit(path: Path, kind: str, change: Any) -> Path:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    out = []
    for row in rows:
        if row.get("type") == kind:
            row = change(row)
        if row is not None:
            out.append(row)
    edited = path.with_name(f"edited-{path.name}")
    edited.write_text("".join(json.dumps(r) + "\n" for r in out), encoding="utf-8")
    return edited


async def test_a_changed_argument_fails_with_the_argument_diff(tmp_path: Path) -> None:
    path = tmp_path / "prices.jsonl"
    await CASES["offline_prices"](path)

    def coffee(row: dict[str, Any]) -> dict[str, Any]:
        if row["step_id"] == "p2":
            row["args"] = {"item": "coffee"}
        return row

    report = await replay(edit(path, "tool_call", coffee), replica)
    assert (
        report.message
        == "step 'p2' in thread 't1' called get_price with other arguments than recorded"
    )
    assert '-    "item": "coffee"' in report.diff
    assert '+    "item": "cake"' in report.diff


async def test_a_missing_tool_result_fails_naming_the_step(tmp_path: Path) -> None:
    path = tmp_path / "prices.jsonl"
    await CASES["offline_prices"](path)
    dropped = edit(path, "tool_result", lambda row: None if row["step_id"] == "p3" else row)
    report = await replay(dropped, replica)
    assert report.message.startswith("the trace has no result for step 'p3' (get_price, tool call ")
    assert report.message.endswith("in thread 't1': it is incomplete or was edited")
    assert '+    "type": "tool_result"' in report.diff


async def test_a_changed_plan_fails_with_a_diff_against_the_nearest_call(tmp_path: Path) -> None:
    path = tmp_path / "prices.jsonl"
    await CASES["offline_prices"](path)

    def cheaper(match: Any, ctx: Any) -> Plan:
        return Plan(steps=[Step(id="p9", tool="get_price", args={"item": "tea"})])

    grammar = shop.Grammar(
        [shop.Intent("prices", "Prices", ("prices of tea",), (r"prices? of",), cheaper)]
    )
    report = await replay(path, edited_replica(grammar=grammar))
    assert report.message == (
        "step 'p9' called get_price in thread 't1', but the trace records no such call; "
        "the diff is against step 'p1'"
    )
    assert '-  "step_id": "p1",' in report.diff


async def test_strict_order_serves_answers_in_recorded_order(tmp_path: Path) -> None:
    path = tmp_path / "react.jsonl"
    await CASES["react_model"](path)
    assert (await replay(path, replica, strict_order=True)).ok

    def swap(row: dict[str, Any]) -> dict[str, Any]:
        row["key"] = "0" * 16 if row["call"] == 2 else row["key"]
        return row

    report = await replay(edit(path, "model_request", swap), replica, strict_order=True)
    assert report.message == "model request #2 differs from recorded request #2"


async def test_a_different_outcome_fails_with_the_outcome_diff(tmp_path: Path) -> None:
    path = tmp_path / "prices.jsonl"
    await CASES["offline_prices"](path)

    def more(row: dict[str, Any]) -> dict[str, Any]:
        row["outcome"]["steps"] = {k: v for k, v in row["outcome"]["steps"].items() if k != "p3"}
        return row

    report = await replay(edit(path, "outcome", more), replica)
    assert (
        report.message
        == "the run of thread 't1' ended differently than recorded (recorded done, replayed done)"
    )
    assert '+    "p3": {' in report.diff


async def test_a_recorded_call_the_replay_never_makes_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "prices.jsonl"
    await CASES["offline_prices"](path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    extra = next(r for r in rows if r["type"] == "tool_call")
    rows.append({**extra, "seq": 99, "call": 99, "step_id": "p4"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = await replay(path, replica)
    assert (
        report.message
        == "recorded tool call(s) never made by the replay: p4 (get_price, thread t1)"
    )
    assert report.runs == 1


class PricePolicy:
    """A guardrail that reads the backend directly: the price list and a method."""

    name = "prices"
    stages = frozenset({Stage.TOOL_CALL})

    def __init__(self, toolset: Toolset, item: str = "tea") -> None:
        self.till = toolset.binding("get_price").deps
        self.item = item

    async def check(self, subject: GuardSubject) -> Verdict:
        assert "tea" in self.till.prices  # an attribute read
        cheap = self.till.is_cheap(self.item, under=5)  # a method call
        return Verdict.allow(self.name, subject.stage, details={"cheap": cheap})


async def test_a_policys_own_backend_reads_are_recorded_and_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        Till, "is_cheap", lambda self, item, under: self.prices[item] < under, raising=False
    )
    spec = dataclasses.replace(SPEC, policy=lambda toolset: (PricePolicy(toolset),))
    path = tmp_path / "policy.jsonl"
    agent = Agent(spec, Toolset(TOOLS, deps=Till()), clock=FakeClock())
    with agent.record(path):
        assert (await agent.run("prices of tea", thread_id="s")).status == "done"
    reads = read_trace(path).of_type(BackendCallRecord)
    assert [(r.method, r.args, r.kwargs, r.result) for r in reads] == [
        ("prices", None, None, {"tea": 4, "cake": 6, "pie": 9}),
        ("is_cheap", ["tea"], {"under": 5}, True),
    ]
    no_till(monkeypatch)
    assert (await replay(path, agent)).ok

    other = dataclasses.replace(SPEC, policy=lambda toolset: (PricePolicy(toolset, "cake"),))
    report = await replay(path, edited_replica(policy=other.policy))
    assert report.message == (
        "a guardrail read the backend's is_cheap with arguments the recording does not hold "
        "(or more often)"
    )
    assert '-    "tea"' in report.diff
    assert '+    "cake"' in report.diff
