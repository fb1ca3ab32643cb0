"""Scripted replies in the OpenAI Chat Completions wire format (``POST /v1/chat/completions``).

Shapes follow the API reference (``ChatCompletion``, ``ChatCompletionChunk``, the error object):

- an answer is ``{"id": "chatcmpl-…", "object": "chat.completion", "created", "model",
  "choices": [{"index", "message": {"role", "content", "refusal", "annotations"[, "tool_calls"]},
  "logprobs", "finish_reason"}], "usage", "service_tier", "system_fingerprint"}``; tool call
  arguments are a JSON *string*; a refusal has ``content: null`` and ``refusal`` set.
- a stream is ``data: {chunk}`` lines and ``data: [DONE]``: the first delta carries the role,
  tool calls arrive as ``{"index", "id", "type", "function": {"name", "arguments": ""}}`` then
  argument pieces, the last choice chunk carries ``finish_reason`` and an empty delta. With
  ``stream_options.include_usage`` every chunk has ``"usage": null`` and one more chunk with
  ``"choices": []`` carries the usage. Each chunk has an ``obfuscation`` padding field unless
  ``stream_options.include_obfuscation`` is false.
- an error is ``{"error": {"message", "type", "param", "code"}}`` with an ``x-request-id``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

from tests.fakes.providers_script import (
    EmptyChoices,
    HttpError,
    Refusal,
    Text,
    ToolCall,
    ToolCalls,
    Truncated,
    Usage,
)
from tests.fakes.providers_wire import (
    CREATED,
    Ids,
    WireResponse,
    json_response,
    pieces,
    sse_frame,
    sse_response,
)

PATH = "/v1/chat/completions"

DATED_MODELS = {
    "gpt-4o": "gpt-4o-2024-08-06",
    "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
    "gpt-4.1": "gpt-4.1-2025-04-14",
    "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
}
"""Alias asked for → the dated model OpenAI names in its answer."""

OpenAIReply = Text | ToolCalls | Refusal | Truncated | EmptyChoices

_ERRORS: Mapping[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid value for 'messages': expected an array."),
    401: (
        "invalid_request_error",
        "invalid_api_key",
        "Incorrect API key provided: sk-test. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
    ),
    403: ("invalid_request_error", "unsupported_country_region_territory", "Forbidden."),
    404: ("invalid_request_error", "model_not_found", "The model does not exist."),
    429: (
        "tokens",
        "rate_limit_exceeded",
        "Rate limit reached for gpt-4o in organization org-fake on tokens per min (TPM): "
        "Limit 30000, Used 30000, Requested 1200. Please try again in 2.4s. Visit "
        "https://platform.openai.com/account/rate-limits to learn more.",
    ),
    500: (
        "server_error",
        None,
        "The server had an error while processing your request. Sorry about that!",
    ),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}
"""Status → (error type, code, usual message)."""


def error(status: int, ids: Ids, failure: HttpError | None = None) -> WireResponse:
    """An OpenAI error response for ``status``."""
    kind, code, usual = _ERRORS.get(status, ("server_error", None, f"HTTP {status}"))
    message = failure.message if failure and failure.message else usual
    headers = {"x-request-id": ids.request("req_")}
    if failure is not None:
        if failure.retry_after is not None:
            headers["retry-after"] = str(math.ceil(failure.retry_after))
            headers["retry-after-ms"] = str(round(failure.retry_after * 1000))
        headers.update(failure.headers)
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return json_response(status, body, headers)


def stream_error(status: int, request: Mapping[str, Any], ids: Ids) -> WireResponse:
    """A stream that starts, then carries the error ``status`` would as an ``error`` chunk."""
    asked = str(request.get("model", "gpt-4o"))
    first = {
        "id": ids.completion(), "object": "chat.completion.chunk", "created": CREATED,
        "model": DATED_MODELS.get(asked, asked), "system_fingerprint": ids.fingerprint(),
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                     "logprobs": None, "finish_reason": None}],
    }  # fmt: skip
    body = json.loads(error(status, ids).body)
    frames = iter([sse_frame(first), sse_frame(body)])
    return sse_response(frames, {"x-request-id": ids.request("req_")})


def answer(reply: OpenAIReply, request: Mapping[str, Any], ids: Ids) -> WireResponse:
    """The Chat Completions response for ``reply``, streamed when the request asked for it."""
    asked = str(request.get("model", "gpt-4o"))
    model = reply.model or DATED_MODELS.get(asked, asked)
    headers = {"x-request-id": ids.request("req_"), "openai-processing-ms": "412"}
    if request.get("stream") is True:
        return sse_response(_chunks(reply, request, model, ids), headers)
    return json_response(200, _completion(reply, model, ids), headers)


def _usage(usage: Usage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.input_tokens + usage.output_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _calls(reply: OpenAIReply) -> list[tuple[ToolCall, str]]:
    """Each tool call with its arguments text as the model wrote it."""
    if isinstance(reply, ToolCalls):
        return [(call, call.arguments) for call in reply.calls]
    if isinstance(reply, Truncated) and reply.call is not None:
        return [(reply.call, reply.partial_arguments())]
    return []


def _finish_reason(reply: OpenAIReply) -> str:
    if isinstance(reply, ToolCalls):
        return "tool_calls"
    if isinstance(reply, Truncated):
        return "length"
    return "stop"


def _completion(reply: OpenAIReply, model: str, ids: Ids) -> dict[str, Any]:
    choices: list[dict[str, Any]] = []
    if not isinstance(reply, EmptyChoices):
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        if isinstance(reply, Refusal):
            message["refusal"] = reply.text
        elif reply.text:
            message["content"] = reply.text
        if calls := _calls(reply):
            message["tool_calls"] = [
                {
                    "id": call.id or ids.call(),
                    "type": "function",
                    "function": {"name": call.name, "arguments": arguments},
                }
                for call, arguments in calls
            ]
        message["annotations"] = []
        choices.append(
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": _finish_reason(reply),
            }
        )
    return {
        "id": ids.completion(),
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": choices,
        "usage": _usage(reply.usage),
        "service_tier": "default",
        "system_fingerprint": ids.fingerprint(),
    }


def _deltas(reply: OpenAIReply, ids: Ids) -> Iterator[dict[str, Any]]:
    """The ``delta`` of each choice chunk, in the order OpenAI streams them."""
    if isinstance(reply, EmptyChoices):
        return
    if isinstance(reply, Refusal):
        yield {"role": "assistant", "content": None, "refusal": ""}
        for piece in pieces(reply.text, 5):
            yield {"refusal": piece}
        return
    calls = _calls(reply)
    if reply.text or not calls:
        yield {"role": "assistant", "content": "", "refusal": None}
        for piece in pieces(reply.text, 5):
            yield {"content": piece}
    for index, (call, arguments) in enumerate(calls):
        head = {
            "index": index,
            "id": call.id or ids.call(),
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }
        if index == 0 and not reply.text:
            yield {"role": "assistant", "content": None, "tool_calls": [head], "refusal": None}
        else:
            yield {"tool_calls": [head]}
        for piece in pieces(arguments, 7):
            yield {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}


def _chunks(
    reply: OpenAIReply, request: Mapping[str, Any], model: str, ids: Ids
) -> Iterator[bytes]:
    options = request.get("stream_options") or {}
    include_usage = options.get("include_usage") is True
    obfuscate = options.get("include_obfuscation", True) is not False
    completion_id, fingerprint = ids.completion(), ids.fingerprint()

    def chunk(choices: list[dict[str, Any]], usage: dict[str, Any] | None = None) -> bytes:
        body: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "service_tier": "default",
            "system_fingerprint": fingerprint,
            "choices": choices,
        }
        if include_usage:
            body["usage"] = usage
        if obfuscate:
            body["obfuscation"] = ids.obfuscation()
        return sse_frame(body)

    def choice(delta: dict[str, Any], finish_reason: str | None = None) -> list[dict[str, Any]]:
        return [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]

    deltas = list(_deltas(reply, ids))
    if deltas:
        for delta in deltas:
            yield chunk(choice(delta))
        yield chunk(choice({}, _finish_reason(reply)))
    if include_usage:
        yield chunk([], _usage(reply.usage))
    yield sse_frame("[DONE]")
