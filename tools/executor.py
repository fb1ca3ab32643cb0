"""``ToolExecutor``: runs a tool call with its retry policy, and writes through the ledger.

This is the one path by which plangate performs a tool call: validate the arguments, build the
``ToolContext`` (with the idempotency key for writes), run the attempt within the tool's timeout,
retry transient failures with jittered backoff on the injected clock, validate the result, and
for writes go through ``perform_once`` so no write ever happens twice.

Retries are bounded twice: by the tool's ``RetryPolicy`` and by ``max_wait`` seconds of waiting
in all. An error that a layer below already retried (an ``HttpBackend`` request: its
``attempts`` is above 1) is not retried again, so the two layers never multiply their waits —
except a write with a reconciler, whose next attempt asks the backend by key before anything is
re-sent. Every wait is announced to ``on_retry`` first, with the notices of the layers below
(``plangate.tools.retrying``), so a caller can say "retrying" while it waits.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from plangate.tools.base import Tool, ToolContext, canonical_args
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.errors import (
    BackendError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolError,
    ToolTimeoutError,
)
from plangate.tools.ledger import Ledger, MemoryLedger, idempotency_key, new_owner, perform_once
from plangate.tools.registry import Toolset
from plangate.tools.retrying import (
    RetryListener,
    RetryNotice,
    current_listener,
    failure_reason,
    listening,
    with_tool,
)


@dataclass(frozen=True)
class ToolOutcome:
    """What a successful call produced.

    Attributes:
        tool: the tool's name.
        args: the validated arguments.
        result: the validated result.
        result_json: the result as JSON data.
        attempts: attempts made (1 when the first one succeeded).
        duration: seconds from the first attempt to the result, on the executor's clock.
        idempotency_key: the key, for writes.
        reused: True when a write's result came from the ledger or reconciliation.
    """

    tool: str
    args: BaseModel
    result: Any
    result_json: Any
    attempts: int
    duration: float
    idempotency_key: str | None = None
    reused: bool = False


class ToolExecutor:
    """Executes calls against a ``Toolset``.

    Args:
        toolset: the tools, bound to their dependencies.
        ledger: the idempotency ledger for writes (in-memory by default).
        clock: time source for timeouts' bookkeeping, backoff sleeps and ledger timestamps.
        seed: seeds the backoff jitter, so runs are reproducible.
        max_wait: the most seconds one call may spend waiting between its attempts; a wait that
            would go past it (a long ``Retry-After``) ends the retries with the error instead.
    """

    def __init__(
        self,
        toolset: Toolset,
        *,
        ledger: Ledger | None = None,
        clock: Clock | None = None,
        seed: int = 0,
        max_wait: float = 15.0,
    ) -> None:
        self.toolset = toolset
        self.max_wait = max_wait
        self.ledger: Ledger = ledger if ledger is not None else MemoryLedger()
        self.clock: Clock = clock or SystemClock()
        self._rng = random.Random(seed)

    def write_key(self, tool: Tool[Any], args: BaseModel, *, thread_id: str, step_id: str) -> str:
        """The idempotency key of a write with these (validated) arguments.

        Derived from the canonical arguments, so it does not depend on whether an optional
        argument was omitted or sent as ``null``.
        """
        return idempotency_key(thread_id, step_id, tool.name, canonical_args(args))

    async def call(
        self,
        name: str,
        args: Mapping[str, Any] | BaseModel,
        *,
        run_id: str = "run",
        thread_id: str = "thread",
        step_id: str = "step",
        on_retry: RetryListener | None = None,
    ) -> ToolOutcome:
        """Call tool ``name`` with ``args``.

        Args:
            name: the tool.
            args: its arguments, validated here.
            run_id: the run, given to the tool's context.
            thread_id: the thread, part of a write's idempotency key.
            step_id: the step, part of a write's idempotency key.
            on_retry: told about every wait before a retry, this layer's and the backend's,
                each notice naming the tool; by default the listener of an enclosing
                ``plangate.tools.retrying.listening`` block.

        Raises:
            UsageError: no such tool.
            ToolError: the call failed for good (after retries where they are safe); its
                ``attempts`` says how many attempts were made.
        """
        binding = self.toolset.binding(name)
        tool = binding.tool
        model = tool.validate_args(args)
        key = (
            self.write_key(tool, model, thread_id=thread_id, step_id=step_id)
            if tool.is_write
            else None
        )
        started = self.clock.monotonic()
        owner = new_owner()
        attempt = 1
        waited = 0.0
        relay = _relay(on_retry or current_listener(), tool.name)
        while True:
            ctx: ToolContext[Any] = ToolContext(
                deps=binding.deps,
                run_id=run_id,
                thread_id=thread_id,
                step_id=step_id,
                idempotency_key=key,
                clock=self.clock,
                attempt=attempt,
            )
            try:
                with listening(relay):
                    result, reused = await self._attempt(tool, model, ctx, owner)
            except ToolError as exc:
                if not exc.tool:
                    exc.tool = tool.name
                exc.attempts = max(exc.attempts, attempt)
                if not self._should_retry(tool, exc, attempt):
                    raise
                retry_after = exc.retry_after if isinstance(exc, RateLimitedError) else None
                delay = tool.retry.delay(attempt, self._rng.random(), retry_after)
                if waited + delay > self.max_wait:
                    raise
                relay(
                    RetryNotice(
                        attempt=attempt + 1, max_attempts=tool.retry.max_attempts, delay=delay,
                        reason=failure_reason(exc), tool=tool.name,
                        service=exc.service if isinstance(exc, BackendError) else "",
                    )
                )  # fmt: skip
                await self.clock.sleep(delay)
                waited += delay
                attempt += 1
                continue
            return ToolOutcome(
                tool=tool.name,
                args=model,
                result=result,
                result_json=tool.dump_result(result),
                attempts=attempt,
                duration=self.clock.monotonic() - started,
                idempotency_key=key,
                reused=reused,
            )

    def _should_retry(self, tool: Tool[Any], exc: ToolError, attempt: int) -> bool:
        if attempt >= tool.retry.max_attempts:
            return False
        if tool.is_write and isinstance(exc, OutcomeUnknownError | ToolTimeoutError):
            # The next attempt reconciles by key before anything is re-sent.
            return tool.reconciler is not None
        if exc.attempts > attempt and not (tool.is_write and tool.reconciler is not None):
            # The backend retried it already, as far as its own policy allows. (A write with a
            # reconciler is the exception: its next attempt first asks the backend by key.)
            return False
        return exc.retryable

    async def _attempt(
        self, tool: Tool[Any], model: BaseModel, ctx: ToolContext[Any], owner: str
    ) -> tuple[Any, bool]:
        if not tool.is_write:
            return await tool.invoke(model, ctx), False
        assert ctx.idempotency_key is not None
        reconciler = tool.reconciler
        key = ctx.idempotency_key

        async def reconcile() -> Any | None:
            assert reconciler is not None
            found = await reconciler(ctx, key)
            return None if found is None else tool.validate_result(found)

        async def perform() -> Any:
            return await tool.invoke(model, ctx)

        return await perform_once(
            self.ledger,
            key=key,
            tool=tool.name,
            perform=perform,
            reconcile=reconcile if reconciler is not None else None,
            dump=tool.dump_result,
            load=tool.validate_result,
            owner=owner,
            clock=self.clock,
        )


def _relay(listener: RetryListener | None, tool: str) -> RetryListener:
    """``listener`` given each notice with the tool's name; a no-op without a listener."""

    def relay(notice: RetryNotice) -> None:
        if listener is not None:
            listener(with_tool(notice, tool))

    return relay
