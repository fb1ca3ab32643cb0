"""HttpBrokerBackend against respx (Alpaca's shapes, each status class, retries that must not
repeat an order) and against the sandbox server losing a reply for real."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import FakeClock
from plangate.tools.domains.broker.http import HttpBrokerBackend
from plangate.tools.domains.broker.models import OrderRequest, OrderStatus
from plangate.tools.domains.broker.routes import PREFIX, router
from plangate.tools.domains.broker.sandbox import SandboxBrokerBackend
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.domains.server import create_app, serve_in_thread
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    ToolRefusedError,
    ToolTimeoutError,
)
from plangate.tools.faults import Fault, FaultPlan

BASE = "https://paper-api.alpaca.test"
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
ORDER_ID = "61e69015-8549-4bfd-b9c3-01e75843f47d"


def alpaca_order(**kw: Any) -> dict[str, Any]:
    body = {
        "id": ORDER_ID, "client_order_id": "key-1", "created_at": "2026-03-02T15:00:00.123Z",
        "updated_at": "2026-03-02T15:00:00.123Z", "submitted_at": "2026-03-02T15:00:00.1Z",
        "filled_at": "2026-03-02T15:00:00.2Z", "expired_at": None, "canceled_at": None,
        "failed_at": None, "asset_id": "b0b6dd9d", "symbol": "AAPL", "asset_class": "us_equity",
        "notional": None, "qty": "3", "filled_qty": "3", "filled_avg_price": "190.12",
        "order_class": "", "order_type": "market", "type": "market", "side": "buy",
        "time_in_force": "day", "limit_price": None, "stop_price": None, "status": "filled",
        "extended_hours": False, "legs": None,
    }  # fmt: skip
    return {**body, **kw}


ACCOUNT = {
    "id": "904837e3", "account_number": "PA3717PJAYWN", "status": "ACTIVE", "currency": "USD",
    "buying_power": "262113.632", "cash": "-23140.2", "portfolio_value": "103820.56",
    "equity": "103820.56", "last_equity": "103529.24", "long_market_value": "126960.76",
    "daytrade_count": 0, "pattern_day_trader": False, "multiplier": "4",
}  # fmt: skip
POSITION = {
    "asset_id": "904837e3", "symbol": "AAPL", "exchange": "NASDAQ", "asset_class": "us_equity",
    "avg_entry_price": "100.0", "qty": "5", "qty_available": "5", "side": "long",
    "market_value": "600.0", "cost_basis": "500.0", "unrealized_pl": "100.0",
    "unrealized_plpc": "0.20", "current_price": "120.0", "lastday_price": "119.0",
}  # fmt: skip


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
async def backend(clock: FakeClock) -> AsyncIterator[HttpBrokerBackend]:
    client = HttpBrokerBackend(
        BASE,
        key_id="key-id",
        secret_key="secret",
        clock=clock,
        retry=RetryPolicy(max_attempts=3, initial_delay=0.5, max_delay=4.0, jitter=0.0),
    )
    yield client
    await client.aclose()


def buy(qty: int = 3, **kw: Any) -> OrderRequest:
    return OrderRequest.model_validate({"symbol": "AAPL", "side": "buy", "qty": qty, **kw})


@respx.mock
async def test_account_and_positions_parse_alpacas_shape(backend: HttpBrokerBackend) -> None:
    account_route = respx.get(f"{BASE}/v2/account").respond(200, json=ACCOUNT)
    respx.get(f"{BASE}/v2/positions").respond(200, json=[POSITION])
    account = await backend.get_account()
    assert (account.cash, account.equity) == (Decimal("-23140.2"), Decimal("103820.56"))
    assert account.daily_pl == Decimal("291.32")
    headers = account_route.calls.last.request.headers
    assert headers["APCA-API-KEY-ID"] == "key-id"
    [position] = await backend.get_positions()
    assert (position.qty, position.cost_basis, position.unrealized_plpc) == (
        5,
        Decimal("500.0"),
        Decimal("0.20"),
    )


@respx.mock
async def test_place_order_sends_the_key_in_body_and_header(backend: HttpBrokerBackend) -> None:
    route = respx.post(f"{BASE}/v2/orders").respond(
        200,
        json=alpaca_order(
            status="accepted",
            filled_at=None,
            filled_qty="0",
            filled_avg_price=None,
            type="limit",
            order_type="limit",
            limit_price="185.5",
        ),
    )
    order = await backend.place_order(
        buy(type="limit", limit_price="185.50"), idempotency_key="key-1"
    )
    sent = route.calls.last.request
    assert json.loads(sent.content) == {
        "symbol": "AAPL",
        "qty": "3",
        "side": "buy",
        "type": "limit",
        "time_in_force": "day",
        "limit_price": "185.50",
        "client_order_id": "key-1",
    }
    assert sent.headers["Idempotency-Key"] == "key-1"
    assert (order.status, order.limit_price, order.filled_qty) == (
        OrderStatus.NEW,
        Decimal("185.50"),
        0,
    )


@respx.mock
@pytest.mark.parametrize(
    "first", [httpx.ReadTimeout("lost"), httpx.Response(503), httpx.Response(504)]
)
async def test_a_retried_order_carries_the_same_key_so_it_is_placed_once(
    backend: HttpBrokerBackend, first: Any
) -> None:
    route = respx.post(f"{BASE}/v2/orders").mock(
        side_effect=[first, httpx.Response(200, json=alpaca_order())]
    )
    order = await backend.place_order(buy(), idempotency_key="key-1")
    assert order.status is OrderStatus.FILLED
    assert route.call_count == 2
    one, two = (call.request for call in route.calls)
    assert one.content == two.content
    assert one.headers["Idempotency-Key"] == two.headers["Idempotency-Key"] == "key-1"


@respx.mock
async def test_a_lost_reply_that_outlasts_the_retries_is_an_unknown_outcome(
    backend: HttpBrokerBackend,
) -> None:
    respx.post(f"{BASE}/v2/orders").mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(OutcomeUnknownError) as info:
        await backend.place_order(buy(), idempotency_key="key-1")
    assert info.value.key == "key-1"


@respx.mock
async def test_a_refusal_is_not_retried_and_keeps_its_hint(backend: HttpBrokerBackend) -> None:
    body = {
        "error": {
            "reason": "insufficient_buying_power",
            "message": "insufficient buying power",
            "hint": "Buy at most 5 shares.",
        }
    }
    route = respx.post(f"{BASE}/v2/orders").respond(409, json=body)
    with pytest.raises(ToolRefusedError) as info:
        await backend.place_order(buy(), idempotency_key="key-1")
    assert (info.value.reason, info.value.hint) == (
        "insufficient_buying_power",
        "Buy at most 5 shares.",
    )
    assert route.call_count == 1


@respx.mock
async def test_unauthorized_is_a_developer_error(backend: HttpBrokerBackend) -> None:
    route = respx.get(f"{BASE}/v2/account").respond(
        401, json={"code": 40110000, "message": "request is not authorized"}
    )
    with pytest.raises(BackendError, match="not authorized") as info:
        await backend.get_account()
    assert info.value.status == 401
    assert route.call_count == 1


@respx.mock
async def test_429_on_an_order_waits_for_retry_after(
    backend: HttpBrokerBackend, clock: FakeClock
) -> None:
    route = respx.post(f"{BASE}/v2/orders").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "2"}),
            httpx.Response(200, json=alpaca_order()),
        ]
    )
    await backend.place_order(buy(), idempotency_key="key-1")
    assert route.call_count == 2
    assert clock.sleeps == [2.0]


@respx.mock
async def test_a_5xx_on_a_read_is_retried(backend: HttpBrokerBackend, clock: FakeClock) -> None:
    route = respx.get(f"{BASE}/v2/positions").mock(
        side_effect=[httpx.Response(502), httpx.Response(503), httpx.Response(200, json=[])]
    )
    assert await backend.get_positions() == []
    assert route.call_count == 3
    assert clock.sleeps == [0.5, 1.0]


@respx.mock
async def test_a_read_timeout_is_reported_after_the_retries(backend: HttpBrokerBackend) -> None:
    route = respx.get(f"{BASE}/v2/orders/{ORDER_ID}").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ToolTimeoutError):
        await backend.get_order(ORDER_ID)
    assert route.call_count == 3


@respx.mock
@pytest.mark.parametrize(
    "body",
    [
        b'{"id": "x", "client_order_id"',
        json.dumps(alpaca_order(qty="2.5")).encode(),
        json.dumps(alpaca_order(status="teleported")).encode(),
        json.dumps(alpaca_order(type="trailing_stop")).encode(),
        json.dumps(alpaca_order(symbol="not a symbol")).encode(),
    ],
)
async def test_a_malformed_order_is_reported(backend: HttpBrokerBackend, body: bytes) -> None:
    respx.get(f"{BASE}/v2/orders/{ORDER_ID}").respond(
        200, content=body, headers={"Content-Type": "application/json"}
    )
    with pytest.raises(MalformedResponseError):
        await backend.get_order(ORDER_ID)


@respx.mock
async def test_cancel_reads_the_order_back_after_alpacas_204(backend: HttpBrokerBackend) -> None:
    delete = respx.delete(f"{BASE}/v2/orders/{ORDER_ID}").respond(204)
    respx.get(f"{BASE}/v2/orders/{ORDER_ID}").respond(
        200,
        json=alpaca_order(
            status="canceled",
            canceled_at="2026-03-02T15:01:00Z",
            filled_at=None,
            filled_qty="0",
            filled_avg_price=None,
        ),
    )
    order = await backend.cancel_order(ORDER_ID, idempotency_key="c-1")
    assert (order.status, order.cancelled_at) == (
        OrderStatus.CANCELLED,
        datetime(2026, 3, 2, 15, 1, tzinfo=UTC),
    )
    assert delete.calls.last.request.headers["Idempotency-Key"] == "c-1"


@respx.mock
async def test_lookups_by_key_answer_none_on_404(backend: HttpBrokerBackend) -> None:
    route = respx.get(f"{BASE}/v2/orders:by_client_order_id").respond(
        404, json={"code": 40410000, "message": "order not found"}
    )
    respx.get(f"{BASE}/v2/orders:by_cancel_key").respond(404, json={"message": "Not Found"})
    assert await backend.find_order_by_client_id("key-1") is None
    assert route.calls.last.request.url.params["client_order_id"] == "key-1"
    assert await backend.find_cancellation("c-1") is None


@respx.mock
async def test_list_orders_pages_by_header_token_or_by_time(backend: HttpBrokerBackend) -> None:
    route = respx.get(f"{BASE}/v2/orders").mock(
        side_effect=[
            httpx.Response(200, json=[alpaca_order()], headers={"X-Next-Page-Token": "t2"}),
            httpx.Response(200, json=[alpaca_order()], headers={"X-Next-Page-Token": ""}),
            httpx.Response(
                200, json=[alpaca_order(), alpaca_order(created_at="2026-03-02T14:00:00Z")]
            ),
            httpx.Response(200, json=[]),
        ]
    )
    page = await backend.list_orders("all", 1)
    assert page.next_page_token == "t2"
    assert (await backend.list_orders("all", 1, "t2")).next_page_token is None
    assert route.calls[1].request.url.params["page_token"] == "t2"
    alpaca_page = await backend.list_orders("closed", 2)  # Alpaca: no header, a full page
    assert alpaca_page.next_page_token == "until:2026-03-02T14:00:00Z"
    await backend.list_orders("closed", 2, alpaca_page.next_page_token)
    params = route.calls[3].request.url.params
    assert (params["until"], params["status"], params["direction"]) == (
        "2026-03-02T14:00:00Z",
        "closed",
        "desc",
    )
    assert "page_token" not in params


async def test_against_the_server_a_lost_reply_is_retried_into_one_order(clock: FakeClock) -> None:
    # The server commits the first POST and answers 504; the retry, same key, finds the order.
    key = "lost-once"
    operation = f"POST {PREFIX}/v2/orders"
    seed = next(
        s
        for s in range(1000)
        if FaultPlan(seed=s, rates={Fault.REPLY_LOST: 0.5}).decide(operation, key, 1, "write")
        is Fault.REPLY_LOST
        and FaultPlan(seed=s, rates={Fault.REPLY_LOST: 0.5}).decide(operation, key, 2, "write")
        is None
    )
    broker = SandboxBrokerBackend(SandboxMarketBackend(clock=clock))
    app = create_app(
        [(PREFIX, router(broker))],
        faults=FaultPlan(seed=seed, rates={Fault.REPLY_LOST: 0.5}, only=frozenset({operation})),
    )
    with serve_in_thread(app) as url:
        client = HttpBrokerBackend(url + PREFIX, clock=clock)
        order = await client.place_order(buy(), idempotency_key=key)
        await client.aclose()
    assert len(clock.sleeps) == 1  # one retry
    assert order.client_order_id == key
    assert [o.id for o in (await broker.list_orders("all")).orders] == [order.id]
    assert broker.audit() == []
