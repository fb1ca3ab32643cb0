"""The workflows the offline planner builds, one function per kind of request.

Every order looks first: the quote, the research notes, the positions and the account are
read in parallel, and the order waits for them (the trading policy measures the order with the
same figures: ``plangate.agents.trading.desk``). A conditional order also computes the
indicators its condition reads, and carries the condition itself, e.g. ``${rsi14.value} < 30``:
when it is false the engine skips the order. Step ids are fixed words (``quote``, ``research``,
``order``) so the answer, the re-plan and the tests can find each step; a request about several
stocks suffixes them with the symbol (``quote_aapl``).

``place_order`` takes whole shares, not dollars: a request for an amount of money (``$5,000 of
AAPL``) reads the quote and the buying power (or the positions), and the answer works out the
whole shares that amount buys, without ordering until the user gives a share count. A part of a
position ("sell half of my TSLA") and the open order on a stock ("cancel my open order for
META") are worked out in the plan itself, with expressions over what the broker returned
(``plangate.agents.trading.holdings``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from plangate.agents.trading.signals import ConditionAsk, IndicatorAsk, Operand
from plangate.agents.trading.slots import company
from plangate.graphs.engine.plan import Plan, Step
from plangate.tools.domains.broker.models import OrderQuery, OrderSide, OrderType, TimeInForce
from plangate.tools.domains.market.models import Timeframe

QUOTE, RESEARCH, POSITIONS, ACCOUNT, ORDER = "quote", "research", "positions", "account", "order"
ORDERS, CANCEL, NOTE, BARS = "orders", "cancel", "note", "bars"
RESEARCH_FOLDER = "research/"
"""Where the research notes live in the document library (one note per covered stock)."""


def suffix(symbol: str) -> str:
    """``symbol`` as a step-id suffix: ``BRK.B`` → ``brk_b``."""
    return symbol.lower().replace(".", "_")


def _price_field(side: OrderSide) -> str:
    # A market buy fills at the ask and a sell at the bid: compare the price the order gets.
    return "ask_price" if side is OrderSide.BUY else "bid_price"


@dataclass(frozen=True)
class OrderAsk:
    """The order a request asks for.

    Attributes:
        symbol: the ticker.
        side: buy or sell.
        qty: whole shares.
        limit_price: the limit, for a limit order; ``None`` for a market order.
        time_in_force: day or gtc.
    """

    symbol: str
    side: OrderSide
    qty: int
    limit_price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.DAY

    def args(self) -> dict[str, Any]:
        """The arguments of ``place_order``."""
        args: dict[str, Any] = {
            "symbol": self.symbol,
            "side": self.side.value,
            "qty": self.qty,
            "type": (OrderType.LIMIT if self.limit_price is not None else OrderType.MARKET).value,
            "time_in_force": self.time_in_force.value,
        }
        if self.limit_price is not None:
            args["limit_price"] = format(self.limit_price, "f")
        return args

    def describe(self) -> str:
        """``buy 10 AAPL market`` / ``sell 5 NVDA limit 230.00``."""
        kind = f"limit {self.limit_price}" if self.limit_price is not None else "market"
        return f"{self.side.value} {self.qty} {self.symbol} {kind}"


def quote_step(symbol: str, step_id: str = QUOTE) -> Step:
    """Read the stock's bid and ask."""
    return Step(id=step_id, tool="get_quote", args={"symbol": symbol}, description="Quote")


def research_step(symbol: str, topic: str = "", step_id: str = RESEARCH, k: int = 3) -> Step:
    """Search the research notes about the stock (and ``topic``, by default its risks)."""
    query = f"{symbol} {company(symbol)} {topic or 'risks thesis house view'}".strip()
    return Step(
        id=step_id,
        tool="search_documents",
        args={"query": query[:500], "sources": [RESEARCH_FOLDER], "k": k},
        description=f"Research notes on {symbol}",
    )


