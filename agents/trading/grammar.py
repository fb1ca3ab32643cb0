"""What the offline planner understands, and the plan it makes of each kind of request.

Intents are tried in order (see ``plangate.graphs.offline.grammar``): a cancellation first (it may
name an order to buy), then orders — for an amount of money, with a condition, plain — then the
questions: portfolio before indicators, bars, research and quotes, since "how much cash" or "what is
my position worth" also sound like price questions. Each ``build`` reads its slots from the whole
request (``plangate.agents.trading.slots`` and ``plangate.agents.trading.signals``), so words may
come in any order: "buy 10 NVDA if its RSI is below 30" and "if NVDA's 14-day RSI drops below 30,
buy ten shares" plan the same order.
"""

from __future__ import annotations

import re

from plangate.agents.trading import holdings, orders, plans, signals, slots
from plangate.agents.trading.orders import ORDER_EXAMPLE, read_order
from plangate.agents.trading.replan import replan
from plangate.agents.trading.scope import (
    COMPARED,
    INDICATORS,
    LIMIT,
    NAMES,
    NOTIONAL,
    QTY,
    SCOPE,
    SPELLER,
    TIMEFRAME,
)
from plangate.agents.trading.signals import IndicatorAsk
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import PlanningContext, RequestRefusedError
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.graphs.offline.lexicon import CANCEL_VERBS
from plangate.graphs.offline.numbers import ANYWHERE
from plangate.graphs.offline.suggestions import Suggester
from plangate.tools.domains.broker.models import OrderQuery, OrderSide

CONDITIONAL_EXAMPLE = signals.CONDITION_EXAMPLE
NOTIONAL_EXAMPLE = "Buy $5,000 of AAPL"
CANCEL_EXAMPLE = "Cancel order 6f1c2a9e-0b7d-4e55-9a3b-2c8d1e0f4a6b"
CANCEL_ON_EXAMPLE = "Cancel my open order for META"
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_ORDER_ID = re.compile(r"\border\s+(?:id\s+)?#?(?P<id>(?=[\w-]*\d)[A-Za-z0-9][\w-]{3,63})", re.I)
_LAST_N = re.compile(
    r"(?:\b(?P<recent>last|past|latest|recent)\s+|(?<![\w.,$-]))"
    + slots.QTY.replace("|a)", ")")
    + r"\s+(?:\w+\s+)?(?(recent)(?:bars?|candles?|days?|sessions?|hours?|periods?)"
    r"|(?:bars?|candles?|candlesticks?))\b",
    re.I,
)
_FILLER = re.compile(
    r"\b(?:what|whats|do|does|did|the|our|my|notes?|research|say|says|about|on|for|of|is|are|"
    r"me|show|tell|any|in|with|s|find|search|look|up|please|house|anything|there|re|regarding|"
    r"concerning|and|to|a|an|according)\b|[?!.,'’]",
    re.I,
)


def build_order(match: re.Match[str], context: PlanningContext) -> Plan:
    """Buy or sell, after looking; with a condition when the request sets one."""
    text = match.string
    ask, condition = read_order(text)
    if condition is None:
        return plans.order_plan(ask)
    return plans.order_plan(ask, signals.read_condition(condition, text))


def build_notional(match: re.Match[str], context: PlanningContext) -> Plan:
    """An amount of money's worth: price it (a share count in the request wins)."""
    text = match.string
    if slots.read_qty(orders.split_condition(text)[0]) is not None:
        if slots.read_notional(text) is not None:
            raise RequestRefusedError(
                text, "an order is a number of shares or an amount of money, not both; "
                f'say one, e.g. "{ORDER_EXAMPLE}" or "{NOTIONAL_EXAMPLE}"', can=SCOPE.can,
            )  # fmt: skip
        return build_order(match, context)
    symbol = slots.require_symbol(text, NOTIONAL_EXAMPLE, orders.indicator_spans(text))
    side = OrderSide.SELL if slots.is_sell(text) else OrderSide.BUY
    return plans.notional_plan(symbol, side)


