"""Scripted replies in the Anthropic Messages wire format (``POST /v1/messages``).

Shapes follow the API reference (``Message``, the streaming events, the error object):

- an answer is ``{"id": "msg_01…", "type": "message", "role": "assistant", "model", "content":
  [{"type": "text", "text"} | {"type": "tool_use", "id": "toolu_01…", "name", "input": {…}}],
  "stop_reason", "stop_sequence", "usage": {"input_tokens", "cache_…", "output_tokens",
  "service_tier"}}``; a refusal adds ``stop_details: {"type": "refusal", "category",
  "explanation"}``.
- a stream is ``event:``/``data:`` pairs: ``message_start`` (empty content, ``output_tokens``
  1), per block ``content_block_start`` / ``content_block_delta`` (``text_delta``, or
  ``input_json_delta`` whose ``partial_json`` pieces, starting with ``""``, join to the
  arguments) / ``content_block_stop``, a ``ping`` after the first block opens, then
  ``message_delta`` (``stop_reason``, cumulative ``usage``) and ``message_stop``.
- an error is ``{"type": "error", "error": {"type", "message"}, "request_id"}`` with a
  ``request-id`` header; 529 is ``overloaded_error``.

A tool call cut at ``max_tokens`` streams its partial arguments as they were written; the
whole-body answer carries the ``input`` parsed leniently from them (what the SDK's own stream
accumulator builds), so the cut is visible only through ``stop_reason``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

from jiter import from_json

from tests.fakes.providers_script import (
    EmptyChoices,
    HttpError,
    Refusal,
    Text,
    ToolCalls,
    Truncated,
    Usage,
)
from tests.fakes.providers_wire import (
    Ids,
    WireResponse,
    json_response,
    pieces,
    sse_frame,
    sse_response,
)

PATH = "/v1/messages"

DATED_MODELS = {
    "claude-sonnet-4-5": "claude-sonnet-4-5-20250929",
    "claude-haiku-4-5": "claude-haiku-4-5-20251001",
    "claude-opus-4-1": "claude-opus-4-1-20250805",
    "claude-sonnet-4-0": "claude-sonnet-4-20250514",
}
"""Alias asked for → the dated model Anthropic names in its answer."""

AnthropicReply = Text | ToolCalls | Refusal | Truncated | EmptyChoices

_ERRORS: Mapping[int, tuple[str, str]] = {
    400: (
        "invalid_request_error",
        "max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens for "
        "claude-sonnet-4-5-20250929",
    ),
    401: ("authentication_error", "invalid x-api-key"),
    403: (
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
    ),
    404: ("not_found_error", "model: claude-sonnet-4-5"),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: (
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 30,000 input tokens "
        "per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can "
        "see the response headers for current usage. Please reduce the prompt length or the "
        "maximum tokens requested, or try again later.",
    ),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}
"""Status → (error type, usual message)."""


def error(status: int, ids: Ids, failure: HttpError | None = None) -> WireResponse:
    """An Anthropic error response for ``status``."""
    kind, usual = _ERRORS.get(status, ("api_error", f"HTTP {status}"))
    message = failure.message if failure and failure.message else usual
    request_id = ids.request("req_011C")
    headers = {"request-id": request_id}
    if failure is not None:
        if failure.retry_after is not None:
            headers["retry-after"] = str(math.ceil(failure.retry_after))
            headers["retry-after-ms"] = str(round(failure.retry_after * 1000))
        headers.update(failure.headers)
    body = {"type": "error", "error": {"type": kind, "message": message}, "request_id": request_id}
    return json_response(status, body, headers)


def stream_error(status: int, request: Mapping[str, Any], ids: Ids) -> WireResponse:
    """A stream that starts, then carries the error ``status`` would as ``event: error``."""
    asked = str(request.get("model", "claude-sonnet-4-5"))
    start = {
        "id": ids.message(), "type": "message", "role": "assistant",
        "model": DATED_MODELS.get(asked, asked), "content": [], "stop_reason": None,
        "stop_sequence": None, "usage": _usage(Usage(), output_tokens=1),
    }  # fmt: skip
    body = json.loads(error(status, ids).body)
    body.pop("request_id", None)
    frames = iter([
        sse_frame({"type": "message_start", "message": start}, event="message_start"),
        sse_frame(body, event="error"),
    ])  # fmt: skip
    return sse_response(frames, {"request-id": ids.request("req_011C")})


def answer(reply: AnthropicReply, request: Mapping[str, Any], ids: Ids) -> WireResponse:
    """The Messages API response for ``reply``, streamed when the request asked for it."""
    asked = str(request.get("model", "claude-sonnet-4-5"))
    model = reply.model or DATED_MODELS.get(asked, asked)
    headers = {"request-id": ids.request("req_011C")}
    if request.get("stream") is True:
        return sse_response(_events(reply, model, ids), headers)
    return json_response(200, _message(reply, model, ids), headers)


def _usage(usage: Usage, output_tokens: int | None = None) -> dict[str, Any]:
    return {
        "input_tokens": usage.input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "output_tokens": usage.output_tokens if output_tokens is None else output_tokens,
        "service_tier": "standard",
    }


def _stop_reason(reply: AnthropicReply) -> str:
    if isinstance(reply, ToolCalls):
        return "tool_use"
    if isinstance(reply, Truncated):
        return "max_tokens"
    if isinstance(reply, Refusal):
        return "refusal"
    return "end_turn"


def _blocks(reply: AnthropicReply, ids: Ids) -> list[tuple[dict[str, Any], str]]:
    """Each content block as it opens (empty), with the text or arguments streamed into it."""
    if isinstance(reply, EmptyChoices):
        return []
    blocks: list[tuple[dict[str, Any], str]] = []
    if reply.text:
        blocks.append(({"type": "text", "text": ""}, reply.text))
    if isinstance(reply, ToolCalls):
        calls = [(call, call.arguments) for call in reply.calls]
    elif isinstance(reply, Truncated) and reply.call is not None:
        calls = [(reply.call, reply.partial_arguments())]
    else:
        calls = []
    for call, arguments in calls:
        head = {"type": "tool_use", "id": call.id or ids.tool_use(), "name": call.name, "input": {}}
        blocks.append((head, arguments))
    return blocks


def _stop_details(reply: AnthropicReply) -> dict[str, Any]:
    if not isinstance(reply, Refusal):
        return {}
    details = {"type": "refusal", "category": reply.category, "explanation": None}
    return {"stop_details": details}


def _message(reply: AnthropicReply, model: str, ids: Ids) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    for head, written in _blocks(reply, ids):
        if head["type"] == "text":
            content.append({"type": "text", "text": written})
        else:
            content.append({**head, "input": from_json(written.encode(), partial_mode=True)})
    return {
        "id": ids.message(),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": _stop_reason(reply),
        "stop_sequence": None,
        **_stop_details(reply),
        "usage": _usage(reply.usage),
    }


def _events(reply: AnthropicReply, model: str, ids: Ids) -> Iterator[bytes]:
    def event(name: str, data: dict[str, Any]) -> bytes:
        return sse_frame({"type": name, **data}, event=name)

    start: dict[str, Any] = {
        "id": ids.message(),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": _usage(reply.usage, output_tokens=1),
    }
    yield event("message_start", {"message": start})
    for index, (head, written) in enumerate(_blocks(reply, ids)):
        yield event("content_block_start", {"index": index, "content_block": head})
        if index == 0:
            yield event("ping", {})
        if head["type"] == "text":
            deltas = [{"type": "text_delta", "text": piece} for piece in pieces(written, 5)]
        else:
            deltas = [
                {"type": "input_json_delta", "partial_json": piece}
                for piece in ["", *pieces(written, 7)]
            ]
        for delta in deltas:
            yield event("content_block_delta", {"index": index, "delta": delta})
        yield event("content_block_stop", {"index": index})
    stop = {"stop_reason": _stop_reason(reply), "stop_sequence": None, **_stop_details(reply)}
    usage = _usage(reply.usage)
    del usage["cache_creation"], usage["service_tier"]
    yield event("message_delta", {"delta": stop, "usage": usage})
    yield event("message_stop", {})
