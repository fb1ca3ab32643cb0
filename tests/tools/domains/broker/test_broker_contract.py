"""One contract, two backends: the paper broker in process, and HTTP to it over loopback.

Each case runs against both (a fresh paper broker per test) and asserts the same behaviour;
the transcript test runs one script against both and compares every answer as JSON, every
error by type and reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.broker.backend import BrokerBackend
from plangate.tools.domains.broker.http import HttpBrokerBackend
from plangate.tools.domains.broker.models import OrderRequest, OrderStatus
from plangate.tools.domains.broker.routes import PREFIX, router
from plangate.tools.domains.broker.sandbox import SandboxBrokerBackend
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.domains.server import create_app, serve_in_thread
from plangate.tools.errors import ToolError, ToolRefusedError

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def order(side: str = "buy", symbol: str = "AAPL", qty: int = 10, **kw: object) -> OrderRequest:
    return OrderRequest.model_validate({"symbol": symbol, "side": side, "qty": qty, **kw})


async def outcome(call: Callable[[], Awaitable[Any]]) -> Any:
    """A call's result as JSON, or its error as (type, reason)."""
    try:
        result = await call()
    except ToolError as exc:
        return (type(exc).__name__, getattr(exc, "reason", None))
    if isinstance(result, list):
        return [item.model_dump(mode="json") for item in result]
    return result.model_dump(mode="json") if result is not None else None


async def test_implements_the_protocol(backend: BrokerBackend) -> None:
    assert isinstance(backend, BrokerBackend)


async def test_a_fresh_account(backend: BrokerBackend) -> None:
    account = await backend.get_account()
    assert (account.cash, account.buying_power, account.equity) == (Decimal("100000.00"),) * 3
    assert (account.currency, account.status) == ("USD", "ACTIVE")
    assert account.daily_pl == 0
    assert await backend.get_positions() == []
    assert (await backend.list_orders("all")).orders == []


async def test_buy_then_sell(
    backend: BrokerBackend, broker: SandboxBrokerBackend, market: SandboxMarketBackend
) -> None:
    quote = await market.latest_quote("AAPL")
    bought = await backend.place_order(order(qty=10), idempotency_key="b1")
    assert (bought.status, bought.filled_avg_price, bought.client_order_id) == (
        OrderStatus.FILLED,
        quote.ask_price,
        "b1",
    )
    sold = await backend.place_order(order("sell", qty=4), idempotency_key="s1")
    assert sold.filled_avg_price == quote.bid_price
    [position] = await backend.get_positions()
    assert (position.qty, position.cost_basis) == (6, 6 * quote.ask_price)
    account = await backend.get_account()
    assert account.cash == Decimal("100000.00") - 10 * quote.ask_price + 4 * quote.bid_price
    assert broker.audit() == []


async def test_idempotent_place_and_cancel(
    backend: BrokerBackend, broker: SandboxBrokerBackend
) -> None:
    first = await backend.place_order(order(qty=2), idempotency_key="same")
    assert await backend.place_order(order(qty=2), idempotency_key="same") == first
    assert await backend.find_order_by_client_id("same") == first
    assert await backend.find_order_by_client_id("other") is None
    limit = order(qty=2, type="limit", limit_price="1.00", time_in_force="gtc")
    resting = await backend.place_order(limit, idempotency_key="rest")
    cancelled = await backend.cancel_order(resting.id, idempotency_key="cancel-1")
    assert cancelled.status is OrderStatus.CANCELLED
    assert await backend.cancel_order(resting.id, idempotency_key="cancel-1") == cancelled
    assert await backend.find_cancellation("cancel-1") == cancelled
    assert await backend.find_cancellation("cancel-2") is None
    assert len((await backend.list_orders("all")).orders) == 2
    assert broker.audit() == []


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (order(qty=100_000), "insufficient_buying_power"),
        (order("sell", qty=1), "insufficient_position"),
        (order(symbol="APPL"), "unknown_ticker"),
    ],
)
async def test_refusals_keep_their_reason_and_hint(
    backend: BrokerBackend, request_: OrderRequest, reason: str
) -> None:
    with pytest.raises(ToolRefusedError) as info:
        await backend.place_order(request_, idempotency_key="k")
    assert info.value.reason == reason
    assert info.value.hint