def indicator_step(symbol: str, ask: IndicatorAsk, step_id: str | None = None) -> Step:
    """Compute one indicator of the stock."""
    return Step(
        id=step_id or ask.key,
        tool="compute_indicator",
        args={"symbol": symbol, "indicator": ask.args(), "timeframe": ask.timeframe.value},
        description=f"{ask.label} of {symbol}",
    )


def render_condition(condition: ConditionAsk, side: OrderSide) -> str:
    """``condition`` in the condition language, reading the plan's own steps."""

    def operand(side_: Operand) -> str:
        if side_.kind == "number" and side_.number is not None:
            return format(side_.number, "f")
        if side_.kind == "indicator" and side_.indicator is not None:
            return f"${{{side_.indicator.key}.{side_.path}}}"
        return f"${{{QUOTE}.{_price_field(side)}}}"

    parts = [f"{operand(c.left)} {c.op} {operand(c.right)}" for c in condition.comparisons]
    text = parts[0]
    for joiner, part in zip(condition.joiners, parts[1:], strict=True):
        text = f"{text} {joiner} {part}"
    return text


def order_plan(ask: OrderAsk, condition: ConditionAsk | None = None) -> Plan:
    """Look (quote, research, positions, account, the condition's indicators), then order."""
    steps = [
        quote_step(ask.symbol),
        research_step(ask.symbol),
        Step(id=POSITIONS, tool="get_positions", args={}, description="Holdings"),
        Step(id=ACCOUNT, tool="get_account", args={}, description="Cash and equity"),
    ]
    indicators = condition.indicators if condition is not None else []
    steps.extend(indicator_step(ask.symbol, indicator) for indicator in indicators)
    steps.append(
        Step(
            id=ORDER,
            tool="place_order",
            args=ask.args(),
            depends_on=[step.id for step in steps],
            condition=render_condition(condition, ask.side) if condition is not None else None,
            description=f"Place the order: {ask.describe()}",
        )
    )
    if condition is not None:
        rationale = f"Order only if {render_condition(condition, ask.side)}"
    else:
        rationale = "Look at the quote and the research before the order, which needs approval"
    return Plan(steps=steps, rationale=rationale)


def notional_plan(symbol: str, side: OrderSide) -> Plan:
    """Read the quote and what can be spent (or sold); the answer works out the shares."""
    second = (
        Step(id=ACCOUNT, tool="get_account", args={}, description="Buying power")
        if side is OrderSide.BUY
        else Step(id=POSITIONS, tool="get_positions", args={}, description="Holdings")
    )
    return Plan(
        steps=[quote_step(symbol), second],
        rationale="Orders take whole shares: price the amount, then ask for a share count",
    )


def quote_plan(symbols: list[str]) -> Plan:
    """Quotes of one or more stocks, in parallel."""
    many = len(symbols) > 1
    steps = [quote_step(s, f"{QUOTE}_{suffix(s)}" if many else QUOTE) for s in symbols]
    return Plan(steps=steps, rationale="Read the latest quotes")


def indicator_plan(symbols: list[str], asks: list[IndicatorAsk]) -> Plan:
    """Each indicator of each stock, and each stock's quote, in parallel."""
    many = len(symbols) > 1
    steps: list[Step] = []
    for symbol in symbols:
        tail = f"_{suffix(symbol)}" if many else ""
        steps.append(quote_step(symbol, f"{QUOTE}{tail}"))
        steps.extend(indicator_step(symbol, ask, f"{ask.key}{tail}") for ask in dict.fromkeys(asks))
    return Plan(steps=steps, rationale="Compute the indicators asked for, next to the price")


def bars_plan(symbol: str, timeframe: Timeframe, limit: int) -> Plan:
    """The latest bars of a stock."""
    args = {"symbol": symbol, "timeframe": timeframe.value, "limit": limit}
    step = Step(id=BARS, tool="get_bars", args=args, description=f"{limit} bars of {symbol}")
    return Plan(steps=[step], rationale="Read the price history")


