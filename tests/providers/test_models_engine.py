"""plangate's model boundary driven by the real ``ChatOpenAI`` and ``ChatAnthropic`` clients
against the loopback fake provider, streamed and not: each failure case, what happens now."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from plangate.agents import Agent
from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.model_gate import ModelRetry
from plangate.graphs.engine.runtime import Strategy
from plangate.tools import Toolset
from plangate.tools.clock import FakeClock
from tests.fakes.providers import (
    EmptyBody,
    EmptyChoices,
    FakeProvider,
    Hang,
    HttpError,
    Refusal,
    StreamError,
    Text,
    ToolCall,
    ToolCalls,
    Truncated,
    Usage,
)
from tests.graphs.engine.test_model_gate import Sleeps
from tests.traces.agents import SPEC, TOOLS, Receipt, Till

PLAN = ToolCalls([ToolCall("Plan", {
    "steps": [{"id": "a", "tool": "get_price", "args": {"item": "tea"}},
              {"id": "b", "tool": "get_price", "args": {"item": "cake"}}],
    "rationale": "Two independent price checks.",
})])  # fmt: skip
RECEIPT = ToolCalls([ToolCall("Receipt", {"summary": "tea 4, cake 6", "total": 10})])
CLIENTS = ["openai", "anthropic"]


def chat(provider: FakeProvider, client: str, **overrides: Any) -> Any:
    if client == "openai":
        return provider.chat_openai(**overrides)
    return provider.chat_anthropic(**overrides)


def shop(
    model: Any, sleeps: Sleeps, *, strategy: Strategy = "plan", budget: Budget | None = None
) -> Agent:
    spec = SPEC if budget is None else dataclasses.replace(SPEC, budget=budget)
    return Agent(
        spec, Toolset(TOOLS, deps=Till()), model=model, strategy=strategy, clock=FakeClock(),
        model_retry=ModelRetry(attempts=3, sleep=sleeps),
    )  # fmt: skip


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("streaming", [False, True])
async def test_a_rate_limit_is_retried_after_the_wait_asked_and_every_attempt_counts(
    fake_provider: FakeProvider, client: str, streaming: bool
) -> None:
    fake_provider.script(HttpError(429, retry_after=3), PLAN, RECEIPT)
    sleeps = Sleeps()
    agent = shop(chat(fake_provider, client, streaming=streaming), sleeps)
    result = await agent.run("prices of tea and cake")
    assert result.status == "done"
    assert result.response == Receipt(summary="tea 4, cake 6", total=10)
    assert sleeps.waits == [3.0]
    assert result.usage["model_calls"] == len(fake_provider.requests) == 3


@pytest.mark.parametrize("client", CLIENTS)
async def test_the_sdks_own_retries_are_off_so_requests_equal_model_calls(
    fake_provider: FakeProvider, client: str
) -> None:
    fake_provider.script(HttpError(500), HttpError(500), HttpError(500))
    agent = shop(chat(fake_provider, client, max_retries=2), Sleeps())
    result = await agent.run("prices of tea and cake", thread_id="t")
    assert result.status == "interrupted"
    assert len(fake_provider.requests) == 3  # not 9: the SDK's two retries per call are off
    assert result.error is not None
    assert result.error["type"] == "ModelError"
    assert "(HTTP 500) after 3 attempts" in result.error["message"]


@pytest.mark.parametrize("client", CLIENTS)
async def test_an_interrupted_run_resumes_where_it_stopped(
    fake_provider: FakeProvider, client: str
) -> None:
    status = 529 if client == "anthropic" else 503
    fake_provider.script(PLAN, *[HttpError(status)] * 3)
    agent = shop(chat(fake_provider, client), Sleeps())
    stopped = await agent.run("prices of tea and cake", thread_id="t")
    assert stopped.status == "interrupted"
    assert stopped.error is not None
    assert "overloaded" in stopped.error["message"]
    assert {rec["status"] for rec in stopped.steps.values()} == {"done"}
    fake_provider.script(RECEIPT)
    done = await agent.recover("t")
    assert done.status == "done"
    assert len(fake_provider.requests) == 5  # the plan was not asked for again


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("empty", [EmptyChoices(), EmptyBody()])
async def test_an_empty_answer_is_retried(
    fake_provider: FakeProvider, client: str, empty: EmptyChoices | EmptyBody
) -> None:
    fake_provider.script(empty, PLAN, RECEIPT)
    sleeps = Sleeps()
    result = await shop(chat(fake_provider, client), sleeps).run("prices of tea and cake")
    assert result.status == "done"
    assert sleeps.waits == [1.0]


@pytest.mark.parametrize("client", CLIENTS)
async def test_a_bad_request_fails_the_run_at_once(
    fake_provider: FakeProvider, client: str
) -> None:
    fake_provider.script(HttpError(400, message="messages: too long"), PLAN)
    result = await shop(chat(fake_provider, client), Sleeps()).run("prices of tea and cake")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["kind"] == "bad_request"
    assert "messages: too long" in result.error["message"]
    assert len(fake_provider.requests) == 1


async def test_a_timeout_is_retried(fake_provider: FakeProvider) -> None:
    fake_provider.script(Hang(), PLAN, RECEIPT)
    sleeps = Sleeps()
    agent = shop(fake_provider.chat_openai(timeout=3.0), sleeps)
    result = await agent.run("prices of tea and cake")
    assert result.status == "done"
    assert len(fake_provider.requests) == 3


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("streaming", [False, True])
async def test_a_refusal_ends_the_run_with_the_models_words(
    fake_provider: FakeProvider, client: str, streaming: bool
) -> None:
    fake_provider.script(Refusal("I can't help with buying that."), PLAN, RECEIPT)
    agent = shop(chat(fake_provider, client, streaming=streaming), Sleeps())
    result = await agent.run("prices of tea and cake")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "ModelRefusedError"
    assert len(fake_provider.requests) == 1  # never paid for three times


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("streaming", [False, True])
async def test_a_tool_call_cut_at_the_token_limit_is_never_executed(
    fake_provider: FakeProvider, client: str, streaming: bool
) -> None:
    till = Till()
    order = ToolCall("place_order", {"item": "pie", "qty": 10})
    fake_provider.script(
        Truncated(call=order, cut_at=18),  # '{"item": "pie", "q' — qty lost
        ToolCalls([ToolCall("get_price", {"item": "pie"})]),
        Text("Pie is 9 euros."),
        RECEIPT,
    )
    agent = Agent(SPEC, Toolset(TOOLS, deps=till), model=chat(fake_provider, client,
                  streaming=streaming), strategy="react", clock=FakeClock())  # fmt: skip
    result = await agent.run("price of pie")
    assert result.status == "done"
    assert till.orders == {}
    assert [rec["tool"] for rec in result.steps.values()] == ["get_price"]
    assert result.usage["retries"] == 1
    cut_note = fake_provider.requests[1].body["messages"][-1]
    assert "cut off at the output-token limit" in str(cut_note["content"])


@pytest.mark.parametrize("client", CLIENTS)
async def test_a_truncated_answer_that_stays_truncated_fails_typed(
    fake_provider: FakeProvider, client: str
) -> None:
    fake_provider.script(PLAN, *[Truncated(text="tea 4, cak")] * 4)
    result = await shop(chat(fake_provider, client), Sleeps()).run("prices of tea and cake")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "ModelOutputTruncatedError"
    assert "summary: Field required" not in result.error["message"]


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("streaming", [False, True])
async def test_usage_is_counted_and_priced_by_family_streamed_or_not(
    fake_provider: FakeProvider, client: str, streaming: bool
) -> None:
    fake_provider.script(
        ToolCalls(PLAN.calls, usage=Usage(1_000, 200)),
        ToolCalls(RECEIPT.calls, usage=Usage(2_000, 100)),
    )
    result = await shop(chat(fake_provider, client, streaming=streaming), Sleeps()).run(
        "prices of tea and cake"
    )
    assert result.status == "done"
    assert result.usage["tokens"] == 3_300
    price = (3.00, 15.00) if client == "anthropic" else (2.50, 10.00)
    assert result.usage["cost"] == pytest.approx((3_000 * price[0] + 300 * price[1]) / 1e6)
    if client == "openai" and streaming:
        first = fake_provider.requests[0].body
        assert first["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize("client", CLIENTS)
async def test_the_token_budget_is_checked_after_each_call(
    fake_provider: FakeProvider, client: str
) -> None:
    fake_provider.script(
        ToolCalls(PLAN.calls, usage=Usage(200, 50)),
        ToolCalls(RECEIPT.calls, usage=Usage(100, 30)),
    )
    agent = shop(chat(fake_provider, client), Sleeps(), budget=Budget(max_tokens=300))
    result = await agent.run("prices of tea and cake")
    assert result.status == "failed"
    assert result.error is not None
    assert "went over its tokens budget (380 > 300)" in result.error["message"]


@pytest.mark.parametrize("streaming", [False, True])
async def test_a_malformed_tool_call_in_react_is_told_to_the_model(
    fake_provider: FakeProvider, streaming: bool
) -> None:
    # OpenAI sends arguments as text; a model may write text that is not a JSON object.
    fake_provider.script(
        ToolCalls([ToolCall("get_price", raw='{"item": tea}')]),
        ToolCalls([ToolCall("get_price", {"item": "tea"})]),
        Text("Tea is 4 euros."),
        RECEIPT,
    )
    agent = shop(fake_provider.chat_openai(streaming=streaming), Sleeps(), strategy="react")
    result = await agent.run("price of tea")
    assert result.status == "done"
    statuses = [(rec["tool"], rec["status"]) for rec in result.steps.values()]
    assert statuses == [("get_price", "failed"), ("get_price", "done")]
    told = [m for m in fake_provider.requests[1].body["messages"] if m["role"] == "tool"]
    assert len(told) == 1
    assert '{"item": tea}' in told[0]["content"]
    assert result.usage["retries"] == 1


@pytest.mark.parametrize("client", CLIENTS)
async def test_an_error_in_the_middle_of_a_stream_is_retried_then_interrupts(
    fake_provider: FakeProvider, client: str
) -> None:
    # HTTP 200, the stream begins, then an error event: no status, only the error's type.
    fake_provider.script(StreamError(529 if client == "anthropic" else 500), PLAN, RECEIPT)
    sleeps = Sleeps()
    agent = shop(chat(fake_provider, client, streaming=True), sleeps)
    result = await agent.run("prices of tea and cake")
    assert result.status == "done"
    assert sleeps.waits == [1.0]
    fake_provider.script(*[StreamError(529 if client == "anthropic" else 500)] * 3)
    stopped = await agent.run("prices of tea and cake", thread_id="s")
    assert stopped.status == "interrupted"
    assert stopped.error is not None
    kind = "overloaded" if client == "anthropic" else "failed on its side"
    assert f"{client} {kind} after 3 attempts" in stopped.error["message"]


async def test_a_react_model_that_says_nothing_more_is_done(fake_provider: FakeProvider) -> None:
    # Claude may end its turns with `content: []` after the tool results: that is "done".
    fake_provider.script(
        ToolCalls([ToolCall("get_price", {"item": "tea"})]),
        EmptyChoices(),
        RECEIPT,
    )
    sleeps = Sleeps()
    agent = shop(fake_provider.chat_anthropic(), sleeps, strategy="react")
    result = await agent.run("price of tea")
    assert result.status == "done"
    assert result.response == Receipt(summary="tea 4, cake 6", total=10)
    assert sleeps.waits == []
    assert len(fake_provider.requests) == 3
