"""Fault plans through the paper broker: each fault raises its declared error, and a lost reply
settled through ToolExecutor yields exactly one order (or one cancel)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.broker.models import OrderRequest, OrderStatus
from plangate.tools.domains.broker.sandbox import SandboxBrokerBackend
from plangate.tools.domains.broker.tools import TOOLS, place_order
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolError,
    ToolTimeoutError,
)
from plangate.tools.executor import ToolExecutor
from plangate.tools.faults import Fault, FaultPlan
from plangate.tools.registry import Toolset

BUY = {"symbol": "AAPL", "side": "buy", "qty": 5}


def faulty(clock: FakeClock, plan: FaultPlan) -> SandboxBrokerBackend:
    return SandboxBrokerBackend(SandboxMarketBackend(clock=clock), faults=plan)


def on(operation: str, fault: Fault, rate: float = 1.0, seed: int = 0) -> FaultPlan:
    return FaultPlan(seed=seed, rates={fault: rate}, only=frozenset({operation}))


@pytest.mark.parametrize(
    ("fault", "error", "committed"),
    [
        (Fault.TIMEOUT, OutcomeUnknownError, False),
        (Fault.RATE_LIMIT, RateLimitedError, False),
        (Fault.SERVER_ERROR, BackendError, False),
        (Fault.REPLY_LOST, OutcomeUnknownError, True),
    ],
)
async def test_each_write_fault_raises_its_error_and_commits_as_declared(
    clock: FakeClock, fault: Fault, error: type[ToolError], committed: bool
) -> None:
    broker = faulty(clock, on("place_order", fault))
    with pytest.raises(error):
        await broker.place_order(OrderRequest.model_validate(BUY), idempotency_key="k")
    found = await broker.find_order_by_client_id("k")
    assert (found is not None) is committed
    expected_cash = Decimal("100000.00") - (
        5 * found.filled_avg_price if found and found.filled_avg_price else 0
    )
    assert broker.book.cash == expected_cash
    assert broker.audit() == []


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.TIMEOUT, ToolTimeoutError),
        (Fault.RATE_LIMIT, RateLimitedError),
        (Fault.SERVER_ERROR, BackendError),
        (Fault.MALFORMED, MalformedResponseError),
    ],
)
async def test_each_read_fault_raises_its_error(
    clock: FakeClock, fault: Fault, error: type[ToolError]
) -> None:
    plan = FaultPlan(
        rates={fault: 1.0},
        only=frozenset({"get_account", "get_positions", "list_orders", "get_order"}),
    )
    broker = faulty(clock, plan)
    placed = await broker.place_order(OrderRequest.model_validate(BUY), idempotency_key="k")
    for call in (
        broker.get_account,
        broker.get_positions,
        broker.list_orders,
        lambda: broker.get_order(placed.id),
    ):
        with pytest.raises(error):
            await call()


async def test_a_lost_reply_retried_through_the_executor_places_one_order(clock: FakeClock) -> None:
    broker = faulty(clock, on("place_order", Fault.REPLY_LOST))
    executor = ToolExecutor(Toolset(TOOLS, deps=broker), clock=clock)
    outcome = await executor.call("place_order", BUY, thread_id="t", step_id="buy")
    assert outcome.reused  # settled by the reconciler, not by placing it again
    assert outcome.attempts == 2
    orders = (await broker.list_orders("all")).orders
    assert [o.id for o in orders] == [outcome.result.id]
    assert outcome.result.client_order_id == outcome.idempotency_key
    assert outcome.result.status is OrderStatus.FILLED
    # Asking again (a resumed run re-executing the step) reuses the ledger's record.
    again = await executor.call("place_order", BUY, thread_id="t", step_id="buy")
    assert again.result == outcome.result
    assert len((await broker.list_orders("all")).orders) == 1
    assert broker.audit() == []


async def test_a_write_timeout_is_reconciled_then_performed_once(clock: FakeClock) -> None:
    # Find a plan under which the first attempt times out (nothing done) and the second passes.
    executor = ToolExecutor(Toolset(TOOLS), clock=clock)
    key = executor.write_key(
        place_order, place_order.validate_args(BUY), thread_id="t", step_id="s"
    )
    seed = next(
        s
        for s in range(1000)
        if on("place_order", Fault.TIMEOUT, 0.5, s).decide("place_order", key, 1, "write")
        is Fault.TIMEOUT
        and on("place_order", Fault.TIMEOUT, 0.5, s).decide("place_order", key, 2, "write") is None
    )
    broker = faulty(clock, on("place_order", Fault.TIMEOUT, 0.5, seed))
    executor = ToolExecutor(Toolset(TOOLS, deps=broker), clock=clock)
    outcome = await executor.call("place_order", BUY, thread_id="t", step_id="s")
    assert (outcome.attempts, outcome.reused) == (2, False)
    assert len((await broker.list_orders("all")).orders) == 1


async def test_a_write_that_always_times_out_places_nothing(clock: FakeClock) -> None:
    broker = faulty(clock, on("place_order", Fault.TIMEOUT))
    executor = ToolExecutor(Toolset(TOOLS, deps=broker), clock=clock)
    with pytest.raises(OutcomeUnknownError):
        await executor.call("place_order", BUY)
    assert (await broker.list_orders("all")).orders == []
    assert broker.book.cash == Decimal("100000.00")


async def test_a_lost_cancel_reply_is_reconciled_into_one_cancel(clock: FakeClock) -> None:
    broker = faulty(clock, on("cancel_order", Fault.REPLY_LOST))
    resting = await broker.place_order(
        OrderRequest(symbol="AAPL", side="buy", qty=1, type="limit", limit_price=Decimal("1.00")),
        idempotency_key="r",
    )
    executor = ToolExecutor(Toolset(TOOLS, deps=broker), clock=clock)
    outcome = await executor.call("cancel_order", {"order_id": resting.id})
    assert outcome.reused
    assert outcome.result.status is OrderStatus.CANCELLED
    assert await broker.find_cancellation(outcome.idempotency_key or "") == outcome.result
    assert (await broker.get_account()).buying_power == Decimal("100000.00")
    assert broker.audit() == []


async def test_latency_is_slept_on_the_clock(clock: FakeClock) -> None:
    broker = faulty(clock, FaultPlan(latency_ms=120))
    await broker.get_account()
    await broker.place_order(OrderRequest.model_validate(BUY), idempotency_key="k")
    assert clock.sleeps == [0.12, 0.12]
