"""The model boundary: every chat-model call of a run goes through ``call_model``.

One place owns what a model call may cost and how it may fail:

- **Budgets before and after.** Each HTTP attempt is one model call against
  ``Budget.max_model_calls`` (checked before it is made); tokens and cost are checked before the
  call and again after it, so a run never ends "done" past its limit.
- **Its own retries.** plangate turns the SDK's retries off (``own_retries``: ``max_retries=0``
  on the client) and retries what is retryable itself (``ModelRetry``, with tenacity): 429, 5xx,
  529 overloaded, timeouts, connection failures and empty answers, waiting what the provider's
  ``Retry-After`` asks (up to ``ModelRetry.longest_wait``) or backing off exponentially. Each
  wait is announced as a ``ModelRetrying`` event. Thirty model calls are thirty requests, not
  ninety.
- **Typed failures.** Whatever the call raised is mapped by ``model_errors.classify`` into a
  ``ModelError``; an exception the model did not report as its own (a bug in a planner) is
  re-raised unchanged.
- **Why the model stopped.** An answer cut at the output-token limit raises
  ``ModelOutputTruncatedError`` — its tool calls are never executed — and a refusal raises
  ``ModelRefusedError`` with the model's words, whatever the caller made of the answer.

Streamed calls report usage too: ``own_retries`` also turns on ``stream_usage`` where the model
has it (``ChatOpenAI`` leaves it off for a custom ``base_url``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from langchain_core.language_models import BaseChatModel
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.events import ModelRetrying
from plangate.graphs.engine.metering import Meter, meter
from plangate.graphs.engine.model_errors import (
    ModelError,
    ModelOutputTruncatedError,
    ModelRefusedError,
    classify,
)
from plangate.graphs.engine.prices import Price
from plangate.graphs.engine.refusal_stream import keep_streamed_refusals
from plangate.tools.errors import UsageError

T = TypeVar("T")

_LOG = logging.getLogger("plangate.models")

_CLIENT_FIELDS = frozenset(
    {"client", "async_client", "root_client", "root_async_client", "_client", "_async_client"}
)
"""Fields that hold an SDK client built from ``max_retries``: rebuilt, never carried over."""


@dataclass(frozen=True)
class ModelRetry:
    """How plangate retries a failed model call (the SDK's own retries are off).

    Attributes:
        attempts: HTTP attempts per model call, the first included; each counts against
            ``Budget.max_model_calls``.
        first_wait: seconds before the first retry when the provider names no wait; doubled
            for each further retry.
        max_backoff: the longest of those waits.
        longest_wait: the longest ``Retry-After`` honoured; a provider asking for longer ends
            the call at once (the run is interrupted, to be resumed later).
        sleep: how to wait (tests pass a recorder, never the wall clock).
    """

    attempts: int = 3
    first_wait: float = 1.0
    max_backoff: float = 20.0
    longest_wait: float = 60.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise UsageError(f"ModelRetry.attempts must be at least 1, got {self.attempts}")
        for name in ("first_wait", "max_backoff", "longest_wait"):
            if getattr(self, name) < 0:
                raise UsageError(f"ModelRetry.{name} must be >= 0, got {getattr(self, name)}")

    def wait(self, attempt: int, error: ModelError) -> float:
        """Seconds to wait before attempt ``attempt + 1`` after ``error``."""
        if error.retry_after is not None:
            return error.retry_after
        return float(min(self.first_wait * 2 ** (attempt - 1), self.max_backoff))


DEFAULT_MODEL_RETRY = ModelRetry()


@dataclass(frozen=True)
class ModelCallContext:
    """What one model call is measured against.

    Attributes:
        budget: the run's bounds.
        usage: what the run used before this node.
        spent: what this node has used so far; ``call_model`` adds to it in place.
        prices: USD per million tokens, by model family.
        retry: the retry policy.
        emit: where ``ModelRetrying`` events go.
    """

    budget: Budget
    usage: Mapping[str, float]
    spent: dict[str, float]
    prices: Mapping[str, Price]
    retry: ModelRetry = DEFAULT_MODEL_RETRY
    emit: Callable[[ModelRetrying], None] = field(default=lambda _event: None)

    def check_before(self) -> None:
        """Raise ``BudgetExceededError`` if one more HTTP attempt would go over a bound."""
        self.budget.check(self.usage, "model_calls", self.spent.get("model_calls", 0) + 1)
        self.check_after()

    def check_after(self) -> None:
        """Raise ``BudgetExceededError`` if tokens or cost are over their bounds already."""
        self.budget.check(self.usage, "tokens", self.spent.get("tokens", 0), spent=True)
        self.budget.check(self.usage, "cost", self.spent.get("cost", 0), spent=True)


async def call_model(
    context: ModelCallContext, call: Callable[[], Awaitable[T]], *, silence_answers: bool = False
) -> T:
    """Make one model call (``call`` makes it) through the gate; see the module docstring.

    Args:
        context: what the call is measured against.
        call: makes the call.
        silence_answers: an answer with neither text nor a tool call is an answer (a ``react``
            model that is done may say nothing more); otherwise it is an empty answer, retried.

    Raises:
        BudgetExceededError: a bound would be or was exceeded.
        ModelOutputTruncatedError: the answer stopped at the output-token limit.
        ModelRefusedError: the model refused.
        ModelError: the call failed, after the retries its kind allows.
    """
    policy = context.retry

    def give_up(state: RetryCallState) -> bool:
        if state.attempt_number >= policy.attempts:
            return True
        error = state.outcome.exception() if state.outcome is not None else None
        return (
            isinstance(error, ModelError)
            and error.retry_after is not None
            and error.retry_after > policy.longest_wait
        )

    def announce(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        if not isinstance(error, ModelError) or state.next_action is None:
            return
        context.emit(
            ModelRetrying(
                provider=error.provider,
                reason=str(error),
                attempt=state.attempt_number + 1,
                max_attempts=policy.attempts,
                delay=state.next_action.sleep,
            )
        )

    retrying = AsyncRetrying(
        stop=give_up,
        wait=lambda state: policy.wait(state.attempt_number, _error_of(state)),
        retry=retry_if_exception(lambda exc: isinstance(exc, ModelError) and exc.retryable),
        before_sleep=announce,
        sleep=policy.sleep,
        reraise=True,
    )
    attempts = 0
    try:
        async for attempt in retrying:
            with attempt:
                attempts += 1
                return await _attempt(context, call, silence_answers)
    except ModelError as exc:
        raise exc.with_attempts(attempts) from exc.__cause__
    raise AssertionError("unreachable: tenacity re-raises or returns")  # pragma: no cover


def _error_of(state: RetryCallState) -> ModelError:
    error = state.outcome.exception() if state.outcome is not None else None
    return error if isinstance(error, ModelError) else ModelError("server_error")


async def _attempt(
    context: ModelCallContext, call: Callable[[], Awaitable[T]], silence_answers: bool
) -> T:
    context.check_before()
    context.spent["model_calls"] = context.spent.get("model_calls", 0) + 1
    failure: BaseException | None = None
    result: T | None = None
    with meter(context.prices) as used:
        try:
            result = await call()
        except Exception as exc:
            failure = exc
    context.spent["tokens"] = context.spent.get("tokens", 0) + used.tokens
    context.spent["cost"] = context.spent.get("cost", 0) + used.cost
    context.check_after()
    provider = _provider_of(used)
    if used.refusal is not None:
        raise ModelRefusedError(used.refusal, provider=provider)
    if used.truncated:
        raise ModelOutputTruncatedError(provider=provider)
    nothing = used.empty or (used.silent and not silence_answers)
    if nothing and (failure is None or not _reported(failure, used)):
        # Nothing came back (no choices, or neither text nor a tool call): whatever the
        # caller made of it, another attempt may get an answer.
        raise ModelError("empty_response", provider=provider, detail="nothing in the answer")
    if failure is not None:
        error = classify(failure, from_model=_reported(failure, used), empty=used.empty)
        if error is None:
            raise failure
        raise error.named(provider) from failure
    return result  # type: ignore[return-value]  # set whenever failure is None


def _reported(failure: BaseException, used: Meter) -> bool:
    """Whether the model reported ``failure`` (or what caused it) as its own failure."""
    seen: BaseException | None = failure
    while seen is not None:
        if any(seen is error for error in used.errors):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _provider_of(used: Meter) -> str:
    """Who the model called, as the model said, else as its model names suggest."""
    if used.provider:
        return used.provider
    names = " ".join(used.by_model).casefold()
    if "claude" in names:
        return "anthropic"
    if "gpt" in names or names.startswith(("o1", "o3", "o4")):
        return "openai"
    return "model"


def own_retries(model: BaseChatModel) -> BaseChatModel:
    """A copy of ``model`` with the SDK's own retries off and usage reported on streams.

    A model with a ``max_retries`` field (``ChatOpenAI``, ``ChatAnthropic``...) is rebuilt
    with ``max_retries=0``: its SDK client is made from that setting when the model is
    constructed, so copying the field alone would not reach it. ``stream_usage`` is turned on
    where the model has it, and a ``ChatOpenAI``'s streamed refusals are kept
    (``refusal_stream``). A model with none of these is returned as it is.
    """
    fields = type(model).model_fields
    update: dict[str, Any] = {}
    # None is not "no retries": it leaves the SDK's default (2 for OpenAI and Anthropic).
    if "max_retries" in fields and getattr(model, "max_retries", None) != 0:
        update["max_retries"] = 0
    if "stream_usage" in fields and not getattr(model, "stream_usage", False):
        update["stream_usage"] = True
    owned = _rebuilt(model, update) if "max_retries" in update else model.model_copy(update=update)
    keep_streamed_refusals(owned)
    if not update and getattr(owned, "async_client", None) is getattr(model, "async_client", None):
        return model
    return owned


def _rebuilt(model: BaseChatModel, update: dict[str, Any]) -> BaseChatModel:
    fields = type(model).model_fields
    given = {
        name: getattr(model, name)
        for name in model.model_fields_set
        if name not in _CLIENT_FIELDS and name in fields
    }
    try:
        return type(model)(**{**given, **update})
    except Exception as exc:  # a model we cannot rebuild keeps its own retries, and says so
        _LOG.warning(
            "%s could not be rebuilt with max_retries=0 (%s): its SDK may retry on its own, "
            "and those retries are not counted",
            type(model).__name__, exc,
        )  # fmt: skip
        return model.model_copy(update={k: v for k, v in update.items() if k != "max_retries"})