def research_plan(symbols: list[str], topic: str) -> Plan:
    """Search the research notes about each stock for ``topic``."""
    many = len(symbols) > 1
    steps = [
        research_step(s, topic, f"{RESEARCH}_{suffix(s)}" if many else RESEARCH, k=4)
        for s in symbols
    ]
    return Plan(steps=steps, rationale="Search the research notes")


def note_plan(symbol: str) -> Plan:
    """Read a stock's whole research note."""
    doc_id = f"{RESEARCH_FOLDER}{symbol.lower()}"
    step = Step(id=NOTE, tool="get_document", args={"doc_id": doc_id}, description="Read note")
    return Plan(steps=[step], rationale="Read the research note")


def portfolio_plan(
    *, account: bool = False, positions: bool = False, orders: OrderQuery | None = None
) -> Plan:
    """The account, the positions and/or the orders, in parallel."""
    steps: list[Step] = []
    if account:
        steps.append(Step(id=ACCOUNT, tool="get_account", args={}, description="Account"))
    if positions:
        steps.append(Step(id=POSITIONS, tool="get_positions", args={}, description="Holdings"))
    if orders is not None:
        args = {"status": orders, "limit": 50}
        steps.append(Step(id=ORDERS, tool="list_orders", args=args, description="Orders"))
    return Plan(steps=steps, rationale="Read the portfolio")


def cancel_plan(order_id: str) -> Plan:
    """Cancel an open order (after approval)."""
    step = Step(
        id=CANCEL, tool="cancel_order", args={"order_id": order_id}, description="Cancel order"
    )
    return Plan(steps=[step], rationale="Cancel the order, which needs approval")


def portion_plan(
    symbol: str,
    qty: str,
    words: str,
    limit_price: Decimal | None = None,
    time_in_force: TimeInForce = TimeInForce.DAY,
) -> Plan:
    """Read the positions and the quote, then sell ``qty`` (an expression over the positions).

    The order runs only when ``symbol`` is held and ``qty`` comes to one share or more.
    """
    held = f"{POSITIONS}[symbol == '{symbol}']"
    args: dict[str, Any] = {
        "symbol": symbol,
        "side": OrderSide.SELL.value,
        "qty": f"${{{qty}}}",
        "type": (OrderType.LIMIT if limit_price is not None else OrderType.MARKET).value,
        "time_in_force": time_in_force.value,
    }
    if limit_price is not None:
        args["limit_price"] = format(limit_price, "f")
    steps = [
        Step(id=POSITIONS, tool="get_positions", args={}, description="Holdings"),
        quote_step(symbol),
        Step(
            id=ORDER,
            tool="place_order",
            args=args,
            depends_on=[QUOTE],
            condition=f"${{len({held})}} == 1 and ${{{qty}}} >= 1",
            description=f"Sell {words} of the {symbol} position, in whole shares rounded down",
        ),
    ]
    rationale = (
        f"Read the {symbol} position, then sell {words} of it rounded down to whole shares; "
        "not at all if that is less than one share"
    )
    return Plan(steps=steps, rationale=rationale)


def cancel_on_plan(symbol: str, listed: str, side: OrderSide | None = None) -> Plan:
    """List the open orders, then cancel the one in ``listed`` (an expression over them).

    The cancel runs only when exactly one open order matches: none leaves nothing to cancel,
    several would make it a guess.
    """
    which = f"{side.value} order" if side is not None else "order"
    steps = [
        Step(
            id=ORDERS, tool="list_orders", args={"status": "open", "limit": 50},
            description="Open orders",
        ),
        Step(
            id=CANCEL, tool="cancel_order", args={"order_id": f"${{{listed}[0].id}}"},
            condition=f"${{len({listed})}} == 1",
            description=f"Cancel the open {symbol} {which}",
        ),
    ]  # fmt: skip
    rationale = f"Find the open {symbol} {which}, then cancel it (only if there is exactly one)"
    return Plan(steps=steps, rationale=rationale)
