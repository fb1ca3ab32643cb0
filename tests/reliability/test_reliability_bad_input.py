"""Fuzzed input at every boundary ends in a defined outcome or a typed error, never a crash."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage
from pydantic import ValidationError
from typer.testing import CliRunner

from plangate.agents import Agent
from plangate.agents.catalog import agent_spec
from plangate.demos.cli.commands import app
from plangate.graphs.engine.approvals import parse_decisions
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import LLMPlanner, PlanningContext, PlanningError
from plangate.graphs.engine.validation import validate_plan
from plangate.graphs.offline.scripted import ScriptedChatModel
from plangate.graphs.traces.format import TraceFormatError, read_trace
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import Backends, bind_tools, sandbox_backends
from plangate.tools.domains.catalog import all_tools
from plangate.tools.errors import ToolArgsError, ToolRefusedError, UsageError
from plangate.tools.executor import ToolExecutor
from tests.reliability.harness import NOW

FEW = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
ENDINGS = {"done", "failed", "blocked", "paused"}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
CONTROL = st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl"]), max_size=40)
REQUESTS = st.one_of(
    st.text(max_size=200),
    CONTROL,
    st.text(
        st.characters(min_codepoint=0x80, max_codepoint=0x2FFFF, exclude_categories=["Cs"]),
        max_size=80,
    ),
    st.integers(1_000, 60_000).map(lambda n: ("Book a table for 4 in Lisbon " * n)[:n]),
    st.sampled_from(
        ["", " ", "\x00", "\u202e\u200b", "Buy -5 shares of AAPL", "Book a table for 0"]
    ),
    st.builds(
        lambda a, b: a + "Book a table for 4 in Lisbon tomorrow at 8pm" + b, CONTROL, CONTROL
    ),
)


def world() -> tuple[Backends, FakeClock]:
    clock = FakeClock(NOW)
    return sandbox_backends(seed=0, clock=clock), clock


def attempt(call: Callable[[], Any], *expected: type[BaseException]) -> tuple[Any, Any]:
    """``call()``'s value, or the expected exception it raised; any other exception propagates."""
    try:
        return call(), None
    except expected as exc:
        return None, exc


def writes(backends: Backends) -> list[str]:
    restaurants: Any = backends.restaurants
    flights: Any = backends.flights
    broker: Any = backends.broker
    return [
        *(r.id for r in restaurants.reservations()),
        *(b.id for b in flights.bookings()),
        *(o.id for o in broker.orders.orders()),
    ]


@pytest.mark.parametrize("agent_name", ["reservation", "trading"])
def test_fuzzed_requests_end_in_a_defined_status_and_write_nothing(agent_name: str) -> None:
    backends, clock = world()
    agent = Agent(agent_spec(agent_name), bind_tools(backends), clock=clock)
    counter = iter(range(10_000))

    @FEW
    @given(request=REQUESTS)
    def check(request: str) -> None:
        thread = f"fuzz-{next(counter)}"
        result, error = attempt(
            lambda: asyncio.run(agent.run(request, thread_id=thread)), UsageError
        )
        if error is not None:  # an unusable request, said plainly (OutsideGrammarError...)
            assert str(error).strip()
            return
        assert result.status in ENDINGS
        if result.status == "failed":
            failure = result.error or {}
            assert failure.get("type"), failure
            assert str(failure.get("message", "")).strip(), failure
        assert writes(backends) == [], f"{request!r} wrote without approval"

    check()


def _arg_names(tool: Any) -> list[str]:
    return sorted(tool.args_schema().get("properties", {}))


@pytest.mark.parametrize("name", sorted(t.name for t in all_tools()))
def test_fuzzed_tool_args_are_refused_or_answered(name: str) -> None:
    backends, clock = world()
    toolset = bind_tools(backends)
    executor = ToolExecutor(toolset, clock=clock)
    keys = st.sampled_from([*_arg_names(toolset.binding(name).tool), "junk", ""])
    counter = iter(range(10_000))

    @settings(FEW, max_examples=10)
    @given(args=st.dictionaries(keys, JSON, max_size=6))
    def check(args: dict[str, Any]) -> None:
        step = f"s{next(counter)}"
        call = executor.call(name, args, thread_id="fuzz", step_id=step)
        # A business refusal (ToolRefusedError) is a typed answer the model sees, with a reason.
        _, error = attempt(lambda: asyncio.run(call), ToolArgsError, ToolRefusedError)
        if isinstance(error, ToolRefusedError):
            assert error.reason
        elif error is not None:
            assert str(error).strip()

    check()


PLANS = st.one_of(
    st.dictionaries(st.sampled_from(["steps", "goal", "notes", "x"]), JSON, max_size=3),
    st.fixed_dictionaries(
        {
            "steps": st.lists(
                st.dictionaries(
                    st.sampled_from(["id", "tool", "args", "depends_on", "why"]),
                    JSON | st.sampled_from(["get_quote", "book_table", "s1", "${s1.id}"]),
                    max_size=5,
                ),
                max_size=5,
            )
        }
    ),
)


