"""What the fake provider answers: one scripted reply per HTTP request, provider-neutral.

A reply says *what* the model did (answered, called tools, refused, was cut off) or how the
service failed (an HTTP error, a hang, an empty answer); ``providers_openai`` and
``providers_anthropic`` turn it into the exact wire shape of the endpoint that was asked, streamed
or not. Every successful reply carries its ``Usage`` and may name the model that answered
(by default the dated name the provider reports for the alias a client asks for).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Usage:
    """Tokens reported for one reply.

    Attributes:
        input_tokens: prompt tokens (OpenAI ``prompt_tokens``, Anthropic ``input_tokens``).
        output_tokens: generated tokens (OpenAI ``completion_tokens``, Anthropic
            ``output_tokens``).
    """

    input_tokens: int = 25
    output_tokens: int = 12


@dataclass(frozen=True)
class ToolCall:
    """One tool call the model makes.

    Attributes:
        name: the tool's name.
        args: the arguments; OpenAI receives them as a JSON string, Anthropic as an ``input``
            object (streamed as ``input_json_delta`` pieces).
        id: the call id; by default a fresh ``call_…`` (OpenAI) or ``toolu_…`` (Anthropic).
        raw: the arguments text exactly as the model wrote it, instead of ``args`` — for a
            malformed call whose arguments are not JSON (OpenAI sends arguments as text).
    """

    name: str
    args: Mapping[str, Any] = field(default_factory=dict)
    id: str | None = None
    raw: str | None = None

    @property
    def arguments(self) -> str:
        """The arguments as the text a model emits (JSON, unless ``raw`` says otherwise)."""
        return self.raw if self.raw is not None else json.dumps(dict(self.args))


@dataclass(frozen=True)
class Text:
    """A plain answer: OpenAI ``finish_reason: "stop"``, Anthropic ``stop_reason: "end_turn"``."""

    text: str
    usage: Usage = Usage()
    model: str | None = None


@dataclass(frozen=True)
class ToolCalls:
    """One or several (parallel) tool calls, optionally after some text.

    OpenAI: ``finish_reason: "tool_calls"``; Anthropic: ``stop_reason: "tool_use"``.
    """

    calls: Sequence[ToolCall]
    text: str = ""
    usage: Usage = Usage()
    model: str | None = None

    def __post_init__(self) -> None:
        if not self.calls:
            raise ValueError("ToolCalls needs at least one call")
        object.__setattr__(self, "calls", tuple(self.calls))


@dataclass(frozen=True)
class Refusal:
    """The model declines.

    OpenAI: ``message.refusal`` holds ``text``, ``content`` is null, ``finish_reason: "stop"``.
    Anthropic: ``stop_reason: "refusal"`` with ``stop_details``; ``text`` is what was written
    before the classifier stopped the answer (may be empty).
    """

    text: str = "I'm sorry, but I can't help with that request."
    category: str | None = None
    usage: Usage = Usage()
    model: str | None = None


@dataclass(frozen=True)
class Truncated:
    """The answer hit the output-token limit: ``finish_reason: "length"`` / ``"max_tokens"``.

    With ``call`` the cut falls inside that tool call's arguments (after any ``text``), leaving
    invalid partial JSON: ``cut_at`` characters of the arguments' JSON text, by default half.
    Without ``call``, ``text`` is the answer as far as it got.
    """

    text: str = ""
    call: ToolCall | None = None
    cut_at: int | None = None
    usage: Usage = Usage(output_tokens=64)
    model: str | None = None

    def partial_arguments(self) -> str:
        """The tool call's arguments as far as the model got (not valid JSON)."""
        if self.call is None:
            return ""
        whole = self.call.arguments
        cut = len(whole) // 2 if self.cut_at is None else self.cut_at
        if not 0 < cut < len(whole):
            raise ValueError(f"cut_at must fall inside the {len(whole)} characters of {whole}")
        return whole[:cut]


@dataclass(frozen=True)
class HttpError:
    """The provider answers with an error status and its own error body.

    Attributes:
        status: the HTTP status (429, 500, 529, 400, 401, ...).
        message: the error message; by default the provider's usual wording for the status.
        retry_after: seconds sent as ``retry-after`` (rounded up to whole seconds, as the
            providers send them) and, exactly, as ``retry-after-ms``; ``None`` sends neither.
        headers: further response headers.
    """

    status: int
    message: str | None = None
    retry_after: float | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StreamError:
    """The provider fails after a stream has begun: HTTP 200, the first event, then an error
    event carrying the error ``status`` would (Anthropic ``event: error``, an OpenAI
    ``{"error": ...}`` chunk). A request that did not ask for a stream gets that HTTP error.
    """

    status: int = 529


@dataclass(frozen=True)
class Hang:
    """The provider accepts the request and never answers (until the fake is closed).

    Use with a client ``timeout``; the fake releases the connection when it stops, so no test
    waits for it.
    """


@dataclass(frozen=True)
class EmptyChoices:
    """HTTP 200 with nothing in it: OpenAI ``choices: []``, Anthropic ``content: []``."""

    usage: Usage = Usage(output_tokens=0)
    model: str | None = None


@dataclass(frozen=True)
class EmptyBody:
    """HTTP 200 with an empty body (``content-length: 0``), streamed or not."""


Reply = (
    Text | ToolCalls | Refusal | Truncated | HttpError | StreamError | Hang | EmptyChoices
    | EmptyBody
)  # fmt: skip
"""Anything the fake provider can be told to answer."""
