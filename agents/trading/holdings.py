"""Requests that act on what the account holds: part of a position, the open order on a stock.

Both look before they act, with the plan language's expressions
(``plangate.graphs.engine.references``), so the figures come from the broker, never from the
planner:

- "sell half of my TSLA position" reads the positions (and the quote), then sells
  ``${floor(positions[symbol == 'TSLA'][0].qty / 2)}`` shares: a part of the shares held,
  rounded down to whole shares. A third, a quarter, two thirds, three quarters and a percentage
  (``25%``, ``50 percent``) read alike. The order's condition holds only when the stock is held
  and the part comes to a share or more, so one share held is never sold as "half" and no
  0-share order is sent: the order is skipped instead, and the answer says why.
- "cancel my open order for META" lists the open orders, then cancels
  ``${orders.orders[symbol == 'META'][0].id}`` when exactly one is open on that stock (a buy or
  sell order when the request says which). None, or several, and nothing is cancelled: a guess
  could cancel the wrong order.

"Sell all" and "cancel all" are refused by the scope (``plangate.agents.trading.scope``):
writes go one named thing at a time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from plangate.agents.trading import plans, slots
from plangate.agents.trading.plans import ORDERS, POSITIONS
from plangate.graphs.engine.plan import Plan, Step
from plangate.tools.domains.broker.models import OrderSide, TimeInForce

PORTION_EXAMPLE = "Sell half of my TSLA position"
_FRACTIONS: dict[str, tuple[int, int]] = {
    "half": (1, 2), "a half": (1, 2), "one half": (1, 2),
    "a third": (1, 3), "one third": (1, 3), "third": (1, 3), "two thirds": (2, 3),
    "a quarter": (1, 4), "one quarter": (1, 4), "quarter": (1, 4), "a fourth": (1, 4),
    "one fourth": (1, 4), "three quarters": (3, 4), "three fourths": (3, 4),
}  # fmt: skip
PERCENT = re.compile(
    r"(?<![\w.])(?P<pct>\d{1,3}(?:\.\d{1,2})?)\s*(?:%|percent\b|per\s?cent\b)", re.I
)
"""A percentage of a position: ``25%``, ``50 percent``."""
FRACTION = re.compile(
    r"\b(?P<words>(?:a|one|two|three)\s+(?:half|thirds?|quarters?|fourths?)|half|third|quarter)"
    r"\b(?!\s+(?:an?\s+)?(?:share|hour|point|cent|dollar|percent)s?\b)",
    re.I,
)
"""A fraction of a position in words: ``half``, ``a third``, ``two thirds``, ``a quarter``."""
PORTION = rf"(?:{FRACTION.pattern}|{PERCENT.pattern})"
"""A part of a position, as a pattern (for the grammar's intent)."""
_SIDE = re.compile(r"\b(?P<side>buy|sell)(?:ing)?\s+orders?\b", re.I)


@dataclass(frozen=True)
class Portion:
    """A part of a position: ``numerator / denominator`` of the shares held.

    Attributes:
        numerator: e.g. 1 for half, 25 for 25%.
        denominator: e.g. 2 for half, 100 for 25%.
        words: the part as the request wrote it ("half", "25%").
    """

    numerator: Decimal
    denominator: int
    words: str

    def qty(self, symbol: str) -> str:
        """The expression of the shares to sell: the part of ``symbol``'s held, rounded down."""
        held = f"{held_list(symbol)}[0].qty"
        if self.numerator == 1:
            return f"floor({held} / {self.denominator})"
        return f"floor({held} * {format(self.numerator, 'f')} / {self.denominator})"


def held_list(symbol: str) -> str:
    """The expression of the positions in ``symbol`` (a list of one, or empty)."""
    return f"{POSITIONS}[symbol == '{symbol}']"


def read_portion(text: str) -> Portion | None:
    """The part of a position ``text`` asks for; ``None`` when it names none (or 0%, >100%)."""
    percent = PERCENT.search(text)
    if percent is not None:
        value = Decimal(percent["pct"])
        if not 0 < value <= 100:
            return None
        return Portion(value.normalize(), 100, percent.group().strip())
    fraction = FRACTION.search(text)
    if fraction is None:
        return None
    words = " ".join(fraction["words"].lower().split())
    for key in (words, words.removesuffix("s"), f"{words}s"):
        if key in _FRACTIONS:
            numerator, denominator = _FRACTIONS[key]
            return Portion(Decimal(numerator), denominator, words)
    return None


def portion_plan(text: str) -> Plan:
    """Sell a part of a position: read the positions and the quote, then sell the part.

    Raises:
        UnclearRequestError: the stock, or the part of the position, is missing.
    """
    symbol = slots.require_symbol(text, PORTION_EXAMPLE)
    portion = read_portion(text)
    if portion is None:
        raise slots.UnclearRequestError(
            text, "how much of the position (half, a third, 25%...)", PORTION_EXAMPLE
        )
    tif = TimeInForce.GTC if slots.is_gtc(text) else TimeInForce.DAY
    return plans.portion_plan(
        symbol, portion.qty(symbol), portion.words, slots.read_limit_price(text), tif
    )


def cancel_on_plan(text: str, example: str) -> Plan:
    """Cancel the one open order on the stock ``text`` names (of the side it says, if any).

    Raises:
        UnclearRequestError: no stock is named.
    """
    symbol = slots.require_symbol(text, example)
    side_named = _SIDE.search(text)
    side = OrderSide(side_named["side"].lower()) if side_named else None
    test = f"symbol == '{symbol}'" + (f" and side == '{side.value}'" if side else "")
    return plans.cancel_on_plan(symbol, f"{ORDERS}.orders[{test}]", side)


_PORTION_STEP = re.compile(
    r"Sell (?P<words>.+) of the (?P<symbol>\S+) position, in whole shares rounded down"
)
"""A portion plan's order (``plans.portion_plan`` writes its description)."""
_CANCEL_STEP = re.compile(r"Cancel the open (?P<symbol>\S+) (?P<which>(?:(?:buy|sell) )?order)")
"""A cancel-on-stock plan's cancel (``plans.cancel_on_plan`` writes its description)."""


def why_skipped(step: Step, results: Mapping[str, Any]) -> str | None:
    """Why a look-before-act step did not run, as the account reads: "you hold 1 TSLA share;
    half of it is less than one whole share". ``None`` for any other step.

    The condition itself (``${len(positions[symbol == 'TSLA'])} == 1 and …``) is for the engine;
    a person is told what the broker's figures meant.
    """
    description = step.description or ""
    if (portion := _PORTION_STEP.fullmatch(description)) is not None:
        symbol, held = portion["symbol"], _held(results.get(POSITIONS), portion["symbol"])
        if not held:
            return f"you hold no {symbol}"
        shares = "share" if held == 1 else "shares"
        return f"you hold {held} {symbol} {shares}, and {portion['words']} of that is less than one whole share"
    if (cancel := _CANCEL_STEP.fullmatch(description)) is not None:
        symbol, which = cancel["symbol"], cancel["which"]
        side = which.split()[0] if " " in which else None
        listed = results.get(ORDERS)
        orders = listed.get("orders") if isinstance(listed, Mapping) else None
        if not isinstance(orders, list):
            return None
        matching = [
            str(order.get("id"))
            for order in orders
            if isinstance(order, Mapping)
            and order.get("symbol") == symbol
            and (side is None or order.get("side") == side)
        ]
        if not matching:
            return f"you have no open {symbol} {which}"
        return f"you have {len(matching)} open {symbol} {which}s; say which one to cancel by its id"
    return None


def _held(positions: Any, symbol: str) -> int:
    """Shares of ``symbol`` in a positions result (0 when none, or not read)."""
    if not isinstance(positions, list):
        return 0
    return sum(
        int(p.get("qty") or 0)
        for p in positions
        if isinstance(p, Mapping) and p.get("symbol") == symbol
    )
