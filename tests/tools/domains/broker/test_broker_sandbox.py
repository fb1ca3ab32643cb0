"""The paper broker's rules: fills at the quote, resting limits, refusals, exact books, P/L."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.broker.models import OrderRequest, OrderStatus
from plangate.tools.domains.broker.sandbox import SandboxBrokerBackend
from plangate.tools.domains.market import sessions
from plangate.tools.domains.market.models import canonical_price
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.errors import ToolRefusedError, UsageError

CLOSE = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)


def buy(symbol: str = "AAPL", qty: int = 10, **kw: object) -> OrderRequest:
    return OrderRequest.model_validate({"symbol": symbol, "side": "buy", "qty": qty, **kw})


def sell(symbol: str = "AAPL", qty: int = 10, **kw: object) -> OrderRequest:
    return OrderRequest.model_validate({"symbol": symbol, "side": "sell", "qty": qty, **kw})


async def test_a_market_buy_fills_at_the_ask_and_moves_cash_exactly(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend
) -> None:
    quote = await market.latest_quote("AAPL")
    order = await broker.place_order(buy(qty=10), idempotency_key="k1")
    assert order.status is OrderStatus.FILLED
    assert (order.filled_qty, order.filled_avg_price) == (10, quote.ask_price)
    account = await broker.get_account()
    assert account.cash == Decimal("100000.00") - 10 * quote.ask_price
    assert account.buying_power == account.cash
    [position] = await broker.get_positions()
    assert (position.qty, position.cost_basis) == (10, 10 * quote.ask_price)
    assert position.current_price == quote.mid
    assert position.market_value == 10 * quote.mid
    assert position.unrealized_pl == 10 * (quote.mid - quote.ask_price)
    assert account.equity == account.cash + position.market_value
    assert broker.audit() == []


async def test_a_market_sell_fills_at_the_bid_and_books_realized_pl(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend, clock: FakeClock
) -> None:
    bought = await broker.place_order(buy(qty=10), idempotency_key="b")
    clock.advance(3600)
    quote = await market.latest_quote("AAPL")
    sold = await broker.place_order(sell(qty=3), idempotency_key="s")
    assert sold.filled_avg_price == quote.bid_price
    assert bought.filled_avg_price is not None
    assert broker.book.realized_pl == 3 * (quote.bid_price - bought.filled_avg_price)
    [position] = await broker.get_positions()
    assert position.qty == 7
    assert position.cost_basis == 7 * bought.filled_avg_price
    assert position.avg_entry_price == bought.filled_avg_price
    await broker.place_order(sell(qty=7), idempotency_key="s2")
    assert await broker.get_positions() == []
    assert broker.book.cash == Decimal("100000.00") + broker.book.realized_pl
    assert broker.audit() == []


async def test_average_cost_across_two_buys(broker: SandboxBrokerBackend, clock: FakeClock) -> None:
    first = await broker.place_order(buy(qty=1), idempotency_key="a")
    clock.advance(7200)
    second = await broker.place_order(buy(qty=2), idempotency_key="b")
    assert first.filled_avg_price is not None
    assert second.filled_avg_price is not None
    total = first.filled_avg_price + 2 * second.filled_avg_price
    [position] = await broker.get_positions()
    assert position.cost_basis == total
    assert position.avg_entry_price == canonical_price(total / 3)
    # Selling one of three shares takes a third of the basis, to 1/100 of a cent.
    await broker.place_order(sell(qty=1), idempotency_key="c")
    [position] = await broker.get_positions()
    assert position.cost_basis == total - (total / 3).quantize(Decimal("0.0001"))
    assert broker.audit() == []


async def test_a_marketable_limit_fills_at_the_quote_not_the_limit(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend
) -> None:
    quote = await market.latest_quote("KO")
    limit = quote.ask_price + 5
    order = await broker.place_order(
        buy("KO", 5, type="limit", limit_price=limit), idempotency_key="k"
    )
    assert order.status is OrderStatus.FILLED
    assert order.filled_avg_price == quote.ask_price
    assert order.limit_price == limit


async def test_a_resting_buy_reserves_buying_power_until_cancelled(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend
) -> None:
    quote = await market.latest_quote("KO")
    limit = (quote.bid_price * Decimal("0.9")).quantize(Decimal("0.01"))
    order = await broker.place_order(
        buy("KO", 100, type="limit", limit_price=limit), idempotency_key="k"
    )
    assert order.status is OrderStatus.NEW
    account = await broker.get_account()
    assert account.cash == Decimal("100000.00")
    assert account.buying_power == account.cash - 100 * limit
    cancelled = await broker.cancel_order(order.id, idempotency_key="c")
    assert cancelled.status is OrderStatus.CANCELLED
    assert (await broker.get_account()).buying_power == Decimal("100000.00")
    assert broker.audit() == []


async def test_a_resting_order_fills_when_the_price_comes_to_it(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend, clock: FakeClock
) -> None:
    now = clock.now()
    later = [now + timedelta(minutes=m) for m in range(1, 300)]
    asks = [(market.quote_at("TSLA", t).ask_price, t) for t in later]
    low, when = min(asks)
    assert low < (await market.latest_quote("TSLA")).ask_price
    order = await broker.place_order(
        buy("TSLA", 4, type="limit", limit_price=low), idempotency_key="k"
    )
    assert order.status is OrderStatus.NEW
    clock.advance((when - now).total_seconds() - 60)
    assert (await broker.get_order(order.id)).status is OrderStatus.NEW
    clock.advance(60)
    filled = await broker.get_order(order.id)
    assert filled.status is OrderStatus.FILLED
    assert filled.filled_at == when
    assert filled.filled_avg_price == low
    assert broker.audit() == []


async def test_a_resting_sell_reserves_its_shares(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend
) -> None:
    await broker.place_order(buy(qty=10), idempotency_key="b")
    quote = await market.latest_quote("AAPL")
    await broker.place_order(
        sell(qty=6, type="limit", limit_price=quote.ask_price + 50), idempotency_key="s"
    )
    with pytest.raises(ToolRefusedError) as info:
        await broker.place_order(sell(qty=5), idempotency_key="s2")
    assert info.value.reason == "insufficient_position"
    assert "6 of them reserved" in info.value.message
    assert "Sell at most 4" in info.value.hint
    assert (
        await broker.place_order(sell(qty=4), idempotency_key="s3")
    ).status is OrderStatus.FILLED


async def test_a_day_order_expires_at_the_close_and_a_gtc_order_does_not(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend, clock: FakeClock
) -> None:
    limit = ((await market.latest_quote("KO")).bid_price / 2).quantize(Decimal("0.01"))
    day = await broker.place_order(
        buy("KO", 10, type="limit", limit_price=limit), idempotency_key="d"
    )
    gtc = await broker.place_order(
        buy("KO", 10, type="limit", limit_price=limit, time_in_force="gtc"), idempotency_key="g"
    )
    clock.advance(24 * 3600)
    expired = await broker.get_order(day.id)
    assert (expired.status, expired.cancelled_at) == (OrderStatus.CANCELLED, CLOSE)
    assert (await broker.get_order(gtc.id)).status is OrderStatus.NEW
    assert (await broker.get_account()).buying_power == Decimal("100000.00") - 10 * limit
    assert broker.audit() == []


async def test_when_closed_a_market_order_is_refused_with_the_next_open(
    broker: SandboxBrokerBackend, clock: FakeClock
) -> None:
    clock.advance(5 * 24 * 3600)  # Saturday
    with pytest.raises(ToolRefusedError) as info:
        await broker.place_order(buy(), idempotency_key="k")
    assert info.value.reason == "market_closed"
    assert "limit order" in info.value.hint
    assert "2026-03-09T13:30:00Z" in info.value.hint
    assert await broker.find_order_by_client_id("k") is None


async def test_a_limit_order_placed_while_closed_rests_until_the_next_session(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend, clock: FakeClock
) -> None:
    clock.advance(5 * 24 * 3600)  # Saturday: quotes are Friday's close
    generous = (await market.latest_quote("AAPL")).ask_price * 2
    order = await broker.place_order(
        buy(qty=1, type="limit", limit_price=generous), idempotency_key="k"
    )
    assert order.status is OrderStatus.NEW
    monday_open = sessions.session_open(datetime(2026, 3, 9).date())
    clock.advance((monday_open - clock.now()).total_seconds())
    filled = await broker.get_order(order.id)
    assert (filled.status, filled.filled_at) == (OrderStatus.FILLED, monday_open)
    assert filled.filled_avg_price == (await market.latest_quote("AAPL")).ask_price


async def test_insufficient_buying_power_names_the_largest_affordable_quantity(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend
) -> None:
    ask = (await market.latest_quote("COST")).ask_price
    most = math.floor(Decimal("100000.00") / ask)
    with pytest.raises(ToolRefusedError) as info:
        await broker.place_order(buy("COST", most + 1), idempotency_key="k1")
    assert info.value.reason == "insufficient_buying_power"
    assert f"Buy at most {most} shares" in info.value.hint
    order = await broker.place_order(buy("COST", most), idempotency_key="k2")
    assert order.status is OrderStatus.FILLED
    assert (await broker.get_account()).cash >= 0


async def test_no_short_selling(broker: SandboxBrokerBackend) -> None:
    with pytest.raises(ToolRefusedError) as info:
        await broker.place_order(sell("MSFT", 1), idempotency_key="k")
    assert info.value.reason == "insufficient_position"
    assert "does not sell short" in info.value.hint


async def test_unknown_ticker_is_refused_by_the_market(broker: SandboxBrokerBackend) -> None:
    with pytest.raises(ToolRefusedError) as info:
        await broker.place_order(buy("APPL"), idempotency_key="k")
    assert info.value.reason == "unknown_ticker"
    assert "AAPL" in info.value.hint


async def test_a_repeated_key_returns_the_first_order_and_changes_nothing(
    broker: SandboxBrokerBackend, clock: FakeClock
) -> None:
    first = await broker.place_order(buy(qty=3), idempotency_key="same")
    before = await broker.get_account()
    clock.advance(600)
    again = await broker.place_order(buy(qty=3), idempotency_key="same")
    assert again == first
    assert (await broker.get_account()).cash == before.cash
    assert len((await broker.list_orders("all")).orders) == 1
    with pytest.raises(ToolRefusedError) as info:
        await broker.place_order(buy(qty=4), idempotency_key="same")
    assert info.value.reason == "idempotency_key_reused"


async def test_cancels_are_keyed_and_refused_when_not_cancellable(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend
) -> None:
    filled = await broker.place_order(buy(qty=1), idempotency_key="f")
    low = ((await market.latest_quote("AAPL")).bid_price / 2).quantize(Decimal("0.01"))
    resting = await broker.place_order(
        buy(qty=1, type="limit", limit_price=low), idempotency_key="r"
    )
    other = await broker.place_order(buy(qty=2, type="limit", limit_price=low), idempotency_key="o")
    first = await broker.cancel_order(resting.id, idempotency_key="c1")
    assert await broker.cancel_order(resting.id, idempotency_key="c1") == first
    assert await broker.find_cancellation("c1") == first
    assert await broker.find_cancellation("never") is None
    for order_id, key, reason in (
        (resting.id, "c2", "not_cancellable"),
        (filled.id, "c3", "not_cancellable"),
        ("no-such-order", "c4", "not_found"),
        (other.id, "c1", "idempotency_key_reused"),
    ):
        with pytest.raises(ToolRefusedError) as info:
            await broker.cancel_order(order_id, idempotency_key=key)
        assert info.value.reason == reason
        assert info.value.hint
    assert (await broker.get_order(other.id)).status is OrderStatus.NEW


async def test_list_orders_pages_newest_first_and_filters(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend
) -> None:
    low = ((await market.latest_quote("KO")).bid_price / 2).quantize(Decimal("0.01"))
    ids = []
    for i in range(5):
        request = buy("KO", 1, type="limit", limit_price=low) if i % 2 else buy("KO", 1)
        ids.append((await broker.place_order(request, idempotency_key=f"k{i}")).id)
    seen: list[str] = []
    token: str | None = None
    while True:
        page = await broker.list_orders("all", 2, token)
        seen.extend(o.id for o in page.orders)
        token = page.next_page_token
        if token is None:
            break
    assert seen == ids[::-1]
    assert [o.id for o in (await broker.list_orders("open")).orders] == [ids[3], ids[1]]
    assert [o.id for o in (await broker.list_orders("closed")).orders] == [ids[4], ids[2], ids[0]]
    with pytest.raises(ToolRefusedError, match="not issued for 'open'"):
        await broker.list_orders("open", 2, (await broker.list_orders("all", 2)).next_page_token)
    with pytest.raises(ToolRefusedError):
        await broker.list_orders("all", 0)


async def test_last_equity_is_the_equity_at_the_previous_close(
    broker: SandboxBrokerBackend, market: SandboxMarketBackend, clock: FakeClock
) -> None:
    await broker.place_order(buy("AAPL", 20), idempotency_key="k")
    today = await broker.get_account()
    assert today.last_equity == Decimal("100000.00")
    assert today.daily_pl == today.equity - Decimal("100000.00")
    clock.advance(24 * 3600)  # Tuesday morning
    monday_close = (await market.bars("AAPL")).bars[-1]
    assert monday_close.t == sessions.midnight(datetime(2026, 3, 2).date())
    tuesday = await broker.get_account()
    assert tuesday.last_equity == tuesday.cash + 20 * monday_close.c
    clock.advance(4 * 24 * 3600)  # Saturday: nothing moves
    saturday = await broker.get_account()
    assert saturday.daily_pl == 0


def test_starting_cash_must_be_positive(market: SandboxMarketBackend) -> None:
    with pytest.raises(UsageError, match="positive"):
        SandboxBrokerBackend(market, starting_cash=0)


async def test_the_audit_catches_books_that_do_not_balance(broker: SandboxBrokerBackend) -> None:
    await broker.place_order(buy(qty=5), idempotency_key="k")
    assert broker.audit() == []
    broker.book.cash += Decimal("0.01")
    assert any("cash" in problem for problem in broker.audit())
    broker.book.cash -= Decimal("0.01")
    broker.book.holdings["AAPL"].qty += 1
    assert any("holdings" in problem or "positions" in problem for problem in broker.audit())


async def test_order_ids_are_deterministic_per_seed(market: SandboxMarketBackend) -> None:
    one = SandboxBrokerBackend(market, seed=1)
    two = SandboxBrokerBackend(market, seed=1)
    other = SandboxBrokerBackend(market, seed=2)
    ids = [(await b.place_order(buy(qty=1), idempotency_key="k")).id for b in (one, two, other)]
    assert ids[0] == ids[1] != ids[2]
    assert one.account_number == two.account_number != other.account_number