def build_cancel(match: re.Match[str], context: PlanningContext) -> Plan:
    """Cancel an open order by its id, or the one open order on a stock."""
    text = match.string
    found = _UUID.search(text) or _ORDER_ID.search(text)
    if found is None and slots.read_symbols(text):
        return holdings.cancel_on_plan(text, CANCEL_ON_EXAMPLE)
    if found is None:
        raise slots.UnclearRequestError(
            text, "which order: give its id or its stock (see them with 'show my open orders')",
            CANCEL_EXAMPLE,
        )  # fmt: skip
    return plans.cancel_plan(found["id"] if "id" in found.groupdict() else found[0])


def build_portion(match: re.Match[str], context: PlanningContext) -> Plan:
    """Sell a part of a position (half, a third, 25%), rounded down to whole shares."""
    return holdings.portion_plan(match.string)


def build_portfolio(match: re.Match[str], context: PlanningContext) -> Plan:
    """The account, the positions and/or the orders."""
    text = match.string.lower()
    orders: OrderQuery | None = None
    if re.search(r"\border(?:s| history)\b", text):
        orders = "open"
        if re.search(r"\b(?:all|history|every)\b", text):
            orders = "all"
        elif re.search(
            r"\b(?:closed|filled|past|done|executed|cancel+ed)\b", text
        ) and not re.search(r"\b(?:open|pending|working|active|outstanding|unfilled|live)\b", text):
            orders = "closed"
    whole = re.search(r"\b(?:portfolio|overview|summary)\b", text) is not None
    account = whole or bool(
        re.search(
            r"\b(?:cash|buying power|equity|account|balance|p&l|p/l|pnl|profit|loss|money|funds)",
            text,
        )
    )
    positions = whole or bool(
        re.search(r"\b(?:positions?|holdings?|hold|own|my (?:stocks|shares))\b", text)
    )
    if not (account or positions or orders):
        account = positions = True
    return plans.portfolio_plan(account=account, positions=positions, orders=orders)


def _symbols(text: str, example: str) -> list[str]:
    found = slots.read_symbols(text, orders.indicator_spans(text))
    if not found:
        slots.require_symbol(text, example)  # raises, naming what is missing
    return found


def build_indicator(match: re.Match[str], context: PlanningContext) -> Plan:
    """Indicators of one or more stocks, with their quotes."""
    text = match.string
    symbols = _symbols(text, "What's the 14-day RSI of NVDA?")
    asks = signals.read_indicators(text)
    if not asks:  # "is NVDA overbought?": overbought and oversold are read on the RSI
        asks = [IndicatorAsk("rsi", period=14, timeframe=signals.read_timeframe(text))]
    return plans.indicator_plan(symbols, asks)


def build_bars(match: re.Match[str], context: PlanningContext) -> Plan:
    """A stock's latest bars."""
    text = match.string
    example = "Show the last 10 daily bars of AAPL"
    symbol = slots.require_symbol(text, example)
    found = _LAST_N.search(text)
    limit = (slots.word_number(found["qty"]) if found else None) or 30
    if limit > 1000:
        raise slots.UnclearRequestError(text, f"{limit} bars (at most 1000)", example)
    return plans.bars_plan(symbol, signals.read_timeframe(text), limit)


def build_research(match: re.Match[str], context: PlanningContext) -> Plan:
    """What the research notes say about stocks (or one whole note)."""
    text = match.string
    symbols = _symbols(text, "What do the notes say about NVDA risks?")
    if re.search(r"\b(?:read|open|full|whole|entire)\b.*\bnotes?\b", text, re.I):
        return plans.note_plan(symbols[0])
    topic = _FILLER.sub(" ", _strip_names(text, symbols))
    return plans.research_plan(symbols, " ".join(topic.split()))


def _strip_names(text: str, symbols: list[str]) -> str:
    names = [re.escape(s) for s in symbols] + [re.escape(slots.company(s)) for s in symbols]
    return re.sub(rf"\$?\b(?:{'|'.join(names)})\b", " ", text, flags=re.I)


