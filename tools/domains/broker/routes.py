"""The broker REST API over any ``BrokerBackend``, shaped like Alpaca Trading API v2.

Mounted at ``PREFIX`` by ``plangate sandbox serve``;
``plangate.tools.domains.broker.http.HttpBrokerBackend`` is its client (see there for the routes and
where they differ from Alpaca). Writes need an idempotency key: ``client_order_id`` in the order's
body or the ``Idempotency-Key`` header (the same value if both are given). A ``DELETE`` without a
key uses ``cancel:{id}``, so cancelling twice is harmless. Refusals become the error bodies of
``plangate.tools.domains.server``.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Body, Header, Response
from pydantic import ValidationError

from plangate.tools.domains.broker._wire import (
    BY_CANCEL_KEY_PATH,
    BY_CLIENT_ID_PATH,
    NEXT_PAGE_HEADER,
    WireAccount,
    WireOrder,
    WireOrderRequest,
    WirePosition,
)
from plangate.tools.domains.broker.backend import BrokerBackend
from plangate.tools.domains.broker.models import MAX_CLIENT_ORDER_ID, OrderQuery, OrderRequest
from plangate.tools.domains.server import json_body
from plangate.tools.errors import ToolRefusedError

PREFIX = "/broker"
_QUERIES = ("open", "closed", "all")


def _invalid(exc: ValidationError, what: str) -> ToolRefusedError:
    listed = "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(body)'}: {err['msg']}" for err in exc.errors()
    )
    return ToolRefusedError(f"invalid {what}: {listed}", reason="invalid")


def _order_request(payload: dict[str, Any], header_key: str | None) -> tuple[OrderRequest, str]:
    """The order and its idempotency key from a ``POST /v2/orders`` body and header.

    Raises:
        ToolRefusedError: reason ``invalid``: a bad body, no key, or two different keys.
    """
    try:
        wire = WireOrderRequest.model_validate(payload)
        request = wire.to_request()
    except ValidationError as exc:
        raise _invalid(exc, "order") from exc
    key = wire.client_order_id or header_key
    if not key or len(key) > MAX_CLIENT_ORDER_ID:
        raise ToolRefusedError(
            "an order needs a client_order_id of 1-128 characters",
            reason="invalid",
            hint="Send client_order_id (or an Idempotency-Key header) so that a retried order "
            "is never placed twice.",
        )
    if wire.client_order_id and header_key and wire.client_order_id != header_key:
        raise ToolRefusedError(
            "client_order_id and the Idempotency-Key header differ",
            reason="invalid",
            hint="Send the same value in both, or only one of them.",
        )
    return request, key


def router(backend: BrokerBackend) -> APIRouter:
    """The routes of the broker API, serving ``backend``."""
    api = APIRouter(tags=["broker"])

    @api.get("/v2/account")
    async def get_account() -> WireAccount:
        return WireAccount.of(await backend.get_account())

    @api.get("/v2/positions")
    async def get_positions() -> list[WirePosition]:
        return [WirePosition.of(p) for p in await backend.get_positions()]

    @api.post("/v2/orders", openapi_extra=json_body(WireOrderRequest))
    async def post_order(
        payload: Annotated[dict[str, Any], Body()],
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    ) -> WireOrder:
        request, key = _order_request(payload, idempotency_key)
        return WireOrder.of(await backend.place_order(request, idempotency_key=key))

    @api.get("/v2/orders")
    async def get_orders(
        response: Response,
        status: str = "open",
        limit: int = 50,
        page_token: str | None = None,
    ) -> list[WireOrder]:
        if status not in _QUERIES:
            raise ToolRefusedError(
                f"unknown order status filter {status!r}",
                reason="invalid",
                hint="Use 'open', 'closed' or 'all'.",
            )
        page = await backend.list_orders(cast(OrderQuery, status), limit, page_token)
        response.headers[NEXT_PAGE_HEADER] = page.next_page_token or ""
        return [WireOrder.of(order) for order in page.orders]

    @api.get(BY_CLIENT_ID_PATH)
    async def get_order_by_client_id(client_order_id: str) -> WireOrder:
        found = await backend.find_order_by_client_id(client_order_id)
        if found is None:
            raise ToolRefusedError(
                f"no order with client_order_id {client_order_id!r}",
                reason="not_found",
                hint="No order was placed with this key: it is safe to place it.",
            )
        return WireOrder.of(found)

    @api.get(BY_CANCEL_KEY_PATH)
    async def get_cancellation(idempotency_key: str) -> WireOrder:
        found = await backend.find_cancellation(idempotency_key)
        if found is None:
            raise ToolRefusedError(
                f"no cancel was made with idempotency key {idempotency_key!r}",
                reason="not_found",
                hint="The cancel did not happen: it is safe to send it.",
            )
        return WireOrder.of(found)

    @api.get("/v2/orders/{order_id}")
    async def get_order(order_id: str) -> WireOrder:
        return WireOrder.of(await backend.get_order(order_id))

    @api.delete("/v2/orders/{order_id}")
    async def delete_order(
        order_id: str,
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    ) -> WireOrder:
        key = idempotency_key or f"cancel:{order_id}"
        return WireOrder.of(await backend.cancel_order(order_id, idempotency_key=key))

    return api
