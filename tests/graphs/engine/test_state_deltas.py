"""Run state saved as deltas: reducers that batch, bytes per step that stay flat, resumes that
rebuild the state from saved writes, and the react transcript that is reused, never stale."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from plangate.graphs.engine import react
from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.plan import Plan, PlanLimits
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.engine.state import (
    SNAPSHOT_EVERY,
    RunState,
    StepRecord,
    append_all,
    extend_plan,
    merge_plan,
    merge_steps,
)
from plangate.graphs.guards.policy import ApproveWrites
from plangate.graphs.offline.scripted import ScriptedChatModel
from tests.graphs.engine.test_engine import ScriptedPlanner, Shop
from tests.graphs.engine.test_engine_strategies import runtime

ids = st.sampled_from(["a", "b", "c", "d"])
records = st.one_of(st.none(), st.builds(lambda s: {"step_id": "x", "status": s}, ids))
step_writes = st.lists(st.dictionaries(ids, records, max_size=3), max_size=6)
list_writes = st.lists(st.lists(st.integers(), max_size=3), max_size=6)
step_data = st.builds(lambda i: {"id": i, "tool": "get_price", "args": {}}, ids)
plan_writes = st.lists(
    st.one_of(
        st.none(),
        st.builds(lambda s: {"steps": s}, st.lists(step_data, min_size=1, max_size=2)),
        st.builds(extend_plan, st.lists(step_data, min_size=1, max_size=2)),
    ),
    max_size=6,
)


@given(step_writes, st.integers(min_value=0, max_value=6))
def test_merge_steps_gives_the_same_state_however_its_writes_are_batched(
    writes: list[dict[str, Any]], cut: int
) -> None:
    whole = merge_steps({}, writes)
    assert merge_steps(merge_steps({}, writes[:cut]), writes[cut:]) == whole
    assert all(record is not None for record in whole.values())


@given(list_writes, st.integers(min_value=0, max_value=6))
def test_append_all_gives_the_same_list_however_its_writes_are_batched(
    writes: list[list[int]], cut: int
) -> None:
    whole = append_all([], writes)
    assert append_all(append_all([], writes[:cut]), writes[cut:]) == whole
    assert whole == [item for write in writes for item in write]


@given(plan_writes, st.integers(min_value=0, max_value=6))
def test_merge_plan_gives_the_same_plan_however_its_writes_are_batched(
    writes: list[dict[str, Any] | None], cut: int
) -> None:
    assert merge_plan(merge_plan(None, writes[:cut]), writes[cut:]) == merge_plan(None, writes)


def test_an_extension_appends_steps_and_a_plan_replaces_them() -> None:
    first = {"steps": [{"id": "a"}], "rationale": "r"}
    grown = merge_plan(first, [extend_plan([{"id": "b"}])])
    assert grown == {"steps": [{"id": "a"}, {"id": "b"}], "rationale": "r"}
    assert merge_plan(grown, [{"steps": [{"id": "c"}]}]) == {"steps": [{"id": "c"}]}
    assert merge_plan(grown, [None]) is None
    assert first == {"steps": [{"id": "a"}], "rationale": "r"}  # never changed in place


def chain(count: int) -> Plan:
    steps = [
        {"id": f"s{n}", "tool": "get_price", "args": {"item": "tea"}}
        | ({"depends_on": [f"s{n - 1}"]} if n > 1 else {})
        for n in range(1, count + 1)
    ]
    return Plan.model_validate({"steps": steps})


def saved_bytes(saver: InMemorySaver) -> int:
    """Everything the in-memory saver keeps, as it serialized it."""
    return len(pickle.dumps((dict(saver.storage), dict(saver.writes), dict(saver.blobs))))


ROOMY = Budget(max_steps=1000, max_tool_calls=1000)


def long_runtime(plan: Plan, **kwargs: Any) -> Runtime:
    """A runtime that runs ``plan``, however long, within its limits."""
    planner = ScriptedPlanner(plan.model_dump())
    limits = PlanLimits(max_steps=1000)
    return runtime(Shop(), planner=planner, budget=ROOMY, limits=limits, **kwargs)


async def saved_by_chain(count: int) -> int:
    saver = InMemorySaver()
    engine = Engine(long_runtime(chain(count)), saver)
    result = await engine.run("tea")
    assert result.status == "done"
    assert len(result.steps) == count
    return saved_bytes(saver)


async def test_saved_bytes_per_step_stay_flat_as_a_run_grows() -> None:
    # Whole rewrites of the records made each step save all earlier ones again: the bytes a
    # step adds grew with the run's length (about 4x from 20 to 80 steps).
    b20, b50, b80 = [await saved_by_chain(n) for n in (20, 50, 80)]
    early, late = (b50 - b20) / 30, (b80 - b50) / 30
    assert late <= 1.3 * early, (early, late)


def approving_chain(count: int) -> Plan:
    plan = chain(count)
    order: dict[str, Any] = {"id": "buy", "tool": "place_order", "args": {"item": "tea"}}
    order["depends_on"] = [plan.steps[-1].id]
    return Plan.model_validate({"steps": [*plan.model_dump()["steps"], order]})


async def test_a_run_past_several_snapshots_resumes_from_sqlite_in_a_new_engine(
    tmp_path: Path,
) -> None:
    # Each update of steps, verdicts and plan is saved as a delta with a full snapshot every
    # SNAPSHOT_EVERY updates; a fresh engine on the same file rebuilds the state from them.
    count = 2 * SNAPSHOT_EVERY + 5
    path = str(tmp_path / "runs.sqlite")
    plan = approving_chain(count)

    def make(saver: AsyncSqliteSaver) -> Engine:
        return Engine(long_runtime(plan, guardrails=[ApproveWrites()]), saver)

    async with AsyncSqliteSaver.from_conn_string(path) as saver:
        paused = await make(saver).run("tea, then order it", thread_id="t")
    assert paused.status == "paused"
    assert len(paused.steps) == count
    async with AsyncSqliteSaver.from_conn_string(path) as saver:
        engine = make(saver)
        before = await engine.result("t")
        assert before.steps == paused.steps
        assert before.plan == paused.plan
        assert before.verdicts == paused.verdicts
        done = await engine.resume("t", {"buy": "approve"})
    assert done.status == "done"
    assert set(done.steps) == {s.id for s in plan.steps}
    assert all(rec["status"] == "done" for rec in done.steps.values())


def react_state(turns: list[list[tuple[str, Any]]]) -> RunState:
    """The state after ``turns`` of (step id, result) calls of get_price."""
    steps = [{"id": sid, "tool": "get_price", "args": {"item": sid}} for t in turns for sid, _ in t]
    recs: dict[str, StepRecord] = {
        sid: {"step_id": sid, "tool": "get_price", "status": "done", "result": value}
        for t in turns
        for sid, value in t
    }
    return {"request": "prices", "plan": {"steps": steps}, "steps": recs}


def shown(messages: list[Any]) -> list[tuple[str, Any, Any]]:
    return [(m.type, m.content, getattr(m, "tool_calls", None)) for m in messages]


def fresh(state: RunState, rt: Runtime) -> list[Any]:
    react._TRANSCRIPTS.clear()
    return react.conversation(state, rt)


def test_the_react_transcript_is_reused_for_unchanged_turns_and_rebuilt_where_state_changed() -> (
    None
):
    rt = runtime(Shop(), planner=ScriptedPlanner()).for_config({"configurable": {"thread_id": "t"}})
    first = react_state([[("t1_1", 4), ("t1_2", 6)]])
    before = react.conversation(first, rt)
    second: RunState = {
        **first,
        "plan": merge_plan(first["plan"], [extend_plan([{"id": "t2_1", "tool": "get_price",
                                                           "args": {"item": "x"}}])]),
        "steps": merge_steps(first["steps"], [{"t2_1": {"step_id": "t2_1", "status": "done",
                                                        "tool": "get_price", "result": 9}}]),
    }  # fmt: skip
    after = react.conversation(second, rt)
    assert after[: len(before)] == before
    assert after[0] is before[0]
    assert shown(after) == shown(fresh(second, rt))
    # A record that changed (another object: a resume, a retired step) is never shown stale.
    changed: RunState = {**second, "steps": {**second["steps"], "t1_2": {
        "step_id": "t1_2", "status": "failed", "error": "out of stock", "tool": "get_price"}}}  # fmt: skip
    react.conversation(second, rt)
    rebuilt = react.conversation(changed, rt)
    assert "error (failed): out of stock" in [m.content for m in rebuilt]
    assert shown(rebuilt) == shown(fresh(changed, rt))
    # Another request on the same thread id starts over.
    other: RunState = {**first, "request": "something else"}
    assert react.conversation(other, rt)[1].content == "something else"


async def test_react_turns_announce_only_the_steps_they_add() -> None:
    def call(call_id: str, item: str) -> AIMessage:
        return AIMessage(
            "", tool_calls=[{"name": "get_price", "args": {"item": item}, "id": call_id}]
        )

    model = ScriptedChatModel([call("c1", "tea"), call("c2", "cake"), AIMessage("done")])
    engine = Engine(runtime(Shop(), planner=ScriptedPlanner(), strategy="react", react_model=model))
    events = [event async for event in engine.stream("prices", thread_id="r")]
    plans = [event for event in events if event.kind == "plan_ready"]
    assert [(p.extends, [s["id"] for s in p.plan["steps"]]) for p in plans] == [
        (True, ["t1_1"]),
        (True, ["t2_1"]),
    ]
    result = await engine.result("r")
    assert result.plan is not None
    assert [s["id"] for s in result.plan["steps"]] == ["t1_1", "t2_1"]  # the whole plan is kept
