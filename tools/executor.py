"""``ToolExecutor``: runs a tool call with its retry policy, and writes through the ledger.

This is the one path by which plangate performs a tool call: validate the arguments, build the
``ToolContext`` (with the idempotency key for writes), run the attempt within the tool's timeout,
retry transient failures with jittered backoff on the injected clock, validate the result, and
for writes go through ``perform_once`` so no write ever happens twice.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from plangate.tools.base import Tool, ToolContext
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.errors import OutcomeUnknownError, RateLimitedError, ToolError, ToolTimeoutError
from plangate.tools.ledger import Ledger, MemoryLedger, idempotency_key, new_owner, perform_once
from plangate.tools.registry import Toolset


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
    """

    def __init__(
        self,
        toolset: Toolset,
        *,
        ledger: Ledger | None = None,
        clock: Clock | None = None,
        seed: int = 0,
    ) -> None:
        self.toolset = toolset
        self.ledger: Ledger = ledger if ledger is not None else MemoryLedger()
        self.clock: Clock = clock or SystemClock()
        self._rng = random.Random(seed)

    def write_key(self, tool: Tool[Any], args: BaseModel, *, thread_id: str, step_id: str) -> str:
        """The idempotency key of a write with these (validated) arguments."""
        return idempotency_key(thread_id, step_id, tool.name, args.model_dump(mode="json"))

    async def call(
        self,
        name: str,
        args: Mapping[str, Any] | BaseModel,
        *,
        run_id: str = "run",
        thread_id: str = "thread",
        step_id: str = "step",
    ) -> ToolOutcome:
        """Call tool ``name`` with ``args``.

        Raises:
            UsageError: no such tool.
            ToolError: the call failed for good (after retries where they are safe).
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
                result, reused = await self._attempt(tool, model, ctx, owner)
            except ToolError as exc:
                if not exc.tool:
                    exc.tool = tool.name
                if not self._should_retry(tool, exc, attempt):
                    raise
                retry_after = exc.retry_after if isinstance(exc, RateLimitedError) else None
                await self.clock.sleep(tool.retry.delay(attempt, self._rng.random(), retry_after))
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