def build_quote(match: re.Match[str], context: PlanningContext) -> Plan:
    """Quotes of one or more stocks."""
    return plans.quote_plan(_symbols(match.string, "What's the price of AAPL?"))


_TRADE = r"\b(?:buy|sell|purchase|short|acquire|dump|unload|trim)\b"
_PART_SELL = r"\b(?:sell|dump|unload|trim|offload|liquidate)\b"
_INDICATOR = r"\b(?:rsi|relative strength|sma|ema|macd|moving average|\d+\s*-?\s*dma)\b"

_NEAR_NAMES = (
    "ample apply amply maple meat mete mat cast coat cash cosy most post code cake coke cave "
    "boring being lily silly visa vista vise intel until oracle meta cost costs"
)
SUGGESTER = Suggester(
    {
        word: f"{symbol} ({names[0]})"
        for symbol, names in slots.NAMES.items()
        for word in (symbol, *names)
        if len(word) >= 4 and " " not in word
    },
    known=_NEAR_NAMES.split(),
)
"""Symbols and company names of four letters or more: a slip of one is asked back, never guessed
("buy 10 appl" → did you mean AAPL (Apple)?), since the name decides what is bought."""

GRAMMAR = Grammar(
    [
        Intent(
            name="cancel_order",
            description="Cancel an open order by its id, or the open order on a stock",
            examples=(CANCEL_EXAMPLE, CANCEL_ON_EXAMPLE, "please cancel my order #ord-20260302-7"),
            patterns=(rf"\b(?:{'|'.join(CANCEL_VERBS)}|withdraw|pull)\b.*\border\b",),
            build=build_cancel,
            replan=replan,
            numbers=(_UUID, _ORDER_ID),
            reads="only the id of the order",
        ),
        Intent(
            name="sell_portion",
            description="Sell part of a position (half, a third, 25%), rounded down to shares",
            examples=(holdings.PORTION_EXAMPLE, "Sell 25% of my Apple shares"),
            patterns=(rf"{_PART_SELL}.*{holdings.PORTION}", rf"{holdings.PORTION}.*{_PART_SELL}"),
            build=build_portion,
            replan=replan,
            numbers=(holdings.PERCENT, holdings.FRACTION, LIMIT, NAMES),
            reads="a part of the position (half, a third, 25%) and a limit price",
        ),
        Intent(
            name="notional_order",
            description="Price an amount of money's worth of a stock in whole shares (no order)",
            examples=(NOTIONAL_EXAMPLE, "Put 5k into Microsoft"),
            patterns=(
                rf"(?:{_TRADE}|\b(?:invest|put|spend)\b).*(?:{slots.NOTIONAL})",
                rf"(?:{slots.NOTIONAL}).*{_TRADE}",
            ),
            build=build_notional,
            replan=replan,
            numbers=(NOTIONAL, *QTY, LIMIT, NAMES),
            reads="an amount of money (or a share count) and a limit price",
        ),
        Intent(
            name="conditional_order",
            description="Buy or sell shares only if an indicator or the price meets a condition",
            examples=(CONDITIONAL_EXAMPLE, "Sell 5 AAPL if the price is above $130"),
            patterns=(rf"{_TRADE}.*{orders.IF.pattern}", rf"{orders.IF.pattern}.*{_TRADE}"),
            build=build_order,
            replan=replan,
            numbers=(*QTY, LIMIT, INDICATORS, COMPARED, TIMEFRAME, NAMES),
            reads="a share count, a limit price, indicator periods and the numbers a "
            "condition compares with (orders are placed now, not at a date or time)",
        ),
        Intent(
            name="place_order",
            description="Buy or sell shares at the market or at a limit price, after approval",
            examples=(ORDER_EXAMPLE, "Sell 5 shares of Nvidia at $240 limit"),
            patterns=(
                _TRADE,
                r"\b(?:get|grab|pick up|snag)\b.*\bshares?\b",
                rf"\b(?:get|grab|pick up|snag|scoop up|load up on)(?:\s+me)?\s+{slots.QTY}\s+"
                r"(?!(?:\w+\s+)?(?:bars?|candles?|days?|sessions?|hours?|minutes?|periods?|notes?"
                r"|quotes?|headlines?)\b)",
            ),
            build=build_order,
            replan=replan,
            numbers=(*QTY, LIMIT, NAMES),
            reads="a share count and a limit price (orders are placed now, not at a date or time)",
        ),
        Intent(
            name="portfolio",
            description="Show the account (cash, buying power, equity), positions or orders",
            examples=("Show my positions", "How much cash do I have?"),
            patterns=(
                r"\b(?:positions?|holdings?|portfolio|cash|buying power|equity|account|balance"
                r"|p&l|p/l|pnl|what do i own|open orders|my orders|order history)\b",
                r"\bhow much (?:money|cash|funds)\b|\b(?:money|funds) (?:do i have|have i got"
                r"|available|left)\b|\bwhat (?:do |did )?(?:i|we) (?:own|hold)\b"
                r"|\bmy (?:stocks|shares|investments|assets|money|funds)\b|\b(?:pending|working"
                r"|active|outstanding|unfilled|live|recent|past|closed|filled|executed|submitted)"
                r" orders\b",
                r"\bhow many (?:shares|stocks?)\b.*\b(?:do|did) (?:i|we) (?:own|hold|have)\b",
            ),
            build=build_portfolio,
            replan=replan,
            numbers=(NAMES,),
            reads="no numbers",
            actions=0,
        ),
        Intent(
            name="indicator",
            description="Compute SMA, EMA, RSI or MACD of a stock, with its quote",
            examples=("What's the 14-day RSI of NVDA?", "Show the 50-day SMA and MACD for Apple"),
            patterns=(_INDICATOR, r"\b(?:overbought|oversold|momentum)\b"),
            build=build_indicator,
            replan=replan,
            numbers=(INDICATORS, TIMEFRAME, NAMES),
            reads="indicator periods",
            actions=0,
        ),
        Intent(
            name="bars",
            description="Show a stock's latest daily, hourly or 15-minute bars",
            examples=("Show the last 10 daily bars of AAPL", "Hourly candles for Tesla"),
            patterns=(r"\b(?:bars?|candles?|candlesticks?|ohlcv?|price history|chart)\b",),
            build=build_bars,
            replan=replan,
            numbers=(_LAST_N, TIMEFRAME, NAMES),
            reads="how many of the latest bars",
            actions=0,
        ),
        Intent(
            name="research",
            description="Say what the research notes say about a stock (or read a whole note)",
            examples=("What do the notes say about NVDA risks?", "Read the research note on AMD"),
            patterns=(
                r"\b(?:notes?|research|thesis|risks?|catalysts?|outlook|house view|analysts?"
                r"|valuation)\b",
                r"\b(?:view|take|opinion|thoughts|stance|verdict)\s+(?:on|of|about)\b",
            ),
            build=build_research,
            replan=replan,
            numbers=(ANYWHERE,),  # the topic is searched as written
            actions=0,
        ),
        Intent(
            name="quote",
            description="Get the latest bid and ask of one or more stocks",
            examples=("What's the price of AAPL?", "Quotes for Microsoft and Nvidia"),
            patterns=(
                r"\b(?:prices?|quotes?|trading at|trade at|bid|ask|how much is|worth|costs?"
                r"|going for)\b",
                r"^(?:what'?s|whats|what is|where'?s|where is)\b.*\bat\W*$",
            ),
            build=build_quote,
            replan=replan,
            numbers=(NAMES, r"\b(?:1|one|a single)\s+shares?\b"),
            reads="no numbers: quotes are the latest",
            actions=0,
        ),
    ],
    scope=SCOPE,
    speller=SPELLER,
    suggester=SUGGESTER,
)
"""The trading assistant's offline grammar."""
