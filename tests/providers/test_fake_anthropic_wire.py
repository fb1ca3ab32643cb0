"""The fake provider speaks Anthropic Messages faithfully enough for the real clients.

Each test drives the real ``anthropic`` SDK or ``ChatAnthropic`` against ``FakeProvider`` and
checks what they make of the answer. What they make of the cases off the happy path
(langchain-anthropic 1.7, anthropic 2.x), for whoever maps them into plangate's typed model
errors:

- **HTTP errors** surface as langchain-anthropic subclasses of *both* the SDK's class and
  langchain-core's ``ModelError`` family: 429 → ``AnthropicRateLimitError`` (an
  ``anthropic.RateLimitError`` and ``ModelRateLimitError``; ``.response.headers["retry-after"]``),
  529 → ``AnthropicOverloadedError`` (an ``anthropic.OverloadedError``, itself an
  ``anthropic.InternalServerError``), 500 → ``AnthropicAPIError`` (an
  ``anthropic.InternalServerError``), 400 → ``anthropic.BadRequestError``, 401 →
  ``anthropic.AuthenticationError``, a timeout → ``AnthropicTimeoutError`` (an
  ``anthropic.APITimeoutError``). ``.body`` is the whole error object (``{"type": "error",
  "error": {"type", "message"}, "request_id"}``). Streamed or not, the same.
- **The SDK retries on its own**: ``max_retries=2`` is three HTTP attempts.
- **Empty content** (``content: []``, ``stop_reason: "end_turn"``) raises nothing: the message
  has no tool calls and ``content == []`` (``""`` when streamed without tools bound).
- **An empty 200 body** raises ``json.JSONDecodeError`` from ``ainvoke`` and
  ``ValueError("No generation chunks were returned")`` from ``astream``.
- **A refusal** (``stop_reason: "refusal"``) raises nothing: the words written before it are the
  message's ``content`` (a string when not streamed, text blocks when streamed),
  ``response_metadata["stop_reason"] == "refusal"`` and ``response_metadata["stop_details"]``
  holds ``{"type": "refusal", "category", "explanation"}``; ``content_blocks`` gains a
  ``{"type": "refusal", "refusal": "", "extras": {"category": …}}`` block after the text.
- **A tool call cut at ``max_tokens``** is never an invalid tool call: streamed, langchain parses
  the partial ``input_json_delta`` text leniently and yields a valid-looking ``tool_calls``
  entry (``{"city": "Lis"}``); not streamed, it yields the ``input`` the API parsed (the fake
  sends what the SDK's own accumulator builds from the partial JSON, ``{}`` here). Only
  ``response_metadata["stop_reason"] == "max_tokens"`` tells it apart. A cut answer is the text
  so far with the same ``stop_reason``.
- Usage is reported on streams by default (``stream_usage=True``), from ``message_delta``;
  ``response_metadata["model_name"]`` is the dated model (``claude-sonnet-4-5-20250929``).
"""

from __future__ import annotations

import json
from typing import Any

import anthropic
import pytest
from langchain_core.exceptions import ModelRateLimitError
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from pydantic import BaseModel

from tests.fakes.providers import (
    EmptyBody,
    EmptyChoices,
    FakeProvider,
    Hang,
    HttpError,
    Refusal,
    Text,
    ToolCall,
    ToolCalls,
    Truncated,
    Usage,
)

MESSAGES: list[Any] = [{"role": "user", "content": "A table for 2 in Lisbon?"}]
PARALLEL = ToolCalls(
    [
        ToolCall("search_tables", {"city": "Lisbon", "party_size": 2}),
        ToolCall("get_weather", {"city": "Lisbon"}),
    ],
    text="Let me look.",
)
CUT = Truncated(call=ToolCall("search_tables", {"city": "Lisbon"}), cut_at=13)


class search_tables(BaseModel):  # noqa: N801 - a tool is named as the model calls it
    """Find restaurants with a free table."""

    city: str
    party_size: int


class get_weather(BaseModel):  # noqa: N801
    """Today's weather in a city."""

    city: str


async def collect(stream: Any) -> AIMessageChunk:
    """Add up the chunks of ``astream``, as LangChain callers do."""
    total: BaseMessage | None = None
    async for chunk in stream:
        total = chunk if total is None else total + chunk
    assert isinstance(total, AIMessageChunk)
    return total


async def ask(model: Any, text: str, *, stream: bool) -> BaseMessage:
    """The model's answer to ``text``, streamed and added up or not."""
    if stream:
        return await collect(model.astream(text))
    answer: BaseMessage = await model.ainvoke(text)
    return answer


# -- the raw SDK reads the fake's wire format ------------------------------------------------


