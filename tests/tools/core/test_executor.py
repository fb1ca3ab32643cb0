"""ToolExecutor: retries for reads, ledger-backed writes, reconciliation before re-sending."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from plangate.tools.base import RetryPolicy, ToolContext, tool
from plangate.tools.clock import FakeClock
from plangate.tools.errors import BackendError, OutcomeUnknownError, ToolArgsError
from plangate.tools.executor import ToolExecutor
from plangate.tools.ledger import MemoryLedger, WriteState
from plangate.tools.registry import Toolset


class Store:
    """A stateful fake with a scripted list of failures."""

    def __init__(self, failures: list[Exception] | None = None) -> None:
        self.failures = list(failures or [])
        self.orders: dict[str, dict[str, Any]] = {}
        self.reads = 0

    async def read(self) -> int:
        self.reads += 1
        if self.failures:
            raise self.failures.pop(0)
        return self.reads

    async def order(self, item: str, key: str, lose_reply: bool) -> dict[str, Any]:
        if key in self.orders:
            return self.orders[key]
        self.orders[key] = {"id": f"O{len(self.orders) + 1}", "item": item}
        if lose_reply:
            raise OutcomeUnknownError("reply lost", service="store", key=key)
        return self.orders[key]


class OrderArgs(BaseModel):
    item: str
    lose_reply: bool = False


async def lookup(ctx: ToolContext[Store], key: str) -> dict[str, Any] | None:
    return ctx.deps.orders.get(key)


@tool(effect="read", retry=RetryPolicy(max_attempts=3, initial_delay=1.0, jitter=0.0))
async def count(ctx: ToolContext[Store]) -> int:
    """Count reads."""
    return await ctx.deps.read()


@tool(effect="write", retry=RetryPolicy(max_attempts=3, jitter=0.0), reconciler=lookup)
async def order(args: OrderArgs, ctx: ToolContext[Store]) -> dict[str, Any]:
    """Order an item."""
    assert ctx.idempotency_key is not None
    return await ctx.deps.order(
        args.item, ctx.idempotency_key, args.lose_reply and ctx.attempt == 1
    )


@tool(effect="write", retry=RetryPolicy(max_attempts=3, jitter=0.0))
async def order_blind(args: OrderArgs, ctx: ToolContext[Store]) -> dict[str, Any]:
    """Order an item, with no way to look an order up."""
    assert ctx.idempotency_key is not None
    return await ctx.deps.order(args.item, ctx.idempotency_key, args.lose_reply)


def executor(store: Store, clock: FakeClock | None = None) -> ToolExecutor:
    return ToolExecutor(
        Toolset([count, order, order_blind], deps=store), clock=clock or FakeClock()
    )


async def test_reads_retry_transient_errors_with_backoff() -> None:
    store = Store([BackendError("busy", service="s", status=503)])
    clock = FakeClock()
    outcome = await executor(store, clock).call("count", {})
    assert (outcome.result, outcome.attempts) == (2, 2)
    assert clock.sleeps == [1.0]


async def test_non_retryable_errors_surface_at_once() -> None:
    store = Store([BackendError("broken", service="s", status=500)])
    with pytest.raises(BackendError) as info:
        await executor(store).call("count", {})
    assert info.value.tool == "count"
    assert store.reads == 1


async def test_bad_args_never_reach_the_tool() -> None:
    store = Store()
    with pytest.raises(ToolArgsError):
        await executor(store).call("order", {"item": 3.5j})
    assert store.orders == {}


async def test_lost_reply_is_reconciled_not_resent() -> None:
    store = Store()
    run = executor(store)
    outcome = await run.call(
        "order", {"item": "book", "lose_reply": True}, thread_id="t", step_id="s1"
    )
    assert outcome.result == {"id": "O1", "item": "book"}
    assert outcome.reused
    assert outcome.attempts == 2
    assert len(store.orders) == 1
    again = await run.call(
        "order", {"item": "book", "lose_reply": True}, thread_id="t", step_id="s1"
    )
    assert again.result == outcome.result
    assert again.reused
    other_step = await run.call("order", {"item": "book"}, thread_id="t", step_id="s2")
    assert other_step.result["id"] == "O2"


async def test_unknown_write_without_reconciler_is_not_retried() -> None:
    store = Store()
    ledger = MemoryLedger()
    run = ToolExecutor(Toolset([order_blind], deps=store), ledger=ledger, clock=FakeClock())
    with pytest.raises(OutcomeUnknownError):
        await run.call("order_blind", {"item": "x", "lose_reply": True})
    assert [e.state for e in ledger.entries()] == [WriteState.UNKNOWN]
    assert len(store.orders) == 1
