"""Broker models: order requests (whole shares, limit price iff limit), orders, the wire shape."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from plangate.tools.domains.broker._wire import WireOrder
from plangate.tools.domains.broker.models import (
    Account,
    Order,
    OrderRequest,
    OrderSide,
    OrderStatus,
    OrderType,
    TimeInForce,
)

T = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def request(**kw: object) -> OrderRequest:
    return OrderRequest.model_validate({"symbol": "AAPL", "side": "buy", "qty": 10, **kw})


def test_defaults_are_a_market_day_order() -> None:
    r = request()
    assert (r.type, r.time_in_force, r.limit_price) == (OrderType.MARKET, TimeInForce.DAY, None)


@pytest.mark.parametrize("qty", [1, "7", 7.0, Decimal("12"), "1e3"])
def test_whole_quantities_in_any_spelling_are_accepted(qty: object) -> None:
    assert request(qty=qty).qty == int(Decimal(str(qty)))


@pytest.mark.parametrize(("qty", "whole"), [(2.5, 2), ("0.5", 1), (Decimal("10.01"), 10)])
def test_a_fractional_quantity_is_refused_with_a_whole_one_to_use(qty: object, whole: int) -> None:
    with pytest.raises(ValidationError, match=f"fraction of a share.*such as {whole}"):
        request(qty=qty)


@pytest.mark.parametrize("qty", [0, -3, 1_000_001, True, "ten"])
def test_non_positive_huge_or_non_numeric_quantities_are_refused(qty: object) -> None:
    with pytest.raises(ValidationError):
        request(qty=qty)


def test_a_limit_order_needs_a_limit_price_and_a_market_order_refuses_one() -> None:
    with pytest.raises(ValidationError, match="needs a limit_price"):
        request(type="limit")
    with pytest.raises(ValidationError, match="takes no limit_price"):
        request(limit_price="190")
    assert request(type="limit", limit_price=190.5).limit_price == Decimal("190.50")


@pytest.mark.parametrize(
    ("price", "fragment"),
    [
        ("0", "greater than 0"),
        ("-1", "greater than 0"),
        ("190.505", "tick size 0.01"),
        ("0.12345", "tick size 0.0001"),
    ],
)
def test_limit_prices_are_positive_and_on_the_tick(price: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        request(type="limit", limit_price=price)
    assert request(type="limit", limit_price="0.1234").limit_price == Decimal("0.1234")


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2))
def test_any_cent_price_round_trips_exactly(price: Decimal) -> None:
    r = request(type="limit", limit_price=price)
    assert OrderRequest.model_validate(r.model_dump(mode="json")) == r
    assert r.limit_price == price


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        request(stop_price="180")


def order(**kw: object) -> Order:
    base = {
        "id": "o1",
        "client_order_id": "k1",
        "symbol": "AAPL",
        "side": "buy",
        "type": "limit",
        "time_in_force": "gtc",
        "qty": 10,
        "limit_price": "190",
        "status": "new",
        "created_at": T,
    }
    return Order.model_validate({**base, **kw})


def test_order_matches_its_request_only() -> None:
    o = order()
    assert o.is_open
    assert o.matches(request(type="limit", limit_price="190.00", time_in_force="gtc"))
    assert not o.matches(request(type="limit", limit_price="190.01", time_in_force="gtc"))
    assert not o.matches(request(type="limit", limit_price="190", time_in_force="gtc", side="sell"))


def test_account_daily_pl_is_equity_less_last_equity() -> None:
    account = Account(
        account_number="PA1",
        cash=100,
        buying_power=100,
        equity=Decimal("1010.5"),
        long_market_value=910.5,
        last_equity=1000,
    )
    assert account.daily_pl == Decimal("10.5")
    assert account.model_dump(mode="json")["daily_pl"] == "10.5"
    assert Account.model_validate(account.model_dump(mode="json")) == account


@pytest.mark.parametrize(
    ("alpaca", "ours"),
    [
        ("accepted", OrderStatus.NEW),
        ("partially_filled", OrderStatus.NEW),
        ("filled", OrderStatus.FILLED),
        ("canceled", OrderStatus.CANCELLED),
        ("expired", OrderStatus.CANCELLED),
        ("rejected", OrderStatus.REJECTED),
    ],
)
def test_alpaca_statuses_fold_into_four(alpaca: str, ours: OrderStatus) -> None:
    wire = WireOrder.of(order()).model_dump(mode="json")
    assert WireOrder.model_validate({**wire, "status": alpaca}).to_order().status is ours


def test_the_wire_order_round_trips_and_speaks_alpaca() -> None:
    o = order(status="cancelled", cancelled_at=T, side=OrderSide.SELL)
    wire = WireOrder.of(o).model_dump(mode="json")
    assert (wire["status"], wire["qty"], wire["limit_price"], wire["canceled_at"]) == (
        "canceled",
        "10",
        "190.00",
        "2026-03-02T15:00:00Z",
    )
    assert WireOrder.model_validate(wire).to_order() == o
    with pytest.raises(ValidationError, match="unknown order status"):
        WireOrder.model_validate({**wire, "status": "teleported"})
