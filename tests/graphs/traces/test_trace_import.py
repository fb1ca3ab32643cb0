"""OpenAI chat-completions conversations become traces that the react strategy replays."""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

import pytest
from pydantic import BaseModel

from plangate.agents import Agent
from plangate.graphs.traces.format import ModelRequestRecord, ToolResultRecord, parse_trace
from plangate.graphs.traces.openai_import import (
    OpenAIImportError,
    import_openai,
    parse_conversation,
)
from plangate.graphs.traces.replay import RunParts, replay
from plangate.tools import Toolset
from tests.traces.agents import OPENAI_LOG, SPEC, TOOLS, live, replica


async def test_an_imported_conversation_replays_through_react() -> None:
    trace = await import_openai(
        {"model": "gpt-4o-mini", "messages": OPENAI_LOG}, replica, agent="shop"
    )
    assert trace.header.strategy == "react"
    assert trace.header.source == "openai-chat"
    assert trace.header.model is not None
    assert trace.header.model.id == "openai-log:gpt-4o-mini"
    assert [r.result for r in trace.of_type(ToolResultRecord)] == [4, 9]
    requests = trace.of_type(ModelRequestRecord)
    assert [m["role"] for m in requests[1].request["messages"]] == [
        "system",
        "human",
        "ai",
        "tool",
        "tool",
    ]
    report = await replay(parse_trace(trace.dumps()), replica)
    assert report.ok, report.diff
    assert report.model_calls == 3
    response = report.results[0].response
    assert response is not None
    assert response.model_dump() == {"summary": "Tea is 4 euros and pie 9.", "total": 13}


async def test_a_text_answer_fills_the_one_required_text_field_or_is_given() -> None:
    log = copy.deepcopy(OPENAI_LOG)
    log[-1]["content"] = "Tea is 4 euros, pie 9."
    trace = await import_openai(log, live(), agent="shop")  # an Agent works as the target too
    report = await replay(trace, replica)
    assert report.ok
    assert report.results[0].response is not None
    assert report.results[0].response.model_dump() == {
        "summary": "Tea is 4 euros, pie 9.",
        "total": 0,
    }
    given = await import_openai(log, replica, answer={"summary": "13 in all", "total": 13})
    replayed = (await replay(given, replica)).results[0].response
    assert replayed is not None
    assert replayed.model_dump() == {"summary": "13 in all", "total": 13}


def mutate(change: Any) -> list[dict[str, Any]]:
    log = copy.deepcopy(OPENAI_LOG)
    change(log)
    return log


@pytest.mark.parametrize(
    ("log", "message"),
    [
        ("not a list", "an OpenAI conversation is a list of messages"),
        (
            mutate(lambda log: log.append({"role": "user", "content": "and cake?"})),
            "the conversation does not end with the assistant's answer",
        ),
        (
            mutate(lambda log: log.insert(3, {"role": "user", "content": "and cake?"})),
            "message 3: the user's request before it has no assistant answer",
        ),
        (
            mutate(lambda log: log.append({"role": "tool", "tool_call_id": "call_1"})),
            "message 6: a tool message answers call 'call_1', but no open call has it",
        ),
        (mutate(lambda log: log.pop(3)), "tool call call_1 (get_price) has no tool message"),
        (
            mutate(lambda log: log.pop()),
            "the conversation does not end with the assistant's answer",
        ),
        (mutate(lambda log: log.insert(1, {"role": "wizard"})), "message 1: unknown role 'wizard'"),
        (
            mutate(lambda log: log.pop(1)),
            "message 1: an assistant message before the user's request",
        ),
        (
            mutate(lambda log: log[2]["tool_calls"][0]["function"].update(arguments="{oops")),
            "message 2, tool call 0: arguments are not JSON",
        ),
    ],
)
def test_a_malformed_conversation_names_the_message_at_fault(log: Any, message: str) -> None:
    with pytest.raises(OpenAIImportError, match=re.escape(message)):
        parse_conversation(log)


class Total(BaseModel):
    total: int


def totals(parts: RunParts) -> Agent:
    spec = dataclasses.replace(SPEC, response_model=Total)
    toolset = Toolset(TOOLS, deps=parts.deps)
    return Agent(spec, toolset, model=parts.model, strategy=parts.strategy, executor=parts.executor)


async def test_a_conversation_that_does_not_fit_the_agent_is_refused() -> None:
    wrong = mutate(lambda log: log[3].update(content='"four euros"'))
    with pytest.raises(
        OpenAIImportError, match=r"the tool message of call_1 does not fit get_price's result"
    ):
        await import_openai(wrong, replica)
    text = mutate(lambda log: log[-1].update(content="Thirteen euros."))
    with pytest.raises(
        OpenAIImportError,
        match=r"the conversation's answer is text, and Total needs the fields total: pass answer=",
    ):
        await import_openai(text, totals)
    longer = mutate(lambda log: log.insert(-1, {"role": "assistant", "content": "Let me think."}))
    with pytest.raises(
        OpenAIImportError,
        match=r"the agent stopped after 2 assistant turn\(s\); the conversation has 3",
    ):
        await import_openai(longer, replica)
