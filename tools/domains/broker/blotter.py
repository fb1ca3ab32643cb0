"""``Blotter``: the paper broker's record of orders, fills and cancels, and its matching rules.

The blotter owns the order history; the ``Portfolio`` it is given owns the money. Every method
is synchronous and takes the market as data (the time, whether the market is open, quotes), so
an operation's checks and writes happen with no await in between and are atomic on the loop.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from plangate.tools.domains.broker.models import (
    MAX_ORDERS_PER_PAGE,
    Order,
    OrderQuery,
    OrderRequest,
    OrderSide,
    OrdersPage,
    OrderStatus,
    OrderType,
    Position,
    TimeInForce,
)
from plangate.tools.domains.broker.portfolio import TICK, Portfolio
from plangate.tools.domains.market.models import MarketClock, Quote, canonical_price, format_instant
from plangate.tools.errors import ToolRefusedError

_QUERIES: dict[str, frozenset[OrderStatus]] = {
    "open": frozenset({OrderStatus.NEW}),
    "closed": frozenset({OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED}),
    "all": frozenset(OrderStatus),
}


@dataclass
class _Entry:
    order: Order
    seq: int
    expires_at: datetime | None


def is_marketable(order: Order, quote: Quote) -> bool:
    """True when ``order`` can fill against ``quote`` now."""
    if order.type is OrderType.MARKET:
        return True
    assert order.limit_price is not None  # a limit order always has one (OrderRequest checks)
    if order.side is OrderSide.BUY:
        return quote.ask_price <= order.limit_price
    return quote.bid_price >= order.limit_price


class Blotter:
    """Orders and their effects on a ``Portfolio``.

    Args:
        book: the account's books.
        new_id: makes the id of the ``seq``-th order.
    """

    def __init__(self, book: Portfolio, new_id: Callable[[int], str]) -> None:
        self.book = book
        self._new_id = new_id
        self._orders: dict[str, _Entry] = {}
        self._open: dict[str, None] = {}  # an insertion-ordered set of open order ids
        self._by_client_id: dict[str, str] = {}
        self._cancels: dict[str, str] = {}
        self._fills: list[str] = []

    def resting_symbols(self) -> set[str]:
        """Symbols of the open orders (they need quotes to be matched)."""
        return {self._orders[order_id].order.symbol for order_id in self._open}

    def existing(self, key: str, request: OrderRequest) -> Order | None:
        """The order already placed with ``key``, if any.

        Raises:
            ToolRefusedError: reason ``idempotency_key_reused`` if it was a different order.
        """
        order_id = self._by_client_id.get(key)
        if order_id is None:
            return None
        order = self._orders[order_id].order
        if not order.matches(request):
            raise ToolRefusedError(
                f"client_order_id {key!r} was already used for order {order.id} "
                f"({order.side} {order.qty} {order.symbol})",
                reason="idempotency_key_reused",
                hint="Use a new client_order_id (idempotency key) for a different order.",
            )
        return order

    def place(
        self,
        request: OrderRequest,
        key: str,
        now: datetime,
        clock: MarketClock,
        quotes: Mapping[str, Quote],
    ) -> Order:
        """Accept ``request``, fill it if it is marketable, or let it rest."""
        existing = self.existing(key, request)
        if existing is not None:
            return existing
        quote = quotes[request.symbol]
        if request.type is OrderType.MARKET and not clock.is_open:
            raise ToolRefusedError(
                f"the market is closed: a market order for {request.symbol} cannot fill now",
                reason="market_closed",
                hint="Use a limit order (it rests until it can fill), or wait until the next "
                f"open at {format_instant(clock.next_open)}.",
            )
        if request.side is OrderSide.BUY:
            price = request.limit_price if request.limit_price is not None else quote.ask_price
            self.book.check_buy(request.symbol, request.qty, price)
        else:
            self.book.check_sell(request.symbol, request.qty)
        seq = len(self._orders) + 1
        order = Order(
            id=self._new_id(seq),
            client_order_id=key,
            symbol=request.symbol,
            side=request.side,
            type=request.type,
            time_in_force=request.time_in_force,
            qty=request.qty,
            limit_price=request.limit_price,
            status=OrderStatus.NEW,
            created_at=now,
        )
        # A day order lives until the running session's close, or the next one's.
        expires = clock.next_close if request.time_in_force is TimeInForce.DAY else None
        entry = _Entry(order, seq, expires)
        self._orders[order.id] = entry
        self._by_client_id[key] = order.id
        if clock.is_open and is_marketable(order, quote):
            self._fill(entry, quote, now)
        else:
            self._rest(entry)
        return entry.order

    def cancel(self, order_id: str, key: str, now: datetime) -> Order:
        """Cancel the open order ``order_id`` under ``key``."""
        done = self._cancels.get(key)
        if done is not None:
            if done != order_id:
                raise ToolRefusedError(
                    f"idempotency key {key!r} already cancelled order {done}",
                    reason="idempotency_key_reused",
                    hint="Use a new idempotency key to cancel a different order.",
                )
            return self._orders[done].order
        order = self.get(order_id)
        if not order.is_open:
            if order.status is OrderStatus.FILLED:
                hint = (
                    f"It filled at {order.filled_avg_price}; to undo it, place an opposite order."
                )
            else:
                hint = "Nothing to do: it is no longer open."
            raise ToolRefusedError(
                f"order {order_id} is {order.status.value} and can no longer be cancelled",
                reason="not_cancellable",
                hint=hint,
            )
        self._cancel(self._orders[order_id], now)
        self._cancels[key] = order_id
        return self._orders[order_id].order

    def get(self, order_id: str) -> Order:
        """The order ``order_id``.

        Raises:
            ToolRefusedError: reason ``not_found``.
        """
        entry = self._orders.get(order_id)
        if entry is None:
            raise ToolRefusedError(
                f"no order with id {order_id!r}",
                reason="not_found",
                hint="Check the id: list_orders shows the orders and their ids.",
            )
        return entry.order

    def by_client_id(self, key: str) -> Order | None:
        """The order placed under ``key``, if any."""
        order_id = self._by_client_id.get(key)
        return self._orders[order_id].order if order_id is not None else None

    def by_cancel_key(self, key: str) -> Order | None:
        """The order cancelled under ``key``, if any."""
        order_id = self._cancels.get(key)
        return self._orders[order_id].order if order_id is not None else None

    def sweep(self, now: datetime, is_open: bool, quotes: Mapping[str, Quote]) -> None:
        """Expire day orders past their close, and fill resting orders now marketable."""
        for order_id in list(self._open):
            entry = self._orders[order_id]
            quote = quotes.get(entry.order.symbol)
            if entry.expires_at is not None and now >= entry.expires_at:
                self._cancel(entry, entry.expires_at)
            elif is_open and quote is not None and is_marketable(entry.order, quote):
                self._fill(entry, quote, now)

    def page(self, status: OrderQuery, limit: int, page_token: str | None) -> OrdersPage:
        """Orders in ``status``, newest first, ``limit`` per page."""
        if status not in _QUERIES:
            raise ToolRefusedError(
                f"unknown order status filter {status!r}",
                reason="invalid",
                hint="Use 'open', 'closed' or 'all'.",
            )
        if not 1 <= limit <= MAX_ORDERS_PER_PAGE:
            raise ToolRefusedError(
                f"limit {limit} is out of range",
                reason="invalid",
                hint=f"Ask for 1 to {MAX_ORDERS_PER_PAGE} orders per page.",
            )
        before = _decode_token(page_token, status) if page_token else len(self._orders) + 1
        wanted = _QUERIES[status]
        found = [
            e
            for e in reversed(self._orders.values())
            if e.seq < before and e.order.status in wanted
        ]
        token = _encode_token(status, found[limit - 1].seq) if len(found) > limit else None
        return OrdersPage(orders=[e.order for e in found[:limit]], next_page_token=token)

    def positions(self, quotes: Mapping[str, Quote]) -> list[Position]:
        """The holdings, valued at each quote's mid."""
        out = []
        for symbol, holding in sorted(self.book.holdings.items()):
            price = canonical_price(quotes[symbol].mid)
            value = holding.qty * price
            pl = value - holding.cost_basis
            out.append(
                Position(
                    symbol=symbol,
                    qty=holding.qty,
                    avg_entry_price=canonical_price(holding.cost_basis / holding.qty),
                    cost_basis=canonical_price(holding.cost_basis),
                    current_price=price,
                    market_value=canonical_price(value),
                    unrealized_pl=canonical_price(pl),
                    unrealized_plpc=(pl / holding.cost_basis).quantize(TICK),
                )
            )
        return out

    def replay(self, until: datetime | None = None) -> Portfolio:
        """Fresh books with the fills up to ``until`` (all of them by default) applied."""
        book = Portfolio(self.book.starting_cash)
        for order_id in self._fills:
            order = self._orders[order_id].order
            assert order.filled_at is not None
            assert order.filled_avg_price is not None
            if until is not None and order.filled_at > until:
                continue
            if order.side is OrderSide.BUY:
                book.buy(order.symbol, order.filled_qty, order.filled_avg_price)
            else:
                book.sell(order.symbol, order.filled_qty, order.filled_avg_price)
        return book

    def _rest(self, entry: _Entry) -> None:
        order = entry.order
        self._open[order.id] = None
        if order.side is OrderSide.BUY:
            assert order.limit_price is not None  # market orders never rest
            self.book.reserve_cash(order.limit_price * order.qty)
        else:
            self.book.reserve_shares(order.symbol, order.qty)

    def _release(self, entry: _Entry) -> None:
        order = entry.order
        if order.id not in self._open:
            return  # an order filled on arrival reserved nothing
        del self._open[order.id]
        if order.side is OrderSide.BUY:
            assert order.limit_price is not None
            self.book.release_cash(order.limit_price * order.qty)
        else:
            self.book.release_shares(order.symbol, order.qty)

    def _fill(self, entry: _Entry, quote: Quote, now: datetime) -> None:
        self._release(entry)
        order = entry.order
        if order.side is OrderSide.BUY:
            price = quote.ask_price
            self.book.buy(order.symbol, order.qty, price)
        else:
            price = quote.bid_price
            self.book.sell(order.symbol, order.qty, price)
        entry.order = order.model_copy(
            update={
                "status": OrderStatus.FILLED,
                "filled_qty": order.qty,
                "filled_avg_price": price,
                "filled_at": now,
            }
        )
        self._fills.append(order.id)

    def _cancel(self, entry: _Entry, at: datetime) -> None:
        self._release(entry)
        entry.order = entry.order.model_copy(
            update={"status": OrderStatus.CANCELLED, "cancelled_at": at}
        )

    def orders(self) -> list[Order]:
        """Every order, oldest first."""
        return [entry.order for entry in self._orders.values()]

    def open_ids(self) -> list[str]:
        """Ids of the open orders, oldest first."""
        return list(self._open)

    def fill_ids(self) -> list[str]:
        """Ids of the filled orders, in the order they filled."""
        return list(self._fills)

    def order_id_for(self, client_order_id: str) -> str | None:
        """The id of the order placed under ``client_order_id``."""
        return self._by_client_id.get(client_order_id)


def _encode_token(status: str, seq: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([status, seq]).encode()).decode().rstrip("=")


def _decode_token(token: str, status: str) -> int:
    try:
        got_status, seq = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        got_status, seq = None, None
    if got_status != status or not isinstance(seq, int):
        raise ToolRefusedError(
            f"page_token {token[:40]!r} was not issued for {status!r} orders",
            reason="invalid",
            hint="Pass back the next_page_token of the previous page unchanged, with the same "
            "status.",
        )
    return seq
