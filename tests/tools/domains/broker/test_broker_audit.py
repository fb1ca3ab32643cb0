"""Hypothesis state audit: any sequence of buys, sells, cancels, repeats and waits keeps the
paper broker's books balanced exactly, and agrees with the order history seen through its API."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from plangate.tools.clock import FakeClock
from plangate.tools.domains.broker.models import Order, OrderRequest, OrderSide, OrderStatus
from plangate.tools.domains.broker.sandbox import SandboxBrokerBackend
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.errors import ToolRefusedError

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
START = Decimal("20000.00")
SYMBOLS = ("AAPL", "KO", "TSLA")
EXPECTED_REFUSALS = {
    "market_closed",
    "insufficient_buying_power",
    "insufficient_position",
    "not_cancellable",
    "idempotency_key_reused",
}

place = st.tuples(
    st.just("place"),
    st.sampled_from(["buy", "sell"]),
    st.sampled_from(SYMBOLS),
    st.integers(min_value=1, max_value=80),
    st.sampled_from(["market", "limit"]),
    st.integers(min_value=-150, max_value=150),  # limit price offset from the mid, in bps
    st.sampled_from(["day", "gtc"]),
)
cancel = st.tuples(st.just("cancel"), st.integers(min_value=0, max_value=30))
repeat = st.tuples(st.just("repeat"), st.integers(min_value=0, max_value=30))
wait = st.tuples(st.just("wait"), st.sampled_from([60, 900, 2 * 3600, 7 * 3600, 20 * 3600]))
operations = st.lists(st.one_of(place, place, cancel, repeat, wait), max_size=25)


async def all_orders(broker: SandboxBrokerBackend) -> list[Order]:
    orders: list[Order] = []
    token: str | None = None
    while True:
        page = await broker.list_orders("all", 7, token)
        orders.extend(page.orders)
        token = page.next_page_token
        if token is None:
            return orders


@settings(max_examples=200)
@given(operations)
async def test_any_sequence_keeps_the_books_balanced(ops: list[tuple[Any, ...]]) -> None:
    clock = FakeClock(NOW)
    market = SandboxMarketBackend(seed=11, clock=clock)
    broker = SandboxBrokerBackend(market, starting_cash=START, seed=11)
    placed: list[tuple[str, OrderRequest, Order]] = []
    refusals: list[str] = []
    for step, op in enumerate(ops):
        try:
            if op[0] == "place":
                _, side, symbol, qty, kind, bps, tif = op
                mid = (await market.latest_quote(symbol)).mid
                limit = (mid * (1 + Decimal(bps) / 10_000)).quantize(Decimal("0.01"))
                request = OrderRequest.model_validate(
                    {"symbol": symbol, "side": side, "qty": qty, "type": kind, "time_in_force": tif}
                    | ({"limit_price": limit} if kind == "limit" else {})
                )
                key = f"k{step}"
                placed.append(
                    (key, request, await broker.place_order(request, idempotency_key=key))
                )
            elif op[0] == "cancel" and placed:
                _, _, first = placed[op[1] % len(placed)]
                await broker.cancel_order(first.id, idempotency_key=f"c{step}")
            elif op[0] == "repeat" and placed:
                key, request, first = placed[op[1] % len(placed)]
                cash = broker.book.cash
                again = await broker.place_order(request, idempotency_key=key)
                assert again.id == first.id
                assert broker.book.cash == cash
            elif op[0] == "wait":
                clock.advance(op[1])
        except ToolRefusedError as refusal:
            refusals.append(refusal.reason)
            event(f"refused: {refusal.reason}")
        assert set(refusals) <= EXPECTED_REFUSALS
        assert broker.audit() == [], (step, op)
        assert broker.book.cash >= 0

    # The same books, seen only through the public API.
    orders = await all_orders(broker)
    for o in orders:
        event(f"order {o.status.value}")
    assert len(orders) == len({o.client_order_id for o in orders})
    filled = [o for o in orders if o.status is OrderStatus.FILLED]
    net: dict[str, int] = {}
    cash = START
    for o in filled:
        assert o.filled_avg_price is not None
        sign = 1 if o.side is OrderSide.BUY else -1
        net[o.symbol] = net.get(o.symbol, 0) + sign * o.qty
        cash -= sign * o.qty * o.filled_avg_price
    account = await broker.get_account()
    positions = await broker.get_positions()
    assert account.cash == cash
    assert {p.symbol: p.qty for p in positions} == {s: q for s, q in net.items() if q}
    reserved = sum(
        (o.qty * (o.limit_price or 0) for o in orders if o.is_open and o.side is OrderSide.BUY),
        Decimal(0),
    )
    assert account.buying_power == account.cash - reserved
    assert account.equity == account.cash + sum((p.market_value for p in positions), Decimal(0))
