"""``BrokerBackend``: what the broker tools need of a brokerage (paper or real).

Two implementations: ``SandboxBrokerBackend`` (a paper broker over a market data backend) and
``HttpBrokerBackend`` (Alpaca Trading API v2 over REST).

Each kind of write has a lookup by its idempotency key, so a write whose outcome is unknown
(timeout, lost reply) is reconciled by asking rather than re-sent: ``place_order`` by
``find_order_by_client_id``, ``cancel_order`` by ``find_cancellation``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from plangate.tools.domains.broker.models import (
    Account,
    Order,
    OrderQuery,
    OrderRequest,
    OrdersPage,
    Position,
)


@runtime_checkable
class BrokerBackend(Protocol):
    """Account, positions and orders.

    Business refusals raise ``ToolRefusedError`` with a reason: ``market_closed``,
    ``insufficient_buying_power``, ``insufficient_position``, ``unknown_ticker``, ``not_found``,
    ``not_cancellable``, ``idempotency_key_reused``, ``invalid``.
    """

    async def get_account(self) -> Account:
        """Cash, buying power, equity and the previous close's equity."""
        ...

    async def get_positions(self) -> list[Position]:
        """Open positions, by symbol."""
        ...

    async def place_order(self, request: OrderRequest, *, idempotency_key: str) -> Order:
        """Place an order; ``idempotency_key`` becomes its ``client_order_id``.

        A repeated key returns the order first placed with it and changes nothing (a key
        reused for a *different* order is refused with ``idempotency_key_reused``).
        """
        ...

    async def cancel_order(self, order_id: str, *, idempotency_key: str) -> Order:
        """Cancel an open order; a repeated key returns the order as that cancel left it."""
        ...

    async def get_order(self, order_id: str) -> Order:
        """The order with ``order_id`` (refused with ``not_found`` if none)."""
        ...

    async def find_order_by_client_id(self, client_order_id: str) -> Order | None:
        """The order placed with this ``client_order_id`` (idempotency key), if any."""
        ...

    async def find_cancellation(self, idempotency_key: str) -> Order | None:
        """The order cancelled by the cancel keyed ``idempotency_key``, if that cancel happened."""
        ...

    async def list_orders(
        self, status: OrderQuery = "open", limit: int = 50, page_token: str | None = None
    ) -> OrdersPage:
        """Orders, newest first, a page at a time."""
        ...
