"""The desk: the policy measures orders with the run's own figures, else with the backends."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from plangate.agents import Agent
from plangate.agents.trading.desk import Desk
from plangate.agents.trading.guards import MaxOrderNotional, MaxPositionShare, NoShortSelling
from plangate.agents.trading.policy import policy
from plangate.agents.trading.spec import SPEC
from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage, run_guardrails
from plangate.graphs.traces.replay import NO_BACKEND, RunParts, replay
from plangate.tools.domains.broker.tools import place_order
from plangate.tools.domains.catalog import all_tools
from tests.agents.trading.trading_world import World

LIMIT = Decimal(25_000)
QUOTE = {
    "symbol": "AAPL", "bid_price": "99.90", "bid_size": 100, "ask_price": "100.00",
    "ask_size": 100, "timestamp": "2026-03-02T15:00:00Z",
}  # fmt: skip
ACCOUNT = {
    "account_number": "PA1", "cash": "50000.00", "buying_power": "50000.00",
    "equity": "50000.00", "long_market_value": "0.00", "last_equity": "50000.00",
}  # fmt: skip


def order(qty: int, side: str = "buy", symbol: str = "AAPL") -> GuardSubject:
    args = {"symbol": symbol, "side": side, "qty": qty, "type": "market", "time_in_force": "day"}
    return GuardSubject(stage=Stage.TOOL_CALL, tool=place_order, args=args, step_id="order")


def learnt_desk() -> Desk:
    """A desk with no backend at all (as in a replay) that has seen the run's reads."""
    desk = Desk(NO_BACKEND, NO_BACKEND)
    desk.learn("get_quote", QUOTE)
    desk.learn("get_positions", [])
    desk.learn("get_account", {**ACCOUNT, "daily_pl": "0.00"})
    return desk


async def test_checks_use_the_figures_the_run_read_without_touching_a_backend() -> None:
    desk = learnt_desk()
    notional = await MaxOrderNotional(desk, LIMIT).check(order(300))
    assert notional.action is Action.BLOCK
    assert "300 × $100.00 (the ask of AAPL) = $30,000.00" in notional.reason
    share = await MaxPositionShare(desk, Decimal("0.2")).check(order(101))
    assert "20.2% of equity $50,000.00" in share.reason
    short = await NoShortSelling(desk).check(order(1, "sell"))
    assert short.reason.startswith("selling 1 AAPL would sell short: 0 held")
    assert (await NoShortSelling(desk).check(order(1))).action is Action.ALLOW


async def test_a_new_request_and_a_write_make_the_desk_forget() -> None:
    desk = learnt_desk()
    desk.learn("place_order", {"id": "o1"})  # a write changes positions and the account
    result = await run_guardrails([desk, NoShortSelling(desk)], order(1, "sell"))
    assert result.action is Action.BLOCK  # the backend must be read now, and there is none
    assert result.blocked_by is not None
    assert "UsageError" in result.blocked_by.reason
    await desk.check(GuardSubject(stage=Stage.INPUT, text="next request"))
    blocked = await run_guardrails([MaxOrderNotional(desk, LIMIT)], order(1))
    assert blocked.blocked_by is not None  # the quote was forgotten as well


async def test_without_the_runs_figures_the_desk_reads_the_backends(world: World) -> None:
    desk = Desk(world.backends.market, world.backends.broker)
    verdict = await MaxOrderNotional(desk, LIMIT).check(order(300, symbol="MSFT"))
    assert "300 × $393.81 (the ask of MSFT)" in verdict.reason
    unknown = await MaxOrderNotional(desk, LIMIT).check(order(1, symbol="GME"))
    assert unknown.action is Action.BLOCK
    assert unknown.reason.startswith(
        "cannot check rule 'notional_at_the_ask': lookup get_quote failed (ToolRefusedError: "
        "unknown ticker 'GME'"
    )
    assert unknown.reason.endswith("refused to fail closed")


def test_the_policy_runs_its_guardrails_in_order(world: World) -> None:
    guardrails = policy(world.agent.toolset)
    names = [g.name for g in guardrails]
    assert names == [
        "trading_desk", "max_length", "prompt_injection", "tainted_write_approval",
        "restricted_symbols", "no_short_selling", "max_order_notional", "max_position_share",
        "daily_loss_limit", "approve_writes", "pii_redaction",
    ]  # fmt: skip
    assert guardrails[-1].stages == frozenset({Stage.OUTPUT})


async def test_a_recorded_trading_run_replays_with_no_backend(world: World, tmp_path: Path) -> None:
    path = tmp_path / "buy.jsonl"
    with world.agent.record(path, redact_pii=False):
        paused = await world.agent.run("Buy 10 shares of AAPL", thread_id="buy")
        done = await world.agent.resume("buy", {"order": "approve"})
    assert (paused.status, done.status) == ("paused", "done")

    def build(parts: RunParts) -> Any:
        toolset = all_tools().allow(SPEC.tools).bind(parts.deps)
        return Agent(SPEC, toolset, clock=parts.clock, executor=parts.executor)

    report = await replay(path, build)
    assert report.ok, f"{report.summary()}\n{report.diff}"
    assert report.runs == 2
