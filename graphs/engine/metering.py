"""Metering model calls: tokens, cost, and why each answer stopped, from what the models report.

Model calls go through ``plangate.graphs.engine.model_gate``, which wraps each attempt in
``meter()``: LangChain hands every chat model's result to the handler, which adds up
``usage_metadata`` (tokens; cost from ``prices``, looked up by model family, see
``plangate.graphs.engine.prices``) and notes why the answer stopped — ``finish_reason`` /
``stop_reason`` at the output-token limit, a refusal — and any failure the model itself
reported. A model missing from the price table costs nothing; the first time a model is seen
without a price a warning is logged, since ``Budget.max_cost`` cannot bound it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.messages.ai import UsageMetadata, add_usage
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.tracers.context import register_configure_hook

from plangate.graphs.engine.prices import Price, price_of

__all__ = ["Meter", "Price", "meter", "stop_of"]

_LOG = logging.getLogger("plangate.models")

TRUNCATED_REASONS = frozenset(
    {"length", "max_tokens", "max_output_tokens", "MAX_TOKENS", "model_context_window_exceeded"}
)
"""Stop reasons of an answer cut short: at the output-token limit (OpenAI ``length``, Anthropic
and Bedrock ``max_tokens``, the Responses API's ``max_output_tokens``, Google ``MAX_TOKENS``,
Ollama ``length``) or when the context window filled up (Anthropic)."""
REFUSAL_REASONS = frozenset(
    {"refusal", "content_filter", "content_filtered", "guardrail_intervened", "SAFETY",
     "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII"}
)  # fmt: skip
"""Stop reasons of an answer the provider declined or withheld (OpenAI, Anthropic, Bedrock,
Google)."""
STOP_KEYS = ("stop_reason", "finish_reason", "done_reason")
"""Where providers say why an answer stopped (``done_reason``: Ollama)."""

_UNPRICED: set[str] = set()


@dataclass
class Meter:
    """What the model calls made inside one ``meter()`` block reported.

    Attributes:
        tokens: tokens, prompt and output.
        cost: USD, by ``prices``.
        by_model: tokens per model name.
        answers: answers received (generations), empty ones included.
        empty: the model reported an answer with no generations (an empty ``choices`` list).
        silent: an answer had neither text nor a tool call (Anthropic ``content: []``).
        truncated: an answer stopped at the output-token limit.
        refusal: the model's words when it refused (``""`` if it refused without words);
            ``None`` when it did not refuse.
        errors: the exceptions the model reported as its own failures (``on_llm_error``).
        provider: who the model called (LangChain's ``ls_provider``: ``openai``,
            ``anthropic``...), ``""`` if it did not say.
    """

    tokens: int = 0
    cost: float = 0.0
    by_model: dict[str, int] = field(default_factory=dict)
    answers: int = 0
    empty: bool = False
    silent: bool = False
    truncated: bool = False
    refusal: str | None = None
    errors: list[BaseException] = field(default_factory=list)
    provider: str = ""


UNNAMED = "(unnamed model)"
"""The name usage is counted under when a model's answer does not name the model."""


class _Watch(BaseCallbackHandler):
    """Collects usage and stop reasons on the event loop (a plain handler would hop threads)."""

    run_inline = True

    def __init__(self, found: Meter) -> None:
        super().__init__()
        self.found = found
        self.usage_metadata: dict[str, UsageMetadata] = {}
        self._configured: dict[Any, str] = {}

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], **kwargs: Any
    ) -> None:
        # The name the model was configured with: the fallback when its answer names none.
        metadata = kwargs.get("metadata") or {}
        provider = metadata.get("ls_provider")
        if isinstance(provider, str) and provider:
            self.found.provider = provider
        name = metadata.get("ls_model_name")
        if isinstance(name, str) and name:
            self._configured[kwargs.get("run_id")] = name

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        configured = self._configured.pop(kwargs.get("run_id"), UNNAMED)
        generations = [g for batch in response.generations for g in batch]
        if not generations:
            self.found.empty = True
        for generation in generations:
            self.found.answers += 1
            if isinstance(generation, ChatGeneration):
                message = generation.message
                if isinstance(message, AIMessage) and message.usage_metadata:
                    name = str(message.response_metadata.get("model_name") or "") or configured
                    known = self.usage_metadata.get(name)
                    self.usage_metadata[name] = (
                        message.usage_metadata
                        if known is None
                        else add_usage(known, message.usage_metadata)
                    )
                reason, refusal = stop_of(message, generation.generation_info)
                if reason in TRUNCATED_REASONS:
                    self.found.truncated = True
                if refusal is not None:
                    self.found.refusal = refusal
                elif _says_nothing(message):
                    self.found.silent = True

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self._configured.pop(kwargs.get("run_id"), None)
        self.found.errors.append(error)


