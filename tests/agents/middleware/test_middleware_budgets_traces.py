"""Budgets and trace records of the middleware, on a real ``create_agent`` agent."""

from __future__ import annotations

import itertools

import pytest
from langchain_core.messages import AIMessage, ToolMessage

from plangate.agents.middleware import PlangateMiddleware
from plangate.graphs.engine.budget import Budget
from plangate.graphs.traces import Recorder
from plangate.graphs.traces.format import (
    ModelRequestRecord,
    ModelResponseRecord,
    ToolCallRecord,
    ToolResultRecord,
)
from tests.agents.middleware.bank import Bank, ReplyLostError, ask, build_agent, calls

CONFIG = {"configurable": {"thread_id": "t-budget"}}


def two_reads() -> AIMessage:
    return AIMessage(
        "",
        tool_calls=[
            {"name": "read_notes", "args": {}, "id": "r1"},
            {"name": "read_notes", "args": {}, "id": "r2"},
        ],
    )


async def test_the_tool_call_budget_refuses_calls_over_it() -> None:
    guard = PlangateMiddleware(effects={"read_notes": "read"}, budget=Budget(max_tool_calls=1))
    agent, _ = build_agent(Bank(), [two_reads(), "Read."], [guard])

    result = await agent.ainvoke(ask("read twice"), CONFIG)

    replies = {m.tool_call_id: m for m in result["messages"] if isinstance(m, ToolMessage)}
    assert replies["r1"].status == "success"
    assert replies["r2"].status == "error"
    assert "budget of 1 tool calls" in replies["r2"].text


async def test_the_tool_call_budget_is_per_run() -> None:
    guard = PlangateMiddleware(effects={"read_notes": "read"}, budget=Budget(max_tool_calls=1))
    script = [calls("read_notes", {}, "r1"), "one", calls("read_notes", {}, "r2"), "two"]
    agent, _ = build_agent(Bank(), script, [guard])

    await agent.ainvoke(ask("read"), CONFIG)
    result = await agent.ainvoke(ask("read again"), CONFIG)

    assert [m.status for m in result["messages"] if isinstance(m, ToolMessage)] == ["success"] * 2


async def test_the_model_call_budget_ends_the_run_with_a_message() -> None:
    guard = PlangateMiddleware(effects={"read_notes": "read"}, budget=Budget(max_model_calls=2))
    script = [calls("read_notes", {}, f"r{i}") for i in range(5)]
    agent, model = build_agent(Bank(), script, [guard])

    result = await agent.ainvoke(ask("loop"), CONFIG)

    assert len(model.requests) == 2
    assert result["messages"][-1].text == "I stopped: this run used its budget of 2 model calls."


async def test_model_and_tool_calls_are_recorded_in_a_plangate_trace() -> None:
    ticks = itertools.count()
    recorder = Recorder(None, timer=lambda: float(next(ticks)))
    bank = Bank(lose_replies=1)
    guard = PlangateMiddleware(
        effects={"read_notes": "read"}, recorder=recorder, agent="bank-assistant",
        reconcilers={"transfer": bank.find}, timer=lambda: float(next(ticks)),
    )  # fmt: skip
    script = [calls("transfer", {"to": "alice", "amount": 40}, "w1"), "Sent."]
    agent, _ = build_agent(bank, script, [guard])
    with pytest.raises(ReplyLostError):
        await agent.ainvoke(ask("send alice 40"), CONFIG)
    await agent.ainvoke(None, CONFIG)

    trace = recorder.trace
    assert trace.header.agent == "bank-assistant"
    assert trace.header.strategy == "react"
    assert set(trace.header.surface["tools"]) == {"read_notes", "transfer"}
    assert trace.header.surface["tools"]["transfer"]["effect"] == "write"
    assert len(trace.of_type(ModelRequestRecord)) == 2
    assert trace.of_type(ModelResponseRecord)[0].response["tool_calls"][0]["id"] == "w1"
    first, second = trace.of_type(ToolCallRecord)
    assert first.step_id == second.step_id == "w1"
    assert first.thread_id == "t-budget"
    assert first.idempotency_key == second.idempotency_key
    assert first.idempotency_key is not None
    failed, answered = trace.of_type(ToolResultRecord)
    assert failed.error is not None
    assert failed.error["type"] == "ReplyLostError"
    assert answered.reused is True
    assert bank.attempts == 1
