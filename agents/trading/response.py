"""The trading assistant's answer: a ``TradeReport``.

Every number in a report is taken from a tool result, and says where from: a ``Figure``'s
``source`` is the reference path of the value in the step results (``quote.ask_price``,
``rsi14.value``, ``positions[0].qty``), so anyone — a test, a reviewer, the user — can check it
against the run's records. Orders are reported as the broker returned them; an order not
placed is reported with why (its condition was false, the policy blocked it, a person rejected
it, the broker refused it, or the request named dollars rather than shares).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from plangate.tools.domains.broker.models import OrderSide, OrderStatus, OrderType

SkipReason = Literal["condition_false", "blocked_by_policy", "rejected", "failed", "needs_shares"]
"""Why an order was not placed.

``condition_false``: its condition did not hold; ``blocked_by_policy``: a guardrail of the
trading policy stopped it; ``rejected``: a person rejected it at approval; ``failed``: the
broker refused it, or a step it needed failed; ``needs_shares``: the request named an amount of
money, and orders take whole shares.
"""

OrderAction = Literal["placed", "cancelled", "listed"]
"""What this run did with an order: placed it, cancelled it, or only looked it up."""


class Figure(BaseModel):
    """A number taken from a tool result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="What it is, e.g. 'ask', 'RSI(14)', 'cash', 'qty held'.")
    symbol: str | None = Field(description="The stock it is about; None for account figures.")
    value: Decimal = Field(description="The value exactly as the tool returned it.")
    as_of: str | None = Field(
        description="When the value holds, as the tool dated it (ISO date or instant); None "
        "when the result carries no date (account, positions: as of the run)."
    )
    source: str = Field(
        description="Where in the step results, as a reference path, e.g. 'quote.ask_price'."
    )


class OrderLine(BaseModel):
    """An order as the broker reported it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: OrderAction = Field(description="placed / cancelled by this run, or listed.")
    id: str = Field(description="The broker's order id.")
    symbol: str
    side: OrderSide
    qty: int = Field(gt=0)
    type: OrderType
    status: OrderStatus
    limit_price: Decimal | None = Field(description="The limit, for limit orders.")
    filled_qty: int = Field(ge=0)
    fill_price: Decimal | None = Field(description="Average fill price, once filled.")
    source: str = Field(description="The step whose result reported the order.")


class SkippedOrder(BaseModel):
    """An order the request asked for that was not placed, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    symbol: str
    side: OrderSide
    qty: int | None = Field(description="Shares asked for; None when the request named dollars.")
    type: OrderType
    limit_price: Decimal | None = None
    notional: Decimal | None = Field(
        default=None, description="The amount of money asked for (needs_shares only)."
    )
    suggested_qty: int | None = Field(
        default=None, description="Whole shares that amount buys at the quote (needs_shares)."
    )
    reason: SkipReason
    detail: str = Field(min_length=1, description="The reason in words, with its figures.")
    source: str = Field(description="The plan step of the order.")


class Note(BaseModel):
    """A passage of a research note."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str = Field(description="The note's file, e.g. 'research/nvda.md'.")
    title: str = Field(description="The headings above the passage, or the note's title.")
    excerpt: str = Field(description="The passage, as the tool returned it (cut to 600 chars).")
    step_id: str


class Problem(BaseModel):
    """Something the run could not do (other than an order, see ``SkippedOrder``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step_id: str
    tool: str
    detail: str = Field(min_length=1)


class TradeReport(BaseModel):
    """The answer: figures, orders placed or skipped, research, problems and a summary line."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    summary: str = Field(min_length=1, description="One line saying what was found and done.")
    figures: list[Figure] = Field(default_factory=list)
    orders: list[OrderLine] = Field(default_factory=list)
    skipped: list[SkippedOrder] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)

    @field_validator("summary")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value.strip():
            raise ValueError("the summary is one line: put details in the other fields")
        return value.strip()

    def placed(self) -> list[OrderLine]:
        """The orders this run placed."""
        return [order for order in self.orders if order.action == "placed"]
