"""The broker tools through ToolExecutor: reads, and writes that happen once per key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plangate.tools.base import ToolContext
from plangate.tools.clock import FakeClock
from plangate.tools.domains.broker.models import Account, OrderRequest, OrderStatus
from plangate.tools.domains.broker.sandbox import SandboxBrokerBackend
from plangate.tools.domains.broker.tools import TOOLS, cancel_order, place_order
from plangate.tools.errors import ToolArgsError, ToolRefusedError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.ledger import MemoryLedger, WriteState
from plangate.tools.registry import Toolset

BUY = {"symbol": "AAPL", "side": "buy", "qty": 5}


@pytest.fixture
def executor(broker: SandboxBrokerBackend, clock: FakeClock) -> ToolExecutor:
    return ToolExecutor(Toolset(TOOLS, deps=broker), clock=clock)


def test_the_tools_declare_their_effects_keys_and_reconcilers() -> None:
    effects = {t.name: t.effect for t in TOOLS}
    assert effects == {
        "get_account": "read",
        "get_positions": "read",
        "list_orders": "read",
        "place_order": "write",
        "cancel_order": "write",
    }
    for write in (place_order, cancel_order):
        assert write.reconciler is not None
        assert write.retry.max_attempts > 1
    assert place_order.resource_key(place_order.validate_args(BUY)) == "place_order:AAPL"
    assert (
        cancel_order.resource_key(cancel_order.validate_args({"order_id": "o-1"}))
        == "cancel_order:o-1"
    )
    assert {"symbol", "side", "qty", "type", "limit_price"} <= set(
        place_order.args_schema()["properties"]
    )


async def test_reads(executor: ToolExecutor) -> None:
    account = (await executor.call("get_account", {})).result
    assert isinstance(account, Account)
    assert account.cash == Decimal("100000.00")
    assert (await executor.call("get_positions", {})).result == []
    assert (await executor.call("list_orders", {"status": "all"})).result.orders == []
    with pytest.raises(ToolArgsError):
        await executor.call("get_account", {"verbose": True})


async def test_place_order_uses_the_executors_key_as_client_order_id(
    executor: ToolExecutor, broker: SandboxBrokerBackend
) -> None:
    outcome = await executor.call("place_order", BUY, thread_id="t1", step_id="buy")
    assert outcome.idempotency_key is not None
    assert outcome.result.client_order_id == outcome.idempotency_key
    assert outcome.result.status is OrderStatus.FILLED
    again = await executor.call("place_order", BUY, thread_id="t1", step_id="buy")
    assert (again.reused, again.result) == (True, outcome.result)
    other_step = await executor.call("place_order", BUY, thread_id="t1", step_id="buy-more")
    assert other_step.result.id != outcome.result.id
    assert [p.qty for p in (await executor.call("get_positions", {})).result] == [10]
    assert broker.audit() == []


async def test_a_refusal_reaches_the_model_and_leaves_the_key_free(
    broker: SandboxBrokerBackend, clock: FakeClock
) -> None:
    ledger = MemoryLedger()
    executor = ToolExecutor(Toolset(TOOLS, deps=broker), clock=clock, ledger=ledger)
    too_many = {**BUY, "qty": 100_000}
    with pytest.raises(ToolRefusedError) as info:
        await executor.call("place_order", too_many, step_id="s")
    assert (info.value.reason, info.value.tool) == ("insufficient_buying_power", "place_order")
    assert info.value.model_visible
    [entry] = ledger.entries()
    assert entry.state is WriteState.FAILED
    assert (await broker.list_orders("all")).orders == []


async def test_cancel_order_through_the_executor(
    executor: ToolExecutor, broker: SandboxBrokerBackend
) -> None:
    limit = {**BUY, "type": "limit", "limit_price": "1.00"}
    resting = (await executor.call("place_order", limit)).result
    assert resting.status is OrderStatus.NEW
    cancelled = await executor.call("cancel_order", {"order_id": resting.id})
    assert cancelled.result.status is OrderStatus.CANCELLED
    assert await broker.find_cancellation(cancelled.idempotency_key or "") == cancelled.result
    with pytest.raises(ToolRefusedError) as info:
        await executor.call("cancel_order", {"order_id": resting.id}, step_id="again")
    assert info.value.reason == "not_cancellable"


async def test_the_reconcilers_find_what_happened(broker: SandboxBrokerBackend) -> None:
    ctx: ToolContext[SandboxBrokerBackend] = ToolContext(deps=broker, idempotency_key="k-1")
    assert place_order.reconciler is not None
    assert cancel_order.reconciler is not None
    assert await place_order.reconciler(ctx, "k-1") is None
    placed = await place_order.invoke(BUY, ctx)
    assert await place_order.reconciler(ctx, "k-1") == placed
    assert await cancel_order.reconciler(ctx, "c-1") is None


async def test_a_write_without_a_key_is_a_developer_error(broker: SandboxBrokerBackend) -> None:
    with pytest.raises(UsageError, match="ToolExecutor"):
        await place_order.invoke(OrderRequest.model_validate(BUY), ToolContext(deps=broker))
    assert (await broker.list_orders("all")).orders == []
