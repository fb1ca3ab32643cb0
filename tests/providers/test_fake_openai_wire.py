"""The fake provider speaks OpenAI Chat Completions faithfully enough for the real clients.

Each test drives the real ``openai`` SDK or ``ChatOpenAI`` against ``FakeProvider`` and checks
what they make of the answer. What they make of the cases off the happy path (langchain-openai
1.8, openai 3.x), for whoever maps them into plangate's typed model errors:

- **HTTP errors** surface as langchain-openai subclasses of *both* the SDK's class and
  langchain-core's ``ModelError`` family: 429 → ``OpenAIRateLimitError`` (an
  ``openai.RateLimitError`` and ``ModelRateLimitError``; ``.response.headers["retry-after"]``,
  ``.status_code``, ``.code == "rate_limit_exceeded"``), 5xx → ``OpenAIAPIError`` (an
  ``openai.InternalServerError``), 400 → ``openai.BadRequestError``, 401 →
  ``openai.AuthenticationError``, a timeout → ``OpenAITimeoutError`` (an
  ``openai.APITimeoutError``). Streamed or not, the same.
- **The SDK retries on its own**: ``max_retries=2`` is three HTTP attempts (headers
  ``x-stainless-retry-count`` 0, 1, 2), honouring ``retry-after-ms`` / ``retry-after``.
- **An empty ``choices`` list** raises a bare ``IndexError`` from ``ainvoke`` and
  ``ValueError("No generation chunks were returned")`` from ``astream``.
- **An empty 200 body** raises ``json.JSONDecodeError`` from ``ainvoke`` (from the SDK itself)
  and ``ValueError("No generation chunks were returned")`` from ``astream``.
- **A refusal** (``message.refusal`` set, ``content`` null, ``finish_reason: "stop"``) becomes
  ``content == ""`` with ``additional_kwargs["refusal"]`` holding the words (and a
  ``{"type": "refusal"}`` block in ``content_blocks``). Every non-streamed answer carries
  ``additional_kwargs["refusal"] = None``, so test the value, not the key. **Streamed, the
  refusal is dropped**: ``content == ""``, no ``refusal`` anywhere; only
  ``finish_reason == "stop"`` with no text and no tool calls betrays it.
- **Truncation** (``finish_reason: "length"``) is in ``response_metadata["finish_reason"]``.
  A tool call cut mid-arguments is an ``invalid_tool_calls`` entry (args: the partial JSON
  text) when not streamed, but **streamed it is a valid-looking ``tool_calls`` entry whose args
  were parsed leniently from the partial JSON** (``{"city": "Lis"}``): only ``finish_reason``
  tells it apart.
- **Usage is not requested on streams** when ``base_url`` is set (no ``stream_options`` is
  sent and ``usage_metadata`` is ``None``) unless ``stream_usage=True``.
- ``response_metadata["model_name"]`` is the dated model the provider answered with
  (``gpt-4o-2024-08-06``), not the alias asked for.
"""

from __future__ import annotations

import json
from typing import Any

import openai
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
    ]
)


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


async def test_a_completion_is_shaped_like_openai(fake_provider: FakeProvider) -> None:
    fake_provider.script(PARALLEL)
    async with fake_provider.openai_client() as client:
        completion = await client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert completion.id.startswith("chatcmpl-")
    assert completion.object == "chat.completion"
    assert completion.model == "gpt-4o-2024-08-06"
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    calls = choice.message.tool_calls or []
    assert [call.type for call in calls] == ["function", "function"]
    assert all(call.id.startswith("call_") for call in calls)
    arguments = [call.function.arguments for call in calls]  # type: ignore[union-attr]
    assert all(isinstance(text, str) for text in arguments)
    assert [json.loads(text) for text in arguments] == [dict(c.args) for c in PARALLEL.calls]
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (25, 12)
    assert completion.usage.total_tokens == 37


