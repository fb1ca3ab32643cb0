"""Reading an order from a request: its stock, count, side, limit and condition's words.

The order's words and its condition's are split first ("buy 10 NVDA | if RSI < 30", either way
round), so the stock and the count are read from the order's words only. One request places one
order, on one stock, and a condition reads that stock only: anything else is refused, never
narrowed to the first stock named.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from plangate.agents.trading import signals, slots
from plangate.agents.trading.plans import OrderAsk
from plangate.agents.trading.scope import SCOPE
from plangate.graphs.engine.planner import RequestRefusedError
from plangate.tools.domains.broker.models import OrderRequest, OrderSide, TimeInForce

ORDER_EXAMPLE = "Buy 10 shares of AAPL"
_VERB = re.compile(
    r"\b(?:buy|sell|purchase|short|acquire|dump|unload|trim|get|grab|pick up|snag)\b", re.I
)
IF = re.compile(r"\b(?:if|when|whenever|once|provided(?: that)?|as long as|only if)\b", re.I)
"""The words that start an order's condition ("buy 10 NVDA *if* RSI < 30")."""


def split_condition(text: str) -> tuple[str, str | None]:
    """The order's words and the condition's: "buy 10 NVDA | if RSI < 30", either way round."""
    found = IF.search(text)
    if found is None:
        return text, None
    before, after = text[: found.start()], text[found.end() :]
    if _VERB.search(before):
        return before, after
    verb = _VERB.search(after)
    if verb is None:
        return text, None
    condition = re.sub(r"[\s,;]*(?:then)?[\s,;]*$", "", after[: verb.start()], flags=re.I)
    return after[verb.start() :], condition


def indicator_spans(text: str) -> list[slots.Span]:
    """Where ``text`` mentions indicators (their periods are not share counts)."""
    return [ask.span for ask in signals.read_indicators(text)]


def _symbol(text: str, part: str, example: str) -> str:
    """The stock of the order: the first named in ``part`` (the order's words), else anywhere."""
    found = slots.read_symbols(part, indicator_spans(part))
    return found[0] if found else slots.require_symbol(text, example, indicator_spans(text))


def read_order(text: str, example: str = ORDER_EXAMPLE) -> tuple[OrderAsk, str | None]:
    """The order ``text`` asks for, and its condition's words (``None`` when unconditional).

    Raises:
        UnclearRequestError: the stock or the share count is missing, or the order is invalid.
    """
    action, condition = split_condition(text)
    symbol = _symbol(text, action, example)
    _refuse_other_stocks(text, action, condition, symbol)
    qty = slots.read_qty(action)
    if qty is None:
        raise slots.UnclearRequestError(text, "how many shares (orders take whole shares)", example)
    side = OrderSide.SELL if slots.is_sell(action) else OrderSide.BUY
    tif = TimeInForce.GTC if slots.is_gtc(action) else TimeInForce.DAY
    ask = OrderAsk(symbol, side, qty, slots.read_limit_price(action), tif)
    try:
        OrderRequest.model_validate(ask.args())
    except ValidationError as exc:
        problem = "; ".join(str(error["msg"]) for error in exc.errors())
        raise slots.UnclearRequestError(text, f"the order ({problem})", example) from None
    return ask, condition


def _refuse_other_stocks(text: str, action: str, condition: str | None, symbol: str) -> None:
    """One order per request, on one stock; a condition reads that stock only.

    Raises:
        RequestRefusedError: the order names several stocks, or the condition another one.
    """
    ordered = slots.read_symbols(action, indicator_spans(action))
    if len(ordered) > 1:
        raise RequestRefusedError(
            text, f"one request places one order, on one stock, not on {', '.join(ordered)}; "
            "ask for each order separately", can=SCOPE.can,
        )  # fmt: skip
    others = [
        s for s in slots.read_symbols(condition or "", indicator_spans(condition or ""))
        if s != symbol
    ]  # fmt: skip
    if others:
        raise RequestRefusedError(
            text, f"a condition reads the stock being ordered ({symbol}) only, not "
            f"{', '.join(others)}", can=SCOPE.can,
        )  # fmt: skip
