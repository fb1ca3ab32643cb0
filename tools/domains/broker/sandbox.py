"""``SandboxBrokerBackend``: a paper broker trading against a market data backend.

- **Market orders** fill at once, in full, at the ask (buy) or the bid (sell) while the market
  is open; when it is closed they are refused (``market_closed``: use a limit order, or wait for
  the next open).
- **Limit orders** fill at once at the quote when marketable (ask <= limit for a buy, bid >=
  limit for a sell) and the market is open; otherwise they rest as ``new`` and can be cancelled.
  Resting orders are matched whenever the broker is next asked anything: an order marketable at
  that moment fills at that moment's quote. A ``day`` order still resting at its session's close
  (the next session's, if placed while closed) is cancelled, stamped with the close.
- **Books** (``plangate.tools.domains.broker.portfolio``): exact ``Decimal`` cash and average-cost
  holdings; a resting buy reserves ``limit * qty`` of buying power, a resting sell its shares.
- **Refusals**: ``market_closed``, ``insufficient_buying_power`` (the hint says how many shares
  fit), ``insufficient_position`` (the paper broker is long-only: no short selling),
  ``unknown_ticker`` (from the market backend), ``not_found``, ``not_cancellable``,
  ``idempotency_key_reused``, ``invalid``.
- **Idempotency**: ``client_order_id`` is the idempotency key: a repeated key returns the first
  order and changes nothing. Cancels are keyed too (``find_cancellation``).
- ``last_equity`` is the equity at the previous session's close, replayed from the fills.

Every operation runs through a ``FaultInjector``; ``audit()`` checks the books against the
order history. Give the broker and the market the same clock (by default the broker uses the
market's).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.broker.audit import audit_blotter
from plangate.tools.domains.broker.blotter import Blotter
from plangate.tools.domains.broker.models import (
    Account,
    Order,
    OrderQuery,
    OrderRequest,
    OrdersPage,
    Position,
)
from plangate.tools.domains.broker.portfolio import Portfolio
from plangate.tools.domains.market.backend import MarketDataBackend
from plangate.tools.domains.market.models import MarketClock, Quote, Timeframe, canonical_price
from plangate.tools.domains.market.sessions import (
    local_date,
    midnight,
    previous_trading_day,
    session_close,
)
from plangate.tools.errors import UsageError
from plangate.tools.faults import NO_FAULTS, FaultInjector, FaultPlan

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Snapshot:
    """The market as one operation sees it: the time, the clock and the quotes it needs."""

    now: datetime
    clock: MarketClock
    quotes: dict[str, Quote] = field(default_factory=dict)


def _clock_of(market: MarketDataBackend) -> Clock:
    found = getattr(market, "clock", None)
    return found if isinstance(found, Clock) else SystemClock()


class SandboxBrokerBackend:
    """The broker Protocol as a paper broker.

    Args:
        market: where quotes and market hours come from.
        starting_cash: the account's cash before any trade, in USD.
        seed: seeds order ids and the account number.
        clock: what "now" is; defaults to the market's clock (or the system clock).
        faults: a fault plan applied to every operation.
    """

    service = "broker"

    def __init__(
        self,
        market: MarketDataBackend,
        starting_cash: Decimal | int | str = 100_000,
        seed: int = 0,
        clock: Clock | None = None,
        faults: FaultPlan | None = None,
    ) -> None:
        cash = Decimal(str(starting_cash))
        if not cash.is_finite() or cash <= 0:
            raise UsageError(f"starting_cash must be a positive amount, got {starting_cash!r}")
        self.market = market
        self.clock: Clock = clock or _clock_of(market)
        self.seed = seed
        self.faults = FaultInjector(faults or NO_FAULTS, self.clock, self.service)
        self.book = Portfolio(cash.quantize(CENT))
        self.orders = Blotter(self.book, self._order_id)
        digest = hashlib.sha256(f"account:{seed}".encode()).hexdigest()
        self.account_number = f"PA{int(digest[:12], 16) % 10**10:010d}"

    def _order_id(self, seq: int) -> str:
        digest = hashlib.sha256(f"order:{self.seed}:{seq}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    async def _observe(self, symbols: Iterable[str]) -> Snapshot:
        """Quotes for ``symbols`` and every resting order's symbol, then match resting orders."""
        now = self.clock.now()
        clock = await self.market.market_clock(now)
        wanted = sorted({*symbols, *self.orders.resting_symbols()})
        quotes = {symbol: await self.market.latest_quote(symbol) for symbol in wanted}
        snapshot = Snapshot(now, clock, quotes)
        # No await from here on: each operation's checks and writes are atomic on the loop.
        self.orders.sweep(snapshot.now, snapshot.clock.is_open, snapshot.quotes)
        return snapshot

    async def get_account(self) -> Account:
        """Cash, buying power, equity and the previous close's equity."""

        async def action() -> Account:
            last_equity = await self._equity_at_previous_close()
            snap = await self._observe(self.book.holdings)
            value = sum(
                (h.qty * snap.quotes[s].mid for s, h in self.book.holdings.items()), Decimal(0)
            )
            return Account(
                account_number=self.account_number,
                cash=canonical_price(self.book.cash),
                buying_power=canonical_price(self.book.buying_power),
                equity=canonical_price(self.book.cash + value),
                long_market_value=canonical_price(value),
                last_equity=last_equity,
            )

        return await self.faults.run("get_account", "", "read", action)

    async def _equity_at_previous_close(self) -> Decimal:
        """Equity at the close of the last session before today, replayed from the fills."""
        day = previous_trading_day(local_date(self.clock.now()))
        then = self.orders.replay(until=session_close(day))
        value = Decimal(0)
        for symbol, holding in sorted(then.holdings.items()):
            stamp = midnight(day)
            page = await self.market.bars(symbol, Timeframe.DAY, stamp, stamp, 1)
            price = page.bars[0].c if page.bars else holding.cost_basis / holding.qty
            value += holding.qty * price
        return canonical_price(then.cash + value)

    async def get_positions(self) -> list[Position]:
        """Open positions, by symbol, valued at the quote's mid."""

        async def action() -> list[Position]:
            snap = await self._observe(self.book.holdings)
            return self.orders.positions(snap.quotes)

        return await self.faults.run("get_positions", "", "read", action)

    async def place_order(self, request: OrderRequest, *, idempotency_key: str) -> Order:
        """Place ``request`` under ``idempotency_key`` (its ``client_order_id``)."""

        async def action() -> Order:
            existing = self.orders.existing(idempotency_key, request)
            if existing is not None:
                return existing
            snap = await self._observe([request.symbol])
            return self.orders.place(request, idempotency_key, snap.now, snap.clock, snap.quotes)

        return await self.faults.run("place_order", idempotency_key, "write", action)

    async def cancel_order(self, order_id: str, *, idempotency_key: str) -> Order:
        """Cancel the open order ``order_id``, keyed by ``idempotency_key``."""

        async def action() -> Order:
            snap = await self._observe(())
            return self.orders.cancel(order_id, idempotency_key, snap.now)

        return await self.faults.run("cancel_order", idempotency_key, "write", action)

    async def get_order(self, order_id: str) -> Order:
        """The order with ``order_id``."""

        async def action() -> Order:
            await self._observe(())
            return self.orders.get(order_id)

        return await self.faults.run("get_order", order_id, "read", action)

    async def find_order_by_client_id(self, client_order_id: str) -> Order | None:
        """The order placed with ``client_order_id``, if any."""

        async def action() -> Order | None:
            await self._observe(())
            return self.orders.by_client_id(client_order_id)

        return await self.faults.run("find_order_by_client_id", client_order_id, "read", action)

    async def find_cancellation(self, idempotency_key: str) -> Order | None:
        """The order the cancel keyed ``idempotency_key`` cancelled, if it happened."""

        async def action() -> Order | None:
            await self._observe(())
            return self.orders.by_cancel_key(idempotency_key)

        return await self.faults.run("find_cancellation", idempotency_key, "read", action)

    async def list_orders(
        self, status: OrderQuery = "open", limit: int = 50, page_token: str | None = None
    ) -> OrdersPage:
        """Orders, newest first, ``limit`` per page."""

        async def action() -> OrdersPage:
            await self._observe(())
            return self.orders.page(status, limit, page_token)

        return await self.faults.run(
            "list_orders", repr((status, limit, page_token)), "read", action
        )

    def audit(self) -> list[str]:
        """Every broken invariant of the books and the order history; empty when all is well."""
        return audit_blotter(self.orders)
