"""The model gate: plangate's own retries, every attempt counted, budgets after each call,
why the model stopped, and the SDK's retries turned off."""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest
from langchain_anthropic import ChatAnthropic
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_openai import ChatOpenAI
from pydantic import PrivateAttr

from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.events import ModelRetrying
from plangate.graphs.engine.model_errors import (
    ModelError,
    ModelOutputTruncatedError,
    ModelRefusedError,
)
from plangate.graphs.engine.model_gate import ModelCallContext, ModelRetry, call_model, own_retries
from plangate.graphs.engine.prices import DEFAULT_PRICES
from plangate.tools.errors import BudgetExceededError


class Flaky(BaseChatModel):
    """Answers each call with the next outcome: a message, or an exception it raises."""

    outcomes: list[Any]
    _calls: int = PrivateAttr(default=0)

    @property
    def _llm_type(self) -> str:
        return "flaky"

    @property
    def calls(self) -> int:
        return self._calls

    def _next(self) -> ChatResult:
        outcome = self.outcomes[self._calls]
        self._calls += 1
        if isinstance(outcome, Exception):
            raise outcome
        return ChatResult(generations=[ChatGeneration(message=outcome)])

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._next()

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._next()


def answer(text: str = "ok", *, tokens: tuple[int, int] = (10, 5), **metadata: Any) -> AIMessage:
    return AIMessage(
        content=text,
        usage_metadata={"input_tokens": tokens[0], "output_tokens": tokens[1],
                        "total_tokens": sum(tokens)},
        response_metadata={"model_name": "gpt-4o-2024-08-06", "finish_reason": "stop", **metadata},
    )  # fmt: skip


def status_error(status: int, **headers: str) -> openai.APIStatusError:
    raw = httpx.Response(
        status,
        headers=headers,
        content=json.dumps({"error": {"message": f"status {status}"}}).encode(),
        request=httpx.Request("POST", "https://api.openai.com/v1/chat/completions"),
    )
    client = openai.OpenAI(api_key="sk-test")
    return client._make_status_error_from_response(raw)


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def gate(
    *, budget: Budget | None = None, retry: ModelRetry | None = None
) -> tuple[ModelCallContext, list[ModelRetrying]]:
    events: list[ModelRetrying] = []
    context = ModelCallContext(
        budget=budget or Budget(),
        usage={},
        spent={},
        prices=DEFAULT_PRICES,
        retry=retry or ModelRetry(),
        emit=events.append,
    )
    return context, events


def ask(model: BaseChatModel) -> Any:
    return lambda: model.ainvoke([HumanMessage("hi")])


async def test_rate_limits_are_retried_after_the_wait_the_provider_asks_for() -> None:
    sleeps = Sleeps()
    model = Flaky(outcomes=[status_error(429, **{"retry-after": "7"})] * 2 + [answer("fine")])
    context, events = gate(retry=ModelRetry(attempts=3, sleep=sleeps))
    reply = await call_model(context, ask(model))
    assert reply.content == "fine"
    assert sleeps.waits == [7.0, 7.0]
    assert context.spent["model_calls"] == 3  # every HTTP attempt is a model call
    assert [(e.attempt, e.max_attempts, e.delay) for e in events] == [(2, 3, 7.0), (3, 3, 7.0)]
    assert "rate limited (HTTP 429)" in events[0].reason


async def test_server_errors_back_off_then_end_with_the_number_of_attempts() -> None:
    sleeps = Sleeps()
    model = Flaky(outcomes=[status_error(500)] * 3)
    context, _ = gate(retry=ModelRetry(attempts=3, first_wait=1.0, sleep=sleeps))
    with pytest.raises(ModelError) as caught:
        await call_model(context, ask(model))
    assert caught.value.kind == "server_error"
    assert caught.value.attempts == 3
    assert "after 3 attempts" in str(caught.value)
    assert sleeps.waits == [1.0, 2.0]
    assert model.calls == 3


async def test_a_wait_longer_than_allowed_is_not_slept_through() -> None:
    sleeps = Sleeps()
    model = Flaky(outcomes=[status_error(429, **{"retry-after": "3600"}), answer()])
    context, _ = gate(retry=ModelRetry(longest_wait=60, sleep=sleeps))
    with pytest.raises(ModelError) as caught:
        await call_model(context, ask(model))
    assert (caught.value.kind, caught.value.retry_after, model.calls) == ("rate_limited", 3600, 1)
    assert caught.value.resumable
    assert sleeps.waits == []


async def test_what_cannot_succeed_is_not_retried() -> None:
    model = Flaky(outcomes=[status_error(400), answer()])
    context, _ = gate(retry=ModelRetry(sleep=Sleeps()))
    with pytest.raises(ModelError) as caught:
        await call_model(context, ask(model))
    assert (caught.value.kind, model.calls) == ("bad_request", 1)