async def test_market_closed(backend: BrokerBackend, clock: FakeClock) -> None:
    clock.advance(8 * 3600)
    with pytest.raises(ToolRefusedError) as info:
        await backend.place_order(order(), idempotency_key="k")
    assert info.value.reason == "market_closed"
    assert "2026-03-03T14:30:00Z" in info.value.hint


async def test_not_found_and_not_cancellable(backend: BrokerBackend) -> None:
    filled = await backend.place_order(order(qty=1), idempotency_key="k")
    for call, reason in (
        (lambda: backend.get_order("missing"), "not_found"),
        (lambda: backend.cancel_order("missing", idempotency_key="c"), "not_found"),
        (lambda: backend.cancel_order(filled.id, idempotency_key="c"), "not_cancellable"),
        (lambda: backend.place_order(order(qty=2), idempotency_key="k"), "idempotency_key_reused"),
        (lambda: backend.list_orders("all", 1, "bogus"), "invalid"),
    ):
        assert await outcome(call) == ("ToolRefusedError", reason)


async def test_orders_page_newest_first(backend: BrokerBackend) -> None:
    placed = [
        (await backend.place_order(order(qty=1), idempotency_key=f"k{i}")).id for i in range(5)
    ]
    seen: list[str] = []
    token: str | None = None
    for _ in range(5):
        page = await backend.list_orders("closed", 2, token)
        seen.extend(o.id for o in page.orders)
        token = page.next_page_token
        if token is None:
            break
    assert seen == placed[::-1]
    assert (await backend.list_orders("open")).orders == []


async def script(backend: BrokerBackend, clock: FakeClock) -> list[Any]:
    """A session of trading; every answer recorded."""
    low = order(symbol="KO", qty=50, type="limit", limit_price="30.00", time_in_force="gtc")
    steps: list[Callable[[], Awaitable[Any]]] = [
        lambda: backend.place_order(order(qty=15), idempotency_key="a"),
        lambda: backend.place_order(order(symbol="NVDA", qty=30), idempotency_key="b"),
        lambda: backend.place_order(low, idempotency_key="c"),
        lambda: backend.place_order(order("sell", qty=16), idempotency_key="d"),
        lambda: backend.place_order(order("sell", qty=5), idempotency_key="e"),
        lambda: backend.place_order(order(qty=15), idempotency_key="a"),
        backend.get_positions,
        backend.get_account,
        lambda: backend.list_orders("all", 3),
    ]
    out = [await outcome(step) for step in steps]
    clock.advance(3 * 3600)
    out.append(
        await outcome(
            lambda: backend.place_order(order("sell", symbol="NVDA", qty=30), idempotency_key="f")
        )
    )
    c_order = await backend.find_order_by_client_id("c")
    assert c_order is not None
    out.append(await outcome(lambda: backend.cancel_order(c_order.id, idempotency_key="g")))
    clock.advance(6 * 3600)
    out.append(await outcome(lambda: backend.place_order(order(qty=1), idempotency_key="h")))
    out.append(await outcome(backend.get_account))
    out.append(await outcome(backend.get_positions))
    out.append(await outcome(lambda: backend.list_orders("all", 50)))
    return out


async def test_the_same_script_gives_the_same_transcript() -> None:
    def fresh() -> tuple[FakeClock, SandboxBrokerBackend]:
        clock = FakeClock(NOW)
        return clock, SandboxBrokerBackend(SandboxMarketBackend(seed=3, clock=clock), seed=3)

    clock, local = fresh()
    expected = await script(local, clock)
    assert local.audit() == []
    clock, served = fresh()
    with serve_in_thread(create_app([(PREFIX, router(served))])) as url:
        client = HttpBrokerBackend(url + PREFIX, clock=clock)
        got = await script(client, clock)
        await client.aclose()
    assert got == expected
    assert served.audit() == []
    assert ("ToolRefusedError", "insufficient_position") in expected
    assert ("ToolRefusedError", "market_closed") in expected