@FEW
@given(data=PLANS)
def test_fuzzed_plans_are_rejected_or_validated(data: dict[str, Any]) -> None:
    try:
        plan = Plan.model_validate(data)
    except ValidationError:
        return
    issues = validate_plan(plan, all_tools())
    assert all(issue.message for issue in issues)


def _planner_context() -> PlanningContext:
    return PlanningContext(request="Buy 10 shares of AAPL", tools=tuple(all_tools()))


MODEL_OUTPUTS = st.builds(
    lambda content, calls: AIMessage(content=content, tool_calls=calls),
    st.text(max_size=200) | JSON.map(json.dumps),
    st.lists(
        st.builds(
            lambda name, args, ident: {"name": name, "args": args, "id": ident},
            st.sampled_from(["Plan", "plan", "book_table", ""]) | st.text(max_size=8),
            st.dictionaries(st.sampled_from(["steps", "goal", "x"]), JSON, max_size=3),
            st.text(min_size=1, max_size=6),
        ),
        max_size=2,
    ),
)


@FEW
@given(message=MODEL_OUTPUTS)
def test_fuzzed_model_outputs_give_a_plan_or_a_planning_error(message: AIMessage) -> None:
    planner = LLMPlanner(ScriptedChatModel([message]))
    plan, error = attempt(lambda: asyncio.run(planner.plan(_planner_context())), PlanningError)
    if error is not None:
        assert str(error).strip()
    else:
        assert isinstance(plan, Plan)


BAD_DECISIONS = st.one_of(
    st.sampled_from(["yes", "APPROVE", "", "edit", "delete"]),
    st.fixed_dictionaries(
        {"action": st.text(max_size=10).filter(lambda a: a not in {"approve", "reject"})}
    ),
    st.just({"action": "edit"}),
    st.just({"action": "edit", "args": {}}),
    st.just({"action": "approve", "extra": 1}),
    st.just({"action": "approve", "reason": "x" * 501}),
    JSON.filter(lambda v: not isinstance(v, str) and not isinstance(v, dict)),
)


@FEW
@given(decision=BAD_DECISIONS)
def test_malformed_decisions_are_usage_errors_naming_the_id(decision: Any) -> None:
    with pytest.raises(UsageError, match="table"):
        parse_decisions({"table": decision}, ["table"])


async def test_malformed_decisions_through_resume_leave_the_run_paused_with_nothing_written() -> (
    None
):
    backends, clock = world()
    agent = Agent(agent_spec("reservation"), bind_tools(backends), clock=clock)
    request = "Book a table for 4 at a Thai restaurant in Lisbon tomorrow at 8pm"
    result = await agent.run(request, thread_id="bad-decisions")
    assert result.status == "paused"
    (pid,) = [a["id"] for a in result.approvals]
    for bad in ["yes", {"action": "edit"}, {"action": "ok"}, 7, {"action": "approve", "x": 1}]:
        with pytest.raises(UsageError, match=pid):
            await agent.resume("bad-decisions", {pid: bad})
        still = await agent.result("bad-decisions")
        assert still.status == "paused"
        assert [a["id"] for a in still.approvals] == [pid]
    with pytest.raises(UsageError, match="s99"):
        await agent.resume("bad-decisions", {pid: "approve", "s99": "approve"})
    assert writes(backends) == []
    assert (await agent.result("bad-decisions")).status == "paused"


HEADER = {"format": "plangate.trace", "version": 1}
BAD_TRACES = st.one_of(
    st.binary(max_size=200).map(lambda b: b"\xff" + b),
    st.sampled_from([b"", b"\n\n", b'{"format": "plangate.trace", "vers', b"[1, 2]", b"null"]),
    st.integers(-3, 99)
    .filter(lambda v: v != 1)
    .map(lambda v: json.dumps({**HEADER, "version": v}).encode()),
    st.just(json.dumps({**HEADER, "version": "1"}).encode()),
    st.text(max_size=60).map(lambda t: (json.dumps(HEADER) + "\n" + t + "\n{").encode()),
    JSON.map(lambda v: (json.dumps(HEADER) + "\n" + json.dumps(v)).encode()),
)


@FEW
@given(content=BAD_TRACES)
def test_unreadable_traces_are_trace_format_errors_naming_the_file(
    content: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("trace") / "bad.jsonl"
    path.write_bytes(content)
    _, error = attempt(lambda: read_trace(path), TraceFormatError)
    assert isinstance(error, TraceFormatError), content  # no random content is a valid trace
    assert str(path) in str(error)
    assert error.source == str(path)
    if error.line:
        assert f"line {error.line}" in str(error)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xff\xfe\x00garbage", "cannot read"),
        (b'{"format": "plangate.trace", "vers', "not JSON"),
        (json.dumps({**HEADER, "version": 99}).encode(), "newer"),
        (json.dumps({**HEADER, "version": 0}).encode(), "older"),
        (json.dumps(HEADER).encode(), "invalid header"),
        (b"", "empty"),
    ],
)
def test_replaying_an_unreadable_trace_exits_2_with_a_message(
    content: bytes, says: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    outcome = CliRunner().invoke(app, ["replay", str(path)])
    assert outcome.exit_code == 2, outcome.output
    assert says in " ".join(outcome.output.split())
    assert "Traceback" not in outcome.output
