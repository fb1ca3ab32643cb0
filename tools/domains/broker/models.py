"""The broker domain's models: order requests, orders, positions and the account.

What crosses a boundary is validated here, once, in words a model can act on:

- An order is for a whole number of shares (``qty`` > 0); a fractional quantity is refused
  with the whole number to use instead. A limit order needs a ``limit_price`` > 0 (at most two
  decimals from $1 up, as US exchanges require); a market order must not carry one.
- Amounts are exact ``Decimal`` in USD (the account's ``currency``); prices are canonical
  (``plangate.tools.domains.market.models.Price``).
- Order statuses are ``new`` (open, resting), ``filled``, ``cancelled`` (by request, or a day
  order that expired at the close) and ``rejected`` (kept for services that record rejections;
  the paper broker refuses a bad order up front instead of recording it).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    computed_field,
    model_validator,
)

from plangate.tools.domains.market.models import Price, Symbol, UtcDatetime, canonical_price
from plangate.tools.money import Amount, CurrencyCode

MAX_QTY = 1_000_000
MAX_ORDERS_PER_PAGE = 500
MAX_CLIENT_ORDER_ID = 128


class OrderSide(StrEnum):
    """Buy or sell."""

    BUY = "buy"
    SELL = "sell"


class OrderType(StrEnum):
    """Market (fill now at the quote) or limit (fill at the limit price or better)."""

    MARKET = "market"
    LIMIT = "limit"


class TimeInForce(StrEnum):
    """How long an unfilled order rests: until the session's close, or until cancelled."""

    DAY = "day"
    GTC = "gtc"


class OrderStatus(StrEnum):
    """Where an order stands."""

    NEW = "new"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


OrderQuery = Literal["open", "closed", "all"]
"""Which orders to list: open (``new``), closed (filled, cancelled, rejected), or all."""


def whole_shares(value: object) -> object:
    """Accept a whole number of shares written as an int, a float, a Decimal or a string.

    Raises:
        ValueError: for a fractional quantity, naming the whole number to use instead.
    """
    if isinstance(value, bool):
        raise ValueError(f"qty must be a whole number of shares, got {value}")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return value  # not a number: the int validator says so
        if number.is_finite() and number != number.to_integral_value():
            whole = int(number)
            raise ValueError(
                f"qty {value} is a fraction of a share: the paper broker trades whole shares "
                f"only; use a whole number such as {max(whole, 1)}"
            )
        if number.is_finite():
            return int(number)
    return value


Qty = Annotated[
    int,
    BeforeValidator(whole_shares),
    Field(gt=0, le=MAX_QTY, description="Whole number of shares, > 0."),
]


def _tick_size(value: Decimal) -> Decimal:
    tick = Decimal("0.01") if value >= 1 else Decimal("0.0001")
    if value != value.quantize(tick):
        raise ValueError(
            f"limit price {value} is finer than the tick size {tick}: prices of $1 and above "
            f"take at most two decimals, lower ones four; e.g. {value.quantize(tick)}"
        )
    return value


LimitPrice = Annotated[
    Decimal,
    Field(gt=0, allow_inf_nan=False, max_digits=18),
    AfterValidator(_tick_size),
    AfterValidator(canonical_price),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
]
"""A limit price: > 0, on the exchange's tick size, canonical; a string in JSON."""


