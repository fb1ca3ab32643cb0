"""The answer's tokens from real ``ChatOpenAI`` / ``ChatAnthropic`` clients streaming SSE chunks
from the loopback fake provider: they arrive in order, and the answer is what it was."""

from __future__ import annotations

import json

import pytest

from plangate.graphs.engine.events import AnswerToken, FinalAnswer
from plangate.graphs.engine.runtime import Strategy
from tests.fakes.providers import FakeProvider, Text, ToolCall, ToolCalls
from tests.graphs.engine.test_model_gate import Sleeps
from tests.providers.test_models_engine import CLIENTS, PLAN, RECEIPT, chat, shop
from tests.traces.agents import Receipt

TURN = ToolCalls([ToolCall("get_price", {"item": "tea"}), ToolCall("get_price", {"item": "cake"})])


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("strategy", ["plan", "react"])
async def test_the_answer_streams_in_order_and_is_unchanged(
    fake_provider: FakeProvider, client: str, strategy: Strategy
) -> None:
    first = PLAN if strategy == "plan" else TURN
    middle = [] if strategy == "plan" else [Text("Tea is 4 and cake is 6.")]
    fake_provider.script(first, *middle, RECEIPT)
    agent = shop(chat(fake_provider, client), Sleeps(), strategy=strategy)
    events = [event async for event in agent.stream("prices of tea and cake", thread_id="t")]
    tokens = [event for event in events if isinstance(event, AnswerToken)]
    assert len(tokens) > 3  # the arguments arrive in pieces, as the provider sent them
    assert {(token.attempt, token.format) for token in tokens} == {(1, "json")}
    assert json.loads("".join(token.text for token in tokens)) == {
        "summary": "tea 4, cake 6",
        "total": 10,
    }
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert events.index(tokens[-1]) < events.index(final)
    result = await agent.result("t")
    assert result.status == "done"
    assert result.response == Receipt(summary="tea 4, cake 6", total=10)
    assert fake_provider.requests[-1].is_stream  # the answer was asked for as a stream
    assert not fake_provider.requests[0].is_stream  # plans and turns were not
