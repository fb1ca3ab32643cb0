"""``Portfolio``: the paper broker's books — cash, long holdings at average cost, reservations.

Every amount is an exact ``Decimal``. A buy moves ``price * qty`` from cash into the holding's
cost basis; a sell moves the proceeds into cash and takes out the *average cost* of the shares
sold (rounded to 1/100 of a cent, or the whole basis when the holding is closed), booking the
difference as realized P/L. So, whatever happens, exactly:

    cash + sum(cost basis) == starting cash + realized P/L

Open orders hold back what they may need: a resting buy reserves ``limit_price * qty`` of cash
(``buying_power`` is what is left), a resting sell reserves its shares. The checks that refuse
an order the books cannot carry live here too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from plangate.tools.errors import ToolRefusedError

TICK = Decimal("0.0001")
ZERO = Decimal(0)


@dataclass
class Holding:
    """Shares of one symbol.

    Attributes:
        qty: shares held.
        cost_basis: what they cost, at average cost.
        reserved: shares held back for open sell orders.
    """

    qty: int = 0
    cost_basis: Decimal = ZERO
    reserved: int = 0

    @property
    def available(self) -> int:
        """Shares that a new sell order may use."""
        return self.qty - self.reserved


class Portfolio:
    """Cash, holdings and reservations of one account.

    Args:
        starting_cash: the account's cash before any trade.
    """

    def __init__(self, starting_cash: Decimal) -> None:
        self.starting_cash = starting_cash
        self.cash = starting_cash
        self.realized_pl = ZERO
        self.reserved_cash = ZERO
        self.holdings: dict[str, Holding] = {}

    @property
    def buying_power(self) -> Decimal:
        """Cash not reserved by open buy orders (a cash account: no margin)."""
        return self.cash - self.reserved_cash

    def held(self, symbol: str) -> int:
        """Shares of ``symbol`` held."""
        holding = self.holdings.get(symbol)
        return holding.qty if holding else 0

    def check_buy(self, symbol: str, qty: int, price: Decimal) -> None:
        """Refuse a buy of ``qty`` at ``price`` that buying power does not cover.

        Raises:
            ToolRefusedError: reason ``insufficient_buying_power``, with the largest quantity
                that fits.
        """
        cost = price * qty
        if cost <= self.buying_power:
            return
        most = max(0, math.floor(self.buying_power / price))
        raise ToolRefusedError(
            f"insufficient buying power: {qty} {symbol} at {price} costs {cost}, "
            f"buying power is {self.buying_power}",
            reason="insufficient_buying_power",
            hint=f"Buy at most {most} shares at that price, or sell something first.",
        )

    def check_sell(self, symbol: str, qty: int) -> None:
        """Refuse a sell of more shares than are held and not already being sold.

        Raises:
            ToolRefusedError: reason ``insufficient_position``; the paper broker does not sell
                short.
        """
        holding = self.holdings.get(symbol, Holding())
        if qty <= holding.available:
            return
        reserved = (
            f", {holding.reserved} of them reserved by open sell orders" if holding.reserved else ""
        )
        raise ToolRefusedError(
            f"insufficient position: cannot sell {qty} {symbol}, you hold {holding.qty}{reserved}",
            reason="insufficient_position",
            hint=f"Sell at most {holding.available} shares; the paper broker does not sell short.",
        )

    def buy(self, symbol: str, qty: int, price: Decimal) -> None:
        """Record a filled buy."""
        cost = price * qty
        holding = self.holdings.setdefault(symbol, Holding())
        self.cash -= cost
        holding.qty += qty
        holding.cost_basis += cost

    def sell(self, symbol: str, qty: int, price: Decimal) -> Decimal:
        """Record a filled sell; return the realized P/L it booked."""
        holding = self.holdings[symbol]
        if qty == holding.qty:
            removed = holding.cost_basis
        else:
            removed = (holding.cost_basis * qty / holding.qty).quantize(TICK)
        proceeds = price * qty
        self.cash += proceeds
        holding.qty -= qty
        holding.cost_basis -= removed
        self.realized_pl += proceeds - removed
        if holding.qty == 0 and holding.reserved == 0:
            del self.holdings[symbol]
        return proceeds - removed

    def reserve_cash(self, amount: Decimal) -> None:
        """Hold back cash for an open buy order."""
        self.reserved_cash += amount

    def release_cash(self, amount: Decimal) -> None:
        """Give back cash an open buy order held."""
        self.reserved_cash -= amount

    def reserve_shares(self, symbol: str, qty: int) -> None:
        """Hold back shares for an open sell order."""
        self.holdings[symbol].reserved += qty

    def release_shares(self, symbol: str, qty: int) -> None:
        """Give back shares an open sell order held."""
        self.holdings[symbol].reserved -= qty

    def audit(self) -> list[str]:
        """Every broken invariant of the books; empty when they balance."""
        problems: list[str] = []
        basis = sum((h.cost_basis for h in self.holdings.values()), ZERO)
        if self.cash + basis != self.starting_cash + self.realized_pl:
            problems.append(
                f"cash {self.cash} + cost basis {basis} != starting cash {self.starting_cash} "
                f"+ realized P/L {self.realized_pl}"
            )
        if self.cash < 0:
            problems.append(f"negative cash {self.cash}")
        if not ZERO <= self.reserved_cash <= self.cash:
            problems.append(f"reserved cash {self.reserved_cash} is not within [0, {self.cash}]")
        for symbol, h in sorted(self.holdings.items()):
            if h.qty <= 0 or not 0 <= h.reserved <= h.qty:
                problems.append(f"{symbol}: qty {h.qty} with {h.reserved} reserved")
            if h.cost_basis <= 0:
                problems.append(f"{symbol}: cost basis {h.cost_basis} for {h.qty} shares")
        return problems
