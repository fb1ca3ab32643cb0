"""``HttpBrokerBackend``: the broker Protocol over REST, shaped like Alpaca Trading API v2.

| method                    | request                                                      |
|---------------------------|--------------------------------------------------------------|
| ``get_account``           | ``GET /v2/account``                                          |
| ``get_positions``         | ``GET /v2/positions``                                        |
| ``place_order``           | ``POST /v2/orders`` (``client_order_id`` in the body, and the ``Idempotency-Key`` header) |
| ``list_orders``           | ``GET /v2/orders?status&limit&direction=desc[&page_token | &until]`` |
| ``get_order``             | ``GET /v2/orders/{id}``                                      |
| ``find_order_by_client_id`` | ``GET /v2/orders:by_client_order_id?client_order_id=``     |
| ``cancel_order``          | ``DELETE /v2/orders/{id}`` (``Idempotency-Key`` header)      |
| ``find_cancellation``     | ``GET /v2/orders:by_cancel_key?idempotency_key=`` (sandbox extension) |

- **Idempotency**: the key is the order's ``client_order_id``, which Alpaca keeps unique, and is
  also sent as ``Idempotency-Key``; so a retried ``POST`` cannot place a second order, and
  keyed writes are retried on 5xx and timeouts by ``plangate.tools.http.HttpBackend``.
- **Cancel**: Alpaca answers ``204 No Content``; the order is then read back with
  ``GET /v2/orders/{id}``. The sandbox answers ``200`` with the order. Alpaca has no lookup of a
  cancel by key: there ``find_cancellation`` finds nothing, and a cancel whose reply was lost is
  sent again (harmless: cancelling is idempotent on the order).
- **Pagination**: the sandbox server returns the next page's token in the ``X-Next-Page-Token``
  header (empty on the last page) and takes it back as ``page_token``. Alpaca pages by time
  instead: without that header, a full page yields a token ``until:<created_at of its oldest
  order>``, sent back as ``until=``.
- **Errors**: refusals arrive as 404/409/422 bodies. Alpaca answers 403 for insufficient buying
  power, which ``plangate.tools.http.map_http_error`` reports as an authorization failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter, ValidationError

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import Clock
from plangate.tools.domains.broker._wire import (
    BY_CANCEL_KEY_PATH,
    BY_CLIENT_ID_PATH,
    NEXT_PAGE_HEADER,
    WireAccount,
    WireOrder,
    WireOrderRequest,
    WirePosition,
)
from plangate.tools.domains.broker.models import (
    Account,
    Order,
    OrderQuery,
    OrderRequest,
    OrdersPage,
    Position,
)
from plangate.tools.domains.market.http import alpaca_headers
from plangate.tools.domains.market.models import format_instant
from plangate.tools.errors import MalformedResponseError, ToolRefusedError
from plangate.tools.http import HttpBackend, parse_body

T = TypeVar("T")
ALPACA_PAPER_URL = "https://paper-api.alpaca.markets"
_UNTIL = "until:"
_ORDERS = TypeAdapter(list[WireOrder])
_POSITIONS = TypeAdapter(list[WirePosition])


def is_not_found(error: ToolRefusedError) -> bool:
    """True for a 404 refusal, as the sandbox (``not_found``) or Alpaca (``404...``) says it."""
    return error.reason == "not_found" or error.reason.startswith(("404", "http_404"))


class HttpBrokerBackend(HttpBackend):
    """A brokerage behind an Alpaca-shaped REST API.

    Args:
        base_url: the trading API's root (Alpaca's paper API, or ``{sandbox}/broker``).
        key_id: Alpaca API key id, sent as ``APCA-API-KEY-ID``.
        secret_key: Alpaca secret key, sent as ``APCA-API-SECRET-KEY``.
        token: a bearer token, for services that take one instead.
        timeout: seconds for connect, read and write.
        retry: attempts and backoff for transient failures.
        clock: what backoff sleeps on.
        transport: an httpx transport (tests).
        seed: seeds the backoff jitter.
    """

    def __init__(
        self,
        base_url: str = ALPACA_PAPER_URL,
        *,
        key_id: str | None = None,
        secret_key: str | None = None,
        token: str | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        seed: int = 0,
    ) -> None:
        super().__init__(
            base_url,
            service="broker",
            token=token,
            timeout=timeout,
            retry=retry,
            clock=clock,
            transport=transport,
            headers=alpaca_headers(key_id, secret_key),
            seed=seed,
        )

    def _convert(self, build: Callable[[], T], what: str) -> T:
        """Run a wire-to-model conversion; a body that parsed but is invalid is malformed."""
        try:
            return build()
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(body)"
            raise MalformedResponseError(
                f"broker: malformed {what}: {where}: {first['msg']}", service=self.service
            ) from exc

    async def get_account(self) -> Account:
        """Cash, buying power, equity and the previous close's equity."""
        wire = await self.get_json("/v2/account", WireAccount)
        return self._convert(wire.to_account, "account")

    async def get_positions(self) -> list[Position]:
        """Open positions."""
        wires = await self.get_json("/v2/positions", _POSITIONS)
        return [self._convert(w.to_position, "position") for w in wires]

    async def place_order(self, request: OrderRequest, *, idempotency_key: str) -> Order:
        """Place ``request`` with ``client_order_id = idempotency_key``."""
        body = WireOrderRequest.of(request, idempotency_key).model_dump(
            mode="json", exclude_none=True
        )
        wire = await self.send_json(
            "POST", "/v2/orders", WireOrder, json=body, idempotency_key=idempotency_key
        )
        return self._convert(wire.to_order, "order")

    async def cancel_order(self, order_id: str, *, idempotency_key: str) -> Order:
        """Cancel ``order_id``; read the order back when the reply has no body (Alpaca's 204)."""
        response = await self.request(
            "DELETE", f"/v2/orders/{quote(order_id, safe='')}", idempotency_key=idempotency_key
        )
        if response.status_code == 204 or not response.content:
            return await self.get_order(order_id)
        return self._convert(parse_body(self.service, response, WireOrder).to_order, "order")

    async def get_order(self, order_id: str) -> Order:
        """The order ``order_id``."""
        wire = await self.get_json(f"/v2/orders/{quote(order_id, safe='')}", WireOrder)
        return self._convert(wire.to_order, "order")

    async def _find(self, path: str, params: dict[str, Any]) -> Order | None:
        try:
            wire = await self.get_json(path, WireOrder, params=params)
        except ToolRefusedError as exc:
            if is_not_found(exc):
                return None
            raise
        return self._convert(wire.to_order, "order")

    async def find_order_by_client_id(self, client_order_id: str) -> Order | None:
        """The order placed with ``client_order_id``, if any."""
        return await self._find(BY_CLIENT_ID_PATH, {"client_order_id": client_order_id})

    async def find_cancellation(self, idempotency_key: str) -> Order | None:
        """The order the cancel keyed ``idempotency_key`` cancelled, if the service knows."""
        return await self._find(BY_CANCEL_KEY_PATH, {"idempotency_key": idempotency_key})

    async def list_orders(
        self, status: OrderQuery = "open", limit: int = 50, page_token: str | None = None
    ) -> OrdersPage:
        """Orders, newest first, a page at a time."""
        params: dict[str, Any] = {"status": status, "limit": limit, "direction": "desc"}
        if page_token and page_token.startswith(_UNTIL):
            params["until"] = page_token.removeprefix(_UNTIL)
        elif page_token:
            params["page_token"] = page_token
        response = await self.request("GET", "/v2/orders", params=params)
        wires = parse_body(self.service, response, _ORDERS)
        orders = [self._convert(w.to_order, "order") for w in wires]
        if NEXT_PAGE_HEADER in response.headers:
            token = response.headers[NEXT_PAGE_HEADER] or None
        elif orders and len(orders) == limit:
            token = _UNTIL + format_instant(orders[-1].created_at)
        else:
            token = None
        return OrdersPage(orders=orders, next_page_token=token)