async def test_a_message_is_shaped_like_anthropic(fake_provider: FakeProvider) -> None:
    fake_provider.script(PARALLEL)
    async with fake_provider.anthropic_client() as client:
        message = await client.messages.create(
            model="claude-sonnet-4-5", max_tokens=1024, messages=MESSAGES
        )
    assert message.id.startswith("msg_01")
    assert message.model == "claude-sonnet-4-5-20250929"
    assert (message.stop_reason, message.stop_sequence) == ("tool_use", None)
    assert [block.type for block in message.content] == ["text", "tool_use", "tool_use"]
    uses = [block for block in message.content if block.type == "tool_use"]
    assert all(use.id.startswith("toolu_01") for use in uses)
    assert [use.input for use in uses] == [dict(call.args) for call in PARALLEL.calls]
    assert (message.usage.input_tokens, message.usage.output_tokens) == (25, 12)


async def test_a_stream_has_every_event_in_order(fake_provider: FakeProvider) -> None:
    fake_provider.script(PARALLEL)
    async with (
        fake_provider.anthropic_client() as client,
        client.messages.with_streaming_response.create(
            model="claude-sonnet-4-5", max_tokens=1024, messages=MESSAGES, stream=True
        ) as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line async for line in response.iter_lines() if line]
    names = [line.removeprefix("event: ") for line in lines[::2]]
    events = [json.loads(line.removeprefix("data: ")) for line in lines[1::2]]
    assert names == [event["type"] for event in events]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-2:] == ["message_delta", "message_stop"]
    assert names.count("content_block_start") == names.count("content_block_stop") == 3
    start = events[0]["message"]
    assert (start["content"], start["stop_reason"], start["usage"]["output_tokens"]) == (
        [],
        None,
        1,
    )
    json_pieces: dict[int, list[str]] = {}
    for event in events:
        if event["type"] == "content_block_delta" and event["delta"]["type"] == "input_json_delta":
            json_pieces.setdefault(event["index"], []).append(event["delta"]["partial_json"])
    assert sorted(json_pieces) == [1, 2]
    assert all(parts[0] == "" and len(parts) > 2 for parts in json_pieces.values())
    inputs = [json.loads("".join(json_pieces[i])) for i in (1, 2)]
    assert inputs == [dict(call.args) for call in PARALLEL.calls]
    assert events[-2]["delta"] == {"stop_reason": "tool_use", "stop_sequence": None}
    assert events[-2]["usage"]["output_tokens"] == 12


async def test_the_sdk_accumulates_a_stream(fake_provider: FakeProvider) -> None:
    fake_provider.script(PARALLEL)
    async with (
        fake_provider.anthropic_client() as client,
        client.messages.stream(
            model="claude-sonnet-4-5", max_tokens=1024, messages=MESSAGES
        ) as stream,
    ):
        message = await stream.get_final_message()
    assert message.stop_reason == "tool_use"
    assert [b.input for b in message.content if b.type == "tool_use"] == [
        dict(call.args) for call in PARALLEL.calls
    ]
    assert message.usage.output_tokens == 12


# -- ChatAnthropic on the fake ---------------------------------------------------------------