class OrderRequest(BaseModel):
    """An order to place (the arguments of ``place_order``).

    Attributes:
        symbol: the ticker.
        side: buy or sell (selling more than you hold is refused: no short selling).
        qty: whole shares.
        type: market or limit.
        time_in_force: day (cancelled at the close if unfilled) or gtc.
        limit_price: the worst price accepted; required for, and only for, limit orders.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    symbol: Symbol
    side: OrderSide
    qty: Qty
    type: OrderType = OrderType.MARKET
    time_in_force: TimeInForce = TimeInForce.DAY
    limit_price: LimitPrice | None = Field(
        None, description="Required for limit orders, e.g. '185.50'; omit for market orders."
    )

    @model_validator(mode="after")
    def _limit_iff_limit_order(self) -> OrderRequest:
        if self.type is OrderType.LIMIT and self.limit_price is None:
            raise ValueError("a limit order needs a limit_price, e.g. 185.50")
        if self.type is OrderType.MARKET and self.limit_price is not None:
            raise ValueError(
                "a market order takes no limit_price: drop it, or set type='limit' to cap the price"
            )
        return self


class Order(BaseModel):
    """An order the broker accepted.

    Attributes:
        id: the broker's id.
        client_order_id: the caller's idempotency key for it.
        symbol: the ticker.
        side: buy or sell.
        type: market or limit.
        time_in_force: day or gtc.
        qty: shares ordered.
        limit_price: the limit, for limit orders.
        status: new, filled, cancelled or rejected.
        filled_qty: shares filled so far.
        filled_avg_price: average fill price, once filled.
        created_at: when the broker accepted it.
        filled_at: when it filled.
        cancelled_at: when it was cancelled (or expired).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    client_order_id: str = Field(min_length=1, max_length=MAX_CLIENT_ORDER_ID)
    symbol: Symbol
    side: OrderSide
    type: OrderType
    time_in_force: TimeInForce
    qty: int = Field(gt=0)
    limit_price: Price | None = None
    status: OrderStatus
    filled_qty: int = Field(0, ge=0)
    filled_avg_price: Price | None = None
    created_at: UtcDatetime
    filled_at: UtcDatetime | None = None
    cancelled_at: UtcDatetime | None = None

    @property
    def is_open(self) -> bool:
        """True while the order can still fill or be cancelled."""
        return self.status is OrderStatus.NEW

    def matches(self, request: OrderRequest) -> bool:
        """True when ``request`` asks for exactly this order."""
        return (
            self.symbol,
            self.side,
            self.type,
            self.time_in_force,
            self.qty,
            self.limit_price,
        ) == (
            request.symbol,
            request.side,
            request.type,
            request.time_in_force,
            request.qty,
            request.limit_price,
        )


class OrdersPage(BaseModel):
    """One page of orders, newest first.

    Attributes:
        orders: the orders.
        next_page_token: pass it back as ``page_token`` for older orders; ``None`` at the end.
    """

    model_config = ConfigDict(frozen=True)

    orders: list[Order]
    next_page_token: str | None = None


class Position(BaseModel):
    """Shares held in one symbol (long only).

    Attributes:
        symbol: the ticker.
        qty: shares held.
        side: always ``long``: the paper broker does not sell short.
        avg_entry_price: cost basis per share.
        cost_basis: what the shares held cost (average-cost method).
        current_price: the latest mid price.
        market_value: ``qty * current_price``.
        unrealized_pl: ``market_value - cost_basis``.
        unrealized_plpc: ``unrealized_pl / cost_basis``, as a fraction.
    """

    model_config = ConfigDict(frozen=True)

    symbol: Symbol
    qty: int = Field(gt=0)
    side: Literal["long"] = "long"
    avg_entry_price: Price
    cost_basis: Amount
    current_price: Price
    market_value: Amount
    unrealized_pl: Amount
    unrealized_plpc: Amount


class Account(BaseModel):
    """The trading account.

    Attributes:
        account_number: the account's number.
        status: ``ACTIVE``.
        currency: every amount's currency (USD).
        cash: settled cash.
        buying_power: cash not reserved by open buy orders (no margin).
        equity: cash plus the market value of the positions.
        long_market_value: the market value of the positions.
        last_equity: equity at the previous session's close, for the day's P/L.
        daytrade_count: day trades in the last five sessions (not tracked: 0).
        pattern_day_trader: whether the account is flagged as one (never, here).
    """

    model_config = ConfigDict(frozen=True)

    account_number: str
    status: str = "ACTIVE"
    currency: CurrencyCode = "USD"
    cash: Amount
    buying_power: Amount
    equity: Amount
    long_market_value: Amount
    last_equity: Amount
    daytrade_count: int = 0
    pattern_day_trader: bool = False

    @computed_field  # type: ignore[prop-decorator]
    @property
    def daily_pl(self) -> Decimal:
        """Today's profit or loss: ``equity - last_equity``."""
        return self.equity - self.last_equity


class AccountArgs(BaseModel):
    """Arguments of ``get_account`` (none)."""

    model_config = ConfigDict(extra="forbid")


class PositionsArgs(BaseModel):
    """Arguments of ``get_positions`` (none)."""

    model_config = ConfigDict(extra="forbid")


class CancelOrderArgs(BaseModel):
    """Arguments of ``cancel_order``."""

    model_config = ConfigDict(extra="forbid")

    order_id: str = Field(min_length=1, max_length=64, description="The order's id.")


class ListOrdersArgs(BaseModel):
    """Arguments of ``list_orders``."""

    model_config = ConfigDict(extra="forbid")

    status: OrderQuery = Field("open", description="'open', 'closed' or 'all'.")
    limit: int = Field(50, ge=1, le=MAX_ORDERS_PER_PAGE)
    page_token: str | None = Field(None, description="next_page_token of the previous page.")
