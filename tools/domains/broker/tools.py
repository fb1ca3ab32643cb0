"""The broker tools: read the account and positions, place and cancel orders.

``place_order`` and ``cancel_order`` are writes: the executor gives each call an idempotency
key, which the backend records (as the order's ``client_order_id``, or as the cancel's key), so
a retried or resumed write never happens twice; a write whose reply was lost is settled by the
reconciler, which looks the key up instead of sending the write again. Orders on the same
symbol, and cancels of the same order, are serialized (``conflict_key``).
"""

from __future__ import annotations

from typing import Any

from plangate.tools.base import RetryPolicy, Tool, ToolContext, tool
from plangate.tools.domains.broker.backend import BrokerBackend
from plangate.tools.domains.broker.models import (
    Account,
    AccountArgs,
    CancelOrderArgs,
    ListOrdersArgs,
    Order,
    OrderRequest,
    OrdersPage,
    Position,
    PositionsArgs,
)
from plangate.tools.errors import UsageError

READ_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.25, max_delay=4.0)
# Writes may be retried: the executor reconciles by key before anything is sent again.
WRITE_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.5, max_delay=8.0)


def _key(ctx: ToolContext[BrokerBackend], tool_name: str) -> str:
    if not ctx.idempotency_key:
        raise UsageError(
            f"{tool_name} is a write and needs ctx.idempotency_key: run it through "
            "plangate.tools.executor.ToolExecutor, which derives one"
        )
    return ctx.idempotency_key


@tool(effect="read", retry=READ_RETRY)
async def get_account(args: AccountArgs, ctx: ToolContext[BrokerBackend]) -> Account:
    """Get the trading account: cash, buying power, equity, and equity at the last close."""
    return await ctx.deps.get_account()


@tool(effect="read", retry=READ_RETRY)
async def get_positions(args: PositionsArgs, ctx: ToolContext[BrokerBackend]) -> list[Position]:
    """List the stocks held, with quantity, cost basis, market value and unrealized P/L."""
    return await ctx.deps.get_positions()


@tool(effect="read", retry=READ_RETRY)
async def list_orders(args: ListOrdersArgs, ctx: ToolContext[BrokerBackend]) -> OrdersPage:
    """List orders, newest first: open (resting), closed (filled/cancelled), or all."""
    return await ctx.deps.list_orders(args.status, args.limit, args.page_token)


async def _find_order(ctx: ToolContext[BrokerBackend], key: str) -> Order | None:
    return await ctx.deps.find_order_by_client_id(key)


async def _find_cancellation(ctx: ToolContext[BrokerBackend], key: str) -> Order | None:
    return await ctx.deps.find_cancellation(key)


def _symbol(args: OrderRequest) -> str:
    return args.symbol


def _order_id(args: CancelOrderArgs) -> str:
    return args.order_id


@tool(
    effect="write",
    retry=WRITE_RETRY,
    conflict_key=_symbol,
    reconciler=_find_order,
    # What to trade, which way and how much is the person's call: a symbol or a quantity taken
    # from a research note or a quote is shown to them first.
    sinks={
        "symbol": "approve",
        "side": "approve",
        "qty": "approve",
        "type": "approve",
        "time_in_force": "approve",
        "limit_price": "approve",
    },
)
async def place_order(args: OrderRequest, ctx: ToolContext[BrokerBackend]) -> Order:
    """Buy or sell whole shares of a stock with a market or limit order (paper trading)."""
    return await ctx.deps.place_order(args, idempotency_key=_key(ctx, "place_order"))


@tool(
    effect="write",
    retry=WRITE_RETRY,
    conflict_key=_order_id,
    reconciler=_find_cancellation,
    sinks={"order_id": "allow"},  # the id comes from list_orders or place_order results
)
async def cancel_order(args: CancelOrderArgs, ctx: ToolContext[BrokerBackend]) -> Order:
    """Cancel an open (resting) order by its id."""
    return await ctx.deps.cancel_order(args.order_id, idempotency_key=_key(ctx, "cancel_order"))


TOOLS: tuple[Tool[Any], ...] = (get_account, get_positions, list_orders, place_order, cancel_order)
