"""Plans that look before they act, run offline through the agent in the sandbox: a part of a
position is sold in whole shares rounded down, and the open order on a stock is cancelled —
and nothing else changes."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from plangate.agents import Agent
from plangate.agents.trading.policy import TradingLimits, trading_policy
from plangate.agents.trading.spec import SPEC
from plangate.graphs.traces.replay import replay
from plangate.tools.domains.broker.models import Order, OrderRequest, OrderStatus
from plangate.tools.domains.catalog import all_tools
from tests.agents.trading.trading_world import World, make_world

UNRESTRICTED = TradingLimits(restricted=("GME",))
"""TSLA is on the default restricted list; these tests trade it."""


async def held(world: World) -> dict[str, int]:
    return {p.symbol: p.qty for p in await world.broker.get_positions()}


async def resting(world: World, symbol: str, side: str, key: str) -> Order:
    """A limit order far from the market, so it stays open."""
    price = Decimal("1.00") if side == "buy" else Decimal("99999.00")
    request = OrderRequest(
        symbol=symbol,
        side=side,
        qty=2,
        type="limit",
        limit_price=price,  # type: ignore[arg-type]
    )
    return await world.broker.place_order(request, idempotency_key=key)


@pytest.mark.parametrize(
    ("request_", "symbol", "shares", "sold"),
    [
        ("sell half of my TSLA position", "TSLA", 7, 3),
        ("Sell a third of my Tesla shares", "TSLA", 10, 3),
        ("sell 25% of my NVDA", "NVDA", 9, 2),
        ("trim my Apple position by a quarter", "AAPL", 8, 2),
    ],
)
async def test_a_part_of_a_position_is_sold_rounded_down_and_nothing_else(
    request_: str, symbol: str, shares: int, sold: int
) -> None:
    world = make_world(UNRESTRICTED)
    await world.trade(symbol, "buy", shares, "setup")
    await world.trade("MSFT", "buy", 5, "other")
    before, orders_before = await held(world), await world.orders()

    outcome = await world.ask(request_)

    assert outcome.result.status == "done", outcome.result.error
    (approval,) = outcome.asked
    assert approval["tool"] == "place_order"
    assert approval["args"]["qty"] == sold
    new = [order for order in await world.orders() if order not in orders_before]
    assert [(o.symbol, o.side.value, o.qty, o.status) for o in new] == [
        (symbol, "sell", sold, OrderStatus.FILLED)
    ]
    assert await held(world) == {**before, symbol: shares - sold}
    qty_label = next(a for a in approval["provenance"]["arguments"] if a["path"] == "qty")
    assert qty_label["trusted"] is False  # computed from the broker's result


async def test_one_share_held_is_not_halved_to_a_zero_share_order() -> None:
    world = make_world(UNRESTRICTED)
    await world.trade("TSLA", "buy", 1, "setup")
    orders_before = await world.orders()

    outcome = await world.ask("sell half of my TSLA position")

    assert outcome.asked == []
    assert await world.orders() == orders_before
    assert outcome.result.steps["order"]["status"] == "skipped"
    (skipped,) = outcome.report.skipped
    assert (skipped.symbol, skipped.qty, skipped.reason) == ("TSLA", 0, "condition_false")
    assert await held(world) == {"TSLA": 1}
    assert outcome.report.summary == (
        "You hold 1 TSLA share, and half of that is less than one whole share, "
        "so I did not sell TSLA."
    )


async def test_a_stock_not_held_is_not_sold() -> None:
    world = make_world(UNRESTRICTED)
    outcome = await world.ask("sell half of my TSLA position")
    assert outcome.asked == []
    assert await world.orders() == []
    assert outcome.result.steps["order"]["status"] == "skipped"
    assert outcome.report.summary == "You hold no TSLA, so I did not sell TSLA."


async def test_the_open_order_on_the_stock_is_cancelled_and_no_other() -> None:
    world = make_world()
    meta = await resting(world, "META", "buy", "m1")
    aapl = await resting(world, "AAPL", "buy", "a1")

    outcome = await world.ask("cancel my open order for META")

    assert outcome.result.status == "done", outcome.result.error
    (approval,) = outcome.asked
    assert approval["args"] == {"order_id": meta.id}
    status = {order.id: order.status for order in await world.orders()}
    assert status == {meta.id: OrderStatus.CANCELLED, aapl.id: OrderStatus.NEW}


async def test_a_side_named_picks_that_sides_order() -> None:
    world = make_world()
    buy = await resting(world, "META", "buy", "m1")
    await world.trade("META", "buy", 4, "held")
    sell = await resting(world, "META", "sell", "m2")

    outcome = await world.ask("cancel the open META sell order")

    (approval,) = outcome.asked
    assert approval["args"] == {"order_id": sell.id}
    status = {order.id: order.status for order in await world.orders()}
    assert (status[buy.id], status[sell.id]) == (OrderStatus.NEW, OrderStatus.CANCELLED)


@pytest.mark.parametrize("open_orders", [0, 2])
async def test_no_open_order_or_several_cancel_nothing(open_orders: int) -> None:
    world = make_world()
    for n in range(open_orders):
        await resting(world, "META", "buy", f"m{n}")
    orders_before = await world.orders()

    outcome = await world.ask("cancel my open order for META")

    assert outcome.asked == []
    assert await world.orders() == orders_before
    assert outcome.result.steps["cancel"]["status"] == "skipped"
    why = {
        0: "you have no open META order.",
        2: "you have 2 open META orders; say which one to cancel by its id.",
    }[open_orders]
    assert outcome.report.summary.startswith(f"I could not cancel the order: {why}")
    assert "${" not in outcome.report.summary


async def test_a_recorded_run_with_expressions_replays(tmp_path: Path) -> None:
    world = make_world(UNRESTRICTED)
    await world.trade("TSLA", "buy", 7, "setup")
    path = tmp_path / "sell_half.jsonl"
    with world.agent.record(path):
        outcome = await world.ask("sell half of my TSLA position")
    assert outcome.asked[0]["args"]["qty"] == 3

    spec = dataclasses.replace(SPEC, policy=trading_policy(UNRESTRICTED))
    report = await replay(path, Agent(spec, all_tools()))

    assert report.ok, f"{report.summary()}\n{report.diff}"
    assert report.results[-1].status == "done"
