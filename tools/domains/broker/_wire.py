"""Alpaca Trading API v2 wire shapes, shared by ``HttpBrokerBackend`` and the sandbox routes.

Amounts and quantities travel as strings, as Alpaca sends them, so nothing is rounded on the
way. Alpaca's order statuses are folded into plangate's four:

| Alpaca                                                                 | plangate    |
|------------------------------------------------------------------------|-------------|
| new, accepted, pending_new, accepted_for_bidding, partially_filled, pending_cancel, pending_replace, calculated, held, stopped | ``new`` |
| filled                                                                 | ``filled``    |
| canceled, expired, done_for_day, replaced                              | ``cancelled`` |
| rejected, suspended                                                    | ``rejected``  |

Orders of a type or time in force plangate does not model (stop, trailing stop; ioc, fok...) do
not parse: they are reported as malformed rather than misread.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from plangate.tools.domains.broker.models import (
    Account,
    Order,
    OrderRequest,
    OrderSide,
    OrderStatus,
    OrderType,
    Position,
    TimeInForce,
)

WireAmount = Annotated[
    Decimal, PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json")
]
WireQty = Annotated[int, PlainSerializer(str, return_type=str, when_used="json")]

_FROM_ALPACA: dict[str, OrderStatus] = {
    **dict.fromkeys(
        [
            "new",
            "accepted",
            "pending_new",
            "accepted_for_bidding",
            "partially_filled",
            "pending_cancel",
            "pending_replace",
            "calculated",
            "held",
            "stopped",
        ],
        OrderStatus.NEW,
    ),
    "filled": OrderStatus.FILLED,
    **dict.fromkeys(("canceled", "expired", "done_for_day", "replaced"), OrderStatus.CANCELLED),
    **dict.fromkeys(("rejected", "suspended"), OrderStatus.REJECTED),
}
_TO_ALPACA = {
    OrderStatus.NEW: "new",
    OrderStatus.FILLED: "filled",
    OrderStatus.CANCELLED: "canceled",
    OrderStatus.REJECTED: "rejected",
}


def _status_from_alpaca(value: object) -> object:
    if isinstance(value, OrderStatus) or not isinstance(value, str):
        return value
    status = _FROM_ALPACA.get(value)
    if status is None:
        raise ValueError(f"unknown order status {value!r}")
    return status


WireStatus = Annotated[
    OrderStatus,
    BeforeValidator(_status_from_alpaca),
    PlainSerializer(lambda s: _TO_ALPACA[s], return_type=str, when_used="json"),
]


class WireOrder(BaseModel):
    """An order as Alpaca describes it."""

    model_config = ConfigDict(extra="ignore")

    id: str
    client_order_id: str
    created_at: AwareDatetime
    updated_at: AwareDatetime | None = None
    submitted_at: AwareDatetime | None = None
    filled_at: AwareDatetime | None = None
    canceled_at: AwareDatetime | None = None
    expired_at: AwareDatetime | None = None
    symbol: str
    asset_class: str = "us_equity"
    qty: WireQty
    filled_qty: WireQty
    filled_avg_price: WireAmount | None = None
    order_type: OrderType
    type: OrderType
    side: OrderSide
    time_in_force: TimeInForce
    limit_price: WireAmount | None = None
    status: WireStatus

    @classmethod
    def of(cls, order: Order) -> WireOrder:
        """The wire form of ``order``."""
        return cls(
            id=order.id,
            client_order_id=order.client_order_id,
            created_at=order.created_at,
            updated_at=order.filled_at or order.cancelled_at or order.created_at,
            submitted_at=order.created_at,
            filled_at=order.filled_at,
            canceled_at=order.cancelled_at,
            symbol=order.symbol,
            qty=order.qty,
            filled_qty=order.filled_qty,
            filled_avg_price=order.filled_avg_price,
            order_type=order.type,
            type=order.type,
            side=order.side,
            time_in_force=order.time_in_force,
            limit_price=order.limit_price,
            status=order.status,
        )

    def to_order(self) -> Order:
        """The order, validated."""
        return Order(
            id=self.id,
            client_order_id=self.client_order_id,
            symbol=self.symbol,
            side=self.side,
            type=self.type,
            time_in_force=self.time_in_force,
            qty=self.qty,
            limit_price=self.limit_price,
            status=self.status,
            filled_qty=self.filled_qty,
            filled_avg_price=self.filled_avg_price,
            created_at=self.created_at,
            filled_at=self.filled_at,
            cancelled_at=self.canceled_at or self.expired_at,
        )


class WireOrderRequest(BaseModel):
    """The body of ``POST /v2/orders``."""

    model_config = ConfigDict(extra="ignore")

    symbol: str
    qty: WireQty | str
    side: str
    type: str = "market"
    time_in_force: str = "day"
    limit_price: WireAmount | str | None = None
    client_order_id: str | None = None

    @classmethod
    def of(cls, request: OrderRequest, client_order_id: str) -> WireOrderRequest:
        """The body that places ``request`` under ``client_order_id``."""
        return cls(
            symbol=request.symbol,
            qty=request.qty,
            side=request.side.value,
            type=request.type.value,
            time_in_force=request.time_in_force.value,
            limit_price=request.limit_price,
            client_order_id=client_order_id,
        )

    def to_request(self) -> OrderRequest:
        """The order request, validated (``client_order_id`` aside)."""
        return OrderRequest.model_validate(self.model_dump(exclude={"client_order_id"}))


class WirePosition(BaseModel):
    """A position as Alpaca describes it."""

    model_config = ConfigDict(extra="ignore")

    symbol: str
    asset_class: str = "us_equity"
    qty: WireQty
    side: str
    avg_entry_price: WireAmount
    cost_basis: WireAmount
    current_price: WireAmount
    market_value: WireAmount
    unrealized_pl: WireAmount
    unrealized_plpc: WireAmount

    @classmethod
    def of(cls, position: Position) -> WirePosition:
        """The wire form of ``position``."""
        return cls.model_validate(position.model_dump())

    def to_position(self) -> Position:
        """The position, validated."""
        return Position.model_validate(self.model_dump(exclude={"asset_class"}))


class WireAccount(BaseModel):
    """The account as Alpaca describes it (the fields plangate uses)."""

    model_config = ConfigDict(extra="ignore")

    account_number: str
    status: str
    currency: str
    cash: WireAmount
    buying_power: WireAmount
    equity: WireAmount
    portfolio_value: WireAmount | None = None
    long_market_value: WireAmount
    last_equity: WireAmount
    daytrade_count: int = 0
    pattern_day_trader: bool = False

    @classmethod
    def of(cls, account: Account) -> WireAccount:
        """The wire form of ``account``."""
        return cls.model_validate({**account.model_dump(), "portfolio_value": account.equity})

    def to_account(self) -> Account:
        """The account, validated."""
        return Account.model_validate(self.model_dump(exclude={"portfolio_value"}))


NEXT_PAGE_HEADER = "X-Next-Page-Token"
"""Response header of ``GET /v2/orders`` carrying the next page's token (a sandbox extension;
empty on the last page)."""
BY_CLIENT_ID_PATH = "/v2/orders:by_client_order_id"
BY_CANCEL_KEY_PATH = "/v2/orders:by_cancel_key"
"""Lookup of a cancel by its idempotency key (a sandbox extension Alpaca does not have)."""