async def test_retries_stop_at_the_model_call_budget() -> None:
    model = Flaky(outcomes=[status_error(503)] * 5)
    context, _ = gate(
        budget=Budget(max_model_calls=2), retry=ModelRetry(attempts=5, sleep=Sleeps())
    )
    with pytest.raises(BudgetExceededError) as caught:
        await call_model(context, ask(model))
    assert caught.value.budget == "model_calls"
    assert model.calls == 2


async def test_tokens_and_cost_are_checked_after_the_call() -> None:
    model = Flaky(outcomes=[answer(tokens=(300, 80))])
    context, _ = gate(budget=Budget(max_tokens=300))
    with pytest.raises(BudgetExceededError) as caught:
        await call_model(context, ask(model))
    assert (caught.value.budget, caught.value.used) == ("tokens", 380)
    assert "went over its tokens budget (380 > 300)" in str(caught.value)


async def test_dated_model_names_are_priced_by_family() -> None:
    model = Flaky(outcomes=[answer(tokens=(1_000_000, 100_000))])
    context, _ = gate(budget=Budget(max_tokens=10_000_000))
    await call_model(context, ask(model))
    assert context.spent["cost"] == pytest.approx(2.50 + 1.00)  # gpt-4o: $2.50 in, $10 out


@pytest.mark.parametrize(
    "reply",
    [
        AIMessage(content="", additional_kwargs={"refusal": "I'm sorry, I can't help with that."},
                  response_metadata={"finish_reason": "stop"}),
        AIMessage(content="I'm sorry, I can't help with that.",
                  response_metadata={"stop_reason": "refusal"}),
    ],
)  # fmt: skip
async def test_a_refusal_ends_with_the_models_words(reply: AIMessage) -> None:
    model = Flaky(outcomes=[reply, answer()])
    context, _ = gate()
    with pytest.raises(ModelRefusedError) as caught:
        await call_model(context, ask(model))
    assert caught.value.words == "I'm sorry, I can't help with that."
    assert model.calls == 1  # never paid for twice


@pytest.mark.parametrize("metadata", [{"finish_reason": "length"}, {"stop_reason": "max_tokens"}])
async def test_an_answer_cut_at_the_limit_is_truncated(metadata: dict[str, str]) -> None:
    cut = AIMessage(
        content="",
        tool_calls=[{"name": "book", "args": {"party_size": 2}, "id": "call_1"}],
        response_metadata=metadata,
    )
    context, _ = gate()
    with pytest.raises(ModelOutputTruncatedError):
        await call_model(context, ask(Flaky(outcomes=[cut])))


async def test_a_bug_in_the_caller_is_not_a_model_error() -> None:
    async def planner() -> None:
        raise IndexError("bug in a planner")

    context, _ = gate()
    with pytest.raises(IndexError, match="bug in a planner"):
        await call_model(context, planner)


def test_the_sdk_retries_are_turned_off_and_streams_report_usage() -> None:
    chat = ChatOpenAI(model="gpt-4o", api_key="sk-test", base_url="http://127.0.0.1:9/v1",
                      max_retries=5, timeout=12)  # fmt: skip
    owned = own_retries(chat)
    assert isinstance(owned, ChatOpenAI)
    assert owned.root_async_client.max_retries == 0
    assert owned.root_client.max_retries == 0
    assert owned.stream_usage is True
    assert (owned.model_name, owned.request_timeout, owned.openai_api_base) == (
        "gpt-4o", 12, "http://127.0.0.1:9/v1",
    )  # fmt: skip
    assert chat.root_async_client.max_retries == 5  # the caller's model is left alone
    claude = ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-ant-test", max_retries=4)  # type: ignore[call-arg]
    owned_claude = own_retries(claude)
    assert isinstance(owned_claude, ChatAnthropic)
    assert owned_claude._async_client.max_retries == 0
    assert owned_claude.model == "claude-sonnet-4-5"


def test_a_model_without_sdk_retries_is_returned_as_is() -> None:
    model = Flaky(outcomes=[])
    assert own_retries(model) is model


@pytest.mark.parametrize(
    "metadata",
    [
        {"done_reason": "length"},  # Ollama
        {"stop_reason": "model_context_window_exceeded"},  # Anthropic
        {"finish_reason": "MAX_TOKENS"},  # Google
        {"status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"}},
    ],
)
async def test_every_providers_way_of_saying_cut_short_is_truncation(
    metadata: dict[str, Any],
) -> None:
    context, _ = gate()
    cut = AIMessage(content="The answ", response_metadata=metadata)
    with pytest.raises(ModelOutputTruncatedError):
        await call_model(context, ask(Flaky(outcomes=[cut])))


@pytest.mark.parametrize(
    "metadata",
    [
        {"finish_reason": "content_filter"},  # OpenAI, Azure
        {"stop_reason": "guardrail_intervened"},  # Bedrock
        {"finish_reason": "SAFETY"},  # Google
    ],
)
async def test_every_providers_way_of_withholding_an_answer_is_a_refusal(
    metadata: dict[str, Any],
) -> None:
    context, _ = gate()
    withheld = AIMessage(content="", response_metadata=metadata)
    with pytest.raises(ModelRefusedError):
        await call_model(context, ask(Flaky(outcomes=[withheld])))