def _says_nothing(message: BaseMessage) -> bool:
    """An answer with no text and no tool call (Anthropic ``content: []``, an empty stream)."""
    calls = isinstance(message, AIMessage) and (message.tool_calls or message.invalid_tool_calls)
    return not calls and not message.text.strip()


def stop_of(message: BaseMessage, info: Mapping[str, Any] | None = None) -> tuple[str, str | None]:
    """Why ``message`` stopped, and the model's words if it refused (``None`` if it did not).

    The reason is the first of ``stop_reason`` / ``finish_reason`` (in the message's metadata,
    then in the generation's info) that says the answer was cut or refused, else the first
    one given, else ``""``.
    """
    metadata: Mapping[str, Any] = message.response_metadata or {}
    extra = info or {}
    given = [
        str(source.get(key)) for source in (metadata, extra) for key in STOP_KEYS if source.get(key)
    ]
    incomplete = metadata.get("incomplete_details")  # the Responses API: status "incomplete"
    if isinstance(incomplete, Mapping) and incomplete.get("reason"):
        given.insert(0, str(incomplete["reason"]))
    telling = [r for r in given if r in TRUNCATED_REASONS or r in REFUSAL_REASONS]
    reason = (telling or given or [""])[0]
    words = message.additional_kwargs.get("refusal")  # OpenAI: message.refusal
    if isinstance(words, str) and words.strip():
        return reason, words
    blocks = message.content if isinstance(message.content, list) else []
    for block in blocks:
        if isinstance(block, dict) and block.get("type") == "refusal":
            return reason, str(block.get("refusal") or "")
    if reason in REFUSAL_REASONS:
        return reason, message.text
    return reason, None


# One context variable, registered once: LangChain's get_usage_metadata_callback registers a new
# hook on every use, which piles up in a long-running process.
_CURRENT: ContextVar[_Watch | None] = ContextVar("plangate_usage", default=None)
register_configure_hook(_CURRENT, inheritable=True)


@contextmanager
def meter(prices: Mapping[str, Price]) -> Iterator[Meter]:
    """Measure the model calls made in the block."""
    result = Meter()
    handler = _Watch(result)
    token = _CURRENT.set(handler)
    try:
        yield result
    finally:
        _CURRENT.reset(token)
        for model, usage in handler.usage_metadata.items():
            total = int(usage.get("total_tokens", 0))
            result.tokens += total
            result.by_model[model] = result.by_model.get(model, 0) + total
            price = price_of(model, prices)
            if price is None and model != UNNAMED and model not in _UNPRICED:
                _UNPRICED.add(model)
                _LOG.warning(
                    "model %r has no price: its calls cost 0 and max_cost cannot bound them; "
                    "pass prices={%r: Price(input, output)}",
                    model, model,
                )  # fmt: skip
            if price is None:
                continue
            result.cost += _cost(dict(usage), price)


def _cost(usage: Mapping[str, Any], price: Price) -> float:
    details = usage.get("input_token_details") or {}
    cached = int(details.get("cache_read", 0) or 0)
    prompt = int(usage.get("input_tokens", 0))
    cached_price = price.input if price.cached_input is None else price.cached_input
    return (
        (prompt - cached) * price.input
        + cached * cached_price
        + int(usage.get("output_tokens", 0)) * price.output
    ) / 1_000_000
