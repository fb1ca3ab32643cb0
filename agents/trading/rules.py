"""The trading policy's order limits written as business rules (``plangate.graphs.guards``).

The order limits are rules over ``place_order``'s arguments and the figures a lookup reads:

- **restricted symbols**: ``args.symbol`` not in the restricted list;
- **no short selling**: a sell's ``args.qty`` at most the shares held, the sum of ``qty`` over
  the positions whose symbol is the order's;
- **max order notional**: ``args.qty`` × the price the order is measured at, at most the limit —
  three rules, one per price: the limit of a limit order, else the ask of a buy or the bid of a
  sell, where a market order fills;

- **max position share**: after a buy, (shares held + ``args.qty``) × the price, at most the
  share of the account's equity — two rules, at the limit or at the ask;
- **daily loss limit**: no buy once equity has dropped more than the limit since the last close.

Lookups go through the ``Desk`` (``plangate.agents.trading.desk``), which answers with the
quote, positions and account the run itself read, so a replayed run reaches the same verdicts.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from plangate.graphs.guards.business_rules import BusinessRule
from plangate.graphs.guards.rule_checks import AllOf, AnyOf, Compare, In, Not, Present
from plangate.graphs.guards.rule_lookups import Lookup
from plangate.graphs.guards.rule_measures import Arith, Sum
from plangate.graphs.guards.rule_terms import Arg, Const, Item, Predicate, Term, Var

ORDER_TOOL = "place_order"
IS_SELL = Compare(Arg("side"), "==", Const("sell"))
IS_BUY = Compare(Arg("side"), "==", Const("buy"))
HAS_LIMIT = Present(Arg("limit_price"))


def money(value: Decimal) -> str:
    """``$25,000.00``."""
    return f"${value:,.2f}"


def quote(field: str) -> Term:
    """A field of the latest quote of the order's symbol (``ask_price``, ``bid_price``)."""
    return Lookup("get_quote", {"symbol": Arg("symbol")}, field)


HELD = Sum(
    Lookup("get_positions", {}),
    "qty",
    where=Compare(Item("symbol"), "==", Arg("symbol")),
)
"""Shares of the order's symbol held: the positions' quantities in that symbol, summed."""


def restricted_rule(symbols: Collection[str]) -> BusinessRule:
    """No order, buy or sell, in a symbol on the restricted list."""
    listed = sorted({symbol.upper() for symbol in symbols})
    return BusinessRule(
        id="restricted_symbols",
        tool=ORDER_TOOL,
        require=Not(In(Arg("symbol"), tuple(listed))),
        message=(
            f"{{args.symbol}} is on the restricted list ({', '.join(listed)}): "
            "compliance bars trading it"
        ),
    )


SHORT_SELLING = BusinessRule(
    id="no_short_selling",
    tool=ORDER_TOOL,
    when=IS_SELL,
    bind={"held": HELD},
    require=Compare(Arg("qty"), "<=", Var("held")),
    message=(
        "selling {args.qty} {args.symbol} would sell short: {held} held; "
        "the policy allows no short selling"
    ),
)
"""No sell of more shares than are held."""


def _notional(
    rule_id: str, when: Predicate, price: Term, what: str, limit: Decimal
) -> BusinessRule:
    return BusinessRule(
        id=rule_id,
        tool=ORDER_TOOL,
        when=when,
        bind={"price": price, "notional": Arith("*", Arg("qty"), Var("price"))},
        require=Compare(Var("notional"), "<=", Const(limit)),
        message=(
            f"order notional {{args.qty}} × ${{price}} ({what} of {{args.symbol}}) = "
            f"${{notional:,.2f}} exceeds the {money(limit)} limit per order"
        ),
    )


def notional_rules(limit: Decimal) -> tuple[BusinessRule, ...]:
    """No order worth more than ``limit``: shares × the price the order is measured at."""
    return (
        _notional("notional_at_the_limit", HAS_LIMIT, Arg("limit_price"), "the limit", limit),
        _notional(
            "notional_at_the_ask",
            AllOf(Not(HAS_LIMIT), IS_BUY),
            quote("ask_price"),
            "the ask",
            limit,
        ),
        _notional(
            "notional_at_the_bid",
            AllOf(Not(HAS_LIMIT), IS_SELL),
            quote("bid_price"),
            "the bid",
            limit,
        ),
    )


EQUITY = Lookup("get_account", {}, "equity")
LAST_EQUITY = Lookup("get_account", {}, "last_equity")


def _share(rule_id: str, when: Predicate, price: Term, what: str, share: Decimal) -> BusinessRule:
    after = Arith("*", Arith("+", Var("held"), Arg("qty")), Var("price"))
    return BusinessRule(
        id=rule_id,
        tool=ORDER_TOOL,
        when=when,
        bind={
            "held": HELD,
            "price": price,
            "equity": EQUITY,
            "after": after,
            "share": Arith("/", Var("after"), Var("equity")),
        },
        require=AllOf(
            Compare(Var("equity"), ">", Const(0)),
            Compare(Var("after"), "<=", Arith("*", Const(share), Var("equity"))),
        ),
        message=(
            f"after the order the {{args.symbol}} position would be ({{held}} held + {{args.qty}}) "
            f"× ${{price}} ({what}) = ${{after:,.2f}}, {{share:.1%}} of equity ${{equity:,.2f}}; "
            f"the limit is {share:.0%}"
        ),
    )


def position_share_rules(share: Decimal) -> tuple[BusinessRule, ...]:
    """After a buy, the position must not exceed ``share`` of the account's equity."""
    return (
        _share(
            "share_at_the_limit", AllOf(IS_BUY, HAS_LIMIT), Arg("limit_price"), "the limit", share
        ),
        _share(
            "share_at_the_ask", AllOf(IS_BUY, Not(HAS_LIMIT)), quote("ask_price"), "the ask", share
        ),
    )


def daily_loss_rule(max_loss: Decimal) -> BusinessRule:
    """No new buys once equity has fallen more than ``max_loss`` since the last close."""
    return BusinessRule(
        id="daily_loss_limit",
        tool=ORDER_TOOL,
        when=IS_BUY,
        bind={
            "equity": EQUITY,
            "last": LAST_EQUITY,
            "drop": Arith("/", Arith("-", Var("last"), Var("equity")), Var("last")),
        },
        # Sells reduce risk and stay allowed; an account with no equity at the close has no drop.
        require=AnyOf(
            Compare(Var("last"), "<=", Const(0)),
            Compare(Var("drop"), "<=", Const(max_loss)),
        ),
        message=(
            "equity ${equity:,.2f} is {drop:.2%} below ${last:,.2f} at the last close, beyond "
            f"the {max_loss:.0%} daily loss limit: no new buys today (sells are allowed)"
        ),
    )