async def test_chat_anthropic_reads_text_usage_and_the_dated_model(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.script(Text("Two tables are free.", usage=Usage(40, 6)))
    message = await fake_provider.chat_anthropic().ainvoke("A table for 2 in Lisbon?")
    assert isinstance(message, AIMessage)
    assert message.content == "Two tables are free."
    assert message.usage_metadata is not None
    assert message.usage_metadata["total_tokens"] == 46
    assert message.response_metadata["stop_reason"] == "end_turn"
    assert message.response_metadata["model_name"] == "claude-sonnet-4-5-20250929"
    [request] = fake_provider.requests
    assert (request.method, request.path) == ("POST", "/v1/messages")
    credentials = (request.headers.get("x-api-key"), request.headers.get("authorization"))
    assert credentials in {("sk-ant-test", None), (None, "Bearer sk-ant-test")}
    assert "anthropic-version" in request.headers
    assert request.body["model"] == "claude-sonnet-4-5"
    assert request.body["max_tokens"] > 0


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
async def test_chat_anthropic_parses_parallel_tool_calls(
    fake_provider: FakeProvider, stream: bool
) -> None:
    fake_provider.script(PARALLEL)
    model = fake_provider.chat_anthropic().bind_tools([search_tables, get_weather])
    message = await ask(model, "A table for 2 in Lisbon?", stream=stream)
    assert isinstance(message, AIMessage)
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [
        ("search_tables", {"city": "Lisbon", "party_size": 2}),
        ("get_weather", {"city": "Lisbon"}),
    ]
    assert all((c["id"] or "").startswith("toolu_01") for c in message.tool_calls)
    assert message.response_metadata["stop_reason"] == "tool_use"
    assert message.usage_metadata is not None
    assert message.usage_metadata["output_tokens"] == 12
    sent = [tool["name"] for tool in fake_provider.requests[0].body["tools"]]
    assert sent == ["search_tables", "get_weather"]
    assert fake_provider.requests[0].is_stream is stream


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
async def test_chat_anthropic_returns_a_refusal_as_a_message(
    fake_provider: FakeProvider, stream: bool
) -> None:
    fake_provider.script(Refusal("I can't help with that.", category="cyber"))
    message = await ask(fake_provider.chat_anthropic(), "Something harmful", stream=stream)
    assert message.text == "I can't help with that."
    assert message.response_metadata["stop_reason"] == "refusal"
    assert message.response_metadata["stop_details"] == {
        "type": "refusal",
        "category": "cyber",
        "explanation": None,
    }
    assert message.content_blocks[-1] == {
        "type": "refusal",
        "refusal": "",
        "extras": {"category": "cyber"},
    }


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
async def test_chat_anthropic_reports_a_truncated_answer(
    fake_provider: FakeProvider, stream: bool
) -> None:
    fake_provider.script(Truncated("The summary is that the"))
    message = await ask(fake_provider.chat_anthropic(), "Summarise", stream=stream)
    assert message.text == "The summary is that the"
    assert message.response_metadata["stop_reason"] == "max_tokens"


async def test_a_tool_call_cut_at_max_tokens_looks_valid_when_streamed(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.script(CUT)
    model = fake_provider.chat_anthropic().bind_tools([search_tables])
    message = await collect(model.astream("A table in Lisbon?"))
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [
        ("search_tables", {"city": "Lis"})
    ]
    assert message.invalid_tool_calls == []
    assert message.response_metadata["stop_reason"] == "max_tokens"


async def test_a_tool_call_cut_at_max_tokens_keeps_the_parsed_input(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.script(CUT)
    model = fake_provider.chat_anthropic().bind_tools([search_tables])
    message = await model.ainvoke("A table in Lisbon?")
    assert isinstance(message, AIMessage)
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [("search_tables", {})]
    assert message.invalid_tool_calls == []
    assert message.response_metadata["stop_reason"] == "max_tokens"


# -- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
async def test_a_429_is_a_rate_limit_error_with_retry_after(
    fake_provider: FakeProvider, stream: bool
) -> None:
    fake_provider.script(HttpError(429, retry_after=7))
    with pytest.raises(anthropic.RateLimitError) as caught:
        await ask(fake_provider.chat_anthropic(), "Lisbon?", stream=stream)
    error = caught.value
    assert isinstance(error, ModelRateLimitError)
    assert error.status_code == 429
    assert error.response.headers["retry-after"] == "7"
    assert error.response.headers["request-id"].startswith("req_011C")
    assert isinstance(error.body, dict)
    assert error.body["type"] == "error"
    assert error.body["error"]["type"] == "rate_limit_error"
    assert len(fake_provider.requests) == 1


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (529, anthropic.OverloadedError),
        (500, anthropic.InternalServerError),
        (400, anthropic.BadRequestError),
        (401, anthropic.AuthenticationError),
    ],
)
async def test_error_statuses_map_to_the_sdk_classes(
    fake_provider: FakeProvider, status: int, error_class: type[anthropic.APIStatusError]
) -> None:
    fake_provider.script(HttpError(status))
    with pytest.raises(error_class) as caught:
        await fake_provider.chat_anthropic().ainvoke("Lisbon?")
    assert caught.value.status_code == status


async def test_the_sdk_retries_on_its_own(fake_provider: FakeProvider) -> None:
    fake_provider.script(*[HttpError(529, retry_after=0.001)] * 3)
    with pytest.raises(anthropic.OverloadedError):
        await fake_provider.chat_anthropic(max_retries=2).ainvoke("Lisbon?")
    attempts = [r.headers["x-stainless-retry-count"] for r in fake_provider.requests]
    assert attempts == ["0", "1", "2"]


async def test_a_hang_is_a_timeout(fake_provider: FakeProvider) -> None:
    fake_provider.script(Hang())
    with pytest.raises(anthropic.APITimeoutError):
        await fake_provider.chat_anthropic(timeout=0.2).ainvoke("Lisbon?")


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
async def test_empty_content_is_an_empty_message(fake_provider: FakeProvider, stream: bool) -> None:
    fake_provider.script(EmptyChoices())
    message = await ask(fake_provider.chat_anthropic(), "Lisbon?", stream=stream)
    assert isinstance(message, AIMessage)
    assert message.content == ("" if stream else [])
    assert message.tool_calls == []
    assert message.response_metadata["stop_reason"] == "end_turn"


async def test_an_empty_body(fake_provider: FakeProvider) -> None:
    fake_provider.script(EmptyBody(), EmptyBody())
    with pytest.raises(json.JSONDecodeError):
        await fake_provider.chat_anthropic().ainvoke("Lisbon?")
    with pytest.raises(ValueError, match="No generation chunks were returned") as caught:
        await collect(fake_provider.chat_anthropic().astream("Lisbon?"))
    assert not isinstance(caught.value, json.JSONDecodeError)


async def test_an_exhausted_script_answers_500(fake_provider: FakeProvider) -> None:
    with pytest.raises(anthropic.InternalServerError, match="script is exhausted"):
        await fake_provider.chat_anthropic().ainvoke("Lisbon?")
    assert len(fake_provider.requests) == 1
