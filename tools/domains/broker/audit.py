"""``audit_blotter``: the paper broker's books checked against its order history.

Three independent views must agree exactly (``Decimal``, no tolerance):

1. the books' own invariant: ``cash + cost basis == starting cash + realized P/L``, no negative
   cash, no short or empty holding, reservations within what is held;
2. the books rebuilt by replaying every fill, in fill order, on fresh books;
3. sums straight from the orders: positions are the net of the filled quantities, cash is the
   starting cash less what the buys cost plus what the sells brought, reservations are exactly
   what the open orders hold back.
"""

from __future__ import annotations

from plangate.tools.domains.broker.blotter import Blotter
from plangate.tools.domains.broker.models import OrderSide, OrderStatus
from plangate.tools.domains.broker.portfolio import ZERO


def audit_blotter(blotter: Blotter) -> list[str]:
    """Every broken invariant; empty when the books balance."""
    book = blotter.book
    problems = book.audit()
    replayed = blotter.replay()
    if (replayed.cash, replayed.realized_pl) != (book.cash, book.realized_pl):
        problems.append(
            f"books (cash {book.cash}, realized {book.realized_pl}) differ from the fills "
            f"(cash {replayed.cash}, realized {replayed.realized_pl})"
        )
    held = {s: (h.qty, h.cost_basis) for s, h in book.holdings.items()}
    rebuilt = {s: (h.qty, h.cost_basis) for s, h in replayed.holdings.items()}
    if held != rebuilt:
        problems.append(f"positions {held} differ from the replayed fills {rebuilt}")
    problems.extend(_audit_orders(blotter))
    return problems


def _audit_orders(blotter: Blotter) -> list[str]:
    book = blotter.book
    problems: list[str] = []
    net: dict[str, int] = {}
    cash = book.starting_cash
    reserved_cash = ZERO
    reserved_shares: dict[str, int] = {}
    open_ids = set(blotter.open_ids())
    orders = blotter.orders()
    for o in orders:
        if o.status is OrderStatus.FILLED:
            consistent = o.filled_qty == o.qty and o.filled_avg_price is not None
            consistent = consistent and o.filled_at is not None
            sign = 1 if o.side is OrderSide.BUY else -1
            net[o.symbol] = net.get(o.symbol, 0) + sign * o.filled_qty
            cash -= sign * o.filled_qty * (o.filled_avg_price or ZERO)
        else:
            consistent = o.filled_qty == 0 and o.filled_avg_price is None
        if not consistent:
            problems.append(f"order {o.id} is {o.status.value} with {o.filled_qty} filled")
        if (o.status is OrderStatus.NEW) != (o.id in open_ids):
            problems.append(f"order {o.id} is {o.status.value} but open={o.id in open_ids}")
        if o.status is OrderStatus.CANCELLED and o.cancelled_at is None:
            problems.append(f"order {o.id} is cancelled with no cancelled_at")
        if o.status is OrderStatus.NEW and o.side is OrderSide.BUY:
            reserved_cash += (o.limit_price or ZERO) * o.qty
        elif o.status is OrderStatus.NEW:
            reserved_shares[o.symbol] = reserved_shares.get(o.symbol, 0) + o.qty
        if blotter.order_id_for(o.client_order_id) != o.id:
            problems.append(f"order {o.id}: client_order_id {o.client_order_id!r} not indexed")
    if cash != book.cash:
        problems.append(f"cash {book.cash} != starting cash net of the fills {cash}")
    if any(qty < 0 for qty in net.values()):
        problems.append(f"a net position is short: {net}")
    if {s: q for s, q in net.items() if q} != {s: h.qty for s, h in book.holdings.items()}:
        problems.append(f"holdings differ from the net filled quantities {net}")
    if reserved_cash != book.reserved_cash:
        problems.append(f"reserved cash {book.reserved_cash} != open buys' {reserved_cash}")
    held_back = {s: h.reserved for s, h in book.holdings.items() if h.reserved}
    if held_back != reserved_shares:
        problems.append(f"reserved shares {held_back} != open sells' {reserved_shares}")
    fills = blotter.fill_ids()
    filled = [o.id for o in orders if o.status is OrderStatus.FILLED]
    if sorted(fills) != sorted(filled) or len(set(fills)) != len(fills):
        problems.append("the record of fills does not match the filled orders")
    return problems