async def test_a_stream_ends_with_a_usage_chunk_and_done(fake_provider: FakeProvider) -> None:
    fake_provider.script(Text("Two tables are free."))
    async with (
        fake_provider.openai_client() as client,
        client.chat.completions.with_streaming_response.create(
            model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
        ) as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line async for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
    assert len({chunk["id"] for chunk in chunks}) == 1
    assert all(chunk["usage"] is None for chunk in chunks[:-1])
    assert all("obfuscation" in chunk for chunk in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks[:-1])
    assert text == "Two tables are free."
    assert chunks[-2]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["prompt_tokens"] == 25


async def test_streamed_tool_arguments_arrive_in_pieces(fake_provider: FakeProvider) -> None:
    fake_provider.script(PARALLEL)
    pieces: dict[int, list[str]] = {}
    async with fake_provider.openai_client() as client:
        stream = await client.chat.completions.create(
            model="gpt-4o", messages=MESSAGES, stream=True
        )
        async for chunk in stream:
            assert chunk.usage is None  # not asked for
            for delta in chunk.choices[0].delta.tool_calls or [] if chunk.choices else []:
                assert delta.function is not None
                pieces.setdefault(delta.index, []).append(delta.function.arguments or "")
    assert all(len(parts) > 2 for parts in pieces.values())
    joined = [json.loads("".join(pieces[i])) for i in sorted(pieces)]
    assert joined == [dict(call.args) for call in PARALLEL.calls]


async def test_a_refusal_has_null_content(fake_provider: FakeProvider) -> None:
    fake_provider.script(Refusal("I can't help with that."))
    async with fake_provider.openai_client() as client:
        completion = await client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    message = completion.choices[0].message
    assert (message.content, message.refusal) == (None, "I can't help with that.")
    assert completion.choices[0].finish_reason == "stop"


# -- ChatOpenAI on the fake ------------------------------------------------------------------


async def test_chat_openai_reads_text_usage_and_the_dated_model(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.script(Text("Two tables are free.", usage=Usage(40, 6)))
    message = await fake_provider.chat_openai().ainvoke("A table for 2 in Lisbon?")
    assert isinstance(message, AIMessage)
    assert message.content == "Two tables are free."
    assert message.usage_metadata is not None
    assert (message.usage_metadata["input_tokens"], message.usage_metadata["output_tokens"]) == (
        40,
        6,
    )
    assert message.response_metadata["finish_reason"] == "stop"
    assert message.response_metadata["model_name"] == "gpt-4o-2024-08-06"
    [request] = fake_provider.requests
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.body["model"] == "gpt-4o"
    assert request.body["messages"][-1] == {"role": "user", "content": "A table for 2 in Lisbon?"}


async def test_chat_openai_parses_parallel_tool_calls(fake_provider: FakeProvider) -> None:
    fake_provider.script(PARALLEL)
    model = fake_provider.chat_openai().bind_tools([search_tables, get_weather])
    message = await model.ainvoke("A table for 2 in Lisbon?")
    assert isinstance(message, AIMessage)
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [
        ("search_tables", {"city": "Lisbon", "party_size": 2}),
        ("get_weather", {"city": "Lisbon"}),
    ]
    assert all((c["id"] or "").startswith("call_") for c in message.tool_calls)
    assert message.response_metadata["finish_reason"] == "tool_calls"
    sent = [tool["function"]["name"] for tool in fake_provider.requests[0].body["tools"]]
    assert sent == ["search_tables", "get_weather"]


async def test_chat_openai_streams_tool_calls_without_usage_by_default(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.script(PARALLEL)
    model = fake_provider.chat_openai().bind_tools([search_tables, get_weather])
    message = await collect(model.astream("A table for 2 in Lisbon?"))
    assert [c["args"] for c in message.tool_calls] == [dict(c.args) for c in PARALLEL.calls]
    assert message.response_metadata["finish_reason"] == "tool_calls"
    assert message.usage_metadata is None
    assert "stream_options" not in fake_provider.requests[0].body


async def test_chat_openai_streams_usage_when_asked(fake_provider: FakeProvider) -> None:
    fake_provider.script(Text("Two tables are free.", usage=Usage(40, 6)))
    message = await collect(fake_provider.chat_openai(stream_usage=True).astream("Lisbon?"))
    assert message.content == "Two tables are free."
    assert message.usage_metadata is not None
    assert message.usage_metadata["total_tokens"] == 46
    assert fake_provider.requests[0].body["stream_options"] == {"include_usage": True}


async def test_chat_openai_keeps_a_refusal_in_additional_kwargs(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.script(Refusal("I can't help with that."), Text("Fine."))
    refused = await fake_provider.chat_openai().ainvoke("Something harmful")
    assert refused.content == ""
    assert refused.additional_kwargs["refusal"] == "I can't help with that."
    assert refused.content_blocks == [{"type": "refusal", "refusal": "I can't help with that."}]
    assert refused.response_metadata["finish_reason"] == "stop"
    answered = await fake_provider.chat_openai().ainvoke("Something fine")
    assert answered.additional_kwargs == {"refusal": None}


async def test_chat_openai_drops_a_streamed_refusal(fake_provider: FakeProvider) -> None:
    fake_provider.script(Refusal("I can't help with that."))
    message = await collect(fake_provider.chat_openai().astream("Something harmful"))
    assert message.content == ""
    assert "refusal" not in message.additional_kwargs
    assert message.tool_calls == []
    assert message.response_metadata["finish_reason"] == "stop"


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
async def test_chat_openai_reports_a_truncated_answer(
    fake_provider: FakeProvider, stream: bool
) -> None:
    fake_provider.script(Truncated("The summary is that the"))
    message = await ask(fake_provider.chat_openai(), "Summarise", stream=stream)
    assert message.content == "The summary is that the"
    assert message.response_metadata["finish_reason"] == "length"


async def test_a_tool_call_cut_short_is_invalid_when_not_streamed(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.script(Truncated(call=ToolCall("search_tables", {"city": "Lisbon"}), cut_at=13))
    model = fake_provider.chat_openai().bind_tools([search_tables])
    message = await model.ainvoke("A table in Lisbon?")
    assert isinstance(message, AIMessage)
    assert message.tool_calls == []
    [invalid] = message.invalid_tool_calls
    assert (invalid["name"], invalid["args"]) == ("search_tables", '{"city": "Lis')
    assert message.response_metadata["finish_reason"] == "length"


async def test_a_tool_call_cut_short_looks_valid_when_streamed(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.script(Truncated(call=ToolCall("search_tables", {"city": "Lisbon"}), cut_at=13))
    model = fake_provider.chat_openai().bind_tools([search_tables])
    message = await collect(model.astream("A table in Lisbon?"))
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [
        ("search_tables", {"city": "Lis"})
    ]
    assert message.invalid_tool_calls == []
    assert message.response_metadata["finish_reason"] == "length"


# -- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
async def test_a_429_is_a_rate_limit_error_with_retry_after(
    fake_provider: FakeProvider, stream: bool
) -> None:
    fake_provider.script(HttpError(429, retry_after=7))
    with pytest.raises(openai.RateLimitError) as caught:
        await ask(fake_provider.chat_openai(), "Lisbon?", stream=stream)
    error = caught.value
    assert isinstance(error, ModelRateLimitError)
    assert error.status_code == 429
    assert error.code == "rate_limit_exceeded"
    assert error.response.headers["retry-after"] == "7"
    assert error.response.headers["x-request-id"].startswith("req_")
    assert len(fake_provider.requests) == 1


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (500, openai.InternalServerError),
        (503, openai.InternalServerError),
        (400, openai.BadRequestError),
        (401, openai.AuthenticationError),
    ],
)
async def test_error_statuses_map_to_the_sdk_classes(
    fake_provider: FakeProvider, status: int, error_class: type[openai.APIStatusError]
) -> None:
    fake_provider.script(HttpError(status))
    with pytest.raises(error_class) as caught:
        await fake_provider.chat_openai().ainvoke("Lisbon?")
    assert caught.value.status_code == status
    assert isinstance(caught.value.body, dict)
    assert set(caught.value.body) == {
        "message",
        "type",
        "param",
        "code",
    }


async def test_the_sdk_retries_on_its_own(fake_provider: FakeProvider) -> None:
    fake_provider.script(*[HttpError(429, retry_after=0.001)] * 3)
    with pytest.raises(openai.RateLimitError):
        await fake_provider.chat_openai(max_retries=2).ainvoke("Lisbon?")
    attempts = [r.headers["x-stainless-retry-count"] for r in fake_provider.requests]
    assert attempts == ["0", "1", "2"]


async def test_an_sdk_retry_can_succeed(fake_provider: FakeProvider) -> None:
    fake_provider.script(HttpError(500, retry_after=0.001), Text("Two tables are free."))
    message = await fake_provider.chat_openai(max_retries=2).ainvoke("Lisbon?")
    assert message.content == "Two tables are free."
    assert len(fake_provider.requests) == 2


async def test_a_hang_is_a_timeout(fake_provider: FakeProvider) -> None:
    fake_provider.script(Hang())
    with pytest.raises(openai.APITimeoutError):
        await fake_provider.chat_openai(timeout=0.2).ainvoke("Lisbon?")


async def test_empty_choices(fake_provider: FakeProvider) -> None:
    fake_provider.script(EmptyChoices(), EmptyChoices(), EmptyChoices())
    async with fake_provider.openai_client() as client:
        completion = await client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert completion.choices == []
    with pytest.raises(IndexError):
        await fake_provider.chat_openai().ainvoke("Lisbon?")
    with pytest.raises(ValueError, match="No generation chunks were returned"):
        await collect(fake_provider.chat_openai().astream("Lisbon?"))


async def test_an_empty_body(fake_provider: FakeProvider) -> None:
    fake_provider.script(EmptyBody(), EmptyBody())
    with pytest.raises(json.JSONDecodeError):
        await fake_provider.chat_openai().ainvoke("Lisbon?")
    with pytest.raises(ValueError, match="No generation chunks were returned") as caught:
        await collect(fake_provider.chat_openai().astream("Lisbon?"))
    assert not isinstance(caught.value, json.JSONDecodeError)


async def test_an_exhausted_script_answers_500(fake_provider: FakeProvider) -> None:
    with pytest.raises(openai.InternalServerError, match="script is exhausted"):
        await fake_provider.chat_openai().ainvoke("Lisbon?")
    assert fake_provider.remaining == 0
    assert len(fake_provider.requests) == 1
